"""The few git calls the core makes; every call is checked."""

from __future__ import annotations

from taizhang.errors import TaizhangError

import io
import subprocess
import tarfile
from pathlib import Path


class GitError(TaizhangError):
    pass


def git(root: Path, *args: str, input: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=root, input=input,
                                capture_output=True, timeout=600)
    except FileNotFoundError:
        raise GitError("没有安装 git") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} 失败")
    return result.stdout


def toplevel(root: Path) -> Path:
    return Path(git(root, "rev-parse", "--show-toplevel").decode().strip())


def is_shallow(root: Path) -> bool:
    return git(root, "rev-parse", "--is-shallow-repository").decode().strip() == "true"


def read_blobs(root: Path, shas: list[str]) -> dict[str, bytes]:
    """Many blobs through one `git cat-file --batch` process."""
    if not shas:
        return {}
    out = git(root, "cat-file", "--batch", input=("\n".join(shas) + "\n").encode())
    blobs, pos = {}, 0
    for sha in shas:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        blobs[sha] = out[pos:pos + size]
        pos += size + 1
    return blobs


def extract_tree(root: Path, ref: str, dest: Path, paths: tuple[str, ...]) -> None:
    """The files under `paths` at `ref`, written into dest (a temp folder)."""
    top = toplevel(root)
    prefix = root.resolve().relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    listed = git(top, "ls-tree", "--name-only", ref, "--", *(prefix + p for p in paths)).decode().split("\n")
    present = [p for p in listed if p]
    dest.mkdir(parents=True, exist_ok=True)
    if not present:
        return
    data = git(top, "archive", "--format=tar", ref, "--", *present)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith(prefix):
                continue
            target = dest / member.name[len(prefix):]
            if ".." in Path(member.name).parts:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())
