"""Turn a county's rule-of-law report (法治政府建设情况报告) or plan (工作要点) into a plan.

The parser is pure: text in, frozen dataclasses out, no I/O except in `read_report`.

Algorithm
---------
1. **Decode** (`decode_report`): UTF-8 (with or without BOM), UTF-16 with a BOM, else
   GB18030 (a superset of GBK). NUL bytes, undecodable bytes or a text full of control
   characters mean a binary file.
2. **Normalise lines**: unify line ends, strip whitespace (including U+00A0 and U+3000)
   at both edges of every line, drop control characters. The inside of a line is kept
   verbatim.
3. **Drop web-page noise**: metadata lines (发布日期:, 访问次数:, 信息来源: ...), font
   switches (【字体：大 中 小】), breadcrumbs. Footer lines (打印本页 关闭窗口, 版权所有,
   ICP备 ...) are kept as *terminators*: a section ends at the first one.
4. **Title**: the first short line near the top that ends like a document title
   (报告, 要点, 安排 ...); a title split over two lines is rejoined. A **notice**
   (关于印发《X》的通知, …关于印发 / X的通知) is named after X, the plan it carries, and its
   own lines are skipped (see `SKIP_REASONS`): everything up to X's title repeated above
   the plan, or, when X is not repeated, up to the last line before the first numbered one
   that reads as the notice's (各…： salutation, 现将…印发给你们, its signature, 附件 list).
5. **Find the forward section**: a heading is a *whole line*, numbered 三、 (top level),
   （三） (sub level, e.g. under 存在问题和下一步打算) or un-numbered. A candidate names
   a plan (任务, 打算, 思路, 计划, 安排, 重点, 举措, 方向 ...); it scores higher when it
   looks forward (下一步, 今后, 明年, or a year not before the plan year) and when it
   holds nothing but such words; a backward word (成效, 不足, 情况 ...) disqualifies it
   unless it also looks forward. So "下一步,我们将……" inside a 存在不足 paragraph is never
   a heading. Candidates are tried best first; the section runs to the next heading of
   the same or a higher level, a footer line or the end of text. A plan document
   (工作要点, 工作安排 ...) without such a heading is its own section: its whole body.
6. **Tasks**: the highest-ranked numbering present at line start below the heading's
   own level is the task level: 一、 > （一）/(一) > 1. / 1、 > （1）/(1) > ①. A digit
   after 、 is text (2、6月底前完成 is point 2), after a dot only when a month or a year
   follows (2.6月底前, 1．2022年6月底; 2.0 is a version). Lines before the first task form
   the goal. A task title is the text of its first line up to the first 。 (or the whole
   line when it has none, its body then following below). An item's short title
   (`short_title`) is its text to the first comma, passing over a clause that only says
   when (2022年6月底，全区完成文件清理。 is titled 全区完成文件清理).
7. **Items** of a task, from the text after the title:
   - if lower-level numbered sub-points exist (at line start, or inline after 。；：),
     each sub-point is one item; its ``text`` is the sub-point *without its number
     marker* (1. / （1） / ① / （一） ...), otherwise verbatim, its continuation lines
     joined with a newline. The item level is the highest-ranked numbering below the
     task's; a line numbered in another style is a sub-point of that level too when its
     number continues the run (1、 2、 （3） 4. are four items: offices mix the styles),
     and else a point *of* the sub-point above it (（一） then 1、 2、; 3、…： then （1）
     （2）): the run of such points starts anew under each sub-point;
   - **three levels** (一、 / （一） / 1、): tasks at the top, items at the second level,
     the third level's points kept whole, numbers and all, in their item's text (one line
     each), so that nothing is lost and the item is what a unit reports on; the item's
     due date is the latest its text names (step 12), the last of its points;
   - else a paragraph holding an inline run 一是……二是…… gives one item per 是-clause,
     again without the 一是 marker, with the clause's own closing punctuation (；or 。);
   - else each sentence (split at 。, outside brackets and quotes) is an item, 。 kept.
   Text before sub-points or 是-clauses yields sentence items too, except a fragment
   ending in a colon (an introduction such as 重点抓好以下工作：).
8. **Units**: lines 牵头单位:/责任单位:/配合单位: (ASCII or full-width colon, optionally in
   brackets) and bracketed notes at the end of an item (（牵头单位：县司法局；配合单位：县府
   办）) are recorded as ``lead_unit``/``assisting_units``; a unit keeps its own brackets
   (各乡镇（街道）, 县司法局（县法治办）), only an unbalanced one is cut. A unit line
   after a sub-point belongs to that item; after ordinary prose it belongs to the task,
   unless several prose paragraphs of one task each carry their own unit lines (then each
   belongs to the items of its paragraph). Several units after one label are split as the
   table reader splits a cell (`units_of`, shared): （责任单位：A、B） makes A the lead and B
   assisting, a unit marked （牵头） leads, and with a 配合单位 label beside it every unit
   of the lead label leads. Unit notes never become items and are cut from
   item text; a task's ``body`` keeps its paragraphs verbatim but without its own number
   marker and without stand-alone unit lines.
9. **Targets** (`extract_target`): the first clause (between , ， ； ; 。) holding a
   figure — a percentage (100%, ９５％, 百分之百), an Arabic count with a unit (3个, 10家,
   200人次; never a year, month or day), or 全覆盖 / 零突破 — with leading verbs such as
   推动/推进/确保/力争 stripped.
10. **Year**: a year in the heading; else the title's year (+1 for a 报告/总结 of year N,
    the same year for a plan); else the publication year; else the current year.
11. **Closing block**: in and after the section, 抄送：, a line such as 2022年3月1日印发,
    附件： (with the list under it: each line naming a document, or carrying the next
    number of a numbered list, 附件：1.…分解表 then 2.联络员名单), 联系人/联系电话, 共印30份
    (print_run) and （此件公开发布） are never items or task text; nor is a 附则 section
    (三、附则 to the next heading of its level or a higher one) or a clause such as
    本要点由…负责解释 / 本要点自印发之日起施行 (supplementary). 抄送 and …印发 end the
    document, so the lines after them (a wrapped 抄送 list, the issuing office) go too,
    and so does a trailing signature (office, date).
    Each is kept in ``ParsedPlan.skipped`` with its reason.
12. **Due dates** (`lawtasks.dates.deadline_in`, anchored to the plan year): a task's due
    date is the deadline its title names (三、……，年底前完成); an item's is the one its own
    text names, else its task's, else None (the end of the plan's period, which the
    service fills in). A deadline is said as one: 6月底前, 9月底前完成, 年内, 2022年12月31日
    前, or a period as the time of the work (第三季度开展…, 11月中旬组织…). The past
    (2021年6月，我县…, 截至2021年底), other years (到2025年底前) and bare dates (6月底，…) are
    not deadlines: when unclear, none. Of several, the latest: the work is done when its
    last step is.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from pathlib import Path

from lawtasks.dates import deadline_in
from lawtasks.domain import CONTROL_CLASS, INVISIBLE_CLASS, chinese_number
from lawtasks.errors import ReportParseError
from lawtasks.i18n import os_reason

__all__ = [
    "SKIP_REASONS",
    "ParsedItem",
    "ParsedPlan",
    "ParsedTask",
    "SkippedLine",
    "decode_report",
    "extract_target",
    "parse_report",
    "read_report",
    "short_title",
    "skip_reason",
    "split_units",
    "units_of",
]


@dataclass(frozen=True)
class ParsedItem:
    """One work item of a task: a sentence, a sub-point or a 是-clause."""

    seq: int
    title: str
    text: str
    target: str | None
    lead_unit: str | None = None
    assisting_units: str | None = None
    # The deadline its own text names, else its task's; None: the end of the plan's period.
    due: date | None = None
    # The person answerable (责任人), where a table names one; a plan's text never does.
    responsible_person: str | None = None


@dataclass(frozen=True)
class ParsedTask:
    """One numbered task; ``body`` is its text without its number marker."""

    seq: int
    numeral: str
    title: str
    body: str
    items: tuple[ParsedItem, ...]
    lead_unit: str | None = None
    assisting_units: str | None = None
    # The deadline its title names (三、……，年底前完成), or None.
    due: date | None = None


@dataclass(frozen=True)
class ParsedPlan:
    """The forward-looking part of a report, or a whole plan document."""

    title: str
    year: int
    goal: str
    heading: str
    source_name: str
    published: date | None
    tasks: tuple[ParsedTask, ...]
    # The document's lines left out on purpose, in document order (see SKIP_REASONS).
    skipped: tuple[SkippedLine, ...] = ()


# Why a line of the document was left out of the plan; the import summary says so per
# reason. Web-page noise (发布日期:, 打印本页 ...) is dropped without a record.
SKIP_REASONS = (
    "notice_preamble",  # a notice's own text before the plan it carries: 各乡镇（街道）：, 现将…
    "issuer",  # the issuing office, as a signature or in the closing block
    "issue_date",  # the signature's date, or 2022年3月1日印发
    "cc",  # 抄送：… (and its continuation lines)
    "attachment",  # 附件：…, 附件1, and the list under 附件：
    "contact",  # 联系人：…, 联系电话：…
    "disclosure",  # （此件公开发布）, 此件不公开
    "print_run",  # 共印30份: the 版记's count of printed copies
    "supplementary",  # a 附则 section: 本要点由…负责解释, 本要点自印发之日起施行
)


@dataclass(frozen=True)
class SkippedLine:
    """A line left out of the plan: its text as written and one of SKIP_REASONS."""

    text: str
    reason: str


# Shown in parse.no_section so that the user knows what a heading should look like.
LOOKED_FOR = "三、2022年主要工作任务 / 三、下一步工作计划 / 四、2024年工作思路"


# --------------------------------------------------------------------------- regexes

_CN_NUM = "[一二三四五六七八九十]{1,3}"
_DIGIT = "[0-9０-９]"

# Numbering families, highest rank first. A task level is one of these; items use a
# lower one.


class Level(IntEnum):
    """A numbering family; a smaller value ranks higher in the document outline."""

    TOP = 0  # 一、
    CN_PAREN = 1  # （一） or (一)
    ARABIC = 2  # 1. or 1、
    AR_PAREN = 3  # （1） or (1)
    CIRCLED = 4  # ①


# Line-start markers of each family; group "num" is the numeral as written. The ARABIC
# marker refuses a digit after a dot so that "2.0 数字化平台" is not a sub-point, unless a
# month or a year follows (2.6月底前, 1．2022年6月底); after 、 a digit is the item's own
# text (2、6月底前完成).
_MARKER_BODY: dict[Level, str] = {
    Level.TOP: rf"(?P<num>{_CN_NUM})\s*[、.．]",
    Level.CN_PAREN: rf"[（(]\s*(?P<num>{_CN_NUM})\s*[）)]",
    Level.ARABIC: (
        rf"(?P<num>{_DIGIT}{{1,2}})\s*"
        rf"(?:、|[.．](?!{_DIGIT})|[.．](?={_DIGIT}{{1,2}}月|{_DIGIT}{{4}}\s*年))"
    ),
    Level.AR_PAREN: rf"[（(]\s*(?P<num>{_DIGIT}{{1,2}})\s*[）)]",
    Level.CIRCLED: r"(?P<num>[①-⑳])",
}
_LINE_MARKER_RE: dict[Level, re.Pattern[str]] = {
    level: re.compile(rf"^{body}\s*") for level, body in _MARKER_BODY.items()
}
# Sub-points may also run inline, right after a full stop, semicolon or colon:
# "……。1.加强……；2.完善……". Top-level and (一) markers are never taken inline.
_INLINE_MARKER_RE: dict[Level, re.Pattern[str]] = {
    level: re.compile(rf"(?:(?<=[。；;：:])|^)\s*{_MARKER_BODY[level]}\s*")
    for level in (Level.ARABIC, Level.AR_PAREN, Level.CIRCLED)
}

# Inline enumeration 一是……二是……; the marker must follow punctuation or start the text
# so that 统一是 or 这是 never splits.
_SHI_RE = re.compile(rf"(?:(?<=[。；;，,：:\s])|^)(?P<num>{_CN_NUM})是")
_CN_ORDINALS = [
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    *(f"十{d}" for d in "一二三四五六七八九"),
    "二十",
]

# Web-page metadata lines: dropped wherever they are.
_META_RE = re.compile(
    r"^(?:发布日期|发布时间|发文日期|成文日期|更新时间|访问次数|浏览次数|阅读次数|点击次数|"
    r"点击数|访问量|信息来源|文章来源|来源|作者|编辑|责任编辑|审核|索引号|发布机构|发文机关|"
    r"发布单位|主题分类|文号|发文字号|有效性|字号|字体)\s*[:：]"
)
# A line made only of page controls (字体 大 中 小, 打印, 收藏, 分享 ...) and punctuation.
_NOISE_LINE_RE = re.compile(
    r"(?:字体|字号|打印本页|打印|关闭窗口|关闭|收藏本页|加入收藏|收藏|分享到|分享|扫一扫|"
    r"返回顶部|返回首页|默认|无障碍|繁体|简体|[大中小]|[^\w])+"
)
# Breadcrumbs such as "首页 > 政务公开 > 法治政府建设".
_BREADCRUMB_RE = re.compile(r"^(?:当前位置|您的位置|您现在的位置|所在位置)|首页\s*[>＞»›/]")
# Footer lines: a section never runs past them.
_FOOTER_RE = re.compile(
    r"打印本页|打印此页|关闭窗口|【打印】|【关闭】|版权所有|Copyright|©|ICP备|公网安备|"
    r"网站标识码|主办单位\s*[:：]|承办单位\s*[:：]|技术支持\s*[:：]|上一篇|下一篇|相关链接|相关文章"
)
_FOOTER_MAX_LEN = 80

# 发布日期: 2022- 02- 28 (the odd spaces come from the web page) or 2022年2月28日.
_PUBLISHED_RE = re.compile(
    r"(?:发布|发文|成文)(?:日期|时间)\s*[:：]?\s*(?P<y>[0-9]{4})\s*[-/.年]\s*(?P<m>[0-9]{1,2})"
    r"\s*[-/.月]\s*(?P<d>[0-9]{1,2})"
)

# A year as written in titles and headings: 2022年, ２０２２年 or 二〇二二年 (not the tail of a
# longer number).
_YEAR_RE = re.compile(r"(?<![0-9])(?P<y>[0-9]{4}|[〇零一二三四五六七八九]{4})\s*年")
_MIN_YEAR, _MAX_YEAR = 1949, 2200
_CN_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")

# What a document title ends with (optionally followed by a closing bracket).
_TITLE_END_RE = re.compile(r"(?:报告|要点|安排|计划|总结|方案|打算|思路|清单|意见|通知)[)）」”]?$")
_REPORT_TITLE_RE = re.compile(r"报告|总结")
_PLAN_TITLE_RE = re.compile(r"要点|安排|计划|方案|清单|打算|思路")
_TITLE_FRAGMENT_MAX = 12
_TITLE_MAX = 60

# Heading vocabulary (see step 5 of the module docstring).
_PLAN_WORD_RE = re.compile(r"任务|打算|思路|计划|安排|重点|举措|方向|要点|部署|目标|展望|谋划")
_FORWARD_WORD_RE = re.compile(r"下一步|下步|今后|明年|来年|新的一年|未来")
_BACKWARD_WORD_RE = re.compile(r"成效|成绩|情况|做法|经验|不足|问题|回顾|进展|亮点|成果|完成|总结")
# Everything a "pure" heading may consist of; anything left over makes it a task title.
_HEADING_FILLER_RE = re.compile(
    r"^[\u4e00-\u9fff]{1,4}[县市区](?=[0-9〇零一二三四五六七八九]{4})|"
    r"[0-9]{4}\s*年度?|[〇零一二三四五六七八九]{4}年度?|下一步|下步|今后|明年|来年|新的一年|"
    r"未来|近期|今年|主要|重点|工作|法治政府|法治|政府|建设|全县|我县|本县|的|和|及|与|以及|"
    r"任务|打算|思路|计划|安排|举措|方向|努力|要点|部署|目标|具体|展望|谋划|几点|建议|[、，,：:\s]"
)
_SUB_HEADING_MAX = 20

# Plan documents often open with a general-requirements block before the real tasks.
_GOAL_BLOCK_RE = re.compile(r"(?:总体要求|指导思想|总体目标|工作目标|基本原则|目标要求)[。：:]?")

# A signature at the end of a web page: an office name, then a date line.
_DATE_LINE_RE = re.compile(
    r"^(?:[0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日|"
    r"[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)$"
)
_ORG_LINE_RE = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}(?:人民政府|政府|办公室|委员会|局|办)$")

# A notice's closing block (版记) and the lines around its signature.
_CC_RE = re.compile(r"^[（(]?\s*(?:抄送|抄报|分送)\s*[:：]")
# The 版记's last line: the office (optional), then the date and 印发; never a sentence such
# as （三）《方案》已于2022年3月1日印发.
_ISSUED_RE = re.compile(
    r"^(?:[\u4e00-\u9fff（）()]{2,40}\s*)?"
    r"(?:[0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日|"
    r"[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)"
    r"\s*印\s*发[)）]?$"
)
_CONTACT_RE = re.compile(r"^[（(]?\s*(?:联\s*系\s*人|联系电话|联系方式|咨询电话)\s*[:：]")
_ATTACHMENT_RE = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*(?:[:：]|$)")
_ATTACHMENT_NAME_RE = re.compile(
    r"(?:报告|要点|安排|计划|总结|方案|清单|意见|通知|表|目录|办法|细则|制度)[)）」”]?$"
)
_PRINT_RUN_RE = re.compile(
    r"^[（(]?\s*共印\s*[0-9０-９〇零一二三四五六七八九十百千]+\s*份\s*[）)]?$"
)
# A 附则 heading (三、附则) and the clauses such a section holds, wherever they stand.
_SUPPLEMENTARY_HEADING_RE = re.compile(r"附\s*则[。：:]?")
_SUPPLEMENTARY_RE = re.compile(
    r"^本(?:要点|方案|计划|安排|意见|办法|细则|通知|清单)[^。]{0,40}"
    r"(?:负责解释|解释权|之日起(?:施行|执行|实施)|起(?:施行|执行|实施))"
)
_DISCLOSURE_RE = re.compile(
    r"[（(]?\s*此件(?:公开发布|主动公开|不公开|不予公开|依申请公开)\s*[）)]?"
)
# These end a document: whatever follows them is the closing block too.
_ENDS_DOCUMENT = ("cc", "issue_date")
# 关于印发《X》的通知, 桐庐县人民政府办公室关于印发X的通知, 关于转发…的通知.
_NOTICE_TITLE_RE = re.compile(r"(?:印发|转发|下发)(?P<plan>.+?)的?通知$")
# 桐庐县人民政府办公室关于印发 / 桐庐县2022年法治政府建设工作要点的通知: one title.
_NOTICE_START_RE = re.compile(r"(?:印发|转发|下发)$")
_QUOTED_TITLE_RE = re.compile(r"《(?P<title>[^《》]+)》")
# The notice's own words: 各乡镇（街道）、县级各部门： and 现将《…》印发给你们，….
_SALUTATION_RE = re.compile(r"各[^。；;]{1,80}[:：]")
_NOTICE_LINE_RE = re.compile(r"印发给你们|现印发|现予印发|请结合实际|请认真|遵照执行|贯彻执行")

# Responsible units. 主办单位 is deliberately absent: it is a web-page footer label.
_LEAD_LABELS = "牵头单位|责任单位|主责单位|牵头部门|责任部门"
_ASSIST_LABELS = "配合单位|配合部门|协办单位|协同单位|参与单位"
_UNIT_LABEL_RE = re.compile(rf"(?P<label>{_LEAD_LABELS}|{_ASSIST_LABELS})\s*[:：]")
_UNIT_LINE_RE = re.compile(rf"^[（(]?\s*(?:{_LEAD_LABELS}|{_ASSIST_LABELS})\s*[:：]")
# A note may hold unit names with brackets of their own: （配合单位：各乡镇（街道））.
_UNIT_NOTE_RE = re.compile(
    rf"\s*[（(]\s*(?:{_LEAD_LABELS}|{_ASSIST_LABELS})\s*[:：]"
    r"[^（）()]*(?:[（(][^（）()]*[）)][^（）()]*)*[）)]"
)
# Separators around a unit value; brackets are cut only when unbalanced (see _unit_value).
_UNIT_VALUE_STRIP = " \t；;，,。.、"

# Brackets and quotes inside which 。 and commas do not end a sentence or a short title.
_OPENERS = "（(《“‘「『【〔"
_CLOSERS = "）)》”’」』】〕"
_CLOSING_AFTER_STOP = "”’」』）)"

# Short titles stop at the first of these outside brackets.
_TITLE_STOPS = ",，;；。:：!！?？\n"
# A clause that only says when: 2022年6月底, 年底前, 上半年, 10月15日以前, 截至6月.
_WHEN_ONLY_RE = re.compile(
    r"(?:到|至|截至|截止|在|于|从|自)?(?:今年|本年度?)?"
    r"(?=[^，,]*(?:年|月|季度|旬))"
    r"[0-9０-９〇零一二三四五六七八九十年月日号底初末上中下旬半季度第]+"
    r"(?:前|以前|之前|内|以内|起|前后|左右|期间)?"
)
# Targets live in one clause: the text between two of these (or two lines).
_CLAUSE_SPLIT_RE = re.compile(r"[,，;；。\n]")
# Figures. Counts need an Arabic number and a unit; 年/月/日 are not units, so 2022年 and
# 6月底 are never targets. 分钟 precedes 分 so that 15分钟 is read whole.
# The look-behinds start a number at its first digit, which keeps long digit runs linear.
_PERCENT = (
    rf"(?<![0-9０-９.．]){_DIGIT}+(?:[.．]{_DIGIT}+)?\s*[%％‰]"
    r"|百分之[零〇一二三四五六七八九十百两点]+"
)
_UNITS = (
    "个工作日|工作日|人次|万元|亿元|小时|分钟|平方米|公里|千米|课时|学时|"
    "个|家|件|项|人|名|场|次|批|所|条|篇|份|期|户|起|套|类|处|支|座|村|部|本|元|天|"
    "台|辆|张|册|轮|届|位|种|例|宗|亩|吨|堂|分"
)
_COUNT = (
    rf"(?<![0-9０-９.．]){_DIGIT}+(?:[.．]{_DIGIT}+)?\s*(?:万|亿|千)?\s*(?:余|多)?\s*(?:{_UNITS})"
)
_FIGURE_RE = re.compile(rf"{_PERCENT}|{_COUNT}|全覆盖|零突破")
# Leading verbs and connectives that are not part of the measured thing.
_TARGET_LEAD_RE = re.compile(
    r"^(?:推动|推进|确保|力争|争取|努力|促进|保证|保持|实现|做到|全力|着力|进一步|并且|并|同时)"
)

# Control characters other than tab and newline are dropped, and so are the invisible ones
# (zero-width spaces, bidi controls, BOM): nothing downstream wants them.
_CONTROL_RE = re.compile(f"[{CONTROL_CLASS}{INVISIBLE_CLASS}]")
# Decoded text with more control characters than this share is taken for binary.
_BINARY_CONTROL_SHARE = 200


# --------------------------------------------------------------------------- decoding


def decode_report(data: bytes, *, source_name: str = "") -> str:
    """Decode the bytes of a report: UTF-8 (BOM or not), UTF-16 with BOM, GBK/GB18030."""
    source = source_name or "<text>"
    text: str | None = None
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            text = _try_decode(data[len(bom) :], encoding)
            break
    else:
        if b"\x00" not in data:
            text = _try_decode(data, "utf-8") or _try_decode(data, "gb18030")
    if text is None or "\x00" in text or _looks_binary(text):
        raise ReportParseError("parse.undecodable", source=source)
    return text


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\x7f")
    return controls > len(text) // _BINARY_CONTROL_SHARE


def read_report(path: Path) -> ParsedPlan:
    """Read, decode and parse the report at ``path``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportParseError("parse.unreadable", source=str(path), reason=os_reason(exc)) from exc
    text = decode_report(data, source_name=path.name)
    return parse_report(text, source_name=path.name)


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class _Line:
    text: str
    footer: bool


def _normalise(text: str) -> list[str]:
    """Split into lines stripped at both edges; control characters dropped."""
    return [_CONTROL_RE.sub("", line).strip() for line in text.splitlines()]


def _is_noise(line: str) -> bool:
    return bool(
        _META_RE.match(line) or _NOISE_LINE_RE.fullmatch(line) or _BREADCRUMB_RE.search(line)
    )


def _is_footer(line: str) -> bool:
    return len(line) <= _FOOTER_MAX_LEN and "。" not in line and bool(_FOOTER_RE.search(line))


def _content_lines(lines: list[str]) -> list[_Line]:
    """Non-empty lines without noise; footer lines kept but flagged."""
    result: list[_Line] = []
    for line in lines:
        if not line:
            continue
        if _is_footer(line):
            result.append(_Line(line, footer=True))
        elif not _is_noise(line):
            result.append(_Line(line, footer=False))
    return result


def _line_marker(line: str) -> tuple[Level, str, int] | None:
    """The numbering marker opening ``line``: (family, numeral, end of marker)."""
    for level, pattern in _LINE_MARKER_RE.items():
        match = pattern.match(line)
        if match:
            return level, match.group("num"), match.end()
    return None


# --------------------------------------------------------------------------- title, dates


def _published(text: str) -> date | None:
    match = _PUBLISHED_RE.search(text)
    if match is None:
        return None
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


def _year_value(written: str) -> int | None:
    year = int(written.translate(_CN_YEAR_DIGITS))
    return year if _MIN_YEAR <= year <= _MAX_YEAR else None


def first_year(text: str) -> int | None:
    """The first year `text` names (2022年, ２０２２年, 二〇二二年), or None."""
    for match in _YEAR_RE.finditer(unicodedata.normalize("NFKC", text)):
        year = _year_value(match["y"])
        if year is not None:
            return year
    return None


def _is_body_line(line: str) -> bool:
    return len(line) > _TITLE_MAX or "。" in line or _line_marker(line) is not None


def _find_title(lines: list[_Line]) -> tuple[str, int]:
    """The document title and the index of the line after it (0 if there is none)."""
    window: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if _is_body_line(line.text):
            break
        if not line.footer:
            window.append((index, line.text))
    for pos, (index, text) in enumerate(window):
        if _TITLE_END_RE.search(text):
            if pos > 0 and (
                _is_title_start(window[pos - 1][1], text)
                or (text.endswith("通知") and _NOTICE_START_RE.search(window[pos - 1][1]))
            ):
                return window[pos - 1][1] + text, index + 1
            return text, index + 1
    if window:
        index, text = window[0]
        return text, index + 1
    return "", 0


def _is_title_start(previous: str, line: str) -> bool:
    """Whether ``previous`` is the first half of a title whose end is ``line``."""
    return (
        len(line) <= _TITLE_FRAGMENT_MAX
        and first_year(line) is None
        and _TITLE_END_RE.search(previous) is None
        and not any(ch in previous for ch in "，,。；;：:")
        and (first_year(previous) is not None or previous.startswith("关于"))
    )


def plan_year_of_title(title: str) -> int | None:
    """The year a document's title plans: the year it names, or the year after for a
    year's 报告 or 总结 (2021年法治政府建设工作报告 plans 2022)."""
    year = first_year(title)
    if year is None:
        return None
    return year + 1 if _REPORT_TITLE_RE.search(title) else year


def _is_plan_document(title: str) -> bool:
    return bool(_PLAN_TITLE_RE.search(title)) and not _REPORT_TITLE_RE.search(title)


# --------------------------------------------------------------------------- headings


@dataclass(frozen=True)
class _Heading:
    index: int
    text: str
    level: Level | None  # None: an un-numbered heading line
    score: int


def _heading_score(words: str, plan_year: int | None) -> int | None:
    """Score heading text (its marker removed), or None if it names no forward section."""
    if not _PLAN_WORD_RE.search(words):
        return None
    year = first_year(words)
    forward = bool(_FORWARD_WORD_RE.search(words)) or (
        year is not None and (plan_year is None or year >= plan_year)
    )
    backward = bool(_BACKWARD_WORD_RE.search(words))
    pure = _HEADING_FILLER_RE.sub("", words) == ""
    if (backward and not forward) or not (pure or forward):
        return None
    return 1 + 2 * pure + 2 * forward - 2 * backward


def _heading_candidates(lines: list[_Line], start: int, plan_year: int | None) -> list[_Heading]:
    """Possible forward-section headings, best first."""
    found: list[_Heading] = []
    for index in range(start, len(lines)):
        line = lines[index]
        if line.footer:
            continue
        marker = _line_marker(line.text)
        level = marker[0] if marker else None
        if level is not None and level > Level.CN_PAREN:
            continue
        words = line.text[marker[2] :] if marker else line.text
        score = _heading_score(words, plan_year)
        if score is None:
            continue
        if level is not Level.TOP:
            # Sub-level and un-numbered headings must be short, plain and clearly forward.
            if len(words) > _SUB_HEADING_MAX or any(ch in words for ch in "。，,；;"):
                continue
            if score < 5:
                continue
        found.append(_Heading(index, line.text, level, score))
    rank = {Level.TOP: 2, Level.CN_PAREN: 1, None: 0}
    return sorted(found, key=lambda h: (h.score, rank[h.level], h.index), reverse=True)


def _section(lines: list[_Line], start: int, level: Level | None) -> tuple[list[str], int]:
    """The lines from ``start`` to the next heading of ``level`` or higher, or a footer,
    and the index where the section stopped."""
    result: list[str] = []
    for index in range(start, len(lines)):
        line = lines[index]
        if line.footer:
            if result:
                return result, index
            continue
        marker = _line_marker(line.text)
        if level is not None and marker is not None and marker[0] <= level:
            return result, index
        result.append(line.text)
    return result, len(lines)


def _plan_lines(
    lines: list[_Line], start: int, level: Level | None
) -> tuple[list[str], list[SkippedLine]]:
    """The section's lines without its closing block, and the lines skipped in the section
    and in the closing block after it (up to the page's footer)."""
    section, end = _section(lines, start, level)
    kept, skipped = _closing_block(section)
    tail: list[str] = []
    for line in lines[end:]:
        if line.footer:
            break
        tail.append(line.text)
    return kept, skipped + _closing_block(tail)[1]


# --------------------------------------------------------------------------- closing block


def _signature_reason(line: str) -> str | None:
    """issuer or issue_date for a line that could sign the document, else None."""
    if _DATE_LINE_RE.match(line):
        return "issue_date"
    if _ORG_LINE_RE.match(line):
        return "issuer"
    return None


def skip_reason(line: str) -> str | None:
    """Why a line standing alone (around a table, say) is a notice's and not the plan's:
    one of SKIP_REASONS, or None for a line that may belong to the plan."""
    return _closing_reason(line, _Closing()) or _signature_reason(line)


@dataclass
class _Closing:
    """What the lines read so far say about the next: the reason of the line before (the
    list under 附件： runs on), and the number the next entry of a numbered 附件 list
    carries (附件：1.… then 2.…), None when the list is not numbered."""

    previous: str | None = None
    next_attachment: int | None = None
    # The numbering family of a 附则 heading (三、附则): its section runs to the next
    # heading of that family or a higher one.
    supplementary: Level | None = None

    def read(self, line: str, reason: str | None) -> None:
        """Note ``line``, skipped for ``reason`` (None: kept)."""
        self.previous = reason
        marker = _line_marker(line)
        if marker is not None and _SUPPLEMENTARY_HEADING_RE.fullmatch(line[marker[2] :]):
            self.supplementary = marker[0]
        elif (
            marker is not None
            and self.supplementary is not None
            and (marker[0] <= self.supplementary)
        ):
            self.supplementary = None  # the next section: work again
        if reason != "attachment":
            self.next_attachment = None
            return
        label = _ATTACHMENT_RE.match(line)
        entry = line[label.end() :].strip() if label else line
        if label and not entry:
            self.next_attachment = 1  # 附件： alone, the list below it
            return
        marker = _line_marker(entry)
        numbered = marker is not None and marker[0] in (Level.ARABIC, Level.AR_PAREN)
        self.next_attachment = _marker_number(marker[1]) + 1 if marker and numbered else None


def _closing_reason(line: str, state: _Closing) -> str | None:
    """Why ``line`` belongs to a notice's closing block (or preamble), or None."""
    if _CC_RE.match(line):
        return "cc"
    if _ISSUED_RE.search(line):
        return "issue_date"
    if _CONTACT_RE.match(line):
        return "contact"
    if _ATTACHMENT_RE.match(line):
        return "attachment"
    if _DISCLOSURE_RE.fullmatch(line):
        return "disclosure"
    if _PRINT_RUN_RE.match(line):
        return "print_run"
    if _SUPPLEMENTARY_RE.match(line):
        return "supplementary"
    marker = _line_marker(line)
    if marker is not None and _SUPPLEMENTARY_HEADING_RE.fullmatch(line[marker[2] :]):
        return "supplementary"
    if state.previous == "attachment" and (
        _is_attachment_entry(line) or _continues_attachments(line, state.next_attachment)
    ):
        return "attachment"
    if state.supplementary is not None and (marker is None or marker[0] > state.supplementary):
        return "supplementary"
    return None


def _continues_attachments(line: str, number: int | None) -> bool:
    """2.联络员名单 after 附件：1.…分解表: the next number of the list, no sentence."""
    marker = _line_marker(line)
    return (
        number is not None
        and marker is not None
        and marker[0] in (Level.ARABIC, Level.AR_PAREN)
        and _marker_number(marker[1]) == number
        and not any(ch in line for ch in "。；;")
        and len(line) <= _TITLE_MAX
    )


def _is_attachment_entry(line: str) -> bool:
    """2．桐庐县2022年法治政府建设重点任务分工表: a numbered document name, no sentence."""
    marker = _line_marker(line)
    return (
        marker is not None
        and "。" not in line
        and bool(_ATTACHMENT_NAME_RE.search(line[marker[2] :]))
    )


def _closing_block(lines: list[str]) -> tuple[list[str], list[SkippedLine]]:
    """A section's lines without its closing block, and the lines skipped.

    Contact, attachment and disclosure lines are skipped wherever they are; 抄送 and a
    line such as 2022年3月1日印发 end the document, so every line after them is skipped too
    (a wrapped 抄送 list, the issuing office); a trailing office name and date (the
    signature) are skipped as well."""
    reasons: list[str | None] = []
    state = _Closing()
    ended = False
    for line in lines:
        reason = _closing_reason(line, state)
        if ended and reason is None:
            reason = _signature_reason(line) or state.previous
        ended = ended or reason in _ENDS_DOCUMENT
        reasons.append(reason)
        state.read(line, reason)
    end = len(lines)
    while end > 0 and (reasons[end - 1] or _signature_reason(lines[end - 1])):
        reasons[end - 1] = reasons[end - 1] or _signature_reason(lines[end - 1])
        end -= 1
    kept = [line for line, reason in zip(lines, reasons, strict=True) if reason is None]
    skipped = [
        SkippedLine(line, reason)
        for line, reason in zip(lines, reasons, strict=True)
        if reason is not None
    ]
    return kept, skipped


# --------------------------------------------------------------------------- notices


def _carried_plan(title: str) -> str | None:
    """The plan a notice carries: 关于印发《X》的通知 gives X, when X names a plan or report."""
    match = _NOTICE_TITLE_RE.search(title)
    if match is None:
        return None
    carried = match["plan"].strip()
    quoted = _QUOTED_TITLE_RE.search(carried)
    if quoted is not None:
        carried = quoted["title"]
    if _PLAN_TITLE_RE.search(carried) or _REPORT_TITLE_RE.search(carried):
        return carried
    return None


def _compact(text: str) -> str:
    return re.sub(r"[\s《》]", "", text)


def _repeated_title(lines: list[_Line], start: int, title: str) -> tuple[int, int] | None:
    """Where the carried plan's own title line is (one line or two): (first, after)."""
    wanted = _compact(title)
    for index in range(start, len(lines)):
        text = _compact(lines[index].text)
        if text == wanted:
            return index, index + 1
        if (
            index + 1 < len(lines)
            and wanted.startswith(text)
            and text + _compact(lines[index + 1].text) == wanted
        ):
            return index, index + 2
    return None


def _preamble(lines: list[_Line], start: int, title: str) -> tuple[int, list[SkippedLine]]:
    """Where a notice's plan begins, and the notice's own lines before it.

    The plan begins after its repeated title; without one, after the last line before the
    first numbered line that reads as the notice's (salutation, 现将…印发, signature, 附件).
    """
    found = _repeated_title(lines, start, title)
    if found is not None:
        first, body = found
        preamble = [line.text for line in lines[start:first] if not line.footer]
    else:
        body = start
        state = _Closing()
        for index in range(start, len(lines)):
            text = lines[index].text
            reason = _closing_reason(text, state) or _signature_reason(text)
            if _line_marker(text) is not None and reason is None:
                break
            if reason or _NOTICE_LINE_RE.search(text) or _SALUTATION_RE.fullmatch(text):
                body = index + 1
            state.read(text, reason)
        preamble = [line.text for line in lines[start:body] if not line.footer]
    skipped: list[SkippedLine] = []
    state = _Closing()
    for text in preamble:
        reason = _closing_reason(text, state) or _signature_reason(text) or "notice_preamble"
        state.read(text, reason)
        skipped.append(SkippedLine(text, reason))
    return body, skipped


# --------------------------------------------------------------------------- units


@dataclass
class _Units:
    lead: list[str] = field(default_factory=list)
    assisting: list[str] = field(default_factory=list)

    def add(self, other: _Units) -> None:
        self.lead.extend(u for u in other.lead if u not in self.lead)
        self.assisting.extend(u for u in other.assisting if u not in self.assisting)

    def lead_text(self) -> str | None:
        return "、".join(self.lead) or None

    def assisting_text(self) -> str | None:
        return "、".join(self.assisting) or None


def _parse_units(note: str) -> _Units:
    """Read 牵头单位：A；配合单位：B (any order, any separators) into units. Several units
    after one label are split as `units_of` splits a table's cells: under a lead label
    with no assisting one, the first (or those marked （牵头）) lead and the rest assist."""
    lead: list[str] = []
    assisting: list[str] = []
    matches = list(_UNIT_LABEL_RE.finditer(note))
    for pos, match in enumerate(matches):
        end = matches[pos + 1].start() if pos + 1 < len(matches) else len(note)
        value = _unit_value(note[match.end() : end])
        if value:
            (lead if re.fullmatch(_LEAD_LABELS, match["label"]) else assisting).append(value)
    joined = ("、".join(lead), "、".join(assisting))
    lead, assisting = _unit_lists(*joined, has_assisting=bool(assisting))
    return _Units(lead=lead, assisting=assisting)


def _unit_value(raw: str) -> str:
    """A unit name without separators and without brackets that close or open nothing:
    各乡镇（街道）and 县司法局（县法治办）stay whole, the note's own ）goes."""
    value = raw.strip(_UNIT_VALUE_STRIP)
    while value and value[-1] in "）)" and _depth(value) < 0:
        value = value[:-1].rstrip(_UNIT_VALUE_STRIP)
    while value and value[0] in "（(" and _depth(value) > 0:
        value = value[1:].lstrip(_UNIT_VALUE_STRIP)
    return value


def _depth(text: str) -> int:
    return sum(text.count(ch) for ch in "（(") - sum(text.count(ch) for ch in "）)")


def _unit_line(line: str) -> _Units | None:
    """The units of a stand-alone 牵头单位:/配合单位: line, or None for other lines."""
    return _parse_units(line) if _UNIT_LINE_RE.match(line) else None


def _strip_unit_notes(text: str) -> tuple[str, _Units]:
    """Cut bracketed unit notes out of ``text``; return the rest and the units."""
    units = _Units()
    for match in _UNIT_NOTE_RE.finditer(text):
        units.add(_parse_units(match.group()))
    return _UNIT_NOTE_RE.sub("", text).strip(), units


# Units written as a list (the xlsx reader's cells and a notice's unit notes alike):
# separators outside brackets; labels inside a cell; (牵头) after a name.
_UNIT_SEPARATORS = "、，,;；/／\n\t 　"
_LEAD_LABEL_RE = re.compile(r"(?:牵头单位|责任单位|牵头部门|责任部门|主责单位)\s*[:：]")
_ASSIST_LABEL_RE = re.compile(r"(?:配合单位|配合部门|协办单位|参与单位)\s*[:：]")
_LEAD_MARK_RE = re.compile(r"[（(]\s*牵头\s*[）)]$")
_ASSIST_MARK_RE = re.compile(r"[（(]\s*(?:配合|协办|参与)\s*[）)]$")


def split_units(text: str) -> list[str]:
    """The units named in a cell, in order: separators outside brackets divide them."""
    names: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(0, depth - 1)
        if char in _UNIT_SEPARATORS and depth == 0:
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    result: list[str] = []
    for name in (n.strip(" 。.：:") for n in names):
        if name and name not in result:
            result.append(name)
    return result


def units_of(lead_cell: str, assisting_cell: str, *, has_assisting: bool) -> tuple[str, str]:
    """(lead units, assisting units), each joined with 、 ("" for none)."""
    lead, assisting = _unit_lists(lead_cell, assisting_cell, has_assisting=has_assisting)
    return "、".join(lead), "、".join(assisting)


def _unit_lists(
    lead_cell: str, assisting_cell: str, *, has_assisting: bool
) -> tuple[list[str], list[str]]:
    """`units_of` before joining: the first lead unless （牵头） marks others or a separate
    assisting cell (or label) exists, then every named unit leads."""
    lead: list[str] = []
    assisting: list[str] = []
    labelled = _labelled_units(lead_cell)
    if labelled is not None:
        lead, assisting = labelled
    else:
        names = split_units(lead_cell)
        marked = [name for name in names if _LEAD_MARK_RE.search(name)]
        if marked:
            lead = [_LEAD_MARK_RE.sub("", name).strip() for name in marked]
            assisting = [_ASSIST_MARK_RE.sub("", n).strip() for n in names if n not in marked]
        elif has_assisting:
            lead = names
        else:
            lead, assisting = names[:1], names[1:]
    for written in split_units(assisting_cell):
        name = _ASSIST_MARK_RE.sub("", written).strip()
        if name and name not in assisting and name not in lead:
            assisting.append(name)
    return lead, assisting


def _labelled_units(cell: str) -> tuple[list[str], list[str]] | None:
    """牵头单位：A；配合单位：B、C written in one cell, or None when it has no labels."""
    marks = sorted(
        [(m.start(), m.end(), "lead") for m in _LEAD_LABEL_RE.finditer(cell)]
        + [(m.start(), m.end(), "assisting") for m in _ASSIST_LABEL_RE.finditer(cell)]
    )
    if not marks:
        return None
    lead: list[str] = []
    assisting: list[str] = []
    for pos, (_, end, kind) in enumerate(marks):
        stop = marks[pos + 1][0] if pos + 1 < len(marks) else len(cell)
        (lead if kind == "lead" else assisting).extend(split_units(cell[end:stop]))
    return lead, assisting


# --------------------------------------------------------------------------- sentences


def _split_sentences(text: str) -> list[str]:
    """Split at 。 outside brackets and quotes; each piece keeps its 。 (and a closing
    quote right after it). Unbalanced brackets fall back to a plain split."""
    pieces = _split_at_stops(text, respect_brackets=True)
    if pieces is None:
        pieces = _split_at_stops(text, respect_brackets=False) or []
    return [piece.strip() for piece in pieces if piece.strip()]


def _split_at_stops(text: str, *, respect_brackets: bool) -> list[str] | None:
    pieces: list[str] = []
    depth = 0
    start = 0
    pos = 0
    while pos < len(text):
        ch = text[pos]
        if respect_brackets and ch in _OPENERS:
            depth += 1
        elif respect_brackets and ch in _CLOSERS and depth > 0:
            depth -= 1
        elif ch == "。" and depth == 0:
            end = pos + 1
            while end < len(text) and text[end] in _CLOSING_AFTER_STOP:
                end += 1
            pieces.append(text[start:end])
            start = pos = end
            continue
        pos += 1
    if depth:
        return None
    pieces.append(text[start:])
    return pieces


def short_title(sentence: str) -> str:
    """The short title of an item: its text up to the first comma (or a stronger stop:
    semicolon, colon, full stop), outside brackets and quotes; no trailing 。. A clause
    that only says when (2022年6月底，全区完成… ; 年底前，…) is passed over: the title is the
    work, the clause after it.

    >>> short_title("2022年6月底，全区完成文件清理。")
    '全区完成文件清理'
    """
    text = sentence.strip()
    while (lead := _title_clause(text)) is not None and _WHEN_ONLY_RE.fullmatch(lead[0]):
        rest = text[lead[1] :].strip()
        if not rest or not any(ch.isalnum() for ch in rest):
            break
        text = rest
    first = _title_clause(text)
    return first[0] if first is not None else text.rstrip("。；;，,：:").strip() or text


def _title_clause(text: str) -> tuple[str, int] | None:
    """The text up to the first title stop outside brackets, and where the rest begins;
    None when there is no such stop."""
    depth = 0
    for pos, ch in enumerate(text):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS and depth > 0:
            depth -= 1
        elif ch in _TITLE_STOPS and depth == 0 and pos > 0:
            return text[:pos].strip(), pos + 1
    return None


def extract_target(sentence: str) -> str | None:
    """The clause of ``sentence`` holding a quantitative figure, leading verbs stripped.

    >>> extract_target("加强机制建设,推动涉法事项合法性审查达到100%。")
    '涉法事项合法性审查达到100%'
    """
    for raw_clause in _CLAUSE_SPLIT_RE.split(sentence):
        clause = raw_clause.strip()
        if not _FIGURE_RE.search(clause):
            continue
        while (match := _TARGET_LEAD_RE.match(clause)) and _FIGURE_RE.search(clause[match.end() :]):
            clause = clause[match.end() :].strip()
        return clause
    return None


# --------------------------------------------------------------------------- items


@dataclass
class _Block:
    """A stretch of a task's body: a numbered sub-point or a plain paragraph."""

    sub: bool
    parts: list[str] = field(default_factory=list)
    units: _Units = field(default_factory=_Units)
    has_unit_line: bool = False


@dataclass
class _Draft:
    text: str
    units: _Units


def _split_subpoints(text: str, level: Level) -> list[tuple[bool, str]]:
    """Split a paragraph at sub-point markers of ``level``: [(starts_sub_point, text)].

    A marker at line start always counts; an inline one only while the numbers run on
    (first one any number, then each one more than the last)."""
    pieces: list[tuple[bool, str]] = []
    cuts: list[tuple[int, int]] = []
    previous: int | None = None
    pattern = _INLINE_MARKER_RE.get(level, _LINE_MARKER_RE[level])
    for match in pattern.finditer(text):
        number = _marker_number(match["num"])
        if match.start() == 0 or previous is None or number == previous + 1:
            cuts.append((match.start(), match.end()))
            previous = number
    if not cuts:
        return [(False, text)]
    if cuts[0][0] > 0:
        pieces.append((False, text[: cuts[0][0]]))
    for pos, (_, end) in enumerate(cuts):
        stop = cuts[pos + 1][0] if pos + 1 < len(cuts) else len(text)
        pieces.append((True, text[end:stop]))
    return pieces


def _marker_number(numeral: str) -> int:
    if "①" <= numeral <= "⑳":
        return ord(numeral) - ord("①") + 1
    return chinese_number(numeral) or 0


def _item_level(paras: list[str], task_level: Level) -> Level | None:
    """The numbering family of a task's sub-points, if it has any."""
    lower = [level for level in Level if level > task_level]
    for level in lower:
        if any(_LINE_MARKER_RE[level].match(p) for p in paras if _unit_line(p) is None):
            return level
    for level in lower:
        inline = _INLINE_MARKER_RE.get(level)
        if inline is None:
            continue
        for para in paras:
            if sum(1 for is_sub, _ in _split_subpoints(para, level) if is_sub) >= 2:
                return level
    return None


@dataclass
class _Outline:
    """Where a task's sub-points stand: the number of the last one, and the numbering
    families seen below it (its own points, kept in its text)."""

    number: int = 0
    nested: set[Level] = field(default_factory=set)

    def sibling(self, para: str, level: Level, task_level: Level) -> tuple[int, int] | None:
        """(number, end of marker) when ``para`` opens a sub-point numbered in another style
        than ``level`` that continues the run (1、 then （2） then 3、); None otherwise (a point
        of the sub-point above, e.g. （一） then 1、 2、, or no marker at all)."""
        marker = _line_marker(para)
        if marker is None or marker[0] <= task_level or marker[0] == level:
            return None
        number = _marker_number(marker[1])
        if marker[0] in self.nested or number != self.number + 1:
            if self.number:
                self.nested.add(marker[0])
            return None
        return number, marker[2]

    def start(self, number: int) -> None:
        self.number = number
        self.nested = set()


def _blocks(paras: list[str], level: Level | None, task_level: Level) -> list[_Block]:
    """Group a task's paragraphs (the first being the rest of the title line) into blocks.

    A sub-point is a line opening with a marker of ``level``, or with a marker of another
    style whose number continues the run (offices mix 1、 and （2） for one level); other
    numbered lines below a sub-point are its own points and stay in its text."""
    blocks: list[_Block] = []
    outline = _Outline()
    for index, para in enumerate(paras):
        units = _unit_line(para) if index else None
        if units is not None:
            if not blocks:
                blocks.append(_Block(sub=False))
            blocks[-1].units.add(units)
            blocks[-1].has_unit_line = True
            continue
        mixed = outline.sibling(para, level, task_level) if level is not None else None
        if mixed is not None:
            outline.start(mixed[0])
            blocks.append(_Block(sub=True, parts=[para[mixed[1] :]]))
            continue
        if level is not None and (marker := _LINE_MARKER_RE[level].match(para)):
            outline.start(_marker_number(marker["num"]))
        pieces = [(False, para)] if level is None else _split_subpoints(para, level)
        for pos, (is_sub, text) in enumerate(pieces):
            last = blocks[-1] if blocks else None
            if is_sub:
                blocks.append(_Block(sub=True, parts=[text]))
            elif pos == 0 and index and last and last.sub and not last.has_unit_line:
                last.parts.append(text)  # a continuation line of the sub-point above
            else:
                blocks.append(_Block(sub=False, parts=[text]))
    return blocks


def _shi_clauses(text: str) -> list[str] | None:
    """Split an inline 一是……二是…… run; None unless there are two clauses or more.

    The text before 一是 comes first in the result (it may be empty)."""
    cuts: list[tuple[int, int]] = []
    for match in _SHI_RE.finditer(text):
        if len(cuts) < len(_CN_ORDINALS) and match["num"] == _CN_ORDINALS[len(cuts)]:
            cuts.append((match.start(), match.end()))
    if len(cuts) < 2:
        return None
    clauses = [text[: cuts[0][0]]]
    for pos, (_, end) in enumerate(cuts):
        stop = cuts[pos + 1][0] if pos + 1 < len(cuts) else len(text)
        clauses.append(text[end:stop])
    return clauses


def _prose_fragments(text: str) -> list[str]:
    """The item texts of a plain paragraph: 是-clauses if present, else sentences."""
    clauses = _shi_clauses(text)
    if clauses is None:
        return _split_sentences(text)
    return [*_split_sentences(clauses[0]), *(c.strip() for c in clauses[1:] if c.strip())]


def _drafts(block: _Block, owner: _Units) -> list[_Draft]:
    """Items of one block; unit notes standing alone go to the previous item or ``owner``."""
    texts = (
        ["\n".join(p.strip() for p in block.parts).strip()]
        if block.sub
        else [fragment for part in block.parts for fragment in _prose_fragments(part)]
    )
    drafts: list[_Draft] = []
    for raw in texts:
        text, units = _strip_unit_notes(raw)
        if not any(ch.isalnum() for ch in text):  # nothing but punctuation left
            (drafts[-1].units if drafts else owner).add(units)
        elif not block.sub and text[-1] in "：:":
            continue  # an introduction such as 重点抓好以下工作：
        else:
            drafts.append(_Draft(text, units))
    return drafts


def _items_and_units(paras: list[str], task_level: Level) -> tuple[list[_Draft], _Units]:
    """Items of a task and the units that belong to the task itself."""
    task_units = _Units()
    blocks = _blocks(paras, _item_level(paras, task_level), task_level)
    per_paragraph = sum(1 for b in blocks if not b.sub and b.has_unit_line) >= 2
    drafts: list[_Draft] = []
    for block in blocks:
        block_drafts = _drafts(block, task_units)
        if block.sub and block_drafts:
            block_drafts[-1].units.add(block.units)
        elif block.sub and drafts:
            drafts[-1].units.add(block.units)
        elif not block.sub and per_paragraph and block_drafts:
            for draft in block_drafts:
                draft.units.add(block.units)
        else:
            task_units.add(block.units)
        drafts.extend(block_drafts)
    return drafts, task_units


# --------------------------------------------------------------------------- tasks


def _split_title(line: str) -> tuple[str, str]:
    """(title sentence without its 。, rest of the line)."""
    pieces = _split_at_stops(line, respect_brackets=True) or _split_at_stops(
        line, respect_brackets=False
    )
    first = pieces[0] if pieces else line
    rest = line[len(first) :]
    return first.strip().rstrip("。：:；;").strip(), rest.strip()


def _build_task(seq: int, numeral: str, lines: list[str], level: Level, *, year: int) -> ParsedTask:
    """A task from its lines; the first line has its number marker removed already."""
    if not lines[0] and len(lines) > 1:
        lines = lines[1:]  # "（一）" alone on its line, the title below it
    title_sentence, rest = _split_title(lines[0])
    title, title_units = _strip_unit_notes(title_sentence)
    drafts, units = _items_and_units([rest, *lines[1:]], level)
    units.add(title_units)
    task_due = deadline_in(title, year=year)
    items = tuple(
        ParsedItem(
            seq=index,
            title=short_title(draft.text),
            text=draft.text,
            target=extract_target(draft.text),
            lead_unit=draft.units.lead_text(),
            assisting_units=draft.units.assisting_text(),
            due=deadline_in(draft.text, year=year) or task_due,
        )
        for index, draft in enumerate(drafts, start=1)
    )
    body = "\n".join(line for pos, line in enumerate(lines) if pos == 0 or not _unit_line(line))
    return ParsedTask(
        seq=seq,
        numeral=numeral,
        title=title or title_sentence,
        body=body,
        items=items,
        lead_unit=units.lead_text(),
        assisting_units=units.assisting_text(),
        due=task_due,
    )


def _task_level(lines: list[str], heading_level: Level | None) -> Level | None:
    for level in Level:
        if heading_level is not None and level <= heading_level:
            continue
        if any(_LINE_MARKER_RE[level].match(line) for line in lines):
            return level
    return None


def _parse_tasks(
    lines: list[str], heading_level: Level | None, *, year: int, skip_goal_blocks: bool = False
) -> tuple[str, tuple[ParsedTask, ...]]:
    """The goal and the tasks of a section."""
    level = _task_level(lines, heading_level)
    if level is None:
        return "\n".join(lines), ()
    goal: list[str] = []
    # (numeral, heading line as written, lines with the marker cut from the first)
    blocks: list[tuple[str, str, list[str]]] = []
    for line in lines:
        marker = _line_marker(line)
        if marker is not None and marker[0] == level:
            blocks.append((marker[1], line, [line[marker[2] :]]))
        elif blocks:
            blocks[-1][2].append(line)
        else:
            goal.append(line)
    if skip_goal_blocks:
        while len(blocks) > 1 and _GOAL_BLOCK_RE.fullmatch(blocks[0][2][0]):
            _, written, block_lines = blocks.pop(0)
            goal.extend([written, *block_lines[1:]])
    tasks = tuple(
        _build_task(seq, numeral, block, level, year=year)
        for seq, (numeral, _, block) in enumerate(blocks, start=1)
    )
    return "\n".join(goal), tasks


# --------------------------------------------------------------------------- entry point


def parse_report(text: str, *, source_name: str = "") -> ParsedPlan:
    """Parse a report or plan text; see the module docstring for the algorithm."""
    source = source_name or "<text>"
    raw_lines = _normalise(text)
    if not any(raw_lines):
        raise ReportParseError("parse.empty", source=source)
    lines = _content_lines(raw_lines)
    published = _published("\n".join(raw_lines))
    title, body_start = _find_title(lines)
    preamble: list[SkippedLine] = []
    carried = _carried_plan(title)
    if carried is not None:  # a notice: the plan it carries is the document
        title = carried
        body_start, preamble = _preamble(lines, body_start, carried)
    plan_year = plan_year_of_title(title)
    forward_from = plan_year or (published.year if published else None)

    candidates = _heading_candidates(lines, body_start, forward_from)
    for heading in candidates:
        section, skipped = _plan_lines(lines, heading.index + 1, heading.level)
        year = first_year(heading.text) or _fallback_year(plan_year, published)
        goal, tasks = _parse_tasks(section, heading.level, year=year)
        if tasks:
            return ParsedPlan(
                title, year, goal, heading.text, source_name, published, tasks,
                skipped=(*preamble, *skipped),
            )  # fmt: skip

    if _is_plan_document(title):
        section, skipped = _plan_lines(lines, body_start, None)
        year = _fallback_year(plan_year, published)
        goal, tasks = _parse_tasks(section, None, year=year, skip_goal_blocks=True)
        if tasks:
            return ParsedPlan(
                title, year, goal, title, source_name, published, tasks,
                skipped=(*preamble, *skipped),
            )  # fmt: skip
        raise ReportParseError("parse.no_tasks", source=source, heading=title)
    if candidates:
        raise ReportParseError("parse.no_tasks", source=source, heading=candidates[0].text)
    raise ReportParseError("parse.no_section", source=source, looked_for=LOOKED_FOR)


def _fallback_year(plan_year: int | None, published: date | None) -> int:
    if plan_year is not None:
        return plan_year
    if published is not None:
        return published.year
    return date.today().year
