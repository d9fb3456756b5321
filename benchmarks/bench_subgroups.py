"""Benchmark: subgroup metrics from group counts against fairlearn's MetricFrame.

Measured in one run on the same data:

1. ``--rows`` rows (default 1,000,000), three protected attributes (40 intersectional
   groups), six metrics with between-groups differences and ratios: fairlearn MetricFrame
   vs ``compute_group_counts`` + metrics. Prints both times, the speed-up (target ≥ 200×)
   and the largest absolute difference between the two sets of numbers (must be ≤ 1e-12).
2. Our counts from integer codes at ``--big-rows`` rows (default 10,000,000; target < 2 s),
   also with sample weights and with scores (exact per-group ROC AUC needs one sort).
3. 1,000 bootstrap replicates with intervals for the six metrics' differences and ratios
   at ``--rows`` rows (target < 2 s; the cost does not depend on the rows).
4. For the page: the whole ``compute_subgroup_report`` (counts, six metrics, Wilson and
   bootstrap intervals, tests, Holm, verdicts, summaries) from integer codes at ``--rows``.

``--quick`` uses small sizes so the script finishes in seconds (a smoke run, not a result).

    .venv/bin/python benchmarks/bench_subgroups.py            # full run, ~1 minute
    .venv/bin/python benchmarks/bench_subgroups.py --quick
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn.metrics as skm
from fairlearn.metrics import (
    MetricFrame,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fairness_core.data import GroupColumn
from fairness_core.metrics import compute_group_counts, compute_subgroup_report
from fairness_core.metrics._registry import between_groups, metric_values, values_from_cells
from fairness_core.metrics._stats import bootstrap_cells, percentile_interval

FAIRLEARN = {
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "true_negative_rate": true_negative_rate,
    "accuracy": skm.accuracy_score,
}
ATTRIBUTES = (
    ("sex", ("female", "male")),
    ("race", ("Asian", "Black", "Hispanic", "Other", "White")),
    ("age_band", ("under 25", "25–44", "45–64", "65 and over")),
)


def make_data(rows: int, seed: int = 0) -> tuple[list[GroupColumn], np.ndarray, np.ndarray]:
    """Three encoded attributes (2 × 5 × 4 = 40 groups) and 0/1 outcomes and decisions."""
    rng = np.random.default_rng(seed)
    groups = [
        GroupColumn(name, labels, rng.integers(0, len(labels), rows, dtype=np.int32))
        for name, labels in ATTRIBUTES
    ]
    shift = 0.1 * groups[1].codes / 5 + 0.05 * groups[0].codes
    y_true = (rng.random(rows) < 0.4 + shift).astype(np.int8)
    y_pred = (rng.random(rows) < 0.2 + 0.5 * y_true + shift / 2).astype(np.int8)
    return groups, y_true, y_pred


def timed(function: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """Median seconds over ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def ours(groups: list[GroupColumn], y_true: np.ndarray, y_pred: np.ndarray) -> pd.DataFrame:
    """Six metrics per group plus between-groups difference and ratio, from counts."""
    counts = compute_group_counts(groups, y_true, y_pred)
    by_group = pd.DataFrame(
        {name: metric_values(counts, name) for name in FAIRLEARN},
        index=pd.MultiIndex.from_tuples(counts.labels, names=[g.name for g in groups]),
    )
    summary = {name: between_groups(by_group[name].to_numpy()) for name in FAIRLEARN}
    by_group.loc[("difference",) * 3] = [summary[m][0] for m in FAIRLEARN]
    by_group.loc[("ratio",) * 3] = [summary[m][1] for m in FAIRLEARN]
    return by_group


def theirs(groups: list[GroupColumn], y_true: np.ndarray, y_pred: np.ndarray) -> pd.DataFrame:
    """The same numbers from fairlearn's MetricFrame on the label columns."""
    features = pd.DataFrame({g.name: np.asarray(g.labels)[g.codes] for g in groups})
    frame = MetricFrame(
        metrics=FAIRLEARN, y_true=y_true, y_pred=y_pred, sensitive_features=features
    )
    by_group = frame.by_group.astype(np.float64)
    by_group.loc[("difference",) * 3] = frame.difference()
    by_group.loc[("ratio",) * 3] = frame.ratio()
    return by_group


def bootstrap(groups: list[GroupColumn], y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Seconds for 1,000 replicates and percentile intervals of six differences and ratios."""
    counts = compute_group_counts(groups, y_true, y_pred)
    reference = int(np.argmax(counts.n))

    def run() -> None:
        draws = bootstrap_cells(counts, n_bootstrap=1000, seed=0)
        for name in FAIRLEARN:
            replicates = values_from_cells(name, draws)
            ref = replicates[:, [reference]]
            percentile_interval(replicates - ref)
            with np.errstate(divide="ignore", invalid="ignore"):
                percentile_interval(replicates / ref)

    return timed(run, repeat=5)[0]


def compare(rows: int) -> None:
    """Section 1: fairlearn MetricFrame against counts, same data, same numbers."""
    groups, y_true, y_pred = make_data(rows)
    n_groups = len(compute_group_counts(groups, y_true, y_pred).labels)
    print(f"\n1. {rows:,} rows, 3 attributes, {n_groups} intersectional groups, 6 metrics")
    fair_s, fair = timed(lambda: theirs(groups, y_true, y_pred))
    our_s, our = timed(lambda: ours(groups, y_true, y_pred), repeat=5)
    assert isinstance(fair, pd.DataFrame)
    assert isinstance(our, pd.DataFrame)
    gap = float(np.max(np.abs(our.to_numpy() - fair.loc[our.index, our.columns].to_numpy())))
    print(f"   fairlearn MetricFrame:           {fair_s:9.3f} s")
    print(f"   group counts + metrics (median): {our_s:9.3f} s")
    print(f"   speed-up:                        {fair_s / our_s:9.0f}×  (target ≥ 200×)")
    print(f"   max |difference| of all numbers: {gap:9.1e}  (per group, difference, ratio)")
    assert gap <= 1e-12, f"the numbers differ by {gap}"


def count_big(rows: int) -> None:
    """Section 2: counts alone from integer codes at many rows."""
    groups, y_true, y_pred = make_data(rows, seed=1)
    weights = np.random.default_rng(2).gamma(2.0, 1.0, rows)
    plain_s, _ = timed(lambda: compute_group_counts(groups, y_true, y_pred), repeat=3)
    weighted_s, _ = timed(
        lambda: compute_group_counts(groups, y_true, y_pred, sample_weight=weights), repeat=3
    )
    scores = np.random.default_rng(3).random(rows)
    scored_s, _ = timed(lambda: compute_group_counts(groups, y_true, y_pred, y_score=scores))
    print(f"\n2. counts from integer codes, {rows:,} rows (median of 3)")
    print(f"   unweighted:                      {plain_s:9.3f} s  (target < 2 s)")
    print(f"   with sample weights:             {weighted_s:9.3f} s")
    print(f"   with scores (AUC, Brier, ...):   {scored_s:9.3f} s  (one run; a float sort)")


def report(rows: int) -> None:
    """Sections 3 and 4: bootstrap alone, then the whole report."""
    boot_s = bootstrap(*make_data(rows, seed=3))
    print(f"\n3. 1,000 bootstrap replicates + intervals, 6 metrics × 2 kinds, {rows:,} rows")
    print(f"   median of 5:                     {boot_s:9.3f} s  (target < 2 s)")
    data = make_data(rows, seed=4)
    report_s, _ = timed(
        lambda: compute_subgroup_report(compute_group_counts(*data), metrics=list(FAIRLEARN)),
        repeat=3,
    )
    print(f"\n4. compute_subgroup_report from integer codes, {rows:,} rows, 6 metrics")
    print(f"   median of 3:                     {report_s:9.3f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows for the comparison")
    parser.add_argument("--big-rows", type=int, default=10_000_000, help="rows for counts only")
    parser.add_argument("--quick", action="store_true", help="small sizes, finishes in seconds")
    args = parser.parse_args(argv)
    rows, big_rows = (20_000, 200_000) if args.quick else (args.rows, args.big_rows)
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}")
    compare(rows)
    count_big(big_rows)
    report(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
