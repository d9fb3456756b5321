"""Figure builders: result in, ``plotly.graph_objects.Figure`` out. No Streamlit here.

Every chart uses :data:`GROUP_COLOURS`, the Okabe–Ito palette (distinguishable with the
common forms of colour blindness), and comes with a plain sentence (``describe_*``) that
says what it shows, so no reader depends on colour.

A group keeps its colour on every page: :func:`group_colours` maps the data's group list
(every result lists its groups in the data's order, missing values last) to colours once,
and every per-group chart reads its colours from that mapping. A qualitative palette only
tells apart a handful of groups, so charts of more than :data:`MANY_GROUPS` groups (24 zip
codes) do not colour by group at all: bars are sorted by their value and coloured by the
verdict or by the value (:func:`value_marker`), and the group is named on the axis.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = [
    "GROUP_COLOURS",
    "MANY_GROUPS",
    "SMALL_GROUP_ROWS",
    "VALUE_SCALE",
    "VERDICT_COLOURS",
    "add_calibration_frame",
    "bars_by_group",
    "describe_group_overview",
    "group_colours",
    "group_dashes",
    "plot_group_overview",
    "sorted_by_value",
    "value_marker",
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
#: Most groups coloured one colour each; past this, colours would repeat and mean nothing.
MANY_GROUPS = len(GROUP_COLOURS) - 1
#: The group of rows with no value (fairness_core.data.MISSING_GROUP): always grey.
_MISSING = "(missing)"
_GREY = GROUP_COLOURS[-1]
#: A sequential scale for "coloured by the value" (light to dark blue: ordered, readable
#: with colour blindness, and every step visible on white).
VALUE_SCALE = (
    (0.0, "#C6DBEF"),
    (0.5, "#4A98C9"),
    (1.0, "#08306B"),
)
#: One colour per verdict word (fairness_core.metrics.VERDICTS), from the same palette:
#: vermillion for adverse impact, orange for a gap that may be chance, blue within the
#: line, green favoured, black the reference, grey when nothing can be said.
VERDICT_COLOURS: dict[str, str] = {
    "adverse impact": "#D55E00",
    "below the line, not statistically significant": "#E69F00",
    "above the line, not statistically significant": "#E69F00",
    "within the line": "#0072B2",
    "favoured": "#009E73",
    "reference group": "#000000",
    "too few people to judge": _GREY,
    "cannot be computed": _GREY,
}


def group_colours(groups: Sequence[object]) -> dict[str, str]:
    """Each group's colour, from the data's group list (the same list on every page).

    Groups take the palette's colours in list order; the missing-value group is always
    grey and does not use up a colour. Past :data:`MANY_GROUPS` the colours repeat, so
    charts of that many groups colour by value or verdict instead (see the module text).
    """
    palette = GROUP_COLOURS[:-1]
    colours: dict[str, str] = {}
    position = 0
    for group in groups:
        name = str(group)
        if name in colours:
            continue
        if name == _MISSING:
            colours[name] = _GREY
        else:
            colours[name] = palette[position % len(palette)]
            position += 1
    return colours


def group_dashes(groups: Sequence[object]) -> dict[str, str]:
    """Each group's line style: solid for the first :data:`MANY_GROUPS` groups, then dashed,
    dotted and dash-dotted, so past eight groups no two lines look the same (colour and
    style together) even where the colours repeat."""
    styles = ("solid", "dash", "dot", "dashdot")
    names = list(dict.fromkeys(str(g) for g in groups if str(g) != _MISSING))
    dashes = {name: styles[(i // MANY_GROUPS) % len(styles)] for i, name in enumerate(names)}
    if any(str(g) == _MISSING for g in groups):
        dashes[_MISSING] = "solid"
    return dashes


def bars_by_group(table: pd.DataFrame, column: str, title: str) -> tuple[pd.DataFrame, object]:
    """A per-group bar table in drawing order, and its marker: each group in its colour of
    every page, or past :data:`MANY_GROUPS` groups sorted by ``column`` and coloured by it
    (``title`` names the colour bar)."""
    if len(table) > MANY_GROUPS:
        shown = sorted_by_value(table, column)
        return shown, value_marker(shown[column].to_numpy(dtype=float), title)
    mapping = group_colours([str(g) for g in table["group"]])
    return table, {"color": [mapping[str(g)] for g in table["group"]]}


def sorted_by_value(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """``table`` ordered by ``column``, highest first, undefined values last."""
    return table.sort_values(column, ascending=False, na_position="last", kind="stable")


def value_marker(values: Sequence[float] | np.ndarray, title: str) -> dict[str, object]:
    """A bar marker coloured by the value on :data:`VALUE_SCALE`, with a colour bar."""
    numbers = np.asarray(values, dtype=np.float64)
    finite = numbers[np.isfinite(numbers)]
    low, high = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    return {
        "color": np.nan_to_num(numbers, nan=low).tolist(),
        "colorscale": [list(step) for step in VALUE_SCALE],
        "cmin": low,
        "cmax": high if high > low else low + 1e-9,
        "colorbar": {"title": {"text": title}, "thickness": 12},
        "line": {"width": 0},
    }


def plot_group_overview(overview: pd.DataFrame, attribute: str) -> go.Figure:
    """Two bar charts side by side: rows per group, and the base rate per group.

    Up to :data:`MANY_GROUPS` groups are coloured by group (:func:`group_colours`); more
    are sorted by base rate and coloured by it.
    """
    many = len(overview) > MANY_GROUPS
    shown = sorted_by_value(overview, "base_rate") if many else overview
    labels = [str(g) for g in shown["group"]]
    if many:
        colours: object = value_marker(shown["base_rate"].to_numpy(dtype=float), "base rate")
    else:
        mapping = group_colours(labels)
        colours = {"color": [mapping[g] for g in labels]}
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Rows per group", "Share with the positive outcome (base rate)"),
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=shown["rows"],
            marker={**colours, "showscale": False} if many else colours,  # type: ignore[dict-item]
            name="rows",
            hovertemplate="%{x}: %{y:,} rows<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=shown["base_rate"],
            marker=colours,
            name="base rate",
            hovertemplate="%{x}: %{y:.1%} positive<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.update_yaxes(title_text="rows", row=1, col=1)
    fig.update_yaxes(title_text="base rate", tickformat=".0%", range=[0, 1], row=1, col=2)
    fig.update_xaxes(
        title_text=attribute + (" (sorted by base rate)" if many else ""),
        type="category",
        categoryorder="array",
        categoryarray=labels,
    )
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
