"""The TUI's import dialog (i): the file's path completed from its directory, the preview
`import --dry-run` prints, the import `lawtasks import` makes, and its refusals.

Reading and writing run on workers: a test waits for them (`done_reading`, `done_writing`),
never for a fixed time, and checks the ledger afterwards.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import Engine, text
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from lawtasks.db import make_engine
from lawtasks.errors import DomainError
from lawtasks.reading import list_plans
from lawtasks.readmodel import load_plan
from lawtasks.seed import seed
from lawtasks.services import Ledger
from lawtasks.sources import read_plan_file
from lawtasks.tui.app import LawtasksApp
from lawtasks.tui.screens.import_dialog import ImportDialog, complete_path

from .test_tui import TODAY, main_screen, run, settled

FIXTURES = Path(__file__).parent / "fixtures"
NOTICE = FIXTURES / "sources" / "工作要点通知.docx"
BREAKDOWN = FIXTURES / "sources" / "任务分解表.xlsx"
SEEDED = "tonglu-2022"


# -- driving the dialog ---------------------------------------------------------------------


async def open_dialog(pilot: Pilot[None], app: LawtasksApp) -> ImportDialog:
    await pilot.press("i")
    for _ in range(200):
        if isinstance(app.screen, ImportDialog):
            await pilot.pause()
            return app.screen
        await pilot.pause(0.02)
    raise AssertionError("the import dialog never opened")


async def wait_for(app: LawtasksApp, group: str, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete([w for w in app.workers if w.group == group])
    await pilot.pause()  # the message the worker posted is handled


async def type_path(pilot: Pilot[None], dialog: ImportDialog, path: Path) -> None:
    """Type the directory and the file's first character, then take the completion (→)."""
    field = dialog.query_one("#import-path", Input)
    await pilot.press(*f"{path.parent}{os.sep}{path.name[0]}")
    for _ in range(200):
        if field._suggestion == str(path):
            break
        await pilot.pause(0.02)
    assert field._suggestion == str(path)
    await pilot.press("right")
    assert field.value == str(path)


def shown(dialog: ImportDialog, widget: str = "#import-tree") -> str:
    """The text of the preview (or of another Static) as the screen lays it out."""
    console = Console(width=400, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(dialog.query_one(widget, Static).content)
    return console.export_text()


def plans(engine: Engine) -> list[str]:
    return [plan.slug for plan in list_plans(engine)]


def in_use(engine: Engine) -> str | None:
    return next((plan.slug for plan in list_plans(engine) if plan.in_use), None)


def events(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM event")).scalar_one())


@pytest.fixture
def sqlite_engine(db_path: Path) -> Iterator[Engine]:
    """A seeded SQLite ledger, for what is the dialog's and not the database's."""
    engine = make_engine(f"sqlite:///{db_path}")
    seed(engine, actor="seeder")
    yield engine
    engine.dispose()


# -- the preview and the import -------------------------------------------------------------


def test_i_previews_a_word_notice_then_imports_it_and_the_plan_in_use_stays(
    engine: Engine,
) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        dialog = await open_dialog(pilot, app)
        await type_path(pilot, dialog, NOTICE)
        await pilot.press("enter")
        await wait_for(app, "import-read", pilot)
        preview = shown(dialog)
        # The tree `import --dry-run` prints: tasks, items, their units, dates and targets…
        assert "plan-2022" in preview
        assert "1 （二）深入学习贯彻习近平法治思想" in preview
        assert "  1.1 把习近平法治思想纳入县委理论学习中心组年度学习计划" in preview
        facts = "Lead unit: 县委宣传部 · Assisting units: 各乡镇（街道） · Due: 2022-06-30"
        assert f"      {facts}" in preview
        assert "Target: 新增综合执法事项10项" in preview
        # …and what is skipped, and why.
        assert "Skipped 8 lines" in preview
        assert "skipped (copied to): 抄送：县委办" in preview
        assert "skipped (contact): 联系人：王某某" in preview
        assert plans(engine) == [SEEDED]  # a preview writes nothing
        assert not dialog.query_one("#import-go", Button).disabled
        await pilot.press("enter")  # enter again imports
        await wait_for(app, "import-write", pilot)
        said = shown(dialog, "#import-error")
        title = "桐庐县2022年法治政府建设工作要点"
        assert f"Imported plan plan-2022 ({title}): 4 tasks, 10 items." in said
        assert "The plan in use is still tonglu-2022" in said
        assert "plan-2022" in str(dialog.query_one("#import-go", Button).label)
        await pilot.press("escape")  # close: the plan open stays open
        await pilot.pause()
        assert not isinstance(app.screen, ImportDialog)
        toasts = [str(n.message) for n in app._notifications]
        assert any("Imported plan plan-2022" in toast and "o opens it" in toast for toast in toasts)
        # The plan's own change was not news from elsewhere.
        assert not any("elsewhere" in toast for toast in toasts)
        assert app.plan == SEEDED
        view = main_screen(app).view
        assert view is not None
        assert view.slug == SEEDED

    run(engine, scenario)
    imported = load_plan(engine, slug="plan-2022", today=TODAY)
    assert (len(imported.tasks), len(imported.items)) == (4, 10)
    assert imported.items[0].lead_unit == "县委宣传部"
    # What `lawtasks import` makes of the same file: one parser, one service call.
    expected = read_plan_file(NOTICE)
    assert [item.title for item in imported.items] == [
        item.title for task in expected.tasks for item in task.items
    ]
    assert sorted(plans(engine)) == sorted([SEEDED, "plan-2022"])
    assert in_use(engine) == SEEDED


def test_a_slug_typed_names_the_plan_and_open_shows_it_here_only(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        dialog = await open_dialog(pilot, app)
        await type_path(pilot, dialog, BREAKDOWN)
        await pilot.press("enter")
        await wait_for(app, "import-read", pilot)
        assert "2.1 严格落实重大行政决策程序" in shown(dialog)
        await pilot.press("tab", *"fenjie-2022")
        assert "The import would create plan fenjie-2022" in shown(dialog)
        await pilot.press("enter")
        await wait_for(app, "import-write", pilot)
        await pilot.press("enter")  # Open fenjie-2022, focused
        screen = main_screen(app)
        for _ in range(200):
            if screen.view is not None and screen.view.slug == "fenjie-2022":
                break
            await pilot.pause(0.02)
        assert screen.view is not None
        assert screen.view.slug == "fenjie-2022"
        await settled(pilot, app)

    run(engine, scenario)
    view = load_plan(engine, slug="fenjie-2022", today=TODAY)
    item = next(item for item in view.items if item.id == "2.1")
    assert (item.lead_unit, item.assisting_units) == ("县司法局", "县府办、各乡镇（街道、开发区）")
    assert item.due is not None
    assert item.due.isoformat() == "2022-11-15"
    assert in_use(engine) == SEEDED  # opened in the TUI, not chosen for the ledger


# -- what is refused ------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["directory", "missing", "not a plan"])
def test_a_file_that_cannot_be_read_is_one_line_and_writes_nothing(
    sqlite_engine: Engine, tmp_path: Path, case: str
) -> None:
    path = {
        "directory": FIXTURES / "sources",
        "missing": tmp_path / "工作要点.docx",
        "not a plan": tmp_path / "随笔.txt",
    }[case]
    if case == "not a plan":
        path.write_text("今天天气很好。\n", encoding="utf-8")
    with pytest.raises(DomainError) as refused:
        read_plan_file(path)
    before = events(sqlite_engine)

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        dialog = await open_dialog(pilot, app)
        dialog.query_one("#import-path", Input).value = str(path)
        await pilot.press("enter")
        await wait_for(app, "import-read", pilot)
        # The CLI's own message, on one line of the dialog; nothing to import.
        assert shown(dialog, "#import-error").strip() == str(refused.value)
        assert "\n" not in str(refused.value)
        assert dialog.query_one("#import-go", Button).disabled
        await pilot.press("enter")  # enter reads it again; still nothing to import
        await wait_for(app, "import-read", pilot)
        assert dialog.parsed is None
        await pilot.press("escape")

    run(sqlite_engine, scenario)
    assert plans(sqlite_engine) == [SEEDED]
    assert events(sqlite_engine) == before


@pytest.mark.parametrize("case", ["slug taken", "no coordinator"])
def test_an_import_the_service_refuses_is_one_line_and_writes_nothing(
    sqlite_engine: Engine, case: str
) -> None:
    if case == "slug taken":
        expected = f"{SEEDED}"
    else:
        office = Ledger(sqlite_engine, actor="fzb")
        office.add_user("fzb", unit="县司法局", coordinator=True)
        office.add_user("tui-officer", unit="县委宣传部")
        expected = "coordinator"
    before = events(sqlite_engine)

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        dialog = await open_dialog(pilot, app)
        dialog.query_one("#import-path", Input).value = str(NOTICE)
        await pilot.press("enter")
        await wait_for(app, "import-read", pilot)
        if case == "slug taken":
            await pilot.press("tab", *SEEDED)
        await pilot.press("enter")
        await wait_for(app, "import-write", pilot)
        error = shown(dialog, "#import-error").strip()
        assert expected in error
        assert "\n" not in error
        assert dialog.done is None
        assert isinstance(app.screen, ImportDialog)  # the officer may change the slug
        assert not dialog.query_one("#import-path", Input).disabled
        await pilot.press("escape")

    run(sqlite_engine, scenario)
    assert plans(sqlite_engine) == [SEEDED]
    assert events(sqlite_engine) == before


def test_the_files_text_is_shown_as_data(sqlite_engine: Engine, tmp_path: Path) -> None:
    source = (FIXTURES / "reports" / "notice-2022-points.txt").read_text(encoding="utf-8")
    title = "深入学习贯彻习近平法治思想"
    assert title in source
    path = tmp_path / "marked.txt"
    path.write_text(source.replace(title, "[red]深入学习[/red]贯彻[link=x]"), encoding="utf-8")

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        dialog = await open_dialog(pilot, app)
        dialog.query_one("#import-path", Input).value = str(path)
        await pilot.press("enter")
        await wait_for(app, "import-read", pilot)
        assert "1 （二）[red]深入学习[/red]贯彻[link=x]" in shown(dialog)

    run(sqlite_engine, scenario)


# -- completing a path ----------------------------------------------------------------------


def test_a_path_is_completed_from_its_directory(tmp_path: Path) -> None:
    (tmp_path / "工作要点通知.docx").write_bytes(b"")
    (tmp_path / "Reports").mkdir()
    (tmp_path / ".hidden.txt").write_bytes(b"")
    folder = f"{tmp_path}{os.sep}"
    assert complete_path(f"{folder}工") == f"{folder}工作要点通知.docx"
    assert complete_path(f"{folder}rep") == f"{folder}reports{os.sep}"  # case aside
    assert complete_path(f"{folder}Reports") == f"{folder}Reports{os.sep}"
    assert complete_path(f"{folder}工作要点通知.docx") is None  # complete already
    assert complete_path(f"{folder}.h") == f"{folder}.hidden.txt"
    assert complete_path(f"{folder}x") is None
    assert complete_path(f"{tmp_path}{os.sep}nowhere{os.sep}a") is None
    assert complete_path("") is None


def test_the_suggester_runs_off_the_event_loop(tmp_path: Path) -> None:
    from lawtasks.tui.screens.import_dialog import PathSuggester

    (tmp_path / "任务分解表.xlsx").write_bytes(b"")
    value = f"{tmp_path}{os.sep}任"
    assert asyncio.run(PathSuggester().get_suggestion(value)) == f"{value}务分解表.xlsx"


# -- what the review of the import found (issue 18) -------------------------------------------


def test_a_file_already_in_the_ledger_is_said_in_the_preview(sqlite_engine: Engine) -> None:
    Ledger(sqlite_engine, actor="office").import_plan(
        read_plan_file(NOTICE), slug="points", new=True
    )
    before = events(sqlite_engine)

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        dialog = await open_dialog(pilot, app)
        dialog.query_one("#import-path", Input).value = str(NOTICE)
        await pilot.press("enter")
        await wait_for(app, "import-read", pilot)
        preview = shown(dialog)
        # The service's own check, before anything is pressed: no name would help.
        assert "工作要点通知.docx is already in the ledger as plan points" in preview
        assert dialog.query_one("#import-go", Button).disabled
        await pilot.press("enter")  # enter reads it again; still nothing imported
        await wait_for(app, "import-read", pilot)
        assert dialog.done is None
        await pilot.press("escape")

    run(sqlite_engine, scenario)
    assert sorted(plans(sqlite_engine)) == sorted([SEEDED, "points"])
    assert events(sqlite_engine) == before


def test_once_imported_the_preview_says_what_was_created(sqlite_engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        dialog = await open_dialog(pilot, app)
        dialog.query_one("#import-path", Input).value = str(BREAKDOWN)
        await pilot.press("enter")
        await wait_for(app, "import-read", pilot)
        assert "Nothing is written until you press Import." in shown(dialog)
        await pilot.press("enter")
        await wait_for(app, "import-write", pilot)
        preview = shown(dialog)
        assert "Nothing is written" not in preview
        assert "would create" not in preview
        assert preview.startswith("Imported plan plan-2022")
        assert "2.1 严格落实重大行政决策程序" in preview  # the tree of what was created
        await pilot.press("escape")

    run(sqlite_engine, scenario)
    assert sorted(plans(sqlite_engine)) == sorted([SEEDED, "plan-2022"])
