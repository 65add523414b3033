"""Numbers as people type them, and numbers as bulletins print them.

Parsing takes what a cell holds (`1.4万`, `１２３`, `3,822`, `2000余`, `85%`)
and returns a float. Formatting follows GB/T 15835-2011: Arabic numerals,
万/亿 for large numbers, no trailing zeros, dates without leading zeros.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

_NUMBER = re.compile(
    r"^(?P<approx_pre>约|大约|近|超过|逾)?\s*"
    r"(?P<num>[+-]?\d+(?:\.\d+)?)\s*"
    r"(?P<mag>万|亿)?\s*"
    r"(?P<approx_post>余|多|\+)?\s*"
    r"(?P<unit>[^\d\s]{0,6})$"
)
_MAGNITUDE = {"万": 1e4, "亿": 1e8, None: 1.0}


@dataclass(frozen=True)
class ParsedNumber:
    value: float  # the whole amount: 1.4万 → 14000
    approximate: bool = False
    unit: str = ""  # what followed the number and its 万/亿: 3822万元 → 元
    magnitude: float = 1.0  # 1e4 for 万, 1e8 for 亿, 1 when none was typed


def normalize_text(s: str) -> str:
    """Full-width digits and letters to half-width, thousands separators out."""
    s = unicodedata.normalize("NFKC", s).strip()
    s = re.sub(r"(?<=\d)[,，](?=\d{3}\b)", "", s)
    return s.replace("，", ",")


def parse_number(value: object) -> ParsedNumber | None:
    """A number from a cell value, or None when the text is not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return ParsedNumber(float(value))
    s = normalize_text(str(value))
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)
    m = _NUMBER.match(s)
    if not m:
        return None
    unit = m["unit"] or ""
    if unit.startswith("%"):
        return None  # a percentage is not an amount
    mag = _MAGNITUDE[m["mag"]]
    return ParsedNumber(float(m["num"]) * mag, bool(m["approx_pre"] or m["approx_post"]), unit, mag)


def unit_scale(unit: str) -> tuple[str, float]:
    """A plan's 计量单位 as (base unit, size): 万元 → (元, 1e4), 亿元 → (元, 1e8), 人次 → (人次, 1)."""
    u = re.sub(r"\s", "", unicodedata.normalize("NFKC", unit or ""))
    for prefix, size in (("亿", 1e8), ("万", 1e4)):
        if u.startswith(prefix):
            return u[len(prefix):], size
    return u, 1.0


def in_unit(value: object, unit: str) -> float | None:
    """An amount as typed, expressed in the plan's unit.

    A number typed without 万/亿 is already in the plan's unit (5000 with plan 万元 is 5000万元);
    one typed with 万/亿 is converted: 3822万元 is 3822 for plan 万元 and 38220000 for plan 元;
    1.4万人次 and 14000人次 are both 1.4 for plan 万人次.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    n = parse_number(value)
    if n is None:
        return None
    base, size = unit_scale(unit)
    if n.magnitude != 1.0 or (size != 1.0 and n.unit and n.unit == base):
        return _clean_float(n.value / size)
    return n.value


def _clean_float(x: float) -> float:
    """3822.0000000000005 → 3822.0: float noise from scaling by 万/亿 removed."""
    return round(x, 9)


_TEXT_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万|亿)?")


def numbers_in_text(text: str) -> list[tuple[float, float]]:
    """Every number written in a text, as (number as written, 万/亿 size): whole numbers only,
    so `2025年` gives 2025 (never 2 or 202); full-width digits and thousands separators understood."""
    s = unicodedata.normalize("NFKC", text or "")
    s = re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", s)
    return [(float(m[1]), _MAGNITUDE[m[2]]) for m in _TEXT_NUMBER.finditer(s)]


def parse_percent(value: object, cell_is_percent: bool = False) -> float | None:
    """A percentage as a number of percent: `85%`, `85`, `112.8%`, or 0.85 in a
    cell formatted as percent all give 85.0 / 112.8."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) * 100 if cell_is_percent else float(value)
    s = normalize_text(str(value)).replace("％", "%").strip()
    m = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)\s*%?", s)
    if not m:
        return None
    return float(m[1])


# ---- formatting (Jinja filters) -------------------------------------------


def _trim(x: float, digits: int) -> str:
    s = f"{x:.{digits}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def fmt_num(value: float | int | None, digits: int = 2) -> str:
    """14000 → 1.4万, 345000000 → 3.45亿, 38220000 → 3822万, 15254 → 15254.

    万/亿 only where they keep every figure: a bulletin must stay exact.
    """
    if value is None:
        return ""
    v = float(value)
    for unit, size in (("亿", 1e8), ("万", 1e4)):
        scaled = v / size
        if abs(v) >= size and abs(scaled - round(scaled, digits)) < 1e-9:
            return _trim(scaled, digits) + unit
    return _trim(v, digits)


def fmt_percent(value: float | None, digits: int = 1) -> str:
    """85 → 85%, 112.84 → 112.8%."""
    if value is None:
        return ""
    return _trim(float(value), digits) + "%"


def fmt_date(value: date | datetime | None) -> str:
    """2025-07-10 → 2025年7月10日."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


_WRITTEN_DATE = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?)?\s*(?:月)?(?:\s+0?0:00(?::00)?)?\s*$")


def fmt_when(value: object) -> str:
    """A date as typed, in the one form the documents use: 2025-06-15, 2025/6/15 → 2025年6月15日,
    2025-10 → 2025年10月; words (10月底, 年底前) are kept as they are."""
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return fmt_date(value)
    m = _WRITTEN_DATE.match(str(value))
    if not m or not 1 <= int(m[2]) <= 12:
        return str(value)
    return f"{m[1]}年{int(m[2])}月{int(m[3])}日" if m[3] else f"{m[1]}年{int(m[2])}月"


def fmt_month_end(value: date) -> str:
    """2025-06-30 → 6月底 (as bulletins say 截至6月底)."""
    return f"{value.month}月底"


def fmt_iso(value: date | None) -> str:
    """Tables use hyphenated dates."""
    return value.isoformat() if value else ""


CN_DIGITS = "零一二三四五六七八九"


def cn_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一, 100 → 一百, 105 → 一百零五, 110 → 一百一十 (for headings 一、).
    Beyond 9,999 (no document has that many headings) the Arabic number."""
    if not 0 <= n < 10000:
        return str(n)
    if n < 20:
        return CN_DIGITS[n] if n < 10 else "十" + (CN_DIGITS[n - 10] if n > 10 else "")
    digits = [int(d) for d in f"{n:04d}"]
    out, gap = "", False
    for digit, unit in zip(digits, ("千", "百", "十", "")):
        if digit == 0:
            gap = bool(out)
            continue
        out += ("零" if gap else "") + CN_DIGITS[digit] + unit
        gap = False
    return out


FILTERS = {
    "num": fmt_num,
    "pct": fmt_percent,
    "cndate": fmt_date,
    "month_end": fmt_month_end,
    "isodate": fmt_iso,
    "cn": cn_ordinal,
}


# ---- tidying submitted prose for publication (GB/T 15834, 15835) -----------

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
# units of more than one character a figure carries (3957户 is caught by any one character after it)
UNITS = "人次|户次|家次|场次|批次|平方米|平方公里|立方米|公里|千米|延米|万元|亿元|百分点"
# what a full-width mark follows: Chinese text, and the closing quotes and brackets around it
_AFTER = rf"{_CJK}”’》）」』〉】"
_WIDE = str.maketrans("０１２３４５６７８９％．", "0123456789%.")
_PUNCTUATION_RULES = [
    (re.compile(rf'"([^"]*[{_CJK}][^"]*)"'), r"“\1”"),
    (re.compile(rf"\(([^()]*[{_CJK}][^()]*)\)"), r"（\1）"),
    (re.compile(rf"(?<=[{_AFTER}\d%])\s*,\s*"), "，"),
    (re.compile(rf"(?<=[{_AFTER}\d%])\s*;\s*"), "；"),
    (re.compile(rf"(?<=[{_AFTER}])\s*:\s*"), "："),
    (re.compile(rf"(?<=[{_AFTER}])\s*\?"), "？"),
    (re.compile(rf"(?<=[{_AFTER}])\s*!"), "！"),
    (re.compile(rf"(?<=[{_AFTER}\d%])\.$"), "。"),
    (re.compile(rf"(?<=[{_AFTER}%])\.[ \t]*(?=[{_CJK}“（《「])"), "。"),  # 验收.柳湾镇 → 验收。柳湾镇 (not 0.5, not 1.)
    (re.compile(r"[ \t]+(?=[，。、；：？！）」』”》])|(?<=[（「『“《，。、；：])[ \t]+"), ""),
    (re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[“（《「『])|(?<=[”）》」』])[ \t]+(?=[{_CJK}])"), ""),
]
_RANGE = re.compile(
    rf"(?<![\d.\-－—～~])(0|[1-9]\d*(?:\.\d+)?)(%|万|亿)?\s*[-－–—~～]\s*(0|[1-9]\d*(?:\.\d+)?)(%|万|亿)?"
    rf"(?:(?<=[%万亿])|(?=[{_CJK}%]))")


def _range(m: re.Match) -> str:
    """1-2所 → 1～2所, 18-25% → 18%～25%, 2-5万 → 2万～5万, 1-6月 → 1—6月 (a span of time)."""
    a, unit_a, b, unit_b = m[1], m[2] or "", m[3], m[4] or ""
    after = m.string[m.end():m.end() + 1]
    if after in "年月日时" and not unit_b:
        return f"{a}—{b}"
    return f"{a}{unit_a or unit_b}～{b}{unit_b}"


_TIDY_RULES = [
    (re.compile(r"(?<=\d),(?=\d{3}(?!\d))"), ""),  # 3,822 → 3822
    (re.compile(rf"(?<=[{_CJK}])\s+(?=[\d\w%])|(?<=[\d%])\s+(?=[{_CJK}])|(?<=\d)\s+(?=%)"), ""),  # 48 座 → 48座
    *_PUNCTUATION_RULES,
    (re.compile(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])"),
     lambda m: f"{m[1]}年{int(m[2])}月{int(m[3])}日"),
    (_RANGE, _range),
]


def punctuate(text: str) -> str:
    """Full-width punctuation after Chinese text, quotes and brackets (GB/T 15834): “A”,B → “A”，B."""
    for pattern, repl in _PUNCTUATION_RULES:
        text = pattern.sub(repl, text)
    return text


def tidy(text: str) -> str:
    """Submitted prose as a bulletin prints it: half-width digits, full-width punctuation,
    no spaces around numbers in Chinese, no thousands separators, dates in words, ranges 1～2."""
    text = text.translate(_WIDE).strip()
    for pattern, repl in _TIDY_RULES:
        text = pattern.sub(repl, text)
    return text
