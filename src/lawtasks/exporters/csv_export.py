"""The item table as CSV, for spreadsheets and scripts.

One header row, then one row per item in plan order. The columns, in this fixed order, are
the fields of the CLI's item JSON (`ItemView.as_dict`) plus the latest note, then the frame
every export carries:

    id, task, title, text, status, status_label, signoff, signed_off_at, signed_off_by,
    progress, lead_unit, assisting_units, due, target, next_milestone, warning,
    latest_note, latest_note_author, latest_note_at, updated_at, updated_by, evidence,
    plan, as_of, exported_by, trail_events, trail_head

In English the header names are these codes, so scripts can rely on them; in Chinese they
are the 台账's words (编号, 工作任务, 事项, …, 留痕末条摘要; `csv.<code>` in the catalogue), and
the warning is its word (红灯) rather than its code. `signoff` is the item's 销号 as the
JSON's: `awaiting` or `signed_off` for a done item of a plan that asks for sign-off, empty
otherwise; in Chinese it is the word the 台账's and the report's 状态 show for it
(已完成（待销号）, 已销号). `next_milestone` is the item's next milestone as the 台账 and
the 填报 sheet show it (2022-09-30 60%, or with its text). `plan` is the plan's name, as every
other format names it. Dates are ISO (2022-06-30) and times ISO with their UTC offset, as in
the JSON; an empty cell means no value. `evidence` names the item's evidence files, oldest
first, joined with "; " (the JSON's `evidence` has their sizes and hashes). Text is written
whole: multi-line notes stay in one quoted cell.

With `since` (export --since) the CSV lists only the items that changed in the period (an
event on the item, or a note on its task), with two more columns: `since`, the period's
first day, and `changes`, how many changes the item had in it.

CSV has no "text" type: a spreadsheet opening it evaluates a cell that starts with =, +, -,
@, tab or CR as a formula (=HYPERLINK(...) becomes a link that can leak data). So such a
cell gets a leading single quote, OWASP's advice; the quote is visible, which is the price
of a format without types (the xlsx stores the same text as text, exactly as typed).

A file written by `export`, and the CSV `export` prints to a pipe or a file (`lawtasks
export -f csv > 台账.csv`), start with a UTF-8 BOM so that Excel on a Chinese Windows reads it
as UTF-8, not GBK; `render_text` returns the text without it. The plan-wide roll-ups, the
needs-attention list and the changes are not in the CSV: it is the item table, nothing else.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from lawtasks.exporters.content import defuse, evidence_text
from lawtasks.i18n import get_language, t
from lawtasks.readmodel import iso

if TYPE_CHECKING:
    from lawtasks.exporters import ExportRequest

COLUMNS = (
    "id",
    "task",
    "title",
    "text",
    "status",
    "status_label",
    # 销号, as in the JSON: a plan that asks for sign-off tells 待销号 from 已销号.
    "signoff",
    "signed_off_at",
    "signed_off_by",
    "progress",
    "lead_unit",
    "assisting_units",
    "due",
    "target",
    "next_milestone",
    "warning",
    "latest_note",
    "latest_note_author",
    "latest_note_at",
    "updated_at",
    "updated_by",
    # The item's evidence (佐证材料) by name, oldest first, joined with "; ".
    "evidence",
    "plan",
    "as_of",
    "exported_by",
    # The audit trail's head when the file was made: `verify --against` reads it back.
    "trail_events",
    "trail_head",
)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return defuse(value)
    return str(value)


SINCE_COLUMNS = ("since", "changes")


def headers(columns: tuple[str, ...]) -> list[str]:
    """The header row: the codes in English, the 台账's words in Chinese."""
    return [t(f"csv.{code}") for code in columns]


def _changes_per_item(request: ExportRequest) -> dict[str, int]:
    """How many of the period's changes each item had; a task's note counts for its items."""
    counts: dict[str, int] = {}
    for event in request.changes or ():
        if event.ref:
            counts[event.ref] = counts.get(event.ref, 0) + 1
    return counts


def render_csv(request: ExportRequest) -> str:
    view = request.view
    out = io.StringIO()
    # \r\n is what RFC 4180 and Excel expect; csv quotes any cell holding a line break.
    writer = csv.writer(out, lineterminator="\r\n")
    period = request.since is not None
    columns = COLUMNS + SINCE_COLUMNS if period else COLUMNS
    writer.writerow(headers(columns))
    counts = _changes_per_item(request)
    words = get_language() != "en"
    for item in view.items:
        changed = counts.get(item.id, 0) + counts.get(str(item.task), 0)
        if period and not changed:
            continue
        row = item.as_dict()
        if words:
            row["warning"] = item.warning.label
            row["signoff"] = row["signoff_label"]
        row["next_milestone"] = item.next_milestone.label if item.next_milestone else None
        note = item.latest_note
        row["latest_note"] = note.text if note else None
        row["latest_note_author"] = note.author if note else None
        row["latest_note_at"] = iso(note.created_at) if note else None
        row["evidence"] = evidence_text(item, sizes=False, separator="; ")
        row["plan"] = view.name
        row["as_of"] = view.today.isoformat()
        row["exported_by"] = request.exported_by
        row["trail_events"] = view.trail.events if view.trail else None
        row["trail_head"] = view.trail.head if view.trail else None
        if request.since is not None:
            row["since"] = request.since.isoformat()
            row["changes"] = changed
        writer.writerow([_cell(row[name]) for name in columns])
    return out.getvalue()
