"""Checking a unit's records.json: its version, then its shape.

The shape is records.schema.json as the exporter generates it from the
vocabulary (taizhang.export.tabular.schema), walked by a small compiled
checker for the keywords it uses (type, enum, const, pattern, required,
properties, items, anyOf, allOf, if/then/else) that returns Chinese
messages naming the record and the field.

Three parts of that schema are deliberately not enforced, because they
describe one unit's vocabulary or taizhang release rather than the format
gather reads:
  - enums of labels (整改状态, 整改类型, …) become "text": a unit may rename
    已完成 to 办结 in its taizhang.yml, and gather reads closure from the
    derived `light`, not from the label;
  - `propertyNames` (the list of allowed keys): a unit on a newer taizhang of
    the same schema version may carry fields this one does not know;
  - keys of optional fields need not be present: a unit on an older taizhang
    of the same version may lack a field added since. Present, they are
    checked; each kind's required fields and the keys gather reads
    (GATHER_BASE, GATHER_READS) must be there.

Why not the jsonschema package: it would be a runtime dependency (with
attrs, referencing and the compiled rpds-py) for a handful of keywords, and
gather must say in Chinese which record and field is wrong, at 45,000
records in a few seconds. tests/test_gather.py checks this walk against
jsonschema on the same (relaxed) schema.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from taizhang.export.tabular import SCHEMA_VERSION, schema as exporter_schema
from taizhang.vocabulary import ENUM_GROUPS, load_vocabulary

VERSION_KEY = "schema_version"
READABLE_VERSIONS = (SCHEMA_VERSION,)   # the records.json versions gather reads
MAX_MESSAGES = 5
# Keys gather reads: of every record, and per kind.
GATHER_BASE = ("schema_version", "id", "kind", "title", "round")
GATHER_READS = {
    "round": ("team", "inspected", "feedback_date", "areas", "as_of"),
    "feedback": ("area", "quote", "answered_by"),
    "problem": ("area", "nature", "measures"),
    "measure": ("unit", "owner", "deadline", "long_term", "status", "progress", "completed_on", "signed_off_on",
                "light", "days_left"),
}

# JSON Schema types as Python types (bool is not int here: type() is exact).
_TYPES = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
          "array": (list,), "object": (dict,), "null": (type(None),)}
_TYPE_LABELS = {"string": "文字", "integer": "整数", "number": "数字", "boolean": "true/false",
                "array": "列表", "object": "对象", "null": "null"}


def _relaxed(node, labels: frozenset):
    """The schema with label enums as text and without propertyNames (see above)."""
    if isinstance(node, list):
        return [_relaxed(n, labels) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _relaxed(v, labels) for k, v in node.items() if k != "propertyNames"}
    enum = node.get("enum")
    if enum and all(v is None or v in labels for v in enum) and any(v in labels for v in enum):
        del out["enum"]
        out["type"] = ["string", "null"] if None in enum else "string"
    return out


def _needed_keys(shape: dict, vocab) -> dict:
    """Records require only what gather reads; each kind's branch, besides,
    the kind's required fields (see above)."""
    items = shape["items"]
    items["required"] = [k for k in items.get("required", ()) if k in GATHER_BASE]
    base = set(GATHER_BASE)
    for branch in shape["items"].get("allOf", ()):
        kind = branch.get("if", {}).get("properties", {}).get("kind", {}).get("const")
        then = branch.get("then")
        if kind is None or not then or "required" not in then:
            continue
        keep = base | set(vocab.required.get(kind, ())) | set(GATHER_READS.get(kind, ()))
        then["required"] = [k for k in then["required"] if k in keep]
    return shape


@lru_cache(maxsize=1)
def schema() -> dict:
    """The shape gather checks: the exporter's schema, relaxed."""
    vocab = load_vocabulary()
    labels = frozenset(v.label for group in ENUM_GROUPS for v in vocab.enums[group].values())
    return _needed_keys(_relaxed(exporter_schema(vocab), labels), vocab)


def _flat(path) -> list:
    """Paths are built as nested pairs ((…, 12), "progress") while checking: flatten them."""
    parts = []
    while path:
        path, last = path
        parts.append(last)
    return parts[::-1]


def _where(path) -> str:
    """(12, "progress", 0, "date") -> 第 13 条记录的字段 progress[0].date"""
    parts = _flat(path)
    if not parts:
        return "文件"
    head, rest = parts[0], parts[1:]
    text = f"第 {head + 1} 条记录" if isinstance(head, int) else str(head)
    if rest:
        text += "的字段 " + "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p)
                                  for i, p in enumerate(rest))
    return text


def _short(value) -> str:
    return json.dumps(value, ensure_ascii=False)[:40]


# Problems are collected as (path, what, value, detail) and worded only when
# reported: probes (if, anyOf) make and drop many of them.
_WORDING = {
    "type": lambda value, detail: f"应为{detail}，实为 {_short(value)}",
    "enum": lambda value, detail: f"取值 {_short(value)} 不在 {'、'.join(_short(v) for v in detail)} 之中",
    "const": lambda value, detail: f"应为 {_short(detail)}，实为 {_short(value)}",
    "pattern": lambda value, detail: f"取值 {value[:40]!r} 格式不对（应符合 {detail}）",
    "required": lambda value, detail: f"缺少必需的字段 {detail}",
}


def _compile(node: dict):
    """The schema node as a function check(value, path, out): compiled once,
    so 45,000 records are checked without re-reading the schema for each."""
    names = node.get("type")
    names = [names] if isinstance(names, str) else names
    allowed = frozenset(t for n in names or () for t in _TYPES[n])
    wanted = " 或 ".join(_TYPE_LABELS[n] for n in names or ())
    enum = node.get("enum")
    has_const, const = "const" in node, node.get("const")
    pattern = re.compile(node["pattern"]) if "pattern" in node else None
    required = tuple(node.get("required", ()))
    properties = {k: _compile(sub) for k, sub in node.get("properties", {}).items()}
    items = _compile(node["items"]) if "items" in node else None
    all_of = [_compile(sub) for sub in node.get("allOf", ())]
    any_of = [_compile(sub) for sub in node.get("anyOf", ())]
    condition = _compile(node["if"]) if "if" in node else None
    then = _compile(node["then"]) if "then" in node else None
    otherwise = _compile(node["else"]) if "else" in node else None
    null_ok = any(sub.get("type") == "null" for sub in node.get("anyOf", ()))
    if set(node) <= {"type", "description"}:          # the common leaf: a type and nothing else
        def leaf(value, path, out: list) -> None:
            if allowed and type(value) not in allowed:
                out.append((path, "type", value, wanted))
        return leaf

    def check(value, path, out: list) -> None:
        if allowed and type(value) not in allowed:
            out.append((path, "type", value, wanted))
            return
        if enum is not None and value not in enum:
            out.append((path, "enum", value, enum))
            return
        if has_const and (value != const or type(value) is not type(const)):
            out.append((path, "const", value, const))
            return
        if pattern is not None and type(value) is str and not pattern.search(value):
            out.append((path, "pattern", value, pattern.pattern))
        if type(value) is dict:
            for key in required:
                if key not in value:
                    out.append((path, "required", None, key))
            if properties:
                for key, item in value.items():
                    sub = properties.get(key)
                    if sub is not None:
                        sub(item, (path, key), out)
        elif items is not None and type(value) is list:
            for index, item in enumerate(value):
                items(item, (path, index), out)
        for sub in all_of:
            sub(value, path, out)
        if any_of and not (null_ok and value is None):
            tried: list = []
            for sub in any_of:
                found: list = []
                sub(value, path, found)
                if not found:
                    break
                tried += found
            else:   # say what the most telling alternative wanted (not "null", not a switch like long_term)
                out.append(next((t for t in tried if t[1] != "const" and t[3] != "null"), tried[0]))
        if condition is not None:
            probe: list = []
            condition(value, path, probe)
            branch = then if not probe else otherwise
            if branch is not None:
                branch(value, path, out)

    return check


@lru_cache(maxsize=1)
def _validator():
    return _compile(schema())


def validate(data) -> list[str]:
    """Every way `data` breaks the schema, as Chinese messages (empty: valid)."""
    out: list = []
    _validator()(data, (), out)
    # A key required by the record and by its kind is reported once.
    return list(dict.fromkeys(f"{_where(path)}：{_WORDING[what](value, detail)}" for path, what, value, detail in out))


def versions(data: list) -> set:
    """The schema versions the objects of a records.json declare (1: none)."""
    return {item.get(VERSION_KEY, 1) if isinstance(item, dict) else 1 for item in data}
