"""A workbook file → its visible sheets as plain grids of cell values.

Takes: a path to a department's workbook (.xlsx/.xlsm, .xls or .csv; what a file is comes from
its first bytes, not its name, see package.py).
Returns: `read_grids` → one `Grid` per visible worksheet; `can_edit` → whether openpyxl may
edit a copy of the file in bounded time and memory.

- .xlsx/.xlsm: the package is checked first (package.py), then scanned and read with
  calamine (xlsx.py).
- .xls: xlrd (values, merged cells, percent formats); calamine when xlrd
  cannot parse the file.
- .csv: the csv module, UTF-8 or GBK, with lines and fields bounded.

Hostile files (not a workbook, encrypted, zip bombs, broken XML, far-away
cells, endless sheets) become an `InputError` or an issue with a clear
Chinese message, never a crash or a hang. Everything downstream sees `Grid`s
and never a library object.

The names other modules import from here (`Grid`, `column_letter`, `cell_ref`, the limits,
`check_container`) are re-exported from grid.py and package.py.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import InputError
from .grid import (FAR_ROWS, MAX_COLS, MAX_ROWS, ROW_CAP, Grid, calamine_sheets, cap, cell_ref, clean, column_letter,
                   encrypted, fill_merged, past_cap, too_large, unreadable, why)
from .package import check_container, inspect_file
from .xlsx import plan_xlsx, read_xlsx

__all__ = ["Grid", "column_letter", "cell_ref", "MAX_ROWS", "ROW_CAP", "MAX_COLS", "SUFFIXES", "EXCEL_SUFFIXES",
           "MAX_CSV_LINE", "can_edit", "read_grids", "check_container"]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
SUFFIXES = EXCEL_SUFFIXES | {".csv"}
MAX_CSV_LINE = 1024 * 1024  # characters in one CSV line


# ---- .xls --------------------------------------------------------------------

def _read_xls(path: Path) -> list[Grid]:
    import xlrd

    raw = path.read_bytes()
    try:
        book = xlrd.open_workbook(file_contents=raw, formatting_info=True, ragged_rows=True, logfile=io.StringIO(),
                                  ignore_workbook_corruption=True)
    except Exception as e:  # noqa: BLE001 - xlrd is strict; calamine gets its chance below (its panics: see read_grids)
        if "encrypt" in str(e).lower():
            raise encrypted(path) from None
        return _read_xls_calamine(path, raw)
    percent_xf = set()
    for i, xf in enumerate(book.xf_list):
        fmt = book.format_map.get(xf.format_key)
        if fmt is not None and "%" in (fmt.format_str or ""):
            percent_xf.add(i)
    grids = []
    for sh in book.sheets():
        if sh.visibility:
            continue
        grids.append(_xlrd_grid(path, book, sh, percent_xf))
    return grids


def _xlrd_grid(path: Path, book, sh, percent_xf: set[int]) -> Grid:
    import xlrd

    empty = (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)
    used = 0  # rows up to the last one holding a value
    for r in range(sh.nrows - 1, -1, -1):
        if any(t not in empty for t in sh.row_types(r)):
            used = r + 1
            break
    grid = Grid(sh.name, [])
    for r in range(min(used, ROW_CAP)):
        types = sh.row_types(r)
        values = sh.row_values(r)
        for c in range(MAX_COLS, len(types)):
            if types[c] not in empty and r < ROW_CAP:
                ref = cell_ref(r, c)
                raise too_large(path, f"工作表“{sh.name}”的 {ref} 单元格超出第 {MAX_COLS} 列，请删除表格右侧的无关内容",
                                sheet=sh.name, cell=ref)
        row: list[object] = []
        for c in range(min(len(types), MAX_COLS)):
            t, v = types[c], values[c]
            if t in empty or (t == xlrd.XL_CELL_TEXT and v == ""):
                v = None
            elif t == xlrd.XL_CELL_DATE:
                try:
                    v = xlrd.xldate.xldate_as_datetime(v, book.datemode)
                except Exception:  # noqa: BLE001 - an impossible date stays a number
                    pass
            elif t == xlrd.XL_CELL_BOOLEAN:
                v = bool(v)
            elif t == xlrd.XL_CELL_ERROR:
                v = xlrd.error_text_from_code.get(v, "#错误")
            elif t == xlrd.XL_CELL_NUMBER and percent_xf and sh.cell_xf_index(r, c) in percent_xf:
                grid.percent_cells.add((r, c))
            row.append(v)
        grid.rows.append(row)
    first, below = "", 0  # what lies below the cap (BIFF's 65,536 rows bound the count)
    for r in range(ROW_CAP, used):
        c = next((c for c, t in enumerate(sh.row_types(r)) if t not in empty), None)
        if c is not None:
            first, below = first or cell_ref(r, c), below + 1
            if below > FAR_ROWS:
                break
    if first:
        past_cap(grid, path, first, below)
    ranges = [((r0, c0), (r1 - 1, c1 - 1)) for r0, r1, c0, c1 in sh.merged_cells]
    fill_merged(grid, ranges, path)
    return grid


def _read_xls_calamine(path: Path, raw: bytes) -> list[Grid]:
    """For .xls files xlrd rejects (some WPS exports): calamine; BIFF's own limits (65,536 × 256) bound it."""
    grids = []
    for grid, merged in calamine_sheets(io.BytesIO(raw), path):
        if any(len(row) > MAX_COLS and any(v is not None for v in row[MAX_COLS:]) for row in grid.rows[:ROW_CAP]):
            raise too_large(path, f"工作表“{grid.name}”超出 {MAX_COLS} 列，请删除表格右侧的无关内容", sheet=grid.name)
        grid.rows = [row[:MAX_COLS] for row in grid.rows]
        cap(grid, path)
        fill_merged(grid, merged, path)
        grids.append(grid)
    return grids


# ---- .csv --------------------------------------------------------------------

ENCODINGS = ("utf-8-sig", "gb18030")


def _read_csv(path: Path) -> list[Grid]:
    """Streamed: lines are decoded and parsed one by one, and reading stops once what lies below the
    row cap is known (a few stray rows, or more than FAR_ROWS: too many), so a file of a million lines
    costs what its first rows cost. UTF-8 first; GBK (gb18030) when UTF-8 fails anywhere read."""
    for enc in ENCODINGS:
        try:
            with path.open("r", encoding=enc, newline="") as f:
                return [_csv_grid(path, f)]
        except UnicodeDecodeError:
            continue
    raise unreadable(path, "编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV")


def _csv_grid(path: Path, f) -> Grid:
    def lines():
        n = 0
        while line := f.readline(MAX_CSV_LINE + 1):
            n += 1
            if len(line) > MAX_CSV_LINE:
                raise unreadable(path, f"第{n}行超过 {MAX_CSV_LINE // 1024} KB，可能不是正常的填报表")
            yield line

    grid = Grid(path.stem, [])
    rows = grid.rows
    first, below = "", 0  # the first cell with content below the cap, and the rows holding something there
    reader = csv.reader(lines())
    try:
        for r, record in enumerate(reader):
            if r >= ROW_CAP:
                c = next((c for c, v in enumerate(record) if v.strip()), None)
                if c is not None:
                    first = first or cell_ref(r, c)
                    below += 1
                    if below > FAR_ROWS:
                        break
                continue
            if len(record) > MAX_COLS and any(record[MAX_COLS:]):
                raise too_large(path, f"第{r + 1}行超出 {MAX_COLS} 列", sheet=path.stem, cell=cell_ref(r, MAX_COLS))
            rows.append([c if c != "" else None for c in record[:MAX_COLS]])
    except csv.Error:
        raise unreadable(path, f"第{reader.line_num}行格式有误：单元格内容过长（超过 128 KB）或引号不成对") from None
    if first:
        past_cap(grid, path, first, below)
    return grid


# ---- editing a copy ------------------------------------------------------------

# openpyxl edits a copy of a workbook only when that stays small; what reading found is remembered here.
_EDITABLE: dict[tuple[str, int, int], bool] = {}


def _key(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return str(path.resolve()), st.st_mtime_ns, st.st_size


def _remember(path: Path, editable: bool) -> None:
    try:
        if len(_EDITABLE) > 2048:
            _EDITABLE.clear()
        _EDITABLE[_key(path)] = editable
    except OSError:
        pass


def can_edit(path: Path) -> bool:
    """True when `path` is an .xlsx/.xlsm that openpyxl can load in bounded time and memory:
    read without cutting, no far-away cells, few cells and merged cells, small when unzipped."""
    try:
        key = _key(path)
        if key not in _EDITABLE:
            kind, kept = inspect_file(path)
            if kind != "xlsx":
                return False
            _remember(path, plan_xlsx(path, kept).editable)
        return _EDITABLE.get(key, False)
    except PASS_THROUGH:
        raise
    except BaseException:  # noqa: BLE001 - anything odd, a reader's panic included: do not edit, rebuild
        return False


# What a reader must never swallow: the user's Ctrl+C and an orderly exit. Everything else a third-party
# reader raises, BaseExceptions included (a Rust panic arrives as pyo3_runtime.PanicException), is the file's fault.
PASS_THROUGH = (KeyboardInterrupt, SystemExit, GeneratorExit)


def read_grids(path: Path) -> list[Grid]:
    """Every visible worksheet of the file, as grids, text cleaned (see `grid.clean`).
    Raises InputError, and never anything else, for a file that cannot be read."""
    try:
        kind, kept = inspect_file(path)
        if kind == "csv":
            grids = _read_csv(path)
        elif kind == "xls":
            grids = _read_xls(path)
        else:
            plan = plan_xlsx(path, kept)
            _remember(path, plan.editable)
            grids = read_xlsx(path, plan)
    except (InputError, *PASS_THROUGH):
        raise
    except MemoryError:
        raise too_large(path, "读取时内存不足") from None
    except BaseException as e:  # noqa: BLE001 - whatever a library raises (or panics) on a broken file becomes one message
        if type(e).__name__ == "PasswordError":
            raise encrypted(path) from None
        raise unreadable(path, why(e)) from None
    for grid in grids:
        clean(grid, path)
    return grids
