"""What `build` would reject in a template, found without rendering it: a static walk of its Jinja tree.

The shape of the data (which fields each dict has, which lists hold what, which values may be
empty) comes from contexts built from a small made-up dataset that has one of everything (every
status, a previous period, a draft), so branches the office's own data never takes are checked
too. The walk follows loops (`{% for t in g.tasks %}` makes `t` a task), and reports, each at its
line:

- a name the data does not have (E-TEMPLATE-UNKNOWN-VARIABLE);
- a field a dict does not have, `t.progres` (E-TEMPLATE-UNKNOWN-FIELD), or an internal one in a
  press-release template, `t.problems` (E-TEMPLATE-INTERNAL-FIELD);
- a field of a value that may be empty taken outside an `{% if %}` on it, `changes.newly_done_count`
  in a first period (E-TEMPLATE-MAYBE-EMPTY);
- an `{% include %}` / `{% import %}` of a template that does not exist (E-TEMPLATE-NOT-FOUND).

Unknown filters and tests are found by compiling (templating.py).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Callable

import jinja2
from jinja2 import nodes

from .codes import issue
from .model import Issue
from .render.env import TemplateRefused


@dataclass
class Shape:
    """What a value may be: a dict with known fields, a list of items, or a plain value; maybe empty (None)."""

    kind: str  # "dict" | "list" | "value" | "any"
    fields: dict[str, "Shape"] = field(default_factory=dict)
    item: "Shape | None" = None
    optional: bool = False


ANY = Shape("any")


def shape_of(value) -> Shape:
    if value is None:
        return Shape("any", optional=True)
    if isinstance(value, dict):
        return Shape("dict", {str(k): shape_of(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        item = None
        for v in value:
            item = shape_of(v) if item is None else merge(item, shape_of(v))
        return Shape("list", item=item or ANY)
    return Shape("value")


def merge(a: Shape, b: Shape) -> Shape:
    """A value that is sometimes `a`, sometimes `b` (None in either makes it optional)."""
    optional = a.optional or b.optional
    if a.kind == "any" and a.optional:
        return Shape(b.kind, b.fields, b.item, True)
    if b.kind == "any" and b.optional:
        return Shape(a.kind, a.fields, a.item, True)
    if a.kind != b.kind:
        return Shape("any", optional=optional)
    if a.kind == "dict":
        keys = dict.fromkeys([*a.fields, *b.fields])
        return Shape("dict", {k: merge(a.fields[k], b.fields[k]) if k in a.fields and k in b.fields
                              else a.fields.get(k) or b.fields[k] for k in keys}, optional=optional)
    if a.kind == "list":
        item = merge(a.item, b.item) if a.item and b.item else (a.item or b.item)
        return Shape("list", item=item, optional=optional)
    return Shape(a.kind, optional=optional)


# ---- the made-up dataset ---------------------------------------------------------------------

def example_dataset(previous: bool = True, draft: bool = True):
    """One task of each status (超额 included), two projects, a set-aside row, an issue; a previous period."""
    from .gate import Gate
    from .merge import group_tasks
    from .model import (BEHIND, DONE, NOT_ADOPTED, NOT_REPORTED, NOT_STARTED, ON_SCHEDULE, Config, Dataset, Issue,
                        MergedTask, Period, Progress, Report, SetAside, Source, Task)

    def task(i: int, project: int) -> Task:
        return Task(f"0{project}-0{i}", project, f"工程{project}", "养老", f"任务{i}", f"目标{i}", 10.0, "个", "区甲局",
                    "区乙局", source=Source("plan.xlsx", "任务清单", i + 2))

    def progress(t: Task, status: str, achieved: float) -> Progress:
        return Progress(t.task_id, status, "已完成。", name="任务", achieved=achieved, achieved_text=str(achieved),
                        expected="9月底", problems="问题", next_steps="打算", contact="联系人", phone="电话",
                        remarks="备注", department="区甲局", source=Source("区甲局.xlsx", "进展填报", 4))

    merged = []
    for i, (status, achieved) in enumerate(((DONE, 12), (ON_SCHEDULE, 5), (BEHIND, 2), (NOT_STARTED, 0)), 1):
        t = task(i, 1 + i % 2)
        merged.append(MergedTask(t, progress(t, status, achieved), status, achieved * 10.0))
    merged.append(MergedTask(task(5, 1), None, NOT_REPORTED, None))
    merged.append(MergedTask(task(6, 2), None, NOT_ADOPTED, None, "进展状态无法识别"))
    period = Period("2025H1", 2025, "H1", date(2025, 6, 30), "上半年", 2, date(2025, 7, 10))
    report = Report([Issue("W-TASK-NOT-REPORTED", "warning", "未报送", "plan.xlsx", "任务清单", "A7", "区甲局")])
    ds = Dataset(Config(publisher="区融媒体中心", compiler="区推进办"), period, merged, group_tasks(merged, "project"),
                 "project", ["区甲局"], [SetAside(Source("区甲局.xlsx", "进展填报", 9), "02-06", "区甲局", "进展状态无法识别")],
                 5, report)
    if previous:
        prev = example_dataset(previous=False, draft=False)
        prev.period = Period("2025Q1", 2025, "Q1", date(2025, 3, 31), "一季度", 1, date(2025, 4, 10))
        ds.previous = prev
    ds.gate = Gate(not draft, ("1项任务未报送进展",) if draft else ())
    return ds


PRESS_RENDER = {"medium": "print", "variant": "standard", "extra_css": ["press-release-print.css"]}
# what render/briefing.py adds to the pack's context: figures by their place (charts.Figure), the contents
_FIGURE = {"number": 1, "caption": "图1　标题", "png": b"", "width_mm": 150.0, "src": "data:,"}
FIGURE_PLACES = ("status", "by_group", "trend")
# 本年度各期进展 (render/trend.py): only from a year's second period, so a template must test it first
_TREND = {"heading": "（三）本年度各期进展", "sentence": "句子。", "caption": "标题", "height_mm": 60.0, "lead": "句子。",
          "chart": {"labels": ["一季度"], "series": [["（一）工程", [50.0]]], "expected": [25]},
          "rows": [{"task_id": "01-01", "name": "任务", "department": "区甲局", "path": "序时推进→滞后", "note": "状态倒退",
                    "backwards": True}],
          "table": {"id": "trend", "kind": "trend", "columns": [{"label": "编号", "align": "center", "mm": 10.0, "pct": 6.4}],
                    "rows": [{"cells": [{"text": "01-01", "cls": ""}], "total": False}]}}
BRIEFING_RENDER = {"trend": None, "toc": True, "colophon_alone": False, "toc_entries": [{"id": "overview", "text": "一、总体进展", "level": 1, "page": 1}],
                   "figures": {place: [_FIGURE] for place in FIGURE_PLACES},
                   "images": {place: [{"image": "", "caption": ""}] for place in FIGURE_PLACES}}


@lru_cache(maxsize=1)
def context_shapes() -> tuple[Shape, Shape]:
    """(public, internal) shapes, each merged over a first period and a later one, a draft and a publishable one."""
    from .render.context import public_context
    from .render.pack import pack_context

    public = internal = None
    for previous in (True, False):
        for draft in (True, False):
            ds = example_dataset(previous, draft)
            p, i = shape_of({**public_context(ds), **PRESS_RENDER}), shape_of({**pack_context(ds), **BRIEFING_RENDER,
                                                                       "trend": _TREND if previous else None})
            public, internal = (p, i) if public is None else (merge(public, p), merge(internal, i))
    return public, internal


def internal_only_fields() -> set[str]:
    """Field names that exist only in the internal context, anywhere in it (problems, contact, behind…)."""
    public, internal = context_shapes()

    def names(s: Shape | None, out: set[str]) -> set[str]:
        if s is None:
            return out
        for k, v in s.fields.items():
            out.add(k)
            names(v, out)
        names(s.item, out)
        return out

    return names(internal, set()) - names(public, set())


# ---- the walk ----------------------------------------------------------------------------------

JINJA_GLOBALS = {"range", "loop", "lipsum", "dict", "cycler", "joiner", "namespace", "true", "false", "none",
                 "True", "False", "None", "caller", "varargs", "kwargs", "self"}
LENIENT_FILTERS = {"default", "d"}  # {{ x.y|default("") }} is fine when x.y is missing
LENIENT_TESTS = {"defined", "undefined", "none"}


def _text(node: nodes.Node) -> str:
    """An expression as the template writes it, for messages: changes.total.done_after, t["name"]."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_text(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_text(node.node)}[{node.arg.value!r}]"
    return "…"


def _mentions(node: nodes.Node) -> set[str]:
    """Every expression a test mentions: {% if changes and changes.total %} guards both."""
    kinds = (nodes.Name, nodes.Getattr, nodes.Getitem)
    return {_text(n) for n in [node, *node.find_all(kinds)] if isinstance(n, kinds)}


class Linter:
    def __init__(self, path: Path, shapes: Shape, public: bool, env: jinja2.Environment,
                 place: Callable[[int], str], declared: set[str]):
        self.path, self.shapes, self.public, self.env, self.place = path, shapes, public, env, place
        self.internal = internal_only_fields() if public else set()
        self.declared = declared  # names the template assigns somewhere ({% set %}, macros, imports)
        self.problems: list[Issue] = []
        self._said: set[tuple] = set()

    def problem(self, code: str, node: nodes.Node, **fields) -> None:
        key = (code, getattr(node, "lineno", 0), tuple(sorted(fields.items())))
        if key not in self._said:
            self._said.add(key)
            self.problems.append(issue(code, file=f"templates/{self.path.name}", cell=self.place(node.lineno), **fields))

    # expressions: return the shape of the value, reporting what cannot be
    def expr(self, node: nodes.Node, scope: dict, guards: frozenset, lenient: bool = False) -> Shape:
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name] or ANY
            if node.name in self.shapes.fields:
                return self.shapes.fields[node.name]
            if node.name not in self.declared and node.name not in JINJA_GLOBALS and not lenient:
                self.problem("E-TEMPLATE-UNKNOWN-VARIABLE", node, name=node.name)
            return ANY
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            key = node.attr if isinstance(node, nodes.Getattr) else (
                node.arg.value if isinstance(node.arg, nodes.Const) else None)
            if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
                self.expr(node.arg, scope, guards, lenient)
            base = self.expr(node.node, scope, guards, lenient)
            return self.field(node, base, key, guards, lenient)
        if isinstance(node, (nodes.Filter, nodes.Test)):
            for child in (*node.args, *node.kwargs, node.dyn_args, node.dyn_kwargs):
                if child is not None:
                    self.expr(child, scope, guards, lenient)
            if node.node is not None:  # None: the filter of a {% filter %} block
                kind = LENIENT_FILTERS if isinstance(node, nodes.Filter) else LENIENT_TESTS
                self.expr(node.node, scope, guards, lenient or node.name in kind)
            return ANY
        if isinstance(node, nodes.CondExpr):
            self.expr(node.test, scope, guards, lenient)
            self.expr(node.expr1, scope, guards | _mentions(node.test), lenient)
            if node.expr2 is not None:
                self.expr(node.expr2, scope, guards, lenient)
            return ANY
        if isinstance(node, nodes.And):
            self.expr(node.left, scope, guards, lenient)
            self.expr(node.right, scope, guards | _mentions(node.left), lenient)
            return Shape("value")
        if isinstance(node, nodes.Call):
            self.expr(node.node, scope, guards, lenient)
            for child in (*node.args, *node.kwargs, node.dyn_args, node.dyn_kwargs):
                if child is not None:
                    self.expr(child, scope, guards, lenient)
            return ANY
        for child in node.iter_child_nodes():
            self.expr(child, scope, guards, lenient)
        return ANY

    def field(self, node: nodes.Node, base: Shape, key, guards: frozenset, lenient: bool) -> Shape:
        owner = _text(node.node)
        if base.optional and owner not in guards and not lenient:
            self.problem("E-TEMPLATE-MAYBE-EMPTY", node, expr=_text(node), name=owner,
                         when="没有上期数据时（第一期）" if owner.split(".")[0] == "changes" else "部分数据中")
        if not isinstance(key, str) or base.kind == "any" or lenient:
            return base.item or ANY if base.kind == "list" and isinstance(key, int) else ANY
        if base.kind == "dict":
            if key in base.fields:
                return base.fields[key]
            if key in ("items", "keys", "values", "get"):  # dict methods
                return ANY
            if key in self.internal:
                self.problem("E-TEMPLATE-INTERNAL-FIELD", node, expr=_text(node))
            else:
                fields = [k for k in base.fields if not k.startswith("_") and k not in self.internal]
                close = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
                choices = f"是不是“{owner}.{close[0]}”？" if close else (f"“{owner}”中有：{'、'.join(fields)}。" if fields else "")
                self.problem("E-TEMPLATE-UNKNOWN-FIELD", node, expr=_text(node), field=key, choices=choices)
            return ANY
        probe = [] if base.kind == "list" else ""
        if key.startswith("_") or not hasattr(probe, key):
            self.problem("E-TEMPLATE-UNKNOWN-FIELD", node, expr=_text(node), field=key, choices="")
        return ANY

    # statements
    def bind(self, target: nodes.Node, shape: Shape | None, scope: dict) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = shape
        elif isinstance(target, (nodes.Tuple, nodes.List)):
            for item in target.items:
                self.bind(item, None, scope)

    def visit(self, node: nodes.Node, scope: dict, guards: frozenset = frozenset()) -> None:
        if isinstance(node, nodes.For):
            it = self.expr(node.iter, scope, guards)
            inner = dict(scope, loop=None)
            self.bind(node.target, it.item if it.kind == "list" else None, inner)
            if node.test is not None:
                self.expr(node.test, inner, guards)
            for child in node.body:
                self.visit(child, inner, guards)
            for child in node.else_:
                self.visit(child, scope, guards)
        elif isinstance(node, nodes.If):
            self.expr(node.test, scope, guards)
            inside = guards | _mentions(node.test)
            # {% if not changes %}…{% else %}, {% if changes is none %}…{% else %}: the else branch is guarded
            negated = isinstance(node.test, nodes.Not) or isinstance(node.test, nodes.Test) and node.test.name == "none"
            for child in node.body:
                self.visit(child, scope, inside)
            for child in (*node.elif_, *node.else_):
                self.visit(child, scope, inside if negated else guards)
        elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
            inner = dict(scope, caller=None)
            for arg in node.args:
                self.bind(arg, None, inner)
            for d in node.defaults:
                self.expr(d, scope, guards)
            if isinstance(node, nodes.CallBlock):
                self.expr(node.call, scope, guards)
            for child in node.body:
                self.visit(child, inner, guards)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values):
                self.bind(target, self.expr(value, scope, guards), inner)
            for child in node.body:
                self.visit(child, inner, guards)
        elif isinstance(node, (nodes.Assign, nodes.AssignBlock)):
            value = node.node if isinstance(node, nodes.Assign) else None
            shape = self.expr(value, scope, guards) if value is not None else None
            if isinstance(node, nodes.AssignBlock):
                for child in node.body:
                    self.visit(child, scope, guards)
            self.bind(node.target, shape, scope)
        elif isinstance(node, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            self.template_exists(node)
            if isinstance(node, nodes.Import):
                scope[node.target] = None
            elif isinstance(node, nodes.FromImport):
                for name in node.names:
                    scope[name if isinstance(name, str) else name[-1]] = None
        else:  # Output, ExprStmt, Block, FilterBlock, Scope…: expressions and statements inside, in this scope
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Expr):
                    self.expr(child, scope, guards)
                else:
                    self.visit(child, scope, guards)

    def template_exists(self, node) -> None:
        target = node.template
        names = [target.value] if isinstance(target, nodes.Const) else (
            [i.value for i in target.items if isinstance(i, nodes.Const)] if isinstance(target, (nodes.List, nodes.Tuple)) else [])
        if isinstance(target, nodes.Const) and not isinstance(target.value, str):
            return
        for name in names:
            try:
                self.env.loader.get_source(self.env, name)
            except TemplateRefused:
                pass  # a link: reported as E-TEMPLATE-LINK by the templates check
            except jinja2.TemplateNotFound:
                if not getattr(node, "ignore_missing", False):
                    self.problem("E-TEMPLATE-NOT-FOUND", node, name=name)


def _declared(tree: nodes.Template) -> set[str]:
    names = set()
    for n in tree.find_all((nodes.Assign, nodes.AssignBlock, nodes.For, nodes.With)):
        targets = n.targets if isinstance(n, nodes.With) else [n.target]
        for t in targets:
            names |= {x.name for x in ([t] if isinstance(t, nodes.Name) else t.find_all(nodes.Name))}
    for n in tree.find_all(nodes.Macro):
        names.add(n.name)
    return names


def lint(path: Path, tree: nodes.Template, env: jinja2.Environment, public: bool,
         place: Callable[[int], str], extra_names: set[str] = frozenset()) -> list[Issue]:
    """The problems in one parsed template (press-release templates: `public`, against the public context)."""
    public_shape, internal_shape = context_shapes()
    shapes = public_shape if public else internal_shape
    if extra_names:
        shapes = Shape("dict", {**shapes.fields, **{n: ANY for n in extra_names if n not in shapes.fields}})
    linter = Linter(path, shapes, public, env, place, _declared(tree))
    linter.visit(tree, {})
    return linter.problems
