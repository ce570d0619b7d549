"""Plans never switch unseen: which plan a command uses (one rule, both readers), the plan
in use and how it changes (`plans use`, never `import`), archiving, removing after a
backup, a plan's own period end and tolerance; each change an event that `verify` replays
and `undo` reverts; on PostgreSQL, a coordinator's login may and an officer's may not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from lawtasks.audit import verify
from lawtasks.errors import DomainError
from lawtasks.fastread import Reader
from lawtasks.models import Event, Meta, Plan
from lawtasks.parser import parse_report
from lawtasks.reading import list_plans
from lawtasks.readmodel import load_plan, newest_plan_slug, resolve_plan
from lawtasks.services import Ledger

from . import test_cli
from .conftest import TODAY
from .postgres import Server
from .test_access import _login, with_units
from .test_cli import REPORT_2023, Cli, one_error_line
from .test_services import snapshot

SEEDED = "tonglu-2022"

# test_cli's ledgers, on SQLite and PostgreSQL, and its report of 2023.
cli = test_cli.cli
report = test_cli.report
seeded_template = test_cli.seeded_template
seeded_postgres_template = test_cli.seeded_postgres_template


def import_2023(engine: Engine, slug: str = "plan-2023", actor: str = "office") -> None:
    parsed = parse_report(REPORT_2023, source_name=f"{slug}.txt")
    Ledger(engine, actor=actor).import_plan(parsed, slug=slug, new=True)


def in_use(engine: Engine) -> str | None:
    with Session(engine) as session:
        return newest_plan_slug(session)


def recorded_in_use(engine: Engine) -> str | None:
    with Session(engine) as session:
        meta = session.get(Meta, "plan_in_use")
        return None if meta is None else meta.value


def plan_row(engine: Engine, slug: str) -> Plan:
    with Session(engine) as session:
        return session.exec(select(Plan).where(Plan.slug == slug)).one()


def plan_events(engine: Engine) -> list[tuple[str | None, str, str | None, str | None, str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(Event, Plan.slug)
            .join(Plan, col(Plan.id) == Event.plan_id)
            .where(col(Event.action).in_(["plan", "undo"]), col(Event.item_id).is_(None))
            .order_by(col(Event.id))
        ).all()
    return [(event.field, slug, event.old, event.new, event.action) for event, slug in rows]


def chosen(engine: Engine, slug: str | None) -> str:
    with Session(engine) as session:
        return resolve_plan(session, slug).slug


# -- which plan a command uses ------------------------------------------------------------------


def test_an_import_never_changes_the_plan_in_use(engine: Engine) -> None:
    assert recorded_in_use(engine) == SEEDED  # the ledger's first plan
    import_2023(engine)  # a newer year, which the old rule chose at once
    assert in_use(engine) == SEEDED
    assert chosen(engine, None) == SEEDED
    assert load_plan(engine, slug=None, today=TODAY).slug == SEEDED
    assert chosen(engine, "plan-2023") == "plan-2023"
    assert verify(engine).intact


def test_the_choice_named_then_in_use_then_newest_active(engine: Engine) -> None:
    import_2023(engine)
    office = Ledger(engine, actor="office")
    office.use_plan("plan-2023")
    assert chosen(engine, None) == "plan-2023"
    office.use_plan(SEEDED)
    # An archived plan is named, never chosen by default.
    office.archive_plan("plan-2023")
    assert chosen(engine, "plan-2023") == "plan-2023"
    assert chosen(engine, None) == SEEDED
    # With the recorded plan in use gone from meta (a pre-v5 ledger without one), the
    # newest active plan; never an archived one.
    with Session(engine) as session:
        session.delete(session.get(Meta, "plan_in_use"))
        session.commit()
    assert chosen(engine, None) == SEEDED
    office.unarchive_plan("plan-2023")
    assert chosen(engine, None) == "plan-2023"


def test_an_unknown_name_lists_the_plans_and_a_removed_one_says_so(engine: Engine) -> None:
    import_2023(engine)
    with pytest.raises(DomainError) as error:
        chosen(engine, "plan-2024")
    assert str(error.value) == f"No plan plan-2024: the plans are plan-2023, {SEEDED}."
    Ledger(engine, actor="office").remove_plan("plan-2023", backup=lambda: "/backups/x.db")
    with pytest.raises(DomainError) as error:
        chosen(engine, "plan-2023")
    message = str(error.value)
    assert "Plan plan-2023 was removed by office on" in message
    assert "the backup taken then, /backups/x.db, holds it" in message
    assert message.endswith(f"The plans are {SEEDED}.")


@pytest.mark.sqlite_only
def test_the_lean_reader_chooses_as_the_orm_does(engine: Engine, db_path: Path) -> None:
    """fastread.Reader._plan and readmodel.resolve_plan run one statement: over every state
    a plan can be in, named or not, they choose the same plan or none."""
    import_2023(engine)
    office = Ledger(engine, actor="office")

    def both(slug: str | None) -> tuple[str | None, str | None]:
        reader = Reader.open(f"sqlite:///{db_path}")
        assert reader is not None
        try:
            lean = reader.load_plan(slug=slug, today=TODAY)
        finally:
            reader.close()
        try:
            orm: str | None = chosen(engine, slug)
        except DomainError:
            orm = None
        return (None if lean is None else lean.slug), orm

    seen = []
    for step in (
        lambda: None,
        lambda: office.use_plan("plan-2023"),
        lambda: office.use_plan(SEEDED),
        lambda: office.archive_plan("plan-2023"),
        lambda: office.unarchive_plan("plan-2023"),
        lambda: office.remove_plan("plan-2023", backup=lambda: None),
    ):
        step()
        for slug in (None, SEEDED, "plan-2023", "nope"):
            lean, orm = both(slug)
            assert lean == orm, (slug, lean, orm)
            seen.append(orm)
    assert {SEEDED, "plan-2023", None} <= set(seen)


# -- the commands -------------------------------------------------------------------------------


def test_import_says_how_to_switch_and_its_json_says_the_same(cli: Cli, report: Path) -> None:
    result = cli.ok("import", str(report))
    assert "Imported plan plan-2023" in result.stdout
    assert (
        f"The plan in use is still {SEEDED}; to switch to the new plan: "
        "lawtasks plans use plan-2023" in result.stdout
    )
    assert cli.json("summary")["plan"]["slug"] == SEEDED
    second = report.with_name("again.txt")
    second.write_text(REPORT_2023.replace("深化法治宣传教育", "深化普法"), encoding="utf-8")
    data = cli.json("import", str(second), "--slug", "other-2023")
    assert data["plan"] == "other-2023"
    assert data["in_use"] == SEEDED
    assert data["switch"] == "lawtasks plans use other-2023"
    assert (data["tasks"], data["items"]) == (2, 2)
    assert data["batch"]


def test_the_first_plan_of_an_empty_ledger_becomes_the_one_in_use(
    tmp_path: Path, report: Path
) -> None:
    from sqlalchemy import create_engine

    from lawtasks.db import create_schema

    path = tmp_path / "empty.db"
    engine = create_engine(f"sqlite:///{path}")
    create_schema(engine)
    engine.dispose()
    cli = Cli(path, CliRunner())
    result = cli.ok("import", str(report))
    assert "It is the ledger's first plan, and now the plan in use." in result.stdout
    assert cli.json("plans")["in_use"] == "plan-2023"


def test_plans_lists_state_period_tolerance_and_the_plan_in_use(cli: Cli, report: Path) -> None:
    cli.ok("import", str(report))
    cli.ok("plans", "set", "plan-2023", "--end", "11月底", "--tolerance", "5")
    cli.ok("plans", "archive", "plan-2023")
    data = cli.json("plans")
    assert data["in_use"] == SEEDED
    assert data["chosen"] is None
    assert data["plans"] == [
        {"slug": SEEDED, "title": "桐庐县2021年度法治政府建设情况报告",
         "name": "桐庐县2022年主要工作任务", "year": 2022, "items": 18, "state": "active",
         "period_end": "2022-12-31", "tolerance": 10,
         "in_use": True},
        {"slug": "plan-2023", "title": "桐庐县2022年度法治政府建设情况报告",
         "name": "桐庐县2023年工作打算", "year": 2023, "items": 2, "state": "archived",
         "period_end": "2023-11-30", "tolerance": 5,
         "in_use": False},
    ]  # fmt: skip
    lines = cli.ok("plans", env={"COLUMNS": "120"}).stdout.splitlines()
    assert lines[1].startswith(f"* {SEEDED}")
    assert "archived  2023-11-30  5" in lines[2]
    assert f"The plan in use: {SEEDED}" in lines[-1]
    # LAWTASKS_PLAN is said, where it names another plan than the one in use.
    named = cli.ok("plans", env={"LAWTASKS_PLAN": "plan-2023"}).stdout
    assert "--plan or LAWTASKS_PLAN names plan-2023: commands here use it." in named
    assert cli.json("plans", env={"LAWTASKS_PLAN": "plan-2023"})["chosen"] == "plan-2023"


def test_lawtasks_plan_comes_after_plan_and_before_the_plan_in_use(cli: Cli, report: Path) -> None:
    cli.ok("import", str(report))
    assert cli.json("summary")["plan"]["slug"] == SEEDED
    env: dict[str, str | None] = {"LAWTASKS_PLAN": "plan-2023"}
    assert cli.json("summary", env=env)["plan"]["slug"] == "plan-2023"
    assert cli.json("--plan", SEEDED, "summary", env=env)["plan"]["slug"] == SEEDED
    assert cli.json("summary", "--plan", SEEDED, env=env)["plan"]["slug"] == SEEDED
    cli.ok("set", "1.1", "--progress", "30", env=env)  # writes go to it too
    assert cli.json("show", "1.1", "--plan", "plan-2023")["item"]["progress"] == 30
    assert cli.json("show", "1.1")["item"]["progress"] == 0
    line = one_error_line(cli("summary", env={"LAWTASKS_PLAN": "plan-2099"}))
    assert line == f"lawtasks: No plan plan-2099: the plans are plan-2023, {SEEDED}."


def test_use_archive_unarchive_and_set_are_events_and_say_what_changed(
    cli: Cli, report: Path
) -> None:
    cli.ok("import", str(report))
    used = cli.ok("plans", "use", "plan-2023").stdout
    assert "plan-2023  plan in use tonglu-2022 → plan-2023" in used
    assert cli.json("summary")["plan"]["slug"] == "plan-2023"
    assert cli.ok("plans", "use", "plan-2023").stdout.startswith("Nothing changed")
    archived = cli.json("plans", "archive", SEEDED)
    assert archived["changes"] == [{"id": SEEDED, "field": "state", "old": "active",
                                    "new": "archived"}]  # fmt: skip
    # use reactivates an archived plan, in one batch with the choice.
    data = cli.json("plans", "use", SEEDED)
    assert [(c["field"], c["old"], c["new"]) for c in data["changes"]] == [
        ("state", "archived", "active"),
        ("in_use", "plan-2023", SEEDED),
    ]
    changed = cli.json("plans", "set", SEEDED, "--end", "2022-11-30", "--tolerance", "20%")
    assert [(c["field"], c["old"], c["new"]) for c in changed["changes"]] == [
        ("end_date", "2022-12-31", "2022-11-30"),
        ("tolerance", "10", "20"),
    ]
    log = cli.json("log")["events"]
    assert [(e["action"], e["field"], e["new"]) for e in log[-4:]] == [
        ("plan", "state", "active"),
        ("plan", "in_use", SEEDED),
        ("plan", "end_date", "2022-11-30"),
        ("plan", "tolerance", "20"),
    ]
    assert cli.ok("verify").exit_code == 0


def test_a_plans_settings_move_its_items_due_dates_and_warnings(cli: Cli) -> None:
    # 1.1 names no deadline of its own: it is due at the end of the plan's period.
    assert cli.item("1.1")["due"] == "2022-12-31"
    cli.ok("plans", "set", SEEDED, "--end", "6月底")
    item = cli.item("1.1")
    assert item["due"] == "2022-06-30"
    # On 1 June, 0 % of an item five-sixths through its time: far behind, tolerance or not.
    assert item["warning"] == "yellow"
    cli.ok("plans", "set", SEEDED, "--end", "")
    assert cli.item("1.1")["due"] == "2022-12-31"


def test_bad_plan_settings_are_refused_naming_the_value(cli: Cli) -> None:
    before = cli.dump()
    assert "Invalid tolerance 101" in one_error_line(
        cli("plans", "set", SEEDED, "--tolerance", "101")
    )
    line = one_error_line(cli("plans", "set", SEEDED, "--tolerance", "五"))
    assert "Invalid tolerance 五" in line
    assert "2022-02-30 does not exist" in one_error_line(
        cli("plans", "set", SEEDED, "--end", "2022-02-30")
    )
    assert "before the plan's start, 2022-01-01" in one_error_line(
        cli("plans", "set", SEEDED, "--end", "2021-12-31")
    )
    assert "Nothing to set" in one_error_line(cli("plans", "set", SEEDED))
    assert "No plan nope: the plans are tonglu-2022." in one_error_line(cli("plans", "use", "nope"))
    assert cli.dump() == before


def test_the_plan_in_use_is_never_archived_or_removed(cli: Cli, report: Path) -> None:
    cli.ok("import", str(report))
    before = cli.dump()
    line = one_error_line(cli("plans", "archive", SEEDED))
    assert "Plan tonglu-2022 is the plan in use and cannot be archived" in line
    assert "lawtasks plans use SLUG (plans: plan-2023)" in line
    line = one_error_line(cli("plans", "remove", SEEDED, "--yes"))
    assert "Plan tonglu-2022 is the plan in use and cannot be removed" in line
    assert cli.dump() == before


@pytest.mark.sqlite_only
def test_remove_asks_backs_up_first_and_names_the_backup(cli: Cli, report: Path) -> None:
    cli.ok("import", str(report))
    cli.ok("done", "1.1", "--plan", "plan-2023")
    before = cli.dump()
    # Without a terminal to answer, and with "no" for an answer: nothing removed, no backup.
    assert "needs a confirmation" in one_error_line(cli("plans", "remove", "plan-2023"))
    assert cli.dump() == before
    assert not list(cli.db.parent.glob("*backup*"))
    result = cli.ok("plans", "remove", "plan-2023", "--yes")
    (backup,) = cli.db.parent.glob("l-backup-*.db")
    assert f"backed up in {backup}" in result.stdout
    assert "the audit trail refers to them" in result.stdout
    # The plan's rows stay; it is gone from the list, and from every command.
    assert cli.query("SELECT state FROM plan WHERE slug = 'plan-2023'") == [("removed",)]
    assert [p["slug"] for p in cli.json("plans")["plans"]] == [SEEDED]
    assert [p["slug"] for p in cli.json("plans", "--all")["plans"]] == [SEEDED, "plan-2023"]
    line = one_error_line(cli("list", "--plan", "plan-2023"))
    assert f"the backup taken then, {backup}, holds it (lawtasks restore)" in line
    # The backup holds the plan as it was.
    restored = Cli(backup, cli.runner)
    assert restored.json("show", "1.1", "--plan", "plan-2023")["item"]["status"] == "done"
    assert cli.ok("verify").exit_code == 0


@pytest.mark.sqlite_only
def test_remove_with_json_names_the_backup(cli: Cli, report: Path) -> None:
    cli.ok("import", str(report))
    data = cli.json("plans", "remove", "plan-2023", "--yes")
    assert data["changes"] == [
        {"id": "plan-2023", "field": "state", "old": "active", "new": "removed"}
    ]
    assert Path(data["backup"]).is_file()


# -- coordinators only; the trail; undo -----------------------------------------------------------


def test_only_a_coordinator_manages_plans(engine: Engine) -> None:
    with_units(engine)
    import_2023(engine)
    alice = Ledger(engine, actor="alice")
    before = snapshot(engine)
    for attempt in (
        lambda: alice.use_plan("plan-2023"),
        lambda: alice.archive_plan("plan-2023"),
        lambda: alice.unarchive_plan("plan-2023"),
        lambda: alice.set_plan("plan-2023", tolerance=5),
        lambda: alice.remove_plan("plan-2023", backup=lambda: pytest.fail("no backup")),
    ):
        with pytest.raises(DomainError, match=r"alice \(司法局\) may not manage plans"):
            attempt()
    assert snapshot(engine) == before
    assert recorded_in_use(engine) == SEEDED


def test_verify_replays_plan_events_and_names_a_tolerance_changed_behind_its_back(
    engine: Engine,
) -> None:
    import_2023(engine)
    office = Ledger(engine, actor="office")
    office.set_plan("plan-2023", tolerance=5, end="10月底")
    office.use_plan("plan-2023")
    office.archive_plan(SEEDED)
    assert verify(engine).intact
    with engine.begin() as connection:
        connection.execute(text("UPDATE plan SET tolerance = 30 WHERE slug = 'plan-2023'"))
    found = verify(engine)
    assert not found.intact
    (finding,) = found.findings
    assert (finding.key, finding.plan, finding.field) == ("trail.plan_field", "plan-2023",
                                                         "tolerance")  # fmt: skip
    assert (finding.expected, finding.found) == ("5", "30")
    assert "plan plan-2023: its tolerance is “30”, but its latest event" in finding.message()


def test_verify_names_a_plan_field_no_event_changed(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE plan SET state = 'archived', end_date = '2022-09-30'"))
    findings = {(f.key, f.field, f.expected, f.found) for f in verify(engine).findings}
    assert findings == {
        ("trail.plan_unlogged_field", "state", "active", "archived"),
        ("trail.plan_unlogged_field", "end_date", "2022-12-31", "2022-09-30"),
    }


def test_verify_names_a_plan_in_use_switched_behind_its_back(engine: Engine) -> None:
    import_2023(engine)
    # No `plans use` yet: the plan in use is what the first import (or the upgrade to
    # schema 5) recorded, which no event names; a plan neither could have chosen is named.
    with engine.begin() as connection:
        connection.execute(text("UPDATE meta SET value = 'nope' WHERE key = 'plan_in_use'"))
    (finding,) = verify(engine).findings
    assert (finding.key, finding.found) == ("trail.in_use_unlogged", "nope")
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE meta SET value = '{SEEDED}' WHERE key = 'plan_in_use'"))
    Ledger(engine, actor="office").use_plan("plan-2023")
    assert verify(engine).intact
    # After one, the latest `in_use` event says which it is.
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE meta SET value = '{SEEDED}' WHERE key = 'plan_in_use'"))
    (finding,) = verify(engine).findings
    assert (finding.key, finding.expected, finding.found) == (
        "trail.in_use",
        "plan-2023",
        SEEDED,
    )
    assert "the plan in use is “tonglu-2022”, but the latest event choosing it" in (
        finding.message()
    )
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM meta WHERE key = 'plan_in_use'"))
    assert [f.key for f in verify(engine).findings] == ["trail.in_use"]


def test_undo_reverts_plan_changes_as_one_batch(engine: Engine) -> None:
    import_2023(engine)
    office = Ledger(engine, actor="office", plan="plan-2023")
    office.set_plan("plan-2023", tolerance=5, end="10月底")
    outcome = office.undo()
    assert [(c.field, c.old, c.new) for c in outcome.changes] == [
        ("tolerance", "5", "10"),
        ("end_date", "2023-10-31", "2023-12-31"),
    ]
    row = plan_row(engine, "plan-2023")
    assert (row.tolerance, row.period_end.isoformat()) == (10, "2023-12-31")
    office.archive_plan("plan-2023")
    office.use_plan("plan-2023")  # reactivates and chooses it
    assert in_use(engine) == "plan-2023"
    outcome = office.undo()
    assert [(c.field, c.old, c.new) for c in outcome.changes] == [
        ("in_use", "plan-2023", SEEDED),
        ("state", "active", "archived"),
    ]
    assert in_use(engine) == SEEDED
    assert plan_row(engine, "plan-2023").state == "archived"
    assert plan_events(engine)[-2:] == [
        ("in_use", "plan-2023", "plan-2023", SEEDED, "undo"),
        ("state", "plan-2023", "active", "archived", "undo"),
    ]
    assert verify(engine).intact


def test_undo_does_not_bring_a_removed_plan_back_nor_overwrite_a_later_choice(
    engine: Engine,
) -> None:
    import_2023(engine)
    office = Ledger(engine, actor="office")
    office.use_plan("plan-2023")
    Ledger(engine, actor="other").use_plan(SEEDED)  # a colleague's later choice
    before = snapshot(engine)
    with pytest.raises(DomainError, match="the plan in use of plan plan-2023 was changed since"):
        Ledger(engine, actor="office", plan="plan-2023").undo()
    assert snapshot(engine) == before
    Ledger(engine, actor="office").remove_plan("plan-2023", backup=lambda: "/b/ledger.db")
    # The removal is not reached by undo in the plan in hand, and the plan cannot be in hand.
    with pytest.raises(DomainError, match=r"the backup taken then, /b/ledger\.db, holds it"):
        Ledger(engine, actor="office", plan="plan-2023").undo()
    assert verify(engine).intact


# -- PostgreSQL: the database's own rules ----------------------------------------------------------


@pytest.fixture
def pg_plans(postgres: Server) -> Iterator[Engine]:
    from lawtasks.db import make_engine
    from lawtasks.seed import seed

    engine = make_engine(postgres.new_database())
    seed(engine, actor="seeder")
    with_units(engine)
    import_2023(engine)
    yield engine
    engine.dispose()


def _refused(login: Engine, statement: str) -> str:
    """The statement is refused, when it runs or when its transaction commits."""
    with pytest.raises(DBAPIError) as error, login.begin() as connection:
        connection.execute(text(statement))
    return str(error.value.orig)


def test_rls_a_coordinators_login_manages_plans_and_an_officers_cannot(
    pg_plans: Engine,
) -> None:
    office, alice = _login(pg_plans, "office"), _login(pg_plans, "alice")
    try:
        Ledger(office).set_plan("plan-2023", tolerance=5)
        Ledger(office).use_plan("plan-2023")
        Ledger(office, plan="plan-2023").undo()  # the use, reverted by the login too
        Ledger(office).archive_plan("plan-2023")
        Ledger(office).unarchive_plan("plan-2023")
        assert Ledger(office).remove_plan("plan-2023", backup=lambda: None)[0].changed
        assert verify(pg_plans).intact
        before = snapshot(pg_plans)
        # The app says no first; the database says no to the login used from psql.
        with pytest.raises(DomainError, match="may not manage plans"):
            Ledger(alice).use_plan(SEEDED)
        assert _rowcount(alice, "UPDATE meta SET value = 'x' WHERE key = 'plan_in_use'") == 0
        assert _rowcount(alice, "UPDATE plan SET tolerance = 50") == 0
        assert "row-level security" in _refused(
            alice, "INSERT INTO meta (key, value) VALUES ('plan_x', 'y')"
        )
        assert "only a coordinator writes a plan event" in _refused(
            alice,
            "INSERT INTO event (plan_id, batch, actor, at, action, field, new, digest) "
            "VALUES (1, 'x', 'alice', now(), 'plan', 'tolerance', '50', '')",
        )
        # A coordinator's login too: no change without its event, no other meta row.
        assert "without its event" in _refused(
            office, f"UPDATE plan SET tolerance = 50 WHERE slug = '{SEEDED}'"
        )
        assert "without its event" in _refused(
            office, "UPDATE meta SET value = 'tonglu-2022' WHERE key = 'plan_in_use'"
        )
        assert _rowcount(office, "UPDATE meta SET value = '9' WHERE key = 'schema_version'") == 0
        assert "never renamed" in _refused(
            office, f"UPDATE plan SET title = 'renamed' WHERE slug = '{SEEDED}'"
        )
        assert snapshot(pg_plans) == before
        assert verify(pg_plans).intact
    finally:
        office.dispose()
        alice.dispose()


def _rowcount(login: Engine, statement: str) -> int:
    with login.begin() as connection:
        return int(connection.execute(text(statement)).rowcount)


def test_list_plans_orders_the_plan_in_use_first(engine: Engine) -> None:
    import_2023(engine)
    assert [(p.slug, p.in_use) for p in list_plans(engine)] == [
        (SEEDED, True),
        ("plan-2023", False),
    ]
    Ledger(engine, actor="office").use_plan("plan-2023")
    assert [p.slug for p in list_plans(engine)] == ["plan-2023", SEEDED]
    assert json.dumps(list_plans(engine)[0].as_dict(), ensure_ascii=False)


# -- the TUI --------------------------------------------------------------------------------------


def test_the_tui_opens_another_plan_and_keeps_it_whatever_is_chosen_elsewhere(
    engine: Engine,
) -> None:
    import asyncio

    from textual.widgets import OptionList

    from lawtasks.tui.app import make_app
    from lawtasks.tui.screens.main import MainScreen
    from lawtasks.tui.screens.plan_picker import PlanPicker
    from lawtasks.tui.widgets.plan_header import PlanHeader

    from .test_tui import loaded, settled

    import_2023(engine)
    Ledger(engine, actor="office").archive_plan("plan-2023")
    app = make_app(engine=engine, actor="tui-officer", today=TODAY, poll_interval=0.1)

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            assert app.plan == SEEDED  # the plan in use, pinned as first read
            assert SEEDED in str(screen.query_one(PlanHeader).render())
            await pilot.press("o")
            for _ in range(200):
                if isinstance(app.screen, PlanPicker):
                    break
                await pilot.pause(0.02)
            picker = app.screen
            assert isinstance(picker, PlanPicker)
            # Active and archived plans, the open one highlighted.
            options = picker.query_one(OptionList)
            assert [options.get_option_at_index(i).id for i in range(2)] == [
                SEEDED,
                "plan-2023",
            ]
            assert options.highlighted == 0
            await pilot.press("down", "enter")
            for _ in range(200):
                if screen.view is not None and screen.view.slug == "plan-2023":
                    break
                await pilot.pause(0.02)
            assert screen.view is not None
            assert screen.view.slug == "plan-2023"
            await settled(pilot, app)
            await pilot.press("down", "plus")  # 1.1 of the plan open: plan-2023's
            await settled(pilot, app)
            # A `plans use` elsewhere changes the ledger's plan in use, not this screen's.
            Ledger(engine, actor="office").unarchive_plan("plan-2023")
            Ledger(engine, actor="office").use_plan("plan-2023")
            Ledger(engine, actor="office").use_plan(SEEDED)
            for _ in range(20):
                await pilot.pause(0.05)
            assert screen.view.slug == "plan-2023"
            assert app.plan == "plan-2023"

    asyncio.run(main())
    assert load_plan(engine, slug="plan-2023", today=TODAY).items[0].progress == 10
    assert load_plan(engine, slug=SEEDED, today=TODAY).items[0].progress == 0
    # Opening a plan in the TUI is no choice of the ledger's: no event, the plan in use kept.
    assert in_use(engine) == SEEDED
    assert verify(engine).intact


# -- a file already in the ledger (issue 18) --------------------------------------------------


def test_a_ledgers_own_export_imported_back_is_refused_naming_its_plan(
    cli: Cli, tmp_path: Path
) -> None:
    # A 台账 is titled by the plan's name, not by the report's: its content is compared.
    exported = tmp_path / "台账.xlsx"
    cli.ok("export", "-f", "xlsx", "-o", str(exported))
    before = cli.dump()
    line = one_error_line(cli("import", str(exported)))
    assert "台账.xlsx is already in the ledger as plan tonglu-2022" in line
    assert cli.dump() == before


def test_the_duplicate_is_named_before_a_slug_taken(cli: Cli, report: Path) -> None:
    cli.ok("import", str(report))
    before = cli.dump()
    for args in ([], ["--slug", "another"]):
        line = one_error_line(cli("import", str(report), *args))
        # Not "choose another name with --slug": no name would help.
        assert "is already in the ledger as plan plan-2023" in line, args
    assert cli.dump() == before


def test_a_removed_plans_file_imports_again_under_a_free_name(cli: Cli, report: Path) -> None:
    cli.ok("import", str(report))
    cli.ok("plans", "remove", "plan-2023", "--yes")
    data = cli.json("import", str(report))
    # plan-2023 stays the removed plan's (the trail refers to it): the next free name.
    assert data["plan"] == "plan-2023-2"
    assert (data["tasks"], data["items"]) == (2, 2)
    slugs = [(p["slug"], p["state"]) for p in cli.json("plans", "--all")["plans"]]
    assert ("plan-2023", "removed") in slugs
    assert ("plan-2023-2", "active") in slugs
    # Once more, and it is a copy of plan-2023-2.
    line = one_error_line(cli("import", str(report)))
    assert "already in the ledger as plan plan-2023-2" in line


def test_copy_of_and_default_slug_read_what_import_would_do(engine: Engine) -> None:
    ledger = Ledger(engine, actor="office")
    parsed = parse_report(REPORT_2023, source_name="report.txt")
    assert ledger.copy_of(parsed) is None
    assert ledger.default_slug(2023) == "plan-2023"
    import_2023(engine)
    assert ledger.copy_of(parsed) == "plan-2023"
    assert ledger.default_slug(2023) == "plan-2023"  # taken: the import says so
