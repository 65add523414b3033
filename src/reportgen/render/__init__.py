"""Render stage: `Dataset` → files in outputs/<period>/, each described by an `Output`.

Each document kind is one module with `render(job) -> list[Output]`:
`press` (新闻通稿), `summary` (进度汇总表). Renderers read the dataset only
through `context.public_context` / `context.internal_context`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..codes import issue
from ..model import Dataset, Issue
from .files import name_problems, safe_file_name

# The parts of a document's file name that come from data, and the most characters each may give:
# with our own title and suffix the name stays far below the 255 bytes file systems allow.
NAME_PARTS = (("region", 20), ("program", 12), ("label", 10))

DRAFT_SUFFIX = "（草稿）"  # in the file name of every public document the gate did not pass (see draft.py)

# What users call each kind of output and each version of a document: in file names, findings, the web page.
KIND_NAMES = {"press-release": "新闻通稿", "briefing-pack": "工作简报", "summary": "进度汇总表",
              "validation-report": "校验报告", "return": "退回修改表"}
VARIANT_NAMES = {"standard": "", "traditional": "繁體版", "large-print": "适老版", "internal": "内部版"}


@dataclass(frozen=True)
class Output:
    kind: str  # press-release | briefing-pack | summary | validation-report | return
    format: str  # docx | pdf | html | xlsx
    path: Path
    variant: str = "standard"
    pages: int | None = None
    key: str = ""  # what it was made from (render/pieces.py); "" for files made every time


@dataclass
class Job:
    """What every renderer needs: the data, where the workspace is, where to write."""

    dataset: Dataset
    workspace: Path
    outdir: Path
    variants: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)  # things the CLI should tell the user

    @property
    def stamp(self) -> "Stamp":
        """The office and the publish date, as every file of the build names them (files.Stamp)."""
        from .files import Stamp

        return Stamp.of(self.dataset.config, self.dataset.period)

    def file_name(self, title: str, ext: str, variant: str = "standard", *, draft: bool = False) -> Path:
        """示例区2025年上半年民心工程进展情况（新闻通稿）.docx, a draft ending in （草稿）: the one place document
        names are made. The names from data pass through `safe_file_name` (see `name_findings`), so a name is never a path."""
        c, p = self.dataset.config, self.dataset.period
        part = dict(zip(("region", "program", "label"), (c.region, c.program, p.label)))
        region, program, label = (safe_file_name(part[key], limit) for key, limit in NAME_PARTS)
        name = VARIANT_NAMES.get(variant, variant)
        suffix = f"（{name}）" if name else ""
        mark = DRAFT_SUFFIX if draft else ""
        return self.outdir / f"{region}{p.year}年{label}{program}{title}{suffix}{mark}.{ext}"


def name_findings(dataset: Dataset) -> list[Issue]:
    """A W-NAME-UNSAFE for each name from report.toml or period.toml that `Job.file_name` had to change."""
    c, p = dataset.config, dataset.period
    values = {"region": (c.region, "report.toml"), "program": (c.program, "report.toml"), "label": (p.label, "period.toml")}
    found = []
    for key, limit in NAME_PARTS:
        value, file = values[key]
        why = name_problems(value, limit)
        if why:
            found.append(issue("W-NAME-UNSAFE", file=file, cell=key, value=value[:60], why=why,
                               name=safe_file_name(value, limit)))
    return found
