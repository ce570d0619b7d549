"""The command line: a thin typer app over the read model and the service layer.

It holds no rules of its own. Each command parses its options, calls one service method or
read function, and prints the result as a table, text, CSV or JSON. Errors a user can fix
arrive as DomainError and leave as one line on stderr with exit code 1.

No `from __future__ import annotations` here: typer reads every command's signature at each
start, and string annotations would be compiled and evaluated anew each time (about 15 ms).
"""

import contextlib
import csv
import json
import sys
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from lawtasks import __version__, i18n
from lawtasks.errors import DomainError
from lawtasks.i18n import t


def _early_language(argv: list[str]) -> None:
    """Help texts are built when this module loads, so `--lang` is read from argv first."""
    for index, arg in enumerate(argv):
        value = None
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value is not None:
            # A bad value is reported properly when the option itself is parsed.
            with contextlib.suppress(DomainError):
                i18n.set_language(value)
            return


_early_language(sys.argv[1:])


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class TextFormat(StrEnum):
    text = "text"
    json = "json"


@dataclass
class Settings:
    """The global options, shared by every command through click's context."""

    db: str | None = None
    user: str | None = None
    plan: str | None = None
    today_text: str | None = None
    debug: bool = False
    _overrides: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def url(self) -> str:
        from lawtasks.location import resolve_db_url

        return resolve_db_url(self.db)

    @cached_property
    def engine(self) -> Any:
        from lawtasks.db import make_engine
        from lawtasks.seed import ensure_seeded

        engine = make_engine(self.url)
        # The default database is created and seeded on first use: nothing to set up.
        ensure_seeded(engine, actor=self.user)
        return engine

    @cached_property
    def reader(self) -> Any:
        """The lean reader, where it can serve this ledger (lawtasks.fastread); else None."""
        from lawtasks.fastread import Reader

        return Reader.open(self.url)

    @cached_property
    def today(self) -> date:
        if self.today_text is None:
            return date.today()
        from lawtasks.dates import parse_date

        # 6月底 means the end of June of the plan's year, as it does for --due.
        return parse_date(self.today_text, year=self.plan_year())

    @cached_property
    def actor(self) -> str:
        from lawtasks.domain import default_actor

        return self.user or default_actor()

    def ledger(self, plan: str | None = None) -> Any:
        from lawtasks.services import Ledger

        return Ledger(self.engine, actor=self.user, plan=plan or self.plan)

    def view(self, plan: str | None = None, *, today: date | None = None) -> Any:
        slug = plan or self.plan
        today = today or self.today
        if self.reader is not None:
            view = self.reader.load_plan(slug=slug, today=today)
            if view is not None:
                return view
        from lawtasks.readmodel import load_plan

        return load_plan(self.engine, slug=slug, today=today)

    def plan_year(self, plan: str | None = None) -> int:
        slug = plan or self.plan
        year = self.reader.plan_year(slug) if self.reader is not None else None
        if year is None:
            from lawtasks.readmodel import plan_year

            year = plan_year(self.engine, slug)
        return int(year)

    def history(self, plan: str | None, ref: str, limit: int) -> Any:
        """The newest `limit` events of one task or item, oldest first."""
        if self.reader is not None:
            events = self.reader.load_history(slug=plan, ref=ref, limit=limit)
            if events is not None:
                return events
        from lawtasks.readmodel import load_history

        return load_history(self.engine, slug=plan, ref=ref, limit=limit)


def _localise_params(params: list[Any]) -> list[Any]:
    """Help in the user's language, also for the options typer and click add themselves."""
    own_help = {
        "help": "help.help",
        "install_completion": "help.install_completion",
        "show_completion": "help.show_completion",
    }
    for param in params:
        if param.name in own_help:
            param.help = t(own_help[param.name])
    return params


# Options of `lawtasks` itself, which go before the command (`lawtasks --user x set ...`).
_GLOBAL_OPTIONS = ("--db", "--user", "--lang", "--today", "--debug")


class _Command(TyperCommand):
    def get_params(self, ctx: typer.Context) -> list[Any]:  # type: ignore[override]
        return _localise_params(super().get_params(ctx))

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        from typer._click.exceptions import NoSuchOption

        try:
            return super().parse_args(ctx, args)
        except NoSuchOption as error:
            # The commonest slip: a global option after the command. Say where it goes.
            if error.option_name in _GLOBAL_OPTIONS:
                error.message = t("error.global_option", option=error.option_name)
                error.possibilities = None
            raise


class _Group(TyperGroup):
    """Turns every error into one line on stderr and exit code 1; --debug shows tracebacks.

    A DomainError is the user's to fix and says how; a database's error is explained by
    lawtasks.db. Anything else is a bug, but an officer still gets one line naming it, and
    the traceback only with --debug: a screen of Python helps nobody at the county office.
    """

    def get_params(self, ctx: typer.Context) -> list[Any]:  # type: ignore[override]
        return _localise_params(super().get_params(ctx))

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        from typer._click.exceptions import Abort, ClickException, Exit

        try:
            return super().invoke(ctx)
        except (ClickException, Exit, Abort, EOFError):
            raise  # click's own: usage errors, exits and ^D, which it reports itself
        except Exception as error:
            if isinstance(error, BrokenPipeError):
                raise  # a reader that stopped reading (`| head`): click exits quietly
            settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
            if settings.debug:
                raise
            typer.echo(f"lawtasks: {_error_line(error, settings)}", err=True)
            raise typer.Exit(1) from None


def _error_line(error: Exception, settings: Settings) -> str:
    """The one line a user sees for `error`."""
    if isinstance(error, DomainError):
        return str(error)
    if isinstance(error, _database_error_types()):
        from lawtasks.db import database_error

        with contextlib.suppress(Exception):  # a --db that cannot even be resolved
            return str(database_error(settings.url, error))
    first = (str(error).strip().splitlines() or [""])[0]
    line = t("error.unexpected", error=f"{type(error).__name__}: {first}")
    from lawtasks.location import redact

    # The message of an error nobody expected may quote the --db URL it failed on.
    with contextlib.suppress(Exception):
        line = redact(line, settings.url)
    return redact(line)


def _database_error_types() -> tuple[type[Exception], ...]:
    """SQLAlchemy's DBAPIError and sqlite3's Error, of those loaded: a command that never
    imported one (the lean read path skips SQLAlchemy) cannot have raised it, and importing
    it to check would cost more than the command."""
    names = (("sqlalchemy.exc", "DBAPIError"), ("sqlite3", "Error"))
    return tuple(
        getattr(sys.modules[module], name) for module, name in names if module in sys.modules
    )


app = typer.Typer(
    cls=_Group,
    help=t("help.app"),
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    assert isinstance(obj, Settings)
    return obj


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lawtasks {__version__}")
        raise typer.Exit


def _set_lang(value: str | None) -> str | None:
    if value is not None:
        try:
            i18n.set_language(value)
        except DomainError as error:
            raise typer.BadParameter(str(error)) from None
    return value


def complete_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of task and item IDs from the ledger; silent on any failure."""
    from lawtasks.fastread import Reader
    from lawtasks.location import resolve_db_url

    # During completion the root callback has not run: read its options from the parse.
    root = ctx.find_root()
    try:
        url = resolve_db_url(root.params.get("db"))
        plan = ctx.params.get("plan") or root.params.get("plan")
        reader = Reader.open(url)
        ids = reader.ids(slug=plan) if reader is not None else None
        if ids is None:
            ids = _ids_through_the_orm(url, plan)
    except Exception:  # a completion that fails must stay silent, never print a traceback
        return []
    return [value for value in ids if value.startswith(incomplete)]


def _ids_through_the_orm(url: str, plan: str | None) -> list[str]:
    from lawtasks.db import make_engine, sqlite_path
    from lawtasks.readmodel import load_plan

    path = sqlite_path(url)
    if path is not None and not path.exists():
        return []  # completing must never create (and seed) a database
    view = load_plan(make_engine(url), slug=plan, today=date.today())
    return [str(task.id) for task in view.tasks] + [item.id for item in view.items]


IdsArg = Annotated[
    list[str],
    typer.Argument(
        help=t("help.ids"), autocompletion=complete_ids, show_default=False, metavar="ID"
    ),
]
PlanOpt = Annotated[
    str | None, typer.Option("--plan", help=t("help.plan"), show_default=False, metavar="SLUG")
]
TaskFilterOpt = Annotated[
    list[str] | None,
    typer.Option("--task", help=t("help.task"), show_default=False, metavar="N"),
]
StatusFilterOpt = Annotated[
    list[str] | None,
    typer.Option("--status", help=t("help.status_filter"), show_default=False, metavar="STATUS"),
]
NoteOpt = Annotated[
    str | None, typer.Option("--note", help=t("help.note"), show_default=False, metavar="TEXT")
]
TextFormatOpt = Annotated[TextFormat, typer.Option("--format", "-f", help=t("help.format"))]


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", envvar="LAWTASKS_DB", help=t("help.db"), show_default=False, metavar="PATH|URL"
        ),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help=t("help.user"), show_default=False, metavar="NAME")
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help=t("help.lang"), callback=_set_lang, show_default=False, metavar="zh|en"
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option("--today", help=t("help.today"), show_default=False, metavar="DATE"),
    ] = None,
    plan: PlanOpt = None,
    debug: Annotated[bool, typer.Option("--debug", help=t("help.debug"))] = False,
    version: Annotated[
        bool,
        typer.Option("--version", help=t("help.version"), callback=_version, is_eager=True),
    ] = False,
) -> None:
    ctx.obj = Settings(db=db, user=user, plan=plan, today_text=today, debug=debug)
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            _run_tui(ctx.obj, plan)
        else:
            summary(ctx)


def _console() -> Any:
    from rich.console import Console

    # Stored text is data: markup and emoji codes in it are never interpreted.
    return Console(markup=False, emoji=False, highlight=False)


def _print_json(data: dict[str, Any]) -> None:
    # Indented for a person at a terminal; compact for a program reading a pipe, because
    # only compact JSON goes through json's C encoder (10,000 items: 0.05 s against 0.7 s).
    indent = 2 if sys.stdout.isatty() else None
    typer.echo(json.dumps({"schema": 1, **data}, ensure_ascii=False, indent=indent))


CHANGES_SHOWN = 200


def _print_outcome(outcome: Any, fmt: TextFormat) -> None:
    changes = [
        {"id": change.ref, "field": change.field, "old": change.old, "new": change.new}
        for change in outcome.changes
    ]
    if fmt is TextFormat.json:
        from lawtasks.readmodel import iso

        _print_json(
            {
                "batch": outcome.batch,
                "actor": outcome.actor,
                "at": iso(outcome.at),
                "changes": changes,
            }
        )
        return
    if not outcome.changes:
        typer.echo(t("out.unchanged"))
        return
    from lawtasks.render import describe

    # A person reads the first screenful; `log` (or --format json) has every change.
    lines = [
        f"{change.ref}  {describe(change.field, change.old, change.new)}"
        for change in outcome.changes[:CHANGES_SHOWN]
    ]
    if len(outcome.changes) > CHANGES_SHOWN:
        lines.append(t("out.more_changes", count=len(outcome.changes) - CHANGES_SHOWN))
    typer.echo("\n".join(lines))
    count = len(outcome.changes)
    typer.echo(t("out.changed_one") if count == 1 else t("out.changed", count=count))


# -- plans and seeding -----------------------------------------------------------------------


@app.command(cls=_Command, help=t("help.init"))
def init(ctx: typer.Context) -> None:
    from lawtasks.db import make_engine
    from lawtasks.seed import SEED_SLUG, seed

    settings = _settings(ctx)
    engine = make_engine(settings.url)
    outcome, added = seed(engine, actor=settings.user)
    view = settings.view(SEED_SLUG)
    if not outcome.changed:
        typer.echo(t("seed.exists", plan=SEED_SLUG))
    elif added == 1 + len(view.tasks) + len(view.items):
        typer.echo(t("seed.created", plan=SEED_SLUG, tasks=len(view.tasks), items=len(view.items)))
    else:
        typer.echo(t("seed.updated", plan=SEED_SLUG, added=added))
    from lawtasks.db import display_url

    typer.echo(display_url(settings.url))


@app.command("import", cls=_Command, help=t("help.import"))
def import_(
    ctx: typer.Context,
    report: Annotated[
        str, typer.Argument(help=t("help.report"), show_default=False, metavar="REPORT")
    ],
    slug: Annotated[
        str | None, typer.Option("--slug", help=t("help.slug"), show_default=False, metavar="SLUG")
    ] = None,
) -> None:
    import re
    from pathlib import Path

    from lawtasks.parser import read_report
    from lawtasks.readmodel import load_plan

    settings = _settings(ctx)
    parsed = read_report(Path(report))
    name = slug or f"plan-{parsed.year}"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", name):
        raise DomainError("error.slug", value=name)
    # settings.engine has created the schema; the service refuses a slug already taken.
    settings.ledger().import_plan(parsed, slug=name, new=True)
    view = load_plan(settings.engine, slug=name, today=settings.today)
    typer.echo(
        t("out.imported", plan=name, title=view.title, tasks=len(view.tasks), items=len(view.items))
    )


@app.command(cls=_Command, help=t("help.plans"))
def plans(ctx: typer.Context, fmt: TextFormatOpt = TextFormat.text) -> None:
    from lawtasks.readmodel import list_plans

    rows = list_plans(_settings(ctx).engine)
    if fmt is TextFormat.json:
        _print_json({"plans": [row.as_dict() for row in rows]})
        return
    from rich.table import Table
    from rich.text import Text

    from lawtasks.render import printable

    table = Table(box=None, pad_edge=False, header_style="bold")
    for label in ("label.slug", "label.year", "label.items", "label.plan"):
        table.add_column(t(label), no_wrap=label != "label.plan", overflow="ellipsis")
    for index, row in enumerate(rows):
        table.add_row(
            ("* " if index == 0 else "  ") + row.slug,
            str(row.year),
            str(row.items),
            Text(printable(row.title)),
        )
    _console().print(table)


# -- reading -----------------------------------------------------------------------------


@app.command("list", cls=_Command, help=t("help.list"))
def list_(
    ctx: typer.Context,
    task: TaskFilterOpt = None,
    status: StatusFilterOpt = None,
    overdue: Annotated[bool, typer.Option("--overdue", help=t("help.overdue"))] = False,
    warning: Annotated[
        list[str] | None,
        typer.Option("--warning", help=t("help.warning"), show_default=False, metavar="COLOUR"),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help=t("help.unit_filter"), show_default=False, metavar="UNIT"),
    ] = None,
    due_before: Annotated[
        str | None,
        typer.Option("--due-before", help=t("help.due_before"), show_default=False, metavar="DATE"),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", help=t("help.search"), show_default=False, metavar="TEXT"),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help=t("help.format"))] = Format.table,
    plan: PlanOpt = None,
) -> None:
    from lawtasks.dates import parse_date
    from lawtasks.domain import Status, Warning
    from lawtasks.readmodel import ItemFilter, filter_plan

    settings = _settings(ctx)
    view = settings.view(plan)
    item_filter = ItemFilter(
        tasks=_task_numbers(view, task),
        statuses=frozenset(Status.parse(s) for s in status or ()),
        warnings=frozenset(Warning.parse(w) for w in warning or ()),
        overdue=overdue,
        unit=unit,
        due_before=parse_date(due_before, year=view.year) if due_before else None,
        search=search,
    )
    shown = filter_plan(view, item_filter)
    if fmt is Format.json:
        _print_json(
            {"plan": view.summary_dict(), "tasks": [task.as_dict() for task in shown.tasks]}
        )
    elif fmt is Format.csv:
        # The same columns as `export --format csv`, without the BOM, for scripts.
        from lawtasks.exporters import ExportRequest, render_text

        sys.stdout.write(render_text("csv", ExportRequest(view=shown, exported_by=settings.actor)))
    elif not shown.items:
        typer.echo(t("out.no_items"))
    else:
        from lawtasks.render import items_table

        console = _console()
        table = items_table(shown, width=console.width)
        if console.is_terminal:
            console.print(table)
        else:
            # What the console would print without colours, without its second measuring.
            sys.stdout.write(table.plain + "\n")


@app.command(cls=_Command, help=t("help.show"))
def show(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            help=t("help.id"), autocompletion=complete_ids, show_default=False, metavar="ID"
        ),
    ],
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    from lawtasks.domain import ItemRef, parse_ref

    settings = _settings(ctx)
    parsed = parse_ref(ref)
    view = settings.view(plan)
    # The ORM's history resolves the ID first: an unknown one raises an error naming what
    # exists (the lean reader leaves such a ref to it).
    history = settings.history(view.slug, ref, limit=20)[::-1]
    task = next(task for task in view.tasks if task.id == parsed.task)
    from lawtasks import render

    if isinstance(parsed, ItemRef):
        item = next(item for item in task.items if item.seq == parsed.item)
        if fmt is TextFormat.json:
            data = item.as_dict() | {"history": [event.as_dict() for event in history]}
            _print_json({"plan": view.summary_dict(), "item": data})
        else:
            _console().print(render.item_detail(item, history))
        return
    if fmt is TextFormat.json:
        data = task.as_dict() | {"history": [event.as_dict() for event in history]}
        _print_json({"plan": view.summary_dict(), "task": data})
    else:
        _console().print(render.task_detail(task, history))


@app.command(cls=_Command, help=t("help.summary"))
def summary(ctx: typer.Context, fmt: TextFormatOpt = TextFormat.text, plan: PlanOpt = None) -> None:
    from lawtasks.domain import Warning

    view = _settings(ctx).view(plan)
    if fmt is TextFormat.json:
        red = [item.id for item in view.items if item.warning is Warning.RED]
        _print_json(
            {
                "plan": view.summary_dict(),
                "tasks": [task.as_dict() for task in view.tasks],
                "red": red,
            }
        )
        return
    from lawtasks.render import summary as render_summary

    _console().print(render_summary(view))


@app.command(cls=_Command, help=t("help.log"))
def log(
    ctx: typer.Context,
    ref: Annotated[
        str | None,
        typer.Argument(
            help=t("help.id"), autocompletion=complete_ids, show_default=False, metavar="ID"
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help=t("help.since"), show_default=False, metavar="DATE"),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help=t("help.until"), show_default=False, metavar="DATE"),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help=t("help.format"))] = Format.table,
    plan: PlanOpt = None,
) -> None:
    from lawtasks.dates import parse_date
    from lawtasks.readmodel import load_history

    settings = _settings(ctx)
    year = settings.today.year
    events = load_history(
        settings.engine,
        slug=plan or settings.plan,
        ref=ref,
        since=parse_date(since, year=year) if since else None,
        until=parse_date(until, year=year) if until else None,
    )
    if fmt is Format.json:
        _print_json({"events": [event.as_dict() for event in events]})
    elif fmt is Format.csv:
        from lawtasks.exporters.content import defuse

        # As in `list` and `export`: a note or a name starting with = or @ is text in a
        # spreadsheet, never a formula (=HYPERLINK(...) would be a link that leaks data).
        columns = ("id", "at", "actor", "for_unit", "ref", "action", "field", "old", "new")
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for event in events:
            row = event.as_dict()
            writer.writerow(
                [
                    "" if row[k] is None else defuse(row[k]) if isinstance(row[k], str) else row[k]
                    for k in columns
                ]
            )
    elif not events:
        typer.echo(t("out.no_history"))
    else:
        from lawtasks.render import history_table

        _console().print(history_table(events))


# -- writing -----------------------------------------------------------------------------


@app.command("set", cls=_Command, help=t("help.set"))
def set_(
    ctx: typer.Context,
    ids: IdsArg,
    status: Annotated[
        str | None,
        typer.Option("--status", help=t("help.status"), show_default=False, metavar="STATUS"),
    ] = None,
    progress: Annotated[
        str | None,
        typer.Option("--progress", help=t("help.progress"), show_default=False, metavar="N"),
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help=t("help.unit"), show_default=False, metavar="UNIT")
    ] = None,
    due: Annotated[
        str | None, typer.Option("--due", help=t("help.due"), show_default=False, metavar="DATE")
    ] = None,
    target: Annotated[
        str | None,
        typer.Option("--target", help=t("help.target"), show_default=False, metavar="TEXT"),
    ] = None,
    assisting: Annotated[
        str | None,
        typer.Option("--assisting", help=t("help.assisting"), show_default=False, metavar="UNITS"),
    ] = None,
    person: Annotated[
        str | None,
        typer.Option("--person", help=t("help.person"), show_default=False, metavar="NAME"),
    ] = None,
    note: NoteOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    from lawtasks.services import UNSET

    outcome = (
        _settings(ctx)
        .ledger(plan)
        .update(
            ids,
            status=status,
            progress=progress,
            lead_unit=UNSET if unit is None else unit,
            due=UNSET if due is None else due,
            target=UNSET if target is None else target,
            assisting_units=UNSET if assisting is None else assisting,
            responsible_person=UNSET if person is None else person,
            note=_read_note(note) if note is not None else None,
        )
    )
    _print_outcome(outcome, fmt)


def _mark(ctx: typer.Context, ids: list[str], status: str, **fields: Any) -> None:
    """The shorthands are `set --status S`: same rules, same events."""
    plan = fields.pop("plan")
    fmt = fields.pop("fmt")
    note = fields.pop("note")
    outcome = (
        _settings(ctx)
        .ledger(plan)
        .update(ids, status=status, note=_read_note(note) if note is not None else None, **fields)
    )
    _print_outcome(outcome, fmt)


@app.command(cls=_Command, help=t("help.start"))
def start(
    ctx: typer.Context,
    ids: IdsArg,
    note: NoteOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    _mark(ctx, ids, "in_progress", note=note, fmt=fmt, plan=plan)


@app.command(cls=_Command, help=t("help.done"))
def done(
    ctx: typer.Context,
    ids: IdsArg,
    note: NoteOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    _mark(ctx, ids, "done", note=note, fmt=fmt, plan=plan)


@app.command(cls=_Command, help=t("help.block"))
def block(
    ctx: typer.Context,
    ids: IdsArg,
    note: NoteOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    _mark(ctx, ids, "blocked", note=note, fmt=fmt, plan=plan)


@app.command(cls=_Command, help=t("help.reopen"))
def reopen(
    ctx: typer.Context,
    ids: IdsArg,
    progress: Annotated[
        str | None,
        typer.Option("--progress", help=t("help.reopen_progress"), show_default=False, metavar="N"),
    ] = None,
    note: NoteOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    _mark(ctx, ids, "in_progress", progress=progress, note=note, fmt=fmt, plan=plan)


def _read_note(text: str) -> str:
    """`-` reads the note from stdin, which may hold several lines, in UTF-8."""
    if text != "-":
        return text
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("error.stdin_encoding") from None


@app.command(cls=_Command, help=t("help.note_cmd"))
def note(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            help=t("help.id"), autocompletion=complete_ids, show_default=False, metavar="ID"
        ),
    ],
    text: Annotated[
        str, typer.Argument(help=t("help.note_text"), show_default=False, metavar="TEXT")
    ],
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    outcome = _settings(ctx).ledger(plan).add_note(ref, _read_note(text))
    if fmt is TextFormat.json:
        _print_outcome(outcome, fmt)
    else:
        typer.echo(t("out.note_added", ref=ref))


@app.command(cls=_Command, help=t("help.undo"))
def undo(ctx: typer.Context, fmt: TextFormatOpt = TextFormat.text) -> None:
    outcome = _settings(ctx).ledger().undo()
    if fmt is TextFormat.text:
        from lawtasks.render import local_time

        at = local_time(outcome.reverted_at) if outcome.reverted_at else "?"
        typer.echo(t("undo.reverted", actor=outcome.actor, at=at))
    _print_outcome(outcome, fmt)


# -- exports ---------------------------------------------------------------------------------


class ExportFormat(StrEnum):
    md = "md"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"
    docx = "docx"


@app.command(cls=_Command, help=t("help.export"))
def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help=t("help.export_format"))],
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help=t("help.output"), show_default=False, metavar="PATH"),
    ] = None,
    task: TaskFilterOpt = None,
    status: StatusFilterOpt = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help=t("help.export_since"), show_default=False, metavar="DATE"),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help=t("help.as_of"), show_default=False, metavar="DATE"),
    ] = None,
    plan: PlanOpt = None,
) -> None:
    from pathlib import Path

    from lawtasks.dates import parse_date
    from lawtasks.domain import Status
    from lawtasks.exporters import TEXT_FORMATS, ExportRequest, default_filename, render_text
    from lawtasks.exporters import export as write_export
    from lawtasks.readmodel import ItemFilter, filter_plan, load_history

    settings = _settings(ctx)
    slug = plan or settings.plan
    year = settings.plan_year(slug)
    today = parse_date(as_of, year=year) if as_of else settings.today
    view = settings.view(slug, today=today)
    shown = filter_plan(
        view,
        ItemFilter(
            tasks=_task_numbers(view, task),
            statuses=frozenset(Status.parse(s) for s in status or ()),
        ),
    )
    since_day = parse_date(since, year=year) if since else None
    changes = None
    if since_day is not None:
        shown_ids = {item.id for item in shown.items} | {str(t.id) for t in shown.tasks}
        changes = tuple(
            event
            for event in load_history(settings.engine, slug=view.slug, since=since_day, until=today)
            # The quarterly report asks what moved: status, progress and notes.
            if event.field in ("status", "progress", "note") and event.ref in shown_ids
        )
    request = ExportRequest(
        view=shown, exported_by=settings.actor, changes=changes, since=since_day
    )
    if output is None and fmt.value in TEXT_FORMATS:
        sys.stdout.write(render_text(fmt.value, request))
        return
    path = Path(output) if output else Path.cwd() / default_filename(fmt.value, shown)
    written = write_export(fmt.value, request, path, keep=_ledger_files(settings))
    typer.echo(t("out.exported", path=str(written)))


def _ledger_files(settings: Settings) -> tuple[Any, ...]:
    """The ledger's file and its journals, which no export, sheet or reminder may replace
    (`-o` given the ledger's own path); none for a ledger on a server."""
    from pathlib import Path

    from lawtasks.location import plain_sqlite_file

    url = settings.url
    if not url.startswith("sqlite"):
        return ()
    path = plain_sqlite_file(url)
    if path is None:  # a URL with options: only SQLAlchemy may read it
        from lawtasks.db import sqlite_path

        path = sqlite_path(url)
    if path is None:
        return ()
    return (path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")))


def _task_numbers(view: Any, tasks: list[str] | None) -> frozenset[int]:
    """--task names tasks of the plan; a bad or unknown one is an error naming what exists."""
    from lawtasks.domain import TaskRef, parse_ref
    from lawtasks.readmodel import range_text

    known = sorted(task.id for task in view.tasks)
    numbers = set()
    for value in tasks or ():
        ref = parse_ref(value)
        if not isinstance(ref, TaskRef):
            raise DomainError("error.id", value=value)
        if ref.task not in known:
            raise DomainError("error.no_task", value=value, plan=view.slug, valid=range_text(known))
        numbers.add(ref.task)
    return frozenset(numbers)


# -- departments' returns (填报) -------------------------------------------------------------


@app.command(cls=_Command, help=t("help.sheets"))
def sheets(
    ctx: typer.Context,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help=t("help.sheets_unit"), show_default=False, metavar="UNIT"),
    ] = None,
    output: Annotated[
        str, typer.Option("--output", "-o", help=t("help.sheets_dir"), metavar="DIR")
    ] = ".",
    plan: PlanOpt = None,
) -> None:
    from pathlib import Path

    from lawtasks.exporters.files import write_atomically
    from lawtasks.exporters.sheets import render_sheet

    settings = _settings(ctx)
    view = settings.view(plan)
    directory = Path(output)
    if not directory.is_dir():
        raise DomainError("export.missing_dir", path=str(directory))
    by_unit: dict[str, list[Any]] = {}
    unassigned = []
    for task in view.tasks:
        for item in task.items:
            if not item.lead_unit:
                unassigned.append(item.id)
            elif unit is None or unit in item.lead_unit:
                by_unit.setdefault(item.lead_unit, []).append((task, item))
    if unassigned:
        # Not silently skipped: someone must give these items a lead unit.
        typer.echo(t("sheets.no_unit", ids=", ".join(unassigned)), err=True)
    if not by_unit:
        typer.echo(t("sheets.none"))
        return
    # Recorded first: a returned sheet is checked against what was sent, not its own stamp.
    sent = {
        name: [(item.id, item.version, item.status.value, item.progress) for _, item in rows]
        for name, rows in by_unit.items()
    }
    sheet_ids = settings.ledger(view.slug).issue_sheets(sent)
    for name, rows in sorted(by_unit.items()):
        safe = _file_safe(name)
        path = directory / f"{view.slug}-{t('sheet.title')}-{safe}.xlsx"
        write_atomically(
            path,
            render_sheet(view, name, rows, sheet_id=sheet_ids[name]),
            keep=_ledger_files(settings),
        )
        typer.echo(t("sheets.written", unit=name, path=str(path), count=len(rows)))


@app.command(cls=_Command, help=t("help.apply"))
def apply(
    ctx: typer.Context,
    files: Annotated[list[str], typer.Argument(help=t("help.apply_files"), metavar="FILE")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=t("help.dry_run"))] = False,
    force: Annotated[
        list[str] | None,
        typer.Option("--force", help=t("help.force"), show_default=False, metavar="ID"),
    ] = None,
    plan: PlanOpt = None,
) -> None:
    from pathlib import Path

    from lawtasks.readmodel import load_return_context
    from lawtasks.returns import preview_returns

    settings = _settings(ctx)
    view = settings.view(plan)
    context = load_return_context(
        settings.engine, view.slug, plan_named=(plan or settings.plan) is not None
    )
    forced = set(force or ())
    result = preview_returns(
        [Path(name) for name in files], view, context, actor=settings.actor, force=forced
    )
    if result.errors:
        typer.echo("\n".join(result.errors), err=True)
        raise DomainError("returns.refused", count=len(result.errors))
    # One write each: a return of 10,000 rows previews 10,000 lines.
    if result.preview:
        typer.echo("\n".join(result.preview))
    if result.conflicts:
        typer.echo("\n".join(result.conflicts), err=True)
        raise DomainError("returns.conflicts_refused", count=result.conflict_count)
    if not result.entries:
        typer.echo(t("returns.nothing"))
        return
    if dry_run:
        typer.echo(t("returns.dry_run"))
        return
    outcome = settings.ledger(view.slug).apply_returns(result.entries)
    items = {change.ref for change in outcome.changes}
    typer.echo(t("returns.applied", changes=len(outcome.changes), items=len(items)))


def _file_safe(name: str) -> str:
    """A unit's name as part of a file name: the characters no file system takes go."""
    return "".join("_" if ch in '/\\:*?"<>|' else ch for ch in name)


class RemindFormat(StrEnum):
    text = "text"
    json = "json"
    docx = "docx"


@app.command(cls=_Command, help=t("help.remind"))
def remind(
    ctx: typer.Context,
    within: Annotated[int, typer.Option("--within", help=t("help.within"), metavar="DAYS")] = 7,
    fmt: Annotated[
        RemindFormat, typer.Option("--format", "-f", help=t("help.format"))
    ] = RemindFormat.text,
    output: Annotated[
        str, typer.Option("--output", "-o", help=t("help.sheets_dir"), metavar="DIR")
    ] = ".",
    plan: PlanOpt = None,
) -> None:
    from datetime import timedelta

    from lawtasks.domain import Warning
    from lawtasks.render import printable

    if within < 0:
        raise DomainError("error.within", value=within)
    settings = _settings(ctx)
    view = settings.view(plan)
    # A window reaching past the calendar's last day is the whole future, not an overflow.
    left = (date.max - view.today).days
    horizon = date.max if within >= left else view.today + timedelta(days=within)
    by_unit: dict[str, list[Any]] = {}
    for item in view.items:
        soon = item.due is not None and item.due <= horizon and item.status.value != "done"
        if item.warning is not Warning.GREEN or soon:
            by_unit.setdefault(item.lead_unit or t("remind.no_unit"), []).append(item)
    if fmt is RemindFormat.json:
        _print_json(
            {
                "plan": view.summary_dict(),
                "units": [
                    {"unit": unit, "items": [item.as_dict() for item in items]}
                    for unit, items in sorted(by_unit.items())
                ],
            }
        )
        return
    if not by_unit:
        typer.echo(t("remind.none"))
        return
    if fmt is RemindFormat.docx:
        from pathlib import Path

        from lawtasks.exporters.docx_report import render_reminder
        from lawtasks.exporters.files import write_atomically

        directory = Path(output)
        if not directory.is_dir():
            raise DomainError("export.missing_dir", path=str(directory))
        for unit, items in sorted(by_unit.items()):
            safe = _file_safe(unit)
            path = directory / f"{view.slug}-{t('remind.doc_title')}-{safe}.docx"
            write_atomically(
                path,
                render_reminder(view, unit, items, settings.actor),
                keep=_ledger_files(settings),
            )
            typer.echo(t("out.exported", path=str(path)))
        return
    for unit, items in sorted(by_unit.items()):
        typer.echo(t("remind.title", unit=printable(unit), count=len(items)))
        for item in items:
            due = item.due.isoformat() if item.due else "—"
            typer.echo(
                f"  {item.id}  {item.warning.label}  {due}  {item.progress}%  "
                f"{printable(item.title)}"
            )


# -- safety ----------------------------------------------------------------------------------


@app.command(cls=_Command, help=t("help.verify"))
def verify(
    ctx: typer.Context,
    against: Annotated[
        list[str] | None,
        typer.Option(
            "--against", help=t("help.verify_against"), show_default=False, metavar="FILE"
        ),
    ] = None,
    record: Annotated[
        str | None,
        typer.Option("--record", help=t("help.verify_record"), show_default=False, metavar="FILE"),
    ] = None,
    fmt: TextFormatOpt = TextFormat.text,
) -> None:
    from datetime import UTC, datetime
    from pathlib import Path

    from lawtasks.audit import Anchor
    from lawtasks.audit import verify as verify_trail
    from lawtasks.exporters.trail import read_heads, record_head
    from lawtasks.readmodel import TrailHead
    from lawtasks.render import local_time

    # Every file is read before the ledger: a bad --against is an error, not a finding.
    anchors = [
        Anchor(kept.events, kept.head, kept.source)
        for name in against or ()
        for kept in read_heads(Path(name))
    ]
    report = verify_trail(_settings(ctx).engine, anchors)
    head = TrailHead(report.events, report.head)
    recorded = None
    if report.intact and record is not None:
        # Only an intact trail's head is worth keeping: a later check trusts it.
        record_head(
            Path(record), head, datetime.now(UTC).astimezone(), keep=_ledger_files(_settings(ctx))
        )
        recorded = record
    if fmt is TextFormat.json:
        _print_json(
            {
                "intact": report.intact,
                "events": report.events,
                "head": report.head,
                "chain_broken_at": report.first_bad,
                "findings": [finding.as_dict() for finding in report.findings],
                "unchecked_plans": list(report.unchecked),
                "anchors_checked": report.anchors,
                "recorded": recorded,
            }
        )
        if not report.intact:
            raise typer.Exit(1)
        return
    if report.first_bad is not None:
        at = local_time(report.at) if report.at else "?"
        raise DomainError("error.chain_broken", id=report.first_bad, at=at)
    if report.findings:
        first, *rest = report.findings
        more = t("trail.more", count=len(rest)) if rest else ""
        raise DomainError("error.trail_tampered", detail=first.message(), more=more)
    typer.echo(t("out.verified", count=report.events))
    typer.echo(t("trail.rows_match"))
    if report.unchecked:
        typer.echo(t("trail.unchecked", plans=", ".join(report.unchecked)))
    if report.anchors:
        typer.echo(t("trail.anchors_ok", count=report.anchors))
    typer.echo(t("trail.head_line", events=head.events, head=head.head))
    if recorded is not None:
        typer.echo(t("trail.recorded", path=recorded))


@app.command(cls=_Command, help=t("help.backup"))
def backup(
    ctx: typer.Context,
    path: Annotated[
        str | None, typer.Argument(help=t("help.backup_path"), metavar="PATH", show_default=False)
    ] = None,
) -> None:
    from pathlib import Path

    from lawtasks.backup import backup as write_backup

    settings = _settings(ctx)
    settings.engine  # noqa: B018 - a ledger that cannot be opened is reported before copying
    written = write_backup(settings.url, Path(path) if path else None)
    typer.echo(t("out.backup", path=str(written)))


@app.command(cls=_Command, help=t("help.restore"))
def restore(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help=t("help.backup_path"), metavar="PATH")],
) -> None:
    from pathlib import Path

    from lawtasks.backup import restore as restore_backup

    settings = _settings(ctx)
    kept = restore_backup(settings.url, Path(path))
    if kept is None:
        from lawtasks.db import display_url

        typer.echo(t("out.restored_new", source=path, db=display_url(settings.url)))
    else:
        typer.echo(t("out.restored", source=path, kept=str(kept)))


db_app = typer.Typer(
    cls=_Group, help=t("help.db_group"), no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(db_app, name="db")


@db_app.command("upgrade", cls=_Command, help=t("help.db_upgrade"))
def db_upgrade(ctx: typer.Context) -> None:
    from lawtasks.db import (
        display_url,
        has_schema,
        is_unfinished,
        make_engine,
        schema_version,
        sqlite_path,
    )
    from lawtasks.location import SCHEMA_VERSION

    settings = _settings(ctx)
    # Not settings.engine: that refuses an old schema, which is what we are here to fix.
    engine = make_engine(settings.url)
    db = display_url(settings.url)
    if has_schema(engine) and is_unfinished(engine):
        # Tables without a version: a first start interrupted before it recorded one.
        # Finished as that start would have: made at head, then seeded.
        from lawtasks.seed import seed

        seed(engine, actor=settings.user)
        typer.echo(t("out.repaired", db=db, version=SCHEMA_VERSION))
        return
    old = schema_version(engine) if has_schema(engine) else SCHEMA_VERSION
    if old == SCHEMA_VERSION:
        typer.echo(t("out.up_to_date", db=db, version=old))
        return
    if old > SCHEMA_VERSION:
        raise DomainError("error.db_newer", db=db, version=old, supported=SCHEMA_VERSION)
    if sqlite_path(settings.url) is not None:
        from lawtasks.backup import backup as write_backup

        typer.echo(t("out.backup", path=str(write_backup(settings.url))))
    from lawtasks.migrations import upgrade

    upgrade(engine)
    typer.echo(t("out.upgraded", db=db, old=old, new=schema_version(engine)))


# -- users and units -------------------------------------------------------------------------

users_app = typer.Typer(
    cls=_Group, help=t("help.users_group"), no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(users_app, name="users")

UserNameArg = Annotated[str, typer.Argument(help=t("help.user_name"), metavar="NAME")]


@users_app.command("add", cls=_Command, help=t("help.users_add"))
def users_add(
    ctx: typer.Context,
    name: UserNameArg,
    unit: Annotated[
        str | None, typer.Option("--unit", help=t("help.user_unit"), metavar="UNIT")
    ] = None,
    coordinator: Annotated[
        bool, typer.Option("--coordinator", help=t("help.user_coordinator"))
    ] = False,
    fmt: TextFormatOpt = TextFormat.text,
) -> None:
    settings = _settings(ctx)
    _print_outcome(settings.ledger().add_user(name, unit=unit, coordinator=coordinator), fmt)


@users_app.command("remove", cls=_Command, help=t("help.users_remove"))
def users_remove(
    ctx: typer.Context, name: UserNameArg, fmt: TextFormatOpt = TextFormat.text
) -> None:
    _print_outcome(_settings(ctx).ledger().remove_user(name), fmt)


@users_app.command("list", cls=_Command, help=t("help.users_list"))
def users_list(ctx: typer.Context, fmt: TextFormatOpt = TextFormat.text) -> None:
    from lawtasks.readmodel import list_users

    users = list_users(_settings(ctx).engine)
    if fmt is TextFormat.json:
        _print_json({"users": [user.as_dict() for user in users]})
        return
    if not users:
        typer.echo(t("out.no_users"))
        return
    from rich.table import Table
    from rich.text import Text

    from lawtasks.render import printable

    table = Table(box=None, pad_edge=False, header_style="bold")
    for label in ("label.user", "label.lead_unit", "label.role", "label.may_change"):
        table.add_column(t(label))
    for user in users:
        role = t("role.coordinator") if user.coordinator else t("role.officer")
        table.add_row(
            Text(printable(user.name)),
            Text(printable(user.unit or "—")),
            role,
            str(user.items),
        )
    _console().print(table)


# -- the TUI ---------------------------------------------------------------------------------


def _run_tui(settings: Settings, plan: str | None) -> None:
    from lawtasks.tui.app import LawtasksApp

    # Where the lean reader cannot serve the ledger (PostgreSQL, a file still to be made, an
    # old schema), the engine is opened here, so that its errors are reported before the
    # screen takes over the terminal.
    engine = None if settings.reader is not None else settings.engine
    LawtasksApp(
        engine=engine,
        url=settings.url,
        actor=settings.user,
        plan=plan or settings.plan,
        today=settings.today if settings.today_text else None,
    ).run()


@app.command(cls=_Command, help=t("help.tui"))
def tui(ctx: typer.Context, plan: PlanOpt = None) -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Without a terminal the screen would be escape codes in a pipe, waiting for keys.
        raise DomainError("error.no_terminal")
    _run_tui(_settings(ctx), plan)


def main() -> NoReturn:
    app(prog_name="lawtasks")
    raise SystemExit(0)  # pragma: no cover - typer exits itself


def _fail(message: str) -> NoReturn:
    typer.echo(f"lawtasks: {message}", err=True)
    raise typer.Exit(1)
