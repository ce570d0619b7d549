"""Changes to items and notes, and undo."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import and_
from sqlmodel import col, select

from lawtasks.commands import UNSET, _Unset
from lawtasks.dates import parse_date
from lawtasks.domain import (
    FIELD_LIMIT,
    ItemRef,
    Status,
    check_status_progress,
    clean_text,
    parse_progress,
    trail_text,
    trail_value,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import t
from lawtasks.models import Event, Note
from lawtasks.readmodel import resolve_plan
from lawtasks.services.base import LedgerBase
from lawtasks.services.milestones import MILESTONE_ACTION, revert_milestone
from lawtasks.services.plans import revert_plan_event
from lawtasks.services.rounds import RETURN_FIELD, ROUND_ACTION, revert_round, undoable
from lawtasks.services.supervision import (
    ATTACH_ACTION,
    REJECT_ACTION,
    SIGNOFF_ACTION,
    revert_attach,
)
from lawtasks.services.writes import (
    Change,
    Outcome,
    _apply_item,
    _check_version,
    _commit,
    _items_by_id,
    _ItemState,
    _ref_of,
    _Refs,
    _retry_busy,
    _when,
)


class ItemChanges(LedgerBase):
    """Changes to items and notes, and their undo."""

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
                    col(Event.action).in_(
                        [
                            "set",
                            "note",
                            "plan",
                            ATTACH_ACTION,
                            SIGNOFF_ACTION,
                            REJECT_ACTION,
                            MILESTONE_ACTION,
                            ROUND_ACTION,
                        ]
                    ),
                    col(Event.batch).not_in(reverted),
                    # A unit's answer to a round stays on record: a return that changed
                    # nothing (its batch only that answer) is not a call to take back.
                    ~and_(col(Event.action) == ROUND_ACTION, col(Event.field) == RETURN_FIELD),
                )
                .order_by(col(Event.id).desc())
            ).first()
            last = undoable(last, self.actor)
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
                if event.action == "plan" or (
                    event.action == ROUND_ACTION and event.field != RETURN_FIELD
                ):
                    # A plan's own setting, or the plan in use (services.plans); a round
                    # opened or closed (services.rounds). A unit's answer to a round, in an
                    # apply's batch, stays on record.
                    revert = revert_plan_event if event.action == "plan" else revert_round
                    changes.append(revert(session, batch, access, event))
                    continue
                if event.action == ATTACH_ACTION and event.item_id is not None:
                    # Evidence is marked removed, never deleted (services.supervision).
                    item = items[event.item_id]
                    changes.append(revert_attach(session, batch, access, event, item))
                    continue
                if event.action == MILESTONE_ACTION and event.item_id is not None:
                    # Added ones removed, removed ones put back (services.milestones).
                    item = items[event.item_id]
                    undone = revert_milestone(session, batch, access, event, item)
                    changes += [undone] if undone is not None else []
                    continue
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
                restored = trail_value(event.field, event.old)
                new_unit = restored if event.field == "lead_unit" else item.lead_unit
                access.check_item(ref, item.lead_unit, new_unit)  # type: ignore[arg-type]
                current = trail_text(getattr(item, event.field))
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
