"""Property-based fuzzing of the loader and checker: whatever a file holds,
nothing raises, and every problem names a file and a line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from taizhang.check import check_ledger
from taizhang.link import build_ledger
from taizhang.load import parse_bytes
from taizhang.model import build_record, known_keys
from taizhang.problems import Reporter
from taizhang.vocabulary import load_vocabulary

VOCAB = load_vocabulary()
KEYS = sorted(known_keys(VOCAB))
LABELS = [k.label for k in VOCAB.kinds.values()] + VOCAB.labels("statuses") + ["长期坚持", "2023-02-30", "CS-001", "WT-001"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
                    st.sampled_from(LABELS))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), inner, max_size=4), max_leaves=12)
front_matter = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), values, max_size=12)


def _run(files: dict[str, bytes]):
    reporter = Reporter(dict(VOCAB.rules))
    records = []
    for rel, data in files.items():
        raw = parse_bytes(data, rel, reporter, known_keys(VOCAB))
        if raw is not None:
            record = build_record(raw, VOCAB, reporter)
            if record is not None:
                records.append(record)
    ledger = build_ledger(records, VOCAB, dt.date(2023, 8, 10))
    check_ledger(records, ledger, reporter, Path("/nonexistent-docs"))
    for problem in reporter.sorted():
        assert problem.path in files and problem.line >= 1 and problem.message and problem.fix
    return reporter


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(front_matter, min_size=1, max_size=4), st.text(max_size=200))
def test_arbitrary_front_matter_never_raises(matters, body):
    files = {}
    for index, data in enumerate(matters):
        text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body
        files[f"records/x/CS-{index:03d}.md"] = text.encode("utf-8")
    _run(files)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_never_raise(data):
    _run({"records/x/CS-001.md": data, "records/x/CS-002.md": b"---\n" + data})


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("-:：\t\u3000 \n'\"[]{}&*!|>#编号类别标题abc123")), max_size=300))
def test_arbitrary_yaml_like_text_never_raises(text):
    _run({"records/x/CS-001.md": ("---\n" + text + "\n---\n").encode("utf-8")})
