"""What-if: row table, edits, row flip probes and the dataset flip test, against brute force."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from scipy.optimize import brentq
from sklearn.metrics import confusion_matrix

from fairness_core.data import AuditData, check_audit_data, get_demo
from fairness_core.errors import InvalidInputError
from fairness_core.plots import describe_flip_test, plot_flip_test
from fairness_core.whatif import (
    ModelScorer,
    apply_edits,
    compare_edit,
    compute_feature_specs,
    compute_flip_test,
    compute_row_table,
    filter_rows,
    flip_values,
    probe_row_flips,
)


@pytest.fixture(scope="module")
def loan() -> tuple[AuditData, ModelScorer]:
    """The loan demo's test data with its skops model."""
    demo = get_demo("loan")
    audit = check_audit_data(demo.load_test().frame, demo.roles)
    return audit, ModelScorer.from_audit(demo.load_model(), audit)


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson 95% interval by its definition, not its closed form.

    It is the set of true shares p0 that a two-sided score test at 5% does not reject:
    |k/n - p0| <= z * sqrt(p0 (1 - p0) / n). Its ends are found by root finding.
    """
    z = sps.norm.ppf(0.975)
    share = k / n

    def gap(p0: float) -> float:
        return abs(share - p0) - z * math.sqrt(p0 * (1 - p0) / n)

    # At k = 0 (k = n) the share itself is a root of gap; start just inside it.
    low = 0.0 if k == 0 else brentq(gap, 0.0, min(share, 1 - 1e-12), xtol=1e-14)
    high = 1.0 if k == n else brentq(gap, max(share, 1e-12), 1.0, xtol=1e-14)
    return low, high


def test_dataset_flip_test_finds_the_injected_gender_effect(loan) -> None:
    """Flipping gender changes a clear share of decisions, women up and men down."""
    audit, scorer = loan
    result = compute_flip_test(scorer, audit, "gender")
    assert result.used_by_model
    assert result.changed_share > 0.10
    table = result.by_group.set_index("group")
    women, men = table.loc["female"], table.loc["male"]
    assert women["to"] == "male"
    assert men["to"] == "female"
    assert women["to_negative"] == 0
    assert women["to_positive"] == women["changed"] > 0
    assert men["to_positive"] == 0
    assert men["to_negative"] == men["changed"] > 0
    assert women["score_change_ci_low"] > 0.05
    assert men["score_change_ci_high"] < -0.05
    assert women["min_score_change"] > 0  # the README: every woman's score rises


def test_dataset_flip_test_matches_brute_force(loan) -> None:
    """Counts, shares, intervals and mean changes equal an independent recomputation."""
    audit, scorer = loan
    result = compute_flip_test(scorer, audit, "gender")
    frame = audit.frame
    model = scorer.model
    flipped = frame.copy()
    flipped["gender"] = np.where(frame["gender"] == "female", "male", "female")
    before = model.score(frame, positive_label=1)
    after = model.score(flipped, positive_label=1)
    changed = (before >= 0.5) != (after >= 0.5)
    for group in ("female", "male"):
        mask = (frame["gender"] == group).to_numpy()
        row = result.by_group.set_index("group").loc[group]
        n, k = int(mask.sum()), int(changed[mask].sum())
        assert (row["rows"], row["changed"]) == (n, k)
        assert row["changed_share"] == pytest.approx(k / n)
        low, high = wilson(k, n)
        assert (row["changed_ci_low"], row["changed_ci_high"]) == pytest.approx((low, high))
        delta = after[mask] - before[mask]
        interval = sps.norm.interval(0.95, loc=delta.mean(), scale=sps.sem(delta))
        assert row["mean_score_change"] == pytest.approx(delta.mean(), abs=1e-12)
        assert (row["score_change_ci_low"], row["score_change_ci_high"]) == pytest.approx(interval)
    assert result.n_changed == int(changed.sum())
    top = result.rows.iloc[0]
    assert abs(top["score_change"]) == pytest.approx(np.abs(after - before).max())


def test_flipping_an_attribute_the_model_does_not_read_changes_nothing(loan) -> None:
    """Race is not a model input: moving everyone to every other race changes no decision."""
    audit, scorer = loan
    result = compute_flip_test(scorer, audit, "race")
    assert not result.used_by_model
    assert result.n_probes > audit.n_rows  # four groups: each row is moved three times
    assert result.n_changed == 0
    assert (result.by_group["mean_score_change"] == 0).all()
    assert "changes no decision" in describe_flip_test(result)
    for row in result.by_group.itertuples():  # no change in n rows: Wilson's interval 0..x
        low, high = wilson(0, int(row.rows))
        assert (row.changed_ci_low, row.changed_ci_high) == pytest.approx((low, high), abs=1e-9)
        assert row.changed_ci_low == 0
        assert 0 < row.changed_ci_high < 3.9 / row.rows  # "rule of three" bound (z=1.96)


def test_race_flip_with_the_zip_code_proxy_changes_decisions(loan) -> None:
    """With zip codes drawn from the new group, Black applicants moved to White gain."""
    audit, scorer = loan
    result = compute_flip_test(scorer, audit, "race", proxies=["zip_code"])
    table = result.by_group.set_index(["group", "to"])
    assert result.n_changed > 0
    assert table.loc[("Black", "White"), "score_change_ci_low"] > 0.05
    assert table.loc[("White", "Black"), "score_change_ci_high"] < -0.05
    same = compute_flip_test(scorer, audit, "race", proxies=["zip_code"])
    pd.testing.assert_frame_equal(result.by_group, same.by_group)  # seeded


def test_flip_values_put_each_row_into_its_band(loan) -> None:
    """A binned attribute's flip value lies in the band it stands for."""
    audit, _ = loan
    values = flip_values(audit, "age")
    group = audit.group("age")
    assert [v.group for v in values] == list(group.labels)
    edges = (25, 35, 45, 55, 65)
    for value in values:
        assert int(np.searchsorted(edges, value.value, side="right")) == value.group_index


def test_row_flip_probes_equal_rescoring_the_edited_row(loan) -> None:
    """Each probe's score is the model's score of the row with that change made by hand."""
    audit, scorer = loan
    row = int(np.flatnonzero(audit.frame["gender"] == "female")[0])
    result = probe_row_flips(scorer, audit, row, attributes=["gender"], proxies=["zip_code"])
    table = result.table
    probe = table[table["probe"] == "gender → male"].iloc[0]
    edited = audit.frame.iloc[[row]].copy()
    edited["gender"] = "male"
    assert probe["score"] == pytest.approx(scorer.model.score(edited, positive_label=1)[0])
    assert probe["score_change"] > 0
    zips = table[table["kind"] == "proxy"]
    assert len(zips) == audit.frame["zip_code"].nunique() - 1
    for _, item in zips.head(3).iterrows():
        edited = audit.frame.iloc[[row]].copy()
        edited["zip_code"] = item["changes"].split(" = ")[1]
        assert item["score"] == pytest.approx(scorer.model.score(edited, positive_label=1)[0])
    assert plot_flip_test(compute_flip_test(scorer, audit, "gender")).data


def test_row_table_outcome_types_match_sklearn(loan) -> None:
    """Outcome-type counts equal sklearn's confusion matrix of outcome against decision."""
    audit, scorer = loan
    table = compute_row_table(audit, scorer)
    tn, fp, fn, tp = confusion_matrix(table["outcome"], table["decision"]).ravel()
    counts = table["outcome_type"].value_counts()
    assert counts["true positive"] == tp
    assert counts["true negative"] == tn
    assert counts["false positive"] == fp
    assert counts["false negative"] == fn
    assert np.allclose(table["score"], audit.frame["score"], atol=1e-6)  # the demo's own scores


def test_filter_rows_keeps_exactly_the_requested_rows(loan) -> None:
    """False negatives of women with scores 0.3–0.5, checked with a plain boolean mask."""
    audit, scorer = loan
    table = compute_row_table(audit, scorer)
    got = filter_rows(
        table, groups={"gender": ["female"]}, outcome_type="false negative", score_range=(0.3, 0.5)
    )
    mask = (
        (audit.frame["gender"] == "female").to_numpy()
        & (audit.y_true == 1)
        & (table["decision"].to_numpy() == 0)
        & (table["score"].between(0.3, 0.5)).to_numpy()
    )
    assert got["row"].tolist() == np.flatnonzero(mask).tolist()
    assert len(filter_rows(table, decision=1)) == int(table["decision"].sum())
    with pytest.raises(InvalidInputError, match="outcome_type must be one of"):
        filter_rows(table, outcome_type="wrong")


def test_feature_specs_are_typed_from_the_data(loan) -> None:
    """Numbers carry the observed range; categories the observed values."""
    audit, scorer = loan
    specs = {s.name: s for s in compute_feature_specs(audit.frame, scorer.features)}
    income = specs["income"]
    assert income.kind == "number"
    assert income.integer
    assert (income.minimum, income.maximum) == (
        audit.frame["income"].min(),
        audit.frame["income"].max(),
    )
    assert set(specs["zip_code"].categories) == set(audit.frame["zip_code"].unique())
    assert specs["employment_years"].has_missing
    assert not specs["income"].has_missing


def test_compare_edit_rescores_the_edited_row(loan) -> None:
    """Before/after scores equal the model's scores of the row and of a hand-edited copy."""
    audit, scorer = loan
    specs = compute_feature_specs(audit.frame, scorer.features)
    row = audit.frame.iloc[[3]]
    comparison = compare_edit(scorer, row, {"income": 20_000, "gender": "female"}, specs)
    by_hand = row.copy()
    by_hand["income"] = 20_000
    by_hand["gender"] = "female"
    assert comparison.score_before == pytest.approx(scorer.model.score(row, positive_label=1)[0])
    assert comparison.score_after == pytest.approx(scorer.model.score(by_hand, positive_label=1)[0])
    changed = set(comparison.table.loc[comparison.table["changed"], "feature"])
    assert changed == {"income"} | ({"gender"} if row["gender"].iloc[0] != "female" else set())


def test_apply_edits_refuses_values_the_data_never_had(loan) -> None:
    """Unknown categories, text for numbers, non-features and blanks get the house message."""
    audit, scorer = loan
    specs = compute_feature_specs(audit.frame, scorer.features)
    row = audit.frame.iloc[[0]]
    with pytest.raises(InvalidInputError, match="'other' is not a value of 'gender'"):
        apply_edits(row, {"gender": "other"}, specs)
    with pytest.raises(InvalidInputError, match="'income' must be a number"):
        apply_edits(row, {"income": "a lot"}, specs)
    with pytest.raises(InvalidInputError, match="'race' is not one of the model's features"):
        apply_edits(row, {"race": "White"}, specs)
    with pytest.raises(InvalidInputError, match="'income' cannot be left empty"):
        apply_edits(row, {"income": None}, specs)
    blank = apply_edits(row, {"employment_years": None}, specs)
    assert math.isnan(blank["employment_years"].iloc[0])
    assert row["gender"].iloc[0] == "female"  # the original is untouched


def test_age_flip_on_the_credit_demo_raises_young_applicants_scores() -> None:
    """Credit demo: moving under-25s to 35–44 raises their scores (age is a model input)."""
    demo = get_demo("credit")
    audit = check_audit_data(demo.load_test().frame, demo.roles)
    scorer = ModelScorer.from_audit(demo.load_model(), audit)
    result = compute_flip_test(scorer, audit, "age")
    row = result.by_group.set_index(["group", "to"]).loc[("under 25", "35–44")]
    assert row["score_change_ci_low"] > 0
    assert row["to_negative"] == 0


def _score(scorer: ModelScorer, frame: pd.DataFrame) -> float:
    return float(scorer.model.score(frame, positive_label=1)[0])


def test_flip_decomposition_equals_scoring_the_three_edited_rows(loan) -> None:
    """Attribute alone, proxies alone and both: each change is the model's score of that row.

    The proxy value is found independently: the most common zip code among the rows of the
    new age band (as the loan demo's bands cut the raw ages).
    """
    from fairness_core.plots import describe_row_flips
    from fairness_core.whatif import CREDIT_WORDS

    audit, scorer = loan
    row = 0
    result = probe_row_flips(scorer, audit, row, attributes=["age"], proxies=["zip_code"])
    decomposition = result.decomposition
    group = audit.group("age")
    own = audit.frame.iloc[[row]]
    base = _score(scorer, own)
    assert len(decomposition) == len(group.labels) - 1
    for item in decomposition.itertuples(index=False):
        members = audit.frame[[group.labels[c] == item.to for c in group.codes]]
        zip_code = members["zip_code"].value_counts().index[0]
        age = next(v.value for v in flip_values(audit, "age") if v.group == item.to)
        alone, proxies, both = own.copy(), own.copy(), own.copy()
        alone["age"] = age
        proxies["zip_code"] = zip_code
        both["age"], both["zip_code"] = age, zip_code
        assert item.attribute_change == pytest.approx(_score(scorer, alone) - base, abs=1e-9)
        assert item.proxies_change == pytest.approx(_score(scorer, proxies) - base, abs=1e-9)
        assert item.both_change == pytest.approx(_score(scorer, both) - base, abs=1e-9)
        decide = [(_score(scorer, f) >= scorer.threshold) != (base >= scorer.threshold)
                  for f in (alone, proxies, both)]  # fmt: skip
        assert [item.attribute_flips, item.proxies_flips, item.both_flips] == decide
    # age is not a model input: its own effect is nil, every turn-around is the zip code's.
    assert result.not_model_inputs == ("age",)
    assert (decomposition["attribute_change"] == 0).all()
    credited = decomposition[decomposition["credit"] != "none"]
    assert len(credited)
    assert set(credited["credit"]) == {"proxies"}
    assert "proxies" in CREDIT_WORDS
    sentence = describe_row_flips(result)
    assert sentence.startswith(f"This row's score is {base:.3f}")
    assert "age is not one of the model's inputs" in sentence
    first = credited.iloc[0]
    assert (
        f"age → {first['to']} with typical zip_code turns the decision around because of "
        f"zip_code (typical of {first['to']}), not because of age itself"
    ) in sentence


def test_an_attribute_the_model_uses_is_credited_to_itself(loan) -> None:
    """gender is a model input: where gender alone turns the decision around, it is credited."""
    audit, scorer = loan
    for row in range(200):
        result = probe_row_flips(scorer, audit, row, attributes=["gender"], proxies=["zip_code"])
        decomposition = result.decomposition
        if decomposition["attribute_flips"].any():
            break
    else:  # pragma: no cover - the demo injects a gender effect
        pytest.fail("no row where gender alone turns the decision around")
    assert result.not_model_inputs == ()
    item = decomposition[decomposition["attribute_flips"]].iloc[0]
    assert item["credit"] in {"attribute", "either"}
    assert item["attribute_change"] != 0


def test_without_proxies_there_is_no_decomposition(loan) -> None:
    """With no proxies chosen there is nothing to separate; the table is empty."""
    audit, scorer = loan
    result = probe_row_flips(scorer, audit, 0, attributes=["race"])
    assert result.decomposition.empty
    assert result.not_model_inputs == ("race",)
    from fairness_core.plots import describe_row_flips

    assert "choose proxy features to test them" in describe_row_flips(result)
