"""Keys that arrive together (one `tmux send-keys`, an SSH packet, a fast typist) stay in the
dialog they were typed at, in order, and enter acts on the state they left: they never
reach the tree under it. `pilot.press` waits for the app to be idle after every key, which
hides the race: `together` posts the keys at once, as the terminal's driver does."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from lawtasks.db import make_engine
from lawtasks.domain import Status
from lawtasks.readmodel import load_history, load_plan
from lawtasks.seed import seed
from lawtasks.services import Ledger
from lawtasks.tui.app import LawtasksApp, make_app
from lawtasks.tui.screens.dialogs import FilterDialog, HelpScreen, StatusMenu
from lawtasks.tui.screens.export_dialog import ExportDialog
from lawtasks.tui.screens.import_dialog import ImportDialog
from lawtasks.tui.screens.main import MainScreen
from lawtasks.tui.screens.plan_picker import PlanPicker
from lawtasks.tui.screens.supervision_dialogs import AttachDialog, RoundDialog

from .test_tui import TODAY, exported, go_to, loaded, main_screen, settled

Scenario = Callable[[Pilot[None], LawtasksApp], Awaitable[None]]
KEY_CHARACTERS = {"space": " ", "enter": "\r", "escape": "\x1b", "backspace": "\x7f"}


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    """SQLite only: the order of keys is the screen's, whichever the database."""
    engine = make_engine(f"sqlite:///{db_path}")
    seed(engine, actor="seeder")
    yield engine
    engine.dispose()


def run(engine: Engine, scenario: Scenario, *, export_dir: Path | None = None) -> None:
    app = make_app(
        engine=engine, actor="office", today=TODAY, poll_interval=0.2, export_dir=export_dir
    )

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await loaded(pilot)
            await go_to(pilot, app, "1.1")
            await scenario(pilot, app)
            await settled(pilot, app)

    asyncio.run(main())


def keys_of(*typed: str) -> list[str]:
    """Key names, with plain text split into its characters (`*"abc"`)."""
    return [_character_to_key(key) if len(key) == 1 and not key.isalnum() else key for key in typed]


async def together(pilot: Pilot[None], *typed: str) -> None:
    """Post every key to the app at once, as one read of the terminal does, then wait until
    the app has taken them all."""
    app = pilot.app
    for key in keys_of(*typed):
        character = KEY_CHARACTERS.get(key, key if len(key) == 1 else None)
        if character is None and key in ("slash", "full_stop", "hyphen", "underscore"):
            character = {"slash": "/", "full_stop": ".", "hyphen": "-", "underscore": "_"}[key]
        app.post_message(events.Key(key, character))
    for _ in range(500):
        await pilot.pause(0.01)
        if not getattr(app, "typed_ahead", 0):
            break
    await pilot.pause()


async def until(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    for _ in range(500):
        if done():
            return
        await pilot.pause(0.01)
    raise AssertionError("never came")


async def opened(pilot: Pilot[None], kind: type[Screen[object]]) -> Screen[object]:
    await until(pilot, lambda: isinstance(pilot.app.screen, kind))
    await pilot.pause()
    return pilot.app.screen


def events_count(engine: Engine, ref: str = "1.1") -> int:
    return len(load_history(engine, slug=None, ref=ref, limit=100))


def statuses(engine: Engine) -> dict[str, Status]:
    return {item.id: item.status for item in load_plan(engine, slug=None, today=TODAY).items}


# -- the filter dialog ------------------------------------------------------------------------


def test_space_enter_in_the_filter_ticks_and_applies_and_the_tree_is_untouched(
    engine: Engine,
) -> None:
    before = statuses(engine)

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("f")
        await opened(pilot, FilterDialog)
        await together(pilot, "space", "enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert main_screen(app).item_filter.statuses == {Status.NOT_STARTED}

    run(engine, scenario)
    assert statuses(engine) == before


def test_arrows_space_enter_in_the_filter_choose_the_row_they_reach(engine: Engine) -> None:
    before = statuses(engine)

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("f")
        await opened(pilot, FilterDialog)
        await together(pilot, "down", "down", "down", "space", "enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert main_screen(app).item_filter.statuses == {Status.BLOCKED}

    run(engine, scenario)
    assert statuses(engine) == before


def test_keys_typed_with_the_one_that_opens_a_dialog_go_into_it(engine: Engine) -> None:
    before = statuses(engine)

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await together(pilot, "f", "down", "space", "enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert main_screen(app).item_filter.statuses == {Status.IN_PROGRESS}

    run(engine, scenario)
    assert statuses(engine) == before


def test_keys_typed_before_a_dialog_closed_never_reach_the_tree(engine: Engine) -> None:
    before = statuses(engine)

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("f")
        await opened(pilot, FilterDialog)
        # The space after enter was typed at the dialog, not at the tree.
        await together(pilot, "space", "enter", "space", "plus")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("down")  # a key typed at the tree still works

    run(engine, scenario)
    assert statuses(engine) == before
    assert events_count(engine) == 0


# -- the other dialogs ------------------------------------------------------------------------


def test_down_enter_in_the_export_dialog_writes_the_format_reached(
    engine: Engine, tmp_path: Path
) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("e")
        await opened(pilot, ExportDialog)
        await together(pilot, "down", "enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await exported(app)
        await pilot.pause()

    folder = tmp_path / "out"
    folder.mkdir()
    run(engine, scenario, export_dir=folder)
    assert [path.suffix for path in folder.iterdir()] == [".docx"]


def test_the_status_menu_takes_the_arrows_typed_with_s(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await together(pilot, "s", "down", "down", "down", "enter")
        await until(pilot, lambda: not isinstance(app.screen, StatusMenu))

    run(engine, scenario)
    changed = {ref for ref, status in statuses(engine).items() if status is not Status.NOT_STARTED}
    assert changed == {"1.1"}
    assert statuses(engine)["1.1"] is Status.BLOCKED
    assert events_count(engine) == 1


def test_a_note_typed_with_n_and_saved_with_ctrl_s_is_saved_whole(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await together(pilot, "n", *"ok 1", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))

    run(engine, scenario)
    item = next(i for i in load_plan(engine, slug=None, today=TODAY).items if i.id == "1.1")
    assert [note.text for note in item.notes] == ["ok 1"]


def test_a_progress_typed_with_p_and_enter_is_the_one_written(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await together(pilot, "p", "backspace", "4", "2", "enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))

    run(engine, scenario)
    item = next(i for i in load_plan(engine, slug=None, today=TODAY).items if i.id == "1.1")
    assert item.progress == 42
    history = load_history(engine, slug=None, ref="1.1", limit=100)
    assert [(event.field, event.new) for event in history if event.field == "progress"] == [
        ("progress", "42")
    ]


def test_keys_typed_with_w_wait_for_the_round_dialog(engine: Engine) -> None:
    Ledger(engine, actor="office").open_round("2022-06")
    before = statuses(engine)
    seen: list[bool] = []

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        app.screen_change_signal.subscribe(
            app, lambda screen: seen.append(isinstance(screen, RoundDialog)), immediate=True
        )
        # The round is read first: the space and enter are for the dialog that follows.
        await together(pilot, "w", "space", "enter")
        await until(pilot, lambda: any(seen) and isinstance(app.screen, MainScreen))

    run(engine, scenario)
    assert statuses(engine) == before
    assert events_count(engine) == 0


def test_keys_typed_with_o_wait_for_the_plan_picker(engine: Engine) -> None:
    seen: list[bool] = []

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        app.screen_change_signal.subscribe(
            app, lambda screen: seen.append(isinstance(screen, PlanPicker)), immediate=True
        )
        await together(pilot, "o", "space", "escape")
        await until(pilot, lambda: any(seen) and isinstance(app.screen, MainScreen))

    run(engine, scenario)
    assert events_count(engine) == 0


def test_a_path_typed_with_m_goes_into_the_evidence_dialog(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await together(pilot, "m", *"nofile")
        dialog = await opened(pilot, AttachDialog)
        assert dialog.query_one("#attach-path", Input).value == "nofile"
        await pilot.press("escape")

    run(engine, scenario)


def test_a_path_typed_with_i_goes_into_the_import_dialog(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await together(pilot, "i", *"plan.docx")
        dialog = await opened(pilot, ImportDialog)
        assert dialog.query("Input").first(Input).value == "plan.docx"
        await pilot.press("escape")

    run(engine, scenario)


def test_q_typed_in_the_help_closes_it_and_not_the_app(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await together(pilot, "question_mark", "q", "q")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.is_running
        assert not isinstance(app.screen, HelpScreen)

    run(engine, scenario)


def test_this_textual_has_what_the_key_order_builds_on() -> None:
    """A Textual without the private parts used keeps its own key handling (and the race):
    an upgrade that takes them away fails here first."""
    from lawtasks.tui import typed_keys

    assert typed_keys._compatible()


def test_keys_typed_after_q_go_with_the_app(engine: Engine) -> None:
    """The keys still waiting when q closed the app are dropped, not handled on a screen
    stack that is gone (which raised on the way out)."""
    app = make_app(engine=engine, actor="office", today=TODAY, poll_interval=0.2)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await loaded(pilot)
            for key in ("q", "down", "space", "f"):
                app.post_message(events.Key(key, KEY_CHARACTERS.get(key, key)))
            for _ in range(300):
                if not app.is_running:
                    break
                await asyncio.sleep(0.01)
            assert not app.is_running

    asyncio.run(main())
    assert app.return_code in (None, 0)
    assert events_count(engine) == 0
