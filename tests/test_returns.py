"""The 填报 round trip: sheets out to the lead units, their returns checked and applied."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from lawtasks.cli import app
from lawtasks.db import make_engine
from lawtasks.exporters.sheets import FIRST_ROW
from lawtasks.readmodel import load_history, load_plan

from .conftest import OFFICER_DATES, TODAY

SHEET = "tonglu-2022-Return-{unit}.xlsx"


def cli(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", str(db), "--today", TODAY.isoformat(), *args])
    return result.exit_code, result.stdout, result.stderr


def dump(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return [
            *connection.execute("SELECT id, status, progress, lead_unit, version FROM item"),
            *connection.execute("SELECT id, text, author FROM note"),
            *connection.execute("SELECT count(*) FROM event"),
        ]


def item(db: Path, ref: str) -> dict[str, object]:
    code, out, err = cli(db, "show", ref, "--format", "json")
    assert code == 0, err
    return json.loads(out)["item"]  # type: ignore[no-any-return]


@pytest.fixture
def ledger_with_units(tmp_path: Path) -> Path:
    db = tmp_path / "ledger.db"
    assert cli(db, "set", "1", "--unit", "县委办")[0] == 0
    assert cli(db, "set", "2", "3", "--unit", "县司法局")[0] == 0
    assert cli(db, "set", "4.1", "--unit", "县审计局")[0] == 0
    return db


@pytest.fixture
def sheets(ledger_with_units: Path, tmp_path: Path) -> Path:
    out = tmp_path / "sheets"
    out.mkdir()
    code, _, stderr = cli(ledger_with_units, "sheets", "-o", str(out))
    assert code == 0, stderr
    return out


def test_one_sheet_per_unit_and_the_unassigned_items_named(
    ledger_with_units: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    code, _, stderr = cli(ledger_with_units, "sheets", "-o", str(out))
    assert code == 0
    names = sorted(path.name for path in out.iterdir())
    assert names == sorted(SHEET.format(unit=u) for u in ("县委办", "县司法局", "县审计局"))
    assert "4.2, 4.3, 4.4, 5.1, 5.2, 5.3, 6.1, 6.2, 6.3, 6.4" in stderr
    workbook = load_workbook(out / SHEET.format(unit="县司法局"))
    ws = workbook["Return"]
    ids = [row[0].value for row in ws.iter_rows(min_row=FIRST_ROW)]
    assert ids == ["2.1", "2.2", "2.3", "3.1", "3.2"]
    assert ws.protection.sheet
    # read-only: ID, task, item, due, target; open: status, progress and the three parts
    assert all(ws.cell(row=FIRST_ROW, column=c).protection.locked for c in range(1, 6))
    assert not any(ws.cell(row=FIRST_ROW, column=c).protection.locked for c in range(6, 11))
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    statuses, progress = f"F{FIRST_ROW}:F{FIRST_ROW + 4}", f"G{FIRST_ROW}:G{FIRST_ROW + 4}"
    assert rules[statuses].type == "list"
    assert (rules[progress].type, rules[progress].formula1, rules[progress].formula2) == (
        "whole",
        "0",
        "100",
    )
    stamp = workbook["_lawtasks"]
    assert stamp.sheet_state == "hidden"
    assert list(stamp.iter_rows(values_only=True))[:2] == [
        ("plan", "tonglu-2022", None, None),
        ("unit", "县司法局", None, None),
    ]
    code, _, _ = cli(ledger_with_units, "sheets", "--unit", "县审计局", "-o", str(tmp_path))
    assert (tmp_path / SHEET.format(unit="县审计局")).exists()
    assert not (tmp_path / SHEET.format(unit="县委办")).exists()


def test_a_unit_is_matched_whole_and_a_unit_that_leads_nothing_is_named(
    ledger_with_units: Path, tmp_path: Path
) -> None:
    assert cli(ledger_with_units, "set", "5.1", "--unit", "县司法局法律援助中心")[0] == 0
    out = tmp_path / "out"
    out.mkdir()
    code, _, err = cli(ledger_with_units, "sheets", "--unit", "县司法局", "-o", str(out))
    assert code == 0, err
    (sheet,) = out.iterdir()
    ids = [row[0].value for row in load_workbook(sheet)["Return"].iter_rows(min_row=FIRST_ROW)]
    assert ids == ["2.1", "2.2", "2.3", "3.1", "3.2"]  # not the legal-aid centre's 5.1
    # Full-width letters and stray spaces do not make another unit.
    code, _, err = cli(ledger_with_units, "sheets", "--unit", " 县审计局 ", "-o", str(out))
    assert code == 0, err
    code, _, err = cli(ledger_with_units, "sheets", "--unit", "审计", "-o", str(out))
    assert code == 1
    assert (
        "No lead unit 审计: the lead units are 县司法局, 县司法局法律援助中心, 县委办, 县审计局"
        in err
    )


def at(ref: str) -> str:
    """A cell of the sheet's table, `ref` counted as if the header were row 1 ("G3": the
    second item's progress), where it is in a sheet under its form header."""
    column, row = re.fullmatch(r"([A-Z]+)([0-9]+)", ref).groups()  # type: ignore[union-attr]
    return f"{column}{int(row) + FIRST_ROW - 2}"


def fill(path: Path, target: Path, cells: dict[str, object]) -> Path:
    """Fill a sheet the way an officer would, in Excel: type into the open cells."""
    workbook = load_workbook(path)
    ws = workbook["Return"]
    for ref, value in cells.items():
        ws[ref] = value
    workbook.save(target)
    return target


def test_the_round_trip(ledger_with_units: Path, sheets: Path, tmp_path: Path) -> None:
    db = ledger_with_units
    sheet = sheets / SHEET.format(unit="县司法局")
    typed: dict[str, object] = {
        "F2": "进行中", "G2": 60, "H2": "已完成决策目录编制", "I2": "人手不足",
        "J2": "9月底前完成合法性审查",
        "G3": 80,
        "F4": "已完成",
    }  # fmt: skip
    good_cells = {at(ref): value for ref, value in typed.items()}
    bad = fill(sheet, tmp_path / "bad.xlsx", {**good_cells, at("G3"): "八十", at("G5"): 120})
    before = dump(db)

    code, _, err = cli(db, "apply", str(bad))

    assert code == 1
    row = FIRST_ROW + 1
    assert f"bad.xlsx, sheet Return, row {row}, column G: Invalid progress 八十" in err
    assert f"bad.xlsx, sheet Return, row {row + 2}, column G: Invalid progress 120" in err
    assert "2 errors: nothing was applied" in err
    assert dump(db) == before

    good = fill(sheet, tmp_path / "good.xlsx", good_cells)
    code, out, _ = cli(db, "apply", str(good), "--dry-run")
    assert code == 0
    assert "2.1  [tester for 县司法局]" in out
    assert "progress 0 → 60" in out
    assert "dry run" in out
    assert dump(db) == before

    code, out, err = cli(db, "apply", str(good))
    assert code == 0, err
    assert "Applied 7 changes to 3 items" in out
    first = item(db, "2.1")
    # Applied by the office's officer, for the unit: the events name both.
    assert (first["status"], first["progress"], first["updated_by"]) == (
        "in_progress",
        60,
        "tester",
    )
    assert first["notes"][0]["text"] == (  # type: ignore[index]
        "Done so far: 已完成决策目录编制\nProblems: 人手不足\nNext steps: 9月底前完成合法性审查"
    )
    assert first["notes"][0]["author"] == "tester"  # type: ignore[index]
    assert (item(db, "2.2")["status"], item(db, "2.2")["progress"]) == ("in_progress", 80)
    assert (item(db, "2.3")["status"], item(db, "2.3")["progress"]) == ("done", 100)
    engine = make_engine(f"sqlite:///{db}")
    history = [e for e in load_history(engine, slug=None) if e.ref in ("2.1", "2.2", "2.3")]
    applied = {(e.actor, e.for_unit) for e in history if e.for_unit}
    assert applied == {("tester", "县司法局")}

    # The same file again: nothing changes, and it says so.
    after = dump(db)
    code, out, _ = cli(db, "apply", str(good))
    assert code == 0
    assert "Nothing to apply" in out
    assert dump(db) == after

    # The ledger moves after the sheet was made: a conflict, shown with both values.
    assert cli(db, "--user", "coordinator", "set", "3.1", "--progress", "10")[0] == 0
    late = fill(sheet, tmp_path / "late.xlsx", {**good_cells, at("G5"): 50})
    before_conflict = dump(db)
    code, _, err = cli(db, "apply", str(late))
    assert code == 1
    assert "Conflict on 3.1" in err
    assert "by coordinator" in err
    assert "progress: ledger 10, return 50" in err
    assert dump(db) == before_conflict
    code, out, err = cli(db, "apply", str(late), "--force", "3.1")
    assert code == 0, err
    assert item(db, "3.1")["progress"] == 50

    # The 台账 shows the structured report's parts in their own columns.
    export = tmp_path / "ledger.xlsx"
    assert cli(db, "export", "--format", "xlsx", "-o", str(export))[0] == 0
    ws = load_workbook(export).worksheets[0]
    # Under the 台账's title block, its header is row 3.
    headers = [cell.value for cell in ws[3]]
    row = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == "2.1")
    assert row[headers.index("Problems")] == "人手不足"
    assert row[headers.index("Next steps")] == "9月底前完成合法性审查"


def test_script_returns_in_csv_and_json_lines(ledger_with_units: Path, tmp_path: Path) -> None:
    db = ledger_with_units
    rows = tmp_path / "returns.csv"
    rows.write_text(
        "id,status,progress,done_so_far,problems,next_steps,unit,due,version\n"
        "5.1,,30,已召开推进会,,,县信访局,第三季度,1\n"
        "6.2,blocked,,,经费未到位,,,,1\n",
        encoding="utf-8-sig",
    )
    code, _, err = cli(db, "--user", "script", "apply", str(rows))
    assert code == 0, err
    first = item(db, "5.1")
    assert (first["progress"], first["lead_unit"], first["due"]) == (30, "县信访局", "2022-09-30")
    assert item(db, "6.2")["status"] == "blocked"
    assert item(db, "6.2")["notes"][0]["text"] == "Problems: 经费未到位"  # type: ignore[index]

    lines = tmp_path / "returns.jsonl"
    lines.write_text(
        json.dumps({"id": "6.3", "progress": 45, "version": 1}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "9.9", "progress": 10}) + "\n"
        + json.dumps({"id": "6.4", "status": "finished", "due": "2022-02-30"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    before = dump(db)
    code, _, err = cli(db, "apply", str(lines))
    assert code == 1
    assert "returns.jsonl, sheet JSON, row 2, column id: Plan tonglu-2022 has no item 9.9" in err
    assert "row 3, column status: Invalid status finished" in err
    assert "row 3, column due: 2022-02-30 does not exist: 2/2022 has 28 days." in err
    assert dump(db) == before


def test_a_return_reads_deadlines_as_officers_write_them(
    ledger_with_units: Path, tmp_path: Path
) -> None:
    db = ledger_with_units
    refs = ["4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1", "6.2", "6.3", "6.4", "1.1", "1.2"]
    refs += ["2.1", "2.2"]
    forms = dict(zip(refs, OFFICER_DATES, strict=True))
    rows = tmp_path / "returns.csv"
    rows.write_text(
        "id,due,version\n" + "".join(f"{ref},{written},1\n" for ref, (written, _) in forms.items()),
        encoding="utf-8-sig",
    )
    code, _, err = cli(db, "--user", "script", "apply", "--force", "all", str(rows))
    assert code == 0, err
    assert {ref: item(db, ref)["due"] for ref in forms} == {
        ref: meant for ref, (_, meant) in forms.items()
    }


def test_reminders_per_unit(ledger_with_units: Path) -> None:
    db = ledger_with_units
    cli(db, "set", "2.1", "--due", "2022-05-01")  # red on 1 June
    cli(db, "set", "1.2", "--due", "2022-06-05")  # due within 7 days
    code, out, _ = cli(db, "remind")
    assert code == 0
    # Besides those two, every untouched item lags the 41 % of its year gone by 1 June.
    assert "Reminder: 县司法局 (5 items)" in out
    assert "Reminder: 县委办 (2 items)" in out
    code, out, _ = cli(db, "remind", "--format", "json")
    units = {u["unit"]: u["items"] for u in json.loads(out)["units"]}
    assert [i["id"] for i in units["县司法局"]] == ["2.1", "2.2", "2.3", "3.1", "3.2"]
    assert [i["id"] for i in units["县委办"]] == ["1.1", "1.2"]
    assert [i["id"] for i in units["县审计局"]] == ["4.1"]
    assert units["县司法局"][0]["warning"] == "red"
    assert {i["warning"] for i in units["县委办"]} == {"yellow"}


@pytest.mark.slow
def test_a_sheet_opens_in_libreoffice(sheets: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    sheet = sheets / SHEET.format(unit="县委办")
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(sheet)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert (tmp_path / sheet.with_suffix(".pdf").name).stat().st_size > 1000
    view = load_plan(
        make_engine(f"sqlite:///{sheets.parent / 'ledger.db'}"), slug=None, today=TODAY
    )
    assert view.items[0].lead_unit == "县委办"


def test_reminder_notices_one_per_unit(ledger_with_units: Path, tmp_path: Path) -> None:
    from docx import Document

    db = ledger_with_units
    cli(db, "set", "2.1", "--due", "2022-05-01")
    out = tmp_path / "notices"
    out.mkdir()
    code, stdout, err = cli(db, "remind", "--format", "docx", "-o", str(out))
    assert code == 0, err
    # A notice per unit with items to chase (on 1 June every untouched item lags schedule);
    # the items with no lead unit are named on stderr, never addressed as a notice.
    notices = {path.name: path for path in out.glob("*.docx")}
    assert len(notices) == 3
    assert "have no lead unit and are in no notice" in err
    (notice,) = (path for name, path in notices.items() if "县司法局" in name)
    document = Document(str(notice))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Reminder notice" in text
    assert "To 县司法局:" in text
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert "2.1" in cells
    assert "2022-05-01" in cells
    assert str(notice) in stdout
