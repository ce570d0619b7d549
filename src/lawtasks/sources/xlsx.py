"""An Excel 任务分解表 or 台账 (.xlsx), read by `sources.table`.

The workbook is streamed (openpyxl's read-only mode: a 10,000-row 台账 is not built as
150,000 cell objects). Read-only mode does not report merged cells, so their ranges are
read from the sheet's own XML (its <mergeCell ref="A3:A7"/> elements) and each merged
range is filled with its top-left value: a task cell merged over its items' rows reads as
that task on every row. Values are the cached results of formulas (data_only), and dates
are Excel dates.

The first sheet (the active one first) whose header row is found is the plan; a workbook
where none is found is refused for its first sheet, naming the headers found there.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from lawtasks.errors import ReportParseError
from lawtasks.i18n import os_reason
from lawtasks.parser import ParsedPlan
from lawtasks.sources.table import ColumnMap, Table, read_table

_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=\"([A-Z]+[0-9]+):([A-Z]+[0-9]+)\"")
_CELL_RE = re.compile(r"([A-Z]+)([0-9]+)")


def read_xlsx(
    path: Path, *, columns: ColumnMap | None = None, source_name: str | None = None
) -> ParsedPlan:
    """The plan in the workbook at `path` (see the module docstring)."""
    from openpyxl import load_workbook

    source = source_name or path.name
    # Opened as a file, not by name: openpyxl refuses a name ending .xls, and a workbook
    # is what its content says (a .xlsx renamed 分解表.xls is read as the .xlsx it is).
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise ReportParseError("parse.unreadable", source=str(path), reason=os_reason(exc)) from exc
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        stream.close()
        raise ReportParseError("source.damaged_excel", source=source) from exc
    try:
        hint = workbook.properties.title
        sheets = list(workbook.worksheets)
        active = workbook.active
        if active in sheets:
            sheets.remove(active)
            sheets.insert(0, active)
        first_error: ReportParseError | None = None
        with zipfile.ZipFile(path) as archive:
            for sheet in sheets:
                rows = _rows(sheet, archive)
                if not any(any(v not in (None, "") for v in row) for row in rows):
                    continue
                table = Table(rows=rows, title_hint=hint, sheet=sheet.title)
                try:
                    return read_table(table, source=source, stem=Path(source).stem,
                                      overrides=columns)  # fmt: skip
                except ReportParseError as exc:
                    if exc.key not in ("source.no_header", "source.columns_missing"):
                        raise
                    first_error = first_error or exc
        if first_error is not None:
            raise first_error
        raise ReportParseError("source.no_text", source=source)
    finally:
        workbook.close()
        stream.close()


def _rows(sheet: Any, archive: zipfile.ZipFile) -> list[list[object]]:
    """The sheet's values, row by row from row 1 and column A, merged ranges filled."""
    rows: list[list[object]] = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        while len(rows) < number - 1:
            rows.append([])
        rows.append(list(row))
    # Trailing empty columns (a sheet formatted far to the right) are no columns.
    width = max(
        (i + 1 for row in rows for i, v in enumerate(row) if v not in (None, "")), default=0
    )
    rows = [row[:width] + [None] * (width - len(row[:width])) for row in rows]
    for (first_col, first_row), (last_col, last_row) in _merged(sheet, archive):
        if first_row > len(rows) or first_col > width:
            continue
        value = rows[first_row - 1][first_col - 1]
        for r in range(first_row, min(last_row, len(rows)) + 1):
            for c in range(first_col, min(last_col, width) + 1):
                rows[r - 1][c - 1] = value
    return rows


def _merged(sheet: Any, archive: zipfile.ZipFile) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The merged ranges of a read-only sheet, from its XML: ((col, row), (col, row))."""
    part = getattr(sheet, "_worksheet_path", None)
    if not part:
        return []
    try:
        data = archive.read(part.lstrip("/"))
    except KeyError:
        return []
    ranges = []
    for match in _MERGE_RE.finditer(data):
        start, end = _cell(match.group(1).decode()), _cell(match.group(2).decode())
        ranges.append((start, end))
    return ranges


def _cell(ref: str) -> tuple[int, int]:
    match = _CELL_RE.fullmatch(ref)
    assert match is not None, ref
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - ord("A") + 1
    return column, int(match.group(2))
