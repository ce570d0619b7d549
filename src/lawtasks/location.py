"""Where the ledger is, and which schema this code reads: the facts every command needs
first, kept free of SQLAlchemy so that the read-only commands can start without it."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

# The schema this code reads and writes. A database records the version it was made with
# in the `meta` table (the first schema had none); one made by a newer lawtasks is refused
# rather than misread, and an older one must be upgraded first (lawtasks db upgrade).
SCHEMA_VERSION = 4


def default_db_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path("lawtasks", appauthor=False) / "lawtasks.db"


def resolve_db_url(db: str | None = None) -> str:
    """`--db`, then LAWTASKS_DB, then the default file; a bare path becomes a SQLite URL."""
    value = db or os.environ.get("LAWTASKS_DB") or str(default_db_path())
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def plain_sqlite_file(url: str) -> Path | None:
    """The file of a plain `sqlite:///PATH` URL; None for anything with options or another
    engine, which only SQLAlchemy's own parsing may interpret."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = unquote(url.removeprefix(prefix))
    if path in ("", ":memory:"):
        return None
    return Path(path)
