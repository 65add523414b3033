"""A workspace made from a real published bulletin's figures builds to a press release
that names every project in order, every task with its figures, and the right counts.

The bulletin is read at test time from ../shared/reference/ (never copied into the repo).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from conftest import make_workspace
from reportgen import build

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
    return make_workspace(root, tasks, subs, config={"region": "参考区"})


@pytest.fixture(scope="module")
def reference_build(tmp_path_factory):
    if not REFERENCE.exists():
        pytest.skip("shared/reference is not beside the repository")
    projects = parse_bulletin(REFERENCE.read_text(encoding="utf-8"))
    result = build(workspace_from(projects, tmp_path_factory.mktemp("ref") / "ws"))
    files = {o.format: o.path for o in result.outputs if o.kind == "press-release"}
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
