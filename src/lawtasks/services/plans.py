"""Importing a plan from a parsed report."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert
from sqlmodel import Session, col, select

from lawtasks.domain import (
    Status,
    check_slug,
)
from lawtasks.errors import DomainError
from lawtasks.models import Item, Plan, Task
from lawtasks.parser import ParsedPlan
from lawtasks.services.base import LedgerBase
from lawtasks.services.writes import (
    Change,
    Outcome,
    _commit,
    _retry_busy,
)


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
            plan = session.exec(select(Plan).where(Plan.slug == slug)).first()
            if plan is not None and new:
                # Importing another year's report must not merge into an existing plan.
                raise DomainError("error.plan_exists", value=slug)
            if new:
                _refuse_a_second_copy(session, parsed)
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
                    end_date=date(parsed.year, 12, 31),
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


def _refuse_a_second_copy(session: Session, parsed: ParsedPlan) -> None:
    """The same report imported again under another slug would be a second, empty copy of a
    plan officers are already working in: refused, naming the plan it already is."""
    wanted = [task.title for task in parsed.tasks]
    candidates = session.exec(
        select(Plan).where(Plan.title == parsed.title, Plan.year == parsed.year)
    )
    for existing in candidates:
        titles = session.exec(
            select(Task.title).where(Task.plan_id == existing.id).order_by(col(Task.seq))
        ).all()
        if list(titles) == wanted:
            raise DomainError("error.plan_duplicate", value=parsed.source_name, plan=existing.slug)
