"""click's and typer's own words are Chinese under --lang zh: every help page, every usage
error, through the `click` catalogue (lawtasks.cli.click_words)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from lawtasks import i18n
from lawtasks.cli import app
from lawtasks.cli.click_words import _FIELD, VOCABULARY, translate

CLICK_PO = Path(__file__).resolve().parents[1] / "src/lawtasks/locale/zh/LC_MESSAGES/click.po"


def _english_fragments() -> list[str]:
    """The fixed English of each of click's messages, without what click fills in."""
    fragments = set()
    for msgid in VOCABULARY:
        for part in _FIELD.split(msgid)[::2]:  # split() also yields the field names
            fragment = part.strip(" .:()'\n\t")
            if re.search(r"[A-Za-z]{2}", fragment):
                fragments.add(fragment)
    return sorted(fragments)


ENGLISH = _english_fragments()


def _english_in(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"(?<![A-Za-z]){re.escape(word)}", text)]


# Help texts are made when lawtasks.cli is imported, in the language of the command line
# (`--lang` is read from argv first): so the pages are made in a process started with
# `--lang zh`, as an officer's would be, and compared here.
_PAGES = """
import json, sys
sys.argv = ["lawtasks", "--lang", "zh"]
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner
from lawtasks.cli import app

def paths(group, prefix=()):
    yield prefix
    for name, command in group.commands.items():
        if isinstance(command, TyperGroup):
            yield from paths(command, (*prefix, name))
        else:
            yield (*prefix, name)

runner = CliRunner()
out = {}
for path in paths(typer.main.get_command(app)):
    result = runner.invoke(app, ["--lang", "zh", *path, "--help"], prog_name="lawtasks")
    out[" ".join(("lawtasks", *path))] = [result.exit_code, result.output]
for args in json.loads(sys.stdin.read()):
    result = runner.invoke(app, ["--lang", "zh", *args], prog_name="lawtasks")
    out["error: " + " ".join(args)] = [result.exit_code, result.output]
print(json.dumps(out))
"""

USAGE_ERRORS = [
    (["list", "--format", "nope"], "'--format' / '-f' 的值无效：'nope' 不是"),
    (["list", "--bogus"], "没有选项 --bogus"),
    (["lst"], "没有命令 'lst'。是否要用 'list'"),
    (["set"], "缺少参数 'ID'。"),
    (["list", "extra"], "多余的参数（extra）"),
    (["export", "--format"], "选项 '--format' 需要一个值。"),
]


@pytest.fixture(scope="module")
def chinese_pages() -> dict[str, tuple[int, str]]:
    result = subprocess.run(
        [sys.executable, "-c", _PAGES],
        input=json.dumps([args for args, _ in USAGE_ERRORS]),
        capture_output=True,
        text=True,
        check=True,
    )
    return {name: (code, text) for name, (code, text) in json.loads(result.stdout).items()}


def test_every_help_page_is_chinese(chinese_pages: dict[str, tuple[int, str]]) -> None:
    helps = {name: page for name, page in chinese_pages.items() if name.startswith("lawtasks")}
    assert len(helps) > 25  # every command and subcommand, db and users included
    assert "lawtasks users add" in helps
    for name, (code, text) in helps.items():
        assert code == 0, text
        assert text.startswith(f"用法：{name} [选项]"), text
        assert "\n选项：\n" in text, name
        assert _english_in(text) == [], name
    top = helps["lawtasks"][1]
    assert "[选项] 命令 [参数]..." in top
    assert "\n命令：\n" in top
    assert "[环境变量：LAWTASKS_DB]" in top
    assert "[默认：table]" in helps["lawtasks list"][1]


@pytest.mark.parametrize(("args", "chinese"), USAGE_ERRORS, ids=str)
def test_usage_errors_are_chinese(
    chinese_pages: dict[str, tuple[int, str]], args: list[str], chinese: str
) -> None:
    code, text = chinese_pages["error: " + " ".join(args)]
    assert code == 2
    assert chinese in text
    assert "错误：" in text
    assert _english_in(text) == []


def test_the_chinese_catalogue_translates_all_of_clicks_words() -> None:
    with CLICK_PO.open("rb") as file:
        catalogue = read_po(file)
    translated = {message.id: message.string for message in catalogue if message.id}
    assert sorted(translated) == sorted(VOCABULARY)
    for msgid, text in translated.items():
        assert re.search(r"[\u4e00-\u9fff]", text), msgid
        assert set(_FIELD.findall(text)) == set(_FIELD.findall(msgid)), msgid
    assert {"Usage", "Options", "required", "default", "is not one of"} <= set(ENGLISH)


def test_english_stays_english() -> None:
    result = CliRunner().invoke(
        app, ["--lang", "en", "list", "--format", "nope"], prog_name="lawtasks"
    )
    assert "Error: Invalid value for '--format' / '-f': 'nope' is not one of" in result.output
    assert "Usage: lawtasks list [OPTIONS]" in result.output


def test_an_unforeseen_message_is_kept_as_it_is() -> None:
    i18n.set_language("zh")
    assert translate("Error: something click never said") == "错误：something click never said"
    assert translate("nothing like click") == "nothing like click"


@pytest.mark.slow
@pytest.mark.parametrize("env", [{"LAWTASKS_LANG": "zh"}, {"LANG": "zh_CN.UTF-8"}])
def test_the_installed_command_speaks_chinese_from_the_environment(env: dict[str, str]) -> None:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LAWTASKS_LANG")
    }
    result = subprocess.run(
        [sys.executable, "-m", "lawtasks", "list", "--format", "nope"],
        capture_output=True,
        text=True,
        env={**clean, **env},
        check=False,
    )
    assert result.returncode == 2
    assert "用法：lawtasks list [选项]" in result.stderr
    assert "请用 'lawtasks list -h' 查看帮助。" in result.stderr
    assert _english_in(result.stderr) == []
