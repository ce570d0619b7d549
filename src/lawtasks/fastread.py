"""The lean read path: a SQLite ledger read with the standard library, without the ORM.

Officers run `list`, `show` and `summary` many times a day, scripts run them in loops, and
shells complete IDs on every Tab; importing SQLAlchemy and SQLModel would cost each of them
several times what the work itself takes. This reader selects the same columns of the same
tables and hands the rows to `readmodel.build_plan_view`, so both paths build their views
with one function; tests/test_fastread.py proves them equal over generated ledgers.

It serves only what it can serve exactly: an existing SQLite file at this code's schema
version. Anything else (PostgreSQL, a file still to be created and seeded, an older or newer
schema, an unknown plan or ID, whose errors the ORM path words) returns None, and the caller
takes the ORM path.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import UTC, date, datetime
from typing import Any, cast

from lawtasks.domain import ItemRef, parse_ref
from lawtasks.errors import DomainError
from lawtasks.location import SCHEMA_VERSION, open_sqlite, plain_sqlite_file
from lawtasks.readmodel import (
    PLAN_CHOICE_SQL,
    TRAIL_HEAD_SQL,
    EventView,
    PlanView,
    build_plan_view,
    trail_head,
)

# The columns each view needs, by table; the names are the models' (lawtasks.models).
_PLAN = (
    "id, slug, title, year, goal, heading, source_name, published, start_date, end_date, "
    "tolerance, state, signoff"
)
_TASK = "id, seq, numeral, title, body, lead_unit, assisting_units"
_ITEM = (
    "id, task_id, seq, title, text, status, progress, lead_unit, assisting_units, "
    "responsible_person, due, target, updated_at, updated_by, version, signed_off_at, "
    "signed_off_by"
)
_NOTE = "id, task_id, item_id, text, author, created_at, retracted"
_EVIDENCE = "item_id, name, size, sha256, added_at, added_by"
_MILESTONE = "id, item_id, due, progress, text"
# An event's columns are the view's own fields (lawtasks.readmodel.EventView), less the ID
# shown, which is worked out from the task and item the event names.
_EVENT_SHOWN = tuple(field.name for field in fields(EventView) if field.name not in ("id", "ref"))
_EVENT = ", ".join(("id", "task_id", "item_id", *_EVENT_SHOWN))


def _rows(cursor: sqlite3.Cursor, columns: str, **convert: Callable[[str], Any]) -> list[Any]:
    """The rows of `cursor` as named tuples of `columns`, with the named columns converted
    from SQLite's text (dates, and times that SQLModel's UTCDateTime stores as naive UTC).

    Named tuples rather than objects: a plan of 10,000 items is read on every start.
    """
    names = [name.strip() for name in columns.split(",")]
    row_type = namedtuple("Row", names)  # type: ignore[misc]
    positions = [(names.index(name), function) for name, function in convert.items()]
    make = row_type._make
    rows = []
    for values in cursor:
        if not positions:
            rows.append(make(values))
            continue
        converted = list(values)
        for position, function in positions:
            if converted[position] is not None:
                converted[position] = function(converted[position])
        rows.append(make(converted))
    return rows


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Reader:
    """A read-only view of one SQLite ledger; `open` says whether this path applies."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    @classmethod
    def open(cls, url: str) -> Reader | None:
        path = plain_sqlite_file(url)
        if path is None or not path.is_file():
            return None
        try:
            # As the ORM path opens it (read-only where this user may not write).
            connection = open_sqlite(path, timeout=30)
            connection.execute("PRAGMA busy_timeout = 30000")
            (version,) = connection.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).fetchone() or ("",)
        except sqlite3.Error:
            return None
        if version != str(SCHEMA_VERSION):
            connection.close()
            return None
        return cls(connection)

    def close(self) -> None:
        self.connection.close()

    def _plan(self, slug: str | None) -> Any:
        """The plan named `slug`, or the plan in use: the read model's one rule
        (readmodel.PLAN_CHOICE_SQL); None for a name it does not choose, whose error the
        ORM path words."""
        query = PLAN_CHOICE_SQL.format(columns=_PLAN)
        cursor = self.connection.execute(query, {"slug": slug})
        rows = _rows(
            cursor,
            _PLAN,
            published=date.fromisoformat,
            start_date=date.fromisoformat,
            end_date=date.fromisoformat,
        )
        return rows[0] if rows else None

    def load_plan(self, *, slug: str | None, today: date) -> PlanView | None:
        plan = self._plan(slug)
        if plan is None:
            return None
        tasks = _rows(
            self.connection.execute(f"SELECT {_TASK} FROM task WHERE plan_id = ?", (plan.id,)),
            _TASK,
        )
        items = _rows(
            self.connection.execute(
                f"SELECT {_ITEM} FROM item"
                " WHERE task_id IN (SELECT id FROM task WHERE plan_id = ?)",
                (plan.id,),
            ),
            _ITEM,
            due=date.fromisoformat,
            updated_at=_utc,
            signed_off_at=_utc,
        )
        notes = _rows(
            self.connection.execute(
                f"SELECT {_NOTE} FROM note WHERE plan_id = ? AND NOT retracted", (plan.id,)
            ),
            _NOTE,
            created_at=_utc,
        )
        evidence = _rows(
            self.connection.execute(
                f"SELECT {_EVIDENCE} FROM evidence WHERE plan_id = ? AND NOT removed ORDER BY id",
                (plan.id,),
            ),
            _EVIDENCE,
            added_at=_utc,
        )
        milestones = _rows(
            self.connection.execute(
                f"SELECT {_MILESTONE} FROM milestone WHERE item_id IN (SELECT i.id FROM item i"
                " JOIN task k ON k.id = i.task_id WHERE k.plan_id = ?)",
                (plan.id,),
            ),
            _MILESTONE,
            due=date.fromisoformat,
        )
        # The rows carry the models' attribute names and types, which is all it reads.
        rows = cast(Any, (plan, tasks, items, notes))
        head = trail_head(self.connection.execute(TRAIL_HEAD_SQL).fetchone())
        view = build_plan_view(*rows, today=today, evidence=evidence, milestones=milestones)
        return replace(view, trail=head)

    def load_history(
        self, *, slug: str | None, ref: str, limit: int | None = None
    ) -> list[EventView] | None:
        """The trail of one task or item, oldest first, as `readmodel.load_history`."""
        plan = self._plan(slug)
        if plan is None:
            return None
        try:
            parsed = parse_ref(ref)
        except DomainError:
            return None
        execute = self.connection.execute
        task = execute(
            "SELECT id, seq FROM task WHERE plan_id = ? AND seq = ?", (plan.id, parsed.task)
        ).fetchone()
        if task is None:
            return None
        task_id, task_seq = task
        items = dict(execute("SELECT id, seq FROM item WHERE task_id = ?", (task_id,)).fetchall())
        if isinstance(parsed, ItemRef):
            chosen = [item_id for item_id, seq in items.items() if seq == parsed.item]
            if not chosen:
                return None
            where, params = "item_id = ?", [chosen[0]]
        else:
            chosen = list(items)
            marks = ", ".join("?" * len(chosen))
            where, params = f"(task_id = ? OR item_id IN ({marks}))", [task_id, *chosen]
        columns = _EVENT
        query = f"SELECT {columns} FROM event WHERE plan_id = ? AND {where} ORDER BY id DESC"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        events = _rows(self.connection.execute(query, [plan.id, *params]), columns, at=_utc)[::-1]
        return [
            EventView(
                id=event.id,
                ref=_event_ref(event, task_id, task_seq, items),
                **{name: getattr(event, name) for name in _EVENT_SHOWN},
            )
            for event in events
        ]

    def latest_event_id(self) -> int:
        """As `readmodel.latest_event_id`: what the TUI polls to notice a change."""
        (latest,) = self.connection.execute("SELECT max(id) FROM event").fetchone()
        return int(latest or 0)

    def plan_year(self, slug: str | None) -> int | None:
        plan = self._plan(slug)
        return None if plan is None else int(plan.year)

    def ids(self, *, slug: str | None) -> list[str] | None:
        """Every task and item ID of a plan, in order: what shell completion offers."""
        plan = self._plan(slug)
        if plan is None:
            return None
        rows = self.connection.execute(
            "SELECT task.seq, item.seq FROM task"
            " LEFT JOIN item ON item.task_id = task.id WHERE task.plan_id = ?"
            " ORDER BY task.seq, item.seq",
            (plan.id,),
        ).fetchall()
        tasks = list(dict.fromkeys(str(task) for task, _ in rows))
        return tasks + [f"{task}.{item}" for task, item in rows if item is not None]


def _event_ref(event: Any, task_id: int, task_seq: int, items: dict[int, int]) -> str | None:
    """The ID an event is shown under, as `readmodel.load_history` names it."""
    if event.item_id is not None and event.item_id in items:
        return f"{task_seq}.{items[event.item_id]}"
    return str(task_seq) if event.task_id == task_id else None
