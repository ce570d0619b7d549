"""The seeded plan: Tonglu County's 2022 work tasks, parsed from the report in seed/.

The report is the single source of truth. A wheel carries it as package data
(`lawtasks/seed_data/`); a source checkout reads it from the repository's seed/ folder.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sqlalchemy import Engine

from lawtasks.db import check_schema, create_schema, has_schema, is_unfinished
from lawtasks.errors import DatabaseError
from lawtasks.parser import decode_report, parse_report
from lawtasks.services import Ledger, Outcome

SEED_FILE = "tonglu-2021-report.txt"
SEED_SLUG = "tonglu-2022"


def seed_report_bytes() -> bytes:
    packaged = resources.files("lawtasks").joinpath("seed_data", SEED_FILE)
    if packaged.is_file():
        return packaged.read_bytes()
    # An editable install or a checkout: src/lawtasks/seed.py -> <repo>/seed/.
    return (Path(__file__).resolve().parents[2] / "seed" / SEED_FILE).read_bytes()


def seed(engine: Engine, *, actor: str | None = None) -> tuple[Outcome, int]:
    """Create the schema and the seeded plan; a second run adds nothing and changes nothing."""
    create_schema(engine)
    parsed = parse_report(
        decode_report(seed_report_bytes(), source_name=SEED_FILE), source_name=SEED_FILE
    )
    return Ledger(engine, actor=actor).import_plan(parsed, slug=SEED_SLUG)


def ensure_seeded(engine: Engine, *, actor: str | None = None) -> None:
    """First use of a new database creates and seeds it, with nothing for the user to set up.

    An existing one is checked first: a database made by a newer lawtasks is refused.
    """
    if has_schema(engine):
        try:
            check_schema(engine)
            return
        except DatabaseError:
            # A first command of an older lawtasks, interrupted before it recorded the
            # schema version, left tables and nothing else: this start finishes its work.
            if not is_unfinished(engine):
                raise
    seed(engine, actor=actor)
