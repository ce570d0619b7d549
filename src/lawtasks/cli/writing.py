"""Commands that change items: set, start, done, block, reopen, note, undo.

No `from __future__ import annotations`: typer reads each command's signature (see core).
"""

import sys
from typing import Annotated, Any

import typer

from lawtasks.cli.core import (
    Command,
    IdsArg,
    NoteOpt,
    PlanOpt,
    TextFormat,
    TextFormatOpt,
    app,
    complete_ids,
    print_outcome,
    settings_of,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import t

# -- writing -----------------------------------------------------------------------------


@app.command("set", cls=Command, help=t("help.set"))
def set_(
    ctx: typer.Context,
    ids: IdsArg,
    status: Annotated[
        str | None,
        typer.Option("--status", help=t("help.status"), show_default=False, metavar="STATUS"),
    ] = None,
    progress: Annotated[
        str | None,
        typer.Option("--progress", help=t("help.progress"), show_default=False, metavar="N"),
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help=t("help.unit"), show_default=False, metavar="UNIT")
    ] = None,
    due: Annotated[
        str | None, typer.Option("--due", help=t("help.due"), show_default=False, metavar="DATE")
    ] = None,
    target: Annotated[
        str | None,
        typer.Option("--target", help=t("help.target"), show_default=False, metavar="TEXT"),
    ] = None,
    assisting: Annotated[
        str | None,
        typer.Option("--assisting", help=t("help.assisting"), show_default=False, metavar="UNITS"),
    ] = None,
    person: Annotated[
        str | None,
        typer.Option("--person", help=t("help.person"), show_default=False, metavar="NAME"),
    ] = None,
    note: NoteOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    from lawtasks.commands import UNSET

    outcome = (
        settings_of(ctx)
        .ledger(plan)
        .update(
            ids,
            status=status,
            progress=progress,
            lead_unit=UNSET if unit is None else unit,
            due=UNSET if due is None else due,
            target=UNSET if target is None else target,
            assisting_units=UNSET if assisting is None else assisting,
            responsible_person=UNSET if person is None else person,
            note=_read_note(note) if note is not None else None,
        )
    )
    print_outcome(outcome, fmt)


def _mark(ctx: typer.Context, ids: list[str], status: str, **fields: Any) -> None:
    """The shorthands are `set --status S`: same rules, same events."""
    plan = fields.pop("plan")
    fmt = fields.pop("fmt")
    note = fields.pop("note")
    outcome = (
        settings_of(ctx)
        .ledger(plan)
        .update(ids, status=status, note=_read_note(note) if note is not None else None, **fields)
    )
    print_outcome(outcome, fmt)


# The status shorthands, one row each: `set ID --status S` by another name.
SHORTHANDS = (
    ("start", "in_progress", "help.start"),
    ("done", "done", "help.done"),
    ("block", "blocked", "help.block"),
)


def _shorthand(name: str, status: str, help_key: str) -> None:
    def command(
        ctx: typer.Context,
        ids: IdsArg,
        note: NoteOpt = None,
        fmt: TextFormatOpt = TextFormat.text,
        plan: PlanOpt = None,
    ) -> None:
        _mark(ctx, ids, status, note=note, fmt=fmt, plan=plan)

    command.__name__ = command.__qualname__ = name
    app.command(name, cls=Command, help=t(help_key))(command)


for _name, _status, _help in SHORTHANDS:
    _shorthand(_name, _status, _help)


@app.command(cls=Command, help=t("help.reopen"))
def reopen(
    ctx: typer.Context,
    ids: IdsArg,
    progress: Annotated[
        str | None,
        typer.Option("--progress", help=t("help.reopen_progress"), show_default=False, metavar="N"),
    ] = None,
    note: NoteOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    _mark(ctx, ids, "in_progress", progress=progress, note=note, fmt=fmt, plan=plan)


def _read_note(text: str) -> str:
    """`-` reads the note from stdin, which may hold several lines, in UTF-8."""
    if text != "-":
        return text
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("error.stdin_encoding") from None


@app.command(cls=Command, help=t("help.note_cmd"))
def note(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            help=t("help.id"), autocompletion=complete_ids, show_default=False, metavar="ID"
        ),
    ],
    text: Annotated[
        str, typer.Argument(help=t("help.note_text"), show_default=False, metavar="TEXT")
    ],
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    outcome = settings_of(ctx).ledger(plan).add_note(ref, _read_note(text))
    if fmt is TextFormat.json:
        print_outcome(outcome, fmt)
    else:
        typer.echo(t("out.note_added", ref=ref))


@app.command(cls=Command, help=t("help.undo"))
def undo(ctx: typer.Context, fmt: TextFormatOpt = TextFormat.text) -> None:
    outcome = settings_of(ctx).ledger().undo()
    if fmt is TextFormat.text:
        from lawtasks.render import undo_heading

        # The TUI's ctrl+z says it in the same words (render.undo_summary).
        typer.echo(undo_heading(outcome.actor, outcome.reverted_at))
    print_outcome(outcome, fmt)
