"""The report as GitHub-flavoured Markdown: the Word report's sections, readable as plain text.

Markdown is often read straight in a terminal, so every stored text goes through
`render.printable` (an escape sequence in a note shows as `\\x1b`, it does not repaint the
screen). In table cells a pipe is escaped as `\\|` and a line break becomes `<br>`; outside
tables, notes are block quotes, one line of the note per line of the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lawtasks.exporters.content import (
    attention_entry,
    attention_items,
    change_rows,
    changes_intro,
    counts_sentence,
    due_text,
    evidence_line,
    figures,
    filter_statement,
    long_date,
    note_byline,
    period_sentences,
    report_title,
    task_heading,
    task_line,
)
from lawtasks.exporters.trail import head_line
from lawtasks.i18n import t
from lawtasks.readmodel import ItemView, PlanView, TaskView
from lawtasks.render import percent, printable

if TYPE_CHECKING:
    from lawtasks.exporters import ExportRequest


def cell(text: str | None) -> str:
    """`text` fit for one GFM table cell: printable, pipes escaped, line breaks as <br>."""
    value = printable(text).replace("|", "\\|")
    return value.replace("\r\n", "\n").replace("\n", "<br>") or " "


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(cell(name) for name in header) + " |"]
    lines.append("|" + "|".join(" --- " for _ in header) + "|")
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return lines


def _quote(text: str) -> list[str]:
    return [f"> {line}".rstrip() for line in printable(text).split("\n")]


def _overall(view: PlanView) -> list[str]:
    header = [
        t("label.task"),
        t("label.progress"),
        t("label.done_total"),
        t("warning.red"),
        t("warning.yellow"),
    ]
    rows = []
    for task in view.tasks:
        shown = figures(task.items)
        rows.append(
            [
                task_heading(task),
                percent(shown.progress),
                f"[{shown.done}/{shown.total}]",
                str(shown.red),
                str(shown.yellow),
            ]
        )
    return [
        f"## {t('export.section_overall')}",
        "",
        printable(counts_sentence(view)),
        "",
        *_table(header, rows),
        "",
    ]


def _item_detail(item: ItemView) -> list[str]:
    lines = [f"**{item.id} {printable(item.title)}**", "", *_quote(item.text), ""]
    note = item.latest_note
    if note is not None:
        lines += [printable(t("export.latest_note_line", byline=note_byline(item))), ""]
        lines += [*_quote(note.text), ""]
    evidence = evidence_line(item)
    if evidence is not None:
        lines += [printable(evidence), ""]
    return lines


def _task(task: TaskView) -> list[str]:
    header = [
        t("label.id"),
        t("label.title"),
        t("label.status"),
        t("label.progress"),
        t("label.lead_unit"),
        t("label.due"),
        t("label.target"),
        t("label.warning"),
    ]
    rows = [
        [
            item.id,
            item.title,
            item.status_label,
            f"{item.progress}%",
            item.lead_unit or "—",
            due_text(item),
            item.target or "—",
            item.warning.label,
        ]
        for item in task.items
    ]
    lines = [f"### {printable(task_heading(task))}", "", task_line(task), ""]
    if task.items:
        lines += [*_table(header, rows), ""]
    for item in task.items:
        lines += _item_detail(item)
    return lines


def _attention(view: PlanView) -> list[str]:
    urgent, yellow = attention_items(view)
    lines = [f"## {t('export.section_attention')}", ""]
    if not urgent and not yellow:
        return [*lines, t("label.none"), ""]
    for key, items in (("export.attention_red", urgent), ("export.attention_yellow", yellow)):
        if items:
            lines += [f"**{t(key)}**", ""]
            lines += [f"- {printable(attention_entry(item))}" for item in items]
            lines.append("")
    return lines


def _changes(request: ExportRequest) -> list[str]:
    changes = request.changes or ()
    lines = [
        f"## {t('export.section_changes')}",
        "",
        changes_intro(request.since, len(changes)),
        "",
    ]
    if changes:
        header = [
            t("label.time"),
            t("label.actor"),
            t("label.id"),
            t("label.action"),
            t("label.change"),
        ]
        rows = [
            [row.at, row.actor, row.ref, row.action, row.change] for row in change_rows(changes)
        ]
        lines += [*_table(header, rows), ""]
    return lines


def _period(request: ExportRequest) -> list[str]:
    """本期变化: what changed in the period, in words, before the tables."""
    if request.period is None:
        return []
    lines = [f"## {t('export.section_period')}", ""]
    for sentence in period_sentences(request.period):
        lines += [printable(sentence), ""]
    return lines


def _filters(request: ExportRequest) -> list[str]:
    """筛选：… under the frame, when the report shows part of the plan."""
    statement = filter_statement(request)
    return [] if statement is None else [f"**{printable(statement)}**", ""]


def render_markdown(request: ExportRequest) -> str:
    view = request.view
    lines = [
        f"# {printable(report_title(view))}",
        "",
        # Two lines of the frame, kept apart by a hard line break (a trailing backslash).
        t("export.as_of", date=long_date(view.today)) + "\\",
        printable(t("export.exported_by", actor=request.exported_by)),
        "",
        *_filters(request),
        *_period(request),
        *_overall(view),
        f"## {t('export.section_tasks')}",
        "",
    ]
    for task in view.tasks:
        lines += _task(task)
    lines += _attention(view)
    if request.changes is not None:
        lines += _changes(request)
    if view.trail is not None:
        # Last, where verify --against finds it in a report filed away.
        lines += ["---", "", head_line(view.trail)]
    return "\n".join(lines).rstrip("\n") + "\n"
