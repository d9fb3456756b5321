"""The dataset audit: who is in the data and what the historical labels say, before any model.

Words used here:

- *Labelled data* is a table with a target (the recorded outcome) and protected attributes,
  but no model and no decisions. :func:`check_labelled_data` validates only those roles
  (reusing :func:`~fairness_core.validation.check_audit_data`'s checks) and returns an
  :class:`~fairness_core.validation.AuditData` in which the *historical labels play the
  decision* (``y_pred`` is ``y_true``): the "selection rate" of the labels is the base rate,
  so the counting code of the subgroup report applies unchanged.
- *Representation*: each group's share of the rows, optionally against a *reference share*
  the reviewer enters (e.g. the group's share of the population the model will serve). The
  *representation ratio* is share ÷ reference share (1 = represented as in the population).
- *Base rate*: the share of a group whose recorded outcome is positive, with a Wilson
  interval (:mod:`fairness_core.stats`).
- *Disparate impact of the labels*: a group's base rate ÷ the highest base rate of any
  group (the EEOC reading of the four-fifths rule applied to the historical outcomes). A
  model trained to reproduce these labels inherits this gap.
- *Missingness*: per group and feature, the share of rows with no value.
- *Feature distribution*: how one feature's values are spread in each group (numbers cut
  into bands of about equal size, text by value).

All counts are rows; shares and base rates use the sample weights when the audit has them.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from fairness_core.data import (
    MISSING_GROUP,
    AuditData,
    Binning,
    ColumnRoles,
    GroupColumn,
    TableChecker,
    encode_groups,
    values_equal,
)
from fairness_core.errors import InvalidInputError, Problem, ValidationFailedError
from fairness_core.metrics import (
    beyond,
    compute_group_counts,
    group_intervals,
    metric_values,
    wilson_interval,
)

__all__ = [
    "FOUR_FIFTHS",
    "DatasetAudit",
    "FeatureDistribution",
    "check_labelled_data",
    "compute_dataset_audit",
    "compute_feature_distribution",
    "default_audit_features",
    "find_labelled_problems",
]

#: Disparate impact below this ratio fails the four-fifths rule.
FOUR_FIFTHS = 0.8
#: Most values of a text feature shown separately; the rest are pooled as "(other)".
MAX_SHOWN_VALUES = 12
OTHER = "(other)"
# Problems about the decision source: irrelevant when auditing labels only.
_DECISION_CODES = frozenset({"no_decision", "no_score", "no_model", "bad_threshold"})


class _LabelChecker(TableChecker):
    """The validation pass of check_audit_data without a decision source."""

    def check_roles(self) -> None:
        super().check_roles()
        self.problems = [p for p in self.problems if p.code not in _DECISION_CODES]

    def check_decision(
        self, positive: Hashable | None
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        # The labels play the decision; build() then drops the rows without a label.
        if positive is None:
            return None, None
        return values_equal(self.col(self.roles.target), positive).astype(np.int8), None


def _labels_only(roles: ColumnRoles) -> ColumnRoles:
    return replace(roles, source="prediction", prediction=None, score=None)


def find_labelled_problems(frame: pd.DataFrame, roles: ColumnRoles) -> list[Problem]:
    """Every problem with auditing ``frame``'s labels (decision roles are ignored)."""
    return _LabelChecker(frame, _labels_only(roles), None).run()[0]


def check_labelled_data(frame: pd.DataFrame, roles: ColumnRoles) -> AuditData:
    """Validate target, protected attributes (and weights) only; no model or decisions needed.

    The returned audit's ``y_pred`` is a copy of ``y_true`` (the labels play the decision)
    and its roles have no decision source. Raises ValidationFailedError listing every error.
    """
    problems, audit = _LabelChecker(frame, _labels_only(roles), None).run()
    if audit is None:
        raise ValidationFailedError(problems)
    return audit


def default_audit_features(data: AuditData) -> tuple[str, ...]:
    """The columns to audit: the chosen features, else every column that has no other role."""
    roles = data.roles
    if roles.features:
        return tuple(c for c in roles.features if c not in roles.protected)
    taken = {roles.target, *roles.protected, roles.prediction, roles.score, roles.weight}
    return tuple(str(c) for c in data.frame.columns if str(c) not in taken)


@dataclass(frozen=True)
class DatasetAudit:
    """The dataset audit of every protected attribute (see the module docstring).

    ``groups``: one row per (attribute, group) with ``rows``, ``share``, ``share_low`` /
    ``share_high`` (Wilson), ``reference_share`` (NaN when not entered),
    ``representation_ratio``, ``positives``, ``base_rate``, ``base_rate_low`` /
    ``base_rate_high``, ``disparate_impact`` (base rate ÷ the highest base rate of a group with at
    least ``min_n`` rows) and
    ``small`` (fewer rows than ``min_n``).
    ``summary``: one row per attribute with ``groups``, ``highest_group``,
    ``lowest_group``, ``disparate_impact_ratio`` (lowest ÷ highest base rate over groups
    with at least ``min_n`` rows, as fairlearn's ``demographic_parity_ratio`` on the labels)
    and ``four_fifths`` ("within the line" / "below the line": the lowest judged group's rate
    divided by the highest, against 0.8, exactly as on the Subgroups page).
    ``missingness``: one row per (attribute, group, feature) with ``rows``, ``missing`` and
    ``missing_share``.
    """

    attributes: tuple[str, ...]
    features: tuple[str, ...]
    groups: pd.DataFrame = field(repr=False, compare=False)
    summary: pd.DataFrame = field(repr=False, compare=False)
    missingness: pd.DataFrame = field(repr=False, compare=False)
    min_n: int = 30
    weighted: bool = False

    def attribute(self, name: str) -> pd.DataFrame:
        """The group rows of one protected attribute."""
        return self.groups[self.groups["attribute"] == name].reset_index(drop=True)


def compute_dataset_audit(
    data: AuditData,
    *,
    reference_shares: Mapping[str, Mapping[str, float]] | None = None,
    features: Sequence[str] | None = None,
    min_n: int = 30,
    confidence: float = 0.95,
) -> DatasetAudit:
    """Representation, base rates, disparate impact and missingness per protected attribute.

    ``reference_shares`` maps an attribute to {group label: population share (0–1)};
    groups left out have no reference. ``features`` default to
    :func:`default_audit_features`.
    """
    if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)) or min_n < 0:
        raise InvalidInputError(
            f"min_n must be a whole number of rows, 0 or more. Got {min_n!r} instead. Use e.g. 30."
        )
    shares = _check_reference_shares(data, reference_shares or {})
    chosen = tuple(features) if features is not None else default_audit_features(data)
    unknown = [c for c in chosen if c not in set(map(str, data.frame.columns))]
    if unknown:
        raise InvalidInputError(
            f"The feature {unknown[0]!r} is not a column of the data. Expected column names "
            f"of the loaded table. Got {list(chosen)}. Choose among the table's columns."
        )
    group_rows, summary_rows, missing_frames = [], [], []
    for column in data.groups:
        table = _group_table(data, column, shares.get(column.name, {}), min_n, confidence)
        group_rows.append(table)
        summary_rows.append(_summary_row(table, column.name, min_n))
        missing_frames.append(_missingness(data, column, chosen))
    return DatasetAudit(
        attributes=tuple(g.name for g in data.groups),
        features=chosen,
        groups=pd.concat(group_rows, ignore_index=True),
        summary=pd.DataFrame(summary_rows),
        missingness=pd.concat(missing_frames, ignore_index=True),
        min_n=int(min_n),
        weighted=data.sample_weight is not None,
    )


def _group_table(
    data: AuditData,
    column: GroupColumn,
    reference: Mapping[str, float],
    min_n: int,
    confidence: float,
) -> pd.DataFrame:
    counts = compute_group_counts(
        [column], data.y_true, data.y_true, sample_weight=data.sample_weight
    )
    n_groups = len(column.labels)
    # compute_group_counts keeps non-empty groups only: map back to every label.
    position = {labels[0]: i for i, labels in enumerate(counts.labels)}
    at = np.array([position.get(label, -1) for label in column.labels])
    present = at >= 0

    def spread(values: np.ndarray, fill: float = np.nan) -> np.ndarray:
        out = np.full(n_groups, fill, dtype=np.float64)
        out[present] = values[at[present]]
        return out

    rows = spread(counts.n.astype(np.float64), 0.0)
    weight_total = counts.weighted_cells.sum(axis=1)
    total = float(weight_total.sum())
    share = spread(weight_total / total if total > 0 else weight_total * np.nan, 0.0)
    # Wilson interval of the share: effective n of all rows, the share as a proportion.
    n_all = float(rows.sum())
    share_low, share_high = wilson_interval(share * n_all, np.full(n_groups, n_all))
    base_rate = spread(metric_values(counts, "base_rate"))
    low, high = group_intervals(counts, "base_rate", confidence=confidence)
    positives = spread(counts.cells[:, [0, 2]].sum(axis=1).astype(np.float64), 0.0)
    ref = np.array([reference.get(label, np.nan) for label in column.labels], dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ref > 0, share / ref, np.nan)
        # The reference is the highest base rate among groups large enough to compare
        # (as in the summary ratio); a tiny group cannot set everyone's ratio.
        judged = np.isfinite(base_rate) & (rows >= max(min_n, 1))
        pool = base_rate[judged] if judged.any() else base_rate[np.isfinite(base_rate)]
        best = float(pool.max()) if len(pool) else np.nan
        impact = base_rate / best if best > 0 else np.full(n_groups, np.nan)
    return pd.DataFrame(
        {
            "attribute": column.name,
            "group": list(column.labels),
            "rows": rows.astype(np.int64),
            "share": share,
            "share_low": share_low,
            "share_high": share_high,
            "reference_share": ref,
            "representation_ratio": ratio,
            "positives": positives.astype(np.int64),
            "base_rate": base_rate,
            "base_rate_low": spread(low),
            "base_rate_high": spread(high),
            "disparate_impact": impact,
            "small": rows < min_n,
        }
    )


def _summary_row(table: pd.DataFrame, attribute: str, min_n: int) -> dict[str, object]:
    judged = table[(table["rows"] >= max(min_n, 1)) & table["base_rate"].notna()]
    if len(judged) < 2:
        return {
            "attribute": attribute,
            "groups": len(table),
            "highest_group": None,
            "lowest_group": None,
            "disparate_impact_ratio": np.nan,
            "four_fifths": None,
        }
    ordered = judged.sort_values("base_rate", kind="stable")
    low, high = ordered.iloc[0], ordered.iloc[-1]
    ratio = float(low["base_rate"] / high["base_rate"]) if high["base_rate"] > 0 else np.nan
    return {
        "attribute": attribute,
        "groups": len(table),
        "highest_group": str(high["group"]),
        "lowest_group": str(low["group"]),
        "disparate_impact_ratio": ratio,
        # The same line and the same exactness as the Subgroups page's four-fifths rule.
        "four_fifths": None
        if not np.isfinite(ratio)
        else "below the line"
        if beyond(ratio, 0.8, "lower")
        else "within the line",
    }


def _missingness(data: AuditData, column: GroupColumn, features: Sequence[str]) -> pd.DataFrame:
    n_groups = len(column.labels)
    rows = np.bincount(column.codes, minlength=n_groups)
    frames = []
    for feature in features:
        gaps = data.frame[feature].isna().to_numpy()
        missing = np.bincount(column.codes, weights=gaps.astype(np.float64), minlength=n_groups)
        with np.errstate(divide="ignore", invalid="ignore"):
            frames.append(
                pd.DataFrame(
                    {
                        "attribute": column.name,
                        "group": list(column.labels),
                        "feature": feature,
                        "rows": rows,
                        "missing": missing.astype(np.int64),
                        "missing_share": np.where(rows > 0, missing / rows, np.nan),
                    }
                )
            )
    if not frames:
        return pd.DataFrame(
            columns=["attribute", "group", "feature", "rows", "missing", "missing_share"]
        )
    return pd.concat(frames, ignore_index=True)


def _check_reference_shares(
    data: AuditData, shares: Mapping[str, Mapping[str, float]]
) -> dict[str, dict[str, float]]:
    """Reference shares checked against the attributes and groups; empty entries dropped."""
    known = {g.name: g for g in data.groups}
    checked: dict[str, dict[str, float]] = {}
    for attribute, entries in shares.items():
        if attribute not in known:
            raise InvalidInputError(
                f"Reference shares were given for {attribute!r}, which is not a protected "
                f"attribute of this audit. Expected one of: {', '.join(known)}. Enter shares "
                "for a chosen protected attribute."
            )
        labels = known[attribute].labels
        values: dict[str, float] = {}
        for label, value in entries.items():
            if value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            if str(label) not in labels:
                raise InvalidInputError(
                    f"{attribute!r} has no group {label!r}. Expected one of: "
                    f"{', '.join(labels)}. Enter shares for the groups found in the data."
                )
            number = float(value)
            if not 0.0 <= number <= 1.0:
                raise InvalidInputError(
                    f"The reference share of {attribute} = {label} must be between 0 and 1 "
                    f"(e.g. 0.13 for 13%). Got {value!r} instead. Enter it as a fraction."
                )
            values[str(label)] = number
        if sum(values.values()) > 1.0 + 1e-6:
            raise InvalidInputError(
                f"The reference shares of {attribute} add up to more than 100% "
                f"({sum(values.values()):.0%}). Expected shares of one population that "
                "together make at most 100%. Check the numbers entered."
            )
        checked[attribute] = values
    return checked


# -- feature distributions ---------------------------------------------------------------


@dataclass(frozen=True)
class FeatureDistribution:
    """How one feature is spread in each group of one protected attribute.

    ``table``: one row per (group, value) with ``rows`` and ``share`` (of the group's rows;
    each group's shares sum to 1). Values are the feature's bands (numbers) or its values
    (text; at most :data:`MAX_SHOWN_VALUES`, the rest pooled as "(other)"); missing
    values are a value of their own, "(missing)". ``medians``: per group, the median of a
    numeric feature (NaN for text).
    """

    attribute: str
    feature: str
    numeric: bool
    values: tuple[str, ...]
    table: pd.DataFrame = field(repr=False, compare=False)
    medians: pd.Series = field(repr=False, compare=False)


def compute_feature_distribution(
    data: AuditData, attribute: str, feature: str, *, bands: int = 8
) -> FeatureDistribution:
    """The distribution of ``feature`` within each group of ``attribute``."""
    if feature not in set(map(str, data.frame.columns)):
        raise InvalidInputError(
            f"The feature {feature!r} is not a column of the data. Expected a column name "
            "of the loaded table. Choose among the table's columns."
        )
    group = data.group(attribute)
    series = data.frame[feature]
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    if numeric and series.nunique(dropna=True) > MAX_SHOWN_VALUES:
        encoded = encode_groups(series, binning=Binning(feature, quantiles=bands))
    else:
        encoded = _top_values(series)
    n_groups, n_values = len(group.labels), len(encoded.labels)
    table = np.bincount(
        group.codes.astype(np.int64) * n_values + encoded.codes,
        minlength=n_groups * n_values,
    ).reshape(n_groups, n_values)
    totals = table.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(totals > 0, table / totals, np.nan)
    frame = pd.DataFrame(
        {
            "group": np.repeat(list(group.labels), n_values),
            "value": list(encoded.labels) * n_groups,
            "rows": table.ravel(),
            "share": share.ravel(),
        }
    )
    if numeric:
        values = pd.to_numeric(series, errors="coerce")
        by_code = values.groupby(group.codes).median()
        medians = pd.Series(
            by_code.reindex(range(n_groups)).to_numpy(), index=list(group.labels), name=feature
        )
    else:
        medians = pd.Series(np.nan, index=list(group.labels))
    return FeatureDistribution(
        attribute=attribute,
        feature=feature,
        numeric=numeric,
        values=tuple(encoded.labels),
        table=frame,
        medians=medians,
    )


def _top_values(series: pd.Series) -> GroupColumn:
    """Codes of the most common values; the rest pooled as "(other)", missing last."""
    missing = series.isna().to_numpy()
    text = series.astype("str").where(~missing)
    counts = text.value_counts(dropna=True)
    top = sorted(str(v) for v in counts.index[:MAX_SHOWN_VALUES])
    labels = list(top)
    lookup = {v: i for i, v in enumerate(top)}
    codes = text.map(lookup).to_numpy(dtype=np.float64, na_value=np.nan)
    other = np.isnan(codes) & ~missing
    if other.any():
        labels.append(OTHER)
    codes = np.where(other, len(top), codes)
    if missing.any():
        codes = np.where(missing, len(labels), codes)
        labels.append(MISSING_GROUP)
    return GroupColumn(str(series.name), tuple(labels), codes.astype(np.int32))
