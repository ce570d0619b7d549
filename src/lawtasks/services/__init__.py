"""The service layer: the only code that writes to the ledger.

Every public method is one transaction: it validates everything first, applies the change,
writes one audit event per changed field (or note) in the same transaction, and commits.
An error leaves the database exactly as it was. The CLI, the TUI and the importers all come
through here, so they leave the same history.

By concern: `items` (changes, notes, undo), `apply` (returns and the sheets sent), `users`,
`plans`, `supervision` (evidence, 销号), `rounds` (reporting rounds); `writes` is the one
path they all write through, `base` what they share.
"""

from __future__ import annotations

from lawtasks.commands import UNSET, ItemReturn
from lawtasks.services.apply import Returns
from lawtasks.services.items import ItemChanges
from lawtasks.services.milestones import Milestones
from lawtasks.services.plans import Plans
from lawtasks.services.rounds import Rounds
from lawtasks.services.supervision import Supervision
from lawtasks.services.users import Users
from lawtasks.services.writes import BUSY_RETRIES, Change, Outcome

__all__ = ["BUSY_RETRIES", "UNSET", "Change", "ItemReturn", "Ledger", "Outcome"]


class Ledger(ItemChanges, Returns, Users, Plans, Supervision, Rounds, Milestones):
    """Writes to one plan of one database on behalf of one actor."""
