"""The language layer: both languages for every message, and how the language is chosen."""

from __future__ import annotations

import re
import string

import pytest

from lawtasks import i18n
from lawtasks.errors import DomainError


@pytest.mark.parametrize("key", sorted(i18n.MESSAGES))
def test_every_message_has_both_languages_with_the_same_placeholders(key: str) -> None:
    zh, en = i18n.MESSAGES[key]
    assert zh.strip(), f"{key} lacks Chinese"
    assert en.strip(), f"{key} lacks English"
    fields = [{f for _, f, _, _ in string.Formatter().parse(text) if f} for text in (zh, en)]
    assert fields[0] == fields[1], key
    assert re.search(r"[\u4e00-\u9fff]", zh), f"{key}: the Chinese text has no Chinese"


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
    ],
)
def test_language_detection(env: dict[str, str], expected: str) -> None:
    assert i18n.detect_language(env) == expected


def test_set_language_overrides_and_refuses_unknown() -> None:
    i18n.set_language("zh")
    assert i18n.t("status.done") == "已完成"
    i18n.set_language("en")
    assert i18n.t("status.done") == "done"
    with pytest.raises(DomainError, match="Invalid language fr: valid languages are zh and en"):
        i18n.set_language("fr")


def test_domain_errors_render_in_the_language_at_the_time_shown() -> None:
    error = DomainError("error.progress", value="101")
    i18n.set_language("zh")
    assert str(error) == "进度 101 无效:应为 0 到 100 之间的整数。"
    i18n.set_language("en")
    assert str(error) == "Invalid progress 101: it must be a whole number from 0 to 100."
