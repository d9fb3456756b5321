"""Group-threshold frontier: fairlearn cross-check, LP and brute-force oracles, evaluation."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm
from fairlearn.postprocessing import ThresholdOptimizer
from scipy.optimize import linprog
from sklearn.base import BaseEstimator, ClassifierMixin

from fairness_core.data import GroupColumn, check_audit_data, get_demo
from fairness_core.errors import InvalidInputError
from fairness_core.tradeoffs import (
    STRATEGIES,
    OperatingPoint,
    ThresholdSweep,
    evaluate_operating_point,
    find_frontier,
    find_strategy,
    summarize_points,
    sweep_audit,
    sweep_thresholds,
)
from fairness_core.tradeoffs._sweep import group_rates

LEVEL = {
    "demographic_parity": "selection_rate",
    "equal_opportunity": "true_positive_rate",
    "equal_accuracy": "accuracy",
}
FAIRLEARN = {
    "demographic_parity": "demographic_parity",
    "equal_opportunity": "true_positive_rate_parity",
    "equalized_odds": "equalized_odds",
}


class GivenScores(ClassifierMixin, BaseEstimator):
    """A fitted 'model' whose probability is the first column of X (the given scores)."""

    def fit(self, X, y):  # noqa: N803 - sklearn's signature
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):  # noqa: N803
        s = np.asarray(X, dtype=float)[:, 0]
        return np.column_stack([1 - s, s])


def _random(seed: int, *, n: int = 3000, groups: int = 4, digits: int | None = 3, weights=False):
    """Seeded data; ``digits=None`` keeps the scores continuous (nearly all distinct)."""
    rng = np.random.default_rng(seed)
    codes = rng.choice(groups, n, p=np.linspace(2, 1, groups) / np.linspace(2, 1, groups).sum())
    labels = tuple(f"group {chr(65 + g)}" for g in range(groups))
    y = (rng.random(n) < 0.3 + 0.1 * codes / groups).astype(np.int8)
    s = np.clip(rng.beta(2, 3, n) + 0.35 * y - 0.08 * codes, 0, 1)
    s = s if digits is None else s.round(digits)
    w = rng.gamma(2.0, 1.0, n) if weights else None
    return [GroupColumn("group", labels, codes.astype(np.int32))], y, s, w


def _fairlearn_accuracy(constraint: str, y, s, a) -> tuple[float, pd.DataFrame]:
    """Expected accuracy of fairlearn's fitted ThresholdOptimizer and its per-group rates."""
    x = pd.DataFrame({"score": s})
    optimizer = ThresholdOptimizer(
        estimator=GivenScores().fit(x, y),
        constraints=constraint,
        objective="accuracy_score",
        prefit=True,
        predict_method="predict_proba",
    )
    optimizer.fit(x, y.astype(int), sensitive_features=a)
    p = optimizer._pmf_predict(x, sensitive_features=a)[:, 1]
    frame = pd.DataFrame({"a": a, "p": p, "y": y})
    return float(np.mean(np.where(y == 1, p, 1 - p))), frame


@pytest.mark.parametrize("strategy", list(FAIRLEARN))
@pytest.mark.parametrize("source", ["loan race", "loan gender", "random"])
def test_zero_disparity_point_at_least_as_accurate_as_fairlearn(strategy: str, source: str) -> None:
    """At exact parity our randomized point is at least as accurate as ThresholdOptimizer's."""
    if source.startswith("loan"):
        demo = get_demo("loan")
        audit = check_audit_data(demo.load_test().frame, demo.roles)
        attribute = source.split()[1]
        sweep = sweep_audit(audit, [attribute])
        column = audit.group(attribute)
        y, s = audit.y_true, audit.y_score
    else:
        groups, y, s, _ = _random(20)
        sweep = sweep_thresholds(groups, y, s)
        column = groups[0]
    a = np.asarray(column.labels, dtype=object)[column.codes]
    theirs, _ = _fairlearn_accuracy(FAIRLEARN[strategy], y, s, a)
    point = find_strategy(sweep, strategy, randomized=True, tolerance=0.0)
    ours = summarize_points(sweep, [point]).iloc[0]
    assert ours["accuracy"] >= theirs - 1e-9
    disparity = {
        "demographic_parity": "demographic_parity_difference",
        "equal_opportunity": "equal_opportunity_difference",
        "equalized_odds": "equalized_odds_difference",
    }[strategy]
    assert ours[disparity] < 1e-9
    # And the frontier's first (lowest-disparity) point is that point.
    frontier = find_frontier(sweep, strategy, randomized=True)  # type: ignore[arg-type]
    assert frontier.points["disparity"].iloc[0] < 1e-9
    assert frontier.points["accuracy"].iloc[0] >= theirs - 1e-9


@pytest.mark.parametrize("strategy", list(FAIRLEARN))
@pytest.mark.parametrize(("seed", "groups"), [(70, 3), (71, 5)])
def test_continuous_scores_at_least_as_accurate_as_fairlearn(
    strategy: str, seed: int, groups: int
) -> None:
    """Continuous scores (the sweep uses its grid): at exact parity ours ≥ fairlearn − 1e-9."""
    column, y, s, _ = _random(seed, n=20_000, groups=groups, digits=None)
    sweep = sweep_thresholds(column, y, s)
    assert len(np.unique(s)) > 5000
    assert not sweep.exact
    a = np.asarray(column[0].labels, dtype=object)[column[0].codes]
    theirs, frame = _fairlearn_accuracy(FAIRLEARN[strategy], y, s, a)
    point = find_strategy(sweep, strategy, randomized=True, tolerance=0.0)
    ours = summarize_points(sweep, [point]).iloc[0]
    assert ours["accuracy"] >= theirs - 1e-9
    disparity = {
        "demographic_parity": "demographic_parity_difference",
        "equal_opportunity": "equal_opportunity_difference",
        "equalized_odds": "equalized_odds_difference",
    }[strategy]
    assert ours[disparity] < 1e-9
    # fairlearn's point satisfies the same constraint (else the comparison would be unfair).
    positives, negatives = frame[frame["y"] == 1], frame[frame["y"] == 0]
    spread = {
        "demographic_parity": np.ptp(frame.groupby("a")["p"].mean()),
        "equal_opportunity": np.ptp(positives.groupby("a")["p"].mean()),
        "equalized_odds": max(
            np.ptp(positives.groupby("a")["p"].mean()),
            np.ptp(negatives.groupby("a")["p"].mean()),
        ),
    }[strategy]
    assert spread < 1e-9
    # Our accuracy is the expected accuracy of our randomized rule, row by row.
    chance = np.zeros(len(s))
    codes = column[0].codes
    for g in range(groups):
        for k, weight in zip(point.indices[g], point.weights[g], strict=True):
            chance += np.where((codes == g) & (s >= sweep.thresholds[k]), weight, 0.0)
    assert np.mean(np.where(y == 1, chance, 1 - chance)) == pytest.approx(
        ours["accuracy"], abs=1e-12
    )


@pytest.mark.parametrize("criterion", [*LEVEL, "equalized_odds"])
@pytest.mark.parametrize(
    ("tolerance", "cost_ratio", "weights"), [(0.0, 1.0, False), (0.02, 2.5, True)]
)
def test_randomized_optimum_on_the_grid_equals_the_one_on_every_distinct_score(
    criterion: str, tolerance: float, cost_ratio: float, weights: bool
) -> None:
    """The grid sweep (with the hull vertices) reaches the optimum of the all-scores sweep."""
    if criterion == "equalized_odds":
        tolerance = 0.0
    column, y, s, w = _random(80, n=12_000, groups=3, digits=None, weights=weights)
    grid = sweep_thresholds(column, y, s, sample_weight=w)
    every = sweep_thresholds(column, y, s, sample_weight=w, max_thresholds=20_000)
    assert not grid.exact
    assert every.exact
    assert len(grid.thresholds) < len(every.thresholds) / 3
    objective = "expected_cost" if cost_ratio != 1.0 else "accuracy"
    values = [
        _objective(
            sweep,
            find_strategy(
                sweep,
                criterion,
                objective=objective,  # type: ignore[arg-type]
                cost_ratio=cost_ratio,
                randomized=True,
                tolerance=tolerance,
            ),
            cost_ratio,
        )
        for sweep in (grid, every)
    ]
    assert values[0] == pytest.approx(values[1], rel=1e-9, abs=1e-9)
    best = [
        _objective(sweep, find_strategy(sweep, "best_per_group"), 1.0) for sweep in (grid, every)
    ]
    assert best[0] == pytest.approx(best[1], rel=1e-9, abs=1e-9)


def _lp_optimum(sweep: ThresholdSweep, criterion: str, c: float, tolerance: float) -> float:
    """Best objective sum over randomized rules, by linear programming (an independent oracle)."""
    tp, fp = sweep.selected[..., 1], sweep.selected[..., 0]
    g_count, t_count = tp.shape
    v = (tp - c * fp).ravel()
    n_var = g_count * t_count + 2  # weights, then L (level low) and (for EO) a spare
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for g in range(g_count):
        row = np.zeros(n_var)
        row[g * t_count : (g + 1) * t_count] = 1
        a_eq.append(row)
        b_eq.append(1.0)
    rates = group_rates(tp, fp, sweep.positives[:, None], sweep.negatives[:, None])
    if criterion == "equalized_odds":
        for name in ("true_positive_rate", "false_positive_rate"):
            x = rates[name]
            for g in range(1, g_count):
                row = np.zeros(n_var)
                row[g * t_count : (g + 1) * t_count] = x[g]
                row[:t_count] -= x[0]
                a_eq.append(row)
                b_eq.append(0.0)
    else:
        x = rates[LEVEL[criterion]]
        for g in range(g_count):
            low = np.zeros(n_var)  # L - level_g <= 0
            low[g * t_count : (g + 1) * t_count] = -x[g]
            low[-2] = 1
            high = -low  # level_g - L <= tolerance
            a_ub += [low, high]
            b_ub += [0.0, tolerance]
    cost = np.zeros(n_var)
    cost[: g_count * t_count] = -v
    bounds = [(0, None)] * (g_count * t_count) + [(None, None), (0, 0)]
    result = linprog(
        cost,
        A_ub=np.array(a_ub) if a_ub else None,
        b_ub=b_ub or None,
        A_eq=np.array(a_eq),
        b_eq=b_eq,
        bounds=bounds,
        method="highs",
    )
    assert result.success
    return float(-result.fun)


def _objective(sweep: ThresholdSweep, point: OperatingPoint, c: float) -> float:
    row = summarize_points(sweep, [point], cost_ratio=c).iloc[0]
    # expected cost = (c·FP + FN) / W = (P − (TP − c·FP)) / W
    return float(sweep.positives.sum() - row["expected_cost"] * sweep.total)


@pytest.mark.parametrize("criterion", [*LEVEL, "equalized_odds"])
@pytest.mark.parametrize(
    ("tolerance", "cost_ratio", "weights"), [(0.0, 1.0, False), (0.03, 2.5, True)]
)
def test_randomized_solution_equals_linear_programming_optimum(
    criterion: str, tolerance: float, cost_ratio: float, weights: bool
) -> None:
    """The randomized rule is the LP optimum of the objective under the constraint."""
    if criterion == "equalized_odds" and tolerance > 0:
        tolerance = 0.0  # equalized odds is exact only at parity (see the module docstring)
    groups, y, s, w = _random(30, n=400, groups=3, digits=1, weights=weights)
    sweep = sweep_thresholds(groups, y, s, sample_weight=w)
    objective = "expected_cost" if cost_ratio != 1.0 else "accuracy"
    point = find_strategy(
        sweep,
        criterion,
        objective=objective,  # type: ignore[arg-type]
        cost_ratio=cost_ratio,
        randomized=True,
        tolerance=tolerance,
    )
    expected = _lp_optimum(sweep, criterion, cost_ratio, tolerance)
    assert _objective(sweep, point, cost_ratio) == pytest.approx(expected, rel=1e-7, abs=1e-7)
    assert point.randomized or criterion != "equalized_odds"
    assert np.allclose(point.weights.sum(axis=1), 1.0)


def _brute_force(sweep: ThresholdSweep, criterion: str, c: float):
    """Every combination of one threshold per group: (disparity, objective)."""
    tp, fp = sweep.selected[..., 1], sweep.selected[..., 0]
    level = group_rates(tp, fp, sweep.positives[:, None], sweep.negatives[:, None])[
        LEVEL[criterion]
    ]
    v = tp - c * fp
    out = []
    for combo in itertools.product(range(tp.shape[1]), repeat=tp.shape[0]):
        levels = [level[g, k] for g, k in enumerate(combo)]
        out.append((max(levels) - min(levels), sum(v[g, k] for g, k in enumerate(combo))))
    return np.array(out)


@pytest.mark.parametrize("criterion", list(LEVEL))
def test_deterministic_frontier_and_strategies_match_brute_force(criterion: str) -> None:
    """On tiny data, each strategy is the brute-force best within its tolerance, and no
    combination of thresholds beats a frontier point on both disparity and objective."""
    groups, y, s, _ = _random(40, n=300, groups=3, digits=1)
    sweep = sweep_thresholds(groups, y, s)
    brute = _brute_force(sweep, criterion, 1.0)
    for tolerance in (0.0, 0.02, 0.05, 0.2):
        feasible = brute[brute[:, 0] <= tolerance + 1e-12]
        try:
            point = find_strategy(sweep, criterion, tolerance=tolerance)
        except InvalidInputError:
            assert len(feasible) == 0
            continue
        assert _objective(sweep, point, 1.0) == pytest.approx(feasible[:, 1].max())
        assert not point.randomized
    frontier = find_frontier(sweep, criterion)  # type: ignore[arg-type]
    for point in frontier.operating_points:
        d = summarize_points(sweep, [point]).iloc[0][
            {
                "demographic_parity": "demographic_parity_difference",
                "equal_opportunity": "equal_opportunity_difference",
                "equal_accuracy": "accuracy_difference",
            }[criterion]
        ]
        better = brute[
            (brute[:, 0] <= d + 1e-12) & (brute[:, 1] > _objective(sweep, point, 1) + 1e-9)
        ]
        assert len(better) == 0


def test_single_threshold_and_best_per_group_match_brute_force() -> None:
    """One shared threshold: best over thresholds; per group: each group's own best."""
    groups, y, s, w = _random(50, n=500, groups=3, digits=2, weights=True)
    sweep = sweep_thresholds(groups, y, s, sample_weight=w)
    single = find_strategy(sweep, "single_threshold")
    accuracies = [
        skm.accuracy_score(y, (s >= t).astype(int), sample_weight=w) for t in sweep.thresholds
    ]
    assert summarize_points(sweep, [single])["accuracy"].iloc[0] == pytest.approx(max(accuracies))
    best = find_strategy(sweep, "best_per_group", objective="expected_cost", cost_ratio=2.0)
    codes = groups[0].codes
    for g in range(3):
        mask = codes == g
        costs = [
            (2.0 * ((s[mask] >= t) & (y[mask] == 0)) * w[mask]).sum()
            + (((s[mask] < t) & (y[mask] == 1)) * w[mask]).sum()
            for t in sweep.thresholds
        ]
        assert costs[int(best.indices[g, 0])] == pytest.approx(min(costs))


@pytest.mark.parametrize("criterion", ["demographic_parity", "equalized_odds", "equal_accuracy"])
def test_frontier_is_a_pareto_front_for_six_groups(criterion: str) -> None:
    """Six groups: disparity rises and accuracy rises along the frontier, ending at the best."""
    groups, y, s, _ = _random(60, n=6000, groups=6)
    sweep = sweep_thresholds(groups, y, s)
    frontier = find_frontier(sweep, criterion, randomized=True)  # type: ignore[arg-type]
    points = frontier.points
    assert len(points) >= 3
    assert np.all(np.diff(points["disparity"]) > 0)
    assert np.all(np.diff(points["accuracy"]) > 0)
    assert points["randomized"].iloc[0]
    assert all("(randomized)" in label for label in points["label"])
    best = find_strategy(sweep, "best_per_group")
    assert points["accuracy"].iloc[-1] == pytest.approx(
        summarize_points(sweep, [best])["accuracy"].iloc[0]
    )
    assert len(frontier.operating_points) == len(points)


def test_evaluation_of_deterministic_point_matches_rows() -> None:
    """Per-group metrics, Wilson intervals and the change per 10,000 from the rows."""
    groups, y, s, _ = _random(70, n=2000, groups=3)
    sweep = sweep_thresholds(groups, y, s, threshold=0.5)
    point = find_strategy(sweep, "equal_opportunity", tolerance=0.02)
    result = evaluate_operating_point(sweep, point, verb="approvals")
    thresholds = sweep.thresholds[point.indices[:, 0]]
    codes = groups[0].codes
    decision = (s >= thresholds[codes]).astype(int)
    z = 1.959963984540054
    for g in range(3):
        mask = codes == g
        row = result.per_group.iloc[g]
        assert row["true_positive_rate"] == pytest.approx(skm.recall_score(y[mask], decision[mask]))
        assert row["precision"] == pytest.approx(skm.precision_score(y[mask], decision[mask]))
        assert row["accuracy"] == pytest.approx(skm.accuracy_score(y[mask], decision[mask]))
        k, n = decision[mask].sum(), mask.sum()
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        assert row["selection_rate_low"] == pytest.approx(centre - half)
        assert row["selection_rate_high"] == pytest.approx(centre + half)
        # The other rates' intervals against scipy's Wilson interval on their own denominators.
        from scipy.stats import binomtest

        t, dd = y[mask], decision[mask]
        for name, k_, n_ in (
            ("true_positive_rate", (t & dd).sum(), t.sum()),
            ("false_positive_rate", ((1 - t) & dd).sum(), (1 - t).sum()),
            ("precision", (t & dd).sum(), dd.sum()),
            ("accuracy", (t == dd).sum(), len(t)),
        ):
            ci = binomtest(int(k_), int(n_)).proportion_ci(method="wilson")
            assert (row[f"{name}_low"], row[f"{name}_high"]) == pytest.approx(
                (ci.low, ci.high), abs=1e-9
            ), name
        today = (s[mask] >= 0.5).sum()
        assert row["change_per_10000"] == pytest.approx((k - today) / len(y) * 10_000)
        assert result.thresholds.loc[g, "threshold"] == pytest.approx(thresholds[g])
        assert not result.thresholds.loc[g, "randomized"]
    overall = result.overall.set_index("measure")
    assert overall.loc["accuracy", "chosen"] == pytest.approx(skm.accuracy_score(y, decision))
    assert overall.loc["accuracy", "today"] == pytest.approx(
        skm.accuracy_score(y, (s >= 0.5).astype(int))
    )
    sentence = result.change_summary
    assert sentence.startswith("Per 10,000 decisions: ")
    assert "approvals for group" in sentence
    assert "accuracy " in sentence
    assert "points" in sentence
    assert "-" not in sentence.split(":")[1]  # signs use the minus sign, not a hyphen


def _half_away(value: float, digits: int = 0) -> float:
    return float(np.sign(value) * np.floor(abs(value) * 10**digits + 0.5) / 10**digits)


@pytest.mark.parametrize("seed", [71, 72, 73])
def test_change_sentence_numbers_signs_and_order_match_the_rows(seed: int) -> None:
    """Each group's change, its sign, the order by size and the accuracy points come from the
    decisions rebuilt row by row; the disparity before and after from sklearn's recall."""
    import re

    groups, y, s, _ = _random(seed, n=3000, groups=4)
    sweep = sweep_thresholds(groups, y, s, threshold=0.5)
    point = find_strategy(sweep, "equal_opportunity", tolerance=0.02)
    result = evaluate_operating_point(sweep, point, verb="approvals")
    codes = groups[0].codes
    names = groups[0].labels
    decision = (s >= sweep.thresholds[point.indices[:, 0]][codes]).astype(int)
    today = (s >= 0.5).astype(int)
    expected = {
        names[g]: _half_away((decision[codes == g].sum() - today[codes == g].sum()) / len(y) * 1e4)
        for g in range(4)
    }
    sentence = result.change_summary
    head, _, tail = sentence.partition(": ")
    assert head == "Per 10,000 decisions"
    changes, accuracy_part, disparity_part = tail.split("; ")[:3]
    got: dict[str, float] = {}
    order = []
    for i, part in enumerate(changes.split(", ")):
        if part.startswith("no change for "):
            got[part.removeprefix("no change for ")] = 0.0
            order.append(part.removeprefix("no change for "))
            continue
        match = re.fullmatch(r"([+−])([\d,]+) (approvals )?for (.+)", part)
        assert match, part
        sign, digits, verb, name = match.groups()
        assert (verb is not None) == (i == 0), part  # the verb once, on the first change
        got[name] = (1 if sign == "+" else -1) * float(digits.replace(",", ""))
        order.append(name)
    assert got == expected
    sizes = [abs(expected[name]) for name in order]
    assert sizes == sorted(sizes, reverse=True)
    points = (skm.accuracy_score(y, decision) - skm.accuracy_score(y, today)) * 100
    shown = accuracy_part.removeprefix("accuracy ").removesuffix(" points")
    assert float(shown.replace("−", "-").replace("+", "")) == pytest.approx(_half_away(points, 1))
    if _half_away(points, 1) == 0:
        assert shown == "0.0"

    def tpr_spread(d: np.ndarray) -> float:
        tprs = [skm.recall_score(y[codes == g], d[codes == g]) for g in range(4)]
        return max(tprs) - min(tprs)

    before, after = disparity_part.removeprefix("equal opportunity difference ").split(" → ")
    assert float(before) == pytest.approx(tpr_spread(today), abs=5e-4)
    assert float(after.rstrip(".")) == pytest.approx(tpr_spread(decision), abs=5e-4)


def test_signed_numbers_round_half_away_from_zero_and_never_show_minus_zero() -> None:
    """+0.5 → +1, −2.5 → −3, −0.04 → 0.0 (not −0.0): a reviewer never sees a signed zero."""
    from fairness_core.tradeoffs._operating_point import _signed

    assert _signed(0.5) == "+1"
    assert _signed(-2.5) == "−3"
    assert _signed(1234.4) == "+1,234"
    assert _signed(-0.04, 1) == "0.0"
    assert _signed(-0.05, 1) == "−0.1"


def test_evaluation_of_randomized_point_matches_per_row_probabilities() -> None:
    """Expected positive decisions of a randomized rule equal the sum of per-row chances."""
    groups, y, s, w = _random(80, n=1500, groups=3, weights=True)
    sweep = sweep_thresholds(groups, y, s, sample_weight=w)
    point = find_strategy(sweep, "equalized_odds", randomized=True)
    assert point.randomized
    result = evaluate_operating_point(sweep, point)
    codes = groups[0].codes
    # P(positive | score) = total weight of the group's thresholds at or below the score.
    chance = np.zeros(len(s))
    for g in range(3):
        for k, weight in zip(point.indices[g], point.weights[g], strict=True):
            chance += np.where((codes == g) & (s >= sweep.thresholds[k]), weight, 0.0)
    for g in range(3):
        mask = codes == g
        rate = np.average(chance[mask], weights=w[mask])
        tpr = np.average(chance[mask & (y == 1)], weights=w[mask & (y == 1)])
        assert result.per_group.loc[g, "selection_rate"] == pytest.approx(rate)
        assert result.per_group.loc[g, "true_positive_rate"] == pytest.approx(tpr)
    assert result.thresholds["randomized"].any()
    assert any("drawn at random" in rule for rule in result.thresholds["note"])
    assert "drawn at random" in result.change_summary
    assert "positive decisions for" in result.change_summary


def test_bad_strategy_objective_and_tolerance_are_refused() -> None:
    """Unknown names and out-of-range numbers get the house message."""
    groups, y, s, _ = _random(90, n=200, groups=2)
    sweep = sweep_thresholds(groups, y, s)
    with pytest.raises(InvalidInputError, match="strategy must be one of"):
        find_strategy(sweep, "fairest")
    with pytest.raises(InvalidInputError, match="objective must be"):
        find_strategy(sweep, "single_threshold", objective="profit")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="allowed disparity must be a number"):
        find_strategy(sweep, "demographic_parity", tolerance=-0.1)
    assert set(STRATEGIES) >= {
        "single_threshold",
        "demographic_parity",
        "equal_opportunity",
        "equal_accuracy",
        "best_per_group",
    }
