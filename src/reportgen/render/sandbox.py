"""The sandbox a workspace's own templates render in, with limits a clerk's template cannot pass.

Jinja's SandboxedEnvironment keeps a template away from the program's internals; `LimitedSandbox`
also bounds what it can make the machine do, each limit with a Chinese message:
- loops: every `{% for %}` iterates through `guarded` (added to the template's syntax tree when it is
  compiled), at most `MAX_ITERATIONS` iterations in one rendering, however the loops nest;
- sizes: no operator, filter, method or `~` makes a text or list longer than `MAX_TEXT`, no number
  grows past `MAX_INT_BITS`, no format asks for a width of a million; a rendering's output stays under
  `MAX_OUTPUT`, and its memory growth under `MAX_MEMORY`;
- time: `RENDER_SECONDS` of wall-clock time per rendering, checked at every loop iteration, call,
  filter and piece of output.
"""

from __future__ import annotations

import contextvars
import functools
import os
import re
import time
from dataclasses import dataclass

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import SandboxedEnvironment

MAX_ITERATIONS = 1_000_000
MAX_TEXT = 10_000_000  # characters (or items) one value may have
MAX_OUTPUT = 50_000_000  # characters one rendering may produce
MAX_INT_BITS = 100_000
MAX_MEMORY = 1 << 30  # bytes a rendering may add to the process
RENDER_SECONDS = 60.0
_WIDE_FORMAT = re.compile(r"%[-+ #0]*(?:\*|\d{6,})|\{[^{}]*:[^{}]*?\d{6,}")


class TemplateLimitError(jinja2.TemplateError):
    """A workspace template went past one of the sandbox's limits; the message says which, in Chinese."""

    in_chinese = True


@dataclass
class _Budget:
    deadline: float
    memory_start: int
    iterations: int = 0
    ticks: int = 0


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("reportgen_template_budget", default=None)


def _rss() -> int:
    """Resident memory of this process in bytes (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0


def _tick() -> None:
    """Time (every call) and memory (every 1,024 calls) of the rendering under way."""
    b = _budget.get()
    if b is None:
        return
    b.ticks += 1
    if time.monotonic() > b.deadline:
        raise TemplateLimitError(f"模板运行超过{RENDER_SECONDS:g}秒，已停止生成。请检查模板中的循环和宏是否过多或无法结束。")
    if b.ticks >= 1024:
        b.ticks = 0
        if b.memory_start and _rss() - b.memory_start > MAX_MEMORY:
            raise TemplateLimitError(f"模板运行占用内存超过{MAX_MEMORY >> 20} MB，已停止生成。请检查模板中是否生成了过多或过长的内容。")


def _too_long() -> TemplateLimitError:
    return TemplateLimitError(f"模板中生成的文字超过{MAX_TEXT:,}字（项），已停止生成。请检查模板中的字符串乘法、拼接和循环。")


def _too_big() -> TemplateLimitError:
    return TemplateLimitError("模板中的数字运算结果过大，已停止生成。请检查模板中的乘方和乘法。")


def _size(value) -> int:
    return len(value) if isinstance(value, (str, list, tuple, dict, set, bytes)) else 0


def _check_size(value):
    if _size(value) > MAX_TEXT:
        raise _too_long()
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise _too_big()
    return value


def _check_format(fmt) -> None:
    if isinstance(fmt, str) and _WIDE_FORMAT.search(fmt):
        raise TemplateLimitError("模板中的格式写法要求的宽度过大，已停止生成。请检查模板中的 % 或 format 写法。")


def guarded(iterable):
    """What every loop of a sandboxed template iterates through: counted and timed."""
    b = _budget.get()
    for item in iterable:
        if b is not None:
            b.iterations += 1
            if b.iterations > MAX_ITERATIONS:
                raise TemplateLimitError(f"模板中的循环次数超过{MAX_ITERATIONS:,}次，已停止生成。"
                                         "请检查模板中的 for 循环是否嵌套过多或循环了过大的 range。")
            _tick()
        yield item


def checked_text(value):
    """The result of `~` (string concatenation) in a sandboxed template."""
    _tick()
    return _check_size(value)


class _LimitedCodeGenerator(CodeGenerator):
    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        self.write("environment.checked_text(")
        super().visit_Concat(node, frame)
        self.write(")")


class LimitedTemplate(jinja2.Template):
    """`render` (the only entry point the renderers and docxtpl use) under a fresh budget."""

    def render(self, *args, **kwargs) -> str:
        ctx = self.new_context(dict(*args, **kwargs))
        token = None
        if _budget.get() is None:
            token = _budget.set(_Budget(time.monotonic() + RENDER_SECONDS, _rss()))
        try:
            out, size = [], 0
            for chunk in self.root_render_func(ctx):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise TemplateLimitError(f"模板生成的内容超过{MAX_OUTPUT:,}字，已停止生成。请检查模板中的循环。")
                _tick()
                out.append(chunk)
            return self.environment.concat(out)  # type: ignore[attr-defined]
        except RecursionError:
            raise TemplateLimitError("模板中的宏调用嵌套过深（可能是宏调用了自己），已停止生成。") from None
        except MemoryError:
            raise TemplateLimitError("模板运行时内存不足，已停止生成。请检查模板中是否生成了过多或过长的内容。") from None
        except Exception:
            self.environment.handle_exception()
        finally:
            if token is not None:
                _budget.reset(token)


def _bounded_filter(f):
    @functools.wraps(f)  # keeps jinja_pass_arg: context/environment filters stay what they were
    def bounded(*args, **kwargs):
        _tick()
        for a in (*args, *kwargs.values()):
            if isinstance(a, int) and not isinstance(a, bool) and abs(a) > MAX_TEXT:
                raise TemplateLimitError("模板中过滤器的参数过大，已停止生成。请检查模板中的 center、indent、truncate 等写法。")
        if f.__name__ == "do_format" and args:
            _check_format(args[0])
        return _check_size(f(*args, **kwargs))

    return bounded


class LimitedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})
    code_generator_class = _LimitedCodeGenerator
    template_class = LimitedTemplate

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.globals.pop("lipsum", None)  # thousands of words on request: nothing a bulletin needs

    def bound_filters(self) -> None:
        """Wrap every filter (call after adding our own): filters are called directly, not through `call`."""
        self.filters = {name: _bounded_filter(f) for name, f in self.filters.items()}

    checked_text = staticmethod(checked_text)

    def _generate(self, source: nodes.Template, name, filename, defer_init: bool = False) -> str:
        for loop in source.find_all(nodes.For):
            guard = nodes.ImportedName(f"{__name__}.guarded")
            loop.iter = nodes.Call(guard, [loop.iter], [], None, None).set_lineno(loop.iter.lineno)
        return super()._generate(source, name, filename, defer_init=defer_init)

    def call_binop(self, context, operator: str, left, right):
        _tick()
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if _size(seq) and isinstance(n, int) and _size(seq) * n > MAX_TEXT:
                    raise _too_long()
            if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise _too_big()
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0 and max(left.bit_length(), 1) * right > MAX_INT_BITS:
                raise _too_big()
        elif operator == "+":
            if _size(left) and _size(right) and _size(left) + _size(right) > MAX_TEXT:
                raise _too_long()
        elif operator == "%":
            _check_format(left)
        return _check_size(super().call_binop(context, operator, left, right))

    def wrap_str_format(self, value):
        wrapper = super().wrap_str_format(value)
        if wrapper is not None:
            _check_format(value.__self__)
        return wrapper

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        _tick()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):  # a str method: ljust, center, zfill, replace, join…
            grows = sum(_size(a) + (abs(a) if isinstance(a, int) and not isinstance(a, bool) else 0)
                        for a in (*args, *kwargs.values()) if not isinstance(a, (list, tuple)))
            if len(owner) * max(grows, 1) > MAX_TEXT * 10 or grows > MAX_TEXT:
                raise _too_long()
        return _check_size(super().call(__context, __obj, *args, **kwargs))
