"""Second processes beside the build, running the build's own code.

They are spawned, not forked: `mkdocs serve` runs threads, and forking a
threaded process can deadlock. A spawned child imports its code afresh, by
module name, from the parent's sys.path as it is at start(). MkDocs takes a
hook's folder off sys.path again once the hook file is loaded, so without
help the child would import another installed copy of taizhang (or none):
start() puts this folder back for the child only.
"""

from __future__ import annotations

import multiprocessing
import os
import sys

CONTEXT = multiprocessing.get_context("spawn")
CODE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # holds taizhang/ and the hook


def start(target, args: tuple, name: str):
    """A daemon child running target(*args) with the same code as this process."""
    process = CONTEXT.Process(target=target, args=args, name=name, daemon=True)
    saved = sys.path[:]
    sys.path.insert(0, CODE_DIR)
    try:
        process.start()
    finally:
        sys.path[:] = saved
    return process


def spare_core() -> bool:
    """Whether a second process can run beside this one: this process may use
    more than one CPU (`taskset -c 0`, a one-core server or container: no). On
    one core a second process only adds its start-up, imports and set-up to
    the build's CPU time and wall time; the work is then done in-process."""
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:   # no affinity on this system (macOS, Windows)
        return (os.cpu_count() or 1) > 1
