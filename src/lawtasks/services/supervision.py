"""The supervision cycle (督查督办): evidence attached to items (佐证材料), and the 销号
(sign-off) of done items.

A done item of a plan that asks for sign-off (Plan.signoff, the default) is 已完成（待销号）
until a coordinator signs it off (`signoff`: item.signed_off_at/by, action `signoff`) or
sends it back (`reject`: reopened as `reopen` does, at the progress it had before it was
done, with the reason as its note; action `reject`). Reopening a signed-off item by any
path clears its sign-off (services.writes.clear_signoff). Officers never sign off.

A file is stored in the ledger itself, once, addressed by its SHA-256 (`evidence_file`),
and linked to an item under the name it came with (`evidence`). The attachment is an event
of the trail (action `attach`, field `evidence`, new `name (size bytes) sha256:…`) written
in the same transaction: `verify` checks each stored file against its hash and each
attachment against its event, and `undo` marks an attachment removed, never deleting what
the trail names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from lawtasks.access import Access
from lawtasks.audit import evidence_value
from lawtasks.domain import (
    EVIDENCE_FIELD,
    ItemRef,
    Status,
    clean_text,
    file_size,
    parse_ref,
    trail_text,
)
from lawtasks.errors import DomainError
from lawtasks.i18n import os_reason, t
from lawtasks.models import Event, Evidence, EvidenceFile, Task
from lawtasks.readmodel import resolve_plan
from lawtasks.services.base import LedgerBase
from lawtasks.services.writes import (
    Change,
    Outcome,
    _apply_item,
    _Batch,
    _commit,
    _ItemState,
    _Refs,
    _retry_busy,
)

ATTACH_ACTION = "attach"
SIGNOFF_ACTION = "signoff"
REJECT_ACTION = "reject"
# The longest name an attachment keeps (a file system's own limit is 255).
NAME_LIMIT = 255


@dataclass(frozen=True)
class EvidenceInput:
    """A file read for attaching: its name (without its folder), bytes and hash."""

    name: str
    content: bytes
    # Where it was read from, as the user named it: refusals name every file so.
    origin: str = ""

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def read_evidence(paths: Sequence[str | Path], limit: int) -> list[EvidenceInput]:
    """The files at `paths`, each read whole; every bad one (missing, a directory,
    unreadable, empty, over `limit` bytes) is a line of one refusal, so nothing is stored
    until all of them can be."""
    read: list[EvidenceInput] = []
    refused: list[str] = []
    for raw in paths:
        found = read_one(raw, limit)
        if isinstance(found, str):
            refused.append(found)
        else:
            read.append(found)
    if refused:
        raise DomainError("error.evidence_refused", lines="\n".join(refused))
    return read


def read_one(raw: str | Path, limit: int) -> EvidenceInput | str:
    """The file at `raw` read whole, or the line that refuses it (missing, a directory,
    unreadable, empty, over `limit` bytes)."""
    path = Path(raw)
    shown = str(raw)
    try:
        if not path.exists():
            return t("evidence.refused_missing", path=shown)
        if path.is_dir():
            return t("evidence.refused_directory", path=shown)
        size = path.stat().st_size
        if size > limit:
            return t(
                "evidence.refused_large", path=shown, size=file_size(size), limit=file_size(limit)
            )
        with path.open("rb") as file:
            content = file.read(limit + 1)  # a file that grew since stat still shows
    except OSError as error:
        return t("evidence.refused_unreadable", path=shown, reason=os_reason(error))
    if len(content) > limit:
        return t(
            "evidence.refused_large",
            path=shown,
            size=file_size(len(content)),
            limit=file_size(limit),
        )
    if not content:
        return t("evidence.refused_empty", path=shown)
    name = clean_text(path.name, field="evidence", limit=NAME_LIMIT)
    return EvidenceInput(name, content, origin=shown)


# A return's evidence (`apply --evidence DIR`): a file named with an item's ID, then one of
# - _ . or a space: 2.1-会议纪要.pdf, 2.1_照片.jpg, 2.1 现场.png, 2.1.pdf. The ID is an
# item's (task.item); the separator keeps 2.10-x.pdf from being 2.1's.
_EVIDENCE_NAME = re.compile(r"^(\d+\.\d+)[-_. ]")


def evidence_in(directory: str | Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """The files of `directory` (not its subfolders' files) by the item ID their name
    starts with, in the order of the IDs and then of the names; and a refusal line for
    each entry not named so, so that a misnamed file is never silently left out. A
    subfolder named with an ID is returned, to be refused as a folder when read."""
    folder = Path(directory)
    try:
        if not folder.exists():
            return [], [t("evidence.refused_no_folder", path=str(directory))]
        if not folder.is_dir():
            return [], [t("evidence.refused_not_dir", path=str(directory))]
        entries = sorted(folder.iterdir(), key=lambda entry: entry.name)
    except OSError as error:
        reason = os_reason(error)
        return [], [t("evidence.refused_unreadable", path=str(directory), reason=reason)]
    found: list[tuple[str, Path]] = []
    refused: list[str] = []
    for entry in entries:
        match = _EVIDENCE_NAME.match(entry.name)
        if match is None:
            refused.append(t("evidence.refused_unnamed", path=str(entry)))
        else:
            found.append((str(parse_ref(match.group(1))), entry))
    found.sort(key=lambda pair: (tuple(int(part) for part in pair[0].split(".")), pair[1].name))
    if not found and not refused:
        refused.append(t("evidence.refused_empty_dir", path=str(directory)))
    return found, refused


class Supervision(LedgerBase):
    """Evidence attached to items."""

    def evidence_limit(self) -> int:
        """The largest file the plan stores, in bytes (Plan.evidence_limit)."""
        with Session(self.engine) as session:
            return resolve_plan(session, self.plan_slug).evidence_limit

    @_retry_busy
    def attach(
        self, ref: str, files: Sequence[EvidenceInput], *, note: str | None = None
    ) -> Outcome:
        """Store `files` as evidence of the item `ref`: each file once by its hash, an
        attachment and its event each. All or nothing; a file already attached to the item
        under the same name is left as it is."""
        note_text = None if note is None else self._clean_note(note)
        if not files:
            raise DomainError("error.evidence_none")
        with self._session() as session:
            plan = resolve_plan(session, self.plan_slug)
            ref_obj, task, items = _Refs(session, plan, [ref]).resolve(ref)
            if not isinstance(ref_obj, ItemRef):
                raise DomainError("error.evidence_task", ref=ref.strip())
            item = items[0]
            self._access(session).check_item(item.ref, item.lead_unit)
            # Checked again here: the limit may have changed since the files were read.
            refused = [
                t("evidence.refused_large", path=file.origin or file.name,
                  size=file_size(file.size),
                  limit=file_size(plan.evidence_limit))
                for file in files
                if file.size > plan.evidence_limit
            ]  # fmt: skip
            if refused:
                raise DomainError("error.evidence_refused", lines="\n".join(refused))
            batch = self._batch(session, plan, ATTACH_ACTION)
            changes = store_evidence(session, batch, task, item, files)
            if not changes:
                session.rollback()
                return Outcome(None, None, (), self.actor)
            if note_text is not None:
                changes.append(self._add_note(session, batch, task, item, note_text))
            session.flush()
            _commit(session)
            return Outcome(batch.id, batch.at, tuple(changes), self.actor)

    # -- 销号 ------------------------------------------------------------------------------

    @_retry_busy
    def sign_off(self, refs: Sequence[str], *, note: str | None = None) -> Outcome:
        """Sign off done items (a task: its done items); a coordinator's. All or nothing:
        an item not done is refused, naming it; one signed off already is left as it is."""
        note_text = None if note is None else self._clean_note(note)
        if not refs:
            raise DomainError("error.no_ids")
        with self._session() as session:
            plan = resolve_plan(session, self.plan_slug)
            self._access(session).check_coordinator("access.action.signoff")
            if not plan.signoff:
                raise DomainError("error.signoff_off", plan=plan.slug)
            found = _Refs(session, plan, refs)
            resolved = [found.resolve(text) for text in refs]
            batch = self._batch(session, plan, SIGNOFF_ACTION)
            changes: list[Change] = []
            seen: set[int] = set()
            for ref_obj, _task, items in resolved:
                if isinstance(ref_obj, ItemRef) and items[0].status != Status.DONE.value:
                    raise DomainError(
                        "error.signoff_not_done",
                        ref=items[0].ref,
                        status=Status(items[0].status).label,
                    )
                for item in items:
                    if item.id in seen or item.status != Status.DONE.value:
                        continue
                    seen.add(item.id)
                    if item.signed_off_at is not None:
                        continue
                    for name, value in (
                        ("signed_off_at", batch.at),
                        ("signed_off_by", batch.actor),
                    ):
                        setattr(item, name, value)
                        batch.record(field=name, new=value, task_id=item.task_id, item_id=item.id)
                        changes.append(Change(item.ref, name, None, trail_text(value)))
                    batch.touch(item)
            if note_text is not None and changes:
                noted: set[str] = set()
                for ref_obj, task, items in resolved:
                    if str(ref_obj) in noted:
                        continue
                    noted.add(str(ref_obj))
                    target = items[0] if isinstance(ref_obj, ItemRef) else None
                    changes.append(self._add_note(session, batch, task, target, note_text))
            if not changes:
                session.rollback()
                return Outcome(None, None, (), self.actor)
            _commit(session)
            return Outcome(batch.id, batch.at, tuple(changes), self.actor)

    @_retry_busy
    def reject(self, refs: Sequence[str], *, reason: str) -> Outcome:
        """Send done items back (退回): each reopened in progress at the progress it had
        before it was done (as `reopen`), its sign-off cleared, the reason its note."""
        reason_text = self._clean_note(reason)
        if not refs:
            raise DomainError("error.no_ids")
        with self._session() as session:
            plan = resolve_plan(session, self.plan_slug)
            self._access(session).check_coordinator("access.action.signoff")
            found = _Refs(session, plan, refs)
            resolved = [found.resolve(text) for text in refs]
            batch = self._batch(session, plan, REJECT_ACTION)
            changes: list[Change] = []
            seen: set[int] = set()
            for ref_obj, task, items in resolved:
                if not isinstance(ref_obj, ItemRef):
                    raise DomainError("error.reject_task", ref=str(ref_obj))
                item = items[0]
                if item.id in seen:
                    continue
                seen.add(item.id)
                if item.status != Status.DONE.value:
                    raise DomainError(
                        "error.signoff_not_done", ref=item.ref, status=Status(item.status).label
                    )
                changes += _apply_item(batch, item, item.ref, Status.IN_PROGRESS, None, {})
                changes.append(self._add_note(session, batch, task, item, reason_text))
            _commit(session)
            return Outcome(batch.id, batch.at, tuple(changes), self.actor)


def store_evidence(
    session: Session, batch: _Batch, task: Task, item: _ItemState, files: Sequence[EvidenceInput]
) -> list[Change]:
    """Store `files` as evidence of `item` in `batch`: each file once by its hash, an
    attachment and its `attach` event each (whatever the batch's own action: an apply's
    evidence is recorded as `attach` does). A file already attached to the item under the
    same name is left as it is. The caller checked the actor may change the item."""
    attached = {
        (row.name, row.sha256)
        for row in session.exec(
            select(Evidence).where(Evidence.item_id == item.id, col(Evidence.removed).is_(False))
        )
    }
    changes: list[Change] = []
    for file in files:
        sha256 = file.sha256
        if (file.name, sha256) in attached:
            continue
        attached.add((file.name, sha256))
        if session.get(EvidenceFile, sha256) is None:
            session.add(EvidenceFile(sha256=sha256, size=file.size, content=file.content))
            session.flush()
        session.add(
            Evidence(
                plan_id=task.plan_id,
                item_id=item.id,
                sha256=sha256,
                name=file.name,
                size=file.size,
                added_at=batch.at,
                added_by=batch.actor,
                batch=batch.id,
            )
        )
        value = evidence_value(file.name, file.size, sha256)
        batch.record(
            field=EVIDENCE_FIELD,
            new=value,
            task_id=task.id,
            item_id=item.id,
            action=ATTACH_ACTION,
        )
        changes.append(Change(item.ref, EVIDENCE_FIELD, None, value))
    return changes


def check_return_evidence(
    found: _Refs, access: Access, files: Sequence[tuple[str, EvidenceInput]]
) -> list[tuple[Task, _ItemState, EvidenceInput]]:
    """A return's evidence (`apply --evidence`), each file as (item ID, file), with the
    task and item each goes to (`found` read them); or one refusal, a line per file that
    may not be attached (`return_evidence_refusals`), and nothing stored."""
    ready, refused = _check_return_evidence(found, access, files)
    if refused:
        raise DomainError("error.return_evidence_refused", lines="\n".join(refused))
    return ready


def return_evidence_refusals(
    found: _Refs, access: Access, files: Sequence[tuple[str, EvidenceInput]]
) -> list[str]:
    """A line for each file of a return's evidence whose ID is not an item of the plan,
    whose item the actor may not change, or that is over the plan's limit."""
    return _check_return_evidence(found, access, files)[1]


def _check_return_evidence(
    found: _Refs, access: Access, files: Sequence[tuple[str, EvidenceInput]]
) -> tuple[list[tuple[Task, _ItemState, EvidenceInput]], list[str]]:
    plan = found.plan
    ready: list[tuple[Task, _ItemState, EvidenceInput]] = []
    refused: list[str] = []
    for ref, file in files:
        try:
            ref_obj, task, items = found.resolve(ref)
            if not isinstance(ref_obj, ItemRef):
                raise DomainError("error.evidence_task", ref=ref)
            access.check_item(items[0].ref, items[0].lead_unit)
        except DomainError as error:
            shown = file.origin or file.name
            refused.append(t("evidence.refused_item", path=shown, reason=str(error)))
            continue
        if file.size > plan.evidence_limit:
            refused.append(
                t("evidence.refused_large", path=file.origin or file.name,
                  size=file_size(file.size),
                  limit=file_size(plan.evidence_limit))
            )  # fmt: skip
            continue
        ready.append((task, items[0], file))
    return ready, refused


def revert_attach(
    session: Session, batch: _Batch, access: Access, event: Event, item: _ItemState
) -> Change:
    """Undo one `attach` event (services.items.ItemChanges.undo): the attachment is marked
    removed, its file kept, and the removal recorded in the undo's batch."""
    access.check_item(item.ref, item.lead_unit)
    for row in session.exec(
        select(Evidence).where(Evidence.batch == event.batch, Evidence.item_id == item.id)
    ):
        if evidence_value(row.name, row.size, row.sha256) == event.new and not row.removed:
            row.removed = True
            session.add(row)
            break
    batch.record(
        field=EVIDENCE_FIELD,
        old=event.new,
        task_id=event.task_id,
        item_id=event.item_id,
        reverts=event.batch,
    )
    return Change(item.ref, EVIDENCE_FIELD, event.new, None)


# -- reading evidence back ----------------------------------------------------------------


@dataclass(frozen=True)
class StoredEvidence:
    name: str
    size: int
    sha256: str
    content: bytes


def stored_evidence(engine: Engine, plan_slug: str | None, ref: str) -> list[StoredEvidence]:
    """The files attached to the item `ref` (not removed), oldest first, with their bytes."""
    with Session(engine) as session:
        return _stored(session, plan_slug, ref)


def _stored(session: Session, plan_slug: str | None, ref: str) -> list[StoredEvidence]:
    plan = resolve_plan(session, plan_slug)
    ref_obj, _task, items = _Refs(session, plan, [ref]).resolve(ref)
    if not isinstance(ref_obj, ItemRef):
        raise DomainError("error.evidence_task", ref=ref.strip())
    rows = session.exec(
        select(Evidence, EvidenceFile.content)
        .join(EvidenceFile, col(EvidenceFile.sha256) == col(Evidence.sha256))
        .where(Evidence.item_id == items[0].id, col(Evidence.removed).is_(False))
        .order_by(col(Evidence.id))
    )
    return [StoredEvidence(row.name, row.size, row.sha256, content) for row, content in rows]


# Names Windows will not open as a file, whatever the extension (CON.txt is the console).
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)),
             *(f"LPT{n}" for n in range(1, 10))}  # fmt: skip
_UNSAFE = set('<>:"/\\|?*')


def safe_name(name: str) -> str:
    """`name` as a file name every system (Windows above all) accepts."""
    cleaned = "".join("_" if ch in _UNSAFE or ord(ch) < 32 else ch for ch in name)
    cleaned = cleaned.strip().rstrip(". ")
    if not cleaned:
        cleaned = "evidence"
    if cleaned.split(".")[0].strip().upper() in _RESERVED:
        cleaned = "_" + cleaned
    return cleaned


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name (2).ext` and on, so as not to clash (case-blind, as Windows is) with
    `taken` (casefolded names); the one chosen is added to `taken`."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, ""
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem} ({n}).{suffix}" if suffix else f"{stem} ({n})"
    taken.add(candidate.casefold())
    return candidate


def write_evidence(files: Sequence[StoredEvidence], directory: Path) -> list[Path]:
    """Write `files` into `directory` (made if missing), never over a file already there."""
    written = []
    if directory.exists() and not directory.is_dir():
        raise DomainError("error.evidence_out_file", path=str(directory))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        taken = {entry.name.casefold() for entry in directory.iterdir()}
        for file in files:
            path = directory / unique_name(safe_name(file.name), taken)
            with path.open("xb") as out:  # exclusive: never replaces what appeared meanwhile
                out.write(file.content)
            written.append(path)
    except OSError as error:
        raise DomainError(
            "error.evidence_write", path=str(directory), reason=os_reason(error)
        ) from None
    return written
