"""Files, paths, URLs and connections: what `--db`, `backup` and `restore` are given, and
what they do with it.

Each test names the mistake it guards against, as a careless officer (a typo, the ledger's
own name as a backup) or a hostile one (a FIFO, another user's file) would make it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlmodel import SQLModel
from typer.testing import CliRunner

import lawtasks.models  # noqa: F401 - the tables, for the half-made ledger
from lawtasks import db as db_module
from lawtasks.cli import app
from lawtasks.db import make_engine
from lawtasks.errors import DatabaseError
from lawtasks.fastread import Reader
from lawtasks.location import SCHEMA_VERSION, plain_sqlite_file, resolve_db_url
from lawtasks.services import Ledger

pytestmark = pytest.mark.sqlite_only


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def one_line(err: str) -> None:
    assert err.count("\n") == 1, err
    assert "Traceback" not in err


def ledger(tmp_path: Path, name: str = "l.db") -> Path:
    db = tmp_path / name
    assert cli("--db", str(db), "set", "1.1", "--progress", "7")[0] == 0
    return db


def state(db: Path) -> list[object]:
    with sqlite3.connect(db) as connection:
        rows = [
            *connection.execute("SELECT id, progress, version FROM item ORDER BY id"),
            *connection.execute("SELECT count(*) FROM event"),
            *connection.execute("PRAGMA integrity_check"),
        ]
    connection.close()
    return rows


def progress(db: Path, ref: str = "1.1") -> int:
    code, out, err = cli("--db", str(db), "show", ref, "--format", "json")
    assert code == 0, err
    return int(json.loads(out)["item"]["progress"])


def subprocess_env(tmp_path: Path) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("LAWTASKS_", "LC_"))}
    return environ | {
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "LAWTASKS_LANG": "en",
        "LAWTASKS_USER": "tester",
    }


# -- backups -----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("target", ["same", "relative", "wal", "shm", "hard link", "symlink"])
def test_backup_refuses_the_ledger_itself(tmp_path: Path, target: str) -> None:
    db = ledger(tmp_path)
    # The reader of another process keeps the -wal and -shm files in place.
    holder = sqlite3.connect(db)
    holder.execute("SELECT count(*) FROM item").fetchone()
    before = state(db)
    path = {
        "same": str(db),
        "relative": "./l.db",
        "wal": f"{db}-wal",
        "shm": f"{db}-shm",
        "hard link": str(tmp_path / "hard.db"),
        "symlink": str(tmp_path / "sym.db"),
    }[target]
    if target == "hard link":
        os.link(db, path)
    if target == "symlink":
        os.symlink(db, path)
    try:
        # A process of its own: a backup that empties the ledger hangs on it.
        result = subprocess.run(
            [sys.executable, "-m", "lawtasks", "--db", str(db), "backup", path],
            env=subprocess_env(tmp_path),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        holder.close()
    assert result.returncode == 1
    one_line(result.stderr)
    assert "itself" in result.stderr
    assert state(db) == before
    assert cli("--db", str(db), "verify")[0] == 0


# A backup process killed while it copies: after the first page, before the last.
KILLED_BACKUP = textwrap.dedent(
    """
    import os, signal, sqlite3, sys

    connect = sqlite3.connect

    class Killed(sqlite3.Connection):
        def backup(self, target, **options):
            def progress(status, remaining, total):
                os.kill(os.getpid(), signal.SIGKILL)
            return super().backup(target, pages=1, progress=progress)

    sqlite3.connect = lambda *args, **kwargs: connect(*args, factory=Killed, **kwargs)
    from lawtasks.cli import app
    app(["--db", sys.argv[1], "backup", sys.argv[2]])
    """
)


def test_a_killed_backup_leaves_the_earlier_backup_whole(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    earlier = tmp_path / "backup.db"
    assert cli("--db", str(db), "backup", str(earlier))[0] == 0
    kept = earlier.read_bytes()
    assert cli("--db", str(db), "set", "1.1", "--progress", "70")[0] == 0
    result = subprocess.run(
        [sys.executable, "-c", KILLED_BACKUP, str(db), str(earlier)],
        env=subprocess_env(tmp_path),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert earlier.read_bytes() == kept
    assert progress(earlier) == 7
    # Whatever was left half-written is not named like a backup.
    assert {path.name for path in tmp_path.glob("*.db")} == {"l.db", "backup.db"}


def test_backup_restore_and_kept_copy_are_private(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    backup = tmp_path / "backup.db"
    assert cli("--db", str(db), "backup", str(backup))[0] == 0
    os.chmod(db, 0o644)  # as an older lawtasks, or a copy, may have left it
    code, out, _ = cli("--db", str(db), "restore", str(backup))
    assert code == 0
    kept = Path(out.split("kept at ")[1].strip())
    fresh = tmp_path / "fresh.db"
    assert cli("--db", str(fresh), "restore", str(backup))[0] == 0
    for path in (backup, db, kept, fresh):
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert progress(fresh) == 7


# -- restores ----------------------------------------------------------------------------------


def test_restore_of_a_file_whose_schema_version_is_not_a_number(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    bad = tmp_path / "bad.db"
    assert cli("--db", str(db), "backup", str(bad))[0] == 0
    with sqlite3.connect(bad) as connection:
        connection.execute("UPDATE meta SET value = 'abc' WHERE key = 'schema_version'")
    connection.close()
    before = state(db)
    code, _, err = cli("--db", str(db), "restore", str(bad))
    assert code == 1
    one_line(err)
    assert "'abc'" in err
    assert "unchanged" in err
    assert state(db) == before


def test_restore_into_a_missing_directory(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    backup = tmp_path / "backup.db"
    assert cli("--db", str(db), "backup", str(backup))[0] == 0
    target = tmp_path / "missing" / "l.db"
    code, _, err = cli("--db", str(target), "restore", str(backup))
    assert code == 1
    one_line(err)
    assert "does not exist" in err
    assert not target.parent.exists()


def test_restore_of_a_backup_with_64k_pages_while_the_ledger_is_open(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    big = tmp_path / "big.db"
    with sqlite3.connect(db) as source, sqlite3.connect(big) as copy:
        source.backup(copy)
        # A valid SQLite file of another page size, as another tool may write one.
        copy.execute("PRAGMA journal_mode = DELETE")
        copy.execute("PRAGMA page_size = 65536")
        copy.execute("VACUUM")
        copy.execute("UPDATE item SET progress = 64 WHERE id = 1")
    source.close()
    copy.close()
    with sqlite3.connect(big) as check:
        assert check.execute("PRAGMA page_size").fetchone()[0] == 65536
    check.close()
    # Another program (the TUI, a script) has the ledger open and has read it.
    engine = make_engine(f"sqlite:///{db}")
    assert Ledger(engine, actor="tester").update(["2.1"], progress=21).changed
    code, _, err = cli("--db", str(db), "restore", str(big))
    assert code == 0, err
    assert progress(db) == 64
    assert progress(db, "2.1") == 0
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    check.close()
    # The open connection sees the restored ledger, not a file that is gone.
    with engine.connect() as connection:
        (value,) = connection.exec_driver_sql("SELECT progress FROM item WHERE id = 1").one()
    assert value == 64
    assert Ledger(engine, actor="tester").update(["1.1"], progress=65).changed
    engine.dispose()
    assert progress(db) == 65
    assert cli("--db", str(db), "verify")[0] == 0


# A restore while another program holds the write lock, with a short busy timeout.
HELD_RESTORE = textwrap.dedent(
    """
    import sys
    from lawtasks import db
    db.BUSY_TIMEOUT_MS = 300
    from lawtasks.cli import app
    app(["--db", sys.argv[1], "restore", sys.argv[2]])
    """
)


@pytest.mark.slow
def test_a_restore_gives_up_on_a_lock_that_is_never_released(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    backup = tmp_path / "backup.db"
    assert cli("--db", str(db), "backup", str(backup))[0] == 0
    assert cli("--db", str(db), "set", "1.1", "--progress", "70")[0] == 0
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        # A process of its own: a restore that waits for ever must fail the test, not hang it.
        result = subprocess.run(
            [sys.executable, "-c", HELD_RESTORE, str(db), str(backup)],
            env=subprocess_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    one_line(result.stderr)
    assert "held by another program" in result.stderr
    assert progress(db) == 70


# -- a first start interrupted -----------------------------------------------------------------

INTERRUPTED = textwrap.dedent(
    """
    import os, signal, sys
    from sqlmodel import SQLModel
    import alembic.command

    where = sys.argv[2]
    if where == "tables":
        create_all = SQLModel.metadata.create_all

        def interrupted(*args, **kwargs):
            create_all(*args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)

        SQLModel.metadata.create_all = interrupted
    else:
        stamp = alembic.command.stamp

        def interrupted(*args, **kwargs):
            stamp(*args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)

        alembic.command.stamp = interrupted
    from lawtasks.cli import app
    app(["--db", sys.argv[1], "summary"])
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("where", ["tables", "stamp"])
def test_a_first_start_killed_half_way_leaves_a_ledger_the_next_command_uses(
    tmp_path: Path, where: str
) -> None:
    db = tmp_path / "l.db"
    result = subprocess.run(
        [sys.executable, "-c", INTERRUPTED, str(db), where],
        env=subprocess_env(tmp_path),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    code, out, err = cli("--db", str(db), "summary")
    assert code == 0, err
    assert "桐庐县" in out
    assert cli("--db", str(db), "verify")[0] == 0


def half_made(db: Path) -> None:
    """What an older lawtasks left when killed after making its tables."""
    engine = make_engine(f"sqlite:///{db}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()


def test_a_half_made_ledger_is_finished_by_the_next_command(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    half_made(db)
    code, out, err = cli("--db", str(db), "summary")
    assert code == 0, err
    assert "桐庐县" in out


def test_a_half_made_ledger_is_repaired_by_db_upgrade(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    half_made(db)
    code, out, err = cli("--db", str(db), "db", "upgrade")
    assert code == 0, err
    assert "made anew" in out
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()
        assert connection.execute("SELECT value FROM meta").fetchone() == (str(SCHEMA_VERSION),)
    connection.close()
    assert progress(db) == 0
    assert cli("--db", str(db), "set", "1.1", "--progress", "5")[0] == 0


def test_a_ledger_with_data_but_no_version_is_not_made_anew(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM meta")
        connection.execute("DELETE FROM alembic_version")
    connection.close()
    before = state(db)
    code, _, err = cli("--db", str(db), "list")
    assert code == 1
    one_line(err)
    assert state(db) == before


# -- URLs and passwords ------------------------------------------------------------------------

SECRET = "s3cr3t-pw"


@pytest.mark.slow
@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://officer@127.0.0.1:1/ledger?password={SECRET}",
        f"postgresql+psycopg://officer@127.0.0.1:1/ledger?sslmode=disable&PassWord={SECRET}",
        f"postgresql+psycopg://officer:{SECRET}@127.0.0.1:1/ledger",
        f"postgresql+psycopg:/officer:{SECRET}@127.0.0.1/ledger",
        f"postgresql+psycopg://officer:{SECRET}@127.0.0.1:notaport/ledger",
        f"postgresql+psycopg://officer@[::1/ledger?password={SECRET}",
    ],
)
@pytest.mark.parametrize("command", [["init"], ["db", "upgrade"], ["list"], ["--debug", "list"]])
def test_a_password_is_never_printed_from_any_part_of_a_url(
    tmp_path: Path, url: str, command: list[str]
) -> None:
    debug = command[:1] == ["--debug"]
    args = ["--debug", "--db", url, *command[1:]] if debug else ["--db", url, *command]
    result = subprocess.run(
        [sys.executable, "-m", "lawtasks", *args],
        env=subprocess_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert SECRET not in result.stdout + result.stderr
    assert "***" in result.stderr or "officer" in result.stderr
    if not debug:
        one_line(result.stderr)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg:/user:pw@host/db",
        "postgres:/user:pw@host/db",
        "sqlite:/x",
        "postgresql+psycopg://user@host:notaport/db",
        "postgresql+psycopg://user@[::1/db",
    ],
)
def test_a_url_that_does_not_parse_is_refused_and_no_file_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("--db", url, "list")
    assert code == 1
    one_line(err)
    assert "postgresql+psycopg://USER@HOST" in err
    assert ":pw@" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["a%41.db", "b?mode=ro.db", "c#d.db", "台账 e@f:g.db"])
def test_a_file_path_is_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("--db", name, "set", "1.1", "--progress", "9")
    assert code == 0, err
    assert {path.name for path in tmp_path.iterdir()} <= {name, f"{name}-wal", f"{name}-shm"}
    assert (tmp_path / name).is_file()
    url = resolve_db_url(name)
    assert plain_sqlite_file(url) == tmp_path / name
    reader = Reader.open(url)
    assert reader is not None  # the lean reader opens the same file as the ORM
    reader.close()
    assert progress(Path(name)) == 9
    assert cli("--db", name, "verify")[0] == 0


def test_a_mistyped_directory_is_not_created(tmp_path: Path) -> None:
    db = tmp_path / "ledgr" / "county.db"
    code, _, err = cli("--db", str(db), "summary")
    assert code == 1
    one_line(err)
    assert f"{tmp_path / 'ledgr'} does not exist" in err
    assert "mkdir" in err
    assert not db.parent.exists()


def test_the_default_directory_is_created_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path))
    code, out, err = cli("summary")
    assert code == 0, err
    assert "桐庐县" in out
    default = tmp_path / "data" / "lawtasks" / "lawtasks.db"
    assert default.is_file()
    assert default.parent.stat().st_mode & 0o777 == 0o700


# -- files that are not what they seem ---------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "ledger.db"
    os.mkfifo(fifo)
    for command in (["list"], ["set", "1.1", "--progress", "5"], ["summary"]):
        # A process of its own: a read that blocks on the FIFO must fail the test, not hang it.
        result = subprocess.run(
            [sys.executable, "-m", "lawtasks", "--db", str(fifo), *command],
            env=subprocess_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 1
        one_line(result.stderr)
        assert "not a regular file" in result.stderr
        assert "disk" not in result.stderr


def _as_another_user() -> list[str] | None:
    """A command prefix under which the files of uid `nobody` are another user's: root
    without the capabilities that let it write anyone's files."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner"]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_another_users_read_only_ledger_can_be_read(tmp_path: Path) -> None:
    prefix = _as_another_user()
    if prefix is None:
        pytest.skip("as root, needs setpriv to drop the capabilities that override modes")
    shared = tmp_path / "shared"
    shared.mkdir()
    db = shared / "l.db"
    # Made by a process of its own, which removes its -wal and -shm when it ends.
    subprocess.run(
        [sys.executable, "-m", "lawtasks", "--db", str(db), "set", "1.1", "--progress", "7"],
        env=subprocess_env(tmp_path),
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert not Path(f"{db}-shm").exists()
    if os.geteuid() == 0:
        nobody = 65534
        os.chown(shared, nobody, nobody)
        os.chown(db, nobody, nobody)
    os.chmod(db, 0o644)
    os.chmod(shared, 0o755)
    tmp_path.chmod(0o755)
    before = state(db)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, sys.executable, "-m", "lawtasks", "--db", str(db), *args],
            env=subprocess_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    for command in (["list"], ["summary"], ["show", "1.1", "--format", "json"]):
        result = run(*command)
        assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["item"]["progress"] == 7
    # verify and users list read through the ORM.
    result = run("verify")
    assert result.returncode == 0, result.stderr
    assert "intact" in result.stdout
    result = run("users", "list")
    assert result.returncode == 0, result.stderr
    result = run("set", "1.1", "--progress", "8")
    assert result.returncode == 1
    one_line(result.stderr)
    assert "read-only" in result.stderr
    assert state(db) == before
    assert not Path(f"{db}-shm").exists()


# -- a held lock -------------------------------------------------------------------------------


def test_a_held_lock_is_waited_for_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = ledger(tmp_path)
    # The wait is SQLite's busy timeout; made short so that the test is quick. What is
    # counted is how often a writer waits it out: once, not once per busy retry.
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 50)
    engine = make_engine(f"sqlite:///{db}")
    statements: list[str] = []

    @event.listens_for(engine, "connect")
    def _trace(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.set_trace_callback(statements.append)

    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseError) as raised:
            Ledger(engine, actor="tester").update(["1.1"], progress=50)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "held by another program" in str(raised.value)
    assert statements.count("BEGIN IMMEDIATE") == 1
    engine.dispose()
    assert progress(db) == 7
