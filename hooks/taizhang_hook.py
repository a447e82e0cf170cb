"""MkDocs adapter: the only module that imports MkDocs (with its search half,
hooks/taizhang_search.py, which runs Material's search code in this process
or in a second one).

It only wires MkDocs events to the taizhang core (hooks/taizhang/): records
are checked once per build in on_config, their problems logged as
`records/…/X.md:LINE: …`; the core's page tree (taizhang.tree, the
same one `taizhang render DIR` writes out for engines without hooks) is
added as in-memory files in on_files; the downloads the core builds (in
this process after the pages, or in a second process meanwhile: under
`mkdocs serve` and with TAIZHANG_PROCESSES=2, taizhang.spawn.second_process)
are written in on_post_build. Nothing is written to docs/
or records/.

State: one taizhang.session.Session from on_startup to on_shutdown (what
`mkdocs serve` keeps between rebuilds: parsed records, the search worker,
what the last good build wrote) and one _Build from on_config to the end of
that build. No thread; nothing else outlives a build.

Speed (README 性能): each converted page goes to the search index (a second
process or InProcessSearch, which indexes after the pages); in a
dirty build (`mkdocs serve --dirty`) pages whose inputs did not change are
skipped (PageFile); the global navigation is rendered once per folder for
record pages (on_env); a record page's headings, ids and table of contents are
made by the core instead of Python-Markdown (on_page_markdown, on_page_content).

Memory (README 性能 47): MkDocs 1.x converts every page before it writes the
first; a page's set-aside HTML goes back only in on_page_context and its HTML
is let go once written (_Build.release_pages), a one-off build lets the ledger
go after on_files (kept only by the downloads), and the search index and the
downloads are written by what makes them (taizhang_search, export.background).
A one-off build runs in one process by default: any second process beside the
pages put the build over plain MkDocs' memory (issue #32 goal 4, README 性能 62).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import posixpath
import sys
from pathlib import Path

# A hook file can import sibling modules only when their folder is on the
# path; the core lives beside this file (and is installed as a package too).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mkdocs  # noqa: E402
from mkdocs.exceptions import Abort, PluginError  # noqa: E402
from mkdocs.structure.files import File, Files, InclusionLevel  # noqa: E402
from mkdocs.structure.pages import Page  # noqa: E402
from mkdocs.structure.toc import get_toc  # noqa: E402

from taizhang import collector, spawn  # noqa: E402
from taizhang.console import speak_chinese  # noqa: E402
from taizhang.errors import TaizhangError  # noqa: E402
from taizhang.fsutil import BROKEN_LINK_REASONS, WRITE_ERRORS, broken_link, write_reason  # noqa: E402
from taizhang.load import BIDI_CHARS, bidi_names, bidi_shown  # noqa: E402
from taizhang.problems import MESSAGES, PRIVATE_PLACES  # noqa: E402
from taizhang.project import RECORDS_DIR, analyse  # noqa: E402
from taizhang.publish import EVIDENCE_DIR, active_file, hidden_name, private_kind  # noqa: E402
from taizhang.render.headings import Headings  # noqa: E402
from taizhang.templatecache import bytecode_cache  # noqa: E402
from taizhang.render.html import fill_fragments, searched_fragments  # noqa: E402
from taizhang.render.urls import former_names_in_nav  # noqa: E402
from taizhang.tree import SITE_EXTENSIONS, archived_version, digest, site_extra, site_markdown, site_tree  # noqa: E402
from taizhang.session import Session  # noqa: E402
from taizhang.vocabulary import PROJECT_CONFIG  # noqa: E402
import taizhang_search  # noqa: E402
from taizhang_search import InProcessSearch, SearchWorker, enabled_plugin_config, search_inputs  # noqa: E402

log = logging.getLogger("mkdocs.hooks.taizhang")

NAV_CACHE_ENV = "TAIZHANG_NAV_CACHE"   # 0: Material renders the navigation on every page (tests compare)
# 0: a page's set-aside HTML goes back in on_page_content, its HTML is kept to the end of the build, and
# the ledger too (tests compare)
RELEASE_PAGES_ENV = "TAIZHANG_RELEASE_PAGES"
# Plugins known not to read a page's HTML between on_page_content and on_page_context
# (Material's search skips the pages its worker indexes) nor after the page is written.
PLUGINS_NOT_READING_HTML = {"material/search", "search", "material/offline", "offline"}
RECORD_HEADINGS_ENV = "TAIZHANG_RECORD_HEADINGS"   # 0: record pages are converted by Python-Markdown (tests compare)
_UNDECIDED = object()


class _Build:
    """What one build learned; made in on_config, dropped when the build ends."""

    def __init__(self, session: Session, analysis):
        self.session, self.analysis = session, analysis
        self.tree = None          # the core's page tree (taizhang.tree.SiteTree)
        self.search = None        # the SearchWorker indexing this build's pages, if any
        self.search_meta = {}     # page -> its own `search` meta, given back before templates run
        self.config = None
        self.files = None         # every file of this build (search order, dirty builds)
        self.nav = None
        self.nav_cache = {}
        self._site_key = None     # digest of what every page shares (see site_key)
        self.edit_base = None     # (edit URL of the docs folder, the project folder seen from docs/)
        self.headings = _UNDECIDED   # taizhang.render.headings.Headings for record pages, or None
        self.headings_checked = False   # the first page they made was compared with Python-Markdown
        self.converted = {}       # src_uri -> (Converted, its Markdown), from on_page_markdown to on_page_content
        self.release = None       # pages' HTML filled in on_page_context and let go once written (release_pages)
        self.unfilled = set()     # pages whose HTML waits for its set-aside blocks until on_page_context

    def release_pages(self, config) -> bool:
        """Decided once per build: whether a page's set-aside HTML may wait until
        its template is rendered, and its HTML be let go once written. MkDocs 1.x
        converts every page before it renders the first, so every page's HTML
        would otherwise be held at once; only when no plugin or other hook can read
        a page's HTML in between or afterwards (our hook is the last to see it)."""
        if self.release is None:
            plugins = {name for name in config.plugins if name not in config.hooks}   # hooks are plugins too
            self.release = (os.environ.get(RELEASE_PAGES_ENV) != "0" and mkdocs.__version__.startswith("1.6.")
                            and plugins <= PLUGINS_NOT_READING_HTML and len(config.hooks) == 1)
        return self.release

    def unchanged(self, src_uri: str, page_digest: str | None) -> bool:
        return self.session.unchanged(src_uri, self.site_key(), page_digest)

    def _nav_title(self, page) -> str | None:
        """What decides a nav page's title, the same whether or not the page was
        read yet in this build: for a page the tree generates, the title its nav
        entry names (if any) and its Markdown's heading line; else its title."""
        text = self.tree.pages.get(page.file.src_uri) if self.tree is not None else None
        if text is None:
            return page.title
        heading = next((line for line in text.splitlines() if line.startswith("# ")), "")
        return f"{vars(page).get('title')}|{heading}"

    def site_key(self) -> str:
        """What a page's HTML depends on besides itself: mkdocs.yml, the theme
        override, config.extra and the extra CSS/JS, and the navigation as shown
        (every nav page's title and URL; a generated page not yet read stands in
        with its heading line; any other unread title makes the key new)."""
        if self._site_key is None:
            config, parts = self.config, []
            with open(config.config_file_path, "rb") as f:
                parts.append(f.read().decode("utf-8", "replace"))
            custom = config.theme.custom_dir
            for folder, _, names in sorted(os.walk(custom)) if custom else ():
                for name in sorted(names):
                    stat = os.stat(os.path.join(folder, name))
                    parts.append(f"{os.path.join(folder, name)} {stat.st_size} {stat.st_mtime_ns}")
            parts += [repr(sorted(config.extra.items(), key=str)), repr(list(config.extra_css)),
                      repr([str(s) for s in config.extra_javascript]), repr(config.site_url)]
            titles = [self._nav_title(page) for page in self.nav.pages]
            parts += [f"{title}|{page.url}|{page.file.src_uri}" for title, page in zip(titles, self.nav.pages)]
            if None in titles:
                parts.append(repr(object()))   # never equal: rebuild every page
            self._site_key = digest(*parts)
        return self._site_key


_session: Session | None = None   # from on_startup to on_shutdown
_build: _Build | None = None      # from on_config to the end of that build


def on_startup(command, dirty):
    global _session
    _session = Session(serving=command == "serve", dirty=dirty)
    if (unknown := spawn.unknown_processes()) is not None:
        shown = "".join(c if c.isprintable() else "?" for c in unknown[:20]) + ("…" if len(unknown) > 20 else "")
        log.info(f"{spawn.PROCESSES_ENV}={shown} 无效：只能是 1（一个进程）或 2（搜索索引和下载文件另用两个进程）。"
                 "这次按默认处理：一次性构建一个进程，mkdocs serve 另用进程")
    # Run by `taizhang archive` (or mike under it): this build ends with that process.
    spawn.end_with_parent_if_asked()


def on_shutdown():
    global _session, _build
    if _session is not None and _session.search is not None:
        _session.search.stop()
    _session = _build = None


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config):
    global _session, _build
    if _session is None:   # built without on_startup (MkDocs' build() called directly)
        _session = Session()
    _session.begin_build()
    search = _start_search(config, _session)   # first: jieba loads its dictionary while the records are read
    try:
        # Parsed records are kept for the next rebuild only under `mkdocs serve`.
        keep = _session.serving or os.environ.get(RELEASE_PAGES_ENV) == "0"
        analysis = analyse(_root(config), cache=_session.parse_cache if keep else None)
        analysis.vocab.check_tables()      # every list's columns name values their rows have (file:LINE if not)
    except TaizhangError as exc:
        raise PluginError(f"taizhang 配置错误：{exc.format()}") from None
    for problem in analysis.problems:
        # Draft reminders are info: an imported ledger builds under --strict while it is completed.
        {"error": log.error, "warning": log.warning}.get(problem.severity, log.info)(problem.format())
    former = former_names_in_nav(config.nav)
    if former:
        raise PluginError("mkdocs.yml 的 nav 仍用生成页面以前的文件名：" + "、".join(
            f"{old} 改为 {new}" for old, new in former) + "（生成的页面现在都是文件夹里的 index.md，见 README“长期维护”）")
    if analysis.errors and config.strict:
        raise PluginError(f"台账检查未通过：{len(analysis.errors)} 个错误（见上）。改正后重新构建。")
    _stop_at_looping_folders(config)
    _build = _Build(_session, analysis)
    _build.search = search
    # Read by the theme override (hooks/theme/main.html) on every page; the same
    # entries `taizhang render` writes into its config.
    config.extra.update(site_extra(analysis, archived_version()))
    speak_chinese(logging.getLogger("mkdocs"), analysis.vocab)   # MkDocs' progress lines in Chinese
    for extension in SITE_EXTENSIONS:   # the same extensions and options `taizhang render` writes
        if extension not in config.markdown_extensions:
            config.markdown_extensions.append(extension)
    for extension, options in site_markdown(analysis).items():
        if extension in config.markdown_extensions:
            config.mdx_configs.setdefault(extension, {}).update(options)
    return config


def _start_search(config, session: Session):
    """Hand page indexing to the search worker when Material's search is on:
    a second process always under `mkdocs serve` (it keeps the entries of
    unchanged pages from rebuild to rebuild) and in a one-off build asked to use
    two (spawn.second_process), else the same indexing in this process: the
    least memory, and on one core a second process would only add its start-up
    and imports."""
    plugin_config = enabled_plugin_config(config)
    if plugin_config is None:
        return None
    worker = session.search
    if worker is None or not worker.alive() or worker.plugin_config != plugin_config:
        if worker is not None:
            worker.stop()
        alongside = session.serving or spawn.second_process()   # serve: the worker even on one CPU
        session.search = worker = (SearchWorker if alongside else InProcessSearch)(plugin_config)
        # A new worker knows no page: a dirty build must convert every page again.
        session.forget_written()
        log.debug("搜索索引在第二个进程中生成（hooks/taizhang_search.py）" if alongside else
                  ("只有一个处理器" if not spawn.spare_core() else
                   f"设了 {spawn.PROCESSES_ENV}=1 或 {spawn.ONE_PROCESS_ENV}=1" if spawn.asked_processes() == 1 else
                   f"一次性构建默认只用一个进程（内存最少；设 {spawn.PROCESSES_ENV}=2 可用第二个处理器）")
                  + "：搜索索引和下载文件在构建进程中生成（hooks/taizhang_search.py）")
    worker.begin()
    return worker


def on_files(files, config):
    _drop_outside_files(files, config)
    # Excel, Word, CSV and JSON: made in a second process meanwhile (serve, TAIZHANG_PROCESSES=2) or
    # in this one after the pages (export.background); written in on_post_build.
    tree = _build.tree = site_tree(_root(config), _build.analysis, dir_urls=config.use_directory_urls,
                                   site_name=config.site_name, version=archived_version(),
                                   serving=_session.serving)
    if not _session.serving and os.environ.get(RELEASE_PAGES_ENV) != "0":
        # The pages and the downloads are made (or hold the ledger themselves): a one-off
        # build need not keep the records while MkDocs converts and writes the pages.
        _build.analysis = None
    for css in tree.extra_css:
        if css not in config.extra_css:
            config.extra_css.append(css)
    for src_uri, text in tree.assets.items():
        files.append(File.generated(config, src_uri, content=text))
    for src_uri, text in tree.pages.items():
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            raise PluginError(f"docs/{src_uri} 与台账生成的页面同名：请改名或删除 docs/{src_uri}")
        inclusion = InclusionLevel.NOT_IN_NAV if src_uri in tree.record_files else InclusionLevel.UNDEFINED
        page = PageFile.generated(config, src_uri, content=text, inclusion=inclusion)
        if src_uri in tree.record_files:
            page.build, page.digest = _build, tree.digest(src_uri)
        files.append(page)
    if _lets_sources_go(config):
        # A record page's Markdown is held by its file alone from here (the tree keeps
        # the pages the navigation names): let go once read (on_page_markdown).
        _build.tree = dataclasses.replace(tree, pages={src_uri: text for src_uri, text in tree.pages.items()
                                                       if src_uri not in tree.record_files})
    if _session.dirty:
        # Pages of docs/ follow the dirty-build rule too (same files, same order).
        files = Files([_docs_page(f, config) if type(f) is File and f.is_documentation_page()
                       and not f.generated_by else f for f in files])
    _build.files = files
    return files


def _docs_page(file: File, config) -> PageFile:
    page = PageFile(file.src_path, file.src_dir, file.dest_dir, file.use_directory_urls,
                    dest_uri=file.dest_uri, inclusion=file.inclusion)
    page.build, page.docs = _build, True
    return page


class PageFile(File):
    """A page MkDocs may skip in a dirty build (`mkdocs serve --dirty`): it asks
    is_modified() only then, and skips reading, converting, rendering and
    writing the page when it is false. A generated record page (digest set)
    is unchanged when its Markdown and HTML, and everything every page shares
    (configuration, theme, navigation), are what the last good build wrote to
    the same place; a page of docs/ (docs set) when, besides, its source is
    older than its output. Other generated pages are always made."""

    build = None
    digest = None
    docs = False

    def is_modified(self) -> bool:
        if self.build is None:
            return True
        if self.docs:
            return super().is_modified() or not self.build.unchanged(self.src_uri, None)
        return not (os.path.isfile(self.abs_dest_path) and self.build.unchanged(self.src_uri, self.digest))


def on_nav(nav, config, files):
    _build.nav, _build.config = nav, config
    return nav


def _stop_at_looping_folders(config) -> None:
    """MkDocs walks docs/ following folder links: a link to its own or an
    enclosing folder would be walked forty levels deep, two such links 2⁴⁰
    times (the build never ends). Stop first, naming each."""
    docs = os.path.abspath(config.docs_dir)
    loops = []
    for folder, dirs, _ in os.walk(docs):   # never follows a linked folder
        loops += [os.path.join(folder, d) for d in sorted(dirs) if broken_link(os.path.join(folder, d)) == "loop"]
    if loops:
        raise PluginError("\n".join(
            f"docs/{os.path.relpath(p, docs).replace(os.sep, '/')} 是{BROKEN_LINK_REASONS['loop']}的文件夹链接"
            f"（指向 {os.readlink(p)}），MkDocs 会沿着它无穷地读下去：删除这个链接（规则 docs-symlink-broken）"
            for p in sorted(loops)))


def _drop_outside_files(files, config) -> None:
    """MkDocs copies docs/ following symlinks: a link (or linked folder) that
    leads outside the repository would publish that file; a dangling link or a
    loop of links would end the build with a traceback when copied; a folder
    link to an enclosing folder repeats docs/ forty levels deep. Leave each
    out, and say so (the checker reports the same links: docs-symlink, docs-symlink-broken)."""
    root = os.path.realpath(_root(config))
    docs = os.path.abspath(config.docs_dir) + os.sep
    folders: dict[str, str | None] = {}    # a folder on the way -> "loop" when it is a looping link
    told: set[str] = set()

    def leave_out(file, link: str, text: str) -> None:
        files.remove(file)
        if link not in told:
            told.add(link)
            log.warning(text)

    built = (os.path.realpath(config.site_dir),)
    for file in list(files):
        source = file.abs_src_path
        if not source or not os.path.abspath(source).startswith(docs):
            continue  # theme files come from the installed theme, not from docs/
        parts, folder, looped = os.path.abspath(source)[len(docs):].split(os.sep), docs.rstrip(os.sep), None
        for part in parts[:-1]:
            folder = os.path.join(folder, part)
            if folder not in folders:
                folders[folder] = broken_link(folder)
            if folders[folder] == "loop":
                looped = folder
                break
        real = os.path.realpath(source)
        if BIDI_CHARS.search(file.src_uri):   # the name shown is not the name written: never published
            message, fix = MESSAGES["bidi-name"]
            shown = bidi_shown(file.src_uri)
            leave_out(file, source, f"docs/{shown}: " + message.format(what="文件名", value=shown,
                      chars=bidi_names(file.src_uri)) + f" (bidi-name) — {fix}")
        elif file.src_uri.startswith(EVIDENCE_DIR) and active_file(file.src_uri):
            message, fix = MESSAGES["evidence-active"]
            leave_out(file, source, f"docs/{file.src_uri}: " + message.format(key=_build.analysis.vocab.key("evidence"), value=file.src_uri)
                      + f" (evidence-active) — {fix}")
        elif real != root and not real.startswith(root + os.sep):
            leave_out(file, source, f"docs/{file.src_uri} 是指向仓库之外（{real}）的符号链接，没有发布到网站："
                                    "把文件本身复制到仓库中，或删除这个链接")
        elif (private := "dot" if hidden_name(file.src_uri) else private_kind(real, root, built)) is not None:
            # .git, dot-files, virtual environments, build output: never published, even through a link
            message, fix = MESSAGES["docs-private"]
            leave_out(file, source, f"docs/{file.src_uri}: " + message.format(
                what=PRIVATE_PLACES[private], target=os.path.relpath(real, root)) + f" (docs-private) — {fix}")
        elif broken := looped or (source if broken_link(source) else None):
            rel = "docs/" + os.path.relpath(broken, docs).replace(os.sep, "/")
            why = BROKEN_LINK_REASONS[broken_link(broken) or "missing"]
            leave_out(file, broken, f"{rel} 是{why}的符号链接（指向 {os.readlink(broken)}），没有发布到网站："
                                    "删除这个链接，或改为仓库中的文件本身")


def on_page_markdown(markdown, page, config, files):
    """Record pages edit their own file under records/; generated pages cannot be edited.

    A record page's Markdown is headings and placeholders only: the core writes
    its HTML (taizhang.render.headings) and MkDocs converts an empty page; the
    HTML, table of contents and ids are the page's in on_page_content."""
    record_path = _build.tree.record_files.get(page.file.src_uri) if _build.tree else None
    if record_path:
        page.edit_url = _edit_url(config, record_path)
        headings = _record_headings(page, config) if "title" in page.meta else None
        converted = headings.convert(markdown) if headings is not None else None
        if converted is not None and not _build.headings_checked:
            _build.headings_checked = True
            if not headings.agrees(markdown, converted):
                log.debug("记录页的标题与 Python-Markdown 生成的不同：本次构建的记录页改由 Markdown 转换")
                _build.headings = converted = None
        if converted is not None:
            if _lets_sources_go(config):
                # Read once, never again in a one-off build: not held while the pages are written.
                page.file.content_string = ""
                markdown = None
            _build.converted[page.file.src_uri] = (converted, markdown)
            page.render = functools.partial(_render_empty, page)   # taken back in on_page_content
            return ""
    elif page.file.generated_by is not None:
        page.edit_url = None
    return markdown


def _record_headings(page, config) -> Headings | None:
    """Decided once per build: the core's headings when MkDocs' render is the
    one they stand in for (MkDocs 1.6's own Page; under ProperDocs 1.6, whose
    Page.render is the same, `mkdocs` is ProperDocs), no other plugin reads a
    record page's Markdown after this hook or its HTML before it, and the
    configured extensions are ones the core reproduces. The first page they
    convert is also converted by Python-Markdown as installed: any difference
    and the build's record pages go through Markdown."""
    if _build.headings is _UNDECIDED:
        events = config.plugins.events
        headings = None
        if (os.environ.get(RECORD_HEADINGS_ENV) != "0" and mkdocs.__version__.startswith("1.6.") and type(page) is Page
                and events["page_markdown"][-1:] == [on_page_markdown] and events["page_content"][:1] == [on_page_content]):
            headings = Headings.for_config(config.markdown_extensions, config.mdx_configs)
        log.debug("记录页的标题、目录由 taizhang 生成" if headings is not None else "记录页由 Python-Markdown 转换")
        _build.headings = headings
    return _build.headings


def _edit_url(config, record_path: str) -> str | None:
    if not config.repo_url or config.edit_uri is None:
        return None
    from urllib.parse import quote, urljoin
    if _build.edit_base is None:   # the same for every page of the build
        base = urljoin(config.repo_url.rstrip("/") + "/", config.edit_uri.lstrip("/"))
        _build.edit_base = (base if base.endswith("/") else base + "/",
                            os.path.relpath(_root(config), config.docs_dir))
    base, root_from_docs = _build.edit_base
    docs_rel = os.path.normpath(os.path.join(root_from_docs, record_path)).replace(os.sep, "/")
    # Themes print edit_url into href="…" unescaped: a folder named `x" onfocus=…`
    # must stay inside the attribute, so every character but / is percent-encoded.
    return urljoin(base, quote(docs_rel, safe="/"))


def on_page_content(html, page, config, files):
    converted = _build.converted.pop(page.file.src_uri, None) if _build.converted else None
    if converted is not None:
        _converted_page(page, *converted)
        html = converted[0].html
    fragments = _build.tree.fragments.get(page.file.src_uri) if _build.tree else None
    if _build.search is not None:
        # The index reads the page without its unsearched blocks: they need no parsing.
        inputs = search_inputs(page, fill_fragments(html, searched_fragments(fragments)) if fragments else html)
        _build.search.add(page.file.src_uri, inputs)   # None: excluded from search
        if inputs is not None:
            _build.search_meta[page.file.src_uri] = page.meta.get("search", _ABSENT)
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}   # Material skips it
    if fragments and _build.release_pages(config) and _unread_until_rendered(page):
        # The blocks go back in on_page_context: until then the page holds its short HTML only.
        _build.unfilled.add(page.file.src_uri)
        return html
    # Ids and dates are kept on one line by the Markdown extension (SITE_EXTENSIONS) and the tree.
    return fill_fragments(html, fragments) if fragments else html


# A one-off build lets a record page's Markdown go once the page is converted (the
# file's generated text and page.markdown: about 10 MB at 5,000 records), as it lets
# the pages go once written (_let_pages_go). False: kept to the end (tests compare).
RELEASE_SOURCES = True


def _lets_sources_go(config) -> bool:
    """Whether record pages' Markdown is let go once read: a one-off build where no
    other plugin or hook can read a page (release_pages)."""
    return RELEASE_SOURCES and not _session.serving and _build.release_pages(config)


def _unread_until_rendered(page) -> bool:
    """Nothing reads this page's HTML before our on_page_context: no search
    plugin, or Material's search skips it, since its meta says `search: exclude`
    (the worker indexed it, or its own front matter excludes it)."""
    if _build.search is None:   # no worker: a search plugin indexes the page's HTML itself
        return not any(name in ("search", "material/search") for name in _build.config.plugins)
    search = page.meta.get("search")
    return isinstance(search, dict) and search.get("exclude") is True


_ABSENT = object()


_PAGES_LOG = logging.getLogger("mkdocs.structure.pages")


def _render_empty(page, config, files) -> None:
    """What MkDocs 1.6's Page.render sets for the empty page a record page now
    hands it (no content, no table of contents, no title from a heading, no
    anchor ids, no links to anchors), without the Markdown instance with every
    extension it would make for that (0.15 ms a page); on_page_content then sets
    the page's own. tests/test_record_headings.py compares it with Page.render."""
    page.content = ""
    page.toc = get_toc([])
    page._title_from_render = None
    page.present_anchor_ids = set()
    if _PAGES_LOG.getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = {}


def _converted_page(page, converted, markdown: str | None) -> None:
    """What MkDocs' Page.render would have set from the page's Markdown (its
    title is the front matter's): the table of contents, the ids anchors may
    point to, and the ¶ links to them (kept only when MkDocs keeps them).
    markdown None: let go (_lets_sources_go), the page keeps the empty Markdown
    it was converted from."""
    page.__dict__.pop("render", None)
    if markdown is not None:
        page.markdown = markdown
    page.toc = get_toc(converted.toc_tokens)
    page.present_anchor_ids = set(converted.ids)
    if page.links_to_anchors is not None and converted.self_links:
        page.links_to_anchors = {page.file: {href[1:]: href for href in converted.self_links}}


def on_page_context(context, page, config, nav):
    """Material's search has passed the page by: give it its own meta back,
    since templates test `page.meta` (an empty meta renders differently)."""
    original = _build.search_meta.pop(page.file.src_uri, None) if _build.search_meta else None
    if original is _ABSENT:
        del page.meta["search"]
    elif original is not None:
        page.meta["search"] = original
    if page.file.src_uri in _build.unfilled:
        _build.unfilled.discard(page.file.src_uri)
        page.content = fill_fragments(page.content, _build.tree.fragments.pop(page.file.src_uri))
    return context


def on_post_page(output, page, config):
    """Written next: the page's HTML is in output; MkDocs 1.x would keep every
    page's HTML to the end of the build (release_pages)."""
    if _build is not None and _build.release and page.content is not None:
        page.content = None
    return output


# Material's partials whose HTML on a page outside the nav depends only on the page's folder
# (links are relative; no item is active; such a page has no previous or next page).
CACHED_PARTIALS = {"partials/nav.html": "taizhang_nav", "partials/tabs.html": "taizhang_tabs",
                   "partials/search.html": "taizhang_search_box", "partials/source.html": "taizhang_source",
                   "partials/footer.html": "taizhang_footer"}


def on_env(env, config, files):
    """The global navigation, the tabs, the search box, the repository link
    and the footer are much of Jinja's work on record pages: render each from
    Material's own template, once per folder for pages outside the nav. The
    theme's partials are replaced, in this build's Jinja environment only, by
    calls to taizhang_nav, taizhang_tabs, … (no theme file needs the hook)."""
    import jinja2

    # MkDocs makes a new Jinja environment for every build, and compiled the
    # theme's templates again each time (0.15 s CPU; about a second under serve).
    if _session.templates is None:
        _session.templates = bytecode_cache()
    env.bytecode_cache = _session.templates
    if os.environ.get(NAV_CACHE_ENV) == "0":
        return env
    replaced = {}
    for name, function in CACHED_PARTIALS.items():
        source = next((os.path.join(d, name) for d in config.theme.dirs if os.path.isfile(os.path.join(d, name))), None)
        if source is None:
            continue
        with open(source, encoding="utf-8") as f:
            template = env.from_string(f.read())
        env.globals[function] = _rendered_once_per_folder(template, _build.nav_cache.setdefault(name, {}))
        replaced[name] = "{{- " + function + "() -}}"
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader(replaced), env.loader])
    return env


def _rendered_once_per_folder(template, cache: dict):
    import jinja2

    nav_folders: dict = {}   # nav -> every "…/" a nav page's URL starts with (one nav per build)

    @jinja2.pass_context
    def render(context):
        page, nav = context.get("page"), context.get("nav")
        if page is None or nav is None or not page.file.inclusion.is_not_in_nav():
            return template.render(context.get_all())
        # A page outside the nav activates no item; its links to the nav pages are the
        # same as its siblings' unless one of those pages lies under its own folder
        # (a nav page's URL starts with it: the folder is one of its "…/" prefixes).
        folder = page.url if page.url.endswith("/") else posixpath.dirname(page.url) + "/"
        folders = nav_folders.get(id(nav))
        if folders is None:
            nav_folders.clear()
            folders = nav_folders[id(nav)] = {p.url[:i + 1] for p in nav.pages for i, c in enumerate(p.url) if c == "/"}
        if folder in folders:
            return template.render(context.get_all())
        key = posixpath.dirname(folder.rstrip("/"))
        if key not in cache:
            cache[key] = template.render(context.get_all())
        return cache[key]

    return render


def on_post_build(config):
    global _build
    build, session = _build, _session
    # After Material's search wrote its (now empty) index, before the offline plugin inlines it.
    if not session.serving:
        if build.release_pages(config):
            _let_pages_go(build.files)
        # The pages are written: what they held goes back to the system before the
        # index (in one process: jieba's dictionary) and the downloads take theirs.
        collector.give_back()
    if build.search is not None:
        # Every page in build order; a dirty build did not convert unchanged pages: their entries are kept.
        order = [f.src_uri for f in build.files if f.is_documentation_page()]
        target = Path(config.site_dir) / "search" / "search_index.json"
        try:
            if taizhang_search.WRITE_WHERE_MADE:
                build.search.write(order, str(target), keep_unsent=session.dirty)
            else:
                _write(target, build.search.finish(order, keep_unsent=session.dirty).encode("utf-8"))
        except RuntimeError as exc:
            raise PluginError(str(exc)) from None
        if not session.serving:
            # A one-off build: the worker is done (and its CPU is counted as the build's).
            session.search.stop()
            session.search = None
            collector.give_back()
    try:
        # Each file moved or written into the site and let go (export.background).
        build.tree.downloads.write_into(Path(config.site_dir))
    except RuntimeError as exc:
        if not session.serving:
            raise PluginError(str(exc)) from None
        log.error(str(exc))
    session.end_build({f.src_uri: (build.site_key(), f.digest) for f in build.files
                       if isinstance(f, PageFile) and f.build is not None})
    _build = None


def _let_pages_go(files) -> None:
    """A one-off build's pages are written and MkDocs has checked their anchors: their
    Markdown, HTML, table of contents and anchors are let go before the index and the
    downloads are made (at 5,000 records some 25 MB of small objects; the downloads,
    made after, peaked 25 MB higher with them). Only when no plugin but the known ones
    can read a page after this, and not with TAIZHANG_RELEASE_PAGES=0 (release_pages):
    our hook's on_post_build is the last."""
    for file in files:
        page = file.page
        if page is not None:
            page.markdown = page.content = page.present_anchor_ids = page.links_to_anchors = None
            page.toc = get_toc([])


def on_build_error(error):
    global _build
    _build = None
    if isinstance(error, OSError) and error.errno in WRITE_ERRORS:
        # A full disk or a file-size limit while writing the site: one line naming the file, not a traceback.
        raise Abort(f"构建失败：无法写入 {error.filename2 or error.filename or '网站文件夹'}（{write_reason(error)}）："
                    "网站没有生成完整，腾出磁盘空间后重新构建") from None


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def on_serve(server, config, builder):
    root = _root(config)
    server.watch(str(root / RECORDS_DIR))
    if (root / PROJECT_CONFIG).exists():
        server.watch(str(root / PROJECT_CONFIG))
    return server
