"""Library messages in Chinese: what Jinja says about a template, and what argparse says about a command line.

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


def argparse_message(message: str) -> str:
    """An argparse error in Chinese; one that is already Chinese (ours) is left as it is."""
    if re.search(r"[\u4e00-\u9fff]", message):
        return message
    for pattern, repl in _ARGPARSE:
        if pattern.search(message):
            return pattern.sub(repl, message, count=1)
    return "命令行参数有误，请运行 reportgen --help 查看用法"
