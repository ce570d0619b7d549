"""Every screen whole at 80×24: the footer keeps help and quit, the header its filter, the
detail pane room for values; toasts keep wide characters whole; warnings read without
colour; the export dialog chooses with the arrows."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from sqlalchemy import Engine
from textual.color import Color
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from lawtasks import i18n
from lawtasks.domain import Status, Warning
from lawtasks.i18n import t
from lawtasks.readmodel import ItemFilter, load_plan
from lawtasks.render import STATUS_GLYPH, WARNING_GLYPH, item_detail
from lawtasks.services import Ledger
from lawtasks.tui.app import LawtasksApp, make_app
from lawtasks.tui.screens.export_dialog import ExportDialog
from lawtasks.tui.widgets.key_hints import KeyHints, fit
from lawtasks.tui.widgets.plan_header import PlanHeader, progress_line, title_line
from lawtasks.tui.widgets.plan_tree import PlanTree

from .test_tui import TODAY, exported, go_to, loaded, main_screen, run, settled


def screen_lines(app: LawtasksApp) -> list[str]:
    """The screen as the terminal is sent it, one string a line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def footer_words(app: LawtasksApp) -> list[str]:
    footer = main_screen(app).query_one(KeyHints)
    return [f"{key.key_display} {key.description}" for key in footer.query(FooterKey)]


# -- the footer ------------------------------------------------------------------------------


def test_fit_drops_the_lowest_ranked_keys_first_and_keeps_the_order() -> None:
    widths = [("toggle_done", 10), ("note", 6), ("export", 8), ("help", 6), ("app.quit", 6)]
    rank = ("help", "app.quit", "toggle_done", "export", "note")
    assert fit(widths, rank, 100) == (["toggle_done", "note", "export", "help", "app.quit"], False)
    assert fit(widths, rank, 30) == (["toggle_done", "export", "help", "app.quit"], False)
    assert fit(widths, rank, 12) == (["help", "app.quit"], False)
    # An action the screen does not rank goes before any it does; the palette before all.
    widths += [("dashboard", 6), ("command_palette", 10)]
    assert fit(widths, rank, 41) == (["toggle_done", "note", "export", "help", "app.quit"], False)
    assert fit(widths, rank, 60) == (
        ["toggle_done", "note", "export", "help", "app.quit", "dashboard"],
        True,
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40), (60, 20)])
def test_the_footer_fits_and_always_shows_help_and_quit(
    engine: Engine, lang: str, size: tuple[int, int]
) -> None:
    i18n.set_language(lang)

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.pause(0.2)
        words = footer_words(app)
        assert f"? {t('tui.key.help')}" in words
        assert f"q {t('tui.key.quit')}" in words
        footer = main_screen(app).query_one(KeyHints)
        last = max(key.region.right for key in footer.query(FooterKey))
        assert last <= size[0]
        bottom = screen_lines(app)[-1]
        assert t("tui.key.help") in bottom
        assert t("tui.key.quit") in bottom
        if size[0] >= 80:
            assert f"f {t('tui.key.filter')}" in words
        palette = footer.query(".-command-palette")
        assert len(palette) == (1 if size[0] >= 120 else 0)  # the palette's key goes first

    run(engine, scenario, size=size)


# -- the header ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [40, 60, 78, 118])
def test_the_header_fits_and_always_shows_the_filter(engine: Engine, lang: str, width: int) -> None:
    from rich.cells import cell_len

    i18n.set_language(lang)
    view = load_plan(engine, slug=None, today=TODAY)
    filter_text = t("tui.filter.active", filter=Warning.YELLOW.label)
    title = title_line(view, filter_text, width)
    progress = progress_line(view, width)
    assert cell_len(title.plain) <= width
    assert cell_len(progress.plain) <= width
    assert title.plain.endswith(filter_text)
    # The counts read without colour: the warning's word and its glyph, red first.
    red = f"{WARNING_GLYPH[Warning.RED]} {Warning.RED.label} "
    assert red in progress.plain
    assert "%" in progress.plain


def test_the_header_shows_the_filter_set_with_f(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        screen = main_screen(app)
        screen._set_filter(ItemFilter(statuses=frozenset({Status.BLOCKED})))
        await pilot.pause()
        header = screen.query_one(PlanHeader)
        shown = header.render().plain.splitlines()[0]
        assert shown.endswith(t("tui.filter.active", filter=Status.BLOCKED.label))
        assert t("tui.filter.active", filter=Status.BLOCKED.label) in screen_lines(app)[0]

    run(engine, scenario, size=(80, 24))


# -- the detail pane -------------------------------------------------------------------------


def detail_lines(engine: Engine, ref: str, width: int) -> list[str]:
    view = load_plan(engine, slug=None, today=TODAY)
    item = next(item for item in view.items if item.id == ref)
    console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(item_detail(item, []))
    return console.export_text().splitlines()


def test_english_labels_leave_the_values_room_in_a_narrow_pane(engine: Engine) -> None:
    """At 80×24 the detail pane is 29 columns wide: a label column of 16 (Assisting units)
    left 13, and the status split over two lines (○ not / started)."""
    lines = detail_lines(engine, "1.1", 29)
    fields = lines[lines.index(next(line for line in lines if line.startswith("ID"))) :]
    status = next(line for line in fields if line.startswith("Status"))
    assert status.rstrip().endswith(f"{STATUS_GLYPH[Status.NOT_STARTED]} not started")
    value_start = status.index(STATUS_GLYPH[Status.NOT_STARTED])
    assert 29 - value_start >= 16
    # Every field, Due and Warning included, is within the pane's first screenful.
    warning = next(index for index, line in enumerate(lines) if line.startswith("Warning"))
    assert warning < 21, lines
    # The long label wraps at its space rather than widening the column.
    assert any(line.startswith("Assisting ") for line in fields)
    assert any(line.startswith("units") for line in fields)


def test_chinese_labels_keep_their_width(engine: Engine) -> None:
    from rich.cells import cell_len

    i18n.set_language("zh")
    lines = detail_lines(engine, "1.1", 29)
    status = next(line for line in lines if line.startswith("状态"))
    glyph = status.index(STATUS_GLYPH[Status.NOT_STARTED])
    assert cell_len(status[:glyph]) == 10  # the label column is 完成时限's 8, and a gap of 2


TARGET = "全面推进政府机构职能体系建设，权责清单目录化管理实现100%覆盖，2022-06-30前完成动态调整。"
NOTE = "已将《习近平法治思想学习纲要》纳入各乡镇、部门学习计划，覆盖率100%。Catalogue sent."


def test_the_detail_wraps_between_words_keeps_numbers_whole_and_indents(
    engine: Engine, tmp_path: Path
) -> None:
    """At 120 columns the target read 目录化管理实现10 / 0%覆盖; wrapped note lines and an
    evidence file's sha256 started at the margin. Every width from 24 to 70 is tried."""
    from lawtasks.render import NO_LINE_START
    from lawtasks.services.supervision import read_evidence

    i18n.set_language("zh")
    ledger = Ledger(engine, actor="x")
    ledger.update(["1.1"], target=TARGET)
    ledger.add_note("1.1", NOTE)
    evidence = tmp_path / "2.1-县政府常务会议纪要（第十二次）.pdf"
    evidence.write_bytes(b"%PDF-1.4 minutes")
    ledger.attach("1.1", read_evidence([evidence], ledger.evidence_limit()))
    for width in range(24, 71):
        lines = [line.rstrip() for line in detail_lines(engine, "1.1", width)]
        # 100% (the target's and the note's) and 2022-06-30 stay whole on their lines.
        assert sum(line.count("100%") for line in lines) == 2, (width, lines)
        assert sum(line.count("2022-06-30") for line in lines) == 1, (width, lines)
        assert all(line.strip()[:1] not in NO_LINE_START for line in lines), (width, lines)
        notes = lines.index(t("label.notes"))
        note_lines = lines[notes + 2 : lines.index("", notes)]
        assert len(note_lines) > 1
        assert all(line.startswith("    ") for line in note_lines), (width, note_lines)
        files = lines.index(t("label.evidence"))
        file_lines = lines[files + 1 : lines.index("", files)]
        assert file_lines[0].startswith("  2.1-")
        assert all(line.startswith("    ") for line in file_lines[1:]), (width, file_lines)
        assert "sha256:" in "".join(file_lines)


@pytest.mark.parametrize("width", range(8, 40))
def test_a_list_of_ids_never_starts_a_line_with_its_comma(width: int) -> None:
    from rich.text import Text

    from lawtasks.render import flow_lines

    i18n.set_language("zh")
    text = t("round.not_updated", ids="、".join(["2.3", "3.1", "4.2", "5.1", "6.4", "10.12"]))
    lines = [line.plain for line in flow_lines(Text(text), width)]
    assert all(not line.startswith(("、", "，", "。")) for line in lines), lines
    assert all(cell_len(line) <= width for line in lines), lines
    assert "".join(lines) == text


def test_the_detail_pane_scrolls_from_the_tree(engine: Engine) -> None:
    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await go_to(pilot, app, "1.1")
        await settled(pilot, app)
        screen = main_screen(app)
        pane = screen.query_one("#detail")
        assert pane.max_scroll_y > 0
        await pilot.press("J")
        await pilot.pause()
        assert pane.scroll_y > 0
        assert screen.query_one(PlanTree).has_focus  # the tree keeps the keys
        await pilot.press("K")
        await pilot.pause()
        assert pane.scroll_y == 0

    run(engine, scenario, size=(80, 24))


# -- toasts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lead", ["", "a"])
def test_a_toast_over_the_border_keeps_its_chinese_whole(engine: Engine, lead: str) -> None:
    """Whatever the parity of the text against the tree's border, every character shows,
    on the whole screen and after a change under the toast (a partial update)."""
    message = lead + "已修改事项进度与状态以及责任单位"
    app = make_app(engine=engine, actor="tui-officer", today=TODAY, poll_interval=3600)

    async def main() -> None:
        # Toasts are shown only when asked for: run_test leaves them out by default.
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await loaded(pilot)
            screen = main_screen(app)
            screen.say(message, timeout=30)
            await pilot.pause(0.3)
            toast = app.screen.query_one(Toast).region
            tree = screen.query_one(PlanTree).region
            assert toast.x < tree.right < toast.right  # it does lie over the border
            assert any(message in line for line in screen_lines(app)), screen_lines(app)
            await go_to(pilot, app, "1.2")
            await settled(pilot, app)
            assert any(message in line for line in screen_lines(app)), screen_lines(app)
            # The tree under the toast repainted alone: the terminal is sent the toast's
            # lines whole, not the tree's part of them cut at its edge.
            tree_widget = screen.query_one(PlanTree)
            tree_widget.refresh()
            app.screen._compositor.update_widgets({tree_widget})
            painted = [line for line in partial_update_lines(app) if "事项" in line]
            assert painted
            assert all(message in line for line in painted), painted

    asyncio.run(main())


def partial_update_lines(app: LawtasksApp) -> list[str]:
    """What the next partial update writes to the terminal, line by line, as text."""
    update = app.screen._compositor.render_partial_update()
    if update is None:
        return []
    sequences = update.render_segments(Console(file=open(os.devnull, "w")))  # noqa: SIM115
    return [re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", line) for line in sequences.split("\n")]


# -- the tree's columns ----------------------------------------------------------------------


def columns(lines: list[str], mark: str) -> set[int]:
    """The cell where `mark` stands on each line of the tree that shows an item."""
    from rich.cells import cell_len

    found = set()
    for line in lines:
        tree_part = line.split("▕")[0]
        if tree_part.startswith(("├", "└")) and mark in tree_part:
            found.add(cell_len(tree_part[: tree_part.rindex(mark)]))
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_filtered_tree_keeps_its_columns_when_the_scrollbar_goes(
    engine: Engine, lang: str
) -> None:
    """At 80×24 the plan's tree scrolls; filtered to a few items it no longer does, and the
    rows drawn before the scrollbar went sat one cell right of the others."""
    i18n.set_language(lang)
    Ledger(engine, actor="x").update(["1.2", "2.3", "4.4", "6.4"], progress=30)

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        screen = main_screen(app)
        tree = screen.query_one(PlanTree)
        assert tree.show_vertical_scrollbar
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("down", "space", "enter")  # in progress
        await settled(pilot, app)
        await pilot.pause(0.2)
        assert not tree.show_vertical_scrollbar
        lines = screen_lines(app)
        shown = [line for line in lines if line.startswith(("├", "└"))]
        assert len(shown) == 4
        assert len(columns(lines, "%")) == 1, shown
        assert len(columns(lines, WARNING_GLYPH[Warning.YELLOW]) | columns(lines, "■")) <= 1

    run(engine, scenario, size=(80, 24))


# -- the help ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_help_lists_every_key_says_how_to_close_and_end_reaches_its_last_line(
    engine: Engine, lang: str
) -> None:
    """The help lacked the status menu's 1 2 3 4, = and ctrl+q, did not say how to close
    it, and at 80×24 End stopped short of its last line."""
    from lawtasks.tui.screens.dialogs import HelpScreen

    i18n.set_language(lang)

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        rows = dict(help_screen.keys)
        assert rows["+ / ="] == t("tui.key.plus")
        assert rows["q / ^q"] == t("tui.key.quit")
        assert "1 2 3 4" in rows
        assert Status.BLOCKED.label in rows["1 2 3 4"]
        keys = list(rows)
        assert keys.index("1 2 3 4") == keys.index("s") + 1
        closing = t("tui.help.close")
        assert closing in "".join(screen_lines(app))
        await pilot.press("end")
        await pilot.pause(0.3)
        shown = "".join(line.replace(" ", "") for line in screen_lines(app))
        # The last row and the note under the table are on screen, the closing line too.
        assert f"^p{t('tui.key.palette')}".replace(" ", "") in shown
        assert t("tui.help.on_task").replace(" ", "")[-6:] in shown
        assert closing.replace(" ", "") in shown

    run(engine, scenario, size=(80, 24))


# -- warnings without colour -----------------------------------------------------------------


def test_warning_glyphs_differ_from_each_other_and_from_the_status_glyphs() -> None:
    glyphs = list(WARNING_GLYPH.values())
    assert len(set(glyphs)) == len(Warning)
    assert not set(glyphs) & set(STATUS_GLYPH.values())


def test_the_tree_shows_each_warning_by_its_glyph(engine: Engine) -> None:
    Ledger(engine, actor="x").update(["5.1"], due="2022-05-01")  # red on TODAY
    Ledger(engine, actor="x").update(["5.2"], due="2022-06-05")  # due within 7 days: yellow
    Ledger(engine, actor="x").update(["6.1"], progress=90)  # ahead of the schedule: green

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        tree = main_screen(app).query_one(PlanTree)
        labels = {
            ref: tree.render_label(node, tree.rich_style, tree.rich_style).plain
            for ref, node in tree._by_ref.items()
        }
        view = main_screen(app).view
        assert view is not None
        for item in view.items:
            assert labels[item.id].rstrip().endswith(WARNING_GLYPH[item.warning]), item.id
        assert {item.warning for item in view.items} == set(Warning)

    run(engine, scenario)


def test_no_color_is_honoured_by_the_tui(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        assert app.no_color  # Textual then paints in monochrome

    run(engine, scenario)


def grey_contrast(style: Style) -> float:
    """How far apart the greys of a cell's text and background are, 0 to 255."""
    assert style.color is not None
    assert style.bgcolor is not None
    text, background = (Color.from_rich_color(c).monochrome for c in (style.color, style.bgcolor))
    return abs(text.r - background.r)


@pytest.mark.parametrize("width", [80, 120])
def test_without_colour_red_reads_at_least_as_well_as_yellow(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """NO_COLOR greyed red to 237 on the background's 235: the most urgent mark, in the
    header and the tree, was the one an officer could hardly see."""
    monkeypatch.setenv("NO_COLOR", "1")
    Ledger(engine, actor="x").update(["5.1"], due="2022-05-01")  # red on TODAY

    def marks(widget: PlanHeader | PlanTree, height: int) -> dict[str, float]:
        found: dict[str, float] = {}
        for strip in widget.render_lines(Region(0, 0, widget.size.width, height)):
            for segment in strip:
                for glyph in (WARNING_GLYPH[Warning.RED], WARNING_GLYPH[Warning.YELLOW]):
                    if glyph in segment.text and segment.style is not None:
                        found.setdefault(glyph, grey_contrast(segment.style))
        return found

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        screen = main_screen(app)
        for widget in (screen.query_one(PlanHeader), screen.query_one(PlanTree)):
            contrast = marks(widget, widget.size.height)
            red, yellow = (
                contrast[WARNING_GLYPH[Warning.RED]],
                contrast[WARNING_GLYPH[Warning.YELLOW]],
            )
            assert red >= yellow, (type(widget).__name__, red, yellow)
            assert red >= 128

    run(engine, scenario, size=(width, 40))


def test_list_keeps_the_glyphs_without_colour(db_path: Path) -> None:
    """`NO_COLOR`: rich leaves the colours out; the glyph and the word say the warning."""
    import subprocess
    import sys

    colour = re.compile(r"\x1b\[[0-9;]*(3[0-7]|38;[0-9;]+)m")
    env = {**os.environ, "FORCE_COLOR": "1", "COLUMNS": "120", "LAWTASKS_DB": str(db_path)}
    env.pop("NO_COLOR", None)
    command = [sys.executable, "-m", "lawtasks", "--today", "2022-07-15", "list"]
    coloured = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert colour.search(coloured.stdout)
    plain = subprocess.run(
        command, env={**env, "NO_COLOR": "1"}, capture_output=True, text=True, check=True
    )
    assert not colour.search(plain.stdout)
    yellow = f"{WARNING_GLYPH[Warning.YELLOW]} {Warning.YELLOW.label}"
    assert plain.stdout.count(yellow) == 18


# -- the export dialog -----------------------------------------------------------------------


def test_arrows_choose_the_format_and_enter_exports_it(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        path = dialog.query_one("#export-path", Input)
        path.value = str(folder / "月报")  # a name without a suffix is given one
        await pilot.press("down")
        await pilot.pause()
        assert path.value == str(folder / "月报.docx")
        await pilot.press("down", "up")
        await pilot.pause()
        assert path.value == str(folder / "月报.docx")
        await pilot.press("enter")
        await exported(app)
        await pilot.pause()

    run(engine, scenario, size=(80, 24))
    assert [file.name for file in folder.iterdir()] == ["月报.docx"]
    from docx import Document

    # The Word report from the TUI draws the progress chart, as `lawtasks export` does.
    assert len(Document(str(folder / "月报.docx")).inline_shapes) >= 1


def test_the_default_name_follows_the_arrows(engine: Engine, tmp_path: Path) -> None:
    names: list[str] = []

    async def scenario(pilot: Pilot[None], app: LawtasksApp) -> None:
        await pilot.press("e")
        await pilot.pause()
        path = app.screen.query_one("#export-path", Input)
        for _ in range(5):
            names.append(Path(path.value).suffix)
            await pilot.press("down")
            await pilot.pause()
        await pilot.press("escape")

    run(engine, scenario)
    assert names == [".xlsx", ".docx", ".md", ".csv", ".json"]


# -- undo, said and shown --------------------------------------------------------------------


def test_show_marks_an_undo_as_log_does(db_path: Path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "120", "LAWTASKS_DB": str(db_path), "LAWTASKS_USER": "li"}

    def lawtasks(*args: str) -> str:
        command = [sys.executable, "-m", "lawtasks", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout

    lawtasks("set", "2.1", "--progress", "40")
    undone = lawtasks("undo")
    assert undone.splitlines()[0].startswith("Reverted the change li made at ")
    shown = lawtasks("show", "2.1").splitlines()
    undo_line = next(line for line in shown if "progress 40 → 0" in line)
    set_line = next(line for line in shown if "progress 0 → 40" in line)
    assert f"[{t('action.undo')}]" in undo_line
    assert "[" not in set_line  # a plain change is shown as its change alone
    assert t("action.undo") in lawtasks("log", "2.1")


def test_the_cli_word_report_draws_the_progress_chart_too(db_path: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    from docx import Document

    env = {**os.environ, "LAWTASKS_DB": str(db_path)}
    target = tmp_path / "报告.docx"
    command = [sys.executable, "-m", "lawtasks", "export", "-f", "docx", "-o", str(target)]
    subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert len(Document(str(target)).inline_shapes) >= 1


def test_the_installed_textual_takes_the_whole_toast_compositor() -> None:
    # Otherwise the toast test above would pass on Textual's own compositor only by luck.
    from lawtasks.tui import wide_cells

    assert wide_cells._compatible()


def test_a_textual_with_another_compositor_keeps_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual._compositor import Compositor
    from textual.screen import Screen

    from lawtasks.tui import wide_cells

    def changed(self: Compositor, crop: object) -> None:  # a later Textual's shape
        raise AssertionError("never called")

    monkeypatch.setattr(Compositor, "_render_chops", changed)
    screen: Screen[None] = Screen()
    before = screen._compositor
    wide_cells.keep_wide_characters(screen)
    assert screen._compositor is before


# -- changes in words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "zh",
            [
                "结束填报轮次 是 → ∅",
                "销号 否 → 是",
                "计划状态 在用 → 已归档",
                "本轮报送 ∅ → 逾期报送",
                "佐证材料大小上限 20.0 MB → 5 B",
                "备注：材料齐全",
                "备注：材料齐全 ✗",
            ],
        ),
        (
            "en",
            [
                "round closed yes → ∅",
                "sign-off no → yes",
                "state active → archived",
                "round answered ∅ → reported late",
                "evidence limit 20.0 MB → 5 B",
                "note: 材料齐全",
                "note: 材料齐全 ✗",
            ],
        ),
    ],
)
def test_changes_are_said_in_the_language(lang: str, expected: list[str]) -> None:
    """The undo of `round close` printed 结束填报轮次 yes → ∅; `plans set --evidence-limit 5`
    echoed 20971520 → 5; a note read 备注: with the half-width colon."""
    from lawtasks.render import describe

    i18n.set_language(lang)
    assert [
        describe("round_closed", "yes", None),
        describe("signoff", "no", "yes"),
        describe("state", "active", "archived"),
        describe("round_return", None, "late"),
        describe("evidence_limit", "20971520", "5"),
        describe("note", None, "材料齐全"),
        describe("note", "材料齐全", None),
    ] == expected
