"""The hook renders Material's global navigation once per folder for pages
outside the nav (record pages): a performance change that must not change a
byte. The same generated ledger is built with the override and without it
(plain Material navigation), and every file of the two sites is compared:
pages, search index, downloads."""

from __future__ import annotations

import importlib.util

from conftest import REPO, build, copy_project, tree_hash

OVERRIDE = "hooks/theme/partials/nav.html"


def _generate(records, n):
    spec = importlib.util.spec_from_file_location("bench_build", REPO / "bench" / "build.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.generate(records, n)


def _site_without_override_matches(project, *args, **extra_env):
    assert (project / OVERRIDE).is_file()
    cached = build(project, *args, site="site-cached", **extra_env)
    assert cached.returncode == 0, cached.stderr[-3000:]
    (project / OVERRIDE).unlink()
    plain = build(project, *args, site="site-plain", **extra_env)
    assert plain.returncode == 0, plain.stderr[-3000:]
    one, other = tree_hash(project / "site-cached", skip=()), tree_hash(project / "site-plain", skip=())
    assert one.keys() == other.keys()
    assert [path for path in one if one[path] != other[path]] == []
    return one


def test_cached_navigation_leaves_every_file_unchanged(tmp_path):
    records = tmp_path / "generated"
    _generate(records, 60)
    project = copy_project(tmp_path / "project", records=records)
    files = _site_without_override_matches(project)
    assert "search/search_index.json" in files and any(path.endswith(".xlsx") for path in files)
    # Not vacuous: record pages in several folders carry the navigation, with links up two levels.
    for page in ("measures/CS-001/index.html", "problems/WT-001/index.html", "feedback/FK-001/index.html"):
        html = (project / "site-plain" / page).read_text(encoding="utf-8")
        assert 'class="md-nav md-nav--primary' in html and 'href="../../lists/problems/"' in html, page


def test_cached_navigation_without_directory_urls(tmp_path):
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nuse_directory_urls: false\n", encoding="utf-8")
    files = _site_without_override_matches(project)
    assert any(path.startswith("measures/CS-") and path.endswith(".html") for path in files)
