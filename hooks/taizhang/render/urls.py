"""Where each page lives, and relative links between pages.

Mirrors MkDocs' own mapping of `a/b.md` to `a/b/` (use_directory_urls) or
`a/b.html`, so generated HTML can link without MkDocs at hand; relative
links keep the site working under any sub-path and from file://.
"""

from __future__ import annotations

import posixpath

DASHBOARD = "index.md"
PROBLEM_LIST = "lists/problems.md"
TASK_LIST = "lists/tasks.md"
RESPONSIBILITY_LIST = "lists/responsibility.md"
TRACE = "trace.md"
REPORT = "report.md"
RECURRENCES = "recurrences.md"
CARRIED = "carried.md"             # 承接事项
ROUNDS = "all-rounds.md"           # 各轮概览 (rounds/ holds the round records)
SIGNOFF_LIST = "lists/signoff.md"
RECONCILIATION = "reconciliation.md"
DRAFTS = "drafts.md"

def kind_index(folder: str) -> str:
    return f"{folder}/index.md"


def record_page(folder: str, record_id: str) -> str:
    return f"{folder}/{record_id}.md"


def page_url(src_uri: str, dir_urls: bool) -> str:
    stem = src_uri[: -len(".md")] if src_uri.endswith(".md") else src_uri
    if not dir_urls:
        return stem + ".html"
    if posixpath.basename(stem) == "index":
        parent = posixpath.dirname(stem)
        return parent + "/" if parent else ""
    return stem + "/"


def _dir_of(url: str) -> str:
    if url == "" or url.endswith("/"):
        return url.rstrip("/") or "."
    return posixpath.dirname(url) or "."


def relative(from_src: str, to_src: str, dir_urls: bool) -> str:
    """Relative href from one page to another page."""
    target = page_url(to_src, dir_urls)
    href = posixpath.relpath(target.rstrip("/") or ".", _dir_of(page_url(from_src, dir_urls)))
    if target == "" or target.endswith("/"):
        href = "./" if href == "." else href + "/"
    return href


def relative_file(from_src: str, file_path: str, dir_urls: bool) -> str:
    """Relative href from a page to a static file under docs/."""
    return posixpath.relpath(file_path, _dir_of(page_url(from_src, dir_urls)))
