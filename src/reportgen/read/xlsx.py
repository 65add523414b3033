"""An .xlsx/.xlsm package already checked (see package.py) → its visible sheets as `Grid`s.

Takes: the path and the parts `package.inspect_file` kept (workbook, relationships, styles,
small worksheets).
Returns: from `plan_xlsx`, an `XlsxPlan`: every worksheet part scanned before calamine
allocates anything, with a streaming XML parser (or, for small plain parts, a fast scan with
regular expressions that finds the same cells): where its cells really are (the `r`
attributes, not the <dimension> element, which can lie), percent number formats and formulas
without a cached value; whether openpyxl may edit a copy (`XlsxPlan.editable`). From
`read_xlsx`, the grids: calamine reads the values; a sheet with content beyond `ROW_CAP` rows
(or cells without positions) is handed to it rewritten and cut at the cap, so one far-away
cell can never make it allocate the whole sheet. Content beyond `MAX_COLS` columns, an
invalid cell position or broken XML raises `InputError`.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from lxml import etree

from .grid import (CHUNK, FAR_ROWS, MAX_COLS, ROW_CAP, Grid, calamine_sheets, cap, cell_position, cell_ref,
                   fill_merged, past_cap, too_large, unreadable)

EDIT_MAX_CELLS = 200_000  # beyond these, openpyxl is not used to edit a copy (see `sheets.can_edit`)
EDIT_MAX_MERGED = 100_000
EDIT_MAX_BYTES = 30 * 1024 * 1024

_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_SHEET_TAGS = ("{*}row", "{*}c", "{*}mergeCell")


# ---- where the cells are, before calamine allocates them -------------------------

@dataclass
class _SheetScan:
    part: str
    cells: int = 0  # cells holding something
    missing_refs: bool = False  # cells without an `r` attribute: positions implied by order
    overflow: str = ""  # first cell past ROW_CAP rows (A1 style)
    below: int = 0  # rows holding something past ROW_CAP, counted up to FAR_ROWS + 1
    far: str = ""  # first cell past MAX_COLS columns
    merged: int = 0  # cells covered by merged ranges
    percent: set[tuple[int, int]] = field(default_factory=set)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    merge_refs: list[str] = field(default_factory=list)  # kept only when rewriting

    @property
    def cut(self) -> bool:
        """calamine must be given a rewritten copy of this part."""
        return bool(self.overflow or self.missing_refs)


def _area(ref: str) -> int:
    ends = [cell_position(p) for p in (ref or "").split(":")]
    if not ends or None in ends or len(ends) > 2:
        return 0
    (r0, c0), (r1, c1) = ends[0], ends[-1]
    return (abs(r1 - r0) + 1) * (abs(c1 - c0) + 1)


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _release(el) -> None:
    """Free a parsed element and the siblings before it, so memory stays flat on long sheets."""
    el.clear()
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _walk_sheet(z: zipfile.ZipFile, part: str, styles: frozenset[int], path: Path,
                collect: list[bytes] | None = None) -> _SheetScan:
    """One pass over a worksheet part, positions computed as calamine computes them.

    With `collect`, the cells kept (inside the caps) are serialised into it with an explicit `r`,
    ready to be wrapped as a worksheet calamine can read without surprises."""
    scan = _SheetScan(part)
    parser = etree.XMLPullParser(events=("start", "end"), tag=_SHEET_TAGS, **_PARSER_OPTIONS)
    row_i = col_i = 0
    last_below = -1  # the last row past the cap counted in `below`
    shared: dict[str | None, str] = {}
    row_cells: list[bytes] = []
    done = False
    with z.open(part) as f:
        while not done and (chunk := f.read(CHUNK)):
            parser.feed(chunk)
            for event, el in parser.read_events():
                name = _local(el.tag)
                if name == "row":
                    if event == "start":
                        ref = el.get("r")
                        if ref is not None:
                            pos = cell_position(ref)
                            if pos is None:
                                raise unreadable(path, f"工作表中的行号“{ref[:20]}”无效")
                            row_i = pos[0]
                    else:
                        row_i += 1
                        col_i = 0
                        if collect is not None and row_cells:
                            collect.append(b"<row>" + b"".join(row_cells) + b"</row>")
                            row_cells = []
                        _release(el)
                    continue
                if event != "end":
                    continue
                if name == "mergeCell":
                    ref = el.get("ref") or ""
                    scan.merged += _area(ref)
                    if collect is not None:
                        scan.merge_refs.append(ref)
                    continue
                # a cell
                ref = el.get("r")
                if ref is None:
                    scan.missing_refs = True
                    r, c = row_i, col_i
                else:
                    pos = cell_position(ref)
                    if pos is None or pos[1] < 0:
                        raise unreadable(path, f"单元格位置“{ref[:20]}”无效")
                    r, c = pos
                    col_i = c
                col_i += 1
                children = {_local(ch.tag): ch for ch in el if isinstance(ch.tag, str)}
                if children:  # a cell with no child holds nothing; calamine skips it
                    if r >= ROW_CAP:  # unread: counted until it is clearly too many rows, not a stray cell
                        scan.overflow = scan.overflow or cell_ref(min(r, 10**9), min(c, 10**6))
                        if r != last_below:
                            last_below = r
                            scan.below += 1
                        if scan.below > FAR_ROWS:
                            done = True
                            break
                        _release(el)
                        continue
                    if c >= MAX_COLS:
                        scan.far = cell_ref(r, min(c, 10**6))
                        done = True
                        break
                    scan.cells += 1
                    _cell_details(scan, _element_cell(el, children), r, c, styles, shared)
                if collect is not None and r < ROW_CAP and c < MAX_COLS:
                    el.set("r", cell_ref(r, c))
                    row_cells.append(etree.tostring(el, with_tail=False))
                _release(el)
        if not done:
            parser.close()  # a truncated or malformed part fails here, before calamine sees it
    if collect is not None and row_cells:
        collect.append(b"<row>" + b"".join(row_cells) + b"</row>")
    return scan


@dataclass
class _Cell:
    """What decides percent cells and formulas without a value, whichever way the XML was read."""

    t: str | None = None  # the cell's type attribute
    s: str | None = None  # its style index
    v: str | None = None  # text of <v>, None without one
    f: str | None = None  # text of <f>, None without one
    f_shared: str | None = None  # si of a shared formula
    inline: bool = False  # has <is>


def _element_cell(el, children: dict) -> _Cell:
    v, f = children.get("v"), children.get("f")
    return _Cell(el.get("t"), el.get("s"), None if v is None else v.text or "", None if f is None else f.text or "",
                 f.get("si") if f is not None and f.get("t") == "shared" else None, "is" in children)


def _cell_details(scan: _SheetScan, cell: _Cell, r: int, c: int, styles: frozenset[int],
                  shared: dict[str | None, str]) -> None:
    """Percent formats, and formulas without a cached value (a cached empty string, t="str" with
    an empty <v> as LibreOffice saves =IF(…,"",…), is a value)."""
    if styles and cell.v and cell.t in (None, "n"):
        try:
            if int(cell.s or 0) in styles:
                scan.percent.add((r, c))
        except ValueError:
            pass
    if cell.f is not None:
        text = cell.f
        if cell.f_shared is not None:
            if text:
                shared[cell.f_shared] = text
            else:
                text = shared.get(cell.f_shared, "")
        cached = cell.inline or (cell.v is not None and (bool(cell.v) or cell.t == "str"))
        if not cached:
            scan.formulas[(r, c)] = ("=" + text)[:60]


# The fast path: for a well-formed part without comments, CDATA or processing instructions, every "<" opens real
# markup, so these patterns find exactly the elements an XML parser would, at the speed of the re module.
_NAME = rb"(?:[A-Za-z_][\w.\-]*:)?"
_ATTRS = rb"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*"""
_CELL_RE = re.compile(rb"<(" + _NAME + rb")c(?=[\s/>])" + _ATTRS + rb"(?:/>|>(.*?)</\1c\s*>)", re.S)
_CELL_START = re.compile(rb"<" + _NAME + rb"c[\s/>]")
_CHILD_RE = re.compile(rb"<(" + _NAME + rb")(v|f|is)(?=[\s/>])" + _ATTRS + rb"(?:/>|>(.*?)</\1\2\s*>)", re.S)
_FORMULA_START = re.compile(rb"<" + _NAME + rb"f[\s/>]")
_MERGE_RE = re.compile(rb"<" + _NAME + rb"mergeCell(?=[\s/>])" + _ATTRS)
_ATTR_RE = {name: re.compile(rb"\s" + name + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""")
            for name in (b"r", b"s", b"t", b"ref", b"si")}
_CANONICAL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[\s/>]')  # as Excel, WPS, LibreOffice, openpyxl write


def _attr(attrs: bytes, name: bytes) -> str | None:
    m = _ATTR_RE[name].search(attrs)
    if m is None:
        return None
    return html.unescape((m[1] if m[1] is not None else m[2]).decode("utf-8", "replace"))


def _scan_fast(data: bytes, part: str, styles: frozenset[int]) -> _SheetScan | None:
    """The common case: every cell has a reference inside the caps. None when the exact walk must decide
    (comments or CDATA, cells without `r`, far or odd references, anything unusual)."""
    if b"<!" in data or data.find(b"<?", 1) != -1 or not data.lstrip()[:1] == b"<":
        return None  # comments, CDATA, DOCTYPE, processing instructions, or not UTF-8/ASCII-compatible
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return None  # the exact walk reports it
    starts = len(_CELL_START.findall(data))
    refs = _CANONICAL_REF.findall(data)
    if len(refs) != starts:
        return None  # some cell written another way: let the exact walk read it
    if any(cell_position(letters.decode() + "1")[1] >= MAX_COLS for letters in {letters for letters, _ in refs}):
        return None
    if any(int(digits) > ROW_CAP or int(digits) < 1 for _, digits in refs if len(digits) > 3 or digits[0] == 48):
        return None
    scan = _SheetScan(part, cells=starts)
    if b"mergeCell" in data:
        scan.merged = sum(_area(_attr(m[1], b"ref") or "") for m in _MERGE_RE.finditer(data))
    formulas = (b"<f" in data or b":f" in data) and _FORMULA_START.search(data) is not None
    if not (formulas or styles):
        return scan
    percent = None  # the `s` attributes naming a percent format
    if styles:
        percent = re.compile(rb"""\ss\s*=\s*["']0*(?:%s)["']""" % "|".join(map(str, sorted(styles))).encode())
    shared: dict[str | None, str] = {}
    matched = 0
    for m in _CELL_RE.finditer(data):
        matched += 1
        attrs, content = m[2], m[3]
        if content is None:
            continue
        if not ((percent and percent.search(attrs)) or (formulas and _FORMULA_START.search(content))):
            continue
        r, c = cell_position(_attr(attrs, b"r") or "")
        cell = _Cell(_attr(attrs, b"t"), _attr(attrs, b"s"))
        for ch in _CHILD_RE.finditer(content):
            text = html.unescape((ch[4] or b"").decode("utf-8", "replace"))
            if ch[2] == b"v":
                cell.v = text
            elif ch[2] == b"f":
                cell.f = text
                if _attr(ch[3], b"t") == "shared":
                    cell.f_shared = _attr(ch[3], b"si")
            else:
                cell.inline = True
        _cell_details(scan, cell, r, c, styles, shared)
    if matched != starts:
        return None  # a cell inside a cell, or a start tag the patterns did not take whole
    return scan


# ---- the workbook's sheets and styles, and the plan ------------------------------

def _parse_part(data: bytes):
    return etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))


def _workbook_sheets(kept: dict[str, bytes]) -> list[tuple[str, str, list[str]]]:
    """(name, state, parts) of each sheet, parts resolved as calamine resolves them (it takes the last id)."""
    rels: dict[str | None, str] = {}
    if "xl/_rels/workbook.xml.rels" in kept:
        for el in _parse_part(kept["xl/_rels/workbook.xml.rels"]).iter("{*}Relationship"):
            rels[el.get("Id")] = el.get("Target") or ""
    sheets = []
    for el in _parse_part(kept["xl/workbook.xml"]).iter("{*}sheet"):
        parts = []
        for key, rid in el.attrib.items():
            if key.startswith("{") and key.endswith("}id"):
                target = rels.get(rid, "")
                parts.append(target[1:] if target.startswith("/xl/") else target if target.startswith("xl/")
                             else f"xl/{target}")
        sheets.append((el.get("name") or "", el.get("state") or "visible", parts))
    return sheets


def _percent_styles(kept: dict[str, bytes]) -> frozenset[int]:
    """Indexes of cell formats showing numbers as percent: built-in 9 (0%) and 10 (0.00%), or a custom code with %."""
    if "xl/styles.xml" not in kept:
        return frozenset()
    root = _parse_part(kept["xl/styles.xml"])
    custom = {el.get("numFmtId"): el.get("formatCode") or "" for el in root.iter("{*}numFmt")}
    found = set()
    for xfs in root.iter("{*}cellXfs"):
        for i, xf in enumerate(x for x in xfs if _local(x.tag) == "xf"):
            fid = xf.get("numFmtId") or "0"
            if fid in ("9", "10") or "%" in custom.get(fid, ""):
                found.add(i)
        break
    return frozenset(found)


@dataclass
class XlsxPlan:
    """What the scan found in a package: its sheets, each worksheet part's scan, the parts calamine reads cut."""

    sheets: list[tuple[str, str, list[str]]]
    scans: dict[str, _SheetScan]  # part → scan
    rewrites: dict[str, bytes]  # part → worksheet XML calamine reads instead
    unzipped: int

    @property
    def editable(self) -> bool:
        scans = self.scans.values()
        return (not self.rewrites and not any(s.far for s in scans) and self.unzipped <= EDIT_MAX_BYTES
                and sum(s.cells for s in scans) <= EDIT_MAX_CELLS and sum(s.merged for s in scans) <= EDIT_MAX_MERGED)


_WORKSHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')


def plan_xlsx(path: Path, kept: dict[str, bytes]) -> XlsxPlan:
    """Scan every part calamine could read as a worksheet (anything under xl/worksheets/)."""
    sheets = _workbook_sheets(kept)
    styles = _percent_styles(kept)
    by_part: dict[str, str] = {}
    shown: set[str] = set()  # parts some visible sheet may be read from
    for name, state, parts in sheets:
        for part in parts:
            by_part.setdefault(part, name)
            if state not in ("hidden", "veryHidden"):
                shown.add(part)
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        scans: dict[str, _SheetScan] = {}
        rewrites: dict[str, bytes] = {}
        for info in infos:
            part = info.filename
            if not part.startswith("xl/worksheets/") or part.endswith("/"):
                continue
            scan = _scan_fast(kept[part], part, styles) if part in kept else None
            if scan is None:
                scan = _walk_sheet(z, part, styles, path)
            if scan.far and (part in shown or part not in by_part):  # hidden sheets are never read
                sheet = by_part.get(part, part)
                raise too_large(path, f"工作表“{sheet}”的 {scan.far} 单元格超出第 {MAX_COLS} 列，请删除表格右侧的无关内容",
                                sheet=sheet, cell=scan.far)
            if scan.cut:  # calamine reads a copy with explicit positions, cut at the row cap, its merged ranges kept
                body: list[bytes] = []
                cells = _walk_sheet(z, part, styles, path, collect=body)
                merges = b"".join(b'<mergeCell ref="%s"/>' % re.sub(r"[^A-Za-z0-9:]", "", m).encode()
                                  for m in cells.merge_refs)  # fill_merged clamps them to the rows read
                rewrites[part] = (_WORKSHEET_HEAD + b"".join(body) + b"</sheetData>"
                                  + (b"<mergeCells>" + merges + b"</mergeCells>" if merges else b"") + b"</worksheet>")
            scans[part] = scan
    return XlsxPlan(sheets, scans, rewrites, sum(i.file_size for i in infos))


# ---- reading with calamine -------------------------------------------------------

def read_xlsx(path: Path, plan: XlsxPlan) -> list[Grid]:
    """Every visible worksheet, read by calamine from the package (or its copy with the cut parts rewritten)."""
    if plan.rewrites:
        buf = io.BytesIO()
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
            for info in src.infolist():
                dst.writestr(info.filename, plan.rewrites.get(info.filename) or src.read(info))
        buf.seek(0)
        source = buf
    else:
        source = io.BytesIO(path.read_bytes())
    scan_of = {name: plan.scans.get(parts[-1]) for name, _, parts in plan.sheets if parts}
    grids = []
    for grid, merged in calamine_sheets(source, path):
        scan = scan_of.get(grid.name)
        if scan is not None:
            if scan.overflow:
                past_cap(grid, path, scan.overflow, scan.below)
            grid.percent_cells = {(r, c) for r, c in scan.percent if r < len(grid.rows)}
            grid.formula_cells = {k: v for k, v in scan.formulas.items() if k[0] < len(grid.rows)}
        cap(grid, path)
        fill_merged(grid, merged, path)
        grids.append(grid)
    return grids
