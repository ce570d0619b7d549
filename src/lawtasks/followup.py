"""Follow-up (督办): which items each lead unit is sent, reminded of, or reported on.

Pure functions over the plan as the read model shows it, so that the CLI, the TUI and the
exporters ask the same question and get the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from lawtasks.domain import Status, Warning, unit_key
from lawtasks.errors import DomainError
from lawtasks.i18n import join_list
from lawtasks.period import PERIOD_FIELDS, period_changes
from lawtasks.readmodel import ItemView, PlanView, TaskView

__all__ = [
    "PERIOD_FIELDS",
    "Notice",
    "UnitItems",
    "items_by_unit",
    "needs_reminder",
    "notices",
    "period_changes",
    "reminders",
    "unit_key",
]


@dataclass(frozen=True)
class UnitItems:
    """The items one lead unit leads, with their tasks, in plan order."""

    unit: str
    rows: tuple[tuple[TaskView, ItemView], ...]


def items_by_unit(view: PlanView, unit: str | None = None) -> tuple[list[UnitItems], list[str]]:
    """Each lead unit's items (only `unit`'s, when given), by unit name; and the IDs of the
    items that have no lead unit, which no unit is sent.

    A `unit` that leads nothing is an error naming the units there are: a typo must not look
    like a unit with nothing to report.
    """
    grouped: dict[str, list[tuple[TaskView, ItemView]]] = {}
    names: dict[str, str] = {}
    unassigned: list[str] = []
    for task in view.tasks:
        for item in task.items:
            if not item.lead_unit:
                unassigned.append(item.id)
                continue
            key = unit_key(item.lead_unit)
            names.setdefault(key, item.lead_unit)
            grouped.setdefault(key, []).append((task, item))
    if unit is not None:
        wanted = unit_key(unit)
        if wanted not in grouped:
            known = join_list(sorted(names.values())) or "—"
            raise DomainError("error.no_unit", value=unit, units=known)
        grouped = {wanted: grouped[wanted]}
    units = [UnitItems(names[key], tuple(rows)) for key, rows in grouped.items()]
    return sorted(units, key=lambda entry: entry.unit), unassigned


def needs_reminder(item: ItemView, horizon: date) -> bool:
    """Red or yellow, or due by `horizon` and not done: what a 催办 names."""
    due_soon = item.due is not None and item.due <= horizon and item.status is not Status.DONE
    return item.warning is not Warning.GREEN or due_soon


def reminders(view: PlanView, within: int) -> list[tuple[str | None, list[ItemView]]]:
    """Per lead unit (None: items with no lead unit), the items to remind it of, due within
    `within` days of the plan's today; units in name order, the unit-less last."""
    if within < 0:
        raise DomainError("error.within", value=within)
    # A window reaching past the calendar's last day is the whole future, not an overflow.
    left = (date.max - view.today).days
    horizon = date.max if within >= left else view.today + timedelta(days=within)
    by_unit: dict[str | None, list[ItemView]] = {}
    for item in view.items:
        if needs_reminder(item, horizon):
            by_unit.setdefault(item.lead_unit or None, []).append(item)
    named = sorted((unit, items) for unit, items in by_unit.items() if unit is not None)
    unnamed = [(None, by_unit[None])] if None in by_unit else []
    return [*named, *unnamed]


@dataclass(frozen=True)
class Notice:
    """One lead unit's 催办单: the items to remind it of (none when it is chased only for
    its report), and whether it has answered the open round (None: no round is open)."""

    unit: str
    items: tuple[ItemView, ...]
    reported: bool | None


def notices(
    found: list[tuple[str | None, list[ItemView]]],
    *,
    round_open: bool,
    unreported: list[str],
) -> list[Notice]:
    """The 催办单 to write, by unit name: each unit with items to remind it of (`found`, as
    `reminders` gives it; the unit-less items are the coordinator's, never a notice), and
    each unit that has not answered the open round, even with nothing red or yellow, as
    `remind` names it in text and JSON. `unreported` are the round's unit names."""
    owing = {unit_key(unit) for unit in unreported}
    by_unit: dict[str, Notice] = {}
    for unit, items in found:
        if unit is not None:
            reported = None if not round_open else unit_key(unit) not in owing
            by_unit[unit_key(unit)] = Notice(unit, tuple(items), reported)
    for unit in unreported if round_open else ():
        by_unit.setdefault(unit_key(unit), Notice(unit, (), False))
    return sorted(by_unit.values(), key=lambda notice: notice.unit)
