"""The ledger as it was (`--as-of`), and the period report (`export --since A --as-of B`).

The ledger is worked on over several days under an injected clock (the services stamp their
events with `lawtasks.services.base.utcnow`); on each day every report is exported as it is,
and afterwards each is exported again `--as-of` that day: the two must be equal.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

import lawtasks.services.base
from lawtasks.cli import app
from lawtasks.db import make_engine
from lawtasks.history import load_plan_as_of
from lawtasks.seed import seed
from lawtasks.services import Ledger

from .test_cli import one_error_line

SEEDED = date(2022, 3, 1)
DAYS = (date(2022, 4, 10), date(2022, 5, 20), date(2022, 6, 30), date(2022, 7, 15))


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """`hour:minute` of `day` on this machine's clock, as the UTC time a service stamps."""
    return datetime.combine(day, time(hour, minute)).astimezone().astimezone(UTC)


@dataclass
class Clocked:
    """A ledger whose services run at `now`, and the CLI over it."""

    url: str
    engine: Engine
    now: datetime
    runner: CliRunner = field(default_factory=CliRunner)

    def at(self, moment: datetime) -> None:
        self.now = moment

    def ledger(self, actor: str) -> Ledger:
        return Ledger(self.engine, actor=actor)

    def __call__(self, *args: str) -> Result:
        return self.runner.invoke(app, ["--db", self.url, "--user", "张科长", *args])

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result


@pytest.fixture(params=["sqlite", "postgresql"])
def clocked(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Clocked]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        url = request.getfixturevalue("postgres").new_database()
    engine = make_engine(url)
    state = Clocked(url, engine, local(SEEDED, 9))
    monkeypatch.setattr(lawtasks.services.base, "utcnow", lambda: state.now)
    seed(engine, actor="seeder")
    yield state
    engine.dispose()


def work(clocked: Clocked, day: date) -> None:
    """What the officers do on `day`: changes, notes, returns of units, an undo."""
    office, li, zhang = (clocked.ledger(name) for name in ("office", "li", "zhang"))
    if day == DAYS[0]:
        clocked.at(local(day, 9))
        li.update(["2.1"], progress=30, note="已部署")
        office.update(["1.1", "1.2"], lead_unit="县司法局", due="6月底")
        office.update(["3.1", "3.2"], lead_unit="县公安局")
        clocked.at(local(day, 23, 59))
        zhang.update(["3.1"], progress=10)
    elif day == DAYS[1]:
        clocked.at(local(day, 0, 1))
        li.update(["2.1"], status="done", note="目录已发布")
        office.add_note("3", "请公安局加快推进")
        office.update(["1.2"], progress=50)
        office.undo()  # 1.2 back to 0, in progress no more
        office.update(["1.1"], progress=20, responsible_person="王五")
    elif day == DAYS[2]:
        clocked.at(local(day, 10))
        li.update(["2.1"], status="in_progress", progress=80, note="需补充目录")
        office.update(["3.2"], due="2022-06-15", note="时限已过")
        zhang.update(["4.2"], status="blocked", note="等待上级文件")
        clocked.at(local(day, 23, 30))
        office.add_note("1.1", "日终前补记")
    else:
        clocked.at(local(day, 0, 10))
        zhang.undo()  # 4.2 unblocked, its note retracted, after the end of DAYS[2]
        office.update(["1.1", "1.2"], status="done")


def exports(clocked: Clocked, out: Path, *args: str) -> dict[str, Any]:
    """Every format of `export` with `args`: md, csv and json as text; xlsx and docx as
    their bytes and their text (cells, paragraphs and table cells)."""
    found: dict[str, Any] = {}
    for fmt in ("md", "csv", "json"):
        found[fmt] = clocked.ok("export", "-f", fmt, *args).stdout
    for fmt in ("xlsx", "docx"):
        path = out / f"report.{fmt}"
        clocked.ok("export", "-f", fmt, "-o", str(path), *args)
        data = path.read_bytes()
        path.unlink()
        found[fmt] = data
        found[f"{fmt} text"] = xlsx_text(data) if fmt == "xlsx" else docx_text(data)
    return found


def xlsx_text(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    rows: list[list[object]] = []
    for sheet in book:
        rows.append([sheet.title])
        rows += [list(row) for row in sheet.iter_rows(values_only=True)]
    return rows


def docx_text(data: bytes) -> list[str]:
    from docx import Document

    document = Document(io.BytesIO(data))
    texts = [paragraph.text for paragraph in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [*texts, document.core_properties.comments]


def test_an_export_as_of_a_past_day_equals_the_export_made_that_day(
    clocked: Clocked, tmp_path: Path
) -> None:
    made: dict[date, dict[str, Any]] = {}
    period: dict[date, dict[str, Any]] = {}
    for day in DAYS:
        work(clocked, day)
        made[day] = exports(clocked, tmp_path, "--today", day.isoformat())
        period[day] = exports(clocked, tmp_path, "--today", day.isoformat(), "--since",
                              DAYS[0].isoformat(), "--task", "1", "--task", "2", "--task", "3",
                              "--task", "4")  # fmt: skip
    # The days differ from each other: the comparison below is not of one report with itself.
    assert len({made[day]["json"] for day in DAYS}) == len(DAYS)
    for day in DAYS:
        again = exports(clocked, tmp_path, "--as-of", day.isoformat())
        for fmt in ("md", "csv", "json", "xlsx text", "docx text", "xlsx", "docx"):
            assert again[fmt] == made[day][fmt], (day, fmt)
        since = exports(clocked, tmp_path, "--as-of", day.isoformat(), "--since",
                        DAYS[0].isoformat(), "--task", "1", "--task", "2", "--task", "3",
                        "--task", "4")  # fmt: skip
        for fmt in ("md", "csv", "json", "xlsx text", "docx text", "xlsx", "docx"):
            assert since[fmt] == period[day][fmt], (day, fmt)


def test_the_view_as_of_each_day_holds_that_days_values(clocked: Clocked) -> None:
    views = {}
    for day in DAYS:
        work(clocked, day)
        views[day] = load_plan_as_of(clocked.engine, slug=None, day=day)
    for day in DAYS:
        rebuilt = load_plan_as_of(clocked.engine, slug=None, day=day)
        assert rebuilt == views[day], day
    items = {day: {item.id: item for item in views[day].items} for day in DAYS}
    first, second, third, fourth = DAYS
    # The change at 23:59 belongs to its day; the one at 00:01 to the next.
    assert items[first]["3.1"].progress == 10
    assert items[first]["2.1"].status.value == "in_progress"
    assert items[second]["2.1"].status.value == "done"
    # An undo is an event like any other: 1.2's progress came and went on the second day.
    assert items[second]["1.2"].progress == 0
    assert items[second]["1.2"].version == 4  # set unit and due, set 50, undo: 1 + 3
    # The note made at 23:30 is the day's; a note retracted the next day is still there.
    assert items[third]["1.1"].notes[0].text == "日终前补记"
    assert [note.text for note in items[third]["4.2"].notes] == ["等待上级文件"]
    assert items[third]["4.2"].status.value == "blocked"
    assert items[fourth]["4.2"].notes == ()
    assert items[fourth]["4.2"].status.value == "not_started"
    # Warnings are the day's: 3.2 was due on 15 June, red by the end of June.
    assert items[third]["3.2"].warning.value == "red"
    assert items[first]["3.2"].due is None or items[first]["3.2"].due_is_plan_end
    # Who changed an item last, and when, as the day saw it.
    assert items[first]["2.1"].updated_by == "li"
    assert items[second]["1.1"].updated_by == "office"
    assert items[second]["1.1"].updated_at == local(second, 0, 1)
    # The trail's head grows day by day, and is a prefix of the trail.
    heads = [views[day].trail for day in DAYS]
    assert all(head is not None for head in heads)
    counts = [head.events for head in heads if head is not None]
    assert counts == sorted(counts)
    assert len(set(counts)) == len(counts)


def test_verify_accepts_the_head_of_a_report_as_of_a_past_day(
    clocked: Clocked, tmp_path: Path
) -> None:
    for day in DAYS:
        work(clocked, day)
    path = tmp_path / "june.md"
    clocked.ok("export", "-f", "md", "--as-of", DAYS[2].isoformat(), "-o", str(path))
    result = clocked.ok("verify", "--against", str(path), "-f", "json")
    report = json.loads(result.stdout)
    assert report["intact"], report
    assert report["anchors_checked"] == 1


def test_as_of_a_day_before_the_import_names_both_days(clocked: Clocked) -> None:
    for command in (["summary"], ["list"], ["show", "2.1"], ["export", "-f", "md"]):
        line = one_error_line(clocked(*command, "--as-of", "2022-02-28"))
        assert "2022-02-28" in line
        assert SEEDED.isoformat() in line
    # The day of the import itself is the plan as imported.
    view = json.loads(clocked.ok("summary", "--as-of", SEEDED.isoformat(), "-f", "json").stdout)
    assert view["plan"]["today"] == SEEDED.isoformat()
    assert view["plan"]["progress"] == 0


def test_list_show_and_summary_as_of_a_day(clocked: Clocked) -> None:
    for day in DAYS:
        work(clocked, day)
    first = DAYS[0].isoformat()
    listed = json.loads(clocked.ok("list", "--as-of", first, "-f", "json",
                                   "--unit", "县公安局").stdout)  # fmt: skip
    assert [item["id"] for task in listed["tasks"] for item in task["items"]] == ["3.1", "3.2"]
    assert listed["plan"]["today"] == first
    shown = json.loads(clocked.ok("show", "2.1", "--as-of", first, "-f", "json").stdout)
    assert shown["item"]["progress"] == 30
    assert [note["text"] for note in shown["item"]["notes"]] == ["已部署"]
    # Its history ends with that day.
    assert max(event["at"] for event in shown["item"]["history"]) < local(DAYS[1], 0).isoformat()
    summary = json.loads(clocked.ok("summary", "--as-of", DAYS[2].isoformat(), "-f", "json").stdout)
    assert "3.2" in summary["red"]
    assert (
        "3.2" not in json.loads(clocked.ok("summary", "--as-of", first, "-f", "json").stdout)["red"]
    )
    # As of a day past every change: the ledger as it is.
    now = json.loads(clocked.ok("list", "-f", "json", "--today", "2099-01-01").stdout)
    assert json.loads(clocked.ok("list", "-f", "json", "--as-of", "2099-01-01").stdout) == now


def period_of(clocked: Clocked, *args: str) -> dict[str, Any]:
    data = json.loads(clocked.ok("export", "-f", "json", *args).stdout)
    assert list(data)[:3] == ["schema", "plan", "period"]
    return dict(data["period"])


def test_the_period_report_opens_with_what_changed_in_words(clocked: Clocked) -> None:
    for day in DAYS:
        work(clocked, day)
    second, third = DAYS[1], DAYS[2]
    args = ("--since", second.isoformat(), "--as-of", third.isoformat())
    period = period_of(clocked, *args)
    # As of the end of 10 April against as of 30 June.
    assert period["since"] == second.isoformat()
    assert period["as_of"] == third.isoformat()
    # 2.1 was done in May and reopened in June: not done at the period's end.
    assert period["newly_done"] == []
    assert "3.2" in period["newly_red"]  # due 15 June
    # Biggest move first: 2.1 from 30 to 80, 1.1 from 0 to 20.
    assert period["progress"][:2] == [
        {"id": "2.1", "from": 30, "to": 80},
        {"id": "1.1", "from": 0, "to": 20},
    ]
    assert all(move["from"] != move["to"] for move in period["progress"])
    # 县司法局 (1.1) and 县公安局 (3.2's note, 3's note) both reported; nobody else leads.
    assert period["silent_units"] == []
    assert period["units"] == 2

    # The first day's period: 县司法局's items were only given their unit and due date.
    first = period_of(clocked, "--since", DAYS[0].isoformat(), "--as-of", DAYS[0].isoformat())
    assert first["silent_units"] == []
    quiet = period_of(clocked, "--since", DAYS[2].isoformat(), "--as-of", DAYS[2].isoformat(),
                      "--task", "3")  # fmt: skip
    # Task 3 alone: its unit 县公安局 wrote a note on 3.2 that day.
    assert quiet["silent_units"] == []
    later = period_of(clocked, "--since", "2022-07-01", "--as-of", "2022-07-14")
    assert sorted(later["silent_units"]) == ["县公安局", "县司法局"]
    assert later["progress"] == []
    assert later["newly_done"] == []

    # In words, before the tables, in either language.
    md = clocked.ok("export", "-f", "md", *args).stdout
    assert md.index("## This period in brief") < md.index("## 1. Overall progress")
    assert "2.1 严格落实重大行政决策程序 (30% → 80%)" in md
    assert "Newly red (" in md
    zh = clocked.ok("--lang", "zh", "export", "-f", "md", *args).stdout
    assert zh.index("## 本期变化") < zh.index("## 一、总体进展")
    assert "（进度30%→80%）" in zh
    # Filtered: the summary is of the items shown only.
    only = period_of(clocked, *args, "--task", "1")
    assert [move["id"] for move in only["progress"]] == ["1.1"]
    assert only["newly_red"] == []


def test_the_period_in_xlsx_and_docx(clocked: Clocked, tmp_path: Path) -> None:
    for day in DAYS:
        work(clocked, day)
    args = ("--since", DAYS[1].isoformat(), "--as-of", DAYS[2].isoformat())
    found = exports(clocked, tmp_path, *args)
    docx = found["docx text"]
    assert docx.index("This period in brief") < docx.index("1. Overall progress")
    assert any("2.1 严格落实重大行政决策程序 (30% → 80%)" in text for text in docx)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(found["xlsx"]))
    assert book.sheetnames == ["Ledger", "Summary", "This period", "Changes"]
    rows = list(book["This period"].iter_rows(values_only=True))
    assert rows[0][:6] == ("Kind", "ID", "Item", "Lead unit", "Before", "After")
    assert ("progress moved", "2.1", "严格落实重大行政决策程序", None, 30, 80) in [
        row[:6] for row in rows
    ]
    # csv stays the item table, with the values as of the period's end (and, on a redirected
    # stdout, the BOM Excel needs).
    csv_rows = found["csv"].removeprefix("\ufeff").splitlines()
    assert csv_rows[0].startswith("id,task,title")
    assert any(row.startswith("2.1,") and ",80," in row for row in csv_rows)


def test_a_period_that_begins_before_the_import_compares_with_the_plan_as_imported(
    clocked: Clocked,
) -> None:
    work(clocked, DAYS[0])
    period = period_of(clocked, "--since", "2022-01-01", "--as-of", DAYS[0].isoformat())
    assert {"id": "2.1", "from": 0, "to": 30} in period["progress"]
    line = one_error_line(clocked("export", "-f", "md", "--since", "2022-05-01", "--as-of",
                                  "2022-04-30"))  # fmt: skip
    assert "2022-05-01" in line
    assert "2022-04-30" in line


def test_rows_a_later_import_added_are_absent_before_it(clocked: Clocked) -> None:
    from dataclasses import replace

    from lawtasks.parser import decode_report, parse_report
    from lawtasks.seed import SEED_FILE, seed_report_bytes

    text = decode_report(seed_report_bytes(), source_name=SEED_FILE)
    parsed = parse_report(text, source_name=SEED_FILE)
    task = parsed.tasks[-1]
    extra = replace(task.items[-1], seq=task.items[-1].seq + 1, title="新增事项", text="新增事项。")
    new_task = replace(task, seq=task.seq + 1, numeral="七", title="新增任务", items=(extra,))
    grown = replace(
        parsed,
        tasks=(*parsed.tasks[:-1], replace(task, items=(*task.items, extra)), new_task),
    )
    before = load_plan_as_of(clocked.engine, slug=None, day=SEEDED)
    clocked.at(local(DAYS[0], 9))
    _, added = clocked.ledger("office").import_plan(grown, slug=before.slug)
    assert added == 3  # one item in the last task, a new task with its item
    now = load_plan_as_of(clocked.engine, slug=None, day=DAYS[0])
    assert len(now.items) == len(before.items) + 2
    assert len(now.tasks) == len(before.tasks) + 1
    again = load_plan_as_of(clocked.engine, slug=None, day=SEEDED)
    assert [item.id for item in again.items] == [item.id for item in before.items]
    assert [task.id for task in again.tasks] == [task.id for task in before.tasks]


def test_warnings_and_dates_follow_the_local_day(clocked: Clocked) -> None:
    # The end of a day is this machine's midnight: an event a minute before it is the
    # day's, a minute after it the next day's.
    clocked.at(local(DAYS[0], 23, 59))
    clocked.ledger("li").update(["2.1"], progress=10)
    clocked.at(local(DAYS[0] + timedelta(days=1), 0, 1))
    clocked.ledger("li").update(["2.1"], progress=20)

    def progress(day: date) -> int:
        view = load_plan_as_of(clocked.engine, slug=None, day=day)
        return next(item.progress for item in view.items if item.id == "2.1")

    assert progress(DAYS[0]) == 10
    assert progress(DAYS[0] + timedelta(days=1)) == 20


def test_the_tuis_export_takes_a_period_and_an_as_of_day(clocked: Clocked, tmp_path: Path) -> None:
    import asyncio

    from textual.pilot import Pilot
    from textual.widgets import Input

    from lawtasks.tui.app import make_app
    from lawtasks.tui.screens.export_dialog import ExportDialog

    from .test_tui import exported, loaded, settled

    for day in DAYS:
        work(clocked, day)
    target = tmp_path / "二季度.md"
    args = ("--since", DAYS[1].isoformat(), "--as-of", DAYS[2].isoformat())
    expected = clocked.ok("--lang", "zh", "export", "-f", "md", *args).stdout
    app = make_app(engine=clocked.engine, actor="张科长", today=DAYS[3], poll_interval=0.2)

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await scenario(pilot)
            await settled(pilot, app)

    async def scenario(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await pilot.click("#format-md")
        app.screen.query_one("#export-path", Input).value = str(target)
        app.screen.query_one("#export-since", Input).value = DAYS[1].isoformat()
        app.screen.query_one("#export-as-of", Input).value = DAYS[2].isoformat()
        await pilot.press("enter")
        await exported(app)
        await pilot.pause()

    from lawtasks import i18n

    i18n.set_language("zh")
    asyncio.run(main())
    # The same report as the CLI's: the period in words first, the values as of 30 June.
    assert target.read_text(encoding="utf-8") == expected
    assert "## 本期变化" in expected
