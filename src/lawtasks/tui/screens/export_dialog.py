"""The export dialog: choose a format and a path, and optionally a period and an as-of day."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from lawtasks.exporters import REGISTRY
from lawtasks.i18n import t
from lawtasks.tui.i18n_bindings import translate_bindings

# The documents officers hand on first; every format is the exporters' registry's.
FORMATS = tuple(sorted(REGISTRY, key=lambda name: (REGISTRY[name].text, name != "xlsx")))


class ExportDialog(ModalScreen[tuple[str, Path, str, str] | None]):
    """A format, a path, and optionally the first day of a period and the day the report is
    as of: `lawtasks export --since A --as-of B`. With a first day the report opens with
    what changed in the period, in words; with an as-of day it shows the ledger as it
    stood at the end of that day."""

    DEFAULT_CSS = """
    #export-row { height: auto; }
    #export-path { width: 1fr; }
    #export-since, #export-as-of { width: 14; }
    """

    # Enter exports from anywhere in the dialog; space picks a format in the list.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "tui.key.cancel"),
        Binding("enter", "submit", "tui.key.export", priority=True),
    ]

    def __init__(self, directory: Path, stem: str) -> None:
        super().__init__()
        self.directory = directory
        self.stem = stem
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-small"):
            yield Label(Text(t("tui.export.title")), classes="dialog-title")
            yield Label(Text(t("tui.export.format")), classes="dialog-label")
            with RadioSet(id="export-format"):
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
                yield Input(str(self._path(FORMATS[0])), id="export-path")
                yield Input("", id="export-since", placeholder=t("tui.export.since"))
                yield Input("", id="export-as-of", placeholder=t("tui.export.as_of"))
            yield Static("", id="export-error", classes="dialog-error")
            yield Label(Text(t("tui.export.hint")), classes="dialog-hint")

    def _path(self, fmt: str) -> Path:
        return self.directory / f"{self.stem}.{fmt}"

    def _format(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else FORMATS[0]

    @on(RadioSet.Changed)
    def format_changed(self, _event: RadioSet.Changed) -> None:
        # Follow the format with the file's suffix, unless the officer typed another name.
        path_input = self.query_one("#export-path", Input)
        path = Path(path_input.value)
        if path.suffix.lstrip(".") in FORMATS:
            path_input.value = str(path.with_suffix("." + self._format()))

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
