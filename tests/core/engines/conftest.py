"""Shared fixtures of the engine tests: seeded data sets and one small Spark session.

Spark needs Java. Outside CI its tests skip with the advice to install it; in CI
(``CI=true``, where ``.ci/run`` installs Java) a missing Java fails them.
"""

from __future__ import annotations

import os
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


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local[2] Spark session for every Spark test (no UI, two shuffle partitions)."""
    if not java_available():
        reason = f"Spark needs Java, and none was found: {JAVA_ADVICE}."
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from fairness_core.engines import spark_session

    session = spark_session("local[2]")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
