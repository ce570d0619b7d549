"""Values: IDs, progress, statuses, text and the officers' date forms."""

from __future__ import annotations

import contextlib
from datetime import date

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


@given(st.text(max_size=20))
def test_progress_accepts_only_whole_numbers_in_range(text: str) -> None:
    try:
        value = parse_progress(text)
    except DomainError:
        return
    assert 0 <= value <= 100


def test_status_accepts_codes_and_labels() -> None:
    assert Status.parse("in-progress") is Status.IN_PROGRESS
    assert Status.parse("已完成") is Status.DONE
    assert Status.parse("Blocked") is Status.BLOCKED
    with pytest.raises(DomainError, match="valid statuses are not_started, in_progress"):
        Status.parse("finished")


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


@pytest.mark.parametrize("text", ["2022-02-30", "明天", "13月底", "第五季度", "", "底", "2022"])
def test_bad_dates(text: str) -> None:
    with pytest.raises(DomainError, match="Invalid date"):
        parse_date(text, year=2022)


@given(st.text(max_size=12))
def test_dates_either_parse_or_raise_a_domain_error(text: str) -> None:
    with contextlib.suppress(DomainError):
        parse_date(text, year=2022)
