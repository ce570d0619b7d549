"""The command line, driven through typer's CliRunner on a temporary ledger per test.

Every test asserts an effect: the rows a command leaves (read back through `show`/`list
--format json` or straight from the SQLite file), or what a person sees. Errors are checked
for their exit code, their one line on stderr and a database left exactly as it was.
Each defect found while writing this suite was first pinned with a strict xfail, then fixed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import typer
from rich.cells import cell_len
from sqlalchemy import make_url
from sqlmodel import Session, select
from typer.main import get_command
from typer.testing import CliRunner, Result

from lawtasks import i18n
from lawtasks.cli import Settings, app, complete_ids
from lawtasks.db import make_engine
from lawtasks.errors import DomainError
from lawtasks.location import resolve_db_url
from lawtasks.models import Event

from .conftest import OFFICER_DATES
from .postgres import Server

TODAY = "2022-06-01"
TASKS = 6
ITEMS = 18
ITEMS_PER_TASK = {1: 2, 2: 3, 3: 2, 4: 4, 5: 3, 6: 4}
ALL_ITEM_IDS = [f"{task}.{seq}" for task, n in ITEMS_PER_TASK.items() for seq in range(1, n + 1)]
ITEM_KEYS = {
    "id",
    "task",
    "title",
    "text",
    "status",
    "status_label",
    "progress",
    "lead_unit",
    "due",
    "target",
    "warning",
    "updated_at",
    "updated_by",
    "notes",
}
TASK_KEYS = {"id", "title", "progress", "done", "total", "items"}
TABLES = ("plan", "task", "item", "note", "event")

REPORT_2023 = """\
桐庐县2022年度法治政府建设情况报告

一、2022年工作情况
全面完成年度各项工作。

二、存在的问题
基层法治力量仍然薄弱。

三、2023年工作打算
（一）深化法治宣传教育。开展“八五”普法中期评估。（牵头单位：县司法局）
（二）加强行政执法监督。开展行政执法案卷评查。（牵头单位：县综合行政执法局）
"""


# -- harness ---------------------------------------------------------------------------


@dataclass
class Cli:
    """Runs `lawtasks --db <tmp> --today 2022-06-01 ...` in-process and reads the ledger back.

    `url` is the ledger's: a SQLite file (also `db`) or a PostgreSQL database.
    """

    db: Path
    runner: CliRunner
    url: str = ""

    def __post_init__(self) -> None:
        self.url = self.url or str(self.db)

    def __call__(
        self,
        *args: str,
        user: str | None = None,
        today: str | None = TODAY,
        input: str | bytes | None = None,
        env: dict[str, str | None] | None = None,
    ) -> Result:
        argv = ["--db", self.url]
        if today is not None:
            argv += ["--today", today]
        if user is not None:
            argv += ["--user", user]
        return self.runner.invoke(app, [*argv, *args], input=input, env=env, prog_name="lawtasks")

    def ok(self, *args: str, **kwargs: Any) -> Result:
        result = self(*args, **kwargs)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        assert result.stderr == ""
        return result

    def json(self, *args: str, **kwargs: Any) -> dict[str, Any]:
        data = json.loads(self.ok(*args, "--format", "json", **kwargs).stdout)
        assert data["schema"] == 1
        return data

    def item(self, ref: str) -> dict[str, Any]:
        return self.json("show", ref)["item"]

    def items(self, *args: str) -> list[dict[str, Any]]:
        data = self.json("list", *args)
        return [item for task in data["tasks"] for item in task["items"]]

    def ids(self, *args: str) -> list[str]:
        return [item["id"] for item in self.items(*args)]

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, to prove that a failed command changed nothing."""
        return {table: self.query(f"SELECT * FROM {table} ORDER BY id") for table in TABLES}

    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        if self.url == str(self.db):
            with sqlite3.connect(self.db) as connection:
                return connection.execute(sql, params).fetchall()
        import psycopg

        url = make_url(self.url)
        with psycopg.connect(
            host=url.query["host"], user=url.username, dbname=url.database
        ) as connection:
            return connection.execute(sql.replace("?", "%s"), params).fetchall()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded ledger, copied for each test: seeding once keeps the file fast."""
    path = tmp_path_factory.mktemp("template") / "seeded.db"
    result = CliRunner().invoke(
        app, ["--db", str(path), "--user", "seeder", "--lang", "en", "init"]
    )
    assert result.exit_code == 0, result.output
    i18n.set_language(None)  # --lang is process-wide: the test's own command chooses again
    return path


@pytest.fixture(scope="session")
def seeded_postgres_template(postgres: Server) -> str:
    url = postgres.new_database()
    result = CliRunner().invoke(app, ["--db", url, "--user", "seeder", "--lang", "en", "init"])
    assert result.exit_code == 0, result.output
    # --lang is process-wide: made during a test's set-up, it would choose that test's language.
    i18n.set_language(None)
    make_engine(url).dispose()
    return url


# Every test that takes `cli` runs on SQLite and on PostgreSQL.
@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request: pytest.FixtureRequest, tmp_path: Path, seeded_template: Path) -> Cli:
    db = tmp_path / "l.db"
    if request.param == "postgresql":
        if "sqlite_only" in request.keywords:
            pytest.skip("this test reads the SQLite file directly")
        template = request.getfixturevalue("seeded_postgres_template")
        server: Server = request.getfixturevalue("postgres")
        return Cli(db, CliRunner(), server.new_database(template=template))
    # The backup API copies a WAL database whole, whatever is still in its log.
    with sqlite3.connect(seeded_template) as source, sqlite3.connect(db) as target:
        source.backup(target)
    return Cli(db, CliRunner())


@pytest.fixture
def fresh(tmp_path: Path) -> Cli:
    """A ledger file that does not exist yet (in a directory that does: lawtasks makes no
    directory but its default one)."""
    (tmp_path / "new").mkdir()
    return Cli(tmp_path / "new" / "l.db", CliRunner())


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report-2022.txt"
    path.write_text(REPORT_2023, encoding="utf-8")
    return path


def one_error_line(result: Result) -> str:
    """The error a user sees: exit code 1, one line on stderr, nothing on stdout."""
    assert result.exit_code == 1, (result.stdout, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("lawtasks: ")
    assert "Traceback" not in result.stderr
    return lines[0]


def squash(text: str) -> str:
    """Text without whitespace, so that wrapped output can be searched for a sentence."""
    return re.sub(r"\s+", "", text)


# -- global options and the bare command -------------------------------------------------


def test_version_prints_the_package_version(cli: Cli) -> None:
    from lawtasks import __version__

    result = cli.ok("--version")
    assert result.stdout.strip() == f"lawtasks {__version__}"


def test_without_a_command_and_without_a_terminal_prints_the_summary(cli: Cli) -> None:
    cli.ok("done", "1.1")
    result = cli.ok()
    assert "Overall progress" in result.stdout
    assert "[1/2]" in result.stdout
    assert result.stdout == cli.ok("summary").stdout


def test_help_lists_every_command_in_english_by_default(cli: Cli) -> None:
    result = cli.ok("--help")
    for command in (
        "init",
        "import",
        "plans",
        "list",
        "show",
        "summary",
        "log",
        "set",
        "start",
        "done",
        "block",
        "reopen",
        "note",
        "undo",
        "tui",
    ):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.MULTILINE), command
    assert squash("the ledger of a rule-of-law government work plan") in squash(result.stdout)


def test_first_use_creates_and_seeds_the_database(fresh: Cli) -> None:
    assert not fresh.db.exists()
    assert len(fresh.ids()) == ITEMS
    assert fresh.db.exists()


def test_db_comes_from_the_environment_when_not_given(cli: Cli) -> None:
    cli.ok("done", "2.1")
    result = cli.runner.invoke(
        app, ["--today", TODAY, "show", "2.1", "-f", "json"], env={"LAWTASKS_DB": cli.url}
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["item"]["status"] == "done"


def test_user_option_names_the_actor_and_the_environment_is_the_default(cli: Cli) -> None:
    cli.ok("set", "2.1", "--progress", "30", "--note", "from alice", user="alice")
    item = cli.item("2.1")
    assert item["updated_by"] == "alice"
    assert item["notes"][0]["author"] == "alice"
    cli.ok("set", "2.2", "--progress", "30")
    assert cli.item("2.2")["updated_by"] == "tester"  # LAWTASKS_USER, set by conftest
    assert {row[0] for row in cli.query("SELECT DISTINCT actor FROM event WHERE action='set'")} == {
        "alice",
        "tester",
    }


def test_lang_zh_localises_labels_but_not_codes(cli: Cli) -> None:
    item = cli.json("--lang", "zh", "show", "2.3")["item"]
    assert item["status"] == "not_started"
    assert item["status_label"] == "未开始"
    table = cli.ok("--lang", "zh", "list", env={"COLUMNS": "120"}).stdout
    assert "状态" in table
    assert "未开始" in table
    error = one_error_line(cli("--lang", "zh", "show", "9"))
    assert "没有任务 9" in error
    assert "1–6" in error


def test_lang_environment_variable_chooses_chinese(cli: Cli) -> None:
    table = cli.ok("list", env={"LAWTASKS_LANG": "zh", "COLUMNS": "120"}).stdout
    assert "未开始" in table


def test_unknown_language_is_a_usage_error(cli: Cli) -> None:
    result = cli("--lang", "fr", "list")
    assert result.exit_code == 2
    assert "fr" in result.stderr
    assert "zh" in result.stderr
    assert "en" in result.stderr
    assert result.stdout == ""


def test_today_moves_the_warnings(cli: Cli) -> None:
    cli.ok("set", "2.1", "--due", "2022-06-05", "--progress", "90")
    # 90% done with 77% of the time gone: ahead of schedule, and not yet within a week.
    assert cli.json("show", "2.1", today="2022-05-01")["item"]["warning"] == "green"
    assert cli.json("show", "2.1", today="2022-06-01")["item"]["warning"] == "yellow"
    assert cli.json("show", "2.1", today="2022-06-06")["item"]["warning"] == "red"
    assert cli.json("summary", today="2022-06-06")["plan"]["today"] == "2022-06-06"


def test_debug_lets_the_traceback_through(cli: Cli) -> None:
    result = cli("--debug", "show", "9")
    assert result.exit_code == 1
    assert isinstance(result.exception, DomainError)
    plain = cli("show", "9")
    assert isinstance(plain.exception, SystemExit)
    assert "Traceback" not in plain.stderr


# -- init ------------------------------------------------------------------------------


def test_init_creates_the_seeded_plan(fresh: Cli) -> None:
    result = fresh.ok("init")
    assert "Created plan tonglu-2022: 6 tasks, 18 items." in result.stdout
    assert str(fresh.db) in result.stdout
    assert fresh.query("SELECT count(*) FROM task") == [(TASKS,)]
    assert fresh.query("SELECT count(*) FROM item") == [(ITEMS,)]
    assert fresh.ids() == ALL_ITEM_IDS


def test_init_twice_keeps_one_copy_of_everything_and_the_officers_work(fresh: Cli) -> None:
    fresh.ok("init")
    fresh.ok("set", "2.3", "--progress", "40", "--unit", "县司法局", "--note", "keep me")
    before = fresh.dump()
    result = fresh.ok("init")
    assert "exists already" in result.stdout
    assert fresh.dump() == before
    texts = fresh.query("SELECT text, count(*) FROM item GROUP BY text")
    titles = fresh.query("SELECT title, count(*) FROM task GROUP BY title")
    assert len(texts) == ITEMS
    assert {count for _, count in texts} == {1}
    assert len(titles) == TASKS
    assert {count for _, count in titles} == {1}
    item = fresh.item("2.3")
    assert (item["progress"], item["lead_unit"]) == (40, "县司法局")
    assert [note["text"] for note in item["notes"]] == ["keep me"]


def test_init_after_first_use_adds_nothing(fresh: Cli) -> None:
    fresh.ok("list")  # seeds on first use
    before = fresh.dump()
    assert "exists already" in fresh.ok("init").stdout
    assert fresh.dump() == before


# -- list: shape, filters, formats -----------------------------------------------------


def test_list_json_has_every_task_and_item_with_their_fields(cli: Cli) -> None:
    data = cli.json("list")
    assert set(data) >= {"schema", "plan", "tasks"}
    assert data["plan"]["slug"] == "tonglu-2022"
    assert data["plan"]["year"] == 2022
    assert [task["id"] for task in data["tasks"]] == list(range(1, TASKS + 1))
    for task in data["tasks"]:
        assert set(task) >= TASK_KEYS
        assert task["total"] == ITEMS_PER_TASK[task["id"]] == len(task["items"])
        for item in task["items"]:
            assert set(item) >= ITEM_KEYS
            assert item["task"] == task["id"]
            assert item["id"].startswith(f"{task['id']}.")
            assert item["status"] == "not_started"
            assert item["status_label"] == "not started"
            assert item["progress"] == 0
            # No deadline in the report's text: due at the end of the plan year.
            assert item["due"] == "2022-12-31"
            assert item["text"].startswith(item["title"][:4])
    assert [item["id"] for task in data["tasks"] for item in task["items"]] == ALL_ITEM_IDS


def test_json_dates_are_iso_and_times_are_utc_with_an_offset(cli: Cli) -> None:
    cli.ok("set", "4.2", "--due", "2022年9月1日", "--note", "on track")
    item = cli.item("4.2")
    assert item["due"] == "2022-09-01"
    for moment in (item["updated_at"], item["notes"][0]["created_at"]):
        assert moment.endswith("+00:00")
        assert datetime.fromisoformat(moment).utcoffset() is not None
    assert set(item["notes"][0]) >= {"text", "author", "created_at"}


def test_list_by_task_repeatable(cli: Cli) -> None:
    assert cli.ids("--task", "2") == ["2.1", "2.2", "2.3"]
    assert cli.ids("--task", "3", "--task", "1") == ["1.1", "1.2", "3.1", "3.2"]
    data = cli.json("list", "--task", "5")
    assert [task["id"] for task in data["tasks"]] == [5]


def test_list_by_status_repeatable_and_by_label(cli: Cli) -> None:
    cli.ok("done", "1.1")
    cli.ok("block", "2.2")
    cli.ok("start", "3.1")
    assert cli.ids("--status", "done") == ["1.1"]
    assert cli.ids("--status", "blocked", "--status", "in_progress") == ["2.2", "3.1"]
    assert cli.ids("--status", "已完成") == ["1.1"]
    assert cli.ids("--status", "in-progress") == ["3.1"]
    assert len(cli.ids("--status", "not_started")) == ITEMS - 3


@pytest.fixture
def warnings_set(cli: Cli) -> Cli:
    """1.1 red (overdue), 2.1 yellow (due within a week), 3.1 done and overdue (green)."""
    cli.ok("set", "1.1", "--due", "2022-05-01", "--unit", "县委宣传部")
    cli.ok("set", "2.1", "--due", "2022-06-05", "--unit", "县司法局")
    cli.ok("set", "3.1", "--due", "2022-04-30", "--status", "done", "--unit", "县司法局")
    return cli


def test_list_by_warning_and_overdue(warnings_set: Cli) -> None:
    cli = warnings_set
    assert cli.ids("--warning", "red") == ["1.1"]
    assert cli.ids("--overdue") == ["1.1"]
    # Due within a week; and every untouched item: on 1 June, 41 % of the year has gone and
    # 0 % lags it by more than the 10 points of tolerance.
    yellow = cli.ids("--warning", "yellow")
    assert "2.1" in yellow
    assert len(yellow) == ITEMS - 2
    assert cli.ids("--warning", "红灯", "--warning", "yellow")[:2] == ["1.1", "1.2"]
    assert cli.ids("--warning", "green") == ["3.1"]
    assert cli.ids("--overdue", "--task", "2") == []


def test_list_by_unit_is_a_case_insensitive_substring(warnings_set: Cli) -> None:
    cli = warnings_set
    assert cli.ids("--unit", "司法局") == ["2.1", "3.1"]
    assert cli.ids("--unit", "宣传") == ["1.1"]
    cli.ok("set", "4.1", "--unit", "County Office")
    assert cli.ids("--unit", "county office") == ["4.1"]


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        ("2022-06-01", ["1.1", "3.1"]),
        ("2022/6/5", ["1.1", "3.1"]),
        ("2022年6月6日", ["1.1", "2.1", "3.1"]),
        ("5月底", ["1.1", "3.1"]),
        ("上半年", ["1.1", "2.1", "3.1"]),
        ("2022-05-01", ["3.1"]),
    ],
)
def test_list_due_before_is_strict_and_reads_plan_dates(
    warnings_set: Cli, before: str, expected: list[str]
) -> None:
    assert warnings_set.ids("--due-before", before) == expected


def test_list_search_covers_titles_texts_and_notes(cli: Cli) -> None:
    assert cli.ids("--search", "政务公开") == ["4.4"]  # a title
    assert cli.ids("--search", "一网运行") == ["2.3"]  # only in the full text
    cli.ok("note", "5.2", "Mediation centre OPENED")
    assert cli.ids("--search", "centre opened") == ["5.2"]  # a note, any case
    assert cli.ids("--search", "no such words anywhere") == []


def test_list_filters_combine(warnings_set: Cli) -> None:
    cli = warnings_set
    assert cli.ids("--unit", "司法局", "--status", "done") == ["3.1"]
    assert cli.ids("--unit", "司法局", "--warning", "yellow", "--task", "2") == ["2.1"]
    assert cli.ids("--task", "1", "--search", "政务公开") == []


def test_list_with_no_match(cli: Cli) -> None:
    assert cli.json("list", "--status", "done")["tasks"] == []
    assert cli.ok("list", "--status", "done").stdout.strip() == "No items match."
    rows = list(csv.reader(io.StringIO(cli.ok("list", "--status", "done", "-f", "csv").stdout)))
    assert len(rows) == 1  # the header only


def test_list_keeps_task_rollups_when_filtered(cli: Cli) -> None:
    cli.ok("done", "2.1")
    (task,) = cli.json("list", "--status", "done")["tasks"]
    assert (task["id"], task["done"], task["total"]) == (2, 1, 3)
    assert [item["id"] for item in task["items"]] == ["2.1"]


def test_list_csv_has_a_header_and_one_row_per_item(cli: Cli) -> None:
    cli.ok("set", "2.3", "--progress", "40", "--due", "6月底", "--target", 'say "100%", done')
    rows = list(csv.DictReader(io.StringIO(cli.ok("list", "--format", "csv").stdout)))
    assert [row["id"] for row in rows] == ALL_ITEM_IDS
    assert {"id", "task", "title", "text", "status", "progress", "due", "warning"} <= set(rows[0])
    row = next(row for row in rows if row["id"] == "2.3")
    assert (row["status"], row["progress"], row["due"]) == ("in_progress", "40", "2022-06-30")
    assert row["target"] == 'say "100%", done'  # quoted, not split
    assert "\n" not in row["title"]
    filtered = list(csv.DictReader(io.StringIO(cli.ok("list", "--task", "2", "-f", "csv").stdout)))
    assert [row["id"] for row in filtered] == ["2.1", "2.2", "2.3"]


def test_list_table_groups_items_under_their_task(cli: Cli) -> None:
    lines = cli.ok("list", env={"COLUMNS": "120"}).stdout.splitlines()
    first = [line.split()[0] for line in lines[1:]]
    expected: list[str] = []
    for task, count in ITEMS_PER_TASK.items():
        expected += [str(task)] + [f"{task}.{seq}" for seq in range(1, count + 1)]
    assert first == expected
    assert "(二)持续提升行政决策和制度建设质量" in lines[first.index("2") + 1]


def _vary_the_rows(cli: Cli) -> None:
    """Every status, a due date, a warning colour and a lead unit too long for its column."""
    cli.ok("done", "1.1")
    cli.ok("block", "2.2")
    cli.ok("set", "3.1", "--progress", "35", "--due", "2022-05-01")
    cli.ok("set", "6", "--unit", "县司法局很长很长很长很长很长很长的单位名称", "--due", "年底")


def _column_start(line: str, pattern: str) -> int | None:
    match = re.search(pattern, line)
    return None if match is None else cell_len(line[: match.start()])


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [80, 120])
def test_list_table_fits_the_terminal_and_its_columns_line_up(
    cli: Cli, width: int, lang: str
) -> None:
    _vary_the_rows(cli)
    result = cli.ok("--lang", lang, "list", env={"COLUMNS": str(width)})
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + TASKS + ITEMS
    assert all(cell_len(line) <= width for line in lines), max(map(cell_len, lines))
    assert "…" in result.stdout  # long titles and the long unit are cut, not wrapped
    items = [line for line in lines if re.match(r"\d+\.\d+ ", line)]
    tasks = [line for line in lines if re.match(r"\d+ ", line)]
    assert len(items) == ITEMS
    assert len(tasks) == TASKS
    status_starts = {_column_start(line, "[○◐●✖]") for line in items}
    status_starts |= {_column_start(line, r"\[\d/\d\]") for line in tasks}
    assert len(status_starts) == 1, status_starts
    # Each warning has a glyph of its own (■ red, ▲ yellow, ✓ green), never a status's.
    warning_starts = {_column_start(line, r"[■▲✓] \S+\s*$") for line in items}
    assert len(warning_starts) == 1, warning_starts
    assert None not in warning_starts
    due_starts = {_column_start(line, r"20\d\d-\d\d-\d\d") for line in items} - {None}
    assert len(due_starts) == 1, due_starts


def test_list_table_keeps_item_ids_whole_in_a_narrow_terminal(cli: Cli) -> None:
    _vary_the_rows(cli)
    lines = cli.ok("list", env={"COLUMNS": "60"}).stdout.splitlines()
    assert [line.split()[0] for line in lines if re.match(r"\d+\.\d+ ", line)] == ALL_ITEM_IDS
    assert all(re.search("[■▲✓]", line) for line in lines if re.match(r"\d+\.\d+ ", line))


def test_list_table_shows_text_as_text_not_markup(cli: Cli) -> None:
    cli.ok("set", "2.1", "--unit", "[b]司法[/b]")
    assert "[b]司法[/b]" in cli.ok("list", env={"COLUMNS": "200"}).stdout


# -- show ------------------------------------------------------------------------------


def test_show_item_text_has_the_full_text_fields_notes_and_history(cli: Cli) -> None:
    full = cli.item("2.3")["text"]
    cli.ok("set", "2.3", "--progress", "40", "--unit", "县司法局", "--due", "6月底", user="alice")
    cli.ok("note", "2.3", "older note", user="alice")
    cli.ok("note", "2.3", "newer note", user="bob")
    out = cli.ok("show", "2.3", env={"COLUMNS": "100"}).stdout
    assert squash(full) in squash(out)
    for label in ("Status", "Progress", "Lead unit", "Due", "Target", "Warning", "Updated"):
        assert re.search(rf"^{label}\s", out, re.MULTILINE), label
    assert "in progress" in out
    assert "40%" in out
    assert "2022-06-30" in out
    assert out.index("newer note") < out.index("older note")  # newest first
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d\s+bob", out)
    history = out[out.index("Recent history") :]
    assert "progress 0 → 40" in history
    assert "alice" in history


def test_show_task_text_lists_its_items_and_notes(cli: Cli) -> None:
    cli.ok("done", "2.1")
    cli.ok("note", "2", "task-level note")
    out = cli.ok("show", "2", env={"COLUMNS": "120"}).stdout
    for ref in ("2.1", "2.2", "2.3"):
        assert re.search(rf"^{re.escape(ref)}\s", out, re.MULTILINE)
    assert "[1/3]" in out
    assert "task-level note" in out
    assert "持续提升行政决策和制度建设质量" in out


def test_show_item_json(cli: Cli) -> None:
    cli.ok("set", "2.3", "--target", "全覆盖", "--note", "first")
    cli.ok("note", "2.3", "second", user="bob")
    data = cli.json("show", "2.3")
    assert set(data) >= {"schema", "plan", "item"}
    assert data["plan"]["slug"] == "tonglu-2022"
    item = data["item"]
    assert set(item) >= ITEM_KEYS
    assert (item["id"], item["task"], item["target"]) == ("2.3", 2, "全覆盖")
    assert [(note["text"], note["author"]) for note in item["notes"]] == [
        ("second", "bob"),
        ("first", "tester"),
    ]


def test_show_task_json(cli: Cli) -> None:
    cli.ok("done", "4.1", "4.2")
    data = cli.json("show", "4")
    assert set(data) >= {"schema", "plan", "task"}
    task = data["task"]
    assert set(task) >= TASK_KEYS
    assert (task["id"], task["done"], task["total"], task["progress"]) == (4, 2, 4, 50.0)
    assert [item["id"] for item in task["items"]] == ["4.1", "4.2", "4.3", "4.4"]


def test_show_prints_stored_markup_and_controls_literally(cli: Cli) -> None:
    cli.ok("note", "2.3", "[red]not red[/red] :smile:")
    out = cli.ok("show", "2.3", env={"COLUMNS": "120"}).stdout
    assert "[red]not red[/red] :smile:" in out
    assert "\x1b" not in out


# -- set and the shorthands ------------------------------------------------------------


def test_set_changes_every_field_and_reports_each_change(cli: Cli) -> None:
    result = cli.ok(
        "set",
        "2.3",
        "--status",
        "in_progress",
        "--progress",
        "40",
        "--unit",
        "县司法局",
        "--due",
        "6月底",
        "--target",
        "100%",
        "--note",
        "first steps",
    )
    assert "2.3  progress 0 → 40" in result.stdout
    assert "2.3  due ∅ → 2022-06-30" in result.stdout
    assert "6 changes made." in result.stdout
    item = cli.item("2.3")
    assert item["status"] == "in_progress"
    assert item["progress"] == 40
    assert item["lead_unit"] == "县司法局"
    assert item["due"] == "2022-06-30"
    assert item["target"] == "100%"
    assert item["notes"][0]["text"] == "first steps"
    events = cli.query("SELECT field, old, new FROM event WHERE action IN ('set', 'note')")
    assert ("progress", "0", "40") in events
    assert ("note", None, "first steps") in events
    assert len(events) == 6


def test_set_json_reports_the_batch(cli: Cli) -> None:
    data = cli.json("set", "1.1", "1.2", "--progress", "20", user="alice")
    assert data["actor"] == "alice"
    assert data["at"].endswith("+00:00")
    assert data["batch"]
    assert {(c["id"], c["field"], c["new"]) for c in data["changes"]} >= {
        ("1.1", "progress", "20"),
        ("1.2", "progress", "20"),
    }
    batches = cli.query("SELECT DISTINCT batch FROM event WHERE action = 'set'")
    assert batches == [(data["batch"],)]


def test_set_several_ids_and_a_task_id_standing_for_its_items(cli: Cli) -> None:
    cli.ok("set", "1.2", "4", "--progress", "30")
    touched = [item["id"] for item in cli.items() if item["progress"] == 30]
    assert touched == ["1.2", "4.1", "4.2", "4.3", "4.4"]


def test_set_an_item_twice_in_one_call_changes_it_once(cli: Cli) -> None:
    cli.ok("set", "2", "2.1", "--progress", "30")
    assert cli.query("SELECT count(*) FROM event WHERE field = 'progress'") == [(3,)]
    assert cli.item("2.1")["version"] == 2


def test_set_a_repeated_id_gets_its_note_once(cli: Cli) -> None:
    cli.ok("set", "2.1", "2.1", "--note", "once")
    assert [note["text"] for note in cli.item("2.1")["notes"]] == ["once"]


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("2022-06-30", "2022-06-30"),
        ("2022/6/30", "2022-06-30"),
        ("2022年6月30日", "2022-06-30"),
        ("6月底", "2022-06-30"),
        ("年底", "2022-12-31"),
        ("第三季度", "2022-09-30"),
        ("上半年", "2022-06-30"),
        ("2023年3月", "2023-03-31"),
        *OFFICER_DATES,
    ],
)
def test_set_due_reads_the_ways_officers_write_dates(cli: Cli, written: str, meant: str) -> None:
    # --today in another year shows that relative dates mean the plan's year (2022).
    cli.ok("set", "5.1", "--due", written, today="2025-01-15")
    assert cli.item("5.1")["due"] == meant


def test_set_empty_strings_clear_fields(cli: Cli) -> None:
    cli.ok("set", "5.1", "--unit", "县司法局", "--due", "年底", "--target", "x")
    cli.ok("set", "5.1", "--unit", "", "--due", "", "--target", "")
    item = cli.item("5.1")
    assert (item["lead_unit"], item["target"]) == (None, None)
    # Without a deadline of its own, an item is due at the end of its plan's period.
    assert (item["due"], item["due_is_plan_end"]) == ("2022-12-31", True)
    assert ("due", "2022-12-31", None) in cli.query("SELECT field, old, new FROM event")


@pytest.mark.parametrize(
    ("args", "status", "progress"),
    [
        (["--progress", "100"], "done", 100),
        (["--progress", "50%"], "in_progress", 50),
        (["--progress", "０"], "not_started", 0),
        (["--status", "done"], "done", 100),
        (["--status", "已完成"], "done", 100),
        (["--status", "blocked", "--progress", "20"], "blocked", 20),
        (["--status", "not_started"], "not_started", 0),
    ],
)
def test_set_keeps_status_and_progress_consistent(
    cli: Cli, args: list[str], status: str, progress: int
) -> None:
    cli.ok("set", "3.2", *args)
    item = cli.item("3.2")
    assert (item["status"], item["progress"]) == (status, progress)


def test_set_to_the_same_values_says_nothing_changed(cli: Cli) -> None:
    cli.ok("set", "3.2", "--progress", "20")
    before = cli.dump()
    result = cli.ok("set", "3.2", "--progress", "20")
    assert "Nothing changed" in result.stdout
    assert cli.dump() == before


def test_set_note_from_stdin(cli: Cli) -> None:
    cli.ok("set", "3.2", "--progress", "10", "--note", "-", input="line one\nline two\n")
    assert cli.item("3.2")["notes"][0]["text"] == "line one\nline two"


def test_set_one_change_reads_as_singular(cli: Cli) -> None:
    result = cli.ok("set", "3.2", "--unit", "县司法局")
    assert "3.2  lead unit ∅ → 县司法局" in result.stdout
    assert "1 changes" not in result.stdout


def test_start_done_block_and_reopen(cli: Cli) -> None:
    cli.ok("start", "6.1", "6.2", "--note", "kick-off")
    assert [cli.item(ref)["status"] for ref in ("6.1", "6.2")] == ["in_progress"] * 2
    assert cli.item("6.1")["notes"][0]["text"] == "kick-off"
    cli.ok("set", "6.1", "--progress", "70")
    cli.ok("done", "6.1")
    assert (cli.item("6.1")["status"], cli.item("6.1")["progress"]) == ("done", 100)
    cli.ok("reopen", "6.1", "--note", "found a gap")
    item = cli.item("6.1")
    assert (item["status"], item["progress"]) == ("in_progress", 70)  # as before done
    assert item["notes"][0]["text"] == "found a gap"
    cli.ok("done", "6.1")
    cli.ok("reopen", "6.1", "--progress", "40")
    assert cli.item("6.1")["progress"] == 40
    cli.ok("block", "6.2", "--note", "waiting for funds")
    item = cli.item("6.2")
    assert (item["status"], item["notes"][0]["text"]) == ("blocked", "waiting for funds")


def test_done_with_a_task_id_finishes_all_its_items(cli: Cli) -> None:
    result = cli.ok("done", "3")
    assert "3.1" in result.stdout
    assert "3.2" in result.stdout
    task = cli.json("show", "3")["task"]
    assert (task["done"], task["total"], task["progress"]) == (2, 2, 100.0)


def test_shorthands_and_set_write_the_same_events(cli: Cli) -> None:
    cli.ok("done", "1.1")
    cli.ok("set", "1.2", "--status", "done")
    rows = cli.query(
        "SELECT item_id, field, old, new, action FROM event WHERE action = 'set' ORDER BY id"
    )
    assert [row[1:] for row in rows[:2]] == [row[1:] for row in rows[2:]]


# -- note ------------------------------------------------------------------------------


def test_note_on_an_item_and_on_a_task(cli: Cli) -> None:
    assert cli.ok("note", "2.3", "item note").stdout.strip() == "Note added to 2.3."
    cli.ok("note", "2", "task note")
    assert [n["text"] for n in cli.item("2.3")["notes"]] == ["item note"]
    assert [n["text"] for n in cli.json("show", "2")["task"]["notes"]] == ["task note"]
    assert cli.query("SELECT action, field, new FROM event WHERE action = 'note'") == [
        ("note", "note", "item note"),
        ("note", "note", "task note"),
    ]


def test_note_reads_several_lines_from_stdin(cli: Cli) -> None:
    text = "第一行：已召开会议\n第二行：印发方案\n\n  indented third"
    cli.ok("note", "5.3", "-", input=text + "\n")
    assert cli.item("5.3")["notes"][0]["text"] == text


def test_note_json(cli: Cli) -> None:
    data = cli.json("note", "5.3", "json note", user="carol")
    assert data["actor"] == "carol"
    assert data["changes"] == [{"id": "5.3", "field": "note", "old": None, "new": "json note"}]


def test_note_from_stdin_that_is_not_utf8_is_a_clean_error(cli: Cli) -> None:
    before = cli.dump()
    one_error_line(cli("note", "5.3", "-", input=b"\xff\xfe bad"))
    assert cli.dump() == before


# -- log -------------------------------------------------------------------------------


@pytest.fixture
def history(cli: Cli) -> Cli:
    cli.ok("set", "2.1", "--progress", "30", user="alice")
    cli.ok("note", "2", "task note", user="bob")
    cli.ok("done", "4.4", user="alice")
    return cli


def test_log_json_lists_every_event_oldest_first(history: Cli) -> None:
    events = history.json("log")["events"]
    assert events[0]["action"] == "import"
    assert [(e["ref"], e["action"], e["field"]) for e in events[1:]] == [
        ("2.1", "set", "status"),
        ("2.1", "set", "progress"),
        ("2", "note", "note"),
        ("4.4", "set", "status"),
        ("4.4", "set", "progress"),
    ]
    assert all(e["at"].endswith("+00:00") for e in events)
    assert {e["actor"] for e in events[1:]} == {"alice", "bob"}


def test_log_for_an_item_and_for_a_task(history: Cli) -> None:
    assert {e["ref"] for e in history.json("log", "2.1")["events"]} == {"2.1"}
    assert [e["ref"] for e in history.json("log", "2")["events"]] == ["2.1", "2.1", "2"]
    assert history.json("log", "6.1")["events"] == []


def test_log_between_dates(history: Cli) -> None:
    today = date.today().isoformat()
    assert len(history.json("log", "--since", today)["events"]) == 6
    assert len(history.json("log", "--until", today)["events"]) == 6
    assert history.json("log", "--until", "2000-01-01")["events"] == []
    assert history.json("log", "--since", "2999-01-01")["events"] == []
    assert history.ok("log", "--until", "2000-01-01").stdout.strip() == "No history."


def test_log_table_and_csv(history: Cli) -> None:
    table = history.ok("log", env={"COLUMNS": "120"}).stdout
    assert re.search(r"alice\s+2\.1\s+set\s+progress 0 → 30", table)
    assert re.search(r"bob\s+2\s+note\s+note: task note", table)
    rows = list(csv.DictReader(io.StringIO(history.ok("log", "--format", "csv").stdout)))
    header = ["id", "at", "actor", "for_unit", "ref", "action", "field", "old", "new"]
    assert list(rows[0]) == header
    assert len(rows) == 6
    assert rows[2] == rows[2] | {"ref": "2.1", "field": "progress", "old": "0", "new": "30"}


# -- undo ------------------------------------------------------------------------------


def test_undo_reverts_the_last_call_and_records_the_revert(cli: Cli) -> None:
    cli.ok("set", "2.1", "--progress", "20")
    before = cli.item("2.1")
    cli.ok("set", "2.1", "2.2", "--progress", "60", "--due", "6月底", "--note", "big step")
    result = cli.ok("undo")
    assert result.stdout.startswith("Reverted the change tester made at ")
    assert "2.1  progress 60 → 20" in result.stdout
    assert "2.2  due 2022-06-30 → ∅" in result.stdout
    after = cli.item("2.1")
    for name in ("status", "progress", "due", "notes"):
        assert after[name] == before[name], name
    assert cli.item("2.2")["progress"] == 0
    assert cli.item("2.2")["notes"] == []
    undo_events = cli.query("SELECT field, old, new, reverts FROM event WHERE action = 'undo'")
    assert ("progress", "60", "20") in [row[:3] for row in undo_events]
    assert all(row[3] for row in undo_events)
    # The retracted notes stay in the ledger, marked, so the trail keeps what was said.
    assert cli.query("SELECT text, retracted FROM note") == [("big step", 1), ("big step", 1)]


def test_undo_steps_back_one_call_at_a_time_then_stops(cli: Cli) -> None:
    cli.ok("set", "2.1", "--progress", "20")
    cli.ok("set", "2.1", "--progress", "40")
    cli.ok("undo")
    assert cli.item("2.1")["progress"] == 20
    cli.ok("undo")
    assert cli.item("2.1")["progress"] == 0
    before = cli.dump()
    error = one_error_line(cli("undo"))
    assert "tester has nothing to undo" in error
    assert cli.dump() == before


def test_undo_only_touches_the_actors_own_changes(cli: Cli) -> None:
    cli.ok("set", "1.1", "--progress", "10", user="alice")
    cli.ok("set", "1.2", "--progress", "20", user="bob")
    cli.ok("undo", user="alice")
    assert cli.item("1.1")["progress"] == 0
    assert cli.item("1.2")["progress"] == 20
    one_error_line(cli("undo", user="alice"))


def test_undo_refuses_when_someone_changed_the_field_since(cli: Cli) -> None:
    cli.ok("set", "1.1", "--progress", "10", user="alice")
    cli.ok("set", "1.1", "--progress", "50", user="bob")
    before = cli.dump()
    error = one_error_line(cli("undo", user="alice"))
    assert "1.1" in error
    assert "bob" in error
    assert cli.dump() == before


def test_undo_json(cli: Cli) -> None:
    cli.ok("note", "2.3", "oops")
    data = cli.json("undo")
    assert data["changes"] == [{"id": "2.3", "field": "note", "old": "oops", "new": None}]
    assert cli.item("2.3")["notes"] == []


def test_undo_names_the_time_of_the_change_it_reverts(cli: Cli) -> None:
    cli.ok("set", "2.1", "--progress", "20")
    engine = make_engine(resolve_db_url(cli.url))
    with Session(engine) as session:
        for event in session.exec(select(Event).where(Event.action == "set")):
            event.at = datetime(2022, 3, 1, 8, 30, tzinfo=UTC)
            session.add(event)
        session.commit()
    engine.dispose()
    assert "2022-03-01" in cli.ok("undo").stdout


# -- summary ---------------------------------------------------------------------------


def test_summary_text(warnings_set: Cli) -> None:
    cli = warnings_set
    # On 1 June 41 % of the year has gone: half done is on schedule, untouched is behind.
    cli.ok("set", "6.1", "--progress", "50")
    out = cli.ok("summary", env={"COLUMNS": "120"}).stdout
    assert "Overall progress" in out
    assert "not started 16  in progress 1  done 1  blocked 0" in out
    assert "red 1  yellow 15  green 2" in out
    lines = {
        numeral: line
        for line in out.splitlines()
        if (numeral := line[:3]) in {"(一)", "(二)", "(三)", "(四)", "(五)", "(六)"}
    }
    assert len(lines) == TASKS
    assert "[0/2]" in lines["(一)"]
    assert "red 1" in lines["(一)"]
    assert "yellow 3" in lines["(二)"]
    assert "[1/2]" in lines["(三)"]
    assert "50%" in lines["(三)"]
    assert "yellow 3" in lines["(六)"]
    assert all(re.search(r"[█·▏▎▍▌▋▊▉]{12}", line) for line in lines.values())
    red = out[out.index("Red items (1)") :]
    assert "1.1 笃学践行习近平法治思想" in red
    assert "2022-05-01" in red


def test_summary_json(warnings_set: Cli) -> None:
    data = warnings_set.json("summary")
    assert set(data) >= {"schema", "plan", "tasks"}
    plan = data["plan"]
    assert plan["status_counts"] == {"not_started": 17, "in_progress": 0, "done": 1, "blocked": 0}
    # 2.1 is due within a week; the 15 untouched items lag the year's 41 %.
    assert plan["warning_counts"] == {"red": 1, "yellow": 16, "green": 1}
    assert plan["progress"] == round(100 / ITEMS, 1)
    assert [task["id"] for task in data["tasks"]] == list(range(1, TASKS + 1))
    assert set(data["tasks"][0]) >= TASK_KEYS | {"red", "yellow"}
    assert data["red"] == ["1.1"]


# -- import and plans ------------------------------------------------------------------


def test_import_a_report_and_use_it_as_the_newest_plan(cli: Cli, report: Path) -> None:
    result = cli.ok("import", str(report))
    assert "Imported plan plan-2023" in result.stdout
    assert "2 tasks, 2 items" in result.stdout
    # An import never changes the plan in use (tests/test_plans.py): switching is asked for.
    cli.ok("plans", "use", "plan-2023")
    data = cli.json("list")
    assert data["plan"]["slug"] == "plan-2023"
    assert data["plan"]["year"] == 2023
    titles = [task["title"] for task in data["tasks"]]
    assert titles == ["深化法治宣传教育", "加强行政执法监督"]
    assert data["tasks"][0]["items"][0]["lead_unit"] == "县司法局"
    # The seeded plan is still there, by name, for every command.
    assert len(cli.ids("--plan", "tonglu-2022")) == ITEMS
    assert len(cli.json("--plan", "tonglu-2022", "list")["tasks"]) == TASKS
    assert cli.json("summary", "--plan", "tonglu-2022")["plan"]["slug"] == "tonglu-2022"


def test_import_with_a_slug_then_write_to_that_plan(cli: Cli, report: Path) -> None:
    cli.ok("import", str(report), "--slug", "tonglu-2023")
    cli.ok("done", "1.1", "--plan", "tonglu-2023")
    assert cli.json("show", "1.1", "--plan", "tonglu-2023")["item"]["status"] == "done"
    assert cli.json("show", "1.1", "--plan", "tonglu-2022")["item"]["status"] == "not_started"
    # Relative dates in the 2023 plan mean 2023.
    cli.ok("--plan", "tonglu-2023", "set", "2.1", "--due", "年底")
    assert cli.json("--plan", "tonglu-2023", "show", "2.1")["item"]["due"] == "2023-12-31"
    refs = [event["ref"] for event in cli.json("log", "--plan", "tonglu-2023")["events"]]
    assert refs == [None, "1.1", "1.1", "2.1"]  # the import, done (status, progress), due


def test_import_reads_gbk(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(REPORT_2023.replace("“八五”", "八五").encode("gbk"))
    cli.ok("import", str(path), "--slug", "gbk-2023")
    assert cli.json("list", "--plan", "gbk-2023")["tasks"][0]["title"] == "深化法治宣传教育"


def test_plans_lists_the_plan_in_use_first(cli: Cli, report: Path) -> None:
    cli.ok("import", str(report))
    lines = cli.ok("plans", env={"COLUMNS": "120"}).stdout.splitlines()
    assert lines[1].startswith("* tonglu-2022")
    assert lines[2].startswith("  plan-2023")
    data = cli.json("plans")
    assert [(p["slug"], p["year"], p["items"]) for p in data["plans"]] == [
        ("tonglu-2022", 2022, ITEMS),
        ("plan-2023", 2023, 2),
    ]


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (None, ["missing.txt"]),
        ("", ["is empty"]),
        ("一、总体要求\n坚持依法行政。\n", ["No work-plan section", "three.txt"]),
    ],
    ids=["missing", "empty", "no-section"],
)
def test_import_of_an_unreadable_report_is_a_domain_error(
    cli: Cli, tmp_path: Path, content: str | None, fragments: list[str]
) -> None:
    name = {None: "missing.txt", "": "empty.txt"}.get(content, "three.txt")
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    before = cli.dump()
    error = one_error_line(cli("import", str(path)))
    for fragment in fragments:
        assert fragment in error
    assert cli.dump() == before


def test_import_refuses_a_taken_or_malformed_slug(cli: Cli, report: Path) -> None:
    cli.ok("import", str(report))
    # Another plan of the same year: plan-2023 is taken, and --slug is the way out.
    other = report.with_name("another-2023.txt")
    other.write_text(REPORT_2023.replace("案卷评查", "案卷交叉评查"), encoding="utf-8")
    before = cli.dump()
    assert "--slug" in one_error_line(cli("import", str(other)))
    assert "Bad_Slug" in one_error_line(cli("import", str(other), "--slug", "Bad_Slug"))
    assert "tonglu-2022" in one_error_line(cli("import", str(other), "--slug", "tonglu-2022"))
    # The same file again is a copy, whatever the slug: said first, as no name would help.
    for args in ([], ["--slug", "tonglu-2022"]):
        line = one_error_line(cli("import", str(report), *args))
        assert "already in the ledger as plan plan-2023" in line
    assert cli.dump() == before


# -- errors: exit codes, one line, nothing changed ---------------------------------------

DOMAIN_ERRORS: list[tuple[list[str], list[str]]] = [
    (["set", "7.1", "--status", "done"], ["No item 7.1", "tonglu-2022", "1–6"]),
    (["set", "2.1", "7.1", "--status", "done"], ["No item 7.1"]),
    (["set", "2.9", "--progress", "10"], ["No item 2.9", "2.1, 2.2, 2.3"]),
    (["set", "9", "--progress", "10"], ["No task 9", "1–6"]),
    (["set", "abc", "--progress", "10"], ["Invalid ID abc", "2.3"]),
    (["set", "2.1", "--progress", "101"], ["101", "0 to 100"]),
    (["set", "2.1", "--progress", "-5"], ["-5", "0 to 100"]),
    (["set", "2.1", "--progress", "50.5"], ["50.5"]),
    (["set", "2.1", "--progress", "abc"], ["abc"]),
    (["set", "2.1", "--status", "bogus"], ["bogus", "not_started", "blocked"]),
    (["set", "2.1", "--status", "done", "--progress", "50"], ["done", "50"]),
    (["set", "2.1", "--status", "not_started", "--progress", "5"], ["5"]),
    (["set", "2.1", "--due", "13月"], ["13月", "2022-06-30", "第三季度"]),
    (["set", "2.1", "--due", "2022-02-30"], ["2022-02-30"]),
    (["set", "2.1"], ["--status", "--note"]),
    (["set", "2", "--progress", "40", "--due", "someday"], ["someday"]),
    (["set", "2.1", "--unit", "x" * 501], ["501", "500"]),
    (["set", "2.1", "--target", "bad\x07bell"], ["control characters"]),
    (["start", "7"], ["No task 7"]),
    (["done", "2.1", "8.8"], ["No item 8.8"]),
    (["block", "0"], ["Invalid ID 0"]),
    (["reopen", "2.1", "--progress", "100"], ["100"]),
    (["note", "2.9", "text"], ["No item 2.9"]),
    (["note", "2.1", "   "], ["cannot be empty"]),
    (["set", "2.1", "--progress", "10", "--note", ""], ["cannot be empty"]),
    (["note", "2.1", "esc \x1b[31m red"], ["control characters"]),
    (["show", "9"], ["No task 9", "1–6"]),
    (["show", "2.9"], ["No item 2.9"]),
    (["show", "x.y"], ["Invalid ID x.y"]),
    (["list", "--task", "9"], ["No task 9", "1–6"]),
    (["list", "--status", "bogus"], ["bogus", "in_progress"]),
    (["list", "--warning", "purple"], ["purple", "red", "yellow", "green"]),
    (["list", "--due-before", "soon"], ["soon", "6月底"]),
    (["list", "--plan", "nope"], ["No plan nope", "tonglu-2022"]),
    (["--plan", "nope", "summary"], ["No plan nope", "tonglu-2022"]),
    (["log", "9"], ["No task 9"]),
    (["log", "--since", "yesterday"], ["yesterday"]),
    (["--today", "someday", "list"], ["someday"]),
    (["undo"], ["nothing to undo"]),
]


@pytest.mark.parametrize(
    ("args", "fragments"), DOMAIN_ERRORS, ids=[" ".join(a)[:40] for a, _ in DOMAIN_ERRORS]
)
def test_domain_errors_exit_1_with_one_line_and_change_nothing(
    cli: Cli, args: list[str], fragments: list[str]
) -> None:
    cli.ok("set", "3.1", "--progress", "30")  # so that a failed write has something to spoil
    before = cli.dump()
    error = one_error_line(cli(*args, user="bystander"))
    for fragment in fragments:
        assert fragment in error
    assert cli.dump() == before


def test_a_failed_note_from_stdin_changes_nothing(cli: Cli) -> None:
    before = cli.dump()
    assert "cannot be empty" in one_error_line(cli("note", "2.1", "-", input="\n \n"))
    assert "No item 7.1" in one_error_line(
        cli("set", "2.1", "7.1", "--progress", "10", "--note", "-", input="text")
    )
    assert cli.dump() == before


USAGE_ERRORS: list[tuple[list[str], str]] = [
    (["frobnicate"], "frobnicate"),
    (["list", "--format", "xml"], "xml"),
    (["summary", "--format", "csv"], "csv"),
    (["list", "--bogus"], "--bogus"),
    (["set", "--status", "done"], "ID"),
    (["show"], "ID"),
    (["note", "2.1"], "TEXT"),
    (["import"], "REPORT"),
    (["undo", "--user"], "--user"),  # a global option after the command still needs its value
]


@pytest.mark.parametrize(
    ("args", "named"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS]
)
def test_usage_errors_exit_2_and_name_the_problem(cli: Cli, args: list[str], named: str) -> None:
    before = cli.dump()
    result = cli(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Usage: " in result.stderr
    assert named in result.stderr
    assert "Traceback" not in result.stderr
    assert cli.dump() == before


def test_a_non_numeric_task_filter_names_the_value(cli: Cli) -> None:
    result = cli("list", "--task", "two")
    # An invalid value is a domain error (exit 1), like `set two`.
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "lawtasks: Invalid ID two: a task ID looks like 2 and an item ID like 2.3."
    )


@pytest.mark.parametrize("kind", ["directory", "not-a-database"])
def test_an_unusable_database_file_is_one_line(tmp_path: Path, kind: str) -> None:
    if kind == "directory":
        target = tmp_path / "dir.db"
        target.mkdir()
    else:
        target = tmp_path / "junk.db"
        target.write_text("this is not sqlite\n" * 100)
    result = CliRunner().invoke(app, ["--db", str(target), "list"])
    error = one_error_line(result)
    # The file, and what to do about it.
    expected = {
        "directory": "it is not a regular file",
        "not-a-database": "is not a lawtasks ledger, or it is damaged",
    }
    assert expected[kind] in error
    assert target.name in error


@pytest.mark.parametrize(
    "url", ["postgresql://officer:secret@localhost/ledger", "nodialect://officer@host/db"]
)
def test_an_unusable_database_url_is_one_line_without_the_password(url: str) -> None:
    result = CliRunner().invoke(app, ["--db", url, "list"])
    error = one_error_line(result)
    assert "secret" not in error


def test_today_relative_dates_mean_the_plan_year(cli: Cli) -> None:
    assert cli.json("summary", today="6月底")["plan"]["today"] == "2022-06-30"


# -- completion ------------------------------------------------------------------------


def _completion_context(settings: Settings, **params: Any) -> typer.Context:
    """A context as shell completion builds it: parsed options, no callback run (no obj)."""
    ctx = typer.Context(get_command(app))
    ctx.params.update({"db": settings.db, "plan": None})
    ctx.params.update(params)
    return ctx


def test_complete_ids_offers_task_and_item_ids(cli: Cli, report: Path) -> None:
    ctx = _completion_context(Settings(db=cli.url, today_text=TODAY))
    assert complete_ids(ctx, "2.") == ["2.1", "2.2", "2.3"]
    assert complete_ids(ctx, "") == [str(n) for n in range(1, TASKS + 1)] + ALL_ITEM_IDS
    assert complete_ids(ctx, "4") == ["4", "4.1", "4.2", "4.3", "4.4"]
    assert complete_ids(ctx, "9") == []
    cli.ok("import", str(report))
    cli.ok("plans", "use", "plan-2023")  # an import never changes the plan in use
    newest = _completion_context(Settings(db=cli.url))
    assert complete_ids(newest, "") == ["1", "2", "1.1", "2.1"]
    chosen = _completion_context(Settings(db=cli.url), plan="tonglu-2022")
    assert complete_ids(chosen, "6.") == ["6.1", "6.2", "6.3", "6.4"]


def test_complete_ids_is_silent_when_the_ledger_cannot_be_read(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite\n" * 100)
    assert complete_ids(_completion_context(Settings(db=str(junk))), "2") == []


# -- users and units ---------------------------------------------------------------------


def test_users_add_list_and_a_refused_change(cli: Cli) -> None:
    assert "No users yet" in cli.ok("users", "list").stdout
    first = cli("users", "add", "alice", "--unit", "县司法局")
    assert "must be a coordinator" in one_error_line(first)

    added = cli.json("users", "add", "office", "--coordinator", user="office")
    assert added["changes"] == [
        {"id": "office", "field": "user", "old": None, "new": "office"},
        {"id": "office", "field": "coordinator", "old": "no", "new": "yes"},
    ]
    cli.ok("users", "add", "alice", "--unit", "县司法局", user="office")
    cli.ok("set", "2.3", "--unit", "县司法局", user="office")
    assert cli.json("users", "list")["users"] == [
        {"name": "office", "unit": None, "coordinator": True, "items": ITEMS},
        {"name": "alice", "unit": "县司法局", "coordinator": False, "items": 1},
    ]
    table = cli.ok("users", "list", env={"COLUMNS": "100"}).stdout
    assert re.search(r"alice\s+县司法局\s+officer\s+1", table), table

    cli.ok("set", "2.3", "--progress", "40", user="alice")
    before = cli.dump()
    error = one_error_line(cli("set", "2.1", "--progress", "40", user="alice"))
    assert "alice (县司法局) may not change 2.1: it has no lead unit" in error
    assert "coordinators: office" in error
    assert cli.dump() == before


def test_users_remove_keeps_their_history(cli: Cli) -> None:
    cli.ok("users", "add", "office", "--coordinator", user="office")
    cli.ok("users", "add", "alice", "--unit", "县司法局", user="office")
    cli.ok("set", "2.3", "--unit", "县司法局", user="office")
    cli.ok("note", "2.3", "from alice", user="alice")
    cli.ok("users", "remove", "alice", user="office")
    assert [u["name"] for u in cli.json("users", "list")["users"]] == ["office"]
    assert cli.item("2.3")["notes"][0]["author"] == "alice"
    assert "is not a user of this ledger" in one_error_line(
        cli("note", "2.3", "again", user="alice")
    )
    # Her arrival and her removal are events of the trail, written by the coordinator.
    assert cli.query(
        "SELECT actor, action, field, old, new FROM event WHERE subject = ? ORDER BY id", "alice"
    ) == [
        ("office", "user", "user", None, "alice"),
        ("office", "user", "unit", None, "县司法局"),
        ("office", "user", "user", "alice", None),
    ]
    cli.ok("verify")  # the user events are in the chain too; a break exits 1


def test_global_options_work_after_the_command_too(cli: Cli) -> None:
    # As officers type them, and as the README's own example has it.
    cli.ok("set", "2.1", "--progress", "30", "--user", "alice")
    assert cli.item("2.1")["updated_by"] == "alice"
    cli.ok("note", "2.1", "--user=bob", "--", "--user carol")  # after --: the note's own text
    assert [note["text"] for note in cli.item("2.1")["notes"]] == ["--user carol"]
    assert cli.item("2.1")["notes"][0]["author"] == "bob"
    # undo has no --plan of its own: the global one serves it.
    assert (
        "Reverted the change bob made"
        in cli.ok("undo", "--user", "bob", "--plan", "tonglu-2022").stdout
    )
    other = cli("set", "2.1", "--bogus")
    assert "No such option: --bogus" in other.stderr
    # Last: the language is the process's once set.
    assert "2.1  进度 30 → 40" in cli.ok("set", "2.1", "--progress", "40", "--lang", "zh").stdout


def test_deadlines_and_statuses_as_officers_write_them(cli: Cli) -> None:
    cli.ok("set", "2.1", "--due", "6月底前", "--status", "推进中")
    cli.ok("set", "2.2", "--due", "11月中旬")
    cli.ok("done", "2.3")
    cli.ok("set", "3.1", "--status", "办结")
    assert (cli.item("2.1")["due"], cli.item("2.1")["status"]) == ("2022-06-30", "in_progress")
    assert cli.item("2.2")["due"] == "2022-11-20"
    assert cli.item("3.1")["status"] == "done"
    before = cli.dump()
    result = cli("set", "2.1", "--due", "2022-02-30")
    assert result.exit_code == 1
    assert "2022-02-30 does not exist: 2/2022 has 28 days" in result.stderr
    assert cli.dump() == before


def test_a_report_already_in_the_ledger_is_not_imported_again(cli: Cli, tmp_path: Path) -> None:
    from lawtasks.seed import seed_report_bytes

    report = tmp_path / "tonglu-again.txt"  # the seeded report, saved under another name
    report.write_bytes(seed_report_bytes())
    before = cli.dump()
    result = cli("import", str(report), "--slug", "second-copy")
    assert result.exit_code == 1
    assert "is already in the ledger as plan tonglu-2022" in result.stderr
    assert cli.dump() == before
