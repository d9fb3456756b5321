"""Metrics: count tables, the metric registry, intervals, the subgroup report and rules.

- *count table*: per group × (label, decision) confusion counts, weighted and unweighted
  (:func:`compute_group_counts` → :class:`GroupCounts`); every per-group number is a function
  of these counts;
- *metric*: a per-group rate defined on the confusion cells, registered once in
  :data:`METRICS` with its title, plain explanation and formula;
- *disparity*: a group's metric compared with a reference group, as a *difference* (0 at
  parity) or a *ratio* (1 at parity);
- *subgroup report*: metrics, intervals, disparities, adjusted p-values and verdicts for
  every group (:func:`compute_subgroup_report` → :class:`SubgroupReport`);
- *term*: a word the app uses beyond metrics, verdicts and summaries (reference group,
  four-fifths rule, calibration…), defined once in :data:`TERMS`;
- *"Which metric?"*: a short decision tree (:func:`recommend_metric`) from questions about
  the decision to the measures that fit it, with the reasoning;
- *rule*: a line a summary must not cross, such as ``disparate_impact_ratio<0.8``
  (:func:`parse_rule`, :func:`evaluate_rules`).
"""

from __future__ import annotations

from fairness_core.metrics._calibration import (
    CalibrationByGroup,
    bin_sums,
    calibration_from_bin_sums,
    calibration_to_dict,
    compute_calibration_by_group,
)
from fairness_core.metrics._counts import (
    ALL_ROWS,
    GroupCounts,
    ScoreSums,
    check_binary,
    check_group_columns,
    check_lengths,
    check_sample_weight,
    check_scores,
    combine_group_codes,
    compute_group_counts,
    decode_group_labels,
    with_overall,
)
from fairness_core.metrics._guide import (
    GUIDE,
    GUIDE_QUESTIONS,
    RECOMMENDATIONS,
    GuideEntry,
    GuideQuestion,
    MetricRecommendation,
    check_answers,
    next_question,
    recommend_metric,
)
from fairness_core.metrics._inequality import (
    BENEFITS,
    EntropyIndex,
    InequalityReport,
    build_inequality_json,
    compute_inequality,
    generalized_entropy,
    inequality_to_dict,
)
from fairness_core.metrics._intervals import (
    effective_sample_size,
    jeffreys_interval,
    newcombe_difference_interval,
    score_ratio_interval,
)
from fairness_core.metrics._registry import (
    DEFAULT_METRICS,
    METRICS,
    MetricSpec,
    Reference,
    between_groups,
    divide,
    effective_denominators,
    metric_values,
)
from fairness_core.metrics._rules import (
    Rule,
    RuleResult,
    evaluate_rules,
    parse_rule,
)
from fairness_core.metrics._sentences import describe_disparity, rank_disadvantaged
from fairness_core.metrics._stats import (
    Correction,
    adjust_p_values,
    group_intervals,
    two_proportion_p_values,
    wilson_interval,
)
from fairness_core.metrics._subgroups import (
    ReportSettings,
    SubgroupReport,
    SubgroupSettings,
    compute_subgroup_report,
    report_to_dict,
)
from fairness_core.metrics._summaries import (
    SUMMARIES,
    SummaryDetail,
    SummarySpec,
    summary_spec,
)
from fairness_core.metrics._tables import (
    COLUMN_TITLES,
    CORRECTION_TITLES,
    METRIC_TABLE_COLUMNS,
    metric_table,
    plain_column_title,
)
from fairness_core.metrics._terms import TERMS, term
from fairness_core.metrics._verdicts import (
    FLAGGED_VERDICTS,
    VERDICTS,
    VerdictRule,
    beyond,
    find_verdict_rule,
    judge_verdict,
)

__all__ = [
    "ALL_ROWS",
    "BENEFITS",
    "COLUMN_TITLES",
    "CORRECTION_TITLES",
    "DEFAULT_METRICS",
    "FLAGGED_VERDICTS",
    "GUIDE",
    "GUIDE_QUESTIONS",
    "METRICS",
    "METRIC_TABLE_COLUMNS",
    "RECOMMENDATIONS",
    "SUMMARIES",
    "TERMS",
    "VERDICTS",
    "CalibrationByGroup",
    "Correction",
    "EntropyIndex",
    "GroupCounts",
    "GuideEntry",
    "GuideQuestion",
    "InequalityReport",
    "MetricRecommendation",
    "MetricSpec",
    "Reference",
    "ReportSettings",
    "Rule",
    "RuleResult",
    "ScoreSums",
    "SubgroupReport",
    "SubgroupSettings",
    "SummaryDetail",
    "SummarySpec",
    "VerdictRule",
    "adjust_p_values",
    "between_groups",
    "beyond",
    "bin_sums",
    "build_inequality_json",
    "calibration_from_bin_sums",
    "calibration_to_dict",
    "check_answers",
    "check_binary",
    "check_group_columns",
    "check_lengths",
    "check_sample_weight",
    "check_scores",
    "combine_group_codes",
    "compute_calibration_by_group",
    "compute_group_counts",
    "compute_inequality",
    "compute_subgroup_report",
    "decode_group_labels",
    "describe_disparity",
    "divide",
    "effective_denominators",
    "effective_sample_size",
    "evaluate_rules",
    "find_verdict_rule",
    "generalized_entropy",
    "group_intervals",
    "inequality_to_dict",
    "jeffreys_interval",
    "judge_verdict",
    "metric_table",
    "metric_values",
    "newcombe_difference_interval",
    "next_question",
    "parse_rule",
    "plain_column_title",
    "rank_disadvantaged",
    "recommend_metric",
    "report_to_dict",
    "score_ratio_interval",
    "summary_spec",
    "term",
    "two_proportion_p_values",
    "wilson_interval",
    "with_overall",
]
