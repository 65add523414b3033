"""The README's pictures of documents: pages 1–3 of the sample's briefing pack, PDF beside Word (printed
by LibreOffice), and page 1 of its press release, a draft (one department has not reported).

Builds a copy of the sample workspace in a temporary folder and writes small PNGs to docs/img/
(pack-pdf-1.png … pack-word-3.png) and docs/images/draft-press-release.png. Needs poppler-utils and LibreOffice.
Run from the repository root: .venv/bin/python scripts/make_readme_images.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from PIL import Image  # noqa: E402

from reportgen import build  # noqa: E402

DPI = 40
PAGES = 3


def pages(pdf: Path, prefix: str, out: Path, work: Path) -> None:
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-f", "1", "-l", str(PAGES), str(pdf), str(work / prefix)],
                   check=True)
    for n, png in enumerate(sorted(work.glob(f"{prefix}-*.png")), 1):
        # a 64-colour palette keeps each page near 20 KB
        Image.open(png).convert("RGB").quantize(64).save(out / f"{prefix}-{n}.png", optimize=True)


def main() -> None:
    out = ROOT / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ws = work / "ws"
        ws.mkdir()
        shutil.copy(ROOT / "report.toml", ws)
        shutil.copytree(ROOT / "inputs", ws / "inputs")
        result = build(ws)
        files = {o.format: o.path for o in result.outputs if o.kind == "briefing-pack"}
        subprocess.run(["libreoffice", f"-env:UserInstallation=file://{work / 'lo-profile'}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(work), str(files["docx"])],
                       check=True, capture_output=True, timeout=300)
        word = next(work.glob("*.pdf"))
        pages(files["pdf"], "pack-pdf", out, work)
        pages(word, "pack-word", out, work)
        press = next(o.path for o in result.outputs
                     if o.kind == "press-release" and o.format == "pdf" and o.variant == "standard")
        subprocess.run(["pdftoppm", "-r", "46", "-png", "-f", "1", "-l", "1", "-singlefile", str(press),
                        str(work / "draft")], check=True)
        Image.open(work / "draft.png").convert("RGB").quantize(64).save(
            ROOT / "docs" / "images" / "draft-press-release.png", optimize=True)
    print(f"已生成 {out.relative_to(ROOT)}/pack-pdf-1…{PAGES}.png、pack-word-1…{PAGES}.png 和 docs/images/draft-press-release.png")


if __name__ == "__main__":
    main()
