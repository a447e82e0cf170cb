"""Golden tests of generated outputs, rendered by the core without MkDocs.

Each case under tests/golden/pages/<case>/ holds records/, an optional
taizhang.yml, an optional case.yml (use_directory_urls: false) and expected/:
the generated Markdown of every page plus the CSV, the JSON and its schema.
Any change of wording or structure shows as a diff here. After a deliberate
change, refresh the expected files and review them in `git diff`:

    TAIZHANG_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_pages.py
"""

from __future__ import annotations

import difflib
import io
import os
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import GOLDEN
from taizhang.export.due import due_report
from taizhang.export.files import build_download
from taizhang.project import analyse
from taizhang.render.site import render_site
from taizhang.views import DOWNLOADS, Scope
from taizhang.vocabulary import load_vocabulary

CASES = sorted(p for p in (GOLDEN / "pages").iterdir() if p.is_dir())
UPDATE = os.environ.get("TAIZHANG_UPDATE_GOLDEN") == "1"
TEXT_DOWNLOADS = ("csv", "json", "schema")


def generated(case: Path) -> dict[str, bytes]:
    """Every page's Markdown and the text downloads, by path under expected/."""
    config = yaml.safe_load((case / "case.yml").read_text(encoding="utf-8")) if (case / "case.yml").is_file() else {}
    analysis = analyse(case)
    assert not analysis.errors, [p.format() for p in analysis.errors]
    site = render_site(analysis, dir_urls=config.get("use_directory_urls", True))
    out = {f"pages/{uri}": text.encode("utf-8") for uri, text in site.pages.items()}
    ledger = analysis.ledger
    scope = Scope(ledger, ledger.current_round)
    for d in DOWNLOADS:
        if d.format in TEXT_DOWNLOADS:
            out[d.uri] = build_download(ledger, scope, d.format)
    return out


def _expected(case: Path) -> dict[str, bytes]:
    folder = case / "expected"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_generated_outputs_match_golden(case):
    got = generated(case)
    if UPDATE:
        shutil.rmtree(case / "expected", ignore_errors=True)
        for rel, data in got.items():
            (case / "expected" / rel).parent.mkdir(parents=True, exist_ok=True)
            (case / "expected" / rel).write_bytes(data)
    want = _expected(case)
    assert sorted(got) == sorted(want), "pages added or removed: refresh with TAIZHANG_UPDATE_GOLDEN=1 and review"
    for rel in want:
        if got[rel] != want[rel]:
            diff = "".join(difflib.unified_diff(want[rel].decode("utf-8").splitlines(True),
                                                got[rel].decode("utf-8").splitlines(True), f"expected/{rel}", "generated"))
            pytest.fail(f"{case.name}: {rel} differs (TAIZHANG_UPDATE_GOLDEN=1 refreshes):\n{diff[:6000]}")


def test_flat_urls_case_links_html_files():
    pages = _expected(GOLDEN / "pages" / "flat-urls")
    index = pages["pages/index.md"].decode("utf-8")
    assert 'href="measures/CS-001/index.html"' in index and 'href="measures/CS-001/"' not in index
    # Every page is a folder's index.md: links from its URL and from its source file are the same.
    record = pages["pages/measures/CS-002/index.md"].decode("utf-8")
    assert 'href="../../problems/WT-001/index.html"' in record


# -- the renamed vocabulary ---------------------------------------------------------

def _default_labels() -> set[str]:
    """Every default status, measure type, phase, nature and light label and
    every field and sub-field key: what the renamed case renames."""
    vocab = load_vocabulary()
    labels = {v.label for group in ("statuses", "measure_types", "phases", "lights") for v in vocab.enums[group].values()}
    labels.add(vocab.label("natures", "declaration"))
    labels |= {f.key for f in vocab.fields.values()}
    # Sub-keys (日期, 内容, 名称, 文件) are renamed in the case's records too, but
    # outputs never print them and they are everyday words: not searched for.
    labels.add(vocab.long_term_deadline)
    for group in ("statuses",):
        for value in vocab.enums[group].values():
            labels |= set(value.aliases)
    return labels


def _office_text(case: Path) -> dict[str, str]:
    import docx
    import openpyxl
    analysis = analyse(case)
    ledger = analysis.ledger
    scope = Scope(ledger, ledger.current_round)
    book = openpyxl.load_workbook(io.BytesIO(build_download(ledger, scope, "xlsx")))
    cells = "\n".join(f"{ws.title}: {c.value}" for ws in book.worksheets for row in ws.iter_rows() for c in row
                      if c.value is not None)
    document = docx.Document(io.BytesIO(build_download(ledger, scope, "docx")))
    return {"整改台账.xlsx": cells, "report.docx": "\n".join(p.text for p in document.paragraphs),
            "taizhang due": due_report(ledger, 30) + due_report(ledger, 30, markdown=True),
            "taizhang check": "\n".join(p.format() for p in analysis.problems)}


def test_renamed_vocabulary_leaves_no_default_label_in_any_output():
    case = GOLDEN / "pages" / "renamed"
    vocab = load_vocabulary(case)
    # Kind labels are not renamed in this case: they are blanked out first, so
    # that 轮次 inside 巡视轮次 is not taken for the 轮次 field key.
    outputs = {rel: data.decode("utf-8") for rel, data in generated(case).items()}
    outputs.update(_office_text(case))
    found = {name: left for name, text in outputs.items() if (left := _leftovers(text, vocab))}
    assert not found, found


def _leftovers(text: str, vocab) -> list[str]:
    """Default labels still in `text`, once the (unrenamed) kind labels are blanked."""
    for label in sorted({k.label for k in vocab.kinds.values()}, key=len, reverse=True):
        text = text.replace(label, "□")
    return sorted(label for label in _default_labels() if label in text)


def test_renamed_vocabulary_reaches_the_pull_request_summary(tmp_path):
    from taizhang.diff import render_summary
    case = GOLDEN / "pages" / "renamed"
    before = analyse(case)
    changed = tmp_path / "renamed"
    shutil.copytree(case, changed, ignore=shutil.ignore_patterns("expected"))
    path = changed / "records/measures/CS-002.md"
    text = path.read_text(encoding="utf-8")
    for old, new in (("推进情况: 正在推进", "推进情况: 大体完成"), ("办结期限: 2024-02-20", "办结期限: 2024-04-20"),
                     ("    情况: 已开一次\n", "    情况: 已开一次\n  - 时间: 2024-02-25\n    情况: 又开一次\n"),
                     ("经办人: 李某", "经办人: 李某某")):
        assert old in text
        text = text.replace(old, new)
    path.write_text(text + "", encoding="utf-8")
    summary = render_summary(before, analyse(changed), "main", "HEAD")
    assert "### 状态变化（1）" in summary and "### 办结期限变化（1）" in summary
    assert "### 新增工作动态（1）" in summary and "CS-002 开展专题研讨：经办人" in summary
    assert _leftovers(summary, load_vocabulary(case)) == []
