"""Trust: concurrent writers, crashes, bad files, tampering and hostile text.

Each test would fail without the mechanism it names: BEGIN IMMEDIATE and the busy retry,
SQLite's atomic commit, the error advice in lawtasks.db, the hash chain in lawtasks.audit,
and `printable` in every output.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from lawtasks.audit import verify
from lawtasks.cli import app
from lawtasks.db import make_engine
from lawtasks.location import SCHEMA_VERSION
from lawtasks.readmodel import load_plan
from lawtasks.seed import seed
from lawtasks.services import Ledger
from lawtasks.tui.app import make_app

from .conftest import TODAY

# These try the SQLite file itself (kills, damage, file modes): SQLite alone.
pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

WORKERS = 4
UPDATES = 100
NOTES = 100

# Each worker drives the real CLI in-process, as a script looping over `lawtasks` would,
# without paying a process start per call.
WORKER = textwrap.dedent(
    """
    import sys
    from lawtasks.cli import app
    db, worker, updates, notes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    item = f"{worker + 1}.1"
    def run(*args):
        try:
            app([ "--db", db, "--user", f"worker-{worker}", *args], standalone_mode=False)
        except SystemExit as exit:
            if exit.code:
                raise
    for n in range(1, updates + 1):
        run("set", item, "--progress", str(n))
        if n <= notes:
            run("note", "1.1", f"worker {worker} note {n}")
    """
)


def dump(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return [
            *connection.execute("SELECT id, status, progress, version FROM item ORDER BY id"),
            *connection.execute("SELECT count(*) FROM note"),
            *connection.execute("SELECT count(*) FROM event"),
        ]


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


# -- concurrent writers -------------------------------------------------------------------


def test_four_writers_and_an_open_tui_lose_nothing(engine: Engine, db_path: Path) -> None:
    app_ = make_app(engine=engine, actor="watcher", today=TODAY, poll_interval=0.1)
    outcomes: list[subprocess.CompletedProcess[str]] = []

    async def main() -> None:
        async with app_.run_test() as pilot:
            processes = [
                subprocess.Popen(
                    [sys.executable, "-c", WORKER, str(db_path), str(w), str(UPDATES), str(NOTES)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for w in range(WORKERS)
            ]
            deadline = time.monotonic() + 240
            while any(p.poll() is None for p in processes):
                assert time.monotonic() < deadline, "the writers did not finish in time"
                await pilot.pause(0.1)
            for process in processes:
                out, err = process.communicate()
                outcomes.append(
                    subprocess.CompletedProcess(process.args, process.returncode, out, err)
                )
            await pilot.pause(0.5)
            screen = app_.screen_stack[1]
            shown = {item.id: item.progress for item in screen.view.items}  # type: ignore[attr-defined]
            assert all(shown[f"{w + 1}.1"] == UPDATES for w in range(WORKERS))

    asyncio.run(main())
    for outcome in outcomes:
        assert outcome.returncode == 0, outcome.stderr
        assert "locked" not in outcome.stderr
    view = load_plan(engine, slug=None, today=TODAY)
    items = {item.id: item for item in view.items}
    for worker in range(WORKERS):
        item = items[f"{worker + 1}.1"]
        # 100 updates: progress 1..99, then 100 (which also marks it done)
        assert (item.progress, item.status.value) == (UPDATES, "done")
        assert item.version == 1 + UPDATES
    notes = [note.text for note in items["1.1"].notes]
    assert len(notes) == WORKERS * NOTES
    assert len(set(notes)) == WORKERS * NOTES
    with sqlite3.connect(db_path) as connection:
        progress_events = connection.execute(
            "SELECT actor, count(*) FROM event WHERE field = 'progress' GROUP BY actor"
        ).fetchall()
    assert dict(progress_events) == {f"worker-{w}": UPDATES for w in range(WORKERS)}
    assert verify(engine).intact
    assert integrity(db_path) == "ok"


# -- crash safety ----------------------------------------------------------------------------


def big_report(tasks: int, items: int) -> str:
    numerals = "一二三四五六七八九十"
    paragraphs = [
        f"({numerals[t]})第{t + 1}项任务。"
        + "".join(f"第{t + 1}项任务的第{i + 1}个事项,推进落实。" for i in range(items))
        for t in range(tasks)
    ]
    return "测试县法治政府建设工作要点\n\n三、2023年主要工作任务\n\n" + "\n\n".join(paragraphs)


def test_a_killed_set_leaves_all_or_nothing(tmp_path: Path) -> None:
    db = tmp_path / "big.db"
    report = tmp_path / "big.txt"
    report.write_text(big_report(4, 1000), encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", str(db), "import", str(report), "--slug", "big"])
    assert result.exit_code == 0, result.output
    random.seed(7)
    seen_partial = set()
    for attempt, value in enumerate([30, 60, 45, 75, 15, 90]):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "lawtasks",
                "--db",
                str(db),
                "--plan",
                "big",
                "set",
                "1",
                "2",
                "3",
                "4",
                "--progress",
                str(value),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.3 + random.random() * 1.2 if attempt % 2 else 0.4 + attempt * 0.1)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert integrity(db) == "ok"
        with sqlite3.connect(db) as connection:
            values = {
                row[0]
                for row in connection.execute(
                    "SELECT progress FROM item JOIN task ON item.task_id = task.id "
                    "JOIN plan ON task.plan_id = plan.id WHERE plan.slug = 'big'"
                )
            }
        assert len(values) == 1, f"half-applied: {sorted(values)[:5]}"
        seen_partial |= values
    assert verify(make_engine(f"sqlite:///{db}")).intact


def test_a_killed_import_leaves_no_half_plan(tmp_path: Path, db_path: Path) -> None:
    report = tmp_path / "big.txt"
    report.write_text(big_report(10, 800), encoding="utf-8")
    CliRunner().invoke(app, ["--db", str(db_path), "init"])
    before = dump(db_path)
    for delay in (0.6, 1.0, 1.4):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "lawtasks",
                "--db",
                str(db_path),
                "import",
                str(report),
                "--slug",
                f"big-{int(delay * 10)}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert integrity(db_path) == "ok"
        with sqlite3.connect(db_path) as connection:
            counts = connection.execute(
                "SELECT plan.slug, count(item.id) FROM plan JOIN task ON task.plan_id = plan.id "
                "JOIN item ON item.task_id = task.id GROUP BY plan.slug"
            ).fetchall()
        for slug, count in counts:
            assert slug == "tonglu-2022" or count == 8000, (slug, count)
        if len(counts) == 1:
            assert dump(db_path) == before


# -- bad database files ----------------------------------------------------------------------


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_files_are_private(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    cli("--db", str(db), "set", "1.1", "--progress", "5")
    code, _, _ = cli("--db", str(db), "backup", str(tmp_path / "copy.db"))
    assert code == 0
    for path in (db, tmp_path / "copy.db", *tmp_path.glob("ledger.db-*")):
        assert path.stat().st_mode & 0o777 == 0o600, path


@pytest.mark.parametrize("damage", ["text", "truncated", "zeroed-header"])
def test_a_damaged_file_gets_one_clear_message(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "ledger.db"
    seeded = make_engine(f"sqlite:///{db}")
    seed(seeded)
    seeded.dispose()  # no connection of this process may keep the old pages in view
    data = db.read_bytes()
    if damage == "text":
        db.write_text("姓名,进度\n张三,50\n" * 200, encoding="utf-8")
    elif damage == "truncated":
        db.write_bytes(data[: len(data) // 3])
    else:
        db.write_bytes(b"\0" * 100 + data[100:])
    before = db.read_bytes()
    code, _, err = cli("--db", str(db), "list")
    assert code == 1
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert str(db) in err
    assert "restore a backup" in err or "check the path" in err
    assert db.read_bytes() == before


def test_a_read_only_database_reads_but_refuses_writes(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    cli("--db", str(db), "init")
    before = dump(db)
    read_only = f"sqlite:///file:{db}?mode=ro&uri=true"
    code, out, _ = cli("--db", read_only, "show", "2.1", "--format", "json")
    assert code == 0
    assert json.loads(out)["item"]["id"] == "2.1"
    code, _, err = cli("--db", read_only, "set", "2.1", "--progress", "50")
    assert code == 1
    assert "read-only" in err
    assert dump(db) == before


def test_a_database_from_a_newer_lawtasks_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    cli("--db", str(db), "init")
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    before = dump(db)
    code, _, err = cli("--db", str(db), "list")
    assert code == 1
    assert f"newer lawtasks (schema version 99; this one reads {SCHEMA_VERSION})" in err
    assert dump(db) == before


def test_a_full_disk_is_reported_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    cli("--db", str(db), "init")
    before = dump(db)
    limit = db.stat().st_size + 4096

    def small_disk() -> None:
        # A file-size limit stands in for a full disk; SIGXFSZ would kill rather than fail.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(
        [sys.executable, "-m", "lawtasks", "--db", str(db), "note", "2.1", "-"],
        input="进展" * 40_000,
        capture_output=True,
        text=True,
        preexec_fn=small_disk,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "the disk may be full" in result.stderr
    assert "the ledger is unchanged" in result.stderr
    assert "Traceback" not in result.stderr
    assert integrity(db) == "ok"
    assert dump(db) == before


# -- the audit trail ---------------------------------------------------------------------------


def test_altering_an_event_is_detected(engine: Engine, db_path: Path, ledger: Ledger) -> None:
    ledger.update(["2.1"], progress=40)
    ledger.add_note("2.1", "已完成")
    ledger.undo()
    assert verify(engine).intact
    with sqlite3.connect(db_path) as connection:
        (target,) = connection.execute(
            "SELECT id FROM event WHERE field = 'progress' ORDER BY id LIMIT 1"
        ).fetchone()
        connection.execute("UPDATE event SET new = '90' WHERE id = ?", (target,))
    report = verify(engine)
    assert report.first_bad == target
    code, _, err = cli("--db", str(db_path), "verify")
    assert code == 1
    assert f"event {target}" in err


def test_deleting_an_event_is_detected(engine: Engine, db_path: Path, ledger: Ledger) -> None:
    ledger.update(["2.1"], progress=40)
    ledger.update(["2.2"], progress=50)
    with sqlite3.connect(db_path) as connection:
        ids = [row[0] for row in connection.execute("SELECT id FROM event ORDER BY id")]
        connection.execute("DELETE FROM event WHERE id = ?", (ids[2],))
    assert verify(engine).first_bad == ids[3]


def test_verify_reports_an_intact_trail(db_path: Path, ledger: Ledger) -> None:
    ledger.update(["1"], status="done")
    code, out, _ = cli("--db", str(db_path), "verify")
    assert code == 0
    # the import, then status and progress of each of task 1's two items
    assert "intact: 5 events" in out


# -- backup and restore ------------------------------------------------------------------------


def test_backup_while_writing_and_restore(tmp_path: Path, db_path: Path, ledger: Ledger) -> None:
    ledger.update(["3.1"], progress=30)
    backup = tmp_path / "backup.db"
    assert cli("--db", str(db_path), "backup", str(backup))[0] == 0
    ledger.update(["3.1"], progress=80)
    code, out, _ = cli("--db", str(db_path), "restore", str(backup))
    assert code == 0
    kept = Path(out.split("kept at ")[1].strip())
    assert kept.exists()
    engine = make_engine(f"sqlite:///{db_path}")
    assert (
        next(i for i in load_plan(engine, slug=None, today=TODAY).items if i.id == "3.1").progress
        == 30
    )
    old = make_engine(f"sqlite:///{kept}")
    assert (
        next(i for i in load_plan(old, slug=None, today=TODAY).items if i.id == "3.1").progress
        == 80
    )


def test_restore_refuses_a_bad_file_and_changes_nothing(
    tmp_path: Path, db_path: Path, engine: Engine
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(8192))
    before = dump(db_path)
    code, _, err = cli("--db", str(db_path), "restore", str(junk))
    assert code == 1
    assert "Cannot restore from" in err
    assert "unchanged" in err
    assert dump(db_path) == before
    assert not list(tmp_path.glob("ledger-replaced-*"))


# -- hostile text ------------------------------------------------------------------------------


HOSTILE = "\x1b]0;pwned\x07\x1b[2J[red]x[/] [link=file:///etc/passwd]y[/link]"


def test_escape_sequences_are_neutralised_in_every_text_output(
    engine: Engine, db_path: Path, ledger: Ledger
) -> None:
    ledger.add_note("2.1", "[red]x[/] [link=file:///etc/passwd]y[/link]")
    # Rows written by other means (an older version, a direct import) may hold controls.
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "UPDATE item SET target = ?, lead_unit = ? WHERE id = 4", (HOSTILE, HOSTILE)
        )
        connection.execute("UPDATE note SET text = ?", (HOSTILE,))
    outputs = [
        cli("--db", str(db_path), "list")[1],
        cli("--db", str(db_path), "show", "2.1")[1],
        cli("--db", str(db_path), "summary")[1],
        cli("--db", str(db_path), "log")[1],
        cli("--db", str(db_path), "export", "--format", "md")[1],
    ]
    for output in outputs:
        assert "\x1b" not in output
        assert "\x07" not in output
    assert "\\x1b]0;pwned" in outputs[1]
    assert "[red]x[/]" in outputs[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["set", "1.1", "--progress", "abc"], "Invalid progress abc"),
        (["set", "1.1", "--progress", "-1"], "Invalid progress -1"),
        (["set", "1.1", "--progress", "101"], "Invalid progress 101"),
        (["set", "1.1", "--progress", "50.5"], "Invalid progress 50.5"),
        (["set", "1.1", "--due", "2022-02-30"], "2022-02-30 does not exist: 2/2022 has 28 days"),
        (["set", "1.1", "--due", "明天"], "Invalid date 明天"),
        (["set", "0", "--progress", "1"], "Invalid ID 0"),
        (["set", "7", "--progress", "1"], "No task 7"),
        (["set", "1.9", "--progress", "1"], "No item 1.9"),
        (["set", "1.", "--progress", "1"], "Invalid ID 1."),
        (["set", "", "--progress", "1"], "Invalid ID"),
        (["note", "1.1", "x" * 1_000_001], "too long"),
        (["note", "1.1", "a\x00b"], "control characters"),
        (["note", "1.1", "\x1b[31mred"], "control characters"),
        (["note", "1.1", "\x1b]8;;http://x\x1b\\y"], "control characters"),
    ],
)
def test_bad_input_gets_one_message_and_changes_nothing(
    db_path: Path, engine: Engine, args: list[str], message: str
) -> None:
    before = dump(db_path)
    code, _, err = cli("--db", str(db_path), *args)
    assert code == 1
    assert message in err
    assert err.count("\n") == 1
    assert dump(db_path) == before


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02\xff" * 100, "三、2023年工作打算\n\n(一)测试。".encode("gbk")[:-3]],
    ids=["empty", "binary", "gbk-truncated"],
)
def test_bad_reports_are_refused_cleanly(
    tmp_path: Path, db_path: Path, engine: Engine, content: bytes
) -> None:
    report = tmp_path / "report.txt"
    report.write_bytes(content)
    before = dump(db_path)
    code, _, err = cli("--db", str(db_path), "import", str(report))
    assert code == 1
    assert "report.txt" in err
    assert "Traceback" not in err
    assert dump(db_path) == before


def test_a_password_is_never_printed(tmp_path: Path) -> None:
    for extra in ([], ["--debug"]):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "lawtasks",
                *extra,
                "--db",
                "postgresql+psycopg://officer:s3cr3t-pw@127.0.0.1:1/ledger",
                "list",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode != 0
        assert "s3cr3t-pw" not in result.stdout + result.stderr
