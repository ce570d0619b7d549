"""How a service call writes: the batch of events chained as they are recorded, items
read as columns and written back in one bulk UPDATE, one commit. The only write path."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple, ParamSpec, TypeVar, cast

from sqlalchemy import insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from lawtasks.audit import digest, latest_digest
from lawtasks.db import announce_change, is_busy
from lawtasks.domain import (
    ItemRef,
    Ref,
    Status,
    parse_ref,
    trail_text,
)
from lawtasks.errors import DomainError
from lawtasks.models import Event, Item, Plan, Task
from lawtasks.readmodel import resolve_refs

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Change:
    """One field of one task or item, as it was and as it became."""

    ref: str
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Outcome:
    """What a service call did: its batch (for undo) and its changes, in order."""

    batch: str | None
    at: datetime | None
    changes: tuple[Change, ...]
    actor: str
    # For an undo: when the reverted call was made.
    reverted_at: datetime | None = None
    # For an apply: the reporting rounds it answered, as (unit, period, late).
    answered: tuple[tuple[str, str, bool], ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.changes)


# Item fields the officers set directly; status and progress go through _next_state.
_PLAIN_FIELDS = ("lead_unit", "assisting_units", "responsible_person", "due", "target")


class _EventRow(NamedTuple):
    """An audit event's columns, as they are chained and inserted.

    Not an `Event`: building 20,000 of those (pydantic and ORM instrumentation) took seconds
    of a bulk call, and `audit.digest` reads nothing but these names.
    """

    plan_id: int | None
    task_id: int | None
    item_id: int | None
    note_id: int | None
    batch: str
    actor: str
    at: datetime
    action: str
    field: str | None
    old: str | None
    new: str | None
    reverts: str | None
    subject: str | None
    for_unit: str | None


@dataclass(slots=True)
class _ItemState:
    """An item's fields as a call reads and changes them, without an ORM object per item."""

    id: int
    task_id: int
    seq: int
    ref: str  # as officers write it: 2.3
    status: str
    progress: int
    lead_unit: str | None
    assisting_units: str | None
    responsible_person: str | None
    due: date | None
    target: str | None
    updated_at: datetime | None
    updated_by: str | None
    version: int
    # A coordinator's 销号 of the done item (services.supervision); cleared when it reopens.
    signed_off_at: datetime | None = None
    signed_off_by: str | None = None


# The sign-off columns, in the order their events are written.
SIGNOFF_FIELDS = ("signed_off_at", "signed_off_by")
# The columns a call reads of each item, in _ItemState's order (less its ref).
_LOADED = ("id", "task_id", "seq", "status", "progress", *_PLAIN_FIELDS, "updated_at",
           "updated_by", "version", *SIGNOFF_FIELDS)  # fmt: skip
# The columns an item's change writes back (see _touch).
_WRITTEN = ("status", "progress", *_PLAIN_FIELDS, "version", "updated_at", "updated_by",
            *SIGNOFF_FIELDS)  # fmt: skip

_WRITES = "lawtasks.writes"  # session.info key: the transaction's _Writes


class _Writes:
    """The events and item changes of one transaction, written just before it commits.

    One per session rather than per batch: a transaction may hold several batches (a return
    applied for several units) and the chain runs through all of them. Holding the rows
    back lets 10,000 item changes go out as one UPDATE and their events as one INSERT, in
    the order they were recorded, which is the order the chain is walked in (by id).
    """

    def __init__(self, previous: str) -> None:
        self.previous = previous  # the digest the next event chains to
        self.events: list[tuple[_EventRow, str]] = []  # each with its digest
        self.items: dict[int, _ItemState] = {}
        # Item id -> `old` of its latest "progress → 100" event, once read: what reopening
        # a done item goes back to.
        self.done_from: dict[int, str | None] | None = None

    def add(self, row: _EventRow) -> None:
        # audit.digest reads the event's columns by name, which the row carries.
        self.previous = digest(self.previous, cast(Event, row))
        self.events.append((row, self.previous))
        done = _done_item(row)
        if self.done_from is not None and done is not None:
            self.done_from[done] = row.old

    def write(self, session: Session) -> None:
        if self.items:
            # ORM bulk UPDATE by primary key: one executemany for all the items.
            session.execute(
                update(Item),
                [
                    {"id": item.id, **{name: getattr(item, name) for name in _WRITTEN}}
                    for item in self.items.values()
                ],
            )
            self.items.clear()
        if self.events:
            # Core executemany: the rows go in list order, so ids follow the chain.
            rows = [{**row._asdict(), "digest": chained} for row, chained in self.events]
            session.connection().execute(insert(Event), rows)
            self.events.clear()


def _writes(session: Session) -> _Writes:
    writes = session.info.get(_WRITES)
    if writes is None:
        announce_change(session.connection())
        # Read inside the write transaction (BEGIN IMMEDIATE on SQLite, the writers' lock
        # on PostgreSQL), so no other writer can append between this read and our events.
        writes = session.info[_WRITES] = _Writes(latest_digest(session))
    assert isinstance(writes, _Writes)
    return writes


def _commit(session: Session) -> None:
    """Write what the call recorded, then commit: every service call ends here."""
    writes = session.info.get(_WRITES)
    if isinstance(writes, _Writes):
        writes.write(session)
    session.commit()


def _done_item(row: _EventRow) -> int | None:
    """The item whose progress the event takes to 100, if it does."""
    return row.item_id if row.field == "progress" and row.new == "100" else None


@dataclass
class _Batch:
    """The events of one service call, written with the change they record."""

    session: Session
    plan_id: int | None
    actor: str
    action: str
    id: str
    at: datetime
    # The unit whose return this batch is applying, while it applies that unit's rows.
    for_unit: str | None = None

    def record(
        self,
        *,
        field: str | None,
        old: object = None,
        new: object = None,
        task_id: int | None = None,
        item_id: int | None = None,
        note_id: int | None = None,
        reverts: str | None = None,
        action: str | None = None,
        subject: str | None = None,
        for_unit: str | None = None,
    ) -> None:
        _writes(self.session).add(
            _EventRow(
                plan_id=self.plan_id,
                task_id=task_id,
                item_id=item_id,
                note_id=note_id,
                batch=self.id,
                actor=self.actor,
                at=self.at,
                action=action or self.action,
                field=field,
                old=trail_text(old),
                new=trail_text(new),
                reverts=reverts,
                subject=subject,
                for_unit=for_unit or self.for_unit,
            )
        )

    def touch(self, item: _ItemState) -> None:
        """Mark a changed item: its new version, time and author go out with the others."""
        _touch(item, self)
        _writes(self.session).items[item.id] = item

    def progress_before_done(self, item_id: int) -> int:
        """What a done item's progress was before it reached 100, read from the trail."""
        writes = _writes(self.session)
        if writes.done_from is None:
            # One query for the whole plan rather than one per reopened item.
            in_plan = select(Item.id).join(Task).where(Task.plan_id == self.plan_id)
            found = self.session.exec(
                select(Event.item_id, Event.old)
                .where(
                    Event.field == "progress",
                    Event.new == "100",
                    col(Event.item_id).in_(in_plan),
                )
                .order_by(col(Event.id))
            )
            # Later events overwrite earlier ones, so each item keeps its latest.
            writes.done_from = {item: old for item, old in found if item is not None}
            for row, _ in writes.events:  # recorded in this call, not yet written
                done = _done_item(row)
                if done is not None:
                    writes.done_from[done] = row.old
        old = writes.done_from.get(item_id)
        if old is None:
            return 0
        previous = int(old)
        return previous if previous < 100 else 0


# How often a write is tried again when SQLite stays busy beyond its busy timeout (a WAL
# snapshot that cannot be upgraded, say); each try is a whole transaction, so a retry
# cannot apply anything twice.
BUSY_RETRIES = 5


def _retry_busy(method: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(BUSY_RETRIES):
            try:
                return method(*args, **kwargs)
            except OperationalError as error:
                if not is_busy(error) or attempt == BUSY_RETRIES - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper


def _next_state(
    status: Status,
    progress: int,
    wanted_status: Status | None,
    wanted_progress: int | None,
    *,
    reopen_progress: Callable[[], int],
) -> tuple[Status, int]:
    """The status and progress an item ends with, by the ledger's rules.

    - done means progress 100, and progress 100 means done;
    - progress above 0 on an item not started makes it in progress;
    - reopening a done item makes it in progress (or blocked, if asked) with the progress
      given, or else the progress it had before it was marked done;
    - not started means progress 0.
    """
    if wanted_status is not None and wanted_progress is not None:
        return wanted_status, wanted_progress
    if wanted_status is not None:
        if wanted_status is Status.DONE:
            return Status.DONE, 100
        if wanted_status is Status.NOT_STARTED:
            return Status.NOT_STARTED, 0
        if status is Status.DONE:
            return wanted_status, reopen_progress()
        return wanted_status, progress
    if wanted_progress is not None:
        if wanted_progress == 100:
            return Status.DONE, 100
        if status is Status.DONE or (status is Status.NOT_STARTED and wanted_progress > 0):
            return Status.IN_PROGRESS, wanted_progress
        return status, wanted_progress
    return status, progress


def _apply_item(
    batch: _Batch,
    item: _ItemState,
    ref: str,
    status: Status | None,
    progress: int | None,
    plain: Mapping[str, object],
) -> list[Change]:
    """Change one item by the ledger's rules, recording an event per changed field."""
    changes: list[Change] = []
    new_status, new_progress = _next_state(
        Status(item.status),
        item.progress,
        status,
        progress,
        reopen_progress=lambda: batch.progress_before_done(item.id),
    )
    updates: dict[str, object] = dict(plain)
    updates["status"] = new_status.value
    updates["progress"] = new_progress
    for name in ("status", "progress", *_PLAIN_FIELDS):
        if name not in updates:
            continue
        old, new = getattr(item, name), updates[name]
        if old == new:
            continue
        setattr(item, name, new)
        batch.record(field=name, old=old, new=new, task_id=item.task_id, item_id=item.id)
        changes.append(Change(ref, name, trail_text(old), trail_text(new)))
    if new_status is not Status.DONE:
        # A 销号 is of the item as done: reopened, it waits for a new one.
        changes += clear_signoff(batch, item)
    if changes:
        batch.touch(item)
    return changes


def clear_signoff(batch: _Batch, item: _ItemState) -> list[Change]:
    """Take back an item's sign-off, an event per field; nothing if it has none."""
    changes = []
    for name in SIGNOFF_FIELDS:
        old = getattr(item, name)
        if old is None:
            continue
        setattr(item, name, None)
        batch.record(field=name, old=old, new=None, task_id=item.task_id, item_id=item.id)
        changes.append(Change(item.ref, name, trail_text(old), None))
    return changes


class _Refs:
    """The tasks of a plan and the items of the tasks a call names, read in two queries.

    `readmodel.resolve_refs` reads a task's items as ORM objects once per ref: for a return
    of 10,000 rows that was most of the call. Refs are still resolved one at a time, in
    the caller's order, so that the first bad one is the one reported.
    """

    def __init__(self, session: Session, plan: Plan, refs: Sequence[str]) -> None:
        self.session = session
        self.plan = plan
        self.tasks = {
            task.seq: task for task in session.exec(select(Task).where(Task.plan_id == plan.id))
        }
        named: set[int] = set()
        for text in refs:
            try:
                named.add(parse_ref(text).task)
            except DomainError:
                continue  # resolve() reports it in its turn
        seqs = {task.id: seq for seq, task in self.tasks.items() if seq in named}
        self.items: dict[int, dict[int, _ItemState]] = {seq: {} for seq in seqs.values()}
        # Columns, not ORM objects: loading 10,000 Items took longer than changing them.
        rows = session.connection().execute(
            sa_select(*(col(getattr(Item, name)) for name in _LOADED))
            .where(col(Item.task_id).in_(list(seqs)))
            .order_by(col(Item.task_id), col(Item.seq))
        )
        for id_, task_id, seq, *fields in rows:
            task_seq = seqs[task_id]
            self.items[task_seq][seq] = _ItemState(id_, task_id, seq, f"{task_seq}.{seq}", *fields)

    def resolve(self, text: str) -> tuple[Ref, Task, list[_ItemState]]:
        """The ref with its task and the items it stands for (a task: all of its items)."""
        ref = parse_ref(text)
        task = self.tasks.get(ref.task)
        if task is not None:
            items = self.items[ref.task]
            if not isinstance(ref, ItemRef):
                return ref, task, list(items.values())
            if ref.item in items:
                return ref, task, [items[ref.item]]
        # A bad ref: resolve_refs words the error (what is valid, in which plan).
        resolve_refs(self.session, self.plan, [text])
        raise AssertionError(f"{text} resolved on its own but not with the others")


def _items_by_id(session: Session, ids: set[int]) -> dict[int, _ItemState]:
    """The items `ids` as a call reads and changes them (see `_Refs`), in one query."""
    if not ids:
        return {}
    rows = session.connection().execute(
        sa_select(*(col(getattr(Item, name)) for name in _LOADED), col(Task.seq))
        .join(Task, col(Task.id) == col(Item.task_id))
        .where(col(Item.id).in_(sorted(ids)))
    )
    items = {}
    for id_, task_id, seq, *fields, task_seq in rows:
        items[id_] = _ItemState(id_, task_id, seq, f"{task_seq}.{seq}", *fields)
    return items


def _check_version(item: _ItemState, ref: str, expected: int) -> None:
    if item.version != expected:
        raise DomainError(
            "error.conflict", ref=ref, actor=item.updated_by or "?", at=_when(item.updated_at)
        )


def _touch(item: Item | _ItemState, batch: _Batch) -> None:
    item.version += 1
    item.updated_at = batch.at
    item.updated_by = batch.actor


def _when(moment: datetime | None) -> str:
    return "?" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _ref_of(session: Session, event: Event) -> str:
    task = session.get(Task, event.task_id) if event.task_id is not None else None
    item = session.get(Item, event.item_id) if event.item_id is not None else None
    if task is None and item is not None:
        task = session.get(Task, item.task_id)
    if task is None:
        return "?"
    return f"{task.seq}.{item.seq}" if item else str(task.seq)
