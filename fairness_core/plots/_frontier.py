"""The fairness–accuracy frontier chart, readable on a projector.

Pure builder (frontiers in, ``plotly.graph_objects.Figure`` out) and its caption sentence.
The chart also draws *extra points* — a DataFrame with columns ``label``, ``kind``
(``"original"``, ``"mitigation"`` or ``"strategy"``), ``accuracy``, ``disparity`` and
optionally ``balanced_accuracy``, ``expected_cost`` and ``degenerate`` — so results
computed elsewhere (mitigation methods) sit on the same chart as the post-processing
frontier.

Two things keep it legible at 1280×720:

- **Labels that do not overlap.** Only the points a reader looks for carry a label — the
  chosen point, today's model, the fairest and the most accurate frontier points, the
  strategies and the retrained models — placed by :func:`~._labels.place_labels` so no
  two labels overlap at any chart width between :data:`FRONTIER_WIDTHS`. A label that finds
  no room is left out; every point keeps its hover text.
- **An axis range degenerate points cannot flatten.** A point that hardly uses the scores
  (everyone approved, a coin toss: see ``fairness_core.tradeoffs.is_degenerate``) can sit
  far below the others and squeeze them into a line. The axes are set from the other
  points (and the chosen one); degenerate points outside that range are drawn at the
  chart's edge with an arrow marker, their true numbers in the hover, and the caption
  says how many there are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from fairness_core.metrics import METRICS
from fairness_core.plots._base import GROUP_COLOURS
from fairness_core.plots._labels import Canvas, place_labels, wrap_label
from fairness_core.tradeoffs import CRITERIA, DISPARITIES, Frontier, is_degenerate

__all__ = [
    "DEGENERATE_TRACE",
    "EXTRA_POINT_KINDS",
    "FRONTIER_HEIGHT",
    "FRONTIER_LAYOUT",
    "FRONTIER_MARGIN",
    "FRONTIER_WIDTHS",
    "OFF_SCALE_TRACE",
    "describe_frontier",
    "frontier_range",
    "plot_frontier",
]

#: Kinds of extra points on the frontier chart, with their legend names and marker symbols.
EXTRA_POINT_KINDS: dict[str, tuple[str, str]] = {
    "original": ("Today's model", "circle-open"),
    "strategy": ("Strategy", "diamond"),
    "mitigation": ("Mitigation (retrained model)", "square"),
}
#: Legend entry of the cross drawn over degenerate points.
DEGENERATE_TRACE = "Degenerate (hardly uses the scores)"
#: Legend entry of degenerate points beyond the axes, drawn at the edge.
OFF_SCALE_TRACE = "Degenerate, off the scale (at the edge)"
#: Widths in pixels the chart is drawn at: a half-width column at 1280×720 up to the full
#: width of a wide screen. Labels are placed so they hold across the whole range.
FRONTIER_WIDTHS = (600.0, 1400.0)
#: Height, margins (the legend sits under the plot, so the plot's width is known) and font.
FRONTIER_HEIGHT = 540
#: Left, top, right, bottom margins in pixels (the bottom one holds the legend: two
#: columns, so at most four rows at every width and the plot's height does not change).
FRONTIER_MARGIN = (70, 50, 20, 170)
FRONTIER_LAYOUT = {
    "height": FRONTIER_HEIGHT,
    "margin": dict(zip("ltrb", FRONTIER_MARGIN, strict=True)),
    "hovermode": "closest",
    "font": {"size": 13},
    "legend": {
        "orientation": "h",
        "entrywidth": 0.5,
        "entrywidthmode": "fraction",
        "x": 0,
        "xanchor": "left",
        "y": -0.2,
        "yanchor": "top",
    },
}
LABEL_FONT = 12
_MEASURE = {"accuracy": "accuracy", "balanced_accuracy": "balanced accuracy"}


def _degenerate_mask(table: pd.DataFrame) -> pd.Series:
    """The rows flagged degenerate, and rows without the flag whose balanced accuracy is
    a coin toss's (mitigation results carry no flag)."""
    flagged = (
        table["degenerate"].eq(True)
        if "degenerate" in table
        else pd.Series(False, index=table.index)
    )
    if "balanced_accuracy" in table:
        unflagged = (
            table["degenerate"].isna()
            if "degenerate" in table
            else pd.Series(True, index=table.index)
        )
        coin = table["balanced_accuracy"].map(
            lambda b: is_degenerate(np.empty(0), float(b)) if pd.notna(b) else False
        )
        flagged = flagged | (unflagged & coin.astype(bool))
    return flagged.astype(bool)


def _all_points(frontiers: Sequence[Frontier], extra_points: pd.DataFrame | None) -> pd.DataFrame:
    parts = [f.points for f in frontiers]
    if extra_points is not None and len(extra_points):
        parts.append(extra_points)
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _degenerate_rows(
    frontiers: Sequence[Frontier], extra_points: pd.DataFrame | None
) -> pd.DataFrame:
    points = _all_points(frontiers, extra_points)
    return points[_degenerate_mask(points)] if len(points) else points


def frontier_range(
    frontiers: Sequence[Frontier],
    *,
    y: str = "accuracy",
    extra_points: pd.DataFrame | None = None,
    chosen: Mapping[str, object] | None = None,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The chart's (x range, y range), from the points that are not degenerate.

    Disparity starts at 0; the measure gets a margin of a tenth of its spread below and
    a fifth above (room for labels). Degenerate points are left out unless nothing else
    is left; the chosen point is always in.
    """
    points = _all_points(frontiers, extra_points)
    if y in points:
        kept = points[~_degenerate_mask(points)] if len(points) else points
        if not len(kept):
            kept = points
        xs = kept["disparity"].to_numpy(dtype=float).tolist()
        ys = kept[y].to_numpy(dtype=float).tolist()
    else:
        xs, ys = [], []
    if chosen is not None and y in chosen:
        xs.append(float(chosen["disparity"]))  # type: ignore[arg-type]
        ys.append(float(chosen[y]))  # type: ignore[arg-type]
    x = np.asarray([v for v in xs if np.isfinite(v)])
    v = np.asarray([v for v in ys if np.isfinite(v)])
    x_high = float(x.max()) if len(x) else 0.1
    x_high = max(x_high * 1.12, 0.02)
    if not len(v):
        return (0.0, x_high), (0.0, 1.0)
    low, high = float(v.min()), float(v.max())
    spread = max(high - low, 0.02)
    y_low, y_high = low - spread * 0.12, high + spread * 0.25
    if y != "expected_cost":
        y_high = min(y_high, 1.0 + spread * 0.25)
    y_low = max(y_low, 0.0)
    return (0.0, x_high), (y_low, y_high)


def plot_frontier(
    frontiers: Sequence[Frontier],
    *,
    y: str = "accuracy",
    extra_points: pd.DataFrame | None = None,
    chosen: Mapping[str, object] | None = None,
) -> go.Figure:
    """The frontier chart: disparity across, accuracy (or expected cost) up.

    ``frontiers`` share one criterion (e.g. with and without randomization). ``extra_points``
    adds labelled points (see the module docstring); ``chosen`` (``label``, ``disparity``
    and the ``y`` value) is drawn as a black star.
    """
    if y not in ("accuracy", "expected_cost", "balanced_accuracy"):
        raise ValueError(f"y must be accuracy, balanced_accuracy or expected_cost, not {y!r}")
    y_title = "Expected cost per decision" if y == "expected_cost" else METRICS[y].title
    criterion = frontiers[0].criterion if frontiers else "demographic_parity"
    x_title = DISPARITIES[CRITERIA[criterion].disparity]
    x_range, y_range = frontier_range(frontiers, y=y, extra_points=extra_points, chosen=chosen)
    fig = go.Figure()
    for i, frontier in enumerate(frontiers):
        points = frontier.points
        name = "Group thresholds" + (" (randomized)" if frontier.randomized else "")
        fig.add_trace(
            go.Scatter(
                x=points["disparity"],
                y=points[y],
                mode="lines+markers",
                name=name,
                line={"color": GROUP_COLOURS[i % 2], "shape": "hv"},
                customdata=np.column_stack(
                    [points["label"], points["accuracy"], points["balanced_accuracy"]]
                ),
                hovertemplate=(
                    "%{customdata[0]}<br>disparity %{x:.3f}<br>accuracy %{customdata[1]:.3f}"
                    "<br>balanced accuracy %{customdata[2]:.3f}<extra></extra>"
                ),
            )
        )
    if extra_points is not None and len(extra_points) and y in extra_points.columns:
        for kind, (legend, symbol) in EXTRA_POINT_KINDS.items():
            part = extra_points[extra_points["kind"] == kind]
            if not len(part):
                continue
            balanced = part.get("balanced_accuracy", pd.Series(np.nan, index=part.index))
            fig.add_trace(
                go.Scatter(
                    x=part["disparity"],
                    y=part[y],
                    mode="markers",
                    name=legend,
                    text=[str(v) for v in part["label"]],
                    marker={"size": 12, "symbol": symbol, "color": "#555555"},
                    customdata=np.column_stack(
                        [part["label"].astype(str), part["accuracy"], balanced]
                    ),
                    hovertemplate=(
                        "%{customdata[0]}<br>disparity %{x:.3f}<br>accuracy "
                        "%{customdata[1]:.3f}<br>balanced accuracy %{customdata[2]:.3f}"
                        "<extra></extra>"
                    ),
                )
            )
    _degenerate_marks(fig, frontiers, extra_points, y, x_range, y_range)
    if chosen is not None:
        fig.add_trace(
            go.Scatter(
                x=[chosen["disparity"]],
                y=[chosen[y]],
                mode="markers",
                name="Chosen operating point",
                marker={"size": 18, "symbol": "star", "color": "#000000"},
                hovertemplate=f"{chosen.get('label', 'chosen')}<br>disparity %{{x:.3f}}"
                f"<br>{y_title.lower()} %{{y:.3f}}<extra></extra>",
            )
        )
    _add_labels(fig, frontiers, extra_points, chosen, y, x_range, y_range)
    fig.update_xaxes(title_text=f"{x_title} (lower is fairer)", range=list(x_range))
    fig.update_yaxes(
        title_text=y_title + (" (lower is better)" if y == "expected_cost" else ""),
        range=list(y_range),
    )
    fig.update_layout(title="What it costs to treat groups more equally", **FRONTIER_LAYOUT)
    return fig


def _canvas(x_range: tuple[float, float], y_range: tuple[float, float]) -> Canvas:
    return Canvas(
        widths=FRONTIER_WIDTHS,
        height=FRONTIER_HEIGHT,
        margin=FRONTIER_MARGIN,
        x_range=x_range,
        y_range=y_range,
    )


def _label_candidates(
    frontiers: Sequence[Frontier],
    extra_points: pd.DataFrame | None,
    chosen: Mapping[str, object] | None,
    y: str,
) -> list[tuple[float, float, str]]:
    """(x, y, text) of the points worth a label, most important first: the chosen point,
    today's model, the frontier's fairest and most accurate points, strategies, mitigations."""
    first: list[tuple[float, float, str]] = []
    ends: list[tuple[float, float, str]] = []
    rest: list[tuple[float, float, str]] = []
    if chosen is not None and y in chosen:
        name = str(chosen.get("label") or "chosen")
        text = "Chosen" if name.lower() == "chosen" else f"Chosen: {name}"
        first.append((float(chosen["disparity"]), float(chosen[y]), text))  # type: ignore[arg-type]
    if extra_points is not None and y in extra_points:
        usable = extra_points[~_degenerate_mask(extra_points)]
        for kind in ("original", "strategy", "mitigation"):
            for _, row in usable[usable["kind"] == kind].iterrows():
                point = (float(row["disparity"]), float(row[y]), str(row["label"]))
                (first if kind == "original" else rest).append(point)
    if frontiers and len(frontiers[-1].points):
        points = frontiers[-1].points
        usable = points[~_degenerate_mask(points)]
        if len(usable):
            cost = y == "expected_cost"
            by_fairness = usable.sort_values(["disparity", y], ascending=[True, cost])
            by_measure = usable.sort_values([y, "disparity"], ascending=[cost, True])
            for end, text in (
                (by_fairness.iloc[0], "Fairest frontier point"),
                (by_measure.iloc[0], "Lowest cost" if cost else "Most accurate"),
            ):
                ends.append((float(end["disparity"]), float(end[y]), text))
    out = first + ends + rest
    finite = [(x, v, t) for x, v, t in out if np.isfinite(x) and np.isfinite(v)]
    seen: set[tuple[float, float]] = set()
    unique = []
    for x, v, t in finite:  # one label per position, naming every point there
        key = (round(x, 9), round(v, 9))
        if key not in seen:
            seen.add(key)
            unique.append((x, v, t))
        else:
            at = next(
                i for i, (ux, uv, _) in enumerate(unique) if (round(ux, 9), round(uv, 9)) == key
            )
            ux, uv, ut = unique[at]
            unique[at] = (ux, uv, f"{ut} = {t}")
    return unique


def _add_labels(
    fig: go.Figure,
    frontiers: Sequence[Frontier],
    extra_points: pd.DataFrame | None,
    chosen: Mapping[str, object] | None,
    y: str,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> None:
    candidates = _label_candidates(frontiers, extra_points, chosen, y)
    if not candidates:
        return
    texts = [wrap_label(t) for _, _, t in candidates]
    points = [(x, v) for x, v, _ in candidates]
    others = _all_points(frontiers, extra_points)
    obstacles = (
        list(zip(others["disparity"].astype(float), others[y].astype(float), strict=True))
        if len(others) and y in others
        else []
    )
    inside = [
        (x, v)
        for x, v in obstacles
        if x_range[0] <= x <= x_range[1] and y_range[0] <= v <= y_range[1]
    ]
    offsets = place_labels(
        points, texts, _canvas(x_range, y_range), font_size=LABEL_FONT, obstacles=inside
    )
    for (x, v), text, offset in zip(points, texts, offsets, strict=True):
        if offset is None:
            continue
        fig.add_annotation(
            x=x,
            y=v,
            text=text,
            ax=offset[0],
            ay=offset[1],
            showarrow=True,
            arrowhead=0,
            arrowwidth=1,
            arrowcolor="#555555",
            standoff=7,
            font={"size": LABEL_FONT, "color": "#000000"},
            bgcolor="rgba(255,255,255,0.85)",
            borderpad=2,
        )


def _degenerate_marks(
    fig: go.Figure,
    frontiers: Sequence[Frontier],
    extra_points: pd.DataFrame | None,
    y: str,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> None:
    rows = _degenerate_rows(frontiers, extra_points)
    if not len(rows) or y not in rows:
        return
    xs, ys = rows["disparity"].to_numpy(dtype=float), rows[y].to_numpy(dtype=float)
    off = (xs > x_range[1]) | (ys < y_range[0]) | (ys > y_range[1])
    labels = [str(v) for v in rows["label"]]
    if (~off).any():
        fig.add_trace(
            go.Scatter(
                x=xs[~off],
                y=ys[~off],
                mode="markers",
                name=DEGENERATE_TRACE,
                marker={
                    "size": 16,
                    "symbol": "x-thin-open",
                    "line": {"width": 3},
                    "color": "#D55E00",
                },
                text=[t for t, o in zip(labels, off, strict=True) if not o],
                hovertemplate="%{text}<br>degenerate: hardly uses the scores<extra></extra>",
            )
        )
    if off.any():
        x_in = (x_range[1] - x_range[0]) * 0.015
        y_in = (y_range[1] - y_range[0]) * 0.03
        edge_x = np.clip(xs[off], x_range[0] + x_in, x_range[1] - x_in)
        edge_y = np.clip(ys[off], y_range[0] + y_in, y_range[1] - y_in)
        symbols = [
            "triangle-down"
            if v < y_range[0]
            else "triangle-up"
            if v > y_range[1]
            else "triangle-right"
            for v in ys[off]
        ]
        shown = "%" if y != "expected_cost" else ""
        values = [f"{v:.1%}" if shown else f"{v:.3f}" for v in ys[off]]
        measure = _MEASURE.get(y, "expected cost")
        fig.add_trace(
            go.Scatter(
                x=edge_x,
                y=edge_y,
                mode="markers",
                name=OFF_SCALE_TRACE,
                marker={"size": 14, "symbol": symbols, "color": "#D55E00"},
                cliponaxis=False,
                text=[t for t, o in zip(labels, off, strict=True) if o],
                customdata=np.column_stack([xs[off], values]),
                hovertemplate=(
                    "%{text}<br>off the scale: disparity %{customdata[0]:.3f}, "
                    + measure
                    + " %{customdata[1]}<br>degenerate: hardly uses the scores<extra></extra>"
                ),
            )
        )


def describe_frontier(
    frontiers: Sequence[Frontier],
    *,
    y: str = "accuracy",
    extra_points: pd.DataFrame | None = None,
    chosen: Mapping[str, object] | None = None,
) -> str:
    """One sentence: the frontier's two ends, extra points, degenerate and off-scale points."""
    if not frontiers or not len(frontiers[0].points):
        return "No frontier could be computed for these groups."
    frontier = frontiers[-1]
    points = frontier.points
    spec = CRITERIA[frontier.criterion]
    measure = _MEASURE.get(y, "expected cost")
    first, last = points.iloc[0], points.iloc[-1]
    fmt = "{:.3f}" if y == "expected_cost" else "{:.1%}"
    text = (
        f"Each point is a set of group thresholds that no other set beats on both "
        f"{measure} and {DISPARITIES[spec.disparity].lower()}. Going from the fairest point "
        f"(disparity {first['disparity']:.3f}, {measure} {fmt.format(first[y])}) to the most "
        f"accurate one (disparity {last['disparity']:.3f}, {measure} {fmt.format(last[y])})"
        " shows what treating groups more equally costs."
    )
    if frontier.randomized:
        text += " Randomized points decide some people near the thresholds at random."
    if extra_points is not None and len(extra_points):
        text += f" {len(extra_points)} other points (today's model, strategies, mitigations)"
        text += " are drawn for comparison."
    rows = _degenerate_rows(frontiers, extra_points)
    marked = len(rows)
    if marked:
        text += (
            f" {marked} of the points {'is' if marked == 1 else 'are'} degenerate (more than "
            "95% of some group approved or refused, or balanced accuracy within 0.02 of 0.5) "
            "and crossed out: they hardly use the scores."
        )
        x_range, y_range = frontier_range(frontiers, y=y, extra_points=extra_points, chosen=chosen)
        if y in rows:
            values = rows[y].to_numpy(dtype=float)
            off = int(
                (
                    (rows["disparity"].to_numpy(dtype=float) > x_range[1])
                    | (values < y_range[0])
                    | (values > y_range[1])
                ).sum()
            )
            if off:
                text += (
                    f" {off} of them {'lies' if off == 1 else 'lie'} off the scale and "
                    f"{'is' if off == 1 else 'are'} drawn as a triangle at the chart's edge, so "
                    "they do not squeeze the others; hover for the true numbers."
                )
    return text
