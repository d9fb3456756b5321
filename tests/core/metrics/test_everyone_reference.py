"""The reference "overall": each group compared with everyone, tested against the rest."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from fairness_core.data import GroupColumn
from fairness_core.metrics import compute_group_counts, compute_subgroup_report, report_to_dict


def _counts(groups: dict[str, tuple[int, int]]):
    """Groups given as name → (selected, size); outcomes alternate."""
    codes = np.concatenate([np.full(n, i) for i, (_, n) in enumerate(groups.values())])
    picked = np.concatenate([np.arange(n) < s for s, n in groups.values()]).astype(np.int8)
    truth = (np.arange(len(codes)) % 2).astype(np.int8)
    column = GroupColumn("g", tuple(groups), codes.astype(np.int32))
    return compute_group_counts([column], truth, picked)


GROUPS = {"a": (60, 100), "b": (30, 100), "c": (45, 80)}


def _report():
    return compute_subgroup_report(
        _counts(GROUPS), metrics=["selection_rate"], reference="overall", n_bootstrap=0,
        correction="none",
    )  # fmt: skip


def test_every_group_is_compared_with_everyone() -> None:
    """Ratio and difference are against the rate of all rows; no group is left out."""
    report = _report()
    overall = sum(s for s, _ in GROUPS.values()) / sum(n for _, n in GROUPS.values())
    table = report.disparities
    assert sorted(table["group"].unique()) == ["a", "b", "c"]
    assert set(table["reference"]) == {"everyone"}
    assert set(table["reference_index"]) == {-1}
    for name, (s, n) in GROUPS.items():
        rows = table[table["group"] == name].set_index("kind")["value"]
        assert rows["ratio"] == pytest.approx((s / n) / overall)
        assert rows["difference"] == pytest.approx(s / n - overall)


def test_p_value_compares_the_group_with_the_rest() -> None:
    """The test is Fisher's exact test of the group against everyone else (scipy)."""
    table = _report().disparities
    for name, (s, n) in GROUPS.items():
        s_rest = sum(v[0] for k, v in GROUPS.items() if k != name)
        n_rest = sum(v[1] for k, v in GROUPS.items() if k != name)
        expected = stats.fisher_exact([[s, n - s], [s_rest, n_rest - s_rest]]).pvalue
        p = table[(table["group"] == name) & (table["kind"] == "ratio")]["p_value"].iloc[0]
        assert p == pytest.approx(expected)
    b = table[(table["group"] == "b") & (table["kind"] == "ratio")].iloc[0]
    assert b["verdict"] == "adverse impact"  # 0.3 vs 0.486 everyone: ratio 0.62, p < 0.001


def test_json_names_everyone_as_the_reference() -> None:
    """report_to_dict labels the reference "everyone" for each attribute."""
    data = report_to_dict(_report())
    assert {tuple(d["reference"].items()) for d in data["disparities"]} == {(("g", "everyone"),)}
    assert data["settings"]["reference"] == "overall"


def test_metric_table_has_no_reference_row_against_everyone() -> None:
    """Every group gets a ratio and a verdict; none is marked the reference group."""
    from fairness_core.metrics import metric_table

    table = metric_table(_report(), "selection_rate")
    assert not table["is_reference"].any()
    assert table["ratio_verdict"].notna().all()
    assert "reference group" not in set(table["ratio_verdict"])


def test_the_sentence_names_everyone_and_the_overall_rate() -> None:
    """describe_disparity compares the group's rate with everyone's rate."""
    from fairness_core.metrics import describe_disparity

    sentence = describe_disparity(_report(), "selection_rate", "b", kind="ratio")
    assert sentence.startswith("Group b is selected at 0.62× the rate of everyone")
    assert "0.300 vs 0.482" in sentence  # 30/100 against 135/280
