"""`taizhang diff` without revisions: the working tree (uncommitted and
untracked records) against HEAD, on real git repositories in temp folders."""

from __future__ import annotations

import re

from conftest import GOLDEN, REPO, run_cli, tree_hash
from test_git_workflow import edit, git, init_repo

TODAY = "2023-08-10"


def _readme_example() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- diff-example:start -->\n```markdown\n(.*?)```\n<!-- diff-example:end -->", readme, re.S)
    assert block, "README lost its diff example"
    return block.group(1)


def test_readme_example_is_what_the_tool_prints_for_the_sample(tmp_path):
    repo = init_repo(tmp_path / "sample")  # the real sample records, committed
    edit(repo / "records/measures/CS-006.md",
         ("整改状态: 正在整改", "整改状态: 基本完成（持续整改）"),
         ("    内容: XX服务和巡察事务中心机构设置方案已报区委编委会审议。\n",
          "    内容: XX服务和巡察事务中心机构设置方案已报区委编委会审议。\n  - 日期: 2023-08-10\n"
          "    内容: 区委编委会审议通过机构设置方案，XX服务和巡察事务中心挂牌运行。\n"))
    before = tree_hash(repo, skip=("site",))
    result = run_cli("diff", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout == _readme_example()
    assert "状态变化（1）" in result.stdout and "新增整改进展（1）" in result.stdout
    assert tree_hash(repo, skip=("site",)) == before  # diff reads, never writes


def test_untracked_new_and_deleted_records_are_in_the_summary(tmp_path):
    repo = init_repo(tmp_path / "ledger", GOLDEN / "base" / "records")
    assert run_cli("diff", cwd=repo, TAIZHANG_TODAY=TODAY).stdout.endswith("台账记录没有变化。\n")
    created = run_cli("new", "cause", "--title", "学习不深入", cwd=repo)       # untracked
    assert created.stdout.strip() == "records/causes/YY-002.md"
    (repo / "records/measures/CS-002.md").unlink()                          # deleted, not committed
    git(repo, "add", "records/causes/YY-002.md")                            # staged counts the same
    edit(repo / "records/causes/YY-002.md", ("（在此填写正文）", "学习教育流于形式。"))  # and the unstaged edit wins
    result = run_cli("diff", cwd=repo, TAIZHANG_TODAY=TODAY)
    assert result.stdout.startswith("## 台账变更摘要（HEAD → 工作区）\n")
    assert "### 新增记录（1）\n\n- YY-002 学习不深入（原因剖析）\n" in result.stdout
    assert "### 删除记录（1）\n\n- CS-002 第二项措施（整改措施）\n" in result.stdout
    assert "(cause-unused)" in result.stdout and "body-placeholder" not in result.stdout
    # committing it all leaves nothing to report, while diff against main still sees it
    git(repo, "switch", "-q", "-c", "work")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "改")
    assert "\n台账记录没有变化。\n" in run_cli("diff", cwd=repo, TAIZHANG_TODAY=TODAY).stdout
    assert "YY-002 学习不深入" in run_cli("diff", "main", cwd=repo, TAIZHANG_TODAY=TODAY).stdout


def test_working_tree_with_errors_exits_1(tmp_path):
    repo = init_repo(tmp_path / "ledger", GOLDEN / "base" / "records")
    edit(repo / "records/measures/CS-001.md", ("整改问题:\n  - WT-001", "整改问题:\n  - WT-404"))
    result = run_cli("diff", cwd=repo, TAIZHANG_TODAY=TODAY)
    assert result.returncode == 1
    assert "❌ 检查未通过：1 个错误" in result.stdout and "(link-missing)" in result.stdout


def test_without_a_commit_it_says_so(tmp_path):
    repo = tmp_path / "fresh"
    (repo / "records").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    result = run_cli("diff", cwd=repo)
    assert result.returncode == 2 and result.stderr.startswith("无法读取 Git 版本：")
    assert "Traceback" not in result.stderr
