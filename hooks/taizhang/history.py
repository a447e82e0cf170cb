"""Each record's change history from git: one `git log` for the whole tree.

Thousands of records must not mean thousands of subprocesses: one log pass
lists every commit touching records/, one `cat-file --batch` reads the
versions needed to call out status and deadline changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Mapping

from taizhang.gitutil import GitError, git, is_shallow, read_blobs, toplevel
from taizhang.load import parse_bytes
from taizhang.problems import Reporter
from taizhang.vocabulary import Vocabulary

_SEP, _FIELD = "\x1e", "\x1f"
_NULL_SHA = "0" * 40


@dataclass(frozen=True)
class Change:
    when: str                  # YYYY-MM-DD HH:MM, author date in its own zone
    author: str
    subject: str
    action: str                # 新建 / 修改 / 改名
    notes: tuple[str, ...] = ()  # e.g. 整改状态：正在整改 → 已完成


@dataclass(frozen=True)
class History:
    available: bool
    shallow: bool = False
    notice: str | None = None
    changes: Mapping[str, tuple[Change, ...]] = field(default_factory=dict)  # path -> newest first

    def of(self, path: str) -> tuple[Change, ...]:
        return self.changes.get(path, ())


def read_history(root: Path, records_dir: str, vocab: Vocabulary) -> History:
    try:
        top = toplevel(root)
        shallow = is_shallow(root)
        prefix = root.resolve().relative_to(top).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        log = git(top, "log", "--raw", "--no-abbrev", "-M", "--date=format:%Y-%m-%d %H:%M",
                  f"--format={_SEP}%H{_FIELD}%ad{_FIELD}%an{_FIELD}%s", "--", prefix + records_dir)
    except GitError as exc:
        return History(False, notice=vocab.phrase("history_unreadable", reason=exc))
    except ValueError:
        return History(False, notice=vocab.phrase("history_no_git"))
    commits = _parse_log(log.decode("utf-8", "replace"), prefix)
    try:
        # Only changes of an existing version can call out a move (see _per_record):
        # a record's first version is read only if a later change starts from it.
        blobs = read_blobs(top, sorted({s for c in commits for e in c[4] if e[1] != _NULL_SHA
                                        for s in e[1:3] if s != _NULL_SHA}))
    except GitError as exc:
        return History(False, notice=vocab.phrase("history_unreadable", reason=exc))
    notice = vocab.phrase("history_shallow") if shallow else None
    return History(True, shallow, notice, _per_record(commits, blobs, vocab))


def _parse_log(text: str, prefix: str):
    """[(sha, when, author, subject, [(action, old_sha, new_sha, old_path, new_path)])], newest first."""
    commits = []
    for chunk in text.split(_SEP)[1:]:
        head, _, rest = chunk.partition("\n")
        sha, when, author, subject = (head.split(_FIELD) + ["", "", ""])[:4]
        entries = []
        for line in rest.splitlines():
            if not line.startswith(":"):
                continue
            meta, *paths = line.split("\t")
            _, _, old_sha, new_sha, status = meta.split()
            old_path, new_path = (paths[0], paths[-1])
            entries.append((status[0], old_sha, new_sha, old_path[len(prefix):], new_path[len(prefix):]))
        commits.append((sha, when, author, subject, entries))
    return commits


def _fields(blob: bytes | None, vocab: Vocabulary) -> dict:
    if not blob:
        return {}
    raw = parse_bytes(blob, "", Reporter())
    return raw.data if raw else {}


def _per_record(commits, blobs, vocab: Vocabulary) -> dict[str, tuple[Change, ...]]:
    current: dict[str, str] = {}          # path at some commit -> path today
    changes: dict[str, list[Change]] = {}
    parsed: dict[str, dict] = {}          # blob sha -> fields: a version is also the old side of the next change

    def fields(sha: str) -> dict:
        if sha not in parsed:
            parsed[sha] = _fields(blobs.get(sha), vocab)
        return parsed[sha]

    for _sha, when, author, subject, entries in commits:
        for status, old_sha, new_sha, old_path, new_path in entries:
            if status == "D":
                current.setdefault(old_path, old_path)
                continue
            today_path = current.setdefault(new_path, new_path)
            if status == "R":
                current[old_path] = today_path
            action = vocab.phrase({"A": "history_added", "R": "history_renamed"}.get(status, "history_changed"))
            before = fields(old_sha)
            # Nothing to compare with (a new file, or an unreadable old version): no notes.
            notes = _notes(before, fields(new_sha), vocab) if before else ()
            changes.setdefault(today_path, []).append(Change(when, author, subject, action, notes))
    return {path: tuple(items) for path, items in changes.items()}


def _notes(before: dict, after: dict, vocab: Vocabulary) -> tuple[str, ...]:
    notes = []
    for name in ("status", "deadline"):
        key = vocab.key(name)
        old, new = before.get(key), after.get(key)
        if old != new and not (old is None and not before):
            empty = vocab.phrase("diff_empty")
            notes.append(f"{key}：{old if old is not None else empty} → {new if new is not None else empty}")
    return tuple(notes)
