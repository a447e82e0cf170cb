"""Feed plain HTML to an html.parser.HTMLParser with one regular expression
per tag: the same calls, in the same order, with the same arguments, as
parser.feed(html) followed by parser.close() makes (convert_charrefs on).

Material's search index parses every page with html.parser, whose Python
loop (goahead, parse_starttag, parse_endtag) costs more than the index's own
work on a record page full of small tags. The HTML the site's pages are made
of is plain: tags `<name attr="value" …>`, `</name>`, `<name … />`, text with
character references. Only that is fed here; anything else in a document (a
comment, a doctype, `<` that starts no such tag, unquoted or single-quoted
attribute values, script or style, whose content html.parser reads raw) sends
the whole document to parser.feed unchanged. tests/test_htmlfeed.py compares
the calls on the sample site's pages and on random HTML; the search index
tests compare whole sites byte for byte.
"""

from __future__ import annotations

import re
from html import unescape

# A whole tag, strictly: `<name( attr(="value"))*( )*(/)>` or `</name>`; spaces
# and newlines only; values double-quoted, without < or >.
_TAG = re.compile(r'<(?:([a-zA-Z][a-zA-Z0-9]*)((?:[ \n]+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"<>]*")?)*)[ \n]*(/?)>'
                  r'|/([a-zA-Z][a-zA-Z0-9]*)>)')
_ATTR = re.compile(r'[ \n]+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"<>]*)")?')
_RAW_TEXT = re.compile(r"<\s*/?\s*(?:script|style)\b", re.IGNORECASE)   # html.parser's CDATA content elements


def _tokens(html: str) -> list | None:
    """(kind, …) for each text run and tag, or None when html is not plain."""
    if _RAW_TEXT.search(html):
        return None
    tokens, i, n = [], 0, len(html)
    while i < n:
        j = html.find("<", i)
        if j < 0:
            j = n
        if i < j:
            text = html[i:j]
            tokens.append(("data", unescape(text) if "&" in text else text))
        if j == n:
            break
        match = _TAG.match(html, j)
        if match is None:
            return None
        name, attributes, closed, end = match.groups()
        if end is not None:
            tokens.append(("end", end.lower()))
        else:
            attrs = [(m.group(1).lower(), unescape(m.group(2)) if m.group(2) else m.group(2))
                     for m in _ATTR.finditer(attributes)]   # no value: None, as html.parser gives
            tokens.append(("startend" if closed else "start", name.lower(), attrs))
        i = match.end()
    return tokens


def feed(parser, html: str) -> None:
    """parser.feed(html), then parser.close()."""
    tokens = _tokens(html)
    if tokens is None:
        parser.feed(html)
        parser.close()
        return
    for token in tokens:
        kind = token[0]
        if kind == "data":
            parser.handle_data(token[1])
        elif kind == "start":
            parser.handle_starttag(token[1], token[2])
        elif kind == "end":
            parser.handle_endtag(token[1])
        else:
            parser.handle_startendtag(token[1], token[2])
    parser.close()
