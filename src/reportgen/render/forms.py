"""The forms of a press release (report.toml `form`), each one real bulletin's structure.

A form is a template, `press-release.html.j2` for by-project (the default) and
`press-release-<form>.html.j2` for the others; it is the one source of the release in every format
and variant. This module gives the templates what each form needs beyond the tasks: the lead
sentence with counts that add up, and the paragraphs the narrative forms join tasks into, with the
wording rules (`wording.py`) applied per paragraph.

- by-project (津南): a heading per project; target, then progress with 目前 where needed.
- completed-first (a 成绩单): completed work listed once in one paragraph, then 一是…二是… per group
  of unfinished work, then service-type tasks (任务类型 管理服务类) in a 此外 paragraph.
- by-theme (承德): one paragraph per 领域, opened by the office's theme sentence (period.toml [themes]).
- numbered-list (天宁): 一、 headings, tasks 1、2、 with target and progress run on, no 目前 added.
"""

from __future__ import annotations

import re

from ..merge import group_tasks
from ..model import FORMS, NOT_ADOPTED, NOT_REPORTED, Counts, Dataset, MergedTask
from ..numbers import cn_ordinal, fmt_date, tidy
from . import wording

DEFAULT = FORMS[0]
# forms that introduce unfinished work with 目前 where the text needs it
USES_NOW = {"by-project"}
MISSING_NOTE = {NOT_REPORTED: "（进展情况未报送）", NOT_ADOPTED: "（进展情况待核实）"}


def template_name(form: str) -> str:
    return "press-release.html.j2" if form == DEFAULT else f"press-release-{form}.html.j2"


def uses_now(form: str) -> bool:
    """Custom forms follow the default's wording."""
    return form in USES_NOW or form not in FORMS


def task_words(m: MergedTask, form: str) -> dict:
    """A task's public words: target, progress as written (cleaned) and as the form composes it."""
    target = wording.sentence(tidy(m.task.target_text))
    written = wording.clean(m.progress.progress_text) if m.progress else ""
    return {
        "target": target,
        "written": written,
        "progress": wording.compose(target, written, done=m.done, now=uses_now(form)) if m.reported else "",
        "note": MISSING_NOTE.get(m.status, ""),
    }


def as_of_phrase(ds: Dataset) -> str:
    as_of = ds.period.as_of
    return f"截至{as_of.year}年{as_of.month}月底" if as_of.day >= 28 else f"截至{fmt_date(as_of)}"


def _rest(n: Counts, done_said: bool) -> str:
    """What is not done, adding up: N项正在加快推进, M项进展情况未报送/待核实."""
    parts = []
    if n.in_progress:
        word = "其余" if done_said and not n.missing else ""
        parts.append(f"{word}{n.in_progress}项正在加快推进")
    if n.not_reported:
        parts.append(f"{n.not_reported}项进展情况未报送")
    if n.not_adopted:
        parts.append(f"{n.not_adopted}项进展情况待核实")
    return "，".join(parts)


def _quoted(names: list[str], limit: int = 3) -> str:
    """“A”“B”“C”等 — no 顿号 between quoted names (GB/T 15834)."""
    shown = "".join(f"“{n}”" for n in names[:limit])
    return shown + ("等" if len(names) > limit else "")


def lead(ds: Dataset, form: str) -> str:
    """The counts sentence that opens the release; done + in progress + missing = total."""
    c, n = ds.config, ds.counts
    when = as_of_phrase(ds)
    scope = f"{len(ds.projects)}项{c.program}涉及的{n.total}项具体工作"
    over = f"（其中{n.over_target}项超额完成预期目标）" if n.over_target else ""
    done_names = [m.task.name for m in ds.tasks if m.done]
    if n.done == n.total:
        return f"{when}，{c.region}{scope}已全部完成{over}。"
    if form in ("completed-first", "by-theme") and n.done:
        what = "已完成年度目标任务" if form == "by-theme" else "已完成"
        first = _quoted(done_names, 1 if form == "completed-first" else 3)
        return f"{when}，{c.region}{scope}中，{first}{n.done}项工作{what}{over}，{_rest(n, True)}。"
    if n.done:
        return f"{when}，{c.region}{scope}，已累计完成{n.done}项{over}，{_rest(n, True)}。"
    if not n.missing:
        return f"{when}，{c.region}{scope}均在加快推进。"
    return f"{when}，{c.region}{scope}，{_rest(n, False)}。"


def _join(parts: list[str]) -> str:
    return "".join(wording.one_now_per_paragraph([p for p in parts if p]))


def _task_sentence(m: MergedTask, words: dict, *, done_words: str = "") -> str:
    """Target, then progress (or the missing-progress note), as one run of sentences."""
    if not m.reported:
        return words["target"] + words["note"]
    if m.done and done_words:
        return wording.clause(words["target"]) + done_words + words["progress"]
    return words["target"] + words["progress"]


def completed_item(words: dict) -> str:
    """One completed task in the completed-first list: what was done, opening with its verb
    (包括：建成…；…), with the target before it only where the account leaves out a target figure."""
    target = wording.clause(words["target"])
    done = wording.clause(words["progress"]).replace("。", "，").replace("；", "，")
    if not done:
        return target
    done = done.removeprefix("已") if done.startswith("已") and len(done) > 1 and done[1] != "经" else done
    if all(n in done for n in re.findall(r"\d+(?:\.\d+)?", target)):
        return done
    return f"{target}，{done}"


def form_context(ds: Dataset, form: str, words: dict[str, dict]) -> dict:
    """What the narrative forms add to the public context (computed for every form, so that a
    template of any form may use it): `completed`, `ongoing`, `services`, `themes`."""
    plain = {tid: {**w, "progress": wording.compose(w["target"], w["written"], done=m.done, now=False)
                   if m.reported else ""} for tid, w, m in ((t.task.task_id, words[t.task.task_id], t) for t in ds.tasks)}
    completed = [{"name": m.task.name, "text": completed_item(plain[m.task.task_id])} for m in ds.tasks if m.done]
    ongoing, n = [], 0
    for g in ds.groups:
        tasks = [m for m in g.tasks if not m.done and not m.task.is_service]
        if tasks:
            n += 1
            ongoing.append({"ordinal": f"{cn_ordinal(n)}是", "title": g.title,
                            "text": _join([_task_sentence(m, plain[m.task.task_id]) for m in tasks])})
    service_tasks = [m for m in ds.tasks if not m.done and m.task.is_service]
    services = None
    if service_tasks:
        services = {"categories": list(dict.fromkeys(m.task.category for m in service_tasks)),
                    "text": _join([_task_sentence(m, plain[m.task.task_id]) for m in service_tasks])}
    theme_words = dict(ds.period.themes)
    themes = []
    for i, g in enumerate(group_tasks(ds.tasks, "category"), 1):
        text = _join([_task_sentence(m, plain[m.task.task_id], done_words="，已完成年度目标任务。") for m in g.tasks])
        themes.append({"no": i, "no_cn": cn_ordinal(i), "title": g.title,
                       "theme": wording.sentence(tidy(theme_words.get(g.title, ""))), "text": text})
    return {"completed": completed, "ongoing": ongoing, "services": services, "themes": themes}
