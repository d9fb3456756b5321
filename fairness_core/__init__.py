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
imports its heavy libraries (scikit-learn, scipy, plotly, shap…) where it uses them.
docs/ARCHITECTURE.md says where to add a metric, a page, an engine or a policy.
"""

from __future__ import annotations

__all__: list[str] = []
