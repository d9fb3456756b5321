"""The coverage and false-alarm table of docs/statistics.md, computed exactly.

For a true rate p, a group of n people and a reference group of 1,000 people with the same
rate, every possible pair of event counts is enumerated (counts with probability below
1e-12 are dropped), so the coverage of each interval and the chance of a false "adverse
impact" verdict are exact, not estimated. Run ``python tests/core/metrics/coverage_table.py``
to print the table.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from fairness_core.metrics import (
    jeffreys_interval,
    newcombe_difference_interval,
    score_ratio_interval,
    two_proportion_p_values,
    wilson_interval,
)
from fairness_core.metrics._verdicts import beyond

RATES = (0.02, 0.1, 0.5)
SIZES = (10, 30, 100, 1000)
REFERENCE = 1000
MIN_N = 30
LINE = 0.8
ALPHA = 0.05


def support(n: int, p: float) -> tuple[np.ndarray, np.ndarray]:
    """Event counts with probability ≥ 1e-12, and their probabilities."""
    k = np.arange(n + 1)
    pmf = stats.binom.pmf(k, n, p)
    keep = pmf >= 1e-12
    return k[keep].astype(np.float64), pmf[keep]


def false_adverse_impact(x1: np.ndarray, n1: int, x2: np.ndarray, n2: int) -> np.ndarray:
    """Per pair of counts: does the report call adverse impact between the two groups?

    Mirrors :func:`compute_subgroup_report` with two groups, the default reference (the
    judged group with the higher selection rate), min_n 30, the four-fifths line and one
    comparison (so the adjusted p-value is the raw one); a test checks the mirror against
    the report itself.
    """
    if min(n1, n2) < MIN_N:
        return np.zeros(len(x1), dtype=bool)
    r1, r2 = x1 / n1, x2 / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.minimum(r1, r2) / np.maximum(r1, r2)
    past = np.array([np.isfinite(r) and beyond(r, LINE, "lower") for r in ratio])
    flagged = np.zeros(len(x1), dtype=bool)
    at = np.flatnonzero(past)  # only these can be adverse impact: test just them
    size1, size2 = np.full(len(at), float(n1)), np.full(len(at), float(n2))
    p, _ = two_proportion_p_values(x1[at], size1, x2[at], size2, exact=True)
    flagged[at] = p < ALPHA
    return flagged


def table(*, false_alarms: bool = True) -> list[dict[str, float]]:
    """One row per (rate, size): exact coverages and the false adverse-impact rate."""
    rows = []
    for p in RATES:
        for n in SIZES:
            k1, w1 = support(n, p)
            k2, w2 = support(REFERENCE, p)
            x1, x2 = (a.ravel() for a in np.meshgrid(k1, k2, indexing="ij"))
            weight = np.outer(w1, w2).ravel()
            n1, n2 = np.full(len(x1), float(n)), np.full(len(x2), float(REFERENCE))
            jl, jh = jeffreys_interval(k1, np.full(len(k1), float(n)))
            wl, wh = wilson_interval(k1, np.full(len(k1), float(n)))
            dl, dh = newcombe_difference_interval(x1, n1, x2, n2)
            rl, rh = score_ratio_interval(x1, n1, x2, n2)
            defined = ~np.isnan(rl)
            rows.append(
                {
                    "rate": p,
                    "size": n,
                    "zero_events": float(stats.binom.pmf(0, n, p)),
                    "rate_jeffreys": float(w1[(jl <= p) & (p <= jh)].sum() / w1.sum()),
                    "rate_wilson": float(w1[(wl <= p) & (p <= wh)].sum() / w1.sum()),
                    "difference": float(weight[(dl <= 0) & (dh >= 0)].sum() / weight.sum()),
                    "ratio": float(
                        weight[defined & (rl <= 1) & (rh >= 1)].sum() / weight[defined].sum()
                    ),
                    "false_adverse_impact": float(
                        weight[false_adverse_impact(x1, n, x2, REFERENCE)].sum() / weight.sum()
                    )
                    if false_alarms
                    else float("nan"),
                }
            )
    return rows


if __name__ == "__main__":
    print(
        "| true rate | people in the group | P(no events) | rate (Jeffreys) | rate (Wilson) "
        "| difference (Newcombe) | ratio (Miettinen–Nurminen) | false adverse impact |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in table():
        print(
            f"| {row['rate']:g} | {row['size']:,} | {row['zero_events']:.3f} "
            f"| {row['rate_jeffreys']:.4f} | {row['rate_wilson']:.4f} | {row['difference']:.4f} "
            f"| {row['ratio']:.4f} | {row['false_adverse_impact']:.4f} |"
        )
