"""The requests front ends and readers hand to the service layer: plain values, so that
reading a department's return (lawtasks.returns) needs no database library.

The service layer (lawtasks.services) re-exports them for its callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from lawtasks.domain import Status


class _Unset:
    """Marks an optional field the caller did not mention (None means: clear it)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


@dataclass(frozen=True)
class ItemReturn:
    """One item's row of a department's return: the values it reports, already parsed."""

    ref: str
    # The unit whose return this is (the sheet's unit); None: the item's lead unit.
    for_unit: str | None = None
    status: Status | None = None
    progress: int | None = None
    lead_unit: str | _Unset | None = UNSET
    due: date | _Unset | None = UNSET
    note: str | None = None
    # The item's version when the sheet was made; None applies regardless (--force).
    expected_version: int | None = None
    # A coordinator's --force for a row of an item that the unit does not lead.
    foreign: bool = False
