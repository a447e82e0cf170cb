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

quick_parser() gives Material's search Parser answering those calls with
less work (tag names instead of Element comparisons); tests/test_htmlfeed.py
compares its sections with Material's.
"""

from __future__ import annotations

import re
from html import unescape

# A run of text, or a whole tag, strictly: `<name( attr(="value"))*( )*(/)>` or
# `</name>`; spaces and newlines only; values double-quoted, without < or >.
_TOKEN = re.compile(r'([^<]+)|<(?:([a-zA-Z][a-zA-Z0-9]*)((?:[ \n]+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"<>]*")?)*)[ \n]*(/?)>'
                    r'|/([a-zA-Z][a-zA-Z0-9]*)>)')
_ATTR = re.compile(r'[ \n]+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"<>]*)")?')
_RAW_TEXT = re.compile(r"<\s*/?\s*(?:script|style)\b", re.IGNORECASE)   # html.parser's CDATA content elements
DATA, START, END, STARTEND = range(4)


def _tokens(html: str) -> list | None:
    """(kind, …) for each text run and tag, or None when html is not plain:
    one match per token, each starting where the last one ended."""
    if _RAW_TEXT.search(html):
        return None
    tokens = []
    append, at = tokens.append, 0
    for match in _TOKEN.finditer(html):
        if match.start() != at:
            return None   # a `<` that starts no plain tag
        at = match.end()
        text, name, attributes, closed, end = match.groups()
        if text is not None:
            append((DATA, unescape(text) if "&" in text else text))
        elif end is not None:
            append((END, end.lower()))
        else:
            attrs = [(m.group(1).lower(), unescape(m.group(2)) if m.group(2) else m.group(2))
                     for m in _ATTR.finditer(attributes)] if attributes else []   # no value: None, as html.parser gives
            append((STARTEND if closed else START, name.lower(), attrs))
    return tokens if at == len(html) else None


def feed(parser, html: str) -> None:
    """parser.feed(html), then parser.close()."""
    tokens = _tokens(html)
    if tokens is None:
        parser.feed(html)
        parser.close()
        return
    data, start, end, startend = parser.handle_data, parser.handle_starttag, parser.handle_endtag, parser.handle_startendtag
    for token in tokens:
        kind = token[0]
        if kind == DATA:
            data(token[1])
        elif kind == START:
            start(token[1], token[2])
        elif kind == END:
            end(token[1])
        else:
            startend(token[1], token[2])
    parser.close()


# What the quick parser below reproduces: the names and string constants of
# Material's Parser handlers (Material 9.5–9.8). Another Material keeps its own Parser.
_MATERIAL_PARSER = "940a0939"


def _fingerprint(functions) -> str:
    import hashlib

    def strings(code) -> list:
        out = list(code.co_names)
        for const in code.co_consts:
            if isinstance(const, str) and "<locals>" not in const:   # 3.10 keeps a comprehension's qualified name
                out.append(const)
            elif hasattr(const, "co_names"):
                out += strings(const)
        return out

    # Sorted and without repeats: the same for the same handlers on Python 3.10 to 3.13
    # (3.12 puts a comprehension's names into its function's code).
    text = "\x00".join("\x01".join(sorted(set(strings(f.__code__)))) for f in functions)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def quick_parser(material):
    """Material's search Parser with the same sections from the same calls,
    doing less per call: Material's Element compares and hashes by tag name,
    so its set of skipped elements, `el in context` and `"pre" in context`
    are questions about tag names; here they are asked of a list of the open
    tags' names (str comparisons in C) instead of calling Element.__eq__ and
    __hash__ for every open element on every call. Material's own Parser when
    its handlers are not the ones reproduced here."""
    Parser, Element, Section, void, escape = (material.Parser, material.Element, material.Section,
                                              material.void, material.escape)
    handlers = (Parser.handle_starttag, Parser.handle_endtag, Parser.handle_data)
    if _fingerprint(handlers) != _MATERIAL_PARSER:
        return Parser
    headings = {f"h{x}" for x in range(1, 7)}
    kept_skips = ("script", "style", "object")

    class QuickParser(Parser):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.skip = {str(tag) for tag in self.skip}   # tag names: an Element equals its tag
            self.tags = []                                # the names of self.context's elements

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag in void:
                return
            el = Element(tag, attrs)
            context, tags = self.context, self.tags
            context.append(el)
            tags.append(tag)
            if tag in headings:
                depth = len(context)
                if "id" in attrs:
                    if tag != "h1" and not self.data:
                        self.section = Section(Element("hx"), depth)
                        self.data.append(self.section)
                    self.section = Section(el, depth)
                    if self.data:
                        self.section.id = attrs["id"]
                    self.data.append(self.section)
            if not self.section:
                self.section = Section(Element("hx"))
                self.data.append(self.section)
            if "data-search-exclude" in attrs or attrs.get("class") == "linenodiv":
                self.skip.add(tag)
                return
            if tag in self.keep and self.skip.isdisjoint(tags):
                section = self.section
                (section.title if section.el.tag in tags else section.text).append(f"<{tag}>")

        def handle_endtag(self, tag):
            context, tags = self.context, self.tags
            if not tags or tags[-1] != tag:
                return
            if self.section.depth > len(context):
                for section in reversed(self.data):
                    if section.depth <= len(context):
                        self.section.depth = float("inf")
                        self.section = section
                        break
            context.pop()
            tags.pop()
            if tag in self.skip:
                if tag not in kept_skips:
                    self.skip.remove(tag)
                return
            if tag in self.keep and self.skip.isdisjoint(tags):
                section = self.section
                data = section.title if section.el.tag in tags else section.text
                index = data.index(f"<{tag}>")
                for i in range(index + 1, len(data)):
                    if not data[i].isspace():
                        index = len(data)
                        break
                if len(data) > index:
                    del data[index:]
                else:
                    data.append(f"</{tag}>")

        def handle_data(self, data):
            tags = self.tags
            if not self.skip.isdisjoint(tags):
                return
            if "pre" not in tags:
                data = data.replace("\n", " ") if not data.isspace() else " "
            if not self.section:
                self.section = Section(Element("hx"))
                self.data.append(self.section)
            section = self.section
            if section.el.tag in tags:
                if not any(el.tag == "a" and el.attrs.get("class") == "headerlink" for el in self.context):
                    section.title.append(escape(data, quote=False))
            elif data.isspace():
                if not section.text or not section.text[-1].isspace() or "pre" in tags:
                    section.text.append(data)
            else:
                section.text.append(escape(data, quote=False))

    return QuickParser
