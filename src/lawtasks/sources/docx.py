"""A Word document (.docx): a notice, a 工作要点, a report.

The body is read in document order, paragraphs and tables alike. When a table has a header
row of a task table (序号 | 工作任务 | 具体事项 | 责任单位 | 完成时限, see `sources.table`),
the plan is read from it: the paragraphs above it give the title (a notice's 关于印发《X》的
通知 gives X) and are otherwise skipped with a reason; paragraphs between two such tables
(一、… heading the next one) open tasks, and tables with the same kind of header continue
the first one. Without such a table the document is text: each paragraph a line, each
table row a line (its cells' text, a merged cell once), parsed as a text report is.

python-docx gives a merged cell's text in every grid cell it covers, so a task cell merged
over its items' rows reads as that task on every row, as in Excel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lawtasks.errors import ReportParseError
from lawtasks.parser import ParsedPlan, parse_report
from lawtasks.sources.table import ColumnMap, Table, find_header, read_table


def read_docx(
    path: Path, *, columns: ColumnMap | None = None, source_name: str | None = None
) -> ParsedPlan:
    """The plan in the Word document at `path` (see the module docstring)."""
    import docx
    from docx.table import Table as WordTable

    source = source_name or path.name
    try:
        document = docx.Document(str(path))
        blocks: list[str | list[list[str]]] = []
        for content in document.iter_inner_content():
            if isinstance(content, WordTable):
                blocks.append([[cell.text for cell in row.cells] for row in content.rows])
            else:
                blocks.extend(content.text.split("\n"))
    except Exception as exc:  # python-docx and lxml raise many kinds for a damaged file
        raise ReportParseError("source.damaged_word", source=source) from exc
    table = _task_table(blocks, source, columns)
    if table is not None:
        return read_table(table, source=source, stem=Path(source).stem, overrides=columns)
    if columns:
        # --columns named headers that no table here has: the first table says which it
        # has; a document without tables is text, which --columns does not apply to.
        tables = [block for block in blocks if not isinstance(block, str)]
        if tables:
            find_header(Table(rows=tables[0]), source=source, overrides=columns)
        raise ReportParseError("source.columns_not_table", source=source)
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            lines.append(block)
        else:
            lines.extend(_row_lines(row) for row in block)
    text = "\n".join(lines)
    if not text.strip():
        raise ReportParseError("source.no_text", source=source)
    return parse_report(text, source_name=source)


def _row_lines(row: list[str]) -> str:
    return " ".join(dict.fromkeys(cell.strip() for cell in row if cell.strip()))


def _is_task_table(rows: list[list[str]], source: str, columns: ColumnMap | None) -> bool:
    try:
        find_header(Table(rows=rows), source=source, overrides=columns)
    except ReportParseError:
        return False
    return True


def _task_table(
    blocks: list[str | list[list[str]]], source: str, columns: ColumnMap | None
) -> Table | None:
    """The task tables of the document as one table, with the lines around them."""
    first = next(
        (
            index
            for index, block in enumerate(blocks)
            if not isinstance(block, str) and _is_task_table(block, source, columns)
        ),
        None,
    )
    if first is None:
        return None
    head = blocks[first]
    assert not isinstance(head, str)
    rows: list[list[Any]] = [list(row) for row in head]
    width = max(len(row) for row in rows)
    pending: list[str] = []
    last = first
    for index in range(first + 1, len(blocks)):
        block = blocks[index]
        if isinstance(block, str):
            if block.strip():
                pending.append(block.strip())
            continue
        if not _is_task_table(block, source, columns):
            continue
        # A heading between two tables opens a task: a row of its text across the table.
        rows.extend([line] * width for line in pending)
        pending = []
        body = block[_header_rows(block, source, columns) :]
        rows.extend(list(row) for row in body)
        last = index
    above = [block for block in blocks[:first] if isinstance(block, str)]
    below = [block for block in blocks[last + 1 :] if isinstance(block, str)]
    return Table(rows=rows, above=above, below=below)


def _header_rows(rows: list[list[str]], source: str, columns: ColumnMap | None) -> int:
    """How many rows a continuing table's header takes (its data starts after them)."""
    return find_header(Table(rows=rows), source=source, overrides=columns).row + 1
