"""Consistency: are people who look alike on their features decided alike?

Words used here (Zemel et al. 2013, "Learning fair representations"; as AIF360's
``consistency``):

- The *features* are the columns the reviewer marked as features, protected attributes
  left out. Numbers are standardised (mean 0, standard deviation 1; a missing number takes
  the column's median), text is one-hot encoded (missing is a value of its own; beyond the
  20 most common values the rest are pooled), so every feature counts about as much in the
  distance.
- The *neighbours* of a person are the ``n_neighbors`` (5) people nearest to them in that
  feature space, by Euclidean distance, the person included (as AIF360 does).
- A person's *consistency* is ``1 − |ŷᵢ − mean ŷ of their neighbours|``: 1 when their
  neighbours got the same decision, lower when similar people were decided differently.
  *Consistency* is the mean over people (weighted by sample weight when there is one; the
  neighbours themselves are not weighted). 1 is perfectly consistent.
- Neighbour search costs grow with the square of the rows, so it runs on at most
  ``max_rows`` (5,000) rows: a sample stratified by the protected groups (each group keeps
  its share of the rows; drawn with a fixed seed), and the result says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fairness_core.data import AuditData
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import combine_group_codes, decode_group_labels

__all__ = [
    "MAX_CONSISTENCY_ROWS",
    "ConsistencyResult",
    "build_consistency_json",
    "compute_consistency",
    "consistency_to_dict",
    "encode_features",
]

#: Most rows the neighbour search runs on (a stratified sample beyond that).
MAX_CONSISTENCY_ROWS = 5_000
#: Text features keep this many most common values; the rest are pooled as "(other)".
MAX_TEXT_VALUES = 20


@dataclass(frozen=True)
class ConsistencyResult:
    """Consistency over the (sampled) rows, and per group of the chosen attributes.

    ``groups``: one row per group: ``group``, ``n`` (rows used), ``consistency``.
    ``row_consistency`` is each used row's own value, ``rows`` their positions in the data.
    """

    attributes: tuple[str, ...]
    features: tuple[str, ...]
    n_neighbors: int
    consistency: float
    n_rows_used: int
    n_rows_total: int
    sampled: bool
    groups: pd.DataFrame = field(repr=False, compare=False)
    rows: np.ndarray = field(repr=False, compare=False)
    row_consistency: np.ndarray = field(repr=False, compare=False)


def encode_features(frame: pd.DataFrame, features: Sequence[str]) -> np.ndarray:
    """Numbers standardised (missing → median), text one-hot (missing its own value).

    A number column with no usable value, or no spread, adds nothing (a column of zeros);
    text keeps its :data:`MAX_TEXT_VALUES` most common values and pools the rest.
    """
    parts = []
    for name in features:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
            finite = np.isfinite(values)
            centre = float(np.median(values[finite])) if finite.any() else 0.0
            filled = np.where(finite, values, centre)
            spread = filled.std()
            scaled = (filled - filled.mean()) / spread if spread > 0 else np.zeros(len(filled))
            parts.append(scaled[:, None])
        else:
            text = column.astype(object).where(column.notna(), "(missing)").astype(str)
            common = text.value_counts().index[:MAX_TEXT_VALUES]
            text = text.where(text.isin(common), "(other)")
            parts.append(pd.get_dummies(text).to_numpy(dtype=np.float64))
    return np.hstack(parts) if parts else np.empty((len(frame), 0))


def compute_consistency(
    data: AuditData,
    attributes: Sequence[str] | None = None,
    *,
    features: Sequence[str] | None = None,
    n_neighbors: int = 5,
    max_rows: int = MAX_CONSISTENCY_ROWS,
    seed: int = 0,
) -> ConsistencyResult:
    """Nearest-neighbour consistency of the decisions (overall and per group)."""
    chosen = _check(data, attributes, features, n_neighbors, max_rows)
    names = tuple(attributes) if attributes else tuple(g.name for g in data.groups)
    columns = [data.group(a) for a in names]
    code, present, radices = combine_group_codes(columns)
    rows = _stratified_sample(code, max_rows, seed)
    x = encode_features(data.frame.iloc[rows], chosen)
    decision = np.asarray(data.y_pred, dtype=np.float64)[rows]
    # scikit-learn's neighbour search (a ball tree, as AIF360) rather than a full distance
    # matrix: 5,000 rows would need a 200 MB matrix.
    from sklearn.neighbors import NearestNeighbors

    k = min(n_neighbors, len(rows))
    index = NearestNeighbors(n_neighbors=k, algorithm="ball_tree").fit(x)
    neighbours = index.kneighbors(x, return_distance=False)
    per_row = 1.0 - np.abs(decision - decision[neighbours].mean(axis=1))
    weight = None if data.sample_weight is None else np.asarray(data.sample_weight)[rows]
    group_codes = code[rows]
    present_codes = np.unique(group_codes)
    labels = decode_group_labels(
        present_codes if present is None else present[present_codes], columns, radices
    )
    groups = pd.DataFrame(
        {
            "group": [" · ".join(label) for label in labels],
            "n": [int(np.sum(group_codes == c)) for c in present_codes],
            "consistency": [
                _mean(
                    per_row[group_codes == c], None if weight is None else weight[group_codes == c]
                )
                for c in present_codes
            ],
        }
    )
    return ConsistencyResult(
        attributes=names,
        features=chosen,
        n_neighbors=k,
        consistency=_mean(per_row, weight),
        n_rows_used=len(rows),
        n_rows_total=data.n_rows,
        sampled=len(rows) < data.n_rows,
        groups=groups,
        rows=rows,
        row_consistency=per_row,
    )


def consistency_to_dict(result: ConsistencyResult) -> dict[str, Any]:
    """The result as JSON-ready data (NaN → None)."""
    groups = [
        {
            "group": row["group"],
            "n": int(row["n"]),
            "consistency": float(row["consistency"]) if np.isfinite(row["consistency"]) else None,
        }
        for row in result.groups.to_dict("records")
    ]
    return {
        "attributes": list(result.attributes),
        "features": list(result.features),
        "n_neighbors": result.n_neighbors,
        "consistency": result.consistency if np.isfinite(result.consistency) else None,
        "rows_used": result.n_rows_used,
        "rows_total": result.n_rows_total,
        "sampled": result.sampled,
        "groups": groups,
    }


def build_consistency_json(
    data: AuditData, attributes: Sequence[str] | None = None
) -> dict[str, Any] | None:
    """For exports and the command line: consistency, or None when no features are marked."""
    if not _default_features(data):
        return None
    return consistency_to_dict(compute_consistency(data, attributes))


def _mean(values: np.ndarray, weight: np.ndarray | None) -> float:
    if len(values) == 0:
        return float("nan")
    if weight is None:
        return float(values.mean())
    total = weight.sum()
    return float(np.dot(weight, values) / total) if total > 0 else float("nan")


def _stratified_sample(code: np.ndarray, max_rows: int, seed: int) -> np.ndarray:
    """Row positions: all rows, or ``max_rows`` of them with each group's share kept.

    Each group gets the floor of its share of ``max_rows``; the rows left over go to the
    groups with the largest remainders (largest-remainder allocation), drawn at random.
    """
    n = len(code)
    if n <= max_rows:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    values, sizes = np.unique(code, return_counts=True)
    exact = sizes * max_rows / n
    take = np.floor(exact).astype(np.int64)
    extra = np.argsort(-(exact - take), kind="stable")[: max_rows - int(take.sum())]
    take[extra] += 1
    chosen = [
        rng.choice(np.flatnonzero(code == value), size=int(t), replace=False)
        for value, t in zip(values, take, strict=True)
        if t > 0
    ]
    return np.sort(np.concatenate(chosen))


def _default_features(data: AuditData) -> tuple[str, ...]:
    protected = set(data.roles.protected)
    return tuple(c for c in data.roles.features if c not in protected)


def _check(
    data: AuditData,
    attributes: Sequence[str] | None,
    features: Sequence[str] | None,
    n_neighbors: int,
    max_rows: int,
) -> tuple[str, ...]:
    chosen = tuple(features) if features is not None else _default_features(data)
    problems = []
    if not chosen:
        problems.append(
            "Consistency compares people who look alike on their features, and no feature "
            "columns are marked. Expected one or more feature columns (not protected "
            "attributes). Got none. Mark the features on the Data & model page."
        )
    missing = [c for c in chosen if c not in data.frame.columns]
    if missing:
        problems.append(
            f"The features {missing} are not columns of the loaded table. Expected column "
            f"names of the table. Got {list(chosen)}. Choose among the table's columns."
        )
    known = {g.name for g in data.groups}
    unknown = [a for a in attributes or () if a not in known]
    if unknown:
        problems.append(
            f"{unknown[0]!r} is not a protected attribute of this audit. Expected one of "
            f"{', '.join(sorted(known))}. Choose among those."
        )
    if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, int) or n_neighbors < 1:
        problems.append(
            f"The number of neighbours must be a whole number of at least 1. Got "
            f"{n_neighbors!r}. Use 5 (the usual choice)."
        )
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 2:
        problems.append(
            f"The most rows to use must be a whole number of at least 2. Got {max_rows!r}. "
            f"Use {MAX_CONSISTENCY_ROWS:,}."
        )
    if problems:
        raise InvalidInputError(" ".join(problems))
    return chosen
