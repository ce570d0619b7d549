"""click's and typer's own words in the user's language, from the `click` catalogue.

typer 0.26 vendors click as `typer._click` with click's gettext calls taken out: its words
are English literals and f-strings. typer's own layer (`typer.core`) still calls gettext's
`_`. So the words are translated where they leave: `typer.core`'s `_` looks them up in the
catalogue, the usage line's prefix and metavars are translated as the formatter writes them,
and an error is matched against the catalogue's templates ("Invalid value for {hint}:
{message}") as click's exceptions print it. Text that no template matches is printed as it
is: an unforeseen message stays English rather than being lost.

VOCABULARY lists what this click says (the msgids of locale/*/LC_MESSAGES/click.po); a test
checks that the Chinese catalogue translates each, and that no help page or usage error in
Chinese shows one of them.
"""

from __future__ import annotations

import gettext as _gettext
import re
from functools import cache, partial
from typing import Any

from lawtasks import i18n

DOMAIN = "click"

# Words that typer.core passes to `_` or the formatter writes.
WORDS = (
    "Usage: ",
    "[OPTIONS]",
    "COMMAND [ARGS]...",
    "Options",
    "Arguments",
    "Commands",
    "default: {default}",
    "required",
    "env var: {var}",
    "(dynamic)",
    "Show this message and exit.",
    "Aborted!",
    "Missing command.",
    "No such command {name!r}.",
)
# Templates of the errors click prints; {message} is itself translated.
TEMPLATES = (
    "Error: {message}",
    "Try '{command} {option}' for help.",
    "{message}. Did you mean {suggestions}?",
    "No such option: {name}",
    "{message} (Possible options: {options})",
    "Invalid value for {hint}: {message}",
    "Invalid value: {message}",
    "Missing argument {hint}.",
    "Missing argument {hint}. {message}",
    "Missing option {hint}.",
    "Missing option {hint}. {message}",
    "Missing parameter {hint}.",
    "Missing parameter: {name}",
    "Choose from:\n\t{choices}",
    "Got unexpected extra argument(s) ({args})",
    "{value} is not one of {choices}.",
    "{value} is not a valid integer.",
    "{value} is not a valid float.",
    "{value} is not a valid boolean. Recognized values: {states}",
    "{value} is not a valid UUID.",
    "{value} is not in the range {range}.",
    "{value} does not match the formats {formats}.",
    "Option {name} requires an argument.",
    "Option {name} requires {count} arguments.",
    "Option {name} does not take a value.",
    "Argument {name} takes {count} values.",
    "Takes {count} values but {given} given.",
    "{count} values are required, but {given} given.",
    "Value must be an iterable.",
    "Could not open file {name}: {message}",
)
VOCABULARY = WORDS + TEMPLATES

_FIELD = re.compile(r"\{(\w+)(?:![rsa])?\}")


def gettext(message: str) -> str:
    return i18n.words(DOMAIN).gettext(message)


@cache
def _patterns(lang: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each template as a pattern, with its translation, in the order of TEMPLATES: what
    wraps a message ("Error: {message}") is tried before what a message may be."""
    catalogue = i18n.words(DOMAIN, lang)
    compiled = []
    for template in TEMPLATES:
        pattern = ""
        position = 0
        for field in _FIELD.finditer(template):
            pattern += re.escape(template[position : field.start()])
            pattern += f"(?P<{field.group(1)}>.+?)"
            position = field.end()
        pattern += re.escape(template[position:])
        compiled.append((re.compile(pattern, re.DOTALL), catalogue.gettext(template)))
    return tuple(compiled)


def translate(text: str) -> str:
    """click's `text` in the current language: a whole message, else line by line."""
    lang = i18n.get_language()
    if not isinstance(i18n.words(DOMAIN, lang), _gettext.GNUTranslations):
        return text  # no catalogue: click's English is the language's text
    whole = _translate(text, lang)
    if whole is not None:
        return whole
    return "\n".join(_translate(line, lang) or line for line in text.split("\n"))


def _translate(text: str, lang: str) -> str | None:
    if not text.strip():
        return None  # gettext("") is the catalogue's header, never a translation
    exact = i18n.words(DOMAIN, lang).gettext(text)
    if exact != text:
        return exact
    for pattern, translation in _patterns(lang):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        values = match.groupdict()
        if "message" in values:
            values["message"] = translate(values["message"])
        return _FIELD.sub(partial(_value, values), translation)
    return None


def _value(values: dict[str, str], field: re.Match[str]) -> str:
    return values[field.group(1)]


def install() -> None:
    """Put the catalogue in front of click's words; once per process, costs microseconds.

    The language is looked up each time a word is shown, so `--lang` may come later."""
    import typer.core
    from typer._click import exceptions, formatting

    if getattr(formatting.HelpFormatter.write_usage, "translated", False):
        return
    # typer.core imported gettext's `_` by name: its module global is what it calls.
    setattr(typer.core, "_", gettext)  # noqa: B010  (mypy: typer.core does not export `_`)

    write_usage = formatting.HelpFormatter.write_usage

    def translated_usage(
        self: formatting.HelpFormatter, prog: str, args: str = "", prefix: str | None = None
    ) -> None:
        for word in ("[OPTIONS]", "COMMAND [ARGS]..."):
            args = args.replace(word, gettext(word))
        write_usage(self, prog, args, gettext("Usage: ") if prefix is None else prefix)

    translated_usage.translated = True  # type: ignore[attr-defined]
    formatting.HelpFormatter.write_usage = translated_usage  # type: ignore[method-assign]

    # click ends a section's heading with a half-width colon of its own ("Options:"); a
    # Chinese heading takes the full-width one (选项：), as every Chinese message does.
    write_heading = formatting.HelpFormatter.write_heading

    def translated_heading(self: formatting.HelpFormatter, heading: str) -> None:
        if i18n.get_language() != "zh":
            write_heading(self, heading)
            return
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    formatting.HelpFormatter.write_heading = translated_heading  # type: ignore[method-assign]

    # click's exceptions print through this module's `echo`, and only they do.
    echo = getattr(exceptions, "echo")  # noqa: B009  (not exported, as mypy sees it)

    def translated_echo(message: Any = None, *args: Any, **kwargs: Any) -> None:
        echo(translate(message) if isinstance(message, str) else message, *args, **kwargs)

    setattr(exceptions, "echo", translated_echo)  # noqa: B010
