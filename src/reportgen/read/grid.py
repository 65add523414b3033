"""What every workbook reader shares: the `Grid` a sheet becomes, the limits, the errors.

Takes: cell values from whichever reader (.xlsx, .xls, .csv), and the file's path for messages.
Returns: `Grid`s (one sheet: rows of plain values from A1, percent cells, formulas without a
value, problems found while reading), cut at `ROW_CAP` rows and `MAX_COLS` columns, merged
ranges filled; `InputError`s with a clear Chinese message for a file that must not be read.
Everything downstream sees `Grid`s and never a library object.

Imports nothing from the other reader modules (package, xlsx, sheets import it).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..codes import issue
from ..errors import InputError
from ..model import Issue
from ..safetext import clean_text, has_unsafe, unsafe_chars

MAX_ROWS = 5000  # data rows per sheet; a department never has more tasks than this
ROW_CAP = MAX_ROWS + 20  # rows read per sheet: data rows plus a title block and the header
MAX_COLS = 200  # columns read per sheet; content further right refuses the file
FAR_ROWS = 20  # rows with content below ROW_CAP: up to this many are stray cells far from the table, more are too many rows
MERGE_BUDGET = 2_000_000  # cells filled from merged ranges per sheet
CONTROL_ISSUES = 50  # cells with control characters reported one by one per sheet; the rest in one issue
CHUNK = 1 << 16  # bytes read at a time from a package part


@dataclass
class Grid:
    """One sheet: rows of cell values; `rows[0]` is Excel row 1."""

    name: str
    rows: list[list[object]]
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # 0-based cells formatted as percent
    formula_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # formulas with no cached value
    issues: list[Issue] = field(default_factory=list)  # problems found while reading (formulas, truncation)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


def cell_ref(row_index: int, col_index: int) -> str:
    """0-based indices → A1 reference."""
    return f"{column_letter(col_index)}{row_index + 1}"


# ---- errors --------------------------------------------------------------------

_REF = re.compile(r"([A-Za-z]*)([0-9]+)")
FAR = 1 << 40  # a position beyond every cap, for references too long to compute


def cell_position(ref: str) -> tuple[int, int] | None:
    """The inverse of `cell_ref`: "B3" → (2, 1); "5" (a row only) → (4, -1); None when malformed.
    Absurdly long references become `FAR` away."""
    m = _REF.fullmatch(ref.strip())
    if not m:
        return None
    letters, digits = m.groups()
    row = int(digits) if len(digits) <= 9 else FAR
    if row < 1:
        return None
    if len(letters) > 4:
        col = FAR
    else:
        col = 0
        for ch in letters.upper():
            col = col * 26 + ord(ch) - 64
    return row - 1, col - 1


def unreadable(path: Path, detail: str) -> InputError:
    return InputError(issue("E-FILE-UNREADABLE", file=path.name, detail=detail))


def too_large(path: Path, detail: str, sheet: str = "", cell: str = "") -> InputError:
    return InputError(issue("E-FILE-TOO-LARGE", file=path.name, sheet=sheet, cell=cell, detail=detail))


def encrypted(path: Path) -> InputError:
    return InputError(issue("E-FILE-ENCRYPTED", file=path.name))


def why(e: BaseException) -> str:
    """A library exception as a short Chinese reason; the English text is kept out of the message."""
    return f"文件内容已损坏或格式不受支持，无法解析；技术信息：{type(e).__name__}"


# ---- finishing a grid ------------------------------------------------------------

def cap(grid: Grid, path: Path) -> None:
    """Rows past `ROW_CAP` are dropped, with an E-ROWS-TOO-MANY issue on the grid."""
    if len(grid.rows) > ROW_CAP:
        del grid.rows[ROW_CAP:]
        grid.issues.append(issue("E-ROWS-TOO-MANY", file=path.name, sheet=grid.name, cell=cell_ref(ROW_CAP, 0),
                                 limit=MAX_ROWS))


def past_cap(grid: Grid, path: Path, first: str, rows: int) -> None:
    """What lies below the row cap (unread), said once at its first cell `first`: a few stray cells far
    from the table (`rows` rows holding something, at most FAR_ROWS) are that cell; more are too many rows."""
    where = dict(file=path.name, sheet=grid.name, cell=first)
    if rows > FAR_ROWS:
        grid.issues.append(issue("E-ROWS-TOO-MANY", limit=MAX_ROWS, **where))
        return
    position = cell_position(first)
    row = position[0] + 1 if position else ROW_CAP + 1
    more = f"；它下面还有{rows - 1}行也有内容，同样未读取" if rows > 1 else ""
    grid.issues.append(issue("W-CELL-TOO-FAR", row=row, limit=ROW_CAP, more=more, **where))


def clean(grid: Grid, path: Path) -> None:
    """The reader's boundary: control and bidi-control characters leave every text cell and the sheet
    name here (see safetext.py), each cell reported once, so no writer downstream ever sees them."""
    if has_unsafe(grid.name):
        grid.issues.append(issue("W-TEXT-CONTROL", file=path.name, sheet=grid.name,
                                 chars="、".join(unsafe_chars(grid.name)) + "，在工作表名称中"))
        grid.name = clean_text(grid.name)
    found: list[tuple[int, int, list[str]]] = []
    for r, row in enumerate(grid.rows):
        for c, v in enumerate(row):
            if isinstance(v, str) and has_unsafe(v):
                found.append((r, c, unsafe_chars(v)))
                row[c] = clean_text(v)
    for r, c, chars in found[:CONTROL_ISSUES]:
        grid.issues.append(issue("W-TEXT-CONTROL", file=path.name, sheet=grid.name, cell=cell_ref(r, c),
                                 chars="、".join(chars)))
    if len(found) > CONTROL_ISSUES:
        r, c, _ = found[CONTROL_ISSUES]
        rest = sorted({ch for *_, chars in found[CONTROL_ISSUES:] for ch in chars})
        grid.issues.append(issue("W-TEXT-CONTROL", file=path.name, sheet=grid.name, cell=cell_ref(r, c),
                                 chars="、".join(rest) + f"；本表另有{len(found) - CONTROL_ISSUES}个单元格也有，已一并删除"))


def fill_merged(grid: Grid, ranges, path: Path) -> None:
    """Every cell of a merged range takes the value of its top-left cell (ranges clamped to the grid)."""
    rows = grid.rows
    budget = MERGE_BUDGET
    for (r0, c0), (r1, c1) in ranges or ():
        if r0 >= len(rows) or c0 >= MAX_COLS:
            continue
        r1, c1 = min(r1, len(rows) - 1), min(c1, MAX_COLS - 1)
        budget -= (r1 - r0 + 1) * (c1 - c0 + 1)
        if budget < 0:
            raise too_large(path, f"工作表“{grid.name}”中的合并单元格过多", sheet=grid.name)
        top = rows[r0][c0] if c0 < len(rows[r0]) else None
        for r in range(r0, r1 + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if row[c] is None:
                    row[c] = top


# ---- calamine, for .xlsx and for the .xls files xlrd rejects -----------------------

_quiet = threading.Lock()
_quiet_depth = 0
_saved_stderr: int | None = None


@contextmanager
def native_quiet() -> Iterator[None]:
    """Native readers silenced: a Rust panic prints its message (with RUST_BACKTRACE, a whole backtrace)
    straight to file descriptor 2 before it becomes an exception here, and the clerk should see our
    message, not that. Nested and threaded uses share one redirection."""
    global _quiet_depth, _saved_stderr
    with _quiet:
        if _quiet_depth == 0:
            try:
                saved = os.dup(2)
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 2)
                os.close(null)
                _saved_stderr = saved
            except OSError:
                _saved_stderr = None
        _quiet_depth += 1
    try:
        yield
    finally:
        with _quiet:
            _quiet_depth -= 1
            if _quiet_depth == 0 and _saved_stderr is not None:
                os.dup2(_saved_stderr, 2)
                os.close(_saved_stderr)
                _saved_stderr = None


def calamine_sheets(source, path: Path) -> Iterator[tuple[Grid, list]]:
    """Each visible worksheet of the workbook in `source` (a file-like) as (grid of its values, merged ranges).

    The grid is neither cut nor filled yet: the caller adds what it knows, then calls `cap` and
    `fill_merged` with the merged ranges. A password-protected workbook raises `encrypted`.
    A panic inside calamine propagates as a BaseException (see `sheets.read_grids`)."""
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        with native_quiet():
            wb = CalamineWorkbook.from_filelike(source)
            metadata = wb.sheets_metadata
    except PasswordError:
        raise encrypted(path) from None
    for meta in metadata:
        if "hidden" in str(meta.visible).lower() or "worksheet" not in str(meta.typ).lower():
            continue
        with native_quiet():
            sheet = wb.get_sheet_by_name(meta.name)
            rows = _rows(sheet)
            merged = sheet.merged_cell_ranges
        yield Grid(meta.name, rows), merged


def _rows(sheet) -> list[list[object]]:
    """calamine's values from A1, at most ROW_CAP + 1 rows. `skip_empty_area=False` pads the empty rows and
    columns before the first used cell (iter_rows pads rows but not columns: padding by hand got rows twice)."""
    return [[None if v == "" else v for v in row] for row in sheet.to_python(skip_empty_area=False, nrows=ROW_CAP + 1)]
