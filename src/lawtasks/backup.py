"""Backups of a SQLite ledger, safe while the TUI and scripts are writing.

SQLite's online backup API copies a consistent snapshot page by page while other
connections go on writing, which a plain file copy of a WAL database cannot promise.
A restore checks the file it is given (integrity and schema) before it replaces anything,
and keeps the replaced ledger beside it.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from lawtasks.db import sqlite_path
from lawtasks.errors import DatabaseError, DomainError
from lawtasks.location import SCHEMA_VERSION


def _ledger_file(url: str) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise DomainError("error.backup_sqlite_only")
    return path


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _copy(source: Path, target: Path) -> None:
    """Copy `source` to a new private file `target` through the backup API."""
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    src.close()
    os.chmod(target, 0o600)


def backup(url: str, target: Path | None = None) -> Path:
    """Write a backup of the ledger at `url`; beside it, with the time in its name, by default."""
    source = _ledger_file(url)
    if not source.exists():
        raise DatabaseError("error.db_cannot_open", db=str(source), reason="no such file")
    target = target or source.with_name(f"{source.stem}-backup-{_stamp()}{source.suffix}")
    if target.is_dir():
        target = target / f"{source.stem}-backup-{_stamp()}{source.suffix}"
    if not target.parent.is_dir():
        raise DomainError("error.backup_dir", path=str(target.parent))
    try:
        _copy(source, target)
    except (OSError, sqlite3.Error) as error:
        target.unlink(missing_ok=True)
        raise DomainError("error.backup_failed", path=str(target), reason=str(error)) from None
    return target


def check_backup(path: Path) -> None:
    """A file fit to restore: a SQLite database that passes integrity_check and holds a
    lawtasks schema no newer than this code reads."""
    if not path.is_file():
        raise DomainError("error.restore_invalid", path=str(path), reason="no such file")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (result,) = connection.execute("PRAGMA integrity_check").fetchone()
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            version = None
            if "meta" in tables:
                row = connection.execute(
                    "SELECT value FROM meta WHERE key = ?", ("schema_version",)
                ).fetchone()
                version = row[0] if row else None
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise DomainError("error.restore_invalid", path=str(path), reason=str(error)) from None
    if result != "ok":
        raise DomainError("error.restore_invalid", path=str(path), reason=str(result))
    if not {"plan", "task", "item", "note", "event"} <= tables:
        raise DomainError("error.restore_invalid", path=str(path), reason="not a lawtasks ledger")
    if version is not None and int(version) > SCHEMA_VERSION:
        raise DatabaseError(
            "error.db_newer", db=str(path), version=version, supported=SCHEMA_VERSION
        )


def restore(url: str, source: Path) -> Path:
    """Replace the ledger at `url` with `source`; returns where the replaced ledger was kept."""
    live = _ledger_file(url)
    check_backup(source)
    kept = live.with_name(f"{live.stem}-replaced-{_stamp()}{live.suffix}")
    if live.exists():
        _copy(live, kept)
    # Through the backup API into the live file: other connections see the old ledger or
    # the new one, never a half-copied file.
    with sqlite3.connect(source) as src, sqlite3.connect(live) as dst:
        src.backup(dst)
    dst.close()
    src.close()
    return kept
