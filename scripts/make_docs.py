"""Write docs/常见问题.md from the issue catalogue (codes.CATALOGUE) and the advice for each code (advice.ADVICE).

Run from the repository root: .venv/bin/python scripts/make_docs.py
A test fails when the page is out of date or leaves out a code.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from reportgen.advice import ADVICE, TOPICS  # noqa: E402
from reportgen.codes import CATALOGUE  # noqa: E402
from reportgen.gate import blocks_publication  # noqa: E402

TARGET = ROOT / "docs" / "常见问题.md"
LEVEL = {"error": "错误", "warning": "提醒"}
OTHER = "其他提示"
# what each placeholder of a message stands for, as a reader would name it
PLACEHOLDERS = {
    "allowed": "可选值", "choices": "牵头单位名单", "column": "列名", "computed": "计算结果", "achieved": "完成值", "as_of": "截至日期", "current": "本期",
    "evidence": "依据", "expr": "模板中的写法", "field": "栏目", "figures": "完成情况", "guess": "原来的编号",
    "hint": "说明", "reason": "原因", "shown": "显示的值", "source": "词表", "target": "目标值", "typed": "填入的数",
    "when": "何时", "count": "次数", "found": "文件中的单位", "minutes": "分钟数", "department": "单位名称",
    "detail": "具体原因", "existing": "已有的文件", "expected": "清单中的名称", "file": "文件名", "first": "先报送的单位",
    "first_where": "先报送的位置", "formula": "公式", "lead": "牵头单位", "limit": "上限", "name": "名称",
    "next": "新报告期", "number": "计入的数值", "other_row": "行号", "path": "路径", "percent": "百分数",
    "period": "报告期", "previous": "上一报告期", "rate": "完成率", "required": "必填列", "rows": "行号",
    "status": "进展状态", "task_id": "事项编号", "task_ids": "事项编号", "text": "标记文字", "value": "填写的内容",
    "what": "所缺内容", "key": "设置项", "row": "行号", "more": "其下的其他内容",
    "chars": "字符名称", "document": "文档名称", "files": "文件名", "fix": "处理办法", "kind": "文件类型",
    "length": "字数", "main": "主表名称", "outcome": "采用情况", "pages": "页数", "sheet": "工作表名称", "why": "原因",
    "phrase": "原文词语", "category": "领域",
}

INTRO = """\
# 常见问题：校验提示的原因和处理办法

本页由 `scripts/make_docs.py` 根据程序中的提示目录生成，请勿手改。

校验（`reportgen validate`、`reportgen build`）发现的每个问题，都写明文件、工作表和单元格，并附一个代码和简短名称，
例如“E-STATUS-UNKNOWN 进展状态无法识别”。终端、校验报告.xlsx 和退回修改表的“问题清单”都这样显示。按代码在本页查找，
即可看到这类问题的原因和处理办法。

- **错误**：必须改正。有的错误使该行未能计入，终端的“数据核对”逐行列出未计入的行及原因。
  严格模式（`--strict`）下，有错误就不生成材料。
- **提醒**：程序已按提示中说明的方式处理，请核实。材料照常生成，但标有“影响发布：是”的提醒使新闻通稿成为草稿。
- **影响发布**：标有“影响发布：是”的问题（全部错误，以及未报送、未采用、公开文字筛查、与上期相同、进展状态与数据或文字矛盾的提醒）
  使新闻通稿成为草稿（见使用手册[发布前核对](办公室使用手册/发布前核对.md)），改正后重新生成即可去掉草稿标记。
- 提示中〈〉里的文字，在实际提示中是具体的内容，例如〈填写的内容〉会显示为单元格中实际填写的文字。

各单位怎样填写填报表，见[填报单位须知](填报单位须知.md)；各列和设置的含义，见[字段与格式说明](字段与格式说明.md)。
"""


def _text(s: str) -> str:
    """Plain text safe in Markdown: no HTML, no table pipes."""
    return s.replace("<", "&lt;").replace(">", "&gt;")


def message(template: str) -> str:
    return _text(re.sub(r"\{(\w+)\}", lambda m: f"〈{PLACEHOLDERS.get(m[1], m[1])}〉", template))


def render() -> str:
    by_topic: dict[str, list[str]] = {t: [] for t in (*TOPICS, OTHER)}
    for code in CATALOGUE:  # catalogue order: related codes stay together
        by_topic[ADVICE[code].topic if code in ADVICE else OTHER].append(code)
    out = [INTRO]
    for topic, codes in by_topic.items():
        if not codes:
            continue
        out.append(f"## {topic}\n")
        for code in codes:
            level, title, template = CATALOGUE[code][:3]
            lines = [f"- 级别：{LEVEL[level]}", f"- 提示：{message(template)}"]
            if blocks_publication(code):
                lines.append("- 影响发布：是。出现这一问题时新闻通稿只能生成草稿，`build --strict` 不生成文档")
            advice = ADVICE.get(code)
            if advice:
                lines += [f"- 原因：{_text(advice.cause)}", f"- 处理：{_text(advice.fix)}"]
            out.append(f"### {code}　{_text(title)}\n\n" + "\n".join(lines) + "\n")
    return "\n".join(out)


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(f"已生成 {TARGET.relative_to(ROOT)}")
