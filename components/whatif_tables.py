"""The What-if page's tables in a reviewer's words: column titles, decisions as words.

The core's result tables (:mod:`fairness_core.whatif`, :mod:`fairness_core.flips`,
:mod:`fairness_core.counterfactuals`, :mod:`fairness_core.explain`) name their columns for
code; these titles and helpers turn them into what the page and the findings show.
"""

from __future__ import annotations

import pandas as pd

from fairness_core.plots import decision_word, format_value
from fairness_core.whatif import Scope

__all__ = [
    "AFFECTED_COLUMNS",
    "ANY",
    "CANDIDATE_COLUMNS",
    "CHANGE_COLUMNS",
    "DECISIONS",
    "DECOMPOSITION_COLUMNS",
    "EDIT_COLUMNS",
    "FLIP_TEST_COLUMNS",
    "HISTORY_COLUMNS",
    "ICE_COLUMNS",
    "KIND_OF_PROBE",
    "KIND_WORDS",
    "LOCAL_COLUMNS",
    "NEAREST_COLUMNS",
    "OUTCOME_WORDS",
    "PROBE_COLUMNS",
    "ROW_COLUMNS",
    "SCOPES",
    "as_text",
    "in_words",
    "select_titled",
]

ANY = "Any"
DECISIONS = {ANY: None, "Favourable": 1, "Unfavourable": 0}
OUTCOME_WORDS = {
    "true positive": "Right: favourable decision, favourable outcome",
    "false positive": "Wrong: favourable decision, unfavourable outcome",
    "false negative": "Wrong: unfavourable decision, favourable outcome",
    "true negative": "Right: unfavourable decision, unfavourable outcome",
}
KIND_OF_PROBE = {
    "protected": "protected attribute",
    "proxy": "proxy feature",
    "proxies alone": "proxies alone (typical of the new group)",
    "protected + proxies": "protected attribute and proxies",
}
SCOPES: dict[Scope, str] = {
    "any": "Any row",
    "same": "Same group only",
    "other": "Other groups only",
}
KIND_WORDS = {
    "linear": "exact SHAP values for a linear model (LinearExplainer)",
    "tree": "exact SHAP values for a tree model (TreeExplainer)",
    "permutation": "permutation SHAP values on the raw features, estimated with a bounded "
    "number of model calls (each takes a few seconds)",
}
# Plain column titles for every table on the page (the core's column names are for code).
ROW_COLUMNS = {
    "row": "Row",
    "outcome": "Actual outcome",
    "score": "Model score",
    "decision": "Model decision",
    "outcome_type": "Right or wrong",
}
EDIT_COLUMNS = {
    "feature": "Feature",
    "original": "Original value",
    "edited": "Edited value",
    "changed": "Changed",
}
HISTORY_COLUMNS = {"step": "Step", "changes": "What was changed"}
PROBE_COLUMNS = {
    "probe": "What was changed",
    "kind": "Kind of change",
    "changes": "New values",
    "score": "Score after",
    "score_change": "Score change",
    "decision": "Decision after",
    "decision_changed": "Decision turns around",
}
DECOMPOSITION_COLUMNS = {
    "attribute": "Attribute",
    "to": "Moved to",
    "attribute_change": "Score change: attribute alone",
    "proxies_change": "Score change: proxies alone",
    "both_change": "Score change: both",
    "credit": "What turns the decision around",
}
FLIP_TEST_COLUMNS = {
    "group": "Group",
    "to": "Moved to",
    "rows": "People",
    "changed": "Decisions that change",
    "changed_share": "Share that changes",
    "changed_ci_low": "Share, 95% low",
    "changed_ci_high": "Share, 95% high",
    "to_positive": "Turned favourable",
    "to_negative": "Turned unfavourable",
    "mean_score_change": "Mean score change",
    "score_change_ci_low": "Mean change, 95% low",
    "score_change_ci_high": "Mean change, 95% high",
    "min_score_change": "Smallest score change",
    "max_score_change": "Largest score change",
}
AFFECTED_COLUMNS = {
    "row": "Row",
    "group": "Group",
    "to": "Moved to",
    "score_before": "Score before",
    "score_after": "Score after",
    "score_change": "Score change",
    "decision_before": "Decision before",
    "decision_after": "Decision after",
}
NEAREST_COLUMNS = {
    "feature": "Feature",
    "original": "This person",
    "counterfactual": "Most similar person with the other decision",
    "differs": "Differs",
}
CANDIDATE_COLUMNS = {
    "row": "Row",
    "distance": "Distance",
    "group": "Group",
    "decision": "Model decision",
    "differences": "Features that differ",
}
CHANGE_COLUMNS = {
    "feature": "Feature",
    "original": "Now",
    "new": "Would need to be",
    "cost": "Size of the change (share of the observed range)",
}
LOCAL_COLUMNS = {"feature": "Feature", "value": "Value", "shap": "Contribution (SHAP value)"}
ICE_COLUMNS = {
    "value": "Value",
    "score": "Score of this person",
    "decision": "Decision",
    "average_score": "Average score (partial dependence)",
}


def as_text(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``table`` with ``columns`` turned into text, so mixed values display safely."""
    shown = table.copy()
    for column in columns:
        shown[column] = [format_value(v) for v in shown[column]]
    return shown


def in_words(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``table`` with 0/1 decision or outcome ``columns`` as "favourable"/"unfavourable"."""
    shown = table.copy()
    for column in columns:
        shown[column] = [decision_word(int(v)) for v in shown[column]]
    return shown


def select_titled(table: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """The columns of ``table`` that have a title in ``titles``, renamed to it."""
    kept = [c for c in titles if c in table.columns]
    return table.loc[:, kept].rename(columns=titles)
