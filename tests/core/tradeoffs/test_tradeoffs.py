"""Threshold sweep: oracle tests against scikit-learn and fairlearn, properties, errors."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics as skm
from fairlearn.metrics import (
    demographic_parity_difference,
    equal_opportunity_difference,
    equalized_odds_difference,
)
from hypothesis import given, settings
from scipy.spatial import ConvexHull
from sklearn.calibration import calibration_curve

from fairness_core.data import ColumnRoles, GroupColumn, check_audit_data, get_demo
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import compute_group_counts
from fairness_core.tradeoffs import (
    current_points,
    sweep_audit,
    sweep_overall,
    sweep_table,
    sweep_thresholds,
)
from tests.strategies import Arrays, audit_arrays, make_arrays

TOL = 1e-9


def _data(seed: int, *, n: int = 600, weights: str = "none") -> Arrays:
    """Two attributes, scores on a 0.001 grid (ties happen), all groups with both outcomes."""
    return make_arrays(seed, n=n, attributes=2, weights=weights, every_cell=True)  # type: ignore[arg-type]


def _group_of_rows(arrays: Arrays, sweep) -> np.ndarray:
    names = [" · ".join(labels) for labels in arrays.labels()]
    lookup = {name: i for i, name in enumerate(sweep.names)}
    return np.array([lookup[name] for name in names])


@pytest.mark.parametrize(("seed", "weights"), [(0, "none"), (1, "int"), (2, "float")])
def test_cells_match_sklearn_confusion_matrix_at_every_threshold(seed: int, weights: str) -> None:
    """Each group's cells at each threshold equal sklearn's confusion matrix of score >= t."""
    arrays = _data(seed, weights=weights)
    sweep = sweep_thresholds(
        arrays.groups, arrays.y_true, arrays.y_score, sample_weight=arrays.sample_weight
    )
    assert sweep.exact
    table = sweep_table(sweep)
    rows = _group_of_rows(arrays, sweep)
    w = arrays.sample_weight
    for g in range(sweep.n_groups):
        mask = rows == g
        y, s = arrays.y_true[mask], arrays.y_score[mask]
        wg = None if w is None else w[mask]
        part = table[table["group_index"] == g]
        for k in range(0, len(sweep.thresholds), 7):
            t = sweep.thresholds[k]
            tn, fp, fn, tp = skm.confusion_matrix(
                y, (s >= t).astype(int), labels=[0, 1], sample_weight=wg
            ).ravel()
            row = part.iloc[k]
            assert row[["tp", "fp", "fn", "tn"]].to_numpy(float) == pytest.approx(
                [tp, fp, fn, tn], abs=TOL
            )


def test_roc_points_match_sklearn_roc_curve() -> None:
    """Every point of sklearn's per-group ROC curve is on ours, at the same threshold."""
    arrays = _data(3, weights="float")
    sweep = sweep_thresholds(
        arrays.groups, arrays.y_true, arrays.y_score, sample_weight=arrays.sample_weight
    )
    table = sweep_table(sweep)
    rows = _group_of_rows(arrays, sweep)
    for g in range(sweep.n_groups):
        mask = rows == g
        fpr, tpr, thr = skm.roc_curve(
            arrays.y_true[mask],
            arrays.y_score[mask],
            sample_weight=arrays.sample_weight[mask],
            drop_intermediate=False,
        )
        part = table[table["group_index"] == g].set_index("threshold")
        finite = np.isfinite(thr)
        ours = part.loc[thr[finite]]
        assert ours["false_positive_rate"].to_numpy() == pytest.approx(fpr[finite], abs=TOL)
        assert ours["true_positive_rate"].to_numpy() == pytest.approx(tpr[finite], abs=TOL)
        # Monotone: both rates never increase as the threshold rises.
        assert np.all(np.diff(part["true_positive_rate"].to_numpy()) <= TOL)
        assert np.all(np.diff(part["false_positive_rate"].to_numpy()) <= TOL)


def test_precision_recall_points_match_sklearn() -> None:
    """Precision and recall at each of sklearn's thresholds equal ours."""
    arrays = _data(4)
    sweep = sweep_thresholds(arrays.groups, arrays.y_true, arrays.y_score)
    table = sweep_table(sweep)
    rows = _group_of_rows(arrays, sweep)
    for g in range(sweep.n_groups):
        mask = rows == g
        precision, recall, thr = skm.precision_recall_curve(
            arrays.y_true[mask], arrays.y_score[mask]
        )
        part = table[table["group_index"] == g].set_index("threshold").loc[thr]
        assert part["precision"].to_numpy() == pytest.approx(precision[:-1], abs=TOL)
        assert part["true_positive_rate"].to_numpy() == pytest.approx(recall[:-1], abs=TOL)


def test_calibration_matches_sklearn_calibration_curve() -> None:
    """Per-group reliability bins equal sklearn's calibration_curve (10 uniform bins)."""
    arrays = _data(5)
    sweep = sweep_thresholds(arrays.groups, arrays.y_true, arrays.y_score)
    rows = _group_of_rows(arrays, sweep)
    for g in range(sweep.n_groups):
        mask = rows == g
        observed, predicted = calibration_curve(
            arrays.y_true[mask], arrays.y_score[mask], n_bins=10
        )
        part = sweep.calibration[sweep.calibration["group_index"] == g]
        assert part["observed_rate"].to_numpy() == pytest.approx(observed, abs=TOL)
        assert part["mean_score"].to_numpy() == pytest.approx(predicted, abs=TOL)
        assert part["n"].sum() == mask.sum()


def test_score_distribution_matches_numpy_histogram() -> None:
    """The per-group, per-outcome histogram equals np.histogram with the same 20 bins."""
    arrays = _data(6)
    sweep = sweep_thresholds(arrays.groups, arrays.y_true, arrays.y_score)
    rows = _group_of_rows(arrays, sweep)
    dist = sweep.distribution
    for g in range(sweep.n_groups):
        for outcome in (0, 1):
            mask = (rows == g) & (arrays.y_true == outcome)
            expected, _ = np.histogram(arrays.y_score[mask], bins=20, range=(0, 1))
            part = dist[(dist["group_index"] == g) & (dist["outcome"] == outcome)]
            assert part["n"].tolist() == expected.tolist()
        assert dist[dist["group_index"] == g]["share"].sum() == pytest.approx(1.0)


def test_overall_and_disparities_match_sklearn_and_fairlearn() -> None:
    """Shared-threshold accuracy, balanced accuracy, cost and the four disparities."""
    arrays = _data(7, weights="float")
    y, s, w = arrays.y_true, arrays.y_score, arrays.sample_weight
    sweep = sweep_thresholds(arrays.groups, y, s, sample_weight=w)
    overall = sweep_overall(sweep, cost_ratio=3.0, criterion="equal_opportunity")
    rows = _group_of_rows(arrays, sweep)
    for k in range(5, len(sweep.thresholds) - 5, 37):
        t = sweep.thresholds[k]
        pred = (s >= t).astype(int)
        row = overall.iloc[k]
        _, fp, fn, _ = skm.confusion_matrix(y, pred, sample_weight=w).ravel()
        assert row["accuracy"] == pytest.approx(skm.accuracy_score(y, pred, sample_weight=w))
        assert row["balanced_accuracy"] == pytest.approx(
            skm.balanced_accuracy_score(y, pred, sample_weight=w)
        )
        assert row["expected_cost"] == pytest.approx((3.0 * fp + fn) / w.sum())
        kw = {"sensitive_features": rows, "sample_weight": w}
        assert row["demographic_parity_difference"] == pytest.approx(
            demographic_parity_difference(y, pred, **kw)
        )
        assert row["equal_opportunity_difference"] == pytest.approx(
            equal_opportunity_difference(y, pred, **kw)
        )
        assert row["disparity"] == row["equal_opportunity_difference"]
        assert row["equalized_odds_difference"] == pytest.approx(
            equalized_odds_difference(y, pred, **kw)
        )
        accuracies = [
            skm.accuracy_score(y[rows == g], pred[rows == g], sample_weight=w[rows == g])
            for g in range(sweep.n_groups)
        ]
        assert row["accuracy_difference"] == pytest.approx(max(accuracies) - min(accuracies))


def test_binned_grid_is_exact_at_its_thresholds() -> None:
    """With more distinct scores than allowed, each grid threshold is still evaluated exactly."""
    rng = np.random.default_rng(8)
    n = 3000
    codes = rng.integers(0, 3, n).astype(np.int32)
    groups = [GroupColumn("g", ("a", "b", "c"), codes)]
    y = (rng.random(n) < 0.4).astype(np.int8)
    s = np.clip(rng.random(n) * 0.7 + 0.3 * y, 0, 1)
    sweep = sweep_thresholds(groups, y, s, threshold=0.4567, max_thresholds=100)
    assert not sweep.exact
    assert 0.4567 in sweep.thresholds
    assert np.isinf(sweep.thresholds[-1])
    assert len(sweep.thresholds) >= 1000
    table = sweep_table(sweep)
    for k in range(0, len(sweep.thresholds) - 1, 97):
        t = sweep.thresholds[k]
        for g in range(3):
            mask = codes == g
            tp = int(((s >= t) & (y == 1) & mask).sum())
            fp = int(((s >= t) & (y == 0) & mask).sum())
            row = table[(table["group_index"] == g)].iloc[k]
            assert (row["tp"], row["fp"]) == (tp, fp)


@pytest.mark.parametrize("weighted", [False, True])
def test_grid_holds_every_vertex_of_each_groups_exact_roc_hull(weighted: bool) -> None:
    """With more distinct scores than the grid, each group's exact ROC hull is still on it."""
    rng = np.random.default_rng(9)
    n = 12_000
    codes = rng.integers(0, 3, n).astype(np.int32)
    groups = [GroupColumn("g", ("a", "b", "c"), codes)]
    y = (rng.random(n) < 0.4).astype(np.int8)
    s = np.clip(rng.beta(2, 3, n) + 0.3 * y - 0.05 * codes, 0, 1)
    w = rng.gamma(2.0, 1.0, n) if weighted else None
    sweep = sweep_thresholds(groups, y, s, sample_weight=w)
    assert not sweep.exact
    assert len(sweep.thresholds) < len(np.unique(s)) / 3
    on_grid = set(sweep.thresholds.tolist())
    for g in range(3):
        mask = codes == g
        weight = None if w is None else w[mask]
        fpr, tpr, cut = skm.roc_curve(
            y[mask], s[mask], sample_weight=weight, drop_intermediate=False
        )
        hull = ConvexHull(np.column_stack([fpr, tpr]))  # qhull: upper and lower hull
        vertices = cut[hull.vertices]
        assert len(vertices) >= 10
        assert all(t in on_grid for t in vertices[np.isfinite(vertices)].tolist())


@settings(max_examples=40, deadline=None)
@given(audit_arrays(min_rows=1, max_rows=50, weights=("none", "int", "float")))
def test_properties_counts_sum_and_monotone(arrays: Arrays) -> None:
    """Totals equal the group sizes, selections shrink as the threshold rises, 0 at +inf."""
    score = arrays.y_score if arrays.y_score is not None else np.linspace(0, 1, arrays.n_rows)
    sweep = sweep_thresholds(
        arrays.groups, arrays.y_true, score, sample_weight=arrays.sample_weight
    )
    assert sweep.selected_rows[:, 0].sum() == arrays.n_rows
    weights = np.ones(arrays.n_rows) if arrays.sample_weight is None else arrays.sample_weight
    assert sweep.total == pytest.approx(weights.sum())
    assert np.all(np.diff(sweep.selected, axis=1) <= 1e-9)
    assert np.all(sweep.selected[:, -1] == 0)
    counts = compute_group_counts(arrays.groups, arrays.y_true, arrays.y_pred)
    assert sweep.names == counts.names


def test_integer_weights_equal_repeated_rows() -> None:
    """Weight 3 on a row gives the same sweep as the row written three times."""
    arrays = _data(9, n=300, weights="int")
    weights = arrays.sample_weight.astype(int)
    repeated = arrays.take(np.repeat(np.arange(arrays.n_rows), weights))
    a = sweep_thresholds(arrays.groups, arrays.y_true, arrays.y_score, sample_weight=weights)
    b = sweep_thresholds(repeated.groups, repeated.y_true, repeated.y_score)
    assert np.allclose(a.selected, b.selected)
    assert np.allclose(a.today, b.today)


def test_today_from_predictions_and_from_threshold() -> None:
    """Today's points come from the given decisions, or from the curve at today's threshold."""
    arrays = _data(10)
    rows = None
    from_pred = sweep_thresholds(
        arrays.groups, arrays.y_true, arrays.y_score, threshold=None, y_pred=arrays.y_pred
    )
    rows = _group_of_rows(arrays, from_pred)
    points = current_points(from_pred)
    assert from_pred.today_threshold is None
    for g in range(from_pred.n_groups):
        mask = rows == g
        rate = skm.recall_score(arrays.y_true[mask], arrays.y_pred[mask])
        assert points.loc[g, "true_positive_rate"] == pytest.approx(rate)
    at_threshold = sweep_thresholds(arrays.groups, arrays.y_true, arrays.y_score, threshold=0.5)
    k = int(np.searchsorted(at_threshold.thresholds, 0.5))
    assert np.allclose(at_threshold.today[:, 0], at_threshold.selected[:, k, 1])
    assert np.allclose(at_threshold.today[:, 1], at_threshold.selected[:, k, 0])


def test_sweep_audit_on_the_loan_demo_uses_scores_and_threshold() -> None:
    """The demo audit sweeps its score column with today's threshold 0.5."""
    demo = get_demo("loan")
    audit = check_audit_data(demo.load_test().frame, demo.roles)
    sweep = sweep_audit(audit, ["gender", "race"])
    assert sweep.today_threshold == 0.5
    assert sweep.selected_rows[:, 0].sum() == audit.n_rows
    assert sweep.exact  # 4,000 rows: every distinct score is a threshold
    assert sweep.today_rows[:, :2].sum() == audit.y_pred.sum()


def test_audit_without_scores_explains_what_is_missing() -> None:
    """A prediction-only audit is refused with what to supply instead."""
    demo = get_demo("loan")
    roles = ColumnRoles(
        target="repaid",
        protected=("gender",),
        positive_label=1,
        source="prediction",
        prediction="prediction",
    )
    audit = check_audit_data(demo.load_test().frame, roles)
    with pytest.raises(InvalidInputError, match="need the model's scores") as info:
        sweep_audit(audit, ["gender"])
    assert "score column" in str(info.value)
    assert "upload the model" in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"y_score": np.array([0.2, 1.5, 0.3])}, "between 0 and 1"),
        ({"threshold": 2.0}, "threshold must be a number from 0 to 1"),
        ({"threshold": None}, "Today's decisions are unknown"),
        ({"y_score": np.array([0.2, 0.3])}, "different numbers of rows"),
    ],
)
def test_bad_inputs_are_refused_with_the_house_message(kwargs: dict, message: str) -> None:
    """Scores outside 0–1, a bad threshold, no decisions, ragged inputs: clear errors."""
    base = {
        "y_score": np.array([0.2, 0.6, 0.3]),
        "threshold": 0.5,
    }
    base.update(kwargs)
    groups = [GroupColumn("g", ("a",), np.zeros(3, dtype=np.int32))]
    with pytest.raises(InvalidInputError, match=message):
        sweep_thresholds(groups, np.array([0, 1, 0]), base["y_score"], threshold=base["threshold"])


def test_bad_criterion_and_cost_ratio() -> None:
    """An unknown criterion and a non-positive cost ratio name the accepted values."""
    arrays = _data(11, n=100)
    sweep = sweep_thresholds(arrays.groups, arrays.y_true, arrays.y_score)
    with pytest.raises(InvalidInputError, match="criterion must be one of"):
        sweep_overall(sweep, criterion="fairness")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="cost ratio must be a positive number"):
        sweep_overall(sweep, cost_ratio=0)


def test_figures_have_group_traces_hover_and_sentences() -> None:
    """Curves: one trace per group in the palette, hover with threshold; plain sentences."""
    from fairness_core.plots import (
        describe_calibration,
        describe_precision_recall,
        describe_roc_curves,
        describe_score_distributions,
        plot_calibration,
        plot_precision_recall,
        plot_roc_curves,
        plot_score_distributions,
    )
    from fairness_core.plots._base import group_colours, group_dashes

    arrays = _data(12)
    sweep = sweep_thresholds(arrays.groups, arrays.y_true, arrays.y_score, threshold=0.5)
    roc = plot_roc_curves(sweep)
    lines = [t for t in roc.data if t.mode == "lines" and t.name in sweep.names]
    assert [t.name for t in lines] == list(sweep.names)
    colours = group_colours(sweep.names)
    assert [t.line.color for t in lines] == [colours[name] for name in sweep.names]
    # 10 groups: colours repeat past eight, so the line style tells those lines apart
    assert len({(t.line.color, t.line.dash) for t in lines}) == len(lines)
    assert [t.line.dash for t in lines] == [group_dashes(sweep.names)[n] for n in sweep.names]
    assert "threshold" in lines[0].hovertemplate
    assert roc.layout.xaxis.title.text == "False positive rate"
    assert plot_precision_recall(sweep).layout.yaxis.title.text == "Precision"
    assert plot_calibration(sweep).layout.xaxis.title.text == "Mean score in the bin"
    assert len(plot_score_distributions(sweep).data) == 2 * sweep.n_groups
    for sentence in (
        describe_roc_curves(sweep),
        describe_precision_recall(sweep),
        describe_calibration(sweep),
        describe_score_distributions(sweep),
    ):
        assert sentence.endswith(".")
        assert any(name in sentence for name in sweep.names)


def test_frontier_chart_draws_extra_points_of_every_kind() -> None:
    """Mitigation, strategy and original points appear with their legend names and labels."""
    import pandas as pd

    from fairness_core.plots import describe_frontier, plot_frontier
    from fairness_core.tradeoffs import find_frontier

    arrays = _data(13)
    sweep = sweep_thresholds(arrays.groups, arrays.y_true, arrays.y_score)
    frontiers = [
        find_frontier(sweep, "demographic_parity"),
        find_frontier(sweep, "demographic_parity", randomized=True),
    ]
    extra = pd.DataFrame(
        {
            "label": ["Today", "Reweighing", "One threshold for everyone"],
            "kind": ["original", "mitigation", "strategy"],
            "accuracy": [0.7, 0.72, 0.74],
            "disparity": [0.2, 0.05, 0.15],
            "balanced_accuracy": [0.69, 0.7, 0.71],
        }
    )
    chosen = {"label": "x", "disparity": 0.01, "accuracy": 0.75}
    fig = plot_frontier(frontiers, extra_points=extra, chosen=chosen)
    names = [t.name for t in fig.data]
    assert names[:2] == ["Group thresholds", "Group thresholds (randomized)"]
    assert {"Today's model", "Mitigation (retrained model)", "Strategy"} <= set(names)
    assert "Chosen operating point" in names
    mitigation = next(t for t in fig.data if t.name == "Mitigation (retrained model)")
    assert list(mitigation.text) == ["Reweighing"]
    assert fig.layout.xaxis.title.text.startswith("Demographic parity difference")
    sentence = describe_frontier(frontiers, extra_points=extra)
    assert "3 other points" in sentence
    assert "at random" in sentence
