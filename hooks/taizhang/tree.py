"""The generated part of the site as one plain value: the page tree.

Every engine gets the same tree. The MkDocs hook (hooks/taizhang_hook.py,
also under ProperDocs) hands its pages to MkDocs as in-memory files;
`taizhang render DIR` (taizhang.source) writes it as an ordinary docs
folder plus a config, which MkDocs, ProperDocs or Zensical build with no
hook. Both call site_tree(); nothing here imports MkDocs.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from taizhang.archive import archived_rounds
from taizhang.export.background import Background, InProcess, start_downloads
from taizhang.history import History, read_history
from taizhang.project import RECORDS_DIR, Analysis
from taizhang.render.colours import COLOURS_CSS, colours_css
from taizhang.render.html import fill_fragments, keep_whole
from taizhang.render.printing import PRINT_CSS, print_css
from taizhang.render.rounds import ArchiveView
from taizhang.render.site import render_site
from taizhang.render.whole import NAME as KEEP_WHOLE
from taizhang.views import sample_notice

MIKE_VERSION_ENV = "MIKE_DOCS_VERSION"   # set by mike while it builds a version
SAMPLE_NOTICE = "taizhang_sample_notice"  # config.extra key read by hooks/theme/main.html
NOT_FOUND = "taizhang_not_found"          # config.extra key read by hooks/theme/404.html


@dataclass(frozen=True)
class SiteTree:
    """What the core adds to a site: generated pages, assets, config extras,
    and the downloads (built in a second process meanwhile, or in this one after
    the pages: spawn.second_process)."""

    pages: dict[str, str]             # src_uri -> Markdown (large HTML blocks set aside, see fragments)
    record_files: dict[str, str]      # src_uri -> record path (records/…/X.md)
    fragments: Mapping[str, list[str]]   # src_uri -> HTML set aside from the Markdown (render.html.block; PackedBlocks)
    assets: dict[str, str]            # src_uri -> text of a generated static file (the print sheet)
    extra: dict[str, object]          # entries of the config's `extra` the theme reads
    extra_css: tuple[str, ...]        # style sheets every page links (after the project's own)
    downloads: Background | InProcess = field(repr=False, compare=False)

    def markdown(self, src_uri: str) -> str:
        """A page's complete Markdown: its set-aside HTML back in place."""
        fragments = self.fragments.get(src_uri)
        return fill_fragments(self.pages[src_uri], fragments) if fragments else self.pages[src_uri]

    def digest(self, src_uri: str) -> str:
        """Everything a generated page is made from (its record, Markdown and HTML)."""
        return digest(src_uri, self.record_files.get(src_uri, ""), self.pages[src_uri],
                      *self.fragments.get(src_uri, ()))


def digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def archived_version() -> str | None:
    """The round being archived, while mike builds it as a version."""
    return os.environ.get(MIKE_VERSION_ENV) or None


def site_extra(analysis: Analysis, version: str | None) -> dict[str, object]:
    vocab = analysis.vocab
    extra: dict[str, object] = {SAMPLE_NOTICE: sample_notice(analysis.ledger),
                                # read by hooks/theme/404.html
                                NOT_FOUND: {"title": vocab.phrase("not_found_title"), "text": vocab.phrase("not_found_text")}}
    if version:
        # Built as an archived round: Material's version selector and the
        # "archived round" banner read versions.json, which only mike writes.
        # Rounds are listed by their titles alone: the alias is mike's English
        # folder name ("latest"), which Material would print beside the title.
        extra["version"] = {"provider": "mike", "default": "latest", "alias": False}
    return extra


# Markdown extensions every build of the site adds to the project's own: ids and
# dates kept on one line (taizhang.render.whole) on every engine.
SITE_EXTENSIONS = (KEEP_WHOLE,)


def site_markdown(analysis: Analysis) -> dict[str, dict]:
    """Options of Markdown extensions the site's words decide: extension -> options
    (set only where the project's config enables the extension)."""
    # The tooltip of each heading's ¶ link, in the ledger's words.
    return {"toc": {"permalink_title": analysis.vocab.phrase("permalink_title")}}


# Many pages share blocks (every record page's source note, a round's facts, …):
# each different block is kept whole once per build.
KEEP_WHOLE_ONCE = True   # False: every block through keep_whole (tests compare)


SHORT_BLOCK = 4096   # characters: the blocks that recur are shorter; a longer one is let go with its page


def kept_whole(fragments: dict[str, list[str]]) -> Mapping[str, list[str]]:
    """Each page's set-aside HTML with ids and dates kept on one line (keep_whole).
    Takes the blocks out of `fragments` page by page, emptying it: the site's old and
    new blocks are never all held at once (at 5,000 records they are some 45 MB each);
    each page's kept-whole blocks are held deflated (PACK_BLOCKS)."""
    kept: dict[str, str] = {}

    def whole_once(fragment: str) -> str:
        found = kept.get(fragment)
        if found is None:
            found = keep_whole(fragment)
            if len(fragment) < SHORT_BLOCK:
                kept[fragment] = found
        return found
    whole = whole_once if KEEP_WHOLE_ONCE else keep_whole
    done = PackedBlocks() if PACK_BLOCKS else {}
    for uri in list(fragments):
        done[uri] = [whole(f) for f in fragments.pop(uri)]
    return done


# Each page's set-aside blocks are held deflated until the page asks for them
# (PACK_BLOCKS; False: as strings, tests compare). The record pages' blocks wait
# from on_files until each page is written (on_page_context); at 5,000 records
# they were some 45 MB, the build process's largest holding while it wrote the
# big list pages, where its peak is. Deflated they take about a fifth.
PACK_BLOCKS = True


class PackedBlocks(Mapping):
    """src_uri -> a page's set-aside HTML blocks (a list of strings, made anew on
    each access), each page's held as one deflated UTF-8 string and the blocks'
    lengths. pop() gives a page's blocks and lets them go."""

    _ABSENT = object()

    def __init__(self):
        self._packed: dict[str, tuple[bytes, tuple[int, ...]]] = {}

    def __setitem__(self, src_uri: str, blocks: list[str]) -> None:
        data = [block.encode("utf-8", "surrogatepass") for block in blocks]
        self._packed[src_uri] = (zlib.compress(b"".join(data), 1), tuple(map(len, data)))

    def __getitem__(self, src_uri: str) -> list[str]:
        packed, sizes = self._packed[src_uri]
        data, blocks, at = zlib.decompress(packed), [], 0
        for size in sizes:
            blocks.append(data[at:at + size].decode("utf-8", "surrogatepass"))
            at += size
        return blocks

    def __iter__(self):
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def __contains__(self, src_uri) -> bool:
        return src_uri in self._packed

    def pop(self, src_uri: str, default=_ABSENT):
        if src_uri not in self._packed:
            if default is PackedBlocks._ABSENT:
                raise KeyError(src_uri)
            return default
        blocks = self[src_uri]
        del self._packed[src_uri]
        return blocks


def site_tree(root: Path, analysis: Analysis, *, dir_urls: bool, site_name: str,
              set_aside_html: bool = True, version: str | None = None, serving: bool = False) -> SiteTree:
    """The generated site of the project at root, for one build. Starts the
    downloads (in a second process under `mkdocs serve` or when asked for, see
    export.background and spawn.second_process): call .downloads.result() when
    the pages are done."""
    ledger = analysis.ledger
    downloads = start_downloads(root, ledger, serving)
    if sample_notice(ledger):
        # A sample ledger has no history of its own: the commits that touched its
        # files are the software's development, never shown as a unit's changes.
        history = History(False, notice=analysis.vocab.phrase("sample_history"))
    else:
        history = read_history(root, RECORDS_DIR, analysis.vocab)
    # Built by mike: archived rounds are sibling folders (../<round-id>/), so 各轮概览 links them.
    archive = ArchiveView(archived_rounds(root), version)
    site = render_site(analysis, dir_urls=dir_urls, history=history, set_aside_html=set_aside_html,
                       archive=archive)
    # Set-aside HTML goes back after Markdown, past the keep-whole extension: kept whole here.
    fragments = kept_whole(site.fragments)
    return SiteTree(site.pages, site.record_files, fragments,
                    assets={PRINT_CSS: print_css(ledger, site_name), COLOURS_CSS: colours_css(analysis.vocab)},
                    extra=site_extra(analysis, version), extra_css=(COLOURS_CSS, PRINT_CSS), downloads=downloads)
