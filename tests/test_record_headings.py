"""Record pages' headings made without Python-Markdown (taizhang.render.headings,
wired by the hook) are what Python-Markdown makes, byte for byte.

In this process (cheap): any page of headings and placeholders, with heading
text written by markup.md_inline from hostile titles or with any text at all,
under several toc configurations, is either refused (None: the hook converts
it with Markdown) or converted to exactly Python-Markdown's HTML, toc tokens,
ids and ¶ links; configurations the core does not reproduce are refused.

Whole sites: the sample ledger (the session's build, and one more with
TAIZHANG_RECORD_HEADINGS=0) and a small ledger of hostile titles under a
changed toc (another slugify, permalink "#", toc_depth 1; built both ways)
are identical in every file; a link to a missing anchor of a record page
still warns, ones to its headings do not; with a plugin that reads pages
after the hook (Material's tags), record pages go through Markdown."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings, strategies as st
from pymdownx.slugs import slugify as pymdownx_slugify

from conftest import GOLDEN, copy_project, env, tree_hash
from taizhang.markup import md_inline
from taizhang.render.headings import Headings
from taizhang.render.whole import NAME as KEEP_WHOLE

SITE_EXTENSIONS = ["toc", "tables", "fenced_code", "attr_list", "admonition", KEEP_WHOLE]
SITE_TOC = {"permalink": True, "slugify": pymdownx_slugify(case="lower"), "permalink_title": "本节的链接"}
CONFIGS = {
    "site": (SITE_EXTENSIONS, {"toc": SITE_TOC}),
    "markdown-defaults": (["toc", "tables", "fenced_code"], {}),
    "permalink-text": (SITE_EXTENSIONS, {"toc": {"permalink": "#", "permalink_title": "", "separator": "_"}}),
    "depth-and-base": (SITE_EXTENSIONS, {"toc": {**SITE_TOC, "toc_depth": "2-3", "baselevel": 2, "permalink_class": "a b"}}),
    "no-tables": (["toc", "fenced_code", KEEP_WHOLE], {"toc": {**SITE_TOC, "toc_depth": 1}}),
    "unicode-slugs": (["toc", "tables"], {"toc": {"slugify": markdown.extensions.toc.slugify_unicode, "permalink": "¶ §"}}),
}
HOSTILE = ["<script>alert(1)</script>", "A & B &amp; C &lt;x&gt; &#35; &copy;", '"双引号" \'单引号\'',
           r"CS\-003 *粗* _斜_ [链接](x) `代码` # 井号 | 竖线 {: #id} !感叹 ~波浪~ ==高亮== ^^上^^",
           "整改 🚀👍🏽 完成", "很长的标题" * 400, "2023-08-10 到期 CS-001 WT-002", "  首尾空白  ", "\u3000全角空格\u3000",
           "\\", "\\\\结尾\\", "a\u00a0b", "#", "-", "1. 列表", "> 引用", "<!--tz-fragment:0-->", "{{ 模板 }}", "%", "x" * 3]
FRAGMENT = "<!--tz-fragment:{}-->"


def _page(blocks: list, gaps: list[int]) -> str:
    """Markdown of headings and placeholders, blocks separated by 1 or more blank lines."""
    out = []
    for i, (block, gap) in enumerate(zip(blocks, gaps)):
        out.append(FRAGMENT.format(i) if block is None else "#" * block[0] + " " + block[1])
        out.append("\n" * (gap + 1))
    return "".join(out)


def _markdown(config: str, text: str):
    extensions, configs = CONFIGS[config]
    md = markdown.Markdown(extensions=extensions, extension_configs=configs)
    return md.convert(text), md.toc_tokens


class _Anchors(HTMLParser):
    """Ids in a page and hrefs of its ¶ links (what MkDocs' anchor validation reads)."""

    def __init__(self, permalink_class: str):
        super().__init__(convert_charrefs=True)
        self.ids, self.links, self.permalink_class = set(), [], permalink_class

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("class") == self.permalink_class:
            self.links.append(attrs["href"])


def _same_as_markdown(config: str, text: str) -> bool:
    """The core's conversion equals Python-Markdown's; False when the core refused."""
    headings = Headings.for_config(*CONFIGS[config])
    assert headings is not None, config
    converted = headings.convert(text)
    if converted is None:
        return False
    expected_html, expected_tokens = _markdown(config, text)
    assert converted.html == expected_html
    assert converted.toc_tokens == expected_tokens
    anchors = _Anchors(CONFIGS[config][1].get("toc", {}).get("permalink_class", "headerlink"))
    anchors.feed(expected_html)
    assert converted.ids == anchors.ids
    assert converted.self_links == anchors.links
    return True


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_hostile_titles_are_converted_as_markdown_does(config):
    # Every hostile title, md_inline-escaped as record pages write them, takes the fast way.
    # (Without tables, which MkDocs always adds, an escaped | is Markdown's to convert.)
    headings = [(1, f"{md_inline('CS-001')} {md_inline(t)}") for t in HOSTILE]
    text = _page([headings[0], None] + [b for h in headings[1:] for b in ((2, h[1]), None)],
                 [3] * (2 * len(headings)))
    assert _same_as_markdown(config, text) or ("tables" not in CONFIGS[config][0] and "\\|" in text)
    # The same section twice (a renamed phrase): ids made unique as Markdown does.
    assert _same_as_markdown(config, _page([(1, "修改记录"), (2, "修改记录"), (2, "修改记录 1"), (2, r"修改记录\_1"),
                                            (2, "修改记录"), None], [1, 1, 1, 1, 1, 0]))
    # A real record page of the sample: every heading kind render.record writes.
    assert _same_as_markdown(config, "# CS\\-001 压实责任\n\n\n\n<!--tz-fragment:0-->\n\n\n## 措施内容\n\n\n\n"
                                     "<!--tz-fragment:1-->\n\n\n## 修改记录\n\n\n\n<!--tz-fragment:2-->\n\n")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(CONFIGS)),
       st.lists(st.one_of(st.none(), st.tuples(st.integers(1, 6), st.one_of(
           st.text(max_size=20).map(md_inline), st.sampled_from(HOSTILE).map(md_inline),
           st.text(max_size=12).map(lambda t: t.replace("\n", " "))))),
           min_size=1, max_size=6),
       st.lists(st.integers(1, 3), min_size=6, max_size=6))
@example("site", [(1, "a\tb"), None], [1] * 6)
@example("site", [(1, "x"), (1, "x")], [0] * 6)      # one block of two lines: Markdown's
@example("site", [(2, r"a \> b &#35; \|")], [1] * 6)  # an escaped > is > in the toc entry, &gt; in the page
@example("no-tables", [(2, r"a \| b")], [1] * 6)     # not an escape without tables
def test_any_page_is_refused_or_converted_as_markdown_does(config, blocks, gaps):
    text = _page(blocks, gaps)
    if _same_as_markdown(config, text):
        return
    # Refused only for what the core does not reproduce: control characters, a block of
    # two lines, heading text that is empty or holds Markdown syntax beyond md_inline's escapes.
    escapable = re.escape("\\`*_{}[]()#+-.!" + ("|" if "tables" in CONFIGS[config][0] else ""))
    plain = re.compile(rf"(?:\\[{escapable}]|&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z0-9]+);|[^\\`*_{{}}\[\]()#+\-.!|<>&])+")
    assert (re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]", text.replace("\n", "")) or min(gaps) == 0
            or any(b is not None and not plain.fullmatch(b[1].strip()) for b in blocks))


@pytest.mark.parametrize("extensions, toc", [
    (SITE_EXTENSIONS + ["pymdownx.smartsymbols"], SITE_TOC),     # an extension that rewrites text
    (SITE_EXTENSIONS + ["smarty"], SITE_TOC),
    (SITE_EXTENSIONS + ["markdown.extensions.toc"], SITE_TOC),   # a second toc
    ([e for e in SITE_EXTENSIONS if e != "toc"], {}),
    (SITE_EXTENSIONS, {**SITE_TOC, "anchorlink": True}),
    (SITE_EXTENSIONS, {**SITE_TOC, "permalink_leading": True}),
    (SITE_EXTENSIONS, {**SITE_TOC, "permalink": "\x02"}),
    (SITE_EXTENSIONS, {**SITE_TOC, "no_such_option": 1}),
])
def test_configurations_not_reproduced_are_refused(extensions, toc):
    assert Headings.for_config(extensions, {"toc": toc}) is None


# -- whole sites: the hook with the core's headings and with TAIZHANG_RECORD_HEADINGS=0 --

PLAIN = {"TAIZHANG_RECORD_HEADINGS": "0"}
FAST_LOG, PLAIN_LOG = "记录页的标题、目录由 taizhang 生成", "记录页由 Python-Markdown 转换"
# `mkdocs build --strict` showing the hook's debug lines (which way record pages
# went) and nothing else more: --verbose would also turn off MkDocs' anchor
# validation (it keeps a page's links to anchors only when not debugging).
SHOWING_HOOK_DEBUG = ("import logging, sys; logging.getLogger('mkdocs.hooks.taizhang').setLevel(logging.DEBUG); "
                      "from mkdocs.__main__ import cli; sys.argv[0] = 'mkdocs'; cli()")


def _build(project, *args, site: str, **extra_env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SHOWING_HOOK_DEBUG, "build", "--strict", "-d", site, *args],
                          cwd=project, env=env(**extra_env), capture_output=True, text=True, timeout=600)


def _same_sites(one, other) -> dict:
    a, b = tree_hash(one, skip=()), tree_hash(other, skip=())
    assert a.keys() == b.keys()
    assert [path for path in a if a[path] != b[path]] == []
    return a


def test_sample_site_is_the_same_without_the_core_headings(sample_site):
    project, site = sample_site
    plain = _build(project, site="site-plain-headings", **PLAIN)
    assert plain.returncode == 0, plain.stderr[-3000:]
    assert PLAIN_LOG in plain.stderr and FAST_LOG not in plain.stderr
    files = _same_sites(site, project / "site-plain-headings")
    assert {"search/search_index.json", "sitemap.xml", "measures/CS-001/index.html"} <= files.keys()
    # The table of contents the hook set is the one Material shows: the record page's sections.
    page = (site / "measures/CS-001/index.html").read_text(encoding="utf-8")
    contents = page.split("md-nav--secondary", 1)[1].split("</nav>", 1)[0]
    assert 'href="#整改进展"' in contents and 'href="#修改记录"' in contents


def _hostile_project(root):
    """The golden base ledger plus measures titled with hostile text, a phrase
    renamed so that two sections share a heading, and a page linking to a
    record page's heading and to an anchor no page has."""
    project = copy_project(root, records=GOLDEN / "base" / "records")
    template = (project / "records/measures/CS-002.md").read_text(encoding="utf-8")
    titles = HOSTILE[:6] + ["a\tb 制表符（Markdown 转换）", HOSTILE[6]]
    for n, title in enumerate(titles, start=3):
        quoted = yaml.safe_dump(title, allow_unicode=True, default_flow_style=True, width=10**6).removesuffix("...\n").strip()
        (project / f"records/measures/CS-{n:03d}.md").write_text(
            template.replace("CS-002", f"CS-{n:03d}").replace("标题: 第二项措施", f"标题: {quoted}"), encoding="utf-8")
    (project / "taizhang.yml").write_text("phrases:\n  record_relations: 修改记录\n", encoding="utf-8")
    (project / "docs/links.md").write_text(
        "# 链接\n\n[进展](measures/CS-003/index.md#整改进展) [两个修改记录](measures/CS-003/index.md#修改记录_1)"
        " [没有](measures/CS-003/index.md#no-such-anchor)\n", encoding="utf-8")
    return project


MISSING_ANCHOR = "does not contain an anchor '#no-such-anchor'"


def _hostile_sites_match(project, *args) -> dict:
    fast = _build(project, *args, site="site-fast")
    plain = _build(project, *args, site="site-plain", **PLAIN)
    for result, used, unused in ((fast, FAST_LOG, PLAIN_LOG), (plain, PLAIN_LOG, FAST_LOG)):
        # The one warning: the missing anchor (strict: the build stops after writing the site).
        assert result.returncode == 1, result.stderr[-3000:]
        warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
        assert len(warnings) == 1 and MISSING_ANCHOR in warnings[0], warnings
        assert used in result.stderr and unused not in result.stderr
        assert "记录页的标题与 Python-Markdown 生成的不同" not in result.stderr
    return _same_sites(project / "site-fast", project / "site-plain")


def test_hostile_titles_and_a_changed_toc_give_the_same_site_without_the_core_headings(tmp_path):
    project = _hostile_project(tmp_path / "hostile")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    # Another slugify (Unicode, not pymdownx's), a permalink text, a shorter table of contents.
    changed = re.sub(r"  - toc:\n      permalink: true\n      slugify: .*\n        kwds:\n          case: lower\n",
                     '  - toc:\n      permalink: "#"\n      slugify: !!python/name:markdown.extensions.toc.slugify_unicode\n'
                     "      toc_depth: 1\n", text)
    assert changed != text
    config.write_text(changed, encoding="utf-8")
    files = _hostile_sites_match(project)
    assert {"search/search_index.json", "sitemap.xml"} <= files.keys()
    page = (project / "site-fast/measures/CS-003/index.html").read_text(encoding="utf-8")
    # Not vacuous: the hostile title is the page's h1, escaped, with the changed slug and ¶;
    # the renamed phrase's second section got _1.
    assert ('&lt;\u2060script&gt;alert(1)&lt;\u2060/script&gt;<a class="headerlink" href="#cs-003-scriptalert1script"'
            ' title="本节的链接">#</a></h1>') in page
    assert 'id="修改记录_1"' in page
    # toc_depth 1: the h1's entry only, whose sections Material lists (none); by default they are listed.
    contents = page.split('md-nav--secondary', 1)[1].split("</nav>", 1)[0]
    assert "md-nav__link" not in contents


def test_a_plugin_that_reads_pages_leaves_record_pages_to_markdown(tmp_path):
    # Material's tags plugin reads each page's Markdown (on_page_markdown, after the hook's):
    # it must see the record's Markdown, not the empty page, so the build converts them all.
    project = copy_project(tmp_path / "tags", records=GOLDEN / "base" / "records")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("plugins:\n  - search:", "plugins:\n  - tags\n  - search:"), encoding="utf-8")
    result = _build(project, site="site")
    assert result.returncode == 0, result.stderr[-3000:]
    assert PLAIN_LOG in result.stderr and FAST_LOG not in result.stderr


def test_an_empty_record_page_is_rendered_as_mkdocs_renders_it(tmp_path):
    """The hook hands MkDocs an empty page for a record page and stands in for
    its Page.render (no Markdown instance with every extension): the same
    content, table of contents, title from render, anchor ids and links to
    anchors as MkDocs 1.6's own render of that empty page."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

    import taizhang_hook

    project = copy_project(tmp_path / "project")
    config = load_config(str(project / "mkdocs.yml"))
    seen = []
    for render in ("mkdocs", "hook"):
        file = File("measures/CS-003/index.md", str(project / "docs"), str(tmp_path / "site"), True)
        page = Page(None, file, config)
        page.markdown, page.meta = "", {"title": "CS-003 统筹兼顾"}
        if render == "mkdocs":
            page.render(config, Files([file]))
        else:
            taizhang_hook._render_empty(page, config, Files([file]))
        seen.append((page.content, repr(list(page.toc)), page._title_from_render, page.present_anchor_ids,
                     page.links_to_anchors, page.title))
    assert seen[0] == seen[1] == ("", "[]", None, set(), {}, "CS-003 统筹兼顾")
