"""Library messages in Chinese: what Jinja says about a template, what argparse says about a command line, and
what a failed build says (the same words in the terminal, the web page and a batch run).

Clerks never see the English originals: each known message is rewritten with its
names kept (the tag, the filter, the field); an unknown one is said in general
words, never passed through in English.
"""

from __future__ import annotations

import re

# Jinja's names for tokens, as a template writer sees them.
_TOKENS = {
    "end of print statement": "}}", "end of statement block": "%}", "end of template": "模板结尾",
    "name": "名称", "integer": "整数", "float": "数字", "string": "文字", "operator": "运算符",
    "block_end": "%}", "variable_end": "}}", "rparen": ")", "rbracket": "]", "rbrace": "}",
}
_BLOCKS = {"if": "{% if %}", "for": "{% for %}", "macro": "{% macro %}", "block": "{% block %}",
           "with": "{% with %}", "call": "{% call %}", "filter": "{% filter %}", "set": "{% set %}",
           "raw": "{% raw %}", "autoescape": "{% autoescape %}", "trans": "{% trans %}"}


def _token(t: str) -> str:
    t = t.strip("'\"")
    return _TOKENS.get(t, t)


def _tags(text: str) -> str:
    names = re.findall(r"'(\w+)'", text)
    return "、".join("{% " + n + " %}" for n in names)


_JINJA: list[tuple[re.Pattern, object]] = [
    (re.compile(r"Unexpected end of template\.\s*Jinja was looking for the following tags: (.*?)\.\s*"
                r"The innermost block that needs to be closed is '(\w+)'\.", re.S),
     lambda m: f"{_BLOCKS.get(m[2], m[2])} 没有结束：缺少 {{% end{m[2]} %}}（模板到结尾还没有找到它）"),
    (re.compile(r"Encountered unknown tag '(\w+)'\.\s*(?:Jinja was looking for the following tags: |You probably made a "
                r"nesting mistake\. Jinja is expecting this tag, but currently looking for )(.*?)\.\s*"
                r"The innermost block that needs to be closed is '(\w+)'\.", re.S),
     lambda m: f"这里的 {{% {m[1]} %}} 与前面的 {_BLOCKS.get(m[3], m[3])} 对不上：{_BLOCKS.get(m[3], m[3])} 要以 "
               f"{{% end{m[3]} %}} 结束，请检查标记的嵌套和拼写"),
    (re.compile(r"Encountered unknown tag '(\w+)'\..*"),
     lambda m: (f"多出了 {{% {m[1]} %}}，前面没有与它对应的开头标记" if m[1].startswith(("end", "el")) or m[1] == "else"
                else f"无法识别的标记 {{% {m[1]} %}}，请检查拼写（常用的有 if、for、set、include）")),
    (re.compile(r"unexpected end of template, expected '(.+?)'\.?"), lambda m: f"模板在结尾处中断了，缺少“{_token(m[1])}”"),
    (re.compile(r"expected token '(.+?)', got '(.+?)'"),
     lambda m: f"这里应当是“{_token(m[1])}”，却写了“{_token(m[2])}”"),
    (re.compile(r"Expected an expression, got '(.+?)'"), lambda m: f"“{_token(m[1])}”前面缺少内容（变量名或表达式）"),
    (re.compile(r"unexpected '(.+?)', expected '(.+?)'"), lambda m: f"这里应当是“{_token(m[2])}”，却写了“{_token(m[1])}”（括号不成对？）"),
    (re.compile(r"unexpected '(.+?)'"), lambda m: f"多出了“{_token(m[1])}”，或前面缺少内容"),
    (re.compile(r"unexpected char (['\"])(.+?)\1 at \d+"), lambda m: f"标记中有不能使用的字符“{m[2]}”（引号不成对？）"),
    (re.compile(r"tag name expected"), lambda m: "{% 后面缺少标记名，例如 if、for、set"),
    (re.compile(r"No filter named '(.+?)'\.?"), lambda m: f"没有名为“{m[1]}”的过滤器（| 后面的名称），请检查拼写"),
    (re.compile(r"No test named '(.+?)'\.?"), lambda m: f"没有名为“{m[1]}”的判断（is 后面的名称），请检查拼写"),
    (re.compile(r"block '(.+?)' defined twice"), lambda m: f"{{% block {m[1]} %}} 定义了两次"),
    (re.compile(r"'(?:dict object|[\w ]+ object)' has no attribute '(.+?)'"), lambda m: f"数据中没有“{m[1]}”这一项"),
    (re.compile(r"'None' has no attribute '(.+?)'"),
     lambda m: f"取“{m[1]}”时，它所属的值本期为空（例如没有上期时 changes 为空），请先用 {{% if … %}} 判断"),
    (re.compile(r"'(.+?)' is undefined"), lambda m: f"数据中没有变量“{m[1]}”"),
    (re.compile(r"\w+ object has no element (.+)"), lambda m: f"列表中没有第 {m[1]} 项"),
    (re.compile(r"access to attribute '(.+?)' of '(.+?)' object is unsafe\.?"),
     lambda m: f"不允许访问“{m[1]}”（出于安全考虑，模板不能访问程序内部对象）"),
    (re.compile(r"by zero"), lambda m: "除数为零"),
    (re.compile(r"'(\w+)' object is not callable"), lambda m: "对不能调用的值使用了 ()"),
]


def jinja_detail(e: BaseException) -> str:
    """What a Jinja error (or an error raised while a template rendered) means, in Chinese."""
    from jinja2 import TemplateNotFound, TemplatesNotFound

    if isinstance(e, (TemplateNotFound, TemplatesNotFound)):
        names = getattr(e, "templates", None) or [getattr(e, "name", "")]
        return f"找不到被引用的模板“{'、'.join(str(n) for n in names)}”"
    text = " ".join((getattr(e, "message", None) or str(e) or "").split())
    if getattr(e, "in_chinese", False):  # the sandbox's limits and refused links say it all themselves
        return re.sub(r"[。.]$", "", text)
    for pattern, say in _JINJA:
        m = pattern.search(text)
        if m:
            return say(m)
    return f"模板写法有误（{type(e).__name__}）"


def raised_in_template(e: BaseException) -> bool:
    """Whether `e` was raised by template code (1/0, a call on a number… inside an office's template)."""
    tb = e.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            return True
        tb = tb.tb_next
    return False


def template_error_text(e: BaseException) -> str:
    """What went wrong, and where (file and line, or the Word paragraph), said once, in Chinese; a field that
    only the internal documents have is said as `templates check` says it (E-TEMPLATE-INTERNAL-FIELD)."""
    from .codes import CATALOGUE
    from .templating import template_error_location

    file, line, text = template_error_location(e)
    if file and text:
        where = f"{file} 中含“{text}”的段落："
    elif file:
        where = f"{file} 第{line}行：" if line else f"{file}："
    else:
        where = f"第{line}行：" if line else ""
    m = re.search(r"has no attribute '(\w+)'|'(\w+)' is undefined", str(getattr(e, "message", None) or e))
    name = m and (m[1] or m[2])
    if name:
        from .template_lint import internal_only_fields

        if name in internal_only_fields():
            return where + CATALOGUE["E-TEMPLATE-INTERNAL-FIELD"].template.format(expr=name)
    return f"{where}{jinja_detail(e)}。"


def template_failure(e: BaseException) -> str:
    return template_error_text(e) + "请运行 reportgen templates check 检查模板。"


def failure_text(e: BaseException) -> str:
    """What the office reads when a build fails, in Chinese, never a traceback."""
    import jinja2

    from .errors import InputError
    from .render.pdf import SubsetterMissing

    if isinstance(e, InputError):
        return e.issue.message
    if isinstance(e, SubsetterMissing):
        return str(e)
    if isinstance(e, jinja2.TemplateError) or raised_in_template(e):
        return "模板错误：" + template_failure(e)
    return f"生成时出现程序错误（{type(e).__name__}），请把服务窗口中的提示发给技术支持。"


def unclosed_block_line(source: str, env, upto: int | None = None) -> int | None:
    """The line where the innermost block still open at line `upto` (default: the end of `source`) began:
    a missing endif is there, not where Jinja noticed it. None when the source cannot be lexed or nothing is open."""
    stack: list[tuple[str, int]] = []
    try:
        tokens = [t for t in env.lex(source) if t[1] != "whitespace"]
    except Exception:  # noqa: BLE001 - a lexing error is reported as it is
        return None
    i = 0
    while i < len(tokens):
        lineno, kind, value = tokens[i]
        if upto is not None and lineno >= upto:
            break
        if kind == "block_begin" and i + 1 < len(tokens) and tokens[i + 1][1] == "name":
            name = tokens[i + 1][2]
            if name in _BLOCKS and name != "set":
                stack.append((name, lineno))
            elif name == "set":  # {% set x %}…{% endset %} opens a block; {% set x = 1 %} does not
                j = i + 2
                while j < len(tokens) and tokens[j][1] != "block_end":
                    if tokens[j][1] == "operator" and tokens[j][2] == "=":
                        break
                    j += 1
                if j < len(tokens) and tokens[j][1] == "block_end":
                    stack.append((name, lineno))
            elif name.startswith("end") and stack and stack[-1][0] == name[3:]:
                stack.pop()
        i += 1
    return stack[-1][1] if stack else None


# ---- argparse -------------------------------------------------------------------------

_ARGPARSE: list[tuple[re.Pattern, str]] = [
    (re.compile(r"the following arguments are required: (.+)"), r"缺少必须的参数：\1"),
    (re.compile(r"argument (.+?): invalid choice: '?(.*?)'? \(choose from (.+)\)"), r"参数 \1 的值“\2”无效，可选：\3"),
    (re.compile(r"argument (.+?): expected one argument"), r"参数 \1 后面需要一个值"),
    (re.compile(r"argument (.+?): expected at least one argument"), r"参数 \1 后面至少需要一个值"),
    (re.compile(r"argument (.+?): expected (\d+) arguments?"), r"参数 \1 后面需要 \2 个值"),
    (re.compile(r"argument (.+?): invalid (.+?) value: '?(.*?)'?$"), r"参数 \1 的值“\3”无效"),
    (re.compile(r"argument (.+?): ignored explicit argument '?(.*?)'?$"), r"参数 \1 不需要值（多了“\2”）"),
    (re.compile(r"argument (.+?): not allowed with argument (.+)"), r"参数 \1 不能与 \2 同时使用"),
    (re.compile(r"ambiguous option: (.+?) could match (.+)"), r"选项 \1 不明确，可能是：\2"),
    (re.compile(r"unrecognized arguments: (.+)"), r"无法识别的参数：\1"),
    (re.compile(r"one of the arguments (.+?) is required"), r"参数 \1 中至少要有一个"),
]


# the command line's names for its values, as a clerk reads them
_METAVARS = {"WORKSPACE": "工作目录", "PERIOD": "报告期", "NEXT": "新的报告期", "PREV": "上一报告期", "DATE": "日期",
             "DEPT": "单位名称", "DIR": "工作目录", "FILE": "输出文件", "COMMAND": "子命令", "ACTION": "子命令",
             "command": "子命令", "templates_command": "子命令"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _names(text: str) -> str:
    """`NEXT`, `--port`, `WORKSPACE/--period` with what they mean: 新的报告期（NEXT）."""
    return re.sub(r"[A-Za-z_][A-Za-z_]*", lambda m: f"{_METAVARS[m[0]]}（{m[0]}）" if m[0] in _METAVARS else m[0], text)


def argparse_message(message: str) -> str:
    """An argparse error in Chinese, the argument named as the user typed it (and what it means)."""
    own = re.match(r"argument (.+?): (.*)", message, re.S)
    if own and _CJK.search(own[2]):  # our own words (a type check), after argparse's English prefix
        return f"参数 {_names(own[1])}：{own[2]}"
    if _CJK.search(message):
        return message
    for pattern, repl in _ARGPARSE:
        m = pattern.search(message)
        if m:
            groups = [_names(m[1]), *m.groups()[1:]]
            return re.sub(r"\\(\d)", lambda g: groups[int(g[1]) - 1], repl)
    return "命令行参数有误，请运行 reportgen --help 查看用法"
