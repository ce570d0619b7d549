"""The tables: plan, task, item, note, user and event (the append-only audit trail).

Times are aware UTC datetimes. SQLModel's UTCDateTime column refuses naive values and hands
times back in UTC on SQLite (which has no time zone type) and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from lawtasks.domain import (
    DEFAULT_EVIDENCE_LIMIT,
    DEFAULT_ROUND_DAY,
    DEFAULT_TOLERANCE,
    PlanState,
    Status,
    period_end,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Meta(SQLModel, table=True):
    """Facts about the database itself, such as the schema version it was made with."""

    key: str = Field(primary_key=True)
    value: str


class Plan(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True)
    title: str
    year: int
    goal: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    heading: str = ""
    source_name: str = ""
    published: date | None = None
    # Behind-schedule warnings measure elapsed time from here; 1 January of the plan year.
    start_date: date
    # The end of the plan's period: an item whose text names no deadline is due then.
    # Set on import; None reads as 31 December of the plan year (Plan.period_end).
    end_date: date | None = None
    # Percentage points an item's progress may lag the share of its time gone by before it
    # turns yellow (序时进度), so that untouched items are not all yellow on 2 January.
    tolerance: int = DEFAULT_TOLERANCE
    # active, archived (never chosen by default) or removed (gone from every list).
    state: str = PlanState.ACTIVE.value
    # Whether a done item waits for a coordinator's 销号 (sign-off); off for an office
    # that works alone.
    signoff: bool = True
    # The day of the month a reporting round's returns are due (督查督办: by the 25th).
    round_day: int = DEFAULT_ROUND_DAY
    # The largest evidence file (佐证材料) the plan stores, in bytes.
    evidence_limit: int = DEFAULT_EVIDENCE_LIMIT
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def period_end(self) -> date:
        return period_end(self.year, self.end_date)


class Task(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    seq: int
    numeral: str
    title: str
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    lead_unit: str | None = None
    assisting_units: str | None = None


class Item(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("task_id", "seq"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s.value}'" for s in Status) + ")", name="status_known"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    seq: int
    title: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Status.NOT_STARTED.value
    progress: int = 0
    lead_unit: str | None = None
    assisting_units: str | None = None
    responsible_person: str | None = None
    due: date | None = None
    target: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None
    # Bumped on every change, so that a write based on stale data can be detected.
    version: int = 1
    # A coordinator's 销号 of the item once done (None: not signed off).
    signed_off_at: datetime | None = None
    signed_off_by: str | None = None


class Note(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="task.id", index=True)
    item_id: int | None = Field(default=None, foreign_key="item.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    author: str
    created_at: datetime = Field(default_factory=utcnow)
    # Undo retracts a note rather than deleting it, so the trail keeps what was said.
    retracted: bool = False


class User(SQLModel, table=True):
    """Someone who may change the ledger: an officer of a lead unit, or a coordinator.

    The table is named ledger_user because "user" is reserved in PostgreSQL. On PostgreSQL
    the name is also the database role the officer logs in as (see lawtasks.access).
    """

    __tablename__ = "ledger_user"

    name: str = Field(primary_key=True)
    unit: str | None = None
    # A coordinator (the rule-of-law office) may change every item and manage users.
    coordinator: bool = False


class IssuedSheet(SQLModel, table=True):
    """A 填报 sheet sent to a lead unit: what `apply` checks a returned sheet against.

    The sheet's hidden stamp names this record by its id. The unit, the plan and the items
    (with the versions they had) are read from here, not from the stamp, which anyone who
    opens the workbook can edit: a stamp altered to another unit, or a row added for an
    item the sheet did not carry, is then refused.
    """

    __tablename__ = "issued_sheet"

    id: str = Field(primary_key=True)  # uuid4 hex, as in the stamp
    plan_id: int = Field(foreign_key="plan.id", index=True)
    unit: str
    # {"1.1": 3, ...}: each item ID on the sheet and the version it had.
    items: str = Field(sa_column=Column(Text, nullable=False))
    made_at: datetime
    made_by: str


class Event(SQLModel, table=True):
    """One changed field, or one note, or one plan import: never updated, never deleted."""

    id: int | None = Field(default=None, primary_key=True)
    # None for changes to the ledger's users, which belong to no plan.
    plan_id: int | None = Field(default=None, foreign_key="plan.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="task.id")
    item_id: int | None = Field(default=None, foreign_key="item.id", index=True)
    note_id: int | None = Field(default=None, foreign_key="note.id")
    # All events written by one service call share a batch, which is what undo reverts.
    batch: str = Field(index=True)
    actor: str = Field(index=True)
    at: datetime
    action: str  # "import", "set", "note" or "undo"
    field: str | None = None
    old: str | None = Field(default=None, sa_column=Column(Text))
    new: str | None = Field(default=None, sa_column=Column(Text))
    # For undo events: the batch they revert.
    reverts: str | None = Field(default=None, index=True)
    # For user events: the user whose unit or role changed.
    subject: str | None = None
    # For a department's return applied by the office: the unit whose return it is. The
    # actor is the person who applied it, so that their undo reverts the apply.
    for_unit: str | None = None
    # SHA-256 of this event chained to the one before it (see lawtasks.audit).
    digest: str = ""


class ReportingRound(SQLModel, table=True):
    """A reporting round (一轮填报): the units report on a plan's items for a period, by a due
    day. Opened and closed by a coordinator; returns after its close still apply, late."""

    __tablename__ = "reporting_round"
    __table_args__ = (UniqueConstraint("plan_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    period: str  # 2022-07
    due: date
    opened_at: datetime
    opened_by: str
    closed_at: datetime | None = None
    closed_by: str | None = None


class RoundReturn(SQLModel, table=True):
    """A unit's answer to a round: when it was applied, by whom (its batch), and whether late."""

    __tablename__ = "round_return"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="reporting_round.id", index=True)
    unit: str
    at: datetime
    by: str
    batch: str
    late: bool = False


class EvidenceFile(SQLModel, table=True):
    """A stored file's bytes, once however many items it is attached to; `verify` checks
    them against the SHA-256 that addresses them."""

    __tablename__ = "evidence_file"

    sha256: str = Field(primary_key=True)
    size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Evidence(SQLModel, table=True):
    """A file attached to an item as evidence (佐证材料), under the name it came with."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    sha256: str = Field(
        sa_column=Column(String, ForeignKey("evidence_file.sha256"), nullable=False)
    )
    name: str
    size: int
    added_at: datetime
    added_by: str
    batch: str
    # Undo takes an attachment back without deleting what the trail names.
    removed: bool = False


class Milestone(SQLModel, table=True):
    """Progress an item is expected to reach by a date (每季度的形象进度), or a text saying
    what is due then (6月底前完成方案)."""

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    due: date
    progress: int | None = None
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
