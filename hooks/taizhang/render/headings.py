"""A record page's HTML without running Python-Markdown over it.

A record page's Markdown (render.record) is only headings and placeholders of
the HTML blocks set aside for the adapter (render.html.set_aside): what
Python-Markdown does with it is give each heading an id (the toc extension's
slugify, made unique with _1, _2, …), a ¶ link, a table-of-contents entry,
and keep ids on one line (render.whole). `Headings.convert` writes that HTML
and those entries directly, byte for byte as Python-Markdown writes them, at a
small part of the cost (about 0.7 ms of CPU per page less: README 性能).

It is only right where it reproduces every step, so it says None (convert
the page with Markdown) for anything else:
- `Headings.for_config` is None unless every configured extension is one whose
  effect on such a page is known (SUPPORTED) and the toc options are ones
  reproduced here (no anchorlink, no leading permalink, a plain permalink text);
- `convert` is None for Markdown that is not only `#`…`######` heading lines
  and placeholder lines, each between blank lines, or whose heading text holds
  anything but plain text, backslash escapes of Markdown's escapable
  characters and character references (what markup.md_inline writes), or
  control characters, tabs or line separators.
tests/test_record_headings.py compares it with Python-Markdown on any text;
the hook also compares the first record page of each build (taizhang_hook).

Only Python-Markdown is imported here, never MkDocs: the adapter passes the
configured extensions and their options, and sets MkDocs' page fields.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markdown import Markdown
from markdown.extensions.toc import TocExtension, TocTreeprocessor, nest_toc_tokens, strip_tags, unique
from markdown.serializers import _escape_attrib_html, _escape_cdata

from taizhang.render.html import keep_whole
from taizhang.render.whole import NAME as KEEP_WHOLE

# Extensions that act on a page of headings and HTML comments only as
# reproduced here: tables adds `|` to the escapable characters; fenced_code,
# attr_list and admonition find nothing to act on (a fence, a `{…}` after a
# heading's text, a `!!!` line: never in such a page); toc and keep-whole are
# what convert() writes.
SUPPORTED = frozenset({"toc", "tables", "fenced_code", "attr_list", "admonition", KEEP_WHOLE})

# Python-Markdown's escapable characters (Markdown.ESCAPED_CHARS) without `>`:
# an escaped `>` is written `>` in a toc entry's html and `&gt;` in the page.
_ESCAPABLE = frozenset("\\`*_{}[]()#+-.!")

_HEADING_LINE = re.compile(r"(#{1,6}) (.*)")
_PLACEHOLDER_LINE = re.compile(r"<!--tz-fragment:[0-9]+-->")
# Heading text: escapes, character references (Python-Markdown's ENTITY_RE),
# and runs of text holding none of Markdown's inline or heading syntax.
_TEXT_TOKEN = re.compile(r"\\(.)|(&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)|([^\\`*_{}\[\]()#+\-.!|<>&]+)", re.S)
# Characters Python-Markdown rewrites before parsing (tabs, STX/ETX, line ends)
# or that are not ordinary text: control characters, line and paragraph separators.
_UNUSUAL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


@dataclass(frozen=True)
class Converted:
    """A page as Python-Markdown with the toc extension makes it."""

    html: str                 # the page's HTML; set-aside fragments still placeholders
    toc_tokens: list[dict]    # the toc extension's md.toc_tokens (nested)
    ids: set[str]             # every id in the page (what anchors may point to)
    self_links: list[str]     # the ¶ links' hrefs ("#id"), in page order


class Headings:
    """The headings of pages made of headings and placeholders, for one configuration."""

    def __init__(self, toc: TocTreeprocessor, escapable: frozenset[str], whole: bool, extensions: list, configs: dict):
        self._toc, self._escapable, self._whole = toc, escapable, whole
        self._extensions, self._configs = extensions, configs
        self._permalink = None
        if toc.use_permalinks not in (False, None):
            text = "&para;" if toc.use_permalinks is True else _escape_cdata(toc.use_permalinks)
            title = f' title="{_escape_attrib_html(toc.permalink_title)}"' if toc.permalink_title else ""
            # Attributes in Python-Markdown's (sorted) order: class, href, title.
            self._permalink = (f'<a class="{_escape_attrib_html(toc.permalink_class)}" href="#', f'"{title}>{text}</a>')

    @classmethod
    def for_config(cls, extensions: list, configs: dict) -> Headings | None:
        """For Python-Markdown with these extensions and options (MkDocs'
        markdown_extensions and mdx_configs), or None when its effect on such
        pages is not reproduced here."""
        if (not all(isinstance(e, str) for e in extensions) or len(set(extensions)) != len(extensions)
                or not set(extensions) <= SUPPORTED or "toc" not in extensions):
            return None
        options = configs.get("toc") or {}
        if not isinstance(options, dict):
            return None
        try:
            # The options read exactly as the toc extension reads them.
            toc = TocTreeprocessor(None, TocExtension(**options).getConfigs())
        except (KeyError, TypeError, ValueError):
            return None
        permalink = toc.use_permalinks
        if (toc.use_anchors or toc.permalink_leading or toc.base_level < 0 or not callable(toc.slugify)
                or not isinstance(toc.sep, str) or not isinstance(toc.permalink_class, str)
                or (toc.permalink_title and not isinstance(toc.permalink_title, str))
                or (permalink not in (True, False, None) and not (isinstance(permalink, str) and not _UNUSUAL.search(permalink)))):
            return None
        escapable = _ESCAPABLE | {"|"} if "tables" in extensions else _ESCAPABLE
        return cls(toc, frozenset(escapable), KEEP_WHOLE in extensions, list(extensions), configs)

    def convert(self, markdown: str) -> Converted | None:
        """The page's HTML and table of contents, or None when the Markdown is
        not of the form reproduced here."""
        if _UNUSUAL.search(markdown.replace("\n", " ")):
            return None
        lines = markdown.split("\n")
        parts, tokens, ids, links = [], [], set(), []
        counters: dict[str, int] = {}
        toc = self._toc
        for i, line in enumerate(lines):
            if not line:
                continue
            if (i and lines[i - 1]) or (i + 1 < len(lines) and lines[i + 1]):
                return None   # a block of more than one line
            if _PLACEHOLDER_LINE.fullmatch(line):
                parts.append(line + "\n\n")
                continue
            heading = _HEADING_LINE.fullmatch(line)
            inner = heading and self._text(heading.group(2).strip())
            if not inner:
                return None
            # As the toc extension: the entry's html passes the postprocessors; the id
            # is the slug of its text (entities read), unique in the page.
            entry = (keep_whole(inner) if self._whole else inner).strip()
            name = strip_tags(entry)
            slug = toc.slugify(html.unescape(name), toc.sep)
            if not isinstance(slug, str) or _UNUSUAL.search(slug):
                return None
            anchor = unique(slug, ids, counters)
            level = min(len(heading.group(1)) + toc.base_level, 6)
            if toc.toc_top <= level <= toc.toc_bottom:
                tokens.append({"level": level, "id": anchor, "name": name, "html": entry, "data-toc-label": ""})
            permalink = ""
            if self._permalink:
                href = "#" + anchor
                links.append(href)
                permalink = self._permalink[0] + _escape_attrib_html(anchor) + self._permalink[1]
            parts.append(f'<h{level} id="{_escape_attrib_html(anchor)}">{inner}{permalink}</h{level}>\n')
        page = "".join(parts).strip()
        return Converted((keep_whole(page) if self._whole else page).strip(), nest_toc_tokens(tokens), ids, links)

    def agrees(self, markdown: str, converted: Converted) -> bool:
        """Whether Python-Markdown, as installed, writes this page as converted:
        the adapter asks once per build before trusting convert()."""
        md = Markdown(extensions=self._extensions, extension_configs=self._configs)
        return md.convert(markdown) == converted.html and getattr(md, "toc_tokens", None) == converted.toc_tokens

    def _text(self, text: str) -> str | None:
        """A heading's text as HTML, or None when Markdown would read more into it."""
        out, end = [], 0
        for match in _TEXT_TOKEN.finditer(text):
            if match.start() != end:
                return None
            end = match.end()
            escaped, reference, plain = match.groups()
            if escaped is not None:
                if escaped not in self._escapable:
                    return None
                out.append(escaped)
            else:
                out.append(reference or plain)
        return "".join(out) if end == len(text) else None
