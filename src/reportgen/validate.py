"""Validate stage: `Workspace` → `Validation`, the rows accepted per task and every problem.

Row-level problems (unknown status, bad numbers…) were found while reading;
here come the rules that need the plan and all submissions together: tasks
not reported, tasks not in the plan, a department reporting another's task
(set aside: see `may_report`), a task reported twice (the first 牵头单位
wins), names that differ from the plan, status against completion rate, a
完成值 the text never mentions.
Here too, where the plan is known, amounts typed with 万/亿 are converted
into the plan's 计量单位 and a bare 0.85 完成率 is checked against 完成值/目标值.
A task left out by a department that did report is addressed to that
department's own file. Every submitted row ends up accepted or set aside
with its reason. Figures against each other are checked in figures.py; files made
for another period and progress copied from the previous one in freshness.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date

from .codes import issue
from .figures import check_figures
from .freshness import file_periods, stale_texts
from .model import DONE, NOT_STARTED, Issue, Progress, Report, SetAside, Submission, Task, Workspace
from .safetext import join_reasons
from .numbers import fmt_num, fmt_percent, in_unit, numbers_in_text, unit_scale


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


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def achieved_in_text(p: Progress, unit: str = "") -> bool:
    """Does 进展情况 mention the 完成值? Numbers are compared as whole numbers and values:
    2 is not found in 2025, １２３ is 123, 1.4万 is 14000; with plan unit 万人次, 1.4 is 1.4万."""
    if p.achieved is None or p.achieved in (0, 1):  # no figure to write: nothing done, or 建成一处
        return True
    _, size = unit_scale(unit)
    wanted = (p.achieved, p.achieved * size)
    for number, magnitude in numbers_in_text(p.progress_text):
        for seen in (number, number * magnitude, number * magnitude / size):
            if any(_same(seen, w) for w in wanted):
                return True
    return False


def name_key(s: str) -> str:
    """Names compared as a reader sees them: full/half width and （）/() alike, spaces ignored."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", s or ""))


def may_report(task: Task, department: str) -> bool:
    """A unit speaks only for its own tasks: those it leads, and those the plan lists it for as 配合单位.
    Whatever a workbook (or the link it came through) says it is, another unit's task is never adopted."""
    if not task.lead_departments:
        return True
    return name_key(department) in {name_key(d) for d in (*task.lead_departments, *task.partner_departments)}


def _id_from_date(p: Progress, plan: dict[str, Task]) -> str | None:
    """The plan's 事项编号 that Excel turned into the date `p.task_id_date` (01-03, 1-3, 01-3…)."""
    try:
        d = date.fromisoformat(p.task_id_date[:10])
    except ValueError:
        return None
    for candidate in (f"{d.month:02d}-{d.day:02d}", f"{d.month}-{d.day}", f"{d.month}-{d.day:02d}",
                      f"{d.month:02d}-{d.day}"):
        if candidate in plan:
            return candidate
    return None


def _pick_rows(ws: Workspace, plan: dict[str, Task], issues: list[Issue], set_aside: list[SetAside],
               skipped: set[int] = frozenset()) -> dict[str, Progress]:
    chosen: dict[str, Progress] = {}
    for sub in ws.submissions:
        if id(sub) in skipped:  # a file made for another period: its rows were set aside whole
            continue
        for p in sub.rows:
            if p.task_id_date:
                mapped = _id_from_date(p, plan)
                if mapped is None:
                    issues.append(issue("E-ID-DATE", value=p.task_id_date, **_at(p, "task_id")))
                    set_aside.append(SetAside(p.source, p.task_id, p.department, "事项编号被 Excel 转成了日期，无法对应任务清单"))
                    continue
                p.task_id = mapped
                issues.append(issue("W-ID-DATE", value=p.task_id_date, task_id=mapped, **_at(p, "task_id")))
            task = plan.get(p.task_id)
            if task is None:
                issues.append(issue("E-TASK-NOT-IN-PLAN", task_id=p.task_id, **_at(p, "task_id")))
                set_aside.append(SetAside(p.source, p.task_id, p.department, "事项编号不在任务清单中"))
                continue
            if not may_report(task, p.department):
                issues.append(issue("E-TASK-WRONG-DEPT", task_id=task.task_id, lead=task.lead, **_at(p, "task_id")))
                set_aside.append(SetAside(p.source, p.task_id, p.department, f"这项任务由{task.lead}牵头，不是本单位的任务"))
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


def _in_plan_units(task: Task, p: Progress) -> list[Issue]:
    """The row's 完成值 and 完成率 as the plan means them (idempotent: worked out from what was typed).

    完成值 typed with 万/亿 (3822万元, 1.4万人次) or in the plan's base unit (14000人次 for 万人次) is
    converted into the plan's 计量单位; a bare number is taken in that unit as typed.
    A 完成率 typed as a small bare number (0.85) is a fraction when 完成值/目标值 says so."""
    found: list[Issue] = []
    if p.achieved is not None and p.achieved_text:
        converted = in_unit(p.achieved_text, task.unit)
        if converted is not None:
            p.achieved = converted
    typed = p.rate_text.strip()
    if p.rate is not None and 0 < p.rate <= 1.5 and "%" not in unicodedata.normalize("NFKC", typed):
        try:
            as_typed = float(unicodedata.normalize("NFKC", typed))
        except ValueError:
            as_typed = None
        if as_typed is not None and _same(as_typed, p.rate):  # a bare number, not a cell formatted as percent
            percent = fmt_percent(p.rate * 100)
            computed = (100.0 * p.achieved / task.target_value
                        if p.achieved is not None and task.target_value else None)
            if computed is not None and abs(computed - p.rate * 100) <= max(1.0, 0.02 * computed):
                found.append(issue("W-RATE-FRACTION", value=typed, computed=fmt_percent(computed), percent=percent,
                                   **_at(p, "rate")))
                p.rate = round(p.rate * 100, 6)
            elif computed is None:  # against 完成值÷目标值, a rate that is neither is a mismatch (figures.py)
                found.append(issue("W-RATE-AMBIGUOUS", value=typed, percent=percent, **_at(p, "rate")))
    return found


# status against text: words that say work is under way (for 未启动), or not finished (for 已完成);
# a clause about the future or in the negative (计划于9月完成, 尚未开工) says nothing about now
_UNDER_WAY = re.compile(r"正在|已|完成|建成|开工|竣工")
_UNFINISHED = re.compile(r"正在|尚未|(?<![按原])计划(?![内任中])")
_NOT_NOW = re.compile(r"计划|预计|将于|拟|争取|力争|确保|待|下一步|下步|未|没有")


def _clause_with(text: str, pattern: re.Pattern, skip: re.Pattern | None = None) -> str:
    """The first clause of `text` (up to 20 characters) where `pattern` says something, '' if none."""
    for clause in re.split(r"[，。；！？,;]", text):
        if pattern.search(clause) and not (skip and skip.search(clause)):
            return clause.strip()[:20]
    return ""


def status_against_text(p: Progress) -> list[Issue]:
    """未启动 whose text says work is under way, 已完成 whose text says it is not done: the release would
    publish both, so each is a finding at the status cell (the gate keeps the release a draft)."""
    from .render.wording import clean

    text = clean(p.progress_text)
    if p.status == NOT_STARTED:
        said = _clause_with(text, _UNDER_WAY, _NOT_NOW)
        return [issue("W-STATUS-NOT-STARTED-TEXT", phrase=said, **_at(p, "status"))] if said else []
    if p.status == DONE:
        said = _clause_with(text, _UNFINISHED)
        return [issue("W-STATUS-DONE-TEXT", phrase=said, **_at(p, "status"))] if said else []
    return []


def _row_rules(task: Task, p: Progress) -> list[Issue]:
    found = []
    if p.name and name_key(p.name) != name_key(task.name):
        found.append(issue("W-NAME-MISMATCH", value=p.name, expected=task.name, **_at(p, "name")))
    found += check_figures(task, p, _at, completion_rate)
    found += status_against_text(p)
    if not achieved_in_text(p, task.unit):
        found.append(issue("W-ACHIEVED-NOT-IN-TEXT", value=p.achieved_text or fmt_num(p.achieved), **_at(p, "achieved")))
    return found


STATUS_FIGURES = {"E-DONE-BELOW-TARGET", "E-NOT-STARTED-WITH-PROGRESS", "W-RATE-FULL-NOT-DONE"}


def _set_aside_figures(plan: dict[str, Task], set_aside: list[SetAside]) -> list[Issue]:
    """The figures of rows set aside for a problem of their own (no status, no 进展情况 …), checked as an
    accepted row's are: the department fixes everything in one round, not the 完成率 only after the status."""
    found: list[Issue] = []
    for s in set_aside:
        task = plan.get(s.task_id)
        if s.row is None or task is None:
            continue
        p = replace(s.row)  # the row is not used: its figures are read, never changed
        figures = _in_plan_units(task, p) + check_figures(task, p, _at, completion_rate)
        found += [i for i in figures if p.status or i.code not in STATUS_FIGURES]
    return found


def _not_reported(task: Task, submitted: dict[str, Submission]) -> Issue:
    """未报送, addressed to the lead department: in its own file when it sent one (so the return
    workbook lists it), else at the task's row of the plan."""
    leads = task.lead_departments
    dept = next((d for d in leads if name_key(d) in submitted), leads[0] if leads else "")
    sub = submitted.get(name_key(dept))
    if sub is not None:
        where = dict(file=sub.path.name, sheet=sub.sheet, cell=sub.append_cell)
    else:
        src = task.source
        where = dict(file=src.file if src else "", sheet=src.sheet if src else "", cell=f"A{src.row}" if src else "")
    return issue("W-TASK-NOT-REPORTED", task_id=task.task_id, name=task.name, lead=task.lead, department=dept, **where)


def _not_adopted(task: Task, rows: list[SetAside], submissions: list[Submission]) -> Issue:
    """未采用: rows came for the task and every one was set aside; said at the first of them, with why."""
    first = rows[0]
    sub = next((s for s in submissions if s.path.name == first.source.file), None)
    column = re.match(r"[A-Z]+", sub.append_cell) if sub else None  # the 事项编号 column
    letters = column.group(0) if column else "A"
    reason = join_reasons(r.reason for r in rows)
    return issue("W-TASK-NOT-ADOPTED", task_id=task.task_id, name=task.name, lead=task.lead, reason=reason.rstrip("。"),
                 file=first.source.file, sheet=first.source.sheet,
                 cell=f"{letters}{first.source.row}" if first.source.row else "", department=first.department)


BLANK_REASON = "未填写的空白填报表，视为未报送"


def set_aside_blank_forms(ws: Workspace) -> list[Submission]:
    """A form `new-period` made for this period that came back as it went out (its period stamp, nothing typed):
    nothing came. It is no submission: no errors, no return workbook; its department is 未报送. A form with
    anything typed in it stays a submission, checked as always."""
    blank = [s for s in ws.submissions if not s.filled and s.period_stamp == ws.period.code]
    if blank:
        names = {s.path.name for s in blank}
        ws.submissions = [s for s in ws.submissions if s not in blank]
        ws.report.issues[:] = [i for i in ws.report.issues if i.file not in names]
        ws.files = [replace(f, status="blank", reason=BLANK_REASON, rows=0) if f.name in names and f.status == "read" else f
                    for f in ws.files]
    return blank


def validate(ws: Workspace) -> Validation:
    """Cross-file rules; adds its issues to `ws.report` and returns the accepted rows."""
    set_aside_blank_forms(ws)
    plan = {t.task_id: t for t in ws.plan}
    issues, set_aside, skipped = file_periods(ws)
    set_aside = [s for sub in ws.submissions for s in sub.set_aside] + set_aside
    chosen = _pick_rows(ws, plan, issues, set_aside, skipped)
    submitted: dict[str, Submission] = {}
    for sub in ws.submissions:
        submitted.setdefault(name_key(sub.department), sub)
    aside: dict[str, list[SetAside]] = {}
    for s in set_aside:
        aside.setdefault(s.task_id, []).append(s)

    missing: list[Task] = []
    for task in ws.plan:
        p = chosen.get(task.task_id)
        if p is None:
            missing.append(task)
            if task.task_id in aside:
                issues.append(_not_adopted(task, aside[task.task_id], ws.submissions))
            else:
                issues.append(_not_reported(task, submitted))
        else:
            issues.extend(_in_plan_units(task, p))
            issues.extend(_row_rules(task, p))
    issues.extend(_set_aside_figures(plan, set_aside))
    issues.extend(stale_texts(ws, {t: p for t, p in chosen.items() if t in plan}, _at))

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
