"""Backups of a SQLite ledger, safe while the TUI and scripts are writing.

SQLite's online backup API copies a consistent snapshot page by page while other
connections go on writing, which a plain file copy of a WAL database cannot promise.
A backup is written to a temporary file beside its target and renamed over it, so that a
backup killed half-way leaves the earlier backup whole. A restore checks the file it is
given (integrity and schema) before it replaces anything, and keeps the replaced ledger
beside it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from lawtasks import db
from lawtasks.db import sqlite_path
from lawtasks.durable import sync_directory
from lawtasks.errors import DatabaseError, DomainError
from lawtasks.i18n import t
from lawtasks.location import SCHEMA_VERSION

# The files SQLite keeps beside a ledger while it is in use.
_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _ledger_file(url: str) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise DomainError("error.backup_sqlite_only")
    return path


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _is_ledger(path: Path, ledger: Path) -> bool:
    """Whether writing `path` would write the ledger or a file SQLite keeps beside it: by
    name (symbolic links followed) or as the same file (a hard link)."""
    resolved = path.resolve()
    for suffix in _COMPANIONS:
        companion = Path(f"{ledger}{suffix}")
        if resolved == companion.resolve():
            return True
        with contextlib.suppress(OSError):
            if path.exists() and companion.exists() and os.path.samefile(path, companion):
                return True
    return False


@contextlib.contextmanager
def _replacing(target: Path) -> Iterator[Path]:
    """A private temporary file beside `target`, renamed over it when the block succeeds
    and removed when it does not: `target` is the old file or the new one, never half."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)  # mkstemp made it 0600 on POSIX
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o600)
        # os.replace renames over an existing file on Windows as well as on POSIX.
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_directory(target.parent)


def _copy(source: Path, target: Path, *, page_size: int | None = None) -> None:
    """Copy the database `source` into the new, empty file `target` through the backup
    API; with `page_size`, rewritten to that page size."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        if page_size is not None:
            # VACUUM changes the page size only outside WAL mode; the copy is private.
            dst.execute("PRAGMA journal_mode = DELETE")
            dst.execute(f"PRAGMA page_size = {int(page_size)}")
            dst.execute("VACUUM")
    finally:
        dst.close()
        src.close()


def _give_up_when_held(live: Path) -> Callable[[int, int, int], None]:
    """A progress callback for the backup API writing into `live`: Python retries a step
    that finds the ledger locked for as long as it stays locked, so a writer that never
    lets go would hang the restore. It gives up after the busy timeout every writer waits."""
    started: list[float] = []

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            started.clear()
            return
        if not started:
            started.append(time.monotonic())
        elif time.monotonic() - started[0] > db.BUSY_TIMEOUT_MS / 1000:
            raise DatabaseError("error.db_busy", db=str(live))

    return progress


def _uri_path(path: Path) -> str:
    """`path` for a file: URI (a name may hold ? or #)."""
    return Path(os.path.abspath(path)).as_uri().removeprefix("file:")


def _page_size(path: Path) -> int:
    connection = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True)
    try:
        return int(connection.execute("PRAGMA page_size").fetchone()[0])
    finally:
        connection.close()


def backup(url: str, target: Path | None = None) -> Path:
    """Write a backup of the ledger at `url`; beside it, with the time in its name, by default."""
    source = _ledger_file(url)
    if not source.exists():
        raise DatabaseError("error.db_cannot_open", db=str(source), reason="no such file")
    target = target or source.with_name(f"{source.stem}-backup-{_stamp()}{source.suffix}")
    if target.is_dir():
        target = target / f"{source.stem}-backup-{_stamp()}{source.suffix}"
    if _is_ledger(target, source):
        # Written over, the ledger would be lost: opening it for writing emptied it.
        raise DomainError("error.backup_is_ledger", path=str(target), db=str(source))
    if not target.parent.is_dir():
        raise DomainError("error.backup_dir", path=str(target.parent))
    if target.exists() and not target.is_file():
        # A device or a pipe would be replaced by the rename (or block a plain write).
        raise DomainError("error.backup_not_regular", path=str(target))
    try:
        with _replacing(target) as temporary:
            _copy(source, temporary)
    except (OSError, sqlite3.Error) as error:
        raise DomainError("error.backup_failed", path=str(target), reason=str(error)) from None
    return target


def check_backup(path: Path) -> None:
    """A file fit to restore: a SQLite database that passes integrity_check and holds a
    lawtasks schema no newer than this code reads."""
    if not path.exists():
        raise DomainError("error.restore_invalid", path=str(path), reason=t("reason.no_such_file"))
    if not path.is_file():
        raise DomainError("error.restore_invalid", path=str(path), reason=t("reason.not_regular"))
    try:
        connection = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True)
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
        raise DomainError("error.restore_invalid", path=str(path), reason=t("reason.not_a_ledger"))
    if version is None:
        return
    if not str(version).isdigit():
        raise DomainError(
            "error.restore_invalid",
            path=str(path),
            reason=t("reason.bad_version", version=repr(version)),
        )
    if int(version) > SCHEMA_VERSION:
        raise DatabaseError(
            "error.db_newer", db=str(path), version=version, supported=SCHEMA_VERSION
        )


def restore(url: str, source: Path) -> Path | None:
    """Replace the ledger at `url` with `source`; returns where the replaced ledger was kept
    (None when there was no ledger to replace)."""
    live = _ledger_file(url)
    if not live.parent.is_dir():
        raise DatabaseError("error.db_dir_missing", db=str(live), dir=str(live.parent))
    if live.exists() and not live.is_file():
        raise DatabaseError("error.db_not_regular", db=str(live))
    if source.exists() and _is_ledger(source, live):
        raise DomainError("error.restore_invalid", path=str(source), reason=t("reason.is_ledger"))
    check_backup(source)
    if not live.exists():
        # Nobody has this ledger open: the copy is renamed into place whole.
        with _replacing(live) as temporary:
            _copy(source, temporary)
        return None
    kept = live.with_name(f"{live.stem}-replaced-{_stamp()}{live.suffix}")
    with _replacing(kept) as temporary:
        _copy(live, temporary)
    # Into the live file through the backup API, not by renaming a copy over it. Other
    # connections (the TUI, a script) keep the file they opened: after a rename they would
    # go on reading and writing the replaced ledger, which nobody would see again, and its
    # -wal and -shm files, named after the path, would be paired with the new file. The
    # backup API writes the new pages as one transaction under SQLite's locks, so each
    # connection sees the old ledger or the new one, and a killed restore leaves the old.
    # The API cannot change a WAL database's page size: a backup of another page size is
    # rewritten to the ledger's first.
    with contextlib.ExitStack() as stack:
        page_size = _page_size(live)
        if _page_size(source) != page_size:
            converted = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=live.parent))) / (
                "page-size" + live.suffix
            )
            _copy(source, converted, page_size=page_size)
            source = converted
        src = sqlite3.connect(source)
        # No busy wait inside a step: the steps are retried, and the retries timed.
        dst = sqlite3.connect(live, timeout=0)
        try:
            src.backup(dst, progress=_give_up_when_held(live))
        finally:
            dst.close()
            src.close()
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.chmod(f"{live}{suffix}", 0o600)
    return kept
