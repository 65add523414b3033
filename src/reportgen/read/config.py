"""report.toml and period.toml → `Config` and `Period`."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

from ..codes import issue
from ..errors import InputError
from ..model import FORMS, TRADITIONAL_LANGS, VARIANTS, Config, Issue, Period
from ..safetext import clean_text, unsafe_chars

PERIOD_RE = re.compile(r"^(\d{4})(Q1|H1|Q3|FY)$")
PERIOD_KINDS = {
    # kind: (month, day, label)
    "Q1": (3, 31, "一季度"),
    "H1": (6, 30, "上半年"),
    "Q3": (9, 30, "前三季度"),
    "FY": (12, 31, "全年"),
}


def _load_toml(path: Path, text: str | None = None) -> dict:
    """The file's settings; `text` (a page's edit, say) is read as if it were the file's content."""
    try:
        if text is not None:
            return tomllib.loads(text)
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise InputError(issue("E-WORKSPACE-MISSING", what=path.name, path=str(path), file=path.name)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise InputError(issue("E-CONFIG-INVALID", file=path.name, detail=toml_error(e))) from None


# tomllib's messages, said for a clerk editing the file in Notepad
_TOML_ERRORS = (
    ("Expected newline or end of document", "这一行的值写得不完整或后面多出了内容（日期写作 2025-06-30，文字放在英文双引号内）"),
    ("Invalid value", "值的写法不对（文字要放在英文双引号内，日期写作 2025-06-30，数字不加引号）"),
    ("Illegal character", "引号没有配对，或文字中有不能直接写的字符"),
    ("Unterminated string", "引号没有配对"),
    ("Cannot overwrite a value", "同一个设置写了两次"),
    ("Cannot declare", "同一个设置写了两次"),
    ("Expected '=' after a key", "设置名后面缺少“=”"),
    ("Expected ']'", "方括号没有配对"),
    ("Invalid date", "日期不存在或写法不对，应写作 2025-06-30"),
)


def toml_error(e: Exception) -> str:
    """Where (line and column) and what, in Chinese; never tomllib's English."""
    if isinstance(e, UnicodeDecodeError):
        return "文件不是 UTF-8 编码，请用记事本打开后“另存为”UTF-8 编码"
    text = str(e)
    m = re.search(r"\(at line (\d+), column (\d+)\)", text)
    where = f"第{m[1]}行第{m[2]}个字附近" if m else ""
    what = next((say for key, say in _TOML_ERRORS if key in text), "写法不符合格式要求")
    return f"{where}{'：' if where else ''}{what}"


def read_config(path: Path, text: str | None = None, *, found: list[Issue] | None = None) -> Config:
    """`found` receives a warning for each setting that had invisible control characters removed."""
    data = _load_toml(path, text)
    kwargs = {}
    for name, f in Config.__dataclass_fields__.items():
        if name not in data:
            continue
        value, default = data[name], f.default
        if isinstance(default, bool) or default is None:
            ok = isinstance(value, bool)
            want = "true 或 false（不带引号）"
        elif isinstance(default, tuple):
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            value = tuple(value) if ok else value
            want = "一组带引号的文字，例如 [\"traditional\"]"
        elif isinstance(default, int):
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
            want = "不带引号的整数，例如 60"
        else:
            ok = isinstance(value, str)
            want = "带引号的文字"
        if not ok:
            raise InputError(issue("E-CONFIG-INVALID", file=path.name, detail=f"{name} = {value!r} 应为{want}"))
        kwargs[name] = _no_controls(path, name, value, found)
    if "variants" in kwargs:  # large_print, Large-Print → large-print
        kwargs["variants"] = tuple(v.strip().lower().replace("_", "-") for v in kwargs["variants"])
    config = Config(**kwargs)
    if config.traditional == "s2twp":
        raise InputError(issue("E-CONFIG-INVALID", file=path.name, detail=(
            'traditional = "s2twp" 会把词语换成台湾用语（社区→社群、发布→釋出、项目→專案），转载稿不能这样改；'
            '请改为 "s2t"（内地繁体，默认）、"s2hk"（香港用字）或 "s2tw"（台湾用字，不换词）')))
    forms = _forms(path.parent)
    if config.form not in forms:
        raise InputError(issue("E-CONFIG-INVALID", file=path.name, detail=(
            f"form 只能是 {'、'.join(forms)}，而不是“{config.form}”"
            f"（自定义版式请把模板放在 templates/press-release-{config.form}.html.j2）")))
    for name, value, allowed in (
        ("numbering", config.numbering, '"cn"（一、二、）或 "web"（01 02）'),
        ("group_by", config.group_by, '"project"（按工程）或 "category"（按领域）'),
        ("traditional", config.traditional, '"s2t"（内地繁体，默认）、"s2hk"（香港用字）或 "s2tw"（台湾用字）'),
    ):
        if value not in CHOICES[name]:
            raise InputError(issue("E-CONFIG-INVALID", file=path.name, detail=f"{name} 只能是 {allowed}，而不是“{value}”"))
    unknown = [v for v in config.variants if v not in VARIANTS]
    if unknown:
        raise InputError(issue("E-CONFIG-INVALID", file=path.name,
                               detail=f"variants 中的“{'、'.join(unknown)}”无法识别，可选 \"traditional\"（繁體版）、\"large-print\"（适老版）"))
    return config


def _no_controls(path: Path, name: str, value, found: list[Issue] | None):
    """`value` without invisible control characters (see safetext.py), each setting that had some said once in
    `found`: like a stray character in a cell, one in a setting never stops the run."""
    texts = value if isinstance(value, tuple) else (value,)
    chars = [ch for text in texts if isinstance(text, str) for ch in unsafe_chars(text)]
    if not chars:
        return value
    if found is not None:
        found.append(issue("W-CONFIG-CONTROL", file=path.name, key=name, chars="、".join(dict.fromkeys(chars))))
    cleaned = tuple(clean_text(t) if isinstance(t, str) else t for t in texts)
    return cleaned if isinstance(value, tuple) else cleaned[0]


def _forms(root: Path) -> list[str]:
    """The built-in forms, and any form an office made as templates/press-release-<form>.html.j2."""
    own = sorted(p.name[len("press-release-"):-len(".html.j2")] for p in (root / "templates").glob("press-release-*.html.j2"))
    return list(FORMS) + [f for f in own if f not in FORMS]


CHOICES = {"numbering": ("cn", "web"), "group_by": ("project", "category"), "traditional": tuple(TRADITIONAL_LANGS)}


def period_key(code: str) -> tuple[int, int]:
    """Sort key: 2025Q1 < 2025H1 < 2025Q3 < 2025FY < 2026Q1."""
    year, kind = split_period(code)
    return year, list(PERIOD_KINDS).index(kind)


def split_period(code: str) -> tuple[int, str]:
    m = PERIOD_RE.match(code)
    if not m:
        raise InputError(issue("E-PERIOD-INVALID", value=code))
    return int(m[1]), m[2]


def default_period(code: str) -> Period:
    """What a period code means when period.toml says nothing more."""
    year, kind = split_period(code)
    month, day, label = PERIOD_KINDS[kind]
    return Period(code=code, year=year, kind=kind, as_of=date(year, month, day), label=label)


def read_period(path: Path, code: str, text: str | None = None, *, found: list[Issue] | None = None) -> Period:
    """`found`: as for `read_config`."""
    base = default_period(code)
    data = _load_toml(path, text) if text is not None or path.exists() else {}
    if data.get("period", code) != code:
        raise InputError(issue("E-CONFIG-INVALID", file=path.name,
                               detail=f"period = \"{data['period']}\" 与所在文件夹 {code} 不一致"))

    def as_date(key: str) -> date | None:
        v = data.get(key)
        if v is None or isinstance(v, date):
            return v
        try:
            return date.fromisoformat(str(v))
        except ValueError:
            raise InputError(issue("E-CONFIG-INVALID", file=path.name,
                                   detail=f"{key} = {v!r} 不是日期，应写作 2025-06-30")) from None

    label = _no_controls(path, "label", str(data.get("label", base.label)), found)

    def words(key: str) -> str:
        v = data.get(key, "")
        if not isinstance(v, str):
            raise InputError(issue("E-CONFIG-INVALID", file=path.name, detail=f"{key} 应为带引号的文字"))
        return _no_controls(path, key, v, found).strip()

    themes = data.get("themes", {})
    if not isinstance(themes, dict) or not all(isinstance(v, str) for v in themes.values()):
        raise InputError(issue("E-CONFIG-INVALID", file=path.name,
                               detail='[themes] 下每行应写作 "领域" = "主题句"，例如 "住房" = "让百姓住得舒心。"'))
    themes = dict(_no_controls(path, f"themes.{clean_text(str(k))}", (str(k), v), found) for k, v in themes.items())
    confirmed = data.get("confirmed", [])
    if not isinstance(confirmed, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in confirmed):
        raise InputError(issue("E-CONFIG-INVALID", file=path.name,
                               detail='confirmed 应写作 confirmed = ["01-03", "02-01"]（已与牵头单位核实的事项编号）'))
    return Period(
        code=code,
        year=base.year,
        kind=base.kind,
        as_of=as_date("as_of") or base.as_of,
        label=label,
        issue_no=data.get("issue_no"),
        publish_date=as_date("publish_date"),
        deadline=as_date("deadline"),
        opening=words("opening"),
        closing=words("closing"),
        themes=tuple((str(k).strip(), v.strip()) for k, v in themes.items() if v.strip()),
        confirmed=tuple(str(v).strip() for v in confirmed if str(v).strip()),
    )
