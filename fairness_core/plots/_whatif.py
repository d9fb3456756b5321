"""Figures and sentences for the What-if page: result in, plotly Figure or one sentence out.

Groups are drawn with :data:`~fairness_core.plots.GROUP_COLOURS` in group order; every
figure has a ``describe_*`` sentence with the numbers it shows, so no reader depends on
colour or on seeing the chart.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from fairness_core.plots._base import GROUP_COLOURS, group_colours
from fairness_core.whatif import (
    EditComparison,
    Explanation,
    FlipTestResult,
    GlobalImportance,
    IceCurve,
    RowFlipResult,
)

__all__ = [
    "decision_word",
    "describe_edit",
    "describe_flip_test",
    "describe_global_importance",
    "describe_ice",
    "describe_local_explanation",
    "describe_row_flips",
    "format_value",
    "plot_edit",
    "plot_flip_test",
    "plot_global_importance",
    "plot_ice",
    "plot_local_explanation",
    "plot_row_flips",
]

_MARGIN = {"t": 40, "b": 40, "l": 60, "r": 20}
_SCALE_WORDS = {
    "log-odds": "log-odds (the model's internal score; 0 is a 50% chance)",
    "probability": "probability points",
}


def decision_word(decision: int) -> str:
    """'favourable' or 'unfavourable': a 0/1 decision (or outcome) in plain words.

    The positive decision is the favourable one (a loan, an interview), as everywhere in
    the app; "positive" reads as jargon (or as a test result) to a reviewer.
    """
    return "favourable" if int(decision) == 1 else "unfavourable"


def _colour(index: int) -> str:
    return GROUP_COLOURS[int(index) % len(GROUP_COLOURS)]


# --------------------------------------------------------------------------------------
# One edit
# --------------------------------------------------------------------------------------


def plot_edit(comparison: EditComparison) -> go.Figure:
    """Two bars, original and edited score, with the decision threshold as a dashed line."""
    fig = go.Figure(
        go.Bar(
            x=["original", "edited"],
            y=[comparison.score_before, comparison.score_after],
            marker_color=[_colour(0), _colour(1)],
            text=[
                f"{comparison.score_before:.3f} ({decision_word(comparison.decision_before)})",
                f"{comparison.score_after:.3f} ({decision_word(comparison.decision_after)})",
            ],
            textposition="outside",
            name="score",
            hovertemplate="%{x}: score %{y:.3f}<extra></extra>",
        )
    )
    _threshold(fig, comparison.threshold)
    fig.update_layout(
        yaxis_title="score", yaxis_range=[0, 1.1], height=300, showlegend=False, margin=_MARGIN
    )
    return fig


def describe_edit(comparison: EditComparison) -> str:
    """One sentence: the score and decision before and after the edit."""
    changed = comparison.table[comparison.table["changed"]]["feature"].tolist()
    if not changed:
        return (
            f"Nothing is changed yet: the score is {comparison.score_before:.3f}, a "
            f"{decision_word(comparison.decision_before)} decision (threshold "
            f"{comparison.threshold:g}). Change values above and press Re-score."
        )
    what = f"Changing {', '.join(changed)}"
    verdict = (
        f"turns the decision from {decision_word(comparison.decision_before)} to "
        f"{decision_word(comparison.decision_after)}"
        if comparison.decision_changed
        else f"keeps the decision {decision_word(comparison.decision_after)}"
    )
    return (
        f"{what} moves the score from {comparison.score_before:.3f} to "
        f"{comparison.score_after:.3f} ({comparison.score_after - comparison.score_before:+.3f}) "
        f"and {verdict} (threshold {comparison.threshold:g})."
    )


# --------------------------------------------------------------------------------------
# Flip probes
# --------------------------------------------------------------------------------------


def plot_row_flips(result: RowFlipResult) -> go.Figure:
    """One horizontal bar per probe: the score after it, against the row's own score."""
    table = result.table
    kinds = ["protected", "proxies alone", "protected + proxies", "proxy"]
    fig = go.Figure()
    for index, kind in enumerate(kinds):
        part = table[table["kind"] == kind]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                y=part["probe"],
                x=part["score"],
                orientation="h",
                name=kind,
                marker_color=_colour(index),
                text=[
                    f"{s:.3f}{' — decision changes' if c else ''}"
                    for s, c in zip(part["score"], part["decision_changed"], strict=True)
                ],
                textposition="auto",
                hovertemplate="%{y}: score %{x:.3f}<extra></extra>",
            )
        )
    fig.add_vline(
        x=result.score,
        line_color="#000000",
        annotation_text=f"now: {result.score:.3f}",
        annotation_position="top",
    )
    fig.add_vline(
        x=result.threshold,
        line_dash="dash",
        line_color="#666666",
        annotation_text=f"threshold {result.threshold:g}",
        annotation_position="bottom",
    )
    fig.update_layout(
        xaxis_title="score after the change",
        xaxis_range=[0, 1],
        yaxis_autorange="reversed",
        yaxis_type="category",
        height=max(260, 60 + 24 * len(table)),
        margin={**_MARGIN, "l": 220},
        legend_title_text="what was changed",
    )
    return fig


def describe_row_flips(result: RowFlipResult) -> str:
    """Sentences: what is not a model input, what each move owes to the attribute itself
    and to its proxies, and which probes change the decision."""
    table = result.table
    if table.empty:
        return "There are no other groups to move this row to."
    listed = ", ".join(result.proxies)
    sentences = [
        f"This row's score is {result.score:.3f} ({decision_word(result.decision)} decision)."
    ]
    blind = result.not_model_inputs
    if blind:
        names = " and ".join(blind)
        verb, pronoun = ("is not one", "it") if len(blind) == 1 else ("are not any", "them")
        sentence = (
            f"{names} {verb} of the model's inputs, so changing {pronoun} alone cannot change "
            f"the score: 'no change' does not show that the model ignores {names}. The model "
            f"can still treat people by {names} through features that stand in for "
            f"{pronoun} (proxies, such as a zip code)"
        )
        if result.proxies:
            sentence += f"; the proxies chosen ({listed}) are tested below."
        else:
            sentence += "; choose proxy features to test them."
        sentences.append(sentence)
    decomposition = result.decomposition
    for item in decomposition.itertuples(index=False):
        if item.credit == "none":
            continue
        move = f"{item.attribute} → {item.to}"
        numbers = (
            f"score change with {item.attribute} alone {item.attribute_change:+.3f}, with "
            f"{listed} alone {item.proxies_change:+.3f}, with both {item.both_change:+.3f}"
        )
        if item.credit == "proxies":
            sentences.append(
                f"{move} with typical {listed} turns the decision around because of {listed} "
                f"(typical of {item.to}), not because of {item.attribute} itself: {numbers}."
            )
        elif item.credit == "attribute":
            sentences.append(
                f"{move} turns the decision around by itself, without {listed}: {numbers}."
            )
        elif item.credit == "either":
            sentences.append(
                f"{move} turns the decision around both by itself and through {listed} "
                f"alone: {numbers}."
            )
        else:
            sentences.append(
                f"{move} turns the decision around only together with {listed} (neither "
                f"alone does): {numbers}."
            )
    flipped = table[table["decision_changed"]]
    biggest = table.iloc[int(np.argmax(np.abs(table["score_change"].to_numpy())))]
    sentences.append(
        f"The largest change comes from {biggest['probe']} ({biggest['score_change']:+.3f})."
    )
    if flipped.empty:
        sentences.append(f"None of the {len(table)} changes turns the decision around.")
    else:
        names = ", ".join(flipped["probe"].head(5))
        more = f" and {len(flipped) - 5} more" if len(flipped) > 5 else ""
        sentences.append(
            f"{len(flipped)} of {len(table)} changes turn the decision around: {names}{more}."
        )
    return " ".join(sentences)


def plot_flip_test(result: FlipTestResult) -> go.Figure:
    """Share of decisions that change and mean score change, per group and new group."""
    table = result.by_group
    by_index = dict(zip(table["group_index"], table["group"], strict=True))
    by_index.update(zip(table["to_index"], table["to"], strict=True))
    colours = group_colours([by_index[i] for i in sorted(by_index)])  # the data's order
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Share of decisions that change", "Mean score change"),
    )
    for _, part in table.groupby("to_index", sort=True):
        name = f"moved to {part['to'].iloc[0]}"
        share = part["changed_share"].to_numpy(dtype=float)
        mean = part["mean_score_change"].to_numpy(dtype=float)
        common = {
            "x": part["group"],
            "name": name,
            "legendgroup": name,
            "marker_color": colours[str(part["to"].iloc[0])],
        }
        fig.add_trace(
            go.Bar(
                y=share,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": np.nan_to_num(part["changed_ci_high"].to_numpy(dtype=float) - share),
                    "arrayminus": np.nan_to_num(
                        share - part["changed_ci_low"].to_numpy(dtype=float)
                    ),
                },
                text=[f"n={n:,}" for n in part["rows"]],
                textposition="inside",
                hovertemplate="%{x} " + name + ": %{y:.1%} change<extra></extra>",
                **common,
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Bar(
                y=mean,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": np.nan_to_num(
                        part["score_change_ci_high"].to_numpy(dtype=float) - mean
                    ),
                    "arrayminus": np.nan_to_num(
                        mean - part["score_change_ci_low"].to_numpy(dtype=float)
                    ),
                },
                showlegend=False,
                hovertemplate="%{x} " + name + ": %{y:+.3f}<extra></extra>",
                **common,
            ),
            row=1,
            col=2,
        )
    fig.update_yaxes(title_text="share changed", tickformat=".0%", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="score change", row=1, col=2)
    fig.update_xaxes(title_text=f"{result.attribute} (original group)", type="category")
    fig.update_layout(barmode="group", height=380, margin=_MARGIN)
    return fig


def describe_flip_test(result: FlipTestResult) -> str:
    """One sentence: how many decisions change overall and for which group the most."""
    what = result.attribute + (f" (with {', '.join(result.proxies)})" if result.proxies else "")
    if result.n_probes == 0:
        return f"No row could be moved to another group of {result.attribute}."
    if result.n_changed == 0:
        unused = (
            f" The model does not read {result.attribute} itself."
            if not result.used_by_model and not result.proxies
            else ""
        )
        return (
            f"Changing {what} changes no decision in {result.n_probes:,} tries: the model "
            f"gives the same decisions whatever the {result.attribute}.{unused}"
        )
    worst = result.by_group.sort_values("changed_share", ascending=False).iloc[0]
    return (
        f"Changing {what} changes {result.n_changed:,} of {result.n_probes:,} decisions "
        f"({result.changed_share:.1%}). The most: {worst['group']} moved to {worst['to']}, "
        f"{worst['changed_share']:.1%} of {int(worst['rows']):,} rows (95% interval "
        f"{worst['changed_ci_low']:.1%}–{worst['changed_ci_high']:.1%}), mean score change "
        f"{worst['mean_score_change']:+.3f}."
    )


# --------------------------------------------------------------------------------------
# Explanations
# --------------------------------------------------------------------------------------


def plot_local_explanation(explanation: Explanation, position: int = 0) -> go.Figure:
    """A waterfall from the base value to this row's output, one step per feature."""
    table = explanation.row(position)
    table = table.reindex(table["shap"].abs().sort_values(ascending=False).index)
    base = float(explanation.base_values[position])
    output = float(explanation.output[position])
    labels = [
        f"{f} = {format_value(v)}" for f, v in zip(table["feature"], table["value"], strict=True)
    ]
    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            y=["average (base)", *labels, "this row"],
            x=[base, *table["shap"].to_numpy(dtype=float), output],
            measure=["absolute", *["relative"] * len(table), "total"],
            increasing={"marker": {"color": GROUP_COLOURS[0]}},
            decreasing={"marker": {"color": GROUP_COLOURS[1]}},
            totals={"marker": {"color": "#999999"}},
            text=[f"{base:.3f}", *[f"{v:+.3f}" for v in table["shap"]], f"{output:.3f}"],
            textposition="auto",
            name="contribution",
            hovertemplate="%{y}: %{x:+.3f}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis_title=f"model output, {explanation.scale}",
        yaxis_autorange="reversed",
        yaxis_type="category",
        height=120 + 30 * len(table),
        showlegend=False,
        margin={**_MARGIN, "l": 220},
    )
    return fig


def describe_local_explanation(explanation: Explanation, position: int = 0) -> str:
    """One sentence: the features that pushed this row up and down the most."""
    table = explanation.row(position)
    up = table[table["shap"] > 0].sort_values("shap", ascending=False)
    down = table[table["shap"] < 0].sort_values("shap")
    parts = [
        f"On the scale of {_SCALE_WORDS[explanation.scale]}, this row's output is "
        f"{explanation.output[position]:.3f} against an average of "
        f"{explanation.base_values[position]:.3f}."
    ]
    if len(up):
        top = up.iloc[0]
        parts.append(
            f"Pushing it up most: {top['feature']} = {format_value(top['value'])} "
            f"({top['shap']:+.3f})."
        )
    if len(down):
        low = down.iloc[0]
        parts.append(
            f"Pushing it down most: {low['feature']} = {format_value(low['value'])} "
            f"({low['shap']:+.3f})."
        )
    return " ".join(parts)


def plot_global_importance(importance: GlobalImportance) -> go.Figure:
    """Side by side: mean |SHAP| per feature overall, and the same for each group."""
    table = importance.table
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        subplot_titles=("Overall", f"By {importance.attribute}"),
        horizontal_spacing=0.04,
    )
    fig.add_trace(
        go.Bar(
            y=table["feature"],
            x=table["overall"],
            orientation="h",
            name="overall",
            marker_color="#999999",
            showlegend=False,
            hovertemplate="%{y}: %{x:.3f}<extra>overall</extra>",
        ),
        row=1,
        col=1,
    )
    colours = group_colours(importance.rows["group"].tolist())
    for index, label in enumerate(importance.rows["group"]):
        if label not in table.columns:
            continue
        explained = int(importance.rows["explained"].iloc[index])
        fig.add_trace(
            go.Bar(
                y=table["feature"],
                x=table[label],
                orientation="h",
                name=f"{label} (n={explained:,})",
                marker_color=colours[str(label)],
                hovertemplate="%{y}: %{x:.3f}<extra>" + str(label) + "</extra>",
            ),
            row=1,
            col=2,
        )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title_text=f"mean |SHAP|, {importance.scale}")
    fig.update_layout(
        barmode="group",
        height=160 + 28 * len(table) * max(1, len(importance.rows) // 2),
        margin={**_MARGIN, "l": 160},
    )
    return fig


def describe_global_importance(importance: GlobalImportance) -> str:
    """One sentence: the most important feature overall, and where groups differ most."""
    table = importance.table
    if table.empty:
        return "No features to compare."
    top = table.iloc[0]
    groups = [g for g in importance.rows["group"] if g in table.columns]
    sentence = (
        f"Overall the model leans most on {top['feature']} (mean |SHAP| {top['overall']:.3f}"
        f" on the {importance.scale} scale)."
    )
    if len(groups) >= 2:
        spread = table[groups].max(axis=1) - table[groups].min(axis=1)
        at = int(np.nanargmax(spread.to_numpy(dtype=float))) if spread.notna().any() else 0
        row = table.iloc[at]
        high = max(groups, key=lambda g: -math.inf if math.isnan(row[g]) else row[g])
        low = min(groups, key=lambda g: math.inf if math.isnan(row[g]) else row[g])
        sentence += (
            f" Groups differ most on {row['feature']}: it matters most for {high} "
            f"({row[high]:.3f}) and least for {low} ({row[low]:.3f})."
        )
    return sentence


def plot_ice(curve: IceCurve) -> go.Figure:
    """This row's score across the feature's values, the average over rows, the threshold."""
    table = curve.table
    fig = go.Figure()
    mode = "lines+markers" if curve.kind == "number" else "markers"
    x = table["value"] if curve.kind == "number" else [str(v) for v in table["value"]]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=table["score"],
            mode=mode,
            name="this row",
            line={"color": GROUP_COLOURS[0]},
            marker={"color": GROUP_COLOURS[0], "size": 8},
            hovertemplate="%{x}: score %{y:.3f}<extra>this row</extra>",
        )
    )
    if "average_score" in table.columns:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=table["average_score"],
                mode=mode,
                name="average over rows",
                line={"color": GROUP_COLOURS[1], "dash": "dot"},
                marker={"color": GROUP_COLOURS[1], "symbol": "diamond", "size": 8},
                hovertemplate="%{x}: average %{y:.3f}<extra>average</extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[curve.original_value if curve.kind == "number" else str(curve.original_value)],
            y=[curve.original_score],
            mode="markers",
            name="now",
            marker={"color": "#000000", "size": 13, "symbol": "x"},
            hovertemplate="now: %{x}, score %{y:.3f}<extra></extra>",
        )
    )
    _threshold(fig, curve.threshold)
    fig.update_layout(
        xaxis_title=curve.feature,
        yaxis_title="score",
        yaxis_range=[0, 1],
        height=340,
        margin=_MARGIN,
    )
    if curve.kind == "category":
        fig.update_xaxes(type="category")
    return fig


def describe_ice(curve: IceCurve) -> str:
    """One sentence: the score range over the feature and where the decision flips."""
    table = curve.table
    low = table.iloc[int(np.argmin(table["score"].to_numpy()))]
    high = table.iloc[int(np.argmax(table["score"].to_numpy()))]
    sentence = (
        f"Varying only {curve.feature}, this row's score ranges from {low['score']:.3f} "
        f"({curve.feature} = {format_value(low['value'])}) to {high['score']:.3f} "
        f"({curve.feature} = {format_value(high['value'])}); it is {curve.original_score:.3f} now."
    )
    decisions = set(table["decision"].tolist())
    if len(decisions) == 2:
        sentence += " Somewhere in this range the decision changes."
    else:
        sentence += (
            f" The decision stays {decision_word(next(iter(decisions)))} over the whole range."
        )
    return sentence


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _threshold(fig: go.Figure, threshold: float) -> None:
    fig.add_hline(
        y=threshold,
        line_dash="dash",
        line_color="#666666",
        annotation_text=f"threshold {threshold:g}",
        annotation_position="top left",
    )


def format_value(value: object) -> str:
    """A cell value as short text: numbers with separators, blanks as "(missing)"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "(missing)"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):,.4g}"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    return str(value)
