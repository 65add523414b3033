"""What an editor checks in a press release, as functions the form and reference tests share."""

from __future__ import annotations

import html as html_lib
import re
import subprocess
from pathlib import Path

from docx import Document

CJK = "\u3400-\u9fff"
NOW_BEFORE_LEAD = re.compile(
    r"目前[，,]\s*(同时|此外|另外|其中|并且|自\d|从|在[^，。]{1,5}，|[①-⑳]|[一二三四五六七八九十]是|\d{1,2}[—～-]\d{1,2}月|"
    r"截至|截止|今年以来|年初以来|\d{1,2}月)")
HALF_WIDTH_AFTER_CJK = re.compile(rf"[{CJK}”’》）」』][,:;]")


def pdf_lines(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def pdf_text(path: Path) -> str:
    return re.sub(r"\s+", "", "".join(pdf_lines(path)))


def docx_paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text.strip()]


def html_paragraphs(path: Path) -> list[str]:
    body = path.read_text(encoding="utf-8").split("<body", 1)[1]
    body = re.sub(r'<div class="watermark".*?</div>', "", body, flags=re.S)
    blocks = re.findall(r"<(h\d|p)\b[^>]*>(.*?)</\1>", body, re.S)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", inner)).strip() for _, inner in blocks]


def numbers_split_from_units(lines: list[str]) -> list[tuple[str, str]]:
    """Line pairs where a line ends with a digit and the next opens with its unit (or 月, 日, %)."""
    return [(a, b) for a, b in zip(lines, lines[1:]) if re.search(r"\d$", a) and re.match(rf"[{CJK}%]", b)
            and not re.fullmatch(r"[—\s\d]+", a)]


def editor_problems(text: str, *, max_now: int | None = None) -> list[str]:
    """Machine-made marks in a release's text (one string, paragraphs joined by newlines)."""
    found = []
    if max_now is not None and text.count("目前") > max_now:
        found.append(f"目前 {text.count('目前')} 次，多于 {max_now}")
    found += [f"目前在连接词、时间或序号前：{m.group(0)}" for m in NOW_BEFORE_LEAD.finditer(text)]
    found += [f"中文后的半角标点：{text[max(0, m.start() - 8):m.end()]}" for m in HALF_WIDTH_AFTER_CJK.finditer(text)]
    for para in text.splitlines():
        if para.count("目前") > 1:
            found.append(f"一段里两个目前：{para[:30]}")
        if para.endswith(("、", "；", "，")):
            found.append(f"段末悬挂标点：{para[-20:]}")
    return found


def echoed_targets(text: str, targets: list[str]) -> list[str]:
    """Targets whose words appear twice in a row (target, then progress starting with it)."""
    out = []
    for t in targets:
        t = re.sub(r"[。！？；，\s]+$", "", t)
        if len(t) >= 6 and (text.count(t + "。" + t) or text.count(t + "。目前，" + t) or text.count(t + "，" + t)):
            out.append(t)
    return out
