"""Per-group verdicts on the recorded outcomes, checked against a brute-force computation.

The brute force uses only pandas and scipy: rates by groupby, the best rate among groups
with at least min n rows, Fisher's exact test against it and Holm's adjustment written out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import beta, fisher_exact

from fairness_core.data import ColumnRoles
from fairness_core.dataset_check import (
    REFERENCE_VERDICT,
    check_labelled_data,
    compute_base_rate_verdicts,
    describe_base_rate_verdicts,
    with_intersection,
)
from fairness_core.errors import InvalidInputError
from fairness_core.plots import plot_base_rate_verdicts

MIN_N = 30


def _zip_table() -> pd.DataFrame:
    """24 zip codes with fixed counts: a reference at 10%, one group exactly on the line
    (8 of 100: 0.08 / 0.1 = 0.7999999999999999 in floating point), twenty at 500 rows
    from 1.6% to 9.2%, and two groups too small to judge (one with the highest rate)."""
    counts = {"02100": (1000, 100), "02101": (100, 8)}
    for i in range(2, 22):
        counts[f"02{100 + i}"] = (500, 8 + 2 * (i - 2))
    counts["02122"] = (10, 5)
    counts["02123"] = (20, 0)
    rows = []
    for zip_code, (n, positives) in counts.items():
        for k in range(n):
            rows.append(
                {
                    "zip_code": zip_code,
                    "gender": "female" if k % 3 == 0 else "male",
                    "repaid": int(k < positives),
                }
            )
    return pd.DataFrame(rows)


def _labelled(frame: pd.DataFrame):
    roles = ColumnRoles(target="repaid", protected=("zip_code", "gender"), positive_label=1)
    return check_labelled_data(frame, roles)


def _brute_force(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    grouped = frame.groupby(by, sort=True)["repaid"].agg(["size", "sum"])
    grouped.index = [" · ".join(map(str, i)) if isinstance(i, tuple) else str(i)
                     for i in grouped.index]  # fmt: skip
    grouped["rate"] = grouped["sum"] / grouped["size"]
    judged = grouped[grouped["size"] >= MIN_N]
    reference = judged["rate"].idxmax()
    best = judged.loc[reference]
    grouped["ratio"] = grouped["rate"] / best["rate"]
    others = judged.index.drop(reference)
    p = pd.Series(
        {
            g: fisher_exact(
                [
                    [grouped.loc[g, "sum"], grouped.loc[g, "size"] - grouped.loc[g, "sum"]],
                    [best["sum"], best["size"] - best["sum"]],
                ]
            ).pvalue
            for g in others
        }
    )
    # Holm, written out: sort, multiply by (m - rank), running maximum, cap at 1.
    order = p.sort_values(kind="stable")
    m = len(order)
    adjusted = np.maximum.accumulate(order.to_numpy() * (m - np.arange(m))).clip(max=1)
    grouped["p_adjusted"] = pd.Series(adjusted, index=order.index)
    below = (grouped["ratio"] < 0.8 * (1 - 1e-9)) & grouped.index.isin(others)
    grouped["below"] = below
    grouped["adverse"] = below & (grouped["p_adjusted"] < 0.05)
    grouped["judged"] = grouped.index.isin(others)
    grouped.attrs["reference"] = reference
    return grouped


def test_each_zip_codes_verdict_equals_the_brute_force() -> None:
    """Impact ratio, below-the-line, adverse impact and the reference match group by group."""
    frame = _zip_table()
    verdicts = compute_base_rate_verdicts(_labelled(frame), ["zip_code"], min_n=MIN_N)
    expected = _brute_force(frame, ["zip_code"])
    table = verdicts.table.set_index("group")
    assert len(table) == 24
    assert verdicts.reference == expected.attrs["reference"] == "02100"
    assert table.loc["02100", "verdict"] == REFERENCE_VERDICT
    np.testing.assert_allclose(table["impact_ratio"], expected.loc[table.index, "ratio"])
    np.testing.assert_allclose(table["base_rate"], expected.loc[table.index, "rate"])
    assert table["below_line"].to_dict() == expected["below"].to_dict()
    adverse = table["verdict"] == "adverse impact"
    assert adverse.to_dict() == expected["adverse"].to_dict()
    judged = expected.index[expected["judged"]]
    np.testing.assert_allclose(
        table.loc[judged, "p_value_adjusted"], expected.loc[judged, "p_adjusted"], rtol=1e-9
    )
    # The groups too small to judge, including the one with the highest rate of all.
    assert verdicts.too_small == ("02122", "02123")
    # Exactly on the line is not below it: 8 of 100 and 40 of 500 against 10%.
    assert table.loc["02101", "verdict"] == "within the line"
    assert table.loc["02118", "verdict"] == "within the line"
    # The table has every kind of verdict, so the comparison above tested each.
    assert {"adverse impact", "below the line, not statistically significant",
            "within the line"} <= set(table["verdict"])  # fmt: skip


def test_base_rate_intervals_are_jeffreys() -> None:
    """Each group's 95% interval is the Jeffreys interval Beta(s + ½, n − s + ½)."""
    frame = _zip_table()
    verdicts = compute_base_rate_verdicts(_labelled(frame), ["zip_code"], min_n=MIN_N)
    row = verdicts.table.set_index("group").loc["02110"]
    s, n = 24, 500
    assert row["ci_low"] == pytest.approx(beta.ppf(0.025, s + 0.5, n - s + 0.5))
    assert row["ci_high"] == pytest.approx(beta.ppf(0.975, s + 0.5, n - s + 0.5))


def test_the_sentence_names_the_zip_codes_below_the_line() -> None:
    """The sentence "N of 24 groups of zip_code are below the line: …" names exactly them."""
    frame = _zip_table()
    verdicts = compute_base_rate_verdicts(_labelled(frame), ["zip_code"], min_n=MIN_N)
    expected = _brute_force(frame, ["zip_code"])
    below = [str(g) for g in expected.index[expected["below"]]]
    sentence = describe_base_rate_verdicts(verdicts)
    named = ", ".join(below[:12]) + (f" and {len(below) - 12} more" if len(below) > 12 else "")
    assert sentence.startswith(
        f"{len(below)} of 24 groups of zip_code are below the four-fifths line: {named}."
    )
    assert "compared with 02100" in sentence
    assert "2 groups have fewer than 30 rows and are not judged: 02122, 02123." in sentence


def test_the_chart_draws_each_groups_ratio_and_the_line() -> None:
    """One bar per group at its impact ratio, grouped by verdict, and the 0.8 line."""
    frame = _zip_table()
    verdicts = compute_base_rate_verdicts(_labelled(frame), ["zip_code"], min_n=MIN_N)
    figure = plot_base_rate_verdicts(verdicts)
    drawn = {x: y for t in figure.data for x, y in zip(t.x, t.y, strict=True)}
    expected = verdicts.table.set_index("group")["impact_ratio"].to_dict()
    assert drawn.keys() == expected.keys()
    assert all(drawn[g] == pytest.approx(v) for g, v in expected.items())
    assert [s.y0 for s in figure.layout.shapes] == [0.8]


def test_two_attributes_intersected_match_the_brute_force() -> None:
    """zip_code × gender: the crossed column's groups and verdicts match a two-key groupby."""
    frame = _zip_table()
    data = _labelled(frame)
    crossed = with_intersection(data, ["zip_code", "gender"])
    column = crossed.group("zip_code × gender")
    counts = dict(zip(column.labels, np.bincount(column.codes), strict=True))
    expected = _brute_force(frame, ["zip_code", "gender"])
    assert counts == expected["size"].to_dict()
    verdicts = compute_base_rate_verdicts(data, ["zip_code", "gender"], min_n=MIN_N)
    table = verdicts.table.set_index("group")
    assert verdicts.name == "zip_code × gender"
    assert table["below_line"].to_dict() == expected["below"].to_dict()
    on_column = compute_base_rate_verdicts(crossed, ["zip_code × gender"], min_n=MIN_N)
    pd.testing.assert_frame_equal(on_column.table, verdicts.table)


def test_an_intersection_needs_two_different_attributes() -> None:
    """One attribute, the same twice, or an unknown name is refused with the remedy."""
    data = _labelled(_zip_table())
    for attributes in (["zip_code"], ["zip_code", "zip_code"], ["zip_code", "income"]):
        with pytest.raises(InvalidInputError, match="needs two different protected attributes"):
            with_intersection(data, attributes)


def test_with_too_few_judged_groups_the_sentence_says_so() -> None:
    """With min n above every group but one, no verdict is given and the sentence says why."""
    frame = _zip_table()
    verdicts = compute_base_rate_verdicts(_labelled(frame), ["zip_code"], min_n=600)
    assert not verdicts.below
    assert describe_base_rate_verdicts(verdicts).startswith(
        "Fewer than two groups of zip_code have at least 600 rows"
    )
