"""The 台账 as an Excel workbook, for the city's supervision office.

Sheets, in the current language:

- 台账 (Ledger): one row per item under a frozen header row:
  序号 | 工作任务 | 具体事项 | 责任单位 | 完成时限 | 目标 | 状态 | 进度 | 最新进展 | 更新时间,
  then 预警 | 配合单位 | 更新人. 具体事项 is the item's short title on the first line and its
  full text below; 最新进展 is the latest note with its author and time on a last line.
  完成时限 is a date cell, 进度 a number shown as 30%, 更新时间 a date-time on this machine's
  clock. 状态 offers the status labels as a drop-down list. Red rows are filled light red,
  yellow rows light yellow, green rows are left plain.
- 汇总 (Summary): one row per task (进度, 完成 [done/total], 事项数, 红灯, 黄灯) and a total
  row for the whole plan, with a bar chart of the progress per task.
- 本期变化 (This period): only with a `since` window, what changed in the period, a row
  each: the items newly done, newly red, newly yellow, those whose progress moved (期初,
  期末; biggest move first), and the lead units that reported nothing.
- 变动情况 (Changes): only with a `since` window, one row per audit event.

Every text cell is a string: text that Excel would take for a formula gets a leading quote
(see `content.defuse`), and control characters are shown, not stored. Text is never cut; a
cell over Excel's 32,767-character limit is an error naming the item.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from lawtasks.domain import Status, Warning, report_parts
from lawtasks.errors import DomainError
from lawtasks.exporters.content import (
    change_rows,
    defuse,
    display_width,
    item_text,
    period_sentences,
    report_title,
    task_heading,
)
from lawtasks.exporters.trail import head_line
from lawtasks.i18n import t
from lawtasks.readmodel import ItemView, PlanView
from lawtasks.render import printable

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from lawtasks.exporters import ExportRequest

EXCEL_CELL_LIMIT = 32_767
# Widths in Excel's character units; a CJK character is about two of them.
MIN_WIDTH = 6
MAX_WIDTH = 60
LINE_HEIGHT = 15  # points per line of 11-point text
# 工作任务, 具体事项, 目标 and 最新进展 wrap past these widths, so a 台账 row stays on screen.
LEDGER_CAPS = {2: 24, 3: 44, 6: 24, 9: 40, 12: 20, 14: 30, 15: 30}
FILLS = {"red": "FFC7CE", "yellow": "FFEB9C"}
HEADER_FILL = "D9E1F2"
# 完成时限 is a date, 进度 a whole percent, 更新时间 a date and time.
LEDGER_FORMATS = {5: "yyyy-mm-dd", 8: '0"%"', 10: "yyyy-mm-dd hh:mm"}
# 期初 and 期末 on the 本期变化 sheet: whole percents.
PERIOD_FORMATS = {5: '0"%"', 6: '0"%"'}


def _text(value: str | None, *, ref: str, column: str) -> str:
    """A stored text as a safe cell value: printable, formula-proof, within Excel's limit."""
    text = defuse(printable(value))
    if len(text) > EXCEL_CELL_LIMIT:
        raise DomainError(
            "export.cell_too_long", ref=ref, column=column, length=len(text), limit=EXCEL_CELL_LIMIT
        )
    return text


def _naive_local(moment: datetime) -> datetime:
    # Excel has no time zones: show the officer's wall-clock time.
    return moment.astimezone().replace(tzinfo=None, microsecond=0)


def _ledger_headers() -> list[str]:
    return [
        t("export.col_seq"),
        t("label.task"),
        t("label.item"),
        t("label.lead_unit"),
        t("label.due"),
        t("label.target"),
        t("label.status"),
        t("label.progress"),
        t("label.latest_note"),
        t("label.updated"),
        t("label.warning"),
        t("label.assisting_units"),
        t("label.updated_by"),
        # From the latest structured progress note (a unit's return): what blocks the item
        # and what comes next, as the supervision office asks for them.
        t("label.problems"),
        t("label.next_steps"),
    ]


def _ledger_row(item: ItemView, task_title: str, headers: list[str], labels: _Labels) -> list[Any]:
    def text(value: str | None, column: int) -> str:
        return _text(value, ref=item.id, column=headers[column])

    note = item.latest_note
    parts = report_parts(note.text if note else None)
    note_text = f"{note.text}\n— {note.author} {_local(note.created_at)}" if note else None
    return [
        item.id,
        text(task_title, 1),
        text(item_text(item), 2),
        text(item.lead_unit, 3),
        datetime.combine(item.due, time.min) if item.due else None,
        text(item.target, 5),
        labels.status[item.status],
        item.progress,
        text(note_text, 8),
        _naive_local(item.updated_at) if item.updated_at else None,
        labels.warning[item.warning],
        text(item.assisting_units, 11),
        text(item.updated_by, 12),
        text(parts.get("problems"), 13),
        text(parts.get("next_steps"), 14),
    ]


class _Labels:
    """The status and warning labels, looked up once: each lookup reads the language anew."""

    def __init__(self) -> None:
        self.status = {status: status.label for status in Status}
        self.warning = {warning: warning.label for warning in Warning}


class _TextWidths:
    """The display width of each line of a text, measured once per distinct text.

    Fitting the columns and then the rows reads every text twice, and the 台账 repeats its
    task titles, units and labels on every row.
    """

    def __init__(self) -> None:
        self._lines: dict[str, list[int]] = {}

    def lines(self, text: str) -> list[int]:
        widths = self._lines.get(text)
        if widths is None:
            widths = self._lines[text] = [display_width(line) for line in text.split("\n")]
        return widths

    def wrapped(self, text: str, room: float) -> int:
        """How many lines `text` takes in a column `room` characters wide."""
        return sum(max(1, math.ceil(width / room)) for width in self.lines(text))


def _local(moment: datetime) -> str:
    return _naive_local(moment).strftime("%Y-%m-%d %H:%M")


def _fit_columns(
    ws: Worksheet, widths: dict[int, int], caps: dict[int, int] | None = None
) -> dict[int, float]:
    """Widen each column to its longest line, up to a cap past which its text wraps."""
    from openpyxl.utils import get_column_letter

    fitted: dict[int, float] = {}
    for column, width in widths.items():
        cap = (caps or {}).get(column, MAX_WIDTH)
        fitted[column] = max(MIN_WIDTH, min(cap, width + 2))
        ws.column_dimensions[get_column_letter(column)].width = fitted[column]
    return fitted


def _fit_rows(
    ws: Worksheet, rows: dict[int, list[Any]], fitted: dict[int, float], sizes: _TextWidths
) -> None:
    """Give each row the height its wrapped text needs.

    Neither Excel nor LibreOffice reliably grows a row on opening a file, so a row with a
    long note would show its first line only; the line count is estimated from the widths.
    """
    width = max((len(values) for values in rows.values()), default=0)
    usable = [max(1.0, fitted.get(column, MIN_WIDTH) - 1.5) for column in range(1, width + 1)]
    for row_number, values in rows.items():
        lines = 1
        for room, value in zip(usable, values, strict=False):
            if isinstance(value, str) and value:
                lines = max(lines, sizes.wrapped(value, room))
        ws.row_dimensions[row_number].height = LINE_HEIGHT * lines + 3


def _measure(widths: dict[int, int], column: int, value: object, sizes: _TextWidths) -> None:
    if isinstance(value, datetime):
        shown = 16 if value.time() != time.min else 10
    elif value is None:
        shown = 0
    else:
        shown = max(sizes.lines(str(value)))
    widths[column] = max(widths.get(column, 0), shown)


def _header(ws: Worksheet, headers: list[str], widths: dict[int, int], sizes: _TextWidths) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    for column, name in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=column, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(bottom=thin)
        _measure(widths, column, name, sizes)
    ws.freeze_panes = "A2"
    # Printed on several pages, every page repeats the header.
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _ledger_sheet(ws: Worksheet, view: PlanView) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    headers = _ledger_headers()
    widths: dict[int, int] = {}
    sizes = _TextWidths()
    _header(ws, headers, widths, sizes)
    labels = _Labels()
    row_number = 1
    rows: dict[int, list[Any]] = {}
    fills: dict[int, str | None] = {}
    for task in view.tasks:
        title = task_heading(task)
        for item in task.items:
            row_number += 1
            rows[row_number] = _ledger_row(item, title, headers, labels)
            fills[row_number] = FILLS.get(item.warning.value)
    _write_cells(ws, rows, fills, LEDGER_FORMATS)
    # Many rows share a value (a task's title, a unit, a label): measure each one once.
    for column, values in enumerate(zip(*rows.values(), strict=True), start=1):
        for value in set(values):
            _measure(widths, column, value, sizes)
    _fit_rows(ws, rows, _fit_columns(ws, widths, LEDGER_CAPS), sizes)
    last = max(row_number, 2)
    # An explicit list (not a range) keeps the 台账 one sheet; Excel refuses such a list
    # formula over 255 characters with a repair prompt, and four labels are far below that.
    formula = '"' + ",".join(status.label for status in Status) + '"'
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=t("label.status"),
        error=t("export.status_hint"),
    )
    validation.add(f"G2:G{last}")
    ws.add_data_validation(validation)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{row_number}"


def _write_cells(
    ws: Worksheet,
    rows: dict[int, list[Any]],
    fills: dict[int, str | None],
    formats: dict[int, str],
) -> None:
    """Write a sheet's cells: text wraps, every cell sits at the top, warned rows are filled,
    each column in `formats` has its number format.

    A 台账 has a few dozen distinct cell styles over some 150,000 cells, and each Font, Fill
    or Alignment assigned to a cell is looked up in the workbook's style lists anew. So the
    first cell of each kind (text or not, fill, number format) is styled attribute by
    attribute, and the others are built with a copy of its style ids.
    """
    from copy import copy

    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.styles.cell_style import StyleArray

    wrap = Alignment(vertical="top", wrap_text=True)
    top = Alignment(vertical="top")
    styles: dict[tuple[bool, str | None, str | None], StyleArray] = {}
    for row_number, values in rows.items():
        fill = fills[row_number]
        for column, value in enumerate(values, start=1):
            is_text = isinstance(value, str)
            kind = (is_text, fill, formats.get(column))
            style = styles.get(kind)
            if style is None:
                cell = ws.cell(row=row_number, column=column, value=value)
                cell.alignment = wrap if is_text else top
                if fill:
                    cell.fill = PatternFill("solid", fgColor=fill)
                if kind[2]:
                    cell.number_format = kind[2]
                styles[kind] = copy(cell._style)
            else:
                # With the number format already set, openpyxl keeps it for a date value.
                cell = Cell(ws, row=row_number, column=column, value=value, style_array=style)
                # What ws.cell() does, without looking the cell up first: it is new.
                ws._cells[(row_number, column)] = cell
            if is_text:
                # openpyxl would store a string starting with "=" as a formula; defuse()
                # has ruled that out, and this says so to any reader of the file.
                cell.data_type = "s"


def _summary_sheet(ws: Worksheet, view: PlanView) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font

    headers = [
        t("label.task"),
        t("label.progress"),
        t("label.done_total"),
        t("label.items"),
        t("warning.red"),
        t("warning.yellow"),
    ]
    widths: dict[int, int] = {}
    sizes = _TextWidths()
    _header(ws, headers, widths, sizes)
    row_number = 1
    for task in view.tasks:
        row_number += 1
        values: list[Any] = [
            _text(task_heading(task), ref=str(task.id), column=headers[0]),
            task.progress,
            task.done,
            task.total,
            task.red,
            task.yellow,
        ]
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row_number, column=column, value=value)
            cell.alignment = Alignment(vertical="top", wrap_text=column == 1)
            _measure(widths, column, value, sizes)
        ws.cell(row=row_number, column=2).number_format = '0.0"%"'
    # The total is the whole plan's, even when the view shows only some tasks.
    total_row = row_number + 1
    totals: list[Any] = [
        t("export.total"),
        view.progress,
        view.status_counts.get("done", 0),
        sum(view.status_counts.values()),
        view.warning_counts.get("red", 0),
        view.warning_counts.get("yellow", 0),
    ]
    for column, value in enumerate(totals, start=1):
        cell = ws.cell(row=total_row, column=column, value=value)
        cell.font = Font(bold=True)
        _measure(widths, column, value, sizes)
    ws.cell(row=total_row, column=2).number_format = '0.0"%"'
    if view.trail is not None:
        # Beside the table, past a blank column, where it adds no row to the table's own;
        # not measured, so the long line does not widen a column.
        ws.cell(row=1, column=len(headers) + 2, value=head_line(view.trail))
    _fit_columns(ws, widths)

    if view.tasks:
        chart = BarChart()
        chart.type = "bar"  # horizontal bars: long CJK task titles read better on the y axis
        chart.style = 10
        chart.title = t("export.chart_title")
        chart.y_axis.title = t("export.chart_axis")
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 100
        chart.y_axis.majorUnit = 20
        chart.y_axis.number_format = '0"%"'
        chart.gapWidth = 60
        # Newer openpyxl hides axes by default; Excel then draws no labels at all.
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.x_axis.scaling.orientation = "maxMin"  # task (一) at the top, as in the table
        chart.legend = None
        data = Reference(ws, min_col=2, min_row=1, max_row=row_number)
        categories = Reference(ws, min_col=1, min_row=2, max_row=row_number)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(categories)
        chart.height = max(7.5, 1.2 * len(view.tasks) + 3)
        chart.width = 24
        ws.add_chart(chart, f"A{total_row + 3}")


def _period_sheet(ws: Worksheet, request: ExportRequest) -> None:
    summary = request.period
    assert summary is not None
    headers = [
        t("export.col_kind"),
        t("label.id"),
        t("label.item"),
        t("label.lead_unit"),
        t("export.col_before"),
        t("export.col_after"),
    ]
    widths: dict[int, int] = {}
    sizes = _TextWidths()
    _header(ws, headers, widths, sizes)
    rows: list[list[Any]] = []
    for key, items in (
        ("export.kind_done", summary.newly_done),
        ("export.kind_red", summary.newly_red),
        ("export.kind_yellow", summary.newly_yellow),
    ):
        rows += [[t(key), item.id, item.title, item.lead_unit, None, None] for item in items]
    rows += [
        [t("export.kind_progress"), move.item.id, move.item.title, move.item.lead_unit,
         move.before, move.after]
        for move in summary.progress
    ]  # fmt: skip
    rows += [
        [t("export.kind_silent"), None, None, unit, None, None] for unit in summary.silent_units
    ]
    cells: dict[int, list[Any]] = {}
    for row_number, values in enumerate(rows, start=2):
        ref = str(values[1] or "-")
        cells[row_number] = [
            _text(value, ref=ref, column=headers[column]) if isinstance(value, str) else value
            for column, value in enumerate(values)
        ]
    _write_cells(ws, cells, dict.fromkeys(cells), PERIOD_FORMATS)
    for column, shown in enumerate(zip(*cells.values(), strict=True), start=1):
        for value in set(shown):
            _measure(widths, column, value, sizes)
    # The span of the period beside the table, as the trail's head on 汇总.
    ws.cell(row=1, column=len(headers) + 2, value=period_sentences(summary)[0])
    _fit_rows(ws, cells, _fit_columns(ws, widths, {3: 44}), sizes)


def _changes_sheet(ws: Worksheet, request: ExportRequest) -> None:
    headers = [
        t("label.time"),
        t("label.actor"),
        t("label.id"),
        t("label.action"),
        t("label.change"),
    ]
    widths: dict[int, int] = {}
    sizes = _TextWidths()
    _header(ws, headers, widths, sizes)
    rows: dict[int, list[Any]] = {}
    for row_number, row in enumerate(change_rows(request.changes or ()), start=2):
        values = [row.at, row.actor, row.ref, row.action, row.change]
        rows[row_number] = [
            _text(value, ref=row.ref or "-", column=headers[column])
            for column, value in enumerate(values)
        ]
    # A period of 10,000 changes is 50,000 cells: styled as the 台账's are, once per kind.
    _write_cells(ws, rows, dict.fromkeys(rows), {})
    for column, texts in enumerate(zip(*rows.values(), strict=True), start=1):
        for text in set(texts):
            _measure(widths, column, text, sizes)
    _fit_rows(ws, rows, _fit_columns(ws, widths, {5: 80}), sizes)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a workbook is built and saved.

    A 10,000-item 台账 is some 150,000 openpyxl cells, and the collector would scan them
    over and over as they pile up (a fifth of the export's time), though none is garbage
    before the workbook is saved. Reference counting still frees everything else.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def render_xlsx(request: ExportRequest) -> bytes:
    with _collector_paused():
        return _workbook_bytes(request)


def _workbook_bytes(request: ExportRequest) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    from lawtasks.exporters.files import stable_zip

    view = request.view
    workbook = Workbook()
    ledger = workbook.active
    assert ledger is not None
    ledger.title = t("export.sheet_ledger")
    _ledger_sheet(ledger, view)
    _summary_sheet(workbook.create_sheet(t("export.sheet_summary")), view)
    if request.period is not None:
        _period_sheet(workbook.create_sheet(t("export.sheet_period")), request)
    if request.changes is not None:
        _changes_sheet(workbook.create_sheet(t("export.sheet_changes")), request)

    stamp = datetime.combine(view.today, time.min)
    props = workbook.properties
    props.title = printable(report_title(view))
    props.subject = view.slug
    props.creator = printable(request.exported_by)
    props.lastModifiedBy = printable(request.exported_by)
    props.created = stamp
    props.modified = stamp
    if view.trail is not None:
        props.description = head_line(view.trail)

    import zipfile

    buffer = io.BytesIO()
    # openpyxl's save_workbook() stamps `modified` with the current time; writing through
    # ExcelWriter keeps the as-of date, so repeat exports are the same file.
    # Stored, not deflated: stable_zip() compresses every member as it restamps it.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    return stable_zip(buffer.getvalue(), view.today)
