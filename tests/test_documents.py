"""The documents an officer hands on, as the officer gets them (issue 16): the 填报 sheets'
form and print set-up, CSV through a redirected stdout, `-o` naming a directory, the
messages of the commands that write them in Chinese, and the 台账 and a sheet rendered
through LibreOffice and read back as pages."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from lawtasks.cli import app
from lawtasks.exporters.sheets import FIRST_ROW, HEADER_ROW, WIDTHS, rows_needed

from .conftest import TODAY

LOCALE = Path(__file__).resolve().parents[1] / "src" / "lawtasks" / "locale"
CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
# A half-width : , ; ( ) touching a Chinese character (or full-width punctuation).
HALF_WIDTH_BY_CJK = re.compile(rf"(?<=[{CJK}])[:,;()]|[:,;()](?=[{CJK}])")


def cli(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", str(db), "--today", TODAY.isoformat(), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.db"
    assert cli(path, "set", "2", "3", "--unit", "县司法局")[0] == 0
    assert cli(path, "set", "1", "--unit", "县委办")[0] == 0
    return path


# -- the zh catalogue ---------------------------------------------------------------------------


def msgstrs(po: Path) -> list[tuple[int, str]]:
    """Each translated line of `po` (msgstr and its continuation lines), numbered."""
    found, inside = [], False
    for number, line in enumerate(po.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("msgstr"):
            inside = True
        elif not line.startswith('"'):
            inside = False
        if inside:
            found.append((number, line.partition('"')[2]))
    return found


def test_chinese_messages_use_full_width_punctuation() -> None:
    catalogues = sorted((LOCALE / "zh" / "LC_MESSAGES").glob("*.po"))
    assert len(catalogues) >= 4
    half = [
        f"{po.name}:{number}: {text}"
        for po in catalogues
        for number, text in msgstrs(po)
        if HALF_WIDTH_BY_CJK.search(text)
    ]
    assert half == []
    # The scan finds what it looks for.
    assert HALF_WIDTH_BY_CJK.search("致县市场监管局:")
    assert HALF_WIDTH_BY_CJK.search("(未指定责任单位)")
    assert not HALF_WIDTH_BY_CJK.search("{path}: {reason}")


# -- messages, in Chinese -------------------------------------------------------------------------


def test_an_unknown_export_format_is_named_in_chinese_with_the_valid_ones(db: Path) -> None:
    code, _, err = cli(db, "--lang", "zh", "export", "-f", "pdf")
    assert code == 2
    assert (
        "错误：'--format' / '-f' 的值无效：'pdf' 不是 'md', 'csv', 'json', 'xlsx', 'docx' 之一"
        in err
    )
    assert "Invalid value" not in err


def test_export_into_a_directory_writes_the_default_name_there(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "报表"
    folder.mkdir()
    code, out, err = cli(db, "--lang", "zh", "export", "-f", "xlsx", "-o", str(folder))
    assert code == 0, err
    written = folder / "tonglu-2022-台账-2022-06-01.xlsx"
    assert written.is_file()
    assert out.strip() == f"已导出到 {written}"


def test_a_return_of_the_wrong_type_says_what_a_return_is(db: Path, tmp_path: Path) -> None:
    report = tmp_path / "x.docx"
    report.write_bytes(b"PK\x03\x04 not a return")
    code, _, err = cli(db, "--lang", "zh", "apply", str(report))
    assert code == 1
    assert f"{report} 不是填报：填报应为 .xlsx、.csv、.json 或 .jsonl 文件。" in err
    assert "报告" not in err
    assert "编码" not in err
    code, _, err = cli(db, "--lang", "en", "apply", str(report))
    assert f"{report} is not a return: a return is an .xlsx, .csv, .json or .jsonl file." in err


def test_sheets_makes_its_directory_and_refuses_an_unknown_unit(db: Path, tmp_path: Path) -> None:
    nested = tmp_path / "填报" / "六月"
    code, out, err = cli(db, "--lang", "zh", "sheets", "-o", str(nested))
    assert code == 0, err
    assert sorted(path.name for path in nested.iterdir()) == [
        "tonglu-2022-填报-县司法局.xlsx",
        "tonglu-2022-填报-县委办.xlsx",
    ]
    assert "已写出 县司法局 的填报表：" in out
    assert "以下事项没有责任单位，未写入任何填报表：4.1、4.2、4.3" in err
    elsewhere = tmp_path / "没有"
    code, _, err = cli(db, "--lang", "zh", "sheets", "--unit", "县教育局", "-o", str(elsewhere))
    assert code == 1
    assert "没有责任单位 县教育局：现有责任单位为 县司法局、县委办。" in err
    assert not elsewhere.exists()  # refused before anything was made
    (tmp_path / "a-file").write_text("x")
    code, _, err = cli(db, "--lang", "zh", "sheets", "-o", str(tmp_path / "a-file"))
    assert code == 1
    assert "这是一个文件，不是目录" in err


# -- the 填报 sheet -------------------------------------------------------------------------------


def test_a_sheet_has_a_form_header_a_deadline_and_prints_one_page_wide(
    db: Path, tmp_path: Path
) -> None:
    code, _, err = cli(db, "--lang", "zh", "sheets", "--unit", "县司法局", "--due", "7月10日",
                       "-o", str(tmp_path))  # fmt: skip
    assert code == 0, err
    path = tmp_path / "tonglu-2022-填报-县司法局.xlsx"
    ws = load_workbook(path)["填报"]
    assert ws["A1"].value == "桐庐县2022年主要工作任务推进情况填报表"
    assert ws["A2"].value == "填报单位：县司法局"
    assert ws["F2"].value == "报送截止日期：2022年7月10日"
    assert [ws[ref].value for ref in ("A3", "D3", "H3")] == ["填报人：", "联系电话：", "审核人："]
    # The unit fills in who filled it in: those cells are open, the labels locked.
    assert not any(ws[ref].protection.locked for ref in ("C3", "F3", "I3"))
    assert ws["A3"].protection.locked
    assert ws.cell(row=HEADER_ROW, column=1).value == "编号"
    assert [ws.cell(row=row, column=1).value for row in range(FIRST_ROW, ws.max_row + 1)] == [
        "2.1", "2.2", "2.3", "3.1", "3.2",
    ]  # fmt: skip
    # Printed one page wide, landscape, the header repeated, numbered pages.
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    # Each row starts as tall as its text needs in its real column width…
    for row in range(FIRST_ROW, ws.max_row + 1):
        text = ws.cell(row=row, column=3).value
        lines = rows_needed(text, WIDTHS[2])
        assert ws.row_dimensions[row].height >= 14.5 * lines, (row, text)
    assert ws.cell(row=FIRST_ROW, column=8).alignment.wrap_text
    # …but its height is not fixed, so that it grows with what the unit types.
    with __import__("zipfile").ZipFile(path) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert 'ht="' in xml
    assert "customHeight" not in xml


def test_rows_needed_counts_chinese_characters_twice() -> None:
    assert rows_needed("一" * 10, 13) == 2  # 20 units in about 10.6
    assert rows_needed("一" * 10, 12) == 3  # 20 units in about 9.7
    assert rows_needed("a" * 10, 12) == 2
    assert rows_needed("a" * 9, 12) == 1
    assert rows_needed("一\n二", 40) == 2
    assert rows_needed("一" * 30, 32) == 3  # 60 units in about 28


def test_a_sheets_default_deadline_is_a_week_away(db: Path, tmp_path: Path) -> None:
    assert cli(db, "--lang", "zh", "sheets", "--unit", "县委办", "-o", str(tmp_path))[0] == 0
    ws = load_workbook(tmp_path / "tonglu-2022-填报-县委办.xlsx")["填报"]
    assert date(2022, 6, 1) == TODAY
    assert ws["F2"].value == "报送截止日期：2022年6月8日"


# -- CSV through stdout ---------------------------------------------------------------------------


@pytest.mark.slow
def test_csv_redirected_to_a_file_opens_in_excel_on_chinese_windows(
    db: Path, tmp_path: Path
) -> None:
    script = shutil.which("lawtasks") or str(Path(sys.executable).parent / "lawtasks")
    target = tmp_path / "台账.csv"
    with target.open("wb") as handle:
        subprocess.run(
            [script, "--db", str(db), "--lang", "zh", "--today", "2022-06-01",
             "export", "-f", "csv"],
            stdout=handle, check=True, timeout=60,
            env={**os.environ, "PYTHONIOENCODING": "gbk"},
        )  # fmt: skip
    data = target.read_bytes()
    # A BOM and UTF-8, whatever the console's encoding: Excel reads it as UTF-8.
    assert data.startswith(b"\xef\xbb\xbf\xe7\xbc\x96\xe5\x8f\xb7,")  # BOM, 编号
    text = data.decode("utf-8-sig")
    assert "桐庐县2022年主要工作任务" in text


# -- rendered through LibreOffice -----------------------------------------------------------------


def render_pdf(files: list[Path], out: Path) -> dict[str, Path]:
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        if os.environ.get("LAWTASKS_REQUIRE_EXTERNAL") == "1":
            pytest.fail("LAWTASKS_REQUIRE_EXTERNAL=1 but LibreOffice or poppler is missing")
        pytest.skip("LibreOffice (soffice) or poppler (pdftotext, pdfinfo) is not installed")
    out.mkdir()
    profile = (out / "lo-profile").as_uri()
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return {path.stem: out / f"{path.stem}.pdf" for path in files}


def pdf_info(pdf: Path) -> dict[str, str]:
    text = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def pdf_text(pdf: Path) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True,
        timeout=60,
    ).stdout  # fmt: skip
    # pdftotext may set spaces between CJK and Latin runs; compare without them.
    return re.sub(r"[ \u3000]+", "", text)


@pytest.mark.slow
def test_the_ledger_and_a_sheet_print_as_an_office_hands_them_on(db: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "台账.xlsx"
    code, _, err = cli(db, "--lang", "zh", "--user", "张科长", "export", "-f", "xlsx", "-o",
                       str(ledger))  # fmt: skip
    assert code == 0, err
    assert cli(db, "--lang", "zh", "sheets", "--unit", "县司法局", "-o", str(tmp_path))[0] == 0
    sheet = tmp_path / "tonglu-2022-填报-县司法局.xlsx"
    pdfs = render_pdf([ledger, sheet], tmp_path / "pdf")

    # The 台账: A3 landscape, its title block on page 1, the header on every page, numbered.
    info = pdf_info(pdfs["台账"])
    width, height = (float(v) for v in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (round(width), round(height)) == (1191, 842)  # A3 landscape, in points
    pages = int(info["Pages"])
    assert 2 <= pages <= 4  # 18 items and the 汇总 sheet, one page wide
    text = pdf_text(pdfs["台账"])
    first = text.split("\f")[0]
    assert "桐庐县2022年主要工作任务" in first
    assert "截至2022年6月1日" in first
    assert "导出人：张科长" in first
    assert "第1页，共" in first
    assert text.count("下一步措施") >= 1
    assert "按状态" not in text  # the 汇总's words are its headers: 红灯, 未开始…
    assert "未开始" in text

    # A sheet of five items: one A4 landscape page, the form header on it.
    info = pdf_info(pdfs[sheet.stem])
    assert info["Pages"].strip() == "1"
    width, height = (float(v) for v in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (round(width), round(height)) == (842, 595)
    text = pdf_text(pdfs[sheet.stem])
    for words in ("推进情况填报表", "填报单位：县司法局", "报送截止日期：2022年6月8日", "填报人：",
                  "联系电话：", "审核人：", "下一步措施", "3.2"):  # fmt: skip
        assert words in text, words
