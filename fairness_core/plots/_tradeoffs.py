"""Figures for the trade-offs: curves per group, and the fairness–accuracy frontier.

Pure builders (results in, ``plotly.graph_objects.Figure`` out); each group takes its
colour from :func:`~fairness_core.plots.group_colours` of the sweep's groups (the data's
group list), so a group has the same colour on every chart. Hovering a curve shows the
group, the threshold and the rates there; today's operating point of each group is a large
open circle on its curve. Each ``plot_*`` has a
``describe_*`` sentence saying what the chart shows (its text alternative).

The frontier chart lives in :mod:`._frontier` (re-exported here).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from fairness_core.metrics import METRICS
from fairness_core.plots._base import add_calibration_frame, group_colours, group_dashes
from fairness_core.plots._frontier import EXTRA_POINT_KINDS, describe_frontier, plot_frontier
from fairness_core.tradeoffs import ThresholdSweep, current_points, sweep_table

__all__ = [
    "EXTRA_POINT_KINDS",
    "describe_calibration",
    "describe_frontier",
    "describe_precision_recall",
    "describe_roc_curves",
    "describe_score_distributions",
    "plot_calibration",
    "plot_frontier",
    "plot_precision_recall",
    "plot_roc_curves",
    "plot_score_distributions",
]

#: Most points drawn per group curve (the table view holds them all).
MAX_CURVE_POINTS = 400
_LAYOUT = {"height": 420, "margin": {"t": 40, "b": 50, "l": 60, "r": 20}, "hovermode": "closest"}


def _colours(sweep: ThresholdSweep) -> list[str]:
    """Each group's colour, in the sweep's group order."""
    mapping = group_colours(sweep.names)
    return [mapping[str(name)] for name in sweep.names]


def _dashes(sweep: ThresholdSweep) -> list[str]:
    """Each group's line style (varies past eight groups, where colours repeat)."""
    mapping = group_dashes(sweep.names)
    return [mapping[str(name)] for name in sweep.names]


def _thin(part: pd.DataFrame) -> pd.DataFrame:
    if len(part) <= MAX_CURVE_POINTS:
        return part
    keep = np.unique(np.linspace(0, len(part) - 1, MAX_CURVE_POINTS).round().astype(int))
    return part.iloc[keep]


def _threshold_text(values: pd.Series) -> list[str]:
    return ["nobody" if not np.isfinite(v) else f"{v:.3f}" for v in values]


def plot_roc_curves(sweep: ThresholdSweep, *, chosen: pd.DataFrame | None = None) -> go.Figure:
    """Per-group ROC curves (FPR across, TPR up) with today's point; ``chosen`` adds stars.

    ``chosen`` is the ``per_group`` table of an evaluated operating point.
    """
    table = sweep_table(sweep)
    fig = go.Figure()
    colours, dashes = _colours(sweep), _dashes(sweep)
    for g, name in enumerate(sweep.names):
        part = _thin(table[table["group_index"] == g])
        fig.add_trace(
            go.Scatter(
                x=part["false_positive_rate"],
                y=part["true_positive_rate"],
                mode="lines",
                name=name,
                legendgroup=name,
                line={"color": colours[g], "dash": dashes[g]},
                customdata=np.column_stack([_threshold_text(part["threshold"])]),
                hovertemplate=(
                    f"{name}<br>threshold %{{customdata[0]}}<br>true positive rate %{{y:.3f}}"
                    "<br>false positive rate %{x:.3f}<extra></extra>"
                ),
            )
        )
    _today_markers(fig, sweep, "false_positive_rate", "true_positive_rate")
    _chosen_markers(fig, sweep, chosen, "false_positive_rate", "true_positive_rate")
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            line={"color": "#999999", "dash": "dot"},
            name="chance",
            hoverinfo="skip",
        )
    )
    fig.update_xaxes(title_text=METRICS["false_positive_rate"].title, range=[0, 1])
    fig.update_yaxes(title_text=METRICS["true_positive_rate"].title, range=[0, 1.02])
    fig.update_layout(title="ROC curve by group", **_LAYOUT)
    return fig


def describe_roc_curves(sweep: ThresholdSweep) -> str:
    """One sentence for the ROC chart: today's rates per group, highest and lowest TPR."""
    today = current_points(sweep).dropna(subset=["true_positive_rate"])
    text = (
        "Each line shows, for one group, how the true positive rate (up) and the false "
        "positive rate (across) change as the threshold moves; circles mark today's decisions."
    )
    if len(today) >= 2:
        ordered = today.sort_values("true_positive_rate")
        low, high = ordered.iloc[0], ordered.iloc[-1]
        text += (
            f" Today the true positive rate ranges from {low['true_positive_rate']:.0%} "
            f"({low['group']}) to {high['true_positive_rate']:.0%} ({high['group']})."
        )
    return text


def plot_precision_recall(
    sweep: ThresholdSweep, *, chosen: pd.DataFrame | None = None
) -> go.Figure:
    """Per-group precision–recall curves with today's point."""
    table = sweep_table(sweep)
    fig = go.Figure()
    colours, dashes = _colours(sweep), _dashes(sweep)
    for g, name in enumerate(sweep.names):
        part = table[table["group_index"] == g].dropna(subset=["precision"])
        part = _thin(part)
        fig.add_trace(
            go.Scatter(
                x=part["true_positive_rate"],
                y=part["precision"],
                mode="lines",
                name=name,
                legendgroup=name,
                line={"color": colours[g], "dash": dashes[g]},
                customdata=np.column_stack(
                    [_threshold_text(part["threshold"]), part["selection_rate"]]
                ),
                hovertemplate=(
                    f"{name}<br>threshold %{{customdata[0]}}<br>precision %{{y:.3f}}"
                    "<br>recall (true positive rate) %{x:.3f}"
                    "<br>selection rate %{customdata[1]:.3f}<extra></extra>"
                ),
            )
        )
    _today_markers(fig, sweep, "true_positive_rate", "precision")
    _chosen_markers(fig, sweep, chosen, "true_positive_rate", "precision")
    fig.update_xaxes(title_text="Recall (true positive rate)", range=[0, 1])
    fig.update_yaxes(title_text=METRICS["precision"].title, range=[0, 1.02])
    fig.update_layout(title="Precision and recall by group", **_LAYOUT)
    return fig


def describe_precision_recall(sweep: ThresholdSweep) -> str:
    """One sentence for the precision–recall chart."""
    today = current_points(sweep).dropna(subset=["precision"])
    text = (
        "Each line shows, for one group, how often a positive decision is right (precision, "
        "up) against the share of people with the positive outcome who get it (recall, "
        "across), as the threshold moves; circles mark today's decisions."
    )
    if len(today) >= 2:
        ordered = today.sort_values("precision")
        low, high = ordered.iloc[0], ordered.iloc[-1]
        text += (
            f" Today precision ranges from {low['precision']:.0%} ({low['group']}) to "
            f"{high['precision']:.0%} ({high['group']})."
        )
    return text


def plot_calibration(sweep: ThresholdSweep) -> go.Figure:
    """Reliability curves: mean score per bin (across) against the observed positive share."""
    table = sweep.calibration
    fig = go.Figure()
    colours, dashes = _colours(sweep), _dashes(sweep)
    for g, name in enumerate(sweep.names):
        part = table[table["group_index"] == g]
        fig.add_trace(
            go.Scatter(
                x=part["mean_score"],
                y=part["observed_rate"],
                mode="lines+markers",
                name=name,
                line={"color": colours[g], "dash": dashes[g]},
                marker={"size": np.clip(np.sqrt(part["n"].to_numpy()) * 1.2, 5, 22)},
                customdata=np.column_stack([part["bin_low"], part["bin_high"], part["n"]]),
                hovertemplate=(
                    f"{name}<br>scores %{{customdata[0]:.1f}}–%{{customdata[1]:.1f}}"
                    "<br>mean score %{x:.3f}<br>observed positive share %{y:.3f}"
                    "<br>n=%{customdata[2]:,}<extra></extra>"
                ),
            )
        )
    add_calibration_frame(fig)
    fig.update_layout(title="Calibration by group (marker size: people in the bin)", **_LAYOUT)
    return fig


def describe_calibration(sweep: ThresholdSweep) -> str:
    """One sentence: which group's scores are furthest from the observed outcomes."""
    table = sweep.calibration
    text = (
        "For each group, people are put in score bins; a point on the dotted line means the "
        "score matches how often the positive outcome really happened."
    )
    if len(table):
        gap = (table["mean_score"] - table["observed_rate"]) * table["weight"]
        per_group = gap.groupby(table["group"]).sum() / table.groupby("group")["weight"].sum()
        values = per_group.to_numpy(dtype=float)
        i = int(np.argmax(np.abs(values)))
        direction = "over" if values[i] > 0 else "under"
        text += (
            f" Scores are furthest from the outcomes for {per_group.index[i]}, which they "
            f"{direction}state by {abs(values[i]):.1%} on average."
        )
    return text


def plot_score_distributions(sweep: ThresholdSweep) -> go.Figure:
    """Score histograms per group (lines: share of the group per score bin), by outcome."""
    table = sweep.distribution
    fig = go.Figure()
    colours = _colours(sweep)
    for g, name in enumerate(sweep.names):
        for outcome, dash in ((1, "solid"), (0, "dot")):
            part = table[(table["group_index"] == g) & (table["outcome"] == outcome)]
            mid = (part["bin_low"] + part["bin_high"]) / 2
            label = "positive" if outcome else "negative"
            fig.add_trace(
                go.Scatter(
                    x=mid,
                    y=part["share"],
                    mode="lines",
                    name=f"{name} · {label} outcome",
                    legendgroup=name,
                    line={"color": colours[g], "dash": dash, "shape": "hvh"},
                    customdata=np.column_stack([part["bin_low"], part["bin_high"], part["n"]]),
                    hovertemplate=(
                        f"{name}, {label} outcome<br>scores %{{customdata[0]:.2f}}–"
                        "%{customdata[1]:.2f}<br>share of the group %{y:.1%}"
                        "<br>n=%{customdata[2]:,}<extra></extra>"
                    ),
                )
            )
    if sweep.today_threshold is not None:
        fig.add_vline(
            x=sweep.today_threshold,
            line={"color": "#000000", "dash": "dash"},
            annotation_text=f"today's threshold {sweep.today_threshold:.2f}",
        )
    scaled = sweep.scale is not None  # a score of another scale, rescaled for the audit
    fig.update_xaxes(
        title_text="Score rescaled to 0–1 (1 the most favourable)" if scaled else "Score",
        range=[0, 1],
    )
    fig.update_yaxes(title_text="Share of the group", tickformat=".0%")
    fig.update_layout(title="Score distribution by group and outcome", **_LAYOUT)
    return fig


def describe_score_distributions(sweep: ThresholdSweep) -> str:
    """One sentence: the groups with the lowest and highest mean score."""
    table = sweep.distribution
    mid = (table["bin_low"] + table["bin_high"]) / 2
    mean = (mid * table["weight"]).groupby(table["group"]).sum() / table.groupby("group")[
        "weight"
    ].sum()
    text = (
        "Solid lines show the scores of people with the positive outcome, dotted lines those "
        "with the negative outcome, as a share of each group."
    )
    if len(mean) >= 2:
        text += (
            f" Scores are lowest on average for {mean.idxmin()} (about {mean.min():.2f}) and "
            f"highest for {mean.idxmax()} (about {mean.max():.2f})."
        )
    return text


def _today_markers(fig: go.Figure, sweep: ThresholdSweep, x: str, y: str) -> None:
    today = current_points(sweep)
    colours = _colours(sweep)
    threshold = "predictions" if sweep.today_threshold is None else f"{sweep.today_threshold:.3f}"
    for g, row in today.iterrows():
        if not (np.isfinite(row[x]) and np.isfinite(row[y])):
            continue
        fig.add_trace(
            go.Scatter(
                x=[row[x]],
                y=[row[y]],
                mode="markers",
                name=f"{row['group']} today",
                legendgroup=str(row["group"]),
                showlegend=False,
                marker={
                    "size": 13,
                    "symbol": "circle-open",
                    "line": {"width": 3},
                    "color": colours[int(g)],  # type: ignore[call-overload]
                },
                hovertemplate=(
                    f"{row['group']} today (threshold {threshold})<br>{y.replace('_', ' ')} "
                    f"%{{y:.3f}}<br>{x.replace('_', ' ')} %{{x:.3f}}<extra></extra>"
                ),
            )
        )


def _chosen_markers(
    fig: go.Figure, sweep: ThresholdSweep, chosen: pd.DataFrame | None, x: str, y: str
) -> None:
    if chosen is None:
        return
    colours = _colours(sweep)
    for _, row in chosen.iterrows():
        g = int(row["group_index"])
        if not (np.isfinite(row[x]) and np.isfinite(row[y])):
            continue
        fig.add_trace(
            go.Scatter(
                x=[row[x]],
                y=[row[y]],
                mode="markers",
                name=f"{row['group']} chosen",
                showlegend=False,
                marker={"size": 15, "symbol": "star", "color": colours[g]},
                hovertemplate=(
                    f"{row['group']} at the chosen point<br>{y.replace('_', ' ')} %{{y:.3f}}"
                    f"<br>{x.replace('_', ' ')} %{{x:.3f}}<extra></extra>"
                ),
            )
        )
