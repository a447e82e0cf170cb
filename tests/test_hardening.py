"""Hostile and careless input beyond records' fields: control characters,
symlinks, odd file names, folders that cannot be written, a hostile
taizhang.yml. Every case: a message naming file, line and fix, or a clean
refusal; never a traceback, never a file from outside the repository in
the site."""

from __future__ import annotations

import json
import re
import shutil
import zipfile

import pytest
from bs4 import BeautifulSoup

from conftest import GOLDEN, build, copy_project, run_cli, tree_hash

TODAY = "2023-08-10"


@pytest.fixture
def golden(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(GOLDEN / "base", root)
    return root


def check(root, *args):
    before = tree_hash(root)
    result = run_cli("check", *args, cwd=root, TAIZHANG_TODAY=TODAY)
    assert "Traceback" not in result.stderr, result.stderr
    assert tree_hash(root) == before, "check changed files"
    return result


# -- control characters ------------------------------------------------------

def _poison(root):
    """Control characters in a title (raw DEL), a progress text (YAML escape) and the body."""
    path = root / "records/measures/CS-003.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("标题: 统筹兼顾", "标题: 统筹\x7f兼顾")
    text = text.replace("内容: 结合选人用人专项检查反馈，制定“XX青年（英才）”政治素能测试方案。", '内容: "结合\\x01选人用人专项检查反馈"')
    path.write_text(text + "\n正文\x0b里\x1f有控制字符。\n", encoding="utf-8")
    return path


def test_control_characters_are_errors_at_their_line(tmp_path):
    root = copy_project(tmp_path / "p")
    path = _poison(root)
    result = check(root)
    assert result.returncode == 1
    lines = path.read_text(encoding="utf-8").split("\n")
    title_line = next(i for i, l in enumerate(lines, 1) if l.startswith("标题:"))
    body_line = next(i for i, l in enumerate(lines, 1) if "正文\x0b" in l)
    out = result.stdout
    assert f"records/measures/CS-003.md:{title_line}: 错误：第 7 列起有看不见的控制字符（U+007F）" in out
    assert f"records/measures/CS-003.md:{body_line}: 错误：第 3 列起有看不见的控制字符（U+000B、U+001F）" in out
    assert "(control-char) — 删除这些字符" in out
    assert out.count("(control-char)") == 3, out


def test_with_the_rule_off_build_and_every_export_still_succeed(tmp_path):
    root = copy_project(tmp_path / "p")
    _poison(root)
    (root / "taizhang.yml").write_text("rules:\n  control-char: off\n", encoding="utf-8")
    assert check(root).returncode == 0
    result = build(root)
    assert result.returncode == 0, result.stderr
    page = (root / "site/measures/CS-003/index.html").read_text(encoding="utf-8")
    assert "\x7f" not in page and "统筹兼顾" in BeautifulSoup(page, "html.parser").h1.get_text()
    for fmt in ("xlsx", "csv", "json", "docx"):
        out = tmp_path / f"out.{fmt}"
        exported = run_cli("export", "--format", fmt, "-o", str(out), cwd=root, TAIZHANG_TODAY=TODAY)
        assert exported.returncode == 0, exported.stderr
        data = out.read_bytes()
        if fmt in ("xlsx", "docx"):
            with zipfile.ZipFile(out) as z:
                data = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
        assert b"\x7f" not in data and b"\x01" not in data and b"\\u007f" not in data
    records = json.loads((root / "site/downloads/records.json").read_text(encoding="utf-8"))
    assert any(r.get("title") == "统筹兼顾" or r.get("标题") == "统筹兼顾" for r in records) or "统筹兼顾" in json.dumps(records, ensure_ascii=False)


def test_new_refuses_control_characters(tmp_path):
    root = copy_project(tmp_path / "p")
    before = tree_hash(root)
    result = run_cli("new", "cause", "--title", "原因\x7f", cwd=root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--title 中有看不见的控制字符" in result.stderr
    assert tree_hash(root) == before


# -- taizhang.yml ---------------------------------------------------------------

@pytest.mark.parametrize("config, expected", [
    ("rules: {unsafe-html: off}\n", None),                      # YAML boolean read as a level
    ("rules:\n  cause-unused: no\n", None),
    ("due_soon_days: abc\n", "taizhang.yml:1: “due_soon_days”应为不小于 0 的整数，实际写的是“abc”"),
    ("statuses:\n  in_progress: ~\n", "taizhang.yml:2: “statuses.in_progress”应为缩进的子项（映射），实际写的是空值"),
    ("rules:\n  control-char: maybe\n", "taizhang.yml:2: “rules.control-char”应为 error、warning、info 或 off 之一"),
    ("ledger_columns:\n  - {name: number, label: 序号}\n  - 3\n", "taizhang.yml:3: “ledger_columns.第2项”应为含"),
    ("x: !!python/name:os.system ls\n", "taizhang.yml:1: 配置 YAML 语法错误（第 4 列）：使用了不允许的 YAML 标签"),
    ("statuses: [\n", "taizhang.yml:2: 配置 YAML 语法错误"),
    ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
     "taizhang.yml:1: 配置使用了 YAML 锚点或别名"),
    ("rules:\n" + "".join(" " * (2 * i + 2) + f"k{i}:\n" for i in range(60)) + "\n",
     "taizhang.yml:34: 配置 YAML 语法错误（第 1 列）：嵌套超过 32 层"),
])
def test_taizhang_yml_is_loaded_like_a_record(golden, config, expected):
    (golden / "taizhang.yml").write_text(config, encoding="utf-8")
    result = run_cli("check", cwd=golden, TAIZHANG_TODAY=TODAY)
    assert "Traceback" not in result.stderr, result.stderr
    if expected is None:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == 2 and expected in result.stderr, result.stderr


def test_rule_turned_off_by_a_yaml_boolean_is_off(golden):
    (golden / "records/causes/YY-002.md").write_text(
        "---\n编号: YY-002\n类别: 原因剖析\n标题: 无人引用\n轮次: LC-001\n---\n", encoding="utf-8")
    assert "(cause-unused)" in run_cli("check", cwd=golden, TAIZHANG_TODAY=TODAY).stdout
    (golden / "taizhang.yml").write_text("rules:\n  cause-unused: off\n", encoding="utf-8")
    assert "(cause-unused)" not in run_cli("check", cwd=golden, TAIZHANG_TODAY=TODAY).stdout


# -- symlinks, unreadable and unwritable folders ------------------------------

def _site_text(site) -> str:
    """Every byte the built site holds, as text (search index and downloads included)."""
    parts = []
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix in (".xlsx", ".docx"):
                with zipfile.ZipFile(path) as z:
                    data = b"".join(z.read(n) for n in z.namelist())
            parts.append(data.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def test_symlinks_never_publish_files_from_outside(tmp_path):
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    secret = "绝密外部内容-7f3a"
    (outside / "secret.txt").write_text(secret, encoding="utf-8")
    (outside / "folder" / "secret2.txt").write_text(secret, encoding="utf-8")
    (outside / "YY-099.md").write_text(
        "---\n编号: YY-099\n类别: 原因剖析\n标题: " + secret + "\n轮次: LC-001\n---\n" + secret + "\n", encoding="utf-8")
    root = copy_project(tmp_path / "p")
    (root / "records/causes/YY-099.md").symlink_to(outside / "YY-099.md")
    (root / "records/linked").symlink_to(outside)
    (root / "docs/evidence/secret.txt").symlink_to(outside / "secret.txt")
    (root / "docs/evidence/folder").symlink_to(outside / "folder")
    result = check(root)
    assert result.returncode == 1
    assert "records/causes/YY-099.md:1: 错误：记录文件是符号链接" in result.stdout
    assert "records/linked:1: 错误：记录文件是符号链接" in result.stdout
    # Links under docs/ that no record names are reported too, before any build.
    assert "docs/evidence/secret.txt:1: 错误：docs/ 下的这个文件或文件夹是指向仓库之外" in result.stdout
    assert "docs/evidence/folder:1: 错误：" in result.stdout and "(docs-symlink)" in result.stdout
    loose = build(root)  # strict: the checker's errors stop it
    assert loose.returncode != 0 and "(record-symlink)" in loose.stderr
    import subprocess
    import sys
    from conftest import env
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", "site"], cwd=root, env=env(),
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    assert "docs/evidence/secret.txt 是指向仓库之外" in built.stderr
    assert "docs/evidence/folder/secret2.txt 是指向仓库之外" in built.stderr
    site = root / "site"
    assert not (site / "evidence/secret.txt").exists() and not (site / "evidence/folder").exists()
    assert (site / "evidence").is_dir()  # the real evidence files are still there
    assert secret not in _site_text(site)


def test_dangling_and_looping_links_in_docs_are_named_not_tracebacks(tmp_path):
    """A link to nothing, a link to itself and folder links to their own or an enclosing folder:
    check names each (docs-symlink-broken); the build leaves a broken file link out with one line,
    and stops at once, naming them, at a looping folder link (MkDocs would walk it 2**40 times)."""
    import subprocess
    import sys
    from conftest import env
    root = copy_project(tmp_path / "p")
    (root / "docs/evidence/dangling.pdf").symlink_to("gone.pdf")
    (root / "docs/evidence/self.txt").symlink_to("self.txt")
    (root / "docs/evidence/again").symlink_to(".")
    (root / "docs/evidence/up").symlink_to("..")
    result = check(root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for name in ("dangling.pdf", "self.txt", "again", "up"):
        assert f"docs/evidence/{name}:1: 错误：docs/ 下的这个符号链接" in result.stdout, result.stdout
    assert result.stdout.count("(docs-symlink-broken)") == 4

    def loose_build():
        return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", "site"], cwd=root, env=env(),
                              capture_output=True, text=True, timeout=240)

    stopped = loose_build()
    assert stopped.returncode != 0 and "Traceback" not in stopped.stderr, stopped.stderr[-3000:]
    assert "docs/evidence/again 是形成循环" in stopped.stderr and "docs/evidence/up 是形成循环" in stopped.stderr
    (root / "docs/evidence/again").unlink()
    (root / "docs/evidence/up").unlink()
    built = loose_build()
    assert built.returncode == 0, built.stderr[-3000:]
    assert "Traceback" not in built.stderr
    for name in ("dangling.pdf", "self.txt"):
        assert built.stderr.count(f"docs/evidence/{name} 是") == 1, built.stderr[-3000:]
    site = root / "site"
    assert not (site / "evidence/dangling.pdf").exists() and (site / "index.html").is_file()


def test_upper_case_extensions_are_records(tmp_path):
    root = copy_project(tmp_path / "p")
    path = root / "records/measures/CS-003.md"
    path.rename(path.with_name("CS-003.MD"))
    (root / "records/causes/YY-001.md").rename(root / "records/causes/YY-001.Md")
    result = check(root)
    assert result.returncode == 0 and result.stdout == "", result.stdout
    assert build(root).returncode == 0
    assert (root / "site/measures/CS-003/index.html").is_file()
    assert (root / "site/causes/YY-001/index.html").is_file()


def test_hidden_folders_and_temp_files_are_never_read(tmp_path):
    root = copy_project(tmp_path / "p")
    broken = "---\n编号: [\n---\n"
    (root / "records/.staging").mkdir()
    (root / "records/.staging/CS-500.md").write_text(broken, encoding="utf-8")
    (root / "records/measures/.taizhang-abc123.tmp").write_text(broken, encoding="utf-8")
    (root / "records/measures/.CS-003.md.swp").write_text(broken, encoding="utf-8")
    (root / "records/measures/CS-003.md~").write_text(broken, encoding="utf-8")
    result = check(root)
    assert result.returncode == 0 and result.stdout == "", result.stdout


def _as_other_user(command, cwd):
    """Run as nobody when we are root (root reads and writes everything)."""
    import os
    import subprocess
    from conftest import env
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + command, cwd=cwd, env=env(HOME=str(cwd)), capture_output=True, text=True, timeout=300)


@pytest.fixture
def open_tmp():
    """A folder everyone may enter (pytest's tmp_path is private to root)."""
    import os
    import tempfile
    folder = tempfile.mkdtemp(prefix="taizhang-perm-")
    os.chmod(folder, 0o755)
    from pathlib import Path
    yield Path(folder)
    for path in Path(folder).rglob("*"):
        if path.is_dir() and not path.is_symlink():
            os.chmod(path, 0o755)
    shutil.rmtree(folder)


def _open_project(open_tmp):
    import os
    import sys
    root = open_tmp / "p"
    shutil.copytree(GOLDEN / "base", root)
    for path in [root, *root.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return root, [sys.executable, "-m", "taizhang"]


def test_unreadable_folder_is_reported(open_tmp):
    import os
    root, cli = _open_project(open_tmp)
    os.chmod(root / "records/causes", 0o000)
    result = _as_other_user(cli + ["check"], root)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    assert "records/causes:1: 错误：无法读取（Permission denied） (unreadable)" in result.stdout, result.stdout


def test_new_into_a_read_only_folder_says_so(open_tmp):
    import os
    root, cli = _open_project(open_tmp)
    os.chmod(root / "records/causes", 0o555)
    before = tree_hash(root)
    result = _as_other_user(cli + ["new", "cause", "--title", "新原因", "--round", "LC-001"], root)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2 and "没有新建记录：无法写入 records/causes/YY-002.md" in result.stderr, result.stderr
    assert tree_hash(root) == before


def test_new_where_a_kind_folder_is_a_file(golden):
    shutil.rmtree(golden / "records/causes")
    (golden / "records/causes").write_text("不是文件夹", encoding="utf-8")
    result = run_cli("new", "cause", "--title", "新原因", "--round", "LC-001", cwd=golden)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2 and "没有新建记录：无法写入 records/causes/YY-001.md" in result.stderr, result.stderr


# -- archive: ids and titles that look like options ---------------------------

def test_archive_with_an_empty_id_or_a_title_starting_with_a_dash(tmp_path):
    import subprocess
    from test_git_workflow import git, init_repo
    repo = init_repo(tmp_path / "repo")
    for bad in ("", "  ", "LC-999", "WT-001"):
        result = run_cli("archive", bad, cwd=repo)
        assert "Traceback" not in result.stderr, result.stderr
        expected = f"没有编号为 {bad} 的巡视轮次" if bad.strip() else "没有归档：没有给出轮次编号"
        assert result.returncode in (1, 2) and expected in result.stderr, result.stderr
    rnd = repo / "records/rounds/LC-001.md"
    rnd.write_text(rnd.read_text(encoding="utf-8").replace("标题: 十一届省委第三轮巡视", "标题: '-h 十一届'"),
                   encoding="utf-8")
    git(repo, "commit", "-qam", "标题以短横线开头")
    result = run_cli("archive", "LC-001", cwd=repo)
    assert result.returncode == 0, result.stderr
    versions = subprocess.run(["git", "show", "gh-pages:versions.json"], cwd=repo, capture_output=True, text=True)
    assert json.loads(versions.stdout)[0]["title"] == "-h 十一届"


@pytest.mark.parametrize("depth", [40, 960, 999, 5000])
def test_deeply_nested_yaml_is_a_message_not_a_traceback(golden, depth):
    (golden / "records/causes/YY-002.md").write_text(
        "---\n编号: YY-002\n类别: 原因剖析\n标题: " + "[" * depth + "]" * depth + "\n轮次: LC-001\n---\n", encoding="utf-8")
    result = check(golden)
    assert result.returncode == 1
    assert "records/causes/YY-002.md:4: 错误：字段区 YAML 语法错误" in result.stdout, result.stdout
    assert ("嵌套超过 32 层" in result.stdout) or ("嵌套层数太多" in result.stdout), result.stdout


def test_due_markdown_escapes_units_and_titles(tmp_path):
    import markdown
    root = copy_project(tmp_path / "p")
    path = root / "records/measures/CS-003.md"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"责任单位:(\n  - .*)+|责任单位: .*", "责任单位:\n  - '<img src=x onerror=alert(1)>'\n  - '# [点我](javascript:alert(2))'",
                   text, count=1)
    text = text.replace("标题: 统筹兼顾", "标题: '**粗**<script>alert(3)</script>|列'")
    path.write_text(text, encoding="utf-8")
    result = run_cli("due", "--format", "markdown", "--days", "30", "--today", TODAY, cwd=root)
    assert result.returncode == 0, result.stderr
    doc = BeautifulSoup(markdown.markdown(result.stdout, extensions=["tables"]), "html.parser")
    assert not doc.find_all(["img", "script", "a", "strong"]), result.stdout
    # "<" carries an invisible word joiner (markup.inert): read as a person reads it
    headings = [h.get_text().replace("\u2060", "") for h in doc.find_all("h3")]
    assert any(h.startswith("<img src=x onerror=alert(1)>（") for h in headings), headings
    assert any(h.startswith("# [点我](javascript:alert(2))（") for h in headings), headings
    assert any("**粗**<script>alert(3)</script>|列" in td.get_text() for td in doc.find_all("td"))


def test_serve_keeps_serving_a_record_with_control_characters(tmp_path):
    import urllib.request
    from test_serve import _wait_for, serving
    root = copy_project(tmp_path / "p")
    with serving(root) as base:
        page = f"{base}/measures/CS-003/"
        _wait_for(page, "统筹兼顾")
        _poison(root)
        served = _wait_for(page, "正文里有控制字符", 90)   # the body with its control characters left out
        assert "\x7f" not in served and "\x0b" not in served
        for path in ("lists/tasks/", "report/"):
            assert "统筹兼顾" in _wait_for(f"{base}/{path}", "统筹兼顾")
        with urllib.request.urlopen(f"{base}/downloads/taizhang.xlsx", timeout=10) as response:
            assert response.status == 200 and response.read(2) == b"PK"


def test_a_full_disk_is_one_chinese_line_and_nothing_is_left(tmp_path):
    """Writing stops (a file-size limit stands in for a full disk: RLIMIT_FSIZE makes
    write() fail with EFBIG, as ENOSPC would): `mkdocs build -d` and `taizhang gather -o`
    say which file could not be written, in one line, without a traceback; gather leaves
    no output folder behind."""
    import resource
    import signal
    import subprocess
    import sys

    from conftest import env
    from test_gather import TODAY, make_unit_c

    def limit(size):
        def small_files():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)      # write() fails instead of the process dying
            resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        return small_files

    root = copy_project(tmp_path / "p")
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", "site"], cwd=root, env=env(),
                           capture_output=True, text=True, timeout=600, preexec_fn=limit(150 * 1024))
    said = built.stdout + built.stderr         # MkDocs prints its Abort message on standard output
    assert built.returncode == 1 and "Traceback" not in said, said[-3000:]
    assert "构建失败：无法写入" in said and "文件超过允许的大小" in said, said[-3000:]
    make_unit_c(tmp_path)
    command = [sys.executable, "-m", "taizhang", "gather", "c-clone", "-o", "overview", "--today", TODAY]
    gathered = subprocess.run(command, cwd=tmp_path, env=env(), capture_output=True, text=True, timeout=600,
                              preexec_fn=limit(8 * 1024))
    assert gathered.returncode != 0 and "Traceback" not in gathered.stderr, gathered.stderr[-3000:]
    assert "无法写入" in gathered.stderr and len(gathered.stderr.strip().splitlines()) == 1, gathered.stderr
    assert not (tmp_path / "overview").exists()
