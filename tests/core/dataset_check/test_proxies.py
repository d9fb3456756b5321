"""Proxy detection: mutual information, cross-validated scores, ranking, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import entropy
from sklearn.metrics import mutual_info_score

from fairness_core.data import ColumnRoles, get_demo
from fairness_core.dataset_check import ALL_FEATURES, check_labelled_data, find_proxies
from fairness_core.dataset_check._proxies import describe_proxy, encode_feature, mutual_information
from fairness_core.errors import InvalidInputError
from fairness_core.plots import describe_proxies, plot_proxies


def _data(n: int = 1500, seed: int = 0, groups: int = 2):
    """A table where `neighbourhood` follows the group closely and `noise` not at all."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, groups, size=n)
    near = np.where(rng.random(n) < 0.85, group, rng.integers(0, groups, size=n))
    frame = pd.DataFrame(
        {
            "y": rng.integers(0, 2, size=n),
            "group": [f"g{g:02d}" for g in group],
            "neighbourhood": [f"n{v:02d}" for v in near],
            "noise": rng.normal(size=n),
            "copy": [f"g{g:02d}" for g in group],
        }
    )
    roles = ColumnRoles(target="y", protected=("group",), positive_label=1)
    return check_labelled_data(frame, roles)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4)), min_size=1, max_size=200),
)
def test_mutual_information_equals_sklearn(pairs: list[tuple[int, int]]) -> None:
    """MI from joint counts equals sklearn's mutual_info_score on the same codes."""
    x = np.array([a for a, _ in pairs])
    y = np.array([b for _, b in pairs])
    assert mutual_information(x, y) == pytest.approx(mutual_info_score(x, y), abs=1e-12)


def test_normalized_mi_is_mi_over_the_attribute_entropy() -> None:
    """normalized_mi = MI(group, feature codes) / H(group), and a copy of the group scores 1."""
    data = _data()
    report = find_proxies(data, features=["neighbourhood", "copy"], together=False)
    table = report.table.set_index("feature")
    group = data.group("group").codes
    codes = encode_feature(data.frame["neighbourhood"]).codes
    expected = mutual_info_score(group, codes) / entropy(np.bincount(group))
    assert table.loc["neighbourhood", "normalized_mi"] == pytest.approx(expected)
    assert table.loc["copy", "normalized_mi"] == pytest.approx(1.0)


def test_a_copy_is_a_perfect_proxy_and_noise_is_none() -> None:
    """A copy of the attribute scores AUC 1; an unrelated number scores about 0.5."""
    table = find_proxies(_data(), features=["copy", "noise"]).table.set_index("feature")
    assert table.loc["copy", "auc"] == pytest.approx(1.0)
    assert table.loc["copy", "skill"] == pytest.approx(1.0)
    assert table.loc["copy", "rank"] == 1
    assert abs(table.loc["noise", "auc"] - 0.5) < 0.06
    assert "says little or nothing about group" in table.loc["noise", "sentence"]
    assert table.loc["copy", "sentence"] == (
        "copy alone strongly identifies group (AUC 1.00; a coin toss scores 0.50)."
    )
    assert ALL_FEATURES in table.index


def test_auc_is_cross_validated_not_measured_on_the_rows_it_learned_from() -> None:
    """A 50-value random code: our AUC equals sklearn's out-of-fold AUC (about 0.5), while
    the same model scored on its own training rows would look like a proxy."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.naive_bayes import CategoricalNB

    data = _data(n=1500, seed=5)
    rng = np.random.default_rng(11)
    frame = data.frame.assign(code=[f"c{v:02d}" for v in rng.integers(0, 50, len(data.frame))])
    data = check_labelled_data(frame, data.roles)
    row = find_proxies(data, features=["code"], together=False, seed=2).table.iloc[0]
    group = data.group("group").codes
    codes = encode_feature(frame["code"]).codes.reshape(-1, 1)
    model = CategoricalNB(alpha=1.0, min_categories=50)
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=2)
    held_out = cross_val_predict(model, codes, group, cv=folds, method="predict_proba")[:, 1]
    in_sample = model.fit(codes, group).predict_proba(codes)[:, 1]
    assert row["auc"] == pytest.approx(roc_auc_score(group, held_out), abs=1e-12)
    assert abs(row["auc"] - 0.5) < 0.05
    assert roc_auc_score(group, in_sample) > row["auc"] + 0.05


def test_top_proxy_features_for_the_whatif_page() -> None:
    """Strong single-feature proxies, best first, each once; noise and the all-features row
    are left out."""
    from fairness_core.dataset_check import top_proxy_features

    report = find_proxies(_data(), features=["neighbourhood", "noise", "copy"])
    assert top_proxy_features(report) == ("copy", "neighbourhood")
    assert top_proxy_features(report, per_attribute=1) == ("copy",)
    assert top_proxy_features(report, min_skill=1.01) == ()


def test_many_valued_attributes_use_balanced_accuracy() -> None:
    """With 12 groups the score is balanced accuracy and chance is 1/12."""
    table = find_proxies(_data(n=3000, groups=12), features=["neighbourhood"]).table
    row = table[table["feature"] == "neighbourhood"].iloc[0]
    assert row["score_name"] == "balanced accuracy"
    assert row["chance"] == pytest.approx(1 / 12)
    assert row["score"] == row["balanced_accuracy"]
    assert 0.7 < row["score"] < 0.95  # 85% copied + chance hits among the rest


def test_proxies_are_deterministic() -> None:
    """The same data and seed give exactly the same table, subsampled or not."""
    data = _data(n=2000)
    a = find_proxies(data, features=["neighbourhood", "noise"], max_rows=800, seed=3)
    b = find_proxies(data, features=["neighbourhood", "noise"], max_rows=800, seed=3)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_large_data_is_subsampled_and_says_so() -> None:
    """Above max_rows, max_rows rows are used and the notes say how many there were."""
    report = find_proxies(_data(n=2000), features=["noise"], max_rows=500)
    assert report.rows == 500
    assert report.subsampled_from == 2000
    assert any("2,000 rows; 500 of them" in note for note in report.notes)
    assert (report.table["rows"] <= 500).all()


def test_missing_groups_and_tiny_groups_are_left_out() -> None:
    """Rows without a group are not guessed; a group too small for the folds is noted."""
    data = _data(n=600)
    frame = data.frame.copy()
    frame.loc[:19, "group"] = None
    frame.loc[20:22, "group"] = "tiny"
    data = check_labelled_data(frame, data.roles)
    report = find_proxies(data, features=["neighbourhood"], together=False)
    assert report.table["rows"].iloc[0] == 600 - 23
    assert "group: rows with no value were left out (there is no group to guess)." in report.notes
    assert "group: left out tiny (fewer than 6 rows, too few to check)." in report.notes


def test_a_feature_is_not_checked_against_itself() -> None:
    """A protected attribute among the features is scored for the other attributes only."""
    frame = _data().frame.assign(other=lambda f: f["copy"])
    data = check_labelled_data(frame, ColumnRoles(target="y", protected=("group", "other")))
    table = find_proxies(data, features=["group", "noise"], together=False).table
    pairs = set(zip(table["feature"], table["attribute"], strict=True))
    assert ("group", "group") not in pairs
    assert ("group", "other") in pairs


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"features": ["salary"]}, "'salary' is not a column of the data"),
        ({"attributes": ["noise"]}, "Proxies are checked for protected attributes"),
        ({"folds": 1}, "folds must be a whole number from 2 to 10"),
        ({"max_rows": 10}, "max_rows must be a whole number of at least 100"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict, message: str) -> None:
    """Each bad setting gets a plain message."""
    with pytest.raises(InvalidInputError, match=message):
        find_proxies(_data(n=200), **kwargs)


def test_describe_proxy_words() -> None:
    """The sentence grades the skill and names the score and chance."""
    row = {"feature": "zip_code", "attribute": "race", "score_name": "AUC", "score": 0.86,
           "chance": 0.5, "skill": 0.72}  # fmt: skip
    assert describe_proxy(row) == (
        "zip_code alone strongly identifies race (AUC 0.86; a coin toss scores 0.50)."
    )
    row = {**row, "feature": ALL_FEATURES, "score": 0.62, "skill": 0.24}
    assert describe_proxy(row).startswith("All features together weakly identify race")


@pytest.mark.parametrize(
    ("scenario", "attribute", "proxy"),
    [("loan", "race", "zip_code"), ("resume", "gender", "employment_gap_years")],
)
def test_the_injected_demo_proxy_ranks_first(scenario: str, attribute: str, proxy: str) -> None:
    """On the demos, the proxy put in on purpose is the strongest for its attribute."""
    demo = get_demo(scenario)
    data = check_labelled_data(demo.load_test().frame, demo.roles)
    report = find_proxies(data, attributes=[attribute], together=False)
    top = report.top(attribute)
    assert top["feature"] == proxy
    assert top["skill"] > 0.1
    if scenario == "loan":
        assert top["auc"] > 0.8


def test_proxy_figure_and_sentence() -> None:
    """One bar per (feature, attribute) with its score, a coin-toss tick each; one sentence."""
    report = find_proxies(_data(), features=["neighbourhood", "noise"])
    figure = plot_proxies(report)
    bars = [(y, x) for t in figure.data if t.type == "bar" for y, x in zip(t.y, t.x, strict=True)]
    assert len(bars) == len(report.table)
    assert all(0 <= x <= 1 for _, x in bars)
    assert dict(bars)["neighbourhood → group"] == pytest.approx(
        report.table.set_index("feature").loc["neighbourhood", "score"]
    )
    ticks = next(t for t in figure.data if t.type == "scatter")
    assert set(ticks.x) == {0.5}
    assert describe_proxies(report).startswith("neighbourhood alone strongly identifies group")


def test_the_proxy_chart_draws_the_number_the_sentence_states() -> None:
    """On the loan demo the sentence's "AUC 0.xx" for zip_code → race is the bar's length.

    Before, the bar drew the skill (AUC 0.90 → 0.80) while the sentence said AUC 0.90.
    """
    import re

    demo = get_demo("loan")
    data = check_labelled_data(demo.load_test().frame, demo.roles)
    report = find_proxies(data, attributes=["race"], together=False)
    sentence = describe_proxies(report)
    stated = float(re.search(r"zip_code alone \w+ identifies race \(AUC (\d\.\d\d)", sentence)[1])
    figure = plot_proxies(report)
    drawn = {y: x for t in figure.data if t.type == "bar" for y, x in zip(t.y, t.x, strict=True)}
    assert round(drawn["zip_code → race"], 2) == stated
    texts = {y: s for t in figure.data if t.type == "bar" for y, s in zip(t.y, t.text, strict=True)}
    assert texts["zip_code → race"] == f"AUC {stated:.2f}"
