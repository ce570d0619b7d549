"""How a plan got where it is: its progress day by day against the 序时 line, rebuilt from
the audit trail, and what the dashboard shows beside it.

`load_trend` reads the plan's rows as they are and walks its trail backwards once, newest
event first, as lawtasks.history does for one day (and with its helpers): each event takes
back its field's `old`, and before stepping over the end of a day the state is taken down
as that day's. So a year of days costs one pass over the events, not a rebuild per day.

A day's figures are those of the end of the day on this machine's clock (the day `--as-of`
shows):

- actual (实际进度): the mean progress of the plan's items, as the header's overall
  progress and `summary` give it, one decimal;
- expected (序时进度): the mean of the items' expected progress that day
  (domain.expected_progress: the share of the time from the plan's start to the item's due
  date gone by, following its milestones where it has them; an item without a due date of
  its own is due at the end of the plan's period). For a plan whose items have no deadlines
  or milestones of their own, this is the share of the plan's period gone by.

The series runs from the plan's start (or its import, when that came first) to the day asked
for, or to the end of the plan's period or its last change when both came before it. Before
its import a plan is shown as the import left it, and items a later import added are left
out before that import, as history does.

`load_dashboard` adds what the dashboard shows beside the chart: the lead units ranked by
red and yellow items (the 通报's ranking, lawtasks.exporters.circular), each unit's answer
to the current reporting round, and the red list.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from lawtasks.domain import expected_progress, period_end, trail_value

if TYPE_CHECKING:
    from types import SimpleNamespace

    from sqlalchemy import Engine

    from lawtasks.exporters import ExportRequest
    from lawtasks.exporters.circular import CircularItem, UnitRank
    from lawtasks.readmodel import PlanView
    from lawtasks.services.rounds import RoundStatus


class TrendPoint(NamedTuple):
    """A day's figures: the plan's (or a task's) mean progress and its 序时进度, in percent."""

    day: date
    actual: float
    expected: float


@dataclass(frozen=True)
class TaskTrend:
    id: int  # the task's number in the plan
    numeral: str
    title: str
    points: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class Trend:
    """A plan's progress day by day, overall and per task, and the days it changed on."""

    slug: str
    start: date  # the plan's start
    end: date  # the end of its period
    points: tuple[TrendPoint, ...]
    tasks: tuple[TaskTrend, ...]
    # The days on which some item's progress changed, oldest first.
    change_days: tuple[date, ...]

    @property
    def change_points(self) -> tuple[TrendPoint, ...]:
        """The overall points of the days progress changed on, and the last day."""
        days = set(self.change_days)
        chosen = [point for point in self.points if point.day in days]
        if self.points and (not chosen or chosen[-1] != self.points[-1]):
            chosen.append(self.points[-1])
        return tuple(chosen)

    @property
    def latest(self) -> TrendPoint | None:
        return self.points[-1] if self.points else None


# -- the state walked back, day by day ------------------------------------------------------


@dataclass
class _State:
    """The plan's items as they stood at some point of the walk back through the trail."""

    start: date
    year: int
    end_date: date | None
    items: dict[int, SimpleNamespace]  # item id -> row (task_id, progress, due)
    milestones: dict[int, list[tuple[date, int | None]]]  # item id -> (day, figure)
    tasks: dict[int, SimpleNamespace]  # task id -> row
    shown_tasks: list[int]  # the tasks there were (a later import's left out before it)
    # The days some item's progress changed on.
    changed: set[date] = field(default_factory=set)

    def period_end(self) -> date:
        return period_end(self.year, self.end_date)

    def groups(self) -> Counter[tuple[int, date, tuple[tuple[date, int | None], ...]]]:
        """The items by (task, due date, milestones): the 序时进度 of a group is one figure,
        so a day costs one computation per group, not per item."""
        plan_end = self.period_end()
        return Counter(
            (row.task_id, row.due or plan_end, tuple(sorted(self.milestones.get(item_id, ()))))
            for item_id, row in self.items.items()
        )

    def tallies(self) -> dict[int, list[int]]:
        """Each task's sum of progress and number of items."""
        tallies: dict[int, list[int]] = {task_id: [0, 0] for task_id in self.shown_tasks}
        for row in self.items.values():
            tally = tallies.setdefault(row.task_id, [0, 0])
            tally[0] += row.progress
            tally[1] += 1
        return tallies

    def take_back(self, event: Any, tallies: dict[int, list[int]]) -> bool:
        """Undo `event` on the state (its field back to `old`), keeping `tallies` in step
        with a progress change; True when the groups and tallies must be counted again."""
        from lawtasks.audit import MILESTONE_FIELD, parse_milestone_value
        from lawtasks.history import _ADDED, _before_import

        if event.action == "import":
            match = _ADDED.search(event.new or "")
            if not match:
                return False
            tasks, items = _before_import(
                [self.tasks[task_id] for task_id in self.shown_tasks],
                list(self.items.values()),
                int(match.group(1)),
            )
            self.shown_tasks = [task.id for task in tasks]
            self.items = {row.id: row for row in items}
            return True
        if event.field == "end_date":
            if event.item_id is None and event.task_id is None:
                self.end_date = trail_value("end_date", event.old)  # type: ignore[assignment]
                return True
            return False
        row = self.items.get(event.item_id)
        if row is None:
            return False
        if event.field == "progress":
            before = trail_value("progress", event.old)
            assert isinstance(before, int)
            tallies[row.task_id][0] += before - row.progress
            row.progress = before
            self.changed.add(_day(event))
            return False
        if event.field == "due":
            row.due = trail_value("due", event.old)
            return True
        if event.field == MILESTONE_FIELD:
            standing = self.milestones.setdefault(event.item_id, [])
            if event.new is not None:
                day, figure, _ = parse_milestone_value(event.new)
                if (day, figure) in standing:
                    standing.remove((day, figure))
            if event.old is not None:
                day, figure, _ = parse_milestone_value(event.old)
                standing.append((day, figure))
            return True
        return False


def _figures(
    state: _State,
    groups: Counter[tuple[int, date, tuple[tuple[date, int | None], ...]]],
    progress: dict[int, list[int]],
    day: date,
) -> tuple[TrendPoint, dict[int, TrendPoint]]:
    """The plan's and each task's point on `day`, from the state at the end of it."""
    expected: dict[int, float] = dict.fromkeys(progress, 0.0)
    for (task_id, due, marks), count in groups.items():
        figure = expected_progress(start=state.start, due=due, today=day, milestones=marks)
        expected[task_id] = expected.get(task_id, 0.0) + figure * count
    tasks = {
        task_id: TrendPoint(day, _mean(total, count), _mean(expected[task_id], count))
        for task_id, (total, count) in progress.items()
    }
    total = sum(tally[0] for tally in progress.values())
    count = sum(tally[1] for tally in progress.values())
    overall = TrendPoint(day, _mean(total, count), _mean(sum(expected.values()), count))
    return overall, tasks


def _mean(total: float, count: int) -> float:
    return round(total / count, 1) if count else 0.0


def load_trend(engine: Engine, *, slug: str | None, today: date, as_of: bool = False) -> Trend:
    """The plan `slug` (None: the plan in use) day by day up to `today`: see the module.

    A change made after `today` counts on `today`, as the ledger is shown on that day (a
    report made with --today for a past day shows the items as they are now): the series
    ends where the report's figures stand. With `as_of` the ledger is shown as it stood at
    the end of `today` (history), and such a change is left out, as it is there."""
    plan, tasks, state, created, events = _read(engine, slug)
    imported_day = next((_day(event) for event in events if event.id == created), None)
    # Past the end of the plan's period and its last change nothing moves but the calendar:
    # the series stops there (a report as of 9999-12-31 is not three million days long).
    changed = [_day(event) for event in events[:1] if event.id != created]
    last = min(today, max([period_end(plan.year, plan.end_date), *changed]))
    first = min(plan.start_date, imported_day or plan.start_date, last)
    overall: list[TrendPoint] = []
    per_task: dict[int, list[TrendPoint]] = {task.id: [] for task in tasks}
    groups, tallies = state.groups(), state.tallies()
    position = 0
    day = last
    while day >= first:
        # Take back every event made after the end of `day`.
        dirty = False
        while position < len(events) and _on(events[position], last, as_of=as_of) > day:
            event = events[position]
            position += 1
            if event.id != created:  # the import that made the plan stands for the days before
                dirty = state.take_back(event, tallies) or dirty
        if dirty:
            groups, tallies = state.groups(), state.tallies()
        point, task_points = _figures(state, groups, tallies, day)
        overall.append(point)
        for task_id, task_point in task_points.items():
            per_task.setdefault(task_id, []).append(task_point)
        day -= timedelta(days=1)
    overall.reverse()
    task_trends = []
    for task in sorted(tasks, key=lambda row: row.seq):
        # A task a later import added has points only from that import on.
        points = tuple(reversed(per_task.get(task.id, [])))
        task_trends.append(TaskTrend(task.seq, task.numeral, task.title, points))
    return Trend(
        slug=plan.slug,
        start=plan.start_date,
        end=period_end(plan.year, plan.end_date),
        points=tuple(overall),
        tasks=tuple(task_trends),
        change_days=tuple(sorted(day for day in state.changed if first <= day <= last)),
    )


def _on(event: Any, last: date, *, as_of: bool) -> date:
    """The day an event moves the series on: its own, or the series' last day for one made
    later, unless the series is of the ledger as it stood (`as_of`)."""
    day = _day(event)
    return day if as_of else min(day, last)


def _day(event: Any) -> date:
    """The day an event was made on this machine's calendar."""
    day: date = event.at.astimezone().date()
    return day


def _read(
    engine: Engine, slug: str | None
) -> tuple[SimpleNamespace, list[SimpleNamespace], _State, int | None, list[Any]]:
    """The plan, its tasks, its items' state now, the id of the import that made it, and
    the events that move a day's figures, newest first."""
    from sqlalchemy import func, select
    from sqlmodel import Session, col

    from lawtasks.audit import MILESTONE_FIELD
    from lawtasks.history import _rows
    from lawtasks.models import Event, Item, Milestone, Plan, Task
    from lawtasks.readmodel import resolve_plan

    with Session(engine) as session:
        connection = session.connection()
        plan_id = resolve_plan(session, slug).id
        (plan,) = _rows(connection, select(Plan.__table__).where(col(Plan.id) == plan_id))  # type: ignore[attr-defined]
        tasks = _rows(connection, select(Task.__table__).where(col(Task.plan_id) == plan_id))  # type: ignore[attr-defined]
        task_ids = select(col(Task.id)).where(col(Task.plan_id) == plan_id)
        items = _rows(
            connection,
            select(col(Item.id), col(Item.task_id), col(Item.progress), col(Item.due)).where(
                col(Item.task_id).in_(task_ids)
            ),
        )
        marks = connection.execute(
            select(col(Milestone.item_id), col(Milestone.due), col(Milestone.progress)).where(
                col(Milestone.item_id).in_(
                    select(col(Item.id)).where(col(Item.task_id).in_(task_ids))
                )
            )
        )
        milestones: dict[int, list[tuple[date, int | None]]] = {}
        for item_id, due, figure in marks:
            milestones.setdefault(item_id, []).append((due, figure))
        created = connection.execute(
            select(func.min(Event.id)).where(
                col(Event.plan_id) == plan_id, col(Event.action) == "import"
            )
        ).scalar()
        events = list(
            connection.execute(
                select(
                    col(Event.id), col(Event.at), col(Event.item_id), col(Event.task_id),
                    col(Event.action), col(Event.field), col(Event.old), col(Event.new),
                )
                .where(col(Event.plan_id) == plan_id)
                .where(
                    (col(Event.action) == "import")
                    | col(Event.field).in_(("progress", "due", "end_date", MILESTONE_FIELD))
                )
                .order_by(col(Event.id).desc())
            )
        )  # fmt: skip
    state = _State(
        start=plan.start_date,
        year=plan.year,
        end_date=plan.end_date,
        items={row.id: row for row in items},
        milestones=milestones,
        tasks={task.id: task for task in tasks},
        shown_tasks=[task.id for task in tasks],
    )
    return plan, tasks, state, created, events


def chart_points(trend: Trend) -> tuple[tuple[date, float, float], ...]:
    """The overall series as plain (day, actual, expected) tuples, as an export carries it."""
    return tuple((point.day, point.actual, point.expected) for point in trend.points)


# The formats that draw the progress chart.
CHART_FORMATS = ("docx", "xlsx")


def with_progress(
    engine: Engine, request: ExportRequest, fmt: str, *, as_of: bool = False
) -> ExportRequest:
    """`request` with its plan's progress day by day up to the day of its view, for a
    format that draws it (the Word report, the xlsx); any other as it is, the trail unread.
    The chart is the whole plan's, as the report's overall figures are, filtered or not;
    `as_of` when the view is the ledger as it stood at the end of its day (--as-of)."""
    if fmt not in CHART_FORMATS:
        return request
    trend = load_trend(engine, slug=request.view.slug, today=request.view.today, as_of=as_of)
    return replace(request, progress=chart_points(trend))


# -- the dashboard --------------------------------------------------------------------------

# The order a round's answers are ranked in: who has not reported first.
_REPORTING_ORDER = {"unreported": 0, "late": 1, "reported": 2}


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard shows: the plan, its trend, the units ranked by red and yellow
    items and by their answer to the current round (None: the plan has no round), and the
    red list."""

    view: PlanView
    trend: Trend
    ranking: tuple[UnitRank, ...]
    round: RoundStatus | None
    red: tuple[CircularItem, ...]

    @property
    def reporting(self) -> list[tuple[str, str]]:
        """Each lead unit and its answer to the round (reported | late | unreported), those
        that have not reported first, then the late ones."""
        if self.round is None:
            return []
        answers = sorted(
            self.round.units, key=lambda answer: (_REPORTING_ORDER[answer.state], answer.unit)
        )
        return [(answer.unit, answer.state) for answer in answers]


def load_dashboard(engine: Engine, *, slug: str | None, today: date) -> Dashboard:
    """The dashboard of plan `slug` (None: the plan in use) on `today`."""
    from lawtasks.exporters.circular import build_circular
    from lawtasks.readmodel import load_plan
    from lawtasks.services.rounds import round_status

    view = load_plan(engine, slug=slug, today=today)
    trend = load_trend(engine, slug=view.slug, today=today)
    status = round_status(engine, view.slug)
    circular = build_circular(view, status, since=None, office="")
    return Dashboard(view, trend, circular.ranking, status, circular.red)
