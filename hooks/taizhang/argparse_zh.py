"""argparse in Chinese: usage, section titles, help and error messages.

argparse builds its own texts with the module-level gettext functions `_`
and `ngettext`. `ChineseParser` swaps them for a Chinese catalogue while it
builds, parses, formats or reports, and restores them afterwards, so other
argparse users in the same process are unaffected. Sub-parsers made with
`add_subparsers()` are of the same class, so every sub-command (also those
added later) speaks Chinese without further work.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import unicodedata

# argparse's message ids (Python 3.10-3.13) -> Chinese. Placeholders keep
# argparse's names; unused ones (the Python type name) may be dropped.
MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "subcommands": "子命令",
    "%(heading)s:": "%(heading)s：",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    " (default: %(default)s)": "（默认：%(default)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s：警告：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必填参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的取值 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的取值：%(value)r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "expected at least one argument": "至少需要一个值",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 必须指定其中之一",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是 %(matches)s",
    "ignored explicit argument %r": "多余的值 %r",
    "unexpected option string: %s": "意外的选项 %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的命令 %(parser_name)r（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "argument '%(argument_name)s' is deprecated": "参数“%(argument_name)s”已弃用",
    "option '%(option)s' is deprecated": "选项“%(option)s”已弃用",
    "command '%(parser_name)s' is deprecated": "命令“%(parser_name)s”已弃用",
}

PLURALS = {
    "expected %s argument": "需要 %s 个值",
    "conflicting option string: %s": "选项冲突：%s",
}


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return PLURALS.get(singular, singular if n == 1 else plural)


@contextlib.contextmanager
def chinese():
    """argparse's texts in Chinese for the duration of the block."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _gettext, _ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def width(text: str) -> int:
    """Columns a terminal gives `text`: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrap(text: str, columns: int) -> list[str]:
    """Greedy wrap by display width; breaks between words and between CJK characters."""
    lines, line = [], ""
    for token in re.findall(r"[\x21-\x7e]+|\s+|.", " ".join(text.split())):
        if line and width(line + token) > columns and not token.isspace():
            lines.append(line.rstrip())
            line = ""
        if not (token.isspace() and not line):
            line += token
    return [*lines, line.rstrip()] if line else lines


class ChineseFormatter(argparse.HelpFormatter):
    """Help text in Chinese, laid out by display width so columns line up."""

    def __init__(self, prog, indent_increment=2, max_help_position=30, width=None, **kwargs):
        super().__init__(prog, indent_increment, max_help_position, width, **kwargs)

    def format_help(self):
        with chinese():
            text = super().format_help()
        # Python < 3.13 appends an ASCII colon to section titles itself.
        return re.sub(r"^([^\s:][^\n:]*):$", r"\1：", text, flags=re.MULTILINE)

    def add_argument(self, action):
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            invocations = [self._format_action_invocation(action)]
            invocations += [self._format_action_invocation(s) for s in self._iter_indented_subactions(action)]
            longest = max(map(width, invocations)) + self._current_indent
            self._action_max_length = max(self._action_max_length, longest)

    def _split_lines(self, text, columns):
        return _wrap(text, columns)

    def _format_action(self, action):
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        header = self._format_action_invocation(action)
        room = help_position - self._current_indent - 2
        parts = [" " * self._current_indent + header]
        help_text = self._expand_help(action) if action.help else ""
        lines = self._split_lines(help_text, help_width) if help_text.strip() else []
        if lines and width(header) <= room:
            parts[0] += " " * (room - width(header) + 2) + lines.pop(0)
        parts[0] += "\n"
        parts += [" " * help_position + line + "\n" for line in lines]
        for sub in self._iter_indented_subactions(action):
            parts.append(self._format_action(sub))
        return self._join_parts(parts)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words are Chinese, and whose sub-parsers are too."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", ChineseFormatter)
        with chinese():
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs):
        kwargs.setdefault("parser_class", type(self))
        with chinese():
            return super().add_subparsers(**kwargs)

    def parse_known_args(self, args=None, namespace=None):
        with chinese():
            return super().parse_known_args(args, namespace)

    def parse_args(self, args=None, namespace=None):
        with chinese():
            return super().parse_args(args, namespace)

    def format_usage(self):
        with chinese():
            return super().format_usage()

    def format_help(self):
        with chinese():
            return super().format_help()

    def error(self, message):
        # Python 3.10 formats "argument X: …" without gettext.
        message = re.sub(r"^argument (.+?): ", r"参数 \1：", message)
        with chinese():
            self.print_usage(sys.stderr)
            self.exit(2, argparse._("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message})

    def _check_value(self, action, value):
        # argparse lists choices as Python reprs ('a', 'b'); say it the Chinese way.
        if action.choices is not None and value not in action.choices:
            choices = "、".join(map(str, action.choices))
            raise argparse.ArgumentError(action, f"无效的取值“{value}”（可选：{choices}）")
