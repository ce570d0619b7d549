"""Errors fit to show a user.

A domain error carries a message key and its parameters rather than a finished string, so
that the message is rendered in the user's language at the moment it is shown.
"""

from __future__ import annotations

from lawtasks.i18n import t


class DomainError(Exception):
    """Bad input or a state the user must resolve; never a bug.

    Front ends print `str(error)` and exit non-zero; no traceback is shown.
    """

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        return t(self.key, lang=None, **self.params)


class ReportParseError(DomainError):
    """A report the parser cannot turn into a plan."""


class DatabaseError(DomainError):
    """The database file or server cannot be used as asked."""
