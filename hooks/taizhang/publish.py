"""What of the repository may be published: never Git's own files, a
dot-file or dot-folder, a virtual environment or the build's output, whether
reached directly or through a link that stays inside the repository.

The checker (evidence entries, links under docs/) and the build hook (the
files MkDocs would copy) ask the same question here.
"""

from __future__ import annotations

import os

# Folders at the repository's top that hold built sites (`mkdocs build` writes
# site/; the README's offline copy is site-offline/).
_BUILD_OUTPUT = ("site",)
_BUILD_OUTPUT_PREFIX = "site-"


def private_kind(path: str, repo: str, build_dirs: tuple[str, ...] = ()) -> str | None:
    """Why the real (resolved) `path` inside `repo` is never published:
    "git", "dot", "venv" or "site" (problems.PRIVATE_PLACES says them in
    Chinese); None when it may be. `build_dirs`: real paths of this build's
    output folders. A path outside `repo` is the caller's other rule."""
    rel = os.path.relpath(path, repo)
    if rel == "." or rel.startswith(".." + os.sep) or rel == "..":
        return None
    parts = rel.split(os.sep)
    if ".git" in parts:
        return "git"
    if any(part.startswith(".") for part in parts):
        return "dot"
    if parts[0] in _BUILD_OUTPUT or parts[0].startswith(_BUILD_OUTPUT_PREFIX):
        return "site"
    for built in build_dirs:
        if path == built or path.startswith(built.rstrip(os.sep) + os.sep):
            return "site"
    folder = repo
    for part in parts:   # a virtual environment is a folder holding pyvenv.cfg
        folder = os.path.join(folder, part)
        if os.path.isfile(os.path.join(folder, "pyvenv.cfg")):
            return "venv"
    return None


# Evidence is an upload from any hand, served from the site's own origin: a
# file the browser runs (a web page, SVG, XML with a stylesheet, a script) or
# that MkDocs turns into a page with raw HTML (Markdown) would run there.
ACTIVE_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".xslt",
                   ".js", ".mjs", ".md", ".markdown", ".mdown", ".mkd")
EVIDENCE_DIR = "evidence/"


def active_file(relative: str) -> bool:
    """A file name a browser (or MkDocs) would run rather than show or download."""
    return relative.lower().rstrip().endswith(ACTIVE_SUFFIXES)


def hidden_name(relative: str) -> bool:
    """A path (relative, "/" or os.sep separated) with a dot-file or dot-folder in it."""
    return any(part.startswith(".") and part not in (".", "..")
               for part in relative.replace(os.sep, "/").split("/"))
