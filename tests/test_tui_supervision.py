"""The supervision cycle in the TUI: evidence attached, 销号 and 退回, a round's status."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy import Engine
from textual.pilot import Pilot
from textual.widgets import Input, Static

from lawtasks.i18n import t
from lawtasks.returns import ItemReturn
from lawtasks.services import Ledger
from lawtasks.services.supervision import read_one
from lawtasks.tui.app import LawtasksApp, make_app
from lawtasks.tui.screens.dialogs import PromptDialog
from lawtasks.tui.screens.main import MainScreen
from lawtasks.tui.screens.supervision_dialogs import AttachDialog, RoundDialog, round_table

from .test_access import with_units
from .test_tui import TODAY, Scenario, detail_text, go_to, item, loaded, settled


def run(engine: Engine, scenario: Scenario, *, actor: str) -> None:
    app = make_app(engine=engine, actor=actor, today=TODAY, poll_interval=0.2)

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await scenario(pilot, app)
            await settled(pilot, app)

    asyncio.run(main())


def rendered(renderable: Any) -> str:
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def notices(app: LawtasksApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def palette(pilot: Pilot[None], command: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    for key in command:
        await pilot.press(key)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


def test_m_attaches_a_file_and_the_detail_lists_it(engine: Engine, tmp_path: Path) -> None:
    with_units(engine)
    minutes = tmp_path / "会议纪要.txt"
    minutes.write_text("[b]会议纪要[/b]", encoding="utf-8")

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "2.1")
        await pilot.press("m")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AttachDialog)
        # A path that is no file: one line in the dialog, the one `lawtasks attach` says
        # (文件不存在, or a folder), nothing written.
        for wrong in (tmp_path / "none.txt", tmp_path):
            dialog.query_one("#attach-path", Input).value = str(wrong)
            await pilot.press("enter")
            await pilot.pause()
            error = str(dialog.query_one("#attach-error", Static).render())
            cli_says = read_one(str(wrong), 1024)
            assert isinstance(cli_says, str)
            assert error == cli_says
            assert app.screen is dialog
        dialog.query_one("#attach-path", Input).value = str(minutes)
        dialog.query_one("#attach-note", Input).value = "7月会议"
        await pilot.press("enter")
        await settled(pilot, app)
        assert isinstance(app.screen, MainScreen)
        assert "会议纪要.txt" in detail_text(app)
        assert any("会议纪要.txt" in notice for notice in notices(app))

    run(engine, scenario, actor="alice")
    assert [file.name for file in item(engine, "2.1").evidence] == ["会议纪要.txt"]


def test_an_officer_attaching_to_another_units_item_is_refused_in_a_toast(
    engine: Engine, tmp_path: Path
) -> None:
    with_units(engine)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"jpeg")

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "3.1")
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#attach-path", Input).value = str(photo)
        await pilot.press("enter")
        await settled(pilot, app)
        assert notices(app)

    run(engine, scenario, actor="alice")
    assert item(engine, "3.1").evidence == ()


def test_a_coordinator_signs_off_and_sends_back_from_the_palette(engine: Engine) -> None:
    with_units(engine)
    Ledger(engine, actor="alice").update(["2.1", "2.2"], status="done")

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "2.1")
        assert t("signoff.label.awaiting") in detail_text(app)
        await palette(pilot, t("tui.cmd.signoff"))
        await settled(pilot, app)
        assert t("signoff.label.signed_off") in detail_text(app)
        assert t("tui.signed_off", ref="2.1") in notices(app)
        await go_to(pilot, app, "2.2")
        await palette(pilot, t("tui.cmd.reject"))
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one(Input).value = "缺少会议纪要"
        await pilot.press("enter")
        await settled(pilot, app)
        assert "缺少会议纪要" in detail_text(app)
        sent_back = t("tui.rejected", ref="2.2", reason="")
        assert any(notice.startswith(sent_back) for notice in notices(app))

    run(engine, scenario, actor="office")
    assert item(engine, "2.1").signoff == "signed_off"
    reopened = item(engine, "2.2")
    assert reopened.status.value != "done"


def test_an_officer_is_refused_sign_off_in_a_toast(engine: Engine) -> None:
    with_units(engine)
    Ledger(engine, actor="alice").update(["2.1"], status="done")

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "2.1")
        await palette(pilot, t("tui.cmd.signoff"))
        await settled(pilot, app)
        assert any("coordinator" in notice for notice in notices(app))

    run(engine, scenario, actor="alice")
    assert item(engine, "2.1").signoff == "awaiting"


def test_w_shows_the_rounds_status_per_unit(engine: Engine) -> None:
    with_units(engine)
    Ledger(engine, actor="office").update(["3.2"], lead_unit="[red]县财政局[/red]")
    Ledger(engine, actor="office").open_round("2022-06")
    Ledger(engine, actor="alice").apply_returns(
        [ItemReturn(ref="2.1", progress=20, for_unit="司法局")]
    )

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("w")
        for _ in range(100):
            if isinstance(app.screen, RoundDialog):
                break
            await pilot.pause(0.02)
        dialog = app.screen
        assert isinstance(dialog, RoundDialog)
        table = rendered(round_table(dialog.status))
        assert t("round.reported") in table
        assert t("round.unreported") in table
        assert "县公安局" in table
        assert "[red]县财政局[/red]" in table  # data, never markup
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)

    run(engine, scenario, actor="office")


def test_w_without_a_round_says_so(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("w")
        for _ in range(100):
            if t("tui.round.none") in notices(app):
                break
            await pilot.pause(0.02)
        assert t("tui.round.none") in notices(app)

    run(engine, scenario, actor="office")
