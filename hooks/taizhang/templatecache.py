"""Jinja's compiled templates, kept on disk for the next build (issue #32:
compiled templates are work that does not change with the records).

MkDocs makes a new Jinja environment for every build and compiles the theme's
templates again (0.15 s CPU at 1,000 records). bytecode_cache() keeps them in
memory across the builds of one `mkdocs serve` and on disk across builds, in
the folder jinja2.FileSystemBytecodeCache uses (the system's temporary
directory, `_jinja2-cache-<uid>`), under stricter checks than Jinja's own: a
cache file is unpickled, so it is read only from a folder no other user can
write in or swap, and never through a link. Never a folder in the repository:
a pull request must not be able to hand the build compiled code.
"""

from __future__ import annotations

import os


def bytecode_cache():
    """Jinja's compiled templates, paid once rather than every build: in memory
    across the builds of one `mkdocs serve`, and on disk across builds in Jinja's
    own per-user cache folder in the system's temporary directory (the files
    jinja2.FileSystemBytecodeCache reads and writes, each written whole and then
    renamed). Jinja checks a template's source checksum before reusing it.
    Never a folder in the repository: a pull request must not be able to hand
    the build compiled code; and never a folder another user of the machine
    could put files in or swap (_private_folder): a cache file is unpickled."""
    import jinja2

    folder = _private_folder()   # an open descriptor: the folder checked is the folder read

    class BytecodeCache(jinja2.BytecodeCache):
        def __init__(self):
            self.store = {}

        def get_bucket(self, environment, name, filename, source):
            # Jinja keys compiled code by the template's name and file only, yet the code
            # depends on the environment's options too (a plugin's trim_blocks, another
            # extension): the cache is shared by every build and project of this user.
            return super().get_bucket(environment, f"{name}\x00{_compile_options(environment, name)}", filename, source)

        def load_bytecode(self, bucket):
            if bucket.key in self.store:
                bucket.bytecode_from_string(self.store[bucket.key])
            elif folder is not None:
                try:
                    fd = os.open(_CACHE_FILE % bucket.key, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
                except OSError:   # not compiled yet (or not a file): compiled now
                    return
                try:
                    with os.fdopen(fd, "rb") as f:
                        if _private(os.fstat(f.fileno()), folder=False):
                            bucket.load_bytecode(f)
                except Exception:   # a damaged file (Jinja unpickles its checksum): compile again
                    bucket.reset()
                if bucket.code is not None:
                    self.store[bucket.key] = bucket.bytecode_to_string()

        def dump_bytecode(self, bucket):
            self.store[bucket.key] = data = bucket.bytecode_to_string()
            if folder is not None:
                name = _CACHE_FILE % bucket.key
                temporary = f"{name}.{os.urandom(6).hex()}.tmp"
                try:
                    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder)
                    try:
                        with os.fdopen(fd, "wb") as f:
                            f.write(data)
                        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
                    except BaseException:
                        try:
                            os.unlink(temporary, dir_fd=folder)
                        except OSError:
                            pass
                        raise
                except OSError:
                    pass   # a full or read-only temporary folder: compiled again next build

    cache = BytecodeCache()
    if folder is not None:   # closed with the cache (a session's end, a build run in-process again)
        import weakref
        weakref.finalize(cache, os.close, folder)
    return cache


_CACHE_FILE = "__jinja2_%s.cache"   # jinja2.FileSystemBytecodeCache's names


def _compile_options(environment, name) -> str:
    """What of a Jinja environment its compiled code depends on besides the
    source: the lexer's settings, extensions, autoescape for this template,
    finalize, async, optimizer, code generator, and what i18n's {% trans %} reads."""
    autoescape = environment.autoescape(name) if callable(environment.autoescape) else environment.autoescape
    finalize = environment.finalize
    return repr((environment.block_start_string, environment.block_end_string, environment.variable_start_string,
                 environment.variable_end_string, environment.comment_start_string, environment.comment_end_string,
                 environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
                 environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
                 sorted(environment.extensions), bool(autoescape), environment.optimized, environment.is_async,
                 None if finalize is None else str(getattr(finalize, "jinja_pass_arg", "")),
                 environment.code_generator_class.__module__, environment.code_generator_class.__qualname__,
                 getattr(environment, "newstyle_gettext", None), environment.policies.get("ext.i18n.trimmed")))


def _private(st, folder: bool) -> bool:
    """Owned by this user and (a folder) readable and writable by no one else."""
    import stat
    if st.st_uid != os.getuid():
        return False
    return stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o700 if folder else stat.S_ISREG(st.st_mode)


def _private_folder() -> int | None:
    """An open descriptor of Jinja's per-user folder in the temporary directory
    (_jinja2-cache-<uid>, made 0700 if missing), or None (memory only) when
    another user could write there: a link or someone else's folder in its place,
    or a temporary directory that is, or lies under, a folder another user may
    write in without the sticky bit (they could move the cache folder away and
    put their own in its place). Unlike jinja2's own check, nothing is changed
    through a link (it chmods the path first, following a link planted there)."""
    import stat
    import tempfile

    if not hasattr(os, "getuid") or not hasattr(os, "O_NOFOLLOW") or os.open not in os.supports_dir_fd:
        return None
    try:
        temporary = os.path.realpath(tempfile.gettempdir())
        place = temporary
        while True:
            st = os.lstat(place)
            if (not stat.S_ISDIR(st.st_mode) or st.st_uid not in (0, os.getuid())
                    or (st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX)):
                return None
            if os.path.dirname(place) == place:
                break
            place = os.path.dirname(place)
        path = os.path.join(temporary, f"_jinja2-cache-{os.getuid()}")
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:   # a read-only or missing temporary directory, a link or a file in its place
        return None
    try:
        st = os.fstat(fd)
        if st.st_uid == os.getuid() and stat.S_ISDIR(st.st_mode) and not st.st_mode & 0o022:
            os.fchmod(fd, 0o700)   # as Jinja does, but on the folder opened (no one else could write in it)
            st = os.fstat(fd)
    except OSError:
        st = None
    if st is None or not _private(st, folder=True):
        os.close(fd)
        return None
    return fd
