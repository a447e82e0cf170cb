"""Markdown bodies as plain text for spreadsheets and reports (kept in
taizhang.markup, which views may import too)."""

from __future__ import annotations

from taizhang.markup import plain_text

__all__ = ["plain_text"]
