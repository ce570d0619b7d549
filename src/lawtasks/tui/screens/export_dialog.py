"""The export dialog: choose a format and a path, and optionally a period and an as-of day."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from lawtasks.dates import parse_date
from lawtasks.errors import DomainError
from lawtasks.exporters import REGISTRY, filename_for
from lawtasks.i18n import t
from lawtasks.tui.i18n_bindings import translate_bindings

# The documents officers hand on first; every format is the exporters' registry's.
FORMATS = tuple(sorted(REGISTRY, key=lambda name: (REGISTRY[name].text, name != "xlsx")))


class FormatChoice(RadioSet):
    """The formats, where the arrows move the choice itself, as in a desktop dialog: the
    format highlighted is the one exported, and the path follows it at once. (A RadioSet
    moves only a highlight, and space chose: ↓ and enter wrote .xlsx with Word highlighted.)"""

    def action_previous_button(self) -> None:
        super().action_previous_button()
        self._choose_highlighted()

    def action_next_button(self) -> None:
        super().action_next_button()
        self._choose_highlighted()

    def _choose_highlighted(self) -> None:
        if self._selected is not None:
            button = self._nodes[self._selected]
            assert isinstance(button, RadioButton)
            button.value = True


class ExportDialog(ModalScreen[tuple[str, Path, str, str] | None]):
    """A format, a path, and optionally the first day of a period and the day the report is
    as of: `lawtasks export --since A --as-of B`. With a first day the report opens with
    what changed in the period, in words; with an as-of day it shows the ledger as it
    stood at the end of that day."""

    # At 80×24 the dialog has 21 rows: the list goes without its frame and the format's
    # label without its margin, so that the hint (↑ ↓, enter, esc) still shows.
    DEFAULT_CSS = """
    #export-row { height: auto; }
    #export-path { width: 1fr; }
    #export-since, #export-as-of { width: 14; }
    #export-format { border: none; padding: 0; }
    #export-format:focus { border: none; }
    #export-format-label { margin-top: 0; }
    """

    # Enter exports from anywhere in the dialog, in the format chosen with the arrows.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "tui.key.cancel"),
        Binding("enter", "submit", "tui.key.export", priority=True),
    ]

    def __init__(self, directory: Path, slug: str, today: date, year: int) -> None:
        super().__init__()
        self.directory = directory
        self.slug = slug
        self.today = today
        self.year = year  # of the plan: an as-of day such as 6月底 means its year
        # The as-of day the default name was last made for.
        self._shown_as_of = today
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-small"):
            yield Label(Text(t("tui.export.title")), classes="dialog-title")
            yield Label(
                Text(t("tui.export.format")), classes="dialog-label", id="export-format-label"
            )
            with FormatChoice(id="export-format"):
                for index, fmt in enumerate(FORMATS):
                    yield RadioButton(
                        Text(t(REGISTRY[fmt].label)),
                        value=index == 0,
                        name=fmt,
                        id=f"format-{fmt}",
                    )
            yield Label(Text(t("tui.export.path")), classes="dialog-label")
            # The period's first and last days beside the path, so that the dialog still
            # fits 80×24.
            with Horizontal(id="export-row"):
                yield Input(str(self._path(FORMATS[0], self.today)), id="export-path")
                yield Input("", id="export-since", placeholder=t("tui.export.since"))
                yield Input("", id="export-as-of", placeholder=t("tui.export.as_of"))
            yield Static("", id="export-error", classes="dialog-error")
            yield Label(Text(t("tui.export.hint")), classes="dialog-hint")

    def _path(self, fmt: str, as_of: date) -> Path:
        return self.directory / filename_for(fmt, self.slug, as_of)

    def _as_of(self) -> date:
        """The as-of day typed so far, or today while it is empty or not yet a date."""
        written = self.query_one("#export-as-of", Input).value.strip()
        if not written:
            return self.today
        try:
            return parse_date(written, year=self.year)
        except DomainError:
            return self.today

    def _format(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else FORMATS[0]

    @on(RadioSet.Changed)
    @on(Input.Changed, "#export-as-of")
    def name_follows(self, _event: RadioSet.Changed | Input.Changed) -> None:
        """While the path is a default name, it follows the format and the as-of day
        (tonglu-2022-台账-2022-06-30.xlsx); a name the officer typed follows the format's
        suffix (one without a suffix is given it)."""
        path_input = self.query_one("#export-path", Input)
        path = Path(path_input.value)
        defaults = {
            str(self._path(fmt, day)) for fmt in FORMATS for day in (self.today, self._shown_as_of)
        }
        fmt, as_of = self._format(), self._as_of()
        if path_input.value in defaults:
            path_input.value = str(self._path(fmt, as_of))
        elif path.name and (not path.suffix or path.suffix.lstrip(".") in FORMATS):
            path_input.value = str(path.with_suffix("." + fmt))
        self._shown_as_of = as_of
        self._show_suffix()

    def on_mount(self) -> None:
        self._show_suffix()

    def _show_suffix(self) -> None:
        """The path's end in view: at 80 columns the field shows 30 of its characters, and
        the suffix is what changes with the format."""
        path_input = self.query_one("#export-path", Input)

        def to_the_end() -> None:
            path_input.scroll_to(x=path_input.max_scroll_x, animate=False, immediate=True)

        if not path_input.has_focus:
            path_input.cursor_position = len(path_input.value)
            self.call_after_refresh(to_the_end)

    def action_submit(self) -> None:
        value = self.query_one("#export-path", Input).value.strip()
        if not value:
            self.show_error(t("tui.export.no_path"))
            return
        since = self.query_one("#export-since", Input).value.strip()
        as_of = self.query_one("#export-as-of", Input).value.strip()
        self.dismiss((self._format(), Path(value).expanduser(), since, as_of))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(Text(message))
