"""The sweep of an engine's histogram equals the sweep of the rows at every grid threshold.

Oracles: :func:`sweep_thresholds` on the validated rows (with ``max_thresholds=2`` its grid
holds every k / 1000), a brute-force count with pandas, and the memory engine for DuckDB.
The data are seeded and hold what trips a histogram up: weights, a "(missing)" group, a
group of one attribute missing from another's values, float32 scores (cast to double
before binning, so some sit just under a threshold) and a turned-round 1–10 risk score.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fairness_core.data import AuditData, ColumnRoles, score_scale
from fairness_core.engines import EngineCounts, count_audit
from fairness_core.errors import InvalidInputError
from fairness_core.tradeoffs import (
    CRITERIA,
    STRATEGIES,
    ThresholdSweep,
    evaluate_operating_point,
    find_frontier,
    find_strategy,
    sweep_audit,
    sweep_from_histogram,
    sweep_overall,
)

GRID = np.arange(1001) / 1000


def make_rows(seed: int, n: int = 4000, *, scores: str = "grid") -> pd.DataFrame:
    """Random audit rows; ``scores``: "grid" (k / 1000), "float32" or "any" (anywhere)."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(["female", "male", None], dtype=object), n, p=[0.45, 0.45, 0.1])
    race = rng.choice(["Asian", "Black", "White"], n)
    race[(sex == "female") & (race == "Asian")] = "White"  # an empty intersection
    chance = np.where(sex == "female", 0.35, 0.55)
    outcome = (rng.random(n) < chance).astype(int)
    raw = np.clip(rng.normal(0.3 + 0.35 * outcome, 0.2), 0, 1)
    if scores == "grid":
        score = np.round(raw * 1000) / 1000
    elif scores == "float32":
        score = (np.round(raw * 1000) / 1000).astype(np.float32)
    else:
        score = raw
    return pd.DataFrame(
        {
            "outcome": outcome,
            "sex": sex,
            "race": race,
            "score": score,
            "weight": rng.gamma(2.0, 1.0, n),
        }
    )


def roles_for(*, weighted: bool, **extra: object) -> ColumnRoles:
    options: dict[str, object] = {"score": "score", "threshold": 0.5, **extra}
    return ColumnRoles(
        target="outcome",
        positive_label=1,
        protected=("sex", "race"),
        source="score",
        weight="weight" if weighted else None,
        **options,  # type: ignore[arg-type]
    )


def counted(
    path: Path, roles: ColumnRoles, attributes: tuple[str, ...], engine: str = "memory"
) -> EngineCounts:
    return count_audit(path, roles, [attributes], engine=engine)  # type: ignore[arg-type]


def engine_sweep(result: EngineCounts) -> ThresholdSweep:
    histogram = result.histograms[0]
    assert histogram is not None
    roles = result.roles
    scale = score_scale(roles)
    return sweep_from_histogram(histogram, result.counts[0], threshold=roles.threshold, scale=scale)


def rows_sweep(audit: AuditData | None, attributes: tuple[str, ...]) -> ThresholdSweep:
    """The oracle: the rows' sweep on a grid that holds every k / 1000."""
    assert audit is not None
    return sweep_audit(audit, attributes, max_thresholds=2)


def assert_same_at_grid(got: ThresholdSweep, want: ThresholdSweep) -> None:
    """Every table of ``got`` equals ``want``'s at ``got``'s thresholds (all on ``want``'s)."""
    assert got.labels == want.labels
    assert got.attributes == want.attributes
    assert got.weighted == want.weighted
    assert got.exact is False
    np.testing.assert_array_equal(got.thresholds, np.append(GRID, np.inf))
    at = np.searchsorted(want.thresholds, got.thresholds)
    np.testing.assert_array_equal(want.thresholds[at], got.thresholds)  # all of them there
    np.testing.assert_array_equal(got.selected_rows, want.selected_rows[:, at])
    np.testing.assert_allclose(got.selected, want.selected[:, at], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(
        got.selected_squared, want.selected_squared[:, at], rtol=1e-12, atol=1e-9
    )
    np.testing.assert_array_equal(got.today_rows, want.today_rows)
    np.testing.assert_allclose(got.today, want.today, rtol=1e-12)
    assert got.today_threshold == want.today_threshold
    pd.testing.assert_frame_equal(got.calibration, want.calibration, rtol=1e-12)
    pd.testing.assert_frame_equal(got.distribution, want.distribution, rtol=1e-12)


@pytest.mark.parametrize("scores", ["grid", "float32", "any"])
@pytest.mark.parametrize("weighted", [True, False])
@pytest.mark.parametrize("attributes", [("race",), ("sex", "race")])
def test_the_sweep_equals_the_rows_sweep_at_every_grid_threshold(
    tmp_path: Path, scores: str, weighted: bool, attributes: tuple[str, ...]
) -> None:
    frame = make_rows(3, scores=scores)
    path = tmp_path / "rows.parquet"
    frame.to_parquet(path, index=False)
    result = counted(path, roles_for(weighted=weighted), attributes)
    sweep = engine_sweep(result)
    if len(attributes) == 2:
        assert ("(missing)", "Black") in sweep.labels  # the missing group is a group
        assert ("female", "Asian") not in sweep.labels  # an empty one is not
    assert_same_at_grid(sweep, rows_sweep(result.audit, attributes))


def test_a_risk_score_on_its_own_turned_round_scale(tmp_path: Path) -> None:
    """Risk 1–10, lower favourable: the histogram is of the audit scores, rules on the risk."""
    frame = make_rows(4, scores="grid")
    frame["risk"] = 1 + 9 * (1 - frame["score"])
    path = tmp_path / "rows.parquet"
    frame.to_parquet(path, index=False)
    roles = roles_for(
        weighted=True,
        score="risk",
        threshold=0.4,
        score_range=(1.0, 10.0),
        higher_score_favourable=False,
    )
    result = counted(path, roles, ("race",))
    sweep = engine_sweep(result)
    assert sweep.scale is not None
    assert sweep.scale.high == 10.0
    want = rows_sweep(result.audit, ("race",))
    assert_same_at_grid(sweep, want)
    point = find_strategy(sweep, "single_threshold")
    evaluation = evaluate_operating_point(sweep, point)
    threshold = evaluation.thresholds["threshold"].iloc[0]
    assert 1.0 <= threshold <= 10.0  # the rule is written on the risk scale
    assert "or less" in evaluation.thresholds["note"].iloc[0]


def brute_force(frame: pd.DataFrame, race: str, threshold: float, outcome: int) -> float:
    score = frame["score"].to_numpy(dtype=np.float64)
    keep = (frame["race"] == race) & (frame["outcome"] == outcome) & (score >= threshold)
    return float(frame.loc[keep, "weight"].sum())


def test_a_brute_force_count_at_a_few_thresholds(tmp_path: Path) -> None:
    frame = make_rows(5, scores="float32")
    path = tmp_path / "rows.parquet"
    frame.to_parquet(path, index=False)
    sweep = engine_sweep(counted(path, roles_for(weighted=True), ("race",)))
    for g, (race,) in enumerate(sweep.labels):
        for k in (0, 1, 299, 300, 500, 777, 1000, 1001):
            for y in (0, 1):
                want = brute_force(frame, race, sweep.thresholds[k], y)
                assert sweep.selected[g, k, y] == pytest.approx(want, rel=1e-12, abs=1e-9)
        today = frame[(frame["race"] == race)]
        decided = today["score"].astype(np.float64) >= 0.5
        tp = today.loc[decided & (today["outcome"] == 1), "weight"].sum()
        assert sweep.today[g, 0] == pytest.approx(tp, rel=1e-12)


@pytest.mark.parametrize("weighted", [True, False])
@pytest.mark.parametrize("criterion", list(CRITERIA))
def test_frontier_and_operating_points_agree_with_the_rows(
    tmp_path: Path, weighted: bool, criterion: str
) -> None:
    """Scores on the grid: both sweeps hold the same thresholds, so every result is equal."""
    frame = make_rows(6, scores="grid")
    path = tmp_path / "rows.parquet"
    frame.to_parquet(path, index=False)
    result = counted(path, roles_for(weighted=weighted), ("sex", "race"))
    got, want = engine_sweep(result), rows_sweep(result.audit, ("sex", "race"))
    np.testing.assert_array_equal(got.thresholds, want.thresholds)
    for randomized in (False, True):
        if criterion == "equalized_odds" and not randomized:
            continue
        options = {"criterion": criterion, "randomized": randomized, "cost_ratio": 2.0}
        a = find_frontier(got, **options)  # type: ignore[arg-type]
        b = find_frontier(want, **options)  # type: ignore[arg-type]
        numbers = ["disparity", "accuracy", "balanced_accuracy", "expected_cost"]
        pd.testing.assert_frame_equal(a.points[numbers], b.points[numbers], rtol=1e-12)
        for p, q in zip(a.operating_points, b.operating_points, strict=True):
            left = evaluate_operating_point(got, p, criterion=criterion)  # type: ignore[arg-type]
            right = evaluate_operating_point(want, q, criterion=criterion)  # type: ignore[arg-type]
            pd.testing.assert_frame_equal(left.per_group, right.per_group, rtol=1e-12)
            pd.testing.assert_frame_equal(left.overall, right.overall, rtol=1e-12)
            assert [r.sentence for r in left.rules] == [r.sentence for r in right.rules]
    for name in STRATEGIES:
        p, q = find_strategy(got, name, randomized=True), find_strategy(want, name, randomized=True)
        left, right = evaluate_operating_point(got, p), evaluate_operating_point(want, q)
        pd.testing.assert_frame_equal(left.per_group, right.per_group, rtol=1e-12)
    pd.testing.assert_frame_equal(sweep_overall(got), sweep_overall(want), rtol=1e-12)


@pytest.mark.parametrize("weighted", [True, False])
def test_duckdb_gives_the_memory_engines_sweep(tmp_path: Path, weighted: bool) -> None:
    frame = make_rows(7, scores="float32")
    path = tmp_path / "rows.parquet"
    frame.to_parquet(path, index=False)
    roles = roles_for(weighted=weighted)
    memory = engine_sweep(counted(path, roles, ("sex", "race"), "memory"))
    duck = engine_sweep(counted(path, roles, ("sex", "race"), "duckdb"))
    assert duck.labels == memory.labels
    np.testing.assert_array_equal(duck.selected_rows, memory.selected_rows)
    np.testing.assert_allclose(duck.selected, memory.selected, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(duck.selected_squared, memory.selected_squared, rtol=1e-12)
    np.testing.assert_allclose(duck.today, memory.today, rtol=1e-12)
    pd.testing.assert_frame_equal(duck.calibration, memory.calibration, rtol=1e-12)
    pd.testing.assert_frame_equal(duck.distribution, memory.distribution, rtol=1e-12)
    a = find_frontier(duck, "demographic_parity", randomized=True)
    b = find_frontier(memory, "demographic_parity", randomized=True)
    pd.testing.assert_frame_equal(a.points, b.points, rtol=1e-12)


def test_counts_of_other_groups_are_refused(tmp_path: Path) -> None:
    frame = make_rows(8)
    path = tmp_path / "rows.parquet"
    frame.to_parquet(path, index=False)
    roles = roles_for(weighted=False)
    by_race = counted(path, roles, ("race",))
    by_sex = counted(path, roles, ("sex",))
    assert by_race.histograms[0] is not None
    with pytest.raises(InvalidInputError, match="different groups"):
        sweep_from_histogram(by_race.histograms[0], by_sex.counts[0], threshold=0.5)
    with pytest.raises(InvalidInputError, match="from 0 to 1"):
        sweep_from_histogram(by_race.histograms[0], by_race.counts[0], threshold=1.5)
