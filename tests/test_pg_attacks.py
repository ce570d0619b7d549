"""A hostile officer with their own PostgreSQL login, used from psycopg instead of lawtasks.

Each test scripts one attack of issue 13 (items 8 and 9) against a real server and asserts
that the database refuses it or that it does no harm: every row as it was and the chain
still intact. The officers' logins are made by the app's own `users add`, as the README
tells a county to do.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from lawtasks import db
from lawtasks.access import install_policies
from lawtasks.audit import digest, verify
from lawtasks.cli import app
from lawtasks.db import make_engine
from lawtasks.errors import DatabaseError, DomainError
from lawtasks.models import Event
from lawtasks.readmodel import load_plan
from lawtasks.seed import seed
from lawtasks.services import ItemReturn, Ledger

from .conftest import TODAY
from .postgres import Server

# Names of our own, so that other test files removing "alice" or "bob" from the officers'
# group (roles are the server's, not one database's) cannot change what these tests see.
COORDINATOR, OFFICER, OTHER = "pa_fzb", "pa_zhang", "pa_wang"
OURS, THEIRS = "县司法局", "县公安局"
TABLES = ("plan", "task", "item", "note", "event", "ledger_user")


def _cli(url: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", url, "--user", COORDINATOR, *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def template(postgres: Server) -> str:
    """A seeded ledger with a coordinator and one officer for each of two units: 2.1 and 2.2
    are ours (县司法局), 3.1 is theirs (县公安局)."""
    url = postgres.new_database()
    engine = make_engine(url)
    seed(engine, actor=COORDINATOR)
    engine.dispose()
    _cli(url, "users", "add", COORDINATOR, "--unit", "法治办", "--coordinator")
    _cli(url, "users", "add", OFFICER, "--unit", OURS)
    _cli(url, "users", "add", OTHER, "--unit", THEIRS)
    _cli(url, "set", "2.1", "2.2", "--unit", OURS)
    _cli(url, "set", "3.1", "--unit", THEIRS)
    return url


class Ledger13:
    """One copy of the template: the owner's engine, and psycopg logins as any role."""

    def __init__(self, postgres: Server, url: str) -> None:
        self.postgres = postgres
        self.url = url
        self.engine = make_engine(url)
        self.dbname = make_url(url).database

    def connect(self, role: str, **kwargs: Any) -> psycopg.Connection[Any]:
        return psycopg.connect(
            host=str(self.postgres.socket), user=role, dbname=self.dbname, **kwargs
        )

    def login_url(self, role: str) -> str:
        return make_url(self.url).set(username=role).render_as_string(hide_password=False)

    def one(self, query: str, *params: object) -> Any:
        with self.connect("postgres") as connection:
            row = connection.execute(query, params).fetchone()
        assert row is not None
        return row[0] if len(row) == 1 else row

    def item_id(self, ref: str) -> int:
        task, item = (int(part) for part in ref.split("."))
        return int(
            self.one(
                "SELECT i.id FROM item i JOIN task k ON k.id = i.task_id"
                " WHERE k.seq = %s AND i.seq = %s",
                task,
                item,
            )
        )

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, as the owner sees it: 'no harm' means equal."""
        with self.connect("postgres") as connection:
            return {
                table: connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in TABLES
            }

    def attempt(self, role: str, *statements: str | tuple[str, tuple[object, ...]]) -> str | None:
        """Run the statements as `role` in one transaction and commit; the error, if refused."""
        try:
            with self.connect(role) as connection:
                for statement in statements:
                    if isinstance(statement, tuple):
                        connection.execute(statement[0], statement[1])
                    else:
                        connection.execute(statement)
        except psycopg.Error as error:
            return str(error)
        return None


@pytest.fixture
def ledger(postgres: Server, template: str) -> Iterator[Ledger13]:
    copy = Ledger13(postgres, postgres.new_database(template=template))
    # A database's own privileges (TEMP among them) are not copied from its template: the
    # policies are installed again, as `db upgrade` would, which also shows they may be.
    with copy.engine.begin() as connection:
        install_policies(connection)
    yield copy
    copy.engine.dispose()


def _chained_event(ledger: Ledger13, **columns: object) -> tuple[str, tuple[object, ...]]:
    """An INSERT of an event whose digest chains correctly after the current last one, as an
    attacker who has read lawtasks.audit would write it."""
    previous = ledger.one("SELECT coalesce((SELECT digest FROM event ORDER BY id DESC LIMIT 1),"
                          " repeat('0', 64))")  # fmt: skip
    values: dict[str, object] = {
        "plan_id": None, "task_id": None, "item_id": None, "note_id": None, "batch": "forged",
        "actor": OFFICER, "at": datetime.now(UTC), "action": "set", "field": "progress",
        "old": "0", "new": "99", "reverts": None, "subject": None,
    }  # fmt: skip
    values.update(columns)
    event = Event(**{name: value for name, value in values.items() if name != "id"})
    values["digest"] = digest(previous, event)
    names = ", ".join(values)
    marks = ", ".join(["%s"] * len(values))
    return f"INSERT INTO event ({names}) VALUES ({marks})", tuple(values.values())


def _item_event(ledger: Ledger13, ref: str, **columns: object) -> tuple[str, tuple[object, ...]]:
    item = ledger.item_id(ref)
    task, plan = ledger.one(
        "SELECT k.id, k.plan_id FROM item i JOIN task k ON k.id = i.task_id WHERE i.id = %s",
        item,
    )
    return _chained_event(ledger, **{"plan_id": plan, "task_id": task, "item_id": item, **columns})


def _as(ledger: Ledger13, role: str) -> Iterator[Ledger]:
    engine = make_engine(ledger.login_url(role))
    try:
        yield Ledger(engine)
    finally:
        engine.dispose()


@pytest.fixture
def zhang(ledger: Ledger13) -> Iterator[Ledger]:
    yield from _as(ledger, OFFICER)


@pytest.fixture
def fzb(ledger: Ledger13) -> Iterator[Ledger]:
    yield from _as(ledger, COORDINATOR)


# -- what the app writes through its users' own logins still goes in -------------------------


def test_the_app_works_under_an_officers_and_a_coordinators_login(
    ledger: Ledger13, zhang: Ledger, fzb: Ledger
) -> None:
    zhang.update(["2.1"], progress=30, due="6月底", note="on track")
    zhang.add_note("2.1", "a second note")
    zhang.undo()  # retracts the second note
    zhang.undo()  # the update and its note
    zhang.update(["2.1", "2.2"], status="done")
    zhang.apply_returns([ItemReturn(ref="2.2", for_unit=OURS, progress=50, note="ours")])
    fzb.apply_returns([ItemReturn(ref="3.1", for_unit=THEIRS, progress=20, note="theirs")])
    fzb.update(["3.1"], lead_unit=OURS)
    fzb.undo()
    zhang.update(["2.2"], status="done")
    zhang.update(["2.2"], status="in_progress")  # reopened: back to 50 from the trail
    rows = ledger.one(
        "SELECT array_agg(progress || ':' || updated_by ORDER BY id) FROM item WHERE id IN"
        " (%s, %s, %s)",
        ledger.item_id("2.1"),
        ledger.item_id("2.2"),
        ledger.item_id("3.1"),
    )
    assert rows == [f"100:{OFFICER}", f"50:{OFFICER}", f"20:{COORDINATOR}"]
    notes = ledger.one("SELECT array_agg(retracted ORDER BY id) FROM note")
    assert notes == [True, True, False, False]
    assert verify(ledger.engine).intact


def test_an_officer_notes_a_task_their_unit_leads(ledger: Ledger13, zhang: Ledger) -> None:
    # No command gives a task a lead unit (a report does, on import): the owner sets one.
    ledger.attempt("postgres", f"UPDATE task SET lead_unit = '{OURS}' WHERE seq = 2")
    zhang.add_note("2", "a note on our task")
    zhang.undo()
    assert ledger.one("SELECT array_agg(retracted) FROM note WHERE task_id IS NOT NULL") == [True]
    with pytest.raises(DomainError, match="no lead unit"):
        zhang.add_note("3", "a task nobody leads")
    plan, task = ledger.one("SELECT plan_id, id FROM task WHERE seq = 3")
    forged = ledger.attempt(
        OFFICER,
        "INSERT INTO note (plan_id, task_id, text, author, created_at, retracted)"
        f" VALUES ({plan}, {task}, 'forged', '{OFFICER}', now(), false)",
    )
    assert forged is not None


# -- issue 13, item 8: a temporary table named like the users' table ---------------------------


def test_a_temp_ledger_user_table_is_refused(ledger: Ledger13) -> None:
    before = ledger.dump()
    refused = ledger.attempt(
        OFFICER,
        "CREATE TEMP TABLE ledger_user (name text, unit text, coordinator boolean)",
        f"INSERT INTO ledger_user VALUES ('{OFFICER}', NULL, true)",
        "UPDATE item SET progress = 99 WHERE lead_unit = '县公安局'",
        "INSERT INTO public.ledger_user VALUES ('pa_eve', NULL, true)",
    )
    assert refused is not None
    assert "permission denied to create temporary tables" in refused
    assert ledger.dump() == before


def test_a_temp_table_does_not_make_a_coordinator_even_where_temp_is_allowed(
    ledger: Ledger13,
) -> None:
    """TEMP given back by a careless administrator: the policies still read the ledger's own
    users' table, whatever the officer puts first on the search path."""
    ledger.attempt("postgres", f"GRANT TEMP ON DATABASE {ledger.dbname} TO {OFFICER}")
    before = ledger.dump()
    outcomes = []
    for search_path in ("", "SET search_path = pg_temp, public"):
        with ledger.connect(OFFICER) as connection:
            if search_path:
                connection.execute(search_path)
            connection.execute(
                "CREATE TEMP TABLE ledger_user (name text, unit text, coordinator boolean)"
            )
            connection.execute(f"INSERT INTO pg_temp.ledger_user VALUES ('{OFFICER}', NULL, true)")
            theirs = connection.execute(
                "UPDATE public.item SET progress = 99 WHERE lead_unit = '县公安局'"
            ).rowcount
            try:
                connection.execute("INSERT INTO public.ledger_user VALUES ('pa_eve', NULL, true)")
                outcomes.append((theirs, "user made"))
            except psycopg.Error as error:
                outcomes.append((theirs, str(error).splitlines()[0]))
    assert [theirs for theirs, _ in outcomes] == [0, 0]
    assert all("row-level security" in reason for _, reason in outcomes), outcomes
    assert ledger.dump() == before


def test_the_policy_functions_fix_their_search_path(ledger: Ledger13) -> None:
    with ledger.connect("postgres") as connection:
        functions = connection.execute(
            "SELECT p.proname, p.proconfig, p.prosecdef FROM pg_proc p"
            " WHERE p.proname LIKE 'lawtasks%%' ORDER BY 1"
        ).fetchall()
    assert functions
    for name, config, definer in functions:
        assert config is not None, name
        assert any(c.startswith("search_path=pg_catalog, ") for c in config), (name, config)
        assert any(c.endswith(", pg_temp") for c in config), (name, config)
        assert not definer, name


# -- item 9: events -----------------------------------------------------------------------


def test_a_chained_event_on_another_units_item_is_refused(ledger: Ledger13) -> None:
    before = ledger.dump()
    refused = ledger.attempt(OFFICER, _item_event(ledger, "3.1"))
    assert refused is not None
    assert "3.1" in refused or "lead unit" in refused
    assert ledger.dump() == before
    assert verify(ledger.engine).intact


def test_an_event_in_another_units_name_or_for_another_unit_is_refused(ledger: Ledger13) -> None:
    before = ledger.dump()
    assert ledger.attempt(OFFICER, _item_event(ledger, "2.1", actor=OTHER)) is not None
    assert ledger.attempt(OFFICER, _item_event(ledger, "2.1", action="user",
                                               subject=OFFICER)) is not None  # fmt: skip
    # An event that names one item and another item's task or plan.
    assert ledger.attempt(OFFICER, _item_event(ledger, "2.1", task_id=1)) is not None
    assert ledger.dump() == before


def test_an_event_with_a_chosen_id_is_refused_and_the_next_change_verifies(
    ledger: Ledger13,
) -> None:
    before = ledger.dump()
    statement, params = _item_event(ledger, "2.1")
    far = statement.replace("INSERT INTO event (", "INSERT INTO event (id, ").replace(
        "VALUES (", "VALUES (2000000000, "
    )
    assert ledger.attempt(OFFICER, (far, params)) is not None
    # An id below the last one: an event slipped into the middle of the chain.
    low = far.replace("VALUES (2000000000, ", "VALUES (1, ")
    assert ledger.attempt(OFFICER, (low, params)) is not None
    assert ledger.dump() == before
    Ledger(ledger.engine, actor=COORDINATOR).update(["2.1"], progress=30)
    assert verify(ledger.engine).intact


def test_an_event_cannot_join_or_revert_another_actors_batch(ledger: Ledger13) -> None:
    """Undo hijacking: an event that 'reverts' the other unit's last change would make their
    undo skip it; an event in their batch would be undone with it."""
    wang = make_engine(ledger.login_url(OTHER))
    try:
        theirs = Ledger(wang).update(["3.1"], progress=40)
    finally:
        wang.dispose()
    assert theirs.batch is not None
    before = ledger.dump()
    hijack = _item_event(ledger, "2.1", action="undo", reverts=theirs.batch)
    assert ledger.attempt(OFFICER, hijack) is not None
    joined = _item_event(ledger, "2.1", batch=theirs.batch)
    assert ledger.attempt(OFFICER, joined) is not None
    assert ledger.dump() == before
    # Their undo still reverts their change.
    wang = make_engine(ledger.login_url(OTHER))
    try:
        Ledger(wang).undo()
    finally:
        wang.dispose()
    assert ledger.one("SELECT progress FROM item WHERE id = %s", ledger.item_id("3.1")) == 0
    assert verify(ledger.engine).intact


# -- item 9: notes ------------------------------------------------------------------------


def _own_note(ledger: Ledger13) -> int:
    zhang = make_engine(ledger.login_url(OFFICER))
    try:
        Ledger(zhang).add_note("2.1", "on track")
    finally:
        zhang.dispose()
    return int(ledger.one("SELECT id FROM note WHERE author = %s", OFFICER))


def test_a_note_cannot_be_moved_or_rewritten(ledger: Ledger13) -> None:
    note = _own_note(ledger)
    theirs = ledger.item_id("3.1")
    before = ledger.dump()
    for change in (
        f"item_id = {theirs}",
        "task_id = 1, item_id = NULL",
        "plan_id = plan_id + 0, text = 'rewritten'",
        f"author = '{OTHER}'",
        "created_at = created_at - interval '1 day'",
    ):
        refused = ledger.attempt(OFFICER, f"UPDATE note SET {change} WHERE id = {note}")
        assert refused is not None, change
        # Not even a coordinator rewrites what an officer said.
        assert ledger.attempt(COORDINATOR, f"UPDATE note SET {change} WHERE id = {note}")
    assert ledger.dump() == before
    assert verify(ledger.engine).intact


def test_a_note_is_not_added_or_retracted_without_its_event(ledger: Ledger13) -> None:
    note = _own_note(ledger)
    before = ledger.dump()
    plan, task, item = ledger.one(
        "SELECT k.plan_id, k.id, i.id FROM item i JOIN task k ON k.id = i.task_id WHERE i.id = %s",
        ledger.item_id("2.1"),
    )
    added = ledger.attempt(
        OFFICER,
        f"INSERT INTO note (plan_id, task_id, item_id, text, author, created_at, retracted)"
        f" VALUES ({plan}, {task}, {item}, 'unrecorded', '{OFFICER}', now(), false)",
    )
    assert added is not None
    assert ledger.attempt(OFFICER, f"UPDATE note SET retracted = true WHERE id = {note}")
    assert ledger.dump() == before


# -- item 9: items -----------------------------------------------------------------------------


def test_an_officer_cannot_rewrite_an_items_official_text_or_move_it(ledger: Ledger13) -> None:
    before = ledger.dump()
    ours = ledger.item_id("2.1")
    for change in (
        "title = 'rewritten', updated_by = 'pa_zhang', version = version + 1",
        "text = 'rewritten', updated_by = 'pa_zhang', version = version + 1",
        "task_id = 1, updated_by = 'pa_zhang', version = version + 1",
        "seq = 9, updated_by = 'pa_zhang', version = version + 1",
    ):
        assert ledger.attempt(OFFICER, f"UPDATE item SET {change} WHERE id = {ours}"), change
    assert ledger.dump() == before


def test_an_officers_change_is_in_their_name_and_has_its_event(ledger: Ledger13) -> None:
    before = ledger.dump()
    ours = ledger.item_id("2.1")
    # In someone else's name, with its event: refused.
    statement = _item_event(ledger, "2.1", old="0", new="50", field="progress")
    in_their_name = ledger.attempt(
        OFFICER,
        f"UPDATE item SET progress = 50, status = 'in_progress', updated_by = '{OTHER}',"
        f" version = version + 1 WHERE id = {ours}",
        statement,
    )
    assert in_their_name is not None
    # In their own name, without an event: refused when the transaction commits.
    unrecorded = ledger.attempt(
        OFFICER,
        f"UPDATE item SET progress = 50, updated_by = '{OFFICER}', version = version + 1"
        f" WHERE id = {ours}",
    )
    assert unrecorded is not None
    assert ledger.dump() == before


# -- item 9: the writers' lock held by an idle session -----------------------------------------


def test_a_held_writer_lock_makes_writers_give_up_naming_the_holder(
    ledger: Ledger13, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "WRITER_LOCK_TIMEOUT_MS", 2000, raising=False)
    before = ledger.dump()
    holder = ledger.connect(OFFICER, autocommit=True, application_name="psql")
    holder.execute("SELECT pg_advisory_lock(%s)", (db.WRITER_LOCK,))
    outcome: list[BaseException | None] = []

    def write() -> None:
        try:
            Ledger(ledger.engine, actor=COORDINATOR).update(["2.1"], progress=10)
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    writer = threading.Thread(target=write, daemon=True)
    started = time.monotonic()
    writer.start()
    writer.join(30)
    hung = writer.is_alive()
    holder.close()  # lets a hung writer finish, so that the test fails rather than hangs
    writer.join(30)
    assert not hung, "the writer waited on the held lock without giving up"
    assert time.monotonic() - started < 25
    (error,) = outcome
    assert isinstance(error, DatabaseError), error
    message = str(error)
    assert OFFICER in message
    assert "psql" in message
    assert ledger.dump() == before
    # The lock released, writing works again.
    Ledger(ledger.engine, actor=COORDINATOR).update(["2.1"], progress=10)


def test_a_held_table_lock_makes_readers_and_writers_give_up(
    ledger: Ledger13, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LOCK TABLE needs only the UPDATE every officer has on items: held idle, it would stop
    every reader and writer of the county's ledger with no end."""
    monkeypatch.setattr(db, "WRITER_LOCK_TIMEOUT_MS", 2000, raising=False)
    before = ledger.dump()
    holder = ledger.connect(OFFICER, application_name="psql")
    holder.execute("LOCK TABLE item IN ACCESS EXCLUSIVE MODE")
    engine = make_engine(ledger.url)
    outcome: list[BaseException | None] = []

    def read_and_write() -> None:
        for attempt in (
            lambda: load_plan(engine, slug=None, today=TODAY),
            lambda: Ledger(engine, actor=COORDINATOR).update(["2.1"], progress=10),
        ):
            try:
                attempt()
                outcome.append(None)
            except BaseException as error:
                outcome.append(error)

    worker = threading.Thread(target=read_and_write, daemon=True)
    worker.start()
    worker.join(30)
    hung = worker.is_alive()
    holder.close()
    worker.join(30)
    engine.dispose()
    assert not hung, "a reader or writer waited on the held table lock without giving up"
    assert len(outcome) == 2
    for error in outcome:
        assert isinstance(error, OperationalError), error
        assert "lock timeout" in str(error)
    assert ledger.dump() == before
