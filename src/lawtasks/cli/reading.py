"""Commands that read: list, show, summary, log, export, and the TUI.

No `from __future__ import annotations`: typer reads each command's signature (see core).
"""

import csv
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from lawtasks.cli.core import (
    Command,
    Format,
    PlanOpt,
    Settings,
    StatusFilterOpt,
    TaskFilterOpt,
    TextFormat,
    TextFormatOpt,
    app,
    complete_ids,
    ledger_files,
    make_console,
    print_json,
    settings_of,
)
from lawtasks.errors import DomainError
from lawtasks.exporters import FORMATS
from lawtasks.i18n import t

# -- reading -----------------------------------------------------------------------------

# The ledger as it stood at the end of a day, rather than as it is (lawtasks.history).
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help=t("help.as_of"), show_default=False, metavar="DATE"),
]


def _as_of(settings: Settings, plan: str | None, as_of: str) -> Any:
    """The day `--as-of` names, in the plan's year for the forms without one (6月底)."""
    from lawtasks.dates import parse_date

    return parse_date(as_of, year=settings.plan_year(plan or settings.plan))


def _view(settings: Settings, plan: str | None, as_of: str | None) -> Any:
    """The plan as it is (the lean reader's fast path), or as it stood at the end of the day
    `--as-of` names, with that day's warnings."""
    if as_of is None:
        return settings.view(plan)
    from lawtasks.history import load_plan_as_of

    day = _as_of(settings, plan, as_of)
    return load_plan_as_of(settings.engine, slug=plan or settings.plan, day=day)


@app.command("list", cls=Command, help=t("help.list"))
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
    as_of: AsOfOpt = None,
    plan: PlanOpt = None,
) -> None:
    from lawtasks.dates import parse_date
    from lawtasks.domain import Status, Warning
    from lawtasks.readmodel import ItemFilter, filter_plan

    settings = settings_of(ctx)
    view = _view(settings, plan, as_of)
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
        print_json({"plan": view.summary_dict(), "tasks": [task.as_dict() for task in shown.tasks]})
    elif fmt is Format.csv:
        # The same columns as `export --format csv`, without the BOM, for scripts.
        from lawtasks.exporters import ExportRequest, render_text

        sys.stdout.write(render_text("csv", ExportRequest(view=shown, exported_by=settings.actor)))
    elif not shown.items:
        typer.echo(t("out.no_items"))
    else:
        from lawtasks.render import items_table

        console = make_console()
        table = items_table(shown, width=console.width)
        if console.is_terminal:
            console.print(table)
        else:
            # What the console would print without colours, without its second measuring.
            sys.stdout.write(table.plain + "\n")


@app.command(cls=Command, help=t("help.show"))
def show(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            help=t("help.id"), autocompletion=complete_ids, show_default=False, metavar="ID"
        ),
    ],
    fmt: TextFormatOpt = TextFormat.text,
    as_of: AsOfOpt = None,
    plan: PlanOpt = None,
) -> None:
    from lawtasks.domain import ItemRef, parse_ref

    settings = settings_of(ctx)
    parsed = parse_ref(ref)
    view = _view(settings, plan, as_of)
    # The ORM's history resolves the ID first: an unknown one raises an error naming what
    # exists (the lean reader leaves such a ref to it).
    if as_of is None:
        history = settings.history(view.slug, ref, limit=20)[::-1]
    else:
        from lawtasks.readmodel import load_history

        # The last 20 events up to the end of that day.
        events = load_history(settings.engine, slug=view.slug, ref=ref, until=view.today, limit=20)
        history = events[::-1]
    task = next((task for task in view.tasks if task.id == parsed.task), None)
    item = None
    if task is not None and isinstance(parsed, ItemRef):
        item = next((item for item in task.items if item.seq == parsed.item), None)
    if task is None or (isinstance(parsed, ItemRef) and item is None):
        # The ID exists now (load_history said so), but did not yet on that day.
        raise DomainError(
            "error.as_of_no_item", value=ref.strip(), plan=view.slug, day=view.today.isoformat()
        )
    from lawtasks import render

    if item is not None:
        if fmt is TextFormat.json:
            data = item.as_dict() | {"history": [event.as_dict() for event in history]}
            print_json({"plan": view.summary_dict(), "item": data})
        else:
            make_console().print(render.item_detail(item, history, signoff=True))
        return
    if fmt is TextFormat.json:
        data = task.as_dict() | {"history": [event.as_dict() for event in history]}
        print_json({"plan": view.summary_dict(), "task": data})
    else:
        make_console().print(render.task_detail(task, history))


@app.command(cls=Command, help=t("help.summary"))
def summary(
    ctx: typer.Context,
    fmt: TextFormatOpt = TextFormat.text,
    as_of: AsOfOpt = None,
    plan: PlanOpt = None,
) -> None:
    from lawtasks.domain import Warning

    view = _view(settings_of(ctx), plan, as_of)
    if fmt is TextFormat.json:
        red = [item.id for item in view.items if item.warning is Warning.RED]
        print_json(
            {
                "plan": view.summary_dict(),
                "tasks": [task.as_dict() for task in view.tasks],
                "red": red,
            }
        )
        return
    from lawtasks.render import summary as render_summary

    make_console().print(render_summary(view))


@app.command(cls=Command, help=t("help.log"))
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

    settings = settings_of(ctx)
    year = settings.today.year
    events = load_history(
        settings.engine,
        slug=plan or settings.plan,
        ref=ref,
        since=parse_date(since, year=year) if since else None,
        until=parse_date(until, year=year) if until else None,
    )
    if fmt is Format.json:
        print_json({"events": [event.as_dict() for event in events]})
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

        make_console().print(history_table(events))


# -- exports ---------------------------------------------------------------------------------


# The choices of --format, from the exporters' registry: a format added there is offered here.
ExportFormat = StrEnum("ExportFormat", [(name, name) for name in FORMATS])  # type: ignore[misc]


@app.command(cls=Command, help=t("help.export"))
def export(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option("--format", "-f", help=t("help.export_format"), show_default=False),
    ] = None,
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
    as_of: AsOfOpt = None,
    plan: PlanOpt = None,
) -> None:
    from pathlib import Path

    from lawtasks.dates import parse_date
    from lawtasks.domain import Status
    from lawtasks.exporters import TEXT_FORMATS, default_filename, render_bytes, render_text
    from lawtasks.exporters import export as write_export
    from lawtasks.exporters.files import output_format, output_path
    from lawtasks.history import check_period, report_request
    from lawtasks.readmodel import ItemFilter
    from lawtasks.trend import CHART_FORMATS, with_progress

    settings = settings_of(ctx)
    # -f, else the suffix of -o's file (台账.xlsx); one of the two must say it.
    fmt = ExportFormat(
        output_format(None if fmt is None else fmt.value, output, FORMATS, default=None)
    )
    slug = plan or settings.plan
    since_day = parse_date(since, year=settings.plan_year(slug)) if since else None
    if since_day is not None and as_of is not None:
        # Checked before the ledger is rebuilt for a day: a typo costs no read.
        check_period(since_day, _as_of(settings, slug, as_of))
    view = _view(settings, slug, as_of)
    item_filter = ItemFilter(
        tasks=_task_numbers(view, task),
        statuses=frozenset(Status.parse(s) for s in status or ()),
    )
    request = report_request(
        settings.engine if since_day is not None else None,
        view=view,
        item_filter=item_filter,
        since=since_day,
        exported_by=settings.actor,
    )
    if fmt.value in CHART_FORMATS:
        # The Word report and the xlsx draw the plan's progress over time, from the trail.
        request = with_progress(settings.engine, request, fmt.value, as_of=as_of is not None)
    if output is None and fmt.value in TEXT_FORMATS:
        if fmt.value == "csv" and not sys.stdout.isatty():
            # Redirected to a file or a pipe (`export -f csv > 台账.csv`): the file's bytes,
            # BOM and all, so that Excel on a Chinese Windows reads it as UTF-8 (and not in
            # the console's code page, which could not even encode the BOM).
            sys.stdout.flush()
            sys.stdout.buffer.write(render_bytes(fmt.value, request))
            sys.stdout.buffer.flush()
            return
        sys.stdout.write(render_text(fmt.value, request))
        return
    name = default_filename(fmt.value, request.view)
    # -o naming a directory that exists writes the default name inside it.
    path = output_path(output, name) if output else Path.cwd() / name
    written = write_export(fmt.value, request, path, keep=ledger_files(settings))
    typer.echo(t("out.exported", path=str(written)))


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


# -- the TUI ---------------------------------------------------------------------------------


def run_tui(settings: Settings, plan: str | None) -> None:
    from lawtasks.tui.app import make_app

    # Where the lean reader cannot serve the ledger (PostgreSQL, a file still to be made, an
    # old schema), the engine is opened here, so that its errors are reported before the
    # screen takes over the terminal.
    engine = None if settings.reader is not None else settings.engine
    make_app(
        engine=engine,
        url=settings.url,
        actor=settings.user,
        plan=plan or settings.plan,
        today=settings.today if settings.today_text else None,
    ).run()


@app.command(cls=Command, help=t("help.tui"))
def tui(ctx: typer.Context, plan: PlanOpt = None) -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Without a terminal the screen would be escape codes in a pipe, waiting for keys.
        raise DomainError("error.no_terminal")
    run_tui(settings_of(ctx), plan)
