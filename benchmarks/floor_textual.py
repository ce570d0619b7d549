"""The floor for a TUI's first screen: the least a Textual app does to show an 18-node tree.

A Tree of 6 tasks x 3 items, all expanded, and nothing else: no database, no CSS file. The
harness times it to its last label, `Item 6.3`.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Tree


class FloorApp(App[None]):
    def compose(self) -> ComposeResult:
        tree: Tree[None] = Tree("plan")
        tree.show_root = False
        for task in range(1, 7):
            node = tree.root.add(f"Task {task}", expand=True)
            for item in range(1, 4):
                node.add_leaf(f"Item {task}.{item}")
        yield tree


if __name__ == "__main__":
    FloorApp().run()
