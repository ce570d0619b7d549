"""The exporters' strings, merged into `lawtasks.i18n.MESSAGES` (see `CATALOGS` there).

Keys already in the main catalogue (`label.*`, `status.*`, `warning.*`, `field.*`) are reused,
never redefined: i18n refuses a key defined twice. A plain dict, so loading it is cheap.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # errors
    "export.unknown_format": (
        "导出格式 {value} 无效：可用的格式有 {valid}。",
        "Unknown export format {value}: valid formats are {valid}.",
    ),
    "export.missing_dir": (
        "无法导出到 {path}：目录不存在。",
        "Cannot export to {path}: the directory does not exist.",
    ),
    "export.write_failed": (
        "无法写入 {path}：{reason}",
        "Cannot write {path}: {reason}",
    ),
    "export.cell_too_long": (
        "事项 {ref} 的{column}有 {length} 个字符，超过 Excel 单元格上限 {limit}："
        "请改用 docx、md、csv 或 json 格式导出。",
        "The {column} of item {ref} has {length} characters, more than an Excel cell holds "
        "({limit}): export it as docx, md, csv or json instead.",
    ),
    # the trail's head, which every report ends with (read back by verify --against)
    "export.trail": (
        "留痕:{events} 条,末条摘要 {head}",
        "Audit trail: {events} events, last digest {head}",
    ),
    # the report's frame
    "export.report_title": ("{plan}推进情况", "{plan}: progress report"),
    "export.date": ("{year}年{month}月{day}日", "{year}-{month:02}-{day:02}"),
    "export.as_of": ("截至 {date}", "As of {date}"),
    "export.exported_by": ("导出人：{actor}", "Exported by {actor}"),
    "export.section_overall": ("一、总体进展", "1. Overall progress"),
    "export.section_tasks": ("二、分项进展", "2. Progress by task"),
    "export.section_attention": ("三、需关注事项", "3. Needs attention"),
    "export.section_changes": ("四、本期变动", "4. Changes in this period"),
    "export.overall": (
        "截至{date}，共 {total} 个事项，总体进度 {progress}。"
        "按状态：{statuses}；按预警：{warnings}。",
        "As of {date}, {total} items stand at {progress} overall. By status: {statuses}; "
        "by warning: {warnings}.",
    ),
    "export.count": ("{label} {count} 个", "{label} {count}"),
    "export.task_line": (
        "进度 {progress}，已完成 [{done}/{total}]，红灯 {red} 个，黄灯 {yellow} 个。",
        "Progress {progress}, done [{done}/{total}], {red} red, {yellow} yellow.",
    ),
    "export.attention_red": ("红灯及受阻事项", "Red and blocked items"),
    "export.attention_yellow": ("黄灯事项", "Yellow items"),
    "export.attention_entry": (
        "{ref} {title}（{warning}，{status}，进度 {progress}，完成时限 {due}，责任单位 {unit}）",
        "{ref} {title} ({warning}, {status}, progress {progress}, due {due}, lead unit {unit})",
    ),
    "export.changes_intro": (
        "自 {date} 以来共有 {count} 条变动记录。",
        "{count} changes recorded since {date}.",
    ),
    "export.note_meta": ("{author} 记于 {at}", "{author}, {at}"),
    "export.latest_note_line": ("最新进展（{byline}）：", "Latest note ({byline}):"),
    # the 台账 and its sheets
    "export.col_seq": ("序号", "No."),
    "export.sheet_ledger": ("台账", "Ledger"),
    "export.sheet_summary": ("汇总", "Summary"),
    "export.sheet_changes": ("变动情况", "Changes"),
    "export.total": ("合计", "Total"),
    "export.status_hint": ("请从列表中选择状态。", "Choose a status from the list."),
    "export.chart_title": ("各项任务进度", "Progress per task"),
    "export.chart_axis": ("进度（%）", "Progress (%)"),
    # default file names: <plan>-<kind>-<as-of>.<ext>
    "export.file_ledger": ("台账", "ledger"),
    "export.file_report": ("报告", "report"),
    "export.file_data": ("数据", "data"),
    # 填报 sheets
    "sheet.title": ("填报", "Return"),
    "sheet.status_hint": (
        "请从下拉列表中选择状态。",
        "Choose a status from the drop-down list.",
    ),
    "sheet.progress_hint": (
        "进度应为 0 到 100 之间的整数。",
        "Progress is a whole number from 0 to 100.",
    ),
    # 催办单
    "remind.doc_title": ("催办单", "Reminder notice"),
    "remind.doc_to": ("致{unit}:", "To {unit}:"),
    "remind.doc_body": (
        "经核查,贵单位牵头的《{plan}》下列 {count} 个事项已逾期、进度滞后或临近完成时限,"
        "请抓紧推进,并及时报送进展情况。",
        "The following {count} items of {plan} that your unit leads are overdue, behind "
        "schedule or nearly due. Please move them forward and report on their progress.",
    ),
}
