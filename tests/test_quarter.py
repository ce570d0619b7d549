"""A quarter of supervision played through the command line (issue 17, "Done when"): three
monthly reporting rounds (2022-07, -08, -09) with the units' real 填报 sheets filled in and
applied on time, late and not at all; evidence attached by `attach` and by
`apply --evidence`; items signed off and one sent back. Then `round status`, `remind` and
the 通报 (JSON, Markdown, and Word rendered through LibreOffice) must say exactly what
happened, and `verify` must pass, and fail once a stored evidence file is altered."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

import lawtasks.services.base
from lawtasks.db import make_engine
from lawtasks.seed import seed

from .test_docx_report import _soffice, pdf_text, to_pdf
from .test_history import SEEDED, Clocked, local

OFFICE = "县法治办"
UNITS = ("司法局", "县公安局", "县财政局")
# The day the reports are made: the end of the quarter, the September round still open.
END = date(2022, 9, 30)


@pytest.fixture(params=["sqlite", "postgresql"])
def clocked(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Clocked]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        url = request.getfixturevalue("postgres").new_database()
    engine = make_engine(url)
    state = Clocked(url, engine, local(SEEDED, 9))
    monkeypatch.setattr(lawtasks.services.base, "utcnow", lambda: state.now)
    monkeypatch.setenv("LAWTASKS_OFFICE", OFFICE)
    seed(engine, actor="seeder")
    yield state
    engine.dispose()


@dataclass
class Quarter:
    """The ledger and where the quarter left its files."""

    clocked: Clocked
    root: Path
    # What each `apply -f json` printed, by (unit, period).
    applied: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def run(self, user: str, day: date, hour: int, *args: str) -> str:
        """`lawtasks --user USER --today DAY ARGS` at HOUR of DAY on the services' clock."""
        self.clocked.at(local(day, hour))
        result = self.clocked("--user", user, "--today", day.isoformat(), *args)
        assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
        return str(result.stdout)

    def report(self, *args: str, lang: str = "en") -> str:
        """A read at the end of the quarter."""
        return self.run("office", END, 17, "--lang", lang, *args)

    def sheets(self, day: date, period: str) -> dict[str, Path]:
        """The round's sheets, made by the office on `day`: one per unit."""
        folder = self.root / "填报" / period
        self.run("office", day, 10, "sheets", "-o", str(folder))
        made = {unit: next(folder.glob(f"*-{unit}.xlsx")) for unit in UNITS}
        for path in made.values():
            rows = load_workbook(path)["_lawtasks"].iter_rows(values_only=True)
            stamp = {row[0]: row[1] for row in rows}
            assert stamp["round"] == period  # the open round, stamped into each sheet
        return made

    def answer(
        self,
        user: str,
        unit: str,
        period: str,
        sheet: Path,
        day: date,
        rows: dict[str, tuple[str | None, int]],
        evidence: dict[str, bytes] | None = None,
    ) -> None:
        """The unit fills in its sheet (status, progress per item) in Excel, and its
        officer applies it, with the evidence folder if any."""
        workbook = load_workbook(sheet)
        ws = workbook["Return"]
        for cells in ws.iter_rows():
            ref = cells[0].value
            if isinstance(ref, str) and ref in rows:
                status, progress = rows[ref]
                if status is not None:
                    ws[f"F{cells[0].row}"] = status
                ws[f"G{cells[0].row}"] = progress
        filled = self.root / "returns" / period / sheet.name
        filled.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(filled)
        args = ["apply", str(filled), "-f", "json"]
        if evidence:
            folder = self.root / "佐证" / f"{period}-{unit}"
            folder.mkdir(parents=True)
            for name, content in evidence.items():
                (folder / name).write_bytes(content)
            args += ["--evidence", str(folder)]
        self.applied[(unit, period)] = json.loads(self.run(user, day, 11, *args))


def play(clocked: Clocked, root: Path) -> Quarter:
    """July, August and September 2022, as the office and three units lived them.

    July (due the 25th): 司法局 on time (2.1 at 30%, with minutes as evidence), 县公安局
    late (the 27th), 县财政局 not at all. August: 司法局 on time (2.2 done), 县公安局 not
    at all (the office attaches a photo to 3.1 itself), 县财政局 late (the 28th).
    September: 司法局 on time (2.1 done), 县公安局 on time (3.1 done, with its acceptance
    report as evidence), 县财政局 not at all; the office signs 2.1 off and sends 3.1 back
    for want of acceptance papers, and leaves 2.2 waiting past its due date.
    """
    q = Quarter(clocked, root)
    office = clocked.ledger("office")
    clocked.at(local(date(2022, 6, 30), 9))
    office.add_user("office", unit="法治办", coordinator=True)
    for user, unit in (("alice", "司法局"), ("bob", "县公安局"), ("carol", "县财政局")):
        office.add_user(user, unit=unit)
    day = date(2022, 6, 30)
    q.run("office", day, 9, "set", "2.1", "2.2", "--unit", "司法局")
    q.run("office", day, 9, "set", "3.1", "--unit", "县公安局", "--due", "2022-09-30")
    q.run("office", day, 9, "set", "3.2", "--unit", "县财政局", "--due", "2022-09-15")
    q.run("office", day, 9, "set", "2.1", "--due", "2022-09-30")
    q.run("office", day, 9, "set", "2.2", "--due", "2022-08-15")

    q.run("office", date(2022, 7, 1), 9, "round", "open", "--period", "2022-07")
    july = q.sheets(date(2022, 7, 1), "2022-07")
    q.answer(
        "alice", "司法局", "2022-07", july["司法局"], date(2022, 7, 20),
        {"2.1": (None, 30)}, {"2.1-会议纪要.pdf": b"%PDF minutes of the July meeting"},
    )  # fmt: skip
    q.answer("bob", "县公安局", "2022-07", july["县公安局"], date(2022, 7, 27), {"3.1": (None, 20)})
    q.run("office", date(2022, 7, 31), 18, "round", "close")

    q.run("office", date(2022, 8, 1), 9, "round", "open", "--period", "2022-08")
    august = q.sheets(date(2022, 8, 1), "2022-08")
    q.answer(
        "alice", "司法局", "2022-08", august["司法局"], date(2022, 8, 10), {"2.2": ("已完成", 100)}
    )
    photo = root / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8 a photo of the site")
    q.run("office", date(2022, 8, 12), 15, "attach", "3.1", str(photo), "--note", "8月现场检查")
    q.answer(
        "carol", "县财政局", "2022-08", august["县财政局"], date(2022, 8, 28), {"3.2": (None, 10)}
    )
    q.run("office", date(2022, 8, 31), 18, "round", "close")

    q.run("office", date(2022, 9, 1), 9, "round", "open", "--period", "2022-09")
    september = q.sheets(date(2022, 9, 1), "2022-09")
    q.answer(
        "alice", "司法局", "2022-09", september["司法局"], date(2022, 9, 20),
        {"2.1": ("已完成", 100)},
    )  # fmt: skip
    q.answer(
        "bob", "县公安局", "2022-09", september["县公安局"], date(2022, 9, 24),
        {"3.1": ("已完成", 100)}, {"3.1_验收报告.pdf": b"%PDF acceptance report"},
    )  # fmt: skip
    q.run("office", date(2022, 9, 28), 10, "signoff", "2.1", "--note", "材料齐全")
    q.run("office", date(2022, 9, 28), 10, "signoff", "3.1", "--reject", "--reason", "缺少验收材料")
    return q


def _items(q: Quarter) -> dict[str, dict[str, Any]]:
    tasks = json.loads(q.report("list", "-f", "json"))["tasks"]
    return {item["id"]: item for task in tasks for item in task["items"]}


def _status(q: Quarter, period: str) -> dict[str, Any]:
    found = json.loads(q.report("round", "status", "--period", period, "-f", "json"))["round"]
    assert isinstance(found, dict)
    return found


def _day(at: str) -> date:
    return datetime.fromisoformat(at).astimezone().date()


def test_a_quarter_of_rounds_evidence_and_sign_off(clocked: Clocked, tmp_path: Path) -> None:
    q = play(clocked, tmp_path)
    items = _items(q)
    everything = set(items)

    # -- each return answered its round, and the evidence came with it ------------------------
    july = q.applied[("司法局", "2022-07")]
    assert [(f["id"], f["name"]) for f in july["evidence"]] == [("2.1", "2.1-会议纪要.pdf")]
    september = q.applied[("县公安局", "2022-09")]
    assert [(f["id"], f["name"]) for f in september["evidence"]] == [("3.1", "3.1_验收报告.pdf")]
    for (unit, period), applied in q.applied.items():
        assert applied["actor"] == {"司法局": "alice", "县公安局": "bob", "县财政局": "carol"}[unit]
        assert applied["changes"], (unit, period)

    # -- round status: who reported on time, late or not at all, and what was not updated -----
    expected = {
        "2022-07": (
            {"司法局": "reported", "县公安局": "late", "县财政局": "unreported"},
            {"2.1": date(2022, 7, 20), "3.1": date(2022, 7, 27)},
            {"2.1", "3.1"},
            "2022-07-25",
        ),
        "2022-08": (
            {"司法局": "reported", "县公安局": "unreported", "县财政局": "late"},
            {"2.2": date(2022, 8, 10), "3.2": date(2022, 8, 28)},
            {"2.2", "3.1", "3.2"},  # 3.1: the office's note with the photo
            "2022-08-25",
        ),
        "2022-09": (
            {"司法局": "reported", "县公安局": "reported", "县财政局": "unreported"},
            {"2.1": date(2022, 9, 20), "3.1": date(2022, 9, 24)},
            {"2.1", "3.1"},
            "2022-09-25",
        ),
    }
    answered_on = {"2.1": "司法局", "2.2": "司法局", "3.1": "县公安局", "3.2": "县财政局"}
    for period, (states, days, updated, due) in expected.items():
        found = _status(q, period)
        assert (found["period"], found["due"]) == (period, due)
        assert found["open"] is (period == "2022-09")
        assert {u["unit"]: u["state"] for u in found["units"]} == states
        assert {u["unit"]: _day(u["at"]) for u in found["units"] if u["at"]} == {
            answered_on[ref]: day for ref, day in days.items()
        }
        assert found["unreported"] == [u for u, s in states.items() if s == "unreported"]
        assert set(found["not_updated"]) == everything - updated
    # The round in hand, with no period named, is September's, open.
    assert json.loads(q.report("round", "status", "-f", "json"))["round"] == _status(q, "2022-09")

    # -- the items as the quarter left them --------------------------------------------------
    assert (items["2.1"]["status"], items["2.1"]["signoff"]) == ("done", "signed_off")
    assert (items["2.2"]["status"], items["2.2"]["signoff"]) == ("done", "awaiting")
    # 3.1 sent back: in progress at the progress it had before it was done, the reason noted.
    assert (items["3.1"]["status"], items["3.1"]["progress"]) == ("in_progress", 20)
    shown = json.loads(q.report("show", "3.1", "-f", "json"))["item"]
    assert (shown["notes"][0]["text"], shown["notes"][0]["author"]) == ("缺少验收材料", "office")
    assert [f["name"] for f in shown["evidence"]] == ["现场照片.jpg", "3.1_验收报告.pdf"]
    evidence = json.loads(q.report("evidence", "2.1", "-f", "json"))["evidence"]
    assert [f["name"] for f in evidence] == ["2.1-会议纪要.pdf"]
    assert json.loads(q.report("verify", "-f", "json"))["intact"] is True

    # -- remind: the unit that owes September, each unit's items, the office's own list ------
    reminded = json.loads(q.report("remind", "-f", "json"))
    assert (reminded["round"], reminded["unreported"]) == ("2022-09", ["县财政局"])
    by_unit = {entry["unit"]: [i["id"] for i in entry["items"]] for entry in reminded["units"]}
    assert "3.1" in by_unit["县公安局"]  # sent back, due today
    assert "3.2" in by_unit["县财政局"]  # overdue at 10%
    assert "司法局" not in by_unit  # 2.1 signed off; 2.2 waits for the office, not the unit
    assert [item["id"] for item in reminded["signoff_overdue"]] == ["2.2"]
    assert items["3.2"]["warning"] == "red"

    # -- the 通报, as JSON ---------------------------------------------------------------------
    circular = json.loads(q.report("circular", "-f", "json", lang="zh"))
    total = len(items)
    assert circular["total"] == total
    counts = {count["key"]: (count["count"], count["percent"]) for count in circular["counts"]}
    happened = {"done": 1, "awaiting": 1, "in_progress": 2, "not_started": total - 4, "blocked": 0}
    assert {key: n for key, (n, _share) in counts.items()} == happened
    # Whole percents that make 100 (1, 1, 2 and 14 of 18 rounded one by one make 101).
    assert sum(share for _n, share in counts.values()) == 100
    assert all(abs(share - 100 * n / total) < 1 for n, share in counts.values())
    assert [item["id"] for item in circular["red"]] == ["3.2"]
    assert circular["red"][0]["lead_unit"] == "县财政局"
    yellow = [ref for ref, item in items.items() if item["warning"] == "yellow"]
    assert [item["id"] for item in circular["yellow"]] == yellow
    assert circular["round"] == {
        "period": "2022-09", "due": "2022-09-25", "late": [], "unreported": ["县财政局"],
    }  # fmt: skip
    ranking = {rank["unit"]: (rank["red"], rank["yellow"]) for rank in circular["ranking"]}
    for unit in UNITS:
        mine = [item for item in items.values() if item["lead_unit"] == unit]
        tally = (
            sum(item["warning"] == "red" for item in mine),
            sum(item["warning"] == "yellow" for item in mine),
        )
        assert ranking.get(unit, (0, 0)) == tally, unit
    assert next(iter(ranking)) == "县财政局"  # the only red
    assert circular["since"] == "2022-09-01"
    assert [(i["id"], i["signed_off"]) for i in circular["signed_off"]] == [("2.1", "2022-09-28")]

    # -- the 通报, as Markdown -----------------------------------------------------------------
    markdown = q.report("circular", "-f", "md", lang="zh")
    n, percent = counts["done"]
    assert f"已办结 {n} 个（占 {percent}%）" in markdown
    assert f"已完成（待销号） 1 个（占 {counts['awaiting'][1]}%）" in markdown
    assert f"进行中 2 个（占 {counts['in_progress'][1]}%）" in markdown
    assert "3.2 " in markdown
    assert "（牵头单位：县财政局）" in markdown
    assert "未报送：县财政局" in markdown
    assert "逾期报送：" not in markdown  # nobody was late in September
    assert "2022年9月1日以来销号 1 个" in markdown
    assert markdown.rstrip().endswith(f"{OFFICE}\n\n2022年9月30日")


def test_verify_fails_once_a_stored_evidence_file_is_altered(
    clocked: Clocked, tmp_path: Path
) -> None:
    q = play(clocked, tmp_path)
    assert json.loads(q.report("verify", "-f", "json"))["intact"] is True
    with clocked.engine.begin() as connection:
        connection.execute(
            text("UPDATE evidence_file SET content = :forged WHERE size = :size"),
            {"forged": b"%PDF forged acceptance", "size": len(b"%PDF acceptance report")},
        )
    clocked.at(local(END, 18))
    result = clocked("--user", "office", "--today", END.isoformat(), "verify", "-f", "json")
    assert result.exit_code != 0
    found = json.loads(result.stdout)
    assert found["intact"] is False
    assert any("3.1_验收报告.pdf" in finding["message"] for finding in found["findings"])


@pytest.mark.slow
def test_the_quarters_circular_renders_through_libreoffice(
    clocked: Clocked, tmp_path: Path
) -> None:
    soffice = _soffice()
    q = play(clocked, tmp_path)
    circular = json.loads(q.report("circular", "-f", "json", lang="zh"))
    path = tmp_path / "9月通报.docx"
    q.report("circular", "-o", str(path), lang="zh")
    (pdf,) = to_pdf(soffice, [path], tmp_path)
    shown = pdf_text(pdf).replace("\n", "")  # lines wrap where the page ends them
    for count in circular["counts"]:
        label = {"done": "已办结", "awaiting": "已完成（待销号）", "in_progress": "进行中",
                 "not_started": "未开始", "blocked": "受阻"}[count["key"]]  # fmt: skip
        assert f"{label}{count['count']}个（占{count['percent']}%）" in shown, label
    for expected in (
        "推进情况的通报",
        f"共有事项{circular['total']}个",
        "未报送：县财政局",
        "3.2",
        "（牵头单位：县财政局）",
        "2022年9月1日以来销号1个",
        OFFICE,
    ):
        assert expected in shown, expected
