"""What a period report says: the changes it lists, and how the plan moved in the period.

Pure functions over the views the read model builds (the plan as of two days, the trail of
the period between them), below the exporters that lay them out and the front ends that
ask for them (lawtasks.history loads the views): one rule for the CLI and the TUI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lawtasks.domain import Status, Warning, unit_key
from lawtasks.readmodel import EventView, ItemView, PlanView

# What a period report lists of the trail: what moved (status, progress) and what was said.
PERIOD_FIELDS = frozenset({"status", "progress", "note"})


def period_changes(events: Iterable[EventView], view: PlanView) -> tuple[EventView, ...]:
    """The events a period report lists: changes to status, progress and notes, of the
    tasks and items `view` shows (a filtered report lists its own items' changes only)."""
    shown = {item.id for item in view.items} | {str(task.id) for task in view.tasks}
    return tuple(event for event in events if event.field in PERIOD_FIELDS and event.ref in shown)


# How many items (or units) a report names in a sentence before `and N more`; the JSON and
# the xlsx list them all.
NAMED = 10


@dataclass(frozen=True)
class ProgressMove:
    """An item whose progress moved in a period: from what, to what."""

    item: ItemView  # as it stands at the period's end
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before

    def as_dict(self) -> dict[str, object]:
        return {"id": self.item.id, "from": self.before, "to": self.after}


@dataclass(frozen=True)
class PeriodSummary:
    """What changed in a period, in the terms a report opens with: the items newly done,
    newly red and newly yellow, the progress that moved (biggest first) and the lead units
    that reported nothing, comparing the plan as of the day before `since` with the plan as
    of `as_of`."""

    since: date
    as_of: date
    newly_done: tuple[ItemView, ...]
    newly_red: tuple[ItemView, ...]
    newly_yellow: tuple[ItemView, ...]
    progress: tuple[ProgressMove, ...]
    silent_units: tuple[str, ...]
    # How many lead units the items have: with none, who reported is no question.
    units: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "since": self.since.isoformat(),
            "as_of": self.as_of.isoformat(),
            "newly_done": [item.id for item in self.newly_done],
            "newly_red": [item.id for item in self.newly_red],
            "newly_yellow": [item.id for item in self.newly_yellow],
            "progress": [move.as_dict() for move in self.progress],
            "silent_units": list(self.silent_units),
            "units": self.units,
        }


def period_summary(
    before: PlanView, after: PlanView, events: Iterable[EventView], *, since: date
) -> PeriodSummary:
    """How the items `after` shows moved since `before` (the same items, as they were at the
    end of the day before `since`; an item absent there is taken as imported: not started,
    at 0 %, never warned), and which of their lead units no event of `events` (the trail of
    the period: any change or note) touched.

    Newly red: red now, not red before. Newly yellow: yellow now, green before (an item
    that went from red to yellow is not news of the same kind). Progress moved: every item
    whose progress differs, the biggest move first, in plan order among equals.
    """
    was = {item.id: item for item in before.items}
    done: list[ItemView] = []
    red: list[ItemView] = []
    yellow: list[ItemView] = []
    moves: list[ProgressMove] = []
    for item in after.items:
        old = was.get(item.id)
        old_warning = old.warning if old is not None else Warning.GREEN
        if item.status is Status.DONE and (old is None or old.status is not Status.DONE):
            done.append(item)
        if item.warning is Warning.RED and old_warning is not Warning.RED:
            red.append(item)
        if item.warning is Warning.YELLOW and old_warning is Warning.GREEN:
            yellow.append(item)
        old_progress = old.progress if old is not None else 0
        if item.progress != old_progress:
            moves.append(ProgressMove(item, old_progress, item.progress))
    order = {item.id: index for index, item in enumerate(after.items)}
    moves.sort(key=lambda move: (-abs(move.delta), order[move.item.id]))
    return PeriodSummary(
        since=since,
        as_of=after.today,
        newly_done=tuple(done),
        newly_red=tuple(red),
        newly_yellow=tuple(yellow),
        progress=tuple(moves),
        silent_units=silent_units(after, events),
        units=len({unit_key(unit) for item in after.items if (unit := item.lead_unit)}),
    )


def silent_units(view: PlanView, events: Iterable[EventView]) -> tuple[str, ...]:
    """The lead units of the items `view` shows that no event touched: no change to one of
    their items, no note on one of them or on a task they lead. By name."""
    unit_of = {item.id: item.lead_unit for item in view.items}
    unit_of |= {str(task.id): task.lead_unit for task in view.tasks}
    names = {unit_key(unit): unit for item in view.items if (unit := item.lead_unit)}
    heard = {unit_key(unit) for event in events if (unit := unit_of.get(event.ref or ""))}
    return tuple(sorted(name for key, name in names.items() if key not in heard))
