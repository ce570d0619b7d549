"""Reporting rounds (issue 17): a quarter of three monthly rounds, units returning on time,
late and not at all; `round status` and `remind` say what happened, every step is an event,
and `verify` catches a round or a round's return altered behind the app's back."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import Session, col, select

from lawtasks.audit import verify
from lawtasks.cli import app
from lawtasks.commands import ItemReturn
from lawtasks.errors import DomainError
from lawtasks.exporters.content import long_date
from lawtasks.models import Event, ReportingRound, RoundReturn
from lawtasks.services import Ledger
from lawtasks.services.rounds import default_due, round_status

from .test_history import Clocked, clocked, local  # noqa: F401  (clocked: a fixture)
from .test_pg_attacks import (  # noqa: F401  (fixtures, used by name)
    COORDINATOR,
    OFFICER,
    OURS,
    THEIRS,
    Ledger13,
    fzb,
    ledger,
    template,
    zhang,
)


def _units(
    clocked: Clocked,  # noqa: F811
) -> None:
    office = clocked.ledger("office")
    office.add_user("office", unit="法治办", coordinator=True)
    office.add_user("alice", unit="司法局")
    office.add_user("bob", unit="县公安局")
    office.add_user("carol", unit="县财政局")
    office.update(["2.1", "2.2"], lead_unit="司法局")
    office.update(["3.1"], lead_unit="县公安局")
    office.update(["3.2"], lead_unit="县财政局")


def _return(
    clocked: Clocked,  # noqa: F811
    actor: str,
    unit: str,
    ref: str,
    progress: int,
) -> None:
    clocked.ledger(actor).apply_returns([ItemReturn(ref=ref, progress=progress, for_unit=unit)])


def _states(
    clocked: Clocked,  # noqa: F811
    period: str | None = None,
) -> dict[str, str]:
    found = round_status(clocked.engine, None, period)
    assert found is not None
    return {answer.unit: answer.state for answer in found.units}


def _quarter(
    clocked: Clocked,  # noqa: F811
) -> None:
    """July, August, September 2022. 司法局 always on time; 县公安局 on time in July, late
    in August (after the 25th, round still open), late in September (after the close);
    县财政局 reports in July only, late."""
    _units(clocked)
    office = clocked.ledger("office")
    # July: opened on the 1st, due the 25th.
    clocked.at(local(date(2022, 7, 1), 9))
    office.open_round("2022-07")
    clocked.at(local(date(2022, 7, 20), 10))
    _return(clocked, "alice", "司法局", "2.1", 20)
    clocked.at(local(date(2022, 7, 25), 16))
    _return(clocked, "bob", "县公安局", "3.1", 10)
    clocked.at(local(date(2022, 7, 27), 11))
    _return(clocked, "carol", "县财政局", "3.2", 5)
    clocked.at(local(date(2022, 7, 31), 18))
    office.close_round()
    # August, due the 20th this time.
    clocked.at(local(date(2022, 8, 1), 9))
    office.open_round("2022-08", date(2022, 8, 20))
    clocked.at(local(date(2022, 8, 19), 9))
    _return(clocked, "alice", "司法局", "2.2", 30)
    clocked.at(local(date(2022, 8, 22), 9))
    _return(clocked, "bob", "县公安局", "3.1", 25)
    clocked.at(local(date(2022, 8, 31), 18))
    office.close_round()
    # September: 县公安局 answers after the round closed, still applied, late.
    clocked.at(local(date(2022, 9, 1), 9))
    office.open_round("2022-09")
    clocked.at(local(date(2022, 9, 24), 9))
    _return(clocked, "alice", "司法局", "2.1", 60)


def test_a_quarter_of_rounds(
    clocked: Clocked,  # noqa: F811
) -> None:
    _quarter(clocked)
    assert _states(clocked, "2022-07") == {
        "司法局": "reported", "县公安局": "reported", "县财政局": "late",
    }  # fmt: skip
    assert _states(clocked, "2022-08") == {
        "司法局": "reported", "县公安局": "late", "县财政局": "unreported",
    }  # fmt: skip
    september = round_status(clocked.engine, None)
    assert september is not None
    assert (september.period, september.open) == ("2022-09", True)
    assert september.unreported() == ["县公安局", "县财政局"]
    # In August only 2.2 and 3.1 changed: every other item got no update in that round.
    august = round_status(clocked.engine, None, "2022-08")
    assert august is not None
    assert (august.open, august.due) == (False, date(2022, 8, 20))
    assert {"2.2", "3.1"}.isdisjoint(august.not_updated)
    assert {"2.1", "3.2"} <= set(august.not_updated)

    # remind names the units that have not reported in the open round, text and JSON.
    clocked.at(local(date(2022, 9, 26), 9))
    shown = clocked("--today", "2022-09-26", "remind")
    assert shown.exit_code == 0, shown.output
    assert "round 2022-09: 县公安局, 县财政局" in shown.output
    data = json.loads(clocked("--today", "2022-09-26", "remind", "-f", "json").output)
    assert (data["round"], data["unreported"]) == ("2022-09", ["县公安局", "县财政局"])

    clocked.at(local(date(2022, 9, 30), 18))
    clocked.ledger("office").close_round()
    clocked.at(local(date(2022, 10, 8), 9))
    _return(clocked, "bob", "县公安局", "3.1", 40)
    assert _states(clocked, "2022-09") == {
        "司法局": "reported", "县公安局": "late", "县财政局": "unreported",
    }  # fmt: skip

    # The CLI shows the same, in text and JSON.
    status = clocked("round", "status", "--period", "2022-09")
    assert status.exit_code == 0, status.output
    assert "Reporting round 2022-09 (due 2022-09-25, closed)" in status.output
    for line in ("司法局  reported", "县公安局  reported late", "县财政局  not reported"):
        assert line in status.output
    data = json.loads(clocked("round", "status", "--period", "2022-08", "-f", "json").output)
    assert data["round"]["unreported"] == ["县财政局"]
    assert [unit["state"] for unit in data["round"]["units"]] == ["late", "unreported", "reported"]

    # Every step is an event of the trail, and the trail replays.
    with Session(clocked.engine) as session:
        fields = [
            (row.field, row.subject, row.for_unit, row.new)
            for row in session.exec(
                select(Event).where(Event.action == "round").order_by(col(Event.id))
            )
        ]
    assert fields[:5] == [
        ("round", "2022-07", None, "2022-07-25"),
        ("round_return", "2022-07", "司法局", "on_time"),
        ("round_return", "2022-07", "县公安局", "on_time"),
        ("round_return", "2022-07", "县财政局", "late"),
        ("round_closed", "2022-07", None, "yes"),
    ]
    assert verify(clocked.engine).intact
    # Wide enough that the change column is not cut.
    trail = clocked.runner.invoke(
        app, ["--db", clocked.url, "--user", "张科长", "log"], env={"COLUMNS": "200"}
    )
    assert trail.exit_code == 0, trail.output
    assert "round opened" in trail.output
    assert "round answered ∅ → reported late" in trail.output


def test_opening_is_checked_and_a_coordinators(
    clocked: Clocked,  # noqa: F811
) -> None:
    _units(clocked)
    office = clocked.ledger("office")
    with pytest.raises(DomainError) as refused:
        clocked.ledger("alice").open_round("2022-07")
    assert "coordinator" in str(refused.value)
    office.open_round("2022-07")
    with pytest.raises(DomainError) as refused:
        office.open_round("2022-08")
    assert "2022-07 is still open" in str(refused.value)
    with pytest.raises(DomainError):
        clocked.ledger("alice").close_round()
    office.close_round()
    with pytest.raises(DomainError) as refused:
        office.open_round("2022-07")
    assert "2022-07 was already opened" in str(refused.value)
    with pytest.raises(DomainError) as refused:
        office.close_round()
    assert "no open reporting round" in str(refused.value)
    for bad in ("2022-13", "July", "2022-7-1"):
        with pytest.raises(DomainError):
            office.open_round(bad)


def _periods(
    clocked: Clocked,  # noqa: F811
) -> list[tuple[str, bool]]:
    with Session(clocked.engine) as session:
        rows = session.exec(select(ReportingRound).order_by(col(ReportingRound.period)))
        return [(row.period, row.closed_at is None) for row in rows]


def test_undo_takes_back_a_rounds_opening_while_nobody_answered_it(
    clocked: Clocked,  # noqa: F811
) -> None:
    _units(clocked)
    office = clocked.ledger("office")
    office.update(["1.1"], progress=15)
    clocked.at(local(date(2022, 7, 1), 9))
    office.open_round("2022-08")  # the wrong month
    undone = office.undo()
    assert [(c.ref, c.field, c.old, c.new) for c in undone.changes] == [
        ("2022-08", "round", "2022-08-25", None)
    ]
    assert _periods(clocked) == []
    # The change before the round is left as it was: one undo, one call.
    assert json.loads(clocked("show", "1.1", "-f", "json").output)["item"]["progress"] == 15
    assert verify(clocked.engine).intact
    # The right month, once a unit has answered it, is no longer undone: the units' answers
    # name it. The refusal says so and what to do instead.
    office.open_round("2022-07")
    _return(clocked, "alice", "司法局", "2.1", 45)
    clocked.ledger("alice").undo()  # the officer's apply: its answer stays on record
    assert json.loads(clocked("show", "2.1", "-f", "json").output)["item"]["progress"] == 0
    with pytest.raises(DomainError) as refused:
        office.undo()
    assert "2022-07 has been answered (司法局)" in str(refused.value)
    assert "round close" in str(refused.value)
    assert _periods(clocked) == [("2022-07", True)]
    assert verify(clocked.engine).intact
    # From the command line, with its event in the log.
    clocked.at(local(date(2022, 7, 2), 9))
    office.close_round()
    clocked.at(local(date(2022, 7, 3), 9))
    opened = clocked(
        "--user", "office", "--today", "2022-07-03", "round", "open", "--period", "2022-09"
    )
    assert opened.exit_code == 0, opened.output
    result = clocked("--user", "office", "undo")
    assert result.exit_code == 0, result.output
    assert _periods(clocked) == [("2022-07", False)]
    with Session(clocked.engine) as session:
        undo = session.exec(
            select(Event).where(Event.action == "undo", Event.field == "round")
        ).all()
    assert [(e.subject, e.old, e.new, e.actor) for e in undo] == [
        ("2022-08", "2022-08-25", None, "office"),
        ("2022-09", "2022-09-25", None, "office"),
    ]
    assert verify(clocked.engine).intact
    # The period is free again: opened anew, it verifies as the new round.
    office.open_round("2022-09", date(2022, 9, 20))
    assert verify(clocked.engine).intact


def test_undo_reopens_a_closed_round(
    clocked: Clocked,  # noqa: F811
) -> None:
    _units(clocked)
    office = clocked.ledger("office")
    clocked.at(local(date(2022, 7, 1), 9))
    office.open_round("2022-07")
    clocked.at(local(date(2022, 7, 10), 9))
    office.close_round()  # too early
    clocked.at(local(date(2022, 7, 11), 9))
    undone = office.undo()
    assert [(c.ref, c.field, c.old, c.new) for c in undone.changes] == [
        ("2022-07", "round_closed", "yes", None)
    ]
    assert _periods(clocked) == [("2022-07", True)]
    assert verify(clocked.engine).intact
    # Reopened, it is answered on time again.
    clocked.at(local(date(2022, 7, 20), 9))
    _return(clocked, "alice", "司法局", "2.1", 30)
    assert _states(clocked)["司法局"] == "reported"
    status = json.loads(clocked("round", "status", "-f", "json").output)["round"]
    assert (status["period"], status["open"]) == ("2022-07", True)
    clocked.at(local(date(2022, 7, 31), 18))
    office.close_round()
    assert verify(clocked.engine).intact
    # A close is not undone once another round is open: one is open at a time.
    office.add_user("fzb2", unit="法治办", coordinator=True)
    clocked.at(local(date(2022, 8, 1), 9))
    clocked.ledger("fzb2").open_round("2022-08")
    with pytest.raises(DomainError) as refused:
        office.undo()
    assert "2022-08 is open now, so 2022-07 cannot be reopened" in str(refused.value)
    assert _periods(clocked) == [("2022-07", False), ("2022-08", True)]
    assert verify(clocked.engine).intact


def test_round_open_defaults_to_this_month_by_the_round_day(
    clocked: Clocked,  # noqa: F811
) -> None:
    _units(clocked)
    opened = clocked("--user", "office", "--today", "2022-02-10", "round", "open")
    assert opened.exit_code == 0, opened.output
    assert "Opened reporting round 2022-02, due 2022-02-25." in opened.output
    assert clocked("--user", "office", "round", "close").exit_code == 0
    dated = clocked("--user", "office", "--today", "2022-02-10", "round", "open", "--period",
                    "2022-03", "--due", "3月20日")  # fmt: skip
    assert "due 2022-03-20" in dated.output, dated.output
    assert default_due("2022-02", 31) == date(2022, 2, 28)
    none = clocked("round", "status", "--period", "2022-05")
    assert none.exit_code != 0
    # Named with the plan's rounds, so the next try is not a guess.
    assert "no reporting round 2022-05: plan tonglu-2022 has rounds 2022-02, 2022-03" in (
        none.output
    )


def test_verify_catches_a_round_or_return_altered_behind_the_apps_back(
    clocked: Clocked,  # noqa: F811
) -> None:
    _quarter(clocked)
    assert verify(clocked.engine).intact
    with clocked.engine.begin() as connection:
        connection.execute(
            text("UPDATE round_return SET late = NOT late WHERE unit = :unit"), {"unit": "县财政局"}
        )
    found = verify(clocked.engine)
    assert not found.intact
    assert any("县财政局" in finding.message() for finding in found.findings)
    with clocked.engine.begin() as connection:
        connection.execute(
            text("UPDATE round_return SET late = NOT late WHERE unit = :unit"), {"unit": "县财政局"}
        )
        connection.execute(
            text("UPDATE reporting_round SET due = '2022-08-28' WHERE period = '2022-08'")
        )
    found = verify(clocked.engine)
    assert [finding.key for finding in found.findings] == ["trail.round_changed"]
    assert "2022-08" in found.findings[0].message()
    with Session(clocked.engine) as session:
        assert len(session.exec(select(ReportingRound)).all()) == 3
        assert len(session.exec(select(RoundReturn)).all()) == 6


def test_sheets_carry_the_open_round_and_its_return_answers_it(
    clocked: Clocked,  # noqa: F811
    tmp_path: Path,
) -> None:
    _units(clocked)
    clocked.at(local(date(2022, 7, 1), 9))
    clocked.ledger("office").open_round("2022-07")
    made = clocked("--user", "office", "sheets", "--unit", "司法局", "-o", str(tmp_path))
    assert made.exit_code == 0, made.output
    (path,) = tmp_path.glob("*.xlsx")
    workbook = load_workbook(path)
    header = workbook["Return"]["F2"].value
    assert header == f"Round: 2022-07　Return by: {long_date(date(2022, 7, 25))}"
    stamp = {row[0]: row[1] for row in workbook["_lawtasks"].iter_rows(values_only=True)}
    assert stamp["round"] == "2022-07"
    # --due still names another day; the round is stamped all the same.
    named = clocked("--user", "office", "sheets", "--due", "2022-07-20", "-o", str(tmp_path))
    assert named.exit_code == 0, named.output
    assert long_date(date(2022, 7, 20)) in load_workbook(path)["Return"]["F2"].value
    ws = workbook["Return"]
    row = next(cells[0].row for cells in ws.iter_rows(min_row=6) if cells[0].value == "2.1")
    ws[f"G{row}"] = 35
    workbook.save(path)
    clocked.at(local(date(2022, 7, 10), 9))
    applied = clocked("--user", "alice", "apply", str(path))
    assert applied.exit_code == 0, applied.output
    assert _states(clocked) == {
        "县公安局": "unreported",
        "县财政局": "unreported",
        "司法局": "reported",
    }


# -- on PostgreSQL, against the users' own logins ----------------------------------------------


def test_on_postgresql_an_officer_answers_the_round_and_only_a_coordinator_runs_it(
    ledger: Ledger13,  # noqa: F811
    fzb: Ledger,  # noqa: F811
    zhang: Ledger,  # noqa: F811
) -> None:
    fzb.open_round("2022-07", date(2022, 7, 25))
    zhang.apply_returns([ItemReturn(ref="2.1", progress=40, for_unit=OURS)])
    assert ledger.one("SELECT unit || ' ' || by FROM round_return") == f"{OURS} {OFFICER}"
    # Opening, closing, or changing a round is not the officer's, by the database either.
    with pytest.raises(DomainError):
        zhang.open_round("2022-08")
    opened = "'2022-08', DATE '2022-08-25', now(), current_user"
    refused = ledger.attempt(
        OFFICER,
        "INSERT INTO reporting_round (plan_id, period, due, opened_at, opened_by)"
        f" SELECT id, {opened} FROM plan",
    )
    assert refused is not None
    assert "row-level security" in refused
    ledger.attempt(OFFICER, "UPDATE reporting_round SET due = DATE '2022-07-31'")
    assert ledger.one("SELECT due::text FROM reporting_round") == "2022-07-25"
    # A coordinator's own login neither: a round goes in with its event.
    refused = ledger.attempt(
        COORDINATOR,
        "INSERT INTO reporting_round (plan_id, period, due, opened_at, opened_by)"
        f" SELECT id, {opened} FROM plan",
    )
    assert refused is not None
    assert "without its event" in refused
    refused = ledger.attempt(COORDINATOR, "UPDATE reporting_round SET due = DATE '2022-07-31'")
    assert refused is not None
    assert "only ever closed" in refused
    # An answer without its event, for another unit, or on time to a closed round: refused.
    answer = (
        "INSERT INTO round_return (round_id, unit, at, by, batch, late)"
        " SELECT id, %s, now(), current_user, 'forged', %s FROM reporting_round"
    )
    assert "without its event" in str(ledger.attempt(OFFICER, (answer, (OURS, False))))
    assert "row-level security" in str(ledger.attempt(OFFICER, (answer, (THEIRS, True))))
    fzb.close_round()
    assert "row-level security" in str(ledger.attempt(OFFICER, (answer, (OURS, False))))
    zhang.apply_returns([ItemReturn(ref="2.2", progress=10, for_unit=OURS)])
    # After the close, late whatever the day.
    assert ledger.one("SELECT late FROM round_return ORDER BY id DESC LIMIT 1") is True
    assert verify(ledger.engine).intact


def test_on_postgresql_a_coordinators_login_undoes_a_round_with_its_event_only(
    ledger: Ledger13,  # noqa: F811
    fzb: Ledger,  # noqa: F811
    zhang: Ledger,  # noqa: F811
) -> None:
    # Under the coordinator's own login: an opening undone removes the round, a closing
    # undone reopens it, each with its undo event.
    fzb.open_round("2022-07", date(2022, 7, 25))
    fzb.undo()
    assert ledger.one("SELECT count(*) FROM reporting_round") == 0
    fzb.open_round("2022-07", date(2022, 7, 25))
    fzb.close_round()
    fzb.undo()
    assert ledger.one("SELECT closed_at IS NULL FROM reporting_round") is True
    assert verify(ledger.engine).intact
    # Behind the app's back, neither: not without the undo event, not by an officer, not
    # once a unit has answered.
    refused = ledger.attempt(COORDINATOR, "DELETE FROM reporting_round")
    assert refused is not None
    assert "without its event" in refused
    fzb.close_round()
    refused = ledger.attempt(
        COORDINATOR, "UPDATE reporting_round SET closed_at = NULL, closed_by = NULL"
    )
    assert refused is not None
    assert "without its event" in refused
    fzb.undo()  # reopened by the app, with its event
    ledger.attempt(OFFICER, "DELETE FROM reporting_round")
    assert ledger.one("SELECT count(*) FROM reporting_round") == 1
    zhang.apply_returns([ItemReturn(ref="2.1", progress=40, for_unit=OURS)])
    with pytest.raises(DomainError, match="has been answered"):
        fzb.undo()  # its last change not undone: the opening, answered now
    assert ledger.one("SELECT count(*) FROM reporting_round") == 1
    assert verify(ledger.engine).intact


def test_a_return_that_changes_nothing_still_answers_the_round(
    clocked: Clocked,  # noqa: F811
    tmp_path: Path,
) -> None:
    """ "No progress this month" is a report: a unit's sheet sent back as it went out answers
    the round, once; a return that brings only evidence too, its files recorded for the unit."""
    _units(clocked)
    clocked.at(local(date(2022, 7, 1), 9))
    clocked.ledger("office").open_round("2022-07")
    made = clocked("--user", "office", "sheets", "-o", str(tmp_path))
    assert made.exit_code == 0, made.output
    ours = next(tmp_path.glob("*司法局.xlsx"))
    clocked.at(local(date(2022, 7, 10), 9))
    applied = clocked("--user", "alice", "apply", str(ours))
    assert applied.exit_code == 0, applied.output
    assert "Nothing to change; recorded as 司法局's return to round 2022-07 (" in applied.output
    assert _states(clocked)["司法局"] == "reported"
    again = clocked("--user", "alice", "apply", str(ours))
    assert again.exit_code == 0, again.output
    assert "Nothing to apply" in again.output
    # The answer stays on record: it is no call of alice's to take back.
    undone = clocked("--user", "alice", "undo")
    assert undone.exit_code != 0
    assert _states(clocked)["司法局"] == "reported"
    # 县公安局's sheet, unchanged, brought back after the due day with a photo of 3.1.
    folder = tmp_path / "ev"
    folder.mkdir()
    (folder / "3.1-照片.jpg").write_bytes(b"photo")
    theirs = next(tmp_path.glob("*县公安局.xlsx"))
    clocked.at(local(date(2022, 7, 27), 9))
    applied = clocked("--user", "office", "apply", str(theirs), "--evidence", str(folder))
    assert applied.exit_code == 0, applied.output
    assert "Recorded as 县公安局's return to round 2022-07 (reported late)" in applied.output
    assert _states(clocked)["县公安局"] == "late"
    with Session(clocked.engine) as session:
        attached = session.exec(select(Event).where(Event.action == "attach")).one()
        assert (attached.actor, attached.for_unit) == ("office", "县公安局")
        assert len(session.exec(select(RoundReturn)).all()) == 2
    # The photo is 3.1's report for the round: it is no longer among the items not updated.
    found = round_status(clocked.engine, None)
    assert found is not None
    assert "3.1" not in found.not_updated
    assert "3.2" in found.not_updated
    log = clocked("log", "3.1")
    assert "office for 县公安" in log.output, log.output
    assert verify(clocked.engine).intact


def test_on_postgresql_an_officers_unchanged_return_answers_for_their_unit_only(
    ledger: Ledger13,  # noqa: F811
    fzb: Ledger,  # noqa: F811
    zhang: Ledger,  # noqa: F811
    tmp_path: Path,
) -> None:
    from lawtasks.services.supervision import read_evidence

    fzb.open_round("2022-07", date(2022, 7, 25))
    # Another unit's sheet is not the officer's to answer with, in the app or the database.
    with pytest.raises(DomainError):
        zhang.apply_returns([], sheets={THEIRS: ()})
    assert ledger.one("SELECT count(*) FROM round_return") == 0
    # Their own, unchanged, with a file of one of their items: answered, the file theirs.
    photo = tmp_path / "2.1-照片.jpg"
    photo.write_bytes(b"photo")
    (file,) = read_evidence([photo], 20 * 1024 * 1024)
    outcome = zhang.apply_returns([], evidence=[("2.1", file)], sheets={OURS: ()})
    assert [answer[:2] for answer in outcome.answered] == [(OURS, "2022-07")]
    assert ledger.one("SELECT unit || ' ' || by FROM round_return") == f"{OURS} {OFFICER}"
    assert ledger.one("SELECT for_unit FROM event WHERE action = 'attach'") == OURS
    assert verify(ledger.engine).intact
    # Their undo takes the file back; the answer stays on record.
    zhang.undo()
    assert ledger.one("SELECT removed FROM evidence") is True
    assert ledger.one("SELECT count(*) FROM round_return") == 1
    assert verify(ledger.engine).intact


def test_round_open_refuses_dates_no_unit_could_keep(
    clocked: Clocked,  # noqa: F811
) -> None:
    _units(clocked)
    office = ("--user", "office")
    # Due before the period begins; a period outside the plan's (2022): one line each.
    before = clocked(*office, "--today", "2022-07-01", "round", "open", "--period", "2022-08",
                     "--due", "2022-07-01")  # fmt: skip
    assert before.exit_code != 0
    assert "Due date 2022-07-01 is before round 2022-08 begins: choose 2022-08-01" in before.output
    outside = clocked(*office, "--today", "2022-07-01", "round", "open", "--period", "2031-05")
    assert outside.exit_code != 0
    assert "Round 2031-05 is outside plan tonglu-2022's period (2022-01-01 to 2022-12-31)" in (
        outside.output
    )
    assert "from 2022-01 to 2022-12" in outside.output
    # No options once the plan's period is over: this month is named and refused, not opened.
    late = clocked(*office, "--today", "2026-11-30", "round", "open")
    assert late.exit_code != 0
    assert "Round 2026-11 is outside plan tonglu-2022's period" in late.output
    # A due date already past: refused, unless --force records a round held before.
    past = clocked(*office, "--today", "2022-07-28", "round", "open", "--period", "2022-07")
    assert past.exit_code != 0
    assert "Due date 2022-07-25 has passed (today is 2022-07-28)" in past.output
    assert "--force" in past.output
    with Session(clocked.engine) as session:
        assert session.exec(select(ReportingRound)).all() == []
    forced = clocked(*office, "--today", "2022-07-28", "round", "open", "--period", "2022-07",
                     "--force")  # fmt: skip
    assert forced.exit_code == 0, forced.output
    assert _periods(clocked) == [("2022-07", True)]


def test_round_status_json_times_are_to_the_second(
    clocked: Clocked,  # noqa: F811
) -> None:
    import re
    from datetime import timedelta

    _units(clocked)
    clocked.at(local(date(2022, 7, 1), 9))
    clocked.ledger("office").open_round("2022-07")
    clocked.at(local(date(2022, 7, 20), 10) + timedelta(seconds=2, microseconds=89540))
    _return(clocked, "alice", "司法局", "2.1", 20)
    status = json.loads(clocked("round", "status", "-f", "json").output)["round"]
    (at,) = [unit["at"] for unit in status["units"] if unit["at"] is not None]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", at), at


def test_round_status_lists_items_as_each_language_does(
    clocked: Clocked,  # noqa: F811
) -> None:
    _units(clocked)
    clocked.at(local(date(2022, 7, 1), 9))
    clocked.ledger("office").open_round("2022-07")
    english = clocked("--lang", "en", "round", "status")
    assert "Items not updated in the round: 1.1, 1.2, " in english.output, english.output
    assert "、" not in english.output
    chinese = clocked("--lang", "zh", "round", "status")
    assert "本轮未更新的事项：1.1、1.2、" in chinese.output, chinese.output


def test_a_change_undone_in_the_round_is_no_update(
    clocked: Clocked,  # noqa: F811
) -> None:
    _units(clocked)
    clocked.at(local(date(2022, 7, 1), 9))
    clocked.ledger("office").open_round("2022-07")
    clocked.at(local(date(2022, 7, 2), 9))
    alice = clocked.ledger("alice")
    alice.update(["2.1"], progress=30)
    alice.update(["2.2"], progress=10)
    found = round_status(clocked.engine, None)
    assert found is not None
    assert "2.1" not in found.not_updated
    assert "2.2" not in found.not_updated
    alice.undo()  # 2.2's change taken back
    found = round_status(clocked.engine, None)
    assert found is not None
    assert "2.2" in found.not_updated
    assert "2.1" not in found.not_updated
