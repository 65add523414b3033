"""Validate stage: `Workspace` → `Validation`, the rows accepted per task and every problem.

Row-level problems (unknown status, bad numbers…) were found while reading;
here come the rules that need the plan and all submissions together: tasks
not reported, tasks not in the plan, a task reported twice (the first 牵头单位
wins), names that differ from the plan, a department reporting another's
task, status against completion rate, a 完成值 the text never mentions.
Every submitted row ends up accepted or set aside with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .codes import issue
from .model import DONE, Issue, Progress, Report, SetAside, Task, Workspace
from .numbers import fmt_num, fmt_percent


@dataclass
class Validation:
    accepted: dict[str, Progress]  # task_id → the row that counts
    set_aside: list[SetAside]
    report: Report
    unreported_departments: list[str] = field(default_factory=list)


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


def _at(progress: Progress, field_name: str) -> dict:
    """Position of one field of a submitted row, for an issue."""
    s = progress.source
    letter = progress.columns.get(field_name) or progress.columns.get("task_id", "A")
    return dict(file=s.file, sheet=s.sheet, cell=f"{letter}{s.row}", department=progress.department)


def achieved_in_text(p: Progress) -> bool:
    if p.achieved is None:
        return True
    text = p.progress_text.replace(",", "").replace("，", "")
    candidates = {fmt_num(p.achieved), fmt_num(p.achieved, 4), p.achieved_text}
    if p.achieved == int(p.achieved):
        candidates.add(str(int(p.achieved)))
    return any(c and c in text for c in candidates)


def _pick_rows(ws: Workspace, plan: dict[str, Task], issues: list[Issue], set_aside: list[SetAside]) -> dict[str, Progress]:
    chosen: dict[str, Progress] = {}
    for sub in ws.submissions:
        for p in sub.rows:
            task = plan.get(p.task_id)
            if task is None:
                issues.append(issue("E-TASK-NOT-IN-PLAN", task_id=p.task_id, **_at(p, "task_id")))
                set_aside.append(SetAside(p.source, p.task_id, p.department, "事项编号不在任务清单中"))
                continue
            first = chosen.get(p.task_id)
            if first is not None:
                leads = task.lead_departments
                if leads and p.department == leads[0] and first.department != leads[0]:
                    first, p = p, first  # the first 牵头单位 is authoritative
                    chosen[p.task_id] = first
                issues.append(issue("E-TASK-DUPLICATE", task_id=p.task_id, first=first.department,
                                    first_where=str(first.source), lead=task.lead, **_at(p, "task_id")))
                set_aside.append(SetAside(p.source, p.task_id, p.department, f"与{first.department}重复报送"))
                continue
            chosen[p.task_id] = p
    return chosen


def _row_rules(task: Task, p: Progress) -> list[Issue]:
    found = []
    if p.name and p.name.replace(" ", "") != task.name.replace(" ", ""):
        found.append(issue("W-NAME-MISMATCH", value=p.name, expected=task.name, **_at(p, "name")))
    if task.lead_departments and p.department not in task.lead_departments:
        found.append(issue("W-TASK-WRONG-DEPT", task_id=task.task_id, lead=task.lead, **_at(p, "task_id")))
    rate = completion_rate(task, p)
    if p.status == DONE and rate is not None and rate < 100:
        found.append(issue("W-DONE-RATE-LOW", rate=fmt_percent(rate), **_at(p, "status")))
    if p.status != DONE and rate is not None and rate >= 100:
        found.append(issue("W-RATE-FULL-NOT-DONE", rate=fmt_percent(rate), status=p.status, **_at(p, "status")))
    if not achieved_in_text(p):
        found.append(issue("W-ACHIEVED-NOT-IN-TEXT", value=p.achieved_text or fmt_num(p.achieved), **_at(p, "achieved")))
    return found


def validate(ws: Workspace) -> Validation:
    """Cross-file rules; adds its issues to `ws.report` and returns the accepted rows."""
    plan = {t.task_id: t for t in ws.plan}
    issues: list[Issue] = []
    set_aside = [s for sub in ws.submissions for s in sub.set_aside]
    chosen = _pick_rows(ws, plan, issues, set_aside)

    missing: list[Task] = []
    for task in ws.plan:
        p = chosen.get(task.task_id)
        if p is None:
            missing.append(task)
            src = task.source
            issues.append(issue("W-TASK-NOT-REPORTED", task_id=task.task_id, name=task.name, lead=task.lead,
                                file=src.file if src else "", sheet=src.sheet if src else "",
                                cell=f"A{src.row}" if src else ""))
        else:
            issues.extend(_row_rules(task, p))

    reported = {sub.department for sub in ws.submissions}
    unreported: dict[str, list[str]] = {}
    for task in missing:
        lead = task.lead_departments[0] if task.lead_departments else ""
        if lead and lead not in reported:
            unreported.setdefault(lead, []).append(task.task_id)
    for dept, ids in unreported.items():
        issues.append(issue("W-DEPT-NOT-REPORTED", department=dept, task_ids="、".join(ids)))

    ws.report.extend(issues)
    return Validation(chosen, set_aside, ws.report, list(unreported))
