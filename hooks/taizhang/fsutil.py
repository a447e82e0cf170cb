"""Writing files safely: never overwrite, never leave half a file behind;
and reading the links a checkout may hold."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from pathlib import Path

from taizhang.errors import TaizhangError

# Flags for os.open of a file read whole. O_BINARY: on Windows os.open opens in text
# mode otherwise (CRLF read as LF, Ctrl-Z ends the file); open(path, "rb") passes it itself.
READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


class WouldOverwrite(TaizhangError, FileExistsError):
    def __init__(self, path):
        super().__init__(f"{path} 已存在，不会覆盖", "换一个文件名；导出时可加 --force 覆盖")


class WriteFailed(TaizhangError, OSError):
    """The folder cannot take the file (read-only, a file where a folder should be, disk full)."""


_REASONS = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EROFS: "所在磁盘是只读的",
            errno.ENOTDIR: "路径中有一个同名的文件挡住了文件夹", errno.EEXIST: "路径中有一个同名的文件挡住了文件夹",
            errno.ENOSPC: "磁盘已满", errno.EDQUOT: "超出磁盘配额", errno.ENAMETOOLONG: "文件名太长"}


def _failed(path: Path, exc: OSError) -> WriteFailed:
    return WriteFailed(f"无法写入 {_shown(path)}（{write_reason(exc)}）")


# Errors that say the disk (or the process's share of it) cannot take the file.
WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM})
_REASONS[errno.EFBIG] = "文件超过允许的大小"


def write_reason(exc: OSError) -> str:
    """Why a write failed, in the users' words (disk full, read-only …)."""
    return _REASONS.get(exc.errno, exc.strerror or str(exc))


BROKEN_LINK_REASONS = {"missing": "指向的文件不存在", "loop": "形成循环（指向自身、所在的上级文件夹或绕回来的链接）"}


def broken_link(path: str) -> str | None:
    """A symlink that cannot be published: "missing" (it leads nowhere, or
    round a loop of links) or "loop" (a folder link to itself or an enclosing
    folder: walked with links followed, as MkDocs walks docs/, its files would
    repeat forty levels deep); None otherwise, or when `path` is no link."""
    if not os.path.islink(path):
        return None
    try:
        os.stat(path)
    except OSError as exc:
        return "loop" if exc.errno == errno.ELOOP else "missing"
    if os.path.isdir(path):
        real, parent = os.path.realpath(path), os.path.realpath(os.path.dirname(path))
        if parent == real or parent.startswith(real + os.sep):
            return "loop"
    return None


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def write_new(path: Path, data: str | bytes, replace: bool = False) -> None:
    """Write `path` atomically; refuse if anything already exists there
    (unless `replace`, for exports the user asked to overwrite).

    The text goes to a temp file in the same folder, then is hard-linked into
    place: link() fails if the name is taken, so a race cannot overwrite, and
    an interrupted run leaves at most the temp file, never a partial record.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _failed(path, exc) from None
    if path.exists() and not (replace and path.is_file()):
        raise WouldOverwrite(str(path))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _write(path, payload, replace)
    except (WouldOverwrite, WriteFailed):
        raise
    except OSError as exc:
        raise _failed(path, exc) from None


def _write(path: Path, payload: bytes, replace: bool) -> None:
    import tempfile   # only when writing: `taizhang check` reads

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


def remove_orphaned_folders(prefix: str) -> None:
    """Remove the temporary folders of processes that were killed (SIGKILL runs no
    clean-up): this user's folders in the temporary folder named `prefix`, then the
    pid of a process that no longer exists, then "-". A link named like one is never
    followed; anything unexpected is left alone."""
    if not hasattr(os, "getuid"):   # Windows: os.kill(pid, 0) would end the process
        return
    top = tempfile.gettempdir()
    try:
        names = os.listdir(top)
    except OSError:
        return
    for name in names:
        pid = name[len(prefix):].partition("-")[0]
        if not name.startswith(prefix) or not pid.isdigit() or int(pid) == os.getpid():
            continue
        path = os.path.join(top, name)
        try:
            info = os.lstat(path)
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)   # still running (or not ours to signal): leave it
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except (OSError, OverflowError):
            continue


def process_temporary_folder(prefix: str):
    """tempfile.TemporaryDirectory named `prefix`, this process's pid and "-": a process
    killed before it removes the folder leaves it to the next one, which removes it
    (remove_orphaned_folders, called first)."""
    remove_orphaned_folders(prefix)
    return tempfile.TemporaryDirectory(prefix=f"{prefix}{os.getpid()}-")
