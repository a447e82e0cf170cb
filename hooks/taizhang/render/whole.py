"""Ids and dates kept on one line on every engine: a Python-Markdown extension.

MkDocs, ProperDocs and Zensical all convert pages with Python-Markdown and
load the extensions the config names, so this is the one place the no-break
spans (render.html.keep_whole) are made: the hook adds the extension to the
build's config, `taizhang render` writes it into the config it writes. It runs
last, on the converted page (raw HTML blocks already back in place); HTML the
hook puts back after conversion (set-aside fragments) was kept whole by the
core's page tree, and keep_whole leaves spans it made alone.
"""

from __future__ import annotations

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

from taizhang.render.html import keep_whole

NAME = "taizhang.render.whole"   # how a config names this extension


class _KeepWhole(Postprocessor):
    def run(self, text: str) -> str:
        return keep_whole(text)


class KeepWholeExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After the raw-HTML postprocessor (priority 30) and every other one.
        md.postprocessors.register(_KeepWhole(md), "taizhang_keep_whole", 1)


def makeExtension(**kwargs) -> KeepWholeExtension:
    return KeepWholeExtension(**kwargs)
