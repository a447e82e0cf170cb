"""整改进展情况通报 as a .docx for the office (python-docx).

The .docx follows the common practice of GB/T 9704-2012 for
official documents (公文): A4; margins 37/35/28/26 mm (top/bottom/left/
right); title in 二号 方正小标宋简体 (fallback 宋体), centred; body 三号
仿宋_GB2312 (fallback 仿宋), first-line indent of two characters, fixed line
spacing of 28.95 pt (22 lines a page); 一、 headings in 黑体 and （一）
headings in 楷体_GB2312 (fallback 楷体), same size; page numbers “— 1 —”
in 四号 宋体 at the bottom; 主送机关 flush left under the title; 附件 after
the body; 落款 and 成文日期 (2023年8月10日) at the end; headings kept with
the paragraph after them; for sample data a 楷体 line above the title;
language zh-CN; none of Word's built-in (blue) heading styles.

The content (sections, figures, what is left out as unpublished) is built
once in views/report.py; render/report.py shows the same structure as a
page, so report, dashboard and workbook read the same figures.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from taizhang.export.text import LXML_REFUSED
from taizhang.export.zipfix import document_members, fixed_members
from taizhang.views.report import Report, Section, build_report, chinese_date

__all__ = ["Report", "Section", "build_report", "report_docx", "chinese_date"]


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
            _child(rpr, tag).set(qn("w:val"), str(int(size * 2)))
    if bold:
        _child(rpr, "w:b")
    _chinese(rpr)


# Digits and Latin letters (17, 22.2%, 2/9, XX): their own runs, without the
# East Asian hint, so LibreOffice and Word set them as Western text and never
# break a number or a word across two lines (with the hint each digit may end a line).
_WESTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.%/:\-]*")


QUICK_RUNS = True   # False: every run through python-docx's add_run, character by character (tests compare)
RUNS_AS_TEXT = True  # False: each copied run an lxml element in the document (tests compare)
_BREAKS = re.compile(r"[\t\r\n]")
_WESTERN_SPLIT = re.compile(f"({_WESTERN.pattern})")
_BREAK_SPLIT = re.compile(r"([\t\r\n])")
_BREAK_XML = {"\t": "<w:tab/>", "\r": "<w:br/>", "\n": "<w:br/>"}   # python-docx's _RunContentAppender


class Runs:
    """The runs of one document as add_text makes them after the first of each kind.

    QUICK_RUNS: each kind of run (East Asian font, Western or not) is kept as
    python-docx first makes it, with an empty w:t; later runs of that kind are
    copies of it with their text as one w:t, as python-docx writes it (its
    Run.text walks the text one character at a time, most of the report's cost).

    RUNS_AS_TEXT: the copies were still 130,000 lxml elements at 5,000 records.
    Instead a paragraph gets a placeholder (a processing instruction) and keeps
    its runs as the XML lxml writes for them in document.xml: the kind's run as
    python-docx makes it, its text in w:t escaped as lxml does in UTF-8 (& < >;
    a carriage return is a break), xml:space="preserve" when it starts or ends with a space,
    tabs and line breaks as python-docx writes them (w:tab, w:br between w:t).
    `splice` puts them in their placeholders' places. Text with a character lxml
    refuses is left to the elements (which raise the same error)."""

    _PLACEHOLDER = "taizhang-runs"
    _PLACEHOLDERS = re.compile(rb"<\?taizhang-runs (\d+)\?>")
    _EMPTY_T = "<w:t/></w:r>"

    def __init__(self) -> None:
        self.elements: dict = {}     # (east_asian, western) -> w:r with an empty w:t
        self.opening: dict = {}      # (east_asian, western) -> its XML before the text, or None
        self.texts: list[list[str]] = []   # by placeholder: the runs' XML
        self._last = None                  # the last placeholder
        self._made: dict = {}              # east_asian -> _RunXml

    def open(self, east_asian: str | None, western: bool) -> str | None:
        """The XML of a run of this kind before its text (w:r and w:rPr) as lxml
        writes it in the document, where w: is declared; None when not that simple."""
        key = (east_asian, western)
        if key not in self.opening:
            from docx.oxml import OxmlElement
            from docx.text.run import Run
            from lxml import etree

            r = OxmlElement("w:r")                                   # what CT_P.add_r makes
            _styled_run(Run(r, None), east_asian, western)
            r.append(OxmlElement("w:t"))
            xml = etree.tostring(r, encoding="unicode")
            declared = f' xmlns:w="{r.nsmap["w"]}"'
            simple = xml.startswith("<w:r" + declared) and xml.count("xmlns") == 1 and xml.endswith(self._EMPTY_T)
            self.opening[key] = xml[:-len(self._EMPTY_T)].replace(declared, "", 1) if simple else None
        return self.opening[key]

    def write(self, paragraph, text: str, east_asian: str | None) -> bool:
        """Add `text` to the paragraph as runs' XML; False when it must be elements."""
        made = self._made.get(east_asian)
        if made is None:
            chinese, western = self.open(east_asian, False), self.open(east_asian, True)
            if chinese is None or western is None:
                return False
            made = self._made[east_asian] = _RunXml(chinese, western)
        if LXML_REFUSED.search(text):
            return False
        if not text:
            return True                    # no runs, and no placeholder: an empty w:p stays <w:p/>
        p = paragraph._p
        if self._last is None or len(p) == 0 or p[-1] is not self._last:
            from lxml import etree

            self._last = etree.ProcessingInstruction(self._PLACEHOLDER, str(len(self.texts)))
            p.append(self._last)
            self.texts.append([])
        self.texts[-1].extend(map(made.__getitem__, _WESTERN_SPLIT.split(text)))
        return True

    def splice(self, xml: bytes) -> bytes:
        """document.xml (or a paragraph's XML) with each placeholder replaced by its runs."""
        if not self.texts:
            return xml
        return self._PLACEHOLDERS.sub(lambda m: "".join(self.texts[int(m[1])]).encode("utf-8"), xml)


class _RunXml(dict):
    """A run's XML by its text (a part of add_text's text between or at
    Western words), each made once: texts repeat (年, 月, 2023, 条 ...)."""

    def __init__(self, chinese: str, western: str) -> None:
        super().__init__({"": ""})        # re.split gives empty parts between adjacent words
        self.chinese, self.western = chinese, western

    def __missing__(self, part: str) -> str:
        if _WESTERN.match(part):          # a Western word or number: no spaces, nothing to escape
            xml = f"{self.western}<w:t>{part}</w:t></w:r>"
        elif _BREAKS.search(part):
            xml = self.chinese + "".join(_BREAK_XML.get(piece) or _t_xml(piece)
                                         for piece in _BREAK_SPLIT.split(part) if piece) + "</w:r>"
        else:
            xml = f"{self.chinese}{_t_xml(part)}</w:r>"
        self[part] = xml
        return xml


def _t_xml(text: str) -> str:
    """A w:t of `text` as python-docx makes it (CT_R.add_t) and lxml writes it."""
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if len(text.strip()) < len(text):
        return f'<w:t xml:space="preserve">{text}</w:t>'
    return f"<w:t>{text}</w:t>"


def add_text(paragraph, text: str, east_asian: str | None = None, runs: Runs | None = None) -> None:
    """Add `text` to a paragraph as runs: Chinese with the East Asian hint
    (so “” and ：take the Chinese font), Western words and numbers apart.

    `runs` (one per document, see Runs) keeps each kind of run as first made;
    with RUNS_AS_TEXT the paragraph's XML must then go through runs.splice."""
    if runs is None:
        runs = Runs()                  # nothing to splice: elements
    elif QUICK_RUNS and RUNS_AS_TEXT and runs.write(paragraph, text, east_asian):
        return
    start = 0
    for match in _WESTERN.finditer(text):
        if match.start() > start:
            _add_run(paragraph, text[start:match.start()], east_asian, False, runs)
        _add_run(paragraph, match.group(0), east_asian, True, runs)
        start = match.end()
    if start < len(text):
        _add_run(paragraph, text[start:], east_asian, False, runs)


XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"    # python-docx's qn("xml:space")


def _add_run(paragraph, text: str, east_asian: str | None, western: bool, runs: Runs) -> None:
    if not QUICK_RUNS or _BREAKS.search(text):   # tabs and line breaks: python-docx's own elements
        _styled_run(paragraph.add_run(text), east_asian, western)
        return
    template = runs.elements.get((east_asian, western))
    if template is None:
        from docx.oxml import OxmlElement

        r = _styled_run(paragraph.add_run(), east_asian, western)._r
        t = OxmlElement("w:t")            # what CT_R.add_t does
        r.append(t)
        # the run as python-docx made it, with an empty w:t: later runs of this kind are
        # copies of it (lxml's __copy__ copies the whole element, as deepcopy does)
        runs.elements[(east_asian, western)] = r.__copy__()
    else:
        r = template.__copy__()
        paragraph._p.append(r)        # what CT_P.add_r does (w:r has no successors)
        t = r[-1]
    t.text = text
    if len(text.strip()) < len(text):
        t.set(XML_SPACE, "preserve")


def _styled_run(run, east_asian: str | None, western: bool):
    from docx.oxml.ns import qn

    if east_asian:
        _fonts(run._r, east_asian)
    if western:
        run._r.get_or_add_rPr()
        fonts = run._r.rPr.find(qn("w:rFonts"))
        if fonts is not None:
            fonts.attrib.pop(qn("w:hint"), None)
        else:
            from docx.oxml import OxmlElement
            fonts = OxmlElement("w:rFonts")
            run._r.rPr.insert(0, fonts)
        fonts.set(qn("w:hint"), "default")
    return run


def _child(parent, tag: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    node = parent.find(qn(tag))
    if node is None:
        node = OxmlElement(tag)
        parent.append(node)
    return node


def _chinese(rpr) -> None:
    from docx.oxml.ns import qn

    lang = _child(rpr, "w:lang")
    # w:val is the language of Western text: zh-CN there lets LibreOffice break a
    # number or a Latin word anywhere (17 → 1|7 at a line end); Chinese documents
    # from Word carry en-US there and zh-CN as the East Asian language.
    lang.set(qn("w:val"), "en-US")
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
    _chinese(rpr)


def report_docx(report: Report) -> bytes:
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
    title.paragraph_format.keep_with_next = True
    notice = _paragraph_style(document, "示例说明", SUBHEADING_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.LEFT, indent_chars=0)
    body = _paragraph_style(document, "公文正文", BODY_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY)
    recipient = _paragraph_style(document, "主送机关", BODY_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.LEFT, indent_chars=0)
    heading = _paragraph_style(document, "一级标题", HEADING_FONT, SIZE_3)
    subheading = _paragraph_style(document, "二级标题", SUBHEADING_FONT, SIZE_3)
    for style in (heading, subheading):     # a heading never ends a page alone
        style.paragraph_format.keep_with_next = True
    signature = _paragraph_style(document, "落款", BODY_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0)

    # the template's one empty paragraph carries the sample line or the title
    add = _paragraph_adder(document)
    runs = Runs()   # each kind of run as first made (add_text)

    def write(paragraph, value: str, east_asian: str | None = None) -> None:
        add_text(paragraph, value, east_asian, runs)

    first = document.paragraphs[0] if document.paragraphs else add()
    if report.sample:
        first.style = notice
        write(first, report.sample)
        write(add(style=title), report.title)
    else:
        first.style = title
        write(first, report.title)
    add("", style=body)
    if report.recipient:
        write(add(style=recipient), f"{report.recipient}：")
    write(add(style=body), report.opening)
    for part in report.sections:
        write(add(style=heading), part.heading)
        for block in part.blocks:
            if block.heading:
                write(add(style=subheading), block.text)
                continue
            paragraph = add(style=body)
            if block.lead:      # （一） lead-in in 楷体, the rest in 仿宋
                write(paragraph, block.lead, SUBHEADING_FONT if block.lead.startswith("（") else None)
            write(paragraph, block.text)
    if report.unpublished:
        write(add(style=body), report.unpublished)
    if report.attachments:
        add("", style=body)
        label = f"{report.attachment_label}："
        items = report.attachments if len(report.attachments) == 1 else [
            f"{n}. {a}" for n, a in enumerate(report.attachments, start=1)]
        for n, item in enumerate(items):
            paragraph = add(style=body)
            write(paragraph, (label if n == 0 else "") + item)
            if n:   # later items line up under the first (附件： is three characters)
                paragraph.paragraph_format.left_indent = Pt(SIZE_3 * 3)
    if report.issuer:
        date = chinese_date(report.as_of)
        for _ in range(2):
            add("", style=body).paragraph_format.keep_with_next = True
        # 成文日期 right-aligned four characters in; the issuer centred over it
        for text, right in ((report.issuer, max(0.0, 4 + (_char_width(date) - _char_width(report.issuer)) / 2)),
                            (date, 4)):
            paragraph = add(style=signature)
            write(paragraph, text)
            paragraph.paragraph_format.right_indent = Pt(SIZE_3 * right)
            paragraph.paragraph_format.keep_with_next = text == report.issuer
    _page_number_footer(section)
    _declare_fallbacks(document)

    stamp = dt.datetime.combine(report.as_of, dt.time())
    props = document.core_properties
    props.created = props.modified = stamp
    props.author = props.last_modified_by = "taizhang"
    props.language = "zh-CN"
    props.title = report.title
    props.revision = 1
    return fixed_members(document_members(document), stamp,
                         lambda name, data: runs.splice(data) if name == "word/document.xml" else data)


STYLE_IDS_ONCE = True   # False: python-docx looks each style up per paragraph (tests compare the two files)
QUICK_PARAGRAPHS = True  # False: every paragraph through document.add_paragraph (tests compare the two files)


def _paragraph_adder(document):
    """document.add_paragraph, with each style's id looked up once: python-docx
    looks it up for every paragraph, scanning all of the document's styles to
    find the default one each time (most of the report's cost at 1,000 records).
    The paragraph gets the same style id, so the file is the same.

    QUICK_PARAGRAPHS: an empty paragraph of a style seen before is a copy of the
    first one as python-docx made it (w:p, w:pPr, w:pStyle), put where CT_Body.add_p
    puts it (before the body's w:sectPr), instead of python-docx finding w:sectPr
    among the body's paragraphs and the place for w:pStyle each time."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.text.paragraph import Paragraph

    if not STYLE_IDS_ONCE:
        return lambda text="", style=None: document.add_paragraph(text, style=style)
    ids = {}
    made = {}           # style name -> its first empty paragraph's w:p, as python-docx made it
    body = document._body
    sect_pr = document.element.body.sectPr

    def add(text: str = "", style=None):
        name = None if style is None else style.name
        if QUICK_PARAGRAPHS and not text and name in made:
            p = made[name].__copy__()
            if sect_pr is None:
                document.element.body.append(p)
            else:
                sect_pr.addprevious(p)               # what CT_Body.add_p does
            return Paragraph(p, body)
        paragraph = document.add_paragraph(text)
        if style is not None:
            if name not in ids:
                ids[name] = document.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
            paragraph._p.style = ids[name]   # what Paragraph.style's setter does with the id
        if not text:
            made[name] = paragraph._p.__copy__()
        return paragraph

    return add


def _char_width(text: str) -> float:
    """Width in Chinese characters: digits and Latin letters count half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)
