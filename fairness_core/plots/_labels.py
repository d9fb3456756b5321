"""Where to put text labels next to points so that no two labels overlap.

Plotly places a point's text at a fixed side of it, so labels of points close together
draw over each other; it has no collision avoidance of its own. A small greedy placement
is enough for the few labels a chart carries: labels are taken in order of importance,
each tries a list of positions around its point (above, right, left, below, diagonals,
then the same further out with a leader line), and takes the first whose box overlaps no
label placed before it, no point and no edge of the plot. A label that finds no room is
left out (its point keeps its hover text).

Sizes are estimated, not measured: a character is at most :data:`CHAR_WIDTH` times the font
size wide (Plotly's default font, Open Sans, averages about half that) and a line is
:data:`LINE_HEIGHT` times the font size tall. Positions are in pixels of a plot of known
height whose width varies with the screen: a placement is accepted only when it holds at
the narrowest and the widest width of :class:`Canvas` and the labels keep their left-right
order in between, so it holds at every width in the range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "CHAR_WIDTH",
    "LINE_HEIGHT",
    "Box",
    "Canvas",
    "place_labels",
    "text_size",
    "wrap_label",
]

#: Widest character of the chart font, as a share of the font size (generous on purpose).
CHAR_WIDTH = 0.62
#: Height of one line of text, as a share of the font size.
LINE_HEIGHT = 1.35
#: Space around a label's text inside its box (Plotly's ``borderpad`` plus the border).
TEXT_PAD = 3.0
#: Radius kept free around every point, in pixels.
POINT_RADIUS = 9.0


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels, y downwards."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box, *, gap: float = 0.0) -> bool:
        """True when the two boxes (each grown by ``gap`` / 2) share any area."""
        return not (
            self.right + gap <= other.left
            or other.right + gap <= self.left
            or self.bottom + gap <= other.top
            or other.bottom + gap <= self.top
        )

    def inside(self, other: Box) -> bool:
        """True when this box lies within ``other``."""
        return (
            self.left >= other.left
            and self.right <= other.right
            and self.top >= other.top
            and self.bottom <= other.bottom
        )


@dataclass(frozen=True)
class Canvas:
    """A chart's pixel geometry: its height, its range of widths, margins and axis ranges."""

    widths: tuple[float, float]
    height: float
    margin: tuple[float, float, float, float]  # left, top, right, bottom
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def plot_box(self, width: float) -> Box:
        """The plot area (inside the axes) at ``width``."""
        left, top, right, bottom = self.margin
        return Box(left, top, width - right, self.height - bottom)

    def to_pixels(self, x: float, y: float, width: float) -> tuple[float, float]:
        """Pixel position of the data point (x, y) at ``width`` (y downwards)."""
        area = self.plot_box(width)
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        px = area.left + (x - x0) / (x1 - x0) * (area.right - area.left)
        py = area.top + (y1 - y) / (y1 - y0) * (area.bottom - area.top)
        return px, py


def wrap_label(text: str, *, line: int = 22, lines: int = 3) -> str:
    """``text`` broken into lines of about ``line`` characters at spaces (``<br>`` between);
    past ``lines`` lines the rest is cut with "…" (the hover keeps the whole name)."""
    words, out, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > line:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: line - 1].rstrip() + "…"
    return "<br>".join(out)


def text_size(text: str, font_size: float) -> tuple[float, float]:
    """Estimated (width, height) in pixels of a label's box, ``<br>`` separating lines."""
    rows = text.split("<br>")
    width = max(len(row) for row in rows) * CHAR_WIDTH * font_size + 2 * TEXT_PAD
    height = len(rows) * LINE_HEIGHT * font_size + 2 * TEXT_PAD
    return width, height


def _candidates(width: float, height: float) -> list[tuple[float, float]]:
    """Offsets (dx, dy) of a label's centre from its point, nearest and most natural first."""
    out = []
    for step in range(4):
        up = POINT_RADIUS + height / 2 + 3 + step * (height + 6)
        side = POINT_RADIUS + width / 2 + 4 + step * 30
        diagonal = width / 2 + step * 30
        out += [
            (0.0, -up),
            (side, 0.0),
            (-side, 0.0),
            (0.0, up),
            (diagonal, -up),
            (-diagonal, -up),
            (diagonal, up),
            (-diagonal, up),
        ]
    return out


def _box(centre: tuple[float, float], size: tuple[float, float]) -> Box:
    (cx, cy), (w, h) = centre, size
    return Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def place_labels(
    points: Sequence[tuple[float, float]],
    texts: Sequence[str],
    canvas: Canvas,
    *,
    font_size: float = 12,
    obstacles: Sequence[tuple[float, float]] = (),
) -> list[tuple[float, float] | None]:
    """Pixel offset (dx, dy, y downwards) of each label from its point, or None when it
    finds no room. ``points`` are data coordinates, most important first; ``obstacles`` are
    other points (data coordinates) labels must not cover."""
    narrow, wide = canvas.widths
    markers = [*points, *obstacles]
    placed: list[tuple[float, Box, Box]] = []  # (anchor x at narrow, box narrow, box wide)
    offsets: list[tuple[float, float] | None] = []
    for (x, y), text in zip(points, texts, strict=True):
        size = text_size(text, font_size)
        anchor_n = canvas.to_pixels(x, y, narrow)
        anchor_w = canvas.to_pixels(x, y, wide)
        chosen = None
        for dx, dy in _candidates(*size):
            box_n = _box((anchor_n[0] + dx, anchor_n[1] + dy), size)
            box_w = _box((anchor_w[0] + dx, anchor_w[1] + dy), size)
            if not (box_n.inside(canvas.plot_box(narrow)) and box_w.inside(canvas.plot_box(wide))):
                continue
            if any(_hits_marker(box_n, box_w, m, canvas) for m in markers):
                continue
            if any(_collide(box_n, box_w, other_n, other_w) for _, other_n, other_w in placed):
                continue
            chosen = (dx, dy)
            placed.append((anchor_n[0], box_n, box_w))
            break
        offsets.append(chosen)
    return offsets


def _hits_marker(box_n: Box, box_w: Box, point: tuple[float, float], canvas: Canvas) -> bool:
    narrow, wide = canvas.widths
    for box, width in ((box_n, narrow), (box_w, wide)):
        px, py = canvas.to_pixels(*point, width)
        r = POINT_RADIUS
        if box.overlaps(Box(px - r, py - r, px + r, py + r)):
            return True
    return False


def _collide(a_n: Box, a_w: Box, b_n: Box, b_w: Box, *, gap: float = 4.0) -> bool:
    """True when two labels overlap at some width between the narrowest and the widest.

    Their vertical positions do not change with the width; their horizontal distance
    changes linearly with it, so they can only meet in between when their left-right
    order flips between the two ends.
    """
    if a_n.overlaps(b_n, gap=gap) or a_w.overlaps(b_w, gap=gap):
        return True
    vertical_apart = a_n.bottom + gap <= b_n.top or b_n.bottom + gap <= a_n.top
    if vertical_apart:
        return False
    left_of_narrow = a_n.right <= b_n.left
    left_of_wide = a_w.right <= b_w.left
    return left_of_narrow != left_of_wide
