"""填报 sheets: one workbook per lead unit, for the unit to fill in, print and send back.

Layout (sheet 填报 / Return), in the current language. A form header first:

    1  {plan} 推进情况填报表                                   (the title)
    2  填报单位：县司法局                    报送截止日期：2022年7月7日
    3  填报人：[    ]      联系电话：[    ]      审核人：[    ]   (open cells)
    4  填报说明 (the yellow cells are the unit's; how to fill 状态 and 进度)

then the table, its header on row 5 (HEADER_ROW), one row per item from row 6:

    A 编号 | B 工作任务 | C 具体事项 | D 完成时限 | E 目标      (locked: from the ledger)
    F 状态 | G 进度 | H 进展情况 | I 存在问题 | J 下一步措施   (open: the unit's report)
    K 下一节点 (locked: the item's next milestone, 2022-09-30 60%; after the open columns,
      since a return is read by position)

状态 is a drop-down of the status labels; 进度 accepts whole numbers from 0 to 100 only.
The sheet is protected (no password: it guards against slips, not people), so only the
open cells can be typed in. Each row starts as tall as its longest text needs in the real
width of its column (a CJK character counts two of Excel's width units), but its height is
not fixed: Excel and LibreOffice grow the row with what a unit types. Printed, the sheet is
A4 landscape, one page wide, the table's header repeated on every page, with page numbers.

A hidden sheet `_lawtasks` stamps the plan, the unit and each item's version, so that
`lawtasks apply` can tell a row whose item changed in the ledger after the sheet was made.
`lawtasks.returns` finds the table's header row by its first cell (编号 / ID) and reads the
columns by position.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Sequence
from datetime import date
from typing import Any

from lawtasks.domain import Status
from lawtasks.exporters.content import FORMULA_TRIGGERS, display_width, long_date
from lawtasks.exporters.trail import head_line
from lawtasks.i18n import t
from lawtasks.readmodel import ItemView, PlanView, TaskView
from lawtasks.render import printable

STAMP_SHEET = "_lawtasks"
HEADERS = (
    "label.id", "label.task", "label.item", "label.due", "label.target",
    "label.status", "label.progress", "label.done_so_far", "label.problems", "label.next_steps",
    "label.next_milestone",
)  # fmt: skip
OPEN_COLUMNS = range(6, 11)  # F..J
# Widths in Excel's units: about 175 in all, one A4 landscape page wide at about 10 pt.
WIDTHS = (7, 14, 32, 11, 14, 9, 7, 26, 20, 20, 14)
HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1
FONT_NAME = "宋体"
LINE_HEIGHT = 14.5  # points per line of 11-point text
HEADER_FILL = "D9E1F2"
OPEN_FILL = "FFF2CC"
_CUSTOM_HEIGHT = re.compile(rb' customHeight="(?:1|true)"')


def rows_needed(text: str, width: float) -> int:
    """How many lines `text` takes, wrapped in a column `width` units wide."""
    # A CJK character prints a little wider than two units: leave some room.
    room = max(1.0, (width - 1.5) * 0.92)
    return sum(max(1, math.ceil(display_width(line) / room)) for line in text.split("\n"))


def render_sheet(
    view: PlanView,
    unit: str,
    rows: Sequence[tuple[TaskView, ItemView]],
    *,
    sheet_id: str | None = None,
    due: date | None = None,
    round_period: str | None = None,
) -> bytes:
    """The workbook for `unit`; `sheet_id` names the record of the sheet sent (see
    `Ledger.issue_sheets`), which `apply` checks the returned stamp against; `due` is the
    day the unit must send it back by, shown in the form's header; `round_period` the
    reporting round the sheet is sent in (2022-07), shown there and stamped."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.properties import PageSetupProperties

    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = t("sheet.title")
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    font, bold = Font(name=FONT_NAME, size=11), Font(name=FONT_NAME, size=11, bold=True)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    open_fill = PatternFill("solid", fgColor=OPEN_FILL)
    unlocked = Protection(locked=False)

    _form_header(ws, view, unit, due, round_period, font=font, border=border, open_fill=open_fill)

    for column, key in enumerate(HEADERS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=column, value=t(key))
        cell.font = bold
        cell.border = border
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    top = Alignment(vertical="top", wrap_text=True)
    for row, (task, item) in enumerate(rows, start=FIRST_ROW):
        values: list[Any] = [
            item.id,
            printable(f"（{task.numeral}）{task.title}"),
            printable(item.text),
            item.due,
            printable(item.target),
            item.status.label,
            item.progress,
            None,
            None,
            None,
            printable(item.next_milestone.label) if item.next_milestone else None,
        ]
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            cell.font = font
            cell.border = border
            cell.alignment = top
            if isinstance(value, str):
                # Stored as text exactly as typed, never a formula.
                cell.data_type = "s"
                if value.startswith(FORMULA_TRIGGERS):
                    cell.quotePrefix = True
            if column in OPEN_COLUMNS:
                cell.protection = unlocked
                cell.fill = open_fill
        ws.cell(row=row, column=4).number_format = "yyyy-mm-dd"
        lines = max(
            rows_needed(value, WIDTHS[column])
            for column, value in enumerate(values)
            if isinstance(value, str)
        )
        ws.row_dimensions[row].height = LINE_HEIGHT * lines + 4
    last = max(FIRST_ROW + len(rows) - 1, FIRST_ROW)
    statuses = ",".join(status.label for status in Status)
    status_rule = DataValidation(type="list", formula1=f'"{statuses}"', allow_blank=True)
    status_rule.error = t("sheet.status_hint")
    status_rule.showErrorMessage = True
    status_rule.add(f"F{FIRST_ROW}:F{last}")
    progress_rule = DataValidation(
        type="whole", operator="between", formula1="0", formula2="100", allow_blank=True
    )
    progress_rule.error = t("sheet.progress_hint")
    progress_rule.showErrorMessage = True
    progress_rule.add(f"G{FIRST_ROW}:G{last}")
    ws.add_data_validation(status_rule)
    ws.add_data_validation(progress_rule)
    ws.freeze_panes = f"B{FIRST_ROW}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    # Printed: A4 landscape, one page wide, as many pages down as it takes.
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_options.horizontalCentered = True
    footer = ws.oddFooter
    assert footer is not None
    footer.center.text = t("export.page_footer")

    stamp = workbook.create_sheet(STAMP_SHEET)
    stamp.append(["plan", view.slug])
    stamp.append(["unit", unit])
    if sheet_id is not None:
        stamp.append(["sheet", sheet_id])
    if round_period is not None:
        stamp.append(["round", round_period])
    # What each row said when the sheet was made: only the cells a unit changes are its
    # report, and a version that moved since is a conflict.
    stamp.append(["id", "version", "status", "progress"])
    for _, item in rows:
        stamp.append([item.id, item.version, item.status.value, item.progress])
    stamp.sheet_state = "hidden"
    stamp.protection.sheet = True

    workbook.properties.title = f"{view.name} {unit}"
    workbook.properties.creator = "lawtasks"
    if view.trail is not None:
        workbook.properties.description = head_line(view.trail)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _heights_not_fixed(buffer.getvalue())


def _form_header(
    ws: Any,
    view: PlanView,
    unit: str,
    due: date | None,
    round_period: str | None,
    *,
    font: Any,
    border: Any,
    open_fill: Any,
) -> None:
    """Rows 1 to 4: the title, the unit and the deadline, the fields the unit signs with
    (填报人, 联系电话, 审核人: open cells), and how to fill the sheet in."""
    from openpyxl.styles import Alignment, Font, Protection

    def put(ref: str, value: str | None, *, merge: str | None = None, **style: Any) -> Any:
        cell = ws[ref]
        cell.value = value
        cell.font = style.get("font", font)
        cell.alignment = style.get("alignment", Alignment(vertical="center"))
        if merge:
            ws.merge_cells(f"{ref}:{merge}")
        return cell

    put("A1", printable(t("sheet.form_title", plan=view.name)), merge="J1",
        font=Font(name=FONT_NAME, size=16, bold=True),
        alignment=Alignment(horizontal="center", vertical="center"))  # fmt: skip
    ws.row_dimensions[1].height = 30
    put("A2", printable(t("sheet.form_unit", unit=unit)), merge="E2")
    deadline = long_date(due) if due else "—"
    shown = t("sheet.form_due", date=deadline)
    if round_period is not None:
        shown = f"{t('sheet.form_round', period=round_period)}　{shown}"
    put(
        "F2",
        shown,
        merge="J2",
        font=Font(name=FONT_NAME, size=11, bold=True),
    )
    right = Alignment(horizontal="right", vertical="center")
    # Each label, then the open cell (merged across the room it needs) the unit fills in.
    for label, ref, merge_to in (
        ("sheet.form_filler", "A3", "B3"),
        ("sheet.form_phone", "D3", "E3"),
        ("sheet.form_reviewer", "H3", None),
    ):
        put(ref, t(label), merge=merge_to, alignment=right)
    for ref, merge_to in (("C3", None), ("F3", "G3"), ("I3", "J3")):
        cell = put(ref, None, merge=merge_to)
        cell.fill = open_fill
        cell.border = border
        cell.protection = Protection(locked=False)
    ws.row_dimensions[3].height = 24
    put("A4", t("sheet.form_note"), merge="J4", font=Font(name=FONT_NAME, size=10),
        alignment=Alignment(vertical="center", wrap_text=True))  # fmt: skip
    ws.row_dimensions[4].height = 30


def _heights_not_fixed(data: bytes) -> bytes:
    """The workbook with its row heights as a start, not fixed: openpyxl marks every height
    it writes as custom, and Excel and LibreOffice then never grow the row to fit what a
    unit types; without the mark they do."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename.startswith("xl/worksheets/sheet"):
                content = _CUSTOM_HEIGHT.sub(b"", content)
            target.writestr(member, content)
    return out.getvalue()
