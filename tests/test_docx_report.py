"""The Word report and the 催办单 in 公文 layout (GB/T 9704-2012), read back with python-docx,
and rendered through LibreOffice to PDF where the pages are measured and read."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from lawtasks import i18n
from lawtasks.db import make_engine
from lawtasks.domain import Status
from lawtasks.exporters import ExportRequest, render_bytes
from lawtasks.exporters.content import due_state
from lawtasks.exporters.docx_report import (
    TEXT_WIDTH_PT,
    default_reply_by,
    office_name,
    render_reminder,
)
from lawtasks.readmodel import ItemFilter, filter_plan
from lawtasks.seed import seed

from .conftest import TODAY
from .test_cli import Cli, one_error_line, seeded_template  # noqa: F401  (a fixture)
from .test_exporters import changed, make_request  # noqa: F401  (a fixture)

OFFICE = "县法治政府建设工作领导小组办公室"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def zh() -> None:
    i18n.set_language("zh")  # conftest's autouse fixture resets it after the test


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    """The documents are the same whatever the ledger: these tests read a SQLite one only."""
    engine = make_engine(f"sqlite:///{db_path}")
    seed(engine, actor="seeder")
    yield engine
    engine.dispose()


@pytest.fixture
def request_(changed: Engine) -> ExportRequest:  # noqa: F811
    return make_request(changed)


@pytest.fixture
def cli(tmp_path: Path, seeded_template: Path) -> Cli:  # noqa: F811
    db = tmp_path / "l.db"
    with sqlite3.connect(seeded_template) as source, sqlite3.connect(db) as target:
        source.backup(target)
    return Cli(db, CliRunner())


def load_docx(data: bytes) -> Any:
    from docx import Document

    return Document(io.BytesIO(data))


def texts(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def shown(element: Any) -> str:
    """The text of `element`, fields' current values included (python-docx skips them)."""
    from docx.oxml.ns import qn

    return "".join(node.text or "" for node in element.iter(qn("w:t")))


def east_asian(style: Any) -> str | None:
    from docx.oxml.ns import qn

    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


# -- the page and the faces --------------------------------------------------------------------


def test_the_page_is_gbt_9704(zh: None, request_: ExportRequest) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    document = load_docx(render_bytes("docx", request_))
    section = document.sections[0]
    for measured, mm in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(measured - Mm(mm)) < Mm(0.1)
    assert abs(TEXT_WIDTH_PT - 156 / 25.4 * 72) < 0.01
    # — 1 —: odd pages on the right, even pages on the left, one character in.
    assert document.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for footer in (odd, even):
        assert shown(footer._p) == "— 1 —"
        assert 'w:instr="PAGE"' in footer._p.xml
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert odd.paragraph_format.right_indent.pt == 14
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert even.paragraph_format.left_indent.pt == 14


def test_the_faces_sizes_and_lines(zh: None, request_: ExportRequest) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn

    document = load_docx(render_bytes("docx", request_))
    styles = document.styles
    assert east_asian(styles["Normal"]) == "仿宋_GB2312"
    assert styles["Normal"].font.size.pt == 16
    assert styles["Normal"].paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert styles["Normal"].paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.05)
    assert east_asian(styles["Title"]) == "方正小标宋简体"
    assert styles["Title"].font.size.pt == 22
    assert east_asian(styles["Heading 1"]) == "黑体"
    assert east_asian(styles["Heading 2"]) == "楷体_GB2312"
    for name in ("Heading 1", "Heading 2"):
        assert styles[name].font.size.pt == 16
        assert not styles[name].font.bold
        fonts = styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsiaTheme")) is None
        assert fonts.get(qn("w:ascii")) == "Times New Roman"
    # Where a face is missing, Word and WPS substitute the one the font table names.
    table = next(
        part for part in document.part.package.iter_parts() if "fontTable" in str(part.partname)
    )
    substitutes = dict(
        re.findall(rb'<w:font w:name="([^"]+)"><w:altName w:val="([^"]+)"/>', table.blob)
    )
    assert {k.decode(): v.decode() for k, v in substitutes.items()} == {
        "方正小标宋简体": "宋体",
        "仿宋_GB2312": "仿宋",
        "黑体": "SimHei",
        "楷体_GB2312": "楷体",
        "宋体": "SimSun",
    }
    assert b'w:eastAsia="zh-CN"' in document.settings.element.xml.encode()
    # No slanted Chinese anywhere: Chinese type has no italic.
    assert "<w:i/>" not in document.element.xml
    assert "<w:i " not in document.element.xml


# -- the text ----------------------------------------------------------------------------------


def test_title_block_and_signature(
    zh: None, request_: ExportRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    monkeypatch.delenv("LAWTASKS_OFFICE", raising=False)
    document = load_docx(render_bytes("docx", request_))
    lines = texts(document)
    assert lines[0] == "桐庐县2022年主要工作任务推进情况"
    assert document.paragraphs[0].style.name == "Title"
    assert lines[1] == "（截至2022年6月1日）"
    assert not any("导出人" in line for line in lines)
    assert document.core_properties.author == "张科长"
    assert document.core_properties.created == datetime(2022, 6, 1, tzinfo=UTC)
    # The signature closes the text; only the trail's head (for verify) comes after it.
    assert lines[-3:-1] == [OFFICE, "2022年6月1日"]
    assert lines[-1].startswith("留痕")
    office, day = (p for p in document.paragraphs if p.text in (OFFICE, "2022年6月1日"))
    assert office.alignment == day.alignment == WD_ALIGN_PARAGRAPH.LEFT
    # The office two characters in from the right; the date two characters right of it.
    office_left = office.paragraph_format.left_indent.pt
    assert office_left + 16 * 16 == pytest.approx(TEXT_WIDTH_PT - 32, abs=0.1)
    assert day.paragraph_format.left_indent.pt == pytest.approx(office_left + 32, abs=0.1)

    monkeypatch.setenv("LAWTASKS_OFFICE", " 桐庐县司法局 ")
    lines = texts(load_docx(render_bytes("docx", request_)))
    assert lines[-3:-1] == ["桐庐县司法局", "2022年6月1日"]


def test_a_short_office_moves_left_to_keep_the_step(zh: None, request_: ExportRequest) -> None:
    # 司法局 is shorter than 2022年6月1日: the date sits two characters in from the right.
    data = render_reminder(
        request_.view, "县司法局", list(request_.view.items[:1]), office="司法局",
        reply_by=date(2022, 6, 8),
    )  # fmt: skip
    document = load_docx(data)
    office, day = (p for p in document.paragraphs if p.text in ("司法局", "2022年6月1日"))
    date_width = (4 + 2 + 1 + 2 + 1 + 2) * 8  # 2022 年 6 月 1 日: half-widths of 8 pt
    assert day.paragraph_format.left_indent.pt == pytest.approx(
        TEXT_WIDTH_PT - 32 - date_width, abs=0.1
    )
    assert office.paragraph_format.left_indent.pt == pytest.approx(
        day.paragraph_format.left_indent.pt - 32, abs=0.1
    )


def test_the_period_summary_opens_the_report(zh: None, request_: ExportRequest) -> None:
    from lawtasks.period import PeriodSummary

    item = request_.view.items[0]
    period = PeriodSummary(
        since=date(2022, 4, 1), as_of=TODAY, newly_done=(item,), newly_red=(), newly_yellow=(),
        progress=(), silent_units=(), units=0,
    )  # fmt: skip
    document = load_docx(render_bytes("docx", replace(request_, period=period)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "本期变化"
    assert headings[1:3] == ["一、总体进展", "二、分项进展"]
    lines = texts(document)
    assert lines.index("本期变化") == 2  # right after the title block
    assert any("1.1" in line for line in lines[3:6])


def test_a_filtered_report_says_so_under_the_title(zh: None, request_: ExportRequest) -> None:
    only = ItemFilter(tasks=frozenset({2}), statuses=frozenset({Status.BLOCKED}))
    request = replace(request_, view=filter_plan(request_.view, only), item_filter=only)
    lines = texts(load_docx(render_bytes("docx", request)))
    assert lines[1:3] == ["（截至2022年6月1日）", "筛选：任务（二）；状态 受阻"]
    assert not any(
        line.startswith("筛选") for line in texts(load_docx(render_bytes("docx", request_)))
    )


def test_item_tables_carry_target_warning_words_and_notes(
    zh: None, request_: ExportRequest
) -> None:
    from docx.oxml.ns import qn

    document = load_docx(render_bytes("docx", request_))
    tables = document.tables
    assert len(tables) == len(request_.view.tasks) + 1  # a table per task, then the changes
    header = [c.text for c in tables[1].rows[0].cells]
    assert header == ["序号", "具体事项", "目标", "责任单位", "完成时限", "状态", "进度", "预警"]
    rows = [[c.text for c in row.cells] for row in tables[1].rows]
    assert rows[1][0] == "2.1"
    assert rows[1][1].startswith("严格落实重大行政决策程序")
    assert rows[1][3:8] == ["县司法局", "2022-05-01", "进行中", "30%", "红灯"]
    # 2.1's latest note: a row of its own across the table, the byline in 楷体, not slanted.
    note = tables[1].rows[2]
    assert len(note._tr.tc_lst) == 1
    assert note._tr.tc_lst[0].tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "8"
    assert note.cells[0].text.startswith(
        "最新进展：已召开部署会\n第二行 | 管道（officer 记于 2022-05-20"
    )
    byline = note.cells[0].paragraphs[0].runs[-1]
    assert byline.style.name == "Byline"
    assert east_asian(byline.style) == "楷体_GB2312"
    # 3.1 carries its target, and its yellow warning in words and in colour.
    task3 = [[c.text for c in row.cells] for row in tables[2].rows]
    row31 = next(row for row in task3 if row[0] == "3.1")
    assert row31[2] == "执法监督数字化全覆盖"
    assert row31[7] == "黄灯"
    words = {c.text for table in tables[:-1] for row in table.rows for c in row.cells}
    assert {"红灯", "黄灯", "绿灯"} <= words
    fills = {
        cell.text: cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
        for table in tables[:-1]
        for row in table.rows[1:]
        if len(row.cells) == 8 and len({id(c._tc) for c in row.cells}) == 8
        for cell in row.cells[7:]
    }
    assert fills == {"红灯": "FFC7CE", "黄灯": "FFEB9C", "绿灯": "C6EFCE"}
    # Rows break across pages; the header row repeats on every page.
    xml = document.element.xml
    assert "cantSplit" not in xml
    assert all("<w:tblHeader" in table.rows[0]._tr.xml for table in tables)


# -- the 催办单 ---------------------------------------------------------------------------------


def test_due_state_says_how_an_item_stands(zh: None, request_: ExportRequest) -> None:
    item = next(item for item in request_.view.items if item.id == "2.1")  # due 2022-05-01
    assert due_state(item, date(2022, 6, 1)) == "逾期31天"
    assert due_state(item, date(2022, 5, 1)) == "今日到期"
    assert due_state(item, date(2022, 4, 28)) == "3天后到期"
    assert due_state(replace(item, status=Status.DONE), date(2022, 6, 1)) == "—"
    assert due_state(replace(item, due=None), date(2022, 6, 1)) == "—"
    i18n.set_language("en")
    assert due_state(item, date(2022, 5, 2)) == "1 day overdue"
    assert due_state(item, date(2022, 4, 28)) == "due in 3 days"


def test_the_reminder_notice(zh: None, request_: ExportRequest) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    items = [item for item in request_.view.items if item.id in ("2.1", "2.2")]
    data = render_reminder(
        request_.view, "县司法局", items, office=OFFICE, reply_by=date(2022, 6, 8),
        issued_by="张科长",
    )  # fmt: skip
    document = load_docx(data)
    lines = texts(document)
    assert lines[0] == "催办单"
    assert lines[1] == "致县司法局："
    addressee = next(p for p in document.paragraphs if p.text == "致县司法局：")
    assert addressee.paragraph_format.first_line_indent is None
    assert addressee.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert lines[2] == (
        "经核查，贵单位牵头的《桐庐县2022年主要工作任务》中下列 2 个事项已逾期、进度滞后或临近"
        f"完成时限。请抓紧推进，并于2022年6月8日前将进展情况书面报送{OFFICE}。"
    )
    assert lines[-2:] == [OFFICE, "2022年6月1日"]
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["编号", "具体事项", "完成时限", "状态", "进度", "预警", "逾期情况"]
    assert rows[1][0] == "2.1"
    assert rows[1][2:] == ["2022-05-01", "进行中", "30%", "红灯", "逾期31天"]
    assert rows[2][0] == "2.2"
    assert rows[2][3] == "受阻"
    assert document.core_properties.author == "张科长"
    assert shown(document.sections[0].even_page_footer._element) == "— 1 —"


def test_office_and_reply_by_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    assert office_name({}) == "Office of the County Leading Group for Law-Based Government"
    assert office_name({"LAWTASKS_OFFICE": "  "}) == office_name({})
    assert office_name({"LAWTASKS_OFFICE": "桐庐县司法局"}) == "桐庐县司法局"
    i18n.set_language("zh")
    assert office_name({}) == OFFICE
    assert default_reply_by(date(2022, 6, 30)) == date(2022, 7, 7)
    assert default_reply_by(date(9999, 12, 28)) == date(9999, 12, 31)


# -- remind on the command line ------------------------------------------------------------------


def test_remind_never_addresses_a_unit_it_does_not_have(cli: Cli, tmp_path: Path) -> None:
    cli.ok("set", "2.1", "--due", "2022-05-01", "--unit", "县司法局")
    data = cli.json("remind", "--reply-by", "2022-06-10")
    assert [unit["unit"] for unit in data["units"]] == ["县司法局"]
    assert data["reply_by"] == "2022-06-10"
    unassigned = [item["id"] for item in data["unassigned"]]
    assert "2.2" in unassigned
    assert all(item["lead_unit"] is None for item in data["unassigned"])
    assert json.dumps(data).count("未指定") == 0
    assert "(no lead unit)" not in json.dumps(data)

    text = cli.ok("remind", "--lang", "zh").stdout
    assert "催办：县司法局（1 项）" in text
    assert "  2.1  红灯  未开始  2022-05-01  逾期31天  0%  严格落实重大行政决策程序" in text
    assert "未指定责任单位的事项（不发催办单，请先用 lawtasks set ID --unit 单位 指定）：" in text
    assert "(未指定责任单位)" not in text

    out = tmp_path / "催办" / "六月"  # made, with its parents
    result = cli("remind", "-f", "docx", "-o", str(out), "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    assert [path.name for path in out.iterdir()] == ["tonglu-2022-催办单-县司法局.docx"]
    assert result.stderr.startswith("以下事项没有责任单位，未写入任何催办单：1.1、1.2、")
    assert result.stderr.rstrip().endswith("请先用 lawtasks set ID --unit 单位 指定。")
    notice = texts(load_docx((out / "tonglu-2022-催办单-县司法局.docx").read_bytes()))
    # Seven days after --today (2022-06-01) unless --reply-by says otherwise.
    assert "于2022年6月8日前" in notice[2]
    assert notice[-2:] == [OFFICE, "2022年6月1日"]


def test_remind_docx_chases_a_unit_that_owes_the_round_and_names_the_round(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("set", "2.1", "--due", "2022-05-01", "--unit", "县司法局")  # red
    cli.ok("set", "1.1", "--status", "done", "--unit", "县委办")  # nothing to chase
    cli.ok("round", "open", "--period", "2022-06")  # due 2022-06-25
    data = cli.json("remind")
    assert sorted(data["unreported"]) == ["县司法局", "县委办"]
    assert [unit["unit"] for unit in data["units"]] == ["县司法局"]

    result = cli("remind", "-f", "docx", "-o", str(tmp_path), "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    written = sorted(path.name for path in tmp_path.iterdir() if path.suffix == ".docx")
    assert written == ["tonglu-2022-催办单-县司法局.docx", "tonglu-2022-催办单-县委办.docx"]
    owing = texts(load_docx((tmp_path / "tonglu-2022-催办单-县委办.docx").read_bytes()))
    assert owing[1] == "致县委办："
    assert owing[2] == (
        f"贵单位尚未报送填报轮次 2022-06 的进展情况，请于2022年6月25日前报送{OFFICE}。"
    )
    assert owing[-2:] == [OFFICE, "2022年6月1日"]
    assert not load_docx((tmp_path / "tonglu-2022-催办单-县委办.docx").read_bytes()).tables
    # A unit with items to chase is told about the round too, then about its items.
    both = texts(load_docx((tmp_path / "tonglu-2022-催办单-县司法局.docx").read_bytes()))
    assert both[2].startswith("贵单位尚未报送填报轮次 2022-06 的进展情况")
    assert both[3].startswith("经核查，贵单位牵头的")


def test_a_reminder_names_the_round_the_unit_answered_or_missed(
    zh: None, request_: ExportRequest
) -> None:
    view = request_.view  # today 2022-06-01
    items = [item for item in view.items if item.id == "2.1"]
    lines = {}
    for reported, due in ((True, date(2022, 5, 25)), (False, date(2022, 5, 25))):
        data = render_reminder(
            view, "县司法局", items, office=OFFICE, reply_by=date(2022, 6, 8),
            round_period="2022-05", round_due=due, reported=reported,
        )  # fmt: skip
        lines[reported] = texts(load_docx(data))[2]
    assert lines[True] == "贵单位已报送填报轮次 2022-05（报送截止日期2022年5月25日）的进展情况。"
    assert lines[False] == (
        "贵单位尚未报送填报轮次 2022-05 的进展情况，报送截止日期2022年5月25日已过，"
        f"请立即报送{OFFICE}。"
    )


def test_remind_signs_with_the_office_set_once(cli: Cli, tmp_path: Path) -> None:
    cli.ok("set", "2.1", "--due", "2022-05-01", "--unit", "县司法局")
    result = cli(
        "remind", "-f", "docx", "-o", str(tmp_path), "--reply-by", "6月15日", "--lang", "zh",
        env={"LAWTASKS_OFFICE": "桐庐县法治浙江建设工作领导小组办公室"},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    notice = texts(load_docx((tmp_path / "tonglu-2022-催办单-县司法局.docx").read_bytes()))
    assert "于2022年6月15日前将进展情况书面报送桐庐县法治浙江建设工作领导小组办公室。" in notice[2]
    assert notice[-2] == "桐庐县法治浙江建设工作领导小组办公室"


def test_remind_errors_in_chinese(cli: Cli, tmp_path: Path) -> None:
    line = one_error_line(cli("remind", "--reply-by", "2022-05-31", "--lang", "zh"))
    assert line == "lawtasks: 答复期限 2022-05-31 早于今天（2022-06-01）：请给出今天或以后的日期。"
    line = one_error_line(cli("remind", "--reply-by", "2022-05-31", "--lang", "en"))
    assert line == (
        "lawtasks: --reply-by 2022-05-31 is before today (2022-06-01): give today or a later date."
    )
    a_file = tmp_path / "催办.txt"
    a_file.write_text("x", encoding="utf-8")
    line = one_error_line(cli("remind", "-f", "docx", "-o", str(a_file), "--lang", "zh"))
    assert line == f"lawtasks: 无法导出到 {a_file}：它是一个文件，不是目录。"
    assert a_file.read_text(encoding="utf-8") == "x"


def test_a_folder_named_like_a_file_is_refused_for_notices_and_sheets(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("set", "2.1", "--due", "2022-05-01", "--unit", "县司法局")
    for command in (["remind", "-f", "docx"], ["sheets"]):
        target = tmp_path / "催办单.DOCX"
        line = one_error_line(cli(*command, "-o", str(target), "--lang", "zh"))
        assert line.startswith(f"lawtasks: -o {target} 以 .DOCX 结尾，像是文件名")
        assert not target.exists()
    # A folder that exists under such a name is the officer's choice, and is used.
    kept = tmp_path / "v1.docx"
    kept.mkdir()
    assert cli("remind", "-f", "docx", "-o", str(kept)).exit_code == 0
    assert [path.suffix for path in kept.iterdir()] == [".docx"]


# -- rendered through LibreOffice ----------------------------------------------------------------


def _soffice() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftotext") is None:
        if os.environ.get("LAWTASKS_REQUIRE_EXTERNAL") == "1":
            pytest.fail("LAWTASKS_REQUIRE_EXTERNAL=1 but LibreOffice or poppler is not installed")
        pytest.skip("LibreOffice (soffice) or poppler (pdftotext) is not installed")
    return soffice


def to_pdf(soffice: str, documents: list[Path], tmp_path: Path) -> list[Path]:
    """The documents printed to PDF by LibreOffice, with a profile of the test's own."""
    out = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, documents)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [out / document.with_suffix(".pdf").name for document in documents]


def pdf_pages(pdf: Path) -> tuple[int, tuple[float, float]]:
    info = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])  # type: ignore[index]
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size is not None
    return pages, (float(size[1]), float(size[2]))


def pdf_text(pdf: Path) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    # pdftotext may set spaces between CJK and Latin runs; compare without them.
    return re.sub(r"[ \t]", "", text)


def page_number_sides(pdf: Path) -> list[str]:
    """Where each page's number sits: the words of its last line, left or right of centre."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    sides = []
    for number, (width, body) in enumerate(
        re.findall(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', html, re.S), 1
    ):
        words = re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)<', body
        )
        digits = [(float(x), float(y)) for x, y, word in words if word == str(number)]
        assert digits, f"no page number on page {number}"
        x, _ = max(digits, key=lambda found: found[1])  # the lowest: the footer's
        sides.append("right" if x > float(width) / 2 else "left")
    return sides


def _fonts(pdf: Path) -> list[list[str]]:
    if shutil.which("pdffonts") is None:
        return []
    lines = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()[2:]
    return [line.split() for line in lines]


def postscript_names(face: str) -> set[str]:
    """The PostScript names of `face` where fontconfig has it installed; else none."""
    if shutil.which("fc-list") is None:
        return set()
    listed = subprocess.run(
        ["fc-list", f":family={face}", "postscriptname"],
        capture_output=True, text=True, timeout=60, check=False,
    ).stdout  # fmt: skip
    return set(re.findall(r"postscriptname=(\S+)", listed))


@pytest.mark.slow
def test_the_report_and_a_notice_print_as_official_documents(
    zh: None, request_: ExportRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    soffice = _soffice()
    monkeypatch.delenv("LAWTASKS_OFFICE", raising=False)
    report = tmp_path / "report.docx"
    report.write_bytes(render_bytes("docx", request_))
    items = [item for item in request_.view.items if item.id in ("2.1", "2.2")]
    notice = tmp_path / "notice.docx"
    notice.write_bytes(
        render_reminder(request_.view, "县司法局", items, office=OFFICE, reply_by=date(2022, 6, 8))
    )
    report_pdf, notice_pdf = to_pdf(soffice, [report, notice], tmp_path)

    pages, size = pdf_pages(report_pdf)
    assert size == pytest.approx((595.3, 841.9), abs=1)  # A4
    # Eighteen items in six tables, notes and the sections: several pages, each numbered
    # — N — on its outside edge.
    assert pages >= 3
    assert page_number_sides(report_pdf) == ["right", "left"] * (pages // 2) + ["right"] * (
        pages % 2
    )
    text = pdf_text(report_pdf)
    assert text.index("桐庐县2022年主要工作任务推进情况") < text.index("（截至2022年6月1日）")
    for word in ("目标", "执法监督数字化全覆盖", "红灯", "黄灯", "绿灯", "最新进展：已召开部署会"):
        assert word in text
    assert f"—{pages}—" in text
    assert text.index(OFFICE) < text.index("2022年6月1日", text.index(OFFICE))
    assert text.rstrip().index(OFFICE) > text.index("三、需关注事项")

    pages, size = pdf_pages(notice_pdf)
    assert (pages, size) == (1, pytest.approx((595.3, 841.9), abs=1))
    text = pdf_text(notice_pdf)
    for words in ("催办单", "致县司法局：", "经核查，贵单位", "于2022年6月8日前", "逾期31天",
                  "红灯", OFFICE, "2022年6月1日", "—1—"):  # fmt: skip
        assert words in text

    for pdf in (report_pdf, notice_pdf):
        fonts = _fonts(pdf)
        # Every face is embedded: the file prints the same on the leader's machine.
        assert all(font[-5] == "yes" for font in fonts), fonts
        # Where the official faces are installed, they are the ones printed.
        for face in ("仿宋_GB2312", "黑体"):
            for name in postscript_names(face):
                assert any(font[0].endswith("+" + name) for font in fonts), (face, fonts)
