"""Bringing a ledger to this code's schema: what `lawtasks db upgrade` does, below any
front end, so that whatever upgrades a ledger backs it up first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lawtasks.errors import DomainError


@dataclass(frozen=True)
class Upgrade:
    """What an upgrade did: `repaired` a half-made ledger, found it `up_to_date`, or
    `upgraded` it from `old` to `new` after a backup (SQLite) kept at `backup`."""

    db: str
    outcome: Literal["repaired", "up_to_date", "upgraded"]
    old: int
    new: int
    backup: Path | None = None


def upgrade_ledger(url: str, *, actor: str | None) -> Upgrade:
    from lawtasks.db import display_url, has_schema, is_unfinished, make_engine, schema_version
    from lawtasks.db import sqlite_path as sqlite_file
    from lawtasks.location import SCHEMA_VERSION

    # Not the engine every command opens: that one refuses an old schema, which is what
    # this is here to fix.
    engine = make_engine(url)
    db = display_url(url)
    try:
        if has_schema(engine) and is_unfinished(engine):
            # Tables without a version: a first start interrupted before it recorded one,
            # finished as that start would have: made at head, then seeded.
            from lawtasks.seed import seed

            seed(engine, actor=actor)
            return Upgrade(db, "repaired", SCHEMA_VERSION, SCHEMA_VERSION)
        old = schema_version(engine) if has_schema(engine) else SCHEMA_VERSION
        if old == SCHEMA_VERSION:
            return Upgrade(db, "up_to_date", old, old)
        if old > SCHEMA_VERSION:
            raise DomainError("error.db_newer", db=db, version=old, supported=SCHEMA_VERSION)
        kept = None
        if sqlite_file(url) is not None:
            from lawtasks.backup import backup

            kept = backup(url)
        from lawtasks.db import writer
        from lawtasks.migrations import upgrade

        upgrade(writer(engine))
        return Upgrade(db, "upgraded", old, schema_version(engine), kept)
    finally:
        engine.dispose()
