"""All generated pages of one build: src_uri → Markdown text.

The hook turns each entry into an in-memory MkDocs file; nothing is written
to docs/ or records/.
"""

from __future__ import annotations

from dataclasses import dataclass

from taizhang import collector
from taizhang.history import History
from taizhang.project import Analysis
from taizhang.render import urls
from taizhang.render.closing import render_reconciliation, render_signoff_list
from taizhang.render.dashboard import render_dashboard
from taizhang.render.drafts import render_drafts
from taizhang.render import html as render_html
from taizhang.render.html import BuildMemo, Page, inline_blocks, record_src, set_aside, source_note
from taizhang.render.lists import (render_kind_index, render_problem_list, render_recurrences,
                                   render_responsibility_list, render_task_list)
from taizhang.render.record import render_record
from taizhang.render.report import report_markdown
from taizhang.render.rounds import ArchiveView, render_carried, render_rounds
from taizhang.render.trace import render_trace
from taizhang.views import Scope
from taizhang.views.report import build_report


SEARCH_EXCLUDED = "---\nsearch:\n  exclude: true\n---\n"
# Wide ledgers take the whole width: the tabs and the menu button still lead everywhere.
WIDE = "---\nhide:\n  - navigation\n  - toc\n---\n"
WIDE_UNSEARCHED = "---\nhide:\n  - navigation\n  - toc\nsearch:\n  exclude: true\n---\n"


@dataclass(frozen=True)
class SitePages:
    pages: dict[str, str]             # src_uri -> Markdown
    record_files: dict[str, str]      # src_uri -> record path (records/…/X.md)
    fragments: dict[str, list[str]]   # src_uri -> HTML set aside from the Markdown (see html.block)


# Rendering makes a great many short-lived strings and hardly a reference cycle,
# while the ledger's objects all stay alive: Python's cycle collector would walk
# them again and again (about a tenth of the pages' CPU at 5,000 records). As in
# project.analyse, it is paused while the pages are made; memory is still freed
# by reference counting.
COLLECT_AFTER = True   # False: the collector runs while pages are made (tests compare)


def render_site(analysis: Analysis, dir_urls: bool = True, history: History | None = None,
                set_aside_html: bool = False, archive: ArchiveView | None = None) -> SitePages:
    """Every generated page; with set_aside_html, large HTML blocks are left as
    placeholders and returned in `fragments` for the adapter to fill in."""
    with collector.paused(COLLECT_AFTER):
        return _render_site(analysis, dir_urls, history, set_aside_html, archive)


def _render_site(analysis: Analysis, dir_urls: bool, history: History | None, set_aside_html: bool,
                 archive: ArchiveView | None) -> SitePages:
    ledger = analysis.ledger
    scope = Scope(ledger, ledger.current_round)
    pages: dict[str, str] = {}
    fragments: dict[str, list[str]] = {}

    memo = BuildMemo(ledger, scope) if render_html.ONCE_PER_BUILD else None

    def emit(uri: str, make) -> None:
        text = make(Page(uri, ledger, dir_urls, archive or ArchiveView(), memo))
        if not set_aside_html:
            pages[uri] = inline_blocks(text)
            return
        pages[uri], collected = set_aside(text)
        if collected:
            fragments[uri] = collected

    summaries = {
        urls.DASHBOARD: render_dashboard,
        urls.PROBLEM_LIST: render_problem_list,
        urls.TASK_LIST: render_task_list,
        urls.RESPONSIBILITY_LIST: render_responsibility_list,
        urls.TRACE: render_trace,
        urls.SIGNOFF_LIST: render_signoff_list,
        urls.RECONCILIATION: render_reconciliation,
        urls.RECURRENCES: render_recurrences,
        urls.CARRIED: render_carried,
        urls.ROUNDS: lambda page, scope: render_rounds(page, scope, archive),
        urls.REPORT: lambda page, scope: report_markdown(build_report(page.ledger, scope), page.vocab),
    }
    # Long generated tables repeat what record pages say: keep them out of the
    # search index (segmenting them with jieba was most of the build's cost).
    unsearched = {urls.PROBLEM_LIST, urls.TASK_LIST, urls.RESPONSIBILITY_LIST, urls.TRACE, urls.RECURRENCES,
                  urls.SIGNOFF_LIST, urls.RECONCILIATION,
                  urls.CARRIED}
    for uri, render in summaries.items():
        # The 进展通报 page retells every item too, in one long section: Zensical
        # refuses a search section over 128 KB (a 1,000-record ledger's report).
        head = WIDE_UNSEARCHED if uri in unsearched else (WIDE if uri == urls.DASHBOARD else
                                                          SEARCH_EXCLUDED if uri == urls.REPORT else "")
        emit(uri, lambda page, render=render, head=head: head + render(page, scope) + source_note(ledger))
    emit(urls.DRAFTS, lambda page: SEARCH_EXCLUDED + render_drafts(page, analysis.problems) + source_note(ledger))
    for kind in analysis.vocab.kinds.values():
        emit(urls.kind_index(kind.folder),
             lambda page, kind=kind: SEARCH_EXCLUDED + render_kind_index(page, kind.name) + source_note(ledger))
    problems_by_path: dict[str, list] = {}
    for problem in analysis.problems:
        problems_by_path.setdefault(problem.path, []).append(problem)
    record_files = {}
    for record in ledger.records.values():
        uri = record_src(analysis.vocab, record)
        emit(uri, lambda page, record=record: render_record(page, record, problems_by_path.get(record.path, []), history, scope))
        record_files[uri] = record.path
    return SitePages(pages, record_files, fragments)
