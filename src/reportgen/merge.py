"""Merge stage: `Workspace` (+ its `Validation`) → `Dataset`, one row per plan task keyed by 事项编号.

Takes the rows validation accepted; returns merged tasks with status and
completion rate, grouped by project or by category, with the counts every
document prints.
"""

from __future__ import annotations

from .model import CATEGORIES, NOT_ADOPTED, NOT_REPORTED, Dataset, Group, MergedTask, Workspace
from .safetext import join_reasons
from .validate import Validation, completion_rate, validate


def group_tasks(tasks: list[MergedTask], group_by: str) -> list[Group]:
    groups: dict[str, Group] = {}
    for t in tasks:
        if group_by == "category":
            key, title, order = t.task.category, t.task.category, CATEGORIES.index(t.task.category)
        else:
            key, title, order = f"{t.task.project_no:03d}", t.task.project, t.task.project_no
        groups.setdefault(key, Group(key, title, order, [])).tasks.append(t)
    return sorted(groups.values(), key=lambda g: (g.order, g.key))


def merge(ws: Workspace, group_by: str | None = None, validation: Validation | None = None) -> Dataset:
    v = validation or validate(ws)
    # a task whose rows were all set aside is 未采用 (sent, not used), not 未报送 (nothing came)
    aside: dict[str, list[str]] = {}
    for s in v.set_aside:
        aside.setdefault(s.task_id, []).append(s.reason)
    merged: list[MergedTask] = []
    for task in sorted(ws.plan, key=lambda t: (t.project_no, t.task_id)):
        p = v.accepted.get(task.task_id)
        if p is not None:
            merged.append(MergedTask(task, p, p.status, completion_rate(task, p)))
        elif task.task_id in aside:
            merged.append(MergedTask(task, None, NOT_ADOPTED, None, join_reasons(aside[task.task_id])))
        else:
            merged.append(MergedTask(task, None, NOT_REPORTED, None))
    gb = group_by or ws.config.group_by
    return Dataset(
        config=ws.config,
        period=ws.period,
        tasks=merged,
        groups=group_tasks(merged, gb),
        group_by=gb,
        unreported_departments=v.unreported_departments,
        set_aside=v.set_aside,
        rows_read=sum(s.rows_read for s in ws.submissions),
        report=v.report,
        submissions=ws.submissions,
        previous=ws.previous,
        files=ws.files,
    )
