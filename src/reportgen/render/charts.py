"""Charts for the briefing pack: one call path, drawn at print size in the PDF's own typeface.

`figures(ctx, fonts)` returns every figure of the pack, numbered in order
(图1, 图2, …), each drawn by `draw(kind, data, …)` at the width it is printed
at, so 9 pt in the chart is 9 pt on paper. A new chart is a new entry in
`DRAWERS` and an entry in `chart_specs`. PNG output is deterministic (no software
stamp, fixed size and dpi), so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402  (not pyplot: no figure manager to load or to close)
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .fonts import ROLES, FontSet, system_file  # noqa: E402
from ..numbers import fmt_percent  # noqa: E402

# Colours far apart in lightness, so that a black-and-white copy still tells them apart (luminance
# 0.299R+0.587G+0.114B: 已完成 67, 滞后 129, 序时推进 190; a test checks the gaps), and a hatching each.
STATUS_COLOURS = {"已完成": "#1b5e20", "序时推进": "#90caf9", "滞后": "#ef5350", "未启动": "#ffe082", "未报送": "#bdbdbd",
                  "未采用": "#9575cd"}
STATUS_HATCHES = {"已完成": "", "序时推进": "", "滞后": "////", "未启动": "\\\\\\\\", "未报送": "...", "未采用": "xx"}
STATUS_KEYS = {"已完成": "done", "序时推进": "on_schedule", "滞后": "behind", "未启动": "not_started",
               "未报送": "not_reported", "未采用": "not_adopted"}
HATCH_COLOUR = "#333333"


def luminance(colour: str) -> float:
    """Gray level (0–255) a colour prints as on a black-and-white printer or copier."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


def label_colour(colour: str) -> str:
    return "white" if luminance(colour) < 110 else "black"


MM = 1 / 25.4  # inches
LABEL_PT = 9.5  # every label at least 9 pt on paper
DPI = 200
BARS_PER_CHART = 20  # more groups are split over several charts, so a chart never outgrows the page


@dataclass(frozen=True)
class Figure:
    number: int  # 图N
    caption: str  # 图2　各工程任务进展情况
    png: bytes
    width_mm: float

    @property
    def src(self) -> str:
        import base64

        return "data:image/png;base64," + base64.b64encode(self.png).decode()


@lru_cache(maxsize=8)
def chart_font(path: str, family: str) -> font_manager.FontProperties:
    """The face the PDF uses for 黑体 (the workspace's own file, or its substitute), with the free face
    behind it for any character an office's font lacks."""
    families = []
    if path:
        font_manager.fontManager.addfont(path)
        names = {e.name for e in font_manager.fontManager.ttflist if e.fname == path}
        if names:
            families.append(family if family in names else sorted(names)[0])
    fallback = system_file(ROLES["hei"][2])
    if fallback is not None and str(fallback) != path:
        font_manager.fontManager.addfont(str(fallback))
        families.append(ROLES["hei"][2])
    return font_manager.FontProperties(family=families or ["sans-serif"])


def _sized(font: font_manager.FontProperties, size: float) -> font_manager.FontProperties:
    f = font.copy()
    f.set_size(size)
    return f


def _ring(fig, data: dict, font) -> None:
    counts = data["counts"]
    ax = fig.add_axes((0.02, 0.04, 0.5, 0.92))
    items = [(s, counts[k]) for s, k in STATUS_KEYS.items() if counts[k]]
    wedges, _ = ax.pie([v for _, v in items], colors=[STATUS_COLOURS[s] for s, _ in items], startangle=90,
                       counterclock=False, wedgeprops={"width": 0.38, "edgecolor": "white", "linewidth": 1})
    total = sum(v for _, v in items)
    for wedge, (status, v) in zip(wedges, items):
        wedge.set_hatch(STATUS_HATCHES[status])
        wedge.set_hatchcolor(HATCH_COLOUR)
        # the count on its segment (outside a thin one), so no colour is needed to read it
        angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
        inside = v / total >= 0.07
        r = 0.81 if inside else 1.12
        ax.text(r * math.cos(angle), r * math.sin(angle), str(v), ha="center", va="center",
                fontproperties=_sized(font, 9.5), color=label_colour(STATUS_COLOURS[status]) if inside else "black",
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"}
                if inside and STATUS_HATCHES[status] else None)
    ax.text(0, 0, f"{counts['total']}项", ha="center", va="center", fontproperties=_sized(font, 14))
    ax.set_aspect("equal")
    ax.set_xlim(-1.25, 1.25)
    ax.set_ylim(-1.25, 1.25)
    fig.legend(wedges, [f"{s}　{v}项" for s, v in items], prop=_sized(font, 10.5), loc="center left",
               bbox_to_anchor=(0.54, 0.5), frameon=False, handleheight=1.2, handlelength=1.6)


def _bars(fig, data: dict, font) -> None:
    groups = data["groups"]
    ax = fig.axes[0] if fig.axes else fig.add_subplot()
    labels = [g["label"] for g in groups][::-1]
    left = [0] * len(groups)
    for status, colour in STATUS_COLOURS.items():
        values = [g["counts"][STATUS_KEYS[status]] for g in groups][::-1]
        if any(values) and (status in data["statuses"]):
            bars = ax.barh(range(len(labels)), values, left=left, color=colour, label=status, height=0.62,
                           hatch=STATUS_HATCHES[status], edgecolor="white", linewidth=0.6)
            for bar in bars:
                bar.set_hatchcolor(HATCH_COLOUR)
            for y, (x, v) in enumerate(zip(left, values)):
                if v:  # each segment labelled with its count
                    ax.text(x + v / 2, y, str(v), ha="center", va="center", fontproperties=_sized(font, 9),
                            color=label_colour(colour),
                            bbox={"boxstyle": "round,pad=0.25", "facecolor": colour, "edgecolor": "none"}
                            if STATUS_HATCHES[status] else None)
            left = [a + b for a, b in zip(left, values)]
    for y, g in enumerate(groups[::-1]):
        if g["counts"]["done"]:  # no "0%" beside a group with nothing finished yet; the table's precision
            ax.text(g["counts"]["total"] + 0.08, y, f"完成{fmt_percent(g['counts']['completion_rate'])}",
                    va="center", fontproperties=_sized(font, 9))
    ax.set_yticks(range(len(labels)), labels)
    for tick in ax.get_yticklabels():
        tick.set_fontproperties(_sized(font, LABEL_PT))
    ax.set_xlabel("任务数（项）", fontproperties=_sized(font, LABEL_PT))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for tick in ax.get_xticklabels():
        tick.set_fontproperties(_sized(font, LABEL_PT))
    ax.set_xlim(0, data["most"] * 1.3 + 0.8)
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(prop=_sized(font, 9), ncol=min(6, len(data["statuses"])), loc="lower center",
              bbox_to_anchor=(0.4, 1.0), frameon=False, handlelength=1.6, handleheight=1.0, columnspacing=1.0)


def _trend(fig, data: dict, font) -> None:
    from .trend import draw_trend  # pandas and the other periods only when there is a trend to draw

    draw_trend(fig, data, font)


DRAWERS: dict[str, Callable] = {"status": _ring, "by_group": _bars, "trend": _trend}


def figure(kind: str, data: dict, width_mm: float, height_mm: float, fonts: FontSet):
    """A matplotlib figure of the printed size, drawn in the PDF's 黑体 face."""
    face = fonts.face("hei")
    font = chart_font(str(face.path or ""), face.used)
    fig = MplFigure(figsize=(width_mm * MM, height_mm * MM), facecolor="white")
    if kind == "by_group":
        fig.add_subplot()
    DRAWERS[kind](fig, data, font)
    if kind == "by_group":
        fig.tight_layout(pad=0.4)
    return fig


def draw(kind: str, data: dict, width_mm: float, height_mm: float, fonts: FontSet) -> bytes:
    """The one way a chart is made: PNG bytes of `figure(...)`."""
    buf = io.BytesIO()
    figure(kind, data, width_mm, height_mm, fonts).savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _chunks(items: list, size: int) -> list[list]:
    """Split into as few parts of at most `size` as possible, of about equal length."""
    parts = max(1, math.ceil(len(items) / size))
    step = math.ceil(len(items) / parts)
    return [items[i:i + step] for i in range(0, len(items), step)] or [[]]


def chart_specs(ctx: dict) -> list[dict]:
    """Every chart of the pack in reading order: where it goes, what it draws, its caption and printed size."""
    specs = [{"place": "status", "kind": "status", "data": {"counts": ctx["counts"]}, "caption": "任务进展状态分布",
              "width_mm": 110, "height_mm": 52}]
    groups = ctx["groups"]
    statuses = [s for s, k in STATUS_KEYS.items() if ctx["counts"][k]]
    most = max((g["counts"]["total"] for g in groups), default=1)
    parts = _chunks(groups, BARS_PER_CHART)
    for part in parts:
        caption = f"各{ctx['group_word']}任务进展情况"
        if len(parts) > 1:
            caption += f"（{part[0]['no_label']}至{part[-1]['no_label']}）"
        data = {"groups": part, "statuses": statuses, "most": most}
        specs.append({"place": "by_group", "kind": "by_group", "data": data,
                      "caption": caption, "width_mm": 150, "height_mm": 7.4 * len(part) + 24})
    trend = ctx.get("trend")
    if trend:
        specs.append({"place": "trend", "kind": "trend", "data": trend["chart"], "caption": trend["caption"],
                      "width_mm": 156, "height_mm": trend["height_mm"]})
    for n, spec in enumerate(specs, 1):
        spec["number"] = n
    return specs


def figures(ctx: dict, fonts: FontSet) -> dict[str, list[Figure]]:
    """Every figure of the pack by its place in the text, numbered 图1, 图2, … in reading order."""
    out: dict[str, list[Figure]] = {}
    for spec in chart_specs(ctx):
        png = draw(spec["kind"], spec["data"], spec["width_mm"], spec["height_mm"], fonts)
        out.setdefault(spec["place"], []).append(
            Figure(spec["number"], f"图{spec['number']}　{spec['caption']}", png, spec["width_mm"]))
    return out
