"""The tamper-evident audit trail (留痕).

Each event stores a SHA-256 digest of its own content chained to the digest of the event
before it, so that altering an event, or deleting one, breaks every digest after it.
`verify` walks the chain and names the first event that does not match. Undo appends
events; nothing in the trail is ever rewritten.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from lawtasks.models import Event

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


@dataclass(frozen=True)
class ChainReport:
    events: int
    first_bad: int | None  # the id of the first event whose digest does not match
    at: datetime | None = None

    @property
    def intact(self) -> bool:
        return self.first_bad is None


def verify(engine: Engine) -> ChainReport:
    """Walk the whole trail in order; stop at the first event that breaks the chain."""
    previous = GENESIS
    count = 0
    with Session(engine) as session:
        for event in session.exec(select(Event).order_by(col(Event.id))):
            count += 1
            if digest(previous, event) != event.digest:
                return ChainReport(count, event.id, event.at)
            previous = event.digest
    return ChainReport(count, None)
