"""Consistency (Zemel et al. 2013, as AIF360) against a brute-force distance matrix."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from fairness_core.data import AuditData, ColumnRoles, check_audit_data
from fairness_core.dataset_check import (
    build_consistency_json,
    compute_consistency,
    consistency_to_dict,
)
from fairness_core.errors import InvalidInputError


def audit(seed: int, *, n: int = 600, weights: bool = False, features: bool = True) -> AuditData:
    """Two numeric features and one text feature; decisions follow income with noise."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "income": rng.normal(50, 15, n),
            "age": rng.uniform(18, 80, n),
            "city": rng.choice(["north", "south", "east"], n),
            "sex": rng.choice(["female", "male"], n, p=[0.2, 0.8]),
            "y": rng.integers(0, 2, n),
        }
    )
    frame["p"] = ((frame["income"] + rng.normal(0, 10, n)) > 50).astype(int)
    if weights:
        frame["w"] = rng.gamma(2.0, 1.0, n)
    roles = ColumnRoles(
        target="y",
        protected=("sex",),
        prediction="p",
        features=("income", "age", "city", "sex") if features else (),
        weight="w" if weights else None,
    )
    return check_audit_data(frame, roles)


def brute_force(frame: pd.DataFrame, decision: np.ndarray, k: int = 5) -> np.ndarray:
    """Per row: 1 − |ŷ − mean ŷ of the k nearest rows (itself included)| by a full matrix."""
    encoder = ColumnTransformer(
        [("num", StandardScaler(), ["income", "age"]), ("cat", OneHotEncoder(), ["city"])]
    )
    x = encoder.fit_transform(frame)
    distance = cdist(x, x)
    nearest = np.argsort(distance, axis=1, kind="stable")[:, :k]
    return 1 - np.abs(decision - decision[nearest].mean(axis=1))


@pytest.mark.parametrize("weights", [False, True])
def test_consistency_matches_brute_force(weights: bool) -> None:
    """Every row's value and the (weighted) mean equal the distance-matrix computation."""
    data = audit(1, weights=weights)
    result = compute_consistency(data, ["sex"])
    assert result.features == ("income", "age", "city")  # the protected attribute is left out
    assert not result.sampled
    per_row = brute_force(data.frame, data.y_pred.astype(float))
    np.testing.assert_allclose(result.row_consistency, per_row, atol=1e-12)
    w = np.ones(data.n_rows) if data.sample_weight is None else data.sample_weight
    assert result.consistency == pytest.approx(np.average(per_row, weights=w), abs=1e-12)
    sex = data.frame["sex"].to_numpy()
    for row in result.groups.itertuples():
        mask = sex == row.group
        assert row.n == mask.sum()
        expected = np.average(per_row[mask], weights=w[mask])
        assert row.consistency == pytest.approx(expected, abs=1e-12)


def test_identical_decisions_are_perfectly_consistent() -> None:
    """Everyone decided alike: consistency 1."""
    data = audit(2)
    same = check_audit_data(data.frame.assign(p=1), data.roles)
    assert compute_consistency(same).consistency == 1.0


def test_large_data_uses_a_stratified_sample_of_at_most_max_rows() -> None:
    """Beyond max_rows: at most that many rows, each group's share kept, brute force holds."""
    data = audit(3, n=2000)
    result = compute_consistency(data, ["sex"], max_rows=301)
    assert result.sampled
    assert result.n_rows_used == 301
    assert result.n_rows_total == 2000
    sex = data.frame["sex"].to_numpy()
    used = sex[result.rows]
    for group in ("female", "male"):
        share = (sex == group).mean() * 301
        assert abs((used == group).sum() - share) < 1
    sample = data.frame.iloc[result.rows]
    expected = brute_force(sample, data.y_pred[result.rows].astype(float))
    np.testing.assert_allclose(result.row_consistency, expected, atol=1e-12)
    again = compute_consistency(data, ["sex"], max_rows=301)
    np.testing.assert_array_equal(again.rows, result.rows)  # seeded


def test_json_and_errors() -> None:
    """JSON is plain; no features gives None from the builder and a plain error."""
    data = audit(4)
    as_json = consistency_to_dict(compute_consistency(data, ["sex"]))
    json.dumps(as_json, allow_nan=False)
    assert as_json["rows_used"] == 600
    assert as_json["n_neighbors"] == 5
    no_features = audit(4, features=False)
    assert build_consistency_json(no_features, ["sex"]) is None
    with pytest.raises(InvalidInputError, match="no feature columns are marked"):
        compute_consistency(no_features)
    with pytest.raises(InvalidInputError, match="at least 1"):
        compute_consistency(data, n_neighbors=0)


def test_awkward_features_do_not_break_it() -> None:
    """An all-missing number, an infinite value and an identifier-like text column."""
    data = audit(5, n=300)
    frame = data.frame.assign(
        empty=np.nan,
        income=data.frame["income"].where(data.frame.index != 3, np.inf),
        code=[f"id-{i}" for i in range(300)],
    )
    roles = replace(data.roles, features=("income", "empty", "code"))
    result = compute_consistency(check_audit_data(frame, roles))
    assert 0 <= result.consistency <= 1
    assert result.features == ("income", "empty", "code")
