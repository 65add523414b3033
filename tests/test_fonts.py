"""Fonts: the office's own licensed faces from the workspace's fonts/ folder in every PDF and chart, else
free substitutes, and the build says which."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import make_workspace
from reportgen import build
from reportgen.render.fonts import font_set

KAI = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")
TASKS = [dict(task_id="01-01", project_no=1, project="养老提升工程", category="养老", name="助餐服务",
              target_text="新建助餐点10个", target_value=10, unit="个", lead="区民政局")]
SUBS = {"区民政局": [dict(task_id="01-01", status="序时推进", progress_text="已建成助餐点6个", achieved=6)]}


def office_font(path: Path, family: str, postscript: str) -> Path:
    """A small stand-in for a licensed face: a free face renamed to the office's family name."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(KAI))
    options = subset.Options()
    options.name_IDs, options.name_languages = ["*"], ["*"]
    sub = subset.Subsetter(options)
    sub.populate(text="".join(chr(c) for c in range(0x20, 0x7F)) + "测试区民心工程推进办公室一二三四五六七八九十总体进展各项任务共已完成序时推进")
    sub.subset(font)
    for rec in font["name"].names:
        if rec.nameID in (1, 4, 16):
            rec.string = family
        elif rec.nameID == 6:
            rec.string = postscript
    path.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(path))
    return path


def embedded(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


def test_substituted_faces_are_named_in_the_build_notes(tmp_path):
    result = build(make_workspace(tmp_path / "ws", TASKS, SUBS))
    fonts = font_set(tmp_path / "ws")
    missing = [f.wanted for f in fonts.substituted]
    if not missing:
        pytest.skip("this machine has the office fonts")
    note = next(n for n in result.notes if "代替" in n)
    for face in missing:
        assert f"“{face}”以“" in note
    assert "fonts/" in note


@pytest.mark.skipif(not KAI.exists(), reason="fonts-lxgw-wenkai not installed")
def test_workspace_fonts_are_used_in_every_pdf_and_chart(tmp_path):
    root = make_workspace(tmp_path / "ws", TASKS, SUBS)
    office_font(root / "fonts" / "simfang.ttf", "仿宋_GB2312", "FangSong_GB2312")
    office_font(root / "fonts" / "simhei.ttf", "黑体", "SimHei")
    fonts = font_set(root)
    assert fonts.face("body").source == "workspace" and fonts.face("hei").source == "workspace"
    result = build(root)
    pdfs = [o.path for o in result.outputs if o.format == "pdf"]
    assert len(pdfs) >= 2
    for pdf in pdfs:
        if "繁體" in pdf.name:
            continue  # 繁體版 is set in Traditional faces
        assert "+仿宋_GB2312" in embedded(pdf), pdf.name  # WeasyPrint names the subset after the family
    assert "+黑体" in embedded(next(p for p in pdfs if "工作简报" in p.name))
    note = " ".join(result.notes)
    assert "“仿宋_GB2312”以" not in note and "“黑体”以" not in note
    assert "fonts/simfang.ttf 提供“仿宋_GB2312”" in note and "fonts/simhei.ttf 提供“黑体”" in note
    # page numbers in the office's face too
    import pdfplumber

    pack = next(p for p in pdfs if "工作简报" in p.name)
    with pdfplumber.open(pack) as doc:
        page = doc.pages[0]
        number = [c for c in page.chars if c["top"] > (297 - 35) * 72 / 25.4 and c["text"].isdigit()]
    assert number and all("仿宋_GB2312" in c["fontname"] for c in number), {c["fontname"] for c in number}
    # charts draw with the same 黑体 file
    from matplotlib import font_manager

    from reportgen.render.charts import chart_font

    face = fonts.face("hei")
    assert Path(font_manager.findfont(chart_font(str(face.path), face.used))).resolve() == face.path.resolve()


def test_unreadable_font_files_are_ignored(tmp_path):
    root = make_workspace(tmp_path / "ws", TASKS, SUBS)
    (root / "fonts").mkdir()
    (root / "fonts" / "broken.ttf").write_bytes(b"not a font")
    assert all(f.source != "workspace" for f in font_set(root).faces)
    assert build(root).outputs


@pytest.mark.skipif(not KAI.exists(), reason="fonts-lxgw-wenkai not installed")
def test_a_font_file_named_like_an_office_face_is_reported_by_name(tmp_path):
    """A file only named 仿宋_GB2312.ttf, whose family inside is another, is not used, and the build says
    which file and why; an unreadable file and a second file of the same face are named too."""
    root = make_workspace(tmp_path / "ws", TASKS, SUBS)
    office_font(root / "fonts" / "仿宋_GB2312.ttf", "Some Other Song", "SomeOtherSong")
    office_font(root / "fonts" / "simhei.ttf", "黑体", "SimHei")
    office_font(root / "fonts" / "simhei2.ttf", "SimHei", "SimHei")
    (root / "fonts" / "broken.ttf").write_bytes(b"not a font")
    notes = build(root).notes
    text = "\n".join(notes)
    assert any("fonts/仿宋_GB2312.ttf" in n and "Some Other Song" in n and "未使用" in n for n in notes), text
    assert any("fonts/simhei.ttf 提供“黑体”" in n for n in notes), text
    assert any("fonts/simhei2.ttf" in n and "simhei.ttf" in n and "未使用" in n for n in notes), text
    assert any("fonts/broken.ttf" in n and "无法读取" in n for n in notes), text
    assert font_set(root).face("body").source != "workspace"
