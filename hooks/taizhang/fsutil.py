"""Writing files safely: never overwrite, never leave half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from taizhang.errors import TaizhangError


class WouldOverwrite(TaizhangError, FileExistsError):
    def __init__(self, path):
        super().__init__(f"{path} 已存在，不会覆盖", "换一个文件名；导出时可加 --force 覆盖")


def write_new(path: Path, data: str | bytes, replace: bool = False) -> None:
    """Write `path` atomically; refuse if anything already exists there
    (unless `replace`, for exports the user asked to overwrite).

    The text goes to a temp file in the same folder, then is hard-linked into
    place: link() fails if the name is taken, so a race cannot overwrite, and
    an interrupted run leaves at most the temp file, never a partial record.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and not (replace and path.is_file()):
        raise WouldOverwrite(str(path))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".taizhang-", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise WouldOverwrite(str(path)) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
