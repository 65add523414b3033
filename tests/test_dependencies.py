"""Declared dependencies against imports: `pip install reportgen` pulls nothing the code never imports,
and the code imports nothing third-party that is not declared (so it does not work only by luck,
through a dependency's dependency)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

import pytest

# Declared for what it does inside another library, so never imported by name: each with the reason,
# checked below so the entry goes when the reason does.
USED_THROUGH = {
    # openpyxl parses worksheet XML with defusedxml when it is installed (openpyxl.xml.DEFUSEDXML);
    # render/validation.py opens submitted workbooks with openpyxl to write the return workbooks.
    "defusedxml": "openpyxl",
    # Starlette's form parser and SessionMiddleware import these themselves (web/app.py uploads and sessions)
    "python-multipart": "starlette",
    "itsdangerous": "starlette",
}
# likewise for the test extras: starlette.testclient drives the app through httpx2
TEST_USED_THROUGH = {"httpx2": "starlette"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(spec: str) -> str:
    return canonical(re.split(r"[\s<>=!~;\[(]", spec.strip(), maxsplit=1)[0])


def imported_modules(folder) -> set[str]:
    """Top-level names of every absolute import in the .py files under `folder`."""
    names = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def distributions_of(modules: set[str]) -> set[str]:
    """Installed distributions providing these import names (python-docx for docx, …)."""
    provides = packages_distributions()
    return {canonical(d) for m in modules for d in provides.get(m, ())}


@pytest.fixture(scope="module")
def project(repo_root):
    return tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def third_party(modules: set[str], own: set[str]) -> set[str]:
    return {m for m in modules if m not in sys.stdlib_module_names and m not in own and m != "__future__"}


def test_every_declared_dependency_is_imported_and_every_import_declared(project, repo_root):
    declared = {requirement_name(d) for d in project["dependencies"]}
    modules = third_party(imported_modules(repo_root / "src"), {"reportgen"})
    used = distributions_of(modules)
    assert declared - used - set(USED_THROUGH) == set(), "declared in pyproject.toml, imported nowhere in src/"
    unmapped = {m for m in modules if not distributions_of({m})}
    assert unmapped == set(), "imported in src/ but no installed distribution provides it"
    assert used - declared == set(), "imported in src/ but not declared (installed only as a dependency's dependency)"


def test_test_extras_are_used_by_the_tests(project, repo_root):
    declared = {requirement_name(d) for d in project["optional-dependencies"]["test"]}
    modules = third_party(imported_modules(repo_root / "tests"), {"reportgen", "conftest"})
    used = distributions_of(modules)
    assert declared - used - set(TEST_USED_THROUGH) == set(), "test extras no test imports"
    runtime = {requirement_name(d) for d in project["dependencies"]}
    assert used - declared - runtime == set(), "imported by the tests but not declared"


def test_dependencies_used_through_another_still_are(repo_root):
    import openpyxl.xml

    assert set(USED_THROUGH) <= {requirement_name(d) for d in tomllib.loads(
        (repo_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]}
    assert openpyxl.xml.DEFUSEDXML, "openpyxl no longer parses through defusedxml"
    source = "\n".join(p.read_text(encoding="utf-8") for p in (repo_root / "src").rglob("*.py"))
    assert "load_workbook(" in source, "no submitted workbook is opened with openpyxl any more: drop defusedxml"
    assert "SessionMiddleware" in source and "await request.form(" in source, "drop itsdangerous / python-multipart"
    import starlette.testclient

    assert "httpx" in vars(starlette.testclient), "TestClient no longer drives the app through httpx2"
