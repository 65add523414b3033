"""How a task's target and progress read in a press release: the wording rules in one place.

A department's progress is printed as the department wrote it. A form arranges sentences: it may
join them with full stops, make punctuation full-width and drop a 目前， (or 截至X月底，) that opens a
sentence; it never inserts or deletes words inside a sentence and never touches what stands
inside quotation marks. What the rules decide is therefore only what the form adds around them:
- 目前， before a progress that needs a time word (by-project only): not before a text that opens
  with one (截至…, 1—6月份, 今年以来), with a connective (同时, 此外, 在城区，), a list marker
  (①, 一是), 已/正在/目前, or its own subject (项目正在…, 全区已…); never twice in a paragraph;
- the target sentence only where the progress does not already say it (`says_target`: same words,
  or every figure of the target with its unit), so a target is never echoed;
- the form's status phrase (该项目已完成) only where the progress does not already say so.
A bare verb of completion in unfinished work ("完成选址") is left as written: an added 已 can turn a
fact around (已新建……目前尚未开展); only the department may write it.

`compose()` gives one task's progress; `one_now_per_paragraph()` works on sentences sharing a paragraph.
"""

from __future__ import annotations

import re

from ..numbers import UNITS, tidy

END = "。！？"
NOW = "目前，"
# what a progress may open with that makes 目前 superfluous
_TIME = (r"目前|当前|现已|现阶段|截至|截止|今年以来|年初以来|入冬以来|开工以来|今年|去年|年内|年初|近期|近日|日前|此前|期间|"
         r"上半年|下半年|一季度|二季度|三季度|四季度|前三季度|全年|[一二三四五六七八九十]+月|"
         r"自\S|从\S{1,12}(起|开始|以来)|\d{4}年|\d{1,2}\s*[—～\-至]\s*\d{1,2}\s*月|\d{1,2}月")
_CONNECTIVE = (r"同时|此外|另外|另|其中|并且|并|且|还|以及|而且|但是|但|因此|为此|为了|为|通过|围绕|按照|依据|根据|结合|依托|针对|"
               r"对于|随着|经过|据统计|据了解|据悉|总体上?|整体上?|"
               r"在[^，。；：]{1,14}(?:方面|领域|期间|过程中|基础上|之外)[，：]?|在[^，。；：]{1,5}[，：]")
_LIST = r"[①-⑳]|[一二三四五六七八九十]+是|[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\(\d+\)|\d+[、.．]|第[一二三四五六七八九十]"
_ALREADY = r"已|正在|均已|均在|现|尚|仍|正|将|拟|计划|预计"
_SUBJECT = r"[全我本][市区县省镇乡]|各(?:街镇|街道|乡镇|区县|区|县|镇|单位|部门)|该项目|项目|工程"
_OPENS_LINKED = re.compile(rf"^(?:{_TIME}|{_CONNECTIVE}|{_LIST})")
_OPENS_ITSELF = re.compile(rf"^(?:{_TIME}|{_CONNECTIVE}|{_LIST}|{_ALREADY}|{_SUBJECT})")
# verbs that state something done: a progress opening with one is not "its own subject" (needs 目前)
_COMPLETIVE = re.compile(r"^(?:完成|建成|建设完成|发放|新增|改造|开展|举办|安装|铺设|培训|签订|确定|组织|实现|惠及|新建|改建|"
                         r"打造|投入|制定|出台|招录|救助|慰问|受理|选派|创建|落实|引进|提供|帮扶|筹集|吸纳)(?!了?[，。]?$)")
# a sentence that only says the task is done
_ONLY_DONE = re.compile(r"^(?:该项目|该项工作|项目|此项工作|本项工作)?(?:已|均已)?(?:全部|全面|顺利|提前)?"
                        r"(?:完成|建成|办结|完工)(?:了)?(?:年度|全年)?(?:目标)?(?:任务)?(?:工作)?[。！；，]?$")
_SAYS_DONE = re.compile(r"该项目已完成|已完成年度目标任务|已全部完成|均已完成|已全面完成")
_SENTENCE_START = r"(?:^|(?<=[。！？]))"
_NOW_BEFORE = re.compile(rf"{_SENTENCE_START}目前[，,]\s*(?=(?:{_TIME}|{_CONNECTIVE}|{_LIST}))")
_LEADING_NOW = re.compile(rf"{_SENTENCE_START}目前[，,]?")
# a figure with its unit (3957户, 9.9万平方米, 85%): what a target says that its progress must repeat
_FIGURE = re.compile(rf"\d+(?:\.\d+)?(?:万|亿)?(?:%|个百分点|{UNITS}|[^\d\s，。；、：,.;:（）()“”])?")
_PUNCT = re.compile(r"[，。；、：！？,.;:!?\s“”‘’（）()《》]")


def sentence(text: str) -> str:
    """Trimmed text ending as a sentence: a dangling ，、；： becomes 。, and 。 is added where none ends it.
    A closing quote or bracket ends a sentence only when a 。！？ stands before it."""
    text = re.sub(r"[，、；：,;:\s]+$", "", text.strip())
    if not text:
        return ""
    if text[-1] in END or (text[-1] in "”’」』）)" and len(text) > 1 and text[-2] in END):
        return text
    return text + "。"


def clause(text: str) -> str:
    """A sentence without its final stop, to be joined into a longer one."""
    return re.sub(r"[。！？；，、：,;:\s]+$", "", text.strip())


def sentences(text: str) -> list[str]:
    """A text's sentences, each with its final stop; a 。 inside quotation marks ends none."""
    out, start, depth = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "“‘「『":
            depth += 1
        elif ch in "”’」』":
            depth = max(0, depth - 1)
        elif ch in END and depth == 0:
            out.append(text[start:i + 1])
            start = i + 1
    if text[start:].strip():
        out.append(text[start:])
    return [s for s in (x.strip() for x in out) if s]


def clean(text: str) -> str:
    """What a department wrote, tidied for print (GB/T 15834/15835): full-width punctuation, ranges
    1～2, dates in words; no dangling mark at the end; a 目前， that opens a sentence dropped where a
    connective, time phrase or list marker follows it, and kept once. Nothing inside a sentence changes."""
    text = tidy(text or "")
    text = _NOW_BEFORE.sub("", text)
    text = keep_first_now(text)
    return sentence(text)


def keep_first_now(text: str, seen: bool = False) -> str:
    """At most one 目前 opening a sentence: later ones dropped (all of them when `seen`).
    A 目前 inside a sentence is the department's word and stays."""
    used = seen

    def drop(m: re.Match) -> str:
        nonlocal used
        if used:
            return ""
        used = True
        return m[0]

    return _LEADING_NOW.sub(drop, text)


def _covered(target: str, text: str, least: int = 4) -> float:
    """Share of the target's characters found in `text` in runs of at least `least` characters."""
    t = _PUNCT.sub("", target)
    if not t:
        return 0.0
    covered, i = 0, 0
    while i < len(t):
        n = 0
        while i + n < len(t) and t[i:i + n + 1] in text:
            n += 1
        if n >= least:
            covered += n
            i += n
        else:
            i += 1
    return covered / len(t)


def says_target(target: str, progress: str) -> bool:
    """Whether the progress already says what the target says: the target's words in it, or every
    clause of the target said there, a clause with figures by its figures with their units (新建口袋公园
    4处 / 已建成4处口袋公园), one without by nearly all its words."""
    t, p = clause(target), progress
    if not t or not p:
        return False
    if t in p:
        return True
    for part in (c for c in re.split(r"[，；,;]", t) if c.strip()):
        figures = _FIGURE.findall(part)
        if not (all(f in p for f in figures) if figures else _covered(part, p) >= 0.75):
            return False
    return True


def says_done(progress: str) -> bool:
    """Whether the department's text says itself that the task is done (then the form does not)."""
    return bool(_SAYS_DONE.search(progress)) or any(_ONLY_DONE.match(s) for s in sentences(progress))


def only_says_done(progress: str) -> bool:
    """Whether the text says nothing but that the task is done (已完成年度目标任务), or nothing at all."""
    return all(_ONLY_DONE.match(s) for s in sentences(progress))


def opens_linked(text: str) -> bool:
    """Whether a text opens with its own link to what precedes it (同时, 在城区，, 围绕…, 截至…, ①):
    then the form puts no link of its own before it."""
    return bool(_OPENS_LINKED.match(text))


def opens_itself(text: str) -> bool:
    """Whether a progress needs no 目前: it opens with a time phrase, a connective, a list marker,
    已/正在/目前, or has its own subject before 已/正在 in its first clause (项目正在…, 全区已…)."""
    if _OPENS_ITSELF.match(text):
        return True
    first = re.split(r"[，。；：,;:]", text, maxsplit=1)[0]
    return bool(re.search(r"(?<=.)(?:已|正在|均|全部|目前|累计|共计)", first)) and not _COMPLETIVE.match(text)


def compose(target: str, written: str, *, done: bool, now: bool) -> str:
    """The progress as published: the department's text (`written`, cleaned), with 目前， before an
    unfinished task's text that needs a time word when the form uses it (`now`). Nothing else changes."""
    text = written.strip()
    if not done and now and text and not opens_itself(text) and "目前" not in text:
        text = NOW + text
    return sentence(text)


def one_now_per_paragraph(sentences: list[str]) -> list[str]:
    """Texts that share a paragraph keep only the first 目前 that opens a sentence."""
    out, seen = [], False
    for s in sentences:
        out.append(keep_first_now(s, seen))
        seen = seen or "目前" in s  # a 目前 opening a sentence or inside one
    return out
