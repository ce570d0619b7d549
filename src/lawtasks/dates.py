"""Dates as officers write them, anchored to the plan year.

Besides ISO `2022-06-30`, plans say `2022/6/30`, `2022年6月30日`, `6月底`, `年底`,
`第三季度`, `上半年` or `11月中旬`, often with 前, 以前 or 之前 after them (6月底前, 年底前,
12月31日前) and sometimes 完成 (9月底前完成). A period means its last day: the deadline falls
at its end (上旬 the 10th, 中旬 the 20th, 下旬 the month's last day).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

from lawtasks.domain import chinese_number
from lawtasks.errors import DomainError


def _cn_number(text: str) -> int:
    """1 to 31 written as 3, 三, 十二 or 二十一 (the pattern has matched it already)."""
    number = chinese_number(text)
    assert number is not None, text
    return number


_NUM = r"[0-9]{1,2}|[一二两三四五六七八九十]{1,3}"
_YEAR = r"(?:(?P<year>[0-9]{4})年?)?"

# Each form is a whole-string pattern; the year is optional and defaults to the plan year.
_NUMERIC = re.compile(r"(?P<year>[0-9]{4})[-/.](?P<month>[0-9]{1,2})[-/.](?P<day>[0-9]{1,2})")
_DAY = re.compile(_YEAR + rf"(?P<month>{_NUM})月(?P<day>{_NUM})[日号]?")
_MONTH_END = re.compile(_YEAR + rf"(?P<month>{_NUM})月(?:底|末|份|前|内)?")
_YEAR_END = re.compile(_YEAR + r"(?:年底|年末|年内|全年|底|末)")
_QUARTER = re.compile(
    _YEAR
    + r"(?:第)?(?P<quarter>[1-4一二三四])季度(?:末|底)?"
    + "|"
    + _YEAR.replace("year", "year2")
    + r"[qQ](?P<q>[1-4])"
)
_HALF = re.compile(_YEAR + r"(?P<half>上|下)半年(?:末|底)?")
_TEN_DAYS = re.compile(_YEAR + rf"(?P<month>{_NUM})月(?:份)?(?P<part>上|中|下)旬(?:末)?")
# What officers write after a deadline: "by then" (前, 以前, 之前), and "to be finished".
_BY_THEN = re.compile(r"(?:完成)?(?:以前|之前|前)?(?:完成)?$")


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_date(value: str, *, year: int) -> date:
    """The date `value` means in a plan for `year`; a clear error names what is accepted."""
    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
    # 6月底前, 年底前完成, 12月31日以前: the deadline itself, whatever is said around it.
    stripped = _BY_THEN.sub("", text)
    text = stripped or text
    try:
        if match := _NUMERIC.fullmatch(text):
            return date(int(match["year"]), int(match["month"]), int(match["day"]))
        if match := _DAY.fullmatch(text):
            return date(
                int(match["year"] or year), _cn_number(match["month"]), _cn_number(match["day"])
            )
        if match := _MONTH_END.fullmatch(text):
            return _end_of_month(int(match["year"] or year), _cn_number(match["month"]))
        if (match := _YEAR_END.fullmatch(text)) and not (
            match["year"] is None and text in ("底", "末")  # the end of what?
        ):
            return date(int(match["year"] or year), 12, 31)
        if match := _QUARTER.fullmatch(text):
            quarter = match["quarter"] or match["q"]
            number = _cn_number(quarter)
            return _end_of_month(int(match["year"] or match["year2"] or year), number * 3)
        if match := _HALF.fullmatch(text):
            month = 6 if match["half"] == "上" else 12
            return _end_of_month(int(match["year"] or year), month)
        if match := _TEN_DAYS.fullmatch(text):
            month_end = _end_of_month(int(match["year"] or year), _cn_number(match["month"]))
            day = {"上": 10, "中": 20, "下": month_end.day}[match["part"]]
            return month_end.replace(day=day)
    except KeyError:
        pass
    except ValueError:
        # The form is right but the day is not in the calendar (2022-02-30, 4月31日).
        raise _no_such_day(value, text, year) from None
    raise DomainError("error.date", value=value)


def _no_such_day(value: str, text: str, year: int) -> DomainError:
    """A real month with a day past its end (2022-02-30, 4月31日) does not exist: say so,
    with how many days the month has. Anything else (13月底) is no date at all."""
    for pattern in (_NUMERIC, _DAY):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        month_year = int(match["year"] or year)
        month = _cn_number(match["month"]) if pattern is _DAY else int(match["month"])
        day = _cn_number(match["day"]) if pattern is _DAY else int(match["day"])
        if 1 <= month <= 12 and day >= 1:
            days = calendar.monthrange(month_year, month)[1]
            return DomainError("error.no_such_day", value=value, month=month, year=month_year,
                               days=days)  # fmt: skip
    return DomainError("error.date", value=value)
