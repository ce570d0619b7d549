"""Roll-ups and the 红黄绿灯 warning colours, at fixed dates."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from lawtasks.domain import Status, Warning, warning_for
from lawtasks.readmodel import ItemFilter, PlanView, filter_plan, load_plan
from lawtasks.services import Ledger

START = date(2022, 1, 1)


@pytest.mark.parametrize(
    ("status", "progress", "due", "today", "expected"),
    [
        # no due date: nothing to be late for
        (Status.NOT_STARTED, 0, None, date(2022, 12, 1), Warning.GREEN),
        # overdue and not done
        (Status.IN_PROGRESS, 90, date(2022, 6, 30), date(2022, 7, 1), Warning.RED),
        (Status.BLOCKED, 10, date(2022, 6, 30), date(2022, 7, 1), Warning.RED),
        # done is green even when the date has passed
        (Status.DONE, 100, date(2022, 6, 30), date(2022, 7, 1), Warning.GREEN),
        # due today and due in exactly 7 days: yellow; in 8 days and on schedule: green
        (Status.IN_PROGRESS, 99, date(2022, 6, 30), date(2022, 6, 30), Warning.YELLOW),
        (Status.IN_PROGRESS, 99, date(2022, 6, 30), date(2022, 6, 23), Warning.YELLOW),
        (Status.IN_PROGRESS, 99, date(2022, 6, 30), date(2022, 6, 22), Warning.GREEN),
        # 序时进度: half the time gone (1 Jan to 31 Dec, today 2 July); 40% done is within
        # the 10 points of tolerance, 39% is behind schedule
        (Status.IN_PROGRESS, 40, date(2022, 12, 31), date(2022, 7, 2), Warning.GREEN),
        (Status.IN_PROGRESS, 39, date(2022, 12, 31), date(2022, 7, 2), Warning.YELLOW),
        (Status.IN_PROGRESS, 60, date(2022, 12, 31), date(2022, 7, 2), Warning.GREEN),
        # untouched: green while less than a tenth of its time has gone, then yellow
        (Status.NOT_STARTED, 0, date(2022, 12, 31), date(2022, 1, 20), Warning.GREEN),
        (Status.NOT_STARTED, 0, date(2022, 12, 31), date(2022, 2, 7), Warning.YELLOW),
        (Status.NOT_STARTED, 0, date(2022, 12, 31), date(2023, 1, 1), Warning.RED),
        # before the plan starts nothing is behind
        (Status.NOT_STARTED, 0, date(2022, 12, 31), date(2021, 12, 1), Warning.GREEN),
    ],
)
def test_warning_colours(
    status: Status, progress: int, due: date | None, today: date, expected: Warning
) -> None:
    assert warning_for(status=status, progress=progress, due=due, start=START, today=today) is (
        expected
    )


@pytest.mark.parametrize(
    ("tolerance", "progress", "expected"),
    [
        # half the year gone: a plan tolerating 20 points keeps 30% green, 29% yellow
        (20, 30, Warning.GREEN),
        (20, 29, Warning.YELLOW),
        # no tolerance: anything behind the elapsed share is yellow
        (0, 49, Warning.YELLOW),
        (0, 50, Warning.GREEN),
        # the whole way: lagging never turns an item yellow, only nearing its due date
        (100, 0, Warning.GREEN),
    ],
)
def test_tolerance_is_the_lag_allowed_behind_elapsed_time(
    tolerance: int, progress: int, expected: Warning
) -> None:
    warning = warning_for(
        status=Status.IN_PROGRESS,
        progress=progress,
        due=date(2022, 12, 31),
        start=START,
        today=date(2022, 7, 2),  # 182 of 364 days: exactly half
        tolerance=tolerance,
    )
    assert warning is expected


def test_rollups_are_means_and_counts(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["1.1"], status="done")  # task 1: 100 and 0
    ledger.update(["2.1"], progress=30)  # task 2: 30, 0, 0
    ledger.update(["2.2"], status="blocked")
    view = load_plan(engine, slug=None, today=date(2022, 3, 1))

    task1, task2 = view.tasks[0], view.tasks[1]
    assert (task1.progress, task1.done, task1.total) == (50.0, 1, 2)
    assert (task2.progress, task2.done, task2.total) == (10.0, 0, 3)
    # 130 points over 18 items
    assert view.progress == round(130 / 18, 1)
    assert view.status_counts == {"not_started": 15, "in_progress": 1, "done": 1, "blocked": 1}
    # 1 March: 16 % of the year gone. 1.1 is done and 2.1 at 30 %: green; the other 16 (the
    # blocked 2.2 among them) lag by more than the 10 points of tolerance.
    assert view.warning_counts == {"red": 0, "yellow": 16, "green": 2}


def test_warning_counts_follow_due_dates(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["1.1"], due=date(2022, 3, 31))
    ledger.update(["1.2"], due=date(2022, 5, 5))
    ledger.update(["2"], due=date(2022, 12, 31), progress=10)
    view = load_plan(engine, slug=None, today=date(2022, 5, 1))
    warnings = {item.id: item.warning for item in view.items}
    assert warnings["1.1"] is Warning.RED
    assert warnings["1.2"] is Warning.YELLOW
    # a third of the year gone, 10% done: behind schedule
    assert warnings["2.1"] is Warning.YELLOW
    assert view.tasks[0].red == 1
    assert view.tasks[0].yellow == 1
    # and the 14 untouched items, due at the end of the year, lag a third of it by 33 points
    assert view.warning_counts == {"red": 1, "yellow": 17, "green": 0}


def test_filter_keeps_rollups_and_drops_empty_tasks(engine: Engine, ledger: Ledger) -> None:
    ledger.update(["3.1"], status="done")
    ledger.add_note("5.2", "物业纠纷专项调解")
    view = load_plan(engine, slug=None, today=date(2022, 5, 1))

    done = filter_plan(view, ItemFilter(statuses=frozenset({Status.DONE})))
    assert [item.id for item in done.items] == ["3.1"]
    assert [task.id for task in done.tasks] == [3]
    assert done.tasks[0].progress == 50.0
    assert done.progress == view.progress

    searched = filter_plan(view, ItemFilter(search="物业纠纷专项"))
    assert [item.id for item in searched.items] == ["5.2"]
    by_task = filter_plan(view, ItemFilter(tasks=frozenset({4})))
    assert [item.id for item in by_task.items] == ["4.1", "4.2", "4.3", "4.4"]


@pytest.mark.parametrize(
    ("title", "heading", "expected"),
    [
        (
            "桐庐县2021年度法治政府建设情况报告",
            "三、2022年主要工作任务",
            "桐庐县2022年主要工作任务",
        ),
        (
            "杭州市2023年法治政府建设工作要点",
            "杭州市2023年法治政府建设工作要点",
            "杭州市2023年法治政府建设工作要点",
        ),
        ("某某报告", "", "某某报告"),
        ("关于2023年工作的报告", "四、2024年工作思路", "2024年工作思路"),
    ],
)
def test_plan_name_comes_from_title_and_heading(title: str, heading: str, expected: str) -> None:
    view = PlanView(
        slug="x",
        title=title,
        year=2022,
        goal="",
        source_name="",
        published=None,
        start_date=START,
        today=START,
        tasks=(),
        heading=heading,
    )
    assert view.name == expected
