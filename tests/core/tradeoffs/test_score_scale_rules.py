"""Trade-offs on a 1-10 risk score: rules written on the score's own scale, exact rates."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from fairness_core.data import check_audit_data
from fairness_core.tradeoffs import evaluate_operating_point, find_strategy, sweep_audit
from tests.core.data.test_score_scale import ROLES, compas_like
from tests.core.tradeoffs.test_point_rules import _apply

_NUMBER = r"([0-9.e+-]+)"


def _apply_flipped(sentence: str, decile: np.ndarray) -> np.ndarray:
    """P(favourable) per person read from a rule written on the decile scale (higher = worse)."""
    if sentence == "nobody gets the positive decision":
        return np.zeros(len(decile))
    if sentence == "everyone gets the positive decision":
        return np.ones(len(decile))
    simple = re.fullmatch(rf"scores of {_NUMBER} or less: yes; higher: no", sentence)
    if simple:
        return (decile <= float(simple.group(1))).astype(float)
    p = np.full(len(decile), np.nan)
    for part in sentence.removeprefix("scores ").split("; "):
        band, decision = part.rsplit(": ", 1)
        if decision in {"yes", "no"}:
            share = 1.0 if decision == "yes" else 0.0
        else:
            match = re.fullmatch(rf"yes for {_NUMBER}% of them, drawn at random", decision)
            assert match, decision
            share = float(match.group(1)) / 100
        if band == "everyone":
            mask = np.ones(len(decile), dtype=bool)
        elif m := re.fullmatch(rf"over {_NUMBER} up to {_NUMBER}", band):
            mask = (decile > float(m.group(1))) & (decile <= float(m.group(2)))
        elif m := re.fullmatch(rf"over {_NUMBER}", band):
            mask = decile > float(m.group(1))
        elif m := re.fullmatch(rf"{_NUMBER} or less", band):
            mask = decile <= float(m.group(1))
        else:
            raise AssertionError(f"unreadable band {band!r} in {sentence!r}")
        assert np.isnan(p[mask]).all(), f"bands overlap in {sentence!r}"
        p[mask] = share
    assert not np.isnan(p).any(), f"some scores are in no band of {sentence!r}"
    return p


@pytest.mark.parametrize(
    ("strategy", "randomized", "tolerance"),
    [
        ("single_threshold", False, 0.0),
        ("best_per_group", False, 0.0),
        ("demographic_parity", False, 0.05),
        ("demographic_parity", True, 0.0),
        ("equal_opportunity", True, 0.0),
    ],
)
def test_rules_on_the_decile_scale_reproduce_the_rates(strategy, randomized, tolerance) -> None:
    """Each group's sentence, applied to the raw deciles, gives the reported rates (1e-9)."""
    frame = compas_like()
    audit = check_audit_data(frame, ROLES)
    sweep = sweep_audit(audit, ["race"])
    assert sweep.exact
    point = find_strategy(sweep, strategy, randomized=randomized, tolerance=tolerance)
    result = evaluate_operating_point(sweep, point)
    decile = frame["decile_score"].to_numpy()
    good = frame["two_year_recid"].to_numpy() == 0
    codes = audit.group("race").codes
    for g, rule in enumerate(result.rules):
        # Thresholds fall on whole deciles: no "5.4999" or "0.5555" on the decile scale.
        for number in re.findall(r"(?:scores of|over|up to|^scores) ([0-9.]+)", rule.sentence):
            assert float(number).is_integer(), rule.sentence
        m = codes == g
        p = _apply_flipped(rule.sentence, decile[m])
        row = result.per_group.iloc[g]
        assert row["selection_rate"] == pytest.approx(p.mean(), abs=1e-9), rule.sentence
        assert row["true_positive_rate"] == pytest.approx(p[good[m]].mean(), abs=1e-9)
        assert row["false_positive_rate"] == pytest.approx(p[~good[m]].mean(), abs=1e-9)


def test_a_single_threshold_reads_as_deciles_or_less() -> None:
    """One threshold for everyone: 'scores of K or less: yes; higher: no' with K a decile."""
    frame = compas_like()
    audit = check_audit_data(frame, ROLES)
    sweep = sweep_audit(audit, ["race"])
    result = evaluate_operating_point(sweep, find_strategy(sweep, "single_threshold"))
    (sentence,) = {r.sentence for r in result.rules}
    match = re.fullmatch(r"scores of (\d+) or less: yes; higher: no", sentence)
    assert match, sentence
    assert set(result.thresholds["threshold"]) == {float(match.group(1))}


def test_a_higher_is_favourable_scale_reads_or_more() -> None:
    """On a 0-100 points scale where higher is better the rule reads 'K or more'."""
    frame = compas_like().assign(points=lambda f: (10 - f["decile_score"]) * 10)
    roles = ROLES.__class__(
        **{
            **{f: getattr(ROLES, f) for f in ROLES.__dataclass_fields__},
            "score": "points",
            "score_range": (0.0, 100.0),
            "higher_score_favourable": True,
        }
    )
    audit = check_audit_data(frame, roles)
    sweep = sweep_audit(audit, ["race"])
    result = evaluate_operating_point(sweep, find_strategy(sweep, "best_per_group"))
    points = frame["points"].to_numpy()
    codes = audit.group("race").codes
    for g, rule in enumerate(result.rules):
        match = re.fullmatch(r"scores of (\d+) or more: yes; lower: no", rule.sentence)
        assert match, rule.sentence
        chosen = points[codes == g] >= float(match.group(1))
        assert result.per_group.iloc[g]["selection_rate"] == pytest.approx(chosen.mean())


def test_the_score_distribution_says_the_scores_were_rescaled() -> None:
    """The x axis of a rescaled score names the 0-1 scale and its direction."""
    from fairness_core.plots import plot_score_distributions

    audit = check_audit_data(compas_like(), ROLES)
    figure = plot_score_distributions(sweep_audit(audit, ["race"]))
    assert figure.layout.xaxis.title.text == "Score rescaled to 0–1 (1 the most favourable)"


@pytest.mark.parametrize("higher_favourable", [False, True])
def test_rules_on_a_continuous_scale_reproduce_the_rates(higher_favourable: bool) -> None:
    """A 0-100 score with many values (a threshold grid, not every score) still matches."""
    rng = np.random.default_rng(3)
    frame = compas_like(4000)
    frame["risk"] = np.clip(frame["decile_score"] * 10 - rng.random(len(frame)) * 10, 0, 100)
    roles = dataclasses.replace(
        ROLES, score="risk", score_range=(0.0, 100.0), higher_score_favourable=higher_favourable
    )
    apply = _apply if higher_favourable else _apply_flipped
    audit = check_audit_data(frame, roles)
    sweep = sweep_audit(audit, ["race"], max_thresholds=200)
    assert not sweep.exact
    point = find_strategy(sweep, "demographic_parity", randomized=True, tolerance=0.0)
    result = evaluate_operating_point(sweep, point)
    risk = frame["risk"].to_numpy()
    codes = audit.group("race").codes
    for g, rule in enumerate(result.rules):
        p = apply(rule.sentence, risk[codes == g])
        assert result.per_group.iloc[g]["selection_rate"] == pytest.approx(p.mean(), abs=1e-6)
