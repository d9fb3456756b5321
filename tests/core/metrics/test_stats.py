"""Intervals, bootstrap, tests, multiple-comparison corrections and verdicts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from fairness_core.errors import InvalidInputError
from fairness_core.metrics._registry import metric_values, values_from_cells
from fairness_core.metrics._stats import (
    adjust_p_values,
    bootstrap_cells,
    bootstrap_p_values,
    effective_sample_size,
    group_intervals,
    percentile_interval,
    two_proportion_p_values,
    wilson_interval,
)
from tests.strategies import make_arrays


def test_wilson_interval_known_values() -> None:
    """3 of 6 (COMPAS, Native American FPR) → 0.19–0.81; 0 of 10 starts at 0."""
    low, high = wilson_interval(np.array([3, 0]), np.array([6, 10]))
    assert low[0] == pytest.approx(0.1876, abs=1e-4)
    assert high[0] == pytest.approx(0.8124, abs=1e-4)
    assert low[1] == 0.0
    assert high[1] == pytest.approx(0.2775, abs=1e-4)
    assert np.isnan(wilson_interval(np.array([0]), np.array([0]))[0]).all()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 500), st.integers(1, 500), st.floats(0.5, 0.999))
def test_wilson_interval_holds_the_estimate_inside_0_and_1(k, n, confidence) -> None:
    """The interval contains successes / n and lies in [0, 1]."""
    k = min(k, n)
    low, high = wilson_interval(np.array([k]), np.array([n]), confidence=confidence)
    assert 0 <= low[0] <= k / n <= high[0] <= 1


@pytest.mark.parametrize("p", [0.1, 0.3, 0.5])
def test_wilson_coverage_is_near_95_percent(p) -> None:
    """Over 2,000 simulated binomials (n = 60) the 95% interval covers p 92–98% of the time."""
    rng = np.random.default_rng(12)
    n = np.full(2000, 60)
    k = rng.binomial(n, p)
    low, high = wilson_interval(k, n)
    coverage = np.mean((low <= p) & (p <= high))
    assert 0.92 <= coverage <= 0.98


def test_weighted_wilson_uses_the_effective_sample_size() -> None:
    """Equal weights change nothing; unequal weights widen the interval (Kish n)."""
    assert effective_sample_size(np.array([10.0]), np.array([10.0]))[0] == 10
    assert effective_sample_size(np.array([20.0]), np.array([40.0]))[0] == 10
    equal = make_arrays(1, n=600, attributes=1)
    weights = np.where(np.arange(equal.n_rows) % 2 == 0, 0.2, 1.8)
    unequal = type(equal)(equal.groups, equal.y_true, equal.y_pred, weights)
    a = group_intervals(equal.counts(), "selection_rate")
    b = group_intervals(unequal.counts(), "selection_rate")
    assert ((b[1] - b[0]) > (a[1] - a[0])).all()


def test_bootstrap_shape_seed_and_centre() -> None:
    """(B, groups, 4) draws keep each group's n, repeat with the seed, centre on the rates."""
    counts = make_arrays(2, n=3000, attributes=2, weights="float").counts()
    draws = bootstrap_cells(counts, n_bootstrap=400, seed=5)
    assert draws.shape == (400, counts.n_groups, 4)
    assert (draws.sum(axis=2) == counts.n[None, :]).all()
    assert np.array_equal(draws, bootstrap_cells(counts, n_bootstrap=400, seed=5))
    assert not np.array_equal(draws, bootstrap_cells(counts, n_bootstrap=400, seed=6))
    mean_rate = values_from_cells("selection_rate", draws).mean(axis=0)
    big = counts.n > 300
    rate = metric_values(counts, "selection_rate")
    assert np.allclose(mean_rate[big], rate[big], atol=0.01)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_bootstrap_interval_contains_the_estimate(seed) -> None:
    """For groups with at least 50 rows in the denominator, the interval holds the value."""
    counts = make_arrays(seed, n=4000, attributes=2).counts()
    draws = bootstrap_cells(counts, n_bootstrap=500, seed=seed)
    for name in ("selection_rate", "true_positive_rate", "f1", "balanced_accuracy"):
        low, high = percentile_interval(values_from_cells(name, draws))
        value = metric_values(counts, name)
        big = counts.n >= 50
        assert ((low[big] <= value[big]) & (value[big] <= high[big])).all(), name


def test_percentile_interval_ignores_a_few_undefined_replicates() -> None:
    """Up to 5% undefined replicates are dropped; more make the interval undefined."""
    samples = np.arange(100, dtype=np.float64)[:, None].repeat(2, axis=1)
    samples[:4, 0] = np.nan
    samples[:10, 1] = np.inf
    low, high = percentile_interval(samples, confidence=0.9)
    assert low[0] == pytest.approx(np.quantile(np.arange(4, 100), 0.05))
    assert high[0] == pytest.approx(np.quantile(np.arange(4, 100), 0.95))
    assert np.isnan(low[1])
    assert np.isnan(high[1])


def test_two_proportion_tests() -> None:
    """Large tables use the z test (as scipy's chi-square without correction); small: Fisher."""
    p, test = two_proportion_p_values(
        np.array([300, 2]), np.array([1000, 6]), np.array([250, 10]), np.array([1000, 12])
    )
    chi2 = sps.chi2_contingency([[300, 700], [250, 750]], correction=False).pvalue
    assert p[0] == pytest.approx(chi2, rel=1e-9)
    assert p[1] == pytest.approx(sps.fisher_exact([[2, 4], [10, 2]]).pvalue)
    assert test.tolist() == ["z", "fisher"]
    empty = two_proportion_p_values(np.array([0]), np.array([0]), np.array([1]), np.array([2]))
    assert np.isnan(empty[0][0])
    assert empty[1][0] is None


def test_holm_and_benjamini_hochberg_known_values() -> None:
    """Holm: sorted p × (m − i), running max; BH: scipy's false_discovery_control."""
    p = np.array([0.01, 0.04, 0.03, 0.005, np.nan])
    holm = adjust_p_values(p, method="holm")
    assert np.allclose(holm[:4], [0.03, 0.06, 0.06, 0.02])
    assert np.isnan(holm[4])
    bh = adjust_p_values(p, method="benjamini-hochberg")
    assert np.allclose(bh[:4], [0.02, 0.04, 0.04, 0.02])
    assert np.array_equal(adjust_p_values(p, method="none"), p, equal_nan=True)
    with pytest.raises(InvalidInputError, match="must be 'holm', 'benjamini-hochberg' or 'none'"):
        adjust_p_values(p, method="bonferroni")  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=40))
def test_adjusted_p_values_are_larger_and_keep_the_order(values) -> None:
    """Adjusted p ≥ raw p, ≤ 1, monotone in the raw p; BH never exceeds Holm."""
    p = np.array(values)
    holm = adjust_p_values(p, method="holm")
    bh = adjust_p_values(p, method="benjamini-hochberg")
    order = np.argsort(p, kind="stable")
    for adjusted in (holm, bh):
        assert (adjusted >= p - 1e-15).all()
        assert (adjusted <= 1).all()
        assert (np.diff(adjusted[order]) >= -1e-15).all()
    assert (bh <= holm + 1e-12).all()


def test_bootstrap_p_value_reflects_the_replicates() -> None:
    """All replicates on one side → small p; centred on 0 → large p; p never exceeds 1."""
    rng = np.random.default_rng(0)
    far = rng.normal(1.0, 0.1, size=(1000, 1))
    near = rng.normal(0.0, 0.1, size=(1000, 1))
    assert bootstrap_p_values(far)[0] < 0.01
    assert bootstrap_p_values(near)[0] > 0.5
    assert bootstrap_p_values(np.zeros((10, 1)))[0] == 1.0
