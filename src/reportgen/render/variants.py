"""Publishing variants of the press release: 繁體版 (Traditional Chinese) and 适老版 (large print).

Both come from the same template and public context as the standard release (`press.render_variant`),
so a sentence changed there changes them too, and internal fields stay out of them the same way.
- traditional: the rendered page converted (`traditional.py`: s2t by default, s2hk, s2tw), quotes
  “ ” ‘ ’ → 「 」『 』, Traditional faces, document language zh-Hant/zh-HK/zh-TW; DOCX, PDF, HTML.
- large-print: PDF and HTML with large body text, generous spacing, black on white.
"""

from __future__ import annotations

from ..model import VARIANTS
from . import Job, Output
from .context import public_context
from .press import render_variant
from .traditional import to_traditional  # noqa: F401  (kept importable from here)


def wanted(job: Job) -> tuple[list[str], str]:
    """The variants to make, and a note on those named that do not exist ('' when none)."""
    unknown = [v for v in job.variants if v not in VARIANTS]
    note = (f"提醒：report.toml 中的 variants 有无法识别的版本：{'、'.join(unknown)}（可选 traditional、large-print）。"
            if unknown else "")
    return [v for v in job.variants if v in VARIANTS], note


def render(job: Job) -> list[Output]:
    names, note = wanted(job)
    if note:
        job.notes.append(note)
    if not names:
        return []
    ctx = public_context(job.dataset)
    outputs: list[Output] = []
    for name in names:
        outputs += render_variant(job, ctx, name)
    return outputs
