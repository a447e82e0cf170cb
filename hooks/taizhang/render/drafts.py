"""待补充: every record still marked 草稿 and what it lacks.

An imported ledger builds (draft reminders are info, not warnings); this page
is where the compilers see, per record, what they still have to fill in
before `taizhang check --submit` passes.
"""

from __future__ import annotations

from taizhang.problems import Problem
from taizhang.render.html import Page, block, esc, md_inline, table


def render_drafts(page: Page, problems: tuple[Problem, ...]) -> str:
    ledger, vocab = page.ledger, page.vocab
    drafts = [r for r in ledger.records.values() if r.draft]
    lacking: dict[str, list[str]] = {}
    for problem in problems:
        if problem.rule == "draft-incomplete":
            lacking.setdefault(problem.path, []).append(problem.message.split("还缺", 1)[-1])
    draft, title = esc(vocab.key("draft")), md_inline(vocab.label("lights", "pending"))
    rows = []
    for record in drafts:
        missing = lacking.get(record.path, [])
        rows.append([esc(vocab.kind_label(record.kind)), page.link(record),
                     esc("、".join(missing)) if missing else f"必填项已齐全，核对后删除“{draft}: 是”",
                     f'<span data-missing="{len(missing)}">{len(missing)}</span>'])
    total = sum(len(v) for v in lacking.values())
    lead = (f"共 {len(drafts)} 条待补全的记录（由 <code>taizhang import</code> 导入，带“{draft}: 是”），"
            f"尚缺 <strong data-lacking=\"{total}\">{total}</strong> 项。补全一条后删除它的“{draft}: 是”一行；"
            "提交台账前运行 <code>taizhang check --submit</code>，未补全的记录和缺项都会算作错误。") if drafts else \
        "全部记录都已补全。"
    return "\n".join([f"# {title}\n", block(f'<p class="tz-lead">{lead}</p>'),
                      block(table([vocab.key("kind"), "记录", "尚缺", "缺项数"], rows, "tz-drafts tz-sortable",
                                  empty="（没有）"))])
