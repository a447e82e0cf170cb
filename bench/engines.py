#!/usr/bin/env python3
"""Benchmark: the three engines on the same synthetic ledger, side by side in one run.

Generates N records (bench/build.generate), then, alternating in one run, times
  mkdocs      `mkdocs build` of the project, with the hook (MkDocs 1.6 + Material);
  properdocs  `properdocs build` of the same project, the same hook (ProperDocs + Material);
  zensical    `taizhang render` of the project, then `zensical build --clean` of
              what it wrote (Zensical ignores hooks); its two parts are also
              printed on their own lines (zensical_render, zensical_build).
Prints, per engine, the median wall time, CPU seconds (with the processes each
waited for), peak memory of the measured process and of its whole process tree, and the load average before and after, since a
busy machine stretches every figure.

    python bench/engines.py --records 1000 [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import prepare, run  # noqa: E402

ENGINES = ("mkdocs", "properdocs", "zensical")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", help="keep the generated project in this folder")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="taizhang-bench-engines-"))
    project, _, _ = prepare(work, args.records, pages=False)
    source = work / "rendered"
    runs = {
        "mkdocs": [(["module", "mkdocs", "build", "-q", "-d", str(work / "site-mkdocs")], project)],
        "properdocs": [(["module", "properdocs", "build", "-q", "-d", str(work / "site-properdocs")], project)],
        "zensical": [(["module", "taizhang", "render", "--force", str(source)], project),
                     (["module", "zensical", "build", "--clean"], source)],
    }
    before = load()
    results: dict[str, list[tuple[float, int, float, int]]] = {}
    for _ in range(args.repeat):
        for engine, steps in runs.items():   # alternating: mkdocs, properdocs, zensical, mkdocs, …
            parts = [run(command, cwd) for command, cwd in steps]
            results.setdefault(engine, []).append((sum(p[0] for p in parts), max(p[1] for p in parts),
                                                   sum(p[2] for p in parts), max(p[3] for p in parts)))
            if engine == "zensical":
                results.setdefault("zensical_render", []).append(parts[0])
                results.setdefault("zensical_build", []).append(parts[1])
    after = load()
    pages = sum(1 for _ in (work / "site-mkdocs").rglob("*.html"))
    same = all(sum(1 for _ in site.rglob("*.html")) == pages
               for site in (work / "site-properdocs", source / "site"))
    files = sum(1 for _ in (project / "records").rglob("*.md"))
    print(f"records={files} pages={pages} same_page_count={same} repeat={args.repeat} "
          f"python={sys.version.split()[0]} cores={os.cpu_count()} "
          f"when={time.strftime('%Y-%m-%d %H:%M', time.gmtime())}Z")
    print(f"load_before={before} load_after={after}")
    medians = {}
    for name, samples in results.items():
        times = [sample[0] for sample in samples]
        medians[name] = statistics.median(times)
        cpu = statistics.median(sample[2] for sample in samples)
        peak = max(sample[1] for sample in samples) / 1024
        tree = max(sample[3] for sample in samples) / 1024
        print(f"{name:16} median={medians[name]:8.3f}s  cpu={cpu:7.2f}s  peak_rss={peak:7.1f}MB  "
              f"tree_rss={tree:7.1f}MB  runs={' '.join(f'{t:.2f}' for t in times)}")
    print(" ".join(f"{engine}/mkdocs={medians[engine] / medians['mkdocs']:.3f}" for engine in ENGINES[1:]))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
