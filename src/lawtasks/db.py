"""Where the ledger lives and how to connect to it.

This is the only module that knows one engine from another: SQLite gets WAL, foreign keys,
a busy timeout and IMMEDIATE write transactions here, and everything above speaks plain
SQLAlchemy so that PostgreSQL works unchanged.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlmodel import Session, SQLModel

from lawtasks.access import WRITER_LOCK
from lawtasks.errors import DatabaseError
from lawtasks.i18n import os_reason
from lawtasks.location import (
    SCHEMA_VERSION,
    default_db_path,
    open_sqlite,
    plain_sqlite_file,
    redact,
)

BUSY_TIMEOUT_MS = 30_000
# Execution option that marks a connection as a writer; see _begin below.
WRITE = "lawtasks_write"


def display_url(url: str) -> str:
    """The URL as it may be shown: a SQLite file as its path; a password is never printed,
    wherever the URL holds it (userinfo or query), and even when the URL does not parse."""
    try:
        path = sqlite_path(url)
        if path is not None:
            return str(path)
        return redact(make_url(url).render_as_string(hide_password=True), url)
    except (ArgumentError, ValueError):
        return redact(url)


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    database = parsed.database
    if parsed.query.get("uri") == "true" and database.startswith("file:"):
        # sqlite:///file:/path/ledger.db?mode=ro&uri=true names the file /path/ledger.db.
        database = database.removeprefix("file:").removeprefix("//")
    return Path(database)


def make_engine(url: str) -> Engine:
    """One engine per process. A new SQLite file is created private (0600); its directory
    only if it is the default data directory: any other missing directory is more likely a
    typo than a wish, and is refused with the command that would create it."""
    try:
        parsed = make_url(url)
        path = sqlite_path(url)
    except (ArgumentError, ValueError) as error:
        # ValueError: a port that is not a number (host:notaport), an unclosed [::1.
        raise DatabaseError("error.db_url", value=redact(url), reason=_url_fault(error)) from None
    if path is not None:
        _prepare_file(path)
    try:
        if parsed.get_backend_name() != "sqlite":
            return _server_engine(url)
        plain = plain_sqlite_file(url)
        if plain is not None:
            # Through lawtasks.location, as the lean reader opens it: the same file, and
            # read-only where this user may not write (another officer's ledger).
            engine = create_engine(
                url,
                creator=lambda: open_sqlite(
                    plain, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
                ),
            )
        else:
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    except (ImportError, NoSuchModuleError, ArgumentError, ValueError) as error:
        # A driver that is not installed, or a scheme SQLAlchemy does not know.
        raise DatabaseError(
            "error.database", db=display_url(url), reason=redact(_url_fault(error), url)
        ) from None

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (the pysqlite driver's own
        # transaction handling would defer it and could not make it IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # A read-only file keeps its journal mode; reading still works.
        with contextlib.suppress(sqlite3.OperationalError):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()
        if path is not None:
            # The WAL holds recent changes until a checkpoint: as private as the ledger.
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.chmod(f"{path}{suffix}", 0o600)

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # A writer takes the write lock at BEGIN, so that it waits on the busy timeout
        # instead of failing half-way when it upgrades a read lock.
        if not connection.get_execution_options().get(WRITE):
            connection.exec_driver_sql("BEGIN")
            return
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as error:
            if not is_busy(error):
                raise
            # SQLite has waited the whole busy timeout for the lock. Said as a DomainError,
            # not as the OperationalError the services' busy retry catches: each retry
            # would wait the whole timeout again (5 tries made 30 s into 152 s).
            raise DatabaseError("error.db_busy", db=display_url(url)) from None

    return engine


def _prepare_file(path: Path) -> None:
    """Make sure `path` can be a ledger file before SQLite opens it."""
    directory = path.parent
    try:
        if not directory.is_dir():
            if directory != default_db_path().parent:
                raise DatabaseError("error.db_dir_missing", db=str(path), dir=str(directory))
            # The default data directory is made on first use: nothing to set up.
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            # Created here, not by SQLite, so that the ledger is private from the start.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        elif not path.is_file():
            # A directory, a pipe, a device: SQLite would block on a FIFO or call the
            # failure a full disk.
            raise DatabaseError("error.db_not_regular", db=str(path))
    except OSError as error:
        raise DatabaseError("error.db_cannot_open", db=str(path), reason=os_reason(error)) from None


def _url_fault(error: Exception) -> str:
    """What is wrong with a URL, in the words of whoever found it (first line only)."""
    text = str(error).splitlines()[0]
    if isinstance(error, ValueError) and "int()" in text:
        # SQLAlchemy reads whatever follows the host's last colon as the port.
        return "the port after the host is not a number, or a [ is not closed"
    return text


# How long a writer waits for it before giving up and saying who holds it: as long as a
# SQLite writer waits. Read at each wait, so that a test may shorten it.
WRITER_LOCK_TIMEOUT_MS = BUSY_TIMEOUT_MS
# SQLSTATE lock_not_available: lock_timeout expired (it bounds advisory locks too).
_LOCK_NOT_AVAILABLE = "55P03"


def _server_engine(url: str) -> Engine:
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # No lock is waited for forever either: an officer's login may hold a table lock
        # (LOCK TABLE item needs only the UPDATE every officer has) idle in psql.
        if engine.dialect.name == "postgresql":
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = {int(WRITER_LOCK_TIMEOUT_MS)}")
            dbapi_connection.commit()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Writers take one transaction-scoped advisory lock, so that events are appended
        # one transaction at a time and the audit chain stays a chain under concurrent
        # officers; readers never wait for it. Any login can hold that lock from psql,
        # idle, so a writer waits for it only so long.
        if not (
            connection.get_execution_options().get(WRITE)
            and connection.dialect.name == "postgresql"
        ):
            return
        taken = connection.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({WRITER_LOCK})")
        if taken.scalar():
            return
        # Held: wait in line (a blocking wait keeps the writers' order, where polling would
        # not), but only so long.
        timeout = int(WRITER_LOCK_TIMEOUT_MS)
        previous = connection.exec_driver_sql("SHOW lock_timeout").scalar()
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {timeout}")
        try:
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
        except OperationalError as error:
            if getattr(error.orig, "sqlstate", None) != _LOCK_NOT_AVAILABLE:
                raise
            # The failed transaction is over (the driver's own rollback, as SQLAlchemy has
            # not finished beginning its own); a fresh one asks who holds the lock.
            dbapi = connection.connection.dbapi_connection
            dbapi.rollback()
            pid, holder = _writer_lock_holder(connection)
            dbapi.rollback()
            raise DatabaseError(
                "error.db_writer_lock", seconds=f"{timeout / 1000:g}", holder=holder, pid=pid
            ) from None
        # Back to the session's own lock_timeout for the rest of the transaction.
        connection.exec_driver_sql(
            "SELECT set_config('lock_timeout', %(previous)s, true)", {"previous": previous}
        )

    return engine


def _writer_lock_holder(connection: Any) -> tuple[str, str]:
    """The pid of the session holding the writers' lock, and who it is as the server tells
    this login (another user's state and times are the server's to hide from an officer)."""
    from datetime import UTC  # here, not above: the rest of this module never needs it

    from lawtasks.i18n import t

    row = connection.exec_driver_sql(
        "SELECT a.pid, a.usename, a.application_name, host(a.client_addr), a.state,"
        " a.state_change FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
        f" AND l.classid = {WRITER_LOCK >> 32} AND l.objid = {WRITER_LOCK & 0xFFFFFFFF}"
        " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    ).first()
    if row is None:
        return "?", t("db.lock_unknown")
    pid, user, application, address, state, since = row
    details = [part for part in (application, f"pid {pid}") if part]
    if address:
        details.append(t("db.lock_from", address=address))
    if state and since is not None:
        moment = since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        details.append(t("db.lock_state", state=state, since=moment))
    return str(pid), t("db.lock_holder", user=user, details=", ".join(details))


# The channel on which a PostgreSQL ledger announces every committed change.
CHANNEL = "lawtasks_changes"


def announce_change(connection: Any) -> None:
    """Tell listening TUIs that this transaction changes the ledger (PostgreSQL delivers the
    notification on commit, and not at all on rollback); SQLite has no such channel."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"NOTIFY {CHANNEL}")


def listen_for_changes(engine: Engine) -> Any:
    """A dedicated connection that hears `announce_change`, or None where the engine has no
    notifications (SQLite: the TUI polls instead)."""
    if engine.dialect.name != "postgresql":
        return None
    args, kwargs = engine.dialect.create_connect_args(engine.url)
    connection = engine.dialect.dbapi.connect(*args, **kwargs)  # type: ignore[union-attr]
    connection.autocommit = True
    connection.execute(f"LISTEN {CHANNEL}")
    return connection


def writer(engine: Engine) -> Engine:
    """The same engine, marked so that its transactions begin as writers."""
    return engine.execution_options(**{WRITE: True})


def create_schema(engine: Engine) -> bool:
    """Create the tables of a new database at head; an existing one is only checked.

    The tables, the schema version and Alembic's stamp are made in one transaction (DDL is
    transactional on SQLite and PostgreSQL alike): a first command killed half-way leaves
    no ledger rather than one that every command refuses. A ledger left half-made by an
    older lawtasks (tables, but no version and no data) is made anew. Returns whether
    anything was created.
    """
    if has_schema(engine):
        try:
            check_schema(engine)
            return False
        except DatabaseError:
            # A half-made ledger reads as schema version 1: make it anew, if that is all
            # it is.
            if not is_unfinished(engine):
                raise
    from lawtasks.access import install_policies
    from lawtasks.migrations import stamp_head
    from lawtasks.models import Meta

    try:
        with writer(engine).begin() as connection:
            # Looked at again under the write lock: another first command may have been
            # quicker.
            if _has_item_table(connection) and not _unfinished(connection):
                created = False
            else:
                # Nothing to keep: _unfinished holds only when no plan, event or user is
                # there, and the tables may be of an older schema.
                SQLModel.metadata.drop_all(connection)
                connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
                SQLModel.metadata.create_all(connection)
                connection.execute(
                    Meta.__table__.insert().values(  # type: ignore[attr-defined]
                        key="schema_version", value=str(SCHEMA_VERSION)
                    )
                )
                install_policies(connection)
                stamp_head(connection)
                created = True
    except (OperationalError, SADatabaseError) as error:
        raise database_error(str(engine.url), error) from None
    check_schema(engine)
    return created


def has_schema(engine: Engine) -> bool:
    try:
        return inspect(engine).has_table("item")
    except (OperationalError, SADatabaseError) as error:
        raise database_error(str(engine.url), error) from None


def is_unfinished(engine: Engine) -> bool:
    """A ledger whose first command was interrupted by an older lawtasks between making the
    tables and recording their version: tables, but no schema version, no Alembic stamp,
    and nothing in them worth keeping."""
    try:
        with engine.connect() as connection:
            return _unfinished(connection)
    except (OperationalError, SADatabaseError) as error:
        raise database_error(str(engine.url), error) from None


def _has_item_table(connection: Any) -> bool:
    return bool(inspect(connection).has_table("item"))


def _unfinished(connection: Any) -> bool:
    tables = set(inspect(connection).get_table_names())
    if "item" not in tables:
        return False
    if (
        "meta" in tables
        and connection.exec_driver_sql("SELECT 1 FROM meta WHERE key = 'schema_version'").first()
    ):
        return False
    if (
        "alembic_version" in tables
        and connection.exec_driver_sql("SELECT 1 FROM alembic_version").first()
    ):
        return False
    # The first schema kept no version either: it is told apart by its rows.
    for table in ("plan", "event", "ledger_user"):
        if table in tables and connection.exec_driver_sql(f"SELECT 1 FROM {table}").first():
            return False
    return True


def schema_version(engine: Engine) -> int:
    """The version a database was made with; the first schema kept no record, so it is 1."""
    from lawtasks.models import Meta

    try:
        if not inspect(engine).has_table("meta"):
            return 1
        with Session(engine) as session:
            row = session.get(Meta, "schema_version")
    except (OperationalError, SADatabaseError) as error:
        raise database_error(str(engine.url), error) from None
    return int(row.value) if row is not None and row.value.isdigit() else 1


def check_schema(engine: Engine) -> None:
    """Refuse a database this code cannot read as it is: an older one needs an upgrade, and
    a newer one a newer lawtasks; reading either could misstate a figure."""
    version = schema_version(engine)
    db = display_url(str(engine.url))
    if version > SCHEMA_VERSION:
        raise DatabaseError("error.db_newer", db=db, version=version, supported=SCHEMA_VERSION)
    if version < SCHEMA_VERSION:
        raise DatabaseError("error.db_older", db=db, version=version, supported=SCHEMA_VERSION)


# What SQLite says, and the advice that goes with it.
_ADVICE = (
    ("file is not a database", "error.db_not_a_ledger"),
    ("database disk image is malformed", "error.db_not_a_ledger"),
    ("readonly database", "error.db_read_only"),
    ("read-only", "error.db_read_only"),
    ("disk is full", "error.db_full"),
    ("database or disk is full", "error.db_full"),
    # A write refused by the OS (EFBIG over a file-size limit, EIO) comes as an I/O error.
    ("disk i/o error", "error.db_io"),
    ("unable to open database file", "error.db_cannot_open"),
    ("database is locked", "error.db_busy"),
)


def database_error(url: str, error: Exception) -> DatabaseError:
    """One clear message for a database that cannot be used: the file, and what to do."""
    # A driver may quote the connection string back, password and all.
    reason = redact(_reason(error), url)
    lowered = reason.lower()
    for needle, key in _ADVICE:
        if needle in lowered:
            return DatabaseError(key, db=display_url(url), reason=reason)
    return DatabaseError("error.database", db=display_url(url), reason=reason)


def is_busy(error: Exception) -> bool:
    """SQLITE_BUSY: another writer holds the lock beyond the busy timeout."""
    reason = _reason(error).lower()
    return "database is locked" in reason or "database is busy" in reason


def _reason(error: Exception) -> str:
    orig = getattr(error, "orig", None)
    return str(orig if orig is not None else error).splitlines()[0]


def ledger_files(url: str) -> tuple[Path, ...]:
    """The ledger's file and its journals, which no export, sheet or reminder may replace
    (the ledger's own path given as an output); none for a ledger on a server."""
    from lawtasks.location import plain_sqlite_file

    if not url.startswith("sqlite"):
        return ()
    path = plain_sqlite_file(url)
    if path is None:  # a URL with options: only SQLAlchemy may read it
        path = sqlite_path(url)
    if path is None:
        return ()
    return (path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")))
