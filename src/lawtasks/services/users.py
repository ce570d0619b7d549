"""Users, their units and roles."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from lawtasks.access import Access, grant_login, revoke_login
from lawtasks.domain import (
    FIELD_LIMIT,
    clean_text,
    trail_text,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import t
from lawtasks.models import User
from lawtasks.services.base import LedgerBase
from lawtasks.services.writes import (
    Change,
    Outcome,
    _commit,
    _retry_busy,
)


class Users(LedgerBase):
    """The ledger's users, their units and roles."""

    # -- users -------------------------------------------------------------------------

    @_retry_busy
    def add_user(self, name: str, *, unit: str | None, coordinator: bool = False) -> Outcome:
        """Add a user, or change an existing one's unit and role (a coordinator's job).

        The first user must be a coordinator, so that someone can manage the others. On
        PostgreSQL the user's database login is created if need be and made an officer.
        """
        name = clean_text(name, field="user", limit=63)
        if not name:
            raise DomainError("error.empty_value", field=t("field.user"))
        unit = clean_text(unit or "", field="lead_unit", limit=FIELD_LIMIT) or None
        with self._session() as session:
            access = self._access(session)
            if not access.enforced and not coordinator:
                raise DomainError("error.access_first_user")
            if access.enforced:
                access.check_coordinator("access.action.users")
            user = session.get(User, name)
            batch = self._batch(session, None, "user")
            changes: list[Change] = []
            if user is None:
                user = User(name=name)
                batch.record(field="user", new=name, subject=name)
                changes.append(Change(name, "user", None, name))
            elif user.coordinator and not coordinator:
                # Even as the only user: a ledger with users but no coordinator is one
                # nobody can manage any more.
                _keep_a_coordinator(access, name, leaving=False)
            for field, old, new in (
                ("unit", user.unit, unit),
                ("coordinator", trail_text(user.coordinator), trail_text(coordinator)),
            ):
                if old != new:
                    batch.record(field=field, old=old, new=new, subject=name)
                    changes.append(Change(name, field, old, new))
            if not changes:
                return Outcome(None, None, (), self.actor)
            user.unit, user.coordinator = unit, coordinator
            session.add(user)
            session.flush()
            try:
                grant_login(session.connection(), name)
            except DBAPIError as error:
                raise DomainError("error.access_role", name=name, reason=_reason(error)) from None
            _commit(session)
            return Outcome(batch.id, batch.at, tuple(changes), self.actor)

    @_retry_busy
    def remove_user(self, name: str) -> Outcome:
        """Take a user off the ledger; what they did stays in the trail under their name."""
        with self._session() as session:
            access = self._access(session)
            access.check_coordinator("access.action.users")
            user = session.get(User, name)
            if user is None:
                names = ", ".join(sorted(access.users)) or t("access.none")
                raise DomainError("error.access_no_user", name=name, names=names)
            if user.coordinator:
                _keep_a_coordinator(access, name, leaving=True)
            batch = self._batch(session, None, "user")
            batch.record(field="user", old=name, subject=name)
            session.delete(user)
            session.flush()
            revoke_login(session.connection(), name)
            _commit(session)
            return Outcome(batch.id, batch.at, (Change(name, "user", name, None),), self.actor)


def _keep_a_coordinator(access: Access, name: str, *, leaving: bool) -> None:
    """Refuse to leave users without a coordinator. The last user of all may leave: the
    ledger is then one office's own file again, open to whoever can open it."""
    others = [n for n, user in access.users.items() if user.coordinator and n != name]
    if not others and (not leaving or len(access.users) > 1):
        raise DomainError("error.access_last_coordinator", name=name)


def _reason(error: DBAPIError) -> str:
    return str(error.orig or error).splitlines()[0]
