"""Modal dialogs: a note, a one-line value, a status, a filter, and help.

Each dialog returns its value through `dismiss`; the main screen decides what to do with
it. A `check` callback lets the caller validate with the service layer's own rules and
show the error inline, so that invalid input never leaves the dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, OptionList, SelectionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from lawtasks.domain import Status, Warning
from lawtasks.errors import DomainError
from lawtasks.i18n import t
from lawtasks.render import STATUS_GLYPH
from lawtasks.tui.i18n_bindings import translate_bindings


class NoteDialog(ModalScreen[str | None]):
    """A multi-line note; ctrl+s saves, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "tui.key.save", priority=True),
        Binding("escape", "cancel", "tui.key.cancel"),
    ]

    def __init__(self, ref: str, *, check: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.ref = ref
        self.check = check
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(t("tui.note.title", ref=self.ref)), classes="dialog-title")
            yield TextArea(id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="note-error", classes="dialog-error")
            yield Label(Text(t("tui.note.hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        text = self.query_one(TextArea).text
        try:
            if self.check is not None:
                self.check(text)
        except DomainError as error:
            self.query_one("#note-error", Static).update(Text(str(error)))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptDialog(ModalScreen[str | None]):
    """One line of input; enter applies, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "tui.key.cancel")]

    def __init__(
        self, prompt: str, value: str = "", *, check: Callable[[str], None] | None = None
    ) -> None:
        super().__init__()
        self.prompt = prompt
        self.value = value
        self.check = check
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-small"):
            yield Label(Text(self.prompt), classes="dialog-title")
            yield Input(value=self.value, id="prompt-input")
            yield Static("", id="prompt-error", classes="dialog-error")
            yield Label(Text(t("tui.prompt.hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            if self.check is not None:
                self.check(event.value)
        except DomainError as error:
            self.query_one("#prompt-error", Static).update(Text(str(error)))
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class StatusMenu(ModalScreen[Status | None]):
    """The four statuses, the current one highlighted: arrows and enter, or a digit, choose
    one; escape leaves the status as it is."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "tui.key.cancel"),
        *[
            Binding(str(number), f"choose({number - 1})", "tui.key.status", show=False)
            for number in range(1, len(Status) + 1)
        ],
    ]

    def __init__(self, ref: str, current: Status) -> None:
        super().__init__()
        self.ref = ref
        self.current = current
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        options = [
            Option(Text(f"{number} {STATUS_GLYPH[status]} {status.label}"), id=status.value)
            for number, status in enumerate(Status, 1)
        ]
        with Vertical(classes="dialog dialog-small", id="status-dialog"):
            yield Label(Text(t("tui.status.title", ref=self.ref)), classes="dialog-title")
            yield OptionList(*options, id="status-list")
            yield Label(Text(t("tui.status.hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        menu = self.query_one(OptionList)
        menu.highlighted = list(Status).index(self.current)
        menu.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(Status(str(event.option.id)))

    def action_choose(self, index: int) -> None:
        self.dismiss(list(Status)[index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class FilterDialog(ModalScreen[tuple[frozenset[Status], frozenset[Warning]] | None]):
    """Tick statuses and warning colours; enter applies."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "tui.key.cancel"),
        Binding("enter", "apply", "tui.key.filter", priority=True),
    ]

    def __init__(self, statuses: Iterable[Status], warnings: Iterable[Warning]) -> None:
        super().__init__()
        self.statuses = set(statuses)
        self.warnings = set(warnings)
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-small"):
            yield Label(Text(t("tui.filter.title")), classes="dialog-title")
            yield SelectionList[str](
                *[
                    Selection(
                        Text(f"{t('tui.filter.statuses')}: {s.label}"), f"s:{s}", s in self.statuses
                    )
                    for s in Status
                ],
                *[
                    Selection(
                        Text(f"{t('tui.filter.warnings')}: {w.label}"), f"w:{w}", w in self.warnings
                    )
                    for w in Warning
                ],
                id="filter-list",
            )
            yield Label(Text(t("tui.filter.hint")), classes="dialog-hint")

    def action_apply(self) -> None:
        chosen = self.query_one(SelectionList).selected
        statuses = frozenset(Status(v[2:]) for v in chosen if v.startswith("s:"))
        warnings = frozenset(Warning(v[2:]) for v in chosen if v.startswith("w:"))
        self.dismiss((statuses, warnings))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A preview to read before a change: enter applies, escape cancels.

    With `can_apply` False it only shows (a return with conflicts is refused whole).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "tui.key.cancel"),
        Binding("enter", "confirm", "tui.key.apply", priority=True),
    ]

    def __init__(self, title: str, lines: list[str], *, can_apply: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.can_apply = can_apply
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        hint = t("tui.confirm.hint") if self.can_apply else t("tui.confirm.refused")
        with Vertical(classes="dialog", id="confirm-dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            with VerticalScroll(id="confirm-scroll"):
                yield Static(Text("\n".join(self.lines)), id="confirm-lines")
            yield Label(Text(hint), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#confirm-scroll").focus()

    def action_confirm(self) -> None:
        self.dismiss(self.can_apply)

    def action_cancel(self) -> None:
        self.dismiss(False)


def help_rows(screen: Screen[Any]) -> list[tuple[str, str]]:
    """A row per action `screen` binds, and the app's keys (ctrl+q): every key of each,
    `+ / =`, read from the bindings themselves so that the help cannot drift from them."""
    keys: dict[str, list[str]] = {}
    descriptions: dict[str, str] = {}
    for node in (screen, screen.app):
        own = {binding.action for binding in node.BINDINGS if isinstance(binding, Binding)}
        for bindings in node._bindings.key_to_bindings.values():
            for binding in bindings:
                if binding.action not in own:
                    continue
                # The app's "quit" is the screen's "app.quit": one row for q and ctrl+q.
                action = f"app.{binding.action}" if node is screen.app else binding.action
                display = binding.key_display or screen.app.get_key_display(binding)
                keys.setdefault(action, []).append(display)
                descriptions.setdefault(action, binding.description)
    rows = [
        (" / ".join(dict.fromkeys(displays)), descriptions[action])
        for action, displays in keys.items()
    ]
    rows.append((screen.app.get_key_display(Binding("ctrl+p", "")), t("tui.key.palette")))
    return rows


class HelpScreen(ModalScreen[None]):
    """Every key, from the bindings themselves, so the list cannot drift from the code;
    the line at the bottom says how to scroll it and close it, whatever the scroll."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "tui.key.close"),
        Binding("question_mark", "close", "tui.key.close", show=False),
        Binding("q", "close", "tui.key.close", show=False),
    ]

    def __init__(self, keys: list[tuple[str, str]], *, note: str | None = None) -> None:
        super().__init__()
        self.keys = keys
        self.note = note
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        from rich.table import Table

        table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
        table.add_column(t("tui.help.key"), no_wrap=True, style="bold")
        table.add_column(t("tui.help.action"))
        for keys, description in self.keys:
            table.add_row(keys, description)
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label(Text(t("tui.help.title")), classes="dialog-title")
            # Scrolls on a short terminal: every key stays reachable at 80x24.
            with VerticalScroll(id="help-scroll"):
                yield Static(table, id="help-table")
                if self.note:
                    yield Static(Text(self.note), classes="dialog-hint")
            yield Label(Text(t("tui.help.close")), classes="dialog-hint", id="help-close")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
