"""Tables of tasks, the one reader for a Word notice's 分工表 and an Excel 任务分解表 or 台账.

A reader (`sources.docx`, `sources.xlsx`) hands over a `Table`: the rows as cell texts and
values, merged cells already filled with their value (a task cell merged over its items'
rows reads as that task on every row), and the lines above it (a sheet's title rows, a
notice's paragraphs before its table).

Header row
----------
Among the first rows, the first one that names a task or item column and at least one other
column by the names offices use (`NAMES`; the 台账 lawtasks exports, in either language,
uses them too). A header names a column when it *is* one of the names once spaces and
marks are gone (完成\\n时限 is 完成时限), or, for a short header, when it contains one
(完成时限（时间节点） is 完成时限; of two names it contains, the one it starts with, the
longer on a tie: 任务内容 is an item, 目标任务 a target). A second header row right under it
made of names only (责任单位 spanning 牵头单位 | 配合单位) refines it. `--columns`
(`parse_columns`) names the header of a column outright: 具体事项=任务内容. A sheet with no
such row is refused, naming the headers found and the names looked for.

Rows
----
- A row whose only text is one value repeated across merged cells, or that starts with a
  task number (一、, （一）) in its 序号 cell and names no unit or deadline, opens a task
  (一、深入学习贯彻习近平法治思想 spanning the whole row).
- Otherwise the task is the row's 工作任务 cell (the one above where it is empty: merged or
  left blank), else the task the last such row opened, else the row is a task of its own.
  The item is the row's 具体事项 cell, else its 工作任务 cell: a task without items of its
  own has one item, itself.
- Units: with a 配合单位 column, every unit in the 责任单位 cell leads; without one, the
  first leads and the rest assist. Units are separated by 、，,;；/ spaces or new lines,
  never inside brackets (各乡镇（街道、开发区）); 牵头单位：A；配合单位：B and A（牵头）、B
  in one cell are read as written.
- Deadlines: an Excel date, or the latest date a 完成时限 cell names in any form
  `dates.parse_date` accepts (2022年6月底前, 6月30日, 第三季度, 年底前完成), in the plan year;
  with no 完成时限 cell (or an empty one, or 长期坚持), the deadline the item's text names
  (`dates.deadline_in`), else its task's, else none: the plan's period end. 31 December of
  the plan year (年底前, 12月31日) is the plan's period end too: the 台账 lawtasks exports
  writes that date for the items that have no deadline of their own, and they import back
  as such.
- Targets: the 目标 cell where the table has that column, else the figure the item's text
  holds (`parser.extract_target`), as for a text plan.
- Notes under the table (注：…, 填表人：…, 联系电话：…) and the lines above it that are not
  its title are not items: they are listed in `ParsedPlan.skipped`.

Title and year
--------------
The title is the plan a notice above the table carries (关于印发《X》的通知 gives X), else
the line above the header that reads like a title (…任务分解表, …工作要点), else the
workbook's own title (a 台账 exported by lawtasks names its plan there), else the file's
name. The year is the first one the title names (a year's 报告 or 总结 plans the year after,
as in the parser), else one the other lines above name, else the file name's, else the year
most of the table's Excel dates fall in, else the current year.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from lawtasks.dates import deadline_in, parse_date
from lawtasks.domain import chinese_number, period_end
from lawtasks.errors import DomainError, ReportParseError
from lawtasks.i18n import join_list, templates
from lawtasks.parser import (
    ParsedItem,
    ParsedPlan,
    ParsedTask,
    SkippedLine,
    extract_target,
    first_year,
    plan_year_of_title,
    short_title,
    units_of,
)

# The roles a column can play, and the header names offices give them, the usual first.
ROLES = ("seq", "task", "item", "lead", "assisting", "person", "due", "target")
NAMES: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号"),
    "task": ("工作任务", "重点任务", "主要任务", "任务名称", "任务分解", "工作类别", "任务"),
    "item": (
        "具体事项",
        "工作内容",
        "任务内容",
        "具体内容",
        "具体任务",
        "工作措施",
        "具体措施",
        "主要内容",
        "工作举措",
        "事项",
    ),
    "lead": ("牵头单位", "责任单位", "牵头部门", "责任部门", "主责单位", "责任主体"),
    "assisting": ("配合单位", "配合部门", "协办单位", "协同单位", "参与单位"),
    "person": ("责任人", "联系人"),
    "due": ("完成时限", "时间节点", "完成时间", "时间要求", "完成期限", "时限", "进度安排"),
    "target": ("工作目标", "预期目标", "目标"),
}
# The 台账's own headers in every language (export.col_seq is 序号 or No. ...): a 台账
# exported in English imports back as well.
_EXPORT_LABELS = {
    "seq": "export.col_seq",
    "task": "label.task",
    "item": "label.item",
    "lead": "label.lead_unit",
    "assisting": "label.assisting_units",
    "due": "label.due",
    "target": "label.target",
}
# Rows searched for the header; a header cell longer than this is data, not a name.
_HEADER_ROWS = 30
_HEADER_CELL_MAX = 14

# A task number opening a cell: 一、 （一） (一) 1. 1、 （1）; group 1 or 2 is the numeral.
_TASK_MARKER_RE = re.compile(
    r"^\s*(?:[（(]\s*([一二三四五六七八九十]{1,3}|[0-9０-９]{1,2})\s*[）)]"
    r"|([一二三四五六七八九十]{1,3}|[0-9０-９]{1,2})\s*(?:、|[.．](?![0-9０-９])))\s*"
)
_CN_MARKER_RE = re.compile(r"^\s*[（(]?\s*[一二三四五六七八九十]{1,3}\s*(?:[）)]|、|[.．])?\s*$")
# An item's own number: 1、 1. （1） ①.
_ITEM_MARKER_RE = re.compile(
    r"^\s*(?:[（(]\s*[0-9０-９]{1,2}\s*[）)]|[0-9０-９]{1,2}\s*(?:、|[.．](?![0-9０-９]))|[①-⑳])\s*"
)
# Notes under a table: never items.
_NOTE_RE = re.compile(r"^\s*(?:注|备注|说明)\s*[0-9０-９]*\s*[:：]")
_FILLER_RE = re.compile(r"^\s*(?:填表人|填报人|审核人|联系人|联系电话|填报单位|填报日期|填表日期)")
# A 完成时限 cell lists dates between these.
_DUE_SPLIT_RE = re.compile(r"[，,；;、\n]|及|和|至|—|～|~")
# Titles.
_TITLE_END_RE = re.compile(
    r"(?:报告|要点|安排|计划|总结|方案|清单|意见|分解表|分工表|台账|任务表|一览表|表|任务)[)）」”]?$"
)
_NOTICE_RE = re.compile(r"(?:印发|转发|下发)(?P<plan>.+?)的?通知$")
_QUOTED_RE = re.compile(r"《(?P<title>[^《》]+)》")
_FILE_YEAR_RE = re.compile(r"(?<![0-9])((?:19|20|21)[0-9]{2})(?![0-9])")
_TITLE_MAX = 60
_CN_ORDINALS = "一二三四五六七八九十"


ColumnMap = dict[str, str]  # role -> the header of its column as the file writes it


@dataclass(frozen=True)
class Table:
    """A table as a reader hands it over.

    `rows` hold each cell's value (text, or a date or number from Excel), merged cells
    filled; `above` and `below` are the document's lines before and after it.
    """

    rows: Sequence[Sequence[object]]
    above: Sequence[str] = ()
    below: Sequence[str] = ()
    # A title the file carries besides its lines (an exported 台账's workbook title).
    title_hint: str | None = None
    # The sheet's name, for a workbook: a cell is named by sheet, row and column; rows
    # are then the sheet's from row 1. None for a Word document's table.
    sheet: str | None = None


@dataclass(frozen=True)
class TableItem(ParsedItem):
    """An item read from a table row, with its 完成时限 cell as written when that is no
    date (长期坚持, 按要求): the item has no deadline of its own, and the preview says why."""

    due_written: str | None = None


@dataclass
class Header:
    """Where the header is, and the column of each role found."""

    row: int  # index in Table.rows of the last header row
    columns: dict[str, int]
    cells: list[str]
    first: int = -1  # of the first header row, when there are two; else `row`

    def __post_init__(self) -> None:
        if self.first < 0:
            self.first = self.row


# --------------------------------------------------------------------------- the header


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s*＊:：]", "", text)


def _all_names() -> dict[str, tuple[str, ...]]:
    names = {role: tuple(_norm(name) for name in NAMES.get(role, ())) for role in ROLES}
    for role, key in _EXPORT_LABELS.items():
        names[role] += tuple(_norm(label) for label in templates(key))
    return names


def role_of(header: str, names: dict[str, tuple[str, ...]] | None = None) -> str | None:
    """The role a header names, or None (see the module docstring)."""
    text = _norm(header)
    if not text:
        return None
    names = names or _all_names()
    for role, options in names.items():
        if text in options:
            return role
    if len(text) > _HEADER_CELL_MAX:
        return None
    best: tuple[int, int, str] | None = None
    for role, options in names.items():
        for name in options:
            at = text.find(name)
            if at >= 0 and (best is None or (at, -len(name)) < (best[0], best[1])):
                best = (at, -len(name), role)
    return best[2] if best else None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    lines = (line.strip() for line in str(value).replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _row_roles(cells: list[str], names: dict[str, tuple[str, ...]]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        role = role_of(cell, names)
        if role is None:
            continue
        if role not in columns:
            columns[role] = index
        elif role == "lead" and "assisting" not in columns and columns[role] != index:
            columns["assisting"] = index  # 牵头单位 | 责任单位: the second one assists
    return columns


def _with_overrides(
    cells: list[str], columns: dict[str, int], overrides: ColumnMap
) -> dict[str, int] | None:
    """The roles of a row once --columns is applied; None when a header it names is absent."""
    result = dict(columns)
    for role, header in overrides.items():
        wanted = _norm(header)
        found = next((i for i, cell in enumerate(cells) if _norm(cell) == wanted), None)
        if found is None:
            return None
        for other, index in list(result.items()):
            if index == found or other == role:
                del result[other]
        result[role] = found
    return result


def _is_header(columns: dict[str, int]) -> bool:
    return ("item" in columns or "task" in columns) and len(columns) >= 2


def find_header(table: Table, *, source: str, overrides: ColumnMap | None = None) -> Header:
    """The header row of `table`; refused with the headers found and the names looked for."""
    names = _all_names()
    overrides = overrides or {}
    best: tuple[int, list[str]] | None = None
    for index, row in enumerate(table.rows[:_HEADER_ROWS]):
        cells = [_cell_text(value) for value in row]
        columns = _row_roles(cells, names)
        if overrides:
            applied = _with_overrides(cells, columns, overrides)
            if applied is not None and ("item" in applied or "task" in applied):
                return _refined(table, Header(index, applied, cells), names)
        elif _is_header(columns):
            return _refined(table, Header(index, columns, cells), names)
        filled = sum(1 for cell in cells if cell)
        if filled and (best is None or len(columns) * 100 + filled > best[0]):
            best = (len(columns) * 100 + filled, cells)
    found = _found(best[1] if best else [])
    for role, header in overrides.items():
        if not any(
            _norm(_cell_text(value)) == _norm(header)
            for row in table.rows[:_HEADER_ROWS]
            for value in row
        ):
            raise ReportParseError(
                "source.columns_missing", source=source, name=_role_name(role), header=header,
                found=found,
            )  # fmt: skip
    raise ReportParseError("source.no_header", source=source, found=found, looked_for=looked_for())


def _refined(table: Table, header: Header, names: dict[str, tuple[str, ...]]) -> Header:
    """A second header row of names only (牵头单位 | 配合单位 under a merged 责任单位)."""
    following = header.row + 1
    if following >= len(table.rows):
        return header
    cells = [_cell_text(value) for value in table.rows[following]]
    filled = [cell for cell in cells if cell]
    roles = _row_roles(cells, names)
    if not filled or any(role_of(cell, names) is None for cell in filled):
        return header
    columns = dict(header.columns)
    for role, index in roles.items():
        for other, at in list(columns.items()):
            if at == index:
                del columns[other]
        columns[role] = index
    merged = [low or high for high, low in zip(header.cells, cells, strict=False)]
    return Header(following, columns, merged, first=header.row)


def _found(cells: Iterable[str]) -> str:
    shown = [cell.replace("\n", "") for cell in cells if cell]
    return join_list(shown) if shown else "-"


def _role_name(role: str) -> str:
    return NAMES[role][0] if role in NAMES else role


def looked_for() -> str:
    """The names a header row is looked for by, one group per role."""
    groups = {
        "seq": "序号",
        "task": "工作任务/重点任务",
        "item": "具体事项/工作内容/任务内容",
        "lead": "牵头单位/责任单位",
        "assisting": "配合单位",
        "person": "责任人",
        "due": "完成时限/时间节点",
        "target": "工作目标/目标",
    }
    return join_list(groups.values())


def parse_columns(text: str) -> ColumnMap:
    """`具体事项=任务内容,完成时限=时间要求`: the header (right) of the column that holds
    what the name (left) says. A name is any of `NAMES` (具体事项, 牵头单位, 完成时限 ...)
    or a role (item, lead, due ...)."""
    valid = ", ".join(f"{NAMES[role][0]} ({role})" for role in ROLES)
    mapping: ColumnMap = {}
    for raw in re.split(r"[,，]", unicodedata.normalize("NFKC", text)):
        if not raw.strip():
            continue
        name, equals, header = raw.partition("=")
        role = name.strip() if name.strip() in ROLES else None
        if role is None:
            role = next((r for r in ROLES if _norm(name) in map(_norm, NAMES[r])), None)
        if not equals or role is None or not header.strip():
            raise ReportParseError("source.columns_syntax", value=text, names=valid)
        mapping[role] = header.strip()
    if not mapping:
        raise ReportParseError("source.columns_syntax", value=text, names=valid)
    return mapping


# --------------------------------------------------------------------------- units


# --------------------------------------------------------------------------- dates


def due_of(value: object, *, year: int) -> date | None:
    """The deadline a 完成时限 cell names: an Excel date, else the latest date written in
    any form `parse_date` accepts; None for 长期坚持 and the like. A day that does not
    exist (2023-02-30, 4月31日) is an error (`parse_date`'s error.no_such_day), never
    quietly no deadline."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value)
    if not text:
        return None
    found: list[date] = []
    for written in [text, *_DUE_SPLIT_RE.split(text)]:
        piece = written.strip()
        if not piece:
            continue
        try:
            found.append(parse_date(piece, year=year))
        except DomainError as error:
            if error.key == "error.no_such_day":
                raise
            continue
    if not found:
        return deadline_in(text, year=year)
    return max(found)


# --------------------------------------------------------------------------- title, year


def _carried(line: str) -> str | None:
    match = _NOTICE_RE.search(line)
    if match is None:
        return None
    quoted = _QUOTED_RE.search(match["plan"])
    return (quoted["title"] if quoted else match["plan"]).strip() or None


def _unwrapped_hint(hint: str | None) -> str | None:
    """A 台账's workbook title (桐庐县2022年主要工作任务推进情况) without the exporter's
    words around the plan's name, in any language."""
    if not hint or not hint.strip():
        return None
    hint = hint.strip()
    for template in templates("export.report_title"):
        before, _, after = template.partition("{plan}")
        if hint.startswith(before) and hint.endswith(after) and len(hint) > len(before + after):
            return hint[len(before) : len(hint) - len(after)].strip()
    return hint


def title_and_year(
    lines: Sequence[str], hint: str | None, stem: str, due_years: Iterable[int]
) -> tuple[str, int, int]:
    """The plan's title, its year, and the index in `lines` (those above the table) of the
    title line (-1 when the title comes from elsewhere); see the module docstring."""
    title: str | None = None
    at = -1
    for index, line in enumerate(lines):
        carried = _carried(line)
        if carried:
            title, at = carried, index
            break
    if title is None:
        short = [(i, line) for i, line in enumerate(lines) if _is_title_like(line)]
        titled = [(i, line) for i, line in short if _TITLE_END_RE.search(line)]
        chosen = titled[-1] if titled else (short[0] if short else None)
        if chosen is not None:
            at, title = chosen
    if title is None:
        title = _unwrapped_hint(hint) or stem
    year = plan_year_of_title(title)
    if year is None:
        year = next((y for line in lines if (y := first_year(line)) is not None), None)
    if year is None and (match := _FILE_YEAR_RE.search(stem)):
        year = int(match.group(1))
    if year is None:
        counted = Counter(due_years).most_common(1)
        year = counted[0][0] if counted else date.today().year
    return title, year, at


def _is_title_like(line: str) -> bool:
    return len(line) <= _TITLE_MAX and "。" not in line and not line.endswith(("：", ":"))


# --------------------------------------------------------------------------- rows


@dataclass
class _TaskDraft:
    key: str
    items: list[ParsedItem] = field(default_factory=list)


def _skip_reason(line: str) -> str:
    """Why a line around a table is not part of the plan (one of parser.SKIP_REASONS)."""
    from lawtasks.parser import skip_reason

    if _FILLER_RE.match(line):
        return "contact"
    return skip_reason(line) or "notice_preamble"


def _is_opening_row(cells: list[str], header: Header) -> str | None:
    """The task a row opens (一、… spanning the row, or 一 | title with no unit or date)."""
    filled = [cell for cell in cells if cell]
    distinct = set(filled)
    if len(distinct) == 1:
        text = filled[0]
        item = header.columns.get("item")
        spans = len(filled) >= 2 or _TASK_MARKER_RE.match(text)
        return text if spans and (item is None or cells[item] in ("", text)) else None
    if any(cells[header.columns[r]] for r in ("lead", "assisting", "due") if r in header.columns):
        return None
    task, item = header.columns.get("task"), header.columns.get("item")
    if task is not None and item is not None and cells[task] and not cells[item]:
        return cells[task]  # a task's own row above its items
    seq = header.columns.get("seq")
    if seq is None or not _CN_MARKER_RE.match(cells[seq]):
        return None
    rest = [cell for index, cell in enumerate(cells) if index != seq and cell]
    if not rest:
        return None
    numeral = cells[seq].strip().strip("（()）、.．")
    return f"{numeral}、{rest[0]}"


def read_table(
    table: Table, *, source: str, stem: str, overrides: ColumnMap | None = None
) -> ParsedPlan:
    """The plan a table holds (see the module docstring)."""
    header = find_header(table, source=source, overrides=overrides)
    columns = header.columns
    data = table.rows[header.row + 1 :]
    due_column = columns.get("due")
    due_years = [
        value.year
        for row in data
        if due_column is not None
        and due_column < len(row)
        and isinstance(value := row[due_column], date)
    ]
    # The lines above the header: a notice's paragraphs, a sheet's title rows.
    above = [
        line.strip()
        for line in [*table.above, *(_row_line(row) for row in table.rows[: header.first])]
        if line.strip()
    ]
    title, year, title_at = title_and_year(above, table.title_hint, stem, due_years)
    skipped = [
        SkippedLine(line, _skip_reason(line))
        for index, line in enumerate(above)
        if index != title_at
    ]
    tasks: list[_TaskDraft] = []
    per_row = "task" not in columns
    width = max(columns.values()) + 1
    for number, row in enumerate(data, start=header.row + 2):
        values = list(row) + [None] * (width - len(row))
        cells = [_cell_text(value) for value in values]
        if not any(cells):
            continue
        joined = " ".join(dict.fromkeys(cell for cell in cells if cell))
        if _NOTE_RE.match(joined) or _FILLER_RE.match(joined):
            skipped.append(SkippedLine(joined, _skip_reason(joined)))
            continue
        opened = _is_opening_row(cells, header)
        if opened is not None:
            tasks.append(_TaskDraft(opened))
            per_row = False
            continue
        task_text = cells[columns["task"]] if "task" in columns else ""
        item_text = cells[columns["item"]] if "item" in columns else ""
        if task_text and (not tasks or task_text != tasks[-1].key):
            tasks.append(_TaskDraft(task_text))
        text = _item_text(item_text or task_text)
        if not text:
            continue  # a row of units or dates alone: nothing to do
        if per_row or not tasks:
            tasks.append(_TaskDraft(item_text or task_text))
        task = tasks[-1]
        try:
            item = _item(len(task.items) + 1, text, values, cells, columns, year, task)
        except DomainError as error:
            raise _bad_date(table, header, number, source, error) from None
        task.items.append(item)
    skipped += [
        SkippedLine(line.strip(), _skip_reason(line.strip()))
        for line in table.below
        if line.strip()
    ]
    parsed = tuple(_task(seq, draft, year) for seq, draft in enumerate(tasks, start=1))
    if not parsed:
        raise ReportParseError("source.no_rows", source=source, row=header.row + 1)
    return ParsedPlan(
        title=title,
        year=year,
        goal="",
        heading=title,
        source_name=source,
        published=None,
        tasks=parsed,
        skipped=tuple(skipped),
    )


def _bad_date(
    table: Table, header: Header, row: int, source: str, error: DomainError
) -> ReportParseError:
    """A 完成时限 cell naming a day that does not exist, named by sheet, row and column
    (a Word table's by row and column), with `parse_date`'s reason."""
    index = header.columns["due"]
    column = _column_letters(index + 1) if table.sheet is not None else str(index + 1)
    params = {
        "source": source,
        "row": row,
        "column": column,
        "header": header.cells[index].replace("\n", "") or "-",
        "reason": str(error),
    }
    if table.sheet is not None:
        return ReportParseError("source.bad_date_sheet", sheet=table.sheet, **params)
    return ReportParseError("source.bad_date_table", **params)


def _column_letters(number: int) -> str:
    """1 → A, 27 → AA: a sheet's column as Excel names it."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _row_line(row: Sequence[object]) -> str:
    """A row above the header as one line: its distinct values (a merged title row is one)."""
    return " ".join(dict.fromkeys(text for value in row if (text := _cell_text(value))))


def _item_text(text: str) -> str:
    return _ITEM_MARKER_RE.sub("", text, count=1).strip()


def _item(
    seq: int,
    text: str,
    values: list[object],
    cells: list[str],
    columns: dict[str, int],
    year: int,
    task: _TaskDraft,
) -> ParsedItem:
    lead, assisting = units_of(
        cells[columns["lead"]] if "lead" in columns else "",
        cells[columns["assisting"]] if "assisting" in columns else "",
        has_assisting="assisting" in columns,
    )
    due = due_of(values[columns["due"]], year=year) if "due" in columns else None
    # A 完成时限 cell that says something but names no date (长期坚持): listed as such.
    unread = cells[columns["due"]] if "due" in columns and due is None else ""
    if due is None:
        due = deadline_in(text, year=year) or deadline_in(_task_heading(task.key)[1], year=year)
    if due == period_end(year, None):
        due = None  # the end of the plan's period, as a 台账 writes it for items without one
    # A 目标 column says what the target is, empty or not; without one, the text's figure.
    target = (cells[columns["target"]] or None) if "target" in columns else extract_target(text)
    item = ParsedItem(
        seq=seq,
        title=short_title(text),
        text=text,
        target=target,
        lead_unit=lead or None,
        assisting_units=assisting or None,
        due=due,
        responsible_person=(cells[columns["person"]] or None) if "person" in columns else None,
    )
    return TableItem(**vars(item), due_written=unread) if unread else item


def _task_heading(key: str) -> tuple[str | None, str, str]:
    """(the numeral a task cell starts with, its title, its text without the numeral).

    The title is the text up to its first 。, as the parser takes a task's first sentence."""
    match = _TASK_MARKER_RE.match(key)
    numeral = None if match is None else (match.group(1) or match.group(2))
    body = key[match.end() :].strip() if match else key.strip()
    first = body.split("\n")[0]
    title = first.split("。")[0].rstrip("。：:；;").strip() or first.strip()
    return numeral, title, body


def _task(seq: int, draft: _TaskDraft, year: int) -> ParsedTask:
    numeral, title, body = _task_heading(draft.key)
    if numeral is None or numeral.isdecimal():
        numeral = _ordinal(seq)
    items = tuple(draft.items) or (
        ParsedItem(
            seq=1,
            title=short_title(body),
            text=body,
            target=extract_target(body),
            due=deadline_in(body, year=year),
        ),
    )
    return ParsedTask(
        seq=seq,
        numeral=numeral,
        title=title,
        body=body,
        items=items,
        due=deadline_in(title, year=year),
    )


def _ordinal(number: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一, 100 → 100 (tasks numbered in Arabic, or not at all)."""
    if number > 99:
        return str(number)  # past what officers number in words
    tens, units = divmod(number, 10)
    if number <= 10:
        return _CN_ORDINALS[number - 1]
    head = "" if tens == 1 else _CN_ORDINALS[tens - 1]
    tail = _CN_ORDINALS[units - 1] if units else ""
    result = f"{head}十{tail}"
    assert chinese_number(result) == number, number
    return result
