"""`taizhang render DIR` and the MkDocs hook share one code path
(taizhang.tree): the folder it writes builds with plain MkDocs, no
hook, into the same pages as the hook's build of the project."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import build, copy_project, env, run_cli, tree_hash
from sitecheck import soup
from taizhang.source import read_config


@pytest.fixture(scope="module")
def rendered(sample_site, tmp_path_factory):
    """The sample project rendered, then built by MkDocs without the hook; (folder, site)."""
    root, _ = sample_site
    out = tmp_path_factory.mktemp("rendered") / "source"
    before = tree_hash(root)
    result = run_cli("render", str(out), cwd=root)
    assert result.returncode == 0, result.stderr
    assert "个生成的页面" in result.stdout
    assert tree_hash(root) == before, "render wrote into the project"
    built = build(out)
    assert built.returncode == 0, built.stderr[-3000:]
    return out, out / "site"


def _pages(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def _article(path):
    """A page's content as a reader sees it: the article without its edit button,
    whitespace between tags ignored (the hook fills its set-aside HTML blocks
    in after conversion, MkDocs converts them in place)."""
    article = soup(path).select_one("article")
    for button in article.select("a.md-content__button"):
        button.decompose()
    return re.sub(r">\s+<", "><", str(article)).strip()


def test_render_writes_a_project_that_needs_no_hook(rendered):
    out, _ = rendered
    config = read_config(out)
    assert "hooks" not in config and config["docs_dir"] == "docs" and config["theme"]["custom_dir"] == "theme"
    assert config["extra"]["taizhang_sample_notice"]             # what the hook sets in on_config
    assert "assets/taizhang-print.css" in config["extra_css"]
    assert not list((out / "theme").rglob("nav.html"))            # no template needing the hook
    assert (out / "docs/measures/CS-003/index.md").read_text(encoding="utf-8").count("<table>") >= 1
    assert not re.search(r"<!--tz-fragment", "".join(p.read_text(encoding="utf-8")
                                                       for p in (out / "docs").rglob("*.md")))


def test_hook_and_render_make_the_same_pages(sample_site, rendered):
    _, hook_site = sample_site
    _, render_site = rendered
    assert _pages(render_site) == _pages(hook_site)
    assert len(_pages(hook_site)) > 60
    different = [p for p in _pages(hook_site) if _article(hook_site / p) != _article(render_site / p)]
    assert different == []
    # Compared with their no-break spans: ids and dates are kept on one line
    # (taizhang.render.whole) in pages built without the hook too, in generated
    # tables, record bodies and the project's own docs pages alike.
    for page in ("measures/CS-003/index.html", "lists/tasks/index.html", "index.html"):
        assert soup(render_site / page).select("article .tz-nobr"), page
    assert not [p for p in _pages(render_site) if soup(render_site / p).select(".tz-nobr .tz-nobr")]
    # The downloads are the core's, byte for byte the same.
    downloads = sorted(p.name for p in (hook_site / "downloads").iterdir())
    assert downloads and downloads == sorted(p.name for p in (render_site / "downloads").iterdir())
    for name in downloads:
        assert (hook_site / "downloads" / name).read_bytes() == (render_site / "downloads" / name).read_bytes(), name


def test_render_refuses_a_folder_in_use_and_a_ledger_with_errors(tmp_path):
    root = copy_project(tmp_path / "p")
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("用户的文件", encoding="utf-8")
    result = run_cli("render", str(target), cwd=root)
    assert result.returncode == 1 and "已存在且不为空" in result.stderr and "--force" in result.stderr
    assert [p.name for p in target.iterdir()] == ["keep.txt"]

    record = root / "records/measures/CS-003.md"
    record.write_text(record.read_text(encoding="utf-8").replace("整改状态: ", "整改状态: 不存在的状态", 1),
                      encoding="utf-8")
    result = run_cli("render", str(tmp_path / "new"), cwd=root)
    assert result.returncode == 1 and "没有生成：" in result.stderr and "CS-003.md" in result.stderr
    assert not (tmp_path / "new").exists()


def test_render_refuses_docs_symlinks_leading_out_of_the_project(tmp_path):
    root = copy_project(tmp_path / "p")
    secret = tmp_path / "secret.txt"
    secret.write_text("不应发布", encoding="utf-8")
    (root / "docs" / "leak.txt").symlink_to(secret)
    result = run_cli("render", str(tmp_path / "out"), cwd=root)
    assert result.returncode == 1 and "docs/leak.txt" in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()


def test_a_nav_naming_a_generated_page_by_its_former_file_name_is_reported(tmp_path):
    """Generated pages became folders' index.md: a project's old nav is named with the fix,
    by the hook and by render, before anything is built or written."""
    root = copy_project(tmp_path / "p")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("lists/problems/index.md", "lists/problems.md")
                      .replace("trace/index.md", "trace.md"), encoding="utf-8")
    built = build(root)
    assert built.returncode != 0
    assert "lists/problems.md 改为 lists/problems/index.md" in built.stderr and "trace.md 改为 trace/index.md" in built.stderr
    assert not (root / "site").exists()
    result = run_cli("render", str(tmp_path / "out"), cwd=root)
    assert result.returncode == 1 and "把 lists/problems.md 改为 lists/problems/index.md" in result.stderr
    assert not (tmp_path / "out").exists()


def test_render_help_lists_the_command():
    result = subprocess.run([sys.executable, "-m", "taizhang", "--help"], capture_output=True, text=True, env=env())
    assert "render" in result.stdout
