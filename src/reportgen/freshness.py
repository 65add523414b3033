"""Stale inputs: a workbook made for another period, and progress text copied from the previous period.

- The period of a file: the stamp `new-period` wrote into it (read/stamp.py) decides. Without a
  stamp, a title naming another period ("2026年一季度…填报表" above the header, or the first row of
  another sheet, such as a 问题清单 left from an earlier round) is the evidence; a title naming
  this period clears the file. A file from another period has every row set aside: its figures
  are that period's, never this one's.
- Stale text: a 进展情况 identical to the one accepted for the task in the previous period, unless
  the task was done then and is done now (a finished task's text may rightly stay the same).
"""

from __future__ import annotations

import re
import unicodedata

from .codes import issue
from .model import DONE, Dataset, Issue, Period, Progress, SetAside, Submission, Workspace
from .numbers import fmt_date
from .read.config import PERIOD_KINDS, PERIOD_RE, split_period

_RANGE = r"\s*[-—–~～至到]\s*"
# (kind, words naming it); 二季度 is reported as of June 30 like 上半年, 四季度 and 下半年 like 全年
_KIND_WORDS = [
    ("Q3", r"前三季度|1" + _RANGE + r"9\s*月|一至九月|第?三季度|Q3"),
    ("Q1", r"第?一季度|1\s*季度|一季|1" + _RANGE + r"3\s*月|一至三月|Q1"),
    ("H1", r"上半年|第?二季度|2\s*季度|1" + _RANGE + r"6\s*月|一至六月|H1"),
    ("FY", r"全年(?!目标|任务|计划)|下半年|第?四季度|4\s*季度|1" + _RANGE + r"12\s*月|一至十二月|FY"),
]
_KIND = "|".join(f"(?P<{kind}>{words})" for kind, words in _KIND_WORDS)
# a year must name it: 2026年一季度, 2026Q1 (a bare 全年 may be 全年目标 in any period's title)
_NAMED = re.compile(r"(?P<year>(?:19|20)\d{2})\s*(?:年\s*度?)?\s*(?:" + _KIND + r")", re.I)
_AS_OF = re.compile(r"截[至止]\s*(?:(?P<year>(?:19|20)\d{2})\s*年\s*)?(?P<month>3|6|9|12)\s*月\s*(?:底|末|\d{1,2}\s*日)")
_MONTH_KIND = {3: "Q1", 6: "H1", 9: "Q3", 12: "FY"}


def periods_named(text: str) -> list[tuple[int | None, str]]:
    """(year or None, kind) of every period a title names: 2026年一季度 → (2026, "Q1")."""
    s = unicodedata.normalize("NFKC", text or "")
    found = []
    for m in _NAMED.finditer(s):
        kind = next(k for k, _ in _KIND_WORDS if m.group(k))
        found.append((int(m["year"]) if m["year"] else None, kind.upper()))
    for m in _AS_OF.finditer(s):
        found.append((int(m["year"]) if m["year"] else None, _MONTH_KIND[int(m["month"])]))
    return found


def period_label(year: int | None, kind: str) -> str:
    label = PERIOD_KINDS[kind][2]
    return f"{year}年{label}" if year else label


def _matches(named: tuple[int | None, str], period: Period) -> bool:
    year, kind = named
    return kind == period.kind and (year is None or year == period.year)


def other_period(sub: Submission, period: Period) -> tuple[str, str, str, str] | None:
    """(the other period, the evidence, sheet, cell) when the file was made for another period, else None."""
    stamp = sub.period_stamp.strip().upper()
    if PERIOD_RE.match(stamp):
        if stamp == period.code:
            return None
        year, kind = split_period(stamp)
        return period_label(year, kind), f"文件内的报告期标记为 {stamp}", "", ""
    own = [t for t in sub.titles if t[0] == sub.sheet]
    others = [t for t in sub.titles if t[0] != sub.sheet]
    for lines in (own, others):
        named = [(n, line) for line in lines for n in periods_named(line[2])]
        if any(_matches(n, period) for n, _ in named):
            return None
        if named:
            (year, kind), (sheet, cell, text) = named[0]
            shown = text if len(text) <= 30 else text[:30] + "…"
            return period_label(year or period.year, kind), f"{sheet}!{cell} 写的是“{shown}”", sheet, cell
    return None


def file_periods(ws: Workspace) -> tuple[list[Issue], list[SetAside], set[int]]:
    """Files made for another period: an error each, their rows set aside, and their ids (id(sub)) to skip."""
    issues: list[Issue] = []
    aside: list[SetAside] = []
    skipped: set[int] = set()
    current = period_label(ws.period.year, ws.period.kind)
    for sub in ws.submissions:
        found = other_period(sub, ws.period)
        if found is None:
            continue
        label, evidence, sheet, cell = found
        issues.append(issue("E-FILE-OTHER-PERIOD", found=label, evidence=evidence, current=current,
                            file=sub.path.name, sheet=sheet, cell=cell, department=sub.department))
        reason = f"不是本期的填报表（是{label}的）"
        aside += [SetAside(p.source, p.task_id, p.department, reason) for p in sub.rows]
        skipped.add(id(sub))
    return issues, aside, skipped


def _key(text: str) -> str:
    """Texts compared as a reader sees them: width, spaces and a final full stop aside."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text or "")).rstrip("。.")


def stale_texts(ws: Workspace, chosen: dict[str, Progress], at) -> list[Issue]:
    """W-PROGRESS-STALE for each accepted row whose text is the previous period's, word for word."""
    previous: Dataset | None = ws.previous
    if previous is None:
        return []
    from .compare import comparison_label

    before = {m.task.task_id: m for m in previous.tasks if m.progress is not None}
    label = comparison_label(previous.period, ws.period)
    found = []
    for task_id, p in chosen.items():
        m = before.get(task_id)
        if m is None or not _key(p.progress_text) or _key(p.progress_text) != _key(m.progress.progress_text):
            continue
        if p.status == DONE and m.status == DONE:
            continue
        found.append(issue("W-PROGRESS-STALE", previous=label, as_of=fmt_date(ws.period.as_of), **at(p, "progress_text")))
    return found
