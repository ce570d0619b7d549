"""Administration: verify, backup, restore, schema upgrades, users.

No `from __future__ import annotations`: typer reads each command's signature (see core).
"""

from typing import Annotated

import typer

from lawtasks.cli.core import (
    Command,
    Group,
    TextFormat,
    TextFormatOpt,
    app,
    ledger_files,
    make_console,
    print_json,
    print_outcome,
    settings_of,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import t, tn

# -- safety ----------------------------------------------------------------------------------


@app.command(cls=Command, help=t("help.verify"))
def verify(
    ctx: typer.Context,
    against: Annotated[
        list[str] | None,
        typer.Option(
            "--against", help=t("help.verify_against"), show_default=False, metavar="FILE"
        ),
    ] = None,
    record: Annotated[
        str | None,
        typer.Option("--record", help=t("help.verify_record"), show_default=False, metavar="FILE"),
    ] = None,
    fmt: TextFormatOpt = TextFormat.text,
) -> None:
    from datetime import UTC, datetime
    from pathlib import Path

    from lawtasks.audit import Anchor
    from lawtasks.audit import verify as verify_trail
    from lawtasks.exporters.trail import read_heads, record_head
    from lawtasks.readmodel import TrailHead
    from lawtasks.render import local_time

    # Every file is read before the ledger: a bad --against is an error, not a finding.
    anchors = [
        Anchor(kept.events, kept.head, kept.source)
        for name in against or ()
        for kept in read_heads(Path(name))
    ]
    report = verify_trail(settings_of(ctx).engine, anchors)
    head = TrailHead(report.events, report.head)
    recorded = None
    if report.intact and record is not None:
        # Only an intact trail's head is worth keeping: a later check trusts it.
        record_head(
            Path(record), head, datetime.now(UTC).astimezone(), keep=ledger_files(settings_of(ctx))
        )
        recorded = record
    if fmt is TextFormat.json:
        print_json(
            {
                "intact": report.intact,
                "events": report.events,
                "head": report.head,
                "chain_broken_at": report.first_bad,
                "findings": [finding.as_dict() for finding in report.findings],
                "unchecked_plans": list(report.unchecked),
                "anchors_checked": report.anchors,
                "recorded": recorded,
            }
        )
        if not report.intact:
            raise typer.Exit(1)
        return
    if report.first_bad is not None:
        at = local_time(report.at) if report.at else "?"
        raise DomainError("error.chain_broken", id=report.first_bad, at=at)
    if report.findings:
        first, *rest = report.findings
        more = t("trail.more", count=len(rest)) if rest else ""
        raise DomainError("error.trail_tampered", detail=first.message(), more=more)
    typer.echo(t("out.verified", count=report.events))
    typer.echo(t("trail.rows_match"))
    if report.unchecked:
        typer.echo(t("trail.unchecked", plans=", ".join(report.unchecked)))
    if report.anchors:
        typer.echo(t("trail.anchors_ok", count=report.anchors))
    typer.echo(tn("trail.head_line", head.events, head=head.head))
    if recorded is not None:
        typer.echo(t("trail.recorded", path=recorded))


@app.command(cls=Command, help=t("help.backup"))
def backup(
    ctx: typer.Context,
    path: Annotated[
        str | None, typer.Argument(help=t("help.backup_path"), metavar="PATH", show_default=False)
    ] = None,
) -> None:
    from pathlib import Path

    from lawtasks.backup import backup as write_backup

    settings = settings_of(ctx)
    settings.engine  # noqa: B018 - a ledger that cannot be opened is reported before copying
    written = write_backup(settings.url, Path(path) if path else None)
    typer.echo(t("out.backup", path=str(written)))


@app.command(cls=Command, help=t("help.restore"))
def restore(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help=t("help.backup_path"), metavar="PATH")],
) -> None:
    from pathlib import Path

    from lawtasks.backup import restore as restore_backup

    settings = settings_of(ctx)
    kept = restore_backup(settings.url, Path(path))
    if kept is None:
        from lawtasks.db import display_url

        typer.echo(t("out.restored_new", source=path, db=display_url(settings.url)))
    else:
        typer.echo(t("out.restored", source=path, kept=str(kept)))


db_app = typer.Typer(
    cls=Group, help=t("help.db_group"), no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(db_app, name="db")


@db_app.command("upgrade", cls=Command, help=t("help.db_upgrade"))
def db_upgrade(ctx: typer.Context) -> None:
    from lawtasks.upgrade import upgrade_ledger

    settings = settings_of(ctx)
    done = upgrade_ledger(settings.url, actor=settings.user)
    if done.outcome == "repaired":
        typer.echo(t("out.repaired", db=done.db, version=done.new))
    elif done.outcome == "up_to_date":
        typer.echo(t("out.up_to_date", db=done.db, version=done.old))
    else:
        if done.backup is not None:
            typer.echo(t("out.backup", path=str(done.backup)))
        typer.echo(t("out.upgraded", db=done.db, old=done.old, new=done.new))


# -- users and units -------------------------------------------------------------------------

users_app = typer.Typer(
    cls=Group, help=t("help.users_group"), no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(users_app, name="users")

UserNameArg = Annotated[str, typer.Argument(help=t("help.user_name"), metavar="NAME")]


@users_app.command("add", cls=Command, help=t("help.users_add"))
def users_add(
    ctx: typer.Context,
    name: UserNameArg,
    unit: Annotated[
        str | None, typer.Option("--unit", help=t("help.user_unit"), metavar="UNIT")
    ] = None,
    coordinator: Annotated[
        bool, typer.Option("--coordinator", help=t("help.user_coordinator"))
    ] = False,
    fmt: TextFormatOpt = TextFormat.text,
) -> None:
    settings = settings_of(ctx)
    print_outcome(settings.ledger().add_user(name, unit=unit, coordinator=coordinator), fmt)


@users_app.command("remove", cls=Command, help=t("help.users_remove"))
def users_remove(
    ctx: typer.Context, name: UserNameArg, fmt: TextFormatOpt = TextFormat.text
) -> None:
    print_outcome(settings_of(ctx).ledger().remove_user(name), fmt)


@users_app.command("list", cls=Command, help=t("help.users_list"))
def users_list(ctx: typer.Context, fmt: TextFormatOpt = TextFormat.text) -> None:
    from lawtasks.readmodel import list_users

    users = list_users(settings_of(ctx).engine)
    if fmt is TextFormat.json:
        print_json({"users": [user.as_dict() for user in users]})
        return
    if not users:
        typer.echo(t("out.no_users"))
        return
    from rich.table import Table
    from rich.text import Text

    from lawtasks.render import printable

    table = Table(box=None, pad_edge=False, header_style="bold")
    for label in ("label.user", "label.lead_unit", "label.role", "label.may_change"):
        table.add_column(t(label))
    for user in users:
        role = t("role.coordinator") if user.coordinator else t("role.officer")
        table.add_row(
            Text(printable(user.name)),
            Text(printable(user.unit or "—")),
            role,
            str(user.items),
        )
    make_console().print(table)
