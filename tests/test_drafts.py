"""Imported drafts build under `mkdocs build --strict`; the site marks them
草稿, lists what they lack on 待补充, and `check --submit` refuses them."""

from __future__ import annotations

import json

import pytest

from conftest import REPO, build, copy_project, run_cli
from sitecheck import record_page, soup

SEED = REPO / "tests/fixtures/seed.txt"


@pytest.fixture(scope="module")
def imported_site(tmp_path_factory):
    empty = tmp_path_factory.mktemp("empty") / "records"
    empty.mkdir()
    root = copy_project(tmp_path_factory.mktemp("drafts") / "p", records=empty)
    result = run_cli("import", str(SEED), cwd=root)
    assert result.returncode == 0, result.stderr
    built = build(root)
    return root, built


def test_a_fresh_import_builds_strict_and_check_passes(imported_site):
    root, built = imported_site
    assert built.returncode == 0, built.stderr
    assert not [l for l in built.stderr.splitlines() if l.startswith(("WARNING", "ERROR"))], built.stderr
    assert any(l.startswith("INFO") and "(draft-incomplete)" in l for l in built.stderr.splitlines())
    check = run_cli("check", cwd=root)
    draft_lines = [l for l in check.stdout.splitlines() if "(draft-incomplete)" in l]
    assert check.returncode == 0 and draft_lines and all(": 提示：" in l for l in draft_lines)
    assert "个提示（草稿待补充）" in check.stderr
    strict = run_cli("check", "--strict", cwd=root)
    assert strict.returncode == 0 and ": 警告：" not in strict.stdout   # reminders never fail --strict
    assert ": 提示：查摆问题 WT-001 还没有整改措施 (problem-without-measure)" in strict.stdout


def test_submit_turns_drafts_into_errors(imported_site):
    root, _ = imported_site
    result = run_cli("check", "--submit", cwd=root)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(": 错误：导入的整改措施还缺“整改时限” (draft-incomplete)" in l for l in lines)
    drafts = sum(1 for p in (root / "records").rglob("*.md"))
    assert sum("(draft-record)" in l for l in lines) == drafts


def test_drafts_page_lists_what_each_record_lacks(imported_site):
    root, built = imported_site
    site = root / "site"
    page = soup(site / "drafts" / "index.html")
    rows = page.select(".tz-drafts table tbody tr")
    assert len(rows) == sum(1 for _ in (root / "records").rglob("*.md"))
    check = run_cli("check", cwd=root).stdout
    assert int(page.select_one("[data-lacking]")["data-lacking"]) == check.count("(draft-incomplete)")
    measure = next(r for r in rows if "CS-001" in r.get_text())
    assert "整改时限" in measure.get_text() and "责任单位" in measure.get_text()
    nav = [a.get_text(strip=True) for a in soup(site / "index.html").select("nav a")]
    assert "待补充" in nav


def test_record_pages_and_lists_mark_drafts(imported_site):
    root, _ = imported_site
    site = root / "site"
    page = soup(record_page(site, "整改措施", "CS-001"))
    box = page.select_one(".tz-draft-box")
    assert box is not None and "草稿" in box.get_text() and "还缺：“整改时限”" in box.get_text()
    assert page.select_one(".tz-problems") is None          # reminders are not “需要修改” errors
    tasks = soup(site / "lists" / "tasks" / "index.html")
    assert tasks.select(".tz-draft")


def test_a_draft_measure_without_deadline_is_pending_never_green(imported_site):
    root, _ = imported_site
    site = root / "site"
    records = json.loads((site / "downloads" / "records.json").read_text(encoding="utf-8"))
    measures = [r for r in records if r["kind"] == "measure"]
    assert measures and all(r["deadline"] is None for r in measures)
    assert {r["light"] for r in measures} == {"pending"}
    lights = [s.get_text(strip=True) for s in soup(record_page(site, "整改措施", "CS-001")).select(".tz-light")]
    assert lights and all(l.startswith("待补充") for l in lights) and not any("正常" in l for l in lights)
    tasks = soup(site / "lists" / "tasks" / "index.html").get_text()
    assert "待补充" in tasks


def test_drafts_pages_are_accessible_and_readable_at_every_width(imported_site, browser):
    """待补充 with its rows (the sample has none), a draft measure's page with
    its box, and the task list of ○ 待补充 lights: no WCAG 2.1 AA violation at
    390, 768 and 1366 px (axe-core); from 360 to 1920 px every status and
    light in view, no header one character a line, no id or date broken."""
    from browsing import WIDTHS_CHECKED, Server, Watched, axe_violations, no_violations, sweep
    root, built = imported_site
    assert built.returncode == 0, built.stderr
    server = Server(root / "site")
    w = Watched(browser, server.origin + "/", viewport={"width": 1366, "height": 900})
    try:
        page = w.page
        violations, problems = {}, []
        for path in ("drafts/", "measures/CS-001/", "lists/tasks/"):
            assert page.goto(f"{server.origin}/{path}").status == 200, path
            page.locator("h1").first.wait_for()
            assert page.locator("article table tbody tr").count() >= 1, f"{path}: no rows to check"
            for width in WIDTHS_CHECKED:
                page.set_viewport_size({"width": width, "height": 900})
                violations[f"{path} {width}px"] = axe_violations(page)
            problems += sweep(page, path)
        assert no_violations(violations)
        assert not problems, "\n".join(problems)
        # a kind (整改措施) and each missing field's name stay whole: no "整改措/施"
        page.goto(f"{server.origin}/drafts/")
        for width in (768, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            split = page.evaluate("""() => [...document.querySelectorAll(
                '.tz-drafts td[data-label]:first-child, .tz-drafts td .tz-nobr')].filter(e => {
              const rg = document.createRange(); rg.selectNodeContents(e);
              return new Set([...rg.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size > 1;
            }).map(e => e.textContent)""")
            assert split == [], (width, split)
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()
        server.close()
