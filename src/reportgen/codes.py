"""The catalogue of issue codes: level and Chinese message template for each.

Docs, the terminal report and 校验报告.xlsx all read from here; `issue()`
is the one way to make an `Issue`.
"""

from __future__ import annotations

from typing import NamedTuple

from .model import ERROR, WARNING, Issue
from .safetext import clean_text


# 完成率, said one way in the form's note, 填报说明, 填报单位须知, the messages and the common problems: the rule
# Excel and WPS follow in a cell formatted as percent (as the form's 完成率 cells are)
RATE_TYPED = "输入 85 即为 85%"
RATE_OPTIONAL = "完成率可以不填，由程序按完成值÷目标值计算"
RATE_RULE = f"{RATE_OPTIONAL}；要填时直接输入数字，{RATE_TYPED}"


class Code(NamedTuple):
    level: str  # ERROR or WARNING
    title: str  # a few words a clerk recognises, shown next to the code
    template: str  # the message: what is wrong and what to write instead


CATALOGUE: dict[str, Code] = {
    # workspace
    "E-WORKSPACE-MISSING": Code(ERROR, "找不到工作目录内容", "找不到{what}：{path}。请确认工作目录是否正确。"),
    "E-CONFIG-INVALID": Code(ERROR, "设置文件格式有误", "{file} 格式有误：{detail}。请按 TOML 格式填写（键 = \"值\"）。"),
    "W-CONFIG-CONTROL": Code(WARNING, "设置中有控制字符", "设置“{key}”中有看不见的控制字符（{chars}），已删除。请核对这项设置的文字是否完整。"),
    "E-PERIOD-INVALID": Code(ERROR, "报告期写法有误", "报告期“{value}”无法识别，应写作 年份+Q1/H1/Q3/FY，例如 2025H1。"),
    "E-PERIOD-ORDER": Code(ERROR, "报告期先后有误", "上一报告期 {previous} 不在新报告期 {next} 之前。请检查 --from 后面的报告期。"),
    "E-WORKSPACE-EXISTS": Code(ERROR, "工作目录已存在", "{path} 中已有 {existing}，为免覆盖未做改动。请换一个新文件夹，或先移走这些文件。"),
    "E-PERIOD-HAS-WORKBOOKS": Code(ERROR, "已有单位填报表", "报告期 {period} 的 departments/ 中已有单位填报表，为免覆盖未做改动。"
                                      "如需重新生成某个单位的表，请用 reportgen template 单位名 --force。"),
    "E-DEPT-UNKNOWN": Code(ERROR, "单位不在任务清单中", "任务清单中没有以“{department}”为牵头单位的任务。牵头单位有：{choices}。"),
    "E-DEPT-WORKBOOK-EXISTS": Code(ERROR, "单位填报表已存在", "{path} 已存在（可能已经填写），为免覆盖未做改动。确需重新生成请加 --force。"),
    "E-WORKSPACE-BUSY": Code(ERROR, "工作目录正被占用", "另一个 reportgen 命令正在使用这个工作目录，已等待{minutes}分钟仍未结束。"
                                   "请等它完成后再运行。"),
    "E-WORKSPACE-LINK": Code(ERROR, "文件夹是快捷方式", "{path} 是指向工作目录以外的快捷方式（符号链接），为免写到别处，未做任何改动。"
                                   "请改为普通文件夹。"),
    "W-NAME-UNSAFE": Code(WARNING, "名称不能直接作文件名", "“{value}”{why}，用作文件名时改为“{name}”。"),
    "E-DOC-TOO-LONG": Code(ERROR, "文档页数过多", "{document}共{pages}页，超过{limit}页。可能有过长的文字，请检查进展情况等文字后重新生成。"),
    "E-EXPORT-WRITE": Code(ERROR, "导出文件无法写入", "无法写入 {path}（{detail}）。如该文件正在 Excel 或 WPS 中打开，请关闭后重试；"
                                                  "或用 -o 指定其他位置。"),
    # files
    "E-FILE-UNREADABLE": Code(ERROR, "文件无法读取", "文件无法读取（{detail}）。请用 Excel 或 WPS 另存为 .xlsx 后重新报送。"),
    "E-FILE-ENCRYPTED": Code(ERROR, "文件有密码", "文件设置了打开密码，无法读取。请取消密码后重新报送。"),
    "E-FILE-TOO-LARGE": Code(ERROR, "文件过大", "文件过大（{detail}），已拒绝读取。请只保留本单位填报内容后重新报送。"),
    "E-SHEET-NOT-FOUND": Code(ERROR, "找不到表头", "在前15行中找不到表头（应包含“{required}”等列）。请使用统一下发的填报模板。"),
    "E-COLUMN-MISSING": Code(ERROR, "缺少必填列", "缺少必填列“{column}”。请在表头行补上该列。"),
    "E-ROWS-TOO-MANY": Code(ERROR, "数据行过多", "数据行超过{limit}行，超出部分未读取。请检查是否误粘贴了大量空行或无关数据。"),
    "W-CELL-TOO-FAR": Code(WARNING, "单元格远离表格", "这个单元格在第{row}行，远在表格之外（只读取前{limit}行），其中的内容未读取{more}。"
                                 "是无关内容的请删除；是要报送的内容，请移到表格中。"),
    "E-FILE-FORMAT": Code(ERROR, "文件格式不支持", "{kind}无法读取，本单位的进展未计入。{fix}"),
    "W-FILE-SKIPPED": Code(WARNING, "文件已跳过", "{why}，已跳过，未读取。{fix}"),
    "W-FILE-SUBFOLDER": Code(WARNING, "子文件夹未读取", "departments/ 中的文件夹“{name}”（内有{count}个文件）不会被读取。"
                                 "如其中有填报表，请移到 departments/ 下。"),
    "E-DEPT-TWO-FILES": Code(ERROR, "同一单位有两个文件", "{department}报送了{count}个文件：{files}。{outcome}"
                                   "请只保留一个（删除或移走其余文件）后重新运行。"),
    "E-SHEET-NOT-READ": Code(ERROR, "工作表未能读取", "工作表“{sheet}”像是进展填报表，但{why}，其中的行未读取。"
                                 "请把表头改为与“{main}”相同（包含“{required}”列），或把这些行移到“{main}”中。"),
    "W-TEXT-CONTROL": Code(WARNING, "看不见的控制字符", "单元格中有看不见的控制字符（{chars}），已删除。请核对该单元格的文字是否完整。"),
    "W-TEXT-LONG": Code(WARNING, "文字过长", "“{column}”有{length}字，超过{limit}字。如用于公开发布，请精简。"),
    "E-TEXT-TOO-LONG": Code(ERROR, "文字超过上限", "“{column}”有{length}字，超过上限{limit}字，该行未计入。请精简到{limit}字以内。"),
    # plan
    "E-PLAN-EMPTY": Code(ERROR, "任务清单为空", "任务清单中没有可用的任务。请在 plan.xlsx 中填写任务（每行一项，事项编号等必填列不能为空）。"),
    "E-PLAN-ID-MISSING": Code(ERROR, "任务清单缺事项编号", "事项编号为空。每一行任务都要有唯一的事项编号，例如 01-02。"),
    "E-PLAN-ID-DUPLICATE": Code(ERROR, "任务清单事项编号重复", "事项编号“{task_id}”在任务清单中重复（另见第{other_row}行）。请改为唯一编号。"),
    "E-PLAN-FIELD-MISSING": Code(ERROR, "任务清单必填项为空", "“{column}”为空。任务清单中该列为必填项。"),
    "E-PLAN-CATEGORY-UNKNOWN": Code(WARNING, "领域不在规定范围", "领域“{value}”不在规定范围内，已归入“其他”。可选值：{allowed}。"),
    "E-PLAN-PROJECT-NO": Code(ERROR, "工程序号不是整数", "工程序号“{value}”不是整数。请填写 1、2、3…"),
    "E-PLAN-UNIT-MISSING": Code(ERROR, "目标值缺计量单位", "填写了目标值却没有计量单位。请在“计量单位”列填写，例如 个、人次、万元。"),
    "E-PLAN-ID-DATE": Code(ERROR, "任务清单事项编号被转成日期", "事项编号被 Excel 自动转成了日期（{value}），各单位填报表和材料中会出现错误的编号。"
                              "请把“事项编号”列设置为“文本”格式后重新输入编号（可能是 {guess}）。"),
    # department rows
    "E-ID-MISSING": Code(ERROR, "事项编号为空", "事项编号为空，该行无法对应到任务清单。请按任务清单填写事项编号。"),
    "E-STATUS-MISSING": Code(ERROR, "进展状态为空", "进展状态为空。请填写：已完成 / 序时推进 / 滞后 / 未启动。"),
    "E-STATUS-UNKNOWN": Code(ERROR, "进展状态无法识别", "进展状态“{value}”无法识别。请填写：已完成 / 序时推进 / 滞后 / 未启动。"),
    "E-PROGRESS-MISSING": Code(ERROR, "进展情况为空", "进展情况为空。请填写已完成的具体工作及数字，例如“已建成…个，累计服务…人次”。"),
    "E-NUMBER-INVALID": Code(ERROR, "数字无法识别", "“{column}”的值“{value}”不是数字。请只填数字，例如 460 或 1.4万。"),
    "E-PERCENT-INVALID": Code(ERROR, "完成率无法识别", f"完成率“{{value}}”无法识别。请直接输入数字，{RATE_TYPED}；也可以不填。"),
    "E-FORMULA-NO-VALUE": Code(ERROR, "公式没有计算结果", "该单元格是公式（{formula}）但没有计算结果。请在 Excel/WPS 中打开后保存，或直接填写数值。"),
    "W-NUMBER-APPROX": Code(WARNING, "完成值为约数", "“{column}”为约数“{value}”，已按 {number} 计入。如有准确数字请填写准确数字。"),
    "W-RATE-HIGH": Code(WARNING, "完成率过高", "完成率 {value} 超过300%，请核实目标值与完成值。"),
    "W-RATE-FRACTION": Code(WARNING, "完成率写成了小数", "完成率填写为“{value}”，与完成值÷目标值（{computed}）相符，已按 {percent} 计入。"
                                 "请重新输入，不要写成小数（" + RATE_TYPED + "）。"),
    "W-RATE-AMBIGUOUS": Code(WARNING, "完成率写法不明确", "完成率填写为“{value}”，已按 {value}% 计入；如本意是 {percent}，请重新输入（"
                                   + RATE_TYPED + "）。"),
    "W-ROW-NOTE": Code(WARNING, "表尾说明未计入", "第{rows}行是表尾说明（“{value}”），不是任务数据，未计入。如其中有任务，请补填事项编号、进展状态和进展情况。"),
    "W-ID-DATE": Code(WARNING, "事项编号被转成日期（已识别）", "事项编号被 Excel 自动转成了日期（{value}），已按“{task_id}”读取。"
                           "请把事项编号列设置为“文本”格式后重新输入编号。"),
    "E-ID-DATE": Code(ERROR, "事项编号被转成日期", "事项编号被 Excel 自动转成了日期（{value}），无法对应任务清单，该行未计入。"
                         "请把事项编号列设置为“文本”格式后重新输入编号（例如 01-03）。"),
    # cross-file
    "E-TASK-NOT-IN-PLAN": Code(ERROR, "事项不在任务清单中", "事项编号“{task_id}”不在本期任务清单中，该行未计入。请核对编号。"),
    "E-TASK-DUPLICATE": Code(ERROR, "事项重复报送", "事项“{task_id}”已由{first}报送（{first_where}），本行未计入。牵头单位为{lead}。"),
    "W-TASK-NOT-REPORTED": Code(WARNING, "事项未报送", "事项“{task_id} {name}”未报送。牵头单位：{lead}。"),
    "W-TASK-NOT-ADOPTED": Code(WARNING, "事项报送了但未采用", "事项“{task_id} {name}”已报送，但未采用：{reason}。"
                                  "请按提示修改后重新报送。牵头单位：{lead}。"),
    "E-FILE-OTHER-PERIOD": Code(ERROR, "不是本期的填报表", "这是{found}的填报表（{evidence}），不是本期（{current}）的，表中各行均未采用。"
                                   "请使用本期下发的填报表重新填写后报送。"),
    "W-PROGRESS-STALE": Code(WARNING, "进展与上期相同", "进展情况与上期（{previous}）报送的文字完全相同。"
                                "请按截至{as_of}的最新进展重新填写；确无新进展的，也请写明本期的情况。"),
    "W-DEPT-NOT-REPORTED": Code(WARNING, "单位未报送", "{department}未报送本期进展（牵头事项：{task_ids}）。"),
    "W-NAME-MISMATCH": Code(WARNING, "任务名称与清单不一致", "任务名称“{value}”与任务清单中的“{expected}”不一致，已按任务清单名称使用。"),
    "E-DONE-BELOW-TARGET": Code(ERROR, "已完成但未达目标", "进展状态为“已完成”，但{figures}，未达到年度目标。"
                                   "如尚未完成，请把进展状态改为“序时推进”或“滞后”；如确已完成，请填写实际完成值。"),
    "E-NOT-STARTED-WITH-PROGRESS": Code(ERROR, "未启动却有完成量", "进展状态为“未启动”，但{figures}。"
                                           "如已开始实施，请把进展状态改为“序时推进”或“滞后”；如确未启动，请清空完成值和完成率。"),
    "W-RATE-PERCENT-CELL": Code(WARNING, "百分比格式单元格填了整数", "完成率单元格是百分比格式，填入的 {typed} 显示为 {shown}；"
                                   "与完成值÷目标值（{computed}）相符，已按 {percent} 计入。请在该单元格重新输入 {typed}（"
                                   + RATE_TYPED + "），以免转发后被误读。"),
    "E-RATE-IMPOSSIBLE": Code(ERROR, "完成率不合常理", "完成率为 {shown}，不合常理，未采用。{hint}"
                                 "也可以不填完成率，由完成值÷目标值计算。"),
    "E-RATE-MISMATCH": Code(ERROR, "完成率与完成值不符", "完成率填写为 {rate}，但完成值÷目标值为 {achieved}÷{target}＝{computed}。"
                               "完成值无误时，完成率应为 {computed}（也可不填，由系统计算）；完成率无误时，请改正完成值。"),
    "W-RATE-FULL-NOT-DONE": Code(WARNING, "完成率已满但未标已完成", "完成率已达 {rate}，但进展状态为“{status}”。如已完成请改为“已完成”；"
                                   "确实尚未完成的，推进办核实后把事项编号写入 period.toml 的 confirmed。"),
    "W-STATUS-NOT-STARTED-TEXT": Code(WARNING, "未启动但文字说已在推进", "进展状态为“未启动”，但进展情况写着“{phrase}”，两者矛盾。"
                                         "已开始实施的，请把进展状态改为“序时推进”或“滞后”；确未启动的，请改写进展情况；文字无误的，推进办核实后把事项编号写入 period.toml 的 confirmed。"),
    "W-STATUS-DONE-TEXT": Code(WARNING, "已完成但文字说尚未完成", "进展状态为“已完成”，但进展情况写着“{phrase}”，两者矛盾。"
                                  "尚未完成的，请把进展状态改为“序时推进”或“滞后”；确已完成的，请改写进展情况；文字无误的，推进办核实后把事项编号写入 period.toml 的 confirmed。"),
    "W-ACHIEVED-NOT-IN-TEXT": Code(WARNING, "完成值未写入进展情况", "完成值 {value} 在进展情况文字中没有出现。请在文字中写明该数字，便于公开发布。"),
    # uploads through the web page (reportgen serve)
    "E-UPLOAD-TYPE": Code(ERROR, "文件类型不支持", "“{name}”不是 Excel 或 CSV 文件。请上传 .xlsx、.xls 或 .csv 文件（可用 Excel 或 WPS 另存为 .xlsx）。"),
    "E-UPLOAD-EMPTY": Code(ERROR, "没有收到文件", "没有收到文件内容{name}。请先点“选择文件”选好本单位的填报表，再点“上传”。"),
    "E-UPLOAD-TOO-LARGE": Code(ERROR, "上传文件过大", "文件超过 {limit} MB，未接收。请只保留本单位的填报内容，另存为 .xlsx 后重新上传。"),
    "E-UPLOAD-TOO-MANY": Code(ERROR, "上传过于频繁", "本单位一小时内已上传{count}次，达到上限。请{minutes}分钟后再上传；如有急事请联系推进办。"),
    "E-UPLOAD-WRONG-DEPT": Code(ERROR, "填报单位与链接不符", "文件中的填报单位是“{found}”，而本链接属于“{department}”，未采用，本单位的报送没有改变。"
                                   "这份表应由“{found}”用其专用链接报送；本单位请在本页下载本单位的填报表，填好后上传。"),
    # screening of public text
    "E-SCREEN-ID-NUMBER": Code(ERROR, "公开文字含身份证号", "{field}中有身份证号码（{value}），属于个人信息，不能公开发布。请删除。"),
    "E-SCREEN-BANK-CARD": Code(ERROR, "公开文字含银行卡号", "{field}中有疑似银行卡号（{value}），不能公开发布。请删除。"),
    "E-SCREEN-SPAM": Code(ERROR, "公开文字含赌博或广告用语", "{field}中有疑似赌博、诈骗或广告用语“{value}”，不能公开发布。"
                             "请删除或改写，并核实这段文字的来源。"),
    "E-SCREEN-FORBIDDEN": Code(ERROR, "公开文字含禁用词", "{field}中有禁用词“{value}”（report.toml 的 forbidden_words），"
                                  "不能公开发布。请删除或改写。"),
    "W-SCREEN-URL": Code(WARNING, "公开文字含网址", "{field}中有网址“{value}”。发布前请人工核实该网址；"
                            "确认可以公开的，请写入 report.toml 的 allowed_words。"),
    "W-SCREEN-EMAIL": Code(WARNING, "公开文字含电子邮箱", "{field}中有电子邮箱“{value}”。发布前请人工核实；"
                              "确认可以公开的，请写入 report.toml 的 allowed_words。"),
    "W-SCREEN-PHONE": Code(WARNING, "公开文字含电话号码", "{field}中有电话号码“{value}”。个人电话不能公开；"
                              "确认是对外公布的服务电话的，请写入 report.toml 的 allowed_words。"),
    "W-SCREEN-REVIEW": Code(WARNING, "公开文字含须人工确认的词", "{field}中有须人工确认的词“{value}”（{source}）。"
                               "请人工确认用法无误；确认可以公开的，请写入 report.toml 的 allowed_words。"),
    "W-SCREEN-INTERNAL": Code(WARNING, "公开文字含内部用语", "{field}中有“{value}”，像是写给推进办的内部说明，不能公开。"
                                 "请删除这句话；确认可以公开的，请写入 report.toml 的 allowed_words。"),
    "W-SCREEN-PERSON": Code(WARNING, "公开文字含工作人员姓名", "{field}中有工作人员的姓名“{value}”。经办人、联系人等个人信息不能公开；"
                               "请删除姓名，确认可以公开的（如领导公开活动），请写入 report.toml 的 allowed_words。"),
    "W-SCREEN-BENEFICIARY": Code(WARNING, "公开文字含受助对象姓名", "{field}中有受助对象的姓名“{value}”，属于个人信息，不能公开。"
                                    "请删除姓名；确认可以公开的，请写入 report.toml 的 allowed_words。"),
    "W-SCREEN-ACCOUNT": Code(WARNING, "公开文字含QQ或微信号", "{field}中有QQ或微信的群号、账号“{value}”。工作群、个人账号不能公开；"
                                "确认是对外公开的服务账号的，请写入 report.toml 的 allowed_words。"),
    # office templates
    "E-TEMPLATE-SYNTAX": Code(ERROR, "模板语法错误", "模板语法错误：{detail}"),
    "E-TEMPLATE-UNKNOWN-VARIABLE": Code(ERROR, "模板变量不存在", "模板使用了数据中没有的变量“{name}”，生成时会报错。请检查拼写。"),
    "E-TEMPLATE-UNKNOWN-FIELD": Code(ERROR, "模板字段不存在", "“{expr}”中的“{field}”不存在，生成时会报错。{choices}请检查拼写。"),
    "E-TEMPLATE-INTERNAL-FIELD": Code(ERROR, "新闻通稿模板用了内部字段", "“{expr}”是内部字段，新闻通稿不能公开，生成时会报错。"
                                         "请删除；需要时请在工作简报模板中使用。"),
    "E-TEMPLATE-MAYBE-EMPTY": Code(ERROR, "模板取值可能为空", "“{expr}”在{when}为空，生成时会报错。"
                                      "请放在 {{% if {name} %}} … {{% endif %}} 之间。"),
    "E-TEMPLATE-NOT-FOUND": Code(ERROR, "引用的模板不存在", "引用的模板“{name}”不存在，生成时会报错。请检查文件名。"),
    "E-TEMPLATE-RENDER": Code(ERROR, "模板试生成出错", "用本期数据试生成时出错：{detail}"),
    "E-TEMPLATE-SPLIT-TAG": Code(ERROR, "Word 模板标记被拆开", "这一段的标记被 Word 拆开了（“{text}”）。请在 Word 中删除该标记后一次性重新输入，不要中途改格式。"),
    "E-TEMPLATE-LINK": Code(ERROR, "模板是快捷方式", "{name} 是快捷方式（符号链接）或指向 templates/ 以外，出于安全考虑不使用。"
                                "请把模板文件本身复制到 templates/ 中。"),
    "W-THEME-MISSING": Code(WARNING, "领域没有主题句", "按领域叙述的新闻通稿中，“{category}”没有主题句，这一段直接从进展写起。"
                               "如需主题句，请在本期 period.toml 的 [themes] 下添加一行，例如 \"{category}\" = \"……\"。"),
    "W-TEMPLATE-NONE": Code(WARNING, "没有自定义模板", "工作目录中没有 templates/ 文件夹，生成时使用内置模板。如需修改模板，请先运行 reportgen templates export。"),
    "E-TASK-WRONG-DEPT": Code(ERROR, "报送了其他单位的任务", "事项“{task_id}”由{lead}牵头，不是{department}的任务，该行未计入。"
                                     "请只填报本单位牵头的任务；确需由本单位报送的，请推进办在任务清单的“配合单位”列写明本单位。"),
}


def title(code: str) -> str:
    """The code's Chinese title (进展状态无法识别), shown next to the code wherever it is shown."""
    entry = CATALOGUE.get(code)
    return entry.title if entry else ""


def label(code: str) -> str:
    """`E-STATUS-UNKNOWN 进展状态无法识别`: the code with its title, as listings and the terminal show it."""
    name = title(code)
    return f"{code} {name}" if name else code


def issue(code: str, *, file: str = "", sheet: str = "", cell: str = "", department: str = "", **fields) -> Issue:
    """The one way to make an `Issue`. Its texts go to the terminal and to workbooks, so they are cleaned
    here too (a file name may carry what a cell could not)."""
    level, _, template = CATALOGUE[code]
    file, sheet, cell, department = (clean_text(str(v)) for v in (file, sheet, cell, department))
    text = clean_text(template.format(file=file, sheet=sheet, cell=cell, department=department, **fields))
    return Issue(code, level, text, file, sheet, cell, department)
