"""Milestones (每季度的形象进度): the progress an item is expected to reach by a date, or a
text naming the step due then (6月底前完成方案).

序时进度 follows them (domain.expected_progress). Each milestone added or removed is an event
of the trail (action `milestone`, field `milestone`, `new` the milestone added, `old` the one
removed, as audit.milestone_value writes it) in the same transaction: `verify` replays them
against the rows, and `undo` removes what was added and puts back what was removed. A
coordinator or the item's own unit sets them.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from lawtasks.access import Access
from lawtasks.audit import MILESTONE_FIELD, milestone_value, parse_milestone_value
from lawtasks.dates import parse_date
from lawtasks.domain import FIELD_LIMIT, ItemRef, clean_text, parse_progress
from lawtasks.errors import DomainError
from lawtasks.models import Event, Milestone
from lawtasks.readmodel import resolve_plan
from lawtasks.services.base import LedgerBase
from lawtasks.services.writes import (
    Change,
    Outcome,
    _Batch,
    _commit,
    _ItemState,
    _Refs,
    _retry_busy,
)

MILESTONE_ACTION = "milestone"


def _rows(session: Session, item_id: int) -> list[Milestone]:
    """An item's milestones by date (as `milestone list` numbers them)."""
    return list(
        session.exec(
            select(Milestone)
            .where(Milestone.item_id == item_id)
            .order_by(col(Milestone.due), col(Milestone.id))
        )
    )


class Milestones(LedgerBase):
    """Milestones of items."""

    @_retry_busy
    def add_milestone(
        self, ref: str, when: str, *, progress: str | int | None = None, text: str | None = None
    ) -> Outcome:
        """Set a milestone on the item `ref` (a task: on each of its items) on the day `when`
        (any form dates.parse_date reads): the progress expected by then, a text, or both.
        One the item has on that day already is replaced."""
        figure = None if progress is None else parse_progress(progress)
        words = None if text is None else clean_text(text, field="milestone", limit=FIELD_LIMIT)
        if figure is None and not words:
            raise DomainError("error.milestone_empty")
        with self._session() as session:
            plan = resolve_plan(session, self.plan_slug)
            day = parse_date(when, year=plan.year)
            if day < plan.start_date:
                raise DomainError(
                    "error.milestone_before_start", date=day.isoformat(),
                    start=plan.start_date.isoformat(),
                )  # fmt: skip
            _ref, _task, items = _Refs(session, plan, [ref]).resolve(ref)
            access = self._access(session)
            for item in items:
                access.check_item(item.ref, item.lead_unit)
                due = item.due or plan.period_end
                if day > due:
                    raise DomainError(
                        "error.milestone_after_due", ref=item.ref, date=day.isoformat(),
                        due=due.isoformat(),
                    )  # fmt: skip
            batch = self._batch(session, plan, MILESTONE_ACTION)
            changes: list[Change] = []
            for item in items:
                new = Milestone(item_id=item.id, due=day, progress=figure, text=words or None)
                new_value = milestone_value(day, figure, new.text)
                old = [row for row in _rows(session, item.id) if row.due == day]
                if [milestone_value(r.due, r.progress, r.text) for r in old] == [new_value]:
                    continue
                for row in old:
                    changes.append(_remove(session, batch, item, row))
                session.add(new)
                batch.record(field=MILESTONE_FIELD, new=new_value, task_id=item.task_id,
                             item_id=item.id)  # fmt: skip
                changes.append(Change(item.ref, MILESTONE_FIELD, None, new_value))
            if not changes:
                session.rollback()
                return Outcome(None, None, (), self.actor)
            _commit(session)
            return Outcome(batch.id, batch.at, tuple(changes), self.actor)

    @_retry_busy
    def remove_milestone(self, ref: str, which: str) -> Outcome:
        """Remove the milestone of the item `ref` on the day `which`, or its `which`-th as
        `milestone list` numbers them (#2 or 2); a task: that day's on each of its items."""
        with self._session() as session:
            plan = resolve_plan(session, self.plan_slug)
            ref_obj, _task, items = _Refs(session, plan, [ref]).resolve(ref)
            access = self._access(session)
            number = which.strip().removeprefix("#")
            by_number = number.isdigit() and len(number) <= 3 and isinstance(ref_obj, ItemRef)
            day = None if by_number else parse_date(which, year=plan.year)
            batch = self._batch(session, plan, MILESTONE_ACTION)
            changes: list[Change] = []
            for item in items:
                rows = _rows(session, item.id)
                if by_number:
                    index = int(number) - 1
                    chosen = [rows[index]] if 0 <= index < len(rows) else []
                else:
                    chosen = [row for row in rows if row.due == day]
                if chosen:
                    access.check_item(item.ref, item.lead_unit)
                for row in chosen:
                    changes.append(_remove(session, batch, item, row))
            if not changes:
                raise DomainError("error.milestone_none", ref=ref.strip(), which=which.strip())
            _commit(session)
            return Outcome(batch.id, batch.at, tuple(changes), self.actor)


def _remove(session: Session, batch: _Batch, item: _ItemState, row: Milestone) -> Change:
    value = milestone_value(row.due, row.progress, row.text)
    session.delete(row)
    batch.record(field=MILESTONE_FIELD, old=value, task_id=item.task_id, item_id=item.id)
    return Change(item.ref, MILESTONE_FIELD, value, None)


def revert_milestone(
    session: Session, batch: _Batch, access: Access, event: Event, item: _ItemState
) -> Change | None:
    """Undo one `milestone` event (services.items.ItemChanges.undo): a milestone added is
    removed, one removed is put back; each recorded in the undo's batch. A milestone that
    someone removed since is left as it is (None)."""
    access.check_item(item.ref, item.lead_unit)
    if event.new is not None:
        for row in _rows(session, item.id):
            if milestone_value(row.due, row.progress, row.text) == event.new:
                session.delete(row)
                break
        else:
            return None
        batch.record(field=MILESTONE_FIELD, old=event.new, task_id=event.task_id,
                     item_id=item.id, reverts=event.batch)  # fmt: skip
        return Change(item.ref, MILESTONE_FIELD, event.new, None)
    if event.old is None:
        return None
    day, figure, words = parse_milestone_value(event.old)
    session.add(Milestone(item_id=item.id, due=day, progress=figure, text=words))
    batch.record(field=MILESTONE_FIELD, new=event.old, task_id=event.task_id,
                 item_id=item.id, reverts=event.batch)  # fmt: skip
    return Change(item.ref, MILESTONE_FIELD, None, event.old)
