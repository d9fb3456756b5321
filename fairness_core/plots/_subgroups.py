"""Figures for the subgroup report: one metric by group, and a two-attribute heat map.

Pure builders (report in, ``plotly.graph_objects.Figure`` out) using the shared
:data:`~fairness_core.plots.GROUP_COLOURS`. Group sizes are on every chart: in the hover,
and printed on each bar, because a bar of 12 people must not look as solid as one of 1,200.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from fairness_core.metrics import METRICS, Correction, SubgroupReport
from fairness_core.plots._base import GROUP_COLOURS

__all__ = [
    "COLUMN_TITLES",
    "CORRECTION_TITLES",
    "METRIC_TABLE_COLUMNS",
    "metric_table",
    "plain_column_title",
    "plot_intersection_heatmap",
    "plot_metric_by_group",
]

#: The columns of a metric table a reviewer sees, in reading order (the app's table, the
#: report's group tables and the exports all use this order).
METRIC_TABLE_COLUMNS = (
    "group",
    "n",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "difference",
    "difference_verdict",
    "ratio",
    "ratio_verdict",
    "difference_p_adjusted",
    "suppressed",
)
#: Plain titles of table columns, shared by the app and every export ("{level}" is the
#: confidence level, e.g. "95%").
COLUMN_TITLES = {
    "group": "Group",
    "n": "People",
    "denominator": "Measured on",
    "group_denominator": "Measured on (group)",
    "reference_denominator": "Measured on (reference)",
    "value": "Value",
    "ci_low": "{level} interval, low",
    "ci_high": "{level} interval, high",
    "suppressed": "Hidden (too few people)",
    "difference": "Difference vs reference",
    "difference_ci_low": "Difference, {level} low",
    "difference_ci_high": "Difference, {level} high",
    "difference_p_adjusted": "Difference, p-value (adjusted)",
    "difference_verdict": "Verdict on the difference",
    "ratio": "Ratio vs reference",
    "ratio_ci_low": "Ratio, {level} low",
    "ratio_ci_high": "Ratio, {level} high",
    "ratio_p_adjusted": "Ratio, p-value (adjusted)",
    "ratio_verdict": "Verdict on the ratio",
    "is_reference": "Reference group",
    "reference": "Reference group",
    "metric": "Metric",
    "threshold": "Threshold",
    "verdict": "Verdict",
    "p_value": "p-value",
    "p_value_adjusted": "p-value (adjusted)",
}
CORRECTION_TITLES: dict[Correction, str] = {
    "holm": "Holm (strict: few false alarms)",
    "benjamini-hochberg": "Benjamini–Hochberg (finds more, allows some false alarms)",
    "none": "none (each test alone)",
}


def plain_column_title(column: object, confidence: float = 0.95) -> str:
    """A table column's title in words ("ci_low" → "95% interval, low"); others unchanged."""
    title = COLUMN_TITLES.get(str(column))
    return str(column) if title is None else title.format(level=f"{confidence:.0%}")


def metric_table(report: SubgroupReport, metric: str) -> pd.DataFrame:
    """One row per group for ``metric``: n, value, interval, and difference/ratio vs reference.

    The table the Subgroups page shows and the figures draw: it joins the per-group values
    with both disparity kinds, so each row reads across from the group to its verdict.
    """
    groups = report.groups[report.groups["metric"] == metric]
    table = groups[
        ["group_index", "group", "n", "denominator", "value", "ci_low", "ci_high", "suppressed"]
    ].copy()
    disparities = report.disparities[report.disparities["metric"] == metric]
    for kind in ("difference", "ratio"):
        part = disparities[disparities["kind"] == kind].set_index("group_index")
        table[kind] = table["group_index"].map(part["value"])
        table[f"{kind}_ci_low"] = table["group_index"].map(part["ci_low"])
        table[f"{kind}_ci_high"] = table["group_index"].map(part["ci_high"])
        table[f"{kind}_p_adjusted"] = table["group_index"].map(part["p_value_adjusted"])
        table[f"{kind}_verdict"] = table["group_index"].map(part["verdict"])
    reference = disparities["reference"].iloc[0] if len(disparities) else None
    table["is_reference"] = table["group"] == reference
    for kind in ("difference", "ratio"):
        table.loc[table["is_reference"], f"{kind}_verdict"] = "reference group"
    return table.reset_index(drop=True)


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
