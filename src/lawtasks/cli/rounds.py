"""Reporting rounds (填报轮次): round open, round status, round close.

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
    print_json,
    print_outcome,
    settings_of,
)
from lawtasks.i18n import join_list, t

round_app = typer.Typer(
    cls=Group, help=t("help.round"), no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(round_app, name="round")

PeriodOpt = Annotated[
    str | None,
    typer.Option("--period", help=t("help.round_period"), show_default=False, metavar="YYYY-MM"),
]


@round_app.command("open", cls=Command, help=t("help.round_open"))
def round_open(
    ctx: typer.Context,
    period: PeriodOpt = None,
    due: Annotated[
        str | None,
        typer.Option("--due", help=t("help.round_due"), show_default=False, metavar="DATE"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=t("help.round_force"))] = False,
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    from lawtasks.dates import parse_date
    from lawtasks.services.rounds import parse_period

    settings = settings_of(ctx)
    today = settings.today
    # This month by default; one outside the plan's period is refused, naming the months
    # that are in it, never opened for the plan silently.
    chosen = parse_period(period) if period is not None else f"{today:%Y-%m}"
    when = None if due is None else parse_date(due, year=int(chosen[:4]))
    # A due date already past is refused unless --force (a round the office ran before).
    not_before = None if force else today
    outcome = settings.ledger(plan).open_round(chosen, when, not_before=not_before)
    if fmt is TextFormat.json:
        print_outcome(outcome, fmt)
        return
    (change,) = outcome.changes
    typer.echo(t("round.opened", period=change.ref, due=change.new))


@round_app.command("close", cls=Command, help=t("help.round_close"))
def round_close(
    ctx: typer.Context, fmt: TextFormatOpt = TextFormat.text, plan: PlanOpt = None
) -> None:
    outcome = settings_of(ctx).ledger(plan).close_round()
    if fmt is TextFormat.json:
        print_outcome(outcome, fmt)
        return
    typer.echo(t("round.closed", period=outcome.changes[0].ref))


@round_app.command("status", cls=Command, help=t("help.round_status"))
def round_status(
    ctx: typer.Context,
    period: PeriodOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    plan: PlanOpt = None,
) -> None:
    from lawtasks.render import printable
    from lawtasks.services.rounds import round_status as status_of

    settings = settings_of(ctx)
    slug = plan or settings.plan
    found = status_of(settings.engine, slug, period)
    if fmt is TextFormat.json:
        print_json({"round": None if found is None else found.as_dict()})
        return
    if found is None:
        typer.echo(t("round.none", plan=settings.view(plan).slug))
        return
    state = t("round.open_state") if found.open else t("round.closed_state")
    typer.echo(t("round.title", period=found.period, due=found.due.isoformat(), state=state))
    shown = {
        "reported": t("round.reported"),
        "late": t("round.late"),
        "unreported": t("round.unreported"),
    }
    for answer in found.units:
        when = "" if answer.at is None else f"  {answer.at.astimezone():%Y-%m-%d %H:%M}"
        typer.echo(f"  {printable(answer.unit)}  {shown[answer.state]}{when}")
    if found.not_updated:
        typer.echo(t("round.not_updated", ids=join_list(found.not_updated)))
    else:
        typer.echo(t("round.all_updated"))
