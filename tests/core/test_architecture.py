"""The layer rules of docs/ARCHITECTURE.md, checked on the source."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "fairness_core"
COMPUTING = {"sklearn", "fairlearn", "shap", "scipy", "numpy", "onnxruntime", "skops"}
HEAVY = [
    "sklearn",
    "scipy",
    "plotly",
    "shap",
    "fairlearn",
    "skops",
    "onnxruntime",
    "reportlab",
    "matplotlib",
]
SUBPACKAGES = sorted(p.name for p in CORE.iterdir() if (p / "__init__.py").exists())
CORE_FILES = sorted(CORE.rglob("*.py"))
UI_FILES = sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "components").glob("*.py")])
UI_FILES.append(ROOT / "app.py")


def imported_modules(path: Path, *, depth: int = 1) -> set[str]:
    """Absolute module names a file imports, cut to their first ``depth`` parts."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(".".join(alias.name.split(".")[:depth]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(".".join(node.module.split(".")[:depth]))
            if node.module.count(".") != 1:
                continue
            # `from fairness_core.report import _bundle` imports a private module too
            names.update(
                f"{node.module}.{alias.name}" for alias in node.names if alias.name.startswith("_")
            )
    return names


def owner(path: Path) -> str | None:
    """The sub-package a core file belongs to (None for the shared top-level modules)."""
    parts = path.relative_to(CORE).parts
    return parts[0] if len(parts) > 1 else None


def test_importing_the_core_does_not_import_streamlit() -> None:
    """fairness_core runs headless: importing it never pulls in Streamlit."""
    code = "import sys, fairness_core, fairness_core.cli; print('streamlit' in sys.modules)"
    result = subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "False"


def test_importing_the_core_imports_nothing_heavy() -> None:
    """`import fairness_core` loads no sub-package and no computing or plotting library."""
    code = (
        "import sys, fairness_core; "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules)); "
        "print(sorted(m for m in sys.modules if m.startswith('fairness_core.')))"
    )
    result = subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    heavy, sub = result.stdout.strip().splitlines()
    assert heavy == "[]"
    assert sub == "[]"


def test_the_package_is_split_by_domain() -> None:
    """The sub-packages ARCHITECTURE.md names exist, and no core module lies loose beside them."""
    expected = {"cli", "data", "dataset_check", "metrics", "models", "plots", "report"}
    assert expected | {"tradeoffs", "whatif", "reviews"} <= set(SUBPACKAGES)
    loose = {p.name for p in CORE.glob("*.py")}
    assert loose == {"__init__.py", "errors.py", "escaping.py", "formatting.py"}


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_never_imports_streamlit(path: Path) -> None:
    """No core module imports streamlit, even lazily."""
    assert "streamlit" not in imported_modules(path)


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(CORE)))
def test_subpackages_use_each_other_only_through_public_names(path: Path) -> None:
    """A module reaches into another sub-package's private modules never; its own, freely."""
    mine = owner(path)
    for name in imported_modules(path, depth=3):
        parts = name.split(".")
        if parts[0] != "fairness_core" or len(parts) < 3:
            continue
        assert parts[1] == mine or not parts[2].startswith("_"), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: p.name)
def test_ui_never_imports_computing_libraries(path: Path) -> None:
    """Pages and components call fairness_core; computation never lives in the UI."""
    assert not imported_modules(path) & COMPUTING


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: p.name)
def test_ui_imports_only_public_core_names(path: Path) -> None:
    """Pages and components use the sub-packages' public names, never their private modules."""
    private = [
        name
        for name in imported_modules(path, depth=3)
        if name.startswith("fairness_core.") and any(p.startswith("_") for p in name.split("."))
    ]
    assert private == []


#: What each task may import, checked in a fresh interpreter: the command line's --help and
#: the headless audit must not pay for libraries only other tasks use (issue 19).
LIGHT_TASKS = {
    "help": (
        "from fairness_core.cli import main\n"
        "for command in ('audit', 'monitor', 'replay', 'app'):\n"
        "    try:\n"
        "        main([command, '--help'])\n"
        "    except SystemExit:\n"
        "        pass\n",
        [*HEAVY, "statsmodels", "pandas", "numpy", "pyarrow"],  # see lazy_exports
    ),
    "audit": (  # a whole audit of a small generated file, three attributes intersected
        "import contextlib, io, os, tempfile\n"
        "import numpy as np, pandas as pd\n"
        "from fairness_core.cli import main\n"
        "rng = np.random.default_rng(0)\n"
        "frame = pd.DataFrame({c: rng.choice(list('abc'), 600) for c in ('g1', 'g2', 'g3')})\n"
        "frame['y'], frame['p'] = rng.integers(0, 2, 600), rng.integers(0, 2, 600)\n"
        "path = os.path.join(tempfile.mkdtemp(), 'log.parquet')\n"
        "frame.to_parquet(path)\n"
        "args = ['audit', '--data', path, '--target', 'y', '--positive-label', '1',\n"
        "        '--prediction', 'p', '--intersect']\n"
        "args += [a for c in ('g1', 'g2', 'g3') for a in ('--protected', c)]\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    assert main(args) == 0\n"
        "assert '\"summary\"' in out.getvalue()\n",
        [m for m in [*HEAVY, "statsmodels"] if m != "scipy"],  # scipy: tests and intervals
    ),
    "pages": (
        "import fairness_core.dataset_check, fairness_core.tradeoffs, fairness_core.plots\n",
        [m for m in [*HEAVY, "statsmodels"] if m not in ("plotly", "scipy")],
    ),
}


@pytest.mark.parametrize("task", sorted(LIGHT_TASKS))
def test_a_task_imports_only_the_libraries_it_uses(task: str) -> None:
    """--help, the audit and the pages' packages import no library they do not use."""
    code, forbidden = LIGHT_TASKS[task]
    code += f"import sys; print(sorted(m for m in {forbidden!r} if m in sys.modules))"
    result = subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
