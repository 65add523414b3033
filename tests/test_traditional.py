"""繁體版 conversion: the official OpenCC binding, our phrase fixes (data in traditional-fixes.tsv), round trips.

The 河西 reference (a mainland Traditional repost) and the Simplified bulletins are read at test time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.render.traditional import CONFIGS, convert_page, fixes, to_simplified, to_traditional

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


def test_mainland_forms_by_default():
    out = to_traditional("依靠群众，卫生院启动新闻发布会")
    assert out == "依靠群眾，衛生院啟動新聞發布會"  # not 羣衆 / 衞生 / 啓動 / 發佈
    assert to_traditional("依靠群众，卫生院启动新闻发布会", "s2hk") == "依靠羣眾，衞生院啓動新聞發佈會"


@pytest.mark.parametrize("config", CONFIGS)
def test_phrase_fixes(config):
    assert to_traditional("对表推进，挂图作战", config).startswith(("對表推進", "對表推进"))
    out = to_traditional("新增托位460个，鼓励幼儿园开设托班，发展托育服务", config)
    assert "托位" in out and "托班" in out and "托育" in out and "託" not in out
    assert to_traditional("按时足额发放低保金", config).endswith("足額發放低保金")
    assert "頭髮" in to_traditional("把头发放下", config)
    assert "託管" in to_traditional("智慧路灯能源托管", config)  # entrusted management keeps 託


def test_every_fix_line_is_used_and_tested():
    assert len(fixes()) >= 6
    for configs, pattern, right in fixes():
        assert configs <= set(CONFIGS) and right


def test_taiwan_character_forms_without_taiwan_words():
    out = to_traditional("社区项目发布", "s2tw")
    assert out == "社區項目發布"  # s2twp would say 社群、專案、釋出


@pytest.mark.parametrize("name", ["bulletin-jinnan-2025H1.txt", "bulletin-chengde-2024Q3.txt"])
@pytest.mark.parametrize("config", CONFIGS)
def test_real_bulletins_round_trip(name, config):
    path = REFERENCE / name
    if not path.exists():
        pytest.skip("shared/reference is not beside the repository")
    from reportgen.numbers import tidy

    text = "\n".join(tidy(line) for line in path.read_text(encoding="utf-8").splitlines())
    text = text.replace('"', "")  # ASCII quotes are not the release's
    assert to_simplified(to_traditional(text, config), config) == text


def test_s2t_is_closer_to_a_mainland_repost_than_hong_kong_forms():
    path = REFERENCE / "bulletin-hexi-2023-traditional.txt"
    if not path.exists():
        pytest.skip("shared/reference is not beside the repository")
    original = path.read_text(encoding="utf-8")
    body = original[original.index("據"):original.index("楊建表示")]
    simplified = to_simplified(body, "s2t").translate(str.maketrans("「」『』", "“”‘’"))

    def differences(config):
        return sum(a != b for a, b in zip(body, to_traditional(simplified, config)))

    assert differences("s2t") < differences("s2hk")
    converted = to_traditional(simplified)
    for word in ("群眾", "衛", "為", "戶", "強", "線"):  # the repost's forms, not 羣衆, 衞, 爲, 户, 强, 綫
        assert (word in body) == (word in converted), word


def test_a_page_is_converted_but_not_its_styles():
    page = ('<html><head><meta name="description" content="发布会"><style>h2 { font-family: "黑体"; }</style></head>'
            '<body><p>“民心”工程发布</p></body></html>')
    out = convert_page(page)
    assert '"黑体"' in out and 'content="發布會"' in out and "<p>“民心”工程發布</p>" in out  # a mainland repost keeps “ ”
    assert "<p>「民心」工程發佈</p>" in convert_page(page, "s2hk")


def test_mainland_traditional_keeps_place_names_quotes_and_mainland_forms():
    text = "对爱国里等92个小区、越秀路街港云里社区和万明里小区实施“三微四景”改造，承载着周岁儿童的布局。"
    out = to_traditional(text, "s2t", keep=("港云里", "开滦里=開灤里"))
    assert "愛國里" in out and "港云里社區" in out and "萬明里小區" in out and "“三微四景”" in out
    assert "承載着" in out and "周歲" in out and "布局" in out  # not Taiwan's 著, 週歲, 佈局
    assert to_traditional("开滦里", keep=("开滦里=開灤里",)) == "開灤里"
    assert to_simplified(out) == text
    for config in ("s2hk", "s2tw"):  # regional versions keep their own quotes
        assert "「三微四景」" in to_traditional(text, config)
