"""The 通报: what the office circulates after a reporting round, in the Word report's 公文
layout (docx_report), as Markdown, or as JSON.

`build_circular` computes its content from a plan's view and the last round's status, with
no ledger and no clock; `render_docx`, `render_markdown` and `as_dict` write it out:

    <number>                                    文号 (发文字号), when given: 桐法办〔2022〕5号
    关于<plan>推进情况的通报                    title
    各乡镇（街道）、县级各部门：                主送
    一、总体情况       counts by status with percentages of the plan's items: 已办结 (done,
                       and signed off where the plan asks for 销号), 待销号 apart, then
                       the other statuses
    二、进展滞后事项   red items (逾期未完成), then yellow (未达到序时进度): number, item and
                       lead unit
    三、报送情况       the last round: the units that reported late or not at all
    四、各单位预警情况 lead units ranked by red, then yellow items
    五、本期销号事项   items signed off since the period's start
    <office> / <date>  the signature
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from lawtasks.domain import Status, Warning
from lawtasks.exporters.content import long_date, shares
from lawtasks.i18n import get_language, join_list, labelled, t
from lawtasks.readmodel import JSON_SCHEMA_VERSION
from lawtasks.render import printable

if TYPE_CHECKING:
    from lawtasks.readmodel import ItemView, PlanView
    from lawtasks.services.rounds import RoundStatus

# The statuses counted after 已办结 and 待销号, in the order a 通报 names them.
_OTHER_STATUSES = (Status.IN_PROGRESS, Status.NOT_STARTED, Status.BLOCKED)


@dataclass(frozen=True)
class StatusCount:
    key: str  # done | awaiting | in_progress | not_started | blocked
    label: str
    count: int
    percent: int

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "count": self.count, "percent": self.percent}


@dataclass(frozen=True)
class CircularItem:
    id: str
    title: str
    lead_unit: str | None
    warning: str  # red | yellow, or green for a signed-off item
    progress: int
    due: date | None
    signed_off: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "lead_unit": self.lead_unit,
            "warning": self.warning,
            "progress": self.progress,
            "due": None if self.due is None else self.due.isoformat(),
            "signed_off": None if self.signed_off is None else self.signed_off.isoformat(),
        }


@dataclass(frozen=True)
class RoundSummary:
    period: str
    due: date
    late: tuple[str, ...]
    unreported: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "due": self.due.isoformat(),
            "late": list(self.late),
            "unreported": list(self.unreported),
        }


@dataclass(frozen=True)
class UnitRank:
    unit: str
    red: int
    yellow: int

    def as_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "red": self.red, "yellow": self.yellow}


@dataclass(frozen=True)
class Circular:
    slug: str
    plan: str
    today: date
    office: str
    total: int
    counts: tuple[StatusCount, ...]
    red: tuple[CircularItem, ...]
    yellow: tuple[CircularItem, ...]
    round: RoundSummary | None
    ranking: tuple[UnitRank, ...]
    signoff: bool  # whether the plan asks for 销号
    since: date
    signed_off: tuple[CircularItem, ...]
    number: str | None = None  # the 文号 the office gives it, printed above the title

    @property
    def title(self) -> str:
        return t("circular.title", plan=printable(self.plan))

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema": JSON_SCHEMA_VERSION,
            "plan": self.slug,
            "name": self.plan,
            "title": self.title,
            "today": self.today.isoformat(),
            "office": self.office,
            "number": self.number,
            "total": self.total,
            "counts": [count.as_dict() for count in self.counts],
            "red": [item.as_dict() for item in self.red],
            "yellow": [item.as_dict() for item in self.yellow],
            "round": None if self.round is None else self.round.as_dict(),
            "ranking": [rank.as_dict() for rank in self.ranking],
            "signoff": self.signoff,
            "since": self.since.isoformat(),
            "signed_off": [item.as_dict() for item in self.signed_off],
        }


def _entry(item: ItemView, signed_off: date | None = None) -> CircularItem:
    return CircularItem(
        item.id,
        item.title,
        item.lead_unit,
        item.warning.value,
        item.progress,
        item.due,
        signed_off,
    )


def build_circular(
    view: PlanView,
    status: RoundStatus | None,
    *,
    since: date | None,
    office: str,
    document_number: str | None = None,
) -> Circular:
    """The 通报 of `view` (the plan as of its day), with the last round's `status` (None: no
    round) and the items signed off from `since` (the plan's start when None) to the day."""
    items = view.items
    total = len(items)
    # Every status is counted, at 0 too, so that a program reads the same keys from every
    # 通报; 待销号 apart only where the plan asks for 销号 (elsewhere done is done).
    done = [item for item in items if item.status is Status.DONE]
    awaiting = sum(1 for item in done if item.signoff == "awaiting")
    tallies = [("done", t("circular.done"), len(done) - awaiting)]
    if view.signoff:
        tallies.append(("awaiting", t("circular.awaiting"), awaiting))
    tallies += [
        (state.value, state.label, sum(1 for item in items if item.status is state))
        for state in _OTHER_STATUSES
    ]
    percents = shares([number for _key, _label, number in tallies], total)
    counts = [
        StatusCount(key, label, number, share)
        for (key, label, number), share in zip(tallies, percents, strict=True)
    ]

    red = tuple(_entry(item) for item in items if item.warning is Warning.RED)
    yellow = tuple(_entry(item) for item in items if item.warning is Warning.YELLOW)

    ranks: dict[str, list[int]] = {}
    for item in items:
        if item.lead_unit and item.warning in (Warning.RED, Warning.YELLOW):
            tally = ranks.setdefault(item.lead_unit, [0, 0])
            tally[0 if item.warning is Warning.RED else 1] += 1
    ranking = tuple(
        UnitRank(unit, red_count, yellow_count)
        for unit, (red_count, yellow_count) in sorted(
            ranks.items(), key=lambda pair: (-pair[1][0], -pair[1][1], pair[0])
        )
    )

    summary = None
    if status is not None:
        summary = RoundSummary(
            status.period,
            status.due,
            tuple(answer.unit for answer in status.units if answer.state == "late"),
            tuple(status.unreported()),
        )

    start = since or view.start_date
    signed: list[CircularItem] = []
    for item in items:
        if item.signoff != "signed_off" or item.signed_off_at is None:
            continue
        day = item.signed_off_at.astimezone().date()
        if start <= day <= view.today:
            signed.append(_entry(item, day))

    return Circular(
        slug=view.slug,
        plan=view.name,
        today=view.today,
        office=office,
        total=total,
        counts=tuple(counts),
        red=red,
        yellow=yellow,
        round=summary,
        ranking=ranking,
        signoff=view.signoff,
        since=start,
        signed_off=tuple(signed),
        number=document_number,
    )


# -- the text, shared by Word and Markdown ----------------------------------------------------


def _comma() -> str:
    return "，" if get_language() == "zh" else ", "


def _stop() -> str:
    return "。" if get_language() == "zh" else "."


def _item_line(item: CircularItem) -> str:
    unit = printable(item.lead_unit or "") or t("circular.no_unit")
    return t("circular.lagging_item", id=item.id, title=printable(item.title), unit=unit)


def sections(circular: Circular) -> list[tuple[str, list[str]]]:
    """Each section's heading and its paragraphs, as printable text."""
    intro = t(
        "circular.intro",
        date=long_date(circular.today),
        plan=printable(circular.plan),
        total=circular.total,
    )
    counts = _comma().join(
        t("circular.count", label=count.label, number=count.count, percent=count.percent)
        for count in circular.counts
    )
    overall = [intro, counts + _stop()]

    lagging: list[str] = []
    for key, items in (("circular.red", circular.red), ("circular.yellow", circular.yellow)):
        if items:
            lagging.append(labelled(t(key), str(len(items))))
            lagging.extend(_item_line(item) for item in items)
    if not lagging:
        lagging.append(t("label.none"))

    rounds: list[str] = []
    found = circular.round
    if found is None:
        rounds.append(t("circular.no_round"))
    else:
        rounds.append(t("circular.round_line", period=found.period, due=long_date(found.due)))
        if found.late:
            late = join_list([printable(u) for u in found.late])
            rounds.append(t("circular.late_units", units=late))
        if found.unreported:
            names = join_list([printable(u) for u in found.unreported])
            rounds.append(t("circular.unreported_units", units=names))
        if not found.late and not found.unreported:
            rounds.append(t("circular.all_on_time"))

    ranking = [
        t("circular.unit_rank", unit=printable(rank.unit), red=rank.red, yellow=rank.yellow)
        for rank in circular.ranking
    ] or [t("label.none")]

    since = long_date(circular.since)
    if not circular.signoff:
        signed = [t("circular.signed_off_na")]
    elif circular.signed_off:
        signed = [t("circular.signed_intro", since=since, number=len(circular.signed_off))]
        signed.extend(_item_line(item) for item in circular.signed_off)
    else:
        signed = [t("circular.signed_none", since=since)]

    return [
        (t("circular.section_counts"), overall),
        (t("circular.section_lagging"), lagging),
        (t("circular.section_rounds"), rounds),
        (t("circular.section_units"), ranking),
        (t("circular.section_signed"), signed),
    ]


def render_markdown(circular: Circular) -> str:
    lines = [f"# {circular.title}", ""]
    if circular.number:
        lines += [printable(circular.number), ""]
    lines += [t("circular.to"), ""]
    for heading, paragraphs in sections(circular):
        lines += [f"## {heading}", ""]
        for paragraph in paragraphs:
            lines += [paragraph, ""]
    lines += [printable(circular.office), "", long_date(circular.today), ""]
    return "\n".join(lines)


def render_json(circular: Circular) -> str:
    return json.dumps(circular.as_dict(), ensure_ascii=False, indent=2) + "\n"


def render_docx(circular: Circular, *, issued_by: str = "") -> bytes:
    """The 通报 in 公文 layout: docx_report's page, faces, title block and signature."""
    from lawtasks.exporters.docx_report import (
        TABLE_PT,
        body_paragraph,
        flush_line,
        new_document,
        save_document,
        signature,
        title_block,
    )

    document = new_document(TABLE_PT)
    if circular.number:
        # GB/T 9704: the 发文字号 centred in the body face, one line above the title.
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        number = document.add_paragraph(printable(circular.number))
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        document.add_paragraph()
    title_block(document, circular.title, [])
    flush_line(document, t("circular.to"))
    for heading, paragraphs in sections(circular):
        document.add_heading(heading, level=1)
        for paragraph in paragraphs:
            body_paragraph(document, paragraph)
    signature(document, circular.office, circular.today)

    return save_document(
        document,
        circular.today,
        title=circular.title,
        subject=circular.slug,
        author=issued_by or circular.office,
    )


def default_name(circular: Circular, fmt: str) -> str:
    return f"{circular.slug}-{t('circular.file')}-{circular.today.isoformat()}.{fmt}"
