"""One door into the core: a project folder → vocabulary, ledger, problems.

Both the MkDocs hook and the command line call `analyse`; there is no second
parser. The project root is the folder holding mkdocs.yml and records/.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from taizhang import collector
from taizhang.check import check_ledger
from taizhang.errors import TaizhangError
from taizhang.link import Ledger, build_ledger, current_round
from taizhang.load import load_tree, parse_bytes, read_record, record_paths
from taizhang.model import RoundRecord, build_record, known_keys
from taizhang.problems import Problem, Reporter
from taizhang.vocabulary import Vocabulary, load_vocabulary

RECORDS_DIR = "records"
DOCS_DIR = "docs"
TODAY_ENV = "TAIZHANG_TODAY"
ROUND_ENV = "TAIZHANG_ROUND"      # build the site for this round (archives)


class TodayError(TaizhangError, ValueError):
    """A build date or round asked for that does not exist."""


@dataclass(frozen=True)
class Analysis:
    """What reading and checking a project gives: the ledger and the problems found."""

    root: Path
    vocab: Vocabulary
    ledger: Ledger
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def infos(self) -> list[Problem]:
        """Reminders (drafts still incomplete): shown, never failing a build."""
        return [p for p in self.problems if p.severity == "info"]


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that has records/ or mkdocs.yml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / RECORDS_DIR).is_dir() or (folder / "mkdocs.yml").is_file():
            return folder
    return start


def resolve_round(rounds: list[RoundRecord], explicit: str | None = None, vocab: Vocabulary | None = None) -> str | None:
    """The round the site shows: explicit > $TAIZHANG_ROUND > latest feedback date."""
    wanted = explicit or os.environ.get(ROUND_ENV, "").strip() or None
    if wanted and wanted not in {r.id for r in rounds}:
        raise TodayError((vocab or load_vocabulary()).fill("没有{keys[id]}为 {id} 的{round}", id=wanted))
    rnd = current_round(rounds)
    return wanted or (rnd.id if rnd else None)


def resolve_today(rounds: list[RoundRecord], explicit: dt.date | None = None,
                  round_id: str | None = None) -> dt.date:
    """Build date: explicit > $TAIZHANG_TODAY > the shown round's 统计日期 > today."""
    if explicit:
        return explicit
    pinned = os.environ.get(TODAY_ENV, "").strip()
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            raise TodayError(f"环境变量 {TODAY_ENV}={pinned!r} 不是 YYYY-MM-DD 格式的日期") from None
    rnd = next((r for r in rounds if r.id == round_id), None) or current_round(rounds)
    if rnd and rnd.as_of:
        return rnd.as_of
    return dt.date.today()


class ParseCache:
    """Records parsed from files, reused while a file's bytes are unchanged.

    `mkdocs serve` rebuilds everything after each edit; with this cache only
    the edited records are parsed and built again. Entries are immutable
    records plus the problems found in their file, so reuse is exact.
    """

    def __init__(self):
        self._vocab = None
        self._entries: dict[str, tuple[bytes, object, tuple]] = {}

    def records(self, root: Path, vocab: Vocabulary, reporter: Reporter) -> list:
        if self._vocab is not vocab and self._vocab != vocab:
            self._vocab, self._entries = vocab, {}
        keys, fresh, records = known_keys(vocab), {}, []
        base = (root / RECORDS_DIR)
        for path, rel in record_paths(root, base, reporter):
            data = read_record(path, rel, reporter)
            if data is None:
                continue
            cached = self._entries.get(rel)
            if cached and cached[0] == data:
                record, problems = cached[1], cached[2]
                reporter.problems.extend(problems)
            else:
                before = len(reporter.problems)
                raw = parse_bytes(data, rel, reporter, keys)
                record = build_record(raw, vocab, reporter) if raw else None
                problems = tuple(reporter.problems[before:])
            fresh[rel] = (data, record, problems)
            if record is not None:
                records.append(record)
        self._entries = fresh
        return records


SUBMIT_RULES = ("draft-incomplete", "draft-record")   # errors when a ledger is submitted


def analyse(root: Path, today: dt.date | None = None, vocab: Vocabulary | None = None,
            round_id: str | None = None, cache: ParseCache | None = None, submit: bool = False) -> Analysis:
    """With `submit`, drafts are errors: what they lack, and that they are still drafts."""
    # Reading a ledger makes many small objects that all stay alive (records, their
    # fields and lines) and hardly a reference cycle: Python's cycle collector
    # would walk them again and again as they grow (about 0.25 s of `taizhang
    # check` at 10,000 records). Memory is freed by reference counting as before.
    with collector.paused():
        return _analyse(Path(root), today, vocab, round_id, cache, submit)


def _analyse(root: Path, today: dt.date | None, vocab: Vocabulary | None, round_id: str | None,
             cache: ParseCache | None, submit: bool) -> Analysis:
    vocab = vocab or load_vocabulary(root)
    severities = dict(vocab.rules)
    if submit:
        severities.update(dict.fromkeys(SUBMIT_RULES, "error"))
    reporter = Reporter(severities, soften_drafts=not submit, words=vocab.message_words())
    if cache is not None:
        records = cache.records(root, vocab, reporter)
    else:
        raws = load_tree(root, root / RECORDS_DIR, reporter, known_keys(vocab))
        records = [r for raw in raws if (r := build_record(raw, vocab, reporter))]
    rounds = [r for r in records if isinstance(r, RoundRecord)]
    shown = resolve_round(rounds, round_id, vocab)
    ledger = build_ledger(records, vocab, resolve_today(rounds, today, shown), shown)
    check_ledger(records, ledger, reporter, root / DOCS_DIR)
    if submit:
        for record in ledger.records.values():
            if record.draft:
                reporter.add("draft-record", record.path, record.line_of("draft"))
    return Analysis(root, vocab, ledger, tuple(reporter.sorted()))
