"""Problems the checker reports, and the Chinese text of every rule.

Each rule has one message and one fix, written here and nowhere else, so a
user who meets a rule id anywhere finds the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# rule id -> (message, how to fix); {placeholders} are filled per problem.
MESSAGES: dict[str, tuple[str, str]] = {
    "not-utf8": ("文件不是 UTF-8 编码{guess}",
                 "用编辑器“另存为 UTF-8”，或运行 iconv -f {encoding} -t UTF-8 原文件 > 新文件 后替换"),
    "empty-file": ("文件是空的", "按 README 中的格式填写，或用 taizhang new 生成记录"),
    "binary-file": ("文件不是文本文件（含有二进制内容）", "记录必须是 Markdown 文本；{keys[evidence]}请放到 docs/evidence/ 下"),
    "front-matter-missing": ("缺少开头的字段区（第一行应为 ---）",
                             "在文件第一行写 ---，其后写字段，再用一行 --- 结束"),
    "front-matter-unterminated": ("字段区没有结束（最后一个字段之后没有 ---）", "在最后一个字段之后加一行 ---，再写正文"),
    "yaml-syntax": ("字段区 YAML 语法错误（第 {column} 列）：{detail}",
                    "检查冒号后是否有空格、引号是否成对、缩进是否对齐"),
    "yaml-alias": ("字段区使用了 YAML 锚点或别名（&、*）", "直接写出取值，不要使用 & 和 *"),
    "record-symlink": ("记录文件是符号链接（指向 {target}），不会读取也不会发布",
                       "把记录的内容直接写在 records/ 下的普通文件中，删除这个链接（台账只发布仓库中的文件）"),
    "unreadable": ("无法读取（{reason}）", "检查文件和文件夹的权限，或删除它"),
    "control-char": ("第 {column} 列起有看不见的控制字符（{chars}），它们会损坏 Excel、Word 和字段区",
                     "删除这些字符（多来自从其他软件复制的文字；编辑器打开“显示不可见字符”可以看到）；网站和导出文件中已略去它们"),
    "bidi-char": ("第 {column} 列起有双向文字控制字符（{chars}），它们会打乱前后文字的显示顺序：读者看到的与实际写的不同",
                  "删除这些字符（多来自从其他软件复制的文字；中文和阿拉伯文、希伯来文本身都不需要它们）"),
    "bidi-name": ("{what}“{value}”中有双向文字控制字符（{chars}），显示出来的名称与实际的不同，不会读取或发布",
                  "删除这些字符：重新输入这个名称（不要从其他软件复制）"),
    "fullwidth-colon": ("“{key}”后面用了全角冒号“：”", "改为半角冒号加空格：{key}: {value}"),
    "fullwidth-space": ("字段区缩进中有全角空格", "把全角空格“　”改为两个半角空格"),
    "tab": ("字段区中有制表符（Tab）", "把 Tab 改为空格（YAML 只允许空格缩进）"),
    "duplicate-key": ("字段“{key}”写了两次（另一处在第 {other} 行）", "删除重复的一处，只保留一个"),
    "front-matter-not-mapping": ("字段区必须是“字段: 值”的列表", "每行写一个“字段: 值”，参见 README 中的示例"),
    "unknown-field": ("{kind}中没有字段“{key}”", "删除它，或改为以下字段之一：{allowed}"),
    "required-field": ("{kind}缺少必填字段“{key}”", "添加一行 {key}: （{help}）"),
    "field-type": ("字段“{key}”应为{expected}，实际写的是{actual}", "{example}"),
    "unknown-kind": ("未知的{key}“{value}”", "{key}只能是：{allowed}"),
    "unknown-value": ("字段“{key}”的取值“{value}”不在规定范围内", "只能是：{allowed}"),
    "bad-date": ("字段“{key}”的日期“{value}”{reason}", "{suggestion}"),
    "bad-id": ("{key}“{value}”格式不对", "{kind}{key}应为 {prefix}-三位以上数字，如 {prefix}-001"),
    "id-filename": ("{key}“{value}”与文件名“{filename}”不一致", "把文件改名为 {value}.md，或把{key}改为 {stem}"),
    "duplicate-id": ("{key}“{value}”重复，{other} 也使用了它", "给其中一条记录换一个未用过的{key}（taizhang new 会自动选取）"),
    "link-missing": ("字段“{key}”引用的{keys[id]}“{value}”不存在",
                     "检查{keys[id]}是否写错；现有的{target}{keys[id]}可在“分类索引”中查到"),
    "link-wrong-kind": ("字段“{key}”应引用{target}，但“{value}”是{actual}", "改为{target}的{keys[id]}（以 {prefix}- 开头）"),
    "link-self": ("字段“{key}”引用了记录自身", "删除对“{value}”的引用"),
    "unknown-area": ("{key}“{value}”不在{keys[round]} {round} 的“{areas}”中",
                     "改为以下之一：{allowed}；或在{keys[round]}记录的“{areas}”中增加它"),
    "done-needs-date": ("状态为“{status}”，但没有填写“{key}”", "添加 {key}: YYYY-MM-DD"),
    "done-needs-evidence": ("状态为“{status}”，但没有“{key}”", "在“{key}”下至少列一份材料"),
    "signoff-needs-who-when": ("状态为“{status}”，但没有填写“{key}”", "添加 {key}:（销号须写明谁、何时审核）"),
    "signoff-needs-done": ("已填写销号信息，但状态是“{status}”而非“{done}”或“{signed}”",
                           "先完成整改（状态“{done}”并填写“{completed}”），再销号"),
    "long-term-signoff-unassessed": ("“{long_term}”的措施标为“{status}”，但没有写“{key}”",
                                     "{measure_types[long_term]}的工作没有做完的一天：标为{statuses[done]}或{statuses[signed_off]}前写明 {key}: 何时、由谁评估、结论；"
                                     "还要继续推进的，改回“{statuses[basically_done]}”并按期填报进展"),
    "adjusted-needs-reason": ("写了“{key}”或“{reason}”，但没有同时写另一项",
                              "调整时限须写明原因和批准情况：{key}: YYYY-MM-DD 和 {reason}: ……两项都写，原{keys[deadline]}保留不改"),
    "problem-closed-too-early": ("问题标为“{status}”，但{measure} {open} 尚未完成",
                                 "待措施完成后再改状态，或删除本字段让系统按措施自动计算"),
    "date-in-future": ("字段“{key}”的日期 {value} 晚于{as_of} {today}", "这里只能记录已经发生的事"),
    "date-before-feedback": ("字段“{key}”的日期 {value} 早于{feedback_key} {feedback}", "检查日期是否写错"),
    "deadline-before-feedback": ("“{key}” {value} 早于本轮{keys[feedback_date]} {feedback}",
                                 "{keys[deadline]}应在反馈之后：检查年份或月份是否写错"),
    "signoff-before-done": ("“{key}” {value} 早于“{done_key}” {done}",
                            "先完成、后销号：检查两个日期是否写反或写错"),
    "progress-after-done": ("最后一条进展（{value}）晚于“{done_key}” {done}",
                            "若是完成后的巩固工作可保留；否则检查{keys[completed_on]}或进展日期是否写错"),
    "evidence-file-missing": ("{key}文件“{value}”不存在", "把文件放到 docs/{value}，或改正路径；网址须以 http(s):// 开头"),
    "evidence-outside-docs": ("{key}路径“{value}”指向 docs/ 之外", "{key}须放在仓库的 docs/ 下，路径相对于 docs/ 书写，如 evidence/CS-001/方案.pdf"),
    "evidence-symlink": ("{key}“{value}”是指向仓库之外（{target}）的符号链接，网站不会发布它",
                         "把文件本身复制到 docs/{value}（替换这个链接）并提交"),
    "docs-symlink": ("docs/ 下的这个文件或文件夹是指向仓库之外（{target}）的符号链接，网站不会发布它",
                     "把文件本身复制到这里（替换这个链接）并提交，或删除这个链接"),
    "docs-symlink-broken": ("docs/ 下的这个符号链接{why}（指向 {target}），网站不会发布它",
                            "删除这个链接，或改为仓库中的文件本身"),
    "evidence-private": ("{key}“{value}”实际是 {target}（{what}），网站不会发布它",
                         "{key}只能是 docs/ 下普通的材料文件：把材料本身复制到 docs/evidence/ 下，改正路径后提交"),
    "evidence-active": ("{key}“{value}”是网页、SVG、脚本或 Markdown 文件，浏览器打开时会运行其中的内容，网站不会发布它",
                        "把材料转换为 PDF（或图片、Word、Excel）后放到 docs/evidence/ 下，改正路径后提交"),
    "docs-private": ("docs/ 下的这个符号链接指向 {target}（{what}），网站不会发布它",
                     "删除它；要发布的材料把文件本身复制到 docs/evidence/ 下（.git、以点开头的文件和文件夹、"
                     "虚拟环境、site/ 等构建输出一律不发布）"),
    "body-heavy": ("正文中有{what}，网站把这条记录的正文按纯文字显示（不转换 Markdown、不显示链接和格式）",
                   "多为误粘贴：删除这些符号，或改用全角“［”“＜”；链接写成 [文字](网址)，每个“[”都要有“]”"),
    "unsafe-html": ("正文中有网站显示时会去掉的内容：{what}",
                    "网站只保留段落、标题、列表、表格、链接和本站图片等 Markdown 写法，其余会被去掉；请删除或改用 Markdown 写法"),
    "recur-not-earlier": ("“{key}”中的 {value} 不属于比本轮（{round}）更早的{keys[round]}",
                          "只能引用前面{keys[round]}（{keys[feedback_date]}更早）中的同类记录"),
    "link-other-round": ("“{key}”中的 {value} 属于{keys[round]} {other}，而本记录属于{keys[round]} {round}",
                         "只能引用本轮的记录，各轮的统计才互不影响：前轮未完成的措施用“{keys[carried_from]}”承接"
                         "（taizhang new round --carry-over），前轮的问题再次出现时新建本轮的问题并写“{keys[recurs_from]}”"),
    "draft-incomplete": ("导入的{kind}还缺“{key}”", "补上 {key}:（{help}）；全部补齐后删除“{draft_key}: {phrases[yes]}”一行"),
    "draft-record": ("记录仍标为{keys[draft]}（{keys[draft]}: {phrases[yes]}）",
                     "补全并核对后删除“{keys[draft]}: {phrases[yes]}”一行；提交（taizhang check --submit）时不能再有{keys[draft]}"),
    "body-placeholder": ("正文还是新建记录时的占位文字“{marker}”，本记录仍是{keys[draft]}",
                         "把这一行换成本条记录的正文（{keys[quote]}之外的说明、{phrases[body_problem]}、{phrases[body_measure]}等）"),
    "feedback-unanswered": ("{feedback} {value} 还没有任何{problem}回应", "在对应{problem}的“{key}”中加入 {value}"),
    "problem-without-measure": ("{problem} {value} 还没有{measure}", "在某条{measure}的“{key}”中加入 {value}"),
    "cause-unused": ("原因 {value} 没有被任何{problem}引用", "在相关{problem}的“{key}”中加入 {value}，或删除本记录"),
}

# The places publish.private_kind never publishes, as the messages say them.
PRIVATE_PLACES = {"git": "Git 仓库的内部文件", "dot": "以点开头的隐藏文件或文件夹",
                  "venv": "Python 虚拟环境中的文件", "site": "网站的构建输出"}



@dataclass(frozen=True, order=True)
class Problem:
    """One finding, located at a file and line, with its rule and fix."""

    path: str
    line: int
    rule: str
    message: str
    fix: str
    severity: str
    label: str = field(default="", compare=False)   # the severity as the vocabulary says it (phrases severity_*)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self) -> str:
        return f"{self.path}:{self.line}: {self.label}：{self.message} ({self.rule}) — {self.fix}"


class Reporter:
    """Collects problems for one run; severities come from the vocabulary."""

    def __init__(self, severities: dict[str, str] | None = None, soften_drafts: bool = True, words=None):
        """`words`: the vocabulary's names for the messages ({measure}, {keys[deadline]},
        {phrases[yes]} …, Vocabulary.message_words); the packaged defaults when not given."""
        self._severities = severities or {}
        self._words = words
        self._soften_drafts = soften_drafts   # False when a ledger is submitted
        self.problems: list[Problem] = []

    def add(self, rule: str, path: str, line: int, draft: bool = False, **values) -> None:
        """`draft`: the record is an imported draft, whose warnings are reminders (info)."""
        severity = self._severities.get(rule, "error")
        if severity == "off":
            return
        if draft and severity == "warning" and self._soften_drafts:
            severity = "info"
        message, fix = MESSAGES[rule]
        if "{" in message + fix:
            values = {**self.words, **values}
        self.problems.append(Problem(
            path=path,
            line=max(int(line), 1),
            rule=rule,
            message=message.format(**values),
            fix=fix.format(**values),
            severity=severity,
            label=self.words["phrases"][f"severity_{severity}"],
        ))

    @property
    def words(self) -> dict:
        if self._words is None:
            from taizhang.vocabulary import load_vocabulary   # a reporter of front matter only (history, config)
            self._words = load_vocabulary().message_words()
        return self._words

    def sorted(self) -> list[Problem]:
        return sorted(set(self.problems))
