"""待补充: every record still marked 草稿 and what it lacks.

An imported ledger builds (draft reminders are info, not warnings); this page
is where the compilers see, per record, what they still have to fill in
before `taizhang check --submit` passes.
"""

from __future__ import annotations

from taizhang.problems import Problem
from taizhang.render.html import NOWRAP, Col, Page, block, esc, md_inline, table


def render_drafts(page: Page, problems: tuple[Problem, ...]) -> str:
    ledger, vocab = page.ledger, page.vocab
    drafts = [r for r in ledger.records.values() if r.draft]
    lacking: dict[str, list[str]] = {}
    for problem in problems:
        if problem.rule == "draft-incomplete":
            lacking.setdefault(problem.path, []).append(problem.message.split("还缺", 1)[-1])
    yes, title = vocab.phrase("yes"), md_inline(vocab.label("lights", "pending"))
    rows = []
    for record in drafts:
        missing = lacking.get(record.path, [])
        # each field's name whole on its line (“整改问题” was split as “整改问/题”)
        names = "、".join(f'<span class="tz-nobr">{esc(name)}</span>' for name in missing)
        rows.append([esc(vocab.kind_label(record.kind)), page.link(record),
                     names if missing else esc(vocab.phrase("drafts_complete", yes=yes)),
                     f'<span data-missing="{len(missing)}">{len(missing)}</span>'])
    total = sum(len(v) for v in lacking.values())
    lead = vocab.phrase("drafts_lead", count=len(drafts), yes=yes, lacking=f'<strong data-lacking="{total}">{total}</strong>',
                        command="<code>taizhang import</code>",
                        check="<code>taizhang check --submit</code>") if drafts else esc(vocab.phrase("drafts_none"))
    return "\n".join([f"# {title}\n", block(f'<p class="tz-lead">{lead}</p>'),
                      block(table([Col(vocab.key("kind"), NOWRAP), vocab.phrase("drafts_record"), vocab.phrase("drafts_missing"),
                                   vocab.phrase("drafts_missing_count")], rows, "tz-drafts tz-sortable",
                                  empty=vocab.phrase("drafts_empty")))])
