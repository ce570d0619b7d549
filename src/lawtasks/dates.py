"""Dates as officers write them, anchored to the plan year.

Besides ISO `2022-06-30`, plans say `2022/6/30`, `2022年6月30日`, `6月底`, `年底`,
`第三季度`, `上半年` or `11月中旬`, often with 前, 以前 or 之前 after them (6月底前, 年底前,
12月31日前) and sometimes 完成 (9月底前完成). A period means its last day: the deadline falls
at its end (上旬 the 10th, 中旬 the 20th, 下旬 the month's last day).

`parse_date` reads a date typed on its own; `deadline_in` finds the deadline that a plan's
running text names for its work (see its docstring for what counts), from the same forms.
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

# The forms, each written once: `parse_date` matches one of them whole, `deadline_in` looks
# for them inside running text. The year is optional and defaults to the plan year.
_NUMERIC_FORM = r"(?P<year>[0-9]{4})[-/.](?P<month>[0-9]{1,2})[-/.](?P<day>[0-9]{1,2})"
_DAY_FORM = _YEAR + rf"(?P<month>{_NUM})月(?P<day>{_NUM})[日号]?"
_MONTH_END_FORM = _YEAR + rf"(?P<month>{_NUM})月(?:底|末|份|前|内)?"
_YEAR_END_FORM = _YEAR + r"(?:年底|年末|年内|全年|底|末)"
_QUARTER_FORM = (
    _YEAR
    + r"(?:第)?(?P<quarter>[1-4一二三四])季度(?:末|底)?"
    + "|"
    + _YEAR.replace("year", "year2")
    + r"[qQ](?P<q>[1-4])"
)
_HALF_FORM = _YEAR + r"(?P<half>上|下)半年(?:末|底)?"
_TEN_DAYS_FORM = _YEAR + rf"(?P<month>{_NUM})月(?:份)?(?P<part>上|中|下)旬(?:末)?"
# What officers write after a deadline: "by then" (前, 以前, 之前), and "to be finished".
_BY_THEN_FORM = r"(?:完成)?(?:以前|之前|前)?(?:完成)?"

_NUMERIC = re.compile(_NUMERIC_FORM)
_DAY = re.compile(_DAY_FORM)
_MONTH_END = re.compile(_MONTH_END_FORM)
_YEAR_END = re.compile(_YEAR_END_FORM)
_QUARTER = re.compile(_QUARTER_FORM)
_HALF = re.compile(_HALF_FORM)
_TEN_DAYS = re.compile(_TEN_DAYS_FORM)
_BY_THEN = re.compile(_BY_THEN_FORM + "$")


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


# --------------------------------------------------------------------------- deadlines in text


def _unnamed(form: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", form)


# Every form inside running text, longest first where two start alike (11月中旬 before 11月,
# 6月30日 before 6月), then what is said after it. A phrase never starts inside a number
# (五年内, 半年内 and 十二月 read from 二月 are not phrases).
_PERIOD_KINDS = ("ten_days", "quarter", "half")
_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z一二两三四五六七八九十〇零半])(?:"
    + "|".join(
        f"(?P<{kind}>{_unnamed(form)})"
        for kind, form in (
            ("numeric", _NUMERIC_FORM),
            ("ten_days", _TEN_DAYS_FORM),
            ("day", _DAY_FORM),
            ("month_end", _MONTH_END_FORM),
            ("quarter", _QUARTER_FORM),
            ("half", _HALF_FORM),
            ("year_end", _YEAR_END_FORM),
        )
    )
    + f")(?P<by_then>{_BY_THEN_FORM})"
)
# A year written in Chinese digits (二〇二二年) is read as the Arabic one.
_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
_CN_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
# Before a phrase: a look back (截至2021年底, 自6月起, 已于6月底前完成) or another year
# (去年底前, 明年上半年): never this plan's deadline.
_NOT_AHEAD_BEFORE = re.compile(
    r"(?:截至|截止|自|从|去年|上年|前年|往年|次年|明年|来年|下年|已经?[于在]?|曾经?[于在]?)$"
)
_LOOK_BACK = 4  # characters: the longest word above, so that long texts stay linear
_OTHER_YEAR_BEFORE = "去上前次明来下往每历多近数几"
# After a period named without 前/内/完成: narrative or comparison, not the time of the work
# (上半年，我县…; 第三季度以来; 上半年的工作; 上半年同比).
_NOT_WORK_AFTER = re.compile(
    r"(?:的|以来|以后|之后|后|起|开始|至今|期间|同期|同比|环比|比|较|共|累计|已|曾|我|为|是|有)"
)
# Words that only look like a deadline's end: 前期, 前后 (around), 内容, 内部, 完成率.
_FALSE_ENDINGS = {"前": "期后置列沿端台", "内": "容部设涵", "成": "率量度值数情"}


def deadline_in(text: str, *, year: int) -> date | None:
    """The deadline that running ``text`` names for its work, in a plan for ``year``.

    A deadline is a date form that `parse_date` accepts, found inside the text and said as
    one: followed by 前, 以前, 之前 or 完成, or itself ending in 内 (6月底前, 9月底前完成,
    年底前, 年内, 6月内, 2022年12月31日前), or a period named as the time of the work
    (第三季度开展…, 上半年完成…, 11月中旬组织…; not when narrative or a comparison follows).
    Not a deadline, since a plan's text also tells the past and the future:
    - a phrase in another year than ``year`` (2021年6月底前, 到2025年底前), or one after a
      look back or another year's word (截至2021年底, 自6月起, 已于6月底前, 去年底前);
    - a bare date or month (6月底, 2022-06-30 without 前): when unclear, no deadline;
    - 全年, and a period that only looks like one (五年内, 半年内, 内容, 前期, 完成率).
    Of several deadlines the latest is taken: the work is done when its last step is.
    """
    normal = unicodedata.normalize("NFKC", text)
    normal = _CN_YEAR.sub(lambda m: m.group().translate(_CN_YEAR_DIGITS), normal)
    found: list[date] = []
    for match in _IN_TEXT.finditer(normal):
        phrase = match.group()
        after = normal[match.end() : match.end() + 1]
        if phrase.startswith("全年") or (after and after in _FALSE_ENDINGS.get(phrase[-1], "")):
            continue  # 全年: the whole year, which is no deadline of its own
        before = normal[max(0, match.start() - _LOOK_BACK) : match.start()]
        if _NOT_AHEAD_BEFORE.search(before) or (
            phrase[0] == "年" and before[-1:] and before[-1] in _OTHER_YEAR_BEFORE
        ):
            continue
        said_as_deadline = bool(match["by_then"]) or phrase[-1] in "前内"
        period = any(match[kind] for kind in _PERIOD_KINDS)
        if not said_as_deadline and not (
            period and after and _is_cjk(after) and not _NOT_WORK_AFTER.match(normal, match.end())
        ):
            continue
        try:
            when = parse_date(phrase, year=year)
        except DomainError:
            continue  # 底前 alone, 13月底前: not a date
        if when.year == year:
            found.append(when)
    return max(found, default=None)


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"
