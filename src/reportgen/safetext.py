"""Text that is safe for every writer: the one cleaning rule for submitted and configured text.

Removed: C0 control characters other than tab, line feed and carriage return (openpyxl
refuses them, \\x0c is a page break in Word, PDF shows boxes); DEL and the C1 controls;
the invisible bidirectional controls (U+202E and its kin turn a text around in a terminal or a
report); lone surrogates and the non-characters U+FFFE/U+FFFF (no UTF-8 file can hold them).
Everything else is kept as it came.
"""

from __future__ import annotations

import re

# the Unicode Bidi_Control property: 061C, 200E-200F, 202A-202E, 2066-2069
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """`text` without the characters no writer may see."""
    return _UNSAFE.sub("", text)


def unsafe_chars(text: str) -> list[str]:
    """The characters `clean_text` removes, each once, as U+XXXX (for messages)."""
    return list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in _UNSAFE.findall(text)))


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None
