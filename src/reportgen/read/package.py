"""What a file is, and whether it may be opened at all, before any parser sees it.

Takes: a path.
Returns: "xlsx", "xls" or "csv", from the file's first bytes, not its name: a ZIP package is
an .xlsx, an OLE compound file an .xls (refused when it is an encrypted workbook), anything
else named .csv a CSV export. For a package, also the parts read on the way that are needed
again (workbook, relationships, styles, worksheets small enough for the fast scan).
Raises `InputError` for what must not be opened: not a workbook, encrypted, larger than
`MAX_UNZIPPED` (sizes counted while inflating, declared sizes can lie), a zip bomb, XML entity
declarations anywhere, duplicate or corrupt entries.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from ..errors import InputError
from .grid import CHUNK, encrypted, too_large, unreadable, why

MAX_UNZIPPED = 100 * 1024 * 1024  # bytes a workbook may expand to (and the largest file read at all)
MAX_RATIO = 200  # compression ratio beyond which a zip is treated as a bomb
FAST_MAX = 8 * 1024 * 1024  # worksheet parts up to this size may take the fast scan; larger ones are streamed
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MB = 1024 * 1024

_ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"),
                       b"EncryptedPackage")
_DTD = re.compile(b"|".join(re.escape(w.encode(enc)) for w in ("<!DOCTYPE", "<!ENTITY")
                            for enc in ("ascii", "utf-16-le", "utf-16-be")))
_IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".emf", ".wmf", ".tif", ".tiff", ".svg", ".wdp", ".jfif")
_KEEP = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml")


def check_container(path: Path) -> str:
    """"xlsx", "xls" or "csv" from the file's first bytes; refuses what must not be opened,
    before any parser sees it."""
    return inspect_file(path)[0]


def inspect_file(path: Path) -> tuple[str, dict[str, bytes]]:
    """The kind of file, and for a package the parts read on the way that are needed again
    (workbook, styles, small worksheets)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
    except OSError:
        raise unreadable(path, "无法打开文件，可能正被其他程序占用") from None
    if size > MAX_UNZIPPED:
        raise too_large(path, f"约 {size // MB} MB")
    if head.startswith(OLE_MAGIC):
        raw = path.read_bytes()
        if any(m in raw for m in _ENCRYPTION_MARKERS):
            raise encrypted(path)
        return "xls", {}  # also an old .xls saved under a new name
    if head.startswith(ZIP_MAGIC):
        return "xlsx", _check_zip(path)  # also an .xlsx renamed to .xls or .csv
    if path.suffix.lower() == ".csv":
        return "csv", {}
    raise unreadable(path, "不是 Excel 文件，可能是改了扩展名的其他文件")


def _check_zip(path: Path) -> dict[str, bytes]:
    """Sizes counted while inflating (declared sizes can lie), no XML entity declarations anywhere, no corrupt entries.
    Returns the parts read again later (see `_KEEP`, and worksheets small enough for the fast scan)."""
    kept: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = [i.filename for i in infos]
            if len(set(names)) != len(names):
                raise unreadable(path, "压缩包中有重名的部件，文件可能被篡改")
            declared = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if declared > MAX_UNZIPPED or declared / packed > MAX_RATIO and declared > 10 * MB:
                raise too_large(path, f"解压后约 {declared // MB} MB")
            if "xl/workbook.xml" not in names:
                raise unreadable(path, "压缩包中没有 Excel 工作簿内容")
            total = 0
            for info in infos:
                name = info.filename
                look = not (name.startswith("xl/media/") and name.lower().endswith(_IMAGES))
                keep = name in _KEEP or name.startswith("xl/worksheets/") and info.file_size <= FAST_MAX
                chunks = []
                tail = b""
                with z.open(info) as f:
                    while chunk := f.read(CHUNK):
                        if keep:
                            chunks.append(chunk)
                        total += len(chunk)
                        if total > MAX_UNZIPPED:
                            raise too_large(path, f"解压后超过 {MAX_UNZIPPED // MB} MB")
                        # OOXML never declares a DTD: one here is an entity trick (billion laughs, external files)
                        if look:
                            buf = tail + chunk
                            if (b"<!" in buf or b"<\x00!" in buf) and _DTD.search(buf):
                                raise unreadable(path, f"{name} 含有不允许的 XML 实体声明")
                            tail = chunk[-20:]
                if keep:
                    kept[name] = b"".join(chunks)
    except InputError:
        raise
    except RuntimeError as e:  # an entry encrypted with a zip password
        if "encrypted" in str(e).lower() or "password" in str(e).lower():
            raise encrypted(path) from None
        raise unreadable(path, why(e)) from None
    except NotImplementedError:
        raise unreadable(path, "压缩方式不受支持") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
        raise unreadable(path, "文件已损坏（压缩数据校验失败）") from None
    return kept
