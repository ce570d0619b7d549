"""Plans from the files offices actually hold, read into the parser's `ParsedPlan`.

One entry point, `read_plan_file(path)`, chooses the reader by the file's *content*, not
its name (a notice saved as 通知.txt that is really a .docx, or a .wps renamed .doc, is read
as what it is):

| the file starts with           | it is                        | read by                     |
|--------------------------------|------------------------------|-----------------------------|
| a zip holding word/document.xml | a Word document (.docx)     | `sources.docx`              |
| a zip holding xl/workbook.xml  | an Excel workbook (.xlsx)    | `sources.xlsx`              |
| %PDF                           | a PDF                        | `sources.pdf` (pypdf)       |
| <html, <!DOCTYPE, <head …      | a saved web page             | `sources.html`              |
| D0 CF 11 E0 (OLE2)             | .doc, .wps, .xls, .et        | LibreOffice, then the above |
| anything else                  | text: UTF-8, GBK, UTF-16     | `parser.decode_report`      |

Documents of running text (a report, a 工作要点, a notice) become text and go through
`parser.parse_report`, so that every rule of the parser (headings, numbering, units,
deadlines, the closing block) holds whatever the file; tables of tasks (a Word notice's
分工表, an Excel 任务分解表 or 台账) are read by `sources.table`, one reader for both.

The heavy libraries (python-docx, openpyxl, pypdf) are imported inside the readers that
use them, so the CLI starts as fast as before; nothing here writes anything.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lawtasks.errors import ReportParseError
from lawtasks.i18n import os_reason
from lawtasks.parser import ParsedPlan, decode_report, parse_report
from lawtasks.sources.table import ColumnMap, parse_columns

__all__ = ["ColumnMap", "parse_columns", "read_plan_file", "sniff"]

# Bytes read to tell the kind of a file.
_SNIFF_BYTES = 2048
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_STARTS = (b"<!doctype", b"<html", b"<head", b"<meta", b"<body", b"<?xml")


def sniff(path: Path, head: bytes) -> str:
    """The kind of the file whose first bytes are `head`: docx, xlsx, pdf, html, ole2 or
    text (zip for an archive that is neither a Word nor an Excel document)."""
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise ReportParseError("source.damaged", source=path.name) from exc
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    if head.startswith(_OLE2):
        return "ole2"
    if head.lstrip()[:5] == b"%PDF-" or head.startswith(b"%PDF"):
        return "pdf"
    text = _head_text(head)
    if text.startswith(_HTML_STARTS) or b"<html" in text[:_SNIFF_BYTES]:
        return "html"
    return "text"


def _head_text(head: bytes) -> bytes:
    """The start of a text file, lower-cased, without a BOM, UTF-16 read as ASCII."""
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    return head.replace(b"\x00", b"").lstrip().lower()


def read_plan_file(path: Path, *, columns: ColumnMap | None = None) -> ParsedPlan:
    """The plan in the file at `path`, whatever its format (see the module docstring).

    `columns` maps a table's unusual headers to what they hold (`parse_columns`); a file
    read as text (a .txt, a web page, a PDF, a Word document without a task table) has no
    headers to map, and is refused with it rather than read as if it had been followed.
    Every failure is a `ReportParseError`: one line naming the file and what to do, in
    the interface's language (a library's own message is never shown).
    """
    if path.is_dir():
        raise ReportParseError("source.directory", source=str(path))
    try:
        with path.open("rb") as file:
            head = file.read(_SNIFF_BYTES)
    except OSError as exc:
        raise ReportParseError("parse.unreadable", source=str(path), reason=os_reason(exc)) from exc
    kind = sniff(path, head)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        # An empty file, /dev/null, a file of blank lines: named as given.
        data = _read_bytes(path) if head else b""
        if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
            raise ReportParseError("source.empty", source=str(path))
    if columns and kind in ("text", "html", "pdf"):
        # --columns names a table's headers: a text document has none to map.
        raise ReportParseError("source.columns_not_table", source=path.name)
    if kind == "docx":
        from lawtasks.sources.docx import read_docx

        return read_docx(path, columns=columns)
    if kind == "xlsx":
        from lawtasks.sources.xlsx import read_xlsx

        return read_xlsx(path, columns=columns)
    if kind == "pdf":
        from lawtasks.sources.pdf import read_pdf

        return read_pdf(path)
    if kind == "ole2":
        from lawtasks.sources.legacy import read_legacy

        return read_legacy(path, columns=columns)
    if kind == "zip":
        raise ReportParseError("source.zip_unknown", source=path.name)
    data = _read_bytes(path)
    if kind == "html":
        from lawtasks.sources.html import html_text

        return parse_report(html_text(_decode(data, path)), source_name=path.name)
    return parse_report(_decode(data, path), source_name=path.name)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReportParseError("parse.unreadable", source=str(path), reason=os_reason(exc)) from exc


def _decode(data: bytes, path: Path) -> str:
    """Text in UTF-8, GBK or UTF-16; a binary file of no kind lawtasks reads says which
    kinds it does read."""
    try:
        return decode_report(data, source_name=path.name)
    except ReportParseError as exc:
        if exc.key == "parse.undecodable":
            raise ReportParseError("source.unknown_format", source=path.name) from exc
        raise
