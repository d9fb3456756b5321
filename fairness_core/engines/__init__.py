"""Engines: where the count tables are computed — in memory, in DuckDB or in Spark.

Words used here:

- A *count table* is what every audit number is computed from (docs/ARCHITECTURE.md, "The
  seam: count tables"): per group the confusion cells (:class:`~fairness_core.metrics.GroupCounts`)
  and, with scores, per group × score bin × outcome the rows and weights
  (:class:`ScoreHistogram`: the threshold sweep on a 1/1000 grid, ROC points, the
  calibration and distribution tables).
- An *engine* fills them: ``memory`` (the rows in pandas and numpy, as the app always has),
  ``duckdb`` (an embedded SQL engine that reads a file, a folder — hive partitions such as
  ``year=2024/`` included — or a glob of CSV / Parquet files larger than memory, with one
  ``GROUP BY``) or ``spark`` (the same SQL on a Spark session: ``local[2]``, a cluster's
  master URL or a Spark Connect ``sc://`` URL). ``auto`` picks DuckDB for folders, patterns
  and files over :data:`AUTO_DUCKDB_BYTES`, memory otherwise (:func:`choose_engine`).
- Every engine gives the same numbers to 1e-12 on the same rows (contract tests), and the
  same validation problems with the same words: validation
  (:func:`fairness_core.data.check_audit_data`) runs on the engine's grouped table, each
  of its rows standing for the rows it counts.

:func:`count_audit` validates and counts; :class:`EngineCounts` holds the result.
:func:`monitor_source` monitors a decision log on the same engines (:func:`count_periods`
gives its count tables alone).
"""

from __future__ import annotations

from fairness_core.engines._allowed import (
    SERVER_DATA_ENV,
    ServerEntry,
    list_server_data,
    open_server_source,
    server_roots_from_env,
)
from fairness_core.engines._counting import count_audit
from fairness_core.engines._log_overview import LogOverview, distinct_values, log_overview
from fairness_core.engines._memory import read_rows
from fairness_core.engines._monitor import choose_monitor_engine, monitor_source
from fairness_core.engines._periods import count_periods
from fairness_core.engines._result import (
    AUTO_DUCKDB_BYTES,
    ENGINES,
    Engine,
    EngineCounts,
    choose_engine,
    with_default_bins,
)
from fairness_core.engines._runners import JAVA_ADVICE, java_available, spark_session
from fairness_core.engines._sample import RowSample, allocate_sample, preview_rows, sample_rows
from fairness_core.engines._score_table import MAX_SCORE_CELLS
from fairness_core.engines._source import DataSource, open_source
from fairness_core.engines._tables import ScoreHistogram

__all__ = [
    "AUTO_DUCKDB_BYTES",
    "ENGINES",
    "JAVA_ADVICE",
    "MAX_SCORE_CELLS",
    "SERVER_DATA_ENV",
    "DataSource",
    "Engine",
    "EngineCounts",
    "LogOverview",
    "RowSample",
    "ScoreHistogram",
    "ServerEntry",
    "allocate_sample",
    "choose_engine",
    "choose_monitor_engine",
    "count_audit",
    "count_periods",
    "distinct_values",
    "java_available",
    "list_server_data",
    "log_overview",
    "monitor_source",
    "open_server_source",
    "open_source",
    "preview_rows",
    "read_rows",
    "sample_rows",
    "server_roots_from_env",
    "spark_session",
    "with_default_bins",
]
