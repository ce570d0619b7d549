"""Plans: importing one from a parsed report, choosing the one in use, archiving,
removing, and a plan's own settings (its period end and its 序时进度 tolerance).

Every change to a plan is a coordinator's, and is an event of the trail (action `plan`,
the plan's id, field `in_use`, `state`, `end_date` or `tolerance`, old and new as text),
written in the same transaction: `verify` replays them against the plan rows and the
ledger's `plan_in_use`, and `undo` reverts them as it reverts changes to items.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date

from sqlalchemy import insert
from sqlmodel import Session, col, select

from lawtasks.access import Access
from lawtasks.commands import UNSET, _Unset
from lawtasks.dates import parse_date
from lawtasks.domain import (
    PlanState,
    Status,
    check_slug,
    period_end,
    trail_text,
    trail_value,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import t
from lawtasks.models import Event, Item, Meta, Plan, Task
from lawtasks.parser import ParsedPlan
from lawtasks.readmodel import newest_plan_slug, resolve_plan
from lawtasks.services.base import LedgerBase
from lawtasks.services.writes import (
    Change,
    Outcome,
    _Batch,
    _commit,
    _retry_busy,
)

# The meta key that records the plan commands use when none is named (schema 5).
IN_USE = "plan_in_use"
# The plan fields whose changes are `plan` events, as verify replays them.
PLAN_FIELDS = ("state", "end_date", "tolerance", "signoff", "evidence_limit")


class Plans(LedgerBase):
    """Plans imported from a report."""

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
            if new:
                # First: a file already in the ledger is refused as such whatever the
                # slug, and another slug would not help.
                _refuse_a_second_copy(session, parsed)
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
                    end_date=period_end(parsed.year, None),
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
                            # The deadline the item's text (or its task's) names; None: the
                            # end of the plan's period.
                            "due": parsed_item.due,
                            "responsible_person": parsed_item.responsible_person,
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
            if session.get(Meta, IN_USE) is None:
                # The first plan a ledger holds is the one in use; a later import never
                # changes it (`plans use` does, with its event). verify reads this first
                # choice as the default it is (audit._Rows.check_in_use).
                session.add(Meta(key=IN_USE, value=plan.slug))
            # The seal over the plan's rows as imported (see audit.import_seal): verify
            # reads them back against it, so that a title, a text or an item added or
            # removed outside lawtasks shows, though no event ever changed them.
            seal = seal_plan(session.connection(), plan.id or 0)
            batch.record(field=None, new=sealed(f"{parsed.source_name} (+{added})", seal))
            _commit(session)
            change = Change(slug, "import", None, parsed.source_name)
            return Outcome(batch.id, batch.at, (change,), self.actor), added

    def copy_of(self, parsed: ParsedPlan) -> str | None:
        """The plan (not removed) that already holds what `parsed` holds, or None: what an
        import of it would be refused for, as the TUI's preview says before the import."""
        with self._session() as session:
            plan = _same_content(session, parsed)
            return None if plan is None else plan.slug

    def default_slug(self, year: int) -> str:
        """The name an import takes when none is given: plan-YEAR, or plan-YEAR-2, -3 …
        where a removed plan still holds it (its rows stay for the trail)."""
        base = f"plan-{year}"
        with self._session() as session:
            taken = {
                plan.slug: plan.state
                for plan in session.exec(select(Plan).where(col(Plan.slug).startswith(base)))
            }
        if taken.get(base) != PlanState.REMOVED.value:
            return base  # free, or a live plan's: refused as taken, with the way out
        number = 2
        while f"{base}-{number}" in taken:
            number += 1
        return f"{base}-{number}"

    # -- the plan in use, archiving, removing -------------------------------------------

    @_retry_busy
    def use_plan(self, slug: str) -> Outcome:
        """Make `slug` the plan commands use when none is named; an archived plan is made
        active again (one batch, two events)."""
        with self._session() as session:
            self._access(session).check_coordinator("access.action.plans")
            plan = resolve_plan(session, slug)
            batch = self._batch(session, plan, "plan")
            changes = []
            if plan.state == PlanState.ARCHIVED.value:
                changes.append(_set_field(batch, plan, "state", PlanState.ACTIVE.value))
            recorded = session.get(Meta, IN_USE)
            if recorded is None or recorded.value != plan.slug:
                changes.append(_set_in_use(session, batch, plan, recorded))
            return self._done(session, batch, changes)

    @_retry_busy
    def archive_plan(self, slug: str) -> Outcome:
        """Keep `slug`, but never choose it by default; the plan in use cannot be archived
        (that would switch every command to another plan unseen)."""
        with self._session() as session:
            self._access(session).check_coordinator("access.action.plans")
            plan = resolve_plan(session, slug)
            if plan.state == PlanState.ARCHIVED.value:
                return self._done(session, None, [])
            _refuse_the_plan_in_use(session, plan, "error.plan_archive_in_use")
            batch = self._batch(session, plan, "plan")
            return self._done(
                session, batch, [_set_field(batch, plan, "state", PlanState.ARCHIVED.value)]
            )

    @_retry_busy
    def unarchive_plan(self, slug: str) -> Outcome:
        """Make an archived plan active again; the plan in use stays as it is."""
        with self._session() as session:
            self._access(session).check_coordinator("access.action.plans")
            plan = resolve_plan(session, slug)
            if plan.state == PlanState.ACTIVE.value:
                return self._done(session, None, [])
            batch = self._batch(session, plan, "plan")
            return self._done(
                session, batch, [_set_field(batch, plan, "state", PlanState.ACTIVE.value)]
            )

    @_retry_busy
    def remove_plan(
        self, slug: str, *, backup: Callable[[], str | None]
    ) -> tuple[Outcome, str | None]:
        """Mark `slug` removed, after `backup()` has copied the ledger; returns the outcome
        and the backup's file (None where the engine has no file to copy: PostgreSQL).

        The plan's rows stay: the trail, which is never rewritten, refers to them. The
        backup is taken inside this transaction, under the writers' lock, once every
        check has passed: it holds the plan exactly as it was removed, and a refused
        removal leaves no backup behind.
        """
        with self._session() as session:
            self._access(session).check_coordinator("access.action.plans")
            plan = resolve_plan(session, slug)
            _refuse_the_plan_in_use(session, plan, "error.plan_remove_in_use")
            batch = self._batch(session, plan, "plan")
            written = backup()
            change = _set_field(batch, plan, "state", PlanState.REMOVED.value, subject=written)
            return self._done(session, batch, [change]), written

    # -- a plan's own settings ----------------------------------------------------------

    @_retry_busy
    def set_plan(
        self,
        slug: str,
        *,
        end: date | str | _Unset = UNSET,
        tolerance: int | str | None = None,
        signoff: bool | None = None,
        evidence_limit: int | str | None = None,
    ) -> Outcome:
        """Set a plan's period end (items with no deadline of their own are due then; an
        empty value is 31 December of the plan year), its 序时进度 tolerance (0–100
        percentage points), whether done items wait for 销号, and the largest evidence file
        it stores (`20MB`, `500KB`, bytes)."""
        with self._session() as session:
            self._access(session).check_coordinator("access.action.plans")
            plan = resolve_plan(session, slug)
            batch = self._batch(session, plan, "plan")
            changes = []
            if not isinstance(end, _Unset):
                wanted = _period_end(plan, end)
                if wanted != plan.period_end:
                    changes.append(_set_field(batch, plan, "end_date", wanted))
            if tolerance is not None:
                points = parse_tolerance(tolerance)
                if points != plan.tolerance:
                    changes.append(_set_field(batch, plan, "tolerance", points))
            if signoff is not None and signoff != plan.signoff:
                changes.append(_set_field(batch, plan, "signoff", signoff))
            if evidence_limit is not None:
                limit = parse_size(evidence_limit)
                if limit != plan.evidence_limit:
                    changes.append(_set_field(batch, plan, "evidence_limit", limit))
            return self._done(session, batch, changes)

    def _done(self, session: Session, batch: _Batch | None, changes: list[Change]) -> Outcome:
        if batch is None or not changes:
            session.rollback()
            return Outcome(None, None, (), self.actor)
        _commit(session)
        return Outcome(batch.id, batch.at, tuple(changes), self.actor)


def parse_tolerance(value: int | str) -> int:
    """Percentage points from 0 to 100 (`10`, `10%`); anything else names what is valid."""
    if isinstance(value, bool):
        raise DomainError("error.tolerance", value=value)
    if isinstance(value, int):
        number = value
    else:
        text = unicodedata.normalize("NFKC", value).strip().removesuffix("%").strip()
        if not re.fullmatch(r"[0-9]{1,3}", text):
            raise DomainError("error.tolerance", value=value)
        number = int(text)
    if not 0 <= number <= 100:
        raise DomainError("error.tolerance", value=value)
    return number


# The largest evidence file a plan may be set to store: PostgreSQL's bytea holds 1 GB, and
# a file is read whole into memory. The smallest limit is 1 KB: a bare number is bytes, and
# `--evidence-limit 5` (5 bytes: no minutes, notice or photo fits) is a slip for 5MB.
EVIDENCE_LIMIT_MIN, EVIDENCE_LIMIT_MAX = 1024, 1024 * 1024 * 1024
_SIZE_UNITS = {"": 1, "B": 1, "K": 1024, "KB": 1024, "M": 1024**2, "MB": 1024**2,
               "G": 1024**3, "GB": 1024**3}  # fmt: skip


def parse_size(value: int | str) -> int:
    """A file size: bytes, or `500KB`, `20MB`, `1GB` (binary units), from 1 KB to 1 GB."""
    if isinstance(value, bool):
        raise DomainError("error.evidence_limit", value=value)
    if isinstance(value, int):
        number = value
    else:
        text = unicodedata.normalize("NFKC", value).strip().upper().replace(" ", "")
        match = re.fullmatch(r"([0-9]{1,10})([KMG]?B?)", text)
        if match is None:
            raise DomainError("error.evidence_limit", value=value)
        number = int(match.group(1)) * _SIZE_UNITS[match.group(2)]
    if not EVIDENCE_LIMIT_MIN <= number <= EVIDENCE_LIMIT_MAX:
        raise DomainError("error.evidence_limit", value=value)
    return number


def _period_end(plan: Plan, value: date | str) -> date:
    """The period end `value` means for `plan`; empty is 31 December of the plan year."""
    if isinstance(value, str):
        if not value.strip():
            return period_end(plan.year, None)
        value = parse_date(value, year=plan.year)
    if value < plan.start_date:
        raise DomainError(
            "error.plan_end_before_start", value=value.isoformat(), start=plan.start_date
        )
    return value


def _set_field(
    batch: _Batch, plan: Plan, name: str, new: object, *, subject: str | None = None
) -> Change:
    """Change one of a plan's own fields, recording its event."""
    # An empty period end reads as 31 December (Plan.period_end): recorded as that date.
    old = plan.period_end if name == "end_date" else getattr(plan, name)
    setattr(plan, name, new)
    batch.session.add(plan)
    batch.record(field=name, old=old, new=new, subject=subject)
    return Change(plan.slug, name, trail_text(old), trail_text(new))


def _set_in_use(session: Session, batch: _Batch, plan: Plan, recorded: Meta | None) -> Change:
    old = None if recorded is None else recorded.value
    if recorded is None:
        recorded = Meta(key=IN_USE, value=plan.slug)
    recorded.value = plan.slug
    session.add(recorded)
    batch.record(field="in_use", old=old, new=plan.slug)
    return Change(plan.slug, "in_use", old, plan.slug)


def _refuse_the_plan_in_use(session: Session, plan: Plan, key: str) -> None:
    """The plan commands use by default is never archived or removed: that would switch
    every command, and every TUI opened next, to another plan unseen."""
    session.flush()  # the choice is read with SQL (PLAN_CHOICE_SQL): it must see this call's
    if newest_plan_slug(session) != plan.slug:
        return
    others = session.exec(
        select(Plan.slug).where(Plan.state != PlanState.REMOVED.value, Plan.id != plan.id)
    ).all()
    raise DomainError(key, value=plan.slug, valid=", ".join(sorted(others)) or "-")


def revert_plan_event(session: Session, batch: _Batch, access: Access, event: Event) -> Change:
    """Undo one `plan` event (services.items.ItemChanges.undo): the field back to its `old`,
    recorded as an event of the undo's batch. A value someone changed since is a conflict,
    as for items; a removal is not undone (the plan's backup is its way back)."""
    access.check_coordinator("access.action.plans")
    plan = session.get(Plan, event.plan_id)
    assert plan is not None
    assert event.field is not None
    name = event.field
    if name == "in_use":
        recorded = session.get(Meta, IN_USE)
        current = None if recorded is None else recorded.value
        if recorded is None or current != event.new:
            raise DomainError("error.undo_plan_conflict", plan=plan.slug, field=t("field.in_use"),
                              value=current or "-")  # fmt: skip
        previous = session.exec(select(Plan).where(Plan.slug == (event.old or ""))).first()
        if previous is None or previous.state != PlanState.ACTIVE.value:
            # Archived or removed since: it would not be chosen, and the plan in use would
            # quietly be another.
            raise DomainError("error.undo_in_use_gone", plan=event.old or "-")
        recorded.value = previous.slug
        session.add(recorded)
        batch.record(field=name, old=current, new=previous.slug, reverts=event.batch)
        return Change(plan.slug, name, current, previous.slug)
    if name == "state" and event.new == PlanState.REMOVED.value:
        raise DomainError("error.undo_removed", plan=plan.slug, backup=event.subject or "-")
    current = trail_text(getattr(plan, name))
    if current != event.new:
        raise DomainError("error.undo_plan_conflict", plan=plan.slug, field=t(f"field.{name}"),
                          value=current or "-")  # fmt: skip
    if name == "state" and event.old == PlanState.ARCHIVED.value:
        _refuse_the_plan_in_use(session, plan, "error.plan_archive_in_use")
    setattr(plan, name, trail_value(name, event.old))
    session.add(plan)
    batch.record(field=name, old=current, new=event.old, reverts=event.batch)
    return Change(plan.slug, name, current, event.old)


def _refuse_a_second_copy(session: Session, parsed: ParsedPlan) -> None:
    """The same plan imported again would be a second, empty copy of a plan officers are
    already working in: refused, naming the plan it already is."""
    existing = _same_content(session, parsed)
    if existing is not None:
        raise DomainError("error.plan_duplicate", value=parsed.source_name, plan=existing.slug)


def _content_key(text: str | None) -> str:
    """A text as compared for sameness: width, spaces and line breaks aside."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _same_content(session: Session, parsed: ParsedPlan) -> Plan | None:
    """The plan, not removed, of the same year whose tasks and items read as `parsed`'s,
    whatever its title: a notice imported twice, its .docx after its .txt, or a 台账
    exported by lawtasks (titled by the plan's name, not the report's) imported back into
    the same ledger. A removed plan does not count: it was removed to be imported anew."""
    wanted = [
        (_content_key(task.title), [_content_key(item.text) for item in task.items])
        for task in parsed.tasks
    ]
    candidates = session.exec(
        select(Plan).where(Plan.year == parsed.year, Plan.state != PlanState.REMOVED.value)
    ).all()
    for existing in candidates:
        rows = session.exec(
            select(Task.id, Task.title, Item.text)
            .join(Item, col(Item.task_id) == col(Task.id))
            .where(Task.plan_id == existing.id)
            .order_by(col(Task.seq), col(Item.seq))
        ).all()
        found: list[tuple[str, list[str]]] = []
        last: int | None = None
        for task_id, title, text in rows:
            if task_id != last:
                found.append((_content_key(title), []))
                last = task_id
            found[-1][1].append(_content_key(text))
        if found == wanted:
            return existing
    return None
