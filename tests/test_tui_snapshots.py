"""What an officer sees: the main screen and each dialog, in both languages and two sizes.

The ledger is given a few changes at fixed times, so that the warnings, notes and history
on screen are the same on every run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from lawtasks.db import make_engine
from lawtasks.seed import seed
from lawtasks.services import Ledger
from lawtasks.tui.app import LawtasksApp, make_app

TODAY = date(2022, 6, 20)
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.fixture
def fixed_engine(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    # Snapshots are of the screen, not the engine: SQLite alone.
    engine = make_engine(f"sqlite:///{db_path}")
    seed(engine, actor="seeder")
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    monkeypatch.chdir(Path(__file__).parents[1])  # the import dialog's relative path
    officer = Ledger(engine, actor="张三")
    officer.update(["1.1"], status="done", note="已将《习近平法治思想学习纲要》纳入学习计划。")
    officer.update(["1.2"], progress=40, lead_unit="县委办", due="2022-06-25")
    officer.update(["2.1"], progress=20, lead_unit="县司法局", due="2022-05-31")
    officer.update(["3"], lead_unit="县综合行政执法局", due="年底", progress=30)
    officer.update(["5.2"], status="blocked", note="[red]行业协会[/] 调解力量不足")
    with engine.begin() as connection:
        # Everything happened on 2022-06-15 at 09:30 Beijing time.
        moment = "2022-06-15 01:30:00.000000"
        connection.execute(text("UPDATE event SET at = :m"), {"m": moment})
        connection.execute(text("UPDATE note SET created_at = :m"), {"m": moment})
        connection.execute(
            text("UPDATE item SET updated_at = :m WHERE updated_at IS NOT NULL"), {"m": moment}
        )
    yield engine
    engine.dispose()
    monkeypatch.delenv("TZ")
    time.tzset()


def make(engine: Engine, lang: str) -> LawtasksApp:
    return make_app(
        engine=engine,
        actor="张三",
        today=TODAY,
        language=lang,
        poll_interval=3600,
        export_dir=Path("/home/officer/reports"),
    )


async def settle(pilot: Any) -> None:
    """Wait until the plan is on screen with the cursor placed, however slow the machine."""
    from lawtasks.tui.screens.main import MainScreen
    from lawtasks.tui.widgets.plan_tree import PlanTree

    for _ in range(200):
        await pilot.app.workers.wait_for_complete()
        main = next((s for s in pilot.app.screen_stack if isinstance(s, MainScreen)), None)
        if main is not None and main.view is not None:
            tree = main.query_one(PlanTree)
            if tree.cursor_node is not None and tree.cursor_node.data is not None:
                break
        await pilot.pause(0.05)
    await pilot.pause(0.2)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def keys(*pressed: str) -> Callable[[Any], Any]:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(*pressed)
        await settle(pilot)

    return run_before


def import_preview(path: str) -> Callable[[Any], Any]:
    """The import dialog once the file's preview is on screen: typing the path fetches
    completions and enter reads the file, each off the event loop, so wait for the preview
    and for every suggestion asked on the way, then for the screen to settle."""

    async def run_before(pilot: Any) -> None:
        from textual.widgets import Button, Input

        await settle(pilot)
        await pilot.press("i", *path, "enter")
        for _ in range(200):
            await settle(pilot)
            button = pilot.app.screen.query_one("#import-go", Button)
            if not button.disabled:
                break
        # A blinking cursor is on or off depending on when the picture is taken.
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        field = pilot.app.screen.query_one("#import-path", Input)
        field.cursor_position = len(field.value)
        await pilot.pause(0.3)
        await settle(pilot)

    return run_before


SCREENS = {
    # The main screen with an item's detail (English has the longest labels).
    "main": keys("down"),
    # The detail pane scrolled from the tree, to the fields below the fold at 80×24.
    "detail": keys("down", "J"),
    # A filter on: the header says so.
    "filtered": keys("slash", *"法治", "enter", "down"),
    "note": keys("down", "n", *"进展顺利"),
    "status": keys("down", "down", "s"),
    "progress": keys("down", "down", "p"),
    "filter": keys("f"),
    "export": keys("e", "down"),
    "help": keys("question_mark"),
    "plans": keys("o"),
    "attach": keys("down", "m"),
    # The import dialog with a Word notice's preview: a path relative to the repository.
    "import": import_preview("tests/fixtures/sources/工作要点通知.docx"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_snapshot(
    snap_compare: Any, fixed_engine: Engine, screen: str, size: str, lang: str
) -> None:
    app = make(fixed_engine, lang)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=SCREENS[screen])
