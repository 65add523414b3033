"""Publishing variants of the press release: 繁體版 (Traditional Chinese) and 适老版 (large print).

Both start from the same public context as the standard release, so internal
fields stay out of them exactly as they stay out of the standard one.
- traditional: every output text converted with OpenCC (s2hk or s2tw), quotes
  “ ” ‘ ’ → 「 」『 』, Traditional font faces, document language zh-HK/zh-TW.
- large-print: PDF and HTML with large body text, generous spacing, black on white.
"""

from __future__ import annotations

import zipfile
from functools import lru_cache
from pathlib import Path

from . import Job, Output
from .context import public_context
from .env import builtin_templates
from .files import atomic_path
from .pdf import html_to_pdf
from .press import TITLE, render_formats, render_html, template_roots

QUOTES = str.maketrans({"“": "「", "”": "」", "‘": "『", "’": "』"})
LANGS = {"s2hk": "zh-HK", "s2tw": "zh-TW", "s2twp": "zh-TW"}


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_traditional(text: str, config: str = "s2hk") -> str:
    return _converter(config).convert(text).translate(QUOTES)


def _convert_file(path: Path, config: str) -> None:
    """Convert a rendered HTML file, or the XML parts of a DOCX, in place (atomically)."""
    if path.suffix == ".html":
        text = path.read_text(encoding="utf-8")
        with atomic_path(path) as tmp:
            tmp.write_text(to_traditional(text, config), encoding="utf-8")
        return
    with zipfile.ZipFile(path) as src:
        entries = [(i, src.read(i)) for i in src.infolist()]
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for info, data in entries:
                if info.filename in ("word/document.xml", "docProps/core.xml"):
                    data = to_traditional(data.decode("utf-8"), config).encode("utf-8")
                dst.writestr(info, data)


def _traditional_context(ctx: dict, config: str) -> dict:
    def convert(value):
        if isinstance(value, str):
            return to_traditional(value, config)
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value

    out = convert(ctx)
    out["lang"] = LANGS.get(config, "zh-HK")
    return out


def render_traditional(job: Job, ctx: dict) -> list[Output]:
    config = job.dataset.config.traditional
    tctx = _traditional_context(ctx, config)
    css = "press-release-traditional.css"
    outputs = render_formats(job, tctx, "traditional", ("docx", "html"), (css,),
                             docx_template="press-release-traditional.docx")
    for o in outputs:  # the templates' own words (来源, 发布时间…) are Simplified too
        _convert_file(o.path, config)
    return outputs + [_traditional_pdf(job, tctx, config, css)]


def _traditional_pdf(job: Job, tctx: dict, config: str, css: str) -> Output:
    """The PDF is made from HTML converted as a whole, template words included."""
    target = job.file_name(TITLE, "pdf", "traditional")
    html = to_traditional(render_html(job, tctx, medium="print", variant="traditional", extra_css=(css,)), config)
    pages = html_to_pdf(html, target, base=builtin_templates(), roots=template_roots(job.workspace),
                        lang=tctx["lang"], tagged=True)
    return Output("press-release", "pdf", target, "traditional", pages)


def render_large_print(job: Job, ctx: dict) -> list[Output]:
    return render_formats(job, ctx, "large-print", ("pdf", "html"), ("press-release-large-print.css",))


VARIANTS = {"traditional": render_traditional, "large-print": render_large_print}


def render(job: Job) -> list[Output]:
    unknown = [v for v in job.variants if v not in VARIANTS]
    if unknown:
        job.notes.append(f"提醒：report.toml 中的 variants 有无法识别的版本：{'、'.join(unknown)}（可选 traditional、large-print）。")
    ctx = public_context(job.dataset)
    outputs: list[Output] = []
    for name in job.variants:
        if name in VARIANTS:
            outputs += VARIANTS[name](job, ctx)
    return outputs
