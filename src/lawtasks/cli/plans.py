"""Commands about plans: creating the ledger, importing a report, the plans: which one is
in use, archiving and removing one, and a plan's own settings.

No `from __future__ import annotations`: typer reads each command's signature (see core).
"""

import sys
from typing import Annotated, Any

import typer

from lawtasks.cli.core import (
    Command,
    Group,
    Settings,
    TextFormat,
    TextFormatOpt,
    app,
    fail,
    make_console,
    print_json,
    print_outcome,
    settings_of,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import t

# -- plans and seeding -----------------------------------------------------------------------


@app.command(cls=Command, help=t("help.init"))
def init(ctx: typer.Context) -> None:
    from lawtasks.db import make_engine
    from lawtasks.seed import SEED_SLUG, seed

    settings = settings_of(ctx)
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


@app.command("import", cls=Command, help=t("help.import"))
def import_(
    ctx: typer.Context,
    report: Annotated[
        str, typer.Argument(help=t("help.report"), show_default=False, metavar="REPORT")
    ],
    slug: Annotated[
        str | None, typer.Option("--slug", help=t("help.slug"), show_default=False, metavar="SLUG")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=t("help.import_dry_run"))] = False,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns", help=t("help.import_columns"), show_default=False, metavar="NAME=HEADER,…"
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help=t("help.import_verbose"))
    ] = False,
    fmt: TextFormatOpt = TextFormat.text,
) -> None:
    from pathlib import Path

    from lawtasks.sources import parse_columns, read_plan_file

    settings = settings_of(ctx)
    if slug is not None:
        from lawtasks.domain import check_slug
        from lawtasks.errors import DomainError

        if not slug.strip():
            raise DomainError("error.slug", value='""')  # no name, not the default one
        check_slug(slug)
    mapping = parse_columns(columns) if columns is not None else None
    # The file is read whole before the ledger is opened: a file that cannot be read
    # leaves no trace, and a dry run never opens the ledger at all.
    parsed = read_plan_file(Path(report), columns=mapping)
    if dry_run:
        _print_preview(parsed, slug or f"plan-{parsed.year}", fmt)
        return
    # plan-YEAR, unless a removed plan still holds that name (then plan-YEAR-2).
    name = slug if slug is not None else settings.ledger().default_slug(parsed.year)
    from lawtasks.reading import list_plans
    from lawtasks.readmodel import load_plan

    # settings.engine has created the schema; the service checks the slug and refuses one
    # already taken.
    outcome, _ = settings.ledger().import_plan(parsed, slug=name, new=True)
    view = load_plan(settings.engine, slug=name, today=settings.today)
    # The plan in use is never changed by an import (but for a ledger's first plan): say
    # which it is, and how to switch.
    in_use = next((entry.slug for entry in list_plans(settings.engine) if entry.in_use), None)
    if fmt is TextFormat.json:
        from lawtasks.readmodel import iso

        print_json(
            {
                "plan": name,
                "title": view.title,
                "tasks": len(view.tasks),
                "items": len(view.items),
                "batch": outcome.batch,
                "actor": outcome.actor,
                "at": iso(outcome.at),
                "in_use": in_use,
                "switch": None if in_use == name else f"lawtasks plans use {name}",
                "skipped": [_skipped_dict(line) for line in parsed.skipped],
            }
        )
        return
    typer.echo(
        t("out.imported", plan=name, title=view.title, tasks=len(view.tasks), items=len(view.items))
    )
    _print_skipped(parsed, lines=verbose)
    if in_use == name:
        typer.echo(t("out.imported_in_use", plan=name))
    else:
        typer.echo(t("out.imported_not_in_use", plan=name, in_use=in_use or "-"))


def _skipped_dict(line: Any) -> dict[str, str]:
    return {"text": line.text, "reason": line.reason, "label": t(f"skip.{line.reason}")}


def _print_skipped(parsed: Any, *, lines: bool) -> None:
    """跳过 3 行：印发机关、抄送、联系人; with `lines`, every line skipped under it."""
    from lawtasks.render import skipped_lines

    for _, text in skipped_lines(parsed, lines=lines):
        typer.echo(text)


def _print_preview(parsed: Any, name: str, fmt: TextFormat) -> None:
    """What an import would create, as a tree, and what it would skip: nothing is written."""
    from lawtasks.domain import period_end

    items = sum(len(task.items) for task in parsed.tasks)
    plan_end = period_end(parsed.year, None)
    if fmt is TextFormat.json:

        def item_dict(task: Any, item: Any) -> dict[str, Any]:
            return {
                "id": f"{task.seq}.{item.seq}",
                "title": item.title,
                "text": item.text,
                "lead_unit": item.lead_unit or task.lead_unit,
                "assisting_units": item.assisting_units or task.assisting_units,
                "due": (item.due or plan_end).isoformat(),
                "due_is_plan_end": item.due is None,
                # A table's 完成时限 cell as written when it names no date (长期坚持).
                "due_written": getattr(item, "due_written", None),
                "target": item.target,
            }

        print_json(
            {
                "dry_run": True,
                "plan": name,
                "title": parsed.title,
                "year": parsed.year,
                "source": parsed.source_name,
                "tasks": [
                    {
                        "id": str(task.seq),
                        "numeral": task.numeral,
                        "title": task.title,
                        "items": [item_dict(task, item) for item in task.items],
                    }
                    for task in parsed.tasks
                ],
                "skipped": [_skipped_dict(line) for line in parsed.skipped],
            }
        )
        return
    from lawtasks.render import import_preview, printable

    typer.echo(
        t("out.import_dry_run", plan=name, title=printable(parsed.title), year=parsed.year,
          tasks=len(parsed.tasks), items=items)
    )  # fmt: skip
    # The tree is built below the front ends: the TUI's import dialog shows the same.
    for _, line in import_preview(parsed):
        typer.echo(line)


# -- the plans: which is in use, archiving, removing, their settings ---------------------------

plans_app = typer.Typer(
    cls=Group,
    help=t("help.plans"),
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
)
app.add_typer(plans_app, name="plans")

PlanSlugArg = Annotated[str, typer.Argument(help=t("help.plan_slug"), metavar="SLUG")]


@plans_app.callback()
def plans(
    ctx: typer.Context,
    fmt: TextFormatOpt = TextFormat.text,
    everything: Annotated[bool, typer.Option("--all", help=t("help.plans_all"))] = False,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from lawtasks.reading import list_plans

    settings = settings_of(ctx)
    rows = list_plans(settings.engine, removed=everything)
    chosen = _chosen(settings)
    if fmt is TextFormat.json:
        in_use = next((row.slug for row in rows if row.in_use), None)
        print_json({"in_use": in_use, "chosen": chosen, "plans": [row.as_dict() for row in rows]})
        return
    from rich.table import Table
    from rich.text import Text

    from lawtasks.render import printable

    table = Table(box=None, pad_edge=False, header_style="bold")
    labels = ("label.slug", "label.year", "label.items", "label.state", "label.period_end",
              "label.tolerance", "label.plan")  # fmt: skip
    for label in labels:
        table.add_column(t(label), no_wrap=label != "label.plan", overflow="ellipsis")
    for row in rows:
        table.add_row(
            ("* " if row.in_use else "  ") + row.slug,
            str(row.year),
            str(row.items),
            t(f"value.plan_{row.state}"),
            row.period_end.isoformat(),
            str(row.tolerance),
            Text(printable(row.name or row.title)),
        )
    console = make_console()
    console.print(table)
    in_use = next((row.slug for row in rows if row.in_use), None)
    if in_use is not None:
        typer.echo(t("out.plans_in_use", plan=in_use))
    if chosen is not None and chosen != in_use:
        typer.echo(t("out.plans_chosen", plan=chosen))


def _chosen(settings: Settings) -> str | None:
    """The plan this invocation's commands use, where --plan or LAWTASKS_PLAN names one that
    they can use; None otherwise (an unknown name is the commands' own error)."""
    if settings.plan is None:
        return None
    from lawtasks.errors import DomainError

    try:
        return str(settings.view(settings.plan).slug)
    except DomainError:
        return None


@plans_app.command("use", cls=Command, help=t("help.plans_use"))
def plans_use(ctx: typer.Context, slug: PlanSlugArg, fmt: TextFormatOpt = TextFormat.text) -> None:
    print_outcome(settings_of(ctx).ledger().use_plan(slug), fmt)


@plans_app.command("archive", cls=Command, help=t("help.plans_archive"))
def plans_archive(
    ctx: typer.Context, slug: PlanSlugArg, fmt: TextFormatOpt = TextFormat.text
) -> None:
    print_outcome(settings_of(ctx).ledger().archive_plan(slug), fmt)


@plans_app.command("unarchive", cls=Command, help=t("help.plans_unarchive"))
def plans_unarchive(
    ctx: typer.Context, slug: PlanSlugArg, fmt: TextFormatOpt = TextFormat.text
) -> None:
    print_outcome(settings_of(ctx).ledger().unarchive_plan(slug), fmt)


@plans_app.command("remove", cls=Command, help=t("help.plans_remove"))
def plans_remove(
    ctx: typer.Context,
    slug: PlanSlugArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=t("help.plans_yes"))] = False,
    fmt: TextFormatOpt = TextFormat.text,
) -> None:
    settings = settings_of(ctx)
    if not yes:
        # Asked before anything is read or written; without a terminal to answer, refused.
        if not sys.stdin.isatty():
            fail(t("error.plans_remove_confirm", plan=slug))
        if not typer.confirm(t("out.plans_remove_ask", plan=slug), default=False):
            fail(t("out.plans_remove_kept", plan=slug))

    def backup() -> str | None:
        from lawtasks.db import sqlite_path

        if sqlite_path(settings.url) is None:
            return None  # PostgreSQL: the administrator's pg_dump; the rows stay anyway
        from lawtasks.backup import backup as write_backup

        return str(write_backup(settings.url))

    outcome, written = settings.ledger().remove_plan(slug, backup=backup)
    print_outcome(outcome, fmt, extra={"backup": written})
    if fmt is TextFormat.text and outcome.changed:
        if written is not None:
            typer.echo(t("out.plans_removed_backup", plan=slug, backup=written))
        else:
            typer.echo(t("out.plans_removed_no_file", plan=slug))


@plans_app.command("set", cls=Command, help=t("help.plans_set"))
def plans_set(
    ctx: typer.Context,
    slug: PlanSlugArg,
    end: Annotated[
        str | None,
        typer.Option("--end", help=t("help.plans_end"), show_default=False, metavar="DATE"),
    ] = None,
    tolerance: Annotated[
        str | None,
        typer.Option(
            "--tolerance", help=t("help.plans_tolerance"), show_default=False, metavar="N"
        ),
    ] = None,
    signoff: Annotated[
        str | None,
        typer.Option(
            "--signoff", help=t("help.plans_signoff"), show_default=False, metavar="on|off"
        ),
    ] = None,
    evidence_limit: Annotated[
        str | None,
        typer.Option(
            "--evidence-limit",
            help=t("help.plans_evidence_limit"),
            show_default=False,
            metavar="SIZE",
        ),
    ] = None,
    fmt: TextFormatOpt = TextFormat.text,
) -> None:
    from lawtasks.commands import UNSET

    if end is None and tolerance is None and signoff is None and evidence_limit is None:
        fail(t("error.plans_set_nothing"))
    switch = None if signoff is None else _on_off(signoff)
    outcome = (
        settings_of(ctx)
        .ledger()
        .set_plan(
            slug,
            end=UNSET if end is None else end,
            tolerance=tolerance,
            signoff=switch,
            evidence_limit=evidence_limit,
        )
    )
    print_outcome(outcome, fmt)


def _on_off(value: str) -> bool:
    """`on`/`off` (also yes/no, true/false, 开/关) for a plan's switch (issue 17)."""
    word = value.strip().lower()
    if word in ("on", "yes", "true", "1", "开", "是"):
        return True
    if word in ("off", "no", "false", "0", "关", "否"):
        return False
    raise DomainError("error.on_off", value=value)
