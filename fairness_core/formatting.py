"""Numbers as a reviewer reads them, and values as JSON stores them.

- :func:`format_number`: a number with a fixed count of decimals, "n/a" when undefined.
- :func:`format_against_line`: a number judged against a line (0.8 for the four-fifths
  rule) never rounds across or onto that line: 0.7992 is judged below 0.8 and so shows as
  "0.799", not "0.80"; decimals are added until the shown number is on the same side of the
  line as the value (up to six, beyond which the value is on the line for every purpose).
- :func:`to_json_value`: a JSON-ready copy of nested results (numpy scalars to Python,
  tuples to lists, NaN and infinity to None).
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

__all__ = ["format_against_line", "format_number", "to_json_value"]

_MAX_DECIMALS = 6


def format_number(value: object, decimals: int = 2, *, signed: bool = False) -> str:
    """``value`` with ``decimals`` decimals ("n/a" when missing or not finite)."""
    if value is None or isinstance(value, bool):
        return "n/a"
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "n/a"
    if not math.isfinite(number):
        return "n/a" if math.isnan(number) else ("∞" if number > 0 else "−∞")
    text = f"{number:+.{decimals}f}" if signed else f"{number:.{decimals}f}"
    return text.replace("-", "−")


def format_against_line(
    value: float,
    line: float,
    *,
    past: bool,
    harmful: Literal["lower", "higher"],
    decimals: int = 2,
    signed: bool = False,
) -> str:
    """``value`` rounded so that it never appears on the other side of ``line``.

    ``past`` is the verdict's own finding (the value is beyond the line in the ``harmful``
    direction); decimals are added until the shown number agrees with it.
    """
    if not math.isfinite(value):
        return format_number(value, decimals, signed=signed)
    for places in range(decimals, _MAX_DECIMALS + 1):
        shown = round(value, places)
        if (shown < line if harmful == "lower" else shown > line) == past:
            return format_number(value, places, signed=signed)
    return format_number(value, _MAX_DECIMALS, signed=signed)


def to_json_value(value: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python, tuples to lists, NaN and infinity to None."""
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value
