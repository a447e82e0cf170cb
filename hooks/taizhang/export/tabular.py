"""CSV of the ledger layout (Excel opens it without mojibake) and a JSON
array of every record, described by records.schema.json beside this file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from taizhang.export.rows import ledger_rows
from taizhang.link import Ledger
from taizhang.model import FeedbackRecord, MeasureRecord, ProblemRecord, Record, RoundRecord
from taizhang.views import Scope

SCHEMA_FILE = Path(__file__).with_name("records.schema.json")
BOM = "\ufeff"


def ledger_csv(ledger: Ledger, scope: Scope) -> bytes:
    columns = ledger.vocab.ledger_columns
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.label for c in columns])
    for row in ledger_rows(ledger, scope):
        writer.writerow([row.cells.get(c.name, "") for c in columns])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _ids(records) -> list[str]:
    return [r.id for r in records]


def record_json(ledger: Ledger, record: Record) -> dict:
    vocab = ledger.vocab
    item = {"id": record.id, "kind": record.kind, "kind_label": vocab.kind_label(record.kind),
            "title": record.title, "round": record.round, "path": record.path, "publish": record.publish,
            "body": record.body.strip()}
    if isinstance(record, RoundRecord):
        item.update(team=record.team, inspected=record.inspected,
                    feedback_date=_date(record.feedback_date), deadline=_date(record.deadline),
                    phase=vocab.label("phases", record.phase) if record.phase else None,
                    areas=[{"key": k, "name": v} for k, v in record.areas], as_of=_date(record.as_of))
    if isinstance(record, FeedbackRecord):
        item.update(area=record.area, source=record.source, quote=record.quote,
                    answered_by=_ids(ledger.linked_from(record.id, "problem", "feedback")))
    if isinstance(record, ProblemRecord):
        derived = ledger.problem_status.get(record.id)
        item.update(area=record.area, nature=vocab.label("natures", record.nature or "problem"),
                    feedback=[l.target for l in record.feedback], causes=[l.target for l in record.causes],
                    reported_status=vocab.label("statuses", record.status) if record.status else None,
                    status=vocab.label("statuses", derived) if derived else None,
                    measures=_ids(ledger.measures_of(record.id)))
    if record.kind == "cause":
        item.update(explains=_ids(ledger.linked_from(record.id, "problem", "causes")),
                    targeted_by=_ids(ledger.linked_from(record.id, "measure", "addresses_causes")))
    if isinstance(record, MeasureRecord):
        light = ledger.lights.get(record.id)
        item.update(problems=[l.target for l in record.problems],
                    addresses_causes=[l.target for l in record.addresses_causes],
                    leader=list(record.leader), unit=list(record.unit), owner=list(record.owner),
                    deadline=_date(record.deadline), long_term=record.long_term,
                    measure_type=vocab.label("measure_types", record.measure_type) if record.measure_type else None,
                    status=vocab.label("statuses", record.status) if record.status else None,
                    progress=[{"date": p.on.isoformat(), "text": p.text} for p in record.progress],
                    evidence=[{"name": e.name, "file": e.file} for e in record.evidence],
                    completed_on=_date(record.completed_on), signed_off_by=record.signed_off_by,
                    signed_off_on=_date(record.signed_off_on),
                    light=light, days_left=ledger.days_left(record))
    return item


def _date(value):
    return value.isoformat() if value else None


def records_json(ledger: Ledger) -> bytes:
    data = [record_json(ledger, r) for r in ledger.records.values()]
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def schema_bytes(vocab=None) -> bytes:
    return SCHEMA_FILE.read_bytes()
