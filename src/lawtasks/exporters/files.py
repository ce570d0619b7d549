"""Writing an export to disk: whole or not at all, and the same bytes for the same content."""

from __future__ import annotations

import errno
import io
import os
import secrets
import stat
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from lawtasks.durable import sync_directory
from lawtasks.errors import DomainError
from lawtasks.i18n import join_list, t


def write_atomically(path: Path, data: bytes, *, keep: Sequence[Path] = ()) -> Path:
    """Write `data` to `path` through a temporary file beside it, then rename it into place.

    A reader (or an officer's Excel) never sees half a file, and a failed or killed export
    leaves the old file, if any, untouched. The temporary file lives in the target directory
    because a rename is only atomic within one file system.

    Only a regular file is ever replaced: a rename onto /dev/null, a named pipe or a socket
    would swap the node itself for a file (as root, /dev/null for everyone). `keep` names
    files no output may replace, the ledger and its journals: a target that is one of them,
    by name or through a link to the same file, is refused. A symbolic link is followed, so
    the file it points to gets the new content and the link stays.

    The file is made readable by its owner only (0600), like the ledger: an export holds the
    same items and notes. Windows keeps only the read-only bit of a mode, and sets none here.
    """
    target = Path(os.path.realpath(path))
    directory = target.parent
    if not directory.is_dir():
        raise DomainError("export.missing_dir", path=str(path.parent))
    _check_target(path, target, keep)
    temp = directory / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except OSError as error:
        raise DomainError(
            "export.write_failed", path=str(path), reason=error.strerror or str(error)
        ) from error
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise DomainError(
            "export.write_failed", path=str(path), reason=error.strerror or str(error)
        ) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    sync_directory(directory)
    return path


def ensure_directory(name: str | Path) -> Path:
    """The directory `name`, made with its parents if missing (`sheets -o 填报/`); a file in
    the way, or a directory that cannot be made, is one error naming the path."""
    directory = Path(name)
    check_directory_name(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise DomainError("export.not_a_directory", path=str(directory)) from None
    except OSError as error:
        raise DomainError(
            "export.write_failed", path=str(directory), reason=error.strerror or str(error)
        ) from error
    return directory


def check_directory_name(directory: Path) -> None:
    """A folder to make for `-o` (sheets, remind -f docx) whose name ends in a file format's
    suffix (`-o 催办单.docx`) is refused: the officer meant a file, and would find a folder
    of that name. A folder that already exists under such a name is used as it is."""
    suffix = directory.suffix
    if suffix.lower() in SUFFIXES and not directory.exists():
        raise DomainError("export.dir_with_suffix", path=str(directory), suffix=suffix)


def output_path(output: str | Path, default_name: str) -> Path:
    """Where `-o` writes: the path it names, or `default_name` inside it when it names an
    existing directory (`export -f xlsx -o 报表/`)."""
    path = Path(output)
    return path / default_name if path.is_dir() else path


# The suffix each format's files end in; `.markdown` is Markdown too.
SUFFIXES = {
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
    ".json": "json",
    ".xlsx": "xlsx",
    ".docx": "docx",
}


def output_format(
    fmt: str | None, output: str | Path | None, formats: Sequence[str], *, default: str | None
) -> str:
    """The format a command writes, from `-f` (`fmt`) and the file `-o` names.

    Without `-f` the file's suffix says it (`circular -o 通报.md` is Markdown, `export -o
    台账.xlsx` a 台账); a suffix that is not one of `formats`' (`.pdf`) is refused naming
    those that are, and `-f` with another format's suffix (`-f md -o 通报.docx`) is refused
    naming both, as Word would not open Markdown named .docx. A directory, or a name with
    no suffix, writes `fmt`, else `default`; with neither, the error asks for `-f`.
    """
    suffixes = {suffix: name for suffix, name in SUFFIXES.items() if name in formats}
    valid = join_list(suffixes)
    suffix = "" if output is None or Path(output).is_dir() else Path(output).suffix
    if suffix:
        found = suffixes.get(suffix.lower())
        if found is None:
            raise DomainError("export.unknown_suffix", path=str(output), suffix=suffix, valid=valid)
        if fmt is not None and fmt != found:
            raise DomainError("export.suffix_mismatch", path=str(output), suffix=suffix, fmt=fmt)
        return found
    chosen = fmt or default
    if chosen is None:
        raise DomainError("export.format_needed", formats=join_list(formats), valid=valid)
    return chosen


def _check_target(path: Path, target: Path, keep: Sequence[Path]) -> None:
    """Refuse a `target` that exists and is not a regular file, or that is one of `keep`."""
    try:
        status: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise DomainError(
            "export.write_failed", path=str(path), reason=error.strerror or str(error)
        ) from error
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise DomainError("export.write_failed", path=str(path), reason=os.strerror(errno.EISDIR))
    if status is not None and not stat.S_ISREG(status.st_mode):
        raise DomainError("export.not_a_file", path=str(path), kind=t(_kind(status.st_mode)))
    for guarded in keep:
        if _same_file(target, status, guarded):
            raise DomainError("export.is_ledger", path=str(path), ledger=str(keep[0]))


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "export.kind_device"
    if stat.S_ISFIFO(mode):
        return "export.kind_fifo"
    if stat.S_ISSOCK(mode):
        return "export.kind_socket"
    return "export.kind_other"


def _same_file(target: Path, status: os.stat_result | None, guarded: Path) -> bool:
    """Whether `target` is `guarded`: the same name (which may not exist yet, as a journal
    often does not) or the same file under another name (a hard or symbolic link)."""
    name = os.path.normcase(os.path.realpath(guarded))
    if os.path.normcase(str(target)) == name:
        return True
    if status is None:
        return False
    try:
        other = os.stat(guarded)
    except OSError:
        return False
    return (status.st_dev, status.st_ino) == (other.st_dev, other.st_ino)


def stable_zip(data: bytes, when: date) -> bytes:
    """The same Office package with every member stamped `when`, so repeat exports are equal.

    openpyxl and python-docx stamp zip members with the current time; the content is
    otherwise deterministic, so a fixed stamp makes the same view give the same bytes.
    """
    # A zip stamp holds the years 1980 to 2107: an as-of date outside is stamped at the edge.
    stamp = (min(max(when.year, 1980), 2107), when.month, when.day, 0, 0, 0)
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
