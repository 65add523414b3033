"""Plain data objects passed between the stages: read → validate → merge → render.

Nothing here does I/O. Problems travel as `Issue` values collected in a
`Report`; exceptions are kept for fatal conditions (see `errors.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from .gate import Gate

# Canonical statuses, in the order reports list them.
DONE, ON_SCHEDULE, BEHIND, NOT_STARTED = "已完成", "序时推进", "滞后", "未启动"
NOT_REPORTED = "未报送"  # nothing came for the task
NOT_ADOPTED = "未采用"  # rows came but every one was set aside (the reason is kept)
STATUSES = (DONE, ON_SCHEDULE, BEHIND, NOT_STARTED)

# Fixed order of categories (领域) for grouping by theme.
CATEGORIES = (
    "养老", "教育", "医疗卫生", "供热", "住房", "就业", "社会救助", "文化体育",
    "交通出行", "安全", "生态环境", "便民服务", "基层治理", "其他",
)

ERROR, WARNING = "error", "warning"

# Publishing variants of the press release, and the conversions of 繁體版 with their language tags
# (s2t: mainland Traditional reposts, the default; see render/traditional.py).
VARIANTS = ("traditional", "large-print")
TRADITIONAL_LANGS = {"s2t": "zh-Hant", "s2hk": "zh-HK", "s2tw": "zh-TW"}
# Built-in forms of the press release (report.toml `form`), each one real bulletin's structure.
FORMS = ("by-project", "completed-first", "by-theme", "numbered-list")


@dataclass(frozen=True)
class Source:
    """Where a value came from: file name, sheet and 1-based Excel row."""

    file: str
    sheet: str = ""
    row: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(self.sheet)
        if self.row:
            parts.append(f"第{self.row}行")
        return " ".join(parts)


@dataclass(frozen=True)
class Issue:
    """One problem found in the inputs, positioned so a clerk can fix it."""

    code: str
    level: str  # ERROR or WARNING
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""  # A1 style, e.g. "F12"
    department: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    @property
    def where(self) -> str:
        """`file 进展填报!F12` — how a position is shown to users."""
        loc = f"{self.sheet}!{self.cell}" if self.sheet and self.cell else (self.sheet or self.cell)
        return " ".join(p for p in (self.file, loc) if p)


@dataclass
class Report:
    """The issues found by reading and validating, in the order found."""

    issues: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def flatten(self, fields: Iterable[str] = ("code", "file", "sheet", "cell")) -> list[tuple]:
        fields = tuple(fields)
        return [tuple(getattr(i, f) for f in fields) for i in self.issues]


@dataclass(frozen=True)
class Config:
    """report.toml: who publishes what, and how outputs look."""

    region: str = "示例区"
    program: str = "民心工程"
    publisher: str = ""
    compiler: str = ""
    group_by: str = "project"  # "project" | "category"
    briefing_title: str = ""  # 简报名称; defaults to program + 工作简报
    variants: tuple[str, ...] = ()
    traditional: str = "s2t"  # 繁體版: s2t (mainland Traditional), s2hk or s2tw
    traditional_keep: tuple[str, ...] = ()  # names the 繁體版 prints as written (港云里)
    report_to: str = ""  # 报：
    send_to: str = ""  # 送：
    issue_to: str = ""  # 发：
    copies: int = 0  # 共印N份
    headline: str = ""  # overrides the press release's default headline
    numbering: str = "cn"  # press-release headings: "cn" 一、二、 or "web" 01 02
    office_contact: str = ""  # the office's contact person, printed on each department's 填报说明
    office_phone: str = ""
    upload_quota_mb: int = 200  # 报送平台: MB of uploaded versions kept per unit; the oldest replaced ones go first
    form: str = "by-project"  # press-release form: one of FORMS, or an office's own press-release-<form>.html.j2
    forbidden_words: tuple[str, ...] = ()  # 禁用词: never in public text (an error)
    review_words: tuple[str, ...] = ()  # 须人工确认的词: public text holding one stays a draft
    allowed_words: tuple[str, ...] = ()  # confirmed for publication: a screening hit on one of these is no hit
    toc: bool | None = None  # briefing pack's table of contents: true, false, or unset (only for a long pack)
    internal: bool = False  # briefing pack as 内部版: with the annex of data sources (files, sheets, rows)


@dataclass(frozen=True)
class Period:
    """period.toml: the reporting period."""

    code: str  # e.g. 2025H1
    year: int
    kind: str  # Q1 | H1 | Q3 | FY
    as_of: date
    label: str  # 上半年
    issue_no: int | None = None
    publish_date: date | None = None
    deadline: date | None = None  # when departments must send their workbooks in (填报说明)
    opening: str = ""  # the press release's opening words before the counts, set by the office
    closing: str = ""  # its closing paragraph; none unless the office writes one
    themes: tuple[tuple[str, str], ...] = ()  # (领域, theme sentence) for the by-theme form
    confirmed: tuple[str, ...] = ()  # 事项编号 whose contradictions the office checked and confirmed (gate.py)


@dataclass
class Task:
    """One row of plan.xlsx (任务清单)."""

    task_id: str
    project_no: int
    project: str
    category: str
    name: str
    target_text: str
    target_value: float | None = None
    unit: str = ""
    lead: str = ""
    partners: str = ""
    kind: str = ""  # 任务类型, e.g. 管理服务类 (summed up in the completed-first form's 此外 paragraph)
    source: Source | None = None
    columns: dict[str, str] = field(default_factory=dict, repr=False)  # field → column letter in plan.xlsx

    @property
    def is_service(self) -> bool:
        """A management or service task (管理服务类) rather than a construction project."""
        return "服务" in self.kind or "管理" in self.kind

    @property
    def lead_departments(self) -> list[str]:
        return [d.strip() for d in self.lead.split("、") if d.strip()]

    @property
    def partner_departments(self) -> list[str]:
        """配合单位, the units that may also report the task; separated by 、 (or a comma, a semicolon, a space)."""
        return [d for d in re.split(r"[、，,；;\s]+", self.partners) if d]


@dataclass
class Progress:
    """One task row of a department workbook (进展情况填报表)."""

    task_id: str
    status: str  # canonical status
    progress_text: str
    name: str = ""
    achieved: float | None = None
    achieved_text: str = ""  # as typed, e.g. "2000余"
    approximate: bool = False
    rate: float | None = None  # percent, e.g. 85.0
    rate_text: str = ""  # 完成率 as typed, e.g. "0.85"
    task_id_date: str = ""  # the date Excel made of a typed 事项编号 (01-03 → 2025-01-03), when it did
    expected: str = ""  # 预计完成时间
    problems: str = ""  # internal
    next_steps: str = ""  # internal
    contact: str = ""  # internal
    phone: str = ""  # internal
    remarks: str = ""  # internal
    department: str = ""
    source: Source | None = None
    columns: dict[str, str] = field(default_factory=dict, repr=False)  # field → column letter


@dataclass
class Submission:
    """One department workbook as read."""

    department: str
    path: Path
    sheet: str = ""
    reporter: str = ""  # 填报人
    phone: str = ""  # 联系电话
    filled_on: str = ""  # 填报日期
    rows: list[Progress] = field(default_factory=list)
    set_aside: list["SetAside"] = field(default_factory=list)
    rows_read: int = 0  # data rows seen, before any were set aside
    filled: int = 0  # data rows with anything typed beyond the task's own columns (none in a blank template)
    append_cell: str = ""  # A1 cell where a task left out of the table would go (for 未报送 issues)
    period_stamp: str = ""  # the period code `new-period` stamped into the workbook (defined name), if any
    titles: list[tuple[str, str, str]] = field(default_factory=list)  # (sheet, cell, text): title lines, for the period


# What became of a file under departments/ (the file inventory), as the clerk reads it.
FILE_STATUSES = {"read": "已读取", "unreadable": "无法读取", "skipped": "已跳过", "superseded": "已被取代", "conflict": "未采用",
                 "blank": "空白表（未报送）"}


@dataclass(frozen=True)
class FileEntry:
    """One file (or subfolder) under departments/ and what became of it: every one is listed."""

    name: str  # as shown: the file name; a subfolder ends with /
    status: str  # a key of FILE_STATUSES
    reason: str = ""  # why it was not read or not used, and what to do about it
    department: str = ""
    rows: int = 0  # data rows read

    @property
    def status_label(self) -> str:
        return FILE_STATUSES[self.status]


@dataclass
class Workspace:
    """Everything read from a workspace for one period, plus what went wrong."""

    root: Path
    config: Config
    period: Period
    plan: list[Task]
    submissions: list[Submission]
    report: Report = field(default_factory=Report)
    previous: "Dataset | None" = None
    files: list[FileEntry] = field(default_factory=list)  # the inventory of departments/


@dataclass
class MergedTask:
    """A plan task joined with its progress (or with nothing: 未报送)."""

    task: Task
    progress: Progress | None
    status: str  # canonical status, NOT_REPORTED or NOT_ADOPTED
    rate: float | None  # percent of annual target
    set_aside_reason: str = ""  # why the task's rows were not adopted (NOT_ADOPTED)

    @property
    def done(self) -> bool:
        return self.status == DONE

    @property
    def reported(self) -> bool:
        """Progress was accepted for the task (neither 未报送 nor 未采用)."""
        return self.status not in (NOT_REPORTED, NOT_ADOPTED)

    @property
    def over_target(self) -> bool:
        """超额完成: completed and above the annual target, the one definition every document uses."""
        return self.done and self.rate is not None and self.rate > 100


@dataclass
class Counts:
    total: int = 0
    done: int = 0
    on_schedule: int = 0
    behind: int = 0
    not_started: int = 0
    not_reported: int = 0
    not_adopted: int = 0
    over_target: int = 0  # 其中 of `done`

    @property
    def in_progress(self) -> int:
        """Reported and not done (序时推进 + 滞后 + 未启动): what the public is told is 推进中.
        Tasks without accepted progress are `missing`, never counted as in progress."""
        return self.on_schedule + self.behind + self.not_started

    @property
    def missing(self) -> int:
        """No accepted progress: 未报送 + 未采用."""
        return self.not_reported + self.not_adopted

    @property
    def reported(self) -> int:
        return self.total - self.missing

    def adds_up(self) -> bool:
        """The invariant every sentence with a count relies on."""
        return (self.done + self.in_progress + self.missing == self.total
                and 0 <= self.over_target <= self.done)

    @property
    def completion_rate(self) -> float:
        return 100.0 * self.done / self.total if self.total else 0.0

    @classmethod
    def of(cls, tasks: Iterable[MergedTask]) -> "Counts":
        c = cls()
        for t in tasks:
            c.total += 1
            c.done += t.status == DONE
            c.on_schedule += t.status == ON_SCHEDULE
            c.behind += t.status == BEHIND
            c.not_started += t.status == NOT_STARTED
            c.not_reported += t.status == NOT_REPORTED
            c.not_adopted += t.status == NOT_ADOPTED
            c.over_target += t.over_target
        return c


@dataclass
class Group:
    """A heading of the documents: a project (工程) or a category (领域)."""

    key: str
    title: str
    order: int
    tasks: list[MergedTask]

    @property
    def counts(self) -> Counts:
        return Counts.of(self.tasks)


@dataclass
class SetAside:
    """An input row that did not make it into the merged data, and why."""

    source: Source
    task_id: str
    department: str
    reason: str
    row: "Progress | None" = None  # the row as read, when a problem of its own set it aside (its figures are checked)


@dataclass
class Dataset:
    """The merged data every renderer reads."""

    config: Config
    period: Period
    tasks: list[MergedTask]
    groups: list[Group]
    group_by: str
    unreported_departments: list[str]
    set_aside: list[SetAside]
    rows_read: int
    report: Report
    submissions: list[Submission] = field(default_factory=list)
    previous: "Dataset | None" = None
    gate: "Gate | None" = None
    files: list[FileEntry] = field(default_factory=list)  # the inventory of departments/  # set by build: may the public documents go out as they are?

    @property
    def counts(self) -> Counts:
        return Counts.of(self.tasks)

    @property
    def projects(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in sorted(self.tasks, key=lambda m: m.task.project_no):
            seen.setdefault(t.task.project, None)
        return list(seen)
