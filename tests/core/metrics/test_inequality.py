"""Average odds difference and GE / Theil indices against per-row brute force and sklearn."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from sklearn.metrics import confusion_matrix

from fairness_core.data import ColumnRoles, GroupColumn, check_audit_data
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import (
    build_inequality_json,
    compute_inequality,
    generalized_entropy,
    inequality_to_dict,
)
from tests.strategies import Arrays, audit_arrays, make_arrays


def brute_ge(benefit: np.ndarray, alpha: float) -> float:
    """GE(α) straight from the definition over one value per person (AIF360's formula)."""
    mu = benefit.mean()
    ratio = benefit / mu
    if alpha == 1:
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.mean(np.where(ratio > 0, ratio * np.log(ratio), 0.0)))
    return float(np.mean(ratio**alpha - 1) / (alpha * (alpha - 1)))


def per_person(arrays: Arrays) -> pd.DataFrame:
    """One row per person (integer weights expanded into repeated people)."""
    frame = pd.DataFrame(
        {
            "group": [" · ".join(labels) for labels in arrays.labels()],
            "benefit": arrays.y_pred.astype(float) - arrays.y_true + 1,
        }
    )
    if arrays.sample_weight is not None:
        frame = frame.loc[frame.index.repeat(arrays.sample_weight.astype(int))]
    return frame.reset_index(drop=True)


@pytest.mark.parametrize("alpha", [0.5, 1.0, 2.0, 3.0])
@pytest.mark.parametrize("weights", ["none", "int"])
def test_indices_match_per_row_brute_force(alpha: float, weights: str) -> None:
    """Overall, between- and within-group GE equal the per-person computation."""
    arrays = make_arrays(11, n=3000, attributes=2, weights=weights)  # type: ignore[arg-type]
    result = generalized_entropy(arrays.counts(), alpha=alpha)
    people = per_person(arrays)
    b = people["benefit"].to_numpy()
    assert result.overall == pytest.approx(brute_ge(b, alpha), rel=1e-12)
    group_mean = people.groupby("group")["benefit"].transform("mean").to_numpy()
    assert result.between_groups == pytest.approx(brute_ge(group_mean, alpha), rel=1e-10)
    # Within: each group's own index, weighted by its population and benefit shares.
    within = 0.0
    for _, part in people.groupby("group"):
        share_people = len(part) / len(people)
        share_mean = part["benefit"].mean() / b.mean()
        if part["benefit"].mean() > 0:
            own = brute_ge(part["benefit"].to_numpy(), alpha)
            within += share_people * share_mean**alpha * own
    assert result.within_groups == pytest.approx(within, rel=1e-10)


def test_theil_and_ge_on_a_hand_example() -> None:
    """Benefits 1, 1, 2, 0 (tp, tn, fp, fn): mean 1, GE(2) = ¼ · mean(b² − 1) · 2 = 0.25."""
    arrays = Arrays(
        (GroupColumn("g", ("a",), np.zeros(4, dtype=np.int32)),),
        np.array([1, 0, 0, 1], dtype=np.int8),
        np.array([1, 0, 1, 0], dtype=np.int8),
    )
    report = compute_inequality(arrays.counts())
    assert report.generalized_entropy.overall == pytest.approx(np.mean([0, 0, 3, -1]) / 2)
    assert report.theil.overall == pytest.approx(2 * np.log(2) / 4)


@settings(max_examples=150, deadline=None)
@given(audit_arrays(max_rows=80))
def test_total_is_within_plus_between_and_never_negative(arrays: Arrays) -> None:
    """Shorrocks: overall = within + between, every part ≥ 0, for α = 2 and Theil."""
    for alpha in (2.0, 1.0, 0.5):
        index = generalized_entropy(arrays.counts(), alpha=alpha)
        if np.isnan(index.overall):  # everyone wrongly refused: no benefit at all
            assert not (arrays.y_pred.astype(int) - arrays.y_true + 1).any()
            continue
        assert index.overall == pytest.approx(index.within_groups + index.between_groups, abs=1e-12)
        assert index.overall >= -1e-15
        assert index.between_groups >= -1e-15
        assert index.within_groups >= -1e-15


def test_zero_when_every_benefit_is_equal() -> None:
    """All decisions right: every benefit is 1 and every index is 0."""
    arrays = make_arrays(2, n=500)
    arrays = Arrays(arrays.groups, arrays.y_true, arrays.y_true.copy())
    report = compute_inequality(arrays.counts())
    for index in (report.generalized_entropy, report.theil):
        assert index.overall == index.between_groups == index.within_groups == 0.0


def test_float_weights_equal_repeated_rows_scaled() -> None:
    """Weights act as people: doubling every weight changes nothing, 2 = a repeated row."""
    arrays = make_arrays(5, n=1500, attributes=2, weights="int")
    repeated = arrays.take(np.repeat(np.arange(arrays.n_rows), arrays.sample_weight.astype(int)))
    repeated = Arrays(repeated.groups, repeated.y_true, repeated.y_pred)
    halved = Arrays(arrays.groups, arrays.y_true, arrays.y_pred, arrays.sample_weight * 0.5)
    a, b, c = (compute_inequality(x.counts()) for x in (arrays, repeated, halved))
    for one, other in ((a, b), (a, c)):
        assert one.generalized_entropy.overall == pytest.approx(other.generalized_entropy.overall)
        assert one.theil.between_groups == pytest.approx(other.theil.between_groups)
        np.testing.assert_allclose(
            one.odds["average_odds_difference"], other.odds["average_odds_difference"]
        )


@pytest.mark.parametrize("weights", ["none", "float"])
def test_average_odds_difference_matches_sklearn_on_masked_groups(weights: str) -> None:
    """½[(FPR_g − FPR_ref) + (TPR_g − TPR_ref)] from sklearn's confusion matrices."""
    arrays = make_arrays(7, n=4000, attributes=2, weights=weights, every_cell=True)  # type: ignore[arg-type]
    report = compute_inequality(arrays.counts())
    names = np.array([" · ".join(labels) for labels in arrays.labels()])
    rates = {}
    for name in report.odds["group"]:
        mask = names == name
        w = None if arrays.sample_weight is None else arrays.sample_weight[mask]
        tn, fp, fn, tp = confusion_matrix(
            arrays.y_true[mask], arrays.y_pred[mask], labels=[0, 1], sample_weight=w
        ).ravel()
        rates[name] = (fp / (fp + tn), tp / (tp + fn))
    largest = pd.Series(names).value_counts().idxmax()
    assert report.reference == largest
    fpr_ref, tpr_ref = rates[largest]
    expected = [0.5 * ((f - fpr_ref) + (t - tpr_ref)) for f, t in rates.values()]
    np.testing.assert_allclose(report.odds["average_odds_difference"], expected, atol=1e-12)
    assert report.odds.loc[report.odds["is_reference"], "group"].tolist() == [largest]


def test_named_reference_and_undefined_rates() -> None:
    """A chosen reference is used; a group without actual negatives has no value (None)."""
    sex = np.array([0] * 6 + [1] * 4, dtype=np.int32)
    y_true = np.array([1, 0, 1, 0, 1, 0, 1, 1, 1, 1], dtype=np.int8)
    y_pred = np.array([1, 0, 0, 1, 1, 0, 1, 0, 1, 1], dtype=np.int8)
    arrays = Arrays((GroupColumn("sex", ("f", "m"), sex),), y_true, y_pred)
    report = compute_inequality(arrays.counts(), reference=("m",))
    assert report.reference == "m"
    assert np.isnan(report.odds["average_odds_difference"]).all()  # m has no negatives
    as_json = inequality_to_dict(report)
    json.dumps(as_json, allow_nan=False)
    assert as_json["average_odds_difference"][0]["average_odds_difference"] is None
    assert as_json["average_odds_difference"][0]["true_positive_rate"] == pytest.approx(2 / 3)


def test_bad_settings_say_what_to_do() -> None:
    """alpha ≤ 0, an unknown reference or attribute: plain messages with the fix."""
    counts = make_arrays(1, n=200).counts()
    with pytest.raises(InvalidInputError, match=r"alpha above 0.*Got 0"):
        compute_inequality(counts, alpha=0)
    with pytest.raises(InvalidInputError, match="must be 'largest' or the labels"):
        compute_inequality(counts, reference="best")  # type: ignore[arg-type]


def test_json_builder_from_audit_data() -> None:
    """From audit data: the same numbers as from the counts, calibration when scored."""
    arrays = make_arrays(3, n=900, attributes=1)
    frame = pd.DataFrame(
        {
            "y": arrays.y_true,
            "s": arrays.y_score,
            "sex": np.asarray(arrays.groups[0].labels, dtype=object)[arrays.groups[0].codes],
        }
    )
    audit = check_audit_data(frame, ColumnRoles(target="y", protected=("sex",), source="score",
                                                score="s"))  # fmt: skip
    built = build_inequality_json(audit, ["sex"])
    json.dumps(built, allow_nan=False)
    direct = inequality_to_dict(compute_inequality(audit, ["sex"]))
    assert {k: v for k, v in built.items() if k != "calibration"} == direct
    assert built["calibration"]["n_bins"] == 10
    with pytest.raises(InvalidInputError, match="'nope' is not a protected attribute"):
        compute_inequality(audit, ["nope"])
