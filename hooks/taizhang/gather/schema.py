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

_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}
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


def _check(value, node: dict, root: dict, path: tuple, out: list[str]) -> None:
    node = _resolve(node, root)
    types = node.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(_TYPES[t](value) for t in types):
            wanted = " 或 ".join(_TYPE_LABELS[t] for t in types)
            out.append(f"{_where(path)}应为{wanted}，实为 {json.dumps(value, ensure_ascii=False)[:40]}")
            return
    if "enum" in node and value not in node["enum"]:
        allowed = "、".join(json.dumps(v, ensure_ascii=False) for v in node["enum"])
        out.append(f"{_where(path)}的取值 {json.dumps(value, ensure_ascii=False)[:40]} 不在 {allowed} 之中")
        return
    if "pattern" in node and isinstance(value, str) and not re.search(node["pattern"], value):
        out.append(f"{_where(path)}的取值 {value[:40]!r} 格式不对（应符合 {node['pattern']}）")
    if isinstance(value, dict):
        for key in node.get("required", ()):
            if key not in value:
                out.append(f"{_where(path)}缺少必需的字段 {key}")
        for key, sub in node.get("properties", {}).items():
            if key in value:
                _check(value[key], sub, root, path + (key,), out)
    if isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            _check(item, node["items"], root, path + (index,), out)


def validate(data) -> list[str]:
    """Every way `data` breaks the schema, as Chinese messages (empty: valid)."""
    out: list[str] = []
    root = schema()
    _check(data, root, root, (), out)
    return out


def versions(data: list) -> set:
    """The schema versions the objects of a records.json declare (1: none)."""
    return {item.get(VERSION_KEY, 1) if isinstance(item, dict) else 1 for item in data}
