"""The forms of a press release (report.toml `form`), each one real bulletin's structure.

A form is a template, `press-release.html.j2` for by-project (the default) and
`press-release-<form>.html.j2` for the others; it is the one source of the release in every format
and variant. This module gives the templates what each form needs beyond the tasks: the lead
sentence with counts that add up, and the paragraphs the narrative forms join tasks into.
Every form prints a department's progress as written (`wording.py`); what a form adds are its own
sentences: the lead, a target the progress does not already state, a status phrase the text does
not already say, a group's or theme's opening.

- by-project (津南): a heading per project; target (unless the progress says it), then progress,
  with 目前 where needed.
- completed-first (a 成绩单): a paragraph per completed task opened by its name, then 一是…二是…
  per group of unfinished work, then service-type tasks (任务类型 管理服务类) in a 此外 paragraph.
- by-theme (承德): one paragraph per 领域, opened by the office's theme sentence (period.toml
  [themes]), in the plan's order, naming each 工程 the text does not (围绕…工程， or 我市实施…工程。);
  no target sentences, status said once, in the lead.
- numbered-list (天宁): 一、 headings, tasks 1、2、 with target and progress run on, no 目前 added.
"""

from __future__ import annotations

from ..merge import group_tasks
from ..model import FORMS, NOT_ADOPTED, NOT_REPORTED, NOT_STARTED, Counts, Dataset, MergedTask
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
    """A task's public words: the target; `target_shown`, the target where the progress does not
    already say it ("" otherwise); the progress as written (cleaned) and as the form prints it;
    `says_done`, whether a completed task's text says so itself (then the form does not)."""
    target = wording.sentence(tidy(m.task.target_text))
    written = wording.clean(m.progress.progress_text) if m.progress else ""
    said = m.reported and wording.says_target(target, written)
    return {
        "target": target,
        "target_shown": "" if said else target,
        "written": written,
        "progress": wording.compose(target, written, done=m.done, now=uses_now(form)) if m.reported else "",
        "says_done": bool(m.done and m.reported and wording.says_done(written)),
        "note": MISSING_NOTE.get(m.status, ""),
    }


def as_of_phrase(ds: Dataset) -> str:
    as_of = ds.period.as_of
    return f"截至{as_of.year}年{as_of.month}月底" if as_of.day >= 28 else f"截至{fmt_date(as_of)}"


def _rest(n: Counts, done_said: bool) -> str:
    """What is not done, adding up: N项正在加快推进, M项尚未启动, K项进展情况未报送/待核实."""
    parts = []
    going = n.on_schedule + n.behind
    if going:
        word = "其余" if done_said and not n.missing and not n.not_started else ""
        parts.append(f"{word}{going}项正在加快推进")
    if n.not_started:
        parts.append(f"{n.not_started}项尚未启动")
    if n.not_reported:
        parts.append(f"{n.not_reported}项进展情况未报送")
    if n.not_adopted:
        parts.append(f"{n.not_adopted}项进展情况待核实")
    return "，".join(parts)


def over_clause(n: Counts) -> str:
    """（其中N项超额完成预期目标）, or 均 when every completed task did."""
    if not n.over_target:
        return ""
    if n.over_target == n.done:
        return "（均超额完成预期目标）" if n.done > 1 else "（超额完成预期目标）"
    return f"（其中{n.over_target}项超额完成预期目标）"


def _quoted(names: list[str], limit: int = 3) -> str:
    """“A”“B”“C”等 — no 顿号 between quoted names (GB/T 15834)."""
    shown = "".join(f"“{n}”" for n in names[:limit])
    return shown + ("等" if len(names) > limit else "")


def done_projects(ds: Dataset) -> list[str]:
    """The 工程 every task of which is done, in plan order."""
    return [p for p in ds.projects if p and all(m.done for m in ds.tasks if m.task.project == p)]


def lead(ds: Dataset, form: str) -> str:
    """The counts sentence that opens the release; done + in progress + not started + missing = total."""
    c, n = ds.config, ds.counts
    when = as_of_phrase(ds)
    scope = f"{len(ds.projects)}项{c.program}涉及的{n.total}项具体工作"
    over = over_clause(n)
    if n.done == n.total:
        return f"{when}，{c.region}{scope}已全部完成{over}。"
    if form == "by-theme" and n.done:
        projects = done_projects(ds)
        if projects:  # as the 承德 bulletin names them: 工程, not the spreadsheet's task names
            named = projects[0] if len(projects) == 1 else f"{'、'.join(projects[:4])}等{len(projects)}项工程"
            return (f"{when}，{c.region}{scope}中，{named}已完成年度目标任务，共完成{n.done}项工作{over}，"
                    f"{_rest(n, True)}。")
        return f"{when}，{c.region}{scope}中，{n.done}项工作已完成年度目标任务{over}，{_rest(n, True)}。"
    if form == "completed-first" and n.done:
        first = _quoted([m.task.name for m in ds.tasks if m.done], 1)
        return f"{when}，{c.region}{scope}中，{first}{n.done}项工作已完成{over}，{_rest(n, True)}。"
    if n.done:
        return f"{when}，{c.region}{scope}，已累计完成{n.done}项{over}，{_rest(n, True)}。"
    if not n.missing and not n.not_started:
        return f"{when}，{c.region}{scope}均在加快推进。"
    return f"{when}，{c.region}{scope}，{_rest(n, False)}。"


def _join(parts: list[str]) -> str:
    return "".join(wording.one_now_per_paragraph([p for p in parts if p]))


def _narrated(m: MergedTask, words: dict) -> str:
    """A task in a narrative paragraph: its progress as written; a task with none is named with its
    target marked 年度目标 (a bare target among results reads as done), never a sentence beside the progress."""
    if not m.reported:  # named as a task, the target as such: never read as something done
        missing = words["note"].strip("（）") or "进展情况未报送"
        return f"{m.task.name}（年度目标：{wording.clause(words['target'])}）{missing}。"
    return words["written"]


def _pending(m: MergedTask) -> bool:
    """Not started, or no progress taken: said apart in completed-first, after the work under way."""
    return m.status == NOT_STARTED or not m.reported


def we(region: str) -> str:
    """How a bulletin names its own place: 我市, 我区, 我县…, else the region's name."""
    return f"我{region[-1]}" if region and region[-1] in "市区县州盟旗镇乡" else region


def _project_link(project: str, text: str, region: str) -> str:
    """The 工程 named before its part of a theme paragraph, as the form's own words: 围绕<工程>，
    before a text that opens plainly (围绕就业促进工程，我市…); a sentence of its own, 我市实施<工程>。,
    before one that opens with its own link (在城区，…, 截至9月底，…), so no word goes inside it."""
    if not project or project in text:
        return ""
    return f"{we(region)}实施{project}。" if wording.opens_linked(text) else f"围绕{project}，"


def _themed_groups(ds: Dataset) -> list:
    """The 领域 in the order the plan first reaches them (as a bulletin runs through its 工程)."""
    first: dict[str, int] = {}
    for i, m in enumerate(ds.tasks):
        first.setdefault(m.task.category, i)
    return sorted(group_tasks(ds.tasks, "category"), key=lambda g: first.get(g.title, 0))


def form_context(ds: Dataset, form: str, words: dict[str, dict]) -> dict:
    """What the narrative forms add to the public context (computed for every form, so that a
    template of any form may use it): `completed`, `ongoing`, `services`, `pending` (not started or
    not reported), `themes`, `themes_missing`."""
    completed = []
    for m in ds.tasks:
        if m.done:
            tw = words[m.task.task_id]
            text = tw["written"] if not wording.only_says_done(tw["written"]) else tw["target"] + tw["written"]
            completed.append({"name": m.task.name, "project": m.task.project, "text": text})
    ongoing, n = [], 0
    for g in ds.groups:  # work under way only: 取得积极成效 is not said of work not started or not reported
        tasks = [m for m in g.tasks if not m.done and not m.task.is_service and not _pending(m)]
        if tasks:
            n += 1
            ongoing.append({"ordinal": f"{cn_ordinal(n)}是", "title": g.title,
                            "text": _join([_narrated(m, words[m.task.task_id]) for m in tasks])})
    service_tasks = [m for m in ds.tasks if not m.done and m.task.is_service and not _pending(m)]
    pending = [m for m in ds.tasks if _pending(m)]
    not_started = [m for m in pending if m.reported]
    pending_text = _join([f"{m.task.name}尚未启动。" + words[m.task.task_id]["written"] for m in not_started]
                         + [_narrated(m, words[m.task.task_id]) for m in pending if not m.reported])
    services = None
    if service_tasks:
        services = {"categories": list(dict.fromkeys(m.task.category for m in service_tasks)),
                    "groups": list(dict.fromkeys(m.task.project for m in service_tasks)),
                    "kinds": list(dict.fromkeys(m.task.kind for m in service_tasks)),
                    "text": _join([_narrated(m, words[m.task.task_id]) for m in service_tasks])}
    theme_words = dict(ds.period.themes)
    themes = []
    for i, g in enumerate(_themed_groups(ds), 1):
        parts: list[str] = []
        for project in dict.fromkeys(m.task.project for m in g.tasks):
            texts = [_narrated(m, words[m.task.task_id]) for m in g.tasks if m.task.project == project]
            joined = "".join(texts)
            named = project.endswith("工程") and project != g.title
            parts.append((_project_link(project, joined, ds.config.region) if named else "") + joined)
        themes.append({"no": i, "no_cn": cn_ordinal(i), "title": g.title,
                       "theme": wording.sentence(tidy(theme_words.get(g.title, ""))), "text": _join(parts)})
    done_projects_named = list(dict.fromkeys(c["project"] for c in completed if c["project"]))
    return {"completed": completed, "completed_projects": done_projects_named,
            "ongoing": ongoing, "services": services, "themes": themes, "pending": pending_text,
            "themes_missing": themes_missing([m.task for m in ds.tasks], ds.period.themes)}


def themes_missing(plan, themes) -> list[str]:
    """The 领域 of the plan (in its order) that have no theme sentence in period.toml [themes]."""
    have = {k for k, v in themes if v.strip()}
    return [c for c in dict.fromkeys(t.category for t in sorted(plan, key=lambda t: t.project_no)) if c not in have]


def themes_note(missing: list[str]) -> str:
    """提醒 for by-theme: the 领域 without a theme sentence, with the setting that gives them one."""
    return (f"提醒：按领域叙述的新闻通稿中，{'、'.join(missing)}没有主题句，这些段落直接从进展写起。"
            f"如需主题句，请在本期 period.toml 的 [themes] 下添加，例如 \"{missing[0]}\" = \"……\"。")
