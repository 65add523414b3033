"""The briefing pack: official layout measured on the PDF, every task, annexes, Word fields,
and the Word file the same document as the PDF (sample, small and 40-group workspaces)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pdfplumber
import pytest
from docx import Document
from docx.enum.section import WD_SECTION

from conftest import copy_sample, forty_groups, libreoffice, make_workspace
from reportgen import build
from reportgen.render.manifest import read_manifest

MM = 72 / 25.4
TASKS = [
    dict(task_id=f"{p:02d}-{i:02d}", project_no=p, project=name, category=cat, name=f"{name[:2]}任务{i}",
         target_text=f"完成{name[:2]}任务{i}的年度目标{10 * i}个", target_value=10 * i, unit="个", lead=lead)
    for p, name, cat, lead in ((1, "养老提升工程", "养老", "区民政局"), (2, "教育扩容工程", "教育", "区教育局"),
                               (3, "供热保障工程", "供热", "区城市管理委"), (4, "就业促进工程", "就业", "区人社局"))
    for i in range(1, 4)
]
LIBREOFFICE = shutil.which("libreoffice")
UNO = subprocess.run(["/usr/bin/python3", "-c", "import uno"], capture_output=True).returncode == 0 \
    if shutil.which("/usr/bin/python3") else False
needs_libreoffice = pytest.mark.skipif(LIBREOFFICE is None, reason="LibreOffice not installed")


def _rows(prefix, statuses):
    rows = []
    for i, status in enumerate(statuses, 1):
        rows.append(dict(task_id=f"{prefix}-{i:02d}", status=status, progress_text=f"目前已完成{5 * i}个，工作正在推进" * 3,
                         achieved=5 * i, problems=f"问题{prefix}-{i}：资金审批滞后" if status == "滞后" else "",
                         next_steps=f"打算{prefix}-{i}：倒排工期" if status == "滞后" else ""))
    return rows


SUBS = {
    "区民政局": _rows("01", ["已完成", "序时推进", "滞后"]),
    "区教育局": _rows("02", ["序时推进", "序时推进", "未启动"]),
    "区城市管理委": _rows("03", ["滞后", "序时推进", "已完成"]),
}


def pack(result) -> dict:
    return {o.format: o.path for o in result.outputs if o.kind == "briefing-pack"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_workspace(tmp_path_factory.mktemp("brief") / "ws", TASKS, SUBS)
    result = build(root)
    return result, pack(result)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    result = build(copy_sample(tmp_path_factory.mktemp("sample") / "ws"))
    return result, pack(result)


@pytest.fixture(scope="module")
def forty(tmp_path_factory):
    result = build(forty_groups(tmp_path_factory.mktemp("forty") / "ws"))
    return result, pack(result)


_printed: dict = {}


def lo_refresh(docx, tmp_path_factory) -> list[dict]:
    """The Word file's table of contents before and after LibreOffice refreshes it (tests/lo_refresh.py)."""
    import json
    from pathlib import Path

    profile = tmp_path_factory.mktemp("lo-uno")
    r = subprocess.run(["/usr/bin/python3", str(Path(__file__).with_name("lo_refresh.py")), str(profile), str(docx)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]


def word_pdf(docx, tmp_path_factory):
    """The Word pack as LibreOffice prints it (once per file)."""
    if docx in _printed:
        return _printed[docx]
    out = tmp_path_factory.mktemp("lo")
    libreoffice(docx, "pdf", out)
    pdfs = list(out.glob("*.pdf"))
    assert pdfs
    _printed[docx] = pdfs[0]
    return pdfs[0]


def pdf_text(path) -> str:
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                                             text=True, check=True).stdout)


def pages_text(path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [re.sub(r"\s+", "", page.extract_text() or "") for page in pdf.pages]


def pdf_tables(path) -> list[list[list[str]]]:
    with pdfplumber.open(path) as pdf:
        return [[[re.sub(r"\s+", "", c or "") for c in row] for row in t] for page in pdf.pages
                for t in page.extract_tables()]


# ---- official layout ---------------------------------------------------------------------------


def test_listed_in_manifest(built):
    result, files = built
    assert set(files) == {"pdf", "docx"}
    kinds = {(e["kind"], e["format"]) for e in read_manifest(result.outdir)}
    assert {("briefing-pack", "pdf"), ("briefing-pack", "docx")} <= kinds


def test_pdf_is_a4_and_text_stays_in_the_text_area(built):
    _, files = built
    with pdfplumber.open(files["pdf"]) as pdf:
        assert len(pdf.pages) >= 3
        for n, page in enumerate(pdf.pages, 1):
            assert abs(page.width - 210 * MM) < 1 and abs(page.height - 297 * MM) < 1
            body = [c for c in page.chars if c["top"] < (297 - 35) * MM]
            footer = "".join(c["text"] for c in page.chars if c["top"] >= (297 - 35) * MM).strip()
            assert re.fullmatch(r"—\s*\d+\s*—", footer), footer
            tol = 2 * MM
            assert min(c["x0"] for c in body) >= 28 * MM - tol
            assert max(c["x1"] for c in body) <= (210 - 26) * MM + tol
            assert min(c["top"] for c in body) >= 37 * MM - tol
            assert max(c["bottom"] for c in body) <= (297 - 35) * MM + tol
            # odd pages: number on the right; even pages: on the left
            nums = [c for c in page.chars if c["top"] >= (297 - 35) * MM]
            centre = sum(c["x0"] for c in nums) / len(nums)
            assert (centre > 105 * MM) if n % 2 else (centre < 105 * MM)


def test_every_task_and_annex(built):
    _, files = built
    text = pdf_text(files["pdf"])
    for t in TASKS:
        assert t["task_id"] in text and t["name"] in text
    annex = [row for t in pdf_tables(files["pdf"]) for row in t if len(row) == 7 and row[2] in ("滞后", "未启动")]
    for r in SUBS["区民政局"] + SUBS["区城市管理委"]:
        if r["status"] == "滞后":  # 编号 任务名称 状态 进展情况 存在问题 下步打算 牵头单位
            assert [r["task_id"], r["problems"], r["next_steps"]] in [[a[0], a[4], a[5]] for a in annex]
    assert "区人社局未报送本期进展" in text
    assert "民心工程工作简报" in text and "第3期" in text and "测试区民心工程推进办公室" in text
    assert "报：区委、区政府" in text and "共印30份" in text


def test_docx_has_page_fields_and_updates_on_open(built):
    _, files = built
    with zipfile.ZipFile(files["docx"]) as z:
        names = z.namelist()
        footers = [z.read(n).decode() for n in names if n.startswith("word/footer")]
        settings = z.read("word/settings.xml").decode()
        document = z.read("word/document.xml").decode()
    numbered = [f for f in footers if re.search(r"<w:instrText[^>]*>\s*PAGE\s*</w:instrText>", f)]
    assert len(numbered) == 2  # odd and even pages; the 版记's section has blank footers of its own
    for f in footers:
        assert not re.search(r"<w:t>\s*\d+\s*</w:t>", f)  # no typed page numbers
    assert "<w:evenAndOddHeaders/>" in settings
    assert "updateFields" not in settings  # no table of contents: Word is not told to ask about fields
    assert "<w:tblHeader/>" in document and "<w:cantSplit/>" in document
    assert "{{" not in document and "{%" not in document
    text = "\n".join(p.text for p in Document(str(files["docx"])).paragraphs)
    assert "民心工程工作简报" in text and "附件1" in text


# ---- numbering, sentences, annexes, 版记, internal variant ---------------------------------------


@pytest.mark.parametrize("which", ["sample", "forty"])
def test_group_numbers_agree_in_table_chart_and_headings(which, request):
    result, files = request.getfixturevalue(which)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(files["pdf"]), "-"], capture_output=True, text=True).stdout
    groups = result.dataset.groups
    found = headings(files["pdf"])
    section = found[found.index(next(h for h in found if h.startswith("二、"))) + 1:]
    labels = [h for h in section[:section.index(next(h for h in section if h.startswith("三、")))]]
    assert len(labels) == len(groups)
    overview = [r[0] for t in pdf_tables(files["pdf"]) if t[0][:2] == ["工程", "任务数"] for r in t[1:] if r[0] != "合计"]
    assert overview == labels  # the overview table names each group as its heading does
    assert [h.split("）", 1)[1] for h in labels] == [g.title for g in groups]
    # the Word file numbers them the same way
    doc = [p.text for p in Document(str(files["docx"])).paragraphs if p.style.name == "RG Heading 2"]
    assert [p for p in doc if p in labels] == labels
    captions = re.findall(r"图(\d+)\u3000", text)
    assert captions == [str(n) for n in range(1, len(captions) + 1)]


def counts_in(sentence: str) -> dict[str, int]:
    return {k: int(v) for v, k in ((m[2], m[1]) for m in re.finditer(r"(已完成|序时推进|滞后|未启动|未报送|未采用)(\d+)项", sentence))}


@pytest.mark.parametrize("which", ["sample", "forty", "built"])
def test_sentences_add_up_and_read_naturally(which, request):
    result, files = request.getfixturevalue(which)
    text = pdf_text(files["pdf"])
    assert not re.search(r"[^\d.%]0项", text)  # no "已完成0项"
    assert not re.search(r"(未报送|未采用|未启动|滞后)\d+项，其中\d+项超额", text)  # 其中 next to 已完成
    start = text.index("二、各")
    for g in result.dataset.groups:
        c = g.counts
        start = text.index("）" + g.title + "共", start)
        sentence = re.search(rf"共{c.total}项任务，[^。]*。", text[start:]).group(0)
        found = counts_in(sentence)
        if len(found) > 1:
            assert sum(found.values()) == c.total, sentence
        assert ("超额" in sentence) == bool(c.over_target), sentence
    c = result.dataset.counts
    overview = re.search(r"截至\d+月底，[^。]*。", text).group(0)
    assert sum(counts_in(overview).values()) == c.total, overview


def test_empty_annexes_are_one_line_in_the_body(tmp_path):
    subs = {d: [dict(r, status="序时推进", problems="", next_steps="") for r in rows] for d, rows in SUBS.items()}
    subs["区人社局"] = [dict(task_id=f"04-{i:02d}", status="已完成", progress_text="已完成。", achieved=10 * i)
                     for i in range(1, 4)]
    files = pack(build(make_workspace(tmp_path / "ws", TASKS, subs)))
    text = pdf_text(files["pdf"])
    assert "附件" not in text
    assert "本期无滞后和未启动任务。各单位均已按时报送本期进展。" in text
    assert "本期无滞后和未启动任务" in pages_text(files["pdf"])[-1]  # the pack ends with the body, no annex page


def test_missing_reports_and_set_aside_rows_are_apart(forty):
    result, files = forty
    adopted_not = [m for m in result.dataset.tasks if m.status == "未采用"]
    missing = [m for m in result.dataset.tasks if m.status == "未报送"]
    assert adopted_not and missing
    tables = pdf_tables(files["pdf"])
    not_reported = next(t for t in tables if t[0] == ["编号", "任务名称", "年度目标", "牵头单位"])
    set_aside = next(t for t in tables if t[0] == ["编号", "任务名称", "牵头单位", "未采用原因"])
    assert [r[0] for r in not_reported[1:]] == [m.task.task_id for m in missing]
    assert [r[0] for r in set_aside[1:]] == [m.task.task_id for m in adopted_not]
    assert all("正在办理中" in r[3] for r in set_aside[1:])  # the reason, as the validation found it
    text = pdf_text(files["pdf"])
    assert "区市场监管局未报送本期进展，涉及2项任务" in text
    for m in adopted_not:  # never blamed as not reported
        assert m.task.lead not in text[text.index("未报送本期进展") - 20:text.index("未报送本期进展")]


def test_a_department_that_sent_a_file_is_not_said_to_have_sent_nothing(tmp_path):
    subs = {**SUBS, "区教育局": SUBS["区教育局"][:2]}  # 02-03 left out of the file
    text = pdf_text(pack(build(make_workspace(tmp_path / "ws", TASKS, subs)))["pdf"])
    assert "区人社局未报送本期进展；区教育局的报送中缺少部分任务，涉及4项任务" in text
    assert "区教育局未报送" not in text


@pytest.mark.parametrize("which", ["built", "sample", "forty"])
def test_colophon_at_the_foot_of_the_last_page(which, request, tmp_path_factory):
    _, files = request.getfixturevalue(which)
    for path in (files["pdf"], *([word_pdf(files["docx"], tmp_path_factory)] if LIBREOFFICE else [])):
        with pdfplumber.open(path) as pdf:
            last = pdf.pages[-1]
            words = {w["text"]: w for w in last.extract_words()}
            copies = next(w for t, w in words.items() if "共印" in t)
            report = next(w for t, w in words.items() if t.startswith("报："))
            # the last line sits at the bottom of the text area (297 − 35 mm), the 报 line above it
            assert (297 - 35 - 14) * MM < copies["bottom"] <= (297 - 35 + 1) * MM, path
            assert report["top"] < copies["top"]
            assert all("共印" not in (p.extract_text() or "") for p in pdf.pages[:-1])
            alone = "编号" not in (last.extract_text() or "") and "附件" not in (last.extract_text() or "")
            if alone:
                assert not re.search(r"—\s*\d+\s*—", last.extract_text()), path  # a 版记 page: no number
            if path == files["pdf"]:
                assert len(pdf.pages) % 2 == 0, path  # GB/T 9704: the 版记 on an even page (封四)
            else:  # Word: a page of its own in a section that starts on an even page (LibreOffice, unlike
                assert alone, path  # Word, prints no blank page before it, so its page count says nothing)
    sections = Document(str(files["docx"])).sections
    assert len(sections) == 2 and sections[-1].start_type == WD_SECTION.EVEN_PAGE


def test_no_colophon_without_report_send_issue(tmp_path):
    root = make_workspace(tmp_path / "ws", TASKS, SUBS, config={"report_to": "", "send_to": "", "issue_to": ""})
    result = build(root)
    files = pack(result)
    assert any("没有版记" in n and "report_to" in n for n in result.notes), result.notes
    text = pdf_text(files["pdf"])
    assert "报：" not in text and "共印" not in text
    docx = "".join(p.text for p in Document(str(files["docx"])).paragraphs)
    docx += "".join(c.text for t in Document(str(files["docx"])).tables for r in t.rows for c in r.cells)
    assert "报：" not in docx and "共印" not in docx


def test_sources_only_in_the_internal_pack(built, tmp_path):
    _, files = built
    for path in files.values():
        text = pdf_text(path) if path.suffix == ".pdf" else "".join(
            c.text for t in Document(str(path)).tables for r in t.rows for c in r.cells)
        assert ".xlsx" not in text and "数据来源" not in text
    result = build(make_workspace(tmp_path / "ws", TASKS, SUBS, config={"internal": True}))
    internal = pack(result)
    assert "（内部版）" in internal["pdf"].name and "（内部版）" in internal["docx"].name
    assert {o.variant for o in result.outputs if o.kind == "briefing-pack"} == {"internal"}
    text = pdf_text(internal["pdf"])
    assert "数据来源" in text and "区民政局.xlsx" in text and "第3期（内部版）" in text


# ---- tables: widths from the content ------------------------------------------------------------

LATIN = re.compile(r"[0-9A-Za-z.%\-]")


def check_cells(path, prose_numbers: bool = True) -> int:
    """No cell text outside its cell, no break inside a cell of ≤ 4 characters or inside a number
    (LibreOffice breaks numbers inside Chinese prose, 8|0%, which Word does not: `prose_numbers=False`
    checks numbers only in cells without Chinese, such as 112.5% or 01-01)."""
    checked = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.find_tables():
                for cell in table.cells:
                    x0, top, x1, bottom = cell
                    chars = [c for c in page.chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1
                             and top <= (c["top"] + c["bottom"]) / 2 <= bottom and c["text"].strip()]
                    if not chars:
                        continue
                    checked += 1
                    assert min(c["x0"] for c in chars) >= x0 - 0.5 and max(c["x1"] for c in chars) <= x1 + 0.5, \
                        ("overflow", "".join(c["text"] for c in chars))
                    lines: list[list] = []
                    for c in sorted(chars, key=lambda c: c["top"]):
                        if not lines or c["top"] - lines[-1][0]["top"] > 4:
                            lines.append([])
                        lines[-1].append(c)
                    texts = ["".join(c["text"] for c in sorted(line, key=lambda c: c["x0"])) for line in lines]
                    if len("".join(texts)) <= 4:
                        assert len(texts) == 1, ("short word broken", texts)
                    prose = re.search(r"[\u4e00-\u9fff]", "".join(texts))
                    for a, b in zip(texts, texts[1:]) if prose_numbers or not prose else ():
                        assert not (LATIN.match(a[-1]) and LATIN.match(b[0])), ("number broken", a, b)
    return checked


@pytest.mark.parametrize("which", ["sample", "forty"])
def test_table_cells_fit_and_short_words_stay_whole(which, request, tmp_path_factory):
    _, files = request.getfixturevalue(which)
    assert check_cells(files["pdf"]) > 100
    if LIBREOFFICE:
        assert check_cells(word_pdf(files["docx"], tmp_path_factory), prose_numbers=False) > 100


def test_column_widths_come_from_the_content():
    from reportgen.render.columns import unbreakable_em, widths

    assert unbreakable_em("牵头单位") == 4 and unbreakable_em("已完成") == 3
    assert unbreakable_em("112.5%") > 3 and unbreakable_em("区住房和城乡建设委员会") == 1
    cells = [["编号", "进展情况", "状态"], ["01-01", "目前已完成" * 20, "已完成"], ["01-02", "短", "序时推进"]]
    w = widths(cells, 156)
    assert abs(sum(w) - 156) < 0.1
    assert w[1] > 100 and w[2] >= 4 * 10.5 / 72 * 25.4 + 2  # 序时推进 on one line, padding included


# ---- table of contents, one layout ---------------------------------------------------------------


def test_pack_is_laid_out_once(built, monkeypatch, tmp_path):
    """Once, or twice where the 版记 first fell on an odd page and was moved to a page of its own."""
    from reportgen.render import briefing

    calls = []
    real = briefing.layout
    monkeypatch.setattr(briefing, "layout", lambda *a, **k: calls.append(1) or real(*a, **k))
    root = make_workspace(tmp_path / "ws", TASKS, SUBS, config={"toc": True})
    files = pack(build(root, workers=1))  # the calls are counted in this process
    pages = pages_text(files["pdf"])
    alone = "共印" in pages[-1] and "附件" not in pages[-1] and "编号" not in pages[-1]
    assert len(calls) == (2 if alone else 1)


def test_no_table_of_contents_in_a_short_pack(sample, built):
    for _, files in (sample, built):
        assert "目录" not in pdf_text(files["pdf"])
        assert "目　录" not in "".join(p.text for p in Document(str(files["docx"])).paragraphs)


def test_table_of_contents_on_request_with_the_pages_of_the_layout(tmp_path, tmp_path_factory):
    files = pack(build(make_workspace(tmp_path / "ws", TASKS, SUBS, config={"toc": True})))
    pages = pages_text(files["pdf"])
    toc = re.findall(r"([^.\d][^.]*?)\.{3,}(\d+)", pages[0].split("目录", 1)[1])
    assert len(toc) >= 7 and toc[0] == ("一、总体进展", "1")
    for entry, page in toc:  # every entry points at the page its heading is on
        assert entry in pages[int(page) - 1].replace(entry + ".", ""), (entry, page)
    # Word: real entries and the same page numbers before any field update
    doc = Document(str(files["docx"]))
    entries = [tuple(re.sub(r"\s", "", part) for part in p.text.split("\t")) for p in doc.paragraphs
               if re.fullmatch(r"(?i)toc \d", p.style.name)]
    assert entries == toc
    xml = zipfile.ZipFile(files["docx"]).read("word/document.xml").decode()
    assert re.search(r"<w:instrText[^>]*>\s*TOC ", xml) and "更新目录" not in xml
    assert 'w:updateFields w:val="true"' in zipfile.ZipFile(files["docx"]).read("word/settings.xml").decode()
    if LIBREOFFICE:
        word = pages_text(word_pdf(files["docx"], tmp_path_factory))
        assert all(entry in word[0] for entry, _ in toc)
    if LIBREOFFICE and UNO:
        refreshed = lo_refresh(files["docx"], tmp_path_factory)
        before = [r for r in refreshed if r["when"] == "before"]
        after = [r for r in refreshed if r["when"] == "after"]
        # every entry kept (annexes by their titles), in Word's TOC styles at the PDF's 14 pt; the pages now
        # LibreOffice's own, within one of the PDF's
        assert len(after) == len(before) == len(toc)
        for (entry, page), row in zip(toc, after):
            text, _, number = row["text"].partition("\t")
            assert re.sub(r"\s", "", text) in entry and abs(int(number) - int(page)) <= 1, (entry, page, row)
        assert {(r["style"], r["size"]) for r in after} == {(r["style"], r["size"]) for r in before}
        assert {r["size"] for r in after} == {14.0} and len({r["style"] for r in after}) == 2


def test_long_pack_gets_a_table_of_contents_unless_refused(forty, tmp_path):
    _, files = forty
    text = pages_text(files["pdf"])
    assert "目录" in text[0] and "（四十）第40项民生工程" in "".join(text[:3])
    root = forty_groups(tmp_path / "ws", config={"toc": False})
    result = build(root)
    assert "目录" not in pdf_text(pack(result)["pdf"])
    # the length is foreseen closely enough to decide before the one layout
    from reportgen.render.pack import estimate_pages, pack_context

    pages = next(o.pages for o in result.outputs if o.kind == "briefing-pack" and o.format == "pdf")
    assert abs(estimate_pages(pack_context(result.dataset)) - pages) <= 0.2 * pages


# ---- the Word pack is the same document -----------------------------------------------------------


def headings(path) -> list[str]:
    """Lines set at 16 pt (headings, 附件N) that open with a section number, in order."""
    found = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for line in page.extract_text_lines():
                size = max(c["size"] for c in line["chars"])
                text = re.sub(r"\s", "", line["text"])
                if 15 < size < 17 and re.match(r"^([一二三]、|（[一二三四五六七八九十]+）|附件\d+$)", text):
                    found.append(text)
    return found


@needs_libreoffice
@pytest.mark.parametrize("which", ["sample", "forty"])
def test_word_pack_has_the_pages_sections_and_tables_of_the_pdf(which, request, tmp_path_factory):
    _, files = request.getfixturevalue(which)
    word = word_pdf(files["docx"], tmp_path_factory)
    with pdfplumber.open(files["pdf"]) as a, pdfplumber.open(word) as b:
        # Word's 版记 always has an even page of its own (briefing._colophon_on_even_page): up to two more
        assert -1 <= len(b.pages) - len(a.pages) <= 2, (len(a.pages), len(b.pages))
    assert headings(word) == headings(files["pdf"]) and len(headings(word)) > 5
    # same tables, same headers, same column widths (within 1 mm)
    with pdfplumber.open(files["pdf"]) as a, pdfplumber.open(word) as b:
        def shapes(pdf):
            out = []
            for page in pdf.pages:
                for t in page.find_tables():
                    xs = sorted({round(c[0], 0) for c in t.cells} | {round(c[2], 0) for c in t.cells})
                    header = [re.sub(r"\s+", "", c or "") for c in t.extract()[0]]
                    out.append((header, [b - a for a, b in zip(xs, xs[1:])]))
            return out

        pa, pb = shapes(a), shapes(b)
    heads_a = [h for h, _ in pa if h[0] in ("编号", "工程", "位置")]
    heads_b = [h for h, _ in pb if h[0] in ("编号", "工程", "位置")]
    assert dict.fromkeys(map(tuple, heads_a)) == dict.fromkeys(map(tuple, heads_b))
    widths_a = {tuple(h): w for h, w in pa}
    for h, w in pb:
        if tuple(h) in widths_a and len(w) == len(widths_a[tuple(h)]):
            assert all(abs(x - y) <= 1 * MM for x, y in zip(w, widths_a[tuple(h)])), h


def test_word_pack_names_the_office_typefaces(built):
    _, files = built
    doc = Document(str(files["docx"]))
    east = {s.name: s.element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
            for s in doc.styles if s.type == 1 and s.element.rPr is not None and s.element.rPr.rFonts is not None}
    assert east["RG Title"] == east["RG Masthead"] == "方正小标宋简体"
    assert east["RG Body"] == east["RG Table"] == "仿宋_GB2312"
    assert east["RG Heading 1"] == east["RG Table Head"] == "黑体" and east["RG Heading 2"] == "楷体_GB2312"


STATUS_TEXTS = ["已完成年度目标任务", "已完成", "序时推进", "完成{name}的年度目标10个", "目前已建成5个，正在验收", ""]


def test_no_false_not_adopted_for_any_status_and_text(tmp_path):
    """Every status × a text that is only a status phrase, an echo of the target, ordinary words or nothing:
    the pack's 进展情况 says （报送内容未采用） only for a task whose report was set aside, and a 已完成 task
    whose words were all dropped by the press release's rules prints those words or its status."""
    from reportgen.merge import merge
    from reportgen.read import read_workspace
    from reportgen.render.pack import pack_context
    from reportgen.validate import validate

    statuses = ["已完成", "序时推进", "滞后", "未启动", "正在办理中"]  # the last cannot be read: 未采用
    tasks, rows = [], []
    for s, status in enumerate(statuses, 1):
        for k, text in enumerate(STATUS_TEXTS, 1):
            tid, name = f"{s:02d}-{k:02d}", f"任务{s}{k}"
            tasks.append(dict(task_id=tid, project_no=s, project=f"工程{s}", category="其他", name=name,
                              target_text=f"完成{name}的年度目标10个", target_value=10, unit="个", lead="区民政局"))
            rows.append(dict(task_id=tid, status=status, progress_text=text.format(name=name),
                             achieved=10 if status == "已完成" else 5))
    tasks.append(dict(task_id="09-01", project_no=9, project="工程9", category="其他", name="未报任务",
                      target_text="完成未报任务", target_value=1, unit="个", lead="区教育局"))
    root = make_workspace(tmp_path / "ws", tasks, {"区民政局": rows})
    ws = read_workspace(root)
    ctx = pack_context(merge(ws, None, validate(ws)))
    cells = {t["id"]: t for t in ctx["all_tables"]}
    seen = {}
    for g in ctx["groups"]:
        for task, row in zip(g["tasks"], cells[g["table"]["id"]]["rows"]):
            text = row["cells"][3]["text"]
            seen[task["task_id"]] = (task["status"], text)
            assert text, task["task_id"]
            if task["status"] == "未采用":
                assert text == "（报送内容未采用）"
            elif task["status"] == "未报送":
                assert text == "（未报送）"
            else:
                assert "未采用" not in text and "未报送" not in text, (task["task_id"], text)
    assert {status for status, _ in seen.values()} == {"已完成", "序时推进", "滞后", "未启动", "未采用", "未报送"}
    assert seen["01-01"][1].rstrip("。") == "已完成年度目标任务"
    assert seen["01-02"][1].rstrip("。") == "已完成"
    assert all(seen[f"01-{k:02d}"][0] == "已完成" for k in range(1, len(STATUS_TEXTS))), seen  # with no text at all a row may be set aside


def dash_below_text_area_mm(pdf, page: int = 1) -> float:
    """Where the page number's dash stroke starts, in mm below the text area (a long dark run of pixels)."""
    import tempfile

    import numpy as np
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "200", "-f", str(page), "-l", str(page), "-gray", "-png", str(pdf),
                        f"{tmp}/p"], check=True)
        im = np.asarray(Image.open(next(__import__("pathlib").Path(tmp).glob("p*.png"))).convert("L")) < 128
    per_mm = 200 / 25.4
    band = im[int(262 * per_mm):int(285 * per_mm)]
    for i, row in enumerate(band):  # the first row with a dark run of 3 mm: an em dash, not a digit
        runs = np.diff(np.flatnonzero(np.diff(np.concatenate(([0], row.astype(int), [0])))))[::2]
        if len(runs) and runs.max() >= 3 * per_mm:
            return i / per_mm
    raise AssertionError("no page number dash found")


def test_page_number_dash_7_mm_below_the_text_area(built, tmp_path_factory):
    _, files = built
    assert abs(dash_below_text_area_mm(files["pdf"]) - 7) <= 0.5
    if LIBREOFFICE:
        assert abs(dash_below_text_area_mm(word_pdf(files["docx"], tmp_path_factory)) - 7) <= 0.8
