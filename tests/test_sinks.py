"""Strings that reach the theme's JavaScript (issue #26).

Material for MkDocs inserts some strings as HTML, not as text: version titles
from mike's versions.json, the `title` attribute of any element under
`content.tooltips`, and the visible text of any shortened (`.md-ellipsis`)
navigation, header or table-of-contents entry, which it copies into a title
and from there into a tooltip. Record text reaches every one of them. These
tests switch every content.* and navigation.* feature on, build a real site
from hostile records, serve it WITHOUT any CSP, and hover, focus and scroll
in Chromium: nothing may run, and the text must still read as written.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from browsing import Server, require_chromium
from conftest import copy_project, env

require_chromium()

WORD_JOINER = "\u2060"
LONG = "关于进一步加强和改进干部队伍建设的长期整改任务落实情况说明"   # long enough to be shortened with …

# Every feature whose name starts with content. or navigation. (Material 9.8),
# plus the header and search features that add tooltips or titles.
ALL_FEATURES = [
    "announce.dismiss", "content.action.edit", "content.action.view", "content.code.annotate",
    "content.code.copy", "content.code.select", "content.footnote.tooltips", "content.tabs.link",
    "content.tooltips", "header.autohide", "navigation.expand", "navigation.footer", "navigation.indexes",
    "navigation.instant", "navigation.instant.prefetch", "navigation.instant.progress", "navigation.path",
    "navigation.prune", "navigation.sections", "navigation.tabs", "navigation.tabs.sticky", "navigation.top",
    "navigation.tracking", "search.highlight", "search.share", "search.suggest", "toc.follow",
]
# number -> payload; each reports its number through alert().
TITLE = f"{LONG}<img src=x onerror=alert(401)>"
BODY = "\n".join([
    '[带标题的链接](https://ok.example.internal/a "<img src=x onerror=alert(402)>")',
    "",
    '![带标题的图片](a.png "<img src=x onerror=alert(403)>")',
    "",
    f"## {LONG}&lt;img src=x onerror=alert(404)&gt;",
    "",
    "正文。",
    "",
    f"### {LONG}\\<img src=x onerror=alert(405)\\>",
    "",
    "正文。",
])
ROUND = "十一届省委第三轮巡视<img src=x onerror=alert(406)>"


def featured_mkdocs(root):
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    features = "".join(f"    - {name}\n" for name in ALL_FEATURES)
    text = re.sub(r"  features:\n(?:    - .*\n)+", "  features:\n" + features, text, count=1)
    config.write_text(text, encoding="utf-8")
    assert "content.tooltips" in text


@pytest.fixture(scope="module")
def featured_site(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("sinks") / "p")
    featured_mkdocs(root)
    measure = root / "records/measures/CS-003.md"
    measure.write_text(measure.read_text(encoding="utf-8").replace("标题: 统筹兼顾", f"标题: '{TITLE}'", 1),
                       encoding="utf-8")
    (root / "records/causes/YY-150.md").write_text(
        f"---\n编号: YY-150\n类别: 原因剖析\n标题: 带标题的链接\n轮次: LC-001\n---\n\n{BODY}\n", encoding="utf-8")
    rnd = root / "records/rounds/LC-001.md"
    rnd.write_text(rnd.read_text(encoding="utf-8").replace("标题: 十一届省委第三轮巡视", f"标题: '{ROUND}'", 1),
                   encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", "site"], cwd=root, env=env(),
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    return root, root / "site"


# Hover and focus every element with a title and every shortened entry, the
# way a reader's pointer would, so the theme builds each tooltip.
_HOVER_ALL = """async () => {
  const hosts = new Set();
  for (const el of document.querySelectorAll('[title], .md-ellipsis')) {
    hosts.add(el); const a = el.closest('a'); if (a) hosts.add(a);
  }
  for (const el of hosts) {
    el.scrollIntoView({block: 'center'});
    for (const type of ['mouseenter', 'mouseover', 'focus', 'focusin'])
      el.dispatchEvent(new Event(type, {bubbles: type !== 'mouseenter' && type !== 'focus'}));
  }
  await new Promise(r => setTimeout(r, 700));
  return hosts.size;
}"""

_MARK_REACHABLE = """() => {
  let marked = 0;
  for (const el of document.querySelectorAll('[title], .md-ellipsis')) {
    if (marked >= 60) break;
    el.scrollIntoView({block: 'center'});
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (hit && (hit === el || el.contains(hit))) { el.setAttribute('data-tz-reachable', ''); marked++; }
  }
  return marked;
}"""

PAGES = ["measures/CS-003/", "causes/YY-150/", "rounds/LC-001/", "lists/tasks/", "", "report/",
         "causes/", "measures/", "trace/"]


@pytest.mark.parametrize("width", [390, 1366])
def test_titles_are_safe_with_every_theme_feature_on(browser, featured_site, width):
    _, site = featured_site
    server = Server(site)
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    fired = []
    page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
    try:
        for path in PAGES:
            response = page.goto(server.origin + "/" + path)
            assert response.status == 200, path
            assert "content-security-policy" not in {k.lower() for k in response.headers}
            page.evaluate("window.scrollTo(0, 400)")
            page.wait_for_timeout(300)
            page.evaluate(_HOVER_ALL)
            # A real pointer over the first 60 a pointer can reach. Hidden or
            # covered ones (the closed drawer on a phone) only waited out a
            # timeout each: the events above reached them.
            page.evaluate(_MARK_REACHABLE)
            for box in page.locator("[data-tz-reachable]").all():
                try:
                    box.hover(timeout=300)
                except Exception:  # moved by an animation meanwhile: the events above reached it
                    pass
            page.wait_for_timeout(300)
        assert fired == [], fired
    finally:
        context.close()
        server.close()


# -- item 1: version titles (mike's versions.json, Material's version selector) ---

ROUND_TITLE = "十一届省委第三轮巡视<img src=x onerror=alert(411)>"
LEGACY_TITLE = "旧版<img src=x onerror=alert(412)>&amp;"


def _mike_raw(repo, *args):
    """mike itself, as an older taizhang or a person called it: the title raw."""
    result = subprocess.run([sys.executable, "-c", "import sys; from mike.driver import main; sys.exit(main())",
                             *args], cwd=repo, env=env(TAIZHANG_ROUND="LC-001", PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}"),
                            capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory):
    """A real git repository whose round title carries markup: one version
    deployed by mike with a raw title (as before the fix), exported; then the
    round archived with taizhang and exported again."""
    from conftest import run_cli
    from test_git_workflow import git, init_repo
    base = tmp_path_factory.mktemp("archive")
    repo = init_repo(base / "repo")
    rnd = repo / "records/rounds/LC-001.md"
    rnd.write_text(rnd.read_text(encoding="utf-8").replace("标题: 十一届省委第三轮巡视", f"标题: '{ROUND_TITLE}'", 1),
                   encoding="utf-8")
    git(repo, "commit", "-q", "-am", "轮次标题")
    _mike_raw(repo, "deploy", f"--title={LEGACY_TITLE}", "legacy")
    first = base / "first"
    result = run_cli("archive-export", str(first), cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    result = run_cli("archive", "LC-001", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    export = base / "www" / "zhenggai"
    result = run_cli("archive-export", str(export), cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return repo, first, export


def _titles(path):
    import json
    return {v["version"]: v["title"] for v in json.loads(path.read_text(encoding="utf-8"))}


def test_versions_json_titles_cannot_open_a_tag(hostile_archive):
    from test_git_workflow import git
    import json
    repo, first, export = hostile_archive
    on_branch = {v["version"]: v["title"] for v in json.loads(git(repo, "show", "gh-pages:versions.json"))}
    for titles in (_titles(first / "versions.json"), _titles(export / "versions.json"), on_branch):
        assert not [t for t in titles.values() if re.search(r"<(?!\u2060)", t)], titles
        # … and they read as written once the invisible joiner is dropped
        assert titles["legacy"].replace(WORD_JOINER, "") == LEGACY_TITLE
    assert on_branch["LC-001"].replace(WORD_JOINER, "") == ROUND_TITLE


@pytest.mark.parametrize("path", ["LC-001/", "LC-001/lists/tasks/", "legacy/"])
def test_version_selector_shows_titles_as_text_in_chromium(browser, hostile_archive, path):
    _, _, export = hostile_archive
    server = Server(export.parent)
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="zh-CN")
    page = context.new_page()
    fired = []
    page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
    try:
        response = page.goto(f"{server.origin}/zhenggai/{path}")
        assert "content-security-policy" not in {k.lower() for k in response.headers}
        page.wait_for_selector(".md-version__current")
        page.locator(".md-version").hover()
        page.wait_for_timeout(500)
        shown = page.locator(".md-version__list").inner_text().replace(WORD_JOINER, "")
        # mike's titles are HTML to Material: the legacy "&amp;" was meant to read "&"
        assert ROUND_TITLE in shown and LEGACY_TITLE.replace("&amp;", "&") in shown
        assert page.locator(".md-version img, .md-version [onerror]").count() == 0
        assert fired == [], fired
    finally:
        context.close()
        server.close()


# -- item 2: nothing private is published, even through a link inside the repository ----

SECRET = "ghp_SECRETTOKEN26"


def test_git_dot_files_venv_and_build_output_are_never_published(tmp_path):
    from conftest import build, run_cli
    from test_git_workflow import git, init_repo
    repo = init_repo(tmp_path / "repo")
    git(repo, "remote", "add", "origin", f"https://taizhang:{SECRET}@git.example.internal/zhenggai/taizhang.git")
    (repo / ".env").write_text(f"TOKEN={SECRET}\n", encoding="utf-8")
    (repo / "venv/lib").mkdir(parents=True)
    (repo / "venv/pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    (repo / "venv/lib/key.txt").write_text(SECRET, encoding="utf-8")
    (repo / "site-old").mkdir()
    (repo / "site-old/secret.html").write_text(SECRET, encoding="utf-8")
    evidence = repo / "docs/evidence"
    (evidence / "leak").symlink_to("../../.git")           # the whole of .git, as a folder of evidence
    (evidence / "env.txt").symlink_to("../../.env")
    (evidence / "venv").symlink_to("../../venv")
    (evidence / "old").symlink_to("../../site-old")
    (repo / "docs/.secret").mkdir()
    (repo / "docs/.secret/key.txt").write_text(SECRET, encoding="utf-8")
    measure = repo / "records/measures/CS-003.md"
    measure.write_text(measure.read_text(encoding="utf-8").replace(
        "\n---\n", "\n佐证材料:\n  - 名称: 仓库配置\n    文件: evidence/leak/config\n"
        "  - 名称: 隐藏文件\n    文件: .secret/key.txt\n---\n", 1), encoding="utf-8")
    checked = run_cli("check", cwd=repo)
    out = checked.stdout
    assert checked.returncode == 1
    for where, rule in (("records/measures/CS-003.md:", "(evidence-private)"), ("docs/evidence/env.txt:1:", "(docs-private)"),
                        ("docs/evidence/venv:1:", "(docs-private)"), ("docs/evidence/old:1:", "(docs-private)")):
        assert any(line.startswith(where) and rule in line for line in out.splitlines()), (where, out)
    assert "evidence/leak/config”实际是 .git/config（Git 仓库的内部文件）" in out
    assert "“.secret/key.txt”实际是 docs/.secret/key.txt（以点开头的隐藏文件或文件夹）" in out
    strict = build(repo)
    assert strict.returncode != 0 and "(docs-private)" in strict.stderr
    loose = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", "site"], cwd=repo, env=env(),
                           capture_output=True, text=True, timeout=600)
    assert loose.returncode == 0, loose.stderr
    published = [p for p in (repo / "site").rglob("*") if p.is_file()]
    leaked = [p.relative_to(repo / "site").as_posix() for p in published
              if SECRET in p.read_bytes().decode("utf-8", "replace")]
    assert leaked == []
    assert not (repo / "site/evidence/leak").exists() and not (repo / "site/evidence/env.txt").exists()
    assert not (repo / "site/evidence/venv").exists() and not (repo / "site/evidence/old").exists()
    assert not [p for p in published if any(part.startswith(".") for part in p.relative_to(repo / "site").parts)]
    # `taizhang render` (the docs tree for other engines) copies docs/ following links: the same rule
    refused = run_cli("render", str(tmp_path / "refused"), cwd=repo)
    assert refused.returncode == 1 and "(docs-private)" in refused.stdout + refused.stderr
    assert not (tmp_path / "refused").exists()
    # with the rules turned off, the reminders go, the protection stays
    (repo / "taizhang.yml").write_text("rules:\n  docs-private: off\n  evidence-private: off\n", encoding="utf-8")
    rendered = run_cli("render", str(tmp_path / "rendered"), cwd=repo)
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    copied = [p for p in (tmp_path / "rendered").rglob("*") if p.is_file()]
    assert copied and not [p for p in copied if SECRET in p.read_bytes().decode("utf-8", "replace")]


# -- item 3: every configured word is text ------------------------------------------

HOSTILE_WORDS = """\
statuses:
  in_progress: {label: "<img src=x onerror=alert(301)>"}
lights:
  red: {label: "逾期\\" onmouseover=\\"alert(302)"}
measure_types:
  long_term: {label: "长期<svg onload=alert(303)>"}
kinds:
  measure: {label: "措施<script>alert(304)</script>"}
phrases:
  report_name: "通报<img src=x onerror=alert(305)>"
exports:
  issuer: "中共XX区委[点我](javascript:alert(306))"
"""


def test_configured_words_holding_markup_are_refused_by_check_and_build(tmp_path):
    from conftest import build, run_cli, tree_hash
    root = copy_project(tmp_path / "p")
    (root / "taizhang.yml").write_text(HOSTILE_WORDS, encoding="utf-8")
    before = tree_hash(root)
    checked = run_cli("check", cwd=root)
    assert checked.returncode != 0
    said = checked.stdout + checked.stderr
    for line in (2, 4, 6, 8, 10, 12):
        assert f"taizhang.yml:{line}: " in said and "(config-word)" in said, (line, said)
    assert "全角字符" in said   # the fix
    built = build(root)
    assert built.returncode != 0 and "(config-word)" in built.stderr
    assert not (root / "site").exists() and tree_hash(root) == before


def test_every_word_of_the_packaged_vocabulary_is_plain_text():
    """The same rule holds vocabulary.yml, so words added to it later are covered."""
    from taizhang.vocabulary import default_word_problems
    assert default_word_problems() == []


def test_full_width_lookalikes_are_accepted_and_shown_as_written(tmp_path):
    from conftest import build
    from sitecheck import soup
    root = copy_project(tmp_path / "p")
    (root / "taizhang.yml").write_text(
        "lights:\n  red: {label: \"＜逾期＞（红灯）\"}\nphrases:\n  report_name: 整改进展情况通报＆说明\n",
        encoding="utf-8")
    built = build(root)
    assert built.returncode == 0, built.stderr
    assert "＜逾期＞（红灯）" in soup(root / "site/index.html").get_text()
    assert "整改进展情况通报＆说明" in soup(root / "site/report/index.html").get_text()


# -- item 12: the change summary mentions nobody and references nothing ---------------

MENTIONS = "@all 请 @zhang-san 看 #1、!1、group/project#2、~紧急、%v1、$3 和 &4"
# What GitHub, GitLab and Gitea read as a mention or a reference in a comment.
LIVE = re.compile(r"(?<![\w\u2060])@[\w-]|[\w/]?#\d|!\d|~[^\s\u2060]|%\w|\$\d|&(?:amp;)?\d")


def test_change_summary_neutralises_mentions_and_references(tmp_path):
    import markdown
    from conftest import run_cli
    from test_git_workflow import edit, init_repo
    repo = init_repo(tmp_path / "repo")
    edit(repo / "records/measures/CS-006.md",
         ("整改状态: 正在整改", "整改状态: 基本完成（持续整改）"),
         ("    内容: XX服务和巡察事务中心机构设置方案已报区委编委会审议。\n",
          "    内容: XX服务和巡察事务中心机构设置方案已报区委编委会审议。\n  - 日期: 2023-08-10\n"
          f"    内容: '{MENTIONS}'\n"))
    edit(repo / "records/measures/CS-005.md", ("标题: 坚持创新和务实并重", "标题: '@all 坚持创新和务实并重 #9'"))
    result = run_cli("diff", cwd=repo)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "新增整改进展（1）" in out and "CS-005" in out
    assert LIVE.findall(out) == [], out
    # as a Git server renders the comment: the words read as written
    shown = markdown.markdown(out, extensions=["tables"]).replace("\u2060", "")
    assert MENTIONS.replace("&", "&amp;") in shown


# -- item 11: bidirectional controls -------------------------------------------------

RLO = "\u202e"


def test_bidirectional_controls_are_refused_in_names_and_flagged_in_text(tmp_path):
    from conftest import run_cli
    root = copy_project(tmp_path / "p")
    cause = root / "records/causes/YY-001.md"
    cause.write_text(cause.read_text(encoding="utf-8").replace("\n标题: ", f"\n标题: 控制{RLO}字符", 1), encoding="utf-8")
    (root / "records/causes" / f"YY-090{RLO}dm.md").write_text(
        "---\n编号: YY-090\n类别: 原因剖析\n标题: 文件名\n轮次: LC-001\n---\n\n正文。\n", encoding="utf-8")
    (root / "docs/evidence").mkdir(exist_ok=True)
    (root / "docs/evidence" / f"方案{RLO}fdp.exe").write_text("x", encoding="utf-8")
    checked = run_cli("check", cwd=root)
    out = checked.stdout
    assert checked.returncode == 1
    assert RLO not in out   # never echoed: shown as ⟨U+202E⟩
    assert "records/causes/YY-001.md:" in out and "(bidi-char)" in out
    assert "records/causes/YY-090⟨U+202E⟩dm.md:1: 错误" in out and "(bidi-name)" in out
    assert "docs/evidence/方案⟨U+202E⟩fdp.exe:1: 错误" in out
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", "site"], cwd=root, env=env(),
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    assert "(bidi-name)" in built.stderr
    assert not [p for p in (root / "site").rglob("*") if RLO in p.name]


# -- variant: the 督查总览 (taizhang gather) site, every theme feature on -------------

def test_gathered_overview_is_safe_with_every_theme_feature_on(tmp_path, browser):
    from conftest import build, run_cli
    root = copy_project(tmp_path / "unit")
    for rel, old, new in (("records/measures/CS-003.md", "标题: 统筹兼顾", f"标题: '{TITLE}'"),
                          ("records/rounds/LC-001.md", "标题: 十一届省委第三轮巡视", f"标题: '{ROUND}'")):
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    exported = run_cli("export", "--format", "json", "-o", str(tmp_path / "a.json"), cwd=root, TAIZHANG_TODAY="2023-08-10")
    assert exported.returncode == 0, exported.stderr
    unit = f"{LONG}<img src=x onerror=alert(501)>"
    (tmp_path / "sources.yml").write_text(
        f"标题: '督查总览<img src=x onerror=alert(502)>'\n单位:\n  - 名称: '{unit}'\n    位置: a.json\n"
        f"    网址: https://intranet.example/a/\n", encoding="utf-8")
    out = tmp_path / "overview"
    gathered = run_cli("gather", "sources.yml", "-o", str(out), "--today", "2023-08-10", cwd=tmp_path)
    assert gathered.returncode == 0, gathered.stdout + gathered.stderr
    featured_mkdocs(out)
    built = build(out)
    assert built.returncode == 0, built.stderr
    site = out / "site"
    server = Server(site)
    fired = []
    try:
        for width in (390, 1366):
            context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
            page = context.new_page()
            page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
            pages = ["index.html", "overdue.html", *(f"units/{p.name}" for p in (site / "units").glob("*.html"))]
            for path in pages:
                page.goto(f"{server.origin}/{path}")
                page.evaluate("window.scrollTo(0, 400)")
                page.wait_for_timeout(300)
                page.evaluate(_HOVER_ALL)
            context.close()
        assert fired == [], fired
    finally:
        server.close()


# -- variant: evidence the browser would run, served from the site's own origin ------

def test_evidence_that_runs_in_the_browser_is_refused_and_never_published(tmp_path):
    from conftest import build, run_cli
    root = copy_project(tmp_path / "p")
    evidence = root / "docs/evidence/CS-003"
    evidence.mkdir(parents=True)
    (evidence / "方案.html").write_text("<script>alert(601)</script>", encoding="utf-8")
    (evidence / "图.SVG").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(602)"/>', encoding="utf-8")
    (evidence / "说明.md").write_text("# 说明\n\n<img src=x onerror=alert(603)>\n", encoding="utf-8")
    (evidence / "方案.pdf").write_bytes(b"%PDF-1.4\n")
    measure = root / "records/measures/CS-003.md"
    measure.write_text(measure.read_text(encoding="utf-8").replace(
        "\n---\n", "\n佐证材料:\n  - 名称: 方案\n    文件: evidence/CS-003/方案.html\n"
        "  - 名称: 方案（PDF）\n    文件: evidence/CS-003/方案.pdf\n---\n", 1), encoding="utf-8")
    checked = run_cli("check", cwd=root)
    assert checked.returncode == 1 and "“evidence/CS-003/方案.html”是网页、SVG、脚本或 Markdown 文件" in checked.stdout
    assert "(evidence-active)" in checked.stdout and "方案.pdf" not in checked.stdout
    assert build(root).returncode != 0
    loose = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", "site"], cwd=root, env=env(),
                           capture_output=True, text=True, timeout=600)
    assert loose.returncode == 0, loose.stderr
    assert "(evidence-active)" in loose.stderr
    published = sorted(p.relative_to(root / "site").as_posix() for p in (root / "site/evidence").rglob("*") if p.is_file())
    assert published == ["evidence/CS-001/整改工作方案.txt", "evidence/CS-002/三个清单.txt", "evidence/CS-003/方案.pdf"]
