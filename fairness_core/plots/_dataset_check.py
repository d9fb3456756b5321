"""Figures and sentences for the dataset check: dataset audit, proxies and slices.

Figure builders take a result and return a ``plotly.graph_objects.Figure``; each has a
``describe_*`` sentence saying in words what it shows (its text alternative). A group has
its colour of every page (:func:`~fairness_core.plots.group_colours`); past
:data:`~fairness_core.plots.MANY_GROUPS` groups, bars are sorted by their value and coloured
by it instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from fairness_core.dataset_check import (
    ALL_FEATURES,
    FOUR_FIFTHS,
    REFERENCE_VERDICT,
    SLICE_METRICS,
    BaseRateVerdicts,
    DatasetAudit,
    FeatureDistribution,
    ProxyReport,
    SliceReport,
    describe_slice,
)
from fairness_core.formatting import format_against_line
from fairness_core.plots._base import (
    GROUP_COLOURS,
    MANY_GROUPS,
    SMALL_GROUP_ROWS,
    bars_by_group,
    group_colours,
    sorted_by_value,
)

__all__ = [
    "describe_base_rates",
    "describe_feature_distribution",
    "describe_missingness",
    "describe_proxies",
    "describe_representation",
    "describe_slices",
    "plot_base_rate_verdicts",
    "plot_base_rates",
    "plot_feature_distribution",
    "plot_missingness",
    "plot_proxies",
    "plot_representation",
    "plot_slices",
]

_MARGIN = {"t": 40, "b": 40, "l": 50, "r": 20}


def _colours(groups: list[str]) -> list[str]:
    mapping = group_colours(groups)
    return [mapping[g] for g in groups]


def _errors(value: pd.Series, low: pd.Series, high: pd.Series) -> dict[str, object]:
    return {
        "type": "data",
        "symmetric": False,
        "array": (high - value).fillna(0).tolist(),
        "arrayminus": (value - low).fillna(0).tolist(),
    }


# -- dataset audit ------------------------------------------------------------------------


def plot_representation(audit: DatasetAudit, attribute: str) -> go.Figure:
    """Each group's share of the rows (with its 95% interval), and the reference shares."""
    table, marker = bars_by_group(audit.attribute(attribute), "share", "share")
    labels = table["group"].astype(str).tolist()
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=table["share"],
            name="share of the data",
            marker=marker,
            error_y=_errors(table["share"], table["share_low"], table["share_high"]),
            text=[f"{r:,} rows" for r in table["rows"]],
            hovertemplate="%{x}: %{y:.1%} of the rows (%{text})<extra></extra>",
        )
    )
    if table["reference_share"].notna().any():
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=table["reference_share"],
                mode="markers",
                name="reference share",
                marker={"symbol": "diamond", "size": 12, "color": "#000000"},
                hovertemplate="%{x}: %{y:.1%} in the reference population<extra></extra>",
            )
        )
    fig.update_yaxes(title_text="share of the rows", tickformat=".0%", rangemode="tozero")
    fig.update_xaxes(
        title_text=attribute + (" (sorted by share)" if len(table) > MANY_GROUPS else ""),
        type="category",
        categoryorder="array",
        categoryarray=labels,
    )
    fig.update_layout(height=340, margin=_MARGIN, showlegend=True)
    return fig


def describe_representation(audit: DatasetAudit, attribute: str) -> str:
    """One sentence: the largest and smallest groups, and gaps against the reference."""
    table = audit.attribute(attribute).sort_values("share", kind="stable")
    if table.empty:
        return f"No rows to describe for {attribute}."
    small, large = table.iloc[0], table.iloc[-1]
    sentence = (
        f"{attribute} has {len(table)} groups, from {small['group']} ({small['share']:.1%} "
        f"of the rows, {int(small['rows']):,}) to {large['group']} ({large['share']:.1%})."
    )
    compared = table.dropna(subset=["representation_ratio"])
    if len(compared):
        worst = compared.iloc[int(np.argmin(compared["representation_ratio"]))]
        numbers = (
            f"{worst['share']:.1%} of the data against {worst['reference_share']:.1%} of the "
            f"population (ratio {worst['representation_ratio']:.2f})"
        )
        if worst["representation_ratio"] < 1:
            sentence += f" {worst['group']} is the most under-represented: {numbers}."
        else:
            sentence += (
                " No group with a population share entered is under-represented; the "
                f"closest is {worst['group']}: {numbers}."
            )
    tiny = table[table["rows"] < SMALL_GROUP_ROWS]
    if len(tiny):
        names = ", ".join(str(g) for g in tiny["group"])
        sentence += f" Too small to judge on their own (under {SMALL_GROUP_ROWS} rows): {names}."
    return sentence


def plot_base_rates(audit: DatasetAudit, attribute: str) -> go.Figure:
    """Each group's base rate with its Wilson interval and the four-fifths line."""
    table, marker = bars_by_group(audit.attribute(attribute), "base_rate", "base rate")
    labels = table["group"].astype(str).tolist()
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=table["base_rate"],
            name="base rate",
            marker=marker,
            error_y=_errors(table["base_rate"], table["base_rate_low"], table["base_rate_high"]),
            text=[f"n={r:,}" for r in table["rows"]],
            textposition="inside",
            hovertemplate="%{x}: %{y:.1%} positive (%{text})<extra></extra>",
        )
    )
    best = table["base_rate"].max()
    if np.isfinite(best) and best > 0:
        fig.add_hline(
            y=FOUR_FIFTHS * best,
            line_dash="dash",
            line_color="#000000",
            annotation_text="four-fifths of the highest rate",
            annotation_position="top left",
        )
    fig.update_yaxes(title_text="share with the positive outcome", tickformat=".0%", range=[0, 1])
    fig.update_xaxes(
        title_text=attribute + (" (sorted by base rate)" if len(table) > MANY_GROUPS else ""),
        type="category",
        categoryorder="array",
        categoryarray=labels,
    )
    fig.update_layout(height=340, margin=_MARGIN, showlegend=False)
    return fig


def describe_base_rates(audit: DatasetAudit, attribute: str) -> str:
    """One sentence: highest and lowest base rate and the four-fifths verdict on the labels."""
    summary = audit.summary[audit.summary["attribute"] == attribute]
    if summary.empty or summary["highest_group"].iloc[0] is None:
        return (
            f"Fewer than two groups of {attribute} have at least {audit.min_n} rows, so the "
            "recorded outcomes cannot be compared."
        )
    first = summary.iloc[0]
    rates = dict(zip(audit.attribute(attribute)["group"], audit.attribute(attribute)["base_rate"],
                     strict=True))  # fmt: skip
    high, low = str(first["highest_group"]), str(first["lowest_group"])
    ratio = float(first["disparate_impact_ratio"])
    below = first["four_fifths"] == "below the line"
    shown = format_against_line(ratio, 0.8, past=below, harmful="lower")
    sentence = (
        f"In the recorded outcomes, {rates[high]:.1%} of {high} had the positive outcome "
        f"against {rates[low]:.1%} of {low}: a ratio of {shown}, which "
    )
    if not below:
        return sentence + "passes the four-fifths rule (at least 0.8)."
    return (
        sentence + "fails the four-fifths rule (below 0.8). A model trained to reproduce "
        "these labels learns this gap."
    )


#: Bar colour per verdict of a group's base rate (the reference is drawn in black).
VERDICT_COLOURS = {
    "adverse impact": GROUP_COLOURS[5],
    "below the line, not statistically significant": GROUP_COLOURS[1],
    "within the line": GROUP_COLOURS[0],
    "favoured": GROUP_COLOURS[2],
    REFERENCE_VERDICT: GROUP_COLOURS[7],
    "too few people to judge": GROUP_COLOURS[8],
    "cannot be computed": GROUP_COLOURS[8],
}


def plot_base_rate_verdicts(verdicts: BaseRateVerdicts) -> go.Figure:
    """Each group's impact ratio (base rate ÷ the reference's), coloured by its verdict."""
    table = verdicts.table
    fig = go.Figure()
    for verdict, colour in VERDICT_COLOURS.items():
        part = table[table["verdict"] == verdict]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                x=part["group"].astype(str),
                y=part["impact_ratio"],
                name=verdict,
                marker_color=colour,
                error_y=_errors(part["impact_ratio"], part["ratio_ci_low"], part["ratio_ci_high"]),
                customdata=np.stack([part["base_rate"], part["rows"]], axis=1),
                hovertemplate="%{x}: ratio %{y:.3f}, base rate %{customdata[0]:.1%} "
                f"(%{{customdata[1]:,}} rows): {verdict}<extra></extra>",
            )
        )
    fig.add_hline(
        y=verdicts.line,
        line_dash="dash",
        line_color="#000000",
        annotation_text="four-fifths line",
        annotation_position="top left",
    )
    fig.update_yaxes(title_text=f"base rate ÷ {verdicts.reference or 'the highest'}")
    fig.update_xaxes(
        title_text=verdicts.name,
        type="category",
        categoryorder="array",
        categoryarray=(
            sorted_by_value(table, "impact_ratio") if len(table) > MANY_GROUPS else table
        )["group"]
        .astype(str)
        .tolist(),
    )
    fig.update_layout(height=380, margin=_MARGIN, legend_title_text="verdict")
    return fig


def plot_missingness(audit: DatasetAudit, attribute: str) -> go.Figure:
    """A heat map: the share of missing values per group (rows) and feature (columns)."""
    gaps = audit.missingness[audit.missingness["attribute"] == attribute]
    grid = gaps.pivot(index="group", columns="feature", values="missing_share")
    grid = grid.reindex(index=audit.attribute(attribute)["group"], columns=list(audit.features))
    text = [[f"{v:.1%}" if np.isfinite(v) else "" for v in row] for row in grid.to_numpy()]
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=[str(c) for c in grid.columns],
            y=[str(i) for i in grid.index],
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=max(float(np.nanmax(grid.to_numpy())) if grid.size else 0.0, 0.05),
            colorbar={"title": "missing", "tickformat": ".0%"},
            hovertemplate="%{y}, %{x}: %{text} missing<extra></extra>",
        )
    )
    fig.update_xaxes(title_text="feature", type="category")
    fig.update_yaxes(title_text=attribute, type="category")
    fig.update_layout(height=120 + 40 * max(len(grid.index), 2), margin=_MARGIN)
    return fig


def describe_missingness(audit: DatasetAudit, attribute: str) -> str:
    """One sentence: the feature whose gaps differ most between groups."""
    gaps = audit.missingness[
        (audit.missingness["attribute"] == attribute) & (audit.missingness["rows"] > 0)
    ]
    if gaps.empty or not (gaps["missing"] > 0).any():
        return f"No values are missing in the audited features, for any group of {attribute}."
    spread = gaps.groupby("feature")["missing_share"].agg(["min", "max"])
    feature = str((spread["max"] - spread["min"]).idxmax())
    rows = gaps[gaps["feature"] == feature].sort_values("missing_share", kind="stable")
    low, high = rows.iloc[0], rows.iloc[-1]
    return (
        f"{feature} has the most uneven gaps: {high['missing_share']:.1%} of {high['group']} "
        f"have no value, against {low['missing_share']:.1%} of {low['group']}. Groups with "
        "more gaps may be judged on less information."
    )


def plot_feature_distribution(dist: FeatureDistribution) -> go.Figure:
    """Grouped bars: the share of each group with each value (or band) of the feature."""
    fig = go.Figure()
    groups = list(dict.fromkeys(dist.table["group"].tolist()))
    for colour, group in zip(_colours([str(g) for g in groups]), groups, strict=True):
        part = dist.table[dist.table["group"] == group]
        fig.add_trace(
            go.Bar(
                x=part["value"].astype(str),
                y=part["share"],
                name=str(group),
                marker_color=colour,
                customdata=part["rows"],
                hovertemplate=f"{group}: %{{y:.1%}} (%{{customdata:,}} rows)<extra></extra>",
            )
        )
    fig.update_xaxes(title_text=dist.feature, type="category")
    fig.update_yaxes(title_text=f"share of the {dist.attribute} group", tickformat=".0%")
    fig.update_layout(barmode="group", height=360, margin=_MARGIN, legend_title_text=dist.attribute)
    return fig


def describe_feature_distribution(dist: FeatureDistribution) -> str:
    """One sentence: medians by group (numbers) or the value that differs most (text)."""
    if dist.numeric and dist.medians.notna().sum() >= 2:
        medians = dist.medians.dropna().sort_values()
        return (
            f"The median {dist.feature} is lowest for {medians.index[0]} "
            f"({_short_number(medians.iloc[0])}) and highest for {medians.index[-1]} "
            f"({_short_number(medians.iloc[-1])}); the bars show the share of each group in "
            "each band."
        )
    grid = dist.table.pivot(index="value", columns="group", values="share")
    if grid.shape[1] < 2 or grid.empty:
        return f"The bars show how {dist.feature} is spread within each group of {dist.attribute}."
    spread = (grid.max(axis=1) - grid.min(axis=1)).fillna(0)
    value = str(spread.idxmax())
    row = grid.loc[grid.index.astype(str) == value].iloc[0].dropna().sort_values()
    return (
        f"The value {value} of {dist.feature} differs most between groups: "
        f"{row.iloc[-1]:.1%} of {row.index[-1]} have it against {row.iloc[0]:.1%} of "
        f"{row.index[0]}."
    )


def _short_number(value: float) -> str:
    """12,345 for large numbers, 0.123 for small ones."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


# -- proxies -------------------------------------------------------------------------------


def plot_proxies(report: ProxyReport, *, top: int = 15) -> go.Figure:
    """Horizontal bars: each pair's score (AUC or balanced accuracy), with a coin toss's.

    The bar's length is the very number the sentence states ("AUC 0.90"), and a black tick
    marks what a coin toss would score, so the gap between them is how much the feature
    gives away.
    """
    table = report.table.head(top).iloc[::-1]
    colour_of = dict(
        zip(
            report.attributes,
            [GROUP_COLOURS[i % MANY_GROUPS] for i in range(len(report.attributes))],
            strict=True,
        )
    )
    fig = go.Figure()
    for attribute in report.attributes:
        part = table[table["attribute"] == attribute]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                y=[f"{f} → {a}" for f, a in zip(part["feature"], part["attribute"], strict=True)],
                x=part["score"],
                orientation="h",
                name=attribute,
                marker_color=colour_of[attribute],
                text=[
                    f"{n} {v:.2f}" for n, v in zip(part["score_name"], part["score"], strict=True)
                ],
                textposition="auto",
                customdata=np.stack([part["score_name"], part["chance"].round(2)], axis=1),
                hovertemplate="%{y}: %{customdata[0]} %{x:.2f} "
                "(a coin toss scores %{customdata[1]})<extra></extra>",
            )
        )
    labels = [f"{f} → {a}" for f, a in zip(table["feature"], table["attribute"], strict=True)]
    fig.add_trace(
        go.Scatter(
            y=labels,
            x=table["chance"],
            mode="markers",
            name="a coin toss",
            marker={"symbol": "line-ns-open", "size": 18, "color": "#000000"},
            hovertemplate="%{y}: a coin toss scores %{x:.2f}<extra></extra>",
        )
    )
    names = sorted(set(table["score_name"].astype(str)))
    fig.update_xaxes(
        title_text=f"{' or '.join(names) if names else 'score'} of guessing the attribute "
        "from the feature (1 = perfectly; the black tick is a coin toss)",
        range=[0, 1],
    )
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=labels)
    fig.update_layout(
        height=120 + 28 * max(len(table), 2), margin=_MARGIN, legend_title_text="attribute"
    )
    return fig


def describe_proxies(report: ProxyReport) -> str:
    """Sentences: the strongest single-feature proxy of each attribute."""
    parts = []
    for attribute in report.attributes:
        rows = report.table[
            (report.table["attribute"] == attribute) & (report.table["feature"] != ALL_FEATURES)
        ]
        if len(rows):
            parts.append(str(rows.iloc[0]["sentence"]))
    if not parts:
        return "No feature could be checked against the protected attributes."
    sample = (
        f" Measured on {report.rows:,} of {report.subsampled_from:,} rows picked at random."
        if report.subsampled_from
        else ""
    )
    return " ".join(parts) + sample


# -- slices --------------------------------------------------------------------------------


def plot_slices(report: SliceReport, *, top: int = 10) -> go.Figure:
    """Horizontal bars: the worst slices' values with 95% intervals, and the overall value."""
    table = report.table.head(top).iloc[::-1]
    title = SLICE_METRICS[report.metric]
    colours = [GROUP_COLOURS[5] if s else GROUP_COLOURS[8] for s in table["significant"]]
    fig = go.Figure(
        go.Bar(
            y=table["slice"],
            x=table["value"],
            orientation="h",
            name=title,
            marker_color=colours,
            error_x=_errors(table["value"], table["ci_low"], table["ci_high"]),
            text=[f"n={n:,}" for n in table["support"]],
            textposition="inside",
            hovertemplate="%{y}: %{x:.1%} (%{text})<extra></extra>",
        )
    )
    if np.isfinite(report.overall):
        fig.add_vline(
            x=report.overall,
            line_dash="dash",
            line_color="#000000",
            annotation_text="everyone",
            annotation_position="top",
        )
    fig.update_xaxes(title_text=title.lower(), tickformat=".0%", range=[0, 1])
    fig.update_yaxes(type="category")
    fig.update_layout(height=120 + 34 * max(len(table), 2), margin=_MARGIN, showlegend=False)
    return fig


def describe_slices(report: SliceReport) -> str:
    """The worst slice in a sentence, and how many were searched and found significant."""
    found = int(report.table["significant"].sum()) if len(report.table) else 0
    return (
        f"{describe_slice(report)} Searched {report.tested:,} slices of at least "
        f"{report.min_support:,} people; {found} of the {len(report.table)} shown differ "
        "significantly (orange bars; grey bars could be chance)."
    )
