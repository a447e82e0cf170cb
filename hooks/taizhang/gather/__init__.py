"""`taizhang gather`: many units' ledgers gathered into one overview site.

Pipeline (one module per stage):
  sources  — sources file and command-line locations → Source; each source
             (site folder, records.json, ledger clone) → Loaded or Issue
  schema   — records.json checked against records.schema.json and its version
  figures  — per-unit figures, areas across units, overdue, repeats → Overview
  pages    — the overview's Markdown pages
  workbook — 督查总览.xlsx
  this     — writes a MkDocs project (mkdocs.yml, docs/) into the output
             folder; `mkdocs build --strict` there builds the site, with the
             unit sites' theme, offline settings, search and table scripts.
The output folder is gather's own: it refuses a folder it did not make and
replaces only what it made before (mkdocs.yml, docs/, hooks/, fragments/, site/).
"""

from __future__ import annotations

import datetime as dt
import errno
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from taizhang import spawn
from taizhang.errors import TaizhangError
from taizhang.fsutil import write_reason
from taizhang.gather.figures import Overview, build_overview
from taizhang.gather.pages import WORKBOOK, nav, OverviewPages, render_pages, safe_title
from taizhang.gather.sources import SourcesError, collect_sources, load_source
from taizhang.gather.workbook import build_overview_workbook
from taizhang.project import resolve_today
from taizhang.render.colours import COLOURS_CSS, colours_css
from taizhang.vocabulary import load_vocabulary

MARKER = ".taizhang-gather"
# The unit sites' styles and scripts, shipped inside the package (taizhang/assets:
# in a checkout a link to docs/assets, in an installed wheel the files themselves).
REPO_ASSETS = Path(__file__).resolve().parents[1] / "assets"
ASSET_FILES = ("taizhang.css", "taizhang.js", "vendor")
GENERATED = ("mkdocs.yml", "docs", "site", "hooks", "fragments", "theme")
FRAGMENTS = "fragments"

# The overview's only hook: put the set-aside table HTML back after Markdown.
HOOK = '''"""督查总览：把 taizhang gather 放在 fragments/ 中的表格 HTML 填回页面（不经 Markdown 解析）。
由 taizhang gather 生成，重新汇总时替换。"""

import json
import logging
from pathlib import Path

from taizhang.render.html import fill_fragments

FRAGMENTS = Path(__file__).resolve().parent.parent / "fragments"


def on_config(config):
    # jieba (the search's Chinese word splitter) announces its dictionary in English on every build
    try:
        import jieba
    except ImportError:
        return config
    jieba.setLogLevel(logging.WARNING)   # its warnings stay
    return config


def on_page_content(html, page, config, files):
    path = FRAGMENTS / (page.file.src_uri + ".json")
    if not path.is_file():
        return html
    return fill_fragments(html, json.loads(path.read_text(encoding="utf-8")))
'''


__all__ = ["GatherError", "SourcesError", "Gathered", "gather", "build_site"]


class GatherError(TaizhangError):
    """The overview cannot be written (the output folder, the theme assets)."""


@dataclass(frozen=True)
class Gathered:
    overview: Overview
    out_dir: Path


MKDOCS_YML = """\
# 督查总览网站配置：由 taizhang gather 生成，重新汇总时会被替换，请勿手工修改。
site_name: {site_name}
site_description: {site_description}
docs_dir: docs
hooks:
  - hooks/overview_hook.py
use_directory_urls: false    # 在线和离线（file://）使用同样的链接
not_in_nav: |
  /units/

theme:
  name: material
  language: zh
  custom_dir: theme      # the 404 page in Chinese
  font: false            # 内网：不加载网络字体
  features:
    - navigation.tabs
    - navigation.top
    - search.highlight

extra:
  generator: false
  polyfills:
    - assets/vendor/iframe-worker/shim.js

extra_css:
  - assets/taizhang.css
  - assets/taizhang-colours.css

extra_javascript:
  - assets/vendor/tablesort/tablesort.min.js
  - assets/vendor/tablesort/tablesort.number.min.js
  - assets/taizhang.js

plugins:
  - search:
      lang: zh
      separator: '[\\s\\u200b\\-_,:!=\\[\\]()"`/]+|\\.(?!\\d)|&[lg]t;|(?!\\b)(?=[A-Z][a-z])'
  # 离线版：TAIZHANG_OFFLINE=true mkdocs build，生成可直接用浏览器打开（file://）的网站
  - offline:
      enabled: !ENV [TAIZHANG_OFFLINE, false]

markdown_extensions:
  - tables
  - attr_list
  - admonition
  - toc:
      permalink: true
      permalink_title: {permalink_title}
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds:
          case: lower

validation:
  nav:
    omitted_files: info
  links:
    not_found: warn
    anchors: warn

nav:
{nav}
"""


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def mkdocs_yml(title: str, vocab) -> str:
    tabs = "\n".join(f"  - {_yaml_text(label)}: {src}" for label, src in nav(vocab))
    return MKDOCS_YML.format(site_name=_yaml_text(safe_title(title)), nav=tabs,
                             site_description=_yaml_text(vocab.phrase("overview_description")),
                             permalink_title=_yaml_text(vocab.phrase("permalink_title")))


def not_found_html(vocab) -> str:
    """The overview's 404 page (a theme override), in the vocabulary's words;
    braces escaped too, since the theme reads it as a Jinja template."""
    def text(name: str) -> str:
        return html.escape(vocab.phrase(name)).replace("{", "&#123;").replace("}", "&#125;")
    return ('{% extends "main.html" %}\n{% block content %}\n'
            f'  <h1>404 {text("not_found_title")}</h1>\n  <p>{text("not_found_text")}</p>\n'
            '{% endblock %}\n')


def _prepare(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise GatherError(f"{out_dir} 已存在且不是文件夹")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise GatherError(f"{out_dir} 不是空文件夹，也不是以前汇总生成的文件夹（没有 {MARKER}）："
                          "为免覆盖其中的文件，请换一个新文件夹")
    if not all((REPO_ASSETS / name).exists() for name in ASSET_FILES):
        raise GatherError(f"找不到网站样式和脚本（{REPO_ASSETS}）：taizhang 安装不完整，请重新安装（pip install taizhang 或在仓库中 pip install -e .）")


def gather(arguments: list[str], out_dir: Path, today: dt.date | None = None, title: str | None = None,
           config_dir: Path | None = None) -> Gathered:
    """Read every source, write the overview project into `out_dir`; the words and the tables' columns
    are the vocabulary's, with the taizhang.yml in `config_dir` (if there is one) laid over it."""
    out_dir = Path(out_dir)
    _prepare(out_dir)
    listed = collect_sources(arguments)
    if not listed.sources:
        raise SourcesError("没有给出任何来源：写出来源清单（.yml）或各单位网站文件夹的路径")
    day = resolve_today([], today)
    vocab = load_vocabulary(config_dir)
    results = [load_source(source, day) for source in listed.sources]
    overview = build_overview(title or listed.title or vocab.phrase("overview_title"), day, vocab, results)
    rendered = render_pages(overview, vocab, str((out_dir / "site").resolve()))
    made = not out_dir.exists()
    try:
        workbook = build_overview_workbook(overview, vocab)     # openpyxl writes temporary files too
        _write(out_dir, overview, rendered, workbook, vocab)
    except Exception as exc:      # a full disk, a quota, a read-only folder: the staging folder is gone already
        lxml_io = type(exc).__name__ == "SerialisationError" and str(exc).startswith("IO_")   # openpyxl's temp files
        if not isinstance(exc, OSError) and not lxml_io:
            raise
        if made:
            shutil.rmtree(out_dir, ignore_errors=True)
        if isinstance(exc, shutil.Error) and exc.args and exc.args[0]:   # copytree: (source, target, why) per file
            _, where, why = exc.args[0][0]
        elif lxml_io:
            number = getattr(errno, str(exc)[3:], errno.EIO)
            where, why = "生成督查总览.xlsx 的临时文件", write_reason(OSError(number, str(exc)))
        else:
            where, why = exc.filename2 or exc.filename or out_dir, write_reason(exc)   # a copy names its source first
        where = re.sub(r"[/\\]\.gather-[^/\\]+", "", str(where))    # the file as it would have been named
        raise GatherError(f"无法写入 {where}（{why}）：总览没有写出，{out_dir} 保持原样") from None
    return Gathered(overview, out_dir)


def _write(out_dir: Path, overview: Overview, rendered: OverviewPages, workbook: bytes, vocab) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".gather-", dir=out_dir))
    try:
        docs = staging / "docs"
        for src, text in rendered.pages.items():
            path = docs / src
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for src, fragments in rendered.fragments.items():
            path = staging / FRAGMENTS / (src + ".json")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(fragments, ensure_ascii=False), encoding="utf-8")
        (staging / "hooks").mkdir()
        (staging / "hooks" / "overview_hook.py").write_text(HOOK, encoding="utf-8")
        assets = docs / "assets"
        assets.mkdir(parents=True)
        for name in ASSET_FILES:
            source = REPO_ASSETS / name
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, assets / name)
        # The states' colours, from the same vocabulary as the units' sites.
        (docs / COLOURS_CSS).write_text(colours_css(vocab), encoding="utf-8")
        (docs / WORKBOOK).parent.mkdir(parents=True, exist_ok=True)
        (docs / WORKBOOK).write_bytes(workbook)
        (staging / "mkdocs.yml").write_text(mkdocs_yml(overview.title, vocab), encoding="utf-8")
        (staging / "theme").mkdir()
        (staging / "theme" / "404.html").write_text(not_found_html(vocab), encoding="utf-8")
        (out_dir / MARKER).write_text("本文件夹由 taizhang gather 生成；重新汇总时替换 mkdocs.yml、docs/、hooks/、fragments/ 和 site/。\n",
                                      encoding="utf-8")
        for name in GENERATED:
            old = out_dir / name
            if old.is_dir():
                shutil.rmtree(old)
            elif old.exists():
                old.unlink()
        for name in ("docs", "hooks", FRAGMENTS, "mkdocs.yml", "theme"):
            if (staging / name).exists():
                os.replace(staging / name, out_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def build_site(out_dir: Path, offline: bool = False) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` in the overview project (MkDocs runs in its own process)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if offline:
        env["TAIZHANG_OFFLINE"] = "true"
    return spawn.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=out_dir, env=env,
                          capture_output=True, text=True)
