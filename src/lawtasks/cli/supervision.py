"""The supervision cycle's commands: attach and evidence (佐证材料), signoff (销号).

No `from __future__ import annotations`: typer reads each command's signature (see core).
"""

from pathlib import Path
from typing import Annotated

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
    make_console,
    print_json,
    print_outcome,
    settings_of,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import t

IdArg = Annotated[
    str,
    typer.Argument(
        help=t("help.id"), autocompletion=complete_ids, show_default=False, metavar="ID"
    ),
]


@app.command(cls=Command, help=t("help.attach"))
def attach(
    ctx: typer.Context,
    ref: IdArg,
    files: Annotated[
        list[Path],
        typer.Argument(help=t("help.attach_files"), show_default=False, metavar="FILE..."),
    ],
    note: NoteOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    from lawtasks.services.supervision import read_evidence

    ledger = settings_of(ctx).ledger(plan)
    # Read before the write transaction, which holds the writers' lock: a large file or a
    # slow share must not keep everyone else waiting.
    read = read_evidence(files, ledger.evidence_limit())
    print_outcome(ledger.attach(ref, read, note=note), fmt)


@app.command(cls=Command, help=t("help.evidence"))
def evidence(
    ctx: typer.Context,
    ref: IdArg,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help=t("help.evidence_output"), show_default=False, metavar="DIR"
        ),
    ] = None,
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    from lawtasks.domain import file_size
    from lawtasks.render import printable
    from lawtasks.services.supervision import stored_evidence, write_evidence

    settings = settings_of(ctx)
    files = stored_evidence(settings.engine, plan or settings.plan, ref)
    written = write_evidence(files, output) if output is not None else []
    if fmt is TextFormat.json:
        print_json(
            {
                "id": ref.strip(),
                "evidence": [
                    {"name": file.name, "size": file.size, "sha256": file.sha256}
                    | ({"path": str(written[n])} if written else {})
                    for n, file in enumerate(files)
                ],
            }
        )
        return
    if not files:
        typer.echo(t("evidence.none", ref=ref.strip()))
        return
    console = make_console()
    for n, file in enumerate(files):
        where = f"  → {written[n]}" if written else ""
        console.print(
            f"{printable(file.name)}  {file_size(file.size)}  sha256:{file.sha256[:12]}{where}",
            highlight=False,
        )
    if written:
        typer.echo(t("evidence.written", dir=str(output)))


@app.command(cls=Command, help=t("help.signoff"))
def signoff(
    ctx: typer.Context,
    ids: IdsArg,
    reject: Annotated[bool, typer.Option("--reject", help=t("help.signoff_reject"))] = False,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help=t("help.signoff_reason"), show_default=False, metavar="TEXT"),
    ] = None,
    note: NoteOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    ledger = settings_of(ctx).ledger(plan)
    if reject:
        if reason is None or note is not None:
            raise DomainError("error.signoff_reason")
        outcome = ledger.reject(ids, reason=reason)
    else:
        if reason is not None:
            raise DomainError("error.signoff_reason_without_reject")
        outcome = ledger.sign_off(ids, note=note)
    print_outcome(outcome, fmt)
