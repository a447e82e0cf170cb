"""Which records a summary page covers: moved to taizhang.views (shared with export/)."""

from taizhang.views import Scope

__all__ = ["Scope"]
