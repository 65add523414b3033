"""Charts of the briefing pack at print size: labels of at least 9 pt on paper, whole-number ticks, no 0%
beside groups with nothing finished, and a chart that grows with the groups or splits."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest

from conftest import copy_sample, forty_groups
from reportgen.merge import merge
from reportgen.read import read_workspace
from reportgen.render.charts import chart_specs, figure
from reportgen.render.fonts import font_set
from reportgen.render.pack import pack_context
from reportgen.validate import validate

MM = 72 / 25.4


def context(root: Path) -> dict:
    ws = read_workspace(root)
    return pack_context(merge(ws, None, validate(ws)))


@pytest.fixture(scope="module")
def contexts(tmp_path_factory):
    base = tmp_path_factory.mktemp("charts")
    return {"sample": context(copy_sample(base / "sample")), "forty": context(forty_groups(base / "forty"))}


def texts(fig) -> list:
    return [t for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_fontsize"))
            if t.get_text().strip() and t.get_visible()]


@pytest.mark.parametrize("which", ["sample", "forty"])
def test_labels_readable_ticks_whole_no_zero_percent(contexts, which):
    ctx = contexts[which]
    specs = chart_specs(ctx)
    fonts = font_set(None)
    for spec in specs:
        fig = figure(spec["kind"], spec["data"], spec["width_mm"], spec["height_mm"], fonts)
        fig.draw_without_rendering()  # ticks and their texts are made when drawn
        labels = texts(fig)
        assert labels
        assert min(t.get_fontsize() for t in labels) >= 9, spec["caption"]
        shown = [t.get_text() for t in labels]
        assert not any(re.search(r"(^|完成)0%$", s) for s in shown), shown
        if spec["kind"] == "by_group":
            ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
            assert ticks and all(re.fullmatch(r"\d+", t.replace("−", "-")) for t in ticks), ticks
            # every group named as its heading is, in order
            names = [t.get_text() for t in fig.axes[0].get_yticklabels()][::-1]
            assert names == [g["label"] for g in spec["data"]["groups"]]


def test_bar_chart_grows_with_the_groups_and_splits(contexts):
    sample = [s for s in chart_specs(contexts["sample"]) if s["kind"] == "by_group"]
    forty = [s for s in chart_specs(contexts["forty"]) if s["kind"] == "by_group"]
    assert len(sample) == 1 and len(forty) == 2
    assert [len(s["data"]["groups"]) for s in forty] == [20, 20]
    assert forty[0]["height_mm"] > sample[0]["height_mm"]
    assert all(s["height_mm"] < 200 for s in forty)  # a chart and its caption fit on a page
    assert "（一）至（二十）" in forty[0]["caption"] and "（二十一）至（四十）" in forty[1]["caption"]
    assert [s["number"] for s in chart_specs(contexts["forty"])] == [1, 2, 3]


def test_charts_printed_at_the_size_they_were_drawn(tmp_path):
    """9 pt in the chart is 9 pt on paper only if the picture is printed at its drawn width."""
    from reportgen import build

    result = build(copy_sample(tmp_path / "ws"))
    pdf = next(o.path for o in result.outputs if o.kind == "briefing-pack" and o.format == "pdf")
    ctx = pack_context(result.dataset)
    widths = sorted(s["width_mm"] for s in chart_specs(ctx))
    with pdfplumber.open(pdf) as doc:
        drawn = sorted((im["x1"] - im["x0"]) / MM for page in doc.pages for im in page.images)
    assert len(drawn) == len(widths)
    assert all(abs(a - b) < 0.5 for a, b in zip(drawn, widths)), (drawn, widths)


def test_statuses_distinct_in_black_and_white_and_labelled_as_the_table(contexts):
    """A photocopy shows each status apart: colours far apart in gray (luminance) or hatched, every segment
    drawn so, and rates printed as the table prints them (33.3%, not 33%)."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from reportgen.numbers import fmt_percent
    from reportgen.render.charts import STATUS_COLOURS, STATUS_HATCHES, luminance

    gray = {s: luminance(c) for s, c in STATUS_COLOURS.items()}
    main = sorted(gray[s] for s in ("已完成", "序时推进", "滞后"))
    assert min(b - a for a, b in zip(main, main[1:])) >= 40, gray
    looks = {(round(gray[s] / 40), STATUS_HATCHES[s]) for s in STATUS_COLOURS}
    assert len(looks) == len(STATUS_COLOURS)  # no two statuses print alike

    ctx = contexts["sample"]
    spec = next(s for s in chart_specs(ctx) if s["kind"] == "by_group")
    fig = figure(spec["kind"], spec["data"], spec["width_mm"], spec["height_mm"], font_set(None))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[..., :3] @ [0.299, 0.587, 0.114]
    height = pixels.shape[0]
    seen: dict[str, list[float]] = {}
    for container in fig.axes[0].containers:
        for bar in container:
            if bar.get_width() <= 0:
                continue
            box = bar.get_window_extent()
            # a strip along the bar's top edge, clear of the count label in its middle
            top, x0, x1 = height - box.y1, box.x0, box.x1
            strip = pixels[int(top) + 2:int(top) + 6, int(x0) + 2:int(x1) - 2]
            seen.setdefault(container.get_label(), []).append(float(strip.mean()))
            assert (bar.get_hatch() or "") == STATUS_HATCHES[container.get_label()]
    means = sorted(np.mean(v) for s, v in seen.items() if s in ("已完成", "序时推进", "滞后"))  # others: hatching
    assert len(means) == 3 and min(b - a for a, b in zip(means, means[1:])) >= 15, seen
    shown = {t.get_text() for t in texts(fig)}
    for g in spec["data"]["groups"]:
        c = g["counts"]
        if c["done"]:
            assert f"完成{fmt_percent(c['completion_rate'])}" in shown
        for key in ("done", "on_schedule", "behind"):  # every segment carries its count
            if c[key]:
                assert str(c[key]) in shown
