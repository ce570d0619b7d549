"""The import dialog: a file, its preview, then a new plan, as `lawtasks import` makes it.

The preview is the tree `import --dry-run` prints (lawtasks.render.import_preview): what the
import would create and what it would skip, with the file's text shown as data. Reading the
file and writing the plan run on thread workers, so that a large 台账 or a writer waiting
for the lock never holds up the screen. The write is the CLI's own service call
(`Ledger.import_plan(new=True)`, the coordinator check included), and the plan in use stays
as it is: the dialog offers to open the new plan in this screen only.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, Static
from textual.worker import get_current_worker

from lawtasks.errors import DomainError
from lawtasks.i18n import t
from lawtasks.render import import_preview, printable
from lawtasks.tui.i18n_bindings import translate_bindings
from lawtasks.tui.source import LedgerSource

if TYPE_CHECKING:
    from lawtasks.parser import ParsedPlan

# Lines of the tree shown: a 10,000-item 台账 would take seconds to lay out, and nobody
# reads that far in a dialog; the CLI's --dry-run prints them all.
PREVIEW_LINES = 400
# How each kind of preview line looks; the text itself is never markup.
STYLES = {"task": "bold", "facts": "dim", "plan_end": "italic", "skipped": "bold",
          "skipped_line": "dim"}  # fmt: skip

# What the dialog read: the path and the --columns it was read with.
Key = tuple[str, str]


def complete_path(value: str) -> str | None:
    """`value` completed with the rest of the first name in its directory that starts with
    what is typed after the last separator (case aside); a directory with a separator, so
    that the next name can follow. None when nothing, or only `value` itself, fits."""
    if not value.strip():
        return None
    cut = max(value.rfind("/"), value.rfind(os.sep))
    folder, start = value[: cut + 1], value[cut + 1 :]
    separator = value[cut] if cut >= 0 else os.sep
    directory = Path(folder).expanduser() if folder else Path.cwd()
    try:
        with os.scandir(directory) as entries:
            found = sorted(
                ((entry.name, entry.is_dir()) for entry in entries),
                key=lambda pair: pair[0].casefold(),
            )
    except OSError:
        return None
    wanted = start.casefold()
    for name, is_dir in found:
        if name.startswith(".") and not start.startswith("."):
            continue  # hidden, unless asked for
        if not name.casefold().startswith(wanted):
            continue
        rest = name[len(start) :] + (separator if is_dir else "")
        if rest:
            return value + rest
    return None


class PathSuggester(Suggester):
    """Names in the typed directory, read off the event loop (a network share can be slow)
    and never cached: the directory changes while the officer looks."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value)


def sentences(*parts: str) -> str:
    """Sentences one after another: a space between English ones, none between Chinese."""
    from lawtasks.i18n import get_language

    return ("" if get_language() == "zh" else " ").join(parts)


@dataclass(frozen=True)
class ImportDone:
    """A plan imported: its slug, what the toast says, and whether to open it here."""

    slug: str
    message: str
    open: bool


def preview_lines(
    parsed: ParsedPlan, slug: str, *, copy: str | None = None, imported: bool = False
) -> RenderableType:
    """What the import of `parsed` as `slug` would create, as `import --dry-run` prints
    it; wrapped lines keep their indent. With `copy`, the plan that already holds the file
    (the import would be refused: said first); once `imported`, what was created."""
    items = sum(len(task.items) for task in parsed.tasks)
    if imported:
        headline = t("out.imported", plan=slug, title=printable(parsed.title),
                     tasks=len(parsed.tasks), items=items)  # fmt: skip
    else:
        headline = t("tui.import.would_create", plan=slug, title=printable(parsed.title),
                     year=parsed.year, tasks=len(parsed.tasks), items=items)  # fmt: skip
    shown: list[RenderableType] = []
    if copy is not None:
        refused = DomainError("error.plan_duplicate", value=parsed.source_name, plan=copy)
        shown += [Text(str(refused), style="bold red"), Text("")]
    shown += [Text(headline, style="bold"), Text("")]
    lines = import_preview(parsed)
    for kind, line in lines[:PREVIEW_LINES]:
        text = line.lstrip(" ")
        indent = len(line) - len(text)
        shown.append(Padding(Text(text, style=STYLES.get(kind, "")), (0, 0, 0, indent)))
    if len(lines) > PREVIEW_LINES:
        more = t("tui.import.more", lines=len(lines) - PREVIEW_LINES)
        shown.append(Text(more, style="dim"))
    return Group(*shown)


class ImportDialog(ModalScreen[ImportDone | None]):
    """A path (completed from the directory typed), an optional slug and --columns; enter
    previews, enter again (or Import) imports; escape cancels."""

    # Not the shared .dialog class: the app's stylesheet would win over these rules, and
    # this dialog takes the whole of a small terminal for its preview.
    DEFAULT_CSS = """
    #import-dialog {
        width: 100%; max-width: 110; height: 100%; max-height: 40;
        padding: 0 1; border: thick $primary; background: $surface;
    }
    #import-title { text-style: bold; }
    #import-row, #import-options, #import-buttons { height: auto; }
    #import-path { width: 1fr; }
    #import-slug { width: 1fr; }
    #import-columns { width: 2fr; }
    #import-preview { height: 1fr; border: round $primary-background; padding: 0 1; }
    #import-buttons Button { margin-right: 1; }
    #import-hint { margin-top: 1; width: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "tui.key.cancel")]

    class Read(Message):
        """The file read as `key` says (with the plan already holding it, if any, and the
        name an import takes by default), or why it could not be."""

        def __init__(
            self,
            key: Key,
            parsed: ParsedPlan | None,
            error: DomainError | None,
            copy: str | None = None,
            default: str | None = None,
        ) -> None:
            super().__init__()
            self.key = key
            self.parsed = parsed
            self.error = error
            self.copy = copy
            self.default = default

    class Written(Message):
        """The plan imported (the plan in use after it), or why it was not."""

        def __init__(self, slug: str, in_use: str | None, error: DomainError | None) -> None:
            super().__init__()
            self.slug = slug
            self.in_use = in_use
            self.error = error

    def __init__(self, source: LedgerSource, explain: Callable[[Exception], DomainError]) -> None:
        super().__init__()
        self.source = source
        self.explain = explain
        # The file read and what it holds, once the preview is shown.
        self.read_key: Key | None = None
        self.parsed: ParsedPlan | None = None
        # The plan already holding the file read (its import would be refused), and the
        # name the import takes when none is typed (plan-YEAR, or plan-YEAR-2 …).
        self.copy: str | None = None
        self.default_slug: str | None = None
        self.importing = False
        self.done: ImportDone | None = None
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog"):
            yield Label(Text(t("tui.import.title")), id="import-title")
            with Horizontal(id="import-row"):
                yield Input(
                    id="import-path", placeholder=t("tui.import.path"), suggester=PathSuggester()
                )
            with Horizontal(id="import-options"):
                yield Input(id="import-slug", placeholder=t("tui.import.slug"))
                yield Input(id="import-columns", placeholder=t("tui.import.columns"))
            with VerticalScroll(id="import-preview"):
                yield Static(Text(t("tui.import.intro")), id="import-tree")
            yield Static("", id="import-error", classes="dialog-error")
            with Horizontal(id="import-buttons"):
                yield Button(Text(t("tui.import.import")), id="import-go", variant="primary",
                             disabled=True)  # fmt: skip
                yield Button(Text(t("tui.import.cancel")), id="import-cancel")
                yield Label(Text(t("tui.import.hint")), id="import-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    # -- what is typed ----------------------------------------------------------------------

    def _key(self) -> Key:
        path = self.query_one("#import-path", Input).value.strip()
        return path, self.query_one("#import-columns", Input).value.strip()

    def _slug(self) -> str:
        typed = self.query_one("#import-slug", Input).value.strip()
        if typed or self.parsed is None:
            return typed
        return self.default_slug or f"plan-{self.parsed.year}"

    def _current(self) -> bool:
        """The preview shown is of the file and columns typed now."""
        return self.parsed is not None and self.read_key == self._key()

    def _importable(self) -> bool:
        """The preview is current and the file is not in the ledger already."""
        return self._current() and self.copy is None

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        if self.done is not None:
            return  # imported: the dialog shows what was created
        if event.input.id == "import-slug":
            if self.parsed is not None:
                self._show(preview_lines(self.parsed, self._slug(), copy=self.copy))
            return
        self.query_one("#import-go", Button).disabled = not self._importable()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._importable():
            self.start_import()
        else:
            self.start_read()

    @on(Button.Pressed, "#import-go")
    def go(self) -> None:
        if self.done is not None:
            self.dismiss(ImportDone(self.done.slug, self.done.message, open=True))
        elif self._importable():
            self.start_import()

    @on(Button.Pressed, "#import-cancel")
    def cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        if self.importing:
            return  # the write is under way: its outcome is shown here
        self.dismiss(self.done)

    # -- reading the file -------------------------------------------------------------------

    def start_read(self) -> None:
        key = self._key()
        path = key[0]
        if not path:
            self.show_error(t("tui.import.no_path"))
            return
        self.show_error("")
        self.parsed = None
        self.copy = self.default_slug = None
        self.query_one("#import-go", Button).disabled = True
        self._show(Text(t("tui.import.reading", file=printable(path)), style="italic"))
        self.read(key)

    @work(thread=True, exclusive=True, group="import-read")
    def read(self, key: Key) -> None:
        """As `lawtasks import FILE --dry-run` reads it: every failure a DomainError."""
        from lawtasks.sources import parse_columns, read_plan_file

        path, columns = key
        parsed: ParsedPlan | None = None
        failure: DomainError | None = None
        copy: str | None = None
        default: str | None = None
        try:
            mapping = parse_columns(columns) if columns else None
            parsed = read_plan_file(Path(path).expanduser(), columns=mapping)
        except DomainError as error:
            failure = error
        if parsed is not None:
            # The service's own duplicate check and default name, read before the import:
            # the preview warns, and the import would be refused the same way.
            try:
                copy = self.source.ledger.copy_of(parsed)
                default = self.source.ledger.default_slug(parsed.year)
            except Exception as caught:
                failure = self.explain(caught)
                parsed = None
        if not get_current_worker().is_cancelled:
            self.post_message(self.Read(key, parsed, failure, copy, default))

    @on(Read)
    def file_read(self, message: ImportDialog.Read) -> None:
        if message.key != self._key() or self.importing or self.done is not None:
            return  # read for what was typed before
        if message.error is not None or message.parsed is None:
            self._show(Text(t("tui.import.intro")))
            self.show_error(str(message.error))
            return
        self.read_key, self.parsed = message.key, message.parsed
        self.copy, self.default_slug = message.copy, message.default
        self._show(preview_lines(message.parsed, self._slug(), copy=self.copy))
        self.query_one("#import-go", Button).disabled = not self._importable()

    # -- writing the plan -------------------------------------------------------------------

    def start_import(self) -> None:
        parsed, slug = self.parsed, self._slug()
        if parsed is None or self.importing:
            return
        self.importing = True
        self.show_error("")
        for widget in self.query(Input):
            widget.disabled = True
        self.query_one("#import-go", Button).disabled = True
        self.query_one("#import-cancel", Button).disabled = True
        self.query_one("#import-hint", Label).update(Text(t("tui.import.importing")))
        self.write(parsed, slug)

    @work(thread=True, exclusive=True, group="import-write")
    def write(self, parsed: ParsedPlan, slug: str) -> None:
        """`lawtasks import`'s own service call: a slug taken, a report already imported or
        an officer who is no coordinator is refused, and nothing is written."""
        try:
            self.source.ledger.import_plan(parsed, slug=slug, new=True)
            in_use = next((plan.slug for plan in self.source.read_plans() if plan.in_use), None)
        except Exception as caught:
            self.post_message(self.Written(slug, None, self.explain(caught)))
            return
        self.post_message(self.Written(slug, in_use, None))

    @on(Written)
    def written(self, message: ImportDialog.Written) -> None:
        self.importing = False
        go = self.query_one("#import-go", Button)
        cancel = self.query_one("#import-cancel", Button)
        cancel.disabled = False
        if message.error is not None:
            for widget in self.query(Input):
                widget.disabled = False
            go.disabled = not self._importable()
            self.query_one("#import-hint", Label).update(Text(t("tui.import.hint")))
            self.show_error(str(message.error))
            self.query_one("#import-slug", Input).focus()
            return
        parsed = self.parsed
        assert parsed is not None
        slug = message.slug
        items = sum(len(task.items) for task in parsed.tasks)
        # What `lawtasks import` says, and that the plan in use has not changed.
        imported = t("out.imported", plan=slug, title=printable(parsed.title),
                     tasks=len(parsed.tasks), items=items)  # fmt: skip
        if message.in_use == slug:  # a ledger's first plan becomes the plan in use
            in_use = t("out.imported_in_use")
        else:
            in_use = t("tui.import.still_in_use", in_use=message.in_use or "-", plan=slug)
        said = sentences(imported, in_use)
        self.done = ImportDone(slug, said, open=False)
        # What was created, no longer what the import would create.
        self._show(preview_lines(parsed, slug, imported=True))
        go.label = Text(t("tui.import.open", plan=slug))
        go.disabled = False
        cancel.label = Text(t("tui.import.close"))
        self.query_one("#import-hint", Label).update(Text(t("tui.import.done_hint")))
        status = self.query_one("#import-error", Static)
        status.remove_class("dialog-error")
        status.update(Text(said, style="bold"))
        go.focus()

    # -- showing ----------------------------------------------------------------------------

    def _show(self, renderable: RenderableType) -> None:
        self.query_one("#import-tree", Static).update(renderable)

    def show_error(self, message: str) -> None:
        """One line, as the CLI prints it; the file's name in it is data."""
        self.query_one("#import-error", Static).update(Text(message))
