"""Small marks that tie a record to other rounds, derived, never written:
the hand-over (已转入 LC-002：CS-010), carried-in work (承接 LC-001：CS-003)
and repeat findings (屡查屡犯). Lists, trace, record pages and the rounds
pages all show the same words from here."""

from __future__ import annotations

from taizhang.model import MeasureRecord, Record
from taizhang.render.html import Page, esc


def by_round(page: Page, records: list[Record]) -> str:
    """LC-002：CS-010、CS-011 — linked ids grouped by their round."""
    groups: dict[str, list[str]] = {}
    for r in records:
        groups.setdefault(r.round or "—", []).append(page.round_id_link(r))
    return "；".join(f"{esc(rnd)}：{'、'.join(links)}" for rnd, links in groups.items())


def handover_text(page: Page, measure: MeasureRecord) -> str:
    later = page.ledger.carried_into(measure.id)
    return page.vocab.phrase("handed_over_to", rounds=by_round(page, later)) if later else ""


def handover_mark(page: Page, measure: MeasureRecord) -> str:
    text = handover_text(page, measure)
    return f' <span class="tz-handover">{text}</span>' if text else ""


def carried_text(page: Page, measure: MeasureRecord) -> str:
    earlier = page.ledger.carried_from(measure)
    return page.vocab.phrase("carried_from_mark", rounds=by_round(page, earlier)) if earlier else ""


def carried_mark(page: Page, measure: MeasureRecord) -> str:
    text = carried_text(page, measure)
    return f' <span class="tz-carried">{text}</span>' if text else ""


def repeat_mark(page: Page, record) -> str:
    """屡查屡犯 beside a record (or a views.Ref to one)."""
    record = page.ledger.get(record.id)
    if record is None:
        return ""
    # asked for every record each list and the 对照表 name: the answer, mostly none, kept per build
    earlier = (page.memo.per_record("repeats", record, page.ledger.repeats) if page.memo is not None
               else page.ledger.repeats(record))
    if not earlier:
        return ""
    word = esc(page.vocab.phrase("page_recurrences"))
    return (f' <span class="tz-repeat" title="{word}">'
            f'{page.vocab.phrase("repeat_mark", recurrences=word, rounds=by_round(page, earlier))}</span>')


def round_marks(page: Page, measure: MeasureRecord) -> str:
    """Both measure marks, for a task-list status cell."""
    return carried_mark(page, measure) + handover_mark(page, measure)
