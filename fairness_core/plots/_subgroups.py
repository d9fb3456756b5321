"""Figures for the subgroup report: one metric by group, and a two-attribute heat map.

Pure builders (report in, ``plotly.graph_objects.Figure`` out) using the shared
:data:`~fairness_core.plots.GROUP_COLOURS`. Group sizes are on every chart: in the hover,
and printed on each bar, because a bar of 12 people must not look as solid as one of 1,200.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from fairness_core.metrics import METRICS, SubgroupReport, metric_table
from fairness_core.plots._base import GROUP_COLOURS

__all__ = [
    "plot_intersection_heatmap",
    "plot_metric_by_group",
]


def plot_metric_by_group(report: SubgroupReport, metric: str) -> go.Figure:
    """Bars of ``metric`` per group with interval whiskers and n printed on each bar."""
    table = metric_table(report, metric)
    spec = METRICS[metric]
    values = table["value"].to_numpy(dtype=float)
    low = table["ci_low"].to_numpy(dtype=float)
    high = table["ci_high"].to_numpy(dtype=float)
    colours = [GROUP_COLOURS[i % len(GROUP_COLOURS)] for i in table["group_index"]]
    fig = go.Figure(
        go.Bar(
            x=table["group"],
            y=values,
            name=spec.title,
            marker_color=colours,
            marker_line_width=[3 if ref else 0 for ref in table["is_reference"]],
            marker_line_color="#000000",
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
                "%{x}<br>" + spec.title + ": %{y:.3f}<br>95% interval %{customdata[1]:.3f}"
                "–%{customdata[2]:.3f}<br>n=%{customdata[0]:,}<extra></extra>"
            ),
        )
    )
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
        xaxis_title=" × ".join(report.settings.attributes),
        xaxis_type="category",
        showlegend=False,
        height=380,
        margin={"t": 30, "b": 40, "l": 60, "r": 20},
    )
    if spec.is_proportion:
        fig.update_yaxes(range=[0, 1.05])
    return fig


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
