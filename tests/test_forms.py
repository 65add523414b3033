"""The press-release forms, the one template behind every format and variant, and the draft marks.

A 河东-like workspace (a 成绩单 with 11 completed tasks, more in progress and a few service-type
tasks) is generated here; nothing in it comes from a real bulletin.
"""

from __future__ import annotations

import re
import zipfile

import pytest
from docx import Document

from conftest import make_workspace
from press_checks import (docx_paragraphs, echoed_targets, editor_problems, html_paragraphs, numbers_split_from_units,
                          pdf_lines, pdf_text)
from reportgen import build
from reportgen.render.traditional import to_simplified
from reportgen.render.wording import clean, only_says_done, says_done

PROJECTS = ["老旧小区焕新工程", "便民服务提升工程", "健康养老暖心工程", "文体惠民乐享工程"]
DONE = [  # (target, progress) of completed tasks
    ("完成3个老旧小区提升改造", "3个小区完成外立面、管网和绿化改造，惠及居民1260户"),
    ("新建口袋公园4处", "已完成年度目标任务"),
    ("改造燃气老旧管网6公里", "完成燃气老旧管网改造6.2公里，近3000户居民受益"),
    ("新增停车泊位300个", "新建临时停车场3处，新增停车泊位326个"),
    ("建成一刻钟便民生活圈2个", "该项目已完成。建成2个便民生活圈，引入便利店、维修点等业态18家"),
    ("智慧化改造菜市场2家", "2家菜市场完成智慧化改造并开业"),
    ("新增养老床位120张", "新增养老床位128张"),
    ("为1000户老年人家庭实施适老化改造", "完成适老化改造1000户"),
    ("建成社区老年食堂5个", "5个老年食堂全部建成运营，日均就餐600余人次"),
    ("建设健身步道3公里", "建成健身步道3.4公里并向群众开放"),
    ("新建百姓健身房2个", "已完成"),
]
ONGOING = [  # (project index, target, progress)
    (0, "实施雨污分流改造20个小区", "已完成12个小区雨污分流改造，其余8个小区正在施工"),
    (0, "完成老旧小区电梯加装30部", "完成加装电梯18部，其余12部正在进行基础施工"),
    (1, "打造特色商业街区1条", "目前，街区灯光亮化工程已完工，正在推进招商工作"),
    (2, "新建街道养老服务综合体1家", "完成选址和设计方案，正在进行内部装修"),
    (2, "开展护理员培训不少于200人次", "1—6月份，开展护理员培训7期、156人次"),
    (3, "举办群众文化活动200场", "举办各类群众文化活动146场"),
    (3, "改造提升社区文化活动中心5个", "同时，已完成3个社区文化活动中心改造"),
    (3, "新建智慧图书馆1个", "加快推进智慧图书馆建设"),
]
SERVICES = [  # service-type tasks (任务类型 管理服务类), in progress
    (1, "便民服务", "为困难群众提供上门代办服务", "累计提供上门代办服务2300余件"),
    (2, "养老", "开展老年人助浴服务", "已为独居老年人提供助浴服务860人次"),
    (1, "便民服务", "推行“一窗通办”", "政务服务中心“一窗通办”事项达到318项"),
]


def hedong_like(root, form="completed-first", **kwargs):
    tasks, rows = [], {}
    n = 0

    def add(project, target, progress, status, category="其他", kind=""):
        nonlocal n
        n += 1
        tid = f"{project + 1:02d}-{n:02d}"
        dept = f"第{project + 1}工程牵头单位"
        tasks.append(dict(task_id=tid, project_no=project + 1, project=PROJECTS[project], category=category,
                          name=f"{PROJECTS[project][:4]}任务{n}", target_text=target, lead=dept, kind=kind))
        rows.setdefault(dept, []).append(dict(task_id=tid, status=status, progress_text=progress))

    for i, (target, progress) in enumerate(DONE):
        add(i * len(PROJECTS) // len(DONE), target, progress, "已完成", category=["住房", "便民服务", "养老", "文化体育"][
            i * len(PROJECTS) // len(DONE)])
    for project, target, progress in ONGOING:
        add(project, target, progress, "序时推进")
    for project, category, target, progress in SERVICES:
        add(project, target, progress, "序时推进", category=category, kind="管理服务类")
    config = {"form": form, "region": "河滨区", **kwargs.pop("config", {})}
    return make_workspace(root, tasks, rows, config=config, **kwargs)


def press_files(result, variant="standard"):
    return {o.format: o.path for o in result.outputs if o.kind == "press-release" and o.variant == variant}


@pytest.fixture(scope="module")
def completed_first(tmp_path_factory):
    root = hedong_like(tmp_path_factory.mktemp("hedong") / "ws")
    return press_files(build(root))


def test_completed_first_gives_each_completed_task_a_paragraph_then_numbers_the_rest(completed_first):
    paragraphs = docx_paragraphs(completed_first["docx"])
    text = "\n".join(paragraphs)
    assert f"据介绍，当前已落地实施的工作有11项，涉及{'、'.join(PROJECTS)}。" in paragraphs  # every 工程 named
    for n, (target, progress) in enumerate(DONE, 1):  # one paragraph each, opened by its name, words as written
        name = f"{PROJECTS[(n - 1) * len(PROJECTS) // len(DONE)][:4]}任务{n}"
        [para] = [p for p in paragraphs if p.startswith(name + "。")]
        assert clean(progress) in para, (name, para)
        if only_says_done(clean(progress)):  # nothing but "done": the target says what was done
            assert para == f"{name}。{target}。{clean(progress)}"
    assert "新增养老床位120张" not in text  # the target is never a sentence of its own here
    said = sum("该项目已完成" in p for _, p in DONE)  # the department's own words, kept
    assert text.count("该项目已完成") == said and all(p.count("已完成年度目标任务") <= 1 for p in paragraphs)
    ordinals = [p[:2] for p in paragraphs if re.match(r"^[一二三四五六七八九十]是", p)]
    assert ordinals == ["一是", "二是", "三是", "四是"][:len(ordinals)] and len(ordinals) >= 3
    for _, target, progress in ONGOING:
        assert clean(progress).removeprefix("目前，") in text and target not in text, target
    services = [p for p in paragraphs if p.startswith("此外，")]
    assert len(services) == 1 and all(clean(t) in services[0] for _, _, _, t in SERVICES)
    assert services[0].startswith("此外，便民服务提升工程、健康养老暖心工程中的管理服务类工作不断优化。")
    # the lead adds up and names the first completed task
    lead = paragraphs[2]
    assert "22项具体工作中，“老旧小区任务1”等11项工作已完成，其余11项正在加快推进。" in lead


def test_completed_first_reads_as_an_editor_wants(completed_first):
    text = "\n".join(docx_paragraphs(completed_first["docx"]))
    targets = [t for t, _ in DONE] + [t for _, t, _ in ONGOING] + [t for _, _, t, _ in SERVICES]
    assert editor_problems(text, max_now=6 + 2) == []  # 河东's published 成绩单 says 目前 6 times
    assert echoed_targets(text, targets) == []
    for _, _, progress in ONGOING:  # every figure kept
        for n in re.findall(r"\d+(?:\.\d+)?", progress):
            assert n in text, n
    assert numbers_split_from_units(pdf_lines(completed_first["pdf"])) == []


def test_numbered_list_runs_target_and_progress_on_without_adding_now(tmp_path):
    files = press_files(build(hedong_like(tmp_path / "ws", form="numbered-list")))
    paragraphs = docx_paragraphs(files["docx"])
    headings = [p for p in paragraphs if re.match(r"^[一二三四]、", p)]
    assert headings == [f"{n}、{p}" for n, p in zip("一二三四", PROJECTS)]
    items = [p for p in paragraphs if re.match(r"^\d+、", p)]
    assert len(items) == len(DONE) + len(ONGOING) + len(SERVICES)
    assert items[0].startswith("1、（已完成）3个小区完成外立面")  # the progress states the target's 3个: no echo
    assert "1、新增养老床位120张（已完成）。新增养老床位128张。" in items  # it does not: the target first
    assert "2、新建口袋公园4处。已完成年度目标任务。" in items  # the text says it is done: no （已完成）
    written_now = sum(p.count("目前") for _, _, p in ONGOING)
    assert "\n".join(paragraphs).count("目前") == written_now  # none added
    assert editor_problems("\n".join(paragraphs)) == []


def test_missing_progress_is_marked_and_the_lead_adds_up(tmp_path):
    root = hedong_like(tmp_path / "ws", form="by-project")
    (root / "inputs/2025H1/departments/第4工程牵头单位.xlsx").unlink()  # project 4's tasks not reported
    result = build(root)
    text = "\n".join(docx_paragraphs(press_files(result)["docx"]))
    assert "举办群众文化活动200场。（进展情况未报送）" in text
    assert "新建百姓健身房2个。（进展情况未报送）" in text  # reported as done before: not said to be done now
    c = result.dataset.counts
    assert c.not_reported == 5 and c.adds_up()
    assert f"已累计完成{c.done}项，{c.in_progress}项正在加快推进，5项进展情况未报送。" in text
    assert "其余" not in text.splitlines()[2]


@pytest.mark.parametrize("form", ["completed-first", "by-theme"])
def test_a_task_without_progress_is_never_told_as_a_result_in_a_narrative_form(tmp_path, form):
    """In a paragraph of results, 举办群众文化活动200场（进展情况未报送） read as something done: the task is
    named, its target marked as the target, and the note said as a sentence of its own."""
    root = hedong_like(tmp_path / "ws", form=form)
    (root / "inputs/2025H1/departments/第4工程牵头单位.xlsx").unlink()
    text = "\n".join(docx_paragraphs(press_files(build(root))["docx"]))
    assert "文体惠民任务17（年度目标：举办群众文化活动200场）进展情况未报送。" in text
    assert "举办群众文化活动200场（进展情况未报送）" not in text
    if form == "completed-first":  # 取得积极成效 is said of work under way only: the rest stands apart, last
        paragraphs = text.splitlines()
        ordinals = [p for p in paragraphs if re.match(r"^[一二三四五六七八九十]+是", p)]
        assert ordinals and not any("未报送" in p for p in ordinals)
        assert "进展情况未报送。" in [p for p in paragraphs if p.strip()][-1]


# ---- one template: every format and variant ------------------------------------

SENTENCE, CHANGED = "该项目已完成。", "该项工作已全部完成。"


def test_one_sentence_changed_in_the_template_changes_every_file(tmp_path):
    from reportgen.templating import export_templates

    root = hedong_like(tmp_path / "ws", form="by-project", config={"variants": ["traditional", "large-print"]})
    export_templates(root)
    tpl = root / "templates" / "press-release.html.j2"
    source = tpl.read_text(encoding="utf-8")
    assert source.count(SENTENCE) == 1
    tpl.write_text(source.replace(SENTENCE, CHANGED), encoding="utf-8")
    result = build(root)
    made = {(o.format, o.variant): o.path for o in result.outputs if o.kind == "press-release"}
    assert set(made) == {("docx", "standard"), ("pdf", "standard"), ("html", "standard"), ("docx", "traditional"),
                         ("pdf", "traditional"), ("html", "traditional"), ("pdf", "large-print"), ("html", "large-print")}
    for (fmt, variant), path in made.items():
        text = {"docx": lambda p: "".join(docx_paragraphs(p)), "pdf": pdf_text,
                "html": lambda p: "".join(html_paragraphs(p))}[fmt](path)
        new, old = (CHANGED, SENTENCE) if variant != "traditional" else ("該項工作已全部完成。", "該項目已完成。")
        assert text.count(new) == sum(not says_done(clean(p)) for _, p in DONE), (fmt, variant)
        assert text.count(old) == sum(SENTENCE in p for _, p in DONE), (fmt, variant)  # only where a department wrote it


def test_traditional_from_s2t_round_trips_to_the_simplified_release(tmp_path):
    root = hedong_like(tmp_path / "ws", form="by-project", config={"variants": ["traditional"]})
    result = build(root)
    std, trad = press_files(result), press_files(result, "traditional")
    simplified = docx_paragraphs(std["docx"])
    traditional = docx_paragraphs(trad["docx"])
    assert traditional != simplified and "群眾" not in "".join(simplified)
    assert [to_simplified(p) for p in traditional] == simplified
    assert [to_simplified(p) for p in html_paragraphs(trad["html"])] == html_paragraphs(std["html"])
    assert to_simplified(pdf_text(trad["pdf"])) == pdf_text(std["pdf"])


# ---- draft marks: keyed on `draft` only ------------------------------------------

def _plain(fmt, path) -> str:
    if fmt == "pdf":
        return pdf_text(path)
    if fmt == "html":
        return path.read_text(encoding="utf-8")
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))


def test_draft_is_marked_in_every_format_and_a_publishable_release_is_not(tmp_path):
    root = hedong_like(tmp_path / "ws", form="by-project", config={"variants": ["traditional", "large-print"]})
    result = build(root)
    assert result.gate.publishable
    for o in result.outputs:
        if o.kind == "press-release":
            text = _plain(o.format, o.path)
            assert "未经审核" not in text and "未經審核" not in text and 'class="watermark"' not in text, o.path.name
    (root / "inputs/2025H1/departments/第4工程牵头单位.xlsx").unlink()
    result = build(root)
    assert result.gate is not None and not result.gate.publishable
    draft = {(o.format, o.variant): o.path for o in result.outputs if o.kind == "press-release"}
    assert len(draft) == 8
    for (fmt, variant), path in draft.items():
        if fmt == "pdf":
            from pypdf import PdfReader

            for page in PdfReader(path).pages:  # the mark on every page (the watermark is a picture)
                words = re.sub(r"\s+", "", page.extract_text())
                assert "未经审核" in words or "未經審核" in words, (variant, words[:40])
            if variant == "large-print":  # the draft's marks are large print too
                import pdfplumber

                with pdfplumber.open(path) as pdf:
                    assert min(c["size"] for p in pdf.pages for c in p.chars if c["text"].strip()) >= 18
        elif fmt == "html":
            html = path.read_text(encoding="utf-8")
            assert 'class="watermark"' in html and 'class="draft-banner"' in html and "data:image/svg+xml" in html
        else:
            with zipfile.ZipFile(path) as z:
                headers = "".join(z.read(n).decode() for n in z.namelist() if re.match(r"word/header\d*\.xml", n))
            assert "未经审核" in headers or "未經審核" in headers
            assert Document(str(path)).paragraphs[0].style.name == "RG Draft"


def test_an_office_form_is_a_template_and_unknown_forms_are_refused(tmp_path):
    from reportgen.errors import InputError

    root = hedong_like(tmp_path / "ws", form="brief")
    (root / "templates").mkdir()
    (root / "templates/press-release-brief.html.j2").write_text(
        '{% extends "press-release.html.j2" %}{% block body %}<p>共{{ counts.total }}项，'
        '{% for c in completed %}{{ c.text }}{{ "。" if loop.last else "；" }}{% endfor %}</p>{% endblock %}',
        encoding="utf-8")
    text = "\n".join(docx_paragraphs(press_files(build(root))["docx"]))
    assert "共22项，" in text and "新增养老床位128张" in text
    (root / "templates/press-release-brief.html.j2").unlink()
    with pytest.raises(InputError, match="by-project、completed-first、by-theme、numbered-list"):
        build(root)


def test_taiwan_phrases_are_refused_in_chinese(tmp_path):
    from reportgen.errors import InputError

    root = hedong_like(tmp_path / "ws", form="by-project", config={"traditional": "s2twp"})
    with pytest.raises(InputError, match="社群") as e:
        build(root)
    assert '"s2t"' in str(e.value.issue.message if hasattr(e.value, "issue") else e.value)


def test_a_theme_without_its_sentence_is_a_plain_paragraph_and_a_reminder(tmp_path):
    from reportgen.templating import check_templates

    root = hedong_like(tmp_path / "ws", form="by-theme", period_toml={"as_of": "2025-06-30"})
    with (root / "inputs/2025H1/period.toml").open("a", encoding="utf-8") as f:
        f.write('[themes]\n"住房" = "让居民住得舒心。"\n')
    found = [(i.code, i.file, i.message) for i in check_templates(root) if i.code == "W-THEME-MISSING"]
    assert [m.split("“")[1].split("”")[0] for _, _, m in found] == ["其他", "便民服务", "养老", "文化体育"]  # plan order
    assert all(f == "inputs/2025H1/period.toml" and "[themes]" in m for _, f, m in found)
    assert '"养老" = "……"' in found[2][2]
