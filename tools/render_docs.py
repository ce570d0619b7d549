"""Render the README's pictures of the documents lawtasks writes: the Word report
(docs/report-page1.png), a 催办单 (docs/reminder.png), the Excel 台账
(docs/ledger-page1.png), a 填报 sheet (docs/sheet.png) and a 通报
(docs/circular-page1.png).

    python tools/render_docs.py [--transcript]

Builds a ledger in a temporary directory (the seeded plan, a few changes as an office would
make them), exports the report and the notices with the installed `lawtasks`, prints them to
PDF with LibreOffice and rasterises the first page at 60 dpi (pdftoppm).

The 通报 comes from a second ledger that plays one monthly round of the supervision cycle
(README: The supervision cycle in a few commands): the round opened on 1 July, the sheets
sent, 县司法局's return with its evidence on the 20th (on time), 县委办's on the 27th
(late), two units silent, a sign-off on the 29th, the 通报 on the 31st. A return is on time
by the computer's clock, not by --today, so each step runs under faketime on its day.
`--transcript` prints each of those commands with its output, as the README shows them.

The official faces (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体) are rarely on a Linux
machine; a fontconfig file stands the closest free faces in for them (Noto Serif/Sans CJK SC
from fonts-noto-cjk, AR PL UKai from fonts-arphic-ukai, Liberation Serif for Times New
Roman), so that the pictures show Simplified Chinese glyphs in the roles the documents give
them. A development tool: it needs soffice, pdftoppm, faketime and those fonts, and is not
run by the tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
ALIASES = {
    "仿宋_GB2312": "Noto Serif CJK SC",
    "仿宋": "Noto Serif CJK SC",
    "方正小标宋简体": "Noto Serif CJK SC",
    "宋体": "Noto Serif CJK SC",
    "黑体": "Noto Sans CJK SC",
    "楷体_GB2312": "AR PL UKai CN",
    "楷体": "AR PL UKai CN",
    "Times New Roman": "Liberation Serif",
}
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
{aliases}
  <!-- 小标宋 is a heavy face: the stand-in is the bold cut. -->
  <match target="pattern">
    <test name="family"><string>方正小标宋简体</string></test>
    <edit name="weight" mode="assign"><const>bold</const></edit>
  </match>
</fontconfig>
"""
ALIAS = (
    '  <match target="pattern"><test name="family"><string>{face}</string></test>'
    '<edit name="family" mode="assign" binding="strong"><string>{free}</string></edit></match>'
)


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    return subprocess.run(
        args, check=True, capture_output=True, text=True, env=env, timeout=300, cwd=cwd
    ).stdout


# One monthly round, as the README's cycle shows it: (day, shown, arguments). The steps not
# shown set the scene: lead units, progress, one item overdue (3.2), a milestone.
CYCLE = [
    ("2022-07-01", False, ["set", "1", "--unit", "县委办"]),
    ("2022-07-01", False, ["set", "2", "4", "--unit", "县司法局"]),
    ("2022-07-01", False, ["set", "3", "--unit", "县综合行政执法局"]),
    ("2022-07-01", False, ["set", "5", "6", "--unit", "县政府办"]),
    ("2022-07-01", False, ["set", "2.1", "--progress", "40"]),
    ("2022-07-01", False, ["set", "1.2", "2.2", "4.1", "4.2", "4.3", "4.4", "5.1", "5.2",
                           "5.3", "6.1", "6.2", "6.3", "6.4", "--progress", "60"]),
    ("2022-07-01", False, ["set", "3.1", "--progress", "20"]),
    ("2022-07-01", False, ["set", "3.2", "--progress", "80", "--due", "2022-06-30"]),
    ("2022-07-01", False, ["milestone", "add", "2.1", "2022-09-30", "--progress", "60"]),
    ("2022-07-01", True, ["round", "open", "--period", "2022-07"]),
    ("2022-07-01", True, ["sheets", "-o", "填报/"]),
    ("2022-07-20", True, ["apply", "填报/tonglu-2022-填报-县司法局.xlsx", "--evidence", "佐证/"]),
    ("2022-07-27", True, ["apply", "填报/tonglu-2022-填报-县委办.xlsx"]),
    ("2022-07-28", True, ["round", "status"]),
    ("2022-07-28", True, ["remind"]),
    ("2022-07-29", True, ["signoff", "2.2", "--note", "材料齐全"]),
    ("2022-07-31", True, ["circular", "-o", "7月通报.docx"]),
]  # fmt: skip
# What each unit writes in the yellow cells: ID -> 状态, 进度, 进展情况, 存在问题, 下一步措施.
RETURNS = {
    "县司法局": {
        "2.1": ("进行中", 70, "已完成目录编制并公布", "个别乡镇报送迟缓", "9月底前完成督查"),
        "2.2": ("已完成", 100, "后评估报告已印发", None, None),
    },
    "县委办": {
        "1.1": ("进行中", 50, "已召开专题会议", None, None),
        "1.2": ("已完成", 100, "责任清单已印发", None, None),
    },
}
EVIDENCE = {"2.1-会议纪要.pdf": b"%PDF-1.4\n", "2.2_现场照片.jpg": b"\xff\xd8\xff\xe0"}


def fill_returns(work: Path) -> None:
    """Fill in the sheets as the units would, and lay out 县司法局's evidence."""
    from openpyxl import load_workbook

    for unit, rows in RETURNS.items():
        path = work / "填报" / f"tonglu-2022-填报-{unit}.xlsx"
        workbook = load_workbook(path)
        sheet = workbook.worksheets[0]
        found = {sheet.cell(row, 1).value: row for row in range(1, sheet.max_row + 1)}
        for ref, values in rows.items():
            for column, value in enumerate(values, start=6):
                sheet.cell(found[ref], column).value = value
        workbook.save(path)
    (work / "佐证").mkdir()
    for name, data in EVIDENCE.items():
        (work / "佐证" / name).write_bytes(data)


def play_cycle(lawtasks: str, work: Path, env: dict[str, str]) -> list[str]:
    """Play CYCLE in `work` on a ledger of its own; returns the transcript of the steps shown."""
    faketime = shutil.which("faketime") or "faketime"
    env = {**env, "LAWTASKS_DB": str(work / "cycle.db"), "COLUMNS": "100"}
    transcript = []
    for day, shown, args in CYCLE:
        if args[0] == "apply" and not (work / "佐证").exists():
            fill_returns(work)
        # The scene is set an hour before the round opens, as the office would.
        moment = f"{day} {'10:00:00' if shown else '09:00:00'}"
        command = [faketime, moment, lawtasks, "--today", day, *args]
        output = run(*command, env=env, cwd=work)
        if shown:
            transcript.append(f"lawtasks {' '.join(args)}   # {day}")
            transcript += [f"# {line}" for line in output.rstrip().splitlines()]
    return transcript


def main() -> int:
    lawtasks = shutil.which("lawtasks") or str(Path(sys.executable).parent / "lawtasks")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        conf = tmp / "fonts.conf"
        conf.write_text(
            FONTS_CONF.format(
                aliases="\n".join(ALIAS.format(face=f, free=g) for f, g in ALIASES.items())
            ),
            encoding="utf-8",
        )
        env = {
            **os.environ,
            "LAWTASKS_DB": str(tmp / "ledger.db"),
            "LAWTASKS_LANG": "zh",
            "LAWTASKS_USER": "fzb",
            "FONTCONFIG_FILE": str(conf),
        }
        env.pop("LAWTASKS_OFFICE", None)
        env.pop("LAWTASKS_PLAN", None)
        # Each change on its own day (faketime), so that the report's chart of progress over
        # time has a history to draw.
        steps = [
            ("2022-01-05", ["init"]),
            ("2022-01-10", ["set", "1.1", "1.2", "--unit", "县委办"]),
            ("2022-01-10", ["set", "2.1", "2.2", "2.3", "--unit", "县司法局"]),
            ("2022-02-15", ["set", "2.1", "--progress", "20"]),
            ("2022-03-01", ["milestone", "add", "1.1", "2022-09-30", "--progress", "70"]),
            ("2022-03-01", ["milestone", "add", "2.3", "2022-09-30", "--text", "完成平台建设方案"]),
            ("2022-03-10", ["set", "1.1", "--progress", "20"]),
            ("2022-04-20", ["set", "2.1", "--progress", "60", "--due", "2022-05-31",
                            "--target", "重大行政决策目录化管理实现100%覆盖"]),
            ("2022-04-20", ["note", "2.1", "已完成2022年度重大行政决策事项目录编制并向社会公布；"
                            "对全县各乡镇（街道）和部门开展专项督查，发现问题12个，已整改9个，"
                            "其余3个正在整改中。"]),
            ("2022-05-01", ["set", "2.2", "--due", "2022-06-20"]),
            ("2022-05-25", ["set", "1.1", "--progress", "40", "--target", "领导干部学法全覆盖"]),
            ("2022-06-10", ["block", "2.3", "--note", "等待省里统一部署数字化平台建设"]),
        ]  # fmt: skip
        faketime = shutil.which("faketime") or "faketime"
        for day, step in steps:
            run(faketime, f"{day} 10:00:00", lawtasks, *step, env=env)
        today = ("--today", "2022-06-30")
        run(lawtasks, *today, "export", "-f", "docx", "-o", str(tmp / "report.docx"), env=env)
        run(lawtasks, *today, "remind", "-f", "docx", "-o", str(tmp / "催办"), env=env)
        run(lawtasks, *today, "export", "-f", "xlsx", "-o", str(tmp / "ledger.xlsx"), env=env)
        run(lawtasks, *today, "sheets", "--unit", "县司法局", "-o", str(tmp / "填报"), env=env)
        cycle = tmp / "cycle"
        cycle.mkdir()
        transcript = play_cycle(lawtasks, cycle, env)
        notice = tmp / "催办" / "tonglu-2022-催办单-县司法局.docx"
        (sheet,) = (tmp / "填报").glob("*.xlsx")
        soffice = shutil.which("soffice") or "soffice"
        profile = (tmp / "lo-profile").as_uri()
        run(soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
            "--outdir", str(tmp), str(tmp / "report.docx"), str(notice),
            str(tmp / "ledger.xlsx"), str(sheet), str(cycle / "7月通报.docx"),
            env=env)  # fmt: skip
        DOCS.mkdir(exist_ok=True)
        for pdf, png in (
            (tmp / "report.pdf", "report-page1"),
            (tmp / notice.with_suffix(".pdf").name, "reminder"),
            (tmp / "ledger.pdf", "ledger-page1"),
            (tmp / sheet.with_suffix(".pdf").name, "sheet"),
            (tmp / "7月通报.pdf", "circular-page1"),
        ):
            run("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                str(pdf), str(DOCS / png), env=env)  # fmt: skip
            print(DOCS / f"{png}.png")
        if "--transcript" in sys.argv[1:]:
            print("\n".join(transcript))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
