"""The layer rules of ARCHITECTURE.md, checked on the source."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPUTING = {"sklearn", "fairlearn", "shap", "scipy", "numpy", "onnxruntime", "skops"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_importing_the_core_does_not_import_streamlit() -> None:
    """fairness_core runs headless: importing it never pulls in Streamlit."""
    code = "import sys, fairness_core, fairness_core.cli; print('streamlit' in sys.modules)"
    result = subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "path", sorted((ROOT / "fairness_core").glob("*.py")), ids=lambda p: p.name
)
def test_core_module_never_imports_streamlit(path: Path) -> None:
    """No core module imports streamlit, even lazily."""
    assert "streamlit" not in imported_modules(path)


@pytest.mark.parametrize(
    "path",
    sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "components").glob("*.py"), ROOT / "app.py"]),
    ids=lambda p: p.name,
)
def test_ui_never_imports_computing_libraries(path: Path) -> None:
    """Pages and components call fairness_core; computation never lives in the UI."""
    assert not imported_modules(path) & COMPUTING
