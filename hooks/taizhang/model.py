"""Raw records → immutable, typed records, with field-level checks.

Every field is converted by its vocabulary type; a bad value is reported and
becomes None, so the rest of the record can still be checked and linked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import MISSING, dataclass, field
from types import MappingProxyType
from collections.abc import Mapping

from taizhang.load import BIDI_CHARS, RawRecord, bidi_names, bidi_shown
from taizhang.problems import Reporter
from taizhang.vocabulary import Vocabulary


@dataclass(frozen=True)
class Link:
    """A record id written in a link field, with the line it was written on."""

    target: str
    line: int


@dataclass(frozen=True)
class Progress:
    """One 整改进展 entry: its date, text and line."""

    on: dt.date
    text: str
    line: int


@dataclass(frozen=True)
class Evidence:
    """One 佐证材料 item: its name, the file it points at (if any) and its line."""

    name: str
    file: str | None
    line: int


@dataclass(frozen=True, kw_only=True)
class Record:
    """One record file, its fields converted by type (see build_record)."""

    kind: str
    id: str
    title: str
    path: str
    body: str
    body_line: int
    lines: Mapping[str, int]          # field name -> line of its key
    round: str | None = None
    publish: bool = True              # False: left out of the published progress report
    draft: bool = False               # imported, not yet completed (see DRAFT_NEEDS)
    recurs_from: tuple[Link, ...] = ()  # 屡查屡犯: the same finding in an earlier round
    # Fields the vocabulary (or taizhang.yml) declares beyond the attributes
    # above, by field name, converted by their type: kept, never dropped.
    extra: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    def line_of(self, field: str) -> int:
        return self.lines.get(field, 1)

    def value(self, name: str):
        """A field's converted value by field name, whether attribute or extra."""
        if name in self.__dataclass_fields__ and name != "extra":
            return getattr(self, name)
        return self.extra.get(name)

    def links(self) -> dict[str, tuple[Link, ...]]:
        """Typed links written in this record, by field name (extra link fields too)."""
        found = {"recurs_from": self.recurs_from} if self.kind in ("feedback", "problem") else {}
        for name, value in self.extra.items():
            if isinstance(value, tuple) and value and all(isinstance(v, Link) for v in value):
                found[name] = value
        return found


@dataclass(frozen=True, kw_only=True)
class RoundRecord(Record):
    """An inspection round: team, dates, phase and the areas its feedback is grouped in."""

    team: str | None = None
    inspected: str | None = None
    feedback_date: dt.date | None = None
    deadline: dt.date | None = None
    long_term: bool = False
    phase: str | None = None
    areas: tuple[tuple[str, str], ...] = ()   # (ordinal, name)
    as_of: dt.date | None = None
    sample: bool = False              # 示例数据: the site says on every page that it is illustrative

    def area_name(self, ordinal: str) -> str | None:
        return dict(self.areas).get(ordinal)


@dataclass(frozen=True, kw_only=True)
class FeedbackRecord(Record):
    """A feedback item (反馈意见) of the inspection team."""

    area: str | None = None
    source: str | None = None
    quote: str | None = None


@dataclass(frozen=True, kw_only=True)
class ProblemRecord(Record):
    """A problem (查摆问题) found for feedback items, with its written status."""

    area: str | None = None
    nature: str | None = None
    feedback: tuple[Link, ...] = ()
    causes: tuple[Link, ...] = ()
    status: str | None = None        # reported status; the derived one is in Ledger

    @property
    def is_declaration(self) -> bool:
        return self.nature == "declaration"

    def links(self):
        return {**super().links(), "feedback": self.feedback, "causes": self.causes}


@dataclass(frozen=True, kw_only=True)
class CauseRecord(Record):
    """A root cause (原因) that measures address."""


@dataclass(frozen=True, kw_only=True)
class MeasureRecord(Record):
    """A rectification measure (整改措施): owners, deadline, status, progress, evidence."""

    problems: tuple[Link, ...] = ()
    addresses_causes: tuple[Link, ...] = ()
    leader: tuple[str, ...] = ()
    unit: tuple[str, ...] = ()
    owner: tuple[str, ...] = ()
    deadline: dt.date | None = None
    long_term: bool = False
    measure_type: str | None = None
    status: str | None = None
    progress: tuple[Progress, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    completed_on: dt.date | None = None
    signed_off_by: str | None = None
    signed_off_on: dt.date | None = None
    carried_from: tuple[Link, ...] = ()   # 承接自: the unfinished measure of an earlier round this continues

    def links(self):
        return {**super().links(), "problems": self.problems, "addresses_causes": self.addresses_causes,
                "carried_from": self.carried_from}


RECORD_CLASSES = {
    "round": RoundRecord,
    "feedback": FeedbackRecord,
    "problem": ProblemRecord,
    "cause": CauseRecord,
    "measure": MeasureRecord,
}

_ID_SAFE = re.compile(r"^[A-Za-z]+-[0-9]{3,}$")
_OTHER_DATE = re.compile(r"^\s*(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?\s*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# What a field of each type must be, said in the vocabulary's words (Vocabulary.fill).
_TYPE_NAMES = {
    "text": "一段文字", "texts": "文字或文字列表", "date": "日期（YYYY-MM-DD）",
    "deadline": "日期（YYYY-MM-DD）或“{long_term_deadline}”", "link": "一个{keys[id]}", "links": "{keys[id]}列表",
    "areas": "“序号: 名称”的映射", "progress": "进展列表（每条含 {progress_keys[date]} 和 {progress_keys[text]}）",
    "evidence": "{keys[evidence]}列表", "id": "{keys[id]}", "kind": "{keys[kind]}名称", "enum": "规定的取值之一",
    "bool": "{phrases[yes]} 或 {phrases[no]}",
}


def describe(value) -> str:
    if isinstance(value, bool):
        return "真假值"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, str):
        return "一段文字"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射（缩进的子字段）"
    return "空值"


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, (list, dict)) and not value


class _FieldReader:
    """Converts one raw record's fields; reports into the shared reporter."""

    def __init__(self, raw: RawRecord, vocab: Vocabulary, reporter: Reporter, kind: str):
        self.raw, self.vocab, self.reporter, self.kind = raw, vocab, reporter, kind

    def report(self, rule: str, line: int, **values) -> None:
        self.reporter.add(rule, self.raw.path, line, **values)

    def type_error(self, field, value, line: int, example: str = "") -> None:
        expected = _TYPE_NAMES.get(field.type.split(":")[0])
        self.report("field-type", line, key=field.key, expected=self.vocab.fill(expected) if expected else field.type,
                    actual=describe(value), example=example or f"参照 README 的示例填写：{field.help}")

    # -- scalar types ----------------------------------------------------
    def text(self, field, value, line):
        if value.__class__ is str:
            return value.strip() or None
        if isinstance(value, bool) or isinstance(value, (list, dict)):
            self.type_error(field, value, line)
            return None
        return str(value).strip() or None

    def texts(self, field, value, line):
        items = value if isinstance(value, list) else [value]
        out = []
        for index, item in enumerate(items):
            text = self.text(field, item, self.raw.line(field.key, index, default=line))
            if text:
                out.append(text)
        return tuple(out)

    def date(self, field, value, line, allow_long_term=False):
        text = str(value).strip()
        if allow_long_term and text == self.vocab.long_term_deadline:
            return "long_term"
        if _ISO_DATE.match(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                self.report("bad-date", line, key=field.key, value=text, reason="不是有效的日期",
                            suggestion="检查月份和日期（例如 2 月没有 30 日）")
                return None
        other = _OTHER_DATE.match(text)
        if other:
            y, m, d = (int(g) for g in other.groups())
            try:
                iso = dt.date(y, m, d).isoformat()
                suggestion = f"改为 {field.key}: {iso}"
            except ValueError:
                suggestion = "检查月份和日期，并写成 YYYY-MM-DD"
            self.report("bad-date", line, key=field.key, value=text, reason="不是 YYYY-MM-DD 格式", suggestion=suggestion)
            return None
        extra = f"，或写“{self.vocab.long_term_deadline}”" if allow_long_term else ""
        self.report("bad-date", line, key=field.key, value=text, reason="不是 YYYY-MM-DD 格式",
                    suggestion=f"写成 YYYY-MM-DD，如 2023-05-01{extra}")
        return None

    def enum(self, field, value, line):
        group = field.type.split(":", 1)[1]
        if not isinstance(value, str):
            self.type_error(field, value, line)
            return None
        name = self.vocab.enum_name(group, value.strip())
        if name is None:
            self.report("unknown-value", line, key=field.key, value=value, allowed=" / ".join(self.vocab.labels(group)))
        return name

    def link_list(self, field, value, line):
        items = value if isinstance(value, list) else [value]
        links = []
        for index, item in enumerate(items):
            item_line = self.raw.line(field.key, index, default=line)
            if not isinstance(item, (str, int)) or isinstance(item, bool):
                target = self.kind if field.target == "same" else field.target
                self.type_error(field, item, item_line, example=f"写成列表，每行一个编号，如 - {self._prefix(target)}-001")
                continue
            links.append(Link(str(item).strip(), item_line))
        return tuple(links)

    def _prefix(self, kind):
        return self.vocab.kinds[kind].prefix

    # -- structured types ------------------------------------------------
    def areas(self, field, value, line):
        if not isinstance(value, dict):
            self.type_error(field, value, line, example="写成缩进的“序号: 名称”，如\n  一: 落实……方面")
            return ()
        return tuple((str(k), str(v)) for k, v in value.items())

    def progress(self, field, value, line):
        keys = self.vocab.progress_keys
        if not isinstance(value, list):
            self.type_error(field, value, line, example=f"写成列表：- {keys['date']}: 2023-05-01 换行缩进 {keys['text']}: ……")
            return ()
        entries = []
        for index, item in enumerate(value):
            item_line = self.raw.line(field.key, index, default=line)
            if not isinstance(item, dict) or is_blank(item.get(keys["date"])) or is_blank(item.get(keys["text"])):
                self.type_error(field, item, item_line,
                                example=f"每条进展写两个子字段：{keys['date']}（YYYY-MM-DD）和 {keys['text']}")
                continue
            sub = _SubField(field.key, keys["date"])
            on = self.date(sub, item[keys["date"]], self.raw.line(field.key, index, keys["date"], default=item_line))
            if isinstance(on, dt.date):
                entries.append(Progress(on, str(item[keys["text"]]).strip(), item_line))
        return tuple(sorted(entries, key=lambda p: (p.on, p.line)))

    def evidence(self, field, value, line):
        keys = self.vocab.evidence_keys
        if not isinstance(value, list):
            self.type_error(field, value, line, example=f"写成列表：- {keys['name']}: …… 换行缩进 {keys['file']}: evidence/……")
            return ()
        items = []
        for index, item in enumerate(value):
            item_line = self.raw.line(field.key, index, default=line)
            if isinstance(item, str) and item.strip():
                items.append(Evidence(item.strip(), None, item_line))
            elif isinstance(item, dict) and isinstance(item.get(keys["name"]), str) and item[keys["name"]].strip():
                file = item.get(keys["file"])
                items.append(Evidence(item[keys["name"]].strip(), str(file).strip() if file else None, item_line))
            else:
                self.type_error(field, item, item_line, example=f"每份材料写一行名称，或写 {keys['name']} 和 {keys['file']} 两个子字段")
        return tuple(items)

    def boolean(self, field, value, line):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("是", "true", "yes"):
            return True
        if text in ("否", "false", "no"):
            return False
        self.type_error(field, value, line, example=f"写 {field.key}: 是 或 {field.key}: 否")
        return None

    def convert(self, field, value, line):
        kind = field.base
        if kind == "text" or kind == "link":   # the most fields: asked first
            return self.text(field, value, line)
        if kind == "bool":
            return self.boolean(field, value, line)
        if kind == "enum":
            return self.enum(field, value, line)
        if kind == "links":
            return self.link_list(field, value, line)
        if kind in ("date", "deadline"):
            if isinstance(value, (list, dict, bool)):
                self.type_error(field, value, line)
                return None
            return self.date(field, value, line, allow_long_term=(kind == "deadline"))
        if kind == "texts":
            return self.texts(field, value, line)
        if kind in ("areas", "progress", "evidence"):
            return getattr(self, kind)(field, value, line)
        return self.text(field, value, line)


@dataclass(frozen=True)
class _SubField:
    """A sub-field of a structured field (a progress entry's date), for messages."""

    parent: str
    name: str
    type: str = "date"
    help: str = ""

    @property
    def key(self):
        return self.name


def known_keys(vocab: Vocabulary) -> set[str]:
    """Every key a record may hold, for the loader's full-width colon scan."""
    keys = {f.key for f in vocab.fields.values()}
    return keys | set(vocab.progress_keys.values()) | set(vocab.evidence_keys.values())


DRAFT_NEEDS = ("id", "title", "round")   # even a draft must have these


def build_record(raw: RawRecord, vocab: Vocabulary, reporter: Reporter) -> Record | None:
    """One typed record, or None when it has no usable kind or id."""
    kind_key, id_key = vocab.key("kind"), vocab.key("id")
    kind_value = raw.data.get(kind_key)
    if is_blank(kind_value):
        reporter.add("required-field", raw.path, 1, kind="记录", key=kind_key,
                     help=" / ".join(k.label for k in vocab.kinds.values()))
        return None
    kind = vocab.kind_by_label(str(kind_value).strip())
    if kind is None:
        reporter.add("unknown-kind", raw.path, raw.line(kind_key), value=kind_value, key=kind_key,
                     allowed=" / ".join(k.label for k in vocab.kinds.values()))
        return None
    reader = _FieldReader(raw, vocab, reporter, kind.name)
    by_key = vocab.fields_by_key[kind.name]
    values: dict = {}
    lines: dict = {}       # field name -> line of its key
    present = set()        # fields given a non-blank value
    raw_lines = raw.lines
    for key, value in raw.data.items():
        field = by_key.get(key)
        line = raw_lines.get((key,), 1)
        if field is None:
            reporter.add("unknown-field", raw.path, line, kind=kind.label, key=key,
                         allowed="、".join(vocab.key(n) for n in vocab.fields_of(kind.name)))
            continue
        name = field.name
        lines[name] = line
        # is_blank(value), without a call for the usual one-line text
        if (not value.strip() if value.__class__ is str else is_blank(value)) or name == "kind":
            continue
        present.add(name)
        values[name] = reader.convert(field, value, line)
    draft = values.get("draft") is True
    for name in vocab.required[kind.name]:
        if name == "kind" or name in present or vocab.waived(kind.name, name, present):
            continue  # present (an invalid value was reported by its converter), or stood in for
        field = vocab.fields[name]
        # An imported draft may lack what the outline did not say (owners,
        # deadlines, links): a reminder, not an error, until it is completed.
        rule = "draft-incomplete" if draft and name not in DRAFT_NEEDS else "required-field"
        reporter.add(rule, raw.path, raw.line(field.key), kind=kind.label, key=field.key, help=field.help,
                     draft_key=vocab.key("draft"))
    record_id = values.get("id")
    if not record_id:
        return None
    if BIDI_CHARS.search(record_id):
        reporter.add("bidi-name", raw.path, raw.line(id_key), what=id_key, value=bidi_shown(record_id),
                     chars=bidi_names(record_id))
        return None
    if not _ID_SAFE.match(record_id) or not record_id.startswith(kind.prefix + "-"):
        reporter.add("bad-id", raw.path, raw.line(id_key), value=record_id, kind=kind.label, prefix=kind.prefix, key=id_key)
        return None
    name = raw.path.rpartition("/")[2]
    dot = name.rfind(".")
    stem = name[:dot] if 0 < dot < len(name) - 1 else name   # PurePosixPath(raw.path).stem, without the object
    if stem != record_id:
        reporter.add("id-filename", raw.path, raw.line(id_key), value=record_id, filename=name, stem=stem,
                     key=id_key)
    return _make(kind.name, raw, values, lines)


def _make(kind: str, raw: RawRecord, values: dict, lines: dict) -> Record:
    deadline = values.pop("deadline", None)
    if deadline == "long_term":
        values["long_term"], deadline = True, None
    values["deadline"] = deadline
    cls = RECORD_CLASSES[kind]
    known = cls.__dataclass_fields__
    kwargs = {k: v for k, v in values.items() if k in known and k != "extra" and v is not None}
    extra = {k: v for k, v in values.items() if (k not in known or k == "extra") and v is not None}
    kwargs.setdefault("title", "")
    if not QUICK_MAKE:
        return cls(kind=kind, path=raw.path, body=raw.body, body_line=raw.body_line, lines=lines,
                   extra=MappingProxyType(extra), **kwargs)
    # What the frozen dataclass's __init__ does, without its object.__setattr__ call per field
    # (about 20 per record): every field, in field order, its default unless given.
    fields = dict(_DEFAULTS[cls])
    fields.update(kind=kind, path=raw.path, body=raw.body, body_line=raw.body_line, lines=lines,
                  extra=MappingProxyType(extra), **kwargs)
    record = object.__new__(cls)
    record.__dict__.update(fields)
    return record


_ALWAYS_GIVEN = frozenset({"kind", "id", "title", "path", "body", "body_line", "lines", "extra"})


def _field_defaults(cls) -> dict:
    """Every field of a record class in field order, with its default, or None
    for the fields _make always gives. A new field needs a plain default
    (a default_factory would be shared by every record): refused here."""
    found = {}
    for name, spec in cls.__dataclass_fields__.items():
        if name in _ALWAYS_GIVEN:
            found[name] = None
        elif spec.default is MISSING:
            raise TypeError(f"{cls.__name__}.{name}: a record field needs a plain default (see _make)")
        else:
            found[name] = spec.default
    return found


QUICK_MAKE = True    # False: records made by the dataclass's __init__ (tests compare)
_DEFAULTS = {cls: _field_defaults(cls) for cls in RECORD_CLASSES.values()}
