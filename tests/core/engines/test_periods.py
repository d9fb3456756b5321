"""Monitoring's PeriodCounts from DuckDB (and Spark) equal compute_period_counts' in memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from fairness_core.data import ColumnRoles
from fairness_core.engines import count_periods
from fairness_core.errors import InvalidInputError
from fairness_core.monitoring import PeriodCounts
from tests.core.engines.conftest import make_rows


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


def edge_log(seed: int, n: int = 2400) -> pd.DataFrame:
    """Times next to ISO week, quarter and year edges, as text with and without offsets."""
    rng = np.random.default_rng(seed)
    edges = pd.to_datetime(["2025-12-28", "2026-01-04", "2026-03-31", "2026-12-31", "2027-01-03"])
    instants = edges[rng.integers(0, len(edges), n)] + pd.to_timedelta(
        rng.integers(-36 * 3600, 36 * 3600, n), "s"
    )
    offsets = rng.choice(["", "Z", "+02:00", "-05:00"], n)
    frame = make_rows(seed, n=n, weights=False)
    frame["decided_at"] = [
        t.strftime("%Y-%m-%dT%H:%M:%S") + o for t, o in zip(instants, offsets, strict=True)
    ]
    return frame


ROLES = ColumnRoles(
    target="outcome", positive_label=1, protected=("race",), source="prediction",
    prediction="decision",
)  # fmt: skip


@pytest.mark.parametrize("period", ["day", "week", "month", "quarter"])
def test_text_times_with_offsets_fall_in_the_memory_paths_periods(
    tmp_path: Path, period: str
) -> None:
    """Offsets are converted to UTC first, times without one taken as written (CSV text)."""
    path = tmp_path / "log.csv"
    edge_log(61).to_csv(path, index=False)
    options: dict[str, Any] = {"time_column": "decided_at", "period": period}
    memory = count_periods(path, ROLES, ("race",), engine="memory", **options)
    duck = count_periods(path, ROLES, ("race",), engine="duckdb", **options)
    if period == "week":
        assert {"2026-W01", "2026-W53", "2025-W52"} <= set(memory.periods)
    assert_same_periods(memory, duck)


def test_time_zone_aware_timestamps_are_counted_in_utc(tmp_path: Path) -> None:
    """A Parquet timestamp in New York time: its UTC day decides, as in memory."""
    frame = edge_log(62)
    times = pd.to_datetime(frame["decided_at"], format="mixed", utc=True)
    frame["decided_at"] = times.dt.tz_convert("America/New_York")
    path = tmp_path / "log.parquet"
    frame.to_parquet(path, index=False)
    options: dict[str, Any] = {"time_column": "decided_at", "period": "day"}
    memory = count_periods(path, ROLES, ("race",), engine="memory", **options)
    duck = count_periods(path, ROLES, ("race",), engine="duckdb", **options)
    assert_same_periods(memory, duck)


def test_a_time_per_second_is_grouped_by_day_not_by_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20,000 distinct times over 30 days: DuckDB returns a row per day × key, not per time."""
    from fairness_core.engines import _runners

    frame = make_rows(63, n=20_000, weights=False)
    seconds = np.random.default_rng(63).permutation(30 * 86_400)[: len(frame)]
    frame["decided_at"] = pd.Timestamp("2026-05-01") + pd.to_timedelta(seconds, "s")
    path = tmp_path / "log.parquet"
    frame.to_parquet(path, index=False)
    fetched: list[int] = []
    query = _runners.DuckDBRunner.query

    def counting(self: Any, sql: str) -> pd.DataFrame:
        result = query(self, sql)
        fetched.append(len(result))
        return result

    monkeypatch.setattr(_runners.DuckDBRunner, "query", counting)
    options: dict[str, Any] = {"time_column": "decided_at", "period": "week"}
    duck = count_periods(path, ROLES, ("race",), engine="duckdb", **options)
    monkeypatch.undo()
    memory = count_periods(path, ROLES, ("race",), engine="memory", **options)
    assert_same_periods(memory, duck)
    assert max(fetched) <= 30 * 4 * 2 * 2  # days × races × outcomes × decisions


@pytest.mark.parametrize(
    ("bad", "words"),
    [(None, "have no value in the time column"), ("soon", "are not dates or times")],
)
def test_missing_and_unreadable_times_get_the_memory_paths_message(
    tmp_path: Path, bad: str | None, words: str
) -> None:
    """The same message, counting rows, from DuckDB as from the rows in memory."""
    frame = edge_log(64, n=600)
    frame.loc[frame.index % 7 == 0, "decided_at"] = bad
    path = tmp_path / "log.parquet"
    frame.to_parquet(path, index=False)
    messages = []
    for engine in ("memory", "duckdb"):
        with pytest.raises(InvalidInputError) as caught:
            count_periods(path, ROLES, ("race",), engine=engine, time_column="decided_at")  # type: ignore[arg-type]
        messages.append(str(caught.value))
    assert words in messages[0]
    assert messages[0].startswith(f"{(frame.index % 7 == 0).sum():,} ")
    assert messages[1] == messages[0]


@pytest.mark.slow
def test_spark_text_times_with_offsets_as_memory(tmp_path: Path, spark: Any) -> None:
    """Spark's session runs in UTC: the same weeks as in memory."""
    path = tmp_path / "log.parquet"
    edge_log(65).to_parquet(path, index=False)
    options: dict[str, Any] = {"time_column": "decided_at", "period": "week"}
    memory = count_periods(path, ROLES, ("race",), engine="memory", **options)
    on_spark = count_periods(path, ROLES, ("race",), engine="spark", spark_session=spark, **options)
    assert_same_periods(memory, on_spark)
