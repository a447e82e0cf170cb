#!/usr/bin/env python3
"""Benchmark: taizhang's build against plain MkDocs on the same pages.

Generates a synthetic ledger of N records (Chinese text of 1–2 KB built
from the seed's sentences, links, progress entries), then, alternating in
one run, times
  (a) plain MkDocs + Material (same theme, extensions, search with jieba)
      building the very pages taizhang generates for these records, written
      out as Markdown files, with no taizhang hook: what MkDocs itself costs;
  (b) the taizhang build of the same records (hook: load, check, link,
      history, render, exports);
  (c) for reference, plain MkDocs on the raw record files as pages;
and also `taizhang check` alone and the raw front-matter parse of the same
files with python-frontmatter. Prints medians and peak memory; the last
line is `ratio=<b/a>`, the hook's overhead over MkDocs on the same pages;
`ratio_raw=<b/c>` is on a line of its own before it: what taizhang costs
over plain MkDocs on the raw record files (issue #19's target, ≤ 1.25).

`cpu=` is the CPU seconds of each run, every process counted (the build,
its search worker and its download process: getrusage of the waited child):
on a busy machine it is steadier than wall time. (b) and (c) also run pinned
to one core (as `taskset -c 0`). Issue #32's figures are printed on lines of
their own before `ratio_raw=`: `cpu_ratio_raw=` (CPU b/c) and
`one_core_ratio_raw=` (one-core wall b/c). `peak_tree=` is the peak memory
of the build and its helper processes together, sampled from /proc; `peak_one_core b/c=` compares
the one-core builds. (b) is one process, a one-off build's default; `b_two_processes` is
the same build with TAIZHANG_PROCESSES=2 (search index and downloads in processes of
their own beside the pages), on a line of its own with `two_processes b/c=`.
`--profile` adds a cProfile breakdown (CPU seconds) of one build of (b),
one of (c) (each pinned to one core, so search and downloads run in the
build process and show), a serve-like rebuild of (b) after a one-record edit, and the
export process.

    python bench/build.py --records 1000 [--repeat 3] [--keep DIR] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "tests" / "fixtures" / "seed.txt"

# Runs a command in-process and reports its own peak memory on stderr.
MEASURE = r"""
import resource, runpy, sys
kind = sys.argv[1]
sys.argv = sys.argv[2:]
try:
    if kind == "module":
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
    else:
        exec(compile(open(sys.argv[0]).read(), sys.argv[0], "exec"), {"__name__": "__main__"})
except SystemExit as exc:
    code = exc.code
else:
    code = 0
own = resource.getrusage(resource.RUSAGE_SELF)
print(f"@@maxrss_kb={own.ru_maxrss}", file=sys.stderr)
sys.exit(code or 0)
"""

PARSE = r"""
import sys, frontmatter
from pathlib import Path
for path in sorted(Path(sys.argv[1]).rglob("*.md")):
    frontmatter.load(path)
"""


def sentences() -> list[str]:
    text = SEED.read_text(encoding="utf-8").replace("##paidbegin##", "").replace("##paidend##", "")
    return [s + "。" for s in re.split(r"。", text) if len(s) > 12]


def body(rng: random.Random, pool: list[str]) -> str:
    parts, size = [], 0
    target = rng.randint(1024, 2048)
    while size < target:
        sentence = rng.choice(pool)
        parts.append(sentence)
        size += len(sentence.encode("utf-8"))
        if rng.random() < 0.25:
            parts.append("\n\n")
    return "".join(parts).strip()


def generate(records: Path, n: int, seed: int = 20231016) -> None:
    rng = random.Random(seed)
    pool = sentences()
    counts = {"feedback": max(1, n * 2 // 10), "problem": max(1, n * 3 // 10), "cause": max(1, n // 10)}
    counts["measure"] = max(1, n - 1 - sum(counts.values()))
    areas = {o: f"第{o}方面的问题" for o in "一二三四五"}
    units = [f"第{i}责任单位" for i in range(1, 41)]
    leaders = [f"分管领导{i}" for i in range(1, 13)]

    def write(folder, rid, lines, text):
        (records / folder).mkdir(parents=True, exist_ok=True)
        (records / folder / f"{rid}.md").write_text("---\n" + "\n".join(lines) + "\n---\n\n" + text + "\n",
                                                    encoding="utf-8")

    write("rounds", "LC-001", ["编号: LC-001", "类别: 巡视轮次", "标题: 基准测试巡视", "巡视组: 省委第一巡视组",
                               "被巡视单位: 测试单位", "反馈日期: 2023-06-01", "整改时限: 2023-08-01", "整改阶段: 集中整改",
                               "整改方面:"] + [f"  {k}: {v}" for k, v in areas.items()] + ["统计日期: 2023-08-10"], body(rng, pool))
    ordinals = list(areas)
    for i in range(1, counts["feedback"] + 1):
        quote = rng.choice(pool).rstrip("。")
        write("feedback", f"FK-{i:03d}", [f"编号: FK-{i:03d}", "类别: 反馈问题", f"标题: 反馈{i}", "轮次: LC-001",
                                          f"方面: {ordinals[i % 5]}", f"反馈原文: {json.dumps(quote, ensure_ascii=False)}"], body(rng, pool))
    for i in range(1, counts["cause"] + 1):
        write("causes", f"YY-{i:03d}", [f"编号: YY-{i:03d}", "类别: 原因剖析", f"标题: 原因{i}", "轮次: LC-001"], body(rng, pool))
    for i in range(1, counts["problem"] + 1):
        feedback = sorted({rng.randint(1, counts["feedback"]) for _ in range(2)})
        if i <= counts["feedback"]:
            feedback = sorted(set(feedback) | {i})
        cause = (i - 1) % counts["cause"] + 1
        write("problems", f"WT-{i:03d}", [f"编号: WT-{i:03d}", "类别: 查摆问题", f"标题: 问题{i}", "轮次: LC-001",
                                          f"方面: {ordinals[i % 5]}", "对应反馈:", *[f"  - FK-{f:03d}" for f in feedback],
                                          "问题原因:", f"  - YY-{cause:03d}"], body(rng, pool))
    statuses = ["未启动", "正在整改", "正在整改", "基本完成（持续整改）", "已完成", "已销号"]
    for i in range(1, counts["measure"] + 1):
        problem = (i - 1) % counts["problem"] + 1
        status = rng.choice(statuses)
        month, day = rng.randint(7, 12), rng.randint(1, 28)
        lines = [f"编号: CS-{i:03d}", "类别: 整改措施", f"标题: 措施{i}", "轮次: LC-001", "整改问题:", f"  - WT-{problem:03d}",
                 f"责任领导: {rng.choice(leaders)}", f"责任单位: {rng.choice(units)}", f"责任人: 责任人{i % 97}",
                 "整改类型: 限期整改", f"整改时限: 2023-{month:02d}-{day:02d}", f"整改状态: {status}", "整改进展:"]
        for k in range(rng.randint(1, 4)):
            lines += [f"  - 日期: 2023-07-{k + 1:02d}", f"    内容: {json.dumps(rng.choice(pool), ensure_ascii=False)}"]
        if status in ("已完成", "已销号"):
            lines += ["完成日期: 2023-08-01", "佐证材料:", "  - 会议纪要"]
        if status == "已销号":
            lines += ["销号人: 整改办", "销号日期: 2023-08-05"]
        write("measures", f"CS-{i:03d}", lines, body(rng, pool))


DUMP_PAGES = r"""
import sys
from pathlib import Path
from taizhang.project import analyse
from taizhang.render.site import render_site
project, docs = Path(sys.argv[1]), Path(sys.argv[2])
for uri, text in render_site(analyse(project)).pages.items():
    path = docs / uri
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
"""

RAW_CONFIG = """site_name: plain
theme:
  name: material
  language: zh
  font: false
plugins:
  - search:
      lang: zh
nav:
  - 首页: index.md
"""


def prepare(work: Path, n: int, pages: bool = True) -> tuple[Path, Path, Path]:
    project = work / "taizhang"
    for name in ("mkdocs.yml", "hooks", "docs"):
        source = REPO / name
        (shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__", "evidence"))
         if source.is_dir() else (project.mkdir(parents=True, exist_ok=True), shutil.copy2(source, project / name)))
    generate(project / "records", n)
    same, raw = work / "same-pages", work / "raw-records"
    if not pages:
        return project, same, raw
    shutil.copytree(project / "docs", same / "docs")
    subprocess.run([sys.executable, "-c", DUMP_PAGES, str(project), str(same / "docs")], check=True)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"hooks:\n  - hooks/taizhang_hook.py\n", "", config).replace("custom_dir: hooks/theme", "custom_dir: theme")
    # Without the hook, Material's own navigation (the override calls the hook's cached render).
    shutil.copytree(project / "hooks" / "theme", same / "theme", ignore=shutil.ignore_patterns("nav.html"))
    (same / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(project / "records", raw / "docs")
    (raw / "docs" / "index.md").write_text("# 首页\n", encoding="utf-8")
    (raw / "mkdocs.yml").write_text(RAW_CONFIG, encoding="utf-8")
    return project, same, raw

# Runs one build (or the export child's work) under cProfile and dumps the stats.
PROFILE = r"""
import cProfile, runpy, sys, time
out, kind = sys.argv[1], sys.argv[2]
sys.argv = sys.argv[3:]
profiler = cProfile.Profile(time.process_time)   # CPU seconds: other tasks on the machine do not count
if kind == "rebuild":   # as `mkdocs serve` does after an edit: same process, config loaded again
    from pathlib import Path
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    site, edited = sys.argv[-1], Path(sys.argv[-2])
    build(load_config("mkdocs.yml", site_dir=site), serve_url="http://127.0.0.1:8000/")
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一句进展说明。\n", encoding="utf-8")
    config = load_config("mkdocs.yml", site_dir=site)
    config.site_url = "http://127.0.0.1:8000/"
    profiler.enable()
    build(config, serve_url="http://127.0.0.1:8000/")
    profiler.disable()
    profiler.dump_stats(out)
    sys.exit(0)
profiler.enable()
try:
    if kind == "exports":   # what the download process does beside the build (export/background.py)
        sys.path.insert(0, "hooks")
        from pathlib import Path
        from taizhang.export import background
        from taizhang.project import analyse
        import tempfile
        ledger = analyse(Path(".")).ledger
        ledger.work_out_figures()                   # as start_downloads does before sending it
        pickled = background.ledger_bytes(ledger)   # as the build sends it (background.SEND_LEDGER)

        class Pipe:   # the child's end of the pipe: what it sends back is checked, then dropped
            def send_bytes(self, data):
                import pickle
                status, payload = pickle.loads(data)
                if status != "ok":
                    raise RuntimeError(f"the export process failed: {payload}")

            def close(self):
                pass

        # The files go into a temporary folder, as the build's child writes them (background.VIA_FILES).
        with tempfile.TemporaryDirectory() as folder:
            background._run(["ledger", pickled], Pipe(), folder if background.VIA_FILES else None)
    else:
        runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    if exc.code:
        raise
profiler.disable()
profiler.dump_stats(out)
"""

# Cumulative seconds of these functions, matched by (path suffix, name). They do
# not nest in one another (except where a row says "of which"), so the build's
# total minus their sum is MkDocs' own remaining work (files, nav, copying, I/O).
PROFILE_ROWS = [
    ("total (mkdocs build)", "mkdocs/commands/build.py", "build"),
    ("Markdown (markdown.convert)", "markdown/core.py", "convert"),
    ("Jinja (template.render)", "jinja2/environment.py", "render"),
    ("search: page entries", "material/plugins/search/plugin.py", "on_page_context"),
    ("  of which jieba", "material/plugins/search/plugin.py", "_segment_chinese"),
    ("search: write index", "material/plugins/search/plugin.py", "on_post_build"),
    ("hook on_config (read, check, link, history)", "taizhang_hook.py", "on_config"),
    ("  of which analyse", "taizhang/project.py", "analyse"),
    ("  of which Git history", "taizhang/history.py", "read_history"),
    ("hook on_files (generate pages)", "taizhang_hook.py", "on_files"),
    ("hook on_page_markdown + on_page_content", "taizhang_hook.py", ("on_page_markdown", "on_page_content")),
    ("  of which search index (taizhang_search)", "taizhang_search.py", "add_entry_from_context"),
    ("    of which HTML (taizhang.htmlfeed)", "taizhang/htmlfeed.py", "feed"),
    ("    of which jieba (taizhang.segment)", "taizhang/segment.py", "cut"),
    ("hook on_post_build (downloads, write)", "taizhang_hook.py", "on_post_build"),
]
EXPORT_ROWS = [
    ("total (export process)", "taizhang/export/background.py", "_run"),
    ("  the build's ledger, unpickled", "taizhang/export/background.py", "_ledger"),
    ("  xlsx/docx/csv/json", "taizhang/export/files.py", "build_downloads"),
]


def profile_run(kind: str, cwd: Path, out: Path, site: Path, edited: Path | None = None) -> dict:
    import pstats
    # Pinned to one core (as `taskset -c 0`): the build then indexes search and makes the downloads in
    # its own process (no second processes on one core), so their rows are seen in this profile.
    env = {"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "PYTHONHASHSEED": "0"}
    command = {"exports": [], "build": ["build", "-q", "-d", str(site)], "rebuild": [str(edited), str(site)]}[kind]
    pin = lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # noqa: E731
    result = subprocess.run([sys.executable, "-c", PROFILE, str(out), kind, "mkdocs", *command], cwd=cwd, env=env,
                            preexec_fn=pin,
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: profiling {kind} in {cwd}\n{result.stderr[-3000:]}")
    return pstats.Stats(str(out)).stats


def cumulative(stats: dict, path: str, names) -> float:
    names = (names,) if isinstance(names, str) else names
    return sum(ct for (file, _, name), (_, _, _, ct, _) in stats.items()
               if name in names and file.replace("\\", "/").endswith(path))


def print_profile(work: Path, project: Path, raw: Path) -> None:
    """Grouped cumulative times of one profiled build of (b) and of (c), and of the export process."""
    built = {name: profile_run("build", cwd, work / f"{name}.prof", work / f"site-{name}")
             for name, cwd in (("b_taizhang", project), ("c_raw_records", raw))}
    # The serve rebuild after a one-record edit (b_rebuild), profiled in the process that built once already.
    edited = project / "records" / "measures" / "CS-001.md"
    original = edited.read_bytes()
    try:
        built["b_rebuild"] = profile_run("rebuild", project, work / "rebuild.prof", work / "site-rebuild", edited)
    finally:
        edited.write_bytes(original)
    exports = profile_run("exports", project, work / "exports.prof", work / "unused")
    print("profile (cProfile, one build each on one core, cumulative CPU seconds; profiling slows Python code 3-5x)")
    print(f"{'':46} {'b_taizhang':>11} {'c_raw':>8} {'b_rebuild':>10}")
    rows = [(label, [cumulative(stats, path, names) for stats in built.values()]) for label, path, names in PROFILE_ROWS]
    for label, values in rows:
        print(f"  {label:44} " + " ".join(f"{v:{w}.2f}s" for v, w in zip(values, (10, 7, 9))))
    parts = [values for label, values in rows[1:] if not label.startswith("  ")]
    rest = [total - sum(v[i] for v in parts) for i, total in enumerate(rows[0][1])]
    print(f"  {'MkDocs itself (rest: files, nav, pages, I/O)':44} "
          + " ".join(f"{v:{w}.2f}s" for v, w in zip(rest, (10, 7, 9))))
    print("exports, in the second process (run alone here):")
    for label, path, names in EXPORT_ROWS:
        print(f"  {label:44} {cumulative(exports, path, names):10.2f}s")


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (kB), from /proc."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as f:
                    todo += [int(child) for child in f.read().split()]
        except (OSError, ValueError):
            continue   # ended meanwhile
    return total


def run(command: list[str], cwd: Path, one_core: bool = False,
        processes: int | None = None) -> tuple[float, int, float, int]:
    """Wall seconds, peak RSS of the measured process (kB), CPU seconds of it and of
    every process under it (getrusage of the waited child: the search worker and the
    download process included), and the peak RSS of the whole process tree (kB,
    sampled every 20 ms). one_core: pinned to CPU 0, children too (as `taskset -c 0`).
    processes: TAIZHANG_PROCESSES for the build (None: unset, the default)."""
    env = {"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "PYTHONHASHSEED": "0",
           **({"TAIZHANG_PROCESSES": str(processes)} if processes else {})}
    pin = (lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})) if one_core else None
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", MEASURE, *command], cwd=cwd, env=env,
                                   stdout=subprocess.DEVNULL, stderr=err, preexec_fn=pin)
        peak_tree, done = 0, threading.Event()

        def sample() -> None:
            nonlocal peak_tree
            while not done.wait(0.02):
                peak_tree = max(peak_tree, _tree_rss_kb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if process.returncode != 0:
        sys.exit(f"failed: {' '.join(command)} in {cwd}\n{stderr[-3000:]}")
    rss = int(re.search(r"@@maxrss_kb=(\d+)", stderr).group(1))
    return elapsed, rss, usage.ru_utime + usage.ru_stime, max(peak_tree, rss)


def serve_rebuild(cwd: Path, edited: Path, port: int, dirty: bool = False) -> tuple[float, float]:
    """After one record file changes under `mkdocs serve [--dirty]`: seconds from
    saving the file to the rebuilt page being served (polled over HTTP), and the
    seconds MkDocs reports for the rebuild."""
    import urllib.request
    env = {"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(Path.home())}
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}",
                               *(["--dirty"] if dirty else [])], cwd=cwd, env=env,
                              stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    built = re.compile(r"Documentation built in ([\d.]+) seconds")
    page = f"http://127.0.0.1:{port}/measures/{edited.stem}/"
    marker = "改过的标题"
    try:
        for line in server.stderr:
            if built.search(line):
                break
        time.sleep(1.0)  # let the watcher settle before the edit
        original = edited.read_text(encoding="utf-8")
        # The record's title (taizhang) or the page's heading (plain MkDocs on the same pages).
        changed = (original.replace("标题: ", f"标题: {marker}", 1) if "标题: " in original
                   else re.sub(r"^# (\S+) ", lambda m: f"# {m.group(1)} {marker}", original, count=1, flags=re.M))
        saved = time.perf_counter()
        edited.write_text(changed, encoding="utf-8")
        try:
            while time.perf_counter() - saved < 300:
                try:
                    with urllib.request.urlopen(page, timeout=30) as response:
                        if marker in response.read().decode("utf-8"):
                            served = time.perf_counter() - saved
                            break
                except OSError:
                    pass
                time.sleep(0.05)
            else:
                raise SystemExit(f"the edited page was not served in {cwd}")
            for line in server.stderr:
                if (match := built.search(line)):
                    return served, float(match.group(1))
        finally:
            edited.write_text(original, encoding="utf-8")
    finally:
        server.terminate()
        server.wait(timeout=30)
    raise SystemExit(f"no rebuild seen in {cwd}")


def warm_caches() -> None:
    """What a machine's first build makes once and every later build reads, made before
    anything is timed: jieba's cache file (Material's search makes it in (a) and (c) too)
    and taizhang's trie of jieba's dictionary (taizhang.jiebatrie)."""
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import jieba; jieba.setLogLevel(60); "
              "from taizhang import jiebatrie, jiebadict; jiebatrie.kept(jieba); "
              "t = jieba.Tokenizer(); jiebadict.load_cached(jieba, t) or t.initialize()")
    subprocess.run([sys.executable, "-c", script, str(REPO / "hooks")], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", help="keep the generated projects in this folder")
    parser.add_argument("--serve", action="store_true",
                        help="also time, after a one-record change, from saving to the rebuilt page being served: "
                             "`mkdocs serve` on (a) and (b), and `mkdocs serve --dirty` on (b)")
    parser.add_argument("--check-only", action="store_true",
                        help="time only `taizhang check` and the raw parse (large N without building sites)")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one build of (b) and (c) and the export process; print grouped times")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="taizhang-bench-"))
    project, same, raw = prepare(work, args.records, pages=not args.check_only)
    parse_script = work / "parse.py"
    parse_script.write_text(PARSE, encoding="utf-8")
    if not args.check_only:
        warm_caches()
    runs = {
        "a_plain_mkdocs": (["module", "mkdocs", "build", "-q", "-d", str(work / "site-a")], same),
        "b_taizhang": (["module", "mkdocs", "build", "-q", "-d", str(work / "site-b")], project),
        "c_raw_records": (["module", "mkdocs", "build", "-q", "-d", str(work / "site-c")], raw),
        "check": (["module", "taizhang", "check", "."], project),
        "raw_parse": (["script", str(parse_script), str(project / "records")], project),
        # (b) and (c) again on one core (as `taskset -c 0`): a one-core server, or a busy one.
        "b_one_core": (["module", "mkdocs", "build", "-q", "-d", str(work / "site-b1")], project),
        # (b) with the search index and downloads in processes of their own (TAIZHANG_PROCESSES=2).
        "b_two_processes": (["module", "mkdocs", "build", "-q", "-d", str(work / "site-b2")], project),
        "c_one_core": (["module", "mkdocs", "build", "-q", "-d", str(work / "site-c1")], raw),
    }
    if args.check_only:
        runs = {k: v for k, v in runs.items() if k in ("check", "raw_parse")}
    results: dict[str, list[tuple[float, int, float, int]]] = {k: [] for k in runs}
    for _ in range(args.repeat):
        for name, (command, cwd) in runs.items():  # alternating: a, b, c, check, parse, b1, c1, a, b, …
            results[name].append(run(command, cwd, one_core=name.endswith("_one_core"),
                                     processes=2 if name == "b_two_processes" else None))
    if args.serve:
        # Seconds from saving a record to its rebuilt page being served (MkDocs' own figure in reported=).
        serves = {"serve_a_plain": (same, same / "docs/measures/CS-001.md", False),
                  "serve_b_taizhang": (project, project / "records/measures/CS-001.md", False),
                  "serve_b_dirty": (project, project / "records/measures/CS-001.md", True)}
        reported = {name: [] for name in serves}
        for i in range(args.repeat):
            for k, (name, (cwd, edited, dirty)) in enumerate(serves.items()):
                served, mkdocs_says = serve_rebuild(cwd, edited, 8811 + 10 * k + i, dirty)
                results.setdefault(name, []).append((served, 0, 0, 0))
                reported[name].append(mkdocs_says)
    files = sum(1 for _ in (project / "records").rglob("*.md"))
    print(f"records={files} repeat={args.repeat} python={sys.version.split()[0]} cores={os.cpu_count()} "
          f"load={' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    medians, peaks = {}, {}
    for name, samples in results.items():
        times = [t for t, _, _, _ in samples]
        medians[name] = statistics.median(times)
        peak = max(r for _, r, _, _ in samples) / 1024
        peaks[name] = max(r for _, _, _, r in samples) / 1024
        cpu = statistics.median(c for _, _, c, _ in samples)
        # peak_rss: the build process; peak_tree: it and its helper processes together (sampled)
        memory = f"peak_rss={peak:7.1f}MB  peak_tree={peaks[name]:7.1f}MB" if peak else "peak_rss=    n/a"
        print(f"{name:16} median={medians[name]:8.3f}s  per_record={medians[name] / files * 1000:7.3f}ms  "
              f"{memory}  cpu={cpu:7.2f}s  runs={' '.join(f'{t:.2f}' for t in times)}")
    if args.profile and not args.check_only:
        print_profile(work, project, raw)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    if args.check_only:
        print(f"ratio={medians['check'] / medians['raw_parse']:.3f}  (check/raw_parse)")
        return
    print(f"check/raw_parse={medians['check'] / medians['raw_parse']:.3f}")
    if args.serve:
        for name, times in reported.items():
            print(f"{name:16} reported={statistics.median(times):7.3f}s  (MkDocs' own rebuild time)")
        print(f"serve rebuild b/a={medians['serve_b_taizhang'] / medians['serve_a_plain']:.3f}  "
              f"serve --dirty: {medians['serve_b_dirty']:.2f}s from save to served")
    cpus = {name: statistics.median(c for _, _, c, _ in samples) for name, samples in results.items()}
    print(f"cpu b/a={cpus['b_taizhang'] / cpus['a_plain_mkdocs']:.3f}  "
          f"peak_tree b/c={peaks['b_taizhang'] / peaks['c_raw_records']:.3f}  "
          f"peak_one_core b/c={peaks['b_one_core'] / peaks['c_one_core']:.3f}  load={os.getloadavg()[0]:.2f}")
    print(f"two_processes b/c: wall={medians['b_two_processes'] / medians['c_raw_records']:.3f}  "
          f"cpu={cpus['b_two_processes'] / cpus['c_raw_records']:.3f}  "
          f"peak_tree={peaks['b_two_processes'] / peaks['c_raw_records']:.3f}")
    # Issue #32: CPU seconds of (b), every process counted, over (c); and the wall ratio on one core.
    print(f"cpu_ratio_raw={cpus['b_taizhang'] / cpus['c_raw_records']:.3f}")
    print(f"one_core_ratio_raw={medians['b_one_core'] / medians['c_one_core']:.3f}")
    print(f"ratio_raw={medians['b_taizhang'] / medians['c_raw_records']:.3f}")
    print(f"ratio={medians['b_taizhang'] / medians['a_plain_mkdocs']:.3f}")


if __name__ == "__main__":
    main()
