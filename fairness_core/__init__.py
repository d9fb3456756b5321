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
from fairness_core.groups import MISSING_GROUP, GroupColumn, encode_groups
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
from fairness_core.validation import MAX_GROUP_LEVELS, AuditData, check_audit_data, find_problems

__all__ = [
    "AGE_BAND_EDGES",
    "GROUP_COLOURS",
    "MAX_GROUP_LEVELS",
    "MISSING_GROUP",
    "MISSING_TOKENS",
    "SMALL_GROUP_ROWS",
    "SUPPORTED_DATA_SUFFIXES",
    "AuditData",
    "Binning",
    "ColumnRoles",
    "DataFormatError",
    "Dataset",
    "DemoScenario",
    "FairnessCoreError",
    "GroupColumn",
    "InvalidInputError",
    "LoadedModel",
    "ModelLoadError",
    "ModelPolicy",
    "Problem",
    "RoleSuggestion",
    "UntrustedModelError",
    "ValidationFailedError",
    "check_audit_data",
    "check_model_features",
    "compute_group_overview",
    "default_binning",
    "describe_group_overview",
    "distinct_values",
    "encode_groups",
    "escape_html",
    "escape_markdown",
    "find_problems",
    "get_demo",
    "list_demos",
    "load_dataset",
    "load_model",
    "load_model_policy",
    "numeric_columns",
    "plot_group_overview",
    "suggest_roles",
]
