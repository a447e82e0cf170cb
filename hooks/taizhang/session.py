"""What one MkDocs process remembers from build to build.

`mkdocs serve` builds again after every edit in the same process, with the
hook module kept loaded. The hook makes one Session when MkDocs starts
(on_startup) and ends it when MkDocs shuts down (on_shutdown); everything
that outlives a build is here, in plain data: parsed records reused while
their bytes are unchanged (ParseCache), and, for `mkdocs serve --dirty`, what
the last good build wrote, so pages whose inputs did not change are skipped.
"""

from __future__ import annotations

from taizhang.project import ParseCache


class Session:
    def __init__(self, serving: bool = False, dirty: bool = False):
        self.serving, self.dirty = serving, dirty
        self.parse_cache = ParseCache()
        self.search = None                      # the adapter's search worker, kept across rebuilds
        self.templates = None                   # the adapter's compiled templates (a Jinja bytecode cache)
        self._written: dict[str, tuple] = {}    # src_uri -> (site key, page digest) of the last good build
        self._before: dict[str, tuple] = {}     # the same, as the current build started

    def begin_build(self) -> None:
        """A build starts: what the last good build wrote is what this one compares with.
        A build that fails before it ends leaves nothing to compare with."""
        self._before, self._written = self._written, {}

    def forget_written(self) -> None:
        """Pages must all be made again (e.g. a new search worker knows none of them)."""
        self._before = {}

    def unchanged(self, src_uri: str, site_key: str, digest: str | None) -> bool:
        """In a dirty build: the page's inputs are those of the page the last build wrote."""
        return self.dirty and self._before.get(src_uri) == (site_key, digest)

    def end_build(self, written: dict[str, tuple]) -> None:
        """A build ended well, having written these pages: src_uri -> (site key, digest)."""
        if self.dirty:
            self._written = written
