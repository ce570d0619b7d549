"""Without colour (NO_COLOR), red stays the warning that catches the eye first.

With NO_COLOR Textual greys every colour by its luminance (`textual.filter.Monochrome`).
Red is dark: the red warning's ■ and 红灯 came out grey 237 on the background's 235, close
to invisible, while yellow (247) and text (253) stayed legible. The most urgent warning
was the one an officer without colour could not read.

Here, before Textual's filters, text in the terminal's red (the red warning, a unit that
has not reported) is given dark text on a light cell, which greys to the brightest mark
on the screen. It works on the red named in the styles, not on the colour it becomes:
the terminal's red and magenta are one colour in Textual's dark theme, and a magenta
line in a chart is no warning.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import ColorType
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter

# The light cell and the dark text of a red mark without colour.
LIGHT = Color(230, 230, 230)
DARK = Color(18, 18, 18)
# The terminal's red and bright red.
RED_NUMBERS = (1, 9)


class RedMarks(LineFilter):
    """Red text as dark on light, for a screen without colour."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [Segment(text, legible(style), control) for text, style, control in segments]


@lru_cache(1024)
def legible(style: Style | None) -> Style | None:
    if style is None or not _red(style):
        return style
    return style + Style(color=DARK.rich_color, bgcolor=LIGHT.rich_color, bold=True)


def _red(style: Style) -> bool:
    color = style.color
    return (
        color is not None
        and color.type in (ColorType.STANDARD, ColorType.EIGHT_BIT)
        and color.number in RED_NUMBERS
    )
