"""Ledger → page texts (Markdown with escaped HTML blocks). No MkDocs here."""
