"""Figure builders: result in, ``plotly.graph_objects.Figure`` out. No Streamlit here.

Every chart uses :data:`GROUP_COLOURS`, the Okabe–Ito palette (distinguishable with the
common forms of colour blindness), in the same group order everywhere, and comes with a
plain sentence (``describe_*``) that says what it shows, so no reader depends on colour.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = [
    "GROUP_COLOURS",
    "SMALL_GROUP_ROWS",
    "add_calibration_frame",
    "describe_group_overview",
    "plot_group_overview",
]

#: Okabe & Ito (2008), "Color Universal Design"; grey last, used for "(missing)".
GROUP_COLOURS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#999999",
)
#: Groups with fewer rows than this are flagged as too small to judge.
SMALL_GROUP_ROWS = 30


def plot_group_overview(overview: pd.DataFrame, attribute: str) -> go.Figure:
    """Two bar charts side by side: rows per group, and the base rate per group."""
    labels = [str(g) for g in overview["group"]]
    colours = [GROUP_COLOURS[i % len(GROUP_COLOURS)] for i in range(len(labels))]
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Rows per group", "Share with the positive outcome (base rate)"),
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=overview["rows"],
            marker_color=colours,
            name="rows",
            hovertemplate="%{x}: %{y:,} rows<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=overview["base_rate"],
            marker_color=colours,
            name="base rate",
            hovertemplate="%{x}: %{y:.1%} positive<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.update_yaxes(title_text="rows", row=1, col=1)
    fig.update_yaxes(title_text="base rate", tickformat=".0%", range=[0, 1], row=1, col=2)
    fig.update_xaxes(title_text=attribute, type="category")
    fig.update_layout(showlegend=False, height=340, margin={"t": 40, "b": 40, "l": 50, "r": 20})
    return fig


def describe_group_overview(overview: pd.DataFrame, attribute: str) -> str:
    """One sentence with the numbers the overview chart shows."""
    if overview.empty:
        return f"No rows to describe for {attribute}."
    by_rows = overview.sort_values("rows")
    small, large = by_rows.iloc[0], by_rows.iloc[-1]
    rated = overview.dropna(subset=["base_rate"]).sort_values("base_rate")
    sentence = (
        f"{attribute} has {len(overview)} groups, from {small['group']} "
        f"({int(small['rows']):,} rows) to {large['group']} ({int(large['rows']):,} rows)."
    )
    if len(rated) >= 2 and round(rated["base_rate"].max() - rated["base_rate"].min(), 2) == 0:
        common = rated["base_rate"].mean()
        sentence += f" The positive outcome is about as common in every group ({common:.0%})."
    elif len(rated) >= 2:
        low, high = rated.iloc[0], rated.iloc[-1]
        sentence += (
            f" The positive outcome is most common for {high['group']} "
            f"({high['base_rate']:.0%}) and least common for {low['group']} "
            f"({low['base_rate']:.0%})."
        )
    tiny = overview[overview["rows"] < SMALL_GROUP_ROWS]
    if len(tiny):
        names = ", ".join(str(g) for g in tiny["group"])
        sentence += f" Too small to judge on their own (under {SMALL_GROUP_ROWS} rows): {names}."
    return sentence


def add_calibration_frame(fig: go.Figure) -> None:
    """The diagonal of perfect calibration and the axes every calibration chart shares."""
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            line={"color": "#999999", "dash": "dot"},
            name="perfectly calibrated",
            hoverinfo="skip",
        )
    )
    fig.update_xaxes(title_text="Mean score in the bin", range=[0, 1])
    fig.update_yaxes(title_text="Share with the positive outcome", range=[0, 1.02])
