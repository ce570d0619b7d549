"""What the main screen needs from whoever holds the ledger.

The app holds the ledger's reader, engine and service and hands itself to the screen as a
`LedgerSource`. The screen depends on this small protocol rather than on the app, so that
the app imports the screen and nothing imports back (the two used to need a deferred
import of each other).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from lawtasks.reading import PlanEntry
from lawtasks.readmodel import EventView, PlanView

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from lawtasks.services import Ledger


class LedgerSource(Protocol):
    # The database URL, the acting officer, the plan open (None: the ledger's plan in use,
    # until the first read pins it).
    url: str
    actor: str
    plan: str | None
    # A fixed day for reports and tests; None follows the calendar.
    today: date | None
    poll_interval: float
    # Where the export dialog proposes to save; None: the working directory.
    export_dir: Path | None

    @property
    def engine(self) -> Engine: ...

    @property
    def ledger(self) -> Ledger: ...

    @property
    def has_lean_reader(self) -> bool: ...

    # Reads, safe from any thread.
    def read_plan(self, today: date) -> PlanView: ...

    def read_history(self, ref: str, limit: int) -> list[EventView]: ...

    def latest_event_id(self) -> int: ...

    def read_plans(self) -> list[PlanEntry]: ...

    # Open another plan in this screen; the ledger's plan in use stays as it is.
    def open_plan(self, slug: str) -> None: ...
