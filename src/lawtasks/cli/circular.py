"""The 通报: `lawtasks circular`, written by lawtasks.exporters.circular.

No `from __future__ import annotations`: typer reads each command's signature (see core).
"""

import sys
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import typer

from lawtasks.cli.core import (
    Command,
    PlanOpt,
    Settings,
    app,
    ledger_files,
    print_json,
    settings_of,
)
from lawtasks.cli.reading import AsOfOpt, _as_of, _view
from lawtasks.errors import DomainError
from lawtasks.i18n import t


class CircularFormat(StrEnum):
    docx = "docx"
    md = "md"
    json = "json"


def _last_round(settings: Settings, slug: str | None, day: date) -> tuple[Any, date | None]:
    """The status of the plan's last round opened on or before `day`, and the day it
    opened; (None, None) when there is none."""
    from sqlmodel import Session, col, select

    from lawtasks.models import ReportingRound
    from lawtasks.readmodel import resolve_plan
    from lawtasks.services.rounds import local_day, round_status

    engine = settings.engine
    with Session(engine) as session:
        plan = resolve_plan(session, slug)
        rounds = session.exec(
            select(ReportingRound)
            .where(ReportingRound.plan_id == plan.id)
            .order_by(col(ReportingRound.period).desc())
        ).all()
        found = next((row for row in rounds if local_day(row.opened_at) <= day), None)
        if found is None:
            return None, None
        period, opened = found.period, local_day(found.opened_at)
    return round_status(engine, plan.slug, period), opened


@app.command("circular", cls=Command, help=t("help.circular"))
def circular(
    ctx: typer.Context,
    fmt: Annotated[
        CircularFormat | None,
        typer.Option(
            "--format",
            "-f",
            help=t("help.circular_format"),
            metavar="docx|md|json",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help=t("help.output"), show_default=False, metavar="PATH"),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help=t("help.circular_since"), show_default=False, metavar="DATE"),
    ] = None,
    number: Annotated[
        str | None,
        typer.Option(
            "--number", help=t("help.circular_number"), show_default=False, metavar="TEXT"
        ),
    ] = None,
    as_of: AsOfOpt = None,
    plan: PlanOpt = None,
) -> None:
    from pathlib import Path

    from lawtasks.dates import parse_date
    from lawtasks.exporters.circular import (
        build_circular,
        default_name,
        render_docx,
        render_json,
        render_markdown,
    )
    from lawtasks.exporters.docx_report import office_name
    from lawtasks.exporters.files import output_format, output_path, write_atomically
    from lawtasks.history import check_period

    settings = settings_of(ctx)
    # -f, else the suffix of -o's file (通报.md), else Word.
    fmt = CircularFormat(
        output_format(
            None if fmt is None else fmt.value,
            output,
            [choice.value for choice in CircularFormat],
            default=CircularFormat.docx.value,
        )
    )
    slug = plan or settings.plan
    since_day = parse_date(since, year=settings.plan_year(slug)) if since else None
    # The 通报's day: checked before the ledger is rebuilt for it, so a typo costs no read.
    day = _as_of(settings, slug, as_of) if as_of is not None else settings.today
    if since_day is not None:
        # A period that starts after the 通报's day is a slip, refused as export refuses it.
        check_period(since_day, day)
    view = _view(settings, slug, as_of)
    status, opened = _last_round(settings, view.slug, view.today)
    if number is not None and not number.strip():
        raise DomainError("error.circular_number_empty")
    content = build_circular(
        view,
        status,
        since=since_day or opened,
        office=office_name(),
        document_number=number.strip() if number else None,
    )
    if fmt is CircularFormat.docx:
        data = render_docx(content, issued_by=settings.actor)
    else:
        if output is None and fmt is CircularFormat.json:
            # Printed as every command prints JSON: indented at a terminal, one line in a
            # pipe; a file (-o) is indented, as export's is.
            print_json(content.as_dict())
            return
        text = render_json(content) if fmt is CircularFormat.json else render_markdown(content)
        if output is None:
            sys.stdout.write(text)
            return
        data = text.encode("utf-8")
    name = default_name(content, fmt.value)
    path = output_path(output, name) if output else Path.cwd() / name
    written = write_atomically(path, data, keep=ledger_files(settings))
    typer.echo(t("out.circular", path=str(written)))
