"""The monitoring report of a decision log from one engine: memory, DuckDB or Spark.

The memory engine is the path the command line has always taken (read the log, validate it,
compute). DuckDB and Spark count the log (:func:`fairness_core.engines._periods.count_log`)
and the report is built from the count tables by the same function the memory path ends in
(:func:`fairness_core.monitoring.compute_monitoring_from_counts`), so the numbers agree to
1e-12 (contract tests).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from fairness_core.data import ColumnRoles
from fairness_core.engines._log_files import log_files
from fairness_core.engines._periods import count_log, read_log
from fairness_core.engines._result import AUTO_DUCKDB_BYTES, Engine, choose_engine
from fairness_core.engines._runners import sql_runner
from fairness_core.engines._source import DataSource, open_source

if TYPE_CHECKING:
    from fairness_core.monitoring import MonitoringReport, MonitorSettings, Period

__all__ = ["choose_monitor_engine", "monitor_source"]


def choose_monitor_engine(source: DataSource, engine: Engine = "auto") -> Engine:
    """``engine`` itself, or for "auto": DuckDB for logs over :data:`AUTO_DUCKDB_BYTES`
    and for files in subfolders (hive partitions), memory otherwise.

    Unlike an audit, a small folder or pattern stays in memory, where ``monitor`` has always
    read it: the same report either way, and the loader's own limits and messages.
    """
    chosen = choose_engine(source, engine)
    if engine != "auto":
        return chosen
    nested = source.root is not None and any(f.parent != source.root for f in source.files)
    return "duckdb" if nested or source.size > AUTO_DUCKDB_BYTES else "memory"


def monitor_source(
    data: str | os.PathLike[str] | DataSource,
    roles: ColumnRoles,
    settings: MonitorSettings,
    *,
    time_column: str | None = None,
    period_column: str | None = None,
    period: Period = "month",
    engine: Engine = "auto",
    spark_master: str | None = None,
    spark_session: Any = None,
    period_reports: bool = True,
) -> MonitoringReport:
    """Monitor the log in ``data`` (a file, a folder, a glob) under ``settings``.

    As :func:`fairness_core.monitoring.compute_monitoring` on the log that
    :func:`~fairness_core.monitoring.load_decision_log` reads. ``engine="auto"``: see
    :func:`choose_monitor_engine`.
    Every engine lists each file with its name, SHA-256, rows and periods.
    """
    # monitoring draws its charts with plotly: imported when a log is monitored, not before.
    from fairness_core.monitoring import (
        compute_monitoring,
        compute_monitoring_from_counts,
        data_notes,
    )

    source = data if isinstance(data, DataSource) else open_source(data)
    chosen = choose_monitor_engine(source, engine)
    if chosen == "memory":
        checked = read_log(source, roles, time_column, period_column, period)
        return compute_monitoring(checked, settings, period_reports=period_reports)
    runner = sql_runner(
        source, chosen, spark_master=spark_master, spark_session=spark_session, task="monitor"
    )
    with runner as open_runner:
        tables = count_log(
            open_runner, roles, tuple(settings.attributes), time_column=time_column,
            period_column=period_column, period=period, source_name=source.name,
        )  # fmt: skip
        files = log_files(
            open_runner, source, tables.period_sql, tables.label_of, tables.counts.periods
        )
    has_outcome = bool(roles.target)
    notes = data_notes(has_outcome, tables.n_known, tables.n_rows, tables.problems)
    return compute_monitoring_from_counts(
        tables.counts,
        settings,
        has_outcome=has_outcome,
        scores=tables.scores,
        files=files,
        warnings=tuple(notes),
        period_reports=period_reports,
    )
