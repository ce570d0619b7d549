"""The service layer: the only code that writes to the ledger.

Every public method is one transaction: it validates everything first, applies the change,
writes one audit event per changed field (or note) in the same transaction, and commits.
An error leaves the database exactly as it was. The CLI, the TUI and the importers all come
through here, so they leave the same history.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple, ParamSpec, TypeVar, cast

from sqlalchemy import Engine, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, col, select

from lawtasks.access import Access, grant_login, login_role, revoke_login
from lawtasks.audit import digest, latest_digest
from lawtasks.commands import UNSET, ItemReturn, _Unset
from lawtasks.dates import parse_date
from lawtasks.db import announce_change, is_busy, writer
from lawtasks.domain import (
    FIELD_LIMIT,
    NOTE_LIMIT,
    ItemRef,
    Ref,
    Status,
    check_slug,
    check_status_progress,
    clean_text,
    default_actor,
    parse_progress,
    parse_ref,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import t
from lawtasks.models import Event, Item, Note, Plan, Task, User, utcnow
from lawtasks.parser import ParsedPlan
from lawtasks.readmodel import resolve_plan, resolve_refs

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

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def _value(value: object) -> str | None:
    """How a field's value is written in the audit trail."""
    if value is None:
        return None
    if isinstance(value, Status):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


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


# The columns a call reads of each item, in _ItemState's order (less its ref).
_LOADED = ("id", "task_id", "seq", "status", "progress", *_PLAIN_FIELDS, "updated_at",
           "updated_by", "version")  # fmt: skip
# The columns an item's change writes back (see _touch).
_WRITTEN = ("status", "progress", *_PLAIN_FIELDS, "version", "updated_at", "updated_by")

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
                old=_value(old),
                new=_value(new),
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


class Ledger:
    """Writes to one plan of one database on behalf of one actor."""

    def __init__(self, engine: Engine, *, actor: str | None = None, plan: str | None = None):
        self.engine = engine
        # The actor goes into every event: held to the rules of a user's name even on a
        # ledger without users, where it is taken at its word.
        self.actor = clean_text(actor or default_actor(), field="user", limit=63)
        if not self.actor:
            raise DomainError("error.empty_value", field=t("field.user"))
        self.plan_slug = plan
        self._explicit_actor = actor

    # -- transactions -------------------------------------------------------------------

    def _session(self) -> Session:
        # expire_on_commit=False: outcomes are read after the commit, without a new query.
        return Session(writer(self.engine), expire_on_commit=False)

    def _batch(self, session: Session, plan: Plan | None, action: str) -> _Batch:
        plan_id = None if plan is None else plan.id
        return _Batch(session, plan_id, self.actor, action, uuid.uuid4().hex, utcnow())

    def _access(self, session: Session) -> Access:
        """Who the actor is and what they may change, read inside the write transaction.

        On PostgreSQL a user's own login is who they are: changes are recorded under the
        role the database knows, which is also what its row-level security checks.
        """
        login = login_role(session.connection())
        access = Access.load(session, self.actor)
        if login is not None and login in access.users and login != self.actor:
            if self._explicit_actor is not None:
                raise DomainError("error.access_login", login=login, actor=self.actor)
            self.actor = login
            access = Access(login, access.users)
        return access

    # -- changes to items ---------------------------------------------------------------

    @_retry_busy
    def update(
        self,
        refs: Sequence[str],
        *,
        status: Status | str | None = None,
        progress: int | str | None = None,
        progress_delta: int | None = None,
        lead_unit: str | _Unset | None = UNSET,
        assisting_units: str | _Unset | None = UNSET,
        responsible_person: str | _Unset | None = UNSET,
        due: date | str | _Unset | None = UNSET,
        target: str | _Unset | None = UNSET,
        note: str | None = None,
        expected_versions: Mapping[str, int] | None = None,
    ) -> Outcome:
        """Set fields on items; a task ref stands for all of its items. All or nothing.

        `progress_delta` moves each item's progress by that much, within 0 to 100 (the TUI's
        + and - keys). `expected_versions` maps item IDs to the version the caller saw; an item
        changed since is a conflict, so that nobody overwrites a colleague's update unseen.
        """
        wanted_status = Status.parse(status) if isinstance(status, str) else status
        wanted_progress = None if progress is None else parse_progress(progress)
        plain: dict[str, object] = {}
        for name, value in (
            ("lead_unit", lead_unit),
            ("assisting_units", assisting_units),
            ("responsible_person", responsible_person),
            ("target", target),
        ):
            if not isinstance(value, _Unset):
                text = clean_text(value or "", field=name, limit=FIELD_LIMIT)
                plain[name] = text or None
        note_text = None if note is None else self._clean_note(note)
        if (
            wanted_status is None
            and wanted_progress is None
            and progress_delta is None
            and not plain
            and isinstance(due, _Unset)
            and note_text is None
        ):
            raise DomainError("error.nothing_to_set")
        if wanted_status is not None and wanted_progress is not None:
            check_status_progress(wanted_status, wanted_progress)

        with self._session() as session:
            plan = resolve_plan(session, self.plan_slug)
            if isinstance(due, str):
                # Officers write 6月底 or 第三季度; those mean the plan's year.
                plain["due"] = parse_date(due, year=plan.year) if due.strip() else None
            elif not isinstance(due, _Unset):
                plain["due"] = due
            if not refs:
                raise DomainError("error.no_ids")
            found = _Refs(session, plan, refs)
            resolved = [found.resolve(text) for text in refs]
            access = self._access(session)
            batch = self._batch(session, plan, "set")
            changes: list[Change] = []
            seen: set[int] = set()
            for _ref, _task, items in resolved:
                for item in items:
                    if item.id in seen:
                        continue
                    seen.add(item.id)
                    ref = item.ref
                    new_unit = plain.get("lead_unit", item.lead_unit)
                    access.check_item(ref, item.lead_unit, new_unit)  # type: ignore[arg-type]
                    if expected_versions and ref in expected_versions:
                        _check_version(item, ref, expected_versions[ref])
                    item_progress = wanted_progress
                    if progress_delta is not None:
                        item_progress = min(100, max(0, item.progress + progress_delta))
                    changes += _apply_item(batch, item, ref, wanted_status, item_progress, plain)
            if note_text is not None:
                noted: set[str] = set()
                for ref_obj, task, items in resolved:
                    # `set 2.1 2.1 --note x` means one note, not two.
                    if str(ref_obj) in noted:
                        continue
                    noted.add(str(ref_obj))
                    target_item = items[0] if isinstance(ref_obj, ItemRef) else None
                    if target_item is None:
                        access.check_item(str(task.seq), task.lead_unit)
                    changes.append(self._add_note(session, batch, task, target_item, note_text))
            _commit(session)
            return Outcome(batch.id, batch.at, tuple(changes), self.actor)

    # -- returns from the lead units -------------------------------------------------------

    @_retry_busy
    def apply_returns(self, returns: Sequence[ItemReturn]) -> Outcome:
        """Apply the departments' returns in one transaction, as one batch of the applier's.

        The actor is the person who applies them, so that their `undo` reverts the whole
        apply; each event also names the unit whose return it records (`for_unit`). Every
        row goes through the same rules as `update`; a row whose item moved since its sheet
        was made (`expected_version`) is a conflict unless the caller dropped the version to
        force it, and a row for an item its unit does not lead is a coordinator's to force.
        Any error applies nothing.
        """
        with self._session() as session:
            plan = resolve_plan(session, self.plan_slug)
            access = self._access(session)
            found = _Refs(session, plan, [entry.ref for entry in returns])
            batch = self._batch(session, plan, "set")
            changes: list[Change] = []
            seen: set[str] = set()
            for entry in returns:
                _, task, items = found.resolve(entry.ref)
                (item,) = items
                if item.ref in seen:
                    # Two rows for one item: the second would be checked against the first.
                    raise DomainError("returns.duplicate_entry", ref=item.ref)
                seen.add(item.ref)
                if entry.expected_version is not None:
                    _check_version(item, entry.ref, entry.expected_version)
                unit = entry.for_unit or item.lead_unit
                if entry.for_unit is not None and entry.for_unit != item.lead_unit:
                    if not entry.foreign:
                        raise DomainError(
                            "returns.foreign_row",
                            ref=entry.ref,
                            lead=item.lead_unit or "∅",
                            unit=entry.for_unit,
                        )
                    # Entering one unit's report on another unit's item is the office's call.
                    access.check_coordinator("access.action.foreign_row")
                new_unit = entry.lead_unit if isinstance(entry.lead_unit, str) else None
                access.check_item(entry.ref, item.lead_unit, new_unit or item.lead_unit)
                batch.for_unit = unit
                plain: dict[str, object] = {}
                if not isinstance(entry.lead_unit, _Unset):
                    plain["lead_unit"] = entry.lead_unit
                if not isinstance(entry.due, _Unset):
                    plain["due"] = entry.due
                if entry.status is not None and entry.progress is not None:
                    check_status_progress(entry.status, entry.progress)
                changes += _apply_item(batch, item, entry.ref, entry.status, entry.progress, plain)
                if entry.note:
                    note = self._clean_note(entry.note)
                    changes.append(self._add_note(session, batch, task, item, note))
            batch.for_unit = None
            if not changes:
                session.rollback()
                return Outcome(None, None, (), self.actor)
            _commit(session)
            return Outcome(batch.id, batch.at, tuple(changes), self.actor)

    # -- sheets sent to the units -------------------------------------------------------

    @_retry_busy
    def issue_sheets(
        self, sheets: Mapping[str, Sequence[tuple[str, int, str, int]]]
    ) -> dict[str, str]:
        """Record the 填报 sheets about to be sent: per unit, each item's (ID, version, status,
        progress) as the sheet shows it. Returns each unit's sheet id for its stamp.

        `apply` checks a returned sheet against this record, not against the stamp in the
        workbook, which the unit can edit. Only who may change a unit's items may send
        them out for report: an officer for their own unit, a coordinator for any.
        """
        import json

        from lawtasks.models import IssuedSheet

        with self._session() as session:
            plan = resolve_plan(session, self.plan_slug)
            access = self._access(session)
            made = utcnow()
            ids: dict[str, str] = {}
            for unit, rows in sheets.items():
                if not access.may_change(unit):
                    access.check_coordinator("access.action.sheets")
                items = {
                    ref: [version, status, progress] for ref, version, status, progress in rows
                }
                sheet = IssuedSheet(
                    id=uuid.uuid4().hex,
                    plan_id=plan.id or 0,
                    unit=unit,
                    items=json.dumps(items, ensure_ascii=False),
                    made_at=made,
                    made_by=self.actor,
                )
                session.add(sheet)
                ids[unit] = sheet.id
            session.commit()
            return ids

    # -- notes --------------------------------------------------------------------------

    @staticmethod
    def _clean_note(text: str) -> str:
        cleaned = clean_text(text, field="note", limit=NOTE_LIMIT, multiline=True)
        if not cleaned:
            raise DomainError("error.empty_note")
        return cleaned

    @_retry_busy
    def add_note(self, ref: str, text: str) -> Outcome:
        """Attach a note to a task (`2`) or an item (`2.3`). Notes are append-only."""
        cleaned = self._clean_note(text)
        with self._session() as session:
            plan = resolve_plan(session, self.plan_slug)
            ref_obj, task, items = _Refs(session, plan, [ref]).resolve(ref)
            access = self._access(session)
            item = items[0] if isinstance(ref_obj, ItemRef) else None
            if item is None:
                access.check_item(str(task.seq), task.lead_unit)
            else:
                access.check_item(ref, item.lead_unit)
            batch = self._batch(session, plan, "note")
            change = self._add_note(session, batch, task, item, cleaned)
            _commit(session)
            return Outcome(batch.id, batch.at, (change,), self.actor)

    def _add_note(
        self, session: Session, batch: _Batch, task: Task, item: _ItemState | None, text: str
    ) -> Change:
        note = Note(
            plan_id=task.plan_id,
            task_id=task.id,
            item_id=item.id if item else None,
            text=text,
            author=batch.actor,
            created_at=batch.at,
        )
        session.add(note)
        session.flush()  # the event names the note by its id
        batch.record(
            field="note",
            new=text,
            task_id=task.id,
            item_id=note.item_id,
            note_id=note.id,
            action="note",
        )
        ref = f"{task.seq}.{item.seq}" if item else str(task.seq)
        return Change(ref, "note", None, text)

    # -- undo ---------------------------------------------------------------------------

    @_retry_busy
    def undo(self) -> Outcome:
        """Revert this actor's last call that has not been reverted yet, as new events.

        Nothing is deleted: fields are set back and notes retracted, and each reversal is
        recorded. A field that someone else changed since is a conflict, not overwritten.
        """
        with self._session() as session:
            # Undo stays within the plan in hand: a change to another plan is not "the last
            # change" of someone working on this one.
            plan = resolve_plan(session, self.plan_slug)
            access = self._access(session)
            reverted = select(Event.reverts).where(col(Event.reverts).is_not(None))
            last = session.exec(
                select(Event)
                .where(
                    Event.plan_id == plan.id,
                    Event.actor == self.actor,
                    col(Event.action).in_(["set", "note"]),
                    col(Event.batch).not_in(reverted),
                )
                .order_by(col(Event.id).desc())
            ).first()
            if last is None:
                raise DomainError("error.nothing_to_undo", actor=self.actor)
            events = list(
                session.exec(
                    select(Event).where(Event.batch == last.batch).order_by(col(Event.id).desc())
                )
            )
            batch = self._batch(session, plan, "undo")
            changes: list[Change] = []
            # The items as `update` and `apply_returns` read them, so that an undo is
            # written by the same bulk path (one UPDATE, versions bumped once per item).
            items = _items_by_id(
                session, {event.item_id for event in events if event.item_id is not None}
            )
            touched: dict[int, _ItemState] = {}
            for event in events:
                if event.field == "note" and event.note_id is not None:
                    note = session.get(Note, event.note_id)
                    if note is None or note.retracted:
                        continue
                    note.retracted = True
                    session.add(note)
                    batch.record(
                        field="note",
                        old=note.text,
                        task_id=event.task_id,
                        item_id=event.item_id,
                        note_id=note.id,
                        reverts=event.batch,
                    )
                    changes.append(Change(_ref_of(session, event), "note", note.text, None))
                    continue
                if event.item_id is None or event.field is None:
                    continue
                item = items[event.item_id]
                ref = item.ref
                restored = _parse_field(event.field, event.old)
                new_unit = restored if event.field == "lead_unit" else item.lead_unit
                access.check_item(ref, item.lead_unit, new_unit)  # type: ignore[arg-type]
                current = _value(getattr(item, event.field))
                if current != event.new:
                    # Someone changed the field after this call; putting the old value back
                    # would silently undo their work.
                    raise DomainError(
                        "error.undo_conflict",
                        ref=ref,
                        field=t(f"field.{event.field}"),
                        actor=item.updated_by or "?",
                        at=_when(item.updated_at),
                    )
                setattr(item, event.field, restored)
                touched[event.item_id] = item
                batch.record(
                    field=event.field,
                    old=current,
                    new=event.old,
                    task_id=event.task_id,
                    item_id=event.item_id,
                    reverts=event.batch,
                )
                changes.append(Change(ref, event.field, current, event.old))
            for item in touched.values():
                batch.touch(item)
            _commit(session)
            return Outcome(batch.id, batch.at, tuple(changes), self.actor, reverted_at=last.at)

    # -- users -------------------------------------------------------------------------

    @_retry_busy
    def add_user(self, name: str, *, unit: str | None, coordinator: bool = False) -> Outcome:
        """Add a user, or change an existing one's unit and role (a coordinator's job).

        The first user must be a coordinator, so that someone can manage the others. On
        PostgreSQL the user's database login is created if need be and made an officer.
        """
        name = clean_text(name, field="user", limit=63)
        if not name:
            raise DomainError("error.empty_value", field=t("field.user"))
        unit = clean_text(unit or "", field="lead_unit", limit=FIELD_LIMIT) or None
        with self._session() as session:
            access = self._access(session)
            if not access.enforced and not coordinator:
                raise DomainError("error.access_first_user")
            if access.enforced:
                access.check_coordinator("access.action.users")
            user = session.get(User, name)
            batch = self._batch(session, None, "user")
            changes: list[Change] = []
            if user is None:
                user = User(name=name)
                batch.record(field="user", new=name, subject=name)
                changes.append(Change(name, "user", None, name))
            elif user.coordinator and not coordinator:
                # Even as the only user: a ledger with users but no coordinator is one
                # nobody can manage any more.
                _keep_a_coordinator(access, name, leaving=False)
            for field, old, new in (
                ("unit", user.unit, unit),
                ("coordinator", _yes_no(user.coordinator), _yes_no(coordinator)),
            ):
                if old != new:
                    batch.record(field=field, old=old, new=new, subject=name)
                    changes.append(Change(name, field, old, new))
            if not changes:
                return Outcome(None, None, (), self.actor)
            user.unit, user.coordinator = unit, coordinator
            session.add(user)
            session.flush()
            try:
                grant_login(session.connection(), name)
            except DBAPIError as error:
                raise DomainError("error.access_role", name=name, reason=_reason(error)) from None
            _commit(session)
            return Outcome(batch.id, batch.at, tuple(changes), self.actor)

    @_retry_busy
    def remove_user(self, name: str) -> Outcome:
        """Take a user off the ledger; what they did stays in the trail under their name."""
        with self._session() as session:
            access = self._access(session)
            access.check_coordinator("access.action.users")
            user = session.get(User, name)
            if user is None:
                names = ", ".join(sorted(access.users)) or t("access.none")
                raise DomainError("error.access_no_user", name=name, names=names)
            if user.coordinator:
                _keep_a_coordinator(access, name, leaving=True)
            batch = self._batch(session, None, "user")
            batch.record(field="user", old=name, subject=name)
            session.delete(user)
            session.flush()
            revoke_login(session.connection(), name)
            _commit(session)
            return Outcome(batch.id, batch.at, (Change(name, "user", name, None),), self.actor)

    # -- plans --------------------------------------------------------------------------

    @_retry_busy
    def import_plan(
        self, parsed: ParsedPlan, *, slug: str, new: bool = False
    ) -> tuple[Outcome, int]:
        """Create the plan `slug` from a parsed report, or add what an existing one lacks.

        Idempotent: a task or item already present (by sequence) is never touched, so an
        officer's status, progress, units, dates and notes survive a second seeding. With
        `new`, a plan of that slug existing already is an error instead.
        Returns the outcome and the number of rows added.
        """
        from lawtasks.audit import seal_plan, sealed

        new_items: list[dict[str, object]] = []
        check_slug(slug)
        with self._session() as session:
            self._access(session).check_coordinator("access.action.import")
            plan = session.exec(select(Plan).where(Plan.slug == slug)).first()
            if plan is not None and new:
                # Importing another year's report must not merge into an existing plan.
                raise DomainError("error.plan_exists", value=slug)
            if plan is None:
                plan = Plan(
                    slug=slug,
                    title=parsed.title,
                    year=parsed.year,
                    goal=parsed.goal,
                    heading=parsed.heading,
                    source_name=parsed.source_name,
                    published=parsed.published,
                    start_date=date(parsed.year, 1, 1),
                )
                session.add(plan)
                session.flush()
                added = 1
            else:
                added = 0
            batch = self._batch(session, plan, "import")
            tasks = {
                task.seq: task for task in session.exec(select(Task).where(Task.plan_id == plan.id))
            }
            for parsed_task in parsed.tasks:
                task = tasks.get(parsed_task.seq)
                if task is None:
                    task = Task(
                        plan_id=plan.id or 0,
                        seq=parsed_task.seq,
                        numeral=parsed_task.numeral,
                        title=parsed_task.title,
                        body=parsed_task.body,
                        lead_unit=parsed_task.lead_unit,
                        assisting_units=parsed_task.assisting_units,
                    )
                    session.add(task)
                    session.flush()
                    added += 1
                existing = set(session.exec(select(Item.seq).where(Item.task_id == task.id)))
                for parsed_item in parsed_task.items:
                    if parsed_item.seq in existing:
                        continue
                    new_items.append(
                        {
                            "task_id": task.id or 0,
                            "seq": parsed_item.seq,
                            "title": parsed_item.title,
                            "text": parsed_item.text,
                            "target": parsed_item.target,
                            "lead_unit": parsed_item.lead_unit or parsed_task.lead_unit,
                            "assisting_units": parsed_item.assisting_units
                            or parsed_task.assisting_units,
                            "status": Status.NOT_STARTED.value,
                            "progress": 0,
                            "version": 1,
                        }
                    )
                    added += 1
            if not added:
                session.rollback()
                return Outcome(None, None, (), self.actor), 0
            if new_items:
                # Core executemany: one statement for a plan of 10,000 items, not an ORM
                # object and a flush each.
                session.connection().execute(insert(Item), new_items)
            # The seal over the plan's rows as imported (see audit.import_seal): verify
            # reads them back against it, so that a title, a text or an item added or
            # removed outside lawtasks shows, though no event ever changed them.
            seal = seal_plan(session.connection(), plan.id or 0)
            batch.record(field=None, new=sealed(f"{parsed.source_name} (+{added})", seal))
            _commit(session)
            change = Change(slug, "import", None, parsed.source_name)
            return Outcome(batch.id, batch.at, (change,), self.actor), added


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _keep_a_coordinator(access: Access, name: str, *, leaving: bool) -> None:
    """Refuse to leave users without a coordinator. The last user of all may leave: the
    ledger is then one office's own file again, open to whoever can open it."""
    others = [n for n, user in access.users.items() if user.coordinator and n != name]
    if not others and (not leaving or len(access.users) > 1):
        raise DomainError("error.access_last_coordinator", name=name)


def _reason(error: DBAPIError) -> str:
    return str(error.orig or error).splitlines()[0]


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
        changes.append(Change(ref, name, _value(old), _value(new)))
    if changes:
        batch.touch(item)
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


def _parse_field(field: str, value: str | None) -> object:
    """An audit-trail value back as the column's type."""
    if value is None:
        return None
    if field == "progress":
        return int(value)
    if field == "due":
        return date.fromisoformat(value)
    return value
