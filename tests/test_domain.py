"""Values: IDs, progress, statuses, text and the officers' date forms."""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lawtasks.dates import parse_date
from lawtasks.domain import ItemRef, Status, TaskRef, clean_text, parse_progress, parse_ref
from lawtasks.errors import DomainError


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2", TaskRef(2)), ("2.3", ItemRef(2, 3)), (" 10.12 ", ItemRef(10, 12))],
)
def test_refs(text: str, expected: object) -> None:
    assert parse_ref(text) == expected


@pytest.mark.parametrize("text", ["0", "1.", ".1", "1.0", "", "a", "1.2.3", "-1", "１.１x"])
def test_bad_refs(text: str) -> None:
    with pytest.raises(DomainError, match="Invalid ID"):
        parse_ref(text)


@pytest.mark.parametrize(("text", "expected"), [("0", 0), ("100", 100), ("55%", 55), ("８０", 80)])
def test_progress(text: str, expected: int) -> None:
    assert parse_progress(text) == expected


@pytest.mark.parametrize("text", ["abc", "-1", "101", "50.5", "", "八十", "1e2"])
def test_bad_progress(text: str) -> None:
    with pytest.raises(DomainError, match="from 0 to 100"):
        parse_progress(text)


T = TypeVar("T")


def _outcome(parse: Callable[[str], T], text: str) -> T | DomainError:
    """What `parse` makes of `text`: its value, or the error it refuses the text with."""
    try:
        return parse(text)
    except DomainError as error:
        return error


def _number_form(digits: str, *, fullwidth: bool) -> str:
    """Digits as typed on a Chinese keyboard: ASCII, or full-width (０-９)."""
    return digits.translate(_FULLWIDTH) if fullwidth else digits


_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
# Progress as officers type it: 80, ８０, 080, +80, 80%, 80 ％, with spaces around.
_PROGRESS_FORMS = st.builds(
    lambda n, pad, fullwidth, plus, percent, space: (
        space + plus + _number_form(str(n).zfill(pad), fullwidth=fullwidth) + percent + space,
        n,
    ),
    st.integers(0, 100),
    st.integers(1, 3),
    st.booleans(),
    st.sampled_from(["", "+"]),
    st.sampled_from(["", "%", "％", " %"]),
    st.sampled_from(["", " ", "\u3000"]),
)
# Near misses, each refused: out of range, signed, a fraction, a word, a Chinese numeral.
_PROGRESS_REFUSED = st.one_of(
    st.integers(101, 999).map(str),
    st.integers(1, 100).map(lambda n: f"-{n}"),
    st.builds(lambda n, d: f"{n}.{d}", st.integers(0, 99), st.integers(1, 9)),
    st.sampled_from(["abc", "八十", "1e2", "50%%", "", "%", "++5"]),
)


@given(
    st.one_of(
        _PROGRESS_FORMS,
        _PROGRESS_REFUSED.map(lambda text: (text, -1)),
        st.text(max_size=20).map(lambda text: (text, None)),
    )
)
def test_progress_accepts_only_whole_numbers_in_range(case: tuple[str, int | None]) -> None:
    """A third of the inputs are valid forms, each read as its number; a third are near
    misses, each refused; the rest is any text, read as its own digits or refused."""
    text, expected = case
    if expected is not None and expected >= 0:
        assert parse_progress(text) == expected
        return
    if expected == -1:
        with pytest.raises(DomainError) as refused:
            parse_progress(text)
        assert refused.value.key == "error.progress"
        return
    value = _outcome(parse_progress, text)
    if isinstance(value, DomainError):
        assert value.key == "error.progress"
        return
    assert 0 <= value <= 100
    assert value == int(re.sub("[^0-9]", "", unicodedata.normalize("NFKC", text)))


def test_status_accepts_codes_and_labels() -> None:
    assert Status.parse("in-progress") is Status.IN_PROGRESS
    assert Status.parse("已完成") is Status.DONE
    assert Status.parse("Blocked") is Status.BLOCKED
    with pytest.raises(DomainError) as caught:
        Status.parse("finished")
    # The error names the Chinese words officers use, with each status's code.
    assert "已完成、完成、办结、已办结" in str(caught.value)
    assert "(not_started)" in str(caught.value)


@pytest.mark.parametrize(
    ("word", "status"),
    [("完成", Status.DONE), ("办结", Status.DONE), ("已办结", Status.DONE),
     ("推进中", Status.IN_PROGRESS), ("在办", Status.IN_PROGRESS),
     ("未启动", Status.NOT_STARTED), ("暂停", Status.BLOCKED), ("　完成 ", Status.DONE)],
)  # fmt: skip
def test_status_words_officers_use(word: str, status: Status) -> None:
    assert Status.parse(word) is status


@pytest.mark.parametrize(
    ("text", "expected"),
    [("6月底前", date(2022, 6, 30)), ("年底前", date(2022, 12, 31)),
     ("12月31日前", date(2022, 12, 31)), ("9月底前完成", date(2022, 9, 30)),
     ("2022年12月31日前", date(2022, 12, 31)), ("6月底以前", date(2022, 6, 30)),
     ("10月之前", date(2022, 10, 31)), ("11月中旬", date(2022, 11, 20)),
     ("3月上旬", date(2022, 3, 10)), ("2月下旬", date(2022, 2, 28)),
     ("年内", date(2022, 12, 31)), ("第三季度", date(2022, 9, 30))],
)  # fmt: skip
def test_deadlines_as_officers_write_them(text: str, expected: date) -> None:
    assert parse_date(text, year=2022) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("2022-02-30", "2022-02-30 does not exist: 2/2022 has 28 days."),
     ("4月31日", "4月31日 does not exist: 4/2022 has 30 days."),
     ("2023年2月29日前", "2023年2月29日前 does not exist: 2/2023 has 28 days.")],
)  # fmt: skip
def test_a_day_not_in_the_calendar_is_named_as_such(text: str, message: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_date(text, year=2022)
    assert caught.value.key == "error.no_such_day"
    assert str(caught.value) == message


def test_clean_text_keeps_lines_in_notes_and_folds_them_elsewhere() -> None:
    assert clean_text(" a\r\nb ", field="note", limit=10, multiline=True) == "a\nb"
    assert clean_text(" 县 \n 司法局 ", field="lead_unit", limit=10) == "县 司法局"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-06-30", date(2022, 6, 30)),
        ("2022/6/30", date(2022, 6, 30)),
        ("2022.6.30", date(2022, 6, 30)),
        ("2022年6月30日", date(2022, 6, 30)),
        ("６月３０日", date(2022, 6, 30)),
        ("6月底", date(2022, 6, 30)),
        ("2月底", date(2022, 2, 28)),
        ("十二月底", date(2022, 12, 31)),
        ("年底", date(2022, 12, 31)),
        ("2023年底", date(2023, 12, 31)),
        ("第三季度", date(2022, 9, 30)),
        ("一季度末", date(2022, 3, 31)),
        ("Q2", date(2022, 6, 30)),
        ("上半年", date(2022, 6, 30)),
        ("下半年", date(2022, 12, 31)),
    ],
)
def test_date_forms(text: str, expected: date) -> None:
    assert parse_date(text, year=2022) == expected


@pytest.mark.parametrize("text", ["明天", "13月底", "第五季度", "", "底", "2022", "前"])
def test_bad_dates(text: str) -> None:
    with pytest.raises(DomainError, match="Invalid date"):
        parse_date(text, year=2022)


PLAN_YEAR = 2022
_CN_DIGIT = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """1 to 31 in Chinese numerals (三, 十二, 二十一), as plans write months and days."""
    tens, units = divmod(n, 10)
    if tens == 0:
        return _CN_DIGIT[units]
    return ("" if tens == 1 else _CN_DIGIT[tens]) + "十" + (_CN_DIGIT[units] if units else "")


def _end_of(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@st.composite
def _date_forms(draw: st.DrawFn) -> tuple[str, date]:
    """One of the officers' date forms (see lawtasks.dates) with the date it means."""
    year = draw(st.integers(2000, 2099))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    written_year = draw(st.booleans())
    prefix = draw(st.sampled_from([f"{year}年", f"{year}"])) if written_year else ""
    meant = year if written_year else PLAN_YEAR

    def number(n: int) -> str:
        form = draw(st.sampled_from(["arabic", "fullwidth", "chinese"]))
        if form == "chinese":
            return _chinese(n)
        return _number_form(str(n), fullwidth=form == "fullwidth")

    kind = draw(st.sampled_from(["numeric", "day", "month", "year", "quarter", "half"]))
    if kind == "numeric":
        sep = draw(st.sampled_from("-/."))
        pad = draw(st.sampled_from([1, 2]))
        return f"{year}{sep}{str(month).zfill(pad)}{sep}{str(day).zfill(pad)}", date(
            year, month, day
        )
    if kind == "day":
        if written_year:
            prefix = f"{year}年"  # 2022 6月30日 would read as a year of 20226
        end = draw(st.sampled_from(["日", "号", ""]))
        return f"{prefix}{number(month)}月{number(day)}{end}", date(
            meant if written_year else PLAN_YEAR, month, day
        )
    if kind == "month":
        if written_year:
            prefix = f"{year}年"
        end = draw(st.sampled_from(["底", "末", "份", "前", "内", ""]))
        return f"{prefix}{number(month)}月{end}", _end_of(meant, month)
    if kind == "year":
        if written_year:
            end = draw(st.sampled_from(["底", "末", "年底", "年末", "年内", "全年"]))
            return f"{year}{end}", date(year, 12, 31)
        return draw(st.sampled_from(["年底", "年末", "年内", "全年"])), date(PLAN_YEAR, 12, 31)
    if kind == "quarter":
        quarter = draw(st.integers(1, 4))
        form = draw(
            st.sampled_from(
                [
                    f"第{_chinese(quarter)}季度",
                    f"{_chinese(quarter)}季度末",
                    f"{quarter}季度底",
                    f"Q{quarter}",
                    f"q{quarter}",
                ]
            )
        )
        return prefix + form, _end_of(meant, quarter * 3)
    half = draw(st.sampled_from(["上", "下"]))
    end = draw(st.sampled_from(["", "末", "底"]))
    return f"{prefix}{half}半年{end}", _end_of(meant, 6 if half == "上" else 12)


# Near misses, each refused: a day the month lacks, a 13th month, a fifth quarter, a bare
# 底 or year, a word.
_DATES_REFUSED = st.one_of(
    st.integers(2000, 2099).map(lambda year: f"{year}-02-30"),
    st.integers(13, 99).map(lambda month: f"{month}月底"),
    st.sampled_from(["第五季度", "Q5", "底", "末", "2022", "明天", "", "6月32日", "十三月"]),
)


@given(
    st.one_of(
        _date_forms(),
        _DATES_REFUSED.map(lambda text: (text, "refused")),
        st.text(max_size=12).map(lambda text: (text, None)),
    )
)
def test_dates_either_parse_or_raise_a_domain_error(case: tuple[str, date | str | None]) -> None:
    """A third of the inputs are valid forms, each read as the date it means; a third are
    near misses, each refused; the rest is any text: a date or the date error."""
    text, expected = case
    if isinstance(expected, date):
        assert parse_date(text, year=PLAN_YEAR) == expected
        return
    if expected == "refused":
        with pytest.raises(DomainError) as refused:
            parse_date(text, year=PLAN_YEAR)
        # A day past its month's end is named as such; anything else is no date.
        assert refused.value.key in ("error.date", "error.no_such_day")
        return
    value = _outcome(lambda text: parse_date(text, year=PLAN_YEAR), text)
    if isinstance(value, DomainError):
        assert value.key in ("error.date", "error.no_such_day")
        return
    # A date read from noise is still anchored: the plan year or a year written in the text.
    assert value.year == PLAN_YEAR or str(value.year) in unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize(
    ("text", "number"),
    [("3", 3), ("１２", 12), ("三", 3), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20),
     ("二十一", 21), ("九十九", 99), ("十十", None), ("零", None), ("abc", None), ("", None)],
)  # fmt: skip
def test_one_reading_of_chinese_numerals(text: str, number: int | None) -> None:
    from lawtasks.domain import chinese_number

    assert chinese_number(text) == number


def test_a_progress_note_is_written_with_the_languages_colon_and_read_with_either() -> None:
    from lawtasks import i18n
    from lawtasks.domain import progress_note, report_parts

    parts = {"done_so_far": "已完成初稿", "problems": "人手不足"}
    i18n.set_language("zh")
    assert progress_note(parts) == "进展情况：已完成初稿\n存在问题：人手不足"
    i18n.set_language("en")
    assert progress_note(parts) == "Done so far: 已完成初稿\nProblems: 人手不足"
    # Notes written before (进展情况:…) and in the other language read the same.
    older = "进展情况:已完成初稿\n存在问题:人手不足"
    english = "Done so far: 已完成初稿\nProblems:人手不足"
    assert report_parts(older) == report_parts(english) == parts
