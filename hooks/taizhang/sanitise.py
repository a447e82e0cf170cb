"""Record bodies → safe HTML: Markdown first, then an allow-list sanitiser.

Record text comes from many hands by pull request and is read by leaders in
a browser, so what reaches the page is decided here, not by the checker and
not by the web server's CSP. A body is converted with its own Markdown
instance (no `attr_list`: record text cannot add attributes), then cleaned by
nh3 (the Python binding of ammonia): only the elements Markdown makes for
prose and tables survive, URLs are judged the way a browser judges them
(after entity decoding, ignoring the control and space characters browsers
strip), and images that point to another host become plain links, so the
site requests nothing outside itself.

The checker's `unsafe-html` warning (safety.py) tells authors what this
module will remove; it is advice only.
"""

from __future__ import annotations

import html
import re

from taizhang.markup import WORD_JOINER, inert

TYPE_CHECKING = False   # typing's own flag, without importing typing for `taizhang check`
if TYPE_CHECKING:
    import markdown

# markdown and nh3 are imported where a body is rendered: `taizhang check`
# needs only the allow-lists and URL tests here, not the libraries' import time.

# What Markdown produces for prose and tables, plus the inline tags people
# type by hand (<b>, <i>, <s>, <u>). Everything else is removed, keeping its text.
TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "th",
        "td", "caption", "a", "img", "code", "pre", "blockquote", "strong", "em", "b", "i", "s", "u", "del",
        "ins", "sup", "sub", "hr", "br", "div"}
# Removed together with their content: script and style, the RCDATA/RAWTEXT
# elements whose text browsers never render, and foreign (SVG/MathML) content.
CLEAN_CONTENT = {"script", "style", "textarea", "title", "noscript", "xmp", "noembed", "noframes", "iframe",
                 "template", "svg", "math", "object", "applet", "select"}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"}, "td": {"align"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "ol": {"start"},
}
ADMONITION_TYPES = {"note", "abstract", "info", "tip", "success", "question", "warning", "failure", "danger",
                    "bug", "example", "quote", "attention", "caution", "error", "hint", "important", "summary",
                    "tldr", "check", "done", "help", "faq", "fail", "missing", "cite"}
CLASSES = {"div": {"admonition", *ADMONITION_TYPES}, "p": {"admonition-title"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer"

# Ids the page itself uses or that name window globals (DOM clobbering).
_RESERVED_ID = re.compile(r"^(?:_|md|tz|__)", re.IGNORECASE)
# What a browser drops from a URL before reading its scheme.
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
# nh3 serialises every attribute as name="value" with `"` escaped, so an
# <img> in its output is matched exactly by this pattern.
_IMG = re.compile(r'<img((?:\s+[^\s="/>]+(?:="[^"]*")?)*)\s*/?>')
_ATTR = re.compile(r'([^\s="/>]+)(?:="([^"]*)")?')


def is_off_site(url: str) -> bool:
    """True when a browser would fetch `url` from another host (or another scheme)."""
    text = _URL_IGNORED.sub("", url).replace("\\", "/")
    return bool(_SCHEME.match(text)) or text.startswith("//")


def is_url(text: str) -> bool:
    """An evidence "file" that is a web address (any case: HTTPS:// too)."""
    return bool(_WEB_URL.match(text.strip()))


_WEB_URL = re.compile(r"^https?://", re.IGNORECASE)


def _keep_attribute(tag: str, attr: str, value: str) -> str | None:
    if attr == "id" and _RESERVED_ID.match(value):
        return None
    if attr == "title":   # shown by the theme's tooltips as HTML (markup.inert)
        return inert(value)
    return value


def _no_off_site_media(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src" and is_off_site(value):
        return None
    return _keep_attribute(tag, attr, value)


def _clean(text: str, attribute_filter) -> str:
    import nh3

    return nh3.clean(text, tags=TAGS, clean_content_tags=CLEAN_CONTENT, attributes=ATTRIBUTES,
                     attribute_filter=attribute_filter, strip_comments=True, link_rel=LINK_REL,
                     url_schemes=URL_SCHEMES, allowed_classes=CLASSES)


def _image_as_link(match: re.Match) -> str:
    attrs = {name.lower(): html.unescape(value or "") for name, value in _ATTR.findall(match.group(1))}
    src = attrs.get("src", "")
    if not src or not is_off_site(src):
        return match.group(0)
    label = attrs.get("alt") or attrs.get("title") or src
    return f'<a href="{html.escape(src, quote=True)}">{html.escape(label, quote=False)}</a>'


# An escaped "<" in the text: a heading's text becomes a contents entry,
# which the theme may copy into a tooltip as HTML (markup.inert).
_TEXT_TAG_OPEN = re.compile("&lt;(?!" + WORD_JOINER + ")")


def sanitise_html(text: str) -> str:
    """Any HTML → the allow-listed subset, with off-site images turned into links."""
    cleaned = _clean(text, _keep_attribute)
    if "<img" in cleaned:
        linked = _IMG.sub(_image_as_link, cleaned)
        # A second pass checks the links made above and drops any off-site
        # image source the pattern might have missed: nothing loads off-site.
        cleaned = _clean(linked, _no_off_site_media)
    return _TEXT_TAG_OPEN.sub("&lt;" + WORD_JOINER, cleaned) if "&lt;" in cleaned else cleaned


# The site's extensions (mkdocs.yml) without attr_list; tables align with
# the align attribute, since style is not allowed.
_EXTENSIONS = ["tables", "admonition", "sane_lists", "toc"]
_local = None   # a threading.local, made with the first body rendered (`taizhang check` renders none)


def _markdown() -> markdown.Markdown:
    global _local
    if _local is None:
        import threading

        _local = threading.local()   # two threads racing here each make their own Markdown again: harmless
    md = getattr(_local, "md", None)
    if md is None:
        import markdown
        from pymdownx.slugs import slugify
        config = {"tables": {"use_align_attribute": True},
                  "toc": {"permalink": False, "slugify": slugify(case="lower")}}   # ids as mkdocs.yml makes them
        md = _local.md = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=config)
    return md


# Plain prose: most bodies are paragraphs of text with no Markdown or HTML
# at all, for which Markdown and nh3 only wrap each paragraph in <p>. Such a
# body is recognised conservatively and wrapped here, byte for byte as the
# full path would (tests/test_render_equal.py compares both on random text).
# Not plain: a character that starts Markdown inline syntax or HTML anywhere;
# any control, format, private-use, unassigned or separator character but
# space and newline (str.isprintable); a line that could open a block (space,
# #, >, +, =, -, "1." or "1)") or that ends in a space (a line break).
_MARKUP_CHAR = re.compile(r"[\\`*_\[\]!<>&|]")
_BLOCK_LINE = re.compile(r"\n(?:[ #>+=\-]|\d+[.)])| \n")
_PARAGRAPH_BREAK = re.compile(r"\n{2,}")


def plain_paragraphs(text: str) -> str | None:
    """The HTML of a stripped body that is plain prose, or None when it may hold markup."""
    if _MARKUP_CHAR.search(text) or not text.replace("\n", "").isprintable():
        return None
    if _BLOCK_LINE.search(f"\n{text}\n"):
        return None
    return "\n".join([f"<p>{paragraph}</p>" for paragraph in _PARAGRAPH_BREAK.split(text)])


def render_body(text: str) -> str:
    """A record body (Markdown) → sanitised HTML, wrapped in <div class="tz-body">.
    A body heavy_markup() refuses is shown as its text, escaped, paragraph by paragraph."""
    plain = plain_paragraphs(text) if text and text == text.strip() else None
    if plain is None and heavy_markup(text) is not None:
        plain = "\n".join(f"<p>{html.escape(p.strip(), quote=False).replace(chr(10), '<br>' + chr(10))}</p>"
                          for p in _PARAGRAPH_BREAK.split(text) if p.strip())
    return f'<div class="tz-body">\n{plain if plain is not None else markdown_html(text)}\n</div>'


# Python-Markdown's inline patterns look ahead from every "[" for its "]"
# (and from every "](" for its ")"), and its raw-HTML handling and the
# checker's HTMLParser from every "<" for its ">": a body of 40,000 "[" took
# the build 3 min, 30,000 "<a " took check 71 s. Well-formed markup costs
# them linear time; what is refused is many openers left open or nested deep.
# Counted in one pass: brackets and "](" per paragraph (inline patterns work
# per paragraph), "<" over the whole body (HTML blocks may span paragraphs).
HEAVY_OPEN = 16       # openers left unclosed (per paragraph; "<" in the whole body)
HEAVY_DEPTH = 16      # "[" nested deeper than this in one paragraph
_DEEP_QUOTE = re.compile(r"^(?:[ \t]*>){%d}" % (HEAVY_DEPTH + 1), re.MULTILINE)
_HEAVY_TOKEN = re.compile(r"\\.|\]\(|[\[\]>)]|<(?=[A-Za-z/!?])|\n\s*\n", re.DOTALL)   # "<" that may start a tag


def heavy_markup(text: str) -> tuple[int, str] | None:
    """(line, what) when the body's markup would make conversion super-linear, else None."""
    if text.count(">") > HEAVY_DEPTH and (deep := _DEEP_QUOTE.search(text)):
        return text.count("\n", 0, deep.start()) + 1, f"嵌套超过 {HEAVY_DEPTH} 层的引用（“>”）"
    if text.count("[") <= HEAVY_OPEN and text.count("<") <= HEAVY_OPEN:   # most bodies: nothing to count
        return None
    start = 0    # where the paragraph begins
    depth = deepest = links = 0
    tag_open, unclosed_tags = False, 0

    def paragraph_heavy() -> str | None:
        if depth > HEAVY_OPEN or deepest > HEAVY_DEPTH:
            return f"不成对或嵌套过深的“[”（{max(depth, deepest)} 个）"
        if links > HEAVY_OPEN:
            return f"{links} 个没有“)”的“](”"
        return None

    for match in _HEAVY_TOKEN.finditer(text):
        token = match.group()
        if token[0] == "\\":
            continue
        if token[0] == "\n":    # a blank line: a new paragraph
            if what := paragraph_heavy():
                return text.count("\n", 0, start) + 1, what
            start, depth, deepest, links = match.end(), 0, 0, 0
            continue
        if token == "[":
            depth += 1
            deepest = max(deepest, depth)
        elif token == "]":
            depth = max(depth - 1, 0)
        elif token == "](":
            depth, links = max(depth - 1, 0), links + 1
        elif token == ")":
            links = max(links - 1, 0)
        elif token == "<":
            unclosed_tags += tag_open
            tag_open = True
            if unclosed_tags > HEAVY_OPEN:
                return text.count("\n", 0, match.start()) + 1, f"{unclosed_tags} 个以上没有“>”的“<”"
        elif token == ">":
            tag_open = False
    if what := paragraph_heavy():
        return text.count("\n", 0, start) + 1, what
    return None


def markdown_html(text: str) -> str:
    """Markdown → sanitised HTML, the full way (any body)."""
    try:
        converted = _markdown().reset().convert(text)
    except RecursionError:  # pathological nesting: show the text, escaped
        converted = f"<pre>{html.escape(text)}</pre>"
    return sanitise_html(converted)
