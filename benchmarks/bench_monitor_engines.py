"""Benchmark: ``fairness-explorer monitor`` on a large decision log, in memory and in DuckDB.

One run generates a synthetic log (``--rows``, default 5M) as one Parquet file per month:
a time per second over a year (so almost every row has its own time), sex and race, a
float32 score (with a drift for one group in the second half), the decision at 0.5 and the
true outcome, a tenth of it not known yet (late outcomes). It then times the whole command
``fairness-explorer monitor --engine E --data FOLDER --time-column decided_at --score score
--target outcome --protected sex --protected race --intersect`` with ``--engine memory`` and
``--engine duckdb``, each in its own child process (wall time and peak memory from
``os.wait4``), checks that both wrote the same alerts, and prints the ratio. The data are
deleted afterwards (``--keep`` keeps them).

    PYTHONPATH=$PWD .venv/bin/python -u benchmarks/bench_monitor_engines.py
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
from bench_engines import CLI, measure


def generate(folder: Path, rows: int, seed: int = 0) -> None:
    """One Parquet file (zstd) per month of 2025."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    starts = np.array([f"2025-{m:02d}-01" for m in range(1, 13)] + ["2026-01-01"],
                      dtype="datetime64[s]")  # fmt: skip
    per_month = np.diff(np.linspace(0, rows, 13).astype(np.int64))
    races = np.array(["Asian", "Black", "Hispanic", "White", "Other"])
    for month, n in enumerate(per_month):
        span = int((starts[month + 1] - starts[month]).astype(np.int64))
        times = starts[month] + np.sort(rng.integers(0, span, n)).astype("timedelta64[s]")
        race = rng.integers(0, 5, n)
        sex = rng.integers(0, 2, n)
        logit = rng.normal(0.0, 1.5, n) - 0.2 * sex - (0.4 if month >= 6 else 0.0) * (race == 1)
        score = (1.0 / (1.0 + np.exp(-logit))).astype(np.float32)
        outcome = (rng.random(n) < score).astype(np.float64)
        outcome[rng.random(n) < 0.1] = np.nan
        table = pa.table(
            {
                "decided_at": pa.array(times, pa.timestamp("s")),
                "sex": pa.array(np.array(["female", "male"])[sex]),
                "race": pa.array(races[race]),
                "score": score,
                "outcome": pa.array(outcome, from_pandas=True),
            }
        )
        pq.write_table(table, folder / f"2025-{month + 1:02d}.parquet", compression="zstd")


def monitor_command(data: Path, engine: str, out: Path) -> list[str]:
    return [
        *CLI, "monitor", "--engine", engine, "--data", str(data), "--time-column",
        "decided_at", "--target", "outcome", "--positive-label", "1", "--score", "score",
        "--protected", "sex", "--protected", "race", "--intersect", "--max-rows",
        "100000000", "--max-cells", "1000000000", "--out", str(out),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-monitor-"))
    try:
        data = work / "log"
        generate(data, args.rows)
        size = sum(f.stat().st_size for f in data.iterdir())
        print(f"{args.rows:,} rows in {data} ({size / 1e6:.0f} MB)")
        results = {}
        for engine in ("memory", "duckdb"):
            out = work / f"{engine}.json"
            seconds, peak, code = measure(monitor_command(data, engine, out))
            document = json.loads(out.read_text(encoding="utf-8"))
            results[engine] = (seconds, peak, code, document)
            print(f"monitor --engine {engine}: {seconds:.1f} s, peak {peak:.2f} GB, exit {code}, "
                  f"{len(document['alerts'])} alerts")  # fmt: skip
        memory, duck = results["memory"], results["duckdb"]
        same = [a["message"] for a in memory[3]["alerts"]] == [
            a["message"] for a in duck[3]["alerts"]
        ]
        print(f"same alerts: {same}; memory / DuckDB time: {memory[0] / duck[0]:.1f}x, "
              f"peak memory: {memory[1] / duck[1]:.1f}x")  # fmt: skip
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
