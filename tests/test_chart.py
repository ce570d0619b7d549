"""The plan's progress over time as a picture (lawtasks.exporters.chart), in the Word report
and on the xlsx 汇总 sheet, drawn from the series the trail gives (lawtasks.trend)."""

from __future__ import annotations

import struct
import zlib
from datetime import date
from pathlib import Path

from docx import Document
from openpyxl import load_workbook

from lawtasks.exporters import ExportRequest, export
from lawtasks.exporters.chart import progress_png
from lawtasks.history import load_plan_as_of
from lawtasks.readmodel import load_plan
from lawtasks.trend import chart_points, load_trend, with_progress

from .test_history import Clocked, clocked, local  # noqa: F401  (clocked: a fixture)
from .test_trend import DAYS, LAST, work

PNG = b"\x89PNG\r\n\x1a\n"


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The chunks of a PNG, (type, data) each."""
    assert png.startswith(PNG)
    found, at = [], len(PNG)
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        assert struct.unpack(">I", png[at + 8 + length : at + 12 + length])[0] == zlib.crc32(
            kind + data
        )
        found.append((kind, data))
        at += 12 + length
    return found


def request_for(clocked: Clocked, fmt: str) -> ExportRequest:  # noqa: F811
    view = load_plan(clocked.engine, slug=None, today=LAST)
    return with_progress(clocked.engine, ExportRequest(view=view, exported_by="法治办"), fmt)


def test_the_picture_is_a_png_with_numbers_and_dates_only() -> None:
    series = ((date(2022, 1, 1), 0.0, 0.0), (date(2022, 3, 1), 10.0, 16.2))
    png = progress_png(series)
    kinds = [kind for kind, _ in chunks(png)]
    assert kinds[0] == b"IHDR"
    assert kinds[-1] == b"IEND"
    width, height = struct.unpack(">II", chunks(png)[0][1][:8])
    assert (width, height) == (1200, 540)
    # No software stamp, no text at all: the same series gives the same bytes.
    assert not {b"tEXt", b"iTXt", b"zTXt"} & set(kinds)
    assert progress_png(series) == png
    assert progress_png(((date(2022, 1, 1), 0.0, 0.0), (date(2022, 3, 1), 50.0, 16.2))) != png
    # A single day is drawn too (as points).
    assert progress_png(series[:1]).startswith(PNG)


def test_only_the_word_report_and_the_xlsx_read_the_trail(clocked: Clocked) -> None:  # noqa: F811
    work(clocked)
    series = chart_points(load_trend(clocked.engine, slug=None, today=LAST))
    assert request_for(clocked, "docx").progress == series
    assert request_for(clocked, "xlsx").progress == series
    for fmt in ("md", "csv", "json"):
        assert request_for(clocked, fmt).progress is None
    assert series[-1] == (LAST, 16.1, series[-1][2])


def test_the_word_report_shows_the_picture_and_says_what_it_shows(
    clocked: Clocked,  # noqa: F811
    tmp_path: Path,
) -> None:
    work(clocked)
    request = request_for(clocked, "docx")
    assert request.progress is not None
    path = export("docx", request, tmp_path / "report.docx")
    document = Document(str(path))
    (shape,) = document.inline_shapes
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip  # type: ignore[attr-defined]
    image = document.part.related_parts[blip.embed].blob
    # The picture is the series' chart, drawn from the trail's figures.
    assert image == progress_png(request.progress)
    assert abs(shape.width.cm - 15.6) < 0.1  # the width of the text
    texts = [paragraph.text for paragraph in document.paragraphs]
    caption = next(text for text in texts if text.startswith("Figure:"))
    expected = request.progress[-1][2]
    assert caption == (
        f"Figure: overall progress from 2022-01-01 to {LAST}. Solid line: progress; dashed"
        f" line: on schedule (序时进度). On {LAST}: progress 16.1%, on schedule {expected:g}%."
    )
    # Under the overall figures, before the tasks.
    overall = texts.index("1. Overall progress")
    assert overall < texts.index(caption) < texts.index("2. Progress by task")


def test_the_xlsx_summary_shows_the_picture_under_the_bar_chart(
    clocked: Clocked,  # noqa: F811
    tmp_path: Path,
) -> None:
    work(clocked)
    request = request_for(clocked, "xlsx")
    assert request.progress is not None
    path = export("xlsx", request, tmp_path / "ledger.xlsx")
    workbook = load_workbook(path)
    summary = workbook["Summary"]
    (picture,) = summary._images  # type: ignore[attr-defined]
    assert picture._data() == progress_png(request.progress)
    assert workbook["Ledger"]._images == []  # type: ignore[attr-defined]
    anchor = picture.anchor._from
    caption = summary.cell(row=anchor.row, column=1).value
    assert caption.startswith(f"Figure: overall progress from 2022-01-01 to {LAST}.")
    assert "progress 16.1%" in caption
    # Below the task bar chart, not over it.
    (bars,) = summary._charts  # type: ignore[attr-defined]
    assert anchor.row > bars.anchor._from.row + 10


def test_as_of_a_past_day_the_picture_ends_that_day(clocked: Clocked, tmp_path: Path) -> None:  # noqa: F811
    work(clocked)
    # export --as-of: the ledger as it stood, and its picture, end that day at one figure.
    then = load_plan_as_of(clocked.engine, slug=None, day=DAYS[1])
    request = with_progress(
        clocked.engine, ExportRequest(view=then, exported_by="x"), "docx", as_of=True
    )
    assert request.progress is not None
    assert request.progress[-1][:2] == (DAYS[1], 7.2)
    assert round(then.progress, 1) == 7.2
    document = Document(str(export("docx", request, tmp_path / "then.docx")))
    assert len(document.inline_shapes) == 1
    # export --today of a past day: the items as they are now, and the picture ends there.
    now = load_plan(clocked.engine, slug=None, today=DAYS[1])
    request = with_progress(clocked.engine, ExportRequest(view=now, exported_by="x"), "docx")
    assert request.progress is not None
    assert request.progress[-1][0] == DAYS[1]
    assert round(request.progress[-1][1], 1) == round(now.progress, 1) != 7.2


def test_without_a_series_there_is_no_picture(clocked: Clocked, tmp_path: Path) -> None:  # noqa: F811
    view = load_plan(clocked.engine, slug=None, today=LAST)
    request = ExportRequest(view=view, exported_by="x")
    assert len(Document(str(export("docx", request, tmp_path / "r.docx"))).inline_shapes) == 0
    workbook = load_workbook(export("xlsx", request, tmp_path / "l.xlsx"))
    assert workbook["Summary"]._images == []  # type: ignore[attr-defined]
