"""新闻通稿 (public): `Dataset` → DOCX (docxtpl), PDF (WeasyPrint) and a self-contained HTML page.

One context, `public_context`, feeds every format, so the three carry the same
text. Variants (繁體版, 适老版) reuse `render_formats` with a transformed
context and extra CSS.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from docxtpl import DocxTemplate

from . import Job, Output
from .context import public_context
from .env import builtin_templates, environment, template_path
from .files import atomic_path, make_zip_reproducible, write_text
from .fonts import font_set
from .pdf import check_harfbuzz_subset, html_to_pdf

TITLE = "进展情况（新闻通稿）"
HTML_TEMPLATE = "press-release.html.j2"
DOCX_TEMPLATE = "press-release.docx"


def template_roots(workspace: Path) -> list[Path]:
    roots = [builtin_templates()]
    if (workspace / "templates").is_dir():
        roots.insert(0, workspace / "templates")
    return roots


def render_html(job: Job, ctx: dict, *, medium: str, variant: str, extra_css: tuple[str, ...] = ()) -> str:
    env = environment(job.workspace)
    return env.get_template(HTML_TEMPLATE).render(**ctx, medium=medium, variant=variant, extra_css=list(extra_css))


def render_docx(job: Job, ctx: dict, target: Path, template: str = DOCX_TEMPLATE) -> None:
    tpl = DocxTemplate(str(template_path(template, job.workspace)))
    tpl.render(ctx, jinja_env=environment(job.workspace), autoescape=True)
    when = datetime.combine(ctx["period"]["publish_date"], datetime.min.time())
    tpl.docx.core_properties.title = ctx["headline"]
    tpl.docx.core_properties.author = ctx["publisher"]
    tpl.docx.core_properties.language = ctx["lang"]
    with atomic_path(target) as tmp:
        tpl.save(tmp)
        make_zip_reproducible(tmp, when)


def render_formats(job: Job, ctx: dict, variant: str, formats: tuple[str, ...],
                   extra_css: tuple[str, ...] = (), docx_template: str = DOCX_TEMPLATE) -> list[Output]:
    outputs = []
    if "docx" in formats:
        target = job.file_name(TITLE, "docx", variant)
        render_docx(job, ctx, target, docx_template)
        outputs.append(Output("press-release", "docx", target, variant))
    if "pdf" in formats:
        check_harfbuzz_subset()
        target = job.file_name(TITLE, "pdf", variant)
        html = render_html(job, ctx, medium="print", variant=variant, extra_css=extra_css)
        pages = html_to_pdf(html, target, base=builtin_templates(), roots=template_roots(job.workspace),
                            fonts=font_set(job.workspace),
                            lang=ctx["lang"], tagged=True)
        outputs.append(Output("press-release", "pdf", target, variant, pages))
    if "html" in formats:
        target = job.file_name(TITLE, "html", variant)
        write_text(target, render_html(job, ctx, medium="screen", variant=variant, extra_css=extra_css))
        outputs.append(Output("press-release", "html", target, variant))
    return outputs


def render(job: Job) -> list[Output]:
    ctx = public_context(job.dataset)
    outputs = render_formats(job, ctx, "standard", ("docx", "pdf", "html"))
    if ctx["counts"]["not_reported"]:
        job.notes.append(f"提醒：新闻通稿中有{ctx['counts']['not_reported']}项任务未报送进展，只列出了年度目标，请补报后重新生成。")
    return outputs
