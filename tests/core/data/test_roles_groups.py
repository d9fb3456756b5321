"""Role suggestions, band labels and group encoding."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from fairness_core.data import MISSING_GROUP, Binning, encode_groups, suggest_roles
from fairness_core.data._groups import band_labels


def test_suggestions_from_names_and_types() -> None:
    """Typical column names are mapped to roles; zip code is flagged as a proxy, not grouped."""
    frame = pd.DataFrame(
        {
            "applicant_id": [1, 2, 3, 4],
            "Gender": ["f", "m", "f", "m"],
            "race": ["a", "b", "a", "b"],
            "age": [22, 35, 47, 68],
            "zip_code": ["02139", "10001", "02139", "60601"],
            "income": [1.0, 2.0, 3.0, 4.0],
            "risk_score": [0.1, 0.5, 0.9, 0.3],
            "approved": ["yes", "no", "no", "yes"],
        }
    )
    suggestion = suggest_roles(frame)
    assert suggestion.target == "approved"
    assert suggestion.positive_label == "yes"
    assert suggestion.score == "risk_score"
    assert suggestion.source == "score"
    assert suggestion.to_roles().score == "risk_score"
    assert suggestion.protected == ("Gender", "race", "age")
    assert suggestion.proxies == ("zip_code",)
    assert suggestion.id_columns == ("applicant_id",)
    assert "income" in suggestion.features
    assert "applicant_id" not in suggestion.features


def test_suggestions_never_fail_on_unlabelled_columns() -> None:
    """Columns with meaningless names give an empty suggestion, not an error."""
    suggestion = suggest_roles(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
    assert suggestion.target is None
    assert suggestion.protected == ()


def test_band_labels_read_like_age_bands() -> None:
    """Integer edges give closed ranges; fractional edges say 'to under'."""
    assert band_labels((25.0, 35.0), integer=True) == ("under 25", "25–34", "35 and over")
    assert band_labels((0.5, 1.5), integer=False) == (
        "under 0.5",
        "0.5 to under 1.5",
        "1.5 and over",
    )


def test_quantile_bands_have_similar_sizes() -> None:
    """Four quantile bands of 1..1000 hold about a quarter of the rows each."""
    group = encode_groups(pd.Series(np.arange(1, 1001), name="income"), binning=Binning("income"))
    assert len(group.labels) == 4
    assert all(200 <= c <= 300 for c in group.counts)


@given(st.lists(st.sampled_from(["a", "b", "c", None]), min_size=1, max_size=60))
def test_encoding_keeps_every_row_and_maps_back(values: list[str | None]) -> None:
    """Codes index the labels, every row keeps a code, and missing maps to '(missing)'."""
    group = encode_groups(pd.Series(values, name="g", dtype="object"))
    decoded = [group.labels[c] for c in group.codes]
    assert decoded == [MISSING_GROUP if v is None else v for v in values]
    assert group.counts.sum() == len(values)


@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=60))
def test_bands_put_each_value_in_the_band_that_contains_it(values: list[float]) -> None:
    """A value lands in the band whose edges bracket it: [edge_i, edge_i+1)."""
    edges = (25.0, 50.0, 75.0)
    group = encode_groups(pd.Series(values, name="x"), binning=Binning("x", edges=edges))
    for value, code in zip(values, group.codes, strict=True):
        lower = (-np.inf, *edges)[code]
        upper = (*edges, np.inf)[code]
        assert lower <= value < upper
