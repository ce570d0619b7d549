"""What every export says, decided once: the sections, the wording, the needs-attention list.

The format modules only lay this content out. Keeping the choices here (which items need
attention and in what order, how a date or a note's byline reads, which cells could turn
into formulas) means the Word report, the 台账 and the Markdown never disagree.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from lawtasks.domain import Status, Warning
from lawtasks.i18n import get_language, t
from lawtasks.period import NAMED, PeriodSummary
from lawtasks.readmodel import EventView, ItemView, PlanView, TaskView
from lawtasks.render import describe_change, local_time, percent

# A spreadsheet treats a cell starting with one of these as a formula (or, for tab and CR, may
# shift it into one); OWASP's advice for CSV injection is to prefix a single quote.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def defuse(text: str) -> str:
    """`text`, made inert for a spreadsheet: never evaluated as a formula, never cut."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def attention_items(view: PlanView) -> tuple[list[ItemView], list[ItemView]]:
    """The items that need attention: (red or blocked, yellow), each in plan order.

    A blocked item needs a decision whatever its date, so it sits with the red ones; an
    item that is both red and blocked is listed once.
    """
    urgent = [
        item for item in view.items if item.warning is Warning.RED or item.status is Status.BLOCKED
    ]
    urgent_ids = {item.id for item in urgent}
    yellow = [
        item for item in view.items if item.warning is Warning.YELLOW and item.id not in urgent_ids
    ]
    return urgent, yellow


def long_date(day: date) -> str:
    """2022年6月30日 in Chinese, 2022-06-30 in English."""
    return t("export.date", year=day.year, month=day.month, day=day.day)


def _join(parts: list[str]) -> str:
    # The enumeration comma is punctuation, not a message: it follows the language.
    return ("、" if get_language() == "zh" else ", ").join(parts)


def counts_sentence(view: PlanView) -> str:
    """The 一、总体进展 paragraph: overall progress, then counts by status and by warning."""
    statuses = _join(
        [
            t("export.count", label=Status(code).label, count=count)
            for code, count in view.status_counts.items()
        ]
    )
    warnings = _join(
        [
            t("export.count", label=Warning(code).label, count=count)
            for code, count in view.warning_counts.items()
        ]
    )
    return t(
        "export.overall",
        date=long_date(view.today),
        total=sum(view.status_counts.values()),
        progress=percent(view.progress),
        statuses=statuses,
        warnings=warnings,
    )


def task_heading(task: TaskView) -> str:
    """（一）持续强化…: the report's own numbering, the same in both languages."""
    return f"（{task.numeral}）{task.title}"


def task_line(task: TaskView) -> str:
    return t(
        "export.task_line",
        progress=percent(task.progress),
        done=task.done,
        total=task.total,
        red=task.red,
        yellow=task.yellow,
    )


def report_title(view: PlanView) -> str:
    return t("export.report_title", plan=view.name)


def item_text(item: ItemView) -> str:
    """The short title and the full text, without saying the title twice.

    Parsed items usually open with their title; a title the officers wrote themselves may not.
    """
    if item.text.startswith(item.title):
        return item.text
    return f"{item.title}\n{item.text}"


def due_text(item: ItemView) -> str:
    return item.due.isoformat() if item.due else "—"


def note_byline(item: ItemView) -> str:
    """Who wrote the latest note, and when; empty when there is none."""
    note = item.latest_note
    if note is None:
        return ""
    return t("export.note_meta", author=note.author, at=local_time(note.created_at))


def attention_entry(item: ItemView) -> str:
    return t(
        "export.attention_entry",
        ref=item.id,
        title=item.title,
        warning=item.warning.label,
        status=item.status.label,
        progress=f"{item.progress}%",
        due=due_text(item),
        unit=item.lead_unit or "—",
    )


@dataclass(frozen=True)
class ChangeRow:
    """One audit event as the reports list it."""

    at: str
    actor: str
    ref: str
    action: str
    change: str


def change_rows(changes: tuple[EventView, ...]) -> list[ChangeRow]:
    return [
        ChangeRow(
            at=local_time(event.at),
            actor=event.actor,
            ref=event.ref or "",
            action=t(f"action.{event.action}"),
            change=describe_change(event),
        )
        for event in changes
    ]


def changes_intro(since: date | None, count: int) -> str:
    return t("export.changes_intro", date=long_date(since) if since else "—", count=count)


def display_width(text: str) -> int:
    """Columns `text` takes in a monospace face: East Asian wide and full-width count 2."""
    widest = 0
    for line in text.split("\n"):
        width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        widest = max(widest, width)
    return widest


# -- the period in brief (本期变化) ---------------------------------------------------------


def _named(parts: list[str]) -> str:
    """The first NAMED of `parts`, joined, and how many more there are."""
    shown = _join(parts[:NAMED])
    more = len(parts) - NAMED
    return shown + t("export.period_more", n=more) if more > 0 else shown


def item_name(item: ItemView) -> str:
    return f"{item.id} {item.title}"


def period_sentences(summary: PeriodSummary) -> list[str]:
    """The 本期变化 section as sentences, one paragraph each: the span, what was newly done,
    newly red and yellow, the progress that moved (biggest first) and who reported nothing.
    A list longer than NAMED names its first ones and says how many more."""
    before = summary.since - timedelta(days=1) if summary.since > date.min else summary.since
    sentences = [
        t(
            "export.period_span",
            since=long_date(summary.since),
            as_of=long_date(summary.as_of),
            before=long_date(before),
        )
    ]
    for key, items in (
        ("export.period_done", summary.newly_done),
        ("export.period_red", summary.newly_red),
        ("export.period_yellow", summary.newly_yellow),
    ):
        if items:
            names = [item_name(item) for item in items]
            sentences.append(t(key, n=len(items), items=_named(names)))
        else:
            sentences.append(t(key + "_none"))
    if summary.progress:
        moves = [
            t("export.period_move", item=item_name(move.item), before=move.before,
              after=move.after)
            for move in summary.progress
        ]  # fmt: skip
        sentences.append(t("export.period_progress", n=len(moves), items=_named(moves)))
    else:
        sentences.append(t("export.period_progress_none"))
    if summary.silent_units:
        units = list(summary.silent_units)
        sentences.append(t("export.period_silent", n=len(units), units=_named(units)))
    elif summary.units:
        sentences.append(t("export.period_silent_none"))
    return sentences
