"""Plans from the files offices hold (lawtasks.sources): the seeded report and a notice built
as .docx (paragraphs, and a table), .html and .pdf import equal to their text; an Excel
任务分解表 with merged task cells, several units in a cell and Chinese deadlines imports with
the right units and due dates; the 台账 lawtasks exports imports back as an equal plan; and
every file that cannot be read is refused in one line naming it, with nothing written.

The files are built here, from the texts in seed/ and tests/fixtures/reports/, with the
libraries offices' files are made by (python-docx, openpyxl, reportlab's PDF canvas with
the CID font STSong-Light, which needs no font file).
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sqlite3
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import docx
import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner, Result

from lawtasks.cli import app
from lawtasks.db import make_engine
from lawtasks.errors import ReportParseError
from lawtasks.parser import ParsedPlan, read_report
from lawtasks.readmodel import load_plan
from lawtasks.sources import parse_columns, read_plan_file, sniff
from lawtasks.sources.pdf import pdf_text

ROOT = Path(__file__).parents[1]
SEED = ROOT / "seed" / "tonglu-2021-report.txt"
NOTICE = ROOT / "tests" / "fixtures" / "reports" / "notice-2022-points.txt"
TEXTS = [pytest.param(SEED, id="seed-report"), pytest.param(NOTICE, id="notice")]
# The Word notice and the Excel 分解表 the README imports (built by write_docx_paragraphs
# and write_breakdown below).
SOURCES = ROOT / "tests" / "fixtures" / "sources"


# -- what a plan is, to compare two ---------------------------------------------------------


def shape(plan: ParsedPlan) -> dict[str, Any]:
    """A plan as the ledger stores it: an item's units are its own or its task's, and an
    item without a deadline is due at the plan's period end (31 December)."""
    end = date(plan.year, 12, 31)
    return {
        "title": plan.title,
        "year": plan.year,
        "tasks": [
            (
                task.numeral,
                task.title,
                [
                    (
                        item.title,
                        item.text,
                        item.lead_unit or task.lead_unit,
                        item.assisting_units or task.assisting_units,
                        item.due or end,
                        item.target,
                    )
                    for item in task.items
                ],
            )
            for task in plan.tasks
        ],
    }


# -- building the files offices hold -------------------------------------------------------


def write_docx_paragraphs(text: str, path: Path) -> Path:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(str(path))
    return path


def write_docx_table(plan: ParsedPlan, path: Path, *, above: list[str]) -> Path:
    """The plan as a notice whose tasks sit in a table: 序号 | 工作任务 | 具体事项 | 牵头单位 |
    配合单位 | 完成时限, each task's cell merged over its items' rows, deadlines written as
    officers write them (6月30日前)."""
    document = docx.Document()
    for line in above:
        document.add_paragraph(line)
    rows = sum(len(task.items) for task in plan.tasks)
    table = document.add_table(rows=rows + 1, cols=6)
    for column, name in enumerate(
        ["序号", "工作任务", "具体事项", "牵头单位", "配合单位", "完成时限"]
    ):
        table.cell(0, column).text = name
    row = 1
    for task in plan.tasks:
        first = row
        for item in task.items:
            due = item.due
            cells = [
                f"{task.seq}.{item.seq}",
                f"{task.numeral}、{task.title}" if row == first else "",
                item.text,
                item.lead_unit or task.lead_unit or "",
                item.assisting_units or task.assisting_units or "",
                f"{due.month}月{due.day}日前" if due else "",
            ]
            for column, value in enumerate(cells):
                table.cell(row, column).text = value
            row += 1
        if row - 1 > first:
            table.cell(first, 1).merge(table.cell(row - 1, 1))
        table.cell(first, 1).text = f"{task.numeral}、{task.title}"
    document.add_paragraph("抄送：县委办、县人大办。")
    document.save(str(path))
    return path


def write_html(text: str, path: Path) -> Path:
    """The text as a government site's page: navigation, scripts, a breadcrumb, a share bar
    and a footer around the article, a paragraph per <p>, wrapped in the page's source."""
    lines = text.splitlines()

    def paragraph(line: str) -> str:
        # The page's source wraps a long paragraph between two Chinese characters.
        if len(line) > 20 and all("\u4e00" <= char <= "\u9fff" for char in line[19:21]):
            return f"<p style='text-indent:2em'>{line[:20]}\n  {line[20:]}</p>"
        return f"<p>{line}</p>"

    body = "\n".join(paragraph(line) for line in lines[1:])
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{lines[0]}_桐庐县人民政府</title>
<script>var tasks = "一、假的任务。（一）不是任务。";</script>
<style>p {{ margin: 0 }}</style></head>
<body>
<div class="top-nav"><a href="/">首页</a> <a>政务公开</a> <a>一、机构概况</a></div>
<nav><ul><li>（一）政府信息公开</li><li>（二）政策解读</li></ul></nav>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 法治政府建设</div>
<div class="article"><h1>{lines[0]}</h1>
{body}
</div>
<div class="share">分享到：微信 微博</div>
<footer><p>版权所有：桐庐县人民政府办公室</p><p>浙ICP备12345678号</p></footer>
<script>document.write("三、2023年工作任务");</script>
</body></html>"""
    path.write_text(page, encoding="utf-8")
    return path


def write_pdf(text: str, path: Path, *, blank: bool = False) -> Path:
    """The text printed on A4 pages, each paragraph wrapped at the page's width, with page
    numbers (- 1 -); `blank` draws a frame and no text, as a scanner leaves a page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font, size, margin = "STSong-Light", 11, 60
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    page = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    if blank:
        page.rect(margin, margin, width - 2 * margin, height - 2 * margin, fill=1)
        page.showPage()
        page.save()
        return path
    y = height - margin

    def draw(line: str) -> None:
        nonlocal y
        page.setFont(font, size)
        page.drawString(margin, y, line)
        y -= size * 1.6
        if y < margin:
            page.drawCentredString(width / 2, 30, f"- {page.getPageNumber()} -")
            page.showPage()
            y = height - margin

    for paragraph in text.splitlines():
        line = ""
        for char in paragraph:
            if pdfmetrics.stringWidth(line + char, font, size) > width - 2 * margin:
                draw(line)
                line = ""
            line += char
        draw(line)
    page.drawCentredString(width / 2, 30, f"- {page.getPageNumber()} -")
    page.save()
    return path


def write_breakdown(path: Path) -> Path:
    """A county's 任务分解表 as offices keep it: a title row merged over the table, a header
    row with a line break in a header, task cells merged over their items' rows, several
    units in one cell, deadlines in words and as Excel dates, a section row, and notes."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "分解表"
    sheet.append(["桐庐县2022年法治政府建设重点任务分解表"])
    sheet.merge_cells("A1:F1")
    sheet.append(["序号", "重点任务", "工作内容", "责任单位", "完成\n时限", "备注"])
    rows = [
        [
            1,
            "深入学习贯彻习近平法治思想",
            "把习近平法治思想纳入县委理论学习中心组学习计划",
            "县委宣传部、县委组织部",
            "6月底前",
            None,
        ],
        [
            2,
            None,
            "开展领导干部述法，实现述法全覆盖",
            "县委组织部（牵头），县司法局",
            "2022年9月30日",
            None,
        ],
        [
            3,
            "健全依法决策机制",
            "严格落实重大行政决策程序，目录化管理实现100%覆盖",
            "县司法局\n县府办；各乡镇（街道、开发区）",
            datetime(2022, 11, 15),
            None,
        ],
        [
            4,
            None,
            "完善行政规范性文件备案审查",
            "牵头单位：县司法局；配合单位：县级各部门",
            "第三季度",
            "长期",
        ],
        [5, None, "推进合法性审查数字化建设，11月中旬组织评估", "县数据局", None, None],
        [6, None, "加强行政复议规范化建设", "县司法局/县法院", "长期坚持", None],
    ]
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("B3:B4")
    sheet.merge_cells("B5:B8")
    sheet.append(["三、强化行政执法监督"])
    sheet.merge_cells("A9:F9")
    sheet.append([7, None, "开展行政执法案卷评查", "县综合行政执法局", "12月31日前", None])
    sheet.append(["注：完成时限为最迟时间。"])
    sheet.merge_cells("A11:F11")
    sheet.append(["填表人：王某某", None, "联系电话：64212345"])
    book.save(str(path))
    return path


# -- the CLI on a ledger of its own ------------------------------------------------------------


def lawtasks(db: Path, *args: str) -> Result:
    return CliRunner().invoke(
        app, ["--db", str(db), "--today", "2022-06-01", *args], prog_name="lawtasks"
    )


def ok(db: Path, *args: str) -> Result:
    result = lawtasks(db, *args)
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result


# -- text documents in every format import equal to their text ----------------------------


@pytest.mark.parametrize("source", TEXTS)
def test_a_docx_of_paragraphs_imports_equal_to_its_text(source: Path, tmp_path: Path) -> None:
    text = source.read_text(encoding="utf-8")
    path = write_docx_paragraphs(text, tmp_path / f"{source.stem}.docx")
    plan = read_plan_file(path)
    assert shape(plan) == shape(read_report(source))
    assert plan.skipped == read_report(source).skipped
    assert plan.source_name == path.name


@pytest.mark.parametrize("source", TEXTS)
def test_a_saved_web_page_imports_equal_to_its_text(source: Path, tmp_path: Path) -> None:
    path = write_html(source.read_text(encoding="utf-8"), tmp_path / f"{source.stem}.html")
    plan = read_plan_file(path)
    expected = read_report(source)
    assert shape(plan) == shape(expected)
    # A browser shows a run of spaces as one, and so does the page's text.
    assert [(" ".join(line.text.split()), line.reason) for line in plan.skipped] == [
        (" ".join(line.text.split()), line.reason) for line in expected.skipped
    ]
    # The page's navigation, scripts and footer are nowhere in the plan.
    everything = json.dumps(shape(plan), ensure_ascii=False, default=str)
    for noise in ("假的任务", "政策解读", "2023年工作任务", "分享到", "ICP"):
        assert noise not in everything


@pytest.mark.parametrize("source", TEXTS)
def test_a_pdf_with_a_text_layer_imports_equal_to_its_text(source: Path, tmp_path: Path) -> None:
    path = write_pdf(source.read_text(encoding="utf-8"), tmp_path / f"{source.stem}.pdf")
    plan = read_plan_file(path)
    expected = read_report(source)
    assert shape(plan) == shape(expected)
    assert plan.skipped == expected.skipped


def test_a_pdf_paragraph_is_joined_over_its_lines_and_pages_but_not_into_the_next_point() -> None:
    full = "全" * 38
    first = "（一）加强" + "全" * 33  # as wide as the others
    pages = [
        f"三、2022年主要工作任务\n{first}\n{full}\n结束。\n- 1 -",
        f"{full}\n继续写完。\n（二）下一个任务。\n{full}\n- 2 -",
        f"（三）第三个任务\n牵头单位：县司法局\n{full}",
    ]
    assert pdf_text(pages).splitlines() == [
        "三、2022年主要工作任务",
        f"{first}{full}结束。",
        f"{full}继续写完。",
        "（二）下一个任务。",
        full,
        "（三）第三个任务",
        "牵头单位：县司法局",
        full,
    ]


@pytest.mark.parametrize("source", TEXTS)
def test_a_notice_whose_tasks_sit_in_a_table_imports_from_the_table(
    source: Path, tmp_path: Path
) -> None:
    expected = read_report(source)
    above = [expected.title, "各乡镇（街道）、县级各部门：", "现将工作任务印发给你们。"]
    path = write_docx_table(expected, tmp_path / "通知.docx", above=above)
    plan = read_plan_file(path)
    assert shape(plan) == shape(expected)
    reasons = [(line.text, line.reason) for line in plan.skipped]
    assert reasons == [
        ("各乡镇（街道）、县级各部门：", "notice_preamble"),
        ("现将工作任务印发给你们。", "notice_preamble"),
        ("抄送：县委办、县人大办。", "cc"),
    ]


def test_the_file_kind_comes_from_the_content_not_the_name(tmp_path: Path) -> None:
    text = NOTICE.read_text(encoding="utf-8")
    disguised = write_docx_paragraphs(text, tmp_path / "通知.txt")
    page = write_html(text, tmp_path / "page.txt")
    printed = write_pdf(text, tmp_path / "scan.doc")
    expected = shape(read_report(NOTICE))
    for path, kind in ((disguised, "docx"), (page, "html"), (printed, "pdf")):
        assert sniff(path, path.read_bytes()[:2048]) == kind
        assert shape(read_plan_file(path)) == expected
    gbk = tmp_path / "plan.dat"
    gbk.write_bytes(text.encode("gb18030"))
    assert shape(read_plan_file(gbk)) == expected


# -- tables: the 任务分解表 and the 台账 ----------------------------------------------------------


def test_a_breakdown_sheet_imports_with_its_units_and_deadlines(tmp_path: Path) -> None:
    plan = read_plan_file(write_breakdown(tmp_path / "分解表.xlsx"))
    assert (plan.title, plan.year) == ("桐庐县2022年法治政府建设重点任务分解表", 2022)
    assert [(task.numeral, task.title) for task in plan.tasks] == [
        ("一", "深入学习贯彻习近平法治思想"),
        ("二", "健全依法决策机制"),
        ("三", "强化行政执法监督"),
    ]
    items = {
        item.text: (item.lead_unit, item.assisting_units, item.due)
        for task in plan.tasks
        for item in task.items
    }
    assert items == {
        # Several units in one cell: the first leads, the others assist.
        "把习近平法治思想纳入县委理论学习中心组学习计划": (
            "县委宣传部",
            "县委组织部",
            date(2022, 6, 30),
        ),
        # A unit marked （牵头） leads wherever it stands.
        "开展领导干部述法，实现述法全覆盖": ("县委组织部", "县司法局", date(2022, 9, 30)),
        # An Excel date; units on several lines, a bracket holding a separator.
        "严格落实重大行政决策程序，目录化管理实现100%覆盖": (
            "县司法局",
            "县府办、各乡镇（街道、开发区）",
            date(2022, 11, 15),
        ),
        "完善行政规范性文件备案审查": ("县司法局", "县级各部门", date(2022, 9, 30)),
        # No 完成时限: the deadline the text names.
        "推进合法性审查数字化建设，11月中旬组织评估": ("县数据局", None, date(2022, 11, 20)),
        # 长期坚持 is no date: the plan's period end.
        "加强行政复议规范化建设": ("县司法局", "县法院", None),
        # 12月31日前 is the plan's period end too.
        "开展行政执法案卷评查": ("县综合行政执法局", None, None),
    }
    # The task cell merged over its items' rows gave every row its task.
    assert [len(task.items) for task in plan.tasks] == [2, 4, 1]
    assert [line.reason for line in plan.skipped] == ["notice_preamble", "contact"]
    assert plan.skipped[0].text == "注：完成时限为最迟时间。"


def test_unusual_headers_are_mapped_with_columns(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["2023年度依法行政工作安排"])
    sheet.append(["No", "要做的事", "谁来做", "啥时候"])
    sheet.append([1, "开展行政执法案卷评查", "县司法局、县府办", "6月底前"])
    path = tmp_path / "安排.xlsx"
    book.save(str(path))
    with pytest.raises(ReportParseError) as refused:
        read_plan_file(path)
    message = str(refused.value)
    assert "安排.xlsx" in message
    assert "要做的事, 谁来做, 啥时候" in message  # the headers found, as an English list
    assert "具体事项/工作内容/任务内容" in message  # the names looked for
    assert "--columns" in message
    mapping = parse_columns("具体事项=要做的事，责任单位=谁来做,due=啥时候")
    plan = read_plan_file(path, columns=mapping)
    item = plan.tasks[0].items[0]
    assert (plan.year, item.text, item.lead_unit, item.assisting_units, item.due) == (
        2023, "开展行政执法案卷评查", "县司法局", "县府办", date(2023, 6, 30)
    )  # fmt: skip
    with pytest.raises(ReportParseError, match="没人叫这个名字"):
        read_plan_file(path, columns=parse_columns("具体事项=没人叫这个名字"))
    for wrong in ("具体事项", "颜色=要做的事", ""):
        with pytest.raises(ReportParseError, match="NAME=HEADER"):
            parse_columns(wrong)


@pytest.mark.parametrize("source", TEXTS)
def test_an_exported_ledger_imports_back_as_an_equal_plan(source: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    if source == SEED:  # a new ledger holds the seeded plan already
        ok(first, "plans", "use", "tonglu-2022")
        original_slug = "tonglu-2022"
    else:
        ok(first, "import", str(source), "--slug", "original")
        original_slug = "original"
    # An officer's own changes are part of the plan the 台账 carries.
    ok(first, "--plan", original_slug, "set", "1.1", "--unit", "县司法局、县府办",
       "--assisting", "各乡镇（街道）", "--due", "8月底前", "--target", "覆盖率100%")  # fmt: skip
    ledger_xlsx = tmp_path / "台账.xlsx"
    ok(first, "--plan", original_slug, "export", "-f", "xlsx", "-o", str(ledger_xlsx))
    if source == SEED:
        # A new ledger holds the seeded plan: its 台账 is a copy of it, refused as such…
        assert (
            "already in the ledger as plan tonglu-2022"
            in lawtasks(second, "import", str(ledger_xlsx)).stderr
        )
        # …until it is removed (to import the office's own copy, with its changes).
        ok(second, "import", str(NOTICE), "--slug", "other")
        ok(second, "plans", "use", "other")
        ok(second, "plans", "remove", "tonglu-2022", "--yes")
    ok(second, "import", str(ledger_xlsx), "--slug", "copy")

    def plan(db: Path, slug: str) -> list[Any]:
        engine = make_engine(f"sqlite:///{db}")
        view = load_plan(engine, slug=slug, today=date(2022, 6, 1))
        engine.dispose()
        # An item due on 31 December (年底前) and one due at the plan's end are the same
        # row in a 台账: both come back due at the plan's end, on the same day.
        return [
            (task.numeral, task.title, [
                (item.title, item.text, item.lead_unit, item.assisting_units, item.due,
                 item.due_is_plan_end or item.due == date(view.year, 12, 31), item.target)
                for item in task.items
            ])
            for task in view.tasks
        ]  # fmt: skip

    original = plan(first, original_slug)
    assert original[0][2][0][2:5] == ("县司法局、县府办", "各乡镇（街道）", date(2022, 8, 31))
    assert plan(second, "copy") == original


def test_an_exported_ledger_in_english_imports_back_too(tmp_path: Path) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    ok(first, "import", str(NOTICE), "--slug", "original")
    path = tmp_path / "ledger.xlsx"
    ok(first, "--lang", "en", "--plan", "original", "export", "-f", "xlsx", "-o", str(path))
    plan = read_plan_file(path)
    assert (plan.title, plan.year) == ("桐庐县2022年法治政府建设工作要点", 2022)
    assert shape(plan)["tasks"] == shape(read_report(NOTICE))["tasks"]
    ok(second, "import", str(path))


# -- the import command ------------------------------------------------------------------------


def test_dry_run_prints_the_tree_and_the_skipped_lines_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    path = write_docx_paragraphs(NOTICE.read_text(encoding="utf-8"), tmp_path / "通知.docx")
    ok(db, "plans")  # the ledger exists, seeded
    # Its journal folded in, so that no later close of a connection changes the file.
    gc.collect()
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    files = sorted(path.name for path in tmp_path.iterdir())
    before = db.read_bytes()
    out = ok(db, "import", str(path), "--dry-run").stdout
    assert db.read_bytes() == before
    assert "Preview (--dry-run): nothing is written." in out
    assert "plan-2022 (桐庐县2022年法治政府建设工作要点, 2022): 4 tasks, 10 items" in out
    assert "1 （二）深入学习贯彻习近平法治思想" in out
    assert "  1.1 把习近平法治思想纳入县委理论学习中心组年度学习计划" in out
    assert "Lead unit: 县委宣传部 · Assisting units: 各乡镇（街道） · Due: 2022-06-30" in out
    assert (
        "Skipped 8 lines: the notice's own text, issuing office, date of issue, disclosure note,"
        " copied to, contact"
    ) in out
    assert "  skipped (contact): 联系人：王某某；联系电话：0571-64212345" in out
    data = json.loads(ok(db, "import", str(path), "--dry-run", "-f", "json").stdout)
    assert db.read_bytes() == before
    assert data["dry_run"] is True
    assert [len(task["items"]) for task in data["tasks"]] == [2, 3, 3, 2]
    assert data["tasks"][0]["items"][0]["lead_unit"] == "县委宣传部"
    assert data["tasks"][2]["items"][2]["due_is_plan_end"] is True
    assert {line["reason"] for line in data["skipped"]} >= {"cc", "contact", "issuer"}
    assert sorted(path.name for path in tmp_path.iterdir()) == files
    # A dry run on a ledger that does not exist leaves it so.
    ok(tmp_path / "none.db", "import", str(path), "--dry-run")
    assert not (tmp_path / "none.db").exists()


def test_import_says_what_it_skipped_and_lists_it_with_verbose(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    out = ok(db, "--lang", "zh", "import", str(NOTICE)).stdout
    assert "跳过 8 行：通知正文、印发机关、印发日期、公开方式、抄送、联系人" in out
    assert "跳过（抄送）" not in out
    breakdown = str(write_breakdown(tmp_path / "表.xlsx"))
    out = ok(db, "--lang", "zh", "import", breakdown, "--slug", "breakdown", "-v").stdout
    assert "跳过（联系人）：填表人：王某某 联系电话：64212345" in out
    data = json.loads(ok(tmp_path / "other.db", "import", str(NOTICE), "-f", "json").stdout)
    assert len(data["skipped"]) == 8


# -- what cannot be read is refused in one line, and nothing is written -----------------------


def rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a SQLite ledger."""
    with sqlite3.connect(db) as connection:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]  # fmt: skip
        return {name: connection.execute(f'SELECT * FROM "{name}"').fetchall() for name in tables}


def refused(tmp_path: Path, path: Path, *args: str) -> str:
    db = tmp_path / "ledger.db"
    ok(db, "plans")
    before = rows(db)
    result = lawtasks(db, "import", str(path), *args)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert rows(db) == before
    return result.stderr


def test_a_scanned_pdf_is_refused_saying_so(tmp_path: Path) -> None:
    message = refused(tmp_path, write_pdf("", tmp_path / "扫描件.pdf", blank=True))
    assert "扫描件.pdf is a scanned PDF (it has no text layer)" in message


def test_a_sheet_of_another_layout_is_refused_with_the_headers_found(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "电话", "科室"])
    sheet.append(["王某某", "64212345", "法制科"])
    path = tmp_path / "通讯录.xlsx"
    book.save(str(path))
    message = refused(tmp_path, path)
    assert (
        "通讯录.xlsx: no header row lawtasks can read. Headers found: 姓名, 电话, 科室." in message
    )
    assert "Names looked for: 序号, 工作任务/重点任务, 具体事项/工作内容/任务内容" in message


def test_an_old_word_file_without_libreoffice_says_to_save_it_as_docx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("PROGRAMFILES", raising=False)
    monkeypatch.delenv("PROGRAMFILES(X86)", raising=False)
    path = tmp_path / "工作要点.doc"
    # An OLE2 compound file's signature, as every .doc, .wps and .xls starts.
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 1024)
    message = refused(tmp_path, path)
    assert "工作要点.doc is an old Word/WPS/Excel file: save it as .docx" in message
    assert "install LibreOffice" in message


@pytest.mark.slow
def test_an_old_word_file_is_converted_by_libreoffice(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("LAWTASKS_REQUIRE_EXTERNAL"):
            pytest.fail(
                "LAWTASKS_REQUIRE_EXTERNAL is set but LibreOffice (soffice) is not installed"
            )
        pytest.skip("LibreOffice (soffice) is not installed")
    source = write_docx_paragraphs(NOTICE.read_text(encoding="utf-8"), tmp_path / "notice.docx")
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--convert-to", "doc", "--outdir", str(tmp_path / "doc"), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    old = tmp_path / "doc" / "notice.doc"
    assert old.read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    plan = read_plan_file(old)
    assert shape(plan) == shape(read_report(NOTICE))
    assert plan.source_name == "notice.doc"


def test_a_folder_an_empty_file_and_a_binary_one_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "计划"
    folder.mkdir()
    assert "计划 is a folder: give the plan's file itself" in refused(tmp_path, folder)
    empty = tmp_path / "空.docx"
    empty.write_bytes(b"")
    assert "空.docx is empty" in refused(tmp_path, empty)
    binary = tmp_path / "图片.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    assert "Cannot read 图片.png: it is neither text nor a format lawtasks reads" in refused(
        tmp_path, binary
    )
    archive = tmp_path / "材料.zip"
    with zipfile.ZipFile(archive, "w") as written:
        written.writestr("readme.txt", "hello")
    assert "材料.zip is a zip archive but no Word (.docx) or Excel (.xlsx)" in refused(
        tmp_path, archive
    )
    broken = tmp_path / "坏.docx"
    broken.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    assert "坏.docx is damaged" in refused(tmp_path, broken)
    assert "--columns 具体事项 is not understood" in refused(
        tmp_path, NOTICE, "--columns", "具体事项"
    )


@pytest.mark.parametrize("name", ["工作要点通知.docx", "任务分解表.xlsx"])
def test_the_readme_shows_the_dry_run_as_it_is(name: str, tmp_path: Path) -> None:
    path = SOURCES / name
    out = ok(tmp_path / "ledger.db", "import", str(path), "--dry-run").stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"$ lawtasks import {name} --dry-run\n{out}```" in readme
    # The fixtures are what the builders here make.
    built = read_plan_file(
        write_docx_paragraphs(NOTICE.read_text(encoding="utf-8"), tmp_path / name)
        if name.endswith(".docx")
        else write_breakdown(tmp_path / name)
    )
    assert shape(read_plan_file(path)) == shape(built)


def test_a_person_column_is_imported_sealed_and_verified(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["桐庐县2022年法治政府建设任务分解表"])
    sheet.append(["序号", "工作任务", "具体事项", "责任单位", "责任人", "完成时限"])
    sheet.append([1, "深化法治督察", "开展年度法治督察", "县司法局", "王科长", "9月底前"])
    sheet.append([2, "深化法治督察", "通报督察结果", "县司法局", None, None])
    path = tmp_path / "分解表.xlsx"
    book.save(str(path))
    db = tmp_path / "ledger.db"
    ok(db, "init")
    slug = json.loads(ok(db, "import", str(path), "-f", "json").stdout)["plan"]
    first, second = (
        json.loads(ok(db, "--plan", slug, "show", ref, "-f", "json").stdout)["item"]
        for ref in ("1.1", "1.2")
    )
    assert (first["responsible_person"], first["due"]) == ("王科长", "2022-09-30")
    assert second["responsible_person"] is None
    assert "match the trail" in ok(db, "verify").stdout
    # The person as imported is sealed: changed behind the app's back, verify says so.
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE item SET responsible_person = '李某' WHERE responsible_person = '王科长'"
        )
    result = lawtasks(db, "verify")
    assert result.exit_code != 0


# -- what the review of the import found (issue 18) -------------------------------------------


def test_a_day_that_does_not_exist_in_a_deadline_cell_refuses_the_file_naming_the_cell(
    tmp_path: Path,
) -> None:
    path = write_breakdown(tmp_path / "分解表.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(path)
    book["分解表"]["E4"] = "2022-02-30"
    book.save(str(path))
    message = refused(tmp_path, path)
    assert "分解表.xlsx: sheet “分解表”, row 4, column E (完成时限)" in message
    assert "2022-02-30 does not exist: 2/2022 has 28 days" in message
    # In Chinese too, and in a Word table (named by its row and column).
    result = lawtasks(tmp_path / "zh.db", "--lang", "zh", "import", str(path))
    assert result.exit_code == 1
    assert "工作表“分解表”第 4 行 E 列（完成时限）：2022-02-30 这一天不存在" in result.stderr
    plan = read_report(NOTICE)
    above = ["关于印发《桐庐县2022年法治政府建设工作要点》的通知"]
    document = write_docx_table(plan, tmp_path / "通知.docx", above=above)
    word = docx.Document(str(document))
    word.tables[0].cell(2, 5).text = "4月31日前"
    word.save(str(document))
    with pytest.raises(ReportParseError) as caught:
        read_plan_file(document)
    assert caught.value.key == "source.bad_date_table"
    params = caught.value.params
    assert (params["row"], params["column"], params["header"]) == (3, "6", "完成时限")
    assert "4月31日前" in str(params["reason"])


def test_a_deadline_cell_that_is_no_date_is_said_in_the_preview(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    path = write_breakdown(tmp_path / "分解表.xlsx")
    out = ok(db, "import", str(path), "--dry-run").stdout
    # 长期坚持 is no date: the item is due at the plan's end, and the preview says why.
    assert "Deadline “长期坚持” is not a date" in out
    data = json.loads(ok(db, "import", str(path), "--dry-run", "-f", "json").stdout)
    written = {
        item["text"]: item["due_written"] for task in data["tasks"] for item in task["items"]
    }
    assert written["加强行政复议规范化建设"] == "长期坚持"
    assert written["完善行政规范性文件备案审查"] is None  # 第三季度 is a date
    zh = ok(db, "--lang", "zh", "import", str(path), "--dry-run").stdout
    assert "完成时限“长期坚持”不是日期" in zh


def test_a_workbook_is_read_by_its_content_whatever_its_name(tmp_path: Path) -> None:
    built = write_breakdown(tmp_path / "分解表.xlsx")
    renamed = tmp_path / "分解表.xls"
    shutil.copyfile(built, renamed)
    assert shape(read_plan_file(renamed)) == shape(read_plan_file(built))


@pytest.mark.parametrize(
    ("name", "data", "english", "chinese"),
    [
        ("坏.pdf", b"%PDF-1.4\nbroken", "open it in a PDF reader", "请用 PDF 阅读器打开"),
        ("坏.docx", b"PK\x03\x04" + b"\0" * 100, "damaged and cannot be opened", "已损坏"),
    ],
    ids=["pdf", "zip"],
)
def test_a_damaged_file_is_one_line_in_the_interfaces_language(
    tmp_path: Path, name: str, data: bytes, english: str, chinese: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert english in refused(tmp_path, path)
    result = lawtasks(tmp_path / "zh.db", "--lang", "zh", "import", str(path))
    assert result.exit_code == 1
    assert chinese in result.stderr
    # No library's own words: the line is the interface's.
    assert not any(word in result.stderr for word in ("startxref", "EOF", "File is not"))


def test_a_damaged_word_or_excel_file_names_the_program_to_save_it_with(tmp_path: Path) -> None:
    document = tmp_path / "通知.docx"
    with zipfile.ZipFile(document, "w") as written:
        written.writestr("word/document.xml", "<not-xml")
    assert "open it in Word or WPS, save it again as .docx" in refused(tmp_path, document)
    book = tmp_path / "分解表.xls"
    with zipfile.ZipFile(book, "w") as written:
        written.writestr("xl/workbook.xml", "<not-xml")
    message = refused(tmp_path, book)
    assert "open it in Excel or WPS, save it again as .xlsx" in message
    assert "openpyxl" not in message


def test_an_empty_file_is_named_as_given(tmp_path: Path) -> None:
    assert f"File {os.devnull} is empty: there is nothing to import." in refused(
        tmp_path, Path(os.devnull)
    )
    blank = tmp_path / "空白.txt"
    blank.write_text("\n  \n", encoding="utf-8")
    assert f"File {blank} is empty" in refused(tmp_path, blank)


def test_columns_apply_to_tables_only_and_their_names_include_the_roles(tmp_path: Path) -> None:
    message = refused(tmp_path, NOTICE, "--columns", "具体事项=任务内容")
    assert "--columns applies only to tables" in message
    assert "notice-2022-points.txt is read as text" in message
    document = write_docx_paragraphs(NOTICE.read_text(encoding="utf-8"), tmp_path / "通知.docx")
    assert "--columns applies only to tables" in refused(
        tmp_path, document, "--columns", "具体事项=任务内容"
    )
    message = refused(tmp_path, NOTICE, "--columns", "事情=任务内容")
    assert "具体事项 (item)" in message
    assert "完成时限 (due)" in message
    assert parse_columns("due=时间要求") == {"due": "时间要求"}


def test_an_empty_slug_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, NOTICE, "--slug", "")
    assert 'Invalid plan name ""' in message


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("桐庐县二〇二三年法治政府建设重点任务分解表", 2023),
        ("桐庐县２０２３年法治政府建设重点任务分解表", 2023),
        # A year's 总结 plans the year after, as the parser reads a report's title.
        ("桐庐县2022年法治政府建设工作总结及任务表", 2023),
    ],
)
def test_a_sheet_title_names_its_year_as_a_report_title_does(
    title: str, year: int, tmp_path: Path
) -> None:
    path = write_breakdown(tmp_path / "分解表.xlsx")
    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = title
    book.save(path)
    plan = read_plan_file(path)
    assert (plan.title, plan.year) == (title, year)
    # The plan year anchors the deadlines written without one (6月底前).
    first = plan.tasks[0].items[0]
    assert first.due == date(year, 6, 30)


@pytest.mark.parametrize("name", ["缺失.docx", "缺失.txt", "缺失.xlsx"])
def test_a_missing_file_is_said_in_the_interfaces_language(tmp_path: Path, name: str) -> None:
    result = lawtasks(tmp_path / "zh.db", "--lang", "zh", "import", str(tmp_path / name))
    assert result.exit_code == 1
    assert "文件或目录不存在" in result.stderr
    assert "No such file" not in result.stderr
