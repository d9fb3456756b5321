"""Operating points that do not flatter: applied rule sentences, degeneracy, small fits."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from fairness_core.data import GroupColumn
from fairness_core.tradeoffs import (
    DISPARATE_TREATMENT_NOTE,
    GroupRule,
    evaluate_operating_point,
    find_strategy,
    sweep_thresholds,
)

_NUMBER = r"([0-9.e+-]+)"


def _data(seed: int, *, n=3000, sizes=(0.5, 0.3, 0.2), digits: int | None = 3, weights=False):
    rng = np.random.default_rng(seed)
    codes = rng.choice(len(sizes), n, p=np.asarray(sizes) / sum(sizes))
    y = (rng.random(n) < 0.3 + 0.15 * codes).astype(np.int8)
    s = np.clip(rng.beta(2, 3, n) + 0.3 * y - 0.07 * codes, 0, 1)
    s = s if digits is None else s.round(digits)
    w = rng.gamma(2.0, 1.0, n) if weights else None
    labels = tuple(f"group {chr(65 + g)}" for g in range(len(sizes)))
    return [GroupColumn("group", labels, codes.astype(np.int32))], y, s, w


def _apply(sentence: str, score: np.ndarray) -> np.ndarray:
    """P(yes) per person from the rule sentence alone (an independent reading of the words)."""
    if sentence == "nobody gets the positive decision":
        return np.zeros(len(score))
    if sentence == "everyone gets the positive decision":
        return np.ones(len(score))
    simple = re.fullmatch(rf"scores of {_NUMBER} or more: yes; lower: no", sentence)
    if simple:
        return (score >= float(simple.group(1))).astype(float)
    body = sentence.removeprefix("scores ")
    p = np.full(len(score), np.nan)
    for part in body.split("; "):
        band, decision = part.rsplit(": ", 1)
        if decision == "yes":
            share = 1.0
        elif decision == "no":
            share = 0.0
        else:
            match = re.fullmatch(rf"yes for {_NUMBER}% of them, drawn at random", decision)
            assert match, decision
            share = float(match.group(1)) / 100
        if band == "everyone":
            mask = np.ones(len(score), dtype=bool)
        elif m := re.fullmatch(rf"(?:under|below) {_NUMBER}", band):
            mask = score < float(m.group(1))
        elif m := re.fullmatch(rf"{_NUMBER} or more", band):
            mask = score >= float(m.group(1))
        elif m := re.fullmatch(rf"{_NUMBER} to under {_NUMBER}", band):
            mask = (score >= float(m.group(1))) & (score < float(m.group(2)))
        else:
            raise AssertionError(f"unreadable band {band!r} in {sentence!r}")
        assert np.isnan(p[mask]).all(), f"bands overlap in {sentence!r}"
        p[mask] = share
    assert not np.isnan(p).any(), f"some scores are in no band of {sentence!r}"
    return p


CASES = [
    ("demographic_parity", True, 0.0),
    ("demographic_parity", False, 0.01),
    ("equal_opportunity", True, 0.0),
    ("equalized_odds", True, 0.0),
    ("equal_accuracy", False, 0.02),
    ("best_per_group", False, 0.0),
    ("single_threshold", False, 0.0),
]


@pytest.mark.parametrize(("strategy", "randomized", "tolerance"), CASES)
@pytest.mark.parametrize(
    ("digits", "weights", "max_thresholds"), [(3, False, 5000), (None, True, 300)]
)
def test_applying_the_sentences_reproduces_the_reported_rates(
    strategy, randomized, tolerance, digits, weights, max_thresholds
) -> None:
    """Expected rates from the sentences applied to the rows equal the reported ones (1e-6)."""
    groups, y, s, w = _data(11, digits=digits, weights=weights)
    sweep = sweep_thresholds(groups, y, s, sample_weight=w, max_thresholds=max_thresholds)
    assert sweep.exact == (digits is not None)
    point = find_strategy(sweep, strategy, randomized=randomized, tolerance=tolerance)
    result = evaluate_operating_point(sweep, point)
    weight = np.ones(len(y)) if w is None else w
    codes = groups[0].codes
    for g, rule in enumerate(result.rules):
        assert result.thresholds.loc[g, "note"] == rule.sentence
        mask = codes == g
        p = _apply(rule.sentence, s[mask])
        ww, yy = weight[mask], y[mask]
        row = result.per_group.iloc[g]
        expected = {
            "selection_rate": (ww * p).sum() / ww.sum(),
            "true_positive_rate": (ww * p * yy).sum() / (ww * yy).sum(),
            "false_positive_rate": (ww * p * (1 - yy)).sum() / (ww * (1 - yy)).sum(),
        }
        for name, value in expected.items():
            assert abs(row[name] - value) <= 1e-6, (strategy, rule.sentence, name)


def test_randomized_sentences_keep_the_random_share_unrounded() -> None:
    """A share such as 37.2846% is written to a millionth of a percent, not as 37%."""
    groups, y, s, _ = _data(5)
    sweep = sweep_thresholds(groups, y, s)
    point = find_strategy(sweep, "demographic_parity", randomized=True, tolerance=0.0)
    result = evaluate_operating_point(sweep, point)
    shares = [float(m) for r in result.rules for m in re.findall(r"yes for ([0-9.]+)%", r.sentence)]
    assert shares, "exact parity should need a random draw somewhere"
    assert any(len(str(v).split(".")[-1]) > 2 for v in shares)


def test_rules_keep_exact_thresholds_and_probabilities_through_json() -> None:
    """A rule written to JSON and read back is identical, float for float."""
    groups, y, s, _ = _data(3, digits=None)
    sweep = sweep_thresholds(groups, y, s, max_thresholds=200)
    point = find_strategy(sweep, "equalized_odds")
    for rule in evaluate_operating_point(sweep, point).rules:
        again = GroupRule.from_dict(json.loads(json.dumps(rule.to_dict())))
        assert again == rule
        k = np.searchsorted(sweep.thresholds, rule.thresholds)
        assert np.array_equal(sweep.thresholds[k], np.asarray(rule.thresholds))
        assert sum(rule.probabilities) <= 1 + 1e-12


def test_a_point_that_approves_nearly_everyone_is_degenerate() -> None:
    """Uninformative scores and a common outcome: the best rule approves everyone."""
    rng = np.random.default_rng(2)
    n = 2000
    codes = rng.integers(0, 2, n)
    y = (rng.random(n) < 0.9).astype(np.int8)
    s = rng.random(n).round(3)
    groups = [GroupColumn("group", ("a", "b"), codes.astype(np.int32))]
    sweep = sweep_thresholds(groups, y, s)
    result = evaluate_operating_point(sweep, find_strategy(sweep, "single_threshold"))
    approved = [(s[codes == g] >= result.rules[g].thresholds[0]).mean() for g in range(2)]
    assert max(approved) > 0.95
    assert result.degenerate
    assert any("Degenerate" in w and "more than 95%" in w for w in result.warnings)
    balanced = result.overall.set_index("measure").loc["balanced_accuracy", "chosen"]
    assert abs(balanced - 0.5) <= 0.02
    assert any(f"{balanced:.3f}" in w for w in result.warnings)


def test_an_informative_point_is_not_degenerate() -> None:
    """A threshold that splits every group is not flagged."""
    groups, y, s, _ = _data(8)
    sweep = sweep_thresholds(groups, y, s)
    result = evaluate_operating_point(sweep, find_strategy(sweep, "single_threshold"))
    rates = result.per_group["selection_rate"]
    assert ((rates > 0.05) & (rates < 0.95)).all()
    assert not result.degenerate
    assert not any("Degenerate" in w for w in result.warnings)


def test_group_thresholds_on_few_people_carry_a_warning() -> None:
    """A group of 20 people gets a warning under a group-specific rule; not under one threshold."""
    groups, y, s, _ = _data(4, n=2000, sizes=(0.99, 0.01))
    n_small = int((groups[0].codes == 1).sum())
    assert n_small < 30
    sweep = sweep_thresholds(groups, y, s)
    per_group = evaluate_operating_point(sweep, find_strategy(sweep, "best_per_group"))
    assert per_group.group_specific
    assert per_group.small_fit == ("group B",)
    assert any(f"group B ({n_small} people)" in w for w in per_group.warnings)
    assert DISPARATE_TREATMENT_NOTE in per_group.warnings
    shared = evaluate_operating_point(sweep, find_strategy(sweep, "single_threshold"))
    assert not shared.group_specific
    assert shared.small_fit == ()
    assert DISPARATE_TREATMENT_NOTE not in shared.warnings


def test_error_rate_criteria_need_30_people_with_each_outcome() -> None:
    """100 people with 10 positives: enough for demographic parity, not equal opportunity."""
    rng = np.random.default_rng(9)
    codes = np.r_[np.zeros(900, dtype=np.int32), np.ones(100, dtype=np.int32)]
    y = np.r_[(rng.random(900) < 0.4), np.arange(100) < 10].astype(np.int8)
    s = np.clip(rng.beta(2, 3, 1000) + 0.3 * y, 0, 1).round(3)
    sweep = sweep_thresholds([GroupColumn("g", ("a", "b"), codes)], y, s)
    positives = int(y[codes == 1].sum())
    eo = find_strategy(sweep, "equal_opportunity", randomized=True, tolerance=0.0)
    result = evaluate_operating_point(sweep, eo)
    assert result.small_fit == ("b",)
    assert any(f"b ({positives} with a positive outcome" in w for w in result.warnings)
    dp = find_strategy(sweep, "demographic_parity", randomized=True, tolerance=0.0)
    assert evaluate_operating_point(sweep, dp).small_fit == ()


def test_sweep_rates_are_the_registry_formulas() -> None:
    """group_rates and balanced accuracy equal the registry's values_from_cells on the cells;
    disparities_of equals between_groups at every threshold."""
    from fairness_core.metrics import between_groups
    from fairness_core.metrics._registry import values_from_cells
    from fairness_core.tradeoffs._sweep import (
        RATES,
        balanced_accuracy,
        disparities_of,
        group_rates,
    )

    groups, y, s, w = _data(21, weights=True)
    sweep = sweep_thresholds(groups, y, s, sample_weight=w)
    tp, fp = sweep.selected[..., 1], sweep.selected[..., 0]
    p, n = sweep.positives[:, None], sweep.negatives[:, None]
    stacked = np.stack([tp, fp, p - tp, n - fp], axis=-1).transpose(1, 0, 2)  # (k, groups, 4)
    rates = group_rates(tp, fp, p, n)
    for name in RATES:
        oracle = values_from_cells(name, stacked).T
        np.testing.assert_allclose(rates[name], oracle, rtol=1e-12, atol=1e-12, equal_nan=True)
    np.testing.assert_allclose(
        balanced_accuracy(tp, fp, p, n),
        values_from_cells("balanced_accuracy", stacked).T,
        rtol=1e-12,
        atol=1e-12,
        equal_nan=True,
    )
    spread = disparities_of(rates)
    for k in range(0, len(sweep.thresholds), 41):
        dp = between_groups(rates["selection_rate"][:, k])[0]
        tpr = between_groups(rates["true_positive_rate"][:, k])[0]
        fpr = between_groups(rates["false_positive_rate"][:, k])[0]
        assert spread["demographic_parity_difference"][k] == pytest.approx(dp, nan_ok=True)
        assert spread["equal_opportunity_difference"][k] == pytest.approx(tpr, nan_ok=True)
        assert spread["equalized_odds_difference"][k] == pytest.approx(
            np.nanmax([tpr, fpr]) if np.isfinite([tpr, fpr]).any() else np.nan, nan_ok=True
        )


def test_frontier_and_strategy_tables_mark_the_same_points_degenerate() -> None:
    """The tables' degenerate column agrees with evaluating each point, and some are marked."""
    from fairness_core.tradeoffs import find_frontier, summarize_points

    rng = np.random.default_rng(6)
    codes = rng.integers(0, 2, 3000).astype(np.int32)
    y = (rng.random(3000) < 0.85 - 0.1 * codes).astype(np.int8)
    s = np.clip(rng.beta(2, 2, 3000) + 0.1 * y, 0, 1).round(3)
    sweep = sweep_thresholds([GroupColumn("g", ("a", "b"), codes)], y, s)
    frontier = find_frontier(sweep, "demographic_parity", steps=10)
    marked = frontier.points["degenerate"].tolist()
    expected = [evaluate_operating_point(sweep, p).degenerate for p in frontier.operating_points]
    assert marked == expected
    assert any(marked)
    points = [find_strategy(sweep, name) for name in ("single_threshold", "best_per_group")]
    table = summarize_points(sweep, points)
    assert table["degenerate"].tolist() == [
        evaluate_operating_point(sweep, p).degenerate for p in points
    ]


def test_the_uniform_grid_holds_the_decimals_themselves() -> None:
    """With many distinct scores the grid's 0.009 is the number 0.009, not a float above it
    (so "0.009 or more" keeps a score of 0.009, and the sentence can say 0.009)."""
    rng = np.random.default_rng(12)
    s = 0.2 + 0.8 * rng.random(8000)  # nothing below 0.2: there the grid is the uniform one
    y = (rng.random(len(s)) < s).astype(np.int8)
    groups = [GroupColumn("g", ("a",), np.zeros(len(s), dtype=np.int32))]
    sweep = sweep_thresholds(groups, y, s, max_thresholds=100)
    assert not sweep.exact
    low = sweep.thresholds[sweep.thresholds < 0.2]
    assert len(low) == 200
    assert [float(f"{t:.3f}") for t in low] == low.tolist()
    assert 0.009 in low


def test_the_frontier_chart_crosses_out_degenerate_points() -> None:
    """One cross per degenerate point (frontier and strategies), none for the others."""
    from fairness_core.plots import describe_frontier, plot_frontier
    from fairness_core.tradeoffs import find_frontier, summarize_points

    rng = np.random.default_rng(6)
    codes = rng.integers(0, 2, 3000).astype(np.int32)
    y = (rng.random(3000) < 0.85 - 0.3 * codes).astype(np.int8)
    s = np.clip(rng.beta(2, 2, 3000) + 0.3 * y, 0, 1).round(3)
    sweep = sweep_thresholds([GroupColumn("g", ("a", "b"), codes)], y, s)
    frontier = find_frontier(sweep, "demographic_parity", steps=10)
    extra = summarize_points(sweep, [find_strategy(sweep, "single_threshold")])
    extra["kind"], extra["disparity"] = "strategy", extra["demographic_parity_difference"]
    expected = int(frontier.points["degenerate"].sum() + extra["degenerate"].sum())
    assert expected > 0
    figure = plot_frontier([frontier], extra_points=extra)
    marks = {
        "Degenerate (hardly uses the scores)",
        "Degenerate, off the scale (at the edge)",
    }
    crosses = [t for t in figure.data if t.name in marks]
    assert sum(len(t.x) for t in crosses) == expected
    assert f"{expected} of the points" in describe_frontier([frontier], extra_points=extra)
    assert not frontier.points["degenerate"].all()  # the others are left alone
