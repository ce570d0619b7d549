"""The README is the officers' reference: every command that `lawtasks --help` lists has a
row (with an example) in "The command line", and every key the TUI binds has one in the key
table of "The terminal interface". A command or a key added without its row fails here.

The commands come from the click tree typer builds, the keys from the `BINDINGS` that
lawtasks' own classes declare (Textual's own, such as the tree's arrows or the palette's
ctrl+p, are Textual's to document), so nothing is listed twice by hand.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.main
from textual.binding import Binding
from textual.screen import ModalScreen

import lawtasks.cli
import lawtasks.tui

README = Path(__file__).parents[1] / "README.md"
COMMANDS_SECTION = "The command line"
KEYS_SECTION = "The terminal interface"

# Textual's key names as the README writes them; any other key is written as bound (a, ctrl+z).
KEY_NAMES = {
    "escape": "esc",
    "question_mark": "?",
    "slash": "/",
    "plus": "+",
    "minus": "-",
    "equals_sign": "=",
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
}


# -- what the program offers ---------------------------------------------------------------


def command_paths() -> list[str]:
    """Every command and subcommand `--help` shows, as typed: `list`, `users`, `users add`."""
    paths: list[str] = []

    def walk(command: Any, prefix: str) -> None:
        # typer may carry its own copy of click: a group is whatever has subcommands.
        for name, sub in getattr(command, "commands", {}).items():
            if getattr(sub, "hidden", False):
                continue
            path = f"{prefix}{name}"
            paths.append(path)
            walk(sub, f"{path} ")

    walk(typer.main.get_command(lawtasks.cli.app), "")
    return paths


def root_options() -> list[str]:
    """The long names of lawtasks' own options (`--db`, `--user` ...), `--help` aside."""
    root = typer.main.get_command(lawtasks.cli.app)
    return [
        opt
        for param in root.params
        if not getattr(param, "hidden", False)
        for opt in param.opts
        if opt.startswith("--") and opt != "--help"
    ]


@dataclass(frozen=True)
class Key:
    """One key a lawtasks class binds, as the README writes it."""

    name: str
    owner: str  # the class that binds it
    modal: bool  # bound by a dialog, whose keys the row of the key that opens it explains
    alias_of: str | None  # for plus,equals_sign: "=" is an alias of "+"


def _tui_classes() -> Iterator[type]:
    for module in pkgutil.walk_packages(lawtasks.tui.__path__, "lawtasks.tui."):
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if isinstance(value, type) and value.__module__ == loaded.__name__:
                yield value


def tui_keys() -> list[Key]:
    """Every key bound in lawtasks.tui, shown in the footer or not."""
    keys: list[Key] = []
    for cls in _tui_classes():
        modal = issubclass(cls, ModalScreen)
        # Only the class's own BINDINGS: what it inherits from Textual is Textual's.
        for binding in cls.__dict__.get("BINDINGS", ()):
            spec = binding.key if isinstance(binding, Binding) else binding[0]
            names = [KEY_NAMES.get(key.strip(), key.strip()) for key in spec.split(",")]
            keys.append(Key(names[0], cls.__qualname__, modal, None))
            keys += [Key(name, cls.__qualname__, modal, names[0]) for name in names[1:]]
    return keys


# -- what the README says --------------------------------------------------------------------


def section(readme: str, heading: str) -> str:
    """The text under `## heading`, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    assert match, f"README.md has no section '## {heading}'"
    return match.group(1)


def table(text: str, first_header: str) -> list[list[str]]:
    """The rows (cells stripped) of the first Markdown table whose header starts with
    `first_header`. A `\\|` inside a cell is text, not a column border."""
    lines = text.splitlines()
    for start, line in enumerate(lines):
        if re.match(rf"^\|\s*{re.escape(first_header)}\s*\|", line):
            rows = []
            for row in lines[start + 2 :]:
                if not row.startswith("|"):
                    break
                rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]])
            return rows
    raise AssertionError(f"no table with a '{first_header}' column")


def code_spans(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def missing_commands(readme: str) -> list[str]:
    """The commands of `--help` that no row of the command table names."""
    rows = table(section(readme, COMMANDS_SECTION), "command")
    named = [span for row in rows for span in code_spans(row[0])]
    return [
        path
        for path in command_paths()
        if not any(span == path or span.startswith(f"{path} ") for span in named)
    ]


def rows_without_an_example(readme: str) -> list[str]:
    """The command rows whose example column does not run one of the row's commands."""
    rows = table(section(readme, COMMANDS_SECTION), "command")
    lacking = []
    for row in rows:
        # `users add NAME [--unit UNIT]` runs `users add`; `log [ID]` runs `log`.
        named = (re.match(r"[a-z]+(?: [a-z]+)?", span) for span in code_spans(row[0]))
        commands = [match.group() for match in named if match]
        examples = [span for span in code_spans(row[-1]) if span.startswith("lawtasks ")]
        if not any(
            re.search(rf"(?<!\S){re.escape(command)}(?!\S)", example)
            for command in commands
            for example in examples
        ):
            lacking.append(row[0])
    return lacking


def missing_options(readme: str) -> list[str]:
    """lawtasks' own options that the option table does not name."""
    rows = table(section(readme, COMMANDS_SECTION), "option")
    text = " ".join(" ".join(row) for row in rows)
    return [opt for opt in root_options() if not re.search(rf"{re.escape(opt)}(?![\w-])", text)]


def _key_column(cell: str) -> set[str]:
    """`u / d / t` names u, d and t; a cell that is only `/` names the slash key."""
    tokens = cell.split()
    return {"/"} if tokens == ["/"] else {token for token in tokens if token != "/"}


def _words(cell: str) -> set[str]:
    """The words of an action, where keys are named in prose: `=` works as `+`; esc cancels."""
    return set(re.split(r"[\s,;:()`]+", cell)) - {""}


def missing_keys(readme: str) -> list[str]:
    """The keys no row of the key table documents, as `key (Class)`.

    A key must have its own row; a key that is an alias (`=` for `+`) may instead be named in
    its key's row, and a dialog's key (esc, enter, ctrl+s) in the row of the key opening it.
    A lone letter counts only in the key column: in prose, "a" is a word.
    """
    rows = table(section(readme, KEYS_SECTION), "key")
    in_key_column = set().union(*(_key_column(row[0]) for row in rows))
    in_row_of = {key: _words(row[1]) for row in rows for key in _key_column(row[0])}
    in_any_action = set().union(*(_words(row[1]) for row in rows))
    missing = []
    for key in tui_keys():
        if key.name in in_key_column:
            continue
        prose = len(key.name) > 1 or not key.name.isalnum()
        if prose and key.alias_of is not None and key.name in in_row_of.get(key.alias_of, ()):
            continue
        if prose and key.modal and key.name in in_any_action:
            continue
        missing.append(f"{key.name} ({key.owner})")
    return sorted(set(missing))


# -- the README as it is ---------------------------------------------------------------------


def test_every_command_in_help_has_a_row_in_the_readme() -> None:
    assert command_paths(), "no command found: is lawtasks.cli.app still the app?"
    assert missing_commands(README.read_text(encoding="utf-8")) == []


def test_every_command_row_has_an_example() -> None:
    assert rows_without_an_example(README.read_text(encoding="utf-8")) == []


def test_every_global_option_is_in_the_option_table() -> None:
    assert root_options()
    assert missing_options(README.read_text(encoding="utf-8")) == []


def test_every_key_of_the_tui_is_in_the_key_table() -> None:
    assert {key.owner for key in tui_keys()} >= {"MainScreen", "PlanTree", "LawtasksApp"}
    assert missing_keys(README.read_text(encoding="utf-8")) == []


# -- the checks themselves fail when a row goes ----------------------------------------------


def _without(readme: str, line_start: str) -> str:
    lines = readme.splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(line_start)]
    assert len(kept) == len(lines) - 1, f"no single README line starts with {line_start!r}"
    return "".join(kept)


@pytest.mark.parametrize(
    ("row", "missing"),
    [
        ("| `remind ", ["remind"]),
        ("| `users list` | the users", ["users list"]),
        ("| `db upgrade`", ["db", "db upgrade"]),
        ("| `start`, `done`, `block", ["start", "done", "block"]),
    ],
)
def test_a_command_without_its_row_is_found(row: str, missing: list[str]) -> None:
    readme = _without(README.read_text(encoding="utf-8"), row)
    assert missing_commands(readme) == missing


def test_a_row_without_an_example_is_found() -> None:
    example = "`lawtasks sheets --unit 县司法局 --due 7月10日`"
    readme = README.read_text(encoding="utf-8").replace(example, "")
    assert rows_without_an_example(readme) == ["`sheets [--unit TEXT] [-o DIR] [--due DATE]`"]


def test_an_option_without_its_row_is_found() -> None:
    readme = _without(README.read_text(encoding="utf-8"), "| `--today DATE`")
    assert missing_options(readme) == ["--today"]


@pytest.mark.parametrize(
    ("row", "missing"),
    [
        ("| a |", ["a (MainScreen)"]),
        ("| esc |", ["esc (DashboardScreen)", "esc (MainScreen)"]),
        ("| ctrl+z |", ["ctrl+z (MainScreen)"]),
        ("| ↑ ↓ / j k |", ["j (PlanTree)", "k (PlanTree)"]),
        ("| / |", ["/ (MainScreen)"]),
        (
            "| q / ctrl+q |",
            ["ctrl+q (LawtasksApp)", "q (DashboardScreen)", "q (HelpScreen)", "q (MainScreen)"],
        ),
    ],
)
def test_a_key_without_its_row_is_found(row: str, missing: list[str]) -> None:
    readme = _without(README.read_text(encoding="utf-8"), row)
    assert missing_keys(readme) == missing


def test_an_alias_and_a_dialog_key_count_only_where_they_are_named() -> None:
    readme = README.read_text(encoding="utf-8")
    assert missing_keys(readme.replace("(`=` works as `+`)", "")) == ["= (MainScreen)"]
    assert missing_keys(readme.replace("ctrl+s saves, ", "")) == ["ctrl+s (NoteDialog)"]
