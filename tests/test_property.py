"""Property: when the checker finds no error, the build and every export
succeed, whatever text the records hold.

Hypothesis writes hostile text (control characters, HTML, Markdown, YAML
look-alikes, formulas, bidi marks, any Unicode) into the fields and bodies
of a small real ledger; each example runs the real checker, every download
builder (and reopens the xlsx and docx with openpyxl and python-docx), and
a real MkDocs build in this process. Few examples: the machine is shared.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, Phase, assume, example, given, settings, strategies as st

from conftest import GOLDEN, REPO
from taizhang.markup import WORD_JOINER

NASTY = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
         "{: onclick=alert(1)}", "=SUM(A1:A9)", "+1", "-1", "@cmd", "---", "...", "|a|b|", "# 标题", "\x7f", "\x01",
         "\x0b", "\ufeff", "\u2028", "\u202e", "\x85", "\ufffe", "&amp;", "&#0;", "%s", "{{ x }}", "{% raw %}",
         "<!--tz-fragment:0-->", "<!--tz-block-->", "<!--/tz-block-->", "\\", "`", "*", "'", '"', "：", "\t", "\r", "\n\n", "  - 列表", "!!! note",
         "𠀀", "整改", "C:\\Windows", "../../etc/passwd"]
text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), max_size=6).map("".join)
line = text.map(lambda t: t.strip() or "某")


def _write(path: Path, fields: dict, body: str) -> None:
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    path.write_text("---\n" + front + "---\n\n" + body + "\n", encoding="utf-8")


def _project(root: Path, title, unit, owner, progress, evidence, body) -> Path:
    shutil.copytree(GOLDEN / "base", root)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "hooks", root / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    _write(root / "records/measures/CS-009.md", {
        "编号": "CS-009", "类别": "整改措施", "标题": title, "轮次": "LC-001", "整改问题": ["WT-001"],
        "责任领导": unit, "责任单位": [unit, "乙单位"], "责任人": owner, "整改类型": "限期整改",
        "整改时限": "2023-09-30", "整改状态": "正在整改",
        "整改进展": [{"日期": "2023-07-01", "内容": progress}],
        "佐证材料": [evidence, {"名称": evidence, "文件": "HTTPS://oa.example.internal/x"}],
    }, body)
    cause = root / "records/causes/YY-001.md"
    cause.write_text(cause.read_text(encoding="utf-8").replace("标题: 第一个原因", "标题: " + yaml.safe_dump(
        title, allow_unicode=True, default_flow_style=True, width=10**6).removesuffix("...\n").strip()) + body + "\n",
        encoding="utf-8")
    return root


def _build_site(root: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=False)
    build(config)


@settings(max_examples=12, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate], suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(title=line, unit=line, owner=line, progress=line, evidence=line, body=text)
# A YAML "\r" puts a carriage return in the title: Markdown ended the page's heading there.
@example(title="整改\r标题\r\n后半", unit="甲", owner="乙", progress="丙", evidence="丁", body="正文")
def test_no_checker_error_means_build_and_exports_succeed(tmp_path_factory, monkeypatch, title, unit, owner, progress,
                                                          evidence, body):
    monkeypatch.setenv("TAIZHANG_TODAY", "2023-08-10")
    from taizhang.export.files import build_downloads
    from taizhang.project import analyse
    from taizhang.views import Scope

    root = _project(tmp_path_factory.mktemp("prop") / "p", title, unit, owner, progress, evidence, body)
    analysis = analyse(root)
    if analysis.errors:
        # Control characters stop this ledger; with their rule turned off the
        # build and the exports must still work. Text that is wrong for another
        # reason once they are stripped (a title of only control characters is
        # an empty title) leaves the property nothing to say: discard it.
        (root / "taizhang.yml").write_text("rules:\n  control-char: off\n", encoding="utf-8")
        analysis = analyse(root)
        assume(not analysis.errors)
    ledger = analysis.ledger
    files = build_downloads(ledger, Scope(ledger, ledger.current_round))
    from docx import Document
    from openpyxl import load_workbook
    for uri, data in files.items():
        assert data, uri
        if uri.endswith(".xlsx"):
            load_workbook(io.BytesIO(data))
        elif uri.endswith(".docx"):
            Document(io.BytesIO(data))
    _build_site(root)
    from bs4 import BeautifulSoup
    page = BeautifulSoup((root / "site/measures/CS-009/index.html").read_text(encoding="utf-8"), "html.parser")
    assert not [el for el in page.find_all(True) if any(a.startswith("on") for a in el.attrs)]
    assert not [s for s in page.find_all("script") if "alert" in s.get_text()]
    from taizhang.load import CONTROL_CHARS
    shown = " ".join(CONTROL_CHARS.sub("", title).split())
    assert shown in " ".join(page.h1.get_text().replace(WORD_JOINER, "").split())
    assert (root / "site/downloads/taizhang.xlsx").is_file()
