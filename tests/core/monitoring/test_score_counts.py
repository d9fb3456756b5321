"""Score drift from counts of rows per distinct score equals numpy and scipy on the rows."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import ks_2samp

from fairness_core.monitoring import KS_EXACT_N, ScoreCounts, psi, score_drift_from_counts

BINS = np.linspace(0.0, 1.0, 11)


def rows(seed: int, sizes: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores per period × group of the given sizes: ties on a 1/1000 grid and float32 values."""
    rng = np.random.default_rng(seed)
    scores, periods, groups = [], [], []
    for t, row in enumerate(sizes):
        for g, size in enumerate(row):
            grid = rng.integers(0, 1001, size) / 1000
            free = rng.beta(2 + t, 3, size).astype(np.float32).astype(np.float64)
            scores.append(np.where(rng.random(size) < 0.4, grid, free))
            periods.append(np.full(size, t))
            groups.append(np.full(size, g))
    order = rng.permutation(sum(map(sum, sizes)))
    return tuple(np.concatenate(a)[order] for a in (scores, periods, groups))  # type: ignore[return-value]


def test_summary_and_drift_equal_numpy_and_scipy_on_the_rows() -> None:
    """Small cells (ks_2samp's exact p-value), large ones (its asymptotic one), an empty one."""
    sizes = [[40, 700, 12_000, 0], [55, 900, 15_000, 3], [61, 20, 11_000, 5]]
    scores, period, group = rows(7, sizes)
    names, periods, anchors = ["a", "b", "c", "d"], ["p1", "p2", "p3"], [None, 0, 1]
    summary, drift = score_drift_from_counts(
        ScoreCounts.from_rows(scores, period, group), names, periods, anchors
    )
    assert max(map(max, sizes)) > KS_EXACT_N
    for t, b in enumerate(anchors):
        for g in range(4):
            x = scores[(period == t) & (group == g)]
            got = summary[(summary["period"] == periods[t]) & (summary["group"] == names[g])]
            assert int(got["n"].iloc[0]) == len(x)
            if len(x) == 0:
                assert np.isnan(got["mean"].iloc[0])
                continue
            want = [x.mean(), *np.quantile(x, [0.1, 0.5, 0.9])]
            np.testing.assert_allclose(
                got[["mean", "p10", "median", "p90"]].to_numpy()[0], want, rtol=1e-12
            )
            if b is None:
                continue
            y = scores[(period == b) & (group == g)]
            found = drift[(drift["period"] == periods[t]) & (drift["group"] == names[g])]
            if len(y) == 0:
                assert np.isnan(found["ks_statistic"].iloc[0])
                continue
            ks = ks_2samp(x, y)
            expected_psi = psi(np.histogram(x, BINS)[0], np.histogram(y, BINS)[0])
            np.testing.assert_allclose(
                found[["psi", "ks_statistic", "ks_p_value"]].to_numpy()[0],
                [expected_psi, ks.statistic, ks.pvalue],
                rtol=1e-12,
            )


def test_quantiles_are_numpys_on_every_small_sample() -> None:
    """np.quantile's linear rule on 1 to 30 rows with ties, read off cumulative counts."""
    rng = np.random.default_rng(3)
    for size in range(1, 31):
        x = rng.integers(0, 6, size) / 5
        summary, _ = score_drift_from_counts(
            ScoreCounts.from_rows(x, np.zeros(size, int), np.zeros(size, int)), ["g"], ["p"], [None]
        )
        np.testing.assert_allclose(
            summary[["p10", "median", "p90"]].to_numpy()[0],
            np.quantile(x, [0.1, 0.5, 0.9]),
            rtol=1e-15,
        )


def test_aggregate_sums_repeated_entries_and_sorts() -> None:
    table = ScoreCounts.aggregate(
        np.array([1, 0, 1, 0]), np.array([0, 2, 0, 2]), np.array([0.5, 0.2, 0.5, 0.1]),
        np.array([3, 1, 4, 2]),
    )  # fmt: skip
    assert table.period.tolist() == [0, 0, 1]
    assert table.value.tolist() == [0.1, 0.2, 0.5]
    assert table.count.tolist() == [2, 1, 7]


@pytest.mark.parametrize("shift", [0.0, 0.05])
def test_asymptotic_branch_matches_ks_2samp_near_and_far(shift: float) -> None:
    """Two large samples (no drift, and a small shift): statistic and p-value as scipy's."""
    rng = np.random.default_rng(11)
    x = np.round(rng.random(KS_EXACT_N + 500), 4)
    y = np.round(np.clip(rng.random(KS_EXACT_N + 1700) + shift, 0, 1), 4)
    scores = np.concatenate([y, x])
    period = np.r_[np.zeros(len(y), int), np.ones(len(x), int)]
    _, drift = score_drift_from_counts(
        ScoreCounts.from_rows(scores, period, np.zeros(len(scores), int)), ["g"], ["a", "b"],
        [None, 0],
    )  # fmt: skip
    ks = ks_2samp(x, y)
    np.testing.assert_allclose(
        drift[["ks_statistic", "ks_p_value"]].to_numpy()[0], [ks.statistic, ks.pvalue], rtol=1e-12
    )
