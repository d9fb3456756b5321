"""Benchmark: the Spark engine through a Spark Connect server next to Spark in local mode.

Generates the same synthetic log as ``bench_engines.py`` (sex, race, age cut into bands,
outcome, decision, float32 score) at the size of the engine contract's data (``--small``,
default 1,500 rows) and at ``--rows`` (default 1M, one Parquet file), starts one Spark
Connect server (``local[2]`` in its own JVM, pyspark's spark-submit) on a free port, then
times each whole command in its own child process:
``fairness-explorer audit --engine spark --spark-master local[2] | sc://localhost:PORT
--score score --protected sex --protected race --protected age --intersect``, importing
included, and checks that both documents agree to 1e-12. Both are Spark on this machine's
cores (no speed bar); the Connect time is what a client adds on top of a warm server.

    .venv/bin/python benchmarks/bench_spark_connect.py
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_engines import _same_groups, audit_command, generate, measure


def start_server(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """One Spark Connect server on a free port; its URL once it says it started."""
    from pyspark.find_spark_home import _find_spark_home

    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        port = probe.getsockname()[1]
    command = [
        "bash", str(Path(_find_spark_home()) / "bin" / "spark-submit"),
        "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
        "--master", "local[2]", "--conf", f"spark.connect.grpc.binding.port={port}",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=2",
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - a fixed command
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    while "Spark Connect server started" not in log.read_text(errors="replace"):
        if server.poll() is not None:
            raise SystemExit(f"The server did not start:\n{log.read_text()[-2000:]}")
        time.sleep(0.5)
    return server, f"sc://localhost:{port}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=1_500)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="fe-bench-connect-"))
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()}")
    results: dict[str, object] = {}
    server = None
    try:
        start = time.perf_counter()
        server, url = start_server(work / "server.log")
        results["server start"] = round(time.perf_counter() - start, 1)
        print(f"Spark Connect server at {url} started in {results['server start']} s")
        for rows in (args.small, args.rows):
            generate(work / f"log-{rows}", rows)
            outs = {}
            for name, master in (("local[2]", "local[2]"), ("Spark Connect", url)):
                outs[name] = work / f"{rows}-{name}.json"
                command = [
                    *audit_command(str(work / f"log-{rows}"), "spark", "score", outs[name]),
                    *("--spark-master", master),
                ]
                seconds, peak, code = measure(command)
                label = f"{name} {rows:,} rows, score"
                results[label] = {"seconds": round(seconds, 1), "client_peak_gb": round(peak, 2)}
                print(f"{label:40s} {seconds:7.1f} s   peak {peak:5.2f} GB   exit {code}")
            same = _same_groups(outs["local[2]"], outs["Spark Connect"])
            print(f"local[2] and Spark Connect documents at {rows:,} rows agree: {same}")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
        shutil.rmtree(work, ignore_errors=True)
    print(f"load {os.getloadavg()}")
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
