"""The tree of tasks and their items, on the left of the main screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from lawtasks.readmodel import ItemView, PlanView, TaskView
from lawtasks.render import STATUS_GLYPH, percent, printable, warning_mark
from lawtasks.tui.i18n_bindings import translate_bindings

Node = TaskView | ItemView

# Above this many items a plan opens folded, its items' nodes made as tasks are unfolded.
LAZY_OVER = 500


class PlanTree(Tree[Node]):
    """Tasks with their items. Announces the node under the cursor; the screen decides."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "tui.key.move", show=False),
        Binding("k", "cursor_up", "tui.key.move", show=False),
        Binding("left", "collapse", "tui.key.fold", show=False),
        Binding("right", "expand", "tui.key.fold", show=False),
        Binding("enter", "toggle_node", "tui.key.fold", show=False),
        # Space is the officers' "mark done", not the tree's own expand toggle.
        Binding("space", "screen.toggle_done", "tui.key.toggle", key_display="space"),
    ]

    class Highlighted(Message):
        """The cursor moved to a task or an item (or to nothing)."""

        def __init__(self, node: Node | None) -> None:
            super().__init__()
            self.node = node

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("plan", id=id)
        self.show_root = False
        self.guide_depth = 2
        self._by_ref: dict[str, TreeNode[Node]] = {}  # the nodes made so far, by ID
        # The items of folded tasks whose nodes are not made yet, by task ID.
        self._pending: dict[str, Sequence[ItemView]] = {}
        self._shape: list[str] = []  # every task and item ID shown, in order
        self._label_width = 0  # the width the cached lines' labels were cut to
        translate_bindings(self)

    # -- content --------------------------------------------------------------------------

    @staticmethod
    def key(node: Node) -> str:
        """Items are `2.3`, tasks `2`: the same IDs the CLI takes."""
        return node.id if isinstance(node, ItemView) else str(node.id)

    def show_plan(self, view: PlanView) -> None:
        """Show `view`, keeping the cursor on the same task or item where it still exists.

        When the shape is unchanged (the usual case after an edit) the labels are updated in
        place, so nothing jumps and collapsed tasks stay collapsed. A plan of more than
        LAZY_OVER items opens with its tasks folded, and a task's items become nodes when it
        is first unfolded: ten thousand nodes nobody looks at would cost the first screen.
        """
        wanted = [str(task.id) for task in view.tasks] + [item.id for item in view.items]
        if self._shape == wanted:
            for task in view.tasks:
                self._update(self._by_ref[str(task.id)], task)
                if str(task.id) in self._pending:
                    self._pending[str(task.id)] = task.items
                    continue
                for item in task.items:
                    self._update(self._by_ref[item.id], item)
            self._announce()
            return
        current = self.cursor_node.data if self.cursor_node else None
        current_key = self.key(current) if current is not None else None
        tasks_before = {key for key in self._by_ref if "." not in key}
        expanded = {key for key in tasks_before if self._by_ref[key].is_expanded}
        lazy = len(wanted) - len(view.tasks) > LAZY_OVER
        self.clear()
        self._by_ref, self._pending, self._shape = {}, {}, wanted
        for task in view.tasks:
            key = str(task.id)
            # Folded as it was; a new task unfolded, unless the plan is large.
            unfold = key in expanded or (key not in tasks_before and not lazy)
            task_node = self.root.add(self._label(task), data=task, allow_expand=True)
            self._by_ref[key] = task_node
            if unfold:
                self._add_items(task_node, task.items)
                task_node.expand()
            else:
                self._pending[key] = task.items
        target = self._by_ref.get(current_key or "")
        if target is None and current_key and "." in current_key:
            target = self._by_ref.get(current_key.split(".")[0])
        self.call_after_refresh(self._move_to, target)

    def _add_items(self, task_node: TreeNode[Node], items: Sequence[ItemView]) -> None:
        for item in items:
            self._by_ref[item.id] = task_node.add_leaf(self._label(item), data=item)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Node]) -> None:
        data = event.node.data
        if isinstance(data, TaskView):
            items = self._pending.pop(str(data.id), None)
            if items is not None:
                self._add_items(event.node, items)

    def _move_to(self, node: TreeNode[Node] | None) -> None:
        if node is not None and node.line >= 0:
            self.move_cursor(node)
        elif self._by_ref:
            self.move_cursor(next(iter(self._by_ref.values())))
        self._announce()

    def _update(self, node: TreeNode[Node], data: Node) -> None:
        node.data = data
        node.set_label(self._label(data))

    @staticmethod
    def _label(node: Node) -> Text:
        # The label is rebuilt to the width in render_label; this is its plain form, used for
        # searching and measuring.
        return Text(printable(node.title))

    def action_collapse(self) -> None:
        """Left: fold the task, or from an item go up to its task (as file managers do)."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def action_expand(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand and not node.is_expanded:
            node.expand()

    def selected(self) -> Node | None:
        return self.cursor_node.data if self.cursor_node else None

    # -- rendering ------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # Labels are cut to the width the scrollbar leaves, but Textual's line cache is
        # keyed by the widget's width: when a filter left too few rows to scroll, lines
        # drawn beside the scrollbar stayed one cell short and their columns one cell off.
        width = self.scrollable_content_region.width
        if width != self._label_width:
            self._label_width = width
            self._invalidate()
        return super().render_lines(crop)

    def render_label(self, node: TreeNode[Node], base_style: Style, style: Style) -> Text:
        """A fixed right-hand part (status, progress, colour) and a title cut to fit.

        The title is cut by display cells with an ellipsis, so a wide character is never
        split and the right-hand parts line up in a column.
        """
        data = node.data
        if data is None:
            return super().render_label(node, base_style, style)
        depth = 1 if isinstance(data, TaskView) else 2
        icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
        prefix_width = (depth - 1) * self.guide_depth + (len(icon) if node.allow_expand else 0)
        available = max(10, self.scrollable_content_region.width - prefix_width - 1)
        if isinstance(data, TaskView):
            head = Text(f"({data.numeral}) ", style="bold")
            tail = Text(f" [{data.done}/{data.total}] {percent(data.progress):>5}", style="bold")
        else:
            head = Text(f"{data.id} {STATUS_GLYPH[data.status]} ")
            tail = Text(f" {data.progress:>3}% ")
            tail.append_text(warning_mark(data.warning))
        title = Text(printable(data.title))
        room = max(1, available - head.cell_len - tail.cell_len)
        title.truncate(room, overflow="ellipsis", pad=True)
        label = Text.assemble(head, title, tail)
        label.stylize(style)
        if node.allow_expand:
            return Text.assemble((icon, base_style), label)
        return label

    # -- announcing -----------------------------------------------------------------------

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Node]) -> None:
        event.stop()
        self.post_message(self.Highlighted(event.node.data))

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self.selected()))
