"""Trade-offs: every threshold at once, per group, from one score-bin count table.

Words used here and in :mod:`fairness_core.frontier`:

- The *decision rule* is ``score >= threshold`` (as :meth:`LoadedModel.decide`): a person
  whose score reaches the threshold gets the positive decision.
- A *threshold sweep* gives, for every threshold on a grid, each group's confusion cells
  (``tp``, ``fp``, ``fn``, ``tn``, weighted) and the rates that follow: true positive rate
  (TPR), false positive rate (FPR), selection rate, precision and accuracy; and for all
  groups together (one shared threshold) the accuracy, *balanced accuracy* (mean of TPR and
  true negative rate) and the *expected cost* ``(cost_ratio · FP + FN) / people``, where the
  *cost ratio* says how much worse a false positive is than a false negative (1: equally bad).
- A *disparity* is the largest minus the smallest value over groups of one rate (0 when
  groups are treated alike): ``demographic_parity_difference`` (selection rate),
  ``equal_opportunity_difference`` (TPR), ``equalized_odds_difference`` (the larger of the
  TPR and FPR differences, as fairlearn) and ``accuracy_difference``. A group whose rate is
  undefined (no positives, say) is left out of that disparity.
- The *criterion* names the disparity the reviewer wants small: ``"demographic_parity"``,
  ``"equal_opportunity"``, ``"equalized_odds"`` or ``"equal_accuracy"`` (:data:`CRITERIA`).
- *Today's decisions* are the audited decisions: the given predictions, or the scores cut at
  today's threshold.

How it is computed (the count-table idea of the architecture): scores are cast to float64
and sorted once; each row gets a *bin* on the threshold grid; one ``np.bincount`` over the
combined code (group, bin, label) counts rows, weights and squared weights; reverse
cumulative sums over the bins give, for every threshold, how many positives and negatives
of each group score at or above it. The rows are never looked at again.

The grid: when the scores take at most ``max_thresholds`` distinct values (default 5,000)
the thresholds are exactly those values, so the sweep holds every distinct decision the
scores allow (``exact``). Otherwise the grid is the union of a uniform grid with step 0.001
(round thresholds such as 0.5 are on it), 1,000 quantiles of the scores (fine steps where
the people are), today's threshold, and the *corners of every group's exact ROC curve*:
the vertices of the convex hull of the group's (weighted false positives, true positives)
at every distinct score, upper and lower (a few hundred per group). Each threshold is
evaluated exactly (a bin holds the scores from its threshold up to the next one); the
thresholds in between are not offered — which costs nothing where it matters: the best
randomized rules under demographic parity, equal opportunity, equalized odds and equal
accuracy, and each group's own best threshold, use only hull vertices (mixing two
neighbouring ones), so :mod:`fairness_core.frontier` finds them exactly, as if every
distinct score were a threshold. The grid always ends with ``+inf`` (nobody gets the
positive decision); its first threshold is at or below every score (everybody gets it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from fairness_core.data import AuditData, ScoreScale, score_scale
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import (
    METRICS,
    check_binary,
    check_group_columns,
    check_lengths,
    check_sample_weight,
    check_scores,
    combine_group_codes,
    decode_group_labels,
    divide,
)

__all__ = [
    "CRITERIA",
    "DISPARITIES",
    "Criterion",
    "CriterionSpec",
    "ThresholdSweep",
    "current_points",
    "disparities_of",
    "group_rates",
    "sweep_audit",
    "sweep_overall",
    "sweep_table",
    "sweep_thresholds",
]

Criterion = Literal["demographic_parity", "equal_opportunity", "equalized_odds", "equal_accuracy"]
Objective = Literal["accuracy", "expected_cost"]

#: Most distinct scores for which every distinct score is a threshold.
DEFAULT_MAX_THRESHOLDS = 5000
_GRID_STEP = 0.001
_QUANTILES = 1000


@dataclass(frozen=True)
class CriterionSpec:
    """A fairness criterion: the rate it equalises and the disparity that measures it."""

    name: Criterion
    title: str
    rate: str
    disparity: str
    explanation: str


CRITERIA: dict[Criterion, CriterionSpec] = {
    "demographic_parity": CriterionSpec(
        "demographic_parity",
        "Demographic parity",
        "selection_rate",
        "demographic_parity_difference",
        "Every group gets the positive decision at the same rate, whatever the outcomes.",
    ),
    "equal_opportunity": CriterionSpec(
        "equal_opportunity",
        "Equal opportunity",
        "true_positive_rate",
        "equal_opportunity_difference",
        "Among people with the positive outcome, every group gets the positive decision at "
        "the same rate.",
    ),
    "equalized_odds": CriterionSpec(
        "equalized_odds",
        "Equalized odds",
        "true_positive_rate",
        "equalized_odds_difference",
        "Equal opportunity, and also the same rate of wrong positive decisions among people "
        "with the negative outcome.",
    ),
    "equal_accuracy": CriterionSpec(
        "equal_accuracy",
        "Equal accuracy",
        "accuracy",
        "accuracy_difference",
        "The model is right equally often for every group.",
    ),
}
#: Disparity metric name → plain title.
DISPARITIES: dict[str, str] = {
    "demographic_parity_difference": "Demographic parity difference",
    "equal_opportunity_difference": "Equal opportunity difference",
    "equalized_odds_difference": "Equalized odds difference",
    "accuracy_difference": "Accuracy difference",
}


@dataclass(frozen=True)
class ThresholdSweep:
    """Per group and threshold: the weighted positives and negatives at or above it.

    ``selected[g, k]`` holds (negatives, positives) of group ``g`` with ``score >=
    thresholds[k]``, as sums of weights (rows when unweighted); ``selected_rows`` the row
    counts and ``selected_squared`` the sums of squared weights (for effective sample sizes).
    ``selected[:, 0]`` are the group totals. ``exact``: every distinct score is a threshold
    (else the grid holds every group's ROC hull vertices; see the module). ``today`` holds
    today's (tp, fp, fn, tn) per group (weighted) and ``today_rows`` the same in rows;
    ``today_threshold`` is None when today's decisions came as predictions. ``calibration``
    and ``distribution`` are tables (see :func:`sweep_thresholds`).
    """

    attributes: tuple[str, ...]
    labels: tuple[tuple[str, ...], ...]
    thresholds: np.ndarray = field(repr=False, compare=False)
    exact: bool
    weighted: bool
    selected: np.ndarray = field(repr=False, compare=False)
    selected_rows: np.ndarray = field(repr=False, compare=False)
    selected_squared: np.ndarray = field(repr=False, compare=False)
    today: np.ndarray = field(repr=False, compare=False)
    today_rows: np.ndarray = field(repr=False, compare=False)
    today_threshold: float | None
    calibration: pd.DataFrame = field(repr=False, compare=False)
    distribution: pd.DataFrame = field(repr=False, compare=False)
    #: The score column's own scale, for rules written on it; None: scores from 0 to 1.
    scale: ScoreScale | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Display name per group: its labels joined with " · "."""
        return tuple(" · ".join(labels) for labels in self.labels)

    @property
    def n_groups(self) -> int:
        """How many (non-empty) groups there are."""
        return len(self.labels)

    @property
    def positives(self) -> np.ndarray:
        """Weighted positives per group."""
        return self.selected[:, 0, 1]

    @property
    def negatives(self) -> np.ndarray:
        """Weighted negatives per group."""
        return self.selected[:, 0, 0]

    @property
    def total(self) -> float:
        """Weighted people over all groups."""
        return float(self.selected[:, 0].sum())


def sweep_thresholds(
    groups: Sequence,
    y_true: np.ndarray,
    y_score: np.ndarray,
    *,
    sample_weight: np.ndarray | None = None,
    threshold: float | None = 0.5,
    y_pred: np.ndarray | None = None,
    max_thresholds: int = DEFAULT_MAX_THRESHOLDS,
    calibration_bins: int = 10,
    distribution_bins: int = 20,
) -> ThresholdSweep:
    """Sweep every threshold for every group (the intersection when several are given).

    Today's decisions are ``y_pred`` when given, else ``y_score >= threshold``. The result
    also holds the calibration table (per group and one of ``calibration_bins`` equal-width
    score bins, as sklearn's ``calibration_curve``: rows, weight, mean score, observed share
    of positives; empty bins left out) and the score distribution (per group, outcome and one
    of ``distribution_bins`` equal-width bins: rows, weight, share of the group).
    """
    columns = check_group_columns(groups)
    truth = check_binary(y_true, "y_true", "true outcome")
    n_rows = len(truth)
    score = check_scores(y_score, n_rows)
    check_lengths(n_rows, {g.name: len(g.codes) for g in columns})
    weight = check_sample_weight(sample_weight, n_rows)
    if threshold is None and y_pred is None:
        raise InvalidInputError(
            "Today's decisions are unknown. Expected a threshold or the predictions (y_pred). "
            "Got neither. Pass the threshold used today, e.g. 0.5."
        )
    if threshold is not None and not (np.isfinite(threshold) and 0.0 <= threshold <= 1.0):
        raise InvalidInputError(
            f"threshold must be a number from 0 to 1. Got {threshold!r} instead. "
            "Use the threshold the decisions are made with, e.g. 0.5."
        )
    if max_thresholds < 2 or calibration_bins < 1 or distribution_bins < 1:
        raise InvalidInputError(
            "max_thresholds must be at least 2 and the bin counts at least 1. Got "
            f"{max_thresholds}, {calibration_bins} and {distribution_bins}. Use the defaults."
        )
    if y_pred is not None:
        decision = check_binary(y_pred, "y_pred", "decision")
        check_lengths(n_rows, {"y_pred": len(decision)})
    else:
        decision = (score >= float(threshold)).astype(np.int8)  # type: ignore[arg-type]

    group, labels = _group_codes(columns)
    n_groups = len(labels)
    order = np.argsort(score)
    ordered = score[order]
    edges, exact = _threshold_grid(ordered, threshold, max_thresholds)
    if not exact:
        hull = _hull_thresholds(order, group, n_groups, truth, score, weight)
        edges = np.union1d(edges, hull)
    n_bins = len(edges)
    # The scores are sorted already, so each bin is found with a search over the bin edges.
    bins = np.empty(n_rows, dtype=np.int64)
    bins[order] = np.repeat(
        np.arange(n_bins), np.diff(np.r_[np.searchsorted(ordered, edges), n_rows])
    )
    code = (group * n_bins + bins) * 2 + truth
    size = n_groups * n_bins * 2

    def table(w: np.ndarray | None) -> np.ndarray:
        counts = np.bincount(code, weights=w, minlength=size).astype(np.float64)
        per_bin = counts.reshape(n_groups, n_bins, 2)
        cumulative = np.zeros((n_groups, n_bins + 1, 2))
        cumulative[:, :n_bins] = np.cumsum(per_bin[:, ::-1], axis=1)[:, ::-1]
        return cumulative

    rows = table(None)
    weighted = rows if weight is None else table(weight)
    squared = rows if weight is None else table(weight * weight)
    cells_code = group * 4 + 3 - 2 * decision.astype(np.int64) - truth  # tp, fp, fn, tn
    today_rows = np.bincount(cells_code, minlength=4 * n_groups).reshape(n_groups, 4)
    today = (
        today_rows.astype(np.float64)
        if weight is None
        else np.bincount(cells_code, weights=weight, minlength=4 * n_groups).reshape(n_groups, 4)
    )
    names = tuple(" · ".join(lab) for lab in labels)
    return ThresholdSweep(
        attributes=tuple(g.name for g in columns),
        labels=labels,
        thresholds=np.append(edges, np.inf),
        exact=exact,
        weighted=weight is not None,
        selected=weighted,
        selected_rows=rows,
        selected_squared=squared,
        today=today,
        today_rows=today_rows.astype(np.float64),
        today_threshold=None if y_pred is not None else float(threshold),  # type: ignore[arg-type]
        calibration=_calibration(names, group, truth, score, weight, calibration_bins),
        distribution=_distribution(names, group, truth, score, weight, distribution_bins),
    )


def sweep_audit(audit: AuditData, attributes: Sequence[str], **options: object) -> ThresholdSweep:
    """:func:`sweep_thresholds` on validated audit data (its scores, weights and decisions)."""
    if audit.y_score is None:
        raise InvalidInputError(
            "The trade-offs need the model's scores, and this audit has only decisions. "
            "Expected a score column (a probability from 0 to 1) or a model. Got a prediction "
            "column. On the Data & model page, choose the score column as the decision "
            "source, or upload the model."
        )
    columns = [audit.group(name) for name in attributes]
    threshold = audit.roles.threshold if audit.roles.source != "prediction" else None
    scale = score_scale(audit.roles) if audit.roles.source == "score" else None
    sweep = sweep_thresholds(
        columns,
        audit.y_true,
        audit.y_score,
        sample_weight=audit.sample_weight,
        threshold=threshold,
        y_pred=audit.y_pred if threshold is None else None,
        **options,  # type: ignore[arg-type]
    )
    return sweep if scale is None or scale.is_unit else replace(sweep, scale=scale)


#: The per-group rates of a sweep or an operating point, defined in the metric registry.
RATES = ("selection_rate", "true_positive_rate", "false_positive_rate", "precision", "accuracy")


def confusion_cells(tp, fp, positives, negatives) -> dict[str, np.ndarray]:
    """The four confusion cells from true/false positives and the group totals."""
    tp, fp = np.asarray(tp, dtype=np.float64), np.asarray(fp, dtype=np.float64)
    p, n = np.asarray(positives, dtype=np.float64), np.asarray(negatives, dtype=np.float64)
    return {"tp": tp, "fp": fp, "fn": p - tp, "tn": n - fp}


def registry_parts(name: str, cells: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(numerator, denominator) of a rate of :data:`~fairness_core.metrics.METRICS` on cells.

    ``metrics.values_from_cells`` does the same on a stacked (…, 4) table; the sweep keeps
    its cells apart (positives and negatives at every threshold), so it reads the registry's
    cell names instead of stacking a copy of every table.
    """
    spec = METRICS[name]
    numerator = sum((cells[c] for c in spec.numerator_cells), np.float64(0.0))
    denominator = sum((cells[c] for c in spec.denominator_cells), np.float64(0.0))
    return np.asarray(numerator), np.asarray(denominator)


def group_rates(tp: np.ndarray, fp: np.ndarray, positives, negatives) -> dict[str, np.ndarray]:
    """The :data:`RATES` from weighted true/false positives and group totals.

    Each is the metric registry's formula on the confusion cells; NaN where undefined.
    """
    cells = confusion_cells(tp, fp, positives, negatives)
    return {name: divide(*registry_parts(name, cells)) for name in RATES}


def balanced_accuracy(tp, fp, positives, negatives) -> np.ndarray:
    """Mean of the registry's true positive and true negative rates (its balanced accuracy)."""
    cells = confusion_cells(tp, fp, positives, negatives)
    tpr = divide(*registry_parts("true_positive_rate", cells))
    tnr = divide(*registry_parts("true_negative_rate", cells))
    return (tpr + tnr) / 2


def disparities_of(rates: dict[str, np.ndarray], *, axis: int = 0) -> dict[str, np.ndarray]:
    """The four disparities (largest minus smallest over groups along ``axis``).

    The same as :func:`fairness_core.metrics.between_groups` (its difference) for every
    threshold at once; equalized odds is the larger of the TPR and FPR differences, as the
    registry's named summary.
    """
    tpr = _spread(rates["true_positive_rate"], axis)
    fpr = _spread(rates["false_positive_rate"], axis)
    return {
        "demographic_parity_difference": _spread(rates["selection_rate"], axis),
        "equal_opportunity_difference": tpr,
        "equalized_odds_difference": np.fmax(tpr, fpr),
        "accuracy_difference": _spread(rates["accuracy"], axis),
    }


def sweep_table(sweep: ThresholdSweep) -> pd.DataFrame:
    """One row per group and threshold: cells and rates (the ROC and PR curves' points)."""
    tp, fp = sweep.selected[..., 1], sweep.selected[..., 0]
    p, n = sweep.positives[:, None], sweep.negatives[:, None]
    rates = group_rates(tp, fp, p, n)
    n_thresholds = len(sweep.thresholds)
    frame = pd.DataFrame(
        {
            "group": np.repeat(np.asarray(sweep.names, dtype=object), n_thresholds),
            "group_index": np.repeat(np.arange(sweep.n_groups), n_thresholds),
            "threshold": np.tile(sweep.thresholds, sweep.n_groups),
            "tp": tp.ravel(),
            "fp": fp.ravel(),
            "fn": (p - tp).ravel(),
            "tn": (n - fp).ravel(),
        }
    )
    for name, values in rates.items():
        frame[name] = values.ravel()
    return frame


def sweep_overall(
    sweep: ThresholdSweep, *, cost_ratio: float = 1.0, criterion: Criterion | None = None
) -> pd.DataFrame:
    """One row per shared threshold: accuracy, balanced accuracy, expected cost, disparities.

    With a ``criterion``, its disparity is also in the column ``disparity``.
    """
    check_cost_ratio(cost_ratio)
    tp, fp = sweep.selected[..., 1], sweep.selected[..., 0]
    p, n = sweep.positives, sweep.negatives
    all_tp, all_fp = tp.sum(axis=0), fp.sum(axis=0)
    all_p, all_n = float(p.sum()), float(n.sum())
    overall = group_rates(all_tp, all_fp, all_p, all_n)
    frame = pd.DataFrame({"threshold": sweep.thresholds})
    frame["selection_rate"] = overall["selection_rate"]
    frame["accuracy"] = overall["accuracy"]
    frame["balanced_accuracy"] = balanced_accuracy(all_tp, all_fp, all_p, all_n)
    frame["expected_cost"] = (cost_ratio * all_fp + (all_p - all_tp)) / (all_p + all_n)
    rates = group_rates(tp, fp, p[:, None], n[:, None])
    for name, values in disparities_of(rates).items():
        frame[name] = values
    if criterion is not None:
        frame["disparity"] = frame[check_criterion(criterion).disparity]
    return frame


def current_points(sweep: ThresholdSweep) -> pd.DataFrame:
    """Today's operating point per group: its cells and rates (the marks on the curves)."""
    tp, fp, fn, tn = (sweep.today[:, i] for i in range(4))
    rates = group_rates(tp, fp, tp + fn, fp + tn)
    frame = pd.DataFrame(
        {
            "group": list(sweep.names),
            "group_index": np.arange(sweep.n_groups),
            "threshold": np.nan if sweep.today_threshold is None else sweep.today_threshold,
            "n": sweep.today_rows.sum(axis=1).astype(np.int64),
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": tn,
        }
    )
    for name, values in rates.items():
        frame[name] = values
    return frame


def check_criterion(criterion: str) -> CriterionSpec:
    """The spec of ``criterion``; an InvalidInputError naming the choices otherwise."""
    if criterion not in CRITERIA:
        raise InvalidInputError(
            f"criterion must be one of {', '.join(CRITERIA)}. Got {criterion!r} instead. "
            "Pick the fairness criterion by its name."
        )
    return CRITERIA[criterion]


def check_cost_ratio(cost_ratio: float) -> float:
    """``cost_ratio`` as a float; it must be positive and finite."""
    value = float(cost_ratio)
    if not np.isfinite(value) or value <= 0:
        raise InvalidInputError(
            f"The cost ratio must be a positive number. Got {cost_ratio!r} instead. Use 1 when "
            "a wrong positive decision is as bad as a wrong negative one, 2 when twice as bad."
        )
    return value


# -- internals --------------------------------------------------------------------------


def _group_codes(columns: list) -> tuple[np.ndarray, tuple[tuple[str, ...], ...]]:
    """One code per row into the non-empty groups (in the order compute_group_counts uses)."""
    code, present, radices = combine_group_codes(columns)
    size = len(present) if present is not None else int(np.prod(radices))
    used = np.bincount(code, minlength=size) > 0
    keep = np.flatnonzero(used)
    remap = np.cumsum(used) - 1
    combined = keep if present is None else present[keep]
    return remap[code].astype(np.int64), decode_group_labels(combined, columns, radices)


def _threshold_grid(
    ordered: np.ndarray, threshold: float | None, max_thresholds: int
) -> tuple[np.ndarray, bool]:
    """Ascending thresholds: the distinct scores when few, else a uniform+quantile grid.

    ``ordered`` are the scores sorted ascending.
    """
    distinct = ordered[np.r_[True, ordered[1:] != ordered[:-1]]]
    if len(distinct) <= max_thresholds:
        return distinct, True
    positions = np.linspace(0, len(ordered) - 1, _QUANTILES + 1).round().astype(np.int64)
    # k / 1000 rather than linspace: 144 of linspace's values sit one float above the decimal
    # (0.009000000000000001), so "score >= 0.009" would leave out a score of exactly 0.009
    # and the rule sentence would have to print the long number.
    steps = round(1 / _GRID_STEP)
    parts = [np.arange(steps + 1) / steps, ordered[positions]]
    if threshold is not None:
        parts.append(np.array([threshold], dtype=np.float64))
    return np.unique(np.concatenate(parts)), False


# Why our own hull code rather than fairlearn's ThresholdOptimizer or scipy's ConvexHull:
# fairlearn rebuilds every group's curve in pandas (14–32 s measured at 1M rows) and then
# searches the shared rate on a grid of 1,001 values, so it is neither fast enough nor
# exact; qhull joggles nearly collinear points and knows nothing of groups. The ROC curve
# is monotone, so its hull is found exactly by vectorized pruning, all groups at once
# (_hull_prune), on the one sort of the scores the grid needs anyway.


def _hull_thresholds(
    order: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    truth: np.ndarray,
    score: np.ndarray,
    weight: np.ndarray | None,
) -> np.ndarray:
    """The scores at the vertices of every group's exact ROC convex hull (upper and lower).

    ``order`` sorts the scores ascending. Rows are put in order by group, then score (a
    stable sort of the small group codes), and each group's exact ROC curve — weighted
    false and true positives at or above every distinct score — is pruned to its hull.
    """
    small = group.astype(np.int16 if n_groups < 2**15 else np.int64)
    rows = order[np.argsort(small[order], kind="stable")][::-1]  # by group, score descending
    owner, s = group[rows], score[rows]
    pos = truth[rows].astype(np.float64)
    if weight is not None:
        w = weight[rows]
        neg, pos = np.cumsum(w - w * pos), np.cumsum(w * pos)
    else:
        neg, pos = np.cumsum(1.0 - pos), np.cumsum(pos)
    # Per group, the counts at or above each distinct score (the last row of each score).
    last = np.r_[(s[1:] != s[:-1]) | (owner[1:] != owner[:-1]), True]
    starts = np.r_[0, np.flatnonzero(owner[1:] != owner[:-1]) + 1]
    first_of = np.repeat(starts, np.diff(np.r_[starts, len(rows)]))[last]
    x = neg[last] - np.r_[0.0, neg][first_of]  # minus what the groups before it hold
    y = pos[last] - np.r_[0.0, pos][first_of]
    owner, s = owner[last], s[last]
    vertices = np.concatenate([s[_hull_prune(owner, x, y, sign)] for sign in (1.0, -1.0)])
    return np.unique(vertices)


def _hull_prune(owner: np.ndarray, x: np.ndarray, y: np.ndarray, sign: float) -> np.ndarray:
    """Indices of the upper (``sign=1``) or lower (``-1``) hull vertices of each curve.

    The points of a curve are consecutive in ``owner`` and ordered along it (x and y never
    decrease). A point on or under the chord between its two neighbours is no hull vertex;
    all such points are dropped at once, again and again, until none is left (exact: every
    dropped point lies under a chord of points that lie under the final hull).
    """
    if len(x) <= 2:
        return np.arange(len(x))
    # The first pass on views (no gathers): most points go in it.
    cross = (x[1:-1] - x[:-2]) * (y[2:] - y[:-2]) - (y[1:-1] - y[:-2]) * (x[2:] - x[:-2])
    drop = (sign * cross >= 0) & (owner[:-2] == owner[2:])
    idx = np.flatnonzero(np.r_[True, ~drop, True])
    while len(idx) > 2:
        a, b, c = idx[:-2], idx[1:-1], idx[2:]
        cross = (x[b] - x[a]) * (y[c] - y[a]) - (y[b] - y[a]) * (x[c] - x[a])
        drop = (sign * cross >= 0) & (owner[a] == owner[c])
        if not drop.any():
            break
        idx = idx[np.r_[True, ~drop, True]]
    return idx


def _calibration(
    names: tuple[str, ...],
    group: np.ndarray,
    truth: np.ndarray,
    score: np.ndarray,
    weight: np.ndarray | None,
    n_bins: int,
) -> pd.DataFrame:
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # As sklearn.metrics' calibration_curve: bins (a, b], the first one [0, b].
    bins = np.searchsorted(edges[1:-1], score)
    code = group * n_bins + bins
    size = len(names) * n_bins
    w = np.ones(len(score)) if weight is None else weight
    rows = np.bincount(code, minlength=size)
    total = np.bincount(code, weights=w, minlength=size)
    score_sum = np.bincount(code, weights=w * score, minlength=size)
    positive_sum = np.bincount(code, weights=w * truth, minlength=size)
    frame = pd.DataFrame(
        {
            "group": np.repeat(np.asarray(names, dtype=object), n_bins),
            "group_index": np.repeat(np.arange(len(names)), n_bins),
            "bin": np.tile(np.arange(n_bins), len(names)),
            "bin_low": np.tile(edges[:-1], len(names)),
            "bin_high": np.tile(edges[1:], len(names)),
            "n": rows,
            "weight": total,
            "mean_score": divide(score_sum, total),
            "observed_rate": divide(positive_sum, total),
        }
    )
    return frame[frame["n"] > 0].reset_index(drop=True)


def _distribution(
    names: tuple[str, ...],
    group: np.ndarray,
    truth: np.ndarray,
    score: np.ndarray,
    weight: np.ndarray | None,
    n_bins: int,
) -> pd.DataFrame:
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # As np.histogram: bins [a, b), the last one [a, 1].
    bins = np.minimum(np.searchsorted(edges, score, side="right") - 1, n_bins - 1)
    code = (group * 2 + truth) * n_bins + bins
    size = len(names) * 2 * n_bins
    rows = np.bincount(code, minlength=size)
    total = rows.astype(np.float64) if weight is None else np.bincount(code, weight, size)
    per_group = total.reshape(len(names), 2 * n_bins).sum(axis=1)
    return pd.DataFrame(
        {
            "group": np.repeat(np.asarray(names, dtype=object), 2 * n_bins),
            "group_index": np.repeat(np.arange(len(names)), 2 * n_bins),
            "outcome": np.tile(np.repeat([0, 1], n_bins), len(names)),
            "bin_low": np.tile(edges[:-1], 2 * len(names)),
            "bin_high": np.tile(edges[1:], 2 * len(names)),
            "n": rows,
            "weight": total,
            "share": divide(total, np.repeat(per_group, 2 * n_bins)),
        }
    )


def _spread(values: np.ndarray, axis: int) -> np.ndarray:
    """Largest minus smallest along ``axis``, ignoring NaN (NaN when nothing is defined)."""
    defined = ~np.isnan(values)
    high = np.where(defined, values, -np.inf).max(axis=axis)
    low = np.where(defined, values, np.inf).min(axis=axis)
    return np.where(defined.any(axis=axis), high - low, np.nan)
