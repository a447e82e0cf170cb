"""Rounds and the versioned archive, with real git and the real mike:
close round 1, start round 2 (carrying over every unfinished measure), archive
both, export the archive as plain folders and browse it."""

from __future__ import annotations

import json
import re
import subprocess

from dataclasses import dataclass
from pathlib import Path

import pytest

from browsing import WIDTHS_CHECKED, Server, Watched, axe_violations, no_violations, sweep
from conftest import build, run_cli, tree_hash
from sitecheck import soup
from test_git_workflow import git, init_repo

ROUND2 = ["--title", "十二届省委第一轮巡视", "--team", "省委第二巡视组", "--inspected", "中共XX市XX区委员会",
          "--feedback-date", "2024-05-20", "--deadline", "2024-07-20", "--area", "一=巩固深化上轮整改成果"]



def _text(element) -> str:
    """An element's text as a reader sees it: ids and dates are no-break spans, so
    stripping each text node would eat the spaces beside them."""
    return " ".join(element.get_text("").split())

def cli(repo, *args):
    result = run_cli(*args, cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def build_round(repo, site, round_id=None):
    extra = {"TAIZHANG_ROUND": round_id} if round_id else {}
    result = build(repo, site=str(site), **extra)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    """A fresh clone of the sample ledger; round 1 archived and built; round 2
    started with --carry-over, a repeat finding and a new measure; round 1
    built again; round 2 archived with --push; the archive exported."""
    base = tmp_path_factory.mktemp("ledger")
    origin = init_repo(base / "origin")
    git(base, "clone", "-q", str(origin), "repo")
    repo = base / "repo"
    # round 1 work in progress with a file as evidence: it stays on the original when carried over
    (repo / "docs/evidence/CS-006").mkdir(parents=True)
    (repo / "docs/evidence/CS-006/机构设置方案.txt").write_text("方案（送审稿）", encoding="utf-8")
    measure = repo / "records/measures/CS-006.md"
    measure.write_text(measure.read_text(encoding="utf-8").replace(
        "    内容: XX服务和巡察事务中心机构设置方案已报区委编委会审议。\n",
        "    内容: XX服务和巡察事务中心机构设置方案已报区委编委会审议。\n佐证材料:\n"
        "  - 名称: 机构设置方案（送审稿）\n    文件: evidence/CS-006/机构设置方案.txt\n", 1), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "CS-006 佐证材料")
    cli(repo, "archive", "LC-001")
    assert "gh-pages" not in git(origin, "branch", "--list", "gh-pages"), "archive pushed without --push"
    before_round2 = tree_hash(repo, skip=(".git", "site"))
    sites = tmp_path_factory.mktemp("sites")
    round1_before = build_round(repo, sites / "round1-before")
    dry = cli(repo, "new", "round", *ROUND2, "--carry-over", "--dry-run")
    assert tree_hash(repo, skip=(".git", "site")) == before_round2
    created = cli(repo, "new", "round", *ROUND2, "--carry-over").split()
    round2 = repo / "records/rounds/LC-002.md"
    round2.write_text(round2.read_text(encoding="utf-8").replace("# 统计日期:", "统计日期: 2024-06-10\n#", 1),
                      encoding="utf-8")
    cli(repo, "new", "feedback", "--title", "上轮指出的干部监督问题整改不彻底", "--area", "一", "--repeats", "FK-006")
    cli(repo, "new", "problem", "--title", "干部监督仍有差距", "--area", "一", "--feedback", "FK-018", "--cause", "YY-003",
        "--repeats", "WT-006")
    cli(repo, "new", "measure", "--title", "建立干部监督长效机制", "--problem", "WT-017", "--leader", "区委常委、组织部部长",
        "--unit", "区委组织部干部监督科", "--owner", "冯某某", "--deadline", "2024-07-20")
    for record in (repo / "records").rglob("*.md"):  # write the bodies `new` left as draft markers
        text = record.read_text(encoding="utf-8")
        if "（在此填写正文）" in text:
            record.write_text(text.replace("（在此填写正文）", "第二轮录入的正文。"), encoding="utf-8")
    assert run_cli("check", "--strict", cwd=repo).returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "第二轮巡视", author="乙", when="2024-05-21T09:00:00+08:00")
    round1_after = build_round(repo, sites / "round1-after", "LC-001")
    before = tree_hash(repo, skip=(".git", "site"))
    pushed = cli(repo, "archive", "LC-002", "--push")
    assert "已把 gh-pages 分支推送到 origin" in pushed
    assert tree_hash(repo, skip=(".git", "site")) == before, "archive changed the project files"
    export = tmp_path_factory.mktemp("www") / "zhenggai"
    cli(repo, "archive-export", str(export))
    return Archive(repo, export, created, before_round2, dry, round1_before, round1_after, origin)


@dataclass(frozen=True)
class Archive:
    repo: Path
    export: Path
    created: list
    before_round2: dict
    dry_run: str
    round1_before: Path
    round1_after: Path
    origin: Path

    def __iter__(self):   # (repo, export, created, before_round2), as the first tests unpack it
        return iter((self.repo, self.export, self.created, self.before_round2))


def test_versions_json(archived):
    repo, export, _, _ = archived
    data = json.loads((export / "versions.json").read_text(encoding="utf-8"))
    assert data == [
        {"version": "LC-002", "title": "十二届省委第一轮巡视", "aliases": ["latest"]},
        {"version": "LC-001", "title": "十一届省委第三轮巡视", "aliases": []},
    ]
    shown = subprocess.run(["git", "show", "gh-pages:versions.json"], cwd=repo, capture_output=True, text=True)
    assert json.loads(shown.stdout) == data


def test_both_rounds_have_their_own_pages(archived):
    _, export, _, _ = archived
    one, two = soup(export / "LC-001/index.html"), soup(export / "LC-002/index.html")
    assert "十一届省委第三轮巡视" in one.select_one(".tz-round").get_text()
    assert "十二届省委第一轮巡视" in two.select_one(".tz-round").get_text()
    assert one.select_one('[data-metric="整改措施"] .tz-num__value').get_text() == "9"
    assert two.select_one('[data-metric="整改措施"] .tz-num__value').get_text() == "8"  # 7 carried + 1 new
    assert (export / "LC-001/measures/CS-001/index.html").is_file()
    assert not (export / "LC-001/measures/CS-013/index.html").exists()
    assert (export / "LC-002/measures/CS-013/index.html").is_file()
    assert (export / "latest/index.html").read_bytes() == (export / "LC-002/index.html").read_bytes()
    assert not [p for p in export.rglob("*") if p.is_symlink()]


def test_version_selector_is_configured(archived):
    _, export, _, _ = archived
    config = json.loads(soup(export / "LC-001/index.html").find("script", id="__config").string)
    assert config["version"]["provider"] == "mike" and config["version"]["default"] == "latest"
    # Built by MkDocs, the default engine, even where ProperDocs is installed too (mike would take it).
    generator = soup(export / "LC-001/index.html").find("meta", attrs={"name": "generator"})["content"]
    assert generator.startswith("mkdocs-1.")


def test_archiving_again_needs_force(archived):
    repo, _, _, _ = archived
    head = subprocess.run(["git", "rev-parse", "gh-pages"], cwd=repo, capture_output=True, text=True).stdout
    again = run_cli("archive", "LC-001", cwd=repo)
    assert again.returncode == 1 and "已经归档过" in again.stderr and "--force" in again.stderr
    assert subprocess.run(["git", "rev-parse", "gh-pages"], cwd=repo, capture_output=True, text=True).stdout == head


def test_carry_over_links_new_measures_to_the_old_ones(archived):
    repo, _, created, before = archived
    assert created[0] == "records/rounds/LC-002.md"
    carried = {}
    for rel in created[1:]:
        text = (repo / rel).read_text(encoding="utf-8")
        carried[rel] = re.search(r"承接自:.*\n  - (CS-\d+)", text).group(1)
        assert "轮次: LC-002" in text
    # every unfinished measure, of any type (see test_rounds for types, deadlines, statuses)
    assert sorted(carried.values()) == ["CS-003", "CS-004", "CS-005", "CS-006", "CS-007", "CS-008", "CS-009"]
    for rel, digest in before.items():
        assert tree_hash(repo, skip=(".git", "site"))[rel] == digest, f"{rel} was changed"


def test_recurrence_shows_on_both_sides_and_in_the_list(archived):
    _, export, _, _ = archived
    new = soup(export / "LC-002/problems/WT-017/index.html").get_text()
    assert "前轮的同一问题（屡查屡犯）（1）" in new and "WT-006" in new
    old = soup(export / "LC-002/problems/WT-006/index.html").get_text()
    assert "后续轮次再次出现（1）" in old and "WT-017" in old
    listing = soup(export / "LC-002/recurrences/index.html").get_text()
    assert "WT-017" in listing and "WT-006" in listing and "CS-010" not in listing  # carried measures are not repeats


def test_plain_folder_export_is_served(archived):
    _, export, _, _ = archived
    import urllib.request
    server = Server(export.parent)
    try:
        for path in ("zhenggai/", "zhenggai/versions.json", "zhenggai/LC-001/", "zhenggai/LC-002/",
                     "zhenggai/latest/", "zhenggai/LC-001/lists/tasks/", "zhenggai/LC-002/downloads/taizhang.xlsx"):
            with urllib.request.urlopen(f"{server.origin}/{path}") as response:
                assert response.status == 200, path
    finally:
        server.close()


def test_banner_only_on_the_archived_round(archived, browser):
    _, export, _, _ = archived
    server = Server(export.parent)
    w = Watched(browser, server.origin + "/zhenggai/")
    try:
        page = w.page
        page.goto(server.origin + "/zhenggai/LC-002/")
        page.wait_for_selector(".md-version__current")
        assert page.locator(".md-version__current").inner_text().startswith("十二届省委第一轮巡视")
        assert page.locator("[data-md-component=outdated]").is_hidden()
        page.goto(server.origin + "/zhenggai/LC-001/lists/tasks/")
        banner = page.locator("[data-md-component=outdated]")
        banner.wait_for(state="visible", timeout=10000)
        assert "已归档的巡视轮次" in banner.inner_text()
        # the archived round with its banner and version selector: no WCAG 2.1 AA violation (axe-core)
        violations = {}
        for width in WIDTHS_CHECKED:
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_selector(".md-version__current", state="attached")
            violations[width] = axe_violations(page)
        assert no_violations(violations)
        # and readable at every width from 360 to 1920 px, banner and selector included
        problems = sweep(page, "LC-001/lists/tasks/")
        assert not problems, "\n".join(problems)
        page.set_viewport_size({"width": 1280, "height": 900})
        banner.locator("a").click()
        page.wait_for_selector(".md-version__current")
        assert page.url.rstrip("/").endswith(("/zhenggai/LC-002", "/zhenggai/latest", "/zhenggai"))
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()
        server.close()


def test_carried_and_repeated_work_is_accessible_and_readable_at_every_width(archived, browser):
    """The page kinds the sample shows empty, here with rows in them: 承接事项
    of the new round and of the round that handed work over, 屡查屡犯, 各轮概览
    with two rounds, a carried measure's page, a repeated problem's, a measure
    marked 已转入. No WCAG 2.1 AA violation at 390, 768 and 1366 px (axe-core),
    and from 360 to 1920 px every status and light in view, no header one
    character a line, no id or date broken."""
    export, handed_over = Server(archived.export.parent), Server(archived.round1_after)
    pages = {f"LC-002/{path}": f"{export.origin}/zhenggai/LC-002/{path}"
             for path in ("carried/", "recurrences/", "all-rounds/", "measures/CS-010/", "problems/WT-017/",
                          "measures/CS-003/")}
    pages["LC-001（转入后）/carried/"] = handed_over.origin + "/carried/"
    w = Watched(browser, export.origin + "/", viewport={"width": 1366, "height": 900})
    try:
        page = w.page
        violations, problems = {}, []
        for name, address in pages.items():
            assert page.goto(address).status == 200, name
            page.locator("h1").first.wait_for()
            if address.startswith(export.origin):   # the selector comes with versions.json: checked with it
                page.wait_for_selector(".md-version__current", state="attached")
            assert page.locator("article table tbody tr").count() >= 1, f"{name}: no rows to check"
            for width in WIDTHS_CHECKED:
                page.set_viewport_size({"width": width, "height": 900})
                violations[f"{name} {width}px"] = axe_violations(page)
            problems += sweep(page, name)
        # 各轮概览's 归档 cells (未归档, a round's name) stay whole on a tablet
        page.goto(pages["LC-002/all-rounds/"])
        page.set_viewport_size({"width": 768, "height": 900})
        split = page.evaluate("""() => [...document.querySelectorAll('.tz-all-rounds td:last-child')].filter(td => {
          const rg = document.createRange(); rg.selectNodeContents(td);
          return new Set([...rg.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size > 1;
        }).map(td => td.textContent)""")
        assert split == [], split
        # the version selector of the current round, opened: rounds by their titles only (Material
        # printed mike's alias "latest" beside the title, in English and at 4.28:1 on the header)
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(pages["LC-002/carried/"])
        page.locator(".md-version__current").focus()   # a keyboard user opens it so
        page.locator(".md-version__list").wait_for(state="visible")
        violations["版本列表"] = axe_violations(page)
        assert page.locator(".md-version__alias").count() == 0
        said = page.locator(".md-version").inner_text()
        assert not re.search(r"[A-Za-z]{2,}", said) and "十二届省委第一轮巡视" in said, said
        assert no_violations(violations)
        assert not problems, "\n".join(problems)
        assert w.errors == []
    finally:
        w.close()
        export.close()
        handed_over.close()


# -- issue 16: rounds that hand over honestly ------------------------------------

def test_push_only_when_asked(archived):
    local = git(archived.repo, "rev-parse", "gh-pages").strip()
    assert git(archived.origin, "rev-parse", "gh-pages").strip() == local
    unknown = run_cli("archive", "LC-002", "--force", "--push", "nowhere", cwd=archived.repo)
    assert unknown.returncode == 1 and "没有名为 nowhere 的远程仓库（已有：origin）" in unknown.stderr
    assert git(archived.repo, "rev-parse", "gh-pages").strip() == local   # refused before building


def test_dry_run_listed_what_was_carried(archived):
    listed = re.findall(r"^  (CS-\d+)  ", archived.dry_run, re.M)
    assert listed == ["CS-003", "CS-004", "CS-005", "CS-006", "CS-007", "CS-008", "CS-009"]
    originals = [re.search(r"承接自:.*\n  - (CS-\d+)", (archived.repo / rel).read_text(encoding="utf-8")).group(1)
                 for rel in archived.created[1:]]
    assert originals == listed


def _figures(site: Path) -> dict:
    page = soup(site / "index.html")
    return {
        "numbers": [a.get_text(" ", strip=True) for a in page.select("a[data-metric]")],
        "statuses": [r.get_text(" ", strip=True) for r in page.select(".tz-status-counts tr")],
        "lights": page.select_one(".tz-lights").get_text(" ", strip=True),
        "areas": [r.get_text(" ", strip=True) for r in page.select(".tz-areas tr")],
        "round": page.select_one(".tz-round").get_text(" ", strip=True),
    }


def _tables(site: Path, page: str) -> list[str]:
    """Every table and lead line of a page, hand-over marks taken out."""
    html = soup(site / page)
    marks = html.select(".tz-handover")
    for mark in marks:
        mark.decompose()
    return [t.get_text(" ", strip=True) for t in html.select("article table, article .tz-lead")]


def test_round_one_figures_lists_and_ledger_are_frozen(archived):
    before, after = archived.round1_before, archived.round1_after
    assert _figures(before) == _figures(after)
    assert _figures(after)["numbers"][-1].startswith("9 整改措施")
    for page in ("index.html", "lists/problems/index.html", "lists/tasks/index.html",
                 "lists/responsibility/index.html", "trace/index.html", "report/index.html"):
        assert _tables(before, page) == _tables(after, page), page
    for download in ("downloads/taizhang.xlsx", "downloads/ledger.csv", "downloads/report.docx"):
        assert (before / download).read_bytes() == (after / download).read_bytes(), download
    # the archive made before round 2 existed holds the same ledger
    assert (archived.export / "LC-001/downloads/taizhang.xlsx").read_bytes() == (after / "downloads/taizhang.xlsx").read_bytes()


def test_round_one_shows_the_hand_over_without_its_files_edited(archived):
    tasks = soup(archived.round1_after / "lists/tasks/index.html")
    marks = {m.find_parent("tr").select_one("td:nth-of-type(2)").get_text(strip=True): _text(m)
             for m in tasks.select(".tz-handover")}
    assert marks == {f"CS-00{i}": f"已转入 LC-002：CS-01{i - 3}" for i in range(3, 10)}
    assert not soup(archived.round1_before / "lists/tasks/index.html").select(".tz-handover")
    page = soup(archived.export / "LC-002/measures/CS-003/index.html")
    assert _text(page.select_one(".tz-facts .tz-handover")) == "已转入 LC-002：CS-010"
    for rel, digest in archived.before_round2.items():
        assert tree_hash(archived.repo, skip=(".git", "site"))[rel] == digest, f"{rel} was changed"


def test_carried_measure_shows_the_originals_progress_and_evidence(archived):
    page = soup(archived.export / "LC-002/measures/CS-010/index.html")
    assert _text(page.select_one(".tz-facts .tz-carried")) == "LC-001：CS-003"
    before = page.select_one(".tz-before-carry").get_text(" ", strip=True)
    assert "最后一次进展： 2023-07-28 完成首批年轻干部政治素能测试" in before
    assert "WT-005" in before and "WT-007" in before and "WT-012" in before
    # and the feedback items it answered there, with that round's name (carried work keeps its context)
    assert "原措施回应的反馈问题： FK-005 （十一届省委第三轮巡视）" in before and "FK-016" in before
    # CS-006's file is linked from the carried CS-013, not copied into its record
    linked = soup(archived.export / "LC-002/measures/CS-013/index.html").select(".tz-before-carry .tz-evidence a")
    assert [a.get_text() for a in linked] == ["机构设置方案（送审稿）"]
    target = (archived.export / "LC-002/measures/CS-013" / linked[0]["href"]).resolve()
    assert target.read_text(encoding="utf-8") == "方案（送审稿）"
    assert "\n佐证材料:" not in (archived.repo / "records/measures/CS-013.md").read_text(encoding="utf-8")
    # the round-2 ledger sheet says the same in the carried measure's row
    from openpyxl import load_workbook
    sheet = load_workbook(archived.export / "LC-002/downloads/taizhang.xlsx")["整改台账"]
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "序号")
    rows = [dict(zip(header, r)) for r in sheet.iter_rows(values_only=True)]
    row = next(r for r in rows if str(r.get("整改措施") or "").startswith("CS-013 "))
    assert row["整改进展"] == "承接前（LC-001 CS-006）：2023-08-05 XX服务和巡察事务中心机构设置方案已报区委编委会审议。"
    assert row["佐证材料"] == "承接前（LC-001 CS-006）：机构设置方案（送审稿）"


def test_round_two_counts_carried_and_overdue(archived):
    two = archived.export / "LC-002"
    dashboard = soup(two / "index.html")
    assert dashboard.select_one("[data-carried-in]")["data-carried-in"] == "7"
    # the four late 限期整改 measures stay late in round 2 (statistics date 2024-06-10), and the
    # three carried 长期坚持 measures, with no progress since July/August 2023 (> 2 × 90 days), are red too
    assert dashboard.select_one('[data-light-count="red"]').get_text() == "7"
    carried = soup(two / "carried/index.html")
    rows = carried.select(".tz-carried-in tbody tr")
    assert [r.select_one("td").get_text(strip=True) for r in rows] == [f"CS-01{i}" for i in range(7)]


def test_repeat_findings_are_marked_and_counted_apart_from_carried_work(archived):
    two = archived.export / "LC-002"
    problems = soup(two / "lists/problems/index.html")
    assert [_text(m) for m in problems.select(".tz-repeat")] == ["屡查屡犯（前轮 LC-001：WT-006）"]
    assert problems.select_one("[data-repeats]")["data-repeats"] == "1"
    trace = soup(two / "trace/index.html")
    assert len(trace.select(".tz-repeat")) == 2     # FK-018 and WT-017
    assert trace.select_one("[data-repeat-feedback]")["data-repeat-feedback"] == "1"
    dashboard = soup(two / "index.html")
    assert dashboard.select_one("[data-repeat-feedback]")["data-repeat-feedback"] == "1"
    assert dashboard.select_one("[data-repeat-problems]")["data-repeat-problems"] == "1"
    report = soup(two / "report/index.html").get_text()
    assert "与前轮反馈或查摆相同的反馈问题 1 条、查摆问题 1 个，属屡查屡犯" in report
    assert report.count("属屡查屡犯，须重点整改") == 2       # the count, and the one feedback item (FK-018 via WT-017)
    listing = soup(two / "recurrences/index.html").select(".tz-repeats tbody tr")
    assert [r.select_one("td").get_text(" ", strip=True).split()[0] for r in listing] == ["FK-018", "WT-017"]
    # round 1 has no repeat marks
    assert not soup(archived.round1_after / "lists/problems/index.html").select(".tz-repeat")


RATES_ONE = {"rate-measures": "22.2%", "rate-problems": "0.0%", "rate-feedback": "0.0%"}  # the sample's


def _rounds_table(page: Path) -> dict:
    rows = {}
    for tr in soup(page).select(".tz-all-rounds tbody tr"):
        rows[tr["data-round"]] = {s["data-figure"]: s.get_text() for s in tr.select("[data-figure]")}
        link = tr.select_one(".tz-archive-link")
        rows[tr["data-round"]]["archive"] = link["href"] if link else tr.select("td")[-1].get_text()
    return rows


def test_all_rounds_page_lists_every_round_with_its_own_figures(archived):
    for shown in ("LC-002", "latest"):
        rows = _rounds_table(archived.export / shown / "all-rounds/index.html")
        assert rows == {
            "LC-001": {"feedback": "17", "problems": "12", "measures": "9", "overdue": "1", **RATES_ONE,
                       "carried-in": "0", "carried-out": "7", "repeats": "0", "archive": "../../LC-001/"},
            "LC-002": {"feedback": "1", "problems": "1", "measures": "8", "overdue": "7",
                       "rate-measures": "0.0%", "rate-problems": "0.0%", "rate-feedback": "0.0%",
                       "carried-in": "7", "carried-out": "0", "repeats": "2", "archive": "../../LC-002/"},
        }
        page = archived.export / shown / "all-rounds"
        for link in soup(page / "index.html").select(".tz-archive-link"):
            assert (page / link["href"] / "index.html").resolve().is_file()
    # round 1's own dashboard says the same
    dashboard = soup(archived.round1_after / "index.html")
    shown = {a["data-metric"]: a.select_one(".tz-num__value").get_text() for a in dashboard.select("a[data-metric]")}
    assert shown["措施完成率"] == RATES_ONE["rate-measures"] and shown["反馈问题"] == "17" and shown["查摆问题"] == "12"
    assert shown["问题整改完成率"] == RATES_ONE["rate-problems"] and shown["反馈问题整改完成率"] == RATES_ONE["rate-feedback"]
    # a plain build (not mike) knows which rounds are archived but not where they are served
    rows = _rounds_table(archived.round1_after / "all-rounds/index.html")
    assert rows["LC-001"]["archive"] == "已归档" and rows["LC-002"]["archive"] == "未归档"  # built before LC-002 was
    assert rows["LC-001"]["measures"] == "9" and rows["LC-002"]["measures"] == "8"


# -- issue 27: carried work links to the archived round's pages --------------------

def _nginx(root: Path, work: Path):
    """nginx serving `root` (the export's parent: the archive sits under a sub-path)."""
    import os
    import shutil
    import socket
    import time
    import urllib.request
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        from conftest import tool_missing
        tool_missing("找不到 nginx：apt-get install nginx")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    work.mkdir(parents=True, exist_ok=True)
    (work / "nginx.conf").write_text(
        f"daemon off;\n{'user root;' if os.geteuid() == 0 else ''}\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
        f"events {{}}\nhttp {{\n include /etc/nginx/mime.types;\n access_log {work}/access.log;\n"
        f" client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fcgi;\n"
        f" uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;\n"
        f" server {{ listen 127.0.0.1:{port}; root {root}; index index.html; }}\n}}\n", encoding="utf-8")
    process = subprocess.Popen([nginx, "-c", str(work / "nginx.conf"), "-p", str(work)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    origin = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(origin + "/", timeout=1)
            break
        except OSError as exc:
            if getattr(exc, "code", None):      # nginx answered (403 for a folder without index)
                break
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("nginx did not start: " + (work / "error.log").read_text()[-2000:])
    return process, origin


def _archived_links(page_file: Path, selector: str) -> dict[str, str]:
    return {_text(a): a["href"] for a in soup(page_file).select(selector)}


def test_carried_work_links_to_the_archived_rounds_pages(archived):
    """承接事项 and the carried measure's page link the earlier round's measure, problems and
    feedback items to their pages in LC-001's archived version: on mike's gh-pages branch
    and in the exported folders, relative, so a sub-path keeps working."""
    export = archived.export
    for version in ("LC-002", "latest"):
        carried = export / version / "carried"
        links = _archived_links(carried / "index.html", ".tz-carried-in a.tz-archive-link")
        assert links["CS-003"] == "../../LC-001/measures/CS-003/"
        assert links["FK-005"] == "../../LC-001/feedback/FK-005/" and links["WT-005"] == "../../LC-001/problems/WT-005/"
        for href in links.values():
            target = (carried / href / "index.html").resolve()
            assert target.is_file() and (export / "LC-001") in target.parents, href
        measure = export / version / "measures/CS-010"
        links = _archived_links(measure / "index.html", ".tz-carried a.tz-archive-link, .tz-before-carry a.tz-archive-link")
        assert links["CS-003"] == "../../../LC-001/measures/CS-003/"
        assert {"FK-005", "FK-016", "WT-005", "WT-007", "WT-012"} <= set(links)
        for href in links.values():
            assert (export / "LC-001") in (measure / href / "index.html").resolve().parents
    # the same files as mike committed them on the gh-pages branch
    page = git(archived.repo, "show", "gh-pages:LC-002/carried/index.html")
    assert 'href="../../LC-001/measures/CS-003/"' in page
    git(archived.repo, "cat-file", "-e", "gh-pages:LC-001/measures/CS-003/index.html")
    # round 1's own version, built before round 2 existed, links nothing into other versions
    assert not soup(export / "LC-001/measures/CS-003/index.html").select("a.tz-archive-link")


def test_a_plain_build_links_carried_work_into_itself(archived):
    """mkdocs build without mike does not know where the archive is served: the earlier
    round's records are pages of every build, and the links go there (README)."""
    from taizhang.project import analyse
    from taizhang.render.html import ArchiveView
    from taizhang.render.site import render_site
    import os
    os.environ.pop("TAIZHANG_ROUND", None)
    analysis = analyse(archived.repo)
    plain = render_site(analysis).pages["carried/index.md"]
    assert 'href="../measures/CS-003/"' in plain and "tz-archive-link" not in plain
    as_mike = render_site(analysis, archive=ArchiveView(frozenset({"LC-001"}), "LC-002")).pages["carried/index.md"]
    assert 'href="../../LC-001/measures/CS-003/"' in as_mike


def test_clicking_carried_work_lands_on_the_archived_page_through_nginx(archived, browser, tmp_path):
    process, origin = _nginx(archived.export.parent, tmp_path / "nginx")
    w = Watched(browser, origin + "/zhenggai/")
    try:
        page = w.page
        page.goto(origin + "/zhenggai/LC-002/carried/")
        page.locator(".tz-carried-in a.tz-archive-link", has_text="CS-003").first.click()
        page.wait_for_url("**/zhenggai/LC-001/measures/CS-003/")
        assert page.locator("h1").first.inner_text().startswith("CS-003")
        banner = page.locator("[data-md-component=outdated]")
        banner.wait_for(state="visible", timeout=10000)     # the archived round says so
        page.goto(origin + "/zhenggai/LC-002/measures/CS-010/")
        page.locator(".tz-before-carry a.tz-archive-link", has_text="FK-005").click()
        page.wait_for_url("**/zhenggai/LC-001/feedback/FK-005/")
        assert page.locator(".md-version__current").inner_text().startswith("十一届")
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()
        process.terminate()
        process.wait(timeout=10)


def test_carried_work_page_and_sheet_read_one_column_spec(archived, tmp_path):
    """承接事项 on the page and as a sheet of the workbook: original feedback items, original
    and adjusted deadline with its reason, days overdue, from `tables.carried` alone: a
    column renamed and one removed in taizhang.yml change both."""
    import io
    import os
    import shutil
    import openpyxl
    from taizhang.export.xlsx import build_workbook
    from taizhang.project import analyse
    from taizhang.render.site import render_site
    from taizhang.views import Scope
    os.environ.pop("TAIZHANG_ROUND", None)
    repo = tmp_path / "repo"
    shutil.copytree(archived.repo, repo, ignore=shutil.ignore_patterns(".git", "site"))
    measure = repo / "records/measures/CS-010.md"      # carries CS-003 (限期整改, 2023-07-31)
    text = measure.read_text(encoding="utf-8")
    adjusted = re.sub(r"^(整改时限: 2023-07-31.*\n)", "\\1调整后时限: 2024-06-30\n调整原因: 经区委巡视整改工作领导小组同意延期\n",
                      text, count=1, flags=re.M)
    assert adjusted != text
    measure.write_text(adjusted, encoding="utf-8")

    def outputs():
        analysis = analyse(repo)
        assert not analysis.errors, [p.format() for p in analysis.errors]
        ledger = analysis.ledger
        page = soup_text(render_site(analysis).pages["carried/index.md"])
        table = page.select_one(".tz-carried-in table")
        head = [th.get_text(strip=True) for th in table.select("thead th")]
        rows = {tr.select_one("td").get_text(strip=True): [_text(td) for td in tr.select("td")]
                for tr in table.select("tbody tr")}
        wb = openpyxl.load_workbook(io.BytesIO(build_workbook(ledger, Scope(ledger, ledger.current_round))))
        sheet = wb["承接事项"]
        values = list(sheet.iter_rows(values_only=True))
        at = next(i for i, r in enumerate(values) if r[0] == "序号")
        sheet_rows = {r[1]: dict(zip(values[at], r)) for r in values[at + 1:] if r[1]}
        return ledger.vocab, head, rows, values[at], sheet_rows

    vocab, head, rows, sheet_head, sheet_rows = outputs()
    assert head == [c.label for c in vocab.columns("carried", "site")]
    assert list(sheet_head) == [c.label for c in vocab.columns("carried", "sheet")]
    page = dict(zip(head, rows["CS-010"]))
    assert page["承接自"] == "CS-003" and page["原巡视轮次"] == "十一届省委第三轮巡视（LC-001）"
    assert "FK-005" in page["原回应的反馈问题"] and "WT-005" in page["原整改的查摆问题"]
    assert page["原整改时限"] == "2023-07-31" and page["整改时限"] == "2023-07-31" and page["调整后时限"] == "2024-06-30"
    assert page["调整原因"] == "经区委巡视整改工作领导小组同意延期" and page["逾期天数"] == "—"
    late = dict(zip(head, rows["CS-011"]))     # CS-004's continuation, 长期坚持: no days overdue
    assert late["原整改时限"] == "长期坚持" and late["逾期天数"] == "—"
    overdue = {k: dict(zip(head, v))["逾期天数"] for k, v in rows.items()}
    assert sorted(v for v in overdue.values() if v != "—") == ["162", "254", "300"]   # CS-010 (315 days) has its adjusted deadline
    row = sheet_rows["CS-010"]
    assert row["承接自"] == "CS-003" and row["原巡视轮次"] == "十一届省委第三轮巡视（LC-001）"
    assert row["原整改时限"].date().isoformat() == "2023-07-31"       # typed dates
    assert row["调整后时限"].date().isoformat() == "2024-06-30"
    assert row["调整原因"] == "经区委巡视整改工作领导小组同意延期" and row["逾期天数"] in ("", None)
    assert "FK-005" in row["原回应的反馈问题"]
    assert sorted(r["逾期天数"] for r in sheet_rows.values() if r["逾期天数"]) == [162, 254, 300]
    # one declaration: rename a column and drop another in taizhang.yml, both outputs follow
    lines = ["tables:", "  carried:"]
    for c in vocab.tables["carried"]:
        if c.name == "adjust_reason":
            continue
        label = "超期天数" if c.name == "overdue_days" else c.label
        extra = "".join(f", {k}: false" for k in ("site", "sheet") if not getattr(c, k))
        extra += f", role: {c.role}" if c.role else ""
        lines.append(f"    - {{name: {c.name}, as: {c.show}, label: '{label}', width: {int(c.width)}{extra}}}")
    (repo / "taizhang.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, head, rows, sheet_head, _ = outputs()
    assert "超期天数" in head and "超期天数" in sheet_head and "逾期天数" not in head + list(sheet_head)
    assert "调整原因" not in head and "调整原因" not in sheet_head


def soup_text(markdown: str):
    from bs4 import BeautifulSoup
    return BeautifulSoup(markdown, "html.parser")


def test_the_dashboard_counts_add_up_to_the_rates_denominators(archived):
    """Round 2: the 反馈问题 and 查摆问题 tiles count this round's own records and say how many
    carried items the rates count besides; together they are the rates' denominators."""
    dashboard = soup(archived.export / "LC-002/index.html")
    for metric, rate in (("反馈问题", "反馈问题整改完成率"), ("查摆问题", "问题整改完成率")):
        tile = dashboard.select_one(f'a[data-metric="{metric}"]')
        own = int(tile.select_one(".tz-num__value").get_text())
        note = tile.select_one(".tz-num__note").get_text()
        carried = int(re.search(r"另计入承接的 (\d+) 项", note).group(1))
        shown = " ".join(dashboard.select_one(f'a[data-metric="{rate}"]').get_text(" ", strip=True).split())
        total = int(re.search(r"（\d+/(\d+)）", shown).group(1))
        assert (own, own + carried) == (1, total), (metric, own, carried, shown)
