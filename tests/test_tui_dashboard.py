"""The dashboard (g): the plan's progress over time against the 序时 line, a chart per task,
the lead units by red and yellow items and by reporting in the round, and the red list.

The ledger is worked on over several days under a fixed clock, so that the charts, tables
and times on screen are the same on every run.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

import lawtasks.services.base
from lawtasks.commands import ItemReturn
from lawtasks.db import make_engine
from lawtasks.seed import seed
from lawtasks.services import Ledger
from lawtasks.tui.app import LawtasksApp, make_app

from .test_tui_snapshots import SIZES, TODAY, settle

# Each day's changes, as officers made them (times are Beijing's, UTC+8).
SEEDED = datetime(2022, 1, 4, 1, 0, tzinfo=UTC)


def _work(engine: Engine, clock: list[datetime]) -> None:
    office = Ledger(engine, actor="法治办")
    office.add_user("法治办", unit="法治办", coordinator=True)

    def on(day: date, hour: int = 2) -> None:
        clock[0] = datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)

    on(date(2022, 2, 15))
    office.update(["1.1"], progress=30, lead_unit="县委宣传部", due="2022-09-30")
    office.update(["2.1"], progress=20, lead_unit="县司法局", due="2022-05-31")
    on(date(2022, 3, 20))
    office.update(["1.2"], progress=40, lead_unit="县委办", due="2022-06-25")
    office.update(["3"], lead_unit="县综合行政执法局", progress=30)
    on(date(2022, 4, 25))
    office.update(["1.1"], status="done")
    # A unit's name with brackets in it is a name, never markup.
    office.update(["4.1"], progress=50, lead_unit="[red]县公安局[/]", due="2022-06-10")
    on(date(2022, 5, 30))
    office.update(["5.2"], status="blocked")
    office.update(["2.2"], progress=60, lead_unit="县司法局", due="2022-06-15")
    on(date(2022, 6, 1))
    office.open_round("2022-06")
    on(date(2022, 6, 10))
    office.apply_returns([ItemReturn(ref="2.2", progress=70, for_unit="县司法局")])
    on(date(2022, 6, 15))
    office.update(["6.1", "6.2"], progress=50, lead_unit="县人力社保局")


@pytest.fixture
def worked_engine(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    # Snapshots are of the screen, not the engine: SQLite alone.
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    clock = [SEEDED]
    monkeypatch.setattr(lawtasks.services.base, "utcnow", lambda: clock[0])
    engine = make_engine(f"sqlite:///{db_path}")
    seed(engine, actor="seeder")
    _work(engine, clock)
    yield engine
    engine.dispose()
    monkeypatch.delenv("TZ")
    time.tzset()


def make(engine: Engine, lang: str) -> LawtasksApp:
    return make_app(
        engine=engine,
        actor="法治办",
        today=TODAY,
        language=lang,
        poll_interval=3600,
        export_dir=Path("/home/officer/reports"),
    )


async def workers_done(pilot: Any) -> None:
    """Wait for the workers; a poll that a newer one replaced is not waited for."""
    from textual.worker import WorkerCancelled

    with contextlib.suppress(WorkerCancelled):
        await pilot.app.workers.wait_for_complete()


async def dashboard_shown(pilot: Any) -> Any:
    """Wait until the dashboard is on screen with its data and its task charts drawn."""
    from lawtasks.tui.screens.dashboard import DashboardScreen

    for _ in range(200):
        await workers_done(pilot)
        screen = pilot.app.screen
        if (
            isinstance(screen, DashboardScreen)
            and screen.dashboard is not None
            and len(screen.query(".dash-task")) == len(screen.dashboard.trend.tasks)
        ):
            break
        await pilot.pause(0.05)
    await pilot.pause(0.2)
    await workers_done(pilot)
    await pilot.pause()
    return pilot.app.screen


def opened(*after: str) -> Callable[[Any], Any]:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("g")
        await dashboard_shown(pilot)
        if after:
            await pilot.press(*after)
            # The page scrolls with an animation: wait until it has come to rest at the end.
            body = pilot.app.screen.query_one("#dash-body")
            for _ in range(200):
                await pilot.pause(0.05)
                moving = pilot.app.animator.is_being_animated(body, "scroll_y")
                if body.scroll_y == body.max_scroll_y and not moving:
                    break
            await pilot.pause(0.2)

    return run_before


SCREENS = {
    "dashboard": opened(),
    # The tables and the red list, below the charts: the page scrolls to them.
    "dashboard-end": opened("end"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_snapshot(
    snap_compare: Any, worked_engine: Engine, screen: str, size: str, lang: str
) -> None:
    app = make(worked_engine, lang)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=SCREENS[screen])


def _text(screen: Any, selector: str) -> str:
    from textual.widgets import Static

    return str(screen.query_one(selector, Static).render())


def _rows(screen: Any, selector: str) -> list[list[str]]:
    from textual.widgets import DataTable

    table = screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]


def test_g_opens_the_dashboard_with_the_plans_figures(worked_engine: Engine) -> None:
    async def scenario() -> None:
        from lawtasks.trend import load_trend

        trend = load_trend(worked_engine, slug=None, today=TODAY)
        app = make(worked_engine, "zh")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("g")
            screen = await dashboard_shown(pilot)
            latest = trend.points[-1]
            assert _text(screen, "#dash-as-of") == (
                f"截至2022-06-20，实际进度{latest.actual:g}%，序时进度{latest.expected:g}%。"
            )
            assert screen.dashboard.trend == trend
            # The units by red, then yellow; the markup in a name shown as typed.
            # 县综合行政执法局's two items lag the 序时 line; 县委办's is due within the week.
            assert _rows(screen, "#dash-units") == [
                ["县司法局", "2", "0"],
                ["[red]县公安局[/]", "1", "0"],
                ["县综合行政执法局", "0", "2"],
                ["县委办", "0", "1"],
            ]
            assert [row[0] for row in _rows(screen, "#dash-red")] == ["2.1", "2.2", "4.1"]
            # The round: who has not reported first.
            reporting = _rows(screen, "#dash-round")
            assert reporting[-1][:2] == ["县司法局", "已报送"]
            assert {row[1] for row in reporting[:-1]} == {"未报送"}
            assert "2022-06" in _text(screen, "#dash-round-title")
            # Escape closes it; the main screen is back.
            await pilot.press("escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "MainScreen"
            # q closes it as well, and does not quit.
            await pilot.press("g")
            await dashboard_shown(pilot)
            await pilot.press("q")
            await pilot.pause()
            assert type(app.screen).__name__ == "MainScreen"
            assert app.is_running

    asyncio.run(scenario())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_dashboards_footer_keeps_help_and_quit_and_question_mark_opens_help(
    worked_engine: Engine, lang: str
) -> None:
    """The dashboard's footer showed only esc and the palette, and ? did nothing there."""
    from textual.widgets._footer import FooterKey

    from lawtasks import i18n
    from lawtasks.i18n import t
    from lawtasks.tui.screens.dialogs import HelpScreen
    from lawtasks.tui.widgets.key_hints import KeyHints

    async def scenario() -> None:
        app = make(worked_engine, lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("g")
            screen = await dashboard_shown(pilot)
            footer = screen.query_one(KeyHints)
            words = [f"{key.key_display} {key.description}" for key in footer.query(FooterKey)]
            assert f"? {t('tui.key.help')}" in words
            assert f"^q {t('tui.key.quit')}" in words
            bottom = [strip.text for strip in screen._compositor.render_strips()][-1]
            assert t("tui.key.help") in bottom
            assert t("tui.key.quit") in bottom
            await pilot.press("question_mark")
            await pilot.pause()
            help_screen = app.screen
            assert isinstance(help_screen, HelpScreen)
            rows = dict(help_screen.keys)
            assert rows["esc / q / g"] == t("tui.key.close")
            assert rows["^q"] == t("tui.key.quit")
            await pilot.press("escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "DashboardScreen"
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert not app.is_running

    i18n.set_language(lang)
    asyncio.run(scenario())


def test_the_palette_opens_the_dashboard(worked_engine: Engine) -> None:
    async def scenario() -> None:
        app = make(worked_engine, "en")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await pilot.pause(0.3)
            await pilot.press(*"dashboard")
            await pilot.pause(0.5)
            await pilot.press("enter")
            screen = await dashboard_shown(pilot)
            assert type(screen).__name__ == "DashboardScreen"

    asyncio.run(scenario())


def test_a_change_made_elsewhere_shows_on_the_open_dashboard(
    worked_engine: Engine,
) -> None:
    async def scenario() -> None:
        from lawtasks.trend import load_trend

        app = make(worked_engine, "en")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.poll_interval = 0.1  # the dashboard's: it reads the trail's head this often
            await pilot.press("g")
            screen = await dashboard_shown(pilot)
            before = screen.dashboard.trend.points[-1].actual
            assert "2.1" in [row[0] for row in _rows(screen, "#dash-red")]
            # A colleague finishes 2.1 from the command line.
            Ledger(worked_engine, actor="法治办").update(["2.1"], status="done")
            for _ in range(100):
                await pilot.pause(0.1)
                if screen.dashboard.trend.points[-1].actual != before:
                    break
            after = screen.dashboard.trend.points[-1].actual
            # 2.1 went from 20 % to 100 %: 80 points more over the plan's 18 items.
            assert abs(after - (before + 80 / 18)) <= 0.1
            assert after == load_trend(worked_engine, slug=None, today=TODAY).points[-1].actual
            assert "2.1" not in [row[0] for row in _rows(screen, "#dash-red")]
            assert f"progress {after:g}%" in _text(screen, "#dash-as-of")

    asyncio.run(scenario())


def test_the_first_screen_loads_neither_the_dashboard_nor_plotext(
    worked_engine: Engine,
) -> None:
    """The dashboard and its plotting library load when it opens, not at start-up."""
    url = str(worked_engine.url)
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        from datetime import date
        from lawtasks.db import make_engine
        from lawtasks.tui.app import make_app

        app = make_app(engine=make_engine({url!r}), actor="x", today=date(2022, 6, 20),
                       language="en", poll_interval=3600)

        async def main():
            async with app.run_test(size=(80, 24)) as pilot:
                for _ in range(100):
                    await pilot.pause(0.05)
                    if type(app.screen).__name__ == "MainScreen" and app.screen.view:
                        break
                print("before", "textual_plotext" in sys.modules,
                      "lawtasks.tui.screens.dashboard" in sys.modules, "plotext" in sys.modules)
                await pilot.press("g")
                for _ in range(100):
                    await pilot.pause(0.05)
                    if getattr(app.screen, "dashboard", None) is not None:
                        break
                print("after", "textual_plotext" in sys.modules,
                      "lawtasks.tui.screens.dashboard" in sys.modules)

        asyncio.run(main())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    lines = result.stdout.splitlines()
    assert "before False False False" in lines, result.stdout
    assert "after True True" in lines, result.stdout


def test_a_plan_with_nothing_red_and_no_round_says_so(db_path: Path) -> None:
    engine = make_engine(f"sqlite:///{db_path}")
    seed(engine, actor="seeder")
    app = make_app(engine=engine, actor="x", today=date(2022, 2, 1), language="en",
                   poll_interval=3600)  # fmt: skip

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("g")
            screen = await dashboard_shown(pilot)
            assert _text(screen, "#dash-no-units") == "No lead unit has a red or yellow item."
            assert _text(screen, "#dash-no-red") == "No red items."
            assert str(screen.query_one("#dash-round-title").render()) == "No reporting round yet."
            for table in ("#dash-units", "#dash-round", "#dash-red"):
                assert not screen.query_one(table).display
            # A month in: nothing done, and 序时 at the share of the year gone by.
            assert _text(screen, "#dash-as-of") == (
                "As of 2022-02-01: progress 0%, on schedule (序时) 8.5%."
            )

    asyncio.run(scenario())
    engine.dispose()
