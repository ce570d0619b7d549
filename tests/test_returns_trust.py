"""Returns are tied to their plan, their unit and the versions their values are based on.

Each test is an attack from issue 13 (a careless unit, a hostile one, Excel's own habits)
that landed a value on the wrong item, overwrote a later change, or left an apply nobody
could undo. Each asserts the ledger after the attempt, not only the exit code.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from lawtasks import returns
from lawtasks.cli import app

from .conftest import TODAY
from .test_returns import fill

SHEET = "tonglu-2022-Return-{unit}.xlsx"
REPORTS = Path(__file__).parent / "fixtures" / "reports"


def cli(db: Path, *args: str, user: str | None = None) -> tuple[int, str, str]:
    who = ["--user", user] if user else []
    result = CliRunner().invoke(app, ["--db", str(db), "--today", TODAY.isoformat(), *who, *args])
    return result.exit_code, result.stdout, result.stderr


def ok(db: Path, *args: str, user: str | None = None) -> str:
    code, out, err = cli(db, *args, user=user)
    assert code == 0, err
    return out


def dump(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return [
            *connection.execute("SELECT id, status, progress, lead_unit, version FROM item"),
            *connection.execute("SELECT id, text, author, retracted FROM note"),
            *connection.execute("SELECT count(*) FROM event"),
        ]


def item(db: Path, ref: str) -> dict[str, object]:
    return json.loads(ok(db, "show", ref, "--format", "json"))["item"]  # type: ignore[no-any-return]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    db = tmp_path / "ledger.db"
    ok(db, "set", "1", "--unit", "县委办")
    ok(db, "set", "2", "3", "--unit", "县司法局")
    return db


def make_sheets(db: Path, out: Path, user: str | None = None) -> Path:
    out.mkdir(exist_ok=True)
    ok(db, "sheets", "-o", str(out), user=user)
    return out


def row_of(sheet: Path, ref: str) -> int:
    ws = load_workbook(sheet)["Return"]
    return next(cell.row for cell in ws["A"] if cell.value == ref)


# -- 2. a return without a version stamp ----------------------------------------------------


def test_a_sheet_copied_into_a_new_workbook_does_not_overwrite_a_later_change(
    db: Path, tmp_path: Path
) -> None:
    sheet = make_sheets(db, tmp_path / "out") / SHEET.format(unit="县司法局")
    ok(db, "set", "2.2", "--progress", "80", user="office")
    # The unit copies its rows into a new workbook: the hidden stamp stays behind.
    copied = Workbook()
    ws = copied.active
    assert ws is not None
    for row in load_workbook(sheet)["Return"].iter_rows(values_only=True):
        ws.append(list(row))
    ws.title = "Return"
    ws.cell(row=row_of(sheet, "2.2"), column=6, value="进行中")
    ws.cell(row=row_of(sheet, "2.2"), column=7, value=20)
    copied.save(tmp_path / "copied.xlsx")
    before = dump(db)

    code, _, err = cli(db, "apply", str(tmp_path / "copied.xlsx"))

    assert code == 1
    assert "Conflict on 2.2" in err
    assert "no version stamp" in err
    assert "progress: ledger 80, return 20" in err
    assert dump(db) == before
    ok(db, "apply", str(tmp_path / "copied.xlsx"), "--force", "2.2")
    assert item(db, "2.2")["progress"] == 20


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_a_script_return_without_version_is_a_conflict(db: Path, tmp_path: Path, kind: str) -> None:
    ok(db, "set", "1.2", "--progress", "80", user="office")
    path = tmp_path / f"late.{kind}"
    if kind == "csv":
        path.write_text("id,progress\n1.2,20\n", encoding="utf-8")
    else:
        path.write_text(json.dumps({"id": "1.2", "progress": 20}) + "\n", encoding="utf-8")
    before = dump(db)

    code, _, err = cli(db, "apply", str(path))

    assert code == 1
    assert "Conflict on 1.2" in err
    assert dump(db) == before
    assert item(db, "1.2")["progress"] == 80
    # A script that owns the values it sends says so once.
    ok(db, "apply", str(path), "--force", "all")
    assert item(db, "1.2")["progress"] == 20


# -- 3. the wrong item, the wrong value, the wrong plan ------------------------------------


def test_a_numeric_id_cell_is_refused_not_read_as_another_item(db: Path, tmp_path: Path) -> None:
    sheet = make_sheets(db, tmp_path / "out") / SHEET.format(unit="县委办")
    row = row_of(sheet, "1.1")
    # Excel's reading of a typed 1.10 is the number 1.1.
    bad = fill(sheet, tmp_path / "numeric.xlsx", {f"A{row}": 1.1, f"G{row}": 50})
    before = dump(db)

    code, _, err = cli(db, "apply", str(bad))

    assert code == 1
    assert f"row {row}, column A: ID 1.1 is a number, not text" in err
    assert dump(db) == before


def test_a_numeric_id_in_json_is_refused(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    # json.loads reads 1.10 as 1.1: the number cannot name 1.10.
    path.write_text('{"id": 1.10, "progress": 50, "version": 2}\n', encoding="utf-8")
    before = dump(db)

    code, _, err = cli(db, "apply", str(path))

    assert code == 1
    assert "column id: ID 1.1 is a number, not text" in err
    assert dump(db) == before


@pytest.mark.parametrize(("typed", "stored"), [(1, 100), (0.8, 80), (0.05, 5)])
def test_a_percentage_formatted_progress_is_read_as_a_percentage(
    db: Path, tmp_path: Path, typed: float, stored: int
) -> None:
    sheet = make_sheets(db, tmp_path / "out") / SHEET.format(unit="县委办")
    row = row_of(sheet, "1.2")
    workbook = load_workbook(sheet)
    cell = workbook["Return"][f"G{row}"]
    # What Excel stores when an officer types 100% (or 80%, 5%) into the cell.
    cell.value = typed
    cell.number_format = "0%"
    workbook.save(tmp_path / "percent.xlsx")

    ok(db, "apply", str(tmp_path / "percent.xlsx"))

    assert item(db, "1.2")["progress"] == stored


def test_a_script_return_must_name_its_plan_once_there_are_two(db: Path, tmp_path: Path) -> None:
    ok(db, "import", str(REPORTS / "plan-2023-points.txt"), "--slug", "tonglu-2023")
    ok(db, "plans", "use", "tonglu-2023")  # an import never changes the plan in use
    path = tmp_path / "late.csv"
    path.write_text("id,progress,version\n2.1,30,2\n", encoding="utf-8")
    before = dump(db)

    code, _, err = cli(db, "apply", str(path))

    assert code == 1
    assert "late.csv names no plan" in err
    assert "tonglu-2022, tonglu-2023" in err
    assert dump(db) == before

    # Named by a column, the late 2022 return lands on the 2022 plan.
    path.write_text("plan,id,progress,version\ntonglu-2022,2.1,30,2\n", encoding="utf-8")
    ok(db, "apply", str(path), "--plan", "tonglu-2022")
    assert item(db, "2.1")["progress"] == 0  # `show` reads the plan in use, 2023
    shown = json.loads(ok(db, "--plan", "tonglu-2022", "show", "2.1", "--format", "json"))
    assert shown["item"]["progress"] == 30
    # A plan column naming another plan than the one applied to is refused.
    path.write_text("plan,id,progress,version\ntonglu-2022,2.1,40,3\n", encoding="utf-8")
    code, _, err = cli(db, "apply", str(path), "--plan", "tonglu-2023")
    assert code == 1
    assert "tonglu-2022" in err


# -- 4. a unit's sheet changing another unit's items ---------------------------------------


def test_an_edited_stamp_unit_is_refused(db: Path, tmp_path: Path) -> None:
    sheet = make_sheets(db, tmp_path / "out") / SHEET.format(unit="县委办")
    workbook = load_workbook(sheet)
    stamp = workbook["_lawtasks"]
    for row in stamp.iter_rows():
        if row[0].value == "unit":
            row[1].value = "县司法局"
    ws = workbook["Return"]
    ws.append(["2.1", None, None, None, None, "进行中", 90])
    workbook.save(tmp_path / "forged.xlsx")
    before = dump(db)

    code, _, err = cli(db, "apply", str(tmp_path / "forged.xlsx"))

    assert code == 1
    assert "does not match the record of the sheet sent to 县委办" in err
    assert dump(db) == before


def test_a_row_added_for_another_units_item_needs_a_coordinators_force(
    db: Path, tmp_path: Path
) -> None:
    ok(db, "users", "add", "office", "--unit", "县法治办", "--coordinator", user="office")
    ok(db, "users", "add", "wang", "--unit", "县委办", user="office")
    sheet = make_sheets(db, tmp_path / "out", user="office") / SHEET.format(unit="县委办")
    workbook = load_workbook(sheet)
    workbook["Return"].append(["2.1", None, None, None, None, "进行中", 90])
    workbook.save(tmp_path / "added.xlsx")
    before = dump(db)

    code, _, err = cli(db, "apply", str(tmp_path / "added.xlsx"), user="office")
    assert code == 1
    assert "Conflict on 2.1" in err
    assert "sheet sent to 县委办" in err
    assert "led by 县司法局" in err
    assert dump(db) == before

    # The unit's own officer cannot force it onto another unit's item.
    code, _, err = cli(db, "apply", str(tmp_path / "added.xlsx"), "--force", "2.1", user="wang")
    assert code == 1
    assert dump(db) == before

    ok(db, "apply", str(tmp_path / "added.xlsx"), "--force", "2.1", user="office")
    assert item(db, "2.1")["progress"] == 90


def test_a_stamp_naming_a_sheet_never_sent_is_refused(db: Path, tmp_path: Path) -> None:
    sheet = make_sheets(db, tmp_path / "out") / SHEET.format(unit="县委办")
    workbook = load_workbook(sheet)
    for row in workbook["_lawtasks"].iter_rows():
        if row[0].value == "sheet":
            row[1].value = "0" * 32
    workbook.save(tmp_path / "other.xlsx")
    before = dump(db)

    code, _, err = cli(db, "apply", str(tmp_path / "other.xlsx"))

    assert code == 1
    assert "names a sheet this ledger never sent" in err
    assert dump(db) == before


# -- 5. undo after apply --------------------------------------------------------------------


def test_the_appliers_undo_reverts_the_apply_not_their_earlier_change(
    db: Path, tmp_path: Path
) -> None:
    ok(db, "set", "5.1", "--progress", "40", user="li")  # li's own, unrelated change
    sheet = make_sheets(db, tmp_path / "out") / SHEET.format(unit="县司法局")
    row = row_of(sheet, "2.2")
    filled = fill(sheet, tmp_path / "r.xlsx", {f"G{row}": 70, f"H{row}": "已部署"})
    ok(db, "apply", str(filled), user="li")
    assert item(db, "2.2")["progress"] == 70

    out = ok(db, "undo", user="li")

    assert "2.2" in out
    reverted = item(db, "2.2")
    assert reverted["progress"] == 0
    assert reverted["notes"] == []  # the return's note is retracted with it
    assert item(db, "5.1")["progress"] == 40  # li's earlier change stands
    # Every event of the apply names li and the unit.
    log = json.loads(ok(db, "log", "2.2", "--format", "json"))
    applied = [event for event in log["events"] if event["for_unit"]]
    assert applied
    assert {(event["actor"], event["for_unit"]) for event in applied} == {("li", "县司法局")}


# -- 6. the only coordinator ------------------------------------------------------------------


def test_the_only_coordinator_cannot_demote_themselves(db: Path) -> None:
    ok(db, "users", "add", "fzb", "--unit", "县司法局", "--coordinator", user="fzb")
    before = dump(db)

    code, _, err = cli(db, "users", "add", "fzb", "--unit", "县司法局", user="fzb")

    assert code == 1
    assert "fzb is the last coordinator" in err
    assert dump(db) == before
    users = json.loads(ok(db, "users", "list", "--format", "json"))
    assert [u["coordinator"] for u in users["users"]] == [True]


# -- 14. duplicate rows, and the same terse report in two rounds -----------------------------


def test_two_rows_for_one_item_are_named_as_such(db: Path, tmp_path: Path) -> None:
    sheet = make_sheets(db, tmp_path / "out") / SHEET.format(unit="县司法局")
    row = row_of(sheet, "2.3")
    workbook = load_workbook(sheet)
    ws = workbook["Return"]
    ws[f"G{row}"] = 30
    ws.append(["2.3", None, None, None, None, None, 60])
    workbook.save(tmp_path / "twice.xlsx")
    before = dump(db)

    code, _, err = cli(db, "apply", str(tmp_path / "twice.xlsx"))

    assert code == 1
    assert f"Item 2.3 is already reported in twice.xlsx, row {row}" in err
    assert "Conflict" not in err
    assert "tester" not in err
    assert dump(db) == before


def test_the_same_terse_report_two_rounds_running_is_two_reports(db: Path, tmp_path: Path) -> None:
    for month in ("june", "july"):
        sheet = make_sheets(db, tmp_path / month) / SHEET.format(unit="县委办")
        row = row_of(sheet, "1.1")
        filled = fill(sheet, tmp_path / f"{month}.xlsx", {f"H{row}": "按计划推进"})
        ok(db, "apply", str(filled))
        # The same file again adds nothing.
        again = dump(db)
        assert "Nothing to apply" in ok(db, "apply", str(filled))
        assert dump(db) == again

    assert [note["text"] for note in item(db, "1.1")["notes"]] == [  # type: ignore[union-attr]
        "Done so far: 按计划推进",
        "Done so far: 按计划推进",
    ]


# -- 12. a return far over Excel's size --------------------------------------------------------


def test_a_return_past_the_row_limit_is_refused_at_the_limit(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1,048,576 rows take minutes to write; the rule is the same at 50.
    monkeypatch.setattr(returns, "MAX_SHEET_ROWS", 50)
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.append(["ID"])
    for _ in range(60):
        ws.append(["1.1", None, None, None, None, None, 10])
    workbook.save(tmp_path / "huge.xlsx")
    before = dump(db)

    code, _, err = cli(db, "apply", str(tmp_path / "huge.xlsx"))

    assert code == 1
    assert "more than 50 rows" in err
    assert dump(db) == before


def test_bad_cells_are_named_up_to_a_limit(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "id,progress,version\n" + "".join(f"1.1,x{n},2\n" for n in range(500)), encoding="utf-8"
    )

    code, _, err = cli(db, "apply", str(path))

    assert code == 1
    lines = err.strip().splitlines()
    assert sum("Invalid progress" in line for line in lines) == returns.MAX_ERRORS
    assert "More than 100 errors" in err


# -- the actor's name ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["li\u200b", "li\u202e", "li\x1b[31m"])
def test_the_acting_users_name_is_held_to_a_users_rules(db: Path, name: str) -> None:
    before = dump(db)

    code, _, err = cli(db, "set", "1.1", "--progress", "10", user=name)

    assert code == 1
    assert "U+" in err or "control" in err.lower()
    assert dump(db) == before


def test_an_exported_ledger_csv_names_its_plan_by_title(db: Path, tmp_path: Path) -> None:
    ok(db, "set", "2.1", "--progress", "30")
    exported = tmp_path / "ledger.csv"
    ok(db, "export", "-f", "csv", "-o", str(exported))
    # The 台账's own rows, applied back: the ledger holds them already.
    assert "Nothing to apply" in ok(db, "apply", str(exported))

    ok(db, "import", str(REPORTS / "plan-2023-points.txt"), "--slug", "tonglu-2023")
    ok(db, "plans", "use", "tonglu-2023")  # an import never changes the plan in use
    before = dump(db)
    code, _, err = cli(db, "apply", str(exported))
    # Its title is the 2022 plan's, and the plan in use is 2023's: the advice names 2022.
    assert code == 1
    assert "use --plan tonglu-2022" in err
    assert dump(db) == before


def test_the_log_as_csv_names_the_unit_of_an_applied_return(db: Path, tmp_path: Path) -> None:
    sheet = make_sheets(db, tmp_path / "out") / SHEET.format(unit="县司法局")
    row = row_of(sheet, "2.2")
    ok(db, "apply", str(fill(sheet, tmp_path / "r.xlsx", {f"G{row}": 40})), user="li")

    lines = ok(db, "log", "2.2", "--format", "csv").splitlines()

    header = lines[0].split(",")
    assert "for_unit" in header
    rows = [line.split(",") for line in lines[1:]]
    applied = [cells for cells in rows if cells[header.index("for_unit")] == "县司法局"]
    assert applied
    assert all(cells[header.index("actor")] == "li" for cells in applied)
