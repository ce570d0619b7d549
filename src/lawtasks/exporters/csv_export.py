"""The item table as CSV, for spreadsheets and scripts.

One header row, then one row per item in plan order. The columns, in this fixed order, are
the fields of the CLI's item JSON (`ItemView.as_dict`) plus the latest note, then the frame
every export carries:

    id, task, title, text, status, status_label, progress, lead_unit, assisting_units,
    due, target, warning, latest_note, latest_note_author, latest_note_at,
    updated_at, updated_by, plan, as_of, exported_by, trail_events, trail_head

The header names are these codes in either language, so scripts can rely on them; only
`status_label` follows the language. Dates are ISO (2022-06-30) and times ISO with their
UTC offset, as in the JSON; an empty cell means no value. Text is written whole: multi-line
notes stay in one quoted cell. Any text cell that a spreadsheet would take for a formula
(starting with =, +, -, @, tab or CR) gets a leading single quote.

A file written by `export` starts with a UTF-8 BOM so that Excel on a Chinese Windows reads
it as UTF-8; `render_text` returns the text without it. The plan-wide roll-ups, the needs-
attention list and the changes are not in the CSV: it is the item table, nothing else.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from lawtasks.exporters.content import defuse
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
    "progress",
    "lead_unit",
    "assisting_units",
    "due",
    "target",
    "warning",
    "latest_note",
    "latest_note_author",
    "latest_note_at",
    "updated_at",
    "updated_by",
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


def render_csv(request: ExportRequest) -> str:
    view = request.view
    out = io.StringIO()
    # \r\n is what RFC 4180 and Excel expect; csv quotes any cell holding a line break.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in view.items:
        row = item.as_dict()
        note = item.latest_note
        row["latest_note"] = note.text if note else None
        row["latest_note_author"] = note.author if note else None
        row["latest_note_at"] = iso(note.created_at) if note else None
        row["plan"] = view.title
        row["as_of"] = view.today.isoformat()
        row["exported_by"] = request.exported_by
        row["trail_events"] = view.trail.events if view.trail else None
        row["trail_head"] = view.trail.head if view.trail else None
        writer.writerow([_cell(row[name]) for name in COLUMNS])
    return out.getvalue()
