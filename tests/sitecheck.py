"""Reading a built site: pages of records, links between pages, and every
URL a browser would fetch. Used by the site tests; no MkDocs here."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from taizhang.markup import WORD_JOINER

FOLDERS = {"巡视轮次": "rounds", "反馈问题": "feedback", "查摆问题": "problems",
           "原因剖析": "causes", "整改措施": "measures"}


def soup(path: Path) -> BeautifulSoup:
    # U+2060 after "<" keeps record text inert for the theme's scripts (markup.inert); a reader never sees it.
    return BeautifulSoup(path.read_text(encoding="utf-8").replace(WORD_JOINER, ""), "html.parser")


def record_page(site: Path, kind_label: str, record_id: str) -> Path:
    return site / FOLDERS[kind_label] / record_id / "index.html"


def page_url(site: Path, page: Path) -> str:
    """The page's URL path relative to the site root, e.g. 'measures/CS-001/'."""
    rel = page.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


def links_from(site: Path, page: Path, selector: str = "article a[href]") -> set[str]:
    """Site-relative URL paths of the pages a page's content links to."""
    base = "http://site/" + page_url(site, page)
    found = set()
    for a in soup(page).select(selector):
        target = urlsplit(urljoin(base, a.get("href") or a.get("src")))
        if target.netloc == "site":
            found.add(unquote(target.path.lstrip("/")))
    return found


def url_to_file(site: Path, url_path: str) -> Path:
    path = site / url_path
    return path / "index.html" if url_path == "" or url_path.endswith("/") else path


_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)|@import\s+['\"]([^'\"]+)['\"]")
_JS_IMPORT = re.compile(r"""(?:\bimport\s*\(\s*|\bimportScripts\s*\(\s*|\bfrom\s*)["'`]([^"'`]+)["'`]""")
_FETCHING_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload",
                  "prefetch", "manifest", "mask-icon"}


def fetched_urls(site: Path):
    """(file, url) for every URL a browser would fetch by itself from this site."""
    for path in sorted(site.rglob("*")):
        if path.suffix == ".html":
            doc = soup(path)
            for tag, attr in (("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
                              ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data"),
                              ("input", "src")):
                for el in doc.find_all(tag):
                    if el.get(attr):
                        yield path, el[attr]
            for el in doc.find_all(srcset=True):
                for part in el["srcset"].split(","):
                    yield path, part.strip().split(" ")[0]
            for el in doc.find_all("link", href=True):
                if _FETCHING_RELS & set(el.get("rel", [])):
                    yield path, el["href"]
            for el in doc.find_all(style=True):
                for m in _CSS_URL.finditer(el["style"]):
                    yield path, m.group(1) or m.group(2)
            for el in doc.find_all("style"):
                for m in _CSS_URL.finditer(el.get_text()):
                    yield path, m.group(1) or m.group(2)
        elif path.suffix == ".css":
            for m in _CSS_URL.finditer(path.read_text(encoding="utf-8", errors="replace")):
                yield path, m.group(1) or m.group(2)
        elif path.suffix in (".js", ".mjs"):
            for m in _JS_IMPORT.finditer(path.read_text(encoding="utf-8", errors="replace")):
                yield path, m.group(1)


def is_off_site(url: str) -> bool:
    url = url.strip()
    if url.startswith(("data:", "#", "blob:")):
        return False
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme not in ("data",)) or url.startswith("//")
