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


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests see English unless they ask otherwise, whatever the machine's locale."""
    monkeypatch.setenv("LAWTASKS_LANG", "en")
    monkeypatch.delenv("LAWTASKS_DB", raising=False)
    monkeypatch.setenv("LAWTASKS_USER", "tester")
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


@pytest.fixture
def ledger(engine: Engine) -> Ledger:
    return Ledger(engine, actor="officer")
