"""Benchmark: ``fairness-explorer audit`` end to end against a plain fairlearn script.

Measured in one run, each side a fresh ``python`` process timed from outside (interpreter
start, imports, reading the file, computing, writing the result):

1. ``fairness-explorer audit`` on a Parquet file of ``--rows`` rows (default 1,000,000) with
   three protected attributes intersected (2 × 5 × 4 = 40 groups) and a prediction column,
   JSON written to a file — the whole subgroup report (six rate metrics, intervals, tests,
   Holm correction, verdicts, summaries);
2. the obvious alternative: a script that reads the same file with pandas and builds a
   fairlearn ``MetricFrame`` over the same intersections (six metrics, ``by_group``,
   ``difference()`` and ``ratio()``), written as JSON.

Target: the audit at least 10× faster. To keep the comparison fair, the two sides run in
turn (``--pairs`` times, audit then fairlearn, so a change in the machine's load hits both)
and the ratio is of their medians; afterwards the script checks that both computed the
same thing: the same 40 groups with the same number of rows in all, and per group the same
selection rate, true and false positive rates and accuracy (at most 1e-12 apart). The audit
also computes precision, intervals, 1,000 bootstrap replicates, tests and verdicts, so the
ratio understates it, if anything.

Also printed: ``fairness-explorer audit --help`` (and every other subcommand's ``--help``)
against ``python -c "import pandas"`` (target: under 1 s). The data is generated into a
temporary folder and deleted afterwards.

Python normally keeps compiled bytecode after a module's first import; this sandbox sets
``PYTHONDONTWRITEBYTECODE``, so every process would compile every module again. Both sides
therefore run with a bytecode cache in the temporary folder (``PYTHONPYCACHEPREFIX``),
filled by one untimed run of each side first.

    .venv/bin/python benchmarks/bench_audit_end_to_end.py
    .venv/bin/python benchmarks/bench_audit_end_to_end.py --rows 100000   # a quick run
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
ATTRIBUTES = (
    ("sex", ("female", "male")),
    ("race", ("Asian", "Black", "Hispanic", "Other", "White")),
    ("age_band", ("under 25", "25-44", "45-64", "65 and over")),
)
SUBCOMMANDS = ("audit", "monitor", "replay", "app")
FAIRLEARN_SCRIPT = """
import json, sys
import pandas as pd
import sklearn.metrics as skm
from fairlearn.metrics import (MetricFrame, false_negative_rate, false_positive_rate,
    selection_rate, true_negative_rate, true_positive_rate)

frame = pd.read_parquet(sys.argv[1])
result = MetricFrame(
    metrics={"selection_rate": selection_rate, "true_positive_rate": true_positive_rate,
             "false_positive_rate": false_positive_rate,
             "false_negative_rate": false_negative_rate,
             "true_negative_rate": true_negative_rate, "accuracy": skm.accuracy_score},
    y_true=frame["approved"], y_pred=frame["predicted"],
    sensitive_features=frame[["sex", "race", "age_band"]],
)
out = {"by_group": result.by_group.reset_index().to_dict("records"),
       "difference": result.difference().to_dict(), "ratio": result.ratio().to_dict()}
with open(sys.argv[2], "w") as f:
    json.dump(out, f, default=str)
"""


def make_file(rows: int, path: Path, seed: int = 0) -> None:
    """A decision log: three protected attributes, an outcome, a decision and a few others."""
    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {
        name: pd.Categorical.from_codes(rng.integers(0, len(labels), rows), labels).astype(str)
        for name, labels in ATTRIBUTES
    }
    approved = (rng.random(rows) < 0.4).astype(np.int8)
    columns["approved"] = approved
    columns["predicted"] = (rng.random(rows) < 0.2 + 0.5 * approved).astype(np.int8)
    columns["score"] = rng.random(rows)
    columns["income"] = rng.normal(50_000, 10_000, rows).round(2)
    columns["region"] = rng.choice([f"region {i}" for i in range(20)], rows)
    pd.DataFrame(columns).to_parquet(path, index=False)


def run(command: list[str], env: dict[str, str]) -> float:
    """Seconds one command takes, from process start to exit (it must succeed)."""
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    return time.perf_counter() - started


#: The audit's metric for each column of the fairlearn script's ``by_group`` it is checked on.
COMPARED = ("selection_rate", "true_positive_rate", "false_positive_rate", "accuracy")


def same_numbers(audit_json: Path, fairlearn_json: Path, rows: int) -> str:
    """Check both sides computed the same groups and rates; a line saying so.

    Raises ``SystemExit`` when they differ: then the timing compares different work.
    """
    audit = json.loads(audit_json.read_text(encoding="utf-8"))
    fairlearn = json.loads(fairlearn_json.read_text(encoding="utf-8"))
    names = [name for name, _ in ATTRIBUTES]
    ours = {
        tuple(group["attributes"][name] for name in names): group
        for group in audit["groups"]
        if set(group["attributes"]) == set(names)
    }
    theirs = {tuple(record[name] for name in names): record for record in fairlearn["by_group"]}
    if set(ours) != set(theirs):
        raise SystemExit(f"The two sides found different groups: {sorted(set(ours) ^ set(theirs))}")
    counted = sum(group["n"] for group in ours.values())
    if counted != rows or audit["data"]["rows"] != rows:
        raise SystemExit(f"The audit counted {counted:,} of {rows:,} rows.")
    worst = max(
        abs(ours[key]["metrics"][metric]["value"] - theirs[key][metric])
        for key in ours
        for metric in COMPARED
    )
    if not math.isfinite(worst) or worst > 1e-12:
        raise SystemExit(f"The two sides' rates differ by up to {worst:.2e}.")
    return (
        f"same {len(ours)} groups and {rows:,} rows; {len(COMPARED)} rates per group agree "
        f"(largest difference {worst:.1e})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each --help and pandas")
    parser.add_argument(
        "--pairs", type=int, default=2, help="runs of the audit and of fairlearn, in turn"
    )
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "decisions.parquet"
        make_file(args.rows, data)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
        audit = [python, "-m", "fairness_core.cli", "audit", "--data", str(data)]
        audit += ["--target", "approved", "--positive-label", "1", "--prediction", "predicted"]
        for name, _ in ATTRIBUTES:
            audit += ["--protected", name]
        audit += ["--intersect", "--out", str(folder / "audit.json")]
        fairlearn = [python, "-c", FAIRLEARN_SCRIPT, str(data), str(folder / "fairlearn.json")]
        pandas_import = [python, "-c", "import pandas"]
        helps = {sub: [python, "-m", "fairness_core.cli", sub, "--help"] for sub in SUBCOMMANDS}

        # Untimed: fill the bytecode cache of both sides.
        run(audit, env)
        run([python, "-c", "import pandas, sklearn.metrics, fairlearn.metrics"], env)

        def median(command: list[str]) -> float:
            return statistics.median(run(command, env) for _ in range(args.repeats))

        t_pandas = median(pandas_import)
        t_help = {sub: median(command) for sub, command in helps.items()}
        runs: dict[str, list[float]] = {"audit": [], "fairlearn": []}
        for _ in range(args.pairs):  # in turn: a change in the machine's load hits both
            runs["audit"].append(run(audit, env))
            runs["fairlearn"].append(run(fairlearn, env))
        t_audit = statistics.median(runs["audit"])
        t_fairlearn = statistics.median(runs["fairlearn"])
        agreement = same_numbers(folder / "audit.json", folder / "fairlearn.json", args.rows)

    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}")
    print(
        f"load average {os.getloadavg()[0]:.1f}; --help and pandas: median of {args.repeats} "
        f"fresh processes; audit and fairlearn: median of {args.pairs}, run in turn\n"
    )
    print("1. start-up")
    print(f"   python -c 'import pandas':          {t_pandas:7.3f} s")
    for sub, seconds in t_help.items():
        label = f"fairness-explorer {sub} --help:"
        print(f"   {label:36}{seconds:7.3f} s  ({seconds / t_pandas:.2f}× import pandas)")
    slowest = max(t_help.values())
    print(f"   slowest --help {slowest:.3f} s ({'within' if slowest < 1 else 'OVER'} 1 s)\n")
    print(f"2. audit of {args.rows:,} rows, Parquet, 3 attributes intersected (40 groups)")
    each = {side: ", ".join(f"{t:.2f}" for t in times) for side, times in runs.items()}
    fairlearn_line = f"plain fairlearn script (read + MetricFrame): {t_fairlearn:7.2f} s"
    print(f"   {fairlearn_line}  ({each['fairlearn']})")
    print(f"   {'fairness-explorer audit:':45}{t_audit:7.2f} s  ({each['audit']})")
    print(f"   {agreement}")
    ratio = t_fairlearn / t_audit
    verdict = "meets" if ratio >= 10 else "MISSES"
    print(f"   speed-up: {ratio:.1f}×  ({verdict} the ≥ 10× bar)")


if __name__ == "__main__":
    main()
