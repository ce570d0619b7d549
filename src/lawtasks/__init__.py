"""lawtasks: a ledger for a government work plan, in the terminal."""

__version__ = "0.1.0"
