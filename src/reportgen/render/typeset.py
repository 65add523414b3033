"""The last pass over a rendered press-release page: punctuation and line breaks as an editor sets them.

Works on the HTML text between tags (tags, entities, <head> and <style> left as they are), so it
covers the template's own words as well as the data:
- half-width , : ; ? ! after Chinese text, quotes or brackets become full-width (GB/T 15834),
  also where a tag stands between them;
- a paragraph does not end in a dangling 、，；：;
- a number stays on one line with its unit or 月/日 (3458户, 6.5公里, 1—6月, 85%): it is wrapped in
  `<span style="white-space:nowrap">`, which WeasyPrint honours and which leaves the text itself
  unchanged (pdftotext, copy and paste and search see plain 6.5公里; an inline style also survives
  pasting into a web editor). See docs/press-template-design.md for what was measured.
"""

from __future__ import annotations

import re

from ..numbers import _CJK, UNITS, punctuate

NOWRAP_OPEN = '<span style="white-space:nowrap">'
# a number (a range, 万/亿, 余/多 included) and what follows it: a unit, 月/日, %
NUMBER_UNIT = re.compile(
    r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日|"
    rf"\d+(?:\.\d+)?(?:[—～~\-至]\d+(?:\.\d+)?)?(?:万|亿)?(?:余|多)?(?:%|个百分点|{UNITS}|[{_CJK}])")
_TOKENS = re.compile(r"(<!--.*?-->|<[^>]*>|&[#\w]+;)", re.S)
_BLOCK_END = re.compile(r"</(p|h\d|li|td|th|div)>", re.I)
_DANGLING = re.compile(r"[、，；：,;:]+(\s*)$")


def typeset(html: str) -> str:
    """Punctuation and non-breaking numbers in the <body> of a rendered page."""
    head, sep, body = html.partition("<body")
    if not sep:
        head, body = "", html
    tokens = _TOKENS.split(body)
    prev = ""  # the last character of text seen, across tags, for punctuation after it
    for i, tok in enumerate(tokens):
        if not tok or tok.startswith("<") or (tok.startswith("&") and tok.endswith(";")):
            if tok.startswith("&"):
                prev = "&"
            elif _BLOCK_END.match(tok):
                prev = ""
            continue
        fixed = punctuate(prev + tok)[len(prev):] if prev else punctuate(tok)
        if _next_closes_block(tokens, i):
            fixed = _DANGLING.sub(lambda m: "。" + m[1], fixed)
        prev = fixed.rstrip()[-1:] or prev
        tokens[i] = NUMBER_UNIT.sub(lambda m: f"{NOWRAP_OPEN}{m[0]}</span>", fixed)
    return head + sep + "".join(tokens)


def _next_closes_block(tokens: list[str], i: int) -> bool:
    """Whether only tags (no text) stand between token i and the end of its paragraph."""
    for tok in tokens[i + 1:]:
        if _BLOCK_END.match(tok):
            return True
        if tok and not tok.startswith("<"):
            return not tok.strip()
    return False
