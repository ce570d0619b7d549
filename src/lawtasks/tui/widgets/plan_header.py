"""The header: the plan's title and the filter in force, then overall progress and counts.

Laid out for the width it has: the counts give up their words and the bar shrinks on a
narrow terminal, and the title gives way to the filter, which is never cut: with a filter
on, the tree is shorter, and the header says why.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from lawtasks.domain import Status, Warning
from lawtasks.readmodel import PlanView
from lawtasks.render import STATUS_GLYPH, WARNING_GLYPH, WARNING_STYLE, bar, percent, printable

# The layouts of the second line, the first that fits is shown: the bar's width (0: the
# percentage alone), and whether the statuses keep their words.
LAYOUTS = ((24, True), (12, True), (12, False), (0, True), (0, False))


def title_line(view: PlanView, filter_text: str, width: int) -> Text:
    """The plan's title and slug, and the filter on the right; the title is cut first,
    then the slug goes."""
    shown_filter = Text(filter_text, style="reverse") if filter_text else Text()
    slug = Text(f"  {view.slug}", style="dim")
    room = width - shown_filter.cell_len - (1 if filter_text else 0)
    if Text(printable(view.name)).cell_len + slug.cell_len > room:
        slug = Text()
    title = Text(printable(view.name), style="bold")
    title.truncate(max(1, room - slug.cell_len), overflow="ellipsis")
    line = Text.assemble(title, slug)
    if filter_text:
        line.append(" " * max(1, width - line.cell_len - shown_filter.cell_len))
        line.append_text(shown_filter)
    return line


def counts(view: PlanView, *, words: bool) -> Text:
    """Red and yellow first (with their words: they must read without colour), then the
    statuses, with words or as glyphs alone."""
    text = Text()
    gap = "  " if words else " "
    for warning in (Warning.RED, Warning.YELLOW):
        number = view.warning_counts[warning.value]
        text.append(f"{WARNING_GLYPH[warning]} {warning.label} {number}", WARNING_STYLE[warning])
        text.append(gap)
    for code, count in view.status_counts.items():
        status = Status(code)
        text.append(f"{STATUS_GLYPH[status]} {status.label} {count}" if words else
                    f"{STATUS_GLYPH[status]}{count}")  # fmt: skip
        text.append(gap)
    text.rstrip()
    return text


def progress_line(view: PlanView, width: int) -> Text:
    """The first of LAYOUTS that fits `width`; the last, cut, if none does."""
    line = Text()
    for bar_width, words in LAYOUTS:
        shown = f"{bar(view.progress, bar_width)} " if bar_width else ""
        line = Text(f"{shown}{percent(view.progress)}", style="bold")
        line.append("  ")
        line.append_text(counts(view, words=words))
        if line.cell_len <= width:
            return line
    line.truncate(width, overflow="ellipsis")
    return line


class PlanHeader(Widget):
    """Two lines at the top of the main screen, rebuilt for the width whenever it changes."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view: PlanView | None = None
        self.filter_text = ""

    def show_plan(self, view: PlanView, *, filter_text: str = "") -> None:
        self.view, self.filter_text = view, filter_text
        self.refresh()

    def render(self) -> Text:
        if self.view is None:
            return Text()
        width = max(1, self.content_size.width)
        lines = [
            title_line(self.view, self.filter_text, width),
            progress_line(self.view, width),
        ]
        return Text("\n").join(lines)
