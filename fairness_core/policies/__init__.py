"""Policies: named, versioned rules a review is judged against.

- *policy*: a TOML file naming the metrics judged, each one's line and harmful direction,
  the reference group, the minimum group size and the significance rule, the attributes and
  intersections to cover, and report text (:class:`Policy`, :func:`load_policy`,
  :func:`parse_policy`, :func:`builtin_policies`);
- *requirement*: one number judged (:class:`MetricRequirement`); *checklist item*: a
  regulation's item that is evidence, not a number (:class:`ChecklistItem`);
- *status*: "met", "not met", "not assessed" or "too few people to judge"
  (:data:`STATUSES`), computed from the subgroup report's verdicts
  (:func:`evaluate_policy` → :class:`PolicyResult`);
- *LL144 tables*: the selection or scoring rates and impact ratios a NYC Local Law 144 bias
  audit publishes (:func:`compute_ll144_tables` → :class:`LL144Tables`).
"""

from __future__ import annotations

from fairness_core.policies._errors import PolicyError
from fairness_core.policies._evaluate import (
    evaluate_policies,
    evaluate_policy,
    policy_results_to_dict,
    suggest_policy_columns,
)
from fairness_core.policies._ll144 import compute_ll144_tables
from fairness_core.policies._model import (
    STATUS_ORDER,
    STATUSES,
    ChecklistItem,
    LineEdit,
    LL144Tables,
    MetricRequirement,
    Policy,
    PolicyResult,
    RequirementResult,
    ReviewEvidence,
    Status,
)
from fairness_core.policies._parse import (
    POLICY_METRICS,
    builtin_policies,
    load_policy,
    parse_policy,
)
from fairness_core.policies._render import (
    POLICY_CSV_COLUMNS,
    policy_results_to_csv_rows,
    policy_results_to_markdown,
)
from fairness_core.policies._write import policy_to_toml

__all__ = [
    "POLICY_CSV_COLUMNS",
    "POLICY_METRICS",
    "STATUSES",
    "STATUS_ORDER",
    "ChecklistItem",
    "LL144Tables",
    "LineEdit",
    "MetricRequirement",
    "Policy",
    "PolicyError",
    "PolicyResult",
    "RequirementResult",
    "ReviewEvidence",
    "Status",
    "builtin_policies",
    "compute_ll144_tables",
    "evaluate_policies",
    "evaluate_policy",
    "load_policy",
    "parse_policy",
    "policy_results_to_csv_rows",
    "policy_results_to_dict",
    "policy_results_to_markdown",
    "policy_to_toml",
    "suggest_policy_columns",
]
