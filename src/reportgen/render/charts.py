"""Charts for the briefing pack: internal context → PNG bytes, Chinese labels in a CJK font.

PNG output is deterministic (no software stamp, fixed size and dpi), so the
same data gives the same bytes and the pack stays reproducible.
"""

from __future__ import annotations

import io
import subprocess
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

STATUS_COLOURS = {"已完成": "#2e7d32", "序时推进": "#1565c0", "滞后": "#c62828", "未启动": "#f9a825", "未报送": "#9e9e9e", "未采用": "#7e57c2"}
STATUS_KEYS = {"已完成": "done", "序时推进": "on_schedule", "滞后": "behind", "未启动": "not_started", "未报送": "not_reported", "未采用": "not_adopted"}


@lru_cache(maxsize=1)
def cjk_font() -> font_manager.FontProperties:
    """Noto Sans CJK SC (or whatever fontconfig offers for Chinese)."""
    try:
        path = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"], capture_output=True,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        path = ""
    if path:
        font_manager.fontManager.addfont(path)
        return font_manager.FontProperties(fname=path)
    return font_manager.FontProperties(family="sans-serif")


def _sized(size: float) -> font_manager.FontProperties:
    font = cjk_font().copy()
    font.set_size(size)
    return font


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def completion_by_group(groups: list[dict]) -> bytes:
    """Stacked horizontal bars: tasks per group by status, with the completion rate."""
    font = cjk_font()
    labels = [f"{g['no_cn']}、{g['title']}" for g in groups][::-1]
    fig, ax = plt.subplots(figsize=(6.4, 0.26 * len(groups) + 1.2))
    left = [0] * len(groups)
    for status, colour in STATUS_COLOURS.items():
        values = [g["counts"][STATUS_KEYS[status]] for g in groups][::-1]
        if any(values):
            ax.barh(labels, values, left=left, color=colour, label=status, height=0.6)
            left = [a + b for a, b in zip(left, values)]
    for y, g in enumerate(groups[::-1]):
        ax.text(g["counts"]["total"] + 0.1, y, f"{g['counts']['completion_rate']:.0f}%", va="center", fontproperties=font,
                fontsize=9)
    ax.set_yticks(range(len(labels)), labels, fontproperties=font, fontsize=9)
    ax.set_xlabel("任务数（项）", fontproperties=font, fontsize=9)
    ax.set_xlim(0, max((g["counts"]["total"] for g in groups), default=1) + 1)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(prop=_sized(8), ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.18 if len(groups) > 4 else -0.3),
              frameon=False)
    fig.tight_layout()
    return _png(fig)


def status_distribution(counts: dict) -> bytes:
    """A ring of the status counts with their numbers."""
    font = cjk_font()
    items = [(s, counts[STATUS_KEYS[s]]) for s in STATUS_COLOURS if counts[STATUS_KEYS[s]]]
    fig, ax = plt.subplots(figsize=(4.6, 2.6))
    wedges, _ = ax.pie([v for _, v in items], colors=[STATUS_COLOURS[s] for s, _ in items], startangle=90,
                       counterclock=False, wedgeprops={"width": 0.38, "edgecolor": "white"})
    ax.text(0, 0, f"{counts['total']}项", ha="center", va="center", fontproperties=font, fontsize=14)
    ax.legend(wedges, [f"{s} {v}项" for s, v in items], prop=_sized(9), loc="center left", bbox_to_anchor=(0.95, 0.5),
              frameon=False)
    ax.set_aspect("equal")
    fig.tight_layout()
    return _png(fig)
