"""Grouping by theme (领域) across projects, for the press release and the briefing pack."""

from __future__ import annotations

import re
import subprocess

from docx import Document

from conftest import make_workspace
from reportgen import build

TASKS = [
    dict(task_id="01-01", project_no=1, project="综合提升工程", category="就业", name="就业岗位", target_text="新增就业1000人", lead="区人社局"),
    dict(task_id="01-02", project_no=1, project="综合提升工程", category="养老", name="助餐点", target_text="新建助餐点5个", lead="区民政局"),
    dict(task_id="02-01", project_no=2, project="民生保障工程", category="供热", name="管网改造", target_text="改造管网3公里", lead="区城市管理委"),
    dict(task_id="02-02", project_no=2, project="民生保障工程", category="养老", name="适老化改造", target_text="改造100户", lead="区民政局"),
]
SUBS = {"区民政局": [dict(task_id="01-02", status="推进中", progress_text="已建成3个"),
                     dict(task_id="02-02", status="已完成", progress_text="已改造100户")]}
ORDER = ["养老", "供热", "就业"]


def headings(paragraphs):
    return [re.sub(r"^[一二三四五六七八九十]+、", "", p) for p in paragraphs if re.match(r"^[一二三四五六七八九十]+、", p)]


def test_category_grouping_from_report_toml(tmp_path):
    root = make_workspace(tmp_path / "ws", TASKS, SUBS, config={"group_by": "category"})
    result = build(root)
    files = {(o.kind, o.format): o.path for o in result.outputs}
    press = [p.text for p in Document(str(files[("press-release", "docx")])).paragraphs]
    assert headings(press) == ORDER
    pack = [p.text for p in Document(str(files[("briefing-pack", "docx")])).paragraphs]
    assert headings(pack) == ["总体进展", "各领域进展情况", "需要关注的事项"]
    assert [re.sub(r"^（[一二三四五六七八九十]+）", "", p) for p in pack if re.match(r"^（[一二三四五六七八九十]+）", p)] == ORDER
    pdf = subprocess.run(["pdftotext", str(files[("briefing-pack", "pdf")]), "-"], capture_output=True, text=True).stdout
    found = [pdf.find(f"）{c}\n") for c in ORDER]
    assert all(i >= 0 for i in found) and found == sorted(found)
    # within 养老, tasks from both projects, in plan order
    body = "\n".join(press)
    assert body.index("新建助餐点5个") < body.index("改造100户") < body.index("二、供热")


def test_group_by_flag_overrides_config(tmp_path):
    from reportgen.cli import main

    root = make_workspace(tmp_path / "ws", TASKS, SUBS)
    assert main(["build", str(root), "--group-by", "category"]) == 0
    docx = next((root / "outputs" / "2025H1").glob("*新闻通稿*.docx"))
    assert headings([p.text for p in Document(str(docx)).paragraphs]) == ORDER


def test_a_hundred_and_twenty_projects_build(tmp_path):
    """Group headings past 九十九: 一百、, 一百零一、 … 一百二十、 in the press release and the pack."""
    tasks = [dict(task_id=f"{p:03d}-01", project_no=p, project=f"第{p}号工程", category="民生", name=f"任务{p}",
                  target_text=f"完成任务{p}", lead="区民政局") for p in range(1, 121)]
    subs = {"区民政局": [dict(task_id=f"{p:03d}-01", status="已完成", progress_text=f"已完成任务{p}")
                        for p in range(1, 121)]}
    root = make_workspace(tmp_path / "ws", tasks, subs)
    result = build(root)
    files = {(o.kind, o.format): o.path for o in result.outputs}
    press = [p.text for p in Document(str(files[("press-release", "docx")])).paragraphs]
    assert any(p.startswith("一百、") for p in press) and any(p.startswith("一百零一、") for p in press)
    assert any(p.startswith("一百二十、") for p in press)
    pack = [p.text for p in Document(str(files[("briefing-pack", "docx")])).paragraphs]
    assert any(p.startswith("（一百二十）") for p in pack)
    assert ("summary", "xlsx") in files and ("briefing-pack", "pdf") in files
