"""Fair lending: adverse impact ratio, approval-rate difference and the standardized mean
difference of scores (Cohen's d, pooled standard deviation) against numpy and scipy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from fairness_core.data import ColumnRoles, check_audit_data
from fairness_core.policies import evaluate_policy, load_policy


def _loans(shift: float, n: int = 300, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    race = np.repeat(["White", "Black"], n)
    score = np.clip(rng.normal(0.6, 0.15, 2 * n) - np.where(race == "Black", shift, 0), 0, 1)
    repaid = (rng.random(2 * n) < score).astype(int)
    return pd.DataFrame({"race": race, "score": score, "repaid": repaid})


def _audit(frame: pd.DataFrame):
    roles = ColumnRoles(target="repaid", protected=("race",), positive_label=1,
                        source="score", score="score", threshold=0.5)  # fmt: skip
    return check_audit_data(frame, roles)


def _by_id(result):
    return {r.requirement: r for r in result.requirements}


def test_smd_is_cohens_d_with_the_pooled_sd_and_students_t() -> None:
    """The SMD and its p-value equal Cohen's d by numpy and scipy's pooled t-test."""
    frame = _loans(shift=0.08)
    result = _by_id(evaluate_policy(load_policy("fair-lending"), _audit(frame)))["score_smd"]
    white = frame.loc[frame["race"] == "White", "score"].to_numpy()
    black = frame.loc[frame["race"] == "Black", "score"].to_numpy()
    n1, n2 = len(black), len(white)
    pooled = np.sqrt(((n1 - 1) * black.var(ddof=1) + (n2 - 1) * white.var(ddof=1)) / (n1 + n2 - 2))
    d = (black.mean() - white.mean()) / pooled
    row = result.groups.set_index("group").loc["Black"]
    assert row["value"] == pytest.approx(d)
    assert row["p_value"] == pytest.approx(stats.ttest_ind(black, white).pvalue)
    assert row["reference"] == "White"
    assert d < -0.3
    assert result.status == "not met"
    assert "standardized mean difference of scores" in result.reason
    assert "the line −0.3 " in result.reason  # one minus sign for the value and the line


def test_a_small_score_gap_meets_the_smd_line() -> None:
    """A gap of about 0.1 standard deviations is within the 0.3 line."""
    result = _by_id(evaluate_policy(load_policy("fair-lending"), _audit(_loans(shift=0.015))))
    assert result["score_smd"].status == "met"
    assert -0.3 < result["score_smd"].value < 0


def test_air_and_difference_use_the_approval_rates() -> None:
    """The adverse impact ratio and the approval-rate difference are the rates' ratio and gap."""
    frame = _loans(shift=0.08)
    data = _audit(frame)
    result = _by_id(evaluate_policy(load_policy("fair-lending"), data))
    approved = pd.Series(data.y_pred, index=frame.index).groupby(frame["race"]).mean()
    assert result["adverse_impact_ratio"].value == pytest.approx(
        approved["Black"] / approved["White"]
    )
    assert result["approval_rate_difference"].value == pytest.approx(
        approved["Black"] - approved["White"]
    )
    # The reasons use the policy's words for the rate, as its titles do.
    assert "impact ratio of approval rates 0.782" in result["adverse_impact_ratio"].reason
    assert "approval rate difference −0.160" in result["approval_rate_difference"].reason


def test_without_scores_the_smd_is_not_assessed() -> None:
    """Decisions only: the SMD is not assessed and says it needs scores."""
    frame = _loans(shift=0.08).assign(decision=lambda f: (f["score"] >= 0.5).astype(int))
    roles = ColumnRoles(target="repaid", protected=("race",), positive_label=1,
                        prediction="decision")  # fmt: skip
    result = _by_id(evaluate_policy(load_policy("fair-lending"), check_audit_data(frame, roles)))
    assert result["score_smd"].status == "not assessed"
    assert "needs the model's scores" in result["score_smd"].reason


def test_smd_against_overall_compares_each_group_with_everyone_else() -> None:
    """Reference "overall": Cohen's d and Student's t of each group against the rest (two
    independent samples), never against a population that contains the group itself."""
    from fairness_core.policies._smd import compute_smd_table

    rng = np.random.default_rng(7)
    labels = rng.choice(np.array(["A", "B", "C"]), size=600, p=[0.5, 0.3, 0.2])
    score = np.clip(rng.normal(0.6, 0.15, 600) - np.where(labels == "C", 0.1, 0.0), 0, 1)
    table = compute_smd_table(
        score, labels, reference="overall", line=-0.3, min_n=30, alpha=0.05, correction="holm"
    ).set_index("group")
    assert set(table.index) == {"A", "B", "C"}
    for group in ("A", "B", "C"):
        mine, rest = score[labels == group], score[labels != group]
        n1, n2 = len(mine), len(rest)
        pooled_var = ((n1 - 1) * mine.var(ddof=1) + (n2 - 1) * rest.var(ddof=1)) / (n1 + n2 - 2)
        pooled = np.sqrt(pooled_var)
        assert table.loc[group, "value"] == pytest.approx((mine.mean() - rest.mean()) / pooled)
        assert table.loc[group, "p_value"] == pytest.approx(stats.ttest_ind(mine, rest).pvalue)
        assert table.loc[group, "reference"] == "everyone else"
