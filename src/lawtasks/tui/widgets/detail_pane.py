"""The detail pane: everything about the selected task or item."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from lawtasks.i18n import t
from lawtasks.readmodel import EventView, ItemView, TaskView
from lawtasks.render import item_detail, task_detail


class DetailPane(VerticalScroll):
    """Shows the full text, the fields, the notes (newest first) and the recent history.

    It renders the same renderables as `lawtasks show`, so the two never disagree; they are
    built from rich Text, so stored text is never read as markup.
    """

    shown: RenderableType = ""
    # Whether the plan asks for 销号: a done item then shows 已完成（待销号） or 已销号.
    signoff: bool = False

    def compose(self) -> ComposeResult:
        yield Static(Text(t("tui.loading")), id="detail-body")

    def show_node(self, node: TaskView | ItemView | None, history: Sequence[EventView]) -> None:
        if node is None:
            self.shown = Text(t("tui.select_item"), style="dim")
        elif isinstance(node, ItemView):
            self.shown = item_detail(node, history, signoff=self.signoff)
        else:
            self.shown = task_detail(node, history)
        self.query_one("#detail-body", Static).update(self.shown)
