"""The main screen: header, plan tree, detail pane and key hints.

The screen turns keys into service calls and shows the result. It holds no SQL and no
rules: reads go through lawtasks.readmodel, writes through lawtasks.services.Ledger, so the
TUI leaves exactly the history the CLI would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer

from lawtasks.dates import parse_date
from lawtasks.domain import (
    FIELD_LIMIT,
    NOTE_LIMIT,
    PROGRESS_STEP,
    Status,
    Warning,
    clean_text,
    parse_progress,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import t
from lawtasks.readmodel import (
    ItemFilter,
    ItemView,
    PlanView,
    TaskView,
    filter_plan,
)
from lawtasks.render import describe
from lawtasks.tui.i18n_bindings import translate_bindings
from lawtasks.tui.screens.dialogs import (
    ConfirmDialog,
    FilterDialog,
    HelpScreen,
    NoteDialog,
    PromptDialog,
)
from lawtasks.tui.widgets.detail_pane import DetailPane
from lawtasks.tui.widgets.plan_header import PlanHeader
from lawtasks.tui.widgets.plan_tree import PlanTree

if TYPE_CHECKING:
    from lawtasks.services import Outcome
    from lawtasks.tui.app import LawtasksApp

# The order `s` walks through.
STATUS_CYCLE = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE, Status.BLOCKED)
HISTORY_LIMIT = 10
# Long enough for the first screen to be painted, short enough to be ready before a key.
WARM_UP_SECONDS = 0.5


def check_progress(text: str) -> None:
    parse_progress(text)


def check_line(field: str) -> Callable[[str], None]:
    def check(text: str) -> None:
        clean_text(text, field=field, limit=FIELD_LIMIT)

    return check


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_done", "tui.key.toggle", key_display="space"),
        Binding("s", "cycle_status", "tui.key.cycle"),
        Binding("plus,equals_sign", "progress(1)", "tui.key.plus", key_display="+"),
        Binding("minus", "progress(-1)", "tui.key.minus", key_display="-"),
        Binding("p", "set_progress", "tui.key.progress", show=False),
        Binding("n", "note", "tui.key.note"),
        Binding("u", "set_unit", "tui.key.unit", show=False),
        Binding("d", "set_due", "tui.key.due", show=False),
        Binding("t", "set_target", "tui.key.target", show=False),
        Binding("e", "export", "tui.key.export"),
        Binding("slash", "search", "tui.key.search", key_display="/", show=False),
        Binding("f", "filter", "tui.key.filter"),
        Binding("escape", "clear_filter", "tui.key.clear", show=False),
        Binding("a", "apply_return", "tui.key.apply", show=False),
        Binding("ctrl+z", "undo", "tui.key.undo", show=False),
        Binding("r", "reload", "tui.key.reload", show=False),
        Binding("question_mark", "help", "tui.key.help", key_display="?"),
        Binding("q", "app.quit", "tui.key.quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: PlanView | None = None  # the whole plan, unfiltered
        self.item_filter = ItemFilter()
        self.token = -1  # the newest event id the screen has shown
        # Set when the screen goes away, so that the listening thread ends with it.
        self._stop_listening = threading.Event()
        translate_bindings(self)

    @property
    def lawtasks(self) -> LawtasksApp:
        from lawtasks.tui.app import LawtasksApp

        assert isinstance(self.app, LawtasksApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield PlanHeader(id="header")
        with Horizontal(id="body"):
            yield PlanTree(id="tree")
            yield DetailPane(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(PlanTree).focus()
        if self.lawtasks.has_lean_reader:
            # A few milliseconds even at 10,000 items: shown in the first frame, rather than
            # in a second one after a worker's round trip.
            self.reload_now()
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

    @work(thread=True, exclusive=True, group="load")
    def load(self, *, message: str | None = None) -> None:
        """Read the plan off the UI thread, then show it on the UI thread."""
        token = self.lawtasks.latest_event_id()
        view = self.lawtasks.read_plan(self.today())
        self.app.call_from_thread(self.show_plan, view, token, message)

    @work(thread=True, exclusive=True, group="poll")
    def poll(self) -> None:
        """Changes made elsewhere (the CLI, a colleague's TUI) show within the poll interval.

        One indexed lookup per tick; the plan is read again only when an event was written.
        """
        token = self.lawtasks.latest_event_id()
        if token != self.token:
            view = self.lawtasks.read_plan(self.today())
            self.app.call_from_thread(self.show_plan, view, token, t("tui.external"))

    def on_unmount(self) -> None:
        self._stop_listening.set()

    def listen(self) -> None:
        """On PostgreSQL, hear other officers' commits as they happen (LISTEN/NOTIFY) and
        reload at once; polling stays as the fallback, and is all SQLite has.

        A plain daemon thread rather than a Textual worker: it blocks in the driver between
        notifications, and must never hold up the app's exit.
        """
        if self.lawtasks.url.startswith("sqlite"):
            return  # no LISTEN in SQLite; and the engine is not needed yet
        from lawtasks.db import listen_for_changes

        connection = listen_for_changes(self.lawtasks.engine)
        if connection is None:
            return

        def run() -> None:
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

    def reload_now(self) -> None:
        """After the officer's own change: read at once, so the change shows at once."""
        token = self.lawtasks.latest_event_id()
        view = self.lawtasks.read_plan(self.today())
        self.show_plan(view, token, None)

    def show_plan(self, view: PlanView, token: int, message: str | None) -> None:
        if token < self.token:
            return  # a slower read finished after a newer one
        first = self.view is None
        self.view, self.token = view, token
        shown = filter_plan(view, self.item_filter)
        self.query_one(PlanHeader).show_plan(view, filter_text=self._filter_text())
        self.query_one(PlanTree).show_plan(shown)
        if not first and message:
            self.say(message, timeout=2)

    def _filter_text(self) -> str:
        parts = [self.item_filter.search or ""]
        parts += [status.label for status in sorted(self.item_filter.statuses)]
        parts += [warning.label for warning in sorted(self.item_filter.warnings)]
        text = " ".join(part for part in parts if part)
        return t("tui.filter.active", filter=text) if text else ""

    @on(PlanTree.Highlighted)
    def show_detail(self, event: PlanTree.Highlighted) -> None:
        node = event.node
        history = []
        if node is not None:
            ref = PlanTree.key(node)
            history = self.lawtasks.read_history(ref, HISTORY_LIMIT)
            history.reverse()  # newest first, as the notes are
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

    @staticmethod
    def _items(node: TaskView | ItemView) -> tuple[ItemView, ...]:
        return node.items if isinstance(node, TaskView) else (node,)

    def _change(self, **fields: Any) -> None:
        """Apply `fields` to the selected task or item through the service layer."""
        node = self.selected()
        if node is None:
            self.say(t("tui.select_item"), severity="warning")
            return
        versions = {item.id: item.version for item in self._items(node)}
        try:
            outcome = self.lawtasks.ledger.update(
                [self._ref(node)], expected_versions=versions, **fields
            )
        except DomainError as error:
            self._refuse(error)
            return
        self._done(outcome)

    def _refuse(self, error: DomainError) -> None:
        if error.key == "error.conflict":
            # Someone changed the item since it was shown: show theirs, change nothing.
            self.say(t("tui.conflict_reloaded", message=str(error)), severity="error")
            self.reload_now()
        else:
            self.say(str(error), severity="error")

    def _done(self, outcome: Outcome) -> None:
        self.reload_now()
        if not outcome.changes:
            self.say(t("tui.unchanged"), timeout=2)
            return
        first = outcome.changes[0]
        more = f" (+{len(outcome.changes) - 1})" if len(outcome.changes) > 1 else ""
        summary = describe(first.field, first.old, first.new) + more
        self.say(t("tui.changed", ref=first.ref, summary=summary), timeout=2)

    # -- actions ----------------------------------------------------------------------------

    def action_toggle_done(self) -> None:
        node = self.selected()
        if node is None:
            return
        all_done = all(item.status is Status.DONE for item in self._items(node))
        self._change(status=Status.IN_PROGRESS if all_done else Status.DONE)

    def action_cycle_status(self) -> None:
        node = self.selected()
        if node is None or not self._items(node):
            return
        current = self._items(node)[0].status
        self._change(status=STATUS_CYCLE[(STATUS_CYCLE.index(current) + 1) % len(STATUS_CYCLE)])

    def action_progress(self, direction: int) -> None:
        self._change(progress_delta=direction * PROGRESS_STEP)

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
            lambda text: self._change(progress=text),
        )

    def action_set_unit(self) -> None:
        self._prompt(
            "tui.prompt.unit",
            self._current("lead_unit"),
            check_line("lead_unit"),
            lambda text: self._change(lead_unit=text),
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
            lambda text: self._change(due=text),
        )

    def action_set_target(self) -> None:
        self._prompt(
            "tui.prompt.target",
            self._current("target"),
            check_line("target"),
            lambda text: self._change(target=text),
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
            if text is None:
                return
            try:
                outcome = self.lawtasks.ledger.add_note(ref, text)
            except DomainError as error:
                self._refuse(error)
                return
            self._done(outcome)

        self.app.push_screen(NoteDialog(ref, check=check), done)

    def action_undo(self) -> None:
        try:
            outcome = self.lawtasks.ledger.undo()
        except DomainError as error:
            self._refuse(error)
            return
        self.reload_now()
        self.say(t("tui.undone", count=len(outcome.changes)), timeout=2)

    def action_reload(self) -> None:
        self.load(message=t("tui.reloaded"))
        self.say(t("tui.reloaded"), timeout=1)

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
        self.app.push_screen(HelpScreen(self.key_help()))

    def key_help(self) -> list[tuple[str, str]]:
        """Every key of this screen and what it does, read from its own bindings."""
        rows = [("↑ ↓ / j k", t("tui.key.move")), ("← → / enter", t("tui.key.fold"))]
        own = {binding.action for binding in self.BINDINGS if isinstance(binding, Binding)}
        keys: dict[str, list[str]] = {}
        descriptions: dict[str, str] = {}
        for bindings in self._bindings.key_to_bindings.values():
            for binding in bindings:
                if binding.action in own:
                    display = binding.key_display or self.app.get_key_display(binding)
                    keys.setdefault(binding.action, []).append(display)
                    descriptions[binding.action] = binding.description
        for action, displays in keys.items():
            rows.append((" / ".join(dict.fromkeys(displays)), descriptions[action]))
        rows.append(("ctrl+p", t("tui.key.palette")))
        return rows

    # -- returns from the lead units (填报) ---------------------------------------------------

    def action_apply_return(self) -> None:
        def check(text: str) -> None:
            if not Path(text.strip()).expanduser().is_file():
                raise DomainError("tui.apply.missing", path=text.strip())

        def chosen(text: str | None) -> None:
            if text is not None:
                self._preview_return(Path(text.strip()).expanduser())

        self.app.push_screen(PromptDialog(t("tui.apply.prompt"), check=check), chosen)

    def _preview_return(self, path: Path) -> None:
        """The same checks and preview as `lawtasks apply`, then apply on confirmation."""
        from lawtasks.readmodel import load_return_context
        from lawtasks.returns import preview_returns

        assert self.view is not None
        try:
            context = load_return_context(
                self.lawtasks.engine, self.view.slug, plan_named=self.lawtasks.plan is not None
            )
            result = preview_returns(
                [path], self.view, context, actor=self.lawtasks.actor, force=set()
            )
        except DomainError as error:
            self.say(str(error), severity="error")
            return
        if result.errors:
            lines = [*result.errors, t("returns.refused", count=len(result.errors))]
            self.app.push_screen(
                ConfirmDialog(t("tui.apply.title", file=path.name), lines, can_apply=False)
            )
            return
        preview, conflicts, entries = list(result.preview), list(result.conflicts), result.entries
        if not entries and not conflicts:
            self.say(t("returns.nothing"))
            return

        def confirmed(apply: bool | None) -> None:
            if not apply:
                return
            try:
                outcome = self.lawtasks.ledger.apply_returns(entries)
            except DomainError as error:
                self._refuse(error)
                return
            self.reload_now()
            items = {change.ref for change in outcome.changes}
            self.say(t("returns.applied", changes=len(outcome.changes), items=len(items)))

        self.app.push_screen(
            ConfirmDialog(
                t("tui.apply.title", file=path.name), preview + conflicts, can_apply=not conflicts
            ),
            confirmed,
        )

    # -- export -----------------------------------------------------------------------------

    def action_export(self) -> None:
        from lawtasks.tui.screens.export_dialog import ExportDialog

        if self.view is None:
            return
        stem = f"{self.view.slug}-{self.today().isoformat()}"

        def done(result: tuple[str, Path] | None) -> None:
            if result is not None:
                fmt, path = result
                self.say(t("tui.export.working"), timeout=1)
                self.export(fmt, path)

        self.app.push_screen(ExportDialog(self.lawtasks.export_dir or Path.cwd(), stem), done)

    @work(thread=True, exclusive=True, group="export")
    def export(self, fmt: str, path: Path) -> None:
        """Exports can take seconds on a large plan: they run off the UI thread."""
        from lawtasks.exporters import ExportRequest, export

        assert self.view is not None
        request = ExportRequest(
            view=filter_plan(self.view, self.item_filter), exported_by=self.lawtasks.actor
        )
        try:
            written = export(fmt, request, path)
        except DomainError as error:
            self.app.call_from_thread(self.say, str(error), severity="error")
            return
        self.app.call_from_thread(self.say, t("out.exported", path=str(written)), timeout=6)
