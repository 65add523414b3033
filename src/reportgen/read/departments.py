"""A department progress workbook → `Submission` (rows kept, rows set aside, issues)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from ..codes import issue
from ..errors import InputError
from ..model import BEHIND, DONE, NOT_STARTED, ON_SCHEDULE, Issue, Progress, SetAside, Source, Submission
from ..numbers import fmt_num, parse_number, parse_percent
from ..safetext import clean_text, join_reasons
from .cells import filled, is_blank_row, row_kind, text
from .grid import Grid, cell_ref, column_letter
from .headers import DEPT_COLUMNS, DEPT_REQUIRED, HEADER_SCAN_ROWS, Header, find_header, normalize_header
from .sheets import read_grids
from .stamp import read_period_stamp

PREFERRED_SHEET = "进展填报"
LISTING = "问题清单"  # the first sheet of our return workbooks (render/validation.py), never data
COLUMN_LABELS = {f: syns[0] for f, syns in DEPT_COLUMNS.items()}
TEXT_WARN = 2000  # characters in one cell: a warning above this
TEXT_MAX = 10000  # and the row refused above this (well below Excel's 32,767, so no writer ever cuts a text)
# what a department types; the task's own columns (编号, 名称) come pre-filled in a blank template
TYPED_FIELDS = ("status", "progress_text", "achieved", "rate", "expected", "problems", "next_steps", "contact",
                "phone", "remarks")
FATAL_ROW_CODES = ("E-ID-MISSING", "E-STATUS-MISSING", "E-STATUS-UNKNOWN", "E-PROGRESS-MISSING", "E-TEXT-TOO-LONG")

STATUS_SYNONYMS: dict[str, str] = {
    DONE: DONE, **dict.fromkeys(("完成", "已办结", "提前完成", "超额完成", "全面完成"), DONE),
    ON_SCHEDULE: ON_SCHEDULE, **dict.fromkeys(
        ("推进中", "正常推进", "按序时推进", "超序时", "超序时进度", "进行中", "在建", "达进度"), ON_SCHEDULE),
    BEHIND: BEHIND, **dict.fromkeys(("慢序时", "推进缓慢", "进度偏慢", "欠进度"), BEHIND),
    NOT_STARTED: NOT_STARTED, **dict.fromkeys(("未开工", "未开展", "尚未启动"), NOT_STARTED),
}

TITLE_LABELS = {"填报单位": "department", "报送单位": "department", "填报部门": "department", "单位名称": "department",
                "填报人": "reporter", "填表人": "reporter", "联系电话": "phone", "电话": "phone", "手机": "phone",
                "填报日期": "filled_on", "填表日期": "filled_on", "报送日期": "filled_on"}
# labels that end a value without being read themselves
OTHER_LABELS = ("联系人", "审核人", "负责人", "单位负责人", "主要负责人", "分管领导", "制表人", "日期")
_LABELS = "|".join(sorted({*TITLE_LABELS, *OTHER_LABELS}, key=len, reverse=True))
_LABEL = re.compile(rf"(?P<label>{_LABELS})\s*(?P<note>[(\[【][^()\[\]【】]{{0,12}}[)\]】])?\s*(?P<colon>[:：])?")
_SEPARATORS = " \t,;，；|/、"
_STAMP = re.compile(r"\s*[(\[【]\s*(?:单位)?(?:盖章|公章|签章|签字|章)\s*[)\]】]\s*")


def canonical_status(value: object) -> str | None:
    key = re.sub(r"\s", "", unicodedata.normalize("NFKC", text(value)))
    return STATUS_SYNONYMS.get(key)


def _labelled(cell: str) -> list[tuple[str, str]]:
    """`填报单位（盖章）：区民政局  填报人：王某` → [(填报单位, 区民政局), (填报人, 王某)].

    The first label must open the cell; a later one counts when it follows a space or a
    separator, or when a colon follows it. A value ends where the next label begins."""
    marks = []
    for m in _LABEL.finditer(cell):
        if not marks and cell[:m.start()].strip():
            return []
        if marks and m.start() < marks[-1].end():
            continue
        if not marks or m["colon"] or cell[m.start() - 1] in _SEPARATORS:
            marks.append(m)
    return [(m["label"], cell[m.end():nxt.start() if nxt else len(cell)].strip(_SEPARATORS + ":："))
            for m, nxt in zip(marks, [*marks[1:], None])]


def _title_block(rows: list[list[object]], header_row: int) -> dict[str, str]:
    """`填报单位：区民政局` cells above the header row (label and value may share a cell or not;
    several labels may share one cell; a bracketed note may sit between label and colon)."""
    found: dict[str, str] = {}
    for row in rows[:header_row]:
        cells = [unicodedata.normalize("NFKC", text(v)).strip() for v in row]
        for i, cell in enumerate(cells):
            if i and cell == cells[i - 1]:
                continue  # a merged cell filled across
            pairs = _labelled(cell)
            for j, (label, value) in enumerate(pairs):
                key = TITLE_LABELS.get(label)
                if not key or key in found:
                    continue
                if not value and j == len(pairs) - 1:  # the value is in the next cell
                    value = next((c for c in cells[i + 1:] if c and c != cell), "")
                    if _labelled(value):
                        value = ""
                value = _STAMP.sub("", value).strip(_SEPARATORS + ":：")
                if value:
                    found[key] = value
    return found


def _tables(grids: list[Grid]) -> tuple[list[tuple[Grid, Header]], list[Grid]]:
    """The sheets holding a progress table (进展填报 first, then the workbook's order), and the sheets
    that look like one but have no header the reader can use (a continuation without its header row,
    a header with renamed columns). A 问题清单 sheet is ours, from a return workbook sent back in."""
    tables, refused = [], []
    for g in sorted(grids, key=lambda g: g.name != PREFERRED_SHEET):
        if g.name == LISTING:
            continue
        header = find_header(g.rows, DEPT_COLUMNS, DEPT_REQUIRED)
        if header:
            tables.append((g, header))
        elif _looks_like_progress(g):
            refused.append(g)
    return tables, refused


_KEY_LABELS = {syn for f in DEPT_REQUIRED for syn in DEPT_COLUMNS[f]}


def _looks_like_progress(grid: Grid) -> bool:
    """Named like a progress sheet (进展…, …（续）) and not empty, or a key header label in its first rows."""
    if any(w in grid.name for w in ("进展", "续")) and any(filled(row) for row in grid.rows):
        return True
    return any(normalize_header(c) in _KEY_LABELS for row in grid.rows[:HEADER_SCAN_ROWS] for c in row if c)


_FILENAME_NOISE = re.compile(
    r"[（(].*?[)）]|\d{4}\s*年?|Q[1-4]|H[12]|FY|上半年|下半年|前三季度|全年|第?[一二三四1-4]季度|年度|"
    r"民心工程|民生实事|民生工程|进展情况|进展|填报表|填报|报送表|报表|汇总表|表$|[-_ —]+")


def department_from_filename(path: Path) -> str:
    """区民政局2025年上半年进展填报表.xlsx → 区民政局 (when the sheet has no 填报单位)."""
    stem = clean_text(path.stem)
    name = _FILENAME_NOISE.sub("", unicodedata.normalize("NFKC", stem))
    return name or stem


def _task_id(value: object) -> tuple[str, str]:
    """(事项编号, the date Excel made of it): 01-03 typed into a General cell comes back as 2025-01-03."""
    if isinstance(value, (date, datetime)):
        return f"{value.month:02d}-{value.day:02d}", text(value)
    return unicodedata.normalize("NFKC", text(value)).replace(" ", ""), ""


def read_department(path: Path) -> tuple[Submission, list[Issue]]:
    """Read one workbook: every sheet holding a progress table (a second sheet such as 进展填报（续）
    too); a sheet that looks like one but cannot be read is reported by name. Raises InputError only
    when the file as a whole is unusable.

    Every data row is counted in `rows_read` and ends up in `rows` or in `set_aside` with its
    reason. Not data: blank rows (a 序号 alone counts as blank), 合计 rows, and footer notes
    (注：…, 审核人：…), which are reported in one warning so that nothing vanishes unseen."""
    name = clean_text(path.name)
    grids = read_grids(path)
    tables, refused = _tables(grids)
    required = "、".join(COLUMN_LABELS[f] for f in DEPT_REQUIRED)
    if not tables:
        raise InputError(issue("E-SHEET-NOT-FOUND", file=name, required=required))
    grid, header = tables[0]
    title = _title_block(grid.rows, header.row)
    for g, h in tables[1:]:
        for key, value in _title_block(g.rows, h.row).items():
            title.setdefault(key, value)
    dept = title.get("department") or department_from_filename(path)
    sub = Submission(department=dept, path=path, sheet=grid.name, reporter=title.get("reporter", ""),
                     phone=title.get("phone", ""), filled_on=title.get("filled_on", ""))
    issues: list[Issue] = [replace(i, department=dept) for g in grids for i in g.issues]
    for g in refused:
        issues.append(issue("E-SHEET-NOT-READ", file=name, sheet=g.name, department=dept, main=grid.name,
                            why=f"在前{HEADER_SCAN_ROWS}行中找不到完整的表头", required=required))
    for n, (g, h) in enumerate(tables):
        last_data = _read_table(sub, g, h, name, issues)
        if n == 0:
            sub.append_cell = _append_cell(g.rows, h, last_data)
    sub.titles = _titles(grids, grid, header.row)
    sub.period_stamp = read_period_stamp(path)
    return sub, issues


def _read_table(sub: Submission, grid: Grid, header: Header, name: str, issues: list[Issue]) -> int | None:
    """The data rows of one sheet into `sub`; returns the index of the last data row."""
    hr, cols, ignore = header.row, header.columns, header.ignored
    dept = sub.department
    where = dict(file=name, sheet=grid.name, department=dept)
    first_col = min(cols.values())
    missing = [COLUMN_LABELS[f] for f in DEPT_REQUIRED if f not in cols]
    issues += [issue("E-COLUMN-MISSING", cell=cell_ref(hr, first_col), column=c, **where) for c in missing]
    missing_reason = "缺少必填列" + "、".join(f"“{c}”" for c in missing) + "，本表的行都未能读取"

    letters = {f: column_letter(c) for f, c in cols.items()}
    notes: list[int] = []
    last_data = None
    for r in range(header.data_start, len(grid.rows)):
        row = grid.rows[r]
        kind = row_kind(row, ignore)
        if kind in ("blank", "total"):
            continue
        if kind == "note":
            notes.append(r)
            continue
        last_data = r
        sub.rows_read += 1
        get = lambda f: row[cols[f]] if f in cols and cols[f] < len(row) else None  # noqa: E731
        at = lambda f: cell_ref(r, cols[f])  # noqa: E731
        source = Source(name, grid.name, r + 1)
        task_id, id_date = _task_id(get("task_id"))
        if any(text(get(f)) for f in TYPED_FIELDS):
            sub.filled += 1
        if missing:
            sub.set_aside.append(SetAside(source, task_id, dept, missing_reason))
            continue
        row_issues: list[Issue] = []

        for c in cols.values():
            if (r, c) in grid.formula_cells:
                row_issues.append(issue("E-FORMULA-NO-VALUE", cell=cell_ref(r, c), formula=grid.formula_cells[(r, c)], **where))
        for f in cols:
            length = len(text(get(f)))
            if length > TEXT_MAX:
                row_issues.append(issue("E-TEXT-TOO-LONG", cell=at(f), column=COLUMN_LABELS[f], length=length,
                                        limit=TEXT_MAX, **where))
            elif length > TEXT_WARN:
                row_issues.append(issue("W-TEXT-LONG", cell=at(f), column=COLUMN_LABELS[f], length=length,
                                        limit=TEXT_WARN, **where))
        if not task_id:
            row_issues.append(issue("E-ID-MISSING", cell=at("task_id"), **where))
        raw_status = get("status")
        status = canonical_status(raw_status)
        if not text(raw_status):
            row_issues.append(issue("E-STATUS-MISSING", cell=at("status"), **where))
        elif status is None:
            row_issues.append(issue("E-STATUS-UNKNOWN", cell=at("status"), value=_short(text(raw_status), 40), **where))
        progress_text = text(get("progress_text"))
        if not progress_text:
            row_issues.append(issue("E-PROGRESS-MISSING", cell=at("progress_text"), **where))

        achieved = None
        raw_achieved = get("achieved")
        if text(raw_achieved):
            achieved = parse_number(raw_achieved)
            if achieved is None:
                row_issues.append(issue("E-NUMBER-INVALID", cell=at("achieved"), column="完成值",
                                        value=_short(text(raw_achieved), 40), **where))
            elif achieved.approximate:
                row_issues.append(issue("W-NUMBER-APPROX", cell=at("achieved"), column="完成值", value=text(raw_achieved),
                                        number=fmt_num(achieved.value), **where))
        rate = None
        raw_rate = get("rate")
        if text(raw_rate):
            rate = parse_percent(raw_rate, (r, cols["rate"]) in grid.percent_cells)
            if rate is None:
                row_issues.append(issue("E-PERCENT-INVALID", cell=at("rate"), value=_short(text(raw_rate), 40), **where))

        issues.extend(row_issues)
        row = Progress(
            task_id=task_id,
            status=status or "",
            progress_text=progress_text,
            name=text(get("name")),
            achieved=achieved.value if achieved else None,
            achieved_text=text(raw_achieved),
            approximate=bool(achieved and achieved.approximate),
            rate=rate,
            rate_text=text(raw_rate),
            task_id_date=id_date,
            expected=text(get("expected")),
            problems=text(get("problems")),
            next_steps=text(get("next_steps")),
            contact=text(get("contact")),
            phone=text(get("phone")),
            remarks=text(get("remarks")),
            department=dept,
            source=source,
            columns=letters,
        )
        fatal = [i for i in row_issues if i.code in FATAL_ROW_CODES]
        if fatal:  # kept beside the reason, so its figures are checked too: every finding of the row in one round
            sub.set_aside.append(SetAside(source, task_id, dept, join_reasons(i.message for i in fatal),
                                          row=row if task_id else None))
            continue
        sub.rows.append(row)
    if notes:
        first = notes[0]
        col = filled(grid.rows[first])[0][0]
        issues.append(issue("W-ROW-NOTE", cell=cell_ref(first, col), rows="、".join(str(r + 1) for r in notes),
                            value=_short(text(grid.rows[first][col])), **where))
    return last_data


def _titles(grids: list[Grid], picked: Grid, header_row: int) -> list[tuple[str, str, str]]:
    """(sheet, cell, text) of the lines that may name the period: the picked sheet's rows above its
    header first, then the first row of every other sheet (a 问题清单 left from an earlier round)."""
    found = []
    for g in [picked, *(g for g in grids if g is not picked)]:
        for r in range(min(header_row if g is picked else 1, len(g.rows))):
            for c, value in enumerate(g.rows[r]):
                t = text(value)
                if t and not (c and value == g.rows[r][c - 1]):  # a merged title filled across: once
                    found.append((g.name, cell_ref(r, c), t[:200]))
    return found


def _short(s: str, n: int = 20) -> str:
    return s if len(s) <= n else s[:n] + "…"


def _append_cell(rows: list[list[object]], header: Header, last_data: int | None) -> str:
    """Where a forgotten task would go: the 事项编号 cell of the empty row right below the table,
    else (a 合计 or a note follows the table) the 事项编号 header cell."""
    col = header.columns["task_id"]
    below = header.data_start if last_data is None else last_data + 1
    if below >= len(rows) or is_blank_row(rows[below]):
        return cell_ref(below, col)
    return cell_ref(header.row, col)
