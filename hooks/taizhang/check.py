"""Cross-record rules: ids, links, areas, status consistency, dates, gaps.

Field-level rules run while records are built (model.py); the rules here
need the whole ledger. Each rule is a small function that reports and never
stops the others, so every problem is found in one run.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from pathlib import Path

from taizhang.fsutil import BROKEN_LINK_REASONS, broken_link
from taizhang.link import Ledger, is_earlier, is_long_term, not_a_task
from taizhang.load import BIDI_CHARS, bidi_names, bidi_shown
from taizhang.model import FeedbackRecord, MeasureRecord, ProblemRecord, Record, RoundRecord
from taizhang.problems import PRIVATE_PLACES, Reporter
from taizhang.publish import active_file, hidden_name, private_kind
from taizhang.safety import unsafe_html
from taizhang.sanitise import heavy_markup, is_url

# What `taizhang new` writes as the body: a draft marker until the user replaces it.
DRAFT_BODY = "（在此填写正文）"


def check_ledger(records: list[Record], ledger: Ledger, reporter: Reporter, docs_dir: Path) -> None:
    check_duplicate_ids(records, reporter, ledger.vocab.key("id"))
    check_links(ledger, reporter)
    shown = ledger.current_round
    for record in ledger.records.values():
        rnd = ledger.round_of(record)   # once per record: four checks below ask
        check_area(record, rnd, ledger, reporter)
        check_dates(record, rnd, shown, ledger, reporter)
        check_body(record, reporter)
        check_recurrence(record, rnd, ledger, reporter)
        check_same_round(record, rnd, ledger, reporter)
        if isinstance(record, MeasureRecord):
            check_measure_status(record, ledger, reporter)
            check_adjusted_deadline(record, ledger.vocab, reporter)
            check_evidence_files(record, reporter, docs_dir, ledger.vocab.key("evidence"))
        if isinstance(record, ProblemRecord):
            check_problem_status(record, ledger, reporter)
    check_docs_symlinks(ledger, reporter, docs_dir)
    check_gaps(ledger, reporter)


def check_duplicate_ids(records: list[Record], reporter: Reporter, key: str) -> None:
    paths = defaultdict(list)
    for record in records:
        paths[record.id].append(record)
    for record_id, same in paths.items():
        same.sort(key=lambda r: r.path)
        for record in same[1:]:
            reporter.add("duplicate-id", record.path, record.line_of("id"), value=record_id, other=same[0].path, key=key)


def check_links(ledger: Ledger, reporter: Reporter) -> None:
    """Report the links the linker could not follow (Ledger.unresolved)."""
    vocab = ledger.vocab
    for link in ledger.unresolved:
        record = ledger.records[link.source]
        spec = vocab.fields[link.field]
        target_kind = vocab.kinds[vocab.link_target(record.kind, link.field)]
        values = {"key": spec.key, "value": link.target, "target": target_kind.label}
        if link.reason == "self":
            reporter.add("link-self", record.path, link.line, **values)
        elif link.reason == "missing":
            reporter.add("link-missing", record.path, link.line, **values)
        else:
            reporter.add("link-wrong-kind", record.path, link.line, actual=vocab.kinds[ledger.records[link.target].kind].label,
                         prefix=target_kind.prefix, **values)


def check_body(record: Record, reporter: Reporter) -> None:
    for number, line in enumerate(record.body.splitlines()):
        if DRAFT_BODY in line:
            reporter.add("body-placeholder", record.path, record.body_line + number, marker=DRAFT_BODY)
    heavy = heavy_markup(record.body)
    if heavy is not None:   # shown as plain text; the HTML scan would take quadratic time on it
        reporter.add("body-heavy", record.path, record.body_line + heavy[0] - 1, what=heavy[1])
        return
    for finding in unsafe_html(record.body):
        reporter.add("unsafe-html", record.path, record.body_line + finding.line - 1, what=finding.what)


BACKWARD_FIELDS = ("recurs_from", "carried_from")   # 前轮记录, 承接自: links back to an earlier round
SAME_ROUND_FIELDS = {"measure": ("problems",), "problem": ("feedback",)}   # links that feed a round's figures


def check_recurrence(record: Record, mine: RoundRecord | None, ledger: Ledger, reporter: Reporter) -> None:
    """屡查屡犯 and 承接自 links point back in time: to a round with an earlier feedback date
    (`mine`: the record's round)."""
    links = record.links()
    for field in BACKWARD_FIELDS:
        for link in links.get(field, ()):
            target = ledger.get(link.target)
            if target is None or target.kind != record.kind or mine is None:
                continue  # reported by check_links
            theirs = ledger.round_of(target)
            if theirs is None or not is_earlier(theirs, mine):
                reporter.add("recur-not-earlier", record.path, link.line, value=link.target,
                             key=ledger.vocab.key(field), round=mine.id)


def check_same_round(record: Record, mine: RoundRecord | None, ledger: Ledger, reporter: Reporter) -> None:
    """A measure rectifies problems of its own round, a problem answers feedback of
    its own round: so no later record can change an earlier round's figures."""
    if mine is None:
        return
    links = record.links()
    for field in SAME_ROUND_FIELDS.get(record.kind, ()):
        for link in links.get(field, ()):
            target = ledger.get(link.target)
            theirs = ledger.round_of(target) if target is not None else None
            if theirs is not None and theirs.id != mine.id:
                reporter.add("link-other-round", record.path, link.line, key=ledger.vocab.key(field),
                             value=link.target, other=theirs.id, round=mine.id)


def check_area(record: Record, rnd: RoundRecord | None, ledger: Ledger, reporter: Reporter) -> None:
    area = getattr(record, "area", None)
    if area is None or rnd is None or rnd.area_name(area) is not None:
        return
    allowed = "、".join(k for k, _ in rnd.areas) or ledger.vocab.fill("（该{keys[round]}未列出{keys[area]}）")
    reporter.add("unknown-area", record.path, record.line_of("area"), value=area, round=rnd.id, allowed=allowed,
                 key=ledger.vocab.key("area"), areas=ledger.vocab.key("areas"))


def check_dates(record: Record, rnd: RoundRecord | None, shown: RoundRecord | None, ledger: Ledger,
                reporter: Reporter) -> None:
    """`rnd`: the record's round; `shown`: the ledger's current round."""
    if not isinstance(record, MeasureRecord):
        return
    vocab = ledger.vocab
    feedback = rnd.feedback_date if rnd else None
    today = record_today(ledger, rnd, shown)
    dated = [(vocab.key("progress"), p.on, p.line) for p in record.progress]
    for field in ("completed_on", "signed_off_on"):
        value = getattr(record, field)
        if value:
            dated.append((vocab.key(field), value, record.line_of(field)))
    for key, value, line in dated:
        if value > today:
            reporter.add("date-in-future", record.path, line, key=key, value=value, today=today, as_of=vocab.key("as_of"))
        elif feedback and value < feedback:
            reporter.add("date-before-feedback", record.path, line, key=key, value=value, feedback=feedback,
                         feedback_key=vocab.key("feedback_date"))
    check_date_order(record, vocab, feedback, reporter)


def check_date_order(m: MeasureRecord, vocab, feedback, reporter: Reporter) -> None:
    """Dates of one measure that contradict each other (see README, 日期的先后)."""
    # A carried measure (承接自) keeps its original deadline, so that it stays overdue: 整改不到位不销号.
    if feedback and m.deadline and m.deadline < feedback and not m.carried_from:
        reporter.add("deadline-before-feedback", m.path, m.line_of("deadline"), key=vocab.key("deadline"),
                     value=m.deadline, feedback=feedback)
    if m.completed_on and m.signed_off_on and m.signed_off_on < m.completed_on:
        reporter.add("signoff-before-done", m.path, m.line_of("signed_off_on"), key=vocab.key("signed_off_on"),
                     value=m.signed_off_on, done_key=vocab.key("completed_on"), done=m.completed_on)
    if m.completed_on and m.progress and m.progress[-1].on > m.completed_on:
        last = m.progress[-1]
        reporter.add("progress-after-done", m.path, last.line, key=vocab.key("progress"), value=last.on,
                     done_key=vocab.key("completed_on"), done=m.completed_on)


def record_today(ledger: Ledger, rnd: RoundRecord | None, shown: RoundRecord | None) -> dt.date:
    """The date a record's facts may not be later than: the build's statistics date
    for the shown round; another round's own 统计日期 (or the real date), so that
    building an earlier round does not call a later round's progress "future"
    (`shown`: ledger.current_round, the round the build shows)."""
    if rnd is None or rnd.id == (shown.id if shown else None):
        return ledger.today
    return max(ledger.today, rnd.as_of or dt.date.today())


def check_measure_status(measure: MeasureRecord, ledger: Ledger, reporter: Reporter) -> None:
    vocab = ledger.vocab
    status = measure.status
    if status is None:
        return
    label = vocab.label("statuses", status)
    where = measure.line_of("status")

    def needs(rule: str, line: int, field: str) -> None:
        # An imported draft (a unit's ledger says 已完成 without date or
        # evidence) lacks them like any other field: a reminder until submitted.
        if measure.draft:
            reporter.add("draft-incomplete", measure.path, line, kind=vocab.kind_label("measure"),
                         key=vocab.key(field), help=vocab.fields[field].help, draft_key=vocab.key("draft"))
        else:
            reporter.add(rule, measure.path, line, status=label, key=vocab.key(field))

    if vocab.is_closed(status):
        # 长期坚持 is never simply done: 已完成 or 已销号 needs the 阶段性评估 that says why it may close
        if is_long_term(measure) and not measure.value("assessment"):
            reporter.add("long-term-signoff-unassessed", measure.path, where, status=label,
                         long_term=vocab.label("measure_types", "long_term"), key=vocab.key("assessment"))
        if measure.completed_on is None and "completed_on" not in measure.lines:
            needs("done-needs-date", where, "completed_on")
        if not measure.evidence:
            needs("done-needs-evidence", measure.line_of("evidence") if "evidence" in measure.lines else where,
                  "evidence")
    if status == "signed_off":
        for field in ("signed_off_by", "signed_off_on"):
            if getattr(measure, field) is None and field not in measure.lines:
                needs("signoff-needs-who-when", where, field)
    elif not vocab.is_closed(status) and (measure.signed_off_by or measure.signed_off_on):
        line = measure.line_of("signed_off_by" if measure.signed_off_by else "signed_off_on")
        reporter.add("signoff-needs-done", measure.path, line, status=label,
                     done=vocab.label("statuses", "done"), signed=vocab.label("statuses", "signed_off"),
                     completed=vocab.key("completed_on"))


def check_adjusted_deadline(measure: MeasureRecord, vocab, reporter: Reporter) -> None:
    """An adjusted deadline (调整后时限) says why (调整原因); a reason alone adjusts nothing."""
    adjusted, reason = measure.value("adjusted_deadline"), measure.value("adjust_reason")
    if adjusted and not reason:
        reporter.add("adjusted-needs-reason", measure.path, measure.line_of("adjusted_deadline"),
                     key=vocab.key("adjusted_deadline"), reason=vocab.key("adjust_reason"))
    elif reason and "adjusted_deadline" not in measure.lines:
        reporter.add("adjusted-needs-reason", measure.path, measure.line_of("adjust_reason"),
                     key=vocab.key("adjusted_deadline"), reason=vocab.key("adjust_reason"))


def check_problem_status(problem: ProblemRecord, ledger: Ledger, reporter: Reporter) -> None:
    """The seed's failure: reported as fully rectified while it was not."""
    vocab = ledger.vocab
    if problem.status is None or not vocab.is_closed(problem.status):
        return
    still_open = [m.id for m in ledger.measures_of(problem.id) if m.status and not vocab.is_closed(m.status)]
    if still_open:
        reporter.add("problem-closed-too-early", problem.path, problem.line_of("status"),
                     status=vocab.label("statuses", problem.status), open="、".join(still_open),
                     measure=vocab.kind_label("measure"))


def check_evidence_files(measure: MeasureRecord, reporter: Reporter, docs_dir: Path, key: str) -> None:
    """Evidence files are files of this repository under docs/: a path that
    climbs out of docs/ or a symlink that leads out of the repository is
    refused (and the site does not publish it), not called missing."""
    docs = repo = None
    for item in measure.evidence:
        if item.file and BIDI_CHARS.search(item.file):
            reporter.add("bidi-name", measure.path, item.line, what=key, value=bidi_shown(item.file),
                         chars=bidi_names(item.file))
            continue
        if not item.file or is_url(item.file):
            continue
        if docs is None:   # only for a measure with files: realpath asks the file system
            docs = os.path.abspath(docs_dir)
            repo = os.path.realpath(os.path.dirname(docs))
        lexical = os.path.normpath(os.path.join(docs, item.file))
        if os.path.isabs(item.file) or not lexical.startswith(docs + os.sep):
            reporter.add("evidence-outside-docs", measure.path, item.line, value=item.file, key=key)
            continue
        real = os.path.realpath(lexical)
        if real != repo and not real.startswith(repo + os.sep):
            reporter.add("evidence-symlink", measure.path, item.line, value=item.file, target=real, key=key)
        elif (private := _private(lexical, real, docs, repo)) is not None:
            reporter.add("evidence-private", measure.path, item.line, value=item.file, key=key,
                         what=PRIVATE_PLACES[private], target=os.path.relpath(real, repo).replace(os.sep, "/"))
        elif active_file(item.file) or active_file(real):
            reporter.add("evidence-active", measure.path, item.line, value=item.file, key=key)
        elif not os.path.isfile(real):
            reporter.add("evidence-file-missing", measure.path, item.line, value=item.file, key=key)


def check_docs_symlinks(ledger: Ledger, reporter: Reporter, docs_dir: Path) -> None:
    """A symlink anywhere under docs/ that leads out of the repository, named
    by no evidence entry (those are reported at their record's line): the
    build leaves it out and warns; the checker says so before a build."""
    docs = os.path.abspath(docs_dir)
    if not os.path.isdir(docs):
        return
    repo = os.path.realpath(os.path.dirname(docs))
    named = {os.path.normpath(os.path.join(docs, item.file)) for m in ledger.records.values()
             if isinstance(m, MeasureRecord) for item in m.evidence if item.file and not is_url(item.file)}
    for folder, dirs, files in os.walk(docs):   # never follows a linked folder
        for name in sorted(dirs) + sorted(files):
            path = os.path.join(folder, name)
            if BIDI_CHARS.search(name):
                rel = bidi_shown("docs/" + os.path.relpath(path, docs).replace(os.sep, "/"))
                reporter.add("bidi-name", rel, 1, what="文件名", value=bidi_shown(name), chars=bidi_names(name))
            if not os.path.islink(path):
                continue
            if path in named or any(n.startswith(path + os.sep) for n in named):
                continue   # named by a record: evidence-symlink reports it there
            real = os.path.realpath(path)
            rel = "docs/" + os.path.relpath(path, docs).replace(os.sep, "/")
            if real != repo and not real.startswith(repo + os.sep):
                reporter.add("docs-symlink", rel, 1, target=real)
            elif (private := private_kind(real, repo)) is not None:
                reporter.add("docs-private", rel, 1, what=PRIVATE_PLACES[private],
                             target=os.path.relpath(real, repo).replace(os.sep, "/"))
            elif broken := broken_link(path):
                # The build leaves it out: a dangling link would crash the copy, a looping folder repeat docs/.
                reporter.add("docs-symlink-broken", rel, 1, target=os.readlink(path), why=BROKEN_LINK_REASONS[broken])


def _private(lexical: str, real: str, docs: str, repo: str) -> str | None:
    """A dot-name under docs/ (MkDocs leaves those out), or a private place the path leads to."""
    if hidden_name(os.path.relpath(lexical, docs)):
        return "dot"
    return private_kind(real, repo)


def check_gaps(ledger: Ledger, reporter: Reporter) -> None:
    """Warnings: feedback nobody answered, problems without measures, idle causes."""
    kinds = {name: kind.label for name, kind in ledger.vocab.kinds.items()}   # the messages name them
    for record in ledger.records.values():
        if (isinstance(record, FeedbackRecord) and not not_a_task(record)     # 非整改任务: nothing need answer it
                and not ledger.linked_from(record.id, "problem", "feedback")):
            reporter.add("feedback-unanswered", record.path, 1, draft=record.draft, value=record.id, key=ledger.vocab.key("feedback"), **kinds)
        elif isinstance(record, ProblemRecord) and not record.is_declaration and not ledger.measures_of(record.id):
            reporter.add("problem-without-measure", record.path, 1, draft=record.draft, value=record.id, key=ledger.vocab.key("problems"), **kinds)
        elif record.kind == "cause" and not ledger.linked_from(record.id, "problem", "causes"):
            reporter.add("cause-unused", record.path, 1, draft=record.draft, value=record.id, key=ledger.vocab.key("causes"), **kinds)
