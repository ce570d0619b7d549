"""Commands about plans: creating the ledger, importing a report, listing the plans.

No `from __future__ import annotations`: typer reads each command's signature (see core).
"""

from typing import Annotated

import typer

from lawtasks.cli.core import (
    Command,
    TextFormat,
    TextFormatOpt,
    app,
    make_console,
    print_json,
    settings_of,
)
from lawtasks.i18n import t

# -- plans and seeding -----------------------------------------------------------------------


@app.command(cls=Command, help=t("help.init"))
def init(ctx: typer.Context) -> None:
    from lawtasks.db import make_engine
    from lawtasks.seed import SEED_SLUG, seed

    settings = settings_of(ctx)
    engine = make_engine(settings.url)
    outcome, added = seed(engine, actor=settings.user)
    view = settings.view(SEED_SLUG)
    if not outcome.changed:
        typer.echo(t("seed.exists", plan=SEED_SLUG))
    elif added == 1 + len(view.tasks) + len(view.items):
        typer.echo(t("seed.created", plan=SEED_SLUG, tasks=len(view.tasks), items=len(view.items)))
    else:
        typer.echo(t("seed.updated", plan=SEED_SLUG, added=added))
    from lawtasks.db import display_url

    typer.echo(display_url(settings.url))


@app.command("import", cls=Command, help=t("help.import"))
def import_(
    ctx: typer.Context,
    report: Annotated[
        str, typer.Argument(help=t("help.report"), show_default=False, metavar="REPORT")
    ],
    slug: Annotated[
        str | None, typer.Option("--slug", help=t("help.slug"), show_default=False, metavar="SLUG")
    ] = None,
) -> None:
    from pathlib import Path

    from lawtasks.parser import read_report
    from lawtasks.readmodel import load_plan

    settings = settings_of(ctx)
    parsed = read_report(Path(report))
    name = slug or f"plan-{parsed.year}"
    # settings.engine has created the schema; the service checks the slug and refuses one
    # already taken.
    settings.ledger().import_plan(parsed, slug=name, new=True)
    view = load_plan(settings.engine, slug=name, today=settings.today)
    typer.echo(
        t("out.imported", plan=name, title=view.title, tasks=len(view.tasks), items=len(view.items))
    )


@app.command(cls=Command, help=t("help.plans"))
def plans(ctx: typer.Context, fmt: TextFormatOpt = TextFormat.text) -> None:
    from lawtasks.readmodel import list_plans

    rows = list_plans(settings_of(ctx).engine)
    if fmt is TextFormat.json:
        print_json({"plans": [row.as_dict() for row in rows]})
        return
    from rich.table import Table
    from rich.text import Text

    from lawtasks.render import printable

    table = Table(box=None, pad_edge=False, header_style="bold")
    for label in ("label.slug", "label.year", "label.items", "label.plan"):
        table.add_column(t(label), no_wrap=label != "label.plan", overflow="ellipsis")
    for index, row in enumerate(rows):
        table.add_row(
            ("* " if index == 0 else "  ") + row.slug,
            str(row.year),
            str(row.items),
            Text(printable(row.title)),
        )
    make_console().print(table)
