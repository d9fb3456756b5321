"""The threshold sweep of an engine's score histogram: every row, never the rows themselves.

An engine (:mod:`fairness_core.engines`: memory, DuckDB or Spark) counts, per group ×
score bin × true outcome, the rows, weights and squared weights of ALL rows of a source
that may not fit in memory (:class:`~fairness_core.engines.ScoreHistogram`). Bin ``k``
holds the audit scores from ``k / 1000`` up to (not including) ``(k + 1) / 1000``; the last
bin the scores of exactly 1. A reverse cumulative sum over the bins then counts, for every
threshold ``k / 1000``, the people of each group whose score is at or above it — the same
numbers :func:`~fairness_core.tradeoffs.sweep_thresholds` finds on the rows at that
threshold, whatever the scores (the bins' edges are the thresholds, so the counts are
exact at every grid threshold, not an approximation).

What is lost against the sweep of the rows: the thresholds between grid values (a rule
can move only in steps of 0.001, and the exact ROC hull corners between two grid values
are not offered), so the sweep is not ``exact`` and its rules write each threshold in
full. Today's decisions come from the engine's confusion cells
(:class:`~fairness_core.metrics.GroupCounts`) of the same grouping, so they hold even when
today's threshold is not on the grid. The calibration table (ten (a, b] bins) and the
distribution table (twenty [a, b) bins) come from the histogram's own bin sums, in the
columns of the sweep of the rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fairness_core.data import ScoreScale
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import GroupCounts, divide
from fairness_core.tradeoffs._sweep import ThresholdSweep

if TYPE_CHECKING:  # engines is not imported at run time: it is only read, never called
    from fairness_core.engines import ScoreHistogram

__all__ = ["sweep_from_histogram"]


def sweep_from_histogram(
    histogram: ScoreHistogram,
    today: GroupCounts,
    *,
    threshold: float | None,
    scale: ScoreScale | None = None,
) -> ThresholdSweep:
    """The :class:`ThresholdSweep` of an engine's histogram, on its 1/1000 threshold grid.

    ``today`` are the engine's group counts for the same grouping (its confusion cells are
    today's decisions); ``threshold`` today's threshold (None when today's decisions came
    as predictions); ``scale`` the score column's own scale, for rules written on it.
    """
    if tuple(today.labels) != tuple(histogram.labels) or tuple(today.attributes) != tuple(
        histogram.attributes
    ):
        raise InvalidInputError(
            "The score histogram and today's group counts are of different groups. Expected "
            f"the groups of {', '.join(histogram.attributes)} in both. Got "
            f"{len(histogram.labels)} groups of {', '.join(histogram.attributes)} and "
            f"{len(today.labels)} of {', '.join(today.attributes)}. Count both with one call "
            "of count_audit and pass its histogram and group counts of the same grouping."
        )
    if threshold is not None and not (np.isfinite(threshold) and 0.0 <= threshold <= 1.0):
        raise InvalidInputError(
            f"threshold must be a number from 0 to 1. Got {threshold!r} instead. "
            "Use the threshold the decisions are made with, e.g. 0.5."
        )
    edges = np.asarray(histogram.thresholds, dtype=np.float64)
    names = histogram.names
    return ThresholdSweep(
        attributes=tuple(histogram.attributes),
        labels=tuple(histogram.labels),
        thresholds=np.append(edges, np.inf),
        exact=False,
        weighted=bool(histogram.weighted),
        selected=_at_or_above(histogram.sweep_weight),
        selected_rows=_at_or_above(histogram.sweep_rows),
        selected_squared=_at_or_above(histogram.sweep_squared),
        today=np.asarray(today.weighted_cells, dtype=np.float64),
        today_rows=np.asarray(today.cells, dtype=np.float64),
        today_threshold=None if threshold is None else float(threshold),
        calibration=_calibration(names, histogram.calibration),
        distribution=_distribution(
            names, histogram.distribution_rows, histogram.distribution_weight
        ),
        scale=None if scale is None or scale.is_unit else scale,
    )


def _at_or_above(per_bin: np.ndarray) -> np.ndarray:
    """[group, bin, outcome] counts → [group, threshold, outcome] at or above (last: none)."""
    counts = np.asarray(per_bin, dtype=np.float64)
    n_groups, n_bins, _ = counts.shape
    cumulative = np.zeros((n_groups, n_bins + 1, 2))
    cumulative[:, :n_bins] = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]
    return cumulative


def _calibration(names: tuple[str, ...], sums: dict[str, np.ndarray]) -> pd.DataFrame:
    """The sweep's calibration table from the engine's per [group, bin] sums."""
    rows = np.rint(np.asarray(sums["n"], dtype=np.float64)).astype(np.int64)
    n_groups, n_bins = rows.shape
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    weight = np.asarray(sums["weight"], dtype=np.float64).ravel()
    frame = pd.DataFrame(
        {
            "group": np.repeat(np.asarray(names, dtype=object), n_bins),
            "group_index": np.repeat(np.arange(n_groups), n_bins),
            "bin": np.tile(np.arange(n_bins), n_groups),
            "bin_low": np.tile(edges[:-1], n_groups),
            "bin_high": np.tile(edges[1:], n_groups),
            "n": rows.ravel(),
            "weight": weight,
            "mean_score": divide(np.asarray(sums["score"], dtype=np.float64).ravel(), weight),
            "observed_rate": divide(np.asarray(sums["positive"], dtype=np.float64).ravel(), weight),
        }
    )
    return frame[frame["n"] > 0].reset_index(drop=True)


def _distribution(names: tuple[str, ...], rows: np.ndarray, weight: np.ndarray) -> pd.DataFrame:
    """The sweep's distribution table from the engine's [group, outcome, bin] counts."""
    counted = np.rint(np.asarray(rows, dtype=np.float64)).astype(np.int64)
    n_groups, _, n_bins = counted.shape
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    total = np.asarray(weight, dtype=np.float64).ravel()
    per_group = total.reshape(n_groups, 2 * n_bins).sum(axis=1)
    return pd.DataFrame(
        {
            "group": np.repeat(np.asarray(names, dtype=object), 2 * n_bins),
            "group_index": np.repeat(np.arange(n_groups), 2 * n_bins),
            "outcome": np.tile(np.repeat([0, 1], n_bins), n_groups),
            "bin_low": np.tile(edges[:-1], 2 * n_groups),
            "bin_high": np.tile(edges[1:], 2 * n_groups),
            "n": counted.ravel(),
            "weight": total,
            "share": divide(total, np.repeat(per_group, 2 * n_bins)),
        }
    )
