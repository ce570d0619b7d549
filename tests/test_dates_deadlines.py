"""Tests of `deadline_in`: the deadline a plan's running text names for its work."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lawtasks.dates import deadline_in, parse_date

YEAR = 2022


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("把习近平法治思想纳入学习计划，6月底前完成专题学习。", date(2022, 6, 30)),
        ("9月底前完成领导干部述法全覆盖。", date(2022, 9, 30)),
        ("年底前完成目录化管理。", date(2022, 12, 31)),
        ("年内实现执法监督平台全覆盖。", date(2022, 12, 31)),
        ("第三季度开展合法性审查质效评估。", date(2022, 9, 30)),
        ("上半年完成县级行政复议规范化建设。", date(2022, 6, 30)),
        ("2022年12月31日前完成年度任务。", date(2022, 12, 31)),
        ("11月中旬组织开展行政执法案卷评查。", date(2022, 11, 20)),
        ("4月上旬前召开全县法治政府建设工作会议。", date(2022, 4, 10)),
        ("2月下旬前报送。", date(2022, 2, 28)),
        ("10月之前出台实施意见。", date(2022, 10, 31)),
        ("12月31日以前报送年度报告。", date(2022, 12, 31)),
        ("今年底前建成。", date(2022, 12, 31)),
        ("6月内完成清理。", date(2022, 6, 30)),
        ("二〇二二年六月底前完成。", date(2022, 6, 30)),
        ("６月底前完成。", date(2022, 6, 30)),
        ("Q3完成评估。", date(2022, 9, 30)),
    ],
)
def test_deadlines_named_in_the_text(text: str, expected: date) -> None:
    assert deadline_in(text, year=YEAR) == expected


@pytest.mark.parametrize(
    "text",
    [
        # The past, told in a plan or a report.
        "2021年6月,我县完成执法监督平台建设。",
        "截至2021年底，已化解积案30件。",
        "2021年6月底前完成的试点经验做好总结推广。",
        "已于6月底前完成清理。",
        "去年底前完成的项目做好回访。",
        "自2022年1月1日起施行。",
        # Another year: a long-term aim, not this plan's deadline.
        "到2025年底前，基本建成法治政府。",
        "明年上半年完成评估。",
        # A bare date, month or year: unclear, so no deadline.
        "6月底，召开推进会。",
        "2022-06-30召开推进会。",
        "全年完成培训5次。",
        # Periods that only look like one, or narrate.
        "五年内基本建成。",
        "半年内办结。",
        "丰富普法工作内容。",
        "上半年，我县开展专项督察。",
        "上半年的工作总结。",
        "第三季度以来，案件数下降。",
        "做好6月前后的汛期准备。",
        "提高年底完成率。",
        "每月底前报送进度。",
        "兜底保障。",
        "",
    ],
)
def test_no_deadline(text: str) -> None:
    assert deadline_in(text, year=YEAR) is None


def test_of_several_deadlines_the_latest() -> None:
    text = "年底前全面完成，其中6月底前完成50%。"
    assert deadline_in(text, year=YEAR) == date(2022, 12, 31)
    assert deadline_in("6月底前完成初评，9月底前公布结果。", year=YEAR) == date(2022, 9, 30)


def test_anchored_to_the_plan_year() -> None:
    assert deadline_in("6月底前完成。", year=2023) == date(2023, 6, 30)
    assert deadline_in("2023年6月底前完成。", year=2023) == date(2023, 6, 30)
    assert deadline_in("2023年6月底前完成。", year=2022) is None


def test_the_date_is_parse_dates_reading_of_the_phrase() -> None:
    for phrase in ["6月底前", "11月中旬", "第三季度", "上半年", "年内", "2022年12月31日前"]:
        assert deadline_in(f"开展工作，{phrase}完成。", year=YEAR) == parse_date(phrase, year=YEAR)


_PROSE = st.text(alphabet="加强完善机制建设开展工作推进落实，。、", max_size=12)


@st.composite
def _deadline_phrases(draw: st.DrawFn) -> tuple[str, date]:
    """A deadline as plans write it, in the plan year, with the date it means."""
    month = draw(st.integers(1, 12))
    last = calendar.monthrange(YEAR, month)[1]
    day = draw(st.integers(1, last))
    year = draw(st.sampled_from(["", f"{YEAR}年"]))
    by_then = draw(st.sampled_from(["前", "以前", "之前", "前完成"]))
    kind = draw(st.sampled_from(["day", "month", "ten_days", "year", "quarter", "half"]))
    if kind == "day":
        return f"{year}{month}月{day}日{by_then}", date(YEAR, month, day)
    if kind == "month":
        return f"{year}{month}月底{by_then}", date(YEAR, month, last)
    if kind == "ten_days":
        part, meant = draw(st.sampled_from([("上", 10), ("中", 20), ("下", last)]))
        return f"{year}{month}月{part}旬{by_then}", date(YEAR, month, meant)
    if kind == "year":
        return f"{year or '今'}年底{by_then}", date(YEAR, 12, 31)
    quarter = draw(st.integers(1, 4))
    if kind == "quarter":
        return f"{year}第{'一二三四'[quarter - 1]}季度{by_then}", date(
            YEAR, quarter * 3, calendar.monthrange(YEAR, quarter * 3)[1]
        )
    return f"{year}上半年{by_then}", date(YEAR, 6, 30)


@given(_PROSE, _deadline_phrases(), _PROSE)
def test_a_deadline_inside_prose_is_found(
    before: str, phrase: tuple[str, date], after: str
) -> None:
    written, meant = phrase
    assert deadline_in(f"{before}{written}{after}", year=YEAR) == meant


@given(st.text(max_size=40))
def test_any_text_gives_no_deadline_or_one_in_the_plan_year(text: str) -> None:
    found = deadline_in(text, year=YEAR)
    assert found is None or found.year == YEAR
