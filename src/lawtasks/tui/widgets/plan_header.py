"""The header: the plan's title, overall progress, and counts by status and warning."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from lawtasks.domain import Status, Warning
from lawtasks.readmodel import PlanView
from lawtasks.render import STATUS_GLYPH, WARNING_STYLE, bar, percent, printable


class PlanHeader(Static):
    def show_plan(self, view: PlanView, *, filter_text: str = "") -> None:
        title = Text(printable(view.name), style="bold")
        title.append(f"  {view.slug}", style="dim")
        progress = Text(f"{bar(view.progress, 24)} {percent(view.progress)}", style="bold")
        counts = Text()
        # Red and yellow first: on a narrow terminal they are what must stay visible.
        for warning in (Warning.RED, Warning.YELLOW):
            counts.append(
                f"● {warning.label} {view.warning_counts[warning.value]}  ",
                style=WARNING_STYLE[warning],
            )
        for code, count in view.status_counts.items():
            status = Status(code)
            counts.append(f"{STATUS_GLYPH[status]} {status.label} {count}  ")
        if filter_text:
            counts.append(filter_text, style="reverse")
        self.update(Text("\n").join([title, Text.assemble(progress, "  ", counts)]))
