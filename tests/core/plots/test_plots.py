"""Figure builders: trace names, axis titles and the sentence under each chart."""

from __future__ import annotations

import pandas as pd

from fairness_core.plots import GROUP_COLOURS, describe_group_overview, plot_group_overview

OVERVIEW = pd.DataFrame(
    {
        "group": ["female", "male", "(missing)"],
        "rows": [1200, 1300, 12],
        "share": [0.48, 0.52, 0.005],
        "base_rate": [0.61, 0.74, 0.65],
        "missing_share": [0.0, 0.01, 0.0],
    }
)


def test_overview_figure_has_rows_and_base_rate_panels() -> None:
    """Two bar traces, coloured from the shared palette in group order, base rate as %."""
    fig = plot_group_overview(OVERVIEW, "gender")
    assert [t.name for t in fig.data] == ["rows", "base rate"]
    assert list(fig.data[0].x) == ["female", "male", "(missing)"]
    # the missing-value group is grey and uses up no colour of the palette
    assert list(fig.data[0].marker.color) == [*GROUP_COLOURS[:2], "#999999"]
    assert fig.layout.yaxis2.tickformat == ".0%"
    assert fig.layout.xaxis.title.text == "gender"


def test_overview_sentence_names_extremes_and_small_groups() -> None:
    """The caption gives the group sizes, the base-rate range and flags tiny groups."""
    text = describe_group_overview(OVERVIEW, "gender")
    assert text == (
        "gender has 3 groups, from (missing) (12 rows) to male (1,300 rows). The positive "
        "outcome is most common for male (74%) and least common for female (61%). Too small "
        "to judge on their own (under 30 rows): (missing)."
    )


def test_overview_sentence_for_equal_base_rates() -> None:
    """Base rates equal to the percent are described as the same, not as a ranking."""
    equal = OVERVIEW.iloc[:2].assign(base_rate=[0.761, 0.757])
    assert "about as common in every group (76%)" in describe_group_overview(equal, "gender")
