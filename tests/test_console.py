"""The console speaks Chinese from the first line to the last: `taizhang build`
and `taizhang serve` run the real MkDocs on a copy of the sample ledger and
every line they print is Chinese — no Material banner, no "INFO -", no
"Building documentation...", no "Aborted!" — while real warnings are kept."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from conftest import copy_project, env

# What a Chinese line may hold in Latin letters: paths and URLs (quoted or
# not), file names, command-line options (--dir), dates and times, numbers.
_ALLOWED = re.compile(r"https?://\S+|'[^']*'|\S*/\S*|\S+\.(?:md|yml|html)\b|(?<![\w-])--?[a-z][\w-]*")
_WORD = re.compile(r"[A-Za-z]{2,}")


def english_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and _WORD.search(_ALLOWED.sub(" ", line))]


def engine_env() -> dict:
    values = env()
    values.pop("NO_MKDOCS_2_WARNING")   # the command must silence Material's banner itself
    return values


def taizhang(*args, cwd) -> subprocess.Popen:
    # a session of its own: the signal sent to it below is what a terminal sends
    # on Ctrl-C (to the foreground process group), not to one process
    return subprocess.Popen([sys.executable, "-m", "taizhang", *args], cwd=cwd, env=engine_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(serve: subprocess.Popen):
    """The serve process; its whole group killed if the test leaves it running."""
    try:
        yield serve
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)


def ctrl_c(serve: subprocess.Popen, timeout: int = 60) -> str:
    """Ctrl-C in the terminal (SIGINT to the group): all it says until it ends."""
    os.killpg(serve.pid, signal.SIGINT)
    out, err = serve.communicate(timeout=timeout)
    return out + err


def test_the_checks_words_are_chinese():
    assert english_lines("[07:00:34] 监视这些路径的修改：'docs', 'mkdocs.yml', 'records'\n"
                         "网站已在 http://127.0.0.1:8741/ 提供浏览\n生成网站到目录：/tmp/x/site\n用 --dir、-f 指定") == []
    for english in ("INFO    -  清空网站目录", "Aborted!", "正在生成网站 Building", " │  Material for MkDocs"):
        assert english_lines(english) == [english]


def test_taizhang_build_speaks_chinese_from_first_line_to_last(tmp_path):
    root = copy_project(tmp_path / "ledger")
    done = subprocess.run([sys.executable, "-m", "taizhang", "build", "--strict"], cwd=root, env=engine_env(),
                          capture_output=True, text=True, timeout=600)
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    assert (root / "site" / "index.html").is_file()
    assert said.splitlines()[0] == "清空网站目录" and "网站生成完毕，用时" in said.splitlines()[-1]
    assert english_lines(said) == [], said
    for english in ("Material for MkDocs", "NO_MKDOCS_2_WARNING", "INFO", "Building prefix dict"):
        assert english not in said


def _fetch(serve, url: str, wanted: str) -> None:
    deadline = time.monotonic() + 300
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if wanted in answer.read().decode("utf-8"):
                    return
        except OSError:
            pass
        assert serve.poll() is None and time.monotonic() < deadline, serve.communicate()
        time.sleep(0.5)


def test_taizhang_serve_speaks_chinese_until_ctrl_c(tmp_path):
    """Start (--dirty, as README advises for big ledgers), fetch a page, edit a
    record and see it rebuilt, then Ctrl-C: every line Chinese."""
    root = copy_project(tmp_path / "ledger")
    port = free_port()
    with running(taizhang("serve", "--dirty", "-a", f"127.0.0.1:{port}", cwd=root)) as serve:
        _fetch(serve, f"http://127.0.0.1:{port}/lists/tasks/", "任务清单")
        record = root / "records" / "measures" / "CS-003.md"
        record.write_text(record.read_text(encoding="utf-8").replace("统筹兼顾", "统筹兼顾（已改）", 1), encoding="utf-8")
        _fetch(serve, f"http://127.0.0.1:{port}/measures/CS-003/", "统筹兼顾（已改）")
        said = ctrl_c(serve)
    lines = [line for line in said.splitlines() if line.strip()]
    assert serve.returncode == 0, said
    assert lines[0] == "正在生成网站……", said   # MkDocs' first line, logged before any hook runs
    assert any(re.fullmatch(rf"\[\d\d:\d\d:\d\d\] 网站已在 http://127\.0\.0\.1:{port}/ 提供浏览", line) for line in lines)
    assert lines[-1] == "正在停止……", said
    assert "发现文件有修改" in said and said.count("网站生成完毕") >= 2   # the edit was rebuilt, in Chinese too
    assert "只重新生成有改动的页面（--dirty）" in said                     # MkDocs' warning on --dirty, translated
    assert english_lines(said) == [], said
    assert "Traceback" not in said and "KeyboardInterrupt" not in said


def test_ctrl_c_during_the_first_build_says_aborted_in_chinese(tmp_path):
    root = copy_project(tmp_path / "ledger")
    with running(taizhang("serve", "-a", f"127.0.0.1:{free_port()}", cwd=root)) as serve:
        lines = []
        for line in serve.stderr:   # the build has begun: Ctrl-C now comes in the middle of it
            lines.append(line)
            if line.strip() == "清空网站目录":
                break
        said = "".join(lines) + ctrl_c(serve)
    assert serve.returncode == 1, said
    assert [line for line in said.splitlines() if line.strip()][-1] == "已中止。", said
    assert english_lines(said) == [], said


def test_a_real_warning_is_kept_behind_a_chinese_lead(tmp_path):
    """A warning MkDocs says in English is never dropped: its level becomes a
    Chinese lead, a known one is translated, others keep MkDocs' words behind
    a mark; strict mode's abort is said in Chinese."""
    root = copy_project(tmp_path / "ledger")
    (root / "docs" / "extra.md").write_text("# 附页\n\n[旧链接](old.md)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "taizhang", "build", "--strict"], cwd=root, env=engine_env(),
                          capture_output=True, text=True, timeout=600)
    lines = done.stderr.splitlines()
    assert done.returncode == 1
    assert "警告：extra.md 中的链接 old.md 指向的页面不存在。" in lines, done.stderr
    assert "这些页面在文档目录中，但不在导航配置中：" in lines and "  - extra.md" in lines
    assert lines[-1] == "严格模式下有 1 个警告，网站没有生成。"
    assert english_lines(done.stderr) == [], done.stderr


def test_an_unknown_english_line_is_kept_behind_a_mark_and_the_leak_warning_is_said():
    from taizhang.console import speak
    from taizhang.vocabulary import load_vocabulary
    vocab = load_vocabulary()
    assert speak("WARNING -  Config value 'x': unknown.\n", vocab) == "警告：（MkDocs 原文）Config value 'x': unknown."
    assert speak("ERROR   -  构建失败\n", vocab) == "错误：构建失败"
    # Python's own words when a process ends with a semaphore registered: made here for real
    leak = subprocess.run([sys.executable, "-c", "import multiprocessing as m, os\n"
                           "lock = m.get_context('spawn').Lock()\nos._exit(0)"],
                          capture_output=True, text=True, timeout=60, env=env())
    said = [speak(line, vocab) for line in leak.stderr.splitlines()]
    assert said == ["退出时清理了 1 个遗留的进程间锁，不影响网站。", None], leak.stderr


def test_a_missing_configuration_is_said_in_chinese(tmp_path):
    done = subprocess.run([sys.executable, "-m", "taizhang", "serve", "--dir", str(tmp_path)], cwd=tmp_path,
                          env=engine_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("找不到网站配置文件 ") and english_lines(done.stderr.replace(str(tmp_path), "")) == []


def test_the_overview_builds_in_chinese_too(tmp_path, sample_site):
    """`taizhang gather` writes a MkDocs project; `taizhang build --dir` builds
    it with the same Chinese console (jieba's English announcements silenced
    by the overview's own hook)."""
    from conftest import run_cli
    _, site = sample_site
    gathered = run_cli("gather", str(site), "-o", str(tmp_path / "overview"), "--today", "2023-08-10", cwd=tmp_path)
    assert gathered.returncode == 0, gathered.stderr
    assert "taizhang build --strict --dir" in gathered.stderr
    done = subprocess.run([sys.executable, "-m", "taizhang", "build", "--strict", "--dir", str(tmp_path / "overview")],
                          cwd=tmp_path, env=engine_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "overview" / "site" / "index.html").is_file()
    assert english_lines(done.stdout + done.stderr) == [], done.stderr


def test_a_port_already_taken_is_said_in_one_chinese_line_with_the_fix(tmp_path):
    """A second preview on a port in use: MkDocs ends with a 30-line English
    traceback (OSError: [Errno 98]); taizhang serve says what happened and
    what to do, in one line, and exits 1."""
    from conftest import GOLDEN
    root = copy_project(tmp_path / "ledger", GOLDEN / "base" / "records")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with running(taizhang("serve", "-a", f"127.0.0.1:{port}", cwd=root)) as serve:
            out, err = serve.communicate(timeout=300)
    said = out + err
    lines = [line for line in said.splitlines() if line.strip()]
    assert serve.returncode == 1, said
    assert lines[-1] == ("错误：预览网站的端口已被占用（可能另一个预览还在运行）：先停止它，或用 -a 换一个端口，"
                         "如 -a 127.0.0.1:8001。"), said
    assert "Traceback" not in said and "File " not in said and english_lines(said) == [], said


def test_any_other_traceback_is_relayed_whole():
    from taizhang.console import speak_traceback
    from taizhang.vocabulary import load_vocabulary
    lines = ["Traceback (most recent call last):\n", '  File "x.py", line 1, in <module>\n', "ValueError: odd\n"]
    assert speak_traceback(lines, load_vocabulary()) == [
        "（MkDocs 原文）Traceback (most recent call last):", '  File "x.py", line 1, in <module>',
        "（MkDocs 原文）ValueError: odd"]


def test_ctrl_c_stops_a_serve_started_with_the_signal_ignored(tmp_path):
    """Started as a background job or under nohup, a process begins with
    SIGINT ignored, and so would MkDocs under it: the relayed Ctrl-C must
    still stop it (the relay's handler is set before MkDocs starts)."""
    from conftest import GOLDEN
    root = copy_project(tmp_path / "ledger", GOLDEN / "base" / "records")
    port = free_port()
    serve = subprocess.Popen([sys.executable, "-m", "taizhang", "serve", "-a", f"127.0.0.1:{port}"], cwd=root,
                             env=engine_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    with running(serve):
        _fetch(serve, f"http://127.0.0.1:{port}/", "总览")
        said = ctrl_c(serve)
    assert serve.returncode == 0 and said.splitlines()[-1] == "正在停止……", said


def test_a_second_process_does_not_run_the_parents_main_module(tmp_path):
    """taizhang.spawn starts the search and download processes without running
    the parent's main module again (for a build, the `mkdocs` command: 70 ms of
    imports in each), and gives the parent its own main module back."""
    main = tmp_path / "parent_main.py"
    main.write_text("import sys\nsys.stderr.write('MAIN RAN\\n')\n"
                    "if __name__ == '__main__':\n"
                    "    import os\n"
                    "    from taizhang import spawn\n"
                    "    receive, send = spawn.CONTEXT.Pipe(duplex=False)\n"
                    "    child = spawn.start(os.write, (1, b'child ran\\n'), 'probe')\n"
                    "    child.join(30)\n"
                    "    print(sys.modules['__main__'].__file__ == __file__, child.exitcode)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(main)], capture_output=True, text=True, timeout=60, env=env(),
                          cwd=tmp_path)
    assert done.stdout.split("\n")[-2:] == ["True 0", ""] and "child ran" in done.stdout, done
    assert done.stderr.count("MAIN RAN") == 1, done.stderr   # the parent's, not the child's
