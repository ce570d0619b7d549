"""The officer's changes, queued and run one after another off the UI thread.

Keys come faster than a write finishes (on PostgreSQL a writer may wait seconds for the
writers' lock), so each key that changes the ledger becomes a `Write`, run in order by one
worker. A key decides from what the screen showed when it was pressed. Where an earlier
write from this screen has changed an item since, the decision and the version checked are
taken from that write's outcome instead: `+ +` is +20 and `s s` two steps, never a conflict
with oneself, while a colleague's change in between is still a conflict.

Nothing here imports Textual: the screen owns the worker and the messages.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING, Any

from lawtasks.domain import Status
from lawtasks.readmodel import ItemView

if TYPE_CHECKING:
    from lawtasks.services import Ledger, Outcome


class WriteKind(Enum):
    """What the officer asked for, which decides the word shown when it is done."""

    CHANGE = "change"  # a field or a note of the selected task or item
    UNDO = "undo"
    APPLY = "apply"  # a unit's return
    ATTACH = "attach"  # evidence of an item
    SIGN_OFF = "sign_off"  # 销号 of a done item
    REJECT = "reject"  # a done item sent back


# The fields of `Ledger.update`, decided from the items as they stand.
Decide = Callable[[Sequence[ItemView]], Mapping[str, Any]]
# A call on the service layer that checks no version of its own (a note, undo, a return).
Call = Callable[["Ledger"], "Outcome"]


@dataclass(frozen=True)
class Write:
    kind: WriteKind
    # The items as the screen showed them when the key was pressed (for a task, its items).
    items: tuple[ItemView, ...]
    # `Ledger.update` of `ref`, with what `decide` makes of the items, each at its version...
    ref: str | None = None
    decide: Decide | None = None
    # ...or any other call on the ledger.
    call: Call | None = None

    @classmethod
    def change(cls, ref: str, items: Sequence[ItemView], decide: Decide) -> Write:
        return cls(WriteKind.CHANGE, tuple(items), ref=ref, decide=decide)

    @classmethod
    def of(cls, kind: WriteKind, call: Call, items: Sequence[ItemView] = ()) -> Write:
        return cls(kind, tuple(items), call=call)


@dataclass
class WriteQueue:
    """Writes in the order the keys came, and what this screen's own writes made of items.

    `put` and `settle` run on the UI thread, `take` and `run` on the one writing worker.
    """

    _jobs: deque[Write] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _running: bool = False
    # Queued, running, or finished but not yet shown: the screen is still catching up.
    _unsettled: int = 0
    # Each item as this screen's latest write left it (version, status and progress).
    _after: dict[str, ItemView] = field(default_factory=dict)

    def put(self, write: Write) -> bool:
        """Queue `write`; True when no worker is running, so the caller must start one."""
        with self._lock:
            self._jobs.append(write)
            self._unsettled += 1
            start = not self._running
            self._running = True
            return start

    def take(self) -> Write | None:
        """The next write, or None: the queue is empty and the worker must end (a `put`
        after this starts a new one)."""
        with self._lock:
            if self._jobs:
                return self._jobs.popleft()
            self._running = False
            return None

    @property
    def queued(self) -> int:
        with self._lock:
            return len(self._jobs)

    def settle(self) -> None:
        """One write's outcome has been shown."""
        with self._lock:
            self._unsettled -= 1

    @property
    def unsettled(self) -> int:
        """Writes asked for whose outcome the screen has not shown yet."""
        with self._lock:
            return self._unsettled

    def current(self, shown: ItemView) -> ItemView:
        """`shown` as it stands after this screen's own writes: whichever is newer."""
        after = self._after.get(shown.id)
        return after if after is not None and after.version > shown.version else shown

    def run(self, write: Write, ledger: Ledger) -> Outcome:
        """Make `write`'s call (on the worker) and remember what it did to each item."""
        items = [self.current(item) for item in write.items]
        if write.call is not None:
            outcome = write.call(ledger)
        else:
            assert write.ref is not None
            assert write.decide is not None
            outcome = ledger.update(
                [write.ref],
                expected_versions={item.id: item.version for item in items},
                **write.decide(items),
            )
        self._record(items, outcome)
        return outcome

    def _record(self, items: Sequence[ItemView], outcome: Outcome) -> None:
        # A call bumps the version of each item it changes by one, whatever the number of
        # fields, and a note leaves the item as it was (services: one touch per item).
        known = self._after | {item.id: item for item in items}  # items: already current
        changed: dict[str, dict[str, str | None]] = {}
        for change in outcome.changes:
            if change.field != "note":
                changed.setdefault(change.ref, {})[change.field] = change.new
        for ref, fields in changed.items():
            before = known.get(ref)
            if before is None:
                continue  # never shown to this screen: nothing queued can rely on it
            after = replace(before, version=before.version + 1)
            if "status" in fields and fields["status"] is not None:
                after = replace(after, status=Status(fields["status"]))
            if "progress" in fields and fields["progress"] is not None:
                after = replace(after, progress=int(fields["progress"]))
            self._after[ref] = after
