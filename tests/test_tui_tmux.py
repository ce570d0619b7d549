"""The installed `lawtasks` in a real terminal (tmux), driven by keystrokes as a person would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def lawtasks_script() -> str:
    script = Path(sys.executable).with_name("lawtasks")
    return str(script) if script.exists() else shutil.which("lawtasks") or "lawtasks"


@pytest.fixture
def tmux() -> Iterator[str]:
    if shutil.which("tmux") is None:
        if os.environ.get("LAWTASKS_REQUIRE_EXTERNAL"):
            pytest.fail("tmux is required in CI but is not installed")
        pytest.skip("tmux is not installed")
    socket = f"lawtasks-{uuid.uuid4().hex[:8]}"
    yield socket
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, check=False)


def screen(socket: str) -> str:
    return subprocess.run(
        ["tmux", "-L", socket, "capture-pane", "-p", "-t", "app"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout


def wait_for(socket: str, text: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = screen(socket)
        if text in shown:
            return shown
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen(socket)}")


def start(
    socket: str,
    arguments: str,
    env: dict[str, str],
    size: tuple[int, int] = (120, 40),
    cwd: Path | None = None,
) -> None:
    """`lawtasks ARGUMENTS` in a tmux window of `size` (120x40 by default), in `cwd` (the
    working directory by default); the shell says how it exited."""
    width, height = (str(side) for side in size)
    # The app starts once the terminal has its size: on a busy machine tmux could still be
    # resizing the new window when the app read it, and the screen stayed at the old size.
    wait = f'while [ "$(stty size)" != "{height} {width}" ]; do sleep 0.05; done'
    command = f"{wait}; {lawtasks_script()} {arguments}; echo EXITED $?; sleep 60"
    # COLUMNS and LINES would override the window's size (shutil.get_terminal_size).
    env = {name: value for name, value in env.items() if name not in ("COLUMNS", "LINES")}
    subprocess.run(
        ["tmux", "-L", socket, "new-session", "-d", "-s", "app", "-x", width, "-y", height,
         *(["-c", str(cwd)] if cwd else []), command],
        env=env,
        check=True,
    )  # fmt: skip


def mark_the_first_item_done(socket: str) -> None:
    keys(socket, "Down")
    time.sleep(0.3)
    keys(socket, "Space")


def keys(socket: str, *args: str) -> None:
    subprocess.run(["tmux", "-L", socket, "send-keys", "-t", "app", *args], check=True)


def test_mark_done_and_add_a_chinese_note_in_a_real_terminal(tmux: str, tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    env = {
        **os.environ,
        "LAWTASKS_DB": str(db),
        "LAWTASKS_USER": "王五",
        "LAWTASKS_LANG": "zh",
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
    }
    start(tmux, "--today 2022-06-01", env)
    wait_for(tmux, "持续强化党对法治政府建设的领导")
    mark_the_first_item_done(tmux)
    wait_for(tmux, "已完成")
    keys(tmux, "n")
    wait_for(tmux, "添加备注")
    keys(tmux, "-l", "学习计划已印发")
    time.sleep(0.3)
    keys(tmux, "C-s")
    # The typed text shows in the dialog at once; the confirmation only once it is saved.
    wait_for(tmux, "备注：学习计划已印发")
    keys(tmux, "q")
    wait_for(tmux, "EXITED 0")

    shown = subprocess.run(
        [lawtasks_script(), "--db", str(db), "show", "1.1", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    item = json.loads(shown.stdout)["item"]
    assert (item["status"], item["progress"], item["updated_by"]) == ("done", 100, "王五")
    assert [(n["text"], n["author"]) for n in item["notes"]] == [("学习计划已印发", "王五")]


def test_the_bare_command_opens_the_tui_without_loading_the_orm(tmux: str, tmp_path: Path) -> None:
    """`lawtasks --db FILE` at a terminal takes the fast start (lawtasks.entry): the screen
    is painted from the lean reader, and a change still goes through the service layer."""
    db = tmp_path / "ledger.db"
    env = {**os.environ, "LAWTASKS_LANG": "en", "LAWTASKS_USER": "fast", "TERM": "xterm-256color"}
    subprocess.run([lawtasks_script(), "--db", str(db), "init"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    start(tmux, f"--db {db}", env)
    wait_for(tmux, "1.1")
    mark_the_first_item_done(tmux)
    wait_for(tmux, "done")
    keys(tmux, "q")
    wait_for(tmux, "EXITED 0")
    shown = subprocess.run(
        [lawtasks_script(), "--db", str(db), "show", "1.1", "--format", "json"],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    item = json.loads(shown.stdout)["item"]
    assert (item["status"], item["updated_by"]) == ("done", "fast")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", {"help": "? 帮助", "quit": "q 退出", "filter": "筛选：受阻", "yellow": "▲ 黄灯"}),
        (
            "en",
            {"help": "? Help", "quit": "q Quit", "filter": "Filter: blocked", "yellow": "▲ yellow"},
        ),
    ],
)
def test_a_standard_terminal_shows_help_quit_and_the_filter(
    tmux: str, tmp_path: Path, lang: str, words: dict[str, str]
) -> None:
    """At 80x24 the footer keeps ? and q, and a filter set with f is named in the header."""
    db = tmp_path / "ledger.db"
    env = {
        **os.environ,
        "LAWTASKS_DB": str(db),
        "LAWTASKS_USER": "王五",
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
    }
    subprocess.run([lawtasks_script(), "init"], env=env, check=True, capture_output=True)
    subprocess.run([lawtasks_script(), "block", "3.2"], env=env, check=True, capture_output=True)
    start(tmux, f"--lang {lang} --today 2022-07-15", env, size=(80, 24))
    wait_for(tmux, words["quit"])
    shown = wait_for(tmux, words["yellow"])  # the counts, glyph and word
    assert words["yellow"] in shown.splitlines()[1]
    footer = shown.splitlines()[-1]
    assert words["help"] in footer
    assert words["quit"] in footer
    keys(tmux, "f")
    time.sleep(0.5)
    keys(tmux, "Down", "Down", "Down", "Space")  # 受阻 / blocked
    time.sleep(0.3)
    keys(tmux, "Enter")
    shown = wait_for(tmux, words["filter"])
    lines = shown.splitlines()
    assert words["filter"] in lines[0]  # in the header, not the tree
    assert "3.2" in shown
    assert "3.1" not in shown
    assert words["help"] in lines[-1]
    assert words["quit"] in lines[-1]
    keys(tmux, "q")
    wait_for(tmux, "EXITED 0")


def test_keys_sent_together_stay_in_the_dialog_open(tmux: str, tmp_path: Path) -> None:
    """One `send-keys` of several keys reaches the app in one read, as over SSH: each key
    stays in the dialog it was typed at, in order, and enter acts on what they chose."""
    db = tmp_path / "ledger.db"
    out = tmp_path / "out"
    out.mkdir()
    env = {
        **os.environ,
        "LAWTASKS_DB": str(db),
        "LAWTASKS_USER": "fzb",
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
    }
    subprocess.run([lawtasks_script(), "init"], env=env, check=True, capture_output=True)
    start(tmux, "--lang zh --today 2022-08-12 tui", env, size=(80, 24), cwd=out)
    wait_for(tmux, "q 退出")
    keys(tmux, "j")
    time.sleep(0.5)
    keys(tmux, "f")
    wait_for(tmux, "按状态或预警筛选")
    keys(tmux, "Space", "Enter")  # ticks 未开始 and applies it; the tree's space is done
    wait_for(tmux, "筛选：未开始")
    keys(tmux, "Escape")
    time.sleep(0.5)
    keys(tmux, "f", "Down", "Down", "Down", "Space", "Enter", "Space")  # all in one read
    shown = wait_for(tmux, "筛选：受阻")
    assert "1.1 ○" not in shown  # no item is blocked: the tree is empty
    keys(tmux, "Escape")
    time.sleep(0.5)
    keys(tmux, "e")
    wait_for(tmux, "导出台账")
    keys(tmux, "Down", "Enter")  # Word, the format below the first
    wait_for(tmux, "已导出")
    keys(tmux, "q")
    wait_for(tmux, "EXITED 0")
    assert [file.suffix for file in out.iterdir()] == [".docx"]
    log = subprocess.run(
        [lawtasks_script(), "--lang", "zh", "log"], env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    assert "状态" not in log.stdout  # nothing was marked done
