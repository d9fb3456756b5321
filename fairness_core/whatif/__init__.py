"""What-if: edit one person, flip protected attributes, counterfactuals and explanations.

Everything here needs the model (a :class:`~fairness_core.models.LoadedModel`):
:func:`apply_edits` / :func:`compare_edit` re-score an edited row, :func:`compute_flip_test`
flips a protected attribute (optionally with its proxies) for everyone,
:func:`find_nearest_counterfactuals` / :func:`find_minimal_change` look for the closest
other decision, and :func:`fit_explainer` explains scores with SHAP.
"""

from __future__ import annotations

from fairness_core.whatif._counterfactuals import (
    MinimalChange,
    NearestCounterfactuals,
    Scope,
    compute_distances,
    find_minimal_change,
    find_nearest_counterfactuals,
)
from fairness_core.whatif._edits import (
    OUTCOME_TYPES,
    EditComparison,
    FeatureSpec,
    ModelScorer,
    apply_edits,
    compare_edit,
    compute_feature_specs,
    compute_row_table,
    filter_rows,
)
from fairness_core.whatif._explain import (
    ExplainerKind,
    Explanation,
    GlobalImportance,
    IceCurve,
    RowExplainer,
    choose_explainer,
    compute_global_importance,
    compute_ice,
    fit_explainer,
    sample_rows_by_group,
)
from fairness_core.whatif._filters import FILTER_NAMES, explain_no_match
from fairness_core.whatif._flips import (
    CREDIT_WORDS,
    FlipTestResult,
    FlipValue,
    RowFlipResult,
    compute_flip_test,
    flip_values,
    probe_row_flips,
)

__all__ = [
    "CREDIT_WORDS",
    "FILTER_NAMES",
    "OUTCOME_TYPES",
    "EditComparison",
    "ExplainerKind",
    "Explanation",
    "FeatureSpec",
    "FlipTestResult",
    "FlipValue",
    "GlobalImportance",
    "IceCurve",
    "MinimalChange",
    "ModelScorer",
    "NearestCounterfactuals",
    "RowExplainer",
    "RowFlipResult",
    "Scope",
    "apply_edits",
    "choose_explainer",
    "compare_edit",
    "compute_distances",
    "compute_feature_specs",
    "compute_flip_test",
    "compute_global_importance",
    "compute_ice",
    "compute_row_table",
    "explain_no_match",
    "filter_rows",
    "find_minimal_change",
    "find_nearest_counterfactuals",
    "fit_explainer",
    "flip_values",
    "probe_row_flips",
    "sample_rows_by_group",
]
