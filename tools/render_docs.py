"""Render the README's pictures of the documents lawtasks writes: the Word report
(docs/report-page1.png), a 催办单 (docs/reminder.png), the Excel 台账
(docs/ledger-page1.png) and a 填报 sheet (docs/sheet.png).

    python tools/render_docs.py

Builds a ledger in a temporary directory (the seeded plan, a few changes as an office would
make them), exports the report and the notices with the installed `lawtasks`, prints them to
PDF with LibreOffice and rasterises the first page at 60 dpi (pdftoppm).

The official faces (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体) are rarely on a Linux
machine; a fontconfig file stands the closest free faces in for them (Noto Serif/Sans CJK SC
from fonts-noto-cjk, AR PL UKai from fonts-arphic-ukai, Liberation Serif for Times New
Roman), so that the pictures show Simplified Chinese glyphs in the roles the documents give
them. A development tool: it needs soffice, pdftoppm and those fonts, and is not run by the
tests.
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


def run(*args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        args, check=True, capture_output=True, text=True, env=env, timeout=300
    ).stdout


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
        steps = [
            ["init"],
            ["set", "1.1", "1.2", "--unit", "县委办"],
            ["set", "2.1", "2.2", "2.3", "--unit", "县司法局"],
            ["set", "2.1", "--progress", "60", "--due", "2022-05-31",
             "--target", "重大行政决策目录化管理实现100%覆盖"],
            ["note", "2.1", "已完成2022年度重大行政决策事项目录编制并向社会公布；"
             "对全县各乡镇（街道）和部门开展专项督查，发现问题12个，已整改9个，"
             "其余3个正在整改中。"],
            ["set", "1.1", "--progress", "40", "--target", "领导干部学法全覆盖"],
            ["set", "2.2", "--due", "2022-06-20"],
            ["block", "2.3", "--note", "等待省里统一部署数字化平台建设"],
        ]  # fmt: skip
        for step in steps:
            run(lawtasks, *step, env=env)
        today = ("--today", "2022-06-30")
        run(lawtasks, *today, "export", "-f", "docx", "-o", str(tmp / "report.docx"), env=env)
        run(lawtasks, *today, "remind", "-f", "docx", "-o", str(tmp / "催办"), env=env)
        run(lawtasks, *today, "export", "-f", "xlsx", "-o", str(tmp / "ledger.xlsx"), env=env)
        run(lawtasks, *today, "sheets", "--unit", "县司法局", "-o", str(tmp / "填报"), env=env)
        notice = tmp / "催办" / "tonglu-2022-催办单-县司法局.docx"
        (sheet,) = (tmp / "填报").glob("*.xlsx")
        soffice = shutil.which("soffice") or "soffice"
        profile = (tmp / "lo-profile").as_uri()
        run(soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
            "--outdir", str(tmp), str(tmp / "report.docx"), str(notice),
            str(tmp / "ledger.xlsx"), str(sheet), env=env)  # fmt: skip
        DOCS.mkdir(exist_ok=True)
        for pdf, png in (
            (tmp / "report.pdf", "report-page1"),
            (tmp / notice.with_suffix(".pdf").name, "reminder"),
            (tmp / "ledger.pdf", "ledger-page1"),
            (tmp / sheet.with_suffix(".pdf").name, "sheet"),
        ):
            run("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                str(pdf), str(DOCS / png), env=env)  # fmt: skip
            print(DOCS / f"{png}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
