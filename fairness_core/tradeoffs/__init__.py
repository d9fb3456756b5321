"""Trade-offs: threshold sweeps, the fairness–accuracy frontier, operating points, mitigation.

- *sweep*: every group's rates at every threshold, from a group × score-bin × label count
  table (:func:`sweep_thresholds` → :class:`ThresholdSweep`), or from an engine's score
  histogram of every row of a source too large for memory (:func:`sweep_from_histogram`);
- *frontier*: the best accuracy reachable at each level of disparity with group-specific
  thresholds (:func:`find_frontier`);
- *operating point*: one rule per group, evaluated with intervals and the change per 10,000
  decisions (:func:`evaluate_operating_point`), with its exact rules as sentences that can be
  applied (:class:`GroupRule`) and warnings when it is degenerate, fitted on too few people,
  or uses the protected attribute at decision time (:data:`DISPARATE_TREATMENT_NOTE`);
- *mitigation*: a scikit-learn model retrained with reweighing or fairlearn's reductions
  (:func:`compute_mitigation`).
"""

from __future__ import annotations

from fairness_core.tradeoffs._from_histogram import sweep_from_histogram
from fairness_core.tradeoffs._frontier import (
    STRATEGIES,
    Frontier,
    OperatingPoint,
    StrategySpec,
    find_frontier,
    find_strategy,
    summarize_points,
)
from fairness_core.tradeoffs._mitigation import (
    MITIGATION_CRITERIA,
    MITIGATION_LABELS,
    MITIGATION_METHODS,
    CancelledError,
    MitigationResult,
    check_refittable,
    compute_mitigation,
    compute_reweighing_weights,
)
from fairness_core.tradeoffs._operating_point import (
    PointEvaluation,
    evaluate_operating_point,
)
from fairness_core.tradeoffs._rule import DISPARATE_TREATMENT_NOTE, GroupRule
from fairness_core.tradeoffs._sweep import (
    CRITERIA,
    DISPARITIES,
    Criterion,
    CriterionSpec,
    Objective,
    ThresholdSweep,
    current_points,
    sweep_audit,
    sweep_overall,
    sweep_table,
    sweep_thresholds,
)
from fairness_core.tradeoffs._warnings import DEGENERATE_SHARE, is_degenerate

__all__ = [
    "CRITERIA",
    "DEGENERATE_SHARE",
    "DISPARATE_TREATMENT_NOTE",
    "DISPARITIES",
    "MITIGATION_CRITERIA",
    "MITIGATION_LABELS",
    "MITIGATION_METHODS",
    "STRATEGIES",
    "CancelledError",
    "Criterion",
    "CriterionSpec",
    "Frontier",
    "GroupRule",
    "MitigationResult",
    "Objective",
    "OperatingPoint",
    "PointEvaluation",
    "StrategySpec",
    "ThresholdSweep",
    "check_refittable",
    "compute_mitigation",
    "compute_reweighing_weights",
    "current_points",
    "evaluate_operating_point",
    "find_frontier",
    "find_strategy",
    "is_degenerate",
    "summarize_points",
    "sweep_audit",
    "sweep_from_histogram",
    "sweep_overall",
    "sweep_table",
    "sweep_thresholds",
]
