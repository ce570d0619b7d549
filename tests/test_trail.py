"""The trail that shows tampering: `lawtasks verify` against the rows and against heads kept
outside the ledger (issue 13, item 11).

Each test tampers with a worked ledger the way someone with the database file, or the
database owner's login, would: straight SQL, bypassing the service layer, and where the
chain would give it away, re-chaining the trail with the project's own digest function.
The first five were caught by the chain alone; the rest were not, and are caught now either
by replaying the trail against the rows, or by a head kept outside the database (a report,
or a heads file written by `verify --record`). Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update
from typer.testing import CliRunner

from lawtasks import i18n
from lawtasks.audit import GENESIS, Finding, digest, verify
from lawtasks.cli import app
from lawtasks.db import make_engine
from lawtasks.errors import DomainError
from lawtasks.models import Event
from lawtasks.services import ItemReturn, Ledger

from .test_fastread import random_changes, random_plan

FIRST_SCHEMA = Path(__file__).parent / "fixtures" / "ledger-schema1.db"
EVENT = Event.__table__  # type: ignore[attr-defined]


# -- helpers -----------------------------------------------------------------------------------


def url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def run(engine: Engine, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", url(engine), *args])
    return result.exit_code, result.stdout, result.stderr


def tamper(engine: Engine, sql: str, **params: object) -> None:
    """Write straight to the database, as the file's owner or the database owner would."""
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        assert path is not None
        connection = sqlite3.connect(path)
        try:
            connection.execute(sql, params)
            connection.commit()
        finally:
            connection.close()
    else:
        with engine.begin() as connection:
            connection.execute(text(sql), params)


def rechain(engine: Engine) -> None:
    """Give every event the digest the chain expects: what a forger with the code would do."""
    with engine.begin() as connection:
        previous = GENESIS
        for row in list(connection.execute(select(EVENT).order_by(EVENT.c.id))):
            expected = digest(previous, row)
            if expected != row.digest:
                connection.execute(
                    update(EVENT).where(EVENT.c.id == row.id).values(digest=expected)
                )
            previous = expected


def event_ids(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(select(EVENT.c.id).order_by(EVENT.c.id))]


def scalar(engine: Engine, sql: str, **params: object) -> Any:
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar_one()


def first(engine: Engine) -> Finding:
    report = verify(engine)
    assert report.chain_intact, "the chain itself must verify: only the replay shows this"
    assert report.findings, "verify found nothing"
    return report.findings[0]


def refused(engine: Engine, *args: str) -> str:
    """Run verify, which must exit 1; its one line of error."""
    code, _, err = run(engine, "verify", *args)
    assert code == 1, err
    assert "Traceback" not in err
    return err


@pytest.fixture
def worked(ledger: Ledger) -> Ledger:
    """A plan mid-year: changes, notes on an item and a task, a note undone, a user."""
    ledger.update(["2.1"], progress=40)
    ledger.add_note("2.1", "已召开部署会")
    ledger.update(["3.1"], status="blocked", due=date(2022, 9, 30))
    ledger.add_note("2", "任务级备注")
    ledger.add_note("4.1", "写错了")
    ledger.undo()  # retracts the note on 4.1
    ledger.update(["1.1"], status="done")
    return ledger


@pytest.fixture
def engine_of(worked: Ledger) -> Engine:
    return worked.engine


def note_id(engine: Engine, body: str) -> int:
    return int(scalar(engine, "SELECT id FROM note WHERE text = :body", body=body))


def item_id(engine: Engine, ref: str) -> int:
    task, item = ref.split(".")
    return int(
        scalar(
            engine,
            "SELECT item.id FROM item JOIN task ON task.id = item.task_id"
            " WHERE task.seq = :task AND item.seq = :item",
            task=int(task),
            item=int(item),
        )
    )


# -- an honest ledger verifies -----------------------------------------------------------------


def test_an_honest_ledger_is_intact_with_its_head(engine_of: Engine) -> None:
    report = verify(engine_of)
    assert report.intact, [finding.message() for finding in report.findings]
    assert report.unchecked == ()
    ids = event_ids(engine_of)
    assert report.events == len(ids)
    last = scalar(engine_of, "SELECT digest FROM event WHERE id = :id", id=ids[-1])
    assert report.head == last
    code, out, _ = run(engine_of, "verify")
    assert code == 0
    assert f"intact: {len(ids)} events" in out
    assert "match the trail" in out
    assert last in out


def test_honest_work_of_every_kind_never_looks_like_tampering(engine: Engine) -> None:
    """Random ledgers made through the service layer: imports, re-imports that add items,
    every kind of change, notes, undos and returns. The replay must find nothing."""
    rng = random.Random(13)
    for round_ in range(3):
        parsed = random_plan(rng, 2023 + round_)
        ledger = Ledger(engine, actor=f"officer{round_}", plan=f"p{round_}")
        ledger.import_plan(parsed, slug=f"p{round_}")
        refs = [f"{t.seq}.{i.seq}" for t in parsed.tasks for i in t.items]
        random_changes(rng, ledger, refs)
        ledger.apply_returns([ItemReturn(ref=refs[0], progress=55, note="填报")])
        # A longer report of the same plan adds items and reseals the plan.
        longer = random_plan(random.Random(round_), 2023 + round_)
        ledger.import_plan(longer, slug=f"p{round_}")
        random_changes(rng, ledger, refs)
    report = verify(engine)
    assert report.intact, [finding.message() for finding in report.findings]
    assert report.events > 20


# -- the five the chain caught already ---------------------------------------------------------


def test_altering_an_events_value_breaks_the_chain(engine_of: Engine) -> None:
    target = scalar(engine_of, "SELECT min(id) FROM event WHERE field = 'progress'")
    tamper(engine_of, "UPDATE event SET new = '90' WHERE id = :id", id=target)
    assert verify(engine_of).first_bad == target
    assert f"event {target}" in refused(engine_of)


def test_altering_an_events_actor_breaks_the_chain(engine_of: Engine) -> None:
    target = event_ids(engine_of)[2]
    tamper(engine_of, "UPDATE event SET actor = 'someone' WHERE id = :id", id=target)
    assert verify(engine_of).first_bad == target


def test_deleting_an_event_in_the_middle_breaks_the_chain(engine_of: Engine) -> None:
    ids = event_ids(engine_of)
    tamper(engine_of, "DELETE FROM event WHERE id = :id", id=ids[2])
    assert verify(engine_of).first_bad == ids[3]


def test_an_event_with_a_made_up_digest_breaks_the_chain(engine_of: Engine) -> None:
    last = event_ids(engine_of)[-1]
    tamper(
        engine_of,
        "INSERT INTO event (id, plan_id, batch, actor, at, action, field, new, digest)"
        " SELECT :id, plan_id, 'x', 'forger', at, 'set', 'note', 'x', :digest"
        " FROM event WHERE id = :last",
        id=last + 1,
        last=last,
        digest="f" * 64,
    )
    assert verify(engine_of).first_bad == last + 1


def test_swapping_two_events_digests_breaks_the_chain(engine_of: Engine) -> None:
    ids = event_ids(engine_of)
    tamper(engine_of, "UPDATE event SET digest = :d WHERE id = :id", d="0" * 64, id=ids[1])
    assert verify(engine_of).first_bad == ids[1]


# -- deletions at the end and re-chained trails: a head kept outside the ledger ---------------


def test_deleting_the_last_event_is_caught_against_a_recorded_head(
    engine_of: Engine, tmp_path: Path
) -> None:
    heads = tmp_path / "留痕.txt"
    code, out, _ = run(engine_of, "verify", "--record", str(heads))
    assert code == 0, out
    recorded = heads.read_text(encoding="utf-8")
    count = len(event_ids(engine_of))
    assert f" events={count} head=" in recorded
    # The last event was 1.1's progress; its row is put back too, so the rows agree.
    tamper(engine_of, "DELETE FROM event WHERE id = :id", id=event_ids(engine_of)[-1])
    tamper(engine_of, "UPDATE item SET progress = 0 WHERE id = :id", id=item_id(engine_of, "1.1"))
    assert verify(engine_of).intact  # the chain and the rows alone cannot show it
    error = refused(engine_of, "--against", str(heads))
    assert f"the trail has {count - 1} events" in error
    assert f"has {count}: events were deleted from the end" in error


def test_deleting_the_last_three_events_is_caught_against_a_report(
    engine_of: Engine, tmp_path: Path
) -> None:
    report = tmp_path / "report.md"
    assert run(engine_of, "export", "-f", "md", "-o", str(report))[0] == 0
    assert "Audit trail: " in report.read_text(encoding="utf-8").splitlines()[-1]
    ids = event_ids(engine_of)
    for event in ids[-3:]:
        tamper(engine_of, "DELETE FROM event WHERE id = :id", id=event)
    error = refused(engine_of, "--against", str(report))
    assert f"the trail has {len(ids) - 3} events" in error
    # Without the report, the rows still show what the deleted events had done.
    finding = first(engine_of)
    assert finding.key == "trail.item_unlogged"
    assert (finding.ref, finding.field, finding.found) == ("1.1", "status", "done")


def test_a_forged_chained_event_the_rows_do_not_bear_out(engine_of: Engine) -> None:
    last = event_ids(engine_of)[-1]
    victim = item_id(engine_of, "2.2")
    tamper(
        engine_of,
        "INSERT INTO event (id, plan_id, task_id, item_id, batch, actor, at, action, field,"
        " old, new, digest) SELECT :id, plan_id, task_id, :item, 'forged', 'alice', at, 'set',"
        " 'progress', '0', '100', '' FROM event WHERE id = :last",
        id=last + 1,
        item=victim,
        last=last,
    )
    rechain(engine_of)
    finding = first(engine_of)
    assert (finding.key, finding.event, finding.ref, finding.field) == (
        "trail.item_field",
        last + 1,
        "2.2",
        "progress",
    )
    assert (finding.expected, finding.found) == ("100", "0")
    error = refused(engine_of)
    assert f"item 2.2: its progress is “0”, but its latest event ({last + 1}) says “100”" in error


def test_a_forged_event_in_place_of_the_last_is_caught_against_a_json_report(
    engine_of: Engine, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    assert run(engine_of, "export", "-f", "json", "-o", str(report))[0] == 0
    kept = json.loads(report.read_text(encoding="utf-8"))["trail"]
    ids = event_ids(engine_of)
    assert kept["events"] == len(ids)
    # The last event (1.1's progress, 0 → 100) is made someone else's, and re-chained:
    # count, rows and chain all agree.
    tamper(engine_of, "UPDATE event SET actor = 'alice' WHERE id = :id", id=ids[-1])
    tamper(engine_of, "UPDATE item SET updated_by = 'alice' WHERE id = :id",
           id=item_id(engine_of, "1.1"))  # fmt: skip
    rechain(engine_of)
    assert verify(engine_of).intact
    error = refused(engine_of, "--against", str(report))
    assert f"event number {len(ids)} no longer has the digest kept in {report}" in error
    assert "altered and re-chained" in error


def test_altering_an_event_and_rechaining_is_caught_by_the_rows(engine_of: Engine) -> None:
    target = scalar(engine_of, "SELECT max(id) FROM event WHERE field = 'progress'"
                    " AND item_id = :item", item=item_id(engine_of, "2.1"))  # fmt: skip
    tamper(engine_of, "UPDATE event SET new = '90' WHERE id = :id", id=target)
    rechain(engine_of)
    finding = first(engine_of)
    assert (finding.event, finding.ref, finding.field) == (target, "2.1", "progress")
    assert (finding.expected, finding.found) == ("90", "40")


def test_altering_an_event_and_rechaining_is_caught_against_an_xlsx_report(
    engine_of: Engine, tmp_path: Path
) -> None:
    report = tmp_path / "台账.xlsx"
    assert run(engine_of, "export", "-f", "xlsx", "-o", str(report))[0] == 0
    # Who made the first change is rewritten: no row says otherwise.
    target = event_ids(engine_of)[1]
    tamper(engine_of, "UPDATE event SET actor = 'alice' WHERE id = :id", id=target)
    rechain(engine_of)
    assert verify(engine_of).intact
    assert "altered and re-chained" in refused(engine_of, "--against", str(report))


def test_every_report_format_and_a_heads_file_anchor_the_trail(
    engine_of: Engine, tmp_path: Path
) -> None:
    files = []
    for fmt in ("md", "csv", "json", "xlsx", "docx"):
        path = tmp_path / f"report.{fmt}"
        assert run(engine_of, "export", "-f", fmt, "-o", str(path))[0] == 0
        files.append(path)
    heads = tmp_path / "heads.txt"
    assert run(engine_of, "verify", "--record", str(heads))[0] == 0
    Ledger(engine_of, actor="officer").update(["2.2"], progress=10)  # honest work since
    assert run(engine_of, "verify", "--record", str(heads))[0] == 0
    assert len(heads.read_text(encoding="utf-8").splitlines()) == 2
    against = [arg for path in [*files, heads] for arg in ("--against", str(path))]
    code, out, err = run(engine_of, "verify", *against)
    assert code == 0, err
    assert "Heads kept elsewhere checked: 7" in out
    # Re-chaining from the second event on contradicts every one of them.
    tamper(engine_of, "UPDATE event SET actor = 'x' WHERE id = :id", id=event_ids(engine_of)[1])
    rechain(engine_of)
    code, out, _ = run(engine_of, "verify", "-f", "json", *against)
    assert code == 1
    data = json.loads(out)
    assert data["intact"] is False
    assert data["chain_broken_at"] is None
    sources = [f["source"] for f in data["findings"] if f["kind"] == "anchor_differs"]
    assert sources == [*map(str, files), f"{heads}:1", f"{heads}:2"]


def test_sheets_and_reminders_carry_the_head(engine_of: Engine, tmp_path: Path) -> None:
    Ledger(engine_of, actor="officer").update(["2.2"], lead_unit="县司法局", due=date(2022, 3, 1))
    assert run(engine_of, "sheets", "-o", str(tmp_path))[0] == 0
    assert run(engine_of, "--today", "2022-06-01", "remind", "-f", "docx", "-o",
               str(tmp_path))[0] == 0  # fmt: skip
    made = sorted(tmp_path.glob("*.xlsx")) + sorted(tmp_path.glob("*.docx"))
    assert any(path.suffix == ".docx" for path in made)
    against = [arg for path in made for arg in ("--against", str(path))]
    assert run(engine_of, "verify", *against)[0] == 0
    tamper(engine_of, "DELETE FROM event WHERE id = :id", id=event_ids(engine_of)[-1])
    assert "events were deleted" in refused(engine_of, *against)


def test_a_chinese_report_is_read_on_an_english_machine(engine_of: Engine, tmp_path: Path) -> None:
    report = tmp_path / "报告.docx"
    result = CliRunner().invoke(
        app, ["--lang", "zh", "--db", url(engine_of), "export", "-f", "docx", "-o", str(report)]
    )
    assert result.exit_code == 0, result.stderr
    from docx import Document

    last = Document(str(report)).paragraphs[-1].text
    assert last.startswith("留痕：")
    i18n.set_language("en")  # the in-process run above left Chinese set
    tamper(engine_of, "DELETE FROM event WHERE id = :id", id=event_ids(engine_of)[-1])
    assert "events were deleted" in refused(engine_of, "--against", str(report))


# -- rows changed behind the app's back: the replay ------------------------------------------


def test_editing_an_item_value_that_has_events(engine_of: Engine) -> None:
    tamper(engine_of, "UPDATE item SET progress = 90 WHERE id = :id", id=item_id(engine_of, "2.1"))
    finding = first(engine_of)
    assert finding.key == "trail.item_field"
    assert (finding.ref, finding.field, finding.expected, finding.found) == (
        "2.1",
        "progress",
        "40",
        "90",
    )
    error = refused(engine_of)
    assert f"item 2.1: its progress is “90”, but its latest event ({finding.event}) says “40”" in (
        error
    )


def test_editing_an_item_value_no_event_ever_changed(engine_of: Engine) -> None:
    tamper(
        engine_of, "UPDATE item SET status = 'done', progress = 100 WHERE id = :id",
        id=item_id(engine_of, "5.2"),
    )  # fmt: skip
    finding = first(engine_of)
    assert (finding.key, finding.ref, finding.field) == ("trail.item_unlogged", "5.2", "status")
    assert (finding.expected, finding.found) == ("not_started", "done")
    assert len(verify(engine_of).findings) == 2  # status and progress


def test_an_item_changed_in_someone_elses_name(engine_of: Engine) -> None:
    tamper(engine_of, "UPDATE item SET updated_by = 'alice' WHERE id = :id",
           id=item_id(engine_of, "2.1"))  # fmt: skip
    finding = first(engine_of)
    assert (finding.key, finding.ref) == ("trail.item_touched", "2.1")
    assert str(finding.found).startswith("alice ")
    assert str(finding.expected).startswith("officer ")


def test_changing_an_items_title_directly_breaks_the_import_seal(engine_of: Engine) -> None:
    tamper(
        engine_of,
        "UPDATE item SET title = '改过的标题' WHERE id = :id",
        id=item_id(engine_of, "3.2"),
    )
    finding = first(engine_of)
    assert finding.key == "trail.import_seal"
    assert finding.plan == "tonglu-2022"
    assert finding.event == event_ids(engine_of)[0]
    assert "no longer match what its import (event" in refused(engine_of)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE item SET text = 'x' WHERE id = :id",
        "UPDATE item SET lead_unit = '县公安局' WHERE id = :id",  # a unit never changed
        "UPDATE item SET seq = 9 WHERE id = :id",
        "DELETE FROM item WHERE id = :id",
    ],
)
def test_other_imported_content_changed_directly(engine_of: Engine, sql: str) -> None:
    tamper(engine_of, sql, id=item_id(engine_of, "6.4"))
    assert first(engine_of).key == "trail.import_seal"


def test_an_item_added_directly(engine_of: Engine) -> None:
    tamper(
        engine_of,
        "INSERT INTO item (task_id, seq, title, text, status, progress, version)"
        " SELECT task_id, 99, '新增', '新增', 'not_started', 0, 1 FROM item WHERE id = :id",
        id=item_id(engine_of, "6.4"),
    )
    assert first(engine_of).key == "trail.import_seal"


def test_deleting_an_item_that_has_events(engine_of: Engine) -> None:
    victim = item_id(engine_of, "3.1")
    if engine_of.dialect.name == "postgresql":
        # The owner can drop what stands in the way; sqlite3 checks no foreign key by default.
        tamper(engine_of, "ALTER TABLE event DROP CONSTRAINT event_item_id_fkey")
    tamper(engine_of, "DELETE FROM item WHERE id = :id", id=victim)
    finding = first(engine_of)
    assert (finding.key, finding.found) == ("trail.item_gone", str(victim))
    # The seal says so too, after the concrete findings.
    assert verify(engine_of).findings[-1].key == "trail.import_seal"


# -- notes ---------------------------------------------------------------------------------


def test_rewriting_a_notes_text(engine_of: Engine) -> None:
    note = note_id(engine_of, "已召开部署会")
    tamper(engine_of, "UPDATE note SET text = '已全部完成' WHERE id = :id", id=note)
    finding = first(engine_of)
    assert (finding.key, finding.note, finding.ref, finding.field) == (
        "trail.note_changed",
        note,
        "2.1",
        "text",
    )
    assert (finding.expected, finding.found) == ("已召开部署会", "已全部完成")
    assert "its text is “已全部完成”, but its event" in refused(engine_of)


def test_removing_a_note_without_its_event(engine_of: Engine) -> None:
    note = note_id(engine_of, "任务级备注")
    if engine_of.dialect.name == "postgresql":
        tamper(engine_of, "ALTER TABLE event DROP CONSTRAINT event_note_id_fkey")
    tamper(engine_of, "DELETE FROM note WHERE id = :id", id=note)
    finding = first(engine_of)
    assert (finding.key, finding.note, finding.ref) == ("trail.note_gone", note, "2")
    assert "is no longer in the ledger" in refused(engine_of)


def test_a_note_added_without_an_event(engine_of: Engine) -> None:
    tamper(
        engine_of,
        "INSERT INTO note (plan_id, task_id, item_id, text, author, created_at, retracted)"
        " SELECT plan_id, task_id, item_id, '补记', author, created_at, retracted"
        " FROM note WHERE id = :id",
        id=note_id(engine_of, "已召开部署会"),
    )
    finding = first(engine_of)
    assert (finding.key, finding.ref, finding.found) == ("trail.note_unlogged", "2.1", "补记")


@pytest.mark.parametrize(
    ("sql", "part"),
    [
        ("UPDATE note SET author = 'alice' WHERE id = :id", "author"),
        ("UPDATE note SET item_id = :other WHERE id = :id", "place"),
    ],
)
def test_a_note_moved_or_reattributed(engine_of: Engine, sql: str, part: str) -> None:
    other = item_id(engine_of, "6.1")
    tamper(engine_of, sql, id=note_id(engine_of, "已召开部署会"), other=other)
    finding = first(engine_of)
    assert (finding.key, finding.field) == ("trail.note_changed", part)


def test_a_retracted_note_shown_again_and_a_note_hidden(engine_of: Engine) -> None:
    tamper(engine_of, "UPDATE note SET retracted = :no WHERE id = :id",
           no=False, id=note_id(engine_of, "写错了"))  # fmt: skip
    assert first(engine_of).key == "trail.note_unretracted"


def test_a_note_retracted_without_an_undo(engine_of: Engine) -> None:
    tamper(engine_of, "UPDATE note SET retracted = :yes WHERE id = :id",
           yes=True, id=note_id(engine_of, "任务级备注"))  # fmt: skip
    finding = first(engine_of)
    assert (finding.key, finding.ref) == ("trail.note_retracted", "2")


# -- users -----------------------------------------------------------------------------------


def test_a_user_made_coordinator_directly(engine: Engine) -> None:
    ledger = Ledger(engine, actor="fzb")
    ledger.add_user("fzb", unit="县司法局", coordinator=True)
    ledger.add_user("gaj", unit="县公安局")
    assert verify(engine).intact
    tamper(engine, "UPDATE ledger_user SET coordinator = :yes WHERE name = 'gaj'", yes=True)
    finding = first(engine)
    assert (finding.key, finding.user, finding.field) == ("trail.user_field", "gaj", "coordinator")
    assert (finding.expected, finding.found) == ("no", "yes")


# -- ledgers made before imports were sealed ---------------------------------------------------


@pytest.mark.sqlite_only
def test_an_old_ledger_says_what_cannot_be_checked(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(FIRST_SCHEMA, db)
    assert CliRunner().invoke(app, ["--db", str(db), "db", "upgrade"]).exit_code == 0
    engine = make_engine(f"sqlite:///{db}")
    report = verify(engine)
    assert report.intact
    assert report.unchecked == ("tonglu-2022",)
    code, out, _ = run(engine, "verify")
    assert code == 0
    assert "imported before imports were sealed" in out
    # What can be checked still is: a value changed without an event.
    tamper(engine, "UPDATE item SET progress = 77 WHERE id = 1")
    assert first(engine).field == "progress"


# -- the files verify reads -----------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_files_that_hold_no_head_are_refused(engine: Engine, tmp_path: Path) -> None:
    missing = tmp_path / "missing.md"
    assert f"Cannot read {missing}" in refused(engine, "--against", str(missing))
    plain = tmp_path / "notes.txt"
    plain.write_text("nothing here\n", encoding="utf-8")
    assert f"{plain} holds no trail head" in refused(engine, "--against", str(plain))
    heads = tmp_path / "heads.txt"
    assert run(engine, "verify", "--record", str(heads))[0] == 0
    with heads.open("a", encoding="utf-8") as handle:
        handle.write("# kept by the office\n\nsomething else\n")
    assert f"{heads} line 4 is not a trail head" in refused(engine, "--against", str(heads))


@pytest.mark.sqlite_only
def test_a_tampered_trail_is_not_recorded(engine: Engine, tmp_path: Path) -> None:
    Ledger(engine, actor="officer").update(["2.1"], progress=40)
    tamper(engine, "UPDATE item SET progress = 41 WHERE progress = 40")
    heads = tmp_path / "heads.txt"
    refused(engine, "--record", str(heads))
    assert not heads.exists()


def test_reports_without_a_ledger_carry_no_head() -> None:
    """A view built from rows (not read from a ledger) has no head, and no report invents one."""
    from lawtasks.exporters import ExportRequest, render_text
    from lawtasks.exporters.trail import read_heads  # noqa: F401 - importable without a db
    from lawtasks.readmodel import PlanView

    view = PlanView(
        slug="p", title="t", year=2022, goal="", source_name="", published=None,
        start_date=date(2022, 1, 1), today=date(2022, 6, 1), tasks=(),
    )  # fmt: skip
    request = ExportRequest(view=view, exported_by="x")
    assert "Audit trail" not in render_text("md", request)
    assert json.loads(render_text("json", request))["trail"] is None


def test_a_digest_prefix_too_short_is_not_a_head(tmp_path: Path) -> None:
    from lawtasks.exporters.trail import read_heads

    path = tmp_path / "r.md"
    path.write_text("Audit trail: 5 events, last digest abcd\n", encoding="utf-8")
    with pytest.raises(DomainError):
        read_heads(path)
    path.write_text("Audit trail: 5 events, last digest abcdef012345\n", encoding="utf-8")
    assert [(h.events, h.head) for h in read_heads(path)] == [(5, "abcdef012345")]


@pytest.mark.sqlite_only
def test_the_ledger_itself_is_never_a_heads_file(engine: Engine, tmp_path: Path) -> None:
    ledger = Path(str(engine.url.database))
    engine.dispose()
    before = ledger.read_bytes()
    for target in (ledger, Path(f"{ledger}-wal")):
        error = refused(engine, "--record", str(target))
        assert "Will not write" in error
    assert ledger.read_bytes() == before
    assert verify(engine).intact


@pytest.mark.sqlite_only
def test_a_pipe_is_refused_rather_than_waited_on(engine: Engine, tmp_path: Path) -> None:
    import os

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)  # POSIX only, as the officers' Windows has no named pipes in its paths
    assert "a named pipe" in refused(engine, "--against", str(pipe))
    assert "a named pipe" in refused(engine, "--record", str(pipe))
