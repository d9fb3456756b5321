"""Rate, difference and ratio intervals against statsmodels, and against their promise."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from fairness_core.metrics import (
    jeffreys_interval,
    newcombe_difference_interval,
    score_ratio_interval,
)

COUNTS = [
    (0, 30, 20, 1000),
    (3, 30, 20, 1000),
    (5, 10, 1, 10),
    (7, 44, 130, 300),
    (1, 1000, 3, 1000),
    (412, 1000, 560, 1000),
    (0.5, 3.2, 20.1, 990.3),  # effective (fractional) counts from weights
]


def _statsmodels(s1, n1, s2, n2, method, compare):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels warns on its own root finding
        return confint_proportions_2indep(s1, n1, s2, n2, method=method, compare=compare)


@pytest.mark.parametrize(("s1", "n1", "s2", "n2"), COUNTS)
def test_difference_interval_is_newcombes_hybrid_score(s1, n1, s2, n2) -> None:
    """Newcombe's method 10 equals statsmodels' 'newcomb' to 1e-12, zero events included."""
    low, high = newcombe_difference_interval(s1, n1, s2, n2)
    expected = _statsmodels(s1, n1, s2, n2, "newcomb", "diff")
    assert low[0] == pytest.approx(expected[0], abs=1e-12)
    assert high[0] == pytest.approx(expected[1], abs=1e-12)


@pytest.mark.parametrize(("s1", "n1", "s2", "n2"), COUNTS)
def test_ratio_interval_is_the_miettinen_nurminen_score_interval(s1, n1, s2, n2) -> None:
    """Same bounds as statsmodels' 'score' method; zero events give 0 and a finite top."""
    low, high = score_ratio_interval(s1, n1, s2, n2)
    expected = _statsmodels(s1, n1, s2, n2, "score", "ratio")
    if s1 == 0:
        assert low[0] == 0
    else:
        assert low[0] == pytest.approx(expected[0], rel=1e-9)
    assert high[0] == pytest.approx(expected[1], rel=1e-9)
    assert np.isfinite(high[0])
    assert low[0] <= (s1 / n1) / (s2 / n2) <= high[0]


def test_ratio_interval_inverts_the_score_test_where_statsmodels_root_finding_stops() -> None:
    """With a rate of 1 statsmodels' bound is off; ours is where the score test has p = 0.05."""
    low, high = score_ratio_interval(30, 30, 500, 1000)
    for bound in (low[0], high[0]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = sm_proportion.test_proportions_2indep(
                30, 30, 500, 1000, value=bound, compare="ratio", method="score"
            )
        assert result.pvalue == pytest.approx(0.05, abs=1e-6)


def test_ratio_interval_edges() -> None:
    """No events in the reference: no upper limit; none anywhere: undefined."""
    low, high = score_ratio_interval([3, 0, 2], [100, 100, 0], [0, 0, 5], [100, 100, 50])
    assert low[0] > 0
    assert np.isinf(high[0])
    assert np.isnan(low[1:]).all()
    assert np.isnan(high[1:]).all()


@pytest.mark.parametrize(("k", "n"), [(1, 10), (3, 6), (17, 40), (412, 1000), (2.4, 7.9)])
def test_jeffreys_interval_matches_statsmodels_inside(k, n) -> None:
    """Beta(k + ½, n − k + ½) quantiles, as statsmodels' 'jeffreys'."""
    low, high = jeffreys_interval(np.array([k]), np.array([n]))
    expected = proportion_confint(k, n, method="jeffreys")
    assert low[0] == pytest.approx(expected[0], abs=1e-12)
    assert high[0] == pytest.approx(expected[1], abs=1e-12)


def test_jeffreys_interval_at_zero_and_all_events() -> None:
    """0 of 30 runs from 0 to a finite top; 30 of 30 from a bottom below 1 to 1."""
    low, high = jeffreys_interval(np.array([0, 30, 0]), np.array([30, 30, 0]))
    assert low[0] == 0
    assert high[0] == pytest.approx(stats.beta.ppf(0.975, 0.5, 30.5))
    assert 0.9 < low[1] < 1
    assert high[1] == 1
    assert np.isnan(low[2])
    assert np.isnan(high[2])
