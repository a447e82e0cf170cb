"""Pathological record bodies take time near-linear in their size: each
family below (runs of brackets, tags, backticks, emphasis, list and quote
nesting, long tables …) is converted for the page and scanned as `check`
scans it within a small multiple of the time an ordinary Markdown body of
the same size takes. The families Python-Markdown would take quadratic or
worse time on (40,000 "[" took the build 3 min 23 s, 30,000 "<a " took check
71 s) are shown as plain text and flagged by `check` (rule body-heavy).
"""

from __future__ import annotations

import time

import pytest

from taizhang.sanitise import heavy_markup, render_body
from taizhang.safety import unsafe_html

SIZE = 20_000          # characters per body: the ordinary body converts in well under a second
MULTIPLE = 6           # allowed: this many times the ordinary body's time …
SLACK = 0.25           # … plus this much (seconds), for a noisy shared machine


def _sized(unit: str) -> str:
    return (unit * (SIZE // len(unit) + 1))[:SIZE]


ORDINARY = _sized("整改进展：已召开**专题会议**，印发[工作方案](evidence/方案.pdf)，落实`责任清单`。\n\n"
                  "- 第一项措施已完成\n- 第二项措施正在推进\n\n")
FAMILIES = {
    "open brackets": "[" * SIZE,
    "image openers": "![" * (SIZE // 2),
    "links without )": _sized("[a]("),
    "nested brackets": "[" * (SIZE // 2) + "]" * (SIZE // 2),
    "nested words": "[x" * (SIZE // 4) + "]" * (SIZE // 4),
    "open tags": _sized("<a "),
    "open attributes": _sized('<a href="'),
    "comments": _sized("<!--"),
    "cdata": _sized("<![CDATA["),
    "autolinks": _sized("<http://"),
    "backticks": "`" * SIZE,
    "backtick pairs": _sized("``x"),
    "emphasis": _sized("*_"),
    "strong emphasis": _sized("***a"),
    "stars": "*" * SIZE,
    "underscores": "_" * SIZE,
    "quote nesting": ">" * SIZE + " x",
    "list nesting": "".join("  " * i + "- x\n" for i in range(400))[:SIZE],
    "long table": _sized("|a|b|\n|-|-|\n" + "|x|[y](z)|\n" * 200),
    "less-than signs": "<" * SIZE,
    "entities": _sized("&#"),
    "brackets then text": "[" * 2_000 + "整改" * ((SIZE - 2_000) // 2),
}


def _seconds(action, text: str) -> float:
    started = time.perf_counter()
    action(text)
    return time.perf_counter() - started


def _check_scan(text: str) -> None:
    """What `taizhang check` does with a body (check.check_body)."""
    if heavy_markup(text) is None:
        unsafe_html(text)


@pytest.fixture(scope="module")
def ordinary():
    render_body(ORDINARY)     # Markdown's first conversion sets itself up
    return min(_seconds(render_body, ORDINARY) for _ in range(3)), min(_seconds(_check_scan, ORDINARY) for _ in range(3))


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_pathological_body_takes_near_linear_time(family, ordinary):
    text = FAMILIES[family]
    page_time, check_time = ordinary
    assert _fastest(render_body, text, MULTIPLE * page_time + SLACK) < MULTIPLE * page_time + SLACK, family
    limit = MULTIPLE * max(check_time, page_time) + SLACK
    assert _fastest(_check_scan, text, limit) < limit, family


def _fastest(action, text: str, limit: float) -> float:
    """The time of one run, or the fastest of three when one is over the limit:
    a busy machine (CI beside other jobs) can stall any single run, while a
    quadratic body is slow every time. The ordinary body is timed the same way."""
    first = _seconds(action, text)
    return first if first < limit else min([first] + [_seconds(action, text) for _ in range(2)])


@pytest.mark.parametrize("family", ["open brackets", "image openers", "links without )", "nested brackets",
                                    "open tags", "comments", "cdata", "quote nesting"])
def test_heavy_bodies_show_as_escaped_text_and_are_flagged(family):
    text = FAMILIES[family]
    line, what = heavy_markup(text)
    assert line == 1 and what
    html = render_body(text)
    assert html.startswith('<div class="tz-body">\n<p>') and "<a" not in html.replace("&lt;a", "")
    assert len(html) < 2 * len(text.replace("<", "&lt;").replace(">", "&gt;").replace("&", "&amp;")) + 200


def test_ordinary_markup_is_not_heavy():
    for text in ("> 引用\n>> 再引用\n" * 500, ORDINARY, FAMILIES["long table"], "[a](b) " * 3_000, "<b>x</b>" * 3_000, "a < b " * 3_000,
                 "[1] [2] [3]\n\n" * 1_000, "见[附件](a.pdf)。\n\n[" * 10 + "x"):
        assert heavy_markup(text) is None, text[:40]


def test_heavy_line_is_the_paragraphs_first_line():
    text = "第一段。\n\n第二段\n还是第二段\n\n" + "[" * 100 + "\n\n第四段"
    assert heavy_markup(text) == (6, "不成对或嵌套过深的“[”（100 个）")


# -- outline import ----------------------------------------------------------

OUTLINE_SIZE = 40_000


def _understand_seconds(text: str) -> float:
    from taizhang.importing.outline import clean, understand
    from taizhang.vocabulary import load_vocabulary

    rules = load_vocabulary().import_rules
    started = time.perf_counter()
    understand(clean(text, list(rules["noise"])), rules, "提纲")
    return time.perf_counter() - started


def _outlines(size: int) -> dict[str, str]:
    return {
        "numerals": "一" * size,                                   # 100,000 took 59 s
        "numerals before 届": "一" * (size // 2) + "届省委第" + "一" * (size // 2),
        "quoted feedback run": "巡视反馈：" + "“甲”" * (size // 3),
        "numbered lines": "一、\n" * (size // 3),
        "enumerations": "一是" * (size // 2),
        "enumeration lines": "一是\n" * (size // 3),
        "sections": "（一）\n" * (size // 4),
        "ordinals": "第一，" * (size // 3),
    }


@pytest.mark.parametrize("family", sorted(_outlines(1)))
def test_pathological_outline_imports_in_near_linear_time(family):
    """Four times the text takes about four times as long (not sixteen), and not
    much longer than the seed outline of the same size takes."""
    from conftest import REPO

    small = _outlines(OUTLINE_SIZE // 4)[family]
    large = _outlines(OUTLINE_SIZE)[family]
    _understand_seconds(small)
    assert _understand_seconds(large) < 8 * min(_understand_seconds(small) for _ in range(2)) + SLACK, family
    seed = (REPO / "tests" / "fixtures" / "seed.txt").read_text(encoding="utf-8")
    ordinary = (seed * (OUTLINE_SIZE // len(seed) + 1))[:OUTLINE_SIZE]
    assert _understand_seconds(large) < 40 * _understand_seconds(ordinary) + 1.0, family   # an item per line costs more than prose


def test_real_build_and_check_with_the_reported_bodies(tmp_path):
    """The bodies of the report (40,000 "[" took the build 3 min 23 s, 30,000 "<a " took check 71 s)
    in a real ledger: check warns (body-heavy) and the build shows them as text, each in seconds."""
    import subprocess
    import sys

    from bs4 import BeautifulSoup
    from conftest import copy_project, env, run_cli

    root = copy_project(tmp_path / "p")
    path = root / "records/causes/YY-001.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + "[" * 40_000 + "\n\n" + "<a " * 30_000 + "\n",
                    encoding="utf-8")
    started = time.perf_counter()
    checked = run_cli("check", cwd=root)
    check_seconds = time.perf_counter() - started
    assert "YY-001.md" in checked.stdout and "(body-heavy)" in checked.stdout, checked.stdout[-2000:]
    started = time.perf_counter()
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", "site"], cwd=root, env=env(),
                           capture_output=True, text=True, timeout=600)
    build_seconds = time.perf_counter() - started
    assert built.returncode == 0, built.stderr[-2000:]
    page = next((root / "site").rglob("YY-001*/index.html"), None) or next((root / "site").rglob("YY-001*.html"))
    body = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(".tz-body")
    assert "[" * 40_000 in body.get_text() and not body.find("a")
    assert check_seconds < 30 and build_seconds < 120, (check_seconds, build_seconds)
