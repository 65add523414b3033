"""Render stage: `Dataset` → files in outputs/<period>/, each described by an `Output`.

Each document kind is one module with `render(job) -> list[Output]`:
`press` (新闻通稿), `summary` (进度汇总表). Renderers read the dataset only
through `context.public_context` / `context.internal_context`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..model import Dataset

DRAFT_SUFFIX = "（草稿）"  # in the file name of every public document the gate did not pass (see draft.py)


@dataclass(frozen=True)
class Output:
    kind: str  # press-release | briefing-pack | summary | validation-report | return
    format: str  # docx | pdf | html | xlsx
    path: Path
    variant: str = "standard"
    pages: int | None = None


@dataclass
class Job:
    """What every renderer needs: the data, where the workspace is, where to write."""

    dataset: Dataset
    workspace: Path
    outdir: Path
    variants: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)  # things the CLI should tell the user

    def file_name(self, title: str, ext: str, variant: str = "standard", *, draft: bool = False) -> Path:
        """示例区2025年上半年民心工程进展情况（新闻通稿）.docx; a draft ends in （草稿）."""
        c, p = self.dataset.config, self.dataset.period
        suffix = {"standard": "", "traditional": "（繁體版）", "large-print": "（适老版）",
                  "internal": "（内部版）"}.get(variant, f"（{variant}）")
        mark = DRAFT_SUFFIX if draft else ""
        return self.outdir / f"{c.region}{p.year}年{p.label}{c.program}{title}{suffix}{mark}.{ext}"
