"""The plan's progress day by day against the 序时 line, rebuilt from the audit trail
(lawtasks.trend), and what the dashboard shows beside it."""

from __future__ import annotations

from datetime import date, timedelta

from lawtasks.commands import ItemReturn
from lawtasks.domain import expected_progress
from lawtasks.history import load_plan_as_of
from lawtasks.trend import chart_points, load_dashboard, load_trend

from .test_history import SEEDED, Clocked, clocked, local  # noqa: F401  (clocked: a fixture)

START = date(2022, 1, 1)  # the seeded plan's start; its items are due at its end
END = date(2022, 12, 31)
DAYS = (date(2022, 4, 10), date(2022, 5, 20), date(2022, 6, 30), date(2022, 7, 15))
LAST = date(2022, 7, 31)


def share(day: date) -> float:
    """The share of the seeded plan's year gone by at the end of `day`, in percent."""
    return (day - START).days / (END - START).days * 100


def work(clocked: Clocked) -> None:  # noqa: F811
    """Changes on four days: progress, done, an undo, a due date and a milestone."""
    office = clocked.ledger("office")
    clocked.at(local(DAYS[0], 9))
    office.update(["2.1"], progress=30)
    clocked.at(local(DAYS[0], 23, 59))  # still that day
    office.update(["3.1"], progress=10)
    clocked.at(local(DAYS[1], 0, 1))
    office.update(["2.1"], status="done")
    office.update(["1.2"], progress=50)
    office.undo()  # 1.2 back to 0, the same day
    office.update(["1.1"], progress=20)
    clocked.at(local(DAYS[2], 10))
    office.update(["2.1"], status="in_progress", progress=80)
    office.update(["3.2"], due="2022-06-15")
    clocked.at(local(DAYS[3], 0, 10))
    office.update(["1.1", "1.2"], status="done")
    office.add_milestone("4.1", "2022-09-30", progress=90)


def test_the_series_has_the_exact_figures_of_each_day(clocked: Clocked) -> None:  # noqa: F811
    work(clocked)
    trend = load_trend(clocked.engine, slug=None, today=LAST)
    by_day = {point.day: point for point in trend.points}
    # One point a day, from the plan's start to the day asked for.
    assert trend.points[0].day == START
    assert trend.points[-1].day == LAST
    assert len(trend.points) == (LAST - START).days + 1
    assert [point.day for point in trend.points] == sorted(by_day)
    assert trend.change_days == DAYS
    # 18 items: the mean of their progress, one decimal.
    actual = {
        SEEDED: 0.0,  # the import: nothing done
        DAYS[0] - timedelta(days=1): 0.0,
        DAYS[0]: round((30 + 10) / 18, 1),  # 2.2, with the change a minute before midnight
        DAYS[1]: round((100 + 10 + 20) / 18, 1),  # 7.2: 2.1 done, 1.2's 50 undone
        DAYS[2]: round((80 + 10 + 20) / 18, 1),  # 6.1
        DAYS[3]: round((80 + 10 + 100 + 100) / 18, 1),  # 16.1
        LAST: round(290 / 18, 1),
    }
    assert {day: by_day[day].actual for day in actual} == actual
    assert [by_day[day].actual for day in actual] == [0.0, 0.0, 2.2, 7.2, 6.1, 16.1, 16.1]
    # Before the import the plan is shown as the import left it: its 18 items, due at its end.
    assert by_day[date(2022, 2, 1)] == (date(2022, 2, 1), 0.0, round(share(date(2022, 2, 1)), 1))
    assert by_day[date(2022, 2, 1)].expected == 8.5
    # 序时进度: the share of the year gone by while every item is due at the plan's end…
    for day in (START, SEEDED, DAYS[0], DAYS[1]):
        assert by_day[day].expected == round(share(day), 1)
    assert by_day[DAYS[0]].expected == 27.2
    # …then 3.2 is due on 15 June (100 % from then on), and 4.1 has 90 % by 30 September.
    assert by_day[DAYS[2]].expected == round((17 * share(DAYS[2]) + 100) / 18, 1) == 52.3
    milestone = expected_progress(
        start=START, due=END, today=DAYS[3], milestones=[(date(2022, 9, 30), 90)]
    )
    assert by_day[DAYS[3]].expected == round((16 * share(DAYS[3]) + 100 + milestone) / 18, 1)
    # Per task: task 2 has three items, task 1 two.
    task1, task2 = trend.tasks[0], trend.tasks[1]
    assert (task1.id, task2.id) == (1, 2)
    task2_by_day = {point.day: point.actual for point in task2.points}
    assert [task2_by_day[day] for day in DAYS] == [10.0, 33.3, 26.7, 26.7]
    task1_by_day = {point.day: point.actual for point in task1.points}
    assert [task1_by_day[day] for day in DAYS] == [0.0, 10.0, 10.0, 100.0]
    assert {point.day: point.expected for point in task1.points}[DAYS[0]] == 27.2
    # The points of the days progress changed on, and the last day.
    assert [point.day for point in trend.change_points] == [*DAYS, LAST]
    assert chart_points(trend)[-1] == (LAST, 16.1, by_day[LAST].expected)


def test_each_day_agrees_with_the_ledger_rebuilt_as_of_that_day(
    clocked: Clocked,  # noqa: F811
) -> None:
    work(clocked)
    clocked.at(local(date(2022, 7, 20), 9))
    clocked.ledger("office").undo()  # the milestone, days after it was added
    trend = load_trend(clocked.engine, slug=None, today=LAST)
    by_day = {point.day: point for point in trend.points}
    days = [SEEDED + timedelta(days=n) for n in range(0, (LAST - SEEDED).days + 1, 3)]
    for day in [*days, *DAYS, date(2022, 7, 20)]:
        view = load_plan_as_of(clocked.engine, slug=None, day=day)
        assert by_day[day].actual == view.progress, day
        expected = [
            expected_progress(
                start=view.start_date,
                due=item.due or END,
                today=day,
                milestones=[(m.due, m.progress) for m in item.milestones],
            )
            for item in view.items
        ]
        assert by_day[day].expected == round(sum(expected) / len(expected), 1), day
        for task, task_trend in zip(view.tasks, trend.tasks, strict=True):
            point = next(p for p in task_trend.points if p.day == day)
            assert point.actual == task.progress, (day, task.id)


def test_a_series_as_of_a_past_day_ignores_what_came_after(
    clocked: Clocked,  # noqa: F811
) -> None:
    work(clocked)
    earlier = load_trend(clocked.engine, slug=None, today=DAYS[1], as_of=True)
    later = load_trend(clocked.engine, slug=None, today=LAST)
    assert earlier.points == later.points[: len(earlier.points)]
    assert earlier.change_days == DAYS[:2]
    assert earlier.latest is not None
    assert earlier.latest.actual == 7.2


def test_a_series_to_a_past_day_of_the_ledger_now_ends_where_its_figures_stand(
    clocked: Clocked,  # noqa: F811
) -> None:
    """A report made with --today for a past day shows the items as they are now: its chart
    ends at the same figure, the changes made since counting on that day."""
    from lawtasks.readmodel import load_plan

    work(clocked)
    now = load_trend(clocked.engine, slug=None, today=DAYS[1])
    as_it_stood = load_trend(clocked.engine, slug=None, today=DAYS[1], as_of=True)
    view = load_plan(clocked.engine, slug=None, today=DAYS[1])
    assert now.latest is not None
    assert round(now.latest.actual, 1) == round(view.progress, 1) != 7.2
    # The days before are the same either way.
    assert now.points[:-1] == as_it_stood.points[:-1]


def test_the_dashboard_ranks_units_and_lists_the_red(clocked: Clocked) -> None:  # noqa: F811
    office = clocked.ledger("office")
    office.add_user("office", unit="法治办", coordinator=True)
    office.update(["2.1", "2.2"], lead_unit="县司法局", due="2022-05-31")
    office.update(["3.1"], lead_unit="县公安局", due="2022-06-10")
    office.update(["3.2"], lead_unit="县财政局", due="2022-05-01")
    office.update(["4.1"], lead_unit="县公安局", due="2022-07-05")
    clocked.at(local(date(2022, 6, 1), 9))
    office.open_round("2022-06")
    clocked.at(local(date(2022, 6, 10), 9))
    office.apply_returns([ItemReturn(ref="2.1", progress=40, for_unit="县司法局")])
    clocked.at(local(date(2022, 6, 28), 9))
    office.apply_returns([ItemReturn(ref="3.1", progress=20, for_unit="县公安局")])
    dashboard = load_dashboard(clocked.engine, slug=None, today=date(2022, 6, 30))
    # On 30 June: 县司法局's 2.1 and 2.2 overdue; 县财政局's 3.2 overdue; 县公安局's 3.1
    # overdue, 4.1 due within the week. 县公安局 answered the round after its 25th.
    ranked = [(rank.unit, rank.red, rank.yellow) for rank in dashboard.ranking]
    assert ranked == [("县司法局", 2, 0), ("县公安局", 1, 1), ("县财政局", 1, 0)]
    assert [item.id for item in dashboard.red] == ["2.1", "2.2", "3.1", "3.2"]
    assert dashboard.round is not None
    assert dashboard.round.period == "2022-06"
    # Not reported first, then late, then on time.
    assert dashboard.reporting == [
        ("县财政局", "unreported"),
        ("县公安局", "late"),
        ("县司法局", "reported"),
    ]
    assert dashboard.trend.latest is not None
    assert dashboard.trend.latest.actual == dashboard.view.progress


def test_the_series_stops_at_the_end_of_the_period_or_the_last_change(
    clocked: Clocked,  # noqa: F811
) -> None:
    work(clocked)
    # As of a day far off: the year of the plan, not every day until then.
    far = load_trend(clocked.engine, slug=None, today=date(9999, 12, 31))
    assert far.points[-1].day == END
    assert far.points[-1].expected == 100.0
    assert far.points == load_trend(clocked.engine, slug=None, today=END).points
    # A change after the period's end extends it to that day.
    clocked.at(local(date(2023, 1, 20), 9))
    clocked.ledger("office").update(["5.1"], progress=40)
    later = load_trend(clocked.engine, slug=None, today=date(2023, 6, 30))
    assert later.points[-1].day == date(2023, 1, 20)
    assert later.points[-1].actual == round((290 + 40) / 18, 1)


def test_a_plan_no_one_has_changed_yet(clocked: Clocked) -> None:  # noqa: F811
    trend = load_trend(clocked.engine, slug=None, today=date(2022, 2, 1))
    assert trend.change_days == ()
    assert trend.points[0] == (START, 0.0, 0.0)
    assert trend.points[-1] == (date(2022, 2, 1), 0.0, round(share(date(2022, 2, 1)), 1))
    assert all(task.points[-1].actual == 0.0 for task in trend.tasks)
