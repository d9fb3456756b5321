"""Sub-packages that import their modules on first use still offer every public name."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "fairness_core"
SUBPACKAGES = sorted(p.name for p in CORE.iterdir() if (p / "__init__.py").exists())


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_every_public_name_resolves(name: str) -> None:
    """Each name in a sub-package's __all__ is there, and dir() lists it."""
    package = importlib.import_module(f"fairness_core.{name}")
    missing = [n for n in package.__all__ if getattr(package, n, None) is None]
    assert missing == []
    assert set(package.__all__) <= set(dir(package))


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A name the package does not offer fails as a plain attribute would."""
    package = importlib.import_module("fairness_core.data")
    with pytest.raises(AttributeError, match="has no attribute 'not_a_name'"):
        _ = package.not_a_name


def test_a_name_imports_only_its_own_module() -> None:
    """Reading the data limits imports the limits module, not the file readers (pandas)."""
    code = (
        "import sys\n"
        "from fairness_core.data import DataLimits\n"
        "print(DataLimits().max_rows, 'fairness_core.data._dataset' in sys.modules,"
        " 'pandas' in sys.modules)"
    )
    result = subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.split() == ["10000000", "False", "False"]
