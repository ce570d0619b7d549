"""The Textual app: one factory builds it for the CLI and the tests alike.

The first screen must not wait for the ORM. On a SQLite ledger the plan is read through the
lean reader (lawtasks.fastread); the engine and the service layer, which cost more to import
than Textual itself, are made on first need: the first change, or a warm-up shortly after
the first screen is painted.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.filter import LineFilter
from textual.screen import Screen

from lawtasks.domain import default_actor
from lawtasks.reading import PlanEntry, Reads, plan_setting
from lawtasks.readmodel import EventView, PlanView
from lawtasks.tui.commands import LedgerCommands
from lawtasks.tui.i18n_bindings import translate_bindings
from lawtasks.tui.monochrome import RedMarks
from lawtasks.tui.screens.main import MainScreen
from lawtasks.tui.textual_words import palette_prompt, system_commands
from lawtasks.tui.typed_keys import KeysInOrder

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from lawtasks.services import Ledger

POLL_SECONDS = 1.0
T = TypeVar("T")


class LawtasksApp(KeysInOrder):
    """Holds the ledger's reader, engine and service; the main screen does the work. Keys
    typed together are taken in order, each by the screen typed at (KeysInOrder)."""

    CSS_PATH = "app.tcss"
    TITLE = "lawtasks"
    COMMANDS: ClassVar = App.COMMANDS | {LedgerCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        # Shown where a screen has no q to quit (the dashboard's q closes it).
        Binding("ctrl+q", "quit", "tui.key.quit", priority=True),
    ]

    def __init__(
        self,
        *,
        engine: Engine | None = None,
        url: str | None = None,
        actor: str | None = None,
        plan: str | None = None,
        today: date | None = None,
        poll_interval: float = POLL_SECONDS,
        export_dir: Path | None = None,
    ) -> None:
        super().__init__()
        translate_bindings(self)  # ctrl+q, and Textual's own ctrl+p "palette" in the footer
        if url is None and engine is not None:
            url = engine.url.render_as_string(hide_password=False)
        if url is None:
            raise ValueError("LawtasksApp needs an engine or a database URL")
        self.url = url
        self._engine = engine
        self._engine_lock = threading.Lock()
        # Where the export dialog proposes to save; the working directory by default.
        self.export_dir = export_dir
        self.given_actor = actor
        self.actor = actor or default_actor()
        # The plan this screen has open: named, or else the ledger's plan in use, pinned
        # once it is read (MainScreen.show_plan), so that a `plans use` elsewhere never
        # switches the open screen unseen.
        self.plan = plan
        # A fixed day for reports and tests; None follows the calendar.
        self.today = today
        self.poll_interval = poll_interval

    @property
    def engine(self) -> Engine:
        """The engine, made (and a new ledger seeded) on first use, from any thread."""
        with self._engine_lock:
            if self._engine is None:
                from lawtasks.db import make_engine
                from lawtasks.seed import ensure_seeded

                engine = make_engine(self.url)
                ensure_seeded(engine, actor=self.given_actor)
                self._engine = engine
            return self._engine

    @cached_property
    def _service(self) -> Ledger:
        from lawtasks.services import Ledger

        return Ledger(self.engine, actor=self.given_actor, plan=self.plan)

    @property
    def ledger(self) -> Ledger:
        """The service, writing to the plan open now (whatever it was made with)."""
        ledger = self._service
        ledger.plan_slug = self.plan
        return ledger

    def open_plan(self, slug: str) -> None:
        """Show and change `slug` from now on; the ledger's plan in use stays as it is."""
        self.plan = slug

    # -- reading: the lean reader where it serves, else the ORM ---------------------------

    @cached_property
    def reads(self) -> Reads:
        # A lean reader per read: reads run on worker threads, and a sqlite3 connection
        # keeps to one.
        return Reads(self.url, lambda: self.engine, per_read=True)

    @cached_property
    def has_lean_reader(self) -> bool:
        return self.reads.serves_lean()

    def read_plan(self, today: date) -> PlanView:
        return self.reads.plan(self.plan, today)

    def read_history(self, ref: str, limit: int) -> list[EventView]:
        return self.reads.history(self.plan, ref, limit)

    def latest_event_id(self) -> int:
        return self.reads.latest_event_id()

    def read_plans(self) -> list[PlanEntry]:
        return self.reads.plans()

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=palette_prompt()))

    def get_line_filters(self) -> Sequence[LineFilter]:
        filters = super().get_line_filters()
        if self.no_color:
            # Red (the red warning) light rather than near-black once greyed.
            return [self._red_marks, *filters]
        return filters

    @cached_property
    def _red_marks(self) -> RedMarks:
        return RedMarks()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        return system_commands(super().get_system_commands(screen))

    def on_mount(self) -> None:
        # The screen is handed the app as its LedgerSource: it never imports the app.
        self.push_screen(MainScreen(self))


def make_app(
    url: str | None = None,
    *,
    engine: Engine | None = None,
    actor: str | None = None,
    plan: str | None = None,
    today: date | None = None,
    language: str | None = None,
    poll_interval: float = POLL_SECONDS,
    export_dir: Path | None = None,
) -> LawtasksApp:
    """The app on the ledger at `url` (or on `engine`, already open), the only way it is
    built: by `lawtasks`, `lawtasks tui`, the fast start and the tests alike.

    A new ledger is created and seeded on first use. `actor` is who the changes are made
    as (default: the login), `plan` the plan in hand (default: LAWTASKS_PLAN, then the
    ledger's plan in use, then the newest active plan), `today` a fixed
    day for warnings and reports (default: the calendar), `language` zh or en (default:
    as already set, else detected).
    """
    if language is not None:
        from lawtasks import i18n

        i18n.set_language(language)
    return LawtasksApp(
        engine=engine,
        url=url,
        actor=actor,
        plan=plan_setting(plan),
        today=today,
        poll_interval=poll_interval,
        export_dir=export_dir,
    )
