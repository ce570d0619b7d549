"""One ledger for a county on PostgreSQL: many officers writing at once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import Engine, text

from lawtasks.audit import verify
from lawtasks.readmodel import load_plan
from lawtasks.services import Ledger

from .conftest import TODAY
from .postgres import Server

pytestmark = pytest.mark.slow

PROCESSES = 8
UPDATES = 100

# Each process is an officer: 100 updates through the service layer, each based on the
# version it read, half of them on an item every officer shares, so that conflicts happen.
OFFICER = textwrap.dedent(
    """
    import sys
    from lawtasks.db import make_engine
    from lawtasks.errors import DomainError
    from lawtasks.readmodel import load_plan
    from lawtasks.services import Ledger
    from datetime import date
    url, officer, updates = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    engine = make_engine(url)
    ledger = Ledger(engine, actor=f"officer-{officer}")
    own = ["1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "3.2", "4.1"][officer]
    applied = conflicts = 0
    for n in range(updates):
        ref = own if n % 2 else "6.4"
        view = load_plan(engine, slug=None, today=date(2022, 6, 1))
        item = next(i for i in view.items if i.id == ref)
        try:
            ledger.update([ref], progress=(item.progress + 1) % 100,
                          expected_versions={ref: item.version})
            applied += 1
        except DomainError as error:
            assert error.key == "error.conflict", error
            conflicts += 1
        ledger.add_note(ref, f"officer {officer} note {n}")
    print(applied, conflicts)
    """
)


def test_eight_officers_lose_nothing_and_the_chain_holds(postgres: Server) -> None:
    url = postgres.new_database()
    from lawtasks.db import make_engine
    from lawtasks.seed import seed

    engine: Engine = make_engine(url)
    seed(engine)
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", OFFICER, url, str(n), str(UPDATES)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    applied = conflicts = 0
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        done, refused = (int(x) for x in out.split())
        applied += done
        conflicts += refused
    assert time.monotonic() - started < 300
    assert applied + conflicts == PROCESSES * UPDATES
    # Every applied update is in the trail (a progress event each), none overwritten unseen:
    # the shared item moved exactly once per applied update on it.
    with engine.connect() as connection:
        progress_events = connection.execute(
            text("SELECT count(*) FROM event WHERE field = 'progress'")
        ).scalar_one()
        notes = connection.execute(text("SELECT count(*) FROM note")).scalar_one()
    assert progress_events == applied
    assert notes == PROCESSES * UPDATES  # notes never conflict
    view = load_plan(engine, slug=None, today=TODAY)
    shared = next(i for i in view.items if i.id == "6.4")
    with engine.connect() as connection:
        shared_moves = connection.execute(
            text(
                "SELECT count(*) FROM event JOIN item ON event.item_id = item.id "
                "JOIN task ON item.task_id = task.id "
                "WHERE task.seq = 6 AND item.seq = 4 AND event.field = 'progress'"
            )
        ).scalar_one()
    # Each applied update added 1 to the progress it had read. Had two officers both
    # written p+1 over the same p, one move would be lost and the figures would disagree.
    assert shared.progress == shared_moves % 100
    assert shared.version == 1 + shared_moves
    assert verify(engine).intact
    assert conflicts > 0  # the shared item was contended, and that was reported, not lost
    Ledger(engine, actor="x").add_note("1.1", "after")
    assert verify(engine).intact
