"""A ledger table (Excel, CSV or a Word task table) → draft records.

A table is a grid of cell values (merged cells already filled with their
value). The header row is found among the first rows by the column names a
unit's ledger usually has; every row below is one measure, and the feedback,
problem and cause cells group rows (a blank group cell continues the one
above, as merged cells do). A row with a single filled cell is an area
heading (一、……方面). Columns that are not recognised are reported and kept
in the record body.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
from dataclasses import dataclass

from taizhang.importing.model import Draft, Understood, short_title
from taizhang.importing.outline import STYLES, strip_marker

HEADER_SEARCH_ROWS = 10

GROUPS = ("feedback", "problem", "cause")
_ID = re.compile(r"^([A-Za-z]{2})-(\d{3,})\s*")
_DATE = re.compile(r"(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*(?:[月/.\-]\s*(\d{1,2})\s*日?|月(?:底|末)?)")
_ISO_IN = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(.*)$", re.S)
_DAYS, _DAY = r"\d+", r"\d{4}-\d{2}-\d{2}"


def phrase_pattern(vocab, name: str, **slots: str) -> str:
    """A phrase of the vocabulary as a regular expression: its words literal (a space
    matching any or none), its {placeholders} filled from the vocabulary ({lights[red]}),
    or by the patterns in `slots` ({days}, {date} …)."""
    out = []
    for literal, field, _, _ in string.Formatter().parse(vocab.phrases[name]):
        out.append(r"\s*".join(re.escape(part) for part in re.split(r"\s+", literal)))
        if field is not None:
            out.append(rf"\s*{slots[field]}\s*" if field in slots else re.escape(vocab.fill("{" + field + "}")))
    return "".join(out)


class _Own:
    """A pattern of taizhang's own short wording with a lazy part (.*?) between spaces:
    on a long run of spaces such a pattern backtracks for minutes (cubic), so text
    longer than any wording taizhang writes is not looked at (no match)."""

    LONGEST = 400

    def __init__(self, pattern: str):
        self.regex = re.compile(pattern)

    def match(self, text: str):
        return self.regex.match(text) if len(text) <= self.LONGEST else None


class ExportWords:
    """What taizhang's own export writes in a cell beyond the records' text, read from the same
    phrases (so a workbook exported with renamed words reads back): 完成情况 lines (a light and its
    days, 日期完成, 逾期完成, 持续整改滞后), 销号, 同上 and gap markers."""

    def __init__(self, vocab):
        def p(name: str, **slots: str) -> str:
            return phrase_pattern(vocab, name, **slots)
        lights = "|".join(re.escape(v.label) for v in vocab.enums["lights"].values())
        # the status words themselves, longest first: any other text in the phrase is not ours, and is kept
        statuses = "|".join(re.escape(v.label) for v in sorted(vocab.enums["statuses"].values(),
                                                                key=lambda v: -len(v.label)))
        notes = "|".join([p("days_left", days=_DAYS), p("due_today"), p("overdue_days", days=_DAYS)])
        self.completion = re.compile(
            f"^(?:(?:{lights})(?:（(?:{notes})）)?|{p('overdue_days', days=_DAYS)}|{p('due_today')}"
            f"|{p('completed_on_text', date=_DAY)}|{p('late_done', days=_DAYS)}|{p('long_term_stale', days=_DAYS)}"
            f"|{p('ledger_status_as_filed', status=f'(?:{statuses})')})$")
        self.as_filed = re.compile(f"^{p('ledger_status_as_filed', status=f'({statuses})')}$")
        self.done_on = re.compile(p("completed_on_text", date=f"({_DAY})"))
        self.signoff = _Own(f"^{p('signoff_text', when=f'({_DAY})?' + chr(92) + 's*(.*?)')}$")
        self.same = re.compile(f"^(?:{p('ledger_same_at', number=_DAYS)}|{p('ledger_same')})$")
        self.gap = _Own("^(?:" + "|".join([
            f"（{p('no_measures')}）", f"（{p('no_problems')}）", p("ledger_declared", ids=".*?"),
            p("ledger_no_feedback"), p("ledger_no_problem")]) + ")$")
_ALSO = re.compile(r"\n?（同时整改\s*([^）]*)）")


def _normal(text: str) -> str:
    text = re.sub(r"[（(][^）)]*[）)]", "", str(text))
    return re.sub(r"[\s:：*＊]", "", text)


@dataclass(frozen=True)
class ColumnNames:
    """How a header names a column: exact names by field (vocabulary.yml
    `import.columns`, plus the labels of the ledger's own columns, so
    taizhang's export and a renamed column read back, and a measure field
    given its own column in `ledger_columns` reads back into that field),
    then keywords."""

    exact: dict[str, str]                 # normalised name -> field
    keywords: tuple[tuple[str, str], ...]  # (field, word), first contained wins

    @classmethod
    def of(cls, vocab) -> ColumnNames:
        aliases = vocab.import_rules.get("columns") or {}
        exact = {}
        for column in vocab.ledger_columns:
            if column.name in aliases or column.name in field_columns(vocab):
                exact.setdefault(_normal(column.label), column.name)
        for field, names in aliases.items():
            for name in names:
                exact.setdefault(_normal(name), field)
        exact.setdefault(_normal(vocab.key("sample")), "sample")    # taizhang's CSV of sample data: not content
        keywords = tuple((str(f), str(w)) for f, w in vocab.import_rules.get("column_keywords") or ())
        return cls(exact, keywords)

    def field(self, header) -> str | None:
        name = _normal(header or "")
        if not name or len(name) > 16:
            return None
        found = self.exact.get(name)
        return found or next((field for field, word in self.keywords if word in name), None)


# A measure field in a column of its own reads back by its type (others need the ledger's own logic).
FIELD_TYPES_READ = ("text", "texts", "date", "bool", "enum")


def field_columns(vocab) -> tuple[str, ...]:
    """Measure fields the ledger layout gives a column of their own (`ledger_columns` naming a field)
    that no `import.columns` entry reads: taken back into that field as its type says."""
    aliases = vocab.import_rules.get("columns") or {}
    own = vocab.fields_of("measure")
    return tuple(c.name for c in vocab.ledger_columns
                 if c.name in own and c.name not in aliases and vocab.fields[c.name].base in FIELD_TYPES_READ)


@dataclass
class Header:
    row: int                         # index of the header row in the grid
    fields: dict[int, str]           # column index -> field
    unknown: dict[int, str]          # column index -> header text not recognised
    names: dict[int, str]            # column index -> header text of recognised columns

    def name_of(self, field: str) -> str:
        return next((self.names[c] for c, f in self.fields.items() if f == field), "")

    @property
    def score(self) -> int:
        return len(set(self.fields.values()))


def _header_at(index: int, rows: list[list], names_of: ColumnNames) -> Header:
    """The header whose names are in `rows` (one row, or a group row over a row of names:
    “责任主体” merged over 责任领导 / 责任单位 / 责任人); the lower row names a column first."""
    fields, unknown, names = {}, {}, {}
    for col in range(max(len(r) for r in rows)):
        texts = [_text(r[col]) if col < len(r) else "" for r in reversed(rows)]
        found = next(((t, f) for t in texts if (f := names_of.field(t)) and f not in fields.values()), None)
        if found:
            names[col], fields[col] = found
        elif texts[0] or texts[-1]:
            unknown[col] = texts[0] or texts[-1]
    return Header(index, fields, unknown, names)


def find_header(grid: list[list], vocab) -> Header | None:
    """The row among the first ten naming the most known columns (a problem or measure
    among them), with the group row above it when there is one."""
    names_of = ColumnNames.of(vocab)
    best = None
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        candidates = [_header_at(index, [row], names_of)]
        above = {_text(v) for v in grid[index - 1]} - {""} if index > 0 else set()
        if len(above) >= 2:                                # a group row, not a title merged across
            candidates.append(_header_at(index, [grid[index - 1], row], names_of))
        for header in candidates:
            if ({"problem", "measure"} & set(header.fields.values()) and header.score >= 2
                    and (best is None or header.score > best.score)):
                best = header
    return best


# The parts of a 说明事项 row, by the declarations table's columns (name, as).
DECLARATION_PARTS = {("area_label", "text"): "area", ("area", "text"): "area", ("declaration", "id"): "id",
                     ("declaration", "title"): "title", ("text", "text"): "text"}


def declaration_labels(vocab) -> dict[str, str]:
    """part (area, id, title, text) -> the normalised header of its column in the 说明事项 sheet."""
    out = {}
    for c in vocab.columns("declarations", "sheet"):
        part = DECLARATION_PARTS.get((c.name, c.show))
        if part:
            out.setdefault(part, _normal(c.label))
    return out


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").strip()


# -- values --------------------------------------------------------------------

def parse_deadline(value, long_term: str) -> tuple[str | None, str | None]:
    """(ISO date or 长期坚持, type word) from an Excel date, a serial number or text."""
    if isinstance(value, (dt.datetime, dt.date)):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat(), None
    if isinstance(value, (int, float)) and 20000 < value < 80000:       # an Excel serial in a CSV
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(value))).isoformat(), None
    text = _text(value)
    kind = "immediate" if "立行立改" in text else None
    found = _DATE.search(text)
    if found:
        year, month = int(found.group(1)), int(found.group(2))
        try:
            if found.group(3):
                return dt.date(year, month, int(found.group(3))).isoformat(), kind
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return (following - dt.timedelta(days=1)).isoformat(), kind      # 8月底 → the month's last day
        except ValueError:
            return None, kind
    if long_term in text or "长期" in text:
        return long_term, "long_term"
    return None, kind


def parse_status(text: str, vocab, column: str = "") -> str | None:
    """Internal status name for a ledger's status text (完成, 基本完成, 正在推进, 未完成, 是/否):
    a status label, else vocabulary.yml `import.status_words` (whole or at the start first,
    then anywhere); 是/否 in a 是否销号 column (named by `import.columns.signoff`) says 已销号 or nothing."""
    text = _normal(text)
    if not text:
        return None
    exact = vocab.enum_name("statuses", text)
    if exact:
        return exact
    rules = vocab.import_rules
    signoff_column = any(_normal(w) in _normal(column) for w in (rules.get("columns") or {}).get("signoff", ()))
    if text in rules.get("yes_words", ()):
        return "signed_off" if signoff_column else "done"
    if text in rules.get("no_words", ()):
        return None if signoff_column else "in_progress"     # not signed off says nothing more
    words = [(name, tuple(str(w) for w in found)) for name, found in (rules.get("status_words") or {}).items()]
    for name, found in words:
        if any(text.startswith(w) or w == text for w in found):
            return name
    for name, found in words:
        if any(w in text for w in found):
            return name
    return None


def _people(values: dict, cells: dict) -> None:
    """责任领导, 责任单位 (with 配合单位, once each), 责任人."""
    if cells.get("leader"):
        values["leader"] = split_items(cells["leader"], "\n；;")
    units = split_items(cells.get("unit", "")) + split_items(cells.get("partner", ""))
    if units:
        values["unit"] = list(dict.fromkeys(units))
    if cells.get("owner"):
        values["owner"] = split_items(cells["owner"])


def _signoff(values: dict, text: str, words: ExportWords) -> None:
    """“2023-08-01 张三 销号” → signed_off_on, signed_off_by."""
    signoff = words.signoff.match(text.strip())
    if signoff:
        if signoff.group(1):
            values["signed_off_on"] = signoff.group(1)
        if signoff.group(2):
            values["signed_off_by"] = signoff.group(2)


def split_items(text: str, separators: str = "、，,；;\n") -> list[str]:
    return [p.strip() for p in re.split(f"[{re.escape(separators)}]", text) if p.strip()]


def _id_lines(text: str) -> list[tuple[str | None, str]]:
    """Cell text as (id, text) items: lines starting with an id open an item (taizhang's
    export lists several feedback items or causes in one cell); without ids the cell is one item."""
    if not _ID.match(text):
        return [(None, text.strip())] if text.strip() else []
    items: list[tuple[str | None, str]] = []
    for line in text.split("\n"):
        match = _ID.match(line)
        if match:
            items.append((match.group(0).strip(), line[match.end():]))
        elif items and items[-1][0]:
            items[-1] = (items[-1][0], items[-1][1] + "\n" + line)
        elif line.strip():
            items.append((None, line))
    return items


def _title_body(text: str) -> tuple[str | None, str, str]:
    """Id, title and body of a cell: “WT-003 标题\\n正文” (taizhang's own export) or a plain paragraph."""
    match = _ID.match(text)
    if match:
        first, _, rest = text[match.end():].partition("\n")
        return match.group(0).strip(), first.strip(), _paragraphs(rest)
    first = strip_marker(text.split("\n")[0]) if any(rx.match(text) for _, rx in STYLES) else text.split("\n")[0]
    sentence = re.split(r"[。；;]", first, maxsplit=1)[0].strip().rstrip("：:，,")
    return None, short_title(sentence or text), _paragraphs(text)


def _paragraphs(text: str) -> str:
    """Each line of a cell is a paragraph of the Markdown body."""
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())


# -- rows → records ---------------------------------------------------------------

class TableReader:
    """Builds an Understood from one or more tables, keeping shared feedback and causes once."""

    def __init__(self, vocab, round_title: str):
        self.vocab = vocab
        self.words = ExportWords(vocab)
        self.result = Understood(round_title)
        self._feedback: dict[str, int] = {}
        self._causes: dict[str, int] = {}
        self._problems: dict = {}       # source id or (area, text) -> index
        self._measures: dict = {}       # source id or text -> index

    def read(self, grid: list[list], header: Header, where: str = "") -> None:
        long_term = self.vocab.long_term_deadline
        fields = header.fields
        names = header.names
        if header.unknown:
            self.result.notes.append(f"{where}未识别的列（内容写入措施正文）："
                                     + "、".join(f"“{t}”" for t in header.unknown.values()))
        area = None
        previous: dict[str, str] = {}
        for row in grid[header.row + 1:]:
            cells = {field: _text(row[col]) if col < len(row) else "" for col, field in fields.items()}
            filled = [_text(v) for v in row if _text(v)]
            if not filled:
                continue
            heading = _area_heading(row, fields, filled)
            if heading:
                area = self.result.add_area(_area_ordinal(heading), _area_name(heading))
                continue
            if [cells.get(f) for f in fields.values()] == [names[c] for c in fields]:
                continue                                   # the header repeated (a new page)
            if cells.get("area"):
                area = self.result.add_area(_area_ordinal(cells["area"]), _area_name(cells["area"]))
            cells = {field: _clean_cell(text, self.vocab, self.words) for field, text in cells.items()}
            continued = self._continued()
            for field, text in cells.items():              # 同上, or …（续上页）: as in the row above
                if self.words.same.match(text) or (continued and text.endswith(continued) and previous.get(field)):
                    cells[field] = previous.get(field, "")
            for group in GROUPS:                           # blank = continued from above (merged)
                if not cells.get(group) and group in fields.values():
                    cells[group] = previous.get(group, "")
            previous = cells
            self._row(cells, row, header, area, long_term)

    def _continued(self) -> str:
        """What taizhang's workbook adds to a merged cell continued on a new
        page (the `continued` phrase after its {text}): that cell repeats the one above."""
        phrase = self.vocab.phrases.get("continued", "")
        return phrase.partition("{text}")[2] if "{text}" in phrase else ""

    def _row(self, cells: dict, row: list, header: Header, area: str | None, long_term: str) -> None:
        result = self.result
        if area is None:
            area = result.add_area(None, "未分方面")
        feedback = [self._feedback_index(fid, text, area) for fid, text in _id_lines(cells.get("feedback", ""))]
        causes = [self._cause_index(cid, text) for cid, text in _id_lines(cells.get("cause", ""))]
        problem = None
        if cells.get("problem"):
            old_id, title, body = _title_body(cells["problem"])
            key = old_id or (area, cells["problem"])       # one problem listed under several feedback items
            if key not in self._problems:
                result.problems.append(Draft("problem", title, body, area=area, source_id=old_id))
                self._problems[key] = len(result.problems) - 1
            problem = self._problems[key]
            draft = result.problems[problem]
            draft.feedback += [i for i in feedback if i not in draft.feedback]
            draft.causes += [i for i in causes if i not in draft.causes]
        text = cells.get("measure", "")
        if not text:
            return
        also = _ALSO.search(text)
        text = _ALSO.sub("", text).strip()
        old_id, title, body = _title_body(text)
        key = old_id or text
        if key in self._measures:                          # the same measure under another problem
            known = result.measures[self._measures[key]]
            if problem is not None and problem not in known.problems:
                known.problems.append(problem)
            return
        extra = [f"**{header.unknown[c]}**：{_text(row[c])}" for c in header.unknown if c < len(row) and _text(row[c])]
        draft = Draft("measure", title, "\n\n".join([body, *extra]).strip() or title,
                      problems=[problem] if problem is not None else [], source_id=old_id)
        if also:
            draft.values["also"] = split_items(also.group(1))
        self._measure_values(draft, cells, row, header, long_term)
        result.measures.append(draft)
        self._measures[key] = len(result.measures) - 1

    def _feedback_index(self, fid: str | None, text: str, area: str) -> int:
        text = "".join(line.strip() for line in text.splitlines())    # a quote broken by Alt+Enter is one quote
        if text not in self._feedback:
            self.result.feedback.append(Draft("feedback", short_title(text), "", area=area, quote=text, source_id=fid))
            self._feedback[text] = len(self.result.feedback) - 1
        return self._feedback[text]

    def _cause_index(self, cid: str | None, text: str) -> int:
        text = text.strip()
        if text not in self._causes:
            _, title, body = _title_body(text)
            self.result.causes.append(Draft("cause", title, body if body != title else "", source_id=cid))
            self._causes[text] = len(self.result.causes) - 1
        return self._causes[text]

    def _measure_values(self, draft: Draft, cells: dict, row: list, header: Header, long_term: str) -> None:
        """A row's cells → the measure's fields, in the order its record lists them; what
        cannot be read as a field goes into the body, marked （原表）."""
        raw = {field: row[col] for col, field in header.fields.items() if col < len(row)}
        _people(draft.values, cells)
        self._deadline_and_type(draft, cells, raw.get("deadline"), long_term)
        parts = [p for p in re.split(r"[，,\n]", cells.get("completion", "")) if p.strip()]
        cells = self._state(draft.values, cells, parts, header)
        self._progress(draft, cells, parts)
        if cells.get("evidence"):
            draft.values["evidence"] = split_items(cells["evidence"], "\n；;")
        _signoff(draft.values, cells.get("signoff", ""), self.words)
        self._fields(draft, cells)

    def _fields(self, draft: Draft, cells: dict) -> None:
        """Columns of other measure fields (field_columns), read by the field's type; a value that
        is not of that type goes into the body, marked （原表）."""
        vocab = self.vocab
        for name in field_columns(vocab):
            text = cells.get(name, "")
            if not text:
                continue
            spec = vocab.fields[name]
            value = None
            if spec.base == "texts":
                value = split_items(text, "、\n")
            elif spec.base == "text":
                value = text
            elif spec.base == "date":
                value = text if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
            elif spec.base == "bool":
                value = {vocab.phrase("yes"): vocab.phrase("yes"), vocab.phrase("no"): vocab.phrase("no")}.get(text)
            elif spec.base == "enum":
                found = vocab.enum_name(spec.type.partition(":")[2], text)
                value = vocab.label(spec.type.partition(":")[2], found) if found else None
            if value:
                draft.values[name] = value
            else:
                draft.body += f"\n\n**{spec.key}（原表）**：{text}"

    def _deadline_and_type(self, draft: Draft, cells: dict, raw_deadline, long_term: str) -> None:
        vocab, values = self.vocab, draft.values
        deadline, kind = parse_deadline(raw_deadline, long_term)
        if deadline:
            values["deadline"] = deadline
        elif cells.get("deadline"):
            draft.body += f"\n\n**整改时限（原表）**：{cells['deadline']}"
        kind = vocab.enum_name("measure_types", cells.get("measure_type", "")) or kind
        if kind:
            values["measure_type"] = vocab.label("measure_types", kind)

    def _state(self, values: dict, cells: dict, parts: list[str], header: Header) -> dict:
        """整改状态, and what a 完成情况 cell adds: its state, a completion date, a sign-off.
        Returns the cells with that sign-off when the row had no 销号 cell of its own."""
        vocab = self.vocab
        status = parse_status(cells.get("status", ""), vocab, header.name_of("status"))
        if parts and status in (None, "done"):
            status = parse_status(parts[0], vocab) or status
            # the export leads with the counted state; the status the record holds follows when it differs
            filed = next((m for part in parts[1:] if (m := self.words.as_filed.match(part.strip()))), None)
            status = (parse_status(filed.group(1), vocab) or status) if filed else status
        signed = next((m for p in parts[1:] if (m := self.words.signoff.match(p.strip()))), None)
        if signed and not cells.get("signoff"):
            cells = {**cells, "signoff": signed.group(0)}
        done_on = self.words.done_on.search(cells.get("completion", ""))
        if done_on:
            values["completed_on"] = done_on.group(1)
        if status:
            values["status"] = vocab.label("statuses", status)
        return cells

    def _progress(self, draft: Draft, cells: dict, parts: list[str]) -> None:
        """Dated lines of 整改进展 become progress entries; undated ones, and a 完成情况
        that is not taizhang's own “状态，临期，日期 完成”, go into the body."""
        progress, loose = [], []
        for line in split_items(cells.get("progress", ""), "\n"):
            dated = _ISO_IN.match(line)
            (progress.append({"日期": dated.group(1), "内容": dated.group(2).strip()}) if dated else loose.append(line))
        completion = cells.get("completion", "")
        exported = bool(parts) and self.vocab.enum_name("statuses", parts[0].strip()) is not None and all(
            self.words.completion.match(p.strip()) or self.words.signoff.match(p.strip()) for p in parts[1:])
        if completion and not exported:
            loose.append(completion)
        if progress:
            draft.values["progress"] = progress
        if loose:
            draft.body += "\n\n**整改进展（原表）**：" + "\n".join(loose)

    def read_declarations(self, grid: list[list]) -> bool:
        """taizhang's 说明事项 sheet (vocabulary.yml `tables.declarations`: area, id,
        title, text): declarations, not problems. Its header is found by those labels."""
        labels = declaration_labels(self.vocab)
        for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):  # noqa: B007 (index: the header row, read below)
            names = [_normal(_text(v)) for v in row]
            col = {part: names.index(label) for part, label in labels.items() if label in names}
            if {"title", "text"} <= set(col):
                break
        else:
            return False

        def cell(row: list, part: str) -> str:
            return _text(row[col[part]]) if part in col and col[part] < len(row) else ""

        for row in grid[index + 1:]:
            get = functools.partial(cell, row)
            if not get("title"):
                continue
            area = self.result.add_area(_area_ordinal(get("area")), _area_name(get("area"))) if get("area") else \
                self.result.add_area(None, "其他需要说明的问题")
            source = get("id") if _ID.match(get("id")) else None
            self.result.problems.append(Draft("problem", get("title"), _paragraphs(get("text")), area=area,
                                              nature="declaration", source_id=source))
        return True

    def finish(self) -> Understood:
        """Resolve “（同时整改 WT-…）” to the problems listed under those ids."""
        by_old_id = {p.source_id: i for i, p in enumerate(self.result.problems) if p.source_id}
        missing = []
        for m in self.result.measures:
            for old in m.values.pop("also", []):
                if old in by_old_id and by_old_id[old] not in m.problems:
                    m.problems.append(by_old_id[old])
                elif old not in by_old_id:
                    missing.append(old)
                    m.body += f"\n\n（原表注明同时整改 {old}，但表中没有该问题）"
        if missing:
            self.result.notes.append(f"措施注明“同时整改”的 {'、'.join(dict.fromkeys(missing))} 不在表中，"
                                     "已写入措施正文，请补上“整改问题”")
        return self.result


def _clean_cell(text: str, vocab, words: ExportWords) -> str:
    """A cell without what taizhang's own export derived (status lines, gap markers, 同上 bodies)."""
    if words.gap.match(text):
        return ""
    status_line = f"（{vocab.key('status')}："
    lines = [l for l in text.split("\n") if not (l.startswith(status_line) and l.endswith("）"))]
    if len(lines) > 1 and _ID.match(lines[0]):
        lines = [lines[0]] + [l for l in lines[1:] if not words.same.match(l.strip())]
    return "\n".join(lines).strip()


def _area_heading(row: list, fields: dict[int, str], filled: list[str]) -> str | None:
    """The text of a row that names an area (一、……方面), merged across or alone in its row."""
    if len(set(filled)) != 1:
        return None
    text = filled[0]
    if len(filled) >= 3:
        return text                                        # merged across the table
    if all(fields.get(c) == "measure" for c, v in enumerate(row) if _text(v)):
        return None                                        # a measure continuing the group above
    marked = any(rx.match(text) for _, rx in STYLES[:2]) or text.rstrip("。：:").endswith("方面")
    return text if marked and len(text) <= 80 else None


def _area_ordinal(text: str) -> str | None:
    match = re.match(r"^[（(]?\s*([一二三四五六七八九十]+)\s*[）)、．.，,]", text)
    return match.group(1) if match else None


def _area_name(text: str) -> str:
    name = strip_marker(text.split("\n")[0])
    name = re.split(r"[。；;]", name, maxsplit=1)[0]
    return re.sub(r"方面$", "", name.rstrip("：:，,")) or "未分方面"
