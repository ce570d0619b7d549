"""What every concern of the ledger's service shares."""

from __future__ import annotations

import uuid

from sqlalchemy import Engine
from sqlmodel import Session

from lawtasks.access import Access, login_role
from lawtasks.db import writer
from lawtasks.domain import (
    NOTE_LIMIT,
    clean_text,
    default_actor,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import t
from lawtasks.models import Note, Plan, Task, utcnow
from lawtasks.services.writes import (
    Change,
    _Batch,
    _ItemState,
)


class LedgerBase:
    """Writes to one plan of one database on behalf of one actor: what every concern's
    methods share (the transaction, the batch of events, who the actor is)."""

    def __init__(self, engine: Engine, *, actor: str | None = None, plan: str | None = None):
        self.engine = engine
        # The actor goes into every event: held to the rules of a user's name even on a
        # ledger without users, where it is taken at its word.
        self.actor = clean_text(actor or default_actor(), field="user", limit=63)
        if not self.actor:
            raise DomainError("error.empty_value", field=t("field.user"))
        self.plan_slug = plan
        self._explicit_actor = actor

    # -- transactions -------------------------------------------------------------------

    def _session(self) -> Session:
        # expire_on_commit=False: outcomes are read after the commit, without a new query.
        return Session(writer(self.engine), expire_on_commit=False)

    def _batch(self, session: Session, plan: Plan | None, action: str) -> _Batch:
        plan_id = None if plan is None else plan.id
        return _Batch(session, plan_id, self.actor, action, uuid.uuid4().hex, utcnow())

    def _access(self, session: Session) -> Access:
        """Who the actor is and what they may change, read inside the write transaction.

        On PostgreSQL a user's own login is who they are: changes are recorded under the
        role the database knows, which is also what its row-level security checks.
        """
        login = login_role(session.connection())
        access = Access.load(session, self.actor)
        if login is not None and login in access.users and login != self.actor:
            if self._explicit_actor is not None:
                raise DomainError("error.access_login", login=login, actor=self.actor)
            self.actor = login
            access = Access(login, access.users)
        return access

    # -- notes --------------------------------------------------------------------------

    @staticmethod
    def _clean_note(text: str) -> str:
        cleaned = clean_text(text, field="note", limit=NOTE_LIMIT, multiline=True)
        if not cleaned:
            raise DomainError("error.empty_note")
        return cleaned

    def _add_note(
        self, session: Session, batch: _Batch, task: Task, item: _ItemState | None, text: str
    ) -> Change:
        note = Note(
            plan_id=task.plan_id,
            task_id=task.id,
            item_id=item.id if item else None,
            text=text,
            author=batch.actor,
            created_at=batch.at,
        )
        session.add(note)
        session.flush()  # the event names the note by its id
        batch.record(
            field="note",
            new=text,
            task_id=task.id,
            item_id=note.item_id,
            note_id=note.id,
            action="note",
        )
        ref = f"{task.seq}.{item.seq}" if item else str(task.seq)
        return Change(ref, "note", None, text)
