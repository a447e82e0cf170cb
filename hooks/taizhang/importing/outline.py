"""A rectification outline as text → draft records.

Stages: clean noise and rejoin lines broken mid-sentence → an outline tree
from numbering markers (一、 （一） 1. （1） 第一， 一是) → sections mapped to
kinds by their headings → problems, feedback quotes, causes and measures.
Text is kept verbatim; only numbering decides structure.

Nesting: an item whose numbering style is already open above it is a sibling
of that item (so 第二， follows 第一， however deep it is); the fixed styles
rank 一、 > （一） > 1. > （1）, so a level may be skipped (1、 or 第一，
directly under 二、); the floating styles 第一， and 一是 nest under whatever
they follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from taizhang.importing.model import CN, Draft, Understood, short_title

_N = rf"[{CN}]+"
# Line-start markers, each a numbering style (full-width or ASCII punctuation).
STYLES = [
    ("chapter", re.compile(rf"^{_N}\s*[、．.，,]")),
    ("section", re.compile(rf"^[（(]\s*{_N}\s*[）)]")),
    ("number", re.compile(r"^\d+\s*[.、．](?!\d)")),
    ("paren_number", re.compile(r"^(?:[（(]\s*\d+\s*[）)]|\d+[）)])")),
    ("ordinal", re.compile(rf"^第{_N}[，、,]")),
    ("enum", re.compile(rf"^{_N}是")),
]
RANK = {"chapter": 0, "section": 1, "number": 2, "paren_number": 3}   # others float
FLOATING = ("enum", "ordinal", "paren_number")   # also written inline, one after another
# 一是 / 第一， inside a paragraph, after a sentence break.
INLINE_ENUM = re.compile(rf"(?:(?<=[。；;！？：:])|(?<=^))\s*(?=(?:{_N}是|第{_N}[，、,]|[（(]\d+[）)]))")
# 十一届省委第三轮巡视: numerals bounded, or a run of 100,000 numerals is read
# from each of its positions (outline import took 59 s).
ROUND_NAME = re.compile(rf"(?:[{CN}]{{1,6}}|XX)届(?:省|市|区|县)委第(?:[{CN}]{{1,6}}|X)轮巡[视察]")
HEADING_MAX = 30   # a numbered line this short with no sentence mark is a heading
TITLE_LINE_MAX = 60
SENTENCE_END = "。！？；;：:”」）)…"
OPEN_QUOTES, CLOSE_QUOTES = "“「『\"", "”」』\""
QUOTES = set(OPEN_QUOTES + CLOSE_QUOTES)


@dataclass
class Node:
    style: str | None
    text: str
    children: list[Node] = field(default_factory=list)


def clean(text: str, noise: list[str]) -> list[str]:
    """Paragraphs: noise removed, lines broken mid-sentence (PDF copies) rejoined."""
    for pattern in noise:
        text = re.sub(pattern, "", text)
    lines = [l.strip().replace("\u3000", "") for l in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    paragraphs: list[str] = []
    for line in lines:
        if not line:
            if paragraphs and paragraphs[-1]:
                paragraphs.append("")
            continue
        starts_item = style_of(line) is not None
        previous = paragraphs[-1] if paragraphs else ""
        title = len(paragraphs) == 1 and title_line(previous) == previous    # the document's title line
        if previous and not starts_item and previous[-1] not in SENTENCE_END and not _is_heading(previous) \
                and not title:
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
    return [p for p in paragraphs if p]


def _is_heading(line: str) -> bool:
    return (len(line) <= HEADING_MAX and style_of(line) is not None
            and not any(mark in line for mark in "。；;！？"))


def style_of(paragraph: str) -> str | None:
    return next((name for name, rx in STYLES if rx.match(paragraph)), None)


def _closes(open_node: Node, style: str, stack: list[Node]) -> bool:
    """Whether a new item of `style` ends the open item `open_node`."""
    if open_node.style == style:
        return True
    if style not in RANK:
        return False                     # 第一， / 一是 nest under what they follow
    if open_node.style in RANK:
        return RANK[open_node.style] >= RANK[style]
    # A floating item ends when a fixed item at or above its fixed parent's rank comes.
    fixed = next((n for n in reversed(stack) if n.style in RANK), None)
    return fixed is None or RANK[fixed.style] >= RANK[style]


def outline(paragraphs: list[str]) -> Node:
    """A tree from numbering; plain paragraphs join the item above them."""
    root = Node(None, "")
    stack: list[Node] = [root]
    for paragraph in _split_runs(paragraphs):
        style = style_of(paragraph)
        if style is None:
            target = stack[-1]
            target.text = f"{target.text}\n{paragraph}" if target.text else paragraph
            continue
        if any(n.style == style for n in stack):
            while stack[-1].style != style:
                stack.pop()
            stack.pop()
        while len(stack) > 1 and _closes(stack[-1], style, stack[:-1]):
            stack.pop()
        node = Node(style, paragraph)
        stack[-1].children.append(node)
        stack.append(node)
    _split_inline(root)
    return root


def _split_runs(paragraphs: list[str]):
    """“一是……。二是……。” as one paragraph: each item on its own, as siblings."""
    for paragraph in paragraphs:
        style = style_of(paragraph)
        parts = [p.strip() for p in INLINE_ENUM.split(paragraph) if p.strip()] if style in FLOATING else [paragraph]
        if len(parts) > 1 and all(style_of(p) == style for p in parts):
            yield from parts
        else:
            yield paragraph


def _split_inline(node: Node) -> None:
    for child in node.children:
        _split_inline(child)
    if node.children or node.style is None:
        return
    parts = [p for p in INLINE_ENUM.split(node.text) if p]
    if len(parts) >= 3 or (len(parts) == 2 and style_of(parts[0].strip()) is None):
        head, items = parts[0], parts[1:]
        if style_of(head.strip()) in ("enum", "ordinal", "paren_number") and len(parts) >= 2:
            return
        node.text = head.strip()
        node.children = [Node("enum", item.strip()) for item in items]


# -- meaning -------------------------------------------------------------------

def strip_marker(text: str) -> str:
    for _, rx in STYLES:
        text = rx.sub("", text, count=1)
    return text.strip()


def heading_of(text: str) -> str:
    """The heading of an item: after its marker, up to the first 。"""
    return re.split(r"[。；;]", strip_marker(text.split("\n")[0]), maxsplit=1)[0].strip()


def title_of(text: str) -> str:
    return heading_of(text).rstrip("：:，,")


def kind_of_section(heading: str, rules) -> str | None:
    for kind, words in rules["sections"].items():
        if any(w in heading for w in words):
            return kind
    return None


def feedback_quotes(text: str, rules) -> list[str]:
    """Quoted feedback introduced by 巡视反馈 etc.; runs like “A”B“C” give A, B, C."""
    introducers = sorted(rules["introducers"], key=len, reverse=True)
    prose = tuple(rules["prose_after_quote"])
    found, pos = [], 0
    pattern = re.compile("|".join(map(re.escape, introducers)))
    while (match := pattern.search(text, pos)):
        i = match.end()
        while i < len(text) and text[i] in "：: ":
            i += 1
        if i >= len(text) or text[i] not in OPEN_QUOTES:
            pos = match.end()
            continue
        i += 1
        while True:
            end = next((j for j in range(i, len(text)) if text[j] in QUOTES), None)
            if end is None:
                break
            segment = text[i:end]
            if segment.strip():
                found.append(segment)
            i = end + 1
            # Read in place: a slice of the rest per quote made a run of quotes quadratic.
            if i >= len(text) or text[i] in "，。；,.;：:、" or text.startswith(prose, i) or text[i] in QUOTES:
                break
            nxt = next((j for j in range(i, len(text)) if text[j] in QUOTES), None)
            if nxt is None or any(ch in text[i:nxt] for ch in "。；"):
                break
        pos = i
    return found


def round_title(paragraphs: list[str], preface: str, fallback: str) -> str:
    """A round named in the text (十一届省委第三轮巡视) > the title line > XX届 names > the file name."""
    whole = "\n".join(paragraphs)
    names = ROUND_NAME.findall(whole)
    real = [n for n in names if "X" not in n]
    if real:
        return real[0]
    line = title_line(preface)
    return line or (names[0] if names else fallback)


def title_line(preface: str) -> str | None:
    first = preface.split("\n", 1)[0].strip() if preface else ""
    if first and len(first) <= TITLE_LINE_MAX and not any(mark in first for mark in "。；;！？"):
        return first
    return None


def understand(paragraphs: list[str], rules, fallback_title: str) -> Understood:
    tree = outline(paragraphs)
    preface = tree.text
    result = Understood(round_title(paragraphs, preface, fallback_title), round_body=preface)
    for chapter in tree.children:
        kind = kind_of_section(heading_of(chapter.text), rules)
        if kind == "problem":
            _problems(chapter, rules, result)
        elif kind == "cause":
            result.causes += [Draft("cause", title_of(c.text), c.text) for c in chapter.children or [chapter]]
        elif kind == "measure":
            _measures(chapter, result)
    return result


def _problems(chapter: Node, rules, result: Understood) -> None:
    grouped = any(c.children for c in chapter.children)
    groups = chapter.children if grouped else [Node(None, chapter.text, chapter.children)]
    for group in groups:
        name = re.sub(r"方面$", "", heading_of(group.text)) or "未分方面"
        ordinal = result.add_area(_ordinal(group.text), name)
        declaration = any(w in name for w in rules["declarations"])
        for item in group.children or [group]:
            draft = Draft("problem", title_of(item.text), item.text, area=ordinal,
                          nature="declaration" if declaration else None)
            if not declaration:
                for quote in feedback_quotes(item.text, rules):
                    result.feedback.append(Draft("feedback", short_title(quote), "", area=ordinal, quote=quote))
                    draft.feedback.append(len(result.feedback) - 1)
            result.problems.append(draft)


def _measures(chapter: Node, result: Understood) -> None:
    for group in chapter.children or [chapter]:
        for item in group.children or [group]:
            body = item.text if item is group else f"**{group.text.split(chr(10))[0]}**\n\n{item.text}"
            result.measures.append(Draft("measure", title_of(item.text), body))


def _ordinal(text: str) -> str | None:
    match = re.match(rf"^[（(]?\s*({_N})\s*[）)、．.，,]", text)
    return match.group(1) if match else None
