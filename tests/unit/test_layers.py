"""The architecture rule: only the UI layer (dashboard/app.py, dashboard/ui/) imports Streamlit."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "dashboard"
UI_ONLY = ("streamlit", "streamlit_folium")
NO_UI_DIRS = ("core", "services")


def imported_modules(path: Path) -> set[str]:
    """Every module an ``import``/``from`` statement (at any depth) or a literal
    ``importlib.import_module("...")`` / ``__import__("...")`` call names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def imports_ui(path: Path) -> set[str]:
    return {m for m in imported_modules(path) if m.split(".")[0] in UI_ONLY}


def python_files(*parts: str) -> list[Path]:
    return sorted(PACKAGE.joinpath(*parts).rglob("*.py"))


@pytest.mark.parametrize("layer", NO_UI_DIRS)
def test_core_and_services_never_import_streamlit(layer: str) -> None:
    files = python_files(layer)
    assert files, f"no modules found under dashboard/{layer}"
    offenders = {str(p.relative_to(PACKAGE)): sorted(imports_ui(p)) for p in files if imports_ui(p)}
    assert offenders == {}


def test_only_the_app_and_ui_import_streamlit() -> None:
    allowed = {PACKAGE / "app.py"}
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in python_files()
        if imports_ui(p) and p not in allowed and PACKAGE / "ui" not in p.parents
    ]
    assert offenders == []


def test_the_core_never_imports_services_or_ui() -> None:
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(m for m in imported_modules(p) if m.startswith(("dashboard.services", "dashboard.ui")))
        for p in python_files("core")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_checker_sees_every_form_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import streamlit as st\n"
        "from streamlit_folium import st_folium\n"
        "def later():\n"
        "    import streamlit.components.v1\n"
        "    importlib.import_module('streamlit')\n"
        "from . import streamlit_like\n"
        "import streamlitish\n",
        encoding="utf-8",
    )
    assert imports_ui(sample) == {"streamlit", "streamlit_folium", "streamlit.components.v1"}
