"""outputs/<period>/manifest.json: every file of the output set, with a checksum.

The one writer and reader of the manifest. It is written last, into the staging folder, so the
manifest of outputs/<period>/ always describes the files beside it (see staging.py).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import Output
from .files import write_text

MANIFEST_NAME = "manifest.json"


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
    target = outdir / MANIFEST_NAME
    write_text(target, json.dumps(entries, ensure_ascii=False, indent=2) + "\n")
    return target


def read_manifest(outdir: Path) -> list[dict]:
    return json.loads((outdir / MANIFEST_NAME).read_text(encoding="utf-8"))
