"""All generated pages of one build: src_uri → Markdown text.

The hook turns each entry into an in-memory MkDocs file; nothing is written
to docs/ or records/.
"""

from __future__ import annotations

from dataclasses import dataclass

from taizhang.export.report import build_report, report_docx, report_markdown
from taizhang.export.tabular import ledger_csv, records_json, schema_bytes
from taizhang.export.xlsx import build_workbook
from taizhang.history import History
from taizhang.project import Analysis
from taizhang.render import urls
from taizhang.render.dashboard import render_dashboard
from taizhang.render.html import Page, record_src, source_note
from taizhang.render.lists import (render_kind_index, render_problem_list, render_recurrences,
                                   render_responsibility_list, render_task_list)
from taizhang.render.record import render_record
from taizhang.render.scope import Scope
from taizhang.render.trace import render_trace


SEARCH_EXCLUDED = "---\nsearch:\n  exclude: true\n---\n"


@dataclass(frozen=True)
class SitePages:
    pages: dict[str, str]             # src_uri -> Markdown
    record_files: dict[str, str]      # src_uri -> record path (records/…/X.md)
    files: dict[str, bytes]           # src_uri -> downloadable file


def downloads(ledger, scope: Scope) -> dict[str, bytes]:
    report = build_report(ledger, scope)
    return {
        "downloads/taizhang.xlsx": build_workbook(ledger, scope),
        "downloads/ledger.csv": ledger_csv(ledger, scope),
        "downloads/records.json": records_json(ledger),
        "downloads/records.schema.json": schema_bytes(),
        "downloads/report.docx": report_docx(report, ledger.today),
    }


def render_site(analysis: Analysis, dir_urls: bool = True, history: History | None = None) -> SitePages:
    ledger = analysis.ledger
    scope = Scope(ledger, ledger.current_round)
    summaries = {
        urls.DASHBOARD: render_dashboard,
        urls.PROBLEM_LIST: render_problem_list,
        urls.TASK_LIST: render_task_list,
        urls.RESPONSIBILITY_LIST: render_responsibility_list,
        urls.TRACE: render_trace,
        urls.RECURRENCES: render_recurrences,
    }
    note = source_note(ledger)
    # Long generated tables repeat what record pages say: keep them out of the
    # search index (segmenting them with jieba was most of the build's cost).
    unsearched = {urls.PROBLEM_LIST, urls.TASK_LIST, urls.RESPONSIBILITY_LIST, urls.TRACE, urls.RECURRENCES}
    summaries[urls.REPORT] = lambda page, scope: report_markdown(build_report(page.ledger, scope))
    pages = {uri: (SEARCH_EXCLUDED if uri in unsearched else "") + render(Page(uri, ledger, dir_urls), scope) + note
             for uri, render in summaries.items()}
    for kind in analysis.vocab.kinds.values():
        uri = urls.kind_index(kind.folder)
        pages[uri] = SEARCH_EXCLUDED + render_kind_index(Page(uri, ledger, dir_urls), kind.name) + note
    problems_by_path: dict[str, list] = {}
    for problem in analysis.problems:
        problems_by_path.setdefault(problem.path, []).append(problem)
    record_files = {}
    for record in ledger.records.values():
        uri = record_src(analysis.vocab, record)
        pages[uri] = render_record(Page(uri, ledger, dir_urls), record, problems_by_path.get(record.path, []), history)
        record_files[uri] = record.path
    return SitePages(pages, record_files, downloads(ledger, scope))
