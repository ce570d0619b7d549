"""The supervision cycle (issue 17): evidence (佐证材料) stored in the ledger by SHA-256, on
both engines, checked by verify, taken back by undo, and kept to the officer's own unit's
items, by the service and, on PostgreSQL, by the database against an officer's own login."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, col, func, select
from typer.testing import CliRunner

from lawtasks.audit import verify
from lawtasks.cli import app
from lawtasks.errors import DomainError
from lawtasks.history import load_plan_as_of
from lawtasks.models import Event, Evidence, EvidenceFile, Plan
from lawtasks.readmodel import load_plan
from lawtasks.services import Ledger
from lawtasks.services.supervision import read_evidence, safe_name, unique_name

from .conftest import TODAY
from .test_access import with_units
from .test_history import Clocked, clocked, local  # noqa: F401  (clocked: a fixture)
from .test_pg_attacks import (  # noqa: F401  (fixtures, used by name)
    COORDINATOR,
    OFFICER,
    Ledger13,
    _as,
    _chained_event,
    _item_event,
    fzb,
    ledger,
    template,
    zhang,
)
from .test_services import item_row, snapshot

LIMIT = 20 * 1024 * 1024


def _file(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def _attach(writer: Ledger, ref: str, *paths: Path, note: str | None = None) -> None:
    writer.attach(ref, read_evidence(paths, LIMIT), note=note)


def _counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return (
            session.exec(select(func.count()).select_from(EvidenceFile)).one(),
            session.exec(select(func.count()).select_from(Evidence)).one(),
            session.exec(select(func.count()).select_from(Event)).one(),
        )


def _item(view: object, ref: str) -> object:
    return next(item for task in view.tasks for item in task.items if item.id == ref)  # type: ignore[attr-defined]


# -- attaching ---------------------------------------------------------------------------------


def test_a_file_is_stored_once_by_its_hash_with_an_event_per_attachment(
    engine: Engine, tmp_path: Path
) -> None:
    office = Ledger(engine, actor="office")
    minutes = _file(tmp_path, "会议纪要.pdf", b"%PDF minutes of the meeting")
    photo = _file(tmp_path, "photo.jpg", b"\xff\xd8 a photo")
    _attach(office, "2.1", minutes, photo, note="纪要和照片")
    _attach(office, "3.1", minutes)  # the same bytes, on another item
    sha = hashlib.sha256(minutes.read_bytes()).hexdigest()
    with Session(engine) as session:
        files = session.exec(select(EvidenceFile.sha256, EvidenceFile.size)).all()
        rows = session.exec(
            select(Evidence.name, Evidence.sha256, Evidence.added_by).order_by(col(Evidence.id))
        ).all()
        attached = session.exec(
            select(Event.action, Event.field, Event.new)
            .where(Event.field == "evidence")
            .order_by(col(Event.id))
        ).all()
    photo_sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert sorted(files) == sorted([(sha, 27), (photo_sha, 10)])
    assert [row[:2] for row in rows] == [
        ("会议纪要.pdf", sha),
        ("photo.jpg", photo_sha),
        ("会议纪要.pdf", sha),
    ]
    assert attached[0] == ("attach", "evidence", f"会议纪要.pdf (27 bytes) sha256:{sha}")
    assert len(attached) == 3
    view = load_plan(engine, slug=None, today=TODAY)
    item = _item(view, "2.1")
    assert [file.name for file in item.evidence] == ["会议纪要.pdf", "photo.jpg"]  # type: ignore[attr-defined]
    shown = item.as_dict()["evidence"]  # type: ignore[attr-defined]
    assert (shown[0]["sha256"], shown[0]["size"], shown[0]["added_by"]) == (sha, 27, "office")
    assert shown[0]["added_at"]
    assert item.latest_note.text == "纪要和照片"  # type: ignore[attr-defined]
    assert verify(engine).intact


def test_attaching_the_same_file_again_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    office = Ledger(engine, actor="office")
    minutes = _file(tmp_path, "纪要.docx", b"minutes")
    _attach(office, "2.1", minutes)
    before = _counts(engine)
    outcome = office.attach("2.1", read_evidence([minutes], LIMIT))
    assert not outcome.changed
    assert _counts(engine) == before


def test_bad_files_are_refused_one_line_each_and_nothing_is_stored(
    engine: Engine, tmp_path: Path
) -> None:
    good = _file(tmp_path, "good.pdf", b"good")
    empty = _file(tmp_path, "empty.pdf", b"")
    big = _file(tmp_path, "big.pdf", b"x" * 2048)
    folder = tmp_path / "folder"
    folder.mkdir()
    # Unreadable even for root, who may read any file: the kernel refuses address 0.
    unreadable = Path("/proc/self/mem")
    with pytest.raises(DomainError) as refused:
        read_evidence([good, tmp_path / "missing.pdf", folder, empty, big, unreadable], 1024)
    lines = str(refused.value).splitlines()
    assert any("missing.pdf" in line and "no such file" in line for line in lines)
    assert any("folder" in line and "folder, not a file" in line for line in lines)
    assert any("empty.pdf" in line and "empty" in line for line in lines)
    assert any("big.pdf" in line and "over the plan's evidence limit" in line for line in lines)
    assert any("/proc/self/mem" in line and "cannot be read" in line for line in lines)
    assert not any("good.pdf" in line for line in lines)
    assert "No file was stored" in str(refused.value)


def test_the_plans_limit_is_checked_again_when_storing(engine: Engine, tmp_path: Path) -> None:
    office = Ledger(engine, actor="office")
    files = read_evidence([_file(tmp_path, "a.pdf", b"x" * 100)], LIMIT)
    with engine.begin() as connection:  # the limit lowered after the files were read
        connection.execute(text("UPDATE plan SET evidence_limit = 10"))
    before = _counts(engine)
    with pytest.raises(DomainError, match=r"a\.pdf.*over the plan's evidence limit"):
        office.attach("2.1", files)
    assert _counts(engine) == before
    with Session(engine) as session:
        assert session.exec(select(Plan.evidence_limit)).first() == 10


def test_evidence_goes_on_an_item_not_a_task(engine: Engine, tmp_path: Path) -> None:
    files = read_evidence([_file(tmp_path, "a.pdf", b"a")], LIMIT)
    with pytest.raises(DomainError, match=r"2 is a task"):
        Ledger(engine, actor="office").attach("2", files)
    with pytest.raises(DomainError, match=r"9\.9"):
        Ledger(engine, actor="office").attach("9.9", files)
    assert _counts(engine)[:2] == (0, 0)


# -- who may -----------------------------------------------------------------------------------


def test_an_officer_attaches_only_to_their_units_items(engine: Engine, tmp_path: Path) -> None:
    with_units(engine)
    files = read_evidence([_file(tmp_path, "a.pdf", b"ours")], LIMIT)
    before = _counts(engine)
    with pytest.raises(DomainError, match=r"3\.1"):
        Ledger(engine, actor="alice").attach("3.1", files)
    assert _counts(engine) == before
    Ledger(engine, actor="alice").attach("2.1", files)
    with pytest.raises(DomainError):
        Ledger(engine, actor="stranger").attach("2.1", files)
    with Session(engine) as session:
        assert session.exec(select(Evidence.added_by)).all() == ["alice"]
    assert verify(engine).intact


# -- undo and verify ---------------------------------------------------------------------------


def test_undo_marks_an_attachment_removed_and_keeps_its_file(
    engine: Engine, tmp_path: Path
) -> None:
    office = Ledger(engine, actor="office")
    _attach(office, "2.1", _file(tmp_path, "a.pdf", b"aaa"), note="with a note")
    office.undo()
    with Session(engine) as session:
        assert session.exec(select(Evidence.removed)).all() == [True]
        assert session.exec(select(func.count()).select_from(EvidenceFile)).one() == 1
        undone = session.exec(
            select(Event.old, Event.new).where(Event.action == "undo", Event.field == "evidence")
        ).all()
    assert len(undone) == 1
    assert undone[0][0].startswith("a.pdf (3 bytes) sha256:")
    assert undone[0][1] is None
    item = _item(load_plan(engine, slug=None, today=TODAY), "2.1")
    assert (item.evidence, item.notes) == ((), ())  # type: ignore[attr-defined]
    assert verify(engine).intact
    # Attached again after the undo: a new attachment, the file still stored once.
    _attach(office, "2.1", tmp_path / "a.pdf")
    assert _counts(engine)[:2] == (1, 2)
    assert verify(engine).intact


def test_verify_fails_when_a_stored_file_is_altered(engine: Engine, tmp_path: Path) -> None:
    office = Ledger(engine, actor="office")
    _attach(office, "2.1", _file(tmp_path, "a.pdf", b"the original"))
    _attach(office, "2.2", _file(tmp_path, "会议纪要.pdf", b"other minutes"))
    assert verify(engine).intact
    sha = hashlib.sha256(b"the original").hexdigest()
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE evidence_file SET content = :bytes WHERE sha256 = :sha"),
            {"bytes": b"the forgery!", "sha": sha},
        )
    report = verify(engine)
    assert not report.intact
    assert [finding.key for finding in report.findings] == ["trail.evidence_file"]
    message = report.findings[0].message()
    assert sha in message
    assert "2.1 a.pdf" in message
    assert hashlib.sha256(b"the forgery!").hexdigest() in message


def test_verify_fails_when_an_attachment_is_added_removed_or_deleted_outside(
    engine: Engine, tmp_path: Path
) -> None:
    office = Ledger(engine, actor="office")
    _attach(office, "2.1", _file(tmp_path, "a.pdf", b"aaa"))
    with engine.begin() as connection:
        connection.execute(text("UPDATE evidence SET removed = true"))
    assert [f.key for f in verify(engine).findings] == ["trail.evidence_removed"]
    with engine.begin() as connection:
        connection.execute(text("UPDATE evidence SET removed = false, name = 'b.pdf'"))
    keys = sorted(f.key for f in verify(engine).findings)
    assert keys == ["trail.evidence_gone", "trail.evidence_unlogged"]
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM evidence"))
    assert [f.key for f in verify(engine).findings] == ["trail.evidence_gone"]


# -- the command line --------------------------------------------------------------------------


def _run(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", str(db), "--user", "office", *args])
    return result.exit_code, result.output


def test_attach_show_and_evidence_out_from_the_command_line(db_path: Path, tmp_path: Path) -> None:
    minutes = _file(tmp_path, "会议纪要.pdf", b"minutes")
    odd = _file(tmp_path, "CON.txt", b"a console name")
    code, out = _run(db_path, "attach", "2.1", str(minutes), str(odd), "--note", "材料")
    assert code == 0, out
    assert "会议纪要.pdf (7 bytes) sha256:" in out
    code, out = _run(db_path, "show", "2.1")
    assert code == 0
    assert all(shown in out for shown in ("Evidence", "会议纪要.pdf", "CON.txt"))
    code, out = _run(db_path, "show", "2.1", "-f", "json")
    names = [file["name"] for file in json.loads(out)["item"]["evidence"]]
    assert names == ["会议纪要.pdf", "CON.txt"]
    code, out = _run(db_path, "export", "-f", "json", "-o", str(tmp_path / "plan.json"))
    assert code == 0, out
    exported = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    items = [item for task in exported["tasks"] for item in task["items"]]
    assert [f["name"] for f in next(i for i in items if i["id"] == "2.1")["evidence"]] == names
    out_dir = tmp_path / "out" / "2.1"  # made, parents too
    for _ in range(2):
        code, out = _run(db_path, "evidence", "2.1", "-o", str(out_dir))
        assert code == 0, out
    written = sorted(path.name for path in out_dir.iterdir())
    assert written == ["_CON (2).txt", "_CON.txt", "会议纪要 (2).pdf", "会议纪要.pdf"]
    assert (out_dir / "会议纪要 (2).pdf").read_bytes() == b"minutes"
    code, out = _run(db_path, "evidence", "2.1", "-f", "json")
    assert [file["name"] for file in json.loads(out)["evidence"]] == names
    code, out = _run(db_path, "evidence", "2.2")
    assert code == 0
    assert "2.2 has no evidence" in out


def test_attach_refuses_bad_files_from_the_command_line(db_path: Path, tmp_path: Path) -> None:
    good = _file(tmp_path, "good.pdf", b"good")
    code, out = _run(db_path, "attach", "2.1", str(good), str(tmp_path / "nope.pdf"), str(tmp_path))
    assert code == 1
    assert "nope.pdf: no such file." in out
    assert "a folder, not a file" in out
    code, out = _run(db_path, "evidence", "2.1")
    assert "2.1 has no evidence" in out


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("a:b?.pdf", "a_b_.pdf"),
        ("CON.txt", "_CON.txt"),
        ("lpt1", "_lpt1"),
        ("report. ", "report"),
        ("...", "evidence"),
        ("dir\\..\\x.pdf", "dir_.._x.pdf"),
        ("会议纪要.pdf", "会议纪要.pdf"),
    ],
)
def test_names_are_made_safe_for_windows(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_a_clash_gets_a_number_case_blind() -> None:
    taken = {"a.pdf"}
    assert unique_name("A.PDF", taken) == "A (2).PDF"
    assert unique_name("a.pdf", taken) == "a (3).pdf"
    assert unique_name("README", taken) == "README"
    assert unique_name("readme", taken) == "readme (2)"


# -- PostgreSQL: an officer's own login --------------------------------------------------------


@pytest.fixture
def wang(ledger: Ledger13) -> Iterator[Ledger]:  # noqa: F811
    from .test_pg_attacks import OTHER

    yield from _as(ledger, OTHER)


def test_the_app_attaches_and_undoes_under_an_officers_login(
    ledger: Ledger13,  # noqa: F811
    zhang: Ledger,  # noqa: F811
    wang: Ledger,
    tmp_path: Path,
) -> None:
    files = read_evidence([_file(tmp_path, "纪要.pdf", b"ours")], LIMIT)
    zhang.attach("2.1", files, note="纪要")
    with pytest.raises(DomainError, match=r"2\.1"):
        wang.attach("2.1", files)
    wang_files = read_evidence([_file(tmp_path, "theirs.pdf", b"theirs")], LIMIT)
    wang.attach("3.1", wang_files)
    zhang.undo()
    assert ledger.one("SELECT array_agg(removed ORDER BY id) FROM evidence") == [True, False]
    assert verify(ledger.engine).intact


def _evidence_insert(
    copy: Ledger13, ref: str, sha: str, size: int, batch: str
) -> tuple[str, tuple[object, ...]]:
    item = copy.item_id(ref)
    plan = copy.one(
        "SELECT k.plan_id FROM item i JOIN task k ON k.id = i.task_id WHERE i.id = %s", item
    )
    return (
        "INSERT INTO evidence (plan_id, item_id, sha256, name, size, added_at, added_by, batch,"
        " removed) VALUES (%s, %s, %s, 'x.pdf', %s, now(), %s, %s, false)",
        (plan, item, sha, size, OFFICER, batch),
    )


def test_an_officers_login_cannot_store_evidence_the_app_would_not(
    ledger: Ledger13,  # noqa: F811
    zhang: Ledger,  # noqa: F811
    tmp_path: Path,
) -> None:
    content = b"forged evidence"
    sha = hashlib.sha256(content).hexdigest()
    store = ("INSERT INTO evidence_file (sha256, size, content) VALUES (%s, %s, %s)",
             (sha, len(content), content))  # fmt: skip
    value = f"x.pdf ({len(content)} bytes) sha256:{sha}"
    before = _dump(ledger)
    # A file whose address is not its hash, or whose size is not its length.
    insert = "INSERT INTO evidence_file (sha256, size, content) VALUES (%s, %s, %s)"
    assert ledger.attempt(OFFICER, (insert, ("0" * 64, 3, b"abc"))) is not None
    assert ledger.attempt(OFFICER, (insert, (sha, 3, content))) is not None
    # A file no attachment names.
    assert ledger.attempt(OFFICER, store) is not None
    # An attachment without its event.
    assert ledger.attempt(OFFICER, store, _evidence_insert(ledger, "2.1", sha, len(content),
                                                           "b1")) is not None  # fmt: skip
    # On another unit's item, even with an event.
    other = ledger.attempt(
        OFFICER,
        store,
        _evidence_insert(ledger, "3.1", sha, len(content), "b2"),
        _item_event(ledger, "3.1", batch="b2", action="attach", field="evidence", old=None,
                    new=value),
    )  # fmt: skip
    assert other is not None
    assert _dump(ledger) == before
    # The app's own attachment cannot then be rewritten or taken back without an undo.
    zhang.attach("2.1", read_evidence([_file(tmp_path, "a.pdf", b"real")], LIMIT))
    before = _dump(ledger)
    assert ledger.attempt(OFFICER, "UPDATE evidence SET name = 'renamed.pdf'") is not None
    assert ledger.attempt(OFFICER, "UPDATE evidence SET removed = true") is not None
    assert ledger.attempt(OFFICER, "UPDATE evidence_file SET content = 'x'") is not None
    assert ledger.attempt(OFFICER, "DELETE FROM evidence") is not None
    assert _dump(ledger) == before
    assert verify(ledger.engine).intact


def _dump(copy: Ledger13) -> tuple[object, ...]:
    return (
        copy.dump(),
        copy.one("SELECT count(*) FROM evidence"),
        copy.one("SELECT count(*) FROM evidence_file"),
        copy.one("SELECT coalesce(array_agg(removed::text || name ORDER BY id), '{}')"
                   " FROM evidence"),
    )  # fmt: skip


def test_a_forged_attach_event_without_its_file_is_named_by_verify(ledger: Ledger13) -> None:  # noqa: F811
    # The forged attach event alone, on the officer's own item, is an event the app could
    # write: it goes in, and verify names the attachment it announces as missing.
    content = b"announced"
    sha = hashlib.sha256(content).hexdigest()
    forged = _chained_event(
        ledger,
        **{
            "plan_id": ledger.one("SELECT plan_id FROM task WHERE seq = 2"),
            "task_id": ledger.one("SELECT id FROM task WHERE seq = 2"),
            "item_id": ledger.item_id("2.1"),
            "action": "attach",
            "field": "evidence",
            "old": None,
            "new": f"x.pdf ({len(content)} bytes) sha256:{sha}",
        },
    )
    assert ledger.attempt(OFFICER, forged) is None
    assert [f.key for f in verify(ledger.engine).findings] == ["trail.evidence_gone"]


# -- 销号 sign-off -----------------------------------------------------------------------------


def _view_item(engine: Engine, ref: str, today: object = TODAY) -> object:
    return _item(load_plan(engine, slug=None, today=today), ref)  # type: ignore[arg-type]


def _signoff_events(engine: Engine) -> list[tuple[str, str, str | None, str | None]]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(Event.action, Event.field, Event.old, Event.new)
                .where(col(Event.field).in_(["signed_off_at", "signed_off_by"]))
                .order_by(col(Event.id))
            ).all()
        )


def test_a_done_item_awaits_sign_off_until_a_coordinator_signs_it(engine: Engine) -> None:
    with_units(engine)
    office = Ledger(engine, actor="office")
    Ledger(engine, actor="alice").update(["2.1", "2.2"], status="done")
    item = _view_item(engine, "2.1")
    assert (item.signoff, item.status_label) == ("awaiting", "done (to sign off)")  # type: ignore[attr-defined]
    before = snapshot(engine)
    with pytest.raises(DomainError, match="coordinator"):
        Ledger(engine, actor="alice").sign_off(["2.1"])
    with pytest.raises(DomainError, match=r"2\.3 is not done"):
        office.sign_off(["2.1", "2.3"])  # all or nothing
    assert snapshot(engine) == before
    outcome = office.sign_off(["2"], note="材料齐全")  # a task: its done items
    assert [change.field for change in outcome.changes] == [
        "signed_off_at", "signed_off_by", "signed_off_at", "signed_off_by", "note",
    ]  # fmt: skip
    view = load_plan(engine, slug=None, today=TODAY)
    item = _item(view, "2.1")
    assert (item.signoff, item.signed_off_by, item.status_label) == (  # type: ignore[attr-defined]
        "signed_off", "office", "signed off",
    )  # fmt: skip
    assert item.as_dict()["signoff"] == "signed_off"  # type: ignore[attr-defined]
    assert view.signoff_counts == {"awaiting": 0, "signed_off": 2}
    assert [event[:2] for event in _signoff_events(engine)] == [
        ("signoff", "signed_off_at"), ("signoff", "signed_off_by"),
    ] * 2  # fmt: skip
    # Signed off already: nothing to do.
    assert not office.sign_off(["2.1"]).changed
    assert verify(engine).intact


def test_reopening_a_signed_off_item_clears_its_sign_off(engine: Engine) -> None:
    with_units(engine)
    alice = Ledger(engine, actor="alice")
    alice.update(["2.1"], progress=40)
    alice.update(["2.1"], status="done")
    Ledger(engine, actor="office").sign_off(["2.1"])
    alice.update(["2.1"], status="in_progress")  # the officer reopens it
    row = item_row(engine, "2.1")
    assert (row.status, row.progress, row.signed_off_at, row.signed_off_by) == (
        "in_progress", 40, None, None,
    )  # fmt: skip
    cleared = _signoff_events(engine)[-2:]
    assert [(action, field, new) for action, field, _old, new in cleared] == [
        ("set", "signed_off_at", None), ("set", "signed_off_by", None),
    ]  # fmt: skip
    assert verify(engine).intact
    alice.undo()  # the sign-off comes back with the done status
    row = item_row(engine, "2.1")
    assert (row.status, row.signed_off_by) == ("done", "office")
    assert verify(engine).intact


def test_a_rejected_item_is_reopened_with_the_reason_as_its_note(engine: Engine) -> None:
    office = Ledger(engine, actor="office")
    office.update(["2.1"], progress=70)
    office.update(["2.1", "2.2"], status="done")
    office.sign_off(["2.2"])
    with pytest.raises(DomainError, match=r"2\.3 is not done"):
        office.reject(["2.1", "2.3"], reason="缺佐证材料")
    office.reject(["2.1", "2.2"], reason="缺佐证材料")
    first, second = item_row(engine, "2.1"), item_row(engine, "2.2")
    assert (first.status, first.progress) == ("in_progress", 70)  # before it was done
    assert (second.status, second.signed_off_at) == ("in_progress", None)
    assert _view_item(engine, "2.1").latest_note.text == "缺佐证材料"  # type: ignore[attr-defined]
    with Session(engine) as session:
        actions = set(session.exec(select(Event.action).where(Event.action == "reject")).all())
    assert actions == {"reject"}
    assert verify(engine).intact
    office.undo()
    assert (item_row(engine, "2.1").status, item_row(engine, "2.2").signed_off_by) == (
        "done", "office",
    )  # fmt: skip
    assert verify(engine).intact


def test_a_plan_without_sign_off_has_none(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE plan SET signoff = false"))
    office = Ledger(engine, actor="office")
    office.update(["2.1"], status="done")
    item = _view_item(engine, "2.1")
    assert (item.signoff, item.status_label) == (None, "done")  # type: ignore[attr-defined]
    with pytest.raises(DomainError, match="does not ask for sign-off"):
        office.sign_off(["2.1"])


def test_waiting_for_sign_off_past_the_due_date_is_the_coordinators(engine: Engine) -> None:
    office = Ledger(engine, actor="office")
    office.update(["2.1"], due="2022-05-31")
    office.update(["2.1", "2.2"], status="done")
    view = load_plan(engine, slug=None, today=TODAY)
    assert [item.id for item in view.signoff_overdue] == ["2.1"]
    assert view.summary_dict()["signoff_overdue"] == ["2.1"]
    assert _item(view, "2.1").warning.value == "green"  # type: ignore[attr-defined]
    office.sign_off(["2.1"])
    assert load_plan(engine, slug=None, today=TODAY).signoff_overdue == []


def test_remind_lists_waiting_for_sign_off_for_the_coordinator_not_the_unit(
    db_path: Path, tmp_path: Path
) -> None:
    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(
            app, ["--db", str(db_path), "--user", "office", "--today", "2022-06-01", *args]
        )
        return result.exit_code, result.stdout, result.stderr

    assert run("set", "2.1", "2.2", "--unit", "司法局", "--due", "2022-05-31")[0] == 0
    assert run("set", "3.1", "--unit", "县公安局", "--due", "2022-05-31")[0] == 0
    assert run("done", "2.1", "2.2")[0] == 0
    assert run("signoff", "2.2")[0] == 0
    code, out, _ = run("remind", "-f", "json")
    assert code == 0, out
    found = json.loads(out)
    # 2.1 waits for the office past its due date; 2.2 is signed off; 3.1 is overdue, the unit's.
    assert [item["id"] for item in found["signoff_overdue"]] == ["2.1"]
    assert found["signoff_overdue"][0]["lead_unit"] == "司法局"
    units = {entry["unit"]: [i["id"] for i in entry["items"]] for entry in found["units"]}
    assert units.get("县公安局") == ["3.1"]
    assert all("2.1" not in ids for ids in units.values())
    code, out, _ = run("remind")
    assert code == 0, out
    head, coordinator = out.split("Done, waiting for sign-off past their due date (1;")
    assert "3.1" in head
    assert "2.1" not in head
    assert coordinator.splitlines()[1].split()[:3] == ["2.1", "2022-05-31", "司法局"]
    # The units' notices leave it out; the coordinator is told on stderr.
    code, out, err = run("remind", "-f", "docx", "-o", str(tmp_path / "notices"))
    assert code == 0, out
    assert sorted(path.name for path in (tmp_path / "notices").iterdir()) == [
        "tonglu-2022-Reminder notice-县公安局.docx"
    ]
    assert "the coordinator's and in no notice: 2.1" in err
    # Signed off, it is gone from every list.
    assert run("signoff", "2.1")[0] == 0
    assert json.loads(run("remind", "-f", "json")[1])["signoff_overdue"] == []
    assert "sign-off" not in run("remind")[1]


def test_verify_names_a_sign_off_written_behind_its_back(engine: Engine) -> None:
    office = Ledger(engine, actor="office")
    office.update(["2.1"], status="done")
    with engine.begin() as connection:
        connection.execute(text("UPDATE item SET signed_off_by = 'forger'"))
    findings = verify(engine).findings
    assert {(f.key, f.field) for f in findings} >= {("trail.item_unlogged", "signed_off_by")}
    assert any(f.ref == "2.1" for f in findings)


def test_signoff_from_the_command_line(db_path: Path) -> None:
    assert _run(db_path, "set", "2.1", "--progress", "40")[0] == 0
    assert _run(db_path, "done", "2.1", "2.2")[0] == 0
    code, out = _run(db_path, "list", "--task", "2")
    assert out.count("done (to sign off)") == 2
    code, out = _run(db_path, "signoff", "2.1", "--note", "材料齐全")
    assert code == 0, out
    assert "signed off by ∅ → office" in out
    # The time is the officer's, to the minute, as log shows times: not the stored instant.
    assert re.search(r"signed off at ∅ → \d{4}-\d\d-\d\d \d\d:\d\d$", out, re.MULTILINE), out
    code, out = _run(db_path, "signoff", "2.2", "--reject")
    assert code == 1
    assert "--reason" in out
    code, out = _run(db_path, "signoff", "2.2", "--reject", "--reason", "缺少佐证材料")
    assert code == 0, out
    code, out = _run(db_path, "show", "2.2")
    assert "缺少佐证材料" in out
    code, out = _run(db_path, "summary", "-f", "json")
    assert json.loads(out)["plan"]["signoff_counts"] == {"awaiting": 0, "signed_off": 1}
    code, out = _run(db_path, "summary")
    assert "Sign-off: 0 awaiting, 1 signed off" in out
    code, out = _run(db_path, "show", "2.1")
    assert "signed off" in out


def test_an_officers_login_never_signs_off(
    ledger: Ledger13,  # noqa: F811
    zhang: Ledger,  # noqa: F811
    fzb: Ledger,  # noqa: F811
) -> None:
    zhang.update(["2.1", "2.2"], status="done")
    with pytest.raises(DomainError, match="coordinator"):
        zhang.sign_off(["2.1"])
    fzb.sign_off(["2.1"])
    before = _dump(ledger)
    item = ledger.item_id("2.2")
    signed = (
        "UPDATE item SET signed_off_at = now(), signed_off_by = %s, version = version + 1,"
        " updated_by = %s WHERE id = %s"
    )
    value = datetime.now(UTC)
    with_event = _item_event(ledger, "2.2", action="set", field="signed_off_by", old=None,
                             new=OFFICER)  # fmt: skip
    assert ledger.attempt(OFFICER, (signed, (OFFICER, OFFICER, item))) is not None
    assert ledger.attempt(OFFICER, with_event, (signed, (OFFICER, OFFICER, item))) is not None
    forged = _item_event(ledger, "2.1", action="signoff", field="signed_off_by", new=OFFICER)
    assert ledger.attempt(OFFICER, forged) is not None
    # A coordinator's login signs off only with the events.
    bare = "UPDATE item SET signed_off_at = %s, signed_off_by = 'pa_fzb' WHERE id = %s"
    assert ledger.attempt(COORDINATOR, (bare, (value, item))) is not None
    assert _dump(ledger) == before
    # The officer reopens the signed-off item: the sign-off is cleared, as the app does.
    zhang.update(["2.1"], status="in_progress")
    assert ledger.one("SELECT signed_off_by IS NULL FROM item WHERE id = %s",
                      ledger.item_id("2.1")) is True  # fmt: skip
    fzb.sign_off(["2.2"])
    fzb.reject(["2.2"], reason="缺佐证材料")
    assert verify(ledger.engine).intact


# -- a plan's settings: sign-off on or off, the evidence limit ---------------------------------


def test_a_plan_turns_sign_off_off_and_sets_its_evidence_limit(
    engine: Engine, tmp_path: Path
) -> None:
    office = Ledger(engine, actor="office")
    outcome = office.set_plan("tonglu-2022", signoff=False, evidence_limit="1KB")
    assert [(c.field, c.old, c.new) for c in outcome.changes] == [
        ("signoff", "yes", "no"), ("evidence_limit", "20971520", "1024"),
    ]  # fmt: skip
    office.update(["2.1"], status="done")
    assert _view_item(engine, "2.1").signoff is None  # type: ignore[attr-defined]
    with pytest.raises(DomainError, match="over the plan's evidence limit"):
        office.attach("2.1", read_evidence([_file(tmp_path, "a.pdf", b"x" * 2000)], LIMIT))
    # Too large, and too small to hold any file: a bare 5 is 5 bytes, a slip for 5MB.
    for wrong in ("2TB", "5", "1023B"):
        with pytest.raises(DomainError, match=f"{wrong} is not a file size .*from 1KB to 1GB"):
            office.set_plan("tonglu-2022", evidence_limit=wrong)
    assert verify(engine).intact
    office.undo()  # the done
    office.undo()  # the settings
    with Session(engine) as session:
        plan = session.exec(select(Plan)).one()
        assert (plan.signoff, plan.evidence_limit) == (True, LIMIT)
    assert verify(engine).intact
    with engine.begin() as connection:  # behind the trail's back
        connection.execute(text("UPDATE plan SET signoff = false"))
    findings = verify(engine).findings
    assert [(f.key, f.field, f.found) for f in findings] == [("trail.plan_field", "signoff", "no")]


def test_plans_set_signoff_and_evidence_limit_from_the_command_line(db_path: Path) -> None:
    code, out = _run(db_path, "plans", "set", "tonglu-2022", "--signoff", "off")
    assert code == 0, out
    code, out = _run(db_path, "plans", "set", "tonglu-2022", "--signoff", "maybe")
    assert code == 1
    assert "not a switch" in out
    code, out = _run(db_path, "plans", "set", "tonglu-2022", "--evidence-limit", "50MB")
    assert code == 0, out
    assert "evidence limit 20.0 MB → 50.0 MB" in out
    assert _run(db_path, "done", "2.1")[0] == 0
    code, out = _run(db_path, "summary", "-f", "json")
    plan = json.loads(out)["plan"]
    assert (plan["signoff"], plan["signoff_counts"]) == (False, {"awaiting": 0, "signed_off": 0})


def test_only_a_coordinators_login_changes_a_plans_settings_with_their_event(
    ledger: Ledger13,  # noqa: F811
    zhang: Ledger,  # noqa: F811
    fzb: Ledger,  # noqa: F811
) -> None:
    with pytest.raises(DomainError, match="coordinator"):
        zhang.set_plan("tonglu-2022", signoff=False)
    before = _dump(ledger)
    ledger.attempt(OFFICER, "UPDATE plan SET signoff = false")  # no row is the officer's
    assert ledger.attempt(COORDINATOR, "UPDATE plan SET evidence_limit = 1") is not None
    assert ledger.attempt(COORDINATOR, "UPDATE plan SET signoff = false") is not None
    assert _dump(ledger) == before
    fzb.set_plan("tonglu-2022", signoff=False, evidence_limit="5MB")
    fzb.undo()
    fzb.set_plan("tonglu-2022", signoff=False)
    assert ledger.one("SELECT signoff FROM plan") is False
    assert verify(ledger.engine).intact


# -- the ledger as it was (--as-of) ------------------------------------------------------------


def test_a_past_day_shows_the_evidence_and_sign_off_of_that_day(
    clocked: Clocked,  # noqa: F811
    tmp_path: Path,
) -> None:
    engine = clocked.engine
    office = Ledger(engine, actor="office")
    first, second = date(2022, 4, 10), date(2022, 5, 20)
    clocked.now = local(first, 10)
    _attach(office, "2.1", _file(tmp_path, "纪要.pdf", b"minutes"))
    office.update(["2.1"], progress=60)
    office.update(["2.1"], status="done")
    office.sign_off(["2.1"])
    clocked.now = local(second, 10)
    for _ in range(4):  # the sign-off, the done, the progress, the attachment
        assert office.undo().changed
    then = _item(load_plan_as_of(engine, slug=None, day=first), "2.1")
    assert [file.name for file in then.evidence] == ["纪要.pdf"]  # type: ignore[attr-defined]
    assert (then.signoff, then.signed_off_by) == ("signed_off", "office")  # type: ignore[attr-defined]
    now = _item(load_plan_as_of(engine, slug=None, day=second), "2.1")
    assert (now.evidence, now.signoff, now.progress) == ((), None, 0)  # type: ignore[attr-defined]
    assert verify(engine).intact


def test_the_reports_tell_signed_off_from_awaiting(engine: Engine, tmp_path: Path) -> None:
    from docx import Document

    from lawtasks.exporters import ExportRequest, export, render_text
    from lawtasks.i18n import set_language

    with_units(engine)
    Ledger(engine, actor="alice").update(["2.1", "2.2"], status="done")
    Ledger(engine, actor="office").sign_off(["2.1"])
    set_language("zh")
    request = ExportRequest(view=load_plan(engine, slug=None, today=TODAY), exported_by="x")
    rows = {line.split(" | ")[0]: line for line in render_text("md", request).splitlines()}
    assert "已销号" in rows["| 2.1"]
    assert "已完成（待销号）" in rows["| 2.2"]
    path = export("docx", request, tmp_path / "report.docx", keep=())
    cells = [
        [cell.text for cell in row.cells]
        for table in Document(str(path)).tables
        for row in table.rows
    ]
    statuses = {row[0]: row[5] for row in cells if row[0] in ("2.1", "2.2")}
    assert statuses == {"2.1": "已销号", "2.2": "已完成（待销号）"}


def test_evidence_out_names_a_file_given_for_a_folder_in_the_users_words(
    db_path: Path, tmp_path: Path
) -> None:
    code, out = _run(db_path, "attach", "2.1", str(_file(tmp_path, "a.pdf", b"a")))
    assert code == 0, out
    taken = _file(tmp_path, "empty.txt", b"")
    code, out = _run(db_path, "--lang", "zh", "evidence", "2.1", "-o", str(taken))
    assert code == 1
    assert f"{taken} 是文件，不是目录" in out, out
    # Under a file: the system's reason in the user's language, not its English.
    code, out = _run(db_path, "--lang", "zh", "evidence", "2.1", "-o", str(taken / "sub"))
    assert code == 1
    assert f"无法写入 {taken / 'sub'}：路径中有一项是文件，不是目录。" in out, out
    code, out = _run(db_path, "--lang", "en", "evidence", "2.1", "-o", str(taken / "sub"))
    assert "part of the path is a file, not a folder" in out, out
    assert taken.read_bytes() == b""


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        (errno.ENOENT, "文件或目录不存在", "no such file or folder"),
        (errno.EEXIST, "已存在", "it already exists"),
        (errno.EACCES, "没有权限", "permission denied"),
        (errno.EPERM, "没有权限", "permission denied"),
        (errno.EISDIR, "是目录，不是文件", "it is a folder, not a file"),
        (errno.ENOTDIR, "路径中有一项是文件，不是目录", "part of the path is a file, not a folder"),
    ],
)
def test_the_common_os_errors_are_in_the_users_language(code: int, zh: str, en: str) -> None:
    from lawtasks.i18n import os_reason

    error = OSError(code, os.strerror(code))
    assert (os_reason(error, lang="zh"), os_reason(error, lang="en")) == (zh, en)
    assert os_reason(code, lang="zh") == zh
    # Any other as the system says it.
    other = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert os_reason(other, lang="zh") == os.strerror(errno.ENOSPC)


def test_verify_names_each_place_of_an_altered_file_once(engine: Engine, tmp_path: Path) -> None:
    office = Ledger(engine, actor="office")
    minutes = _file(tmp_path, "会议纪要.pdf", b"minutes")
    _attach(office, "2.1", minutes)
    office.undo()
    _attach(office, "2.1", minutes)  # attached, undone, attached again: one place
    _attach(office, "2.2", minutes)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE evidence_file SET content = :bytes WHERE sha256 = :sha"),
            {"bytes": b"forged", "sha": hashlib.sha256(b"minutes").hexdigest()},
        )
    (finding,) = verify(engine).findings
    message = finding.message()
    assert message.count("2.1 会议纪要.pdf") == 1, message
    assert "2.1 会议纪要.pdf, 2.2 会议纪要.pdf" in message, message
