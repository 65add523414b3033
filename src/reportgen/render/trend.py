"""工作简报: the year so far — completion share per group at each period, and tasks going the wrong way.

`trend_context(job, …)` is None unless the year of the period being built has
an earlier period in inputs/ (then pandas is imported, through `history`). It
gives the section's heading and sentences, a small-multiples chart (one panel
per group, completion share at each period, 序时进度 dashed), drawn at the
width it is printed so 9 pt in the chart is 9 pt on paper, and the table of
tasks whose status went backwards since the previous period or stayed 滞后 for
two periods or more. Both pack templates include it (briefing-pack-trend.html.j2,
and a delimited block in the Word template).
"""

from __future__ import annotations

import base64
import io
import math

from ..history import frame, read_periods
from ..model import BEHIND, DONE, STATUSES
from ..numbers import cn_ordinal, fmt_percent
from ..read import list_periods
from ..read.config import default_period, period_key, split_period
from ..workbooks import text_width
from . import Job

WIDTH_MM = 156.0  # the pack's text width
LABEL_PT, TITLE_PT = 9.0, 9.5
PT_MM = 25.4 / 72
LINE_COLOUR, EXPECTED_COLOUR = "#2e7d32", "#9e9e9e"  # 已完成's green, as in the other charts


def trend_context(job: Job, *, numbered: bool, figure_no: int) -> dict | None:
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
    key, word = ("project_no", "工程") if ds.group_by == "project" else ("category", "领域")
    share = df.pivot_table(index=key, columns="period", values="done", aggfunc="mean", observed=True) * 100
    series = []
    for i, g in enumerate(ds.groups, 1):
        row = share.loc[int(g.key) if key == "project_no" else g.key].tolist()
        series.append((f"{cn_ordinal(i)}、{g.title}", [None if math.isnan(v) else v for v in row]))
    expected = [round(100 * d.period.as_of.month / 12) for d in periods]
    png = trend_chart(labels, series, expected)

    rows = stalled(ds, periods)
    caption = f"图{figure_no}　各{word}各期任务完成率"
    share_words = "，".join(f"{label}{fmt_percent(v)}" for label, v in zip(labels, overall))
    missing = "".join(f"（{default_period(c).label}数据无法读取，未列入）" for c in unread)
    return {
        "heading": ("（三）" if numbered else "") + "本年度各期进展",
        "sentence": f"本年度各期任务完成率依次为：{share_words}{missing}。各{word}各期完成率见图{figure_no}，虚线为序时进度。",
        "caption": caption,
        "png": png,
        "chart": "data:image/png;base64," + base64.b64encode(png).decode(),
        "width_mm": WIDTH_MM,
        "lead": _lead(rows, labels[-2]),
        "path_header": "各期状态（" + "→".join(labels) + "）",
        "rows": rows,
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


def _font(size: float):
    from .charts import cjk_font

    font = cjk_font().copy()
    font.set_size(size)
    return font


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


def trend_chart(labels: list[str], series: list[tuple[str, list[float | None]]], expected: list[float]) -> bytes:
    """Small multiples: one panel per group, its completion share (%) at each period, 序时进度 dashed."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    cols = _columns(labels, len(series))
    rows = math.ceil(len(series) / cols)
    per_line = int(0.9 * _axis_mm(cols) / (TITLE_PT * PT_MM))
    titles = [_balanced(title, per_line) for title, _ in series]
    title_lines = max(len(t) for t in titles)
    panel_mm = 29 + 4.5 * title_lines
    fig = plt.figure(figsize=(WIDTH_MM / 25.4, (rows * panel_mm + 8) / 25.4), layout="constrained")
    fig.get_layout_engine().set(h_pad=2 / 25.4, w_pad=2 / 25.4, hspace=0.06, wspace=0.04)
    axes = fig.subplots(rows, cols, squeeze=False, sharey=True)
    x = list(range(len(labels)))
    for ax, (title, values), lines in zip(axes.flat, series, titles):
        ax.plot(x, expected, ls="--", lw=1, color=EXPECTED_COLOUR)
        shown = [(i, v) for i, v in enumerate(values) if v is not None]
        ax.plot([i for i, _ in shown], [v for _, v in shown], marker="o", ms=3.5, lw=1.8, color=LINE_COLOUR)
        for i, v in shown:
            ax.annotate(f"{v:.0f}%", (i, v), xytext=(0, 4), textcoords="offset points", ha="center",
                        fontproperties=_font(LABEL_PT))
        ax.set_title("\n".join(lines), fontproperties=_font(TITLE_PT), pad=3)
        ax.set_xticks(x, labels)
        ax.set_xlim(-0.4, len(labels) - 0.6)
        ax.set_ylim(0, 122)
        ax.set_yticks([0, 50, 100], ["0", "50%", "100%"])
        ax.tick_params(labelleft=ax.get_subplotspec().is_first_col())
        for tick in (*ax.get_xticklabels(), *ax.get_yticklabels()):
            tick.set_fontproperties(_font(LABEL_PT))
        ax.grid(axis="y", color="#e0e0e0", lw=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(length=2)
    for ax in axes.flat[len(series):]:
        ax.axis("off")
    fig.legend(handles=[Line2D([], [], color=LINE_COLOUR, lw=1.8, marker="o", ms=3.5, label="任务完成率"),
                        Line2D([], [], color=EXPECTED_COLOUR, lw=1, ls="--", label="序时进度")],
               loc="outside upper center", ncol=2, frameon=False, prop=_font(LABEL_PT))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def docx_image(tpl, ctx: dict) -> dict:
    """`images.trend` for the Word template, when the pack has the section."""
    if not ctx.get("trend"):
        return {}
    from docx.shared import Mm
    from docxtpl import InlineImage

    return {"trend": InlineImage(tpl, io.BytesIO(ctx["trend"]["png"]), width=Mm(ctx["trend"]["width_mm"]))}
