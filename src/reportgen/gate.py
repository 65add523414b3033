"""Publication gate: `Dataset` → `Gate`, whether the public documents may be published as they are.

One place says what makes a press release publishable. When the gate is not
passed, the public documents are still made, for review, but marked as drafts
(草稿 / 未经审核); `build --strict` does not make them at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Dataset


@dataclass(frozen=True)
class Gate:
    publishable: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)  # Chinese, one sentence each, for the editor

    @property
    def state(self) -> str:
        """As the manifest records it: "publishable" or "draft"."""
        return "publishable" if self.publishable else "draft"


def assess(ds: Dataset) -> Gate:
    """The rules an editor applies before anything goes out."""
    reasons: list[str] = []
    errors = ds.report.errors
    if errors:
        reasons.append(f"校验发现{len(errors)}条错误")
    c = ds.counts
    if c.not_reported:
        reasons.append(f"{c.not_reported}项任务未报送进展")
    if c.not_adopted:
        reasons.append(f"{c.not_adopted}项任务报送的内容未被采用")
    return Gate(not reasons, tuple(reasons))
