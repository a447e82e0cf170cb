"""`taizhang due`: measures overdue or due within N days, by 责任单位, for
scheduled CI jobs that remind the units."""

from __future__ import annotations

from collections import defaultdict

from taizhang.link import Ledger
from taizhang.markup import md_inline, md_text
from taizhang.views import days_text, is_closed
from taizhang.model import MeasureRecord


def due_measures(ledger: Ledger, days: int) -> list[MeasureRecord]:
    found = []
    for m in ledger.of_kind("measure"):
        left = ledger.days_left(m)
        if not is_closed(ledger, m) and not m.long_term and left is not None and left <= days:
            found.append(m)
    return sorted(found, key=lambda m: (ledger.days_left(m), m.id))


def units_by_urgency(ledger: Ledger, by_unit: dict[str, list[MeasureRecord]]) -> list[str]:
    """Units with the most overdue measures first, then the most due soon, then by name."""
    def urgency(unit):
        overdue = sum(ledger.days_left(m) < 0 for m in by_unit[unit])
        return (-overdue, -(len(by_unit[unit]) - overdue), unit)
    return sorted(by_unit, key=urgency)


def _when(ledger: Ledger, m: MeasureRecord) -> str:
    return days_text(ledger.vocab, ledger.days_left(m))


def due_report(ledger: Ledger, days: int, markdown: bool = False) -> str:
    measures = due_measures(ledger, days)
    vocab = ledger.vocab
    key = vocab.key
    head = vocab.phrase("due_head", date=ledger.today.isoformat(), days=days, count=len(measures))
    if not measures:
        return head + "。\n"
    by_unit = defaultdict(list)
    for m in measures:
        for unit in m.unit or (ledger.vocab.phrase("not_filled"),):
            by_unit[unit].append(m)
    lines = [("## " if markdown else "") + head + "：", ""]
    for unit in units_by_urgency(ledger, by_unit):
        overdue = sum(ledger.days_left(m) < 0 for m in by_unit[unit])
        counts = ledger.vocab.phrase("due_unit_counts", overdue=overdue, soon=len(by_unit[unit]) - overdue)
        lines.append(f"### {md_inline(unit)}{counts}" if markdown else unit + counts)
        if markdown:
            headers = [key("id"), vocab.kind_label("measure"), key("deadline"), vocab.phrase("due_when"), key("owner")]
            lines += ["", "| " + " | ".join(headers) + " |", "| --- | --- | --- | --- | --- |"]
        for m in by_unit[unit]:
            when, owner = _when(ledger, m), "、".join(m.owner)
            if markdown:
                lines.append(f"| {m.id} | {_cell(m.title)} | {m.deadline.isoformat()} | {when} | {_cell(owner)} |")
            else:
                lines.append(f"  {when:　<8} {m.id} {m.title}（{key('deadline')} {m.deadline.isoformat()}，{key('owner')} {owner}）")
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return md_text(text)
