"""Charts a room can read: frontier labels that do not overlap, an axis range degenerate
points cannot flatten, one colour per group on every chart, many groups sorted and coloured
by what they mean."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from fairness_core.data import GroupColumn
from fairness_core.metrics import compute_group_counts, compute_subgroup_report, metric_table
from fairness_core.plots import (
    GROUP_COLOURS,
    MANY_GROUPS,
    VERDICT_COLOURS,
    describe_frontier,
    group_colours,
    plot_frontier,
    plot_group_overview,
    plot_metric_by_group,
    plot_roc_curves,
)
from fairness_core.tradeoffs import find_frontier, sweep_thresholds

#: Chart widths to check: half a 1280×720 screen up to a wide one.
WIDTHS = (600, 820, 1100, 1400)
#: Our own (independent) text estimate: Open Sans is about 0.55 em a character on average.
EM = 0.58


def _sweep(n_groups: int, seed: int, n: int = 6000):
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, n_groups, n).astype(np.int32)
    y = (rng.random(n) < 0.35 + 0.3 * (codes % 3) / 2).astype(np.int8)
    s = np.clip(rng.beta(2, 3, n) + 0.35 * y + 0.04 * (codes % 4), 0, 1).round(3)
    names = tuple(f"group {i:02d}" for i in range(n_groups))
    column = GroupColumn("zip code", names, codes)
    return column, y, s, sweep_thresholds([column], y, s)


def _label_boxes(fig: go.Figure, width: float) -> list[tuple[float, float, float, float, str]]:
    """Every annotation's box in pixels at ``width``: (left, top, right, bottom, text)."""
    layout = fig.layout
    margin = layout.margin
    x0, x1 = layout.xaxis.range
    y0, y1 = layout.yaxis.range
    plot_w = width - margin.l - margin.r
    plot_h = layout.height - margin.t - margin.b
    boxes = []
    for note in layout.annotations:
        px = margin.l + (note.x - x0) / (x1 - x0) * plot_w
        py = margin.t + (y1 - note.y) / (y1 - y0) * plot_h
        cx, cy = px + note.ax, py + note.ay
        lines = note.text.split("<br>")
        size = note.font.size
        w = max(map(len, lines)) * EM * size + 2 * note.borderpad
        h = len(lines) * 1.25 * size + 2 * note.borderpad
        boxes.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, note.text))
    return boxes


def _overlap(a: tuple, b: tuple) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def _crowded_extra() -> pd.DataFrame:
    """Nine points within 0.01 of disparity and 0.004 of accuracy of each other."""
    rng = np.random.default_rng(3)
    labels = [
        "Today",
        "One threshold for everyone",
        "Demographic parity (exact, randomized)",
        "Best threshold per group",
        "Reweighing",
        "Exponentiated gradient",
        "Threshold optimizer",
        "Grid search",
        "Correlation remover",
    ]
    kinds = ["original"] + ["strategy"] * 3 + ["mitigation"] * 5
    return pd.DataFrame(
        {
            "label": labels,
            "kind": kinds,
            "disparity": 0.05 + rng.uniform(-0.005, 0.005, 9),
            "accuracy": 0.78 + rng.uniform(-0.002, 0.002, 9),
            "balanced_accuracy": 0.74,
            "degenerate": False,
        }
    )


def test_frontier_labels_do_not_overlap_on_a_crowded_chart() -> None:
    """Nine points in a huddle plus the chosen one: the labels drawn never overlap at any
    width from 600 to 1400 pixels, stay inside the chart, and the chosen point and today's
    model are among them."""
    _, _, _, sweep = _sweep(3, seed=1)
    frontiers = [find_frontier(sweep, "demographic_parity", steps=20)]
    extra = _crowded_extra()
    chosen = {"label": "Proposal for the board", "disparity": 0.052, "accuracy": 0.781}
    fig = plot_frontier(frontiers, extra_points=extra, chosen=chosen)
    texts = [note.text for note in fig.layout.annotations]
    assert "Chosen: Proposal for the board" in [t.replace("<br>", " ") for t in texts]
    assert "Today" in texts
    assert len(texts) >= 5  # a crowd still gets several labels, not none
    for width in WIDTHS:
        boxes = _label_boxes(fig, width)
        for a, b in itertools.combinations(boxes, 2):
            assert not _overlap(a, b), (width, a[4], b[4])
        for left, top, right, bottom, text in boxes:
            assert left >= 0, (width, text)
            assert right <= width, (width, text)
            assert top >= 0, (width, text)
            assert bottom <= fig.layout.height, (width, text)
    # every point, labelled or not, keeps its name in the hover
    hovered = {str(v) for t in fig.data if t.customdata is not None for v in t.customdata[:, 0]}
    assert set(extra["label"]) <= hovered


def test_a_degenerate_point_does_not_flatten_the_axis() -> None:
    """A coin-toss point at 50% accuracy is left out of the range and drawn at its edge,
    with its true numbers in the hover; the caption says so."""
    _, _, _, sweep = _sweep(3, seed=2)
    frontier = find_frontier(sweep, "demographic_parity", steps=20)
    usable = frontier.points[~frontier.points["degenerate"]]
    extra = pd.DataFrame(
        {
            "label": ["Today", "A retrained model that approves everyone"],
            "kind": ["original", "mitigation"],
            "disparity": [0.1, 0.02],
            "accuracy": [float(usable["accuracy"].min()), 0.5],
            "balanced_accuracy": [0.7, 0.5],  # the second carries no flag: a coin toss
        }
    )
    fig = plot_frontier([frontier], extra_points=extra)
    low, high = fig.layout.yaxis.range
    assert low > 0.5 + 0.5 * (usable["accuracy"].min() - 0.5)  # far from the 50% point
    assert low <= usable["accuracy"].min()
    assert high >= usable["accuracy"].max()
    edge = next(t for t in fig.data if t.name.startswith("Degenerate, off the scale"))
    assert "A retrained model that approves everyone" in list(edge.text)
    at = list(edge.text).index("A retrained model that approves everyone")
    assert low <= edge.y[at] <= high  # drawn inside, at the edge
    assert edge.customdata[at][1] == "50.0%"  # with the true number in the hover
    sentence = describe_frontier([frontier], extra_points=extra)
    assert "off the scale" in sentence
    # the range is the one the chart has without the 50% point: it changes nothing
    plain = plot_frontier([frontier], extra_points=extra.iloc[:1])
    assert tuple(plain.layout.yaxis.range) == (low, high)


def test_a_group_has_the_same_colour_on_every_chart() -> None:
    """One group, three figures from three results (subgroup report, threshold sweep, data
    overview without one of the groups): the same colour each time."""
    column, y, s, sweep = _sweep(4, seed=4)
    counts = compute_group_counts([column], y, (s >= 0.5).astype(np.int8), y_score=s)
    report = compute_subgroup_report(counts, metrics=["selection_rate"], n_bootstrap=0)
    bars = plot_metric_by_group(report, "selection_rate")
    bar_colour = dict(zip(bars.data[0].x, bars.data[0].marker.color, strict=True))
    roc = plot_roc_curves(sweep)
    line_colour = {t.name: t.line.color for t in roc.data if t.name in sweep.names}
    assert bar_colour == line_colour
    assert len(set(bar_colour.values())) == 4
    overview = pd.DataFrame(
        {"group": [*column.labels, "(missing)"], "rows": [9, 8, 7, 6, 5], "base_rate": 0.5}
    )
    panel = plot_group_overview(overview, "zip code").data[0]
    overview_colour = dict(zip(panel.x, panel.marker.color, strict=True))
    assert {g: overview_colour[g] for g in column.labels} == bar_colour
    assert overview_colour["(missing)"] == "#999999"
    assert group_colours(["b", "(missing)", "a"]) == {
        "b": GROUP_COLOURS[0],
        "(missing)": "#999999",
        "a": GROUP_COLOURS[1],
    }


def test_24_zip_codes_are_sorted_and_coloured_by_verdict() -> None:
    """With 24 groups the bars are sorted by value, highest first, and two bars share a
    colour exactly when they share a verdict (no repeating group palette)."""
    column, y, s, _ = _sweep(24, seed=5, n=24_000)
    decisions = (s >= 0.55).astype(np.int8)
    counts = compute_group_counts([column], y, decisions)
    report = compute_subgroup_report(counts, metrics=["selection_rate"], n_bootstrap=0)
    fig = plot_metric_by_group(report, "selection_rate")
    order = list(fig.layout.xaxis.categoryarray)
    bars = fig.data[0]
    assert list(bars.x) == order  # one trace, drawn in the axis order
    value = dict(zip(bars.x, bars.y, strict=True))
    colour = dict(zip(bars.x, bars.marker.color, strict=True))
    assert sorted(order) == sorted(column.labels)
    ordered = [value[g] for g in order]
    assert ordered == sorted(ordered, reverse=True)
    table = metric_table(report, "selection_rate").set_index("group")
    verdicts = table["difference_verdict"].fillna("cannot be computed")
    assert len(set(verdicts)) >= 2  # the data give more than one verdict
    for a, b in itertools.combinations(column.labels, 2):
        assert (colour[a] == colour[b]) == (verdicts[a] == verdicts[b]), (a, b)
    assert all(colour[g] == VERDICT_COLOURS[verdicts[g]] for g in column.labels)
    legend = {t.name: t.marker.color for t in fig.data[1:]}
    assert legend == {w: VERDICT_COLOURS[w] for w in set(verdicts)}  # the legend: verdicts


@pytest.mark.parametrize("n_groups", [MANY_GROUPS + 1, 24])
def test_many_groups_overview_is_sorted_and_coloured_by_value(n_groups: int) -> None:
    """Past eight groups the overview's bars are sorted by base rate and coloured by it on a
    sequential scale; below, each group keeps its own colour."""
    rng = np.random.default_rng(n_groups)
    overview = pd.DataFrame(
        {
            "group": [f"{90000 + i}" for i in range(n_groups)],
            "rows": rng.integers(40, 400, n_groups),
            "base_rate": rng.uniform(0.2, 0.9, n_groups).round(3),
        }
    )
    bars = plot_group_overview(overview, "zip code").data[1]
    assert list(bars.y) == sorted(overview["base_rate"], reverse=True)
    assert list(bars.marker.color) == list(bars.y)  # colour is the value
    assert bars.marker.colorscale is not None
    few = plot_group_overview(overview.iloc[:MANY_GROUPS], "zip code").data[1]
    assert list(few.marker.color) == list(GROUP_COLOURS[:MANY_GROUPS])


def test_roc_lines_of_24_groups_all_look_different() -> None:
    """Past eight groups the colours repeat, so the line style changes with them: no two of
    24 lines have the same colour and style."""
    *_, sweep = _sweep(24, seed=6, n=12_000)
    lines = [t for t in plot_roc_curves(sweep).data if t.name in sweep.names]
    assert len(lines) == 24
    assert len({(t.line.color, t.line.dash) for t in lines}) == 24
