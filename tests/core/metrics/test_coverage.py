"""Intervals and verdicts against their promise: coverage and false-alarm rates.

The design is the one in docs/statistics.md: true rates {0.02, 0.1, 0.5} × group sizes
{10, 30, 100, 1,000} against a reference of 1,000 people with the same rate. Coverage is
computed exactly (every pair of event counts enumerated, zero events included); false
"adverse impact" verdicts are counted on a seeded simulation and, for a sample of draws,
checked against the subgroup report itself.
"""

from __future__ import annotations

import numpy as np
import pytest
from coverage_table import (
    RATES,
    REFERENCE,
    SIZES,
    false_adverse_impact,
    table,
)

from fairness_core.data import GroupColumn
from fairness_core.metrics import compute_group_counts, compute_subgroup_report

pytestmark = pytest.mark.slow
DRAWS = 5000


@pytest.fixture(scope="module")
def exact_rows() -> list[dict[str, float]]:
    return table(false_alarms=False)


def test_every_interval_covers_at_least_93_percent(exact_rows) -> None:
    """Rates, differences and ratios keep ≥ 93% coverage at every design point."""
    assert len(exact_rows) == len(RATES) * len(SIZES)
    for row in exact_rows:
        where = f"rate {row['rate']}, {row['size']} people"
        assert row["rate_jeffreys"] >= 0.93, where
        assert row["difference"] >= 0.93, where
        assert row["ratio"] >= 0.93, where


def test_the_design_includes_groups_with_no_events(exact_rows) -> None:
    """The small, rare cells are mostly zero-event draws, and they are still covered."""
    rare = [r for r in exact_rows if r["rate"] == 0.02 and r["size"] <= 30]
    assert all(r["zero_events"] > 0.5 for r in rare)


def _simulate(rate: float, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (
        rng.binomial(size, rate, DRAWS).astype(np.float64),
        rng.binomial(REFERENCE, rate, DRAWS).astype(np.float64),
    )


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("size", SIZES)
def test_equal_true_rates_rarely_give_adverse_impact(rate, size) -> None:
    """With equal true rates, "adverse impact" is a false alarm in at most 5% of draws."""
    group, reference = _simulate(rate, size, seed=int(rate * 1000) + size)
    flagged = false_adverse_impact(group, size, reference, REFERENCE)
    assert flagged.mean() <= 0.05


def _two_group_report(group_events: int, size: int, reference_events: int):
    codes = np.r_[np.zeros(size), np.ones(REFERENCE)].astype(np.int32)
    decisions = np.r_[
        np.arange(size) < group_events, np.arange(REFERENCE) < reference_events
    ].astype(np.int8)
    truth = (np.arange(size + REFERENCE) % 2).astype(np.int8)
    counts = compute_group_counts([GroupColumn("g", ("a", "b"), codes)], truth, decisions)
    return compute_subgroup_report(counts, metrics=["selection_rate"], n_bootstrap=0)


def test_the_simulation_uses_the_reports_own_verdicts() -> None:
    """The vectorized verdicts of the simulation equal the report's on sampled draws."""
    rng = np.random.default_rng(7)
    checked = 0
    for rate, size in [(0.1, 100), (0.5, 30), (0.02, 1000), (0.1, 1000)]:
        group, reference = _simulate(rate, size, seed=size)
        flagged = false_adverse_impact(group, size, reference, REFERENCE)
        picks = np.r_[np.flatnonzero(flagged)[:4], rng.choice(DRAWS, 4, replace=False)]
        for i in picks:
            report = _two_group_report(int(group[i]), size, int(reference[i]))
            ratio = report.disparities.query("kind == 'ratio'")
            assert (ratio["verdict"] == "adverse impact").any() == flagged[i]
            checked += 1
    assert checked >= 24
