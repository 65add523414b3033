"""繁體版 text: Simplified → Traditional with the official OpenCC binding, then our phrase fixes.

Three settings (report.toml `traditional`):
- "s2t": what a mainland Traditional repost prints (the 河西 reference): OpenCC's s2t with the
  common character forms (t2tw: 群眾, 為, 衛生, 啟動, not 羣衆, 爲, 衞生, 啓動), then the fixes.
- "s2hk": Hong Kong forms (羣眾, 衞生, 啓動, 發佈).
- "s2tw": Taiwan character forms, no Taiwan vocabulary.
"s2twp" would swap words (社区 → 社群, 发布 → 釋出, 项目 → 專案) and is refused in report.toml.

The fixes live in traditional-fixes.tsv beside this file (data, one regex per line), quotes
“ ” ‘ ’ become 「 」『 』. `to_simplified` is the way back, used to check round trips.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

CONFIGS = ("s2t", "s2hk", "s2tw")
LANGS = {"s2t": "zh-Hant", "s2hk": "zh-HK", "s2tw": "zh-TW"}  # HTML and PDF language tags
QUOTES = str.maketrans({"“": "「", "”": "」", "‘": "『", "’": "』"})
BACK_QUOTES = str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’"})
FIXES_FILE = Path(__file__).with_name("traditional-fixes.tsv")
_STEPS = {"s2t": ("s2t", "t2tw"), "s2hk": ("s2hk",), "s2tw": ("s2tw",)}
_BACK = {"s2t": "tw2s", "s2hk": "hk2s", "s2tw": "tw2s"}


@lru_cache(maxsize=8)
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


@lru_cache(maxsize=1)
def fixes() -> tuple[tuple[frozenset[str], re.Pattern, str], ...]:
    """(configs it applies to, pattern, replacement) for every line of traditional-fixes.tsv."""
    rows = []
    for line in FIXES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        scope, wrong, right = line.split("\t")[:3]
        configs = frozenset(CONFIGS if scope.strip() == "*" else (s.strip() for s in scope.split(",")))
        rows.append((configs, re.compile(wrong), right))
    return tuple(rows)


def to_traditional(text: str, config: str = "s2t") -> str:
    for step in _STEPS[config]:
        text = _opencc(step).convert(text)
    text = text.translate(QUOTES)
    for configs, pattern, right in fixes():
        if config in configs:
            text = pattern.sub(right, text)
    return text


def to_simplified(text: str, config: str = "s2t") -> str:
    """The way back from `to_traditional(…, config)`, quotes included."""
    return _opencc(_BACK[config]).convert(text).translate(BACK_QUOTES)


_TAGS = re.compile(r"(<!--.*?-->|<style.*?</style>|<script.*?</script>|<[^>]*>)", re.S | re.I)
_CONTENT = re.compile(r'(<meta [^>]*content=")([^"]*)(")', re.I)


def convert_page(html: str, config: str = "s2t") -> str:
    """A rendered HTML page in Traditional: every text between tags and the meta descriptions;
    tags, styles and attribute names untouched (font names in CSS stay as written)."""
    parts = _TAGS.split(html)
    for i, part in enumerate(parts):
        if not part:
            continue
        if part.startswith("<"):
            if part[:5].lower() == "<meta":
                parts[i] = _CONTENT.sub(lambda m: m[1] + to_traditional(m[2], config) + m[3], part)
            continue
        parts[i] = to_traditional(part, config)
    return "".join(parts)
