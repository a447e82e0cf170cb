"""The README's maintainer map (改哪里), done for real in a temp project: each
change touches exactly the files the map names, and the result is seen where
a user sees it.

- add a field: taizhang.yml only (vocabulary.yml for everyone);
- add a column to a list: taizhang.yml `tables` only (test_fields.py has the
  list-column case on its own; here the new field also gets a ledger column);
- add a page: render/<page>.py, one line in render/site.py, its words in
  vocabulary.yml `phrases`, its place in mkdocs.yml `nav`: built by the real
  mkdocs from the project's own copy of hooks/;
- rename a word: taizhang.yml only, plus the records for a word records write
  (the renamed golden case renames every word; here a light and a kind label,
  seen in pages, sheets and `taizhang new --help`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import openpyxl

from conftest import build, copy_project, run_cli
from taizhang.diff import render_summary
from taizhang.export.tabular import ledger_csv, records_json, schema
from taizhang.export.xlsx import build_workbook
from taizhang.project import analyse
from taizhang.render.site import render_site
from taizhang.views import Scope, figures

SUPERVISOR = """fields:
  supervisor: {key: 督办人, type: texts, help: "督办本{measure}的领导"}
kind_fields:
  measure:
    optional: [supervisor, carried_from, addresses_causes, progress, evidence, completed_on, signed_off_by,
               signed_off_on, publish, draft, adjusted_deadline, adjust_reason, assessment]
ledger_columns:
  - {name: number, label: 序号}
  - {name: measure, label: 整改措施}
  - {name: supervisor}
"""


def _with_supervisor(path, who: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("整改状态:", f"督办人: {who}\n整改状态:", 1), encoding="utf-8")


def test_adding_a_field_is_one_file(tmp_path):
    """督办人 for measures, declared in taizhang.yml alone: checked, on the record
    page, in records.json and its schema, in the ledger's CSV and sheet, in the
    pull-request summary and in `taizhang new`'s template."""
    project = copy_project(tmp_path / "p")
    before = analyse(project)
    (project / "taizhang.yml").write_text(SUPERVISOR, encoding="utf-8")
    _with_supervisor(project / "records/measures/CS-002.md", "赵某某")
    analysis = analyse(project)
    assert not analysis.errors, [p.format() for p in analysis.errors]
    ledger = analysis.ledger
    scope = Scope(ledger, ledger.current_round)
    assert ledger.records["CS-002"].value("supervisor") == ("赵某某",)
    # on the record page
    page = render_site(analysis).pages["measures/CS-002/index.md"]
    assert "<th>督办人</th><td>赵某某</td>" in page
    # records.json and its schema (with the field's help, its words filled in)
    records = {r["id"]: r for r in json.loads(records_json(ledger))}
    assert records["CS-002"]["supervisor"] == ["赵某某"] and records["CS-001"]["supervisor"] == []
    assert "督办人" in json.dumps(schema(analysis.vocab), ensure_ascii=False)
    # the ledger: CSV and the xlsx sheet
    rows = list(csv.reader(io.StringIO(ledger_csv(ledger, scope).decode("utf-8-sig"))))
    measure = rows[0].index("整改措施")
    assert rows[0][-1] == "督办人" and any(r[-1] == "赵某某" and r[measure].startswith("CS-002") for r in rows[1:])
    sheet = openpyxl.load_workbook(io.BytesIO(build_workbook(ledger, scope))).worksheets[0]
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "督办人" in cells and "赵某某" in cells
    # the pull-request summary names the changed field
    summary = render_summary(before, analysis, "main", "HEAD")
    assert "CS-002" in summary and "督办人" in summary
    # `taizhang new measure` writes it into the new record's template, with its help
    known = set(project.glob("records/**/*.md"))
    made = run_cli("new", "measure", "--title", "试一条", "--problem", "WT-001", "--leader", "甲", "--unit", "乙",
                   "--owner", "丙", "--deadline", "2023-12-31", cwd=project)
    assert made.returncode == 0, made.stderr
    (new_file,) = set(project.glob("records/**/*.md")) - known
    assert "# 督办人:  # 督办本整改措施的领导\n" in new_file.read_text(encoding="utf-8")
    new_file.unlink()
    # checked like any field: a number is not a name
    _with_supervisor(project / "records/measures/CS-003.md", "[1, [2]]")
    checked = run_cli("check", cwd=project)
    assert checked.returncode == 1 and "records/measures/CS-003.md" in checked.stdout and "督办人" in checked.stdout


NEW_PAGE = '''"""逾期单位: each responsible unit with overdue measures, most first."""

from __future__ import annotations

from taizhang.link import RED
from taizhang.render.html import Page, block, esc, table
from taizhang.views import Scope, task_rows


def render_overdue_units(page: Page, scope: Scope) -> str:
    vocab = page.vocab
    counts: dict[str, int] = {}
    for row in task_rows(page.ledger, scope.measures):
        if row.light == RED:
            for unit in row.unit:
                counts[unit] = counts.get(unit, 0) + 1
    rows = [[esc(unit), str(n)] for unit, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]
    return (f"# {esc(vocab.phrase('overdue_units'))}\\n\\n"
            + block(table([vocab.key("unit"), vocab.label("lights", "red")], rows, "tz-sortable")))
'''


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells: list[str] = []

    def handle_data(self, data):
        if data.strip():
            self.cells.append(data.strip())


def test_adding_a_page_is_four_files(tmp_path):
    project = copy_project(tmp_path / "p")
    core = project / "hooks/taizhang"
    # 1. render/overdue_units.py: the layout, its figures from views
    (core / "render/overdue_units.py").write_text(NEW_PAGE, encoding="utf-8")
    # 2. render/site.py: the page's address and its function (and the import)
    site_py = core / "render/site.py"
    text = site_py.read_text(encoding="utf-8")
    text = text.replace("from taizhang.render.trace import render_trace\n",
                        "from taizhang.render.trace import render_trace\n"
                        "from taizhang.render.overdue_units import render_overdue_units\n", 1)
    text = text.replace("    summaries = {\n", '    summaries = {\n        "overdue-units/index.md": render_overdue_units,\n', 1)
    site_py.write_text(text, encoding="utf-8")
    # 3. vocabulary.yml: the page's words
    vocabulary = core / "vocabulary.yml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(text.replace("\nphrases:\n", "\nphrases:\n  overdue_units: 逾期单位\n", 1), encoding="utf-8")
    # 4. mkdocs.yml: its place in the navigation
    mkdocs_yml = project / "mkdocs.yml"
    text = mkdocs_yml.read_text(encoding="utf-8")
    assert "  - trace/index.md\n" in text
    mkdocs_yml.write_text(text.replace("  - trace/index.md\n", "  - trace/index.md\n  - overdue-units/index.md\n", 1),
                          encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    html = (project / "site/overdue-units/index.html").read_text(encoding="utf-8")
    assert "<title>逾期单位 - " in html
    assert re.search(r'href="overdue-units/"[^>]*>\s*逾期单位\s*<', (project / "site/index.html").read_text(encoding="utf-8"))
    parser = _Text()
    parser.feed(html[html.index("<table"):html.index("</table>")])
    analysis = analyse(project)
    ledger = analysis.ledger
    overdue = figures(ledger, Scope(ledger, ledger.current_round)).overdue
    assert overdue > 0
    start = parser.cells.index("逾期") + 1     # after the header row: unit, count, unit, count …
    counts = [int(n) for n in parser.cells[start + 1::2]]
    assert sum(counts) >= overdue and min(counts) >= 1


def test_renaming_a_word_is_one_file_and_the_records_that_write_it(tmp_path):
    """A word no record writes (a light, a phrase, a column word) is one edit of
    taizhang.yml. A word records write (a kind, a status, a type, a phase, a
    field key) is also in every record that uses it: until those are rewritten
    the checker names each one and the words it accepts."""
    project = copy_project(tmp_path / "p")
    (project / "taizhang.yml").write_text("lights:\n  red: {label: 超期}\n", encoding="utf-8")
    analysis = analyse(project)
    assert not analysis.errors
    pages = render_site(analysis).pages
    assert "超期" in pages["lists/tasks/index.md"] and "逾期" not in pages["lists/tasks/index.md"]

    (project / "taizhang.yml").write_text("kinds:\n  measure: {label: 落实举措}\n", encoding="utf-8")
    checked = run_cli("check", cwd=project)
    assert checked.returncode == 1 and "records/measures/CS-001.md:3:" in checked.stdout and "落实举措" in checked.stdout
    for path in (project / "records/measures").glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace("类别: 整改措施\n", "类别: 落实举措\n"), encoding="utf-8")
    analysis = analyse(project)
    assert not analysis.errors, [p.format() for p in analysis.errors]
    ledger = analysis.ledger
    scope = Scope(ledger, ledger.current_round)
    pages = render_site(analysis).pages
    for uri in ("lists/tasks/index.md", "trace/index.md", "reconciliation/index.md", "measures/index.md",
                "lists/problems/index.md"):
        assert "落实举措" in pages[uri] and "整改措施" not in pages[uri], uri
    sheet = openpyxl.load_workbook(io.BytesIO(build_workbook(ledger, scope)))
    headers = [c.value for ws in sheet.worksheets for row in ws.iter_rows(max_row=4) for c in row if c.value]
    assert "落实举措" in headers and "整改措施" not in headers
    shown = run_cli("new", "--help", cwd=project)
    assert "新建落实举措" in shown.stdout and "整改措施" not in shown.stdout
    known = set(project.glob("records/**/*.md"))
    made = run_cli("new", "落实举措", "--title", "试一条", "--problem", "WT-001", "--leader", "甲", "--unit", "乙",
                   "--owner", "丙", "--deadline", "2023-12-31", cwd=project)
    assert made.returncode == 0, made.stderr
    (new_file,) = set(project.glob("records/**/*.md")) - known
    assert "类别: 落实举措" in new_file.read_text(encoding="utf-8")
