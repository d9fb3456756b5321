"""Figures and sentences of the inequality, consistency and calibration-by-group views."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairness_core.data import AuditData, ColumnRoles, check_audit_data
from fairness_core.dataset_check import compute_consistency
from fairness_core.metrics import compute_calibration_by_group, compute_inequality
from fairness_core.plots import (
    describe_average_odds,
    describe_calibration_by_group,
    describe_consistency,
    describe_inequality,
    plot_average_odds,
    plot_calibration_by_group,
    plot_consistency,
    plot_inequality,
)


def scored_audit() -> AuditData:
    rng = np.random.default_rng(0)
    n = 1200
    sex = rng.choice(["female", "male"], n)
    score = rng.uniform(0, 1, n)
    y = (rng.random(n) < score).astype(int)
    score = np.where(sex == "female", np.clip(score + 0.2, 0, 1), score)
    frame = pd.DataFrame({"y": y, "s": score, "sex": sex, "income": rng.normal(0, 1, n)})
    roles = ColumnRoles(target="y", protected=("sex",), source="score", score="s",
                        features=("income",))  # fmt: skip
    return check_audit_data(frame, roles)


def test_inequality_figures_name_what_they_show() -> None:
    """Bars per group with the reference in the axis; stacked between/within parts."""
    report = compute_inequality(scored_audit(), ["sex"])
    odds = plot_average_odds(report)
    assert list(odds.data[0].x) == ["female", "male"]
    assert report.reference in odds.layout.yaxis.title.text
    stacked = plot_inequality(report)
    assert [t.name for t in stacked.data] == ["between groups", "within groups"]
    assert stacked.layout.barmode == "stack"
    total = sum(t.y[0] for t in stacked.data)
    assert abs(total - report.generalized_entropy.overall) < 1e-12
    assert f"{report.generalized_entropy.overall:.3f}" in describe_inequality(report)
    worst = report.odds[~report.odds["is_reference"]].iloc[0]
    assert f"{worst['average_odds_difference']:+.3f}" in describe_average_odds(report)


def test_calibration_figure_has_a_curve_and_intervals_per_group() -> None:
    """One trace per group plus the diagonal; error bars reach the Wilson bounds."""
    result = compute_calibration_by_group(scored_audit(), ["sex"])
    fig = plot_calibration_by_group(result)
    assert [t.name for t in fig.data] == ["female", "male", "perfectly calibrated"]
    part = result.bins[result.bins["group_index"] == 0]
    np.testing.assert_allclose(
        np.asarray(fig.data[0].y) + np.asarray(fig.data[0].error_y.array), part["ci_high"]
    )
    sentence = describe_calibration_by_group(result)
    assert f"{result.overall_ece:.3f}" in sentence
    assert "female" in sentence
    assert "overstate" in sentence


def test_consistency_figure_and_sentence() -> None:
    """Bars per group with everyone's value as a line; the sentence names the rows used."""
    result = compute_consistency(scored_audit(), ["sex"], max_rows=500)
    fig = plot_consistency(result)
    assert list(fig.data[0].x) == list(result.groups["group"])
    sentence = describe_consistency(result)
    assert f"{result.consistency:.3f}" in sentence
    assert "sample of 500 of 1,200 rows" in sentence
