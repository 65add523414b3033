"""繁體版 text: Simplified → Traditional with the official OpenCC binding, then our phrase fixes.

Three settings (report.toml `traditional`):
- "s2t": what a mainland Traditional repost prints (the 河西 reference): OpenCC's s2t with the
  common character forms (t2tw: 群眾, 為, 衛生, 啟動, not 羣衆, 爲, 衞生, 啓動) but not Taiwan's
  著 for 着 or 裡 for 裏, then the fixes (布局, 周歲, not 佈局, 週歲); quotes stay “ ” as in the repost.
- "s2hk": Hong Kong forms (羣眾, 衞生, 啓動, 發佈), quotes 「」.
- "s2tw": Taiwan character forms, no Taiwan vocabulary, quotes 「」.
"s2twp" would swap words (社区 → 社群, 发布 → 釋出, 项目 → 專案) and is refused in report.toml.

Names are kept as written: 里 in a place name (万明里小区, 爱国里等92个小区; OpenCC reads it as
裏 "inside"), and the office's list `traditional_keep` (report.toml) for what OpenCC gets wrong
(港云里 would become 港雲里), each kept as written or as given after = ("开滦里=開灤里"). The fixes live in traditional-fixes.tsv beside this file (data, one
regex per line). `to_simplified` is the way back, used to check round trips.
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
# s2t's forms that t2tw would turn into Taiwan's (着 → 著, 裏 → 裡): a mainland repost keeps them
_MAINLAND = re.compile("([着裏])")
# 里 in a place name: before 小区/社区/村/街/巷…, or in a list of them (爱国里等92个)
_PLACE_LI = re.compile(r"(?<=[\u4e00-\u9fff])里(?=小区|社区|新村|村|街|巷|片区|胡同|居委会|等\d)")
_HELD = 0xF0000  # private-use code points hold protected names through the conversion
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


def _convert(text: str, config: str) -> str:
    if config == "s2t":
        parts = _MAINLAND.split(_opencc("s2t").convert(text))
        return "".join(p if i % 2 else _opencc("t2tw").convert(p) for i, p in enumerate(parts))
    for step in _STEPS[config]:
        text = _opencc(step).convert(text)
    return text.translate(QUOTES)


def to_traditional(text: str, config: str = "s2t", keep: tuple[str, ...] | list[str] = ()) -> str:
    held: list[str] = []

    def hold(name: str) -> str:
        held.append(name)
        return chr(_HELD + len(held) - 1)

    for entry in sorted({k.strip() for k in keep if k.strip()}, key=len, reverse=True):
        name, _, shown = entry.partition("=")  # "港云里" as written, or "开滦里=開灤里" as given
        if name.strip() and name.strip() in text:
            text = text.replace(name.strip(), hold(shown.strip() or name.strip()))
    text = _PLACE_LI.sub(lambda m: hold(m[0]), text)
    text = _convert(text, config)
    for configs, pattern, right in fixes():
        if config in configs:
            text = pattern.sub(right, text)
    for i, name in enumerate(held):
        text = text.replace(chr(_HELD + i), name)
    return text


def to_simplified(text: str, config: str = "s2t") -> str:
    """The way back from `to_traditional(…, config)`, quotes included."""
    return _opencc(_BACK[config]).convert(text).translate(BACK_QUOTES)


_TAGS = re.compile(r"(<!--.*?-->|<style.*?</style>|<script.*?</script>|<[^>]*>)", re.S | re.I)
_CONTENT = re.compile(r'(<meta [^>]*content=")([^"]*)(")', re.I)


def convert_page(html: str, config: str = "s2t", keep: tuple[str, ...] = ()) -> str:
    """A rendered HTML page in Traditional: every text between tags and the meta descriptions;
    tags, styles and attribute names untouched (font names in CSS stay as written)."""
    parts = _TAGS.split(html)
    for i, part in enumerate(parts):
        if not part:
            continue
        if part.startswith("<"):
            if part[:5].lower() == "<meta":
                parts[i] = _CONTENT.sub(lambda m: m[1] + to_traditional(m[2], config, keep) + m[3], part)
            continue
        parts[i] = to_traditional(part, config, keep)
    return "".join(parts)
