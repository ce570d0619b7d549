"""The service layer: every rule, with its audit event, on a real temporary database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from lawtasks.domain import Status
from lawtasks.errors import DomainError
from lawtasks.models import Event, Item, Note, Plan, Task
from lawtasks.readmodel import load_history, load_plan
from lawtasks.seed import SEED_SLUG, seed
from lawtasks.services import Ledger

from .conftest import TODAY


def item_row(engine: Engine, ref: str) -> Item:
    task_seq, item_seq = (int(part) for part in ref.split("."))
    with Session(engine) as session:
        return session.exec(
            select(Item).join(Task).where(Task.seq == task_seq, Item.seq == item_seq)
        ).one()


def events(engine: Engine, action: str | None = None) -> list[Event]:
    with Session(engine) as session:
        query = select(Event).order_by(col(Event.id))
        if action:
            query = query.where(Event.action == action)
        return list(session.exec(query))


def snapshot(engine: Engine) -> tuple[list[tuple[object, ...]], int, int]:
    """Every item's mutable fields, and the note and event counts: 'unchanged' means equal."""
    with Session(engine) as session:
        items = [
            (i.id, i.status, i.progress, i.lead_unit, i.due, i.target, i.version)
            for i in session.exec(select(Item).order_by(col(Item.id)))
        ]
        notes = session.exec(select(func.count()).select_from(Note)).one()
        count = session.exec(select(func.count()).select_from(Event)).one()
    return items, notes, count


# -- seeding ---------------------------------------------------------------------------------


def test_seed_creates_the_plan_with_six_tasks_and_eighteen_items(engine: Engine) -> None:
    with Session(engine) as session:
        plan = session.exec(select(Plan)).one()
        assert plan.slug == SEED_SLUG
        assert plan.year == 2022
        assert plan.start_date == date(2022, 1, 1)
        assert plan.published == date(2022, 2, 28)
        tasks = session.exec(select(Task).order_by(Task.seq)).all()
        assert [t.seq for t in tasks] == [1, 2, 3, 4, 5, 6]
        counts = [len(session.exec(select(Item).where(Item.task_id == t.id)).all()) for t in tasks]
    assert counts == [2, 3, 2, 4, 3, 4]
    (imported,) = events(engine, "import")
    assert imported.actor == "seeder"


def test_seeding_twice_adds_nothing_and_keeps_what_officers_set(
    engine: Engine, ledger: Ledger
) -> None:
    ledger.update(["2.1"], progress=40, lead_unit="县司法局", due=date(2022, 6, 30))
    ledger.add_note("2.1", "已召开部署会")
    before = snapshot(engine)

    outcome, added = seed(engine, actor="seeder")

    assert added == 0
    assert not outcome.changed
    assert snapshot(engine) == before
    row = item_row(engine, "2.1")
    assert (row.progress, row.lead_unit, row.due) == (40, "县司法局", date(2022, 6, 30))


def test_seeding_fills_in_a_missing_item_without_touching_others(
    engine: Engine, ledger: Ledger
) -> None:
    ledger.update(["1.1"], progress=30)
    with Session(engine) as session:
        victim = session.exec(select(Item).join(Task).where(Task.seq == 6, Item.seq == 4)).one()
        session.exec(select(Event))  # keep the session open for the delete
        for event in session.exec(select(Event).where(Event.item_id == victim.id)):
            session.delete(event)
        session.delete(victim)
        session.commit()

    _, added = seed(engine)

    assert added == 1
    assert item_row(engine, "6.4").text.startswith("扩大公职律师队伍")
    assert item_row(engine, "1.1").progress == 30


# -- status and progress rules ------------------------------------------------------------


def test_progress_above_zero_starts_an_item(engine: Engine, ledger: Ledger) -> None:
    outcome = ledger.update(["1.1"], progress=30)

    row = item_row(engine, "1.1")
    assert (row.status, row.progress, row.version) == ("in_progress", 30, 2)
    assert (row.updated_by, row.updated_at is not None) == ("officer", True)
    assert [(c.field, c.old, c.new) for c in outcome.changes] == [
        ("status", "not_started", "in_progress"),
        ("progress", "0", "30"),
    ]
    recorded = [(e.actor, e.field, e.old, e.new) for e in events(engine, "set")]
    assert recorded == [
        ("officer", "status", "not_started", "in_progress"),
        ("officer", "progress", "0", "30"),
    ]
    assert all(e.batch == outcome.batch for e in events(engine, "set"))


def test_done_sets_progress_to_100(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["1.2"], status="done")
    row = item_row(engine, "1.2")
    assert (row.status, row.progress) == ("done", 100)
    assert {(e.field, e.new) for e in events(engine, "set")} == {
        ("status", "done"),
        ("progress", "100"),
    }


def test_progress_100_marks_done(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["1.2"], progress="100")
    assert item_row(engine, "1.2").status == "done"


def test_progress_below_100_on_a_done_item_reopens_it(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["1.2"], status="done")
    ledger.update(["1.2"], progress=80)
    row = item_row(engine, "1.2")
    assert (row.status, row.progress) == ("in_progress", 80)


def test_reopening_restores_the_progress_before_done(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["3.1"], progress=60)
    ledger.update(["3.1"], status=Status.DONE)
    ledger.update(["3.1"], status=Status.IN_PROGRESS)
    row = item_row(engine, "3.1")
    assert (row.status, row.progress) == ("in_progress", 60)


def test_reopening_with_a_given_progress_uses_it(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["3.1"], progress=60)
    ledger.update(["3.1"], status="done")
    ledger.update(["3.1"], status="in_progress", progress=75)
    assert item_row(engine, "3.1").progress == 75


def test_reopening_an_item_done_from_scratch_starts_at_zero(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["3.2"], status="done")
    ledger.update(["3.2"], status="blocked")
    row = item_row(engine, "3.2")
    assert (row.status, row.progress) == ("blocked", 0)


def test_blocked_keeps_progress(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["4.1"], progress=20)
    ledger.update(["4.1"], status="blocked")
    row = item_row(engine, "4.1")
    assert (row.status, row.progress) == ("blocked", 20)


def test_not_started_resets_progress(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["4.1"], progress=20)
    ledger.update(["4.1"], status="not_started")
    assert (item_row(engine, "4.1").progress, item_row(engine, "4.1").status) == (
        0,
        "not_started",
    )


def test_a_task_id_stands_for_all_its_items(engine: Engine, ledger: Ledger) -> None:
    outcome = ledger.update(["2"], lead_unit="县司法局")
    assert {c.ref for c in outcome.changes} == {"2.1", "2.2", "2.3"}
    assert all(item_row(engine, f"2.{n}").lead_unit == "县司法局" for n in (1, 2, 3))


def test_unchanged_fields_write_no_event(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["2.1"], lead_unit="县司法局")
    outcome = ledger.update(["2.1"], lead_unit="县司法局")
    assert not outcome.changes
    assert item_row(engine, "2.1").version == 2


def test_unit_due_and_target_are_recorded(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["5.2"], lead_unit=" 县司法局 ", due=date(2022, 9, 30), target="调解成功率98%")
    row = item_row(engine, "5.2")
    assert (row.lead_unit, row.due, row.target) == ("县司法局", date(2022, 9, 30), "调解成功率98%")
    assert {(e.field, e.new) for e in events(engine, "set")} == {
        ("lead_unit", "县司法局"),
        ("due", "2022-09-30"),
        ("target", "调解成功率98%"),
    }
    ledger.update(["5.2"], lead_unit="", due=None)
    row = item_row(engine, "5.2")
    assert (row.lead_unit, row.due) == (None, None)


# -- invalid input leaves the database unchanged -----------------------------------------


@pytest.mark.parametrize(
    ("refs", "fields", "message"),
    [
        (["1.1"], {"progress": 101}, "Invalid progress 101"),
        (["1.1"], {"progress": -1}, "Invalid progress -1"),
        (["1.1"], {"progress": "50.5"}, "Invalid progress 50.5"),
        (["1.1"], {"progress": "abc"}, "Invalid progress abc"),
        (["1.1"], {"status": "finished"}, "Invalid status finished"),
        (["1.1"], {"status": "done", "progress": 50}, "contradicts progress 50"),
        (["1.1"], {"status": "in_progress", "progress": 100}, "contradicts progress 100"),
        (["1.1"], {"status": "not_started", "progress": 10}, "contradicts progress 10"),
        (["7.1"], {"progress": 10}, "No item 7.1: plan tonglu-2022 has tasks 1–6"),
        (["1.9"], {"progress": 10}, "No item 1.9: task 1 of plan tonglu-2022 has items 1.1, 1.2"),
        (["7"], {"progress": 10}, "No task 7: plan tonglu-2022 has tasks 1–6"),
        (["1."], {"progress": 10}, "Invalid ID 1."),
        ([""], {"progress": 10}, "Invalid ID"),
        (["0"], {"progress": 10}, "Invalid ID 0"),
        ([], {"progress": 10}, "at least one ID"),
        (["1.1"], {}, "Nothing to change"),
        (["1.1"], {"note": "   "}, "cannot be empty"),
        (["1.1"], {"note": "a\x00b"}, "control characters"),
        (["1.1"], {"note": "\x1b[31mred"}, "control characters"),
        (["1.1"], {"note": "x" * 100_001}, "too long"),
        (["1.1"], {"lead_unit": "u" * 501}, "too long"),
    ],
)
def test_invalid_input_raises_and_changes_nothing(
    engine: Engine, ledger: Ledger, refs: list[str], fields: dict[str, object], message: str
) -> None:
    before = snapshot(engine)
    with pytest.raises(DomainError) as raised:
        ledger.update(refs, **fields)  # type: ignore[arg-type]
    assert message in str(raised.value)
    assert snapshot(engine) == before


def test_one_bad_id_among_many_applies_nothing(engine: Engine, ledger: Ledger) -> None:
    before = snapshot(engine)
    with pytest.raises(DomainError, match=r"No item 2\.9"):
        ledger.update(["1.1", "1.2", "2.9"], status="done")
    assert snapshot(engine) == before


def test_a_stale_version_is_a_conflict(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["2.3"], progress=10)
    before = snapshot(engine)
    with pytest.raises(DomainError, match=r"Item 2.3 was changed by officer at .*reload"):
        Ledger(engine, actor="colleague").update(["2.3"], progress=50, expected_versions={"2.3": 1})
    assert snapshot(engine) == before
    Ledger(engine, actor="colleague").update(["2.3"], progress=50, expected_versions={"2.3": 2})
    assert item_row(engine, "2.3").progress == 50


# -- notes ----------------------------------------------------------------------------------


def test_notes_on_items_and_tasks_are_recorded(engine: Engine, ledger: Ledger) -> None:
    ledger.add_note("2.3", "第一行\n第二行")
    ledger.add_note("2", "任务层面的备注")
    with Session(engine) as session:
        notes = session.exec(select(Note).order_by(col(Note.id))).all()
    assert [(n.text, n.author, n.item_id is not None) for n in notes] == [
        ("第一行\n第二行", "officer", True),
        ("任务层面的备注", "officer", False),
    ]
    assert [e.new for e in events(engine, "note")] == ["第一行\n第二行", "任务层面的备注"]
    view = load_plan(engine, slug=None, today=TODAY)
    assert view.tasks[1].items[2].notes[0].text == "第一行\n第二行"
    assert view.tasks[1].notes[0].text == "任务层面的备注"


def test_set_with_a_note_records_both_in_one_batch(engine: Engine, ledger: Ledger) -> None:
    outcome = ledger.update(["1.1"], status="done", note="已完成学习计划")
    assert {e.batch for e in events(engine) if e.action != "import"} == {outcome.batch}
    assert [c.field for c in outcome.changes] == ["status", "progress", "note"]


# -- undo -----------------------------------------------------------------------------------


def test_undo_reverts_the_last_call_and_records_it(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["1.1"], progress=30)
    second = ledger.update(["1.1", "1.2"], status="done", note="全部完成")

    outcome = ledger.undo()

    assert {(c.ref, c.field) for c in outcome.changes} == {
        ("1.1", "status"),
        ("1.1", "progress"),
        ("1.2", "status"),
        ("1.2", "progress"),
        ("1.1", "note"),
        ("1.2", "note"),
    }
    assert (item_row(engine, "1.1").status, item_row(engine, "1.1").progress) == (
        "in_progress",
        30,
    )
    assert item_row(engine, "1.2").status == "not_started"
    undo_events = events(engine, "undo")
    assert {e.reverts for e in undo_events} == {second.batch}
    assert all(e.actor == "officer" for e in undo_events)
    with Session(engine) as session:
        assert all(n.retracted for n in session.exec(select(Note)))
    # Nothing was deleted from the trail.
    assert len(events(engine, "set")) == 2 + 4


def test_undo_twice_walks_back_and_then_says_there_is_nothing(
    engine: Engine, ledger: Ledger
) -> None:
    ledger.update(["1.1"], progress=30)
    ledger.update(["1.1"], progress=60)
    ledger.undo()
    assert item_row(engine, "1.1").progress == 30
    ledger.undo()
    assert (item_row(engine, "1.1").progress, item_row(engine, "1.1").status) == (
        0,
        "not_started",
    )
    with pytest.raises(DomainError, match="officer has nothing to undo"):
        ledger.undo()


def test_undo_only_reverts_the_same_actor(engine: Engine, ledger: Ledger) -> None:
    Ledger(engine, actor="colleague").update(["2.1"], progress=50)
    with pytest.raises(DomainError, match="nothing to undo"):
        ledger.undo()
    assert item_row(engine, "2.1").progress == 50


def test_undo_refuses_to_overwrite_a_later_change(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["2.1"], progress=50)
    Ledger(engine, actor="colleague").update(["2.1"], progress=70)
    before = snapshot(engine)
    with pytest.raises(DomainError, match="changed since, by colleague"):
        ledger.undo()
    assert snapshot(engine) == before


def test_history_names_refs_and_filters_by_item(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["1.1"], progress=30)
    ledger.add_note("2", "x")
    history = load_history(engine, slug=None, ref="1.1")
    assert [(e.ref, e.field) for e in history] == [("1.1", "status"), ("1.1", "progress")]
    task_history = load_history(engine, slug=None, ref="2")
    assert [(e.ref, e.action) for e in task_history] == [("2", "note")]


def test_undo_stays_within_the_plan_in_hand(engine: Engine, ledger: Ledger) -> None:
    from lawtasks.parser import parse_report

    report = "\n\n".join(
        [
            "某县2023年法治政府建设工作要点",
            "三、2023年工作打算",
            "(一)第一项。推进甲事项。推进乙事项。",
        ]
    )
    ledger.import_plan(parse_report(report, source_name="2023.txt"), slug="plan-2023")
    Ledger(engine, actor="officer", plan="tonglu-2022").update(["1.1"], progress=20)
    Ledger(engine, actor="officer", plan="plan-2023").update(["1.1"], progress=30)

    outcome = Ledger(engine, actor="officer", plan="tonglu-2022").undo()

    assert [(c.ref, c.field) for c in outcome.changes] == [("1.1", "progress"), ("1.1", "status")]
    seeded = load_plan(engine, slug="tonglu-2022", today=TODAY)
    assert seeded.items[0].progress == 0
    view = load_plan(engine, slug="plan-2023", today=TODAY)
    assert view.items[0].progress == 30


def test_importing_over_an_existing_plan_is_refused_when_asked_for_a_new_one(
    engine: Engine, ledger: Ledger
) -> None:
    from lawtasks.parser import parse_report

    parsed = parse_report(
        "\n\n".join(["某县工作要点", "三、2023年工作打算", "(一)第一项。推进甲事项。"]),
        source_name="x.txt",
    )
    before = snapshot(engine)
    with pytest.raises(DomainError, match="Plan tonglu-2022 exists already"):
        ledger.import_plan(parsed, slug="tonglu-2022", new=True)
    assert snapshot(engine) == before
