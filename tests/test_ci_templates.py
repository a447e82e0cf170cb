"""The CI templates, run: every shell step of each template, in order, in a
fresh clone of a repository made from this working tree, with Debian's
system Python (/usr/bin/python3, PEP 668 "externally managed") first on the
PATH and no project virtual environment.

What a forge would provide is stubbed, nothing else: its variables and
`${{ }}` expressions, the checkout (a full-history `git clone`, branch
checked out), and its comment API (a local HTTP server that records the
comment the template posts). `uses:` steps other than checkout, setup-python
(left out: the worst case is the runner's own Python) and upload-artifact
fail the test, so a new action cannot slip in untested.

Each template installs the project from the package index once, in its own
clone and venv; the three runs go side by side, as three runners would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from conftest import REPO, tool_missing

TEMPLATES = REPO / ".ci" / "templates"
DEBIAN_PYTHON = Path("/usr/bin/python3")
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
TODAY = "2023-08-10"


def _require_debian_python() -> None:
    """/usr/bin/python3 exists, is Debian's, refuses pip (PEP 668) and can make venvs."""
    problem = None
    if not DEBIAN_PYTHON.is_file():
        problem = "no /usr/bin/python3 (apt-get install python3 python3-venv)"
    else:
        stdlib = subprocess.run([str(DEBIAN_PYTHON), "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
                                capture_output=True, text=True).stdout.strip()
        if not (Path(stdlib) / "EXTERNALLY-MANAGED").is_file():
            problem = f"{DEBIAN_PYTHON} is not an externally-managed (Debian) Python"
        elif subprocess.run([str(DEBIAN_PYTHON), "-c", "import ensurepip"], capture_output=True).returncode != 0:
            problem = "python3-venv is not installed (apt-get install python3-venv)"
    if problem:
        tool_missing(problem)


class _Forge(BaseHTTPRequestHandler):
    """The forge's comment API: records each POST, answers 201."""

    posts: list[tuple[str, dict, bytes]] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        _Forge.posts.append((self.path, dict(self.headers), body))
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def forge():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Forge)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _git(cwd: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="甲", GIT_AUTHOR_EMAIL="a@example.internal",
               GIT_COMMITTER_NAME="甲", GIT_COMMITTER_EMAIL="a@example.internal")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def origin(tmp_path_factory) -> Path:
    """A repository made from the working tree (tracked and new files, not ignored ones),
    with main and a pull-request branch that changes a status and adds a progress entry."""
    repo = tmp_path_factory.mktemp("forge") / "taizhang"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if (REPO / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, repo / name)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "台账")
    _git(repo, "switch", "-q", "-c", "pr")
    measure = repo / "records/measures/CS-006.md"
    text = measure.read_text(encoding="utf-8")
    text = text.replace("整改状态: 正在整改", "整改状态: 基本完成（持续整改）").replace(
        "    内容: XX服务和巡察事务中心机构设置方案已报区委编委会审议。\n",
        "    内容: XX服务和巡察事务中心机构设置方案已报区委编委会审议。\n  - 日期: 2023-08-10\n    内容: 中心挂牌运行。\n")
    measure.write_text(text, encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "CS-006 基本完成")
    _git(repo, "switch", "-q", "main")
    return repo


def _clone(origin: Path, dest: Path) -> Path:
    """What actions/checkout with fetch-depth 0 (or GIT_DEPTH 0) leaves: full history, the PR branch."""
    subprocess.run(["git", "clone", "-q", "--no-local", str(origin), str(dest)], check=True, capture_output=True)
    _git(dest, "checkout", "-q", "pr")
    return dest


def _base_env(work: Path) -> dict:
    """A runner's environment: system PATH (Debian's python3 first), no venv, the pip index settings."""
    env = {k: v for k, v in os.environ.items() if k.startswith("PIP_")}
    env.update(PATH=SYSTEM_PATH, HOME=os.environ.get("HOME", str(work)), LANG="C.UTF-8", CI="true",
               TAIZHANG_TODAY=TODAY, SOURCE_DATE_EPOCH="1691625600")
    return env


def _run_script(script: str, work: Path, env: dict, label: str, log: list) -> None:
    start = time.monotonic()
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=work, env=env,
                            capture_output=True, text=True, timeout=1500)
    log.append((label, round(time.monotonic() - start, 1)))
    assert result.returncode == 0, f"step “{label}” failed ({result.returncode}):\n{script}\n{result.stdout}\n{result.stderr}"


def _expressions(script: str, values: dict) -> str:
    def value(match):
        expression = match.group(1).strip()
        if expression not in values:
            pytest.fail(f"the template uses ${{{{ {expression} }}}}: stub it in this test")
        return values[expression]
    return re.sub(r"\$\{\{(.*?)\}\}", value, script)


def run_actions(template: str, work: Path, forge_url: str) -> dict:
    """GitHub Actions / Gitea Actions: one job's steps, as a pull_request event."""
    job = next(iter(yaml.safe_load((TEMPLATES / template).read_text(encoding="utf-8"))["jobs"].values()))
    summary = work.parent / "step-summary.md"
    env = _base_env(work) | {k: str(v) for k, v in (job.get("env") or {}).items()} | {
        "GITHUB_ACTIONS": "true", "GITEA_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_BASE_REF": "main", "GITHUB_HEAD_REF": "pr", "GITHUB_REPOSITORY": "zhenggai/taizhang",
        "GITHUB_API_URL": forge_url + "/api/v3", "GITHUB_SERVER_URL": forge_url,
        "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(work)}
    values = {"github.base_ref": "main", "github.event_name": "pull_request", "github.server_url": forge_url,
              "github.repository": "zhenggai/taizhang", "github.event.pull_request.number": "7",
              "github.token": "stub-token", "secrets.TAIZHANG_BOT_TOKEN": "stub-token"}
    conditions = {"github.event_name == 'pull_request'": True}
    log, artifacts = [], []
    for number, step in enumerate(job["steps"], 1):
        label = step.get("name") or step.get("uses") or f"第 {number} 步"
        if "if" in step:
            if step["if"] not in conditions:
                pytest.fail(f"{template}: unknown condition {step['if']!r}: stub it in this test")
            if not conditions[step["if"]]:
                continue
        if "uses" in step:
            action = step["uses"].split("@")[0]
            if action == "actions/checkout":
                assert str((step.get("with") or {}).get("fetch-depth")) == "0", "history must be complete"
            elif action == "actions/upload-artifact":
                artifacts.append(step["with"]["path"])
            elif action != "actions/setup-python":
                pytest.fail(f"{template}: action {action} is not exercised by this test")
            continue
        step_env = env | {k: str(v) for k, v in (step.get("env") or {}).items()}
        _run_script(_expressions(step["run"], values), work, step_env, label, log)
    return {"log": log, "artifacts": artifacts, "step_summary": summary}


def run_gitlab(template: str, work: Path, forge_url: str) -> dict:
    """GitLab CI: the job's script, one shell, as a merge-request pipeline."""
    jobs = yaml.safe_load((TEMPLATES / template).read_text(encoding="utf-8"))
    job = next(v for v in jobs.values() if isinstance(v, dict) and "script" in v)
    env = _base_env(work) | {k: str(v) for k, v in (job.get("variables") or {}).items()} | {
        "GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "7",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_DEFAULT_BRANCH": "main", "CI_COMMIT_REF_NAME": "pr",
        "CI_API_V4_URL": forge_url + "/api/v4", "CI_PROJECT_ID": "42", "CI_PROJECT_DIR": str(work),
        "TAIZHANG_BOT_TOKEN": "stub-token"}
    log = []
    for number, command in enumerate(job["script"], 1):
        _run_script(command, work, env, f"script[{number}]", log)
    return {"log": log, "artifacts": job.get("artifacts", {}).get("paths", []), "step_summary": None}


RUNNERS = {"gitea-actions.yml": run_actions, "github-actions.yml": run_actions, "gitlab-ci.yml": run_gitlab}


def test_every_template_is_exercised():
    assert sorted(p.name for p in TEMPLATES.glob("*.yml") if p.name != "pre-commit-config.yaml") == sorted(RUNNERS)


def test_the_old_install_line_fails_here_as_on_a_debian_runner(origin, tmp_path):
    """The harness is a Debian runner: `pip install` into the system Python is refused."""
    _require_debian_python()
    work = _clone(origin, tmp_path / "work")
    result = subprocess.run(["bash", "-c", "python3 -m pip install -e ."], cwd=work, env=_base_env(work),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and "externally-managed-environment" in result.stderr
    assert subprocess.run(["bash", "-c", "command -v python3"], env=_base_env(work), capture_output=True,
                          text=True).stdout.strip() in ("/usr/bin/python3", "/usr/local/bin/python3")


@pytest.fixture(scope="module")
def runs(origin, forge, tmp_path_factory) -> dict:
    """Every template run once, side by side (each in its own clone, venv and forge prefix):
    template -> (clone, result or the exception it raised, seconds)."""
    _require_debian_python()
    _Forge.posts.clear()

    def run(template):
        work = _clone(origin, tmp_path_factory.mktemp(template.split(".")[0]) / "work")
        assert not (work / ".venv").exists()
        start = time.monotonic()
        try:
            result = RUNNERS[template](template, work, f"{forge}/{template}")
        except BaseException as exc:  # noqa: BLE001 (pytest.fail is a BaseException; re-raised in the test)
            result = exc
        return work, result, time.monotonic() - start

    with ThreadPoolExecutor(max_workers=len(RUNNERS)) as pool:
        return dict(zip(sorted(RUNNERS), pool.map(run, sorted(RUNNERS))))


@pytest.mark.parametrize("template", sorted(RUNNERS))
def test_template_runs_on_a_debian_runner(template, runs):
    work, result, took = runs[template]
    if isinstance(result, BaseException):
        raise result
    print(f"\n{template}: {took:.0f} s — " + "; ".join(f"{label} {s} s" for label, s in result["log"]))

    assert (work / ".venv/bin/taizhang").is_file()          # installed into the template's own venv
    site = work / "site"
    assert (site / "index.html").is_file() and (site / "measures/CS-006/index.html").is_file()
    for artifact in result["artifacts"]:                     # what the template uploads was made
        assert (work / artifact).is_dir() and any((work / artifact).iterdir()), artifact

    # the summary was posted once, as the forge's API expects it
    posts = [p for p in _Forge.posts if p[0].startswith(f"/{template}/")]
    assert len(posts) == 1, posts
    path, headers, body = posts[0]
    path = path.removeprefix(f"/{template}")
    if template == "gitlab-ci.yml":
        assert path == "/api/v4/projects/42/merge_requests/7/notes"
        assert headers.get("PRIVATE-TOKEN") == "stub-token"
        comment = urllib.parse.parse_qs(body.decode())["body"][0]
    else:
        expected = "/api/v3/repos/zhenggai/taizhang/issues/7/comments" if template == "github-actions.yml" \
            else "/api/v1/repos/zhenggai/taizhang/issues/7/comments"
        assert path == expected
        assert "stub-token" in headers.get("Authorization", "")
        comment = json.loads(body)["body"]
    assert comment.startswith("## 台账变更摘要（origin/main → HEAD）")
    assert "| CS-006 | 坚持示范和监督并重 | 正在整改 | **基本完成（持续整改）** |" in comment
    assert "- CS-006 2023-08-10：中心挂牌运行。" in comment
    if template == "github-actions.yml":
        assert result["step_summary"].read_text(encoding="utf-8") == comment
