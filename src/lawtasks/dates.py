"""Dates as officers write them, anchored to the plan year.

Besides ISO `2022-06-30`, plans say `2022/6/30`, `2022年6月30日`, `6月底`, `年底`,
`第三季度` or `上半年`. A period means its last day: the deadline falls at its end.
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


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_date(value: str, *, year: int) -> date:
    """The date `value` means in a plan for `year`; a clear error names what is accepted."""
    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
    try:
        if match := _NUMERIC.fullmatch(text):
            return date(int(match["year"]), int(match["month"]), int(match["day"]))
        if match := _DAY.fullmatch(text):
            return date(
                int(match["year"] or year), _cn_number(match["month"]), _cn_number(match["day"])
            )
        if match := _MONTH_END.fullmatch(text):
            return _end_of_month(int(match["year"] or year), _cn_number(match["month"]))
        if match := _YEAR_END.fullmatch(text):
            if match["year"] is None and text in ("底", "末"):
                raise ValueError(text)
            return date(int(match["year"] or year), 12, 31)
        if match := _QUARTER.fullmatch(text):
            quarter = match["quarter"] or match["q"]
            number = _cn_number(quarter)
            return _end_of_month(int(match["year"] or match["year2"] or year), number * 3)
        if match := _HALF.fullmatch(text):
            month = 6 if match["half"] == "上" else 12
            return _end_of_month(int(match["year"] or year), month)
    except (ValueError, KeyError):
        pass
    raise DomainError("error.date", value=value)
