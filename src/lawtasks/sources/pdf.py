"""A PDF with a text layer (a published report, a notice printed to PDF), read by pypdf.

A PDF holds lines, not paragraphs: a paragraph runs over several lines, each as wide as
the page allows. So a line that fills the width (within two characters of the widest
lines, measured with CJK characters counting double) continues on the next, unless it ends
a sentence (。；：) or the next starts a numbered point (一、 （一） 1. （1） ①), a unit line
(牵头单位：) or a notice's closing line (抄送：, 联系人：). The page number lines (- 3 -,
第 3 页 共 9 页) go, and a paragraph that runs over a page break is joined too. What comes
out is parsed as a text report is.

A PDF without any text (a scan) is refused in one line that says so: lawtasks does no OCR.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from lawtasks.errors import ReportParseError
from lawtasks.parser import ParsedPlan, parse_report

_PAGE_NUMBER_RE = re.compile(
    r"^[-—－–\s]*[0-9]{1,4}[-—－–\s]*$|^第\s*[0-9]+\s*页(?:\s*[/，,]?\s*共\s*[0-9]+\s*页)?$"
)
_STARTS_POINT_RE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}\s*、|[（(]\s*[一二三四五六七八九十0-9]{1,3}\s*[）)]|"
    r"[0-9]{1,2}\s*(?:、|[.．](?![0-9]))|[①-⑳]|"
    r"[（(]?\s*(?:牵头单位|责任单位|配合单位|抄送|抄报|联系人|联系电话|附件)\s*[0-9]*\s*[:：])"
)
# A line ending a sentence ends its paragraph as often as not: kept a line of its own,
# which the parser reads the same within a paragraph, and rightly after one.
_ENDS_SENTENCE = "。！？；：!?;:"
# A line this close to the widest (in half-width characters) fills the width.
_FULL_SLACK = 4
# Lines a page needs before its widest one tells the width of the text.
_MIN_LINES = 3


def read_pdf(path: Path, *, source_name: str | None = None) -> ParsedPlan:
    """The plan in the PDF at `path` (see the module docstring)."""
    source = source_name or path.name
    try:
        import pypdf
    except ImportError as exc:
        raise ReportParseError("source.pdf_missing", source=source) from exc
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many kinds for a damaged or locked file
        raise ReportParseError("source.damaged_pdf", source=source) from exc
    if not any(page.strip() for page in pages):
        raise ReportParseError("source.scanned_pdf", source=source)
    return parse_report(pdf_text(pages), source_name=source)


def width(line: str) -> int:
    """A line's width in half-width characters: CJK and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def pdf_text(pages: list[str]) -> str:
    """The text of a PDF's pages with its paragraphs whole again."""
    lines: list[tuple[str, bool]] = []  # (line, fills the width)
    for page in pages:
        page_lines = [
            line.strip()
            for line in page.splitlines()
            if line.strip() and not _PAGE_NUMBER_RE.match(line.strip())
        ]
        widths = sorted(width(line) for line in page_lines)
        # The width of the text: the widest lines but an outlier (a long URL).
        full = widths[int(len(widths) * 0.9)] if len(widths) >= _MIN_LINES else None
        lines.extend(
            (line, full is not None and width(line) >= full - _FULL_SLACK) for line in page_lines
        )
    paragraphs: list[str] = []
    joining = False
    for line, fills in lines:
        if joining and paragraphs and not _STARTS_POINT_RE.match(line):
            previous = paragraphs[-1]
            space = (
                " "
                if previous[-1:].isascii() and previous[-1:].isalnum() and line[:1].isascii()
                else ""
            )
            paragraphs[-1] = previous + space + line
        else:
            paragraphs.append(line)
        joining = fills and not line.endswith(tuple(_ENDS_SENTENCE))
    return "\n".join(paragraphs)
