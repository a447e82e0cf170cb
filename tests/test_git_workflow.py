"""The pull-request loop on real git repositories in temp folders:
new record → commit on a branch → diff summary → merge → site history."""

from __future__ import annotations

import os
import subprocess

import pytest
import yaml

from conftest import GOLDEN, REPO, build, copy_project, run_cli, tree_hash
from sitecheck import soup
from taizhang.fsutil import WouldOverwrite, write_new

TODAY = "2023-08-10"


def git(cwd, *args, author="甲", when="2023-06-05T10:00:00+08:00"):
    env = dict(os.environ, GIT_AUTHOR_NAME=author, GIT_AUTHOR_EMAIL=f"{author}@example.internal",
               GIT_COMMITTER_NAME=author, GIT_COMMITTER_EMAIL=f"{author}@example.internal",
               GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def init_repo(path, records=None):
    root = copy_project(path, records)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "初始台账")
    return root


def edit(path, *pairs):
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path):
    return init_repo(tmp_path / "ledger", GOLDEN / "base" / "records")


def test_new_writes_the_next_id_and_checks_clean(repo):
    args = ["new", "measure", "--title", "建立谈心谈话制度", "--problem", "WT-001", "--cause", "YY-001",
            "--leader", "甲领导", "--unit", "甲单位", "--owner", "丙某", "--deadline", "2023-09-30"]
    first = run_cli(*args, cwd=repo)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "records/measures/CS-003.md"
    second = run_cli(*args, cwd=repo)
    assert second.stdout.strip() == "records/measures/CS-004.md"
    text = (repo / "records/measures/CS-003.md").read_text(encoding="utf-8")
    assert "整改状态: 未启动" in text and "# 整改进展:" in text  # optional fields shown, commented out
    # the body is a draft marker: a warning (so --strict fails) until the user writes the body
    check = run_cli("check", "--strict", cwd=repo, TAIZHANG_TODAY=TODAY)
    assert check.returncode == 1
    line = text.splitlines().index("（在此填写正文）") + 1
    assert check.stdout.splitlines()[0].startswith(f"records/measures/CS-003.md:{line}: 警告：正文还是新建记录时的占位文字")
    assert [p.split(":")[0] for p in check.stdout.splitlines()] == ["records/measures/CS-003.md", "records/measures/CS-004.md"]
    assert all("(body-placeholder)" in p for p in check.stdout.splitlines())
    assert run_cli("check", cwd=repo, TAIZHANG_TODAY=TODAY).returncode == 0
    for name in ("CS-003", "CS-004"):
        edit(repo / f"records/measures/{name}.md", ("（在此填写正文）", "每季度至少开展一次谈心谈话。"))
    check = run_cli("check", "--strict", cwd=repo, TAIZHANG_TODAY=TODAY)
    assert check.returncode == 0, check.stdout


def test_new_refuses_bad_links_and_missing_fields_and_writes_nothing(repo):
    before = tree_hash(repo, skip=(".git", "site"))
    result = run_cli("new", "measure", "--title", "x", "--problem", "WT-404", "--cause", "WT-001", cwd=repo)
    assert result.returncode == 2
    assert "整改问题：编号 WT-404 不存在" in result.stderr
    assert "针对原因：WT-001 是查摆问题，应为原因剖析" in result.stderr
    assert "缺少责任领导" in result.stderr
    assert tree_hash(repo, skip=(".git", "site")) == before


def test_new_never_overwrites(repo):
    target = repo / "records/measures/CS-002.md"
    original = target.read_bytes()
    with pytest.raises(WouldOverwrite):
        write_new(target, "---\n编号: CS-002\n---\n")
    assert target.read_bytes() == original
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".taizhang-")]


def _pull_request(repo):
    git(repo, "switch", "-q", "-c", "进展-CS-001")
    edit(repo / "records/measures/CS-001.md",
         ("整改状态: 正在整改", "整改状态: 已完成\n完成日期: 2023-08-01\n佐证材料:\n  - 名称: 验收报告\n    文件: https://oa.example.internal/1.pdf"),
         ("整改时限: 2023-12-31", "整改时限: 2024-03-31"),
         ("    内容: 开始整改。", "    内容: 开始整改。\n  - 日期: 2023-08-01\n    内容: 整改完成。"))
    git(repo, "commit", "-q", "-am", "CS-001 整改完成", author="乙", when="2023-08-01T09:30:00+08:00")


def test_diff_summarises_a_pull_request_exactly(repo):
    _pull_request(repo)
    result = run_cli("diff", "main", cwd=repo, TAIZHANG_TODAY=TODAY)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "## 台账变更摘要（main → HEAD）\n\n"
        "**✅ 检查通过**\n\n"
        "### 状态变化（1）\n\n| 编号 | 标题 | 原状态 | 新状态 |\n| --- | --- | --- | --- |\n"
        "| CS-001 | 第一项措施 | 正在整改 | **已完成** |\n\n"
        "### 整改时限变化（1）\n\n| 编号 | 标题 | 原时限 | 新时限 |\n| --- | --- | --- | --- |\n"
        "| CS-001 | 第一项措施 | 2023-12-31 | **2024-03-31** |\n\n"
        "### 新增整改进展（1）\n\n- CS-001 2023-08-01：整改完成。\n\n"
        "### 新增佐证材料（1）\n\n- CS-001 验收报告（https://oa.example.internal/1.pdf）\n\n"
        "### 其他修改（1）\n\n- CS-001 第一项措施：完成日期\n"
    )


def test_diff_reports_new_records_signoffs_and_fails_on_a_broken_head(repo):
    git(repo, "switch", "-q", "-c", "销号")
    edit(repo / "records/measures/CS-002.md",
         ("整改状态: 已完成", "整改状态: 已销号\n销号人: 整改办\n销号日期: 2023-07-01"))
    assert run_cli("new", "cause", "--title", "新原因", cwd=repo).returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "销号并新增原因")
    result = run_cli("diff", "main", "HEAD", cwd=repo, TAIZHANG_TODAY=TODAY)
    assert "### 新增记录（1）\n\n- YY-002 新原因（原因剖析）" in result.stdout
    assert "- CS-002 第二项措施：2023-07-01 由 整改办 销号" in result.stdout
    assert "| CS-002 | 第二项措施 | 已完成 | **已销号** |" in result.stdout
    assert "2 个警告" in result.stdout and "(cause-unused)" in result.stdout
    assert "records/causes/YY-002.md:9: 警告：正文还是新建记录时的占位文字" in result.stdout  # the reviewer sees the draft
    assert result.returncode == 0
    edit(repo / "records/measures/CS-002.md", ("销号人: 整改办\n", ""))
    git(repo, "commit", "-q", "-am", "漏写销号人")
    broken = run_cli("diff", "main", cwd=repo, TAIZHANG_TODAY=TODAY)
    assert broken.returncode == 1
    assert "❌ 检查未通过：1 个错误" in broken.stdout
    assert "records/measures/CS-002.md:" in broken.stdout and "(signoff-needs-who-when)" in broken.stdout


def test_diff_on_a_ref_that_does_not_exist_is_a_clear_error(repo):
    result = run_cli("diff", "no-such-branch", cwd=repo)
    assert result.returncode == 2
    assert "无法读取 Git 版本" in result.stderr and "Traceback" not in result.stderr


def _history_rows(site, page):
    table = soup(site / page).select_one(".tz-history table")
    for whole in table.select(".tz-nobr"):   # ids and dates kept on one line: text as it reads
        whole.unwrap()
    table.smooth()
    return [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.select("tbody tr")]


def test_history_on_record_pages_after_merge(repo):
    _pull_request(repo)
    edit(repo / "records/measures/CS-001.md", ("整改时限: 2024-03-31", "整改时限: 2024-06-30"))
    git(repo, "commit", "-q", "-am", "CS-001 再次调整时限", author="丙", when="2023-08-05T16:00:00+08:00")
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "--ff-only", "进展-CS-001")
    result = build(repo, TAIZHANG_TODAY=TODAY)
    assert result.returncode == 0, result.stderr
    rows = _history_rows(repo / "site", "measures/CS-001/index.html")
    assert [r[1] for r in rows] == ["丙", "乙", "甲"]
    assert [r[0] for r in rows] == ["2023-08-05 16:00", "2023-08-01 09:30", "2023-06-05 10:00"]
    assert rows[0][4] == "整改时限：2024-03-31 → 2024-06-30"
    assert rows[1][4] == "整改状态：正在整改 → 已完成 整改时限：2023-12-31 → 2024-03-31"
    assert rows[2][3] == "新建"
    summary = soup(repo / "site/measures/CS-001/index.html").select_one(".tz-history-summary").get_text()
    assert summary.startswith("创建：2023-06-05 10:00，甲；最近修改：2023-08-05 16:00，丙")


def test_history_follows_a_renamed_record(repo):
    (repo / "records/measures/moved").mkdir()
    git(repo, "mv", "records/measures/CS-002.md", "records/measures/moved/CS-002.md")
    git(repo, "commit", "-q", "-m", "整理目录", author="丁", when="2023-07-01T08:00:00+08:00")
    assert build(repo, TAIZHANG_TODAY=TODAY).returncode == 0
    rows = _history_rows(repo / "site", "measures/CS-002/index.html")
    assert [(r[1], r[3]) for r in rows] == [("丁", "改名"), ("甲", "新建")]


def test_shallow_clone_shows_a_notice_not_a_crash(repo, tmp_path):
    _pull_request(repo)
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "进展-CS-001", f"file://{repo}", str(shallow)],
                   check=True, capture_output=True)
    result = build(shallow, TAIZHANG_TODAY=TODAY)
    assert result.returncode == 0, result.stderr
    page = soup(shallow / "site/measures/CS-001/index.html")
    assert "浅克隆" in page.select_one(".tz-notice").get_text()


def test_without_git_the_page_says_so(tmp_path):
    root = copy_project(tmp_path / "ledger", GOLDEN / "base" / "records")   # not a git repository
    result = build(root)
    assert result.returncode == 0, result.stderr
    notice = soup(root / "site/measures/CS-001/index.html").select_one(".tz-notice").get_text()
    assert "无法读取 Git 修改历史" in notice


def test_the_sample_ledger_says_plainly_it_has_no_history(tmp_path):
    """The sample's files were committed while the software was written: those
    commits are never shown as the ledger's 修改记录, even in a git checkout."""
    repo = init_repo(tmp_path / "sample")   # the real sample records, committed like the software's repository
    git(repo, "commit", "-q", "--allow-empty", "-m", "Refactor the renderer (a development commit)")
    edit(repo / "records/measures/CS-001.md", ("王某某", "王某某（修订）"))
    git(repo, "commit", "-q", "-am", "Fix typo in sample data")
    result = build(repo)
    assert result.returncode == 0, result.stderr
    for page in ("measures/CS-001/index.html", "problems/WT-010/index.html", "feedback/FK-014/index.html"):
        html = soup(repo / "site" / page)
        assert "示例台账没有真实的修改记录" in html.select_one(".tz-notice").get_text(), page
        assert html.select_one(".tz-history") is None and "Fix typo" not in html.get_text(), page


def test_ci_templates_run_check_build_and_diff_with_full_history():
    templates = REPO / ".ci" / "templates"
    for name in ("github-actions.yml", "gitea-actions.yml", "gitlab-ci.yml"):
        text = (templates / name).read_text(encoding="utf-8")
        yaml.safe_load(text)
        for command in ("taizhang check", "mkdocs build --strict", "taizhang diff"):
            assert command in text, (name, command)
        assert "fetch-depth: 0" in text or 'GIT_DEPTH: "0"' in text
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "taizhang-check" and hooks[0]["entry"] == "taizhang check"
    example = yaml.safe_load((templates / "pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert example["repos"][0]["hooks"][0]["entry"] == "taizhang check"


def test_diff_summary_escapes_record_text(repo):
    git(repo, "switch", "-q", "-c", "注入")
    edit(repo / "records/measures/CS-001.md",
         ("标题: 第一项措施", "标题: '<script>x</script> | [点我](javascript:y) `z`'"),
         ("整改状态: 正在整改", "整改状态: 基本完成（持续整改）"))
    git(repo, "commit", "-q", "-am", "改标题")
    out = run_cli("diff", "main", cwd=repo, TAIZHANG_TODAY=TODAY).stdout
    row = next(line for line in out.splitlines() if line.startswith("| CS-001 |"))
    assert row == ("| CS-001 | &lt;script&gt;x&lt;/script&gt; \\| \\[点我\\](javascript:y) \\`z\\` | "
                   "正在整改 | **基本完成（持续整改）** |")
