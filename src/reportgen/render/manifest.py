"""outputs/<period>/manifest.json: every file made, with a checksum."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import Output
from .files import write_text


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(outdir: Path, outputs: list[Output]) -> Path:
    entries = []
    for o in outputs:
        entry = {
            "kind": o.kind,
            "format": o.format,
            "variant": o.variant,
            "path": o.path.relative_to(outdir).as_posix(),
            "sha256": sha256(o.path),
        }
        if o.format == "pdf":
            entry["pages"] = o.pages
        entries.append(entry)
    entries.sort(key=lambda e: (e["kind"], e["variant"], e["format"], e["path"]))
    target = outdir / "manifest.json"
    write_text(target, json.dumps(entries, ensure_ascii=False, indent=2) + "\n")
    return target


def read_manifest(outdir: Path) -> list[dict]:
    return json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
