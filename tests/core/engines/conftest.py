"""Shared fixtures of the engine tests: seeded data sets, one small Spark session and one
Spark Connect server.

Spark needs Java. Outside CI its tests skip with the advice to install it; in CI
(``CI=true``, where ``.ci/run`` installs Java) a missing Java fails them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from fairness_core.engines import JAVA_ADVICE, java_available


def make_rows(seed: int, n: int = 3000, *, weights: bool = True) -> pd.DataFrame:
    """Random audit rows: missing protected values, an age to band, float32 scores."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "outcome": rng.integers(0, 2, n),
            "sex": rng.choice(
                np.array(["female", "male", None], dtype=object), n, p=[0.45, 0.45, 0.1]
            ),
            "race": rng.choice(["Asian", "Black", "White", "Other"], n),
            "age": rng.integers(18, 90, n).astype(np.float64),
            # Scores on the 1/1000 grid (ties, and values next to every threshold) and in
            # between, as float32 the way many logs store them.
            "score": np.where(
                rng.random(n) < 0.3, rng.integers(0, 1001, n) / 1000, rng.random(n)
            ).astype(np.float32),
            "decision": rng.integers(0, 2, n),
        }
    )
    frame.loc[rng.random(n) < 0.05, "age"] = np.nan
    if weights:
        frame["weight"] = rng.gamma(2.0, 1.0, n)
    return frame


def write_hive(frame: pd.DataFrame, root: Path, *, parts: int = 3) -> Path:
    """The rows as a hive-partitioned folder of Parquet files (region=…/part-k.parquet)."""
    regions = np.array(["north", "south"])[np.arange(len(frame)) % 2]
    for region in ("north", "south"):
        chunk = frame[regions == region].reset_index(drop=True)
        folder = root / f"region={region}"
        folder.mkdir(parents=True, exist_ok=True)
        for k, piece in enumerate(np.array_split(np.arange(len(chunk)), parts)):
            chunk.iloc[piece].to_parquet(folder / f"part-{k}.parquet", index=False)
    return root


def need_java() -> None:
    """Skip (outside CI) or fail (in CI) when Spark cannot start for want of Java."""
    if not java_available():
        reason = f"Spark needs Java, and none was found: {JAVA_ADVICE}."
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def free_port() -> int:
    """A TCP port nothing listens on now (the system's pick)."""
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local[2] Spark session for every Spark test (no UI, two shuffle partitions)."""
    need_java()
    from fairness_core.engines import spark_session

    session = spark_session("local[2]")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_connect_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The ``sc://localhost:PORT`` URL of one Spark Connect server (local[2], in its own
    JVM, started with pyspark's own spark-submit) for every Spark Connect test."""
    need_java()
    from pyspark.find_spark_home import _find_spark_home

    port = free_port()
    log = tmp_path_factory.mktemp("spark-connect") / "server.log"
    submit = Path(_find_spark_home()) / "bin" / "spark-submit"
    command = [
        "bash",  # a shell script; its mode bits may not survive every installer
        str(submit),
        "--class",
        "org.apache.spark.sql.connect.service.SparkConnectServer",
        "--master",
        "local[2]",
        *("--conf", f"spark.connect.grpc.binding.port={port}"),
        *("--conf", "spark.ui.enabled=false"),
        *("--conf", "spark.sql.shuffle.partitions=2"),
    ]
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable}
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - a fixed command
            command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 180
        while "Spark Connect server started" not in log.read_text(errors="replace"):
            if server.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:]
                pytest.fail(f"The Spark Connect server did not start:\n{tail}")
            time.sleep(0.5)
        yield f"sc://localhost:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # spark-submit and the JVM it started
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
