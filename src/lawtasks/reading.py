"""What the front ends read: the lean reader where it serves the ledger, else the ORM.

The lean reader (`lawtasks.fastread`) reads a SQLite ledger with the standard library, which
is what makes the everyday commands and the TUI's first screen start fast; where it cannot
serve (PostgreSQL, a ledger still to be made, an old schema, a plan it cannot find) it says
so with None, and the ORM read model (`lawtasks.readmodel`) reads instead, and words any
error. This is that fallback, once, for the CLI and the TUI.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from lawtasks.fastread import Reader

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from lawtasks.readmodel import EventView, PlanView

T = TypeVar("T")

# The environment variable that names the plan, as --plan does, for a shell or a script.
PLAN_ENV = "LAWTASKS_PLAN"


def plan_setting(named: str | None) -> str | None:
    """The plan a front end names: `--plan`, else LAWTASKS_PLAN; None leaves the choice to
    the ledger (its plan in use, else the newest active plan: readmodel.PLAN_CHOICE_SQL).
    The CLI and the TUI both ask here, so that the order is the same in both."""
    return named or os.environ.get(PLAN_ENV, "").strip() or None


@dataclass(frozen=True)
class PlanEntry:
    """A plan as `lawtasks plans` and the TUI's plan picker list it."""

    slug: str
    title: str
    year: int
    items: int
    state: str  # active, archived or removed (domain.PlanState)
    period_end: date
    tolerance: int
    in_use: bool  # the ledger's plan in use: what commands use when none is named
    # What the plan is called (桐庐县2022年主要工作任务), as every report names it.
    name: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "name": self.name,
            "year": self.year,
            "items": self.items,
            "state": self.state,
            "period_end": self.period_end.isoformat(),
            "tolerance": self.tolerance,
            "in_use": self.in_use,
        }


def list_plans(engine: Engine, *, removed: bool = False) -> list[PlanEntry]:
    """The plans, the one in use first, then newest first (as the default is chosen); a
    removed plan only with `removed`."""
    from sqlalchemy import func, select
    from sqlmodel import Session, col

    from lawtasks.domain import PlanState, period_end
    from lawtasks.models import Item, Plan, Task
    from lawtasks.readmodel import newest_plan_slug, plan_name

    with Session(engine) as session:
        query = (
            select(
                col(Plan.slug),
                col(Plan.title),
                col(Plan.year),
                func.count(col(Item.id)),
                col(Plan.state),
                col(Plan.end_date),
                col(Plan.tolerance),
                col(Plan.heading),
            )
            .join(Task, col(Task.plan_id) == Plan.id, isouter=True)
            .join(Item, col(Item.task_id) == Task.id, isouter=True)
            .group_by(col(Plan.id))
            .order_by(col(Plan.year).desc(), col(Plan.id).desc())
        )
        if not removed:
            query = query.where(col(Plan.state) != PlanState.REMOVED.value)
        rows = session.execute(query).all()
        in_use = newest_plan_slug(session)
    entries = [
        PlanEntry(
            slug,
            title,
            year,
            items,
            state,
            period_end(year, end),
            tolerance,
            slug == in_use,
            plan_name(title, heading),
        )
        for slug, title, year, items, state, end, tolerance, heading in rows
    ]
    return sorted(entries, key=lambda entry: not entry.in_use)


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

    def plans(self) -> list[PlanEntry]:
        """The plans that can be opened (active and archived), the one in use first."""
        return list_plans(self._engine())

    def ids(self, slug: str | None) -> list[str]:
        """Every task and item ID of a plan, in order: what shell completion offers."""
        ids = self._lean(lambda reader: reader.ids(slug=slug))
        if ids is not None:
            return ids
        view = self.plan(slug, date.today())
        return [str(task.id) for task in view.tasks] + [item.id for item in view.items]
