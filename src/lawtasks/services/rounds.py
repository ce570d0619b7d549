"""Reporting rounds (一轮填报): a coordinator opens a round for a period with a due day,
the units' returns answer it, on time or late, and the coordinator closes it.

A return answers the plan's open round; with none open, the latest round, late (a unit's
return after the close still applies). Each unit's answer is a `round_return` row written by
`apply` in its own batch. Every step is an event of the trail (action `round`, the period as
its subject): `round` (new: the due date) when opened, `round_closed` (new: yes) when
closed, and `round_return` (for the unit; new: on_time or late) for each answer. `undo`
takes an opening back (the round removed, while nobody has answered it) or a closing (the
round reopened), with an event of the same field and `reverts`. `verify` replays the rounds
and their returns against these events.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from lawtasks.access import Access
from lawtasks.domain import DEFAULT_ROUND_DAY, unit_key
from lawtasks.errors import DomainError
from lawtasks.i18n import join_list
from lawtasks.models import Event, Item, Plan, ReportingRound, RoundReturn, Task
from lawtasks.readmodel import iso, resolve_plan
from lawtasks.services.base import LedgerBase
from lawtasks.services.supervision import ATTACH_ACTION
from lawtasks.services.writes import Change, Outcome, _Batch, _commit, _retry_busy

ROUND_ACTION = "round"
OPEN_FIELD = "round"
CLOSE_FIELD = "round_closed"
RETURN_FIELD = "round_return"
ON_TIME, LATE = "on_time", "late"
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(text: str) -> str:
    """A period as the rounds name it: YYYY-MM (2022-07)."""
    found = _PERIOD.match(text.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise DomainError("error.round_period", value=text)
    return found.group(0)


def default_due(period: str, round_day: int = DEFAULT_ROUND_DAY) -> date:
    """The plan's round day of the period's month (its last day if the month is shorter)."""
    year, month = (int(part) for part in period.split("-"))
    return date(year, month, min(round_day, calendar.monthrange(year, month)[1]))


def check_round_dates(plan: Plan, period: str, due: date, not_before: date | None) -> None:
    """Refuse, naming the value and what is valid, a period outside the plan's period, a
    due date before the period's first day, and one before `not_before` (today)."""
    year, month = (int(part) for part in period.split("-"))
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    start, end = plan.start_date, plan.period_end
    if last < start or first > end:
        raise DomainError(
            "error.round_period_outside",
            period=period,
            plan=plan.slug,
            start=start.isoformat(),
            end=end.isoformat(),
            first=f"{start:%Y-%m}",
            last=f"{end:%Y-%m}",
        )
    if due < first:
        raise DomainError(
            "error.round_due_before", due=due.isoformat(), period=period, first=first.isoformat()
        )
    if not_before is not None and due < not_before:
        raise DomainError(
            "error.round_due_past", due=due.isoformat(), period=period, today=not_before.isoformat()
        )


def local_day(at: datetime) -> date:
    """The day a moment falls on where lawtasks runs: what an officer calls 'the 25th'."""
    return at.astimezone().date()


def open_round_of(session: Session, plan: Plan) -> ReportingRound | None:
    return session.exec(
        select(ReportingRound).where(
            ReportingRound.plan_id == plan.id, col(ReportingRound.closed_at).is_(None)
        )
    ).first()


def answered_round(session: Session, plan: Plan) -> ReportingRound | None:
    """The round a return answers now: the open one, else the latest (its returns late)."""
    found = open_round_of(session, plan)
    if found is not None:
        return found
    return session.exec(
        select(ReportingRound)
        .where(ReportingRound.plan_id == plan.id)
        .order_by(col(ReportingRound.period).desc())
    ).first()


def record_round_returns(
    session: Session,
    plan: Plan,
    batch: _Batch,
    units: Sequence[str],
    sheets: Mapping[str, Sequence[datetime]] | None = None,
    *,
    only_new: bool = False,
) -> list[tuple[str, str, bool]]:
    """Record that `units` answered with `batch` (services.apply): each the round its sheet
    was sent in, when `sheets` says when the unit's sheets were made (a sheet made while a
    round was open answers that round, even once the next one has opened); else the round
    in hand. On time when applied by the round's due day and before its close; late after.
    With `only_new`, a unit that has answered that round already is not recorded again (a
    return that changed nothing, applied twice, is one answer). Returns what was recorded,
    as (unit, period, late).
    """
    rounds = list(session.exec(select(ReportingRound).where(ReportingRound.plan_id == plan.id)))
    in_hand = answered_round(session, plan)
    made = {unit_key(unit): list(times) for unit, times in (sheets or {}).items()}
    seen: set[tuple[str, int]] = set()
    if only_new:
        ids = [found.id for found in rounds]
        seen = {
            (unit_key(unit), round_id)
            for unit, round_id in session.exec(
                select(RoundReturn.unit, RoundReturn.round_id).where(
                    col(RoundReturn.round_id).in_(ids)
                )
            )
        }
    recorded: list[tuple[str, str, bool]] = []
    for unit in units:
        targets = {
            found.id: found
            for moment in made.get(unit_key(unit), ())
            if (found := _open_at(rounds, moment)) is not None
        }
        if not targets and in_hand is not None:
            targets = {in_hand.id: in_hand}
        for found in sorted(targets.values(), key=lambda row: row.period):
            if found.id is None or (unit_key(unit), found.id) in seen:
                continue
            seen.add((unit_key(unit), found.id))
            late = found.closed_at is not None or local_day(batch.at) > found.due
            session.add(
                RoundReturn(
                    round_id=found.id,
                    unit=unit,
                    at=batch.at,
                    by=batch.actor,
                    batch=batch.id,
                    late=late,
                )
            )
            batch.record(
                field=RETURN_FIELD,
                new=LATE if late else ON_TIME,
                action=ROUND_ACTION,
                subject=found.period,
                for_unit=unit,
            )
            recorded.append((unit, found.period, late))
    return recorded


def _open_at(rounds: Sequence[ReportingRound], moment: datetime) -> ReportingRound | None:
    """The round that was open at `moment`, if any (one is open at a time)."""
    for found in rounds:
        if found.opened_at <= moment and (found.closed_at is None or moment < found.closed_at):
            return found
    return None


def undoable(last: Event | None, actor: str) -> Event:
    """The actor's last event, for `undo` (services.items) to revert its call; refused when
    there is none. (Opening and closing a round are taken back by `revert_round`; a unit's
    answer to a round is part of its apply, and stays on record when the apply is undone.)"""
    if last is None:
        raise DomainError("error.nothing_to_undo", actor=actor)
    return last


def revert_round(session: Session, batch: _Batch, access: Access, event: Event) -> Change:
    """Undo the opening or the closing of a round (`event`), a coordinator's, as an event
    of the undo's batch (field `round` or `round_closed`, `reverts` the call's batch).

    An opening is taken back by removing the round, only while no unit has answered it
    and nobody has closed it: the units' answers name it. A closing is taken back by
    reopening the round, unless another round has opened meanwhile (one is open at a time).
    """
    access.check_coordinator("access.action.round")
    period = event.subject or "?"
    found = session.exec(
        select(ReportingRound).where(
            ReportingRound.plan_id == event.plan_id, ReportingRound.period == period
        )
    ).first()
    if found is None or found.id is None:
        raise DomainError("error.round_unknown", period=period)
    if event.field == OPEN_FIELD:
        answers = session.exec(
            select(RoundReturn.unit).where(RoundReturn.round_id == found.id)
        ).all()
        if answers:
            units = join_list(dict.fromkeys(answers))
            raise DomainError("error.round_undo_answered", period=period, units=units)
        if found.closed_at is not None:
            raise DomainError(
                "error.round_undo_closed", period=period, actor=found.closed_by or "?"
            )
        session.delete(found)
        batch.record(field=OPEN_FIELD, old=event.new, subject=period, reverts=event.batch)
        return Change(period, OPEN_FIELD, event.new, None)
    other = session.exec(
        select(ReportingRound).where(
            ReportingRound.plan_id == event.plan_id, col(ReportingRound.closed_at).is_(None)
        )
    ).first()
    if other is not None:
        raise DomainError("error.round_undo_reopen", period=period, other=other.period)
    found.closed_at = None
    found.closed_by = None
    session.add(found)
    batch.record(field=CLOSE_FIELD, old=event.new, subject=period, reverts=event.batch)
    return Change(period, CLOSE_FIELD, event.new, None)


class Rounds(LedgerBase):
    """Opening and closing reporting rounds: a coordinator's."""

    @_retry_busy
    def open_round(
        self, period: str, due: date | None = None, *, not_before: date | None = None
    ) -> Outcome:
        """Open the round of `period` (YYYY-MM), due on `due` or the plan's round day of
        that month. One round is open per plan at a time, and a period has one round.

        The period is a month of the plan's period, and the due date no earlier than the
        period's first day; with `not_before` (the CLI's today, unless --force), a due date
        already past is refused too: a round nobody can answer on time is a slip, unless
        the office is recording one it ran before."""
        period = parse_period(period)
        with self._session() as session:
            plan = resolve_plan(session, self.plan_slug)
            self._access(session).check_coordinator("access.action.round")
            when = due or default_due(period, plan.round_day)
            check_round_dates(plan, period, when, not_before)
            current = open_round_of(session, plan)
            if current is not None:
                raise DomainError("error.round_open", period=current.period)
            used = session.exec(
                select(ReportingRound).where(
                    ReportingRound.plan_id == plan.id, ReportingRound.period == period
                )
            ).first()
            if used is not None:
                raise DomainError("error.round_used", period=period)
            batch = self._batch(session, plan, ROUND_ACTION)
            session.add(
                ReportingRound(
                    plan_id=plan.id or 0,
                    period=period,
                    due=when,
                    opened_at=batch.at,
                    opened_by=batch.actor,
                )
            )
            batch.record(field=OPEN_FIELD, new=when, subject=period)
            session.flush()
            _commit(session)
            return Outcome(
                batch.id,
                batch.at,
                (Change(period, OPEN_FIELD, None, when.isoformat()),),
                self.actor,
            )

    @_retry_busy
    def close_round(self) -> Outcome:
        """Close the open round: later returns still apply, marked late."""
        with self._session() as session:
            plan = resolve_plan(session, self.plan_slug)
            self._access(session).check_coordinator("access.action.round")
            current = open_round_of(session, plan)
            if current is None:
                raise DomainError("error.round_none", plan=plan.slug)
            batch = self._batch(session, plan, ROUND_ACTION)
            current.closed_at = batch.at
            current.closed_by = batch.actor
            session.add(current)
            batch.record(field=CLOSE_FIELD, new="yes", subject=current.period)
            session.flush()
            _commit(session)
            return Outcome(
                batch.id, batch.at, (Change(current.period, CLOSE_FIELD, None, "yes"),), self.actor
            )


def current_round(engine: Engine, plan_slug: str | None) -> tuple[str, date] | None:
    """The plan's open round, as `sheets` stamps it: its period and due date."""
    with Session(engine) as session:
        found = open_round_of(session, resolve_plan(session, plan_slug))
        return None if found is None else (found.period, found.due)


# -- a round's status -----------------------------------------------------------------------

REPORTED, LATE_REPORTED, UNREPORTED = "reported", "late", "unreported"


@dataclass(frozen=True)
class UnitAnswer:
    unit: str
    state: str  # reported | late | unreported
    at: datetime | None

    def as_dict(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "state": self.state,
            "at": iso(self.at),  # to the second, as every JSON time
        }


@dataclass(frozen=True)
class RoundStatus:
    period: str
    due: date
    open: bool
    units: tuple[UnitAnswer, ...]
    not_updated: tuple[str, ...]  # item IDs with no change or note in the round

    def unreported(self) -> list[str]:
        return [answer.unit for answer in self.units if answer.state == UNREPORTED]

    def as_dict(self) -> dict[str, object]:
        return {
            "period": self.period,
            "due": self.due.isoformat(),
            "open": self.open,
            "units": [answer.as_dict() for answer in self.units],
            "unreported": self.unreported(),
            "not_updated": list(self.not_updated),
        }


def round_status(
    engine: Engine,
    plan_slug: str | None,
    period: str | None = None,
) -> RoundStatus | None:
    """The round of `period` (the open one, else the latest, when None): each lead unit of
    the plan's items 已报送, 逾期报送 or 未报送, and which items got no change, note or
    evidence while the round ran (from its opening to the next round's; a change undone is
    none). The CLI's `round status` and the TUI's round dialog both read this. None: the
    plan has no round."""
    with Session(engine) as session:
        plan = resolve_plan(session, plan_slug)
        items: list[tuple[str, int]] = []
        names: dict[str, str] = {}
        for task, item in session.exec(
            select(Task, Item)
            .join(Item, col(Item.task_id) == col(Task.id))
            .where(Task.plan_id == plan.id)
            .order_by(col(Task.seq), col(Item.seq))
        ):
            items.append((f"{task.seq}.{item.seq}", item.id or 0))
            if item.lead_unit:
                names.setdefault(unit_key(item.lead_unit), item.lead_unit)
        units = sorted(names.values())
        if period is None:
            found = answered_round(session, plan)
            if found is None:
                return None
        else:
            wanted = parse_period(period)
            found = session.exec(
                select(ReportingRound).where(
                    ReportingRound.plan_id == plan.id, ReportingRound.period == wanted
                )
            ).first()
            if found is None:
                # Named with the rounds there are, so the next try is not a guess.
                periods = session.exec(
                    select(ReportingRound.period)
                    .where(ReportingRound.plan_id == plan.id)
                    .order_by(col(ReportingRound.period))
                ).all()
                if not periods:
                    raise DomainError("error.round_unknown_none", period=wanted, plan=plan.slug)
                raise DomainError(
                    "error.round_unknown_listed",
                    period=wanted,
                    plan=plan.slug,
                    periods=join_list(periods),
                )
        answers: dict[str, RoundReturn] = {}
        for row in session.exec(
            select(RoundReturn)
            .where(RoundReturn.round_id == found.id)
            .order_by(col(RoundReturn.at))
        ):
            key = unit_key(row.unit)
            kept = answers.get(key)
            if kept is None or (kept.late and not row.late):
                answers[key] = row
        states = []
        for unit in units:
            answer = answers.get(unit_key(unit))
            if answer is None:
                states.append(UnitAnswer(unit, UNREPORTED, None))
            else:
                state = LATE_REPORTED if answer.late else REPORTED
                states.append(UnitAnswer(unit, state, answer.at))
        later = session.exec(
            select(ReportingRound.opened_at)
            .where(ReportingRound.plan_id == plan.id, col(ReportingRound.period) > found.period)
            .order_by(col(ReportingRound.period))
        ).first()
        # A change taken back by `undo` is no update: the item stands as it did.
        undone = select(Event.reverts).where(
            Event.plan_id == plan.id, col(Event.reverts).is_not(None)
        )
        query = select(Event.item_id).where(
            Event.plan_id == plan.id,
            col(Event.item_id).is_not(None),
            # A change, a note, or evidence filed for the item (佐证材料 report progress too).
            col(Event.action).in_(["set", "note", ATTACH_ACTION]),
            Event.at >= found.opened_at,
            col(Event.batch).not_in(undone),
        )
        if later is not None:
            query = query.where(Event.at < later)
        touched = set(session.exec(query))
        return RoundStatus(
            found.period,
            found.due,
            found.closed_at is None,
            tuple(states),
            tuple(ref for ref, item_id in items if item_id not in touched),
        )
