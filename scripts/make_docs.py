"""Write docs/issue-codes.md from the issue catalogue (codes.CATALOGUE).

Run from the repository root: .venv/bin/python scripts/make_docs.py
A test fails when the file is out of date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from reportgen.codes import CATALOGUE  # noqa: E402

LEVEL = {"error": "错误", "warning": "提醒"}


def render() -> str:
    lines = ["# 校验问题代码一览", "",
             "由 `scripts/make_docs.py` 根据 `src/reportgen/codes.py` 生成，请勿手改。",
             "“错误”会使严格模式（`--strict`）停止生成；“提醒”不会。〈〉中的内容在报告中替换为具体的值。", "",
             "| 代码 | 级别 | 说明 |", "|---|---|---|"]
    for code, (level, _title, template) in sorted(CATALOGUE.items()):
        text = re.sub(r"\{(\w+)\}", r"〈\1〉", template).replace("|", "｜")
        lines.append(f"| `{code}` | {LEVEL[level]} | {text} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    (ROOT / "docs" / "issue-codes.md").write_text(render(), encoding="utf-8")
    print("已生成 docs/issue-codes.md")
