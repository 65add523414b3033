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
from reportgen.gate import blocks_publication  # noqa: E402

LEVEL = {"error": "错误", "warning": "提醒"}


def render() -> str:
    lines = ["# 校验问题代码一览", "",
             "由 `scripts/make_docs.py` 根据 `src/reportgen/codes.py` 生成，请勿手改。",
             "“错误”使 `build` 和 `validate` 的退出码为 1。“影响发布”为“是”的问题（全部错误，以及未报送、未采用、"
             "公开文字筛查、与上期相同的提醒）使新闻通稿成为草稿，`build --strict` 时不生成文档（见 README“发布检查”）。"
             "〈〉中的内容在报告中替换为具体的值。", "",
             "| 代码 | 级别 | 影响发布 | 说明 |", "|---|---|---|---|"]
    for code, (level, _title, template) in sorted(CATALOGUE.items()):
        text = re.sub(r"\{(\w+)\}", r"〈\1〉", template).replace("|", "｜")
        lines.append(f"| `{code}` | {LEVEL[level]} | {'是' if blocks_publication(code) else ''} | {text} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    (ROOT / "docs" / "issue-codes.md").write_text(render(), encoding="utf-8")
    print("已生成 docs/issue-codes.md")
