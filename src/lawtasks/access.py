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
from lawtasks.i18n import get_language, join_list, t
from lawtasks.models import User

# The PostgreSQL group role every user's login is granted; its privileges and the policies
# below are what a login may do outside the app.
OFFICER_ROLE = "lawtasks_officer"
# Any constant: the advisory lock all lawtasks writers on one PostgreSQL database share
# (lawtasks.db takes it; the policies' triggers take it too, so nobody appends out of turn).
WRITER_LOCK = 0x1A57A5C5


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
            parts.append(t("access.officers_of", unit=unit, names=join_list(officers)))
        parts.append(t("access.coordinators", names=join_list(coordinators) or t("access.none")))
        return _separator().join(parts)


def _separator() -> str:
    return ";" if get_language() == "zh" else "; "


# -- PostgreSQL: the same rules in the database ---------------------------------------------
#
# Everything below is bound to the logins the policies bind (row_security_active: every
# user's login, coordinators included) and not to the database's owner, who is the
# administrator and could disable any trigger anyway.
#
# Every function names its tables with their schema and runs with a fixed search path that
# puts pg_temp last: a schema left off the path is searched *first* for tables, so an
# officer's temporary table named ledger_user once made him a coordinator. None of them is
# SECURITY DEFINER: an officer may read every table they check, and the triggers must see
# the officer as current_user.

# Plans and tasks are a coordinator's to add and change; everyone reads them.
_COORDINATORS_ONLY = """
DROP POLICY IF EXISTS lawtasks_read ON {schema}.{table};
CREATE POLICY lawtasks_read ON {schema}.{table} FOR SELECT USING (true);
DROP POLICY IF EXISTS lawtasks_add ON {schema}.{table};
CREATE POLICY lawtasks_add ON {schema}.{table} FOR INSERT
    WITH CHECK ({schema}.lawtasks_is_coordinator());
DROP POLICY IF EXISTS lawtasks_change ON {schema}.{table};
CREATE POLICY lawtasks_change ON {schema}.{table} FOR UPDATE
    USING ({schema}.lawtasks_is_coordinator());
"""

# The current transaction's id as a row's xmin shows it: "written by this transaction".
# (A temporary table would be the usual marker, and officers may not make one.)
_THIS_TRANSACTION = "e.xmin::text::bigint = pg_catalog.txid_current() % 4294967296"

# Every statement is idempotent (CREATE OR REPLACE, DROP ... IF EXISTS), so that the
# policies can be installed again by a migration that changes them, on a database whose
# roles already exist. Placeholders: {schema} (quoted), {role}, {lock}, and {path}, the
# search path every function runs with.
_POLICIES = """
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{role}') THEN
        CREATE ROLE {role} NOLOGIN;
    END IF;
END $$;

-- Temporary tables are no officer's business. TEMP is granted to PUBLIC by default, so
-- revoking it from the officers' group alone would change nothing. Only the database's
-- owner may revoke it (anyone else gets a warning); the fixed search paths below hold
-- either way.
DO $$ BEGIN
    EXECUTE pg_catalog.format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC, {role}',
                              pg_catalog.current_database());
END $$;
-- Nor new objects in the ledger's schema, where a function could shadow one the app calls
-- (PostgreSQL 15 does this by default; older servers let PUBLIC create in "public").
REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC, {role};

GRANT SELECT ON {schema}.plan, {schema}.task, {schema}.item, {schema}.note, {schema}.event,
    {schema}.ledger_user, {schema}.meta TO {role};
GRANT INSERT, UPDATE ON {schema}.plan, {schema}.task, {schema}.item, {schema}.note
    TO {role};
GRANT INSERT, UPDATE, DELETE ON {schema}.ledger_user TO {role};
-- The audit trail is append-only for everyone but the database's owner.
GRANT INSERT ON {schema}.event TO {role};
GRANT USAGE, SELECT ON SEQUENCE {schema}.plan_id_seq, {schema}.task_id_seq,
    {schema}.item_id_seq, {schema}.note_id_seq, {schema}.event_id_seq TO {role};

CREATE OR REPLACE FUNCTION {schema}.lawtasks_is_coordinator() RETURNS boolean
    LANGUAGE sql STABLE {path} AS $f$
    SELECT EXISTS (SELECT 1 FROM {schema}.ledger_user u
                   WHERE u.name = current_user::text AND u.coordinator)
$f$;
CREATE OR REPLACE FUNCTION {schema}.lawtasks_may_change(lead text) RETURNS boolean
    LANGUAGE sql STABLE {path} AS $f$
    SELECT EXISTS (SELECT 1 FROM {schema}.ledger_user u
                   WHERE u.name = current_user::text AND (u.coordinator OR u.unit = lead))
$f$;
-- The unit of the connected user; NULL for someone who is no user or has no unit.
CREATE OR REPLACE FUNCTION {schema}.lawtasks_unit() RETURNS text
    LANGUAGE sql STABLE {path} AS $f$
    SELECT u.unit FROM {schema}.ledger_user u WHERE u.name = current_user::text
$f$;
-- Whether the policies bind the connected role: false for the owner and superusers.
CREATE OR REPLACE FUNCTION {schema}.lawtasks_bound() RETURNS boolean
    LANGUAGE sql STABLE {path} AS $f$
    SELECT pg_catalog.row_security_active('{schema}.event'::pg_catalog.regclass)
$f$;

ALTER TABLE {schema}.plan ENABLE ROW LEVEL SECURITY;
ALTER TABLE {schema}.task ENABLE ROW LEVEL SECURITY;
ALTER TABLE {schema}.item ENABLE ROW LEVEL SECURITY;
ALTER TABLE {schema}.note ENABLE ROW LEVEL SECURITY;
ALTER TABLE {schema}.event ENABLE ROW LEVEL SECURITY;
ALTER TABLE {schema}.ledger_user ENABLE ROW LEVEL SECURITY;

{plan_policies}
{task_policies}
DROP POLICY IF EXISTS lawtasks_read ON {schema}.item;
CREATE POLICY lawtasks_read ON {schema}.item FOR SELECT USING (true);
DROP POLICY IF EXISTS lawtasks_add ON {schema}.item;
CREATE POLICY lawtasks_add ON {schema}.item FOR INSERT
    WITH CHECK ({schema}.lawtasks_is_coordinator());
-- USING: the item is the officer's unit's now; WITH CHECK: it still is afterwards, so that
-- only a coordinator hands an item to another unit.
DROP POLICY IF EXISTS lawtasks_change ON {schema}.item;
CREATE POLICY lawtasks_change ON {schema}.item FOR UPDATE
    USING ({schema}.lawtasks_may_change(lead_unit))
    WITH CHECK ({schema}.lawtasks_may_change(lead_unit));

DROP POLICY IF EXISTS lawtasks_read ON {schema}.note;
CREATE POLICY lawtasks_read ON {schema}.note FOR SELECT USING (true);
DROP POLICY IF EXISTS lawtasks_add ON {schema}.note;
CREATE POLICY lawtasks_add ON {schema}.note FOR INSERT WITH CHECK (
    {schema}.lawtasks_is_coordinator() OR (
        author = current_user::text AND {schema}.lawtasks_may_change(
            CASE WHEN item_id IS NOT NULL
                 THEN (SELECT i.lead_unit FROM {schema}.item i WHERE i.id = item_id)
                 ELSE (SELECT k.lead_unit FROM {schema}.task k WHERE k.id = task_id) END)));
-- Undo retracts a note: its own author's, or any for a coordinator.
DROP POLICY IF EXISTS lawtasks_change ON {schema}.note;
CREATE POLICY lawtasks_change ON {schema}.note FOR UPDATE
    USING ({schema}.lawtasks_is_coordinator() OR author = current_user::text);

DROP POLICY IF EXISTS lawtasks_read ON {schema}.event;
CREATE POLICY lawtasks_read ON {schema}.event FOR SELECT USING (true);
-- An officer's events are in their own name; a coordinator applies the units' returns.
DROP POLICY IF EXISTS lawtasks_add ON {schema}.event;
CREATE POLICY lawtasks_add ON {schema}.event FOR INSERT
    WITH CHECK (actor = current_user::text OR {schema}.lawtasks_is_coordinator());

DROP POLICY IF EXISTS lawtasks_read ON {schema}.ledger_user;
CREATE POLICY lawtasks_read ON {schema}.ledger_user FOR SELECT USING (true);
DROP POLICY IF EXISTS lawtasks_manage ON {schema}.ledger_user;
CREATE POLICY lawtasks_manage ON {schema}.ledger_user FOR ALL
    USING ({schema}.lawtasks_is_coordinator())
    WITH CHECK ({schema}.lawtasks_is_coordinator());

-- The sheets sent to the units (schema version 4): a unit's officer records the sheets of
-- their own unit, a coordinator anyone's; a sheet recorded for another unit would let its
-- return be applied as that unit's.
DO $$ BEGIN
    IF pg_catalog.to_regclass('{schema}.issued_sheet') IS NOT NULL THEN
        GRANT SELECT, INSERT ON {schema}.issued_sheet TO {role};
        ALTER TABLE {schema}.issued_sheet ENABLE ROW LEVEL SECURITY;
        DROP POLICY IF EXISTS lawtasks_read ON {schema}.issued_sheet;
        CREATE POLICY lawtasks_read ON {schema}.issued_sheet FOR SELECT USING (true);
        DROP POLICY IF EXISTS lawtasks_add ON {schema}.issued_sheet;
        CREATE POLICY lawtasks_add ON {schema}.issued_sheet FOR INSERT WITH CHECK (
            {schema}.lawtasks_is_coordinator()
            OR (made_by = current_user::text AND unit = {schema}.lawtasks_unit()));
    END IF;
END $$;

-- Reporting rounds (schema 6, services.rounds): a coordinator opens and closes a round,
-- each with its `round` or `round_closed` event of the same transaction, and a round is
-- never otherwise changed, but for `undo`: a closed round reopened, or an open round that
-- no unit has answered removed, each with its undo event (action `undo`, the same field,
-- `old` the value taken back) of the same transaction. A unit's answer (round_return) is
-- its applier's, for their own unit (a coordinator's for any), late once the round is
-- closed, with its `round_return` event of the same transaction, and never changed.
CREATE OR REPLACE FUNCTION {schema}.lawtasks_round_checked() RETURNS trigger
    LANGUAGE plpgsql {path} AS $f$
BEGIN
    IF {schema}.lawtasks_bound() AND TG_OP = 'UPDATE' AND (
        (NEW.id, NEW.plan_id, NEW.period, NEW.due, NEW.opened_at, NEW.opened_by)
        IS DISTINCT FROM (OLD.id, OLD.plan_id, OLD.period, OLD.due, OLD.opened_at,
                          OLD.opened_by)
        OR NOT (
            -- closed by this login, or reopened (the undo of a close)
            (OLD.closed_at IS NULL AND NEW.closed_at IS NOT NULL
             AND NEW.closed_by IS NOT DISTINCT FROM current_user::text)
            OR (OLD.closed_at IS NOT NULL AND NEW.closed_at IS NULL
                AND NEW.closed_by IS NULL))) THEN
        RAISE EXCEPTION 'lawtasks: reporting round % is only ever closed', OLD.period
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$f$;
CREATE OR REPLACE FUNCTION {schema}.lawtasks_round_recorded() RETURNS trigger
    LANGUAGE plpgsql {path} AS $f$
DECLARE
    kept record;
BEGIN
    IF TG_OP = 'DELETE' THEN
        kept := OLD;
    ELSE
        kept := NEW;
    END IF;
    IF NOT {schema}.lawtasks_bound() OR EXISTS (
        SELECT 1 FROM {schema}.event e
        WHERE e.plan_id = kept.plan_id AND e.subject = kept.period
          AND e.actor = current_user::text
          AND CASE WHEN TG_OP = 'INSERT'
                   THEN e.action = 'round' AND e.field = 'round'
                        AND e.new = pg_catalog.to_char(NEW.due, 'YYYY-MM-DD')
                   WHEN TG_OP = 'DELETE'
                   THEN e.action = 'undo' AND e.field = 'round' AND e.reverts IS NOT NULL
                        AND e.old = pg_catalog.to_char(OLD.due, 'YYYY-MM-DD')
                        AND e.new IS NULL
                   WHEN NEW.closed_at IS NULL
                   THEN e.action = 'undo' AND e.field = 'round_closed'
                        AND e.reverts IS NOT NULL AND e.old = 'yes' AND e.new IS NULL
                   ELSE e.action = 'round' AND e.field = 'round_closed'
                        AND e.new = 'yes' END
          AND {this_transaction})
    THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'lawtasks: reporting round % was opened, closed or undone without its '
        'event', kept.period USING ERRCODE = 'insufficient_privilege';
END
$f$;
CREATE OR REPLACE FUNCTION {schema}.lawtasks_round_return_recorded() RETURNS trigger
    LANGUAGE plpgsql {path} AS $f$
BEGIN
    IF NOT {schema}.lawtasks_bound() OR EXISTS (
        SELECT 1 FROM {schema}.event e
        JOIN {schema}.reporting_round g ON g.id = NEW.round_id
        WHERE e.plan_id = g.plan_id AND e.action = 'round' AND e.field = 'round_return'
          AND e.subject = g.period AND e.batch = NEW.batch AND e.actor = NEW."by"
          AND (pg_catalog.to_jsonb(e) ->> 'for_unit') = NEW.unit
          AND e.new = CASE WHEN NEW.late THEN 'late' ELSE 'on_time' END
          AND {this_transaction})
    THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'lawtasks: the return of % to a reporting round was recorded without its '
        'event', NEW.unit USING ERRCODE = 'insufficient_privilege';
END
$f$;
DO $$ BEGIN
    IF pg_catalog.to_regclass('{schema}.reporting_round') IS NOT NULL THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON {schema}.reporting_round TO {role};
        GRANT SELECT, INSERT ON {schema}.round_return TO {role};
        GRANT USAGE, SELECT ON SEQUENCE {schema}.reporting_round_id_seq,
            {schema}.round_return_id_seq TO {role};
        ALTER TABLE {schema}.reporting_round ENABLE ROW LEVEL SECURITY;
        ALTER TABLE {schema}.round_return ENABLE ROW LEVEL SECURITY;
        DROP POLICY IF EXISTS lawtasks_read ON {schema}.reporting_round;
        CREATE POLICY lawtasks_read ON {schema}.reporting_round FOR SELECT USING (true);
        DROP POLICY IF EXISTS lawtasks_add ON {schema}.reporting_round;
        CREATE POLICY lawtasks_add ON {schema}.reporting_round FOR INSERT WITH CHECK (
            {schema}.lawtasks_is_coordinator() AND opened_by = current_user::text
            AND closed_at IS NULL AND closed_by IS NULL);
        DROP POLICY IF EXISTS lawtasks_change ON {schema}.reporting_round;
        CREATE POLICY lawtasks_change ON {schema}.reporting_round FOR UPDATE
            USING ({schema}.lawtasks_is_coordinator())
            WITH CHECK ({schema}.lawtasks_is_coordinator());
        -- Removed only by the undo of its opening: open, and answered by no unit.
        DROP POLICY IF EXISTS lawtasks_remove ON {schema}.reporting_round;
        CREATE POLICY lawtasks_remove ON {schema}.reporting_round FOR DELETE USING (
            {schema}.lawtasks_is_coordinator() AND closed_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM {schema}.round_return r
                            WHERE r.round_id = reporting_round.id));
        DROP POLICY IF EXISTS lawtasks_read ON {schema}.round_return;
        CREATE POLICY lawtasks_read ON {schema}.round_return FOR SELECT USING (true);
        DROP POLICY IF EXISTS lawtasks_add ON {schema}.round_return;
        CREATE POLICY lawtasks_add ON {schema}.round_return FOR INSERT WITH CHECK (
            "by" = current_user::text
            AND ({schema}.lawtasks_is_coordinator() OR unit = {schema}.lawtasks_unit())
            AND (late OR EXISTS (SELECT 1 FROM {schema}.reporting_round g
                                 WHERE g.id = round_id AND g.closed_at IS NULL)));
        DROP TRIGGER IF EXISTS lawtasks_round_checked ON {schema}.reporting_round;
        CREATE TRIGGER lawtasks_round_checked BEFORE UPDATE ON {schema}.reporting_round
            FOR EACH ROW EXECUTE FUNCTION {schema}.lawtasks_round_checked();
        DROP TRIGGER IF EXISTS lawtasks_round_recorded ON {schema}.reporting_round;
        CREATE CONSTRAINT TRIGGER lawtasks_round_recorded
            AFTER INSERT OR UPDATE OR DELETE ON {schema}.reporting_round
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION {schema}.lawtasks_round_recorded();
        DROP TRIGGER IF EXISTS lawtasks_round_return_recorded ON {schema}.round_return;
        CREATE CONSTRAINT TRIGGER lawtasks_round_return_recorded
            AFTER INSERT ON {schema}.round_return DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION {schema}.lawtasks_round_return_recorded();
    END IF;
END $$;

-- The ledger's plan in use (meta plan_in_use, schema 5) is a coordinator's to choose, and
-- no other meta row (the schema version) is any login's to write.
GRANT INSERT, UPDATE ON {schema}.meta TO {role};
ALTER TABLE {schema}.meta ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS lawtasks_read ON {schema}.meta;
CREATE POLICY lawtasks_read ON {schema}.meta FOR SELECT USING (true);
DROP POLICY IF EXISTS lawtasks_add ON {schema}.meta;
CREATE POLICY lawtasks_add ON {schema}.meta FOR INSERT
    WITH CHECK (key = 'plan_in_use' AND {schema}.lawtasks_is_coordinator());
DROP POLICY IF EXISTS lawtasks_change ON {schema}.meta;
CREATE POLICY lawtasks_change ON {schema}.meta FOR UPDATE
    USING (key = 'plan_in_use' AND {schema}.lawtasks_is_coordinator())
    WITH CHECK (key = 'plan_in_use');

-- No plan in use chosen without its event: `plans use` (or its undo) writes an in_use event
-- naming the plan, and the first import, which records its plan as the one in use, its
-- import event. Checked at commit, like items.
CREATE OR REPLACE FUNCTION {schema}.lawtasks_in_use_recorded() RETURNS trigger
    LANGUAGE plpgsql {path} AS $f$
BEGIN
    IF NOT {schema}.lawtasks_bound() THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM {schema}.event e
        WHERE e.item_id IS NULL
          AND ((e.field = 'in_use' AND e.new = NEW.value)
               OR (TG_OP = 'INSERT' AND e.action = 'import' AND e.plan_id =
                   (SELECT p.id FROM {schema}.plan p WHERE p.slug = NEW.value)))
          AND {this_transaction})
    THEN
        RAISE EXCEPTION 'lawtasks: the plan in use became % without its event in the trail',
            NEW.value USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$f$;
DROP TRIGGER IF EXISTS lawtasks_in_use_recorded ON {schema}.meta;
CREATE CONSTRAINT TRIGGER lawtasks_in_use_recorded AFTER INSERT OR UPDATE ON {schema}.meta
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION {schema}.lawtasks_in_use_recorded();

-- Plans. What an import made (name, title, year, text, start) is never rewritten by a
-- login; a plan's state, period end and tolerance change only with their `plan` event of
-- the same transaction (services.plans), for coordinators too. Checked at commit.
CREATE OR REPLACE FUNCTION {schema}.lawtasks_plan_recorded() RETURNS trigger
    LANGUAGE plpgsql {path} AS $f$
DECLARE
    old_row jsonb;
    new_row jsonb;
    changed text;
BEGIN
    IF NOT {schema}.lawtasks_bound() THEN
        RETURN NULL;
    END IF;
    IF (NEW.id, NEW.slug, NEW.title, NEW.year, NEW.goal, NEW.heading, NEW.source_name,
        NEW.published, NEW.start_date, NEW.created_at)
       IS DISTINCT FROM (OLD.id, OLD.slug, OLD.title, OLD.year, OLD.goal, OLD.heading,
                         OLD.source_name, OLD.published, OLD.start_date, OLD.created_at) THEN
        RAISE EXCEPTION 'lawtasks: plan % is never renamed or rewritten', OLD.slug
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    old_row := pg_catalog.to_jsonb(OLD);
    new_row := pg_catalog.to_jsonb(NEW);
    -- (schema 6: the 销号 switch, written yes/no in the trail, and the evidence limit.)
    FOREACH changed IN ARRAY ARRAY['state', 'end_date', 'tolerance', 'signoff',
                                   'evidence_limit'] LOOP
        IF new_row -> changed IS DISTINCT FROM old_row -> changed AND NOT EXISTS (
            SELECT 1 FROM {schema}.event e
            WHERE e.plan_id = NEW.id AND e.item_id IS NULL AND e.field = changed
              AND e.new IS NOT DISTINCT FROM CASE
                  WHEN changed = 'signoff' AND new_row ->> changed = 'true' THEN 'yes'
                  WHEN changed = 'signoff' AND new_row ->> changed = 'false' THEN 'no'
                  ELSE new_row ->> changed END
              AND {this_transaction})
        THEN
            RAISE EXCEPTION 'lawtasks: plan % changed (%) without its event in the trail',
                NEW.slug, changed USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
    RETURN NULL;
END
$f$;
DROP TRIGGER IF EXISTS lawtasks_plan_recorded ON {schema}.plan;
CREATE CONSTRAINT TRIGGER lawtasks_plan_recorded AFTER UPDATE ON {schema}.plan
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION {schema}.lawtasks_plan_recorded();

-- Events. Everyone bound appends in order: they wait for the writers' lock as the app does
-- (so that no event lands between an honest writer's reading the chain's head and its
-- commit), and an event takes the next id the sequence gave, above every event there is; a
-- chosen id (2000000000, say) would put the next honest event out of its chain. An officer
-- writes only what the app would write for them: in their own name, on their own unit's
-- item (or task, for a note), within their own call, undoing only their own calls.
CREATE OR REPLACE FUNCTION {schema}.lawtasks_event_added() RETURNS trigger
    LANGUAGE plpgsql {path} AS $f$
DECLARE
    me text := current_user::text;
    coordinator boolean;
    my_unit text;
    lead text;
    ref text;
    item_task integer;
    task_plan integer;
    other record;
    for_unit text;
    batch_actor text;
    batch_ours boolean;
BEGIN
    IF NOT pg_catalog.row_security_active('{schema}.event'::pg_catalog.regclass) THEN
        RETURN NEW;
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock({lock});
    IF NEW.id IS NULL
       OR NEW.id <= (SELECT coalesce(max(e.id), 0) FROM {schema}.event e)
       OR NEW.id > (SELECT s.last_value FROM {schema}.event_id_seq s) THEN
        RAISE EXCEPTION 'lawtasks: event id % is out of order: an event takes the next id '
            'of event_id_seq, after the last event', NEW.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT u.coordinator, u.unit INTO coordinator, my_unit
        FROM {schema}.ledger_user u WHERE u.name = me;
    IF coordinator THEN
        RETURN NEW;
    END IF;
    IF NEW.actor IS DISTINCT FROM me THEN
        RAISE EXCEPTION 'lawtasks: % may write events only in their own name, not as %',
            me, NEW.actor USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- An officer's return answers the reporting round (services.rounds): the event names
    -- their own unit and no item; its row is checked against it (lawtasks_round_recorded).
    IF NEW.action = 'round' AND NEW.field = 'round_return' AND NEW.subject IS NOT NULL
       AND NEW.reverts IS NULL AND NEW.item_id IS NULL AND NEW.task_id IS NULL
       AND NEW.note_id IS NULL AND NEW.old IS NULL AND my_unit IS NOT NULL
       AND (pg_catalog.to_jsonb(NEW) ->> 'for_unit') IS NOT DISTINCT FROM my_unit THEN
        RETURN NEW;
    END IF;
    IF NEW.action NOT IN ('set', 'note', 'undo', 'attach', 'milestone') OR NEW.subject IS NOT NULL
       OR (NEW.action = 'undo') <> (NEW.reverts IS NOT NULL) THEN
        RAISE EXCEPTION 'lawtasks: only a coordinator writes a % event', NEW.action
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    for_unit := pg_catalog.to_jsonb(NEW) ->> 'for_unit';  -- a column from version 4 on
    IF for_unit IS NOT NULL AND for_unit IS DISTINCT FROM my_unit THEN
        RAISE EXCEPTION 'lawtasks: % may not record a return for %', me, for_unit
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.item_id IS NOT NULL THEN
        SELECT i.task_id, i.lead_unit, k.seq || '.' || i.seq, k.plan_id
            INTO item_task, lead, ref, task_plan
            FROM {schema}.item i JOIN {schema}.task k ON k.id = i.task_id
            WHERE i.id = NEW.item_id;
        IF NEW.task_id IS DISTINCT FROM item_task THEN
            RAISE EXCEPTION 'lawtasks: an event names item % and a task it is not in', ref
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF NEW.task_id IS NOT NULL AND NEW.field = 'note' THEN
        SELECT k.lead_unit, k.seq::text, k.plan_id INTO lead, ref, task_plan
            FROM {schema}.task k WHERE k.id = NEW.task_id;
    ELSE
        RAISE EXCEPTION 'lawtasks: an event of % names an item (or a task, for a note)', me
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.plan_id IS DISTINCT FROM task_plan THEN
        RAISE EXCEPTION 'lawtasks: an event names % and a plan it is not in', ref
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF my_unit IS NULL OR lead IS DISTINCT FROM my_unit THEN
        RAISE EXCEPTION 'lawtasks: % may not record events on %: its lead unit is %',
            me, ref, coalesce(lead, '-') USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.note_id IS NOT NULL THEN
        SELECT n.task_id, n.item_id, n.author INTO other
            FROM {schema}.note n WHERE n.id = NEW.note_id;
        IF NOT FOUND OR other.author IS DISTINCT FROM me
           OR other.task_id IS DISTINCT FROM NEW.task_id
           OR other.item_id IS DISTINCT FROM NEW.item_id THEN
            RAISE EXCEPTION 'lawtasks: % may record only their own notes where they are', me
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    -- A call's events share a batch, which undo reverts whole: joining another's would
    -- make their undo revert this event. One event of the batch tells: every bound login
    -- appends under the writers' lock, and an officer's batch holds only their own events
    -- of one transaction (each was checked so), so a batch with any other event has no
    -- event of this officer's transaction.
    -- (Planned for the value in hand: a plan made once for any batch scans the whole trail,
    -- where a batch is large.)
    EXECUTE 'SELECT e.actor, {this_transaction} FROM {schema}.event e'
        ' WHERE e.batch = $1 LIMIT 1' INTO batch_actor, batch_ours USING NEW.batch;
    IF batch_actor IS NOT NULL AND (batch_actor <> me OR NOT batch_ours) THEN
        RAISE EXCEPTION 'lawtasks: an event of % may not join the earlier batch %',
            me, NEW.batch USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Undo skips a batch something reverts: naming another's batch would hijack their undo.
    -- The app writes each batch in one actor's name, so one event tells whose it is.
    IF NEW.reverts IS NOT NULL THEN
        EXECUTE 'SELECT e.actor FROM {schema}.event e WHERE e.batch = $1 LIMIT 1'
            INTO batch_actor USING NEW.reverts;
        IF batch_actor IS DISTINCT FROM me THEN
            RAISE EXCEPTION 'lawtasks: % may undo only their own changes, not batch %',
                me, NEW.reverts USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NEW;
END
$f$;
DROP TRIGGER IF EXISTS lawtasks_event_added ON {schema}.event;
CREATE TRIGGER lawtasks_event_added BEFORE INSERT ON {schema}.event
    FOR EACH ROW EXECUTE FUNCTION {schema}.lawtasks_event_added();

-- Items. An item's official wording, its place in the plan and its lead unit are a
-- coordinator's to change; so is its 销号 (schema 6), which an officer may only see cleared
-- (reopening a signed-off item clears it). The sign-off columns are read through jsonb:
-- this function is installed from schema 1 on.
CREATE OR REPLACE FUNCTION {schema}.lawtasks_item_changed() RETURNS trigger
    LANGUAGE plpgsql {path} AS $f$
DECLARE
    old_row jsonb;
    new_row jsonb;
BEGIN
    IF NOT pg_catalog.row_security_active('{schema}.item'::pg_catalog.regclass)
       OR {schema}.lawtasks_is_coordinator() THEN
        RETURN NEW;
    END IF;
    IF (NEW.id, NEW.task_id, NEW.seq, NEW.title, NEW.text, NEW.lead_unit)
       IS DISTINCT FROM (OLD.id, OLD.task_id, OLD.seq, OLD.title, OLD.text, OLD.lead_unit) THEN
        RAISE EXCEPTION 'lawtasks: only a coordinator changes an item''s title, text, task, '
            'number or lead unit (item %)', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    old_row := pg_catalog.to_jsonb(OLD);
    new_row := pg_catalog.to_jsonb(NEW);
    IF (new_row -> 'signed_off_at' IS DISTINCT FROM old_row -> 'signed_off_at'
        OR new_row -> 'signed_off_by' IS DISTINCT FROM old_row -> 'signed_off_by')
       AND (new_row ->> 'signed_off_at' IS NOT NULL OR new_row ->> 'signed_off_by' IS NOT NULL)
    THEN
        RAISE EXCEPTION 'lawtasks: only a coordinator signs an item off (item %)', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$f$;
DROP TRIGGER IF EXISTS lawtasks_item_changed ON {schema}.item;
CREATE TRIGGER lawtasks_item_changed BEFORE UPDATE ON {schema}.item
    FOR EACH ROW EXECUTE FUNCTION {schema}.lawtasks_item_changed();

-- No changed item without its event: when the transaction commits, each field a bound
-- login changed has an event of this transaction saying so, with the value it now has
-- (the officer's own event; any, for a coordinator applying a unit's return). An officer's
-- change leaves the item in their name and its version moved on, so that a colleague's
-- stale write is still caught. Checked at commit, on the row as it is then: the app may
-- write an item in more than one statement.
CREATE OR REPLACE FUNCTION {schema}.lawtasks_item_recorded() RETURNS trigger
    LANGUAGE plpgsql {path} AS $f$
DECLARE
    old_row jsonb;
    new_row jsonb;
    changed text;
    anyone boolean;
    now_by text;
    now_version integer;
BEGIN
    IF NOT pg_catalog.row_security_active('{schema}.item'::pg_catalog.regclass) THEN
        RETURN NULL;
    END IF;
    anyone := {schema}.lawtasks_is_coordinator();
    IF NOT anyone THEN
        SELECT i.updated_by, i.version INTO now_by, now_version
            FROM {schema}.item i WHERE i.id = NEW.id;
        IF now_by IS DISTINCT FROM current_user::text OR now_version <= OLD.version THEN
            RAISE EXCEPTION 'lawtasks: % changes item % in their own name, with a new '
                'version', current_user, NEW.id USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    old_row := pg_catalog.to_jsonb(OLD);
    new_row := pg_catalog.to_jsonb(NEW);
    FOREACH changed IN ARRAY ARRAY['status', 'progress', 'lead_unit', 'assisting_units',
                                   'responsible_person', 'due', 'target', 'signed_off_at',
                                   'signed_off_by'] LOOP
        -- A time is compared as a time: the trail writes it as Python does, jsonb in the
        -- session's time zone.
        IF new_row -> changed IS DISTINCT FROM old_row -> changed AND NOT EXISTS (
            SELECT 1 FROM {schema}.event e
            WHERE e.item_id = NEW.id
              AND CASE WHEN e.field IS DISTINCT FROM changed THEN false
                       WHEN changed = 'signed_off_at' AND e.new IS NOT NULL
                       THEN e.new::timestamptz
                            IS NOT DISTINCT FROM (new_row ->> changed)::timestamptz
                       ELSE e.new IS NOT DISTINCT FROM new_row ->> changed END
              AND (anyone OR e.actor = current_user::text)
              AND {this_transaction})
        THEN
            RAISE EXCEPTION 'lawtasks: item % changed (%) without its event in the trail',
                NEW.id, changed USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
    RETURN NULL;
END
$f$;
DROP TRIGGER IF EXISTS lawtasks_item_recorded ON {schema}.item;
CREATE CONSTRAINT TRIGGER lawtasks_item_recorded AFTER UPDATE ON {schema}.item
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION {schema}.lawtasks_item_recorded();

-- Notes. What was said stays where it was said: no note is moved or rewritten, by anyone
-- bound, and undo's retraction is the only change (and is never taken back). A new note
-- sits on its task's plan and its item's task.
CREATE OR REPLACE FUNCTION {schema}.lawtasks_note_checked() RETURNS trigger
    LANGUAGE plpgsql {path} AS $f$
BEGIN
    IF NOT {schema}.lawtasks_bound() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF (NEW.id, NEW.plan_id, NEW.task_id, NEW.item_id, NEW.text, NEW.author,
            NEW.created_at) IS DISTINCT FROM (OLD.id, OLD.plan_id, OLD.task_id, OLD.item_id,
                                              OLD.text, OLD.author, OLD.created_at)
           OR (OLD.retracted AND NOT NEW.retracted) THEN
            RAISE EXCEPTION 'lawtasks: note % is never moved or rewritten; undo retracts it',
                OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.retracted OR NEW.task_id IS NULL
       OR NEW.plan_id IS DISTINCT FROM
          (SELECT k.plan_id FROM {schema}.task k WHERE k.id = NEW.task_id)
       OR (NEW.item_id IS NOT NULL AND NEW.task_id IS DISTINCT FROM
           (SELECT i.task_id FROM {schema}.item i WHERE i.id = NEW.item_id)) THEN
        RAISE EXCEPTION 'lawtasks: a note names a plan, task and item that do not go together'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$f$;
DROP TRIGGER IF EXISTS lawtasks_note_checked ON {schema}.note;
CREATE TRIGGER lawtasks_note_checked BEFORE INSERT OR UPDATE ON {schema}.note
    FOR EACH ROW EXECUTE FUNCTION {schema}.lawtasks_note_checked();

-- An officer's note, and its retraction, come with the officer's event of this transaction.
-- (Coordinators are trusted here: looking a note's event up by note_id has no index, and an
-- apply may add thousands.)
CREATE OR REPLACE FUNCTION {schema}.lawtasks_note_recorded() RETURNS trigger
    LANGUAGE plpgsql {path} AS $f$
BEGIN
    IF NOT {schema}.lawtasks_bound() OR {schema}.lawtasks_is_coordinator()
       OR (TG_OP = 'UPDATE' AND NEW.retracted IS NOT DISTINCT FROM OLD.retracted) THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM {schema}.event e
        WHERE e.note_id = NEW.id AND e.field = 'note' AND e.actor = current_user::text
          AND e.task_id IS NOT DISTINCT FROM NEW.task_id
          AND (NEW.item_id IS NULL OR e.item_id = NEW.item_id)
          AND CASE WHEN TG_OP = 'INSERT'
                   THEN e.reverts IS NULL AND e.new IS NOT DISTINCT FROM NEW.text
                   ELSE e.reverts IS NOT NULL END
          AND {this_transaction})
    THEN
        RAISE EXCEPTION 'lawtasks: note % was added or retracted without its event',
            NEW.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$f$;
DROP TRIGGER IF EXISTS lawtasks_note_recorded ON {schema}.note;
CREATE CONSTRAINT TRIGGER lawtasks_note_recorded AFTER INSERT OR UPDATE ON {schema}.note
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION {schema}.lawtasks_note_recorded();

-- Evidence (佐证材料, schema 6). A stored file is what its address says: its SHA-256 and
-- size are checked against its bytes as it goes in, and it is never changed or deleted.
-- An attachment is its author's, on an item they may change, in that item's plan, and
-- comes with its `attach` event of the same transaction; undo's removal (its author's
-- undo, or a coordinator's) is the only change, comes with its undo event, and is never
-- taken back. Functions here; the grants, policies and triggers below, once the tables
-- exist (the policies are installed by every migration, from schema 1 on).
CREATE OR REPLACE FUNCTION {schema}.lawtasks_evidence_value(name text, size integer,
                                                            sha256 text) RETURNS text
    LANGUAGE sql IMMUTABLE {path} AS $f$
    SELECT name || ' (' || size::text || ' bytes) sha256:' || sha256
$f$;
CREATE OR REPLACE FUNCTION {schema}.lawtasks_evidence_checked() RETURNS trigger
    LANGUAGE plpgsql {path} AS $f$
BEGIN
    IF NOT {schema}.lawtasks_bound() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF (NEW.id, NEW.plan_id, NEW.item_id, NEW.sha256, NEW.name, NEW.size, NEW.added_at,
            NEW.added_by, NEW.batch) IS DISTINCT FROM (OLD.id, OLD.plan_id, OLD.item_id,
            OLD.sha256, OLD.name, OLD.size, OLD.added_at, OLD.added_by, OLD.batch)
           OR (OLD.removed AND NOT NEW.removed) THEN
            RAISE EXCEPTION 'lawtasks: evidence % is never moved or rewritten; undo removes it',
                OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.removed
       OR NEW.plan_id IS DISTINCT FROM (SELECT k.plan_id FROM {schema}.item i
                                        JOIN {schema}.task k ON k.id = i.task_id
                                        WHERE i.id = NEW.item_id)
       OR NEW.size IS DISTINCT FROM (SELECT f.size FROM {schema}.evidence_file f
                                     WHERE f.sha256 = NEW.sha256) THEN
        RAISE EXCEPTION 'lawtasks: evidence names a plan, item and file that do not go together'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$f$;
CREATE OR REPLACE FUNCTION {schema}.lawtasks_evidence_recorded() RETURNS trigger
    LANGUAGE plpgsql {path} AS $f$
DECLARE
    anyone boolean;
    value text;
BEGIN
    IF NOT {schema}.lawtasks_bound()
       OR (TG_OP = 'UPDATE' AND NEW.removed IS NOT DISTINCT FROM OLD.removed) THEN
        RETURN NULL;
    END IF;
    anyone := {schema}.lawtasks_is_coordinator();
    value := {schema}.lawtasks_evidence_value(NEW.name, NEW.size, NEW.sha256);
    IF NOT EXISTS (
        SELECT 1 FROM {schema}.event e
        WHERE e.item_id = NEW.item_id AND e.field = 'evidence'
          AND (anyone OR e.actor = current_user::text)
          AND CASE WHEN TG_OP = 'INSERT'
                   THEN e.action = 'attach' AND e.batch = NEW.batch AND e.reverts IS NULL
                        AND e.new IS NOT DISTINCT FROM value
                   ELSE e.reverts = NEW.batch AND e.old IS NOT DISTINCT FROM value END
          AND {this_transaction})
    THEN
        RAISE EXCEPTION 'lawtasks: evidence % was attached or removed without its event',
            NEW.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$f$;
-- A file goes in with an attachment of the same transaction: nobody stores bytes in the
-- ledger that no item names.
CREATE OR REPLACE FUNCTION {schema}.lawtasks_evidence_file_recorded() RETURNS trigger
    LANGUAGE plpgsql {path} AS $f$
BEGIN
    IF NOT {schema}.lawtasks_bound() OR EXISTS (
        SELECT 1 FROM {schema}.evidence e WHERE e.sha256 = NEW.sha256 AND {this_transaction})
    THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'lawtasks: evidence file % was stored without an attachment',
        NEW.sha256 USING ERRCODE = 'insufficient_privilege';
END
$f$;
DO $$ BEGIN
    IF pg_catalog.to_regclass('{schema}.evidence') IS NOT NULL THEN
        GRANT SELECT, INSERT ON {schema}.evidence_file TO {role};
        GRANT SELECT, INSERT, UPDATE ON {schema}.evidence TO {role};
        GRANT USAGE, SELECT ON SEQUENCE {schema}.evidence_id_seq TO {role};
        ALTER TABLE {schema}.evidence_file ENABLE ROW LEVEL SECURITY;
        ALTER TABLE {schema}.evidence ENABLE ROW LEVEL SECURITY;
        DROP POLICY IF EXISTS lawtasks_read ON {schema}.evidence_file;
        CREATE POLICY lawtasks_read ON {schema}.evidence_file FOR SELECT USING (true);
        DROP POLICY IF EXISTS lawtasks_add ON {schema}.evidence_file;
        CREATE POLICY lawtasks_add ON {schema}.evidence_file FOR INSERT WITH CHECK (
            sha256 = pg_catalog.encode(pg_catalog.sha256(content), 'hex')
            AND size = pg_catalog.octet_length(content));
        DROP POLICY IF EXISTS lawtasks_read ON {schema}.evidence;
        CREATE POLICY lawtasks_read ON {schema}.evidence FOR SELECT USING (true);
        DROP POLICY IF EXISTS lawtasks_add ON {schema}.evidence;
        CREATE POLICY lawtasks_add ON {schema}.evidence FOR INSERT WITH CHECK (
            added_by = current_user::text AND {schema}.lawtasks_may_change(
                (SELECT i.lead_unit FROM {schema}.item i WHERE i.id = item_id)));
        DROP POLICY IF EXISTS lawtasks_change ON {schema}.evidence;
        CREATE POLICY lawtasks_change ON {schema}.evidence FOR UPDATE USING (
            {schema}.lawtasks_is_coordinator() OR added_by = current_user::text);
        DROP TRIGGER IF EXISTS lawtasks_evidence_checked ON {schema}.evidence;
        CREATE TRIGGER lawtasks_evidence_checked BEFORE INSERT OR UPDATE ON {schema}.evidence
            FOR EACH ROW EXECUTE FUNCTION {schema}.lawtasks_evidence_checked();
        DROP TRIGGER IF EXISTS lawtasks_evidence_recorded ON {schema}.evidence;
        CREATE CONSTRAINT TRIGGER lawtasks_evidence_recorded
            AFTER INSERT OR UPDATE ON {schema}.evidence DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION {schema}.lawtasks_evidence_recorded();
        DROP TRIGGER IF EXISTS lawtasks_evidence_file_recorded ON {schema}.evidence_file;
        CREATE CONSTRAINT TRIGGER lawtasks_evidence_file_recorded
            AFTER INSERT ON {schema}.evidence_file DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION {schema}.lawtasks_evidence_file_recorded();
    END IF;
END $$;

-- Milestones (每季度的形象进度, schema 6): set and removed by a coordinator or the item's
-- unit, each row inserted or deleted with its `milestone` event of the same transaction
-- (`new` the milestone added, `old` the one removed; services.milestones), never updated.
CREATE OR REPLACE FUNCTION {schema}.lawtasks_milestone_value(due date, progress integer,
                                                             words text) RETURNS text
    LANGUAGE sql IMMUTABLE {path} AS $f$
    SELECT pg_catalog.to_char(due, 'YYYY-MM-DD')
        || coalesce(' ' || progress::text || '%', '') || coalesce(' ' || words, '')
$f$;
CREATE OR REPLACE FUNCTION {schema}.lawtasks_milestone_recorded() RETURNS trigger
    LANGUAGE plpgsql {path} AS $f$
DECLARE
    anyone boolean;
    row_item integer;
    value text;
BEGIN
    IF NOT {schema}.lawtasks_bound() THEN
        RETURN NULL;
    END IF;
    anyone := {schema}.lawtasks_is_coordinator();
    IF TG_OP = 'INSERT' THEN
        row_item := NEW.item_id;
        value := {schema}.lawtasks_milestone_value(NEW.due, NEW.progress, NEW.text);
    ELSE
        row_item := OLD.item_id;
        value := {schema}.lawtasks_milestone_value(OLD.due, OLD.progress, OLD.text);
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM {schema}.event e
        WHERE e.item_id = row_item AND e.field = 'milestone'
          AND e.action IN ('milestone', 'undo')
          AND (anyone OR e.actor = current_user::text)
          AND CASE WHEN TG_OP = 'INSERT' THEN e.new IS NOT DISTINCT FROM value
                   ELSE e.old IS NOT DISTINCT FROM value END
          AND {this_transaction})
    THEN
        RAISE EXCEPTION 'lawtasks: a milestone of item % was set or removed without its event',
            row_item USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$f$;
DO $$ BEGIN
    IF pg_catalog.to_regclass('{schema}.milestone') IS NOT NULL THEN
        GRANT SELECT, INSERT, DELETE ON {schema}.milestone TO {role};
        GRANT USAGE, SELECT ON SEQUENCE {schema}.milestone_id_seq TO {role};
        ALTER TABLE {schema}.milestone ENABLE ROW LEVEL SECURITY;
        DROP POLICY IF EXISTS lawtasks_read ON {schema}.milestone;
        CREATE POLICY lawtasks_read ON {schema}.milestone FOR SELECT USING (true);
        DROP POLICY IF EXISTS lawtasks_add ON {schema}.milestone;
        CREATE POLICY lawtasks_add ON {schema}.milestone FOR INSERT WITH CHECK (
            {schema}.lawtasks_may_change(
                (SELECT i.lead_unit FROM {schema}.item i WHERE i.id = item_id)));
        DROP POLICY IF EXISTS lawtasks_remove ON {schema}.milestone;
        CREATE POLICY lawtasks_remove ON {schema}.milestone FOR DELETE USING (
            {schema}.lawtasks_may_change(
                (SELECT i.lead_unit FROM {schema}.item i WHERE i.id = item_id)));
        DROP TRIGGER IF EXISTS lawtasks_milestone_recorded ON {schema}.milestone;
        CREATE CONSTRAINT TRIGGER lawtasks_milestone_recorded
            AFTER INSERT OR DELETE ON {schema}.milestone DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION {schema}.lawtasks_milestone_recorded();
    END IF;
END $$;
"""


def policies_sql(schema: str) -> str:
    """The script `install_policies` runs, for the ledger's schema (quoted for SQL)."""
    params = {
        "schema": schema,
        "role": OFFICER_ROLE,
        "lock": str(WRITER_LOCK),
        "path": f"SET search_path = pg_catalog, {schema}, pg_temp",
    }
    return _POLICIES.format(
        **params,
        this_transaction=_THIS_TRANSACTION,
        plan_policies=_COORDINATORS_ONLY.format(table="plan", schema=schema),
        task_policies=_COORDINATORS_ONLY.format(table="task", schema=schema),
    )


def install_policies(connection: Connection) -> None:
    """Create the officers' group role, its grants, the row-level security policies and the
    triggers that keep a user's own login to what the app would write for them.

    Runs as the database's owner (who needs CREATEROLE, or the role made beforehand), on
    PostgreSQL only; the owner itself is not bound by the policies, as PostgreSQL intends.
    """
    if connection.dialect.name != "postgresql":
        return
    # The schema the ledger's tables are in, as the installer's own search path finds them.
    schema = connection.execute(
        text(
            "SELECT n.nspname FROM pg_catalog.pg_class c"
            " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.oid = pg_catalog.to_regclass('item')"
        )
    ).scalar_one()
    quoted = connection.dialect.identifier_preparer.quote_identifier(schema)
    # Through the driver, which runs a script of several statements as one simple query.
    connection.connection.driver_connection.execute(policies_sql(quoted))  # type: ignore[union-attr]


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
