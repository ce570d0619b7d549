"""The dashboard (g): how the plan is doing against the schedule, at a glance.

The plan's progress day by day against the 序时 line (lawtasks.trend, rebuilt from the
audit trail), a small chart per task, the lead units ranked by red and yellow items and by
their answer to the current reporting round, and the red list. It reads in a worker and
reads again when the trail moves, as the main screen does; escape, q or g closes it.

This module, and plotext with it, is imported only when the dashboard opens: the main
screen's first paint does not pay for it.

The charts draw the two lines with different marks as well as colours (blocks for
progress, bullets for 序时), and the legend names each by its mark. Text from the ledger
(units, titles) is data: it reaches the screen as rich Text, never as markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static
from textual_plotext import PlotextPlot

from lawtasks.errors import DomainError
from lawtasks.i18n import t
from lawtasks.render import printable
from lawtasks.tui.i18n_bindings import translate_bindings
from lawtasks.tui.screens.dialogs import HelpScreen, help_rows
from lawtasks.tui.widgets.key_hints import KeyHints

if TYPE_CHECKING:
    from textual_plotext.plot import Plot

    from lawtasks.trend import Dashboard, TrendPoint
    from lawtasks.tui.source import LedgerSource

# The marks that tell the two lines apart without colour, and the legend's picture of each.
ACTUAL_MARK, EXPECTED_MARK = "hd", "dot"
ACTUAL_GLYPH, EXPECTED_GLYPH = "▄▄", "••"
# Their colours, named alike in plotext and in Rich: the legend's marks match the lines.
ACTUAL_COLOUR, EXPECTED_COLOUR = "green", "magenta"
# Wide enough for two task charts side by side.
TWO_COLUMNS = 100
# The red list's columns but the title, their padding, the page's margins and scroll bar.
RED_FIXED = 5 + 16 + 8 + 10 + 5 * 2 + 2 + 2
# How a round's answer reads, and how it looks.
_ANSWERS = {
    "reported": ("round.reported", "green"),
    "late": ("round.late", "yellow"),
    "unreported": ("round.unreported", "bold red"),
}


def draw(plot: Plot, points: Sequence[TrendPoint], *, monthly: bool) -> None:
    """Progress and the 序时 line of `points` on `plot`, from 0 to 100 %; dates below it
    (each month's first day when `monthly`, else the first and last day)."""
    plot.clear_figure()
    if not points:
        return
    days = list(range(len(points)))
    plot.plot(days, [point.expected for point in points], marker=EXPECTED_MARK,
              color=EXPECTED_COLOUR)  # fmt: skip
    plot.plot(days, [point.actual for point in points], marker=ACTUAL_MARK, color=ACTUAL_COLOUR)
    plot.ylim(0, 100)
    plot.yticks([0, 25, 50, 75, 100] if monthly else [0, 50, 100])
    if monthly:
        ticks = [n for n, point in enumerate(points) if point.day.day == 1] or [0]
        while len(ticks) > 7:  # a long series: every other month, and so on
            ticks = ticks[::2]
        labels = [f"{points[n].day:%m-%d}" for n in ticks]
    else:
        ticks = [0, len(points) - 1] if len(points) > 1 else [0]
        labels = [f"{points[n].day:%m-%d}" for n in ticks]
    plot.xticks([float(n) for n in ticks], labels)
    plot.xlim(0, max(1, len(points) - 1))


def _table(table_id: str) -> DataTable[Text]:
    """A table read with the page, not a widget of its own to move in: the page scrolls."""
    table: DataTable[Text] = DataTable(id=table_id, cursor_type="none", zebra_stripes=False)
    table.can_focus = False
    return table


class DashboardScreen(Screen[None]):
    CSS_PATH = "dashboard.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,g", "close", "tui.key.close"),
        Binding("question_mark", "help", "tui.key.help", key_display="?"),
    ]
    # As on the main screen, help and quit (the app's ctrl+q) are always in the footer.
    FOOTER_RANK = ("help", "app.quit", "close")

    class Read(Message):
        """The dashboard as of trail event `token`, or why it could not be read."""

        def __init__(
            self, dashboard: Dashboard | None, token: int, error: DomainError | None
        ) -> None:
            super().__init__()
            self.dashboard = dashboard
            self.token = token
            self.error = error

    def __init__(self, source: LedgerSource) -> None:
        super().__init__()
        self.lawtasks = source
        self.token = -1
        self.dashboard: Dashboard | None = None
        self._task_ids: tuple[int, ...] = ()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        yield Static(Text(t("tui.dashboard.loading")), id="dash-title")
        with VerticalScroll(id="dash-body"):
            yield Static("", id="dash-as-of")
            yield Label(Text(t("tui.dashboard.overall")), classes="dash-heading")
            yield PlotextPlot(id="dash-overall")
            yield Static(self._legend(), classes="dash-legend")
            yield Label(Text(t("tui.dashboard.tasks")), classes="dash-heading")
            yield Grid(id="dash-tasks")
            yield Label(Text(t("tui.dashboard.units")), classes="dash-heading")
            yield Static("", id="dash-no-units", classes="dash-empty")
            yield _table("dash-units")
            yield Label("", id="dash-round-title", classes="dash-heading")
            yield _table("dash-round")
            yield Label(Text(t("tui.dashboard.red")), classes="dash-heading")
            yield Static("", id="dash-no-red", classes="dash-empty")
            yield _table("dash-red")
        yield KeyHints(self.FOOTER_RANK)

    @staticmethod
    def _legend() -> Text:
        """The legend, each line's mark in its colour: the words come from the catalogue,
        with a placeholder where each mark goes."""
        marks = {"\0a": (ACTUAL_GLYPH, ACTUAL_COLOUR), "\0e": (EXPECTED_GLYPH, EXPECTED_COLOUR)}
        text = t("tui.dashboard.legend", actual="\0a", expected="\0e")
        legend = Text()
        for piece in re.split("(\0[ae])", text):
            glyph, style = marks.get(piece, (piece, ""))
            legend.append(glyph, style=style)
        return legend

    def on_mount(self) -> None:
        self.query_one("#dash-units", DataTable).add_columns(
            t("tui.dashboard.unit"), t("tui.dashboard.red_count"), t("tui.dashboard.yellow_count")
        )
        self.query_one("#dash-round", DataTable).add_columns(
            t("tui.dashboard.unit"), t("tui.dashboard.state"), t("tui.round.at")
        )
        self.query_one("#dash-body").focus()
        self.load()
        self.set_interval(self.lawtasks.poll_interval, self.poll)

    def today(self) -> date:
        return self.lawtasks.today or date.today()

    # -- reading ----------------------------------------------------------------------------

    def _read(self) -> DashboardScreen.Read:
        from lawtasks.trend import load_dashboard

        token = self.lawtasks.latest_event_id()
        try:
            found = load_dashboard(
                self.lawtasks.engine, slug=self.lawtasks.plan, today=self.today()
            )
        except DomainError as error:
            return self.Read(None, token, error)
        return self.Read(found, token, None)

    @work(thread=True, exclusive=True, group="dashboard")
    def load(self) -> None:
        self.post_message(self._read())

    @work(thread=True, exclusive=True, group="dashboard-poll")
    def poll(self) -> None:
        """A change made anywhere shows here within the poll interval, as on the main screen:
        one indexed lookup per tick, and the dashboard read again only when the trail moved."""
        if self.lawtasks.latest_event_id() != self.token:
            self.post_message(self._read())

    @on(Read)
    async def read(self, message: DashboardScreen.Read) -> None:
        if message.token < self.token:
            return  # a slower read finished after a newer one
        # Taken as read even when it failed: the next poll tries again only once the trail
        # moves, rather than saying the same error every second.
        self.token = message.token
        if message.error is not None:
            self.notify(str(message.error), severity="error", markup=False)
        elif message.dashboard is not None:
            await self.show(message.dashboard)

    # -- showing ----------------------------------------------------------------------------

    async def show(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard
        view, trend = dashboard.view, dashboard.trend
        self.query_one("#dash-title", Static).update(
            Text(t("tui.dashboard.title", plan=printable(view.name)), style="bold")
        )
        latest = trend.latest
        as_of = ""
        if latest is not None:
            as_of = t(
                "tui.dashboard.as_of",
                day=latest.day.isoformat(),
                actual=f"{latest.actual:g}",
                expected=f"{latest.expected:g}",
            )
        self.query_one("#dash-as-of", Static).update(Text(as_of))
        overall = self.query_one("#dash-overall", PlotextPlot)
        draw(overall.plt, trend.points, monthly=True)
        overall.refresh()
        await self._show_tasks(dashboard)
        self._show_units(dashboard)
        self._show_round(dashboard)
        self._show_red(dashboard)

    async def _show_tasks(self, dashboard: Dashboard) -> None:
        grid = self.query_one("#dash-tasks", Grid)
        tasks = dashboard.trend.tasks
        ids = tuple(task.id for task in tasks)
        if ids != self._task_ids:
            # Another plan, or a task added: a chart for each task, mounted before drawn.
            self._task_ids = ids
            await grid.remove_children()
            await grid.mount_all(
                Vertical(
                    Label("", classes="dash-task-title"),
                    PlotextPlot(classes="dash-task-plot"),
                    classes="dash-task",
                )
                for _ in tasks
            )
        self._draw_tasks()

    def _draw_tasks(self) -> None:
        if self.dashboard is None:
            return
        boxes = list(self.query(".dash-task"))
        for box, task in zip(boxes, self.dashboard.trend.tasks, strict=False):
            latest = task.points[-1] if task.points else None
            title = t(
                "tui.dashboard.task",
                numeral=printable(task.numeral),
                title=printable(task.title),
                actual=f"{latest.actual:g}" if latest else "0",
                expected=f"{latest.expected:g}" if latest else "0",
            )
            box.query_one(".dash-task-title", Label).update(Text(title))
            plot = box.query_one(".dash-task-plot", PlotextPlot)
            draw(plot.plt, task.points, monthly=False)
            plot.refresh()

    def _show_units(self, dashboard: Dashboard) -> None:
        table = self.query_one("#dash-units", DataTable)
        table.clear()
        for rank in dashboard.ranking:
            table.add_row(
                Text(printable(rank.unit)),
                Text(str(rank.red), style="bold red" if rank.red else ""),
                Text(str(rank.yellow), style="yellow" if rank.yellow else ""),
            )
        empty = self.query_one("#dash-no-units", Static)
        empty.update(Text(t("tui.dashboard.no_units")) if not dashboard.ranking else "")
        empty.display = not dashboard.ranking
        table.display = bool(dashboard.ranking)

    def _show_round(self, dashboard: Dashboard) -> None:
        table = self.query_one("#dash-round", DataTable)
        table.clear()
        title = self.query_one("#dash-round-title", Label)
        status = dashboard.round
        if status is None:
            title.update(Text(t("tui.dashboard.no_round")))
            table.display = False
            return
        title.update(
            Text(t("tui.dashboard.round", period=status.period, due=status.due.isoformat()))
        )
        answered = {answer.unit: answer for answer in status.units}
        for unit, state in dashboard.reporting:
            key, style = _ANSWERS[state]
            at = answered[unit].at
            when = "" if at is None else f"{at.astimezone():%Y-%m-%d %H:%M}"
            table.add_row(Text(printable(unit)), Text(t(key), style=style), Text(when))
        table.display = True

    def _show_red(self, dashboard: Dashboard) -> None:
        table = self.query_one("#dash-red", DataTable)
        # The title takes what the screen leaves: the whole row fits at 80 columns.
        table.clear(columns=True)
        title = max(12, self.size.width - RED_FIXED)
        table.add_column(t("tui.dashboard.id"), width=5)
        table.add_column(t("tui.dashboard.item"), width=title)
        table.add_column(t("tui.dashboard.unit"), width=16)
        table.add_column(t("tui.dashboard.progress"), width=8)
        table.add_column(t("tui.dashboard.due"), width=10)
        for item in dashboard.red:
            table.add_row(
                Text(item.id),
                Text(printable(item.title)),
                Text(printable(item.lead_unit or "-")),
                Text(f"{item.progress}%"),
                Text(item.due.isoformat() if item.due else "-"),
            )
        empty = self.query_one("#dash-no-red", Static)
        empty.update(Text(t("tui.dashboard.no_red")) if not dashboard.red else "")
        empty.display = not dashboard.red
        table.display = bool(dashboard.red)

    def on_resize(self) -> None:
        columns = 2 if self.size.width >= TWO_COLUMNS else 1
        self.query_one("#dash-tasks", Grid).styles.grid_size_columns = columns
        if self.dashboard is not None:
            self._show_red(self.dashboard)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        rows = [("↑ ↓ / pgup pgdn / home end", t("tui.key.dashboard_scroll")), *help_rows(self)]
        self.app.push_screen(HelpScreen(rows))
