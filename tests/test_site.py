"""The sample site built by the real `mkdocs build --strict`, read as HTML."""

from __future__ import annotations

import datetime as dt
import functools
import json
import http.server
import shutil
import threading
import urllib.request

import frontmatter

from conftest import REPO, build, copy_project, tree_hash
from sitecheck import (FOLDERS, fetched_urls, is_off_site, links_from, page_url, record_page,
                       soup, url_to_file)

LINK_KEYS = ("对应反馈", "问题原因", "整改问题", "针对原因")
TODAY = dt.date(2023, 8, 10)


def sample_posts():
    return [frontmatter.load(p) for p in sorted((REPO / "records").rglob("*.md"))]


def test_every_record_has_a_page(sample_site):
    _, site = sample_site
    for post in sample_posts():
        page = record_page(site, post["类别"], post["编号"])
        assert page.is_file(), post["编号"]
        assert post["编号"] in soup(page).h1.get_text()


def test_every_written_link_shows_on_both_pages(sample_site):
    _, site = sample_site
    kinds = {p["编号"]: p["类别"] for p in sample_posts()}
    checked = 0
    for post in sample_posts():
        source = record_page(site, post["类别"], post["编号"])
        for key in LINK_KEYS:
            for target_id in post.get(key, []) or []:
                target = record_page(site, kinds[target_id], target_id)
                assert page_url(site, target) in links_from(site, source), (post["编号"], target_id)
                assert page_url(site, source) in links_from(site, target), (target_id, post["编号"])
                checked += 1
    assert checked > 60


def _independent_dashboard_figures():
    measures = [p for p in sample_posts() if p["类别"] == "整改措施"]
    closed = [m for m in measures if m["整改状态"] in ("已完成", "已销号")]
    lights = {"red": 0, "yellow": 0, "green": 0, "done": len(closed)}
    for m in measures:
        if m in closed:
            continue
        deadline = m["整改时限"]
        if deadline == "长期坚持":
            lights["green"] += 1
            continue
        days = (deadline - TODAY).days
        lights["red" if days < 0 else "yellow" if days <= 7 else "green"] += 1
    statuses = {}
    for m in measures:
        status = m["整改状态"]
        if m["整改时限"] == "长期坚持" and status not in ("已完成", "已销号", "未启动"):
            # 长期坚持 counts as 基本完成 while its latest progress is at most 90 days old
            latest = max((e["日期"] for e in m.get("整改进展") or []), default=None)
            status = "基本完成（持续整改）" if latest and (TODAY - latest).days <= 90 else "正在整改"
        statuses[status] = statuses.get(status, 0) + 1
    problems = [p for p in sample_posts() if p["类别"] == "查摆问题" and p.get("性质") != "说明事项"]
    return {
        "rate": f"{len(closed) / len(measures) * 100:.1f}%",
        "feedback": sum(1 for p in sample_posts() if p["类别"] == "反馈问题"),
        "problems": len(problems),
        "measures": len(measures),
        "lights": lights,
        "statuses": statuses,
    }


def test_dashboard_numbers_equal_independent_counts(sample_site):
    _, site = sample_site
    doc = soup(site / "index.html")
    want = _independent_dashboard_figures()

    def metric(label):
        return doc.select_one(f'a.tz-num[data-metric="{label}"] .tz-num__value').get_text()

    assert metric("措施完成率") == want["rate"]
    assert metric("问题整改完成率") == "0.0%" and metric("反馈问题整改完成率") == "0.0%"
    assert metric("反馈问题") == str(want["feedback"])
    assert metric("查摆问题") == str(want["problems"])
    assert metric("整改措施") == str(want["measures"])
    for light, count in want["lights"].items():
        assert doc.select_one(f'[data-light-count="{light}"]').get_text() == str(count), light
    labels = {"未启动": "not_started", "正在整改": "in_progress", "基本完成（持续整改）": "basically_done",
              "已完成": "done", "已销号": "signed_off"}
    for label, count in want["statuses"].items():
        assert doc.select_one(f'[data-status-count="{labels[label]}"]').get_text() == str(count), label
    overdue = doc.find(id="逾期事项").find_next("table")
    assert [a.get_text() for a in overdue.select("tbody tr td:nth-of-type(2) a")] == ["CS-003"]
    soon = doc.find(id="临期事项").find_next("table")
    assert [a.get_text() for a in soon.select("tbody tr td:nth-of-type(2) a")] == ["CS-006"]


def test_lists_link_every_row_to_its_record(sample_site):
    _, site = sample_site
    tasks = links_from(site, site / "lists/tasks/index.html", "div.tz-table tbody a")
    assert {f"measures/CS-{i:03d}/" for i in range(1, 10)} <= tasks
    problems = links_from(site, site / "lists/problems/index.html", "div.tz-table tbody a")
    assert {f"problems/WT-{i:03d}/" for i in range(1, 17)} <= problems
    resp = soup(site / "lists/responsibility/index.html")
    assert resp.find(id="按责任领导") and resp.find(id="按责任单位")
    trace = links_from(site, site / "trace/index.html", "div.tz-trace a")
    assert {f"feedback/FK-{i:03d}/" for i in range(1, 18)} <= trace
    for folder in FOLDERS.values():
        assert (site / folder / "index.html").is_file()


def test_problem_status_on_the_problem_list_is_derived(sample_site):
    _, site = sample_site
    doc = soup(site / "lists/problems/index.html")
    row = doc.find("a", string="WT-010").find_parent("tr")
    # WT-010 is addressed by CS-001 (已销号), CS-006 (正在整改), CS-009 (未启动).
    assert row.select_one(".tz-status").get_text() == "正在整改"


def test_records_stay_out_of_the_global_nav(sample_site):
    _, site = sample_site
    nav_links = links_from(site, site / "index.html", "nav.md-nav--primary a[href]")
    assert not any(link.split("/")[0] in FOLDERS.values() and link.count("/") > 1 for link in nav_links)
    assert len(nav_links) < 20


def test_no_url_a_browser_fetches_leaves_the_site(sample_site):
    _, site = sample_site
    offenders = [(p.relative_to(site).as_posix(), u) for p, u in fetched_urls(site) if is_off_site(u)]
    assert offenders == []
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    assert "Made with" not in html


def test_every_relative_link_and_resource_resolves(sample_site):
    """All links are relative, so the site works under any sub-path.

    404.html is the exception MkDocs makes: it links from the site root, or
    from site_url's path when set (README: set site_url for a sub-path)."""
    _, site = sample_site
    missing = []
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":
            continue
        for target in links_from(site, page, "a[href], link[href], script[src], img[src]"):
            if not url_to_file(site, target.split("#")[0]).exists():
                missing.append((page_url(site, page), target))
    assert missing == []


def test_served_under_a_sub_path(sample_site, tmp_path):
    _, site = sample_site
    shutil.copytree(site, tmp_path / "zhenggai")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/zhenggai/"
        for path in ("", "lists/tasks/", "measures/CS-003/", "search/search_index.json"):
            with urllib.request.urlopen(base + path) as response:
                assert response.status == 200
        doc = soup(site / "measures/CS-003/index.html")
        for el in doc.select("link[rel=stylesheet], script[src]"):
            url = urllib.parse.urljoin(base + "measures/CS-003/", el.get("href") or el.get("src"))
            assert url.startswith(base)
            with urllib.request.urlopen(url) as response:
                assert response.status == 200
    finally:
        server.shutdown()


def test_chinese_heading_anchors(sample_site):
    _, site = sample_site
    doc = soup(site / "guide/index.html")
    assert doc.find(id="怎样读这个台账") is not None
    assert not doc.select('h2[id^="_"], h3[id^="_"]')


def test_search_index_is_segmented_with_jieba(sample_site):
    _, site = sample_site
    docs = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    words = {w for d in docs for w in (d["title"] + "\u200b" + d["text"]).split("\u200b")}
    # jieba cut the text into words (joined by U+200B), so words from the
    # middle of a sentence are tokens of their own.
    assert {"乡村", "振兴", "经商", "公职人员", "巡视组"} <= words


def test_record_page_edit_button_opens_its_record_file(sample_site):
    _, site = sample_site
    button = soup(site / "measures/CS-001/index.html").select_one("a.md-content__button[href]")
    assert button["href"].endswith("/records/measures/CS-001.md")
    assert "/docs/" not in button["href"]
    assert soup(site / "index.html").select_one("a.md-content__button") is None


def test_record_page_shows_card_timeline_and_evidence(sample_site):
    _, site = sample_site
    doc = soup(site / "measures/CS-001/index.html")
    facts = doc.select_one(".tz-facts table").get_text()
    for text in ("已销号", "区委常委、组织部部长", "区委组织部", "王某某", "2023-06-30", "区委巡视整改工作领导小组办公室"):
        assert text in facts
    times = [t.get_text() for t in doc.select("ol.tz-timeline time")]
    assert times == ["2023-06-28", "2023-06-20"]
    evidence = doc.select_one("ul.tz-evidence a")
    assert evidence.get_text() == "区委组织部巡视整改工作方案"
    facts = soup(site / "measures/CS-003/index.html").select_one(".tz-facts")
    assert facts.select_one(".tz-light--red").get_text() == "逾期"
    assert facts.select_one(".tz-days").get_text() == "逾期 10 天"


def test_two_builds_give_identical_files(sample_site, tmp_path):
    root, site = sample_site
    again = build(root, site=str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr
    assert tree_hash(tmp_path / "again", skip=()) == tree_hash(site, skip=())


def test_invalid_record_fails_the_strict_build_with_its_line(tmp_path):
    root = copy_project(tmp_path / "p")
    path = root / "records/measures/CS-002.md"
    path.write_text(path.read_text(encoding="utf-8").replace("整改状态: 已完成", "整改状态: 做完了"), encoding="utf-8")
    line = path.read_text(encoding="utf-8").splitlines().index("整改状态: 做完了") + 1
    before = tree_hash(root)
    result = build(root)
    assert result.returncode != 0
    assert f"records/measures/CS-002.md:{line}: 错误：字段“整改状态”的取值“做完了”不在规定范围内 (unknown-value)" in result.stderr
    assert tree_hash(root) == before


def test_injected_markup_in_front_matter_is_escaped(tmp_path):
    root = copy_project(tmp_path / "p")
    path = root / "records/measures/CS-002.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("标题: 改进方法", '标题: "<script>alert(1)</script> | [x](y) `z`"')
                    .replace("责任人: 王某某", "责任人: <img src=x onerror=alert(2)>"), encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    for page in ("measures/CS-002/index.html", "lists/tasks/index.html", "index.html"):
        html = (root / "site" / page).read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html and "<img src=x" not in html
    doc = soup(root / "site/lists/tasks/index.html")
    assert "<script>alert(1)</script> | [x](y) `z`" in doc.get_text()


def test_search_index_leaves_out_links_to_other_records_and_history(sample_site):
    """Relations and 修改记录 are excluded from search as a whole block: the
    tables inside it (each in its own <div>) must not end the exclusion."""
    _, site = sample_site
    docs = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    page = soup(site / "causes/YY-001/index.html")
    relations = [e for e in page.select("[data-search-exclude]") if e.select("table")]
    assert relations and "CS-001" in relations[0].get_text()
    entries = {d["location"]: d["text"] for d in docs}
    # The sections are there, with their headings, and empty.
    assert entries["causes/YY-001/#关联记录"] == "" and entries["causes/YY-001/#修改记录"] == ""
    assert not any("针对\u200b本\u200b原因" in d["text"] or "编号\u200b标题" in d["text"] for d in docs)
