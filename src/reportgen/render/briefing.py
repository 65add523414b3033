"""工作简报 (internal, printed): `Dataset` → PDF (WeasyPrint) and DOCX (docxtpl), official layout.

Takes the internal context (every field, problems and next steps included)
plus an overview sentence and two charts; returns Outputs of kind briefing-pack.
A table of contents is added when the pack runs past 8 pages.
"""

from __future__ import annotations

import base64
from datetime import datetime

from docxtpl import DocxTemplate, InlineImage
from docx.shared import Mm

from . import Job, Output
from .charts import completion_by_group, status_distribution
from .context import internal_context
from .env import builtin_templates, environment, template_path
from .files import atomic_path, make_zip_reproducible
from .pdf import check_harfbuzz_subset, html_to_pdf
from .press import template_roots
from .trend import docx_image, trend_context

HTML_TEMPLATE = "briefing-pack.html.j2"
DOCX_TEMPLATE = "briefing-pack.docx"
TOC_AFTER_PAGES = 8


def overview(ctx: dict) -> str:
    c, p = ctx["counts"], ctx["period"]
    parts = [f"已完成{c['done']}项", f"序时推进{c['on_schedule']}项"]
    parts += [f"{label}{c[key]}项" for label, key in (("滞后", "behind"), ("未启动", "not_started"),
                                                     ("未报送", "not_reported"), ("未采用", "not_adopted")) if c[key]]
    text = (f"截至{p['as_of'].month}月底，{ctx['project_count']}项{ctx['program']}共{c['total']}项任务中，"
            + "，".join(parts))
    if c["over_target"]:
        text += f"，其中{c['over_target']}项超额完成"
    expected = round(100 * p["as_of"].month / 12)
    return text + f"。任务完成率{c['completion_rate']:.1f}%，序时进度{expected}%。"


def briefing_context(job: Job) -> dict:
    ctx = internal_context(job.dataset)
    ctx["overview"] = overview(ctx)
    ctx["chart_png"] = {"by_group": completion_by_group(ctx["groups"]), "status": status_distribution(ctx["counts"])}
    ctx["charts"] = {k: "data:image/png;base64," + base64.b64encode(v).decode() for k, v in ctx["chart_png"].items()}
    ctx["trend"] = trend_context(job, numbered=ctx["changes"] is not None, figure_no=len(ctx["chart_png"]) + 1)
    return ctx


def render_pdf(job: Job, ctx: dict, target) -> int:
    check_harfbuzz_subset()
    template = environment(job.workspace).get_template(HTML_TEMPLATE)

    def once(toc: bool) -> int:
        return html_to_pdf(template.render(**ctx, toc=toc), target, base=builtin_templates(),
                           roots=template_roots(job.workspace), lang=ctx["lang"])

    pages = once(False)
    if pages > TOC_AFTER_PAGES:
        pages = once(True)
    ctx["toc"] = pages > TOC_AFTER_PAGES
    return pages


def render_docx(job: Job, ctx: dict, target) -> None:
    import io

    tpl = DocxTemplate(str(template_path(DOCX_TEMPLATE, job.workspace)))
    images = {k: InlineImage(tpl, io.BytesIO(v), width=Mm(150 if k == "by_group" else 100))
              for k, v in ctx["chart_png"].items()}
    images.update(docx_image(tpl, ctx))
    tpl.render({**ctx, "images": images}, jinja_env=environment(job.workspace), autoescape=True)
    when = datetime.combine(ctx["period"]["publish_date"], datetime.min.time())
    tpl.docx.core_properties.title = ctx["briefing_title"]
    tpl.docx.core_properties.author = ctx["compiler"]
    with atomic_path(target) as tmp:
        tpl.save(tmp)
        make_zip_reproducible(tmp, when)


def render(job: Job) -> list[Output]:
    ctx = briefing_context(job)
    no = ctx["period"]["issue_no"]
    title = f"工作简报（第{no}期）" if no else "工作简报"
    pdf = job.file_name(title, "pdf")
    pages = render_pdf(job, ctx, pdf)
    docx = job.file_name(title, "docx")
    render_docx(job, ctx, docx)
    return [Output("briefing-pack", "pdf", pdf, pages=pages), Output("briefing-pack", "docx", docx)]
