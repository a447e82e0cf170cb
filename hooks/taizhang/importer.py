"""`taizhang import FILE`: a rectification outline (.docx, .txt, .md) into
draft records.

Stages: read the text → clean noise and rejoin lines broken mid-sentence →
an outline tree from numbering markers (一、 （一） 1. （1） 第一， 一是) →
sections mapped to kinds by their headings → problems, feedback quotes,
causes and measures → draft records, written into a new folder in one
rename. Text is kept verbatim; only numbering decides structure.
"""

from __future__ import annotations

from taizhang.errors import TaizhangError

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from taizhang.project import RECORDS_DIR, Analysis
from taizhang.scaffold import highest_numbers, render_front_matter

CN = "一二三四五六七八九十"
# Line-start markers, each a numbering style; levels follow first appearance.
STYLES = [
    ("chapter", re.compile(rf"^[{CN}]+[、．.]")),
    ("section", re.compile(rf"^[（(][{CN}]+[）)]")),
    ("number", re.compile(r"^\d+[.、．](?!\d)")),
    ("paren_number", re.compile(r"^[（(]\d+[）)]")),
    ("ordinal", re.compile(rf"^第[{CN}]+[，、,]")),
    ("enum", re.compile(rf"^[{CN}]是")),
]
# 一是 / 第一， inside a paragraph, after a sentence break.
INLINE_ENUM = re.compile(rf"(?:(?<=[。；;！？：:])|(?<=^))\s*(?=(?:[{CN}]是|第[{CN}]+[，、,]|[（(]\d+[）)]))")
HEADING_MAX = 30   # a numbered line this short with no sentence mark is a heading
SENTENCE_END = "。！？；;：:”」）)…"
OPEN_QUOTES, CLOSE_QUOTES = "“「『\"", "”」』\""
QUOTES = set(OPEN_QUOTES + CLOSE_QUOTES)


class ImportError_(TaizhangError):
    """The file cannot be read or understood; the message says why."""

    exit_code = 1


@dataclass
class Node:
    style: str | None
    text: str
    children: list["Node"] = field(default_factory=list)


# -- reading -----------------------------------------------------------------

def read_text(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        import docx
        try:
            document = docx.Document(str(path))
        except Exception as exc:  # python-docx raises several kinds for a bad file
            raise ImportError_(f"{path.name} 不是有效的 Word（.docx）文件：{exc}") from None
        return "\n".join(p.text for p in document.paragraphs)
    if suffix not in (".txt", ".md", ".markdown", ".text"):
        raise ImportError_(f"不支持 {suffix or '无扩展名'} 文件：请用 .docx、.txt 或 .md（.doc 请先另存为 .docx）")
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportError_(f"{path.name} 不是 UTF-8 或 GBK 编码的文本")
    if suffix in (".md", ".markdown"):
        text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.MULTILINE)
    return text


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
        starts_item = any(rx.match(line) for _, rx in STYLES)
        previous = paragraphs[-1] if paragraphs else ""
        if previous and not starts_item and previous[-1] not in SENTENCE_END and not _is_heading(previous):
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
    return [p for p in paragraphs if p]


def _is_heading(line: str) -> bool:
    return (len(line) <= HEADING_MAX and any(rx.match(line) for _, rx in STYLES)
            and not any(mark in line for mark in "。；;！？"))


# -- outline -------------------------------------------------------------------

def style_of(paragraph: str) -> str | None:
    return next((name for name, rx in STYLES if rx.match(paragraph)), None)


def outline(paragraphs: list[str]) -> Node:
    """A tree from numbering; plain paragraphs join the item above them."""
    root = Node(None, "")
    order: list[str] = []
    stack: list[Node] = [root]
    for paragraph in paragraphs:
        style = style_of(paragraph)
        if style is None:
            target = stack[-1]
            target.text = f"{target.text}\n{paragraph}" if target.text else paragraph
            continue
        if style not in order:
            order.append(style)
        level = order.index(style) + 1
        while len(stack) > level or (len(stack) > 1 and order.index(stack[-1].style) >= level - 1
                                     and len(stack) - 1 >= level):
            stack.pop()
        node = Node(style, paragraph)
        stack[-1].children.append(node)
        stack.append(node)
    _split_inline(root)
    return root


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

def heading_of(text: str) -> str:
    """The heading of an item: after its marker, up to the first 。"""
    first = text.split("\n")[0]
    for _, rx in STYLES:
        first = rx.sub("", first, count=1)
    return re.split(r"[。；;]", first, maxsplit=1)[0].strip()


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
            rest = text[i:]
            if not rest or rest[0] in "，。；,.;：:、" or rest.startswith(prose) or rest[0] in QUOTES:
                break
            nxt = next((j for j in range(i, len(text)) if text[j] in QUOTES), None)
            if nxt is None or any(ch in text[i:nxt] for ch in "。；"):
                break
        pos = i
    return found


@dataclass
class Draft:
    kind: str
    title: str
    body: str
    area: str | None = None
    quote: str | None = None
    nature: str | None = None
    feedback: list[int] = field(default_factory=list)   # indexes into feedback drafts
    record_id: str = ""


@dataclass
class Understood:
    round_title: str
    areas: list[tuple[str, str]]
    feedback: list[Draft]
    problems: list[Draft]
    causes: list[Draft]
    measures: list[Draft]


def understand(paragraphs: list[str], rules, fallback_title: str) -> Understood:
    tree = outline(paragraphs)
    whole = "\n".join(paragraphs)
    names = re.findall(rf"(?:[{CN}]+|XX)届(?:省|市|区|县)委第(?:[{CN}]+|X)轮巡[视察]", whole)
    named = [n for n in names if "X" not in n] or names       # prefer a real name to “XX届”
    result = Understood(named[0] if named else fallback_title, [], [], [], [], [])
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
    groups = chapter.children if any(c.children for c in chapter.children) else [Node(None, chapter.text, chapter.children)]
    for group in groups:
        ordinal = _ordinal(group.text) or CN[len(result.areas)] if len(result.areas) < 10 else str(len(result.areas) + 1)
        name = re.sub(r"方面$", "", heading_of(group.text)) or "未分方面"
        result.areas.append((ordinal, name))
        declaration = any(w in name for w in rules["declarations"])
        for item in group.children or [group]:
            draft = Draft("problem", title_of(item.text), item.text, area=ordinal,
                          nature="declaration" if declaration else None)
            if not declaration:
                for quote in feedback_quotes(item.text, rules):
                    result.feedback.append(Draft("feedback", _short(quote), "", area=ordinal, quote=quote))
                    draft.feedback.append(len(result.feedback) - 1)
            result.problems.append(draft)


def _measures(chapter: Node, result: Understood) -> None:
    for group in chapter.children or [chapter]:
        for item in group.children or [group]:
            body = item.text if item is group else f"**{group.text.split(chr(10))[0]}**\n\n{item.text}"
            result.measures.append(Draft("measure", title_of(item.text), body))


def _ordinal(text: str) -> str | None:
    match = re.match(rf"^[（(]?([{CN}]+)[）)、．.]", text)
    return match.group(1) if match else None


def _short(quote: str) -> str:
    return quote if len(quote) <= 30 else re.split(r"[，。；]", quote)[0]


# -- writing -------------------------------------------------------------------

def assign_ids(analysis: Analysis, understood: Understood) -> str:
    vocab = analysis.vocab
    used = highest_numbers(analysis)

    def take(kind: str) -> str:
        prefix = vocab.kinds[kind].prefix
        used[prefix] = used.get(prefix, 0) + 1
        return f"{prefix}-{used[prefix]:03d}"

    round_id = take("round")
    for draft in understood.feedback + understood.problems + understood.causes + understood.measures:
        draft.record_id = take(draft.kind)
    return round_id


def record_texts(analysis: Analysis, understood: Understood, round_id: str, source: str) -> dict[str, str]:
    vocab = analysis.vocab
    folder = {k: v.folder for k, v in vocab.kinds.items()}
    texts = {f"{folder['round']}/{round_id}.md": render_front_matter(vocab, "round", {
        "id": round_id, "kind": vocab.kind_label("round"), "title": understood.round_title,
        "phase": vocab.label("phases", "concentrated"), "areas": dict(understood.areas), "draft": "是",
    }) + (f"\n由 taizhang import 从 {source} 导入。请补全{vocab.key('team')}、{vocab.key('inspected')}、"
          f"{vocab.key('feedback_date')}和{vocab.phrase('deadline_of_round')}。\n")}
    for draft in understood.feedback + understood.problems + understood.causes + understood.measures:
        values = {"id": draft.record_id, "kind": vocab.kind_label(draft.kind), "title": draft.title,
                  "round": round_id, "draft": "是"}
        if draft.kind in ("feedback", "problem"):
            values["area"] = draft.area
        if draft.kind == "feedback":
            values["quote"] = draft.quote
        if draft.nature:
            values["nature"] = vocab.label("natures", draft.nature)
        if draft.feedback:
            values["feedback"] = [understood.feedback[i].record_id for i in draft.feedback]
        if draft.kind == "measure":
            values["status"] = vocab.label("statuses", "not_started")
        body = draft.body or f"从 {source} 导入的反馈意见原文见“{vocab.key('quote')}”。"
        texts[f"{folder[draft.kind]}/{draft.record_id}.md"] = render_front_matter(vocab, draft.kind, values) + "\n" + body + "\n"
    return texts


def describe(understood: Understood) -> str:
    lines = [f"巡视轮次：{understood.round_title}（草稿）"]
    by_area: dict[str, list[Draft]] = {}
    for p in understood.problems:
        by_area.setdefault(p.area, []).append(p)
    lines.append(f"查摆问题：{len(understood.areas)} 个方面，{len(understood.problems)} 项")
    for ordinal, name in understood.areas:
        lines.append(f"  （{ordinal}）{name}")
        for p in by_area.get(ordinal, []):
            mark = "［说明事项］" if p.nature else ""
            lines.append(f"    {p.record_id} {mark}{p.title}")
            for i in p.feedback:
                f = understood.feedback[i]
                lines.append(f"      反馈 {f.record_id}：“{f.quote}”")
    lines.append(f"原因剖析：{len(understood.causes)} 条")
    lines += [f"  {c.record_id} {c.title}" for c in understood.causes]
    lines.append(f"整改措施：{len(understood.measures)} 项")
    lines += [f"  {m.record_id} {m.title}" for m in understood.measures]
    lines.append(f"反馈问题：{len(understood.feedback)} 条")
    return "\n".join(lines) + "\n"


def write_all(records_dir: Path, folder_name: str, texts: dict[str, str]) -> Path:
    """All files into a temp folder, then one rename: all or nothing, never over anything."""
    target = records_dir / folder_name
    if target.exists():
        raise ImportError_(f"{target} 已存在：不会覆盖。换一个 --folder，或先移走它")
    records_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".taizhang-import-", dir=records_dir))
    try:
        for rel, text in texts.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target


def import_outline(analysis: Analysis, path: Path, folder: str | None = None, dry_run: bool = False):
    rules = analysis.vocab.import_rules
    paragraphs = clean(read_text(path), list(rules["noise"]))
    understood = understand(paragraphs, rules, path.stem)
    if not understood.problems and not understood.measures:
        raise ImportError_(f"没有在 {path.name} 中找到“查摆问题”或“整改措施”部分：标题应形如“一、查摆出来的问题”")
    round_id = assign_ids(analysis, understood)
    if dry_run:
        return describe(understood), None
    texts = record_texts(analysis, understood, round_id, path.name)
    name = folder or f"import-{re.sub(r'[^0-9A-Za-z_-]+', '-', path.stem).strip('-') or 'outline'}"
    return describe(understood), write_all(analysis.root / RECORDS_DIR, name, texts)
