"""Benchmark: the dataset flip test in batches against scoring row by row.

Measured in one run on the same data — ``--rows`` rows (default 50,000) resampled with
replacement (seeded) from the loan demo's test split, scored by the demo's scikit-learn
pipeline (skops file):

1. ``compute_flip_test`` for ``gender`` (every row moved to the other gender: one batch
   prediction per group, plus the baseline scores). Target: under 5 s.
2. The obvious alternative: for each row, copy it, flip gender, and ask the model for the
   original and the flipped row one at a time. Timed on ``--sample`` rows (default 300)
   and extrapolated linearly to all rows (stated in the output). The per-row score changes
   of the sample are checked against the batched result (must agree to 1e-9).
3. ``compute_flip_test`` for ``race`` with ``zip_code`` as a proxy (three other groups per
   row: three times the predictions).

    .venv/bin/python benchmarks/bench_whatif.py
    .venv/bin/python benchmarks/bench_whatif.py --quick     # small sizes, a smoke run
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fairness_core.data import check_audit_data, get_demo
from fairness_core.whatif import ModelScorer, compute_flip_test


def median_time(function, repeats: int) -> tuple[float, object]:
    """Median wall time of ``repeats`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.sample, args.repeats = 5_000, 50, 1

    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}\n")
    demo = get_demo("loan")
    test = demo.load_test().frame
    picks = np.random.default_rng(0).integers(0, len(test), args.rows)
    frame = test.iloc[picks].reset_index(drop=True)
    audit = check_audit_data(frame, demo.roles)
    scorer = ModelScorer.from_audit(demo.load_model(), audit)

    # 1. Batched flip test.
    batched, result = median_time(lambda: compute_flip_test(scorer, audit, "gender"), args.repeats)
    print(f"1. dataset flip test, gender, {args.rows:,} rows, demo sklearn pipeline")
    print(f"   batched (median of {args.repeats}):      {batched:8.3f} s  (target < 5 s)")
    print(
        f"   decisions changed:             {result.n_changed:,} of {result.n_probes:,} "
        f"({result.changed_share:.1%})"
    )

    # 2. Row by row on a sample, extrapolated.
    sample = frame.iloc[: args.sample]
    changes = np.empty(len(sample))
    start = time.perf_counter()
    for i in range(len(sample)):
        one = sample.iloc[[i]]
        flipped = one.copy()
        flipped["gender"] = "male" if one["gender"].iloc[0] == "female" else "female"
        before = scorer.score(one)[0]
        after = scorer.score(flipped)[0]
        changes[i] = after - before
    per_row = (time.perf_counter() - start) / len(sample)
    extrapolated = per_row * args.rows
    flipped_all = frame.copy()
    flipped_all["gender"] = np.where(frame["gender"] == "female", "male", "female")
    batched_changes = scorer.score(flipped_all) - scorer.score(frame)
    gap = float(np.max(np.abs(batched_changes[: args.sample] - changes)))
    print(f"\n2. row by row: {args.sample:,} rows timed, extrapolated to {args.rows:,}")
    print(f"   per row (original + flipped):  {per_row * 1000:8.2f} ms")
    print(f"   extrapolated:                  {extrapolated:8.1f} s")
    print(f"   speed-up of the batched test:  {extrapolated / batched:8.0f}×")
    print(f"   max |difference| of changes:   {gap:8.1e}  (sample rows, batched vs one by one)")
    if gap > 1e-9:
        raise SystemExit("row-by-row and batched score changes disagree")

    # 3. Race with the zip-code proxy.
    proxied, result = median_time(
        lambda: compute_flip_test(scorer, audit, "race", proxies=["zip_code"]), args.repeats
    )
    print(f"\n3. dataset flip test, race + zip_code proxy, {args.rows:,} rows (3 moves per row)")
    print(f"   batched (median of {args.repeats}):      {proxied:8.3f} s")
    print(
        f"   decisions changed:             {result.n_changed:,} of {result.n_probes:,} "
        f"({result.changed_share:.1%})"
    )


if __name__ == "__main__":
    main()
