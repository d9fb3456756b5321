"""Group counts: the sufficient statistics every subgroup number is computed from.

Words used here and in :mod:`fairness_core.metrics`, :mod:`fairness_core.stats` and
:mod:`fairness_core.subgroups`:

- A *group* is the set of rows sharing one value of each chosen protected attribute. With
  one attribute the groups are its values ("female"); with several they are the
  *intersections* ("female" × "Black" × "25–34"), of which only the non-empty ones are kept.
  A group's *labels* are a tuple with one value per attribute, in attribute order.
- The *confusion cells* of a group are its rows split by true outcome and decision:
  ``tp`` (outcome 1, decision 1), ``fp`` (outcome 0, decision 1), ``fn`` (outcome 1,
  decision 0) and ``tn`` (outcome 0, decision 0), always in that order (:data:`CELLS`).
  They are kept as row counts (``cells``), as sums of sample weights (``weighted_cells``)
  and as sums of squared weights (``squared_weight_cells``, for the effective sample size).
- *Score sums* are per-group weighted sums over the model's scores (mean score, Brier score,
  log loss) and the weighted number of correctly ordered (positive, negative) pairs, ties
  counted half, from which the exact ROC AUC follows.

Everything is computed in one vectorized pass: the attributes' integer codes are combined
into one code by mixed-radix arithmetic and ``np.bincount`` counts (group × cell); with
scores, one sort by score (then a stable radix sort by group code) adds the AUC pairs. Every
metric, disparity, interval and bootstrap replicate downstream is a function of these
small tables, never of the rows again, so another engine (a SQL ``GROUP BY``) can fill a
:class:`GroupCounts` and the rest of the core does not change.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from fairness_core.data import GroupColumn
from fairness_core.errors import InvalidInputError

__all__ = [
    "ALL_ROWS",
    "CELLS",
    "GroupCounts",
    "ScoreSums",
    "compute_group_counts",
    "with_overall",
]

#: Order of the confusion cells along the last axis of every cell table.
CELLS: tuple[str, str, str, str] = ("tp", "fp", "fn", "tn")
#: The label of the one group of ``GroupCounts.overall``.
ALL_ROWS = "(all rows)"
#: Above this many possible combinations, intersections are found by sorting, not a dense table.
_DENSE_LIMIT = 1 << 20


@dataclass(frozen=True)
class ScoreSums:
    """Per-group weighted sums over the scores (arrays of one value per group)."""

    score: np.ndarray = field(repr=False)
    squared_error: np.ndarray = field(repr=False)
    log_loss: np.ndarray = field(repr=False)
    ranked_pairs: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class GroupCounts:
    """Confusion cells (and score sums) per group; ``overall`` holds the same for all rows."""

    attributes: tuple[str, ...]
    labels: tuple[tuple[str, ...], ...]
    cells: np.ndarray = field(repr=False, compare=False)
    weighted_cells: np.ndarray = field(repr=False, compare=False)
    squared_weight_cells: np.ndarray = field(repr=False, compare=False)
    weighted: bool = False
    scores: ScoreSums | None = field(default=None, repr=False, compare=False)
    overall: GroupCounts | None = field(default=None, repr=False, compare=False)

    @property
    def n(self) -> np.ndarray:
        """Rows per group."""
        return self.cells.sum(axis=-1)

    @property
    def n_groups(self) -> int:
        """How many (non-empty) groups there are."""
        return len(self.labels)

    @property
    def names(self) -> tuple[str, ...]:
        """Display name per group: its labels joined with " · "."""
        return tuple(" · ".join(labels) for labels in self.labels)

    def index_of(self, labels: Sequence[str]) -> int:
        """Position of the group with these labels (one per attribute)."""
        wanted = tuple(str(v) for v in labels)
        try:
            return self.labels.index(wanted)
        except ValueError:
            shown = ", ".join(repr(name) for name in self.names[:8])
            more = " …" if self.n_groups > 8 else ""
            raise InvalidInputError(
                f"There is no group {' · '.join(wanted)!r} among {', '.join(self.attributes)}. "
                f"Expected the labels of a non-empty group, one per attribute. "
                f"Got {wanted!r}; the groups are {shown}{more}. Pick one of those."
            ) from None


def compute_group_counts(
    groups: Sequence[GroupColumn],
    y_true: np.ndarray,
    y_pred: np.ndarray,
    *,
    sample_weight: np.ndarray | None = None,
    y_score: np.ndarray | None = None,
) -> GroupCounts:
    """Count confusion cells per group (the intersection when several attributes are given)."""
    columns = check_group_columns(groups)
    truth = check_binary(y_true, "y_true", "true outcome")
    decision = check_binary(y_pred, "y_pred", "decision")
    n_rows = len(truth)
    check_lengths(n_rows, {"y_pred": len(decision), **{g.name: len(g.codes) for g in columns}})
    weight = check_sample_weight(sample_weight, n_rows)
    score = _check_score(y_score, n_rows)
    attributes = tuple(g.name for g in columns)

    group, present, radices = combine_group_codes(columns)
    size = len(present) if present is not None else math.prod(radices)
    table, all_pairs = _count(group, size, truth, decision, weight, score)
    keep = np.flatnonzero(table.cells.sum(axis=1) > 0)
    combined = keep if present is None else present[keep]
    counts = GroupCounts(
        attributes=attributes,
        labels=decode_group_labels(combined, columns, radices),
        cells=table.cells[keep],
        weighted_cells=table.weighted_cells[keep],
        squared_weight_cells=table.squared_weight_cells[keep],
        weighted=weight is not None,
        scores=None if table.scores is None else _take(table.scores, keep),
    )
    return with_overall(counts, all_pairs)


def combine_group_codes(
    columns: list[GroupColumn],
) -> tuple[np.ndarray, np.ndarray | None, list[int]]:
    """One int64 group code per row by mixed-radix arithmetic over the attributes' codes.

    When the possible combinations are few (the usual case) the code is used directly and
    ``present`` is None; otherwise the occurring codes are found by sorting and rows get
    their position among them.
    """
    radices = [max(len(g.labels), 1) for g in columns]
    if math.prod(radices) >= 2**62:
        raise InvalidInputError(
            f"The {len(columns)} protected attributes have too many combinations of values to "
            f"count together ({math.prod(radices):.2e}). Expected a few attributes with few "
            "values each. Choose fewer attributes, or group their values first."
        )
    code = columns[0].codes.astype(np.int64)
    for column, radix in zip(columns[1:], radices[1:], strict=True):
        code *= radix
        code += column.codes
    if math.prod(radices) <= _DENSE_LIMIT:
        return code, None, radices
    present, inverse = np.unique(code, return_inverse=True)
    return inverse.astype(np.int64), present, radices


def decode_group_labels(
    combined: np.ndarray, columns: list[GroupColumn], radices: list[int]
) -> tuple:
    """Label tuples (one label per attribute) of mixed-radix group codes."""
    digits = []
    rest = combined.astype(np.int64)
    for radix in reversed(radices):
        rest, digit = np.divmod(rest, radix)
        digits.append(digit.tolist())
    digits.reverse()
    return tuple(
        tuple(g.labels[d[i]] for g, d in zip(columns, digits, strict=True))
        for i in range(len(combined))
    )


def _count(
    group: np.ndarray,
    size: int,
    truth: np.ndarray,
    decision: np.ndarray,
    weight: np.ndarray | None,
    score: np.ndarray | None,
) -> tuple[GroupCounts, np.ndarray | None]:
    """Bincount (group × cell) for ``size`` possible groups, empty ones included.

    With scores, also the AUC pairs of all rows together (they share the sort).
    """
    cell_index = group * 4 + 3  # tp → 0, fp → 1, fn → 2, tn → 3
    cell_index -= 2 * decision.astype(np.int64)
    cell_index -= truth
    shape = (size, 4)
    cells = np.bincount(cell_index, minlength=4 * size).reshape(shape)
    weighted: np.ndarray
    squared: np.ndarray
    if weight is None:
        weighted = cells.astype(np.float64)
        squared = weighted
    else:
        weighted = np.bincount(cell_index, weights=weight, minlength=4 * size).reshape(shape)
        squared = np.bincount(cell_index, weights=weight * weight, minlength=4 * size)
        squared = squared.reshape(shape)
    sums, all_pairs = None, None
    if score is not None:
        sums, all_pairs = _score_sums(group, size, truth, score, weight)
    return GroupCounts((), (), cells, weighted, squared, weight is not None, sums), all_pairs


def _take(sums: ScoreSums, keep: np.ndarray) -> ScoreSums:
    return ScoreSums(
        sums.score[keep], sums.squared_error[keep], sums.log_loss[keep], sums.ranked_pairs[keep]
    )


def with_overall(counts: GroupCounts, all_pairs: np.ndarray | None) -> GroupCounts:
    """``counts`` with ``overall``: the column sums, and the AUC pairs of all rows at once.

    Public so an engine that counts per group elsewhere (fairness_core.engines) completes
    its tables exactly as :func:`compute_group_counts` does.
    """
    sums = None
    if counts.scores is not None and all_pairs is not None:
        s = counts.scores
        sums = ScoreSums(
            s.score.sum(keepdims=True),
            s.squared_error.sum(keepdims=True),
            s.log_loss.sum(keepdims=True),
            all_pairs,
        )
    overall = GroupCounts(
        attributes=counts.attributes,
        labels=((ALL_ROWS,) * len(counts.attributes),),
        cells=counts.cells.sum(axis=0, keepdims=True),
        weighted_cells=counts.weighted_cells.sum(axis=0, keepdims=True),
        squared_weight_cells=counts.squared_weight_cells.sum(axis=0, keepdims=True),
        weighted=counts.weighted,
        scores=sums,
    )
    return replace(counts, overall=overall)


def _score_sums(
    group: np.ndarray,
    size: int,
    truth: np.ndarray,
    score: np.ndarray,
    weight: np.ndarray | None,
) -> tuple[ScoreSums, np.ndarray]:
    """Per-group score sums, and the AUC pairs of all rows as one group."""
    w = np.ones(len(score)) if weight is None else weight
    positive = truth.astype(bool)
    eps = np.finfo(np.float64).eps
    # As sklearn.metrics.log_loss: the probability given to the true class, clipped.
    p_true = np.clip(np.where(positive, score, 1.0 - score), eps, 1.0 - eps)
    loss = -np.log(p_true)
    error = (truth - score) ** 2

    def wsum(values: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=w * values, minlength=size)

    # One sort by score serves both: all rows in score order, and (by a stable radix sort
    # of the small group codes) rows by group, then score. Order within ties is irrelevant.
    by_score = np.argsort(score)
    codes = group[by_score]
    codes = codes.astype(np.int16) if size < 2**15 else codes
    by_group = by_score[np.argsort(codes, kind="stable")]
    pairs = _ranked_pairs(by_group, group, size, positive, score, w)
    all_pairs = _ranked_pairs(by_score, None, 1, positive, score, w)
    return ScoreSums(wsum(score), wsum(error), wsum(loss), pairs), all_pairs


def _ranked_pairs(
    order: np.ndarray,
    group: np.ndarray | None,
    size: int,
    positive: np.ndarray,
    score: np.ndarray,
    w: np.ndarray,
) -> np.ndarray:
    """Per group: weighted (positive, negative) pairs with the positive scored higher.

    ``order`` sorts the rows by group, then score (``group`` None: one group of all rows).
    Runs of equal (group, score) are tie blocks; ties count half, so ``pairs / (W_pos ·
    W_neg)`` is the ROC AUC exactly as sklearn's trapezoid over the tie-collapsed ROC curve.
    """
    s = score[order]
    new = np.ones(len(s), dtype=bool)
    new[1:] = s[1:] != s[:-1]
    g = None if group is None else group[order]
    if g is not None:
        new[1:] |= g[1:] != g[:-1]
    block = np.cumsum(new) - 1
    w_sorted, pos_sorted = w[order], positive[order]
    pos = np.bincount(block, weights=np.where(pos_sorted, w_sorted, 0.0))
    neg = np.bincount(block, weights=np.where(pos_sorted, 0.0, w_sorted))
    block_group = np.zeros(len(pos), dtype=np.int64) if g is None else g[new]
    starts = np.flatnonzero(np.r_[True, block_group[1:] != block_group[:-1]])
    ends = np.r_[starts[1:], len(block_group)]
    result = np.zeros(size)
    # A loop over groups keeps each running sum inside its group (no cancellation against
    # other groups' totals), which keeps the AUC within 1e-12 of sklearn's.
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        n_block = neg[start:end]
        below = np.cumsum(n_block) - n_block
        result[block_group[start]] = np.dot(pos[start:end], below + 0.5 * n_block)
    return result


# -- input checks -----------------------------------------------------------------------


def check_group_columns(groups: Sequence[GroupColumn]) -> list[GroupColumn]:
    columns = list(groups)
    if not columns:
        raise InvalidInputError(
            "No protected attribute was given. Expected at least one encoded column "
            "(GroupColumn). Got none. Choose one or more protected attributes."
        )
    names = [g.name for g in columns]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InvalidInputError(
            f"The protected attribute {repeated[0]!r} is chosen more than once. Expected each "
            f"attribute once. Got {names}. Remove the repeated choice."
        )
    for g in columns:
        codes = np.asarray(g.codes)
        if len(codes) and (codes.min() < 0 or codes.max() >= len(g.labels)):
            raise InvalidInputError(
                f"The codes of protected attribute {g.name!r} do not match its "
                f"{len(g.labels)} labels. Expected codes from 0 to {len(g.labels) - 1}. Got "
                f"codes from {codes.min()} to {codes.max()}. Encode it with encode_groups()."
            )
    return columns


def check_binary(values: np.ndarray, name: str, role: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise InvalidInputError(
            f"{name} (the {role}) must be one value per row. Got an array of shape "
            f"{array.shape} instead. Pass a 1-dimensional array."
        )
    if array.dtype == np.int8 and not np.any(array.view(np.uint8) > 1):
        return array
    if array.dtype == bool:
        return array.astype(np.int8)
    with np.errstate(invalid="ignore"):
        bad = ~((array == 0) | (array == 1)) if array.dtype.kind in "biuf" else None
    if bad is None or bad.any():
        found = np.unique(array[bad])[:3] if bad is not None else [f"values of type {array.dtype}"]
        raise InvalidInputError(
            f"{name} (the {role}) must hold only 0 and 1 (1 = positive). Got "
            f"{', '.join(map(str, found))} instead. Encode it as 0/1 first "
            "(check_audit_data does this)."
        )
    return array.astype(np.int8)


def check_lengths(n_rows: int, others: dict[str, int]) -> None:
    wrong = {name: n for name, n in others.items() if n != n_rows}
    if wrong:
        listed = ", ".join(f"{name} has {n:,}" for name, n in wrong.items())
        raise InvalidInputError(
            f"The inputs have different numbers of rows. Expected {n_rows:,} rows each (as "
            f"y_true). Got: {listed}. Pass arrays taken from the same rows."
        )
    if n_rows == 0:
        raise InvalidInputError(
            "There are no rows to count. Expected at least one row. Got 0. "
            "Check the data and the filters applied to it."
        )


def check_sample_weight(sample_weight: np.ndarray | None, n_rows: int) -> np.ndarray | None:
    if sample_weight is None:
        return None
    weight = np.asarray(sample_weight, dtype=np.float64)
    check_lengths(n_rows, {"sample_weight": len(weight)})
    bad = ~np.isfinite(weight) | (weight < 0)
    if bad.any() or not weight.any():
        raise InvalidInputError(
            "sample_weight must be a non-negative number in every row, not all zero. Got "
            f"{int(bad.sum()):,} rows empty, negative or infinite"
            + (" and every weight zero." if not bad.any() else ".")
            + " Fix the weights, or leave them out to count every row once."
        )
    return weight


def check_scores(y_score: np.ndarray, n_rows: int) -> np.ndarray:
    """The scores as float64, checked: one probability between 0 and 1 per row."""
    score = np.asarray(y_score, dtype=np.float64)
    if score.ndim != 1:
        raise InvalidInputError(
            f"y_score (the model's scores) must be one value per row. Got an array of shape "
            f"{score.shape} instead. Pass a 1-dimensional array."
        )
    check_lengths(n_rows, {"y_score": len(score)})
    bad = ~np.isfinite(score) | (score < 0) | (score > 1)
    if bad.any():
        raise InvalidInputError(
            "y_score (the model's scores) must be a probability between 0 and 1 in every row. "
            f"Got {int(bad.sum()):,} rows empty or outside 0 to 1. Use the predicted "
            "probability of the positive outcome."
        )
    return score


def _check_score(y_score: np.ndarray | None, n_rows: int) -> np.ndarray | None:
    return None if y_score is None else check_scores(y_score, n_rows)
