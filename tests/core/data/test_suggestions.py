"""Suggestions, bands and reading on files shaped like COMPAS, ACS employment and german.data."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from fairness_core.data import (
    AGE_BAND_EDGES,
    ColumnRoles,
    check_audit_data,
    encode_groups,
    favourable_question,
    load_dataset,
    name_columns,
    parse_band_edges,
    suggest_favourable,
    suggest_roles,
)
from fairness_core.errors import InvalidInputError
from tests.data.shaped_files import acs_employment_csv, compas_csv, german_data


def test_compas_target_is_recidivism_with_not_reoffending_favourable() -> None:
    """two_year_recid is the target, 0 is suggested as favourable and must be confirmed."""
    frame = load_dataset(compas_csv(), filename="compas-scores-two-years.csv").frame
    suggestion = suggest_roles(frame)
    assert suggestion.target == "two_year_recid"
    assert suggestion.positive_label == 0
    assert suggestion.positive_ambiguous
    assert suggestion.score == "decile_score"
    assert suggestion.score_range == (
        float(frame["decile_score"].min()),
        float(frame["decile_score"].max()),
    )
    assert suggestion.score_range == (1.0, 10.0)
    assert suggestion.prediction == "high_risk"  # a 0/1 column is a decision, not a score
    assert {"sex", "race", "age"} <= set(suggestion.protected)
    assert suggestion.bins[0].column == "age"
    assert suggestion.bins[0].edges == AGE_BAND_EDGES
    assert "score_text" in suggestion.features
    assert suggestion.id_columns == ("id",)


def test_acs_codes_are_protected_attributes_with_census_labels() -> None:
    """SEX, RAC1P and AGEP are recognised; SEX 2 reads Female; AGEP gets age bands."""
    frame = load_dataset(acs_employment_csv(), filename="acs.csv").frame
    suggestion = suggest_roles(frame)
    assert suggestion.target == "employed"
    assert suggestion.positive_label == 1
    assert not suggestion.positive_ambiguous
    assert {"SEX", "RAC1P", "AGEP"} <= set(suggestion.protected)
    assert suggestion.weight == "PWGTP"
    assert suggestion.id_columns == ("SERIALNO",)
    assert [b.column for b in suggestion.bins] == ["AGEP"]
    assert suggestion.bins[0].edges == AGE_BAND_EDGES
    roles = suggestion.to_roles()
    assert roles.labels_for("SEX") == {"1": "Male", "2": "Female"}
    assert roles.labels_for("RAC1P")["1"] == "White alone"
    frame = frame.assign(decision=frame["WKHP"] > 20)  # no decisions in ACS: a made-up one
    audit = check_audit_data(frame, replace(roles, prediction="decision"))
    groups = {g.name: g for g in audit.groups}
    sex = groups["SEX"]
    assert sex.labels == ("Male", "Female")
    females = int((frame["SEX"] == 2).sum())
    assert int(sex.counts[sex.labels.index("Female")]) == females
    ages = groups["AGEP"]
    assert ages.labels == ("under 25", "25–34", "35–44", "45–54", "55–64", "65 and over")
    assert int(ages.counts[0]) == int((frame["AGEP"] < 25).sum())
    assert int(ages.counts[-1]) == int((frame["AGEP"] >= 65).sum())


def test_german_data_reads_as_whitespace_without_header() -> None:
    """UCI german.data: 21 whitespace-separated columns, no header, class last."""
    data = german_data()
    dataset = load_dataset(data, filename="german.data")
    assert dataset.delimiter == " "
    assert not dataset.header
    assert dataset.frame.shape == (300, 21)
    assert list(dataset.frame.columns[:2]) == ["column_1", "column_2"]
    first = data.decode().splitlines()[0].split()
    assert [str(v) for v in dataset.frame.iloc[0]] == first  # the first row is data
    assert "no header row" in dataset.describe()
    assert "whitespace" in dataset.describe()
    suggestion = suggest_roles(dataset.frame)
    assert suggestion.target == "column_21"
    assert suggestion.positive_label == 1
    assert suggestion.positive_ambiguous


def test_named_columns_keep_the_data_and_check_the_names() -> None:
    """Renaming keeps every value; empty or repeated names are refused in one message."""
    dataset = load_dataset(german_data(), filename="german.data")
    names = [f"attr{i}" for i in range(1, 21)] + ["credit_risk"]
    renamed = name_columns(dataset, names)
    assert list(renamed.frame.columns) == names
    assert renamed.sha256 == dataset.sha256
    assert renamed.frame["credit_risk"].tolist() == dataset.frame["column_21"].tolist()
    assert next(iter(dataset.frame.columns)) == "column_1"  # the original is untouched
    with pytest.raises(InvalidInputError) as caught:
        name_columns(dataset, ["a"] * 20 + [""])
    assert "column 21 has no name" in str(caught.value)
    assert "'a' is used twice" in str(caught.value)


@pytest.mark.parametrize("suffix", [".txt", ".data", ".dat", ".tsv"])
def test_text_suffixes_read_as_delimited_text(suffix: str) -> None:
    """Every text suffix reads the same table, tab or whitespace separated."""
    text = "sex\tage\tlabel\nF\t30\t1\nM\t41\t0\n"
    dataset = load_dataset(text.encode(), filename=f"people{suffix}")
    assert dataset.header
    assert list(dataset.frame.columns) == ["sex", "age", "label"]
    assert dataset.frame["age"].tolist() == [30, 41]


def test_padded_whitespace_file_with_header() -> None:
    """Runs of spaces (a fixed-width .dat) separate values; the header is kept."""
    text = "  sex   age  label\n    F    30      1\n    M    41      0\n"
    dataset = load_dataset(text.encode(), filename="people.dat")
    assert dataset.delimiter == " "
    assert dataset.header
    assert dataset.frame.to_dict("list") == {"sex": ["F", "M"], "age": [30, 41], "label": [1, 0]}


def test_csv_with_a_header_is_not_mistaken_for_data() -> None:
    """A header of names over numbers stays a header; numbers only in row one do not."""
    assert load_dataset(b"a,b\n1,2\n3,4\n", filename="x.csv").header
    headerless = load_dataset(b"1,2\n3,4\n5,6\n", filename="x.csv")
    assert not headerless.header
    assert headerless.frame["column_1"].tolist() == [1, 3, 5]


@pytest.mark.parametrize(
    ("name", "values", "favourable", "ambiguous"),
    [
        ("two_year_recid", [0, 1, 1], 0, True),
        ("is_recid", [1, 0], 0, True),
        ("default", [0, 1], 0, True),
        ("risk", ["good", "bad"], "good", False),
        ("risk", [1, 2], 2, True),
        ("employed", [0, 1], 1, False),
        ("hired", ["no", "yes"], "yes", False),
        ("approved", [True, False], True, False),
        ("income", ["<=50K", ">50K"], ">50K", False),
        ("income", [" <=50K.", " >50K."], " >50K.", False),
        ("label", [0, 1], 1, True),
        ("repaid", [0, 1], 1, False),
    ],
)
def test_favourable_value_from_values_and_names(
    name: str, values: list[object], favourable: object, ambiguous: bool
) -> None:
    """Values decide first, then the name; unfavourable names suggest the other value."""
    frame = pd.DataFrame({name: values, "sex": ["F", "M", "F"][: len(values)]})
    assert suggest_roles(frame).target == name
    assert suggest_favourable(frame, name) == (favourable, ambiguous)


def test_favourable_question_names_the_value_and_column() -> None:
    assert (
        favourable_question("two_year_recid", 1)
        == "Is 1 in 'two_year_recid' the favourable outcome?"
    )


def test_score_any_scale_and_binary_risk_is_a_decision() -> None:
    """A 0/1 column is never a score; *_prob and *_score on any scale are."""
    frame = pd.DataFrame(
        {
            "hired": [0, 1, 0, 1],
            "high_risk": [0, 1, 1, 0],
            "model_prob": [0.1, 0.8, 0.4, 0.9],
        }
    )
    suggestion = suggest_roles(frame)
    assert suggestion.score == "model_prob"
    assert suggestion.score_range == (0.1, 0.9)
    assert suggestion.prediction == "high_risk"
    only_binary = suggest_roles(frame.drop(columns="model_prob"))
    assert only_binary.score is None
    assert only_binary.prediction == "high_risk"
    credit = suggest_roles(pd.DataFrame({"risk_score": [300, 850, 620], "sex": list("FMF")}))
    assert credit.score == "risk_score"
    assert credit.score_range == (300.0, 850.0)


def test_every_suggested_target_has_a_favourable_value() -> None:
    """The favourable value is never left blank for a suggested target."""
    for data, name in (
        (compas_csv(), "c.csv"),
        (acs_employment_csv(), "a.csv"),
        (german_data(), "german.data"),
    ):
        suggestion = suggest_roles(load_dataset(data, filename=name).frame)
        assert suggestion.target is not None
        assert suggestion.positive_label is not None
        assert suggestion.to_roles().positive_label == suggestion.positive_label


def test_typed_band_edges_are_parsed_or_refused() -> None:
    assert parse_band_edges("40, 25;60 25") == (25.0, 40.0, 60.0)
    with pytest.raises(InvalidInputError, match="Got 'thirty'"):
        parse_band_edges("thirty, 50")
    with pytest.raises(InvalidInputError, match="Got nothing"):
        parse_band_edges("  ")


def test_custom_and_quantile_bands_cut_as_stated() -> None:
    """Custom edges cut where typed; five quantile bands hold about a fifth each."""
    from fairness_core.data import Binning

    values = pd.Series(range(100), name="income", dtype="float64")
    custom = encode_groups(values, binning=Binning("income", edges=(30.0, 50.0)))
    assert custom.labels == ("under 30", "30–49", "50 and over")
    assert custom.counts.tolist() == [30, 20, 50]
    fifths = encode_groups(values, binning=Binning("income", quantiles=5))
    assert len(fifths) == 5
    assert all(18 <= c <= 22 for c in fifths.counts)


def test_labels_apply_only_to_known_codes() -> None:
    """A code without a label keeps its text; labels never merge two groups."""
    series = pd.Series([1, 2, 3, 1], name="SEX")
    column = encode_groups(series, labels={"1": "Male", "2": "Female"})
    assert column.labels == ("Male", "Female", "3")
    merged = encode_groups(series, labels={"1": "Same", "2": "Same"})
    assert merged.labels == ("1", "2", "3")
    roles = ColumnRoles(target="y", protected=("SEX",), group_labels=(("SEX", "1", "Male"),))
    assert roles.labels_for("SEX") == {"1": "Male"}
    assert roles.labels_for("x") == {}
