"""The translation layer: every string a user sees comes from here, through gettext.

The catalogues are data beside this module, `locale/<lang>/LC_MESSAGES/<area>.po`, compiled
to `.mo` by `python tools/catalogues.py compile` (a test fails when a `.po` and its `.mo`
disagree). Their msgid is the message key the code names (`error.progress`), not English
text: the keys are the contract between the code, its errors and its tests; Chinese and
English are equals here, and rewording the English must not orphan the Chinese.

A message that holds `{count}` has plural forms, chosen by gettext's rule for the language
(`ngettext`): `t("out.changed", count=2)`, or `tn("out.changed", 2)`.

The languages are the directories present: adding `locale/xx/` adds `--lang xx`, with no
change here. A message missing from a language is shown in English.

This is the bottom layer: it imports nothing of lawtasks, so that any module may use it.
"""

from __future__ import annotations

import errno
import gettext
import os
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

# A language code: the name of a directory under LOCALE_DIR.
Lang = str

LOCALE_DIR = Path(__file__).with_name("locale")
# lawtasks' own catalogues, by area: the core, the exporters and the TUI each keep theirs.
DOMAINS = ("lawtasks", "exporters", "tui")
# Shown for a message a language lacks, and when the locale names no language we have.
FALLBACK: Lang = "en"

# What a lookup gives for a key no catalogue holds. A .mo file separates plural forms with
# NUL, so no real message can contain one: the value cannot be mistaken for a message.
_MISSING = "\0missing"


class UnknownLanguage(ValueError):
    """A language for which there is no catalogue; shown as one line naming the valid ones."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value

    def __str__(self) -> str:
        return t("error.lang", value=self.value, valid=", ".join(languages()))


def languages() -> tuple[Lang, ...]:
    """The languages with a catalogue, in alphabetical order."""
    return _languages(LOCALE_DIR)


@cache
def _languages(locale_dir: Path) -> tuple[Lang, ...]:
    try:
        entries = list(locale_dir.iterdir())
    except OSError:
        return ()
    return tuple(sorted(p.name for p in entries if (p / "LC_MESSAGES" / "lawtasks.mo").is_file()))


class _Missing(gettext.NullTranslations):
    """The end of every chain: a key nobody holds gives _MISSING rather than itself."""

    def gettext(self, message: str) -> str:
        return _MISSING

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return _MISSING


class _English(gettext.NullTranslations):
    """The fallback of a partial language, loaded only when one of its messages is asked."""

    def __init__(self, locale_dir: Path) -> None:
        super().__init__()
        self._dir = locale_dir

    def gettext(self, message: str) -> str:
        return _catalogue(self._dir, FALLBACK).gettext(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return _catalogue(self._dir, FALLBACK).ngettext(msgid1, msgid2, n)


@cache
def _catalogue(locale_dir: Path, lang: Lang) -> gettext.NullTranslations:
    """Every area's catalogue of `lang`, chained; read once per process, on first use."""
    head: gettext.NullTranslations | None = None
    for domain in DOMAINS:
        try:
            with (locale_dir / lang / "LC_MESSAGES" / f"{domain}.mo").open("rb") as file:
                translations = gettext.GNUTranslations(file)
        except FileNotFoundError:
            continue  # a language may leave an area to English
        if head is None:
            head = translations
        else:
            head.add_fallback(translations)
    tail: gettext.NullTranslations = _Missing() if lang == FALLBACK else _English(locale_dir)
    if head is None:
        return tail
    head.add_fallback(tail)
    return head


def detect_language(env: Mapping[str, str] | None = None) -> Lang:
    """Pick the language: LAWTASKS_LANG, then the POSIX locale variables, then English."""
    env = os.environ if env is None else env
    known = languages()
    explicit = env.get("LAWTASKS_LANG", "").strip().lower()
    if explicit in known:
        return explicit
    # POSIX precedence: LC_ALL overrides LC_MESSAGES, which overrides LANG.
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            # zh_CN.UTF-8, zh_TW, zh-Hans, sr@latin: the language is what comes first.
            code = value.lower().replace("-", "_").partition(".")[0].partition("@")[0]
            code = code.partition("_")[0]
            return code if code in known else FALLBACK
    return FALLBACK


_current: Lang | None = None


def set_language(lang: str | None) -> Lang:
    """Fix the language for this process; None goes back to detection."""
    global _current
    if lang is None:
        _current = None
        return get_language()
    code = lang.strip().lower()
    if code not in languages():
        raise UnknownLanguage(lang)
    _current = code
    return _current


def get_language() -> Lang:
    return _current if _current is not None else detect_language()


def _template(key: str, lang: Lang, count: int | None) -> str:
    catalogue = _catalogue(LOCALE_DIR, lang)
    text = _MISSING if count is None else catalogue.ngettext(key, key, count)
    if text == _MISSING:
        text = catalogue.gettext(key)
    if text == _MISSING:
        raise KeyError(key)
    return text


def t(key: str, /, *, lang: Lang | None = None, **params: object) -> str:
    """The message `key` in the current (or given) language, formatted with `params`.

    A message holding {count} takes the plural form that `count` calls for.
    """
    count = params.get("count")
    number = count if isinstance(count, int) and not isinstance(count, bool) else None
    template = _template(key, lang or get_language(), number)
    return template.format(**params) if params else template


def tn(key: str, count: int, /, *, lang: Lang | None = None, **params: object) -> str:
    """The plural message `key` for `count` things: `tn("out.changed", 3)`."""
    return t(key, lang=lang, count=count, **params)


def join_list(values: Iterable[str], /, *, lang: Lang | None = None) -> str:
    """A list as a sentence shows it: 县政府办、县财政局 in Chinese (the enumeration comma),
    "县政府办, 县财政局" in any other language. The one joiner of the messages' lists."""
    return ("、" if (lang or get_language()) == "zh" else ", ").join(values)


def labelled(label: str, text: str, /, *, lang: Lang | None = None) -> str:
    """A labelled value as a line shows it: 进展情况：… with the full-width colon in Chinese,
    "Done so far: …" in any other language."""
    return f"{label}：{text}" if (lang or get_language()) == "zh" else f"{label}: {text}"


def aside(text: str, note: str, /, *, lang: Lang | None = None) -> str:
    """A text with a note in brackets: 会议纪要.pdf（12.3 KB） with full-width brackets in
    Chinese, "会议纪要.pdf (12.3 KB)" in any other language."""
    return f"{text}（{note}）" if (lang or get_language()) == "zh" else f"{text} ({note})"


# The operating system's errors officers meet, in their words: its own text (strerror) is
# English on every system lawtasks runs on, and would sit inside a Chinese line.
_OS_REASONS = {
    errno.ENOENT: "oserror.not_found",
    errno.EEXIST: "oserror.exists",
    errno.EACCES: "oserror.permission",
    errno.EPERM: "oserror.permission",
    errno.EISDIR: "oserror.is_dir",
    errno.ENOTDIR: "oserror.not_dir",
}


def os_reason(error: OSError | int, /, *, lang: Lang | None = None) -> str:
    """Why the system refused, for a message's {reason}: the common cases (not found,
    exists, permission, a folder, not a folder) in the user's language; any other as the
    system says it. Every message that shows an OSError goes through here."""
    code = error if isinstance(error, int) else error.errno
    key = _OS_REASONS.get(code) if code is not None else None
    if key is not None:
        return t(key, lang=lang)
    if isinstance(error, int):
        return os.strerror(error)
    return error.strerror or str(error)


def words(domain: str, lang: Lang | None = None) -> gettext.NullTranslations:
    """Another library's own words (click's, Textual's), msgid its English text, in the
    current (or given) language; the English itself where no catalogue translates them."""
    return _words(LOCALE_DIR, lang or get_language(), domain)


@cache
def _words(locale_dir: Path, lang: Lang, domain: str) -> gettext.NullTranslations:
    try:
        with (locale_dir / lang / "LC_MESSAGES" / f"{domain}.mo").open("rb") as file:
            return gettext.GNUTranslations(file)
    except FileNotFoundError:
        return gettext.NullTranslations()


def known(key: str) -> bool:
    """Whether `key` is a message (every message exists in English)."""
    return _catalogue(LOCALE_DIR, FALLBACK).gettext(key) != _MISSING


def templates(key: str) -> tuple[str, ...]:
    """The unformatted text of `key` in every language, for reading back what was written
    in any of them (a report made in Chinese is checked on a machine set to English)."""
    return tuple(_template(key, lang, None) for lang in languages())
