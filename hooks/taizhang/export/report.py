"""整改进展情况通报: a draft progress report from the records.

One structure, two renderings: Markdown for the site and .docx for the
office. The .docx follows the common practice of GB/T 9704-2012 for
official documents (公文): A4; margins 37/35/28/26 mm (top/bottom/left/
right); title in 二号 方正小标宋简体 (fallback 宋体), centred; body 三号
仿宋_GB2312 (fallback 仿宋), first-line indent of two characters, fixed line
spacing of 28.95 pt (22 lines a page); 一、 headings in 黑体 and （一）
headings in 楷体_GB2312 (fallback 楷体), same size; page numbers “— 1 —”
in 四号 宋体 at the bottom; 落款 and 成文日期 (2023年8月10日) at the end;
language zh-CN; none of Word's built-in (blue) heading styles.

Records marked `公开: 否` are left out entirely, and so are measures that
only address unpublished problems. Figures and derived statuses are the
ones the workbook shows (export/rows.py).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from taizhang.export.rows import derived_statuses, filing_unit
from taizhang.export.zipfix import fixed_zip
from taizhang.link import DONE, RED, Ledger
from taizhang.render.scope import Scope

PARAGRAPH, SUBHEADING, ITEM = "p", "h2", "item"


@dataclass(frozen=True)
class Block:
    kind: str        # p | h2 (（一） heading) | item
    text: str


@dataclass(frozen=True)
class Section:
    heading: str                 # 一、…
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Report:
    name: str                    # 十一届省委第三轮巡视整改进展情况通报
    as_of: dt.date
    sections: tuple[Section, ...]
    issuer: str                  # 落款

    @property
    def title(self) -> str:
        return f"{self.name}（截至 {self.as_of.isoformat()}）"


def chinese_date(day: dt.date) -> str:
    """成文日期 as GB/T 9704-2012 writes it: 2023年8月10日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _published(records):
    return [r for r in records if r.publish]


def _p(*texts) -> tuple[Block, ...]:
    return tuple(Block(PARAGRAPH, t) for t in texts)


def _items(texts) -> tuple[Block, ...]:
    return tuple(Block(ITEM, t) for t in texts)


def build_report(ledger: Ledger, scope: Scope) -> Report:
    vocab = ledger.vocab
    statuses = derived_statuses(ledger, scope)
    problems = _published(scope.problems)
    problem_ids = {p.id for p in problems}
    measures = [m for m in _published(scope.measures)
                if not m.problems or any(l.target in problem_ids for l in m.problems)]
    feedback = _published(scope.feedback)
    closed = [m for m in measures if ledger.lights.get(m.id) == DONE]
    signed = [m for m in closed if m.status == "signed_off"]
    late = [m for m in measures if ledger.lights.get(m.id) == RED]
    long_term = [m for m in measures if m.long_term or m.measure_type == "long_term"]
    rate = f"{len(closed) / len(measures) * 100:.1f}%" if measures else "0.0%"
    name = scope.round.title if scope.round else "巡视"
    open_counts = []
    for status in vocab.status_order():
        count = sum(1 for m in measures if m.status == status)
        if count and not vocab.is_closed(status):
            open_counts.append(f"{vocab.label('statuses', status)} {count} 项")
    unfinished = len(measures) - len(closed)
    overview = (f"截至{chinese_date(ledger.today)}，{name}反馈问题 {len(feedback)} 条，对照查摆问题 {len(problems)} 个，"
                f"制定整改措施 {len(measures)} 项。已完成 {len(closed)} 项（其中已销号 {len(signed)} 项），"
                f"整改完成率 {rate}；尚未完成 {unfinished} 项"
                + (f"（{'，'.join(open_counts)}）" if open_counts else "")
                + f"，其中逾期 {len(late)} 项。")
    first = [overview]
    if len(_published(scope.measures)) != len(scope.measures) or len(problems) != len(scope.problems):
        first.append("本通报不含按规定不予公开的事项。")
    sections = [Section("一、总体情况", _p(*first)),
                _by_area(ledger, scope, problems, statuses),
                _by_feedback(ledger, feedback, problem_ids, statuses),
                Section("四、已完成的整改事项", _items(
                    f"{m.id} {m.title}（{m.completed_on.isoformat() if m.completed_on else ''} 完成"
                    f"{'，已销号' if m.status == 'signed_off' else ''}）" for m in closed) or _p("暂无。")),
                Section("五、需要长期坚持的事项", _items(
                    f"{m.id} {m.title}（{'、'.join(m.unit)}，{vocab.label('statuses', m.status) if m.status else ''}）"
                    for m in long_term) or _p("暂无。"))]
    if late:
        sections.append(Section("六、逾期未完成的事项", _items(
            f"{m.id} {m.title}（{'、'.join(m.unit)}，整改时限 {m.deadline.isoformat()}，逾期 {-ledger.days_left(m)} 天）"
            for m in late)))
    sections.append(Section(f"{'七' if late else '六'}、下一步工作", _p("（本部分请结合实际填写。）")))
    issuer = (vocab.exports or {}).get("issuer") or filing_unit(ledger, scope)
    return Report(f"{name}整改进展情况通报", ledger.today, tuple(sections), issuer)


def _by_area(ledger: Ledger, scope: Scope, problems, statuses) -> Section:
    vocab = ledger.vocab
    blocks: list[Block] = []
    for ordinal, name in scope.areas():
        in_area = [p for p in problems if p.area == ordinal]
        if not in_area:
            continue
        measure_ids = {m.id for p in in_area for m in _published(ledger.measures_of(p.id))}
        done = sum(1 for i in measure_ids if ledger.lights.get(i) == DONE)
        states = "；".join(f"{p.id} {p.title}（{vocab.label('statuses', s) if (s := statuses.problems.get(p.id)) else '尚无整改措施'}）"
                          for p in in_area)
        blocks.append(Block(SUBHEADING, f"（{ordinal}）{name}方面"))
        blocks.append(Block(PARAGRAPH, f"查摆问题 {len(in_area)} 个，整改措施 {len(measure_ids)} 项，已完成 {done} 项。{states}。"))
    return Section("二、分方面整改情况", tuple(blocks) or _p("暂无。"))


def _by_feedback(ledger: Ledger, feedback, problem_ids: set[str], statuses) -> Section:
    vocab = ledger.vocab
    items = []
    for f in feedback:
        problems = [p for p in ledger.linked_from(f.id, "problem", "feedback")
                    if p.id in problem_ids and not p.is_declaration]
        status = statuses.feedback.get(f.id)
        state = vocab.label("statuses", status) if status else ("尚无整改措施" if problems else "尚未对照查摆")
        items.append(f"{f.id} “{f.quote or f.title}”：{state}（{'、'.join(p.id for p in problems) or '—'}）")
    return Section("三、巡视反馈问题整改情况", _items(items) or _p("暂无。"))


# -- Markdown (the site's 进展通报 page) ---------------------------------------
def report_markdown(report: Report) -> str:
    lines = [f"# {report.title}", "", "!!! note \"草稿\"", "    本通报由台账记录自动生成，发布前请核对并补充“下一步工作”。", ""]
    for section in report.sections:
        lines += [f"## {section.heading}", ""]
        previous = None
        for block in section.blocks:
            if previous == ITEM and block.kind != ITEM:
                lines.append("")
            if block.kind == SUBHEADING:
                lines += [f"### {_md(block.text)}", ""]
            elif block.kind == ITEM:
                lines.append(f"- {_md(block.text)}")
            else:
                lines += [_md(block.text), ""]
            previous = block.kind
        if previous == ITEM:
            lines.append("")
    if report.issuer:   # 落款 and 成文日期, as on the .docx
        lines += [f"{_md(report.issuer)}  ", chinese_date(report.as_of), ""]
    return "\n".join(lines)


def _md(text: str) -> str:
    from taizhang.render.html import md_inline
    return md_inline(text)


# -- .docx in 公文 format ------------------------------------------------------
TITLE_FONT, TITLE_FALLBACK = "方正小标宋简体", "宋体"
BODY_FONT, BODY_FALLBACK = "仿宋_GB2312", "仿宋"
HEADING_FONT = "黑体"
SUBHEADING_FONT, SUBHEADING_FALLBACK = "楷体_GB2312", "楷体"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
SIZE_2 = 22            # 二号, pt
SIZE_3 = 16            # 三号
SIZE_4 = 14            # 四号
LINE_PITCH = 28.95     # fixed line spacing: 22 lines in the 225 mm text block
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
FALLBACKS = {TITLE_FONT: TITLE_FALLBACK, BODY_FONT: BODY_FALLBACK, SUBHEADING_FONT: SUBHEADING_FALLBACK}


def _fonts(element, east_asian: str, size: float | None = None, bold: bool = False) -> None:
    """rPr of a run or style: East Asian font, Latin font, size, zh-CN."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            node = rpr.find(qn(tag))
            if node is None:
                node = OxmlElement(tag)
                rpr.append(node)
            node.set(qn("w:val"), str(int(size * 2)))
    bold_node = rpr.find(qn("w:b"))
    if bold and bold_node is None:
        rpr.append(OxmlElement("w:b"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _paragraph_style(document, name: str, font: str, size: float, align=None, indent_chars: int = 2):
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    _fonts(style.element, font, size)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PITCH)
    fmt.space_before = fmt.space_after = Pt(0)
    if align is not None:
        fmt.alignment = align
    if indent_chars:
        fmt.first_line_indent = Pt(size * indent_chars)
        ind = style.element.get_or_add_pPr().find(qn("w:ind"))
        ind.set(qn("w:firstLineChars"), str(indent_chars * 100))   # Word: in hundredths of a character
    return style


def _page_number_footer(section) -> None:
    """“— 1 —” centred at the bottom: a PAGE field between em dashes."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def run(text: str | None = None, field: str | None = None, instr: str | None = None):
        r = paragraph.add_run(text or "")
        _fonts(r._r, PAGE_NUMBER_FONT, SIZE_4)
        r._r.get_or_add_rPr().find(qn("w:rFonts")).set(qn("w:ascii"), PAGE_NUMBER_FONT)
        r._r.get_or_add_rPr().find(qn("w:rFonts")).set(qn("w:hAnsi"), PAGE_NUMBER_FONT)
        if field:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), field)
            r._r.append(node)
        if instr:
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = instr
            r._r.append(node)
        return r

    run("— ")
    run(field="begin")
    run(instr=" PAGE ")
    run(field="separate")
    run("1")
    run(field="end")
    run(" —")


def _declare_fallbacks(document) -> None:
    """Name each Chinese font in the font table with its fallback (w:altName),
    so Word and WPS use 宋体/仿宋/楷体 where 方正小标宋简体 or the GB2312 faces
    are not installed."""
    from lxml import etree

    part = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    ns = root.nsmap["w"]
    w = f"{{{ns}}}"
    for name in (TITLE_FONT, BODY_FONT, SUBHEADING_FONT, HEADING_FONT, PAGE_NUMBER_FONT):
        font = etree.SubElement(root, f"{w}font", {f"{w}name": name})
        if name in FALLBACKS:
            etree.SubElement(font, f"{w}altName", {f"{w}val": FALLBACKS[name]})
        etree.SubElement(font, f"{w}charset", {f"{w}val": "86"})          # GB2312
        etree.SubElement(font, f"{w}family", {f"{w}val": "roman" if name != HEADING_FONT else "modern"})
        etree.SubElement(font, f"{w}pitch", {f"{w}val": "variable"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _docdefaults_language(document) -> None:
    from docx.oxml.ns import qn

    styles = document.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        from docx.oxml import OxmlElement
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")


def report_docx(report: Report, today: dt.date) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(21)
    _docdefaults_language(document)
    _fonts(document.styles["Normal"].element, BODY_FONT, SIZE_3)

    title = _paragraph_style(document, "公文标题", TITLE_FONT, SIZE_2, WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0)
    title.paragraph_format.line_spacing = Pt(35)
    subtitle = _paragraph_style(document, "公文副标题", SUBHEADING_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0)
    body = _paragraph_style(document, "公文正文", BODY_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY)
    heading = _paragraph_style(document, "一级标题", HEADING_FONT, SIZE_3)
    subheading = _paragraph_style(document, "二级标题", SUBHEADING_FONT, SIZE_3)
    signature = _paragraph_style(document, "落款", BODY_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0)

    # the template's one empty paragraph carries the title
    first = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
    first.style = title
    first.add_run(report.name)
    document.add_paragraph(f"（截至{chinese_date(report.as_of)}）", style=subtitle)
    document.add_paragraph("", style=body)
    for part in report.sections:
        document.add_paragraph(part.heading, style=heading)
        number = 0
        for block in part.blocks:
            if block.kind == SUBHEADING:
                document.add_paragraph(block.text, style=subheading)
            elif block.kind == ITEM:
                number += 1
                document.add_paragraph(f"{number}. {block.text}", style=body)
            else:
                document.add_paragraph(block.text, style=body)
    if report.issuer:
        date = chinese_date(report.as_of)
        for _ in range(2):
            document.add_paragraph("", style=body).paragraph_format.keep_with_next = True
        # 成文日期 right-aligned four characters in; the issuer centred over it
        issuer_width, date_width = _char_width(report.issuer), _char_width(date)
        for text, right in ((report.issuer, max(0.0, 4 + (date_width - issuer_width) / 2)), (date, 4)):
            paragraph = document.add_paragraph(text, style=signature)
            paragraph.paragraph_format.right_indent = Pt(SIZE_3 * right)
            paragraph.paragraph_format.keep_with_next = text == report.issuer
    _page_number_footer(section)
    _declare_fallbacks(document)

    stamp = dt.datetime.combine(today, dt.time())
    props = document.core_properties
    props.created = props.modified = stamp
    props.author = props.last_modified_by = "taizhang"
    props.language = "zh-CN"
    props.title = report.name
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp)


def _char_width(text: str) -> float:
    """Width in Chinese characters: digits and Latin letters count half."""
    import unicodedata
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)
