"""Monitoring's PeriodCounts from DuckDB (and Spark) equal compute_period_counts' in memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import make_rows

from fairness_core.data import ColumnRoles
from fairness_core.engines import count_periods
from fairness_core.monitoring import PeriodCounts


def decision_log(seed: int) -> pd.DataFrame:
    """Rows over four months, a tenth of them without an outcome yet (late outcomes)."""
    frame = make_rows(seed, n=2500)
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 120, len(frame)), "D")
    frame["decided_on"] = days.strftime("%Y-%m-%d")
    frame["outcome"] = frame["outcome"].astype("float64")
    frame.loc[rng.random(len(frame)) < 0.1, "outcome"] = np.nan
    return frame


def assert_same_periods(want: PeriodCounts, got: PeriodCounts) -> None:
    assert got.periods == want.periods
    assert got.labels == want.labels
    assert got.weighted == want.weighted
    np.testing.assert_array_equal(got.known_cells, want.known_cells)
    np.testing.assert_array_equal(got.pending_cells, want.pending_cells)
    for name in ("known_weighted", "known_squared", "pending_weighted", "pending_squared"):
        np.testing.assert_allclose(getattr(got, name), getattr(want, name), rtol=1e-12)


@pytest.mark.parametrize("source", ["prediction", "score"])
def test_duckdb_fills_period_counts_as_memory_does(tmp_path: Path, source: str) -> None:
    """Per month and group: known cells and pending decisions, weighted, missing sex kept."""
    path = tmp_path / "log.parquet"
    decision_log(41).to_parquet(path, index=False)
    roles = ColumnRoles(
        target="outcome", positive_label=1, protected=("sex", "race"), source=source,  # type: ignore[arg-type]
        prediction="decision", score="score", weight="weight",
    )  # fmt: skip
    options: dict[str, Any] = {"time_column": "decided_on", "period": "month"}
    memory = count_periods(path, roles, ("sex", "race"), engine="memory", **options)
    duck = count_periods(path, roles, ("sex", "race"), engine="duckdb", **options)
    assert memory.periods == ("2026-01", "2026-02", "2026-03", "2026-04")
    assert memory.pending_cells.sum() > 0
    assert any(labels[0] == "(missing)" for labels in memory.labels)
    assert_same_periods(memory, duck)


def test_duckdb_period_counts_of_decisions_only(tmp_path: Path) -> None:
    """A log without an outcome column: every row is pending, counted by its decision."""
    path = tmp_path / "log.parquet"
    decision_log(42).drop(columns=["outcome"]).to_parquet(path, index=False)
    roles = ColumnRoles(
        target="", positive_label=1, protected=("race",), source="prediction",
        prediction="decision",
    )  # fmt: skip
    options: dict[str, Any] = {"time_column": "decided_on", "period": "quarter"}
    memory = count_periods(path, roles, ("race",), engine="memory", **options)
    duck = count_periods(path, roles, ("race",), engine="duckdb", **options)
    assert memory.known_cells.sum() == 0
    assert_same_periods(memory, duck)


@pytest.mark.slow
def test_spark_fills_period_counts_as_memory_does(tmp_path: Path, spark: Any) -> None:
    """The same on the shared local[2] Spark session."""
    path = tmp_path / "log.parquet"
    decision_log(43).to_parquet(path, index=False)
    roles = ColumnRoles(
        target="outcome", positive_label=1, protected=("sex",), source="prediction",
        prediction="decision", weight="weight",
    )  # fmt: skip
    options: dict[str, Any] = {"time_column": "decided_on", "period": "month"}
    memory = count_periods(path, roles, ("sex",), engine="memory", **options)
    on_spark = count_periods(path, roles, ("sex",), engine="spark", spark_session=spark, **options)
    assert_same_periods(memory, on_spark)
