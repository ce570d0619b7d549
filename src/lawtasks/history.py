"""The ledger as it was at the end of a day, rebuilt from the audit trail.

`--as-of DATE` shows a plan as it stood at the end of DATE on this machine's clock (its
local midnight after DATE, the calendar `--today` and `date.today()` follow): the values,
the notes and the warnings of that day, and the trail's head of that moment.

The rebuild starts from the rows as they are and walks the trail backwards from its newest
event to the first one made after that midnight, putting back each field's `old` (an undo is
an ordinary field event, so it is walked back like any other), dropping the notes added
after it and restoring those retracted after it. Who changed an item last, and when, is the
latest event on its fields before the cutoff, and its `version` is the current one less one
for each later call that changed it (every call bumps it once, see services.writes._touch).

The cutoff is a position in the trail, not only a time: the events before the first one
stamped after that midnight. Those are a prefix of the chain, so the head a report carries
(events, digest) is one `verify --against` finds at that position, and it is the head a
report made at the end of that day carried.

Tasks and items a later import added are left out; a plan imported after the day has no
state to show, and saying so is an error naming the day and the import's.

The period report (`export --since A --as-of B`) compares the plan as of the day before A
with the plan as of B (lawtasks.period.period_summary): both views come from here.

SQLAlchemy and the models are imported inside the functions, as in lawtasks.readmodel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from lawtasks.domain import trail_value
from lawtasks.errors import DomainError
from lawtasks.period import PeriodSummary, period_changes, period_summary
from lawtasks.readmodel import (
    _FIRST_DAY,
    _LAST_DAY,
    EventView,
    PlanView,
    TrailHead,
    _local_midnight,
    build_plan_view,
    filter_plan,
    load_history,
    resolve_plan,
    trail_head,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from lawtasks.exporters import ExportRequest
    from lawtasks.readmodel import ItemFilter

# The item fields the services change, each change with its event (audit.ITEM_FIELDS; not
# imported from there, which would load the audit's SQLAlchemy for every import of this).
ITEM_FIELDS = ("status", "progress", "target", "lead_unit", "assisting_units", "due",
               "responsible_person", "signed_off_at", "signed_off_by")  # fmt: skip
# A plan's own settings that an event may change (its period's end, its tolerance, its
# 销号 switch and evidence limit).
PLAN_FIELDS = ("end_date", "tolerance", "signoff", "evidence_limit")
# The columns of an event the walk back reads, in the order it unpacks them.
_WALKED = ("item_id", "note_id", "task_id", "batch", "action", "field", "old", "reverts", "new")
# An import event's `new`: `report.txt (+18)`, with its seal after it since schema 3.
_ADDED = re.compile(r"\(\+(\d+)\)(?: sha256:[0-9a-f]{64})?\s*$")


def day_end(day: date) -> datetime | None:
    """The first moment after `day` on this machine's clock; None for a day past every
    clock's reach (as of 9999-12-31 is the ledger as it is)."""
    if day >= _LAST_DAY:
        return None
    return _local_midnight(max(day + timedelta(days=1), _FIRST_DAY))


def _rows(connection: Connection, query: Any) -> list[SimpleNamespace]:
    """Rows as plain objects with the models' attribute names, which build_plan_view reads:
    they are changed here, and an ORM object changed in a session could be written back."""
    return [SimpleNamespace(**row._asdict()) for row in connection.execute(query)]


@dataclass(frozen=True)
class _Cutoff:
    """The first event of the trail made after the day (None: none was), and the head of
    the trail before it."""

    event: int | None
    head: TrailHead


def _cutoff(connection: Connection, day: date) -> _Cutoff:
    from sqlalchemy import func, select, text
    from sqlmodel import col

    from lawtasks.models import Event

    end = day_end(day)
    first = None
    if end is not None:
        first = connection.execute(select(func.min(Event.id)).where(col(Event.at) >= end)).scalar()
    if first is None:
        from lawtasks.readmodel import TRAIL_HEAD_SQL

        return _Cutoff(None, trail_head(tuple(connection.execute(text(TRAIL_HEAD_SQL)).one())))
    row = connection.execute(
        text(
            "SELECT count(*), (SELECT digest FROM event WHERE id < :first"
            " ORDER BY id DESC LIMIT 1) FROM event WHERE id < :first"
        ),
        {"first": first},
    ).one()
    return _Cutoff(int(first), trail_head(tuple(row)))


def load_plan_as_of(engine: Engine, *, slug: str | None, day: date) -> PlanView:
    """The plan `slug` (None: the default one) as it stood at the end of `day`, with the
    warnings of that day. A plan imported after `day` is an error naming both days."""
    return _load(engine, slug=slug, day=day, before_import="error")


def _load(engine: Engine, *, slug: str | None, day: date, before_import: str) -> PlanView:
    from sqlalchemy import func, select
    from sqlmodel import Session, col

    from lawtasks.models import Event, Evidence, Item, Note, Plan, Task

    with Session(engine) as session:
        connection = session.connection()
        found = resolve_plan(session, slug)
        plan_id = found.id
        cutoff = _cutoff(connection, day)
        imported = connection.execute(
            select(func.min(Event.id)).where(
                col(Event.plan_id) == plan_id, col(Event.action) == "import"
            )
        ).scalar()
        if cutoff.event is not None and imported is not None and imported >= cutoff.event:
            if before_import == "error":
                at = connection.execute(
                    select(col(Event.at)).where(col(Event.id) == imported)
                ).scalar()
                raise DomainError(
                    "error.as_of_before_import",
                    plan=found.slug,
                    day=day.isoformat(),
                    imported=at.astimezone().date().isoformat() if at else "?",
                )
            # The plan as its import left it: the baseline of a period that began before it.
            cutoff = replace(cutoff, event=imported + 1)
        (plan,) = _rows(connection, select(Plan.__table__).where(col(Plan.id) == plan_id))  # type: ignore[attr-defined]
        tasks = _rows(connection, select(Task.__table__).where(col(Task.plan_id) == plan_id))  # type: ignore[attr-defined]
        task_ids = select(col(Task.id)).where(col(Task.plan_id) == plan_id)
        items = _rows(connection, select(Item.__table__).where(col(Item.task_id).in_(task_ids)))  # type: ignore[attr-defined]
        notes = _rows(connection, select(Note.__table__).where(col(Note.plan_id) == plan_id))  # type: ignore[attr-defined]
        evidence = _rows(
            connection,
            select(Evidence.__table__)  # type: ignore[attr-defined]
            .where(col(Evidence.plan_id) == plan_id)
            .order_by(col(Evidence.id)),
        )
        if cutoff.event is not None:
            tasks, items, notes = _walk_back(connection, cutoff.event, plan, tasks, items, notes)
        evidence = _evidence_then(connection, plan_id, cutoff.event, evidence)
        milestones = _milestones_then(connection, plan_id, cutoff.event, items)
    view = build_plan_view(
        plan,  # type: ignore[arg-type]
        tasks,  # type: ignore[arg-type]
        items,  # type: ignore[arg-type]
        notes,  # type: ignore[arg-type]
        today=day,
        evidence=evidence,
        milestones=milestones,
    )
    return replace(view, trail=cutoff.head)


def _evidence_then(
    connection: Connection, plan_id: int | None, first: int | None, rows: list[SimpleNamespace]
) -> list[SimpleNamespace]:
    """The attachments shown before event `first` (None: now): attached by then, and not
    yet taken back by an undo. An attachment is known by its batch, item and trail value
    (services.supervision), which its row and its events share."""
    from sqlalchemy import select
    from sqlmodel import col

    from lawtasks.models import Event

    if first is None:
        return [row for row in rows if not row.removed]
    events = connection.execute(
        select(
            col(Event.batch), col(Event.item_id), col(Event.new), col(Event.old), col(Event.reverts)
        ).where(
            col(Event.plan_id) == plan_id,
            col(Event.field) == "evidence",
            col(Event.id) < first,
        )
    )
    attached: set[tuple[str, int | None, str]] = set()
    removed: set[tuple[str, int | None, str]] = set()
    for batch, item_id, new, old, reverts in events:
        if reverts is None and new is not None:
            attached.add((batch, item_id, new))
        elif reverts is not None and old is not None:
            removed.add((reverts, item_id, old))
    shown = []
    for row in rows:
        key = (row.batch, row.item_id, f"{row.name} ({row.size} bytes) sha256:{row.sha256}")
        if key in attached and key not in removed:
            shown.append(row)
    return shown


def _milestones_then(
    connection: Connection,
    plan_id: int | None,
    first: int | None,
    items: list[SimpleNamespace],
) -> list[SimpleNamespace]:
    """The items' milestones before event `first` (None: now), replayed from the trail:
    each `milestone` event adds its `new` and removes its `old` (services.milestones)."""
    from sqlalchemy import select
    from sqlmodel import col

    from lawtasks.audit import MILESTONE_FIELD, parse_milestone_value
    from lawtasks.models import Event, Milestone

    item_ids = [item.id for item in items]
    if first is None:
        return _rows(connection, select(Milestone.__table__).where(  # type: ignore[attr-defined]
            col(Milestone.item_id).in_(item_ids)))  # fmt: skip
    events = connection.execute(
        select(col(Event.item_id), col(Event.old), col(Event.new))
        .where(
            col(Event.plan_id) == plan_id,
            col(Event.field) == MILESTONE_FIELD,
            col(Event.id) < first,
        )
        .order_by(col(Event.id))
    )
    standing: list[tuple[int | None, str]] = []
    for item_id, old, new in events:
        if old is not None and (item_id, old) in standing:
            standing.remove((item_id, old))
        if new is not None:
            standing.append((item_id, new))
    shown = []
    for number, (item_id, value) in enumerate(standing):
        day, figure, text = parse_milestone_value(value)
        shown.append(SimpleNamespace(id=number, item_id=item_id, due=day, progress=figure,
                                     text=text))  # fmt: skip
    return shown


def _walk_back(
    connection: Connection,
    first: int,
    plan: SimpleNamespace,
    tasks: list[SimpleNamespace],
    items: list[SimpleNamespace],
    notes: list[SimpleNamespace],
) -> tuple[list[SimpleNamespace], list[SimpleNamespace], list[SimpleNamespace]]:
    """The rows as they were before event `first`, from the rows now and the plan's events
    from `first` on, newest first."""
    from sqlalchemy import func, select
    from sqlmodel import col

    from lawtasks.models import Event

    by_id = {item.id: item for item in items}
    notes_by_id = {note.id: note for note in notes}
    calls: dict[int, set[str]] = {}  # item id -> the later calls that changed it
    added_notes: set[int] = set()
    rows_added = 0
    later = connection.execute(
        select(*(col(getattr(Event, name)) for name in _WALKED))
        .where(col(Event.plan_id) == plan.id, col(Event.id) >= first)
        .order_by(col(Event.id).desc())
    )
    for item_id, note_id, task_id, batch, action, name, old, reverts, new in later:
        if item_id is not None and name in ITEM_FIELDS and item_id in by_id:
            setattr(by_id[item_id], name, trail_value(name, old))
            calls.setdefault(item_id, set()).add(batch)
        elif name == "note" and note_id is not None:
            note = notes_by_id.get(note_id)
            if note is None:
                continue
            if action == "note":
                added_notes.add(note_id)
            elif reverts is not None:
                note.retracted = False  # retracted by an undo after the day
        elif action == "import":
            match = _ADDED.search(new or "")
            rows_added += int(match.group(1)) if match else 0
        elif item_id is None and task_id is None and name in PLAN_FIELDS:
            setattr(plan, name, trail_value(name, old))
    if calls:
        # Who changed each item last, and when: its latest event before the cutoff.
        changed = select(col(Event.item_id)).where(
            col(Event.plan_id) == plan.id,
            col(Event.id) >= first,
            col(Event.field).in_(ITEM_FIELDS),
        )
        latest = (
            select(func.max(Event.id))
            .where(
                col(Event.item_id).in_(changed),
                col(Event.id) < first,
                col(Event.field).in_(ITEM_FIELDS),
            )
            .group_by(col(Event.item_id))
        )
        touched = {
            item_id: (actor, at)
            for item_id, actor, at in connection.execute(
                select(col(Event.item_id), col(Event.actor), col(Event.at)).where(
                    col(Event.id).in_(latest)
                )
            )
        }
        for item_id, batches in calls.items():
            item = by_id[item_id]
            item.version -= len(batches)
            item.updated_by, item.updated_at = touched.get(item_id, (None, None))
    if rows_added:
        tasks, items = _before_import(tasks, items, rows_added)
    kept = [note for note in notes if note.id not in added_notes]
    return tasks, items, kept


def _before_import(
    tasks: list[SimpleNamespace], items: list[SimpleNamespace], rows_added: int
) -> tuple[list[SimpleNamespace], list[SimpleNamespace]]:
    """The tasks and items less the `rows_added` a later import added to the plan.

    An import adds rows with ids above every existing one, but records only how many it
    added, tasks and items together. A task it added came with its items: so the added rows
    are the newest k tasks and the newest items besides, for the largest k whose tasks'
    items are all among those newest items.
    """
    tasks_desc = sorted(tasks, key=lambda row: row.id, reverse=True)
    items_desc = sorted(items, key=lambda row: row.id, reverse=True)
    new_tasks = 0
    for count in range(1, min(rows_added, len(tasks_desc)) + 1):
        newest = {row.id for row in items_desc[: rows_added - count]}
        task_ids = {row.id for row in tasks_desc[:count]}
        if all(item.id in newest for item in items if item.task_id in task_ids):
            new_tasks = count
        else:
            break
    gone_tasks = {row.id for row in tasks_desc[:new_tasks]}
    gone_items = {row.id for row in items_desc[: max(0, rows_added - new_tasks)]}
    return (
        [row for row in tasks if row.id not in gone_tasks],
        [row for row in items if row.id not in gone_items],
    )


# -- the period report ---------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodReport:
    """What `export --since` adds to a report: the raw changes of the period, and the
    summary in words that opens it."""

    changes: tuple[EventView, ...]
    summary: PeriodSummary


def load_period(engine: Engine, *, view: PlanView, since: date) -> PeriodReport:
    """The period from `since` to `view.today` for the items `view` shows (a filtered
    report's own): its changes, and how the plan moved from the end of the day before
    `since` (or from its import, when it began later) to `view`."""
    events = load_history(engine, slug=view.slug, since=since, until=view.today)
    before_day = since - timedelta(days=1) if since > date.min else since
    before = _load(engine, slug=view.slug, day=before_day, before_import="imported")
    # The items the report shows, as they were: a filtered report sums up its own.
    shown = {item.id for item in view.items}
    before = replace(
        before,
        tasks=tuple(
            replace(task, items=tuple(item for item in task.items if item.id in shown))
            for task in before.tasks
        ),
    )
    return PeriodReport(
        changes=period_changes(events, view),
        summary=period_summary(before, view, events, since=since),
    )


def check_period(since: date, as_of: date) -> None:
    """A period's first day comes on or before its last."""
    if since > as_of:
        raise DomainError(
            "error.since_after_as_of", since=since.isoformat(), as_of=as_of.isoformat()
        )


def report_request(
    engine: Engine | None,
    *,
    view: PlanView,
    item_filter: ItemFilter,
    since: date | None,
    exported_by: str,
) -> ExportRequest:
    """What `export` and the TUI's export dialog write: `view` (as it is, or as of a day)
    narrowed by `item_filter`, and with `since`, the period from that day to the view's:
    its summary in words and its changes, of the items shown. The engine is read only for
    a period (the fast path's reports open none)."""
    from lawtasks.exporters import ExportRequest

    shown = filter_plan(view, item_filter)
    if since is None:
        return ExportRequest(view=shown, exported_by=exported_by, item_filter=item_filter)
    check_period(since, view.today)
    assert engine is not None, "a period report reads the trail"
    period = load_period(engine, view=shown, since=since)
    return ExportRequest(
        view=shown,
        exported_by=exported_by,
        changes=period.changes,
        since=since,
        period=period.summary,
        item_filter=item_filter,
    )
