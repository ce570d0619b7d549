"""The audit trail's head as reports carry it, and read back from them.

Every export states the trail's head when it was made: how many events, and the digest of
the last one (`留痕:1234 条,末条摘要 ab12…`). A report filed away, or a heads file the office
keeps (`verify --record`), is a copy of the head beyond the reach of anyone who can rewrite
the database, so `verify --against` can show events deleted from the end of the trail, or a
trail altered and re-chained, which the chain alone cannot.

A leaf like the other exporters: no database. Reading a report back finds the head however
the report was written (either language, any of md, csv, json, xlsx, docx).
"""

from __future__ import annotations

import csv
import errno
import html
import io
import json
import os
import re
import stat
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from lawtasks.errors import DomainError
from lawtasks.i18n import t, templates

if TYPE_CHECKING:
    from lawtasks.readmodel import TrailHead

# A line of a heads file: `2026-11-28T15:37:08+08:00 events=1234 head=<64 hex digits>`.
HEADS_LINE = re.compile(r"\bevents=(\d+)\s+head=([0-9a-f]{64})\b")
# A shortened digest still anchors the trail, but a few characters could be matched by
# chance: 12 hex digits (48 bits) at least.
_DIGEST = r"([0-9a-f]{12,64})"
# Office files are zip packages; a report of 10,000 items unpacks to a few megabytes.
_ZIP_LIMIT = 256 * 1024 * 1024


class KeptHead(NamedTuple):
    """A head read from a file: the event count, the digest, and where it was read."""

    events: int
    head: str
    source: str


def head_line(head: TrailHead) -> str:
    """The line every report ends with."""
    return t("export.trail", events=head.events, head=head.head)


def heads_file_line(head: TrailHead, at: datetime) -> str:
    """One line of a heads file: when, how many events, which digest."""
    return f"{at.isoformat(timespec='seconds')} events={head.events} head={head.head}"


def _report_patterns() -> list[re.Pattern[str]]:
    """The report line in each language, as a pattern: a report made in Chinese is checked
    on a machine set to English all the same."""
    patterns = []
    for template in templates("export.trail"):
        pattern = re.escape(template)
        # Chinese reports made before issue 16 wrote 留痕:32 条,末条摘要 with half-width
        # punctuation: a report filed away then is still a head.
        for full, half in (("：", ":"), ("，", ",")):
            pattern = pattern.replace(full, f"[{full}{half}]")
        pattern = pattern.replace(re.escape("{events}"), r"(\d+)")
        pattern = pattern.replace(re.escape("{head}"), _DIGEST)
        patterns.append(re.compile(pattern))
    return patterns


def _in_text(text: str, source: str) -> list[KeptHead]:
    found = []
    for pattern in _report_patterns():
        for match in pattern.finditer(text):
            found.append(KeptHead(int(match.group(1)), match.group(2), source))
    return found


def _from_package(data: bytes, source: str) -> list[KeptHead]:
    """xlsx and docx: the head is in the document's properties and in its text."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = [info for info in package.infolist() if info.filename.endswith(".xml")]
            if sum(info.file_size for info in names) > _ZIP_LIMIT:
                return []
            # The properties first: one small part, where the line is never split.
            names.sort(key=lambda info: info.filename != "docProps/core.xml")
            for info in names:
                text = html.unescape(package.read(info).decode("utf-8", errors="replace"))
                found = _in_text(text, source)
                if found:
                    return found[:1]
    except (zipfile.BadZipFile, OSError, ValueError):
        return []
    return []


def _from_json(text: str, source: str) -> list[KeptHead]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    trail = data.get("trail") if isinstance(data, dict) else None
    if not isinstance(trail, dict):
        return []
    events, head = trail.get("events"), trail.get("head")
    if isinstance(events, int) and isinstance(head, str) and re.fullmatch(_DIGEST, head):
        return [KeptHead(events, head, source)]
    return []


def _from_csv(text: str, source: str) -> list[KeptHead]:
    header = text.split("\n", 1)[0]
    # The columns by their code, or by their Chinese header (a CSV exported in Chinese).
    names = {
        code: next((name for name in (code, t(f"csv.{code}", lang="zh")) if name in header), None)
        for code in ("trail_events", "trail_head")
    }
    events_column, head_column = names["trail_events"], names["trail_head"]
    if events_column is None or head_column is None:
        return []
    for row in csv.DictReader(io.StringIO(text)):
        events, head = row.get(events_column) or "", row.get(head_column) or ""
        if events.isdigit() and re.fullmatch(_DIGEST, head):
            return [KeptHead(int(events), head, source)]
    return []


def _from_heads_file(text: str, path: Path) -> list[KeptHead] | None:
    """Every head of a heads file, or None if `text` is not one."""
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)]
    lines = [(n, line) for n, line in lines if line and not line.startswith("#")]
    if not any(HEADS_LINE.search(line) for _, line in lines):
        return None
    heads = []
    for number, line in lines:
        match = HEADS_LINE.search(line)
        if match is None:
            raise DomainError("trail.bad_line", path=str(path), line=number, text=line[:80])
        heads.append(KeptHead(int(match.group(1)), match.group(2), f"{path}:{number}"))
    return heads


def _regular_file(path: Path) -> os.stat_result | None:
    """`path`'s status if it exists; a directory, device, pipe or socket is refused, since
    reading a pipe would wait for a writer and appending to a device writes nowhere."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise DomainError(
            "trail.file_unreadable", path=str(path), reason=error.strerror or str(error)
        ) from None
    if stat.S_ISDIR(status.st_mode):
        raise DomainError("trail.file_unreadable", path=str(path), reason=os.strerror(errno.EISDIR))
    if not stat.S_ISREG(status.st_mode):
        kind = "export.kind_fifo" if stat.S_ISFIFO(status.st_mode) else "export.kind_other"
        if stat.S_ISCHR(status.st_mode) or stat.S_ISBLK(status.st_mode):
            kind = "export.kind_device"
        raise DomainError("export.not_a_file", path=str(path), kind=t(kind))
    return status


def read_heads(path: Path) -> list[KeptHead]:
    """The heads kept in `path`: a report's one, or each line of a heads file."""
    _regular_file(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DomainError(
            "trail.file_unreadable", path=str(path), reason=error.strerror or str(error)
        ) from None
    source = str(path)
    if data.startswith(b"PK\x03\x04"):
        found = _from_package(data, source)
    else:
        text = data.decode("utf-8-sig", errors="replace")
        heads = _from_heads_file(text, path)
        found = (
            heads
            if heads is not None
            else _from_json(text, source) or _from_csv(text, source) or _in_text(text, source)
        )
    if not found:
        raise DomainError("trail.no_head", path=source)
    return found


def record_head(path: Path, head: TrailHead, at: datetime, *, keep: Sequence[Path] = ()) -> None:
    """Append `head` to the heads file at `path`, creating it if need be.

    Appended, never rewritten: the file is the office's own record, and the heads before
    this one are what later checks compare against. `keep` names the ledger's files, which
    a line of text appended to would damage.
    """
    status = _regular_file(path)
    for guarded in keep:
        same = path.absolute() == guarded.absolute()
        if status is not None and not same:
            try:
                same = os.path.samefile(path, guarded)
            except OSError:
                same = False
        if same:
            raise DomainError("export.is_ledger", path=str(path), ledger=str(keep[0]))
    line = heads_file_line(head, at) + "\n"
    try:
        with path.open("a", encoding="utf-8", newline="\n") as handle:
            if handle.tell() > 0 and not path.read_bytes().endswith(b"\n"):
                line = "\n" + line  # a file someone edited by hand, without a last newline
            handle.write(line)
    except OSError as error:
        raise DomainError(
            "export.write_failed", path=str(path), reason=error.strerror or str(error)
        ) from None
