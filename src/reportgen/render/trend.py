"""工作简报: the year so far — completion share per group at each period, and tasks going the wrong way.

`trend_context(job, ctx)` is None unless the year of the period being built has
an earlier period in inputs/ (then pandas is imported, through `history`). It
gives the section's heading and sentences, the data of a small-multiples chart
(one panel per group, completion share at each period, 序时进度 dashed) that
the pack draws through its one chart path (`draw_trend` is charts' "trend"
kind), and a pack table of the tasks whose status went backwards since the
previous period or stayed 滞后 for two periods or more. Both pack templates
show it under `{% if trend %}`.
"""

from __future__ import annotations

import math

from ..history import frame, read_periods
from ..model import BEHIND, DONE, STATUSES
from ..numbers import fmt_percent
from ..read import list_periods
from ..read.config import default_period, period_key, split_period
from ..workbooks import text_width
from . import Job

WIDTH_MM = 156.0  # the pack's text width
LABEL_PT, TITLE_PT = 9.0, 9.5
PT_MM = 25.4 / 72
LINE_COLOUR, EXPECTED_COLOUR = "#2e7d32", "#9e9e9e"  # 已完成's green, as in the other charts


def trend_context(job: Job, ctx: dict) -> dict | None:
    """The section for the pack's context `ctx` (its groups and labels), or None in a year's first period.
    The chart goes through the pack's one chart path (charts.chart_specs, kind "trend"); the table is a
    pack table, its widths fitted like every other."""
    from .pack import _cell, fit_widths, make_table

    ds = job.dataset
    year, code = ds.period.year, ds.period.code
    earlier = [c for c in list_periods(job.workspace) if split_period(c)[0] == year and period_key(c) < period_key(code)]
    if not earlier:
        return None
    known = {ds.previous.period.code: ds.previous} if ds.previous else {}
    datasets, _ = read_periods(job.workspace, [c for c in earlier if c not in known])
    datasets = sorted([d for d in [*datasets, *(known[c] for c in earlier if c in known)] if d.tasks],
                      key=lambda d: period_key(d.period.code))
    unread = [c for c in earlier if c not in {d.period.code for d in datasets}]
    if unread:
        job.notes.append(f"工作简报“本年度各期进展”未列入无法读取的报告期：{'、'.join(unread)}（运行 reportgen validate --period 该期 查看原因）。")
    if not datasets:
        return None
    periods = [*datasets, ds]
    df = frame(periods).assign(done=lambda d: d["status"].eq(DONE))
    labels = [d.period.label for d in periods]
    overall = (df.groupby("period", observed=True)["done"].mean() * 100).tolist()

    # each group's share done at each period (NaN where the group had no task that period)
    key = "project_no" if ds.group_by == "project" else "category"
    share = df.pivot_table(index=key, columns="period", values="done", aggfunc="mean", observed=True) * 100
    series = []
    for g, shown in zip(ds.groups, ctx["groups"]):
        row = share.loc[int(g.key) if key == "project_no" else g.key].tolist()
        series.append((shown["label"], [None if math.isnan(v) else v for v in row]))
    expected = [round(100 * d.period.as_of.month / 12) for d in periods]

    rows = stalled(ds, periods)
    table = None
    if rows:
        table = make_table("trend", "trend", [("编号", "center"), ("任务名称", "left"), ("牵头单位", "left"),
                                              ("各期状态（" + "→".join(labels) + "）", "left"), ("情况", "center")],
                           [[_cell(r["task_id"]), _cell(r["name"]), _cell(r["department"]), _cell(r["path"]),
                             _cell(r["note"], "status status-滞后")] for r in rows])
        fit_widths([table])
    share_words = "，".join(f"{label}{fmt_percent(v)}" for label, v in zip(labels, overall))
    missing = "".join(f"（{default_period(c).label}数据无法读取，未列入）" for c in unread)
    numbered = "（三）" if ctx.get("changes") else ""
    return {
        "heading": f"{numbered}本年度各期进展",
        # the figure number is the chart's own, given where the pack numbers its figures
        "sentence": f"本年度各期任务完成率依次为：{share_words}{missing}。各{ctx['group_word']}各期完成率见下图，虚线为序时进度。",
        "caption": f"各{ctx['group_word']}各期任务完成率",
        "chart": {"labels": labels, "series": series, "expected": expected},
        "height_mm": chart_height_mm(labels, series),
        "lead": _lead(rows, labels[-2]),
        "rows": rows,
        "table": table,
    }


def stalled(ds, periods) -> list[dict]:
    """Tasks of the current plan that went backwards since the previous period (among the four reported
    statuses, 已完成 → 序时推进 → 滞后 → 未启动), or are 滞后 now and were the period before."""
    statuses = [{m.task.task_id: m.status for m in d.tasks} for d in periods]
    rows = []
    for m in ds.tasks:
        path = [s.get(m.task.task_id) for s in statuses]
        before, now = path[-2], path[-1]
        if before in STATUSES and now in STATUSES and STATUSES.index(now) > STATUSES.index(before):
            note = "状态倒退"
        elif before == now == BEHIND:
            run = next((i for i, s in enumerate(reversed(path)) if s != BEHIND), len(path))
            note = f"连续{run}期滞后"
        else:
            continue
        rows.append({"task_id": m.task.task_id, "name": m.task.name, "department": m.task.lead,
                     "path": "→".join(s or "—" for s in path), "note": note, "backwards": note == "状态倒退"})
    return rows


def _lead(rows: list[dict], previous_label: str) -> str:
    back = sum(r["backwards"] for r in rows)
    stuck = len(rows) - back
    if not rows:
        return f"与{previous_label}相比，没有进展状态倒退或连续两期滞后的任务。"
    parts = ([f"进展状态倒退的任务{back}项"] if back else []) + ([f"连续两期及以上滞后的任务{stuck}项"] if stuck else [])
    return f"与{previous_label}相比，{'，'.join(parts)}，列表如下："


# ---- the chart ------------------------------------------------------------------------------


def _axis_mm(cols: int) -> float:
    """About how wide one panel's plotting area is: the text width less the y labels and the gaps."""
    return (WIDTH_MM - 12 - 5 * (cols - 1)) / cols


def _balanced(title: str, per_line: int) -> list[str]:
    """A title over as few lines as it needs, of about equal length (no lone 程 on a line of its own)."""
    lines = max(1, math.ceil(len(title) / per_line))
    step = math.ceil(len(title) / lines)
    return [title[i:i + step] for i in range(0, len(title), step)]


def _columns(labels: list[str], panels: int) -> int:
    """Three panels a row when the period names fit side by side under a third of the width, else two.
    Only the first column carries y labels (the panels share the 0–100% scale)."""
    widest = max(text_width(label) for label in labels) / 2 * LABEL_PT * PT_MM  # a wide character is 1 em
    for cols in (3, 2):
        if _axis_mm(cols) / (len(labels) - 0.2) >= widest + 2.5:
            return min(cols, panels)
    return min(2, panels)


def _layout(labels: list[str], series: list) -> tuple[int, int, list[list[str]]]:
    cols = _columns(labels, len(series))
    rows = math.ceil(len(series) / cols)
    per_line = int(0.9 * _axis_mm(cols) / (TITLE_PT * PT_MM))
    return cols, rows, [_balanced(title, per_line) for title, _ in series]


def chart_height_mm(labels: list[str], series: list) -> float:
    _, rows, titles = _layout(labels, series)
    return rows * (29 + 4.5 * max(len(t) for t in titles)) + 8


def draw_trend(fig, data: dict, font) -> None:
    """Small multiples (charts.DRAWERS["trend"]): one panel per group, its completion share (%) at each
    period, 序时进度 dashed."""
    from matplotlib.lines import Line2D

    from .charts import _sized

    labels, series, expected = data["labels"], data["series"], data["expected"]
    cols, rows, titles = _layout(labels, series)
    fig.set_layout_engine("constrained")
    fig.get_layout_engine().set(h_pad=2 / 25.4, w_pad=2 / 25.4, hspace=0.06, wspace=0.04)
    axes = fig.subplots(rows, cols, squeeze=False, sharey=True)
    label_font, title_font = _sized(font, LABEL_PT), _sized(font, TITLE_PT)
    x = list(range(len(labels)))
    for ax, (_, values), lines in zip(axes.flat, series, titles):
        ax.plot(x, expected, ls="--", lw=1, color=EXPECTED_COLOUR)
        shown = [(i, v) for i, v in enumerate(values) if v is not None]
        ax.plot([i for i, _ in shown], [v for _, v in shown], marker="o", ms=3.5, lw=1.8, color=LINE_COLOUR)
        for i, v in shown:
            ax.annotate(f"{v:.0f}%", (i, v), xytext=(0, 4), textcoords="offset points", ha="center",
                        fontproperties=label_font)
        ax.set_title("\n".join(lines), fontproperties=title_font, pad=3)
        ax.set_xticks(x, labels)
        ax.set_xlim(-0.4, len(labels) - 0.6)
        ax.set_ylim(0, 122)
        ax.set_yticks([0, 50, 100], ["0", "50%", "100%"])
        ax.tick_params(labelleft=ax.get_subplotspec().is_first_col())
        for tick in (*ax.get_xticklabels(), *ax.get_yticklabels()):
            tick.set_fontproperties(label_font)
        ax.grid(axis="y", color="#e0e0e0", lw=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(length=2)
    for ax in axes.flat[len(series):]:
        ax.axis("off")
    fig.legend(handles=[Line2D([], [], color=LINE_COLOUR, lw=1.8, marker="o", ms=3.5, label="任务完成率"),
                        Line2D([], [], color=EXPECTED_COLOUR, lw=1, ls="--", label="序时进度")],
               loc="outside upper center", ncol=2, frameon=False, prop=label_font)
