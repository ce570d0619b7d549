"""The language layer: gettext catalogues for every message, plural forms, languages found
on disk, and how the language is chosen."""

from __future__ import annotations

import importlib.util
import re
import shutil
import string
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from lawtasks import i18n
from lawtasks.errors import DomainError

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "lawtasks" / "locale"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogues", ROOT / "tools" / "catalogues.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalogue(lang: str, domain: str) -> Catalog:
    with (LOCALE / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as file:
        return read_po(file, domain=domain)


def _texts(lang: str) -> dict[str, tuple[str, ...]]:
    """Every message of `lang`, each as its forms (one, or one per plural form)."""
    texts: dict[str, tuple[str, ...]] = {}
    for domain in i18n.DOMAINS:
        for message in _catalogue(lang, domain):
            if not message.id:
                continue  # the header
            key = message.id[0] if message.pluralizable else message.id
            assert key not in texts, f"{key} is defined twice"
            forms = message.string if message.pluralizable else (message.string,)
            texts[key] = tuple(forms)
    return texts


ZH, EN = _texts("zh"), _texts("en")


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_both_languages_have_the_same_messages() -> None:
    assert sorted(ZH) == sorted(EN)
    assert len(EN) > 400  # the catalogues were read, not found empty


@pytest.mark.parametrize("key", sorted(EN))
def test_every_message_has_both_languages_with_the_same_placeholders(key: str) -> None:
    zh, en = ZH[key], EN[key]
    assert all(text.strip() for text in zh), f"{key} lacks Chinese"
    assert all(text.strip() for text in en), f"{key} lacks English"
    assert {frozenset(_fields(text)) for text in zh + en} == {frozenset(_fields(zh[0]))}, key
    assert re.search(r"[\u4e00-\u9fff]", zh[0]), f"{key}: the Chinese text has no Chinese"
    # A message that counts things has gettext's plural forms (one in Chinese, two in
    # English), and only such a message: i18n.t chooses the form by {count}.
    counts = "count" in _fields(en[0])
    assert len(zh) == 1
    assert len(en) == (2 if counts else 1), key


def test_every_compiled_catalogue_is_its_po_file() -> None:
    """A .po edited without `python tools/catalogues.py compile` fails here."""
    assert _tool().stale(LOCALE) == []
    assert len(list(LOCALE.glob("*/LC_MESSAGES/*.mo"))) >= 6


def test_a_po_edited_without_compiling_is_found(tmp_path: Path) -> None:
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE, copy)
    po = copy / "en" / "LC_MESSAGES" / "lawtasks.po"
    po.write_text(po.read_text().replace('msgstr "done"', 'msgstr "finished"', 1))
    assert _tool().stale(copy) == [po.with_suffix(".mo")]


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("en", 1, "1 change made."),
        ("en", 2, "2 changes made."),
        ("en", 0, "0 changes made."),
        ("zh", 1, "已修改 1 处。"),
        ("zh", 7, "已修改 7 处。"),
    ],
)
def test_plurals_follow_the_languages_rule(lang: str, count: int, expected: str) -> None:
    i18n.set_language(lang)
    assert i18n.tn("out.changed", count) == expected
    assert i18n.t("out.changed", count=count) == expected


def test_an_error_that_counts_is_plural_too() -> None:
    i18n.set_language("en")
    assert str(DomainError("returns.refused", count=1)) == "1 error: nothing was applied."
    assert str(DomainError("returns.refused", count=2)) == "2 errors: nothing was applied."
    applied = i18n.t(
        "returns.applied", changes=i18n.tn("count.changes", 1), items=i18n.tn("count.items", 1)
    )
    assert applied == "Applied 1 change to 1 item."


def test_an_unknown_key_is_an_error_not_a_silent_key() -> None:
    with pytest.raises(KeyError):
        i18n.t("no.such.message")
    assert not i18n.known("no.such.message")
    assert i18n.known("status.done")


def _third_language(tmp_path: Path) -> Path:
    """The shipped catalogues plus `xx`: English's core messages with one reworded, and no
    catalogue at all for the exporters and the TUI."""
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE, locale)
    target = locale / "xx" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (LOCALE / "en" / "LC_MESSAGES" / "lawtasks.po").open("rb") as file:
        catalogue = read_po(file, locale="en")
    catalogue.get("status.done").string = "xx-done"
    with (target / "lawtasks.mo").open("wb") as file:
        write_mo(file, catalogue)
    return locale


def test_a_third_language_is_one_more_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(i18n, "LOCALE_DIR", _third_language(tmp_path))
    assert i18n.languages() == ("en", "xx", "zh")
    assert i18n.detect_language({"LAWTASKS_LANG": "xx"}) == "xx"
    assert i18n.detect_language({"LANG": "xx_YY.UTF-8"}) == "xx"
    assert i18n.set_language("xx") == "xx"
    assert i18n.t("status.done") == "xx-done"
    # What the language does not translate is shown in English.
    assert i18n.t("tui.key.quit") == "Quit"
    assert i18n.tn("out.changed", 1) == "1 change made."
    with pytest.raises(i18n.UnknownLanguage, match="valid languages are en, xx, zh"):
        i18n.set_language("fr")


@pytest.mark.sqlite_only
def test_the_cli_takes_a_third_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lawtasks.cli import app

    monkeypatch.setattr(i18n, "LOCALE_DIR", _third_language(tmp_path))
    db = str(tmp_path / "ledger.db")
    result = CliRunner().invoke(app, ["--db", db, "--lang", "xx", "list", "--status", "done"])
    assert result.exit_code == 0, result.output
    assert i18n.get_language() == "xx"
    result = CliRunner().invoke(app, ["--db", db, "--lang", "fr", "list"])
    assert result.exit_code == 2
    assert "valid languages are en, xx, zh" in result.output


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "C"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LAWTASKS_LANG": "en"}, "en"),
        ({"LANG": "C", "LAWTASKS_LANG": "zh"}, "zh"),
        ({"LANG": "zh-Hans"}, "zh"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
    ],
)
def test_language_detection(env: dict[str, str], expected: str) -> None:
    assert i18n.detect_language(env) == expected


def test_set_language_overrides_and_refuses_unknown() -> None:
    i18n.set_language("zh")
    assert i18n.t("status.done") == "已完成"
    i18n.set_language("en")
    assert i18n.t("status.done") == "done"
    with pytest.raises(
        i18n.UnknownLanguage, match="Invalid language fr: valid languages are en, zh"
    ):
        i18n.set_language("fr")


def test_domain_errors_render_in_the_language_at_the_time_shown() -> None:
    error = DomainError("error.progress", value="101")
    i18n.set_language("zh")
    assert str(error) == "进度 101 无效：应为 0 到 100 之间的整数。"
    i18n.set_language("en")
    assert str(error) == "Invalid progress 101: it must be a whole number from 0 to 100."


def _actions_written() -> set[str]:
    """Every action an audit event can carry: the names the services open their batches
    with, spelled out or as a module's *_ACTION constant."""
    services = Path(i18n.__file__).parent / "services"
    found: set[str] = set()
    for source in services.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        found |= set(re.findall(r'_batch\([^()]*?,\s*"([a-z_]+)"\)', text))
        found |= set(re.findall(r'^[A-Z_]*ACTION = "([a-z_]+)"', text, re.MULTILINE))
    return found


def test_every_action_of_the_trail_has_its_word_for_log_and_show() -> None:
    actions = _actions_written()
    # The scan finds the actions it must (a scan that found nothing would pass anything).
    assert {"import", "set", "undo", "milestone", "sheets", "round", "user"} <= actions
    # English has every message; test_both_languages_have_the_same_messages covers Chinese.
    missing = [action for action in sorted(actions) if not i18n.known(f"action.{action}")]
    assert missing == []
