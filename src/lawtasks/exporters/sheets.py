"""填报 sheets: one workbook per lead unit, for the unit to fill in and send back.

Layout (sheet 填报 / Return), by column, in the current language:

    A 编号 | B 工作任务 | C 具体事项 | D 完成时限 | E 目标      (locked: from the ledger)
    F 状态 | G 进度 | H 进展情况 | I 存在问题 | J 下一步措施   (open: the unit's report)

状态 is a drop-down of the status labels; 进度 accepts whole numbers from 0 to 100 only.
The sheet is protected (no password: it guards against slips, not people), so only the
open cells can be typed in. A hidden sheet `_lawtasks` stamps the plan, the unit and each
item's version, so that `lawtasks apply` can tell a row whose item changed in the ledger
after the sheet was made. `lawtasks.returns` reads the columns by position.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from lawtasks.domain import Status
from lawtasks.exporters.content import defuse, display_width
from lawtasks.exporters.trail import head_line
from lawtasks.i18n import t
from lawtasks.readmodel import ItemView, PlanView, TaskView
from lawtasks.render import printable

STAMP_SHEET = "_lawtasks"
HEADERS = (
    "label.id", "label.task", "label.item", "label.due", "label.target",
    "label.status", "label.progress", "label.done_so_far", "label.problems", "label.next_steps",
)  # fmt: skip
OPEN_COLUMNS = range(6, 11)  # F..J
WIDTHS = (8, 24, 48, 12, 24, 10, 8, 36, 30, 30)


def render_sheet(
    view: PlanView,
    unit: str,
    rows: Sequence[tuple[TaskView, ItemView]],
    *,
    sheet_id: str | None = None,
) -> bytes:
    """The workbook for `unit`; `sheet_id` names the record of the sheet sent (see
    `Ledger.issue_sheets`), which `apply` checks the returned stamp against."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = t("sheet.title")
    ws.append([t(key) for key in HEADERS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    open_fill = PatternFill("solid", fgColor="FFF2CC")
    for task, item in rows:
        ws.append(
            [
                item.id,
                defuse(printable(f"（{task.numeral}）{task.title}")),
                defuse(printable(item.text)),
                item.due,
                defuse(printable(item.target)),
                item.status.label,
                item.progress,
                None,
                None,
                None,
            ]
        )
        row = ws.max_row
        for column in range(1, 11):
            cell = ws.cell(row=row, column=column)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if column in OPEN_COLUMNS:
                cell.protection = Protection(locked=False)
                cell.fill = open_fill
        ws.cell(row=row, column=4).number_format = "yyyy-mm-dd"
        lines = max(1, display_width(item.text) // 90 + 1)
        ws.row_dimensions[row].height = 15 * lines
    last = max(ws.max_row, 2)
    statuses = ",".join(status.label for status in Status)
    status_rule = DataValidation(type="list", formula1=f'"{statuses}"', allow_blank=True)
    status_rule.error = t("sheet.status_hint")
    status_rule.showErrorMessage = True
    status_rule.add(f"F2:F{last}")
    progress_rule = DataValidation(
        type="whole", operator="between", formula1="0", formula2="100", allow_blank=True
    )
    progress_rule.error = t("sheet.progress_hint")
    progress_rule.showErrorMessage = True
    progress_rule.add(f"G2:G{last}")
    ws.add_data_validation(status_rule)
    ws.add_data_validation(progress_rule)
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "B2"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    stamp = workbook.create_sheet(STAMP_SHEET)
    stamp.append(["plan", view.slug])
    stamp.append(["unit", unit])
    if sheet_id is not None:
        stamp.append(["sheet", sheet_id])
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
    return buffer.getvalue()
