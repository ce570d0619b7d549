"""The exports, read back with their own readers: csv, json, openpyxl and python-docx."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from lawtasks import i18n
from lawtasks.db import make_engine
from lawtasks.domain import Status
from lawtasks.errors import DomainError
from lawtasks.exporters import (
    FORMATS,
    TEXT_FORMATS,
    ExportRequest,
    attention_items,
    default_filename,
    export,
    render_bytes,
    render_text,
)
from lawtasks.exporters.content import defuse, display_width, filter_statement
from lawtasks.exporters.csv_export import COLUMNS
from lawtasks.exporters.markdown import cell
from lawtasks.models import Event, Note, Plan
from lawtasks.readmodel import ItemFilter, PlanView, filter_plan, load_history, load_plan
from lawtasks.seed import seed
from lawtasks.services import Ledger

from .conftest import TODAY

SINCE = date(2022, 4, 1)
EARLY = datetime(2022, 3, 15, 2, 0, tzinfo=UTC)  # before SINCE
LATE = datetime(2022, 5, 20, 2, 0, tzinfo=UTC)  # inside the window
FORMULA = '=HYPERLINK("http://x","y")'
LEDGER_HEADERS_ZH = ["序号", "工作任务", "具体事项", "责任单位", "完成时限"]
LEDGER_HEADERS_ZH += ["目标", "状态", "进度", "最新进展", "更新时间"]


@pytest.fixture
def zh() -> None:
    i18n.set_language("zh")  # conftest's autouse fixture resets it after the test


@pytest.fixture
def changed(engine: Engine, ledger: Ledger) -> Engine:
    """A plan mid-year: 2.1 red, 2.2 blocked, 4.1 red and blocked, 3.1 yellow, 1.1 done.

    1.1 was finished in March, before SINCE; everything else happened in May. The plan
    tolerates any lag behind 序时进度 (tolerance 100), so that the untouched items stay green
    and the lists these tests read are short; the default is tested in test_readmodel.
    """
    early = ledger.update(["1.1"], status="done")
    ledger.update(["2.1"], progress=30, due=date(2022, 5, 1), lead_unit="县司法局")
    ledger.update(["2.2"], status="blocked")
    ledger.update(["4.1"], status="blocked", due=date(2022, 5, 10))
    ledger.update(["3.1"], progress=10, due=date(2022, 6, 5), target="执法监督数字化全覆盖")
    ledger.add_note("2.1", "已召开部署会\n第二行 | 管道")
    ledger.add_note("1.1", FORMULA)
    with Session(engine) as session:
        for event in session.exec(select(Event)):
            if event.action == "import":
                event.at = datetime(2022, 1, 2, tzinfo=UTC)
            else:
                event.at = EARLY if event.batch == early.batch else LATE
            session.add(event)
        for note in session.exec(select(Note)):
            note.created_at = LATE
            session.add(note)
        for plan in session.exec(select(Plan)):
            plan.tolerance = 100
            session.add(plan)
        session.commit()
    return engine


def make_request(
    engine: Engine, *, since: date | None = SINCE, today: date = TODAY
) -> ExportRequest:
    view = load_plan(engine, slug=None, today=today)
    changes = None
    if since is not None:
        changes = tuple(load_history(engine, slug=None, since=since))
    return ExportRequest(view=view, exported_by="张科长", changes=changes, since=since)


@pytest.fixture
def request_(changed: Engine) -> ExportRequest:
    return make_request(changed)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty directory for exports (tmp_path itself holds the test database)."""
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


# -- shared content ---------------------------------------------------------------------------


def test_attention_lists_red_and_blocked_then_yellow_each_once(request_: ExportRequest) -> None:
    urgent, yellow = attention_items(request_.view)
    # 4.1 is red and blocked at once: listed once, in plan order
    assert [item.id for item in urgent] == ["2.1", "2.2", "4.1"]
    assert [item.id for item in yellow] == ["3.1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FORMULA, "'" + FORMULA),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("已完成", "已完成"),
        ("", ""),
    ],
)
def test_defuse_quotes_what_a_spreadsheet_would_evaluate(text: str, expected: str) -> None:
    assert defuse(text) == expected


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("abc") == 3
    assert display_width("台账") == 4
    assert display_width("（一）") == 6
    assert display_width("短\n长一些的行") == 10


def test_default_filename_names_plan_kind_and_date() -> None:
    view = PlanView("tonglu-2022", "t", 2022, "", "", None, date(2022, 1, 1), date(2022, 6, 30), ())
    assert default_filename("xlsx", view) == "tonglu-2022-ledger-2022-06-30.xlsx"
    i18n.set_language("zh")
    assert default_filename("xlsx", view) == "tonglu-2022-台账-2022-06-30.xlsx"
    assert default_filename("docx", view) == "tonglu-2022-报告-2022-06-30.docx"


@pytest.mark.slow
def test_importing_the_exporters_leaves_openpyxl_and_docx_unloaded() -> None:
    code = (
        "import sys\n"
        "import lawtasks.exporters, lawtasks.i18n\n"
        "from lawtasks.exporters import render_text\n"
        "heavy = [m for m in ('openpyxl', 'docx', 'textual') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


# -- markdown ---------------------------------------------------------------------------------


def test_markdown_has_the_frame_sections_and_figures(zh: None, request_: ExportRequest) -> None:
    text = render_text("md", request_)
    view = request_.view

    assert text.startswith("# 桐庐县2022年主要工作任务推进情况\n")
    assert "截至 2022年6月1日" in text
    assert "导出人：张科长" in text
    headings = ["## 一、总体进展", "## 二、分项进展", "## 三、需关注事项", "## 四、本期变动"]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert f"总体进度 {view.progress}%" in text
    for count in ("已完成 1 个", "受阻 2 个", "红灯 2 个", "黄灯 1 个"):
        assert count in text
    assert "### （二）持续提升行政决策和制度建设质量" in text
    assert "进度 10%，已完成 [0/3]，红灯 1 个，黄灯 0 个。" in text
    assert "| 2.1 | 严格落实重大行政决策程序 | 进行中 | 30% | 县司法局 | 2022-05-01 |" in text
    # the latest note, with its author and date, whole
    assert "最新进展（officer 记于 2022-05-20" in text
    assert "> 已召开部署会\n> 第二行 | 管道" in text
    attention = text[text.index("## 三、需关注事项") : text.index("## 四、本期变动")]
    order = [attention.index(f"- {ref} ") for ref in ("2.1", "2.2", "4.1", "3.1")]
    assert order == sorted(order)
    assert attention.index("**红灯及受阻事项**") < attention.index("**黄灯事项**")


def test_markdown_cells_escape_pipes_breaks_and_escape_sequences() -> None:
    assert cell("a | b\nc") == "a \\| b<br>c"
    assert cell("\x1b]0;pwned\x07red") == "\\x1b]0;pwned\\x07red"
    assert cell(None) == " "


def test_markdown_shows_escape_sequences_in_titles_literally(request_: ExportRequest) -> None:
    view = request_.view
    task = replace(view.tasks[0], title="\x1b[2J清屏 | x")
    item = replace(task.items[0], title="\x1b[31m红 | 色")
    poisoned = replace(view, tasks=(replace(task, items=(item, *task.items[1:])), *view.tasks[1:]))
    text = render_text("md", replace(request_, view=poisoned))
    assert "\x1b" not in text
    assert "### （一）\\x1b[2J清屏 | x" in text
    assert "| 1.1 | \\x1b[31m红 \\| 色 |" in text


def test_markdown_without_since_has_no_changes_and_says_none_when_calm(engine: Engine) -> None:
    # Early in the year, before the untouched items lag behind schedule.
    text = render_text("md", make_request(engine, since=None, today=date(2022, 1, 20)))
    assert "4. Changes" not in text
    attention = text[text.index("## 3. Needs attention") :]
    assert attention.splitlines()[2] == "none"


# -- csv --------------------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_has_one_row_per_item_with_the_documented_columns(request_: ExportRequest) -> None:
    whole = replace(request_, since=None, changes=None)
    text = render_text("csv", whole)
    assert not text.startswith("\ufeff")
    assert next(csv.reader(io.StringIO(text))) == list(COLUMNS)
    rows = read_csv(text)
    assert [row["id"] for row in rows] == [item.id for item in request_.view.items]
    by_id = {row["id"]: row for row in rows}
    row = by_id["2.1"]
    assert (row["status"], row["status_label"], row["progress"]) == (
        "in_progress",
        "in progress",
        "30",
    )
    assert (row["lead_unit"], row["due"], row["warning"]) == ("县司法局", "2022-05-01", "red")
    assert row["latest_note"] == "已召开部署会\n第二行 | 管道"  # whole, line break kept
    assert row["latest_note_author"] == "officer"
    assert row["latest_note_at"] == "2022-05-20T02:00:00+00:00"
    assert (row["as_of"], row["exported_by"]) == ("2022-06-01", "张科长")
    # The plan by its name, as every other format names it (not the report's title).
    assert row["plan"] == request_.view.name == "桐庐县2022年主要工作任务"
    assert by_id["1.1"]["latest_note"] == "'" + FORMULA
    assert by_id["1.2"]["latest_note"] == ""


def test_a_chinese_csv_has_chinese_headers_and_warning_words(
    zh: None, request_: ExportRequest
) -> None:
    text = render_text("csv", replace(request_, since=None, changes=None))
    header = next(csv.reader(io.StringIO(text)))
    assert header[:6] == ["编号", "工作任务", "事项", "具体内容", "状态代码", "状态"]
    assert header[6:10] == ["销号", "销号时间", "销号人", "进度"]
    assert header[-2:] == ["留痕条数", "留痕末条摘要"]
    by_id = {row["编号"]: row for row in read_csv(text)}
    assert (by_id["2.1"]["状态"], by_id["2.1"]["预警"], by_id["2.1"]["计划"]) == (
        "进行中",
        "红灯",
        "桐庐县2022年主要工作任务",
    )
    # 1.1 is done and waits for the office's 销号: the word the 台账's 状态 shows.
    assert (by_id["1.1"]["状态"], by_id["1.1"]["销号"]) == ("已完成", "已完成（待销号）")
    assert by_id["2.1"]["销号"] == ""


def test_a_csv_since_a_day_lists_the_items_changed_in_the_period(request_: ExportRequest) -> None:
    # Since 1 April: 1.1 was done in March but had a note in May; the rest never changed.
    text = render_text("csv", request_)
    header = next(csv.reader(io.StringIO(text)))
    assert header == [*COLUMNS, "since", "changes"]
    rows = {row["id"]: row for row in read_csv(text)}
    assert set(rows) == {"1.1", "2.1", "2.2", "3.1", "4.1"}
    assert rows["1.1"]["changes"] == "1"
    assert rows["2.1"]["since"] == "2022-04-01"
    assert int(rows["2.1"]["changes"]) >= 2  # progress, due, unit and a note in May


def test_csv_file_starts_with_a_bom(request_: ExportRequest, out: Path) -> None:
    path = export("csv", request_, out / "out.csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == render_text("csv", request_)


# -- json -------------------------------------------------------------------------------------


def test_json_follows_the_cli_schema(request_: ExportRequest) -> None:
    data = json.loads(render_text("json", request_))
    view = request_.view
    assert data["schema"] == 1
    plan = data["plan"]
    assert plan["progress"] == view.progress
    assert plan["status_counts"] == {"not_started": 13, "in_progress": 2, "done": 1, "blocked": 2}
    assert plan["warning_counts"] == {"red": 2, "yellow": 1, "green": 15}
    assert (plan["as_of"], plan["exported_by"], plan["since"]) == (
        "2022-06-01",
        "张科长",
        "2022-04-01",
    )
    task = data["tasks"][1]
    assert (task["done"], task["total"], task["red"]) == (0, 3, 1)
    assert data["tasks"] == [task.as_dict() for task in view.tasks]
    assert data["attention"] == ["2.1", "2.2", "4.1", "3.1"]
    assert data["tasks"][0]["items"][0]["notes"][0]["text"] == FORMULA  # JSON keeps text as is


def test_json_changes_cover_the_window_only(request_: ExportRequest, changed: Engine) -> None:
    data = json.loads(render_text("json", request_))
    changes = data["changes"]
    assert changes, "the May changes are in the window"
    assert all(change["at"] >= "2022-04-01" for change in changes)
    refs = {(change["ref"], change["field"]) for change in changes}
    assert ("2.1", "progress") in refs
    assert ("2.1", "note") in refs
    assert ("1.1", "note") in refs  # the note came in May
    assert ("1.1", "status") not in refs  # done in March, before the window
    assert not any(change["action"] == "import" for change in changes)

    without = json.loads(render_text("json", make_request(changed, since=None)))
    assert "changes" not in without
    assert without["plan"]["since"] is None


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_text_formats_are_byte_identical_on_repeat(request_: ExportRequest, fmt: str) -> None:
    assert render_bytes(fmt, request_) == render_bytes(fmt, request_)
    assert render_text(fmt, request_) == render_text(fmt, request_)


# -- xlsx -------------------------------------------------------------------------------------


def load_xlsx(data: bytes) -> Any:
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def ledger_rows(sheet: Any) -> dict[str, Any]:
    """The 台账's item rows by ID, under its title block and header (row 3)."""
    return {row[0].value: row for row in sheet.iter_rows(min_row=4)}


def row_colour(sheet: Any, row: Any) -> str | None:
    """The fill the 台账's conditional formatting gives `row`, evaluated as Excel would for
    the three rules' simple formulas: done rows plain, then red, then yellow."""
    values = {cell.column_letter: cell.value for cell in row}
    done = values["G"] == "已完成" or (values["H"] or 0) >= 100
    if done:
        return None
    if values["K"] == "红灯" or values["G"] == "受阻":
        return "red"
    if values["K"] == "黄灯":
        return "yellow"
    return None


def test_xlsx_ledger_sheet(zh: None, request_: ExportRequest) -> None:
    workbook = load_xlsx(render_bytes("xlsx", request_))
    assert workbook.sheetnames == ["台账", "汇总", "变动情况"]
    assert workbook.properties.title == "桐庐县2022年主要工作任务推进情况"
    assert workbook.properties.creator == "张科长"
    assert workbook.properties.created == datetime(2022, 6, 1)
    sheet = workbook["台账"]
    # The title block: the plan's name, then the as-of date and the exporter.
    assert sheet["A1"].value == "桐庐县2022年主要工作任务"
    assert sheet["A2"].value == "截至 2022年6月1日\u3000\u3000导出人：张科长"
    assert {str(merged) for merged in sheet.merged_cells.ranges} == {"A1:Q1", "A2:Q2"}
    header = [c.value for c in sheet[3]]
    assert header[:10] == LEDGER_HEADERS_ZH
    assert sheet.freeze_panes == "A4"
    assert sheet.max_row == 3 + len(request_.view.items)
    rows = ledger_rows(sheet)

    row = rows["2.1"]
    values = [c.value for c in row]
    assert values[1] == "（二）持续提升行政决策和制度建设质量"
    assert values[2].startswith("严格落实重大行政决策程序")
    assert values[3:8] == [
        "县司法局",
        datetime(2022, 5, 1),
        "重大行政决策目录化管理实现100%覆盖",
        "进行中",
        30,
    ]
    assert values[8].startswith("已召开部署会\n第二行 | 管道\n— officer 2022-05-20")
    assert row[8].alignment.wrap_text

    # Formula-looking text is a string cell, exactly as typed, with the quote prefix that
    # keeps it text when edited; no cell anywhere is a formula.
    note = rows["1.1"][8]
    assert note.value.startswith(FORMULA + "\n— officer")
    assert note.data_type == "s"
    assert note.quotePrefix
    assert not rows["1.2"][8].quotePrefix
    assert not [c for r in sheet.iter_rows() for c in r if c.data_type == "f"]

    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list"
    # The plan asks for 销号 (the default): 状态 may also say its two words.
    assert validation.formula1 == '"未开始,进行中,已完成,受阻,已完成（待销号）,已销号"'
    assert rows["1.1"][6].value == "已完成（待销号）"
    assert len(validation.formula1) <= 255
    assert str(validation.sqref) == f"G4:G{sheet.max_row}"

    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    assert widths["C"] > widths["B"] > widths["A"]  # 具体事项 widest, 序号 narrow


def test_xlsx_ledger_formats_styles_and_print_setup(zh: None, request_: ExportRequest) -> None:
    """What the 台账 shows besides its values: formats, colours, borders, the typeface, the
    header, heights, printing."""
    sheet = load_xlsx(render_bytes("xlsx", request_))["台账"]
    for heading in sheet[3]:
        assert heading.font.b
        assert heading.fill.fgColor.rgb.endswith("D9E1F2")
        assert heading.alignment.horizontal == "center"
    rows = ledger_rows(sheet)
    cells = [one for row in [sheet[3], *rows.values()] for one in row]
    for one in cells:
        sides = (one.border.left, one.border.right, one.border.top, one.border.bottom)
        assert all(side.style == "thin" for side in sides), one.coordinate
    # One typeface everywhere, the title included.
    assert {one.font.name for one in cells} | {sheet["A1"].font.name} == {"宋体"}
    assert sheet["A1"].font.b
    red = rows["2.1"]
    assert isinstance(red[9].value, datetime)
    assert [red[i].number_format for i in (4, 7, 9)] == ["yyyy-mm-dd", '0"%"', "yyyy-mm-dd hh:mm"]
    # Colours are rules on 状态, 进度 and 预警, not fills: they follow an edit.
    assert all(c.fill.fill_type is None for row in rows.values() for c in row)
    (formatting,) = list(sheet.conditional_formatting)
    assert str(formatting.sqref) == f"A4:Q{sheet.max_row}"
    red_rule, yellow_rule = formatting.rules
    assert red_rule.formula == ['AND($G4<>"已完成",OR($H4="",$H4<100),OR($K4="红灯",$G4="受阻"))']
    assert red_rule.dxf.fill.fgColor.rgb.endswith("FFC7CE")
    assert yellow_rule.formula == ['AND($G4<>"已完成",OR($H4="",$H4<100),$K4="黄灯")']
    assert yellow_rule.dxf.fill.fgColor.rgb.endswith("FFEB9C")
    colours = {ref: row_colour(sheet, row) for ref, row in rows.items()}
    assert (colours["2.1"], colours["2.2"], colours["3.1"], colours["1.2"]) == (
        "red",
        "red",
        "yellow",
        None,
    )
    assert all(c.alignment.vertical == "top" for row in rows.values() for c in row)
    assert red[2].alignment.wrap_text
    assert not red[7].alignment.wrap_text
    # Every row is as tall as its wrapped text: 2.1's note and byline take three lines.
    heights = {row[0].value: sheet.row_dimensions[row[0].row].height for row in rows.values()}
    assert all(height and height >= 18 for height in heights.values())
    assert heights["2.1"] >= 3 * 15 + 3
    widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
    assert all(6 <= width <= 60 for width in widths.values())
    assert widths["C"] == 36  # 具体事项 wraps at its cap
    assert sum(widths.values()) <= 240  # A3 landscape, one page wide, at about 9 pt
    assert sheet.auto_filter.ref == f"A3:Q{sheet.max_row}"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A3)
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_xlsx_ledger_keeps_problems_and_next_steps_out_of_the_latest_note(
    zh: None, changed: Engine
) -> None:
    Ledger(changed, actor="officer").add_note(
        "2.3", "进展情况:已完成初稿\n存在问题:人手不足\n下一步措施:月底报审"
    )
    sheet = load_xlsx(render_bytes("xlsx", make_request(changed)))["台账"]
    row = [cell.value for cell in ledger_rows(sheet)["2.3"]]
    assert row[8].startswith("已完成初稿\n— officer ")
    assert "人手不足" not in row[8]
    assert "月底报审" not in row[8]
    assert row[13:15] == ["人手不足", "月底报审"]


def test_xlsx_summary_sheet_with_chart(zh: None, request_: ExportRequest) -> None:
    workbook = load_xlsx(render_bytes("xlsx", request_))
    sheet = workbook["汇总"]
    assert sheet["A1"].value == "桐庐县2022年主要工作任务"
    header = [c.value for c in sheet[3]][:11]
    assert header == [
        "工作任务",
        "进度",
        "完成",
        "事项数",
        "红灯",
        "黄灯",
        "绿灯",
        "未开始",
        "进行中",
        "已完成",
        "受阻",
    ]
    rows = [[c.value for c in row][:11] for row in sheet.iter_rows(min_row=4)]
    view = request_.view
    tasks, total = rows[: len(view.tasks)], rows[len(view.tasks)]
    # (二): 2.1 red, in progress; 2.2 red (blocked); 2.3 untouched.
    assert tasks[1] == ["（二）持续提升行政决策和制度建设质量", 10.0, 0, 3, 1, 0, 2, 1, 1, 0, 1]
    assert total[:4] == ["合计", view.progress, 1, 18]
    assert total[4:11] == [2, 1, 15, 13, 2, 1, 2]
    # The 合计 row in the table's own typeface, in bold.
    total_cells = next(iter(sheet.iter_rows(min_row=4 + len(view.tasks))))
    assert {c.font.name for c in total_cells if c.value is not None} == {"宋体"}
    # Then the same per lead unit, past a blank row: 县司法局 leads 2.1, the rest none.
    units = rows[len(view.tasks) + 2 :]
    assert units[0][0] == "责任单位"
    assert [unit[0] for unit in units[1:]] == ["县司法局", "（未指定责任单位）"]
    assert units[1][1:6] == [30.0, 0, 1, 1, 0]
    assert sum(unit[3] for unit in units[1:]) == 18
    assert len(sheet._charts) == 1


def test_xlsx_changes_sheet_lists_the_window(zh: None, request_: ExportRequest) -> None:
    workbook = load_xlsx(render_bytes("xlsx", request_))
    rows = [[c.value for c in row] for row in workbook["变动情况"].iter_rows()]
    assert rows[0] == ["时间", "操作人", "编号", "操作", "变更"]
    changes = [(row[2], row[4]) for row in rows[1:]]
    assert ("2.1", "进度 0 → 30") in changes
    assert ("1.1", "状态 未开始 → 已完成") not in changes  # before the window
    assert all(row[0] >= "2022-04-01" for row in rows[1:])

    without = load_xlsx(render_bytes("xlsx", replace(request_, changes=None, since=None)))
    assert without.sheetnames == ["台账", "汇总"]


def test_xlsx_headers_follow_the_language(request_: ExportRequest) -> None:
    sheet = load_xlsx(render_bytes("xlsx", request_)).worksheets[0]
    assert sheet["A2"].value == "As of 2022-06-01\u3000\u3000Exported by 张科长"
    header = [c.value for c in sheet[3]][:10]
    assert header == [
        "No.",
        "Task",
        "Item",
        "Lead unit",
        "Due",
        "Target",
        "Status",
        "Progress",
        "Latest note",
        "Updated",
    ]
    assert sheet.oddFooter.center.text == "Page &P of &N"


def test_a_filtered_xlsx_says_so_and_counts_what_it_shows(
    zh: None, request_: ExportRequest
) -> None:
    workbook = load_xlsx(render_bytes("xlsx", filtered(request_, ItemFilter(tasks=frozenset({2})))))
    ledger = workbook["台账"]
    assert ledger["A2"].value.endswith("\u3000\u3000筛选：任务（二）")
    assert list(ledger_rows(ledger)) == ["2.1", "2.2", "2.3"]
    summary = [[c.value for c in row] for row in workbook["汇总"].iter_rows(min_row=4)]
    assert summary[0][:4] == ["（二）持续提升行政决策和制度建设质量", 10.0, 0, 3]
    assert summary[1][:6] == ["合计", 10.0, 0, 3, 1, 0]
    assert workbook["汇总"]["A2"].value.endswith("筛选：任务（二）")


def test_a_note_too_long_for_excel_is_cut_with_a_marker(
    zh: None, changed: Engine, out: Path
) -> None:
    Ledger(changed, actor="officer").add_note("5.2", "长" * 40_000)
    request = make_request(changed)
    target = export("xlsx", request, out / "out.xlsx")
    note = ledger_rows(load_xlsx(target.read_bytes())["台账"])["5.2"][8].value
    assert len(note) == 32_767
    assert note.startswith("长" * 30_000)
    body, byline = note.rsplit("\n", 1)
    assert body.endswith("长……〔此格截断：全文共 40000 字，见台账系统或其他格式的导出〕")
    assert byline.startswith("— officer ")
    # the other formats carry the note whole
    assert "长" * 40_000 in render_text("md", request)
    assert "长" * 40_000 in render_text("csv", request)


def test_office_files_are_stable_on_repeat(request_: ExportRequest) -> None:
    for fmt in ("xlsx", "docx"):
        data = render_bytes(fmt, request_)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert {info.date_time for info in archive.infolist()} == {(2022, 6, 1, 0, 0, 0)}
        assert render_bytes(fmt, request_) == data


# -- 销号 and the next milestone, in every format ---------------------------------------------


def all_cells(workbook: Any) -> list[str]:
    """Every text in a workbook: its cells, on every sheet, and its drop-down lists."""
    texts = [
        str(one.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for one in row
        if one.value is not None
    ]
    for sheet in workbook.worksheets:
        texts += [rule.formula1 or "" for rule in sheet.data_validations.dataValidation]
    return texts


def docx_text(data: bytes) -> str:
    document = load_docx(data)
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_every_format_tells_signed_off_from_awaiting_sign_off(zh: None, changed: Engine) -> None:
    # 1.1 was done in March and waits for the office; 2.3 is done and signed off.
    Ledger(changed, actor="officer").update(["2.3"], status="done")
    Ledger(changed, actor="officer").sign_off(["2.3"])
    request = make_request(changed, since=None)

    markdown = render_text("md", request)
    status = {
        line.split(" | ")[0][2:]: line.split(" | ")[2]
        for line in markdown.splitlines()
        if line.startswith(("| 1.1 |", "| 2.1 |", "| 2.3 |"))
    }
    assert status == {"1.1": "已完成（待销号）", "2.1": "进行中", "2.3": "已销号"}
    assert "已完成 2 个（其中待销号 1 个，已销号 1 个）" in markdown

    rows = {row["编号"]: row for row in read_csv(render_text("csv", request))}
    assert (rows["1.1"]["销号"], rows["1.1"]["销号人"]) == ("已完成（待销号）", "")
    assert (rows["2.3"]["销号"], rows["2.3"]["销号人"]) == ("已销号", "officer")
    assert rows["2.3"]["销号时间"].startswith("20")
    assert rows["2.1"]["销号"] == ""

    workbook = load_xlsx(render_bytes("xlsx", request))
    ledger = ledger_rows(workbook["台账"])
    assert (ledger["1.1"][6].value, ledger["2.3"][6].value) == ("已完成（待销号）", "已销号")
    assert ledger["2.1"][6].value == "进行中"
    # Done rows stay plain whichever word 状态 says.
    assert row_colour(workbook["台账"], ledger["1.1"]) is None
    summary = workbook["汇总"]
    header = [c.value for c in summary[3]][:13]
    assert header[9:13] == ["已完成", "受阻", "已完成（待销号）", "已销号"]
    tasks = len(request.view.tasks)
    total = [c.value for c in summary[4 + tasks]][:13]
    assert total[0] == "合计"
    assert (total[9], total[11], total[12]) == (2, 1, 1)

    items = {
        item["id"]: item
        for task in json.loads(render_text("json", request))["tasks"]
        for item in task["items"]
    }
    assert (items["1.1"]["signoff"], items["1.1"]["signoff_label"]) == (
        "awaiting",
        "已完成（待销号）",
    )
    assert (items["2.3"]["signoff"], items["2.3"]["signed_off_by"]) == ("signed_off", "officer")
    assert items["2.3"]["signed_off_at"] == rows["2.3"]["销号时间"]

    word = docx_text(render_bytes("docx", request))
    assert "已完成（待销号）" in word
    assert "已销号" in word


def test_an_english_csv_gives_the_sign_off_codes(changed: Engine) -> None:
    Ledger(changed, actor="officer").update(["2.3"], status="done")
    Ledger(changed, actor="officer").sign_off(["2.3"])
    rows = {row["id"]: row for row in read_csv(render_text("csv", make_request(changed)))}
    assert (rows["1.1"]["signoff"], rows["2.3"]["signoff"]) == ("awaiting", "signed_off")
    assert (rows["1.1"]["status_label"], rows["2.3"]["status_label"]) == ("done", "done")
    sheet = load_xlsx(render_bytes("xlsx", make_request(changed)))["Ledger"]
    shown = ledger_rows(sheet)
    assert (shown["1.1"][6].value, shown["2.3"][6].value) == ("done (to sign off)", "signed off")


def test_no_sign_off_word_where_the_plan_asks_for_none(zh: None, changed: Engine) -> None:
    office = Ledger(changed, actor="officer")
    office.update(["2.3"], status="done")
    office.set_plan("tonglu-2022", signoff=False)
    request = make_request(changed)
    texts = {
        "md": render_text("md", request),
        "csv": render_text("csv", request),
        "xlsx": "\n".join(all_cells(load_xlsx(render_bytes("xlsx", request)))),
        "docx": docx_text(render_bytes("docx", request)),
    }
    for fmt, text in texts.items():
        assert "待销号" not in text, fmt
        assert "已销号" not in text, fmt
    # The CSV keeps its columns, empty: a script reads the same header either way.
    rows = {row["编号"]: row for row in read_csv(texts["csv"])}
    assert (rows["1.1"]["状态"], rows["1.1"]["销号"], rows["2.3"]["销号"]) == ("已完成", "", "")
    ledger = ledger_rows(load_xlsx(render_bytes("xlsx", request))["台账"])
    assert (ledger["1.1"][6].value, ledger["2.3"][6].value) == ("已完成", "已完成")
    assert "已完成 2 个、受阻" in texts["md"]
    data = json.loads(render_text("json", request))
    assert data["plan"]["signoff"] is False
    assert {item["signoff"] for task in data["tasks"] for item in task["items"]} == {None}


def test_the_next_milestone_reads_the_same_in_the_csv_the_ledger_and_the_json(
    zh: None, changed: Engine
) -> None:
    office = Ledger(changed, actor="officer")
    office.add_milestone("2.3", "2022-05-15", progress=20)  # passed by the as-of day
    office.add_milestone("2.3", "2022-09-30", progress=60)
    office.add_milestone("5.1", "2022-06-30", text="6月底前完成方案")
    request = make_request(changed, since=None)
    header = next(csv.reader(io.StringIO(render_text("csv", request))))
    assert header[header.index("目标") + 1] == "下一节点"
    rows = {row["编号"]: row for row in read_csv(render_text("csv", request))}
    ledger = ledger_rows(load_xlsx(render_bytes("xlsx", request))["台账"])
    items = {
        item["id"]: item
        for task in json.loads(render_text("json", request))["tasks"]
        for item in task["items"]
    }
    expected = {"2.3": "2022-09-30 60%", "5.1": "2022-06-30 6月底前完成方案", "2.1": None}
    for ref, label in expected.items():
        assert (rows[ref]["下一节点"] or None) == label, ref
        assert ledger[ref][15].value == label, ref
    assert items["2.3"]["next_milestone"] == {"due": "2022-09-30", "progress": 60, "text": None}
    assert items["5.1"]["next_milestone"]["text"] == "6月底前完成方案"


# -- docx -------------------------------------------------------------------------------------


def load_docx(data: bytes) -> Any:
    from docx import Document

    return Document(io.BytesIO(data))


# The Word report's layout, tables and signature: tests/test_docx_report.py.


def test_docx_without_since_has_three_sections(changed: Engine) -> None:
    document = load_docx(render_bytes("docx", make_request(changed, since=None)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["1. Overall progress", "2. Progress by task", "3. Needs attention"]


# -- errors and files -------------------------------------------------------------------------


def test_unknown_format_is_refused_everywhere(request_: ExportRequest, out: Path) -> None:
    for call in (
        lambda: render_text("pdf", request_),
        lambda: render_bytes("pdf", request_),
        lambda: export("pdf", request_, out / "x.pdf"),
        lambda: default_filename("pdf", request_.view),
    ):
        with pytest.raises(DomainError) as caught:
            call()
        assert caught.value.key == "export.unknown_format"
        assert str(caught.value) == (
            "Unknown export format pdf: valid formats are md, csv, json, xlsx, docx."
        )
    with pytest.raises(DomainError, match="valid formats are md, csv, json"):
        render_text("xlsx", request_)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_writes_the_file_and_nothing_else(
    request_: ExportRequest, out: Path, fmt: str
) -> None:
    target = out / default_filename(fmt, request_.view)
    assert export(fmt, request_, target) == target
    assert target.read_bytes() == render_bytes(fmt, request_)
    assert list(out.iterdir()) == [target]


def test_missing_directory(request_: ExportRequest, out: Path) -> None:
    with pytest.raises(DomainError) as caught:
        export("md", request_, out / "nowhere" / "out.md")
    assert caught.value.key == "export.missing_dir"
    assert str(out / "nowhere") in str(caught.value)
    assert list(out.iterdir()) == []


def test_unwritable_directory(request_: ExportRequest, out: Path) -> None:
    """A directory nobody can write into, root included (CI runs as root): a regular file
    where the directory should be. The export is refused, naming it; the file is untouched."""
    taken = out / "notes.txt"
    taken.write_bytes(b"an officer's notes\n")
    with pytest.raises(DomainError) as caught:
        export("xlsx", request_, taken / "out.xlsx")
    assert caught.value.key == "export.missing_dir"
    assert str(taken) in str(caught.value)
    assert taken.read_bytes() == b"an officer's notes\n"
    assert list(out.iterdir()) == [taken]


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0,
    reason="root writes into a 0o500 directory; test_unwritable_directory covers root",
)
def test_a_directory_without_write_permission(request_: ExportRequest, out: Path) -> None:
    locked = out / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(DomainError) as caught:
            export("xlsx", request_, locked / "out.xlsx")
        assert caught.value.key == "export.write_failed"
        assert str(locked / "out.xlsx") in str(caught.value)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_a_refused_temporary_file_is_a_clear_error(
    request_: ExportRequest, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unwritable-directory path, also where root can write anywhere."""

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(DomainError) as caught:
        export("docx", request_, out / "report.docx")
    assert caught.value.key == "export.write_failed"
    assert str(caught.value) == f"Cannot write {out / 'report.docx'}: Permission denied"
    assert list(out.iterdir()) == []


def test_a_directory_in_the_way(request_: ExportRequest, out: Path) -> None:
    (out / "out.md").mkdir()
    with pytest.raises(DomainError) as caught:
        export("md", request_, out / "out.md")
    assert caught.value.key == "export.write_failed"
    assert [p.name for p in out.iterdir()] == ["out.md"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(
    request_: ExportRequest, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = out / "out.json"
    target.write_text("old", encoding="utf-8")

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(DomainError, match="No space left on device"):
        export("json", request_, target)
    assert target.read_text(encoding="utf-8") == "old"
    assert list(out.iterdir()) == [target]


# -- LibreOffice ------------------------------------------------------------------------------


@pytest.mark.slow
def test_libreoffice_opens_and_prints_both_office_files(
    zh: None, request_: ExportRequest, tmp_path: Path
) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("LAWTASKS_REQUIRE_EXTERNAL") == "1":
            pytest.fail("LAWTASKS_REQUIRE_EXTERNAL=1 but LibreOffice (soffice) is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    report = export("docx", request_, tmp_path / "report.docx")
    ledger = export("xlsx", request_, tmp_path / "ledger.xlsx")
    out = tmp_path / "pdf"
    out.mkdir()
    profile = (tmp_path / "lo-profile").as_uri()
    # Both files in one run: LibreOffice's start-up is most of the time.
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(report),
            str(ledger),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in ("report.pdf", "ledger.pdf"):
        pdf = out / name
        assert pdf.is_file(), result.stdout + result.stderr
        assert pdf.stat().st_size > 1000
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", str(pdf), "-"],
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            ).stdout
            # pdftotext may set spaces between CJK and Latin runs; compare without them
            assert "持续提升行政决策和制度建设质量" in text.replace(" ", "")


# -- filtered reports (issue 16) ----------------------------------------------------------------


def filtered(request: ExportRequest, item_filter: ItemFilter) -> ExportRequest:
    """The request `export --task/--status` makes: the view narrowed, the filter named."""
    return replace(request, view=filter_plan(request.view, item_filter), item_filter=item_filter)


def test_the_filter_statement_names_tasks_and_statuses(zh: None, request_: ExportRequest) -> None:
    assert filter_statement(request_) is None
    assert filter_statement(replace(request_, item_filter=ItemFilter())) is None
    both = ItemFilter(
        tasks=frozenset({2, 1}), statuses=frozenset({Status.BLOCKED, Status.NOT_STARTED})
    )
    assert (
        filter_statement(filtered(request_, both)) == "筛选：任务（一）、（二）；状态 未开始、受阻"
    )
    i18n.set_language("en")
    assert filter_statement(filtered(request_, both)) == (
        "Filtered: task （一）, （二）; status not started, blocked"
    )


def test_a_filtered_markdown_counts_what_it_shows(zh: None, request_: ExportRequest) -> None:
    # Task 2 holds 2.1 (red) and 2.2 (blocked); the plan also has 4.1, red and blocked.
    text = render_text("md", filtered(request_, ItemFilter(tasks=frozenset({2}))))
    assert "**筛选：任务（二）**" in text
    overall = text[text.index("## 一、总体进展") : text.index("## 二、分项进展")]
    assert "共 3 个事项" in overall
    assert "红灯 1 个" in overall
    assert "受阻 1 个" in overall
    attention = text[text.index("## 三、需关注事项") : text.index("## 四、本期变动")]
    assert "- 2.1 " in attention
    assert "- 2.2 " in attention
    assert "4.1" not in attention
    # By status: the task line counts the items listed under it, not the whole task.
    blocked = render_text(
        "md", filtered(request_, ItemFilter(statuses=frozenset({Status.BLOCKED})))
    )
    assert "共 2 个事项" in blocked
    assert "筛选：状态 受阻" in blocked
    assert "已完成 [0/1]" in blocked
    assert "筛选" not in render_text("md", request_)


# -- the format from -o's suffix ---------------------------------------------------------------


@pytest.fixture
def seeded(db_path: Path) -> str:
    url = f"sqlite:///{db_path}"
    engine = make_engine(url)
    seed(engine, actor="seeder")
    engine.dispose()
    return url


def _export(url: str, *args: str) -> Any:
    from typer.testing import CliRunner

    from lawtasks.cli import app

    return CliRunner().invoke(app, ["--db", url, "--today", TODAY.isoformat(), "export", *args])


def test_without_f_the_suffix_of_o_says_the_format(seeded: str, out: Path) -> None:
    from docx import Document
    from openpyxl import load_workbook

    for name in ("台账.xlsx", "报告.docx", "报告.md", "台账.csv", "数据.json", "报告.MARKDOWN"):
        result = _export(seeded, "-o", str(out / name))
        assert result.exit_code == 0, (name, result.stderr)
    assert load_workbook(out / "台账.xlsx").worksheets[0].title == "Ledger"
    assert Document(str(out / "报告.docx")).core_properties.subject == "tonglu-2022"
    assert (out / "报告.md").read_text(encoding="utf-8").startswith("# ")
    assert (out / "报告.MARKDOWN").read_bytes() == (out / "报告.md").read_bytes()
    rows = list(csv.reader(io.StringIO((out / "台账.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][:2] == ["id", "task"]
    assert json.loads((out / "数据.json").read_text(encoding="utf-8"))["schema"] == 1


def test_f_and_a_suffix_of_another_format_are_refused_naming_both(seeded: str, out: Path) -> None:
    result = _export(seeded, "-f", "md", "-o", str(out / "x.docx"))
    assert result.exit_code != 0
    (line,) = result.stderr.strip().splitlines()
    assert "x.docx" in line
    assert ".docx" in line
    assert "-f md" in line
    assert list(out.iterdir()) == []
    # The same format in either case is no disagreement.
    assert _export(seeded, "-f", "xlsx", "-o", str(out / "y.XLSX")).exit_code == 0


def test_an_unknown_suffix_is_refused_naming_the_valid_ones(seeded: str, out: Path) -> None:
    for args in (["-o", str(out / "x.pdf")], ["-f", "docx", "-o", str(out / "x.pdf")]):
        result = _export(seeded, *args)
        assert result.exit_code != 0
        (line,) = result.stderr.strip().splitlines()
        assert ".pdf" in line
        assert all(suffix in line for suffix in (".md", ".csv", ".json", ".xlsx", ".docx"))
    assert list(out.iterdir()) == []


def test_no_format_and_no_suffix_asks_for_f(seeded: str, out: Path) -> None:
    for args in ([], ["-o", str(out)], ["-o", str(out / "报告")]):
        result = _export(seeded, *args)
        assert result.exit_code != 0
        assert "-f" in result.stderr
        assert "Traceback" not in result.stderr
    assert list(out.iterdir()) == []
    # A directory with -f writes the default name inside it, as before.
    assert _export(seeded, "-f", "xlsx", "-o", str(out)).exit_code == 0
    assert [path.suffix for path in out.iterdir()] == [".xlsx"]


# -- evidence (佐证材料) -----------------------------------------------------------------------


def test_every_format_lists_an_items_evidence(zh: None, changed: Engine, out: Path) -> None:
    from docx import Document
    from openpyxl import load_workbook

    from lawtasks.services.supervision import EvidenceInput

    office = Ledger(changed, actor="office")
    office.attach(
        "2.1",
        [
            EvidenceInput("2.1-会议纪要.pdf", b"m" * 12600),
            EvidenceInput("现场照片.jpg", b"p" * 100),
        ],
    )
    office.attach("3.1", [EvidenceInput(f"材料{n}.pdf", bytes([n])) for n in range(1, 8)])
    request = make_request(changed)
    line = "佐证材料：2.1-会议纪要.pdf（12.3 KB）、现场照片.jpg（100 B）"

    markdown = render_text("md", request)
    assert line in markdown.splitlines()
    assert markdown.count("佐证材料：") == 2  # 2.1 and 3.1; no line for the others

    export("docx", request, out / "r.docx")
    rows = [
        row.cells[0].text for table in Document(str(out / "r.docx")).tables for row in table.rows
    ]
    assert line in rows
    assert sum(text.startswith("佐证材料：") for text in rows) == 2

    export("xlsx", request, out / "r.xlsx")
    sheet = load_workbook(out / "r.xlsx")["台账"]
    header = [cell.value for cell in sheet[3]]
    column = header.index("佐证材料")
    by_id = {row[0].value: row[column].value for row in sheet.iter_rows(min_row=4)}
    assert by_id["2.1"] == "2.1-会议纪要.pdf、现场照片.jpg"
    # A long list names the first five and counts them all.
    assert by_id["3.1"] == "材料1.pdf、材料2.pdf、材料3.pdf、材料4.pdf、材料5.pdf 等 7 份"
    assert by_id["1.1"] is None

    export("csv", request, out / "r.csv")
    table = list(csv.DictReader(io.StringIO((out / "r.csv").read_text(encoding="utf-8-sig"))))
    evidence = {row["编号"]: row["佐证材料"] for row in table}
    assert evidence["2.1"] == "2.1-会议纪要.pdf; 现场照片.jpg"
    assert evidence["3.1"] == "; ".join(f"材料{n}.pdf" for n in range(1, 8))
    assert evidence["1.1"] == ""


def test_the_english_csv_calls_the_column_evidence(changed: Engine) -> None:
    from lawtasks.services.supervision import EvidenceInput

    Ledger(changed, actor="office").attach("2.1", [EvidenceInput("minutes.pdf", b"x")])
    rows = list(csv.DictReader(io.StringIO(render_text("csv", make_request(changed)))))
    assert {row["id"]: row["evidence"] for row in rows}["2.1"] == "minutes.pdf"
    assert "Evidence: minutes.pdf (1 B)" in render_text("md", make_request(changed))


def test_evidence_as_of_a_past_day_is_what_was_attached_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An attachment taken back later is in the report as of the day it stood, and one
    attached later is not; each as-of report equals the one made that day."""
    import lawtasks.services.base
    from lawtasks.services.supervision import EvidenceInput

    from .test_history import SEEDED, Clocked, docx_text, exports, local, xlsx_text

    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    clocked = Clocked(url, make_engine(url), local(SEEDED, 9))
    monkeypatch.setattr(lawtasks.services.base, "utcnow", lambda: clocked.now)
    seed(clocked.engine, actor="seeder")
    office = clocked.ledger("office")
    first, second = date(2022, 4, 10), date(2022, 5, 20)
    out = tmp_path / "out"
    out.mkdir()
    clocked.at(local(first, 10))
    office.attach("2.1", [EvidenceInput("2.1-会议纪要.pdf", b"m" * 2048)])
    made = exports(clocked, out, "--lang", "zh", "--today", first.isoformat())
    clocked.at(local(second, 10))
    office.undo()
    office.attach("2.1", [EvidenceInput("2.1-整改报告.docx", b"r" * 10)])
    later = exports(clocked, out, "--lang", "zh", "--today", second.isoformat())
    again = exports(clocked, out, "--lang", "zh", "--as-of", first.isoformat())

    assert "佐证材料：2.1-会议纪要.pdf（2.0 KB）" in made["md"]
    assert "佐证材料：2.1-整改报告.docx（10 B）" in later["md"]
    assert "会议纪要" not in later["md"]
    assert "会议纪要" in str(xlsx_text(made["xlsx"]))
    assert "会议纪要" in " ".join(docx_text(made["docx"]))
    assert "2.1-会议纪要.pdf" in made["csv"]
    for fmt in ("md", "csv", "json", "xlsx text", "docx text"):
        assert again[fmt] == made[fmt], fmt
    clocked.engine.dispose()
