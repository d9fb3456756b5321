"""``monitor_source``: the monitoring report from DuckDB and Spark equals the memory path's.

Seeded random decision logs with missing protected values, late outcomes (empty target),
weights and float32 scores; a decisions-only log; a hive-partitioned folder; times with one
value per second (grouped by day in SQL), with time zones. The memory path is the oracle:
it is ``compute_monitoring`` on the rows, whose score drift is checked against numpy and
scipy on the rows in tests/core/monitoring/test_score_counts.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from fairness_core.data import ColumnRoles
from fairness_core.engines import monitor_source
from fairness_core.monitoring import MonitoringReport, MonitorSettings, monitoring_to_dict
from tests.core.engines.conftest import make_rows, write_hive

RTOL = 1e-12
SCORE_ROLES = ColumnRoles(
    target="outcome", positive_label=1, protected=("sex", "race"), source="score",
    score="score", threshold=0.5, weight="weight",
)  # fmt: skip
PREDICTION_ROLES = ColumnRoles(
    target="outcome", positive_label=1, protected=("sex", "race"), source="prediction",
    prediction="decision",
)  # fmt: skip


def decision_log(seed: int, n: int = 3000) -> pd.DataFrame:
    """Rows over five months, one time per second or so, a tenth without an outcome yet."""
    frame = make_rows(seed, n=n)
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2025-12-20")
    seconds = rng.integers(0, 150 * 86_400, len(frame))
    frame["decided_at"] = start + pd.to_timedelta(seconds, "s")
    frame["outcome"] = frame["outcome"].astype("float64")
    frame.loc[rng.random(len(frame)) < 0.1, "outcome"] = np.nan
    # A drift in the last months, so that the tests see changes, alerts and score drift.
    late = frame["decided_at"] >= pd.Timestamp("2026-03-01")
    frame.loc[late & (frame["sex"] == "female"), "score"] *= np.float32(0.8)
    return frame


def assert_same_report(want: MonitoringReport, got: MonitoringReport) -> None:
    assert got.periods == want.periods
    assert got.files == want.files
    assert dict(got.references) == dict(want.references)
    assert got.comparisons_judged == want.comparisons_judged
    assert got.notes == want.notes
    assert [(r.period, r.n_rows, r.n_known, r.notes) for r in got.period_reports] == [
        (r.period, r.n_rows, r.n_known, r.notes) for r in want.period_reports
    ]
    assert got.alerts == want.alerts or _close_alerts(want, got)
    for name in ("trends", "gaps", "changes", "composition", "base_rates", "score_summary",
                 "score_drift"):  # fmt: skip
        expected, found = getattr(want, name), getattr(got, name)
        if expected is None:
            assert found is None, name
            continue
        pd.testing.assert_frame_equal(
            found.reset_index(drop=True), expected.reset_index(drop=True),
            check_exact=False, rtol=RTOL, atol=0, check_dtype=False, obj=name,
        )  # fmt: skip


def _close_alerts(want: MonitoringReport, got: MonitoringReport) -> bool:
    a = pd.DataFrame([vars(x) for x in want.alerts])
    b = pd.DataFrame([vars(x) for x in got.alerts])
    pd.testing.assert_frame_equal(b, a, check_exact=False, rtol=RTOL)
    return True


def settings(**changes: Any) -> MonitorSettings:
    return MonitorSettings(attributes=("sex", "race"), min_n=20, **changes)


@pytest.mark.parametrize("roles", [SCORE_ROLES, PREDICTION_ROLES], ids=["score", "prediction"])
def test_duckdb_report_equals_memory(tmp_path: Path, roles: ColumnRoles) -> None:
    """Every table of the report, weights, late outcomes and missing sex included."""
    path = tmp_path / "log.parquet"
    decision_log(51).to_parquet(path, index=False)
    options: dict[str, Any] = {"time_column": "decided_at", "period": "month"}
    memory = monitor_source(path, roles, settings(), engine="memory", **options)
    duck = monitor_source(path, roles, settings(), engine="duckdb", **options)
    assert len(memory.periods) == 6
    assert not memory.changes.empty
    assert memory.trends["period"].nunique() == 6
    assert any("(missing)" in g for g in memory.changes["group"])
    assert any("outcome is known for" in note for note in memory.notes)
    if roles.source == "score":
        assert memory.score_drift is not None
        assert memory.score_drift["psi"].notna().all()
    assert_same_report(memory, duck)


def test_duckdb_report_of_decisions_only_log(tmp_path: Path) -> None:
    """No outcome column: selection rates and score drift only, as in memory."""
    path = tmp_path / "log.parquet"
    decision_log(52).drop(columns=["outcome"]).to_parquet(path, index=False)
    roles = ColumnRoles(
        target="", positive_label=None, protected=("sex", "race"), source="score",
        score="score", threshold=0.4,
    )  # fmt: skip
    options: dict[str, Any] = {"time_column": "decided_at", "period": "quarter"}
    memory = monitor_source(path, roles, settings(), engine="memory", **options)
    duck = monitor_source(path, roles, settings(), engine="duckdb", **options)
    assert memory.periods == ("2025-Q4", "2026-Q1", "2026-Q2")
    assert memory.base_rates is None
    assert memory.score_summary is not None
    assert_same_report(memory, duck)


def test_duckdb_report_of_hive_folder_equals_memory(tmp_path: Path) -> None:
    """A folder of region=…/part-k.parquet files: the same report as the rows in memory."""
    root = write_hive(decision_log(53), tmp_path / "logs")
    options: dict[str, Any] = {"time_column": "decided_at", "period": "week"}
    memory = monitor_source(root, SCORE_ROLES, settings(), engine="memory", **options)
    duck = monitor_source(root, SCORE_ROLES, settings(), engine="auto", **options)
    assert len(memory.periods) > 20
    assert_same_report(memory, duck)
    assert len(duck.files) == 6
    assert sum(f.n_rows for f in duck.files) == 3000


def test_json_of_engine_report_is_the_memory_reports(tmp_path: Path) -> None:
    """The JSON a DuckDB run writes is the memory run's: files, alerts and notes alike."""
    path = tmp_path / "log.parquet"
    decision_log(54, n=1500).to_parquet(path, index=False)
    options: dict[str, Any] = {"time_column": "decided_at", "period": "month"}
    memory = monitoring_to_dict(monitor_source(path, SCORE_ROLES, settings(), engine="memory",
                                               **options))  # fmt: skip
    duck = monitoring_to_dict(monitor_source(path, SCORE_ROLES, settings(), engine="duckdb",
                                             **options))  # fmt: skip
    assert duck["files"] == memory["files"]
    assert set(duck) == set(memory)
    assert [a["message"] for a in duck["alerts"]] == [a["message"] for a in memory["alerts"]]
    assert duck["notes"] == memory["notes"]


@pytest.mark.parametrize("margin", [1.2, 1e9], ids=["estimated", "counted"])
def test_too_many_distinct_scores_are_rounded_and_the_report_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, margin: float
) -> None:
    """Above the limit (found by the estimate, or by the exact query when the estimate
    is trusted less), DuckDB rounds scores down to 1/1000: the report then equals the
    memory path on scores rounded so beforehand, and carries the note."""
    from fairness_core.engines import _score_table
    from fairness_core.monitoring import ROUNDED_SCORES_NOTE

    frame = decision_log(55, n=2000)
    path = tmp_path / "log.parquet"
    frame.to_parquet(path, index=False)
    rounded = frame.assign(score=np.floor(frame["score"].astype(np.float64) * 1000.0) / 1000.0)
    rounded_path = tmp_path / "rounded.parquet"
    rounded.to_parquet(rounded_path, index=False)
    options: dict[str, Any] = {"time_column": "decided_at", "period": "month"}
    exact = monitor_source(path, SCORE_ROLES, settings(), engine="duckdb", **options)
    assert ROUNDED_SCORES_NOTE not in exact.notes
    monkeypatch.setattr(_score_table, "MAX_SCORE_CELLS", 500)
    monkeypatch.setattr(_score_table, "_ESTIMATE_MARGIN", margin)
    duck = monitor_source(path, SCORE_ROLES, settings(), engine="duckdb", **options)
    memory = monitor_source(rounded_path, SCORE_ROLES, settings(), engine="memory", **options)
    assert ROUNDED_SCORES_NOTE in duck.notes
    assert tuple(n for n in duck.notes if n != ROUNDED_SCORES_NOTE) == memory.notes
    assert duck.score_summary is not None
    assert not duck.score_summary.equals(exact.score_summary)
    for name in ("score_summary", "score_drift"):
        pd.testing.assert_frame_equal(
            getattr(duck, name), getattr(memory, name), check_exact=False, rtol=RTOL, obj=name
        )


@pytest.mark.slow
def test_spark_report_of_hive_folder_equals_memory(tmp_path: Path, spark: Any) -> None:
    """The shared local[2] session: a hive folder with scores, weights and late outcomes."""
    root = write_hive(decision_log(56, n=2000), tmp_path / "logs")
    options: dict[str, Any] = {"time_column": "decided_at", "period": "month"}
    memory = monitor_source(root, SCORE_ROLES, settings(), engine="memory", **options)
    on_spark = monitor_source(
        root, SCORE_ROLES, settings(), engine="spark", spark_session=spark, **options
    )
    assert_same_report(memory, on_spark)


@pytest.mark.slow
def test_spark_report_of_decisions_only_log_equals_memory(tmp_path: Path, spark: Any) -> None:
    """No outcome column, predictions, a period column of text: Spark as memory.

    (Parquet: Spark's CSV schema inference reads text such as 2026-01 as a timestamp.)"""
    frame = decision_log(57, n=1500).drop(columns=["outcome"])
    frame["month"] = frame["decided_at"].dt.strftime("%Y-%m")
    path = tmp_path / "log.parquet"
    frame.to_parquet(path, index=False)
    roles = ColumnRoles(
        target="", positive_label=1, protected=("race",), source="prediction",
        prediction="decision",
    )  # fmt: skip
    chosen = MonitorSettings(attributes=("race",), min_n=20, baseline="previous")
    memory = monitor_source(path, roles, chosen, engine="memory", period_column="month")
    on_spark = monitor_source(
        path, roles, chosen, engine="spark", spark_session=spark, period_column="month"
    )
    assert_same_report(memory, on_spark)
