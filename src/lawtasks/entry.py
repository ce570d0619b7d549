"""The `lawtasks` command: two starts that need no parsing are taken before typer loads.

`lawtasks --version`, and `lawtasks` alone at a terminal (the TUI), are what officers type
most. Importing typer and building the table of commands would cost them more than the rest
of their start (BENCHMARKS.md), so they are recognised here from the raw arguments.
Everything else, and anything this path cannot serve exactly, goes to lawtasks.cli.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def main() -> NoReturn:
    args = sys.argv[1:]
    if args == ["--version"]:
        from lawtasks import __version__

        print(f"lawtasks {__version__}")
        raise SystemExit(0)
    db = _only_db(args)
    if db is not None and _at_a_terminal() and _run_tui(db or None):
        raise SystemExit(0)
    from lawtasks.cli import main as run_cli

    run_cli()


def _only_db(args: list[str]) -> str | None:
    """The ledger named by arguments that name nothing else: "" for none at all, the value
    of `--db PATH` alone; None when there is more to parse."""
    if not args:
        return ""
    if len(args) == 2 and args[0] == "--db" and args[1] and not args[1].startswith("-"):
        return args[1]
    if len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > len("--db="):
        return args[0].removeprefix("--db=")
    return None


def _at_a_terminal() -> bool:
    completing = any(name.endswith("_COMPLETE") for name in os.environ)
    return not completing and sys.stdin.isatty() and sys.stdout.isatty()


def _run_tui(db: str | None) -> bool:
    """The TUI on the ledger `db` (or LAWTASKS_DB, or the default), if the lean reader serves
    it; False leaves it to the CLI, which opens the engine and reports what is wrong."""
    from lawtasks.fastread import Reader
    from lawtasks.location import resolve_db_url

    url = resolve_db_url(db)
    reader = Reader.open(url)
    if reader is None:
        return False
    reader.close()
    from lawtasks.tui.app import make_app

    make_app(url).run()
    return True
