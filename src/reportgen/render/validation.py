"""Validation outputs: `Report` → 校验报告.xlsx (problems and the file inventory of departments/), and
退回修改/第N轮/<单位>.xlsx for each department with problems: a new round each time they change, earlier
rounds kept.

A return workbook is a copy of the department's own workbook (the original is
never touched) with every problem cell highlighted and commented, and a first
sheet 问题清单 listing the problems, ready to send back.

Only a small, well-formed .xlsx is copied with openpyxl (which loads every
cell and every merged range); .xls, .csv and workbooks that were cut or are
large are rebuilt from the values the reader kept, streamed in write-only
mode so time and memory stay bounded. If even that fails, the return workbook
holds the 问题清单 sheet alone: a department always gets its list.
"""

from __future__ import annotations

import gc
import math
import re
import shutil
import sys
from copy import copy
from datetime import date, datetime, time, timedelta
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..codes import title
from ..model import NOT_ADOPTED, NOT_REPORTED, Dataset, FileEntry, Issue, Report, Submission
from ..safetext import clean_text
from ..read.grid import MAX_COLS, ROW_CAP, cell_position
from ..read.sheets import can_edit, read_grids
from ..workbooks import print_landscape, put, save_workbook, text_width
from .files import Stamp, safe_file_name
from .pieces import cpu_count
from . import Job, Output
from .staging import RETURNS_DIR

REPORT_NAME = "校验报告.xlsx"
LISTING = "问题清单"
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
LEVEL = {"error": "错误", "warning": "提醒"}
COLUMNS = [("级别", 6), ("单位", 14), ("文件", 24), ("工作表", 10), ("单元格", 8), ("代码", 24), ("问题", 18),
           ("说明", 80)]
PARALLEL_MIN = 24  # from this many return workbooks on, worker processes share the work
_CELL = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")


def _clean(value: object) -> object:
    """Text without the control characters an .xlsx cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _listing_values(i: Issue) -> tuple:
    return tuple(_clean(v) for v in (LEVEL[i.level], i.department, i.file, i.sheet, i.cell, i.code, title(i.code),
                                     i.message))


def _listing_title(issues: list[Issue]) -> str:
    return f"请按以下问题修改后重新报送（共{len(issues)}条；标红为错误，标黄为提醒）"


_WRAP = Alignment(wrap_text=True, vertical="top")
_LOOKS = {
    "title": dict(font=Font(bold=True, size=13)),
    "header": dict(font=Font(bold=True)),
    "text": dict(alignment=_WRAP),
    "error": dict(alignment=_WRAP, fill=ERROR_FILL),
    "warning": dict(alignment=_WRAP, fill=WARNING_FILL),
}


def _write_listing(ws, issues: list[Issue], title: str = "") -> None:
    """[a title row,] a header row and one row per issue, appended to an empty sheet; the same on a normal
    and a write-only sheet. Each look is set once and its style copied (setting styles cell by cell
    costs seconds for ten thousand problems)."""
    start = 2 if title else 1
    for col, (_, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"A{start + 1}"
    print_landscape(ws, start)
    if issues:
        ws.auto_filter.ref = f"A{start}:{get_column_letter(len(COLUMNS))}{start + len(issues)}"
    styles: dict[str, object] = {}

    def cell(value, look: str):
        c = WriteOnlyCell(ws, _clean(value))
        if isinstance(value, str):
            c.data_type = "s"  # text stays text: =… never becomes a formula
        if look in styles:
            c._style = copy(styles[look])
        else:
            for attr, v in _LOOKS[look].items():
                setattr(c, attr, v)
            styles[look] = c._style
        return c

    if title:
        ws.append([cell(title, "title")])
    ws.append([cell(label, "header") for label, _ in COLUMNS])
    for i in issues:
        level, *rest = _listing_values(i)
        ws.append([cell(level, "error" if i.is_error else "warning"), *(cell(v, "text") for v in rest)])


INVENTORY = "文件清单"
INVENTORY_COLUMNS = [("文件", 36), ("状态", 10), ("单位", 16), ("读取行数", 9), ("说明", 80)]


def _write_inventory(ws, files: list[FileEntry]) -> None:
    """Every file under departments/ and what became of it."""
    for col, (label, width) in enumerate(INVENTORY_COLUMNS, 1):
        put(ws, 1, col, label).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    print_landscape(ws, 1)
    for r, f in enumerate(files, 2):
        rows = f.rows if f.status in ("read", "superseded", "conflict") else ""
        for col, v in enumerate((f.name, f.status_label, f.department, rows, f.reason), 1):
            c = put(ws, r, col, _clean(v))
            c.alignment = _WRAP
            if col == 2 and f.status != "read":
                c.fill = ERROR_FILL if f.status in ("unreadable", "conflict") else WARNING_FILL
        lines = max(math.ceil(text_width(f.reason) / (INVENTORY_COLUMNS[-1][1] - 2)), 1)
        ws.row_dimensions[r].height = 15 * min(lines, 6) + 3  # Excel does not grow rows a program wrote


MISSING_SHEET = "未报送与未采用"


def _missing_sheet(ws, ds: Dataset) -> None:
    """Every task without accepted progress: 未报送 (nothing came) apart from 未采用 (sent, set aside: why)."""
    c = ds.counts
    put(ws, 1, 1, f"共{c.total}项任务：已采用进展{c.reported}项，未报送{c.not_reported}项，未采用{c.not_adopted}项。"
                  "未报送＝没有收到该任务的进展；未采用＝报送了，但因下列原因未能采用。").font = Font(bold=True)
    headers = (("事项编号", 10), ("任务名称", 24), ("牵头单位", 16), ("情况", 8), ("说明", 80))
    for col, (label, width) in enumerate(headers, 1):
        put(ws, 2, col, label).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    r = 3
    for m in ds.tasks:
        if m.status == NOT_REPORTED:
            why = "本期没有收到该任务的进展"
        elif m.status == NOT_ADOPTED:
            why = m.set_aside_reason or "报送的行均未采用"
        else:
            continue
        for col, v in enumerate((m.task.task_id, m.task.name, m.task.lead, m.status, why), 1):
            put(ws, r, col, _clean(v)).alignment = _WRAP
        r += 1
    ws.freeze_panes = "A3"


def write_report(report: Report, target: Path, ds: Dataset | None = None, files: list[FileEntry] = ()) -> None:
    """校验报告.xlsx; with the dataset, the office and the period's date are its author and dates."""
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    by_dept: dict[str, list[Issue]] = {}
    for i in report.issues:
        by_dept.setdefault(i.department or "（全局）", []).append(i)
    for col, (label, width) in enumerate((("单位", 20), ("错误", 8), ("提醒", 8)), 1):
        put(summary, 1, col, label).font = Font(bold=True)
        summary.column_dimensions[get_column_letter(col)].width = width
    for r, (dept, items) in enumerate(by_dept.items(), 2):
        errors = sum(i.is_error for i in items)
        for col, v in enumerate((_clean(dept), errors, len(items) - errors), 1):
            put(summary, r, col, v)
    _write_listing(wb.create_sheet("问题明细"), report.issues)
    _write_inventory(wb.create_sheet(INVENTORY), list(files))
    if ds is not None:
        _missing_sheet(wb.create_sheet(MISSING_SHEET), ds)
    save_workbook(wb, target, Stamp.of(ds.config, ds.period) if ds is not None else Stamp())


# ---- marks: which cell gets which comment ------------------------------------------

class _Mark:
    __slots__ = ("texts", "error")

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.error = False

    def add(self, i: Issue, shown_at: str) -> None:
        where = "" if shown_at == i.cell else f"{i.cell}："
        self.texts.append(_clean(f"【{LEVEL[i.level]}】{where}{i.message}"))
        self.error = self.error or i.is_error

    def apply(self, cell) -> None:
        cell.fill = ERROR_FILL if self.error else WARNING_FILL
        cell.comment = Comment("\n".join(self.texts), "reportgen", width=320, height=120)


def _position(ref: str) -> tuple[int, int] | None:
    """"C4" → (3, 2), 0-based; None for what is not one cell inside the grids the reader keeps."""
    pos = cell_position(ref) if _CELL.fullmatch(ref or "") else None
    if pos is None or pos[0] >= ROW_CAP or pos[1] >= MAX_COLS:
        return None
    return pos


# ---- the three ways to make a return workbook ---------------------------------------

def _edited_copy(path: Path, issues: list[Issue]) -> Workbook:
    """The department's own workbook, formatting kept; a problem inside a merged range is shown on its top-left cell."""
    with path.open("rb") as f:  # a file object: openpyxl would refuse an .xlsx renamed to .xls by its name
        wb = load_workbook(f)
    _forget_earlier_round(wb)
    marks: dict[tuple[str, str], _Mark] = {}
    merged: dict[str, list] = {}
    for i in issues:
        if i.sheet not in wb.sheetnames or _position(i.cell) is None:
            continue
        ws = wb[i.sheet]
        if i.sheet not in merged:
            merged[i.sheet] = list(ws.merged_cells.ranges)
        at = next((rng.start_cell.coordinate for rng in merged[i.sheet] if i.cell in rng), i.cell)
        marks.setdefault((i.sheet, at), _Mark()).add(i, at)
    for (sheet, at), mark in marks.items():
        mark.apply(wb[sheet][at])
    _write_listing(wb.create_sheet(LISTING, 0), issues, _listing_title(issues))
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == LISTING
    return wb


def _forget_earlier_round(wb: Workbook) -> None:
    """A return workbook sent back in again: its old 问题清单, comments and highlights go, the new ones come."""
    if LISTING in wb.sheetnames:
        wb.remove(wb[LISTING])
    for ws in wb.worksheets:
        for cell in list(ws._cells.values()):
            if cell.comment is not None and cell.comment.author == "reportgen":
                cell.comment = None
                if cell.fill == ERROR_FILL or cell.fill == WARNING_FILL:  # (a style proxy: `in` would not match)
                    cell.fill = PatternFill()


def _sheet_titles(names: list[str]) -> dict[str, str]:
    """Sheet names (a CSV's file name, say) → valid, distinct titles: ≤ 31 characters, none of []:*?/\\."""
    titles: dict[str, str] = {}
    taken = {LISTING.casefold()}
    for name in names:
        base = re.sub(r"[\[\]:*?/\\]", "_", ILLEGAL_CHARACTERS_RE.sub("", name)).strip("' ")[:31] or "Sheet"
        title, n = base, 2
        while title.casefold() in taken:
            title = f"{base[:31 - len(str(n)) - 2]}({n})"
            n += 1
        taken.add(title.casefold())
        titles[name] = title
    return titles


def _plain(value: object) -> object:
    if value is None or isinstance(value, (bool, int, float, datetime, date, time, timedelta)):
        return value
    return _clean(str(value))


def _rebuilt_copy(path: Path, issues: list[Issue]) -> Workbook:
    """The values the reader kept (bounded rows and columns), streamed; problem cells marked."""
    grids = [g for g in read_grids(path) if g.name != LISTING]  # a 问题清单 is ours, from an earlier round
    titles = _sheet_titles([g.name for g in grids])
    marks: dict[str, dict[int, dict[int, _Mark]]] = {}
    for i in issues:
        pos = _position(i.cell)
        if i.sheet in titles and pos is not None:
            marks.setdefault(i.sheet, {}).setdefault(pos[0], {}).setdefault(pos[1], _Mark()).add(i, i.cell)
    wb = Workbook(write_only=True)
    listing = wb.create_sheet(LISTING)
    listing.sheet_view.tabSelected = True
    _write_listing(listing, issues, _listing_title(issues))
    for g in grids:
        ws = wb.create_sheet(titles[g.name])
        sheet_marks = marks.get(g.name, {})
        for r in range(max(len(g.rows), max(sheet_marks, default=-1) + 1)):
            values = g.rows[r] if r < len(g.rows) else []
            row_marks = sheet_marks.get(r, {})
            out: list[object] = []
            for c in range(max(len(values), max(row_marks, default=-1) + 1)):
                v = _plain(values[c]) if c < len(values) else None
                if c in row_marks or (isinstance(v, str) and v.startswith("=")):
                    cell = WriteOnlyCell(ws, v)
                    if isinstance(v, str):
                        cell.data_type = "s"  # text stays text: =… never becomes a formula
                    if c in row_marks:
                        row_marks[c].apply(cell)
                    v = cell
                out.append(v)
            ws.append(out)
    return wb


def _listing_only(issues: list[Issue]) -> Workbook:
    wb = Workbook()
    listing = wb.active
    listing.title = LISTING
    _write_listing(listing, issues, _listing_title(issues))
    return wb


def write_return(path: Path, issues: list[Issue], target: Path, editable: bool | None = None,
                 stamp: Stamp = Stamp()) -> None:
    """The return workbook for one department file; never raises for what the file holds."""
    if editable is None:
        editable = can_edit(path)
    makers = ([lambda: _edited_copy(path, issues)] if editable else []) + [lambda: _rebuilt_copy(path, issues)]
    for make in makers:
        try:
            save_workbook(make(), target, stamp)
            return
        except Exception:  # noqa: BLE001 - a file the reader accepted can still trip openpyxl: try the next way
            continue
    save_workbook(_listing_only(issues), target, stamp)


# ---- file names and the rounds ----------------------------------------------------------

def return_names(submissions: list[Submission]) -> dict[Path, str]:
    """A return workbook's file name for each submission: its department's name; when one department has
    several files, the department and the file it is a copy of (区教育局（区教育局.xls）). Distinct, and
    never a path (`safe_file_name`)."""
    bases = {s.path: safe_file_name(s.department) or safe_file_name(s.path.stem) or "单位" for s in submissions}
    count: dict[str, int] = {}
    for base in bases.values():
        count[base.casefold()] = count.get(base.casefold(), 0) + 1
    names: dict[Path, str] = {}
    taken: set[str] = set()
    for s in submissions:
        base = bases[s.path]
        name = base if count[base.casefold()] == 1 else f"{base}（{safe_file_name(s.path.name)}）"
        unique, n = name, 2
        while unique.casefold() in taken:
            unique, n = f"{name}（{n}）", n + 1
        taken.add(unique.casefold())
        names[s.path] = unique
    return names


_ROUND = re.compile(r"第(\d{1,6})轮")


def round_folder(n: int) -> str:
    return f"第{n}轮"


def latest_round(folder: Path) -> int:
    """The number of the last round of return workbooks under 退回修改/ (0 when there is none)."""
    if not folder.is_dir():
        return 0
    found = [int(m[1]) for p in folder.iterdir() if p.is_dir() and (m := _ROUND.fullmatch(p.name))]
    return max(found, default=0)


def _same_files(a: Path, b: Path) -> bool:
    files = lambda d: {p.name: p for p in d.iterdir() if p.is_file()}  # noqa: E731
    fa, fb = files(a), files(b)
    return fa.keys() == fb.keys() and all(fa[k].read_bytes() == fb[k].read_bytes() for k in fa)


def _write_batch(jobs: list[tuple]) -> list[str]:
    """Worker process: write some return workbooks; the targets written."""
    done = []
    for job in jobs:
        write_return(*job)
        done.append(str(job[2]))
    return done


def _workers(jobs: int):
    """A process pool context and its size when the work is worth sharing; None to write here.

    Only where processes can be forked (Linux): a forked worker starts at once and never re-runs the
    caller's script, which spawned workers would do to a script without an `if __name__ == "__main__"` guard."""
    if jobs < PARALLEL_MIN or not sys.platform.startswith("linux"):
        return None
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    n = min(cpu_count(), 4)
    return (multiprocessing.get_context("fork"), n) if n > 1 else None


def _write_all(jobs: list[tuple]) -> None:
    """In worker processes when there are many (openpyxl is pure Python: one core each), else here.
    Anything the pool fails to do is done here."""
    done: set[str] = set()
    pool = _workers(len(jobs))
    if pool is not None:
        from concurrent.futures import ProcessPoolExecutor

        context, n = pool
        batches = [jobs[k::n * 4] for k in range(n * 4)]
        try:  # gc.freeze: the collector in a worker leaves the objects it inherited alone (faster, fewer copied pages)
            with ProcessPoolExecutor(n, mp_context=context, initializer=gc.freeze) as executor:
                for written in executor.map(_write_batch, [b for b in batches if b]):
                    done.update(written)
        except Exception:  # noqa: BLE001 - no processes here (sandbox, resources, a worker killed): write them here
            pass
    for job in jobs:
        if str(job[2]) not in done:
            write_return(*job)


def write_returns(submissions: list[Submission], report: Report, folder: Path, stamp: Stamp = Stamp()) -> list[Path]:
    """One return workbook per department file with problems, in `folder`."""
    shown = {clean_text(s.path.name): s for s in submissions}
    by_file: dict[str, list[Issue]] = {}
    for i in report.issues:
        if i.file in shown:
            by_file.setdefault(i.file, []).append(i)
    subs = [shown[f] for f in by_file]
    names = return_names(subs)
    if subs:
        folder.mkdir(parents=True, exist_ok=True)
    jobs = [(s.path, by_file[f], folder / f"{names[s.path]}.xlsx", can_edit(s.path), stamp) for f, s in zip(by_file, subs)]
    _write_all(jobs)
    return [job[2] for job in jobs]


def write_round(submissions: list[Submission], report: Report, folder: Path, stamp: Stamp = Stamp()) -> list[Path]:
    """This run's return workbooks as a new round 退回修改/第N轮/; earlier rounds stay as they are. When the
    workbooks come out exactly as the last round's (nothing changed since), that round is this run's."""
    last = latest_round(folder)
    target = folder / round_folder(last + 1)
    paths = write_returns(submissions, report, target, stamp)
    previous = folder / round_folder(last)
    if paths and last and previous.is_dir() and _same_files(target, previous):
        shutil.rmtree(target)
        return [previous / p.name for p in paths]
    return paths


def render(job: Job) -> list[Output]:
    ds = job.dataset
    report_path = job.outdir / REPORT_NAME
    write_report(ds.report, report_path, ds, ds.files)
    outputs = [Output("validation-report", "xlsx", report_path)]
    for path in write_round(ds.submissions, ds.report, job.outdir / RETURNS_DIR, job.stamp):
        outputs.append(Output("return", "xlsx", path))
    return outputs
