"""Merge stage: `Workspace` → `Dataset`, one row per plan task keyed by 事项编号.

Cross-file rules live here because only here are plan and submissions seen
together: tasks not reported, tasks not in the plan, a task reported twice,
names that differ from the plan, status against completion rate.
Every submitted row ends up merged or in `set_aside` with its reason.
"""

from __future__ import annotations

from .codes import issue
from .model import (
    CATEGORIES, DONE, NOT_REPORTED, Dataset, Group, Issue, MergedTask, Progress, SetAside, Task, Workspace,
)
from .numbers import fmt_num, fmt_percent


def completion_rate(task: Task, progress: Progress | None) -> float | None:
    """Percent of the annual target: as reported, else 完成值/目标值, else 100 for 已完成."""
    if progress is None:
        return None
    if progress.rate is not None:
        return progress.rate
    if progress.achieved is not None and task.target_value:
        return round(100.0 * progress.achieved / task.target_value, 1)
    if progress.status == DONE:
        return 100.0
    return None


def _cell_of(progress: Progress, field: str) -> dict:
    """Position kwargs for an issue about one field of a submitted row."""
    s = progress.source
    letter = progress.columns.get(field) or progress.columns.get("task_id", "A")
    return dict(file=s.file, sheet=s.sheet, cell=f"{letter}{s.row}", department=progress.department)


def _achieved_in_text(p: Progress) -> bool:
    if p.achieved is None:
        return True
    text = p.progress_text.replace(",", "").replace("，", "")
    candidates = {fmt_num(p.achieved), fmt_num(p.achieved, 4), p.achieved_text}
    if p.achieved == int(p.achieved):
        candidates.add(str(int(p.achieved)))
    return any(c and c in text for c in candidates)


def group_tasks(tasks: list[MergedTask], group_by: str) -> list[Group]:
    groups: dict[str, Group] = {}
    for t in tasks:
        if group_by == "category":
            key, title, order = t.task.category, t.task.category, CATEGORIES.index(t.task.category)
        else:
            key, title, order = f"{t.task.project_no:03d}", t.task.project, t.task.project_no
        groups.setdefault(key, Group(key, title, order, [])).tasks.append(t)
    return sorted(groups.values(), key=lambda g: (g.order, g.key))


def merge(ws: Workspace, group_by: str | None = None) -> Dataset:
    report = ws.report
    plan = {t.task_id: t for t in ws.plan}
    set_aside: list[SetAside] = [s for sub in ws.submissions for s in sub.set_aside]
    chosen: dict[str, Progress] = {}
    new_issues: list[Issue] = []

    for sub in ws.submissions:
        for p in sub.rows:
            task = plan.get(p.task_id)
            if task is None:
                new_issues.append(issue("E-TASK-NOT-IN-PLAN", task_id=p.task_id, **_cell_of(p, "task_id")))
                set_aside.append(SetAside(p.source, p.task_id, p.department, "事项编号不在任务清单中"))
                continue
            first = chosen.get(p.task_id)
            if first is not None:
                # the first 牵头单位 is authoritative when two departments report one task
                leads = task.lead_departments
                if leads and p.department == leads[0] and first.department != leads[0]:
                    first, p = p, first
                    chosen[p.task_id] = first
                new_issues.append(issue("E-TASK-DUPLICATE", task_id=p.task_id, first=first.department,
                                        first_where=str(first.source), lead=task.lead, **_cell_of(p, "task_id")))
                set_aside.append(SetAside(p.source, p.task_id, p.department, f"与{first.department}重复报送"))
                continue
            chosen[p.task_id] = p
            if p.name and p.name.replace(" ", "") != task.name.replace(" ", ""):
                new_issues.append(issue("W-NAME-MISMATCH", value=p.name, expected=task.name, **_cell_of(p, "name")))

    merged: list[MergedTask] = []
    for task in sorted(ws.plan, key=lambda t: (t.project_no, t.task_id)):
        p = chosen.get(task.task_id)
        rate = completion_rate(task, p)
        m = MergedTask(task, p, p.status if p else NOT_REPORTED, rate)
        merged.append(m)
        if p is None:
            new_issues.append(issue("W-TASK-NOT-REPORTED", task_id=task.task_id, name=task.name, lead=task.lead,
                                    file=task.source.file if task.source else "", sheet=task.source.sheet if task.source else "",
                                    cell=f"A{task.source.row}" if task.source else ""))
            continue
        if p.status == DONE and rate is not None and rate < 100:
            new_issues.append(issue("W-DONE-RATE-LOW", rate=fmt_percent(rate), **_cell_of(p, "status")))
        if p.status != DONE and rate is not None and rate >= 100:
            new_issues.append(issue("W-RATE-FULL-NOT-DONE", rate=fmt_percent(rate), status=p.status, **_cell_of(p, "status")))
        if not _achieved_in_text(p):
            new_issues.append(issue("W-ACHIEVED-NOT-IN-TEXT", value=p.achieved_text or fmt_num(p.achieved), **_cell_of(p, "achieved")))

    reported = {sub.department for sub in ws.submissions}
    unreported: list[str] = []
    for m in merged:
        if m.status == NOT_REPORTED:
            for d in m.task.lead_departments[:1]:
                if d not in reported and d not in unreported:
                    unreported.append(d)
    for d in unreported:
        ids = [m.task.task_id for m in merged if m.status == NOT_REPORTED and m.task.lead_departments[:1] == [d]]
        new_issues.append(issue("W-DEPT-NOT-REPORTED", department=d, task_ids="、".join(ids)))

    report.extend(new_issues)
    gb = group_by or ws.config.group_by
    return Dataset(
        config=ws.config,
        period=ws.period,
        tasks=merged,
        groups=group_tasks(merged, gb),
        group_by=gb,
        unreported_departments=unreported,
        set_aside=set_aside,
        rows_read=sum(s.rows_read for s in ws.submissions),
        report=report,
        submissions=ws.submissions,
        previous=ws.previous,
    )
