"""Build a large ledger for the benchmarks through the project's own service layer.

    python benchmarks/generate.py OUT.db [--tasks 100] [--items 100] [--slug bench-10k]

The plan is made of Chinese-like text with varied lead units and targets, shaped like what
the report parser produces, and imported with `Ledger.import_plan`, so that the database
holds exactly what an import of a (very long) report would. The new file holds this plan
only: the CLI seeds a database only when it has no schema, so it never adds the Tonglu plan.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

DIGITS = "零一二三四五六七八九"

VERBS = ("深化", "推进", "健全", "完善", "加强", "落实", "提升", "规范", "创新", "巩固")
SUBJECTS = (
    "行政执法监督",
    "重大行政决策程序",
    "乡镇(街道)合法性审查",
    "政务公开标准化",
    "行政复议体制改革",
    "人民调解组织网络",
    "公职律师队伍建设",
    "数字化执法监管",
    "涉法网络舆情应对",
    "法治宣传教育",
    "营商环境法治保障",
    "基层治理法治化",
)
PURPOSES = (
    "切实将学习成效转化为建设法治政府的生动实践",
    "提升领导干部法治意识和依法行政能力",
    "推动矛盾纠纷源头预防、前端化解",
    "确保各项工作任务落地见效",
    "不断增强人民群众的法治获得感",
)
TARGETS = (
    "覆盖率达到95%",
    "培训执法人员200人次",
    "新建调解组织10个",
    "行政复议纠错率达到100%",
    "实现乡镇全覆盖",
    None,
    None,
)
UNITS = (
    "县司法局",
    "县府办",
    "县公安局",
    "县市场监管局",
    "县人力社保局",
    "县自然资源和规划局",
    "县生态环境分局",
    "县住建局",
    "县交通运输局",
    "县农业农村局",
    "县卫生健康局",
    "县应急管理局",
    "县综合行政执法局",
    "县大数据发展中心",
    "各乡镇(街道)",
)


def numeral(number: int) -> str:
    """1 -> 一, 10 -> 十, 23 -> 二十三, 100 -> 一百 (enough for a plan's task numbers)."""
    if number == 100:
        return "一百"
    tens, ones = divmod(number, 10)
    if tens == 0:
        return DIGITS[ones]
    head = ("" if tens == 1 else DIGITS[tens]) + "十"
    return head + (DIGITS[ones] if ones else "")


def build_plan(tasks: int, items: int, year: int = 2022) -> object:
    from lawtasks.parser import ParsedItem, ParsedPlan, ParsedTask

    parsed_tasks = []
    for t in range(1, tasks + 1):
        parsed_items = []
        for i in range(1, items + 1):
            k = t * 131 + i * 17
            verb = VERBS[k % len(VERBS)]
            subject = SUBJECTS[(t + i) % len(SUBJECTS)]
            title = f"{verb}{subject}第{i}项工作"
            target = TARGETS[k % len(TARGETS)]
            text = f"{title},{PURPOSES[k % len(PURPOSES)]}" + (f",{target}。" if target else "。")
            assisting = ",".join({UNITS[(k + 3) % len(UNITS)], UNITS[(k + 7) % len(UNITS)]})
            parsed_items.append(
                ParsedItem(
                    seq=i,
                    title=title,
                    text=text,
                    target=target,
                    lead_unit=UNITS[k % len(UNITS)],
                    assisting_units=assisting if k % 3 else None,
                )
            )
        title = f"持续{VERBS[t % len(VERBS)]}{SUBJECTS[t % len(SUBJECTS)]}"
        parsed_tasks.append(
            ParsedTask(
                seq=t,
                numeral=numeral(t),
                title=title,
                body=title + "。" + "".join(item.text for item in parsed_items[:3]),
                items=tuple(parsed_items),
            )
        )
    return ParsedPlan(
        title=f"基准测试县{year - 1}年度法治政府建设情况报告",
        year=year,
        goal=f"{year}年是法治政府建设的关键之年,我们将全面建设职能科学、权责法定的法治政府。",
        heading=f"三、{year}年主要工作任务",
        source_name="bench-generated.txt",
        published=date(year, 2, 28),
        tasks=tuple(parsed_tasks),
    )


def generate(path: Path, *, tasks: int, items: int, slug: str) -> int:
    """Create `path` (which must not exist) holding one plan; returns the rows added."""
    from lawtasks.db import create_schema, make_engine
    from lawtasks.location import resolve_db_url
    from lawtasks.services import Ledger

    if path.exists():
        raise SystemExit(f"generate.py: {path} exists already")
    engine = make_engine(resolve_db_url(str(path)))
    create_schema(engine)
    parsed = build_plan(tasks, items)
    _, added = Ledger(engine, actor="bench").import_plan(parsed, slug=slug)  # type: ignore[arg-type]
    engine.dispose()
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--slug", default="bench-10k")
    args = parser.parse_args(argv)
    if not 1 <= args.tasks <= 100:
        parser.error("--tasks must be 1 to 100")
    added = generate(args.path, tasks=args.tasks, items=args.items, slug=args.slug)
    print(f"{args.path}: plan {args.slug}, {args.tasks} tasks x {args.items} items ({added} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
