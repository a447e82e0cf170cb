"""records.json read back into the core's typed records.

A unit publishes its ledger as downloads/records.json (export/tabular.py);
whoever reads many units (taizhang gather) turns each back into records
with `records_from_json` and builds a Ledger with link.build_ledger, so every
state, light, count and rate comes from the same code as on the unit's own
site (views.completion, views.figures), never from a copy of it.

Field values are read by their vocabulary type. Enumerations are written as
the unit's own labels; a unit may have renamed them, so a measure's status
is taken from `status_code` (its internal name) when present, else from the
label, else from its light (done → 已完成, or 已销号 when a sign-off date is
written; any other → 正在整改). The objects have been checked against
records.schema.json (gather/schema.py) before they come here; a value of the
wrong shape is dropped, never guessed.
"""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType

from taizhang.model import RECORD_CLASSES, Evidence, Link, Progress, Record
from taizhang.vocabulary import Vocabulary

__all__ = ["records_from_json"]


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _texts(value) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return tuple(str(v) for v in items if isinstance(v, (str, int)) and str(v).strip())


# How each field type (its base, vocabulary.yml `fields`) is read back: (vocab, spec, value) -> value or None.
def _links(vocab: Vocabulary, spec, value) -> tuple[Link, ...]:
    return tuple(Link(str(t), 0) for t in value if isinstance(t, (str, int))) if isinstance(value, list) else ()


def _enum(vocab: Vocabulary, spec, value) -> str | None:
    return vocab.enum_name(spec.type.partition(":")[2], value) if isinstance(value, str) else None


def _areas(vocab: Vocabulary, spec, value) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        return ()
    return tuple((str(a.get("key")), str(a.get("name"))) for a in value if isinstance(a, dict))


def _progress(vocab: Vocabulary, spec, value) -> tuple[Progress, ...]:
    if not isinstance(value, list):
        return ()
    found = [(_date(p.get("date")), p.get("text")) for p in value if isinstance(p, dict)]
    return tuple(sorted((Progress(on, str(text or ""), 0) for on, text in found if on), key=lambda p: p.on))


def _evidence(vocab: Vocabulary, spec, value) -> tuple[Evidence, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(Evidence(str(e.get("name")), e.get("file"), 0) for e in value if isinstance(e, dict) and e.get("name"))


def _scalar(vocab: Vocabulary, spec, value) -> str | None:
    """Any other type: a string, number as text; anything else dropped."""
    return str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None


VALUES = {
    "links": _links,
    "texts": lambda vocab, spec, value: _texts(value),
    "date": lambda vocab, spec, value: _date(value),
    "deadline": lambda vocab, spec, value: _date(value),
    "enum": _enum,
    "bool": lambda vocab, spec, value: value if isinstance(value, bool) else None,
    "areas": _areas, "progress": _progress, "evidence": _evidence,
}


def _value(vocab: Vocabulary, spec, value):
    if value is None:
        return None
    return VALUES.get(spec.base, _scalar)(vocab, spec, value)


def _status(vocab: Vocabulary, item: dict) -> str | None:
    code = item.get("status_code")
    if isinstance(code, str) and code in vocab.enums["statuses"]:
        return code
    label = item.get("status")
    name = vocab.enum_name("statuses", label) if isinstance(label, str) else None
    if name or label is None:
        return name
    if item.get("light") == "done":
        return "signed_off" if item.get("signed_off_on") else "done"
    return "in_progress"


def record_from_json(item: dict, vocab: Vocabulary) -> Record | None:
    """One records.json object as a typed record; None when its kind is unknown."""
    kind = item.get("kind")
    if kind not in RECORD_CLASSES or kind not in vocab.kinds or not isinstance(item.get("id"), str):
        return None
    cls = RECORD_CLASSES[kind]
    known = cls.__dataclass_fields__
    values: dict = {}
    for name in (*vocab.fields_of(kind), "id", "title", "round", "publish", "draft"):
        if name == "kind" or name not in item:
            continue
        values[name] = _value(vocab, vocab.fields[name], item[name])
    if kind == "measure":
        values["status"] = _status(vocab, item)
        values["long_term"] = item.get("long_term") is True
    if kind == "problem" and isinstance(item.get("nature"), str):
        values["nature"] = vocab.enum_name("natures", item["nature"]) or "problem"
    kwargs = {k: v for k, v in values.items() if k in known and k != "extra" and v is not None}
    extra = {k: v for k, v in values.items() if k not in known and v is not None}
    kwargs.setdefault("title", "")
    return cls(kind=kind, path=str(item.get("path") or ""), body=str(item.get("body") or ""), body_line=1,
               lines=MappingProxyType({}), extra=MappingProxyType(extra), **kwargs)


def records_from_json(items, vocab: Vocabulary) -> list[Record]:
    """Every usable object of a records.json array as a typed record, in order."""
    return [r for r in (record_from_json(i, vocab) for i in items if isinstance(i, dict)) if r is not None]
