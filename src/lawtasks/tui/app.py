"""The Textual app: one factory builds it for the CLI and the tests alike."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from sqlalchemy import Engine
from textual.app import App
from textual.binding import Binding, BindingType

from lawtasks.services import Ledger
from lawtasks.tui.commands import LedgerCommands
from lawtasks.tui.screens.main import MainScreen

POLL_SECONDS = 1.0


class LawtasksApp(App[None]):
    """Holds the engine and the service; the main screen does the work."""

    CSS_PATH = "app.tcss"
    TITLE = "lawtasks"
    COMMANDS: ClassVar = App.COMMANDS | {LedgerCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "tui.key.quit", show=False, priority=True),
    ]

    def __init__(
        self,
        *,
        engine: Engine,
        actor: str | None = None,
        plan: str | None = None,
        today: date | None = None,
        poll_interval: float = POLL_SECONDS,
        export_dir: Path | None = None,
    ) -> None:
        super().__init__()
        # Where the export dialog proposes to save; the working directory by default.
        self.export_dir = export_dir
        self.engine = engine
        self.ledger = Ledger(engine, actor=actor, plan=plan)
        self.actor = self.ledger.actor
        self.plan = plan
        # A fixed day for reports and tests; None follows the calendar.
        self.today = today
        self.poll_interval = poll_interval

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
    from lawtasks.db import make_engine
    from lawtasks.seed import ensure_seeded

    engine = make_engine(db_url)
    ensure_seeded(engine, actor=actor)
    return LawtasksApp(
        engine=engine, actor=actor, plan=plan, today=today, poll_interval=poll_interval
    )
