"""The What-if page's cached calls, each declared once with :func:`cached`.

Keyed like every cached call (see :mod:`components.keyed_cache`): by the loaded files, the
roles, the audit they produced and the page's choices. The model is never changed:
explainers only read it, and each is built once per (data, roles, model) and shared.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from components.keyed_cache import cached
from components.state import AuditInputs
from fairness_core.data import AuditData
from fairness_core.whatif import (
    EditComparison,
    Explanation,
    FeatureSpec,
    FlipTestResult,
    GlobalImportance,
    IceCurve,
    MinimalChange,
    ModelScorer,
    NearestCounterfactuals,
    RowExplainer,
    RowFlipResult,
    Scope,
    apply_edits,
    compare_edit,
    compute_feature_specs,
    compute_flip_test,
    compute_global_importance,
    compute_ice,
    compute_row_table,
    find_minimal_change,
    find_nearest_counterfactuals,
    fit_explainer,
    probe_row_flips,
    sample_rows_by_group,
)

#: Edits to one row: (feature, new value) pairs, sorted by feature.
Edits = tuple[tuple[str, Any], ...]


def whatif_scorer(inputs: AuditInputs, audit: AuditData) -> ModelScorer:
    """The session's model with the audit's positive outcome and threshold."""
    if inputs.model is None:
        raise RuntimeError("whatif_scorer() called without a model")
    return ModelScorer.from_audit(inputs.model, audit)


@cached(spinner="Scoring every row with the model…", max_entries=16)
def whatif_rows(inputs: AuditInputs, audit: AuditData) -> pd.DataFrame:
    """Every row with its groups, outcome, model score, decision and outcome type."""
    return compute_row_table(audit, whatif_scorer(inputs, audit))


@cached(max_entries=16)
def whatif_specs(inputs: AuditInputs, audit: AuditData) -> tuple[FeatureSpec, ...]:
    """How each model input can be edited (typed from the data)."""
    return compute_feature_specs(audit.frame, whatif_scorer(inputs, audit).features)


def _edited_row(inputs: AuditInputs, audit: AuditData, row: int, edits: Edits) -> pd.DataFrame:
    """Row ``row`` of the audit with ``edits`` applied (a fresh one-row table)."""
    return apply_edits(audit.frame.iloc[[row]], dict(edits), whatif_specs(inputs, audit))


@cached(max_entries=256)
def whatif_compare(inputs: AuditInputs, audit: AuditData, row: int, edits: Edits) -> EditComparison:
    """The row scored as it is and as edited."""
    scorer = whatif_scorer(inputs, audit)
    specs = whatif_specs(inputs, audit)
    return compare_edit(scorer, audit.frame.iloc[[row]], dict(edits), specs)


@cached(spinner="Trying every other group for this row…", max_entries=256)
def whatif_row_flips(
    inputs: AuditInputs, audit: AuditData, row: int, proxies: tuple[str, ...]
) -> RowFlipResult:
    """The row re-scored with each protected attribute (and proxy) changed."""
    return probe_row_flips(whatif_scorer(inputs, audit), audit, row, proxies=proxies)


@cached(spinner="Moving every row to each other group and re-scoring…", max_entries=32)
def whatif_flip_test(
    inputs: AuditInputs, audit: AuditData, attribute: str, proxies: tuple[str, ...]
) -> FlipTestResult:
    """The dataset flip test for one protected attribute."""
    scores = whatif_rows(inputs, audit)["score"].to_numpy()
    scorer = whatif_scorer(inputs, audit)
    return compute_flip_test(scorer, audit, attribute, proxies=proxies, scores=scores)


@cached(max_entries=256)
def whatif_nearest(
    inputs: AuditInputs, audit: AuditData, row: int, scope: Scope, attribute: str | None
) -> NearestCounterfactuals:
    """The existing rows nearest to ``row`` with the opposite decision."""
    decisions = whatif_rows(inputs, audit)["decision"].to_numpy()
    group = audit.group(attribute) if attribute else None
    return find_nearest_counterfactuals(
        audit.frame,
        whatif_specs(inputs, audit),
        decisions,
        row,
        groups=group.codes if group is not None else None,
        group_labels=group.labels if group is not None else (),
        scope=scope,
    )


@cached(spinner="Searching for the smallest change…", max_entries=64)
def whatif_minimal_change(
    inputs: AuditInputs,
    audit: AuditData,
    row: int,
    edits: Edits,
    changeable: tuple[str, ...],
    time_limit: float,
) -> MinimalChange:
    """The cheapest change to ``changeable`` features that flips the (edited) row."""
    start = _edited_row(inputs, audit, row, edits)
    scorer = whatif_scorer(inputs, audit)
    specs = whatif_specs(inputs, audit)
    return find_minimal_change(scorer, start, specs, changeable, time_limit=time_limit)


@cached(spinner="Preparing the explainer…", max_entries=8, kind="resource")
def whatif_explainer(inputs: AuditInputs, audit: AuditData) -> RowExplainer:
    """The SHAP explainer of the session's model, built once per data, roles and model."""
    scorer = whatif_scorer(inputs, audit)
    return fit_explainer(scorer, audit.frame, max_background=100, max_evals=200)


@cached(spinner="Explaining this row…", max_entries=256)
def whatif_explain(inputs: AuditInputs, audit: AuditData, row: int, edits: Edits) -> Explanation:
    """SHAP values of the (edited) row."""
    explainer = whatif_explainer(inputs, audit)
    return explainer.explain(_edited_row(inputs, audit, row, edits))


@cached(spinner="Explaining a sample of every group…", max_entries=32)
def whatif_importance(
    inputs: AuditInputs, audit: AuditData, attribute: str, per_group: int
) -> GlobalImportance:
    """Mean |SHAP| per feature, overall and per group of ``attribute``."""
    explainer = whatif_explainer(inputs, audit)
    group = audit.group(attribute)
    rows = sample_rows_by_group(group.codes, per_group=per_group)
    explanation = explainer.explain(audit.frame.iloc[rows])
    return compute_global_importance(
        explanation, group.codes[rows], group.labels, attribute=attribute, population=group.counts
    )


@cached(spinner="Re-scoring over the feature's range…", max_entries=256)
def whatif_ice(
    inputs: AuditInputs, audit: AuditData, row: int, edits: Edits, feature: str
) -> IceCurve:
    """The (edited) row's score as ``feature`` varies, with the average over 100 rows."""
    specs = {s.name: s for s in whatif_specs(inputs, audit)}
    start = _edited_row(inputs, audit, row, edits)
    background = audit.frame.sample(n=min(100, audit.n_rows), random_state=0)
    return compute_ice(whatif_scorer(inputs, audit), start, specs[feature], background=background)
