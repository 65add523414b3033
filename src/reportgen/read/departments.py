"""A department progress workbook → `Submission` (rows kept, rows set aside, issues)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from ..codes import issue
from ..errors import InputError
from ..model import BEHIND, DONE, NOT_STARTED, ON_SCHEDULE, Issue, Progress, SetAside, Source, Submission
from ..numbers import parse_number, parse_percent
from .cells import is_blank_row, is_total_row, text
from .headers import DEPT_COLUMNS, DEPT_REQUIRED, find_header
from .sheets import Grid, cell_ref, column_letter, read_grids

PREFERRED_SHEET = "进展填报"
COLUMN_LABELS = {f: syns[0] for f, syns in DEPT_COLUMNS.items()}

STATUS_SYNONYMS: dict[str, str] = {
    DONE: DONE, **dict.fromkeys(("完成", "已办结", "提前完成", "超额完成", "全面完成"), DONE),
    ON_SCHEDULE: ON_SCHEDULE, **dict.fromkeys(
        ("推进中", "正常推进", "按序时推进", "超序时", "超序时进度", "进行中", "在建", "达进度"), ON_SCHEDULE),
    BEHIND: BEHIND, **dict.fromkeys(("慢序时", "推进缓慢", "进度偏慢", "欠进度"), BEHIND),
    NOT_STARTED: NOT_STARTED, **dict.fromkeys(("未开工", "未开展", "尚未启动"), NOT_STARTED),
}

TITLE_LABELS = {"填报单位": "department", "填报人": "reporter", "联系电话": "phone", "填报日期": "filled_on"}


def canonical_status(value: object) -> str | None:
    key = re.sub(r"\s", "", unicodedata.normalize("NFKC", text(value)))
    return STATUS_SYNONYMS.get(key)


def _title_block(rows: list[list[object]], header_row: int) -> dict[str, str]:
    """`填报单位：区民政局` cells above the header row (label and value may share a cell or not)."""
    found: dict[str, str] = {}
    for row in rows[:header_row]:
        cells = [text(v) for v in row]
        for i, cell in enumerate(cells):
            norm = unicodedata.normalize("NFKC", cell)
            for label, key in TITLE_LABELS.items():
                m = re.match(rf"^{label}\s*[:：]?\s*(.*)$", norm)
                if m and key not in found:
                    value = m[1].strip() or next((c for c in cells[i + 1:] if c), "")
                    if value:
                        found[key] = value
    return found


def _pick_sheet(grids: list[Grid]) -> tuple[Grid, int, dict[str, int]] | None:
    ordered = sorted(grids, key=lambda g: g.name != PREFERRED_SHEET)
    for g in ordered:
        header = find_header(g.rows, DEPT_COLUMNS, DEPT_REQUIRED)
        if header:
            return g, *header
    return None


_FILENAME_NOISE = re.compile(
    r"[（(].*?[)）]|\d{4}\s*年?|Q[1-4]|H[12]|FY|上半年|下半年|前三季度|全年|第?[一二三四1-4]季度|年度|"
    r"民心工程|民生实事|民生工程|进展情况|进展|填报表|填报|报送表|报表|汇总表|表$|[-_ —]+")


def department_from_filename(path: Path) -> str:
    """区民政局2025年上半年进展填报表.xlsx → 区民政局 (when the sheet has no 填报单位)."""
    name = _FILENAME_NOISE.sub("", unicodedata.normalize("NFKC", path.stem))
    return name or path.stem


def read_department(path: Path) -> tuple[Submission, list[Issue]]:
    """Read one workbook. Raises InputError only when the file as a whole is unusable."""
    grids = read_grids(path)
    picked = _pick_sheet(grids)
    if not picked:
        raise InputError(issue("E-SHEET-NOT-FOUND", file=path.name, required="、".join(COLUMN_LABELS[f] for f in DEPT_REQUIRED)))
    grid, hr, cols = picked
    title = _title_block(grid.rows, hr)
    dept = title.get("department") or department_from_filename(path)
    sub = Submission(department=dept, path=path, sheet=grid.name, reporter=title.get("reporter", ""),
                     phone=title.get("phone", ""), filled_on=title.get("filled_on", ""))
    where = dict(file=path.name, sheet=grid.name, department=dept)
    issues: list[Issue] = [replace(i, department=dept) for g in grids for i in g.issues]
    missing = [issue("E-COLUMN-MISSING", cell=cell_ref(hr, 0), column=COLUMN_LABELS[f], **where)
               for f in DEPT_REQUIRED if f not in cols]
    if missing:
        return sub, issues + missing

    letters = {f: column_letter(c) for f, c in cols.items()}
    for r in range(hr + 1, len(grid.rows)):
        row = grid.rows[r]
        if is_blank_row(row):
            continue
        if is_total_row(row):
            continue
        sub.rows_read += 1
        get = lambda f: row[cols[f]] if f in cols and cols[f] < len(row) else None  # noqa: E731
        at = lambda f: cell_ref(r, cols[f])  # noqa: E731
        source = Source(path.name, grid.name, r + 1)
        row_issues: list[Issue] = []

        for c in cols.values():
            if (r, c) in grid.formula_cells:
                row_issues.append(issue("E-FORMULA-NO-VALUE", cell=cell_ref(r, c), formula=grid.formula_cells[(r, c)], **where))
        task_id = unicodedata.normalize("NFKC", text(get("task_id"))).replace(" ", "")
        if not task_id:
            row_issues.append(issue("E-ID-MISSING", cell=at("task_id"), **where))
        raw_status = get("status")
        status = canonical_status(raw_status)
        if not text(raw_status):
            row_issues.append(issue("E-STATUS-MISSING", cell=at("status"), **where))
        elif status is None:
            row_issues.append(issue("E-STATUS-UNKNOWN", cell=at("status"), value=text(raw_status), **where))
        progress_text = text(get("progress_text"))
        if not progress_text:
            row_issues.append(issue("E-PROGRESS-MISSING", cell=at("progress_text"), **where))

        achieved = None
        raw_achieved = get("achieved")
        if text(raw_achieved):
            achieved = parse_number(raw_achieved)
            if achieved is None:
                row_issues.append(issue("E-NUMBER-INVALID", cell=at("achieved"), column="完成值", value=text(raw_achieved), **where))
            elif achieved.approximate:
                row_issues.append(issue("W-NUMBER-APPROX", cell=at("achieved"), column="完成值", value=text(raw_achieved),
                                        number=text(achieved.value), **where))
        rate = None
        raw_rate = get("rate")
        if text(raw_rate):
            rate = parse_percent(raw_rate, (r, cols["rate"]) in grid.percent_cells)
            if rate is None:
                row_issues.append(issue("E-PERCENT-INVALID", cell=at("rate"), value=text(raw_rate), **where))
            elif rate > 300:
                row_issues.append(issue("W-RATE-HIGH", cell=at("rate"), value=text(raw_rate), **where))

        issues.extend(row_issues)
        fatal = [i for i in row_issues if i.code in ("E-ID-MISSING", "E-STATUS-MISSING", "E-STATUS-UNKNOWN", "E-PROGRESS-MISSING")]
        if fatal:
            sub.set_aside.append(SetAside(source, task_id, dept, "；".join(i.message for i in fatal)))
            continue
        sub.rows.append(Progress(
            task_id=task_id,
            status=status,
            progress_text=progress_text,
            name=text(get("name")),
            achieved=achieved.value if achieved else None,
            achieved_text=text(raw_achieved),
            approximate=bool(achieved and achieved.approximate),
            rate=rate,
            expected=text(get("expected")),
            problems=text(get("problems")),
            next_steps=text(get("next_steps")),
            contact=text(get("contact")),
            phone=text(get("phone")),
            remarks=text(get("remarks")),
            department=dept,
            source=source,
            columns=letters,
        ))
    return sub, issues
