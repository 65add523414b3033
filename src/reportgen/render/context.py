"""Dataset → template contexts: one for publication, one for internal documents.

`public_context` is the only door from the merged data to anything published.
It copies named public fields one by one; internal fields (存在问题, 下步打算,
联系人, 联系电话, 备注) are never read here, so no template can leak them.
"""

from __future__ import annotations

import re
from dataclasses import asdict

from ..compare import changes_context, compare, public_changes
from ..model import DONE, NOT_ADOPTED, NOT_REPORTED, Counts, Dataset, Group, MergedTask
from ..numbers import cn_ordinal, fmt_date, tidy

# Words that already say "as of now" at the start of a progress text.
_TIME_LEADS = ("目前", "截至", "截止", "当前", "现已", "今年以来", "年初以来")
_MONTH_LEAD = re.compile(r"^\d{1,2}\s*[—\-–~～至]\s*\d{1,2}\s*月")


def sentence(text: str) -> str:
    """Trimmed text ending with a full stop (unless it already ends a sentence)."""
    text = text.strip()
    if text and text[-1] not in "。！？；”』」)）":
        text += "。"
    return text


def progress_sentence(text: str) -> str:
    """A progress text as published: introduced by 目前， unless it says when itself."""
    text = sentence(text)
    if text and not text.startswith(_TIME_LEADS) and not _MONTH_LEAD.match(text):
        text = "目前，" + text
    return text


def counts_dict(c: Counts) -> dict:
    d = asdict(c)
    d["in_progress"] = c.in_progress
    d["missing"] = c.missing
    d["completion_rate"] = c.completion_rate
    return d


def _public_task(m: MergedTask) -> dict:
    p = m.progress
    done = m.status == DONE
    text = p.progress_text if p else ""
    return {
        "task_id": m.task.task_id,
        "name": m.task.name,
        "target": sentence(tidy(m.task.target_text)),
        # after 该项目已完成。 the text follows directly, as published bulletins write it
        "progress": (sentence if done else progress_sentence)(tidy(text)) if text else "",
        "done": done,
        "reported": m.reported,
        "over_target": m.over_target,
        "rate": m.rate,
        "achieved": p.achieved if p else None,
        "unit": m.task.unit,
        "expected": p.expected if p else "",
        "department": m.task.lead,
    }


def _group_titles(g: Group, i: int, numbering: str) -> dict:
    heading = f"{i:02d}　{g.title}" if numbering == "web" else f"{cn_ordinal(i)}、{g.title}"
    return {"no": i, "no_cn": cn_ordinal(i), "no_web": f"{i:02d}", "title": g.title, "heading": heading}


def headline(ds: Dataset) -> str:
    c, p = ds.config, ds.period
    return c.headline or f"{c.region}{p.year}年{p.label}{c.program}进展情况"


def lead_paragraph(ds: Dataset) -> str:
    """截至6月底，10项民心工程涉及的34项具体工作，已累计完成6项，其余28项正在加快推进。

    Every count comes from `Counts` and they add up to the total: tasks without accepted progress
    are never among those 正在加快推进 (其余 only when nothing is missing)."""
    c, n = ds.config, ds.counts
    as_of = ds.period.as_of
    when = f"截至{as_of.year}年{as_of.month}月底" if as_of.day >= 28 else f"截至{fmt_date(as_of)}"
    scope = f"{len(ds.projects)}项{c.program}涉及的{n.total}项具体工作"
    over = f"（其中{n.over_target}项超额完成预期目标）" if n.over_target else ""
    if n.done == n.total:
        return f"{when}，{c.region}{scope}已全部完成{over}。"
    if not n.done and not n.missing:
        return f"{when}，{c.region}{scope}均在加快推进。"
    parts = [f"已累计完成{n.done}项{over}"] if n.done else []
    if n.in_progress:
        parts.append(f"{'其余' if n.done and not n.missing else ''}{n.in_progress}项正在加快推进")
    if n.not_reported:
        parts.append(f"{n.not_reported}项未报送进展")
    if n.not_adopted:
        parts.append(f"{n.not_adopted}项进展情况正在核实")
    return f"{when}，{c.region}{scope}，" + "，".join(parts) + "。"


def closing(ds: Dataset) -> str:
    c = ds.config
    if ds.period.kind == "FY":
        return f"下一步，{c.region}将巩固{c.program}建设成果，持续办好群众急难愁盼的民生实事，让民生温度直抵人心。"
    return f"下一步，{c.region}将持续加力推进各项{c.program}，确保年底前全面完成年度目标任务，让群众可感可及。"


def _period(ds: Dataset) -> dict:
    p = ds.period
    return {
        "code": p.code, "year": p.year, "kind": p.kind, "label": p.label,
        "as_of": p.as_of, "issue_no": p.issue_no,
        "publish_date": p.publish_date or p.as_of,
    }


def public_context(ds: Dataset) -> dict:
    """Everything the press release may show, and nothing else."""
    c = ds.config
    groups = []
    for i, g in enumerate(ds.groups, 1):
        groups.append({**_group_titles(g, i, ds.config.numbering), "tasks": [_public_task(m) for m in g.tasks],
                       "counts": counts_dict(g.counts)})
    return {
        "region": c.region,
        "program": c.program,
        "publisher": c.publisher or c.region,
        "group_by": ds.group_by,
        "group_word": "工程" if ds.group_by == "project" else "领域",
        "period": _period(ds),
        "headline": headline(ds),
        "lead": lead_paragraph(ds),
        "closing": closing(ds),
        "counts": counts_dict(ds.counts),
        "project_count": len(ds.projects),
        "groups": groups,
        "lang": "zh-CN",
        "changes": public_changes(compare(ds, ds.previous)) if ds.previous else None,
        # why this is a draft (草稿 / 未经审核), one sentence each; empty when the gate passed
        "draft": list(ds.gate.reasons) if ds.gate and not ds.gate.publishable else [],
    }


def _internal_task(m: MergedTask) -> dict:
    p = m.progress
    return {
        **_public_task(m),
        "status": m.status,
        "project": m.task.project,
        "category": m.task.category,
        "target_value": m.task.target_value,
        "achieved_text": p.achieved_text if p else "",
        "approximate": p.approximate if p else False,
        "partners": m.task.partners,
        "problems": p.problems if p else "",
        "next_steps": p.next_steps if p else "",
        "contact": p.contact if p else "",
        "phone": p.phone if p else "",
        "remarks": p.remarks if p else "",
        "reported_by": p.department if p else "",
        "source": str(p.source) if p and p.source else "",
        "source_file": p.source.file if p and p.source else "",
        "source_sheet": p.source.sheet if p and p.source else "",
        "source_row": p.source.row if p and p.source else None,
        "plan_source": str(m.task.source) if m.task.source else "",
        "set_aside_reason": m.set_aside_reason,
    }


def internal_context(ds: Dataset) -> dict:
    """The public context plus every internal field, for the briefing pack and summary."""
    c = ds.config
    ctx = public_context(ds)
    groups = []
    for i, g in enumerate(ds.groups, 1):
        groups.append({**_group_titles(g, i, ds.config.numbering), "tasks": [_internal_task(m) for m in g.tasks],
                       "counts": counts_dict(g.counts)})
    tasks = [t for g in groups for t in g["tasks"]]
    ctx.update({
        "compiler": c.compiler or c.region,
        "briefing_title": c.briefing_title or f"{c.program}工作简报",
        "report_to": c.report_to, "send_to": c.send_to, "issue_to": c.issue_to, "copies": c.copies,
        "groups": groups,
        "tasks": tasks,
        "behind": [t for t in tasks if t["status"] == "滞后"],
        "not_started": [t for t in tasks if t["status"] == "未启动"],
        "not_reported": [t for t in tasks if t["status"] == NOT_REPORTED],
        "not_adopted": [t for t in tasks if t["status"] == NOT_ADOPTED],
        "unreported_departments": list(ds.unreported_departments),
        "set_aside": [{"source": str(s.source), "task_id": s.task_id, "department": s.department, "reason": s.reason}
                      for s in ds.set_aside],
        "issues": [{"code": i.code, "level": i.level, "message": i.message, "where": i.where,
                    "department": i.department} for i in ds.report.issues],
        "rows_read": ds.rows_read,
        "changes": changes_context(compare(ds, ds.previous)) if ds.previous else None,
    })
    return ctx

