"""Starting a reporting cycle: a new workspace, the next period, and department workbooks.

`init_workspace(dir)` writes report.toml (commented in Chinese), an empty
plan.xlsx and the folders. `new_period(root, next)` carries the plan forward
and writes one pre-filled workbook per lead department: its tasks with the
plan columns locked, last period's status and progress beside the empty
fields, dropdowns and data validation, and sheet protection without a password;
and for each department its 填报说明 (fillguide.py), as the workbook's first
sheet and as a one-page PDF in inputs/<period>/填报说明/.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from . import fillguide
from .codes import RATE_RULE, RATE_TYPED, issue
from .errors import InputError
from .fillguide import Guide
from .lock import inside, workspace_lock
from .merge import merge
from .model import CATEGORIES, STATUSES, Dataset, Issue, Task, Workspace
from .read import department_files, list_periods, read_workspace
from .read.plan import read_plan
from .read.config import PERIOD_KINDS, default_period, period_key, split_period
from .read.stamp import STAMP_NAME, stamp_value
from .render.files import name_problems, safe_file_name
from .render.files import Stamp
from .workbooks import PLAN_HEADERS, print_landscape, put, save_workbook, text_width, write_plan

REPORT_TOML = """\
# reportgen 工作目录设置（修改等号右边引号内的文字即可）
region = "{region}"                 # 发布主体所在地区，如 示例区
program = "民心工程"              # 工程总称：民心工程 / 民生实事 / 民生工程
publisher = "{region}融媒体中心"     # 新闻通稿的来源署名
compiler = "{region}民心工程推进办公室"  # 工作简报的编印单位
group_by = "project"              # 分组方式："project" 按工程，"category" 按领域
numbering = "cn"                  # 新闻通稿标题编号："cn" 一、二、，"web" 01 02
briefing_title = "民心工程工作简报" # 简报报头名称
report_to = ""                    # 简报报尾“报：”
send_to = ""                      # 简报报尾“送：”
issue_to = ""                     # 简报报尾“发：”
copies = 0                        # 简报报尾“共印N份”，0 表示不印
variants = []                     # 另外生成的版本：["traditional", "large-print"]
office_contact = ""               # 推进办联系人，印在发给各单位的填报说明上，如 "综合组 李明"
office_phone = ""                 # 推进办联系电话，印在填报说明上
upload_quota_mb = 200             # 报送平台为每个单位保留的上传文件总量（MB），超出时先清理最早的已替换版本，在用的版本不清理；0 表示不限
form = "by-project"               # 新闻通稿版式：by-project 按工程，completed-first 先列已完成，by-theme 按领域叙述，numbered-list 编号列表
traditional = "s2t"               # 繁體版用字：s2t 内地繁体，s2hk 香港，s2tw 台湾
traditional_keep = []             # 繁體版照原样保留、不转换的名称（转换会写错的地名等），如 ["港云里"]
forbidden_words = []              # 禁用词：新闻通稿的文字中出现即为错误
review_words = []                 # 须人工确认的词：出现时新闻通稿为草稿，由人工确认
allowed_words = []                # 已确认可以公开的电话、网址、词语（筛查不再算作命中）
"""

LOCKED_FILL = PatternFill("solid", fgColor="E7E6E6")
EDIT_FILL = PatternFill("solid", fgColor="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

# (header, field, width, editable, comment)
TEMPLATE_COLUMNS = [
    ("事项编号", "task_id", 10, False, "任务清单中的编号，请勿修改。"),
    ("任务名称", "name", 18, False, "任务清单中的名称，请勿修改。"),
    ("进展状态", "status", 11, True, "从下拉列表中选择：已完成 / 序时推进 / 滞后 / 未启动。"),
    ("进展情况", "progress_text", 40, True, "写明已完成的具体工作和数字，可直接用于公开发布，例如“已建成社区助餐点7个，累计服务4.6万人次”。"),
    ("完成值", "achieved", 10, True, "按计量单位填写累计完成数，只填数字，例如 230 或 14000。"),
    ("完成率", "rate", 9, True, RATE_RULE + "。"),
    ("预计完成时间", "expected", 12, True, "日期或“9月底”“年底前”等。"),
    ("存在问题", "problems", 20, True, "仅供内部掌握，不对外公开。"),
    ("下步打算", "next_steps", 20, True, "仅供内部掌握，不对外公开。"),
    ("联系人", "contact", 9, True, "仅供内部联系，不对外公开。"),
    ("联系电话", "phone", 13, True, "仅供内部联系，不对外公开。"),
    ("备注", "remarks", 14, True, "仅供内部掌握，不对外公开。"),
    ("年度目标", "target_text", 26, False, "任务清单中的年度目标，供参考。"),
    ("目标值", "target_value", 8, False, "任务清单中的目标值，供参考。"),
    ("计量单位", "unit", 8, False, "完成值的计量单位。"),
    ("上期状态", "prev_status", 10, False, "上期报送的进展状态，供参考。"),
    ("上期进展", "prev_progress", 32, False, "上期报送的进展情况，供参考；本期请在“进展情况”列重新填写。"),
]
def current_period(today: date) -> str:
    for kind in ("Q1", "H1", "Q3", "FY"):
        month, day, _ = PERIOD_KINDS[kind]
        if (today.month, today.day) <= (month, day):
            return f"{today.year}{kind}"
    return f"{today.year}FY"


def period_toml(code: str, issue_no: int | None, deadline: date | None = None) -> str:
    p = default_period(code)
    lines = [f'period = "{code}"', f"as_of = {p.as_of.isoformat()}           # 截至日期（{p.label}）",
             f'label = "{p.label}"               # 报告期名称，用于标题']
    if issue_no:
        lines.append(f"issue_no = {issue_no}                   # 简报期号（第{issue_no}期）")
    lines.append(f"publish_date = {(p.as_of + timedelta(days=10)).isoformat()}    # 发布/印发日期，请按实际日期修改")
    if deadline:
        lines.append(f"deadline = {deadline.isoformat()}        # 各单位报送截止日期，印在填报说明上")
    else:
        lines.append(f"# deadline = {(p.as_of + timedelta(days=5)).isoformat()}    "
                     "# 各单位报送截止日期，印在填报说明上：删去行首的 # 并改为实际日期")
    lines += PRESS_WORDS
    return "\n".join(lines) + "\n"


# The press release's own words for a period: none by default (去掉行首的 # 即可启用).
PRESS_WORDS = [
    "# opening = \"\"   # 新闻通稿开头、在各项数字之前的话，例如 “进度条”已过半，这份成绩单请您查阅！",
    "# closing = \"\"   # 新闻通稿结尾段，不写则没有结尾段",
    "# [themes]       # 按领域叙述（form = \"by-theme\"）时各领域的主题句，例如：",
    "# \"住房\" = \"让百姓住得舒心，是今年民心工程的一个着眼点。\"   （领域名要加引号）",
]


def init_workspace(folder: Path, *, region: str = "示例区", period: str | None = None) -> list[Path]:
    """A new, empty workspace. Refuses to overwrite an existing report.toml."""
    folder = Path(folder)
    code = period or current_period(date.today())
    split_period(code)
    inputs = folder / "inputs" / code
    existing = [p for p in (folder / "report.toml", inputs / "period.toml", inputs / "plan.xlsx") if p.exists()]
    if existing:
        raise InputError(issue("E-WORKSPACE-EXISTS", path=str(folder),
                               existing="、".join(p.relative_to(folder).as_posix() for p in existing)))
    (inputs / "departments").mkdir(parents=True, exist_ok=True)
    (folder / "outputs").mkdir(exist_ok=True)
    with workspace_lock(folder):
        (folder / "report.toml").write_text(REPORT_TOML.format(region=region), encoding="utf-8")
        (inputs / "period.toml").write_text(period_toml(code, 1), encoding="utf-8")
        write_plan(inputs / "plan.xlsx", [], title=f"{code[:4]}年任务清单")
        _add_category_dropdown(inputs / "plan.xlsx")
    return [folder / "report.toml", inputs / "period.toml", inputs / "plan.xlsx"]


def _add_category_dropdown(path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.active
    col = next(i for i, (label, *_) in enumerate(PLAN_HEADERS, 1) if label == "领域")
    letter = ws.cell(row=2, column=col).column_letter
    dv = DataValidation(type="list", formula1='"' + ",".join(CATEGORIES) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="领域", error="请从下拉列表中选择领域。")
    dv.add(f"{letter}3:{letter}1000")
    ws.add_data_validation(dv)
    save_workbook(wb, path)


def department_workbook(path: Path, department: str, tasks: list[Task], title: str,
                        previous: dict[str, dict] | None = None, period: str = "", *, guide: Guide,
                        stamp: Stamp = Stamp()) -> None:
    """The pre-filled progress workbook a department receives: the 填报说明 first, then 进展填报 (opened);
    stamped with its period (see read/stamp.py)."""
    previous = previous or {}
    wb = Workbook()
    if period:
        wb.defined_names[STAMP_NAME] = DefinedName(STAMP_NAME, attr_text=stamp_value(period), hidden=True)
    first = wb.active
    first.title = fillguide.FOLDER
    fillguide.write_sheet(first, guide)

    ws = wb.create_sheet("进展填报")
    put(ws, 1, 1, title).font = Font(bold=True, size=14)
    header_row = 3
    block = (("填报单位：", department, False), ("填报人：", "", True), ("联系电话：", "", True), ("填报日期：", "", True))
    for i, (label, value, editable) in enumerate(block):
        put(ws, 2, 1 + i * 3, label).font = Font(bold=True)
        cell = put(ws, 2, 2 + i * 3, value)
        cell.protection = Protection(locked=not editable)
        cell.fill = EDIT_FILL if editable else LOCKED_FILL
    for col, (label, _, width, editable, comment) in enumerate(TEMPLATE_COLUMNS, 1):
        c = put(ws, header_row, col, label)
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.comment = Comment(comment, "填报说明")
        ws.column_dimensions[c.column_letter].width = width
    for r, task in enumerate(tasks, header_row + 1):
        prev = previous.get(task.task_id, {})
        values = {"task_id": task.task_id, "name": task.name, "target_text": task.target_text,
                  "target_value": task.target_value, "unit": task.unit,
                  "prev_status": prev.get("status", ""), "prev_progress": prev.get("progress", "")}
        for col, (_, key, _, editable, _) in enumerate(TEMPLATE_COLUMNS, 1):
            cell = put(ws, r, col, values.get(key, "") if not editable else None)
            cell.protection = Protection(locked=not editable)
            cell.fill = EDIT_FILL if editable else LOCKED_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if key == "rate":
                cell.number_format = "0.0%"  # a clerk types 85 and sees 85.0%
        ws.row_dimensions[r].height = row_height(values, TEMPLATE_COLUMNS)
    last = header_row + max(len(tasks), 1)
    letters = {key: ws.cell(row=header_row, column=i).column_letter for i, (_, key, *_) in enumerate(TEMPLATE_COLUMNS, 1)}
    first = header_row + 1
    status = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True, showErrorMessage=True,
                            errorTitle="进展状态", error="请从下拉列表中选择：已完成、序时推进、滞后、未启动。")
    status.add(f"{letters['status']}{first}:{letters['status']}{last}")
    achieved = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                              showErrorMessage=True, errorTitle="完成值", error="完成值只能填写不小于0的数字。")
    achieved.add(f"{letters['achieved']}{first}:{letters['achieved']}{last}")
    rate = DataValidation(type="decimal", operator="between", formula1="0", formula2="10", allow_blank=True,
                          showErrorMessage=True, errorTitle="完成率", error=f"完成率填写0%～1000%之间的数，{RATE_TYPED}。")
    rate.add(f"{letters['rate']}{first}:{letters['rate']}{last}")
    for dv in (status, achieved, rate):
        ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(row=first, column=3)
    ws.protection.sheet = True  # no password: protection guards against slips, not people
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    print_landscape(ws, header_row, ws.PAPERSIZE_A3)
    wb.active = 1
    save_workbook(wb, path, stamp, title=title)


def row_height(values: dict, columns) -> float:
    """Points for a row whose locked texts wrap within their columns (Excel does not grow rows written by a program)."""
    lines = 1
    for _, key, width, _, _ in columns:
        lines = max(lines, math.ceil(text_width(str(values.get(key) or "")) / max(width - 1, 1)))
    return 15.0 * min(lines, 12) + 3


def previous_period(root: Path, code: str) -> str | None:
    """The latest period in inputs/ before `code`."""
    earlier = [p for p in list_periods(root) if period_key(p) < period_key(code)]
    return earlier[-1] if earlier else None


def load_dataset(root: Path, code: str) -> Dataset:
    return merge(read_workspace(root, code))


def _previous_progress(ds: Dataset | None) -> dict[str, dict]:
    if ds is None:
        return {}
    return {m.task.task_id: {"status": m.status, "progress": m.progress.progress_text if m.progress else ""}
            for m in ds.tasks}


def plan_errors(tasks: list[Task], issues: list[Issue], code: str) -> list[Issue]:
    """What makes a plan unusable for sending out: dates where IDs belong, duplicate IDs, required fields
    left empty, a 目标值 without its 计量单位 (each at its cell), or no task at all."""
    plan_file = f"inputs/{code}/plan.xlsx"
    errors = [replace(i, file=plan_file) for i in issues if i.is_error and i.file == "plan.xlsx"]
    if not tasks and not errors:
        return [issue("E-PLAN-EMPTY", file=plan_file)]
    return errors


def check_plan_file(path: Path, code: str) -> tuple[list[Task], list[Issue]]:
    """A plan.xlsx (not yet in use, say an upload) read and checked as `new-period` checks the plan in use:
    its tasks, and the errors of `plan_errors` (with the file it would have in inputs/<code>/)."""
    try:
        tasks, issues = read_plan(path)
    except InputError as e:
        tasks, issues = [], e.issues
    issues = [replace(i, file="plan.xlsx") if i.file == path.name else i for i in issues]
    return tasks, plan_errors(tasks, issues, code)


def check_plan(ws: Workspace) -> None:
    """Refuse, with every cell to fix, a plan that would send wrong IDs, units or targets out to departments."""
    errors = plan_errors(ws.plan, ws.report.issues, ws.period.code)
    if errors and errors[0].code == "E-PLAN-EMPTY":
        raise InputError(errors[0])
    if errors:
        raise InputError(errors[0], tuple(errors[1:]), heading=f"任务清单 inputs/{ws.period.code}/plan.xlsx "
                         f"有{len(errors)}处需要修改，改好后再生成单位填报表（本次未生成任何填报表）：")


def tasks_by_department(ws: Workspace, only: str | None = None) -> dict[str, list[Task]]:
    """The plan's tasks under their first lead department (only `only`'s, which must be one)."""
    by_dept = by_lead(ws.plan)
    if only is not None and only not in by_dept:
        raise InputError(issue("E-DEPT-UNKNOWN", file="plan.xlsx", department=only, choices="、".join(by_dept) or "（无）"))
    return {d: t for d, t in by_dept.items() if only is None or d == only}


def by_lead(tasks: list[Task]) -> dict[str, list[Task]]:
    """Tasks under their first lead department: one workbook (and one link) each."""
    by_dept: dict[str, list[Task]] = {}
    for t in tasks:
        lead = t.lead_departments[0] if t.lead_departments else "未指定单位"
        by_dept.setdefault(lead, []).append(t)
    return by_dept


def workbook_title(ws: Workspace) -> str:
    return f"{ws.period.year}年{ws.period.label}{ws.config.program}进展情况填报表"


def prefilled_workbook(root: Path, department: str, target: Path, code: str | None = None) -> Path:
    """One department's pre-filled workbook written to `target` (a download, say); departments/ untouched."""
    root = Path(root)
    ws = read_workspace(root, code)
    tasks = tasks_by_department(ws, department)[department]
    prev_code = previous_period(root, ws.period.code)
    previous = load_dataset(root, prev_code) if prev_code else None
    guide = fillguide.make_guide(ws.config, ws.period, department, tasks, f"{department}.xlsx", previous)
    department_workbook(target, department, tasks, workbook_title(ws), _previous_progress(previous), ws.period.code,
                        guide=guide, stamp=Stamp.of(ws.config, ws.period))
    return target


def write_department_templates(ws: Workspace, previous: Dataset | None, only: str | None = None,
                               overwrite: bool = True) -> list[Path]:
    """One workbook per lead department of the plan (or only `only`'s), in inputs/<period>/departments/.
    Nothing is written when the plan has errors (see `check_plan`)."""
    check_plan(ws)
    folder = inside(ws.root, ws.root / "inputs" / ws.period.code / "departments")
    folder.mkdir(parents=True, exist_ok=True)
    title = workbook_title(ws)
    prev = _previous_progress(previous)
    written = []
    by_dept = tasks_by_department(ws, only)
    paths = workbook_paths(folder, list(tasks_by_department(ws)))
    for dept, tasks in by_dept.items():
        path = paths[dept]
        if path.exists() and not overwrite:
            raise InputError(issue("E-DEPT-WORKBOOK-EXISTS", path=f"inputs/{ws.period.code}/departments/{path.name}"))
        guide = fillguide.make_guide(ws.config, ws.period, dept, tasks, path.name, previous)
        department_workbook(path, dept, tasks, title, prev, ws.period.code, guide=guide,
                            stamp=Stamp.of(ws.config, ws.period))
        written.append(path)
    return written


def write_guides(ws: Workspace, previous: Dataset | None, only: str | None = None) -> list[Path]:
    """The 填报说明 PDF of each lead department (or only `only`'s), in inputs/<period>/填报说明/, named as
    its workbook is. Written for every department, PDFs of departments no longer in the plan are removed."""
    folder = inside(ws.root, ws.root / "inputs" / ws.period.code / fillguide.FOLDER)
    names = workbook_paths(folder, list(tasks_by_department(ws)))
    written = []
    for dept, tasks in tasks_by_department(ws, only).items():
        guide = fillguide.make_guide(ws.config, ws.period, dept, tasks, f"{names[dept].stem}.xlsx", previous)
        path = folder / f"{names[dept].stem}{fillguide.FOLDER}.pdf"
        fillguide.write_pdf(guide, path, Stamp.of(ws.config, ws.period))
        written.append(path)
    if only is None:
        for old in folder.glob("*.pdf"):
            if old not in written:
                old.unlink()
    return written


def workbook_paths(folder: Path, departments: list[str]) -> dict[str, Path]:
    """department → its workbook in `folder`: named by `safe_file_name`, distinct, never outside `folder`."""
    paths: dict[str, Path] = {}
    taken: set[str] = set()
    for n, dept in enumerate(departments, 1):
        base = safe_file_name(dept) or f"单位{n}"
        name, k = base, 2
        while name.casefold() in taken:
            name, k = f"{base}（{k}）", k + 1
        taken.add(name.casefold())
        paths[dept] = folder / f"{name}.xlsx"
    return paths


def name_notes(departments: list[str]) -> list[str]:
    """What the clerk is told about 牵头单位 names `workbook_paths` had to change."""
    notes = []
    for dept in departments:
        why = name_problems(dept, 40)
        if why:
            found = issue("W-NAME-UNSAFE", file="plan.xlsx", value=dept[:60], why=why, name=safe_file_name(dept) or "单位")
            notes.append(f"提醒：牵头单位{found.message}")
    return notes


@dataclass
class Rollover:
    """What new-period did: files written, files it found and kept, and what the office should know."""

    period: str
    previous: str | None
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    workbooks: list[Path] = field(default_factory=list)
    guides: list[Path] = field(default_factory=list)  # 填报说明 PDFs
    notes: list[str] = field(default_factory=list)  # a command to run stands on a line of its own


def new_period(root: Path, next_code: str, from_code: str | None = None, deadline: date | None = None) -> Rollover:
    """inputs/NEXT/ with period.toml, the plan carried forward, department workbooks and their 填报说明.

    A period.toml or plan.xlsx already in inputs/NEXT/ is kept (an office may prepare them first);
    with no earlier period the plan must already be there (after `init`) and the 上期 columns stay empty.
    `deadline` (else period.toml's) is the date printed in the 填报说明.
    """
    root = Path(root)
    split_period(next_code)
    if from_code is not None:
        split_period(from_code)
        if period_key(from_code) >= period_key(next_code):
            raise InputError(issue("E-PERIOD-ORDER", previous=from_code, next=next_code))
    with workspace_lock(root):
        return _new_period(root, next_code, from_code, deadline)


def _new_period(root: Path, next_code: str, from_code: str | None, deadline: date | None) -> Rollover:
    prev_code = from_code or previous_period(root, next_code)
    target = inside(root, root / "inputs" / next_code)
    if department_files(target / "departments"):
        raise InputError(issue("E-PERIOD-HAS-WORKBOOKS", period=next_code))
    previous = load_dataset(root, prev_code) if prev_code else None
    result = Rollover(next_code, prev_code)
    target.mkdir(parents=True, exist_ok=True)
    new_year = previous is not None and previous.period.year != split_period(next_code)[0]

    period_file = target / "period.toml"
    if period_file.exists():
        result.kept.append(period_file)
    else:
        issue_no = 1 if previous is None or new_year else (previous.period.issue_no or 0) + 1
        period_file.write_text(period_toml(next_code, issue_no, deadline), encoding="utf-8")
        result.written.append(period_file)

    plan_file = target / "plan.xlsx"
    if plan_file.exists():
        result.kept.append(plan_file)
    elif prev_code is None:
        raise InputError(issue("E-WORKSPACE-MISSING", what=f"任务清单（{next_code} 之前没有报告期可沿用）",
                               path=str(plan_file)))
    else:
        shutil.copy2(root / "inputs" / prev_code / "plan.xlsx", plan_file)
        result.written.append(plan_file)
        if new_year:
            result.notes.append(f"提醒：已沿用 {prev_code} 的任务清单。新的一年如任务有变化，请先替换 inputs/{next_code}/plan.xlsx，"
                                f"删除 departments/ 中的表后重新运行：\nreportgen new-period {next_code}")
    ws = read_workspace(root, next_code)
    if deadline and deadline != ws.period.deadline:
        if period_file in result.kept:
            result.notes.append(f"提醒：period.toml 已保留未改，填报说明按 --deadline 写明截止日期 {deadline.isoformat()}。"
                                "请在 period.toml 中同样填写 deadline，以便以后重新生成时一致。")
        ws.period = replace(ws.period, deadline=deadline)
    result.workbooks = write_department_templates(ws, previous)
    result.guides = write_guides(ws, previous)
    result.notes.extend(name_notes(list(tasks_by_department(ws))))
    result.notes.extend(guide_notes(ws))
    return result


def guide_notes(ws: Workspace) -> list[str]:
    """What the 填报说明 could not say because a setting is empty."""
    missing = []
    if not ws.period.deadline:
        missing.append(f"报送截止日期（inputs/{ws.period.code}/period.toml 中的 deadline），只写了“按通知的时间报送”")
    if not (ws.config.office_contact or ws.config.office_phone):
        missing.append("推进办联系人和电话（report.toml 中的 office_contact、office_phone），只写了推进办的名称")
    if not missing:
        return []
    return [f"提醒：填报说明中没有{'；没有'.join(missing)}。如需写明，请填好上述设置，"
            f"删除 inputs/{ws.period.code}/departments/ 中尚未发出的表，再运行：\nreportgen new-period {ws.period.code}"]


def department_template(root: Path, department: str, code: str | None = None, *, overwrite: bool = False) -> list[Path]:
    """Re-create one department's workbook and 填报说明 for a period (default: the latest); a filled
    workbook only with overwrite. Returns [workbook, 填报说明 PDF]."""
    root = Path(root)
    with workspace_lock(root):
        ws = read_workspace(root, code)
        prev_code = previous_period(root, ws.period.code)
        previous = load_dataset(root, prev_code) if prev_code else None
        workbook = write_department_templates(ws, previous, only=department, overwrite=overwrite)[0]
        return [workbook, *write_guides(ws, previous, only=department)]


@dataclass
class Preview:
    """What `new_period(root, period)` would make, read before anything is written (the web page's preview)."""

    period: str
    previous: str | None
    plan: str  # the plan it would use, as a path in the workspace ("" when there is none)
    departments: dict[str, list[Task]] = field(default_factory=dict)
    workbooks: dict[str, str] = field(default_factory=dict)  # department → its workbook's file name
    errors: list[Issue] = field(default_factory=list)  # what new_period would refuse with


def preview_new_period(root: Path, next_code: str, from_code: str | None = None) -> Preview:
    """The units, tasks and 填报说明 `new_period` would write, and what would stop it; nothing is written."""
    root = Path(root)
    split_period(next_code)
    prev_code = from_code or previous_period(root, next_code)
    target = inside(root, root / "inputs" / next_code)
    own = target / "plan.xlsx"
    plan = own if own.exists() else root / "inputs" / prev_code / "plan.xlsx" if prev_code else None
    shown = plan.relative_to(root).as_posix() if plan else ""
    result = Preview(next_code, prev_code, shown)
    if department_files(target / "departments"):
        result.errors.append(issue("E-PERIOD-HAS-WORKBOOKS", period=next_code))
    if plan is None:
        result.errors.append(issue("E-WORKSPACE-MISSING", what=f"任务清单（{next_code} 之前没有报告期可沿用）", path=str(own)))
        return result
    tasks, errors = check_plan_file(plan, next_code)
    result.errors += errors
    result.departments = by_lead(tasks)
    paths = workbook_paths(target / "departments", list(result.departments))
    result.workbooks = {d: p.name for d, p in paths.items()}
    return result
