"""Score drift from a count table: distinct scores per period × group with their row counts.

The score summary (count, mean, 10th percentile, median, 90th percentile), the score PSI and
the two-sample Kolmogorov–Smirnov test need only how many rows hold each score in each
period and group, never the rows themselves. :class:`ScoreCounts` is that table: the memory
path builds it from the rows (:meth:`ScoreCounts.from_rows`), an engine from a ``GROUP BY
period, group, score``. Every number is then computed the same way for both:

- percentiles by numpy's default ("linear") rule, read off the cumulative counts (the value
  at a rank is the distinct score whose cumulative count passes it), so they equal
  ``np.quantile`` on the rows;
- the KS statistic from the two empirical distribution functions evaluated at every distinct
  score (exactly scipy's ``ks_2samp`` statistic: the same integer counts over the same n);
  its p-value as ``ks_2samp`` computes it: for samples of at most :data:`KS_EXACT_N` rows
  ``ks_2samp`` itself runs on the rebuilt rows (its exact method), above that Smirnov's
  asymptotic distribution ``kstwo.sf(D, round(n·m / (n + m)))``, which is what ``ks_2samp``
  uses for such samples (scipy's ``method="auto"``);
- the PSI from the counts per ten equal-width bins (``np.histogram`` with the counts as
  weights).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairness_core.monitoring._drift import SCORE_BINS, psi

__all__ = ["KS_EXACT_N", "ScoreCounts", "score_drift_from_counts"]

#: scipy's ks_2samp uses its exact p-value when the larger sample has at most this many rows
#: (``method="auto"``; scipy.stats._stats_py.MAX_AUTO_N), Smirnov's asymptotic one above.
KS_EXACT_N = 10_000
_QUANTILES = (0.1, 0.5, 0.9)


@dataclass(frozen=True)
class ScoreCounts:
    """Rows per (period, group, distinct score), sorted by period, group and score.

    ``rounded`` is True when an engine rounded the scores down to 1/1000 first (the table
    would otherwise have been too large); the report then says so.
    """

    period: np.ndarray = field(repr=False, compare=False)
    group: np.ndarray = field(repr=False, compare=False)
    value: np.ndarray = field(repr=False, compare=False)
    count: np.ndarray = field(repr=False, compare=False)
    rounded: bool = False

    @classmethod
    def aggregate(
        cls,
        period: np.ndarray,
        group: np.ndarray,
        value: np.ndarray,
        count: np.ndarray,
        *,
        rounded: bool = False,
    ) -> ScoreCounts:
        """The table of possibly repeated, unsorted (period, group, score, rows) entries."""
        p = np.asarray(period, dtype=np.int64)
        g = np.asarray(group, dtype=np.int64)
        v = np.asarray(value, dtype=np.float64)
        c = np.asarray(count, dtype=np.int64)
        order = np.lexsort((v, g, p))
        p, g, v, c = p[order], g[order], v[order], c[order]
        new = np.ones(len(v), dtype=bool)
        new[1:] = (p[1:] != p[:-1]) | (g[1:] != g[:-1]) | (v[1:] != v[:-1])
        starts = np.flatnonzero(new)
        summed = np.add.reduceat(c, starts) if len(starts) else c[:0]
        return cls(p[starts], g[starts], v[starts], summed, rounded=rounded)

    @classmethod
    def from_rows(
        cls, scores: np.ndarray, period_codes: np.ndarray, group_codes: np.ndarray
    ) -> ScoreCounts:
        """Count the rows' scores per period × group."""
        ones = np.ones(len(scores), dtype=np.int64)
        return cls.aggregate(period_codes, group_codes, scores, ones)


def score_drift_from_counts(
    table: ScoreCounts,
    names: Sequence[str],
    periods: Sequence[str],
    anchors: Sequence[int | None],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score summary per period × group, and each group's score drift against its baseline.

    Returns (summary, drift). Summary columns: period, group, n, mean, p10, median, p90.
    Drift columns: period, group, baseline, psi, ks_statistic, ks_p_value.
    """
    key = table.period * len(names) + table.group
    bounds = np.searchsorted(key, np.arange(len(periods) * len(names) + 1))

    def cell(t: int, g: int) -> tuple[np.ndarray, np.ndarray]:
        i = t * len(names) + g
        return table.value[bounds[i] : bounds[i + 1]], table.count[bounds[i] : bounds[i + 1]]

    summary, drift = [], []
    for t, b in enumerate(anchors):
        for g, name in enumerate(names):
            x, cx = cell(t, g)
            n = int(cx.sum())
            quantiles = _quantiles(x, cx) if n else [np.nan] * 3
            summary.append(
                {"period": periods[t], "group": name, "n": n,
                 "mean": float(np.dot(x, cx) / n) if n else np.nan,
                 "p10": float(quantiles[0]), "median": float(quantiles[1]),
                 "p90": float(quantiles[2])}
            )  # fmt: skip
            if b is None:
                continue
            y, cy = cell(b, g)
            if n and cy.sum():
                stat, p = _ks(x, cx, y, cy)
                value = psi(
                    np.histogram(x, SCORE_BINS, weights=cx)[0],
                    np.histogram(y, SCORE_BINS, weights=cy)[0],
                )
            else:
                stat, p, value = np.nan, np.nan, np.nan
            drift.append(
                {"period": periods[t], "group": name, "baseline": periods[b], "psi": value,
                 "ks_statistic": stat, "ks_p_value": p}
            )  # fmt: skip
    columns = ["period", "group", "baseline", "psi", "ks_statistic", "ks_p_value"]
    return pd.DataFrame(summary), pd.DataFrame(drift, columns=columns)


def _quantiles(values: np.ndarray, counts: np.ndarray) -> list[float]:
    """np.quantile's default (linear) rule on the rows the counts stand for."""
    cumulative = np.cumsum(counts)
    n = int(cumulative[-1])

    def at(rank: int) -> float:
        return float(values[np.searchsorted(cumulative, rank, side="right")])

    out = []
    for q in _QUANTILES:
        # numpy: virtual index (n - 1) q, then a lerp that is exact at both ends.
        index = (n - 1) * q
        below = int(np.floor(index))
        gamma = index - below
        a, b = at(below), at(min(below + 1, n - 1))
        diff = b - a
        out.append(b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma)
    return out


def _ks(x: np.ndarray, cx: np.ndarray, y: np.ndarray, cy: np.ndarray) -> tuple[float, float]:
    """scipy's two-sided ks_2samp statistic and p-value from two count tables."""
    from scipy.stats import ks_2samp, kstwo  # lazily: ~0.5 s to import

    n1, n2 = int(cx.sum()), int(cy.sum())
    if max(n1, n2) <= KS_EXACT_N:
        result = ks_2samp(np.repeat(x, cx), np.repeat(y, cy))
        return float(result.statistic), float(result.pvalue)
    points = np.union1d(x, y)
    below_x = np.concatenate([[0], np.cumsum(cx)])[np.searchsorted(x, points, side="right")]
    below_y = np.concatenate([[0], np.cumsum(cy)])[np.searchsorted(y, points, side="right")]
    differences = below_x / n1 - below_y / n2
    d = max(float(np.clip(-differences.min(), 0, 1)), float(differences.max()))
    m, n = sorted([float(n1), float(n2)], reverse=True)
    p = np.clip(kstwo.sf(d, np.round(m * n / (m + n))), 0, 1)
    return d, float(p)
