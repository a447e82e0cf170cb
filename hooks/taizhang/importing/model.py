"""What `taizhang import` understood from a file, whatever its format.

Every reader (outline text, Word, Excel, CSV) produces an `Understood`:
draft records with their links as indexes into the other lists. Ids are
assigned and files written only afterwards (run.py), so a reader never
touches the disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from taizhang.errors import TaizhangError

CN = "一二三四五六七八九十"
TITLE_LIMIT = 40          # a title longer than this is shortened (see short_title)
TITLE_MIN_CLAUSES = 12    # whole clauses shorter than this are a fragment, not a title


class ImportError_(TaizhangError):
    """The file cannot be read or understood; the message says why, in Chinese."""

    exit_code = 1


@dataclass
class Draft:
    kind: str
    title: str
    body: str
    area: str | None = None
    quote: str | None = None
    nature: str | None = None
    feedback: list[int] = field(default_factory=list)   # indexes into Understood.feedback
    causes: list[int] = field(default_factory=list)     # indexes into Understood.causes
    problems: list[int] = field(default_factory=list)   # indexes into Understood.problems
    values: dict = field(default_factory=dict)          # further fields by internal name (measures)
    source_id: str | None = None                        # the id the source file gave it (taizhang's export)
    record_id: str = ""


@dataclass
class Understood:
    round_title: str
    areas: list[tuple[str, str]] = field(default_factory=list)
    feedback: list[Draft] = field(default_factory=list)
    problems: list[Draft] = field(default_factory=list)
    causes: list[Draft] = field(default_factory=list)
    measures: list[Draft] = field(default_factory=list)
    round_body: str = ""                                # preface of the document
    round_values: dict = field(default_factory=dict)    # round fields found in a title block (统计日期 …)
    notes: list[str] = field(default_factory=list)      # what the user should know (unknown columns…)

    @property
    def drafts(self) -> list[Draft]:
        return self.feedback + self.problems + self.causes + self.measures

    def add_area(self, ordinal: str | None, name: str) -> str:
        """The ordinal of the area called `name`, added if new."""
        for known, known_name in self.areas:
            if known_name == name or (ordinal and known == ordinal):
                return known
        ordinal = ordinal or cn_number(len(self.areas) + 1)
        self.areas.append((ordinal, name))
        return ordinal


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 99 → 九十九."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN[tens - 1] + "十")
    return head + (CN[ones - 1] if ones else "")


_CLAUSE_END = re.compile(r"(?<=[，。；,;！？])")


def short_title(text: str, limit: int = TITLE_LIMIT) -> str:
    """A title from a long quote: as many whole clauses as fit in `limit`
    characters, or, when that is only a fragment (“巡视期间”), the quote cut
    at the limit with “…”. Never a clause torn from what gives it sense."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    kept = ""
    for clause in _CLAUSE_END.split(text):
        if len(kept + clause) > limit:
            break
        kept += clause
    kept = kept.rstrip("，。；,;：: ")
    if len(kept) >= TITLE_MIN_CLAUSES:
        return kept
    return text[: limit - 1].rstrip("，。；,;：: ") + "…"


class TextBudget:
    """The text one import may read and write (taizhang.yml `import:`
    max_cell_chars, max_total_chars). An .xlsx stores a string once and
    refers to it from any number of cells, merged cells repeat their text
    and a Word table's merged cells too: a 12 KB workbook once wrote 574 MB
    of records. Every cell or paragraph is counted each time it is read, so
    such a file is refused while reading, before the text is multiplied."""

    def __init__(self, rules, file_name: str):
        self.cell = int(rules.get("max_cell_chars", DEFAULT_CELL_CHARS))
        self.total = int(rules.get("max_total_chars", DEFAULT_TOTAL_CHARS))
        self.used, self.file_name = 0, file_name

    def take(self, text, where: str):
        """`text` (any cell value; only text counts), refused beyond the limits."""
        if not isinstance(text, str):
            return text
        if len(text) > self.cell:
            raise ImportError_(f"{self.file_name} {where}有 {len(text):,} 个字，超过每个单元格（段落）的上限 {self.cell:,} 个字"
                               f"（taizhang.yml 的 import.max_cell_chars）：可能是损坏或恶意构造的文件，请检查后另存再导入")
        self.used += len(text)
        if self.used > self.total:
            raise ImportError_(f"{self.file_name} 读出的文字超过一次导入的上限 {self.total:,} 个字（taizhang.yml 的 "
                               f"import.max_total_chars；同一段文字被许多单元格或合并单元格引用时每处都计数）："
                               "可能是恶意构造的文件；确是很大的台账时请分成几个文件导入")
        return text

    def written(self, total: int) -> None:
        if total > self.total:
            raise ImportError_(f"从 {self.file_name} 导入会写出 {total:,} 个字的记录，超过一次导入的上限 {self.total:,} 个字"
                               "（taizhang.yml 的 import.max_total_chars）：请检查文件，或分成几个文件导入")


DEFAULT_CELL_CHARS = 32_767        # Excel's own limit for the text of one cell
DEFAULT_TOTAL_CHARS = 20_000_000   # about 60 MB of records: ten times a 9,000-record ledger


MAX_UNZIPPED = 50 * 1024 * 1024   # bytes of XML a .docx or .xlsx may expand to
MAX_MEMBERS = 5000


def guard_zip(path, what: str) -> None:
    """Refuse an Office file that is not a zip, or expands beyond MAX_UNZIPPED
    (a zip bomb), before any library decompresses it."""
    import zipfile
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportError_(f"{path.name} 不是有效的 {what} 文件（无法作为 Office 文档打开）："
                           "请用 Office 或 WPS 打开后另存为新文件再导入") from None
    total = sum(m.file_size for m in members)
    if len(members) > MAX_MEMBERS or total > MAX_UNZIPPED:
        raise ImportError_(f"{path.name} 解压后有 {total // (1024 * 1024)} MB（{len(members)} 个部件），"
                           f"超过上限 {MAX_UNZIPPED // (1024 * 1024)} MB：可能是损坏或恶意构造的文件。"
                           "请删去其中的大图片等内容、另存为新文件后再导入")


def office_error(path, what: str, exc: Exception) -> ImportError_:
    """A Chinese explanation of what python-docx or openpyxl could not read."""
    name = type(exc).__name__
    if name in ("PackageNotFoundError", "InvalidFileException", "BadZipFile"):
        why = "不是有效的文件或已损坏"
    elif isinstance(exc, KeyError):
        why = "缺少必要的部件（可能不是 Office 生成的文件，或已损坏）"
    elif "XMLSyntaxError" in name or "ParseError" in name:
        why = "内部 XML 有语法错误（文件已损坏）"
    elif isinstance(exc, MemoryError):
        why = "内容太大，内存不足"
    else:
        why = f"无法读取（{name}）"
    return ImportError_(f"{path.name} 不是有效的 {what} 文件：{why}。请用 Office 或 WPS 打开后另存为新文件再导入")


def decode_text(data: bytes, name: str, hint: str = "") -> str:
    """UTF-8 (with or without BOM) or GBK/GB18030, as units save text and CSV files."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportError_(f"{name} 不是 UTF-8 或 GBK 编码的文本{hint}")
