"""Milestones (每季度的形象进度, issue 17): 序时进度 follows them where an item has them; they
are set and removed by the service with their events, replayed by verify, reverted by undo,
rebuilt as of a past day, and shown by show, list and the JSON, on both engines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from lawtasks.audit import milestone_value, parse_milestone_value, verify
from lawtasks.cli import app
from lawtasks.domain import Status, Warning, expected_progress, warning_for
from lawtasks.errors import DomainError
from lawtasks.fastread import Reader
from lawtasks.history import load_plan_as_of
from lawtasks.readmodel import load_plan
from lawtasks.services import Ledger

from .test_access import with_units
from .test_history import Clocked, clocked, local  # noqa: F401  (clocked: a fixture)
from .test_pg_attacks import (  # noqa: F401  (fixtures, used by name)
    OFFICER,
    OTHER,
    Ledger13,
    _as,
    fzb,
    ledger,
    template,
    zhang,
)

START = date(2022, 1, 1)
DUE = date(2022, 12, 31)
# A plan's quarterly milestones: 20 % by the end of March, 60 % by the end of September.
QUARTERS = [(date(2022, 3, 31), 20), (date(2022, 9, 30), 60)]

# -- the rule (pure) ---------------------------------------------------------------------------


def test_without_milestones_the_expected_progress_is_the_share_of_time_gone_by() -> None:
    assert expected_progress(start=START, due=DUE, today=START) == 0
    assert expected_progress(start=START, due=DUE, today=DUE) == 100
    middle = expected_progress(start=START, due=DUE, today=date(2022, 7, 2))
    assert middle == pytest.approx(182 / 364 * 100)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2022, 3, 31), 20.0),  # on a milestone: its figure
        (date(2022, 2, 14), 20 * 44 / 89),  # between the start (0 %) and the first
        (date(2022, 9, 30), 60.0),
        (date(2022, 6, 30), 20 + 40 * 91 / 183),  # between the two milestones
        (date(2022, 11, 15), 60 + 40 * 46 / 92),  # between the last and the due date (100 %)
        (date(2021, 12, 1), 0.0),  # before the start
        (date(2023, 1, 5), 100.0),  # after the due date
    ],
)
def test_the_expected_progress_is_interpolated_between_the_milestones(
    today: date, expected: float
) -> None:
    got = expected_progress(start=START, due=DUE, today=today, milestones=QUARTERS)
    assert got == pytest.approx(expected)


def test_text_milestones_and_those_outside_the_items_time_do_not_move_the_line() -> None:
    marks = [(date(2022, 6, 30), None), (date(2021, 6, 30), 50), (date(2023, 3, 31), 10)]
    for day in (date(2022, 3, 1), date(2022, 8, 1)):
        assert expected_progress(start=START, due=DUE, today=day, milestones=marks) == (
            expected_progress(start=START, due=DUE, today=day)
        )


def _colour(progress: int, today: date, milestones: list[tuple[date, int | None]]) -> Warning:
    status = Status.NOT_STARTED if progress == 0 else Status.IN_PROGRESS
    return warning_for(status=status, progress=progress, due=DUE, start=START, today=today,
                       tolerance=10, milestones=milestones)  # fmt: skip


def test_behind_the_milestones_is_yellow_where_linear_time_is_green() -> None:
    early: list[tuple[date, int | None]] = [(date(2022, 3, 31), 50), (date(2022, 6, 30), 90)]
    day = date(2022, 5, 1)
    # Linear time asks for 33 % on 1 May; the milestones ask for 50 % + 40 * 31/91 = 63.6 %.
    assert _colour(45, day, []) is Warning.GREEN
    assert _colour(45, day, early) is Warning.YELLOW
    # Slower milestones keep an item green that linear time would make yellow: on
    # 1 September linear time asks for 66.6 %, the milestones for 20 + 40 * 154/183 = 53.7 %.
    assert _colour(50, date(2022, 9, 1), []) is Warning.YELLOW
    assert _colour(50, date(2022, 9, 1), list(QUARTERS)) is Warning.GREEN


def test_a_missed_milestone_is_yellow_whatever_the_tolerance() -> None:
    # 1 April: 19 % is within the tolerance of the line, but the 31 March milestone said 20.
    assert _colour(19, date(2022, 3, 31), list(QUARTERS)) is Warning.GREEN  # not yet passed
    assert _colour(19, date(2022, 4, 1), list(QUARTERS)) is Warning.YELLOW
    assert _colour(20, date(2022, 4, 1), list(QUARTERS)) is Warning.GREEN
    # A text milestone has no figure to miss.
    assert _colour(5, date(2022, 2, 1), [(date(2022, 1, 20), None)]) is Warning.GREEN
    # Red stays overdue, and done stays green.
    assert _colour(50, date(2023, 1, 1), list(QUARTERS)) is Warning.RED
    done = warning_for(status=Status.DONE, progress=100, due=DUE, start=START,
                       today=date(2022, 10, 1), milestones=QUARTERS)  # fmt: skip
    assert done is Warning.GREEN


@pytest.mark.parametrize(
    ("due", "progress", "words", "written"),
    [
        (date(2022, 9, 30), 60, None, "2022-09-30 60%"),
        (date(2022, 6, 30), None, "完成方案", "2022-06-30 完成方案"),
        (date(2022, 6, 30), 40, "完成 50% 的调研", "2022-06-30 40% 完成 50% 的调研"),
    ],
)
def test_a_milestone_is_written_in_the_trail_and_read_back(
    due: date, progress: int | None, words: str | None, written: str
) -> None:
    assert milestone_value(due, progress, words) == written
    assert parse_milestone_value(written) == (due, progress, words)


# -- the service -------------------------------------------------------------------------------


def _item(view: object, ref: str) -> object:
    return next(item for task in view.tasks for item in task.items if item.id == ref)  # type: ignore[attr-defined]


def _marks(engine: Engine, ref: str, today: date = date(2022, 5, 1)) -> list[str]:
    item = _item(load_plan(engine, slug=None, today=today), ref)
    return [milestone.label for milestone in item.milestones]  # type: ignore[attr-defined]


def test_milestones_set_the_warning_in_both_readers(engine: Engine) -> None:
    office = Ledger(engine, actor="office")
    office.update(["2.1"], progress=40)
    day = date(2022, 5, 1)
    assert _item(load_plan(engine, slug=None, today=day), "2.1").warning is Warning.GREEN  # type: ignore[attr-defined]
    office.add_milestone("2.1", "第一季度", progress=50)
    office.add_milestone("2.1", "6月底前", text="完成方案")
    view = load_plan(engine, slug=None, today=day)
    item = _item(view, "2.1")
    assert item.warning is Warning.YELLOW  # type: ignore[attr-defined]
    assert item.as_dict()["milestones"] == [  # type: ignore[attr-defined]
        {"due": "2022-03-31", "progress": 50, "text": None},
        {"due": "2022-06-30", "progress": None, "text": "完成方案"},
    ]
    assert item.as_dict()["next_milestone"] == {  # type: ignore[attr-defined]
        "due": "2022-06-30",
        "progress": None,
        "text": "完成方案",
    }
    if engine.dialect.name == "sqlite":
        reader = Reader.open(str(engine.url))
        assert reader is not None
        lean = reader.load_plan(slug=None, today=day)
        assert lean is not None
        assert lean.tasks == view.tasks
    # Other items are as they were.
    assert _marks(engine, "2.2") == []


def test_a_task_id_sets_the_milestone_on_each_of_its_items_and_the_same_day_is_replaced(
    engine: Engine,
) -> None:
    office = Ledger(engine, actor="office")
    outcome = office.add_milestone("2", "9月底", progress=60)
    refs = sorted({change.ref for change in outcome.changes})
    assert refs == ["2.1", "2.2", "2.3"]
    office.add_milestone("2.1", "2022-09-30", progress=70, text="完成方案")
    assert _marks(engine, "2.1") == ["2022-09-30 70% 完成方案"]
    assert _marks(engine, "2.2") == ["2022-09-30 60%"]
    # The same milestone again changes nothing.
    assert office.add_milestone("2.1", "第三季度", progress=70, text="完成方案").batch is None
    assert verify(engine).intact


def test_remove_by_date_or_number_and_the_refusals(engine: Engine) -> None:
    office = Ledger(engine, actor="office")
    office.add_milestone("2.1", "3月底", progress=20)
    office.add_milestone("2.1", "6月底", progress=40)
    office.add_milestone("2.1", "9月底", progress=60)
    office.remove_milestone("2.1", "2")
    assert _marks(engine, "2.1") == ["2022-03-31 20%", "2022-09-30 60%"]
    office.remove_milestone("2.1", "第三季度")
    assert _marks(engine, "2.1") == ["2022-03-31 20%"]
    with pytest.raises(DomainError, match=r"2\.1"):
        office.remove_milestone("2.1", "5")
    with pytest.raises(DomainError, match="--progress"):
        office.add_milestone("2.1", "6月底")
    with pytest.raises(DomainError, match="2022-02-30"):
        office.add_milestone("2.1", "2022-02-30", progress=10)
    with pytest.raises(DomainError, match="101"):
        office.add_milestone("2.1", "6月底", progress=101)
    office.update(["2.2"], due="6月底")
    with pytest.raises(DomainError, match="2022-06-30"):
        office.add_milestone("2.2", "9月底", progress=60)
    assert verify(engine).intact


def test_undo_reverts_an_add_a_replacement_and_a_remove(engine: Engine) -> None:
    office = Ledger(engine, actor="office")
    office.add_milestone("2.1", "6月底", progress=40)
    office.add_milestone("2.1", "6月底", progress=50)  # replaces it
    office.undo()
    assert _marks(engine, "2.1") == ["2022-06-30 40%"]
    office.remove_milestone("2.1", "1")
    assert _marks(engine, "2.1") == []
    office.undo()
    assert _marks(engine, "2.1") == ["2022-06-30 40%"]
    office.undo()
    assert _marks(engine, "2.1") == []
    assert verify(engine).intact


def test_verify_names_a_milestone_changed_added_or_deleted_outside(engine: Engine) -> None:
    office = Ledger(engine, actor="office")
    office.add_milestone("2.1", "6月底", progress=40)
    assert verify(engine).intact
    with engine.begin() as connection:
        connection.execute(text("UPDATE milestone SET progress = 10"))
    report = verify(engine)
    assert sorted(f.key for f in report.findings) == [
        "trail.milestone_gone",
        "trail.milestone_unlogged",
    ]
    assert any("2022-06-30 10%" in f.message() for f in report.findings)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM milestone"))
    assert [f.key for f in verify(engine).findings] == ["trail.milestone_gone"]


def test_an_officer_sets_milestones_on_their_own_units_items_only(engine: Engine) -> None:
    with_units(engine)  # alice is of 司法局, which leads 2.1; 3.1 is 县公安局's
    office = Ledger(engine, actor="office")
    alice = Ledger(engine, actor="alice")
    alice.add_milestone("2.1", "6月底", progress=40)
    with pytest.raises(DomainError, match=r"3\.1"):
        alice.add_milestone("3.1", "6月底", progress=40)
    office.add_milestone("3.1", "6月底", text="完成方案")
    with pytest.raises(DomainError, match=r"3\.1"):
        alice.remove_milestone("3.1", "6月底")
    assert _marks(engine, "3.1") == ["2022-06-30 完成方案"]
    assert verify(engine).intact


def test_the_ledger_as_of_a_past_day_holds_that_days_milestones(
    clocked: Clocked,  # noqa: F811
) -> None:
    office = clocked.ledger("office")
    days = [date(2022, 3, 2), date(2022, 3, 3), date(2022, 3, 4)]  # seeded on 1 March
    clocked.at(local(days[0], 10))
    office.add_milestone("2.1", "6月底", progress=40)
    clocked.at(local(days[1], 10))
    office.add_milestone("2.1", "9月底", text="中期检查")
    office.remove_milestone("2.1", "6月底")
    clocked.at(local(days[2], 10))
    office.undo()  # the removal back
    expected = [
        ["2022-06-30 40%"],
        ["2022-09-30 中期检查"],
        ["2022-06-30 40%", "2022-09-30 中期检查"],
    ]
    for day, marks in zip(days, expected, strict=True):
        item = _item(load_plan_as_of(clocked.engine, slug=None, day=day), "2.1")
        assert [m.label for m in item.milestones] == marks, day  # type: ignore[attr-defined]
    assert _item(load_plan_as_of(clocked.engine, slug=None, day=date(2022, 3, 1)),
                 "2.1").milestones == ()  # type: ignore[attr-defined]  # fmt: skip


# -- the command line --------------------------------------------------------------------------


def _run(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", str(db), "--user", "office", *args])
    return result.exit_code, result.output


def test_milestone_add_list_remove_and_show_from_the_command_line(db_path: Path) -> None:
    code, out = _run(db_path, "milestone", "add", "2.1", "第一季度", "--progress", "20")
    assert code == 0, out
    assert "2022-03-31 20%" in out
    code, out = _run(db_path, "milestone", "add", "2.1", "6月底前", "--text", "完成方案")
    assert code == 0, out
    code, out = _run(db_path, "--today", "2022-05-01", "milestone", "list", "2.1")
    assert code == 0, out
    assert out.splitlines() == ["    1. 2022-03-31 20%", "  → 2. 2022-06-30 完成方案"]
    code, out = _run(db_path, "--today", "2022-05-01", "show", "2.1")
    assert "Milestones" in out
    assert "→ 2. 2022-06-30 完成方案" in out
    code, out = _run(db_path, "--today", "2022-05-01", "show", "2.1", "--format", "json")
    data = json.loads(out)["item"]
    assert data["next_milestone"] == {"due": "2022-06-30", "progress": None, "text": "完成方案"}
    assert len(data["milestones"]) == 2
    code, out = _run(db_path, "milestone", "list", "2", "--format", "json")
    items = json.loads(out)["items"]
    assert [item["id"] for item in items] == ["2.1", "2.2", "2.3"]
    code, out = _run(db_path, "milestone", "remove", "2.1", "1")
    assert code == 0, out
    code, out = _run(db_path, "milestone", "add", "2.1", "6月底")
    assert code != 0
    assert "--progress" in out
    code, out = _run(db_path, "milestone", "remove", "2.1", "9月底")
    assert code != 0
    assert "milestone list 2.1" in out
    code, out = _run(db_path, "verify")
    assert code == 0, out


# -- PostgreSQL: officers' own logins ------------------------------------------------------------


@pytest.fixture
def wang(ledger: Ledger13) -> Iterator[Ledger]:  # noqa: F811
    yield from _as(ledger, OTHER)


def test_the_app_sets_and_undoes_milestones_under_an_officers_login(
    ledger: Ledger13,  # noqa: F811
    zhang: Ledger,  # noqa: F811
    wang: Ledger,
    fzb: Ledger,  # noqa: F811
) -> None:
    zhang.add_milestone("2.1", "6月底", progress=40)
    zhang.add_milestone("2.1", "6月底", progress=50, text="完成方案")  # a delete and an insert
    with pytest.raises(DomainError, match=r"2\.1"):
        wang.add_milestone("2.1", "9月底", progress=60)
    fzb.add_milestone("3.1", "9月底", text="中期检查")
    zhang.undo()
    zhang.remove_milestone("2.1", "6月底")
    zhang.undo()
    assert ledger.one("SELECT array_agg(progress ORDER BY id) FROM milestone") == [None, 40]
    assert verify(ledger.engine).intact


def test_an_officers_login_cannot_write_milestones_the_app_would_not(
    ledger: Ledger13,  # noqa: F811
    zhang: Ledger,  # noqa: F811
) -> None:
    zhang.add_milestone("2.1", "6月底", progress=40)
    ours, theirs = ledger.item_id("2.1"), ledger.item_id("3.1")
    insert = "INSERT INTO milestone (item_id, due, progress) VALUES (%s, '2022-09-30', 60)"
    # Without its event, on its own item or on another unit's.
    assert ledger.attempt(OFFICER, (insert, (ours,))) is not None
    assert ledger.attempt(OFFICER, (insert, (theirs,))) is not None
    # Removed or changed without an event.
    assert ledger.attempt(OFFICER, "DELETE FROM milestone") is not None
    assert ledger.attempt(OFFICER, "UPDATE milestone SET progress = 0") is not None
    assert ledger.one("SELECT array_agg(progress) FROM milestone") == [40]
    assert verify(ledger.engine).intact


# -- the 填报 sheet and the 台账 ---------------------------------------------------------------


def test_the_sheet_and_the_ledger_show_the_next_milestone_and_a_return_still_applies(
    db_path: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from lawtasks.exporters.sheets import FIRST_ROW, HEADER_ROW

    assert _run(db_path, "set", "2", "--unit", "县司法局")[0] == 0
    assert _run(db_path, "milestone", "add", "2.1", "第一季度", "--progress", "20")[0] == 0
    assert _run(db_path, "milestone", "add", "2.1", "9月底", "--progress", "60")[0] == 0
    assert _run(db_path, "milestone", "add", "2.2", "6月底前", "--text", "完成方案")[0] == 0
    out = tmp_path / "sheets"
    code, text_out = _run(db_path, "--today", "2022-05-01", "sheets", "-o", str(out))
    assert code == 0, text_out
    (path,) = out.glob("*.xlsx")
    workbook = load_workbook(path)
    ws = workbook["Return"]
    assert ws.cell(HEADER_ROW, 11).value == "Next milestone"
    rows = {ws.cell(row, 1).value: row for row in range(FIRST_ROW, ws.max_row + 1)}
    assert ws.cell(rows["2.1"], 11).value == "2022-09-30 60%"
    assert ws.cell(rows["2.2"], 11).value == "2022-06-30 完成方案"
    assert ws.cell(rows["2.3"], 11).value is None
    assert ws.cell(rows["2.1"], 11).protection.locked
    # A unit's return is read as before, the milestone column left aside.
    ws.cell(rows["2.1"], 7).value = 70
    ws.cell(rows["2.1"], 6).value = "进行中"
    ws.cell(rows["2.1"], 11).value = "typed over"
    workbook.save(tmp_path / "back.xlsx")
    code, text_out = _run(db_path, "apply", str(tmp_path / "back.xlsx"))
    assert code == 0, text_out
    data = json.loads(_run(db_path, "show", "2.1", "-f", "json")[1])["item"]
    assert data["progress"] == 70
    assert len(data["milestones"]) == 2
    # The 台账: the next milestone in its column (佐证材料 comes after it).
    ledger_file = tmp_path / "台账.xlsx"
    code, text_out = _run(db_path, "--today", "2022-05-01", "export", "-f", "xlsx", "-o",
                          str(ledger_file))  # fmt: skip
    assert code == 0, text_out
    sheet = load_workbook(ledger_file).worksheets[0]
    header = [cell.value for cell in sheet[3]]
    column = header.index("Next milestone")
    assert header[column + 1 :] == ["Evidence"]
    shown = {row[0].value: row[column].value for row in sheet.iter_rows(min_row=4)}
    assert shown["2.1"] == "2022-09-30 60%"
    assert shown["2.2"] == "2022-06-30 完成方案"
