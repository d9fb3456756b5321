"""Benchmark: what importing fairness_core costs, against importing pandas, in one run.

Each measurement starts a fresh interpreter (so nothing is cached in ``sys.modules``) and
times the import inside it with ``time.perf_counter``; the median of ``--repeats`` runs is
printed, then the extra cost over ``import pandas`` (the floor: every audit needs pandas).

1. ``import pandas`` — the baseline;
2. ``import fairness_core`` — must cost at most a few tenths of a second more (issue 14);
3. each sub-package, to show where the cost of a task lives;
4. ``import fairness_core.cli`` — what ``fairness-explorer --help`` pays before parsing.

    .venv/bin/python benchmarks/bench_import.py
    .venv/bin/python benchmarks/bench_import.py --repeats 3   # a quicker run
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = [
    "pandas",
    "fairness_core",
    "fairness_core.cli",
    "fairness_core.data",
    "fairness_core.metrics",
    "fairness_core.models",
    "fairness_core.dataset_check",
    "fairness_core.tradeoffs",
    "fairness_core.whatif",
    "fairness_core.report",
    "fairness_core.plots",
]


def time_import(module: str) -> float:
    """Seconds to import ``module`` in a fresh interpreter (after Python itself started)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run(  # noqa: S603 - fixed interpreter, fixed module names
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    medians = {m: statistics.median(time_import(m) for _ in range(args.repeats)) for m in TARGETS}
    base = medians["pandas"]
    print(f"median of {args.repeats} fresh interpreters each")
    print(f"{'import':32} {'seconds':>8} {'vs pandas':>10}")
    for module, seconds in medians.items():
        print(f"{module:32} {seconds:8.3f} {seconds - base:+10.3f}")
    extra = medians["fairness_core"] - base
    verdict = "within" if extra <= 0.3 else "OVER"
    print(f"\nimport fairness_core costs {extra:+.3f} s against import pandas ({verdict} 0.3 s)")


if __name__ == "__main__":
    main()
