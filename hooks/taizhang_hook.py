"""MkDocs adapter: the only module that imports MkDocs (its search worker,
hooks/taizhang_search.py, runs Material's search code in a second process).

It translates MkDocs events into calls on the taizhang core (hooks/taizhang/)
and back: records are checked once per build in on_config, their problems
logged as `records/…/X.md:LINE: …`, and every generated page is added as an
in-memory file in on_files. Nothing is written to docs/ or records/.

Speed (README 性能): each converted page goes to the search worker; record
pages are RecordPageFile, which a dirty build (`mkdocs serve --dirty`) skips
while nothing they are made from changed; the global navigation is rendered
once per folder for record pages (on_env).
"""

from __future__ import annotations

import logging
import os
import posixpath
import sys
import threading
from pathlib import Path

# A hook file can import sibling modules only when their folder is on the
# path; the core lives beside this file (and is installed as a package too).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File, InclusionLevel  # noqa: E402

from taizhang import spawn  # noqa: E402
from taizhang.archive import archived_rounds  # noqa: E402
from taizhang.export.background import Background  # noqa: E402
from taizhang.history import read_history  # noqa: E402
from taizhang.errors import TaizhangError  # noqa: E402
from taizhang.fsutil import BROKEN_LINK_REASONS, broken_link  # noqa: E402
from taizhang.project import RECORDS_DIR, ParseCache, analyse  # noqa: E402
from taizhang.render.html import fill_fragments, searched_fragments  # noqa: E402
from taizhang.render.rounds import ArchiveView  # noqa: E402
from taizhang.render.printing import PRINT_CSS, print_css  # noqa: E402
from taizhang.render.site import render_site  # noqa: E402
from taizhang.views import sample_notice  # noqa: E402
from taizhang.vocabulary import PROJECT_CONFIG  # noqa: E402
from taizhang_search import SearchWorker, enabled_plugin_config, search_inputs  # noqa: E402

log = logging.getLogger("mkdocs.hooks.taizhang")


class _Build:
    """What one build learned; replaced at every on_config (serve rebuilds)."""

    analysis = None
    history = None
    site = None
    downloads = None
    nav_cache = None
    search = None         # the SearchWorker indexing this build's pages, if any
    search_meta = None    # page -> its own `search` meta, given back before templates run
    config = None
    files = None          # every file of this build (search order, dirty builds)
    nav = None
    site_key = None       # digest of what every record page shares (see _site_key)
    written_before = {}   # what the last good build wrote (taken from _session: a failed build leaves none)


_build = _Build()
# State meant to outlive a build (`mkdocs serve` keeps this module loaded):
# parsed records reused while their bytes are unchanged (see ParseCache), the
# search worker with its entries of unchanged pages and jieba's dictionary
# (see taizhang_search), and _Session below.
_parse_cache = ParseCache()
_search_worker = None


class _Session:
    """How MkDocs runs this process (on_startup), and what the last good build
    wrote, for `mkdocs serve --dirty`: record page -> (site key, page digest)."""

    serving = False
    dirty = False
    written: dict = {}
    builds = 0            # finished builds; under serve --dirty, rebuilds do not wait for downloads
    templates = None      # Jinja's compiled templates (MkDocs makes a new environment per build)


_session = _Session()


def _compiled_templates():
    """Jinja's compiled templates kept in memory across builds; Jinja checks each
    template's source checksum before reusing it."""
    import jinja2

    class MemoryBytecodeCache(jinja2.BytecodeCache):
        def __init__(self):
            self.store = {}

        def load_bytecode(self, bucket):
            if bucket.key in self.store:
                bucket.bytecode_from_string(self.store[bucket.key])

        def dump_bytecode(self, bucket):
            self.store[bucket.key] = bucket.bytecode_to_string()

    return MemoryBytecodeCache()


_session.templates = _compiled_templates()


def on_startup(command, dirty):
    _session.serving, _session.dirty = command == "serve", dirty
    # Run by `taizhang archive` (or mike under it): this build ends with that process.
    spawn.end_with_parent_if_asked()


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


MIKE_VERSION_ENV = "MIKE_DOCS_VERSION"   # set by mike while it builds a version


def on_config(config):
    global _build
    _build = _Build()
    _build.written_before, _session.written = _session.written, {}
    _start_search(config)   # first: jieba loads its dictionary while the records are read
    if os.environ.get(MIKE_VERSION_ENV):
        # Built as an archived round: Material's version selector and the
        # "archived round" banner read versions.json, which only mike writes.
        config.extra["version"] = {"provider": "mike", "default": "latest", "alias": True}
    try:
        analysis = analyse(_root(config), cache=_parse_cache)
    except TaizhangError as exc:
        raise PluginError(f"taizhang 配置错误：{exc.format()}") from None
    for problem in analysis.problems:
        # Draft reminders are info: an imported ledger builds under --strict while it is completed.
        {"error": log.error, "warning": log.warning}.get(problem.severity, log.info)(problem.format())
    if analysis.errors and config.strict:
        raise PluginError(f"台账检查未通过：{len(analysis.errors)} 个错误（见上）。改正后重新构建。")
    _stop_at_looping_folders(config)
    _build.analysis = analysis
    _build.history = read_history(_root(config), RECORDS_DIR, analysis.vocab)
    # Read by the theme override (hooks/theme/main.html) on every page.
    config.extra["taizhang_sample_notice"] = sample_notice(analysis.ledger)
    if PRINT_CSS not in config.extra_css:
        config.extra_css.append(PRINT_CSS)
    return config


def _start_search(config) -> None:
    """Hand page indexing to the search worker when Material's search is on."""
    global _search_worker
    plugin_config = enabled_plugin_config(config)
    if plugin_config is None:
        return
    if _search_worker is None or not _search_worker.alive() or _search_worker.plugin_config != plugin_config:
        if _search_worker is not None:
            _search_worker.stop()
        _search_worker = SearchWorker(plugin_config)
        # A new worker knows no page: a dirty build must convert every page again.
        _build.written_before = {}
    _search_worker.begin()
    _build.search, _build.search_meta = _search_worker, {}
    log.debug("搜索索引在第二个进程中生成（hooks/taizhang_search.py）")


def _stop_search() -> None:
    global _search_worker
    if _search_worker is not None:
        _search_worker.stop()
        _search_worker = None


def on_files(files, config):
    _drop_outside_files(files, config)
    ledger = _build.analysis.ledger
    # Excel, Word, CSV and JSON build in a second process meanwhile; written in on_post_build.
    _build.downloads = Background(_root(config), ledger.today, ledger.shown_round)
    # Built by mike: archived rounds are sibling folders (../<round-id>/), so 各轮概览 links them.
    archive = ArchiveView(archived_rounds(_root(config)), os.environ.get(MIKE_VERSION_ENV) or None)
    _build.site = render_site(_build.analysis, dir_urls=config.use_directory_urls, history=_build.history,
                              set_aside_html=True, archive=archive)
    files.append(File.generated(config, PRINT_CSS, content=print_css(ledger, config.site_name)))
    for src_uri, text in _build.site.pages.items():
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            raise PluginError(f"docs/{src_uri} 与台账生成的页面同名：请改名或删除 docs/{src_uri}")
        if src_uri in _build.site.record_files:
            page = RecordPageFile.generated(config, src_uri, content=text, inclusion=InclusionLevel.NOT_IN_NAV)
            page.digest = _digest(src_uri, _build.site.record_files[src_uri], text,
                                  *_build.site.fragments.get(src_uri, ()))
            files.append(page)
        else:
            files.append(File.generated(config, src_uri, content=text))
    if _session.dirty:
        for file in files.documentation_pages(inclusion=lambda level: True):
            if type(file) is File and not file.generated_by:
                file.__class__ = DocsPageFile   # same file, with the dirty-build rule below
    _build.files = files
    return files


class RecordPageFile(File):
    """A generated record page. MkDocs asks is_modified() only in a dirty build
    (`mkdocs serve --dirty`) and then skips reading, converting, rendering and
    writing the page when it is false: here, when the page's Markdown and HTML,
    and everything around it every record page shares (configuration, theme,
    navigation), are what the last good build wrote to the same place."""

    digest = None

    def is_modified(self) -> bool:
        return not (_session.dirty and os.path.isfile(self.abs_dest_path)
                    and _build.written_before.get(self.src_uri) == (_site_key(), self.digest))


class DocsPageFile(File):
    """A page of docs/ in a dirty build: MkDocs rebuilds it when its source is
    newer than its output; it also depends on what every page shares."""

    digest = None

    def is_modified(self) -> bool:
        return super().is_modified() or _build.written_before.get(self.src_uri) != (_site_key(), None)


def _digest(*parts: str) -> str:
    import hashlib
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _site_key() -> str:
    """What a record page's HTML depends on besides itself: mkdocs.yml, the theme
    override, config.extra and the extra CSS/JS, and the navigation as shown
    (every nav page's title and URL: record pages come after the nav pages, so
    these are read by then; an unread title makes the key new)."""
    if _build.site_key is None:
        config, parts = _build.config, []
        with open(config.config_file_path, "rb") as f:
            parts.append(f.read().decode("utf-8", "replace"))
        custom = config.theme.custom_dir
        for folder, _, names in sorted(os.walk(custom)) if custom else ():
            for name in sorted(names):
                stat = os.stat(os.path.join(folder, name))
                parts.append(f"{os.path.join(folder, name)} {stat.st_size} {stat.st_mtime_ns}")
        parts += [repr(sorted(config.extra.items(), key=str)), repr(list(config.extra_css)),
                  repr([str(s) for s in config.extra_javascript]), repr(config.site_url)]
        parts += [f"{page.title}|{page.url}|{page.file.src_uri}" for page in _build.nav.pages]
        if any(page.title is None for page in _build.nav.pages):
            parts.append(repr(object()))   # never equal: rebuild every page
        _build.site_key = _digest(*parts)
    return _build.site_key


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
        broken = looped or (source if broken_link(source) else None)
        if broken:
            rel = "docs/" + os.path.relpath(broken, docs).replace(os.sep, "/")
            why = BROKEN_LINK_REASONS[broken_link(broken) or "missing"]
            leave_out(file, broken, f"{rel} 是{why}的符号链接（指向 {os.readlink(broken)}），没有发布到网站："
                                    "删除这个链接，或改为仓库中的文件本身")
            continue
        real = os.path.realpath(source)
        if real != root and not real.startswith(root + os.sep):
            leave_out(file, source, f"docs/{file.src_uri} 是指向仓库之外（{real}）的符号链接，没有发布到网站："
                                    "把文件本身复制到仓库中，或删除这个链接")


def on_page_markdown(markdown, page, config, files):
    """Record pages edit their own file under records/; generated pages cannot be edited."""
    record_path = _build.site.record_files.get(page.file.src_uri) if _build.site else None
    if record_path:
        page.edit_url = _edit_url(config, record_path)
    elif page.file.generated_by is not None:
        page.edit_url = None
    return markdown


def _edit_url(config, record_path: str) -> str | None:
    if not config.repo_url or config.edit_uri is None:
        return None
    from urllib.parse import quote, urljoin
    base = urljoin(config.repo_url.rstrip("/") + "/", config.edit_uri.lstrip("/"))
    docs_rel = os.path.relpath(_root(config) / record_path, config.docs_dir).replace(os.sep, "/")
    # Themes print edit_url into href="…" unescaped: a folder named `x" onfocus=…`
    # must stay inside the attribute, so every character but / is percent-encoded.
    return urljoin(base if base.endswith("/") else base + "/", quote(docs_rel, safe="/"))


def on_page_content(html, page, config, files):
    fragments = _build.site.fragments.get(page.file.src_uri) if _build.site else None
    if _build.search is not None:
        # The index reads the page without its unsearched blocks: they need no parsing.
        inputs = search_inputs(page, fill_fragments(html, searched_fragments(fragments)) if fragments else html)
        _build.search.add(page.file.src_uri, inputs)   # None: excluded from search
        if inputs is not None:
            _build.search_meta[page.file.src_uri] = page.meta.get("search", _ABSENT)
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}   # Material skips it
    return fill_fragments(html, fragments) if fragments else html


_ABSENT = object()


def on_page_context(context, page, config, nav):
    """Material's search has passed the page by: give it its own meta back,
    since templates test `page.meta` (an empty meta renders differently)."""
    original = _build.search_meta.pop(page.file.src_uri, None) if _build.search_meta else None
    if original is _ABSENT:
        del page.meta["search"]
    elif original is not None:
        page.meta["search"] = original
    return context


NAV_TEMPLATE = "partials/nav.html"


def on_env(env, config, files):
    """The global navigation is most of Jinja's work on record pages: render it
    from Material's own template, once per folder for pages outside the nav
    (hooks/theme/partials/nav.html calls this instead of including it)."""
    import jinja2

    custom = os.path.abspath(config.theme.custom_dir) if config.theme.custom_dir else None
    source = next(os.path.join(d, NAV_TEMPLATE) for d in config.theme.dirs
                  if os.path.abspath(d) != custom and os.path.isfile(os.path.join(d, NAV_TEMPLATE)))
    with open(source, encoding="utf-8") as f:
        template = env.from_string(f.read())
    _build.nav_cache = {}
    # MkDocs makes a new Jinja environment for every build; under `mkdocs serve`
    # the theme's templates were compiled again each time (about a second).
    env.bytecode_cache = _session.templates

    @jinja2.pass_context
    def taizhang_nav(context):
        page, nav = context.get("page"), context.get("nav")
        if page is None or nav is None or not page.file.inclusion.is_not_in_nav():
            return template.render(context.get_all())
        # A page outside the nav activates no item; its links to the nav pages are the
        # same as its siblings' unless one of those pages lies under its own folder.
        folder = page.url if page.url.endswith("/") else posixpath.dirname(page.url) + "/"
        if any(p.url.startswith(folder) for p in nav.pages):
            return template.render(context.get_all())
        key = posixpath.dirname(folder.rstrip("/"))
        if key not in _build.nav_cache:
            _build.nav_cache[key] = template.render(context.get_all())
        return _build.nav_cache[key]

    env.globals["taizhang_nav"] = taizhang_nav
    return env


def on_post_build(config):
    # After Material's search wrote its (now empty) index, before the offline plugin inlines it.
    if _build.search is not None:
        # Every page in build order; a dirty build did not convert unchanged pages: their entries are kept.
        order = [f.src_uri for f in _build.files if f.is_documentation_page()]
        try:
            index = _build.search.finish(order, keep_unsent=_session.dirty)
        except RuntimeError as exc:
            raise PluginError(str(exc)) from None
        _write(Path(config.site_dir) / "search" / "search_index.json", index.encode("utf-8"))
        if not _session.serving:
            _stop_search()   # a one-off build: the worker is done (and its CPU is counted as the build's)
    if _session.dirty:
        _session.written = {f.src_uri: (_site_key(), f.digest) for f in _build.files
                            if isinstance(f, (RecordPageFile, DocsPageFile))}
    site, downloads = Path(config.site_dir), _build.downloads
    _session.builds += 1
    if _session.serving and _session.dirty and _session.builds > 1:
        # A dirty rebuild under `mkdocs serve` is served as soon as its pages are written;
        # the last build's downloads stay in place until the second process is done
        # (a newer build's win). Without --dirty the site folder was emptied: wait.
        generation = _session.builds
        threading.Thread(target=_write_downloads, args=(site, downloads, lambda: generation == _session.builds),
                         daemon=True, name="taizhang-downloads").start()
    else:
        _write_downloads(site, downloads)


def _write_downloads(site: Path, downloads, still_current=lambda: True) -> None:
    try:
        result = downloads.result()
    except RuntimeError as exc:
        if not still_current():
            return
        if _session.serving:
            log.error(str(exc))
            return
        raise PluginError(str(exc)) from None
    if still_current():
        for src_uri, data in result.items():
            _write(site / src_uri, data)


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def on_serve(server, config, builder):
    root = _root(config)
    server.watch(str(root / RECORDS_DIR))
    if (root / PROJECT_CONFIG).exists():
        server.watch(str(root / PROJECT_CONFIG))
    return server
