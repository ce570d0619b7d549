"""Writing an export to disk: whole or not at all, and the same bytes for the same content."""

from __future__ import annotations

import errno
import io
import os
import secrets
import zipfile
from datetime import date
from pathlib import Path

from lawtasks.errors import DomainError


def write_atomically(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file beside it, then rename it into place.

    A reader (or an officer's Excel) never sees half a file, and a failed export leaves the
    old file, if any, untouched and no temporary file behind. The temporary file lives in the
    target directory because a rename is only atomic within one file system.
    """
    directory = path.parent
    if not directory.is_dir():
        raise DomainError("export.missing_dir", path=str(directory))
    if path.is_dir():
        raise DomainError("export.write_failed", path=str(path), reason=os.strerror(errno.EISDIR))
    temp = directory / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        # os.open with 0o666 honours the umask, as a plain open() of the target would;
        # tempfile.mkstemp would leave the export readable by its owner only.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as error:
        raise DomainError(
            "export.write_failed", path=str(path), reason=error.strerror or str(error)
        ) from error
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise DomainError(
            "export.write_failed", path=str(path), reason=error.strerror or str(error)
        ) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return path


def stable_zip(data: bytes, when: date) -> bytes:
    """The same Office package with every member stamped `when`, so repeat exports are equal.

    openpyxl and python-docx stamp zip members with the current time; the content is
    otherwise deterministic, so a fixed stamp makes the same view give the same bytes.
    """
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(member.filename))
    return out.getvalue()
