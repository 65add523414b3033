"""How a task's target and progress read in a press release: the wording rules in one place.

A department writes its progress as it likes ("目前，已建成…", "完成选址…", "1—6月份，共计…",
"加强养老服务人才培养培训，全市…"). Published bulletins join target and progress naturally:
- 目前， only where the progress needs a time word: not before a text that already opens with one
  (截至…, 1—6月份, 今年以来), with a connective (同时, 此外, 在城区，), a list marker (①, 一是),
  已/正在/目前, or its own subject (项目正在…, 全区已…); never twice in one paragraph, and never in
  forms that do not use it (by-theme, numbered-list, completed-first narrate without it);
- 已 before a bare verb of completion in unfinished work ("完成选址" → "已完成选址");
- no echo: a progress repeating its target's words starts after them;
- a completed task is said to be done once, by the form (该项目已完成。 / the completed list), so a
  progress that only says "已完成年度目标任务" adds nothing and is left out.

`compose()` applies these to one task; `one_now_per_paragraph()` to the sentences sharing a paragraph.
"""

from __future__ import annotations

import re

from ..numbers import tidy

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
_OPENS_ITSELF = re.compile(rf"^(?:{_TIME}|{_CONNECTIVE}|{_LIST}|{_ALREADY}|{_SUBJECT})")
_LEAD_PUNCT = re.compile(r"^[，,；;：:、\s]+")
# verbs that state something done: unfinished work says 已 before them (目前，已完成…)
_COMPLETIVE = re.compile(r"^(?:完成|建成|建设完成|发放|新增|改造|开展|举办|安装|铺设|培训|签订|确定|组织|实现|惠及|新建|改建|"
                         r"打造|投入|制定|出台|招录|救助|慰问|受理|选派|创建|落实|引进|提供|帮扶|筹集|吸纳)(?!了?[，。]?$)")
# a sentence that only says the task is done, which the form already says
_ONLY_DONE = re.compile(r"^(?:该项目|该项工作|项目|此项工作|本项工作)?(?:已|均已)?(?:全部|全面|顺利|提前)?"
                        r"(?:完成|建成|办结|完工)(?:了)?(?:年度|全年)?(?:目标)?(?:任务)?(?:工作)?[。！；，]?$")
_NOW_BEFORE = re.compile(rf"目前[，,]\s*(?=(?:{_TIME}|{_CONNECTIVE}|{_LIST}))")


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


def clean(text: str) -> str:
    """What a department wrote, tidied for print (GB/T 15834/15835): full-width punctuation, ranges
    1～2, dates in words; no dangling mark at the end; "目前，" dropped where a connective, time
    phrase or list marker follows it, and kept once."""
    text = tidy(text or "")
    text = _NOW_BEFORE.sub("", text)
    text = keep_first_now(text)
    return sentence(text)


def keep_first_now(text: str, seen: bool = False) -> str:
    """At most one 目前 in a text: later "目前，" removed (all of them when `seen`)."""
    out, used = [], seen
    for part in re.split(r"(目前[，,]?)", text):
        if part.startswith("目前") and re.fullmatch(r"目前[，,]?", part):
            if used:
                continue
            used = True
        out.append(part)
    return "".join(out)


def without_echo(target: str, progress: str) -> str:
    """The progress without the target's words it starts with ("加强培训。" + "加强培训，全市…" → "全市…")."""
    p = progress.strip()
    t = clause(target)
    if not t or not p:
        return p
    if clause(p) == t:
        return ""
    clauses = [c for c in re.split(r"[，；。,;]", t) if c]
    # the whole target first, then its leading clauses, longest first
    for i in range(len(clauses), 0, -1):
        head = "，".join(clauses[:i]) if i < len(clauses) else t
        for lead in (head, head.replace("，", ",")):
            whole = i == len(clauses)  # the whole target repeated is an echo however short
            if (whole or len(lead) >= 4) and p.startswith(lead) and (len(p) == len(lead) or p[len(lead)] in "，。；：,;: "):
                return _LEAD_PUNCT.sub("", p[len(lead):])
    return p


def without_done_restatement(progress: str) -> str:
    """A completed task's progress without sentences that only say it is done."""
    parts = [s for s in re.split(r"(?<=[。！？；])", progress) if s.strip()]
    kept = [s for s in parts if not _ONLY_DONE.match(s.strip())]
    return "".join(kept)


def opens_itself(text: str) -> bool:
    """Whether a progress needs no 目前: it opens with a time phrase, a connective, a list marker,
    已/正在/目前, or has its own subject before 已/正在 in its first clause (项目正在…, 全区已…)."""
    if _OPENS_ITSELF.match(text):
        return True
    first = re.split(r"[，。；：,;:]", text, maxsplit=1)[0]
    return bool(re.search(r"(?<=.)(?:已|正在|均|全部|目前|累计|共计)", first)) and not _COMPLETIVE.match(text)


def with_already(text: str) -> str:
    """已 before a bare verb of completion: "完成选址" → "已完成选址"; "目前，完成…" → "目前，已完成…"."""
    if text.startswith(NOW):
        return NOW + with_already(text[len(NOW):])
    return "已" + text if _COMPLETIVE.match(text) else text


def compose(target: str, written: str, *, done: bool, now: bool) -> str:
    """The progress sentence published after a task's target.

    `written` is the department's text (cleaned); `now` whether the form introduces unfinished
    work with 目前 where the text needs it. Returns "" when nothing is left to say."""
    text = without_echo(target, written)
    if done:
        return sentence(without_done_restatement(text))
    text = with_already(text)
    if now and text and not opens_itself(text) and "目前" not in text:
        text = NOW + text
    return sentence(text)


def one_now_per_paragraph(sentences: list[str]) -> list[str]:
    """Sentences that share a paragraph keep only the first 目前."""
    out, seen = [], False
    for s in sentences:
        out.append(keep_first_now(s, seen))
        seen = seen or "目前" in s
    return out
