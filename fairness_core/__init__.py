"""fairness_core: assess how a classification model treats groups of people.

The package is the engine of Fairness Explorer; it never imports Streamlit and keeps no
global mutable state. It is split into sub-packages by domain, each a small public
``__init__`` over private ``_modules``:

- :mod:`fairness_core.data`: reading files, column roles, validation, protected groups, demos;
- :mod:`fairness_core.models`: loading skops / ONNX models safely and scoring rows;
- :mod:`fairness_core.metrics`: count tables, the metric registry, intervals, the subgroup
  report and pipeline rules;
- :mod:`fairness_core.dataset_check`: representation, proxies and worst-treated slices;
- :mod:`fairness_core.tradeoffs`: threshold sweeps, the fairness–accuracy frontier,
  operating points and mitigation;
- :mod:`fairness_core.whatif`: edits, flip tests, counterfactuals and explanations;
- :mod:`fairness_core.report`: findings, the review report and every export;
- :mod:`fairness_core.plots`: figure builders and their caption sentences;
- :mod:`fairness_core.cli`: the ``fairness-explorer`` command line.

:mod:`fairness_core.errors` (the error types every sub-package raises) and
:mod:`fairness_core.escaping` (making text from files safe to show) are shared by all.

Importing this package imports no sub-package: each is imported when first used, and each
imports its heavy libraries (scikit-learn, scipy, plotly, shap…) where it uses them. A
sub-package whose ``__init__`` lists its public names under ``if TYPE_CHECKING:`` and ends
with :func:`lazy_exports` imports each private module when one of its names is first used
(so ``fairness-explorer audit --help`` reads the limits without importing pandas).
docs/ARCHITECTURE.md says where to add a metric, a page, an engine or a policy.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__: list[str] = []


def lazy_exports(
    package: str, init_file: str
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Module ``__getattr__`` and ``__dir__`` (PEP 562) that import a public name's module on use.

    The names and the modules they come from are read from the ``from … import …`` lines
    inside the ``if TYPE_CHECKING:`` block of ``init_file`` (the package's ``__init__.py``),
    so one list serves the type checker, the architecture test and the lazy import. The
    standard library has no such helper (``importlib.util.LazyLoader`` defers a whole
    module, not its names); the same idea is scientific Python's ``lazy_loader``.
    """
    sources: dict[str, tuple[str, str]] = {}

    def table() -> dict[str, tuple[str, str]]:
        if not sources:
            import ast  # only when a lazy name is first used

            found: dict[str, tuple[str, str]] = {}
            tree = ast.parse(Path(init_file).read_text(encoding="utf-8"))
            for node in tree.body:
                if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
                    for line in node.body:
                        if isinstance(line, ast.ImportFrom) and line.module:
                            for alias in line.names:
                                found[alias.asname or alias.name] = (line.module, alias.name)
            sources.update(found)  # at once: another thread never sees half the table
        return sources

    def __getattr__(name: str) -> Any:  # noqa: N807 - the name PEP 562 asks for
        if name not in table():
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = sources[name]
        value = getattr(importlib.import_module(module), attribute)
        setattr(importlib.import_module(package), name, value)  # the next use is direct
        return value

    def __dir__() -> list[str]:  # noqa: N807 - the name PEP 562 asks for
        return sorted({*vars(importlib.import_module(package)), *table()})

    return __getattr__, __dir__
