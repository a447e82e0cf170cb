"""What a build holds, made smaller without changing a byte (README 性能, issue #32 goal 4):

- a page's set-aside HTML goes back only in on_page_context and its HTML is let
  go once the page is written (taizhang_hook, TAIZHANG_RELEASE_PAGES=0: the old way),
  and until then its blocks are held deflated (taizhang.tree.PACK_BLOCKS;
  tests/test_pages_once.py shows they hold less);
- the search worker writes the index file itself (taizhang_search.WRITE_WHERE_MADE),
  a page at a time from each page's JSON text (PAGE_JSON), and with one core the
  build indexes the pages only when the index is written (DEFER_INDEX) and lets go
  the pages' entries and jieba's dictionary once it is written
  (RELEASE_WHEN_STOPPED; tests/test_search_pages.py shows each holds less);
- freed memory goes back to the system after the pages, after the index and
  after each download (taizhang.collector.GIVE_BACK; tests/test_collector.py);
- a one-off build lets a record page's Markdown go once the page is converted
  (taizhang_hook.RELEASE_SOURCES, with TAIZHANG_RELEASE_PAGES);
- once the pages are written and their anchors checked, a one-off build lets go
  their Markdown, tables of contents and anchors (taizhang_hook._let_pages_go,
  with TAIZHANG_RELEASE_PAGES);
- the downloads process writes its files into a temporary folder and ends, and
  the build moves them into the site (export.background.VIA_FILES).

Each site is built with every release and with none, on the sample, a generated
ledger and hostile titles (and pinned to one core, where search and downloads run
in the build process), and compared file by file; then each release is shown to
hold less: these tests fail when its switch is off.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, copy_project, env, tree_hash
from test_record_headings import _hostile_project

sys.path.insert(0, str(REPO / "bench"))
import build as bench  # noqa: E402

RELEASE_OFF = {"TAIZHANG_RELEASE_PAGES": "0"}

# Runs `mkdocs build` with the module switches as asked (OLD=1: every one off), and
# reports what the build held: the pages' HTML when MkDocs starts writing them, the
# pages still holding their HTML once written, and the most Python memory the
# build process allocated while taizhang wrote the search index and the downloads.
LAUNCH = r"""
import gc, json, os, sys, tracemalloc
sys.path.insert(0, "hooks")
import taizhang_search
from taizhang.export import background
if os.environ.get("OLD") == "1":
    taizhang_search.WRITE_WHERE_MADE = background.VIA_FILES = False
    taizhang_search.PAGE_JSON = taizhang_search.RELEASE_WHEN_STOPPED = taizhang_search.DEFER_INDEX = False
    from taizhang import collector, tree
    tree.PACK_BLOCKS = collector.GIVE_BACK = False
import mkdocs.commands.build as mkdocs_build
from mkdocs.plugins import PluginCollection

seen = {"html_at_first_write": None, "written": 0, "held_after_write": 0, "post_build_peak": 0}
pages = {}
build_page = mkdocs_build._build_page

def observed(page, config, doc_files, *args, **kwargs):
    if seen["html_at_first_write"] is None:   # every page is converted by now
        seen["html_at_first_write"] = sum(len(f.page.content or "") for f in doc_files if f.page is not None)
        from taizhang.model import Record
        seen["records_alive"] = sum(isinstance(o, Record) for o in gc.get_objects())
        # Record pages' Markdown, as their files and pages hold it (RELEASE_SOURCES).
        records = [f for f in doc_files if f.page is not None and getattr(f, "digest", None)]
        seen["record_pages"] = len(records)
        seen["record_markdown_at_first_write"] = sum(len(f.page.markdown or "") + len(f._content or "")
                                                     for f in records)
    build_page(page, config, doc_files, *args, **kwargs)
    pages[page.file.src_uri] = page
    seen["written"] += 1
    seen["held_after_write"] += page.content is not None

post_build = PluginCollection.on_post_build

def traced_post_build(self, **kwargs):
    tracemalloc.start()
    try:
        return post_build(self, **kwargs)
    finally:
        seen["post_build_peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        # What the written pages still hold once the build is done (_let_pages_go).
        seen["pages_holding_markdown"] = sum(p.markdown is not None for p in pages.values())
        seen["pages_holding_toc"] = sum(len(p.toc.items) > 0 for p in pages.values())
        seen["pages_holding_anchors"] = sum(bool(p.present_anchor_ids) for p in pages.values())

mkdocs_build._build_page = observed
PluginCollection.on_post_build = traced_post_build
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", *sys.argv[1:]]
try:
    cli()
finally:
    with open(os.environ["SEEN"], "w") as f:
        json.dump(seen, f)
"""


def _build(project: Path, site: str, old: bool, one_core: bool = False, **more_env) -> dict:
    seen = project / f"{site}.json"
    extra = {"SEEN": str(seen), **({"OLD": "1", **RELEASE_OFF} if old else {}), **more_env}
    pin = (lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})) if one_core else None
    result = subprocess.run([sys.executable, "-c", LAUNCH, "build", "--strict", "-d", site], cwd=project,
                            env=env(**extra), capture_output=True, text=True, timeout=600, preexec_fn=pin)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(seen.read_text(encoding="utf-8"))


def _same_sites(project: Path, one_core: bool = False, **more_env) -> tuple[dict, dict, dict]:
    """Built with every release and with none: the same files, the same bytes."""
    new = _build(project, "site-new", old=False, one_core=one_core, **more_env)
    old = _build(project, "site-old", old=True, one_core=one_core, **more_env)
    one, other = tree_hash(project / "site-new", skip=()), tree_hash(project / "site-old", skip=())
    assert one.keys() == other.keys()
    assert [path for path in one if one[path] != other[path]] == []
    assert "search/search_index.json" in one and "downloads/taizhang.xlsx" in one and "downloads/ledger.csv" in one
    return new, old, one


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    base = tmp_path_factory.mktemp("memory")
    bench.generate(base / "records", 80)
    return copy_project(base / "generated", records=base / "records")


@pytest.mark.parametrize("how", [{}, {"TAIZHANG_PROCESSES": "2"}, {"TAIZHANG_SEARCH_WORKER": "0"}],
                         ids=["one process", "two processes", "material indexes"])
def test_sample_site_is_the_same_with_and_without_the_releases(tmp_path, how):
    """In one process (the default), in two, and when Material's search indexes the pages
    itself (TAIZHANG_SEARCH_WORKER=0): it reads each page's HTML in its on_page_context,
    before the hook's."""
    new, old, _ = _same_sites(copy_project(tmp_path / "sample"), **how)
    assert new["held_after_write"] == 0 and old["held_after_write"] == old["written"]


@pytest.mark.parametrize("how", [{}, {"TAIZHANG_PROCESSES": "2"}], ids=["one process", "two processes"])
def test_hostile_titles_give_the_same_site_with_and_without_the_releases(tmp_path, how):
    """In one process (the default) and in two: the worker's switches (WRITE_WHERE_MADE,
    PAGE_JSON) and the downloads process's (VIA_FILES) on hostile data too."""
    project = _hostile_project(tmp_path / "hostile")
    (project / "docs" / "links.md").unlink()   # its missing anchor would stop a strict build
    _same_sites(project, **how)
    page = (project / "site-new/measures/CS-003/index.html").read_text(encoding="utf-8")
    assert "&lt;\u2060script&gt;alert(1)&lt;\u2060/script&gt;" in page   # not vacuous: the hostile title is there


def test_a_generated_site_holds_less_and_is_the_same(generated):
    """Two processes (TAIZHANG_PROCESSES=2): the search index and the downloads are made
    beside the build process."""
    new, old, _ = _same_sites(generated, TAIZHANG_PROCESSES="2")
    assert new["written"] == old["written"] > 80
    # MkDocs 1.x converts every page before it writes the first: the old way holds
    # every page's whole HTML then and to the end; now the set-aside blocks wait.
    assert old["held_after_write"] == old["written"] and new["held_after_write"] == 0
    assert new["html_at_first_write"] < 0.5 * old["html_at_first_write"], (new, old)
    # Nor a record page's Markdown, let go once read (_lets_sources_go).
    assert new["record_pages"] == old["record_pages"] >= 80
    assert new["record_markdown_at_first_write"] == 0 < old["record_markdown_at_first_write"], (new, old)
    # The ledger is let go once the pages are made (the downloads process has its own copy).
    assert old["records_alive"] >= 80 and new["records_alive"] == 0, (new, old)
    # Once the pages are written and their anchors checked, their Markdown, tables of
    # contents and anchors are let go (_let_pages_go) before the index and the downloads.
    assert old["pages_holding_markdown"] == old["written"] and old["pages_holding_toc"] > 80, old
    assert old["pages_holding_anchors"] > 80, old
    assert new["pages_holding_markdown"] == new["pages_holding_toc"] == new["pages_holding_anchors"] == 0, new
    # The index and the downloads no longer pass through the build process.
    index = (generated / "site-new" / "search" / "search_index.json").stat().st_size
    assert old["post_build_peak"] > index
    assert new["post_build_peak"] < 0.2 * index, (new, old, index)


@pytest.mark.parametrize("one_core", [True, False], ids=["one core", "default on every CPU"])
def test_one_process_site_is_the_same_and_holds_less(generated, one_core):
    """Search and downloads in the build process (InProcessSearch, InProcess): on one
    core, and a one-off build's default on any machine."""
    new, old, _ = _same_sites(generated, one_core=one_core)
    assert new["held_after_write"] == 0 and old["held_after_write"] == old["written"]
    assert new["record_markdown_at_first_write"] == 0 < old["record_markdown_at_first_write"], (new, old)
    # The downloads are made in on_post_build: no page's HTML is held by then (their ledger is).
    assert new["html_at_first_write"] < 0.5 * old["html_at_first_write"], (new, old)
    assert new["records_alive"] == old["records_alive"] >= 80, (new, old)
    assert new["pages_holding_markdown"] == new["pages_holding_toc"] == 0 < old["pages_holding_toc"], (new, old)


def test_a_plugin_that_could_read_pages_keeps_them(tmp_path):
    """Any plugin or hook besides Material's search and offline might read a
    page's HTML after on_page_content or after it is written: then nothing is let go."""
    project = copy_project(tmp_path / "sample")
    (project / "hooks" / "other_hook.py").write_text("def on_page_content(html, page, config, files):\n"
                                                     "    return html\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - hooks/taizhang_hook.py\n", "  - hooks/taizhang_hook.py\n  - hooks/other_hook.py\n"), encoding="utf-8")
    seen = _build(project, "site", old=False)
    assert seen["held_after_write"] == seen["written"] > 0
    assert seen["record_markdown_at_first_write"] > 0   # nor the record pages' Markdown
    # Nor their Markdown, tables of contents and anchors at the end (_let_pages_go): the other
    # hook's on_post_build runs after ours and may read them.
    assert seen["pages_holding_markdown"] == seen["written"] and seen["pages_holding_toc"] > 0


def test_the_downloads_process_ends_before_the_files_are_asked_for(tmp_path):
    """With VIA_FILES the second process writes the files and ends; without, it
    waits, holding them, until the build asks after its last page. Either way
    the same bytes, and write_into moves them into the site and leaves no folder."""
    sys.path.insert(0, str(REPO / "hooks"))
    from taizhang.export import background
    from taizhang.project import analyse

    ledger = analyse(REPO).ledger
    made_here = background.InProcess(ledger).result()
    for via_files in (True, False):
        try:
            background.VIA_FILES = via_files
            downloads = background.Background(REPO, ledger)
            # Done with the sample within seconds: then it has ended, or waits to be asked.
            deadline = time.monotonic() + (120 if via_files else 10)
            while downloads._process.is_alive() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert downloads._process.is_alive() is not via_files, via_files
            folder = downloads._folder
            site = tmp_path / f"site-{via_files}"
            downloads.write_into(site)
            assert {path: (site / path).read_bytes() for path in made_here} == made_here
            assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == sorted(made_here)
            assert folder is None or not os.path.exists(folder)
            assert background.Background(REPO, ledger).result() == made_here
        finally:
            background.VIA_FILES = True


def test_a_killed_builds_downloads_folder_is_removed_by_the_next_build(tmp_path, monkeypatch):
    """SIGKILL runs no clean-up: the next build removes this user's downloads
    folders named for a process that is gone, keeps a running one's, and never
    follows a link named like one."""
    import tempfile

    from taizhang.export import background
    from taizhang.project import analyse

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = tmp_path / f"{background.FOLDER_PREFIX}{gone.pid}-abc"
    (dead / "sub").mkdir(parents=True)
    (dead / "sub" / "0").write_bytes(b"x" * 1000)
    alive = tmp_path / f"{background.FOLDER_PREFIX}{os.getppid()}-def"
    alive.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("用户的文件", encoding="utf-8")
    link = tmp_path / f"{background.FOLDER_PREFIX}{gone.pid}-lnk"
    link.symlink_to(outside)
    other = tmp_path / "taizhang-downloads-notapid"
    other.mkdir()
    monkeypatch.setattr(background, "VIA_FILES", True)
    downloads = background.Background(REPO, analyse(REPO).ledger)
    try:
        assert not dead.exists()
        assert alive.is_dir() and other.is_dir() and link.is_symlink()
        assert (outside / "keep.txt").read_text(encoding="utf-8") == "用户的文件"
        mine = [p for p in tmp_path.iterdir() if p.name.startswith(f"{background.FOLDER_PREFIX}{os.getpid()}-")]
        assert len(mine) == 1
    finally:
        assert downloads.result()
    assert not mine[0].exists()
