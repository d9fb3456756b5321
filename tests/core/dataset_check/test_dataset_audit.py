"""The dataset audit: labels only, representation, base rates, disparate impact, gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, demographic_parity_ratio, selection_rate
from statsmodels.stats.proportion import proportion_confint

from fairness_core.data import Binning, ColumnRoles, check_audit_data, get_demo
from fairness_core.dataset_check import (
    check_labelled_data,
    compute_dataset_audit,
    compute_feature_distribution,
    find_labelled_problems,
)
from fairness_core.errors import InvalidInputError, ValidationFailedError
from fairness_core.plots import (
    describe_base_rates,
    describe_feature_distribution,
    describe_missingness,
    describe_representation,
    plot_base_rates,
    plot_feature_distribution,
    plot_missingness,
    plot_representation,
)


def _frame(seed: int = 0, n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["female", "male", None], size=n, p=[0.45, 0.5, 0.05])
    race = rng.choice(["A", "B", "C", "D"], size=n, p=[0.5, 0.3, 0.15, 0.05])
    rate = np.where(sex == "female", 0.4, 0.6) - np.where(race == "B", 0.15, 0.0)
    income = rng.normal(50_000, 12_000, size=n).round()
    income[rng.random(n) < 0.1] = np.nan
    zip_code = rng.choice(["10001", "10002", "10003"], size=n).astype(object)
    zip_code[rng.random(n) < 0.2] = None
    return pd.DataFrame(
        {
            "y": (rng.random(n) < rate).astype(int),
            "sex": sex,
            "race": race,
            "age": rng.integers(18, 80, size=n),
            "income": income,
            "zip": zip_code,
            "w": rng.integers(1, 4, size=n).astype(float),
        }
    )


ROLES = ColumnRoles(
    target="y",
    protected=("sex", "race", "age"),
    positive_label=1,
    source="model",  # no model, no prediction: the dataset audit must not care
    bins=(Binning("age", edges=(25.0, 35.0, 45.0, 55.0, 65.0)),),
)


def test_labels_only_audit_needs_no_model_or_decisions() -> None:
    """With no decision source the full validation fails, the label check passes."""
    frame = _frame()
    with pytest.raises(ValidationFailedError):
        check_audit_data(frame, ROLES)
    data = check_labelled_data(frame, ROLES)
    assert data.roles.prediction is None
    assert data.roles.score is None
    np.testing.assert_array_equal(data.y_pred, data.y_true)
    np.testing.assert_array_equal(data.y_true, frame["y"].to_numpy())
    assert [g.name for g in data.groups] == ["sex", "race", "age"]


def test_labels_only_check_still_reports_target_and_protected_problems() -> None:
    """A missing target and an unknown protected column are both reported, at once."""
    roles = ColumnRoles(target="", protected=("nope",), source="prediction")
    codes = {p.code for p in find_labelled_problems(_frame(), roles)}
    assert {"no_target", "missing_column"} <= codes
    assert "no_decision" not in codes
    with pytest.raises(ValidationFailedError) as info:
        check_labelled_data(_frame(), roles)
    assert "No target column is chosen." in str(info.value)


def test_rows_without_a_label_are_left_out() -> None:
    """Rows with an empty target drop out of every count, aligned with the groups."""
    frame = _frame()
    frame.loc[:9, "y"] = np.nan
    data = check_labelled_data(frame, ROLES)
    assert data.n_rows == len(frame) - 10
    audit = compute_dataset_audit(data)
    assert audit.attribute("race")["rows"].sum() == len(frame) - 10


def test_base_rates_and_disparate_impact_match_fairlearn_and_brute_force() -> None:
    """Base rate = fairlearn's selection_rate of the labels; ratio = demographic_parity_ratio."""
    frame = _frame(1)
    audit = compute_dataset_audit(check_labelled_data(frame, ROLES), min_n=0)
    for attribute in ("sex", "race"):
        groups = frame[attribute].fillna("(missing)")
        frame_fl = MetricFrame(
            metrics=selection_rate,
            y_true=frame["y"],
            y_pred=frame["y"],
            sensitive_features=groups,
        )
        table = audit.attribute(attribute).set_index("group")
        for group, value in frame_fl.by_group.items():
            assert table.loc[group, "base_rate"] == pytest.approx(value, abs=1e-12)
        brute = frame.groupby(groups)["y"].agg(["mean", "size", "sum"])
        assert table.loc[brute.index, "rows"].tolist() == brute["size"].tolist()
        assert table.loc[brute.index, "positives"].tolist() == brute["sum"].tolist()
        expected_di = brute["mean"] / brute["mean"].max()
        np.testing.assert_allclose(table.loc[brute.index, "disparate_impact"], expected_di)
        summary = audit.summary.set_index("attribute").loc[attribute]
        dp_ratio = demographic_parity_ratio(frame["y"], frame["y"], sensitive_features=groups)
        assert summary["disparate_impact_ratio"] == pytest.approx(dp_ratio, abs=1e-12)
        assert summary["four_fifths"] == (
            "within the line" if dp_ratio >= 0.8 else "below the line"
        )


def test_base_rate_intervals_are_the_subgroups_rate_intervals() -> None:
    """Each group's interval is the Jeffreys interval (as on Subgroups), by statsmodels."""
    audit = compute_dataset_audit(check_labelled_data(_frame(2), ROLES))
    for row in audit.groups.itertuples():
        low, high = proportion_confint(int(row.positives), int(row.rows), method="jeffreys")
        low = 0.0 if row.positives == 0 else low
        high = 1.0 if row.positives == row.rows else high
        assert row.base_rate_low == pytest.approx(low, abs=1e-9)
        assert row.base_rate_high == pytest.approx(high, abs=1e-9)
        assert row.base_rate_low <= row.base_rate <= row.base_rate_high


def test_small_groups_do_not_set_the_disparate_impact_ratio() -> None:
    """Groups below min_n are flagged and left out of the summary ratio."""
    frame = _frame(3)
    audit = compute_dataset_audit(check_labelled_data(frame, ROLES), min_n=40)
    race = audit.attribute("race").set_index("group")
    assert race.loc["D", "small"] == (race.loc["D", "rows"] < 40)
    big = race[race["rows"] >= 40]
    expected = big["base_rate"].min() / big["base_rate"].max()
    got = audit.summary.set_index("attribute").loc["race", "disparate_impact_ratio"]
    assert got == pytest.approx(expected)
    # The per-group ratio uses the same reference: the highest base rate of a large group.
    np.testing.assert_allclose(race["disparate_impact"], race["base_rate"] / big["base_rate"].max())


def test_weighted_shares_and_base_rates() -> None:
    """With sample weights, shares and base rates are weighted averages."""
    frame = _frame(4)
    data = check_labelled_data(frame, ColumnRoles(target="y", protected=("race",), weight="w"))
    table = compute_dataset_audit(data).attribute("race").set_index("group")
    for group, part in frame.groupby("race"):
        assert table.loc[group, "base_rate"] == pytest.approx(
            np.average(part["y"], weights=part["w"])
        )
        assert table.loc[group, "share"] == pytest.approx(part["w"].sum() / frame["w"].sum())
        assert table.loc[group, "rows"] == len(part)


def test_representation_against_reference_shares() -> None:
    """Shares add to 1; the ratio is share ÷ reference; groups without a reference are NaN."""
    frame = _frame(5)
    data = check_labelled_data(frame, ROLES)
    audit = compute_dataset_audit(data, reference_shares={"race": {"A": 0.25, "B": 0.5}})
    race = audit.attribute("race").set_index("group")
    assert race["share"].sum() == pytest.approx(1.0)
    observed = frame["race"].value_counts(normalize=True)
    assert race.loc["A", "representation_ratio"] == pytest.approx(observed["A"] / 0.25)
    assert race.loc["B", "representation_ratio"] == pytest.approx(observed["B"] / 0.5)
    assert np.isnan(race.loc["C", "representation_ratio"])
    for row in race.itertuples():
        assert row.share_low <= row.share <= row.share_high


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ({"income": {"A": 0.5}}, "'income', which is not a protected attribute"),
        ({"race": {"Z": 0.5}}, "'race' has no group 'Z'"),
        ({"race": {"A": 13}}, "must be between 0 and 1 (e.g. 0.13 for 13%)"),
        ({"race": {"A": 0.7, "B": 0.6}}, "add up to more than 100%"),
    ],
)
def test_bad_reference_shares_say_what_to_fix(shares: dict, message: str) -> None:
    """Every bad reference share is refused with a plain message."""
    data = check_labelled_data(_frame(), ROLES)
    with pytest.raises(InvalidInputError) as info:
        compute_dataset_audit(data, reference_shares=shares)
    assert message in str(info.value)


def test_missingness_per_group_matches_pandas() -> None:
    """Missing share per (group, feature) equals a pandas groupby that keeps missing groups."""
    frame = _frame(6)
    audit = compute_dataset_audit(
        check_labelled_data(frame, ROLES), features=["income", "zip", "w"]
    )
    gaps = audit.missingness
    groups = frame["sex"].fillna("(missing)")
    for feature in ("income", "zip", "w"):
        brute = frame[feature].isna().groupby(groups).agg(["sum", "mean"])
        got = gaps[(gaps["attribute"] == "sex") & (gaps["feature"] == feature)].set_index("group")
        assert got.loc[brute.index, "missing"].tolist() == brute["sum"].tolist()
        np.testing.assert_allclose(got.loc[brute.index, "missing_share"], brute["mean"])


def test_default_features_are_the_columns_without_a_role() -> None:
    """With no features chosen, every column that is not target or protected is audited."""
    audit = compute_dataset_audit(check_labelled_data(_frame(), ROLES))
    assert audit.features == ("income", "zip", "w")


def test_numeric_feature_distribution_matches_crosstab() -> None:
    """Band counts per group match pd.cut + crosstab; shares sum to 1; medians match."""
    frame = _frame(7)
    data = check_labelled_data(frame, ROLES)
    dist = compute_feature_distribution(data, "race", "income", bands=4)
    assert dist.numeric
    table = dist.table
    for group, part in table.groupby("group"):
        assert part["share"].sum() == pytest.approx(1.0)
        assert part["rows"].sum() == (frame["race"] == group).sum()
    missing_rows = table[table["value"] == "(missing)"].set_index("group")["rows"]
    brute = frame["income"].isna().groupby(frame["race"]).sum()
    assert missing_rows.loc[brute.index].tolist() == brute.tolist()
    np.testing.assert_allclose(
        dist.medians.loc[["A", "B", "C", "D"]],
        frame.groupby("race")["income"].median().loc[["A", "B", "C", "D"]],
    )


def test_text_feature_distribution_matches_value_counts() -> None:
    """Per-group value shares of a text feature equal pandas' normalized value counts."""
    frame = _frame(8)
    dist = compute_feature_distribution(check_labelled_data(frame, ROLES), "race", "zip")
    assert not dist.numeric
    got = dist.table.set_index(["group", "value"])["share"]
    brute = frame["zip"].fillna("(missing)").groupby(frame["race"]).value_counts(normalize=True)
    for (group, value), share in brute.items():
        assert got.loc[(group, value)] == pytest.approx(share)


def test_feature_distribution_refuses_unknown_columns() -> None:
    """An unknown feature is refused with the house message."""
    data = check_labelled_data(_frame(), ROLES)
    with pytest.raises(InvalidInputError, match="is not a column of the data"):
        compute_feature_distribution(data, "race", "salary")
    with pytest.raises(InvalidInputError, match="is not a column of the data"):
        compute_dataset_audit(data, features=["salary"])


def test_loan_training_labels_show_the_injected_gap() -> None:
    """On the loan demo's historical labels, Black applicants' base rate fails four-fifths."""
    demo = get_demo("loan")
    data = check_labelled_data(demo.load_train().frame, demo.roles)
    audit = compute_dataset_audit(data)
    race = audit.summary.set_index("attribute").loc["race"]
    assert race["lowest_group"] == "Black"
    assert race["four_fifths"] == "below the line"
    assert race["disparate_impact_ratio"] == pytest.approx(0.457 / 0.696, abs=0.01)


def test_figures_show_the_audit_numbers() -> None:
    """Bars carry the audit's values and intervals; reference shares appear only when given."""
    data = check_labelled_data(_frame(9), ROLES)
    plain = compute_dataset_audit(data)
    assert len(plot_representation(plain, "race").data) == 1
    audit = compute_dataset_audit(data, reference_shares={"race": {"A": 0.8}})
    table = audit.attribute("race")
    representation = plot_representation(audit, "race")
    assert [t.name for t in representation.data] == ["share of the data", "reference share"]
    np.testing.assert_allclose(representation.data[0].y, table["share"])
    base = plot_base_rates(audit, "race").data[0]
    np.testing.assert_allclose(base.y, table["base_rate"])
    np.testing.assert_allclose(np.asarray(base.y) + base.error_y.array, table["base_rate_high"])
    heat = plot_missingness(audit, "race").data[0]
    assert list(heat.x) == list(audit.features)
    assert list(heat.y) == list(table["group"])
    dist = compute_feature_distribution(data, "race", "zip")
    assert [t.name for t in plot_feature_distribution(dist).data] == ["A", "B", "C", "D"]


def test_sentences_say_what_the_charts_show() -> None:
    """Under-representation, the four-fifths verdict and the most uneven gaps are in words."""
    frame = _frame(10)
    data = check_labelled_data(frame, ROLES)
    audit = compute_dataset_audit(data, reference_shares={"race": {"A": 0.8}})
    share_a = (frame["race"] == "A").mean()
    assert f"A is the most under-represented: {share_a:.1%} of the data against 80.0%" in (
        describe_representation(audit, "race")
    )
    summary = audit.summary.set_index("attribute").loc["sex"]
    sentence = describe_base_rates(audit, "sex")
    assert f"a ratio of {summary['disparate_impact_ratio']:.2f}" in sentence
    below = summary["four_fifths"] == "below the line"
    assert ("fails the four-fifths rule" in sentence) == below
    assert describe_missingness(audit, "race").split(" ")[0] in ("income", "zip")
    dist = compute_feature_distribution(data, "sex", "income")
    assert describe_feature_distribution(dist).startswith("The median income is lowest for")
