"""Hypothesis strategies and seeded generators for audit arrays (shared by the core tests)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from fairness_core.data import MISSING_GROUP, GroupColumn
from fairness_core.metrics import GroupCounts, compute_group_counts

WeightKind = Literal["none", "int", "float"]
ATTRIBUTE_NAMES = ("sex", "race", "age_band")
# In the order encode_groups gives them (sorted, "(missing)" last), so codes agree.
LEVELS = (
    ("female", "male", MISSING_GROUP),
    ("Asian", "Black", "Other", "White"),
    ("25–44", "45 and over", "under 25"),
)


@dataclass(frozen=True)
class Arrays:
    """The inputs of compute_group_counts, aligned row by row."""

    groups: tuple[GroupColumn, ...]
    y_true: np.ndarray
    y_pred: np.ndarray
    sample_weight: np.ndarray | None = None
    y_score: np.ndarray | None = None

    @property
    def n_rows(self) -> int:
        return len(self.y_true)

    def counts(self) -> GroupCounts:
        return compute_group_counts(
            self.groups,
            self.y_true,
            self.y_pred,
            sample_weight=self.sample_weight,
            y_score=self.y_score,
        )

    def take(self, rows: np.ndarray) -> Arrays:
        """The same data with rows picked (and possibly repeated or reordered) by index."""
        return Arrays(
            tuple(replace(g, codes=g.codes[rows]) for g in self.groups),
            self.y_true[rows],
            self.y_pred[rows],
            None if self.sample_weight is None else self.sample_weight[rows],
            None if self.y_score is None else self.y_score[rows],
        )

    def labels(self) -> list[tuple[str, ...]]:
        """Each row's group labels (one per attribute)."""
        columns = [np.asarray(g.labels, dtype=object)[g.codes] for g in self.groups]
        return list(zip(*columns, strict=True))


@st.composite
def audit_arrays(
    draw: st.DrawFn,
    *,
    min_rows: int = 1,
    max_rows: int = 60,
    max_attributes: int = 3,
    weights: tuple[WeightKind, ...] = ("none", "int", "float"),
    scores: bool = True,
) -> Arrays:
    """Small audits: 1–3 attributes with 1–4 levels, any mix of outcomes and decisions."""
    n = draw(st.integers(min_rows, max_rows))
    k = draw(st.integers(1, max_attributes))
    groups = []
    for name in ATTRIBUTE_NAMES[:k]:
        levels = draw(st.integers(1, 4))
        labels = tuple(f"{name}_{i}" for i in range(levels))
        codes = draw(hnp.arrays(np.int32, n, elements=st.integers(0, levels - 1)))
        groups.append(GroupColumn(name, labels, codes))
    binary = st.integers(0, 1)
    y_true = draw(hnp.arrays(np.int8, n, elements=binary))
    y_pred = draw(hnp.arrays(np.int8, n, elements=binary))
    kind = draw(st.sampled_from(weights))
    weight = None
    if kind == "int":
        weight = draw(hnp.arrays(np.float64, n, elements=st.integers(1, 3).map(float)))
    elif kind == "float":
        weight = draw(hnp.arrays(np.float64, n, elements=st.floats(0.1, 5.0)))
    score = None
    if scores and draw(st.booleans()):
        # Scores on a grid of 0.05 so that ties happen often.
        score = draw(hnp.arrays(np.float64, n, elements=st.integers(0, 20).map(lambda v: v / 20)))
    return Arrays(tuple(groups), y_true, y_pred, weight, score)


def make_arrays(
    seed: int,
    *,
    n: int = 2000,
    attributes: int = 3,
    weights: WeightKind = "none",
    scores: bool = True,
    every_cell: bool = False,
) -> Arrays:
    """Seeded realistic data: skewed group sizes (some intersections tiny), group effects.

    With ``every_cell`` the first rows of every group cover all four (outcome, decision)
    pairs and groups of fewer than 4 rows are dropped, so every rate is defined everywhere.
    """
    rng = np.random.default_rng(seed)
    skew = ((0.55, 0.4, 0.05), (0.6, 0.25, 0.1, 0.05), (0.6, 0.2, 0.2))
    groups = tuple(
        GroupColumn(name, labels, rng.choice(len(labels), n, p=p).astype(np.int32))
        for name, labels, p in zip(ATTRIBUTE_NAMES, LEVELS, skew, strict=True)
    )[:attributes]
    shift = sum(0.15 * g.codes / len(g.labels) for g in groups)
    y_true = (rng.random(n) < 0.35 + shift).astype(np.int8)
    score = np.clip(rng.beta(2, 3, n) + 0.3 * y_true - shift / 2, 0, 1).round(3)
    y_pred = (score >= 0.5).astype(np.int8)
    keep = np.ones(n, dtype=bool)
    if every_cell:
        code = np.zeros(n, dtype=np.int64)
        for g in groups:
            code = code * len(g.labels) + g.codes
        for c in np.unique(code):
            rows = np.flatnonzero(code == c)
            y_true[rows[:4]] = [1, 0, 1, 0][: len(rows)]
            y_pred[rows[:4]] = [1, 1, 0, 0][: len(rows)]
            keep[rows] = len(rows) >= 4
    weight = None
    if weights == "int":
        weight = rng.integers(1, 4, n).astype(np.float64)
    elif weights == "float":
        weight = rng.gamma(2.0, 1.0, n)
    arrays = Arrays(groups, y_true, y_pred, weight, score if scores else None)
    return arrays if keep.all() else arrays.take(np.flatnonzero(keep))
