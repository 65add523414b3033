"""Comparison with the previous period: two `Dataset`s → what changed.

Newly completed tasks, status changes, and completion-rate change per task
and per group. The previous period is the latest one before the current in
the same workspace's inputs/.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import DONE, Counts, Dataset, Period
from .numbers import fmt_num, fmt_percent


@dataclass
class TaskChange:
    task_id: str
    name: str
    group: str
    before: str
    after: str
    rate_before: float | None
    rate_after: float | None

    @property
    def rate_delta(self) -> float | None:
        return rate_delta(self.rate_before, self.rate_after)


def rate_delta(before: float | None, after: float | None) -> float | None:
    """Change in percentage points, to one decimal; None when either rate is unknown."""
    if before is None or after is None:
        return None
    return round(after - before, 1)


def rate_change_text(before: float | None, after: float | None) -> str:
    """+16.7个百分点, -8.3个百分点, 持平; — when there is no earlier rate to compare with."""
    delta = rate_delta(before, after)
    if delta is None:
        return "—"
    if delta == 0:
        return "持平"
    return f"{'+' if delta > 0 else ''}{fmt_num(delta, 1)}个百分点"


def comparison_label(previous: Period, current: Period) -> str:
    """How the documents name the previous period: 上半年 in the same year, 2025年全年 across years."""
    label = previous.label
    if previous.year != current.year and not label.startswith(str(previous.year)):
        label = f"{previous.year}年{label}"
    return label


@dataclass
class GroupChange:
    title: str
    total: int
    done_before: int
    done_after: int
    rate_before: float | None  # percent, unrounded; None: none of the group's tasks was in the previous period
    rate_after: float
    newly_done: int = 0

    @property
    def rate_delta(self) -> float | None:
        return rate_delta(self.rate_before, self.rate_after)

    def as_dict(self) -> dict:
        return vars(self) | {"rate_delta": self.rate_delta,
                             "rate_change": rate_change_text(self.rate_before, self.rate_after)}


@dataclass
class Changes:
    previous_code: str
    previous_label: str  # as shown: 上半年, or 2025年全年 when the previous period is in another year
    tasks: list[TaskChange] = field(default_factory=list)
    groups: list[GroupChange] = field(default_factory=list)
    total: GroupChange | None = None  # every task of the current plan, 合计

    @property
    def newly_done(self) -> list[TaskChange]:
        return [t for t in self.tasks if t.after == DONE and t.before != DONE]

    @property
    def status_changes(self) -> list[TaskChange]:
        return [t for t in self.tasks if t.before != t.after]


def compare(current: Dataset, previous: Dataset) -> Changes:
    before = {m.task.task_id: m for m in previous.tasks}
    changes = Changes(previous.period.code, comparison_label(previous.period, current.period))

    def group_change(title: str, tasks) -> GroupChange:
        # the same tasks then and now: a task added to the plan this period does not count against 上期
        earlier = [before[m.task.task_id] for m in tasks if m.task.task_id in before]
        was, now = Counts.of(earlier), Counts.of(tasks)
        newly = sum(m.status == DONE and (m.task.task_id not in before or before[m.task.task_id].status != DONE)
                    for m in tasks)
        return GroupChange(title, now.total, was.done, now.done,
                           was.completion_rate if earlier else None, now.completion_rate, newly)

    for g in current.groups:
        changes.groups.append(group_change(g.title, g.tasks))
        for m in g.tasks:
            b = before.get(m.task.task_id)
            changes.tasks.append(TaskChange(m.task.task_id, m.task.name, g.title, b.status if b else "（上期无此任务）",
                                            m.status, b.rate if b else None, m.rate))
    changes.total = group_change("合计", [m for g in current.groups for m in g.tasks])
    return changes


def _overall_rate(total: GroupChange | None) -> str:
    """，任务完成率由25%提高到50% (or 下降到, or 与上期持平)."""
    if total is None or total.rate_before is None:
        return ""
    before, after = fmt_percent(total.rate_before), fmt_percent(total.rate_after)
    if total.rate_delta == 0:
        return f"，任务完成率{after}，与上期持平"
    return f"，任务完成率由{before}{'提高' if total.rate_delta > 0 else '下降'}到{after}"


def changes_context(changes: Changes | None) -> dict | None:
    """For internal documents: every change, and a one-sentence summary."""
    if changes is None:
        return None
    newly = changes.newly_done
    moved = changes.status_changes
    summary = (f"与{changes.previous_label}相比，新增完成{len(newly)}项"
               + (f"（{'、'.join(t.name for t in newly)}）" if newly else "")
               + f"，进展状态发生变化的任务{len(moved)}项" + _overall_rate(changes.total) + "。")
    return {
        "previous_code": changes.previous_code,
        "previous_label": changes.previous_label,
        "summary": summary,
        "newly_done_count": len(newly),
        "newly_done": [vars(t) | {"rate_delta": t.rate_delta} for t in newly],
        "status_changes": [vars(t) | {"rate_delta": t.rate_delta} for t in moved],
        "tasks": [vars(t) | {"rate_delta": t.rate_delta} for t in changes.tasks],
        "groups": [g.as_dict() for g in changes.groups],
        "total": changes.total.as_dict() if changes.total else None,
    }


def public_changes(changes: Changes | None) -> dict | None:
    """For the press release: counts only (较一季度新增完成X项, 较2025年全年新增完成X项), never which task lagged."""
    if changes is None:
        return None
    return {"previous_label": changes.previous_label, "newly_done_count": len(changes.newly_done)}
