"""What every export says, decided once: the sections, the wording, the needs-attention list.

The format modules only lay this content out. Keeping the choices here (which items need
attention and in what order, how a date or a note's byline reads, which cells could turn
into formulas) means the Word report, the 台账 and the Markdown never disagree.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from lawtasks.domain import Status, Warning, file_size
from lawtasks.i18n import aside, get_language, join_list, t
from lawtasks.period import NAMED, PeriodSummary
from lawtasks.readmodel import EventView, ItemFilter, ItemView, PlanView, TaskView, mean_progress
from lawtasks.render import describe_change, local_time, percent

if TYPE_CHECKING:
    from lawtasks.exporters import ExportRequest

# The states of `ItemView.signoff`, in the order the reports count them.
SIGNOFF_STATES = ("awaiting", "signed_off")

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


def shares(counts: Sequence[int], total: int) -> list[int]:
    """Each count's share of `total` in whole percent, summing to 100 when the counts make
    up the total (largest remainder: the points lost to rounding down go to the counts
    with the largest remainders, the first of equal ones first), so that a 通报's 6%, 0%,
    89% and 6% never add up to 101. All 0 when `total` is."""
    if total <= 0:
        return [0] * len(counts)
    floors = [100 * count // total for count in counts]
    spare = 100 * sum(counts) // total - sum(floors)
    # Python's sort is stable: among equal remainders the earlier count gets the point.
    order = sorted(range(len(counts)), key=lambda i: -(100 * counts[i] % total))
    for index in order[: max(spare, 0)]:
        floors[index] += 1
    return floors


def long_date(day: date) -> str:
    """2022年6月30日 in Chinese, 2022-06-30 in English."""
    return t("export.date", year=day.year, month=day.month, day=day.day)


@dataclass(frozen=True)
class Figures:
    """The roll-ups of the items a report shows: a filtered report counts what it lists.

    A view keeps the plan-wide roll-ups when it is filtered (the CLI's JSON reports them);
    a report computes its figures over its own items instead, so that its summary sentence,
    its task lines and its needs-attention list speak of one and the same set.
    """

    progress: float
    total: int
    done: int
    status_counts: dict[Status, int]
    warning_counts: dict[Warning, int]
    # Done items of a plan that asks for 销号, by `ItemView.signoff`: awaiting, signed_off.
    signoff_counts: dict[str, int]

    @property
    def red(self) -> int:
        return self.warning_counts[Warning.RED]

    @property
    def yellow(self) -> int:
        return self.warning_counts[Warning.YELLOW]


def figures(items: list[ItemView] | tuple[ItemView, ...]) -> Figures:
    statuses = dict.fromkeys(Status, 0)
    warnings = dict.fromkeys(Warning, 0)
    signoff = dict.fromkeys(SIGNOFF_STATES, 0)
    for item in items:
        statuses[item.status] += 1
        warnings[item.warning] += 1
        if item.signoff is not None:
            signoff[item.signoff] += 1
    return Figures(
        progress=mean_progress(items),
        total=len(items),
        done=statuses[Status.DONE],
        status_counts=statuses,
        warning_counts=warnings,
        signoff_counts=signoff,
    )


def signoff_labels() -> list[str]:
    """The words for the two 销号 states, in SIGNOFF_STATES' order: the headers of their
    counts (已完成（待销号）, 已销号), as `ItemView.status_label` says them of an item."""
    return [t(f"signoff.label.{state}") for state in SIGNOFF_STATES]


def counts_sentence(view: PlanView) -> str:
    """The 一、总体进展 paragraph: overall progress, then counts by status and by warning,
    over the items the report shows."""
    shown = figures(view.items)
    counts = []
    for status, count in shown.status_counts.items():
        counted = t("export.count", label=status.label, count=count)
        if status is Status.DONE and view.signoff and count:
            # A plan that asks for 销号: how many of the done items the office accepted.
            split = shown.signoff_counts
            counted += t(
                "export.count_signoff",
                awaiting=split["awaiting"],
                signed_off=split["signed_off"],
            )
        counts.append(counted)
    statuses = join_list(counts)
    warnings = join_list(
        [
            t("export.count", label=warning.label, count=count)
            for warning, count in shown.warning_counts.items()
        ]
    )
    return t(
        "export.overall",
        date=long_date(view.today),
        total=shown.total,
        progress=percent(shown.progress),
        statuses=statuses,
        warnings=warnings,
    )


def filter_statement(request: ExportRequest) -> str | None:
    """Which filters narrowed the report, in words (筛选：任务（一）；状态 进行中); None when
    it shows the whole plan. Every format that has room for a sentence states it, so that a
    report of one task is never read as the county's."""
    item_filter = request.item_filter
    if item_filter is None or item_filter == ItemFilter():
        return None
    numerals = {task.id: task.numeral for task in request.view.tasks}
    parts: list[str] = []
    if item_filter.tasks:
        tasks = [
            f"（{numerals[number]}）" if number in numerals else str(number)
            for number in sorted(item_filter.tasks)
        ]
        parts.append(t("export.filter_task", tasks=join_list(tasks)))
    if item_filter.statuses:
        statuses = [status.label for status in Status if status in item_filter.statuses]
        parts.append(t("export.filter_status", statuses=join_list(statuses)))
    if item_filter.warnings:
        warnings = [warning.label for warning in Warning if warning in item_filter.warnings]
        parts.append(t("export.filter_warning", warnings=join_list(warnings)))
    if item_filter.overdue:
        parts.append(t("export.filter_overdue"))
    if item_filter.unit:
        parts.append(t("export.filter_unit", unit=item_filter.unit))
    if item_filter.due_before:
        parts.append(t("export.filter_due_before", date=long_date(item_filter.due_before)))
    if item_filter.search:
        parts.append(t("export.filter_search", text=item_filter.search))
    separator = "；" if get_language() == "zh" else "; "
    return t("export.filters", filters=separator.join(parts))


def task_heading(task: TaskView) -> str:
    """（一）持续强化…: the report's own numbering, the same in both languages."""
    return f"（{task.numeral}）{task.title}"


def task_line(task: TaskView) -> str:
    """A task's progress line, over the items the report shows of it."""
    shown = figures(task.items)
    return t(
        "export.task_line",
        progress=percent(shown.progress),
        done=shown.done,
        total=shown.total,
        red=shown.red,
        yellow=shown.yellow,
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


def evidence_text(
    item: ItemView, *, sizes: bool = True, separator: str | None = None, limit: int | None = None
) -> str:
    """An item's evidence (佐证材料) in words, oldest first: each file's name, with its size
    where `sizes` (2.1-会议纪要.pdf（12.3 KB）), joined by `separator` (the language's list
    comma by default); with `limit`, the first `limit` names and how many there are in all
    (a.pdf、b.pdf 等 7 份). Empty when there is none. The Word report, the Markdown, the 台账
    and the CSV all say it through here, from the view's evidence: as of a past day, what
    was attached and not yet taken back then."""
    names = [
        aside(file.name, file_size(file.size)) if sizes else file.name for file in item.evidence
    ]
    join = join_list if separator is None else separator.join
    if limit is not None and len(names) > limit:
        return t("export.evidence_more", names=join(names[:limit]), count=len(names))
    return join(names)


def evidence_line(item: ItemView) -> str | None:
    """佐证材料：2.1-会议纪要.pdf（12.3 KB）、…, the line under an item in the Word report
    and the Markdown; None when it has no evidence."""
    if not item.evidence:
        return None
    return t("export.evidence_label") + evidence_text(item)


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
    shown = join_list(parts[:NAMED])
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


def due_state(item: ItemView, today: date) -> str:
    """How an item stands against its due date on `today`, as a 催办 says it: 逾期12天,
    今日到期, 3天后到期; — when it is done or has no due date."""
    if item.due is None or item.status is Status.DONE:
        return "—"
    days = (item.due - today).days
    if days < 0:
        return t("due.overdue", count=-days)
    if days == 0:
        return t("due.today")
    return t("due.ahead", count=days)
