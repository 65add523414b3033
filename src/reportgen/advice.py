"""Why each issue code comes up and what to do about it, in words for office clerks and departments.

Keyed by the codes of `codes.CATALOGUE` (which holds level, title and message). The 常见问题 page
(scripts/make_docs.py) prints every catalogue code with its advice here; a code without advice is
still listed, with its message alone. `for_departments` marks the mistakes made in filling in a
workbook: the 填报说明 counts those from the previous period's findings.
"""

from __future__ import annotations

from typing import NamedTuple

from .codes import RATE_OPTIONAL, RATE_RULE, RATE_TYPED

# topics of the 常见问题 page, in order
WORKSPACE, FILES, PLAN, ROWS, CROSS, TEMPLATES = "工作目录与设置", "单位报送的文件", "任务清单", "填报表中的内容", "汇总核对", "自定义模板"
SCREEN = "公开文字筛查"
TOPICS = (WORKSPACE, FILES, PLAN, ROWS, CROSS, SCREEN, TEMPLATES)


class Advice(NamedTuple):
    topic: str
    cause: str  # why it usually happens
    fix: str  # what to do; for department mistakes, written to the department
    for_departments: bool = False  # a mistake in filling in a department workbook


ADVICE: dict[str, Advice] = {
    # workspace and settings
    "E-WORKSPACE-MISSING": Advice(
        WORKSPACE, "命令不是在工作目录中运行的，或命令中的工作目录、报告期写错了；也可能是 report.toml、period.toml、"
                   "plan.xlsx 被移走或改了名。",
        "在含有 report.toml 和 inputs/ 的文件夹中运行命令，或在命令中写明工作目录；报告期文件夹按 inputs/2025H1 的形式命名。"),
    "E-CONFIG-INVALID": Advice(
        WORKSPACE, "report.toml 或 period.toml 中有一行写法不对：文字缺少引号或引号没有配对、日期写成了“2025年6月30日”、"
                   "数字加了引号，或取值不在可选范围内。",
        "按提示中的设置项找到那一行，对照《字段与格式说明》改正：文字放在英文双引号内，日期写作 2025-06-30，数字不加引号。"),
    "W-CONFIG-CONTROL": Advice(
        WORKSPACE, "report.toml 或 period.toml 的文字是从网页、Word 或其他系统复制来的，带进了看不见的控制字符"
                   "（如改变文字方向的字符），或写成了 \\u202e、_x000B_ 这样的转义。",
        "这些字符已删除，生成的材料中不会出现；请用记事本打开该文件，把这项设置的文字重新输入一遍。"),
    "E-EXPORT-WRITE": Advice(
        WORKSPACE, "reportgen export 要写入的文件正在 Excel 或 WPS 中打开，或 -o 指定的文件夹不存在、没有写入权限。",
        "关闭正在打开的导出文件后重新运行；或用 -o 指定另一个可以写入的文件，如 -o 桌面/历次进展.xlsx。"),
    "E-PERIOD-INVALID": Advice(
        WORKSPACE, "报告期没有按“年份+Q1/H1/Q3/FY”书写，例如写成了“2025上半年”“2025-H1”。",
        "改为 2025Q1（一季度）、2025H1（上半年）、2025Q3（前三季度）或 2025FY（全年）。"),
    "E-PERIOD-ORDER": Advice(
        WORKSPACE, "new-period 的 --from 指定的上一期不早于新的报告期，多为两个报告期写反。",
        "检查命令中的两个报告期，--from 后面写较早的一期。"),
    "E-WORKSPACE-EXISTS": Advice(
        WORKSPACE, "init 指定的文件夹中已经有工作目录的文件。为免覆盖，程序没有做任何改动。",
        "换一个新文件夹；确需在原处重建的，先把原有文件移到别处。"),
    "E-PERIOD-HAS-WORKBOOKS": Advice(
        WORKSPACE, "新一期的 departments/ 中已经有填报表，多为已经运行过 new-period，或已有单位报回。",
        "只需重新生成某一个单位的表时，用 reportgen template 单位名 --force。需要全部重新生成时，先确认这些表都没有填写，"
        "移走后再运行 new-period。"),
    "E-DEPT-UNKNOWN": Advice(
        WORKSPACE, "template 命令中的单位名称与任务清单中的牵头单位不一致，如有错字、用了简称或多了空格。",
        "照提示列出的牵头单位名称书写。"),
    "E-DEPT-WORKBOOK-EXISTS": Advice(
        WORKSPACE, "该单位本期的填报表已经存在，可能已经填写。",
        "确认可以覆盖后在命令后加 --force；已填写的表请先另存一份。"),
    # files
    "E-WORKSPACE-BUSY": Advice(
        WORKSPACE, "同一个工作目录上另一个 reportgen 命令（或报送平台上的一次生成）还在运行，或上次运行的电脑死机后锁文件没有释放。",
        "等另一个命令结束后再运行。确认没有其他命令在运行而仍然提示时，删除 outputs/.lock 后重试。"),
    "E-WORKSPACE-LINK": Advice(
        WORKSPACE, "outputs/、inputs/ 或其中的文件夹被换成了指向别处的快捷方式（符号链接），写入会落到工作目录以外。",
        "把该快捷方式删除，换成普通文件夹（需要时把原文件夹中的内容复制进来）。"),
    "W-NAME-UNSAFE": Advice(
        WORKSPACE, "地区、工程总称、报告期名称或牵头单位名称中有不能用于文件名的字符（如斜杠、冒号、问号、星号、引号）或过长。",
        "文件已按提示中的名称生成，无需处理；希望文件名与原名一致时，在 report.toml、period.toml 或任务清单中去掉这些字符。"),
    "E-DOC-TOO-LONG": Advice(
        WORKSPACE, "某个单元格中粘贴了整篇材料，或任务清单、进展情况中有极长的文字，使文档页数远超正常。",
        "按校验报告中的“文字过长”提醒找到该单元格，精简后重新生成。"),
    "E-FILE-UNREADABLE": Advice(
        FILES, "文件已损坏，或不是表格文件（例如把 Word、PDF 文件的扩展名改成了 .xlsx），或由不常见的软件导出。",
        "用 Excel 或 WPS 打开本单位的表，另存为 .xlsx 格式后重新报送。", True),
    "E-FILE-ENCRYPTED": Advice(
        FILES, "文件设置了打开密码，程序无法打开。下发的填报表只设了无密码的工作表保护，不影响读取。",
        "在 Excel 或 WPS 中取消文件的打开密码，保存后重新报送。", True),
    "E-FILE-TOO-LARGE": Advice(
        FILES, "文件中有大量与填报无关的内容，如图片、其他工作表，或格式一直拖到了表格最底部。",
        "只保留填报表本身，删除多余的工作表和图片，保存后重新报送。", True),
    "E-FILE-FORMAT": Advice(
        FILES, "文件不是 Excel 工作簿：如 WPS 表格的 .et、LibreOffice 的 .ods、文本文件，或改了扩展名的其他文件。",
        "请单位用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx），重新报送。", for_departments=True),
    "W-FILE-SKIPPED": Advice(
        FILES, "departments/ 中有 Excel/WPS 打开文件时留下的临时文件（~$ 开头）、系统文件、备份文件或快捷方式。",
        "不需要处理；提示中写明了跳过的原因。如被跳过的是真正的填报表，请改为普通的 .xlsx 文件。"),
    "W-FILE-SUBFOLDER": Advice(
        FILES, "departments/ 下建了子文件夹（如按单位或日期归档），程序只读取 departments/ 中的文件。",
        "把要校验的填报表移到 departments/ 下；已作废的表可以移到工作目录以外。"),
    "E-DEPT-TWO-FILES": Advice(
        FILES, "同一单位报送了两次（如修改后重新报送），两个文件都放在了 departments/ 中。",
        "只保留要采用的那一个，删除或移走其他文件后重新运行。"),
    "E-SHEET-NOT-READ": Advice(
        FILES, "填报表中另有一张看起来是进展表的工作表（如“进展填报（续）”），但表头被删改，程序无法确定各列。",
        "把这些行复制到主表中，或把该表的表头改为与主表相同。", for_departments=True),
    "E-SHEET-NOT-FOUND": Advice(
        FILES, "没有使用统一下发的填报表，或表头被改写、删除，或表头上方插入了十几行内容。",
        "使用推进办下发的填报表填写，表头文字保持不变。", True),
    "E-COLUMN-MISSING": Advice(
        FILES, "删除了必填的列，或改写了该列的表头。",
        "恢复该列，表头与下发的表一致（事项编号、进展状态、进展情况为必填列）。", True),
    "E-ROWS-TOO-MANY": Advice(
        FILES, "误粘贴了大量数据，或把内容、格式拖到了很远的行。",
        "删除多余的行，只保留本单位的任务，保存后重新报送。", True),
    # plan
    "E-PLAN-EMPTY": Advice(
        PLAN, "任务清单中还没有任务，或每一行都缺少必填项。",
        "在 plan.xlsx 的“任务清单”工作表中每行填写一项任务，必填列见《字段与格式说明》。"),
    "E-PLAN-ID-DATE": Advice(
        PLAN, "事项编号（如 01-03）输入到“常规”格式的单元格，被 Excel 自动当成了日期。",
        "把任务清单的“事项编号”列设置为“文本”格式，按提示重新输入编号后，再生成各单位填报表。"),
    "E-PLAN-ID-MISSING": Advice(
        PLAN, "任务清单中有一行没有事项编号。",
        "为该任务编一个清单内唯一的编号，例如 01-02（工程序号-任务序号）。"),
    "E-PLAN-ID-DUPLICATE": Advice(
        PLAN, "两行任务用了同一个事项编号，多为复制行后忘了改编号。",
        "改为各不相同的编号。各单位的填报表按编号对应任务，编号重复无法区分。"),
    "E-PLAN-FIELD-MISSING": Advice(
        PLAN, "任务清单中某一行的必填列为空。",
        "补填该单元格。必填列为事项编号、工程序号、工程名称、领域、任务名称、年度目标、牵头单位。"),
    "E-PLAN-CATEGORY-UNKNOWN": Advice(
        PLAN, "领域没有从规定的领域中选择，例如写成了“民政”“养老服务”。",
        "从下拉列表中选择领域；按领域分组时，未归类的任务会列在“其他”中。"),
    "E-PLAN-PROJECT-NO": Advice(
        PLAN, "工程序号写成了文字或带了符号，例如“一”“第1项”。",
        "工程序号只填整数 1、2、3……，决定各工程在材料中的先后顺序。"),
    "E-PLAN-UNIT-MISSING": Advice(
        PLAN, "填写了目标值，却没有填写计量单位。",
        "在“计量单位”列填写单位，例如 个、户、人次、万元。各单位按这个单位填写完成值。"),
    # rows of a department workbook
    "E-ID-MISSING": Advice(
        ROWS, "新增了一行却没有填写事项编号，或删掉了原有的编号。",
        "事项编号按任务清单填写，不要删除或改动；任务清单以外的工作不要另起一行。", True),
    "E-STATUS-MISSING": Advice(
        ROWS, "漏填了进展状态。",
        "进展状态从下拉列表中选择：已完成、序时推进、滞后、未启动。", True),
    "E-STATUS-UNKNOWN": Advice(
        ROWS, "进展状态写了规定以外的词，例如“基本完成”“进行中了”。",
        "进展状态只用已完成、序时推进、滞后、未启动四个词，从下拉列表中选择；具体情况写在进展情况中。", True),
    "W-CELL-TOO-FAR": Advice(
        FILES, "表格下方很远的地方有内容，多是误按键盘、误粘贴留下的，或把表格拖到了很远的位置。程序只读取前面的行，"
               "这个单元格没有读取；表格本身照常读取。",
        "按提示中的单元格位置找到它（可在 Excel 名称框中输入单元格位置后回车），是无关内容就删除；是要报送的内容，移到表格中。",
        for_departments=True),
    "W-TEXT-CONTROL": Advice(
        ROWS, "从网页、微信或其他系统复制文字时，带进了看不见的控制字符（如换页符、改变文字方向的字符）。",
        "这些字符已删除，通常不需要处理；请核对该单元格的文字是否完整，下次可先粘贴到记事本再复制。", for_departments=True),
    "W-TEXT-LONG": Advice(
        ROWS, "进展情况等文字写成了长篇报告，超出新闻通稿和简报适合刊登的长度。",
        "精简为几句话，写明做了什么、完成多少；详细材料另行报送。", for_departments=True),
    "E-TEXT-TOO-LONG": Advice(
        ROWS, "单元格中粘贴了整篇文件或大量重复的文字。",
        "精简到提示中的字数以内后重新报送。", for_departments=True),
    "E-PROGRESS-MISSING": Advice(
        ROWS, "进展情况为空。",
        "写明截至本期的具体工作和数字；尚未启动的，写明原因和计划启动时间。", True),
    "E-NUMBER-INVALID": Advice(
        ROWS, "完成值写成了文字或区间，例如“已完成”“200-300”“见备注”。",
        "完成值只填一个数字，按计量单位填写累计数；说明性文字写在进展情况中。", True),
    "E-PERCENT-INVALID": Advice(
        ROWS, "完成率写成了文字，例如“过半”“较好”。",
        RATE_RULE + "。", True),
    "E-FORMULA-NO-VALUE": Advice(
        ROWS, "单元格中是公式，但文件保存时没有计算结果（多为其他软件生成的文件未经 Excel/WPS 保存）。",
        "在 Excel 或 WPS 中打开文件后保存一次；或把公式改为直接填写的数值。", True),
    "W-NUMBER-APPROX": Advice(
        ROWS, "完成值带有“约”“余”“多”“近”等字，例如“约2000”“2000余”。程序按其中的数字计入，并提醒核实。",
        "完成值填写准确的数字；确实只有约数的，在进展情况中写明“约”。", True),
    "W-RATE-HIGH": Advice(
        ROWS, "完成率超过300%，多为完成值与目标值的单位不一致，例如目标按万人次、完成值按人次填写。",
        "核对完成值是否按任务清单的计量单位填写；确属超额完成的，在进展情况中写明。", True),
    "W-RATE-FRACTION": Advice(
        ROWS, "完成率写成了小数，例如 0.85。程序按完成值÷目标值核对后按百分数计入。",
        RATE_RULE + "，不要写成 0.85 这样的小数。", True),
    "W-RATE-AMBIGUOUS": Advice(
        ROWS, "完成率写成了不带 % 的小数字，例如 0.5、1.2，看不出是 0.5% 还是 50%。程序按所写数字的百分数计入。",
        RATE_RULE + "，不要写成 0.5 这样的小数。", True),
    "W-ROW-NOTE": Advice(
        ROWS, "表格下方写了“注：”“审核人：”等说明。这些行不是任务数据，不计入。",
        "说明写在对应任务的备注中，表格下方不写其他内容；如果其中有任务，补填事项编号、进展状态和进展情况。", True),
    "W-ID-DATE": Advice(
        ROWS, "在非“文本”格式的单元格中输入 01-03 这样的编号，Excel 会自动改成日期。程序已按任务清单认出了编号。",
        "使用下发的填报表（事项编号已预填并锁定），不要重新输入编号；自行制表的，先把事项编号列设为“文本”格式再输入。", True),
    "E-ID-DATE": Advice(
        ROWS, "在非“文本”格式的单元格中输入 01-03 这样的编号，Excel 会自动改成日期，而且无法对应到任务清单，该行未计入。",
        "使用下发的填报表（事项编号已预填并锁定），不要重新输入编号；自行制表的，先把事项编号列设为“文本”格式再输入。", True),
    # checks across files
    "E-TASK-NOT-IN-PLAN": Advice(
        CROSS, "事项编号写错，或用了上一年度的编号，或自行增加了任务清单以外的任务。该行未计入。",
        "按本期任务清单核对事项编号；任务清单以外的工作不单独列行。", True),
    "E-TASK-DUPLICATE": Advice(
        CROSS, "同一项任务被报送了两次：多为配合单位也报送了牵头单位的任务，或同一单位的表中有重复行。以牵头单位报送的为准。",
        "每项任务只由牵头单位报送一次；配合单位把情况提供给牵头单位，不单独报送。", True),
    "W-TASK-NOT-REPORTED": Advice(
        CROSS, "任务清单中的这项任务没有收到进展：牵头单位没有报送填报表，或表中删去了这一行。",
        "按时报送填报表，每项任务都要填写，不要删除行；确实不属于本单位的，在备注中说明，由推进办协调。", True),
    "W-DEPT-NOT-REPORTED": Advice(
        CROSS, "没有收到该单位的填报表；或收到了，但没有放进本期的 departments/ 文件夹，或文件名和表内的“填报单位”"
               "都看不出是哪个单位。",
        "催报；收到后把文件放进 inputs/报告期/departments/，文件名用单位名称，然后重新校验。"),
    "W-NAME-MISMATCH": Advice(
        CROSS, "表中的任务名称与任务清单不一致：改动了名称，或事项编号与名称对应错了。材料中使用任务清单的名称。",
        "不要改动任务名称；如果是事项编号填错了，改正编号。", True),
    "E-DONE-BELOW-TARGET": Advice(
        CROSS, "进展状态为“已完成”，但完成值或完成率还没有达到年度目标。公开发布时会写成“该项目已完成”，与数字矛盾。",
        "核实是否确已完成：未完成的改为序时推进或滞后；已完成的，改正完成值和完成率。", True),
    "E-NOT-STARTED-WITH-PROGRESS": Advice(
        CROSS, "进展状态为“未启动”，却填了完成值或完成率，两者矛盾。",
        "已开始实施的，把进展状态改为序时推进或滞后；确未启动的，清空完成值和完成率。", True),
    "E-RATE-MISMATCH": Advice(
        CROSS, "完成率与完成值÷目标值算出的结果不一致，多是其中一个填错，或完成值的单位与任务清单的计量单位不同。",
        "按提示核对完成值和完成率，改正填错的一个；也可以不填完成率，由完成值÷目标值计算。", True),
    "E-RATE-IMPOSSIBLE": Advice(
        ROWS, "完成率大得不合常理，常见原因是把 85 粘贴进百分比格式的单元格，或输入后才把单元格设为百分比格式，显示为 8500%。",
        f"在完成率单元格中重新输入数字（{RATE_TYPED}）；" + RATE_OPTIONAL + "。", True),
    "W-RATE-PERCENT-CELL": Advice(
        ROWS, "把 85 粘贴进百分比格式的单元格，或输入后才把单元格设为百分比格式，表中显示为 8500%；与完成值÷目标值相符，已按 85% 计入。",
        f"在该单元格重新输入数字（{RATE_TYPED}），以免转发后被误读。", True),
    "E-FILE-OTHER-PERIOD": Advice(
        FILES, "报回的是以前某一期的填报表（表内记有报告期，或标题写着以前的报告期），多是找错了文件。",
        "用本期下发的填报表重新填写后报送；本期的表可向推进办索取或在报送平台下载。", True),
    "W-PROGRESS-STALE": Advice(
        CROSS, "进展情况与上一期报送的文字一字不差，多是直接复制了上期的内容。",
        "按截至本期的最新进展重新填写；确实没有新进展的，也写明本期的情况和原因。", True),
    "W-TASK-NOT-ADOPTED": Advice(
        CROSS, "这项任务报送了，但所在的行因错误未能采用（如进展状态无法识别、不是本期的表）。",
        "按同一文件中其他提示改正后重新报送。", True),
    "W-RATE-FULL-NOT-DONE": Advice(
        CROSS, "完成率已达到100%，进展状态却不是“已完成”。",
        "已经完成的，进展状态改为“已完成”；数量已达标但还有后续工作的，在进展情况中写明。"
        "改正前新闻通稿为草稿；推进办与单位核实确属“未完成”的，把事项编号写入 period.toml 的 confirmed。", True),
    "W-STATUS-NOT-STARTED-TEXT": Advice(
        CROSS, "进展状态选了“未启动”，进展情况却写着正在做或已做了什么，多是状态没有随文字更新。"
        "新闻通稿的导语按状态计数，文字按原文发布，两者矛盾会公开出去，因此在核实之前新闻通稿只能是草稿。",
        "已开始实施的，把进展状态改为序时推进或滞后；确未启动的，改写进展情况，写明尚未启动的原因。"
        "推进办与单位核实文字无误的，把事项编号写入 period.toml 的 confirmed。", True),
    "W-STATUS-DONE-TEXT": Advice(
        CROSS, "进展状态选了“已完成”，进展情况却写着正在做、尚未做或计划做什么。"
        "新闻通稿会说该项目已完成，文字却说没有完成，因此在核实之前新闻通稿只能是草稿。",
        "尚未完成的，把进展状态改为序时推进或滞后；确已完成的，改写进展情况，只写已经完成的内容。"
        "推进办与单位核实文字无误的，把事项编号写入 period.toml 的 confirmed。", True),
    "W-ACHIEVED-NOT-IN-TEXT": Advice(
        CROSS, "填写了完成值，但进展情况的文字中没有这个数字。对外发布的是进展情况的文字。",
        "在进展情况中写明该数字和单位，与完成值一致，例如完成值 230，文字中写“已新增托位230个”。", True),
    "E-TASK-WRONG-DEPT": Advice(
        CROSS, "表中有其他单位牵头的任务：可能是把别的单位的行复制进了本单位的表，或表头上方的“填报单位”写成了别的单位，"
               "或文件名不是本单位的名称（没有写“填报单位”时按文件名认定单位）。每个单位只能报送本单位的任务。",
        "删除这些行，由牵头单位报送；表中的“填报单位”或文件名应是本单位在任务清单中的名称。确由配合单位报送的任务，"
        "请推进办在任务清单的“配合单位”列写明该单位（多个单位用顿号分隔）。", True),
    # uploads through the 报送平台 page
    "E-UPLOAD-TYPE": Advice(
        FILES, "上传的不是表格文件，例如 Word、PDF、图片，或 WPS 自有的 .et 格式。",
        "用 Excel 或 WPS 打开本单位的填报表，另存为 .xlsx 后重新上传。", True),
    "E-UPLOAD-EMPTY": Advice(
        FILES, "点了“上传”但没有选文件，或选中的文件是空的。", "先点“选择文件”选好本单位的填报表，再点“上传”。", True),
    "E-UPLOAD-TOO-LARGE": Advice(
        FILES, "表中粘贴了图片、大量空行或其他无关内容，文件超过了上传上限。",
        "删去无关的工作表、图片和空行，另存为 .xlsx 后重新上传。", True),
    "E-UPLOAD-TOO-MANY": Advice(
        FILES, "一小时内反复上传，达到了上传次数上限。", "按提示的时间后再上传；改好全部问题后一次上传即可。", True),
    "E-UPLOAD-WRONG-DEPT": Advice(
        FILES, "用本单位的链接上传了其他单位的表（常见于共用电脑、转发文件时拿错了表）。",
        "不要改动表中的“填报单位”：在本单位链接的页面上下载本单位的填报表，填好后上传；那份表请转给它所属的单位，由该单位用自己的链接报送。", True),
    # screening of public text
    "E-SCREEN-ID-NUMBER": Advice(
        SCREEN, "可公开的文字（进展情况、任务名称、年度目标等）中有身份证号码，属于个人信息。", "删除身份证号码后重新报送。", True),
    "E-SCREEN-BANK-CARD": Advice(
        SCREEN, "可公开的文字中有一长串像银行卡号的数字。", "删除卡号；如是其他编号（如项目编号），请改写得不像卡号。", True),
    "E-SCREEN-SPAM": Advice(
        SCREEN, "可公开的文字中有赌博、诈骗或广告用语，常见于从网页复制文字时夹带的内容，或文件被人改动过。",
        "删除或改写这段文字，并核实文字来源；必要时请单位负责人确认后重新报送。", True),
    "E-SCREEN-FORBIDDEN": Advice(
        SCREEN, "可公开的文字中有本单位在 report.toml 的 forbidden_words 中列出的禁用词。", "删除或改写后重新报送。", True),
    "W-SCREEN-URL": Advice(
        SCREEN, "可公开的文字中有网址。新闻通稿中的网址须确认是政府或正规机构的网站。",
        "不需要的删除；确认可以公开的，推进办把它写入 report.toml 的 allowed_words。"),
    "W-SCREEN-EMAIL": Advice(
        SCREEN, "可公开的文字中有电子邮箱。", "个人邮箱删除；确认是对外公开的邮箱的，推进办把它写入 report.toml 的 allowed_words。"),
    "W-SCREEN-PHONE": Advice(
        SCREEN, "可公开的文字中有电话号码。个人手机等不能公开。",
        "个人电话删除；确认是对外公布的服务电话的，推进办把它写入 report.toml 的 allowed_words。"),
    "W-SCREEN-REVIEW": Advice(
        SCREEN, "可公开的文字中有须人工确认的词（内置的，或 report.toml 的 review_words）。",
        "由推进办人工核对用法；确认无误的，写入 report.toml 的 allowed_words。"),
    "W-SCREEN-INTERNAL": Advice(
        SCREEN, "可公开的文字中有“内部掌握”“涉密”“请勿外传”等用语，多是写给推进办的说明被写进了进展情况。",
        "把这句话从进展情况中删除，需要时写在“备注”或“存在问题”列（不公开）。"),
    "W-SCREEN-PERSON": Advice(
        SCREEN, "可公开的文字中写了工作人员的姓名（“王某某同志具体负责”“经办人：某某”“某科长”）。",
        "删除姓名，写单位或科室即可；联系人写在“联系人”列（不公开）。"),
    "W-SCREEN-BENEFICIARY": Advice(
        SCREEN, "可公开的文字中写了困难户、低保户、患者、残疾人等受助对象的姓名，属于个人信息。",
        "删除姓名，只写人数或户数。"),
    "W-SCREEN-ACCOUNT": Advice(
        SCREEN, "可公开的文字中有QQ群、微信群或账号。",
        "工作群、个人账号删除；对外公开的服务账号，推进办确认后写入 report.toml 的 allowed_words。"),
    # templates
    "E-TEMPLATE-SYNTAX": Advice(
        TEMPLATES, "修改模板时把标记写错了，例如 {{ 与 }} 不成对、{% if %} 缺少 {% endif %}。",
        "按提示的文件和行号（Word 模板为段落）改正；改不好的，删除 templates/ 中的这个文件，生成时即改用内置模板。"),
    "E-TEMPLATE-UNKNOWN-VARIABLE": Advice(
        TEMPLATES, "模板中的变量名拼错了，或新闻通稿的模板用了只有内部材料才有的字段（如存在问题、联系人）。",
        "对照《办公室使用手册》中“模板”一节的变量名改正；新闻通稿只能使用可公开的字段。"),
    "E-TEMPLATE-SPLIT-TAG": Advice(
        TEMPLATES, "在 Word 中修改标记时改了其中一部分文字的格式，或经过了自动更正、拼写检查，标记被拆成了几段。",
        "在 Word 中删除整个标记，一次性重新输入，中途不要改格式。"),
    "E-TEMPLATE-UNKNOWN-FIELD": Advice(
        TEMPLATES, "模板中某个字段名拼错了（如 t.progres），或该数据没有这个字段。", "按提示中列出的可用字段改正拼写。"),
    "E-TEMPLATE-INTERNAL-FIELD": Advice(
        TEMPLATES, "新闻通稿的模板用了存在问题、下步打算、联系人等内部字段，这些内容不能公开。",
        "从新闻通稿模板中删除；需要时在工作简报模板中使用。"),
    "E-TEMPLATE-MAYBE-EMPTY": Advice(
        TEMPLATES, "模板用到的某项数据在有的情况下为空，例如第一期没有上期数据，changes 为空。",
        "按提示把这部分放在 {% if … %} … {% endif %} 之间。"),
    "E-TEMPLATE-NOT-FOUND": Advice(
        TEMPLATES, "模板用 include 等引用了另一个模板文件，但 templates/ 和内置模板中都没有这个文件。",
        "检查文件名的拼写，或把该文件放进 templates/。"),
    "E-TEMPLATE-RENDER": Advice(
        TEMPLATES, "模板语法没有问题，但用本期数据试生成时出错，例如做了除以零的计算。",
        "按提示的文件和行号修改；改不好的，删除 templates/ 中的这个文件，生成时即改用内置模板。"),
    "E-TEMPLATE-LINK": Advice(
        TEMPLATES, "templates/ 中的模板是快捷方式（符号链接），或指向 templates/ 以外的文件；为免读到工作目录以外的文件，不使用。",
        "删除快捷方式，把模板文件本身复制到 templates/ 中。"),
    "W-THEME-MISSING": Advice(
        TEMPLATES, "新闻通稿按领域叙述（form = \"by-theme\"），每个领域的段落以办公室写的主题句开头；这个领域还没有写。",
        "在本期 period.toml 的 [themes] 下添加一行：\"领域\" = \"主题句\"，例如 \"住房\" = \"让百姓住得舒心。\"；"
        "不写也可以，这一段直接从进展写起。"),
    "W-TEMPLATE-NONE": Advice(
        TEMPLATES, "工作目录中还没有 templates/ 文件夹，生成时使用内置模板。",
        "不需要修改模板的，无需处理；需要修改时先运行 reportgen templates export。"),
}


def advice(code: str) -> Advice | None:
    return ADVICE.get(code)
