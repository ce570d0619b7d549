"""The command line: a thin typer app over the read model and the service layer, by area.

`core` holds the app, the global options' types and the click subclasses; each other module
adds its commands to the app when it is imported, in the order `--help` lists them. The
root callback lives here because bare `lawtasks` opens the TUI or prints the summary, which
are the reading commands' (a callback in `core` would import upward).

No `from __future__ import annotations`: typer reads each command's signature (see core).
"""

# Each area adds its commands when imported: this order is the order `--help` lists them.
from lawtasks.cli import plans, reading, writing, returns, supervision, rounds  # noqa: F401  # isort: skip
from lawtasks.cli import circular, milestones, admin  # noqa: F401  # isort: skip

import sys
from typing import Annotated

import typer

from lawtasks.cli.core import (
    PlanOpt,
    Settings,
    app,
    complete_ids,
    main,
    set_lang,
    show_version,
)
from lawtasks.cli.reading import run_tui, summary
from lawtasks.i18n import languages, t

__all__ = ["Settings", "app", "complete_ids", "main"]


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", envvar="LAWTASKS_DB", help=t("help.db"), show_default=False, metavar="PATH|URL"
        ),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help=t("help.user"), show_default=False, metavar="NAME")
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help=t("help.lang"),
            callback=set_lang,
            show_default=False,
            metavar="|".join(languages()),
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option("--today", help=t("help.today"), show_default=False, metavar="DATE"),
    ] = None,
    plan: PlanOpt = None,
    debug: Annotated[bool, typer.Option("--debug", help=t("help.debug"))] = False,
    version: Annotated[
        bool,
        typer.Option("--version", help=t("help.version"), callback=show_version, is_eager=True),
    ] = False,
) -> None:
    ctx.obj = Settings(db=db, user=user, plan=plan, today_text=today, debug=debug)
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            run_tui(ctx.obj, plan)
        else:
            summary(ctx)
