"""填报说明: what a department receives with its workbook, as a one-page PDF and as the workbook's first sheet.

`make_guide` gathers the text once: the deadline (period.toml `deadline`), the office's contact
(report.toml `office_contact`, `office_phone`), the department's own tasks, how to fill in the
workbook, and the mistakes found most often in the previous period (its validation findings, the
department's own first). `write_sheet` and `write_pdf` lay out the same `Guide`.

The PDFs go to inputs/<period>/填报说明/, beside departments/: that folder holds the workbooks
departments send back, and nothing else.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.styles import Alignment, Font

from .advice import ADVICE
from .codes import CATALOGUE, RATE_RULE, title as code_title
from .model import ERROR, Config, Dataset, Period, Report, Task
from .numbers import cn_ordinal, fmt_date
from .workbooks import put, text_width

FOLDER = "填报说明"
WEEKDAYS = "一二三四五六日"
SAME_MISTAKE = {"W-ID-DATE": "E-ID-DATE"}  # counted together: one mistake, two outcomes
COUNT_UNIT = {"W-TASK-NOT-REPORTED": "项"}  # else 处
MISTAKES_SHOWN = 3
# column A of the 填报说明 sheet, in character units: within A4 portrait whatever the default font
# (LibreOffice and WPS do not shrink a single column that is too wide, as Excel does)
SHEET_WIDTH = 72


@dataclass(frozen=True)
class Mistake:
    code: str
    own: int  # this department's findings in the previous period
    total: int  # every department's

    def text(self, n: int) -> str:
        unit = COUNT_UNIT.get(self.code, "处")
        counts = f"上期本单位{self.own}{unit}，各单位共{self.total}{unit}" if self.own else f"上期各单位共{self.total}{unit}"
        return f"（{cn_ordinal(n)}）{code_title(self.code)}。{counts}。{ADVICE[self.code].fix}"


@dataclass
class Section:
    heading: str
    paragraphs: list[str]
    tasks: list[Task] = field(default_factory=list)  # a table after the paragraphs


@dataclass
class Guide:
    title: str
    department: str
    opening: str
    sections: list[Section]
    office: str


def office_name(config: Config) -> str:
    return config.compiler or f"{config.region}{config.program}推进办公室"


def common_mistakes(report: Report, department: str, limit: int = MISTAKES_SHOWN) -> list[Mistake]:
    """The mistakes in filling in a workbook found most often: the department's own first
    (most frequent first), then the most frequent among all departments; errors before warnings."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for i in report.issues:
        code = SAME_MISTAKE.get(i.code, i.code)
        if not i.department or code not in ADVICE or not ADVICE[code].for_departments:
            continue
        total[code] += 1
        if i.department == department:
            own[code] += 1
    ranked = sorted(total, key=lambda c: (-own[c], -total[c], CATALOGUE[c].level != ERROR, c))
    return [Mistake(c, own[c], total[c]) for c in ranked[:limit]]


def _weekday(d) -> str:
    return f"星期{WEEKDAYS[d.weekday()]}"


def make_guide(config: Config, period: Period, department: str, tasks: list[Task], workbook: str,
               previous: Dataset | None = None) -> Guide:
    """The 填报说明 for one department; `workbook` is the file name it receives (区民政局.xlsx)."""
    office = office_name(config)
    name = f"{period.year}年{period.label}{config.program}进展情况"
    as_of = fmt_date(period.as_of)
    opening = f"为做好{name}的汇总和通报工作，现将《{name}填报表》（{workbook}）发给你单位，请按以下要求填写报送。"
    if period.deadline:
        when = f"请填写截至{as_of}的进展情况，于{fmt_date(period.deadline)}（{_weekday(period.deadline)}）前报送{office}。"
    else:
        when = f"请填写截至{as_of}的进展情况，按{office}通知的时间报送。"
    contact = "；".join(p for p in (f"联系人：{config.office_contact}" if config.office_contact else "",
                                    f"联系电话：{config.office_phone}" if config.office_phone else "") if p)
    sections = [
        Section("报送时间", [when, f"报送时文件名“{workbook}”保持不变，仍保存为Excel工作簿（.xlsx）格式。"]),
        Section("联系方式", [f"填报中如有疑问，请与{office}联系" + (f"（{contact}）。" if contact else "。")]),
        Section(f"本单位牵头的任务（共{len(tasks)}项）", ["以下任务已预填在“进展填报”工作表中，请逐项填写，不要删除。"], tasks),
        Section("填写要求", [
            "（一）只填写“进展填报”工作表中的白色单元格。灰色单元格是任务清单的内容和上期情况，已经锁定；"
            "不要增删行列，不要改动表头、事项编号和任务名称。",
            "（二）进展状态从下拉列表中选择：已完成、序时推进、滞后、未启动。",
            f"（三）进展情况写明截至{as_of}已完成的具体工作和数字，文字可以直接对外发布，例如“已建成社区老年助餐点7个”。",
            "（四）完成值按“计量单位”列的单位填写累计数，只填数字，不加“约”“余”等字。" + RATE_RULE + "。",
            "（五）标为“已完成”的，完成率应达到100%；完成率达到100%的，应标为“已完成”。",
            "（六）存在问题、下步打算、联系人、联系电话、备注只供内部掌握，不对外发布。",
            "（七）任务不属于本单位或任务清单有误的，在备注中说明，不要删除该行。",
        ]),
    ]
    if previous is not None:
        was = f"{previous.period.year}年{previous.period.label}"
        mistakes = common_mistakes(previous.report, department)
        if mistakes:
            lines = [f"上期（{was}）校验中出现较多的问题如下，请注意避免："]
            lines += [m.text(n) for n, m in enumerate(mistakes, 1)]
        else:
            lines = [f"上期（{was}）校验未发现填报问题。"]
        sections.append(Section("上期较常见的问题", lines))
    for n, s in enumerate(sections, 1):
        s.heading = f"{cn_ordinal(n)}、{s.heading}"
    return Guide(f"{name}填报说明", department, opening, sections, office)


def task_line(t: Task) -> str:
    return f"{t.task_id}　{t.name}　年度目标：{t.target_text}"


# ---- the workbook's first sheet ----------------------------------------------------------

def write_sheet(ws, guide: Guide) -> None:
    """The guide on a worksheet: one paragraph per row in a wide column, rows as tall as their text."""
    ws.column_dimensions["A"].width = SHEET_WIDTH
    rows: list[tuple[str, str]] = [("title", guide.title), ("text", f"{guide.department}："), ("text", guide.opening)]
    for s in guide.sections:
        rows.append(("heading", s.heading))
        rows += [("text", p) for p in s.paragraphs]
        rows += [("text", task_line(t)) for t in s.tasks]
    rows.append(("signature", guide.office))
    for r, (kind, text) in enumerate(rows, 1):
        cell = put(ws, r, 1, text)
        cell.font = Font(bold=kind in ("title", "heading"), size=16 if kind == "title" else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top",
                                   horizontal={"title": "center", "signature": "right"}.get(kind, "left"))
        lines = -(-text_width(text) // (SHEET_WIDTH - 4))
        ws.row_dimensions[r].height = (24 if kind == "title" else 15) * max(lines, 1) + 4
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if len(rows) <= 40 else 0  # one printed page, unless the task list is long
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# ---- the PDF ------------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 18mm 20mm 16mm 20mm; }
html { color: #000; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: %(body)spt; line-height: 1.55;
  margin: 0; }
h1 { font-size: 18pt; font-weight: bold; text-align: center; margin: 0 0 4mm; line-height: 1.4; }
h2 { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; font-weight: bold; font-size: %(body)spt;
  margin: 2.2mm 0 0.6mm; break-after: avoid; }
p { margin: 0; text-indent: 2em; text-align: left; }  /* justify would stretch the few spaces only */
p.to { text-indent: 0; }
p.sign { text-align: right; margin-top: 4mm; }
table { width: 100%%; border-collapse: collapse; font-size: 10.5pt; line-height: 1.4; margin: 1mm 0 1mm; }
th, td { border: 0.6pt solid #000; padding: 0.8mm 1.5mm; text-align: left; vertical-align: top; }
th.id, td.id { width: 17mm; white-space: nowrap; text-align: center; }
th.name, td.name { width: 42mm; }
th { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; font-weight: bold; background: #eee;
  text-align: center; }  /* the face of the headings: three faces to embed, not four */
"""

# from roomy to tight; the first that fits on one page is used
LAYOUTS = (
    {"body": 12, "targets": True},
    {"body": 11, "targets": True},
    {"body": 11, "targets": False},
    {"body": 10.5, "targets": False, "inline": True},
)


def guide_html(guide: Guide, layout: dict, shown: int | None = None) -> str:
    """The guide as HTML; every text from the data is escaped. `shown` cuts a long task list short."""
    e = html.escape
    out = [f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{e(guide.title)}</title>",
           f"<style>{CSS % {'body': layout['body']}}</style></head><body>",
           f"<h1>{e(guide.title)}</h1>", f"<p class=\"to\">{e(guide.department)}：</p>", f"<p>{e(guide.opening)}</p>"]
    for s in guide.sections:
        out.append(f"<h2>{e(s.heading)}</h2>")
        out += [f"<p>{e(p)}</p>" for p in s.paragraphs]
        if not s.tasks:
            continue
        tasks = s.tasks if shown is None else s.tasks[:shown]
        more = f"……等{len(s.tasks)}项，详见填报表。" if len(tasks) < len(s.tasks) else ""
        if layout.get("inline"):
            out.append(f"<p>{e('；'.join(f'{t.task_id} {t.name}' for t in tasks))}{'；' + more if more else '。'}</p>")
            continue
        head = ("<tr><th class=\"id\">事项编号</th><th class=\"name\">任务名称</th>"
                + ("<th>年度目标</th>" if layout["targets"] else "") + "</tr>")
        body = "".join(f"<tr><td class=\"id\">{e(t.task_id)}</td><td class=\"name\">{e(t.name)}</td>"
                       + (f"<td>{e(t.target_text)}</td>" if layout["targets"] else "") + "</tr>" for t in tasks)
        out.append(f"<table><thead>{head}</thead><tbody>{body}</tbody></table>")
        if more:
            out.append(f"<p>{e(more)}</p>")
    out.append(f"<p class=\"sign\">{e(guide.office)}</p></body></html>")
    return "".join(out)


def write_pdf(guide: Guide, target: Path, stamp=None) -> int:
    """One A4 page: the first layout that fits, else the task list cut short. Returns the page count;
    the office (`stamp`, render/files.Stamp) is its author."""
    from .render.pdf import confined_fetcher, import_weasyprint, write

    HTML = import_weasyprint().HTML  # half a second to import: only when a guide is made

    fetcher = confined_fetcher([])  # nothing to fetch: the text is data, never a link

    def render(layout, shown=None):
        return HTML(string=guide_html(guide, layout, shown), url_fetcher=fetcher).render()

    tasks = max((len(s.tasks) for s in guide.sections), default=0)
    doc = None
    for layout in LAYOUTS:
        doc = render(layout)
        if len(doc.pages) == 1:
            break
    else:
        shown = tasks
        while len(doc.pages) > 1 and shown > 1:
            shown = max(1, shown * 3 // 4)
            doc = render(LAYOUTS[-1], shown)
    return write(doc, target, stamp=stamp)
