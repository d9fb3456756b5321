"""Verdicts at the edges an auditor checks: the line, direction, zero events, weights."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairness_core.data import GroupColumn
from fairness_core.formatting import format_against_line
from fairness_core.metrics import (
    VERDICTS,
    compute_group_counts,
    compute_subgroup_report,
    evaluate_rules,
    find_verdict_rule,
    parse_rule,
    rank_disadvantaged,
    report_to_dict,
)
from fairness_core.metrics._verdicts import beyond, judge_verdict

FOUR_FIFTHS = find_verdict_rule("ratio", "lower", tolerance=0.1, ratio_threshold=0.8,
                                impact_ratio=True)  # fmt: skip
FPR_RATIO = find_verdict_rule("ratio", "higher", tolerance=0.1, ratio_threshold=0.8)
GAP = find_verdict_rule("difference", "lower", tolerance=0.1, ratio_threshold=0.8)


def _counts(groups: dict[str, tuple[int, int]], *, weights=None, negatives_positive=True):
    """Two-or-more groups given as name → (selected, size); outcomes alternate."""
    names = list(groups)
    codes = np.concatenate([np.full(n, i) for i, (_, n) in enumerate(groups.values())])
    picked = np.concatenate([np.arange(n) < s for s, n in groups.values()]).astype(np.int8)
    truth = (np.arange(len(codes)) % 2).astype(np.int8)
    column = GroupColumn("g", tuple(names), codes.astype(np.int32))
    return compute_group_counts([column], truth, picked, sample_weight=weights)


def _report(groups, **kw):
    kw.setdefault("metrics", ["selection_rate"])
    kw.setdefault("n_bootstrap", 0)
    return compute_subgroup_report(_counts(groups, weights=kw.pop("weights", None)), **kw)


def _ratio_row(report, group):
    table = report.disparities
    return table[(table["kind"] == "ratio") & (table["group"] == group)].iloc[0]


@pytest.mark.parametrize(
    ("rule", "value", "p", "expected"),
    [
        (FOUR_FIFTHS, 0.70, 0.001, "adverse impact"),
        (FOUR_FIFTHS, 0.70, 0.20, "below the line, not statistically significant"),
        (FOUR_FIFTHS, 0.85, 0.001, "within the line"),
        (FOUR_FIFTHS, 1.30, 0.001, "favoured"),
        (FOUR_FIFTHS, math.nan, math.nan, "cannot be computed"),
        (FPR_RATIO, 1.30, 0.001, "adverse impact"),
        (FPR_RATIO, 1.30, 0.30, "above the line, not statistically significant"),
        (FPR_RATIO, 0.70, 0.001, "favoured"),
        (GAP, -0.15, 0.01, "adverse impact"),
        (GAP, 0.15, 0.01, "favoured"),
        (GAP, -0.05, 0.0001, "within the line"),
    ],
)
def test_verdict_words(rule, value, p, expected) -> None:
    """Each verdict word for its case; only the harmful direction is ever flagged."""
    verdict = judge_verdict(rule, value=value, p_adjusted=p, group_n=100, reference_n=500,
                            min_n=30, alpha=0.05)  # fmt: skip
    assert verdict == expected
    assert verdict in VERDICTS


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 3), st.floats(0, 1), st.floats(0, 100), st.floats(0, 100), st.integers(1, 100))
def test_too_few_people_is_never_judged(value, p, group_n, reference_n, min_n) -> None:
    """Below the minimum effective n, the verdict is always "too few people to judge"."""
    verdict = judge_verdict(FOUR_FIFTHS, value=value, p_adjusted=p, group_n=group_n,
                            reference_n=reference_n, min_n=min_n, alpha=0.05)  # fmt: skip
    assert (verdict == "too few people to judge") == (min(group_n, reference_n) < min_n)


def test_exactly_four_fifths_is_not_below_the_line() -> None:
    """8% vs 10% selected: 0.08 / 0.1 is 0.7999999999999999 in floating point, and passes."""
    report = _report({"a": (80, 1000), "b": (100, 1000)})
    row = _ratio_row(report, "a")
    assert row["value"] < 0.8  # the float really is below
    assert row["verdict"] == "within the line"
    assert not beyond(0.08 / 0.1, 0.8, "lower")
    assert beyond(0.7999, 0.8, "lower")


@pytest.mark.parametrize(
    ("value", "past", "shown"),
    [(0.7992, True, "0.799"), (0.79999, True, "0.79999"), (0.8, False, "0.80"),
     (0.8004, False, "0.80"), (0.7999999999999999, False, "0.80"), (0.65, True, "0.65")],
)  # fmt: skip
def test_a_shown_number_never_rounds_across_the_line(value, past, shown) -> None:
    """0.7992 judged below 0.8 shows as 0.799, never 0.80."""
    assert format_against_line(value, 0.8, past=past, harmful="lower") == shown


@settings(max_examples=300, deadline=None)
@given(st.floats(0.5, 1.0), st.sampled_from([0.8, 0.9, 0.75]))
def test_shown_numbers_agree_with_the_verdict(value, line) -> None:
    """Whatever the value, the shown number is on the same side of the line as the verdict."""
    past = beyond(value, line, "lower")
    shown = float(format_against_line(value, line, past=past, harmful="lower"))
    assert (shown < line) == past or abs(value - line) < 1e-6


def test_the_impact_ratio_divides_by_the_highest_rate_even_for_the_largest_group() -> None:
    """Largest group least selected (0.32 vs 0.56): impact ratio 0.57, not 1.00."""
    report = _report({"tier_3": (320, 1000), "tier_1": (168, 300)})
    assert report.summary["disparate_impact_ratio"] == pytest.approx(0.32 / 0.56)
    row = _ratio_row(report, "tier_3")
    assert row["reference"] == "tier_1"
    assert row["rule"] == "four-fifths rule: impact ratio ≥ 0.8"
    assert row["verdict"] == "adverse impact"
    rules = evaluate_rules(report.summary, [parse_rule("disparate_impact_ratio<0.8",
                                                       known=list(report.summary))])  # fmt: skip
    assert rules[0].failed


def test_zero_events_give_a_finite_interval_and_no_false_verdict() -> None:
    """0 of 30 against 20 of 1,000: ratio 0, interval 0 to ~5.8, not significant."""
    report = _report({"small": (0, 30), "big": (20, 1000)})
    row = _ratio_row(report, "small")
    assert row["value"] == 0
    assert row["ci_low"] == 0
    assert 1 < row["ci_high"] < 10
    assert row["p_value"] == pytest.approx(1.0)
    assert row["verdict"] == "below the line, not statistically significant"
    groups = report.groups.set_index("group")
    assert groups.loc["small", "ci_high"] > 0  # the rate's own interval is not [0, 0]


def test_weight_on_one_person_is_one_person() -> None:
    """A 30-row group whose weight sits on one row has effective n ≈ 1: too few to judge."""
    weights = np.r_[np.full(29, 1e-6), [100.0], np.ones(1000)]
    report = _report({"tiny": (1, 30), "big": (300, 1000)}, weights=weights)
    groups = report.groups.set_index("group")
    assert groups.loc["tiny", "effective_n"] < 1.01
    assert _ratio_row(report, "tiny")["verdict"] == "too few people to judge"
    assert "tiny" in report.summary_details["demographic_parity_ratio"].groups_left_out
    assert np.isnan(report.summary["demographic_parity_ratio"])


def test_one_judged_group_is_not_parity_and_its_rule_fails_saying_why() -> None:
    """Equal opportunity needs two groups with actual positives; otherwise undefined."""
    codes = np.r_[np.zeros(100), np.ones(100)].astype(np.int32)
    truth = np.r_[np.arange(100) % 2, np.zeros(100)].astype(np.int8)  # b: no positives
    picked = (np.arange(200) % 3 == 0).astype(np.int8)
    counts = compute_group_counts([GroupColumn("g", ("a", "b"), codes)], truth, picked)
    report = compute_subgroup_report(counts, metrics=["true_positive_rate"], n_bootstrap=0)
    detail = report.summary_details["equal_opportunity_difference"]
    assert np.isnan(detail.value)
    assert detail.reason.startswith("only one group can be judged on the true positive rate")
    assert detail.groups_left_out == ("b",)
    data = report_to_dict(report)
    assert data["summary"]["equal_opportunity_difference"] is None
    rule = parse_rule("equal_opportunity_difference>0.1", known=list(report.summary))
    assert evaluate_rules(report.summary, [rule])[0].failed


def test_a_lower_false_positive_rate_is_favoured_not_failed() -> None:
    """Women's lower FPR is no harm to women: 'favoured', while men's higher FPR is judged."""
    codes = np.r_[np.zeros(1000), np.ones(1000)].astype(np.int32)
    truth = np.zeros(2000, dtype=np.int8)
    picked = np.r_[np.arange(1000) < 30, np.arange(1000) < 150].astype(np.int8)
    counts = compute_group_counts([GroupColumn("sex", ("women", "men"), codes)], truth, picked)
    against_men = compute_subgroup_report(counts, metrics=["false_positive_rate"],
                                          reference=("men",), n_bootstrap=0)  # fmt: skip
    assert set(against_men.disparities["verdict"]) == {"favoured"}
    best = compute_subgroup_report(counts, metrics=["false_positive_rate"], n_bootstrap=0)
    assert set(best.disparities["group"]) == {"men"}  # the reference is the lowest FPR
    assert set(best.disparities["verdict"]) == {"adverse impact"}


def test_large_groups_are_never_called_too_few() -> None:
    """1,974 people whose interval straddles the line get a verdict, with the interval noted."""
    report = _report({"a": (1500, 1974), "b": (960, 1000)}, ratio_threshold=0.8)
    row = _ratio_row(report, "a")
    assert row["verdict"] != "too few people to judge"
    assert row["ci_low"] < 0.8 < row["ci_high"]
    assert "includes the line 0.8" in row["verdict_note"]
    assert row["verdict"] == "adverse impact"  # below the line and p far below 0.05


def test_the_family_is_the_judged_comparisons() -> None:
    """Adding a descriptive metric (base rate) changes no adjusted p-value."""
    groups = {"a": (300, 1000), "b": (260, 1000), "c": (5, 20)}
    plain = _report(groups, metrics=["selection_rate", "accuracy"])
    more = _report(groups, metrics=["selection_rate", "accuracy", "base_rate"])
    keep = ["metric", "kind", "group", "p_value_adjusted"]
    a = plain.disparities[keep].reset_index(drop=True)
    b = more.disparities[more.disparities["metric"] != "base_rate"][keep].reset_index(drop=True)
    assert a.equals(b)
    assert plain.comparisons_judged == more.comparisons_judged == 2  # c is too small


def test_small_groups_never_head_the_disadvantaged_list() -> None:
    """A group of 3 people with rate 0 is not 'most disadvantaged'; judged groups are."""
    report = _report({"a": (300, 1000), "b": (200, 1000), "tiny": (0, 3)})
    assert [g.group for g in rank_disadvantaged(report, "selection_rate")] == ["b", "a"]
    assert "tiny" in report.summary_details["demographic_parity_ratio"].groups_left_out


def test_empty_intersections_are_listed() -> None:
    """Sex × race with one combination absent: counted and named."""
    sex = GroupColumn("sex", ("f", "m"), np.array([0, 0, 1, 1, 1] * 20, dtype=np.int32))
    race = GroupColumn("race", ("x", "y"), np.array([0, 1, 0, 0, 1] * 20, dtype=np.int32))
    race = GroupColumn("race", ("x", "y"), np.where(sex.codes == 0, 0, race.codes))
    truth = (np.arange(100) % 2).astype(np.int8)
    counts = compute_group_counts([sex, race], truth, truth)
    report = compute_subgroup_report(counts, metrics=["selection_rate"], n_bootstrap=0, min_n=1)
    assert report.n_empty_groups == 1
    assert report.empty_groups == ("f · y",)
    assert report_to_dict(report)["empty_groups"] == {"count": 1, "examples": ["f · y"]}
