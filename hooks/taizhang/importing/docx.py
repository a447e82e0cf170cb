"""A Word (.docx) rectification plan → paragraphs and task tables.

Paragraph text is read with the number Word displays in front of it
(automatic numbering from numbering.xml: 一、 （一） 1. …), and headings
styled 标题 1/2/3 (Heading 1/2/3, or an outline level) without any number get
the marker of their level, so the outline reader sees what a reader of the
document sees. Tables whose header names a problem or measure column are
task tables and are read like an Excel ledger (table.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from taizhang.importing.model import ImportError_, TextBudget, Understood, cn_number, guard_zip, office_error
from taizhang.importing.outline import clean, round_title, style_of, understand
from taizhang.importing.table import TableReader, find_header

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
HEADING_MARKERS = {1: lambda n: f"{cn_number(n)}、", 2: lambda n: f"（{cn_number(n)}）",
                   3: lambda n: f"{n}.", 4: lambda n: f"（{n}）"}


def _roman(n: int) -> str:
    out = ""
    for value, mark in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + mark, n - value
    return out


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographTraditional",
               "taiwaneseCounting", "taiwaneseCountingThousand", "japaneseCounting", "koreanCounting"):
        return cn_number(n)
    if fmt == "ideographDigital":
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return CIRCLED[n - 1] if 0 < n <= len(CIRCLED) else str(n)
    if fmt in ("upperLetter", "lowerLetter"):
        letter = LETTERS[(n - 1) % 26] * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


def _val(element, tag: str, default=None):
    found = element.find(f"{W}{tag}") if element is not None else None
    return found.get(f"{W}val") if found is not None else default


class Numbering:
    """Counts Word's automatic numbering as Word displays it."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}   # abstractNumId -> ilvl -> (fmt, text, start)
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}          # numId -> (abstractNumId, start overrides)
        self.counters: dict[str, list[int]] = {}
        self.restarted: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for abstract in root.findall(f"{W}abstractNum"):
            levels = {}
            for lvl in abstract.findall(f"{W}lvl"):
                levels[int(lvl.get(f"{W}ilvl", "0"))] = (
                    _val(lvl, "numFmt", "decimal"), _val(lvl, "lvlText", ""), int(_val(lvl, "start", "1") or 1))
            self.levels[abstract.get(f"{W}abstractNumId")] = levels
        for num in root.findall(f"{W}num"):
            overrides = {}
            for override in num.findall(f"{W}lvlOverride"):
                start = _val(override, "startOverride")
                if start is not None:
                    overrides[int(override.get(f"{W}ilvl", "0"))] = int(start)
            self.nums[num.get(f"{W}numId")] = (_val(num, "abstractNumId"), overrides)

    def label(self, num_id: str | None, ilvl: int) -> str:
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abstract, overrides = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract, [None] * 9)
        if overrides and num_id not in self.restarted:
            self.restarted.add(num_id)
            for level, start in overrides.items():
                if level < len(counters):
                    counters[level] = start - 1
        fmt, text, start = levels[ilvl]
        counters[ilvl] = (counters[ilvl] if counters[ilvl] is not None else start - 1) + 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = None
        if fmt == "bullet":
            return ""

        def number(match):
            level = int(match.group(1)) - 1
            lvl_fmt, _, lvl_start = levels.get(level, ("decimal", "", 1))
            value = counters[level] if level < len(counters) and counters[level] is not None else lvl_start
            return format_number(value, fmt if level == ilvl else lvl_fmt)

        return re.sub(r"%(\d)", number, text or "")


def _num_pr(paragraph) -> tuple[str | None, int]:
    """numId and level of a paragraph, directly or through its style."""
    p_pr = paragraph._p.pPr
    num_pr = p_pr.find(f"{W}numPr") if p_pr is not None else None
    style = paragraph.style
    while num_pr is None and style is not None:
        s_pr = style.element.find(f"{W}pPr")
        num_pr = s_pr.find(f"{W}numPr") if s_pr is not None else None
        style = style.base_style
    if num_pr is None:
        return None, 0
    return _val(num_pr, "numId"), int(_val(num_pr, "ilvl", "0") or 0)


def _heading_level(paragraph) -> int | None:
    style = paragraph.style
    while style is not None:
        match = re.match(r"^(?:heading|标题)\s*(\d)$", (style.name or "").strip(), re.IGNORECASE)
        if match:
            return int(match.group(1))
        s_pr = style.element.find(f"{W}pPr")
        level = _val(s_pr, "outlineLvl")
        if level is not None and level.isdigit() and int(level) < 9:
            return int(level) + 1
        style = style.base_style
    p_pr = paragraph._p.pPr
    level = _val(p_pr, "outlineLvl")
    return int(level) + 1 if level is not None and level.isdigit() and int(level) < 9 else None


def read_docx(path: Path, budget=None):
    """(paragraph texts with their displayed numbers, tables as grids)."""
    guard_zip(path, "Word（.docx）")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    take = budget.take if budget is not None else (lambda text, where: text)
    try:
        document = docx.Document(str(path))
        numbering = Numbering(document)
        paragraphs, tables = [], []
        headings = [0] * 5
        for child in document.element.body.iterchildren():
            if child.tag == f"{W}tbl":
                table = Table(child, document)
                number = len(tables) + 1
                tables.append([[take(cell.text.strip(), f"第 {number} 个表格第 {r} 行") for cell in row.cells]
                               for r, row in enumerate(table.rows, start=1)])
                continue
            if child.tag != f"{W}p":
                continue
            paragraph = Paragraph(child, document)
            text = paragraph.text.strip()
            if not text:
                continue
            number = numbering.label(*_num_pr(paragraph))
            level = _heading_level(paragraph)
            if number:
                text = number + text
            elif level and level in HEADING_MARKERS and style_of(text) is None:
                headings[level] += 1
                headings[level + 1:] = [0] * (len(headings) - level - 1)
                text = HEADING_MARKERS[level](headings[level]) + text
            paragraphs.append(take(text, f"第 {len(paragraphs) + 1} 段"))
    except ImportError_:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds for a damaged file
        raise office_error(path, "Word（.docx）", exc) from None
    return paragraphs, tables


def understand_docx(path: Path, vocab, fallback_title: str) -> Understood:
    rules = vocab.import_rules
    paragraphs, tables = read_docx(path, TextBudget(rules, path.name))
    cleaned = clean("\n".join(paragraphs), list(rules["noise"]))
    outline = understand(cleaned, rules, fallback_title)
    task_tables = [(grid, header) for grid in tables if (header := find_header(grid, vocab))]
    if not task_tables:
        return outline
    reader = TableReader(vocab, round_title(cleaned, outline.round_body, fallback_title))
    for index, (grid, header) in enumerate(task_tables, start=1):
        reader.read(grid, header, f"第 {index} 个表格中" if len(task_tables) > 1 else "表格中")
    result = reader.finish()
    result.round_body = outline.round_body
    if not result.causes and outline.causes:
        result.causes = outline.causes
    return result
