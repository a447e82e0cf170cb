"""`taizhang new`: a new record with the next free id, from the vocabulary.

The vocabulary is the only template: every field of the kind is written in
its order with its help text as a comment; optional fields the user did not
give are written commented out, so the file shows what else may be said.
"""

from __future__ import annotations

from taizhang.errors import TaizhangError

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from taizhang.check import DRAFT_BODY
from taizhang.fsutil import write_new
from taizhang.link import is_earlier
from taizhang.load import CONTROL_CHARS, parse_text, record_files
from taizhang.model import MeasureRecord, build_record, known_keys
from taizhang.problems import Reporter
from taizhang.project import RECORDS_DIR, Analysis

INITIAL_STATUS = "not_started"
DEFAULT_MEASURE_TYPE = "scheduled"
DEFAULT_PHASE = "concentrated"


class ScaffoldError(TaizhangError, ValueError):
    """A value given to `new` that would make an invalid record."""


@dataclass(frozen=True)
class NewRecord:
    path: Path
    record_id: str
    text: str


def highest_numbers(analysis: Analysis) -> dict[str, int]:
    """Per id prefix, the highest number used by a record id or a file name on disk."""
    records_dir = analysis.root / RECORDS_DIR
    names = [p.stem for p in record_files(records_dir)] if records_dir.is_dir() else []
    highest: dict[str, int] = {}
    for name in [*names, *analysis.ledger.records]:
        match = _NUMBERED.match(name)
        if match:
            prefix, number = match.group(1), int(match.group(2))
            highest[prefix] = max(highest.get(prefix, 0), number)
    return highest


def next_id(analysis: Analysis, prefix: str) -> str:
    """One above the highest number this prefix uses (files written since the analysis count too)."""
    return f"{prefix}-{highest_numbers(analysis).get(prefix, 0) + 1:03d}"


_NUMBERED = re.compile(r"^([A-Za-z]+)-(\d+)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _scalar(value) -> str:
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value  # the loader reads dates as text; no quotes needed
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6).strip()
    return text.removesuffix("...").strip()


def render_front_matter(vocab, kind: str, values: dict) -> str:
    lines = ["---"]
    for name in vocab.fields_of(kind):
        field = vocab.fields[name]
        comment = f"  # {field.help}" if field.help else ""
        value = values.get(name)
        if value in (None, "", [], (), {}):
            lines.append(f"# {field.key}:{comment}")
        elif isinstance(value, dict):
            lines.append(f"{field.key}:{comment}")
            lines += [f"  {_scalar(k)}: {_scalar(v)}" for k, v in value.items()]
        elif isinstance(value, (list, tuple)) and len(value) == 1 and field.type == "texts":
            lines.append(f"{field.key}: {_scalar(value[0])}{comment}")
        elif isinstance(value, (list, tuple)):
            lines.append(f"{field.key}:{comment}")
            lines += [f"  - {_scalar(v)}" for v in value]
        else:
            lines.append(f"{field.key}: {_scalar(value)}{comment}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def build_values(analysis: Analysis, kind: str, options: dict) -> dict:
    """Field values for a new record; raises ScaffoldError listing all gaps."""
    vocab, ledger = analysis.vocab, analysis.ledger
    values = {k: v for k, v in options.items() if v not in (None, [], "")}
    values["kind"] = vocab.kind_label(kind)
    rnd = None
    if kind != "round":
        values.setdefault("round", ledger.current_round.id if ledger.current_round else None)
        rnd = ledger.get(values["round"] or "")
    if kind == "measure":
        values.setdefault("status", vocab.label("statuses", INITIAL_STATUS))
        values.setdefault("measure_type", vocab.label("measure_types", DEFAULT_MEASURE_TYPE))
        if "deadline" not in values and rnd is not None and rnd.deadline:
            values["deadline"] = rnd.deadline.isoformat()
    if kind == "round":
        values.setdefault("phase", vocab.label("phases", DEFAULT_PHASE))
    if kind == "feedback":
        values.setdefault("quote", values.get("title"))
    problems = _check_links(analysis, kind, values) + _missing(vocab, kind, values)
    if problems:
        raise ScaffoldError("\n".join(problems))
    return values


def _check_links(analysis: Analysis, kind: str, values: dict) -> list[str]:
    vocab, ledger = analysis.vocab, analysis.ledger
    problems = []
    for name in vocab.fields_of(kind):
        field = vocab.fields[name]
        if field.type not in ("link", "links") or name not in values:
            continue
        targets = values[name] if isinstance(values[name], list) else [values[name]]
        for target in targets:
            found = ledger.get(target)
            target_kind = vocab.link_target(kind, name)
            wanted = vocab.kind_label(target_kind)
            if found is None:
                problems.append(f"{field.key}：{vocab.key('id')} {target} 不存在（应为{wanted}的{vocab.key('id')}）")
            elif found.kind != target_kind:
                problems.append(f"{field.key}：{target} 是{vocab.kind_label(found.kind)}，应为{wanted}")
    problems += _check_earlier(analysis, kind, values)
    area = values.get("area")
    rnd = ledger.get(values.get("round") or "")
    if area and rnd is not None and getattr(rnd, "area_name", None) and rnd.area_name(area) is None:
        allowed = "、".join(k for k, _ in rnd.areas)
        problems.append(f"{vocab.key('area')}：{area} 不在 {rnd.id} 的{vocab.key('areas')}中（可选：{allowed}）")
    return problems


def _check_earlier(analysis: Analysis, kind: str, values: dict) -> list[str]:
    """前轮记录 (--repeats) must name a record of an earlier round, as the checker demands."""
    ledger, vocab = analysis.ledger, analysis.vocab
    mine = ledger.get(values.get("round") or "")
    problems = []
    for target in values.get("recurs_from") or []:
        found = ledger.get(target)
        theirs = ledger.round_of(found) if found is not None and found.kind == kind else None
        if theirs is None or mine is None:
            continue  # a missing or wrong-kind id is reported by _check_links
        if not is_earlier(theirs, mine):
            problems.append(vocab.fill("{keys[recurs_from]}：{target} 属于{keys[round]} {theirs}，"
                                       "不比本轮 {mine} 更早（只能引用前面{keys[round]}的同类记录）",
                                       target=target, theirs=theirs.id, mine=mine.id))
    return problems


# Fields `new` fills itself when not given: kind -> field -> what it uses.
# What `new` fills in when an option is left out, as its help says it (the
# vocabulary's words: Vocabulary.fill).
DEFAULTED = {
    "round": {"phase": "{phases[concentrated]}"},
    "feedback": {"round": "当前{keys[round]}", "quote": "同{keys[title]}"},
    "problem": {"round": "当前{keys[round]}"},
    "cause": {"round": "当前{keys[round]}"},
    "measure": {"round": "当前{keys[round]}", "deadline": "所属{keys[round]}的{keys[deadline]}",
                "measure_type": "{measure_types[scheduled]}", "status": "{statuses[not_started]}"},
}

OPTION_NAMES = {
    "title": "--title", "round": "--round", "area": "--area", "quote": "--quote", "feedback": "--feedback",
    "causes": "--cause", "problems": "--problem", "addresses_causes": "--cause", "leader": "--leader",
    "unit": "--unit", "owner": "--owner", "deadline": "--deadline", "team": "--team",
    "inspected": "--inspected", "feedback_date": "--feedback-date", "areas": "--area", "measure_type": "--type",
    "recurs_from": "--repeats",
}


def _missing(vocab, kind: str, values: dict) -> list[str]:
    gaps = []
    for name in vocab.required[kind]:
        if name in ("id", "kind") or values.get(name) not in (None, "", []):
            continue
        if vocab.waived(kind, name, {k for k, v in values.items() if v not in (None, "", [])}):
            continue
        field = vocab.fields[name]
        option = OPTION_NAMES.get(name, "")
        gaps.append(f"缺少{field.key}（{field.help}）：请用 {option} 指定")
    return gaps


def create(analysis: Analysis, kind: str, options: dict, body: str = "") -> NewRecord:
    new = prepare(analysis, kind, options, body)
    write_new(new.path, new.text)
    return new


def prepare(analysis: Analysis, kind: str, options: dict, body: str = "") -> NewRecord:
    """The record `create` would write, checked by the checker's field rules; nothing written."""
    vocab = analysis.vocab
    _refuse_control_chars(options, body)
    values = build_values(analysis, kind, options)
    kind_info = vocab.kinds[kind]
    record_id = next_id(analysis, kind_info.prefix)
    values["id"] = record_id
    text = render_front_matter(vocab, kind, values) + "\n" + (body or DRAFT_BODY) + "\n"
    path = analysis.root / RECORDS_DIR / kind_info.folder / f"{record_id}.md"
    _validate(analysis, path, text)
    return NewRecord(path, record_id, text)


def _refuse_control_chars(options: dict, body: str) -> None:
    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from strings(k)
                yield from strings(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                yield from strings(v)
    bad = [OPTION_NAMES.get(name, name) for name, value in options.items()
           if any(CONTROL_CHARS.search(text) for text in strings(value))]
    if CONTROL_CHARS.search(body or ""):
        bad.append("正文")
    if bad:
        raise ScaffoldError(f"{'、'.join(bad)} 中有看不见的控制字符（它们会损坏 Excel、Word 和字段区）：删除后重试")


def _validate(analysis: Analysis, path: Path, text: str) -> None:
    """Run the checker's own field rules on the text before it touches disk."""
    reporter = Reporter(dict(analysis.vocab.rules), words=analysis.vocab.message_words())
    rel = path.relative_to(analysis.root).as_posix()
    raw = parse_text(text, rel, reporter, known_keys(analysis.vocab))
    if raw is not None:
        build_record(raw, analysis.vocab, reporter)
    errors = [p for p in reporter.sorted() if p.is_error]
    if errors:
        raise ScaffoldError("\n".join(f"{p.message} — {p.fix}" for p in errors))


def parse_areas(items: list[str]) -> dict:
    """--area 一=名称 for rounds."""
    areas = {}
    for item in items:
        key, sep, name = item.partition("=")
        if not sep or not key.strip() or not name.strip():
            raise ScaffoldError(f"--area 应写成 序号=名称，如 一=落实……方面（收到：{item}）")
        areas[key.strip()] = name.strip()
    return areas


def unfinished_measures(analysis: Analysis, round_id: str) -> list:
    """Every measure of a round that is not closed (已完成/已销号), of any type:
    整改不到位不销号, so each of them continues in the next round."""
    vocab = analysis.vocab
    return [m for m in analysis.ledger.of_kind("measure")
            if m.round == round_id and not (m.status and vocab.is_closed(m.status))]


def carry_over(analysis: Analysis, from_round: str, to_round: str) -> list[NewRecord]:
    """Each unfinished measure of one round as a new measure of the next, naming
    the original in 承接自. It keeps the original's type, deadline and status; its
    problems, progress and evidence stay on the original and are shown from there
    (the carried measure's page links them). Nothing existing is touched."""
    created = []
    for m in unfinished_measures(analysis, from_round):
        # next_id reads file names on disk, so each new measure gets a fresh id.
        created.append(create(analysis, "measure", *_carried(analysis.vocab, m, from_round, to_round)))
    return created


def check_carry_over(analysis: Analysis, from_round: str) -> None:
    """Raise ScaffoldError, before any file is written, if a measure carry_over would
    write breaks a field rule (a draft without 责任人 …): each is checked as it would
    be written, in the round it comes from (the new round does not exist yet)."""
    for m in unfinished_measures(analysis, from_round):
        try:
            prepare(analysis, "measure", *_carried(analysis.vocab, m, from_round, from_round))
        except ScaffoldError as exc:
            raise ScaffoldError(f"{m.id}（{m.path}）不能承接：{exc}（改的是原措施 {m.path}，补上后重新运行）") from None


def _carried(vocab, m: MeasureRecord, from_round: str, to_round: str) -> tuple[dict, str]:
    """The options and body of the measure continuing `m` in `to_round`."""
    deadline = vocab.long_term_deadline if m.long_term else (m.deadline.isoformat() if m.deadline else None)
    options = {
        "title": m.title, "round": to_round, "carried_from": [m.id],
        "leader": list(m.leader), "unit": list(m.unit), "owner": list(m.owner), "deadline": deadline,
        "measure_type": vocab.label("measure_types", m.measure_type) if m.measure_type else None,
        "status": vocab.label("statuses", m.status) if m.status else None,
        "publish": False if not m.publish else None,
    }
    body = f"承接 {from_round} 未完成的{vocab.kind_label('measure')} {m.id}，继续整改。\n\n{m.body.strip()}"
    return options, body.strip()
