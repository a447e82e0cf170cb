"""One base class for every failure a user can fix.

A `TaizhangError` carries a Chinese message and, when there is one, a `fix`
saying what to do. The command line catches it once (cli.main), prints the
command's "没有…：" lead, the message and the fix, and exits with
`exit_code`; the MkDocs hook turns it into a PluginError. Anything else that
escapes is a bug and shows as a traceback.
"""

from __future__ import annotations


class TaizhangError(Exception):
    exit_code = 2      # 2: the command could not run as asked; 1: the ledger or the round is not ready

    def __init__(self, message: str, fix: str = ""):
        super().__init__(message)
        self.message, self.fix = message, fix

    def __str__(self) -> str:
        return self.message

    def format(self) -> str:
        return self.message + (f"\n怎么办：{self.fix}" if self.fix else "")
