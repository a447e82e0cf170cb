"""`taizhang diff [BASE [HEAD]]`: what a pull request changes, for its reviewer.

Both sides are read from git into temp folders (or, without BASE, HEAD is
compared with the working tree itself) and analysed by the same core as the
checker; the summary compares the two ledgers record by record.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from taizhang.gitutil import extract_tree
from taizhang.model import MeasureRecord, Record
from taizhang.markup import md_text
from taizhang.project import DOCS_DIR, RECORDS_DIR, Analysis, analyse
from taizhang.vocabulary import PROJECT_CONFIG



@dataclass(frozen=True)
class Summary:
    markdown: str
    head_ok: bool


def analyse_ref(root: Path, ref: str, workdir: Path) -> Analysis:
    folder = workdir / ref.replace("/", "_").replace("..", "_")
    extract_tree(root, ref, folder, (RECORDS_DIR, DOCS_DIR, PROJECT_CONFIG))
    return analyse(folder)


def summarise(root: Path, base: str | None = None, head: str = "HEAD") -> Summary:
    """BASE → HEAD; without a base, HEAD → the working tree (uncommitted and untracked records too)."""
    with tempfile.TemporaryDirectory(prefix="taizhang-diff-") as tmp:
        if base is None:
            base, head = head, None
            before = analyse_ref(root, base, Path(tmp) / "base")
            after = analyse(root)
        else:
            before = analyse_ref(root, base, Path(tmp) / "base")
            after = analyse_ref(root, head, Path(tmp) / "head")
    return Summary(render_summary(before, after, base, head), not after.errors)


def _comparable(record: Record, field: str):
    """A field's value without source line numbers (moving a line is no change)."""
    value = record.value(field)
    if field == "deadline":
        return (value, getattr(record, "long_term", False))
    if isinstance(value, tuple):
        return tuple(tuple(x for k, x in vars(v).items() if k != "line") if hasattr(v, "line") else v
                     for v in value)
    return value


def _label(vocab, group, name):
    return vocab.label(group, name) if name else vocab.phrase("diff_empty")


def _deadline(vocab, m: MeasureRecord) -> str:
    if m.long_term:
        return vocab.long_term_deadline
    return m.deadline.isoformat() if m.deadline else vocab.phrase("diff_empty")


def _name(vocab, r: Record) -> str:
    return f"{r.id} {r.title}（{vocab.kind_label(r.kind)}）"


def _cell(text) -> str:
    """Record text inside the Markdown summary: no table break, link, code or HTML."""
    return md_text(str(text))


@dataclass
class _Changes:
    """The summary's lines for records on both sides, one list per section."""

    status: list[str] = field(default_factory=list)
    deadline: list[str] = field(default_factory=list)
    progress: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    signoffs: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)

    def any(self) -> bool:
        return any((self.status, self.deadline, self.progress, self.evidence, self.signoffs, self.other))


def render_summary(before: Analysis, after: Analysis, base: str, head: str | None) -> str:
    """The summary, BASE → HEAD (None: the working tree)."""
    vocab = after.vocab
    old, new = before.ledger.records, after.ledger.records
    added = [new[i] for i in new if i not in old]
    removed = [old[i] for i in old if i not in new]
    changes = _Changes()
    for i in new:
        if i in old:
            _compare(vocab, old[i], new[i], changes)
    head = vocab.phrase("diff_working_tree") if head is None else head
    out = [f"## {vocab.phrase('diff_title', base=base, head=head)}", "", f"**{_verdict(after)}**", ""]
    out += _section(vocab.phrase("diff_added"), [f"- {_cell(_name(vocab, r))}" for r in added])
    out += _section(vocab.phrase("diff_removed"), [f"- {_cell(_name(vocab, r))}" for r in removed])
    out += _changed_sections(vocab, changes)
    if not (added or removed or changes.any()):
        out += [vocab.phrase("diff_unchanged"), ""]
    out += _section(vocab.phrase("diff_problems"), [f"- {_cell(p.format())}" for p in after.problems])
    return "\n".join(out).rstrip() + "\n"


def _verdict(after: Analysis) -> str:
    vocab = after.vocab
    verdict = vocab.phrase("diff_failed", errors=len(after.errors)) if after.errors else vocab.phrase("diff_passed")
    return verdict + (vocab.phrase("diff_warnings", warnings=len(after.warnings)) if after.warnings else "")


def _compare(vocab, a: Record, b: Record, changes: _Changes) -> None:
    """One record on both sides → its lines in the sections; each field's
    change is shown once, in its own section or else under 其他修改."""
    shown = set()   # fields whose change a section already shows
    if a.value("status") != b.value("status"):
        shown.add("status")
        changes.status.append(f"| {b.id} | {_cell(b.title)} | {_label(vocab, 'statuses', a.value('status'))} | "
                              f"**{_label(vocab, 'statuses', b.value('status'))}** |")
    if isinstance(b, MeasureRecord) and isinstance(a, MeasureRecord):
        shown |= _compare_measure(vocab, a, b, changes)
    # Every other field the vocabulary gives this kind: no hand list.
    changed = [vocab.key(f) for f in vocab.fields_of(b.kind)
               if f not in shown and f != "kind" and _comparable(a, f) != _comparable(b, f)]
    if a.body.strip() != b.body.strip():
        changed.append(vocab.phrase("diff_body"))
    if changed:
        changes.other.append(f"- {b.id} {_cell(b.title)}：{'、'.join(changed)}")


def _compare_measure(vocab, a: MeasureRecord, b: MeasureRecord, changes: _Changes) -> set[str]:
    """A measure's deadline, new progress and evidence, sign-off; returns the fields shown."""
    shown = set()
    if (a.deadline, a.long_term) != (b.deadline, b.long_term):
        shown.add("deadline")
        changes.deadline.append(f"| {b.id} | {_cell(b.title)} | {_deadline(vocab, a)} | **{_deadline(vocab, b)}** |")
    seen = {(p.on, p.text) for p in a.progress}
    changes.progress += [f"- {b.id} {p.on.isoformat()}：{_cell(p.text)}"
                         for p in b.progress if (p.on, p.text) not in seen]
    if seen <= {(p.on, p.text) for p in b.progress}:
        shown.add("progress")      # only additions, listed above
    had = {(e.name, e.file) for e in a.evidence}
    changes.evidence += [f"- {b.id} {_cell(e.name)}" + (f"（{_cell(e.file)}）" if e.file else "")
                         for e in b.evidence if (e.name, e.file) not in had]
    if had <= {(e.name, e.file) for e in b.evidence}:
        shown.add("evidence")
    if (a.signed_off_by, a.signed_off_on) != (b.signed_off_by, b.signed_off_on) and b.signed_off_on:
        shown.update(("signed_off_by", "signed_off_on"))
        who = _cell(b.signed_off_by or vocab.phrase("diff_unwritten"))
        changes.signoffs.append(f"- {b.id} {_cell(b.title)}："
                                + vocab.phrase("diff_signed_off", date=b.signed_off_on.isoformat(), who=who))
    return shown


def _changed_sections(vocab, changes: _Changes) -> list[str]:
    key, say = vocab.key, vocab.phrase
    return [
        *_table(say("diff_status"), [key("id"), key("title"), say("diff_old_status"), say("diff_new_status")],
                changes.status),
        *_table(say("diff_deadline"), [key("id"), key("title"), say("diff_old_deadline"), say("diff_new_deadline")],
                changes.deadline),
        *_section(say("diff_new_progress"), changes.progress),
        *_section(say("diff_new_evidence"), changes.evidence),
        *_section(say("diff_signoffs"), changes.signoffs),
        *_section(say("diff_other"), changes.other),
    ]


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"### {title}（{len(lines)}）", "", *lines, ""] if lines else []


def _table(title: str, headers: list[str], rows: list[str]) -> list[str]:
    if not rows:
        return []
    head = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    return [f"### {title}（{len(rows)}）", "", *head, *rows, ""]
