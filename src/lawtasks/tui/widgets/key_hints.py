"""The key hints at the bottom, cut to the terminal's width by rank.

Textual's Footer shows every shown binding in a row and lets the row run off the right
edge: at 80 columns the last ones, help and quit among them, were simply not there. Here
the screen ranks its keys; the least important go first until the rest fit, and what is
shown keeps the screen's order. Every key stays in the help (?), which is always shown.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# What a key takes in the compact footer: the key, a space, the description and a margin.
KEY_GAP = 2
# The palette's key sits on the right behind a rule, with a space on either side.
PALETTE_GAP = 3


class Hint(NamedTuple):
    binding: Binding
    enabled: bool
    tooltip: str


def hint_width(key: str, description: str, gap: int = KEY_GAP) -> int:
    return cell_len(key) + cell_len(description) + gap


def action_name(action: str) -> str:
    """`screen.toggle_done` (a widget's binding for the screen's action) as `toggle_done`."""
    return action.removeprefix("screen.")


def fit(
    widths: Sequence[tuple[str, int]], rank: Sequence[str], room: int
) -> tuple[list[str], bool]:
    """Which of `widths` ((action, cells), in the screen's order) fit in `room` cells,
    dropping the least important first: `rank` names the actions most important first, and
    actions it does not name go before any it does, the rightmost first. Also whether the
    palette's hint (the action named "command_palette") fits beside them: it goes first.
    """
    ranked = {action: index for index, action in enumerate(rank)}
    keys = [(action, width) for action, width in widths if action != "command_palette"]
    palette = sum(width for action, width in widths if action == "command_palette")
    order = sorted(
        range(len(keys)),
        key=lambda index: ranked.get(keys[index][0], len(rank) + len(keys) - index),
    )
    kept = list(order)
    while kept and sum(keys[index][1] for index in kept) > room:
        kept.pop()
    total = sum(keys[index][1] for index in kept)
    shown = [keys[index][0] for index in sorted(kept)]
    return shown, bool(palette) and total + palette <= room


class KeyHints(Footer):
    """A compact footer that drops the lowest-ranked keys first, so that those ranked first
    (help and quit) are always on screen."""

    def __init__(self, rank: Sequence[str], *, id: str | None = None) -> None:
        super().__init__(compact=True, id=id)
        self.rank = tuple(rank)
        self._width = 0

    def hints(self) -> dict[str, Hint]:
        """The screen's shown bindings by action, in its order (one key per action)."""
        hints: dict[str, Hint] = {}
        for node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show:
                # The app's quit (ctrl+q) is the screen's app.quit (q): one hint, the first.
                action = action_name(binding.action)
                if node is self.app and "." not in action:
                    action = f"app.{action}"
                hints.setdefault(action, Hint(binding, enabled, tooltip))
        return hints

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        hints = self.hints()
        palette = self._palette()
        widths = [
            (action, hint_width(self.app.get_key_display(hint.binding), hint.binding.description))
            for action, hint in hints.items()
        ]
        if palette is not None:
            key = self.app.get_key_display(palette.binding)
            widths.append(
                ("command_palette", hint_width(key, palette.binding.description, PALETTE_GAP))
            )
        room = self.size.width or self.app.size.width
        shown, with_palette = fit(widths, self.rank, room)
        yield from self._keys(hints[action] for action in shown)
        if with_palette and palette is not None:
            yield FooterKey(
                palette.binding.key,
                self.app.get_key_display(palette.binding),
                palette.binding.description,
                palette.binding.action,
                classes="-command-palette",
                disabled=not palette.enabled,
                tooltip=palette.binding.tooltip or palette.binding.description,
            )

    def _keys(self, hints: Iterator[Hint]) -> Iterator[FooterKey]:
        for hint in hints:
            yield FooterKey(
                hint.binding.key,
                self.app.get_key_display(hint.binding),
                hint.binding.description,
                hint.binding.action,
                disabled=not hint.enabled,
                tooltip=hint.tooltip,
            ).data_bind(compact=Footer.compact)

    def _palette(self) -> Hint | None:
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return None
        active = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if active is None:
            return None
        _node, binding, enabled, tooltip = active
        return Hint(binding, enabled, tooltip)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            if self._bindings_ready:
                self.call_after_refresh(self.recompose)
