"""序时进度 on the seeded plan, as the README shows it: green early in the year, yellow by
mid-year, red once the year is over, for items nobody has touched."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lawtasks.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"


def summary_line(db: Path, today: str) -> str:
    result = CliRunner().invoke(app, ["--db", str(db), "--lang", "zh", "--today", today, "summary"])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[3].strip()


def readme_examples() -> dict[str, str]:
    """Each `lawtasks --lang zh --today DAY summary` of the README's warnings section, with
    the line shown under it."""
    section = README.read_text(encoding="utf-8").split("## Deadlines and warnings")[1]
    pairs = re.findall(r"\$ lawtasks --lang zh --today (\S+) summary\n(.+)\n", section)
    return dict(pairs)


def test_the_readme_shows_three_days() -> None:
    assert list(readme_examples()) == ["2022-01-20", "2022-07-15", "2023-01-05"]


@pytest.mark.parametrize(
    ("today", "counts"),
    [
        ("2022-01-20", "红灯 0  黄灯 0  绿灯 18"),
        ("2022-07-15", "红灯 0  黄灯 18  绿灯 0"),
        ("2023-01-05", "红灯 18  黄灯 0  绿灯 0"),
    ],
)
def test_untouched_items_are_green_then_yellow_then_red(
    tmp_path: Path, today: str, counts: str
) -> None:
    line = summary_line(tmp_path / "ledger.db", today)
    assert line.endswith(counts)
    assert line == readme_examples()[today]


def test_an_item_keeping_pace_stays_green_mid_year(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    runner = CliRunner()
    # On 15 July 53.6 % of the year has gone: 45 % is within the 10 points, 40 % is not.
    for ref, progress in (("1.1", "45"), ("1.2", "40")):
        result = runner.invoke(app, ["--db", str(db), "set", ref, "--progress", progress])
        assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["--db", str(db), "--today", "2022-07-15", "list", "--task", "1", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["tasks"][0]["items"]
    assert {item["id"]: item["warning"] for item in items} == {"1.1": "green", "1.2": "yellow"}
