"""Benchmark: auditing a large Parquet decision log with the DuckDB, memory and Spark engines.

One run generates a synthetic log (three protected attributes — sex, race, age cut into age
bands —, the true outcome, the model's decision and a float32 score) into a temporary folder
in chunks of 5M rows with pyarrow, then times end to end, each in its own child process
(wall time, and peak memory from ``os.wait4``'s resource usage of that child):

1. ``fairness-explorer audit --engine duckdb`` over the whole log (``--rows``, default
   100M), with the scores (histograms and calibration) and with the predictions;
2. ``--engine memory`` and a plain fairlearn script (read + MetricFrame with the same five
   metrics, difference and ratio) over the first ``--memory-rows`` (default 10M): the ratio;
3. ``--engine spark`` (``local[2]``) over the first ``--spark-rows``: time recorded (local
   mode is one machine, not a cluster, so no speed bar).

The data are deleted afterwards (``--keep`` keeps them). Check ``df -h`` first: 100M rows
take about 1 GB.

    .venv/bin/python benchmarks/bench_engines.py
    .venv/bin/python benchmarks/bench_engines.py --rows 20000000 --skip-fairlearn  # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 5_000_000
CLI = [sys.executable, "-m", "fairness_core.cli"]


def generate(folder: Path, rows: int, seed: int = 0) -> list[Path]:
    """The log as Parquet files of CHUNK rows (zstd), with a disparity by race and sex."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    races = np.array(["Asian", "Black", "Hispanic", "White", "Other"])
    sexes = np.array(["female", "male"])
    files = []
    for k, start in enumerate(range(0, rows, CHUNK)):
        n = min(CHUNK, rows - start)
        race = rng.integers(0, 5, n)
        sex = rng.integers(0, 2, n)
        age = rng.integers(18, 90, n).astype(np.int16)
        logit = rng.normal(0.0, 1.5, n) - 0.3 * (race == 1) - 0.2 * sex + 0.01 * (age - 40)
        score = (1.0 / (1.0 + np.exp(-logit))).astype(np.float32)
        outcome = (rng.random(n) < score).astype(np.int8)
        decision = (score >= 0.5).astype(np.int8)
        table = pa.table(
            {
                "sex": pa.DictionaryArray.from_arrays(pa.array(sex, pa.int8()), pa.array(sexes)),
                "race": pa.DictionaryArray.from_arrays(pa.array(race, pa.int8()), pa.array(races)),
                "age": age,
                "outcome": outcome,
                "decision": decision,
                "score": score,
            }
        )
        path = folder / f"part-{k:04d}.parquet"
        pq.write_table(table, path, compression="zstd")
        files.append(path)
    return files


def measure(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak resident memory (GB) and exit code of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - our own fixed commands
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.stderr is not None
    error = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    if child.returncode not in (0, 1):
        print(f"  failed ({child.returncode}): {error[-2000:]}")
    return seconds, usage.ru_maxrss / 1024 / 1024, child.returncode


def audit_command(data: str, engine: str, decisions: str, out: Path) -> list[str]:
    source = ["--score", "score"] if decisions == "score" else ["--prediction", "decision"]
    return [
        *CLI, "audit", "--engine", engine, "--data", data, "--target", "outcome",
        "--positive-label", "1", *source, "--protected", "sex", "--protected", "race",
        "--protected", "age", "--intersect", "--out", str(out),
    ]  # fmt: skip


def fairlearn_child(files: list[str]) -> None:
    """The plain fairlearn script: read the files, MetricFrame over the intersection."""
    import pandas as pd
    from fairlearn.metrics import (
        MetricFrame,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score, precision_score

    frame = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    bands = pd.cut(frame["age"], [-np.inf, 25, 35, 45, 55, 65, np.inf], right=False)
    metrics = {
        "selection_rate": selection_rate,
        "true_positive_rate": true_positive_rate,
        "false_positive_rate": false_positive_rate,
        "precision": lambda y, p: precision_score(y, p, zero_division=0),
        "accuracy": accuracy_score,
    }
    result = MetricFrame(
        metrics=metrics,
        y_true=frame["outcome"],
        y_pred=frame["decision"],
        sensitive_features=pd.DataFrame(
            {"sex": frame["sex"], "race": frame["race"], "age": bands.astype(str)}
        ),
    )
    print(result.difference().to_dict(), result.ratio().to_dict())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--memory-rows", type=int, default=10_000_000)
    parser.add_argument("--spark-rows", type=int, default=10_000_000)
    parser.add_argument("--skip-fairlearn", action="store_true")
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--skip-memory", action="store_true", help="DuckDB on the whole log only")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--fairlearn-child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.fairlearn_child:
        fairlearn_child(args.fairlearn_child)
        return 0
    work = Path(tempfile.mkdtemp(prefix="fe-bench-engines-"))
    print(f"machine: {os.cpu_count()} cores; data in {work}")
    print(shutil.disk_usage(work))
    results: dict[str, object] = {}
    try:
        start = time.perf_counter()
        files = generate(work / "log", args.rows)
        size = sum(f.stat().st_size for f in files) / 1e6
        print(f"generated {args.rows:,} rows in {len(files)} files, {size:,.0f} MB, "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip

        def subset(rows: int) -> tuple[str, list[Path]]:
            chosen = files[: max(1, rows // CHUNK)]
            folder = work / f"first-{rows}"
            if not folder.exists():
                folder.mkdir()
                for f in chosen:
                    (folder / f.name).symlink_to(f)
            return str(folder), chosen

        runs: list[tuple[str, list[str]]] = []
        for decisions in ("score", "prediction"):
            out = work / f"duckdb-{decisions}.json"
            runs.append(
                (f"duckdb {args.rows:,} rows, {decisions}",
                 audit_command(str(work / "log"), "duckdb", decisions, out))
            )  # fmt: skip
        memory_folder, memory_files = subset(args.memory_rows)
        runs.append(  # (removed again below with --skip-memory)
            (f"memory {args.memory_rows:,} rows, prediction",
             audit_command(memory_folder, "memory", "prediction", work / "memory.json"))
        )  # fmt: skip
        runs.append(
            (f"duckdb {args.memory_rows:,} rows, prediction",
             audit_command(memory_folder, "duckdb", "prediction", work / "duck10.json"))
        )  # fmt: skip
        if not args.skip_spark:
            spark_folder, _ = subset(args.spark_rows)
            runs.append(
                (f"spark local[2] {args.spark_rows:,} rows, score",
                 audit_command(spark_folder, "spark", "score", work / "spark.json"))
            )  # fmt: skip
        if not args.skip_fairlearn:
            runs.append(
                (f"fairlearn script {args.memory_rows:,} rows",
                 [sys.executable, __file__, "--fairlearn-child", *map(str, memory_files)])
            )  # fmt: skip
        if args.skip_memory:
            runs = [run for run in runs if run[0].startswith(f"duckdb {args.rows:,}")]
        for name, command in runs:
            seconds, peak, code = measure(command)
            results[name] = {"seconds": round(seconds, 1), "peak_gb": round(peak, 2)}
            print(f"{name:45s} {seconds:8.1f} s   peak {peak:5.2f} GB   exit {code}")
        same = _same_groups(work / "duck10.json", work / "memory.json")
        print(f"DuckDB and memory documents at {args.memory_rows:,} rows agree: {same}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=1))
    return 0


def _same_groups(a: Path, b: Path) -> bool:
    if not (a.exists() and b.exists()):
        return False
    first, second = json.loads(a.read_text()), json.loads(b.read_text())
    keys = ("overall", "groups", "summary")
    return all(
        json.dumps(first[k], sort_keys=True) == json.dumps(second[k], sort_keys=True) or
        _close(first[k], second[k]) for k in keys
    )  # fmt: skip


def _close(a: object, b: object) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, (int, float)):
        return bool(np.isclose(a, b, rtol=1e-12, atol=1e-12))
    return a == b


if __name__ == "__main__":
    raise SystemExit(main())
