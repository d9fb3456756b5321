"""Population drift beside the fairness gaps: who is decided on, their outcomes, their scores.

Each period is compared with its baseline period (the same rule as the changes):

- *Group composition*: the groups' shares of the decisions. A chi-square test of
  independence on the 2 × groups table of row counts (scipy's ``chi2_contingency``), and the
  *population stability index* PSI = Σ (share − baseline share) · ln(share / baseline share),
  with shares floored at 0.0001 so an empty group stays finite. A PSI below 0.1 is usually
  read as little shift, 0.1–0.25 as moderate, above 0.25 as large.
- *Base rate per group*: the share of known outcomes that are positive, and its change
  since the baseline with Newcombe's interval.
- *Score distribution per group*: count, mean, 10th percentile, median and 90th percentile;
  PSI over ten equal-width score bins (0–0.1, …, 0.9–1, the same bins for every period, so
  an engine can count them); the two-sample Kolmogorov–Smirnov statistic and p-value
  (scipy's ``ks_2samp``) on the scores themselves — computed from the count of rows per
  distinct score (:mod:`._scores`), so an engine can count them too.

Drift never raises an alert by itself: it explains a change in the gaps (or warns that the
population moved while the gaps did not). Its p-values are not adjusted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from fairness_core.metrics import newcombe_difference_interval

__all__ = ["PSI_FLOOR", "SCORE_BINS", "base_rate_drift", "composition_drift", "psi"]

#: Shares below this are raised to it before the PSI's logarithm.
PSI_FLOOR = 1e-4
#: Bin edges of the score PSI.
SCORE_BINS = np.linspace(0.0, 1.0, 11)


def psi(current: np.ndarray, baseline: np.ndarray) -> float:
    """Population stability index between two count (or share) vectors over the same bins."""
    a = np.asarray(current, dtype=np.float64)
    b = np.asarray(baseline, dtype=np.float64)
    if a.sum() <= 0 or b.sum() <= 0:
        return float("nan")
    pa = np.maximum(a / a.sum(), PSI_FLOOR)
    pb = np.maximum(b / b.sum(), PSI_FLOOR)
    return float(np.sum((pa - pb) * np.log(pa / pb)))


def composition_drift(
    n_rows: np.ndarray, periods: Sequence[str], anchors: Sequence[int | None]
) -> pd.DataFrame:
    """Per period: chi-square test and PSI of the group shares against the baseline period.

    ``n_rows`` is rows per period × group. Columns: period, baseline, chi2, dof, p_value, psi.
    """
    from scipy.stats import chi2_contingency  # lazily: ~0.5 s to import

    rows = []
    for t, b in enumerate(anchors):
        if b is None:
            continue
        table = np.vstack([n_rows[b], n_rows[t]]).astype(np.float64)
        table = table[:, table.sum(axis=0) > 0]
        if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
            chi2, dof, p = np.nan, 0, np.nan
        else:
            result = chi2_contingency(table, correction=False)
            chi2, dof, p = float(result[0]), int(result[2]), float(result[1])
        rows.append(
            {"period": periods[t], "baseline": periods[b], "chi2": chi2, "dof": dof,
             "p_value": p, "psi": psi(n_rows[t], n_rows[b])}
        )  # fmt: skip
    return pd.DataFrame(rows, columns=["period", "baseline", "chi2", "dof", "p_value", "psi"])


def base_rate_drift(
    positives: np.ndarray,
    n_known: np.ndarray,
    names: Sequence[str],
    periods: Sequence[str],
    anchors: Sequence[int | None],
    *,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Per period × group: base rate, its baseline, change and the change's interval.

    ``positives`` and ``n_known`` are (effective) positive outcomes and known outcomes per
    period × group. Columns: period, group, baseline, n_known, base_rate, baseline_base_rate,
    change, ci_low, ci_high.
    """
    rows = []
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n_known > 0, positives / n_known, np.nan)
    for t, b in enumerate(anchors):
        for g, name in enumerate(names):
            rows.append(
                {"period": periods[t], "group": name,
                 "baseline": None if b is None else periods[b],
                 "n_known": float(n_known[t, g]), "base_rate": rate[t, g],
                 "baseline_base_rate": np.nan if b is None else rate[b, g]}
            )  # fmt: skip
    table = pd.DataFrame(rows)
    table["change"] = table["base_rate"] - table["baseline_base_rate"]
    low = np.full(len(table), np.nan)
    high = np.full(len(table), np.nan)
    for i, (t, b) in enumerate((t, b) for t, b in enumerate(anchors) for _ in names):
        if b is None:
            continue
        g = i % len(names)
        lo, hi = newcombe_difference_interval(
            positives[t, g], n_known[t, g], positives[b, g], n_known[b, g], confidence=confidence
        )
        low[i], high[i] = lo[0], hi[0]
    table["ci_low"], table["ci_high"] = low, high
    return table
