"""The read model: a plan as the front ends and exporters see it, with its roll-ups.

Everything here is computed for a given `today`, so that a report for 30 June reads the same
whenever it is run. The views are plain frozen dataclasses: exporters and front ends never
touch a database session.

SQLAlchemy and the models are imported inside the loaders, not here: the views are imported
by every renderer and exporter, and the read-only commands build them through the lean
reader (lawtasks.fastread) without loading the ORM at all.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from lawtasks.domain import (
    DEFAULT_TOLERANCE,
    ItemRef,
    Ref,
    Status,
    TaskRef,
    Warning,
    parse_ref,
    period_end,
    warning_for,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import t

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from lawtasks.models import Item, Note, Plan, Task

JSON_SCHEMA_VERSION = 1

_HEADING_NUMBER = re.compile(r"^[一二三四五六七八九十]+[、.．]\s*")
# The place a report is about: 桐庐县, 杭州市, 西湖区 at the start of its title.
_PLACE = re.compile(r"^(.{1,12}?[省市县区旗])")


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


@dataclass(frozen=True)
class NoteView:
    text: str
    author: str
    created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "author": self.author, "created_at": iso(self.created_at)}


@dataclass(frozen=True)
class EvidenceView:
    """A file attached to an item as evidence (佐证材料); its bytes stay in the ledger
    (`lawtasks evidence ID -o DIR` writes them out)."""

    name: str
    size: int
    sha256: str
    added_at: datetime
    added_by: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "size": self.size,
            "sha256": self.sha256,
            "added_at": iso(self.added_at),
            "added_by": self.added_by,
        }


@dataclass(frozen=True)
class MilestoneView:
    """Progress an item is expected to reach by a day (每季度的形象进度), or the step due
    then (6月底前完成方案)."""

    due: date
    progress: int | None
    text: str | None

    @property
    def label(self) -> str:
        """As a sheet's 下一节点 column shows it: `2022-09-30 60%`, or with its text."""
        parts = [self.due.isoformat()]
        if self.progress is not None:
            parts.append(f"{self.progress}%")
        if self.text:
            parts.append(self.text)
        return " ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {"due": self.due.isoformat(), "progress": self.progress, "text": self.text}


@dataclass(frozen=True)
class EventView:
    id: int
    ref: str | None
    actor: str
    at: datetime
    action: str
    field: str | None
    old: str | None
    new: str | None
    batch: str
    # The unit whose return the event applied, when the office applied it for them.
    for_unit: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ref": self.ref,
            "actor": self.actor,
            "for_unit": self.for_unit,
            "at": iso(self.at),
            "action": self.action,
            "field": self.field,
            "old": self.old,
            "new": self.new,
        }


@dataclass(frozen=True)
class ItemView:
    id: str
    task: int
    seq: int
    title: str
    text: str
    status: Status
    progress: int
    lead_unit: str | None
    assisting_units: str | None
    responsible_person: str | None
    due: date | None
    target: str | None
    warning: Warning
    updated_at: datetime | None
    updated_by: str | None
    version: int
    notes: tuple[NoteView, ...] = ()  # newest first
    # The item has no deadline of its own: `due` is the end of its plan's period.
    due_is_plan_end: bool = False
    evidence: tuple[EvidenceView, ...] = ()  # oldest first, removed ones left out
    # Whether the item's plan asks for a coordinator's 销号 of done items, and that 销号.
    signoff_asked: bool = False
    signed_off_at: datetime | None = None
    signed_off_by: str | None = None
    milestones: tuple[MilestoneView, ...] = ()  # by date
    # The first milestone on or after the view's day, if any.
    next_milestone: MilestoneView | None = None

    @property
    def signoff(self) -> str | None:
        """`awaiting` (已完成（待销号）) or `signed_off` (已销号) for a done item of a plan
        that asks for sign-off; None otherwise."""
        if self.status is not Status.DONE or not self.signoff_asked:
            return None
        return "awaiting" if self.signed_off_at is None else "signed_off"

    @property
    def status_label(self) -> str:
        """The status as officers read it: a done item says whether it is signed off."""
        state = self.signoff
        return self.status.label if state is None else t(f"signoff.label.{state}")

    @property
    def latest_note(self) -> NoteView | None:
        return self.notes[0] if self.notes else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "task": self.task,
            "title": self.title,
            "text": self.text,
            "status": self.status.value,
            "status_label": self.status.label,
            "signoff": self.signoff,
            "signoff_label": self.status_label if self.signoff else None,
            "signed_off_at": iso(self.signed_off_at),
            "signed_off_by": self.signed_off_by,
            "progress": self.progress,
            "lead_unit": self.lead_unit,
            "assisting_units": self.assisting_units,
            "responsible_person": self.responsible_person,
            "due": self.due.isoformat() if self.due else None,
            "due_is_plan_end": self.due_is_plan_end,
            "target": self.target,
            "warning": self.warning.value,
            "updated_at": iso(self.updated_at),
            "updated_by": self.updated_by,
            "version": self.version,
            "notes": [note.as_dict() for note in self.notes],
            "evidence": [file.as_dict() for file in self.evidence],
            "milestones": [milestone.as_dict() for milestone in self.milestones],
            "next_milestone": self.next_milestone.as_dict() if self.next_milestone else None,
        }


def mean_progress(items: Iterable[ItemView]) -> float:
    values = [item.progress for item in items]
    return round(sum(values) / len(values), 1) if values else 0.0


@dataclass(frozen=True)
class TaskView:
    id: int
    numeral: str
    title: str
    body: str
    lead_unit: str | None
    assisting_units: str | None
    # Roll-ups over all the task's items; a filtered view keeps them and narrows `items`.
    progress: float
    done: int
    total: int
    red: int
    yellow: int
    items: tuple[ItemView, ...]
    notes: tuple[NoteView, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "numeral": self.numeral,
            "title": self.title,
            "body": self.body,
            "lead_unit": self.lead_unit,
            "progress": self.progress,
            "done": self.done,
            "total": self.total,
            "red": self.red,
            "yellow": self.yellow,
            "notes": [note.as_dict() for note in self.notes],
            "items": [item.as_dict() for item in self.items],
        }


@dataclass(frozen=True)
class TrailHead:
    """The audit trail's head when a view was read: its number of events and the digest of
    the last one. Every report carries it, so that `verify --against` can later show events
    deleted from the end, or a trail altered and re-chained, which no check inside the
    database can."""

    events: int
    head: str

    def as_dict(self) -> dict[str, Any]:
        return {"events": self.events, "head": self.head}


# One statement, so that the count and the digest are of the same moment on either engine.
TRAIL_HEAD_SQL = "SELECT count(*), (SELECT digest FROM event ORDER BY id DESC LIMIT 1) FROM event"


def trail_head(row: tuple[Any, ...] | None) -> TrailHead:
    """The head from TRAIL_HEAD_SQL's row; an empty trail's head is the chain's genesis."""
    count, last = row or (0, None)
    return TrailHead(int(count or 0), str(last or "0" * 64))


def plan_name(title: str, heading: str) -> str:
    """What a plan is called (see `PlanView.name`), from its title and its heading."""
    heading = _HEADING_NUMBER.sub("", heading).strip()
    if not heading or heading in title:
        return title
    if match := _PLACE.match(title):
        return match.group(1) + heading if not heading.startswith(match.group(1)) else heading
    return heading


@dataclass(frozen=True)
class PlanView:
    slug: str
    title: str
    year: int
    goal: str
    source_name: str
    published: date | None
    start_date: date
    today: date
    tasks: tuple[TaskView, ...]
    heading: str = ""
    # The end of the plan's period (items without a deadline of their own are due then;
    # None: 31 December of the plan year) and the 序时进度 tolerance in percentage points.
    end_date: date | None = None
    tolerance: int = DEFAULT_TOLERANCE
    # Roll-ups over the whole plan, kept when a view is filtered.
    progress: float = 0.0
    status_counts: dict[str, int] = field(default_factory=dict)
    warning_counts: dict[str, int] = field(default_factory=dict)
    # The trail's head as the view was read; None for a view not read from a ledger.
    trail: TrailHead | None = None
    # Whether done items wait for a coordinator's 销号 (Plan.signoff).
    signoff: bool = False

    @property
    def items(self) -> list[ItemView]:
        return [item for task in self.tasks for item in task.items]

    @property
    def name(self) -> str:
        """What the plan is called: 桐庐县2022年主要工作任务, from the report's title and the
        heading of its forward section (the title alone names the year reported on)."""
        return plan_name(self.title, self.heading)

    def summary_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "name": self.name,
            "year": self.year,
            "today": self.today.isoformat(),
            "progress": self.progress,
            "status_counts": self.status_counts,
            "warning_counts": self.warning_counts,
            "signoff": self.signoff,
            "signoff_counts": self.signoff_counts,
            "signoff_overdue": [item.id for item in self.signoff_overdue],
        }

    @property
    def signoff_counts(self) -> dict[str, int]:
        """Done items waiting for 销号 and signed off: zero both where none is asked."""
        states = Counter(item.signoff for item in self.items)
        return {"awaiting": states.get("awaiting", 0), "signed_off": states.get("signed_off", 0)}

    @property
    def signoff_overdue(self) -> list[ItemView]:
        """Done items waiting for the coordinator's 销号 past their due date: the office's to
        act on, not the unit's (they are green, and no reminder chases the unit)."""
        return [
            item
            for item in self.items
            if item.signoff == "awaiting" and item.due is not None and item.due < self.today
        ]


@dataclass(frozen=True)
class UserView:
    name: str
    unit: str | None
    coordinator: bool
    # How many items the user may change: all of them for a coordinator.
    items: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "coordinator": self.coordinator,
            "items": self.items,
        }


def list_users(engine: Engine) -> list[UserView]:
    """The ledger's users, coordinators first, then by unit and name."""
    from sqlmodel import Session, col, func, select

    from lawtasks.models import Item, User

    with Session(engine) as session:
        users = list(session.exec(select(User)))
        total = session.exec(select(func.count(col(Item.id)))).one()
        per_unit = dict(
            session.exec(
                select(Item.lead_unit, func.count(col(Item.id))).group_by(col(Item.lead_unit))
            ).all()
        )
    views = [
        UserView(
            user.name,
            user.unit,
            user.coordinator,
            total if user.coordinator else per_unit.get(user.unit, 0) if user.unit else 0,
        )
        for user in users
    ]
    return sorted(views, key=lambda u: (not u.coordinator, u.unit or "", u.name))


# Which plan a command uses, the one rule for every front end and both readers (the ORM's
# resolve_plan and the lean reader's fastread.Reader._plan run this same statement): the
# plan named (`--plan`, else LAWTASKS_PLAN, which the front ends pass as the name), else
# the ledger's plan in use (meta `plan_in_use`, set by `plans use` and by the first
# import), else the newest active plan. A removed plan is never chosen, not even by name;
# an archived one only by name. `{columns}` are the plan's columns the caller reads;
# `:slug` is the name or NULL (CAST: PostgreSQL must know the type of a NULL parameter).
PLAN_CHOICE_SQL = (
    "SELECT {columns} FROM plan WHERE state <> 'removed' AND ("
    "slug = CAST(:slug AS VARCHAR)"
    " OR (CAST(:slug AS VARCHAR) IS NULL AND state = 'active'))"
    " ORDER BY CASE WHEN slug = (SELECT value FROM meta WHERE key = 'plan_in_use')"
    " THEN 0 ELSE 1 END, year DESC, id DESC LIMIT 1"
)


def newest_plan_slug(session: Session) -> str | None:
    """The plan a command uses when none is named (see PLAN_CHOICE_SQL), or None."""
    from sqlalchemy import text

    row = session.connection().execute(text(PLAN_CHOICE_SQL.format(columns="slug")), {"slug": None})
    return row.scalar_one_or_none()


def resolve_plan(session: Session, slug: str | None) -> Plan:
    """The plan named `slug`, or the plan in use (PLAN_CHOICE_SQL); a removed or unknown
    name is an error saying so, and naming the plans there are."""
    from sqlalchemy import text
    from sqlmodel import col, select

    from lawtasks.models import Event, Plan

    chosen = session.connection().execute(
        text(PLAN_CHOICE_SQL.format(columns="id")), {"slug": slug}
    )
    plan_id = chosen.scalar_one_or_none()
    if plan_id is not None:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        return plan
    shown = session.exec(
        select(Plan.slug, Plan.state).where(Plan.state != "removed").order_by(Plan.slug)
    ).all()
    valid = ", ".join(name for name, _ in shown) or "-"
    if slug is None:
        if shown:  # only archived plans: never chosen by default
            raise DomainError("error.no_active_plan", valid=valid)
        raise DomainError("error.no_plans")
    removed = session.exec(select(Plan).where(Plan.slug == slug)).first()
    if removed is None:
        raise DomainError("error.no_plan", value=slug, valid=valid)
    # Removed: say when, by whom, and where the backup taken then is (the removal's
    # event keeps the backup's file in its `subject`).
    event = session.exec(
        select(Event)
        .where(Event.plan_id == removed.id, Event.field == "state", Event.new == "removed")
        .order_by(col(Event.id).desc())
    ).first()
    backup = event.subject if event is not None and event.subject else None
    raise DomainError(
        "error.plan_removed_backup" if backup else "error.plan_removed",
        value=slug,
        actor=event.actor if event is not None else "?",
        # The day of the removal on this machine's calendar, as every other date it shows.
        at=event.at.astimezone().date().isoformat() if event is not None else "?",
        backup=backup,
        valid=valid,
    )


def plan_year(engine: Engine, slug: str | None) -> int:
    from sqlmodel import Session

    with Session(engine) as session:
        return resolve_plan(session, slug).year


def range_text(numbers: Sequence[int]) -> str:
    """1–6 for a run, 1, 3, 4 otherwise: how the error messages name valid IDs."""
    if not numbers:
        return "-"
    if list(numbers) == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 2:
        return f"{numbers[0]}–{numbers[-1]}"
    return ", ".join(str(n) for n in numbers)


def resolve_refs(
    session: Session, plan: Plan, refs: Sequence[str]
) -> list[tuple[Ref, Task, list[Item]]]:
    """Each ref with its task and the items it stands for (a task stands for all of its items).

    The first bad ref raises an error naming it and what is valid; nothing is half-resolved.
    """
    from sqlmodel import col, select

    from lawtasks.models import Item, Task

    if not refs:
        raise DomainError("error.no_ids")
    tasks = {
        task.seq: task
        for task in session.exec(
            select(Task).where(Task.plan_id == plan.id).order_by(col(Task.seq))
        )
    }
    resolved: list[tuple[Ref, Task, list[Item]]] = []
    for text in refs:
        ref = parse_ref(text)
        task = tasks.get(ref.task)
        if task is None:
            key = "error.no_task" if isinstance(ref, TaskRef) else "error.no_item_task"
            raise DomainError(
                key, value=text.strip(), plan=plan.slug, valid=range_text(list(tasks))
            )
        items = list(
            session.exec(select(Item).where(Item.task_id == task.id).order_by(col(Item.seq)))
        )
        if isinstance(ref, ItemRef):
            chosen = [item for item in items if item.seq == ref.item]
            if not chosen:
                raise DomainError(
                    "error.no_item",
                    value=text.strip(),
                    plan=plan.slug,
                    task=task.seq,
                    valid=", ".join(f"{task.seq}.{item.seq}" for item in items) or "-",
                )
            items = chosen
        resolved.append((ref, task, items))
    return resolved


def _note_views(notes: Iterable[Note]) -> tuple[NoteView, ...]:
    ordered = sorted(notes, key=lambda note: (note.created_at, note.id or 0), reverse=True)
    return tuple(
        NoteView(text=note.text, author=note.author, created_at=note.created_at) for note in ordered
    )


def _item_view(
    task: Task,
    item: Item,
    notes: list[Note] | None,
    plan: Plan,
    today: date,
    evidence: tuple[EvidenceView, ...] = (),
    milestones: tuple[MilestoneView, ...] = (),
) -> ItemView:
    status = Status(item.status)
    # An item whose text named no deadline is due at the end of its plan's period.
    due = item.due or period_end(plan.year, plan.end_date)
    return ItemView(
        id=f"{task.seq}.{item.seq}",
        task=task.seq,
        seq=item.seq,
        title=item.title,
        text=item.text,
        status=status,
        progress=item.progress,
        lead_unit=item.lead_unit,
        assisting_units=item.assisting_units,
        responsible_person=item.responsible_person,
        due=due,
        due_is_plan_end=item.due is None,
        target=item.target,
        warning=warning_for(
            status=status,
            progress=item.progress,
            due=due,
            start=plan.start_date,
            today=today,
            tolerance=plan.tolerance,
            milestones=[(milestone.due, milestone.progress) for milestone in milestones],
        ),
        updated_at=item.updated_at,
        updated_by=item.updated_by,
        version=item.version,
        notes=_note_views(notes) if notes else (),
        evidence=evidence,
        signoff_asked=bool(getattr(plan, "signoff", False)),
        signed_off_at=getattr(item, "signed_off_at", None),
        signed_off_by=getattr(item, "signed_off_by", None),
        milestones=milestones,
        next_milestone=next((m for m in milestones if m.due >= today), None),
    )


def build_plan_view(
    plan: Plan,
    tasks: Sequence[Task],
    items: Sequence[Item],
    notes: Sequence[Note],
    *,
    today: date,
    evidence: Sequence[Any] = (),
    milestones: Sequence[Any] = (),
) -> PlanView:
    """Assemble the view and its roll-ups from rows; pure, so it is tested without a database.

    `evidence`: the plan's attachments not removed, oldest first (models.Evidence's names).
    `milestones`: its items' milestones (models.Milestone's names), in any order.
    """
    milestones_by_item: dict[int, list[MilestoneView]] = {}
    for row in sorted(milestones, key=lambda row: (row.due, row.id or 0)):
        milestones_by_item.setdefault(row.item_id, []).append(
            MilestoneView(row.due, row.progress, row.text)
        )
    evidence_by_item: dict[int, list[EvidenceView]] = {}
    for row in evidence:
        evidence_by_item.setdefault(row.item_id, []).append(
            EvidenceView(row.name, row.size, row.sha256, row.added_at, row.added_by)
        )
    notes_by_item: dict[int, list[Note]] = {}
    notes_by_task: dict[int, list[Note]] = {}
    for note in notes:
        if note.retracted:
            continue
        if note.item_id is not None:
            notes_by_item.setdefault(note.item_id, []).append(note)
        elif note.task_id is not None:
            notes_by_task.setdefault(note.task_id, []).append(note)
    items_by_task: dict[int, list[Item]] = {}
    for item in items:
        items_by_task.setdefault(item.task_id, []).append(item)

    task_views: list[TaskView] = []
    for task in sorted(tasks, key=lambda row: row.seq):
        item_views = tuple(
            _item_view(
                task,
                item,
                notes_by_item.get(item.id or 0),
                plan,
                today,
                tuple(evidence_by_item.get(item.id or 0, ())),
                tuple(milestones_by_item.get(item.id or 0, ())),
            )
            for item in sorted(items_by_task.get(task.id or 0, []), key=lambda row: row.seq)
        )
        task_views.append(
            TaskView(
                id=task.seq,
                numeral=task.numeral,
                title=task.title,
                body=task.body,
                lead_unit=task.lead_unit,
                assisting_units=task.assisting_units,
                progress=mean_progress(item_views),
                done=sum(item.status is Status.DONE for item in item_views),
                total=len(item_views),
                red=sum(item.warning is Warning.RED for item in item_views),
                yellow=sum(item.warning is Warning.YELLOW for item in item_views),
                items=item_views,
                notes=_note_views(notes_by_task.get(task.id or 0, [])),
            )
        )
    all_items = [item for task in task_views for item in task.items]
    statuses = Counter(item.status.value for item in all_items)
    warnings = Counter(item.warning.value for item in all_items)
    return PlanView(
        slug=plan.slug,
        title=plan.title,
        year=plan.year,
        goal=plan.goal,
        heading=plan.heading,
        source_name=plan.source_name,
        published=plan.published,
        start_date=plan.start_date,
        end_date=period_end(plan.year, plan.end_date),
        tolerance=plan.tolerance,
        today=today,
        tasks=tuple(task_views),
        progress=mean_progress(all_items),
        status_counts={status.value: statuses.get(status.value, 0) for status in Status},
        signoff=bool(getattr(plan, "signoff", False)),
        warning_counts={warning.value: warnings.get(warning.value, 0) for warning in Warning},
    )


def load_plan(engine: Engine, *, slug: str | None, today: date) -> PlanView:
    from sqlalchemy import text
    from sqlmodel import Session, col, select

    from lawtasks.models import Evidence, Item, Milestone, Note, Task

    with Session(engine) as session:
        head = trail_head(tuple(session.connection().execute(text(TRAIL_HEAD_SQL)).one()))
        plan = resolve_plan(session, slug)
        tasks = list(session.exec(select(Task).where(Task.plan_id == plan.id)))
        task_ids = [task.id for task in tasks]
        items = list(session.exec(select(Item).where(col(Item.task_id).in_(task_ids))))
        notes = list(
            session.exec(
                select(Note).where(Note.plan_id == plan.id, col(Note.retracted).is_(False))
            )
        )
        evidence = list(
            session.exec(
                select(Evidence)
                .where(Evidence.plan_id == plan.id, col(Evidence.removed).is_(False))
                .order_by(col(Evidence.id))
            )
        )
        milestones = list(
            session.exec(
                # By subquery, as the items: a plan of 10,000 items would otherwise bind
                # 10,000 parameters.
                select(Milestone).where(
                    col(Milestone.item_id).in_(
                        select(Item.id).where(col(Item.task_id).in_(task_ids))
                    )
                )
            )
        )
        view = build_plan_view(
            plan, tasks, items, notes, today=today, evidence=evidence, milestones=milestones
        )
        return replace(view, trail=head)


@dataclass(frozen=True)
class ItemFilter:
    """What `list`, the TUI and exports may narrow a plan to; empty fields match everything."""

    tasks: frozenset[int] = frozenset()
    statuses: frozenset[Status] = frozenset()
    warnings: frozenset[Warning] = frozenset()
    overdue: bool = False
    unit: str | None = None
    due_before: date | None = None
    search: str | None = None

    def matches(self, item: ItemView, task: TaskView | None = None) -> bool:
        if self.tasks and item.task not in self.tasks:
            return False
        if self.statuses and item.status not in self.statuses:
            return False
        if self.warnings and item.warning not in self.warnings:
            return False
        if self.overdue and item.warning is not Warning.RED:
            return False
        if (
            self.unit
            and self.unit.casefold()
            not in " ".join(filter(None, [item.lead_unit, item.assisting_units])).casefold()
        ):
            return False
        if self.due_before and (item.due is None or item.due >= self.due_before):
            return False
        if self.search:
            needle = self.search.casefold()
            haystack = [item.id, item.title, item.text, item.target or ""]
            haystack += [note.text for note in item.notes]
            # A note on the task speaks for its items: finding it finds them.
            haystack += [note.text for note in task.notes] if task else []
            if not any(needle in text.casefold() for text in haystack):
                return False
        return True


def filter_plan(view: PlanView, item_filter: ItemFilter) -> PlanView:
    """The plan with only matching items; tasks left empty by a filter are dropped."""
    tasks = []
    for task in view.tasks:
        if item_filter.tasks and task.id not in item_filter.tasks:
            continue
        items = tuple(item for item in task.items if item_filter.matches(item, task))
        if items or item_filter == ItemFilter():
            tasks.append(replace(task, items=items))
    return replace(view, tasks=tuple(tasks))


def load_history(
    engine: Engine,
    *,
    slug: str | None,
    ref: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
) -> list[EventView]:
    """The audit trail, oldest first, optionally for one task or item and a date window."""
    from sqlalchemy import or_
    from sqlmodel import Session, col, select

    from lawtasks.models import Event, Item, Task

    with Session(engine) as session:
        plan = resolve_plan(session, slug)
        tasks = {
            task.id: task for task in session.exec(select(Task).where(Task.plan_id == plan.id))
        }
        items = {
            item.id: item
            for item in session.exec(select(Item).where(col(Item.task_id).in_(list(tasks))))
        }
        query = select(Event).where(Event.plan_id == plan.id)
        if ref is not None:
            ((parsed, task, chosen),) = resolve_refs(session, plan, [ref])
            if isinstance(parsed, ItemRef):
                query = query.where(Event.item_id == chosen[0].id)
            else:
                query = query.where(
                    or_(
                        col(Event.task_id) == task.id,
                        col(Event.item_id).in_([i.id for i in chosen]),
                    )
                )
        if since is not None and since >= _FIRST_DAY:
            query = query.where(col(Event.at) >= _local_midnight(min(since, _LAST_DAY)))
        if until is not None and until < _LAST_DAY:
            end = max(until + timedelta(days=1), _FIRST_DAY)
            query = query.where(col(Event.at) < _local_midnight(end))
        if limit is not None:
            newest = list(session.exec(query.order_by(col(Event.id).desc()).limit(limit)))
            events = list(reversed(newest))
        else:
            events = list(session.exec(query.order_by(col(Event.id))))
        views = []
        for event in events:
            if event.item_id is not None and event.item_id in items:
                item = items[event.item_id]
                ref_text: str | None = f"{tasks[item.task_id].seq}.{item.seq}"
            elif event.task_id is not None and event.task_id in tasks:
                ref_text = str(tasks[event.task_id].seq)
            else:
                ref_text = None
            # The view's fields are the event's columns of the same names, but for its ID.
            shown = {
                f.name: getattr(event, f.name)
                for f in fields(EventView)
                if f.name not in ("id", "ref")
            }
            views.append(EventView(id=event.id or 0, ref=ref_text, **shown))
        return views


# Every event was stamped by a clock between these days, and every system's local time
# (Windows' stops at 1970 and 3000) can place a midnight between them. A window's edge beyond
# them is an open end: --since 0001-01-01 means from the beginning, --until 9999-12-31 up to
# now. Neither is an error, and neither reaches date arithmetic that would overflow.
_FIRST_DAY = date(1970, 1, 2)
_LAST_DAY = date(3000, 12, 30)


def _local_midnight(day: date) -> datetime:
    """The start of `day` on this machine's clock: officers mean their own calendar days."""
    return datetime.combine(day, time.min).astimezone()


def latest_event_id(engine: Engine) -> int:
    """The newest event's id: every change writes an event, so this moves when anything does.

    One indexed lookup, cheap enough to poll every second.
    """
    from sqlmodel import Session, func, select

    from lawtasks.models import Event

    with Session(engine) as session:
        return session.exec(select(func.max(Event.id))).one() or 0


@dataclass(frozen=True)
class IssuedSheetView:
    """A 填报 sheet as it was sent: its unit, and each item's (version, status, progress)."""

    id: str
    unit: str
    items: Mapping[str, tuple[int, str, object]]
    made_at: datetime


@dataclass(frozen=True)
class ReturnContext:
    """What checking a return needs to know of the ledger beyond the plan itself."""

    sheets: Mapping[str, IssuedSheetView] = field(default_factory=dict)
    plans: tuple[str, ...] = ()  # every plan's slug
    plan_named: bool = False  # the user named the plan (--plan), rather than the default
    # Each plan's slug by its title and by its name, as an exported 台账 names it.
    titles: Mapping[str, str] = field(default_factory=dict)


def load_return_context(engine: Engine, slug: str | None, *, plan_named: bool) -> ReturnContext:
    """The sheets sent for the plan and the ledger's plans, in one short read."""
    import json

    from sqlmodel import Session, col, select

    from lawtasks.models import IssuedSheet, Plan

    with Session(engine) as session:
        plan = resolve_plan(session, slug)
        rows = session.exec(select(Plan.slug, Plan.title, Plan.heading).order_by(col(Plan.slug)))
        # A plan is named by its title or by its name (every export's plan column since
        # issue 16; 台账 made before name it by title).
        known = [
            (slug, name)
            for slug, title, heading in rows
            for name in dict.fromkeys((title, plan_name(title, heading)))
        ]
        slugs = tuple(dict.fromkeys(slug for slug, _ in known))
        sheets = {
            sheet.id: IssuedSheetView(
                sheet.id,
                sheet.unit,
                {ref: tuple(state) for ref, state in json.loads(sheet.items).items()},
                sheet.made_at,
            )
            for sheet in session.exec(select(IssuedSheet).where(IssuedSheet.plan_id == plan.id))
        }
    # A title two plans share names neither.
    shared = {title for title, count in Counter(title for _, title in known).items() if count > 1}
    titles = {title: slug for slug, title in known if title not in shared}
    return ReturnContext(sheets, slugs, plan_named, titles)
