"""Units and roles: who may change what, checked by the service on both engines, and on
PostgreSQL enforced by the database itself against a unit officer's own login."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from lawtasks.audit import verify
from lawtasks.cli import app
from lawtasks.db import make_engine
from lawtasks.errors import DomainError
from lawtasks.models import Event, Note, User
from lawtasks.readmodel import list_users
from lawtasks.seed import seed
from lawtasks.services import Ledger

from .postgres import Server
from .test_services import item_row, snapshot


def with_units(engine: Engine) -> Engine:
    """A coordinator (office), an officer of 司法局 (alice) and one of 县公安局 (bob); items
    2.1 and 2.2 led by 司法局, 3.1 by 县公安局, the rest by nobody."""
    office = Ledger(engine, actor="office")
    office.add_user("office", unit="法治办", coordinator=True)
    office.add_user("alice", unit="司法局")
    office.add_user("bob", unit="县公安局")
    office.update(["2.1", "2.2"], lead_unit="司法局")
    office.update(["3.1"], lead_unit="县公安局")
    return engine


@pytest.fixture
def units(engine: Engine) -> Engine:
    return with_units(engine)


def test_without_users_anyone_may_change_anything(engine: Engine) -> None:
    assert list_users(engine) == []
    anyone = Ledger(engine, actor="anyone")
    anyone.update(["2.1"], progress=10)
    anyone.add_note("2", "a task note")
    item = item_row(engine, "2.1")
    assert (item.progress, item.updated_by) == (10, "anyone")
    with Session(engine) as session:
        notes = session.exec(select(Note.author, Note.text)).all()
        changes = session.exec(
            select(Event.actor, Event.action, Event.field, Event.new)
            .where(Event.action != "import")
            .order_by(col(Event.id))
        ).all()
    assert ("anyone", "a task note") in notes
    assert changes == [
        ("anyone", "set", "status", "in_progress"),
        ("anyone", "set", "progress", "10"),
        ("anyone", "note", "note", "a task note"),
    ]


def test_the_first_user_must_be_a_coordinator(engine: Engine) -> None:
    before = snapshot(engine)
    with pytest.raises(DomainError) as error:
        Ledger(engine, actor="alice").add_user("alice", unit="司法局")
    assert "--coordinator" in str(error.value)
    assert snapshot(engine) == before


def test_an_officer_changes_their_own_units_items(units: Engine) -> None:
    outcome = Ledger(units, actor="alice").update(["2.1"], progress=40, note="on track")
    assert outcome.actor == "alice"
    assert item_row(units, "2.1").progress == 40
    assert item_row(units, "2.1").updated_by == "alice"


def test_another_units_item_is_refused_naming_who_may(units: Engine) -> None:
    before = snapshot(units)
    with pytest.raises(DomainError) as error:
        Ledger(units, actor="alice").update(["3.1"], progress=40)
    message = str(error.value)
    assert "alice (司法局) may not change 3.1" in message
    assert "its lead unit is 县公安局" in message
    assert "officers of 县公安局: bob" in message
    assert "coordinators: office" in message
    assert snapshot(units) == before


def test_one_refused_item_refuses_the_whole_call(units: Engine) -> None:
    before = snapshot(units)
    with pytest.raises(DomainError, match=r"3\.1"):
        Ledger(units, actor="alice").update(["2.1", "3.1"], status="done")
    assert snapshot(units) == before


def test_an_item_without_a_lead_unit_is_a_coordinators(units: Engine) -> None:
    with pytest.raises(DomainError, match="has no lead unit"):
        Ledger(units, actor="alice").update(["1.1"], progress=5)
    Ledger(units, actor="office").update(["1.1"], progress=5)
    assert item_row(units, "1.1").progress == 5


def test_only_a_coordinator_hands_an_item_to_another_unit(units: Engine) -> None:
    with pytest.raises(DomainError, match=r"may not hand 2\.1 to 县公安局"):
        Ledger(units, actor="alice").update(["2.1"], lead_unit="县公安局")
    Ledger(units, actor="office").update(["2.1"], lead_unit="县公安局")
    assert item_row(units, "2.1").lead_unit == "县公安局"


def test_notes_follow_the_same_rule(units: Engine) -> None:
    alice = Ledger(units, actor="alice")
    alice.add_note("2.2", "ours")
    with pytest.raises(DomainError, match=r"3\.1"):
        alice.add_note("3.1", "theirs")
    with pytest.raises(DomainError, match="no lead unit"):
        alice.add_note("2", "on a task without a lead unit")


def test_someone_not_on_the_ledger_changes_nothing(units: Engine) -> None:
    before = snapshot(units)
    with pytest.raises(DomainError) as error:
        Ledger(units, actor="mallory").update(["2.1"], progress=90)
    assert "mallory is not a user of this ledger" in str(error.value)
    assert "coordinators: office" in str(error.value)
    assert snapshot(units) == before


def test_only_a_coordinator_imports_and_manages_users(units: Engine) -> None:
    with pytest.raises(DomainError, match="may not manage users"):
        Ledger(units, actor="alice").add_user("carol", unit="司法局")
    with pytest.raises(DomainError, match="may not import a plan"):
        seed(units, actor="alice")
    Ledger(units, actor="office").add_user("carol", unit="司法局")
    assert [u.name for u in list_users(units)] == ["office", "bob", "alice", "carol"]


def test_an_officer_undoes_their_own_change_but_not_after_a_handoff(units: Engine) -> None:
    alice = Ledger(units, actor="alice")
    alice.update(["2.2"], progress=20)
    alice.undo()
    assert item_row(units, "2.2").progress == 0
    alice.update(["2.2"], progress=30)
    Ledger(units, actor="office").update(["2.2"], lead_unit="县公安局")
    with pytest.raises(DomainError, match="lead unit is 县公安局"):
        alice.undo()


def test_the_last_coordinator_stays(units: Engine) -> None:
    office = Ledger(units, actor="office")
    with pytest.raises(DomainError, match="last coordinator"):
        office.remove_user("office")
    with pytest.raises(DomainError, match="last coordinator"):
        office.add_user("office", unit="法治办", coordinator=False)
    office.remove_user("bob")
    assert [u.name for u in list_users(units)] == ["office", "alice"]
    with pytest.raises(DomainError, match="no user bob"):
        office.remove_user("bob")


def user_events(engine: Engine, subject: str) -> list[tuple[object, ...]]:
    """The trail's events about one user, oldest first: who, what, old and new value."""
    with Session(engine) as session:
        rows = session.exec(select(Event).where(Event.subject == subject).order_by(col(Event.id)))
        return [(e.actor, e.action, e.field, e.old, e.new, e.plan_id) for e in rows]


def test_user_changes_are_in_the_chained_trail(units: Engine) -> None:
    office = Ledger(units, actor="office")
    office.add_user("alice", unit="县公安局")
    office.add_user("carol", unit="司法局", coordinator=True)
    office.remove_user("carol")
    with Session(units) as session:
        alice = session.get(User, "alice")
    assert alice is not None
    assert alice.unit == "县公安局"
    # Users belong to no plan: their events carry no plan_id, yet are chained all the same.
    assert user_events(units, "alice") == [
        ("office", "user", "user", None, "alice", None),  # with_units adds her
        ("office", "user", "unit", None, "司法局", None),
        ("office", "user", "unit", "司法局", "县公安局", None),
    ]
    assert user_events(units, "carol") == [
        ("office", "user", "user", None, "carol", None),
        ("office", "user", "unit", None, "司法局", None),
        ("office", "user", "coordinator", "no", "yes", None),
        ("office", "user", "user", "carol", None, None),
    ]
    report = verify(units)
    assert report.intact


def test_users_list_counts_the_items_each_may_change(units: Engine) -> None:
    users = {u.name: u for u in list_users(units)}
    assert users["office"].items == 18
    assert users["alice"].items == 2
    assert users["bob"].items == 1


# -- PostgreSQL: the database enforces the rules against an officer's own login ----------------


def _login(engine: Engine, role: str) -> Engine:
    """The same database, connected as `role` (the test server trusts its Unix socket)."""
    return create_engine(engine.url.set(username=role))


@pytest.fixture
def pg_units(postgres: Server) -> Iterator[Engine]:
    engine = make_engine(postgres.new_database())
    seed(engine, actor="seeder")
    yield with_units(engine)
    engine.dispose()


@pytest.fixture
def alice_login(pg_units: Engine) -> Iterator[Engine]:
    login = _login(pg_units, "alice")
    yield login
    login.dispose()


def _refused_at_commit(login: Engine, statement: str) -> str:
    """The statement runs; the transaction is refused when it commits."""
    with pytest.raises(DBAPIError) as error, login.begin() as connection:
        connection.execute(text(statement))
    return str(error.value.orig)


def _refused(login: Engine, statement: str) -> str:
    with login.connect() as connection, pytest.raises(DBAPIError) as error:
        connection.execute(text(statement))
    return str(error.value.orig)


def test_rls_an_officers_login_cannot_update_another_units_item(
    pg_units: Engine, alice_login: Engine
) -> None:
    units = pg_units
    before = snapshot(units)
    with alice_login.begin() as connection:
        theirs = connection.execute(
            text("UPDATE item SET progress = 90 WHERE lead_unit = '县公安局'")
        )
        unowned = connection.execute(text("UPDATE item SET progress = 90 WHERE lead_unit IS NULL"))
    assert theirs.rowcount == 0
    assert unowned.rowcount == 0
    assert snapshot(units) == before
    # Their own unit's items: through the app, which records the change, and not without it.
    reason = _refused_at_commit(
        alice_login,
        "UPDATE item SET progress = 60, updated_by = 'alice', version = version + 1"
        " WHERE lead_unit = '司法局'",
    )
    assert "without its event" in reason
    assert snapshot(units) == before
    Ledger(alice_login).update(["2.1", "2.2"], progress=60)
    assert [item_row(units, ref).progress for ref in ("2.1", "2.2")] == [60, 60]
    assert verify(units).intact


def test_rls_an_officers_login_cannot_bypass_the_rules_another_way(
    pg_units: Engine, alice_login: Engine
) -> None:
    units = pg_units
    before = snapshot(units)
    reason = _refused(
        alice_login, "UPDATE item SET lead_unit = '县公安局' WHERE lead_unit = '司法局'"
    )
    assert "only a coordinator changes an item's title, text, task, number or lead unit" in reason
    assert "permission denied" in _refused(alice_login, "DELETE FROM event")
    assert "permission denied" in _refused(alice_login, "UPDATE event SET actor = 'bob'")
    assert "permission denied" in _refused(alice_login, "DELETE FROM item")
    assert "row-level security" in _refused(
        alice_login, "INSERT INTO ledger_user VALUES ('eve', '县公安局', true)"
    )
    assert "only in their own name, not as bob" in _refused(
        alice_login,
        "INSERT INTO event (plan_id, batch, actor, at, action, digest) "
        "VALUES (1, 'x', 'bob', now(), 'set', '')",
    )
    with alice_login.begin() as connection:
        promoted = connection.execute(
            text("UPDATE ledger_user SET coordinator = true WHERE name = 'alice'")
        )
    assert promoted.rowcount == 0
    assert snapshot(units) == before
    with Session(units) as session:
        assert [u.name for u in session.exec(select(User).where(User.coordinator))] == ["office"]


def test_rls_the_app_under_an_officers_login_records_the_login(
    pg_units: Engine, alice_login: Engine
) -> None:
    units = pg_units
    # LAWTASKS_USER says "tester"; the database login is who the officer is.
    runner = CliRunner()
    url = alice_login.url.render_as_string(hide_password=False)
    result = runner.invoke(app, ["--db", url, "set", "2.1", "--progress", "45"])
    assert result.exit_code == 0, result.output
    row = item_row(units, "2.1")
    assert (row.progress, row.updated_by) == (45, "alice")

    refused = runner.invoke(app, ["--db", url, "set", "3.1", "--progress", "45"])
    assert refused.exit_code == 1
    assert "alice (司法局) may not change 3.1" in refused.output
    assert "officers of 县公安局: bob" in refused.output

    impostor = runner.invoke(app, ["--db", url, "--user", "bob", "set", "2.1", "--progress", "50"])
    assert impostor.exit_code == 1
    assert "Connected to PostgreSQL as alice" in impostor.output
    assert item_row(units, "2.1").progress == 45
    assert verify(units).intact


def test_rls_users_add_sets_up_the_login(pg_units: Engine) -> None:
    units = pg_units
    Ledger(units, actor="office").add_user("carol", unit="县公安局")
    carol = _login(units, "carol")
    try:
        Ledger(carol).update(["3.1"], progress=10)
        assert item_row(units, "3.1").updated_by == "carol"
    finally:
        carol.dispose()
    Ledger(units, actor="office").remove_user("carol")
    carol = _login(units, "carol")
    try:
        assert "permission denied" in _refused(carol, "SELECT * FROM item")
    finally:
        carol.dispose()
