"""The supervision cycle's dialogs: evidence to attach, and a round's status per unit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from lawtasks.i18n import join_list, t
from lawtasks.render import Flow, printable
from lawtasks.tui.i18n_bindings import translate_bindings
from lawtasks.tui.screens.import_dialog import PathSuggester

if TYPE_CHECKING:
    from lawtasks.services.rounds import RoundStatus


class AttachDialog(ModalScreen[tuple[Path, str | None] | None]):
    """A file's path (→ completes it from the typed directory) and an optional note; enter
    attaches, escape cancels. A path that is no file is said here, in one line."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "tui.key.cancel")]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-small"):
            yield Label(Text(t("tui.attach.title", ref=self.ref)), classes="dialog-title")
            yield Input(
                id="attach-path", placeholder=t("tui.attach.path"), suggester=PathSuggester()
            )
            yield Input(id="attach-note", placeholder=t("tui.attach.note"))
            yield Static("", id="attach-error", classes="dialog-error")
            yield Label(Text(t("tui.attach.hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#attach-path", Input).focus()

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        event.stop()
        typed = self.query_one("#attach-path", Input).value.strip()
        error = self.query_one("#attach-error", Static)
        path = Path(typed).expanduser()
        # What `lawtasks attach` says of the same path, in the same words.
        problem = None
        if not typed:
            problem = t("tui.attach.missing")
        elif not path.exists():
            problem = t("evidence.refused_missing", path=typed)
        elif path.is_dir():
            problem = t("evidence.refused_directory", path=typed)
        if problem is not None:
            error.update(Text(problem))
            self.query_one("#attach-path", Input).focus()
            return
        note = self.query_one("#attach-note", Input).value.strip()
        self.dismiss((path, note or None))

    def action_cancel(self) -> None:
        self.dismiss(None)


def round_table(status: RoundStatus) -> Table:
    """Each lead unit and whether and when it reported in the round; data as Text."""
    shown = {
        "reported": (t("round.reported"), "green"),
        "late": (t("round.late"), "yellow"),
        "unreported": (t("round.unreported"), "bold red"),
    }
    table = Table(box=None, pad_edge=False, expand=False)
    table.add_column(t("tui.round.unit"))
    table.add_column(t("tui.round.state"))
    table.add_column(t("tui.round.at"))
    for answer in status.units:
        label, style = shown[answer.state]
        when = "" if answer.at is None else f"{answer.at.astimezone():%Y-%m-%d %H:%M}"
        table.add_row(Text(printable(answer.unit)), Text(label, style=style), Text(when))
    return table


class RoundDialog(ModalScreen[None]):
    """The open (or latest) round: per lead unit 已报送 / 逾期报送 / 未报送 and when."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "tui.key.close"),
    ]

    def __init__(self, status: RoundStatus) -> None:
        super().__init__()
        self.status = status
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        status = self.status
        state = t("round.open_state") if status.open else t("round.closed_state")
        title = t("round.title", period=status.period, due=status.due.isoformat(), state=state)
        if status.not_updated:
            rest = t("round.not_updated", ids=join_list(status.not_updated))
        else:
            rest = t("round.all_updated")
        with Vertical(classes="dialog"):
            yield Label(Text(title), classes="dialog-title")
            yield Static(round_table(status), id="round-table")
            # Wrapped between IDs: no line starts with the list's 、.
            yield Static(Flow(rest), id="round-rest")
            yield Label(Text(t("tui.round.hint")), classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
