"""Dataset check: who is in the data, proxies for protected attributes, worst-treated slices.

Needs no model: :func:`compute_dataset_audit` (representation, base rates, missingness,
feature distributions), :func:`find_proxies` (how well each feature reveals a protected
attribute) and :func:`find_slices` (combinations of features where a rate is worst).
"""

from __future__ import annotations

from fairness_core.dataset_check._audit import (
    FOUR_FIFTHS,
    DatasetAudit,
    FeatureDistribution,
    check_labelled_data,
    compute_dataset_audit,
    compute_feature_distribution,
    find_labelled_problems,
)
from fairness_core.dataset_check._consistency import (
    MAX_CONSISTENCY_ROWS,
    ConsistencyResult,
    build_consistency_json,
    compute_consistency,
    consistency_to_dict,
    encode_features,
)
from fairness_core.dataset_check._proxies import (
    ALL_FEATURES,
    ProxyReport,
    find_proxies,
    top_proxy_features,
)
from fairness_core.dataset_check._slices import (
    SLICE_METRICS,
    Cohort,
    SliceCondition,
    SliceMetric,
    SliceReport,
    describe_slice,
    find_slices,
    with_cohorts,
)

__all__ = [
    "ALL_FEATURES",
    "FOUR_FIFTHS",
    "MAX_CONSISTENCY_ROWS",
    "SLICE_METRICS",
    "Cohort",
    "ConsistencyResult",
    "DatasetAudit",
    "FeatureDistribution",
    "ProxyReport",
    "SliceCondition",
    "SliceMetric",
    "SliceReport",
    "build_consistency_json",
    "check_labelled_data",
    "compute_consistency",
    "compute_dataset_audit",
    "compute_feature_distribution",
    "consistency_to_dict",
    "describe_slice",
    "encode_features",
    "find_labelled_problems",
    "find_proxies",
    "find_slices",
    "top_proxy_features",
    "with_cohorts",
]
