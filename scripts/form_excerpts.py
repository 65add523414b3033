"""Print the README's excerpt of each press-release form, built from the sample workspace.

Builds a copy of the sample once per form (by-theme with a theme sentence for 养老 set in
period.toml) and prints the lead and the first body paragraphs of the Word version, shortened.
Run from the repository root: .venv/bin/python scripts/form_excerpts.py
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import copy_sample  # noqa: E402
from docx import Document  # noqa: E402

from reportgen import build  # noqa: E402
from reportgen.model import FORMS  # noqa: E402

THEME = '\n[themes]\n"养老" = "让老人安享晚年，是今年民心工程的着力点。"\n'


def excerpt(form: str, paragraphs: int = 5, width: int = 90) -> str:
    root = copy_sample(Path(tempfile.mkdtemp(prefix="form-")) / form)
    toml = root / "report.toml"
    toml.write_text(re.sub(r'^form = .*$', f'form = "{form}"', toml.read_text(encoding="utf-8"), flags=re.M),
                    encoding="utf-8")
    if form == "by-theme":
        with (root / "inputs/2025H1/period.toml").open("a", encoding="utf-8") as f:
            f.write(THEME)
    result = build(root)
    docx = next(o.path for o in result.outputs if o.kind == "press-release" and o.format == "docx" and o.variant == "standard")
    lines = [p.text for p in Document(str(docx)).paragraphs if p.text.strip() and p.style.name != "RG Draft"][2:]
    return "\n".join(line if len(line) <= width else line[:width] + "……" for line in lines[:paragraphs])


if __name__ == "__main__":
    for form in FORMS:
        print(f"#### `form = \"{form}\"`\n\n```text\n{excerpt(form)}\n```\n")
