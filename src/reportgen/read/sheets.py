"""A workbook file → its visible sheets as plain grids of cell values.

calamine reads .xlsx/.xlsm/.xls fast; CSV exports (UTF-8 or GBK) go through
the csv module. openpyxl is opened only when calamine cannot answer: percent
number formats, and formulas that have no cached value.
Hostile files (not a workbook, encrypted, zip bombs, endless sheets) become
an `InputError` with a clear message, never a crash or a hang.
Everything downstream sees `Grid`s and never a library object.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from ..codes import issue
from ..errors import InputError
from ..model import Issue

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
SUFFIXES = EXCEL_SUFFIXES | {".csv"}
MAX_ROWS = 5000  # data rows per sheet; a department never has more tasks than this
MAX_UNZIPPED = 100 * 1024 * 1024  # bytes a workbook may expand to
MAX_RATIO = 200  # compression ratio beyond which a zip is treated as a bomb
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


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


def _unreadable(path: Path, detail: str) -> InputError:
    return InputError(issue("E-FILE-UNREADABLE", file=path.name, detail=detail))


def check_container(path: Path) -> None:
    """Refuse what is not a workbook, or is one we must not open, before any parser sees it."""
    with path.open("rb") as f:
        head = f.read(8)
    suffix = path.suffix.lower()
    if head.startswith(OLE_MAGIC):
        if suffix == ".xls":
            return
        raw = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in raw or b"EncryptedPackage" in raw or \
                "EncryptedPackage".encode("utf-16-le") in raw:
            raise InputError(issue("E-FILE-ENCRYPTED", file=path.name))
        return  # an old .xls saved with a new name: calamine reads it
    if not head.startswith(ZIP_MAGIC):
        raise _unreadable(path, "不是 Excel 文件，可能是改了扩展名的其他文件")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except zipfile.BadZipFile:
        raise _unreadable(path, "文件已损坏") from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNZIPPED or total / packed > MAX_RATIO and total > 10 * 1024 * 1024:
        raise InputError(issue("E-FILE-TOO-LARGE", file=path.name, detail=f"解压后约 {total // (1024 * 1024)} MB"))
    if not any(i.filename == "xl/workbook.xml" for i in infos):
        raise _unreadable(path, "压缩包中没有 Excel 工作簿内容")
    with zipfile.ZipFile(path) as z:  # OOXML never declares a DTD: one here is an entity trick
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and re.search(rb"<!(DOCTYPE|ENTITY)", z.open(info).read(4096)):
                raise _unreadable(path, f"{info.filename} 含有不允许的 XML 实体声明")


def _read_csv(path: Path) -> list[Grid]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _unreadable(path, "编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV")
    rows = []
    for r in csv.reader(io.StringIO(text)):
        rows.append([c if c != "" else None for c in r])
        if len(rows) > MAX_ROWS + 20:
            break
    grid = Grid(path.stem, rows)
    _cap(grid, path)
    return [grid]


def _cap(grid: Grid, path: Path) -> None:
    if len(grid.rows) > MAX_ROWS + 20:
        del grid.rows[MAX_ROWS + 20:]
        grid.issues.append(issue("E-ROWS-TOO-MANY", file=path.name, sheet=grid.name, cell=cell_ref(MAX_ROWS + 20, 0),
                                 limit=MAX_ROWS))


def _fill_merged(rows: list[list[object]], ranges) -> None:
    """Every cell of a merged range takes the value of its top-left cell."""
    for (r0, c0), (r1, c1) in ranges or ():
        if r0 >= len(rows):
            continue
        top = rows[r0][c0] if c0 < len(rows[r0]) else None
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if row[c] is None:
                    row[c] = top


def _read_calamine(path: Path) -> list[Grid]:
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises several types for broken files
        raise _unreadable(path, f"{type(e).__name__}: {str(e)[:120]}") from None
    grids = []
    for meta in wb.sheets_metadata:
        if "hidden" in str(meta.visible).lower() or "worksheet" not in str(meta.typ).lower():
            continue
        sheet = wb.get_sheet_by_name(meta.name)
        rows: list[list[object]] = []
        for row in sheet.iter_rows():
            rows.append([None if v == "" else v for v in row])
            if len(rows) > MAX_ROWS + 20:
                break
        start = sheet.start or (0, 0)
        if start != (0, 0):  # calamine starts at the first used cell; we index from A1
            rows = [[None] * (start[1]) + r for r in rows]
            rows = [[] for _ in range(start[0])] + rows
        grid = Grid(meta.name, rows)
        _cap(grid, path)
        _fill_merged(grid.rows, sheet.merged_cell_ranges)
        grids.append(grid)
    return grids


def _openpyxl_details(path: Path, grids: list[Grid]) -> None:
    """Cells formatted as percent, and formulas without a cached value (openpyxl only when the file has either)."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        has_formulas = any(re.search(rb"<f[ >]", z.read(n)) for n in names
                           if n.startswith("xl/worksheets/") and n.endswith(".xml"))
        styles = z.read("xl/styles.xml") if "xl/styles.xml" in names else b""
    # built-in formats 9 and 10 are 0% and 0.00%; custom ones are declared with their code
    has_percent = re.search(rb'numFmtId="(9|10)"', styles) or re.search(rb'formatCode="[^"]*%', styles)
    if not (has_percent or has_formulas):
        return
    from openpyxl import load_workbook

    formulas = load_workbook(path, read_only=True, data_only=False) if has_formulas else None
    values = load_workbook(path, read_only=True, data_only=True)
    try:
        for g in grids:
            ws = values[g.name]
            fws = formulas[g.name] if formulas else None
            for r, row in enumerate(ws.iter_rows(max_row=len(g.rows))):
                for c, cell in enumerate(row):
                    v = getattr(cell, "value", None)
                    fmt = getattr(cell, "number_format", "") or ""
                    if isinstance(v, (int, float)) and "%" in fmt:
                        g.percent_cells.add((r, c))
            if fws is not None:
                for r, row in enumerate(fws.iter_rows(max_row=len(g.rows))):
                    for c, cell in enumerate(row):
                        f = getattr(cell, "value", None)
                        if isinstance(f, str) and f.startswith("=") and (
                                r >= len(g.rows) or c >= len(g.rows[r]) or g.rows[r][c] is None):
                            g.formula_cells[(r, c)] = f[:60]
    finally:
        values.close()
        if formulas:
            formulas.close()


def read_grids(path: Path) -> list[Grid]:
    """Every visible worksheet of the file, as grids."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    check_container(path)
    grids = _read_calamine(path)
    if suffix in (".xlsx", ".xlsm") and path.read_bytes()[:4] == ZIP_MAGIC:
        try:
            _openpyxl_details(path, grids)
        except Exception:  # details are a refinement: values from calamine stand
            pass
    return grids
