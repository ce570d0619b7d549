"""What the everyday commands import: they must start without the heavy libraries.

Each command runs in a fresh interpreter, which reports the modules it loaded. Read-only
commands on a SQLite ledger take the lean read path (lawtasks.fastread), so neither the ORM
nor the TUI and office-file libraries are loaded. BENCHMARKS.md measures the time itself;
no test here asserts on time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "textual",
    "openpyxl",
    "docx",
    "sqlmodel",
    "sqlalchemy",
    "pydantic",
    "alembic",
    # the charts: the dashboard's and the reports' pictures
    "plotext",
    "textual_plotext",
    "matplotlib",
)

# Runs the CLI in-process, then prints which heavy modules were loaded on a line of its own.
SCRIPT = """
import json, sys
heavy = json.loads(sys.argv[2])
sys.argv = ["lawtasks", *json.loads(sys.argv[1])]
from lawtasks.cli import main
try:
    main()
except SystemExit:
    pass
print("LOADED " + json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def loaded(args: list[str], env: dict[str, str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert "Traceback" not in result.stderr, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("LOADED ")]
    return json.loads(line.removeprefix("LOADED "))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    db = tmp_path_factory.mktemp("startup") / "ledger.db"
    environment = {**os.environ, "LAWTASKS_DB": str(db), "LAWTASKS_LANG": "en"}
    subprocess.run(
        [sys.executable, "-m", "lawtasks", "init"], env=environment, check=True, capture_output=True
    )
    return environment


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["--help"],
        ["list", "--help"],
        ["list"],
        ["list", "--format", "json"],
        ["list", "--format", "csv"],
        ["show", "2.1"],
        ["show", "2", "--format", "json"],
        ["summary"],
        ["summary", "--format", "json"],
    ],
    ids=" ".join,
)
def test_everyday_commands_load_no_heavy_library(args: list[str], env: dict[str, str]) -> None:
    assert loaded(args, env) == []


def test_completion_of_ids_loads_no_heavy_library(env: dict[str, str]) -> None:
    completing = {**env, "_LAWTASKS_COMPLETE": "complete_bash", "COMP_WORDS": "lawtasks show 2.",
                  "COMP_CWORD": "2"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps([]), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        env=completing,
        check=True,
    )
    assert result.stdout.split()[:3] == ["2.1", "2.2", "2.3"]
    assert "LOADED []" in result.stdout


def test_a_write_loads_the_orm_but_not_the_tui_or_office_libraries(env: dict[str, str]) -> None:
    modules = loaded(["set", "2.1", "--progress", "10"], env)
    assert "sqlalchemy" in modules  # the service layer is the ORM's
    assert not {"textual", "openpyxl", "docx", "matplotlib", "plotext"} & set(modules)


def test_an_unknown_id_still_gets_the_orm_paths_message(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lawtasks", "show", "2.9"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert "2.9" in result.stderr
    assert "2.1, 2.2, 2.3" in result.stderr


def test_the_harness_sees_a_heavy_library_when_one_is_loaded(
    env: dict[str, str], tmp_path: Path
) -> None:
    # The control: without it, a harness that saw nothing would pass every test above.
    modules = loaded(["export", "--format", "xlsx", "-o", str(tmp_path / "out.xlsx")], env)
    assert "openpyxl" in modules
    assert (tmp_path / "out.xlsx").stat().st_size > 0


def test_reading_a_return_and_planning_it_loads_no_database_library(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """The return pipeline up to the service call is pure: it runs on the plan as viewed."""
    rows = tmp_path / "r.csv"
    rows.write_text("id,progress,version\n2.1,30,1\n", encoding="utf-8")
    script = f"""
import sys
from datetime import date
from pathlib import Path
from lawtasks.readmodel import PlanView, ReturnContext
from lawtasks.returns import preview_returns
view = PlanView(slug="p", title="t", year=2022, goal="", source_name="", published=None,
                start_date=date(2022, 1, 1), today=date(2022, 6, 1), tasks=())
result = preview_returns([Path({str(rows)!r})], view, ReturnContext(), actor="a", force=set())
assert result.errors, result  # 2.1 is no item of this empty plan: read, checked, refused
print("LOADED", sorted(m for m in ("sqlalchemy", "sqlmodel", "alembic") if m in sys.modules))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert "LOADED []" in result.stdout, result.stdout + result.stderr


def test_the_tuis_first_screen_loads_no_orm_and_no_charts() -> None:
    """The TUI paints its first screen from the lean reader (lawtasks.entry's fast start):
    its modules must not pull in the ORM (about 0.25 s) nor the dashboard's plotting."""
    script = (
        "import json, sys\n"
        "import lawtasks.tui.app, lawtasks.tui.screens.main\n"
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules and m != 'textual']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []
