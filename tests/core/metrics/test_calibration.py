"""Calibration by group against sklearn's calibration_curve, scipy's Wilson interval and a
hand-computed expected calibration error."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest
from sklearn.calibration import calibration_curve

from fairness_core.data import AuditData, ColumnRoles, check_audit_data
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import calibration_to_dict, compute_calibration_by_group


def audit(seed: int, *, n: int = 3000, weights: bool = False, edges: bool = False) -> AuditData:
    """Scored data for two attributes; the scores of women are shifted up (miscalibrated)."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["female", "male"], n, p=[0.3, 0.7])
    band = rng.choice(["young", "old", "tiny"], n, p=[0.5, 0.49, 0.01])
    truth_p = rng.beta(2, 2, n)
    y = (rng.random(n) < truth_p).astype(int)
    score = np.clip(truth_p + np.where(sex == "female", 0.15, 0.0), 0, 1)
    if edges:  # scores exactly on bin edges and at 0 and 1
        score[:40] = np.tile(np.linspace(0, 1, 11), 4)[:40]
    frame = pd.DataFrame({"y": y, "s": score, "sex": sex, "band": band})
    roles = ColumnRoles(target="y", protected=("sex", "band"), source="score", score="s")
    if weights:
        frame["w"] = rng.gamma(2.0, 1.0, n)
        roles = ColumnRoles(target="y", protected=("sex", "band"), source="score", score="s",
                            weight="w")  # fmt: skip
    return check_audit_data(frame, roles)


@pytest.mark.parametrize("edges", [False, True])
def test_bins_match_sklearn_calibration_curve_per_group(edges: bool) -> None:
    """Per group: observed rate and mean score per non-empty bin as calibration_curve."""
    data = audit(1, edges=edges)
    result = compute_calibration_by_group(data, ["sex", "band"])
    frame = data.frame
    names = frame["sex"].astype(str) + " · " + frame["band"].astype(str)
    assert set(result.names) == set(names)
    for g, name in enumerate(result.names):
        mask = (names == name).to_numpy()
        prob_true, prob_pred = calibration_curve(
            data.y_true[mask], data.y_score[mask], n_bins=10, strategy="uniform"
        )
        part = result.bins[result.bins["group_index"] == g]
        np.testing.assert_allclose(part["observed_rate"], prob_true, atol=1e-12)
        np.testing.assert_allclose(part["mean_score"], prob_pred, atol=1e-12)
        assert part["n"].sum() == mask.sum()


def test_wilson_intervals_match_scipy() -> None:
    """Each bin's interval is scipy's Wilson interval for (positives, rows)."""
    data = audit(2)
    result = compute_calibration_by_group(data, ["sex"])
    table = result.bins
    for row in table.itertuples():
        positives = round(row.observed_rate * row.n)
        ci = binomtest(positives, int(row.n)).proportion_ci(0.95, method="wilson")
        assert (row.ci_low, row.ci_high) == pytest.approx((ci.low, ci.high), abs=1e-9)


@pytest.mark.parametrize("weights", [False, True])
def test_ece_by_hand(weights: bool) -> None:
    """ECE = Σ_b (n_b / n) |mean score_b − observed rate_b|, per group and over everyone."""
    data = audit(3, weights=weights)
    result = compute_calibration_by_group(data, ["sex"])
    w = np.ones(data.n_rows) if data.sample_weight is None else data.sample_weight
    # Bins written independently: bin b holds scores in (b/10, (b+1)/10], bin 0 also 0.
    bins = np.maximum(np.ceil(np.round(data.y_score * 10, 12)) - 1, 0).astype(int)

    def ece(mask: np.ndarray) -> float:
        total = 0.0
        for b in range(10):
            m = mask & (bins == b)
            if w[m].sum() > 0:
                gap = np.average(data.y_score[m], weights=w[m]) - np.average(
                    data.y_true[m], weights=w[m]
                )
                total += w[m].sum() / w[mask].sum() * abs(gap)
        return total

    assert result.overall_ece == pytest.approx(ece(np.ones(data.n_rows, bool)), abs=1e-12)
    sex = data.frame["sex"].to_numpy()
    for row in result.groups.itertuples():
        mask = sex == row.group
        assert row.ece == pytest.approx(ece(mask), abs=1e-12)
        gap = np.average(data.y_score[mask], weights=w[mask]) - np.average(
            data.y_true[mask], weights=w[mask]
        )
        assert row.calibration_gap == pytest.approx(gap, abs=1e-12)
    female = result.groups.set_index("group").loc["female"]
    assert female["calibration_gap"] > 0.1  # the injected overstatement is found


def test_weighted_intervals_use_effective_n() -> None:
    """With unequal weights an interval is wider than with the same rows unweighted."""
    plain = compute_calibration_by_group(audit(4), ["sex"]).bins
    weighted = compute_calibration_by_group(audit(4, weights=True), ["sex"]).bins
    width = (weighted["ci_high"] - weighted["ci_low"]).to_numpy()
    plain_width = (plain["ci_high"] - plain["ci_low"]).to_numpy()
    assert len(width) == len(plain_width)
    assert np.median(width / plain_width) > 1.05


def test_json_is_plain_and_errors_are_plain() -> None:
    """JSON without NaN; no scores, bad bins or an unknown attribute are explained."""
    data = audit(5)
    as_json = calibration_to_dict(compute_calibration_by_group(data, ["band"], n_bins=5))
    json.dumps(as_json, allow_nan=False)
    assert as_json["n_bins"] == 5
    assert {g["group"] for g in as_json["groups"]} == {"young", "old", "tiny"}
    with pytest.raises(InvalidInputError, match="whole number of at least 1"):
        compute_calibration_by_group(data, ["band"], n_bins=0)
    with pytest.raises(InvalidInputError, match="Choose among those"):
        compute_calibration_by_group(data, ["zip"])
    frame = data.frame.assign(p=(data.y_score > 0.5).astype(int))
    decisions_only = check_audit_data(
        frame, ColumnRoles(target="y", protected=("sex",), prediction="p")
    )
    with pytest.raises(InvalidInputError, match="needs the model's scores"):
        compute_calibration_by_group(decisions_only, ["sex"])
