"""The catalogue of issue codes: level and Chinese message template for each.

Docs, the terminal report and 校验报告.xlsx all read from here; `issue()`
is the one way to make an `Issue`.
"""

from __future__ import annotations

from typing import NamedTuple

from .model import ERROR, WARNING, Issue


class Code(NamedTuple):
    level: str  # ERROR or WARNING
    title: str  # a few words a clerk recognises, shown next to the code
    template: str  # the message: what is wrong and what to write instead


CATALOGUE: dict[str, Code] = {
    # workspace
    "E-WORKSPACE-MISSING": Code(ERROR, "找不到工作目录内容", "找不到{what}：{path}。请确认工作目录是否正确。"),
    "E-CONFIG-INVALID": Code(ERROR, "设置文件格式有误", "{file} 格式有误：{detail}。请按 TOML 格式填写（键 = \"值\"）。"),
    "E-PERIOD-INVALID": Code(ERROR, "报告期写法有误", "报告期“{value}”无法识别，应写作 年份+Q1/H1/Q3/FY，例如 2025H1。"),
    "E-PERIOD-ORDER": Code(ERROR, "报告期先后有误", "上一报告期 {previous} 不在新报告期 {next} 之前。请检查 --from 后面的报告期。"),
    "E-WORKSPACE-EXISTS": Code(ERROR, "工作目录已存在", "{path} 中已有 {existing}，为免覆盖未做改动。请换一个新文件夹，或先移走这些文件。"),
    "E-PERIOD-HAS-WORKBOOKS": Code(ERROR, "已有单位填报表", "报告期 {period} 的 departments/ 中已有单位填报表，为免覆盖未做改动。"
                                      "如需重新生成某个单位的表，请用 reportgen template 单位名 --force。"),
    "E-DEPT-UNKNOWN": Code(ERROR, "单位不在任务清单中", "任务清单中没有以“{department}”为牵头单位的任务。牵头单位有：{choices}。"),
    "E-DEPT-WORKBOOK-EXISTS": Code(ERROR, "单位填报表已存在", "{path} 已存在（可能已经填写），为免覆盖未做改动。确需重新生成请加 --force。"),
    "E-EXPORT-WRITE": Code(ERROR, "导出文件无法写入", "无法写入 {path}（{detail}）。如该文件正在 Excel 或 WPS 中打开，请关闭后重试；"
                                                  "或用 -o 指定其他位置。"),
    # files
    "E-FILE-UNREADABLE": Code(ERROR, "文件无法读取", "文件无法读取（{detail}）。请用 Excel 或 WPS 另存为 .xlsx 后重新报送。"),
    "E-FILE-ENCRYPTED": Code(ERROR, "文件有密码", "文件设置了打开密码，无法读取。请取消密码后重新报送。"),
    "E-FILE-TOO-LARGE": Code(ERROR, "文件过大", "文件过大（{detail}），已拒绝读取。请只保留本单位填报内容后重新报送。"),
    "E-SHEET-NOT-FOUND": Code(ERROR, "找不到表头", "在前15行中找不到表头（应包含“{required}”等列）。请使用统一下发的填报模板。"),
    "E-COLUMN-MISSING": Code(ERROR, "缺少必填列", "缺少必填列“{column}”。请在表头行补上该列。"),
    "E-ROWS-TOO-MANY": Code(ERROR, "数据行过多", "数据行超过{limit}行，超出部分未读取。请检查是否误粘贴了大量空行或无关数据。"),
    # plan
    "E-PLAN-EMPTY": Code(ERROR, "任务清单为空", "任务清单中没有可用的任务。请在 plan.xlsx 中填写任务（每行一项，事项编号等必填列不能为空）。"),
    "E-PLAN-ID-MISSING": Code(ERROR, "任务清单缺事项编号", "事项编号为空。每一行任务都要有唯一的事项编号，例如 01-02。"),
    "E-PLAN-ID-DUPLICATE": Code(ERROR, "任务清单事项编号重复", "事项编号“{task_id}”在任务清单中重复（另见第{other_row}行）。请改为唯一编号。"),
    "E-PLAN-FIELD-MISSING": Code(ERROR, "任务清单必填项为空", "“{column}”为空。任务清单中该列为必填项。"),
    "E-PLAN-CATEGORY-UNKNOWN": Code(WARNING, "领域不在规定范围", "领域“{value}”不在规定范围内，已归入“其他”。可选值：{allowed}。"),
    "E-PLAN-PROJECT-NO": Code(ERROR, "工程序号不是整数", "工程序号“{value}”不是整数。请填写 1、2、3…"),
    "E-PLAN-UNIT-MISSING": Code(ERROR, "目标值缺计量单位", "填写了目标值却没有计量单位。请在“计量单位”列填写，例如 个、人次、万元。"),
    # department rows
    "E-ID-MISSING": Code(ERROR, "事项编号为空", "事项编号为空，该行无法对应到任务清单。请按任务清单填写事项编号。"),
    "E-STATUS-MISSING": Code(ERROR, "进展状态为空", "进展状态为空。请填写：已完成 / 序时推进 / 滞后 / 未启动。"),
    "E-STATUS-UNKNOWN": Code(ERROR, "进展状态无法识别", "进展状态“{value}”无法识别。请填写：已完成 / 序时推进 / 滞后 / 未启动。"),
    "E-PROGRESS-MISSING": Code(ERROR, "进展情况为空", "进展情况为空。请填写已完成的具体工作及数字，例如“目前，已建成…个”。"),
    "E-NUMBER-INVALID": Code(ERROR, "数字无法识别", "“{column}”的值“{value}”不是数字。请只填数字，例如 460 或 1.4万。"),
    "E-PERCENT-INVALID": Code(ERROR, "完成率无法识别", "完成率“{value}”无法识别。请填写百分数，例如 85% 或 112.8%。"),
    "E-FORMULA-NO-VALUE": Code(ERROR, "公式没有计算结果", "该单元格是公式（{formula}）但没有计算结果。请在 Excel/WPS 中打开后保存，或直接填写数值。"),
    "W-NUMBER-APPROX": Code(WARNING, "约数", "“{column}”为约数“{value}”，已按 {number} 计入。如有准确数字请填写准确数字。"),
    "W-RATE-HIGH": Code(WARNING, "完成率过高", "完成率 {value} 超过300%，请核实目标值与完成值。"),
    "W-RATE-FRACTION": Code(WARNING, "完成率写成了小数", "完成率填写为“{value}”，与完成值÷目标值（{computed}）相符，已按 {percent} 计入。"
                                 "请填写带 % 的百分数，例如 {percent}。"),
    "W-RATE-AMBIGUOUS": Code(WARNING, "完成率写法不明确", "完成率填写为“{value}”，已按 {value}% 计入；如本意是 {percent}，请改填“{percent}”。"
                                  "填写百分数时请带上 %。"),
    "W-ROW-NOTE": Code(WARNING, "表尾说明未计入", "第{rows}行是表尾说明（“{value}”），不是任务数据，未计入。如其中有任务，请补填事项编号、进展状态和进展情况。"),
    "W-ID-DATE": Code(WARNING, "事项编号被转成日期（已识别）", "事项编号被 Excel 自动转成了日期（{value}），已按“{task_id}”读取。"
                           "请把事项编号列设置为“文本”格式后重新输入编号。"),
    "E-ID-DATE": Code(ERROR, "事项编号被转成日期", "事项编号被 Excel 自动转成了日期（{value}），无法对应任务清单，该行未计入。"
                         "请把事项编号列设置为“文本”格式后重新输入编号（例如 01-03）。"),
    # cross-file
    "E-TASK-NOT-IN-PLAN": Code(ERROR, "事项不在任务清单中", "事项编号“{task_id}”不在本期任务清单中，该行未计入。请核对编号。"),
    "E-TASK-DUPLICATE": Code(ERROR, "事项重复报送", "事项“{task_id}”已由{first}报送（{first_where}），本行未计入。牵头单位为{lead}。"),
    "W-TASK-NOT-REPORTED": Code(WARNING, "事项未报送", "事项“{task_id} {name}”未报送。牵头单位：{lead}。"),
    "W-DEPT-NOT-REPORTED": Code(WARNING, "单位未报送", "{department}未报送本期进展（牵头事项：{task_ids}）。"),
    "W-NAME-MISMATCH": Code(WARNING, "任务名称与清单不一致", "任务名称“{value}”与任务清单中的“{expected}”不一致，已按任务清单名称使用。"),
    "W-DONE-RATE-LOW": Code(WARNING, "已完成但完成率不足", "进展状态为“已完成”，但完成率只有 {rate}。请核实状态或完成值。"),
    "W-RATE-FULL-NOT-DONE": Code(WARNING, "完成率已满但未标已完成", "完成率已达 {rate}，但进展状态为“{status}”。如已完成请改为“已完成”。"),
    "W-ACHIEVED-NOT-IN-TEXT": Code(WARNING, "完成值未写入进展情况", "完成值 {value} 在进展情况文字中没有出现。请在文字中写明该数字，便于公开发布。"),
    # office templates
    "E-TEMPLATE-SYNTAX": Code(ERROR, "模板语法错误", "模板语法错误：{detail}"),
    "E-TEMPLATE-UNKNOWN-VARIABLE": Code(ERROR, "模板变量不存在", "模板使用了数据中没有的变量“{name}”，生成时会报错。请检查拼写。"),
    "E-TEMPLATE-SPLIT-TAG": Code(ERROR, "Word 模板标记被拆开", "这一段的标记被 Word 拆开了（“{text}”）。请在 Word 中删除该标记后一次性重新输入，不要中途改格式。"),
    "W-TEMPLATE-NONE": Code(WARNING, "没有自定义模板", "工作目录中没有 templates/ 文件夹，生成时使用内置模板。如需修改模板，请先运行 reportgen templates export。"),
    "W-TASK-WRONG-DEPT": Code(WARNING, "非牵头单位报送", "事项“{task_id}”的牵头单位为{lead}，却由{department}报送。"),
}


def title(code: str) -> str:
    """The code's Chinese title (进展状态无法识别), shown next to the code wherever it is shown."""
    entry = CATALOGUE.get(code)
    return entry.title if entry else ""


def issue(code: str, *, file: str = "", sheet: str = "", cell: str = "", department: str = "", **fields) -> Issue:
    level, _, template = CATALOGUE[code]
    text = template.format(file=file, sheet=sheet, cell=cell, department=department, **fields)
    return Issue(code, level, text, file, sheet, cell, department)
