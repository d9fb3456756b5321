"""Groups: protected attributes encoded once as integer codes.

A *group* is the set of rows sharing one value of a protected attribute ("female"), or
one band of a binned numeric attribute ("25-34"). Every later computation counts rows per
group with ``np.bincount`` on these codes, so a column is encoded exactly once, right
after validation. Missing values are never dropped: they form an explicit group labelled
:data:`MISSING_GROUP`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairness_core.data._roles import Binning
from fairness_core.errors import InvalidInputError

__all__ = ["MISSING_GROUP", "GroupColumn", "band_labels", "encode_groups", "parse_band_edges"]

#: The label of the group of rows whose protected attribute is missing.
MISSING_GROUP = "(missing)"


@dataclass(frozen=True)
class GroupColumn:
    """One protected attribute as integer codes into ``labels`` (one code per row)."""

    name: str
    labels: tuple[str, ...]
    codes: np.ndarray = field(repr=False, compare=False)
    binned: bool = False

    @property
    def counts(self) -> np.ndarray:
        """Rows per group, in label order."""
        return np.bincount(self.codes, minlength=len(self.labels))

    def __len__(self) -> int:
        return len(self.labels)


def encode_groups(
    series: pd.Series,
    *,
    binning: Binning | None = None,
    labels: Mapping[str, str] | None = None,
    row_counts: np.ndarray | None = None,
) -> GroupColumn:
    """Encode a protected attribute (cut into bands first when ``binning`` is given).

    ``labels`` name coded values (``{"1": "Male", "2": "Female"}``); a value without a
    label keeps its own text. ``row_counts``: each value stands for this many rows (for
    bands of equal size, see :func:`band_edges`).
    """
    name = str(series.name)
    missing = series.isna().to_numpy()
    if binning is not None:
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64")
        edges = band_edges(values, binning, row_counts=row_counts)
        used = band_labels(edges, integer=_all_integer(values[~missing]))
        codes = np.searchsorted(np.asarray(edges, dtype="float64"), values, side="right")
    else:
        cat = pd.Categorical(series.astype("str").where(~missing))
        used = tuple(str(c) for c in cat.categories)
        if labels:
            named = tuple(labels.get(_code_key(c), c) for c in used)
            if len(set(named)) == len(named):  # two codes under one label would merge groups
                used = named
        codes = cat.codes.astype(np.int64)
    codes = np.where(missing, len(used), codes).astype(np.int32)
    labels_out = tuple(used) + ((MISSING_GROUP,) if missing.any() else ())
    return GroupColumn(name=name, labels=labels_out, codes=codes, binned=binning is not None)


def band_edges(
    values: np.ndarray, binning: Binning, *, row_counts: np.ndarray | None = None
) -> tuple[float, ...]:
    """The inner cut points of ``binning`` on these values (NaN: missing, left out).

    ``row_counts``: each value stands for this many rows; the quantiles are then those of
    the rows (numpy's default, linear interpolation between order statistics), exactly as
    if every row had been given.
    """
    if binning.edges:
        return binning.edges
    present = ~np.isnan(values)
    if row_counts is None:
        return quantile_edges(values[present], binning.quantiles)
    return quantile_edges(
        values[present], binning.quantiles, row_counts=np.asarray(row_counts)[present]
    )


def band_labels(edges: tuple[float, ...], *, integer: bool) -> tuple[str, ...]:
    """Readable labels for the bands cut at ``edges``: "under 25", "25–34", "65 and over"."""
    if not edges:
        return ("all",)
    text = [_number(e) for e in edges]
    labels = [f"under {text[0]}"]
    for low, high, low_text in zip(edges[:-1], edges[1:], text[:-1], strict=True):
        if integer and float(low).is_integer() and float(high).is_integer():
            labels.append(f"{low_text}–{_number(high - 1)}")
        else:
            labels.append(f"{low_text} to under {_number(high)}")
    labels.append(f"{text[-1]} and over")
    return tuple(labels)


def parse_band_edges(text: str) -> tuple[float, ...]:
    """Band edges typed by the reviewer ("25, 40, 60") as sorted distinct numbers.

    Raises :class:`InvalidInputError` saying which part is not a number.
    """
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    bad = []
    edges = set()
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            bad.append(part)
            continue
        if not math.isfinite(value):
            bad.append(part)
        else:
            edges.add(value)
    if bad or not edges:
        shown = ", ".join(repr(b) for b in bad[:5]) if bad else "nothing"
        raise InvalidInputError(
            "Band edges must be numbers separated by commas, for example 30, 50 (bands "
            f"under 30, 30–49 and 50 and over). Got {shown}. Type the edges again."
        )
    return tuple(sorted(edges))


def _code_key(text: str) -> str:
    """ "2.0" and "02" find the label of code "2"."""
    try:
        number = float(text)
    except ValueError:
        return text
    if number.is_integer():
        return str(int(number))
    return text


def quantile_edges(
    values: np.ndarray, quantiles: int, *, row_counts: np.ndarray | None = None
) -> tuple[float, ...]:
    if len(values) == 0 or quantiles < 2:
        return ()
    levels = np.linspace(0, 1, quantiles + 1)[1:-1]
    if row_counts is None:
        inner = np.quantile(values, levels)
    else:
        inner = _repeated_quantile(values, np.asarray(row_counts, dtype=np.int64), levels)
    rounded = sorted({_round_nicely(float(v)) for v in inner})
    low, high = float(np.min(values)), float(np.max(values))
    return tuple(e for e in rounded if low < e <= high)


def _repeated_quantile(values: np.ndarray, counts: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """``np.quantile(np.repeat(values, counts), levels)`` without making the repeats.

    numpy's default ("linear"): at position ``h = (n - 1) q`` of the sorted rows, the order
    statistic ``x[floor h]`` plus ``(h - floor h)`` times the step to ``x[floor h + 1]``,
    computed with numpy's own lerp so the numbers are the same to the last bit.
    """
    order = np.argsort(values, kind="stable")
    x, c = values[order], counts[order]
    keep = c > 0
    x, c = x[keep], c[keep]
    ends = np.cumsum(c)  # rows up to and including each distinct value
    n = int(ends[-1])
    position = (n - 1) * levels
    low = np.floor(position).astype(np.int64)
    high = np.minimum(low + 1, n - 1)
    below = x[np.searchsorted(ends, low, side="right")]
    above = x[np.searchsorted(ends, high, side="right")]
    fraction = position - low
    # As numpy's _lerp: a + (b - a) * t, taken from the other end when t >= 0.5.
    diff = above - below
    lerp = np.where(fraction >= 0.5, above - diff * (1 - fraction), below + diff * fraction)
    return np.where(below == above, below, lerp)


def _round_nicely(value: float) -> float:
    """Round to 2 significant digits so band labels read well (37,412.5 → 37,000)."""
    if value == 0 or not math.isfinite(value):
        return value
    digits = 1 - math.floor(math.log10(abs(value)))
    return round(value, digits)


def _all_integer(values: np.ndarray) -> bool:
    finite = values[np.isfinite(values)]
    return bool(len(finite)) and bool(np.all(np.floor(finite) == finite))


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4g}"
