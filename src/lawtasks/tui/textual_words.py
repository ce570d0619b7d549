"""Textual's own words in the user's language, from the `textual` catalogue.

The command palette's prompt, the footer's "palette" key and the system commands the palette
lists are Textual's English; msgid is that English (locale/zh/LC_MESSAGES/textual.po).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from textual.app import SystemCommand

from lawtasks import i18n

DOMAIN = "textual"


def word(text: str) -> str:
    """`text`, one of Textual's own words, in the current language."""
    # gettext("") would be the catalogue's header
    return i18n.words(DOMAIN).gettext(text) if text else text


def palette_prompt() -> str:
    return word("Search for commands…")


def system_commands(commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's system commands (theme, quit, keys, screenshot) with translated words."""
    for command in commands:
        yield command._replace(title=word(command.title), help=word(command.help))
