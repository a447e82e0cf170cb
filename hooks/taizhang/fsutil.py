"""Writing files safely: never overwrite, never leave half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class WouldOverwrite(FileExistsError):
    pass


def write_new(path: Path, text: str) -> None:
    """Write `path` atomically; refuse if anything already exists there.

    The text goes to a temp file in the same folder, then is hard-linked into
    place: link() fails if the name is taken, so a race cannot overwrite, and
    an interrupted run leaves at most the temp file, never a partial record.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise WouldOverwrite(str(path))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".taizhang-", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise WouldOverwrite(str(path)) from None
    finally:
        os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
