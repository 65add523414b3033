"""Publication gate: `Dataset` → `Gate`, whether the public documents may be published as they are.

One place says what makes a press release publishable. When the gate is not
passed, the public documents are still made, for review, but marked as drafts
(草稿 / 未经审核: banner and watermark, a header in Word, 草稿 in the file names);
`build --strict` does not make them at all. The rules, as an editor would apply them
(the README states them too):

1. 校验没有错误 — no error in any input (status against figures, impossible rates, a file
   of another period, a forbidden word… are errors);
2. 每项任务都有采用的进展 — no task 未报送 (nothing came) or 未采用 (sent, set aside);
3. 公开文字筛查没有命中 — no URL, phone number, e-mail, ID or bank number, QQ/微信 number, internal
   remark (内部掌握, 请勿外传…), staff or beneficiary named, spam, forbidden word or word needing a
   human look in any public text (warnings count here too);
4. 没有照抄上期 — no file made for another period, no progress text identical to last period's;
5. 状态与数据、文字不矛盾 — no contradiction (CONTRADICTION_CODES: 完成率100%却未标已完成, 未启动却写着
   正在推进, 已完成却写着尚未完成) the office
   has not confirmed: period.toml's `confirmed = ["01-03"]` lists the tasks (事项编号) whose
   contradictions were checked with the department; any code in CONTRADICTION_CODES is confirmable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Dataset, Issue

STALE_CODES = ("W-PROGRESS-STALE",)
OTHER_PERIOD_CODES = ("E-FILE-OTHER-PERIOD",)
MISSING_CODES = ("W-TASK-NOT-REPORTED", "W-TASK-NOT-ADOPTED", "W-DEPT-NOT-REPORTED")  # the counts say it
# a row whose status says one thing and its figures or words another: a draft until fixed or confirmed
CONTRADICTION_CODES = ("W-RATE-FULL-NOT-DONE", "W-STATUS-NOT-STARTED-TEXT", "W-STATUS-DONE-TEXT")


def is_screening(code: str) -> bool:
    """E-SCREEN-…, W-SCREEN-…: a hit of the screening of public text (screen.py)."""
    return code.split("-")[1:2] == ["SCREEN"]


# codes raised by commands other than build/validate (e.g. export): they never touch a press release
OUTSIDE_BUILD = ("E-EXPORT-WRITE",)


def blocks_publication(code: str) -> bool:
    """Whether an issue with this code keeps the press release a draft (for the docs)."""
    from .codes import CATALOGUE
    from .model import ERROR

    entry = CATALOGUE.get(code)
    if code in OUTSIDE_BUILD:
        return False
    return (bool(entry and entry.level == ERROR) or is_screening(code)
            or code in STALE_CODES + MISSING_CODES + CONTRADICTION_CODES)


def task_of(ds: Dataset, i: Issue) -> str:
    """The 事项编号 of the merged row an issue was found at ("" when it is not at one)."""
    row = "".join(ch for ch in i.cell if ch.isdigit())
    for m in ds.tasks:
        s = m.progress.source if m.progress else None
        if s is not None and s.file == i.file and s.sheet == i.sheet and str(s.row) == row:
            return m.task.task_id
    return ""


def contradictions(ds: Dataset) -> list[Issue]:
    """The contradictions that keep the release a draft: those of tasks period.toml does not list as confirmed."""
    confirmed = set(ds.period.confirmed)
    return [i for i in ds.report.issues if i.code in CONTRADICTION_CODES and task_of(ds, i) not in confirmed]


@dataclass(frozen=True)
class Gate:
    publishable: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)  # Chinese, one sentence each, for the editor

    @property
    def state(self) -> str:
        """As the manifest records it: "publishable" or "draft"."""
        return "publishable" if self.publishable else "draft"


def blocking_issues(ds: Dataset) -> list[Issue]:
    """The findings at a cell that keep the release a draft (the counts of 未报送/未采用 aside), errors first:
    what the office page lists under its decision, in the terminal's words."""
    contrary = contradictions(ds)
    found = [i for i in ds.report.issues
             if i.is_error or is_screening(i.code) or i.code in STALE_CODES or i in contrary]  # other period: an error
    return sorted(found, key=lambda i: not i.is_error)


def assess(ds: Dataset) -> Gate:
    """The rules an editor applies before anything goes out."""
    reasons: list[str] = []
    issues = ds.report.issues
    errors = ds.report.errors
    long = [i for i in errors if i.code == "E-DOC-TOO-LONG"]  # found once laid out: said as it is
    if len(errors) > len(long):
        reasons.append(f"校验发现{len(errors) - len(long)}条错误（见校验报告）")
    reasons.extend(i.message.split("。")[0] for i in long)
    c = ds.counts
    if c.not_reported:
        reasons.append(f"{c.not_reported}项任务未报送进展")
    if c.not_adopted:
        reasons.append(f"{c.not_adopted}项任务报送的内容未被采用")
    screened = [i for i in issues if is_screening(i.code)]
    if screened:
        reasons.append(f"公开文字筛查有{len(screened)}处须处理（网址、电话、证件号码、内部用语、人名、禁用词等）")
    other = {i.file for i in issues if i.code in OTHER_PERIOD_CODES}
    if other:
        reasons.append(f"{len(other)}个文件不是本期的填报表")
    stale = [i for i in issues if i.code in STALE_CODES]
    if stale:
        reasons.append(f"{len(stale)}项任务的进展情况与上期相同")
    contrary = contradictions(ds)
    if contrary:
        reasons.append(f"{len({task_of(ds, i) or i.where for i in contrary})}项任务的进展状态与数据或文字矛盾"
                       "（改正，或核实后在 period.toml 的 confirmed 中确认）")
    return Gate(not reasons, tuple(reasons))
