"""Slice discovery: brute-force oracle, minimum support, demo findings, cohorts."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairness_core.data import AuditData, Binning, ColumnRoles, check_audit_data, get_demo
from fairness_core.dataset_check import (
    Cohort,
    SliceCondition,
    describe_slice,
    find_slices,
    with_cohorts,
)
from fairness_core.dataset_check._slices import encode_slice_feature
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import compute_group_counts, compute_subgroup_report
from fairness_core.plots import describe_slices, plot_slices

# metric → (numerator mask, denominator mask) from truth t and decision d; higher is worse?
BRUTE = {
    "error_rate": (lambda t, d: t != d, lambda t, d: np.ones(len(t), bool), True),
    "false_negative_rate": (lambda t, d: (t == 1) & (d == 0), lambda t, d: t == 1, True),
    "false_positive_rate": (lambda t, d: (t == 0) & (d == 1), lambda t, d: t == 0, True),
    "selection_rate": (lambda t, d: d == 1, lambda t, d: np.ones(len(t), bool), False),
}


def _audit(seed: int = 0, n: int = 400, levels: tuple[int, ...] = (2, 3, 4)) -> AuditData:
    """Small data with a few text features, a decision and an outcome."""
    rng = np.random.default_rng(seed)
    columns = {
        f"f{i}": rng.choice([f"v{j}" for j in range(k)], size=n) for i, k in enumerate(levels)
    }
    frame = pd.DataFrame(columns)
    if n > 3:
        frame.loc[: n // 20, "f0"] = None
    frame["y"] = rng.integers(0, 2, size=n)
    frame.loc[:1, "y"] = [0, 1]  # both outcomes, so the data can be audited
    bias = (frame["f1"] == "v0").to_numpy() * 0.3
    frame["pred"] = (rng.random(n) < 0.5 - bias).astype(int)
    frame.loc[0, "pred"] = 1  # validation refuses a decision column of 0s only
    roles = ColumnRoles(target="y", protected=("f0",), positive_label=1, prediction="pred")
    return check_audit_data(frame, roles)


def _brute_force(
    data: AuditData, features: list[str], metric: str, max_order: int, min_support: int
):
    """Every supported slice with pandas groupby: text → (support, value, rest value)."""
    num_of, den_of, worse_high = BRUTE[metric]
    t, d = data.y_true, data.y_pred
    frame = data.frame[features].astype(object).where(data.frame[features].notna(), "(missing)")
    frame = frame.assign(_num=num_of(t, d).astype(int), _den=den_of(t, d).astype(int))
    total_num, total_den = frame["_num"].sum(), frame["_den"].sum()
    out = {}
    for order in range(1, max_order + 1):
        for combo in itertools.combinations(features, order):
            sums = frame.groupby(list(combo))[["_num", "_den"]].sum()
            for key, row in sums.iterrows():
                key = key if isinstance(key, tuple) else (key,)
                rest_den = total_den - row["_den"]
                if row["_den"] < min_support or rest_den == 0:
                    continue
                text = " and ".join(f"{f} = {v}" for f, v in zip(combo, key, strict=True))
                value = row["_num"] / row["_den"]
                rest = (total_num - row["_num"]) / rest_den
                out[text] = (
                    int(row["_den"]),
                    value,
                    rest,
                    (value - rest) * (1 if worse_high else -1),
                )
    return out


@pytest.mark.parametrize("metric", list(BRUTE))
def test_slice_metrics_equal_a_pandas_brute_force(metric: str) -> None:
    """Every reported slice's support, value and rest value match pandas; none is missed."""
    data = _audit(1)
    features = ["f0", "f1", "f2"]
    report = find_slices(data, features=features, metric=metric, max_order=3, min_support=5,
                         max_results=10_000, prune=False)  # fmt: skip
    brute = _brute_force(data, features, metric, 3, 5)
    assert report.tested == len(brute)
    harmful = {k: v for k, v in brute.items() if v[3] > 0}
    assert set(report.table["slice"]) == set(harmful)
    for row in report.table.itertuples():
        support, value, rest, worse = harmful[row.slice]
        assert row.support == support
        assert row.value == pytest.approx(value, abs=1e-12)
        assert row.rest_value == pytest.approx(rest, abs=1e-12)
        assert row.worse_by == pytest.approx(worse, abs=1e-12)
        assert row.ci_low <= row.value <= row.ci_high
        assert row.p_value <= row.p_value_adjusted <= 1.0


def test_slices_are_ranked_significant_first_then_by_the_lower_bound() -> None:
    """Significant slices come first; within each block worse_by_low never increases."""
    table = find_slices(_audit(2, n=2000), features=["f0", "f1", "f2"], metric="selection_rate",
                        min_support=10, max_results=500).table  # fmt: skip
    significant = table["significant"].to_numpy()
    assert not np.any(~significant[:-1] & significant[1:])
    for _, block in table.groupby("significant"):
        assert (np.diff(block["worse_by_low"].to_numpy()) <= 1e-15).all()
    assert table.iloc[0]["slice"] == "f1 = v0"
    assert (table["worse_by_low"] < table["worse_by"]).all()


@pytest.mark.parametrize("metric", ["error_rate", "selection_rate"])
def test_worse_by_low_is_newcombes_interval_from_scipy_wilson_intervals(metric: str) -> None:
    """The lower bound equals Newcombe's hybrid score interval built from scipy's Wilson."""
    from scipy.stats import binomtest

    data = _audit(7, n=800)
    report = find_slices(data, features=["f0", "f1"], metric=metric, min_support=20,
                         max_results=50, prune=False)  # fmt: skip
    num_of, den_of, worse_high = BRUTE[metric]
    t, d = data.y_true, data.y_pred
    assert len(report.table) > 0
    for row in report.table.itertuples():
        mask = Cohort("x", row.conditions).mask(data.frame)
        den, num = den_of(t, d), num_of(t, d)
        k1, n1 = int((num & den & mask).sum()), int((den & mask).sum())
        k2, n2 = int((num & den & ~mask).sum()), int((den & ~mask).sum())
        l1, u1 = binomtest(k1, n1).proportion_ci(method="wilson")
        l2, u2 = binomtest(k2, n2).proportion_ci(method="wilson")
        p1, p2 = k1 / n1, k2 / n2
        if worse_high:
            expected = (p1 - p2) - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        else:
            expected = (p2 - p1) - np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
        assert row.worse_by_low == pytest.approx(expected, abs=1e-9)
        assert (row.ci_low, row.ci_high) == pytest.approx((l1, u1), abs=1e-9)


@pytest.mark.parametrize("metric", list(BRUTE))
def test_p_values_match_scipy_and_a_hand_holm_correction(metric: str) -> None:
    """Each p is scipy's z (chi-square) or Fisher test; Holm runs over every tested slice."""
    from scipy.stats import chi2_contingency, fisher_exact

    data = _audit(8, n=300)
    features = ["f0", "f1", "f2"]
    report = find_slices(data, features=features, metric=metric, max_order=2, min_support=8,
                         max_results=10_000, prune=False)  # fmt: skip
    brute = _brute_force(data, features, metric, 2, 8)
    num_of, den_of, _ = BRUTE[metric]
    t, d = data.y_true, data.y_pred
    total_num = int((num_of(t, d) & den_of(t, d)).sum())
    total_den = int(den_of(t, d).sum())
    raw = {}
    for text, (support, value, _, worse) in brute.items():
        if worse <= 0:
            raw[text] = 1.0  # treated better than the rest: in the family with p = 1
            continue
        k1, n1 = round(value * support), support
        k2, n2 = total_num - k1, total_den - n1
        table = np.array([[k1, n1 - k1], [k2, n2 - k2]])
        expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
        if (expected < 5).any() or k1 + k2 in (0, n1 + n2):
            raw[text] = fisher_exact(table).pvalue
        else:
            raw[text] = chi2_contingency(table, correction=False).pvalue
    assert len(raw) == report.tested
    # Holm by the textbook definition: adj_(i) = max over j <= i of min(1, (m - j + 1) p_(j)).
    ordered = sorted(raw.items(), key=lambda item: item[1])
    m, running, holm = len(ordered), 0.0, {}
    for j, (text, p) in enumerate(ordered):
        running = max(running, min(1.0, (m - j) * p))
        holm[text] = running
    for row in report.table.itertuples():
        assert row.p_value == pytest.approx(raw[row.slice], rel=1e-9, abs=1e-12)
        assert row.p_value_adjusted == pytest.approx(holm[row.slice], rel=1e-9, abs=1e-12)
        assert row.significant == (holm[row.slice] < 0.05)


def test_pruning_drops_exactly_the_slices_not_clearly_worse_than_a_broader_one() -> None:
    """Brute force: a child is kept iff its interval clears every broader candidate's value."""
    data = _audit(9, n=3000)
    features = ["f0", "f1", "f2"]
    common = {"features": features, "metric": "error_rate", "max_order": 3, "min_support": 10,
              "max_results": 10_000}  # fmt: skip
    everything = find_slices(data, prune=False, **common).table
    pruned_report = find_slices(data, **common)
    pruned = pruned_report.table
    by_conditions = {frozenset(row.conditions): row for row in everything.itertuples()}
    expected = []
    for row in everything.itertuples():
        conditions = frozenset(row.conditions)
        broader = [
            by_conditions[frozenset(sub)]
            for size in range(1, len(conditions))
            for sub in itertools.combinations(conditions, size)
            if frozenset(sub) in by_conditions
        ]
        if all(row.ci_low > b.value for b in broader):
            expected.append(row.slice)
    assert pruned["slice"].tolist() == expected  # same order: pruning keeps the ranking
    assert pruned_report.pruned == len(everything) - len(expected)
    assert pruned_report.pruned > 0
    assert (pruned["order"] == 1).sum() == (everything["order"] == 1).sum()


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 300),
    min_support=st.integers(1, 120),
    metric=st.sampled_from(list(BRUTE)),
    max_order=st.integers(1, 3),
    min_effect=st.floats(0, 0.5),
)
def test_no_slice_below_the_minimum_support_is_reported(
    seed: int, n: int, min_support: int, metric: str, max_order: int, min_effect: float
) -> None:
    """Whatever the data and settings, every reported slice has enough support and is worse."""
    data = _audit(seed, n=n)
    report = find_slices(data, features=["f0", "f1", "f2"], metric=metric, max_order=max_order,
                         min_support=min_support, min_effect=min_effect)  # fmt: skip
    table = report.table
    assert (table["support"] >= min_support).all()
    assert (table["rest_support"] >= 1).all()
    assert (table["worse_by"] > min_effect).all()
    assert (table["order"] <= max_order).all()
    assert len(table) <= 20
    assert isinstance(describe_slice(report), str)


def test_numeric_features_are_banded_and_conditions_select_the_slice_rows() -> None:
    """Numbers get bands; each reported slice's conditions pick exactly its rows."""
    data = _audit(3, n=600)
    rng = np.random.default_rng(0)
    frame = data.frame.assign(income=rng.normal(50_000, 10_000, len(data.frame)),
                              age=rng.integers(18, 80, len(data.frame)))  # fmt: skip
    frame.loc[:5, "income"] = np.nan
    roles = ColumnRoles(target="y", protected=("f0", "age"), positive_label=1, prediction="pred",
                        bins=(Binning("age", edges=(25.0, 45.0)),))  # fmt: skip
    data = check_audit_data(frame, roles)
    age = encode_slice_feature(frame["age"], roles=roles)
    assert age is not None
    assert age.column.labels == ("under 25", "25–44", "45 and over")
    income = encode_slice_feature(frame["income"], bands=4)
    assert income is not None
    assert len(income.column.labels) == 5
    for codes, feature in ((age.column.codes, age), (income.column.codes, income)):
        for code, condition in enumerate(feature.conditions):
            np.testing.assert_array_equal(condition.mask(frame), codes == code)
    report = find_slices(data, features=["f1", "income", "age"], metric="error_rate",
                         min_support=5, max_results=200)  # fmt: skip
    for row in report.table.itertuples():
        mask = Cohort("x", row.conditions).mask(frame)
        assert mask.sum() == row.rows
        wrong = (data.y_true != data.y_pred)[mask]
        assert wrong.mean() == pytest.approx(row.value)


def test_text_with_too_many_values_is_skipped() -> None:
    """An id-like column is skipped and named in the report."""
    data = _audit(4)
    frame = data.frame.assign(person=[f"p{i}" for i in range(len(data.frame))])
    data = check_audit_data(frame, data.roles)
    report = find_slices(data, features=["f1", "person"], min_support=5)
    assert report.skipped == ("person",)
    assert report.features == ("f1",)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"metric": "accuracy"}, "The slice metric must be one of"),
        ({"features": []}, "No feature was chosen to search"),
        ({"features": ["nope"]}, "'nope' is not a column of the data"),
        ({"max_order": 4}, "max_order must be 1, 2 or 3"),
        ({"min_support": 0}, "min_support must be a whole number of people, at least 1"),
        ({"min_effect": 2.0}, "min_effect must be between 0 and 1"),
        ({"alpha": 1.5}, "alpha must be between 0 and 1"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict, message: str) -> None:
    """Each bad setting gets a plain message."""
    settings_ = {"features": ["f1"], **kwargs}
    with pytest.raises(InvalidInputError, match=message):
        find_slices(_audit(), **settings_)


@pytest.mark.parametrize(
    ("scenario", "metric", "condition"),
    [
        ("loan", "selection_rate", "race = Black"),
        ("loan", "false_negative_rate", "race = Black"),
        ("resume", "false_negative_rate", "gender = female"),
        ("credit", "selection_rate", "age: under 25"),
        ("credit", "error_rate", "age: under 25"),
    ],
)
def test_the_injected_worst_slice_is_found_at_the_top(
    scenario: str, metric: str, condition: str
) -> None:
    """Searching the protected attributes, the injected disparity leads the list."""
    demo = get_demo(scenario)
    data = check_audit_data(demo.load_test().frame, demo.roles)
    report = find_slices(data, features=list(demo.roles.protected), metric=metric, max_order=2,
                         min_support=30)  # fmt: skip
    top = report.table.iloc[0]
    assert top["significant"]
    assert condition in top["slice"], report.table["slice"].head(3).tolist()
    single = report.table[report.table["slice"] == condition]
    assert len(single) == 1
    assert bool(single["significant"].iloc[0])


def test_the_tiny_credit_group_is_never_reported_below_the_support() -> None:
    """The 44-person non-EU group appears only when the minimum support lets it."""
    demo = get_demo("credit")
    data = check_audit_data(demo.load_test().frame, demo.roles)
    strict = find_slices(data, features=["nationality", "sex"], metric="error_rate",
                         min_support=50, max_results=100)  # fmt: skip
    assert not strict.table["slice"].str.contains("non_EU").any()
    loose = find_slices(data, features=["nationality"], metric="error_rate", min_support=40)
    row = loose.table[loose.table["slice"] == "nationality = non_EU"].iloc[0]
    assert row["support"] == 44
    assert not row["significant"]  # a warning sign, not evidence (demo_data/README.md)


def test_a_cohort_becomes_a_grouping_column_for_the_subgroup_report() -> None:
    """with_cohorts adds "in <name>" / "rest"; counts and the report use it unchanged."""
    data = _audit(5, n=500)
    cohort = Cohort("f1 is v0", (SliceCondition("f1", "v0"),))
    extended = with_cohorts(data, [cohort])
    assert [g.name for g in extended.groups] == ["f0", "f1 is v0"]
    assert data.groups == extended.groups[:1]  # the original is untouched
    column = extended.group("f1 is v0")
    assert column.labels == ("in f1 is v0", "rest")
    inside = (data.frame["f1"] == "v0").to_numpy()
    np.testing.assert_array_equal(column.codes == 0, inside)
    counts = compute_group_counts([column], data.y_true, data.y_pred)
    assert counts.n.tolist() == [inside.sum(), (~inside).sum()]
    report = compute_subgroup_report(extended, attributes=["f1 is v0"], metrics=["selection_rate"])
    rates = report.groups.set_index("group")
    selected = data.y_pred[inside].mean()
    got = rates[(rates["metric"] == "selection_rate")].loc["in f1 is v0", "value"]
    assert got == pytest.approx(selected)


def test_cohort_names_must_be_new() -> None:
    """A cohort named like a protected attribute or another cohort is refused."""
    data = _audit()
    with pytest.raises(InvalidInputError, match="already used"):
        with_cohorts(data, [Cohort("f0", (SliceCondition("f1", "v0"),))])
    twice = [Cohort("c", (SliceCondition("f1", "v0"),))] * 2
    with pytest.raises(InvalidInputError, match="already used"):
        with_cohorts(data, twice)
    assert with_cohorts(data, []) is data


def test_a_cohort_on_data_without_its_column_says_what_to_do() -> None:
    """A cohort naming a column the data lacks is refused in plain words."""
    with pytest.raises(InvalidInputError, match="Create the cohort again on this data"):
        with_cohorts(_audit(), [Cohort("c", (SliceCondition("zip", "1"),))])


def test_slice_and_proxy_figures() -> None:
    """The slice chart shows the top slices with intervals and a line at the overall value."""
    report = find_slices(_audit(6, n=1500), features=["f0", "f1", "f2"], min_support=10,
                         metric="selection_rate")  # fmt: skip
    figure = plot_slices(report, top=5)
    bars = figure.data[0]
    shown = report.table.head(5).iloc[::-1]
    assert list(bars.y) == shown["slice"].tolist()
    np.testing.assert_allclose(bars.x, shown["value"])
    np.testing.assert_allclose(np.asarray(bars.x) - bars.error_x.arrayminus, shown["ci_low"])
    assert figure.layout.shapes[0].x0 == pytest.approx(report.overall)
    assert describe_slices(report).startswith("Among people with")
