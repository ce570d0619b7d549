"""Bulk writes: one call over a thousand items leaves exactly what a call per item leaves.

Each test imports the same generated plan twice into one database, changes one copy with a
single call and the other with a call per item, and compares the two: item rows, events
(field, old, new, actor and how they group into batches), notes, and the audit chain.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from lawtasks.audit import verify
from lawtasks.domain import Status
from lawtasks.errors import DomainError
from lawtasks.models import Event, Item, Note, Plan, Task
from lawtasks.parser import ParsedItem, ParsedPlan, ParsedTask
from lawtasks.services import UNSET, ItemReturn, Ledger

# Big enough for every branch (mixed states, several units, tasks and items), small enough
# that the item-by-item comparison stays quick.
TASKS = 8
ITEMS = 12
UNITS = ("县司法局", "县府办", "县公安局", "县住建局")

Snapshot = tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]


def generated_plan() -> ParsedPlan:
    tasks = tuple(
        ParsedTask(
            seq=t,
            numeral=str(t),
            title=f"任务{t}",
            body=f"任务{t}。",
            items=tuple(
                ParsedItem(
                    seq=i,
                    title=f"任务{t}第{i}项",
                    text=f"任务{t}第{i}项工作。",
                    target=f"目标{i}" if i % 3 else None,
                    lead_unit=UNITS[(t + i) % len(UNITS)],
                )
                for i in range(1, ITEMS + 1)
            ),
        )
        for t in range(1, TASKS + 1)
    )
    return ParsedPlan(
        title="生成的报告",
        year=2022,
        goal="",
        heading="三、2022年主要工作任务",
        source_name="generated.txt",
        published=date(2022, 2, 28),
        tasks=tasks,
    )


def item_refs() -> list[str]:
    return [f"{t}.{i}" for t in range(1, TASKS + 1) for i in range(1, ITEMS + 1)]


def twin_ledgers(engine: Engine) -> tuple[Ledger, Ledger]:
    """Two identical plans, "bulk" and "single", in varied states (done, blocked, started)."""
    ledgers = []
    for slug in ("bulk", "single"):
        Ledger(engine, actor="importer").import_plan(generated_plan(), slug=slug)
        ledger = Ledger(engine, actor="officer", plan=slug)
        returns = []
        # Done from some progress, so that reopening has something to go back to: one row
        # per item and return, so the progress goes first, in a return of its own.
        ledger.apply_returns(
            [ItemReturn(ref=ref, progress=n % 90 + 5) for n, ref in enumerate(item_refs())
             if n % 5 == 0]
        )  # fmt: skip
        for n, ref in enumerate(item_refs()):
            if n % 5 == 0:
                returns.append(ItemReturn(ref=ref, status=Status.DONE))
            elif n % 5 == 1:
                returns.append(ItemReturn(ref=ref, status=Status.BLOCKED, progress=n % 70))
            elif n % 5 == 2:
                returns.append(ItemReturn(ref=ref, status=Status.DONE))  # done from scratch
            elif n % 5 == 3:
                returns.append(ItemReturn(ref=ref, progress=n % 60 + 1))
        ledger.apply_returns(returns)
        ledgers.append(ledger)
    return ledgers[0], ledgers[1]


def after(engine: Engine) -> int:
    """The last event's id: what a test compares is written after it."""
    with Session(engine) as session:
        last = session.exec(select(Event.id).order_by(col(Event.id).desc())).first()
    return last or 0


def snapshot(engine: Engine, slug: str, since: int) -> Snapshot:
    """The plan's items, and its events and notes after `since`, named by ref not by id; each
    event carries its batch as the position of the batch's first event, so that grouping
    compares and random batch ids do not."""
    with Session(engine) as session:
        plan = session.exec(select(Plan).where(Plan.slug == slug)).one()
        refs: dict[int, str] = {}  # item id -> 2.3
        task_refs: dict[int, str] = {}  # task id -> 2
        items = []
        for task, item in session.exec(
            select(Task, Item)
            .join(Item)
            .where(Task.plan_id == plan.id)
            .order_by(col(Task.seq), col(Item.seq))
        ):
            assert item.id is not None
            assert task.id is not None
            refs[item.id] = f"{task.seq}.{item.seq}"
            task_refs[task.id] = str(task.seq)
            fields = (item.status, item.progress, item.lead_unit, item.assisting_units)
            more = (item.responsible_person, item.due, item.target, item.version, item.updated_by)
            items.append((refs[item.id], *fields, *more))
        batches: dict[str, int] = {}
        events = []
        for event in session.exec(
            select(Event)
            .where(Event.plan_id == plan.id, col(Event.id) > since)
            .order_by(col(Event.id))
        ):
            ref = refs.get(event.item_id or 0) or task_refs.get(event.task_id or 0, "plan")
            group = batches.setdefault(event.batch, len(batches))
            events.append(
                (ref, event.action, event.field, event.old, event.new, event.actor, group)
            )
        notes = [
            (
                refs[note.item_id] if note.item_id else task_refs[note.task_id or 0],
                note.text,
                note.author,
                note.retracted,
            )
            for note in session.exec(
                select(Note).where(Note.plan_id == plan.id).order_by(col(Note.id))
            )
        ]
    return items, events, notes


def regrouped(events: list[tuple[object, ...]]) -> dict[object, list[tuple[object, ...]]]:
    """Events by item, in order, without their batch: per-item calls batch them differently."""
    by_ref: dict[object, list[tuple[object, ...]]] = defaultdict(list)
    for event in events:
        by_ref[event[0]].append(event[:-1])
    return dict(by_ref)


def test_a_bulk_update_writes_what_an_update_per_item_writes(engine: Engine) -> None:
    bulk, single = twin_ledgers(engine)
    tasks = [str(t) for t in range(1, TASKS + 1)]
    mark = after(engine)

    # Reopens the done items (back to their progress before done), blocks the rest.
    bulk.update(tasks, status="blocked")
    for ref in item_refs():
        single.update([ref], status="blocked")
    b_items, b_events, _ = snapshot(engine, "bulk", mark)
    s_items, s_events, _ = snapshot(engine, "single", mark)
    assert b_items == s_items
    assert [event[:-1] for event in b_events] == [event[:-1] for event in s_events]
    assert {event[-1] for event in b_events} == {0}  # one call, one batch
    assert len({event[-1] for event in s_events}) == len({event[0] for event in s_events})
    assert any(item[1] == Status.BLOCKED.value and 0 < item[2] < 100 for item in b_items)
    assert verify(engine).intact

    mark = after(engine)
    # Item refs, so that both calls add a note per item; the bulk call adds its notes after
    # all the fields, hence the comparison per item.
    bulk.update(item_refs(), progress_delta=15, lead_unit="县府办", due="6月底", note="集中调度")
    for ref in item_refs():
        single.update([ref], progress_delta=15, lead_unit="县府办", due="6月底", note="集中调度")
    b_items, b_events, b_notes = snapshot(engine, "bulk", mark)
    s_items, s_events, s_notes = snapshot(engine, "single", mark)
    assert b_items == s_items
    assert regrouped(b_events) == regrouped(s_events)
    assert {event[-1] for event in b_events} == {0}
    assert b_notes == s_notes
    assert verify(engine).intact


def test_a_bulk_return_writes_what_a_return_per_item_writes(engine: Engine) -> None:
    bulk, single = twin_ledgers(engine)
    versions = {item[0]: item[8] for item in snapshot(engine, "bulk", 0)[0]}
    returns = []
    for n, ref in enumerate(item_refs()):
        returns.append(
            ItemReturn(
                ref=ref,
                # Two units' rows, applied by one officer in one batch.
                for_unit=None,
                status=(None, Status.IN_PROGRESS, Status.DONE, Status.NOT_STARTED)[n % 4],
                progress=n % 100 if n % 4 in (0, 1) else None,
                lead_unit=UNITS[n % len(UNITS)] if n % 7 == 0 else UNSET,
                due=date(2022, 1 + n % 12, 1) if n % 3 == 0 else UNSET,
                note=f"第{n}行进展" if n % 6 == 0 else None,
                expected_version=versions[ref],
            )
        )
    mark = after(engine)
    outcome = bulk.apply_returns(returns)
    for entry in returns:
        single.apply_returns([entry])
    b_items, b_events, b_notes = snapshot(engine, "bulk", mark)
    s_items, s_events, s_notes = snapshot(engine, "single", mark)
    assert outcome.changed
    assert b_items == s_items
    assert [event[:-1] for event in b_events] == [event[:-1] for event in s_events]
    assert len({event[-1] for event in b_events}) == 1  # one batch: one undo reverts it
    assert b_notes == s_notes
    assert verify(engine).intact


def test_a_return_naming_an_item_twice_is_refused_whole(engine: Engine) -> None:
    bulk, _ = twin_ledgers(engine)
    # The second row would be checked against the first one's change, not the ledger's.
    rows = [
        ItemReturn(ref="1.2", status=Status.DONE),
        ItemReturn(ref="1.4", progress=100),
        ItemReturn(ref="1.2", status=Status.IN_PROGRESS),
    ]
    mark = after(engine)
    before = snapshot(engine, "bulk", 0)
    with pytest.raises(DomainError, match=r"1\.2 appears twice"):
        bulk.apply_returns(rows)
    assert snapshot(engine, "bulk", 0) == before
    assert after(engine) == mark
    assert verify(engine).intact


def test_undo_reverts_a_bulk_update(engine: Engine) -> None:
    bulk, _ = twin_ledgers(engine)
    tasks = [str(t) for t in range(1, TASKS + 1)]
    before, _, notes_before = snapshot(engine, "bulk", 0)
    outcome = bulk.update(tasks, status="in_progress", target="全覆盖", note="统一推进")
    changed = {change.ref for change in outcome.changes if change.field != "note"}
    assert len(changed) == TASKS * ITEMS

    undone = bulk.undo()
    assert len(undone.changes) == len(outcome.changes)
    restored, events, notes = snapshot(engine, "bulk", 0)
    # Everything but the version and who touched it last is as it was.
    assert [item[:8] for item in restored] == [item[:8] for item in before]
    assert len(notes) == len(notes_before) + TASKS
    assert all(note[3] for note in notes[len(notes_before) :])  # retracted, not deleted
    assert sum(1 for event in events if event[1] == "undo") == len(outcome.changes)
    assert verify(engine).intact
