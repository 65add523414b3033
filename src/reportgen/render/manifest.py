"""outputs/<period>/manifest.json: the publication state, and every file made with a checksum.

    {"state": "publishable" | "draft" | "stale", "reasons": ["1项任务未报送进展", …],
     "withheld": false, "data": "<sha256>", "files": [{"kind", "format", "variant", "path", "sha256"[, "pages"][, "key"]}, …]}

`state` is the gate's (gate.py); `withheld` is true when `build --strict` refused to make
the public documents. `data` is the digest of the data the documents show (build.data_digest):
when `validate` finds the data changed since (or the gate no longer passed), `state` becomes
"stale" (the build's own state and reasons are kept under "built", and come back if the data does). `key` (documents only) is the hash of what the file was made from
(render/pieces.py): a build that finds the same key keeps the file. It is written last, into the staging folder, so the manifest of
outputs/<period>/ always describes the files beside it (see staging.py). `read_manifest`
returns the file entries as a list (older manifests were a bare list) with the state attached.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from . import Output
from .files import write_text

MANIFEST_NAME = "manifest.json"
STALE = "stale"
STALE_REASON = "上次生成后数据已有变化，这些文档已过期，请重新生成（reportgen build）"

if TYPE_CHECKING:
    from ..gate import Gate


class Manifest(list):
    """The file entries of a manifest, with its `state`, `reasons` and `withheld`."""

    state: str = ""
    reasons: list[str] = ()  # type: ignore[assignment]  (set per instance by read_manifest)
    withheld: bool = False
    data: str = ""
    built: dict | None = None  # when stale: the state and reasons of the build that made the documents

    def as_built(self) -> tuple[str, list[str]]:
        """The state and reasons of the build that made the documents (stale or not)."""
        if self.state == STALE and self.built:
            return self.built.get("state", ""), list(self.built.get("reasons", []))
        return self.state, list(self.reasons)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(outdir: Path, outputs: list[Output], gate: "Gate | None" = None, *, withheld: bool = False,
                   kept: "Manifest | None" = None, data: str | None = None, stale: bool = False) -> Path:
    """`kept`: without a gate, the state of the manifest whose documents are kept (validate keeps the build's),
    marked `stale` when they no longer match the data. `data`: the digest of the data the documents show."""
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
        if o.key:
            entry["key"] = o.key
        entries.append(entry)
    entries.sort(key=lambda e: (e["kind"], e["variant"], e["format"], e["path"]))
    built = None
    if gate is None and kept is not None:
        (state, reasons), withheld, data = kept.as_built(), kept.withheld, kept.data
        if stale and state:
            built = {"state": state, "reasons": reasons}
            state, reasons = STALE, [STALE_REASON]
    else:
        state, reasons = (gate.state, list(gate.reasons)) if gate else ("", [])
    data = {"state": state, "reasons": reasons, "withheld": withheld, **({"data": data} if data else {}),
            **({"built": built} if built else {}), "files": entries}
    target = outdir / MANIFEST_NAME
    write_text(target, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return target


def read_manifest(outdir: Path) -> Manifest:
    data = json.loads((outdir / MANIFEST_NAME).read_text(encoding="utf-8"))
    if isinstance(data, list):  # before the publication state was recorded
        data = {"files": data}
    m = Manifest(data.get("files", []))
    m.state = data.get("state", "")
    m.reasons = list(data.get("reasons", []))
    m.withheld = bool(data.get("withheld", False))
    m.data = str(data.get("data", "") or "")
    m.built = data.get("built") if isinstance(data.get("built"), dict) else None
    return m
