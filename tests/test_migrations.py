"""Schema versions: a ledger made by the first schema is upgraded with every row kept."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from lawtasks.audit import verify
from lawtasks.cli import app
from lawtasks.db import create_schema, make_engine, schema_version
from lawtasks.location import SCHEMA_VERSION
from lawtasks.migrations import upgrade

# Made by the first commit's code (schema version 1): the seeded plan, some changes, notes,
# a task note and an undo.
FIRST_SCHEMA = Path(__file__).parent / "fixtures" / "ledger-schema1.db"
TABLES = ("plan", "task", "item", "note", "event")


def rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the first schema's tables, in the first schema's columns."""
    with sqlite3.connect(FIRST_SCHEMA) as first:
        columns = {
            table: [row[1] for row in first.execute(f"PRAGMA table_info({table})")]
            for table in TABLES
        }
    with sqlite3.connect(db) as connection:
        return {
            table: list(
                connection.execute(f"SELECT {', '.join(columns[table])} FROM {table} ORDER BY id")
            )
            for table in TABLES
        }


@pytest.fixture
def old_ledger(tmp_path: Path) -> Path:
    db = tmp_path / "ledger.db"
    shutil.copy(FIRST_SCHEMA, db)
    return db


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_an_old_ledger_is_refused_until_upgraded(old_ledger: Path) -> None:
    before = old_ledger.read_bytes()
    code, _, err = run("--db", str(old_ledger), "list")
    assert code == 1
    assert "older schema version 1" in err
    assert "lawtasks db upgrade" in err
    assert old_ledger.read_bytes() == before


def test_upgrade_keeps_every_row_and_backs_up_first(old_ledger: Path) -> None:
    before = rows(old_ledger)
    assert sum(len(r) for r in before.values()) > 40

    code, out, err = run("--db", str(old_ledger), "db", "upgrade")

    assert code == 0, err
    assert f"from schema version 1 to {SCHEMA_VERSION}" in out
    (backup,) = old_ledger.parent.glob("ledger-backup-*.db")
    assert rows(backup) == before
    assert rows(old_ledger) == before
    engine = make_engine(f"sqlite:///{old_ledger}")
    assert schema_version(engine) == SCHEMA_VERSION
    # The old events were chained in order, so the trail verifies from its first event.
    report = verify(engine)
    assert report.intact
    assert report.events == len(before["event"])
    # And the ledger is usable: a change extends the chain.
    code, _, _ = run("--db", str(old_ledger), "set", "4.1", "--progress", "10")
    assert code == 0
    assert verify(engine).intact
    code, out, _ = run("--db", str(old_ledger), "db", "upgrade")
    assert f"current schema version {SCHEMA_VERSION} already" in out


def test_migrations_build_the_same_schema_as_the_models(tmp_path: Path) -> None:
    """One source of truth: a database built by the migrations matches one built from the
    models, table by table and column by column."""
    migrated = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    upgrade(migrated)
    created = make_engine(f"sqlite:///{tmp_path / 'created.db'}")
    create_schema(created)

    def shape(engine: object) -> dict[str, set[tuple[str, bool]]]:
        inspector = inspect(engine)
        return {
            table: {(c["name"], bool(c["nullable"])) for c in inspector.get_columns(table)}
            for table in inspector.get_table_names()
            if table != "alembic_version"
        }

    assert shape(migrated) == shape(created)
    assert schema_version(migrated) == schema_version(created) == SCHEMA_VERSION
