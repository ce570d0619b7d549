"""A private PostgreSQL server for the tests: initdb and pg_ctl in a temporary directory,
listening only on a Unix socket. PostgreSQL refuses to run as root, so under root the
server runs as the `postgres` system user.

Where the binaries are missing the tests that need a server are skipped, unless
LAWTASKS_REQUIRE_EXTERNAL is set (as .ci/run does), which turns the skip into a failure.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_counter = itertools.count()


def _find(binary: str) -> str | None:
    found = shutil.which(binary)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{binary}"), reverse=True):
        return str(candidate)
    return None


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


class Server:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.socket = root / "socket"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket}"

    def new_database(self, template: str | None = None) -> str:
        """A new empty database, or a copy of the database `template` (a URL of ours)."""
        import psycopg
        from sqlalchemy import make_url

        name = f"ledger_{os.getpid()}_{next(_counter)}"
        copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
        with psycopg.connect(host=str(self.socket), user="postgres", dbname="postgres",
                             autocommit=True) as connection:  # fmt: skip
            if template:
                # A template must have no sessions; the app's pool may still hold one.
                connection.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    (make_url(template).database,),
                )
            connection.execute(f'CREATE DATABASE "{name}"{copy} STRATEGY FILE_COPY')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database of ours once its test is done: a run creates about a thousand,
        each a copy of the template's files, which would otherwise all stay on disk (or in
        memory, see start_server) until the server stops."""
        import psycopg
        from sqlalchemy import make_url

        name = make_url(url).database
        with psycopg.connect(host=str(self.socket), user="postgres", dbname="postgres",
                             autocommit=True) as connection:  # fmt: skip
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_server() -> Iterator[Server]:
    initdb, pg_ctl = _find("initdb"), _find("pg_ctl")
    missing = initdb is None or pg_ctl is None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("LAWTASKS_REQUIRE_EXTERNAL"):
            pytest.fail("PostgreSQL (initdb, pg_ctl and psycopg) is required here")
        pytest.skip("PostgreSQL binaries or psycopg are not installed")
    assert initdb is not None
    assert pg_ctl is not None
    # In memory where the machine has a tmpfs: the tests' databases are written and dropped
    # by the hundred, and fsync is off anyway (nothing here needs to survive a crash).
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    root = Path(tempfile.mkdtemp(prefix="lawtasks-pg-", dir=base))
    server = Server(root)
    server.socket.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(server.socket, "postgres")
    subprocess.run(
        _as_server_user([initdb, "-D", str(server.data), "-U", "postgres", "--auth=trust",
                         "-E", "UTF8", "--locale=C"]),
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-k {server.socket} -c listen_addresses='' -c fsync=off"
    subprocess.run(
        _as_server_user([pg_ctl, "-D", str(server.data), "-o", options, "-w", "-l",
                         str(root / "server.log"), "start"]),
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield server
    finally:
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(server.data), "-m", "immediate", "stop"]),
            capture_output=True, check=False,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)
