"""Figures and sentences for the AIF360-style extras: average odds, inequality indices,
consistency and calibration by group (result in, plotly figure or one sentence out)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from fairness_core.dataset_check import ConsistencyResult
from fairness_core.metrics import CalibrationByGroup, InequalityReport
from fairness_core.plots._base import (
    GROUP_COLOURS,
    add_calibration_frame,
    bars_by_group,
    group_colours,
    group_dashes,
)

__all__ = [
    "describe_average_odds",
    "describe_calibration_by_group",
    "describe_consistency",
    "describe_inequality",
    "plot_average_odds",
    "plot_calibration_by_group",
    "plot_consistency",
    "plot_inequality",
]

_LAYOUT = {"height": 400, "margin": {"t": 50, "b": 50, "l": 60, "r": 20}, "hovermode": "closest"}


def plot_average_odds(report: InequalityReport) -> go.Figure:
    """One bar per group: its average odds difference against the reference group."""
    table, marker = bars_by_group(report.odds, "average_odds_difference", "difference")
    names = [str(g) for g in table["group"]]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=table["average_odds_difference"],
            marker=marker,
            name="average odds difference",
            customdata=np.column_stack(
                [table["false_positive_rate_difference"], table["true_positive_rate_difference"]]
            ),
            hovertemplate=(
                "%{x}: %{y:+.3f}<br>false positive rate gap %{customdata[0]:+.3f}"
                "<br>true positive rate gap %{customdata[1]:+.3f}<extra></extra>"
            ),
        )
    )
    fig.add_hline(y=0, line={"color": "#999999", "dash": "dot"})
    fig.update_xaxes(
        title_text=" × ".join(report.attributes),
        type="category",
        categoryorder="array",
        categoryarray=names,
    )
    fig.update_yaxes(title_text=f"Average odds difference (vs {report.reference})")
    fig.update_layout(title="Average odds difference by group", showlegend=False, **_LAYOUT)
    return fig


def describe_average_odds(report: InequalityReport) -> str:
    """One sentence: the group furthest from the reference on average odds."""
    table = report.odds[~report.odds["is_reference"]].dropna(subset=["average_odds_difference"])
    text = (
        "The average odds difference is the mean of a group's false positive rate gap and "
        f"true positive rate gap to {report.reference} (0 means the same odds)."
    )
    if table.empty:
        return text + " No other group has both actual positives and actual negatives."
    row = table.iloc[int(np.argmax(table["average_odds_difference"].abs().to_numpy()))]
    value = float(row["average_odds_difference"])
    side = "less" if value < 0 else "more"
    return text + (
        f" It is furthest from 0 for {row['group']} ({value:+.3f}): they get the favourable "
        f"decision {side} often than {report.reference} with the same true outcome."
    )


def plot_inequality(report: InequalityReport) -> go.Figure:
    """Stacked bars: each index split into its between-groups and within-groups parts."""
    entries = [report.generalized_entropy, report.theil]
    labels = [
        f"Generalized entropy index (α = {report.generalized_entropy.alpha:g})",
        "Theil index (α = 1)",
    ]
    fig = go.Figure()
    for part, title, colour in (
        ("between_groups", "between groups", GROUP_COLOURS[0]),
        ("within_groups", "within groups", GROUP_COLOURS[1]),
    ):
        fig.add_trace(
            go.Bar(
                x=labels,
                y=[getattr(entry, part) for entry in entries],
                name=title,
                marker_color=colour,
                hovertemplate=f"%{{x}}<br>{title}: %{{y:.4f}}<extra></extra>",
            )
        )
    fig.update_yaxes(title_text="Inequality of benefit (0 = everyone equal)", rangemode="tozero")
    fig.update_layout(title="Inequality of benefit across people", barmode="stack", **_LAYOUT)
    return fig


def describe_inequality(report: InequalityReport) -> str:
    """One sentence: how unequal benefits are and how much of it lies between the groups."""
    ge = report.generalized_entropy
    if not np.isfinite(ge.overall):
        return "Inequality of benefit cannot be measured: nobody received any benefit."
    share = ge.between_groups / ge.overall if ge.overall > 0 else 0.0
    return (
        "Each person's benefit is 2 when wrongly given the favourable decision, 0 when "
        "wrongly refused it and 1 when decided correctly. The generalized entropy index "
        f"(α = {ge.alpha:g}) is {ge.overall:.3f} and the Theil index {report.theil.overall:.3f} "
        f"(0 = everyone equal); {share:.0%} of the inequality lies between the groups of "
        f"{' × '.join(report.attributes)}, the rest within them."
    )


def plot_consistency(result: ConsistencyResult) -> go.Figure:
    """One bar per group: the mean consistency of its people's decisions."""
    table, marker = bars_by_group(result.groups, "consistency", "consistency")
    names = [str(g) for g in table["group"]]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=table["consistency"],
            marker=marker,
            name="consistency",
            customdata=table["n"],
            hovertemplate="%{x}: %{y:.3f}<br>n=%{customdata:,}<extra></extra>",
        )
    )
    fig.add_hline(
        y=result.consistency,
        line={"color": "#999999", "dash": "dot"},
        annotation_text=f"everyone: {result.consistency:.3f}",
    )
    fig.update_xaxes(
        title_text=" × ".join(result.attributes),
        type="category",
        categoryorder="array",
        categoryarray=names,
    )
    fig.update_yaxes(title_text="Consistency (1 = look-alikes decided alike)", range=[0, 1.02])
    fig.update_layout(title="Consistency by group", showlegend=False, **_LAYOUT)
    return fig


def describe_consistency(result: ConsistencyResult) -> str:
    """One sentence: the consistency, on how many rows, and the least consistent group."""
    text = (
        f"Consistency is {result.consistency:.3f}: on average a person's decision differs "
        f"from that of their {result.n_neighbors} most similar people (by "
        f"{len(result.features)} features, themselves included) by "
        f"{1 - result.consistency:.1%}."
    )
    if result.sampled:
        text += (
            f" Measured on a sample of {result.n_rows_used:,} of {result.n_rows_total:,} rows "
            "that keeps each group's share."
        )
    rated = result.groups.dropna(subset=["consistency"])
    if len(rated) >= 2:
        low = rated.iloc[int(np.argmin(rated["consistency"].to_numpy()))]
        text += f" Least consistent: {low['group']} ({low['consistency']:.3f})."
    return text


def plot_calibration_by_group(result: CalibrationByGroup) -> go.Figure:
    """Reliability curves per group with Wilson intervals on the observed rate."""
    table = result.bins
    fig = go.Figure()
    colours, dashes = group_colours(result.names), group_dashes(result.names)
    for g, name in enumerate(result.names):
        part = table[table["group_index"] == g]
        fig.add_trace(
            go.Scatter(
                x=part["mean_score"],
                y=part["observed_rate"],
                mode="lines+markers",
                name=name,
                line={"color": colours[str(name)], "dash": dashes[str(name)]},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": part["ci_high"] - part["observed_rate"],
                    "arrayminus": part["observed_rate"] - part["ci_low"],
                    "thickness": 1,
                },
                customdata=np.column_stack(
                    [part["bin_low"], part["bin_high"], part["n"], part["ci_low"], part["ci_high"]]
                ),
                hovertemplate=(
                    f"{name}<br>scores %{{customdata[0]:.1f}}–%{{customdata[1]:.1f}}"
                    "<br>mean score %{x:.3f}<br>observed positive share %{y:.3f} "
                    "(95%: %{customdata[3]:.3f}–%{customdata[4]:.3f})"
                    "<br>n=%{customdata[2]:,}<extra></extra>"
                ),
            )
        )
    add_calibration_frame(fig)
    fig.update_layout(title="Calibration by group (bars: 95% intervals)", **_LAYOUT)
    return fig


def describe_calibration_by_group(result: CalibrationByGroup) -> str:
    """One sentence: the overall ECE and the group whose scores are furthest off."""
    text = (
        f"People are put in {result.n_bins} equal score bins; a point on the dotted line "
        "means the score matches how often the positive outcome really happened. The "
        f"expected calibration error over everyone is {result.overall_ece:.3f} (the "
        "average distance between score and outcome; 0 is perfect)."
    )
    rated = result.groups.dropna(subset=["ece"])
    if len(rated):
        worst = rated.iloc[int(np.argmax(rated["ece"].to_numpy()))]
        gap = float(worst["calibration_gap"])
        direction = "overstate" if gap > 0 else "understate"
        text += (
            f" It is largest for {worst['group']} ({worst['ece']:.3f}), whose scores "
            f"{direction} how often the positive outcome happens by {abs(gap):.1%} on average."
        )
    return text
