"""Plain-terminal renderings of the read model, shared by the CLI and the text exports.

Stored text is data, never markup: everything here builds `rich.text.Text` objects (which
do not parse markup) from `printable()` strings (which show control characters literally).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from lawtasks.domain import (
    BIDI_CLASS,
    CONTROL_CLASS,
    Status,
    Warning,
    file_size,
    period_end,
    trail_value,
)
from lawtasks.i18n import join_list, labelled, t
from lawtasks.readmodel import EventView, EvidenceView, ItemView, NoteView, PlanView, TaskView

if TYPE_CHECKING:
    from lawtasks.parser import ParsedPlan

# Shown, not obeyed: control characters, and the bidi controls that would reorder a line on
# screen (a name stored before they were refused, or an actor's, may still hold one).
_UNSHOWABLE = re.compile(f"[{CONTROL_CLASS}{BIDI_CLASS}]")


STATUS_GLYPH = {
    Status.NOT_STARTED: "○",
    Status.IN_PROGRESS: "◐",
    Status.DONE: "●",
    Status.BLOCKED: "✖",
}
WARNING_STYLE = {Warning.RED: "bold red", Warning.YELLOW: "yellow", Warning.GREEN: "green"}
# Each warning colour has a shape of its own, none of the status glyphs', so that it reads
# without colour (NO_COLOR, a monochrome printout, a colour-blind officer): a square to
# stop, a triangle to take care, a tick for on schedule. Used by the tree, the header,
# `list` and `show`; the exports write the word (红灯), which `warning_text` shows too.
WARNING_GLYPH = {Warning.RED: "■", Warning.YELLOW: "▲", Warning.GREEN: "✓"}


def printable(text: str | None) -> str:
    """`text` with control characters (ESC, NUL, BEL…) shown as \\x1b and the like.

    A note holding an escape sequence must not repaint, retitle or hyperlink the officer's
    terminal; it is shown as the characters it is.
    """
    if not text:
        return ""
    return _UNSHOWABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def bar(percent: float, width: int = 20) -> str:
    """A progress bar in block characters, eighths included, so 43.3% looks like 43%."""
    eighths = round(max(0.0, min(100.0, percent)) / 100 * width * 8)
    full, part = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[part] if part else ""
    return ("█" * full + partial).ljust(width, "·")


def percent(value: float) -> str:
    return f"{value:.0f}%" if float(value).is_integer() else f"{value:.1f}%"


def counts_text(view: PlanView) -> str:
    statuses = "  ".join(
        f"{Status(code).label} {count}" for code, count in view.status_counts.items()
    )
    warnings = "  ".join(
        f"{Warning(code).label} {count}" for code, count in view.warning_counts.items()
    )
    return f"{statuses}   |   {warnings}"


def status_text(item: ItemView, *, signoff: bool = False) -> Text:
    """The status with its glyph; with `signoff`, a done item of a plan that asks for 销号
    says whether it is signed off (已完成（待销号）, 已销号). The TUI shows the plain status
    until its sign-off keys come (issue 17)."""
    label = item.status_label if signoff else item.status.label
    return Text(f"{STATUS_GLYPH[item.status]} {label}")


def warning_text(warning: Warning) -> Text:
    return Text(f"{WARNING_GLYPH[warning]} {warning.label}", style=WARNING_STYLE[warning])


def warning_mark(warning: Warning) -> Text:
    """The warning's glyph alone, in its colour, where there is no room for its word."""
    return Text(WARNING_GLYPH[warning], style=WARNING_STYLE[warning])


# Below this width the lead unit column is left out, so that the titles stay readable.
NARROW = 72
# The lead unit column's widest; the title's narrowest; the space between two columns.
UNIT_WIDTH = 12
TITLE_MIN = 6
GAP = 2
PROGRESS_COLUMN = 3


def items_table(view: PlanView, *, width: int = 120) -> Text:
    """One row per item, grouped under a row for its task; long text is cut with an ellipsis.

    IDs, status, progress, due date and warning keep their width, because a cut ID or figure
    would be a wrong one; the title gives way, and on a narrow terminal the lead unit goes.

    Laid out here rather than by rich's Table, which measures every cell several times: a
    plan of 10,000 items printed in 4.5 s that way, and in a fraction of a second this way.
    """
    with_unit = width >= NARROW
    header = [t("label.id"), t("label.title"), t("label.status"), t("label.progress")]
    header += [t("label.lead_unit")] if with_unit else []
    header += [t("label.due"), t("label.warning")]
    rows: list[tuple[str, list[Text]]] = [("bold", [Text(label) for label in header])]
    for task in view.tasks:
        cells = [
            Text(str(task.id)),
            Text(f"({task.numeral}){printable(task.title)}"),
            Text(f"[{task.done}/{task.total}]"),
            Text(percent(task.progress)),
        ]
        rows.append(("bold", cells + [Text("")] * (3 if with_unit else 2)))
        for item in task.items:
            cells = [Text(item.id), Text(printable(item.title)), status_text(item, signoff=True)]
            cells.append(Text(f"{item.progress}%"))
            if with_unit:
                cells.append(Text(printable(item.lead_unit)))
            cells.append(Text(item.due.isoformat() if item.due else ""))
            cells.append(warning_text(item.warning))
            rows.append(("", cells))
    columns = len(header)
    # The title's width is what the others leave, so its long texts are never measured.
    widths = [
        0 if column == 1 else max(cell_len(row[1][column].plain) for row in rows)
        for column in range(columns)
    ]
    if with_unit:
        widths[4] = min(widths[4], UNIT_WIDTH)
    # The title takes what the others leave, between two spaces a column.
    widths[1] = max(TITLE_MIN, width - sum(widths) + widths[1] - GAP * (columns - 1))
    lines = Text(no_wrap=True, overflow="crop")
    for style, cells in rows:
        line = Text(style=style)
        for column, cell in enumerate(cells):
            # Every character takes a cell or two: the first `width` of them are enough, and
            # a long title is not measured whole.
            shown = cell[: widths[column] + 1] if len(cell) > widths[column] else cell
            if shown.cell_len > widths[column]:
                shown.truncate(widths[column], overflow="ellipsis")
            padding = " " * (widths[column] - shown.cell_len)
            if column == PROGRESS_COLUMN:  # figures line up on the right
                line.append(padding)
                line.append_text(shown)
            else:
                line.append_text(shown)
                line.append(padding)
            line.append(" " * GAP)
        line.rstrip()
        lines.append_text(line)
        lines.append("\n")
    lines.rstrip()
    return lines


def summary(view: PlanView) -> RenderableType:
    lines: list[RenderableType] = [
        Text(printable(view.name), style="bold"),
        Text(f"{t('label.as_of')} {view.today.isoformat()}   {view.slug}"),
        Text(f"{t('label.overall')} {bar(view.progress)} {percent(view.progress)}"),
        Text(counts_text(view)),
        *signoff_lines(view),
        Text(""),
    ]
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, justify="right")
    table.add_column(no_wrap=True, justify="right")
    table.add_column(no_wrap=True)
    for task in view.tasks:
        table.add_row(
            f"({task.numeral})",
            Text(printable(task.title)),
            bar(task.progress, 12),
            percent(task.progress),
            f"[{task.done}/{task.total}]",
            _warning_counts(task),
        )
    lines.append(table)
    red = [item for item in view.items if item.warning is Warning.RED]
    lines.append(Text(""))
    lines.append(Text(f"{t('label.red_items')} ({len(red)})", style="bold red" if red else "bold"))
    for item in red:
        due = item.due.isoformat() if item.due else ""
        lines.append(
            Text(f"  {item.id} {printable(item.title)}  {due}  {printable(item.lead_unit)}")
        )
    if not red:
        lines.append(Text(f"  {t('label.none')}"))
    return Group(*lines)


def signoff_lines(view: PlanView) -> list[RenderableType]:
    """销号: how many done items wait for it and how many have it, and those waiting past
    their due date (the coordinator's to sign off or send back); nothing where no item is
    done or the plan asks for none."""
    counts = view.signoff_counts
    if not view.signoff or not any(counts.values()):
        return []
    lines: list[RenderableType] = [
        Text(t("signoff.counts", awaiting=counts["awaiting"], signed_off=counts["signed_off"]))
    ]
    overdue = view.signoff_overdue
    if overdue:
        lines.append(Text(t("signoff.overdue", number=len(overdue)), style="bold yellow"))
        for item in overdue:
            due = item.due.isoformat() if item.due else ""
            lines.append(
                Text(f"  {item.id} {printable(item.title)}  {due}  {printable(item.lead_unit)}")
            )
    return lines


def _warning_counts(task: TaskView) -> Text:
    if not task.red and not task.yellow:
        return _warning_count(Warning.GREEN, task.total)
    text = Text()
    if task.red:
        text.append_text(_warning_count(Warning.RED, task.red))
    if task.red and task.yellow:
        text.append(" ")
    if task.yellow:
        text.append_text(_warning_count(Warning.YELLOW, task.yellow))
    return text


def _warning_count(warning: Warning, count: int) -> Text:
    return Text(f"{WARNING_GLYPH[warning]} {warning.label} {count}", style=WARNING_STYLE[warning])


# -- lines broken where a reader expects ----------------------------------------------------

# Characters no line starts with (Chinese closing punctuation, and the % of 100%), and
# characters no line ends with (opening brackets and quotes).
NO_LINE_START = frozenset("、，。；：！？）」』”’》〉】…%％,.;:!?)]}")
NO_LINE_END = frozenset("（「『“‘《〈【([{")


def _break_points(plain: str) -> list[bool]:
    """Where a line may start, by index: after a space, and before or after a wide (CJK)
    character, but never before closing punctuation or % nor after an opening bracket, so
    that 100% and 2022-06-30 stay whole and no line starts with 、."""
    allowed = [False] * (len(plain) + 1)
    for index in range(1, len(plain)):
        before, here = plain[index - 1], plain[index]
        if here in NO_LINE_START or before in NO_LINE_END or here == " ":
            continue
        allowed[index] = before == " " or cell_len(before) > 1 or cell_len(here) > 1
    return allowed


def flow_lines(text: Text, width: int, indent: int = 0) -> list[Text]:
    """`text` in lines of at most `width` cells, broken at the places `_break_points`
    allows (a word longer than a line is cut by cells), each line after the first of a
    paragraph indented by `indent`; styles are kept."""
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        plain = paragraph.plain
        allowed = _break_points(plain)
        widths = [0]
        for character in plain:
            widths.append(widths[-1] + cell_len(character))
        start, first = 0, True
        while True:
            room = max(1, width - (0 if first else indent))
            if widths[-1] - widths[start] <= room:
                end = len(plain)
            else:
                fits = [
                    index
                    for index in range(start + 1, len(plain))
                    if allowed[index]
                    and widths[index] - widths[start] - _trailing_spaces(plain, start, index)
                    <= room
                ]
                end = fits[-1] if fits else start + 1
                while not fits and end < len(plain) and widths[end + 1] - widths[start] <= room:
                    end += 1
            line = paragraph[start:end]
            line.rstrip()
            if not first and indent:
                line = Text(" " * indent) + line
            lines.append(line)
            if end >= len(plain):
                break
            start, first = end, False
            while start < len(plain) and plain[start] == " ":
                start += 1
    return lines


def _trailing_spaces(plain: str, start: int, end: int) -> int:
    return len(plain[start:end]) - len(plain[start:end].rstrip(" "))


class Flow:
    """Text that wraps where a reader expects (`flow_lines`), its continuation lines
    indented: a note's, an evidence file's sha256 and a target's 100% were cut mid-number
    or lost their indent when Rich folded them by cells."""

    def __init__(self, text: Text | str, *, indent: int = 0) -> None:
        self.text = text if isinstance(text, Text) else Text(text)
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in flow_lines(self.text, options.max_width, self.indent):
            line.no_wrap = True
            line.overflow = "crop"
            yield line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        plain = self.text.plain
        allowed = _break_points(plain)
        longest, start = 0, 0
        for index in range(1, len(plain) + 1):
            if index == len(plain) or allowed[index] or plain[index] == "\n":
                longest = max(longest, cell_len(plain[start:index].strip()))
                start = index
        widest = max((cell_len(line) for line in plain.split("\n")), default=0)
        return Measurement(min(longest, widest), widest).clamp(max_width=options.max_width)


class Fields:
    """Labels and values in two columns, the labels' as wide as the longest label while that
    leaves the values two thirds of the width; past that, a long label wraps at its spaces
    (Assisting / units) rather than squeezing every value: an English label column of 16
    left 13 columns for the values of the TUI's detail pane at 80×24."""

    def __init__(self, rows: Sequence[tuple[str, str | Text]]) -> None:
        # The values wrap where a reader expects: 100% and a date whole, no line
        # starting with 、.
        self.rows = [
            (label, Flow(value if isinstance(value, Text) else Text(printable(value))))
            for label, value in rows
        ]

    def table(self, width: int) -> Table:
        labels = [label for label, _ in self.rows]
        longest = max((cell_len(label) for label in labels), default=0)
        word = max((cell_len(part) for label in labels for part in label.split()), default=0)
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold", width=min(longest, max(word, width // 3)))
        table.add_column(overflow="fold")
        for label, value in self.rows:
            table.add_row(label, value)
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.table(options.max_width))


def _fields(rows: Sequence[tuple[str, str | Text]]) -> Fields:
    return Fields(rows)


def _notes(notes: Sequence[NoteView]) -> list[RenderableType]:
    rendered: list[RenderableType] = [Text(t("label.notes"), style="bold")]
    for note in notes:
        created = local_time(note.created_at)
        rendered.append(Text(f"  {created}  {printable(note.author)}", style="dim"))
        # Every line of the note indented, those it wraps to as well.
        for paragraph in printable(note.text).split("\n"):
            rendered.append(Padding(Flow(paragraph), (0, 0, 0, 4)))
    if not notes:
        rendered.append(Text(f"  {t('label.none')}"))
    return rendered


def evidence_lines(evidence: Sequence[EvidenceView]) -> list[RenderableType]:
    """An item's evidence (佐证材料): name, size, who attached it and when, and its hash."""
    rendered: list[RenderableType] = [Text(t("label.evidence"), style="bold")]
    for file in evidence:
        line = Text(f"  {printable(file.name)}")
        line.append(
            f"  {file_size(file.size)}  {local_time(file.added_at)}  {printable(file.added_by)}"
            f"  sha256:{file.sha256[:12]}",
            style="dim",
        )
        # Wrapped, the size, time and hash stay under the name, not at the margin.
        rendered.append(Flow(line, indent=4))
    return rendered


def milestone_lines(item: ItemView) -> list[RenderableType]:
    """An item's milestones by date, numbered as `milestone remove` takes them; → the next."""
    rendered: list[RenderableType] = [Text(t("label.milestones"), style="bold")]
    for number, milestone in enumerate(item.milestones, 1):
        mark = "→" if milestone == item.next_milestone else " "
        rendered.append(Text(f" {mark} {number}. {printable(milestone.label)}"))
    return rendered


def history_table(events: Sequence[EventView]) -> Table:
    """The audit trail, one row per event; the change gives way on a narrow terminal."""
    table = Table(box=None, pad_edge=False, header_style="bold", expand=True)
    table.add_column(t("label.time"), no_wrap=True, min_width=16)
    table.add_column(t("label.actor"), no_wrap=True, overflow="ellipsis", max_width=18)
    table.add_column(t("label.id"), no_wrap=True, min_width=4)
    table.add_column(t("label.action"), no_wrap=True)
    table.add_column(t("label.change"), overflow="ellipsis", no_wrap=True, ratio=1, min_width=10)
    for event in events:
        table.add_row(
            local_time(event.at),
            Text(printable(who(event))),
            event.ref or "",
            t(f"action.{event.action}"),
            Text(describe_change(event)),
        )
    return table


def history_lines(events: Sequence[EventView]) -> list[RenderableType]:
    """The recent history of one task or item, one line per event, for narrow panes."""
    if not events:
        return [Text(f"  {t('label.none')}")]
    lines: list[RenderableType] = []
    for event in events:
        line = Text(f"  {local_time(event.at)}  ", style="dim")
        line.append(printable(who(event)), style="bold")
        ref = f" {event.ref}" if event.ref and "." in event.ref else ""
        line.append(f"{ref}  ")
        if event.action not in PLAIN_ACTIONS:
            # As `log`'s action column: an undo must not read as the change it reverted.
            line.append(f"[{t(f'action.{event.action}')}] ", style="bold")
        line.append(describe_change(event))
        lines.append(Flow(line, indent=4))
    return lines


# The actions a history line shows as their change alone; any other (undo, import,
# attach, sign-off…) is named before it.
PLAIN_ACTIONS = frozenset({"set", "note"})


def undo_heading(actor: str, at: datetime | None) -> str:
    """What `undo` reverted, as the CLI and the TUI both say it: whose change, made when
    (已撤销 张三 于 2022-06-15 09:30 的操作：)."""
    return t("undo.reverted", actor=actor, at=local_time(at) if at is not None else "?")


class Reverted(Protocol):
    """A change as the services report it (lawtasks.services.Change)."""

    @property
    def ref(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def old(self) -> str | None: ...
    @property
    def new(self) -> str | None: ...


def undo_summary(actor: str, at: datetime | None, changes: Sequence[Reverted]) -> str:
    """The heading, and under it the first change reverted as `undo` prints it, with how
    many more: the TUI's toast."""
    if not changes:
        return undo_heading(actor, at)
    first = changes[0]
    more = f" (+{len(changes) - 1})" if len(changes) > 1 else ""
    change = f"{first.ref}  {describe(first.field, first.old, first.new)}{more}"
    return f"{undo_heading(actor, at)}\n{change}"


def who(event: EventView) -> str:
    """Who made a change: the actor, and the unit whose return they applied, if any."""
    if event.for_unit:
        return t("returns.who", actor=event.actor, unit=event.for_unit)
    return event.actor


def local_time(moment: datetime) -> str:
    """A stored UTC time on the officer's own clock, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def describe_change(event: EventView) -> str:
    return describe(event.field, event.old, event.new) if event.field else printable(event.new)


# Fields the trail writes as yes/no (domain.trail_text), shown as the language's words.
SWITCH_FIELDS = frozenset({"signoff", "coordinator", "round_closed"})
# A unit's answer to a round, as the trail writes it, and its words.
ROUND_ANSWERS = {"on_time": "round.reported", "late": "round.late"}


def describe(field: str, old: str | None, new: str | None) -> str:
    """`进度 30 → 60`: a field's label and its values in the language's words: a status its
    label, a switch 是/否 (yes/no), a plan's state, a unit's answer to a round, a size as
    people read it, a time on the officer's clock."""

    def show(value: str | None) -> str:
        if value is None:
            return "∅"
        if field == "status":
            return Status(value).label
        if field in SWITCH_FIELDS and value in ("yes", "no"):
            return t(f"value.{value}")
        if field == "state":
            return t(f"value.plan_{value}")
        if field == "round_return" and value in ROUND_ANSWERS:
            return t(ROUND_ANSWERS[value])
        if field == "evidence_limit" and value.isdigit():
            return file_size(int(value))
        if field == "signed_off_at":
            # Stored as a UTC instant to the microsecond; read on the officer's clock.
            moment = trail_value(field, value)
            assert isinstance(moment, datetime)
            return local_time(moment)
        return printable(value).replace("\n", " ⏎ ")

    label = t(f"field.{field}")
    if field == "note":
        # A note is added (new) or retracted by undo (old, with a cross); the colon is the
        # language's (备注：…).
        text = show(new) if new is not None else f"{show(old)} ✗"
        return labelled(label, text)
    return f"{label} {show(old)} → {show(new)}"


def due_text(item: ItemView) -> str:
    """The due date, saying so when it is the plan's period end rather than the item's own."""
    if item.due is None:
        return "—"
    if item.due_is_plan_end:
        return t("label.due_plan_end", due=item.due.isoformat())
    return item.due.isoformat()


# The detail's progress bar: with "100%" it is 15 columns, what the values of the TUI's
# detail pane have at 80×24 beside the English labels.
DETAIL_BAR = 10


def item_detail(
    item: ItemView, history: Sequence[EventView], *, signoff: bool = False
) -> RenderableType:
    """An item's fields, notes, evidence and history; `signoff` as for `status_text`, and
    who signed it off and when."""
    rows: list[tuple[str, str | Text]] = [
        (t("label.id"), item.id),
        (t("label.title"), item.title),
        (t("label.status"), status_text(item, signoff=signoff)),
        (t("label.progress"), f"{bar(item.progress, DETAIL_BAR)} {item.progress}%"),
        (t("label.lead_unit"), item.lead_unit or "—"),
        (t("label.assisting_units"), item.assisting_units or "—"),
        (t("label.responsible_person"), item.responsible_person or "—"),
        (t("label.due"), due_text(item)),
        (t("label.target"), item.target or "—"),
        (t("label.warning"), warning_text(item.warning)),
        (
            t("label.updated"),
            f"{local_time(item.updated_at)}  {item.updated_by}" if item.updated_at else "—",
        ),
        (t("label.version"), str(item.version)),
    ]
    if signoff and item.signed_off_at is not None:
        rows.append(
            (t("label.signed_off"), f"{local_time(item.signed_off_at)}  {item.signed_off_by}")
        )
    return Group(
        Flow(printable(item.text)),
        Text(""),
        _fields(rows),
        Text(""),
        *_notes(item.notes),
        Text(""),
        # Only where there is some: most items have none, and the pane is short.
        *([*evidence_lines(item.evidence), Text("")] if item.evidence else []),
        *([*milestone_lines(item), Text("")] if item.milestones else []),
        Text(t("label.history"), style="bold"),
        *history_lines(history),
    )


# A task's detail lists this many of its items; the tree and `list` show them all.
TASK_DETAIL_ITEMS = 30


def task_detail(task: TaskView, history: Sequence[EventView]) -> RenderableType:
    rows: list[tuple[str, str | Text]] = [
        (t("label.id"), str(task.id)),
        (t("label.task"), f"({task.numeral}){task.title}"),
        (t("label.progress"), f"{bar(task.progress, DETAIL_BAR)} {percent(task.progress)}"),
        (t("label.done_total"), f"[{task.done}/{task.total}]"),
        (t("label.lead_unit"), task.lead_unit or "—"),
        (t("label.warning"), _warning_counts(task)),
    ]
    item_rows = Table(box=None, pad_edge=False, show_header=False, expand=True)
    item_rows.add_column(no_wrap=True)
    item_rows.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    item_rows.add_column(no_wrap=True)
    item_rows.add_column(no_wrap=True, justify="right")
    for item in task.items[:TASK_DETAIL_ITEMS]:
        item_rows.add_row(
            item.id, Text(printable(item.title)), status_text(item), f"{item.progress}%"
        )
    if len(task.items) > TASK_DETAIL_ITEMS:
        more = len(task.items) - TASK_DETAIL_ITEMS
        item_rows.add_row("…", Text(t("label.more_items", count=more), style="dim"), "", "")
    return Group(
        Flow(printable(task.body)),
        Text(""),
        _fields(rows),
        Text(""),
        item_rows,
        Text(""),
        *_notes(task.notes),
        Text(""),
        Text(t("label.history"), style="bold"),
        *history_lines(history),
    )


# -- what an import would create ------------------------------------------------------------


def import_preview(parsed: ParsedPlan) -> list[tuple[str, str]]:
    """The tree an import of `parsed` would create (tasks, items, and each item's lead unit,
    assisting units, due date and target), then what it skipped and why: `import --dry-run`
    prints it, the TUI's import dialog shows it.

    An item read from a table whose 完成时限 cell names no date (a `sources.table.TableItem`
    with its `due_written`, 长期坚持) says so among its facts.

    Each line is (kind, text), kind being task, item, facts, plan_end, skipped or
    skipped_line; the text is indented by spaces as printed and made `printable`, so that a
    front end may style it by kind but shows the file's text as data.
    """
    lines: list[tuple[str, str]] = []
    for task in parsed.tasks:
        lines.append(("task", f"{task.seq} （{task.numeral}）{printable(task.title)}"))
        for item in task.items:
            lines.append(("item", f"  {task.seq}.{item.seq} {printable(item.title)}"))
            facts = [
                (t("label.lead_unit"), item.lead_unit or task.lead_unit),
                (t("label.assisting_units"), item.assisting_units or task.assisting_units),
                (t("label.due"), item.due.isoformat() if item.due else None),
                (t("label.target"), item.target),
            ]
            shown = [f"{label}: {printable(value)}" for label, value in facts if value]
            # A table's 完成时限 cell that names no date (长期坚持): said, not dropped.
            written = getattr(item, "due_written", None)
            if written:
                shown.append(t("out.import_due_not_date", written=printable(written)))
            if shown:
                lines.append(("facts", "      " + " · ".join(shown)))
    if any(item.due is None for task in parsed.tasks for item in task.items):
        end = period_end(parsed.year, None).isoformat()
        lines.append(("plan_end", t("out.import_plan_end", end=end)))
    return lines + skipped_lines(parsed, lines=True)


def skipped_lines(parsed: ParsedPlan, *, lines: bool) -> list[tuple[str, str]]:
    """跳过 3 行：印发机关、抄送、联系人 (each reason once, in the document's order); with
    `lines`, every line skipped under it. Nothing when nothing was skipped."""
    if not parsed.skipped:
        return []
    labels = dict.fromkeys(t(f"skip.{line.reason}") for line in parsed.skipped)
    count = len(parsed.skipped)
    shown = [("skipped", t("out.import_skipped", count=count, reasons=join_list(labels)))]
    if lines:
        for line in parsed.skipped:
            reason = t(f"skip.{line.reason}")
            text = t("out.import_skipped_line", reason=reason, text=printable(line.text))
            shown.append(("skipped_line", text))
    return shown
