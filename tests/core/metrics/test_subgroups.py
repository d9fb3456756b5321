"""The subgroup report: entry point, JSON schema, sentences, rankings, settings."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fairness_core.data import ColumnRoles, GroupColumn, check_audit_data
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import (
    SUMMARIES,
    VERDICTS,
    SubgroupSettings,
    compute_subgroup_report,
    describe_disparity,
    rank_disadvantaged,
    report_to_dict,
)
from tests.strategies import Arrays, audit_arrays, make_arrays

SCORED = ("selection_rate", "true_positive_rate", "f1", "roc_auc", "brier_score", "base_rate")


def _hiring(women: tuple[int, int] = (400, 1000), men: tuple[int, int] = (1120, 2000)) -> Arrays:
    """(selected, applicants) for women and men; half of each group truly qualified."""
    (w_sel, n_w), (m_sel, n_m) = women, men
    sex = np.r_[np.zeros(n_w), np.ones(n_m)].astype(np.int32)
    picked = np.r_[np.arange(n_w) < w_sel, np.arange(n_m) < m_sel].astype(np.int8)
    y_true = np.r_[np.arange(n_w) % 2, np.arange(n_m) % 2].astype(np.int8)
    return Arrays((GroupColumn("sex", ("women", "men"), sex),), y_true, picked)


def test_report_from_audit_data_equals_report_from_counts() -> None:
    """AuditData + attribute names and precomputed counts give the same report."""
    arrays = make_arrays(3, n=1200, attributes=2, weights="int")
    frame = pd.DataFrame(
        {
            "y": arrays.y_true,
            "s": arrays.y_score,
            "w": arrays.sample_weight,
            **{g.name: np.asarray(g.labels, dtype=object)[g.codes] for g in arrays.groups},
        }
    )
    frame.loc[frame["sex"] == "(missing)", "sex"] = None
    roles = ColumnRoles(target="y", protected=("sex", "race"), source="score", score="s",
                        weight="w")  # fmt: skip
    audit = check_audit_data(frame, roles)
    a = compute_subgroup_report(audit, attributes=["sex", "race"], metrics=SCORED)
    b = compute_subgroup_report(arrays.counts(), metrics=SCORED)
    assert a.counts.labels == b.counts.labels
    assert report_to_dict(a) == report_to_dict(b)
    assert a.settings.weighted


def test_json_follows_the_documented_schema() -> None:
    """Exactly the documented keys; NaN becomes null; it serialises without NaN."""
    arrays = make_arrays(4, n=800, attributes=2)
    report = compute_subgroup_report(arrays.counts(), metrics=SCORED, n_bootstrap=200)
    data = report_to_dict(report)
    text = json.dumps(data, allow_nan=False)
    assert set(data) == {
        "overall", "groups", "disparities", "summary", "summary_details", "comparisons_judged",
        "empty_groups", "verdict_glossary", "settings",
    }  # fmt: skip
    assert set(data["overall"]) == set(SCORED)
    group = data["groups"][0]
    assert set(group) == {"attributes", "n", "metrics"}
    assert set(group["attributes"]) == {"sex", "race"}
    assert set(group["metrics"]["f1"]) == {"value", "ci_low", "ci_high", "effective_n"}
    disparity = data["disparities"][0]
    assert list(disparity) == [
        "metric", "kind", "group", "reference", "value", "ci_low", "ci_high", "p_value",
        "p_value_adjusted", "harmful_direction", "rule", "verdict", "verdict_note",
    ]  # fmt: skip
    assert set(data["settings"]) == {
        "attributes", "metrics", "reference", "min_n", "correction", "n_bootstrap", "seed",
        "confidence", "suppress_below", "tolerance", "ratio_threshold", "weighted", "alpha",
    }  # fmt: skip
    assert group["metrics"]["brier_score"]["ci_low"] is None
    assert "NaN" not in text
    assert len(data["groups"]) == report.counts.n_groups
    assert {d["verdict"] for d in data["disparities"]} <= {*VERDICTS, None}
    assert data["verdict_glossary"] == dict(VERDICTS)
    detail = data["summary_details"]["disparate_impact_ratio"]
    assert detail["value"] == data["summary"]["disparate_impact_ratio"]
    assert detail["definition"] == SUMMARIES["disparate_impact_ratio"].definition


def test_four_fifths_sentence_and_verdict() -> None:
    """Women selected at 40% vs men at 56%: impact ratio 0.71, adverse impact."""
    report = compute_subgroup_report(_hiring().counts(), metrics=["selection_rate"], seed=1)
    row = report.disparities.query("kind == 'ratio'").iloc[0]
    assert row["value"] == pytest.approx(0.40 / 0.56)
    assert row["ci_high"] < 0.8
    assert row["verdict"] == "adverse impact"
    assert row["rule"] == "four-fifths rule: impact ratio ≥ 0.8"
    low, high, p = row["ci_low"], row["ci_high"], row["p_value_adjusted"]
    assert describe_disparity(report, "selection_rate", "women") == (
        "Group women is selected at 0.71× the rate of group men (0.400 vs 0.560; 95% interval "
        f"{low:.2f} to {high:.2f}), adverse impact: below the line (four-fifths rule: impact "
        f"ratio ≥ 0.8) and statistically significant (adjusted p = {p:.2g})."
    )
    assert describe_disparity(report, "selection_rate", "men") == (
        "Group men is the reference group for the selection rate."
    )


def test_sentences_for_small_groups_and_differences() -> None:
    """A small group is 'too few people to judge'; differences say higher or lower."""
    report = compute_subgroup_report(
        _hiring(women=(4, 10), men=(112, 200)).counts(), metrics=["selection_rate"]
    )
    sentence = describe_disparity(report, "selection_rate", ("women",), kind="difference")
    assert sentence.startswith(
        "The selection rate of group women is 0.16 lower than that of group men (0.400 vs 0.560;"
    )
    assert sentence.endswith("too few people to judge; measured on 10 people; at least 30 needed.")
    assert report.disparities["verdict"].eq("too few people to judge").all()


def test_ranking_respects_the_direction_of_each_metric() -> None:
    """Lowest selection rate first; highest false positive rate first."""
    arrays = make_arrays(6, n=3000, attributes=1)
    report = compute_subgroup_report(
        arrays.counts(), metrics=["selection_rate", "false_positive_rate", "base_rate"]
    )
    ranked = rank_disadvantaged(report, "selection_rate")
    assert [r.value for r in ranked] == sorted(r.value for r in ranked)
    ranked = rank_disadvantaged(report, "false_positive_rate")
    assert [r.value for r in ranked] == sorted((r.value for r in ranked), reverse=True)
    with pytest.raises(InvalidInputError, match="no better or worse direction"):
        rank_disadvantaged(report, "base_rate")
    with pytest.raises(InvalidInputError, match="'accuracy' is not in this report"):
        rank_disadvantaged(report, "accuracy")


def test_suppression_hides_small_cells_everywhere() -> None:
    """Cells with n < k lose value and interval, their disparities too, and leave summaries."""
    arrays = make_arrays(8, n=1500, attributes=2)
    counts = arrays.counts()
    report = compute_subgroup_report(counts, metrics=["true_positive_rate"], suppress_below=20)
    groups = report.groups
    small = groups["denominator"] < 20
    assert small.any()
    assert groups.loc[small, "suppressed"].all()
    assert groups.loc[small, ["value", "ci_low", "ci_high"]].isna().all().all()
    assert groups.loc[~small, "value"].notna().all()
    hidden = report.disparities[report.disparities["suppressed"]]
    assert hidden["value"].isna().all()
    assert hidden["verdict"].isna().all()
    shown = groups.loc[~small, "value"]
    assert report.summary["true_positive_rate_difference"] == pytest.approx(
        shown.max() - shown.min()
    )


def test_adjusted_p_values_cover_each_group_and_metric_once() -> None:
    """Difference and ratio share one test; Holm-adjusted p ≥ raw p; the family is counted."""
    arrays = make_arrays(9, n=2000, attributes=2)
    report = compute_subgroup_report(
        arrays.counts(), metrics=["selection_rate", "accuracy", "f1"], n_bootstrap=300
    )
    table = report.disparities
    pairs = table.pivot_table(index=["metric", "group"], columns="kind", values="p_value_adjusted")
    assert np.allclose(pairs["difference"], pairs["ratio"], equal_nan=True)
    defined = table["p_value_adjusted"].notna()
    assert (table.loc[defined, "p_value_adjusted"] >= table.loc[defined, "p_value"]).all()
    assert set(table["test"].dropna()) <= {"z", "fisher", "bootstrap"}
    judged = table.query("kind == 'difference'")["p_value_adjusted"].notna().sum()
    assert report.comparisons_judged == judged > 0


@settings(max_examples=25, deadline=None)
@given(audit_arrays(min_rows=5, max_rows=80, scores=False), st.integers(1, 40))
def test_no_pass_below_min_n(arrays: Arrays, min_n: int) -> None:
    """Whatever the data, a disparity whose group or reference is below min_n is never judged."""
    assume(arrays.counts().n_groups >= 2)
    report = compute_subgroup_report(
        arrays.counts(),
        metrics=["selection_rate", "true_positive_rate", "balanced_accuracy"],
        min_n=min_n,
        n_bootstrap=50,
    )
    table = report.disparities
    small = np.minimum(table["group_denominator"], table["reference_denominator"]) < min_n
    assert table.loc[small, "verdict"].eq("too few people to judge").all()
    assert table.loc[small, "p_value_adjusted"].isna().all()


def test_without_bootstrap_verdicts_use_the_point_value() -> None:
    """n_bootstrap=0: composites get no interval; rates keep their analytic intervals."""
    report = compute_subgroup_report(_hiring().counts(), metrics=["selection_rate", "f1"],
                                     n_bootstrap=0)  # fmt: skip
    assert report.disparities.query("metric == 'f1'")["ci_low"].isna().all()
    assert report.disparities.query("metric == 'selection_rate'")["ci_low"].notna().all()
    assert report.groups.query("metric == 'selection_rate'")["ci_low"].notna().all()
    assert report.groups.query("metric == 'f1'")["ci_low"].isna().all()
    assert report.disparities.query("metric == 'selection_rate' and kind == 'ratio'")[
        "verdict"
    ].tolist() == ["adverse impact"]


def test_edge_groups_do_not_break_the_report() -> None:
    """No positives, one row, nobody selected: NaN values and 'too few people to judge'."""
    group = GroupColumn("g", ("big", "none", "one"), np.array([0] * 60 + [1] * 5 + [2], np.int32))
    y = np.r_[np.arange(60) % 2, np.zeros(5), [1]].astype(np.int8)
    counts = Arrays((group,), y, np.zeros(66, dtype=np.int8)).counts()
    report = compute_subgroup_report(
        counts, metrics=["selection_rate", "true_positive_rate", "precision"], n_bootstrap=100
    )
    tpr = report.groups.query("metric == 'true_positive_rate'").set_index("group")["value"]
    assert np.isnan(tpr["none"])
    assert report.disparities["verdict"].eq("too few people to judge").all()
    assert np.isnan(report.summary["predictive_parity_difference"])
    assert "can be judged" in report.summary_details["predictive_parity_difference"].reason
    json.dumps(report_to_dict(report), allow_nan=False)


def test_every_bad_setting_is_reported_at_once() -> None:
    """One message lists each unusable setting with what it needs and what it got."""
    counts = _hiring().counts()
    with pytest.raises(InvalidInputError) as info:
        compute_subgroup_report(counts, min_n=-1, confidence=95, correction="bonferroni")  # type: ignore[arg-type]
    assert str(info.value) == (
        "3 settings are not usable for the subgroup report. Change them and run it again:\n"
        "- min_n must be a whole number of 0 or more, e.g. 30. Got -1.\n"
        "- correction must be 'holm', 'benjamini-hochberg' or 'none'. Got 'bonferroni'.\n"
        "- confidence must be between 0 and 1, e.g. 0.95. Got 95."
    )
    with pytest.raises(InvalidInputError, match="There is no group 'nobody' among sex"):
        compute_subgroup_report(counts, reference=("nobody",))
    with pytest.raises(InvalidInputError, match="needs the model's scores"):
        compute_subgroup_report(counts, metrics=["roc_auc"])


def test_one_group_is_refused_with_the_column_named() -> None:
    """A column with a single value (here all missing) gets a message, not a crash."""
    only = GroupColumn("race", ("(missing)",), np.zeros(40, dtype=np.int32))
    counts = Arrays((only,), np.arange(40) % 2, np.arange(40) % 3 == 0).counts()
    with pytest.raises(InvalidInputError, match=r"race has only one group .*'\(missing\)'"):
        compute_subgroup_report(counts, metrics=["selection_rate"])


def test_settings_carry_the_lines_of_the_verdicts() -> None:
    """A policy's lines travel in SubgroupSettings: women's 0.71 fails 0.8 but not 0.6."""
    counts = _hiring().counts()
    default = SubgroupSettings(attributes=("sex",), metrics=("selection_rate",))
    lowered = replace(default, ratio_threshold=0.6, tolerance=0.2)
    verdicts = {}
    for chosen in (default, lowered):
        options = {k: v for k, v in chosen.options().items() if k != "attributes"}
        report = compute_subgroup_report(counts, **options, seed=1)
        assert report.settings.ratio_threshold == chosen.ratio_threshold
        assert report.settings.tolerance == chosen.tolerance
        rows = report.disparities.set_index("kind")
        verdicts[chosen.ratio_threshold] = (
            rows.loc["ratio", "verdict"],
            rows.loc["difference", "verdict"],
        )
    assert verdicts[0.8] == ("adverse impact", "adverse impact")  # 0.71 < 0.8; gap 0.16 > 0.1
    assert "adverse impact" not in verdicts[0.6]  # 0.71 ≥ 0.6; gap 0.16 ≤ 0.2
    assert (default.ratio_threshold, default.tolerance) == (0.8, 0.1)  # today's defaults
