"""新闻通稿 (public): one template per release → HTML page, PDF (WeasyPrint) and DOCX, in every variant.

The form's template (`forms.template_name`) renders the page once per medium from `public_context`;
the page then gets its last pass (`typeset`: punctuation, numbers kept with their units). The HTML
file is that page, the PDF is the print page through WeasyPrint, and the DOCX is the page's text in
the styles of `press-release.docx` (`docx_writer`). Variants come from the same template:
繁體版 converts the rendered page's text (template words included) and uses Traditional faces;
适老版 adds large-print CSS. So a sentence changed in the template changes every file.
See docs/press-template-design.md for why this design and what it costs.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from . import Job, Output
from .context import public_context
from .env import builtin_templates, environment, is_workspace_template, template_path, workspace_templates
from .files import write_text
from .forms import template_name, themes_note
from .fonts import font_set
from .pdf import check_harfbuzz_subset, html_to_pdf
from .traditional import LANGS, convert_page, to_traditional
from .typeset import typeset

TITLE = "进展情况（新闻通稿）"
DOCX_REFERENCE = "press-release.docx"
VARIANT_CSS = {"standard": (), "traditional": ("press-release-traditional.css",),
               "large-print": ("press-release-large-print.css",)}
VARIANT_FORMATS = {"standard": ("docx", "pdf", "html"), "traditional": ("docx", "pdf", "html"),
                   "large-print": ("pdf", "html")}


def template_roots(workspace: Path) -> list[Path]:
    """Folders WeasyPrint may read from (stylesheets, fonts): the workspace's templates/ (never a link), the built-ins."""
    roots = [builtin_templates()]
    own = workspace_templates(workspace)
    if own is not None:
        roots.insert(0, own)
    return roots


def variant_context(job: Job, ctx: dict, variant: str) -> dict:
    if variant == "traditional":
        return {**ctx, "lang": LANGS[job.dataset.config.traditional]}
    return ctx


def page(job: Job, ctx: dict, *, medium: str, variant: str = "standard") -> str:
    """The release as one HTML page for `medium` (screen | print), converted and typeset."""
    env = environment(job.workspace)
    html = env.get_template(template_name(ctx["form"])).render(
        **ctx, medium=medium, variant=variant, extra_css=list(VARIANT_CSS[variant]))
    if variant == "traditional":
        html = convert_page(html, job.dataset.config.traditional, job.dataset.config.traditional_keep)
    return typeset(without_comments(html))


_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S | re.I)


def without_comments(html: str) -> str:
    """The page without the templates' comments (<!-- -->, and /* */ in its stylesheets): notes for whoever edits
    a template, never for the public. Data is escaped, so no comment marker in it is touched."""
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    return _STYLE.sub(lambda m: m[1] + re.sub(r"/\*.*?\*/", "", m[2], flags=re.S) + m[3], html)


def render_variant(job: Job, ctx: dict, variant: str) -> list[Output]:
    ctx = variant_context(job, ctx, variant)
    formats = VARIANT_FORMATS[variant]
    draft = bool(ctx["draft"])
    outputs = []
    screen = page(job, ctx, medium="screen", variant=variant)
    if "docx" in formats:
        from .docx_writer import DRAFT_HEADER, write_docx  # python-docx: loaded where the Word file is made

        target = job.file_name(TITLE, "docx", variant, draft=draft)
        traditional = variant == "traditional"
        header = to_traditional(DRAFT_HEADER, job.dataset.config.traditional) if traditional else DRAFT_HEADER
        write_docx(screen, template_path(DOCX_REFERENCE, job.workspace), target, title=_title(screen),
                   stamp=job.stamp, lang=ctx["lang"], traditional=traditional, draft_header=header)
        outputs.append(Output("press-release", "docx", target, variant))
    if "pdf" in formats:
        check_harfbuzz_subset()
        target = job.file_name(TITLE, "pdf", variant, draft=draft)
        pages = html_to_pdf(page(job, ctx, medium="print", variant=variant), target, base=builtin_templates(),
                            roots=template_roots(job.workspace), fonts=font_set(job.workspace), lang=ctx["lang"],
                            tagged=True, stamp=job.stamp)
        outputs.append(Output("press-release", "pdf", target, variant, pages))
    if "html" in formats:
        target = job.file_name(TITLE, "html", variant, draft=draft)
        write_text(target, screen)
        outputs.append(Output("press-release", "html", target, variant))
    return outputs


def _title(html: str) -> str:
    m = re.search(r"<title>(.*?)</title>", html, re.S)
    import html as html_lib

    return html_lib.unescape(m[1].strip()) if m else ""


def legacy_notes(job: Job) -> list[str]:
    """An office's Word templates from before the single template: their words are no longer used."""
    notes = []
    ref = job.workspace / "templates" / DOCX_REFERENCE
    if is_workspace_template(DOCX_REFERENCE, job.workspace):
        try:
            with zipfile.ZipFile(ref) as z:
                tagged = re.search(rb"\{[{%]", z.read("word/document.xml"))
        except (zipfile.BadZipFile, KeyError, OSError):
            tagged = None
        if tagged:
            notes.append(f"提醒：templates/{DOCX_REFERENCE} 里的文字和标记已不再使用：新闻通稿各版本的文字都来自 "
                         f"{template_name(job.dataset.config.form)}，Word 版只沿用该文件的版面和样式。")
    if (job.workspace / "templates" / "press-release-traditional.docx").is_file():
        notes.append("提醒：templates/press-release-traditional.docx 已不再使用：繁體版与简体版出自同一个模板，"
                     "Word 版用 press-release.docx 的样式并自动换用繁体字体。")
    return notes


def notes(job: Job, ctx: dict) -> list[str]:
    """What the build says about the release (known from its context, before it is made)."""
    found = legacy_notes(job)
    if ctx["form"] == "by-theme" and ctx["themes_missing"]:
        found.append(themes_note(ctx["themes_missing"]))
    c = ctx["counts"]
    if c["not_reported"] or c["not_adopted"]:
        parts = [f"{c['not_reported']}项任务未报送进展"] if c["not_reported"] else []
        parts += [f"{c['not_adopted']}项任务报送的内容未采用"] if c["not_adopted"] else []
        found.append(f"提醒：新闻通稿中有{'、'.join(parts)}，已在相应任务后注明，请补报或修改后重新生成。")
    return found


def render(job: Job) -> list[Output]:
    ctx = public_context(job.dataset)
    outputs = render_variant(job, ctx, "standard")
    job.notes.extend(notes(job, ctx))
    return outputs
