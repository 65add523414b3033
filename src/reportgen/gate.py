"""Publication gate: `Dataset` → `Gate`, whether the public documents may be published as they are.

One place says what makes a press release publishable. When the gate is not
passed, the public documents are still made, for review, but marked as drafts
(草稿 / 未经审核: banner and watermark, a header in Word, 草稿 in the file names);
`build --strict` does not make them at all. The rules, as an editor would apply them
(the README states them too):

1. 校验没有错误 — no error in any input (status against figures, impossible rates, a file
   of another period, a forbidden word… are errors);
2. 每项任务都有采用的进展 — no task 未报送 (nothing came) or 未采用 (sent, set aside);
3. 公开文字筛查没有命中 — no URL, phone number, e-mail, ID or bank number, spam, forbidden
   word or word needing a human look in any public text (warnings count here too);
4. 没有照抄上期 — no file made for another period, no progress text identical to last period's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Dataset

STALE_CODES = ("W-PROGRESS-STALE",)
OTHER_PERIOD_CODES = ("E-FILE-OTHER-PERIOD",)
MISSING_CODES = ("W-TASK-NOT-REPORTED", "W-TASK-NOT-ADOPTED", "W-DEPT-NOT-REPORTED")  # the counts say it


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
    return bool(entry and entry.level == ERROR) or is_screening(code) or code in STALE_CODES + MISSING_CODES


@dataclass(frozen=True)
class Gate:
    publishable: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)  # Chinese, one sentence each, for the editor

    @property
    def state(self) -> str:
        """As the manifest records it: "publishable" or "draft"."""
        return "publishable" if self.publishable else "draft"


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
        reasons.append(f"公开文字筛查有{len(screened)}处须处理（网址、电话、证件号码、禁用词等）")
    other = {i.file for i in issues if i.code in OTHER_PERIOD_CODES}
    if other:
        reasons.append(f"{len(other)}个文件不是本期的填报表")
    stale = [i for i in issues if i.code in STALE_CODES]
    if stale:
        reasons.append(f"{len(stale)}项任务的进展情况与上期相同")
    return Gate(not reasons, tuple(reasons))
