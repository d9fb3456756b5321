"""Files of one log (or audit data) must share their columns, on every engine; periods that
are numbers sort as numbers; files are named by their path below the log's folder.

DuckDB and Spark read files by column name and fill a column one file lacks with NULL, so
without the check a month whose ``race`` was renamed silently becomes "(missing)".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_monitor_engines import SCORE_ROLES, assert_same_report, decision_log, settings

from fairness_core.data import ColumnRoles
from fairness_core.engines import count_audit, monitor_source
from fairness_core.errors import InvalidInputError
from fairness_core.monitoring import monitoring_to_dict, sort_periods
from tests.core.engines.conftest import make_rows

AUDIT_ROLES = ColumnRoles(
    target="outcome", positive_label=1, protected=("sex", "race"), source="score",
    score="score", threshold=0.5,
)  # fmt: skip


def write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)


def renamed_folder(tmp_path: Path, suffix: str) -> Path:
    """Two monthly files; in the second, 'race' is called 'ethnicity'."""
    frame = decision_log(61, n=1200)
    first = frame["decided_at"] < pd.Timestamp("2026-02-01")
    folder = tmp_path / "log"
    write(frame[first], folder / f"2026-01{suffix}")
    write(frame[~first].rename(columns={"race": "ethnicity"}), folder / f"2026-02{suffix}")
    return folder


def assert_refused(excinfo: pytest.ExceptionInfo[InvalidInputError], suffix: str) -> None:
    message = str(excinfo.value)
    assert "do not share their columns" in message
    assert f"2026-02{suffix} lacks 'race' and adds 'ethnicity'" in message
    assert "Export the files the same way" in message


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_monitor_refuses_files_with_other_columns(tmp_path: Path, engine: str, suffix: str) -> None:
    folder = renamed_folder(tmp_path, suffix)
    with pytest.raises(InvalidInputError) as excinfo:
        monitor_source(folder, SCORE_ROLES, settings(), engine=engine, time_column="decided_at")  # type: ignore[arg-type]
    assert_refused(excinfo, suffix)
    assert "monitor them separately" in str(excinfo.value)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_audit_refuses_files_with_other_columns(tmp_path: Path, engine: str, suffix: str) -> None:
    folder = renamed_folder(tmp_path, suffix)
    with pytest.raises(InvalidInputError) as excinfo:
        count_audit(folder / f"*{suffix}", AUDIT_ROLES, [("race",)], engine=engine)  # type: ignore[arg-type]
    assert_refused(excinfo, suffix)
    assert "audit them separately" in str(excinfo.value)


def test_hive_partition_columns_may_be_in_some_files_only(tmp_path: Path) -> None:
    """A partition column written into one file as well is not a difference."""
    frame = make_rows(62, n=600)
    write(frame.iloc[:300], tmp_path / "d" / "region=north" / "part.parquet")
    write(frame.iloc[300:].assign(region="south"), tmp_path / "d" / "region=south" / "part.parquet")
    counts = count_audit(tmp_path / "d", AUDIT_ROLES, [("race",)], engine="duckdb")  # type: ignore[arg-type]
    assert counts.rows == 600


@pytest.mark.slow
def test_spark_refuses_files_with_other_columns(tmp_path: Path, spark: Any) -> None:
    folder = renamed_folder(tmp_path, ".parquet")
    with pytest.raises(InvalidInputError) as excinfo:
        monitor_source(folder, SCORE_ROLES, settings(), engine="spark", spark_session=spark,
                       time_column="decided_at")  # fmt: skip
    assert_refused(excinfo, ".parquet")


def test_sort_periods_orders_numbers_as_numbers() -> None:
    assert sort_periods(["10", "5", "12", "7", "5"]) == ("5", "7", "10", "12")
    assert sort_periods(["2026-10", "2026-9"]) == ("2026-10", "2026-9")  # not all numbers: text
    assert sort_periods(["1.5", "-2", "10"]) == ("-2", "1.5", "10")


def test_numbered_periods_sort_as_numbers_on_every_engine(tmp_path: Path) -> None:
    """A period column 5, 7, 9, 10, 11, 12: the baseline ("first") is 5, not 10."""
    frame = decision_log(63, n=3000)
    rng = np.random.default_rng(63)
    frame["month"] = rng.choice([5, 7, 9, 10, 11, 12], len(frame))
    path = tmp_path / "log.parquet"
    frame.to_parquet(path, index=False)
    memory = monitor_source(path, SCORE_ROLES, settings(), engine="memory", period_column="month")
    duck = monitor_source(path, SCORE_ROLES, settings(), engine="duckdb", period_column="month")
    assert memory.periods == ("5", "7", "9", "10", "11", "12")
    assert set(memory.changes["baseline"]) == {"5"}
    assert_same_report(memory, duck)


def test_hive_partitions_with_numbers_sort_as_numbers(tmp_path: Path) -> None:
    frame = decision_log(64, n=2400)
    months = np.array([5, 7, 9, 10, 11, 12])[np.arange(len(frame)) % 6]
    for month in (5, 7, 9, 10, 11, 12):
        write(
            frame[months == month], tmp_path / "h" / "year=2025" / f"month={month}" / "part.parquet"
        )
    duck = monitor_source(
        tmp_path / "h", SCORE_ROLES, settings(), engine="duckdb", period_column="month"
    )
    assert duck.periods == ("5", "7", "9", "10", "11", "12")
    assert [f.name for f in duck.files] == [
        f"year=2025/month={m}/part.parquet" for m in (10, 11, 12, 5, 7, 9)
    ]


def test_files_are_named_by_their_path_below_the_folder(tmp_path: Path) -> None:
    """Two files called part.parquet: each is listed by its path, alike on every engine."""
    frame = decision_log(65, n=2000)
    north = np.arange(len(frame)) % 2 == 0
    write(frame[north], tmp_path / "logs" / "region=north" / "part.parquet")
    write(frame[~north], tmp_path / "logs" / "region=south" / "part.parquet")
    options: dict[str, Any] = {"time_column": "decided_at", "period": "month"}
    memory = monitor_source(tmp_path / "logs", SCORE_ROLES, settings(), engine="memory", **options)
    duck = monitor_source(tmp_path / "logs", SCORE_ROLES, settings(), engine="duckdb", **options)
    names = ["region=north/part.parquet", "region=south/part.parquet"]
    assert [f.name for f in memory.files] == names
    assert_same_report(memory, duck)
    assert monitoring_to_dict(duck)["files"] == monitoring_to_dict(memory)["files"]
