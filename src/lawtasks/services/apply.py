"""The departments' returns: sheets sent, and returns applied as one batch."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlmodel import Session

from lawtasks.commands import ItemReturn, _Unset
from lawtasks.domain import check_status_progress, unit_key
from lawtasks.errors import DomainError
from lawtasks.readmodel import resolve_plan
from lawtasks.services.base import LedgerBase
from lawtasks.services.rounds import record_round_returns
from lawtasks.services.supervision import (
    EvidenceInput,
    check_return_evidence,
    return_evidence_refusals,
    store_evidence,
)
from lawtasks.services.writes import (
    Change,
    Outcome,
    _apply_item,
    _check_version,
    _commit,
    _Refs,
    _retry_busy,
)


class Returns(LedgerBase):
    """The departments' returns: the sheets sent, and what comes back applied."""

    # -- returns from the lead units -------------------------------------------------------

    @_retry_busy
    def apply_returns(
        self,
        returns: Sequence[ItemReturn],
        *,
        evidence: Sequence[tuple[str, EvidenceInput]] = (),
        sheets: Mapping[str, Sequence[datetime]] | None = None,
    ) -> Outcome:
        """Apply the departments' returns in one transaction, as one batch of the applier's.

        `evidence` is the return's evidence, each file as (item ID, file): attached in the
        same batch as `attach` does, each with its `attach` event, or, if any file may not
        be (not an item of the plan, an item the actor may not change, over the plan's
        limit), refused with a line each and nothing applied. `sheets` says, per unit,
        when the sheets of this return were made: the unit answers the round each was sent
        in (services.rounds), not the one open now.

        The actor is the person who applies them, so that their `undo` reverts the whole
        apply; each event also names the unit whose return it records (`for_unit`). Every
        row goes through the same rules as `update`; a row whose item moved since its sheet
        was made (`expected_version`) is a conflict unless the caller dropped the version to
        force it, and a row for an item its unit does not lead is a coordinator's to force.
        Any error applies nothing.
        """
        with self._session() as session:
            plan = resolve_plan(session, self.plan_slug)
            access = self._access(session)
            found = _Refs(
                session, plan, [entry.ref for entry in returns] + [ref for ref, _ in evidence]
            )
            # Every file is checked before anything is written: all of them, or none.
            attaching = check_return_evidence(found, access, evidence)
            batch = self._batch(session, plan, "set")
            changes: list[Change] = []
            seen: set[str] = set()
            answering: list[str] = []  # the units whose return this is, for the round
            for entry in returns:
                _, task, items = found.resolve(entry.ref)
                (item,) = items
                if item.ref in seen:
                    # Two rows for one item: the second would be checked against the first.
                    raise DomainError("returns.duplicate_entry", ref=item.ref)
                seen.add(item.ref)
                if entry.expected_version is not None:
                    _check_version(item, entry.ref, entry.expected_version)
                unit = entry.for_unit or item.lead_unit
                if entry.for_unit is not None and entry.for_unit != item.lead_unit:
                    if not entry.foreign:
                        raise DomainError(
                            "returns.foreign_row",
                            ref=entry.ref,
                            lead=item.lead_unit or "∅",
                            unit=entry.for_unit,
                        )
                    # Entering one unit's report on another unit's item is the office's call.
                    access.check_coordinator("access.action.foreign_row")
                new_unit = entry.lead_unit if isinstance(entry.lead_unit, str) else None
                access.check_item(entry.ref, item.lead_unit, new_unit or item.lead_unit)
                batch.for_unit = unit
                if unit:
                    answering.append(unit)
                plain: dict[str, object] = {}
                if not isinstance(entry.lead_unit, _Unset):
                    plain["lead_unit"] = entry.lead_unit
                if not isinstance(entry.due, _Unset):
                    plain["due"] = entry.due
                if entry.status is not None and entry.progress is not None:
                    check_status_progress(entry.status, entry.progress)
                changes += _apply_item(batch, item, entry.ref, entry.status, entry.progress, plain)
                if entry.note:
                    note = self._clean_note(entry.note)
                    changes.append(self._add_note(session, batch, task, item, note))
            # The units whose sheets these are answer the round even when their sheets
            # changed nothing: "no progress this month" is a report too.
            for unit in sheets or {}:
                if not access.may_change(unit):
                    access.check_coordinator("access.action.answer_round")
                answering.append(unit)
            units = {unit_key(unit) for unit in answering}
            for task, item, file in attaching:
                # A return's evidence is recorded for the unit it came from, as its rows are.
                lead = item.lead_unit
                batch.for_unit = lead if lead and unit_key(lead) in units else None
                changes += store_evidence(session, batch, task, item, [file])
            batch.for_unit = None
            # Each unit answered the round its sheet was sent in, or the round in hand, on
            # time or late (services.rounds); with nothing changed, only once per round.
            answered = record_round_returns(
                session, plan, batch, answering, sheets, only_new=not changes
            )
            if not changes and not answered:
                session.rollback()
                return Outcome(None, None, (), self.actor)
            _commit(session)
            return Outcome(batch.id, batch.at, tuple(changes), self.actor, answered=tuple(answered))

    def evidence_refusals(self, evidence: Sequence[tuple[str, EvidenceInput]]) -> list[str]:
        """A line for each file of a return's evidence that `apply_returns` would refuse
        (not an item of the plan, an item the actor may not change, over the plan's limit),
        for `apply` to name them all before it writes or in its dry run."""
        with Session(self.engine) as session:
            plan = resolve_plan(session, self.plan_slug)
            found = _Refs(session, plan, [ref for ref, _ in evidence])
            return return_evidence_refusals(found, self._access(session), evidence)

    # -- sheets sent to the units -------------------------------------------------------

    @_retry_busy
    def issue_sheets(
        self, sheets: Mapping[str, Sequence[tuple[str, int, str, int]]]
    ) -> dict[str, str]:
        """Record the 填报 sheets about to be sent: per unit, each item's (ID, version, status,
        progress) as the sheet shows it. Returns each unit's sheet id for its stamp.

        `apply` checks a returned sheet against this record, not against the stamp in the
        workbook, which the unit can edit. Only who may change a unit's items may send
        them out for report: an officer for their own unit, a coordinator for any.
        """
        import json

        from lawtasks.models import IssuedSheet

        with self._session() as session:
            plan = resolve_plan(session, self.plan_slug)
            access = self._access(session)
            # The services' clock, the one the rounds' times are on: a sheet answers the
            # round open when it was made (services.rounds.record_round_returns).
            made = self._batch(session, plan, "sheets").at  # writes nothing: just its time
            ids: dict[str, str] = {}
            for unit, rows in sheets.items():
                if not access.may_change(unit):
                    access.check_coordinator("access.action.sheets")
                items = {
                    ref: [version, status, progress] for ref, version, status, progress in rows
                }
                sheet = IssuedSheet(
                    id=uuid.uuid4().hex,
                    plan_id=plan.id or 0,
                    unit=unit,
                    items=json.dumps(items, ensure_ascii=False),
                    made_at=made,
                    made_by=self.actor,
                )
                session.add(sheet)
                ids[unit] = sheet.id
            session.commit()
            return ids
