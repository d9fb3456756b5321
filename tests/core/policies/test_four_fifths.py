"""The four-fifths rule: the line, ties, zero selected, one group, and the Subgroups verdicts."""

from __future__ import annotations

import pytest

from fairness_core.metrics import compute_subgroup_report
from fairness_core.policies import evaluate_policy, load_policy
from tests.core.policies.hiring import audit, rows


def _result(groups: dict[str, tuple[int, int]]):
    frame = rows({(k,): v for k, v in groups.items()}, ("sex",))
    data = audit(frame, ("sex",))
    return evaluate_policy(load_policy("four-fifths"), data).requirements[0], data


def test_exactly_on_the_line_is_met() -> None:
    """0.08 / 0.1 is 0.8 (0.7999999999999999 in floating point): on the line, so met."""
    result, _ = _result({"a": (100, 1000), "b": (80, 1000)})
    assert result.status == "met"
    assert result.value == pytest.approx(0.8)
    assert "within the line 0.8" in result.reason


def test_below_the_line_and_significant_is_not_met() -> None:
    """0.39 / 0.5 = 0.78 with 2,000 people each: below 0.8 and significant."""
    result, _ = _result({"a": (1000, 2000), "b": (780, 2000)})
    assert result.status == "not met"
    assert result.value == pytest.approx(0.78)
    assert result.reason.startswith("b's impact ratio of selection rates 0.78")
    assert "statistically significant (p < 0.001)" in result.reason


def test_below_the_line_by_chance_is_met_with_the_reason() -> None:
    """0.6 / 0.8 with 30 and 40 people: below the line, but chance could explain it."""
    result, _ = _result({"a": (32, 40), "b": (18, 30)})
    assert result.status == "met"
    assert "chance could explain the gap" in result.reason


def test_a_tie_for_the_highest_rate() -> None:
    """Two groups share the highest rate: the other one is judged against that rate."""
    result, _ = _result({"a": (50, 100), "b": (50, 100), "c": (20, 100)})
    groups = result.groups.set_index("group")
    assert result.status == "not met"
    assert result.value == pytest.approx(0.4)
    tied = [g for g in ("a", "b") if groups.loc[g, "verdict"] != "reference"]
    assert len(tied) == 1
    assert groups.loc[tied[0], "value"] == 1.0
    assert groups.loc[tied[0], "verdict"] == "within the line"


def test_zero_selected_in_a_group() -> None:
    """A group nobody from was selected has impact ratio 0: adverse impact."""
    result, _ = _result({"a": (50, 100), "b": (0, 100)})
    assert result.status == "not met"
    assert result.value == 0.0


def test_nobody_selected_anywhere_cannot_be_judged() -> None:
    """Every rate 0: the impact ratio is undefined, so the requirement is not assessed."""
    result, _ = _result({"a": (0, 100), "b": (0, 100)})
    assert result.status == "not assessed"
    assert "cannot be computed" in result.reason


def test_one_group_only_is_not_assessed() -> None:
    """A single group has nothing to compare with: not assessed, saying so."""
    result, _ = _result({"a": (50, 100)})
    assert result.status == "not assessed"
    assert "only one group" in result.reason


def test_too_few_people_everywhere() -> None:
    """Every group under 30 people: too few people to judge."""
    result, _ = _result({"a": (10, 20), "b": (2, 20)})
    assert result.status == "too few people to judge"


def test_verdicts_equal_the_subgroup_reports() -> None:
    """The policy's verdicts are compute_subgroup_report's with the policy's options."""
    groups = {"a": (60, 120), "b": (30, 100), "c": (40, 90), "d": (5, 12)}
    result, data = _result(groups)
    policy = load_policy("four-fifths")
    report = compute_subgroup_report(data, attributes=["sex"], metrics=["selection_rate"],
                                     **policy.subgroup_options())  # fmt: skip
    table = report.disparities[report.disparities["kind"] == "ratio"]
    expected = dict(zip(table["group"], table["verdict"], strict=True))
    ours = result.groups[result.groups["verdict"] != "reference"]
    assert dict(zip(ours["group"], ours["verdict"], strict=True)) == expected
    assert "d" in expected
    assert expected["d"] == "too few people to judge"
