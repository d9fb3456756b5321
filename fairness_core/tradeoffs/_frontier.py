"""Group-specific thresholds: the fairness–accuracy frontier and the ready-made strategies.

Words used here (see also :mod:`fairness_core.tradeoffs`):

- An *operating point* gives each group its own decision rule. A *deterministic* rule is one
  threshold (``score >= threshold``). A *randomized* rule mixes thresholds, as fairlearn's
  ThresholdOptimizer does: people scoring in a band between two thresholds get the positive
  decision with some probability, drawn at random. Randomized rules reach exact parity
  where single thresholds cannot, but two people with the same score can be decided
  differently; every output says which kind a point is.
- The *objective* is accuracy, or the expected cost ``(cost_ratio · FP + FN) / people``.
  Both are sums over groups of ``TP − c · FP`` (plus constants) with ``c = 1`` for accuracy
  and ``c = cost_ratio`` for the cost, so each group contributes independently.
- The *frontier* (Pareto frontier) holds the operating points that no other point beats on
  both the objective and the criterion's disparity: moving along it trades one for the other.
- A *strategy* is a one-click operating point (:data:`STRATEGIES`).

What "exact" means here: every result is the best over the sweep's thresholds. When the
sweep holds every distinct score that is the true optimum. When it uses its grid (more than
5,000 distinct scores), the grid still holds every group's ROC convex-hull vertices (see
:mod:`fairness_core.tradeoffs`), and every randomized optimum below — and each group's own
best threshold — lies on those vertices or mixes two neighbouring ones, so the randomized
frontier, the randomized and equalized-odds strategies and "best threshold per group" are
the same as on all distinct scores. This is how fairlearn's ThresholdOptimizer works too
(it interpolates between hull points), but it searches the shared rate on a grid of 1,001
values, so at exact parity ours is at least as accurate. We solve it ourselves for speed
(one pass over counts instead of a pandas curve per group: well under a second at 1M rows
against 14–32 s measured for fairlearn) and exactness (no grid over the shared rate). Rules
with one threshold per group (``randomized=False``) and the single shared threshold use
the grid's thresholds only: a threshold between two grid points is not offered.

How the frontier is found (exact, and fast for many groups): for demographic parity, equal
opportunity and equal accuracy the constraint is that every group's *level* (its selection
rate, TPR or accuracy) lies in one window ``[L, L + tolerance]``. For a fixed window the
groups do not interact: each picks, on its own cumulative table, its best threshold whose
level falls in the window (a range-maximum query on the thresholds sorted by level). The
best window starts at one of the levels some group reaches, so sweeping ``L`` over those
levels (a 1-D sweep over the shared level) is exact; at most 20,000 starting levels are
tried (beyond that an evenly spread subset, which may miss the very best by a hair). With
randomization a group can reach any point on the upper concave hull of its (level,
objective) points by mixing two neighbouring thresholds; the objective is then concave in
``L`` and is maximised exactly at a hull vertex or a vertex minus the tolerance.

Equalized odds needs equal TPR *and* FPR, which single thresholds almost never give; it is
always randomized, by fairlearn's ROC-convex-hull construction: the point ``(f, t)`` every
group can reach lies under the lowest of the groups' ROC hulls; the best ``f`` is at a hull
vertex or where two hulls cross (all of them are tried, so it is exact); a group whose hull
lies above the shared point mixes in a score-blind coin flip. Between that exact point and
the unconstrained best, equalized-odds frontier points mix the two rules at random (valid
operating points, though not always the best possible at that disparity).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairness_core.errors import InvalidInputError
from fairness_core.tradeoffs._sweep import (
    DISPARITIES,
    Criterion,
    Objective,
    ThresholdSweep,
    balanced_accuracy,
    check_cost_ratio,
    check_criterion,
    disparities_of,
    group_rates,
)
from fairness_core.tradeoffs._warnings import is_degenerate

__all__ = [
    "STRATEGIES",
    "Frontier",
    "OperatingPoint",
    "StrategySpec",
    "find_frontier",
    "find_strategy",
    "summarize_points",
]

#: Most starting levels the deterministic window sweep tries.
MAX_LEVELS = 20_000
_EPS = 1e-12


@dataclass(frozen=True)
class StrategySpec:
    """A one-click operating point: its title and what it does, in plain words."""

    title: str
    explanation: str
    criterion: Criterion | None


STRATEGIES: dict[str, StrategySpec] = {
    "single_threshold": StrategySpec(
        "One threshold for everyone",
        "The single threshold that is best for all groups together (no group-specific rules).",
        None,
    ),
    "demographic_parity": StrategySpec(
        "Demographic parity",
        "Group thresholds that give every group the same rate of positive decisions.",
        "demographic_parity",
    ),
    "equal_opportunity": StrategySpec(
        "Equal opportunity",
        "Group thresholds that give every group the same true positive rate.",
        "equal_opportunity",
    ),
    "equalized_odds": StrategySpec(
        "Equalized odds",
        "Group rules that give every group the same true and false positive rates "
        "(always randomized).",
        "equalized_odds",
    ),
    "equal_accuracy": StrategySpec(
        "Equal accuracy",
        "Group thresholds that make the model right equally often for every group.",
        "equal_accuracy",
    ),
    "best_per_group": StrategySpec(
        "Best threshold per group",
        "Each group gets the threshold that is best for it, with no fairness constraint.",
        None,
    ),
}


@dataclass(frozen=True)
class OperatingPoint:
    """Per-group decision rules as mixtures of thresholds of a sweep.

    Group ``g`` applies threshold ``thresholds[indices[g, m]]`` with probability
    ``weights[g, m]`` (the weights of a group sum to 1); a deterministic rule has one
    weight of 1.
    """

    label: str
    strategy: str
    criterion: Criterion | None
    randomized: bool
    indices: np.ndarray = field(repr=False, compare=False)
    weights: np.ndarray = field(repr=False, compare=False)


@dataclass(frozen=True)
class Frontier:
    """The Pareto frontier for one criterion: ``points`` (a table) and their rules.

    ``points`` has one row per frontier point, best disparity first: label, tolerance,
    disparity, accuracy, balanced_accuracy, expected_cost, selection_rate, randomized and
    degenerate (see :mod:`fairness_core.tradeoffs._warnings`).
    ``operating_points`` are aligned with its rows.
    """

    criterion: Criterion
    objective: Objective
    cost_ratio: float
    randomized: bool
    points: pd.DataFrame = field(repr=False, compare=False)
    operating_points: tuple[OperatingPoint, ...] = field(repr=False, compare=False)


# -- strategies -------------------------------------------------------------------------


def find_strategy(
    sweep: ThresholdSweep,
    strategy: str,
    *,
    objective: Objective = "accuracy",
    cost_ratio: float = 1.0,
    randomized: bool = False,
    tolerance: float = 0.0,
) -> OperatingPoint:
    """The operating point of a one-click strategy (see :data:`STRATEGIES`).

    Fairness strategies give the best objective whose disparity is at most ``tolerance``;
    ``tolerance=0`` with ``randomized=True`` is exact parity, as fairlearn's
    ThresholdOptimizer. Single thresholds rarely reach exact parity: without randomization
    allow a small tolerance (e.g. 0.01), or the answer may be to decide alike for everyone.
    """
    if strategy not in STRATEGIES:
        raise InvalidInputError(
            f"strategy must be one of {', '.join(STRATEGIES)}. Got {strategy!r} instead. "
            "Pick a strategy by its name."
        )
    c = _cost(objective, cost_ratio)
    tolerance = _check_tolerance(tolerance)
    value = _values(sweep, c)
    title = STRATEGIES[strategy].title
    if strategy == "single_threshold":
        k = int(np.argmax(value.sum(axis=0)))
        return _deterministic(sweep, np.full(sweep.n_groups, k), title, strategy, None)
    if strategy == "best_per_group":
        return _deterministic(sweep, value.argmax(axis=1), title, strategy, None)
    criterion = STRATEGIES[strategy].criterion
    assert criterion is not None  # noqa: S101 - every other strategy has a criterion
    if criterion == "equalized_odds":
        return _equalized_odds_within(sweep, c, tolerance, title, strategy)
    point = _solve_window(sweep, criterion, c, tolerance, randomized=randomized)
    if point is None:
        disparity = DISPARITIES[check_criterion(criterion).disparity].lower()
        raise InvalidInputError(
            f"No single threshold per group keeps the {disparity} within {tolerance:.3f}. "
            "Expected a tolerance the groups can meet. Allow a larger difference, or allow "
            "randomized decisions."
        )
    return _relabel(point, title, strategy)


def find_frontier(
    sweep: ThresholdSweep,
    criterion: Criterion,
    *,
    objective: Objective = "accuracy",
    cost_ratio: float = 1.0,
    randomized: bool = False,
    steps: int = 40,
) -> Frontier:
    """The Pareto frontier of the objective against the criterion's disparity.

    ``steps`` tolerances are tried between 0 and the disparity of the unconstrained best
    (plus a few small ones near 0); the points found are filtered to those no other point
    beats on both. Equalized odds is always randomized.
    """
    spec = check_criterion(criterion)
    c = _cost(objective, cost_ratio)
    ratio = check_cost_ratio(cost_ratio)
    if steps < 2:
        raise InvalidInputError(f"steps must be at least 2. Got {steps} instead. Use 40.")
    best = find_strategy(sweep, "best_per_group", objective=objective, cost_ratio=cost_ratio)
    ceiling = float(_summary(sweep, best, c)[spec.disparity])
    ceiling = 0.0 if not np.isfinite(ceiling) else ceiling
    tolerances = np.unique(np.r_[0.0, 0.001, 0.002, 0.005, np.linspace(0.0, ceiling, steps + 1)])
    tolerances = tolerances[tolerances <= ceiling + _EPS]
    randomized = randomized or criterion == "equalized_odds"
    found: list[tuple[float, OperatingPoint]] = []
    if criterion == "equalized_odds":
        base = _equalized_odds_point(sweep, c)
        for share in np.linspace(0.0, 1.0, steps + 1):
            found.append((float(share), _mix(base, best, float(share))))
    else:
        solve = _window_solver(sweep, criterion, c, randomized=randomized)
        for tolerance in tolerances:
            point = solve(float(tolerance))
            if point is not None:
                found.append((float(tolerance), point))
    found.append((ceiling, best))
    rows = []
    for tolerance, point in found:
        summary = _summary(sweep, point, ratio)
        rows.append(
            {
                "tolerance": tolerance,
                **summary,
                "randomized": _is_randomized(point),
                "degenerate": _degenerate(sweep, point, summary),
            }
        )
    table = pd.DataFrame(rows)
    table["disparity"] = table[spec.disparity]
    table["objective"] = (
        -table["expected_cost"] if objective == "expected_cost" else table["accuracy"]
    )
    keep = _pareto(table["disparity"].to_numpy(), table["objective"].to_numpy())
    points = [found[i][1] for i in keep]
    table = table.iloc[keep].reset_index(drop=True)
    kind = " (randomized)" if randomized else ""
    labels = [
        f"{spec.title}{kind}: disparity {d:.3f}, accuracy {a:.1%}"
        for d, a in zip(table["disparity"], table["accuracy"], strict=True)
    ]
    table.insert(0, "label", labels)
    points = [
        _relabel(p, label, "frontier", criterion) for p, label in zip(points, labels, strict=True)
    ]
    return Frontier(criterion, objective, float(cost_ratio), randomized, table, tuple(points))


def summarize_points(
    sweep: ThresholdSweep, points: Sequence[OperatingPoint], *, cost_ratio: float = 1.0
) -> pd.DataFrame:
    """One row per point: label, strategy, randomized, accuracy, costs, disparities, degenerate."""
    c = check_cost_ratio(cost_ratio)
    rows = []
    for point in points:
        rows.append(
            {
                "label": point.label,
                "strategy": point.strategy,
                "randomized": point.randomized,
                **(summary := _summary(sweep, point, c)),
                "degenerate": _degenerate(sweep, point, summary),
            }
        )
    return pd.DataFrame(rows)


# -- evaluation -------------------------------------------------------------------------


# -- window solver (demographic parity, equal opportunity, equal accuracy) -------------


def _solve_window(
    sweep: ThresholdSweep, criterion: Criterion, c: float, tolerance: float, *, randomized: bool
) -> OperatingPoint | None:
    return _window_solver(sweep, criterion, c, randomized=randomized)(tolerance)


def _window_solver(
    sweep: ThresholdSweep, criterion: Criterion, c: float, *, randomized: bool
) -> Callable[[float], OperatingPoint | None]:
    """Prepare the per-group tables once; the result solves for any tolerance."""
    spec = check_criterion(criterion)
    value = _values(sweep, c)
    tp, fp = sweep.selected[..., 1], sweep.selected[..., 0]
    level = group_rates(tp, fp, sweep.positives[:, None], sweep.negatives[:, None])[spec.rate]
    constrained = [g for g in range(sweep.n_groups) if np.isfinite(level[g]).all()]
    best = value.argmax(axis=1)  # unconstrained groups keep their best threshold
    if randomized:
        hulls = [(g, *_upper_hull(level[g], value[g])) for g in constrained]
        return lambda tolerance: _solve_hull(best, criterion, hulls, tolerance)
    prepared = []
    for g in constrained:
        order = np.argsort(level[g], kind="stable")
        xs, vs = level[g][order], value[g][order]
        prepared.append((g, order, xs, vs, _sparse_argmax(vs)))
    starts = np.unique(np.concatenate([xs for _, _, xs, _, _ in prepared] or [np.zeros(1)]))
    if len(starts) > MAX_LEVELS:
        starts = starts[np.linspace(0, len(starts) - 1, MAX_LEVELS).round().astype(np.int64)]
    return lambda tolerance: _solve_deterministic(
        sweep, best, criterion, prepared, starts, tolerance
    )


def _solve_deterministic(sweep, best, criterion, prepared, starts, tolerance):
    indices = best.copy()
    if not prepared:
        return _deterministic(sweep, indices, "", "frontier", criterion)
    total = np.zeros(len(starts))
    chosen = []
    for _, _, xs, vs, table in prepared:
        lo = np.searchsorted(xs, starts - _EPS, side="left")
        hi = np.searchsorted(xs, starts + tolerance + _EPS, side="right")
        pos = _query_argmax(table, vs, lo, hi)
        total += np.where(hi > lo, vs[np.minimum(pos, len(vs) - 1)], -np.inf)
        chosen.append(pos)
    top = int(np.argmax(total))
    if not np.isfinite(total[top]):
        return None
    for (g, order, _, _, _), pos in zip(prepared, chosen, strict=True):
        indices[g] = order[pos[top]]
    return _deterministic(sweep, indices, "", "frontier", criterion)


def _solve_hull(best, criterion, hulls, tolerance):
    n_groups = len(best)
    indices = np.repeat(best[:, None], 2, axis=1)
    weights = np.zeros((n_groups, 2))
    weights[:, 0] = 1.0
    if not hulls:
        return OperatingPoint("", "frontier", criterion, True, indices, weights)
    vertex_x = np.concatenate([hx for _, hx, _, _ in hulls])
    starts = np.unique(np.r_[vertex_x, vertex_x - tolerance])
    total = np.zeros(len(starts))
    targets = []
    for _, hx, hv, _ in hulls:
        peak = hx[int(np.argmax(hv))]
        target = np.clip(peak, starts, starts + tolerance)
        feasible = (starts <= hx[-1] + _EPS) & (starts + tolerance >= hx[0] - _EPS)
        target = np.clip(target, hx[0], hx[-1])
        total += np.where(feasible, np.interp(target, hx, hv), -np.inf)
        targets.append(target)
    top = int(np.argmax(total))
    if not np.isfinite(total[top]):
        return None
    for (g, hx, _, hk), target in zip(hulls, targets, strict=True):
        indices[g], weights[g] = _hull_mixture(hx, hk, float(target[top]))
    return OperatingPoint("", "frontier", criterion, True, indices, weights)


def _upper_hull(x: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices (x, v, threshold index) of the upper concave hull of the points (x, v)."""
    order = np.lexsort((v, x))
    xs, vs = x[order], v[order]
    last = np.r_[xs[1:] != xs[:-1], True]  # per distinct x, the highest v
    order, xs, vs = order[last], xs[last], vs[last]
    hull: list[int] = []
    for i in range(len(xs)):
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            cross = (xs[b] - xs[a]) * (vs[i] - vs[a]) - (vs[b] - vs[a]) * (xs[i] - xs[a])
            if cross >= 0:
                hull.pop()
            else:
                break
        hull.append(i)
    keep = np.asarray(hull)
    return xs[keep], vs[keep], order[keep]


def _hull_mixture(hx: np.ndarray, hk: np.ndarray, target: float) -> tuple[np.ndarray, np.ndarray]:
    """The two thresholds (and weights) whose mixture reaches ``target`` on the hull."""
    if len(hx) == 1:
        return np.array([hk[0], hk[0]]), np.array([1.0, 0.0])
    j = int(np.clip(np.searchsorted(hx, target, side="right") - 1, 0, len(hx) - 2))
    share = float(np.clip((target - hx[j]) / (hx[j + 1] - hx[j]), 0.0, 1.0))
    return np.array([hk[j], hk[j + 1]]), np.array([1.0 - share, share])


def _sparse_argmax(values: np.ndarray) -> list[np.ndarray]:
    """Sparse table: level j holds the argmax of values[i : i + 2**j]."""
    table = [np.arange(len(values))]
    span = 1
    while 2 * span <= len(values):
        prev = table[-1]
        left, right = prev[: len(values) - 2 * span + 1], prev[span : len(values) - span + 1]
        table.append(np.where(values[right] > values[left], right, left))
        span *= 2
    return table


def _query_argmax(
    table: list[np.ndarray], values: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Argmax of values[lo:hi] per query (any index where the range is empty)."""
    length = np.maximum(hi - lo, 1)
    level = np.floor(np.log2(length)).astype(np.int64)
    result = np.zeros(len(lo), dtype=np.int64)
    for j in np.unique(level):
        mask = level == j
        row = table[int(j)]
        a = np.minimum(lo[mask], len(row) - 1)
        b = np.clip(hi[mask] - (1 << int(j)), 0, len(row) - 1)
        left, right = row[a], row[b]
        result[mask] = np.where(values[right] > values[left], right, left)
    return result


# -- equalized odds ---------------------------------------------------------------------


def _equalized_odds_point(sweep: ThresholdSweep, c: float) -> OperatingPoint:
    """fairlearn's construction, solved exactly: the best point under every ROC hull."""
    tp, fp = sweep.selected[..., 1], sweep.selected[..., 0]
    p, n = sweep.positives, sweep.negatives
    value = tp - c * fp
    last = len(sweep.thresholds) - 1
    indices = np.zeros((sweep.n_groups, 4), dtype=np.int64)
    indices[:] = value.argmax(axis=1)[:, None]
    weights = np.zeros((sweep.n_groups, 4))
    weights[:, 0] = 1.0
    constrained = [g for g in range(sweep.n_groups) if p[g] > 0 and n[g] > 0]
    if not constrained:
        return OperatingPoint("", "equalized_odds", "equalized_odds", True, indices, weights)
    hulls = [(g, *_upper_hull(fp[g] / n[g], tp[g] / p[g])) for g in constrained]
    grid = np.unique(np.concatenate([hx for _, hx, _, _ in hulls]))
    curves = np.array([np.interp(grid, hx, hy) for _, hx, hy, _ in hulls])
    crossings = [grid]
    for a in range(len(hulls)):
        for b in range(a + 1, len(hulls)):
            d = curves[a] - curves[b]
            change = np.flatnonzero(d[:-1] * d[1:] < 0)
            share = d[change] / (d[change] - d[change + 1])
            crossings.append(grid[change] + share * (grid[change + 1] - grid[change]))
    grid = np.unique(np.concatenate(crossings))
    envelope = np.min([np.interp(grid, hx, hy) for _, hx, hy, _ in hulls], axis=0)
    p_c = sum(p[g] for g in constrained)
    n_c = sum(n[g] for g in constrained)
    best = int(np.argmax(p_c * envelope - c * n_c * grid))
    f, t = float(grid[best]), float(envelope[best])
    for g, hx, hy, hk in hulls:
        pair, share = _hull_mixture(hx, hk, f)
        h = float(np.interp(f, hx, hy))
        ignore = (h - t) / (h - f) if h - f > _EPS else 0.0
        ignore = float(np.clip(ignore, 0.0, 1.0))
        # With probability ``ignore`` the score is ignored and a coin with P(yes) = f decides:
        # the mixture of "everybody" (threshold 0) and "nobody" (the last threshold).
        indices[g] = [pair[0], pair[1], 0, last]
        weights[g] = [
            (1 - ignore) * share[0],
            (1 - ignore) * share[1],
            ignore * f,
            ignore * (1 - f),
        ]
    return OperatingPoint("", "equalized_odds", "equalized_odds", True, indices, weights)


def _equalized_odds_within(
    sweep: ThresholdSweep, c: float, tolerance: float, title: str, strategy: str
) -> OperatingPoint:
    base = _equalized_odds_point(sweep, c)
    if tolerance <= 0:
        return _relabel(base, title, strategy)
    best = _deterministic(sweep, _values(sweep, c).argmax(axis=1), "", "", None)
    chosen = base
    for share in np.linspace(0.0, 1.0, 201):
        mixed = _mix(base, best, float(share))
        if _summary(sweep, mixed, c)["equalized_odds_difference"] <= tolerance + _EPS:
            chosen = mixed
    return _relabel(chosen, title, strategy)


def _mix(a: OperatingPoint, b: OperatingPoint, share: float) -> OperatingPoint:
    """Apply ``b`` with probability ``share`` and ``a`` otherwise, per person."""
    indices = np.concatenate([a.indices, b.indices], axis=1)
    weights = np.concatenate([(1 - share) * a.weights, share * b.weights], axis=1)
    randomized = a.randomized or (b.randomized and share > 0) or 0 < share < 1
    return OperatingPoint(a.label, a.strategy, a.criterion, randomized, indices, weights)


# -- shared helpers ---------------------------------------------------------------------


def _cost(objective: Objective, cost_ratio: float) -> float:
    ratio = check_cost_ratio(cost_ratio)
    if objective not in ("accuracy", "expected_cost"):
        raise InvalidInputError(
            f"objective must be 'accuracy' or 'expected_cost'. Got {objective!r} instead. "
            "Choose what the thresholds should make best."
        )
    return 1.0 if objective == "accuracy" else ratio


def _check_tolerance(tolerance: float) -> float:
    value = float(tolerance)
    if not np.isfinite(value) or not 0 <= value <= 1:
        raise InvalidInputError(
            f"The allowed disparity must be a number from 0 to 1. Got {tolerance!r} instead. "
            "Use 0 for exact parity, or a small difference such as 0.02."
        )
    return value


def _values(sweep: ThresholdSweep, c: float) -> np.ndarray:
    return sweep.selected[..., 1] - c * sweep.selected[..., 0]


def _deterministic(sweep, indices, label, strategy, criterion) -> OperatingPoint:
    idx = np.asarray(indices, dtype=np.int64).reshape(sweep.n_groups, 1)
    return OperatingPoint(label, strategy, criterion, False, idx, np.ones((sweep.n_groups, 1)))


def _relabel(point: OperatingPoint, label: str, strategy: str, criterion=None) -> OperatingPoint:
    crit = criterion if criterion is not None else point.criterion
    if strategy in STRATEGIES and STRATEGIES[strategy].criterion is not None:
        crit = STRATEGIES[strategy].criterion
    randomized = _is_randomized(point)
    return OperatingPoint(label, strategy, crit, randomized, point.indices, point.weights)


def _is_randomized(point: OperatingPoint) -> bool:
    """Whether some group's rule really mixes two or more different thresholds."""
    for indices, weights in zip(point.indices, point.weights, strict=True):
        if len(set(indices[weights > 1e-9].tolist())) > 1:
            return True
    return False


def _cells(table: np.ndarray, point: OperatingPoint) -> tuple[np.ndarray, np.ndarray]:
    """Expected (negatives, positives) selected per group under ``point``."""
    rows = np.arange(table.shape[0])[:, None]
    picked = table[rows, point.indices]  # (G, M, 2)
    mixed = (picked * point.weights[..., None]).sum(axis=1)
    return mixed[:, 0], mixed[:, 1]


def _summary(sweep: ThresholdSweep, point: OperatingPoint, c: float) -> dict[str, float]:
    fp, tp = _cells(sweep.selected, point)
    return _summary_from_cells(sweep, tp, fp, c)


def _degenerate(sweep: ThresholdSweep, point: OperatingPoint, summary: dict[str, float]) -> bool:
    fp, tp = _cells(sweep.selected, point)
    rates = group_rates(tp, fp, sweep.positives, sweep.negatives)["selection_rate"]
    return is_degenerate(rates, summary["balanced_accuracy"])


def _summary_from_cells(sweep, tp, fp, c: float) -> dict[str, float]:
    p, n = sweep.positives, sweep.negatives
    overall = group_rates(tp.sum(), fp.sum(), p.sum(), n.sum())
    rates = group_rates(tp, fp, p, n)
    out = {
        "accuracy": float(overall["accuracy"]),
        "balanced_accuracy": float(balanced_accuracy(tp.sum(), fp.sum(), p.sum(), n.sum())),
        "expected_cost": float((c * fp.sum() + (p.sum() - tp.sum())) / sweep.total),
        "selection_rate": float(overall["selection_rate"]),
    }
    out.update({k: float(v) for k, v in disparities_of(rates).items()})
    return out


def _pareto(disparity: np.ndarray, objective: np.ndarray) -> list[int]:
    """Rows not beaten on both (lower disparity, higher objective), by disparity."""
    d = np.round(np.nan_to_num(disparity, nan=np.inf), 12)
    o = np.round(objective, 12)
    order = np.lexsort((-o, d))
    keep, best = [], -np.inf
    for i in order.tolist():
        if o[i] > best:
            keep.append(i)
            best = o[i]
    return keep
