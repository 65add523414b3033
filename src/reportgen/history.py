"""Every period of a workspace as one table: a row per plan task per period (pandas).

`history(root)` reads each period under inputs/ with the same readers, validation
and merge as `build`, and returns `History(frame, problems)`. `problems` is what
makes the table less than the inputs: a period that cannot be read at all (its
issue, with the file under inputs/<period>/), a period without usable tasks, and
the errors of every period read (rows they name are set aside or lack a value).
pandas is imported only when a table is made, never by the CLI or `validate`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .codes import issue
from .errors import InputError
from .merge import merge
from .model import NOT_ADOPTED, NOT_REPORTED, STATUSES, Dataset, Issue, MergedTask
from .read import latest_period, list_periods, read_workspace
from .read.config import read_config

if TYPE_CHECKING:
    import pandas as pd

# The programme's order: the four a department reports, then nothing came, then sent but set aside.
STATUS_ORDER = (*STATUSES, NOT_REPORTED, NOT_ADOPTED)

# column → header in the export (the Chinese an analyst reads)
COLUMNS = {
    "period": "报告期", "period_label": "报告期名称", "as_of": "截至日期",
    "project_no": "工程序号", "project": "工程名称", "category": "领域", "department": "牵头单位",
    "task_id": "事项编号", "task": "任务名称", "status": "进展状态",
    "achieved": "完成值", "target": "目标值", "unit": "计量单位", "rate": "完成率（%）", "over_target": "超额完成",
    "reported": "已报送", "set_aside": "未采用", "set_aside_reason": "未采用原因", "reported_by": "填报单位",
    "progress": "进展情况", "source_file": "来源文件", "source_sheet": "来源工作表", "source_row": "来源行号",
}
# per-period counts, keyed as `Counts` names them
COUNT_COLUMNS = {
    "total": "任务数", "done": "已完成", "on_schedule": "序时推进", "behind": "滞后", "not_started": "未启动",
    "not_reported": "未报送", "not_adopted": "未采用", "over_target": "超额完成", "completion_rate": "完成率（%）",
}
STATUS_KEYS = dict(zip(STATUS_ORDER, ("done", "on_schedule", "behind", "not_started", "not_reported", "not_adopted")))
TOTALS_COLUMNS = {"period": "报告期", "as_of": "截至日期", "by": "汇总口径", "name": "名称", **COUNT_COLUMNS}


class History(NamedTuple):
    """`frame, problems = history(ws)`; or `h.frame`, `h.problems`."""

    frame: "pd.DataFrame"
    problems: list[Issue]


def history(workspace: Path | str) -> History:
    """Raises InputError only when the workspace itself is unusable (report.toml, no period at all)."""
    root = Path(workspace).resolve()
    read_config(root / "report.toml")  # raise here, once, rather than as a problem of every period
    latest_period(root)  # raises when inputs/ holds no period
    datasets, problems = read_periods(root, list_periods(root))
    return History(frame(datasets), problems)


def read_periods(root: Path, codes: list[str]) -> tuple[list[Dataset], list[Issue]]:
    """Each period read and merged as `build` does; what could not be read becomes a problem."""
    datasets, problems = [], []
    for code in codes:
        try:
            ws = read_workspace(root, code)
        except InputError as e:
            problems.append(_placed(e.issue, root, code))
            continue
        ds = merge(ws)
        if not ws.plan:
            problems.append(_placed(issue("E-PLAN-EMPTY", file="plan.xlsx"), root, code))
        problems.extend(_placed(i, root, code) for i in ds.report.errors)
        datasets.append(ds)
    return datasets, problems


def _placed(found: Issue, root: Path, code: str) -> Issue:
    """The issue with its file named from the workspace (inputs/2025Q1/departments/区民政局.xlsx)."""
    name = found.file
    if not name or "/" in name or "\\" in name:
        return found
    folder = f"inputs/{code}"
    if (root / folder / "departments" / name).exists():
        folder += "/departments"
    return replace(found, file=f"{folder}/{name}")


def _row(ds: Dataset, m: MergedTask) -> dict:
    t, p, code = m.task, m.progress, ds.period.code
    source = p.source if p else next((s.source for s in ds.set_aside if s.task_id == t.task_id), None)
    return {
        "period": code, "period_label": f"{ds.period.year}年{ds.period.label}", "as_of": ds.period.as_of,
        "project_no": t.project_no, "project": t.project, "category": t.category, "department": t.lead,
        "task_id": t.task_id, "task": t.name, "status": m.status,
        "achieved": p.achieved if p else None, "target": t.target_value, "unit": t.unit, "rate": m.rate,
        "over_target": m.over_target,
        # reported: something came for the task (used or set aside); set_aside: it came and was not used
        "reported": m.status != NOT_REPORTED, "set_aside": m.status == NOT_ADOPTED,
        "set_aside_reason": m.set_aside_reason, "reported_by": p.department if p else "",
        "progress": p.progress_text if p else "",
        "source_file": f"inputs/{code}/departments/{source.file}" if source else "",
        "source_sheet": source.sheet if source else "", "source_row": source.row if source else None,
    }


def frame(datasets: list[Dataset]) -> "pd.DataFrame":
    """One row per task per period, periods in time order; typed columns (see COLUMNS)."""
    import pandas as pd

    df = pd.DataFrame([_row(ds, m) for ds in datasets for m in ds.tasks], columns=list(COLUMNS))
    return df.astype({
        "period": pd.CategoricalDtype([ds.period.code for ds in datasets], ordered=True),
        "as_of": "datetime64[ns]",
        "status": pd.CategoricalDtype(STATUS_ORDER, ordered=True),
        "project_no": "Int64", "source_row": "Int64",
        "achieved": "float64", "target": "float64", "rate": "float64",
        "over_target": bool, "reported": bool, "set_aside": bool,
    })


def totals(df: "pd.DataFrame") -> "pd.DataFrame":
    """Per period: the status counts by project, by lead department and for the programme (合计),
    counted as the briefing pack counts them (`Counts`)."""
    import pandas as pd

    parts = []
    for by, name in (("工程", df["project"]), ("牵头单位", df["department"]), ("合计", "合计")):
        g = df.assign(name=name).groupby(["period", "name"], observed=True, sort=False)
        counts = (g["status"].value_counts().unstack(fill_value=0)
                  .reindex(columns=STATUS_ORDER, fill_value=0).rename(columns=STATUS_KEYS))
        counts.columns = list(counts.columns)  # a plain index, not the categorical one
        part = pd.concat([g["as_of"].first(), g.size().rename("total"), counts, g["over_target"].sum()], axis=1)
        parts.append(part.reset_index().assign(by=by))
    out = pd.concat(parts, ignore_index=True)
    out["completion_rate"] = (100.0 * out["done"] / out["total"]).round(1)  # as the pack prints it
    out["period"] = out["period"].astype(df["period"].dtype)
    order = {"工程": 0, "牵头单位": 1, "合计": 2}
    out = out.sort_values(["period", "by"], key=lambda s: s.map(order) if s.name == "by" else s, kind="stable")
    return out[list(TOTALS_COLUMNS)].reset_index(drop=True)
