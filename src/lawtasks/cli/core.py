"""The command line: a thin typer app over the read model and the service layer.

It holds no rules of its own. Each command parses its options, calls one service method or
read function, and prints the result as a table, text, CSV or JSON. Errors a user can fix
arrive as DomainError and leave as one line on stderr with exit code 1.

No `from __future__ import annotations` here: typer reads every command's signature at each
start, and string annotations would be compiled and evaluated anew each time (about 15 ms).
"""

import contextlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from lawtasks import __version__, i18n
from lawtasks.cli.click_words import install as install_click_words
from lawtasks.errors import DomainError
from lawtasks.i18n import t, tn


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
            with contextlib.suppress(i18n.UnknownLanguage):
                i18n.set_language(value)
            return


_early_language(sys.argv[1:])
install_click_words()


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

    def __post_init__(self) -> None:
        from lawtasks.reading import plan_setting

        # --plan, else LAWTASKS_PLAN; None leaves the choice to the ledger (its plan in use).
        self.plan = plan_setting(self.plan)

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
    def reads(self) -> Any:
        """Reads through the lean reader where it serves, else the ORM (lawtasks.reading)."""
        from lawtasks.reading import Reads

        return Reads(self.url, lambda: self.engine, per_read=False)

    @property
    def reader(self) -> Any:
        """The lean reader, where it can serve this ledger (lawtasks.fastread); else None."""
        return self.reads.reader

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
        return self.reads.plan(plan or self.plan, today or self.today)

    def plan_year(self, plan: str | None = None) -> int:
        return int(self.reads.plan_year(plan or self.plan))

    def history(self, plan: str | None, ref: str, limit: int) -> Any:
        """The newest `limit` events of one task or item, oldest first."""
        return self.reads.history(plan, ref, limit)


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


# Options of `lawtasks` itself (`lawtasks --user x set ...`). Officers type them after the
# command just as often (`lawtasks apply returns.csv --user 数据组`), so the root group moves
# them in front of it; --plan stays with a command that has its own.
_GLOBAL_VALUE_OPTIONS = ("--db", "--user", "--lang", "--today", "--plan")
_GLOBAL_FLAGS = ("--debug",)
_GLOBAL_OPTIONS = (*_GLOBAL_VALUE_OPTIONS, *_GLOBAL_FLAGS)


def _global_option(arg: str) -> tuple[str, bool] | None:
    """The global option `arg` names, and whether its value is in the same word (--db=x)."""
    name, equals, _ = arg.partition("=")
    if name in _GLOBAL_VALUE_OPTIONS:
        return name, bool(equals)
    if arg in _GLOBAL_FLAGS:
        return arg, True
    return None


def hoist_global_options(args: list[str], takes_plan: Callable[[list[str]], bool]) -> list[str]:
    """`args` with the global options written after the command moved in front of it.

    `takes_plan(command_words)` says whether the command has a --plan of its own. Nothing
    after `--` moves: that is the command's own text.
    """
    index = 0
    while index < len(args):  # the options before the command
        found = _global_option(args[index])
        if found is None:
            if args[index].startswith("-"):
                index += 1  # --version, --help and the like: click reports them
                continue
            break
        index += 1 if found[1] else 2
    front, rest = args[:index], args[index:]
    moved: list[str] = []
    kept: list[str] = []
    position = 0
    while position < len(rest):
        arg = rest[position]
        if arg == "--":
            kept += rest[position:]
            break
        found = _global_option(arg)
        words = [word for word in kept if not word.startswith("-")][:2]
        if found is not None and not (found[0] == "--plan" and takes_plan(words)):
            width = 1 if found[1] else 2
            if width == 2 and position + 1 >= len(rest):
                kept.append(arg)  # no value: click names the missing value
                break
            moved += rest[position : position + width]
            position += width
            continue
        kept.append(arg)
        position += 1
    return [*front, *moved, *kept]


class Command(TyperCommand):
    def get_params(self, ctx: typer.Context) -> list[Any]:  # type: ignore[override]
        return _localise_params(super().get_params(ctx))


class Group(TyperGroup):
    """Turns every error into one line on stderr and exit code 1; --debug shows tracebacks.

    A DomainError is the user's to fix and says how; a database's error is explained by
    lawtasks.db. Anything else is a bug, but an officer still gets one line naming it, and
    the traceback only with --debug: a screen of Python helps nobody at the county office.
    """

    def get_params(self, ctx: typer.Context) -> list[Any]:  # type: ignore[override]
        return _localise_params(super().get_params(ctx))

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        if ctx.parent is None and not ctx.resilient_parsing:
            args = hoist_global_options(args, lambda words: self._takes_plan(ctx, words))
        return super().parse_args(ctx, args)

    def _takes_plan(self, ctx: typer.Context, words: list[str]) -> bool:
        """Has the command named by `words` (`apply`, `users list`) an option --plan?"""
        command: Any = self
        for word in words:
            if not hasattr(command, "get_command"):
                break
            command = command.get_command(ctx, word)
            if command is None:
                return False
        if command is self:
            return False
        return any("--plan" in getattr(param, "opts", ()) for param in command.params)

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
    cls=Group,
    help=t("help.app"),
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def settings_of(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    assert isinstance(obj, Settings)
    return obj


def show_version(value: bool) -> None:
    if value:
        typer.echo(f"lawtasks {__version__}")
        raise typer.Exit


def set_lang(value: str | None) -> str | None:
    if value is not None:
        try:
            i18n.set_language(value)
        except i18n.UnknownLanguage as error:
            raise typer.BadParameter(str(error)) from None
    return value


def complete_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of task and item IDs from the ledger; silent on any failure."""
    from lawtasks.location import resolve_db_url
    from lawtasks.reading import Reads, plan_setting

    # During completion the root callback has not run: read its options from the parse.
    root = ctx.find_root()
    try:
        url = resolve_db_url(root.params.get("db"))
        plan = plan_setting(ctx.params.get("plan") or root.params.get("plan"))
        ids = Reads(url, lambda: _completion_engine(url), per_read=False).ids(plan)
    except Exception:  # a completion that fails must stay silent, never print a traceback
        return []
    return [value for value in ids if value.startswith(incomplete)]


def _completion_engine(url: str) -> Any:
    from lawtasks.db import make_engine, sqlite_path

    path = sqlite_path(url)
    if path is not None and not path.exists():
        # Completing must never create (and seed) a database: nothing to offer.
        raise FileNotFoundError(path)
    return make_engine(url)


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


def make_console() -> Any:
    from rich.console import Console

    # Stored text is data: markup and emoji codes in it are never interpreted.
    return Console(markup=False, emoji=False, highlight=False)


def print_json(data: dict[str, Any]) -> None:
    # Indented for a person at a terminal; compact for a program reading a pipe, because
    # only compact JSON goes through json's C encoder (10,000 items: 0.05 s against 0.7 s).
    indent = 2 if sys.stdout.isatty() else None
    typer.echo(json.dumps({"schema": 1, **data}, ensure_ascii=False, indent=indent))


CHANGES_SHOWN = 200


def print_outcome(outcome: Any, fmt: TextFormat, *, extra: dict[str, Any] | None = None) -> None:
    """A service call's changes; `extra` adds keys to its JSON (`plans remove`: `backup`)."""
    changes = [
        {"id": change.ref, "field": change.field, "old": change.old, "new": change.new}
        for change in outcome.changes
    ]
    if fmt is TextFormat.json:
        from lawtasks.readmodel import iso

        print_json(
            {
                "batch": outcome.batch,
                "actor": outcome.actor,
                "at": iso(outcome.at),
                "changes": changes,
                **(extra or {}),
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
    typer.echo(tn("out.changed", count))


def ledger_files(settings: Settings) -> tuple[Any, ...]:
    """The ledger's file and its journals, which no export, sheet or reminder may replace."""
    from lawtasks.db import ledger_files as files_of

    return files_of(settings.url)


def main() -> NoReturn:
    app(prog_name="lawtasks")
    raise SystemExit(0)  # pragma: no cover - typer exits itself


def fail(message: str) -> NoReturn:
    typer.echo(f"lawtasks: {message}", err=True)
    raise typer.Exit(1)
