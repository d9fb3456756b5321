"""Slice discovery: search the data for the subgroups a model treats worst.

Words used here:

- A *slice* is the set of rows meeting one to three *conditions*, each "feature = value"
  (``race = Black``) or "feature in a band" (``income: under 38,000``). Features may be
  protected attributes or not. Numeric features with more than a few values are cut into
  bands with the same helpers as protected attributes (age bands for a column named like
  age, otherwise bands of about equal size); missing values are a value of their own.
- The *metric* is one proportion: ``error_rate`` (wrong decisions among all rows),
  ``false_negative_rate`` (denied among those who deserved the positive outcome),
  ``false_positive_rate`` (granted among those who did not) or ``selection_rate``
  (positive decisions among all rows). *Worse* means higher for the error rates and lower
  for the selection rate (the positive decision is the favourable one).
- A slice's *support* is its metric's denominator n: the rows the value is measured on (for
  the false negative rate, the slice's actual positives). Slices below ``min_support`` are
  never tested or reported.
- A slice is compared with *the rest* (every row outside it): ``difference`` is slice −
  rest, ``worse_by`` the same difference turned so that positive means the slice is
  treated worse. The interval is Wilson's; the p-value is the two-proportion test of
  :mod:`fairness_core.stats` (Fisher's exact test for small counts), adjusted for
  multiple comparisons over *every* slice with enough support (slices treated better than
  the rest enter the family with p = 1, which only makes the correction stricter).
- Reported slices are treated worse than the rest by more than ``min_effect``. They are
  ranked significant first (adjusted p below ``alpha``), then by ``worse_by_low``: the
  lower end of the 95% interval of ``worse_by`` (Newcombe's hybrid score interval for a
  difference of two proportions, built from the two Wilson intervals). A support-aware
  score: a tiny slice with a large but uncertain gap ranks below a large slice whose gap
  is surely almost as large.
- *Pruning* (on by default): a slice with two or more conditions is left out when it is not
  clearly worse than a broader slice it lies in (drop one or two conditions) that is itself
  treated worse than the rest: "clearly" means its own 95% interval lies entirely on the
  worse side of the broader slice's value. "race = Black and zip = 10001" adds nothing when
  "race = Black" is already reported and the zip code does not make it worse.

Counting is one ``np.bincount`` per combination of features over integer codes combined by
mixed-radix arithmetic, so 50,000 rows × 10 features (175 combinations) take well under a
second. Counts are of rows; sample weights are not used here.

A *cohort* is a slice saved under a name. :func:`with_cohorts` adds each cohort to an
audit as one more grouping column ("in <cohort>" / "rest"), so the subgroup report
analyses it like a protected attribute.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, get_args

import numpy as np
import pandas as pd

from fairness_core.data import (
    MISSING_GROUP,
    NUMERIC_LEVELS_WITHOUT_BINS,
    AuditData,
    Binning,
    ColumnRoles,
    GroupColumn,
    default_binning,
    encode_groups,
    quantile_edges,
)
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import (
    METRICS,
    Correction,
    adjust_p_values,
    two_proportion_p_values,
    wilson_interval,
)

__all__ = [
    "SLICE_METRICS",
    "Cohort",
    "SliceCondition",
    "SliceMetric",
    "SliceReport",
    "cohort_column",
    "describe_slice",
    "encode_slice_feature",
    "find_slices",
    "with_cohorts",
]

SliceMetric = Literal["error_rate", "false_negative_rate", "false_positive_rate", "selection_rate"]
#: The metrics slices can be searched on, with a plain title.
#: The registry metric each slice metric is read from, and whether it is its complement
#: (the error rate is one minus accuracy, which the registry holds).
_FROM_REGISTRY: dict[SliceMetric, tuple[str, bool]] = {
    "error_rate": ("accuracy", True),
    "false_negative_rate": ("false_negative_rate", False),
    "false_positive_rate": ("false_positive_rate", False),
    "selection_rate": ("selection_rate", False),
}
#: Plain titles of the slice metrics (the registry's, and "Error rate" for 1 − accuracy).
SLICE_METRICS: dict[SliceMetric, str] = {
    metric: "Error rate" if complement else METRICS[name].title
    for metric, (name, complement) in _FROM_REGISTRY.items()
}
#: The order of the cell codes computed in find_slices: 3 - 2 * decision - outcome.
_CELL_CODES = ("tp", "fp", "fn", "tn")


def _cells(metric: SliceMetric) -> tuple[tuple[int, ...], tuple[int, ...], bool]:
    """(numerator cell codes, denominator cell codes, higher is worse), from the registry."""
    name, complement = _FROM_REGISTRY[metric]
    spec = METRICS[name]
    numerator = tuple(_CELL_CODES.index(c) for c in spec.numerator_cells)
    denominator = tuple(_CELL_CODES.index(c) for c in spec.denominator_cells)
    higher_is_worse = spec.higher_is_better is False
    if complement:
        numerator = tuple(c for c in denominator if c not in numerator)
        higher_is_worse = not higher_is_worse
    return numerator, denominator, higher_is_worse


#: Text features with more distinct values than this are skipped (ids, free text).
MAX_SLICE_LEVELS = 50
_DENSE_LIMIT = 1 << 22


@dataclass(frozen=True)
class SliceCondition:
    """One condition of a slice: a value of a feature, a band of it, or "missing"."""

    feature: str
    label: str
    low: float | None = None
    high: float | None = None
    missing: bool = False
    banded: bool = False

    @property
    def text(self) -> str:
        """The condition in words: "race = Black", "income: under 38,000"."""
        return f"{self.feature}: {self.label}" if self.banded else f"{self.feature} = {self.label}"

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Rows of ``frame`` meeting the condition."""
        if self.feature not in set(map(str, frame.columns)):
            raise InvalidInputError(
                f"The cohort needs the column {self.feature!r}, which this data does not have. "
                "Expected the columns of the data the cohort was found in. Create the cohort "
                "again on this data."
            )
        series = frame[self.feature]
        gaps = series.isna().to_numpy()
        if self.missing:
            return gaps
        if not self.banded:
            return (series.astype("str") == self.label).to_numpy(dtype=bool, na_value=False) & ~gaps
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        inside = ~np.isnan(values)
        if self.low is not None:
            inside &= values >= self.low
        if self.high is not None:
            inside &= values < self.high
        return inside


@dataclass(frozen=True)
class Cohort:
    """A slice saved under a name, to analyse on the Subgroups page."""

    name: str
    conditions: tuple[SliceCondition, ...]

    @classmethod
    def of(cls, conditions: Sequence[SliceCondition]) -> Cohort:
        """The cohort of a slice, named by its conditions ("race = Black and age: under 25")."""
        return cls(" and ".join(c.text for c in conditions), tuple(conditions))

    @property
    def text(self) -> str:
        """The conditions in words, joined with "and"."""
        return " and ".join(c.text for c in self.conditions)

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Rows of ``frame`` in the cohort (all conditions met)."""
        inside = np.ones(len(frame), dtype=bool)
        for condition in self.conditions:
            inside &= condition.mask(frame)
        return inside


@dataclass(frozen=True)
class EncodedFeature:
    """A feature as integer codes, with the condition each code stands for."""

    column: GroupColumn
    conditions: tuple[SliceCondition, ...]


def encode_slice_feature(
    series: pd.Series, *, roles: ColumnRoles | None = None, bands: int = 4
) -> EncodedFeature | None:
    """Codes for one feature (bands for many-valued numbers); None when it has too many values.

    A protected attribute with bands chosen in ``roles`` keeps those bands.
    """
    name = str(series.name)
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    levels = int(series.nunique(dropna=True))
    chosen = roles.binning_for(name) if roles is not None else None
    if numeric and (chosen is not None or levels > NUMERIC_LEVELS_WITHOUT_BINS):
        binning = chosen or default_binning(name)
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        quantiles = binning.quantiles if binning.edges else bands
        edges = binning.edges or quantile_edges(values[~np.isnan(values)], quantiles)
        column = encode_groups(series, binning=Binning(name, edges=tuple(edges)))
        bounds = [None, *edges, None]
        conditions = [
            SliceCondition(name, label, bounds[i], bounds[i + 1], banded=True)
            for i, label in enumerate(column.labels[: len(edges) + 1])
        ]
    elif levels > MAX_SLICE_LEVELS:
        return None
    else:
        column = encode_groups(series)
        conditions = [SliceCondition(name, label) for label in column.labels]
    if len(conditions) < len(column.labels):  # the trailing "(missing)" code
        conditions.append(SliceCondition(name, MISSING_GROUP, missing=True))
    elif column.labels and column.labels[-1] == MISSING_GROUP and series.isna().any():
        conditions[-1] = SliceCondition(name, MISSING_GROUP, missing=True)
    return EncodedFeature(column, tuple(conditions))


@dataclass(frozen=True)
class SliceReport:
    """The slices treated worst on one metric (see the module docstring).

    ``table``: one row per reported slice, worst first, with ``slice`` (the conditions in
    words), ``conditions`` (tuple of :class:`SliceCondition`), ``order`` (how many
    conditions), ``rows``, ``support``, ``value``, ``ci_low``, ``ci_high``,
    ``rest_value``, ``rest_support``, ``difference``, ``worse_by``, ``worse_by_low``,
    ``ratio``, ``p_value``, ``p_value_adjusted`` and ``significant``.
    ``pruned``: how many slices were left out, while the list was filled, as not clearly
    worse than a broader slice they lie in (see the module docstring).
    ``tested``: slices with enough support (the multiple-comparison family).
    """

    metric: SliceMetric
    features: tuple[str, ...]
    skipped: tuple[str, ...]
    max_order: int
    min_support: int
    min_effect: float
    correction: Correction
    alpha: float
    n_rows: int
    overall: float
    tested: int
    combinations: int
    table: pd.DataFrame = field(repr=False, compare=False)
    pruned: int = 0


def find_slices(
    data: AuditData,
    *,
    features: Sequence[str],
    metric: SliceMetric = "error_rate",
    max_order: int = 2,
    min_support: int = 30,
    min_effect: float = 0.0,
    correction: Correction = "holm",
    alpha: float = 0.05,
    max_results: int = 20,
    bands: int = 4,
    prune: bool = True,
) -> SliceReport:
    """The slices (up to ``max_order`` conditions) where ``metric`` is worst vs the rest.

    With ``prune`` (the default), slices that are not clearly worse than a broader reported
    slice they lie in are left out (see the module docstring).
    """
    _check(data, features, metric, max_order, min_support, min_effect, alpha, max_results)
    encoded: list[EncodedFeature] = []
    skipped: list[str] = []
    for name in dict.fromkeys(features):
        feature = encode_slice_feature(data.frame[name], roles=data.roles, bands=bands)
        if feature is None:
            skipped.append(name)
        else:
            encoded.append(feature)
    numerator, denominator, higher_is_worse = _cells(metric)
    cell = (3 - 2 * data.y_pred.astype(np.int64) - data.y_true.astype(np.int64)).astype(np.int64)
    totals = np.bincount(cell, minlength=4)
    total_num, total_den = totals[list(numerator)].sum(), totals[list(denominator)].sum()
    found: list[tuple[tuple[int, ...], np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    combinations = 0
    for order in range(1, max_order + 1):
        for combo in itertools.combinations(range(len(encoded)), order):
            combinations += 1
            columns = [encoded[i].column for i in combo]
            code, present, radices = combine_group_codes(columns)
            size = len(present) if present is not None else math.prod(radices)
            cells = np.bincount(code * 4 + cell, minlength=4 * size).reshape(size, 4)
            den = cells[:, list(denominator)].sum(axis=1)
            keep = np.flatnonzero(den >= min_support)
            if len(keep) == 0:
                continue
            num = cells[keep][:, list(numerator)].sum(axis=1)
            rows = cells[keep].sum(axis=1)
            ids = keep if present is None else present[keep]
            found.append((combo, ids, rows, num, den[keep]))
    report = _table(found, encoded, total_num, total_den, higher_is_worse)
    tested = len(report)
    if tested:
        harmful = report["worse_by"].to_numpy() > 0
        p = np.ones(tested)
        if harmful.any():
            p[harmful], _ = two_proportion_p_values(
                report["numerator"].to_numpy()[harmful],
                report["support"].to_numpy()[harmful],
                report["rest_numerator"].to_numpy()[harmful],
                report["rest_support"].to_numpy()[harmful],
            )
        p = np.where(np.isnan(p), 1.0, p)
        report["p_value"] = p
        report["p_value_adjusted"] = adjust_p_values(p, method=correction)
        report["significant"] = report["p_value_adjusted"] < alpha
        report["worse_by_low"] = _worse_by_low(report, higher_is_worse)
        shown = report[report["worse_by"] > max(min_effect, 0.0)]
        shown = shown.sort_values(
            ["significant", "worse_by_low", "worse_by", "support"],
            ascending=False,
            kind="stable",
        )
        kept = _prune(shown, encoded, higher_is_worse, max_results) if prune else None
        pruned = 0 if kept is None else kept[1]
        shown = shown.head(max_results) if kept is None else shown.iloc[kept[0]]
        report = _describe(shown, encoded)
    else:
        pruned = 0
        report = _describe(_empty(), encoded)
    return SliceReport(
        metric=metric,
        features=tuple(f.column.name for f in encoded),
        skipped=tuple(skipped),
        max_order=max_order,
        min_support=min_support,
        min_effect=min_effect,
        correction=correction,
        alpha=alpha,
        n_rows=data.n_rows,
        overall=float(total_num / total_den) if total_den else float("nan"),
        tested=tested,
        combinations=combinations,
        table=report.reset_index(drop=True),
        pruned=pruned,
    )


def _worse_by_low(report: pd.DataFrame, higher_is_worse: bool) -> np.ndarray:
    """Lower 95% bound of ``worse_by`` (Newcombe's hybrid score interval, method 10)."""
    value, rest = report["value"].to_numpy(), report["rest_value"].to_numpy()
    low1, high1 = wilson_interval(report["numerator"].to_numpy(), report["support"].to_numpy())
    low2, high2 = wilson_interval(
        report["rest_numerator"].to_numpy(), report["rest_support"].to_numpy()
    )
    if higher_is_worse:
        bound = (value - rest) - np.sqrt((value - low1) ** 2 + (high2 - rest) ** 2)
    else:
        bound = (rest - value) - np.sqrt((high1 - value) ** 2 + (rest - low2) ** 2)
    return np.nan_to_num(bound, nan=-1.0)


def _digits(combo: tuple[int, ...], code: int, encoded: list[EncodedFeature]) -> list[int]:
    """The code of each feature of ``combo`` in the combined (mixed-radix) ``code``."""
    radices = [max(len(encoded[i].column.labels), 1) for i in combo]
    digits = []
    rest = int(code)
    for radix in reversed(radices):
        rest, digit = divmod(rest, radix)
        digits.append(digit)
    digits.reverse()
    return digits


def _prune(
    ranked: pd.DataFrame, encoded: list[EncodedFeature], higher_is_worse: bool, limit: int
) -> tuple[list[int], int]:
    """Positions (in ranked order) of up to ``limit`` slices that survive pruning.

    A slice of two or more conditions is dropped when some broader slice (a proper subset
    of its conditions) among the candidates has a value the slice's own 95% Wilson interval
    does not clear on the worse side. Returns the kept positions and how many were dropped
    before the list was full.
    """
    combos = ranked["combo"].tolist()
    codes = ranked["code"].tolist()
    keys = [
        frozenset(zip(combo, _digits(combo, code, encoded), strict=True))
        for combo, code in zip(combos, codes, strict=True)
    ]
    values = dict(zip(keys, ranked["value"].tolist(), strict=True))
    low, high = wilson_interval(ranked["numerator"].to_numpy(), ranked["support"].to_numpy())
    kept: list[int] = []
    dropped = 0
    for i, key in enumerate(keys):
        if len(kept) >= limit:
            break
        if len(key) > 1:
            parts = list(key)
            broader = [
                values.get(frozenset(sub))
                for size in range(1, len(parts))
                for sub in itertools.combinations(parts, size)
            ]
            known = [v for v in broader if v is not None]
            clear = (
                all(low[i] > v for v in known)
                if higher_is_worse
                else all(high[i] < v for v in known)
            )
            if not clear:
                dropped += 1
                continue
        kept.append(i)
    return kept, dropped


def combine_group_codes(
    columns: list[GroupColumn],
) -> tuple[np.ndarray, np.ndarray | None, list[int]]:
    """One int64 code per row (mixed radix); dense when the combinations are few."""
    radices = [max(len(c.labels), 1) for c in columns]
    code = columns[0].codes.astype(np.int64)
    for column, radix in zip(columns[1:], radices[1:], strict=True):
        code = code * radix + column.codes
    if math.prod(radices) <= _DENSE_LIMIT:
        return code, None, radices
    present, inverse = np.unique(code, return_inverse=True)
    return inverse.astype(np.int64), present, radices


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "combo": pd.Series([], dtype=object),
            "code": np.array([], dtype=np.int64),
            **{
                c: np.array([], dtype=np.float64)
                for c in (
                    "rows",
                    "numerator",
                    "support",
                    "rest_numerator",
                    "rest_support",
                    "value",
                    "rest_value",
                    "difference",
                    "worse_by",
                    "worse_by_low",
                    "p_value",
                    "p_value_adjusted",
                )
            },
            "significant": np.array([], dtype=bool),
        }
    )


def _table(
    found: list[tuple[tuple[int, ...], np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    encoded: list[EncodedFeature],
    total_num: int,
    total_den: int,
    higher_is_worse: bool,
) -> pd.DataFrame:
    if not found:
        return _empty()
    combos = [combo for combo, ids, *_ in found for _ in range(len(ids))]
    codes = np.concatenate([ids for _, ids, *_ in found])
    rows = np.concatenate([r for *_, r, _, _ in found])
    num = np.concatenate([n for *_, n, _ in found]).astype(np.float64)
    den = np.concatenate([d for *_, d in found]).astype(np.float64)
    rest_num, rest_den = total_num - num, total_den - den
    with np.errstate(divide="ignore", invalid="ignore"):
        value = num / den
        rest = np.where(rest_den > 0, rest_num / rest_den, np.nan)
    difference = value - rest
    frame = pd.DataFrame(
        {
            "combo": pd.Series(combos, dtype=object),
            "code": codes,
            "rows": rows,
            "numerator": num,
            "support": den,
            "rest_numerator": rest_num,
            "rest_support": rest_den,
            "value": value,
            "rest_value": rest,
            "difference": difference,
            "worse_by": np.nan_to_num(difference if higher_is_worse else -difference, nan=0.0),
        }
    )
    return frame[frame["rest_support"] > 0].reset_index(drop=True)


def _describe(shown: pd.DataFrame, encoded: list[EncodedFeature]) -> pd.DataFrame:
    """Decode slices into conditions and add the interval and the ratio."""
    conditions = []
    for combo, code in zip(shown["combo"].tolist(), shown["code"].tolist(), strict=True):
        digits = _digits(combo, code, encoded)
        conditions.append(
            tuple(encoded[i].conditions[d] for i, d in zip(combo, digits, strict=True))
        )
    low, high = wilson_interval(shown["numerator"].to_numpy(), shown["support"].to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = shown["value"].to_numpy() / shown["rest_value"].to_numpy()
    return pd.DataFrame(
        {
            "slice": [" and ".join(c.text for c in conds) for conds in conditions],
            "conditions": pd.Series(conditions, dtype=object),
            "order": [len(conds) for conds in conditions],
            "rows": shown["rows"].to_numpy().astype(np.int64),
            "support": shown["support"].to_numpy().astype(np.int64),
            "value": shown["value"].to_numpy(),
            "ci_low": low,
            "ci_high": high,
            "rest_value": shown["rest_value"].to_numpy(),
            "rest_support": shown["rest_support"].to_numpy().astype(np.int64),
            "difference": shown["difference"].to_numpy(),
            "worse_by": shown["worse_by"].to_numpy(),
            "worse_by_low": shown["worse_by_low"].to_numpy(),
            "ratio": ratio,
            "p_value": shown["p_value"].to_numpy(),
            "p_value_adjusted": shown["p_value_adjusted"].to_numpy(),
            "significant": shown["significant"].to_numpy(dtype=bool),
        }
    )


def describe_slice(report: SliceReport, position: int = 0) -> str:
    """One plain sentence about the reported slice at ``position`` (0 = the worst)."""
    title = SLICE_METRICS[report.metric].lower()
    if report.table.empty:
        return (
            f"No slice with at least {report.min_support:,} people measured has a worse "
            f"{title} than the rest (searched {report.tested:,} slices)."
        )
    row = report.table.iloc[position]
    direction = "lower" if report.metric == "selection_rate" else "higher"
    evidence = (
        f"a difference this large is unlikely to be chance (adjusted p {_p(row)})"
        if row["significant"]
        else f"this could still be chance (adjusted p {_p(row)})"
    )
    return (
        f"Among people with {row['slice']} ({int(row['support']):,} measured), the {title} is "
        f"{row['value']:.2f} (95% {row['ci_low']:.2f}–{row['ci_high']:.2f}) against "
        f"{row['rest_value']:.2f} for everyone else: {abs(row['difference']):.2f} {direction}; "
        f"{evidence}, after correcting for the {report.tested:,} slices searched."
    )


def _p(row: pd.Series) -> str:
    p = float(row["p_value_adjusted"])
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


# -- cohorts -----------------------------------------------------------------------------


def cohort_column(data: AuditData, cohort: Cohort) -> GroupColumn:
    """The cohort as a grouping column of ``data``: "in <name>" (code 0) and "rest" (code 1)."""
    inside = cohort.mask(data.frame)
    codes = np.where(inside, 0, 1).astype(np.int32)
    return GroupColumn(cohort.name, (f"in {cohort.name}", "rest"), codes)


def with_cohorts(data: AuditData, cohorts: Sequence[Cohort]) -> AuditData:
    """``data`` with one more grouping column per cohort (protected attributes unchanged)."""
    if not cohorts:
        return data
    taken = {g.name for g in data.groups}
    columns = []
    for cohort in cohorts:
        if cohort.name in taken:
            raise InvalidInputError(
                f"The cohort name {cohort.name!r} is already used by a protected attribute or "
                "another cohort. Expected a new name. Rename the cohort."
            )
        taken.add(cohort.name)
        columns.append(cohort_column(data, cohort))
    return replace(data, groups=(*data.groups, *columns))


def _check(
    data: AuditData,
    features: Sequence[str],
    metric: str,
    max_order: int,
    min_support: int,
    min_effect: float,
    alpha: float,
    max_results: int,
) -> None:
    if metric not in _FROM_REGISTRY:
        raise InvalidInputError(
            f"The slice metric must be one of {', '.join(get_args(SliceMetric))}. Got "
            f"{metric!r} instead. Choose one of those."
        )
    names = list(features)
    if not names:
        raise InvalidInputError(
            "No feature was chosen to search. Expected one or more columns of the data. Got "
            "none. Choose the columns to search (protected attributes or not)."
        )
    columns = set(map(str, data.frame.columns))
    unknown = [c for c in names if c not in columns]
    if unknown:
        raise InvalidInputError(
            f"The feature {unknown[0]!r} is not a column of the data. Expected column names of "
            "the loaded table. Choose among the table's columns."
        )
    if isinstance(max_order, bool) or max_order not in (1, 2, 3):
        raise InvalidInputError(
            f"max_order must be 1, 2 or 3 conditions per slice. Got {max_order!r} instead. "
            "Use 2 to combine pairs of features."
        )
    whole = isinstance(min_support, (int, np.integer)) and not isinstance(min_support, bool)
    if not whole or min_support < 1:
        raise InvalidInputError(
            f"min_support must be a whole number of people, at least 1. Got {min_support!r} "
            "instead. Use e.g. 30."
        )
    if not 0.0 <= float(min_effect) <= 1.0:
        raise InvalidInputError(
            f"min_effect must be between 0 and 1 (a difference of rates). Got {min_effect!r} "
            "instead. Use e.g. 0.05 for five percentage points."
        )
    if not 0.0 < float(alpha) < 1.0:
        raise InvalidInputError(f"alpha must be between 0 and 1. Got {alpha!r} instead. Use 0.05.")
    if isinstance(max_results, bool) or not isinstance(max_results, int) or max_results < 1:
        raise InvalidInputError(
            f"max_results must be a whole number, at least 1. Got {max_results!r} instead."
        )
