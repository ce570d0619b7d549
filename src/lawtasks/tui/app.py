"""The Textual app: one factory builds it for the CLI and the tests alike.

The first screen must not wait for the ORM. On a SQLite ledger the plan is read through the
lean reader (lawtasks.fastread); the engine and the service layer, which cost more to import
than Textual itself, are made on first need: the first change, or a warm-up shortly after
the first screen is painted.
"""

from __future__ import annotations

import threading
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from lawtasks.domain import default_actor
from lawtasks.fastread import Reader
from lawtasks.readmodel import EventView, PlanView
from lawtasks.tui.commands import LedgerCommands
from lawtasks.tui.screens.main import MainScreen

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from lawtasks.services import Ledger

POLL_SECONDS = 1.0


class LawtasksApp(App[None]):
    """Holds the ledger's reader, engine and service; the main screen does the work."""

    CSS_PATH = "app.tcss"
    TITLE = "lawtasks"
    COMMANDS: ClassVar = App.COMMANDS | {LedgerCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "tui.key.quit", show=False, priority=True),
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
    def ledger(self) -> Ledger:
        from lawtasks.services import Ledger

        return Ledger(self.engine, actor=self.given_actor, plan=self.plan)

    # -- reading: the lean reader where it serves, else the ORM ---------------------------

    @cached_property
    def has_lean_reader(self) -> bool:
        reader = Reader.open(self.url)
        if reader is not None:
            reader.close()
        return reader is not None

    def read_plan(self, today: date) -> PlanView:
        reader = Reader.open(self.url)
        if reader is not None:
            try:
                view = reader.load_plan(slug=self.plan, today=today)
            finally:
                reader.close()
            if view is not None:
                return view
        from lawtasks.readmodel import load_plan

        return load_plan(self.engine, slug=self.plan, today=today)

    def read_history(self, ref: str, limit: int) -> list[EventView]:
        reader = Reader.open(self.url)
        if reader is not None:
            try:
                events = reader.load_history(slug=self.plan, ref=ref, limit=limit)
            finally:
                reader.close()
            if events is not None:
                return events
        from lawtasks.readmodel import load_history

        return load_history(self.engine, slug=self.plan, ref=ref, limit=limit)

    def latest_event_id(self) -> int:
        reader = Reader.open(self.url)
        if reader is not None:
            try:
                return reader.latest_event_id()
            finally:
                reader.close()
        from lawtasks.readmodel import latest_event_id

        return latest_event_id(self.engine)

    def on_mount(self) -> None:
        self.push_screen(MainScreen())


def make_app(
    db_url: str,
    *,
    actor: str | None = None,
    plan: str | None = None,
    today: date | None = None,
    poll_interval: float = POLL_SECONDS,
) -> LawtasksApp:
    """The app on the database at `db_url`, created and seeded on first use."""
    return LawtasksApp(url=db_url, actor=actor, plan=plan, today=today, poll_interval=poll_interval)
