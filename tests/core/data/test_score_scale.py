"""Scores of any scale: a COMPAS-shaped risk score (1-10, higher = riskier) audited as is."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from fairness_core.data import (
    ColumnRoles,
    ScoreScale,
    check_audit_data,
    describe_threshold,
    find_problems,
    score_scale,
)
from fairness_core.errors import InvalidInputError, ValidationFailedError
from fairness_core.metrics import compute_calibration_by_group, compute_subgroup_report
from fairness_core.report._review import roles_from_dict, roles_to_dict
from fairness_core.reviews import decode, encode


def compas_like(n: int = 3000, seed: int = 7) -> pd.DataFrame:
    """A COMPAS-shaped table: decile_score 1-10 (higher = riskier) and two_year_recid."""
    rng = np.random.default_rng(seed)
    race = rng.choice(["African-American", "Caucasian", "Hispanic"], n, p=[0.5, 0.35, 0.15])
    shift = np.select([race == "African-American", race == "Hispanic"], [1.5, 0.5], 0.0)
    decile = np.clip(np.round(rng.normal(4.5 + shift, 2.5)), 1, 10).astype(np.int64)
    recid = (rng.random(n) < 0.15 + 0.06 * decile).astype(np.int64)
    return pd.DataFrame(
        {
            "sex": rng.choice(["Male", "Female"], n, p=[0.8, 0.2]),
            "race": race,
            "decile_score": decile,
            "two_year_recid": recid,
        }
    )


#: Not re-offending (0) is the favourable outcome; a high decile score the unfavourable decision.
ROLES = ColumnRoles(
    target="two_year_recid",
    protected=("race",),
    positive_label=0,
    source="score",
    score="decile_score",
    threshold=0.5,
    score_range=(1.0, 10.0),
    higher_score_favourable=False,
)


def test_the_scale_converts_both_ways() -> None:
    """1 → 1.0, 10 → 0.0 when higher is unfavourable; a threshold maps back to its cut."""
    scale = ScoreScale(1.0, 10.0, higher_favourable=False)
    assert scale.to_audit(np.array([1, 10, 5.5])).tolist() == [1.0, 0.0, 0.5]
    assert scale.to_original(0.5) == 5.5
    assert scale.to_original(scale.from_original(6)) == 6.0
    up = ScoreScale(0.0, 100.0)
    assert up.to_audit(np.array([0, 25, 100])).tolist() == [0.0, 0.25, 1.0]
    assert up.to_original(0.7) == 70.0
    assert score_scale(ColumnRoles("y", ("g",))).is_unit


def test_a_decile_score_without_a_scale_is_refused_with_the_way_to_set_it() -> None:
    """The message names the observed range, the page's 'Score scale' and --score-range."""
    roles = dataclasses.replace(ROLES, score_range=None, higher_score_favourable=True)
    (problem,) = find_problems(compas_like(), roles)
    assert problem.code == "score_out_of_range"
    assert problem.what == (
        "The score column 'decile_score' has values from 1 to 10, not probabilities from 0 to 1."
    )
    assert "--score-range 1 10" in problem.fix
    assert "'Score scale'" in problem.fix


def test_scores_outside_the_set_scale_and_a_reversed_scale_are_refused() -> None:
    """A scale of 1-5 for scores up to 10, or from 10 down to 1, is an error with a remedy."""
    narrow = find_problems(compas_like(), dataclasses.replace(ROLES, score_range=(1.0, 5.0)))
    assert [p.code for p in narrow] == ["score_outside_scale"]
    assert "from 1 to 10" in narrow[0].fix
    reversed_ = find_problems(compas_like(), dataclasses.replace(ROLES, score_range=(10.0, 1.0)))
    assert [p.code for p in reversed_] == ["bad_score_range"]


def test_metrics_equal_a_brute_force_count_on_the_flipped_scores() -> None:
    """Selection, true and false positive rates per race from the raw deciles by hand."""
    frame = compas_like()
    audit = check_audit_data(frame, ROLES)
    assert np.allclose(audit.y_score, (10 - frame["decile_score"]) / 9)
    report = compute_subgroup_report(audit, attributes=["race"], n_bootstrap=20)
    # Threshold 0.5 on audit scores = decile 5.5 or less: deciles 1 to 5 are favourable.
    favourable = frame["decile_score"].to_numpy() <= 5
    good = frame["two_year_recid"].to_numpy() == 0
    table = report.groups.set_index(["group", "metric"])["value"]
    for race in frame["race"].unique():
        m = frame["race"].to_numpy() == race
        assert table[(race, "selection_rate")] == pytest.approx(favourable[m].mean(), abs=1e-12)
        assert table[(race, "true_positive_rate")] == pytest.approx(
            favourable[m & good].mean(), abs=1e-12
        )
        assert table[(race, "false_positive_rate")] == pytest.approx(
            favourable[m & ~good].mean(), abs=1e-12
        )


def test_calibration_uses_the_rescaled_scores() -> None:
    """Calibration's mean score per race is the mean of (10 - decile) / 9 there."""
    frame = compas_like()
    audit = check_audit_data(frame, ROLES)
    result = compute_calibration_by_group(audit, ["race"])
    table = result.groups.set_index("group")
    for race in frame["race"].unique():
        m = frame["race"] == race
        expected = ((10 - frame.loc[m, "decile_score"]) / 9).mean()
        assert table.loc[race, "mean_score"] == pytest.approx(expected, abs=1e-12)


def test_the_threshold_is_worded_on_the_scores_own_scale() -> None:
    """'5.5 or less' when higher is unfavourable, '70 or more' on a 0-100 favourable scale."""
    assert describe_threshold(ROLES) == (
        "a 'decile_score' of 5.5 or less gets the favourable decision, above 5.5 the "
        "unfavourable one (scores from 1 to 10, a higher score is unfavourable)"
    )
    points = dataclasses.replace(
        ROLES, score="points", score_range=(0.0, 100.0), higher_score_favourable=True, threshold=0.7
    )
    assert describe_threshold(points).startswith(
        "a 'points' of 70 or more gets the favourable decision, below 70 the unfavourable one"
    )
    plain = ColumnRoles("y", ("g",), source="score", score="p", threshold=0.5)
    assert describe_threshold(plain) == (
        "a 'p' of 0.5 or more gets the favourable decision, below 0.5 the unfavourable one"
    )


def test_the_scale_survives_the_review_codec() -> None:
    """ColumnRoles with a scale and a direction come back equal from the review JSON."""
    again = decode(json.loads(json.dumps(encode(ROLES), allow_nan=False)))
    assert again == ROLES
    assert again.score_range == (1.0, 10.0)
    assert again.higher_score_favourable is False


def test_the_scale_survives_the_bundles_roles_dict() -> None:
    """roles_to_dict / roles_from_dict keep the scale; an old dict without it reads as 0-1."""
    data = json.loads(json.dumps(roles_to_dict(ROLES)))
    assert data["score_range"] == [1.0, 10.0]
    assert data["higher_score_favourable"] is False
    assert roles_from_dict(data) == ROLES
    old = {k: v for k, v in data.items() if k not in {"score_range", "higher_score_favourable"}}
    legacy = roles_from_dict(old)
    assert legacy.score_range is None
    assert legacy.higher_score_favourable is True
    with pytest.raises(InvalidInputError, match="could not be read"):
        roles_from_dict({**data, "score_range": [1.0]})


def test_a_flipped_0_to_1_score_needs_no_range() -> None:
    """A probability of default (higher = worse) is turned round without a range."""
    frame = pd.DataFrame(
        {"y": [1, 0, 1, 0], "g": ["a", "a", "b", "b"], "p_default": [0.1, 0.9, 0.3, 0.6]}
    )
    roles = ColumnRoles(
        "y", ("g",), positive_label=1, source="score", score="p_default",
        higher_score_favourable=False,
    )  # fmt: skip
    audit = check_audit_data(frame, roles)
    assert np.allclose(audit.y_score, [0.9, 0.1, 0.7, 0.4])
    assert audit.y_pred.tolist() == [1, 0, 1, 0]


def test_validation_error_lists_the_scale_problem() -> None:
    """check_audit_data raises with the scale problem among the listed ones."""
    with pytest.raises(ValidationFailedError, match="Score scale"):
        check_audit_data(compas_like(), dataclasses.replace(ROLES, score_range=None))
