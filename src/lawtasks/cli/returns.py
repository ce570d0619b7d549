"""The departments' returns (填报): sheets out, returns in, reminders.

No `from __future__ import annotations`: typer reads each command's signature (see core).
"""

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lawtasks.cli.core import (
    Command,
    PlanOpt,
    TextFormat,
    TextFormatOpt,
    app,
    ledger_files,
    print_json,
    print_outcome,
    settings_of,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import join_list, t, tn

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

# -- departments' returns (填报) -------------------------------------------------------------


# Where sheets and reminder notices go: a directory that exists, the working one by default.
OutputDirOpt = Annotated[
    str, typer.Option("--output", "-o", help=t("help.sheets_dir"), metavar="DIR")
]


@app.command(cls=Command, help=t("help.sheets"))
def sheets(
    ctx: typer.Context,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help=t("help.sheets_unit"), show_default=False, metavar="UNIT"),
    ] = None,
    output: OutputDirOpt = ".",
    due: Annotated[
        str | None,
        typer.Option("--due", help=t("help.sheets_due"), show_default=False, metavar="DATE"),
    ] = None,
    plan: PlanOpt = None,
) -> None:
    from datetime import timedelta

    from lawtasks.dates import parse_date
    from lawtasks.exporters.files import ensure_directory, write_atomically
    from lawtasks.exporters.sheets import render_sheet
    from lawtasks.followup import items_by_unit
    from lawtasks.services.rounds import current_round

    settings = settings_of(ctx)
    view = settings.view(plan)
    # The round the sheets are sent in, if one is open: stamped, and its due date theirs.
    in_round = current_round(settings.engine, view.slug)
    # The day the units must send their sheets back by: the round's, or a week from today,
    # unless named.
    if due:
        deadline = parse_date(due, year=view.year)
    elif in_round is not None:
        deadline = in_round[1]
    else:
        deadline = view.today + timedelta(days=7)
    # An unknown --unit is refused before anything is written or created.
    by_unit, unassigned = items_by_unit(view, unit)
    directory = ensure_directory(output)
    if unassigned:
        # Not silently skipped: someone must give these items a lead unit.
        typer.echo(t("sheets.no_unit", ids=join_list(unassigned)), err=True)
    if not by_unit:
        typer.echo(t("sheets.none"))
        return
    # Recorded first: a returned sheet is checked against what was sent, not its own stamp.
    sent = {
        entry.unit: [
            (item.id, item.version, item.status.value, item.progress) for _, item in entry.rows
        ]
        for entry in by_unit
    }
    sheet_ids = settings.ledger(view.slug).issue_sheets(sent)
    for entry in by_unit:
        name, rows = entry.unit, entry.rows
        safe = _file_safe(name)
        path = directory / f"{view.slug}-{t('sheet.title')}-{safe}.xlsx"
        write_atomically(
            path,
            render_sheet(
                view,
                name,
                rows,
                sheet_id=sheet_ids[name],
                due=deadline,
                round_period=None if in_round is None else in_round[0],
            ),
            keep=ledger_files(settings),
        )
        typer.echo(t("sheets.written", unit=name, path=str(path), count=len(rows)))


@app.command(cls=Command, help=t("help.apply"))
def apply(
    ctx: typer.Context,
    files: Annotated[list[str], typer.Argument(help=t("help.apply_files"), metavar="FILE")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=t("help.dry_run"))] = False,
    force: Annotated[
        list[str] | None,
        typer.Option("--force", help=t("help.force"), show_default=False, metavar="ID"),
    ] = None,
    evidence: Annotated[
        str | None,
        typer.Option(
            "--evidence", help=t("help.apply_evidence"), show_default=False, metavar="DIR"
        ),
    ] = None,
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    from pathlib import Path

    from lawtasks.readmodel import load_return_context
    from lawtasks.returns import preview_returns

    settings = settings_of(ctx)
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
    ledger = settings.ledger(view.slug)
    # Read before the write transaction, as `attach` does; every bad file is refused, with
    # the return, before anything is shown as applied.
    attaching = [] if evidence is None else _return_evidence(ledger, evidence)
    text = fmt is TextFormat.text
    # One write each: a return of 10,000 rows previews 10,000 lines.
    shown = [*result.preview, *_evidence_lines(attaching)]
    if shown and text:
        typer.echo("\n".join(shown))
    if result.conflicts:
        typer.echo("\n".join(result.conflicts), err=True)
        raise DomainError("returns.conflicts_refused", count=result.conflict_count)
    # A recorded sheet that changes nothing still answers its round ("no progress").
    if not result.entries and not attaching and not result.sheets:
        if text:
            typer.echo(t("returns.nothing"))
        else:
            print_json(
                {
                    "batch": None,
                    "actor": settings.actor,
                    "at": None,
                    "changes": [],
                    "evidence": [],
                    "answered": [],
                }
            )
        return
    if dry_run:
        if text:
            typer.echo(t("returns.dry_run"))
        else:
            print_json(
                {
                    "dry_run": True,
                    "items": sorted({entry.ref for entry in result.entries}, key=_ref_order),
                    "evidence": [_evidence_dict(ref, file) for ref, file in attaching],
                }
            )
        return
    outcome = ledger.apply_returns(result.entries, evidence=attaching, sheets=result.sheets)
    attached = _attached(outcome, attaching)
    if not text:
        answered = [
            {"unit": unit, "period": period, "late": late}
            for unit, period, late in outcome.answered
        ]
        print_outcome(outcome, fmt, extra={"evidence": attached, "answered": answered})
        return
    if not outcome.changes:
        if outcome.answered:
            # The sheet changed nothing, and is still the unit's answer to the round.
            for unit, period, late in outcome.answered:
                state = t("round.late") if late else t("round.reported")
                typer.echo(t("returns.answered", unit=unit, period=period, state=state))
            return
        # The files were all attached before, and the return brings nothing new (and its
        # units had answered the round already).
        typer.echo(t("returns.nothing"))
        return
    items = {change.ref for change in outcome.changes}
    typer.echo(
        t(
            "returns.applied",
            changes=tn("count.changes", len(outcome.changes)),
            items=tn("count.items", len(items)),
        )
    )
    if attached:
        typer.echo(t("returns.evidence_attached", number=len(attached)))
    for unit, period, late in outcome.answered:
        state = t("round.late") if late else t("round.reported")
        typer.echo(t("returns.answered_also", unit=unit, period=period, state=state))


def _return_evidence(ledger: Any, directory: str) -> list[tuple[str, Any]]:
    """The files of `directory` named with an item's ID, read, as (ID, file); or one
    refusal naming every file that may not be attached, and why."""
    from lawtasks.services.supervision import evidence_in, read_one

    named, refused = evidence_in(directory)
    limit = ledger.evidence_limit()
    read = []
    for ref, path in named:
        found = read_one(path, limit)
        if isinstance(found, str):
            refused.append(found)
        else:
            read.append((ref, found))
    # The plan's own refusals (an ID not in it, an item not the officer's unit's).
    refused += ledger.evidence_refusals(read)
    if refused:
        raise DomainError("error.return_evidence_refused", lines="\n".join(refused))
    return read


def _evidence_lines(attaching: list[tuple[str, Any]]) -> list[str]:
    from lawtasks.domain import file_size
    from lawtasks.render import printable

    return [
        t("returns.evidence_line", ref=ref, name=printable(file.name), size=file_size(file.size))
        for ref, file in attaching
    ]


def _evidence_dict(ref: str, file: Any) -> dict[str, Any]:
    return {"id": ref, "name": file.name, "size": file.size, "sha256": file.sha256}


def _attached(outcome: Any, attaching: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """The files the apply attached (one already attached under its name is not)."""
    from lawtasks.audit import evidence_value
    from lawtasks.domain import EVIDENCE_FIELD

    stored = {
        (change.ref, change.new) for change in outcome.changes if change.field == EVIDENCE_FIELD
    }
    return [
        _evidence_dict(ref, file)
        for ref, file in attaching
        if (ref, evidence_value(file.name, file.size, file.sha256)) in stored
    ]


def _ref_order(ref: str) -> tuple[int, ...]:
    return tuple(int(part) for part in ref.split("."))


def _file_safe(name: str) -> str:
    """A unit's name as part of a file name: the characters no file system takes go."""
    return "".join("_" if ch in '/\\:*?"<>|' else ch for ch in name)


class RemindFormat(StrEnum):
    text = "text"
    json = "json"
    docx = "docx"


@app.command(cls=Command, help=t("help.remind"))
def remind(
    ctx: typer.Context,
    within: Annotated[int, typer.Option("--within", help=t("help.within"), metavar="DAYS")] = 7,
    fmt: Annotated[
        RemindFormat, typer.Option("--format", "-f", help=t("help.format"))
    ] = RemindFormat.text,
    output: OutputDirOpt = ".",
    reply_by: Annotated[
        str | None,
        typer.Option("--reply-by", help=t("help.reply_by"), show_default=False, metavar="DATE"),
    ] = None,
    plan: PlanOpt = None,
) -> None:
    from lawtasks.exporters.content import due_state
    from lawtasks.followup import reminders
    from lawtasks.render import printable
    from lawtasks.services.rounds import round_status

    settings = settings_of(ctx)
    view = settings.view(plan)
    answer_by = _reply_by(view, reply_by)
    found = reminders(view, within)
    # The units that have not answered the open reporting round (none open: none named).
    current = round_status(settings.engine, view.slug)
    in_round = current if current is not None and current.open else None
    unreported = [] if in_round is None else in_round.unreported()
    # Items with no lead unit are the coordinator's to assign: listed, never a notice.
    by_unit = [(unit, items) for unit, items in found if unit is not None]
    unassigned = [item for unit, items in found if unit is None for item in items]
    # Done items waiting for 销号 past their due date are the coordinator's too: listed
    # apart, never put to the unit (reminders() leaves done items out of its lists).
    awaiting = view.signoff_overdue
    if fmt is RemindFormat.json:
        print_json(
            {
                "plan": view.summary_dict(),
                "reply_by": answer_by.isoformat(),
                "units": [
                    {"unit": unit, "items": [item.as_dict() for item in items]}
                    for unit, items in by_unit
                ],
                "unassigned": [item.as_dict() for item in unassigned],
                "round": None if in_round is None else in_round.period,
                "unreported": unreported,
                "signoff_overdue": [item.as_dict() for item in awaiting],
            }
        )
        return
    if fmt is RemindFormat.docx:
        written = _write_notices(settings, view, found, in_round, unreported, answer_by, output)
        if not written and not unassigned and not awaiting:
            typer.echo(t("remind.none"))
        if unassigned:
            ids = join_list(item.id for item in unassigned)
            typer.echo(t("remind.unassigned_docx", ids=ids), err=True)
        _echo_awaiting(awaiting, docx=True)
        return
    if unreported and in_round is not None:
        units = join_list(printable(unit) for unit in unreported)
        typer.echo(t("remind.unreported", period=in_round.period, units=units))
    if not by_unit and not unassigned:
        if awaiting:
            _echo_awaiting(awaiting, docx=False)
        elif not unreported:
            typer.echo(t("remind.none"))
        return
    for unit, items in by_unit:
        typer.echo(t("remind.title", unit=printable(unit), count=len(items)))
        for item in items:
            typer.echo(_reminder_line(item, due_state(item, view.today)))
    if unassigned:
        typer.echo(t("remind.unassigned"))
        for item in unassigned:
            typer.echo(_reminder_line(item, due_state(item, view.today)))
    _echo_awaiting(awaiting, docx=False)


def _write_notices(
    settings: Any,
    view: Any,
    found: list[Any],
    in_round: Any,
    unreported: list[str],
    reply_by: "date",
    output: str,
) -> int:
    """remind -f docx: a 催办单 for each unit with items to chase and for each unit that
    owes the open round (asked to report by its due date), each naming the round; how
    many were written."""
    from lawtasks.exporters.docx_report import office_name, render_reminder
    from lawtasks.exporters.files import write_atomically
    from lawtasks.followup import notices

    # A bad -o is refused even when no notice is due, as on any other day.
    directory = _output_dir(output)
    to_send = notices(found, round_open=in_round is not None, unreported=unreported)
    office = office_name()
    for notice in to_send:
        path = directory / f"{view.slug}-{t('remind.doc_title')}-{_file_safe(notice.unit)}.docx"
        data = render_reminder(
            view,
            notice.unit,
            notice.items,
            office=office,
            reply_by=reply_by,
            issued_by=settings.actor,
            round_period=None if in_round is None else in_round.period,
            round_due=None if in_round is None else in_round.due,
            reported=notice.reported is not False,
        )
        write_atomically(path, data, keep=ledger_files(settings))
        typer.echo(t("out.exported", path=str(path)))
    return len(to_send)


def _echo_awaiting(items: list[Any], docx: bool) -> None:
    """The coordinator's section: done items waiting for 销号 past their due date, each
    with its due date and lead unit (on stderr beside -f docx, which writes the units'
    notices only)."""
    from lawtasks.render import printable

    if not items:
        return
    if docx:
        ids = join_list(item.id for item in items)
        typer.echo(t("remind.signoff_overdue_docx", ids=ids), err=True)
        return
    typer.echo(t("remind.signoff_overdue", number=len(items)))
    for item in items:
        due = item.due.isoformat() if item.due else "—"
        unit = printable(item.lead_unit or "—")
        typer.echo(f"  {item.id}  {due}  {unit}  {printable(item.title)}")


def _reminder_line(item: Any, state: str) -> str:
    from lawtasks.render import printable

    due = item.due.isoformat() if item.due else "—"
    return (
        f"  {item.id}  {item.warning.label}  {item.status.label}  {due}  {state}  "
        f"{item.progress}%  {printable(item.title)}"
    )


def _reply_by(view: Any, value: str | None) -> "date":
    """--reply-by as a date of the plan's year, today or later; a week on by default."""
    from lawtasks.dates import parse_date
    from lawtasks.exporters.docx_report import default_reply_by

    if value is None:
        return default_reply_by(view.today)
    day = parse_date(value, year=view.year)
    if day < view.today:
        raise DomainError("remind.reply_by_past", value=value, today=view.today.isoformat())
    return day


def _output_dir(output: str) -> "Path":
    """The directory -o names, made (with its parents) when it does not exist yet."""
    from pathlib import Path

    from lawtasks.exporters.files import check_directory_name

    directory = Path(output)
    if directory.exists() and not directory.is_dir():
        raise DomainError("export.dir_is_file", path=str(directory))
    check_directory_name(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DomainError(
            "export.cannot_make_dir", path=str(directory), reason=error.strerror or str(error)
        ) from error
    return directory
