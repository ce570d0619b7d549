"""The TUI driven with Pilot: every key and dialog, with the database checked afterwards.

Writes run on a worker: a test waits for the outcome to be shown (`settled`) before it reads
the database, never for a fixed time.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import sqlite3
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, SelectionList, Static, TextArea
from textual.worker import WorkerCancelled

from lawtasks import db
from lawtasks.domain import Status
from lawtasks.i18n import t
from lawtasks.readmodel import ItemView, TaskView, load_history, load_plan
from lawtasks.render import describe, undo_heading
from lawtasks.services import Ledger
from lawtasks.tui.app import LawtasksApp, make_app
from lawtasks.tui.screens.dialogs import (
    FilterDialog,
    HelpScreen,
    NoteDialog,
    PromptDialog,
    StatusMenu,
)
from lawtasks.tui.screens.export_dialog import ExportDialog
from lawtasks.tui.screens.main import WRITES, MainScreen
from lawtasks.tui.widgets.detail_pane import DetailPane
from lawtasks.tui.widgets.plan_tree import PlanTree

from .conftest import OFFICER_DATES

TODAY = date(2022, 6, 1)
Scenario = Callable[[Pilot[None], LawtasksApp], Awaitable[None]]


def item(engine: Engine, ref: str) -> ItemView:
    view = load_plan(engine, slug=None, today=TODAY)
    return next(i for i in view.items if i.id == ref)


def run(engine: Engine, scenario: Scenario, *, size: tuple[int, int] = (120, 40)) -> None:
    app = make_app(engine=engine, actor="tui-officer", today=TODAY, poll_interval=0.2)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await loaded(pilot)
            await scenario(pilot, app)
            await settled(pilot, app)

    asyncio.run(main())


async def loaded(pilot: Pilot[None]) -> None:
    """Wait until the plan is shown and the tree has placed its cursor (it does so after
    a refresh, so a key pressed before then could be overtaken)."""
    for _ in range(200):
        screen = pilot.app.screen
        if isinstance(screen, MainScreen) and screen.view is not None:
            tree = screen.query_one(PlanTree)
            if tree.cursor_node is not None and tree.cursor_node.data is not None:
                await settled(pilot, pilot.app)  # and the detail pane shows its history
                return
        await pilot.pause(0.02)
    raise AssertionError("the plan never loaded")


def workers(app: LawtasksApp, *groups: str) -> list[Any]:
    return [worker for worker in app.workers if worker.group in groups]


async def settled(pilot: Pilot[None], app: LawtasksApp, *, writes: bool = True) -> None:
    """Wait until every write asked for is done and its outcome shown (unless `writes` is
    False), and the detail pane shows the history of the node under the cursor (a write's
    reload reads it again)."""
    screen = main_screen(app)
    groups = (WRITES, "history") if writes else ("history",)
    for _ in range(1000):
        busy = [worker for worker in workers(app, *groups) if not worker.is_finished]
        if busy:  # (an empty list would wait for every worker)
            # A history read is exclusive: a newer one (the cursor placed again) cancels it,
            # which is no failure; the loop then waits for the newer one.
            with contextlib.suppress(WorkerCancelled):
                await app.workers.wait_for_complete(busy)
        await pilot.pause()  # the messages they posted are handled
        node = screen.selected()
        shown = node is None or (
            screen._history is not None and screen._history[0] == PlanTree.key(node)
        )
        if not busy and shown and not (writes and screen.writes.unsettled):
            return
    raise AssertionError("the writes never settled")


async def exported(app: LawtasksApp) -> None:
    """Wait for the export worker (not for all workers: on PostgreSQL one keeps listening)."""
    await app.workers.wait_for_complete([w for w in app.workers if w.group == "export"])


def database_url(engine: Engine) -> str:
    """The URL another process (or the CLI) uses for the same database."""
    return engine.url.render_as_string(hide_password=False)


def main_screen(app: LawtasksApp) -> MainScreen:
    screen = app.screen_stack[1]
    assert isinstance(screen, MainScreen)
    return screen


def cursor(app: LawtasksApp) -> str | None:
    node = main_screen(app).query_one(PlanTree).selected()
    return None if node is None else PlanTree.key(node)


async def go_to(pilot: Pilot[None], app: LawtasksApp, ref: str) -> None:
    tree = main_screen(app).query_one(PlanTree)
    for _ in range(20):
        tree.move_cursor(tree._by_ref[ref])
        await pilot.pause()
        if cursor(app) == ref:
            break
    assert cursor(app) == ref


def detail_text(app: LawtasksApp) -> str:
    from rich.console import Console

    console = Console(width=60, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(main_screen(app).query_one(DetailPane).shown)
    return console.export_text()


# -- the screen ------------------------------------------------------------------------------


def test_starts_expanded_with_the_cursor_on_the_first_task(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        tree = main_screen(app).query_one(PlanTree)
        assert cursor(app) == "1"
        assert all(node.is_expanded for node in tree.root.children)
        assert len(tree.root.children) == 6
        assert sum(len(node.children) for node in tree.root.children) == 18
        await pilot.press("down", "j")
        assert cursor(app) == "1.2"
        await pilot.press("k")
        assert cursor(app) == "1.1"

    run(engine, scenario)


def test_left_and_right_collapse_and_expand(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        tree = main_screen(app).query_one(PlanTree)
        first = tree.root.children[0]
        await pilot.press("left")
        assert not first.is_expanded
        await pilot.press("right")
        assert first.is_expanded
        await pilot.press("enter")
        assert not first.is_expanded

    run(engine, scenario)


# -- marking progress ------------------------------------------------------------------------


def test_space_toggles_an_item_done_and_reopens_it(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("down", "space")
        await settled(pilot, app)
        assert (item(engine, "1.1").status.value, item(engine, "1.1").progress) == ("done", 100)
        assert cursor(app) == "1.1"  # the cursor stays where it was
        await pilot.press("space")
        await settled(pilot, app)
        assert item(engine, "1.1").status.value == "in_progress"

    run(engine, scenario)
    history = load_history(engine, slug=None, ref="1.1")
    assert {event.actor for event in history} == {"tui-officer"}


def test_space_on_a_task_applies_to_all_its_items(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "2")
        await pilot.press("space")
        await settled(pilot, app)
        assert [item(engine, f"2.{n}").status.value for n in (1, 2, 3)] == ["done"] * 3
        assert cursor(app) == "2"

    run(engine, scenario)


def test_s_opens_a_status_menu_and_writes_only_the_status_chosen(engine: Engine) -> None:
    """A 30 % item taken to 受阻 leaves done and 100 out of the trail (a cycle through 已完成
    wrote them); arrows and enter choose, a digit too, and escape changes nothing."""
    Ledger(engine, actor="x").update(["3.1"], progress=30, status="in_progress")

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "3.1")
        await pilot.press("s")
        assert isinstance(app.screen, StatusMenu)
        menu = app.screen.query_one(OptionList)
        assert menu.highlighted == list(Status).index(Status.IN_PROGRESS)  # where it is
        await pilot.press("down", "down", "enter")
        await settled(pilot, app)
        assert isinstance(app.screen, MainScreen)
        assert (item(engine, "3.1").status, item(engine, "3.1").progress) == (Status.BLOCKED, 30)
        await pilot.press("s", "escape")
        await settled(pilot, app)
        assert item(engine, "3.1").status is Status.BLOCKED
        await pilot.press("s", "1")
        await settled(pilot, app)
        assert item(engine, "3.1").status is Status.NOT_STARTED

    run(engine, scenario)
    changes = [
        (event.field, event.new)
        for event in load_history(engine, slug=None, ref="3.1")
        if event.actor == "tui-officer"
    ]
    # (未开始 puts progress back to 0: the service's rule, as `lawtasks set` does.)
    assert changes == [("status", "blocked"), ("status", "not_started"), ("progress", "0")]


def test_plus_and_minus_move_progress_by_ten(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "4.2")
        await pilot.press("plus", "plus", "plus", "minus")
        await settled(pilot, app)
        assert item(engine, "4.2").progress == 20
        await go_to(pilot, app, "5")
        await pilot.press("plus")
        await settled(pilot, app)
        assert [item(engine, f"5.{n}").progress for n in (1, 2, 3)] == [10, 10, 10]

    run(engine, scenario)


def test_p_sets_an_exact_progress_and_refuses_a_bad_one(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "2.2")
        await pilot.press("p")
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one(Input).value = "101"
        await pilot.press("enter")
        assert isinstance(app.screen, PromptDialog)  # still open, with the reason shown
        error = app.screen.query_one("#prompt-error", Static)
        assert "101" in str(error.render())
        assert "0 to 100" in str(error.render())
        assert item(engine, "2.2").progress == 0
        app.screen.query_one(Input).value = "65"
        await pilot.press("enter")
        assert isinstance(app.screen, MainScreen)
        await settled(pilot, app)
        assert (item(engine, "2.2").progress, item(engine, "2.2").status.value) == (
            65,
            "in_progress",
        )

    run(engine, scenario)


def test_u_d_and_t_set_unit_due_date_and_target(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "6.3")
        await pilot.press("u")
        app.screen.query_one(Input).value = "县司法局"
        await pilot.press("enter")
        await pilot.press("d")
        app.screen.query_one(Input).value = "明天"
        await pilot.press("enter")
        assert isinstance(app.screen, PromptDialog)
        assert "明天" in str(app.screen.query_one("#prompt-error", Static).render())
        app.screen.query_one(Input).value = "第三季度"
        await pilot.press("enter")
        await pilot.press("t")
        app.screen.query_one(Input).value = "审查率100%"
        await pilot.press("enter")
        await pilot.press("u")
        await pilot.press("escape")  # cancelled: nothing changes

    run(engine, scenario)
    row = item(engine, "6.3")
    assert (row.lead_unit, row.due, row.target) == ("县司法局", date(2022, 9, 30), "审查率100%")


def test_d_reads_deadlines_as_officers_write_them(engine: Engine) -> None:
    seen: list[tuple[str, date]] = []

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "6.3")
        await pilot.press("d")
        app.screen.query_one(Input).value = "2022-02-30"
        await pilot.press("enter")
        assert isinstance(app.screen, PromptDialog)
        error = str(app.screen.query_one("#prompt-error", Static).render())
        assert "2022-02-30 does not exist" in error
        assert "28 days" in error
        await pilot.press("escape")
        for written, _ in OFFICER_DATES:
            await pilot.press("d")
            app.screen.query_one(Input).value = written
            await pilot.press("enter")
            assert isinstance(app.screen, MainScreen), written
            await settled(pilot, app)
            seen.append((written, item(engine, "6.3").due))

    run(engine, scenario)
    assert seen == [(written, date.fromisoformat(meant)) for written, meant in OFFICER_DATES]


# -- notes -----------------------------------------------------------------------------------


def test_n_adds_a_multiline_chinese_note_with_ctrl_s(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "1.1")
        await pilot.press("n")
        assert isinstance(app.screen, NoteDialog)
        app.screen.query_one(TextArea).text = "已印发学习计划。\n下一步:组织专题学习。"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, MainScreen)
        await settled(pilot, app)
        assert "组织专题学习" in detail_text(app)

    run(engine, scenario)
    (note,) = item(engine, "1.1").notes
    assert (note.text, note.author) == ("已印发学习计划。\n下一步:组织专题学习。", "tui-officer")


def test_escape_cancels_a_note_and_an_empty_note_is_refused(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "1.1")
        await pilot.press("n")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, NoteDialog)
        assert "empty" in str(app.screen.query_one("#note-error", Static).render())
        app.screen.query_one(TextArea).text = "不要保存"
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)

    run(engine, scenario)
    assert item(engine, "1.1").notes == ()


def test_a_note_that_looks_like_markup_is_saved_and_shown_as_typed(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "1.1")
        await pilot.press("n")
        app.screen.query_one(TextArea).text = "a[/]b [red]x[/]"
        await pilot.press("ctrl+s")
        await settled(pilot, app)
        assert app.is_running
        assert any("a[/]b [red]x[/]" in str(n.message) for n in app._notifications)

    run(engine, scenario)
    assert item(engine, "1.1").notes[0].text == "a[/]b [red]x[/]"


def test_stored_markup_and_escape_sequences_are_shown_literally(engine: Engine) -> None:
    markup = "[red]x[/] [link=file:///etc/passwd]y[/link]"
    Ledger(engine, actor="colleague").add_note("1.1", markup)
    # The service refuses control characters; a row written by other means may still hold
    # one, and the screen must not pass it to the terminal.
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE item SET target = :t WHERE title LIKE '笃学%'"),
            {"t": "\x1b]8;;http://evil\x1b\\click\x1b[2J"},
        )

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("down")
        await settled(pilot, app)
        shown = detail_text(app)
        assert markup in shown
        assert "\x1b" not in shown
        assert "\\x1b]8;;http://evil" in shown

    run(engine, scenario)


# -- undo, reload, filter, help, quit --------------------------------------------------------


def test_ctrl_z_undoes_the_last_change(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "2.1")
        await pilot.press("plus", "plus")
        await settled(pilot, app)
        assert item(engine, "2.1").progress == 20
        await pilot.press("ctrl+z")
        await settled(pilot, app)
        assert item(engine, "2.1").progress == 10
        assert cursor(app) == "2.1"
        # It says what it undid, in the words `lawtasks undo` prints.
        said = str(list(app._notifications)[-1].message).splitlines()
        made_at = load_history(engine, slug=None, ref="2.1")[-2].at
        assert said == [
            undo_heading("tui-officer", made_at),
            f"2.1  {describe('progress', '20', '10')}",
        ]
        assert "tui-officer" in said[0]

    run(engine, scenario)
    assert [e.action for e in load_history(engine, slug=None, ref="2.1")][-1] == "undo"


def test_slash_filters_by_text_and_escape_clears(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("slash")
        app.screen.query_one(Input).value = "政务公开"
        await pilot.press("enter")
        await pilot.pause()
        tree = main_screen(app).query_one(PlanTree)
        assert list(tree._by_ref) == ["4", "4.4"]
        await pilot.press("escape")
        await pilot.pause()
        assert len(tree._by_ref) == 24

    run(engine, scenario)


def test_f_filters_by_status_and_warning(engine: Engine) -> None:
    Ledger(engine, actor="x").update(["3.2"], status="blocked")
    Ledger(engine, actor="x").update(["5.1"], due="2022-05-01")  # red on TODAY

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("f")
        assert isinstance(app.screen, FilterDialog)
        selection = app.screen.query_one(SelectionList)
        selection.select("s:blocked")
        await pilot.press("enter")
        await pilot.pause()
        tree = main_screen(app).query_one(PlanTree)
        assert [k for k in tree._by_ref if "." in k] == ["3.2"]
        await pilot.press("f")
        selection = app.screen.query_one(SelectionList)
        selection.deselect("s:blocked")
        selection.select("w:red")
        await pilot.press("enter")
        await pilot.pause()
        assert [k for k in tree._by_ref if "." in k] == ["5.1"]

    run(engine, scenario)


def test_r_reloads_and_changes_elsewhere_show_up(engine: Engine, db_path: Path) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "2.3")
        # Another process, as a colleague's CLI would.
        subprocess.run(
            [
                sys.executable,
                "-m",
                "lawtasks",
                "--db",
                database_url(app.engine),
                "--user",
                "colleague",
                "set",
                "2.3",
                "--progress",
                "70",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        for _ in range(100):  # within 2 seconds (the poll runs every 0.2 s here)
            await pilot.pause(0.02)
            node = main_screen(app).query_one(PlanTree).selected()
            if isinstance(node, ItemView) and node.progress == 70:
                break
        node = main_screen(app).query_one(PlanTree).selected()
        assert isinstance(node, ItemView)
        assert (node.progress, node.updated_by) == (70, "colleague")
        assert cursor(app) == "2.3"
        before = len(app._notifications)
        await pilot.press("r")
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "load"])
        await pilot.pause(0.1)
        assert cursor(app) == "2.3"
        reloaded = [n for n in list(app._notifications)[before:] if n.message == t("tui.reloaded")]
        assert len(reloaded) == 1

    run(engine, scenario)


def test_a_stale_item_is_a_conflict_and_is_reloaded(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "4.1")
        main_screen(app).poll_interval = 1000  # keep the stale view on screen
        for timer in main_screen(app)._timers:
            timer.pause()
        Ledger(app.engine, actor="colleague").update(["4.1"], progress=40)
        await pilot.press("plus")
        await settled(pilot, app)
        assert item(engine, "4.1").progress == 40  # theirs, not overwritten
        node = main_screen(app).query_one(PlanTree).selected()
        assert isinstance(node, ItemView)
        assert node.progress == 40  # the screen now shows theirs

    run(engine, scenario)


def test_help_lists_every_key_and_q_quits(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = " ".join(k for k, _ in app.screen.keys)
        for key in (
            "space",
            "s",
            "+",
            "-",
            "p",
            "n",
            "u",
            "d",
            "t",
            "e",
            "/",
            "f",
            "^z",
            "r",
            "?",
            "q",
            "j k",
            "enter",
            "tab",
            "J",
        ):
            assert key in keys, key
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running

    run(engine, scenario)


def test_e_exports_to_the_chosen_path(engine: Engine, tmp_path: Path) -> None:
    target = tmp_path / "季度报告.md"

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await pilot.click("#format-md")
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await exported(app)
        await pilot.pause()
        assert any(str(target) in str(n.message) for n in app._notifications)

    run(engine, scenario)
    assert "持续强化党对法治政府建设的领导" in target.read_text(encoding="utf-8")


def test_the_default_export_name_follows_the_format_and_the_as_of_day(engine: Engine) -> None:
    names: list[str] = []

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        path = app.screen.query_one("#export-path", Input)
        names.append(Path(path.value).name)
        await pilot.click("#format-md")
        await pilot.pause()
        names.append(Path(path.value).name)
        app.screen.query_one("#export-as-of", Input).value = "5月底"
        await pilot.pause()
        names.append(Path(path.value).name)
        # A name the officer typed keeps its own name and follows only the format.
        path.value = "/tmp/季度报告.md"
        await pilot.click("#format-xlsx")
        await pilot.pause()
        names.append(Path(path.value).name)
        await pilot.press("escape")

    run(engine, scenario)
    assert names == [
        "tonglu-2022-ledger-2022-06-01.xlsx",
        "tonglu-2022-report-2022-06-01.md",
        "tonglu-2022-report-2022-05-31.md",
        "季度报告.xlsx",
    ]


def test_the_export_lists_the_changes_of_a_period_and_never_replaces_the_ledger(
    engine: Engine, tmp_path: Path
) -> None:
    Ledger(engine, actor="office").update(["2.1"], progress=40, note="已部署")
    target = tmp_path / "二季度.md"

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await pilot.click("#format-md")
        app.screen.query_one("#export-path", Input).value = str(target)
        app.screen.query_one("#export-since", Input).value = "2022-01-01"
        await pilot.press("enter")
        await exported(app)
        await pilot.pause()
        if engine.dialect.name == "sqlite":
            # The ledger's own file as the export's path: refused, the ledger untouched.
            ledger = Path(str(engine.url.database))
            before = ledger.read_bytes()
            await pilot.press("e")
            await pilot.pause()
            app.screen.query_one("#export-path", Input).value = str(ledger)
            await pilot.press("enter")
            await exported(app)
            await pilot.pause()
            assert ledger.read_bytes() == before
            assert any(n.severity == "error" for n in app._notifications)

    run(engine, scenario)
    report = target.read_text(encoding="utf-8")
    # The section the CLI's --since adds, for the period from 2022-01-01 to the TUI's day.
    assert f"## {t('export.section_changes')}" in report
    assert "2022-01-01" in report


@pytest.mark.parametrize("case", ["missing-directory", "onto-a-directory"])
def test_a_failed_export_says_why(engine: Engine, tmp_path: Path, case: str) -> None:
    if case == "missing-directory":
        # lawtasks' own check: it names the directory that is not there.
        target = tmp_path / "missing" / "季度报告.xlsx"
        named, reason = "missing", "the directory does not exist"
    else:
        # The system's own refusal, which holds for root too: the path is a directory.
        target = tmp_path / "季度报告.xlsx"
        target.mkdir()
        named, reason = "季度报告.xlsx", os.strerror(errno.EISDIR)

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("e")
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete(workers(app, "export"))
        await pilot.pause()
        errors = [str(n.message) for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1, errors
        # What went wrong and where, not only that something did.
        assert named in errors[0]
        assert reason in errors[0]

    run(engine, scenario)
    assert not (tmp_path / "missing").exists()
    assert not any("季度报告" in path.name for path in tmp_path.rglob("*") if path.is_file())


def test_every_action_is_in_the_command_palette(engine: Engine) -> None:
    from lawtasks.tui.commands import ACTIONS

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        for _, action in ACTIONS:
            name = action.split("(")[0]
            assert hasattr(main_screen(app), f"action_{name}"), action
        await go_to(pilot, app, "1.2")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"toggle done")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await settled(pilot, app)
        assert item(engine, "1.2").status.value == "done"

    run(engine, scenario)


def test_task_detail_shows_the_task(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        node = main_screen(app).query_one(PlanTree).selected()
        assert isinstance(node, TaskView)
        assert "笃学践行习近平法治思想" in detail_text(app)

    run(engine, scenario)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_tree_labels_fit_and_line_up(engine: Engine, size: tuple[int, int]) -> None:
    from rich.cells import cell_len

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        tree = main_screen(app).query_one(PlanTree)
        width = tree.scrollable_content_region.width
        ends = set()
        for node in tree._by_ref.values():
            label = tree.render_label(node, tree.rich_style, tree.rich_style)
            depth_indent = 0 if isinstance(node.data, TaskView) else tree.guide_depth
            assert cell_len(label.plain) + depth_indent <= width
            if isinstance(node.data, ItemView):
                ends.add(cell_len(label.plain) + depth_indent)
        assert len(ends) == 1  # the progress and colour columns line up

    run(engine, scenario, size=size)


def test_a_applies_a_return_after_showing_its_preview(
    engine: Engine, db_path: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from lawtasks.cli import app as cli_app
    from lawtasks.exporters.sheets import FIRST_ROW
    from lawtasks.tui.screens.dialogs import ConfirmDialog

    Ledger(engine, actor="office").update(["2"], lead_unit="县司法局")
    CliRunner().invoke(cli_app, ["--db", database_url(engine), "sheets", "-o", str(tmp_path)])
    (sheet,) = tmp_path.glob("*.xlsx")
    workbook = load_workbook(sheet)
    # The first item's row, under the sheet's form header (issue 16).
    workbook.worksheets[0][f"G{FIRST_ROW}"] = 70
    workbook.worksheets[0][f"H{FIRST_ROW}"] = "已完成目录编制"
    workbook.save(sheet)

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("a")
        app.screen.query_one(Input).value = str(tmp_path / "missing.xlsx")
        await pilot.press("enter")
        assert "There is no file" in str(app.screen.query_one("#prompt-error", Static).render())
        app.screen.query_one(Input).value = str(sheet)
        await pilot.press("enter")
        await app.workers.wait_for_complete(workers(app, "return"))
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert any("progress 0 → 70" in line for line in app.screen.lines)
        assert item(engine, "2.1").progress == 0  # nothing before confirmation
        await pilot.press("enter")
        await settled(pilot, app)
        assert isinstance(app.screen, MainScreen)
        assert any("Applied" in str(n.message) for n in app._notifications)

    run(engine, scenario)
    row = item(engine, "2.1")
    # Applied by the TUI's officer, for the unit whose sheet it is.
    assert (row.progress, row.updated_by) == (70, "tui-officer")
    assert row.notes[0].text == "Done so far: 已完成目录编制"
    applied = {(e.actor, e.for_unit) for e in load_history(engine, slug=None, ref="2.1")}
    assert ("tui-officer", "县司法局") in applied


def test_on_postgresql_changes_arrive_by_notification(postgres: object) -> None:
    from lawtasks.db import make_engine
    from lawtasks.seed import seed

    url = postgres.new_database()  # type: ignore[attr-defined]
    engine = make_engine(url)
    seed(engine)
    # Polling every hour: only LISTEN/NOTIFY can bring the change in time.
    app = make_app(engine=engine, actor="watcher", today=TODAY, poll_interval=3600)

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await go_to(pilot, app, "5.3")
            await pilot.pause(0.5)  # the listener has connected
            Ledger(engine, actor="colleague").update(["5.3"], progress=55)
            for _ in range(50):  # within a second
                await pilot.pause(0.02)
                node = main_screen(app).query_one(PlanTree).selected()
                if isinstance(node, ItemView) and node.progress == 55:
                    break
            node = main_screen(app).query_one(PlanTree).selected()
            assert isinstance(node, ItemView)
            assert (node.progress, node.updated_by) == (55, "colleague")

    asyncio.run(main())


def test_a_large_plan_opens_folded_and_makes_item_nodes_on_unfolding(engine: Engine) -> None:
    from lawtasks.parser import ParsedItem, ParsedPlan, ParsedTask

    tasks = tuple(
        ParsedTask(
            seq=t,
            numeral=str(t),
            title=f"任务{t}",
            body="",
            items=tuple(
                ParsedItem(seq=i, title=f"事项{t}.{i}", text="", target=None) for i in range(1, 31)
            ),
        )
        for t in range(1, 21)
    )
    plan = ParsedPlan("某县报告", 2022, "", "三、主要工作任务", "big.txt", None, tasks)
    Ledger(engine, actor="seeder").import_plan(plan, slug="big")
    app = make_app(engine=engine, actor="tui-officer", plan="big", today=TODAY, poll_interval=0.2)

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            tree = main_screen(app).query_one(PlanTree)
            assert len(tree.root.children) == 20
            assert not any(node.is_expanded for node in tree.root.children)
            assert sum(len(node.children) for node in tree.root.children) == 0
            await pilot.press("down", "right")  # unfold task 2
            await pilot.pause()
            assert [len(node.children) for node in tree.root.children[:3]] == [0, 30, 0]
            await pilot.press("down", "space")  # 2.1 done
            await settled(pilot, app)
            assert item_of(engine, "2.1").status.value == "done"
            # A change made elsewhere: the labels update in place, the folds stay as they are.
            Ledger(engine, actor="someone", plan="big").update(["3.1"], progress=50)
            for _ in range(100):
                await pilot.pause(0.05)
                pending = tree._pending.get("3")
                if pending and pending[0].progress == 50:
                    break
            assert tree._pending["3"][0].progress == 50
            assert [node.is_expanded for node in tree.root.children[:3]] == [False, True, False]
            assert cursor(app) == "2.1"

    asyncio.run(main())


def item_of(engine: Engine, ref: str) -> ItemView:
    view = load_plan(engine, slug="big", today=TODAY)
    return next(i for i in view.items if i.id == ref)


# -- a write that waits for the writers' lock ------------------------------------------------


@contextmanager
def writers_lock_held(engine: Engine) -> Iterator[Callable[[], None]]:
    """Hold the writers' lock from another connection, as a colleague's long import or an
    officer's idle psql session would; yields the function that lets go of it."""
    if engine.dialect.name == "postgresql":
        import psycopg

        conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        pg = psycopg.connect(conninfo, autocommit=True)
        pg.execute("SELECT pg_advisory_lock(%s)", (db.WRITER_LOCK,))

        def release() -> None:
            pg.execute("SELECT pg_advisory_unlock(%s)", (db.WRITER_LOCK,))

        try:
            yield release
        finally:
            pg.close()
    else:
        # SQLite has one writer at a time: the others wait for it (the busy timeout).
        lite = sqlite3.connect(str(engine.url.database), isolation_level=None)
        lite.execute("BEGIN IMMEDIATE")

        def let_go() -> None:
            lite.execute("ROLLBACK")

        try:
            yield let_go
        finally:
            lite.close()


def test_the_screen_answers_while_writes_wait_for_the_lock(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Long enough not to give up before the lock is let go, short enough that a screen
    # which waited for the write would fail here rather than hang.
    monkeypatch.setattr(db, "WRITER_LOCK_TIMEOUT_MS", 10_000)

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        screen = main_screen(app)
        await go_to(pilot, app, "4.2")
        with writers_lock_held(engine) as release:
            await pilot.press("plus", "plus")  # both wait behind the lock
            # Meanwhile the screen answers: the cursor moves and the detail pane follows...
            await pilot.press("down")
            assert cursor(app) == "4.3"
            await settled(pilot, app, writes=False)
            assert "4.3" in detail_text(app)
            await pilot.press("space", "space")  # ...more keys queue up behind the first...
            await pilot.press("question_mark")  # ...and help opens.
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)
            # Nothing has landed: the lock is still held.
            assert screen.writes.unsettled == 4, [str(n.message) for n in app._notifications]
            assert (item(engine, "4.2").progress, item(engine, "4.3").status.value) == (
                0,
                "not_started",
            )
            release()
            await settled(pilot, app)
        # In the order pressed, each from where the one before left it: + + is +20, and
        # space space is done and back, with no conflict with the screen's own writes.
        assert item(engine, "4.2").progress == 20
        assert item(engine, "4.3").status.value == "in_progress"
        steps = [e.new for e in load_history(engine, slug=None, ref="4.3") if e.field == "status"]
        assert steps == ["done", "in_progress"]
        assert not [n for n in app._notifications if n.severity == "error"]
        # Each write's toast came when it was done; the last one names what it did.
        assert "4.3" in str(list(app._notifications)[-1].message)
        assert cursor(app) == "4.3"

    run(engine, scenario)


def test_a_write_refused_after_the_lock_wait_says_who_holds_it(
    postgres: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lawtasks.db import make_engine
    from lawtasks.seed import seed

    engine = make_engine(postgres.new_database())  # type: ignore[attr-defined]
    seed(engine)
    app = make_app(engine=engine, actor="tui-officer", today=TODAY, poll_interval=0.2)

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await go_to(pilot, app, "2.2")
            with writers_lock_held(engine):
                await pilot.press("plus")
                await pilot.press("down")  # answered while the write waits
                assert cursor(app) == "2.3"
                assert main_screen(app).writes.unsettled == 1
                await settled(pilot, app)  # the write gives up; the lock is never let go
            (error,) = [n for n in app._notifications if n.severity == "error"]
            assert "write lock" in str(error.message)
            assert "postgres" in str(error.message)  # who holds it
            assert cursor(app) == "2.3"

    monkeypatch.setattr(db, "WRITER_LOCK_TIMEOUT_MS", 1000)
    asyncio.run(main())
    assert item(engine, "2.2").progress == 0


def test_a_queued_key_decides_from_the_screens_own_last_write() -> None:
    """The write queue on its own: versions and states follow the screen's own writes, a
    note leaves the version alone, and a newer view (a colleague's change) wins."""
    from lawtasks.services import Change, Outcome
    from lawtasks.tui.screens.main import _toggle
    from lawtasks.tui.writes import Write, WriteKind, WriteQueue

    class Ledger:
        def __init__(self) -> None:
            self.calls: list[tuple[str, dict[str, int], dict[str, Any]]] = []

        def update(self, refs: list[str], *, expected_versions: dict[str, int], **fields: Any):
            self.calls.append((refs[0], expected_versions, fields))
            old, new = ("not_started", "done") if len(self.calls) == 1 else ("x", "in_progress")
            return Outcome("b", None, (Change(refs[0], "status", old, new),), "me")

        def add_note(self, ref: str, text: str) -> Outcome:
            return Outcome("n", None, (Change(ref, "note", None, text),), "me")

    shown = item_view("4.3", version=3)
    ledger = Ledger()
    queue = WriteQueue()
    queue.run(Write.change("4.3", [shown], _toggle), ledger)  # type: ignore[arg-type]
    queue.run(Write.of(WriteKind.CHANGE, lambda ledger: ledger.add_note("4.3", "x")), ledger)  # type: ignore[arg-type]
    queue.run(Write.change("4.3", [shown], _toggle), ledger)  # type: ignore[arg-type]
    # Pressed twice on the same view: the second starts where the first left the item.
    assert [(versions, fields["status"].value) for _, versions, fields in ledger.calls] == [
        ({"4.3": 3}, "done"),
        ({"4.3": 4}, "in_progress"),
    ]
    # A view newer than the screen's own write (someone else's change) is decided from.
    theirs = item_view("4.3", version=9, status=Status.BLOCKED)
    queue.run(Write.change("4.3", [theirs], _toggle), ledger)  # type: ignore[arg-type]
    assert ledger.calls[-1][1] == {"4.3": 9}
    assert ledger.calls[-1][2]["status"] is Status.DONE


def item_view(ref: str, *, version: int, status: Status = Status.NOT_STARTED) -> ItemView:
    from lawtasks.domain import Warning

    task, seq = (int(part) for part in ref.split("."))
    return ItemView(
        id=ref, task=task, seq=seq, title="t", text="t", status=status, progress=0,
        lead_unit=None, assisting_units=None, responsible_person=None, due=None, target=None,
        warning=Warning.GREEN, updated_at=None, updated_by=None, version=version,
    )  # fmt: skip


def test_make_app_is_the_only_way_the_app_is_built() -> None:
    """`lawtasks`, `lawtasks tui`, the fast start, the tests and the benchmarks all build the
    app through make_app, so that what one of them sets up the others get too."""
    root = Path(__file__).resolve().parents[1]
    call = LawtasksApp.__name__ + "("  # spelt so that this file does not name it
    built = [
        f"{path.relative_to(root)}: {line.strip()}"
        for folder in ("src", "tests", "benchmarks")
        for path in sorted((root / folder).rglob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if call in line and not line.lstrip().startswith(("class ", "#"))
    ]
    assert built == [f"src/lawtasks/tui/app.py: return {call}"]
