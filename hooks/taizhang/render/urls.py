"""Where each page lives, and relative links between pages.

Mirrors MkDocs' own mapping of `a/b.md` to `a/b/` (use_directory_urls) or
`a/b.html`, so generated HTML can link without MkDocs at hand; relative
links keep the site working under any sub-path and from file://.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache

# Every generated page is an index.md in a folder of its own: its URL's folder
# is then its source file's folder, with directory URLs on or off, so a relative
# link in the page's raw HTML means the same whether an engine reads it from
# the page's URL (MkDocs, ProperDocs) or from its source file (Zensical, which
# rewrites raw-HTML links it takes for source-relative ones).
DASHBOARD = "index.md"
PROBLEM_LIST = "lists/problems/index.md"
TASK_LIST = "lists/tasks/index.md"
RESPONSIBILITY_LIST = "lists/responsibility/index.md"
TRACE = "trace/index.md"
REPORT = "report/index.md"
RECURRENCES = "recurrences/index.md"
CARRIED = "carried/index.md"             # 承接事项
ROUNDS = "all-rounds/index.md"           # 各轮概览 (rounds/ holds the round records)
SIGNOFF_LIST = "lists/signoff/index.md"
RECONCILIATION = "reconciliation/index.md"
DRAFTS = "drafts/index.md"


# The generated pages' file names before they became folders' index.md.
FORMER_NAMES = {uri[: -len("/index.md")] + ".md": uri
                for uri in (PROBLEM_LIST, TASK_LIST, RESPONSIBILITY_LIST, TRACE, REPORT, RECURRENCES, CARRIED,
                            ROUNDS, SIGNOFF_LIST, RECONCILIATION, DRAFTS)}


def former_names_in_nav(nav) -> list[tuple[str, str]]:
    """(old, new) for each generated page a config's nav still names by its former file name."""
    found: list[tuple[str, str]] = []

    def walk(item) -> None:
        if isinstance(item, str):
            if item in FORMER_NAMES:
                found.append((item, FORMER_NAMES[item]))
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(nav)
    return found


def kind_index(folder: str) -> str:
    return f"{folder}/index.md"


def record_page(folder: str, record_id: str) -> str:
    return f"{folder}/{record_id}/index.md"


@lru_cache(maxsize=1 << 15)
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


# Every page links to many others: relative links are worked out on path
# components once per page, not by posixpath.relpath (which makes both paths
# absolute against the working directory on every call).
_UNCLEAN = ("", ".", "..")


def _parts(path: str) -> tuple[str, ...] | None:
    """A relative path's components; None when it is not plain (., .., //, a leading /)."""
    if path == ".":
        return ()
    parts = tuple(path.split("/"))
    return None if any(p in _UNCLEAN for p in parts) else parts


@lru_cache(maxsize=1 << 15)
def _start(from_src: str, dir_urls: bool) -> tuple[str, tuple[str, ...] | None]:
    folder = _dir_of(page_url(from_src, dir_urls))
    return folder, _parts(folder)


def _relpath(path: str, parts: tuple[str, ...] | None, from_src: str, dir_urls: bool) -> str:
    """posixpath.relpath(path, folder of from_src's URL), on components (`parts`,
    from _parts) when both are plain."""
    folder, start = _start(from_src, dir_urls)
    if start is None or parts is None:
        return posixpath.relpath(path, folder)
    common = 0
    for a, b in zip(start, parts):
        if a != b:
            break
        common += 1
    return "/".join((("..",) * (len(start) - common)) + parts[common:]) or "."


@lru_cache(maxsize=1 << 15)
def _target(to_src: str, dir_urls: bool) -> tuple[str, tuple[str, ...] | None, bool]:
    """A page's URL as a path to link to, its components, and whether it is a folder URL."""
    target = page_url(to_src, dir_urls)
    path = target.rstrip("/") or "."
    return path, _parts(path), target == "" or target.endswith("/")


def relative(from_src: str, to_src: str, dir_urls: bool) -> str:
    """Relative href from one page to another page."""
    path, parts, folder_url = _target(to_src, dir_urls)
    href = _relpath(path, parts, from_src, dir_urls)
    if folder_url:
        href = "./" if href == "." else href + "/"
    return href


# A page links many pages in few folders (a record page its neighbours in
# problems/, measures/, …): the way from the page's folder to each of those
# folders is worked out once per page, then each link is that way plus a name.
FOLDER_PREFIXES = True   # False: relative() per link (tests compare)


@lru_cache(maxsize=1 << 15)
def _in_folder(to_src: str, dir_urls: bool) -> tuple[tuple[str, ...], str | None, str]:
    """A page's URL as (its folder's components, its last component, "/" for a folder URL);
    name None when it is not a plain path below the site's root."""
    _, parts, folder_url = _target(to_src, dir_urls)
    if not parts:
        return (), None, ""
    return parts[:-1], parts[-1], "/" if folder_url else ""


def _way(from_src: str, folder: tuple[str, ...], dir_urls: bool) -> tuple[str | None, str | None]:
    """The relative path from from_src's folder into `folder` ("../../measures/"),
    and the name a link into that folder must not have (the next component of
    from_src's own folder, where relpath would climb less); None when from_src's
    folder is not plain."""
    _, start = _start(from_src, dir_urls)
    if start is None:
        return None, None
    common = 0
    for a, b in zip(start, folder):
        if a != b:
            break
        common += 1
    clash = start[len(folder)] if common == len(folder) and len(start) > len(folder) else None
    head = ("..",) * (len(start) - common) + folder[common:]
    return ("/".join(head) + "/" if head else ""), clash


def relative_on_page(ways: dict, from_src: str, to_src: str, dir_urls: bool) -> str:
    """relative(from_src, to_src, dir_urls), the way into each folder kept in
    `ways` (one page's, from_src and dir_urls always the same)."""
    if not FOLDER_PREFIXES:
        return relative(from_src, to_src, dir_urls)
    folder, name, suffix = _in_folder(to_src, dir_urls)
    if name is None:
        return relative(from_src, to_src, dir_urls)
    way = ways.get(folder)
    if way is None:
        way = ways[folder] = _way(from_src, folder, dir_urls)
    prefix, clash = way
    if prefix is None or name == clash:
        return relative(from_src, to_src, dir_urls)
    return prefix + name + suffix


def in_version(from_src: str, version: str, to_src: str, dir_urls: bool) -> str:
    """Relative href from a page to a page of another version of the site.

    mike puts each version in a folder of its own beside the others
    (<root>/<version>/…) and archive-export keeps that layout, so climbing
    out of this version and into the other works under any sub-path."""
    depth = page_url(from_src, dir_urls).count("/")
    return "../" * (depth + 1) + version + "/" + page_url(to_src, dir_urls)


def relative_file(from_src: str, file_path: str, dir_urls: bool) -> str:
    """Relative href from a page to a static file under docs/."""
    return _relpath(file_path, _parts(file_path), from_src, dir_urls)
