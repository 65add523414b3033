"""Publishing variants of the press release: 繁體版 (Traditional Chinese) and 适老版 (large print).

Both start from the same public context as the standard release, so internal
fields stay out of them exactly as they stay out of the standard one.
- traditional: every output text converted with OpenCC (s2hk or s2tw), quotes
  “ ” ‘ ’ → 「 」『 』, Traditional font faces, document language zh-HK/zh-TW.
- large-print: PDF and HTML with large body text, generous spacing, black on white.
"""

from __future__ import annotations

import re
import zipfile
from functools import lru_cache
from pathlib import Path

from ..model import TRADITIONAL_LANGS
from . import Job, Output
from .context import public_context
from .env import builtin_templates
from .files import atomic_path
from .fonts import font_set
from .pdf import html_to_pdf
from .press import TITLE, render_formats, render_html, template_roots

QUOTES = str.maketrans({"“": "「", "”": "」", "‘": "『", "’": "』"})


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


# OpenCC's dictionary reads 额发 as 額髮 (a fringe of hair), so 足额发放 came out 足額髮放;
# bulletins mean 發放 (hand out), unless the text is about hair (頭髮放…).
PHRASE_FIXES = [(re.compile(r"(?<![頭理剪燙染假白黑秀毛])髮放"), "發放")]


def to_traditional(text: str, config: str = "s2hk") -> str:
    text = _converter(config).convert(text).translate(QUOTES)
    for pattern, repl in PHRASE_FIXES:
        text = pattern.sub(repl, text)
    return text


def _convert_file(path: Path, config: str) -> None:
    """Convert a rendered HTML file, or the XML parts of a DOCX, in place (atomically); retag the DOCX's language."""
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
                elif info.filename in ("word/styles.xml", "word/settings.xml"):  # the template is tagged zh-HK
                    data = data.replace(b'"zh-HK"', f'"{TRADITIONAL_LANGS[config]}"'.encode())
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
    out["lang"] = TRADITIONAL_LANGS[config]
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
                        fonts=font_set(job.workspace),
                        lang=tctx["lang"], tagged=True)
    return Output("press-release", "pdf", target, "traditional", pages)


def render_large_print(job: Job, ctx: dict) -> list[Output]:
    return render_formats(job, ctx, "large-print", ("pdf", "html"), ("press-release-large-print.css",))


RENDERERS = {"traditional": render_traditional, "large-print": render_large_print}


def render(job: Job) -> list[Output]:
    unknown = [v for v in job.variants if v not in RENDERERS]
    if unknown:
        job.notes.append(f"提醒：report.toml 中的 variants 有无法识别的版本：{'、'.join(unknown)}（可选 traditional、large-print）。")
    ctx = public_context(job.dataset)
    outputs: list[Output] = []
    for name in job.variants:
        if name in RENDERERS:
            outputs += RENDERERS[name](job, ctx)
    return outputs
