"""Exports of a plan: a Word report, an Excel 台账, and CSV, JSON and Markdown for other tools.

Exporters are leaves: they take a `PlanView` (and the audit events of a `since` window) that
the caller has loaded, and never open a database session. Each format lives in its own module
and imports its heavy library (openpyxl, python-docx) inside its function, so importing this
package stays cheap for the CLI's start-up.

    request = ExportRequest(view=view, exported_by="officer", changes=events, since=since)
    export("xlsx", request, Path("tonglu-2022-台账-2022-06-30.xlsx"))

Nothing in a file depends on the clock: the as-of date is `view.today` and the exporter's
name is a parameter, so the same view gives the same md, csv and json bytes (and, with their
zip members stamped with the as-of date, the same xlsx and docx bytes too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

# Only the standard library at module level: lawtasks.i18n imports this package (for its
# messages module) while it is itself being imported, so anything here that needed i18n,
# errors or the read model would be a circular import.
if TYPE_CHECKING:
    from collections.abc import Sequence

    from lawtasks.readmodel import EventView, ItemView, PlanView

__all__ = [
    "FORMATS",
    "TEXT_FORMATS",
    "ExportRequest",
    "attention_items",
    "default_filename",
    "export",
    "render_bytes",
    "render_text",
]

FORMATS = ("md", "csv", "json", "xlsx", "docx")
TEXT_FORMATS = ("md", "csv", "json")


@dataclass(frozen=True)
class ExportRequest:
    """What to export.

    `view` is already filtered by the caller (by task, status…), with the plan-wide roll-ups
    kept. `changes` are the audit events since `since`, oldest first; with None there is no
    changes section at all, with an empty tuple the section says there were none.
    """

    view: PlanView
    exported_by: str
    changes: tuple[EventView, ...] | None = None
    since: date | None = None


def _unknown_format(fmt: str, valid: tuple[str, ...] = FORMATS) -> Exception:
    from lawtasks.errors import DomainError

    return DomainError("export.unknown_format", value=fmt, valid=", ".join(valid))


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise _unknown_format(fmt)
    return fmt


def attention_items(view: PlanView) -> tuple[list[ItemView], list[ItemView]]:
    """The items needing attention: (red or blocked, yellow), each in plan order."""
    from lawtasks.exporters.content import attention_items as select

    return select(view)


def render_text(fmt: str, request: ExportRequest) -> str:
    """md, csv or json as a string; the csv without the BOM that `export` adds to a file."""
    _check_format(fmt)
    if fmt == "md":
        from lawtasks.exporters.markdown import render_markdown

        return render_markdown(request)
    if fmt == "csv":
        from lawtasks.exporters.csv_export import render_csv

        return render_csv(request)
    if fmt == "json":
        from lawtasks.exporters.jsonfile import render_json

        return render_json(request)
    raise _unknown_format(fmt, TEXT_FORMATS)


def render_bytes(fmt: str, request: ExportRequest) -> bytes:
    """The file's content in any format, as `export` writes it."""
    _check_format(fmt)
    if fmt == "xlsx":
        from lawtasks.exporters.xlsx import render_xlsx

        return render_xlsx(request)
    if fmt == "docx":
        from lawtasks.exporters.docx_report import render_docx

        return render_docx(request)
    # utf-8-sig: Excel on a Chinese Windows reads a CSV without a BOM as GBK.
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    return render_text(fmt, request).encode(encoding)


def export(fmt: str, request: ExportRequest, path: Path, *, keep: Sequence[Path] = ()) -> Path:
    """Write `request` as `fmt` to `path`, atomically; returns the path written.

    The content is rendered in full before the file is touched, so an error in rendering
    (say, a note too long for an Excel cell) leaves nothing behind either. `keep` names the
    files that must not be overwritten (the ledger; see `files.write_atomically`).
    """
    from lawtasks.errors import DomainError
    from lawtasks.exporters.files import write_atomically

    _check_format(fmt)
    if not path.parent.is_dir():
        raise DomainError("export.missing_dir", path=str(path.parent))
    return write_atomically(path, render_bytes(fmt, request), keep=keep)


_FILE_KIND = {
    "xlsx": "export.file_ledger",
    "csv": "export.file_ledger",
    "docx": "export.file_report",
    "md": "export.file_report",
    "json": "export.file_data",
}


def default_filename(fmt: str, view: PlanView) -> str:
    """`tonglu-2022-台账-2022-06-30.xlsx`: the plan, what the file is, and its as-of date."""
    from lawtasks.i18n import t

    _check_format(fmt)
    return f"{view.slug}-{t(_FILE_KIND[fmt])}-{view.today.isoformat()}.{fmt}"
