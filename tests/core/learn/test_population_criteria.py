"""The practice population and the criteria the Learn page shows, against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from fairness_core.errors import InvalidInputError
from fairness_core.learn import (
    PopulationSettings,
    check_criteria,
    find_matching_threshold,
    make_population,
)
from fairness_core.metrics import compute_calibration_by_group, compute_subgroup_report

TOL = 0.05


def brute_rates(population, thresholds, group):
    """Rates of one group by masks and sklearn's confusion matrix (independent of the core)."""
    mask = population.group == group
    y = population.y_true[mask]
    d = (population.score[mask] >= thresholds[group]).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, d, labels=[0, 1]).ravel()
    return {
        "base_rate": (tp + fn) / len(y),
        "selection_rate": (tp + fp) / len(y),
        "true_positive_rate": tp / (tp + fn),
        "false_positive_rate": fp / (fp + tn),
        "false_negative_rate": fn / (tp + fn),
        "precision": tp / (tp + fp) if tp + fp else np.nan,
    }


def brute_ece(score, y, n_bins=10):
    """Expected calibration error, bins (a, b] with the first [0, b], by a Python loop."""
    total, n = 0.0, len(score)
    for b in range(n_bins):
        low, high = b / n_bins, (b + 1) / n_bins
        in_bin = (score > low) & (score <= high) if b else (score >= 0) & (score <= high)
        if in_bin.any():
            total += in_bin.sum() / n * abs(score[in_bin].mean() - y[in_bin].mean())
    return total


def test_the_same_settings_draw_the_same_people_and_the_base_rates_asked_for() -> None:
    """Seeded: two draws are identical; each group's share of positives is near its base rate."""
    settings = PopulationSettings(base_rates=(0.2, 0.7), separation=0.4, seed=3)
    one, two = make_population(settings), make_population(settings)
    assert np.array_equal(one.score, two.score)
    assert np.array_equal(one.y_true, two.y_true)
    for g, rate in enumerate(settings.base_rates):
        assert abs(one.y_true[one.group == g].mean() - rate) < 0.03
    other = make_population(PopulationSettings(base_rates=(0.2, 0.7), separation=0.4, seed=4))
    assert not np.array_equal(one.score, other.score)


def test_the_score_is_calibrated_within_each_group_by_construction() -> None:
    """Among people scored in a band, the share with the positive outcome matches the band."""
    population = make_population(PopulationSettings(base_rates=(0.3, 0.6), n_per_group=20_000))
    for g in (0, 1):
        mask = population.group == g
        assert brute_ece(population.score[mask], population.y_true[mask]) < 0.02


@pytest.mark.parametrize(
    ("base_rates", "separation", "thresholds"),
    [((0.3, 0.6), 0.5, (0.5, 0.5)), ((0.4, 0.4), 0.3, (0.4, 0.6)), ((0.2, 0.5), 0.8, (0.3, 0.7))],
)
def test_every_number_shown_equals_brute_force_and_the_core(base_rates, separation, thresholds):
    """Rates, gaps, calibration errors and mean scores equal numpy/sklearn and the core's report."""
    population = make_population(PopulationSettings(base_rates=base_rates, separation=separation))
    result = check_criteria(population, thresholds, tolerance=TOL)
    brute = [brute_rates(population, thresholds, g) for g in (0, 1)]
    for metric, values in result.rates.items():
        assert values == pytest.approx([b[metric] for b in brute], abs=1e-12), metric
    gaps = {
        "demographic parity": abs(brute[0]["selection_rate"] - brute[1]["selection_rate"]),
        "equal opportunity": abs(brute[0]["true_positive_rate"] - brute[1]["true_positive_rate"]),
        "equalized odds": max(
            abs(brute[0]["true_positive_rate"] - brute[1]["true_positive_rate"]),
            abs(brute[0]["false_positive_rate"] - brute[1]["false_positive_rate"]),
        ),
        "predictive parity": abs(brute[0]["precision"] - brute[1]["precision"]),
    }
    scores = population.decision_scores(thresholds)
    eces = [
        brute_ece(scores[population.group == g], population.y_true[population.group == g])
        for g in (0, 1)
    ]
    gaps["calibration within groups"] = max(eces)
    for outcome, key in (
        (1, "balance for the positive class"),
        (0, "balance for the negative class"),
    ):
        means = [
            scores[(population.group == g) & (population.y_true == outcome)].mean() for g in (0, 1)
        ]
        gaps[key] = abs(means[0] - means[1])
        assert result.criterion(key).values == pytest.approx(means, abs=1e-12)
    for key, gap in gaps.items():
        criterion = result.criterion(key)
        assert criterion.gap == pytest.approx(gap, abs=1e-12), key
        assert criterion.holds == (gap <= (TOL if key != "calibration within groups" else 0.05))
    # The Subgroups page's own call on the same data gives the same summaries.
    audit = population.audit_data(thresholds)
    report = compute_subgroup_report(audit, attributes=("group",), min_n=1, n_bootstrap=0)
    assert result.criterion("equal opportunity").gap == pytest.approx(
        report.summary["equal_opportunity_difference"], abs=1e-12
    )
    calibration = compute_calibration_by_group(audit, ("group",))
    assert result.criterion("calibration within groups").values == pytest.approx(
        list(calibration.groups["ece"]), abs=1e-12
    )


def test_decisions_with_one_threshold_per_group_equal_moved_scores_at_one_threshold() -> None:
    """A different threshold for group B is group B's scores moved by the difference."""
    population = make_population(PopulationSettings(separation=0.6))
    thresholds = (0.4, 0.65)
    moved = population.decision_scores(thresholds) >= thresholds[0]
    inside = (population.score > 0.3) & (population.score < 0.95)  # away from the 0–1 clip
    assert np.array_equal(moved[inside], population.decisions(thresholds)[inside].astype(bool))
    assert np.array_equal(population.decision_scores((0.5, 0.5)), population.score)


def test_chouldechovas_identity_holds_in_every_group() -> None:
    """FPR = p/(1−p) · (1−PPV)/PPV · (1−FNR), measured against implied, per group."""
    population = make_population(PopulationSettings(base_rates=(0.25, 0.55), separation=0.4))
    for identity in check_criteria(population, (0.45, 0.6)).identities:
        assert identity.implied_fpr == pytest.approx(identity.false_positive_rate, rel=1e-9)


# --- The impossibility result -----------------------------------------------------------


@pytest.mark.parametrize("separation", [0.3, 0.5, 0.7])
def test_unequal_base_rates_calibrated_score_one_threshold_never_equal_error_rates(separation):
    """Calibrated, imperfect, base rates 0.3 / 0.6: no common threshold equalises FPR and FNR.

    Thresholds that select almost nobody or almost everybody (under 5% or over 95% in a
    group) are left out: there both error rates are near 0 or 1 in every group, trivially.
    """
    population = make_population(PopulationSettings(base_rates=(0.3, 0.6), separation=separation))
    tested = 0
    for t in np.arange(0.05, 0.96, 0.05):
        a, b = (brute_rates(population, (t, t), g) for g in (0, 1))
        if not all(0.05 <= r["selection_rate"] <= 0.95 for r in (a, b)):
            continue
        tested += 1
        both = (
            abs(a["false_positive_rate"] - b["false_positive_rate"]) <= TOL
            and abs(a["false_negative_rate"] - b["false_negative_rate"]) <= TOL
        )
        assert not both, t
    assert tested >= 5
    result = check_criteria(population, (0.5, 0.5), tolerance=TOL)
    assert result.criterion("calibration within groups").holds
    assert not result.criterion("equalized odds").holds
    # Kleinberg et al.: calibrated, so the balance conditions fail.
    assert not result.criterion("balance for the positive class").holds
    assert not result.criterion("balance for the negative class").holds


def test_unequal_base_rates_no_pair_of_thresholds_gives_equal_errors_and_predictive_parity():
    """Chouldechova: equal precision, FPR and FNR together fail at every pair of thresholds."""
    population = make_population(PopulationSettings(base_rates=(0.3, 0.6), separation=0.5))
    grid = np.arange(0.05, 0.96, 0.05)
    tested = 0
    for ta, tb in itertools.product(grid, grid):
        a = brute_rates(population, (ta, tb), 0)
        b = brute_rates(population, (ta, tb), 1)
        if not all(0.05 <= r["selection_rate"] <= 0.95 for r in (a, b)):
            continue  # a near-trivial decision (see the test above)
        tested += 1
        gaps = [
            abs(a[m] - b[m]) for m in ("false_positive_rate", "false_negative_rate", "precision")
        ]
        assert not all(g <= TOL for g in gaps), (ta, tb)
    assert tested >= 100


def test_equalising_the_true_positive_rates_breaks_calibration_and_predictive_parity():
    """Group B's threshold moved until its true positive rate matches A's: calibration fails."""
    population = make_population(PopulationSettings(base_rates=(0.3, 0.6), separation=0.5))
    best = min(
        np.arange(0.3, 0.95, 0.01),
        key=lambda tb: abs(
            brute_rates(population, (0.5, tb), 0)["true_positive_rate"]
            - brute_rates(population, (0.5, tb), 1)["true_positive_rate"]
        ),
    )
    result = check_criteria(population, (0.5, float(best)), tolerance=TOL)
    assert result.criterion("equal opportunity").holds
    assert not result.criterion("calibration within groups").holds
    assert not result.criterion("predictive parity").holds


@pytest.mark.parametrize("thresholds", [(0.5, 0.5), (0.3, 0.3), (0.9, 0.9)])
def test_perfect_scores_satisfy_every_error_and_calibration_criterion(thresholds):
    """Perfect separation: calibration, equalized odds, predictive parity and balance all hold."""
    population = make_population(PopulationSettings(base_rates=(0.3, 0.6), separation=1.0))
    result = check_criteria(population, thresholds)
    assert set(result.holding()) >= {
        "equal opportunity", "equalized odds", "predictive parity", "calibration within groups",
        "balance for the positive class", "balance for the negative class",
    }  # fmt: skip
    assert not result.criterion("demographic parity").holds  # selection rates = base rates


def test_equal_base_rates_let_every_criterion_hold_at_one_threshold():
    """Same base rate and separation: the two groups differ only by chance, within the line."""
    population = make_population(PopulationSettings(base_rates=(0.4, 0.4), separation=0.5))
    result = check_criteria(population, (0.5, 0.5))
    assert len(result.holding()) == len(result.criteria)


@pytest.mark.parametrize(
    "settings",
    [
        PopulationSettings(base_rates=(0.0, 0.5)),
        PopulationSettings(separation=1.5),
        PopulationSettings(n_per_group=10),
        PopulationSettings(group_names=("A", "A")),
    ],
)
def test_bad_settings_are_refused_with_the_remedy(settings) -> None:
    """Out-of-range settings raise the core's input error saying what to choose."""
    with pytest.raises(InvalidInputError, match="Choose values in those ranges"):
        make_population(settings)


def test_bad_thresholds_and_lines_are_refused() -> None:
    """A threshold outside 0–1 or a line outside 0–1 raises the core's input error."""
    population = make_population(PopulationSettings(n_per_group=100))
    with pytest.raises(InvalidInputError, match="between 0 and 1"):
        check_criteria(population, (0.5, 1.5))
    with pytest.raises(InvalidInputError, match="between 0 and 1"):
        check_criteria(population, (0.5, 0.5), tolerance=0)


@pytest.mark.parametrize("metric", ["selection_rate", "true_positive_rate", "precision"])
def test_the_matching_threshold_is_the_best_on_the_grid(metric: str) -> None:
    """Group B's suggested threshold gives the smallest gap to Group A of any grid threshold."""
    population = make_population(PopulationSettings(base_rates=(0.3, 0.6), n_per_group=2_000))
    found = find_matching_threshold(population, 0.5, metric)
    gaps = {
        round(t, 2): abs(
            brute_rates(population, (0.5, t), 0)[metric]
            - brute_rates(population, (0.5, t), 1)[metric]
        )
        for t in np.arange(0.05, 0.951, 0.01)
    }
    assert gaps[found] == pytest.approx(min(g for g in gaps.values() if np.isfinite(g)))
    # Group B, with the higher base rate, selects more at 0.5 and is more often right.
    assert found > 0.5 if metric != "precision" else found < 0.5


def test_only_rates_can_be_matched() -> None:
    """Matching a measure that is not a rate of the decision raises the core's input error."""
    population = make_population(PopulationSettings(n_per_group=100))
    with pytest.raises(InvalidInputError, match="Only these rates can be matched"):
        find_matching_threshold(population, 0.5, "roc_auc")
