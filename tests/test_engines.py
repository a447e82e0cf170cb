"""Three engines, one site: the sample ledger built by MkDocs + Material (with
the hook), ProperDocs + Material (the same hook) and Zensical (the folder
`taizhang render` writes), with directory URLs on and off.

For each engine: the same pages; every internal link and every file a page
loads resolves, with the site at the server's root and under a sub-path; every
seed feedback item is found by searching in Chinese in the real browser (the
hit counts of each engine are written to test-artifacts/engine-search.json:
Zensical segments Chinese its own way, so its counts differ and are measured,
not hidden); the theme override is read by every engine; ProperDocs' site is
the same with and without the hook's record headings (TAIZHANG_RECORD_HEADINGS=0)."""

from __future__ import annotations

import functools
import json
import re
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from browsing import ARTIFACTS, Server, require_chromium
from conftest import REPO, copy_project, env, tool_missing, tree_hash
from engines import ENGINES, build_site, installed
from sitecheck import soup

SUB_PATH = "/zhenggai/LC-001/"        # the site served under a sub-path
# Links a page may hold that lead out of the site on purpose: the archive banner's
# link to the newest round (mike's parent folder), the repository, the edit button.
LEAVES_SITE = "[data-md-component=outdated] a, a.md-source, a.md-content__button"


@pytest.fixture(scope="module")
def sites(sample_site, tmp_path_factory):
    """(engine, dir_urls) -> built site of the sample ledger."""
    missing = [engine for engine in ENGINES if not installed(engine)]
    if missing:
        tool_missing(f"没有安装 {'、'.join(missing)}：pip install -e '.[engines]'（测试依赖已包含）")
    built = {("mkdocs", True): sample_site[1]}
    for dir_urls in (True, False):
        project = copy_project(tmp_path_factory.mktemp(f"engines-{'dir' if dir_urls else 'flat'}"))
        if not dir_urls:
            config = project / "mkdocs.yml"
            config.write_text(config.read_text(encoding="utf-8") + "\nuse_directory_urls: false\n", encoding="utf-8")
        for engine in ENGINES:
            if (engine, dir_urls) in built:
                continue
            site, result = build_site(engine, project, env(), dest=f"site-{engine}")
            assert result.returncode == 0, f"{engine}: {result.stdout[-2000:]}{result.stderr[-3000:]}"
            built[(engine, dir_urls)] = site
    return built


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


@pytest.mark.parametrize("dir_urls", [True, False], ids=["dir-urls", "flat-urls"])
def test_every_engine_builds_the_same_pages(sites, dir_urls):
    pages = {engine: _pages(sites[(engine, dir_urls)]) for engine in ENGINES}
    assert len(pages["mkdocs"]) > 60
    assert pages["properdocs"] == pages["mkdocs"]
    assert pages["zensical"] == pages["mkdocs"]
    # The same content: every record's title, the lists' rows, the downloads.
    for engine in ENGINES:
        site = sites[(engine, dir_urls)]
        record = soup(site / ("measures/CS-003/index.html"))
        assert "CS-003" in record.select_one("article h1").get_text(), engine
        tasks = soup(site / "lists/tasks/index.html")
        assert len(tasks.select("article .tz-table tbody tr")) == 9, engine
        assert sorted(p.name for p in (site / "downloads").iterdir()) == sorted(
            p.name for p in (sites[("mkdocs", dir_urls)] / "downloads").iterdir()), engine
        # Ids and dates kept on one line by every engine (taizhang.render.whole), Zensical
        # included: the same spans, in the generated tables and in the record's own text.
        assert _whole(record) == _whole(soup(sites[("mkdocs", dir_urls)] / "measures/CS-003/index.html")), engine
        assert "CS-003" in _whole(record) and len(_whole(tasks)) > 9, engine
        assert not record.select(".tz-nobr .tz-nobr"), engine


def _whole(doc) -> list[str]:
    """The texts a page keeps on one line, in order."""
    return [span.get_text() for span in doc.select("article .tz-nobr")]


def _references(page):
    """Every URL a page links to or loads, but those leaving the site on purpose."""
    doc = soup(page)
    leaving = {id(el) for el in doc.select(LEAVES_SITE)}
    for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
        for el in doc.find_all(tag):
            value = el.get(attr)
            if value and id(el) not in leaving:
                yield value


@functools.lru_cache(maxsize=16)
def _site_references(site: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(page, its references) for every page of a site, parsed once for both base paths."""
    return tuple((page.relative_to(site).as_posix(), tuple(_references(page))) for page in sorted(site.rglob("*.html")))


def broken_links(site: Path, base_path: str) -> list[str]:
    """Relative references that do not reach a file of the site served at base_path."""
    origin = "http://intranet.example"
    broken = []
    for rel, refs in _site_references(site):
        if rel == "404.html":   # its links follow site_url, on purpose (README: 部署在子路径下)
            continue
        url = origin + base_path + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        for ref in refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or ref.startswith("#"):
                continue   # outside links are the offline test's business; anchors stay on the page
            target = urlsplit(urljoin(url, ref))
            path = unquote(target.path)
            if not path.startswith(base_path):
                broken.append(f"{rel}: {ref} (leaves {base_path})")
                continue
            inside = path[len(base_path):]
            file = site / inside / "index.html" if inside == "" or inside.endswith("/") else site / inside
            if not file.is_file():
                broken.append(f"{rel}: {ref}")
    return broken


@pytest.mark.parametrize("base_path", ["/", SUB_PATH], ids=["root", "sub-path"])
@pytest.mark.parametrize("dir_urls", [True, False], ids=["dir-urls", "flat-urls"])
@pytest.mark.parametrize("engine", ENGINES)
def test_every_internal_link_resolves(sites, engine, dir_urls, base_path):
    site = sites[(engine, dir_urls)]
    broken = broken_links(site, base_path)
    assert broken == [], f"{len(broken)} broken, e.g. {broken[:10]}"


def test_the_link_check_sees_a_link_an_engine_would_break(sites, tmp_path):
    """Not vacuous: a link written relative to the page's source file, as Zensical
    rewrites them, is caught under the sub-path."""
    import shutil
    site = tmp_path / "site"
    shutil.copytree(sites[("mkdocs", True)], site)
    page = site / "measures/CS-003/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('href="../../problems/', 'href="../../../problems/', 1),
                    encoding="utf-8")
    assert broken_links(site, "/") == []          # at the root, the browser clamps the extra ../
    assert any("measures/CS-003/index.html" in b for b in broken_links(site, SUB_PATH))


def test_properdocs_record_pages_are_the_same_without_the_core_headings(sites):
    """ProperDocs is MkDocs 1.6 continued (its `mkdocs` is ProperDocs, version 1.6.x, the same
    Page.render but for links_to_anchors, kept always): the hook writes record pages' headings
    there too (taizhang.render.headings). Built again with TAIZHANG_RECORD_HEADINGS=0, every file is the same."""
    import properdocs
    assert properdocs.__version__.startswith("1.6.")   # what the hook asks before writing the headings
    site = sites[("properdocs", True)]
    plain, result = build_site("properdocs", site.parent, env(TAIZHANG_RECORD_HEADINGS="0"), dest="site-properdocs-plain")
    assert result.returncode == 0, result.stderr[-3000:]
    files, plain_files = tree_hash(site, skip=()), tree_hash(plain, skip=())
    assert files.keys() == plain_files.keys() and "search/search_index.json" in files
    assert [path for path in files if files[path] != plain_files[path]] == []


def test_the_theme_override_is_read_by_every_engine(sites):
    """hooks/theme holds no template that only one engine (or only the hook) can read:
    its sample-data notice shows on every engine's pages."""
    theme = REPO / "hooks" / "theme"
    for path in theme.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\btaizhang_\w+\s*\(", text), f"{path} calls a function only the hook defines"
    for engine in ENGINES:
        for dir_urls in (True, False):
            site = sites[(engine, dir_urls)]
            for page in ("index.html", "measures/CS-003/index.html", "guide/index.html" if dir_urls else "guide.html"):
                notice = soup(site / page).select_one("p.tz-sample")
                assert notice is not None and "示例数据" in notice.get_text(), (engine, dir_urls, page)


# -- search, in the browser ----------------------------------------------------------

# What a reader would type to find each seed feedback item (a phrase of its title).
FEEDBACK_QUERIES = {
    "FK-001": "应知应会", "FK-002": "创新驱动", "FK-003": "乡村振兴", "FK-004": "一岗双责",
    "FK-005": "群体性违纪违法", "FK-006": "职业技能培训", "FK-007": "关键岗位干部", "FK-008": "政治素质考察",
    "FK-009": "干部预审制度", "FK-010": "应换届未换届", "FK-011": "双覆盖", "FK-012": "农村党组织书记",
    "FK-013": "党性教育", "FK-014": "全部整改到位", "FK-015": "违规经商办企业", "FK-016": "问题线索",
    "FK-017": "认真自查",
}

# Material (MkDocs, ProperDocs): the result list is in the page.
_MATERIAL_RESULTS = """() => {
  const meta = document.querySelector('.md-search-result__meta');
  const links = [...document.querySelectorAll('.md-search-result__item > a')].map(a => a.href);
  return {meta: meta ? meta.textContent.trim() : '', links};
}"""
# Zensical: the search dialog lives in a shadow root; its count reads "N results".
_ZENSICAL_RESULTS = """() => {
  let meta = '', links = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) {
        for (const e of el.shadowRoot.querySelectorAll('*')) {
          const t = e.children.length === 0 ? e.textContent.trim() : '';
          if (/^(\\d+ results?|No results.*)$/i.test(t)) meta = t;
        }
        links = links.concat([...el.shadowRoot.querySelectorAll('a[href]')].map(a => a.href));
        walk(el.shadowRoot);
      }
    }
  };
  walk(document);
  return {meta, links};
}"""


def _count(meta: str) -> int:
    found = re.search(r"\d+", meta)
    return int(found.group()) if found else 0


def _search(page, engine: str, query: str) -> tuple[int, list[str]]:
    """Type the query into the engine's own search box; (hit count shown, result links)."""
    if engine == "zensical":
        page.click(".md-search__button")
        page.keyboard.press("Control+A")
        page.keyboard.type(query)
        script = _ZENSICAL_RESULTS
    else:
        page.locator("label.md-search__icon, .md-search__input").first.click()
        box = page.locator("input.md-search__input")
        box.fill(query)
        box.press("End")   # Material searches on key events; filling alone does not fire one
        script = _MATERIAL_RESULTS
    last, stable, deadline = None, 0, time.time() + 20
    while time.time() < deadline:
        got = page.evaluate(script)
        if got["meta"] and got == last:
            stable += 1
            if stable >= 2:
                break
        else:
            stable = 0
        last = got
        time.sleep(0.1)
    if engine == "zensical":
        page.keyboard.press("Escape")
    return _count(last["meta"]), last["links"]


@pytest.mark.parametrize("engine", ENGINES)
def test_every_seed_feedback_item_is_found_by_searching_in_chinese(sites, browser, engine):
    require_chromium()
    site = sites[(engine, True)]
    server = Server(site)
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(server.origin + "/")
        page.wait_for_load_state("networkidle")
        hits, missed = {}, []
        for record_id, query in FEEDBACK_QUERIES.items():
            count, links = _search(page, engine, query)
            hits[record_id] = count
            if not any(urlsplit(link).path.rstrip("/").endswith(f"/feedback/{record_id}") for link in links):
                missed.append(f"{record_id} {query}: {count} 个结果，{links[:5]}")
    finally:
        context.close()
        server.close()
    ARTIFACTS.mkdir(exist_ok=True)
    record = ARTIFACTS / "engine-search.json"
    measured = json.loads(record.read_text(encoding="utf-8")) if record.is_file() else {}
    measured[engine] = {"queries": FEEDBACK_QUERIES, "hits": hits, "total": sum(hits.values()), "missed": missed}
    record.write_text(json.dumps(measured, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{engine}: {sum(hits.values())} hits for {len(hits)} queries: {hits}")
    assert missed == []
