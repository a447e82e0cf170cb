"""CSV of the ledger layout (Excel opens it without mojibake) and a JSON
array of every record with every vocabulary field, described by a schema
generated from the same vocabulary (records.schema.json)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math

from taizhang.export.rows import ledger_blocks
from taizhang.link import Ledger
from taizhang.model import FeedbackRecord, MeasureRecord, ProblemRecord, Record, RoundRecord
from taizhang.views import Scope, late_days

BOM = "\ufeff"


def is_sample(ledger: Ledger) -> bool:
    """Built from a round marked 示例数据."""
    return any(r.sample for r in ledger.rounds)


# OWASP, CSV injection: a cell starting with one of these is read as a
# formula by Excel or LibreOffice; a leading apostrophe makes it text.
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """One CSV field: dates as YYYY-MM-DD, numbers as digits, text with a
    leading apostrophe when it would otherwise start a formula."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(CSV_FORMULA_START) else text


def ledger_csv(ledger: Ledger, scope: Scope) -> bytes:
    """One row per (feedback, problem, measure) path, with its area; every
    field quoted (OWASP's advice, and Excel keeps line breaks inside)."""
    columns = ledger.vocab.ledger_columns
    if CSV_AS_BYTES:
        data = io.BytesIO()
        buffer = io.TextIOWrapper(data, encoding="utf-8", newline="", write_through=False)
        buffer.write(BOM)
    else:
        buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    # sample data: a first column 示例数据 saying 是 on every row, so a copied row still says so
    sample = [ledger.vocab.phrase("yes")] if is_sample(ledger) else []
    writer.writerow([*([ledger.vocab.key("sample")] if sample else []), ledger.vocab.key("area"), *(c.label for c in columns)])
    for block in ledger_blocks(ledger, scope):
        for row in block.rows:
            writer.writerow([*sample, csv_cell(block.name), *(csv_cell(row.cells.get(c.name, "")) for c in columns)])
    if CSV_AS_BYTES:
        buffer.flush()
        return data.getvalue()
    return (BOM + buffer.getvalue()).encode("utf-8")


# The CSV is encoded as its rows are written, into bytes (CSV_AS_BYTES; False: written as
# text, then the text copied with the BOM and encoded, tests compare): at 5,000 records
# its 24 MB were held as text three times over (the buffer, its value, with the BOM) and
# once encoded, the downloads process's peak after SHEET_BY_SHEET.
CSV_AS_BYTES = True


SCHEMA_VERSION = 2   # records.json objects carry it; files without the key are version 1

# Keys every record has, whatever its kind (besides its kind's fields).
BASE_KEYS = ("schema_version", "id", "kind", "kind_label", "title", "round", "path", "body", "publish", "draft")
# Those of them that are vocabulary fields, written as a field is (`kind` is written as it is).
_FIELDS_OF_EVERY_RECORD = ("id", "title", "round", "publish", "draft")


def json_fields(vocab, kind: str) -> tuple[str, ...]:
    """The vocabulary fields records.json writes for a record of `kind` and its
    schema describes: the kind's own, then those every record has; not `kind`."""
    return tuple(name for name in dict.fromkeys((*vocab.fields_of(kind), *_FIELDS_OF_EVERY_RECORD)) if name != "kind")
# Values computed from the ledger (not written in the record), per kind.
# Descriptions are vocabulary phrases' placeholders: {problem}, {keys[status]} ….
DERIVED = {
    "feedback": {"answered_by": ("ids", "回应本条的{problem}（派生）"),
                 "status": ("label", "{keys[status]}，按其{problem}的{measure}计算；{keys[not_task]}为空（派生）")},
    "problem": {"status": ("label", "{keys[status]}，按其{measure}计算（派生）"),
                "reported_status": ("label", "{problem}填报的{keys[status]}"),
                "measures": ("ids", "{measure}（派生）")},
    "cause": {"explains": ("ids", "引用本条的{problem}（派生）"),
              "targeted_by": ("ids", "针对本条的{measure}（派生）")},
    "measure": {"long_term": ("bool", "{keys[deadline]}为{measure_types[long_term]}"),
                "light": ("light", "{phrases[light_header]}灯：red {lights[red]} / yellow {lights[yellow]} / pending {lights[pending]}（{keys[draft]}缺{keys[deadline]}）/ "
                                   "green {lights[green]} / done {lights[done]}（派生）"),
                "days_left": ("int", "距{keys[deadline]}（有{keys[adjusted_deadline]}时按它）的天数，负数为超过的天数（派生）"),
                "state": ("label", "计入统计的{keys[status]}：{measure_types[long_term]}的按{keys[progress]}计算，其余同填写的（派生）"),
                "late_days": ("int", "{keys[completed_on]}晚于{keys[deadline]}（或{keys[adjusted_deadline]}）的天数（派生）"),
                "stale_days": ("int", "未完成的{measure_types[long_term]}{measure}距最近一次{keys[progress]}的天数（派生）"),
                "status_code": ("code", "{keys[status]}的内部名称，不随用语改变：not_started / in_progress / basically_done / done / signed_off（派生，供汇总使用）")},
    "round": {"long_term": ("bool", "{keys[deadline]}为{measure_types[long_term]}")},
}


def _ids(records) -> list[str]:
    return [r.id for r in records]


def _json_value(vocab, spec, value):
    """A field's converted value as JSON, by its vocabulary type."""
    base = spec.base
    if base == "links":
        return [link.target for link in value or ()]
    if base == "texts":
        return list(value or ())
    if base == "areas":
        return [{"key": k, "name": v} for k, v in value or ()]
    if base == "progress":
        return [{"date": p.on.isoformat(), "text": p.text} for p in value or ()]
    if base == "evidence":
        return [{"name": e.name, "file": e.file} for e in value or ()]
    if value is None:
        return None
    if base == "enum":
        return vocab.label(spec.type.partition(":")[2], value)
    if base in ("date", "deadline"):
        return value.isoformat()
    return value


FIELD_PLANS = True   # False: each field through Record.value and _json_value (tests compare the two files)
# The field types _json_value converts; any other value is written as it is.
_CONVERTED = ("links", "texts", "areas", "progress", "evidence", "enum", "date", "deadline")


def _field_plan(vocab, record: Record, plans: dict) -> list:
    """(name, attribute or not, spec when _json_value converts it) for each field
    record_json writes, worked out once per record class and kind: Record.value's
    test and the type's branches, 100,000 times at 5,000 records otherwise."""
    key = (type(record), record.kind)
    if key not in plans:
        attributes = type(record).__dataclass_fields__
        plans[key] = [(name, name in attributes and name != "extra",
                       vocab.fields[name] if vocab.fields[name].base in _CONVERTED else None)
                      for name in json_fields(vocab, record.kind)]
    return plans[key]


def record_json(ledger: Ledger, record: Record, plans: dict) -> dict:
    """Every field the vocabulary gives the record's kind (json_fields), by field
    name, plus the base keys and the kind's derived values (see DERIVED). `plans`:
    one dict for all the records of a file (_field_plan, FIELD_PLANS)."""
    vocab = ledger.vocab
    item = {"schema_version": SCHEMA_VERSION, "kind_label": vocab.kind_label(record.kind),
            "path": record.path, "body": record.body.strip()}
    if FIELD_PLANS:
        extra = record.extra.get
        for name, attribute, spec in _field_plan(vocab, record, plans):
            value = getattr(record, name) if attribute else extra(name)      # Record.value
            item[name] = value if spec is None else _json_value(vocab, spec, value)
    else:
        for name in json_fields(vocab, record.kind):
            item[name] = _json_value(vocab, vocab.fields[name], record.value(name))
    item["kind"] = record.kind
    if isinstance(record, RoundRecord):
        item["long_term"] = record.long_term
    if isinstance(record, FeedbackRecord):
        derived = ledger.feedback_status.get(record.id)
        item.update(answered_by=_ids(ledger.linked_from(record.id, "problem", "feedback")),
                    status=vocab.label("statuses", derived) if derived else None)
    if isinstance(record, ProblemRecord):
        derived = ledger.problem_status.get(record.id)
        item.update(nature=vocab.label("natures", record.nature or "problem"),
                    reported_status=vocab.label("statuses", record.status) if record.status else None,
                    status=vocab.label("statuses", derived) if derived else None,
                    measures=_ids(ledger.measures_of(record.id)))
    if record.kind == "cause":
        item.update(explains=_ids(ledger.linked_from(record.id, "problem", "causes")),
                    targeted_by=_ids(ledger.linked_from(record.id, "measure", "addresses_causes")))
    if isinstance(record, MeasureRecord):
        state = ledger.state_of(record)
        item.update(long_term=record.long_term, light=ledger.lights.get(record.id), days_left=ledger.days_left(record),
                    state=vocab.label("statuses", state) if state else None, late_days=late_days(ledger, record),
                    stale_days=ledger.stale_days.get(record.id), status_code=record.status)
    return item


def records_json(ledger: Ledger) -> bytes:
    if QUICK_JSON and RECORD_BY_RECORD:
        try:
            return _records_json_by_record(ledger)
        except (_NotPlain, RecursionError, TypeError, ValueError):
            pass   # json.dumps writes the whole, as below
    plans: dict = {}
    data = [record_json(ledger, r, plans) for r in ledger.records.values()]
    if is_sample(ledger):          # sample data is marked in every record, not only in its round
        for item in data:
            item["sample"] = True
    return (indented_json(data) + "\n").encode("utf-8")


QUICK_JSON = True   # False: json.dumps writes records.json (tests compare the two files)
# records.json is written a record at a time (RECORD_BY_RECORD; False: every record's
# object made, then the whole text, then its bytes; tests compare): at 5,000 records
# the objects, the text and the bytes (13 MB) were held at once, 60 MB at the peak.
RECORD_BY_RECORD = True


def _records_json_by_record(ledger: Ledger) -> bytes:
    """indented_json(the records' objects) + "\n", as UTF-8: each record's object made,
    written (as json.dumps writes a list's item, one level in) and encoded, then let go.
    A value the quick writer leaves to json.dumps raises _NotPlain."""
    plans: dict = {}
    keys: dict = {}
    sample = is_sample(ledger)
    out = io.BytesIO()
    for record in ledger.records.values():
        item = record_json(ledger, record, plans)
        if sample:            # sample data is marked in every record, not only in its round
            item["sample"] = True
        out.write((",\n " if out.tell() else "[\n ").encode("ascii"))
        out.write(_plain_json(item, "\n ", keys).encode("utf-8"))
    out.write(b"\n]\n" if out.tell() else b"[]\n")
    return out.getvalue()


class _NotPlain(Exception):
    """A value the quick writer leaves to json.dumps."""


def indented_json(data) -> str:
    """json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), the same text.

    With an indent CPython 3.11 encodes in pure Python: a generator per list and
    dict, a chunk per value. The plain values records.json is made of (exactly
    str, int, bool, None, finite float, list, tuple, dict with str keys) are
    written here as joined strings, escaped by the C function json.dumps uses;
    anything else (subclasses, other keys, NaN, circular data) leaves the whole
    text to json.dumps."""
    if QUICK_JSON:
        try:
            return _plain_json(data, "\n", {})
        except (_NotPlain, RecursionError, TypeError, ValueError):
            pass
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)


_encode_str = json.encoder.encode_basestring     # json.dumps's, with ensure_ascii=False
_WORDS = {None: "null", True: "true", False: "false"}


def _plain_json(value, newline: str, keys: dict) -> str:
    """`value` as json.dumps(indent=1) writes it where `newline` is the line
    break and indent before it; `keys`: each key as written, with ": "."""
    kind = type(value)
    if kind is str:
        return _encode_str(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = newline + " "
        items = []
        for key in sorted(value):          # distinct str keys: the order of sorted(items())
            try:
                written = keys[key]
            except KeyError:
                if type(key) is not str:
                    raise _NotPlain from None
                written = keys[key] = _encode_str(key) + ": "
            item = value[key]
            kind = type(item)
            if kind is str:
                items.append(written + _encode_str(item))
            elif item is None or kind is bool:
                items.append(written + _WORDS[item])
            else:
                items.append(written + _plain_json(item, inner, keys))
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = newline + " "
        return "[" + inner + ("," + inner).join(
            [_encode_str(item) if type(item) is str else _plain_json(item, inner, keys) for item in value]) + newline + "]"
    if value is None or kind is bool:
        return _WORDS[value]
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    raise _NotPlain


_DATE = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_IDS = {"type": "array", "items": {"type": "string"}}


def _field_schema(vocab, spec) -> dict:
    """JSON schema of one field's value (non-null form), from its vocabulary type."""
    base = spec.base
    if base == "enum":
        return {"enum": vocab.labels(spec.type.partition(":")[2])}
    if base in ("date", "deadline"):
        return dict(_DATE)
    if base == "bool":
        return {"type": "boolean"}
    if base in ("links", "texts"):
        return dict(_IDS)
    if base == "areas":
        return {"type": "array", "items": {"type": "object", "required": ["key", "name"], "additionalProperties": False,
                                           "properties": {"key": {"type": "string"}, "name": {"type": "string"}}}}
    if base == "progress":
        return {"type": "array", "items": {"type": "object", "required": ["date", "text"], "additionalProperties": False,
                                           "properties": {"date": _DATE, "text": {"type": "string"}}}}
    if base == "evidence":
        return {"type": "array", "items": {"type": "object", "required": ["name", "file"], "additionalProperties": False,
                                           "properties": {"name": {"type": "string"},
                                                          "file": {"type": ["string", "null"]}}}}
    if base == "id":
        return {"type": "string", "pattern": "^[A-Za-z]+-[0-9]{3,}$"}
    return {"type": "string"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


_DERIVED_TYPES = {"ids": _IDS, "bool": {"type": "boolean"}, "int": {"type": ["integer", "null"]},
                  "light": {"enum": ["red", "yellow", "pending", "green", "done", None]},
                  "code": {"type": ["string", "null"]}}


def schema(vocab) -> dict:
    """records.schema.json, generated from the vocabulary: per kind (if/then on
    `kind`), the keys it has and, unless a draft, its required fields non-null."""
    kinds = []
    for kind in vocab.kinds:
        props = {n: _nullable(_field_schema(vocab, vocab.fields[n])) | {"description": vocab.key(n)}
                 for n in json_fields(vocab, kind)}
        for name, (typ, text) in DERIVED.get(kind, {}).items():
            text = vocab.fill(text)
            if typ == "label":
                props[name] = _nullable({"enum": vocab.labels("statuses")}) | {"description": text}
            else:
                props[name] = dict(_DERIVED_TYPES[typ]) | {"description": text}
        if kind == "problem":
            props["nature"] = {"enum": vocab.labels("natures"), "description": vocab.key("nature")}
        keys = sorted({*BASE_KEYS, *props})
        if "sample" not in props:      # every record of a sample ledger says so (optional: older files lack it)
            props["sample"] = {"type": "boolean", "description": vocab.phrase("sample_json")}
        names_allowed = sorted({*keys, "sample"})
        required = [n for n in vocab.required[kind] if n != "kind"]
        dated = [n for n in required if vocab.fields[n].base == "deadline"]   # null when 长期坚持
        complete: dict = {"properties": {n: _field_schema(vocab, vocab.fields[n]) for n in required if n not in dated}}
        if dated:
            complete["anyOf"] = [{"properties": {"long_term": {"const": True}}},
                                 {"properties": dict.fromkeys(dated, _DATE)}]
        kinds.append({
            "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
            "then": {
                "properties": props, "required": keys, "propertyNames": {"enum": names_allowed},
                "if": {"properties": {"draft": {"const": True}}, "required": ["draft"]},
                "else": complete,
            },
        })
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "records.schema.json",
        "title": vocab.phrase("schema_title"),
        "description": ("台账全部记录的数组。字段名为英文（vocabulary.yml 中的字段名），取值为台账中的中文用语"
                        f"（可在 taizhang.yml 中改称）；status、light、days_left 等为按{vocab.key('as_of')}计算的派生值。"
                        f"每类记录的必填字段不得为空（draft 为 true 的除外）。由词表生成。"),
        "type": "array",
        "items": {
            "type": "object",
            "required": list(BASE_KEYS),
            "properties": {
                "schema_version": {"const": SCHEMA_VERSION, "description": "本格式的版本；没有此键的文件为第 1 版"},
                "kind": {"enum": list(vocab.kinds), "description": f"{vocab.key('kind')}（英文）"},
                "kind_label": {"type": "string", "description": f"{vocab.key('kind')}（中文）"},
                "path": {"type": "string", "description": "记录文件在仓库中的路径"},
                "body": {"type": "string", "description": "正文（Markdown）"},
            },
            "allOf": kinds,
        },
    }


def schema_bytes(vocab) -> bytes:
    return (json.dumps(schema(vocab), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
