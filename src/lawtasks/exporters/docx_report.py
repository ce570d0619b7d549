"""The quarterly report and the 催办单 as Word documents in 公文 layout (GB/T 9704-2012).

An officer forwards these to the county's leaders and sends the notices to departments as
they are, so they follow the standard for official documents:

- A4 portrait; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (a 156 × 225 mm
  text block); body 三号 (16 pt) in 仿宋_GB2312 at an exact 28.95 pt line, which sets the
  standard's 22 lines a page; paragraphs indented two characters and justified.
- The title in 二号 (22 pt) 方正小标宋简体, centred; under it, in 楷体, the as-of date and the
  filters that narrowed the report (筛选：…).
- Level-1 headings (一、) in 黑体, level-2 headings (（一）) in 楷体_GB2312, both 三号.
- Page numbers "— 1 —" in 四号 宋体 below the text block, odd pages on the right and even
  pages on the left, each one character in from the edge (§7.5).
- A closing signature: the office and the date, placed as §7.3.5.2 places the signature of
  a document without a seal; the exporter stays in the file's properties.

Report layout, in the current language:

    <plan>推进情况                              title
    （截至2022年6月30日）/ 筛选：…              the title block
    本期变化           only with a `since` window: the period in words
    一、总体进展       overall progress with counts by status and by warning colour
    二、分项进展       per task a heading （一）…, its progress line and a table:
                       序号 | 具体事项 | 目标 | 责任单位 | 完成时限 | 状态 | 进度 | 预警
                       with each item's latest note on a row of its own below it
    三、需关注事项     red and blocked items, then yellow ones (or 无)
    四、本期变动       only with a `since` window: the audit events since that date
    <office> / <date>  the signature

Fonts: Word takes the East Asian face from `w:eastAsia`, which python-docx's `font.name`
does not set, so every style sets it explicitly (and the template's theme fonts, which would
override it, are removed). The faces offices use are not on every machine: Windows 10 has
仿宋 and 楷体 but not 仿宋_GB2312 and 楷体_GB2312, and 方正小标宋简体 comes with the office's
font package. Each face is declared in the font table with the face to use in its place
(`w:altName`: 仿宋, 楷体, 宋体) and the GB2312 character set, which is how Word (and WPS,
whose documents carry the same entries) finds a substitute of the right kind.

The office that signs is `LAWTASKS_OFFICE`, else a neutral default (see `office_name`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from lawtasks.exporters.content import (
    attention_entry,
    attention_items,
    change_rows,
    changes_intro,
    counts_sentence,
    display_width,
    due_state,
    due_text,
    evidence_text,
    filter_statement,
    long_date,
    period_sentences,
    report_title,
    task_heading,
    task_line,
)
from lawtasks.exporters.trail import head_line
from lawtasks.i18n import get_language, t
from lawtasks.readmodel import ItemView, PlanView, TaskView
from lawtasks.render import local_time, printable

if TYPE_CHECKING:
    from docx.document import Document
    from docx.styles.style import BaseStyle
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    from lawtasks.exporters import ExportRequest

# -- the page (GB/T 9704-2012 §5.2) ----------------------------------------------------------

PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_PT = (PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]) / 25.4 * 72
# 三号 body text; one character is the unit of every indent (空二字, 右空一字).
BODY_PT = 16.0
# 22 lines in the 225 mm text block: 225 mm / 22 = 28.95 pt.
LINE_PT = 28.95
TITLE_PT = 22.0
PAGE_NUMBER_PT = 14.0
# The page number's line sits 7 mm below the text block (§7.5): its baseline about 23 mm up.
FOOTER_MM = 23

# -- faces: (name, what to use where it is missing, font-table family) -----------------------

LATIN_FONT = "Times New Roman"
TITLE_FACE = ("方正小标宋简体", "宋体", "roman")
BODY_FACE = ("仿宋_GB2312", "仿宋", "modern")
HEADING1_FACE = ("黑体", "SimHei", "modern")
HEADING2_FACE = ("楷体_GB2312", "楷体", "script")
NUMBER_FACE = ("宋体", "SimSun", "roman")
FACES = (TITLE_FACE, BODY_FACE, HEADING1_FACE, HEADING2_FACE, NUMBER_FACE)

TABLE_STYLE = "Table Grid"
HEADER_SHADE = "D9D9D9"
# The warning's colour, as in the 台账; the word (红灯, 黄灯, 绿灯) is written in the cell too,
# so that a black-and-white print still says it.
WARNING_SHADES = {"red": "FFC7CE", "yellow": "FFEB9C", "green": "C6EFCE"}
# Narrow cell margins (1 mm): a date or 进行中 fits its column on one line.
CELL_MARGIN_TWIPS = 57

# The report's item table, in mm; each adds up to the 156 mm text width. Portrait, with each
# item's latest note on a row of its own that spans the table: the note gets the whole
# 156 mm (a note column would get 3 cm and turn a paragraph into a tall strip), it stays
# beside its item, and the page keeps the standard's place for the page number, which a
# landscape section would move to the long edge (§10.2 wants it where the other pages
# have it, which Word cannot do without rotated text frames).
ITEM_COLUMNS = {
    "zh": (10, 41, 28, 18, 22, 14, 12, 11),
    "en": (10, 37, 26, 18, 22, 17, 14, 12),
}
TABLE_PT = 10.5  # 五号: the report's tables hold eight columns
CHANGE_COLUMNS = (32, 19, 12, 14, 79)
# The 催办单 lists fewer columns, in 小四 (12 pt).
REMINDER_COLUMNS = {
    "zh": (11, 53, 24, 16, 13, 11, 28),
    "en": (11, 48, 24, 19, 15, 14, 25),
}
REMINDER_TABLE_PT = 12.0

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")

# Who signs, where nothing else says: one setting per machine (or per shell or script).
OFFICE_ENV = "LAWTASKS_OFFICE"


def office_name(environ: Mapping[str, str] = os.environ) -> str:
    """The office that signs reports and 催办单: `LAWTASKS_OFFICE`, else a neutral name
    (县法治政府建设工作领导小组办公室) in the current language."""
    return environ.get(OFFICE_ENV, "").strip() or t("docx.default_office")


def default_reply_by(today: date) -> date:
    """When a 催办单 asks for an answer unless told: a week after `today` (the calendar's
    last day at most), a date a unit can plan for whatever the holidays between."""
    return today + timedelta(days=7) if today <= date.max - timedelta(days=7) else date.max


# -- styles ----------------------------------------------------------------------------------


def _rfonts(rpr: object, east_asian: str) -> None:
    """Explicit Latin and East Asian faces on a `w:rPr`, without the theme's."""
    from docx.oxml.ns import qn

    fonts = rpr.get_or_add_rFonts()  # type: ignore[attr-defined]
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)


def _chinese(rpr: object) -> None:
    """Word picks CJK line breaking, punctuation and fallback faces by the East Asian
    language (python-docx's template says ja-JP)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    lang = rpr.find(qn("w:lang"))  # type: ignore[attr-defined]
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)  # type: ignore[attr-defined]
    lang.set(qn("w:eastAsia"), "zh-CN")


def _style_font(style: BaseStyle, face: tuple[str, str, str], size: float) -> None:
    from docx.shared import Pt, RGBColor

    font = style.font  # type: ignore[attr-defined]
    font.name = LATIN_FONT
    font.size = Pt(size)
    font.bold = False
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    _rfonts(rpr, face[0])
    _chinese(rpr)


def _exact(style_or_paragraph: object, points: float) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    fmt = style_or_paragraph.paragraph_format  # type: ignore[attr-defined]
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(points)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _font_table(document: Document) -> None:
    """Declare each Chinese face with its substitute and the GB2312 character set."""
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import qn

    part = next(
        part
        for part in document.part.package.iter_parts()
        if str(part.partname) == "/word/fontTable.xml"
    )
    root = parse_xml(part.blob)
    for name, alternative, family in FACES:
        entry = OxmlElement("w:font")
        entry.set(qn("w:name"), name)
        for tag, value in (
            ("w:altName", alternative),
            ("w:charset", "86"),  # GB2312
            ("w:family", family),
            ("w:pitch", "variable"),
        ):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            entry.append(child)
        root.append(entry)
    # python-docx reads this part as plain bytes; there is no API to write it.
    part._blob = serialize_part_xml(root)


def _setup_styles(document: Document, table_pt: float) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _rfonts(rpr, BODY_FACE[0])
    _chinese(rpr)
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    _font_table(document)

    styles = document.styles
    normal = styles["Normal"]
    _style_font(normal, BODY_FACE, BODY_PT)
    _exact(normal, LINE_PT)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    # Chinese prose keeps its lines whole: no widow control pulling a line over a page.
    normal.paragraph_format.widow_control = False

    title = styles["Title"]
    _style_font(title, TITLE_FACE, TITLE_PT)
    title_ppr = title.element.get_or_add_pPr()
    border = title_ppr.find(qn("w:pBdr"))
    if border is not None:  # the template underlines its title in blue
        title_ppr.remove(border)
    _exact(title, 36)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.font.spacing = Pt(0)

    subtitle = styles["Subtitle"]
    _style_font(subtitle, HEADING2_FACE, BODY_PT)
    _exact(subtitle, LINE_PT)
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    for name, face in (("Heading 1", HEADING1_FACE), ("Heading 2", HEADING2_FACE)):
        heading = styles[name]
        _style_font(heading, face, BODY_PT)
        _exact(heading, LINE_PT)
        heading.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = Pt(table_pt)
    table_text.paragraph_format.line_spacing = 1.0
    table_text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    table_heading = styles.add_style("Table Heading", WD_STYLE_TYPE.PARAGRAPH)
    table_heading.base_style = table_text
    _rfonts(table_heading.element.get_or_add_rPr(), HEADING1_FACE[0])
    table_heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    # An attribution (who wrote a note, and when) in 楷体: Chinese has no italic, and a
    # slanted 仿宋 is a distortion, not a face.
    byline = styles.add_style("Byline", WD_STYLE_TYPE.CHARACTER)
    _rfonts(byline.element.get_or_add_rPr(), HEADING2_FACE[0])


def _page_number(paragraph: Paragraph, *, odd: bool) -> None:
    """— 1 —: 宋体 四号, one character in from the outside edge."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    if odd:
        fmt.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        fmt.left_indent = Pt(PAGE_NUMBER_PT)

    def run(text: str | None) -> object:
        element = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        fonts = OxmlElement("w:rFonts")
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), NUMBER_FACE[0])
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), str(int(PAGE_NUMBER_PT * 2)))
        rpr.append(fonts)
        rpr.append(size)
        element.append(rpr)
        if text is not None:
            node = OxmlElement("w:t")
            node.set(qn("xml:space"), "preserve")
            node.text = text
            element.append(node)
        return element

    paragraph._p.append(run("— "))
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    field.append(run("1"))  # what a reader shows until it updates the field
    paragraph._p.append(field)
    paragraph._p.append(run(" —"))


def _setup_page(document: Document) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(FOOTER_MM)
    # Odd pages number on the right, even pages on the left: the outside edge when printed
    # on both sides.
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)


# -- paragraphs ------------------------------------------------------------------------------


def body_paragraph(document: Document, text: str, *, keep_with_next: bool = False) -> Paragraph:
    from docx.shared import Pt

    paragraph = document.add_paragraph(printable(text))
    # 首行缩进两字: how Chinese prose paragraphs start.
    paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    paragraph.paragraph_format.keep_with_next = keep_with_next
    return paragraph


def flush_line(document: Document, text: str) -> Paragraph:
    """A line at the left margin: the addressee (主送机关)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = document.add_paragraph(printable(text))
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    return paragraph


def signature(document: Document, office: str, day: date) -> None:
    """The office and the date below the text, one empty line down (§7.3.5.2, a document
    without a seal): the office two characters in from the right, the date on the next line
    starting two characters right of the office's first; a date longer than the office sits
    two characters in from the right, and the office moves left to keep the step."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    office = printable(office)
    written = long_date(day)
    document.add_paragraph()
    char = BODY_PT
    # A wide character is one em of 三号, a narrow one (a digit, a Latin letter) about half.
    office_pt = display_width(office) * char / 2
    date_pt = display_width(written) * char / 2
    right = TEXT_WIDTH_PT - 2 * char
    office_left = right - office_pt
    date_left = office_left + 2 * char
    if date_left + date_pt > right:
        date_left = right - date_pt
        office_left = date_left - 2 * char
    for text, left in ((office, office_left), (written, date_left)):
        paragraph = document.add_paragraph(text)
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.keep_with_next = text == office
        if left < 0:  # longer than the line: as far right as it goes
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            fmt.right_indent = Pt(2 * char)
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            fmt.left_indent = Pt(round(left, 1))


# -- tables ----------------------------------------------------------------------------------


def _shade(cell: _Cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _cell_margins(table: Table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)


def _table(document: Document, headers: list[str], widths: tuple[float, ...]) -> Table:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table: Table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    header = table.rows[0]
    # The header row repeats on every page the table runs over. Rows may break across
    # pages (no cantSplit): a long item moved whole would leave half a page empty.
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, name, width in zip(header.cells, headers, widths, strict=True):
        cell.width = Mm(width)
        paragraph = cell.paragraphs[0]
        paragraph.style = document.styles["Table Heading"]
        paragraph.add_run(name)
        _shade(cell, HEADER_SHADE)
    return table


def _row(document: Document, table: Table, widths: tuple[float, ...]) -> list[_Cell]:
    from docx.shared import Mm

    row = table.add_row()  # type: ignore[no-untyped-call]  # python-docx leaves it untyped
    cells: list[_Cell] = list(row.cells)
    for cell, width in zip(cells, widths, strict=True):
        cell.width = Mm(width)
        cell.paragraphs[0].style = document.styles["Table Text"]
    return cells


def _centre(cells: list[_Cell], indexes: tuple[int, ...]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for index in indexes:
        cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _item_cell(cell: _Cell, item: ItemView) -> None:
    paragraph = cell.paragraphs[0]
    title = printable(item.title)
    text = printable(item.text)
    paragraph.add_run(title).bold = True
    if text.startswith(title):
        paragraph.add_run(text[len(title) :])
    else:
        paragraph.add_run("\n" + text)


def _warning_cell(cell: _Cell, item: ItemView) -> None:
    cell.paragraphs[0].add_run(item.warning.label)
    _shade(cell, WARNING_SHADES[item.warning.value])


def _note_row(document: Document, table: Table, item: ItemView, widths: tuple[float, ...]) -> None:
    """The item's latest note on a row of its own, across the table."""
    note = item.latest_note
    if note is None:
        return
    cells = _row(document, table, widths)
    merged = cells[0].merge(cells[-1])
    paragraph = merged.paragraphs[0]
    paragraph.add_run(t("docx.note_label")).bold = True
    paragraph.add_run(printable(note.text))
    byline = t("docx.byline", author=printable(note.author), at=local_time(note.created_at))
    paragraph.add_run(byline, style="Byline")


def _evidence_row(
    document: Document, table: Table, item: ItemView, widths: tuple[float, ...]
) -> None:
    """The item's evidence (佐证材料), names and sizes, on a row of its own, across the
    table, under its latest note."""
    if not item.evidence:
        return
    cells = _row(document, table, widths)
    paragraph = cells[0].merge(cells[-1]).paragraphs[0]
    paragraph.add_run(t("export.evidence_label")).bold = True
    paragraph.add_run(printable(evidence_text(item)))


def _task(document: Document, task: TaskView) -> None:
    document.add_heading(printable(task_heading(task)), level=2)
    # The progress line stays on the page of the table it introduces.
    body_paragraph(document, task_line(task), keep_with_next=bool(task.items))
    if not task.items:
        return
    headers = [
        t("export.col_seq"),
        t("label.item"),
        t("label.target"),
        t("label.lead_unit"),
        t("label.due"),
        t("label.status"),
        t("label.progress"),
        t("label.warning"),
    ]
    widths = ITEM_COLUMNS[get_language()]
    table = _table(document, headers, widths)
    for item in task.items:
        cells = _row(document, table, widths)
        cells[0].paragraphs[0].add_run(item.id)
        _item_cell(cells[1], item)
        cells[2].paragraphs[0].add_run(printable(item.target or "") or "—")
        cells[3].paragraphs[0].add_run(printable(item.lead_unit or "") or "—")
        cells[4].paragraphs[0].add_run(due_text(item))
        cells[5].paragraphs[0].add_run(item.status_label)
        cells[6].paragraphs[0].add_run(f"{item.progress}%")
        _warning_cell(cells[7], item)
        _centre(cells, (0, 4, 5, 6, 7))
        _note_row(document, table, item, widths)
        _evidence_row(document, table, item, widths)


def _attention(document: Document, request: ExportRequest) -> None:
    document.add_heading(t("export.section_attention"), level=1)
    urgent, yellow = attention_items(request.view)
    if not urgent and not yellow:
        body_paragraph(document, t("label.none"))
        return
    groups = [("export.attention_red", urgent), ("export.attention_yellow", yellow)]
    numerals = iter("一二")
    for key, items in groups:
        if not items:
            continue
        document.add_heading(f"（{next(numerals)}）{t(key)}", level=2)
        for item in items:
            body_paragraph(document, attention_entry(item))


def _changes(document: Document, request: ExportRequest) -> None:
    changes = request.changes or ()
    document.add_heading(t("export.section_changes"), level=1)
    body_paragraph(
        document, changes_intro(request.since, len(changes)), keep_with_next=bool(changes)
    )
    if not changes:
        return
    headers = [
        t("label.time"),
        t("label.actor"),
        t("label.id"),
        t("label.action"),
        t("label.change"),
    ]
    table = _table(document, headers, CHANGE_COLUMNS)
    for change in change_rows(changes):
        cells = _row(document, table, CHANGE_COLUMNS)
        for cell, value in zip(
            cells,
            (change.at, change.actor, change.ref, change.action, change.change),
            strict=True,
        ):
            cell.paragraphs[0].add_run(printable(value))


def _progress_chart(document: Document, series: Sequence[tuple[date, float, float]]) -> None:
    """The plan's progress over time as a picture the width of the text, and under it what
    its lines are, in words (the picture itself holds numbers and dates only)."""
    import io

    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    from lawtasks.exporters.chart import caption, progress_png

    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout = paragraph.paragraph_format
    # The body's exact 28-point lines would cut the picture to one line's height.
    layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
    layout.first_line_indent = Pt(0)
    layout.keep_with_next = True
    paragraph.add_run().add_picture(io.BytesIO(progress_png(series)), width=Pt(TEXT_WIDTH_PT))
    note = document.add_paragraph(printable(caption(series)), style="Table Text")
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER


def new_document(table_pt: float) -> Document:
    from docx import Document as new_document

    document = new_document()
    _setup_styles(document, table_pt)
    _setup_page(document)
    return document


def title_block(document: Document, title: str, lines: list[str]) -> None:
    """The title, the lines under it in 楷体, and one empty line before the text."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = document.add_paragraph(printable(title), style="Title")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER  # on the paragraph too, for any reader
    for line in lines:
        document.add_paragraph(printable(line), style="Subtitle")
    document.paragraphs[-1].paragraph_format.space_after = Pt(LINE_PT)


def save_document(
    document: Document, today: date, *, title: str, subject: str, author: str, comments: str = ""
) -> bytes:
    """The document's bytes, its properties saying what it is and who made it (shown as data:
    control characters escaped), dated `today`, the same bytes for the same content."""
    import io

    from lawtasks.exporters.files import stable_zip

    stamp = datetime.combine(today, time.min)
    props = document.core_properties
    props.title = printable(title)
    props.subject = subject
    props.author = printable(author)
    props.last_modified_by = printable(author)
    props.comments = comments
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return stable_zip(buffer.getvalue(), today)


def render_docx(request: ExportRequest) -> bytes:
    view = request.view
    document = new_document(TABLE_PT)
    lines = [t("docx.as_of", date=long_date(view.today))]
    statement = filter_statement(request)
    if statement:
        lines.append(statement)
    title_block(document, report_title(view), lines)

    if request.period is not None:
        # 本期变化 first: a period report opens with what changed, in words.
        document.add_heading(t("export.section_period"), level=1)
        for sentence in period_sentences(request.period):
            body_paragraph(document, sentence)

    document.add_heading(t("export.section_overall"), level=1)
    body_paragraph(document, counts_sentence(view))
    if request.progress:
        _progress_chart(document, request.progress)

    document.add_heading(t("export.section_tasks"), level=1)
    for task in view.tasks:
        _task(document, task)

    _attention(document, request)
    if request.changes is not None:
        _changes(document, request)
    signature(document, office_name(), view.today)
    if view.trail is not None:
        # After the signature, as a 附注 would be, where verify --against finds it in a
        # report filed away.
        document.add_paragraph(head_line(view.trail), style="Table Text")

    return save_document(
        document,
        view.today,
        title=report_title(view),
        subject=view.slug,
        author=request.exported_by,
        comments=head_line(view.trail) if view.trail is not None else "",
    )


def render_reminder(
    view: PlanView,
    unit: str,
    items: list[ItemView] | tuple[ItemView, ...],
    *,
    office: str,
    reply_by: date,
    issued_by: str = "",
    round_period: str | None = None,
    round_due: date | None = None,
    reported: bool = True,
) -> bytes:
    """A 催办单: a notice to one lead unit listing its red, yellow and soon-due items, each
    with its status, due date and days overdue, asking for an answer by `reply_by`; signed
    by `office`. `issued_by` (who made it) goes in the file's properties only.

    With a round open (`round_period`, due `round_due`) the notice names it: a unit that
    has not `reported` is asked to report by the round's due date (at once, once it is
    past), and one that has is told it did; a unit chased only for its report has no
    `items`, and its notice no table."""
    document = new_document(REMINDER_TABLE_PT)
    title_block(document, t("remind.doc_title"), [])
    flush_line(document, t("remind.doc_to", unit=printable(unit)))
    if round_period is not None and round_due is not None:
        if reported:
            key = "remind.doc_round_reported"
        elif round_due >= view.today:
            key = "remind.doc_round_unreported"
        else:
            key = "remind.doc_round_unreported_late"
        body_paragraph(
            document,
            t(key, period=round_period, due=long_date(round_due), office=printable(office)),
            keep_with_next=bool(items),
        )
    if items:
        _reminder_items(document, view, items, office=office, reply_by=reply_by)
    signature(document, office, view.today)

    return save_document(
        document,
        view.today,
        title=f"{t('remind.doc_title')} {unit}",
        subject=view.slug,
        author=issued_by or office,
        comments=head_line(view.trail) if view.trail is not None else "",
    )


def _reminder_items(
    document: Document,
    view: PlanView,
    items: list[ItemView] | tuple[ItemView, ...],
    *,
    office: str,
    reply_by: date,
) -> None:
    """The 催办单's request about its items, and their table."""
    body_paragraph(
        document,
        t(
            "remind.doc_body",
            plan=printable(view.name),
            count=len(items),
            reply_by=long_date(reply_by),
            office=printable(office),
        ),
        keep_with_next=True,
    )
    headers = [
        t("label.id"),
        t("label.item"),
        t("label.due"),
        t("label.status"),
        t("label.progress"),
        t("label.warning"),
        t("docx.col_overdue"),
    ]
    widths = REMINDER_COLUMNS[get_language()]
    table = _table(document, headers, widths)
    for item in items:
        cells = _row(document, table, widths)
        cells[0].paragraphs[0].add_run(item.id)
        _item_cell(cells[1], item)
        cells[2].paragraphs[0].add_run(due_text(item))
        cells[3].paragraphs[0].add_run(item.status.label)
        cells[4].paragraphs[0].add_run(f"{item.progress}%")
        _warning_cell(cells[5], item)
        cells[6].paragraphs[0].add_run(due_state(item, view.today))
        _centre(cells, (0, 2, 3, 4, 5, 6))
