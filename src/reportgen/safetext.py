"""Text that is safe for every writer: the one cleaning rule for submitted and configured text.

Removed: C0 control characters other than tab, line feed and carriage return (openpyxl
refuses them, \\x0c is a page break in Word, PDF shows boxes); DEL and the C1 controls;
the invisible bidirectional controls (U+202E and its kin turn a text around in a terminal or a
report); lone surrogates and the non-characters U+FFFE/U+FFFF (no UTF-8 file can hold them);
and the Office escape of any of these (`_x000B_`, `_x202E_`), which Excel turns back into the
character when it opens a workbook we write (calamine decodes only some of them).
Everything else is kept as it came.
"""

from __future__ import annotations

import re

# the Unicode Bidi_Control property: 061C, 200E-200F, 202A-202E, 2066-2069
_CHARS = ("\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
          "\ud800-\udfff\ufffe\uffff")
_CHAR = re.compile(f"[{_CHARS}]")
_UNSAFE = re.compile(f"[{_CHARS}]|_x([0-9A-Fa-f]{{4}})_")


def _code(m: re.Match) -> int | None:
    """The code point `m` stands for when it is unsafe, else None (an escape of a harmless character)."""
    if m[1] is None:
        return ord(m[0])
    point = int(m[1], 16)
    return point if _CHAR.match(chr(point)) else None


def clean_text(text: str) -> str:
    """`text` without the characters no writer may see."""
    if "_x" not in text:
        return _CHAR.sub("", text)
    return _UNSAFE.sub(lambda m: "" if _code(m) is not None else m[0], text)


def unsafe_chars(text: str) -> list[str]:
    """The characters `clean_text` removes, each once, as U+XXXX (for messages)."""
    return list(dict.fromkeys(f"U+{p:04X}" for m in _UNSAFE.finditer(text) if (p := _code(m)) is not None))


def has_unsafe(text: str) -> bool:
    if _CHAR.search(text) is not None:
        return True
    return "_x" in text and any(_code(m) is not None for m in _UNSAFE.finditer(text))


def join_reasons(parts) -> str:
    """Sentences said as one: each without its closing stop, joined by ；, once each (…未启动；进展情况为空, never 。；)."""
    kept = [re.sub(r"[。；，,;.\s]+$", "", str(p)) for p in parts]
    return "；".join(dict.fromkeys(p for p in kept if p))
