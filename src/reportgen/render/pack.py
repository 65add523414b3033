"""What the briefing pack says and in which order: one description for the PDF and the Word file.

`pack_context(ds)` adds to the internal context everything both pack templates
print: section numbers (一、 for sections, （一） for groups, 附件N for annexes
that have content), sentences whose counts add up, every table as columns and
rows with widths computed from its content, the 版记 lines, and whether the
pack carries a table of contents. The templates only lay this out.
"""

from __future__ import annotations

from . import columns
from .context import internal_context
from ..model import NOT_ADOPTED, NOT_REPORTED, Dataset
from ..numbers import cn_ordinal, fmt_date, fmt_percent, tidy

TEXT_WIDTH_MM = 156.0
TOC_AFTER_PAGES = 16  # a pack longer than this gets a table of contents unless report.toml says toc = false
PAGE_PT = 225 * 72 / 25.4  # text area height
SPLIT_ROW_PT = 5 * 16 + 6.3  # a row of more than 5 lines may split across pages (a shorter one moves whole)
BODY_LINE_PT, CHARS_PER_LINE = 28.0, 28

# (label, key in a Counts dict) in the order sentences and tables list them
STATUS_COUNTS = (("已完成", "done"), ("序时推进", "on_schedule"), ("滞后", "behind"), ("未启动", "not_started"),
                 ("未报送", "not_reported"), ("未采用", "not_adopted"))
ONE = {"done": "已完成", "on_schedule": "序时推进", "behind": "进度滞后", "not_started": "尚未启动",
       "not_reported": "未报送进展", "not_adopted": "报送内容未采用"}
ALL_SAME = {"done": "已全部完成", "on_schedule": "均序时推进", "behind": "均滞后", "not_started": "均未启动",
            "not_reported": "均未报送", "not_adopted": "报送内容均未采用"}


def count_phrase(c: dict) -> str:
    """已完成2项（其中1项超额完成），序时推进3项，滞后1项 — zero counts left out, 其中 next to what it belongs to."""
    present = [(label, key) for label, key in STATUS_COUNTS if c[key]]
    over = c["over_target"]
    if c["total"] == 1:
        key = present[0][1]
        return "已超额完成" if over else ONE[key]
    if len(present) == 1:
        key = present[0][1]
        text = ALL_SAME[key]
        if key == "done" and over:
            text += "，均超额完成" if over == c["done"] else f"，其中{over}项超额完成"
        return text
    parts = []
    for label, key in present:
        part = f"{label}{c[key]}项"
        if key == "done" and over:
            part += "（均超额完成）" if over == c["done"] else f"（其中{over}项超额完成）"
        parts.append(part)
    return "，".join(parts)


def as_of_words(as_of) -> str:
    return f"{as_of.month}月底" if as_of.day >= 28 else fmt_date(as_of).split("年", 1)[1]


def overview_sentence(ctx: dict) -> str:
    c, p = ctx["counts"], ctx["period"]
    expected = round(100 * p["as_of"].month / 12)
    if not c["total"]:
        return f"截至{as_of_words(p['as_of'])}，任务清单中尚无任务。"
    return (f"截至{as_of_words(p['as_of'])}，{ctx['project_count']}项{ctx['program']}共{c['total']}项任务，"
            f"{count_phrase(c)}。任务完成率{fmt_percent(c['completion_rate'])}，序时进度{expected}%。")


def group_sentence(c: dict) -> str:
    return f"共{c['total']}项任务，{count_phrase(c)}。"


# ---- tables: columns, rows, widths ------------------------------------------------------------


def _cell(text, cls: str = "", task: dict | None = None, field: str = "") -> dict:
    """A table cell; `task` and `field` say where its text came from (for a 提醒 naming the cell)."""
    cell = {"text": "" if text is None else str(text), "cls": cls}
    if task is not None:
        cell["task"], cell["field"] = task, field
    return cell


def make_table(table_id: str, kind: str, headers: list[tuple[str, str]], rows: list[list[dict]],
               total: list[dict] | None = None) -> dict:
    """headers: (label, align: "left"|"center"|"right", numbers right); rows: cells from `_cell`."""
    return {"id": table_id, "kind": kind, "columns": [{"label": h, "align": a} for h, a in headers],
            "rows": [{"cells": r, "total": False} for r in rows] + ([{"cells": total, "total": True}] if total else [])}


def fit_widths(tables: list[dict]) -> None:
    """One set of widths per kind of table, from the texts of every table of that kind."""
    by_kind: dict[str, list[dict]] = {}
    for t in tables:
        by_kind.setdefault(t["kind"], []).append(t)
    for same in by_kind.values():
        texts = [[c["label"] for c in same[0]["columns"]]]
        texts += [[cell["text"] for cell in row["cells"]] for t in same for row in t["rows"]]
        mm = columns.widths(texts, TEXT_WIDTH_MM)
        head_pt = columns.row_height_pt(texts[0], mm)
        for t in same:
            for col, w in zip(t["columns"], mm):
                col["mm"] = w
                col["pct"] = round(100 * w / TEXT_WIDTH_MM, 3)
            for row in t["rows"]:
                row["pt"] = columns.row_height_pt([c["text"] for c in row["cells"]], mm)
                row["split"] = row["pt"] > SPLIT_ROW_PT
                row["overlong"] = row["pt"] + head_pt > PAGE_PT  # more than a page holds under the header


def _status_text(t: dict) -> str:
    return "超额完成" if t["over_target"] else t["status"]


def _rate(v) -> str:
    return fmt_percent(v) if v is not None else "—"


def progress_text(t: dict) -> str:
    """The 进展情况 cell: the progress as composed, else the department's own words (a text that only said
    已完成年度目标任务 is left empty by the press release's rules, and is still what was reported), else the
    status; （未报送）/（报送内容未采用） only for a task without accepted progress."""
    if t["status"] == NOT_REPORTED:
        return "（未报送）"
    if t["status"] == NOT_ADOPTED:
        return "（报送内容未采用）"
    return t["progress"] or t["written"] or t["status"]


def _task_rows(tasks: list[dict]) -> list[list[dict]]:
    return [[_cell(t["task_id"]), _cell(t["name"]), _cell(t["target"]), _cell(progress_text(t), "", t, "进展情况"),
             _cell(_status_text(t), f"status status-{t['status']}"), _cell(_rate(t["rate"])),
             _cell(t["department"])]
            for t in tasks]


TASK_HEADERS = [("编号", "center"), ("任务名称", "left"), ("年度目标", "left"), ("进展情况", "left"),
                ("状态", "center"), ("完成率", "right"), ("牵头单位", "left")]


def _overview_table(ctx: dict) -> dict:
    keys = [k for _, k in STATUS_COUNTS if k != "not_adopted" or ctx["counts"]["not_adopted"]]
    labels = dict((k, label) for label, k in STATUS_COUNTS)
    headers = ([(ctx["group_word"], "left"), ("任务数", "right")] + [(labels[k], "right") for k in keys]
               + [("完成率", "right"), ("超额完成", "right")])

    def row(label: str, c: dict) -> list[dict]:
        return ([_cell(label), _cell(c["total"])] + [_cell(c[k]) for k in keys]
                + [_cell(fmt_percent(c["completion_rate"])), _cell(c["over_target"])])

    return make_table("overview", "overview", headers, [row(g["label"], g["counts"]) for g in ctx["groups"]],
                      row("合计", ctx["counts"]))


def _change_tables(ctx: dict) -> list[dict]:
    ch = ctx["changes"]
    if not ch:
        return []
    out = []
    if ch.get("status_changes"):
        rows = [[_cell(t["task_id"]), _cell(t["name"]), _cell(t["before"]), _cell(t["after"]),
                 _cell(("+" if t["rate_delta"] > 0 else "") + f"{t['rate_delta']}个百分点"
                       if t["rate_delta"] is not None else "—")] for t in ch["status_changes"]]
        out.append(make_table("status-changes", "status-changes",
                              [("编号", "center"), ("任务名称", "left"), (ch["previous_label"], "center"),
                               ("本期", "center"), ("完成率变化", "right")], rows))
    if ch.get("groups"):
        labels = {g["title"]: g["label"] for g in ctx["groups"]}

        def row(label, g):
            return [_cell(label), _cell(g["done_before"]), _cell(g["done_after"]),
                    _cell(fmt_percent(g["rate_before"]) if g["rate_before"] is not None else "—"),
                    _cell(fmt_percent(g["rate_after"])), _cell(g["rate_change"])]

        total = row("合计", ch["total"]) if ch.get("total") else None
        out.append(make_table("group-changes", "group-changes",
                              [(ctx["group_word"], "left"), ("上期已完成", "right"), ("本期已完成", "right"),
                               ("上期完成率", "right"), ("本期完成率", "right"), ("变化", "right")],
                              [row(labels.get(g["title"], g["title"]), g) for g in ch["groups"]], total))
    return out


# ---- sections, annexes, 版记 -----------------------------------------------------------------


def _departments(tasks: list[dict], key: str = "department") -> str:
    return "、".join(dict.fromkeys(d for t in tasks for d in t[key].split("、") if d))


def _not_reported_phrase(tasks: list[dict], silent: list[str]) -> str:
    """区市场监管局未报送本期进展；区民政局的报送中缺少部分任务 — a department that sent a file is not said to
    have sent nothing."""
    leads = list(dict.fromkeys(d for t in tasks for d in t["department"].split("、") if d))
    quiet = [d for d in leads if d in silent]
    partial = [d for d in leads if d not in silent]
    parts = ([f"{'、'.join(quiet)}未报送本期进展"] if quiet else []) + (
        [f"{'、'.join(partial)}的报送中缺少部分任务"] if partial else [])
    return "；".join(parts)


def _annexes(ctx: dict) -> list[dict]:
    annexes = []
    behind = ctx["behind"] + ctx["not_started"]
    if behind:
        rows = [[_cell(t["task_id"]), _cell(t["name"]), _cell(t["status"], f"status status-{t['status']}"),
                 _cell(t["progress"]), _cell(t["problems"] or "（未填写）"), _cell(t["next_steps"] or "（未填写）"),
                 _cell(t["department"])] for t in behind]
        title = "滞后和未启动任务" if ctx["behind"] and ctx["not_started"] else (
            "滞后任务及存在问题" if ctx["behind"] else "未启动任务")
        annexes.append({"key": "behind", "title": title, "parts": [{"heading": "", "lead": "", "table": make_table(
            "annex-behind", "annex-behind",
            [("编号", "center"), ("任务名称", "left"), ("状态", "center"), ("进展情况", "left"), ("存在问题", "left"),
             ("下步打算", "left"), ("牵头单位", "left")], rows)}]})
    parts = []
    nr, na = ctx["not_reported"], ctx["not_adopted"]
    both = bool(nr and na)
    if nr:
        parts.append({"heading": "（一）未报送" if both else "",
                      "lead": f"截至汇总时，{_not_reported_phrase(nr, ctx['unreported_departments'])}，"
                              f"涉及{len(nr)}项任务：",
                      "table": make_table("annex-not-reported", "annex-not-reported",
                                          [("编号", "center"), ("任务名称", "left"), ("年度目标", "left"),
                                           ("牵头单位", "left")],
                                          [[_cell(t["task_id"]), _cell(t["name"]), _cell(t["target"]),
                                            _cell(t["department"])] for t in nr])})
    if na:
        parts.append({"heading": "（二）已报送但未采用" if both else "",
                      "lead": f"以下{len(na)}项任务已有报送，但报送内容未能采用，需牵头单位核实后重新报送：",
                      "table": make_table("annex-not-adopted", "annex-not-adopted",
                                          [("编号", "center"), ("任务名称", "left"), ("牵头单位", "left"),
                                           ("未采用原因", "left")],
                                          [[_cell(t["task_id"]), _cell(t["name"]), _cell(t["department"]),
                                            _cell(tidy(t["set_aside_reason"]))] for t in na])})
    if parts:
        title = "未报送和未采用任务" if both else ("未报送单位及事项" if nr else "未采用的报送事项")
        annexes.append({"key": "missing", "title": title, "parts": parts})
    if ctx["internal"]:
        rows = [[_cell(t["task_id"]), _cell(t["name"]), _cell(t["reported_by"] or "（未报送）"),
                 _cell(t["source_file"] or t["plan_source"]), _cell(t["source_sheet"]),
                 _cell(t["source_row"] or "")] for t in ctx["tasks"]]
        parts = [{"heading": "", "lead": "", "table": make_table(
            "annex-sources", "annex-sources", [("编号", "center"), ("任务名称", "left"), ("填报单位", "left"),
                                               ("文件", "left"), ("工作表", "left"), ("行", "center")], rows)}]
        if ctx["set_aside"]:
            parts.append({"heading": "未计入的行", "lead": "", "table": make_table(
                "annex-set-aside", "annex-set-aside",
                [("位置", "left"), ("单位", "left"), ("编号", "center"), ("原因", "left")],
                [[_cell(s["source"]), _cell(s["department"]), _cell(s["task_id"]), _cell(s["reason"])]
                 for s in ctx["set_aside"]])})
        annexes.append({"key": "sources", "title": "数据来源", "parts": parts})
    for no, a in enumerate(annexes, 1):
        a["no"], a["id"], a["label"] = no, f"annex-{no}", f"附件{no}"
    return annexes


def _attention(ctx: dict, annexes: dict[str, dict]) -> list[str]:
    """The body's lines on tasks behind and missing reports: one line each, pointing to the annex when it has one."""
    lines = []
    b, s = len(ctx["behind"]), len(ctx["not_started"])
    if b or s:
        what = "、".join(p for p in (f"滞后{b}项" if b else "", f"未启动{s}项" if s else "") if p)
        lines.append(f"{what}，涉及{_departments(ctx['behind'] + ctx['not_started'])}，"
                     f"存在问题和下步打算见{annexes['behind']['label']}。")
    else:
        lines.append("本期无滞后和未启动任务。")
    nr, na = ctx["not_reported"], ctx["not_adopted"]
    if nr or na:
        parts = []
        if nr:
            parts.append(f"{_not_reported_phrase(nr, ctx['unreported_departments'])}，涉及{len(nr)}项任务")
        if na:
            parts.append(f"{_departments(na)}报送的{len(na)}项任务进展未能采用")
        lines.append("；".join(parts) + f"，详见{annexes['missing']['label']}。")
    else:
        lines.append("各单位均已按时报送本期进展。")
    return lines


def colophon(ctx: dict) -> dict | None:
    """版记: 报/送/发 lines and 共印N份; none at all when 报/送/发 are unset."""
    lines = [{"label": label, "text": ctx[key]} for label, key in (("报", "report_to"), ("送", "send_to"),
                                                                    ("发", "issue_to")) if ctx[key]]
    if not lines:
        return None
    return {"lines": lines, "copies": ctx["copies"], "compiler": ctx["compiler"]}


def overlong_notes(ctx: dict) -> list[str]:
    """A 提醒 for each text taller than a page under its table's header, naming the cell it came from. The
    pack is internal: the text is printed whole, continued over pages."""
    notes = []
    for t in ctx["all_tables"]:
        for row in t["rows"]:
            if not row.get("overlong"):
                continue
            for cell in row["cells"]:
                task = cell.get("task")
                if task is None:
                    continue
                where = task["source"] or task["department"]
                notes.append(f"提醒：{where}“{cell['field']}”（任务{task['task_id']}，{len(cell['text'])}字）在工作简报中"
                             f"超过一页，已跨页续排，未删减；如需精简，请填报单位修改后重新生成。")
    return list(dict.fromkeys(notes))


# ---- how long the pack will be: decides the table of contents without a second layout ----------


def estimate_pages(ctx: dict) -> float:
    pt = 200.0 + 2 * 28 * 1.1  # masthead and title
    pt += len(ctx["overview"]) / CHARS_PER_LINE * BODY_LINE_PT
    n = len(ctx["groups"])
    charts = -(-n // 20) or 1
    pt += (52 + 12 + 7.4 * n + (24 + 12) * charts) * 72 / 25.4  # figures and captions, as charts.figures draws them
    for t in ctx["all_tables"]:
        mm = [c["mm"] for c in t["columns"]]
        pt += columns.row_height_pt([c["label"] for c in t["columns"]], mm)
        pt += sum(r["pt"] for r in t["rows"])  # measured by fit_widths with these widths
    pt += (len(ctx["groups"]) + 4) * 3 * BODY_LINE_PT  # headings and sentences
    return pt / PAGE_PT + len(ctx["annexes"])  # each annex starts a page


def pack_context(ds: Dataset) -> dict:
    ctx = internal_context(ds)
    c = ds.config
    ctx["internal"] = bool(c.internal)
    for g in ctx["groups"]:
        g["no_label"] = f"（{cn_ordinal(g['no'])}）"
        g["label"] = g["no_label"] + g["title"]
        g["id"] = f"group-{g['no']}"
        g["sentence"] = group_sentence(g["counts"])
        g["table"] = make_table(g["id"] + "-tasks", "tasks", TASK_HEADERS, _task_rows(g["tasks"]))
    ctx["overview"] = overview_sentence(ctx)
    ctx["overview_table"] = _overview_table(ctx)
    change_tables = _change_tables(ctx)
    # both keys always there (None when a table has no rows): a template may test either
    ctx["change_tables"] = {"status-changes": None, "group-changes": None, **{t["id"]: t for t in change_tables}}
    annexes = _annexes(ctx)
    ctx["annexes"] = annexes
    by_key = {a["key"]: a for a in annexes}
    ctx["attention"] = _attention(ctx, by_key)
    ctx["sections"] = {"overview": "一、总体进展", "groups": f"二、各{ctx['group_word']}进展情况",
                       "attention": "三、需要关注的事项"}
    ctx["all_tables"] = ([ctx["overview_table"], *change_tables] + [g["table"] for g in ctx["groups"]]
                         + [p["table"] for a in annexes for p in a["parts"]])
    fit_widths(ctx["all_tables"])
    ctx["colophon"] = colophon(ctx)
    # 附件说明 (GB/T 9704 §7.3.3): 附件：1. 名称, one line each, no punctuation after a name
    ctx["annex_list"] = ([f"{a['no']}. {a['title']}" for a in annexes] if len(annexes) > 1
                         else [a["title"] for a in annexes])
    ctx["title"] = f"{ctx['region']}{ctx['period']['year']}年{ctx['period']['label']}{ctx['program']}推进情况"
    return ctx


def toc_entries(ctx: dict) -> list[dict]:
    """The table of contents: every section, group and annex, with the id its page is found by."""
    s = ctx["sections"]
    entries = [{"id": "overview", "text": s["overview"], "level": 1},
               {"id": "groups", "text": s["groups"], "level": 1}]
    entries += [{"id": g["id"], "text": g["label"], "level": 2} for g in ctx["groups"]]
    entries.append({"id": "attention", "text": s["attention"], "level": 1})
    entries += [{"id": a["id"], "text": f"{a['label']}　{a['title']}", "level": 1} for a in ctx["annexes"]]
    return entries


def wants_toc(ctx: dict, setting: bool | None) -> bool:
    if setting is not None:
        return setting
    return estimate_pages(ctx) > TOC_AFTER_PAGES
