"""Counterfactual search: nearest existing row and minimal change, against brute force."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from fairness_core.data import ColumnRoles, check_audit_data
from fairness_core.errors import InvalidInputError
from fairness_core.models import ModelPolicy, load_model
from fairness_core.whatif import (
    ModelScorer,
    compute_distances,
    compute_feature_specs,
    find_minimal_change,
    find_nearest_counterfactuals,
)


def small_data(seed: int, n: int = 60) -> pd.DataFrame:
    """Two numbers, a category, a group, and an outcome driven by the numbers."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "a": rng.normal(0, 1, n).round(2),
            "b": rng.uniform(0, 10, n).round(1),
            "colour": rng.choice(["red", "green", "blue"], n),
            "group": rng.choice(["x", "y"], n),
        }
    )
    logit = 2.0 * frame["a"] + 0.3 * (frame["b"] - 5) + (frame["colour"] == "red") * 0.8
    frame["y"] = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    frame.loc[frame.index[:3], "b"] = np.nan  # a few blanks to exercise missing values
    return frame


def model_for(frame: pd.DataFrame, features: list[str]):
    """A logistic pipeline fitted on ``frame``, loaded as the app loads a model."""
    encode = ColumnTransformer(
        [("cat", OneHotEncoder(handle_unknown="ignore"), ["colour"])], remainder="passthrough"
    )
    pipeline = make_pipeline(encode, LogisticRegression())
    train = frame[features].fillna({"b": 5.0})
    pipeline.fit(train, frame["y"])
    data = pickle.dumps(_FillB(pipeline))
    return load_model(data, filename="model.pkl", policy=ModelPolicy(allow_pickle=True))


class _FillB:
    """Wraps the pipeline so blanks in b read as 5 (a stand-in for an imputer)."""

    def __init__(self, pipeline) -> None:
        self.pipeline = pipeline
        self.classes_ = pipeline.classes_
        self.feature_names_in_ = pipeline.feature_names_in_

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return self.pipeline.predict_proba(frame.fillna({"b": 5.0}))


def gower_by_hand(frame: pd.DataFrame, i: int, j: int, features: list[str]) -> float:
    """The distance of the module docstring, one pair at a time in plain Python."""
    total = 0.0
    for name in features:
        x, y = frame[name].iloc[i], frame[name].iloc[j]
        if pd.api.types.is_numeric_dtype(frame[name]):
            span = frame[name].max() - frame[name].min()
            if pd.isna(x) or pd.isna(y):
                total += 0.0 if (pd.isna(x) and pd.isna(y)) else 1.0
            else:
                total += abs(x - y) / span
        else:
            total += 0.0 if x == y else 1.0
    return total


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("scope", ["any", "same", "other"])
def test_nearest_counterfactual_is_the_closest_opposite_decision(seed: int, scope: str) -> None:
    """Brute force over every pair: the result has the opposite decision and the least distance."""
    frame = small_data(seed)
    features = ["a", "b", "colour"]
    model = model_for(frame, features)
    decisions = (model.score(frame[features], positive_label=1) >= 0.5).astype(int)
    groups = (frame["group"] == "y").to_numpy().astype(int)
    specs = compute_feature_specs(frame, features)
    for row in (0, 5, 17):
        result = find_nearest_counterfactuals(
            frame, specs, decisions, row, groups=groups, group_labels=("x", "y"), scope=scope
        )
        eligible = [
            j
            for j in range(len(frame))
            if decisions[j] != decisions[row]
            and (scope == "any" or (scope == "same") == (groups[j] == groups[row]))
        ]
        if not eligible:
            assert not result.found
            assert "No row" in result.message
            continue
        best = min(gower_by_hand(frame, row, j, features) for j in eligible)
        assert result.found
        assert result.distance == pytest.approx(best)
        assert decisions[result.nearest] != decisions[row]
        assert result.nearest in eligible
        distances = result.candidates["distance"].to_numpy()
        assert np.all(np.diff(distances) >= 0)
        for _, candidate in result.candidates.iterrows():
            by_hand = gower_by_hand(frame, row, int(candidate["row"]), features)
            assert candidate["distance"] == pytest.approx(by_hand)


def test_distances_match_the_pairwise_definition() -> None:
    """compute_distances equals the hand-written distance for every row, blanks included."""
    frame = small_data(4)
    features = ["a", "b", "colour"]
    specs = compute_feature_specs(frame, features)
    for row in (0, 10):  # row 0 has a blank b
        got = compute_distances(frame, frame.iloc[[row]], specs)
        expected = [gower_by_hand(frame, row, j, features) for j in range(len(frame))]
        assert got == pytest.approx(expected)
        assert got[row] == 0


def test_nearest_counterfactual_reports_when_no_row_qualifies() -> None:
    """All decisions equal: nothing found, with a message that says what to try."""
    frame = small_data(0)
    specs = compute_feature_specs(frame, ["a", "b"])
    result = find_nearest_counterfactuals(frame, specs, np.ones(len(frame), int), 0)
    assert not result.found
    assert result.nearest is None
    assert math.isnan(result.distance)
    assert "minimal-change" in result.message
    with pytest.raises(InvalidInputError, match="needs a protected attribute"):
        find_nearest_counterfactuals(frame, specs, np.ones(len(frame), int), 0, scope="same")


@pytest.fixture(scope="module")
def linear_case():
    """A plain logistic regression on two numbers and a third it weighs little."""
    rng = np.random.default_rng(7)
    n = 400
    frame = pd.DataFrame(
        {
            "a": rng.normal(0, 1, n),
            "b": rng.normal(0, 1, n),
            "c": rng.normal(0, 1, n),
            "group": rng.choice(["x", "y"], n),
        }
    )
    frame["y"] = (2 * frame["a"] + frame["b"] + rng.normal(0, 0.5, n) > 0).astype(int)
    estimator = LogisticRegression().fit(frame[["a", "b", "c"]], frame["y"])
    model = load_model(
        pickle.dumps(estimator), filename="lr.pkl", policy=ModelPolicy(allow_pickle=True)
    )
    roles = ColumnRoles(
        target="y", protected=("group",), positive_label=1, source="model", features=("a", "b", "c")
    )
    audit = check_audit_data(frame, roles, model=model)
    scorer = ModelScorer.from_audit(model, audit)
    return frame, estimator, scorer, compute_feature_specs(frame, ["a", "b", "c"])


def test_minimal_change_of_one_number_reaches_the_exact_boundary(linear_case) -> None:
    """One changeable number: the result sits on the model's decision boundary, solved by hand."""
    frame, estimator, scorer, specs = linear_case
    w, b = estimator.coef_[0], estimator.intercept_[0]
    scores = scorer.score(frame)
    row = int(np.argmin(np.abs(scores - 0.3)))  # rejected, close enough to flip via a
    x = frame.iloc[row]
    boundary = -(b + w[1] * x["b"] + w[2] * x["c"]) / w[0]
    assert frame["a"].min() <= boundary <= frame["a"].max()
    result = find_minimal_change(scorer, frame.iloc[[row]], specs, ["a"])
    assert result.found
    assert result.decision_before == 0
    assert result.decision_after == 1
    new = result.changes.set_index("feature").loc["a", "new"]
    span = frame["a"].max() - frame["a"].min()
    assert new >= boundary - 1e-9
    assert new - boundary < span / 1000
    assert result.cost == pytest.approx(abs(new - x["a"]) / span)


def test_minimal_change_respects_immutables_and_flips(linear_case) -> None:
    """Only changeable features move, within observed ranges, and the model agrees it flips."""
    frame, _, scorer, specs = linear_case
    scores = scorer.score(frame)
    for row in np.flatnonzero((scores > 0.1) & (scores < 0.9))[:5]:
        original = frame.iloc[[row]]
        result = find_minimal_change(scorer, original, specs, ["b", "c"])
        assert result.found
        counterfactual = result.counterfactual
        assert counterfactual["a"].iloc[0] == original["a"].iloc[0]
        assert counterfactual["group"].iloc[0] == original["group"].iloc[0]
        for name in ("b", "c"):
            assert frame[name].min() <= counterfactual[name].iloc[0] <= frame[name].max()
        after = scorer.decide(scorer.model.score(counterfactual[["a", "b", "c"]], positive_label=1))
        assert after[0] == 1 - result.decision_before
        # No single-feature change on a fine grid is cheaper (beyond the search's precision).
        best = math.inf
        for spec in specs:
            if spec.name not in ("b", "c"):
                continue
            grid = np.linspace(spec.minimum, spec.maximum, 401)
            trial = pd.concat([original] * len(grid), ignore_index=True)
            trial[spec.name] = grid
            flips = scorer.decide(scorer.score(trial)) != result.decision_before
            costs = np.abs(grid - original[spec.name].iloc[0]) / spec.span
            if flips.any():
                best = min(best, costs[flips].min())
        assert result.cost <= best + 1e-3


def test_minimal_change_reports_none_found_when_impossible(linear_case) -> None:
    """Only the feature the model barely weighs may change: brute force agrees nothing flips."""
    frame, _, scorer, specs = linear_case
    scores = scorer.score(frame)
    row = int(np.argmin(scores))
    spec = next(s for s in specs if s.name == "c")
    trial = pd.concat([frame.iloc[[row]]] * 1001, ignore_index=True)
    trial["c"] = np.linspace(spec.minimum, spec.maximum, 1001)
    assert (scorer.decide(scorer.score(trial)) == 0).all()  # truly impossible
    result = find_minimal_change(scorer, frame.iloc[[row]], specs, ["c"])
    assert not result.found
    assert result.counterfactual is None
    assert math.isnan(result.cost)
    assert result.message.startswith("No change to c within their observed ranges")
    assert "Mark more features as changeable" in result.message
    rushed = find_minimal_change(scorer, frame.iloc[[row]], specs, ["a", "b", "c"], time_limit=1e-9)
    assert rushed.timed_out
    assert not rushed.found
    assert "seconds allowed" in rushed.message


def test_minimal_change_with_categories_and_blanks() -> None:
    """A pipeline with a category and blank numbers: the result flips and keeps immutables."""
    frame = small_data(3, n=120)
    features = ["a", "b", "colour"]
    model = model_for(frame, features)
    roles = ColumnRoles(
        target="y", protected=("group",), positive_label=1, source="model", features=tuple(features)
    )
    audit = check_audit_data(frame, roles, model=model)
    scorer = ModelScorer.from_audit(model, audit)
    specs = compute_feature_specs(frame, features)
    row = 0  # b is blank here
    result = find_minimal_change(scorer, frame.iloc[[row]], specs, ["b", "colour"])
    if result.found:
        after = model.score(result.counterfactual[features], positive_label=1)
        assert int(after[0] >= 0.5) == 1 - result.decision_before
        assert result.counterfactual["a"].iloc[0] == frame["a"].iloc[0]
    else:  # then brute force over colours × a fine b grid finds nothing either
        grid = [(c, b) for c in ("red", "green", "blue") for b in np.linspace(0, 10, 101)]
        trial = pd.concat([frame.iloc[[row]]] * len(grid), ignore_index=True)
        trial["colour"] = [g[0] for g in grid]
        trial["b"] = [g[1] for g in grid]
        assert (scorer.decide(scorer.score(trial)) == result.decision_before).all()
    with pytest.raises(InvalidInputError, match="'group' is not one"):
        find_minimal_change(scorer, frame.iloc[[row]], specs, ["group"])
