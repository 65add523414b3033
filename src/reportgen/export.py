"""`reportgen export`: the history as a table for analysts.

xlsx: sheet 历次明细 (one row per task per period, `history.COLUMNS`) and sheet
分期汇总 (per period, counts by project, by lead department and 合计).
csv: the 历次明细 table in UTF-8 with a BOM, so Excel and WPS open it without
garbling. Text from submissions never becomes a formula: cells are written with
`workbooks.put`, and in the CSV a text starting with = + - @ gets a leading '.
Default file: outputs/<地区><工程总称>历次进展数据.<xlsx|csv> in the workspace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from .codes import issue
from .errors import InputError
from .history import COLUMNS, TOTALS_COLUMNS, history, totals
from .model import Issue
from .read.config import read_config
from .render.files import Stamp, property_text
from .render.files import write_bytes
from .workbooks import put, save_workbook, text_width

FORMATS = ("xlsx", "csv")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {"as_of": "yyyy-mm-dd", "rate": "0.0", "completion_rate": "0.0"}
MAX_WIDTH = 40


@dataclass
class Exported:
    path: Path
    rows: int  # data rows in 历次明细
    periods: list[str]  # periods in the table, in time order
    problems: list[Issue] = field(default_factory=list)


def default_path(root: Path, fmt: str) -> Path:
    """outputs/<地区><工程总称>历次进展数据.<fmt>, the names cut and cleaned as the documents' are (render.NAME_PARTS)."""
    from .render import NAME_PARTS
    from .render.files import safe_file_name

    c = read_config(root / "report.toml")
    limits = dict(NAME_PARTS)
    region, program = safe_file_name(c.region, limits["region"]), safe_file_name(c.program, limits["program"])
    return root / "outputs" / f"{region}{program}历次进展数据.{fmt}"


def export(workspace: Path | str, fmt: str = "xlsx", output: Path | str | None = None) -> Exported:
    """Write the history of every period; `output` (a file, or a folder for the default name) overrides the path."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    root = Path(workspace).resolve()
    df, problems = history(root)
    path = Path(output) if output is not None else default_path(root, fmt)
    if path.is_dir() or str(output or "").endswith(("/", "\\")):  # a folder, existing or to be made
        path = path / default_path(root, fmt).name
    try:
        if fmt == "xlsx":
            write_xlsx(path, df, totals(df), _stamp(root))
        else:
            write_csv(path, df)
    except OSError as e:  # open in Excel (Windows locks it), a read-only folder, a file where a folder should be
        raise InputError(issue("E-EXPORT-WRITE", path=str(path), detail=_why(e))) from None
    return Exported(path, len(df), list(df["period"].cat.categories), problems)


def _stamp(root: Path) -> Stamp:
    """The office as the workbook's author, the latest period's publish date as its dates (as its documents')."""
    from .read import latest_period
    from .read.config import read_period

    c = read_config(root / "report.toml")
    try:
        code = latest_period(root)
        return Stamp.of(c, read_period(root / "inputs" / code / "period.toml", code))
    except InputError:
        return Stamp(property_text(c.compiler or c.region))


def _why(e: OSError) -> str:
    if isinstance(e, PermissionError):
        return "没有写入权限，或文件被其他程序占用"
    if isinstance(e, (FileExistsError, NotADirectoryError)):
        return "路径中的某一级是文件而不是文件夹"
    if isinstance(e, IsADirectoryError):
        return "这是一个文件夹"
    return e.strerror or type(e).__name__


def _value(v):
    """What a reader of the file sees: None for missing or empty, a date for a timestamp, 是/否 for a
    yes-or-no column, a whole number without its .0."""
    v = v.item() if hasattr(v, "item") else v  # numpy scalars
    if v is None or v is pd.NA or v is pd.NaT or v == "" or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _sheet(ws, df: pd.DataFrame, headers: dict[str, str]) -> None:
    widths = {}
    for col, name in enumerate(headers, 1):
        c = put(ws, 1, col, headers[name])
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        widths[col] = text_width(headers[name]) + 2
    for r, values in enumerate(df[list(headers)].astype(object).itertuples(index=False, name=None), 2):
        for col, (name, v) in enumerate(zip(headers, values), 1):
            value = _value(v)
            cell = put(ws, r, col, value)
            if name in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[name]
            widths[col] = max(widths[col], min(text_width(str(value if value is not None else "")) + 2, MAX_WIDTH))
    for col, width in widths.items():
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def write_xlsx(path: Path, df: pd.DataFrame, sums: pd.DataFrame, stamp: Stamp = Stamp()) -> None:
    wb = Workbook()
    detail = wb.active
    detail.title = "历次明细"
    _sheet(detail, df, COLUMNS)
    _sheet(wb.create_sheet("分期汇总"), sums, TOTALS_COLUMNS)
    save_workbook(wb, path, stamp)


def _csv_text(v):
    """A text Excel would read as a formula gets a leading ' (shown as text, never computed)."""
    return "'" + v if isinstance(v, str) and v.startswith(FORMULA_LEADS) else v


def write_csv(path: Path, df: pd.DataFrame) -> None:
    out = df.copy()
    for name in out.columns:
        if pd.api.types.is_string_dtype(out[name]) and not isinstance(out[name].dtype, pd.CategoricalDtype):
            out[name] = out[name].map(_csv_text)
        elif pd.api.types.is_bool_dtype(out[name]) or pd.api.types.is_float_dtype(out[name]):
            out[name] = pd.Series([_value(v) for v in out[name]], index=out.index, dtype=object)
    text = out.to_csv(index=False, header=[COLUMNS[c] for c in out.columns], lineterminator="\r\n",
                      date_format="%Y-%m-%d")
    write_bytes(path, text.encode("utf-8-sig"))

