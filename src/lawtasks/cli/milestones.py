"""Milestones (每季度的形象进度): `milestone add`, `remove` and `list`.

No `from __future__ import annotations`: typer reads each command's signature (see core).
"""

from typing import Annotated

import typer

from lawtasks.cli.core import (
    Command,
    Group,
    PlanOpt,
    TextFormat,
    TextFormatOpt,
    app,
    complete_ids,
    print_json,
    print_outcome,
    settings_of,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import t

milestone_app = typer.Typer(
    cls=Group, help=t("help.milestone_group"), no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(milestone_app, name="milestone")

IdArg = Annotated[
    str,
    typer.Argument(
        help=t("help.id"), autocompletion=complete_ids, show_default=False, metavar="ID"
    ),
]


@milestone_app.command("add", cls=Command, help=t("help.milestone_add"))
def milestone_add(
    ctx: typer.Context,
    ref: IdArg,
    when: Annotated[
        str, typer.Argument(help=t("help.milestone_date"), show_default=False, metavar="DATE")
    ],
    progress: Annotated[
        str | None,
        typer.Option(
            "--progress", help=t("help.milestone_progress"), show_default=False, metavar="N"
        ),
    ] = None,
    text: Annotated[
        str | None,
        typer.Option("--text", help=t("help.milestone_text"), show_default=False, metavar="TEXT"),
    ] = None,
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    ledger = settings_of(ctx).ledger(plan)
    print_outcome(ledger.add_milestone(ref, when, progress=progress, text=text), fmt)


@milestone_app.command("remove", cls=Command, help=t("help.milestone_remove"))
def milestone_remove(
    ctx: typer.Context,
    ref: IdArg,
    which: Annotated[
        str, typer.Argument(help=t("help.milestone_which"), show_default=False, metavar="DATE|N")
    ],
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    print_outcome(settings_of(ctx).ledger(plan).remove_milestone(ref, which), fmt)


@milestone_app.command("list", cls=Command, help=t("help.milestone_list"))
def milestone_list(
    ctx: typer.Context,
    ref: IdArg,
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    from lawtasks.domain import ItemRef, parse_ref
    from lawtasks.render import printable

    settings = settings_of(ctx)
    parsed = parse_ref(ref)
    view = settings.view(plan)
    items = [
        item
        for task in view.tasks
        if task.id == parsed.task
        for item in task.items
        if not isinstance(parsed, ItemRef) or item.seq == parsed.item
    ]
    if not items:
        # The ORM's resolver names what exists.
        settings.history(view.slug, ref, limit=1)
        raise DomainError("error.milestone_none", ref=ref.strip(), which="")
    if fmt is TextFormat.json:
        print_json(
            {
                "items": [
                    {
                        "id": item.id,
                        "milestones": [m.as_dict() for m in item.milestones],
                        "next_milestone": (
                            item.next_milestone.as_dict() if item.next_milestone else None
                        ),
                    }
                    for item in items
                ]
            }
        )
        return
    for item in items:
        if len(items) > 1 or not item.milestones:
            typer.echo(f"{item.id}  {printable(item.title)}")
        if not item.milestones:
            typer.echo(f"  {t('label.none')}")
        for number, milestone in enumerate(item.milestones, 1):
            mark = "  →" if milestone == item.next_milestone else "   "
            typer.echo(f"{mark} {number}. {printable(milestone.label)}")
