"""The tamper-evident audit trail (留痕).

Each event stores a SHA-256 digest of its own content chained to the digest of the event
before it, so that altering an event, or deleting one, breaks every digest after it.
Undo appends events; nothing in the trail is ever rewritten.

`verify` does three things:

- walks the chain and names the first event that does not match;
- replays the trail against the rows: each item field holds the `new` of its latest event
  (or, with none, what an import leaves), each note matches its event and is retracted
  exactly when an undo retracted it, each user is as their events left them, each plan's
  state, period end and tolerance are as their latest `plan` events left them (or as an
  import leaves them), the ledger's plan in use is the one its latest `in_use` event chose,
  and each plan's tasks and items still hash to the seal its latest import recorded; each
  stored evidence file still hashes to the SHA-256 it is stored under, and each attachment
  matches its `attach` event and is removed exactly when an undo removed it; the
  milestones are those the trail's `milestone` events (and their undos) left standing;
- checks heads recorded outside the database (`Anchor`: from a past report, or a heads
  file the office keeps): the trail must still hold that many events with that digest at
  that position. Deleting the last events, or altering one and re-chaining everything
  after it, leaves a chain that verifies on its own; only a head kept elsewhere shows it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from lawtasks.domain import (
    DEFAULT_EVIDENCE_LIMIT,
    DEFAULT_TOLERANCE,
    EVIDENCE_FIELD,
    PlanState,
    Status,
    period_end,
    trail_text,
)
from lawtasks.i18n import join_list, known, t
from lawtasks.models import (
    Event,
    Evidence,
    EvidenceFile,
    Item,
    Meta,
    Milestone,
    Note,
    Plan,
    Task,
    User,
)

GENESIS = "0" * 64


def digest(previous: str, event: Event) -> str:
    """The digest of `event` after `previous`; the content is canonical JSON, so the same
    event gives the same digest on SQLite and PostgreSQL alike."""
    at = event.at.astimezone(UTC) if event.at.tzinfo else event.at.replace(tzinfo=UTC)
    content = [
        event.plan_id,
        event.task_id,
        event.item_id,
        event.note_id,
        event.batch,
        event.actor,
        at.isoformat(timespec="microseconds"),
        event.action,
        event.field,
        event.old,
        event.new,
        event.reverts,
    ]
    subject = getattr(event, "subject", None)  # rows read by migration 0002 have none
    for_unit = getattr(event, "for_unit", None)
    if subject is not None or for_unit is not None:
        # Appended only when present, so that events made before users (schema 3) and
        # returns on behalf of a unit (schema 4) keep the digests they were given.
        content.append(subject)
    if for_unit is not None:
        content.append(for_unit)
    payload = previous + json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def latest_digest(session: Session) -> str:
    last = session.exec(select(Event.digest).order_by(col(Event.id).desc()).limit(1)).first()
    return last or GENESIS


def _table(model: type[Any]) -> Table:
    """A model's table, for reading plain rows: an ORM object per event or item would cost
    most of a verify of a large ledger."""
    return cast(Table, model.__table__)


# -- the import seal ---------------------------------------------------------------------------

# The item fields an import takes from the report and officers may change later: the seal
# holds their values as imported, which verify reads back from each one's first event.
SEALED_FIELDS = ("target", "lead_unit", "assisting_units")
# Fields an import sets only when the report names them (a deadline in the text, a 责任人
# column): sealed as "name=value" when set, so that the seals of plans imported before
# imports read them stay as they were.
SEALED_IF_SET = ("due", "responsible_person")
# The item fields the service layer changes, each change with its event.
# A coordinator's 销号 of a done item (services.supervision): who and when, cleared on reopening.
SIGNOFF_FIELDS = ("signed_off_at", "signed_off_by")
ITEM_FIELDS = ("status", "progress", *SEALED_FIELDS, *SEALED_IF_SET, *SIGNOFF_FIELDS)
# What an import leaves in the item fields it does not take from the report.
IMPORTED: Mapping[str, str | None] = {
    "status": Status.NOT_STARTED.value,
    "progress": "0",
    "signed_off_at": None,
    "signed_off_by": None,
}
# A plan's own fields that `plan` events change (services.plans), and what an import leaves
# in them (the period end: 31 December of the plan year, see `_plan_default`).
PLAN_FIELDS = ("state", "end_date", "tolerance", "signoff", "evidence_limit")
PLAN_IMPORTED: Mapping[str, str | None] = {
    "state": PlanState.ACTIVE.value,
    "tolerance": str(DEFAULT_TOLERANCE),
    "signoff": "yes",
    "evidence_limit": str(DEFAULT_EVIDENCE_LIMIT),
}
# The meta key of the plan in use, and the field of the events that choose it.
IN_USE_KEY = "plan_in_use"
IN_USE_FIELD = "in_use"


def evidence_value(name: str, size: int, sha256: str) -> str:
    """How an attachment is written in the trail (its event's `new`): what verify matches
    the attachment's row against."""
    return f"{name} ({size} bytes) sha256:{sha256}"


# The field of the events that add and remove an item's milestones (services.milestones):
# `new` the milestone added, `old` the one removed, each as `milestone_value` writes it.
MILESTONE_FIELD = "milestone"


def milestone_value(due: date, progress: int | None, text: str | None) -> str:
    """How a milestone is written in the trail: `2022-09-30 60%`, `2022-06-30 完成方案`,
    or both (`2022-09-30 60% 完成方案`); what verify matches the milestone's row against."""
    parts = [due.isoformat()]
    if progress is not None:
        parts.append(f"{progress}%")
    if text:
        parts.append(text)
    return " ".join(parts)


def parse_milestone_value(value: str) -> tuple[date, int | None, str | None]:
    """The due day, progress and text of a milestone as `milestone_value` wrote it (for
    undo, and for the ledger as it was)."""
    day, _, rest = value.partition(" ")
    figure: int | None = None
    head, _, tail = rest.partition(" ")
    if head.endswith("%") and head[:-1].isdigit():
        figure, rest = int(head[:-1]), tail
    return date.fromisoformat(day), figure, rest or None


# An import event's `new` reads `report.txt (+18) sha256:<seal>`; older ones have no seal.
SEAL_MARK = " sha256:"


def import_seal(
    plan: Any,
    tasks: Iterable[Any],
    items: Iterable[Any],
    imported: Mapping[tuple[int, str], str | None],
) -> str:
    """SHA-256 over a plan's rows as imported: the plan, its tasks, and each item's id, task,
    number, title, text and imported target and units.

    `imported` maps (item id, field) to the value a field had before its first change (the
    `old` of its first event); a field never changed is read from the row. So the seal
    stays the same while officers work, and changes when a row is edited, added or removed
    behind the app's back.
    """

    def as_imported(item: Any, name: str) -> str | None:
        key = (item.id, name)
        return imported[key] if key in imported else trail_text(getattr(item, name))

    content = [
        [plan.id, plan.slug, plan.title, plan.year, plan.goal, plan.heading,
         plan.source_name, trail_text(plan.published), trail_text(plan.start_date)],
        [[task.id, task.seq, task.numeral, task.title, task.body, task.lead_unit,
          task.assisting_units] for task in sorted(tasks, key=lambda row: row.id)],
        [[item.id, item.task_id, item.seq, item.title, item.text,
          *(as_imported(item, name) for name in SEALED_FIELDS),
          *(f"{name}={value}" for name in SEALED_IF_SET
            if (value := as_imported(item, name)) is not None)]
         for item in sorted(items, key=lambda row: row.id)],
    ]  # fmt: skip
    payload = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def seal_plan(connection: Connection, plan_id: int) -> str:
    """The seal of a plan's rows as they stand in this transaction: what an import records."""
    plan = connection.execute(sa_select(_table(Plan)).where(col(Plan.id) == plan_id)).one()
    tasks = connection.execute(sa_select(_table(Task)).where(col(Task.plan_id) == plan_id))
    task_ids = sa_select(col(Task.id)).where(col(Task.plan_id) == plan_id)
    items = connection.execute(sa_select(_table(Item)).where(col(Item.task_id).in_(task_ids)))
    first = (
        sa_select(func.min(Event.id))
        .where(
            col(Event.plan_id) == plan_id,
            col(Event.item_id).is_not(None),
            col(Event.field).in_((*SEALED_FIELDS, *SEALED_IF_SET)),
        )
        .group_by(col(Event.item_id), col(Event.field))
    )
    imported: dict[tuple[int, str], str | None] = {
        (cast(int, item_id), cast(str, name)): old
        for item_id, name, old in connection.execute(
            sa_select(col(Event.item_id), col(Event.field), col(Event.old)).where(
                col(Event.id).in_(first)
            )
        )
    }
    return import_seal(plan, list(tasks), list(items), imported)


def sealed(new: str, seal: str) -> str:
    return f"{new}{SEAL_MARK}{seal}"


def seal_of(new: str | None) -> str | None:
    """The seal an import event recorded, or None for an import made before seals."""
    if not new:
        return None
    _, mark, seal = new.rpartition(SEAL_MARK)
    return seal if mark and len(seal) == 64 else None


# -- verify ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """A head of the trail kept outside the database: in a report, or in a heads file."""

    events: int
    head: str  # the digest of event number `events`, or at least its first 12 characters
    source: str  # where it was read, for messages: a file, and a line of it


@dataclass(frozen=True)
class Finding:
    """One way the ledger differs from its trail, or the trail from a head kept elsewhere."""

    key: str  # the message key, trail.*
    event: int | None = None
    ref: str | None = None  # 2.3, or a task's 2
    field: str | None = None
    expected: str | None = None
    found: str | None = None
    plan: str | None = None
    note: int | None = None
    user: str | None = None
    source: str | None = None

    def message(self) -> str:
        # Counts and digests of a kept head are shown as they are; values are quoted.
        raw = self.key.startswith("trail.anchor")
        label = self.field
        if label is not None:
            key = f"field.{label}"
            label = t(key) if known(key) else t(f"trail.part.{label}")
        return t(
            self.key,
            event=self.event,
            ref=self.ref or "?",
            field=label,
            expected=self.expected if raw else _shown(self.expected),
            found=self.found if raw else _shown(self.found),
            plan=self.plan,
            note=self.note,
            user=self.user,
            source=self.source,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.key.removeprefix("trail."),
            "event": self.event,
            "ref": self.ref,
            "field": self.field,
            "expected": self.expected,
            "found": self.found,
            "plan": self.plan,
            "note": self.note,
            "user": self.user,
            "source": self.source,
            "message": self.message(),
        }


def _shown(value: str | None) -> str:
    if value is None:
        return t("trail.empty")
    # Control characters shown as escapes: a forged value must not repaint the terminal.
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in value[:80])
    return f"“{text}{'…' if len(value) > 80 else ''}”"


@dataclass(frozen=True)
class TrailReport:
    events: int
    first_bad: int | None  # the id of the first event whose digest does not match
    at: datetime | None = None
    head: str = GENESIS  # the digest of the last event: what a report or heads file keeps
    # Anchor findings first, then the rest by event, oldest first.
    findings: tuple[Finding, ...] = ()
    # Plans imported before imports were sealed: their rows as imported cannot be checked.
    unchecked: tuple[str, ...] = ()
    anchors: int = 0  # how many heads kept elsewhere were checked

    @property
    def chain_intact(self) -> bool:
        return self.first_bad is None

    @property
    def intact(self) -> bool:
        return self.first_bad is None and not self.findings


ChainReport = TrailReport  # the name it had when verify only walked the chain


def verify(engine: Engine, anchors: Sequence[Anchor] = ()) -> TrailReport:
    """Walk the whole trail in order, replay it against the rows, and check `anchors`."""
    if engine.dialect.name == "postgresql":
        # One snapshot for every query: a change committed while we read is not a mismatch.
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with engine.connect() as connection, connection.begin():
        return _Replay(connection).run(anchors)


@dataclass
class _Replay:
    """The trail read once, in order, keeping what each check needs."""

    connection: Connection
    count: int = 0
    head: str = GENESIS
    first_bad: int | None = None
    bad_at: datetime | None = None
    # (item id, field) -> its latest event, and the `old` of its first (the imported value).
    latest: dict[tuple[int, str], Any] = field(default_factory=dict)
    first_old: dict[tuple[int, str], str | None] = field(default_factory=dict)
    notes: dict[int, Any] = field(default_factory=dict)  # note id -> the event that added it
    doubled: list[Any] = field(default_factory=list)  # a second event adding the same note
    retracted: dict[int, Any] = field(default_factory=dict)  # note id -> the undo
    imports: dict[int, Any] = field(default_factory=dict)  # plan id -> its latest import
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> field -> event
    # (plan id, field) -> its latest `plan` event (or the undo of one); the latest `in_use`.
    plan_fields: dict[tuple[int, str], Any] = field(default_factory=dict)
    in_use: Any = None
    # (plan id, period) -> the events opening and closing its reporting round; (batch, plan
    # id, period, unit) -> the event recording that unit's return to it (services.rounds).
    rounds: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    round_returns: dict[tuple[str, int, str, str], Any] = field(default_factory=dict)
    positions: dict[int, str] = field(default_factory=dict)  # anchored position -> digest
    # (batch, item id, value) -> the event attaching evidence, or the undo removing it.
    attached: dict[tuple[str, int, str], Any] = field(default_factory=dict)
    detached: dict[tuple[str, int, str], Any] = field(default_factory=dict)
    # (item id, value) -> the events that added that milestone and have not removed it since.
    milestones: dict[tuple[int, str], list[Any]] = field(default_factory=dict)

    def run(self, anchors: Sequence[Anchor]) -> TrailReport:
        wanted = {anchor.events for anchor in anchors}
        table = _table(Event)
        previous = GENESIS
        for row in self.connection.execute(sa_select(table).order_by(table.c.id)):
            self.count += 1
            if self.first_bad is None and digest(previous, cast(Event, row)) != row.digest:
                self.first_bad, self.bad_at = row.id, row.at
            previous = row.digest
            if self.count in wanted:
                self.positions[self.count] = row.digest
            self._take(row)
        self.head = previous
        findings = self._anchored(anchors)
        rest, unchecked = self._rows()
        # By event, oldest first; a broken seal last, since it cannot say which row changed
        # and the findings before it usually do.
        rest.sort(
            key=lambda finding: (
                finding.key == "trail.import_seal",
                finding.event is None,
                finding.event or 0,
            )
        )
        return TrailReport(
            self.count,
            self.first_bad,
            self.bad_at,
            self.head,
            tuple(findings + rest),
            tuple(unchecked),
            len(anchors),
        )

    def _take(self, row: Any) -> None:
        name = row.field
        if row.item_id is not None and name in ITEM_FIELDS:
            key = (row.item_id, name)
            self.latest[key] = row
            self.first_old.setdefault(key, row.old)
        elif name == EVIDENCE_FIELD and row.item_id is not None:
            if row.reverts is None and row.new is not None:
                self.attached[(row.batch, row.item_id, row.new)] = row
            elif row.reverts is not None and row.old is not None:
                self.detached[(row.reverts, row.item_id, row.old)] = row
        elif name == MILESTONE_FIELD and row.item_id is not None:
            # Added (`new`) or removed (`old`), by a milestone call or by its undo alike.
            if row.old is not None:
                live = self.milestones.get((row.item_id, row.old))
                if live:
                    live.pop()
            if row.new is not None:
                self.milestones.setdefault((row.item_id, row.new), []).append(row)
        elif name == "note" and row.note_id is not None:
            if row.action == "note":
                if row.note_id in self.notes:
                    self.doubled.append(row)
                self.notes[row.note_id] = row
            elif row.reverts is not None:
                self.retracted[row.note_id] = row
        elif (
            row.plan_id is not None
            and row.item_id is None
            and row.task_id is None
            and row.action in ("plan", "undo")
            and name in (*PLAN_FIELDS, IN_USE_FIELD)
        ):
            if name == IN_USE_FIELD:
                self.in_use = row
            else:
                self.plan_fields[(row.plan_id, name)] = row
        elif row.action == "round" and row.plan_id is not None and row.subject is not None:
            if name == "round_return":
                self.round_returns[(row.batch, row.plan_id, row.subject, row.for_unit)] = row
            else:
                self.rounds.setdefault((row.plan_id, row.subject), {})[name] = row
        elif (
            row.action == "undo"
            and row.reverts is not None
            and row.plan_id is not None
            and row.subject is not None
            and name in ("round", "round_closed")
        ):
            # An opening undone (the round removed) or a closing undone (reopened).
            self.rounds.get((row.plan_id, row.subject), {}).pop(name, None)
        elif row.action == "import" and row.plan_id is not None:
            self.imports[row.plan_id] = row
        elif row.subject is not None and row.plan_id is None:
            if name == "user":
                # Added or removed: what the user was before no longer applies.
                self.users[row.subject] = {"user": row}
            else:
                self.users.setdefault(row.subject, {})[name] = row

    def _anchored(self, anchors: Sequence[Anchor]) -> list[Finding]:
        findings = []
        for anchor in anchors:
            kept = GENESIS if anchor.events == 0 else self.positions.get(anchor.events)
            if kept is None:
                findings.append(
                    Finding(
                        "trail.anchor_short",
                        expected=str(anchor.events),
                        found=str(self.count),
                        source=anchor.source,
                    )
                )
            elif not kept.startswith(anchor.head):
                findings.append(
                    Finding(
                        "trail.anchor_differs",
                        event=anchor.events,
                        expected=anchor.head[:16],
                        found=kept[:16],
                        source=anchor.source,
                    )
                )
        return findings

    def _rows(self) -> tuple[list[Finding], list[str]]:
        rows = _Rows(self.connection)
        findings: list[Finding] = []
        findings += rows.check_items(self.latest, self.imports)
        sealed_findings, unchecked = rows.check_seals(self.imports, self.first_old)
        findings += sealed_findings
        findings += rows.check_notes(self.notes, self.retracted, self.doubled)
        findings += rows.check_users(self.users)
        findings += rows.check_plans(self.plan_fields, self.imports)
        findings += rows.check_in_use(self.in_use)
        findings += rows.check_rounds(self.rounds, self.round_returns)
        findings += rows.check_evidence(self.attached, self.detached)
        findings += rows.check_milestones(self.milestones)
        return findings, unchecked


class _Rows:
    """The ledger's rows, read in the replay's transaction, and the checks against them."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        execute = connection.execute
        self.plans = {row.id: row for row in execute(sa_select(_table(Plan)))}
        self.tasks = {row.id: row for row in execute(sa_select(_table(Task)))}
        self.items = {row.id: row for row in execute(sa_select(_table(Item)))}
        self.notes = list(execute(sa_select(_table(Note)).order_by(col(Note.id))))
        self.users = {row.name: row for row in execute(sa_select(_table(User)))}
        meta = _table(Meta)
        self.in_use: str | None = execute(
            sa_select(meta.c.value).where(meta.c.key == IN_USE_KEY)
        ).scalar_one_or_none()

    def ref(self, task_id: int | None, item_id: int | None) -> str | None:
        """An item as officers name it (2.3), or a task (2)."""
        item = self.items.get(item_id) if item_id is not None else None
        task = self.tasks.get(item.task_id if item is not None else task_id)
        if task is None:
            return None
        return f"{task.seq}.{item.seq}" if item is not None else str(task.seq)

    def slug(self, plan_id: int | None) -> str | None:
        plan = self.plans.get(plan_id) if plan_id is not None else None
        return None if plan is None else str(plan.slug)

    def plan_of(self, item: Any) -> int | None:
        task = self.tasks.get(item.task_id)
        return None if task is None else int(task.plan_id)

    def check_items(
        self, latest: Mapping[tuple[int, str], Any], imports: Mapping[int, Any]
    ) -> list[Finding]:
        findings = []
        # Each item field holds the `new` of its latest event (undo events included).
        gone: set[int] = set()
        for (item_id, name), event in latest.items():
            item = self.items.get(item_id)
            if item is None:
                if item_id not in gone:
                    gone.add(item_id)
                    findings.append(
                        Finding(
                            "trail.item_gone",
                            event=event.id,
                            found=str(item_id),
                            plan=self.slug(event.plan_id),
                        )
                    )
                continue
            found = trail_text(getattr(item, name))
            if found != event.new:
                findings.append(
                    Finding(
                        "trail.item_field",
                        event=event.id,
                        ref=self.ref(None, item_id),
                        field=name,
                        expected=event.new,
                        found=found,
                        plan=self.slug(event.plan_id),
                    )
                )
        # Who changed an item last, and when, is its latest event's batch (services.writes._touch):
        # a row edited in someone else's name shows here.
        last_of: dict[int, Any] = {}
        for (item_id, _), event in latest.items():
            if item_id not in last_of or event.id > last_of[item_id].id:
                last_of[item_id] = event
        for item in self.items.values():
            event = last_of.get(item.id)
            expected = None if event is None else f"{event.actor} {trail_text(event.at)}"
            found = None
            if item.updated_by is not None or item.updated_at is not None:
                found = f"{item.updated_by} {trail_text(item.updated_at)}"
            if expected != found:
                findings.append(
                    Finding("trail.item_touched", event=event.id if event else None,
                            ref=self.ref(None, item.id), expected=expected, found=found,
                            plan=self.slug(self.plan_of(item)))
                )  # fmt: skip
        # A field no event changed holds what the import left in it.
        for item in self.items.values():
            plan_id = self.plan_of(item)
            for name, expected in IMPORTED.items():
                if (item.id, name) in latest:
                    continue
                found = trail_text(getattr(item, name))
                if found != expected:
                    imported = imports.get(plan_id) if plan_id is not None else None
                    findings.append(
                        Finding(
                            "trail.item_unlogged",
                            event=imported.id if imported is not None else None,
                            ref=self.ref(None, item.id),
                            field=name,
                            expected=expected,
                            found=found,
                            plan=self.slug(plan_id),
                        )
                    )
        return findings

    def check_seals(
        self, imports: Mapping[int, Any], first_old: Mapping[tuple[int, str], str | None]
    ) -> tuple[list[Finding], list[str]]:
        """Each plan's rows still hash to the seal its latest import recorded."""
        findings = []
        unchecked = []
        items_of: dict[int | None, list[Any]] = {}
        for item in self.items.values():
            plan_id = self.plan_of(item)
            if plan_id is None:
                findings.append(Finding("trail.item_unlogged_task", found=str(item.id)))
            items_of.setdefault(plan_id, []).append(item)
        tasks_of: dict[int, list[Any]] = {}
        for task in self.tasks.values():
            tasks_of.setdefault(task.plan_id, []).append(task)
        for plan in self.plans.values():
            imported = imports.get(plan.id)
            if imported is None:
                findings.append(Finding("trail.plan_unlogged", plan=plan.slug))
                continue
            seal = seal_of(imported.new)
            if seal is None:
                unchecked.append(str(plan.slug))
                continue
            rows = (plan, tasks_of.get(plan.id, []), items_of.get(plan.id, []))
            if import_seal(*rows, first_old) != seal:
                findings.append(Finding("trail.import_seal", event=imported.id, plan=plan.slug))
        for plan_id, imported in imports.items():
            if plan_id not in self.plans:
                findings.append(Finding("trail.plan_gone", event=imported.id, found=str(plan_id)))
        return findings, unchecked

    def check_notes(
        self, added_by: Mapping[int, Any], retracted: Mapping[int, Any], doubled: Sequence[Any]
    ) -> list[Finding]:
        """Each note matches the event that added it, and is retracted iff an undo said so."""
        findings = []
        for note in self.notes:
            where = self.ref(note.task_id, note.item_id)
            plan = self.slug(note.plan_id)
            added = added_by.get(note.id)
            if added is None:
                findings.append(
                    Finding("trail.note_unlogged", ref=where, note=note.id, found=note.text,
                            plan=plan)
                )  # fmt: skip
                continue
            for part, expected, found in (
                ("text", added.new, note.text),
                ("author", added.actor, note.author),
                ("place", self.place(added), self.place(note)),
                ("at", trail_text(added.at), trail_text(note.created_at)),
            ):
                if expected != found:
                    findings.append(
                        Finding("trail.note_changed", event=added.id, ref=where, field=part,
                                expected=expected, found=found, note=note.id, plan=plan)
                    )  # fmt: skip
            undo = retracted.get(note.id)
            if bool(note.retracted) != (undo is not None):
                key = "trail.note_retracted" if note.retracted else "trail.note_unretracted"
                event = undo.id if undo is not None else added.id
                findings.append(Finding(key, event=event, ref=where, note=note.id, plan=plan))
        present = {note.id for note in self.notes}
        for note_id, added in added_by.items():
            if note_id not in present:
                findings.append(
                    Finding("trail.note_gone", event=added.id, note=note_id,
                            ref=self.ref(added.task_id, added.item_id), expected=added.new,
                            plan=self.slug(added.plan_id))
                )  # fmt: skip
        findings += [
            Finding("trail.note_twice", event=added.id, note=added.note_id) for added in doubled
        ]
        return findings

    def place(self, row: Any) -> str:
        """Where a note hangs, as `plan 2.3`, for comparing a note with its event."""
        return f"{self.slug(row.plan_id)} {self.ref(row.task_id, row.item_id)}"

    def check_users(self, events_of: Mapping[str, Mapping[str, Any]]) -> list[Finding]:
        """Each user is as their latest events left them."""
        findings = []
        for name, events in events_of.items():
            made = events.get("user")
            last = max(events.values(), key=lambda event: event.id)
            row = self.users.get(name)
            if made is not None and made.new is None:  # removed
                if row is not None:
                    findings.append(Finding("trail.user_removed", event=made.id, user=name))
                continue
            if row is None:
                findings.append(Finding("trail.user_gone", event=last.id, user=name))
                continue
            for part, default, found in (
                ("unit", None, row.unit),
                ("coordinator", "no", trail_text(bool(row.coordinator))),
            ):
                event = events.get(part)
                expected = event.new if event is not None else default
                if expected != found:
                    findings.append(
                        Finding("trail.user_field", event=(event or last).id, user=name,
                                field=part, expected=expected, found=found)
                    )  # fmt: skip
        findings += [
            Finding("trail.user_unlogged", user=name)
            for name in self.users
            if name not in events_of
        ]
        return findings

    def check_plans(
        self, latest: Mapping[tuple[int, str], Any], imports: Mapping[int, Any]
    ) -> list[Finding]:
        """Each plan's state, period end and tolerance hold the `new` of their latest event,
        or, with none, what an import leaves."""
        findings = []
        for plan in self.plans.values():
            for name in PLAN_FIELDS:
                event = latest.get((plan.id, name))
                value = getattr(plan, name)
                if name == "end_date":  # an empty end reads as 31 December (Plan.period_end)
                    value = period_end(plan.year, value)
                found = trail_text(value)
                if event is not None:
                    if found != event.new:
                        findings.append(
                            Finding("trail.plan_field", event=event.id, field=name,
                                    expected=event.new, found=found, plan=plan.slug)
                        )  # fmt: skip
                    continue
                expected = _plan_default(plan, name)
                if found != expected:
                    imported = imports.get(plan.id)
                    findings.append(
                        Finding("trail.plan_unlogged_field",
                                event=imported.id if imported is not None else None,
                                field=name, expected=expected, found=found, plan=plan.slug)
                    )  # fmt: skip
        return findings

    def check_in_use(self, event: Any) -> list[Finding]:
        """The ledger's plan in use is the one its latest `in_use` event chose. Before any
        (`plans use`), it is the one the first import or the upgrade to schema 5 recorded,
        which no event names: the newest plan of that time, so no plan imported before it
        is of a later year."""
        found = self.in_use
        if event is not None:
            if found != event.new:
                return [
                    Finding("trail.in_use", event=event.id, field=IN_USE_FIELD,
                            expected=event.new, found=found)
                ]  # fmt: skip
            return []
        if found is None:
            if not self.plans:
                return []
            return [Finding("trail.in_use_missing", field=IN_USE_FIELD)]
        chosen = [plan for plan in self.plans.values() if plan.slug == found]
        if chosen and not any(
            other.id < chosen[0].id and other.year > chosen[0].year for other in self.plans.values()
        ):
            return []
        return [Finding("trail.in_use_unlogged", field=IN_USE_FIELD, found=found)]

    def check_rounds(
        self,
        rounds: Mapping[tuple[int, str], Mapping[str, Any]],
        returns: Mapping[tuple[str, int, str, str], Any],
    ) -> list[Finding]:
        """Each reporting round is as its `round` event opened it (due, by whom, when) and
        its `round_closed` event closed it, and each unit's return to it as its event says
        (on time or late, by whom, when); each such event still has its row."""
        # Imported here: another concern's tables, read by this check alone.
        from lawtasks.models import ReportingRound, RoundReturn

        findings: list[Finding] = []
        execute = self.connection.execute
        periods: dict[int, tuple[int | None, str]] = {}
        for row in execute(sa_select(_table(ReportingRound)).order_by(_table(ReportingRound).c.id)):
            key = (row.plan_id, row.period)
            periods[row.id] = key
            plan = self.slug(row.plan_id)
            events = rounds.get(key, {})
            opened, closed = events.get("round"), events.get("round_closed")
            if opened is None:
                findings.append(Finding("trail.round_unlogged", ref=row.period, plan=plan))
                continue
            parts = [
                ("due", opened.new, trail_text(row.due), opened),
                ("author", opened.actor, row.opened_by, opened),
                ("at", trail_text(opened.at), trail_text(row.opened_at), opened),
                ("closed", "yes" if closed else None, "yes" if row.closed_at else None,
                 closed or opened),
            ]  # fmt: skip
            if closed is not None and row.closed_at is not None:
                parts.append(("at", trail_text(closed.at), trail_text(row.closed_at), closed))
            for part, expected, found, event in parts:
                if expected != found:
                    findings.append(
                        Finding("trail.round_changed", event=event.id, ref=row.period,
                                field=part, expected=expected, found=found, plan=plan)
                    )  # fmt: skip
        for (plan_id, period), events in rounds.items():
            if (plan_id, period) not in periods.values() and "round" in events:
                findings.append(
                    Finding("trail.round_gone", event=events["round"].id, expected=period,
                            plan=self.slug(plan_id))
                )  # fmt: skip
        seen: set[tuple[str, int | None, str, str]] = set()
        table = _table(RoundReturn)
        for row in execute(sa_select(table).order_by(table.c.id)):
            owner, period = periods.get(row.round_id, (None, "?"))
            answer = (row.batch, owner, period, row.unit)
            seen.add(answer)
            where = f"{period} {row.unit}"
            plan = self.slug(owner)
            event = returns.get(answer)  # type: ignore[arg-type]
            if event is None:
                findings.append(Finding("trail.round_return_unlogged", ref=where, plan=plan))
                continue
            for part, expected, found in (
                ("late", event.new, "late" if row.late else "on_time"),
                ("author", event.actor, row.by),
                ("at", trail_text(event.at), trail_text(row.at)),
            ):
                if expected != found:
                    findings.append(
                        Finding("trail.round_return_changed", event=event.id, ref=where,
                                field=part, expected=expected, found=found, plan=plan)
                    )  # fmt: skip
        for answer, event in returns.items():
            if answer not in seen:
                findings.append(
                    Finding("trail.round_return_gone", event=event.id,
                            ref=f"{answer[2]} {answer[3]}",
                            plan=self.slug(event.plan_id))
                )  # fmt: skip
        return findings

    def check_evidence(
        self,
        attached: Mapping[tuple[str, int, str], Any],
        detached: Mapping[tuple[str, int, str], Any],
    ) -> list[Finding]:
        """Each stored file hashes to its address; each attachment has its event (and is
        removed iff an undo removed it), and each attaching event its attachment."""
        findings = []
        execute = self.connection.execute
        # Each place a file is attached, once: attached, undone and attached again is still
        # one place (its rows are kept, removed or not, since the trail names them).
        names: dict[str, dict[str, None]] = {}
        rows = list(execute(sa_select(_table(Evidence)).order_by(col(Evidence.id))))
        for row in rows:
            names.setdefault(row.sha256, {})[f"{self.ref(None, row.item_id)} {row.name}"] = None
        files = _table(EvidenceFile)
        # One file at a time: the bytes of every file at once could be gigabytes.
        for (sha256,) in execute(sa_select(files.c.sha256).order_by(files.c.sha256)):
            stored = execute(
                sa_select(files.c.size, files.c.content).where(files.c.sha256 == sha256)
            ).one()
            content = stored.content
            if isinstance(content, str):  # SQLite lets a tamperer store text in the column
                content = content.encode("utf-8", "surrogateescape")
            found = hashlib.sha256(content).hexdigest()
            if found != sha256 or len(content) != stored.size:
                findings.append(
                    Finding("trail.evidence_file", expected=sha256, found=found,
                            ref=join_list(names.get(sha256, {})) or "-")
                )  # fmt: skip
        seen = set()
        for row in rows:
            key = (row.batch, row.item_id, evidence_value(row.name, row.size, row.sha256))
            seen.add(key)
            where = self.ref(None, row.item_id)
            plan = self.slug(row.plan_id)
            event = attached.get(key)
            if event is None:
                findings.append(
                    Finding("trail.evidence_unlogged", ref=where, found=key[2], plan=plan)
                )
                continue
            for part, expected, found_value in (
                ("author", event.actor, row.added_by),
                ("at", trail_text(event.at), trail_text(row.added_at)),
            ):
                if expected != found_value:
                    findings.append(
                        Finding("trail.evidence_changed", event=event.id, ref=where, field=part,
                                expected=expected, found=found_value, plan=plan)
                    )  # fmt: skip
            undo = detached.get(key)
            if bool(row.removed) != (undo is not None):
                kind = "trail.evidence_removed" if row.removed else "trail.evidence_unremoved"
                findings.append(
                    Finding(kind, event=(undo or event).id, ref=where, found=row.name, plan=plan)
                )
        for key, event in attached.items():
            if key not in seen:
                findings.append(
                    Finding("trail.evidence_gone", event=event.id, ref=self.ref(None, key[1]),
                            expected=key[2], plan=self.slug(event.plan_id))
                )  # fmt: skip
        return findings

    def check_milestones(self, replayed: Mapping[tuple[int, str], list[Any]]) -> list[Finding]:
        """The milestones in the ledger are those the trail added and did not remove: each
        row has its event, and each event still standing its row."""
        findings = []
        standing = {key: list(events) for key, events in replayed.items() if events}
        table = _table(Milestone)
        for row in self.connection.execute(sa_select(table).order_by(table.c.id)):
            value = milestone_value(row.due, row.progress, row.text)
            events = standing.get((row.item_id, value))
            if events:
                events.pop()
                continue
            item = self.items.get(row.item_id)
            findings.append(
                Finding("trail.milestone_unlogged", ref=self.ref(None, row.item_id), found=value,
                        plan=self.slug(self.plan_of(item)) if item is not None else None)
            )  # fmt: skip
        for (item_id, value), events in standing.items():
            for event in events:
                findings.append(
                    Finding("trail.milestone_gone", event=event.id, ref=self.ref(None, item_id),
                            expected=value, plan=self.slug(event.plan_id))
                )  # fmt: skip
        return findings


def _plan_default(plan: Any, name: str) -> str | None:
    """What an import leaves in a plan's own field."""
    if name == "end_date":
        return trail_text(period_end(plan.year, None))
    return PLAN_IMPORTED[name]
