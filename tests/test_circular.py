"""The 通报 (issue 17): counts by status with percentages, lagging items with their lead
units, the units that reported late or not at all in the last round, units ranked by red and
yellow items, and what was signed off in the period; as Markdown, JSON and Word, and the Word
file rendered through LibreOffice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document

import lawtasks.services.base
from lawtasks.db import make_engine
from lawtasks.seed import seed

from .test_docx_report import _soffice, pdf_text, to_pdf
from .test_history import SEEDED, Clocked, local
from .test_rounds import _return, _units

TODAY = "2022-09-27"
OFFICE = "县法治办"


@pytest.fixture
def clocked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Clocked]:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    engine = make_engine(url)
    state = Clocked(url, engine, local(SEEDED, 9))
    monkeypatch.setattr(lawtasks.services.base, "utcnow", lambda: state.now)
    monkeypatch.setenv("LAWTASKS_OFFICE", OFFICE)
    seed(engine, actor="seeder")
    yield state
    engine.dispose()


def _september(clocked: Clocked) -> None:
    """2.1 overdue (red), 3.1 far behind (yellow); 1.1 signed off in August, before the
    round; 2.2 signed off during it; 3.2 done and waiting for 销号. The September round:
    司法局 on time, 县公安局 late, 县财政局 not at all."""
    office = clocked.ledger("office")
    clocked.at(local(date(2022, 8, 1), 9))
    _units(clocked)
    office.update(["2.1"], status="in_progress", progress=20, due=date(2022, 8, 31))
    office.update(["3.1"], status="in_progress", progress=5, due=date(2022, 12, 31))
    office.update(["1.1"], status="done")
    clocked.at(local(date(2022, 8, 15), 9))
    office.sign_off(["1.1"])
    clocked.at(local(date(2022, 9, 1), 9))
    office.open_round("2022-09")
    clocked.at(local(date(2022, 9, 20), 10))
    _return(clocked, "alice", "司法局", "2.2", 50)
    clocked.at(local(date(2022, 9, 21), 10))
    office.update(["2.2"], status="done")
    office.sign_off(["2.2"])
    office.update(["3.2"], status="done")
    clocked.at(local(date(2022, 9, 26), 10))
    _return(clocked, "bob", "县公安局", "3.1", 10)


def _circular(clocked: Clocked, *args: str) -> Result:
    result = clocked("--today", TODAY, "--lang", "zh", "circular", *args)
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result


Result = Any


def test_the_circular_counts_names_and_ranks(clocked: Clocked) -> None:
    _september(clocked)
    data = json.loads(_circular(clocked, "-f", "json").stdout)
    items = [
        item
        for task in json.loads(clocked("--today", TODAY, "list", "-f", "json").stdout)["tasks"]
        for item in task["items"]
    ]
    by_id = {item["id"]: item for item in items}
    assert (by_id["2.1"]["warning"], by_id["3.1"]["warning"]) == ("red", "yellow")

    # Counts on the plan's items: 已办结 is done and signed off, 待销号 apart.
    assert data["total"] == len(items)
    counts = {count["key"]: count for count in data["counts"]}
    assert sum(count["count"] for count in data["counts"]) == len(items)
    done = [i for i in items if i["status"] == "done" and i.get("signoff") != "awaiting"]
    assert counts["done"]["count"] == len(done)
    assert counts["awaiting"]["count"] == 1
    # Every status is listed, at 0 too (none is blocked here), and the shares make 100.
    assert [count["key"] for count in data["counts"]] == [
        "done", "awaiting", "in_progress", "not_started", "blocked",
    ]  # fmt: skip
    assert counts["blocked"]["count"] == 0
    assert sum(count["percent"] for count in data["counts"]) == 100
    for count in data["counts"]:
        assert abs(count["percent"] - 100 * count["count"] / len(items)) < 1

    red = [item["id"] for item in data["red"]]
    yellow = [item["id"] for item in data["yellow"]]
    assert "2.1" in red
    assert "3.1" in yellow
    assert red == [i["id"] for i in items if i["warning"] == "red"]
    assert yellow == [i["id"] for i in items if i["warning"] == "yellow"]
    assert next(i for i in data["red"] if i["id"] == "2.1")["lead_unit"] == "司法局"

    assert data["round"] == {
        "period": "2022-09", "due": "2022-09-25", "late": ["县公安局"], "unreported": ["县财政局"],
    }  # fmt: skip
    ranking = {rank["unit"]: (rank["red"], rank["yellow"]) for rank in data["ranking"]}
    assert ranking["司法局"][0] >= 1
    assert ranking["县公安局"][1] >= 1
    order = [(-r["red"], -r["yellow"]) for r in data["ranking"]]
    assert order == sorted(order)
    # Signed off since the round opened: 2.2, not 1.1 (August).
    assert data["since"] == "2022-09-01"
    assert [item["id"] for item in data["signed_off"]] == ["2.2"]
    assert data["office"] == OFFICE

    markdown = _circular(clocked, "-f", "md").stdout
    assert markdown.startswith("# 关于")
    assert "推进情况的通报" in markdown.splitlines()[0]
    assert "各乡镇（街道）、县级各部门：" in markdown
    percent = counts["done"]["percent"]
    assert f"已办结 {counts['done']['count']} 个（占 {percent}%）" in markdown
    assert f"已完成（待销号） 1 个（占 {counts['awaiting']['percent']}%）" in markdown
    assert "2.1 " in markdown
    assert "（牵头单位：司法局）" in markdown
    assert "逾期报送：县公安局" in markdown
    assert "未报送：县财政局" in markdown
    assert "2022年9月1日以来销号 1 个" in markdown
    assert markdown.rstrip().endswith(f"{OFFICE}\n\n2022年9月27日")

    # --since widens the period: 1.1 was signed off in August.
    wider = json.loads(_circular(clocked, "-f", "json", "--since", "2022-08-01").stdout)
    assert [item["id"] for item in wider["signed_off"]] == ["1.1", "2.2"]


def test_as_of_a_day_before_the_round(clocked: Clocked) -> None:
    _september(clocked)
    data = json.loads(_circular(clocked, "-f", "json", "--as-of", "2022-08-20").stdout)
    assert data["today"] == "2022-08-20"
    assert data["round"] is None
    assert "2.2" not in [item["id"] for item in data["signed_off"]]
    counts = {count["key"]: count["count"] for count in data["counts"]}
    assert counts["awaiting"] == 0
    markdown = _circular(clocked, "-f", "md", "--as-of", "2022-08-20").stdout
    assert "本期未开展填报轮次。" in markdown


def _paragraphs(path: Path) -> list[str]:
    return [paragraph.text for paragraph in Document(str(path)).paragraphs]


def test_the_word_circular_has_title_addressee_and_signature(
    clocked: Clocked, tmp_path: Path
) -> None:
    _september(clocked)
    path = tmp_path / "通报.docx"
    shown = _circular(clocked, "-o", str(path))
    assert str(path) in shown.stdout
    paragraphs = [text for text in _paragraphs(path) if text]
    assert paragraphs[0].startswith("关于")
    assert paragraphs[0].endswith("推进情况的通报")
    assert paragraphs[1] == "各乡镇（街道）、县级各部门："
    assert paragraphs[-2:] == [OFFICE, "2022年9月27日"]
    assert "逾期报送：县公安局" in paragraphs
    document = Document(str(path))
    assert document.paragraphs[0].style.name == "Title"
    assert document.core_properties.title == paragraphs[0]


@pytest.mark.slow
def test_the_circular_renders_through_libreoffice(clocked: Clocked, tmp_path: Path) -> None:
    soffice = _soffice()
    _september(clocked)
    path = tmp_path / "circular.docx"
    _circular(clocked, "-o", str(path))
    data = json.loads(_circular(clocked, "-f", "json").stdout)
    (pdf,) = to_pdf(soffice, [path], tmp_path)
    text = pdf_text(pdf).replace("\n", "")  # lines wrap where the page ends them
    done = data["counts"][0]
    for expected in (
        "推进情况的通报",
        f"已办结{done['count']}个（占{done['percent']}%）",
        "逾期报送：县公安局",
        "未报送：县财政局",
        "（牵头单位：司法局）",
        OFFICE,
    ):
        assert expected in text, expected


def test_the_document_number_stands_above_the_title_in_every_format(
    clocked: Clocked, tmp_path: Path
) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    _september(clocked)
    number = "桐法办〔2022〕5号"
    path = tmp_path / "通报.docx"
    _circular(clocked, "--number", f" {number} ", "-o", str(path))
    document = Document(str(path))
    first = document.paragraphs[0]
    assert (first.text, first.alignment) == (number, WD_ALIGN_PARAGRAPH.CENTER)
    assert document.paragraphs[2].style.name == "Title"
    markdown = _circular(clocked, "--number", number, "-f", "md").stdout.splitlines()
    assert markdown[0].startswith("# 关于")
    assert markdown[2] == number
    assert json.loads(_circular(clocked, "--number", number, "-f", "json").stdout)["number"] == (
        number
    )
    # Without one the 通报 starts at its title, and JSON says there is none.
    assert json.loads(_circular(clocked, "-f", "json").stdout)["number"] is None


def test_an_empty_document_number_is_refused_and_nothing_is_written(
    clocked: Clocked, tmp_path: Path
) -> None:
    _september(clocked)
    path = tmp_path / "通报.docx"
    result = clocked(
        "--today", TODAY, "--lang", "zh", "circular", "--number", "  ", "-o", str(path)
    )
    assert result.exit_code != 0
    assert "--number 不能为空" in result.stderr
    assert "Traceback" not in result.stderr
    assert not path.exists()


@pytest.mark.parametrize(
    ("day", "since"),
    [(("--as-of", "2022-08-20"), "2022-09-01"), ((), "2022-10-01")],
    ids=["as-of", "today"],
)
def test_a_period_starting_after_the_day_is_refused_naming_both(
    clocked: Clocked, tmp_path: Path, day: tuple[str, ...], since: str
) -> None:
    _september(clocked)
    path = tmp_path / "通报.md"
    result = clocked(
        "--today", TODAY, "--lang", "zh", "circular", "-f", "md", *day, "--since", since,
        "-o", str(path),
    )  # fmt: skip
    assert result.exit_code != 0
    last = day[1] if day else TODAY
    (line,) = result.stderr.strip().splitlines()
    assert f"--since {since} 晚于截至日期 {last}" in line
    assert "Traceback" not in result.stderr
    assert not path.exists()


def test_the_json_is_one_line_in_a_pipe_and_indented_in_a_file(
    clocked: Clocked, tmp_path: Path
) -> None:
    _september(clocked)
    printed = _circular(clocked, "-f", "json").stdout
    assert len(printed.strip().splitlines()) == 1  # CliRunner's stdout is a pipe
    path = tmp_path / "通报.json"
    _circular(clocked, "-f", "json", "-o", str(path))
    written = path.read_text(encoding="utf-8")
    assert written.startswith('{\n  "schema": 1,')
    assert json.loads(written) == json.loads(printed)


def test_a_plan_without_sign_off_counts_no_awaiting(clocked: Clocked) -> None:
    _september(clocked)
    clocked.ledger("office").set_plan("tonglu-2022", signoff=False)
    data = json.loads(_circular(clocked, "-f", "json").stdout)
    keys = [count["key"] for count in data["counts"]]
    assert keys == ["done", "in_progress", "not_started", "blocked"]
    assert sum(count["percent"] for count in data["counts"]) == 100
    # 3.2 waited for 销号: with sign-off off it is simply done.
    done = next(count for count in data["counts"] if count["key"] == "done")
    assert done["count"] == 3
    markdown = _circular(clocked, "-f", "md").stdout
    assert "待销号" not in markdown
    assert "受阻 0 个（占 0%）" in markdown


@pytest.mark.parametrize("total", range(1, 41))
def test_the_shares_of_a_whole_make_100_and_each_is_within_a_point(total: int) -> None:
    import itertools

    from lawtasks.exporters.content import shares

    tried = 0
    for first, second in itertools.product(range(total + 1), repeat=2):
        if first + second > total:
            continue
        counts = [first, 0, second, total - first - second]
        got = shares(counts, total)
        assert sum(got) == 100, (counts, got)
        assert all(
            abs(share - 100 * count / total) < 1 for share, count in zip(got, counts, strict=True)
        )
        assert got[1] == 0
        tried += 1
    assert tried > 0


def test_shares_of_nothing_are_zero() -> None:
    from lawtasks.exporters.content import shares

    assert shares([0, 0], 0) == [0, 0]
    # The review's 6 + 0 + 89 + 6 = 101: one of the two 6s gives its point back.
    assert shares([1, 0, 16, 1], 18) == [6, 0, 89, 5]


def test_the_suffix_of_o_says_the_format_unless_f_says_another(
    clocked: Clocked, tmp_path: Path
) -> None:
    _september(clocked)
    markdown = tmp_path / "通报.md"
    _circular(clocked, "-o", str(markdown))
    assert markdown.read_text(encoding="utf-8").startswith("# 关于")
    data = tmp_path / "通报.json"
    _circular(clocked, "-o", str(data))
    assert json.loads(data.read_text(encoding="utf-8"))["plan"] == "tonglu-2022"
    for args, words in (
        (["-f", "md", "-o", str(tmp_path / "out.docx")], ["out.docx", "-f md"]),
        (["-o", str(tmp_path / "out.pdf")], [".pdf", ".md", ".json", ".docx"]),
        (["-o", str(tmp_path / "out.xlsx")], [".xlsx", ".md", ".json", ".docx"]),
    ):
        result = clocked("--today", TODAY, "--lang", "zh", "circular", *args)
        assert result.exit_code != 0
        (line,) = result.stderr.strip().splitlines()
        assert all(word in line for word in words), line
    written = sorted(path.name for path in tmp_path.iterdir() if "ledger" not in path.name)
    assert written == ["通报.json", "通报.md"]
