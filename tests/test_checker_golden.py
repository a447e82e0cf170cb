"""Golden tests: each folder under golden/checker/ is laid over golden/base/,
checked with the real CLI, and its output compared with expected.txt (the
standard output; or, when a case's taizhang.yml stops the check before the
records are read, the configuration error it prints, exit status 2).

UPDATE_GOLDEN=1 rewrites expected.txt; read the diff before committing it.
"""

from __future__ import annotations

import os

import pytest
import yaml

from conftest import GOLDEN, REPO, overlay, run_cli, tree_hash

CASES = sorted(p.name for p in (GOLDEN / "checker").iterdir() if p.is_dir())
TODAY = "2023-08-10"


def _run(case: str, tmp_path):
    project = overlay(GOLDEN / "base", GOLDEN / "checker" / case, tmp_path / case)
    before = tree_hash(project)
    args_file = GOLDEN / "checker" / case / "args.txt"      # extra options for `check`, one per line
    args = args_file.read_text(encoding="utf-8").split() if args_file.exists() else []
    result = run_cli("check", *args, cwd=project, TAIZHANG_TODAY=TODAY)
    assert "Traceback" not in result.stderr, result.stderr
    assert tree_hash(project) == before, "the checker changed files on disk"
    return result


def test_base_is_clean(tmp_path):
    project = overlay(GOLDEN / "base", GOLDEN / "checker" / "gaps", tmp_path / "p")
    for extra in ("records/feedback/FK-002.md", "records/problems/WT-002.md",
                  "records/problems/WT-003.md", "records/causes/YY-002.md", "records/measures/CS-003.md"):
        (project / extra).unlink()
    result = run_cli("check", "--strict", cwd=project, TAIZHANG_TODAY=TODAY)
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""


@pytest.mark.parametrize("case", CASES)
def test_golden(case, tmp_path):
    result = _run(case, tmp_path)
    expected_file = GOLDEN / "checker" / case / "expected.txt"
    stopped = result.returncode == 2      # a configuration error: nothing else is checked
    output = result.stderr if stopped else result.stdout
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(output, encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8")
    assert output == expected
    if expected.startswith("配置错误："):
        assert stopped and result.stdout == ""
        return
    has_errors = any(": 错误：" in line for line in expected.splitlines())
    assert result.returncode == (1 if has_errors else 0)


@pytest.mark.parametrize("case", ["gaps"])
def test_warnings_fail_only_with_strict(case, tmp_path):
    project = overlay(GOLDEN / "base", GOLDEN / "checker" / case, tmp_path / "p")
    assert run_cli("check", cwd=project, TAIZHANG_TODAY=TODAY).returncode == 0
    assert run_cli("check", "--strict", cwd=project, TAIZHANG_TODAY=TODAY).returncode == 1


def _rules():
    vocab = yaml.safe_load((REPO / "hooks" / "taizhang" / "vocabulary.yml").read_text(encoding="utf-8"))
    return sorted(vocab["rules"])


# Rules a golden fixture cannot trigger (the tests run as root, who reads
# every file), with the test that triggers them instead.
TESTED_ELSEWHERE = {"unreadable": ("test_hardening.py", "test_unreadable_folder_is_reported")}


@pytest.mark.parametrize("rule", _rules())
def test_every_rule_has_a_golden_case(rule):
    """A rule without a deliberately broken fixture is a rule nobody tested."""
    if rule in TESTED_ELSEWHERE:
        module, test = TESTED_ELSEWHERE[rule]
        text = (REPO / "tests" / module).read_text(encoding="utf-8")
        assert f"def {test}(" in text and f"({rule})" in text
        return
    outputs = "".join((GOLDEN / "checker" / c / "expected.txt").read_text(encoding="utf-8") for c in CASES)
    assert f"({rule})" in outputs


def test_messages_name_file_line_rule_and_fix(tmp_path):
    for case in CASES:
        for line in (GOLDEN / "checker" / case / "expected.txt").read_text(encoding="utf-8").splitlines():
            path, number, rest = line.removeprefix("配置错误：").split(":", 2)
            # A record file, a file under docs/ (a link there that no record names), or the configuration.
            assert (path.startswith("records/") and path.endswith(".md")) or path.startswith("docs/") \
                or path == "taizhang.yml", line
            assert int(number) >= 1
            assert " (" in rest and ") — " in rest
