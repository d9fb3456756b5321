"""log_overview and distinct_values (the Monitoring page's server source) against the
memory path's loader on the same files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_periods import edge_log

from fairness_core.engines import distinct_values, log_overview
from fairness_core.errors import InvalidInputError
from fairness_core.monitoring import load_decision_log
from tests.core.engines.conftest import write_hive


@pytest.mark.parametrize("period", ["day", "week", "month", "quarter"])
def test_rows_and_periods_are_the_loaders(tmp_path: Path, period: str) -> None:
    """Text times with offsets next to week, quarter and year edges, in a hive folder."""
    frame = edge_log(71)
    root = write_hive(frame, tmp_path / "logs", parts=2)
    files = sorted(root.rglob("*.parquet"))
    log = load_decision_log(files, time_column="decided_at", period=period)  # type: ignore[arg-type]
    found = log_overview(root, time_column="decided_at", period=period)  # type: ignore[arg-type]
    assert found.rows == log.n_rows == len(frame)
    assert found.periods == log.periods


def test_a_period_column_gives_its_values(tmp_path: Path) -> None:
    frame = pd.DataFrame({"month": ["2026-02", "2026-01", "2026-02", "2026-03"], "x": 1})
    path = tmp_path / "log.parquet"
    frame.to_parquet(path, index=False)
    found = log_overview(path, period_column="month")
    assert found.periods == load_decision_log(path, period_column="month").periods
    assert found.rows == 4


def test_missing_times_get_the_loaders_message(tmp_path: Path) -> None:
    frame = edge_log(72, n=300)
    frame.loc[::5, "decided_at"] = None
    path = tmp_path / "log.parquet"
    frame.to_parquet(path, index=False)
    with pytest.raises(InvalidInputError) as memory:
        load_decision_log(path, time_column="decided_at")
    with pytest.raises(InvalidInputError) as duck:
        log_overview(path, time_column="decided_at")
    assert str(duck.value) == str(memory.value)


def test_distinct_values_write_whole_floats_as_validation_matches_them(tmp_path: Path) -> None:
    """An outcome with empty cells is stored as floats: 1.0 is offered as "1"."""
    frame = pd.DataFrame(
        {"repaid": [1.0, 0.0, np.nan, 1.0], "grade": ["b", "a", None, "c"], "p": [0.5] * 4}
    )
    path = tmp_path / "log.parquet"
    frame.to_parquet(path, index=False)
    assert distinct_values(path, "repaid") == ("0", "1")
    assert distinct_values(path, "grade") == ("a", "b", "c")
    assert distinct_values(path, "p") == ("0.5",)
    with pytest.raises(InvalidInputError, match="no column 'nope'"):
        distinct_values(path, "nope")
