"""Who may change what: lead units (责任单位), their officers, and coordinators.

A ledger without users is one office's own file: whoever can open it may change anything.
Once the first user is added (a coordinator), every change is checked:

- an officer of a unit may change the items whose lead unit is that unit, and add notes to
  them and to the tasks that unit leads;
- a coordinator (the rule-of-law office) may change everything, import plans, hand items to
  another unit and manage users;
- anyone else may read, and change nothing.

The service layer checks these rules on both engines, so that a refused change says who may
make it. On PostgreSQL the database enforces the same rules itself, with row-level security
keyed on the connecting role (`install_policies`), so that an officer's own database login
used outside lawtasks cannot bypass them. On SQLite whoever can write the file can write
anything: there the app's check is the only one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlmodel import Session, select

from lawtasks.errors import DomainError
from lawtasks.i18n import get_language, t
from lawtasks.models import User

# The PostgreSQL group role every user's login is granted; its privileges and the policies
# below are what a login may do outside the app.
OFFICER_ROLE = "lawtasks_officer"


@dataclass(frozen=True)
class Access:
    """The rules as they apply to one actor, read once per transaction."""

    actor: str
    users: Mapping[str, User]

    @classmethod
    def load(cls, session: Session, actor: str) -> Access:
        users = {user.name: user for user in session.exec(select(User))}
        return cls(actor, users)

    @property
    def enforced(self) -> bool:
        return bool(self.users)

    @property
    def user(self) -> User | None:
        return self.users.get(self.actor)

    @property
    def is_coordinator(self) -> bool:
        return not self.enforced or (self.user is not None and self.user.coordinator)

    def may_change(self, unit: str | None) -> bool:
        if self.is_coordinator:
            return True
        user = self.user
        return user is not None and unit is not None and user.unit == unit

    # -- checks that raise ------------------------------------------------------------------

    def check_item(self, ref: str, unit: str | None, new_unit: str | None = None) -> None:
        """May the actor change the item `ref`, led by `unit` (and to be led by `new_unit`)?"""
        self._check_known()
        if self.may_change(unit):
            if new_unit is not None and new_unit != unit and not self.is_coordinator:
                raise DomainError(
                    "error.access_handoff",
                    actor=self.actor,
                    ref=ref,
                    unit=new_unit,
                    who=self.who_may(None),
                )
            return
        if unit is None:
            raise DomainError(
                "error.access_no_unit", actor=self._described(), ref=ref, who=self.who_may(None)
            )
        raise DomainError(
            "error.access_item",
            actor=self._described(),
            ref=ref,
            unit=unit,
            who=self.who_may(unit),
        )

    def check_coordinator(self, action: str) -> None:
        """May the actor do `action` (a message key naming it), which only coordinators do?"""
        self._check_known()
        if not self.is_coordinator:
            raise DomainError(
                "error.access_coordinator",
                actor=self._described(),
                action=t(action),
                who=self.who_may(None),
            )

    def _check_known(self) -> None:
        if self.enforced and self.user is None:
            raise DomainError("error.access_unknown", actor=self.actor, who=self.who_may(None))

    def _described(self) -> str:
        user = self.user
        if user is None or not user.unit:
            return self.actor
        return t("access.actor_of_unit", actor=self.actor, unit=user.unit)

    def who_may(self, unit: str | None) -> str:
        """Everyone who may change an item led by `unit`: its officers, then coordinators."""
        officers = sorted(
            name
            for name, user in self.users.items()
            if unit and user.unit == unit and not user.coordinator
        )
        coordinators = sorted(name for name, user in self.users.items() if user.coordinator)
        parts = []
        if officers:
            parts.append(t("access.officers_of", unit=unit, names=_joiner().join(officers)))
        parts.append(
            t("access.coordinators", names=_joiner().join(coordinators) or t("access.none"))
        )
        return _separator().join(parts)


def _joiner() -> str:
    return "、" if get_language() == "zh" else ", "


def _separator() -> str:
    return ";" if get_language() == "zh" else "; "


# -- PostgreSQL: the same rules in the database ---------------------------------------------

# Plans and tasks are a coordinator's to add and change; everyone reads them.
_COORDINATORS_ONLY = """
DROP POLICY IF EXISTS lawtasks_read ON {table};
CREATE POLICY lawtasks_read ON {table} FOR SELECT USING (true);
DROP POLICY IF EXISTS lawtasks_add ON {table};
CREATE POLICY lawtasks_add ON {table} FOR INSERT WITH CHECK (lawtasks_is_coordinator());
DROP POLICY IF EXISTS lawtasks_change ON {table};
CREATE POLICY lawtasks_change ON {table} FOR UPDATE USING (lawtasks_is_coordinator());
"""

# Every statement is idempotent, so that the policies can be installed again by a migration
# that changes them, and on a database whose roles already exist.
_POLICIES = f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OFFICER_ROLE}') THEN
        CREATE ROLE {OFFICER_ROLE} NOLOGIN;
    END IF;
END $$;

GRANT SELECT ON plan, task, item, note, event, ledger_user, meta
    TO {OFFICER_ROLE};
GRANT INSERT, UPDATE ON plan, task, item, note TO {OFFICER_ROLE};
GRANT INSERT, UPDATE, DELETE ON ledger_user TO {OFFICER_ROLE};
-- The audit trail is append-only for everyone but the database's owner.
GRANT INSERT ON event TO {OFFICER_ROLE};
GRANT USAGE, SELECT ON SEQUENCE plan_id_seq, task_id_seq, item_id_seq, note_id_seq,
    event_id_seq TO {OFFICER_ROLE};

CREATE OR REPLACE FUNCTION lawtasks_is_coordinator() RETURNS boolean
    LANGUAGE sql STABLE AS $f$
    SELECT EXISTS (SELECT 1 FROM ledger_user u
                   WHERE u.name = current_user::text AND u.coordinator)
$f$;
CREATE OR REPLACE FUNCTION lawtasks_may_change(lead text) RETURNS boolean
    LANGUAGE sql STABLE AS $f$
    SELECT EXISTS (SELECT 1 FROM ledger_user u
                   WHERE u.name = current_user::text AND (u.coordinator OR u.unit = lead))
$f$;

ALTER TABLE plan ENABLE ROW LEVEL SECURITY;
ALTER TABLE task ENABLE ROW LEVEL SECURITY;
ALTER TABLE item ENABLE ROW LEVEL SECURITY;
ALTER TABLE note ENABLE ROW LEVEL SECURITY;
ALTER TABLE event ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_user ENABLE ROW LEVEL SECURITY;

{_COORDINATORS_ONLY.format(table="plan")}
{_COORDINATORS_ONLY.format(table="task")}
DROP POLICY IF EXISTS lawtasks_read ON item;
CREATE POLICY lawtasks_read ON item FOR SELECT USING (true);
DROP POLICY IF EXISTS lawtasks_add ON item;
CREATE POLICY lawtasks_add ON item FOR INSERT WITH CHECK (lawtasks_is_coordinator());
-- USING: the item is the officer's unit's now; WITH CHECK: it still is afterwards, so that
-- only a coordinator hands an item to another unit.
DROP POLICY IF EXISTS lawtasks_change ON item;
CREATE POLICY lawtasks_change ON item FOR UPDATE
    USING (lawtasks_may_change(lead_unit)) WITH CHECK (lawtasks_may_change(lead_unit));

DROP POLICY IF EXISTS lawtasks_read ON note;
CREATE POLICY lawtasks_read ON note FOR SELECT USING (true);
DROP POLICY IF EXISTS lawtasks_add ON note;
CREATE POLICY lawtasks_add ON note FOR INSERT WITH CHECK (
    lawtasks_is_coordinator() OR (
        author = current_user::text AND lawtasks_may_change(
            CASE WHEN item_id IS NOT NULL
                 THEN (SELECT i.lead_unit FROM item i WHERE i.id = item_id)
                 ELSE (SELECT k.lead_unit FROM task k WHERE k.id = task_id) END)));
-- Undo retracts a note: its own author's, or any for a coordinator.
DROP POLICY IF EXISTS lawtasks_change ON note;
CREATE POLICY lawtasks_change ON note FOR UPDATE
    USING (lawtasks_is_coordinator() OR author = current_user::text);

DROP POLICY IF EXISTS lawtasks_read ON event;
CREATE POLICY lawtasks_read ON event FOR SELECT USING (true);
-- An officer's events are in their own name; a coordinator applies the units' returns
-- under the names of the officers who made them.
DROP POLICY IF EXISTS lawtasks_add ON event;
CREATE POLICY lawtasks_add ON event FOR INSERT
    WITH CHECK (actor = current_user::text OR lawtasks_is_coordinator());

DROP POLICY IF EXISTS lawtasks_read ON ledger_user;
CREATE POLICY lawtasks_read ON ledger_user FOR SELECT USING (true);
DROP POLICY IF EXISTS lawtasks_manage ON ledger_user;
CREATE POLICY lawtasks_manage ON ledger_user FOR ALL
    USING (lawtasks_is_coordinator()) WITH CHECK (lawtasks_is_coordinator());
"""


def install_policies(connection: Connection) -> None:
    """Create the officers' group role, its grants and the row-level security policies.

    Runs as the database's owner (who needs CREATEROLE, or the role made beforehand), on
    PostgreSQL only; the owner itself is not bound by the policies, as PostgreSQL intends.
    """
    if connection.dialect.name != "postgresql":
        return
    # Through the driver, which runs a script of several statements as one simple query.
    connection.connection.driver_connection.execute(_POLICIES)  # type: ignore[union-attr]


def grant_login(connection: Connection, name: str) -> None:
    """Make `name` a login of the officers' group role, creating the role if need be.

    The role gets no password here: the database administrator sets one (ALTER ROLE ...
    PASSWORD), or the server authenticates it otherwise (peer, certificates).
    """
    role = _role(connection, name)
    if role is None:
        return
    quoted, exists = role
    if not exists:
        connection.exec_driver_sql(f"CREATE ROLE {quoted} LOGIN")
    connection.exec_driver_sql(f"GRANT {OFFICER_ROLE} TO {quoted}")


def revoke_login(connection: Connection, name: str) -> None:
    """Take `name` out of the officers' group; the role itself is the administrator's."""
    role = _role(connection, name)
    if role is not None and role[1]:
        connection.exec_driver_sql(f"REVOKE {OFFICER_ROLE} FROM {role[0]}")


def _role(connection: Connection, name: str) -> tuple[str, bool] | None:
    """The role `name` quoted for SQL, and whether it exists; None off PostgreSQL."""
    if connection.dialect.name != "postgresql":
        return None
    exists = connection.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": name}
    ).first()
    return connection.dialect.identifier_preparer.quote_identifier(name), exists is not None


def login_role(connection: Connection) -> str | None:
    """The role a PostgreSQL connection acts as; None on SQLite, which has no logins."""
    if connection.dialect.name != "postgresql":
        return None
    return str(connection.execute(text("SELECT current_user")).scalar_one())
