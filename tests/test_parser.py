"""Tests of the report parser: a golden test on the real report, then one test per variant."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lawtasks.errors import ReportParseError
from lawtasks.parser import (
    SKIP_REASONS,
    ParsedItem,
    ParsedPlan,
    ParsedTask,
    SkippedLine,
    decode_report,
    extract_target,
    parse_report,
    read_report,
    short_title,
)

SEED = Path(__file__).parents[1] / "seed" / "tonglu-2021-report.txt"
FIXTURES = Path(__file__).parent / "fixtures" / "reports"


def fixture(name: str) -> ParsedPlan:
    return read_report(FIXTURES / name)


def item_texts(task: ParsedTask) -> list[str]:
    return [item.text for item in task.items]


# --------------------------------------------------------------------------- golden

SEED_GOAL = (
    "2022年是新一轮法治政府建设纲要实施“落实年”,我们将坚持以习近平法治思想为指引,"
    "以打造“县域法治首善之区”为目标,乘势而上、接续奋斗,全面建设职能科学、权责法定、执法严明、"
    "公开公正、智能高效、廉洁诚信、人民满意的现代法治政府,为我县奋力打造高质量发展建设共同富裕"
    "示范区县域标杆提供有力法治保障。重点抓好以下几方面的工作:"
)

SEED_TASKS: list[tuple[str, list[str]]] = [
    (
        "持续强化党对法治政府建设的领导",
        [
            "笃学践行习近平法治思想,把《习近平法治思想学习纲要》纳入各乡镇(街道)、部门学习计划,"
            "切实将学习成效转化为建设法治政府的生动实践。",
            "全面落实党政主要负责人履行法治建设第一责任人职责工作制度,深化领导干部述职述法制度,"
            "严格抓好行政机关负责人出庭应诉、旁听庭审、司法建议反馈等工作,提升领导干部法治意识。",
        ],
    ),
    (
        "持续提升行政决策和制度建设质量",
        [
            "严格落实重大行政决策程序,重大行政决策目录化管理实现100%覆盖。",
            "加强重大行政决策执行和后评估工作。",
            "深化县、乡两级重大行政决策、规范性文件、行政合同合法性审查数字化网络建设,"
            "高质量推进全省首批合法性审查培育试点工作,推动县域决策事项一网运行,数据一网归集。",
        ],
    ),
    (
        "持续深化“大综合一体化”行政执法改革",
        [
            "加强乡镇(街道)统筹能力、部门监管能力、综合行政执法人员专业能力提升,"
            "更大范围推进跨领域跨部门综合执法,打造既有力度又有温度的桐庐执法品牌。",
            "加强数字化执法监督,推进执法协调监督组织体系、实施体系、保障体系建设,"
            "高标准完成司法部行政执法协调监督工作体系试点工作,促进严格规范公正文明执法。",
        ],
    ),
    (
        "持续完善行政权力运行监督机制",
        [
            "自觉接受人大监督、民主监督、监察监督、司法监督,完善审计、财会、统计等专门监督,"
            "推动各类监督有机贯通、相互协调。",
            "适应数字时代新形势,畅通和规范群众投诉举报、权益保障通道。",
            "建立健全涉法网络舆情监测、收集、研判、处置机制。",
            "全面推进政务公开,拓展主动公开深度广度,强化政策发布解读回应工作。",
        ],
    ),
    (
        "持续加大矛盾纠纷化解力度",
        [
            "深化“只反映一次”试点改革,实施社会矛盾纠纷综合治理效能评价。",
            "加快推进人民调解、行政调解、司法调解协调联动,加强行业主管部门、行业协会和商会"
            "对相关行业领域纠纷调解力度,抓好拆迁、违建治理、物业纠纷等矛盾纠纷多发领域源头治理。",
            "持续释放行政复议体制改革“红利”,完善府院、府检联动机制,推动行政争议实质性化解。",
        ],
    ),
    (
        "持续加强法治工作队伍建设",
        [
            "严格落实政府常务会议前学法、公务员学法用法、领导干部任前法律知识测试等制度。",
            "建强执法人才队伍,开展行政执法人员公共法律知识、专门法律知识、新法律法规等专题培训。",
            "加强乡镇(街道)合法性审查力量和机制建设,推动涉法事项合法性审查达到100%。",
            "扩大公职律师队伍,完善法律顾问作用发挥机制。",
        ],
    ),
]


@pytest.fixture(scope="module")
def seed_plan() -> ParsedPlan:
    return read_report(SEED)


def test_seed_plan_header(seed_plan: ParsedPlan) -> None:
    assert seed_plan.title == "桐庐县2021年度法治政府建设情况报告"
    assert seed_plan.year == 2022
    assert seed_plan.published == date(2022, 2, 28)
    assert seed_plan.heading == "三、2022年主要工作任务"
    assert seed_plan.source_name == "tonglu-2021-report.txt"
    assert seed_plan.goal == SEED_GOAL


def test_seed_tasks_and_items(seed_plan: ParsedPlan) -> None:
    assert [t.numeral for t in seed_plan.tasks] == ["一", "二", "三", "四", "五", "六"]
    assert [t.seq for t in seed_plan.tasks] == [1, 2, 3, 4, 5, 6]
    assert [len(t.items) for t in seed_plan.tasks] == [2, 3, 2, 4, 3, 4]
    assert sum(len(t.items) for t in seed_plan.tasks) == 18
    for task, (title, texts) in zip(seed_plan.tasks, SEED_TASKS, strict=True):
        assert task.title == title
        assert item_texts(task) == texts
        assert [item.seq for item in task.items] == list(range(1, len(texts) + 1))
        assert task.body == title + "。" + "".join(texts)
        assert task.lead_unit is None
        assert task.assisting_units is None


def test_seed_targets(seed_plan: ParsedPlan) -> None:
    assert seed_plan.tasks[1].items[0].target == "重大行政决策目录化管理实现100%覆盖"
    assert seed_plan.tasks[5].items[2].target == "涉法事项合法性审查达到100%"
    with_target = [(t.seq, i.seq) for t in seed_plan.tasks for i in t.items if i.target]
    assert with_target == [(2, 1), (6, 3)]


def test_seed_item_titles(seed_plan: ParsedPlan) -> None:
    assert seed_plan.tasks[1].items[0].title == "严格落实重大行政决策程序"
    assert seed_plan.tasks[1].items[1].title == "加强重大行政决策执行和后评估工作"
    assert seed_plan.tasks[4].items[0].title == "深化“只反映一次”试点改革"


def test_seed_names_no_deadline_and_skips_nothing(seed_plan: ParsedPlan) -> None:
    """The Tonglu report names no deadline: every item is due at the end of the plan's
    period (None here, filled in by the service), and no line of it was left out."""
    assert [task.due for task in seed_plan.tasks] == [None] * 6
    assert [item.due for task in seed_plan.tasks for item in task.items] == [None] * 18
    assert seed_plan.skipped == ()


def test_seed_parses_the_same_from_text() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert parse_report(text, source_name="tonglu-2021-report.txt") == read_report(SEED)


# --------------------------------------------------------------------------- numbering


def test_full_width_numerals_up_to_twelve() -> None:
    plan = fixture("fullwidth-twelve.txt")
    assert plan.heading == "四、2024年工作思路"
    assert plan.year == 2024
    assert [t.numeral for t in plan.tasks] == [
        *"一二三四五六七八九十",
        "十一",
        "十二",
    ]
    assert plan.tasks[10].title == "强化监督问责"
    assert plan.tasks[11].items[0].text == "培训执法人员200人次。"
    assert plan.goal == "2024年，我镇将紧扣“法治分水”建设目标，重点做好以下工作："


def test_full_width_figures_are_targets() -> None:
    plan = fixture("fullwidth-twelve.txt")
    assert plan.tasks[1].items[0].target == "重大行政决策合法性审查率达到１００％"
    assert plan.tasks[4].items[0].target == "调解成功率达到９５．５％以上"
    assert plan.tasks[5].items[0].target is None


def test_section_ends_at_next_top_level_heading() -> None:
    plan = fixture("fullwidth-twelve.txt")
    assert len(plan.tasks) == 12
    assert all("无。" not in t.body for t in plan.tasks)


def test_ascii_and_full_width_parentheses_mix() -> None:
    text = "三、下一步工作打算\n(一)甲任务。做甲事。\n（二）乙任务。做乙事。\n"
    plan = parse_report(text)
    assert [t.title for t in plan.tasks] == ["甲任务", "乙任务"]
    assert [item_texts(t) for t in plan.tasks] == [["做甲事。"], ["做乙事。"]]


# --------------------------------------------------------------------------- headings


@pytest.mark.parametrize(
    "heading",
    [
        "三、2022年主要工作任务",
        "三、2023年工作打算",
        "三、下一步工作计划",
        "四、2024年工作思路",
        "三、2023年工作安排",
        "三、2023年工作重点",
        "三、下一步工作举措",
        "三、今后主要任务",
        "三、下一步努力方向",
        "五、2023年法治政府建设重点任务",
    ],
)
def test_forward_headings(heading: str) -> None:
    text = (
        "某县2022年度法治政府建设情况报告\n\n一、主要举措和成效\n\n（一）强化领导。开展工作。\n\n"
        f"{heading}\n\n（一）持续强化党的领导。深化述法制度。\n"
    )
    plan = parse_report(text)
    assert plan.heading == heading
    assert [t.title for t in plan.tasks] == ["持续强化党的领导"]


def test_heading_year_beats_title_year() -> None:
    text = "某县2021年度法治政府建设情况报告\n四、2024年工作思路\n（一）甲。乙。\n"
    assert parse_report(text).year == 2024


def test_next_step_inside_an_earlier_section_is_not_a_heading() -> None:
    plan = fixture("next-step-plan.txt")
    assert plan.heading == "三、下一步工作计划"
    assert plan.goal == "围绕2023年法治政府建设目标，重点抓好以下工作："
    assert plan.year == 2023  # 工作总结 of 2022: the plan is for the following year


def test_section_ends_at_footer_noise() -> None:
    plan = fixture("web-noise.txt")
    assert [t.title for t in plan.tasks] == ["持续强化党的领导", "持续优化营商环境"]


def test_forward_sub_heading_under_problems_and_plans() -> None:
    text = (
        "某县2022年度法治政府建设情况报告\n"
        "一、主要工作\n（一）强化领导。开展工作。\n"
        "二、存在问题和下一步打算\n"
        "（一）存在问题\n法治队伍力量不足。\n"
        "（二）下一步打算\n"
        "1.加强法治队伍建设。充实执法力量。\n"
        "2.深化普法宣传。开展宣讲50场。\n"
    )
    plan = parse_report(text)
    assert plan.heading == "（二）下一步打算"
    assert [t.numeral for t in plan.tasks] == ["1", "2"]
    assert [t.title for t in plan.tasks] == ["加强法治队伍建设", "深化普法宣传"]
    assert plan.tasks[1].items[0].target == "开展宣讲50场"


def test_unnumbered_heading_with_top_level_tasks() -> None:
    text = (
        "某县2022年度法治政府建设情况报告\n"
        "2022年，我县法治建设成效明显。\n"
        "2023年工作计划\n"
        "一、强化党的领导。落实第一责任人职责。\n"
        "二、推进依法行政。规范行政执法行为。\n"
    )
    plan = parse_report(text)
    assert plan.heading == "2023年工作计划"
    assert [t.title for t in plan.tasks] == ["强化党的领导", "推进依法行政"]


def test_backward_heading_with_plan_words_is_ignored() -> None:
    text = "某县报告\n一、主要举措和成效\n（一）甲。乙。\n"
    with pytest.raises(ReportParseError) as caught:
        parse_report(text)
    assert caught.value.key == "parse.no_section"


# --------------------------------------------------------------------------- titles on own line


def test_task_title_on_its_own_line_with_several_paragraphs() -> None:
    text = (
        "三、2023年工作打算\n"
        "（一）持续强化党的领导\n"
        "深化领导干部述法制度。健全议事协调机制。\n"
        "加强法治督察，完成专项督察3个。\n"
        "（二）推进依法行政\n"
        "规范行政执法。\n"
    )
    plan = parse_report(text)
    first = plan.tasks[0]
    assert first.title == "持续强化党的领导"
    assert item_texts(first) == [
        "深化领导干部述法制度。",
        "健全议事协调机制。",
        "加强法治督察，完成专项督察3个。",
    ]
    assert first.body == (
        "持续强化党的领导\n深化领导干部述法制度。健全议事协调机制。\n加强法治督察，完成专项督察3个。"
    )
    assert first.items[2].target == "完成专项督察3个"


def test_marker_alone_on_its_line() -> None:
    plan = parse_report("三、下一步工作计划\n（一）\n强化领导。深化述法。\n")
    assert plan.tasks[0].title == "强化领导"
    assert item_texts(plan.tasks[0]) == ["深化述法。"]


# --------------------------------------------------------------------------- sub-points


def test_numbered_sub_points_run_on_across_tasks() -> None:
    plan = fixture("next-step-plan.txt")
    first, second = plan.tasks
    assert first.title == "持续强化党的领导"
    assert item_texts(first) == [
        "认真落实党政主要负责人履行推进法治建设第一责任人职责。",
        "完善领导干部述法制度，述法覆盖率达到100%。",
        "健全法治建设议事协调机制。",
    ]
    assert second.title == "深化依法行政"
    assert item_texts(second) == [
        "严格落实重大行政决策程序。",
        "加强行政规范性文件管理，\n实现备案审查率100%。",
        "规范行政执法行为。",
    ]
    assert [i.seq for i in second.items] == [1, 2, 3]
    assert second.items[1].title == "加强行政规范性文件管理"
    assert second.items[1].target == "备案审查率100%"


def test_parenthesised_and_circled_sub_points() -> None:
    plan = fixture("inline-shi.txt")
    assert item_texts(plan.tasks[1]) == [
        "推行涉企行政执法“综合查一次”，减少入企检查30%。",
        "开展“法治体检”服务企业50家。",
        "建立涉企纠纷快速调处机制。",
    ]
    assert item_texts(plan.tasks[2]) == [
        "推进村级合法性审查全覆盖。",
        "培育“法律明白人”100名。",
    ]
    assert plan.tasks[2].items[1].target == "培育“法律明白人”100名"


def test_inline_numbered_sub_points() -> None:
    text = "三、下一步工作计划\n（一）强化领导。1.深化述法；2.健全机制；3、开展督察5次。\n"
    plan = parse_report(text)
    assert item_texts(plan.tasks[0]) == ["深化述法；", "健全机制；", "开展督察5次。"]


def test_version_numbers_are_not_sub_points() -> None:
    text = "三、下一步工作计划\n（一）强化数字赋能。建成2.0版平台。推广应用。\n"
    plan = parse_report(text)
    assert item_texts(plan.tasks[0]) == ["建成2.0版平台。", "推广应用。"]


def test_inline_shi_clauses() -> None:
    plan = fixture("inline-shi.txt")
    task = plan.tasks[0]
    assert task.title == "提升依法行政能力"
    assert item_texts(task) == [
        "加强学法用法，全年组织集中学法6次；",
        "推进“述法”全覆盖；",
        "落实行政机关负责人出庭应诉制度。",
    ]
    assert task.items[0].target == "全年组织集中学法6次"


def test_shi_inside_a_word_does_not_split() -> None:
    text = "三、下一步工作计划\n（一）统一标准。坚持统一是前提，二是不成立。\n"
    plan = parse_report(text)
    assert item_texts(plan.tasks[0]) == ["坚持统一是前提，二是不成立。"]


def test_shi_clauses_keep_a_leading_sentence() -> None:
    text = "三、下一步工作计划\n（一）强化领导。深化述法。一是抓学习；二是抓落实。\n"
    plan = parse_report(text)
    assert item_texts(plan.tasks[0]) == ["深化述法。", "抓学习；", "抓落实。"]


# --------------------------------------------------------------------------- plan documents


def test_plan_document_with_top_level_tasks() -> None:
    plan = fixture("plan-2023-points.txt")
    assert plan.title == "桐庐县2023年法治政府建设工作要点"
    assert plan.year == 2023
    assert plan.heading == plan.title
    assert plan.goal == (
        "为深入学习贯彻党的二十大精神，全面推进法治桐庐建设，制定本工作要点。\n"
        "一、总体要求\n"
        "坚持以习近平法治思想为指导，奋力打造“县域法治首善之区”。"
    )
    assert [(t.seq, t.numeral, t.title) for t in plan.tasks] == [
        (1, "二", "深入学习贯彻习近平法治思想"),
        (2, "三", "持续提升行政决策水平"),
        (3, "四", "深化行政执法改革"),
    ]
    assert item_texts(plan.tasks[0]) == [
        "健全学习机制。把习近平法治思想纳入县委理论学习中心组年度学习计划。",
        "抓好领导干部述法。实现述法对象全覆盖。",
    ]
    assert [i.title for i in plan.tasks[0].items] == ["健全学习机制", "抓好领导干部述法"]
    assert item_texts(plan.tasks[1])[1] == (
        "加强规范性文件管理\n推进行政规范性文件合法性审核率达到100%。"
    )
    assert plan.tasks[1].items[1].title == "加强规范性文件管理"
    assert plan.tasks[1].items[1].target == "行政规范性文件合法性审核率达到100%"
    assert item_texts(plan.tasks[2]) == [
        "全面推进“大综合一体化”行政执法改革，新增综合执法事项10项。"
    ]


def test_plan_document_with_paren_tasks() -> None:
    text = (
        "某县2024年法治政府建设工作安排\n"
        "为推进法治政府建设，现将有关工作安排如下：\n"
        "（一）强化领导。深化述法。\n"
        "（二）规范执法。开展评查3次。\n"
    )
    plan = parse_report(text)
    assert plan.year == 2024
    assert plan.goal == "为推进法治政府建设，现将有关工作安排如下："
    assert [t.title for t in plan.tasks] == ["强化领导", "规范执法"]


def test_plan_document_with_a_task_section() -> None:
    text = (
        "某县2024年法治政府建设工作要点\n"
        "一、总体要求\n坚持依法行政。\n"
        "二、重点任务\n（一）强化领导。深化述法。\n（二）规范执法。开展评查。\n"
        "三、保障措施\n加强组织保障。\n"
    )
    plan = parse_report(text)
    assert plan.heading == "二、重点任务"
    assert [t.title for t in plan.tasks] == ["强化领导", "规范执法"]


# --------------------------------------------------------------------------- units


def test_unit_lines_under_items() -> None:
    plan = fixture("next-step-plan.txt")
    first, second = plan.tasks
    assert (first.items[0].lead_unit, first.items[0].assisting_units) == ("镇党政办", "各村社")
    assert (first.items[1].lead_unit, first.items[1].assisting_units) == (None, None)
    assert second.items[0].lead_unit == "镇司法所"
    assert first.lead_unit is None
    assert all("单位" not in text for t in plan.tasks for text in item_texts(t))


def test_bracketed_units_at_item_end() -> None:
    plan = fixture("next-step-plan.txt")
    item = plan.tasks[1].items[2]
    assert item.text == "规范行政执法行为。"
    assert (item.lead_unit, item.assisting_units) == ("镇综合行政执法队", "镇派出所")


def test_bracketed_units_after_the_full_stop() -> None:
    plan = fixture("plan-2023-points.txt")
    first, second = plan.tasks[0].items
    assert (first.lead_unit, first.assisting_units) == ("县委宣传部", "县委依法治县办")
    assert (second.lead_unit, second.assisting_units) == ("县委组织部", None)
    assert len(plan.tasks[0].items) == 2


def test_unit_lines_under_a_task() -> None:
    plan = fixture("inline-shi.txt")
    assert plan.tasks[0].lead_unit == "镇党政办"
    assert plan.tasks[0].items[0].lead_unit is None
    assert "牵头单位" not in plan.tasks[0].body
    plan = fixture("plan-2023-points.txt")
    assert plan.tasks[2].lead_unit == "县综合行政执法局"


def test_unit_lines_under_several_paragraphs_of_one_task() -> None:
    task = fixture("inline-shi.txt").tasks[3]
    assert [(i.lead_unit, i.assisting_units) for i in task.items] == [
        ("镇司法所", None),
        ("镇司法所", None),
        (None, "镇综合行政执法队"),
    ]
    assert task.lead_unit is None


def test_unit_line_with_ascii_colon_in_brackets() -> None:
    text = (
        "三、下一步工作计划\n(一)强化领导。深化述法。\n"
        "(牵头单位:县司法局;配合单位:县府办、县委办)\n"
    )
    task = parse_report(text).tasks[0]
    assert (task.lead_unit, task.assisting_units) == ("县司法局", "县府办、县委办")
    assert item_texts(task) == ["深化述法。"]


def test_units_in_a_task_title() -> None:
    text = "三、下一步工作计划\n（一）强化领导（牵头单位：县委办）\n深化述法。\n"
    task = parse_report(text).tasks[0]
    assert task.title == "强化领导"
    assert task.lead_unit == "县委办"


# --------------------------------------------------------------------------- web noise


def test_web_page_noise() -> None:
    plan = fixture("web-noise.txt")
    assert plan.title == "桐庐县2022年度法治政府建设情况报告"
    assert plan.published == date(2023, 1, 31)
    assert plan.year == 2023
    assert plan.heading == "二、2023年主要工作任务"
    assert plan.goal == "2023年，我们将坚持以习近平法治思想为指引，推进法治政府建设。"
    first = plan.tasks[0]
    assert first.title == "持续强化党的领导"
    # whitespace is cut at line edges only; inside an item it is kept verbatim
    assert item_texts(first) == [
        "深化领导干部述法制度。",
        "加强法治督察，\u3000完成重点部门专项督察5个。",
    ]
    assert first.items[1].target == "完成重点部门专项督察5个"


def test_publication_year_when_title_has_none() -> None:
    text = "法治政府建设情况\n发布日期：2021-03-05\n三、下一步工作计划\n（一）甲。乙。\n"
    plan = parse_report(text)
    assert plan.published == date(2021, 3, 5)
    assert plan.year == 2021


def test_invalid_publication_date_is_ignored() -> None:
    text = "发布日期：2021-13-45\n三、下一步工作计划\n（一）甲。乙。\n"
    assert parse_report(text).published is None


def test_crlf_line_ends() -> None:
    text = "三、下一步工作计划\r\n（一）甲。乙。\r\n（二）丙。丁。\r\n"
    assert [item_texts(t) for t in parse_report(text).tasks] == [["乙。"], ["丁。"]]


def test_signature_is_not_an_item() -> None:
    text = "三、下一步工作计划\n（一）甲。乙。\n\n某县人民政府\n2023年1月30日\n"
    assert item_texts(parse_report(text).tasks[0]) == ["乙。"]


# --------------------------------------------------------------------------- notices

NOTICE = "notice-2022-points.txt"
NOTICE_ATTACHMENTS = "notice-2022-points-attachments.txt"


def all_text(plan: ParsedPlan) -> str:
    """Everything a plan carries into the ledger: goal, task titles and bodies, items."""
    parts = [plan.title, plan.goal, plan.heading]
    for task in plan.tasks:
        parts += [task.title, task.body, *(item.text for item in task.items)]
        parts += [item.title for item in task.items]
    return "\n".join(parts)


def test_notice_is_named_after_the_plan_it_carries() -> None:
    plan = fixture(NOTICE)
    assert plan.title == "桐庐县2022年法治政府建设工作要点"
    assert plan.heading == plan.title
    assert plan.year == 2022
    assert plan.goal == (
        "2022年是新一轮法治政府建设纲要实施“落实年”。为深入推进法治政府建设，制定本工作要点。\n"
        "一、总体要求\n"
        "坚持以习近平法治思想为指导，奋力打造“县域法治首善之区”。"
    )
    assert [(t.numeral, t.title) for t in plan.tasks] == [
        ("二", "深入学习贯彻习近平法治思想"),
        ("三", "持续提升行政决策水平，年底前完成目录化管理"),
        ("四", "深化行政执法改革"),
        ("五", "健全矛盾纠纷化解机制"),
    ]
    assert [len(t.items) for t in plan.tasks] == [2, 3, 3, 2]


def test_notice_title_over_two_lines_without_quotes() -> None:
    plan = fixture(NOTICE_ATTACHMENTS)
    assert plan.title == "桐庐县2022年法治政府建设工作要点"
    assert plan.goal == "为加快建设法治政府，现就2022年工作提出如下要点："
    assert [t.title for t in plan.tasks] == [
        "加强党对法治政府建设的领导",
        "推进严格规范公正文明执法",
        "强化行政权力制约监督，第三季度完成",
    ]
    assert [len(t.items) for t in plan.tasks] == [2, 2, 2]


def test_notice_closing_block_is_skipped_with_its_reasons() -> None:
    plan = fixture(NOTICE)
    assert plan.skipped == (
        SkippedLine("各乡镇（街道）、县级各部门：", "notice_preamble"),
        SkippedLine(
            "现将《桐庐县2022年法治政府建设工作要点》印发给你们，请结合实际认真贯彻落实。",
            "notice_preamble",
        ),
        SkippedLine("中共桐庐县委全面依法治县委员会办公室", "issuer"),
        SkippedLine("2022年3月1日", "issue_date"),
        SkippedLine("（此件公开发布）", "disclosure"),
        SkippedLine("抄送：县委办、县人大办、县政府办、县政协办，县法院、县检察院。", "cc"),
        SkippedLine("中共桐庐县委全面依法治县委员会办公室          2022年3月1日印发", "issue_date"),
        SkippedLine("联系人：王某某；联系电话：0571-64212345", "contact"),
    )
    last = plan.tasks[-1]
    assert item_texts(last) == [
        "上半年完成县级行政复议规范化建设。",
        "对截至2021年底已化解的行政争议案件做好回访。",
    ]
    text = all_text(plan)
    for word in ("抄送", "印发", "联系人", "联系电话", "此件公开发布", "县级各部门："):
        assert word not in text


def test_notice_closing_block_in_another_order() -> None:
    """附件 listed before the plan, a Chinese date, 联系人 before 抄送, a wrapped 抄送 list,
    the issuing office and 印发 on lines of their own."""
    plan = fixture(NOTICE_ATTACHMENTS)
    assert [(s.reason, s.text) for s in plan.skipped] == [
        ("notice_preamble", "各乡镇人民政府、街道办事处，县政府各部门、各直属单位："),
        (
            "notice_preamble",
            "《桐庐县2022年法治政府建设工作要点》已经县政府同意，现印发给你们，请认真组织实施。",
        ),
        ("attachment", "附件：1．桐庐县2022年法治政府建设工作要点"),
        ("attachment", "2．桐庐县2022年法治政府建设重点任务分工表"),
        ("issuer", "桐庐县人民政府办公室"),
        ("issue_date", "二〇二二年三月一日"),
        ("disclosure", "（此件公开发布）"),
        ("attachment", "附件1"),
        ("contact", "联系人：县司法局 李某某，电话：64212345"),
        ("cc", "抄送：县委各部门，县人大常委会办公室，县政协办公室，"),
        ("cc", "县法院，县检察院。"),
        ("issuer", "桐庐县人民政府办公室"),
        ("issue_date", "2022年3月1日印发"),
    ]
    assert item_texts(plan.tasks[-1]) == [
        "建立行政执法监督员制度。",
        "11月下旬前公布年度监督报告。",
    ]
    text = all_text(plan)
    for line in (s.text for s in plan.skipped):
        assert line not in text


def test_notice_without_its_plan_title_repeated() -> None:
    """A web page may give the notice and the plan's text without the plan's own title:
    the notice's lines up to its signature and 附件 list are still not the goal."""
    text = (
        "桐庐县人民政府办公室关于印发\n"
        "桐庐县2022年法治政府建设工作要点的通知\n"
        "各乡镇人民政府、街道办事处，县政府各部门：\n"
        "现将《桐庐县2022年法治政府建设工作要点》印发给你们，请认真组织实施。\n"
        "附件：1．桐庐县2022年法治政府建设工作要点\n"
        "2．桐庐县2022年法治政府建设重点任务分工表\n"
        "桐庐县人民政府办公室\n"
        "2022年3月1日\n"
        "为加快建设法治政府，制定本要点。\n"
        "（一）加强党的领导。年内完成述法全覆盖。\n"
        "（二）规范执法。开展案卷评查。\n"
    )
    plan = parse_report(text)
    assert plan.title == "桐庐县2022年法治政府建设工作要点"
    assert plan.goal == "为加快建设法治政府，制定本要点。"
    assert [s.reason for s in plan.skipped] == [
        "notice_preamble", "notice_preamble", "attachment", "attachment", "issuer", "issue_date",
    ]  # fmt: skip
    assert [item_texts(t) for t in plan.tasks] == [["年内完成述法全覆盖。"], ["开展案卷评查。"]]


def test_a_notice_of_something_else_keeps_its_title() -> None:
    text = "关于印发有关事项的通知\n三、下一步工作计划\n（一）甲。乙。\n"
    assert parse_report(text).title == "关于印发有关事项的通知"


def test_sub_point_starting_with_a_date_loses_its_number() -> None:
    plan = fixture(NOTICE)
    second = plan.tasks[1].items[1]
    assert second.title == "6月底前完成行政规范性文件清理"
    assert second.text == "6月底前完成行政规范性文件清理。"
    assert second.due == date(2022, 6, 30)
    first = plan.tasks[2].items[0]
    assert first.title == "2022年12月31日前完成“大综合一体化”行政执法改革年度任务"
    assert plan.tasks[2].items[1].title == "11月中旬组织开展行政执法案卷评查"


@pytest.mark.parametrize(
    ("line", "text"),
    [("2、6月底前完成清理。", "6月底前完成清理。"), ("2.6月底前完成清理。", "6月底前完成清理。"),
     ("2. 6月底前完成清理。", "6月底前完成清理。"), ("2.0版平台上线。", None)],
)  # fmt: skip
def test_date_after_a_sub_point_marker(line: str, text: str | None) -> None:
    plan = parse_report(f"三、下一步工作计划\n（一）甲。\n1、乙。\n{line}\n")
    expected = ["乙。", text] if text else ["乙。\n" + line]
    assert item_texts(plan.tasks[0]) == expected


def test_unit_names_keep_their_brackets() -> None:
    plan = fixture(NOTICE)
    first = plan.tasks[0].items[0]
    assert (first.lead_unit, first.assisting_units) == ("县委宣传部", "各乡镇（街道）")
    assert first.text == (
        "把习近平法治思想纳入县委理论学习中心组年度学习计划，6月底前完成专题学习。"
    )
    decisions = plan.tasks[1].items
    assert decisions[0].lead_unit == "县司法局（县法治办）"
    assert (decisions[1].lead_unit, decisions[1].assisting_units) == (
        "县司法局（县法治办）",
        "县级各部门",
    )
    other = fixture(NOTICE_ATTACHMENTS)
    # 牵头单位：A；责任单位：B、C: A leads, the units after it assist (as a table's cells).
    assert (other.tasks[0].items[0].lead_unit, other.tasks[0].items[0].assisting_units) == (
        "县委依法治县办",
        "各乡镇（街道）、县级各部门",
    )
    assert other.tasks[1].items[0].lead_unit == "县司法局（县法治办）"
    assert other.tasks[2].items[1].assisting_units == "县审计局、各乡镇（街道）"


@pytest.mark.parametrize(
    ("note", "lead"),
    [("（牵头单位：县司法局（县法治办））", "县司法局（县法治办）"),
     ("(牵头单位:各乡镇(街道))", "各乡镇(街道)"),
     ("牵头单位：各乡镇（街道）。", "各乡镇（街道）"),
     ("牵头单位：县府办）", "县府办"),
     ("（牵头单位：（县府办", "县府办")],
)  # fmt: skip
def test_only_unbalanced_brackets_are_cut_from_units(note: str, lead: str) -> None:
    plan = parse_report(f"三、下一步工作计划\n（一）甲。\n1.乙。\n{note}\n")
    assert plan.tasks[0].items[0].lead_unit == lead


def test_signature_of_a_report_is_recorded_as_skipped() -> None:
    text = "三、下一步工作计划\n（一）甲。乙。\n\n某县人民政府\n2023年1月30日\n"
    assert parse_report(text).skipped == (
        SkippedLine("某县人民政府", "issuer"),
        SkippedLine("2023年1月30日", "issue_date"),
    )


def test_closing_block_after_the_section_is_recorded() -> None:
    text = (
        "三、下一步工作计划\n（一）甲。乙。\n四、保障措施\n加强保障。\n"
        "抄送：县委办。\n某县人民政府办公室 2023年1月30日印发\n"
    )
    plan = parse_report(text)
    assert item_texts(plan.tasks[0]) == ["乙。"]
    assert [s.reason for s in plan.skipped] == ["cc", "issue_date"]


def test_a_sentence_about_an_issued_document_is_not_the_closing_block() -> None:
    text = (
        "三、下一步工作计划\n（一）《实施方案》已于2022年3月1日印发\n"
        "1.抓好落实。\n（二）附件管理。规范附件归档。\n"
    )
    plan = parse_report(text)
    assert [t.title for t in plan.tasks] == ["《实施方案》已于2022年3月1日印发", "附件管理"]
    assert [item_texts(t) for t in plan.tasks] == [["抓好落实。"], ["规范附件归档。"]]
    assert plan.skipped == ()


def test_skip_reasons_are_the_documented_set() -> None:
    names = (NOTICE, NOTICE_ATTACHMENTS, SUPPLEMENTARY, PRINT_RUN)
    reasons = {s.reason for name in names for s in fixture(name).skipped}
    assert reasons == set(SKIP_REASONS)


# --------------------------------------------------------------------------- due dates


def test_due_dates_from_the_text() -> None:
    plan = fixture(NOTICE)
    assert [t.due for t in plan.tasks] == [None, date(2022, 12, 31), None, None]
    assert [[item.due for item in task.items] for task in plan.tasks] == [
        [date(2022, 6, 30), date(2022, 9, 30)],
        # the task's 年底前 for the first, the items' own phrases for the others
        [date(2022, 12, 31), date(2022, 6, 30), date(2022, 9, 30)],
        # the last item only tells of 2021年6月: no deadline
        [date(2022, 12, 31), date(2022, 11, 20), None],
        # 截至2021年底 is a look back, not a deadline
        [date(2022, 6, 30), None],
    ]


def test_item_phrase_wins_over_its_tasks() -> None:
    plan = fixture(NOTICE_ATTACHMENTS)
    assert plan.tasks[2].due == date(2022, 9, 30)
    assert [item.due for item in plan.tasks[2].items] == [date(2022, 9, 30), date(2022, 11, 30)]
    assert [item.due for item in plan.tasks[0].items] == [date(2022, 4, 10), date(2022, 12, 31)]
    assert [item.due for item in plan.tasks[1].items] == [None, date(2022, 10, 31)]


def test_due_dates_are_anchored_to_the_plan_year() -> None:
    text = (
        "某县2022年度法治政府建设情况报告\n三、下一步工作计划\n"
        "（一）强化领导，上半年完成。2022年6月，我县完成试点。\n"
        "（二）规范执法。6月底前完成清理。2023年6月底前完成评查。\n"
    )
    plan = parse_report(text)
    assert plan.year == 2023
    assert [t.due for t in plan.tasks] == [date(2023, 6, 30), None]
    assert [[i.due for i in t.items] for t in plan.tasks] == [
        [date(2023, 6, 30)],
        [date(2023, 6, 30), date(2023, 6, 30)],
    ]


# --------------------------------------------------------------------------- encodings


def test_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + SEED.read_bytes())
    plan = read_report(path)
    assert plan.title == "桐庐县2021年度法治政府建设情况报告"
    assert plan.source_name == "bom.txt"


def test_gbk_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes((FIXTURES / "inline-shi.txt").read_text(encoding="utf-8").encode("gbk"))
    assert read_report(path) == replace(fixture("inline-shi.txt"), source_name="gbk.txt")


def test_gbk_seed_decodes() -> None:
    data = SEED.read_text(encoding="utf-8").encode("gb18030")
    assert decode_report(data) == SEED.read_text(encoding="utf-8")


def test_utf16_with_bom() -> None:
    assert decode_report("三、下一步".encode("utf-16")) == "三、下一步"


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\xef\xbb\xbf\xff\xfe", bytes(range(1, 40)) * 3],
)
def test_binary_is_undecodable(data: bytes) -> None:
    with pytest.raises(ReportParseError) as caught:
        decode_report(data, source_name="x.bin")
    assert caught.value.key == "parse.undecodable"
    assert caught.value.params == {"source": "x.bin"}


def test_binary_file_is_undecodable(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00")
    with pytest.raises(ReportParseError) as caught:
        read_report(path)
    assert caught.value.key == "parse.undecodable"


# --------------------------------------------------------------------------- errors


def test_no_section() -> None:
    with pytest.raises(ReportParseError) as caught:
        fixture("no-section.txt")
    error = caught.value
    assert error.key == "parse.no_section"
    assert error.params["source"] == "no-section.txt"
    assert "三、2022年主要工作任务" in str(error.params["looked_for"])
    assert "三、下一步工作计划" in str(error)


@pytest.mark.parametrize("text", ["", "   \n\u3000\n\u00a0\n", "\ufeff"])
def test_empty(text: str) -> None:
    with pytest.raises(ReportParseError) as caught:
        parse_report(text)
    assert caught.value.key == "parse.empty"
    assert caught.value.params == {"source": "<text>"}


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ReportParseError) as caught:
        read_report(path)
    assert caught.value.params == {"source": "empty.txt"}


def test_section_without_tasks() -> None:
    with pytest.raises(ReportParseError) as caught:
        parse_report("三、下一步工作计划\n继续努力，做好各项工作。\n", source_name="a.txt")
    assert caught.value.key == "parse.no_tasks"
    assert caught.value.params == {"source": "a.txt", "heading": "三、下一步工作计划"}


def test_unreadable(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    with pytest.raises(ReportParseError) as caught:
        read_report(missing)
    assert caught.value.key == "parse.unreadable"
    assert caught.value.params["source"] == str(missing)
    assert caught.value.params["reason"]


# A report the parser must read, with what it must read from it: title and year, a forward
# heading, numbered tasks whose first sentence is the title and whose further sentences are
# the items, a unit note at the end of a task going to its last item.
_NUMBERINGS = ["（{cn}）", "({cn})", "{n}.", "{n}、", "（{n}）"]
_CN_ORDINAL = "一二三四五六七八九"
# Prose without a numeral, a year, a heading word (任务, 计划, 情况 ...) or a full stop.
_PROSE = st.text(
    alphabet="法治建设推进完善规范执法监督宣传教育服务公共律基层理依行决策程序", min_size=2
)


@dataclass(frozen=True)
class _Expected:
    year: int
    tasks: list[tuple[str, list[tuple[str, str | None]]]]  # title, [(item text, lead unit)]


@st.composite
def _reports(draw: st.DrawFn, sentence: st.SearchStrategy[str] = _PROSE) -> tuple[str, _Expected]:
    year = draw(st.integers(2000, 2098))
    heading = draw(st.sampled_from([f"三、{year + 1}年工作打算", "三、下一步工作计划"]))
    numbering = draw(st.sampled_from(_NUMBERINGS))
    lines = [f"某县{year}年度法治政府建设情况报告", f"一、{year}年工作情况", "全面完成。", heading]
    tasks: list[tuple[str, list[tuple[str, str | None]]]] = []
    for seq in range(1, draw(st.integers(1, 6)) + 1):
        title = draw(_PROSE.filter(lambda text: len(text) <= 20))
        items = [s + "。" for s in draw(st.lists(sentence, min_size=1, max_size=4))]
        unit = draw(st.sampled_from([None, "县司法局", "县公安局"]))
        note = f"（牵头单位：{unit}）" if unit else ""
        marker = numbering.format(cn=_CN_ORDINAL[seq - 1], n=seq)
        lines.append(f"{marker}{title}。{''.join(items)}{note}")
        tasks.append((title, [(text, None) for text in items[:-1]] + [(items[-1], unit)]))
    return "\n".join(lines) + "\n", _Expected(year + 1, tasks)


def _assert_reads_as(plan: ParsedPlan, expected: _Expected) -> None:
    assert plan.year == expected.year
    assert [task.seq for task in plan.tasks] == list(range(1, len(expected.tasks) + 1))
    assert [
        (task.title, [(item.text, item.lead_unit) for item in task.items]) for task in plan.tasks
    ] == expected.tasks


def _assert_well_formed(plan: ParsedPlan, text: str) -> None:
    """What any plan read from any text holds: tasks, numbered items, each text from the input."""
    assert plan.tasks
    for task in plan.tasks:
        assert task.due is None or task.due.year == plan.year
        assert [item.seq for item in task.items] == list(range(1, len(task.items) + 1))
        for item in task.items:
            assert isinstance(item, ParsedItem)
            assert item.text.strip()
            assert all(line in text for line in item.text.splitlines())
            assert item.due is None or item.due.year == plan.year
    for skipped in plan.skipped:
        assert skipped.reason in SKIP_REASONS
        assert skipped.text in text


_REFUSALS = {"parse.empty", "parse.no_section", "parse.no_tasks"}


@settings(max_examples=300, deadline=None)
@given(st.one_of(_reports(), st.text().map(lambda text: (text, None))))
def test_arbitrary_text_parses_or_raises_a_parse_error(case: tuple[str, _Expected | None]) -> None:
    """Half the inputs are reports, each read task by task and item by item; the rest is
    any text, which gives a well-formed plan or one of the parser's own refusals."""
    text, expected = case
    if expected is not None:
        _assert_reads_as(parse_report(text), expected)
        return
    plan = _outcome(text)
    if isinstance(plan, ReportParseError):
        assert plan.key in _REFUSALS
        return
    _assert_well_formed(plan, text)


_PIECES = st.sampled_from(
    [
        "三、2022年主要工作任务",
        "四、下一步工作计划",
        "（一）",
        "(二)",
        "一、",
        "1.",
        "2、",
        "（1）",
        "①",
        "一是",
        "二是",
        "。",
        "，",
        "；",
        "：",
        "\n",
        "（",
        "）",
        "“",
        "牵头单位：",
        "配合单位:",
        "县司法局",
        "100%",
        "3个",
        "工作要点",
        "情况报告",
        "发布日期: 2022- 02- 28",
        "打印本页",
        "加强",
        "2023年",
        "抄送：",
        "2022年3月1日印发",
        "联系人：",
        "附件：",
        "（此件公开发布）",
        "关于印发《",
        "》的通知",
        "各乡镇（街道）",
        "6月底前",
        "第三季度",
        "2021年6月",
    ]
)
# Sentences of a report made of the pieces that may stand inside prose, joined by commas.
_PIECE_PROSE = st.lists(
    st.sampled_from(["加强", "县司法局", "100%", "3个", "2023年"]), min_size=1, max_size=4
).map("，".join)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        _reports(sentence=_PIECE_PROSE),
        st.lists(_PIECES, max_size=40).map(lambda pieces: ("".join(pieces), None)),
    )
)
def test_report_like_text_parses_or_raises_a_parse_error(
    case: tuple[str, _Expected | None],
) -> None:
    """Half the inputs are reports whose sentences are made of the pieces, read as written;
    the rest is the pieces in any order: a well-formed plan or the parser's own refusal."""
    text, expected = case
    if expected is not None:
        _assert_reads_as(parse_report(text), expected)
        return
    plan = _outcome(text)
    if isinstance(plan, ReportParseError):
        assert plan.key in _REFUSALS
        return
    _assert_well_formed(plan, text)


def _outcome(text: str) -> ParsedPlan | ReportParseError:
    try:
        return parse_report(text)
    except ReportParseError as error:
        return error


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_arbitrary_bytes_decode_or_raise_a_parse_error(data: bytes) -> None:
    keys: set[str] = set()
    try:
        decode_report(data)
    except ReportParseError as error:
        keys.add(error.key)
    assert keys <= {"parse.undecodable"}


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        (
            "严格落实重大行政决策程序,重大行政决策目录化管理实现100%覆盖。",
            "严格落实重大行政决策程序",
        ),
        ("加强重大行政决策执行和后评估工作。", "加强重大行政决策执行和后评估工作"),
        ("深化县、乡两级合法性审查，推动一网运行。", "深化县、乡两级合法性审查"),
        (
            "把《纲要》纳入学习计划（含乡镇，街道），抓好落实。",
            "把《纲要》纳入学习计划（含乡镇，街道）",
        ),
        ("抓学习；抓落实。", "抓学习"),
        ("健全学习机制。把思想纳入计划。", "健全学习机制"),
        ("加强规范性文件管理\n推进审核。", "加强规范性文件管理"),
        ("无标点的句子", "无标点的句子"),
    ],
)
def test_short_title(sentence: str, title: str) -> None:
    assert short_title(sentence) == title


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        (
            "严格落实重大行政决策程序,重大行政决策目录化管理实现100%覆盖。",
            "重大行政决策目录化管理实现100%覆盖",
        ),
        ("加强机制建设,推动涉法事项合法性审查达到100%。", "涉法事项合法性审查达到100%"),
        ("确保行政复议纠错率不低于百分之十五。", "行政复议纠错率不低于百分之十五"),
        ("力争创建省级民主法治村3个。", "创建省级民主法治村3个"),
        ("开展法治体检，服务企业20余家。", "服务企业20余家"),
        ("培训执法人员200人次。", "培训执法人员200人次"),
        ("打造15分钟到场机制。", "打造15分钟到场机制"),
        ("实现乡镇合法性审查全覆盖。", "乡镇合法性审查全覆盖"),
        ("实现国家级创建零突破。", "国家级创建零突破"),
        ("2022年是落实年。", None),
        ("6月底前完成清理工作。", None),
        ("深化“八五”普法，建成2.0版平台。", None),
        ("加强重大行政决策执行和后评估工作。", None),
    ],
)
def test_extract_target(sentence: str, target: str | None) -> None:
    assert extract_target(sentence) == target


def test_dataclasses_are_frozen(seed_plan: ParsedPlan) -> None:
    with pytest.raises(AttributeError):
        seed_plan.tasks[0].items[0].title = "x"  # type: ignore[misc]


# --------------------------------------------------------------------------- review faults

ATTACHMENT_LIST = "notice-attachment-list.txt"
MIXED_NUMBERING = "points-mixed-numbering.txt"
THREE_LEVELS = "plan-three-levels.txt"
DATE_FIRST = "points-date-first.txt"
UNIT_LISTS = "notice-unit-lists.txt"
SUPPLEMENTARY = "plan-supplementary.txt"
PRINT_RUN = "notice-print-run.txt"


def shape_of(plan: ParsedPlan) -> list[tuple[str, list[tuple[str, str, date | None]]]]:
    return [
        (task.title, [(item.title, item.text, item.due) for item in task.items])
        for task in plan.tasks
    ]


def test_every_line_of_a_numbered_attachment_list_is_skipped() -> None:
    """附件：1.…分解表 then 2.联络员名单: the second line names no document type, but it
    carries the list's next number; before the plan and in the closing block alike."""
    plan = fixture(ATTACHMENT_LIST)
    assert [s.text for s in plan.skipped if s.reason == "attachment"] == [
        "附件：1.建德市2023年法治政府建设重点任务分解表",
        "2.联络员名单",
        "3.季度进展报送回执",
        "附件：1．建德市2023年法治政府建设重点任务分解表",
        "2．联络员名单",
        "（3）报送回执",
    ]
    assert [len(task.items) for task in plan.tasks] == [2, 2]
    text = all_text(plan)
    for word in ("联络员名单", "报送回执", "分解表"):
        assert word not in text


@pytest.mark.parametrize("reader", ["docx", "html"])
def test_an_attachment_list_is_skipped_in_a_word_file_and_a_web_page(
    reader: str, tmp_path: Path
) -> None:
    from lawtasks.sources import read_plan_file
    from tests.test_sources import write_docx_paragraphs, write_html

    text = (FIXTURES / ATTACHMENT_LIST).read_text(encoding="utf-8")
    write = write_docx_paragraphs if reader == "docx" else write_html
    plan = read_plan_file(write(text, tmp_path / f"notice.{reader}"))
    expected = fixture(ATTACHMENT_LIST)
    assert shape_of(plan) == shape_of(expected)
    assert [(" ".join(s.text.split()), s.reason) for s in plan.skipped] == [
        (" ".join(s.text.split()), s.reason) for s in expected.skipped
    ]


def test_an_unnumbered_attachment_does_not_swallow_the_tasks_after_it() -> None:
    text = (
        "关于印发《某县2022年法治政府建设工作要点》的通知\n"
        "各乡镇（街道）：\n"
        "附件：某县2022年法治政府建设工作要点\n"
        "一、加强组织领导\n"
        "1、召开专题会议\n"
        "2、6月底前完成清理\n"
    )
    plan = parse_report(text)
    assert [task.title for task in plan.tasks] == ["加强组织领导"]
    assert [item.title for item in plan.tasks[0].items] == ["召开专题会议", "6月底前完成清理"]
    assert [s.reason for s in plan.skipped] == ["notice_preamble", "attachment"]


def test_points_numbered_in_mixed_styles_are_items_each_with_its_deadline() -> None:
    plan = fixture(MIXED_NUMBERING)
    first, second = plan.tasks
    assert [(item.text, item.due) for item in first.items] == [
        ("召开区委全面依法治区委员会第一次会议。", None),
        ("6月底前完成法治政府建设年度报告公开。", date(2022, 6, 30)),
        ("10月15日以前完成述法。", date(2022, 10, 15)),
        ("12月31日前完成示范创建。", date(2022, 12, 31)),
    ]
    # （1） before any 1、 starts the run; （1）（2） under 3、…： are its own points.
    assert [(item.text, item.due) for item in second.items] == [
        ("开展学习。", None),
        ("6月底前完成清理。", date(2022, 6, 30)),
        ("组织评查：\n（1）9月底前完成案卷自查；\n（2）11月底前完成交叉评查。", date(2022, 11, 30)),
        ("年底前完成总结。", date(2022, 12, 31)),
    ]


def test_the_minimal_mixed_run_gives_three_items() -> None:
    text = (
        "某县2022年法治政府建设工作要点\n"
        "一、依法行政\n1、开展学习。\n（2）6月底前完成清理。\n3、组织评查。\n"
    )
    items = parse_report(text).tasks[0].items
    assert [(item.title, item.due) for item in items] == [
        ("开展学习", None),
        ("6月底前完成清理", date(2022, 6, 30)),
        ("组织评查", None),
    ]


def test_three_levels_give_items_at_the_second_with_the_third_in_their_text() -> None:
    """一、 tasks; （一） items; the 1、 points stay, numbered, in their item's text, and the
    item is due when its last point is."""
    plan = fixture(THREE_LEVELS)
    assert shape_of(plan) == [
        (
            "加强组织领导",
            [
                (
                    "抓好学习培训",
                    "抓好学习培训。\n1、3月底前制定学习计划。\n2、9月底前完成集中轮训。",
                    date(2022, 9, 30),
                ),
                ("落实第一责任人职责", "落实第一责任人职责。\n1．召开专题会议。", None),
            ],
        ),
        (
            "推进依法行政",
            [
                (
                    "加强规范性文件管理",
                    "加强规范性文件管理。\n1．2022年6月底，全区完成文件清理。\n"
                    "2．截至2021年底已备案的文件，做好后评估。\n3．11月底前完成后评估报告。",
                    date(2022, 11, 30),
                ),
                ("深化行政复议改革", "深化行政复议改革。", None),
            ],
        ),
    ]
    # Nothing of the document is lost: every line is in an item, a title or the skipped list.
    every = all_text(plan)
    for line in (FIXTURES / THREE_LEVELS).read_text(encoding="utf-8").splitlines()[2:]:
        assert line.split("、", 1)[-1].rstrip("。") in every


def test_a_title_is_the_work_not_the_date_it_starts_with() -> None:
    items = fixture(DATE_FIRST).tasks[0].items
    assert [item.title for item in items] == [
        "全区完成文件清理",
        "各部门完成行政执法公示",
        "组织开展执法案卷评查",
        "6月底前完成法治政府建设年度报告公开",
        "2022年6月底",  # nothing but the date: the whole clause
    ]
    assert items[0].text == "2022年6月底，全区完成文件清理。"
    assert short_title("截至2021年底已备案的文件，做好后评估。") == "截至2021年底已备案的文件"


def test_several_units_in_a_note_are_split_as_a_table_splits_them() -> None:
    from lawtasks.sources.table import units_of as table_units_of

    items = fixture(UNIT_LISTS).tasks[0].items
    assert [(item.lead_unit, item.assisting_units) for item in items] == [
        ("市委组织部", "市司法局"),  # first leads, the rest assist
        ("市委组织部", "市司法局"),  # （牵头） marks the lead
        ("市委宣传部、市司法局", "各乡镇（街道）、市级各部门"),  # a 配合单位 label beside
        ("市司法局（市法治办）", "市信访局"),  # a unit line after the point
    ]
    assert table_units_of("市委组织部、市司法局", "", has_assisting=False) == (
        "市委组织部",
        "市司法局",
    )


def test_a_supplementary_section_is_no_task() -> None:
    plan = fixture(SUPPLEMENTARY)
    assert [task.title for task in plan.tasks] == ["加强组织领导", "推进依法行政"]
    assert [(s.reason, s.text) for s in plan.skipped] == [
        ("supplementary", "三、附则"),
        ("supplementary", "本要点由区法治办负责解释。"),
        ("supplementary", "本要点自印发之日起施行。"),
    ]
    assert "附则" not in all_text(plan)
    assert "负责解释" not in all_text(plan)


def test_a_print_run_line_is_labelled_as_one() -> None:
    plan = fixture(PRINT_RUN)
    assert [(s.reason, s.text) for s in plan.skipped][-3:] == [
        ("cc", "抄送：区委办，区人大办，区政府办，区政协办。"),
        ("issue_date", "中共杭州市富阳区委全面依法治区委员会办公室       2022年3月1日印发"),
        ("print_run", "共印30份"),
    ]
