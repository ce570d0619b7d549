"""A return's evidence (issue 17): `apply --evidence DIR` attaches the files of DIR named
with an item's ID (2.1-会议纪要.pdf, 2.1_照片.jpg, 2.1.pdf) in the return's own transaction,
each with its `attach` event; a bad file refuses the whole apply, one line each; and a sheet
answers the round it was sent in, even once the next one has opened."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select
from typer.testing import CliRunner

from lawtasks.audit import verify
from lawtasks.cli import app
from lawtasks.commands import ItemReturn
from lawtasks.errors import DomainError
from lawtasks.models import Event, Evidence, EvidenceFile, RoundReturn
from lawtasks.services import Ledger
from lawtasks.services.rounds import round_status
from lawtasks.services.supervision import evidence_in, read_evidence

from .test_access import with_units
from .test_history import Clocked, clocked, local  # noqa: F401  (clocked: a fixture)
from .test_pg_attacks import (  # noqa: F401  (fixtures, used by name)
    OFFICER,
    OURS,
    Ledger13,
    ledger,
    template,
    zhang,
)
from .test_services import item_row

LIMIT = 20 * 1024 * 1024


def _counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return (
            session.exec(select(func.count()).select_from(EvidenceFile)).one(),
            session.exec(select(func.count()).select_from(Evidence)).one(),
            session.exec(select(func.count()).select_from(Event)).one(),
        )


def _folder(root: Path, files: dict[str, bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (root / name).write_bytes(content)
    return root


def _read(folder: Path) -> list[tuple[str, object]]:
    named, refused = evidence_in(folder)
    assert refused == []
    return [(ref, read_evidence([path], LIMIT)[0]) for ref, path in named]


def fill_sheet(path: Path, progress: dict[str, int]) -> Path:
    """Type each item's progress into its row of a 填报 sheet, as an officer would."""
    workbook = load_workbook(path)
    ws = workbook["Return"]
    for cells in ws.iter_rows():
        ref = cells[0].value
        if isinstance(ref, str) and ref in progress:
            ws[f"G{cells[0].row}"] = progress[ref]
    workbook.save(path)
    return path


# -- the rule for names ------------------------------------------------------------------------


def test_a_file_goes_to_the_item_its_name_starts_with(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path / "ev",
        {
            "2.1-会议纪要.pdf": b"a",
            "2.1_照片.jpg": b"b",
            "2.1.pdf": b"c",
            "2.10 现场.png": b"d",
            "2.1x.pdf": b"e",  # no separator after the ID
            "2-任务.pdf": b"f",  # a task's ID: evidence goes on an item
            "会议纪要2.1.pdf": b"g",
        },
    )
    (folder / "3.1-照片").mkdir()  # a folder named with an ID: refused when read
    named, refused = evidence_in(folder)
    assert [(ref, path.name) for ref, path in named] == [
        ("2.1", "2.1-会议纪要.pdf"),
        ("2.1", "2.1.pdf"),
        ("2.1", "2.1_照片.jpg"),
        ("2.10", "2.10 现场.png"),
        ("3.1", "3.1-照片"),
    ]
    assert sorted(line.split(":")[0] for line in refused) == sorted(
        str(folder / name) for name in ("2.1x.pdf", "2-任务.pdf", "会议纪要2.1.pdf")
    )
    assert all("does not start with an item's ID" in line for line in refused)
    assert evidence_in(tmp_path / "missing")[1] == [f"{tmp_path / 'missing'}: no such folder."]
    empty = _folder(tmp_path / "empty", {})
    assert evidence_in(empty)[1] == [f"{empty}: the folder holds no file."]


# -- the service -------------------------------------------------------------------------------


def test_a_returns_evidence_is_attached_in_its_batch_and_undone_with_it(
    engine: Engine, tmp_path: Path
) -> None:
    with_units(engine)
    folder = _folder(tmp_path / "ev", {"2.1-会议纪要.pdf": b"minutes", "2.2.jpg": b"photo"})
    alice = Ledger(engine, actor="alice")
    outcome = alice.apply_returns(
        [ItemReturn(ref="2.1", progress=40, for_unit="司法局")], evidence=_read(folder)
    )
    with Session(engine) as session:
        rows = session.exec(select(Evidence).order_by(col(Evidence.id))).all()
        events = session.exec(
            select(Event.action, Event.field, Event.batch).where(Event.field == "evidence")
        ).all()
    assert [(row.name, row.added_by, row.batch) for row in rows] == [
        ("2.1-会议纪要.pdf", "alice", outcome.batch),
        ("2.2.jpg", "alice", outcome.batch),
    ]
    # Audited as `attach` writes it, in the apply's own batch.
    assert events == [("attach", "evidence", outcome.batch)] * 2
    assert item_row(engine, "2.1").progress == 40
    assert verify(engine).intact
    # One undo takes back the whole apply: the progress and both attachments.
    alice.undo()
    assert item_row(engine, "2.1").progress == 0
    with Session(engine) as session:
        assert session.exec(select(Evidence.removed)).all() == [True, True]
    assert verify(engine).intact


def test_a_bad_file_refuses_the_whole_return(engine: Engine, tmp_path: Path) -> None:
    with_units(engine)
    Ledger(engine, actor="office").set_plan("tonglu-2022", evidence_limit="1KB")
    folder = _folder(
        tmp_path / "ev",
        {
            "2.1-ok.pdf": b"fine",
            "3.1-theirs.pdf": b"bob's item",
            "9.9-nowhere.pdf": b"no such item",
            "2.2-large.pdf": b"x" * 2048,
        },
    )
    before = _counts(engine)
    files = [(ref, read_evidence([path], 4096)[0]) for ref, path in evidence_in(folder)[0]]
    with pytest.raises(DomainError) as refused:
        Ledger(engine, actor="alice").apply_returns(
            [ItemReturn(ref="2.1", progress=40, for_unit="司法局")], evidence=files
        )
    lines = str(refused.value).splitlines()
    # Each named with its folder, as every other refusal of the folder's files is.
    assert [line.split(": ")[0] for line in lines[1:-1]] == [
        str(folder / "2.2-large.pdf"),
        str(folder / "3.1-theirs.pdf"),
        str(folder / "9.9-nowhere.pdf"),
    ]
    assert lines[-1].startswith("Nothing was applied")
    assert "over the plan's evidence limit of 1.0 KB" in lines[1]
    assert "县公安局" in lines[2]
    assert "9.9" in lines[3]
    assert _counts(engine) == before
    assert item_row(engine, "2.1").progress == 0
    # A coordinator may attach to any unit's item; the limit and the plan still hold.
    assert Ledger(engine, actor="office").evidence_refusals(files) == [lines[1], lines[3]]


def test_a_sheet_answers_the_round_it_was_sent_in(
    clocked: Clocked,  # noqa: F811
    tmp_path: Path,
) -> None:
    with_units(clocked.engine)
    office = clocked.ledger("office")
    clocked.at(local(date(2022, 7, 1), 9))
    office.open_round("2022-07")
    july = clocked("--user", "office", "sheets", "--unit", "司法局", "-o", str(tmp_path / "7"))
    assert july.exit_code == 0, july.output
    clocked.at(local(date(2022, 7, 31), 18))
    office.close_round()
    clocked.at(local(date(2022, 8, 1), 9))
    office.open_round("2022-08")
    # The July sheet comes back in August: it answers July, late; August is still owed.
    (sheet,) = (tmp_path / "7").glob("*.xlsx")
    fill_sheet(sheet, {"2.1": 30})
    clocked.at(local(date(2022, 8, 3), 9))
    applied = clocked("--user", "alice", "apply", str(sheet))
    assert applied.exit_code == 0, applied.output
    states = {
        period: {a.unit: a.state for a in found.units}
        for period in ("2022-07", "2022-08")
        if (found := round_status(clocked.engine, None, period)) is not None
    }
    assert states["2022-07"]["司法局"] == "late"
    assert states["2022-08"]["司法局"] == "unreported"
    # A CSV return names no sheet: it answers the round in hand, August, on time.
    csv = tmp_path / "r.csv"
    csv.write_text("id,progress\n2.2,10\n", encoding="utf-8")
    applied = clocked("--user", "alice", "apply", str(csv), "--force", "all")
    assert applied.exit_code == 0, applied.output
    august = round_status(clocked.engine, None, "2022-08")
    assert august is not None
    assert {a.unit: a.state for a in august.units}["司法局"] == "reported"
    with Session(clocked.engine) as session:
        assert len(session.exec(select(RoundReturn)).all()) == 2
    assert verify(clocked.engine).intact


# -- the command line --------------------------------------------------------------------------


def _run(db: Path, user: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["--db", str(db), "--user", user, "--today", "2022-06-01", *args]
    )
    return result.exit_code, result.output


def test_apply_evidence_from_the_command_line(db_path: Path, tmp_path: Path) -> None:
    with_units(_engine(db_path))
    code, out = _run(db_path, "office", "sheets", "--unit", "司法局", "-o", str(tmp_path))
    assert code == 0, out
    (sheet,) = tmp_path.glob("*.xlsx")
    fill_sheet(sheet, {"2.1": 45})
    folder = _folder(
        tmp_path / "佐证",
        {"2.1-会议纪要.pdf": b"minutes", "2.1_照片.jpg": b"\xff\xd8 photo", "2.2.pdf": b"pdf"},
    )
    # The dry run previews the files and stores nothing.
    code, out = _run(db_path, "alice", "apply", str(sheet), "--evidence", str(folder), "--dry-run")
    assert code == 0, out
    assert "2.1  evidence: 2.1-会议纪要.pdf (7 B)" in out
    assert "2.2  evidence: 2.2.pdf (3 B)" in out
    assert "(dry run" in out
    code, out = _run(db_path, "alice", "evidence", "2.1")
    assert "2.1 has no evidence" in out
    code, out = _run(
        db_path, "alice", "apply", str(sheet), "--evidence", str(folder), "--dry-run", "-f", "json"
    )
    assert code == 0, out
    dry = json.loads(out)
    assert (dry["dry_run"], dry["items"]) == (True, ["2.1"])
    assert [(f["id"], f["name"]) for f in dry["evidence"]] == [
        ("2.1", "2.1-会议纪要.pdf"),
        ("2.1", "2.1_照片.jpg"),
        ("2.2", "2.2.pdf"),
    ]
    # Applied: the JSON lists the evidence attached, with sizes and hashes.
    code, out = _run(db_path, "alice", "apply", str(sheet), "--evidence", str(folder), "-f", "json")
    assert code == 0, out
    applied = json.loads(out)
    assert applied["evidence"] == dry["evidence"]
    assert {(c["id"], c["field"]) for c in applied["changes"]} == {
        ("2.1", "status"),  # 未启动 → 进行中 with its progress
        ("2.1", "progress"),
        ("2.1", "evidence"),
        ("2.2", "evidence"),
    }
    code, out = _run(db_path, "alice", "evidence", "2.1", "-f", "json")
    assert [f["name"] for f in json.loads(out)["evidence"]] == ["2.1-会议纪要.pdf", "2.1_照片.jpg"]
    # The same return and folder again: nothing new, and the text says so.
    code, out = _run(db_path, "alice", "apply", str(sheet), "--evidence", str(folder))
    assert code == 0, out
    assert "Nothing to apply" in out
    assert "Evidence attached" not in out
    assert verify(_engine(db_path)).intact


def test_apply_refuses_bad_evidence_one_line_each(db_path: Path, tmp_path: Path) -> None:
    engine = _engine(db_path)
    with_units(engine)
    code, out = _run(db_path, "office", "sheets", "--unit", "司法局", "-o", str(tmp_path))
    (sheet,) = tmp_path.glob("*.xlsx")
    fill_sheet(sheet, {"2.1": 45})
    folder = _folder(
        tmp_path / "ev",
        {"2.1-ok.pdf": b"ok", "2.2-empty.pdf": b"", "3.1-theirs.pdf": b"bob's", "notes.txt": b"?"},
    )
    (folder / "2.1-照片").mkdir()
    before = _counts(engine)
    code, out = _run(db_path, "alice", "apply", str(sheet), "--evidence", str(folder))
    assert code == 1
    for line in (
        f"{folder / '2.1-照片'}: a folder, not a file.",
        f"{folder / '2.2-empty.pdf'}: the file is empty.",
        f"{folder / 'notes.txt'}: its name does not start with an item's ID",
        # Every file named the same way, with its folder.
        f"{folder / '3.1-theirs.pdf'}: cannot be attached. alice (司法局) may not change 3.1",
        "Nothing was applied",
    ):
        assert line in out, out
    assert "2.1-ok.pdf" not in out
    assert _counts(engine) == before
    assert item_row(engine, "2.1").progress == 0


def _engine(db_path: Path) -> Engine:
    from lawtasks.db import make_engine
    from lawtasks.seed import seed

    engine = make_engine(f"sqlite:///{db_path}")
    if not db_path.exists() or not _seeded(engine):
        seed(engine, actor="seeder")
    return engine


def _seeded(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return inspect(engine).has_table("plan")


# -- on PostgreSQL, against an officer's own login ---------------------------------------------


def test_on_postgresql_an_officers_login_applies_a_return_with_its_evidence(
    ledger: Ledger13,  # noqa: F811
    zhang: Ledger,  # noqa: F811
    tmp_path: Path,
) -> None:
    theirs = _folder(tmp_path / "theirs", {"3.1-照片.jpg": b"not ours"})
    with pytest.raises(DomainError, match=r"3\.1-照片\.jpg: cannot be attached"):
        zhang.apply_returns(
            [ItemReturn(ref="2.1", progress=40, for_unit=OURS)], evidence=_read(theirs)
        )
    assert ledger.one("SELECT count(*) FROM evidence") == 0
    ours = _folder(tmp_path / "ours", {"2.1-会议纪要.pdf": b"minutes"})
    zhang.apply_returns([ItemReturn(ref="2.1", progress=40, for_unit=OURS)], evidence=_read(ours))
    assert (
        ledger.one("SELECT name || ' ' || added_by FROM evidence") == f"2.1-会议纪要.pdf {OFFICER}"
    )
    assert verify(ledger.engine).intact
    zhang.undo()
    assert ledger.one("SELECT removed FROM evidence") is True
    assert verify(ledger.engine).intact


def test_apply_names_a_missing_return_or_evidence_folder_in_the_users_words(
    db_path: Path, tmp_path: Path
) -> None:
    with_units(_engine(db_path))
    code, out = _run(db_path, "office", "--lang", "zh", "apply", str(tmp_path / "nofile.xlsx"))
    assert code == 1
    assert f"无法打开填报 {tmp_path / 'nofile.xlsx'}：文件或目录不存在" in out, out
    code, out = _run(
        db_path, "office", "--lang", "en", "sheets", "--unit", "司法局", "-o", str(tmp_path)
    )
    (sheet,) = tmp_path.glob("*.xlsx")
    fill_sheet(sheet, {"2.1": 45})
    missing = tmp_path / "nodir"
    code, out = _run(db_path, "alice", "apply", str(sheet), "--evidence", str(missing))
    assert code == 1
    assert f"{missing}: no such folder." in out, out
    code, out = _run(db_path, "alice", "apply", str(sheet), "--evidence", str(sheet))
    assert code == 1
    assert f"{sheet}: not a folder." in out, out
    assert item_row(_engine(db_path), "2.1").progress == 0
