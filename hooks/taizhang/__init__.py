"""taizhang: an inspection-rectification ledger kept as Markdown records.

The core turns records into checked, linked data and page texts without
importing MkDocs; `hooks/taizhang_hook.py` adapts it to MkDocs and `cli.py`
to the command line.
"""

__version__ = "0.1.0"
