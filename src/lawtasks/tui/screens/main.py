"""The main screen: header, plan tree, detail pane and key hints.

The screen turns keys into service calls and shows the result. It holds no SQL and no
rules: reads go through lawtasks.readmodel, writes through lawtasks.services.Ledger, so the
TUI leaves exactly the history the CLI would.

The screen never waits on the database. Writes, plan reads, an item's history, a return's
preview and exports run in thread workers that post a message back, and the screen decides
what to show when it arrives. On PostgreSQL a write may wait seconds for the writers' lock:
meanwhile the cursor moves, the detail pane follows and help opens.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from lawtasks.dates import parse_date
from lawtasks.domain import (
    EVIDENCE_FIELD,
    FIELD_LIMIT,
    NOTE_LIMIT,
    PROGRESS_STEP,
    Status,
    Warning,
    clean_text,
    parse_progress,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import join_list, t, tn
from lawtasks.readmodel import (
    EventView,
    ItemFilter,
    ItemView,
    PlanView,
    TaskView,
    filter_plan,
)
from lawtasks.render import describe, undo_summary
from lawtasks.tui.i18n_bindings import translate_bindings
from lawtasks.tui.screens.dialogs import (
    ConfirmDialog,
    FilterDialog,
    HelpScreen,
    NoteDialog,
    PromptDialog,
    StatusMenu,
    help_rows,
)
from lawtasks.tui.screens.export_dialog import ExportDialog
from lawtasks.tui.screens.import_dialog import ImportDialog, ImportDone, sentences
from lawtasks.tui.screens.plan_picker import PlanPicker
from lawtasks.tui.screens.supervision_dialogs import AttachDialog, RoundDialog
from lawtasks.tui.source import LedgerSource
from lawtasks.tui.typed_keys import hold_keys, release_keys
from lawtasks.tui.wide_cells import keep_wide_characters
from lawtasks.tui.widgets.detail_pane import DetailPane
from lawtasks.tui.widgets.key_hints import KeyHints
from lawtasks.tui.widgets.plan_header import PlanHeader
from lawtasks.tui.widgets.plan_tree import PlanTree
from lawtasks.tui.writes import Write, WriteKind, WriteQueue

if TYPE_CHECKING:
    from lawtasks.reading import PlanEntry
    from lawtasks.returns import ReturnPreview
    from lawtasks.services import Ledger, Outcome
    from lawtasks.services.rounds import RoundStatus

HISTORY_LIMIT = 10
# Long enough for the first screen to be painted, short enough to be ready before a key.
WARM_UP_SECONDS = 0.5
# The worker group of writes: one worker at a time runs the queue in order.
WRITES = "writes"


def check_progress(text: str) -> None:
    parse_progress(text)


def check_line(field: str) -> Callable[[str], None]:
    def check(text: str) -> None:
        clean_text(text, field=field, limit=FIELD_LIMIT)

    return check


def _items(node: TaskView | ItemView) -> tuple[ItemView, ...]:
    return node.items if isinstance(node, TaskView) else (node,)


def _toggle(items: Sequence[ItemView]) -> Mapping[str, Any]:
    """Space: done, or back in progress when every item already is done."""
    all_done = all(item.status is Status.DONE for item in items)
    return {"status": Status.IN_PROGRESS if all_done else Status.DONE}


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_done", "tui.key.toggle", key_display="space"),
        Binding("s", "choose_status", "tui.key.status"),
        Binding("plus,equals_sign", "progress(1)", "tui.key.plus"),
        Binding("minus", "progress(-1)", "tui.key.minus", key_display="-"),
        Binding("p", "set_progress", "tui.key.progress", show=False),
        Binding("n", "note", "tui.key.note"),
        Binding("u", "set_unit", "tui.key.unit", show=False),
        Binding("d", "set_due", "tui.key.due", show=False),
        Binding("t", "set_target", "tui.key.target", show=False),
        Binding("e", "export", "tui.key.export"),
        Binding("g", "dashboard", "tui.key.dashboard"),
        Binding("slash", "search", "tui.key.search", key_display="/", show=False),
        Binding("f", "filter", "tui.key.filter"),
        Binding("escape", "clear_filter", "tui.key.clear", show=False),
        Binding("a", "apply_return", "tui.key.apply", show=False),
        Binding("m", "attach", "tui.key.attach", show=False),
        Binding("w", "round_status", "tui.key.round", show=False),
        Binding("ctrl+z", "undo", "tui.key.undo", show=False),
        Binding("r", "reload", "tui.key.reload", show=False),
        # The detail pane scrolls while the tree keeps the keys (tab moves there too).
        Binding("J,ctrl+down", "scroll_detail(1)", "tui.key.detail_down", show=False),
        Binding("K,ctrl+up", "scroll_detail(-1)", "tui.key.detail_up", show=False),
        Binding("o", "open_plan", "tui.key.plans", show=False),
        Binding("i", "import_plan", "tui.key.import", show=False),
        Binding("question_mark", "help", "tui.key.help", key_display="?"),
        Binding("q", "app.quit", "tui.key.quit"),
    ]
    # The footer's keys, most important first: at 80 columns the last ones give way (all
    # of them are in the help, which is always shown).
    FOOTER_RANK = (
        "help",
        "app.quit",
        "filter",
        "toggle_done",
        "choose_status",
        "note",
        "export",
        "dashboard",
        "progress(1)",
        "progress(-1)",
    )

    # -- what the workers bring back ----------------------------------------------------------

    class PlanRead(Message):
        """The plan as it stood at event `token` (the newest event id when it was read)."""

        def __init__(self, view: PlanView, token: int, note: str | None = None) -> None:
            super().__init__()
            self.view = view
            self.token = token
            self.note = note

    class HistoryRead(Message):
        """The recent history of task or item `ref`, oldest first."""

        def __init__(self, ref: str, history: list[EventView]) -> None:
            super().__init__()
            self.ref = ref
            self.history = history

    class Written(Message):
        """A write is over: what it did or why it was refused, and the plan after it (None
        while more writes wait: the last of them reads it)."""

        def __init__(
            self,
            write: Write,
            outcome: Outcome | None,
            error: DomainError | None,
            plan: MainScreen.PlanRead | None,
        ) -> None:
            super().__init__()
            self.write = write
            self.outcome = outcome
            self.error = error
            self.plan = plan

    class ReturnRead(Message):
        """A return file read, checked and planned against the ledger, or why it could not be."""

        def __init__(
            self, path: Path, preview: ReturnPreview | None, error: DomainError | None
        ) -> None:
            super().__init__()
            self.path = path
            self.preview = preview
            self.error = error

    class PlansRead(Message):
        """The plans this screen can open, or why they could not be read."""

        def __init__(self, plans: list[PlanEntry], error: DomainError | None) -> None:
            super().__init__()
            self.plans = plans
            self.error = error

    class Exported(Message):
        """An export is written (to `path`), or why it was not."""

        def __init__(self, path: Path | None, error: DomainError | None) -> None:
            super().__init__()
            self.path = path
            self.error = error

    class RoundRead(Message):
        """The open (or latest) round's status per unit (None: no round), or why not."""

        def __init__(self, status: RoundStatus | None, error: DomainError | None) -> None:
            super().__init__()
            self.status = status
            self.error = error

    def __init__(self, source: LedgerSource) -> None:
        super().__init__()
        self.lawtasks = source
        self.view: PlanView | None = None  # the whole plan, unfiltered
        self.item_filter = ItemFilter()
        self.token = -1  # the newest event id the screen has shown
        self.writes = WriteQueue()
        # The history shown in the detail pane, and whose it is.
        self._history: tuple[str, list[EventView]] | None = None
        # Set when the screen goes away, so that the listening thread ends with it.
        self._stop_listening = threading.Event()
        translate_bindings(self)
        keep_wide_characters(self)

    def compose(self) -> ComposeResult:
        yield PlanHeader(id="header")
        with Horizontal(id="body"):
            yield PlanTree(id="tree")
            yield DetailPane(id="detail")
        yield KeyHints(self.FOOTER_RANK)

    def on_mount(self) -> None:
        self.query_one(PlanTree).focus()
        if self.lawtasks.has_lean_reader:
            # A few milliseconds even at 10,000 items: shown in the first frame, rather than
            # in a second one after a worker's round trip.
            token = self.lawtasks.latest_event_id()
            self.show_plan(self.lawtasks.read_plan(self.today()), token, None)
        else:
            self.load()
        self.set_interval(self.lawtasks.poll_interval, self.poll)
        self.listen()
        # Once the first screen is up, make the service layer ready for the first change.
        self.set_timer(WARM_UP_SECONDS, self.warm_up)

    @work(thread=True, exclusive=True, group="warm-up")
    def warm_up(self) -> None:
        self.lawtasks.ledger  # noqa: B018 - imports the ORM and opens the engine

    # -- loading ----------------------------------------------------------------------------

    def today(self) -> date:
        return self.lawtasks.today or date.today()

    def _read(self, note: str | None = None) -> MainScreen.PlanRead:
        """The plan, on a worker. The token is read first: a change made in between shows
        up again at the next poll rather than never."""
        token = self.lawtasks.latest_event_id()
        return self.PlanRead(self.lawtasks.read_plan(self.today()), token, note)

    @work(thread=True, exclusive=True, group="load")
    def load(self, *, message: str | None = None) -> None:
        self.post_message(self._read(message))

    @work(thread=True, exclusive=True, group="poll")
    def poll(self) -> None:
        """Changes made elsewhere (the CLI, a colleague's TUI) show within the poll interval.

        One indexed lookup per tick; the plan is read again only when an event was written.
        """
        token = self.lawtasks.latest_event_id()
        if token != self.token:
            view = self.lawtasks.read_plan(self.today())
            self.post_message(self.PlanRead(view, token, t("tui.external")))

    @on(PlanRead)
    def plan_read(self, message: MainScreen.PlanRead) -> None:
        # While the officer's own writes are being made, what changed is theirs, not news
        # from elsewhere: the view is shown, without the word.
        note = None if self.writes.unsettled else message.note
        self.show_plan(message.view, message.token, note)

    def on_unmount(self) -> None:
        self._stop_listening.set()

    def listen(self) -> None:
        """On PostgreSQL, hear other officers' commits as they happen (LISTEN/NOTIFY) and
        reload at once; polling stays as the fallback, and is all SQLite has.

        A plain daemon thread rather than a Textual worker: it blocks in the driver between
        notifications, and must never hold up the app's exit. It opens the engine and its
        connection itself, so that a slow server never holds up the first screen.
        """
        if self.lawtasks.url.startswith("sqlite"):
            return  # no LISTEN in SQLite; and the engine is not needed yet

        def run() -> None:
            from lawtasks.db import listen_for_changes

            try:
                connection = listen_for_changes(self.lawtasks.engine)
            except Exception:  # no listening: polling carries on without it
                return
            if connection is None:
                return
            try:
                while not self._stop_listening.is_set():
                    # Wake up every half second to notice that the screen has gone.
                    for _ in connection.notifies(timeout=0.5, stop_after=1):
                        if not self._stop_listening.is_set():
                            self.app.call_from_thread(self.poll)
            except Exception:  # the connection dropped: polling carries on without it
                pass
            finally:
                connection.close()

        threading.Thread(target=run, name="lawtasks-listen", daemon=True).start()

    def show_plan(self, view: PlanView, token: int, message: str | None) -> None:
        if token < self.token:
            return  # a slower read finished after a newer one
        if self.lawtasks.plan is None:
            # The plan in use, as first read, stays open: a `plans use` elsewhere later
            # never switches this screen (nor its writes) to another plan unseen.
            self.lawtasks.open_plan(view.slug)
        elif view.slug != self.lawtasks.plan:
            return  # read before another plan was opened here
        first, newer = self.view is None, token > self.token
        # News only when the plan open changed: an event in another plan (an import from
        # the i dialog, or elsewhere) leaves what this screen shows as it was.
        changed = self.view is None or view.tasks != self.view.tasks
        self.view, self.token = view, token
        shown = filter_plan(view, self.item_filter)
        self.query_one(PlanHeader).show_plan(view, filter_text=self._filter_text())
        self.query_one(DetailPane).signoff = view.signoff
        self.query_one(PlanTree).show_plan(shown)
        if not first and newer and changed and message:
            self.say(message, timeout=2)

    def _filter_text(self) -> str:
        parts = [self.item_filter.search or ""]
        parts += [status.label for status in sorted(self.item_filter.statuses)]
        parts += [warning.label for warning in sorted(self.item_filter.warnings)]
        text = " ".join(part for part in parts if part)
        return t("tui.filter.active", filter=text) if text else ""

    # -- the detail pane --------------------------------------------------------------------

    @on(PlanTree.Highlighted)
    def show_detail(self, event: PlanTree.Highlighted) -> None:
        node = event.node
        if node is None:
            self._history = None
            self.query_one(DetailPane).show_node(None, [])
            return
        ref = PlanTree.key(node)
        if self._history is not None and self._history[0] == ref:
            # The same task or item, newly read: its fields at once, its history follows.
            self.query_one(DetailPane).show_node(node, self._history[1])
        self.read_history(ref)

    @work(thread=True, exclusive=True, group="history")
    def read_history(self, ref: str) -> None:
        """Every cursor move reads the history of the node under it, off the UI thread; a
        newer move cancels an older read, whose result is then not shown."""
        history = self.lawtasks.read_history(ref, HISTORY_LIMIT)
        if not get_current_worker().is_cancelled:
            self.post_message(self.HistoryRead(ref, history))

    @on(HistoryRead)
    def history_read(self, message: MainScreen.HistoryRead) -> None:
        node = self.selected()
        if node is None or PlanTree.key(node) != message.ref:
            return  # the cursor has moved on; its own read is on its way
        history = list(reversed(message.history))  # newest first, as the notes are
        self._history = (message.ref, history)
        self.query_one(DetailPane).show_node(node, history)

    def say(self, message: str, **options: Any) -> None:
        """A notification. Its text holds notes, units and paths: data, never markup."""
        self.notify(message, markup=False, **options)

    # -- the selected node ------------------------------------------------------------------

    def selected(self) -> TaskView | ItemView | None:
        return self.query_one(PlanTree).selected()

    @staticmethod
    def _ref(node: TaskView | ItemView) -> str:
        return PlanTree.key(node)

    # -- writing ----------------------------------------------------------------------------

    def write(self, write: Write) -> None:
        """Queue `write` behind the others; the first in an idle queue starts the worker."""
        if self.writes.put(write):
            self.run_writes()

    @work(thread=True, group=WRITES)
    def run_writes(self) -> None:
        """Run the queued writes in order, each posting its outcome when it is done.

        One worker at a time (WriteQueue starts it only when none runs), so that two quick
        presses of + are two writes, one after the other.
        """
        while (write := self.writes.take()) is not None:
            outcome: Outcome | None = None
            error: DomainError | None = None
            try:
                outcome = self.writes.run(write, self.lawtasks.ledger)
            except Exception as caught:
                error = self._explain(caught)
            plan = None
            if not self.writes.queued:
                # The plan as this write left it, read here rather than on the UI thread;
                # on a conflict it shows the colleague's change that caused it.
                try:
                    plan = self._read()
                except Exception as caught:
                    self._explain(caught)  # the next poll tries again
            self.post_message(self.Written(write, outcome, error, plan))

    def _explain(self, error: Exception) -> DomainError:
        """`error` as the message an officer is shown; anything else is a bug, raised."""
        if isinstance(error, DomainError):
            return error
        from sqlalchemy.exc import DBAPIError

        if isinstance(error, DBAPIError | sqlite3.Error):
            from lawtasks.db import database_error

            return database_error(self.lawtasks.url, error)
        raise error

    @on(Written)
    def written(self, message: MainScreen.Written) -> None:
        self.writes.settle()
        if message.plan is not None:
            self.show_plan(message.plan.view, message.plan.token, None)
        if message.error is not None:
            self._refuse(message.error)
            return
        outcome = message.outcome
        assert outcome is not None
        if message.write.kind is WriteKind.ATTACH:
            # The trail's value is "name (size bytes) sha256:…": the name is shown.
            files = [change for change in outcome.changes if change.field == EVIDENCE_FIELD]
            names = [(change.new or "").rsplit(" (", 1)[0] for change in files]
            ref = files[0].ref if files else ""
            if names:
                self.say(t("tui.attach.done", ref=ref, name=join_list(names)), timeout=3)
            else:
                self.say(t("tui.unchanged"), timeout=2)
        elif message.write.kind is WriteKind.SIGN_OFF and outcome.changes:
            self.say(t("tui.signed_off", ref=outcome.changes[0].ref), timeout=3)
        elif message.write.kind is WriteKind.REJECT and outcome.changes:
            notes = [change.new or "" for change in outcome.changes if change.field == "note"]
            reason = notes[0] if notes else ""
            self.say(t("tui.rejected", ref=outcome.changes[0].ref, reason=reason), timeout=3)
        elif message.write.kind is WriteKind.UNDO:
            # As `lawtasks undo` says it: whose change, made when, and what it was.
            self.say(undo_summary(outcome.actor, outcome.reverted_at, outcome.changes), timeout=4)
        elif message.write.kind is WriteKind.APPLY:
            items = {change.ref for change in outcome.changes}
            self.say(
                t(
                    "returns.applied",
                    changes=tn("count.changes", len(outcome.changes)),
                    items=tn("count.items", len(items)),
                )
            )
        elif not outcome.changes:
            self.say(t("tui.unchanged"), timeout=2)
        else:
            first = outcome.changes[0]
            more = f" (+{len(outcome.changes) - 1})" if len(outcome.changes) > 1 else ""
            summary = describe(first.field, first.old, first.new) + more
            self.say(t("tui.changed", ref=first.ref, summary=summary), timeout=2)

    def _refuse(self, error: DomainError) -> None:
        if error.key == "error.conflict":
            # Someone changed the item since it was shown: theirs is shown (the write's
            # worker read it), nothing is changed.
            self.say(t("tui.conflict_reloaded", message=str(error)), severity="error")
        else:
            self.say(str(error), severity="error")

    def _change(self, decide: Callable[[Sequence[ItemView]], Mapping[str, Any]]) -> None:
        """Change the selected task or item with the fields `decide` makes of its items."""
        node = self.selected()
        if node is None:
            self.say(t("tui.select_item"), severity="warning")
            return
        self.write(Write.change(self._ref(node), _items(node), decide))

    def _set(self, **fields: Any) -> None:
        self._change(lambda _items: fields)

    # -- actions ----------------------------------------------------------------------------

    def action_toggle_done(self) -> None:
        if self.selected() is not None:
            self._change(_toggle)

    def action_choose_status(self) -> None:
        """A small menu of the four statuses: the one chosen is written, and nothing on the
        way to it (a cycle through 已完成 wrote done and 100 into the trail)."""
        node = self.selected()
        if node is None or not _items(node):
            self.say(t("tui.select_item"), severity="warning")
            return
        ref, current = self._ref(node), _items(node)[0].status

        def done(status: Status | None) -> None:
            if status is not None:
                self._set(status=status)

        self.app.push_screen(StatusMenu(ref, current), done)

    def action_scroll_detail(self, direction: int) -> None:
        pane = self.query_one(DetailPane)
        pane.scroll_relative(y=direction * max(1, pane.size.height // 2), animate=False)

    def action_progress(self, direction: int) -> None:
        self._set(progress_delta=direction * PROGRESS_STEP)

    def _prompt(
        self,
        prompt_key: str,
        value: str,
        check: Callable[[str], None],
        apply: Callable[[str], None],
    ) -> None:
        node = self.selected()
        if node is None:
            self.say(t("tui.select_item"), severity="warning")
            return

        def done(result: str | None) -> None:
            if result is not None:
                apply(result)

        self.app.push_screen(
            PromptDialog(t(prompt_key, ref=self._ref(node)), value, check=check), done
        )

    def _current(self, field: str) -> str:
        node = self.selected()
        if isinstance(node, ItemView):
            value = getattr(node, field)
            return "" if value is None else str(value)
        return ""

    def action_set_progress(self) -> None:
        self._prompt(
            "tui.prompt.progress",
            self._current("progress"),
            check_progress,
            lambda text: self._set(progress=text),
        )

    def action_set_unit(self) -> None:
        self._prompt(
            "tui.prompt.unit",
            self._current("lead_unit"),
            check_line("lead_unit"),
            lambda text: self._set(lead_unit=text),
        )

    def action_set_due(self) -> None:
        year = self.view.year if self.view else date.today().year

        def check(text: str) -> None:
            if text.strip():
                parse_date(text, year=year)

        self._prompt(
            "tui.prompt.due",
            self._current("due"),
            check,
            lambda text: self._set(due=text),
        )

    def action_set_target(self) -> None:
        self._prompt(
            "tui.prompt.target",
            self._current("target"),
            check_line("target"),
            lambda text: self._set(target=text),
        )

    def action_note(self) -> None:
        node = self.selected()
        if node is None:
            self.say(t("tui.select_item"), severity="warning")
            return
        ref = self._ref(node)

        def check(text: str) -> None:
            if not clean_text(text, field="note", limit=NOTE_LIMIT, multiline=True):
                raise DomainError("error.empty_note")

        def done(text: str | None) -> None:
            if text is not None:
                self.write(Write.of(WriteKind.CHANGE, lambda ledger: ledger.add_note(ref, text)))

        self.app.push_screen(NoteDialog(ref, check=check), done)

    def action_undo(self) -> None:
        # Every item shown: whichever the undo touches, a key queued behind it knows its
        # version afterwards.
        shown = self.view.items if self.view is not None else []
        self.write(Write.of(WriteKind.UNDO, lambda ledger: ledger.undo(), shown))

    def action_reload(self) -> None:
        # Said once, when the plan is read again (show_plan, if it changed), or now.
        self.load()
        self.say(t("tui.reloaded"), timeout=1)

    # -- another plan -----------------------------------------------------------------------

    def action_open_plan(self) -> None:
        hold_keys(self.app)  # for the picker: `o ↓ enter` typed at once opens the next plan
        self.read_plans()

    @work(thread=True, exclusive=True, group="plans")
    def read_plans(self) -> None:
        try:
            self.post_message(self.PlansRead(self.lawtasks.read_plans(), None))
        except Exception as caught:
            self.post_message(self.PlansRead([], self._explain(caught)))

    @on(PlansRead)
    def plans_read(self, message: MainScreen.PlansRead) -> None:
        if message.error is not None:
            release_keys(self.app)
            self.say(str(message.error), severity="error")
            return

        def done(slug: str | None) -> None:
            if slug is not None and slug != self.lawtasks.plan:
                self.switch_plan(slug)

        self.app.push_screen(PlanPicker(message.plans, self.lawtasks.plan), done)

    def switch_plan(self, slug: str) -> None:
        """Show and change `slug` from now on (the ledger's plan in use stays as it is)."""
        if self.writes.unsettled:
            # A queued key names an item of the plan it was pressed in.
            self.say(t("tui.plans.busy"), severity="warning")
            return
        self.lawtasks.open_plan(slug)
        self.view, self.token, self._history = None, -1, None
        # What this screen's writes made of items is by ID (2.1), which another plan shares.
        self.writes = WriteQueue()
        self.load()
        self.say(t("tui.plans.opened", plan=slug), timeout=3)

    def action_import_plan(self) -> None:
        """A new plan from a file, previewed first; the plan open and in use stay as they
        are unless the officer opens the new one here."""

        def done(result: ImportDone | None) -> None:
            if result is None:
                return
            if result.open:
                self.say(result.message, timeout=8)
                self.switch_plan(result.slug)
            else:
                self.say(sentences(result.message, t("tui.import.open_later")), timeout=8)

        self.app.push_screen(ImportDialog(self.lawtasks, self._explain), done)

    def action_search(self) -> None:
        def done(text: str | None) -> None:
            if text is not None:
                self._set_filter(replace(self.item_filter, search=text.strip() or None))

        self.app.push_screen(
            PromptDialog(t("tui.prompt.search"), self.item_filter.search or ""), done
        )

    def action_filter(self) -> None:
        def done(result: tuple[frozenset[Status], frozenset[Warning]] | None) -> None:
            if result is not None:
                statuses, warnings = result
                self._set_filter(replace(self.item_filter, statuses=statuses, warnings=warnings))

        self.app.push_screen(
            FilterDialog(self.item_filter.statuses, self.item_filter.warnings), done
        )

    def action_clear_filter(self) -> None:
        if self.item_filter != ItemFilter():
            self._set_filter(ItemFilter())

    def _set_filter(self, item_filter: ItemFilter) -> None:
        self.item_filter = item_filter
        if self.view is not None:
            self.show_plan(self.view, self.token, None)
            if not filter_plan(self.view, item_filter).items:
                self.say(t("tui.filter.none"), severity="warning")

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.key_help(), note=t("tui.help.on_task")))

    def key_help(self) -> list[tuple[str, str]]:
        """Every key of this screen and what it does, read from its own bindings, with the
        tree's and the status menu's."""
        rows = [
            ("↑ ↓ / j k", t("tui.key.move")),
            ("← → / enter", t("tui.key.fold")),
            ("tab", t("tui.key.focus")),
        ]
        for keys, description in help_rows(self):
            rows.append((keys, description))
            if keys == self.app.get_key_display(Binding("s", "")):
                # The menu's digits, said where the menu is.
                statuses = join_list([status.label for status in Status])
                rows.append(("1 2 3 4", t("tui.key.status_digits", statuses=statuses)))
        return rows

    # -- returns from the lead units (填报) ---------------------------------------------------

    def action_apply_return(self) -> None:
        def check(text: str) -> None:
            if not Path(text.strip()).expanduser().is_file():
                raise DomainError("tui.apply.missing", path=text.strip())

        def chosen(text: str | None) -> None:
            if text is not None and self.view is not None:
                self.read_return(Path(text.strip()).expanduser(), self.view)

        self.app.push_screen(PromptDialog(t("tui.apply.prompt"), check=check), chosen)

    @work(thread=True, exclusive=True, group="return")
    def read_return(self, path: Path, view: PlanView) -> None:
        """The same checks and preview as `lawtasks apply`: a sheet of thousands of rows
        and the sheets sent for the plan are read here, off the UI thread."""
        from lawtasks.readmodel import load_return_context
        from lawtasks.returns import preview_returns

        try:
            context = load_return_context(
                self.lawtasks.engine, view.slug, plan_named=self.lawtasks.plan is not None
            )
            preview = preview_returns([path], view, context, actor=self.lawtasks.actor, force=set())
        except Exception as caught:
            self.post_message(self.ReturnRead(path, None, self._explain(caught)))
            return
        self.post_message(self.ReturnRead(path, preview, None))

    @on(ReturnRead)
    def return_read(self, message: MainScreen.ReturnRead) -> None:
        """Show the preview; apply on confirmation."""
        path, result = message.path, message.preview
        if message.error is not None or result is None:
            self.say(str(message.error), severity="error")
            return
        if result.errors:
            lines = [*result.errors, t("returns.refused", count=len(result.errors))]
            self.app.push_screen(
                ConfirmDialog(t("tui.apply.title", file=path.name), lines, can_apply=False)
            )
            return
        preview, conflicts, entries = list(result.preview), list(result.conflicts), result.entries
        # A 填报 sheet answers the round it was sent in, as `lawtasks apply` has it do.
        sheets = result.sheets
        if not entries and not conflicts:
            self.say(t("returns.nothing"))
            return

        def confirmed(apply: bool | None) -> None:
            if apply:
                shown = self.view.items if self.view is not None else []
                call = lambda ledger: ledger.apply_returns(entries, sheets=sheets)  # noqa: E731
                self.write(Write.of(WriteKind.APPLY, call, shown))

        self.app.push_screen(
            ConfirmDialog(
                t("tui.apply.title", file=path.name), preview + conflicts, can_apply=not conflicts
            ),
            confirmed,
        )

    # -- export -----------------------------------------------------------------------------

    def action_export(self) -> None:
        if self.view is None:
            return
        view, item_filter = self.view, self.item_filter

        def done(result: tuple[str, Path, str, str] | None) -> None:
            if result is not None:
                fmt, path, since, as_of = result
                self.say(t("tui.export.working"), timeout=1)
                self.export(fmt, path, view, item_filter, since, as_of)

        directory = self.lawtasks.export_dir or Path.cwd()
        dialog = ExportDialog(directory, view.slug, self.today(), view.year)
        self.app.push_screen(dialog, done)

    @work(thread=True, exclusive=True, group="export")
    def export(
        self,
        fmt: str,
        path: Path,
        view: PlanView,
        item_filter: ItemFilter,
        since: str = "",
        as_of: str = "",
    ) -> None:
        """Exports can take seconds on a large plan: they run off the UI thread."""
        from lawtasks.dates import parse_date
        from lawtasks.db import ledger_files
        from lawtasks.exporters import export
        from lawtasks.history import check_period, load_plan_as_of, report_request
        from lawtasks.trend import with_progress

        try:
            # As `export --since A --as-of B`: one rule for both (lawtasks.history).
            since_day = parse_date(since, year=view.year) if since else None
            as_of_day = parse_date(as_of, year=view.year) if as_of else None
            if since_day is not None and as_of_day is not None:
                check_period(since_day, as_of_day)
            if as_of_day is not None:
                view = load_plan_as_of(self.lawtasks.engine, slug=view.slug, day=as_of_day)
            request = report_request(
                self.lawtasks.engine if since_day is not None else None,
                view=view,
                item_filter=item_filter,
                since=since_day,
                exported_by=self.lawtasks.actor,
            )
            # The Word report and the xlsx draw the plan's progress over time (lawtasks.trend).
            request = with_progress(self.lawtasks.engine, request, fmt, as_of=as_of_day is not None)
            written = export(fmt, request, path, keep=ledger_files(self.lawtasks.url))
        except DomainError as error:
            self.post_message(self.Exported(None, error))
            return
        self.post_message(self.Exported(written, None))

    @on(Exported)
    def exported(self, message: MainScreen.Exported) -> None:
        if message.error is not None:
            self.say(str(message.error), severity="error")
        else:
            self.say(t("out.exported", path=str(message.path)), timeout=6)

    def action_dashboard(self) -> None:
        # Imported here: the dashboard and plotext load when it opens, not with this screen.
        from lawtasks.tui.screens.dashboard import DashboardScreen

        self.app.push_screen(DashboardScreen(self.lawtasks))

    # -- the supervision cycle (督查) -------------------------------------------------------

    def _selected_item(self) -> ItemView | None:
        node = self.selected()
        if not isinstance(node, ItemView):
            self.say(t("tui.select_item"), severity="warning")
            return None
        return node

    def action_attach(self) -> None:
        item = self._selected_item()
        if item is None:
            return
        ref = item.id

        def done(result: tuple[Path, str | None] | None) -> None:
            if result is None:
                return
            path, note = result

            def call(ledger: Ledger) -> Outcome:
                from lawtasks.services.supervision import read_evidence

                # Read on the writing worker: a large file or a slow share never holds
                # up the screen.
                files = read_evidence([path], ledger.evidence_limit())
                return ledger.attach(ref, files, note=note)

            self.write(Write.of(WriteKind.ATTACH, call, [item]))

        self.app.push_screen(AttachDialog(ref), done)

    def action_sign_off(self) -> None:
        item = self._selected_item()
        if item is not None:
            ref = item.id
            call = lambda ledger: ledger.sign_off([ref])  # noqa: E731
            self.write(Write.of(WriteKind.SIGN_OFF, call, [item]))

    def action_reject(self) -> None:
        item = self._selected_item()
        if item is None:
            return
        ref = item.id

        def check(text: str) -> None:
            if not clean_text(text, field="note", limit=NOTE_LIMIT):
                raise DomainError("error.empty_note")

        def done(reason: str | None) -> None:
            if reason is not None:
                call = lambda ledger: ledger.reject([ref], reason=reason)  # noqa: E731
                self.write(Write.of(WriteKind.REJECT, call, [item]))

        self.app.push_screen(PromptDialog(t("tui.prompt.reject", ref=ref), check=check), done)

    def action_round_status(self) -> None:
        hold_keys(self.app)  # for the round's dialog, shown once it is read
        self.read_round()

    @work(thread=True, exclusive=True, group="round")
    def read_round(self) -> None:
        from lawtasks.services.rounds import round_status

        try:
            status = round_status(self.lawtasks.engine, self.lawtasks.plan)
        except Exception as caught:
            self.post_message(self.RoundRead(None, self._explain(caught)))
            return
        self.post_message(self.RoundRead(status, None))

    @on(RoundRead)
    def round_read(self, message: MainScreen.RoundRead) -> None:
        if message.error is not None or message.status is None:
            release_keys(self.app)  # no dialog: the keys typed meanwhile are the tree's
        if message.error is not None:
            self.say(str(message.error), severity="error")
        elif message.status is None:
            self.say(t("tui.round.none"), severity="warning")
        else:
            self.app.push_screen(RoundDialog(message.status))
