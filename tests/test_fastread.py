"""The lean read path (stdlib sqlite3) must read exactly what the ORM read model reads.

Ledgers are generated at random through the service layer: several plans, every kind of
change, notes on tasks and items, undone changes and retracted notes. For each, the lean
reader's plan views, histories and completion IDs are compared with the ORM's, field by
field (the views are frozen dataclasses, so == compares everything).
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from lawtasks.db import make_engine
from lawtasks.domain import Status
from lawtasks.errors import DomainError
from lawtasks.fastread import Reader
from lawtasks.parser import ParsedItem, ParsedPlan, ParsedTask
from lawtasks.readmodel import load_history, load_plan
from lawtasks.seed import seed
from lawtasks.services import ItemReturn, Ledger

UNITS = ("县司法局", "县公安局", None, "县府办")


def random_plan(rng: random.Random, year: int) -> ParsedPlan:
    tasks = tuple(
        ParsedTask(
            seq=t,
            numeral=str(t),
            title=f"任务{t}",
            body=f"任务{t}的正文",
            lead_unit=rng.choice(UNITS),
            items=tuple(
                ParsedItem(
                    seq=i,
                    title=f"事项{t}.{i}",
                    text=f"事项{t}.{i}的正文 <b>[red]x[/red]</b>",
                    target=rng.choice(("覆盖率95%", None)),
                    lead_unit=rng.choice(UNITS),
                )
                for i in range(1, rng.randint(1, 6) + 1)
            ),
        )
        for t in range(1, rng.randint(2, 6) + 1)
    )
    return ParsedPlan(
        title=f"某县{year - 1}年度报告",
        year=year,
        goal="目标",
        heading="三、主要工作任务",
        source_name=f"report-{year}.txt",
        published=rng.choice((date(year, 2, 28), None)),
        tasks=tasks,
    )


def random_changes(rng: random.Random, ledger: Ledger, refs: list[str]) -> None:
    for _ in range(rng.randint(5, 25)):
        ref = rng.choice(refs)
        choice = rng.randrange(8)
        try:
            if choice == 0:
                ledger.update([ref], status=rng.choice(list(Status)))
            elif choice == 1:
                ledger.update([ref], progress=rng.randint(0, 100))
            elif choice == 2:
                ledger.update([ref], due=rng.choice(("6月底", "年底", "", "2022-09-30")))
            elif choice == 3:
                ledger.update([ref], lead_unit=rng.choice(("县司法局", "", "县住建局")))
            elif choice == 4:
                ledger.add_note(ref, rng.choice(("进展顺利", "[bold]注意[/bold]", "多行\n备注")))
            elif choice == 5:
                ledger.update([ref.split(".")[0]], note="任务级备注", target="目标值")
            elif choice == 6 and "." in ref:
                # A unit's return applied by the office: events name the unit too.
                ledger.apply_returns(
                    [ItemReturn(ref=ref, progress=rng.randint(0, 99), note=f"填报{ref}")]
                )
            else:
                ledger.undo()
        except DomainError:
            pass  # nothing to undo, or an undo conflict: both leave the ledger as it was


@pytest.mark.parametrize("seed_value", range(6))
def test_the_lean_reader_reads_what_the_orm_reads(tmp_path: Path, seed_value: int) -> None:
    rng = random.Random(seed_value)
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    engine = make_engine(url)
    seed(engine, actor="seeder")
    slugs = ["tonglu-2022"]
    for year in rng.sample([2023, 2024, 2022], k=rng.randint(0, 2)):
        slug = f"plan-{year}-{seed_value}"
        Ledger(engine, actor="seeder").import_plan(random_plan(rng, year), slug=slug)
        slugs.append(slug)
    for slug in slugs:
        view = load_plan(engine, slug=slug, today=date(2022, 6, 1))
        refs = [str(task.id) for task in view.tasks] + [item.id for item in view.items]
        for actor in ("alice", "bob"):
            random_changes(rng, Ledger(engine, actor=actor, plan=slug), refs)

    # The generator must really have made a varied history to compare.
    # At least one return applied for a unit, whatever the generator drew.
    office = Ledger(engine, actor="office", plan="tonglu-2022")
    office.update(["1.1"], lead_unit="县司法局")
    office.apply_returns([ItemReturn(ref="1.1", progress=10, note="填报")])
    history = [event for slug in slugs for event in load_history(engine, slug=slug)]
    assert {"set", "note"} <= {event.action for event in history}
    assert any(event.for_unit for event in history)

    reader = Reader.open(url)
    assert reader is not None
    try:
        for slug in [None, *slugs]:
            for today in (date(2022, 6, 1), date(2023, 1, 1)):
                orm = load_plan(engine, slug=slug, today=today)
                assert reader.load_plan(slug=slug, today=today) == orm
            ids = [str(task.id) for task in orm.tasks] + [item.id for item in orm.items]
            assert reader.ids(slug=slug) == ids
            for ref in ids:
                for limit in (None, 3):
                    expected = load_history(engine, slug=slug, ref=ref, limit=limit)
                    assert reader.load_history(slug=slug, ref=ref, limit=limit) == expected
    finally:
        reader.close()
        engine.dispose()


def test_what_the_lean_reader_cannot_serve_goes_to_the_orm(tmp_path: Path) -> None:
    """Unknown plans and IDs, new files and other engines: None, so the ORM words the error."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert Reader.open(url) is None  # not created yet: the ORM path creates and seeds it
    assert not (tmp_path / "ledger.db").exists()
    assert Reader.open("postgresql+psycopg://u@/db?host=/tmp") is None
    assert Reader.open(f"{url}?mode=ro&uri=true") is None
    engine = make_engine(url)
    seed(engine, actor="seeder")
    engine.dispose()
    reader = Reader.open(url)
    assert reader is not None
    assert reader.load_plan(slug="nope", today=date(2022, 6, 1)) is None
    assert reader.load_history(slug=None, ref="9.9", limit=None) is None
    assert reader.load_history(slug=None, ref="2.99", limit=None) is None
    assert reader.load_history(slug=None, ref="x", limit=None) is None
    reader.close()


def test_an_older_schema_is_left_to_the_orm(tmp_path: Path) -> None:
    import sqlite3

    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    engine = make_engine(url)
    seed(engine, actor="seeder")
    engine.dispose()
    with sqlite3.connect(tmp_path / "ledger.db") as connection:
        connection.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    assert Reader.open(url) is None
