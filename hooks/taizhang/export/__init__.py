"""Ledger → files other people open: Excel, CSV, JSON, the progress report."""
