"""`taizhang render DIR`: the complete site source as plain files.

The same page tree the MkDocs hook feeds to MkDocs (taizhang.tree),
written out as an ordinary project any engine builds with no hook:

    DIR/mkdocs.yml    the project's config: no `hooks:`, docs_dir docs,
                      the theme override in DIR/theme, the extras the hook
                      would set (sample notice, print sheet)
    DIR/docs/         the project's docs/ plus every generated page (complete
                      Markdown), the print sheet and the downloads
    DIR/theme/        the project's theme override (hooks/theme)

`mkdocs build`, `properdocs build` and `zensical build` run in DIR.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from taizhang.errors import TaizhangError
from taizhang.project import DOCS_DIR, analyse
from taizhang.load import BIDI_CHARS
from taizhang.publish import EVIDENCE_DIR, active_file, private_kind
from taizhang.tree import SITE_EXTENSIONS, archived_version, site_markdown, site_tree
from taizhang.render.urls import former_names_in_nav

CONFIG = "mkdocs.yml"
THEME_DIR = "theme"


class RenderError(TaizhangError):
    exit_code = 1


@dataclass(frozen=True)
class Rendered:
    target: Path
    pages: int          # generated pages written
    downloads: int      # download files written
    skipped: tuple[str, ...]   # docs/ files left out (symlinks leading out of the project)


class _Tagged:
    """A YAML node with a tag kept as written (`!ENV`, `!!python/…`): the
    engine that reads the written config resolves it, not this command."""

    def __init__(self, node):
        self.node = node


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: _Tagged(node))
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: _Tagged(node))
_Dumper.add_representer(_Tagged, lambda _dumper, tagged: tagged.node)


def read_config(root: Path) -> dict:
    path = root / CONFIG
    try:
        with open(path, encoding="utf-8") as f:
            config = yaml.load(f, Loader=_Loader)  # noqa: S506 (safe loader; other tags kept as nodes)
    except OSError as exc:
        raise RenderError(f"无法读取 {CONFIG}：{exc.strerror}", "在项目目录（有 mkdocs.yml 的目录）中运行") from None
    except yaml.YAMLError as exc:
        raise RenderError(f"{CONFIG} 不是有效的 YAML：{exc}", f"改正 {CONFIG} 后重试") from None
    if not isinstance(config, dict):
        raise RenderError(f"{CONFIG} 的内容不是键值对", f"改正 {CONFIG} 后重试")
    return config


def _with_markdown_options(extensions, options: dict[str, dict]) -> list:
    """The config's markdown_extensions with the site's options added to those it enables."""
    out = []
    for entry in extensions or []:
        name = entry if isinstance(entry, str) else next(iter(entry), None) if isinstance(entry, dict) else None
        if name in options:
            current = entry[name] if isinstance(entry, dict) and isinstance(entry[name], dict) else {}
            entry = {name: {**current, **options[name]}}
        out.append(entry)
    return out


def source_config(config: dict, extra: dict, extra_css: tuple[str, ...], theme: bool,
                  markdown: dict[str, dict] | None = None) -> dict:
    """The project's config for the written folder: no hook, docs/ and theme/ beside it.
    Edit buttons are left out: a generated page's source is a record under
    records/, which only the hook can point to."""
    out = {k: v for k, v in config.items() if k not in ("hooks", "docs_dir", "site_dir", "edit_uri")}
    out["docs_dir"] = DOCS_DIR
    out["edit_uri"] = ""
    theme_config = dict(config.get("theme") or {})
    # No engine can point a generated page's edit button at its record (Zensical would
    # even link a file that does not exist): leave the button out.
    features = [f for f in theme_config.get("features") or [] if f != "content.action.edit"]
    if "features" in theme_config:
        theme_config["features"] = features
    if theme:
        theme_config["custom_dir"] = THEME_DIR
    else:
        theme_config.pop("custom_dir", None)
    # Zensical's templates look like Material's only in its classic variant; MkDocs ignores the key.
    theme_config.setdefault("variant", "classic")
    out["theme"] = theme_config
    out["extra"] = {**(config.get("extra") or {}), **extra}
    css = list(config.get("extra_css") or [])
    out["extra_css"] = css + [c for c in extra_css if c not in css]
    extensions = _with_markdown_options(config.get("markdown_extensions"), markdown or {})
    named = {e if isinstance(e, str) else next(iter(e), None) for e in extensions if isinstance(e, (str, dict))}
    out["markdown_extensions"] = extensions + [e for e in SITE_EXTENSIONS if e not in named]
    return out


def render_source(root: Path, target: Path, force: bool = False, round_id: str | None = None,
                  version: str | None = None) -> Rendered:
    """Write the site source of the project at root into target, atomically: the
    round shown as a build would (TAIZHANG_ROUND, or round_id), as a mike
    version when `version` (or MIKE_DOCS_VERSION) is given."""
    config = read_config(root)
    former = former_names_in_nav(config.get("nav"))
    if former:
        raise RenderError(f"{CONFIG} 的 nav 仍用生成页面以前的文件名",
                          "、".join(f"把 {old} 改为 {new}" for old, new in former))
    analysis = analyse(root, round_id=round_id)
    if analysis.errors:
        listed = "\n".join(problem.format() for problem in analysis.errors)
        raise RenderError(f"台账有 {len(analysis.errors)} 个错误，没有写入：\n{listed}", "按上面的提示改正（taizhang check 可再次检查）")
    if target.exists() and not (target.is_dir() and not any(target.iterdir())) and not force:
        raise RenderError(f"{target} 已存在且不为空", "换一个目录，或加 --force 替换")
    tree = site_tree(root, analysis, dir_urls=bool(config.get("use_directory_urls", True)),
                     site_name=str(config.get("site_name", "")), set_aside_html=True, version=version or archived_version())
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".taizhang-render-", dir=target.parent))
    except OSError as exc:
        raise RenderError(f"不能在 {target.parent} 中写入：{exc.strerror}", "换一个有写权限的目录") from None
    try:
        docs = staging / DOCS_DIR
        skipped = _copy_docs(root, root / str(config.get("docs_dir", DOCS_DIR)), docs)
        for src_uri in tree.pages:
            if (docs / src_uri).exists():
                raise RenderError(f"docs/{src_uri} 与台账生成的页面同名", f"请改名或删除 docs/{src_uri}")
            _write(docs / src_uri, tree.markdown(src_uri).encode("utf-8"))
        for src_uri, text in tree.assets.items():
            _write(docs / src_uri, text.encode("utf-8"))
        try:
            downloads = tree.downloads.result()
        except RuntimeError as exc:
            raise RenderError(str(exc)) from None
        for src_uri, data in downloads.items():
            _write(docs / src_uri, data)
        custom = (config.get("theme") or {}).get("custom_dir")
        if custom and (root / custom).is_dir():
            shutil.copytree(root / custom, staging / THEME_DIR)
        text = yaml.dump(source_config(config, tree.extra, tree.extra_css, theme=bool(custom),
                                       markdown=site_markdown(analysis)), Dumper=_Dumper,
                         allow_unicode=True, sort_keys=False, width=1000)
        _write(staging / CONFIG, ("# taizhang render 生成：不需要 hooks 即可构建（mkdocs / properdocs / zensical build）\n"
                                  + text).encode("utf-8"))
        if target.exists():
            old = target.with_name(target.name + ".old-taizhang")
            target.rename(old)
            staging.rename(target)
            shutil.rmtree(old)
        else:
            staging.rename(target)
    except OSError as exc:
        raise RenderError(f"写入 {target} 失败：{exc.strerror or exc}", "检查磁盘空间和写权限后重试") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return Rendered(target, len(tree.pages), len(downloads), skipped)


def _copy_docs(root: Path, source: Path, dest: Path) -> tuple[str, ...]:
    """docs/ as MkDocs reads it (symlinks followed, dot files left out), except
    links leading out of the project, or to what is never published inside it
    (.git, dot-files, virtual environments, build output: publish.private_kind):
    those are skipped and named."""
    inside, skipped = os.path.realpath(root), []
    dest.mkdir(parents=True, exist_ok=True)
    if not source.is_dir():
        return ()
    for folder, dirs, names in os.walk(source, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = Path(folder).relative_to(source)
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            real = os.path.realpath(path)
            if ((real != inside and not real.startswith(inside + os.sep)) or private_kind(real, inside) is not None
                    or BIDI_CHARS.search(str(rel / name))
                    or ((rel / name).as_posix().startswith(EVIDENCE_DIR) and active_file(name))):
                skipped.append((rel / name).as_posix())
                continue
            (dest / rel).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest / rel / name)
    return tuple(skipped)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
