"""Group counts and metrics: oracle tests against fairlearn and sklearn, properties, edges."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equal_opportunity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from fairness_core.data import MISSING_GROUP, GroupColumn, encode_groups
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import METRICS, compute_group_counts
from fairness_core.metrics._registry import (
    between_groups,
    compute_disparities,
    compute_group_metrics,
    find_reference,
    metric_denominators,
    metric_values,
)
from fairness_core.metrics._summaries import SUMMARIES, compute_summaries
from tests.strategies import Arrays, audit_arrays, make_arrays

TOL = 1e-12
CASES = [
    (0, 2, "none"),
    (1, 3, "none"),
    (2, 2, "int"),
    (3, 3, "int"),
    (4, 3, "float"),
    (5, 2, "float"),
]
FAIRLEARN_RATES = {
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "true_negative_rate": true_negative_rate,
}


def _sklearn_metrics(y, p, s, w):
    """Per-metric oracle on one masked subgroup: None where the metric is undefined."""
    pos, neg = int((y == 1).sum()), int((y == 0).sum())
    both = pos > 0 and neg > 0
    nan = np.nan
    out = {
        "accuracy": skm.accuracy_score(y, p, sample_weight=w),
        "precision": skm.precision_score(y, p, sample_weight=w, zero_division=nan),
        "negative_predictive_value": skm.precision_score(
            y, p, pos_label=0, sample_weight=w, zero_division=nan
        ),
        "f1": skm.f1_score(y, p, sample_weight=w, zero_division=nan),
        "base_rate": np.average(y, weights=w),
        "balanced_accuracy": skm.balanced_accuracy_score(y, p, sample_weight=w) if both else nan,
    }
    out["false_discovery_rate"] = 1 - out["precision"]
    out["false_omission_rate"] = 1 - out["negative_predictive_value"]
    if s is not None:
        out["roc_auc"] = skm.roc_auc_score(y, s, sample_weight=w) if both else nan
        out["brier_score"] = skm.brier_score_loss(y, s, sample_weight=w, pos_label=1)
        out["log_loss"] = skm.log_loss(y, s, sample_weight=w, labels=[0, 1])
        out["mean_score"] = np.average(s, weights=w)
    return out


def _frame(arrays: Arrays) -> pd.DataFrame:
    return pd.DataFrame(
        {g.name: np.asarray(g.labels, dtype=object)[g.codes] for g in arrays.groups}
    )


@pytest.mark.parametrize(("seed", "attributes", "weights"), CASES)
def test_every_metric_matches_fairlearn_and_sklearn_per_group(seed, attributes, weights) -> None:
    """Each group's value equals fairlearn's MetricFrame or sklearn on the masked rows."""
    arrays = make_arrays(seed, n=1500, attributes=attributes, weights=weights)
    counts = arrays.counts()
    w = arrays.sample_weight
    frame = MetricFrame(
        metrics={**FAIRLEARN_RATES, "count": lambda y, p: len(y)},
        y_true=arrays.y_true,
        y_pred=arrays.y_pred,
        sensitive_features=_frame(arrays),
        sample_params={name: {"sample_weight": w} for name in FAIRLEARN_RATES},
    )
    by_group = frame.by_group.dropna(how="all")  # fairlearn lists empty intersections too
    assert len(by_group) == counts.n_groups
    assert (counts.n < 10).any(), "the data should include tiny intersections"
    row_labels = np.array([" · ".join(t) for t in arrays.labels()], dtype=object)
    total_weight = w.sum() if w is not None else arrays.n_rows
    ours = {name: metric_values(counts, name) for name in METRICS}
    for i, labels in enumerate(counts.labels):
        key = labels if len(labels) > 1 else labels[0]
        mask = row_labels == counts.names[i]
        wg = None if w is None else w[mask]
        y, p, s = arrays.y_true[mask], arrays.y_pred[mask], arrays.y_score[mask]
        expected = _sklearn_metrics(y, p, s, wg)
        expected["share"] = (len(y) if wg is None else wg.sum()) / total_weight
        for name in FAIRLEARN_RATES:
            defined = metric_denominators(counts, name)[i] > 0
            expected[name] = by_group.loc[key, name] if defined else np.nan
        for name, value in expected.items():
            assert ours[name][i] == pytest.approx(value, abs=TOL, nan_ok=True), (name, labels)
    assert set(expected) == set(METRICS) - {"count"}
    keys = [t if len(t) > 1 else t[0] for t in counts.labels]
    assert metric_values(counts, "count").tolist() == by_group.loc[keys, "count"].tolist()


@pytest.mark.parametrize(("seed", "attributes", "weights"), CASES)
def test_between_groups_and_named_summaries_match_fairlearn(seed, attributes, weights) -> None:
    """max−min, min/max and fairlearn's named disparity metrics agree to 1e-12."""
    arrays = make_arrays(seed, n=1500, attributes=attributes, weights=weights, every_cell=True)
    counts = arrays.counts()
    features = _frame(arrays)
    args = {"sensitive_features": features, "sample_weight": arrays.sample_weight}
    y, p = arrays.y_true, arrays.y_pred
    sample = {"sample_weight": arrays.sample_weight}
    metrics = {
        **FAIRLEARN_RATES,
        "precision": lambda y, p, sample_weight=None: skm.precision_score(
            y, p, sample_weight=sample_weight, zero_division=np.nan
        ),
        "accuracy": skm.accuracy_score,
        "balanced_accuracy": skm.balanced_accuracy_score,
        "f1": skm.f1_score,
    }
    frame = MetricFrame(
        metrics=metrics,
        y_true=y,
        y_pred=p,
        sensitive_features=features,
        sample_params={m: sample for m in metrics},
    )
    difference, ratio = frame.difference(), frame.ratio()
    for name in metrics:
        ours = between_groups(metric_values(counts, name))
        assert ours[0] == pytest.approx(difference[name], abs=TOL), name
        assert ours[1] == pytest.approx(ratio[name], abs=TOL), name
    details = compute_summaries(counts, list(SUMMARIES), min_n=0)
    summary = {name: detail.value for name, detail in details.items()}
    expected = {
        "demographic_parity_difference": demographic_parity_difference(y, p, **args),
        "demographic_parity_ratio": demographic_parity_ratio(y, p, **args),
        "equalized_odds_difference": equalized_odds_difference(y, p, **args, agg="worst_case"),
        "equalized_odds_ratio": equalized_odds_ratio(y, p, **args, agg="worst_case"),
        "equal_opportunity_difference": equal_opportunity_difference(y, p, **args),
        "equal_opportunity_ratio": equal_opportunity_ratio(y, p, **args),
        "predictive_parity_difference": difference["precision"],
        "predictive_parity_ratio": ratio["precision"],
        # The four-fifths rule: each rate over the highest; the lowest of those = min / max.
        "disparate_impact_ratio": demographic_parity_ratio(y, p, **args),
    }
    for name, value in expected.items():
        assert summary[name] == pytest.approx(value, abs=TOL), name


@pytest.mark.parametrize("weights", ["none", "float"])
def test_disparities_against_the_reference_match_by_group_values(weights) -> None:
    """difference = group − reference and ratio = group ÷ reference on MetricFrame values."""
    arrays = make_arrays(7, n=1500, attributes=2, weights=weights, every_cell=True)
    counts = arrays.counts()
    frame = MetricFrame(
        metrics=true_positive_rate,
        y_true=arrays.y_true,
        y_pred=arrays.y_pred,
        sensitive_features=_frame(arrays),
        sample_params={"sample_weight": arrays.sample_weight},
    ).by_group
    table = compute_disparities(counts, metrics=["true_positive_rate"], reference="largest")
    reference = counts.labels[int(np.argmax(counts.n))]
    assert set(table["reference"]) == {" · ".join(reference)}
    for row in table.to_dict("records"):
        mine, theirs = frame.loc[counts.labels[row["group_index"]]], frame.loc[reference]
        expected = mine - theirs if row["kind"] == "difference" else mine / theirs
        assert row["value"] == pytest.approx(expected, abs=TOL)
    assert len(table) == 2 * (counts.n_groups - 1)


def test_overall_auc_and_counts_match_sklearn_on_all_rows() -> None:
    """``overall`` holds the same statistics for every row together."""
    arrays = make_arrays(11, n=800, weights="float")
    overall = arrays.counts().overall
    assert overall is not None
    w, y, s = arrays.sample_weight, arrays.y_true, arrays.y_score
    assert metric_values(overall, "roc_auc")[0] == pytest.approx(
        skm.roc_auc_score(y, s, sample_weight=w), abs=TOL
    )
    assert overall.cells.sum() == arrays.n_rows


def test_many_level_intersections_are_counted_by_sorting() -> None:
    """Beyond a dense table's size the combinations are found by sorting, same result."""
    rng = np.random.default_rng(3)
    n = 3000
    labels = tuple(f"v{i}" for i in range(120))
    groups = [
        GroupColumn(f"a{k}", labels, rng.integers(0, 120, n).astype(np.int32)) for k in (1, 2, 3)
    ]
    y = rng.integers(0, 2, n).astype(np.int8)
    counts = compute_group_counts(groups, y, y)
    keys = {tuple(g.labels[c] for g, c in zip(groups, row, strict=True))
            for row in zip(*(g.codes for g in groups), strict=True)}  # fmt: skip
    assert set(counts.labels) == keys
    assert counts.n.sum() == n
    assert list(counts.labels) == sorted(counts.labels, key=lambda t: [labels.index(v) for v in t])


# -- properties ----------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(audit_arrays(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(arrays: Arrays, random) -> None:
    """Shuffling the rows changes no count and no metric."""
    order = np.array(random.sample(range(arrays.n_rows), arrays.n_rows))
    a, b = arrays.counts(), arrays.take(order).counts()
    assert a.labels == b.labels
    assert np.array_equal(a.cells, b.cells)
    names = [m for m in METRICS if arrays.y_score is not None or not METRICS[m].needs_scores]
    for name in names:
        assert np.allclose(metric_values(a, name), metric_values(b, name), equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(audit_arrays())
def test_rates_lie_between_0_and_1(arrays: Arrays) -> None:
    """Every proportion, composite, share and AUC is within [0, 1] or undefined."""
    counts = arrays.counts()
    for name, spec in METRICS.items():
        if name in ("count", "log_loss") or (spec.needs_scores and arrays.y_score is None):
            continue
        values = metric_values(counts, name)
        defined = values[np.isfinite(values)]
        assert ((defined >= 0) & (defined <= 1 + 1e-15)).all(), name


@settings(max_examples=40, deadline=None)
@given(audit_arrays(max_attributes=1))
def test_one_group_has_no_disparity(arrays: Arrays) -> None:
    """With a single group there is no between-groups difference or ratio: not parity, NaN."""
    only = GroupColumn("all", ("everyone",), np.zeros(arrays.n_rows, dtype=np.int32))
    counts = Arrays((only,), arrays.y_true, arrays.y_pred, arrays.sample_weight).counts()
    for name in ("selection_rate", "accuracy", "true_positive_rate", "precision", "f1"):
        difference, ratio = between_groups(metric_values(counts, name))
        assert np.isnan(difference)
        assert np.isnan(ratio)
    assert compute_disparities(counts, metrics=["selection_rate"]).empty


@settings(max_examples=60, deadline=None)
@given(audit_arrays(weights=("none",)), st.data())
def test_integer_weight_equals_duplicated_rows(arrays: Arrays, data) -> None:
    """A row weighted 2 gives the same metrics as the row written twice."""
    weight = np.array(data.draw(st.lists(st.integers(1, 3), min_size=arrays.n_rows,
                                         max_size=arrays.n_rows)), dtype=np.float64)  # fmt: skip
    weighted = Arrays(arrays.groups, arrays.y_true, arrays.y_pred, weight, arrays.y_score)
    repeated = arrays.take(np.repeat(np.arange(arrays.n_rows), weight.astype(int)))
    a, b = weighted.counts(), repeated.counts()
    names = [m for m in METRICS if arrays.y_score is not None or not METRICS[m].needs_scores]
    for name in (m for m in names if m != "count"):
        assert np.allclose(metric_values(a, name), metric_values(b, name), equal_nan=True), name
    assert np.array_equal(a.weighted_cells, b.cells)


# -- edge cases ------------------------------------------------------------------------


def _column(name: str, values: list) -> GroupColumn:
    return encode_groups(pd.Series(values, name=name))


def test_a_group_without_positives_has_no_true_positive_rate() -> None:
    """TPR is NaN (not an error, not fairlearn's 0); one defined group is not parity."""
    group = _column("g", ["a", "a", "a", "b", "b", "b"])
    y = np.array([1, 0, 1, 0, 0, 0], dtype=np.int8)
    p = np.array([1, 0, 0, 1, 0, 0], dtype=np.int8)
    counts = compute_group_counts([group], y, p)
    tpr = metric_values(counts, "true_positive_rate")
    assert tpr[0] == 0.5
    assert np.isnan(tpr[1])
    assert metric_denominators(counts, "true_positive_rate").tolist() == [2, 0]
    assert all(np.isnan(between_groups(tpr)))
    fairlearn_says = MetricFrame(
        metrics=true_positive_rate, y_true=y, y_pred=p, sensitive_features=["a"] * 3 + ["b"] * 3
    ).by_group
    assert fairlearn_says["b"] == 0.0  # the documented difference: fairlearn reports 0


def test_all_decisions_equal() -> None:
    """Nobody selected: selection rates 0, precision undefined, ratios undefined."""
    group = _column("g", ["a", "b", "a", "b"])
    y = np.array([1, 0, 0, 1], dtype=np.int8)
    counts = compute_group_counts([group], y, np.zeros(4, dtype=np.int8))
    assert metric_values(counts, "selection_rate").tolist() == [0.0, 0.0]
    assert np.isnan(metric_values(counts, "precision")).all()
    assert between_groups(metric_values(counts, "selection_rate"))[0] == 0.0
    assert np.isnan(between_groups(metric_values(counts, "selection_rate"))[1])
    table = compute_disparities(counts, metrics=["selection_rate"])
    assert np.isnan(table.loc[table["kind"] == "ratio", "value"]).all()


def test_a_group_of_one_and_a_missing_group() -> None:
    """One row is a group; rows without a value form the '(missing)' group."""
    group = _column("race", ["x", "x", "x", None, "y"])
    y = np.array([1, 0, 1, 1, 0], dtype=np.int8)
    counts = compute_group_counts([group], y, y)
    assert counts.labels == (("x",), ("y",), (MISSING_GROUP,))
    assert counts.n.tolist() == [3, 1, 1]
    table = compute_group_metrics(counts, metrics=["accuracy", "true_positive_rate"])
    one = table[(table["group"] == "y") & (table["metric"] == "true_positive_rate")]
    assert np.isnan(one["value"].iloc[0])
    assert one["denominator"].iloc[0] == 0
    assert counts.index_of([MISSING_GROUP]) == 2


def test_reference_choices() -> None:
    """largest = most rows; best = best value among big enough groups; a tuple names one."""
    arrays = make_arrays(5, n=2000, attributes=1)
    counts = arrays.counts()
    assert find_reference(counts, "selection_rate", "largest") == int(np.argmax(counts.n))
    values = metric_values(counts, "false_positive_rate")
    best = find_reference(counts, "false_positive_rate", "best", min_n=1)
    assert values[best] == np.nanmin(values)
    assert find_reference(counts, "accuracy", ("male",)) == counts.labels.index(("male",))


def test_bad_inputs_get_house_messages() -> None:
    """What is wrong, what was expected, what was found and how to fix it."""
    group = _column("g", ["a", "b"])
    y = np.array([0, 1], dtype=np.int8)
    with pytest.raises(InvalidInputError) as info:
        compute_group_counts([group], np.array([0, 2]), y)
    assert str(info.value) == (
        "y_true (the true outcome) must hold only 0 and 1 (1 = positive). Got 2 instead. "
        "Encode it as 0/1 first (check_audit_data does this)."
    )
    with pytest.raises(InvalidInputError, match=r"y_pred has 3"):
        compute_group_counts([group], y, np.array([0, 1, 1]))
    with pytest.raises(InvalidInputError, match=r"non-negative number in every row"):
        compute_group_counts([group], y, y, sample_weight=np.array([1.0, -1.0]))
    with pytest.raises(InvalidInputError, match=r"between 0 and 1 in every row"):
        compute_group_counts([group], y, y, y_score=np.array([0.2, 1.5]))
    counts = compute_group_counts([group], y, y)
    with pytest.raises(InvalidInputError) as info:
        compute_group_metrics(counts, metrics=["recall"])
    assert str(info.value).startswith("Unknown metric 'recall'. Expected one or more of: count,")
    with pytest.raises(InvalidInputError, match=r"needs the model's scores"):
        compute_group_metrics(counts, metrics=["roc_auc"])
    with pytest.raises(InvalidInputError, match=r"There is no group 'c' among g"):
        find_reference(counts, "accuracy", ("c",))
    with pytest.raises(InvalidInputError, match=r"write e.g. \('a',\)"):
        find_reference(counts, "accuracy", "a")  # type: ignore[arg-type]


def test_every_metric_is_explained() -> None:
    """The registry gives every metric a title, a sentence and its counts, in house names."""
    for name, spec in METRICS.items():
        assert spec.name == name
        assert spec.explanation.endswith(".")
        assert spec.title
        assert spec.numerator
        assert spec.denominator
        assert spec.is_proportion == (spec.kind == "rate")
    assert METRICS["true_positive_rate"].denominator == "actual positives (tp + fn)"
