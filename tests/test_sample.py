"""The sample workspace that `make demo` builds: its shape, and its documents read back."""

from __future__ import annotations

import re
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from conftest import copy_sample
from reportgen import build
from reportgen.model import BEHIND, DONE, NOT_REPORTED, NOT_STARTED
from reportgen.render.manifest import read_manifest
from reportgen.render.wording import says_target


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return build(copy_sample(tmp_path_factory.mktemp("sample") / "ws"))


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_sample_has_the_promised_shape(sample):
    ds = sample.dataset
    c = ds.counts
    assert len(ds.projects) == 10 and 30 <= c.total <= 40
    assert len({m.task.lead_departments[0] for m in ds.tasks}) in range(12, 16)
    assert c.done >= 3 and c.over_target == 1 and c.behind == 2 and c.not_started == 1
    assert c.on_schedule > c.total / 2
    assert len(ds.unreported_departments) == 1
    assert {m.status for m in ds.tasks} == {DONE, "序时推进", BEHIND, NOT_STARTED, NOT_REPORTED}
    assert sample.report.ok  # warnings only: the demo exits 0


def test_the_sample_is_a_draft_because_one_department_has_not_reported(sample):
    manifest = read_manifest(sample.outdir)
    assert manifest.state == "draft" and manifest.reasons == ["2项任务未报送进展"]  # and make demo exits 0 (report.ok)
    assert all(o.path.stem.endswith("（草稿）") for o in sample.outputs if o.kind == "press-release")


def test_every_progress_text_is_in_the_press_release_pdf(sample):
    pdf = next(o.path for o in sample.outputs if o.kind == "press-release" and o.format == "pdf" and o.variant == "standard")
    text = flat(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    text = re.sub(r"\x0c|—\d+—|草稿未经审核，不得发布", "", text)  # page breaks, page numbers, a draft's page header
    for m in sample.dataset.tasks:
        if m.progress:
            assert flat(m.progress.progress_text).rstrip("。") in text, m.task.task_id
        if m.progress and says_target(m.task.target_text, m.progress.progress_text):
            continue  # the progress states it: printing the target too would echo it
        assert flat(m.task.target_text).rstrip("。") in text


def test_no_internal_value_of_the_sample_in_any_published_file(sample):
    secrets = set()
    for m in sample.dataset.tasks:
        if m.progress:
            secrets |= {v for v in (m.progress.problems, m.progress.next_steps, m.progress.phone,
                                    m.progress.remarks) if v}
    for s in sample.dataset.submissions:
        secrets |= {v for v in (s.reporter, s.phone) if v}
    assert len(secrets) > 5
    for o in sample.outputs:
        if o.kind != "press-release":
            continue
        if o.format == "pdf":
            text = subprocess.run(["pdftotext", str(o.path), "-"], capture_output=True, text=True).stdout
        elif o.format == "docx":
            with zipfile.ZipFile(o.path) as z:
                text = "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))
        else:
            text = o.path.read_text(encoding="utf-8")
        text = flat(text)
        for secret in secrets:
            assert flat(secret) not in text, (o.path.name, secret)


def test_manifest_lists_every_file(sample):
    entries = read_manifest(sample.outdir)
    kinds = {(e["kind"], e["format"], e["variant"]) for e in entries}
    assert {("press-release", f, "standard") for f in ("docx", "pdf", "html")} <= kinds
    assert {("press-release", "pdf", "traditional"), ("press-release", "pdf", "large-print")} <= kinds
    assert {("briefing-pack", "pdf", "standard"), ("briefing-pack", "docx", "standard"),
            ("summary", "xlsx", "standard"), ("validation-report", "xlsx", "standard"),
            ("return", "xlsx", "standard")} <= kinds
    on_disk = {p.relative_to(sample.outdir).as_posix() for p in sample.outdir.rglob("*") if p.is_file()}
    assert on_disk == {e["path"] for e in entries} | {"manifest.json"}
    summary = load_workbook(next(o.path for o in sample.outputs if o.kind == "summary"))
    assert summary["分组统计"].max_row == 12  # header + 10 projects + 合计
