"""Files → raw records: decoding, front-matter split, YAML with line numbers.

MkDocs turns broken front matter into `{}` silently, so records are parsed
here, keeping the file line of every key and list item for the checker.
Nothing here writes to disk.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable

from taizhang.fsutil import READ_FLAGS
from taizhang.problems import Reporter

FENCE = "---"
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class RawRecord:
    """A record file whose front matter parsed; values are plain Python."""

    path: str                      # posix path relative to the project root
    data: dict
    lines: dict = field(repr=False)  # key path tuple -> 1-based file line
    body: str = ""
    body_line: int = 1

    def line(self, *keys, default: int = 1) -> int:
        return self.lines.get(tuple(keys), default)


# PyYAML's implicit resolvers (yaml/resolver.py), in its order, without the
# timestamp one: dates stay text, so the checker parses them itself. The usual
# front matter is read without PyYAML (see _plain_block), and this table is how
# that reader knows a plain value is text; PyYAML itself (a sixth of what
# `taizhang check` costs on 1,000 records, to import) is imported only for the
# front matter that needs the full parser. tests/test_load_fast.py checks the
# table equals PyYAML's, pattern for pattern.
_RESOLVER_TABLE = (
    ("tag:yaml.org,2002:bool", r'''^(?:yes|Yes|YES|no|No|NO
                    |true|True|TRUE|false|False|FALSE
                    |on|On|ON|off|Off|OFF)$''', re.X, "yYnNtTfFoO"),
    ("tag:yaml.org,2002:float", r'''^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$''', re.X, "-+0123456789."),
    ("tag:yaml.org,2002:int", r'''^(?:[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+
                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$''', re.X, "-+0123456789"),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", 0, "<"),
    ("tag:yaml.org,2002:null", r'''^(?: ~
                    |null|Null|NULL
                    | )$''', re.X, ("~", "n", "N", "")),
    ("tag:yaml.org,2002:value", r"^(?:=)$", 0, "="),
    ("tag:yaml.org,2002:yaml", r"^(?:!|&|\*)$", 0, "!&*"),
)


def _resolver_table() -> dict:
    """{first character: [(tag, regexp), …]}, as Resolver.add_implicit_resolver builds it."""
    table: dict = {}
    for tag, pattern, flags, firsts in _RESOLVER_TABLE:
        regexp = re.compile(pattern, flags)
        for first in firsts:
            table.setdefault(first, []).append((tag, regexp))
    return table


_LOADER: list = []


def _full_loader():
    """(yaml, SafeLoader keeping dates as text), imported on first need. libyaml's
    parser when PyYAML has it (as python-frontmatter uses): the same nodes and
    marks, several times faster than the pure-Python one."""
    if not _LOADER:
        import yaml

        class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            """SafeLoader that keeps dates as text, so the checker parses them itself."""

        _Loader.yaml_implicit_resolvers = _resolver_table()
        _LOADER.extend((yaml, _Loader))
    return _LOADER


class _AliasFound(Exception):
    def __init__(self, line: int):
        self.line = line


def _ignored(name: str) -> bool:
    """Dot-files and dot-folders (.git, .taizhang-*.tmp left by a killed run,
    editor swap files) and editor backups are never ledger content."""
    return name.startswith((".", "~")) or name.endswith(("~", ".tmp"))


def is_record_name(name: str) -> bool:
    return name.lower().endswith(".md") and not _ignored(name)   # CS-003.MD is a record too


def scan_records(records_dir: Path) -> tuple[list[Path], list[Path], list[tuple[Path, str]]]:
    """(record files, symlinks, unreadable folders) under records/, in a stable order.

    Symlinks (to files or folders) are never followed: a record must be a
    file of this repository, not a door to one outside it."""
    found, links, unreadable = _scan(str(records_dir))
    return [Path(f) for f in found], [Path(f) for f in links], [(Path(f), reason) for f, reason in unreadable]


def _path_order(path: str) -> list[str]:
    """Sort key: the order of the paths as Path objects (part by part), without making them."""
    return path.split(os.sep)


def _scan(records_dir: str) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """scan_records on path strings: a Path per file costs more than reading it.
    DirEntry answers from the directory listing, so there is no stat per file."""
    found, links, unreadable = [], [], []
    stack = [records_dir]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            unreadable.append((folder, exc.strerror or str(exc)))
            continue
        for entry in entries:
            name = entry.name
            if _ignored(name):
                continue
            if entry.is_symlink():
                if is_record_name(name) or entry.is_dir():
                    links.append(entry.path)
            elif entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif is_record_name(name) and entry.is_file(follow_symlinks=False):
                found.append(entry.path)
    return (sorted(found, key=_path_order), sorted(links, key=_path_order),
            sorted(unreadable, key=lambda item: (_path_order(item[0]), item[1])))


def record_files(records_dir: Path) -> list[Path]:
    """Every record file under records/ (no symlinks, no hidden or temp files)."""
    return scan_records(records_dir)[0]


def record_paths(project_root: Path, records_dir: Path, reporter: Reporter) -> list[tuple[str, str]]:
    """(file, project-relative posix path) of each record; symlinks and
    unreadable folders are reported, not read."""
    top = str(records_dir)
    if os.path.islink(top):    # records/ itself a link: the whole ledger would come from elsewhere
        reporter.add("record-symlink", os.path.basename(top), 1, target=os.readlink(top))
        return []
    files, links, unreadable = _scan(top)
    # Paths relative to the project, by string slicing: relative_to per file costs more than parsing.
    base = records_dir.resolve().relative_to(project_root.resolve()).as_posix() + "/"
    cut = len(top) + 1

    def rel(path: str) -> str:
        return base + path[cut:].replace(os.sep, "/")

    for link in links:
        reporter.add("record-symlink", rel(link), 1, target=os.readlink(link))
    for folder, reason in unreadable:
        reporter.add("unreadable", rel(folder) if folder != top else base.rstrip("/"), 1, reason=reason)
    paths = [(path, rel(path)) for path in files]
    for _, name in paths:
        if BIDI_CHARS.search(name):
            reporter.add("bidi-name", bidi_shown(name), 1, what="文件名", value=bidi_shown(name), chars=bidi_names(name))
    return [(path, name) for path, name in paths if not BIDI_CHARS.search(name)]


def read_record(path: Path | str, rel: str, reporter: Reporter) -> bytes | None:
    try:
        return read_bytes(path)
    except OSError as exc:
        reporter.add("unreadable", rel, 1, reason=exc.strerror or str(exc))
        return None


def read_bytes(path: Path | str) -> bytes:
    """The file's bytes, as open(path, "rb").read() gives them, without the buffered
    file object (a third of the cost of reading a record: 13 -> 8.5 µs)."""
    if not QUICK_READ:
        with open(path, "rb") as file:
            return file.read()
    fd = os.open(path, READ_FLAGS)
    try:
        size = os.fstat(fd).st_size
        data = os.read(fd, size + 1)   # one read for a file as big as it says, one more byte to see its end
        if len(data) == size or not data:
            return data
        return data + _read_rest(fd)   # it grew meanwhile, or the read was short
    finally:
        os.close(fd)


def _read_rest(fd: int) -> bytes:
    parts = []
    while chunk := os.read(fd, 1 << 16):
        parts.append(chunk)
    return b"".join(parts)


QUICK_READ = True   # False: open(path, "rb").read() (tests compare)


def load_tree(project_root: Path, records_dir: Path, reporter: Reporter,
              known_keys: Iterable[str] = ()) -> list[RawRecord]:
    keys = set(known_keys)
    return [
        raw for path, rel in record_paths(project_root, records_dir, reporter)
        if (data := read_record(path, rel, reporter)) is not None
        and (raw := parse_bytes(data, rel, reporter, keys))
    ]


def parse_bytes(data: bytes, rel: str, reporter: Reporter, known_keys: Iterable[str] = ()) -> RawRecord | None:
    decoded = _decode(data, rel, reporter)
    if decoded is None:
        return None
    return _parse(*decoded, rel, reporter, known_keys)


# -- decoding --------------------------------------------------------------

def decode(data: bytes, rel: str, reporter: Reporter) -> str | None:
    """UTF-8 (with or without BOM) → text; anything else → a problem."""
    decoded = _decode(data, rel, reporter)
    return None if decoded is None else decoded[0]


def _decode(data: bytes, rel: str, reporter: Reporter) -> tuple[str, bool] | None:
    """(text, whether plain_text(text) holds), or None after reporting the problem."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        reporter.add("not-utf8", rel, 1, guess="，看起来是 UTF-16 编码", encoding="UTF-16")
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    utf16 = _bomless_utf16(data)
    if utf16:
        reporter.add("not-utf8", rel, 1, guess=f"，看起来是不带 BOM 的 {utf16} 编码", encoding=utf16)
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if b"\x00" in data:
            reporter.add("binary-file", rel, 1)  # a binary file has no meaningful line
        elif _looks_like_gb18030(data):
            reporter.add("not-utf8", rel, line, guess="，看起来是 GBK/GB18030 编码", encoding="GB18030")
        else:
            reporter.add("not-utf8", rel, line, guess="", encoding="GB18030")
        return None
    plain = plain_text(text)
    if not plain and ("\x00" in text or (_CONTROL.search(text) and _control_ratio(text) > 0.1)):
        reporter.add("binary-file", rel, 1)
        return None
    # CRLF and lone CR are accepted: normalise once, here (a CR is never plain text).
    return (text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text), plain


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: a record starts with `---`, which
    UTF-16 writes with a zero byte after (LE) or before (BE) each dash."""
    if b"\x00" not in data[:8]:
        return None
    for codec, name in (("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")):
        head = data[:64]
        try:
            text = head[: len(head) // 2 * 2].decode(codec)
        except UnicodeDecodeError:
            continue
        if text.lstrip("\ufeff").startswith("---"):
            return name
    return None


def _looks_like_gb18030(data: bytes) -> bool:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return _control_ratio(text) == 0


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _control_ratio(text: str) -> float:
    """Share of control characters other than line ends, tab and form feed."""
    if not text:
        return 0.0
    return len(_CONTROL.findall(text)) / len(text)


# -- front matter ----------------------------------------------------------

_FULLWIDTH_KEY = re.compile(r"^\s*(?:-\s+)?([^\s:：'\"#\-][^:：]*?)\s*：\s*(.*)$")


# C0 controls except tab and line ends, DEL, and the two non-characters XML
# refuses: they break Excel, Word (XML) and YAML, and are invisible.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


# Bidirectional embedding, override and isolate controls: invisible, they
# reorder the text around them, so what a reviewer reads is not what is
# written ("Trojan Source"). Refused in names (ids, file names), flagged in text.
BIDI_CHARS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def bidi_names(text: str) -> str:
    """The bidirectional controls in `text`, as U+XXXX, for a message."""
    return "、".join(dict.fromkeys(f"U+{ord(c):04X}" for c in BIDI_CHARS.findall(text)))


def bidi_shown(text: str) -> str:
    """`text` with each bidirectional control made visible (never echoed raw)."""
    return BIDI_CHARS.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)


def flag_bidi(text: str, rel: str, reporter: Reporter) -> None:
    """A warning on each line holding bidirectional controls (the text is kept)."""
    if not BIDI_CHARS.search(text):
        return
    for number, line in enumerate(text.split("\n"), start=1):
        found = BIDI_CHARS.search(line)
        if found:
            reporter.add("bidi-char", rel, number, chars=bidi_names(line), column=found.start() + 1)


def strip_control(text: str, rel: str, reporter: Reporter) -> str:
    """Report each line holding control characters, then drop them, so no
    later stage (YAML, xlsx, docx, page meta) ever sees one, even with the rule off."""
    if not CONTROL_CHARS.search(text):
        return text
    for number, line in enumerate(text.split("\n"), start=1):
        found = CONTROL_CHARS.findall(line)
        if found:
            names = "、".join(dict.fromkeys(f"U+{ord(c):04X}" for c in found))
            column = CONTROL_CHARS.search(line).start() + 1
            reporter.add("control-char", rel, number, chars=names, column=column)
    return CONTROL_CHARS.sub("", text)


def plain_text(text: str) -> bool:
    """True when `text` holds no control character, bidirectional control or
    non-character (nothing strip_control, flag_bidi or the binary test look for):
    every one of those is a non-printable character to Python, so one C-speed
    pass answers for the usual record instead of three regular-expression scans.
    False only means "look closer" (tabs, CR, U+3000 are not printable either)."""
    return text.replace("\n", " ").isprintable()


def parse_text(text: str, rel: str, reporter: Reporter, known_keys: Iterable[str] = ()) -> RawRecord | None:
    return _parse(text, plain_text(text), rel, reporter, known_keys)


def _parse(text: str, plain: bool, rel: str, reporter: Reporter, known_keys: Iterable[str]) -> RawRecord | None:
    """parse_text, told whether plain_text(text) holds (decoding found out already)."""
    if not plain:
        text = strip_control(text, rel, reporter)
        flag_bidi(text, rel, reporter)
    if not text or text.isspace():
        reporter.add("empty-file", rel, 1)
        return None
    split = _split_front_matter(text)
    if split is None:
        reporter.add("front-matter-missing", rel, 1)
        return None
    fm_lines, body, block = split
    if body is None:
        reporter.add("front-matter-unterminated", rel, 1)
        return None
    keys = known_keys if isinstance(known_keys, (set, frozenset)) else set(known_keys)
    body_start = _prose_after_blank(fm_lines, keys)
    if body_start is not None:
        # No closing --- after the fields: the first `---` found was a rule in the body.
        reporter.add("front-matter-unterminated", rel, body_start)
        return None
    if not _prescan(fm_lines, rel, reporter, keys, block):
        return None
    # Plain text holds none of the characters that need the full YAML parser.
    parsed = _parse_yaml(block, fm_lines, rel, reporter, printable=plain)
    if parsed is None:
        return None
    data, key_lines = parsed
    if data is None:
        data = {}
    if not isinstance(data, dict):
        reporter.add("front-matter-not-mapping", rel, 2)
        return None
    return RawRecord(rel, data, key_lines, body, len(fm_lines) + 3)


# A closing fence: a line that is `---` or `...` but for trailing white space (as str.rstrip sees it),
# found with the line break before it (a pattern starting with a literal: three times quicker than ^ and
# re.MULTILINE, which tries every position).
_FENCE_END = re.compile(r"\n(?:---|\.\.\.)[^\S\n]*(?=\n|\Z)")


def _split_front_matter(text: str) -> tuple[list[str], str | None, str] | None:
    """(lines between the fences, body after the closing one or None when
    there is none, those lines as one text), or None when the first line is no
    fence. Only the front matter is cut into lines: the body is taken whole, as
    it was written."""
    newline = text.find("\n")
    if (text if newline < 0 else text[:newline]).rstrip() != FENCE:
        return None
    if newline < 0:
        return [], None, ""
    start = newline + 1
    end = _FENCE_END.search(text, newline)   # the opening fence's line break: the closing one may follow at once
    if end is None:
        return text[start:].split("\n"), None, text[start:]
    block = text[start:end.start()] if end.start() >= start else ""
    fm_lines = block.split("\n") if end.start() >= start else []
    after = text.find("\n", end.end())
    return fm_lines, ("" if after < 0 else text[after + 1:]), block


_YAML_LINE_START = tuple(" \t#-[{'\"&*!|>%@`?:,")
_KEY_LINE = re.compile(r"^[^\s#][^:]*:(?:\s|$)")


def _prose_after_blank(fm_lines: list[str], known_keys: set[str]) -> int | None:
    """File line of the blank line that ends the fields when body text
    follows it inside the front matter (never valid YAML: text at column 0
    after a blank line can only be a key)."""
    for index in range(1, len(fm_lines)):
        line = fm_lines[index]
        if fm_lines[index - 1].strip() or not line.strip() or line.startswith(_YAML_LINE_START):
            continue
        if _KEY_LINE.match(line):
            continue
        match = _FULLWIDTH_KEY.match(line)
        if match and match.group(1) in known_keys:
            continue
        return index + 1   # the blank line, counting the opening --- as line 1
    return None


def _prescan(fm_lines: list[str], rel: str, reporter: Reporter, known_keys: set[str], block: str) -> bool:
    """Catch what YAML would report obscurely: tabs, full-width colon/space.
    `block`: the lines as one text."""
    if "\t" not in block and "\u3000" not in block and "：" not in block:
        return True  # the usual case: nothing to look at line by line
    ok = True
    for number, line in enumerate(fm_lines, start=2):
        if "\t" in line:
            reporter.add("tab", rel, number)
            ok = False
        indent = line[: len(line) - len(line.lstrip(" \u3000"))]
        if "\u3000" in indent:
            reporter.add("fullwidth-space", rel, number)
            ok = False
        match = _FULLWIDTH_KEY.match(line)
        if match and match.group(1) in known_keys:
            reporter.add("fullwidth-colon", rel, number, key=match.group(1), value=match.group(2))
            ok = False
    return ok


def parse_yaml(source: str, rel: str, reporter: Reporter, first_line: int = 1):
    """A YAML document → (value, key_lines), or None after reporting why.

    Safe tags only, aliases refused (no bombs), nesting limited, every key
    and list item located at its file line (the document starts at `first_line`).
    Used for front matter and for taizhang.yml alike."""
    return _parse_yaml(source, source.split("\n"), rel, reporter, first_line)


MAX_DEPTH = 32   # nesting levels; a record needs 3, taizhang.yml 4


class _TooDeep(Exception):
    def __init__(self, line: int):
        self.line = line


def _parse_yaml(source: str, fm_lines: list[str], rel: str, reporter: Reporter, first_line: int = 2,
                printable: bool = False):
    """`printable`: plain_text() held for the file, so no character in it needs the full parser."""
    fast = _plain_block(source, fm_lines, first_line, printable)
    return fast if fast is not None else _parse_full(source, fm_lines, rel, reporter, first_line)


def _constructed(loader, node):
    """The scalar's value as PyYAML makes it; a value Python refuses (an integer of more
    than 4,300 digits: int()'s limit on text, a ValueError) is reported at its line."""
    try:
        return loader.construct_object(node)
    except ValueError:
        import yaml   # imported already by the loader (_full_loader)

        raise yaml.MarkedYAMLError(problem="数字太长，无法读作数字；请给这个值加上引号，作为文字",
                                   problem_mark=node.start_mark) from None


def _parse_full(source: str, fm_lines: list[str], rel: str, reporter: Reporter, first_line: int = 2):
    """Any YAML document, through libyaml's nodes: errors reported at their line."""
    yaml, loader_class = _full_loader()
    loader = loader_class(source)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        key_lines: dict = {}
        # Aliases reuse a node; only text with & or * can hold one, so only then look.
        seen = set() if ("&" in source or "*" in source) else None
        value = _convert(loader, node, (), key_lines, seen, rel, reporter, first_line)
        return value, key_lines
    except _AliasFound as exc:
        reporter.add("yaml-alias", rel, exc.line + first_line)
    except _TooDeep as exc:
        reporter.add("yaml-syntax", rel, exc.line + first_line, column=1,
                     detail=f"嵌套超过 {MAX_DEPTH} 层（缩进或括号层数太多）")
    except yaml.MarkedYAMLError as exc:
        suspects = [n for n, line in enumerate(fm_lines, start=first_line)
                    if ":" not in line and (m := _FULLWIDTH_KEY.match(line))]
        if suspects:
            for number in suspects:
                m = _FULLWIDTH_KEY.match(fm_lines[number - first_line])
                reporter.add("fullwidth-colon", rel, number, key=m.group(1), value=m.group(2))
        else:
            mark = exc.problem_mark or exc.context_mark
            if exc.context_mark and (mark is None or mark.line >= len(fm_lines)):
                mark = exc.context_mark  # the problem surfaced at the end: point at where it began
            line = (mark.line + first_line) if mark else first_line
            column = (mark.column + 1) if mark else 1
            reporter.add("yaml-syntax", rel, line, column=column, detail=_explain(exc))
    except yaml.YAMLError as exc:
        reporter.add("yaml-syntax", rel, first_line, column=1, detail=_explain_plain(str(exc)))
    finally:
        loader.dispose()
    return None


# PyYAML's English problems, said in the users' words.
_YAML_PROBLEMS = (
    ("mapping values are not allowed", "此处不能出现“: ”；值里含有冒号时，请给整个值加上引号"),
    ("could not find expected ':'", "找不到“字段: 值”中的半角冒号"),
    ("expected ',' or ']'", "方括号 [ ] 没有成对"),
    ("expected ',' or '}'", "花括号 { } 没有成对"),
    ("found unexpected end of stream", "引号没有成对"),
    ("expected <block end>", "缩进没有对齐"),
    ("did not find expected key", "缩进没有对齐，或少了“字段: ”"),
    ("did not find expected '-' indicator", "列表项的缩进没有对齐"),
    ("found undefined alias", "使用了未定义的 YAML 别名（*）"),
    ("exceeded maximum nesting depth", "嵌套层数太多"),
    ("did not find expected node content", "此处缺少取值（括号没有成对，或冒号后没有内容）"),
    ("found character that cannot start any token", "此处的字符不能作为值的开头（如 @、`、% 开头的值请加引号）"),
    ("found unknown escape character", "双引号中有无法识别的反斜杠转义（\\ 后只能跟 n、t、\"、\\ 等）"),
    ("could not determine a constructor", "使用了不允许的 YAML 标签（!!…）"),
    ("found unacceptable character", "含有 YAML 不允许的字符"),
)


def _explain_plain(text: str) -> str:
    for english, chinese in _YAML_PROBLEMS:
        if english in text:
            return chinese
    return f"无法解析（{text.splitlines()[0] if text else ''}）"


def _explain(exc) -> str:
    text = " ".join(filter(None, (exc.context, exc.problem)))
    for english, chinese in _YAML_PROBLEMS:
        if english in text:
            return chinese
    return f"无法解析（{exc.problem or exc.context}）"


def _convert(loader, node, path: tuple, key_lines: dict, seen: set, rel: str, reporter: Reporter, first: int = 2):
    """YAML node → plain value, recording the line of each key and item."""
    import yaml

    if len(path) > MAX_DEPTH:
        raise _TooDeep(node.start_mark.line)
    if seen is not None:
        if id(node) in seen:
            raise _AliasFound(node.start_mark.line)
        seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.MarkedYAMLError(problem="字段名必须是简单文字", problem_mark=key_node.start_mark)
            key = (key_node.value if key_node.tag == _STR_TAG else str(_constructed(loader, key_node))).strip()
            line = key_node.start_mark.line + first
            if key in result:
                reporter.add("duplicate-key", rel, line, key=key, other=key_lines[path + (key,)])
                continue
            key_lines[path + (key,)] = line
            result[key] = _convert(loader, value_node, path + (key,), key_lines, seen, rel, reporter, first)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            key_lines[path + (index,)] = item.start_mark.line + first
            items.append(_convert(loader, item, path + (index,), key_lines, seen, rel, reporter, first))
        return items
    if node.tag == _STR_TAG:
        value = node.value  # the common case, without the constructor's machinery
    else:
        value = _constructed(loader, node)
    if isinstance(value, str) and CONTROL_CHARS.search(value):
        # Written as a YAML escape ("\x7f"): the raw-text scan could not see it.
        line = node.start_mark.line + first
        reporter.add("control-char", rel, line, column=node.start_mark.column + 1,
                     chars="、".join(dict.fromkeys(f"U+{ord(c):04X}" for c in CONTROL_CHARS.findall(value))))
        value = CONTROL_CHARS.sub("", value)
    return value


# -- the usual front matter, without libyaml ---------------------------------
#
# Records are written in a small part of YAML: `字段: 值` lines, lists of
# `- 值` and of `- 字段: 值` mappings, plain or simply quoted one-line values.
# libyaml parses that fast, but PyYAML then makes a node, two marks and a
# resolver call per value in Python, which costs more than all the checking.
# `_plain_block` reads exactly that part line by line and gives the same
# values and lines as `_convert` would; anything else (anchors,
# aliases, tags, flow [ ] { }, block scalars | >, multi-line values, escapes,
# numbers, booleans, dates with a resolver, duplicate keys, odd characters
# or indentation) makes it give up, and the full parser above reads the
# document and reports what is wrong. Aliases can only start a node, and no
# node starting with & or * is accepted here, so the alias refusal is never
# bypassed.

class _NotPlain(Exception):
    """The document needs the full YAML parser."""


# Tabs, and what libyaml treats unlike Python: control characters and
# characters it refuses, NEL/LS/PS (line breaks to YAML), a BOM (skipped at
# a line start by libyaml).
_NEEDS_FULL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
QUICK_PARSE = True   # False: _NEEDS_FULL searched even in printable text (tests compare)
# What cannot start a plain key (an indicator; spaces are cut off before).
_KEY_NOT_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Characters that cannot start a plain value, or make it something else.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# One line in double quotes, with the escapes JSON writes for text: \n \t \" \\.
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*(?:\\[nt"\\][^"\\]*)*)"$')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPED = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(match: re.Match) -> str:
    return _ESCAPED[match.group(1)]


_RESOLVERS = _resolver_table()   # as PyYAML's resolve() picks them
_NO_RESOLVERS: list = []
# First characters that may make a plain scalar something else than text (all, if a resolver takes any).
_RESOLVED_FIRST = frozenset(k for k in _RESOLVERS if k) if None not in _RESOLVERS else None
_FAST_DEPTH = 8


def _check_text(text: str) -> None:
    """A plain scalar that YAML reads as a number, bool, null … is not for this reader."""
    is_text = _CHECKED.get(text)
    if is_text is None:
        resolvers = _RESOLVERS.get(text[0], _NO_RESOLVERS) + _RESOLVERS.get(None, _NO_RESOLVERS)
        is_text = not any(regexp.match(text) for tag, regexp in resolvers)
        if len(_CHECKED) < 4096:   # dates and ids recur from record to record
            _CHECKED[text] = is_text
    if not is_text:
        raise _NotPlain


_CHECKED: dict[str, bool] = {}


def _one_line_value(text: str):
    """The value after `key: ` or `- ` (text has no surrounding spaces)."""
    first = text[0]
    if first in _INDICATORS:
        if first == '"':
            quoted = _DOUBLE_QUOTED.match(text)
            if quoted is None:
                raise _NotPlain   # other escapes, text after the closing quote
            inner = quoted.group(1)
            return _ESCAPE.sub(_unescape, inner) if "\\" in inner else inner
        inner = text[1:-1]
        if first != "'" or len(text) < 2 or text[-1] != "'" or "'" in inner:
            raise _NotPlain   # an indicator; '' inside single quotes, text after the closing quote
        return inner
    if ": " in text or text[-1] == ":":
        raise _NotPlain
    if _RESOLVED_FIRST is None or first in _RESOLVED_FIRST:
        _check_text(text)
    return text


def _plain_block(source: str, fm_lines: list[str], first_line: int, printable: bool = False):
    """(value, key_lines) of a document in the usual record shape, else None.
    `printable`: the text is known to hold none of _NEEDS_FULL's characters
    (every one of them is non-printable to Python, see plain_text)."""
    if not (printable and QUICK_PARSE) and _NEEDS_FULL.search(source):
        return None
    rows = []
    key_lines: dict = {}
    try:
        for number, line in enumerate(fm_lines, start=first_line):
            if "#" in line:
                line = _uncommented(line)
            text = line.lstrip(" ")
            if text:
                rows.append((len(line) - len(text), text.rstrip(" "), number))
        if not rows or rows[0][0] != 0:
            return None
        value, end = _plain_mapping(rows, 0, 0, (), key_lines)
    except _NotPlain:
        return None
    if end != len(rows):
        return None
    return value, key_lines


def _key_and_rest(text: str):
    """(key, value text) of `key: value` or `key:`, else None. A plain key holds
    no colon and starts with no indicator or space; the colon needs a space (or the
    line end) after it: `key:value` is one plain scalar to YAML, not a key."""
    colon = text.find(":")
    if colon <= 0 or text[0] in _KEY_NOT_FIRST or text[0].isspace():
        return None
    rest = text[colon + 1:]
    if rest and rest[0] != " ":
        return None
    return text[:colon].rstrip(" "), rest.lstrip(" ")


def _uncommented(line: str) -> str:
    """The line without its comment: a line starting with #, or from a # after
    a space (`字段: 值  # 说明`, as `taizhang new` writes). A " #" inside quotes
    is text; cutting there leaves an unclosed quote, which the value reader refuses."""
    if line.lstrip(" ").startswith("#"):
        return ""
    cut = line.find(" #")
    return line if cut < 0 else line[:cut]


def _is_item(text: str) -> bool:
    return text == "-" or text.startswith("- ")


_NO_VALUE = object()   # `key:` with nothing after it on the line
_ENTRIES: dict = {}    # `key: value` line → (key, value): many lines recur from record to record


def _entry(text: str) -> tuple:
    """(key, value or _NO_VALUE) of a `key: value` line, else _NotPlain."""
    entry = _ENTRIES.get(text)
    if entry is None:
        pair = _key_and_rest(text)
        if pair is None:
            raise _NotPlain
        key, rest = pair
        if _RESOLVED_FIRST is None or key[0] in _RESOLVED_FIRST:
            _check_text(key)
        entry = (key.strip(), _one_line_value(rest) if rest else _NO_VALUE)
        if len(text) <= 48 and len(_ENTRIES) < 8192:   # long lines (prose) rarely recur
            _ENTRIES[text] = entry
    return entry


def _plain_mapping(rows: list, i: int, indent: int, path: tuple, key_lines: dict):
    if len(path) > _FAST_DEPTH:
        raise _NotPlain
    result = {}
    count = len(rows)
    while i < count:
        at, text, number = rows[i]
        if at != indent:
            if at < indent:
                break
            raise _NotPlain
        key, value = _entry(text)
        if key in result:
            raise _NotPlain   # the full parser reports the duplicate
        key_path = path + (key,)
        key_lines[key_path] = number
        i += 1
        if value is not _NO_VALUE:
            result[key] = value
        elif i < count and rows[i][0] > indent:
            if _is_item(rows[i][1]):
                result[key], i = _plain_sequence(rows, i, rows[i][0], key_path, key_lines)
            else:
                result[key], i = _plain_mapping(rows, i, rows[i][0], key_path, key_lines)
        elif i < count and rows[i][0] == indent and _is_item(rows[i][1]):
            result[key], i = _plain_sequence(rows, i, indent, key_path, key_lines)   # `key:` then `- item` unindented
        else:
            result[key] = None
    return result, i


def _plain_sequence(rows: list, i: int, indent: int, path: tuple, key_lines: dict):
    if len(path) > _FAST_DEPTH:
        raise _NotPlain
    items = []
    count = len(rows)
    while i < count:
        at, text, number = rows[i]
        if at < indent:
            break
        if at > indent or text == "-":
            raise _NotPlain
        if not text.startswith("- "):
            break   # the mapping around an unindented list goes on (or the full parser objects)
        rest = text[2:]
        column = indent + len(text) - len(rest.lstrip(" "))
        rest = rest.lstrip(" ")
        item_path = path + (len(items),)
        key_lines[item_path] = number
        if _is_item(rest):
            raise _NotPlain
        if _key_and_rest(rest):   # `- 日期: …` starts a mapping at the key's column
            rows[i] = (column, rest, number)
            value, i = _plain_mapping(rows, i, column, item_path, key_lines)
        else:
            value = _one_line_value(rest)
            i += 1
        items.append(value)
    return items, i
