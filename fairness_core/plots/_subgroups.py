"""Figures for the subgroup report: one metric by group, and a two-attribute heat map.

Pure builders (report in, ``plotly.graph_objects.Figure`` out) using the shared
:func:`~fairness_core.plots.group_colours` (sorted and coloured by verdict past
:data:`~fairness_core.plots.MANY_GROUPS` groups). Group sizes are on every chart: in the hover,
and printed on each bar, because a bar of 12 people must not look as solid as one of 1,200.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from fairness_core.metrics import METRICS, SubgroupReport, metric_table
from fairness_core.plots._base import (
    MANY_GROUPS,
    VERDICT_COLOURS,
    group_colours,
    sorted_by_value,
    value_marker,
)

__all__ = [
    "plot_intersection_heatmap",
    "plot_metric_by_group",
    "report_colours",
]


def report_colours(report: SubgroupReport) -> dict[str, str]:
    """The colour of every group of ``report`` (all its groups, in the data's order)."""
    groups = report.groups.drop_duplicates("group_index").sort_values("group_index")
    return group_colours(groups["group"].tolist())


def plot_metric_by_group(report: SubgroupReport, metric: str) -> go.Figure:
    """Bars of ``metric`` per group with interval whiskers and n printed on each bar.

    Up to :data:`MANY_GROUPS` groups keep their colour of every page; more groups are
    sorted by the value and coloured by their verdict (or by the value when the metric
    has no verdict), with the verdicts in the legend.
    """
    table = metric_table(report, metric)
    spec = METRICS[metric]
    many = len(table) > MANY_GROUPS
    verdicts = table["difference_verdict"].dropna()
    by_verdict = many and bool(verdicts.ne("reference group").any())
    if many:
        table = sorted_by_value(table, "value").reset_index(drop=True)
    colours = report_colours(report)
    fig = go.Figure()
    if by_verdict:
        # One trace in value order (so every renderer keeps the order and the bar width),
        # each bar in its verdict's colour; the legend lists the verdicts shown.
        words = table["difference_verdict"].fillna("cannot be computed").astype(str)
        bars = _bars(table, spec.title, spec.title, [_verdict_colour(w) for w in words])
        bars.showlegend = False
        fig.add_trace(bars)
        shown = set(words)
        for word in [w for w in VERDICT_COLOURS if w in shown] + sorted(
            shown - set(VERDICT_COLOURS)
        ):
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    name=word,
                    marker={"symbol": "square", "size": 12, "color": _verdict_colour(word)},
                    hoverinfo="skip",
                )
            )
    elif many:
        marker = value_marker(table["value"].to_numpy(dtype=float), spec.title)
        fig.add_trace(_bars(table, spec.title, spec.title, marker))
    else:
        group_marker = [colours[str(g)] for g in table["group"]]
        fig.add_trace(_bars(table, spec.title, spec.title, group_marker))
    reference = table[table["is_reference"]]
    if len(reference) and np.isfinite(reference["value"].iloc[0]):
        fig.add_hline(
            y=float(reference["value"].iloc[0]),
            line_dash="dash",
            line_color="#000000",
            annotation_text=f"reference: {reference['group'].iloc[0]}",
            annotation_position="top left",
        )
    fig.update_layout(
        yaxis_title=spec.title,
        xaxis_title=" × ".join(report.settings.attributes) + (" (sorted by value)" if many else ""),
        xaxis_type="category",
        xaxis={"categoryorder": "array", "categoryarray": [str(g) for g in table["group"]]},
        showlegend=bool(by_verdict),
        legend={"title": {"text": "Verdict"}},
        height=380,
        margin={"t": 30, "b": 40, "l": 60, "r": 20},
    )
    if spec.is_proportion:
        fig.update_yaxes(range=[0, 1.05])
    return fig


def _verdict_colour(word: str) -> str:
    return VERDICT_COLOURS.get(word, "#999999")


def _bars(table: pd.DataFrame, title: str, name: str, colour: object) -> go.Bar:
    """One bar trace: values with interval whiskers, n printed on each bar, reference outlined."""
    values = table["value"].to_numpy(dtype=float)
    low = table["ci_low"].to_numpy(dtype=float)
    high = table["ci_high"].to_numpy(dtype=float)
    marker = dict(colour) if isinstance(colour, dict) else {"color": colour}
    marker["line"] = {
        "width": [3 if ref else 0 for ref in table["is_reference"]],
        "color": "#000000",
    }
    return go.Bar(
        x=[str(g) for g in table["group"]],
        y=values,
        name=name,
        marker=marker,
        error_y={
            "type": "data",
            "symmetric": False,
            "array": np.nan_to_num(high - values),
            "arrayminus": np.nan_to_num(values - low),
            "color": "#444444",
        },
        text=[f"n={d:,}" for d in table["denominator"]],
        textposition="inside",
        insidetextanchor="start",
        customdata=np.column_stack([table["denominator"], low, high]),
        hovertemplate=(
            "%{x}<br>" + title + ": %{y:.3f}<br>95% interval %{customdata[1]:.3f}"
            "–%{customdata[2]:.3f}<br>n=%{customdata[0]:,}<extra></extra>"
        ),
    )


def plot_intersection_heatmap(report: SubgroupReport, metric: str) -> go.Figure:
    """A heat map of ``metric`` over two attributes; each cell shows its value and n."""
    attributes = report.settings.attributes
    if len(attributes) != 2:
        raise ValueError("A heat map needs exactly two protected attributes.")
    rows = report.groups[report.groups["metric"] == metric]
    first = [labels[0] for labels in rows["labels"]]
    second = [labels[1] for labels in rows["labels"]]
    frame = pd.DataFrame(
        {"a": first, "b": second, "value": rows["value"].to_numpy(), "n": rows["denominator"]}
    )
    values = frame.pivot(index="a", columns="b", values="value")
    sizes = frame.pivot(index="a", columns="b", values="n")
    text = [
        [
            ""
            if pd.isna(sizes.loc[a, b])
            else f"{values.loc[a, b]:.2f}<br>n={int(sizes.loc[a, b]):,}"
            for b in values.columns
        ]
        for a in values.index
    ]
    spec = METRICS[metric]
    fig = go.Figure(
        go.Heatmap(
            z=values.to_numpy(dtype=float),
            x=[str(c) for c in values.columns],
            y=[str(i) for i in values.index],
            text=text,
            texttemplate="%{text}",
            colorscale="Cividis",
            colorbar={"title": {"text": spec.title}},
            hovertemplate="%{y} × %{x}<br>%{text}<extra></extra>",
            name=spec.title,
        )
    )
    fig.update_layout(
        xaxis_title=attributes[1],
        yaxis_title=attributes[0],
        xaxis_type="category",
        yaxis_type="category",
        height=120 + 50 * len(values.index),
        margin={"t": 30, "b": 40, "l": 80, "r": 20},
    )
    return fig
