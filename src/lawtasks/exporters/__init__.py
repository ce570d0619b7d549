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

# Only the standard library at module level: the CLI imports this package to list the
# formats, and the heavy libraries load only when a format is rendered.
if TYPE_CHECKING:
    from collections.abc import Sequence

    from lawtasks.period import PeriodSummary
    from lawtasks.readmodel import EventView, ItemFilter, ItemView, PlanView

__all__ = [
    "FORMATS",
    "TEXT_FORMATS",
    "ExportFormat",
    "ExportRequest",
    "attention_items",
    "default_filename",
    "export",
    "render_bytes",
    "render_text",
]


@dataclass(frozen=True)
class ExportFormat:
    """Everything about one export format, in one place (as harlequin's `_FILE_FORMATS`).

    `writer` names the module and function that render it ("module:function"), imported
    only when used so that the heavy libraries stay off the CLI's start-up. A text format
    renders a string (printed to stdout when there is no file); the others render bytes.
    """

    name: str
    label: str  # message key of its name in the TUI's export dialog
    kind: str  # message key of what the file is, in its default name (台账, 报告, 数据)
    writer: str
    text: bool
    encoding: str = "utf-8"

    def render(self, request: ExportRequest) -> str | bytes:
        from importlib import import_module

        module, _, function = self.writer.partition(":")
        rendered: str | bytes = getattr(import_module(module), function)(request)
        return rendered


# The text formats first, as the messages list them.
REGISTRY: dict[str, ExportFormat] = {
    entry.name: entry
    for entry in (
        ExportFormat("md", "tui.export.format_md", "export.file_report",
                     "lawtasks.exporters.markdown:render_markdown", text=True),
        # utf-8-sig: Excel on a Chinese Windows reads a CSV without a BOM as GBK.
        ExportFormat("csv", "tui.export.format_csv", "export.file_ledger",
                     "lawtasks.exporters.csv_export:render_csv", text=True,
                     encoding="utf-8-sig"),
        ExportFormat("json", "tui.export.format_json", "export.file_data",
                     "lawtasks.exporters.jsonfile:render_json", text=True),
        ExportFormat("xlsx", "tui.export.format_xlsx", "export.file_ledger",
                     "lawtasks.exporters.xlsx:render_xlsx", text=False),
        ExportFormat("docx", "tui.export.format_docx", "export.file_report",
                     "lawtasks.exporters.docx_report:render_docx", text=False),
    )
}  # fmt: skip
FORMATS = tuple(REGISTRY)
TEXT_FORMATS = tuple(name for name, entry in REGISTRY.items() if entry.text)


@dataclass(frozen=True)
class ExportRequest:
    """What to export.

    `view` is already filtered by the caller (by task, status…), with the plan-wide roll-ups
    kept. `changes` are the audit events since `since`, oldest first; with None there is no
    changes section at all, with an empty tuple the section says there were none. `period`
    is what changed from `since` to the as-of date in words (本期变化), which a period
    report opens with; None: no such section. `item_filter` is the filter that narrowed
    `view`, which a report states (筛选：…); None or empty: the whole plan. `progress` is
    the plan's progress day by day, (day, 实际进度, 序时进度) rebuilt from the trail
    (lawtasks.trend), which the Word report and the xlsx 汇总 draw as a chart; None: no chart.
    """

    view: PlanView
    exported_by: str
    changes: tuple[EventView, ...] | None = None
    since: date | None = None
    period: PeriodSummary | None = None
    item_filter: ItemFilter | None = None
    progress: tuple[tuple[date, float, float], ...] | None = None


def _unknown_format(fmt: str, valid: tuple[str, ...] = FORMATS) -> Exception:
    from lawtasks.errors import DomainError

    return DomainError("export.unknown_format", value=fmt, valid=", ".join(valid))


def format_of(fmt: str) -> ExportFormat:
    """The registry's entry for `fmt`; an unknown one is an error naming the valid ones."""
    entry = REGISTRY.get(fmt)
    if entry is None:
        raise _unknown_format(fmt)
    return entry


def attention_items(view: PlanView) -> tuple[list[ItemView], list[ItemView]]:
    """The items needing attention: (red or blocked, yellow), each in plan order."""
    from lawtasks.exporters.content import attention_items as select

    return select(view)


def render_text(fmt: str, request: ExportRequest) -> str:
    """md, csv or json as a string; the csv without the BOM that `export` adds to a file."""
    entry = format_of(fmt)
    if not entry.text:
        raise _unknown_format(fmt, TEXT_FORMATS)
    rendered = entry.render(request)
    assert isinstance(rendered, str)
    return rendered


def render_bytes(fmt: str, request: ExportRequest) -> bytes:
    """The file's content in any format, as `export` writes it."""
    rendered = format_of(fmt).render(request)
    return rendered.encode(format_of(fmt).encoding) if isinstance(rendered, str) else rendered


def export(fmt: str, request: ExportRequest, path: Path, *, keep: Sequence[Path] = ()) -> Path:
    """Write `request` as `fmt` to `path`, atomically; returns the path written.

    The content is rendered in full before the file is touched, so an error in rendering
    (say, a note too long for an Excel cell) leaves nothing behind either. `keep` names the
    files that must not be overwritten (the ledger; see `files.write_atomically`).
    """
    from lawtasks.errors import DomainError
    from lawtasks.exporters.files import write_atomically

    format_of(fmt)
    if not path.parent.is_dir():
        raise DomainError("export.missing_dir", path=str(path.parent))
    return write_atomically(path, render_bytes(fmt, request), keep=keep)


def default_filename(fmt: str, view: PlanView) -> str:
    """`tonglu-2022-台账-2022-06-30.xlsx`: the plan, what the file is, and its as-of date."""
    return filename_for(fmt, view.slug, view.today)


def filename_for(fmt: str, slug: str, as_of: date) -> str:
    """The default name of a `fmt` export of plan `slug` as of `as_of` (default_filename)."""
    from lawtasks.i18n import t

    return f"{slug}-{t(format_of(fmt).kind)}-{as_of.isoformat()}.{fmt}"
