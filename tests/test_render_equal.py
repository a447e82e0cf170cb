"""Speed-ups of the renderer change no byte: every page and every set-aside
HTML fragment of a synthetic ledger, as the MkDocs hook renders them
(set_aside_html, git history, an archived round), hashed and compared with
tests/golden/render/manifest.json.

The ledger is bench/build.generate's (300 records, fixed seed), made a real
git repository with fixed dates (status and deadline changes, some edited
twice, a rename), then given a second round by the real CLI (`taizhang new round
--carry-over`): carried measures, the rounds overview, two rounds' figures.
Both URL styles, both rounds shown. The golden page tests pin the wording of
small ledgers; this pins the output of a large one, so any memoising or
rewriting of the renderer that leaks one page's link or status into another
shows here. After a deliberate change of output, refresh and review:

    TAIZHANG_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_render_equal.py

The manifest must come from code without the change under test (e.g. a
worktree of main): refreshed from the changed code it proves nothing.
The other tests hold each shortcut to the slow way it replaces: relative
links to posixpath.relpath, esc to html.escape, plain-prose bodies to
Markdown plus nh3.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import itertools
import json
import os
import posixpath
import random
import re
import subprocess
import sys

import pytest
from markupsafe import Markup

from conftest import GOLDEN, REPO, run_cli
from taizhang.history import read_history
from taizhang.markup import WORD_JOINER, esc, inert
from taizhang.project import RECORDS_DIR, analyse
from taizhang.render import urls
from taizhang.render.rounds import ArchiveView
from taizhang.render.site import render_site
from taizhang.sanitise import markdown_html, plain_paragraphs, render_body

sys.path.insert(0, str(REPO / "bench"))
import build as bench  # noqa: E402

MANIFEST = GOLDEN / "render" / "manifest.json"
UPDATE = os.environ.get("TAIZHANG_UPDATE_GOLDEN") == "1"
TODAY = dt.date(2024, 6, 30)


def git(cwd, *args, when):
    env = dict(os.environ, GIT_AUTHOR_NAME="甲", GIT_AUTHOR_EMAIL="a@example.internal", GIT_COMMITTER_NAME="甲",
               GIT_COMMITTER_EMAIL="a@example.internal", GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    root = tmp_path_factory.mktemp("render-equal")
    bench.generate(root / "records", 300)
    (root / "docs").mkdir()
    git(root, "init", "-q", "-b", "main", when="2023-06-01T09:00:00+08:00")
    git(root, "add", "-A", when="2023-06-01T09:00:00+08:00")
    git(root, "commit", "-q", "-m", "初始台账", when="2023-06-01T09:00:00+08:00")
    measures = sorted((root / "records" / "measures").glob("CS-*.md"))
    for path in measures[:40]:
        text = path.read_text(encoding="utf-8")
        for old, new in (("整改状态: 未启动", "整改状态: 正在整改"), ("整改时限: 2023-1", "整改时限: 2024-0")):
            text = text.replace(old, new, 1)
        path.write_text(text + "\n补充一句进展说明。\n", encoding="utf-8")
    git(root, "mv", "records/causes/YY-001.md", "records/causes/YY-001-renamed.md", when="2023-07-01T10:00:00+08:00")
    git(root, "commit", "-q", "-am", "更新整改状态和时限", when="2023-07-01T10:00:00+08:00")
    for path in measures[:10]:   # edited again: the middle version is the old side of this change
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("整改状态: 正在整改", "整改状态: 已完成", 1).replace("整改时限: 2024-0", "整改时限: 2024-1", 1),
                        encoding="utf-8")
    git(root, "commit", "-q", "-am", "再次更新", when="2023-07-15T10:00:00+08:00")
    result = run_cli("new", "round", "--title", "第二轮巡视", "--team", "省委第二巡视组", "--inspected", "测试单位",
                     "--feedback-date", "2024-05-20", "--deadline", "2024-07-20", "--area", "一=巩固深化上轮整改成果",
                     "--carry-over", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    git(root, "add", "-A", when="2024-05-21T10:00:00+08:00")
    git(root, "commit", "-q", "-m", "第二轮", when="2024-05-21T10:00:00+08:00")
    return root


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def rendered(root) -> dict[str, str]:
    """'<variant> <src_uri>' → hash of the page text and of its fragments."""
    out = {}
    for round_id in ("LC-002", "LC-001"):
        analysis = analyse(root, today=TODAY, round_id=round_id)
        history = read_history(root, RECORDS_DIR, analysis.vocab)
        assert history.available and history.changes
        archive = ArchiveView(frozenset({"LC-001"}), None if round_id == "LC-002" else round_id)
        for dir_urls in (True, False):
            site = render_site(analysis, dir_urls=dir_urls, history=history, set_aside_html=True, archive=archive)
            variant = f"{round_id}/{'dir' if dir_urls else 'flat'}"
            for uri, text in site.pages.items():
                out[f"{variant} {uri}"] = _digest(text)
                if uri in site.fragments:
                    out[f"{variant} {uri} fragments"] = _digest("\x00".join(site.fragments[uri]))
            out[f"{variant} record_files"] = _digest(json.dumps(site.record_files, sort_keys=True))
    return out


def test_pages_and_fragments_are_byte_identical_to_the_manifest(ledger):
    got = rendered(ledger)
    if UPDATE:
        MANIFEST.parent.mkdir(parents=True, exist_ok=True)
        MANIFEST.write_text(json.dumps(got, indent=0, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    want = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(want), "pages added or removed (TAIZHANG_UPDATE_GOLDEN=1 refreshes)"
    differing = sorted(key for key in want if got[key] != want[key])
    assert not differing, f"{len(differing)} pages or fragments differ, e.g. {differing[:20]}"


def test_the_ledger_exercises_what_the_manifest_is_meant_to_pin(ledger):
    """Carried measures, history notes and fragments are really there, so the
    manifest's hashes cover them (a manifest of empty pages proves nothing)."""
    analysis = analyse(ledger, today=TODAY, round_id="LC-002")
    history = read_history(ledger, RECORDS_DIR, analysis.vocab)
    site = render_site(analysis, history=history, set_aside_html=True, archive=ArchiveView(frozenset({"LC-001"})))
    assert len(site.record_files) > 300
    full = {uri: text + "".join(site.fragments.get(uri, ())) for uri, text in site.pages.items()}
    carried = [uri for uri, text in full.items() if uri.startswith("measures/") and "tz-before-carry" in text]
    assert len(carried) > 50
    assert any("整改状态：未启动 → 正在整改" in text for text in full.values())
    assert any("整改状态：正在整改 → 已完成" in text and "整改状态：未启动 → 正在整改" in text for text in full.values())
    assert any("整改时限：2023-1" in text and "→ 2024-0" in text for text in full.values())
    assert any("改名" in text for text in full.values())
    assert sum(len(f) for f in site.fragments.values()) > 300


def test_relative_links_agree_with_posixpath_relpath():
    """urls works out links on path components; posixpath.relpath is the reference,
    odd paths (.., //, a leading /, dots in names) included."""
    names = ["index.md", "a.md", "a/index.md", "a/b.md", "a/b/index.md", "a/b/c.md", "b/a.md", "measures/CS-001.md",
             "lists/tasks.md", "x/../y.md", "/abs.md", "./a.md", "a//b.md", "..md", "...", "a/...md",
             "evidence/会议纪要.pdf", "a/b/c/d/e.md"]
    for f, t, dir_urls in itertools.product(names, names, (True, False)):
        target, folder = urls.page_url(t, dir_urls), urls._dir_of(urls.page_url(f, dir_urls))
        want = posixpath.relpath(target.rstrip("/") or ".", folder)
        if target == "" or target.endswith("/"):
            want = "./" if want == "." else want + "/"
        assert urls.relative(f, t, dir_urls) == want, (f, t, dir_urls)
        assert urls.relative_file(f, t, dir_urls) == posixpath.relpath(t, folder), (f, t, dir_urls)


def test_esc_agrees_with_html_escape():
    """esc is html.escape of the text made inert (a word joiner after each "<", issue #26)."""
    rng = random.Random(7)
    alphabet = "&<>\"'a整改 \n\x00;#"
    values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    values += [0, 12, 3.5, dt.date(2023, 8, 10), True, Markup("<b>&amp;</b>"), "&amp;", ""]
    for value in values:
        assert esc(value) == html.escape(inert(str(value)), quote=True) and type(esc(value)) is str, value
        assert html.unescape(esc(value)).replace(WORD_JOINER, "") == str(value).replace(WORD_JOINER, "")
    assert esc(None) == ""


def _prose(rng, pool: list[str], alphabet: str) -> str:
    """Random body text: seed sentences, paragraph breaks, and tricky characters
    (Markdown and HTML syntax, whitespace, controls) at line starts and ends."""
    parts = []
    for _ in range(rng.randint(1, 12)):
        roll = rng.random()
        if roll < 0.45:
            parts.append(rng.choice(pool)[: rng.randint(1, 40)])
        elif roll < 0.7:
            parts.append(rng.choice(["\n", "\n\n", "\n\n\n", "\n \n", "  \n", " "]))
        elif roll < 0.8:
            parts.append(rng.choice(SNIPPETS))
        else:
            parts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3))))
    return "".join(parts)


SNIPPETS = ["[TOC]", "!!! note", "甲|乙\n:-|:-\n1|2", "[链接](http://example.com)", "![图](a.png)", "!!! note \"注意\"\n    内容", "甲|乙\n-|-\n1|2",
            "<http://example.com>", "&amp;", "&#x27;", "**粗**", "_斜_", "`代码`", "\\*", "[1]: http://x", "[1]",
            "1. 第一", "1) 第一", "- 条", "---", "===", "# 标题", "> 引用", "    代码", "<!-- 注释 -->", "<b>粗</b>"]


def test_plain_prose_shortcut_gives_what_markdown_and_nh3_give():
    """render_body wraps plain prose itself; on every text it accepts, the result is
    byte for byte what Markdown plus the sanitiser make (and many texts are accepted,
    many declined)."""
    rng = random.Random(19)
    pool = bench.sentences()
    alphabet = ("#>-+=*_`~!|[]()<>&\\.:;,'\"/%$^@{}0123456789 \t\r\x00\x02\x03\x0c\x1b\x7f\x85\xa0\u00ad\u2028"
                "\u3000\ufeff\ue000\U0001F600\u0301\u20dd\ufdd0\uffff\U000E0001\u0378—…“”‘’（）【】《》、。，；：？！·－＝＋＃ａＡ１xX")
    accepted = declined = 0
    for _ in range(6000):
        text = _prose(rng, pool, alphabet).strip()
        if not text:
            continue
        plain = plain_paragraphs(text)
        if plain is None:
            declined += 1
            continue
        accepted += 1
        assert plain == markdown_html(text), repr(text)
        assert render_body(text) == f'<div class="tz-body">\n{plain}\n</div>'
    assert accepted > 1000 and declined > 1000, (accepted, declined)
    for record_body in ("第一段。\n\n第二段", "1. 第一项\n2. 第二项", "一、总体情况\n（一）进展", "- 条目", "甲  \n乙",
                        "2023年6月召开会议。\n\n2023. 年", "X<b>粗</b>", "a | b\n--|--\n1 | 2"):
        assert render_body(record_body) == f'<div class="tz-body">\n{markdown_html(record_body)}\n</div>'



def test_keep_whole_in_one_scan_gives_what_the_scan_by_runs_of_text_gives():
    """render.html.keep_whole finds markup or an id/date in one scan; the slow
    way it replaces scanned markup and runs of text, and looked for ids in each
    run on its own. Random HTML with ids and dates next to tags, stray `<`,
    unclosed comments and scripts, spans it made already, upper-case tags."""
    import re

    from taizhang.render import html as render_html

    whole = render_html._WHOLE
    markup = re.compile(r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>|<textarea\b.*?</textarea\s*>"
                        r'|<span class="tz-nobr">[^<]*</span>'
                        r"|<!--.*?-->|<[^>]*>)|([^<]+)", re.S | re.I)

    def by_runs(text: str) -> str:
        if not whole.search(text):
            return text
        return markup.sub(lambda m: m.group(1) if m.group(1) is not None else whole.sub(
            lambda t: f'<span class="tz-nobr">{t.group(0)}</span>', m.group(2)), text)

    pieces = ["CS-003", "cs-003", "WT-1", "ABCDEFGHI-1", "2023-07-31", "2023年7月31日", "12023-07-31", "x", "-", "_",
              "整改", " ", "\n", "<p>", "</p>", "<a href=\"CS-001\">", "</a>", "<", ">", "<!--", "-->", "<script>",
              "</script>", "<SCRIPT>", "<style>", "</Style >", "<textarea>", "</textarea>", "&amp;", "9",
              '<span class="tz-nobr">', "</span>", '<SPAN CLASS="TZ-NOBR">', "<br/>", "A", "Z", "２０２３-０７-３１", "٣", "甲乙 丙"]
    rng = random.Random(5)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        assert render_html.keep_whole(text) == by_runs(text), repr(text)


def test_record_text_cannot_open_close_or_fake_an_html_block(tmp_path):
    """The renderer marks its own HTML blocks with comments and the adapter sets
    them aside by those marks (render.html.set_aside). A record whose title,
    progress and body spell the marks and a placeholder gives the same blocks
    as one with other comments, every one of them escaped or dropped, and the
    page reads the same whether its blocks are set aside or kept in place."""
    from conftest import copy_project
    from taizhang.render.html import fill_fragments, set_aside

    marks = "<!--tz-block-->甲<!--/tz-block--><!--tz-fragment:0-->"

    def pages(title: str):
        root = copy_project(tmp_path / hashlib.sha1(title.encode()).hexdigest())
        path = root / "records" / "measures" / "CS-003.md"
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^标题: .*$", "标题: '" + title + "'", text, count=1)
        path.write_text(text + "\n" + title + "\n", encoding="utf-8")
        analysis = analyse(root)
        return render_site(analysis, set_aside_html=True), render_site(analysis)

    (hostile, hostile_inline), (plain, _) = pages(marks), pages("<!--某-->甲<!--/某--><!--某:0-->")
    for uri in ("measures/CS-003/index.md", "lists/tasks/index.md", "index.md"):
        assert len(hostile.fragments.get(uri, [])) == len(plain.fragments.get(uri, [])), uri
        assert "<!--tz-" not in "".join(hostile.fragments.get(uri, [])), uri
        assert fill_fragments(hostile.pages[uri], hostile.fragments.get(uri, [])) == hostile_inline.pages[uri], uri
    with pytest.raises(ValueError):
        set_aside(html.unescape("&lt;!--tz-block--&gt;&lt;!--tz-block--&gt;x&lt;!--/tz-block--&gt;"))
