"""The site's pages are the same bytes whether the work shared by a build is
done once (render.html.ONCE_PER_BUILD, views.FIGURES_ONCE, …) or page by
page as before: every page, set-aside fragment and record file of the
sample, of a generated 200-record ledger and of records with hostile titles
and ids, both URL styles, blocks set aside or kept in place, with and
without archived rounds.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from conftest import REPO, copy_project, run_cli
from taizhang import tree, views
from taizhang.project import analyse
from taizhang.render import html as render_html
from taizhang.render import urls
from taizhang.render.rounds import ArchiveView
from taizhang.render import site as site_module
from taizhang.render.site import render_site

sys.path.insert(0, str(REPO / "bench"))
import build as bench  # noqa: E402

# Every quick path of the pages, with the module that switches it.
SWITCHES = [(render_html, "FIND_BLOCKS"), (render_html, "ONCE_PER_BUILD"), (render_html, "LINKS_PER_PAGE"),
            (urls, "FOLDER_PREFIXES"), (views, "FIGURES_ONCE"), (views, "ROWS_ONCE"), (views, "LISTS_ONCE"),
            (site_module, "COLLECT_AFTER"), (render_html, "FIRST_CHAR_TEST"), (tree, "KEEP_WHOLE_ONCE"),
            (tree, "PACK_BLOCKS")]

HOSTILE = ["<script>alert(1)</script>", "&amp;", "*x*", '=HYPERLINK("http://x","y")', "\u3000全角\u3000空格",
           "\u200f右到左\u200e标记", "a|b [c](d) `e` _f_", "<!--tz-block-->甲<!--/tz-block-->", "'\"<>&"]


def _hostile(root: Path) -> Path:
    """The sample with hostile titles on many records, and files whose ids are hostile too."""
    paths = sorted((root / "records").rglob("*.md"))
    for i, path in enumerate(paths[1::2]):
        text = path.read_text(encoding="utf-8")
        title = HOSTILE[i % len(HOSTILE)] + f" {i}"
        text = re.sub(r"(?m)^标题: .*$", "标题: '" + title.replace("'", "''") + "'", text, count=1)
        path.write_text(text + "\n" + title + "\n", encoding="utf-8")
    measure = (root / "records" / "measures" / "CS-002.md").read_text(encoding="utf-8")
    for n, bad in enumerate(["CS-<b>&amp;*x*", "CS-=HYPERLINK(\u3000\u200f"]):
        (root / "records" / "measures" / f"CS-bad{n}.md").write_text(
            measure.replace("编号: CS-002", "编号: '" + bad + "'"), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory):
    base = tmp_path_factory.mktemp("pages-once")
    bench.generate(base / "records", 200)
    generated = copy_project(base / "generated", records=base / "records")
    # a second round carrying the first's open measures over: carried work, two rounds' figures
    two_rounds = copy_project(base / "two-rounds", records=base / "records")
    result = run_cli("new", "round", "--title", "第二轮巡视", "--team", "省委第二巡视组", "--inspected", "测试单位",
                     "--feedback-date", "2024-05-20", "--deadline", "2024-07-20", "--area", "一=巩固深化上轮整改成果",
                     "--carry-over", cwd=two_rounds)
    assert result.returncode == 0, result.stdout + result.stderr
    return {"sample": copy_project(base / "sample"),
            "generated": generated,
            "two rounds": two_rounds,
            "hostile": _hostile(copy_project(base / "hostile"))}


def _site(analysis, **options):
    """The pages, their set-aside blocks, and the blocks as the hook fills them back in (ids kept whole)."""
    site = render_site(analysis, **options)
    fragments = {uri: list(parts) for uri, parts in site.fragments.items()}
    return site.pages, fragments, site.record_files, tree.kept_whole(site.fragments)


def both_ways(analysis, monkeypatch, **options):
    quick = _site(analysis, **options)
    with monkeypatch.context() as slow_path:
        for module, name in SWITCHES:
            slow_path.setattr(module, name, False)
        slow = _site(analysis, **options)
    return quick, slow


@pytest.mark.parametrize("name", ["sample", "generated", "two rounds", "hostile"])
def test_every_page_is_the_same_with_work_done_once_per_build(ledgers, name, monkeypatch):
    for round_id in (("LC-002", "LC-001") if name == "two rounds" else (None,)):
        analysis = analyse(ledgers[name], round_id=round_id)
        assert len(analysis.ledger.records) > 40
        _compare(analysis, name, monkeypatch)


def _compare(analysis, name, monkeypatch):
    for dir_urls in (True, False):
        for set_aside_html in (True, False):
            for archive in (ArchiveView(), ArchiveView(frozenset({"LC-001"}), "LC-009")):
                quick, slow = both_ways(analysis, monkeypatch, dir_urls=dir_urls, set_aside_html=set_aside_html,
                                        archive=archive)
                assert sorted(quick[0]) == sorted(slow[0])
                differing = [uri for uri in slow[0] if quick[0][uri] != slow[0][uri]]
                assert not differing, (name, dir_urls, set_aside_html, differing[:10])
                assert quick == slow


def test_blocks_are_kept_whole_page_by_page(ledgers):
    """tree.kept_whole takes each page's blocks out as it goes: the old blocks of
    the whole site and their kept-whole copies are never all held at once (the
    build process's peak is in on_files, where this runs)."""
    import tracemalloc

    analysis = analyse(ledgers["generated"])
    tracemalloc.start()
    try:
        site = render_site(analysis, set_aside_html=True)
        blocks = sum(sys.getsizeof(f) for parts in site.fragments.values() for f in parts)
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        kept = tree.kept_whole(site.fragments)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert site.fragments == {} and len(kept) > 200
    assert blocks > 1_000_000
    # Holding the old blocks to the end adds about as much as they take; page by page, a small part.
    assert peak < 0.5 * blocks, (peak, blocks)


def test_the_kept_blocks_are_held_deflated(ledgers, monkeypatch):
    """tree.kept_whole holds each page's blocks deflated (PACK_BLOCKS): they wait from
    on_files until the page is written, the build process's largest holding at its
    peak. The same blocks come back, from get() and pop(), which lets them go."""
    import tracemalloc

    analysis = analyse(ledgers["hostile"])
    held, kept = {}, {}
    for packed in (True, False):
        monkeypatch.setattr(tree, "PACK_BLOCKS", packed)
        site = render_site(analysis, set_aside_html=True)
        tracemalloc.start()
        try:
            kept[packed] = tree.kept_whole(site.fragments)
            held[packed] = tracemalloc.get_traced_memory()[0]    # what the kept blocks hold
        finally:
            tracemalloc.stop()
    packed, plain = kept[True], kept[False]
    assert isinstance(packed, tree.PackedBlocks) and type(plain) is dict and len(plain) > 40
    assert list(packed) == list(plain) and dict(packed.items()) == plain and packed == plain
    assert any("\u200f" in block for blocks in plain.values() for block in blocks)   # not vacuous: hostile text
    assert held[True] < 0.4 * held[False], held
    uri = next(iter(plain))
    assert packed.get(uri) == plain[uri] and packed.pop(uri) == plain[uri]
    assert uri not in packed and packed.get(uri) is None and packed.pop(uri, None) is None
    with pytest.raises(KeyError):
        packed.pop(uri)
    assert len(packed) == len(plain) - 1


def test_the_hostile_ledger_reaches_the_pages(ledgers):
    """The hostile titles are on the pages (escaped), and the bad ids are reported, not dropped silently."""
    analysis = analyse(ledgers["hostile"])
    pages = render_site(analysis).pages
    text = "".join(pages.values())
    assert "&lt;\u2060script&gt;alert(1)&lt;\u2060/script&gt;" in text and "<script>alert" not in text
    assert '=HYPERLINK(&quot;' in text and "\u200f右到左\u200e标记" in text and "全角\u3000空格" in text
    assert "&amp;amp;" in text
    assert {p.rule for p in analysis.problems} >= {"bad-id"}


def test_links_by_the_way_into_each_folder_equal_relative():
    """urls.relative_on_page against urls.relative for pages and targets of every
    shape: the site's root, a folder's own index, a page inside the linking page's
    folder or above it (where relpath climbs less), files, unplain paths."""
    paths = ["index.md", "measures/index.md", "measures/CS-001/index.md", "measures/CS-002/index.md",
             "measures/CS-001/sub/index.md", "measures/CS-001.md", "lists/tasks/index.md", "lists/index.md",
             "lists.md", "measures.md", "a/b/c/d.md", "a/b/index.md", "a/index.md", "a.md", "./x.md", "x//y.md",
             "../up.md", "measures/CS-001/CS-001/index.md", "index/index.md", "index.md/index.md"]
    for dir_urls in (True, False):
        for page in paths:
            ways: dict = {}
            for _ in range(2):      # the second pass reads the ways kept by the first
                for target in paths:
                    assert (urls.relative_on_page(ways, page, target, dir_urls)
                            == urls.relative(page, target, dir_urls)), (page, target, dir_urls)


def test_the_first_character_test_finds_what_the_whole_test_finds():
    """html._WHOLE_FIRST_CHAR (look-behinds after the first character) matches
    exactly where html._WHOLE does, on random text of ids, dates, their near
    misses, markup, and digits of other scripts."""
    pieces = ["CS-003", "cs-003", "WT-1", "ABCDEFGHI-1", "ABCDEFGH-1234567", "2023-07-31", "2023年7月31日", "12023-07-31",
              "x", "-", "_", "A", "Z", "9", "0", "整改", " ", "\n", "<p>", "</p>", '<a href="CS-001">', "&amp;", "２０２３-０７-３１",
              "٣٣٣٣-٣٣-٣٣", "甲乙 丙", "\u200f", "\u3000", "<script>", "CS-", "-1", "2023-7-31", "2023年07月31", "Ä",
              "ABCDEFGH-12", "ABCDEFGHI-12", "AB-123456", "AB-1234567", "B-1", "1999-12-31", "999-12-31", "2023年12月1日"]
    rng = random.Random(7)
    for _ in range(30000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        starts = [m.span() for m in render_html._WHOLE.finditer(text)]
        assert [m.span() for m in render_html._WHOLE_FIRST_CHAR.finditer(text)] == starts, repr(text)
