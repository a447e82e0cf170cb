"""Escaping record text for HTML and Markdown outputs, shared by render/,
export/ and the diff summary (so none of them imports another)."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")
_MD_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]|])")
# Markdown reads CR LF, lone CR and LF each as a line end: in a heading or a
# table cell any of them would end the line there (a YAML "\r" can put one in a title).
_LINE_END = re.compile(r"\r\n?|\n")

# Material for MkDocs inserts some strings as HTML: version titles from
# versions.json, every `title` attribute under `content.tooltips`, and the
# text of a shortened (…) navigation, header or contents entry, which it
# copies into a title first. A "<" followed by U+2060 WORD JOINER can never
# open a tag, comment or end tag when parsed as HTML, and reads (and prints)
# exactly as "<": every string that can reach the theme's scripts goes
# through `inert`, whatever escaping its own context needs on top.
WORD_JOINER = "\u2060"
_TAG_OPEN = re.compile("<(?!\u2060)")


def inert(text: str) -> str:
    """Text that stays text even where a script inserts it as HTML (idempotent)."""
    return _TAG_OPEN.sub("<" + WORD_JOINER, text) if "<" in text else text


def esc(value) -> str:
    text = value if type(value) is str else ("" if value is None else str(value))
    # Most text needs no escaping: five substring tests cost less than
    # html.escape's five replacements (esc runs ~200,000 times per 1,000 records).
    if "<" in text:
        return html.escape(inert(text), quote=True)
    if "&" in text or ">" in text or '"' in text or "'" in text:
        return html.escape(text, quote=True)
    return text


def md_inline(text: str) -> str:
    """Text safe inside a Markdown heading: HTML-escaped, Markdown-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", _LINE_END.sub(" ", html.escape(inert(text), quote=False)))


# What a Git server (GitHub, GitLab, Gitea) reads in a comment as a mention or
# a reference: @user/@all, #1 and group/project#1, !1 (merge requests), ~label,
# %milestone, $snippet, &epic. A word joiner after the sign breaks each of
# them and stays invisible.
_REFERENCE = re.compile(r"([@#!~%$]|&amp;)(?=[^\s\u2060])")


def md_text(text: str) -> str:
    """Text inside Markdown prose or a table cell (PR comments, reports): no
    link, code, emphasis, HTML, cell break, mention or reference; readable
    when shown raw."""
    escaped = _LINE_END.sub(" ", _MD_INLINE_SPECIAL.sub(r"\\\1", html.escape(text, quote=False)))
    return _REFERENCE.sub("\\1" + WORD_JOINER, escaped)


# -- plain text of a Markdown body (spreadsheets, reports, list views) --
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(.+?)\1")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.MULTILINE)
_QUOTE = re.compile(r"^\s{0,3}>\s?", re.MULTILINE)


def plain_text(markdown: str) -> str:
    text = _LINK.sub(r"\1", markdown)
    text = _TAG.sub("", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _HEADING.sub("", text)
    text = _QUOTE.sub("", text)
    text = html.unescape(text)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n".join(p for p in paragraphs if p)
