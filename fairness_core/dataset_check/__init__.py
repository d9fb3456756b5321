"""Dataset check: who is in the data, proxies for protected attributes, worst-treated slices.

Needs no model: :func:`compute_dataset_audit` (representation, base rates, missingness,
feature distributions), :func:`find_proxies` (how well each feature reveals a protected
attribute), :func:`compute_base_rate_verdicts` (which groups' recorded outcomes fall below
the four-fifths line, judged as on the Subgroups page) and :func:`find_slices` (combinations
of features where a rate is worst).
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
from fairness_core.dataset_check._intersections import (
    INTERSECTION_SIGN,
    intersection_name,
    with_intersection,
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
from fairness_core.dataset_check._verdicts import (
    BELOW_LINE_VERDICTS,
    REFERENCE_VERDICT,
    BaseRateVerdicts,
    compute_base_rate_verdicts,
    describe_base_rate_verdicts,
)

__all__ = [
    "ALL_FEATURES",
    "BELOW_LINE_VERDICTS",
    "FOUR_FIFTHS",
    "INTERSECTION_SIGN",
    "MAX_CONSISTENCY_ROWS",
    "REFERENCE_VERDICT",
    "SLICE_METRICS",
    "BaseRateVerdicts",
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
    "compute_base_rate_verdicts",
    "compute_consistency",
    "compute_dataset_audit",
    "compute_feature_distribution",
    "consistency_to_dict",
    "describe_base_rate_verdicts",
    "describe_slice",
    "encode_features",
    "find_labelled_problems",
    "find_proxies",
    "find_slices",
    "intersection_name",
    "top_proxy_features",
    "with_cohorts",
    "with_intersection",
]
