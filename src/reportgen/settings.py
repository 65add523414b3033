"""report.toml and a period's period.toml as a form: the fields, their help, and a checked save.

`settings_form(root, code)` lists every field of the two files with its value and its help (the
Chinese comment beside it in the file, or in the file `init`/`new-period` write), the choices of
those that have them, and one theme sentence per 领域 of the period's plan. `save_settings(root,
code, values)` writes the changed fields back with tomlkit, so the office's comments, order and
layout stay as they were; a key that `init` wrote commented out (`# deadline = …`) is taken back
into its line. Before anything is written, both texts are read by the readers `build` uses
(read_config, read_period): a value they refuse is not saved, and its message goes to its field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import tomlkit
from tomlkit.items import Table

from .errors import InputError
from .lock import workspace_lock
from .model import Issue
from .periods import REPORT_TOML, period_toml
from .read.config import _forms, read_config, read_period
from .read.plan import read_plan
from .render.files import write_text

FORM_NAMES = {"by-project": "按工程逐项", "completed-first": "先列已完成", "by-theme": "按领域叙述",
              "numbered-list": "编号列表"}
CHOICE_NAMES = {
    "numbering": {"cn": "一、二、", "web": "01 02"},
    "group_by": {"project": "按工程", "category": "按领域"},
    "traditional": {"s2t": "内地繁体", "s2hk": "香港用字", "s2tw": "台湾用字"},
    "variants": {"traditional": "繁體版", "large-print": "适老版"},
    "toc": {"": "自动（简报较长时才加目录）", "true": "加目录", "false": "不加目录"},
}
# what the page calls each field; help comes from the file's own comments
LABELS = {
    "region": "地区", "program": "工程总称", "publisher": "来源署名", "compiler": "编印单位", "form": "新闻通稿版式",
    "numbering": "标题编号", "group_by": "分组方式", "headline": "新闻通稿标题", "briefing_title": "简报报头名称",
    "report_to": "报", "send_to": "送", "issue_to": "发", "copies": "印数", "variants": "另外生成的版本",
    "traditional": "繁體版用字", "office_contact": "推进办联系人", "office_phone": "推进办联系电话",
    "forbidden_words": "禁用词", "review_words": "须人工确认的词", "allowed_words": "已确认可公开的词",
    "toc": "简报目录", "internal": "内部版简报", "upload_quota_mb": "每单位上传文件保留上限（MB）",
    "label": "报告期名称", "as_of": "截至日期", "issue_no": "简报期号", "publish_date": "发布日期",
    "deadline": "报送截止日期", "opening": "新闻通稿开头", "closing": "新闻通稿结尾",
}
# help for the fields the written files do not mention
EXTRA_HELP = {
    "headline": "新闻通稿标题；不填则按地区、报告期和工程总称自动生成",
    "toc": "工作简报是否加目录；不设则只在简报较长时加",
    "internal": "工作简报另附数据来源（文件、工作表、行号），只供内部使用",
    "themes": "按领域叙述（form = \"by-theme\"）时各领域的主题句，写在该领域各项任务之前",
    "issue_no": "简报期号",
}
REPORT_FIELDS = ("region", "program", "publisher", "compiler", "form", "numbering", "group_by", "headline",
                 "briefing_title", "report_to", "send_to", "issue_to", "copies", "variants", "traditional",
                 "office_contact", "office_phone", "forbidden_words", "review_words", "allowed_words", "toc", "internal",
                 "upload_quota_mb")
PERIOD_FIELDS = ("label", "as_of", "issue_no", "publish_date", "deadline", "opening", "closing")
KINDS = {"form": "select", "numbering": "select", "group_by": "select", "traditional": "select", "toc": "select",
         "variants": "checks", "internal": "check", "copies": "number", "issue_no": "number", "upload_quota_mb": "number",
         "as_of": "date", "publish_date": "date", "deadline": "date", "opening": "textarea", "closing": "textarea",
         "forbidden_words": "lines", "review_words": "lines", "allowed_words": "lines"}
THEME = "themes."


@dataclass
class Field:
    name: str  # the key; a theme sentence is themes.<领域>
    file: str  # report.toml | period.toml
    label: str
    kind: str  # text | textarea | lines | select | checks | check | number | date
    value: object  # as the form shows it: str, or a list for checks
    help: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, what the page says)


def _period_file(root: Path, code: str) -> Path:
    return root / "inputs" / code / "period.toml"


def _comments(text: str) -> dict[str, str]:
    """key → the comment on its line, also for a key written commented out (# deadline = …  # help)."""
    found = {}
    for line in text.splitlines():
        m = re.match(r"^\s*#?\s*(\[?[A-Za-z_]+\]?)\s*(?:=[^#]*)?#\s*(.+?)\s*$", line)
        if m:
            found.setdefault(m[1].strip("[]"), re.sub(r"[，,]?例如：$", "", m[2].split("：删去行首的")[0].strip()))
    return found


def _help(text: str, defaults: str) -> dict[str, str]:
    return {**EXTRA_HELP, **_comments(defaults), **_comments(text)}


def _shown(name: str, value) -> object:
    """A TOML value as the form shows it."""
    if name == "variants":
        return list(value or ())
    if name == "toc":
        return "" if value is None else "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "\n".join(value)
    if isinstance(value, bool):
        return value
    return "" if value is None else str(value)


def _choices(root: Path, name: str) -> list[tuple[str, str]]:
    if name == "form":
        return [(f, FORM_NAMES.get(f, f"自定义：{f}")) for f in _forms(root)]
    return list(CHOICE_NAMES.get(name, {}).items())


def plan_categories(root: Path, code: str) -> list[str]:
    """The 领域 of the period's plan, in the plan's order (none when it cannot be read)."""
    try:
        tasks, _ = read_plan(root / "inputs" / code / "plan.xlsx")
    except InputError:
        return []
    return list(dict.fromkeys(t.category for t in tasks))


def settings_form(root: Path, code: str | None) -> list[Field]:
    """Every field of report.toml, then (for a period) of its period.toml and a theme sentence per 领域."""
    root = Path(root)
    text = (root / "report.toml").read_text(encoding="utf-8")
    data = tomlkit.parse(text).unwrap()
    help_ = _help(text, REPORT_TOML)
    fields = [Field(n, "report.toml", LABELS[n], KINDS.get(n, "text"), _shown(n, data.get(n)), help_.get(n, ""),
                    _choices(root, n)) for n in REPORT_FIELDS]
    if code is None:
        return fields
    path = _period_file(root, code)
    ptext = path.read_text(encoding="utf-8") if path.exists() else ""
    pdata = tomlkit.parse(ptext).unwrap()
    help_ = _help(ptext, period_toml(code, 1, date(2000, 1, 1)))
    period = read_period(path, code) if path.exists() else None
    for n in PERIOD_FIELDS:
        value = pdata.get(n, getattr(period, n, None) if n in ("label", "as_of") else None)
        fields.append(Field(n, "period.toml", LABELS[n], KINDS.get(n, "text"), _shown(n, value), help_.get(n, ""),
                            _choices(root, n)))
    themes = pdata.get("themes") or {}
    for category in dict.fromkeys([*plan_categories(root, code), *themes]):
        fields.append(Field(THEME + category, "period.toml", f"主题句：{category}", "textarea",
                            _shown("", themes.get(category)), help_.get("themes", "")))
    return fields


def _value(name: str, raw):
    """The form's text (or list) as the TOML value to write; None removes the key. A number or date
    that is not one is written as typed, so the reader says what is wrong with it."""
    kind = "textarea" if name.startswith(THEME) else KINDS.get(name, "text")
    if kind == "checks":
        return list(raw)
    if kind == "check":
        return bool(raw)
    text = str(raw or "").replace("\r\n", "\n").strip()
    if kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if name == "toc":
        return {"true": True, "false": False}.get(text)
    if not text:
        return 0 if name == "copies" else None if kind in ("number", "date") or name.startswith(THEME) else ""
    if kind == "number":
        return int(text) if text.isdigit() else text
    if kind == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _uncomment(text: str, key: str) -> str:
    """A key `init` wrote commented out (# deadline = …) taken back into its line, comment kept."""
    pattern = r"^#\s*\[themes\]" if key == "themes" else rf"^#\s*{key}\s*="
    m = re.search(pattern, text, flags=re.M)
    if not m:
        return text
    line_end = text.find("\n", m.start())
    line = text[m.start(): line_end if line_end >= 0 else len(text)]
    fixed = re.sub(r"^#\s*", "", line)
    candidate = text[: m.start()] + fixed + text[m.start() + len(line):]
    try:
        tomlkit.parse(candidate)
    except Exception:  # noqa: BLE001 - an office's own commented line that is not TOML: leave it
        return text
    return candidate


def _edit(text: str, changes: dict[str, object]) -> str:
    """`text` with `changes` applied (key → value, None removes), everything else as it was."""
    for key in changes:
        top = "themes" if key.startswith(THEME) else key
        if changes[key] is not None and top not in tomlkit.parse(text):
            text = _uncomment(text, top)
    doc = tomlkit.parse(text)
    for key, value in changes.items():
        if key.startswith(THEME):
            category = key[len(THEME):]
            themes = doc.get("themes")
            if value is None:
                if isinstance(themes, Table) and category in themes:
                    del themes[category]
                continue
            if not isinstance(themes, Table):
                doc["themes"] = themes = tomlkit.table()
            themes[category] = value
        elif value is None:
            if key in doc:
                del doc[key]
        else:
            doc[key] = value
    return tomlkit.dumps(doc)


def _field_of(found: Issue, names) -> str:
    """Which field a reader's message is about ("" when it is about the file)."""
    m = re.search(r"格式有误：\[?(themes\.[^ 中=]+|[a-z_]+)", found.message)
    key = m[1] if m else ""
    if key == "themes":
        return ""
    return key if key in names else ""


@dataclass
class Saved:
    errors: dict[str, str]  # field → the reader's message; "" → a message about a whole file
    written: list[Path]
    warnings: list[Issue] = field(default_factory=list)  # what the readers say of what was saved (W-CONFIG-CONTROL)


def save_settings(root: Path, code: str | None, values: dict[str, object]) -> Saved:
    """Write the fields of `values` that changed; nothing is written while the readers refuse any of them."""
    root = Path(root)
    current = {f.name: f for f in settings_form(root, code)}
    changes = {"report.toml": {}, "period.toml": {}}
    for name, raw in values.items():
        f = current.get(name)
        if f is None:
            continue
        if _value(name, raw) != _value(name, f.value):
            changes[f.file][name] = _value(name, raw)
    errors: dict[str, str] = {}
    for name in [*changes["report.toml"], *changes["period.toml"]]:
        if name == "issue_no" and not isinstance(_value(name, values[name]), (int, type(None))):
            errors[name] = f"{LABELS[name]}应为不带引号的整数，例如 3"
    paths = {"report.toml": root / "report.toml", "period.toml": _period_file(root, code) if code else None}
    texts = {}
    warnings: list[Issue] = []
    for file, path in paths.items():
        if path is None:
            continue
        original = path.read_text(encoding="utf-8") if path.exists() else ""
        todo = {k: v for k, v in changes[file].items() if k not in errors}
        for _ in range(len(todo) + 1):  # each round finds one refused field, leaves it out and reads again
            text = _edit(original, todo)
            said: list[Issue] = []
            try:
                read_config(path, text, found=said) if file == "report.toml" else read_period(path, code, text, found=said)
                warnings += said
                break
            except InputError as e:
                key = _field_of(e.issue, todo)
                errors[key] = e.issue.message
                if not key:
                    break
                todo.pop(key)
        texts[path] = text if changes[file] else None
    if errors:
        return Saved(errors, [])
    written = []
    with workspace_lock(root):
        for path, text in texts.items():
            if text is not None:
                write_text(path, text)
                written.append(path)
    return Saved({}, written, warnings)


__all__ = ["Field", "Saved", "settings_form", "save_settings", "plan_categories"]
