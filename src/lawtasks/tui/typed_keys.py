"""Keys that arrive together are taken one after another, each by the screen it was typed at.

Textual hands a key to the focused widget's message queue and looks up its bindings only
when the key has bubbled back up to the app, against whichever screen is on top by then;
a priority binding (a dialog's enter, the note's ctrl+s) it looks up at once, ahead of the
keys still on their way. Keys that arrive in one read of the terminal (one `tmux
send-keys`, an SSH packet, a fast typist) therefore overtook each other: in the filter
dialog `space enter` applied the filter before the space ticked anything, and the space
then reached the tree under the closed dialog and marked an item done; in the export
dialog `↓ enter` exported the format chosen before the ↓.

Here the app takes each key whole, in its own task: the focused widget, its ancestors and
the bindings handle it before the next key is looked at, and the next waits until

- the messages this key caused are handled (the space's tick in the filter list, the ↓'s
  format), so that enter acts on the state the keys before it left;
- the screen on top is ready: a dialog just opened has its focus, so that `f space enter`
  typed at once goes into the filter dialog, as the officer meant;
- a dialog that opens only after a read (the plan picker, the round) is shown:
  `hold_keys` before the read, and the keys typed meanwhile go into that dialog.

Keys typed before a dialog closed were typed at the dialog: they go nowhere, never to the
screen under it, where a space marks an item done.

This relies on private parts of Textual's message pump and bindings. A Textual without
them (`_compatible`) keeps its own key handling rather than failing on the officer's
screen, and `tests/test_tui_keys.py` fails on such an upgrade.
"""

from __future__ import annotations

import inspect
from collections import deque
from contextlib import suppress
from typing import Any, ClassVar

from textual import events
from textual._time import get_time
from textual.app import App, ScreenStackError
from textual.dom import NoScreen
from textual.message_pump import MessagePump
from textual.screen import Screen

# How long the next key waits for the messages of the one before and for a new dialog's
# focus, and for a dialog that a read is to open (then the keys go where they are).
SETTLE_SECONDS = 1.0
HOLD_SECONDS = 10.0
# How often a waiting key looks again.
POLL_SECONDS = 0.002


class TakenKey(events.Key, bubble=False):
    """A key the app walks up the focus chain itself: it must not bubble on its own."""


# Handlers are found by name: this is still a key to every widget (`_on_key`, `on_key`).
TakenKey.handler_name = events.Key.handler_name


class KeysInOrder(App[None]):
    """An app whose keys are taken in the order typed, each whole, by the screen typed at."""

    # Whether this Textual has what the key handling here builds on; checked once.
    _keys_in_order: ClassVar[bool | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._typed: deque[events.Key] = deque()
        self._delivery_due = False
        self._waiting_since: float | None = None
        self._held_since: float | None = None
        # When a screen was last uncovered (a dialog closed): keys typed earlier were
        # typed at the dialog.
        self._uncovered_at = 0.0
        self._shown_at = 0.0
        self._stack_depth = 0

    @property
    def typed_ahead(self) -> int:
        """Keys typed and not yet taken."""
        return len(self._typed)

    def hold_keys(self) -> None:
        """Keep the keys typed from now on for the next screen to open (a dialog shown
        after a read); `release_keys` if none will."""
        self._held_since = get_time()

    def release_keys(self) -> None:
        if self._held_since is not None:
            self._held_since = None
            self._deliver_soon()

    def _on_mount(self, event: events.Mount) -> None:
        self.screen_change_signal.subscribe(self, self._screen_changed, immediate=True)

    def _screen_changed(self, _screen: Screen[Any]) -> None:
        self._shown_at = get_time()
        depth = len(self.screen_stack)
        if depth < self._stack_depth:
            self._uncovered_at = get_time()
        elif depth > self._stack_depth:
            self._held_since = None  # the dialog the keys were held for
        self._stack_depth = depth

    async def on_event(self, event: events.Event) -> None:
        if (
            isinstance(event, events.Key)
            and not isinstance(event, TakenKey)
            and not event.is_forwarded
            and _compatible()
        ):
            self._typed.append(event)
            self._deliver_soon()
            return
        await super().on_event(event)

    def _deliver_soon(self) -> None:
        # Through the app's queue: what the key before queued there (a focus) comes first.
        if self._typed and not self._delivery_due:
            self._delivery_due = True
            self.call_later(self._deliver)

    def _deliver_later(self) -> None:
        if not self._delivery_due:
            self._delivery_due = True
            self.set_timer(POLL_SECONDS, self._deliver)

    async def _deliver(self) -> None:
        self._delivery_due = False
        if not self._typed:
            return
        now = get_time()
        if self._held_since is not None and now - self._held_since < HOLD_SECONDS:
            self._deliver_later()
            return
        self._held_since = None
        try:
            screen = self.screen
        except ScreenStackError:
            self._typed.clear()  # the app is closing: the keys typed last go with it
            return
        if not self._takes_keys(screen):
            if self._waiting_since is None:
                self._waiting_since = now
            if now - self._waiting_since < SETTLE_SECONDS:
                self._deliver_later()
                return
        self._waiting_since = None
        key = self._typed.popleft()
        if key.time >= self._uncovered_at:
            await self._take(key)
        self._deliver_soon()

    def _takes_keys(self, screen: Screen[Any]) -> bool:
        """Whether `screen` is shown, has its focus (if it is just shown and will have
        one), and has handled every message."""
        if not screen.is_mounted:
            return False
        just_shown = get_time() - self._shown_at < SETTLE_SECONDS
        if just_shown and screen.focused is None and screen.focus_chain:
            return False
        return all(_idle(node) for node in screen.walk_children(with_self=True))

    async def _take(self, typed: events.Key) -> None:
        """Textual's own handling of a key (App.on_event, then the focus chain and the
        bindings), done here whole rather than through each widget's queue."""
        self.app_focus = True
        screen = self.screen
        if screen.maximized is not None and typed.key == "escape" and self.escape_to_minimize:
            screen.minimize()
            return
        if self.focused is not None:
            with suppress(NoScreen):
                screen._clear_tooltip()
        try:
            if await self._check_bindings(typed.key, priority=True):
                return
            key = TakenKey(typed.key, typed.character)
            key.time = typed.time
            key._set_forwarded()
            start = self.focused or screen
            for node in start.ancestors_with_self:
                key._no_default_action = False
                with node._context():
                    await node._on_message(key)
                if key._stop_propagation:
                    break
        except Exception as error:
            self._handle_exception(error)


def _idle(node: MessagePump) -> bool:
    """Whether `node` has no message waiting (one peeked at and kept counts as waiting)."""
    return node._message_queue.qsize() == 0 and node._pending_message is None


def _compatible() -> bool:
    """Whether this Textual has the private parts used here, with the shapes expected."""
    if KeysInOrder._keys_in_order is None:
        try:
            KeysInOrder._keys_in_order = (
                list(inspect.signature(App._check_bindings).parameters)
                == ["self", "key", "priority"]
                and list(inspect.signature(MessagePump._on_message).parameters)
                == ["self", "message"]
                and callable(getattr(MessagePump, "_context", None))
                and "_pending_message" in vars(MessagePump(None))
                and callable(getattr(Screen, "_clear_tooltip", None))
                and callable(getattr(events.Key, "_set_forwarded", None))
                and all(
                    name in events.Key.__slots__ or name in _slots(events.Key)
                    for name in ("_no_default_action", "_stop_propagation", "time")
                )
                and TakenKey.handler_name == "on_key"
                and not TakenKey.bubble
            )
        except (AttributeError, TypeError, ValueError):
            KeysInOrder._keys_in_order = False
    return KeysInOrder._keys_in_order


def _slots(kind: type) -> set[str]:
    return {slot for cls in kind.__mro__ for slot in getattr(cls, "__slots__", ())}


def hold_keys(app: App[Any]) -> None:
    """Keep the keys typed from now on for the dialog a read is about to open."""
    if isinstance(app, KeysInOrder):
        app.hold_keys()


def release_keys(app: App[Any]) -> None:
    """The read opens no dialog after all: the keys held go where they are."""
    if isinstance(app, KeysInOrder):
        app.release_keys()
