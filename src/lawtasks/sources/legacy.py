"""Old binary Office files (.doc, .wps, .xls, .et): converted by LibreOffice when it is
installed, then read as .docx or .xlsx; without it, one line saying to save the file as
.docx (or .xlsx) in Word, WPS or Excel.

LibreOffice runs headless with a profile of its own in a temporary directory, so that an
open LibreOffice window (or another import running at the same time) does not block it,
and on a copy of the file under a plain name, which no shell or code page can garble.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from lawtasks.errors import ReportParseError
from lawtasks.parser import ParsedPlan
from lawtasks.sources.table import ColumnMap

# Generous: LibreOffice's first start in a fresh profile takes a few seconds.
CONVERT_TIMEOUT = 180
_SHEET_SUFFIXES = (".xls", ".et", ".ett", ".xlt")
# The OLE2 directory names a workbook's stream Workbook (or Book, before Excel 97).
_WORKBOOK_STREAMS = ("Workbook".encode("utf-16-le"), b"B\x00o\x00o\x00k\x00\x00\x00")


def find_office() -> str | None:
    """LibreOffice's soffice, on PATH or where its Windows installer puts it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    # Windows reads its environment case-insensitively: PROGRAMFILES is ProgramFiles.
    for base in (os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMFILES(X86)")):
        if base:
            candidate = Path(base) / "LibreOffice" / "program" / "soffice.exe"
            if candidate.is_file():
                return str(candidate)
    return None


def is_workbook(path: Path) -> bool:
    """Whether an OLE2 file is an Excel or WPS spreadsheet rather than a document."""
    if path.suffix.lower() in _SHEET_SUFFIXES:
        return True
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return any(name in data for name in _WORKBOOK_STREAMS)


def read_legacy(path: Path, *, columns: ColumnMap | None = None) -> ParsedPlan:
    """The plan in an old binary Office file, through LibreOffice (see the module docstring)."""
    office = find_office()
    if office is None:
        raise ReportParseError("source.legacy_no_office", source=path.name)
    target = "xlsx" if is_workbook(path) else "docx"
    with tempfile.TemporaryDirectory(prefix="lawtasks-convert-") as work:
        folder = Path(work)
        copy = folder / f"plan{path.suffix.lower() or '.doc'}"
        shutil.copyfile(path, copy)
        command = [
            office,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(folder / "out"),
            str(copy),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=CONVERT_TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReportParseError(
                "source.legacy_failed", source=path.name, reason=str(exc)
            ) from exc
        converted = folder / "out" / f"plan.{target}"
        if not converted.is_file():
            reason = (done.stderr or done.stdout).strip().splitlines()
            raise ReportParseError(
                "source.legacy_failed", source=path.name,
                reason=reason[-1] if reason else f"exit {done.returncode}",
            )  # fmt: skip
        if target == "xlsx":
            from lawtasks.sources.xlsx import read_xlsx

            return read_xlsx(converted, columns=columns, source_name=path.name)
        from lawtasks.sources.docx import read_docx

        return read_docx(converted, columns=columns, source_name=path.name)
