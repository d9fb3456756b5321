"""Validation and bands on a grouped table whose rows stand for several rows (engines)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from fairness_core.data import Binning, ColumnRoles, band_edges, find_problems


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.integers(0, 120), min_size=1, max_size=25, unique=True),
    counts=st.lists(st.integers(1, 40), min_size=25, max_size=25),
    quantiles=st.integers(2, 6),
)
def test_band_edges_from_counts_equal_the_rows_quantiles(
    values: list[int], counts: list[int], quantiles: int
) -> None:
    """Equal-size bands cut from distinct values and counts are those of the repeated rows."""
    distinct = np.asarray(values, dtype=np.float64)
    n = np.asarray(counts[: len(values)])
    rows = np.repeat(distinct, n)
    binning = Binning("x", quantiles=quantiles)
    assert band_edges(distinct, binning, row_counts=n) == band_edges(rows, binning)


def test_problems_count_the_rows_a_grouped_row_stands_for() -> None:
    """A grouped table with row counts gets the messages the full table gets."""
    rng = np.random.default_rng(3)
    full = pd.DataFrame(
        {
            "y": rng.integers(0, 2, 400).astype("float64"),
            "group": rng.choice(np.array(["a", "b", None], dtype=object), 400),
            "decision": rng.integers(0, 3, 400),
        }
    )
    full.loc[::7, "y"] = np.nan
    roles = ColumnRoles(
        target="y", positive_label=1, protected=("group",), source="prediction",
        prediction="decision",
    )  # fmt: skip
    grouped = full.groupby(list(full.columns), dropna=False).size().reset_index(name="n")
    want = [p.message() for p in find_problems(full, roles)]
    got = [
        p.message()
        for p in find_problems(grouped.drop(columns="n"), roles, row_counts=grouped["n"].to_numpy())
    ]
    assert any("of 400 rows empty" in m for m in want)
    assert got == want
