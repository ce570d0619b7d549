"""The command line as a separate process: the installed script, start-up imports, help
texts (built when the module loads, so each language needs its own process) and shell
completion (driven by environment variables)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lawtasks.i18n import t

pytestmark = pytest.mark.slow

COMMANDS = {
    "init": "help.init",
    "import": "help.import",
    "plans": "help.plans",
    "list": "help.list",
    "show": "help.show",
    "summary": "help.summary",
    "log": "help.log",
    "set": "help.set",
    "start": "help.start",
    "done": "help.done",
    "block": "help.block",
    "reopen": "help.reopen",
    "note": "help.note_cmd",
    "undo": "help.undo",
    "export": "help.export",
    "verify": "help.verify",
    "backup": "help.backup",
    "restore": "help.restore",
    "db": "help.db_group",
    "users": "help.users_group",
    "sheets": "help.sheets",
    "apply": "help.apply",
    "remind": "help.remind",
    "round": "help.round",
    "attach": "help.attach",
    "evidence": "help.evidence",
    "signoff": "help.signoff",
    "circular": "help.circular",
    "milestone": "help.milestone_group",
    "tui": "help.tui",
}

# Prints the help of the app and of every command, each after a `=== name` line.
HELP_SCRIPT = """
from typer.main import get_command
from lawtasks.cli import app
command = get_command(app)
for name in ["", *command.commands]:
    print("=== " + name, flush=True)
    try:
        command.main([name, "--help"] if name else ["--help"], prog_name="lawtasks",
                     standalone_mode=False)
    except SystemExit:
        pass
"""


def lawtasks_script() -> str:
    found = shutil.which("lawtasks") or str(Path(sys.executable).with_name("lawtasks"))
    assert Path(found).exists(), found
    return found


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The test's environment, with a private home so the user's own ledger is never touched."""
    home = tmp_path / "home"
    home.mkdir()
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LAWTASKS_", "LC_", "_LAWTASKS", "COMP_"))
    }
    environ |= {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "LAWTASKS_LANG": "en",
        "LAWTASKS_USER": "tester",
        "LANG": "C.UTF-8",
        "COLUMNS": "100",
    }
    return environ


def run(
    args: list[str], env: dict[str, str], *, input: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        args, env=env, input=input, capture_output=True, text=True, timeout=60, check=False
    )
    if check:
        assert result.returncode == 0, (result.stdout, result.stderr)
    return result


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- the installed script, end to end ----------------------------------------------------


def test_installed_script_set_done_note_log_undo(tmp_path: Path, env: dict[str, str]) -> None:
    db = str(tmp_path / "ledger.db")
    base = [lawtasks_script(), "--db", db, "--today", "2022-06-01", "--user", "officer"]

    def lawtasks(*args: str, input: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(run([*base, *args], env, input=input).stdout)
        assert data["schema"] == 1
        return data

    changed = lawtasks("set", "2.3", "--progress", "40", "--due", "6月底", "--format", "json")
    assert {(c["field"], c["new"]) for c in changed["changes"]} == {
        ("status", "in_progress"),
        ("progress", "40"),
        ("due", "2022-06-30"),
    }
    assert changed["actor"] == "officer"

    lawtasks("done", "2.1", "--format", "json")
    lawtasks("note", "2.3", "-", "--format", "json", input="会议已召开\n方案已印发\n")
    item = lawtasks("show", "2.3", "--format", "json")["item"]
    assert (item["status"], item["progress"], item["due"]) == ("in_progress", 40, "2022-06-30")
    assert item["notes"][0]["text"] == "会议已召开\n方案已印发"
    assert lawtasks("show", "2.1", "--format", "json")["item"]["status"] == "done"

    events = lawtasks("log", "--format", "json")["events"]
    assert [(e["ref"], e["action"], e["field"]) for e in events if e["action"] != "import"] == [
        ("2.3", "set", "status"),
        ("2.3", "set", "progress"),
        ("2.3", "set", "due"),
        ("2.1", "set", "status"),
        ("2.1", "set", "progress"),
        ("2.3", "note", "note"),
    ]

    undone = lawtasks("undo", "--format", "json")
    assert undone["changes"] == [
        {"id": "2.3", "field": "note", "old": "会议已召开\n方案已印发", "new": None}
    ]
    assert lawtasks("show", "2.3", "--format", "json")["item"]["notes"] == []
    text = run([*base, "undo"], env).stdout
    assert text.startswith("Reverted the change officer made at")
    assert "2.1  status done → not started" in text
    assert lawtasks("show", "2.1", "--format", "json")["item"]["status"] == "not_started"
    undo_events = [
        e for e in lawtasks("log", "--format", "json")["events"] if e["action"] == "undo"
    ]
    assert len(undo_events) == 3


def test_errors_from_the_script_are_one_line_unless_debug(
    tmp_path: Path, env: dict[str, str]
) -> None:
    base = [lawtasks_script(), "--db", str(tmp_path / "l.db")]
    plain = run([*base, "show", "7.1"], env, check=False)
    assert plain.returncode == 1
    assert plain.stdout == ""
    assert plain.stderr == "lawtasks: No item 7.1: plan tonglu-2022 has tasks 1–6.\n"
    debug = run([*base, "--debug", "show", "7.1"], env, check=False)
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert "No item 7.1" in debug.stderr
    usage = run([*base, "list", "--format", "xml"], env, check=False)
    assert usage.returncode == 2
    assert "xml" in usage.stderr


def test_python_dash_m_runs_the_same_cli(tmp_path: Path, env: dict[str, str]) -> None:
    result = run(
        [sys.executable, "-m", "lawtasks", "--db", str(tmp_path / "l.db"), "list", "-f", "json"],
        env,
    )
    assert len(json.loads(result.stdout)["tasks"]) == 6


# -- start-up imports --------------------------------------------------------------------

STARTUP_SCRIPT = """
import sys
from typer.main import get_command
from lawtasks.cli import app
command = get_command(app)
db = sys.argv[1]
for args in (["list", "--format", "json"], ["list"], ["show", "2.3"], ["summary"],
             ["log", "-f", "csv"], ["set", "2.3", "--progress", "10"], ["note", "2", "n"],
             ["undo"], ["plans"], ["init"]):
    try:
        command.main(["--db", db, *args], prog_name="lawtasks", standalone_mode=False)
    except SystemExit:
        pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"textual", "openpyxl", "docx"})
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


def test_commands_other_than_tui_and_export_import_no_heavy_library(
    tmp_path: Path, env: dict[str, str]
) -> None:
    result = run([sys.executable, "-c", STARTUP_SCRIPT, str(tmp_path / "l.db")], env)
    assert '"schema": 1' in result.stdout  # the commands really ran
    assert "HEAVY=\n" in result.stderr, result.stderr.splitlines()[-1]


# -- help in both languages --------------------------------------------------------------


def _help_by_command(env: dict[str, str]) -> dict[str, str]:
    out = run([sys.executable, "-c", HELP_SCRIPT], env).stdout
    sections = re.split(r"^=== (\S*)\n", out, flags=re.MULTILINE)[1:]
    return dict(zip(sections[::2], sections[1::2], strict=True))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_of_the_app_and_every_command_is_in_the_chosen_language(
    env: dict[str, str], lang: str
) -> None:
    helps = _help_by_command(env | {"LAWTASKS_LANG": lang})
    assert set(helps) == {"", *COMMANDS}
    assert squash(t("help.app", lang=lang)) in squash(helps[""])
    assert squash(t("help.db", lang=lang)) in squash(helps[""])
    for command, key in COMMANDS.items():
        assert squash(t(key, lang=lang)) in squash(helps[command]), command
    assert squash(t("help.status_filter", lang=lang)) in squash(helps["list"])
    assert squash(t("help.due", lang=lang)) in squash(helps["set"])
    assert squash(t("help.reopen_progress", lang=lang)) in squash(helps["reopen"])
    other = "en" if lang == "zh" else "zh"
    assert squash(t("help.list", lang=other)) not in squash(helps["list"])


def test_lang_option_chooses_the_help_language(env: dict[str, str]) -> None:
    script = lawtasks_script()
    zh = run([script, "--lang", "zh", "--help"], env).stdout
    assert squash(t("help.app", lang="zh")) in squash(zh)
    assert squash(t("help.set", lang="zh")) in squash(zh)  # the command list
    zh_list = run([script, "--lang=zh", "list", "--help"], env).stdout
    assert squash(t("help.search", lang="zh")) in squash(zh_list)
    en = run([script, "--lang", "en", "--help"], env | {"LAWTASKS_LANG": "zh"}).stdout
    assert squash(t("help.app", lang="en")) in squash(en)


def test_help_is_english_without_any_language_setting(env: dict[str, str]) -> None:
    neutral = {k: v for k, v in env.items() if k not in ("LAWTASKS_LANG", "LANG")}
    out = run([lawtasks_script(), "--help"], neutral).stdout
    assert squash(t("help.app", lang="en")) in squash(out)
    assert not re.search(r"[\u4e00-\u9fff]", out.replace("2022", ""))


def test_chinese_help_has_no_english_sentences_left(env: dict[str, str]) -> None:
    out = run([lawtasks_script(), "--lang", "zh", "--help"], env).stdout
    assert "Show this message and exit." not in out
    assert "Install completion" not in out


def test_argument_help_shows_no_python_types(env: dict[str, str]) -> None:
    out = run([lawtasks_script(), "set", "--help"], env).stdout
    out += run([lawtasks_script(), "note", "--help"], env).stdout
    assert "list[str]" not in out
    assert "<str>" not in out


# -- shell completion ------------------------------------------------------------------


def _complete(env: dict[str, str], words: str, cword: int) -> list[str]:
    completion = env | {
        "_LAWTASKS_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword),
    }
    return run([lawtasks_script()], completion).stdout.split()


@pytest.fixture
def two_plans(tmp_path: Path, env: dict[str, str]) -> Path:
    """A ledger whose plan in use (plan-2023) has items 1.1 and 2.1 only."""
    db = tmp_path / "two.db"
    report = tmp_path / "r.txt"
    report.write_text(
        "三、2023年工作打算\n（一）深化普法。开展评估。\n（二）加强监督。开展评查。\n",
        encoding="utf-8",
    )
    run([lawtasks_script(), "--db", str(db), "import", str(report)], env)
    # An import never changes the plan in use: switching is asked for.
    run([lawtasks_script(), "--db", str(db), "plans", "use", "plan-2023"], env)
    return db


def test_completion_of_ids_through_the_shell_protocol(two_plans: Path, env: dict[str, str]) -> None:
    with_db = env | {"LAWTASKS_DB": str(two_plans)}
    assert _complete(with_db, "lawtasks show ", 2) == ["1", "2", "1.1", "2.1"]
    assert _complete(with_db, "lawtasks set 1.1 2", 3) == ["2", "2.1"]
    assert _complete(with_db, "lawtasks show --plan tonglu-2022 2.", 4) == ["2.1", "2.2", "2.3"]


def test_completion_reads_the_db_given_on_the_command_line(
    two_plans: Path, env: dict[str, str]
) -> None:
    words = f"lawtasks --db {two_plans} show 2."
    assert _complete(env, words, 4) == ["2.1"]
    assert not list(Path(env["XDG_DATA_HOME"]).rglob("*.db"))


def test_completion_honours_the_global_plan_option(two_plans: Path, env: dict[str, str]) -> None:
    with_db = env | {"LAWTASKS_DB": str(two_plans)}
    assert _complete(with_db, "lawtasks --plan tonglu-2022 show 6.", 4) == [
        "6.1",
        "6.2",
        "6.3",
        "6.4",
    ]
