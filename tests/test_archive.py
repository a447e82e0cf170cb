"""Rounds and the versioned archive, with real git and the real mike:
close round 1, start round 2 (carrying over open 长期坚持 measures), archive
both, export the archive as plain folders and browse it."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from browsing import Server, Watched
from conftest import run_cli, tree_hash
from sitecheck import soup
from test_git_workflow import git, init_repo

ROUND2 = ["--title", "十二届省委第一轮巡视", "--team", "省委第二巡视组", "--inspected", "中共XX市XX区委员会",
          "--feedback-date", "2024-05-20", "--deadline", "2024-07-20", "--area", "一=巩固深化上轮整改成果"]


def cli(repo, *args):
    result = run_cli(*args, cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    repo = init_repo(tmp_path_factory.mktemp("ledger") / "repo")
    cli(repo, "archive", "LC-001")
    before_round2 = tree_hash(repo, skip=(".git", "site"))
    created = cli(repo, "new", "round", *ROUND2, "--carry-over").split()
    cli(repo, "new", "feedback", "--title", "上轮指出的干部监督问题整改不彻底", "--area", "一")
    cli(repo, "new", "problem", "--title", "干部监督仍有差距", "--area", "一", "--feedback", "FK-018", "--cause", "YY-003")
    problem = repo / "records/problems/WT-017.md"
    problem.write_text(problem.read_text(encoding="utf-8").replace("# 前轮记录:", "前轮记录:\n  - WT-006\n# ", 1),
                       encoding="utf-8")
    cli(repo, "new", "measure", "--title", "建立干部监督长效机制", "--problem", "WT-017", "--leader", "区委常委、组织部部长",
        "--unit", "区委组织部干部监督科", "--owner", "冯某某", "--deadline", "2024-07-20")
    for record in (repo / "records").rglob("*.md"):  # write the bodies `new` left as draft markers
        text = record.read_text(encoding="utf-8")
        if "（在此填写正文）" in text:
            record.write_text(text.replace("（在此填写正文）", "第二轮录入的正文。"), encoding="utf-8")
    assert run_cli("check", "--strict", cwd=repo).returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "第二轮巡视", author="乙", when="2024-05-21T09:00:00+08:00")
    before = tree_hash(repo, skip=(".git", "site"))
    cli(repo, "archive", "LC-002")
    assert tree_hash(repo, skip=(".git", "site")) == before, "archive changed the project files"
    export = tmp_path_factory.mktemp("www") / "zhenggai"
    cli(repo, "archive-export", str(export))
    return repo, export, created, before_round2


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
    assert two.select_one('[data-metric="整改措施"] .tz-num__value').get_text() == "4"
    assert (export / "LC-001/measures/CS-001/index.html").is_file()
    assert not (export / "LC-001/measures/CS-013/index.html").exists()
    assert (export / "LC-002/measures/CS-013/index.html").is_file()
    assert (export / "latest/index.html").read_bytes() == (export / "LC-002/index.html").read_bytes()
    assert not [p for p in export.rglob("*") if p.is_symlink()]


def test_version_selector_is_configured(archived):
    _, export, _, _ = archived
    config = json.loads(soup(export / "LC-001/index.html").find("script", id="__config").string)
    assert config["version"]["provider"] == "mike" and config["version"]["default"] == "latest"


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
        carried[rel] = re.search(r"前轮记录:.*\n  - (CS-\d+)", text).group(1)
        assert "轮次: LC-002" in text and "整改时限: 长期坚持" in text
    assert sorted(carried.values()) == ["CS-004", "CS-007", "CS-008"]  # the open 长期坚持 measures
    for rel, digest in before.items():
        assert tree_hash(repo, skip=(".git", "site"))[rel] == digest, f"{rel} was changed"


def test_recurrence_shows_on_both_sides_and_in_the_list(archived):
    _, export, _, _ = archived
    new = soup(export / "LC-002/problems/WT-017/index.html").get_text()
    assert "前轮的同一问题（屡查屡犯）（1）" in new and "WT-006" in new
    old = soup(export / "LC-002/problems/WT-006/index.html").get_text()
    assert "后续轮次再次出现（1）" in old and "WT-017" in old
    listing = soup(export / "LC-002/recurrences/index.html").get_text()
    assert "WT-017" in listing and "CS-010" in listing and "CS-004" in listing


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
        banner.locator("a").click()
        page.wait_for_selector(".md-version__current")
        assert page.url.rstrip("/").endswith(("/zhenggai/LC-002", "/zhenggai/latest", "/zhenggai"))
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()
        server.close()
