"""The one place that knows the ledger's words: kinds, fields, statuses.

Defaults live in vocabulary.yml beside this file; a project overrides them in
`taizhang.yml` at its root (e.g. a unit that says 正在推进 for 正在整改).
"""

from __future__ import annotations

import copy
import json
import os
import re
import string
import sys
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from collections.abc import Mapping

from taizhang.errors import TaizhangError

DEFAULTS_FILE = Path(__file__).with_name("vocabulary.yml")
PROJECT_CONFIG = "taizhang.yml"
ENUM_GROUPS = ("statuses", "measure_types", "phases", "natures", "lights")


class ConfigError(TaizhangError):
    """taizhang.yml is unreadable or names something that does not exist."""


@dataclass(frozen=True)
class Kind:
    """A record kind: its name in code, its label, id prefix and records/ folder."""

    name: str
    label: str
    prefix: str
    folder: str


@dataclass(frozen=True)
class EnumValue:
    """One value of a status, type, phase, nature or light: label, aliases, colours."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()
    closed: bool = False
    colour: str = ""     # statuses and lights: "#RRGGBB", the state's one colour everywhere
    fill: str = ""       # its light background (chips, xlsx cells)
    symbol: str = ""     # lights: a sign before the word, for grey-scale print


@dataclass(frozen=True)
class Field:
    """A front-matter field: its name in code, the key people write, its type and help."""

    name: str
    key: str
    type: str
    help: str
    target: str | None = None

    @cached_property   # asked for each value of each record; kept in the instance, not a field
    def base(self) -> str:
        """The type without its parameter: `enum:statuses` → `enum`."""
        return self.type.partition(":")[0]


@dataclass(frozen=True)
class Column:
    """A column of the ledger sheet (vocabulary.yml `ledger_columns`)."""

    name: str
    label: str
    width: int


@dataclass(frozen=True)
class TableColumn:
    """One column of a list or sheet (vocabulary.yml `tables`): the view value
    it shows (`name`), how (`show`), its header, sheet width and site role."""

    name: str
    show: str
    label: str
    width: float
    role: str = ""
    gap: str = ""            # phrase shown (as a gap) when the value is empty
    site: bool = True
    sheet: bool = True
    align: str = ""          # the sheet's alignment when not the show's own: "centre" or "left"


@dataclass(frozen=True)
class Vocabulary:
    """Every word, field, rule and table the inputs and outputs read: the packaged
    vocabulary.yml merged with a project's taizhang.yml."""

    kinds: Mapping[str, Kind]
    enums: Mapping[str, Mapping[str, EnumValue]]
    fields: Mapping[str, Field]
    required: Mapping[str, tuple[str, ...]]
    optional: Mapping[str, tuple[str, ...]]
    rules: Mapping[str, str]
    long_term_deadline: str
    due_soon_days: int
    progress_keys: Mapping[str, str]
    evidence_keys: Mapping[str, str]
    relations: Mapping[str, Mapping[str, str]]   # "kind.field" -> forward/backward labels
    ledger_columns: tuple[Column, ...] = ()
    tables: Mapping[str, tuple[TableColumn, ...]] = field(default_factory=dict)
    exports: Mapping[str, object] = field(default_factory=dict)   # filing_unit, issuer, paper, font_size
    import_rules: Mapping[str, object] = field(default_factory=dict)
    fields_by_key: Mapping[str, Mapping[str, Field]] = field(default_factory=dict)  # kind -> key -> field
    required_unless: Mapping[str, str] = field(default_factory=dict)  # "kind.field" -> field standing in for it
    long_term_stale_days: int = 90    # 长期坚持: progress older than this is 持续整改滞后 (README 统计口径)
    own_tables: frozenset = frozenset()          # tables given in taizhang.yml (located there in messages)
    config_lines: Mapping[tuple, int] = field(default_factory=dict)   # taizhang.yml: path -> line

    def waived(self, kind: str, name: str, present) -> bool:
        """A required field another given field stands in for (e.g. 承接自 for 整改问题)."""
        return self.required_unless.get(f"{kind}.{name}") in present
    phrases: Mapping[str, str] = field(default_factory=dict)

    def phrase(self, name: str, **values) -> str:
        """A fixed phrase from the `phrases` section, its {placeholders} filled:
        kind labels ({measure} …), {declaration}, {closed}, any label as
        {statuses[done]} / {lights[red]} / {phases[…]} / {measure_types[…]} /
        {natures[…]}, any field key as {keys[status]}, then `values`."""
        text = self.phrases[name]
        if "{" not in text:
            return text
        return text.format(**{**self._names, **values}) if values else text.format(**self._names)

    def message_words(self) -> dict:
        """The names the checker's messages may use (problems.MESSAGES): the
        phrases' names and the phrases themselves ({phrases[yes]})."""
        return {**self._names, "phrases": self.phrases}

    @cached_property
    def _names(self) -> dict:
        """_phrase_names, worked out once: the vocabulary is immutable and
        phrases are asked for thousands of times per build (never mutated)."""
        return self._phrase_names()

    def _phrase_names(self) -> dict:
        names: dict = {k: v.label for k, v in self.kinds.items()}
        names["declaration"] = self.enums["natures"]["declaration"].label
        names["closed"] = "或".join(v.label for v in self.enums["statuses"].values() if v.closed)
        for group, values in self.enums.items():
            names[group] = {n: v.label for n, v in values.items()}
        names["keys"] = {n: f.key for n, f in self.fields.items()}
        names["progress_keys"], names["evidence_keys"] = dict(self.progress_keys), dict(self.evidence_keys)
        names["long_term_deadline"] = self.long_term_deadline
        names["stale_days"] = self.long_term_stale_days
        return names

    # -- lookups used by every stage -------------------------------------
    def kind_label(self, kind: str) -> str:
        return self.kinds[kind].label

    def kind_by_label(self, label: str) -> Kind | None:
        for kind in self.kinds.values():
            if label in (kind.label, kind.name):
                return kind
        return None

    def enum_name(self, group: str, text: str) -> str | None:
        """Internal name for a label a user typed, or None."""
        for value in self.enums[group].values():
            if text == value.label or text in value.aliases:
                return value.name
        return None

    def label(self, group: str, name: str) -> str:
        return self.enums[group][name].label

    def labels(self, group: str) -> list[str]:
        return [v.label for v in self.enums[group].values()]

    def is_closed(self, status: str) -> bool:
        return self.enums["statuses"][status].closed

    def status_order(self) -> list[str]:
        return list(self.enums["statuses"])

    def fields_of(self, kind: str) -> tuple[str, ...]:
        return self.required[kind] + self.optional[kind]

    def link_target(self, kind: str, field: str) -> str:
        """The kind a link field points to; `same` means the record's own kind."""
        target = self.fields[field].target
        return kind if target == "same" else target

    def key(self, field: str) -> str:
        return self.fields[field].key

    def check_tables(self, tables=None) -> None:
        """Each column of `tables` (default: all) shows a value its rows have
        (views/columns.py), else a ConfigError naming file:LINE, rule and fix."""
        from taizhang.views.columns import name_problems
        problems = name_problems(self, self.tables if tables is None else tables)
        if problems:
            raise ConfigError(located(problems, self.own_tables, dict(self.config_lines)))

    @cached_property
    def _tables_checked(self) -> bool:
        self.check_tables([t for t in self.tables if t not in self.own_tables])
        return True

    def columns(self, table: str, where: str = "", **names) -> tuple[TableColumn, ...]:
        """A list's columns (`tables` in vocabulary.yml), labels filled in;
        `where`: "site" or "sheet" keeps the columns shown there. The first
        call checks the packaged lists' value names (taizhang.yml's were at load)."""
        out = []
        for c in self.tables[table] if self._tables_checked else ():
            if where and not getattr(c, where):
                continue
            out.append(replace(c, label=self.fill(c.label, **names)))
        return tuple(out)

    def fill(self, text: str, **names) -> str:
        """A configured label with the phrases' placeholders filled ({measure},
        {keys[status]}, {lights[red]} …, and {phrases[row_number]}). Only a name
        or a group and one of its names: no format spec ({x:>50000000} would
        write gigabytes), no conversion, no attribute; else KeyError/ValueError."""
        if "{" not in text and "}" not in text:
            return text
        values = {**self._names, "phrases": _Phrases(self), **names}
        out = []
        for literal, name, spec, conversion in string.Formatter().parse(text):
            out.append(literal)
            if name is None:
                continue
            match = PLACEHOLDER.fullmatch(name)
            if spec or conversion or match is None:
                shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
                raise ValueError(f"占位符“{shown}”只能写名称或“分组[名称]”，不能带格式说明、转换或属性")
            value = values[match.group(1)]
            if match.group(2) is not None:
                value = value[match.group(2)]
            if isinstance(value, Mapping):
                raise ValueError(f"占位符“{{{name}}}”缺少下标")
            out.append(str(value))
        return "".join(out)

    def severity(self, rule: str) -> str:
        return self.rules[rule]


class _Phrases(Mapping):
    """{phrases[name]} in a label: the phrase with its own kind labels and
    words filled in ({phrases[rate_feedback]} → 反馈问题整改完成率)."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab

    def __getitem__(self, name: str) -> str:
        return self.vocab.phrase(name)

    def __iter__(self):
        return iter(self.vocab.phrases)

    def __len__(self) -> int:
        return len(self.vocab.phrases)


# Sections of vocabulary.yml to which taizhang.yml may add entries, not only rename.
EXTENSIBLE_PATHS = (("fields",),)   # sections taizhang.yml may add entries to, not only rename
FIELD_TYPES = ("id", "kind", "text", "texts", "date", "deadline", "link", "links", "areas", "progress",
               "evidence", "bool", *(f"enum:{g}" for g in ENUM_GROUPS))


RULE_LEVELS = ("error", "warning", "info", "off")


def _describe(value) -> str:
    if isinstance(value, bool):
        return f"真假值 {'true' if value else 'false'}"
    if value is None:
        return "空值"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, str):
        return f"“{value}”"
    return "列表" if isinstance(value, list) else "映射"


class _Merger:
    """Lays taizhang.yml over the defaults, checking each value against the
    default's type; every problem is collected with its line."""

    def __init__(self, lines: dict, name: str = PROJECT_CONFIG):
        self.lines, self.errors, self.name = lines, [], name

    def error(self, path: tuple, text: str) -> None:
        line = self.lines.get(path) or next((self.lines[path[:i]] for i in range(len(path) - 1, 0, -1)
                                             if path[:i] in self.lines), 1)
        self.errors.append((line, f"{self.name}:{line}: “{'.'.join(f'第{k + 1}项' if isinstance(k, int) else str(k) for k in path)}”{text}"))

    def merge(self, base: dict, override: dict, path: tuple = ()) -> None:
        for key, value in override.items():
            here = path + (key,)
            if key not in base and path in EXTENSIBLE_PATHS:
                base[key] = value      # a new field declared by the project (checked in _build)
            elif key not in base:
                self.error(here, f"不是可用的配置项；可用的有：{'、'.join(map(str, base))}")
            elif path == ("tables",) and isinstance(value, list):
                base[key] = value      # a list's columns, whole (checked by table_problems)
            elif path == ("rules",):
                level = self.rule_level(here, value, base[key])
                if level:
                    base[key] = level
            elif isinstance(base[key], dict):
                if isinstance(value, dict):
                    self.merge(base[key], value, here)
                else:
                    self.error(here, f"应为缩进的子项（映射），实际写的是{_describe(value)}")
            elif self.fits(here, base[key], value):
                base[key] = value

    def rule_level(self, path: tuple, value, default: str) -> str | None:
        if value is False:           # YAML reads an unquoted off/no/false as a boolean
            return "off"
        if value is True:            # on/yes/true: the rule as it comes
            return default
        if isinstance(value, str) and value.strip() in RULE_LEVELS:
            return value.strip()
        self.error(path, f"应为 error、warning、info 或 off 之一，实际写的是{_describe(value)}")
        return None

    def fits(self, path: tuple, default, value) -> bool:
        if isinstance(default, bool):
            ok, want = isinstance(value, bool), "true 或 false"
        elif isinstance(default, int):
            ok, want = isinstance(value, int) and not isinstance(value, bool) and value >= 0, "不小于 0 的整数"
        elif isinstance(default, str):
            ok, want = isinstance(value, (str, int, float)) and not isinstance(value, bool), "一段文字（是/否、on/off 等请加引号）"
        elif isinstance(default, list):
            ok, want = isinstance(value, list) and self.items_fit(path, default, value), "列表"
        else:
            ok, want = not isinstance(value, (list, dict)), "一个值"
        if not ok and not (isinstance(default, list) and isinstance(value, list)):
            self.error(path, f"应为{want}，实际写的是{_describe(value)}")
        return ok

    def items_fit(self, path: tuple, default: list, value: list) -> bool:
        shapes = [d for d in default if isinstance(d, dict)]
        ok = True
        for index, item in enumerate(value):
            here = path + (index,)
            if shapes:
                keys = set().union(*shapes)
                needed = {"name", "label"} & set.intersection(*(set(d) for d in shapes))
                if not isinstance(item, dict):
                    self.error(here, f"应为含 {'、'.join(sorted(keys))} 的映射，实际写的是{_describe(item)}")
                    ok = False
                    continue
                for key in sorted(set(item) - keys):
                    self.error(here + (key,), f"不是可用的子项；可用的有：{'、'.join(sorted(keys))}")
                    ok = False
                for key in sorted(needed - set(item)):
                    self.error(here, f"缺少子项“{key}”")
                    ok = False
                for key, sub in item.items():
                    sample = next((d[key] for d in shapes if key in d), None)
                    if key in keys and sample is not None and not self.fits(here + (key,), sample, sub):
                        ok = False
            elif isinstance(item, (list, dict)) or item is None or isinstance(item, bool):
                self.error(here, f"应为一段文字，实际写的是{_describe(item)}")
                ok = False
        return ok


def _read_yaml(path: Path) -> dict:
    """The packaged defaults: trusted, plain PyYAML (libyaml's parser when
    there is one). Importing PyYAML and parsing them costs a sixth of `taizhang
    check` on 1,000 records, so, as Python keeps compiled modules, the parsed
    defaults are kept as JSON in __pycache__ beside the file (_defaults_json).
    Read once per process while the file is unchanged (the command line reads
    them for its `new` options and again for the project); each caller gets
    its own copy, since merging a taizhang.yml changes it."""
    source = path.read_bytes().decode("utf-8-sig")
    if _DEFAULTS_CACHE.get("source") != source:
        _DEFAULTS_CACHE.clear()
        _DEFAULTS_CACHE.update(source=source, **_defaults_json(path, source))
    if "json" in _DEFAULTS_CACHE:
        return json.loads(_DEFAULTS_CACHE["json"])
    return copy.deepcopy(_DEFAULTS_CACHE["data"])


_DEFAULTS_CACHE: dict = {}


def _defaults_json(path: Path, source: str) -> dict:
    """{"json": the parsed file as JSON text} or, when JSON cannot hold it
    exactly, {"data": the parsed file}. The JSON is kept in __pycache__/NAME.json
    (its first line the whole source, as a JSON string): used only when that
    source is the very text read now, else made again from PyYAML's parse and
    written atomically (not at all under python -B or where it cannot be)."""
    cache = path.parent / "__pycache__" / f"{path.name}.json"
    try:
        first, _, text = cache.read_text(encoding="utf-8").partition("\n")
        if json.loads(first) == source and isinstance(json.loads(text), dict):
            return {"json": text}
    except (OSError, ValueError):
        pass   # none yet, unreadable or broken: parse
    import yaml

    data = yaml.load(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    if not _json_exact(data):
        return {"data": data}
    text = json.dumps(data, ensure_ascii=False)
    if not sys.dont_write_bytecode:
        temporary = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        try:
            cache.parent.mkdir(exist_ok=True)
            temporary.write_text(json.dumps(source, ensure_ascii=False) + "\n" + text, encoding="utf-8")
            os.replace(temporary, cache)
        except OSError:
            temporary.unlink(missing_ok=True)   # a read-only install: parse each time
    return {"json": text}


def _json_exact(value) -> bool:
    """Whether JSON gives back exactly this value: text keys, plain types, finite numbers."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_exact(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_exact(v) for v in value)
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    return value is None or isinstance(value, (str, int, bool))


def _read_project(path: Path) -> tuple[dict, dict]:
    """taizhang.yml through the records' own loader: safe tags, no aliases,
    limited nesting, each key's line kept for the messages."""
    from taizhang.load import parse_yaml
    from taizhang.problems import Reporter

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{path.name}：无法读取（{exc.strerror or exc}）") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path.name}：文件不是 UTF-8 编码；请用编辑器“另存为 UTF-8”") from None
    reporter = Reporter()
    parsed = parse_yaml(text.replace("\r\n", "\n").replace("\r", "\n"), path.name, reporter)
    if reporter.problems:
        raise ConfigError("\n".join(f"{p.path}:{p.line}: {p.message.replace('字段区', '配置')} — {p.fix}"
                                    for p in reporter.sorted()))
    data, lines = parsed if parsed else (None, {})
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name}:1: 配置必须是“键: 值”的映射")
    return data, lines


def load_vocabulary(project_root: Path | None = None) -> Vocabulary:
    """Defaults merged with the project's taizhang.yml, if it has one. Every
    mistake is a ConfigError naming the file and line, the rule and the fix;
    `tables` is checked here too, except the value names of the packaged
    lists, checked when a list is first made (Vocabulary.check_tables), so
    that `taizhang check` need not import the views.

    A Vocabulary is immutable, so the one made from the same two texts is
    given again (the command line reads it for its help, then for the project);
    a changed file, as under `mkdocs serve`, is read anew."""
    config = None if project_root is None else project_root / PROJECT_CONFIG
    try:
        key = (DEFAULTS_FILE.read_bytes(), config.read_bytes() if config is not None and config.is_file() else None)
    except OSError:
        return _load_vocabulary(project_root)   # unreadable: its own message
    vocab = _LOADED.get(key)
    if vocab is None:
        vocab = _load_vocabulary(project_root)   # a ConfigError is raised, never kept
        if len(_LOADED) >= 4:   # the defaults, a project's, a test's few: not one per serve edit
            _LOADED.clear()
        _LOADED[key] = vocab
    return vocab


_LOADED: dict = {}


def _load_vocabulary(project_root: Path | None) -> Vocabulary:
    raw = _read_yaml(DEFAULTS_FILE)
    own: frozenset = frozenset()
    lines: dict = {}
    if project_root is not None and (project_root / PROJECT_CONFIG).is_file():
        defaults = copy.deepcopy(raw["phrases"])
        override, lines = _read_project(project_root / PROJECT_CONFIG)
        if isinstance(override.get("tables"), dict):
            own = frozenset(t for t in override["tables"] if t in raw["tables"])
        merger = _Merger(lines)
        merger.merge(raw, copy.deepcopy(override))
        if not merger.errors:
            _check_phrases(raw["phrases"], defaults, raw, merger)
        for path, text in _words(override):
            # a phrase's (and a column label's) placeholders are checked on their own; its literal text
            # (where "{{" is "{") is checked here
            template = path[:1] == ("phrases",) or (path[:1] == ("tables",) and path[-1:] == ("label",))
            if (problem := word_problem(text, template=template)) is not None:
                shown = _WORD_INVISIBLE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)   # never echo a bidi control
                merger.error(path, f"：“{shown}”中有{problem} (config-word) — {CONFIG_WORD_FIX}")
        if merger.errors:
            raise ConfigError("\n".join(text for _, text in sorted(merger.errors)))
    tables = table_problems(raw, raw["tables"])
    try:
        vocab = _build(raw)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{PROJECT_CONFIG}：配置不完整或取值不对（{exc}）；对照 hooks/taizhang/vocabulary.yml 修改") from None
    vocab = replace(vocab, own_tables=own, config_lines=MappingProxyType(dict(lines)))
    tables += label_problems(vocab, vocab.tables)
    if own:
        # A taizhang.yml's lists are checked against the views' rows now; the packaged
        # ones when a list is first made (the views are the largest import of `taizhang check`).
        from taizhang.views.columns import name_problems
        tables += name_problems(vocab, own)
    if tables:
        raise ConfigError(located(tables, own, lines))
    return vocab


def _placeholders(text: str) -> set[str]:
    """Base names of a phrase's {placeholders}: {statuses[done]} → statuses."""
    names = {name for _, name, _, _ in string.Formatter().parse(str(text)) if name is not None}
    return {re.split(r"[\[.]", name, maxsplit=1)[0] for name in names}


def _check_phrases(phrases: dict, defaults: dict, raw: dict, merger: _Merger) -> None:
    """A renamed phrase may use the placeholders its default uses, and the
    kind labels, {declaration} and {closed}; nothing else. A placeholder is a
    name, or a group and one of its names ({statuses[done]}): no format spec
    ({days:>50000000} would write gigabytes), no conversion (!r), no attribute
    ({x.__class__}), no other index. Every problem is collected with its line."""
    general = {*raw["kinds"], "declaration", "closed", *ENUM_GROUPS, "keys", "stale_days"}
    groups = {group: dict(raw[group]) for group in ENUM_GROUPS}
    groups["keys"] = dict(raw["fields"])
    for name, text in phrases.items():
        where = ("phrases", name)
        try:
            fields = [f for f in string.Formatter().parse(str(text)) if f[1] is not None]
        except ValueError:
            merger.error(where, "：花括号不成对（“{”“}”要写成“{{”“}}”）")
            continue
        allowed = _placeholders(defaults[name]) | general
        for _, field_name, spec, conversion in fields:
            shown = "{" + field_name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            match = PLACEHOLDER.fullmatch(field_name)
            if conversion or spec or match is None:
                merger.error(where, f"：占位符“{shown}”不是“{{名称}}”或“{{分组[名称]}}” (phrase-placeholder) — "
                                    f"占位符只能写名称，不能带格式说明（:…）、转换（!…）、属性（.…）或其他下标，"
                                    f"如 {{days}}、{{statuses[done]}}；可用的名称有：{'、'.join(sorted(allowed))}")
                continue
            base, index = match.group(1), match.group(2)
            if base not in allowed:
                merger.error(where, f"：未知的占位符“{shown}” (phrase-placeholder) — "
                                    f"可用的有：{'、'.join(sorted(allowed))}")
            elif index is not None and (base not in groups or index not in groups[base]):
                known = f"可用的有：{'、'.join(groups[base])}" if base in groups else f"“{base}”不带下标"
                merger.error(where, f"：占位符中的名称“{shown}”不存在 (phrase-placeholder) — {known}")
            elif index is None and base in groups:
                merger.error(where, f"：占位符“{shown}”缺少下标 (phrase-placeholder) — "
                                    f"写成如 {{{base}[{next(iter(groups[base]))}]}}")


# Configured words land in pages (body, headings, attributes, navigation,
# search), in xlsx, docx, CSV and JSON, each with its own escaping, or none
# where a call site forgot. So a word may not hold what is markup in any of
# them: HTML's < > & " ', Markdown's ` \\ | * [ ], braces beyond {placeholders}
# (attr_list reads {…} as attributes), line ends, control characters and
# bidirectional controls (which reorder the text around them). One check, at
# the source, for every string of taizhang.yml, so words added to the
# vocabulary later are covered too (tests hold vocabulary.yml to it as well).
# Sections that are not words: rule levels, and the importer's keywords and
# patterns (matched against input, never shown).
NOT_WORDS = ("rules", "import")
_WORD_MARKUP = re.compile(r"[<>&\"'`\\|*\[\]{}]")
_WORD_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")
_WORD_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:\[[A-Za-z_][A-Za-z0-9_]*\])?\}")
CONFIG_WORD_FIX = ("用语会写进网页、导出文件和通报，只能是文字：把 < > & \" ' ` \\ | * [ ] { } 换成全角字符"
                   "（＜＞＆＂＇｀＼｜＊［］｛｝）或删去，花括号只用于 {名称} 形式的占位符；删去换行和看不见的控制字符")


def word_problem(text: str, template: bool = False) -> str | None:
    """What in a configured word would be markup or reorder text somewhere, said
    in Chinese; None when it is plain text. `template`: a phrase, whose literal
    text is checked (its placeholders are _check_phrases')."""
    invisible = _WORD_INVISIBLE.findall(text)
    if invisible:
        return "换行或看不见的控制字符（" + "、".join(dict.fromkeys(f"U+{ord(c):04X}" for c in invisible)) + "）"
    literal = _WORD_PLACEHOLDER.sub("", text)
    if template:
        try:
            literal = "".join(part for part, *_ in string.Formatter().parse(text))
        except ValueError:
            pass   # unbalanced braces: the placeholder rule says so, and the braces are reported below
    markup = _WORD_MARKUP.findall(literal)
    if markup:
        return "字符" + "".join(dict.fromkeys(f"“{c}”" for c in markup))
    return None


def _words(data, path: tuple = ()):
    """(path, text) of every string in a configuration tree, outside NOT_WORDS."""
    if isinstance(data, dict):
        for key, value in data.items():
            if not path and key in NOT_WORDS:
                continue
            yield from _words(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _words(value, path + (index,))
    elif isinstance(data, str):
        yield path, data


def default_word_problems() -> list[tuple[tuple, str]]:
    """The packaged vocabulary held to the same rule (tests call this)."""
    return [(path, problem) for path, text in _words(_read_yaml(DEFAULTS_FILE))
            if (problem := word_problem(text, template=path[:1] == ("phrases",))) is not None]


PLACEHOLDER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([A-Za-z_][A-Za-z0-9_]*)\])?")


def _validate(raw: dict) -> None:
    """Names that point elsewhere in the vocabulary must exist there."""
    for name, spec in raw["fields"].items():
        if not isinstance(spec, dict) or not isinstance(spec.get("key"), str) or spec.get("type") not in FIELD_TYPES:
            raise ConfigError(f"fields.{name}：每个字段要写 key（字段名）和 type（{'、'.join(FIELD_TYPES)} 之一）")
    for kind, spec in raw["kind_fields"].items():
        for part in ("required", "optional"):
            unknown = [n for n in spec.get(part, ()) if n not in raw["fields"]]
            if unknown:
                raise ConfigError(f"kind_fields.{kind}.{part}：未知的字段“{'、'.join(unknown)}”，"
                                  f"可用的有：{'、'.join(raw['fields'])}（新字段先在 fields 中声明）")
    for group in COLOURED_GROUPS:
        for name, spec in raw[group].items():
            _check_colours(f"{group}.{name}", spec)
    unknown = [n for n in (raw["import"].get("status_words") or {}) if n not in raw["statuses"]]
    if unknown:
        raise ConfigError(f"{PROJECT_CONFIG}：import.status_words 中的“{'、'.join(map(str, unknown))}”不是状态名，"
                          f"可用的有：{'、'.join(raw['statuses'])}")
    valid = ledger_column_names(raw)
    for column in raw["ledger_columns"]:
        name = column.get("name") if isinstance(column, dict) else None
        if name not in valid:
            raise ConfigError(f"ledger_columns：未知的列名“{name}”，可用的有：{'、'.join(valid)}")


# Groups whose every value has a colour and a fill (see vocabulary.yml).
COLOURED_GROUPS = ("statuses", "lights")
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
WHITE = "#ffffff"
AA = 4.5


def luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of "#RRGGBB"."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two "#RRGGBB" colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _check_colours(where: str, spec) -> None:
    colours = {key: spec.get(key) if isinstance(spec, dict) else None for key in ("colour", "fill")}
    for key, value in colours.items():
        if not isinstance(value, str) or not _HEX.fullmatch(value):
            raise ConfigError(f"{where}.{key}：应写 #RRGGBB 形式的颜色（如 \"#1558b0\"，要加引号），实际写的是 {value!r}")
    for ground in (WHITE, colours["fill"]):
        ratio = contrast(colours["colour"], ground)
        if ratio < AA:
            raise ConfigError(f"{where}.colour：{colours['colour']} 在 {ground} 上的对比度只有 {ratio:.2f}:1，"
                              f"低于无障碍要求的 {AA}:1；请换深一些的颜色（或浅一些的 fill）")


def ledger_column_names(raw: dict) -> list[str]:
    """Columns the ledger layout can fill: its own (序号, 完成情况 …) and any field."""
    return list(dict.fromkeys([*LEDGER_COLUMNS, *raw["fields"]]))


# Columns the ledger rows compute (export/rows.py); any field name is a column too.
LEDGER_COLUMNS = ("number", "feedback", "problem", "cause", "measure", "leader", "unit", "owner", "deadline",
                  "progress", "completion", "evidence", "signoff")


def _build(raw: dict) -> Vocabulary:
    _validate(raw)

    def frozen(d):
        return MappingProxyType(d)

    kinds = {n: Kind(n, v["label"], v["prefix"], v["folder"]) for n, v in raw["kinds"].items()}
    enums = {
        group: frozen({
            n: EnumValue(n, str(v["label"]), tuple(v.get("aliases", ())), bool(v.get("closed", False)),
                         str(v.get("colour", "")), str(v.get("fill", "")), str(v.get("symbol", "")))
            for n, v in raw[group].items()
        })
        for group in ENUM_GROUPS
    }
    fields = {
        n: Field(n, str(v["key"]), v["type"], v.get("help", ""), v.get("target"))
        for n, v in raw["fields"].items()
    }
    by_key = {
        kind: frozen({fields[n].key: fields[n] for n in (*spec["required"], *spec["optional"])})
        for kind, spec in raw["kind_fields"].items()
    }
    vocab = Vocabulary(
        fields_by_key=frozen(by_key),
        kinds=frozen(kinds),
        enums=frozen(enums),
        fields=frozen(fields),
        required=frozen({k: tuple(v["required"]) for k, v in raw["kind_fields"].items()}),
        optional=frozen({k: tuple(v["optional"]) for k, v in raw["kind_fields"].items()}),
        rules=frozen(dict(raw["rules"])),
        long_term_deadline=str(raw["long_term_deadline"]),
        due_soon_days=int(raw["due_soon_days"]),
        long_term_stale_days=int(raw["long_term_stale_days"]),
        progress_keys=frozen(dict(raw["progress_keys"])),
        evidence_keys=frozen(dict(raw["evidence_keys"])),
        relations=frozen({k: frozen(dict(v)) for k, v in raw["relations"].items()}),
        import_rules=frozen(dict(raw["import"])),
        required_unless=frozen(dict(raw.get("required_unless") or {})),
        phrases=frozen({k: str(v) for k, v in raw["phrases"].items()}),
        ledger_columns=tuple(Column(c["name"], str(c.get("label") or raw["fields"].get(c["name"], {}).get("key", c["name"])),
                                    int(c.get("width", 16))) for c in raw["ledger_columns"]),
        exports=frozen(_exports(raw["exports"])),
        tables=frozen({name: tuple(_table_column(raw, c) for c in (columns if isinstance(columns, list) else ()))
                       for name, columns in raw["tables"].items()}),
    )
    # Column labels and field help may name other words ({measure}, {keys[id]}, {phrases[row_number]}).
    fields = {n: replace(f, help=_filled(vocab, f.help, f"fields.{n}.help ")) for n, f in fields.items()}
    by_key = {kind: frozen({fields[n].key: fields[n] for n in (*spec["required"], *spec["optional"])})
              for kind, spec in raw["kind_fields"].items()}
    relations = {name: frozen({side: _filled(vocab, text, f"relations.{name}.{side} ") for side, text in sides.items()})
                 for name, sides in vocab.relations.items()}
    return replace(
        vocab, fields=frozen(fields), fields_by_key=frozen(by_key), relations=frozen(relations),
        ledger_columns=tuple(Column(c.name, _filled(vocab, c.label, f"ledger_columns 中“{c.name}”的列名"), c.width)
                             for c in vocab.ledger_columns),
    )


def _filled(vocab: Vocabulary, text: str, where: str) -> str:
    try:
        return vocab.fill(text)
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{PROJECT_CONFIG} 的 {where}“{text}”中有无法替换的 {{…}}（{exc}）：可写 {{measure}}、{{keys[字段名]}}、"
                          f"{{phrases[短语名]}} 等，或去掉花括号") from exc


def _table_column(raw: dict, c) -> TableColumn:
    """A column of `tables` as declared. Its mistakes are table_problems' (reported together
    with the labels' and names' once built): here a mistake only leaves a blank."""
    c = c if isinstance(c, dict) else {}
    name = c.get("name") if isinstance(c.get("name"), str) else ""
    field = raw["fields"].get(name)
    label = c.get("label") or (field.get("key") if isinstance(field, dict) else "") or ""
    width = c.get("width", DEFAULT_WIDTH)
    width = float(width) if isinstance(width, (int, float)) and not isinstance(width, bool) else float(DEFAULT_WIDTH)
    return TableColumn(name, str(c.get("as") or "text"), str(label), width, str(c.get("role") or ""),
                       str(c.get("gap") or ""), c.get("site", True) is not False, c.get("sheet", True) is not False,
                       str(c.get("align") or ""))


# -- tables: what a column may say, checked while the vocabulary loads ---------
TABLE_KEYS = ("name", "as", "label", "width", "role", "gap", "site", "sheet", "align")
TABLE_ROLES = ("", "id", "title", "wide", "key", "num")
TABLE_ALIGNS = ("centre", "left")
# Names a table's labels may use beyond the phrases' (filled in by the code that makes it).
TABLE_NAMES = {"responsibility_groups": ("field",)}
DEFAULT_WIDTH, MAX_WIDTH = 10, 255          # Excel character units; 255 is Excel's widest column
OVERVIEW = "overview_"                      # the 督查总览's tables (taizhang gather), rows in views/overview.py
# How a value can be shown. The lists' (views/columns.py for sheets, render/columns.py for the site)
# and the 督查总览's (gather/columns.py, gather/pages.py) each know every one of theirs.
LIST_SHOWS = ("number", "id", "title", "title_marked", "title_text", "ids", "links", "link", "texts", "text",
              "plain", "count", "date", "deadline", "status", "status_marked", "light", "evidence",
              "measure_statuses", "verdict", "round_id", "round_links", "days", "rate")
OVERVIEW_SHOWS = ("number", "unit", "text", "texts", "count", "rate", "overdue", "due_soon", "date", "id",
                  "deadline", "status", "light", "days", "places", "lagging", "handling")


def table_shows(table: str) -> tuple[str, ...]:
    return OVERVIEW_SHOWS if table.startswith(OVERVIEW) else LIST_SHOWS


def _rule(text: str, rule: str, fix: str) -> str:
    return f"{text} ({rule}) — {fix}"


def _column_problems(raw: dict, table: str, index: int, c) -> list[tuple[tuple, str]]:
    """A column's own mistakes (no rows needed): keys, types, width, role, align, gap, label's presence."""
    where = ("tables", table, index)
    if not isinstance(c, dict):
        return [(where, _rule(f"应为一列的映射，实际写的是{_describe(c)}", "table-column",
                              "每一列写成 {name: 值名, as: 显示方式, label: 列名}，可加 width、role、gap、site、sheet、align"))]
    keys = "、".join(TABLE_KEYS)
    out = [(where + (key,), _rule(f"中的“{key}”不是列的设置项", "table-key", f"可写的有：{keys}"))
           for key in c if key not in TABLE_KEYS]
    for check in COLUMN_CHECKS:
        found = check(raw, table, c)
        if found:
            key, text = found
            out.append((where + ((key,) if key in c else ()), text))
    return out


def _name_problem(raw: dict, table: str, c: dict):
    name = c.get("name")
    if isinstance(name, str) and name:
        return None
    what = "缺少 name（这一列显示行中的哪个值）" if "name" not in c else f"的 name 应为值名，实际写的是{_describe(name)}"
    return "name", _rule(what, "table-name", "写上行中的值名，如 name: signoff（可用的值名见 README“清单增加一列”）")


def _as_problem(raw: dict, table: str, c: dict):
    show = c.get("as", "text")
    if show in table_shows(table):
        return None
    return "as", _rule(f"的显示方式“{show}”未知", "table-as", f"可用的有：{'、'.join(table_shows(table))}")


def _label_problem(raw: dict, table: str, c: dict):
    label, name = c.get("label"), c.get("name")
    if label is None and not (isinstance(name, str) and isinstance(raw["fields"].get(name), dict)):
        return "", _rule("缺少 label（列名）", "table-label", "写上 label: 列名；只有 name 是字段名时才可省略，列名取字段名")
    if label is not None and (not isinstance(label, (str, int, float)) or isinstance(label, bool)):
        return "label", _rule(f"的列名应为一段文字，实际写的是{_describe(label)}", "table-label", "写成 label: 列名")
    return None


def _width_problem(raw: dict, table: str, c: dict):
    width = c.get("width", DEFAULT_WIDTH)
    if not isinstance(width, bool) and isinstance(width, (int, float)) and 1 <= width <= MAX_WIDTH:
        return None
    return "width", _rule(f"的列宽{_describe(width)}不合适", "table-width",
                          f"写 1 到 {MAX_WIDTH} 之间的数（工作表列宽，Excel 字符单位），如 width: 12")


def _role_problem(raw: dict, table: str, c: dict):
    role = c.get("role", "")
    if role in TABLE_ROLES:
        return None
    return "role", _rule(f"的 role“{role}”未知", "table-role",
                         f"手机卡片中的位置只能是 {'、'.join(r for r in TABLE_ROLES if r)}，或不写")


def _gap_problem(raw: dict, table: str, c: dict):
    gap = c.get("gap", "")
    if not gap or (isinstance(gap, str) and gap in raw["phrases"]):
        return None
    return "gap", _rule(f"的 gap“{gap}”不是固定用语", "table-gap",
                        "写 phrases 中的名称（值为空时显示这句话），如 no_measures、no_problems")


def _align_problem(raw: dict, table: str, c: dict):
    align = c.get("align", "")
    if not align or align in TABLE_ALIGNS:
        return None
    return "align", _rule(f"的 align“{align}”未知", "table-align",
                          f"工作表中的对齐只能是 {' 或 '.join(TABLE_ALIGNS)}（居中或靠左），或不写")


def _flag_problem(key: str, where: str):
    def check(raw: dict, table: str, c: dict):
        if key not in c or isinstance(c[key], bool):
            return None
        return key, _rule(f"的 {key} 应为 true 或 false，实际写的是{_describe(c[key])}", "table-flag",
                          f"写 {key}: false（不在{where}上显示），或不写")
    return check


# Each check: (raw, table, column) -> (the key it is about, message) or None.
COLUMN_CHECKS = (_name_problem, _as_problem, _label_problem, _width_problem, _role_problem, _gap_problem,
                 _align_problem, _flag_problem("site", "网站"), _flag_problem("sheet", "工作表"))


def table_problems(raw: dict, tables) -> list[tuple[tuple, str]]:
    """(path, message) of every mistake in the named `tables` of a merged configuration that can
    be seen without the rows (views/columns.py checks the value names against them)."""
    out = []
    for table in tables:
        columns = raw["tables"][table]
        if not isinstance(columns, list):
            out.append((("tables", table), _rule(f"应为列的列表，实际写的是{_describe(columns)}", "table-empty",
                                                 "每一列写成一行“- {name: …, as: …, label: …}”")))
            continue
        for index, c in enumerate(columns):
            out += _column_problems(raw, table, index, c)
        for key, where in (("site", "网站"), ("sheet", "工作表")):
            if not any(isinstance(c, dict) and c.get(key, True) is not False for c in columns):
                out.append((("tables", table), _rule(f"没有在{where}上显示的列", "table-empty",
                                                     f"至少留一列不写 {key}: false")))
    return out


def label_problems(vocab: Vocabulary, tables) -> list[tuple[tuple, str]]:
    """Column labels whose {placeholders} cannot be filled (as in phrases: a name or a group and
    one of its names; {phrases[x]} only when x needs no values of its own)."""
    out = []
    for table in tables:
        for index, c in enumerate(vocab.tables[table]):
            try:
                vocab.fill(c.label, **dict.fromkeys(TABLE_NAMES.get(table, ()), ""))
            except (KeyError, IndexError, ValueError, AttributeError) as exc:
                reason = exc.args[0] if isinstance(exc, ValueError) and exc.args else f"“{exc.args[0] if exc.args else exc}”不存在"
                out.append((("tables", table, index, "label"), _rule(
                    f"的列名“{c.label}”中有无法替换的占位符：{reason}", "table-label",
                    "占位符写成 {measure}、{keys[字段名]}、{statuses[done]}、{lights[red]}、{phrases[短语名]}；"
                    "不要占位符时去掉花括号")))
    return out


def located(problems, own: frozenset, project_lines: dict) -> str:
    """Messages as `file:LINE: “path”text`, sorted by file and line: a table given in taizhang.yml
    is located there, the others in the packaged vocabulary.yml (its lines read only now)."""
    mine = _Merger(project_lines)
    packaged = _Merger(_packaged_lines(), str(DEFAULTS_FILE))
    for path, text in problems:
        (mine if path[1] in own else packaged).error(path, text)
    return "\n".join(text for _, text in sorted(mine.errors) + sorted(packaged.errors))


def _packaged_lines() -> dict:
    """Line numbers of the packaged vocabulary.yml, parsed as taizhang.yml is (only for a message)."""
    from taizhang.load import parse_yaml
    from taizhang.problems import Reporter

    parsed = parse_yaml(DEFAULTS_FILE.read_text(encoding="utf-8-sig"), DEFAULTS_FILE.name, Reporter())
    return parsed[1] if parsed else {}


PAPERS = ("A4", "A3")


def _exports(raw: dict) -> dict:
    paper = str(raw.get("paper", "A4")).upper()
    if paper not in PAPERS:
        raise ConfigError(f"{PROJECT_CONFIG}：exports.paper 只能是 {' 或 '.join(PAPERS)}，现在是“{raw.get('paper')}”")
    try:
        size = float(raw.get("font_size", 11))
    except (TypeError, ValueError):
        size = 0
    if not 8 <= size <= 20:
        raise ConfigError(f"{PROJECT_CONFIG}：exports.font_size 应是 8 到 20 之间的字号（磅），现在是“{raw.get('font_size')}”")
    return {"filing_unit": str(raw.get("filing_unit") or "").strip(), "issuer": str(raw.get("issuer") or "").strip(),
            "recipient": str(raw.get("recipient") or "").strip(),
            "paper": paper, "font_size": size}
