"""A web page saved from a government site (.html, .htm): its article as text.

Scripts, styles, the page's <head> and what is plainly not the article are left out: <nav>,
<footer>, <aside>, <form>, a <header> outside the article, and any element whose id or
class names navigation or a footer (nav, menu, breadcrumb, footer, sidebar, share,
copyright …). Block elements (p, div, li, tr, h1–h6, br …) end a line; the cells of a table
row are one line. The parser then drops the noise lines that are left (发布日期:, 打印本页,
字体：大 中 小 …) as it does for a page's copied text.

The standard library's html.parser reads it: saved pages are rarely well-formed, and it
never stops on a missing end tag.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "head",
    "nav",
    "footer",
    "aside",
    "form",
    "select",
    "button",
    "object",
}
_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "main",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "hr",
    "header",
    "center",
    "title",
}
_CELL_TAGS = {"td", "th"}
_VOID_TAGS = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "wbr", "source"}
_NOISE_ATTR_RE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|crumbs?|footer|foot|sidebar|share|"
    r"copyright|toolbar|topbar|bottom|banner|skip|position|location)(?:$|[\s_-])",
    re.IGNORECASE,
)


_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_BREAK_RE = re.compile(rf"(?<=[{_CJK}])[ \t]*[\r\n]+[ \t]*(?=[{_CJK}])")


class _ArticleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        # (tag, depth of that tag when the skipped element opened)
        self._skipping: tuple[str, int] | None = None
        self._depth: dict[str, int] = {}
        self._in_article = 0

    def _skip(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if tag in _SKIP_TAGS or (tag == "header" and not self._in_article):
            return True
        names = " ".join(value or "" for key, value in attrs if key in ("id", "class", "role"))
        return bool(names and _NOISE_ATTR_RE.search(names))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            self.handle_startendtag(tag, attrs)
            return
        depth = self._depth.get(tag, 0) + 1
        self._depth[tag] = depth
        if self._skipping is not None:
            return
        if self._skip(tag, attrs):
            self._skipping = (tag, depth)
            return
        if tag in ("article", "main"):
            self._in_article += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in _CELL_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipping is None and tag in ("br", "hr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS:
            return
        depth = self._depth.get(tag, 0)
        if depth == 0:
            return  # an end tag that opened nothing
        self._depth[tag] = depth - 1
        if self._skipping is not None:
            if self._skipping == (tag, depth):
                self._skipping = None
            return
        if tag in ("article", "main"):
            self._in_article = max(0, self._in_article - 1)
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skipping is None:
            # Line breaks and runs of spaces in the source are layout, not text: a browser
            # shows them as one space, and none between two Chinese characters.
            joined = _CJK_BREAK_RE.sub("", data)
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", joined))


def html_text(page: str) -> str:
    """The article text of a saved web page, one line per paragraph."""
    reader = _ArticleText()
    reader.feed(page)
    reader.close()
    lines = (line.strip() for line in "".join(reader.parts).split("\n"))
    return "\n".join(line for line in lines if line)
