"""Archives on every engine, with real git, the real mike and the real engines:
round 1 archived with Zensical (its site built from `taizhang render`, then
committed by mike's own deploy), round 2 with ProperDocs (mike runs it), the
archive exported as plain folders and browsed: each round keeps the engine
that built it, and the Zensical round shows the archive banner."""

from __future__ import annotations

import json

import pytest

from browsing import Server, Watched
from conftest import run_cli
from engines import installed
from conftest import tool_missing
from sitecheck import soup
from test_archive import ROUND2, cli
from test_git_workflow import git, init_repo


def _generator(page) -> str:
    return soup(page).find("meta", attrs={"name": "generator"})["content"]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    for engine in ("properdocs", "zensical"):
        if not installed(engine):
            tool_missing(f"没有安装 {engine}：pip install -e '.[engines]'（测试依赖已包含）")
    repo = init_repo(tmp_path_factory.mktemp("mixed") / "repo")
    done = cli(repo, "archive", "LC-001", "--engine", "zensical")
    assert "已归档 LC-001" in done
    cli(repo, "new", "round", *ROUND2, "--carry-over")
    round2 = repo / "records/rounds/LC-002.md"
    round2.write_text(round2.read_text(encoding="utf-8").replace("# 统计日期:", "统计日期: 2024-06-10\n#", 1),
                      encoding="utf-8")
    for record in (repo / "records").rglob("*.md"):
        text = record.read_text(encoding="utf-8")
        if "（在此填写正文）" in text:
            record.write_text(text.replace("（在此填写正文）", "第二轮录入的正文。"), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "第二轮巡视")
    cli(repo, "archive", "LC-002", "--engine", "properdocs")
    export = tmp_path_factory.mktemp("www") / "zhenggai"
    cli(repo, "archive-export", str(export))
    return repo, export


def test_each_round_keeps_the_engine_that_built_it(mixed):
    repo, export = mixed
    data = json.loads((export / "versions.json").read_text(encoding="utf-8"))
    assert data == [
        {"version": "LC-002", "title": "十二届省委第一轮巡视", "aliases": ["latest"]},
        {"version": "LC-001", "title": "十一届省委第三轮巡视", "aliases": []},
    ]
    assert _generator(export / "LC-001/index.html").startswith("zensical-")
    assert "ProperDocs" in _generator(export / "LC-002/index.html")   # Material writes "mkdocs-ProperDocs 1.6.7, …"
    assert (export / "LC-001/measures/CS-001/index.html").is_file()
    assert (export / "LC-001/downloads/taizhang.xlsx").is_file()
    assert (export / "latest/index.html").read_bytes() == (export / "LC-002/index.html").read_bytes()
    # The Zensical round is a mike version: its config names the version provider.
    config = json.loads(soup(export / "LC-001/index.html").find("script", id="__config").string)
    assert config["version"]["provider"] == "mike"


def test_the_zensical_round_shows_the_archive_banner(mixed, browser):
    _, export = mixed
    server = Server(export.parent)
    w = Watched(browser, server.origin + "/zhenggai/")
    try:
        page = w.page
        page.goto(server.origin + "/zhenggai/LC-001/lists/tasks/")
        banner = page.locator("[data-md-component=outdated]")
        banner.wait_for(state="visible", timeout=15000)
        assert "已归档的巡视轮次" in banner.inner_text()
        banner.locator("a").click()
        page.wait_for_load_state("load")
        assert page.url.rstrip("/").endswith(("/zhenggai/LC-002", "/zhenggai/latest", "/zhenggai"))
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()
        server.close()


def test_an_unknown_engine_is_refused_before_anything_is_built(mixed):
    repo, _ = mixed
    before = git(repo, "rev-parse", "gh-pages").strip()
    result = run_cli("archive", "LC-002", "--force", "--engine", "hugo", cwd=repo)
    assert result.returncode == 2 and "--engine" in result.stderr
    assert git(repo, "rev-parse", "gh-pages").strip() == before
