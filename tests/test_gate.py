"""The publication gate: no public document without draft marks while any problem stands; `--strict` makes
none and exits 1; a clean workspace builds without marks and exits 0; the manifest and the terminal say which."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from docx import Document
from rich.console import Console

from conftest import THREE_TASKS, make_workspace
from reportgen.cli import main
from reportgen.render.manifest import read_manifest

LABEL = "草稿　未经审核，不得发布"
PLAN = THREE_TASKS
GOOD = {
    "区民政局": [dict(task_id="01-01", name="助餐点", status="已完成", progress_text="已建成助餐点10个", achieved=10),
                 dict(task_id="01-02", name="适老化改造", status="推进中", progress_text="已改造60户", achieved=60)],
    "区教育局": [dict(task_id="02-01", name="学位", status="推进中", progress_text="新增学位300个", achieved=300)],
}


def with_row(dept, i, **changes):
    subs = {d: [dict(r) for r in rows] for d, rows in GOOD.items()}
    subs[dept][i].update(changes)
    return subs


PROBLEMS = {
    "error (unknown status)": lambda: with_row("区教育局", 0, status="差不多"),  # also 未采用
    "not reported": lambda: {"区民政局": GOOD["区民政局"]},
    "done below target": lambda: with_row("区民政局", 1, status="已完成"),
    "rate against figures": lambda: with_row("区民政局", 1, rate="90%"),
    "screening hit (warning only)": lambda: with_row("区教育局", 0, progress_text="新增学位300个，咨询电话022-23456789"),
    "spam": lambda: with_row("区教育局", 0, progress_text="新增学位300个，详见澳门万博体育网站"),
    "contradiction (100% 推进中)": lambda: with_row("区民政局", 1, progress_text="已改造100户", achieved=100),
}


def run(argv):
    out = io.StringIO()
    return main(argv, console=Console(file=out, width=2000, color_system=None)), out.getvalue()


def pages_text(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f") if page.strip()]


def draft_marks(path) -> dict[str, bool]:
    """Which draft marks a press-release file carries."""
    if path.suffix == ".pdf":
        pages = pages_text(path)
        # 繁體版 says 草稿　未經審核，不得發布; the banner is followed by the reasons
        return {"every page": all(re.match("(?:草稿)+未[经經][审審]核", p) for p in pages),
                "banner": bool(re.search("不得[发發][布佈]：.+。", pages[0]))}
    if path.suffix == ".html":
        html = path.read_text(encoding="utf-8")
        return {"banner": bool(re.search(r'class="draft-banner"><span class="draft-mark">草稿.*?</span>：.+。</p>', html)),
                "watermark": 'class="watermark"' in html}
    doc = Document(str(path))
    return {"header": all(re.sub(r"\s", "", s.header.paragraphs[0].text).startswith(LABEL[:2]) for s in doc.sections),
            "banner": bool(re.match(r"草稿　未[经經][审審]核，不得[发發][布佈]：.+。", doc.paragraphs[0].text))}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return make_workspace(tmp_path_factory.mktemp("gate") / "ws", PLAN, GOOD,
                          config={"variants": ["traditional", "large-print"]})


def test_a_clean_workspace_builds_without_marks_and_exits_0(base, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(base, root)
    code, out = run(["build", str(root)])
    assert code == 0, out
    assert out.rstrip().splitlines()[-1] == "发布检查通过：新闻通稿可以发布。"
    outdir = root / "outputs/2025H1"
    manifest = read_manifest(outdir)
    assert (manifest.state, manifest.reasons, manifest.withheld) == ("publishable", [], False)
    press = [outdir / e["path"] for e in manifest if e["kind"] == "press-release"]
    assert len(press) == 8  # docx, pdf, html; 繁體版 docx, pdf, html; 适老版 pdf, html
    for path in press:
        assert "草稿" not in path.name
        assert not any(draft_marks(path).values()), path.name
    assert run(["build", str(root), "--strict"])[0] == 0


WITH_VARIANTS = ("error (unknown status)", "screening hit (warning only)")  # the others: the standard formats only


@pytest.mark.parametrize("problem", list(PROBLEMS))
def test_any_problem_makes_every_public_document_a_draft_and_strict_makes_none(tmp_path, problem):
    variants = ["traditional", "large-print"] if problem in WITH_VARIANTS else []
    root = make_workspace(tmp_path / "ws", PLAN, PROBLEMS[problem](), config={"variants": variants})
    code, out = run(["build", str(root)])
    outdir = root / "outputs/2025H1"
    manifest = read_manifest(outdir)
    assert manifest.state == "draft" and manifest.reasons and not manifest.withheld
    press = [outdir / e["path"] for e in manifest if e["kind"] == "press-release"]
    assert len(press) == (8 if variants else 3)
    for path in press:
        assert path.stem.endswith("（草稿）"), path.name
        marks = draft_marks(path)
        assert all(marks.values()), (path.name, marks)
    assert set(outdir.glob("*新闻通稿*")) == set(press)  # nothing public without the marks
    tail = out.rstrip().splitlines()[-(len(manifest.reasons) + 2):]  # said last: the state, each reason, what to do
    assert tail[0].startswith("发布检查未通过") and tail[-1].startswith("处理后重新运行"), out
    assert [line.strip(" ·") for line in tail[1:-1]] == manifest.reasons
    # errors exit 1; a draft for warnings only (not reported yet, a phone number to confirm) exits 0
    errors = any(r.startswith("校验发现") for r in manifest.reasons)
    assert code == (1 if errors else 0), out

    code, out = run(["build", str(root), "--strict"])
    assert code == 1 and "严格模式下未生成文档" in out
    assert not list(outdir.glob("*新闻通稿*")) and not list(outdir.glob("*工作简报*"))
    manifest = read_manifest(outdir)
    assert manifest.withheld and manifest.state == "draft"
    assert {e["kind"] for e in manifest} <= {"validation-report", "return"}


def test_the_readme_states_the_rules_and_the_marks(repo_root):
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 发布检查", 1)[1].split("\n## ", 1)[0]
    for words in ("校验没有错误", "未报送", "未采用", "筛查", "与上期", "（草稿）", "水印", "页眉", "--strict", "退出码",
                  "示例", "forbidden_words", "review_words", "allowed_words"):
        assert words in section, words


def test_a_contradiction_blocks_until_the_office_confirms_its_task(tmp_path):
    """Any code of CONTRADICTION_CODES stops blocking for the tasks period.toml's `confirmed` lists, and only those."""
    from reportgen.build import check
    from reportgen.gate import CONTRADICTION_CODES

    subs = with_row("区民政局", 1, progress_text="已改造100户", achieved=100)
    gates = {}
    for confirmed in ([], ["01-01"], ["01-02"]):
        root = make_workspace(tmp_path / f"ws{len(gates)}", PLAN, subs, period_toml={"confirmed": confirmed})
        result = check(root)
        assert [i.code for i in result.report.issues if i.code in CONTRADICTION_CODES] == ["W-RATE-FULL-NOT-DONE"]
        gates[tuple(confirmed)] = result.gate
    assert not gates[()].publishable and any("矛盾" in r for r in gates[()].reasons)
    assert not gates[("01-01",)].publishable  # another task confirmed: this one still blocks
    assert gates[("01-02",)].publishable, gates[("01-02",)].reasons
