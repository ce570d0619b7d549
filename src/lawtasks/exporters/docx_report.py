"""The quarterly report as a Word document an officer can forward to the county's leaders.

Layout, in the current language (A4, portrait, page numbers centred in the footer):

    <plan title>工作任务推进情况                       centred title
    截至 2022年6月30日 / 导出人：…                      centred date and exporter lines
    本期变化           only with a `since` window: the period in words (newly done, newly
                       red and yellow, progress moved, units that reported nothing)
    一、总体进展       overall progress with counts by status and by warning colour
    二、分项进展       per task a heading （一）…, its progress line and a table:
                       序号 | 具体事项 | 责任单位 | 完成时限 | 状态 | 进度 | 最新进展
    三、需关注事项     red and blocked items, then yellow ones (or 无)
    四、本期变动       only with a `since` window: the audit events since that date

Chinese text is set in 仿宋_GB2312 (body), 黑体 (headings) and 宋体 (title), Latin text in
Times New Roman: Word takes the East Asian face from `w:eastAsia`, which python-docx's
`font.name` does not set. The theme fonts of python-docx's template are removed from the
styles we use, since a theme font would override the explicit one.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from lawtasks.exporters.content import (
    attention_entry,
    attention_items,
    change_rows,
    changes_intro,
    counts_sentence,
    due_text,
    long_date,
    note_byline,
    period_sentences,
    report_title,
    task_heading,
    task_line,
)
from lawtasks.exporters.trail import head_line
from lawtasks.i18n import get_language, t
from lawtasks.readmodel import ItemView, PlanView, TaskView
from lawtasks.render import printable

if TYPE_CHECKING:
    from docx.document import Document
    from docx.styles.style import BaseStyle
    from docx.table import Table, _Cell

    from lawtasks.exporters import ExportRequest

LATIN_FONT = "Times New Roman"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"
TABLE_STYLE = "Table Grid"
HEADER_SHADE = "D9D9D9"
# Column widths in cm; they add up to the 16.6 cm between the margins. English labels
# ("not started", "Progress") need wider status and progress columns than 未开始 and 进度.
ITEM_COLUMNS = {
    "zh": (1.3, 4.2, 2.0, 2.6, 1.6, 1.5, 3.4),
    "en": (1.2, 3.8, 2.0, 2.6, 2.0, 1.8, 3.2),
}
CHANGE_COLUMNS = (3.4, 1.9, 1.2, 1.4, 8.7)
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_fonts(rpr_owner: object, east_asian: str) -> None:
    """Set explicit Latin and East Asian faces on a style or docDefaults `w:rPr`."""
    from docx.oxml.ns import qn

    rpr = rpr_owner.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)


def _style_font(style: BaseStyle, east_asian: str, size: float, *, bold: bool) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = style.font  # type: ignore[attr-defined]
    font.name = LATIN_FONT
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(style.element, east_asian)
    # Word picks CJK line breaking and fallback faces by the East Asian language.
    rpr = style.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        from docx.oxml import OxmlElement

        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _setup_styles(document: Document) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None and rpr_default.find(qn("w:rPr")) is not None:
            fonts = rpr_default.find(qn("w:rPr")).find(qn("w:rFonts"))
            if fonts is not None:
                for attr in _THEME_ATTRS:
                    fonts.attrib.pop(qn(attr), None)
                fonts.set(qn("w:ascii"), LATIN_FONT)
                fonts.set(qn("w:hAnsi"), LATIN_FONT)
                fonts.set(qn("w:eastAsia"), BODY_FONT)

    styles = document.styles
    normal = styles["Normal"]
    _style_font(normal, BODY_FONT, 14, bold=False)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.25

    title = styles["Title"]
    _style_font(title, TITLE_FONT, 22, bold=True)
    title_ppr = title.element.get_or_add_pPr()
    border = title_ppr.find(qn("w:pBdr"))
    if border is not None:  # the template underlines its title in blue
        title_ppr.remove(border)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    title.font.spacing = Pt(0)

    for name, size, before in (("Heading 1", 16, 18), ("Heading 2", 14, 12)):
        heading = styles[name]
        _style_font(heading, HEADING_FONT, size, bold=False)
        heading.paragraph_format.space_before = Pt(before)
        heading.paragraph_format.space_after = Pt(6)

    table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = Pt(10.5)
    table_text.paragraph_format.line_spacing = 1.0


def _setup_page(document: Document) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.2)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"  # what a reader shows until it updates the field
    run.append(text)
    field.append(run)
    footer._p.append(field)
    closing = OxmlElement("w:r")
    closing_text = OxmlElement("w:t")
    closing_text.set(qn("xml:space"), "preserve")
    closing_text.text = " —"
    closing.append(closing_text)
    footer._p.append(closing)


def _body(document: Document, text: str, *, keep_with_next: bool = False) -> None:
    from docx.shared import Pt

    paragraph = document.add_paragraph(printable(text))
    # 首行缩进两字: how Chinese prose paragraphs start.
    paragraph.paragraph_format.first_line_indent = Pt(28)
    paragraph.paragraph_format.keep_with_next = keep_with_next


def _shade(cell: _Cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _table(document: Document, headers: list[str], widths: tuple[float, ...]) -> Table:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table: Table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    header = table.rows[0]
    # The header row repeats on every page the table runs over.
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, name, width in zip(header.cells, headers, widths, strict=True):
        cell.width = Cm(width)
        paragraph = cell.paragraphs[0]
        paragraph.style = document.styles["Table Text"]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(name).bold = True
        _shade(cell, HEADER_SHADE)
    return table


def _row(document: Document, table: Table, widths: tuple[float, ...]) -> list[_Cell]:
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    row = table.add_row()  # type: ignore[no-untyped-call]  # python-docx leaves it untyped
    # A row split across pages is hard to read; Word moves it whole when it fits a page.
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    cells: list[_Cell] = list(row.cells)
    for cell, width in zip(cells, widths, strict=True):
        cell.width = Cm(width)
        cell.paragraphs[0].style = document.styles["Table Text"]
    return cells


def _item_cell(cell: _Cell, item: ItemView) -> None:
    paragraph = cell.paragraphs[0]
    title = printable(item.title)
    text = printable(item.text)
    if text.startswith(title):
        paragraph.add_run(title).bold = True
        paragraph.add_run(text[len(title) :])
    else:
        paragraph.add_run(title).bold = True
        paragraph.add_run("\n" + text)


def _note_cell(cell: _Cell, item: ItemView) -> None:
    from docx.shared import RGBColor

    note = item.latest_note
    paragraph = cell.paragraphs[0]
    if note is None:
        paragraph.add_run("—")
        return
    paragraph.add_run(printable(note.text))
    byline = paragraph.add_run("\n" + printable(note_byline(item)))
    byline.italic = True
    byline.font.color.rgb = RGBColor(0x59, 0x59, 0x59)


def _task(document: Document, task: TaskView) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document.add_heading(printable(task_heading(task)), level=2)
    # The progress line stays on the page of the table it introduces.
    _body(document, task_line(task), keep_with_next=bool(task.items))
    if not task.items:
        return
    headers = [
        t("export.col_seq"),
        t("label.item"),
        t("label.lead_unit"),
        t("label.due"),
        t("label.status"),
        t("label.progress"),
        t("label.latest_note"),
    ]
    widths = ITEM_COLUMNS[get_language()]
    table = _table(document, headers, widths)
    for item in task.items:
        cells = _row(document, table, widths)
        cells[0].paragraphs[0].add_run(item.id)
        _item_cell(cells[1], item)
        cells[2].paragraphs[0].add_run(printable(item.lead_unit) or "—")
        cells[3].paragraphs[0].add_run(due_text(item))
        cells[4].paragraphs[0].add_run(item.status.label)
        cells[5].paragraphs[0].add_run(f"{item.progress}%")
        _note_cell(cells[6], item)
        for index in (0, 3, 4, 5):
            cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        if item.warning.value in ("red", "yellow"):
            # The warning colour, as in the 台账: a light fill on the status cell.
            _shade(cells[4], "FFC7CE" if item.warning.value == "red" else "FFEB9C")


def _attention(document: Document, request: ExportRequest) -> None:
    document.add_heading(t("export.section_attention"), level=1)
    urgent, yellow = attention_items(request.view)
    if not urgent and not yellow:
        _body(document, t("label.none"))
        return
    groups = [("export.attention_red", urgent), ("export.attention_yellow", yellow)]
    numerals = iter("一二")
    for key, items in groups:
        if not items:
            continue
        label = document.add_paragraph()
        label.paragraph_format.first_line_indent = None
        label.add_run(f"（{next(numerals)}）{t(key)}").bold = True
        for item in items:
            _body(document, attention_entry(item))


def _changes(document: Document, request: ExportRequest) -> None:
    changes = request.changes or ()
    document.add_heading(t("export.section_changes"), level=1)
    _body(document, changes_intro(request.since, len(changes)))
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


def render_docx(request: ExportRequest) -> bytes:
    import io

    from docx import Document as new_document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from lawtasks.exporters.files import stable_zip

    view = request.view
    document = new_document()
    _setup_styles(document)
    _setup_page(document)

    title = document.add_paragraph(printable(report_title(view)), style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER  # on the paragraph too, for any reader
    for line in (
        t("export.as_of", date=long_date(view.today)),
        t("export.exported_by", actor=request.exported_by),
    ):
        paragraph = document.add_paragraph(printable(line))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    if request.period is not None:
        # 本期变化 first: a period report opens with what changed, in words.
        document.add_heading(t("export.section_period"), level=1)
        for sentence in period_sentences(request.period):
            _body(document, sentence)

    document.add_heading(t("export.section_overall"), level=1)
    _body(document, counts_sentence(view))

    document.add_heading(t("export.section_tasks"), level=1)
    for task in view.tasks:
        _task(document, task)

    _attention(document, request)
    if request.changes is not None:
        _changes(document, request)
    if view.trail is not None:
        # At the end, where verify --against finds it in a report filed away.
        document.add_paragraph(head_line(view.trail))

    stamp = datetime.combine(view.today, time.min)
    props = document.core_properties
    props.title = printable(report_title(view))
    props.subject = view.slug
    props.author = printable(request.exported_by)
    props.last_modified_by = printable(request.exported_by)
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    props.comments = head_line(view.trail) if view.trail is not None else ""

    buffer = io.BytesIO()
    document.save(buffer)
    return stable_zip(buffer.getvalue(), view.today)


REMINDER_WIDTHS = (1.6, 8.0, 2.6, 1.6, 1.8)


def render_reminder(view: PlanView, unit: str, items: list[ItemView], issued_by: str) -> bytes:
    """A 催办单: a reminder notice to one lead unit listing its red, yellow and soon-due items."""
    import io

    from docx import Document as new_document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from lawtasks.exporters.files import stable_zip

    document = new_document()
    _setup_styles(document)
    _setup_page(document)
    title = document.add_paragraph(t("remind.doc_title"), style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _body(document, t("remind.doc_to", unit=printable(unit)))
    _body(document, t("remind.doc_body", plan=printable(view.name), count=len(items)))
    headers = [t("label.id"), t("label.item"), t("label.due"), t("label.progress"),
               t("label.warning")]  # fmt: skip
    table = _table(document, headers, REMINDER_WIDTHS)
    for item in items:
        cells = _row(document, table, REMINDER_WIDTHS)
        cells[0].paragraphs[0].add_run(item.id)
        _item_cell(cells[1], item)
        cells[2].paragraphs[0].add_run(due_text(item))
        cells[3].paragraphs[0].add_run(f"{item.progress}%")
        cells[4].paragraphs[0].add_run(item.warning.label)
    for line in (printable(issued_by), long_date(view.today)):
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    stamp = datetime.combine(view.today, time.min)
    props = document.core_properties
    props.title = f"{t('remind.doc_title')} {printable(unit)}"
    props.author = printable(issued_by)
    if view.trail is not None:
        props.comments = head_line(view.trail)
    props.created = stamp
    props.modified = stamp
    buffer = io.BytesIO()
    document.save(buffer)
    return stable_zip(buffer.getvalue(), view.today)
