"""The command palette speaks the officer's language: its prompt, each entry's description,
Textual's own system commands and the footer's palette key."""

from __future__ import annotations

import asyncio
import re
from datetime import date

import pytest
from sqlalchemy import Engine
from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets import Footer

from lawtasks import i18n
from lawtasks.tui.app import make_app
from lawtasks.tui.commands import ACTIONS

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _palette_texts(engine: Engine, lang: str) -> tuple[str, list[str], str]:
    """The palette's prompt, the text of every entry it lists, and the footer's words."""
    i18n.set_language(lang)
    app = make_app(engine=engine, actor="officer", today=date(2022, 6, 1), poll_interval=3600)

    async def scenario() -> tuple[str, list[str], str]:
        async with app.run_test(size=(120, 60)) as pilot:
            await pilot.pause()
            footer = " ".join(str(key.render()) for key in app.screen.query(Footer).results())
            footer += " ".join(
                str(child.render()) for child in app.screen.query_one(Footer).children
            )
            await pilot.press("ctrl+p")
            await pilot.pause()
            palette = app.screen
            assert isinstance(palette, CommandPalette)
            prompt = str(palette.query_one(CommandInput).placeholder)
            for _ in range(20):  # the entries arrive from the providers' tasks
                await pilot.pause(0.05)
                options = palette.query_one(CommandList).options
                if len(options) >= len(ACTIONS):
                    break
            entries = [str(option.prompt) for option in palette.query_one(CommandList).options]
            return prompt, entries, footer

    return asyncio.run(scenario())


@pytest.mark.sqlite_only
def test_the_palette_is_chinese(engine: Engine) -> None:
    prompt, entries, footer = _palette_texts(engine, "zh")
    assert prompt == "输入文字查找命令……"
    assert "命令面板" in footer
    assert "palette" not in footer
    assert len(entries) >= len(ACTIONS) + 3  # lawtasks' entries and Textual's own
    for entry in entries:
        title, _, description = entry.partition("\n")
        assert CHINESE.search(title), entry
        assert CHINESE.search(description), entry
        assert "执行此操作" not in description  # the old description that said nothing
    descriptions = {entry.partition("\n")[2] for entry in entries}
    assert len(descriptions) == len(entries)  # each entry says what it does


@pytest.mark.sqlite_only
def test_the_palette_is_english(engine: Engine) -> None:
    prompt, entries, footer = _palette_texts(engine, "en")
    assert prompt == "Search for commands…"
    assert "palette" in footer
    assert (
        "item: toggle done / reopen\nMark the selected item done, or reopen it if it is done"
        in entries
    )
    assert "Quit\nQuit the application as soon as possible" in entries
