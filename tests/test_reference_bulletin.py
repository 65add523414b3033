"""A workspace made from a real published bulletin's figures builds to a press release
that names every project in order, every task with its figures, and the right counts.

The bulletin is read at test time from ../shared/reference/ (never copied into the repo).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from conftest import make_workspace
from reportgen import build
from reportgen.numbers import tidy

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "bulletin-jinnan-2025H1.txt"
HEADING = re.compile(r"^(\d{2})\s+(.+)$")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def parse_bulletin(text: str) -> list[dict]:
    """Projects and their task paragraphs: target = up to the first 。, the rest is progress."""
    projects: list[dict] = []
    for line in (l.strip() for l in text.splitlines()):
        if not line or line.startswith("分享到"):
            if line.startswith("分享到"):
                break
            continue
        m = HEADING.match(line)
        if m:
            projects.append({"no": int(m[1]), "title": m[2].strip(), "tasks": []})
            continue
        if projects and "。" in line and not line.startswith(("津南区始终", "适老版")):
            target, _, progress = line.partition("。")
            projects[-1]["tasks"].append({"target": target + "。", "progress": progress.strip(),
                                          "done": progress.startswith("该项目已完成")})
    return projects


def workspace_from(projects: list[dict], root: Path) -> Path:
    tasks, subs = [], {}
    for p in projects:
        dept = f"第{p['no']}工程牵头单位"
        for i, t in enumerate(p["tasks"], 1):
            tid = f"{p['no']:02d}-{i:02d}"
            tasks.append(dict(task_id=tid, project_no=p["no"], project=p["title"], category="其他", name=f"任务{tid}",
                              target_text=t["target"], lead=dept))
            progress = t["progress"].removeprefix("该项目已完成。")
            subs.setdefault(dept, []).append(dict(task_id=tid, name=f"任务{tid}", status="已完成" if t["done"] else "序时推进",
                                                  progress_text=progress or "已完成。"))
    return make_workspace(root, tasks, subs, config={"region": "参考区", "variants": ["traditional", "large-print"]})


@pytest.fixture(scope="module")
def reference_build(tmp_path_factory):
    if not REFERENCE.exists():
        pytest.skip("shared/reference is not beside the repository")
    projects = parse_bulletin(REFERENCE.read_text(encoding="utf-8"))
    result = build(workspace_from(projects, tmp_path_factory.mktemp("ref") / "ws"))
    files = {o.format: o.path for o in result.outputs if o.kind == "press-release" and o.variant == "standard"}
    files["all"] = [o.path for o in result.outputs if o.kind == "press-release"]
    return projects, files


def test_parsed_reference_has_the_published_shape(reference_build):
    projects, _ = reference_build
    assert len(projects) == 10
    assert sum(len(p["tasks"]) for p in projects) == 26
    assert sum(t["done"] for p in projects for t in p["tasks"]) == 4


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_press_release_names_everything_in_order(reference_build, fmt):
    projects, files = reference_build
    if fmt == "docx":
        text = "\n".join(p.text for p in Document(str(files["docx"])).paragraphs)
    else:
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(files["pdf"]), "-"], capture_output=True, text=True,
                              check=True).stdout
    flat = re.sub(r"\s+", "", text)
    # every project, in order
    positions = [flat.find(re.sub(r"\s+", "", p["title"])) for p in projects]
    assert all(pos >= 0 for pos in positions) and positions == sorted(positions)
    # every task's figures
    for p in projects:
        for t in p["tasks"]:
            for n in NUMBER.findall(t["target"] + t["progress"]):
                assert n in flat, (p["title"], n)
    assert "10项民心工程涉及的26项具体工作，已累计完成4项，其余22项正在加快推进" in flat


# ---- the same figures, as messy real submissions ---------------------------

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def first_number(text: str) -> float | None:
    m = NUMBER.search(text)
    return float(m[0]) if m else None


def wan(value: float) -> str:
    return f"{value / 10000:g}万" if value >= 10000 and (value / 10000) * 10000 == value else f"{value:g}"


def write_messy(path: Path, dept: str, rows: list[dict]) -> None:
    """Title block, merged title, synonym headers with spaces/line breaks, full-width digits,
    万 amounts, percent strings, blank rows and a 合计 row."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "2025年上半年民心工程进展情况报送表"
    ws.merge_cells("A1:H1")
    ws["A2"], ws["B2"], ws["E2"] = "填报单位：", dept, "填报日期：2025年7月3日"
    ws.append([])
    ws.append(["序号", "编 号", "子项名称", "推进\n状态", "工作进展", "已完成量", "完成率（%）", "存在的问题"])
    for i, r in enumerate(rows, 1):
        achieved = r.get("achieved")
        ws.append([i, r["task_id"].translate(FULLWIDTH), r["name"], {"已完成": "全面完成", "序时推进": "推进中"}[r["status"]],
                   r["progress_text"], None if achieved is None else wan(achieved).translate(FULLWIDTH),
                   f"{r['rate']}%" if r.get("rate") is not None else None, ""])
        if i % 2:
            ws.append([])
    ws.append(["合计", None, None, None, None, None, None, None])
    wb.save(path)


def write_gbk_csv(path: Path, dept: str, rows: list[dict]) -> None:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([f"填报单位：{dept}"])
    w.writerow(["事项编号", "任务名称", "进展状态", "完成情况", "完成值", "完成率"])
    for r in rows:
        w.writerow([r["task_id"], r["name"], r["status"], r["progress_text"],
                    "" if r.get("achieved") is None else f"{r['achieved']:,.0f}",
                    "" if r.get("rate") is None else f"{r['rate']}%"])
    path.write_bytes(buf.getvalue().encode("gbk"))


def press_text(root: Path) -> tuple[list[str], str]:
    result = build(root)
    files = {o.format: o.path for o in result.outputs if o.kind == "press-release" and o.variant == "standard"}
    paragraphs = [p.text for p in Document(str(files["docx"])).paragraphs if p.text.strip()]
    html = files["html"].read_text(encoding="utf-8").split("<body", 1)[1]
    return paragraphs, html


def test_messy_submissions_build_the_same_press_release(tmp_path):
    if not REFERENCE.exists():
        pytest.skip("shared/reference is not beside the repository")
    projects = parse_bulletin(REFERENCE.read_text(encoding="utf-8"))
    clean = workspace_from(projects, tmp_path / "clean")
    depts = _department_rows(clean)
    for rows in depts.values():
        for r in rows:
            n = first_number(r["progress_text"])
            r["achieved"] = n if n is not None and n.is_integer() else None
            r["rate"] = 50 if r["status"] != "已完成" else None
    messy = tmp_path / "messy"
    shutil.copytree(clean, messy)
    for path in (clean / "inputs/2025H1/departments").glob("*.xlsx"):
        path.unlink()
    for path in (messy / "inputs/2025H1/departments").glob("*.xlsx"):
        path.unlink()
    from reportgen.workbooks import write_department

    for k, (dept, rows) in enumerate(depts.items()):
        write_department(clean / "inputs/2025H1/departments" / f"{dept}.xlsx", dept, rows)
        if k == 0:
            write_gbk_csv(messy / "inputs/2025H1/departments" / f"{dept}.csv", dept, rows)
        else:
            write_messy(messy / "inputs/2025H1/departments" / f"{dept}.xlsx", dept, rows)
    clean_paragraphs, clean_html = press_text(clean)
    messy_paragraphs, messy_html = press_text(messy)
    assert len(clean_paragraphs) > 30
    assert sum(r["achieved"] is not None for rows in depts.values() for r in rows) > 10
    assert messy_paragraphs == clean_paragraphs
    assert messy_html == clean_html


def _department_rows(root: Path) -> dict[str, list[dict]]:
    """The rows of every department workbook in a workspace, as dicts."""
    from reportgen.read import read_workspace

    ws = read_workspace(root)
    return {s.department: [dict(task_id=p.task_id, name=p.name, status=p.status, progress_text=p.progress_text,
                                achieved=p.achieved, rate=p.rate) for p in s.rows] for s in ws.submissions}


# ---- read as an editor, side by side with the published bulletin ----------------

def _published_now(name: str) -> int:
    return (REFERENCE.parent / name).read_text(encoding="utf-8").count("目前")


def test_jinnan_release_reads_like_the_published_one(reference_build):
    from press_checks import (docx_paragraphs, echoed_targets, editor_problems, html_paragraphs,
                              numbers_split_from_units, pdf_lines)

    projects, files = reference_build
    text = "\n".join(docx_paragraphs(files["docx"]))
    targets = [t["target"] for p in projects for t in p["tasks"]]
    assert editor_problems(text, max_now=_published_now("bulletin-jinnan-2025H1.txt") + 2) == []
    assert echoed_targets(text, targets) == []
    for path in files["all"]:  # standard, 繁體版 and 适老版 (the narrowest lines)
        if path.suffix == ".pdf":
            assert numbers_split_from_units(pdf_lines(path)) == [], path.name
        elif path.suffix == ".html":
            assert editor_problems("\n".join(html_paragraphs(path))) == [], path.name
    assert "下一步" not in text  # no slogan the office did not write


CHENGDE = REFERENCE.parent / "bulletin-chengde-2024Q3.txt"
THEME_CATEGORIES = ["住房", "交通出行", "教育", "养老", "社会救助", "就业", "医疗卫生", "便民服务", "文化体育", "其他"]


def parse_theme_bulletin(text: str) -> list[dict]:
    """承德's narrative: one part per paragraph with figures after the opening; a first sentence
    without figures is the part's theme sentence; every other sentence becomes one task."""
    body = [line.strip() for line in text.splitlines() if line.strip() and "。" in line]
    parts = []
    for para in body[1:]:  # after the opening that names the completed projects
        sentences = [s for s in re.split(r"(?<=。)", para) if s.strip()]
        theme = sentences[0] if not re.search(r"\d", sentences[0]) else ""
        tasks = [s for s in sentences if s != theme and re.search(r"\d", s)]
        if tasks:
            parts.append({"theme": theme, "tasks": tasks})
    return parts


def target_of(sentence: str, category: str, k: int) -> str:
    """A sentence's first clause as its target where it reads as one (then the progress starts with
    the target's words, which must not be echoed), else a plain target."""
    first = re.split(r"[，,。]", sentence)[0]
    if len(first) >= 6 and not re.match(r"(在|围绕|同时|此外|截至|自|为|\d)", first):
        return first
    return f"推进{category}第{k}项民生实事"


def chengde_workspace(parts: list[dict], root: Path) -> Path:
    tasks, rows = [], {}
    for i, part in enumerate(parts):
        category = THEME_CATEGORIES[min(i, len(THEME_CATEGORIES) - 1)]
        dept = f"{category}牵头单位"
        for k, s in enumerate(part["tasks"], 1):
            tid = f"{i + 1:02d}-{k:02d}"
            target = target_of(s, category, k)
            done = "已完成" in s or "全部建设完成" in s
            tasks.append(dict(task_id=tid, project_no=i + 1, project=f"{category}工程", category=category,
                              name=f"任务{tid}", target_text=target, lead=dept))
            rows.setdefault(dept, []).append(dict(task_id=tid, status="已完成" if done else "序时推进", progress_text=s))
    themes = {THEME_CATEGORIES[min(i, len(THEME_CATEGORIES) - 1)]: p["theme"] for i, p in enumerate(parts) if p["theme"]}
    root = make_workspace(root, tasks, rows, config={"region": "参考市", "form": "by-theme"},
                          period_toml={"as_of": "2024-09-30", "publish_date": "2024-10-31"}, period="2024Q3")
    with (root / "inputs/2024Q3/period.toml").open("a", encoding="utf-8") as f:
        f.write("[themes]\n" + "".join(f'"{k}" = "{v}"\n' for k, v in themes.items()))
    return root


def test_chengde_release_in_its_own_form(tmp_path):
    if not CHENGDE.exists():
        pytest.skip("shared/reference is not beside the repository")
    from press_checks import docx_paragraphs, echoed_targets, editor_problems, numbers_split_from_units, pdf_lines

    parts = parse_theme_bulletin(CHENGDE.read_text(encoding="utf-8"))
    assert len(parts) >= 8 and sum(len(p["tasks"]) for p in parts) >= 25
    result = build(chengde_workspace(parts, tmp_path / "ws"), "2024Q3")
    files = {o.format: o.path for o in result.outputs if o.kind == "press-release" and o.variant == "standard"}
    paragraphs = docx_paragraphs(files["docx"])
    text = "\n".join(paragraphs)
    flat = re.sub(r"\s+", "", text)
    c = result.dataset.counts
    assert c.adds_up() and c.done > 0
    lead = paragraphs[2]
    assert re.search(rf"已完成年度目标任务(，共完成{c.done}项工作)?，其余{c.in_progress}项正在加快推进", lead), lead
    written = sum(s.count("已完成年度目标任务") for p in parts for s in p["tasks"])
    assert flat.count("已完成年度目标任务") == written + 1  # the lead says it once; the rest are the city's words
    assert not any(re.match(r"^[一二三四五六七八九十]、", p) for p in paragraphs)  # no orphan headings
    for p in parts:  # every theme sentence opens its part; every figure is kept
        if p["theme"]:
            assert any(para.startswith(tidy(p["theme"])) for para in paragraphs), p["theme"]
        for s in p["tasks"]:
            for n in NUMBER.findall(s):
                assert n in flat, (n, s)
    assert editor_problems(text, max_now=_published_now("bulletin-chengde-2024Q3.txt") + 2) == []
    targets = [m.task.target_text for m in result.dataset.tasks]
    assert sum(len(t) >= 6 and not t.startswith("推进") for t in targets) >= 10 and echoed_targets(text, targets) == []
    assert numbers_split_from_units(pdf_lines(files["pdf"])) == []
