"""The 台账 as an Excel workbook, for the city's supervision office.

Sheets, in the current language:

- 台账 (Ledger): a title block (the plan's name; the as-of date, the exporter and
  the filters applied), then one row per item under a frozen header row:
  序号 | 工作任务 | 具体事项 | 责任单位 | 完成时限 | 目标 | 状态 | 进度 | 最新进展 | 更新时间,
  then 预警 | 配合单位 | 更新人 | 存在问题 | 下一步措施 | 下一节点 | 佐证材料 (the evidence
  files by name, a long list counted). 具体事项 is the item's short title on the first
  line and its full text below; 状态 says 已完成（待销号） or 已销号 for a done item of a
  plan that asks for 销号, as every report does; 下一节点 is the item's next milestone
  (2022-09-30 60%, or its text); 最新进展 is the latest note with its author and time on a
  last line, less the 存在问题 and 下一步措施 a unit's return put in their own
  columns. 完成时限 is a date cell, 进度 a number shown as 30%, 更新时间 a date-time on this
  machine's clock. 状态 offers the status labels as a drop-down list. Rows are coloured by
  conditional formatting on 状态, 进度 and 预警 (red: 红灯 or 受阻; yellow: 黄灯; done or at
  100 %: plain), so the colours follow the cells when someone edits them.
  Every table cell has a thin border, every cell one typeface. Printed: A3 landscape, one
  page wide, the header row repeated on every page, 第 N 页，共 M 页 in the footer.
- 汇总 (Summary): the same title block; one row per task (进度, 完成, 事项数, by warning
  and by status) and a 合计 row, then the same per lead unit, and a bar chart of the
  progress per task; with the plan's progress day by day (ExportRequest.progress), under it
  the Word report's picture of it against the 序时 line, with a line saying what it shows.
- 本期变化 (This period): only with a `since` window, what changed in the period, a row
  each: the items newly done, newly red, newly yellow, those whose progress moved (期初,
  期末; biggest move first), and the lead units that reported nothing.
- 变动情况 (Changes): only with a `since` window, one row per audit event.

A filtered report counts what it shows: its 汇总 and 合计 are of the items listed, and its
title block says which filters narrowed it (`content.filter_statement`).

Every text cell is a string cell exactly as typed: text that Excel would take for a formula
(=, +, -, @) is stored as text with Excel's quote-prefix style, so that it shows as typed
and stays text when edited; control characters are shown, not stored. A text over Excel's
32,767-character cell limit is cut with a visible marker saying how long the whole is; the
full text stays in the ledger and in every other format.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from lawtasks.domain import REPORT_PARTS, Status, Warning, report_parts
from lawtasks.exporters.content import (
    FORMULA_TRIGGERS,
    SIGNOFF_STATES,
    Figures,
    change_rows,
    display_width,
    evidence_text,
    figures,
    filter_statement,
    item_text,
    long_date,
    period_sentences,
    report_title,
    signoff_labels,
    task_heading,
)
from lawtasks.exporters.trail import head_line
from lawtasks.i18n import t
from lawtasks.readmodel import ItemView
from lawtasks.render import printable

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from lawtasks.exporters import ExportRequest

EXCEL_CELL_LIMIT = 32_767
# Widths in Excel's character units; a CJK character is about two of them.
MIN_WIDTH = 6
MAX_WIDTH = 60
# One typeface for every cell, the 合计 row and the title included: 宋体 is on every
# Chinese Windows, and LibreOffice puts its own CJK serif in its place elsewhere.
FONT_NAME = "宋体"
FONT_SIZE = 11
TITLE_SIZE = 16
LINE_HEIGHT = 15  # points per line of 11-point text
ROW_CM = LINE_HEIGHT / 72 * 2.54  # a row of one line, in centimetres
# A picture's pixels as Excel shows them at 100 %.
SHOWN_DPI = 96
# The title and the as-of line sit above the header of the 台账 and of 汇总.
HEADER_ROW = 3
# 工作任务, 具体事项, 目标, 最新进展 and the rest wrap past these widths: the 17 columns add
# up to about 275 characters, which A3 landscape prints one page wide at about 10 pt.
LEDGER_CAPS = {2: 16, 3: 36, 4: 14, 6: 18, 9: 32, 12: 14, 13: 10, 14: 22, 15: 22, 16: 16, 17: 24}
# 佐证材料 names this many files, then counts them all.
EVIDENCE_NAMED = 5
FILLS = {"red": "FFC7CE", "yellow": "FFEB9C"}
HEADER_FILL = "D9E1F2"
BORDER_COLOUR = "808080"
# 完成时限 is a date, 进度 a whole percent, 更新时间 a date and time.
LEDGER_FORMATS = {5: "yyyy-mm-dd", 8: '0"%"', 10: "yyyy-mm-dd hh:mm"}
# 期初 and 期末 on the 本期变化 sheet: whole percents.
PERIOD_FORMATS = {5: '0"%"', 6: '0"%"'}


def _text(value: str | None, *, ref: str, column: str) -> str:
    """A stored text as a cell value: printable, within Excel's limit.

    Excel refuses a cell over 32,767 characters (LibreOffice cuts it silently): such a text
    is cut, with a marker saying how long the whole is, at the end where it is seen. `ref`
    and `column` say where it came from, for a reader of this code; the ledger keeps it
    whole, and so does every other format.
    """
    return _cut(printable(value), EXCEL_CELL_LIMIT)


def _cut(text: str, limit: int) -> str:
    """`text`, or as much of it as leaves room for the marker saying it was cut."""
    if len(text) <= limit:
        return text
    marker = t("export.cell_cut", length=len(text))
    return text[: limit - len(marker)] + marker


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
        # The item's next milestone (每季度的形象进度): 2022-09-30 60%, or its text.
        t("label.next_milestone"),
        # Its evidence (佐证材料) by name; a long list names the first and counts them all.
        t("label.evidence"),
    ]


def _ledger_row(item: ItemView, task_title: str, headers: list[str], labels: _Labels) -> list[Any]:
    def text(value: str | None, column: int) -> str:
        return _text(value, ref=item.id, column=headers[column])

    note = item.latest_note
    parts = report_parts(note.text if note else None)
    note_text = None
    if note is not None:
        # The byline stays whole: a note too long for a cell is cut before it.
        byline = f"\n— {printable(note.author)} {_local(note.created_at)}"
        body = printable(_progress_only(note.text, parts))
        note_text = _cut(body, EXCEL_CELL_LIMIT - len(byline)) + byline
    return [
        item.id,
        text(task_title, 1),
        text(item_text(item), 2),
        text(item.lead_unit, 3),
        datetime.combine(item.due, time.min) if item.due else None,
        text(item.target, 5),
        labels.status_of(item),
        item.progress,
        text(note_text, 8),
        _naive_local(item.updated_at) if item.updated_at else None,
        labels.warning[item.warning],
        text(item.assisting_units, 11),
        text(item.updated_by, 12),
        text(parts.get("problems"), 13),
        text(parts.get("next_steps"), 14),
        text(item.next_milestone.label if item.next_milestone else None, 15),
        text(evidence_text(item, sizes=False, limit=EVIDENCE_NAMED) or None, 16),
    ]


def _progress_only(text: str, parts: dict[str, str]) -> str:
    """A note for 最新进展: a unit's structured report without its 存在问题 and 下一步措施,
    which have columns of their own, and its 进展情况 without the label; any other note
    whole."""
    if not parts:
        return text
    labels = {t(f"label.{name}", lang=lang): name for name in REPORT_PARTS for lang in ("zh", "en")}
    kept = []
    for line in text.splitlines():
        label, sep, rest = line.partition(":")
        name = labels.get(label.strip()) if sep else None
        if name in ("problems", "next_steps"):
            continue
        kept.append(rest.strip() if name else line)
    return "\n".join(kept) or "—"


class _Labels:
    """The status and warning labels, looked up once: each lookup reads the language anew."""

    def __init__(self) -> None:
        self.status = {status: status.label for status in Status}
        self.warning = {warning: warning.label for warning in Warning}

    def status_of(self, item: ItemView) -> str:
        """状态 as the reports show it: a done item of a plan that asks for 销号 says
        已完成（待销号） or 已销号 (`ItemView.status_label`, the one rule every format uses)."""
        return self.status[item.status] if item.signoff is None else item.status_label


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
    # A CJK character prints a little wider than two of Excel's units: leave some room.
    usable = [
        max(1.0, (fitted.get(column, MIN_WIDTH) - 1.5) * 0.92) for column in range(1, width + 1)
    ]
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


def _font(*, bold: bool = False, size: int = FONT_SIZE) -> Any:
    from openpyxl.styles import Font

    return Font(name=FONT_NAME, size=size, bold=bold)


def _border() -> Any:
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color=BORDER_COLOUR)
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def _header(
    ws: Worksheet,
    headers: list[str],
    widths: dict[int, int],
    sizes: _TextWidths,
    *,
    row: int = 1,
    paper: str = "A4",
) -> None:
    """The header row (at `row`), frozen, and the sheet's print set-up: one page wide,
    landscape, the header repeated on every page, the page number in the footer."""
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.worksheet.properties import PageSetupProperties

    for column, name in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=column, value=name)
        cell.font = _font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _border()
        _measure(widths, column, name, sizes)
    ws.freeze_panes = f"A{row + 1}"
    # Printed on several pages, every page repeats the header.
    ws.print_title_rows = f"{row}:{row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if paper == "A3" else ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    footer = ws.oddFooter
    assert footer is not None
    footer.center.text = t("export.page_footer")
    footer.center.font = FONT_NAME
    footer.center.size = 10


def _title_block(ws: Worksheet, request: ExportRequest, columns: int) -> None:
    """Rows 1 and 2: the plan's name, then the as-of date, the exporter and the filters,
    each across the table's width, as a printed 台账 opens. The name alone, as the plan
    calls itself: `lawtasks import` reads it back as the plan's title."""
    from openpyxl.styles import Alignment

    view = request.view
    parts = [
        t("export.as_of", date=long_date(view.today)),
        t("export.exported_by", actor=request.exported_by),
    ]
    statement = filter_statement(request)
    if statement is not None:
        parts.append(statement)
    lines = (
        (printable(view.name), _font(bold=True, size=TITLE_SIZE), "center", 28),
        ("\u3000\u3000".join(printable(part) for part in parts), _font(), "left", 20),
    )
    for row, (value, font, horizontal, height) in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=value)
        cell.data_type = "s"
        cell.font = font
        cell.alignment = Alignment(horizontal=horizontal, vertical="center")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        ws.row_dimensions[row].height = height


def _ledger_sheet(ws: Worksheet, request: ExportRequest) -> None:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    view = request.view
    headers = _ledger_headers()
    widths: dict[int, int] = {}
    sizes = _TextWidths()
    _title_block(ws, request, len(headers))
    _header(ws, headers, widths, sizes, row=HEADER_ROW, paper="A3")
    labels = _Labels()
    row_number = HEADER_ROW
    rows: dict[int, list[Any]] = {}
    for task in view.tasks:
        title = task_heading(task)
        for item in task.items:
            row_number += 1
            rows[row_number] = _ledger_row(item, title, headers, labels)
    _write_cells(ws, rows, LEDGER_FORMATS)
    # Many rows share a value (a task's title, a unit, a label): measure each one once.
    for column, values in enumerate(zip(*rows.values(), strict=True), start=1):
        for value in set(values):
            _measure(widths, column, value, sizes)
    _fit_rows(ws, rows, _fit_columns(ws, widths, LEDGER_CAPS), sizes)
    first = HEADER_ROW + 1
    last = max(row_number, first)
    last_column = get_column_letter(len(headers))
    # The colours are rules on the cells, not fills: an officer who types 已完成 or 100 in
    # a red row, or changes its 预警, sees the row change colour. Done rows stay plain.
    done, blocked = labels.status[Status.DONE], labels.status[Status.BLOCKED]
    red, yellow = labels.warning[Warning.RED], labels.warning[Warning.YELLOW]
    open_ = f'$G{first}<>"{done}",OR($H{first}="",$H{first}<100)'
    rules = (
        (f'AND({open_},OR($K{first}="{red}",$G{first}="{blocked}"))', FILLS["red"]),
        (f'AND({open_},$K{first}="{yellow}")', FILLS["yellow"]),
    )
    for formula, colour in rules:
        rule = FormulaRule(  # type: ignore[no-untyped-call]
            formula=[formula], fill=PatternFill("solid", fgColor=colour, bgColor=colour)
        )
        ws.conditional_formatting.add(f"A{first}:{last_column}{last}", rule)
    # An explicit list (not a range) keeps the 台账 one sheet; Excel refuses such a list
    # formula over 255 characters with a repair prompt, and six labels are far below that.
    # A plan that asks for 销号 shows its two words in 状态 too: the list offers them.
    choices = [status.label for status in Status]
    if view.signoff:
        choices += signoff_labels()
    formula = '"' + ",".join(choices) + '"'
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=t("label.status"),
        error=t("export.status_hint"),
    )
    validation.add(f"G{first}:G{last}")
    ws.add_data_validation(validation)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{row_number}"


def _write_cells(ws: Worksheet, rows: dict[int, list[Any]], formats: dict[int, str]) -> None:
    """Write a sheet's cells: one typeface, a thin border each, text wrapped, every cell at
    the top, each column in `formats` with its number format.

    A 台账 has a few dozen distinct cell styles over some 150,000 cells, and each Font,
    Border or Alignment assigned to a cell is looked up in the workbook's style lists anew.
    So the first cell of each kind (text or not, quoted, number format) is styled attribute
    by attribute, and the others are built with a copy of its style ids.
    """
    from copy import copy

    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment
    from openpyxl.styles.cell_style import StyleArray

    wrap = Alignment(vertical="top", wrap_text=True)
    top = Alignment(vertical="top")
    font, border = _font(), _border()
    styles: dict[tuple[bool, bool, str | None], StyleArray] = {}
    for row_number, values in rows.items():
        for column, value in enumerate(values, start=1):
            is_text = isinstance(value, str)
            # Text Excel would take for a formula: a string cell, with the quote prefix
            # that keeps it text when an officer edits it, shown exactly as typed.
            quoted = is_text and value.startswith(FORMULA_TRIGGERS)
            kind = (is_text, quoted, formats.get(column))
            style = styles.get(kind)
            if style is None:
                cell = ws.cell(row=row_number, column=column, value=value)
                cell.font = font
                cell.border = border
                cell.alignment = wrap if is_text else top
                if kind[2]:
                    cell.number_format = kind[2]
                if quoted:
                    cell.quotePrefix = True
                styles[kind] = copy(cell._style)
            else:
                # With the number format already set, openpyxl keeps it for a date value.
                cell = Cell(ws, row=row_number, column=column, value=value, style_array=style)
                # What ws.cell() does, without looking the cell up first: it is new.
                ws._cells[(row_number, column)] = cell
            if is_text:
                # openpyxl would store a string starting with "=" as a formula.
                cell.data_type = "s"


def _figure_row(name: str, shown: Figures, *, signoff: bool) -> list[Any]:
    """工作任务 or 责任单位, 进度, 完成, 事项数, then the counts by warning and by status, and
    of the done items by 销号 where the plan asks for it."""
    row = [
        name,
        shown.progress,
        shown.done,
        shown.total,
        *(shown.warning_counts[warning] for warning in Warning),
        *(shown.status_counts[status] for status in Status),
    ]
    if signoff:
        row += [shown.signoff_counts[state] for state in SIGNOFF_STATES]
    return row


def _unit_figures(request: ExportRequest) -> list[tuple[str, Figures]]:
    """Each lead unit's figures, by unit name; the items with none last, so named."""
    grouped: dict[str, list[ItemView]] = {}
    for item in request.view.items:
        grouped.setdefault((item.lead_unit or "").strip(), []).append(item)
    named = sorted((unit, figures(items)) for unit, items in grouped.items() if unit)
    if "" in grouped:
        named.append((t("export.no_lead_unit"), figures(grouped[""])))
    return named


def _summary_sheet(ws: Worksheet, request: ExportRequest) -> None:
    from openpyxl.styles import Alignment

    view = request.view
    counts = [warning.label for warning in Warning] + [status.label for status in Status]
    if view.signoff:
        counts += signoff_labels()
    headers = [t("label.task"), t("label.progress"), t("label.done_total"), t("label.items")]
    headers += counts
    widths: dict[int, int] = {}
    sizes = _TextWidths()
    _title_block(ws, request, len(headers))
    _header(ws, headers, widths, sizes, row=HEADER_ROW)
    font, bold, border = _font(), _font(bold=True), _border()

    def write(row: int, values: list[Any], *, total: bool = False) -> None:
        for column, value in enumerate(values, start=1):
            shown = value
            if column == 1 and isinstance(value, str):
                shown = _text(value, ref=str(row), column=headers[0])
            cell = ws.cell(row=row, column=column, value=shown)
            cell.font = bold if total else font
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=column == 1)
            _measure(widths, column, shown, sizes)
        ws.cell(row=row, column=2).number_format = '0.0"%"'

    row_number = HEADER_ROW
    for task in view.tasks:
        row_number += 1
        shown = figures(task.items)
        write(row_number, _figure_row(task_heading(task), shown, signoff=view.signoff))
    last_task = row_number
    # The total is of the items the report shows: the whole plan, or what its filters keep.
    row_number += 1
    total = _figure_row(t("export.total"), figures(view.items), signoff=view.signoff)
    write(row_number, total, total=True)

    # The same figures per lead unit, under a header of their own, past a blank row.
    row_number += 2
    _subheader(ws, row_number, [t("label.lead_unit"), *headers[1:]], widths, sizes)
    for unit, shown in _unit_figures(request):
        row_number += 1
        write(row_number, _figure_row(unit, shown, signoff=view.signoff))
    if view.trail is not None:
        # Beside the table, past a blank column, where it adds no row to the table's own;
        # not measured, so the long line does not widen a column.
        ws.cell(row=HEADER_ROW, column=len(headers) + 2, value=head_line(view.trail))
    _fit_columns(ws, widths, {1: 40})
    below = row_number + 3
    if view.tasks:
        _progress_chart(ws, last_task, f"A{below}")
        below += math.ceil(_bar_chart_height(last_task) / ROW_CM) + 2
    if request.progress:
        _progress_picture(ws, request.progress, below)


def _subheader(
    ws: Worksheet, row: int, names: list[str], widths: dict[int, int], sizes: _TextWidths
) -> None:
    """A second table's header on a sheet, styled as the first."""
    from openpyxl.styles import Alignment, PatternFill

    for column, name in enumerate(names, start=1):
        cell = ws.cell(row=row, column=column, value=name)
        cell.font = _font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _border()
        _measure(widths, column, name, sizes)


def _progress_chart(ws: Worksheet, last_task: int, anchor: str) -> None:
    """Horizontal bars of each task's progress, from the 汇总 table's 进度 column."""
    from openpyxl.chart import BarChart, Reference

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
    data = Reference(ws, min_col=2, min_row=HEADER_ROW, max_row=last_task)
    categories = Reference(ws, min_col=1, min_row=HEADER_ROW + 1, max_row=last_task)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    chart.height = _bar_chart_height(last_task)
    chart.width = 24
    ws.add_chart(chart, anchor)


def _bar_chart_height(last_task: int) -> float:
    """The task bar chart's height in centimetres: room for each task's bar."""
    return max(7.5, 1.2 * (last_task - HEADER_ROW) + 3)


def _progress_picture(ws: Worksheet, series: Sequence[tuple[date, float, float]], row: int) -> None:
    """The plan's progress over time (the Word report's picture) at `row`, under a line
    saying what its lines are: the picture itself holds numbers and dates only."""
    import io

    from openpyxl.drawing.image import Image

    from lawtasks.exporters.chart import HEIGHT, WIDTH, caption, progress_png

    ws.cell(row=row, column=1, value=caption(series)).font = _font()
    picture = Image(io.BytesIO(progress_png(series)))
    # Drawn at 200 dpi and shown at Excel's 96, about 15 × 7 cm: sharp when zoomed.
    picture.width, picture.height = round(WIDTH * SHOWN_DPI), round(HEIGHT * SHOWN_DPI)
    ws.add_image(picture, f"A{row + 1}")


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
    _write_cells(ws, cells, PERIOD_FORMATS)
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
    _write_cells(ws, rows, {})
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
    _ledger_sheet(ledger, request)
    _summary_sheet(workbook.create_sheet(t("export.sheet_summary")), request)
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
