"""Figures against each other, for one accepted row: 完成率 against 完成值÷目标值, the status against both.

Runs after the row's amounts were put into the plan's unit (validate._in_plan_units). Each
finding says what to write instead. Where what was meant is certain, the rate is corrected
and said so (85 typed into a cell formatted as percent shows 8500%; when 完成值÷目标值 is 85%,
85% is meant); where a rate cannot be right it is not used. Errors here block publication:

- E-RATE-IMPOSSIBLE: a rate above 1000% that nothing explains.
- E-RATE-MISMATCH: a typed rate that is not 完成值÷目标值 (beyond rounding).
- E-DONE-BELOW-TARGET: 已完成 below the target (30 of 50 部 published as 该项目已完成).
- E-NOT-STARTED-WITH-PROGRESS: 未启动 with an amount or a rate above zero.

Warnings: W-RATE-PERCENT-CELL (corrected), W-RATE-HIGH (300%–1000%), W-RATE-FULL-NOT-DONE
(100% reached, status not 已完成; 超额 counts only completed tasks, see MergedTask.over_target).
"""

from __future__ import annotations

import unicodedata
from typing import Callable

from .codes import issue
from .model import DONE, NOT_STARTED, Issue, Progress, Task
from .numbers import fmt_num, fmt_percent

RATE_HIGH = 300  # percent: worth a look
RATE_IMPOSSIBLE = 1000  # percent: the department workbook's own validation stops here

Where = Callable[[Progress, str], dict]


def computed_rate(task: Task, p: Progress) -> float | None:
    """完成值÷目标值 in percent, when both are there."""
    if p.achieved is None or not task.target_value:
        return None
    return 100.0 * p.achieved / task.target_value


def close(a: float, b: float) -> bool:
    """Equal but for rounding: within one percentage point, or 2% of the value for large ones."""
    return abs(a - b) <= max(1.0, 0.02 * abs(b))


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def _typed_number(p: Progress) -> float | None:
    """完成率 as typed when it was a bare number (no %), else None."""
    typed = unicodedata.normalize("NFKC", p.rate_text).strip()
    if not typed or "%" in typed:
        return None
    try:
        return float(typed)
    except ValueError:
        return None


def _amounts(task: Task, p: Progress) -> str:
    unit = task.unit
    return f"完成值{fmt_num(p.achieved)}{unit}只达到目标值{fmt_num(task.target_value)}{unit}的{fmt_percent(computed_rate(task, p))}"


def _rate_checks(task: Task, p: Progress, at: Where) -> list[Issue]:
    found: list[Issue] = []
    computed = computed_rate(task, p)
    if p.rate is None:
        if computed is not None and computed > RATE_HIGH:
            found.append(issue("W-RATE-HIGH", value=f"{fmt_percent(computed)}（按完成值÷目标值算得）", **at(p, "achieved")))
        return found
    typed = _typed_number(p)
    # a cell formatted as percent shows the number typed into it ×100: 85 → 8500%
    percent_cell = typed is not None and _same(typed * 100, p.rate) and not _same(typed, p.rate)
    if computed is not None and close(p.rate, computed):
        pass
    elif percent_cell and computed is not None and close(typed, computed):
        found.append(issue("W-RATE-PERCENT-CELL", typed=fmt_num(typed), shown=fmt_percent(p.rate),
                           computed=fmt_percent(computed), percent=fmt_percent(typed), **at(p, "rate")))
        p.rate = typed
    elif p.rate > RATE_IMPOSSIBLE:
        meant = typed if percent_cell else None
        hint = f"如本意是 {fmt_percent(meant)}，请改填 {fmt_percent(meant)}；" if meant is not None and meant <= RATE_IMPOSSIBLE else ""
        found.append(issue("E-RATE-IMPOSSIBLE", shown=fmt_percent(p.rate), hint=hint, **at(p, "rate")))
        p.rate = None
    elif computed is not None:
        found.append(issue("E-RATE-MISMATCH", rate=fmt_percent(p.rate), achieved=fmt_num(p.achieved),
                           target=fmt_num(task.target_value), computed=fmt_percent(computed), **at(p, "rate")))
    elif p.rate > RATE_HIGH:
        found.append(issue("W-RATE-HIGH", value=fmt_percent(p.rate), **at(p, "rate")))
    return found


def check_figures(task: Task, p: Progress, at: Where, rate_of: Callable[[Task, Progress], float | None]) -> list[Issue]:
    """The findings for one row; `at(p, field)` places an issue at the row's cell for `field`,
    `rate_of` is the completion rate every document uses (validate.completion_rate)."""
    found = _rate_checks(task, p, at)
    rate = rate_of(task, p)
    if p.status == DONE and rate is not None and rate < 100 - 1e-9:
        figures = _amounts(task, p) if p.rate is None and computed_rate(task, p) is not None else f"完成率只有{fmt_percent(rate)}"
        found.append(issue("E-DONE-BELOW-TARGET", figures=figures, **at(p, "status")))
    elif p.status == NOT_STARTED and ((p.achieved or 0) > 0 or (p.rate or 0) > 0):
        shown = []
        if p.achieved:
            shown.append(f"完成值为{p.achieved_text or fmt_num(p.achieved)}")
        if p.rate:
            shown.append(f"完成率为{fmt_percent(p.rate)}")
        found.append(issue("E-NOT-STARTED-WITH-PROGRESS", figures="、".join(shown), **at(p, "status")))
    elif p.status != DONE and rate is not None and rate >= 100:
        found.append(issue("W-RATE-FULL-NOT-DONE", rate=fmt_percent(rate), status=p.status, **at(p, "status")))
    return found
