"""Where the ledger is, and which schema this code reads: the facts every command needs
first, kept free of SQLAlchemy so that the read-only commands can start without it."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from urllib.parse import quote, unquote

# The schema this code reads and writes. A database records the version it was made with
# in the `meta` table (the first schema had none); one made by a newer lawtasks is refused
# rather than misread, and an older one must be upgraded first (lawtasks db upgrade).
SCHEMA_VERSION = 6

# A URL names its scheme and then "//". A value that starts like a database URL but lacks
# the slashes (postgresql+psycopg:/user:pw@host/db) is a typo, not a file name: taken as a
# path it became a SQLite file in a directory named after the credentials. One letter and
# a colon is a Windows drive (C:\ledger.db), so a scheme here is two letters or more and
# either names a SQLAlchemy dialect or carries a driver (dialect+driver).
_DIALECTS = "sqlite|postgres|postgresql|pgsql|mysql|mariadb|oracle|mssql|cockroachdb"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_URL_LIKE = re.compile(rf"^(?:(?:{_DIALECTS})(?:\+\w+)?|[A-Za-z][\w.\-]+\+\w+):", re.IGNORECASE)
# Where a URL carries a password: its userinfo, and query parameters of these names
# (libpq's and the common drivers').
_USERINFO = re.compile(r"^[A-Za-z][\w+.\-]*:/*([^/?#]*)@")
_QUERY_SECRET = re.compile(
    r"[?&;](?:password|passwd|pwd|sslpassword|secret|token)=([^&;#]*)", re.IGNORECASE
)


def default_db_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path("lawtasks", appauthor=False) / "lawtasks.db"


def resolve_db_url(db: str | None = None) -> str:
    """`--db`, then LAWTASKS_DB, then the default file; a bare path becomes a SQLite URL.

    A path is quoted into the URL, because SQLAlchemy reads the URL's database part as
    percent-encoded and stops it at "?": `a%41.db` and `b?mode=ro.db` are file names.
    """
    value = db or os.environ.get("LAWTASKS_DB") or str(default_db_path())
    if _URL.match(value) or _URL_LIKE.match(value):
        # A mistyped URL stays a URL, for lawtasks.db.make_engine to refuse in words.
        return value
    path = str(Path(value).expanduser().resolve())
    return "sqlite:///" + quote(path, safe="/\\:")


def plain_sqlite_file(url: str) -> Path | None:
    """The file of a plain `sqlite:///PATH` URL; None for anything with options or another
    engine, which only SQLAlchemy's own parsing may interpret."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    # Decoded as SQLAlchemy decodes it, so that both paths open the same file.
    path = unquote(url.removeprefix(prefix))
    if path in ("", ":memory:"):
        return None
    return Path(path)


def secrets_of(url: str) -> list[str]:
    """The passwords a URL holds, in its userinfo or its query, as typed and decoded; a
    URL mistyped with one slash (postgres:/user:pw@host/db) is read the same way."""
    found = []
    userinfo = _USERINFO.match(url)
    if userinfo is not None and ":" in userinfo.group(1):
        found.append(userinfo.group(1).partition(":")[2])
    found += _QUERY_SECRET.findall(url)
    secrets = {secret for value in found for secret in (value, unquote(value)) if secret}
    # Longest first, so that a secret containing another is hidden whole.
    return sorted(secrets, key=len, reverse=True)


def redact(text: str, url: str | None = None) -> str:
    """`text` with every password of `url` (by default, of `text` itself) shown as ***."""
    for secret in secrets_of(text if url is None else url):
        text = text.replace(secret, "***")
    return text


def open_sqlite(
    path: Path, *, timeout: float, check_same_thread: bool = True
) -> sqlite3.Connection:
    """A connection to the ledger file `path`, read-only where this process cannot write it.

    Reading a WAL ledger needs its -shm file, which SQLite creates beside it: in another
    user's directory it cannot, and the ledger could not even be listed. Then the file is
    opened read-only (mode=ro), and, if that cannot work either, as immutable, which is
    only right when no -wal file holds changes not yet in the ledger.
    """
    connection = sqlite3.connect(path, timeout=timeout, check_same_thread=check_same_thread)
    if not _needs_read_only(connection):
        return connection
    connection.close()
    uri = Path(os.path.abspath(path)).as_uri() + "?mode=ro"
    connection = sqlite3.connect(
        uri, uri=True, timeout=timeout, check_same_thread=check_same_thread
    )
    if not _needs_read_only(connection) or Path(f"{path}-wal").exists():
        return connection
    connection.close()
    return sqlite3.connect(
        uri + "&immutable=1", uri=True, timeout=timeout, check_same_thread=check_same_thread
    )


def _needs_read_only(connection: sqlite3.Connection) -> bool:
    """Whether reading through `connection` fails for want of write access (any other
    failure, a damaged file say, is left for the caller to meet and report)."""
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        reason = str(error).lower()
        return "readonly" in reason or "read-only" in reason or "unable to open" in reason
    return False
