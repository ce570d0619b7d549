"""Departments' returns: read filled 填报 sheets (or CSV / JSON-lines), check every cell,
and work out what they would change.

Reading is pure of the database: it takes the plan as the read model shows it, so the
preview, the dry run and the real apply all see the same thing. A return is refused whole
when any cell is bad; each bad cell is named by file, sheet, row and column.

CSV and JSON-lines returns, for scripts, carry the fields
`id, status, progress, done_so_far, problems, next_steps, unit, due` (all but `id` optional,
an empty value meaning "no change"), and optionally `version` for conflict detection.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

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
from lawtasks.i18n import t
from lawtasks.readmodel import ItemView, PlanView
from lawtasks.services import UNSET, ItemReturn

# Sheet columns (1-based) of the 填报 layout; see lawtasks.exporters.sheets.
SHEET_COLUMNS = {"id": 1, "status": 6, "progress": 7, "done_so_far": 8, "problems": 9,
                 "next_steps": 10}  # fmt: skip
STAMP_SHEET = "_lawtasks"


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
    actor: str | None
    version: int | None
    status: Status | None = None
    progress: int | None = None
    unit: str | None = None
    due: date | None = None
    parts: dict[str, str] = field(default_factory=dict)

    @property
    def note(self) -> str | None:
        return progress_note(self.parts)


@dataclass
class ReturnSet:
    rows: list[ReturnRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


def read_returns(paths: Sequence[Path], view: PlanView) -> ReturnSet:
    result = ReturnSet()
    # Built once: every row looks its ID up here (view.items builds a new list each call).
    items = _items_by_id(view)
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DomainError("parse.unreadable", source=str(path), reason=error.strerror) from None
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            _read_sheet(path, data, view, items, result)
        elif path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
            _read_records(path, _json_records(path, data, result), view, items, result, "JSON")
        else:
            text = _decode(path, data)
            records = enumerate(csv.DictReader(io.StringIO(text)), 2)
            _read_records(path, records, view, items, result, "CSV")
    return result


def _decode(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError("parse.undecodable", source=str(path))


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
) -> None:
    for number, record in records:
        cells = {key.strip().lower(): value for key, value in record.items() if key}
        version = None
        problems: list[tuple[str, str]] = []
        if cells.get("version") not in (None, ""):
            try:
                version = int(str(cells["version"]))
            except ValueError:
                problems.append(("version", t("returns.bad_version", value=cells["version"])))
        row, found = _row((path.name, sheet, number), cells, view, items, None, version)
        problems += found
        result.errors += [CellError(path.name, sheet, number, col, msg) for col, msg in problems]
        if row is not None and not problems:
            result.rows.append(row)


def _read_sheet(
    path: Path, data: bytes, view: PlanView, items: Mapping[str, ItemView], result: ReturnSet
) -> None:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise DomainError("parse.unreadable", source=str(path), reason=str(error)) from None
    stamps: dict[str, Stamp] = {}
    unit = None
    if STAMP_SHEET in workbook.sheetnames:
        for key, value, *rest in workbook[STAMP_SHEET].iter_rows(values_only=True):
            if key == "unit":
                unit = str(value)
            elif key == "plan" and value != view.slug:
                raise DomainError(
                    "returns.other_plan", file=path.name, plan=value, current=view.slug
                )
            elif isinstance(value, int) and key != "id":
                status, progress = [*rest, None, None][:2]
                stamps[str(key)] = Stamp(value, str(status or ""), progress)
    sheets = [ws for ws in workbook.worksheets if ws.title != STAMP_SHEET]
    for ws in sheets:
        for number, values in enumerate(ws.iter_rows(min_row=2, values_only=True), 2):
            if not values or all(value in (None, "") for value in values):
                continue
            cells = {
                name: values[column - 1] if column - 1 < len(values) else None
                for name, column in SHEET_COLUMNS.items()
            }
            ref = str(cells["id"]).strip() if cells["id"] is not None else ""
            stamp = stamps.get(ref)
            if stamp is not None:
                # A cell left as the sheet gave it is no report: drop it.
                if _cell_text(cells["status"]) in _labels(stamp.status):
                    cells["status"] = None
                if cells["progress"] == stamp.progress:
                    cells["progress"] = None
            version = stamp.version if stamp else None
            where = (path.name, ws.title, number)
            row, problems = _row(where, cells, view, items, unit, version)
            result.errors += [
                CellError(path.name, ws.title, number, col, msg) for col, msg in problems
            ]
            if row is not None and not problems:
                result.rows.append(row)


@dataclass(frozen=True)
class Stamp:
    """An item as it stood when its sheet was made."""

    version: int
    status: str
    progress: object


def _labels(code: str) -> set[str]:
    """A status code with its labels in both languages, as a sheet may show it."""
    if not code:
        return set()
    return {code, t(f"status.{code}", lang="zh"), t(f"status.{code}", lang="en")}


_LETTERS = {name: "ABCDEFGHIJ"[column - 1] for name, column in SHEET_COLUMNS.items()}


def _row(
    where: tuple[str, str, int],
    cells: Mapping[str, object],
    view: PlanView,
    items: Mapping[str, ItemView],
    actor: str | None,
    version: int | None,
) -> tuple[ReturnRow | None, list[tuple[str, str]]]:
    """Check one row's cells: the row, and each bad cell as (column, message).

    `where` is the row's file, sheet and row number."""
    file, sheet, number = where
    problems: list[tuple[str, str]] = []

    def column(name: str) -> str:
        return _LETTERS.get(name, name) if sheet not in ("CSV", "JSON") else name

    ref = "" if cells.get("id") is None else str(cells["id"]).strip()
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
        file=file, sheet=sheet, row=number, ref=ref, actor=actor, version=version, status=status,
        progress=progress, unit=unit, due=due, parts=parts,
    )  # fmt: skip
    return row, problems


def _items_by_id(view: PlanView) -> dict[str, ItemView]:
    return {item.id: item for item in view.items}


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class RowPlan:
    """What one row would do: its changes as (field, old, new), its note, or its conflict."""

    row: ReturnRow
    item: ItemView
    changes: tuple[tuple[str, str, str], ...]
    note: str | None
    conflict: bool

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
        if note is not None and any(existing.text == note for existing in item.notes):
            note = None  # already in the ledger: applying the same return twice adds nothing
        changed = bool(changes or note)
        conflict = changed and row.version is not None and row.version != item.version
        plans.append(RowPlan(row, item, tuple(changes), note, conflict))
    return plans


def to_item_returns(
    plans: Sequence[RowPlan], *, user: str | None, force: set[str]
) -> list[ItemReturn]:
    """The service calls for the rows that change something; a forced conflict drops its
    version check, any other row keeps it so that a change made meanwhile is still caught."""
    returns = []
    for plan in plans:
        if not plan.changed:
            continue
        row = plan.row
        fields = {name for name, _, _ in plan.changes}
        returns.append(
            ItemReturn(
                ref=row.ref,
                actor=user or row.actor,
                status=row.status if "status" in fields else None,
                progress=row.progress if "progress" in fields else None,
                lead_unit=row.unit if "lead_unit" in fields else UNSET,
                due=row.due if "due" in fields else UNSET,
                note=plan.note,
                expected_version=None if row.ref in force else plan.item.version,
            )
        )
    return returns


def describe_returns(
    plans: Sequence[RowPlan], *, user: str | None, actor: str, force: set[str]
) -> tuple[list[str], list[str]]:
    """The preview (per item, old → new and the notes to add) and the conflicts, as lines:
    the CLI prints them and the TUI shows them in its dialog."""
    from lawtasks.render import local_time, printable

    preview: list[str] = []
    for plan in plans:
        if not plan.changed:
            continue
        who = user or plan.row.actor or actor
        preview.append(f"{plan.row.ref}  [{printable(who)}]  {printable(plan.item.title)}")
        preview += [f"    {t(f'field.{name}')} {old} → {new}" for name, old, new in plan.changes]
        if plan.note:
            note = printable(plan.note).replace("\n", " / ")
            preview.append(t("returns.note_line", note=note))
    conflicts: list[str] = []
    for plan in plans:
        if not plan.conflict or plan.row.ref in force:
            continue
        item = plan.item
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
