"""进度汇总表 (internal): `Dataset` → one XLSX with every task and every field.

Status colour-coded, a subtotal row after each group, a statistics sheet,
frozen header, filters, landscape print set-up with repeated header rows; a 打印版
sheet prints every task on about a page per ten.
Submitted text is always written as a string, never as a formula.
"""

from __future__ import annotations

import math

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .files import Stamp
from ..model import BEHIND, DONE, NOT_ADOPTED, NOT_REPORTED, NOT_STARTED, ON_SCHEDULE
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.page import PageMargins

from ..numbers import cn_ordinal, fmt_date, fmt_when
from ..workbooks import put, save_workbook, text_width
from . import Job, Output
from .context import internal_context

# (header, context key, width) in print groups. Each group fits one A4 landscape page at 100% even where a
# width unit is as wide as 2.5 mm (LibreOffice without the office fonts; Excel's is 1.9 mm), and 事项编号
# and 任务名称 are repeated at the left of every page.
TITLE_COLUMNS: list[tuple[str, str, int]] = [("事项编号", "task_id", 9), ("任务名称", "name", 18)]
COLUMN_GROUPS: list[list[tuple[str, str, int]]] = [
    [("工程名称", "project", 14), ("领域", "category", 6), ("年度目标", "target", 34), ("目标值", "target_value", 8),
     ("计量单位", "unit", 8), ("牵头单位", "department", 10)],
    [("进展状态", "status", 9), ("超额完成", "over_target", 9), ("完成值", "achieved", 8), ("完成率", "rate", 8),
     ("进展情况", "progress", 46)],
    [("预计完成时间", "expected", 13), ("存在问题", "problems", 27), ("下步打算", "next_steps", 27),
     ("配合单位", "partners", 13)],
    [("填报单位", "reported_by", 12), ("联系人", "contact", 8), ("联系电话", "phone", 13), ("备注", "remarks", 18),
     ("数据来源", "source", 28)],
]
COLUMNS: list[tuple[str, str, int]] = TITLE_COLUMNS + [c for group in COLUMN_GROUPS for c in group]
BODY_PT = 10  # printed at 100%: 10 pt on paper
LINE_PT = 15  # one line of 10 pt CJK text in Excel or LibreOffice, with room to spare

STATUS_FILL = {
    DONE: "C6EFCE", ON_SCHEDULE: "DDEBF7", BEHIND: "FFC7CE", NOT_STARTED: "FFEB9C", NOT_REPORTED: "D9D9D9", NOT_ADOPTED: "E4DFEC",
}
FONT = "宋体"
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _put(ws: Worksheet, row: int, col: int, value: object):
    """`workbooks.put` for context values: None → empty, booleans → 是/empty."""
    if value is None:
        value = ""
    elif isinstance(value, bool):
        value = "是" if value else ""
    return put(ws, row, col, value)


def _counts_text(c: dict) -> str:
    """The parts add up to the total (Counts.adds_up); 超额 is counted among 已完成."""
    over = f"（其中超额完成{c['over_target']}项）" if c["over_target"] else ""
    return (f"任务{c['total']}项：已完成{c['done']}项{over}，序时推进{c['on_schedule']}项，滞后{c['behind']}项，"
            f"未启动{c['not_started']}项，未报送{c['not_reported']}项，未采用{c['not_adopted']}项")


def missing_text(t: dict) -> str:
    """What the 进展情况 cell says for a task without accepted progress: nothing came, or what was set aside and why."""
    if t["status"] == NOT_REPORTED:
        return "（未报送：本期没有收到该任务的进展）"
    return f"（未采用：已报送，但{t['set_aside_reason'] or '未能采用'}）"


def fit_height(ws: Worksheet, row: int, widths: dict[int, float], least: float | None = None,
               line_pt: float = LINE_PT, font_pt: float = BODY_PT) -> None:
    """A row tall enough for its wrapped text (neither Excel nor LibreOffice grows a row when printing).
    Text smaller than the body's takes fewer width units (never below 85% of them: Excel's units are narrow)."""
    least = line_pt + 4 if least is None else least
    scale = max(0.85, font_pt / BODY_PT)
    lines = 1
    for col, width in widths.items():
        value = ws.cell(row=row, column=col).value
        if value is None or value == "":
            continue
        room = max(width - 1.5, 1)
        lines = max(lines, sum(max(1, math.ceil(text_width(part) * scale / room)) for part in str(value).split("\n")))
    ws.row_dimensions[row].height = max(least, lines * line_pt + 4)


def page_setup(ws: Worksheet, header_row: int | None, *, title_cols: str | None = None,
               fit_width: bool = False) -> None:
    """A4 landscape, narrow margins, header repeated, page numbers; at 100% (every text at its own size on
    paper) unless `fit_width` (a narrow sheet, scaled down a little at most where width units run wide)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.pageOrder = "overThenDown"  # a task's column groups on consecutive pages
    ws.sheet_properties.pageSetUpPr.fitToPage = fit_width
    if fit_width:
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    else:
        ws.page_setup.scale = 100
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
    if title_cols:
        ws.print_title_cols = title_cols
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9


def _task_sheet(ws: Worksheet, ctx: dict) -> None:
    title = f"{ctx['region']}{ctx['period']['year']}年{ctx['period']['label']}{ctx['program']}进度汇总表"
    ws.cell(row=1, column=1, value=title).font = Font(name=FONT, size=16, bold=True)
    ws.cell(row=2, column=1, value=f"截至{fmt_date(ctx['period']['as_of'])}").font = Font(name=FONT, size=BODY_PT)
    header_row = 3
    widths = {col: width for col, (_, _, width) in enumerate(COLUMNS, 1)}
    for col, (header, _, width) in enumerate(COLUMNS, 1):
        c = ws.cell(row=header_row, column=col, value=header)
        c.font = Font(name=FONT, size=BODY_PT, bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="305496")
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = BORDER
        ws.column_dimensions[get_column_letter(col)].width = width
    fit_height(ws, header_row, widths)
    row = header_row + 1
    status_col = [k for _, k, _ in COLUMNS].index("status") + 1
    rate_col = [k for _, k, _ in COLUMNS].index("rate") + 1
    for g in ctx["groups"]:
        for t in g["tasks"]:
            for col, (_, key, _) in enumerate(COLUMNS, 1):
                value = t[key]
                if key == "rate" and value is not None:
                    value = value / 100
                elif key == "progress" and t["status"] in (NOT_REPORTED, NOT_ADOPTED):
                    value = missing_text(t)
                elif key == "expected":
                    value = fmt_when(value)
                cell = _put(ws, row, col, value)
                cell.font = Font(name=FONT, size=BODY_PT)
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                cell.border = BORDER
            ws.cell(row=row, column=rate_col).number_format = "0.0%"
            ws.cell(row=row, column=status_col).fill = PatternFill("solid", fgColor=STATUS_FILL[t["status"]])
            fit_height(ws, row, widths)
            row += 1
        c = g["counts"]
        _put(ws, row, 1, "小计")
        _put(ws, row, 2, f"{g['no_cn']}、{g['title']}")
        _put(ws, row, 5, _counts_text(c))
        rate = _put(ws, row, rate_col, c["completion_rate"] / 100)
        rate.number_format = "0.0%"
        for col in range(1, len(COLUMNS) + 1):
            cell = ws.cell(row=row, column=col)
            cell.font = Font(name=FONT, size=BODY_PT, bold=True)
            cell.fill = PatternFill("solid", fgColor="F2F2F2")
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = BORDER
        fit_height(ws, row, widths)
        row += 1
    last = row - 1
    ws.freeze_panes = ws.cell(row=header_row + 1, column=len(TITLE_COLUMNS) + 1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(COLUMNS))}{max(last, header_row)}"
    page_setup(ws, header_row, title_cols=f"A:{get_column_letter(len(TITLE_COLUMNS))}")
    # the title goes to the page header of every page; the title rows would be cut at the repeated columns
    ws.print_area = f"A{header_row}:{get_column_letter(len(COLUMNS))}{max(last, header_row)}"
    ws.oddHeader.center.text = f"{title}（截至{fmt_date(ctx['period']['as_of'])}）"
    ws.oddHeader.center.size = BODY_PT
    ws.oddHeader.center.font = f"{FONT},Bold"
    end = len(TITLE_COLUMNS)
    for group in COLUMN_GROUPS[:-1]:  # each column group on pages of its own
        end += len(group)
        ws.col_breaks.append(Break(id=end))


# 打印版: one band a page wide, the columns a meeting reads, at 9 pt. Widths sum to what one landscape page
# holds at 100% where a width unit is 2.5 mm (LibreOffice); fit-to-width only ever shrinks a little.
PRINT_PT = 9
PRINT_LINE_PT = 12
PRINT_COLUMNS: list[tuple[str, int]] = [("编号", 6), ("任务名称", 16), ("牵头单位", 9), ("状态", 6), ("完成率", 7),
                                        ("进展情况", 46), ("存在问题和下步打算", 22)]


def _print_texts(t: dict) -> list[object]:
    progress = missing_text(t) if t["status"] in (NOT_REPORTED, NOT_ADOPTED) else t["written"] or t["progress"]
    status = "超额完成" if t["over_target"] else t["status"]
    issues = "\n".join(x for x in (t["problems"] and f"问题：{t['problems']}",
                                    t["next_steps"] and f"打算：{t['next_steps']}") if x)
    return [t["task_id"], t["name"], t["department"], status,
            None if t["rate"] is None else t["rate"] / 100, progress, issues]


def _print_sheet(ws: Worksheet, ctx: dict) -> None:
    """Every task on as few pages as reads well: about ten to a page, each text whole, grouped by heading."""
    widths = {col: w for col, (_, w) in enumerate(PRINT_COLUMNS, 1)}
    for col, (header, width) in enumerate(PRINT_COLUMNS, 1):
        c = _put(ws, 1, col, header)
        c.font = Font(name=FONT, size=PRINT_PT, bold=True)
        c.fill = PatternFill("solid", fgColor="D9E1F2")
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = BORDER
        ws.column_dimensions[get_column_letter(col)].width = width
    fit_height(ws, 1, widths, line_pt=PRINT_LINE_PT, font_pt=PRINT_PT)
    row = 2
    for g in ctx["groups"]:
        _put(ws, row, 1, f"{g['no_cn']}、{g['title']}　{_counts_text(g['counts'])}")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(PRINT_COLUMNS))
        cell = ws.cell(row=row, column=1)
        cell.font = Font(name=FONT, size=PRINT_PT, bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        fit_height(ws, row, {1: sum(widths.values())}, line_pt=PRINT_LINE_PT, font_pt=PRINT_PT)
        row += 1
        for t in g["tasks"]:
            for col, value in enumerate(_print_texts(t), 1):
                cell = _put(ws, row, col, value)
                cell.font = Font(name=FONT, size=PRINT_PT)
                cell.alignment = Alignment(vertical="top", wrap_text=True,
                                           horizontal="right" if col == 5 else None)
                cell.border = BORDER
            ws.cell(row=row, column=5).number_format = "0.0%"
            ws.cell(row=row, column=4).fill = PatternFill("solid", fgColor=STATUS_FILL[t["status"]])
            fit_height(ws, row, widths, line_pt=PRINT_LINE_PT, font_pt=PRINT_PT)
            row += 1
    ws.freeze_panes = "A2"
    page_setup(ws, 1, fit_width=True)
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.55, bottom=0.5, header=0.25, footer=0.25)
    title = f"{ctx['region']}{ctx['period']['year']}年{ctx['period']['label']}{ctx['program']}进度汇总表（打印版）"
    ws.oddHeader.center.text = f"{title}（截至{fmt_date(ctx['period']['as_of'])}）"
    ws.oddHeader.center.size = BODY_PT
    ws.oddHeader.center.font = f"{FONT},Bold"


def _stats_sheet(ws: Worksheet, ctx: dict) -> None:
    headers = ["序号", "分组", "任务数", "已完成", "序时推进", "滞后", "未启动", "未报送", "未采用", "超额完成", "完成率"]
    for col, h in enumerate(headers, 1):
        c = ws.cell(row=1, column=col, value=h)
        c.font = Font(name=FONT, bold=True)
        c.border = BORDER
        c.alignment = Alignment(horizontal="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = {"序号": 6, "分组": 26}.get(h, 9)
    rows = [(g["no"], g["title"], g["counts"]) for g in ctx["groups"]] + [("", "合计", ctx["counts"])]
    for r, (no, title, c) in enumerate(rows, 2):
        values = [no, title, c["total"], c["done"], c["on_schedule"], c["behind"], c["not_started"],
                  c["not_reported"], c["not_adopted"], c["over_target"], c["completion_rate"] / 100]
        for col, v in enumerate(values, 1):
            cell = _put(ws, r, col, v)
            cell.border = BORDER
            cell.font = Font(name=FONT, bold=title == "合计")
        ws.cell(row=r, column=len(values)).number_format = "0.0%"
        fit_height(ws, r, {2: 26})
    ws.freeze_panes = "A2"
    page_setup(ws, 1, fit_width=True)


def _issues_sheet(ws: Worksheet, ctx: dict) -> None:
    headers = [("级别", 6), ("单位", 12), ("位置", 22), ("代码", 18), ("问题", 14), ("说明", 40)]
    for col, (h, w) in enumerate(headers, 1):
        ws.cell(row=1, column=col, value=h).font = Font(name=FONT, bold=True)
        ws.column_dimensions[get_column_letter(col)].width = w
    for r, i in enumerate(ctx["issues"], 2):
        values = ("错误" if i["level"] == "error" else "提醒", i["department"], i["where"], i["code"], i["title"], i["message"])
        for col, v in enumerate(values, 1):
            _put(ws, r, col, v).alignment = Alignment(wrap_text=True, vertical="top")
        fit_height(ws, r, {col: w for col, (_, w) in enumerate(headers, 1)})
    ws.freeze_panes = "A2"
    page_setup(ws, 1, fit_width=True)
    if ctx["issues"]:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(ctx['issues']) + 1}"


def _width(text: str, least: int) -> int:
    """Column width for a header: CJK characters count double."""
    return max(least, text_width(text) + 2)


def _changes_sheet(ws: Worksheet, changes: dict, group_word: str = "分组") -> None:
    """较上期变化: every task's status and rate then and now, newly completed marked; below, the same per group.

    The per-group table's columns sit under the task table's where they mean the same thing
    (上期/本期, 完成率 then and now, 变化（百分点）, 新增完成), so the frozen header still reads right.
    """
    label = changes["previous_label"]
    headers = [("事项编号", 10), ("任务名称", 20), ("分组", 18), (f"{label}状态", 11), ("本期状态", 11),
               (f"{label}完成率", 11), ("本期完成率", 11), ("变化（百分点）", 12), ("新增完成", 9)]
    _put(ws, 1, 1, changes["summary"]).font = Font(name=FONT, bold=True)
    for col, (h, w) in enumerate(headers, 1):
        c = _put(ws, 2, col, h)
        c.font = Font(name=FONT, bold=True)
        c.border = BORDER
        ws.column_dimensions[get_column_letter(col)].width = _width(h, w)
    for r, t in enumerate(changes["tasks"], 3):
        newly = t["after"] == DONE and t["before"] != DONE
        values = [t["task_id"], t["name"], t["group"], t["before"], t["after"],
                  None if t["rate_before"] is None else t["rate_before"] / 100,
                  None if t["rate_after"] is None else t["rate_after"] / 100, t["rate_delta"], "是" if newly else ""]
        for col, v in enumerate(values, 1):
            cell = _put(ws, r, col, v)
            cell.border = BORDER
            if newly:
                cell.fill = PatternFill("solid", fgColor=STATUS_FILL[DONE])
        for col in (6, 7):
            ws.cell(row=r, column=col).number_format = "0.0%"
        fit_height(ws, r, {col: ws.column_dimensions[get_column_letter(col)].width for col in (2, 3)})
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:I{len(changes['tasks']) + 2}"
    page_setup(ws, 2, fit_width=True)
    _group_changes(ws, len(changes["tasks"]) + 4, changes, group_word)


def _group_changes(ws: Worksheet, row: int, changes: dict, group_word: str) -> None:
    """各工程完成情况变化: one row per group and 合计, starting at `row` (one empty row above)."""
    if not changes.get("groups"):
        return
    label = changes["previous_label"]
    title = _put(ws, row, 1, f"各{group_word}完成情况变化（与{label}相比）")
    title.font = Font(name=FONT, bold=True)
    headers = ["序号", group_word, "任务数", f"{label}已完成", "本期已完成", f"{label}完成率", "本期完成率",
               "变化（百分点）", "新增完成"]
    for col, h in enumerate(headers, 1):
        c = _put(ws, row + 1, col, h)
        c.font = Font(name=FONT, bold=True)
        c.fill = PatternFill("solid", fgColor="F2F2F2")
        c.border = BORDER
        c.alignment = Alignment(horizontal="center", wrap_text=True)
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, _width(h, 0))
    rows = [(cn_ordinal(i), g) for i, g in enumerate(changes["groups"], 1)]
    if changes.get("total"):
        rows.append(("", {**changes["total"], "title": "合计"}))
    for r, (no, g) in enumerate(rows, row + 2):
        values = [no, g["title"], g["total"], g["done_before"], g["done_after"],
                  None if g["rate_before"] is None else g["rate_before"] / 100, g["rate_after"] / 100,
                  g["rate_delta"], g["newly_done"]]
        for col, v in enumerate(values, 1):
            cell = _put(ws, r, col, v)
            cell.border = BORDER
            cell.font = Font(name=FONT, bold=not no)
        for col in (6, 7):
            ws.cell(row=r, column=col).number_format = "0.0%"
        ws.cell(row=r, column=8).number_format = "+0.0;-0.0;0.0"


def write_summary(ctx: dict, target, stamp: Stamp = Stamp()) -> None:
    wb = Workbook()
    wb._named_styles["Normal"].font = Font(name=FONT, size=BODY_PT)  # the width unit follows the body font
    _task_sheet(wb.active, ctx)
    wb.active.title = "进度汇总"
    _print_sheet(wb.create_sheet("打印版"), ctx)
    _stats_sheet(wb.create_sheet("分组统计"), ctx)
    if ctx["changes"]:
        _changes_sheet(wb.create_sheet("较上期变化"), ctx["changes"], ctx["group_word"])
    _issues_sheet(wb.create_sheet("校验问题"), ctx)
    save_workbook(wb, target, stamp, title=ctx["headline"])


def render(job: Job, ctx: dict | None = None) -> list[Output]:
    ctx = internal_context(job.dataset) if ctx is None else ctx
    target = job.file_name("进度汇总表", "xlsx")
    write_summary(ctx, target, job.stamp)
    return [Output("summary", "xlsx", target)]


__all__ = ["render", "write_summary", "COLUMNS"]
