"""Departments' returns: read filled 填报 sheets (or CSV / JSON-lines), check every cell,
and work out what they would change.

Reading is pure of the database: it takes the plan as the read model shows it, so the
preview, the dry run and the real apply all see the same thing. A return is refused whole
when any cell is bad; each bad cell is named by file, sheet, row and column.

CSV and JSON-lines returns, for scripts, carry the fields
`id, status, progress, done_so_far, problems, next_steps, unit, due` (all but `id` optional,
an empty value meaning "no change"), `version` (the item's version the values are based
on: a row without one is a conflict unless forced), `plan` (required once the ledger holds
more than one plan, unless `--plan` names it) and `made` (when the return was written).

A return is tied to its plan, its unit and the versions its values are based on, so that
it can never land on the wrong item or overwrite a later change unseen:

- a sheet's hidden stamp names the sheet record `lawtasks sheets` made (`issued_sheet`);
  the unit, plan and versions are taken from that record, and a stamp that disagrees with
  it (edited to another unit, say) refuses the file;
- a row for an item that was not on the unit's sheet, or that the unit does not lead, is a
  conflict only a coordinator may force;
- an ID typed as a number (Excel shows 1.10 as 1.1) is refused as ambiguous, and a progress
  cell formatted as a percentage is read as one (100% is stored as 1).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

from lawtasks.commands import UNSET, ItemReturn
from lawtasks.dates import parse_date
from lawtasks.domain import (
    FIELD_LIMIT,
    NOTE_LIMIT,
    REPORT_PARTS,
    Status,
    check_status_progress,
    clean_text,
    parse_progress,
    parse_ref,
    progress_note,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import os_reason, t
from lawtasks.readmodel import ItemView, PlanView, ReturnContext

# Sheet columns (1-based) of the 填报 layout; see lawtasks.exporters.sheets.
SHEET_COLUMNS = {"id": 1, "status": 6, "progress": 7, "done_so_far": 8, "problems": 9,
                 "next_steps": 10}  # fmt: skip
STAMP_SHEET = "_lawtasks"
# What a return may be: a filled-in sheet, CSV, or JSON lines.
RETURN_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".json", ".jsonl", ".ndjson")
# Excel's own limit; a larger "sheet" was not written by Excel or by lawtasks.
MAX_SHEET_ROWS = 1_048_576
# `--force all`: every conflict is forced, for scripts that send values without versions.
FORCE_ALL = "all"
# Past this many bad cells a return is plainly not a filled-in sheet: stop reading it.
MAX_ERRORS = 100


@dataclass(frozen=True)
class CellError:
    file: str
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return t(
            "returns.cell_error", file=self.file, sheet=self.sheet, row=self.row,
            column=self.column, message=self.message,
        )  # fmt: skip


@dataclass(frozen=True)
class ReturnRow:
    """One row as read, before it is compared with the ledger."""

    file: str
    sheet: str
    row: int
    ref: str
    # The unit whose sheet this row is on (from the sheet record), or None.
    unit_of_sheet: str | None
    # The item's version the row's values are based on; None: the row carries none.
    version: int | None
    status: Status | None = None
    progress: int | None = None
    unit: str | None = None
    due: date | None = None
    parts: dict[str, str] = field(default_factory=dict)
    # When the sheet was made (or the return written): a note already in the ledger from
    # after that time is this return's own, applied before.
    made: datetime | None = None
    # The item was not on the unit's sheet (a row added to it).
    off_sheet: bool = False

    @property
    def note(self) -> str | None:
        return progress_note(self.parts)


@dataclass
class ReturnSet:
    rows: list[ReturnRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    # More bad cells than MAX_ERRORS: the rest were not read.
    truncated: bool = False

    def add_errors(self, errors: Iterable[CellError]) -> None:
        for error in errors:
            if len(self.errors) >= MAX_ERRORS:
                self.truncated = True
                return
            self.errors.append(error)


def read_returns(
    paths: Sequence[Path], view: PlanView, context: ReturnContext | None = None
) -> ReturnSet:
    """Read and check every row of the returns; `context` says what the ledger holds
    besides the plan (the sheets it sent, its other plans)."""
    context = context or ReturnContext()
    result = ReturnSet()
    # Built once: every row looks its ID up here (view.items builds a new list each call).
    items = _items_by_id(view)
    for path in paths:
        if path.suffix.lower() not in RETURN_SUFFIXES:
            # A report, a Word file, a picture: never read as CSV and found to hold nothing.
            raise DomainError("returns.wrong_type", file=str(path))
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DomainError(
                "returns.unreadable", file=str(path), reason=os_reason(error)
            ) from None
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            _read_sheet(path, data, view, items, result, context)
        else:
            if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
                records, kind = _json_records(path, data, result), "JSON"
            else:
                records, kind = (
                    enumerate(map(_by_code, csv.DictReader(io.StringIO(_decode(path, data)))), 2),
                    "CSV",
                )
            _read_records(path, records, view, items, result, kind, context)
        if result.truncated:
            break
    _refuse_duplicates(result)
    return result


def _by_code(row: dict[str, object]) -> dict[str, object]:
    """A CSV row with its columns named by their codes: a 台账 exported as CSV in Chinese
    names them 编号, 状态代码, 进度, 计划… (`csv.<code>` in the catalogue)."""
    codes = _csv_codes()
    return {
        codes.get(str(name).strip(), name) if name else name: value for name, value in row.items()
    }


@cache
def _csv_codes() -> dict[str, str]:
    fields = ("id", "status", "progress", "due", "target", "plan", "lead_unit")
    return {t(f"csv.{code}", lang="zh"): code for code in fields}


def _refuse_duplicates(result: ReturnSet) -> None:
    """One row per item: a second row would be applied on top of the first unseen."""
    first: dict[str, ReturnRow] = {}
    kept = []
    duplicates = []
    for row in result.rows:
        earlier = first.get(row.ref)
        if earlier is None:
            first[row.ref] = row
            kept.append(row)
            continue
        message = t("returns.duplicate", ref=row.ref, file=earlier.file, row=earlier.row)
        duplicates.append(
            CellError(row.file, row.sheet, row.row, _column(row.sheet, "id"), message)
        )
    result.rows = kept
    result.add_errors(duplicates)


def _decode(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError("returns.undecodable", file=str(path))


def _json_records(
    path: Path, data: bytes, result: ReturnSet
) -> Iterable[tuple[int, dict[str, object]]]:
    for number, line in enumerate(_decode(path, data).splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            result.errors.append(CellError(path.name, "-", number, "-", error.msg))
            continue
        if not isinstance(record, dict):
            result.errors.append(CellError(path.name, "-", number, "-", t("returns.not_object")))
            continue
        yield number, record


def _read_records(
    path: Path,
    records: Iterable[tuple[int, dict[str, object]]],
    view: PlanView,
    items: Mapping[str, ItemView],
    result: ReturnSet,
    sheet: str,
    context: ReturnContext,
) -> None:
    for number, record in records:
        cells = {key.strip().lower(): value for key, value in record.items() if key}
        plan = _cell_text(cells.get("plan"))
        # A 台账 exported as CSV names its plan by title: the same plan, written for people.
        named = plan == view.slug or (
            plan in (view.title, view.name) and context.titles.get(view.title) == view.slug
        )
        if plan and not named:
            slug = plan if plan in context.plans else context.titles.get(plan)
            if slug is not None:
                raise DomainError(
                    "returns.other_plan", file=path.name, plan=slug, current=view.slug
                )
            raise DomainError(
                "returns.unknown_plan", file=path.name, plan=plan, plans=", ".join(context.plans)
            )
        if not plan and not context.plan_named and len(context.plans) > 1:
            # A late 2022 return must not land on the 2023 plan because that is the newest.
            raise DomainError("returns.no_plan", file=path.name, plans=", ".join(context.plans))
        version = None
        made = None
        problems: list[tuple[str, str]] = []
        raw_version = cells.get("version")
        if raw_version not in (None, ""):
            text = str(raw_version).strip()
            if isinstance(raw_version, bool) or not text.isdigit():
                problems.append(("version", t("returns.bad_version", value=raw_version)))
            else:
                version = int(text)
        raw_made = _cell_text(cells.get("made"))
        if raw_made:
            try:
                made = _parse_made(raw_made)
            except ValueError:
                problems.append(("made", t("returns.bad_made", value=raw_made)))
        row, found = _row((path.name, sheet, number), cells, view, items, None, version)
        problems += found
        result.add_errors(CellError(path.name, sheet, number, col, msg) for col, msg in problems)
        if row is not None and not problems:
            result.rows.append(row if made is None else _with(row, made=made))
        if result.truncated:
            return


def _parse_made(text: str) -> datetime:
    from datetime import UTC

    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _with(row: ReturnRow, **changes: object) -> ReturnRow:
    from dataclasses import replace

    return replace(row, **changes)  # type: ignore[arg-type]


def _read_sheet(
    path: Path,
    data: bytes,
    view: PlanView,
    items: Mapping[str, ItemView],
    result: ReturnSet,
    context: ReturnContext,
) -> None:
    from openpyxl import load_workbook

    try:
        # Read-only: rows stream from the file instead of a workbook built in memory, so a
        # huge or hostile file is refused at its row limit rather than after gigabytes.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise DomainError("returns.unreadable", file=str(path), reason=str(error)) from None
    try:
        stamp = _read_stamp(path, workbook, view, context)
        for ws in workbook.worksheets:
            if ws.title == STAMP_SHEET:
                continue
            _read_rows(path, ws, view, items, result, stamp)
            if result.truncated:
                return
    finally:
        workbook.close()


@dataclass(frozen=True)
class Stamp:
    """An item as it stood when its sheet was made."""

    version: int
    status: str
    progress: object


@dataclass(frozen=True)
class SheetStamp:
    """What a sheet says of itself, checked against the record of the sheet sent."""

    unit: str | None = None
    items: Mapping[str, Stamp] = field(default_factory=dict)
    made: datetime | None = None
    # False for a workbook with no stamp (rows copied into a new one): nothing is known.
    present: bool = False


def _read_stamp(path: Path, workbook: object, view: PlanView, context: ReturnContext) -> SheetStamp:
    sheetnames: list[str] = workbook.sheetnames  # type: ignore[attr-defined]
    if STAMP_SHEET not in sheetnames:
        if not context.plan_named and len(context.plans) > 1:
            raise DomainError("returns.no_plan", file=path.name, plans=", ".join(context.plans))
        return SheetStamp()
    unit = None
    sheet_id = None
    stamps: dict[str, Stamp] = {}
    rows = workbook[STAMP_SHEET].iter_rows(values_only=True)  # type: ignore[index]
    for number, values in enumerate(rows, 1):
        if number > MAX_SHEET_ROWS:
            raise DomainError("returns.too_many_rows", file=path.name, limit=MAX_SHEET_ROWS)
        key, value, *rest = [*values, None, None][: max(2, len(values))]
        if key == "unit":
            unit = str(value)
        elif key == "sheet":
            sheet_id = str(value)
        elif key == "plan" and value != view.slug:
            raise DomainError("returns.other_plan", file=path.name, plan=value, current=view.slug)
        elif isinstance(value, int) and key != "id":
            status, progress = [*rest, None, None][:2]
            stamps[str(key)] = Stamp(value, str(status or ""), progress)
    if sheet_id is None:
        # A sheet made before sheets were recorded: its own stamp is all there is.
        return SheetStamp(unit, stamps, None, present=True)
    record = context.sheets.get(sheet_id)
    if record is None:
        raise DomainError("returns.unknown_sheet", file=path.name)
    sent = {ref: Stamp(*state) for ref, state in record.items.items()}
    if unit != record.unit or stamps != sent:
        raise DomainError("returns.stamp_altered", file=path.name, unit=record.unit)
    return SheetStamp(record.unit, sent, record.made_at, present=True)


def _read_rows(
    path: Path,
    ws: object,
    view: PlanView,
    items: Mapping[str, ItemView],
    result: ReturnSet,
    stamp: SheetStamp,
) -> None:
    title = str(ws.title)  # type: ignore[attr-defined]
    last = max(SHEET_COLUMNS.values())
    first = _header_row(ws) + 1
    rows = ws.iter_rows(min_row=first, max_col=last)  # type: ignore[attr-defined]
    for number, row_cells in enumerate(rows, first):
        if number > MAX_SHEET_ROWS:
            raise DomainError("returns.too_many_rows", file=path.name, limit=MAX_SHEET_ROWS)
        values = [cell.value for cell in row_cells]
        if not values or all(value in (None, "") for value in values):
            continue
        cells: dict[str, object] = {
            name: values[column - 1] if column - 1 < len(values) else None
            for name, column in SHEET_COLUMNS.items()
        }
        progress_column = SHEET_COLUMNS["progress"] - 1
        if progress_column < len(row_cells):
            cells["progress"] = _percent(
                cells["progress"], getattr(row_cells[progress_column], "number_format", None)
            )
        ref = cells["id"].strip() if isinstance(cells["id"], str) else ""
        state = stamp.items.get(ref)
        if state is not None:
            # A cell left as the sheet gave it is no report: drop it.
            if _cell_text(cells["status"]) in _labels(state.status):
                cells["status"] = None
            if cells["progress"] == state.progress:
                cells["progress"] = None
        version = state.version if state else None
        row, problems = _row((path.name, title, number), cells, view, items, stamp.unit, version)
        result.add_errors(CellError(path.name, title, number, col, msg) for col, msg in problems)
        if row is not None and not problems:
            off_sheet = stamp.present and state is None
            result.rows.append(_with(row, made=stamp.made, off_sheet=off_sheet))
        if result.truncated:
            return


# The form header above a sheet's table (title, unit, deadline, who filled it in) takes a
# few rows; the table's header is the first row, among these, whose first cell is 编号/ID.
HEADER_SEARCH_ROWS = 20


def _header_row(ws: object) -> int:
    """The row of the table's header: the first whose column A names the ID column, in
    either language; row 1 when none does (a sheet without a form header, or rows copied
    into a new workbook)."""
    names = {t("label.id", lang=lang).casefold() for lang in ("zh", "en")} | {"id"}
    rows = ws.iter_rows(max_row=HEADER_SEARCH_ROWS, max_col=1, values_only=True)  # type: ignore[attr-defined]
    for number, values in enumerate(rows, 1):
        value = values[0] if values else None
        if isinstance(value, str) and value.strip().casefold() in names:
            return number
    return 1


def _percent(value: object, number_format: object) -> object:
    """A progress typed as 80% is stored by Excel as 0.8 in a percentage-formatted cell."""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and isinstance(number_format, str)
        and "%" in number_format
    ):
        scaled = round(value * 100, 6)
        return int(scaled) if float(scaled).is_integer() else scaled
    return value


def _labels(code: str) -> set[str]:
    """A status code with its labels in both languages, as a sheet may show it."""
    if not code:
        return set()
    return {code, t(f"status.{code}", lang="zh"), t(f"status.{code}", lang="en")}


_LETTERS = {name: "ABCDEFGHIJ"[column - 1] for name, column in SHEET_COLUMNS.items()}


def _column(sheet: str, name: str) -> str:
    """How a cell's column is named: a letter in a sheet, the field's name in CSV/JSON."""
    return _LETTERS.get(name, name) if sheet not in ("CSV", "JSON") else name


def _row(
    where: tuple[str, str, int],
    cells: Mapping[str, object],
    view: PlanView,
    items: Mapping[str, ItemView],
    unit_of_sheet: str | None,
    version: int | None,
) -> tuple[ReturnRow | None, list[tuple[str, str]]]:
    """Check one row's cells: the row, and each bad cell as (column, message).

    `where` is the row's file, sheet and row number."""
    file, sheet, number = where
    problems: list[tuple[str, str]] = []

    def column(name: str) -> str:
        return _column(sheet, name)

    raw_id = cells.get("id")
    if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
        # Excel keeps a typed 1.10 as the number 1.1, and JSON's 1.10 is 1.1 too: which
        # item was meant cannot be known, so the row is refused rather than guessed.
        return None, [(column("id"), t("returns.numeric_id", value=raw_id))]
    ref = "" if raw_id is None else str(raw_id).strip()
    try:
        parse_ref(ref)
        if ref not in items:
            raise DomainError("returns.unknown_id", value=ref, plan=view.slug)
    except DomainError as error:
        return None, [(column("id"), str(error))]
    status: Status | None = None
    progress: int | None = None
    unit: str | None = None
    due: date | None = None
    text = _cell_text(cells.get("status"))
    try:
        status = Status.parse(text) if text else None
    except DomainError as error:
        problems.append((column("status"), str(error)))
    raw = cells.get("progress")
    try:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if raw not in (None, ""):
            progress = parse_progress(raw if isinstance(raw, int) else str(raw))
    except DomainError as error:
        problems.append((column("progress"), str(error)))
    try:
        text = _cell_text(cells.get("unit"))
        unit = clean_text(text, field="lead_unit", limit=FIELD_LIMIT) if text else None
    except DomainError as error:
        problems.append((column("unit"), str(error)))
    raw_due = cells.get("due")
    try:
        if isinstance(raw_due, datetime):
            due = raw_due.date()
        elif raw_due not in (None, ""):
            due = parse_date(str(raw_due), year=view.year)
    except DomainError as error:
        problems.append((column("due"), str(error)))
    if status is not None and progress is not None:
        try:
            check_status_progress(status, progress)
        except DomainError as error:
            problems.append((column("progress"), str(error)))
    parts = {}
    for name in REPORT_PARTS:
        try:
            part = clean_text(_cell_text(cells.get(name)), field="note", limit=NOTE_LIMIT,
                              multiline=True)  # fmt: skip
        except DomainError as error:
            problems.append((column(name), str(error)))
            continue
        if part:
            parts[name] = part
    row = ReturnRow(
        file=file, sheet=sheet, row=number, ref=ref, unit_of_sheet=unit_of_sheet,
        version=version, status=status, progress=progress, unit=unit, due=due, parts=parts,
    )  # fmt: skip
    return row, problems


def _items_by_id(view: PlanView) -> dict[str, ItemView]:
    return {item.id: item for item in view.items}


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class RowPlan:
    """What one row would do: its changes as (field, old, new), its note, or its conflict.

    `conflict` names why the row may not be applied unless forced: "stale" (the item
    changed after the sheet was made), "unversioned" (the row carries no version, so what
    it overwrites is unknown), "foreign" (the item was not on the unit's sheet, or another
    unit leads it); None when it may be applied.
    """

    row: ReturnRow
    item: ItemView
    changes: tuple[tuple[str, str, str], ...]
    note: str | None
    conflict: str | None

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.note)


def plan_returns(rows: Sequence[ReturnRow], view: PlanView) -> list[RowPlan]:
    """Compare each row with the ledger. A row that matches the ledger (the same file applied
    twice) plans nothing, so it is never a conflict."""
    items = _items_by_id(view)
    plans = []
    for row in rows:
        item = items[row.ref]
        changes: list[tuple[str, str, str]] = []
        if row.status is not None and row.status is not item.status:
            changes.append(("status", item.status.label, row.status.label))
        if row.progress is not None and row.progress != item.progress:
            changes.append(("progress", str(item.progress), str(row.progress)))
        if row.unit is not None and row.unit != item.lead_unit:
            changes.append(("lead_unit", item.lead_unit or "∅", row.unit))
        if row.due is not None and row.due != item.due:
            changes.append(("due", item.due.isoformat() if item.due else "∅", row.due.isoformat()))
        note = row.note
        if note is not None and _already_noted(item, note, row.made):
            note = None  # this return's own note, applied before
        conflict = None
        if changes or note:
            unit = row.unit_of_sheet
            if unit is not None and (row.off_sheet or item.lead_unit != unit):
                conflict = "foreign"
            elif row.version is None:
                conflict = "unversioned"
            elif row.version != item.version:
                conflict = "stale"
        plans.append(RowPlan(row, item, tuple(changes), note, conflict))
    return plans


def _already_noted(item: ItemView, note: str, made: datetime | None) -> bool:
    """Was this note applied already? With the time the return was made: a note of the same
    text added since then is its own. Without it, only the item's latest note counts, so the
    same terse report in two rounds is still two reports once anything came between."""
    if made is not None:
        return any(existing.text == note and existing.created_at >= made for existing in item.notes)
    if not item.notes:
        return False
    latest = max(item.notes, key=lambda existing: existing.created_at)
    return latest.text == note


def to_item_returns(plans: Sequence[RowPlan], *, force: set[str]) -> list[ItemReturn]:
    """The service calls for the rows that change something; a forced conflict drops its
    version check, any other row keeps it so that a change made meanwhile is still caught."""
    returns = []
    for plan in plans:
        if not plan.changed:
            continue
        row = plan.row
        forced = row.ref in force
        fields = {name for name, _, _ in plan.changes}
        returns.append(
            ItemReturn(
                ref=row.ref,
                for_unit=row.unit_of_sheet,
                status=row.status if "status" in fields else None,
                progress=row.progress if "progress" in fields else None,
                lead_unit=row.unit if "lead_unit" in fields else UNSET,
                due=row.due if "due" in fields else UNSET,
                note=plan.note,
                expected_version=None if forced else plan.item.version,
                foreign=forced and plan.conflict == "foreign",
            )
        )
    return returns


def describe_returns(
    plans: Sequence[RowPlan], *, actor: str, force: set[str]
) -> tuple[list[str], list[str]]:
    """The preview (per item, old → new and the notes to add) and the conflicts, as lines:
    the CLI prints them and the TUI shows them in its dialog."""
    from lawtasks.render import local_time, printable

    preview: list[str] = []
    for plan in plans:
        if not plan.changed:
            continue
        unit = plan.row.unit_of_sheet or plan.item.lead_unit
        who = t("returns.who", actor=actor, unit=unit) if unit else actor
        preview.append(f"{plan.row.ref}  [{printable(who)}]  {printable(plan.item.title)}")
        preview += [f"    {t(f'field.{name}')} {old} → {new}" for name, old, new in plan.changes]
        if plan.note:
            note = printable(plan.note).replace("\n", " / ")
            preview.append(t("returns.note_line", note=note))
    conflicts: list[str] = []
    for plan in plans:
        if plan.conflict is None or plan.row.ref in force:
            continue
        item = plan.item
        if plan.conflict == "foreign":
            conflicts.append(
                t("returns.conflict_foreign", ref=item.id, unit=printable(plan.row.unit_of_sheet),
                  lead=printable(item.lead_unit or "∅"), file=plan.row.file)
            )  # fmt: skip
        elif plan.conflict == "unversioned":
            conflicts.append(t("returns.conflict_unversioned", ref=item.id, file=plan.row.file))
        else:
            at = local_time(item.updated_at) if item.updated_at else "?"
            conflicts.append(
                t("returns.conflict", ref=item.id, actor=item.updated_by or "?", at=at,
                  sheet=plan.row.version, ledger=item.version)
            )  # fmt: skip
        conflicts += [
            t("returns.conflict_values", field=t(f"field.{name}"), ledger=old, sheet=new)
            for name, old, new in plan.changes
        ]
    return preview, conflicts


@dataclass(frozen=True)
class ReturnPreview:
    """Everything `apply` shows before it writes, for the CLI and the TUI alike."""

    errors: tuple[str, ...]  # one line per bad cell; a return with any is refused whole
    preview: tuple[str, ...]
    conflicts: tuple[str, ...]
    conflict_count: int
    entries: tuple[ItemReturn, ...]  # what the service is asked to apply
    # Per unit, when each of its recorded sheets in the return was made: the unit answers
    # the reporting round each was sent in (services.rounds.record_round_returns).
    sheets: Mapping[str, tuple[datetime, ...]] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return bool(self.errors or self.conflict_count)


def preview_returns(
    paths: Sequence[Path],
    view: PlanView,
    context: ReturnContext,
    *,
    actor: str,
    force: set[str],
) -> ReturnPreview:
    """Read, check and plan the returns: the one pipeline behind `apply` in every front end."""
    returns = read_returns(paths, view, context)
    if returns.errors:
        errors = [str(error) for error in returns.errors]
        if returns.truncated:
            errors.append(t("returns.too_many_errors", count=MAX_ERRORS))
        return ReturnPreview(tuple(errors), (), (), 0, ())
    plans = plan_returns(returns.rows, view)
    if FORCE_ALL in force:
        # A script that owns the values it sends (no versions) says so once.
        force = {plan.row.ref for plan in plans}
    preview, conflicts = describe_returns(plans, actor=actor, force=force)
    count = sum(1 for plan in plans if plan.conflict and plan.row.ref not in force)
    entries = () if count else tuple(to_item_returns(plans, force=force))
    return ReturnPreview(
        (), tuple(preview), tuple(conflicts), count, entries, sheets_made(returns.rows)
    )


def sheets_made(rows: Sequence[ReturnRow]) -> dict[str, tuple[datetime, ...]]:
    """Per unit, when its recorded sheets among `rows` were made (a CSV or JSON row, or a
    sheet lawtasks has no record of, names no sheet: it answers the round in hand)."""
    made: dict[str, set[datetime]] = {}
    for row in rows:
        # Only a recorded sheet's rows carry both (CSV and JSON rows name no unit).
        if row.unit_of_sheet is not None and row.made is not None:
            made.setdefault(row.unit_of_sheet, set()).add(row.made)
    return {unit: tuple(sorted(times)) for unit, times in made.items()}
