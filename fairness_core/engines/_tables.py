"""Count tables from an engine's GROUP BY: group counts, calibration sums and score histograms.

The engine returns one small table (:func:`~fairness_core.engines._sql.count_query`): one
row per distinct (target, decision, protected values, score bins) with its sums. The
audit's own validation (:func:`fairness_core.data.check_audit_data`) runs on that table,
each row standing for its ``n`` rows, and encodes the groups; the count tables follow by
``np.bincount`` over its rows with their sums as weights, exactly as the memory engine
counts rows with theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairness_core.data import GroupColumn
from fairness_core.metrics import (
    GroupCounts,
    ScoreSums,
    combine_group_codes,
    decode_group_labels,
    with_overall,
)

__all__ = ["ScoreHistogram", "TableRows", "counts_from_table"]


@dataclass(frozen=True)
class ScoreHistogram:
    """Per group × score bin × true outcome: rows, weight and squared weight.

    Bin ``k`` of the sweep holds the audit scores from ``thresholds[k]`` up to (not
    including) the next threshold; ``thresholds`` are ``k / 1000`` for k = 0 … 1000, so
    the last bin holds the scores of exactly 1. ``sweep_rows[g, k, y]`` and its
    ``sweep_weight`` / ``sweep_squared`` are indexed [group, bin, outcome (0, 1)].
    ``calibration`` holds per [group, bin] of ten (a, b] bins the sums ``n``, ``weight``,
    ``squared``, ``score`` and ``positive`` (as
    :func:`fairness_core.metrics.calibration_from_bin_sums` reads them);
    ``distribution_rows`` / ``distribution_weight`` are indexed [group, outcome, bin] over
    twenty [a, b) bins.
    """

    attributes: tuple[str, ...]
    labels: tuple[tuple[str, ...], ...]
    thresholds: np.ndarray = field(repr=False, compare=False)
    sweep_rows: np.ndarray = field(repr=False, compare=False)
    sweep_weight: np.ndarray = field(repr=False, compare=False)
    sweep_squared: np.ndarray = field(repr=False, compare=False)
    calibration: dict[str, np.ndarray] = field(repr=False, compare=False)
    distribution_rows: np.ndarray = field(repr=False, compare=False)
    distribution_weight: np.ndarray = field(repr=False, compare=False)
    weighted: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """Display name per group: its labels joined with " · "."""
        return tuple(" · ".join(labels) for labels in self.labels)


@dataclass(frozen=True)
class TableRows:
    """The engine's table after validation: one entry per kept row of the GROUP BY.

    ``groups`` holds each protected attribute encoded over these rows; ``truth`` and
    ``decision`` are 0/1 per row; ``sums`` the row's sums (``n``, ``sw``, ``sw2`` and with
    scores ``sws``, ``se1``, ``se0``, ``sl1``, ``sl0``, and the bins).
    """

    groups: dict[str, GroupColumn]
    truth: np.ndarray
    decision: np.ndarray
    sums: pd.DataFrame
    weighted: bool


def counts_from_table(
    rows: TableRows,
    attributes: Sequence[str],
    *,
    pairs: tuple[list[GroupColumn], np.ndarray, float] | None = None,
) -> tuple[GroupCounts, ScoreHistogram | None]:
    """Group counts (and with scores the histogram) for the intersection of ``attributes``.

    ``pairs``: the AUC pairs query's groups (as GroupColumns over its rows), its pairs per
    row, and the pairs of all rows together.
    """
    columns = [rows.groups[name] for name in attributes]
    n_table = len(rows.truth)
    if pairs is not None:
        pair_columns, pair_values, _ = pairs
        joined = [
            GroupColumn(c.name, c.labels, np.concatenate([c.codes, p.codes]), c.binned)
            for c, p in zip(columns, pair_columns, strict=True)
        ]
        code_all, present, radices = combine_group_codes(joined)
        code, pair_code = code_all[:n_table], code_all[n_table:]
    else:
        code, present, radices = combine_group_codes(columns)
    size = len(present) if present is not None else int(np.prod(radices))
    sums = rows.sums
    n = sums["n"].to_numpy(dtype=np.float64)
    cell_index = code * 4 + 3 - 2 * rows.decision.astype(np.int64) - rows.truth.astype(np.int64)

    def table(weights: np.ndarray) -> np.ndarray:
        return np.bincount(cell_index, weights=weights, minlength=4 * size).reshape(size, 4)

    cells = np.rint(table(n)).astype(np.int64)
    if rows.weighted:
        weighted = table(sums["sw"].to_numpy(dtype=np.float64))
        squared = table(sums["sw2"].to_numpy(dtype=np.float64))
    else:
        weighted = cells.astype(np.float64)
        squared = weighted
    keep = np.flatnonzero(cells.sum(axis=1) > 0)
    combined = keep if present is None else present[keep]
    labels = decode_group_labels(combined, columns, radices)
    scores = None
    has_scores = "sws" in sums.columns
    if (
        has_scores and pairs is not None and "se1" in sums.columns
    ):  # without the AUC pairs, no score sums at all
        positive = rows.truth.astype(bool)

        def per_group(values: np.ndarray) -> np.ndarray:
            return np.bincount(code, weights=values, minlength=size)[keep]

        ranked = np.bincount(pair_code, weights=pair_values, minlength=size)[keep]
        scores = ScoreSums(
            per_group(sums["sws"].to_numpy(dtype=np.float64)),
            per_group(np.where(positive, sums["se1"], sums["se0"]).astype(np.float64)),
            per_group(np.where(positive, sums["sl1"], sums["sl0"]).astype(np.float64)),
            ranked,
        )
    counts = GroupCounts(
        attributes=tuple(attributes),
        labels=labels,
        cells=cells[keep],
        weighted_cells=weighted[keep],
        squared_weight_cells=squared[keep],
        weighted=rows.weighted,
        scores=scores,
    )
    counts = with_overall(counts, None if pairs is None else np.array([pairs[2]]))
    histogram = None
    if has_scores:
        position = np.full(size, -1, dtype=np.int64)
        position[keep] = np.arange(len(keep))
        histogram = _histogram(rows, position[code], counts)
    return counts, histogram


def _histogram(rows: TableRows, group: np.ndarray, counts: GroupCounts) -> ScoreHistogram:
    from fairness_core.engines._sql import CALIBRATION_BINS, DISTRIBUTION_BINS, GRID_STEPS

    sums = rows.sums
    n_groups = counts.n_groups
    truth = rows.truth.astype(np.int64)
    n = sums["n"].to_numpy(dtype=np.float64)
    sw = sums["sw"].to_numpy(dtype=np.float64)
    sw2 = sums["sw2"].to_numpy(dtype=np.float64)
    n_sweep = GRID_STEPS + 1
    sweep_code = (group * n_sweep + sums["sweep_bin"].to_numpy(dtype=np.int64)) * 2 + truth

    def sweep(weights: np.ndarray) -> np.ndarray:
        size = n_groups * n_sweep * 2
        return np.bincount(sweep_code, weights=weights, minlength=size).reshape(
            n_groups, n_sweep, 2
        )

    cal_code = group * CALIBRATION_BINS + sums["calibration_bin"].to_numpy(dtype=np.int64)

    def calibration(weights: np.ndarray) -> np.ndarray:
        size = n_groups * CALIBRATION_BINS
        counted = np.bincount(cal_code, weights=weights, minlength=size)
        return counted.reshape(n_groups, CALIBRATION_BINS)

    dist_code = (group * 2 + truth) * DISTRIBUTION_BINS + sums["distribution_bin"].to_numpy(
        dtype=np.int64
    )

    def distribution(weights: np.ndarray) -> np.ndarray:
        size = n_groups * 2 * DISTRIBUTION_BINS
        counted = np.bincount(dist_code, weights=weights, minlength=size)
        return counted.reshape(n_groups, 2, DISTRIBUTION_BINS)

    return ScoreHistogram(
        attributes=counts.attributes,
        labels=counts.labels,
        thresholds=np.arange(n_sweep) / GRID_STEPS,
        sweep_rows=sweep(n),
        sweep_weight=sweep(sw),
        sweep_squared=sweep(sw2),
        calibration={
            "n": calibration(n),
            "weight": calibration(sw),
            "squared": calibration(sw2),
            "score": calibration(sums["sws"].to_numpy(dtype=np.float64)),
            "positive": calibration(sw * truth),
        },
        distribution_rows=distribution(n),
        distribution_weight=distribution(sw),
        weighted=rows.weighted,
    )
