"""The three engines that build a taizhang site, run for real:

- mkdocs: MkDocs 1.6 + Material, the project with its hook (the default);
- properdocs: ProperDocs (MkDocs 1.x continued) + Material, the same project and hook;
- zensical: Zensical, which ignores hooks, on the folder `taizhang render` writes.

Used by the engine tests and by the benchmark (bench/engines.py)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

ENGINES = ("mkdocs", "properdocs", "zensical")
TIMEOUT = 900


def installed(engine: str) -> bool:
    return importlib.util.find_spec(engine) is not None


def command(engine: str, *args: str) -> list[str]:
    return [sys.executable, "-m", engine, *args]


def build_site(engine: str, project: Path, env: dict, dest: str = "site") -> tuple[Path, subprocess.CompletedProcess]:
    """Build the project at `project` with `engine`; (site folder, the build's process)."""
    if engine in ("mkdocs", "properdocs"):
        result = subprocess.run(command(engine, "build", "--strict", "-d", dest), cwd=project, env=env,
                                capture_output=True, text=True, timeout=TIMEOUT)
        return project / dest, result
    source = project / f"{dest}-source"
    rendered = subprocess.run([sys.executable, "-m", "taizhang", "render", "--force", str(source)], cwd=project,
                              env=env, capture_output=True, text=True, timeout=TIMEOUT)
    if rendered.returncode != 0:
        return source / "site", rendered
    # Zensical keeps a cache beside the config: --clean builds from nothing, like the others.
    result = subprocess.run(command("zensical", "build", "--strict", "--clean"), cwd=source, env=env,
                            capture_output=True, text=True, timeout=TIMEOUT)
    site = project / dest
    if result.returncode == 0:
        if site.exists():
            shutil.rmtree(site)
        shutil.move(str(source / "site"), str(site))
    return site, result
