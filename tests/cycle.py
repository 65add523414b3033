"""A small workspace's whole cycle from nothing, shared by the office-page tests (test client and browser):
a two-unit plan (one version with a 事项编号 Excel turned into a date), the units' filled workbooks,
and an edited press-release template (one version with a misspelt name)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportgen.render.env import builtin_templates
from reportgen.workbooks import write_department, write_plan

UNITS = ("区民政局", "区住建局")
PLAN = [
    dict(task_id="01-01", project_no=1, project="颐养工程", category="养老", name="社区食堂", target_text="新建社区食堂6个。",
         target_value=6, unit="个", lead="区民政局"),
    dict(task_id="01-02", project_no=1, project="颐养工程", category="养老", name="适老化改造", target_text="完成适老化改造300户。",
         target_value=300, unit="户", lead="区民政局"),
    dict(task_id="02-01", project_no=2, project="安居工程", category="住房", name="老旧小区改造",
         target_text="改造老旧小区12个。", target_value=12, unit="个", lead="区住建局"),
]
DATE_ID_CELL = "A5"  # 02-01 typed into a General cell becomes 2 January: row 5 of the sheet
PROGRESS = {
    "01-01": dict(status="序时推进", progress_text="已建成社区食堂4个，日均服务老人500余人次。", achieved=4),
    "01-02": dict(status="已完成", progress_text="已完成适老化改造312户。", achieved=312),
    "02-01": dict(status="序时推进", progress_text="已开工改造老旧小区9个，其中3个完成主体施工。", achieved=3),
}
THEME = "住有所居，是百姓最朴素的期盼。"
TEMPLATE = "press-release-by-theme.html.j2"
MARK = "本期按领域通报"


def plan_workbook(path: Path, *, date_id: bool = False) -> Path:
    rows = [dict(r) for r in PLAN]
    if date_id:
        rows[2]["task_id"] = datetime(2026, 2, 1)
    write_plan(path, rows, title="2026年任务清单")
    return path


def unit_workbook(path: Path, unit: str) -> Path:
    rows = [dict(task_id=t["task_id"], name=t["name"], **PROGRESS[t["task_id"]]) for t in PLAN if t["lead"] == unit]
    write_department(path, unit, rows, reporter="张明", phone="022-28810001", filled_on="2026-07-03")
    return path


def edited_template(path: Path, *, typo: bool = False) -> Path:
    source = (builtin_templates() / TEMPLATE).read_text(encoding="utf-8")
    name = "themse" if typo else "themes"
    line = f"<p>{MARK}（共{{{{ {name}|length }}}}个领域）。</p>\n{{% for th in themes %}}"
    path.write_text(source.replace("{% for th in themes %}", line, 1), encoding="utf-8")
    return path


def typo_line(path: Path) -> int:
    """The line of an edited template that holds the misspelt name (where templates check must point)."""
    return next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "themse" in text)
