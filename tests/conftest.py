from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lawtasks import i18n
from lawtasks.db import make_engine
from lawtasks.seed import seed
from lawtasks.services import Ledger

from .postgres import Server, start_server

# A fixed "today" inside the plan year, so that warnings do not drift with the calendar.
TODAY = date(2022, 6, 1)

# Deadlines as officers write them, and the day each means in a plan for 2022: every place
# a date is typed (the CLI's --due, the TUI's d dialog, a return's 完成时限) is tested with
# all of them.
OFFICER_DATES = [
    ("6月底前", "2022-06-30"),
    ("9月底前完成", "2022-09-30"),
    ("年底前", "2022-12-31"),
    ("年内", "2022-12-31"),
    ("12月31日前", "2022-12-31"),
    ("2022年12月31日前", "2022-12-31"),
    ("10月15日以前", "2022-10-15"),
    ("8月底之前", "2022-08-31"),
    ("第三季度", "2022-09-30"),
    ("上半年", "2022-06-30"),
    ("11月上旬", "2022-11-10"),
    ("11月中旬", "2022-11-20"),
    ("2月下旬", "2022-02-28"),
    ("7月", "2022-07-31"),
]


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests see English unless they ask otherwise, whatever the machine's locale."""
    monkeypatch.setenv("LAWTASKS_LANG", "en")
    monkeypatch.delenv("LAWTASKS_DB", raising=False)
    monkeypatch.setenv("LAWTASKS_USER", "tester")
    monkeypatch.delenv("LAWTASKS_PLAN", raising=False)
    i18n.set_language(None)
    yield
    i18n.set_language(None)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.db"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Server]:
    yield from start_server()


# Every test that takes `engine` runs on SQLite and on PostgreSQL.
@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{db_path}"
    else:
        if "sqlite_only" in request.keywords:
            pytest.skip("this test reads the SQLite file directly")
        url = request.getfixturevalue("postgres").new_database()
    engine = make_engine(url)
    seed(engine, actor="seeder")
    yield engine
    engine.dispose()
    if request.param == "postgresql":
        request.getfixturevalue("postgres").drop_database(url)


@pytest.fixture
def ledger(engine: Engine) -> Ledger:
    return Ledger(engine, actor="officer")
