"""fairness_core: assess how a classification model treats groups of people.

The package is the engine of Fairness Explorer; it never imports Streamlit and keeps no
global mutable state. Its public API is what this module exports:

- data: :func:`load_dataset` reads CSV / Parquet / Excel into a :class:`Dataset`;
- roles: :class:`ColumnRoles` says which column is the target, the decision, the
  protected attributes...; :func:`suggest_roles` proposes them;
- validation: :func:`check_audit_data` turns a table and roles into :class:`AuditData`,
  or raises :class:`ValidationFailedError` listing every :class:`Problem`;
- models: :func:`load_model` loads skops / ONNX (pickle only when the operator allows it)
  into a :class:`LoadedModel` that scores a DataFrame;
- demos: :func:`list_demos` / :func:`get_demo` for the shipped scenarios.
"""

from fairness_core.counts import GroupCounts, compute_group_counts
from fairness_core.dataset import MISSING_TOKENS, SUPPORTED_DATA_SUFFIXES, Dataset, load_dataset
from fairness_core.demos import DemoScenario, get_demo, list_demos
from fairness_core.errors import (
    DataFormatError,
    FairnessCoreError,
    InvalidInputError,
    ModelLoadError,
    Problem,
    UntrustedModelError,
    ValidationFailedError,
)
from fairness_core.escaping import escape_html, escape_markdown
from fairness_core.findings import (
    SEVERITIES,
    SEVERITY_TITLES,
    Finding,
    OperatingPointRecord,
    finding_from_dict,
    finding_to_dict,
    make_finding,
    operating_point_from_dict,
    operating_point_to_dict,
)
from fairness_core.groups import MISSING_GROUP, GroupColumn, encode_groups
from fairness_core.guide import GUIDE, GuideEntry
from fairness_core.metrics import DEFAULT_METRICS, METRICS, MetricSpec
from fairness_core.models import (
    LoadedModel,
    ModelPolicy,
    check_model_features,
    load_model,
    load_model_policy,
)
from fairness_core.overview import compute_group_overview
from fairness_core.plots import (
    GROUP_COLOURS,
    SMALL_GROUP_ROWS,
    describe_group_overview,
    plot_group_overview,
)
from fairness_core.roles import (
    AGE_BAND_EDGES,
    Binning,
    ColumnRoles,
    RoleSuggestion,
    default_binning,
    distinct_values,
    numeric_columns,
    suggest_roles,
)
from fairness_core.rules import Rule, RuleResult, evaluate_rules, parse_rule
from fairness_core.subgroup_plots import (
    metric_table,
    plot_intersection_heatmap,
    plot_metric_by_group,
)
from fairness_core.subgroups import (
    SubgroupReport,
    compute_subgroup_report,
    describe_disparity,
    rank_disadvantaged,
    report_to_dict,
)
from fairness_core.validation import MAX_GROUP_LEVELS, AuditData, check_audit_data, find_problems

__all__ = [
    "AGE_BAND_EDGES",
    "DEFAULT_METRICS",
    "GROUP_COLOURS",
    "GUIDE",
    "MAX_GROUP_LEVELS",
    "METRICS",
    "MISSING_GROUP",
    "MISSING_TOKENS",
    "SEVERITIES",
    "SEVERITY_TITLES",
    "SMALL_GROUP_ROWS",
    "SUPPORTED_DATA_SUFFIXES",
    "AuditData",
    "Binning",
    "ColumnRoles",
    "DataFormatError",
    "Dataset",
    "DemoScenario",
    "FairnessCoreError",
    "Finding",
    "GroupColumn",
    "GroupCounts",
    "GuideEntry",
    "InvalidInputError",
    "LoadedModel",
    "MetricSpec",
    "ModelLoadError",
    "ModelPolicy",
    "OperatingPointRecord",
    "Problem",
    "RoleSuggestion",
    "Rule",
    "RuleResult",
    "SubgroupReport",
    "UntrustedModelError",
    "ValidationFailedError",
    "check_audit_data",
    "check_model_features",
    "compute_group_counts",
    "compute_group_overview",
    "compute_subgroup_report",
    "default_binning",
    "describe_disparity",
    "describe_group_overview",
    "distinct_values",
    "encode_groups",
    "escape_html",
    "escape_markdown",
    "evaluate_rules",
    "find_problems",
    "finding_from_dict",
    "finding_to_dict",
    "get_demo",
    "list_demos",
    "load_dataset",
    "load_model",
    "load_model_policy",
    "make_finding",
    "metric_table",
    "numeric_columns",
    "operating_point_from_dict",
    "operating_point_to_dict",
    "parse_rule",
    "plot_group_overview",
    "plot_intersection_heatmap",
    "plot_metric_by_group",
    "rank_disadvantaged",
    "report_to_dict",
    "suggest_roles",
]
