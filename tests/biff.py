"""Legacy .xls (BIFF8 in an OLE compound file) written byte by byte, for tests that need .xls files
without LibreOffice: one visible sheet of text cells, and room for extra records in the workbook
globals (a broken one makes calamine panic, see test_hardening.py).

The container is the smallest compound file both xlrd and calamine read: a 512-byte header, one FAT
sector, one directory sector and the Workbook stream, padded to 4,096 bytes so it never lives in the
mini stream.
"""

from __future__ import annotations

import struct
from pathlib import Path

ENDOFCHAIN, FATSECT, FREESECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF
SECTOR = 512


def record(typ: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", typ, len(data)) + data


def _bof(kind: int) -> bytes:  # 0x0005 workbook globals, 0x0010 worksheet
    return record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0x41, 0x06))


def _short_text(s: str) -> bytes:
    return struct.pack("<BB", len(s), 1) + s.encode("utf-16-le")


def _label(row: int, col: int, text: str) -> bytes:
    return record(0x0204, struct.pack("<HHHHB", row, col, 15, len(text), 1) + text.encode("utf-16-le"))


def workbook_stream(rows: list[list[str]], sheet: str = "进展填报", extra_globals: bytes = b"") -> bytes:
    body = _bof(0x0010) + record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, max(map(len, rows)), 0))
    for r, row in enumerate(rows):
        body += b"".join(_label(r, c, v) for c, v in enumerate(row) if v != "")
    body += record(0x000A)
    fonts = b"".join(record(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _short_text("Arial"))
                     for _ in range(5))
    xfs = b"".join(record(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5 if i < 15 else 1, 0x20, 0, 0, 0, 0, 0, 0x20C0))
                   for i in range(16))
    head = _bof(0x0005) + record(0x0042, struct.pack("<H", 1200)) + fonts + xfs + extra_globals

    def globals_at(offset: int) -> bytes:
        return head + record(0x0085, struct.pack("<IBB", offset, 0, 0) + _short_text(sheet)) + record(0x000A)

    size = len(globals_at(0))
    return globals_at(size) + body


def compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    stream = stream.ljust(4096, b"\0")
    count = -(-len(stream) // SECTOR)
    fat = [FATSECT, ENDOFCHAIN] + [3 + i for i in range(count - 1)] + [ENDOFCHAIN]
    assert len(fat) <= SECTOR // 4, "stream too long for one FAT sector"
    fat += [FREESECT] * (SECTOR // 4 - len(fat))

    def entry(label: str, kind: int, start: int, size: int, child: int = NOSTREAM) -> bytes:
        encoded = label.encode("utf-16-le") + b"\0\0" if label else b""
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1 if label else 0)
                + struct.pack("<III", NOSTREAM, NOSTREAM, child) + b"\0" * 36 + struct.pack("<III", start, size, 0))

    directory = entry("Root Entry", 5, ENDOFCHAIN, 0, child=1) + entry(name, 2, 2, len(stream)) + entry("", 0, 0, 0) * 2
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<109I", 0, *[FREESECT] * 108))
    return header + struct.pack(f"<{SECTOR // 4}I", *fat) + directory + stream.ljust(count * SECTOR, b"\0")


def write_xls(path: Path, rows: list[list[str]], *, sheet: str = "进展填报", extra_globals: bytes = b"") -> Path:
    path.write_bytes(compound_file(workbook_stream(rows, sheet, extra_globals)))
    return path


# A defined name (Lbl, 0x0018) four bytes long: xlrd refuses it (it needs 14), and calamine 0.37 panics
# reading its formula length ("range end index 2 out of range for slice of length 0").
SHORT_NAME_RECORD = record(0x0018, b"\0\0\0\x05")
