"""The translation layer: every string a user sees comes from here.

The catalogue is a plain dict so that a test can check that each message exists in both
languages with the same placeholders; a gettext toolchain would be heavier than two
languages need.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

# key -> (Chinese, English). Placeholders use str.format syntax.
MESSAGES: dict[str, tuple[str, str]] = {
    # statuses
    "status.not_started": ("未开始", "not started"),
    "status.in_progress": ("进行中", "in progress"),
    "status.done": ("已完成", "done"),
    "status.blocked": ("受阻", "blocked"),
    # warning colours (红黄绿灯)
    "warning.red": ("红灯", "red"),
    "warning.yellow": ("黄灯", "yellow"),
    "warning.green": ("绿灯", "green"),
    # field names, used in history lines and previews
    "field.status": ("状态", "status"),
    "field.progress": ("进度", "progress"),
    "field.lead_unit": ("责任单位", "lead unit"),
    "field.user": ("用户名", "user name"),
    "field.assisting_units": ("配合单位", "assisting units"),
    "field.responsible_person": ("责任人", "responsible person"),
    "field.due": ("完成时限", "due"),
    "field.target": ("目标", "target"),
    "field.note": ("备注", "note"),
    # labels shared by the CLI, the TUI and the exports
    "label.id": ("编号", "ID"),
    "label.task": ("工作任务", "Task"),
    "label.item": ("具体事项", "Item"),
    "label.title": ("事项", "Title"),
    "label.text": ("全文", "Full text"),
    "label.status": ("状态", "Status"),
    "label.progress": ("进度", "Progress"),
    "label.lead_unit": ("责任单位", "Lead unit"),
    "label.assisting_units": ("配合单位", "Assisting units"),
    "label.responsible_person": ("责任人", "Responsible"),
    "label.due": ("完成时限", "Due"),
    "label.target": ("目标", "Target"),
    "label.warning": ("预警", "Warning"),
    "label.updated": ("更新时间", "Updated"),
    "label.updated_by": ("更新人", "Updated by"),
    "label.version": ("版本", "Version"),
    "label.notes": ("备注", "Notes"),
    "label.latest_note": ("最新进展", "Latest note"),
    "label.done_so_far": ("进展情况", "Done so far"),
    "label.problems": ("存在问题", "Problems"),
    "label.next_steps": ("下一步措施", "Next steps"),
    "label.history": ("最近记录", "Recent history"),
    "label.time": ("时间", "Time"),
    "label.actor": ("操作人", "By"),
    "label.action": ("操作", "Action"),
    "label.change": ("变更", "Change"),
    "label.plan": ("计划", "Plan"),
    "label.plans": ("计划", "Plans"),
    "label.slug": ("名称", "Name"),
    "label.year": ("年度", "Year"),
    "label.items": ("事项数", "Items"),
    "label.overall": ("总体进度", "Overall progress"),
    "label.as_of": ("截至", "As of"),
    "label.done_total": ("完成", "Done"),
    "label.red_items": ("红灯事项", "Red items"),
    "label.none": ("无", "none"),
    "label.exported_by": ("导出人", "Exported by"),
    "action.import": ("导入", "import"),
    "action.set": ("修改", "set"),
    "action.note": ("备注", "note"),
    "action.undo": ("撤销", "undo"),
    "out.changed": ("已修改 {count} 处。", "{count} changes made."),
    "out.changed_one": ("已修改 1 处。", "1 change made."),
    "out.unchanged": (
        "没有变化:各项已是所给的值。",
        "Nothing changed: every field already had that value.",
    ),
    "out.more_changes": (
        "……另有 {count} 处修改,lawtasks log 可查看全部。",
        "… and {count} more changes; lawtasks log shows them all.",
    ),
    "out.note_added": ("已为 {ref} 添加备注。", "Note added to {ref}."),
    "out.backup": ("已备份到 {path}", "Backed up to {path}"),
    "out.restored": (
        "已从 {source} 恢复;原台账保存在 {kept}",
        "Restored from {source}; the replaced ledger is kept at {kept}",
    ),
    "out.verified": (
        "审计记录完整:共 {count} 条,逐条核验无误。",
        "The audit trail is intact: {count} events, every one verified.",
    ),
    "error.chain_broken": (
        "审计记录被改动:第 {id} 条记录({at})与其内容或前一条不符,它或它之前的记录被修改或删除。",
        "The audit trail was tampered with: event {id} ({at}) does not match its content or "
        "the event before it; it, or an event before it, was altered or deleted.",
    ),
    "help.verify": (
        "核验审计记录:哈希链、与台账内容是否一致、以及台账之外保存的留痕。",
        "Verify the audit trail: its hash chain, the ledger against it, and heads kept "
        "outside the ledger.",
    ),
    # -- the trail that shows tampering (verify: replay, heads kept outside the ledger) --
    "trail.item_field": (
        "事项 {ref} 的{field}为 {found},但它的最后一条记录(第 {event} 条)是 {expected}:"
        "该字段在 lawtasks 之外被改动。",
        "item {ref}: its {field} is {found}, but its latest event ({event}) says {expected}: "
        "the field was changed outside lawtasks.",
    ),
    "trail.item_unlogged": (
        "事项 {ref} 的{field}为 {found},但从未有记录改动它,应仍是导入时的 {expected}"
        "(导入记录第 {event} 条)。",
        "item {ref}: its {field} is {found}, but no event ever changed it, so it should still "
        "be {expected} as imported (event {event}).",
    ),
    "trail.item_touched": (
        "事项 {ref} 记载的最后修改(人、时间)为 {found},但它的最后一条记录(第 {event} 条)是 "
        "{expected}:该事项在 lawtasks 之外被改动。",
        "item {ref} says it was last changed by {found}, but its latest event ({event}) "
        "says {expected}: the item was changed outside lawtasks.",
    ),
    "trail.item_gone": (
        "第 {event} 条记录改动的事项(内部编号 {found})已不在台账中:它在 lawtasks 之外被删除。",
        "event {event} changed item id {found}, which is no longer in the ledger: the item "
        "was deleted outside lawtasks.",
    ),
    "trail.item_unlogged_task": (
        "事项(内部编号 {found})不属于任何计划的任务。",
        "item id {found} belongs to no task of any plan.",
    ),
    "trail.import_seal": (
        "计划 {plan} 的任务和事项与导入时(第 {event} 条记录)封存的内容不符:"
        "有标题、正文、序号、所属任务、目标或单位在 lawtasks 之外被改动,或有任务、事项被增删。",
        "the tasks and items of plan {plan} no longer match what its import (event {event}) "
        "sealed: a title, text, number, task, target or unit was changed, or a task or item "
        "added or removed, outside lawtasks.",
    ),
    "trail.plan_unlogged": (
        "计划 {plan} 没有导入记录:它是在 lawtasks 之外加入的。",
        "plan {plan} has no import event: it was added outside lawtasks.",
    ),
    "trail.plan_gone": (
        "第 {event} 条记录导入的计划(内部编号 {found})已不在台账中。",
        "event {event} imported plan id {found}, which is no longer in the ledger.",
    ),
    "trail.note_unlogged": (
        "{ref} 的备注 {note} 没有对应记录:它是在 lawtasks 之外加入的({found})。",
        "note {note} on {ref} has no event: it was added outside lawtasks ({found}).",
    ),
    "trail.note_changed": (
        "{ref} 的备注 {note}:{field}为 {found},但它的记录(第 {event} 条)是 {expected}。",
        "note {note} on {ref}: its {field} is {found}, but its event ({event}) says {expected}.",
    ),
    "trail.note_gone": (
        "第 {event} 条记录添加的 {ref} 备注 {note}({expected})已不在台账中:"
        "它在 lawtasks 之外被删除。",
        "note {note} on {ref}, added by event {event} ({expected}), is no longer in the "
        "ledger: it was deleted outside lawtasks.",
    ),
    "trail.note_retracted": (
        "{ref} 的备注 {note} 已被撤回,但没有撤销记录撤回它(添加记录第 {event} 条)。",
        "note {note} on {ref} is retracted, but no undo retracted it (it was added by "
        "event {event}).",
    ),
    "trail.note_unretracted": (
        "{ref} 的备注 {note} 已由第 {event} 条撤销记录撤回,现在却又显示出来。",
        "note {note} on {ref} was retracted by undo event {event}, but shows again.",
    ),
    "trail.note_twice": (
        "第 {event} 条记录再次添加备注 {note}。",
        "event {event} adds note {note} a second time.",
    ),
    "trail.user_gone": (
        "用户 {user} 不在台账中,但其最后一条记录(第 {event} 条)添加了该用户。",
        "user {user} is missing, though their latest event ({event}) added them.",
    ),
    "trail.user_removed": (
        "用户 {user} 在台账中,但其最后一条记录(第 {event} 条)已移除该用户。",
        "user {user} is in the ledger, though their latest event ({event}) removed them.",
    ),
    "trail.user_unlogged": (
        "用户 {user} 在台账中,但没有任何记录添加过该用户。",
        "user {user} is in the ledger, but no event added them.",
    ),
    "trail.user_field": (
        "用户 {user} 的{field}为 {found},但其最后一条记录(第 {event} 条)是 {expected}。",
        "user {user}: their {field} is {found}, but their latest event ({event}) says {expected}.",
    ),
    "trail.anchor_short": (
        "审计记录只有 {found} 条,而 {source} 保存的留痕有 {expected} 条:末尾的记录被删除了。",
        "the trail has {found} events, but the head kept in {source} has {expected}: events "
        "were deleted from the end of the trail.",
    ),
    "trail.anchor_differs": (
        "第 {event} 条记录的摘要已不是 {source} 保存的 {expected}(现为 {found}):"
        "审计记录被改动后重新链接。",
        "event number {event} no longer has the digest kept in {source} ({expected}; now "
        "{found}): the trail was altered and re-chained.",
    ),
    "trail.empty": ("(空)", "(empty)"),
    "trail.part.text": ("内容", "text"),
    "trail.part.author": ("作者", "author"),
    "trail.part.place": ("位置", "place"),
    "trail.part.at": ("时间", "time"),
    "error.trail_tampered": (
        "台账在 lawtasks 之外被改动:{detail}{more}",
        "The ledger was changed outside lawtasks: {detail}{more}",
    ),
    "trail.more": (
        "(另有 {count} 处不符;lawtasks verify -f json 列出全部)",
        " (and {count} more; lawtasks verify -f json lists them all)",
    ),
    "trail.rows_match": (
        "事项、备注和用户与审计记录一致。",
        "The items, notes and users match the trail.",
    ),
    "trail.head_line": (
        "留痕:{events} 条,末条摘要 {head}。请在台账之外保存(verify --record 文件):"
        "之后 verify --against 文件 可发现末尾记录被删除或记录被改动后重新链接。",
        "Head: {events} events, last digest {head}. Keep it outside the ledger (verify "
        "--record FILE): a later verify --against FILE shows events deleted from the end, or a "
        "trail altered and re-chained.",
    ),
    "trail.anchors_ok": (
        "已核对 {count} 个保存的留痕:审计记录仍包含每一个。",
        "Heads kept elsewhere checked: {count}; the trail still holds each of them.",
    ),
    "trail.unchecked": (
        "计划 {plans} 导入于导入封存之前:导入时的标题、正文、目标和单位,以及在 lawtasks "
        "之外增删的任务和事项无法核验;此后的每项改动均已核验。",
        "Plan {plans} was imported before imports were sealed: its titles, texts, targets "
        "and units as imported, and tasks or items added or removed outside lawtasks, cannot "
        "be checked; every change since is.",
    ),
    "trail.recorded": ("留痕已记入 {path}。", "Head recorded in {path}."),
    "trail.file_unreadable": ("无法读取 {path}:{reason}", "Cannot read {path}: {reason}"),
    "trail.no_head": (
        "{path} 中没有留痕:请给出本程序导出的报告(md、csv、json、xlsx、docx)"
        "或 verify --record 写下的留痕文件。",
        "{path} holds no trail head: give a report exported by lawtasks (md, csv, json, "
        "xlsx, docx) or a heads file written by verify --record.",
    ),
    "trail.bad_line": (
        "{path} 第 {line} 行不是留痕:{text}。每行应为:时间 events=条数 head=摘要。",
        "{path} line {line} is not a trail head: {text}. Each line reads: TIME events=N "
        "head=DIGEST.",
    ),
    "help.verify_against": (
        "核对过去的报告(md、csv、json、xlsx、docx)或留痕文件中保存的留痕;可重复。",
        "Check the head kept in a past report (md, csv, json, xlsx, docx) or a heads file; "
        "may be repeated.",
    ),
    "help.verify_record": (
        "核验无误后,把当前留痕(时间、条数、摘要)追加到此文件(不存在则新建)。",
        "When intact, append the current head (time, count, digest) to this file, creating "
        "it if need be.",
    ),
    "help.backup": (
        "备份台账(在写入时也安全);默认保存在台账旁边。",
        "Back up the ledger (safe while others write); beside it by default.",
    ),
    "help.backup_path": ("备份文件或目录。", "The backup file or directory."),
    "help.restore": (
        "从备份恢复:先检查备份,原台账保留在旁边。",
        "Restore from a backup: the backup is checked first, and the replaced ledger kept.",
    ),
    "out.exported": ("已导出到 {path}", "Exported to {path}"),
    "out.no_items": ("没有符合条件的事项。", "No items match."),
    "out.no_history": ("没有记录。", "No history."),
    "out.imported": (
        "已导入计划 {plan}({title}):{tasks} 项任务,{items} 个事项。",
        "Imported plan {plan} ({title}): {tasks} tasks, {items} items.",
    ),
    # command-line help
    "help.app": (
        "lawtasks:法治政府建设工作任务台账。不带子命令时,在终端中打开界面,否则打印汇总。",
        "lawtasks: the ledger of a rule-of-law government work plan. With no command it opens "
        "the TUI in a terminal, and prints the summary otherwise.",
    ),
    "help.db": (
        "数据库文件路径或 SQLAlchemy URL(默认在用户数据目录)。",
        "Database file path or SQLAlchemy URL (default: in the user data directory).",
    ),
    "help.user": (
        "记入审计记录的操作人(默认 LAWTASKS_USER 或登录名)。",
        "Actor recorded in the audit trail (default: LAWTASKS_USER or the login name).",
    ),
    "help.lang": ("界面语言:zh 或 en。", "Language: zh or en."),
    "help.today": (
        "以此日期计算预警(用于报告和测试),如 2022-06-30。",
        "Compute warnings as of this date (for reports and tests), e.g. 2022-06-30.",
    ),
    "help.plan": ("要使用的计划名称(默认最新的计划)。", "The plan to use (default: the newest)."),
    "help.debug": ("出错时显示完整的错误追踪。", "Show the full traceback on errors."),
    "help.version": ("显示版本并退出。", "Show the version and exit."),
    "help.init": (
        "创建数据库并载入 2022 年工作任务;可重复运行,不会重复或覆盖。",
        "Create the database and seed the 2022 plan; safe to run again, it never duplicates "
        "or overwrites.",
    ),
    "help.import": (
        "从另一年度的报告文本导入新计划。",
        "Import a new plan from another year's report text.",
    ),
    "help.report": ("报告文本文件(UTF-8 或 GBK)。", "The report text file (UTF-8 or GBK)."),
    "help.slug": (
        "新计划的名称(小写字母、数字、连字符;默认 plan-年度)。",
        "Name of the new plan (lower-case letters, digits, hyphens; default plan-YEAR).",
    ),
    "help.plans": ("列出数据库中的计划。", "List the plans in the database."),
    "help.list": (
        "按任务分组列出事项,可筛选。",
        "List the items grouped under their tasks, with filters.",
    ),
    "help.task": ("只看该任务(可重复)。", "Only this task (repeatable)."),
    "help.status_filter": (
        "只看该状态:not_started、in_progress、done、blocked(可重复)。",
        "Only this status: not_started, in_progress, done, blocked (repeatable).",
    ),
    "help.overdue": ("只看已逾期的事项。", "Only overdue items."),
    "help.warning": (
        "只看该预警:red、yellow、green(可重复)。",
        "Only this warning: red, yellow, green (repeatable).",
    ),
    "help.unit_filter": (
        "只看责任单位或配合单位包含此文字的事项。",
        "Only items whose lead or assisting unit contains this text.",
    ),
    "help.due_before": ("只看完成时限早于此日期的事项。", "Only items due before this date."),
    "help.search": ("在标题、全文和备注中查找。", "Search titles, texts and notes."),
    "help.format": ("输出格式。", "Output format."),
    "help.show": (
        "显示一项任务(如 2)或事项(如 2.3)的全部信息、备注和记录。",
        "Show a task or an item, with every field, its notes and its history.",
    ),
    "help.id": (
        "任务编号(如 2)或事项编号(如 2.3)。",
        "A task ID (e.g. 2) or an item ID (e.g. 2.3).",
    ),
    "help.ids": (
        "一个或多个编号;任务编号代表其全部事项。",
        "One or more IDs; a task ID stands for all of its items.",
    ),
    "help.summary": (
        "总体进度、各任务进度和红灯事项。",
        "Overall progress, progress per task and the red items.",
    ),
    "help.log": ("审计记录(留痕)。", "The audit trail."),
    "help.since": ("从此日期起(含)。", "From this date (inclusive)."),
    "help.until": ("到此日期止(含)。", "Up to this date (inclusive)."),
    "help.set": (
        "修改事项;一次调用是一个事务,要么全部生效,要么都不生效。",
        "Change items; one call is one transaction: all of it applies, or none.",
    ),
    "help.status": (
        "状态:not_started、in_progress、done、blocked(也可用中文)。",
        "Status: not_started, in_progress, done, blocked (or its Chinese label).",
    ),
    "help.progress": ("进度,0 到 100 的整数。", "Progress, a whole number from 0 to 100."),
    "help.unit": ("责任单位(空字符串表示清除)。", "Lead unit (an empty string clears it)."),
    "help.due": (
        "完成时限:2022-06-30、2022/6/30、2022年6月30日、6月底、年底、第三季度、上半年(空字符串清除)。",
        "Due date: 2022-06-30, 2022/6/30, 2022年6月30日, 6月底, 年底, 第三季度, 上半年 "
        "(an empty string clears it).",
    ),
    "help.target": ("目标(空字符串表示清除)。", "Target (an empty string clears it)."),
    "help.note": (
        "同时添加一条备注;- 表示从标准输入读取。",
        "Also add a note; - reads it from stdin.",
    ),
    "help.assisting": (
        "配合单位(空字符串表示清除)。",
        "Assisting units (an empty string clears them).",
    ),
    "help.person": (
        "责任人(空字符串表示清除)。",
        "Responsible person (an empty string clears it).",
    ),
    "help.start": ("标记为进行中。", "Mark as in progress."),
    "help.done": ("标记为已完成(进度 100)。", "Mark as done (progress 100)."),
    "help.block": ("标记为受阻。", "Mark as blocked."),
    "help.reopen": (
        "重新打开:恢复为进行中,进度回到完成前的值,或用 --progress 指定。",
        "Reopen: back to in progress, with the progress it had before it was done, or --progress.",
    ),
    "help.reopen_progress": ("重新打开后的进度。", "Progress after reopening."),
    "help.note_cmd": ("为任务或事项添加备注。", "Add a note to a task or an item."),
    "help.note_text": (
        "备注内容;- 表示从标准输入读取(可多行)。",
        "The note; - reads it from stdin (several lines allowed).",
    ),
    "help.undo": (
        "撤销你最近一次操作;撤销本身也会记入审计记录。",
        "Undo your last change; the undo is itself recorded in the audit trail.",
    ),
    "help.export": (
        "导出进展报告:Word 报告、Excel 台账、CSV、JSON 或 Markdown。",
        "Export a status report: a Word report, an Excel ledger, CSV, JSON or Markdown.",
    ),
    "help.export_format": ("导出格式。", "Export format."),
    "help.output": (
        "保存路径;文本格式不给出时输出到标准输出,xlsx/docx 默认保存在当前目录。",
        "Where to write; text formats go to stdout without it, xlsx and docx to the current "
        "directory.",
    ),
    "help.export_since": (
        "列出此日期以来的变动(状态、进度、备注)。",
        "List what changed since this date (status, progress, notes).",
    ),
    "help.as_of": ("报告的截至日期(默认今天)。", "The report's as-of date (default: today)."),
    "help.help": ("显示本帮助并退出。", "Show this message and exit."),
    "help.install_completion": (
        "为当前 shell 安装命令补全。",
        "Install completion for the current shell.",
    ),
    "help.show_completion": (
        "显示当前 shell 的补全脚本,以便复制或自定义安装。",
        "Show completion for the current shell, to copy it or customize the installation.",
    ),
    "help.tui": ("打开终端界面。", "Open the terminal interface."),
    # departments' returns
    "returns.cell_error": (
        "{file},工作表 {sheet},第 {row} 行,{column} 列:{message}",
        "{file}, sheet {sheet}, row {row}, column {column}: {message}",
    ),
    "returns.not_object": ("这一行不是 JSON 对象。", "The line is not a JSON object."),
    "returns.bad_version": ("版本 {value} 无效。", "Invalid version {value}."),
    "returns.unknown_id": (
        "计划 {plan} 中没有事项 {value}。",
        "Plan {plan} has no item {value}.",
    ),
    "returns.other_plan": (
        "{file} 是计划 {plan} 的填报表,当前计划是 {current}:请用 --plan {plan}。",
        "{file} is a return for plan {plan}, not {current}: use --plan {plan}.",
    ),
    "returns.refused": (
        "有 {count} 处错误,没有应用任何内容。",
        "{count} errors: nothing was applied.",
    ),
    "returns.conflict": (
        "冲突 {ref}:填报表制作后,台账中此事项已由 {actor} 于 {at} 修改(版本 {sheet} → {ledger})。",
        "Conflict on {ref}: the item changed in the ledger after the sheet was made, by "
        "{actor} at {at} (version {sheet} → {ledger}).",
    ),
    "returns.conflict_values": (
        "    {field}:台账 {ledger},填报 {sheet}",
        "    {field}: ledger {ledger}, return {sheet}",
    ),
    "returns.conflicts_refused": (
        "{count} 个冲突,没有应用任何内容;核对后可用 --force 编号 强制应用。",
        "{count} conflicts: nothing was applied. Check them, then name them with --force ID.",
    ),
    "returns.nothing": (
        "没有需要应用的内容:台账已包含这些填报中的全部数值和备注。",
        "Nothing to apply: the ledger already holds every value and note in these returns.",
    ),
    "returns.dry_run": ("(试运行,未作修改)", "(dry run: nothing was changed)"),
    "returns.applied": (
        "已应用 {changes} 处修改,涉及 {items} 个事项。",
        "Applied {changes} changes to {items} items.",
    ),
    "returns.note_line": ("    + 备注:{note}", "    + note: {note}"),
    # -- returns tied to their plan, unit and version (issue 13) --
    "returns.duplicate_entry": (
        "事项 {ref} 在本次填报中出现两次:每个事项只能有一行。",
        "Item {ref} appears twice in these returns: one row per item.",
    ),
    "returns.duplicate": (
        "事项 {ref} 已在 {file} 第 {row} 行填报:每个事项只能有一行。",
        "Item {ref} is already reported in {file}, row {row}: one row per item.",
    ),
    "returns.foreign_row": (
        "事项 {ref} 的责任单位是 {lead},不是 {unit}:请协调人核对后用 --force {ref} 强制应用。",
        "Item {ref} is led by {lead}, not {unit}: a coordinator may check it and use "
        "--force {ref}.",
    ),
    "returns.conflict_foreign": (
        "冲突 {ref}:{file} 是发给 {unit} 的填报表,但此事项不在该表上或由 {lead} 负责。",
        "Conflict on {ref}: {file} is the sheet sent to {unit}, but this item was not on it "
        "or is led by {lead}.",
    ),
    "returns.conflict_unversioned": (
        "冲突 {ref}:{file} 中此行没有版本戳(复制到新工作簿,或 CSV/JSON 缺少 version),"
        "可能覆盖台账中较新的修改。",
        "Conflict on {ref}: its row in {file} carries no version stamp (copied into a new "
        "workbook, or a CSV/JSON row without version), so it may overwrite a later change.",
    ),
    "returns.no_plan": (
        "{file} 没有注明计划,而台账中有多个计划({plans}):请加 plan 列,或用 --plan 指定。",
        "{file} names no plan and the ledger holds several ({plans}): add a plan column, "
        "or name it with --plan.",
    ),
    "returns.unknown_plan": (
        "{file} 注明的计划 {plan} 不在本台账中(计划:{plans}),也不是当前计划的名称。",
        "{file} names plan {plan}, which this ledger does not hold (its plans: {plans}) and "
        "which is not the name of the plan in hand.",
    ),
    "returns.bad_made": (
        "填报时间 {value} 无效:应写作 2022-06-30 或 2022-06-30T17:00:00。",
        "Invalid time made {value}: write it as 2022-06-30 or 2022-06-30T17:00:00.",
    ),
    "returns.too_many_rows": (
        "{file} 超过 {limit} 行,不是 Excel 或 lawtasks 制作的填报表。",
        "{file} has more than {limit} rows: it is not a sheet Excel or lawtasks made.",
    ),
    "returns.too_many_errors": (
        "错误超过 {count} 处,其余未读:请先改正以上各处。",
        "More than {count} errors; the rest were not read. Correct these first.",
    ),
    "returns.unknown_sheet": (
        "{file} 的隐藏戳记指向本台账未发出的填报表(被改动,或来自另一台账):"
        "请重新发出填报表(lawtasks sheets)。",
        "The hidden stamp of {file} names a sheet this ledger never sent (altered, or from "
        "another ledger): send a new one with lawtasks sheets.",
    ),
    "returns.stamp_altered": (
        "{file} 的隐藏戳记与发给 {unit} 的填报表记录不符(被改动):没有应用任何内容。",
        "The hidden stamp of {file} does not match the record of the sheet sent to {unit} "
        "(it was altered): nothing was applied.",
    ),
    "returns.numeric_id": (
        "编号 {value} 是数字而不是文本:Excel 会把 1.10 存为 1.1,无法确定是哪个事项。"
        "请把该列设为文本格式后重新填写编号。",
        "ID {value} is a number, not text: Excel stores 1.10 as 1.1, so the item cannot be "
        "known. Format the column as text and type the ID again.",
    ),
    "returns.who": ("{actor} 代 {unit}", "{actor} for {unit}"),
    "sheets.written": (
        "已写出 {unit} 的填报表:{path}({count} 个事项)",
        "Wrote the return sheet for {unit}: {path} ({count} items)",
    ),
    "sheets.no_unit": (
        "以下事项没有责任单位,未写入任何填报表:{ids}",
        "These items have no lead unit and are in no sheet: {ids}",
    ),
    "sheets.none": ("没有符合条件的责任单位。", "No lead unit matches."),
    "remind.title": ("催办:{unit}({count} 项)", "Reminder: {unit} ({count} items)"),
    "remind.none": ("没有需要催办的事项。", "Nothing needs a reminder."),
    "remind.no_unit": ("(未指定责任单位)", "(no lead unit)"),
    "help.sheets": (
        "为每个责任单位写出一份填报表(xlsx)。",
        "Write one return sheet (xlsx) per lead unit.",
    ),
    "help.sheets_unit": ("只写出此责任单位的填报表。", "Only the sheet of this lead unit."),
    "help.sheets_dir": ("写到此目录(默认当前目录)。", "Write into this directory (default: here)."),
    "help.apply": (
        "应用各单位交回的填报表(xlsx)或 CSV/JSON 行;先检查并预览,一次事务全部应用。",
        "Apply returned sheets (xlsx) or CSV/JSON-lines files: checked and previewed first, "
        "then applied in one transaction.",
    ),
    "help.apply_files": ("交回的文件。", "The returned files."),
    "help.dry_run": ("只预览,不修改。", "Preview only; change nothing."),
    "help.force": (
        "即使冲突也应用此事项(可重复);all 表示全部,供自带数值、不带版本的脚本使用。",
        "Apply this item even though it conflicts (repeatable); all forces every row, for "
        "scripts that send values without versions.",
    ),
    "help.remind": (
        "按责任单位列出红灯、黄灯和即将到期的事项,用于催办。",
        "List, per lead unit, the red, yellow and soon-due items, for reminders.",
    ),
    "help.within": ("即将到期的天数。", "Days ahead that count as due soon."),
    # report parser
    "parse.empty": ("报告 {source} 是空的。", "Report {source} is empty."),
    "parse.undecodable": (
        "无法读取报告 {source}:它不是 UTF-8 或 GBK 编码的文本文件。",
        "Cannot read report {source}: it is not a UTF-8 or GBK text file.",
    ),
    "parse.no_section": (
        "报告 {source} 中找不到工作任务部分:需要一个形如 {looked_for} 的标题。",
        "No work-plan section found in report {source}: looked for a heading such as {looked_for}.",
    ),
    "parse.no_tasks": (
        "报告 {source} 的“{heading}”部分中找不到编号的工作任务,例如 (一)…… 或 （一）……。",
        "The section “{heading}” of report {source} holds no numbered tasks such as "
        "(一)… or （一）….",
    ),
    "parse.unreadable": (
        "无法打开报告 {source}:{reason}",
        "Cannot open report {source}: {reason}",
    ),
    # values
    "error.progress": (
        "进度 {value} 无效:应为 0 到 100 之间的整数。",
        "Invalid progress {value}: it must be a whole number from 0 to 100.",
    ),
    "error.status": (
        "状态 {value} 无效:可用的状态有 {valid}。",
        "Invalid status {value}: valid statuses are {valid}.",
    ),
    "error.warning": (
        "预警 {value} 无效:可用的有 red、yellow、green。",
        "Invalid warning {value}: valid colours are red, yellow and green.",
    ),
    "error.date": (
        "日期 {value} 无效:可写作 2022-06-30、2022/6/30、2022年6月30日、"
        "6月底、年底、第三季度、上半年。",
        "Invalid date {value}: write it as 2022-06-30, 2022/6/30, 2022年6月30日, 6月底, 年底, "
        "第三季度 or 上半年.",
    ),
    "error.id": (
        "编号 {value} 无效:任务编号形如 2,事项编号形如 2.3。",
        "Invalid ID {value}: a task ID looks like 2 and an item ID like 2.3.",
    ),
    "error.no_task": (
        "没有任务 {value}:计划 {plan} 的任务编号为 {valid}。",
        "No task {value}: plan {plan} has tasks {valid}.",
    ),
    "error.no_item": (
        "没有事项 {value}:计划 {plan} 的任务 {task} 有事项 {valid}。",
        "No item {value}: task {task} of plan {plan} has items {valid}.",
    ),
    "error.no_item_task": (
        "没有事项 {value}:计划 {plan} 的任务编号为 {valid}。",
        "No item {value}: plan {plan} has tasks {valid}.",
    ),
    "error.no_plan": (
        "没有计划 {value}:可用的计划有 {valid}。",
        "No plan {value}: the plans are {valid}.",
    ),
    "error.no_plans": (
        "数据库中还没有计划:先运行 lawtasks init。",
        "The database holds no plan yet: run lawtasks init first.",
    ),
    "error.plan_exists": (
        "计划 {value} 已存在:用 --slug 另取一个名称。",
        "Plan {value} exists already: choose another name with --slug.",
    ),
    "error.no_unit": (
        "没有责任单位 {value}:现有责任单位为 {units}。",
        "No lead unit {value}: the lead units are {units}.",
    ),
    "error.slug": (
        "计划名称 {value} 无效:只能使用小写字母、数字和连字符。",
        "Invalid plan name {value}: use lower-case letters, digits and hyphens only.",
    ),
    "error.status_progress": (
        "状态 {status} 与进度 {progress} 矛盾:已完成即进度 100,进度 100 即已完成。",
        "Status {status} contradicts progress {progress}: done means progress 100, "
        "and progress 100 means done.",
    ),
    "error.not_started_progress": (
        "状态“未开始”与进度 {progress} 矛盾:未开始的事项进度为 0。",
        "Status not started contradicts progress {progress}: an item not started has progress 0.",
    ),
    "error.reopen_progress": (
        "重新打开的事项进度应低于 100,而不是 {progress}。",
        "A reopened item needs a progress below 100, not {progress}.",
    ),
    "error.empty_note": ("备注不能为空。", "A note cannot be empty."),
    "error.empty_value": ("{field}不能为空。", "The {field} cannot be empty."),
    "error.note_too_long": (
        "备注过长({length} 个字符):最多 {limit} 个字符。",
        "The note is too long ({length} characters): the limit is {limit}.",
    ),
    "error.text_too_long": (
        "{field}过长({length} 个字符):最多 {limit} 个字符。",
        "The {field} is too long ({length} characters): the limit is {limit}.",
    ),
    "error.control_chars": (
        "{field}中含有控制字符(如 NUL):请删去后重试。",
        "The {field} holds control characters (such as NUL): remove them and try again.",
    ),
    # -- edges: invisible characters, date windows, output files, unexpected errors --------
    "error.invisible_char": (
        "{field}中含有不可见字符 {code}({name}):它会让两个不同的值看起来一样,"
        "或改变文字的显示顺序。请删去后重试。",
        "The {field} holds the invisible character {code} ({name}), which makes two "
        "different values look alike or changes the order text reads in: remove it and "
        "try again.",
    ),
    "error.within": (
        "--within {value} 无效:请给出 0 或更多的天数。",
        "--within {value} is not valid: give a number of days, 0 or more.",
    ),
    "export.not_a_file": (
        "不能写入 {path}:它已存在,但不是普通文件(而是{kind}),不会被替换。",
        "Will not write {path}: it exists and is not a regular file but {kind}, which is "
        "never replaced.",
    ),
    "export.kind_device": ("设备", "a device"),
    "export.kind_fifo": ("管道", "a named pipe"),
    "export.kind_socket": ("套接字", "a socket"),
    "export.kind_other": ("特殊文件", "a special file"),
    "export.is_ledger": (
        "不能写入 {path}:它就是台账数据库 {ledger}(或其日志文件),写入会毁掉台账。",
        "Will not write {path}: it is the ledger {ledger} (or its journal), which writing "
        "would destroy.",
    ),
    "error.unexpected": (
        "意外错误({error})。这是程序缺陷:加 --debug 重新运行可看到出错位置,请报告。",
        "Unexpected error ({error}). This is a bug: run the command again with --debug to "
        "see where it happened, and please report it.",
    ),
    "error.nothing_to_set": (
        "没有要修改的内容:请给出 --status、--progress、--unit、--due、--target 或 --note。",
        "Nothing to change: give --status, --progress, --unit, --due, --target or --note.",
    ),
    "error.conflict": (
        "事项 {ref} 已由 {actor} 于 {at} 修改:请重新加载后再试。",
        "Item {ref} was changed by {actor} at {at}; reload and try again.",
    ),
    "error.undo_conflict": (
        "无法撤销:事项 {ref} 的{field}此后已由 {actor} 于 {at} 修改。",
        "Cannot undo: the {field} of item {ref} was changed since, by {actor} at {at}.",
    ),
    "error.nothing_to_undo": (
        "{actor} 没有可撤销的操作。",
        "{actor} has nothing to undo.",
    ),
    "error.no_ids": ("请至少给出一个编号。", "Give at least one ID."),
    "error.stdin_encoding": (
        "标准输入不是 UTF-8 文本:请先转换编码(如 iconv -f GBK -t UTF-8)。",
        "Standard input is not UTF-8 text: convert it first (e.g. iconv -f GBK -t UTF-8).",
    ),
    "error.no_terminal": (
        "界面需要在终端中运行;脚本请使用 list、show、summary 等命令。",
        "The TUI needs a terminal; scripts can use list, show, summary and the other commands.",
    ),
    "error.lang": (
        "语言 {value} 无效:可用的有 zh、en。",
        "Invalid language {value}: valid languages are zh and en.",
    ),
    "error.db_not_a_ledger": (
        "{db} 不是 lawtasks 台账,或已损坏({reason}):"
        "请用 lawtasks restore 恢复备份,或用 --db 选择其他文件。",
        "{db} is not a lawtasks ledger, or it is damaged ({reason}): restore a backup with "
        "lawtasks restore, or choose another file with --db.",
    ),
    "error.db_read_only": (
        "无法写入 {db}:文件是只读的。请取得写权限,或复制一份再修改。",
        "Cannot write to {db}: the file is read-only. Ask for write access, or work on a copy.",
    ),
    "error.db_full": (
        "无法写入 {db}:磁盘已满。请腾出空间后重试;台账未作改动。",
        "Cannot write to {db}: the disk is full. Free some space and try again; the ledger "
        "is unchanged.",
    ),
    "error.db_io": (
        "无法写入 {db}:磁盘读写出错,可能磁盘已满或文件超出大小限制。"
        "请腾出空间后重试;台账未作改动。",
        "Cannot write to {db}: a disk I/O error, so the disk may be full or the file over a "
        "size limit. Free some space and try again; the ledger is unchanged.",
    ),
    "error.db_cannot_open": (
        "无法打开 {db}({reason}):请检查路径和权限。",
        "Cannot open {db} ({reason}): check the path and its permissions.",
    ),
    "error.db_busy": (
        "{db} 正被其他程序长时间占用:请稍后重试。",
        "{db} is held by another program for too long: try again in a moment.",
    ),
    "error.db_older": (
        "{db} 使用较早的结构版本 {version}(本程序为 {supported}):请运行 lawtasks db upgrade"
        "(会先自动备份)。",
        "{db} has the older schema version {version} (this lawtasks reads {supported}): run "
        "lawtasks db upgrade, which takes a backup first.",
    ),
    "help.db_group": (
        "数据库维护:upgrade 升级结构版本。",
        "Database maintenance: upgrade the schema.",
    ),
    "help.users_group": (
        "用户与责任单位:add 添加或修改,remove 移除,list 列出。",
        "Users and their units: add (or change), remove, list.",
    ),
    "help.users_add": (
        "添加用户或修改其单位和角色。单位经办人只能修改本单位牵头的事项;协调人可修改全部。"
        "在 PostgreSQL 上同时建立同名数据库登录。",
        "Add a user, or change their unit and role. An officer of a unit may change the "
        "items that unit leads; a coordinator may change everything. On PostgreSQL the "
        "user's database login of the same name is set up too.",
    ),
    "help.users_remove": (
        "移除用户;其历史记录保留。",
        "Remove a user; what they did stays in the audit trail.",
    ),
    "help.users_list": ("列出用户、单位和角色。", "List the users, their units and roles."),
    "help.user_name": (
        "用户名;在 PostgreSQL 上即其数据库登录名。",
        "User name; on PostgreSQL, also their database login.",
    ),
    "help.user_unit": ("所属责任单位,如 司法局。", "The user's unit, e.g. 司法局."),
    "help.user_coordinator": (
        "协调人(法治办):可修改全部事项并管理用户。",
        "A coordinator (the rule-of-law office): may change every item and manage users.",
    ),
    "out.no_users": (
        "尚无用户:任何能打开台账的人都可以修改。用 lawtasks users add 添加第一位协调人。",
        "No users yet: anyone who can open the ledger may change it. Add the first "
        "coordinator with: lawtasks users add NAME --coordinator",
    ),
    "label.user": ("用户", "User"),
    "label.more_items": (
        "另有 {count} 项,展开任务查看",
        "{count} more: unfold the task to see them",
    ),
    "label.role": ("角色", "Role"),
    "label.may_change": ("可改事项", "May change"),
    "role.coordinator": ("协调人", "coordinator"),
    "role.officer": ("经办人", "officer"),
    "field.unit": ("单位", "unit"),
    "field.coordinator": ("协调人", "coordinator"),
    "value.yes": ("是", "yes"),
    "value.no": ("否", "no"),
    "help.db_upgrade": (
        "把台账升级到本程序的结构版本;先在旁边保存备份。",
        "Upgrade the ledger to this lawtasks' schema; a backup is kept beside it first.",
    ),
    "out.upgraded": (
        "已将 {db} 从结构版本 {old} 升级到 {new}。",
        "Upgraded {db} from schema version {old} to {new}.",
    ),
    "out.up_to_date": (
        "{db} 已是最新结构版本 {version}。",
        "{db} is at the current schema version {version} already.",
    ),
    "error.db_newer": (
        "{db} 由较新版本的 lawtasks 创建(结构版本 {version},本程序支持 {supported}):"
        "请升级 lawtasks。",
        "{db} was made by a newer lawtasks (schema version {version}; this one reads "
        "{supported}): upgrade lawtasks.",
    ),
    "error.backup_sqlite_only": (
        "备份和恢复只适用于 SQLite 台账文件;PostgreSQL 请使用 pg_dump。",
        "Backup and restore work on a SQLite ledger file; for PostgreSQL use pg_dump.",
    ),
    "error.backup_dir": (
        "无法备份到 {path}:目录不存在。",
        "Cannot back up to {path}: the directory does not exist.",
    ),
    "error.backup_failed": ("备份到 {path} 失败:{reason}", "Backup to {path} failed: {reason}"),
    "error.restore_invalid": (
        "不能用 {path} 恢复:{reason}。台账未作改动。",
        "Cannot restore from {path}: {reason}. The ledger is unchanged.",
    ),
    "error.database": (
        "无法使用数据库 {db}:{reason}",
        "Cannot use the database {db}: {reason}",
    ),
    # -- files, paths, URLs and connections (lawtasks.location, db, backup) ------------
    "error.db_url": (
        "{value} 不是可用的数据库地址({reason})。地址形如 "
        "postgresql+psycopg://用户@主机:5432/库名 或 sqlite:///路径;文件直接写路径即可。",
        "{value} is not a database URL lawtasks can read ({reason}). A URL looks like "
        "postgresql+psycopg://USER@HOST:5432/DBNAME or sqlite:///PATH; a file is named by "
        "its path alone.",
    ),
    "error.db_dir_missing": (
        "无法打开 {db}:目录 {dir} 不存在。请检查路径;如确需新目录,先创建它"
        '(mkdir -p "{dir}",Windows 上 mkdir "{dir}")。',
        "Cannot open {db}: the directory {dir} does not exist. Check the path; if it is "
        'meant to be new, create it first (mkdir -p "{dir}"; on Windows, mkdir "{dir}").',
    ),
    "error.db_not_regular": (
        "无法打开 {db}:它不是普通文件(而是目录、管道或设备)。请用 --db 指定台账文件。",
        "Cannot open {db}: it is not a regular file (a directory, a pipe or a device). "
        "Name a ledger file with --db.",
    ),
    "error.backup_is_ledger": (
        "不能备份到 {path}:它就是台账 {db} 本身(或其 -wal/-shm 文件、链接)。请另选文件。",
        "Cannot back up to {path}: it is the ledger {db} itself (or its -wal/-shm file, or "
        "a link to one). Choose another file.",
    ),
    "error.backup_not_regular": (
        "不能备份到 {path}:它不是普通文件。请另选文件。",
        "Cannot back up to {path}: it is not a regular file. Choose another file.",
    ),
    "reason.no_such_file": ("文件不存在", "no such file"),
    "reason.not_regular": ("不是普通文件", "it is not a regular file"),
    "reason.not_a_ledger": ("不是 lawtasks 台账", "it is not a lawtasks ledger"),
    "reason.is_ledger": ("它就是要恢复的台账本身", "it is the ledger itself"),
    "reason.bad_version": (
        "其结构版本 {version} 不是数字",
        "its schema version {version} is not a number",
    ),
    "out.restored_new": (
        "已从 {source} 恢复到 {db}(原先没有台账)。",
        "Restored from {source} to {db} (there was no ledger there before).",
    ),
    "out.repaired": (
        "{db} 上次创建时被中断,已重新创建(结构版本 {version})。",
        "{db} was left half-made by an interrupted first start; it was made anew at schema "
        "version {version}.",
    ),
    # service results
    "undo.reverted": (
        "已撤销 {actor} 于 {at} 的操作:",
        "Reverted the change {actor} made at {at}:",
    ),
    "seed.created": (
        "已创建计划 {plan}:{tasks} 项任务,{items} 个事项。",
        "Created plan {plan}: {tasks} tasks, {items} items.",
    ),
    "seed.exists": (
        "计划 {plan} 已存在,未作改动。",
        "Plan {plan} exists already; nothing was changed.",
    ),
    "seed.updated": (
        "计划 {plan} 已存在,补充了 {added} 个缺失的条目。",
        "Plan {plan} exists already; {added} missing entries were added.",
    ),
    # -- users and their units (lawtasks.access) -----------------------------------------
    "access.actor_of_unit": ("{unit}的{actor}", "{actor} ({unit})"),
    "access.officers_of": ("{unit}的 {names}", "officers of {unit}: {names}"),
    "access.coordinators": ("协调人 {names}", "coordinators: {names}"),
    "access.none": ("(尚无)", "(none yet)"),
    "access.action.import": ("导入计划", "import a plan"),
    "access.action.users": ("管理用户", "manage users"),
    "access.action.foreign_row": (
        "把一个单位的填报应用到另一单位负责的事项",
        "apply one unit's return to an item another unit leads",
    ),
    "access.action.sheets": ("向其他单位发出填报表", "send return sheets to other units"),
    "access.action.returns": (
        "以各单位经办人的名义录入报表",
        "enter a unit's return under its officers' names",
    ),
    "error.access_unknown": (
        "{actor} 不是本台账的用户,不能修改。可修改者:{who}。请协调人用 lawtasks users add 添加。",
        "{actor} is not a user of this ledger and may change nothing. Who may: {who}. "
        "A coordinator adds users with: lawtasks users add NAME --unit UNIT",
    ),
    "error.access_item": (
        "{actor} 无权修改 {ref}:其责任单位为 {unit}。可修改者:{who}。",
        "{actor} may not change {ref}: its lead unit is {unit}. Who may: {who}.",
    ),
    "error.access_no_unit": (
        "{actor} 无权修改 {ref}:它没有责任单位,只有协调人可以修改。可修改者:{who}。",
        "{actor} may not change {ref}: it has no lead unit, so only a coordinator may. "
        "Who may: {who}.",
    ),
    "error.access_handoff": (
        "{actor} 不能把 {ref} 交给 {unit}:只有协调人可以改变事项的责任单位。可修改者:{who}。",
        "{actor} may not hand {ref} to {unit}: only a coordinator may change an item's "
        "lead unit. Who may: {who}.",
    ),
    "error.access_coordinator": (
        "{actor} 无权{action}:只有协调人可以。可操作者:{who}。",
        "{actor} may not {action}: only a coordinator may. Who may: {who}.",
    ),
    "error.access_first_user": (
        "第一个用户必须是协调人(加 --coordinator),否则没有人能管理其他用户。",
        "The first user must be a coordinator (add --coordinator), or nobody could manage "
        "the others.",
    ),
    "error.access_last_coordinator": (
        "{name} 是最后一位协调人:先添加另一位协调人。",
        "{name} is the last coordinator: add another coordinator first.",
    ),
    "error.access_no_user": (
        "没有用户 {name}。现有用户:{names}。",
        "There is no user {name}. Users: {names}.",
    ),
    "error.access_login": (
        "以 PostgreSQL 用户 {login} 连接,不能以 {actor} 的名义修改:变更记在登录用户名下。",
        "Connected to PostgreSQL as {login}, you cannot make changes as {actor}: changes "
        "are recorded under the login.",
    ),
    "error.access_role": (
        "无法为 {name} 建立数据库登录:{reason}。"
        "数据库所有者需要 CREATEROLE 权限,或由管理员先建好该角色。",
        "Cannot set up the database login of {name}: {reason}. The database owner needs "
        "the CREATEROLE privilege, or an administrator creates the role first.",
    ),
    # PostgreSQL: the writers' lock (lawtasks.db), held too long by another session
    "error.db_writer_lock": (
        "台账的写锁已被 {holder} 占用超过 {seconds} 秒,本次未作任何修改。请待其完成后重试,"
        "或请数据库管理员结束该会话(SELECT pg_terminate_backend({pid}))。",
        "The ledger's write lock has been held for over {seconds} s by {holder}; nothing "
        "was changed. Try again once they are done, or ask the database administrator to "
        "end that session (SELECT pg_terminate_backend({pid})).",
    ),
    "db.lock_holder": ("用户 {user}({details})", "{user} ({details})"),
    "db.lock_from": ("来自 {address}", "from {address}"),
    "db.lock_state": ("自 {since} 起 {state}", "{state} since {since}"),
    "db.lock_unknown": ("另一会话(已退出)", "another session (since gone)"),
}


# Front ends and exporters keep their own messages beside their code; each of these modules
# holds a MESSAGES dict of the same shape, merged in here so that one test sees them all.
# They are plain dicts: loading them imports nothing heavy.
CATALOGS = ("lawtasks.exporters.messages", "lawtasks.tui.messages")


def _merge_catalogs() -> None:
    import importlib

    for name in CATALOGS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name is not None and name.startswith(error.name):
                continue  # that front end is not part of this build
            raise
        for key, value in module.MESSAGES.items():
            if key in MESSAGES:
                raise ValueError(f"message {key} is defined twice")
            MESSAGES[key] = value


def detect_language(env: Mapping[str, str] | None = None) -> Lang:
    """Pick the language: LAWTASKS_LANG, then the POSIX locale variables, then English."""
    env = os.environ if env is None else env
    explicit = env.get("LAWTASKS_LANG", "").strip().lower()
    if explicit in LANGS:
        return "zh" if explicit == "zh" else "en"
    # POSIX precedence: LC_ALL overrides LC_MESSAGES, which overrides LANG.
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


_current: Lang | None = None


def set_language(lang: str | None) -> Lang:
    """Fix the language for this process; None goes back to detection."""
    global _current
    if lang is None:
        _current = None
        return get_language()
    code = lang.strip().lower()
    if code not in LANGS:
        from lawtasks.errors import DomainError

        raise DomainError("error.lang", value=lang)
    _current = "zh" if code == "zh" else "en"
    return _current


def get_language() -> Lang:
    return _current if _current is not None else detect_language()


def t(key: str, /, *, lang: Lang | None = None, **params: object) -> str:
    """The message `key` in the current (or given) language, formatted with `params`."""
    zh, en = MESSAGES[key]
    template = zh if (lang or get_language()) == "zh" else en
    return template.format(**params) if params else template


_merge_catalogs()
