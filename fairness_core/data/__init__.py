"""Data: reading files, column roles, validation and protected groups.

- *dataset*: a table read from CSV / Parquet / Excel (:func:`load_dataset` → :class:`Dataset`);
- *roles*: which column is the outcome (target), the decision or score, the protected
  attributes, the features (:class:`ColumnRoles`, :func:`suggest_roles`);
- *audit data*: a validated table and its roles (:func:`check_audit_data` →
  :class:`AuditData`, or :class:`~fairness_core.errors.ValidationFailedError` listing every
  problem at once);
- *score scale*: the range a score column is written on and whether a higher score is
  favourable; scores are rescaled to 0-1 (1 the most favourable) in one place
  (:class:`ScoreScale`, :func:`score_scale`, :func:`describe_threshold`);
- *group*: the people sharing one value (or one combination of values) of the protected
  attributes; missing values form the group ``(missing)`` (:func:`encode_groups`);
- *demo*: a shipped scenario with known, injected disparities (:func:`get_demo`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fairness_core import lazy_exports

if TYPE_CHECKING:  # imported on first use: see fairness_core.lazy_exports
    from fairness_core.data._dataset import (
        MISSING_TOKENS,
        SUPPORTED_DATA_SUFFIXES,
        Dataset,
        load_dataset,
        name_columns,
    )
    from fairness_core.data._demos import (
        DemoScenario,
        get_demo,
        list_demos,
    )
    from fairness_core.data._groups import (
        MISSING_GROUP,
        GroupColumn,
        band_edges,
        band_labels,
        encode_groups,
        parse_band_edges,
        quantile_edges,
    )
    from fairness_core.data._limits import (
        MAX_CELLS_ENV,
        MAX_ROWS_ENV,
        MAX_UNPACKED_MB_ENV,
        DataLimits,
        check_data_size,
        limit_message,
        load_data_limits,
        nested_parquet_columns,
    )
    from fairness_core.data._overview import (
        compute_group_overview,
    )
    from fairness_core.data._roles import (
        AGE_BAND_EDGES,
        CENSUS_CODE_LABELS,
        Binning,
        ColumnRoles,
        DecisionSource,
        RoleSuggestion,
        census_code_labels,
        default_binning,
        distinct_values,
        favourable_question,
        is_age_like,
        nested_column_message,
        nested_columns,
        numeric_columns,
        rename_roles,
        suggest_favourable,
        suggest_roles,
    )
    from fairness_core.data._scale import (
        ScoreScale,
        describe_threshold,
        observed_score_range,
        score_scale,
    )
    from fairness_core.data._validation import (
        MAX_GROUP_LEVELS,
        NUMERIC_LEVELS_WITHOUT_BINS,
        AuditData,
        TableChecker,
        check_audit_data,
        find_problems,
        values_equal,
    )

__all__ = [
    "AGE_BAND_EDGES",
    "CENSUS_CODE_LABELS",
    "MAX_CELLS_ENV",
    "MAX_GROUP_LEVELS",
    "MAX_ROWS_ENV",
    "MAX_UNPACKED_MB_ENV",
    "MISSING_GROUP",
    "MISSING_TOKENS",
    "NUMERIC_LEVELS_WITHOUT_BINS",
    "SUPPORTED_DATA_SUFFIXES",
    "AuditData",
    "Binning",
    "ColumnRoles",
    "DataLimits",
    "Dataset",
    "DecisionSource",
    "DemoScenario",
    "GroupColumn",
    "RoleSuggestion",
    "ScoreScale",
    "TableChecker",
    "band_edges",
    "band_labels",
    "census_code_labels",
    "check_audit_data",
    "check_data_size",
    "compute_group_overview",
    "default_binning",
    "describe_threshold",
    "distinct_values",
    "encode_groups",
    "favourable_question",
    "find_problems",
    "get_demo",
    "is_age_like",
    "limit_message",
    "list_demos",
    "load_data_limits",
    "load_dataset",
    "name_columns",
    "nested_column_message",
    "nested_columns",
    "nested_parquet_columns",
    "numeric_columns",
    "observed_score_range",
    "parse_band_edges",
    "quantile_edges",
    "rename_roles",
    "score_scale",
    "suggest_favourable",
    "suggest_roles",
    "values_equal",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, __file__)
