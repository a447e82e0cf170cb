#!/usr/bin/env python3
"""Benchmark: `taizhang gather` over many units, then the overview's build.

Generates K distinct synthetic ledgers of R records each (bench/build.py's
generator, a different seed per ledger), exports each one's records.json
with the core, and publishes U unit "site folders" (downloads/records.json),
unit i carrying ledger i mod K, listed in a sources file. Then times, once:
  gather — `taizhang gather sources.yml -o DIR` (read, validate, figures,
           pages, xlsx);
  build  — `mkdocs build --strict` of the overview project;
and prints each with its peak memory, the total, the load average of the
machine before and after, and `total=<seconds>` on the last line.

    python bench/gather.py --units 300 --records 150     # the 45,000-record case
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import generate, run  # noqa: E402  (bench/build.py: generator and timed runner)

TODAY = "2023-08-10"
EXPORT = r"""
import sys
from pathlib import Path
from taizhang.export.tabular import records_json
from taizhang.project import analyse
Path(sys.argv[2]).write_bytes(records_json(analyse(Path(sys.argv[1])).ledger))
"""


def prepare(work: Path, units: int, records: int, distinct: int) -> Path:
    exported = []
    for k in range(distinct):
        ledger = work / "ledgers" / f"L{k:02d}"
        generate(ledger / "records", records, seed=20231016 + k)
        target = work / "ledgers" / f"L{k:02d}.json"
        subprocess.run([sys.executable, "-c", EXPORT, str(ledger), str(target)], check=True)
        exported.append(target)
    lines = ["标题: 基准测试督查总览", "单位:"]
    for i in range(units):
        folder = work / "sites" / f"u{i:03d}" / "downloads"
        folder.mkdir(parents=True)
        shutil.copy2(exported[i % distinct], folder / "records.json")
        lines += [f"  - 名称: 第{i + 1}单位", f"    位置: sites/u{i:03d}"]
    sources = work / "sources.yml"
    sources.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--records", type=int, default=150, help="records per unit")
    parser.add_argument("--distinct", type=int, default=10, help="distinct generated ledgers the units share")
    parser.add_argument("--keep", help="keep the generated sources and overview in this folder")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="taizhang-bench-gather-"))
    work.mkdir(parents=True, exist_ok=True)
    prepare(work, args.units, args.records, min(args.distinct, args.units))
    load_before = os.getloadavg()
    out = work / "overview"
    gathered = run(["module", "taizhang", "gather", "sources.yml", "-o", str(out), "--today", TODAY], work)
    built = run(["module", "mkdocs", "build", "--strict", "-q"], out)
    load_after = os.getloadavg()
    pages = sum(1 for _ in (out / "site").rglob("*.html"))
    total = gathered[0] + built[0]
    print(f"units={args.units} records_per_unit={args.records} records={args.units * args.records} "
          f"pages={pages} python={sys.version.split()[0]} cores={os.cpu_count()}")
    print(f"load_before={' '.join(f'{x:.2f}' for x in load_before)}  load_after={' '.join(f'{x:.2f}' for x in load_after)}")
    for name, (seconds, rss, cpu, _) in (("gather", gathered), ("build", built)):   # _: peak of the process tree
        print(f"{name:8} {seconds:8.2f}s  cpu={cpu:7.2f}s  peak_rss={rss / 1024:7.1f}MB")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(f"total={total:.2f}")


if __name__ == "__main__":
    main()
