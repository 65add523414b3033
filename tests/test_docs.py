"""The user documentation: everything it links to is inside the repository, and 常见问题 covers the catalogue."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

from reportgen.advice import ADVICE, TOPICS
from reportgen.codes import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")  # [text](target "title")
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.M)  # [name]: target
_HTML = re.compile(r"\b(?:src|href)\s*=\s*[\"']([^\"']*)[\"']", re.I)
_URL = re.compile(r"\b(?:https?|ftp|file)://\S+|\bwww\.\S+", re.I)
# the address `reportgen serve` prints is the office's own machine, not a place outside the repository
_OWN_MACHINE = re.compile(r"^https?://(?:localhost|127\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|10\.\d+\.\d+\.\d+)[:/]")
_PARENT_PATH = re.compile(r"(?<![\w/.])((?:\.\./)+[^\s`)\"'>，。；、]*)")  # ../x/y written anywhere, links or not


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    kept = "".join(ch for ch in heading.strip().lower()
                   if ch in " -_" or unicodedata.category(ch)[0] in "LNM")
    return kept.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {slug(m[1]) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M)}


def links(page: Path) -> list[str]:
    text = _COMMENT.sub("", page.read_text(encoding="utf-8"))
    return [*_LINK.findall(text), *_REFERENCE.findall(text), *_HTML.findall(text)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_link_points_outside_the_repository(page):
    text = _COMMENT.sub("", page.read_text(encoding="utf-8"))
    outside = [u for u in _URL.findall(text) if not _OWN_MACHINE.match(u)]
    assert not outside, "a web address: a user of the repository may not reach it"
    for written in _PARENT_PATH.findall(text):  # in a link or in plain text: ../shared/… is not in a clone
        assert (page.parent / written).resolve().is_relative_to(ROOT), written
    assert "/work/" not in text and "shared/spec" not in text
    for target in links(page):
        assert target and not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I), target  # relative, no scheme
        path, _, anchor = unquote(target).partition("#")
        assert not path.startswith("/"), target
        file = (page.parent / path).resolve() if path else page
        assert file.is_relative_to(ROOT) and file.exists(), f"{page.name}: {target}"
        if anchor:
            assert file.suffix == ".md" and anchor in anchors(file), f"{page.name}: no heading for #{anchor}"


def test_every_page_can_be_reached_from_the_readme():
    readme = links(ROOT / "README.md")
    for doc in ("docs/README.md", "docs/办公室使用手册/README.md", "docs/填报单位须知.md", "docs/字段与格式说明.md",
                "docs/常见问题.md", "docs/images/填报说明示例.png"):
        assert doc in readme, doc
    seen, todo = set(), [ROOT / "README.md"]
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        for target in links(page):
            file = (page.parent / unquote(target).partition("#")[0]).resolve()
            if file.suffix == ".md":
                todo.append(file)
    assert set(PAGES) <= seen, set(PAGES) - seen


def test_faq_lists_every_code_of_the_catalogue_with_its_title():
    faq = (ROOT / "docs/常见问题.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^### ([EW]-[A-Z-]+)　(.+)$", faq, re.M))
    assert listed == {code: entry.title for code, entry in CATALOGUE.items()}
    assert not re.search(r"〈[A-Za-z_]+〉", faq), "a placeholder without a Chinese name (scripts/make_docs.py PLACEHOLDERS)"
    for code, advice in ADVICE.items():
        assert advice.cause in faq and advice.fix in faq, code


def test_advice_is_about_codes_that_exist():
    assert set(ADVICE) <= set(CATALOGUE)
    assert {a.topic for a in ADVICE.values()} <= set(TOPICS)
    for code, advice in ADVICE.items():
        for text in (advice.cause, advice.fix):
            assert text.endswith("。") and not re.search(r"[\u4e00-\u9fff][,;:?!]", text), (code, text)


_CODE = re.compile(r"(?<![A-Za-z0-9-])([EW]-[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)(?![A-Za-z0-9])")


def test_every_code_the_docs_name_exists():
    for page in PAGES:
        for code in _CODE.findall(page.read_text(encoding="utf-8")):
            assert code in CATALOGUE, f"{page.name}: {code}"


def test_every_dotted_library_name_in_the_docs_resolves():
    """`reportgen.x.y` as a reader would type it after `import reportgen`: attribute by attribute."""
    import importlib

    for page in PAGES:
        for name in re.findall(r"`(reportgen(?:\.\w+)+)`", page.read_text(encoding="utf-8")):
            parts = name.split(".")
            obj = importlib.import_module(parts[0])
            for k, part in enumerate(parts[1:], 1):
                if not hasattr(obj, part):
                    importlib.import_module(".".join(parts[: k + 1]))  # a module not imported yet
                obj = getattr(obj, part)


def test_every_python_example_in_the_docs_runs(tmp_path, monkeypatch):
    """Each ```python block of README and docs/, run on a small workspace in place of path/to/workspace."""
    from conftest import THREE_TASKS, make_workspace

    rows = {"区民政局": [dict(task_id="01-01", name="助餐点", status="已完成", progress_text="已建成助餐点10个", achieved=10),
                         dict(task_id="01-02", name="适老化改造", status="滞后", progress_text="已改造40户", achieved=40)]}
    root = make_workspace(tmp_path / "ws", THREE_TASKS, rows)
    monkeypatch.chdir(tmp_path)
    blocks = [(page.name, block) for page in PAGES
              for block in re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)]
    assert blocks
    for name, block in blocks:
        exec(compile(block.replace("path/to/workspace", str(root)), name, "exec"), {})  # noqa: S102


def test_the_completion_rate_rule_is_said_one_way():
    """Form note, 填报说明, 填报单位须知, messages and advice all say RATE_RULE; none says the old 改为 85%."""
    from reportgen.codes import RATE_RULE, RATE_TYPED
    from reportgen.fillguide import make_guide
    from reportgen.model import Config, Period, Task
    from reportgen.periods import TEMPLATE_COLUMNS

    assert any(note == RATE_RULE + "。" for _, key, _, _, note in TEMPLATE_COLUMNS if key == "rate")
    task = Task("01-01", 1, "甲", "养老", "助餐点", "新建10个", 10, "个", "区民政局")
    from datetime import date

    guide = make_guide(Config(), Period("2025H1", 2025, "H1", date(2025, 6, 30), "上半年"), "区民政局", [task],
                       "区民政局.xlsx", None)
    assert any(RATE_RULE in line for s in guide.sections for line in s.paragraphs)
    assert RATE_RULE in (ROOT / "docs/填报单位须知.md").read_text(encoding="utf-8")
    typing = ("E-PERCENT-INVALID", "W-RATE-PERCENT-CELL", "W-RATE-FRACTION", "W-RATE-AMBIGUOUS")
    for code in typing:  # what to type, in the message and in the advice (the common problems list)
        assert RATE_TYPED in CATALOGUE[code].template and RATE_TYPED in ADVICE[code].fix, code
    assert RATE_TYPED in ADVICE["E-RATE-IMPOSSIBLE"].fix
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for old in ("输入85即为85%", "改为 85%", "写百分数，例如 85%", "填写带 % 的百分数"):
            assert old not in text, (page.name, old)
