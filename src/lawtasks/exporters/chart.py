"""The plan's progress over time as a picture (PNG), for the Word report and the xlsx 汇总.

The same series as the TUI's dashboard (lawtasks.trend): per day, the plan's mean progress
(实际进度) and its 序时进度. Progress is a solid line, 序时 a dashed one, so the two are
told apart in black and white as well as in colour.

The picture holds numbers and dates only: no font with Chinese characters is needed on the
machine that draws it (a stock Windows Python has none matplotlib finds). What the lines
are is said by the document around the picture, in the reader's language (`caption`).

matplotlib is imported here and only here, through its object API and the Agg canvas
(no pyplot, no display, no global state), and only when a picture is drawn. The PNG
carries no software stamp, so the same series gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from lawtasks.i18n import t

# (day, progress, 序时) per day, as ExportRequest.progress carries it.
Series = Sequence[tuple[date, float, float]]

ACTUAL_COLOUR = "#1f5fa8"  # blue
EXPECTED_COLOUR = "#c0392b"  # red
# Inches at DPI: 1200 × 540 pixels, 15.2 cm wide in the report at 200 dpi.
WIDTH, HEIGHT, DPI = 6.0, 2.7, 200
MAX_TICKS = 8


def progress_png(series: Series) -> bytes:
    """The chart of `series` as PNG bytes; a series of one day shows its points."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    # Days as numbers from the first: the ticks are placed and named here, on the first of
    # the months shown, the first with its year.
    first = series[0][0] if series else date.min
    days = [(day - first).days for day, _, _ in series]
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    marker = "o" if len(days) == 1 else None
    axes.plot(days, [expected for _, _, expected in series], color=EXPECTED_COLOUR,
              linestyle="--", linewidth=1.6, marker=marker)  # fmt: skip
    axes.plot(days, [actual for _, actual, _ in series], color=ACTUAL_COLOUR,
              linestyle="-", linewidth=2.2, marker=marker)  # fmt: skip
    axes.set_ylim(0, 100)
    axes.yaxis.set_major_locator(MultipleLocator(25))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0f}%"))
    ticks = [n for n, (day, _, _) in enumerate(series) if day.day == 1] or days[:1]
    while len(ticks) > MAX_TICKS:
        ticks = ticks[::2]
    axes.set_xticks(ticks, [_tick(series[n][0], first=n == ticks[0]) for n in ticks])
    if len(days) > 1:
        axes.set_xlim(days[0], days[-1])
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _tick(day: date, *, first: bool) -> str:
    return day.isoformat() if first else f"{day:%m-%d}"


def caption(series: Series) -> str:
    """What the picture shows, in words, for the paragraph under it: the two lines and the
    figures of the last day."""
    if not series:
        return t("chart.caption_empty")
    day, actual, expected = series[-1]
    return t(
        "chart.caption",
        start=series[0][0].isoformat(),
        end=day.isoformat(),
        actual=f"{actual:g}",
        expected=f"{expected:g}",
    )
