"""Checking a unit's records.json against records.schema.json, by hand.

The schema file beside the exporter is the one description of the format;
this walks the part of JSON Schema it uses (type, enum, pattern, required,
properties, items, $ref into $defs) and returns readable Chinese messages.

Why not the jsonschema package: it would be the only runtime dependency
pulled in for this (with attrs, referencing and the compiled rpds-py), the
schema uses a handful of keywords, and gather must say in Chinese which
record and which field is wrong. `additionalProperties` is deliberately not
enforced: a unit on a newer taizhang of the same schema version may carry
fields this one does not know, and gather reads only the fields it needs.
tests/test_gather.py checks this walk against jsonschema on the same inputs.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from taizhang.export.tabular import SCHEMA_FILE, SCHEMA_VERSION, VERSION_KEY  # noqa: F401

READABLE_VERSIONS = (2,)            # the records.json versions gather reads
MAX_MESSAGES = 5

# JSON Schema types as Python types (bool is not int here: type() is exact).
_TYPES = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
          "array": (list,), "object": (dict,), "null": (type(None),)}
_TYPE_LABELS = {"string": "文字", "integer": "整数", "number": "数字", "boolean": "true/false",
                "array": "列表", "object": "对象", "null": "null"}


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def _resolve(node: dict, root: dict) -> dict:
    ref = node.get("$ref")
    if not ref:
        return node
    target = root
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return target


def _where(path: tuple) -> str:
    """(12, "progress", 0, "date") -> 第 13 条记录的字段 progress[0].date"""
    if not path:
        return "文件"
    head, rest = path[0], path[1:]
    text = f"第 {head + 1} 条记录" if isinstance(head, int) else str(head)
    if rest:
        text += "的字段 " + "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p)
                                  for i, p in enumerate(rest))
    return text


def _short(value) -> str:
    return json.dumps(value, ensure_ascii=False)[:40]


def _compile(node: dict, root: dict):
    """The schema node as a function check(value, path, out): compiled once,
    so 45,000 records are checked without re-reading the schema for each."""
    node = _resolve(node, root)
    names = node.get("type")
    names = [names] if isinstance(names, str) else names
    allowed = frozenset(t for n in names or () for t in _TYPES[n])
    wanted = " 或 ".join(_TYPE_LABELS[n] for n in names or ())
    enum = node.get("enum")
    pattern = re.compile(node["pattern"]) if "pattern" in node else None
    required = tuple(node.get("required", ()))
    properties = {k: _compile(sub, root) for k, sub in node.get("properties", {}).items()}
    items = _compile(node["items"], root) if "items" in node else None

    def check(value, path: tuple, out: list[str]) -> None:
        if allowed and type(value) not in allowed:
            out.append(f"{_where(path)}应为{wanted}，实为 {_short(value)}")
            return
        if enum is not None and value not in enum:
            out.append(f"{_where(path)}的取值 {_short(value)} 不在 {'、'.join(_short(v) for v in enum)} 之中")
            return
        if pattern is not None and type(value) is str and not pattern.search(value):
            out.append(f"{_where(path)}的取值 {value[:40]!r} 格式不对（应符合 {pattern.pattern}）")
        if type(value) is dict:
            for key in required:
                if key not in value:
                    out.append(f"{_where(path)}缺少必需的字段 {key}")
            for key, item in value.items():
                sub = properties.get(key)
                if sub is not None:
                    sub(item, path + (key,), out)
        elif items is not None and type(value) is list:
            for index, item in enumerate(value):
                items(item, path + (index,), out)

    return check


@lru_cache(maxsize=1)
def _validator():
    root = schema()
    return _compile(root, root)


def validate(data) -> list[str]:
    """Every way `data` breaks the schema, as Chinese messages (empty: valid)."""
    out: list[str] = []
    _validator()(data, (), out)
    return out


def versions(data: list) -> set:
    """The schema versions the objects of a records.json declare (1: none)."""
    return {item.get(VERSION_KEY, 1) if isinstance(item, dict) else 1 for item in data}
