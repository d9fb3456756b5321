"""A finding's chart as a static PNG for the PDF report, drawn with matplotlib.

A finding stores its chart as plotly JSON (:attr:`~fairness_core.report.Finding.figure`).
Plotly's own image export (kaleido) drives a Chrome browser, which a reviewer's laptop or
a server may not have, so the PDF does not use it: :func:`render_figure_png` reads the
figure's data traces and draws a plain static version with matplotlib (Agg, no display,
no browser, about 0.1 s a chart) — bars (grouped or stacked, horizontal or vertical, with
their error bars), lines and markers, heat maps and waterfalls, the reference lines of
``add_hline`` / ``add_vline``, one panel per subplot, the titles of the figure and its
axes. Hover texts, annotations and colour scales' bars are left out; the HTML report keeps
the interactive chart.

Text uses matplotlib's DejaVu Sans, the font the PDF's text uses, so "25–34", "≥" and
"Zoë" print the same in the chart as under it.
"""

from __future__ import annotations

import base64
import io
import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["render_figure_png"]

#: Trace types drawn; a figure with none of them is not drawn (the PDF says so).
DRAWN_TRACES = frozenset({"bar", "scatter", "scattergl", "heatmap", "waterfall"})
_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
#: Resolution of the PNG: sharp when printed at 16 cm, small enough to draw fast.
DPI = 120
#: Width of one character of a 6.5 pt tick label, in inches (for the margins).
CHAR_INCHES = 0.052
_DASHES = {"dash": (0, (5, 3)), "dot": (0, (1, 2)), "dashdot": (0, (5, 2, 1, 2))}


def _array(value: object) -> list[Any]:
    """A plotly data array as a list: plain JSON lists, or plotly 6's typed arrays
    (``{"dtype": "f8", "bdata": <base64>, "shape": "2, 3"}``)."""
    if value is None:
        return []
    if isinstance(value, Mapping) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(str(value["bdata"])), dtype=str(value["dtype"]))
        shape = value.get("shape")
        if shape:
            data = data.reshape([int(part) for part in str(shape).split(",")])
        return list(data.tolist())
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _numbers(value: object) -> np.ndarray:
    out = []
    for item in _array(value):
        try:
            out.append(float(item))
        except (TypeError, ValueError):
            out.append(math.nan)
    return np.asarray(out, dtype=np.float64)


def _text(value: object) -> str:
    if isinstance(value, Mapping):
        value = value.get("text")
    return "" if value is None else str(value)


def _axis_key(trace: Mapping[str, Any], letter: str) -> str:
    """Layout key of a trace's axis: "x" → "xaxis", "x2" → "xaxis2"."""
    name = str(trace.get(f"{letter}axis") or letter)
    return f"{letter}axis{name[1:]}"


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        float(str(value))
    except ValueError:
        return False
    return True


def _positions(values: Sequence[Any], categories: dict[str, list[str]], key: str) -> np.ndarray:
    """Numeric positions of axis values; text values become category positions 0, 1, …"""
    if all(_is_number(v) for v in values if v is not None):
        return np.asarray([math.nan if v is None else float(v) for v in values])
    order = categories.setdefault(key, [])
    for v in values:
        if str(v) not in order:
            order.append(str(v))
    return np.asarray([order.index(str(v)) for v in values], dtype=np.float64)


def _colour(trace: Mapping[str, Any], index: int, count: int) -> Any:
    marker = trace.get("marker") or {}
    colour = marker.get("color")
    if isinstance(colour, str):
        return colour
    if (
        isinstance(colour, (list, tuple))
        and len(colour) == count
        and all(isinstance(c, str) for c in colour)
    ):
        return list(colour)
    line = trace.get("line") or {}
    if isinstance(line.get("color"), str):
        return line["color"]
    return _COLOURS[index % len(_COLOURS)]


def _errors(spec: object, values: np.ndarray) -> np.ndarray | None:
    """A trace's error bars as (below, above) distances, or None."""
    if not isinstance(spec, Mapping) or spec.get("visible") is False:
        return None
    above = _numbers(spec.get("array"))
    if len(above) != len(values):
        return None
    below = _numbers(spec.get("arrayminus")) if spec.get("symmetric") is False else above
    if len(below) != len(values):
        below = above
    return np.vstack([np.nan_to_num(below), np.nan_to_num(above)])


def _each_text(value: Any, clean: Callable[[str], str]) -> Any:
    """``value`` (parsed JSON) with ``clean`` applied to every string in it."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_each_text(v, clean) for v in value]
    if isinstance(value, dict):
        return {k: _each_text(v, clean) for k, v in value.items()}
    return value


def render_figure_png(
    figure_json: str, *, width_inches: float = 6.6, clean: Callable[[str], str] | None = None
) -> bytes | None:
    """The plotly figure ``figure_json`` drawn as a PNG (None when it has nothing to draw).

    ``clean`` rewrites every text first (the PDF passes the function that writes a
    character its font lacks as its code, so the chart never shows an empty box).
    """
    from matplotlib.figure import Figure  # imported here: only the PDF needs matplotlib

    document = json.loads(figure_json)
    if clean is not None:
        document = _each_text(document, clean)
    layout: dict[str, Any] = document.get("layout") or {}
    traces = [
        t
        for t in document.get("data") or []
        if t.get("type", "scatter") in DRAWN_TRACES and t.get("visible", True) is True
    ]
    if not traces:
        return None
    panels: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for trace in traces:
        panels.setdefault((_axis_key(trace, "x"), _axis_key(trace, "y")), []).append(trace)
    order = sorted(panels, key=lambda k: _domain_start(layout.get(k[0])))
    height = max(2.4, min(float(layout.get("height") or 380) / 100 * 0.75, 4.2))
    figure = Figure(figsize=(width_inches, height), dpi=DPI)
    axes = figure.subplots(1, len(order), squeeze=False)[0]
    left, below = 0.0, 0.0  # room the category labels need, in inches
    for index, (panel, ax) in enumerate(zip(order, axes, strict=True)):
        categories = _draw_panel(
            ax, panels[panel], layout, panel, barmode=str(layout.get("barmode", "group"))
        )
        _shapes(ax, layout, panel, first=index == 0)
        if index == 0 and categories.get("y"):
            left = max(len(c) for c in categories["y"]) * CHAR_INCHES
        if categories.get("x") and _rotated(categories["x"]):
            below = max(below, max(len(c) for c in categories["x"]) * CHAR_INCHES * 0.5)
    title = _text(layout.get("title"))
    if title:
        figure.suptitle(title, fontsize=9, x=0.01, ha="left")
    rows = _legend(figure, axes, traces, layout)
    # Margins from the labels' lengths (matplotlib's tight_layout would draw the chart twice).
    bottom = 0.5 + below + 0.17 * rows + (0.12 if rows else 0)
    figure.subplots_adjust(
        left=min(0.45, (0.55 + min(left, 2.0)) / width_inches),
        right=0.98,
        top=1 - (0.4 if title else 0.15) / height,
        bottom=min(0.6, bottom / height),
        wspace=0.35,
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _legend(figure: Any, axes: Sequence[Axes], traces: Sequence[Mapping[str, Any]],
            layout: Mapping[str, Any]) -> int:  # fmt: skip
    """A legend under the chart when several traces are named; the rows it takes."""
    named = [t for t in traces if t.get("name") and t.get("showlegend", True) is not False]
    if not (len(named) > 1 or (named and layout.get("showlegend") is True)):
        return 0
    handles, labels = [], []
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    if not handles:
        return 0
    columns = min(4, len(labels))
    figure.legend(handles, labels, loc="lower center", ncol=columns, fontsize=6.5,
                  frameon=False)  # fmt: skip
    return math.ceil(len(labels) / columns)


def _rotated(categories: Sequence[str]) -> bool:
    return len(categories) > 5 or max(len(c) for c in categories) > 10


def _domain_start(axis: object) -> float:
    if isinstance(axis, Mapping):
        domain = axis.get("domain")
        if isinstance(domain, (list, tuple)) and domain:
            return float(domain[0])
    return 0.0


def _draw_panel(
    ax: Axes,
    traces: Sequence[Mapping[str, Any]],
    layout: Mapping[str, Any],
    panel: tuple[str, str],
    *,
    barmode: str,
) -> dict[str, list[str]]:
    categories: dict[str, list[str]] = {}
    bars = [t for t in traces if t.get("type") == "bar"]
    stacked: dict[float, float] = {}
    for index, trace in enumerate(traces):
        kind = trace.get("type", "scatter")
        name = str(trace.get("name") or "") or None
        if kind == "heatmap":
            categories.update(_heatmap(ax, trace))
            continue
        horizontal = trace.get("orientation") == "h"
        x, y = _array(trace.get("x")), _array(trace.get("y"))
        cats, values = (y, x) if horizontal else (x, y)
        if not values:
            continue
        if not cats:
            cats = list(range(len(values)))
        where = _positions(cats, categories, "y" if horizontal else "x")
        numbers = _numbers(values)
        colour = _colour(trace, index, len(numbers))
        if kind in ("bar", "waterfall"):
            base = np.zeros_like(numbers)
            if kind == "waterfall":
                numbers, base = _waterfall(trace, numbers)
            width = 0.8
            if kind == "bar" and len(bars) > 1 and barmode == "group":
                width = 0.8 / len(bars)
                where = where - 0.4 + width * (bars.index(trace) + 0.5)
            elif kind == "bar" and barmode in ("stack", "relative"):
                base = np.asarray([stacked.get(float(w), 0.0) for w in where])
                for w, v in zip(where, numbers, strict=True):
                    stacked[float(w)] = stacked.get(float(w), 0.0) + (0.0 if math.isnan(v) else v)
            errors = _errors(trace.get("error_x" if horizontal else "error_y"), numbers)
            draw = ax.barh if horizontal else ax.bar
            kwargs: dict[str, Any] = {"color": colour, "label": name}
            kwargs["height" if horizontal else "width"] = width
            kwargs["left" if horizontal else "bottom"] = base
            if errors is not None:
                kwargs["xerr" if horizontal else "yerr"] = errors
                kwargs["error_kw"] = {"elinewidth": 0.8, "capsize": 2, "ecolor": "#333333"}
            draw(where, np.nan_to_num(numbers), **kwargs)
        else:
            mode = str(trace.get("mode") or ("lines+markers" if len(numbers) < 20 else "lines"))
            line = trace.get("line") or {}
            style = _DASHES.get(str(line.get("dash")), "-")
            plot_x, plot_y = (numbers, where) if horizontal else (where, numbers)
            single = colour if isinstance(colour, str) else _COLOURS[index % len(_COLOURS)]
            if "lines" in mode:
                marker = "o" if "markers" in mode else None
                ax.plot(plot_x, plot_y, color=single, linestyle=style, linewidth=1.3,
                        marker=marker, markersize=3, label=name)  # fmt: skip
            else:
                ax.scatter(plot_x, plot_y, color=colour, s=14, label=name, zorder=3)
            errors = _errors(trace.get("error_y"), numbers)
            if errors is not None and not horizontal:
                ax.errorbar(where, numbers, yerr=errors, fmt="none", ecolor=single,
                            elinewidth=0.8, capsize=2)  # fmt: skip
    for letter, key in (("x", panel[0]), ("y", panel[1])):
        _axis(ax, letter, layout.get(key) or {}, categories.get(letter))
    return categories


def _waterfall(trace: Mapping[str, Any], numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bar heights and bases of a waterfall: relative steps, absolute and total bars."""
    measures = [str(m) for m in _array(trace.get("measure"))] or ["relative"] * len(numbers)
    heights, bases, running = [], [], 0.0
    for value, measure in zip(np.nan_to_num(numbers), measures, strict=False):
        if measure == "total":
            heights.append(running)
            bases.append(0.0)
        elif measure == "absolute":
            running = float(value)
            heights.append(running)
            bases.append(0.0)
        else:
            heights.append(float(value))
            bases.append(running)
            running += float(value)
    return np.asarray(heights), np.asarray(bases)


def _heatmap(ax: Axes, trace: Mapping[str, Any]) -> dict[str, list[str]]:
    """A heat map with its value in each cell; its row and column labels."""
    z = np.asarray([[_as_float(v) for v in row] for row in _array(trace.get("z"))])
    if z.ndim != 2 or z.size == 0:
        return {}
    ax.imshow(z, aspect="auto", cmap="Blues", origin="lower")
    ax.grid(visible=False)
    xs = [str(v) for v in _array(trace.get("x"))]
    ys = [str(v) for v in _array(trace.get("y"))]
    labels = {}
    if len(xs) == z.shape[1]:
        labels["x"] = xs
    if len(ys) == z.shape[0]:
        labels["y"] = ys
    if z.size <= 80:
        for (row, col), value in np.ndenumerate(z):
            if math.isfinite(value):
                ax.text(col, row, f"{value:.2f}", ha="center", va="center", fontsize=6)
    return labels


def _as_float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _axis(ax: Axes, letter: str, spec: Mapping[str, Any], categories: list[str] | None) -> None:
    title = _text(spec.get("title"))
    setter = ax.set_xlabel if letter == "x" else ax.set_ylabel
    if title:
        setter(title, fontsize=7.5)
    if categories:
        labels = [c if len(c) <= 22 else c[:21] + "…" for c in categories]
        if letter == "x":
            rotate = _rotated(labels)
            ax.set_xticks(range(len(labels)), labels, rotation=30 if rotate else 0,
                          ha="right" if rotate else "center")  # fmt: skip
        else:
            ax.set_yticks(range(len(labels)), labels)
            if spec.get("autorange") == "reversed":
                ax.invert_yaxis()
    value_range = spec.get("range")
    if isinstance(value_range, (list, tuple)) and len(value_range) == 2 and not categories:
        low, high = (_as_float(v) for v in value_range)
        if math.isfinite(low) and math.isfinite(high):
            (ax.set_xlim if letter == "x" else ax.set_ylim)(low, high)
    if str(spec.get("tickformat", "")).endswith("%") and not categories:
        from matplotlib.ticker import PercentFormatter

        (ax.xaxis if letter == "x" else ax.yaxis).set_major_formatter(PercentFormatter(1.0))
    ax.tick_params(labelsize=6.5)
    if not ax.images:  # no grid over a heat map
        ax.grid(axis="y" if letter == "y" else "x", color="#DDDDDD", linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _shapes(ax: Axes, layout: Mapping[str, Any], panel: tuple[str, str], *, first: bool) -> None:
    """Reference lines (``add_hline`` / ``add_vline``) drawn on their panel."""
    xname, yname = "x" + panel[0][5:], "y" + panel[1][5:]
    for shape in layout.get("shapes") or []:
        if shape.get("type", "line") != "line":
            continue
        xref, yref = str(shape.get("xref", "x")), str(shape.get("yref", "y"))
        line = shape.get("line") or {}
        style: dict[str, Any] = {"color": line.get("color") or "#555555", "linewidth": 1.0,
                 "linestyle": _DASHES.get(str(line.get("dash")), "-")}  # fmt: skip
        x0, x1 = _as_float(shape.get("x0")), _as_float(shape.get("x1"))
        y0, y1 = _as_float(shape.get("y0")), _as_float(shape.get("y1"))
        across_x = xref == "paper" or xref.endswith("domain")
        across_y = yref == "paper" or yref.endswith("domain")
        if across_x and y0 == y1 and (yref.split()[0] == yname or (first and yref == "y")):
            ax.axhline(y0, **style)
        elif across_y and x0 == x1 and (xref.split()[0] == xname or (first and xref == "x")):
            ax.axvline(x0, **style)
        elif xref.split()[0] == xname and yref.split()[0] == yname:
            ax.plot([x0, x1], [y0, y1], **style)
