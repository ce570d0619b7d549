"""Schema migrations, run with Alembic (batch mode on SQLite).

A new database is created at head and stamped; an older one is upgraded by
`lawtasks db upgrade`, which takes a backup first. Revisions are numbered like the schema
versions they produce ("0002" makes schema version 2), so `meta.schema_version` and
Alembic's own record always agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

HERE = Path(__file__).resolve().parent


def _config(connection: Any) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database to head, in one transaction; `engine` is a writer's
    (`lawtasks.db.writer`), so that on SQLite the transaction holds the write lock."""
    from alembic import command
    from sqlalchemy import inspect

    with engine.begin() as connection:
        tables = inspect(connection).get_table_names()
        if "item" in tables and "alembic_version" not in tables:
            # The first schema was made before Alembic kept count: it is revision 0001.
            command.stamp(_config(connection), "0001")
        command.upgrade(_config(connection), "head")


def stamp_head(connection: Connection) -> None:
    """Record a database made by create_all as being at head, in the caller's transaction
    (the one that made the tables: lawtasks.db.create_schema)."""
    from alembic import command

    command.stamp(_config(connection), "head")
