"""Making a written file survive a crash: shared by exports, sheets, backups and restores."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def sync_directory(directory: Path) -> None:
    """Make a rename into `directory` durable. POSIX needs the directory synced for that;
    Windows cannot open a directory this way and journals the rename itself."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
