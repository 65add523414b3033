"""Comparison with the previous period: two `Dataset`s → what changed.

Newly completed tasks, status changes, and completion-rate change per task
and per group. The previous period is the latest one before the current in
the same workspace's inputs/.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import DONE, Counts, Dataset


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
        if self.rate_before is None or self.rate_after is None:
            return None
        return round(self.rate_after - self.rate_before, 1)


@dataclass
class Changes:
    previous_code: str
    previous_label: str
    tasks: list[TaskChange] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)  # title, done before/after, rate before/after

    @property
    def newly_done(self) -> list[TaskChange]:
        return [t for t in self.tasks if t.after == DONE and t.before != DONE]

    @property
    def status_changes(self) -> list[TaskChange]:
        return [t for t in self.tasks if t.before != t.after]


def compare(current: Dataset, previous: Dataset) -> Changes:
    before = {m.task.task_id: m for m in previous.tasks}
    changes = Changes(previous.period.code, previous.period.label)
    for g in current.groups:
        earlier = [before[m.task.task_id] for m in g.tasks if m.task.task_id in before]
        was, now = Counts.of(earlier), g.counts
        changes.groups.append({"title": g.title, "done_before": was.done, "done_after": now.done,
                               "rate_before": was.completion_rate, "rate_after": now.completion_rate})
        for m in g.tasks:
            b = before.get(m.task.task_id)
            changes.tasks.append(TaskChange(m.task.task_id, m.task.name, g.title, b.status if b else "（上期无此任务）",
                                            m.status, b.rate if b else None, m.rate))
    return changes


def changes_context(changes: Changes | None) -> dict | None:
    """For internal documents: every change, and a one-sentence summary."""
    if changes is None:
        return None
    newly = changes.newly_done
    moved = changes.status_changes
    summary = (f"与{changes.previous_label}相比，新增完成{len(newly)}项"
               + (f"（{'、'.join(t.name for t in newly)}）" if newly else "")
               + f"，进展状态发生变化的任务{len(moved)}项。")
    return {
        "previous_code": changes.previous_code,
        "previous_label": changes.previous_label,
        "summary": summary,
        "newly_done_count": len(newly),
        "newly_done": [vars(t) | {"rate_delta": t.rate_delta} for t in newly],
        "status_changes": [vars(t) | {"rate_delta": t.rate_delta} for t in moved],
        "tasks": [vars(t) | {"rate_delta": t.rate_delta} for t in changes.tasks],
        "groups": changes.groups,
    }


def public_changes(changes: Changes | None) -> dict | None:
    """For the press release: counts only (较一季度新增完成X项), never which task lagged."""
    if changes is None:
        return None
    return {"previous_label": changes.previous_label, "newly_done_count": len(changes.newly_done)}
