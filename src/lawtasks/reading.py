"""What the front ends read: the lean reader where it serves the ledger, else the ORM.

The lean reader (`lawtasks.fastread`) reads a SQLite ledger with the standard library, which
is what makes the everyday commands and the TUI's first screen start fast; where it cannot
serve (PostgreSQL, a ledger still to be made, an old schema, a plan it cannot find) it says
so with None, and the ORM read model (`lawtasks.readmodel`) reads instead, and words any
error. This is that fallback, once, for the CLI and the TUI.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from lawtasks.fastread import Reader

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from lawtasks.readmodel import EventView, PlanView

T = TypeVar("T")


class Reads:
    """Reads of the ledger at `url`; `engine` opens the ORM's engine when it is needed.

    With `per_read`, every read opens a lean reader of its own: the TUI reads on worker
    threads, and a sqlite3 connection keeps to the thread that opened it. Otherwise one
    reader serves every read (a command is one thread, and one open is cheaper).
    """

    def __init__(self, url: str, engine: Callable[[], Engine], *, per_read: bool) -> None:
        self.url = url
        self._engine = engine
        self._per_read = per_read
        self._reader: Reader | None = None
        self._opened = False

    @property
    def reader(self) -> Reader | None:
        """The command's one lean reader, or None where it cannot serve this ledger."""
        if not self._opened:
            self._reader, self._opened = Reader.open(self.url), True
        return self._reader

    def _lean(self, read: Callable[[Reader], T | None]) -> T | None:
        if not self._per_read:
            reader = self.reader
            return None if reader is None else read(reader)
        reader = Reader.open(self.url)
        if reader is None:
            return None
        try:
            return read(reader)
        finally:
            reader.close()

    def serves_lean(self) -> bool:
        """Whether the lean reader serves this ledger at all."""
        return self._lean(lambda _reader: True) is not None

    def plan(self, slug: str | None, today: date) -> PlanView:
        view = self._lean(lambda reader: reader.load_plan(slug=slug, today=today))
        if view is not None:
            return view
        from lawtasks.readmodel import load_plan

        return load_plan(self._engine(), slug=slug, today=today)

    def history(self, slug: str | None, ref: str, limit: int | None) -> list[EventView]:
        """The newest `limit` events of one task or item, oldest first."""
        events = self._lean(lambda reader: reader.load_history(slug=slug, ref=ref, limit=limit))
        if events is not None:
            return events
        from lawtasks.readmodel import load_history

        return load_history(self._engine(), slug=slug, ref=ref, limit=limit)

    def plan_year(self, slug: str | None) -> int:
        year = self._lean(lambda reader: reader.plan_year(slug))
        if year is not None:
            return year
        from lawtasks.readmodel import plan_year

        return plan_year(self._engine(), slug)

    def latest_event_id(self) -> int:
        """The newest event's id: what the TUI polls to notice a change."""
        latest = self._lean(Reader.latest_event_id)
        if latest is not None:
            return latest
        from lawtasks.readmodel import latest_event_id

        return latest_event_id(self._engine())

    def ids(self, slug: str | None) -> list[str]:
        """Every task and item ID of a plan, in order: what shell completion offers."""
        ids = self._lean(lambda reader: reader.ids(slug=slug))
        if ids is not None:
            return ids
        view = self.plan(slug, date.today())
        return [str(task.id) for task in view.tasks] + [item.id for item in view.items]
