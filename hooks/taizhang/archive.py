"""Rounds as versioned archives: `taizhang archive ROUND` and the export of
the whole archive as plain folders for a web server without git.

mike does the versioning on the gh-pages branch of the project's own git
repository; this module checks first, builds strictly, then calls the real
mike CLI and reports its failures in the users' words.
"""

from __future__ import annotations

from taizhang.errors import TaizhangError

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from taizhang import spawn
from taizhang.fsutil import process_temporary_folder
from taizhang.gitutil import GitError, git
from taizhang.markup import inert
from taizhang.project import ROUND_ENV, analyse
from taizhang.vocabulary import load_vocabulary

# The site built to check the round (and Zensical's source) go in a temporary folder named
# for the process: one left by a killed archive is removed by the next (fsutil).
TEMPORARY_PREFIX = "taizhang-archive-"

BRANCH = "gh-pages"
LATEST = "latest"


class ArchiveError(TaizhangError):
    exit_code = 1


@dataclass(frozen=True)
class Archived:
    version: str
    title: str
    pushed_to: str | None = None      # the remote gh-pages was pushed to, when asked


def _env(root: Path, round_id: str) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env[ROUND_ENV] = round_id
    # mike runs `mkdocs` from PATH: make it this environment's.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    if not _git_identity(root):  # a fresh CI machine: mike still needs someone to commit as
        for who in ("AUTHOR", "COMMITTER"):
            env.setdefault(f"GIT_{who}_NAME", "taizhang")
            env.setdefault(f"GIT_{who}_EMAIL", "taizhang@localhost")
    return env


def _git_identity(root: Path) -> bool:
    try:
        return bool(git(root, "config", "user.name").strip())
    except GitError:
        return False


ENGINES = ("mkdocs", "properdocs", "zensical")   # README 长期维护
DEFAULT_ENGINE = "mkdocs"
MIKE_CONFIG_GLOB = "mike-mkdocs*.yml"   # the temporary configuration mike writes beside mkdocs.yml


def mike_main(engine: str = DEFAULT_ENGINE, deploy_built: bool = False) -> None:
    """mike's command line, run as `taizhang archive`'s child (spawn.run). When
    archive dies, the kernel sends this process SIGTERM: it unwinds (the
    build mike waits for is killed by subprocess.run), and the temporary
    configuration mike wrote beside mkdocs.yml is removed, even when the
    signal came between mike creating it and mike's own clean-up taking hold.

    mike builds with ProperDocs whenever ProperDocs is installed (its
    mkdocs_utils picks the program once, at import): the engine asked for is
    named to it. With deploy_built, the arguments are a site already built
    (Zensical, which mike cannot run) and mike's own deploy (its Python
    interface lets the caller build) commits it with versions.json, as
    `mike deploy` would: SITE VERSION TITLE ALIAS ALIAS_TYPE DIR_URLS(1/0)."""
    import glob
    import signal

    import mike.mkdocs_utils
    from mike.driver import main

    mike.mkdocs_utils._program_name = engine
    before = set(glob.glob(MIKE_CONFIG_GLOB))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if deploy_built:
            from mike import commands
            site, version, title, alias, alias_type, dir_urls = sys.argv[1:]
            with commands.deploy({"site_dir": site, "use_directory_urls": dir_urls == "1"}, version, title, [alias],
                                 update_aliases=True, alias_type=commands.AliasType[alias_type]):
                pass
            sys.exit(0)
        sys.exit(main())
    finally:
        for name in set(glob.glob(MIKE_CONFIG_GLOB)) - before:
            try:
                os.remove(name)
            except OSError:
                pass


def _mike(root: Path, env: dict, engine: str, *args: str, deploy_built: bool = False) -> str:
    command = [sys.executable, "-c",
               f"from taizhang.archive import mike_main; mike_main({engine!r}, deploy_built={deploy_built})", *args]
    result = spawn.run(command, cwd=root, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["（无输出）"])[-1]
        raise ArchiveError(f"mike {args[0] if not deploy_built else 'deploy'} 失败：{explain_tool_error(detail)}")
    return result.stdout


# The English last lines of mike and git failures, said in the users' words.
_TOOL_ERRORS = (
    ("not a git repository", "这个目录不是 Git 仓库：先 git init 并提交台账"),
    ("does not have any commits", "仓库还没有任何提交：先提交台账"),
    ("please tell me who you are", "Git 不知道提交人：运行 git config user.name 和 git config user.email 设置"),
    ("unable to create", "Git 无法写入（磁盘已满、只读，或另一个 git 进程正在运行）"),
    ("index.lock", "另一个 git 进程正在运行（或上次中断留下了 .git/index.lock）：稍后重试，或确认没有 git 在运行后删除该文件"),
    ("permission denied", "没有写入权限"),
    ("no space left", "磁盘已满"),
    ("mkdocs.yml", "找不到或无法读取 mkdocs.yml"),
)


def explain_tool_error(detail: str) -> str:
    low = detail.lower()
    for english, chinese in _TOOL_ERRORS:
        if english in low:
            return f"{chinese}（{detail}）"
    return detail


def versions(root: Path) -> list[dict]:
    """versions.json of the archive branch (empty before the first archive)."""
    try:
        data = git(root, "show", f"{BRANCH}:versions.json")
    except GitError:
        return []
    return json.loads(data.decode("utf-8"))


def archived_rounds(root: Path) -> frozenset[str]:
    """Round ids already archived as versions (none outside git or before the first archive)."""
    try:
        return frozenset(v["version"] for v in versions(root))
    except (GitError, ValueError, KeyError, TypeError):
        return frozenset()


def archive_round(root: Path, round_id: str, force: bool = False, alias_type: str = "copy",
                  push: str | None = None, engine: str = DEFAULT_ENGINE) -> Archived:
    """Check, build strictly with `engine`, deploy with mike; push gh-pages to `push` only when given."""
    if engine not in ENGINES:
        raise ArchiveError(f"不认识的引擎 {engine}", f"写 {'、'.join(ENGINES)} 之一")
    if not round_id.strip():
        raise ArchiveError(load_vocabulary(root).fill("没有给出{keys[round]}{keys[id]}：写成 taizhang archive LC-001"))
    analysis = analyse(root, round_id=round_id)
    rnd = analysis.ledger.get(round_id)
    if rnd is None or rnd.kind != "round":
        raise ArchiveError(analysis.vocab.fill("没有{keys[id]}为 {id} 的{round}", id=round_id))
    if analysis.errors:
        raise ArchiveError(f"台账有 {len(analysis.errors)} 个错误，先运行 taizhang check 改正后再归档")
    if push is not None:
        _check_remote(root, push)
    if any(v["version"] == round_id for v in versions(root)) and not force:
        raise ArchiveError(analysis.vocab.fill("{keys[round]} {id} 已经归档过；确需重新归档时加 --force", id=round_id))
    env = _env(root, round_id)
    # Material's version selector inserts each title as HTML: the title goes
    # into versions.json inert (markup.inert), and so do titles archived before.
    if engine == "zensical":
        _deploy_zensical(root, env, round_id, inert(rnd.title), alias_type)
    else:
        with process_temporary_folder(TEMPORARY_PREFIX) as tmp:
            build = spawn.run([sys.executable, "-m", engine, "build", "--strict", "-d", tmp],
                              cwd=root, env=env, capture_output=True, text=True)
        if build.returncode != 0:
            raise ArchiveError("严格构建失败：\n" + build.stderr.strip())
        _mike(root, env, engine, "deploy", "--update-aliases", "--alias-type", alias_type,
              f"--title={inert(rnd.title)}", "--", round_id, LATEST)   # a title starting with - is not an option
    for old in versions(root):
        title = str(old.get("title", ""))
        if inert(title) != title:
            _mike(root, env, engine, "retitle", "--", str(old["version"]), inert(title))
    _mike(root, env, engine, "set-default", LATEST)
    if push is not None:
        try:
            git(root, "push", push, f"{BRANCH}:{BRANCH}")
        except GitError as exc:
            raise ArchiveError(f"已在本地归档 {round_id}，但推送到 {push} 失败：{exc}；"
                               f"网络或权限恢复后运行 git push {push} {BRANCH}") from None
    return Archived(round_id, rnd.title, push)


def _deploy_zensical(root: Path, env: dict, round_id: str, title: str, alias_type: str) -> None:
    """`taizhang render` for the round (as mike would build it: the version
    selector and the archive banner on), `zensical build --strict`, then mike's deploy."""
    from taizhang.source import read_config, render_source

    with process_temporary_folder(TEMPORARY_PREFIX) as tmp:
        source = Path(tmp) / "source"
        render_source(root, source, round_id=round_id, version=round_id)
        build = spawn.run([sys.executable, "-m", "zensical", "build", "--strict", "--clean"], cwd=source,
                          env=env, capture_output=True, text=True)
        if build.returncode != 0:
            detail = (build.stderr.strip() or build.stdout.strip())[-3000:]
            raise ArchiveError("Zensical 严格构建失败：\n" + detail, "先用 taizhang render 和 zensical build 查看问题")
        dir_urls = "1" if read_config(root).get("use_directory_urls", True) else "0"
        _mike(root, env, "zensical", str(source / "site"), round_id, title, LATEST, alias_type, dir_urls,
              deploy_built=True)


def _check_remote(root: Path, remote: str) -> None:
    """Refuse before building when the remote is unknown, so nothing is half done."""
    try:
        names = git(root, "remote").decode("utf-8").split()
    except GitError as exc:
        raise ArchiveError(f"无法读取 Git 远程仓库：{exc}") from None
    if remote not in names:
        known = "、".join(names) or "（没有）"
        raise ArchiveError(f"没有名为 {remote} 的远程仓库（已有：{known}）；用 git remote add 添加，或换一个名称")


def export_archive(root: Path, target: Path, force: bool = False) -> list[str]:
    """The archive branch as plain folders (no symlinks) in `target`, atomically."""
    if not versions(root):
        raise ArchiveError(load_vocabulary(root).fill("还没有归档任何{keys[round]}（先运行 taizhang archive {keys[round]}{keys[id]}）"))
    if target.exists() and any(target.iterdir()) and not force:
        raise ArchiveError(f"{target} 已存在且不为空；换一个目录，或加 --force 替换")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".taizhang-export-", dir=target.parent))
    except OSError as exc:
        raise ArchiveError(f"不能在 {target.parent} 中写入：{exc.strerror}", "换一个有写权限的目录") from None
    try:
        data = git(root, "archive", "--format=tar", BRANCH)
        try:
            subprocess.run(["tar", "-x", "-C", str(staging)], input=data, check=True, capture_output=True)
        except FileNotFoundError:
            raise ArchiveError("没有找到 tar 命令", "安装 tar（Debian：sudo apt-get install tar）后重试") from None
        except subprocess.CalledProcessError as exc:
            detail = exc.stderr.decode("utf-8", "replace").strip() or f"退出码 {exc.returncode}"
            raise ArchiveError(f"解开归档失败：{detail}", "检查目标目录所在磁盘的空间和写权限后重试") from None
        _replace_symlinks(staging)
        _inert_titles(staging / "versions.json")
        if target.exists():
            old = target.with_name(target.name + ".old-taizhang")
            target.rename(old)
            staging.rename(target)
            shutil.rmtree(old)
        else:
            staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return [v["version"] for v in json.loads((target / "versions.json").read_text(encoding="utf-8"))]


def _inert_titles(path: Path) -> None:
    """Titles archived before taizhang made them inert (or by hand with mike)
    would run as HTML in the version selector of every exported page."""
    entries = json.loads(path.read_text(encoding="utf-8"))   # read once already by versions()
    if not isinstance(entries, list):
        return
    changed = False
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("title"), str) and inert(entry["title"]) != entry["title"]:
            entry["title"] = inert(entry["title"])
            changed = True
    if changed:
        path.write_text(json.dumps(entries, ensure_ascii=False, indent=2), encoding="utf-8")


def _replace_symlinks(folder: Path) -> None:
    """Web servers such as IIS cannot follow symlinks: make them copies.
    A link leading outside the archive is dropped, never copied."""
    inside = folder.resolve()
    for link in sorted((p for p in folder.rglob("*") if p.is_symlink()), key=lambda p: len(p.parts)):
        source = link.resolve()
        link.unlink()
        if source != inside and inside not in source.parents:
            continue
        if source.is_dir():
            shutil.copytree(source, link, symlinks=False)
        elif source.exists():
            shutil.copy2(source, link)
