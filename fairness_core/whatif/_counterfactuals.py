"""Counterfactuals: what would have to differ for this person to get the other decision?

Vocabulary:

- *distance* between two rows: for each feature, a number's absolute difference divided
  by the feature's observed range (so each number counts between 0 and 1, and an edited
  value outside the range at most 1), and 1 for a
  category that differs; summed over the features (Gower's distance, unaveraged). A
  missing value against a present one counts 1; two missing values count 0;
- the *nearest counterfactual* of a row is the existing row of the data with the opposite
  decision at the smallest distance — optionally only among rows of the same group, or of
  other groups, of a protected attribute;
- a *minimal-change counterfactual* is a made-up version of the row that gets the opposite
  decision while only *changeable* features differ, each within its observed range, at the
  smallest distance the search finds within its time bound. Protected attributes and any
  feature the reviewer does not mark changeable (*immutables*) keep their values.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from fairness_core.errors import InvalidInputError
from fairness_core.whatif._edits import FeatureSpec, ModelScorer, plain_value, same_value

__all__ = [
    "MinimalChange",
    "NearestCounterfactuals",
    "compute_distances",
    "find_minimal_change",
    "find_nearest_counterfactuals",
]

Scope = Literal["any", "same", "other"]
#: Candidates costing more than this many times the cheapest flip so far are not scored.
_PRUNE_FACTOR = 2.0
#: How many of the cheapest flips found (one per feature subset) are refined.
_REFINED = 8


# --------------------------------------------------------------------------------------
# Distance
# --------------------------------------------------------------------------------------


def compute_distances(
    frame: pd.DataFrame, row: pd.DataFrame, specs: Sequence[FeatureSpec]
) -> np.ndarray:
    """Distance (see the module docstring) from the one-row ``row`` to every row of ``frame``."""
    total = np.zeros(len(frame), dtype=np.float64)
    for spec in specs:
        column = frame[spec.name]
        target = row[spec.name].iloc[0]
        if spec.kind == "number":
            values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
            goal = float(target) if pd.notna(target) else math.nan
            here = np.isnan(values)
            if math.isnan(goal):
                total += np.where(here, 0.0, 1.0)
            else:
                part = np.minimum(np.abs(values - goal) / spec.span, 1.0)
                total += np.where(here, 1.0, part)
        else:
            if pd.isna(target):
                total += column.notna().to_numpy(dtype=np.float64)
            else:
                same = column.astype(object).eq(target).to_numpy(dtype=bool)
                total += np.where(same, 0.0, 1.0)
    return total


def _number_cost(spec: FeatureSpec, original: float, value: np.ndarray) -> np.ndarray:
    if math.isnan(original):
        return np.where(np.isnan(value), 0.0, 1.0)
    return np.minimum(np.abs(value - original) / spec.span, 1.0)


# --------------------------------------------------------------------------------------
# Nearest existing counterfactual
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NearestCounterfactuals:
    """The existing rows closest to a row that got the opposite decision.

    ``candidates`` lists up to ``n`` of them, nearest first: ``row``, ``distance``,
    ``group`` (when a grouping attribute was given), ``decision``, ``differences`` (how
    many features differ). ``comparison`` puts the row and the nearest one side by side
    (``feature``, ``original``, ``counterfactual``, ``differs``). ``found`` is False (and
    both tables empty) when no row in scope has the opposite decision.
    """

    row: int
    scope: Scope
    found: bool
    candidates: pd.DataFrame = field(repr=False, compare=False)
    comparison: pd.DataFrame = field(repr=False, compare=False)
    message: str = ""

    @property
    def nearest(self) -> int | None:
        """The nearest counterfactual's row, or None."""
        return int(self.candidates["row"].iloc[0]) if self.found else None

    @property
    def distance(self) -> float:
        """Its distance (NaN when none was found)."""
        return float(self.candidates["distance"].iloc[0]) if self.found else math.nan


def find_nearest_counterfactuals(
    frame: pd.DataFrame,
    specs: Sequence[FeatureSpec],
    decisions: np.ndarray,
    row: int,
    *,
    groups: np.ndarray | None = None,
    group_labels: Sequence[str] = (),
    scope: Scope = "any",
    n: int = 5,
) -> NearestCounterfactuals:
    """The ``n`` nearest rows of ``frame`` whose decision differs from row ``row``'s.

    ``decisions`` are the model's decisions (0/1) for every row. With ``groups`` (integer
    group codes of a protected attribute, labelled by ``group_labels``), ``scope`` keeps
    only rows of the same group ("same") or of another group ("other"). Ties are broken by
    row order.
    """
    decisions = np.asarray(decisions)
    if len(decisions) != len(frame):
        raise InvalidInputError(
            f"decisions must have one value per row ({len(frame):,}). Got {len(decisions):,}."
        )
    if not 0 <= row < len(frame):
        raise InvalidInputError(f"row must be between 0 and {len(frame) - 1}. Got {row!r} instead.")
    if scope not in ("any", "same", "other"):
        raise InvalidInputError(f"scope must be 'any', 'same' or 'other'. Got {scope!r} instead.")
    if scope != "any" and groups is None:
        raise InvalidInputError(
            "Searching the same or other groups needs a protected attribute. Choose one, or "
            "search all rows."
        )
    eligible = decisions != decisions[row]
    if groups is not None and scope == "same":
        eligible &= groups == groups[row]
    elif groups is not None and scope == "other":
        eligible &= groups != groups[row]
    original = frame.iloc[[row]]
    if not eligible.any():
        where = {"any": "", "same": " in the same group", "other": " in the other groups"}[scope]
        return NearestCounterfactuals(
            row,
            scope,
            False,
            pd.DataFrame(columns=["row", "distance", "decision", "differences"]),
            pd.DataFrame(columns=["feature", "original", "counterfactual", "differs"]),
            f"No row{where} got the opposite decision, so there is no existing "
            "counterfactual to show. Try searching all rows, or use the minimal-change search.",
        )
    distances = compute_distances(frame, original, specs)
    candidates = np.flatnonzero(eligible)
    order = candidates[np.argsort(distances[candidates], kind="stable")][:n]
    table = pd.DataFrame(
        {
            "row": order,
            "distance": distances[order],
            "decision": decisions[order],
            "differences": [
                sum(not same_value(frame[s.name].iloc[i], original[s.name].iloc[0]) for s in specs)
                for i in order
            ],
        }
    )
    if groups is not None and len(group_labels):
        table.insert(2, "group", [group_labels[groups[i]] for i in order])
    best = frame.iloc[int(order[0])]
    comparison = pd.DataFrame(
        {
            "feature": [s.name for s in specs],
            "original": [plain_value(original[s.name].iloc[0]) for s in specs],
            "counterfactual": [plain_value(best[s.name]) for s in specs],
        }
    )
    comparison["differs"] = [
        not same_value(a, b)
        for a, b in zip(comparison["original"], comparison["counterfactual"], strict=True)
    ]
    return NearestCounterfactuals(row, scope, True, table, comparison)


# --------------------------------------------------------------------------------------
# Minimal-change counterfactual
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MinimalChange:
    """The result of a minimal-change search.

    ``found`` is True when a version of the row with the opposite decision was found;
    then ``changes`` lists each changed feature (``feature``, ``original``, ``new``,
    ``cost``) and ``counterfactual`` is the changed row. ``cost`` is its distance to the
    original. ``evaluated`` counts the versions scored, ``seconds`` the time spent, and
    ``timed_out`` says whether the time bound cut the search short. ``message`` explains
    the outcome in plain words.
    """

    found: bool
    score_before: float
    decision_before: int
    score_after: float
    decision_after: int
    cost: float
    changes: pd.DataFrame = field(repr=False, compare=False)
    counterfactual: pd.DataFrame | None = field(repr=False, compare=False)
    evaluated: int
    seconds: float
    timed_out: bool
    message: str


def find_minimal_change(
    scorer: ModelScorer,
    row: pd.DataFrame,
    specs: Sequence[FeatureSpec],
    changeable: Sequence[str],
    *,
    time_limit: float = 5.0,
    grid_points: int = 21,
    max_features: int = 3,
    samples_per_subset: int = 2_000,
    seed: int = 0,
) -> MinimalChange:
    """Search for the cheapest change to ``changeable`` features that flips the decision.

    The search tries changing one feature at a time over a grid of values (the observed
    values of a category; ``grid_points`` evenly spaced values and as many quantiles for a
    number), then pairs, then triples (up to ``max_features``; random grid combinations
    when there are too many), each as one batch prediction. The cheapest flip found is then
    refined: every changed number is moved back toward its original value as far as the
    decision stays flipped (bisection), and changes that are not needed are dropped. The
    search stops after ``time_limit`` seconds and reports the best flip found so far.
    The result is the cheapest flip the search found, not a proof that none cheaper exists.
    """
    started = time.perf_counter()
    if len(row) != 1:
        raise InvalidInputError(f"row must be one row of the data. Got {len(row)} rows instead.")
    by_name = {s.name: s for s in specs}
    unknown = [c for c in changeable if c not in by_name]
    if unknown:
        raise InvalidInputError(
            f"Only the model's features can be changed; {', '.join(repr(u) for u in unknown)} "
            f"{'is' if len(unknown) == 1 else 'are'} not one. Choose among: {', '.join(by_name)}."
        )
    if time_limit <= 0:
        raise InvalidInputError(
            f"time_limit must be a positive number of seconds. Got {time_limit!r}."
        )
    original = row.reset_index(drop=True)
    base_score = float(scorer.score(original)[0])
    base_decision = int(scorer.decide(np.array([base_score]))[0])
    target = 1 - base_decision
    chosen = [by_name[c] for c in dict.fromkeys(changeable)]
    grids = {s.name: _grid(s, original[s.name].iloc[0], grid_points) for s in chosen}
    chosen = [s for s in chosen if len(grids[s.name])]
    rng = np.random.default_rng(seed)
    hits_found: list[tuple[float, dict[str, object]]] = []  # the cheapest flip per subset
    evaluated = 0
    timed_out = False

    def out_of_time() -> bool:
        return time.perf_counter() - started > time_limit

    for size in range(1, min(max_features, len(chosen)) + 1):
        for subset in itertools.combinations(chosen, size):
            if out_of_time():
                timed_out = True
                break
            combos = _combinations([grids[s.name] for s in subset], samples_per_subset, rng)
            if not len(combos):
                continue
            costs = np.zeros(len(combos))
            for j, spec in enumerate(subset):
                costs += _costs(spec, original[spec.name].iloc[0], combos[:, j])
            if hits_found:  # refinement rarely more than halves a cost: skip hopeless ones
                keep = costs < _PRUNE_FACTOR * min(c for c, _ in hits_found)
                combos, costs = combos[keep], costs[keep]
                if not len(combos):
                    continue
            candidates = _with_values(original, [s.name for s in subset], combos)
            decisions = scorer.decide(scorer.score(candidates))
            evaluated += len(combos)
            hits = np.flatnonzero(decisions == target)
            if len(hits):
                pick = hits[np.argmin(costs[hits])]
                values = {s.name: plain_value(combos[pick, j]) for j, s in enumerate(subset)}
                hits_found.append((float(costs[pick]), values))
        if timed_out:
            break
    if hits_found:
        refined = []
        for _, start in sorted(hits_found, key=lambda h: h[0])[:_REFINED]:
            values, evaluated_more = _refine(scorer, original, by_name, start, target)
            evaluated += evaluated_more
            cost = float(
                sum(
                    _costs(by_name[k], original[k].iloc[0], np.array([v], dtype=object))[0]
                    for k, v in values.items()
                )
            )
            refined.append((cost, len(values), values))
        cost, _, values = min(refined, key=lambda r: (r[0], r[1]))
        candidate = _with_values(
            original, list(values), np.array([list(values.values())], dtype=object)
        )
        score_after = float(scorer.score(candidate)[0])
        changes = pd.DataFrame(
            {
                "feature": list(values),
                "original": [plain_value(original[k].iloc[0]) for k in values],
                "new": list(values.values()),
                "cost": [
                    float(_costs(by_name[k], original[k].iloc[0], np.array([v], dtype=object))[0])
                    for k, v in values.items()
                ],
            }
        )
        return MinimalChange(
            True,
            base_score,
            base_decision,
            score_after,
            int(scorer.decide(np.array([score_after]))[0]),
            cost,
            changes,
            candidate,
            evaluated,
            time.perf_counter() - started,
            timed_out,
            f"Changing {len(values)} feature{'s' if len(values) != 1 else ''} "
            f"({', '.join(values)}) turns the decision around.",
        )
    if not chosen:
        why = "No feature is marked as changeable (or none has any other observed value)."
    elif timed_out:
        why = (
            f"No change to {', '.join(s.name for s in chosen)} within their observed ranges "
            f"turned the decision around in the {time_limit:g} seconds allowed "
            f"({evaluated:,} versions tried)."
        )
    else:
        why = (
            f"No change to {', '.join(s.name for s in chosen)} within their observed ranges "
            f"turns the decision around ({evaluated:,} versions tried)."
        )
    return MinimalChange(
        False,
        base_score,
        base_decision,
        base_score,
        base_decision,
        math.nan,
        pd.DataFrame(columns=["feature", "original", "new", "cost"]),
        None,
        evaluated,
        time.perf_counter() - started,
        timed_out,
        why + " Mark more features as changeable, or allow more time.",
    )


def _grid(spec: FeatureSpec, current: object, points: int) -> np.ndarray:
    """Candidate values of a feature, other than its current value."""
    if spec.kind == "category":
        return np.array([c for c in spec.categories if not same_value(c, current)], dtype=object)
    if not math.isfinite(spec.minimum):
        return np.array([], dtype=object)
    grid = np.linspace(spec.minimum, spec.maximum, points)
    if spec.integer:
        grid = np.unique(np.round(grid))
    here = _as_float(current)
    if not math.isnan(here):
        grid = grid[grid != here]
        grid = grid[np.argsort(np.abs(grid - here), kind="stable")]
    return grid.astype(object)


def _costs(spec: FeatureSpec, current: object, values: np.ndarray) -> np.ndarray:
    if spec.kind == "category":
        return np.array([0.0 if same_value(v, current) else 1.0 for v in values])
    here = _as_float(current)
    numbers = np.array([_as_float(v) for v in values])
    return _number_cost(spec, here, numbers)


def _combinations(grids: list[np.ndarray], limit: int, rng: np.random.Generator) -> np.ndarray:
    total = math.prod(len(g) for g in grids)
    if total == 0:
        return np.empty((0, len(grids)), dtype=object)
    if total <= limit:
        return np.array(list(itertools.product(*grids)), dtype=object).reshape(total, len(grids))
    picks = [rng.integers(0, len(g), size=limit) for g in grids]
    return np.column_stack([g[p] for g, p in zip(grids, picks, strict=True)]).astype(object)


def _with_values(original: pd.DataFrame, names: list[str], values: np.ndarray) -> pd.DataFrame:
    frame = original.loc[np.zeros(len(values), dtype=int)].reset_index(drop=True)
    for j, name in enumerate(names):
        column = values[:, j]
        if pd.api.types.is_numeric_dtype(original[name]):
            frame[name] = column.astype(np.float64)
        else:
            frame[name] = pd.Series(list(column), dtype=original[name].dtype)
    return frame


def _refine(
    scorer: ModelScorer,
    original: pd.DataFrame,
    specs: dict[str, FeatureSpec],
    values: dict[str, object],
    target: int,
) -> tuple[dict[str, object], int]:
    """Drop unneeded changes, then pull each number back toward the original (bisection)."""
    values = dict(values)
    evaluated = 0

    def flips(candidate: dict[str, object]) -> bool:
        nonlocal evaluated
        evaluated += 1
        if not candidate:
            return False
        frame = _with_values(
            original, list(candidate), np.array([list(candidate.values())], dtype=object)
        )
        return bool(scorer.decide(scorer.score(frame))[0] == target)

    for name in sorted(
        values,
        key=lambda k: (
            -_costs(specs[k], original[k].iloc[0], np.array([values[k]], dtype=object))[0]
        ),
    ):
        without = {k: v for k, v in values.items() if k != name}
        if without and flips(without):
            values = without
    for name in list(values):
        spec = specs[name]
        start = original[name].iloc[0]
        if spec.kind != "number" or math.isnan(_as_float(start)):
            continue
        low, high = _as_float(start), _as_float(values[name])  # low never flips, high does
        steps = np.linspace(0.0, 1.0, 17)[1:]
        for _ in range(3):  # three rounds of 16 points: 1/4096 of the change
            trial = low + steps * (high - low)
            if spec.integer:
                trial = np.round(trial)
            frame = _with_values(
                original,
                list(values),
                np.array(
                    [[t if k == name else v for k, v in values.items()] for t in trial],
                    dtype=object,
                ),
            )
            ok = scorer.decide(scorer.score(frame)) == target
            evaluated += len(trial)
            first = int(np.argmax(ok)) if ok.any() else len(trial) - 1
            new_high = float(trial[first]) if ok.any() else high
            new_low = float(trial[first - 1]) if first > 0 else low
            low, high = new_low, new_high
            if spec.integer and abs(high - low) <= 1:
                break
        values[name] = int(high) if spec.integer else high
    return values, evaluated


def _as_float(value: object) -> float:
    """A number as float; NaN for missing values."""
    if value is None or value is pd.NA:
        return math.nan
    return float(value)  # type: ignore[arg-type]
