"""Where the SQL runs: an embedded DuckDB, or a Spark session (local, cluster or Spark Connect).

Each runner exposes the data as one table (``audit_rows``) and answers SQL with a small
pandas frame. DuckDB and pyspark are imported here, when a runner is made, never when
the package is imported (the command line's ``--help`` must stay fast).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import pandas as pd

from fairness_core.engines._source import DataSource
from fairness_core.engines._sql import DUCKDB, SPARK, Dialect
from fairness_core.errors import InvalidInputError

__all__ = ["JAVA_ADVICE", "Runner", "duckdb_runner", "java_available", "spark_runner"]

TABLE = "audit_rows"
#: What to do when Spark cannot start because Java is missing.
JAVA_ADVICE = "install Java 17: apt-get install openjdk-17-jre-headless"
_TEXT_TYPES = ("VARCHAR", "STRING", "CHAR", "TEXT")


class Runner(Protocol):
    dialect: Dialect

    def columns(self) -> list[tuple[str, bool]]:
        """(name, holds text) per column, in the data's order."""
        ...

    def query(self, sql: str) -> pd.DataFrame: ...


class DuckDBRunner:
    """An in-process DuckDB over the source's files (out-of-core: it spills to disk)."""

    dialect = DUCKDB

    def __init__(self, source: DataSource, *, threads: int | None = None) -> None:
        import duckdb

        self.con = duckdb.connect(config={"threads": threads or os.cpu_count() or 1})
        files = "[" + ", ".join(DUCKDB.text(str(f)) for f in source.files) + "]"
        hive = "true" if source.root is not None else "false"
        if source.format == "parquet":
            reader = f"read_parquet({files}, hive_partitioning = {hive}, union_by_name = true)"
        else:
            reader = (
                f"read_csv({files}, header = true, hive_partitioning = {hive}, "
                "union_by_name = true)"
            )
        try:
            self.con.sql(f"CREATE VIEW {TABLE} AS SELECT * FROM {reader}")  # noqa: S608 - paths quoted by Dialect.text
            described = self.con.sql(f"DESCRIBE SELECT * FROM {TABLE}").fetchall()  # noqa: S608 - constant name
        except duckdb.Error as exc:
            raise InvalidInputError(
                f"DuckDB could not read '{source.text}': {str(exc).splitlines()[0][:300]}. "
                "Expected readable CSV or Parquet files with the same columns. Check the files."
            ) from exc
        self._columns = [
            (str(row[0]), str(row[1]).upper().startswith(_TEXT_TYPES)) for row in described
        ]

    def columns(self) -> list[tuple[str, bool]]:
        return list(self._columns)

    def query(self, sql: str) -> pd.DataFrame:
        return self.con.sql(sql).df()

    def close(self) -> None:
        self.con.close()


class SparkRunner:
    """A Spark session: ``local[2]``, a cluster master URL, or a Spark Connect ``sc://`` URL."""

    dialect = SPARK

    def __init__(self, source: DataSource, session: Any) -> None:
        self.session = session
        reader = session.read
        if source.root is not None:
            reader = reader.option("basePath", str(source.root))
        paths = [str(f) for f in source.files]
        if source.format == "parquet":
            frame = reader.parquet(*paths)
        else:
            frame = reader.option("header", "true").option("inferSchema", "true").csv(paths)
        frame.createOrReplaceTempView(TABLE)
        self._columns = [
            (field.name, field.dataType.simpleString() == "string") for field in frame.schema.fields
        ]

    def columns(self) -> list[tuple[str, bool]]:
        return list(self._columns)

    def query(self, sql: str) -> pd.DataFrame:
        # toArrow, not toPandas: pyspark warns that it does not support pandas 3 yet.
        return self.session.sql(sql).toArrow().to_pandas()


@contextmanager
def duckdb_runner(source: DataSource, *, threads: int | None = None) -> Iterator[DuckDBRunner]:
    runner = DuckDBRunner(source, threads=threads)
    try:
        yield runner
    finally:
        runner.close()


def java_available() -> bool:
    """True when a ``java`` command is on the PATH or JAVA_HOME points at one."""
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return True
    return shutil.which("java") is not None


def spark_session(master: str | None = None) -> Any:
    """The Spark session for ``master`` (default ``local[2]``), made once per process.

    A ``sc://`` URL connects to a Spark Connect server (no local JVM needed); anything else
    is a master URL (``local[2]``, ``spark://host:7077``, ``yarn``) and needs Java here.
    """
    url = master or "local[2]"
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - pyspark is a declared dependency
        raise InvalidInputError(
            "The Spark engine needs pyspark, which is not installed. Install the project's "
            "dependencies again (python3 dev.py setup)."
        ) from exc
    if url.startswith("sc://"):
        try:
            return SparkSession.builder.remote(url).getOrCreate()
        except ImportError as exc:
            raise InvalidInputError(
                f"Connecting to the Spark Connect server {url} needs Spark Connect's client "
                f"packages, which are not installed ({exc}). Install them with "
                "'pip install \"pyspark[connect]\"' in the environment that runs the audit, "
                "or give a master URL (spark://host:7077) instead."
            ) from exc
    if not java_available():
        raise InvalidInputError(
            "The Spark engine needs Java, and no 'java' command was found. To use Spark, "
            f"{JAVA_ADVICE} (or set JAVA_HOME); or use --engine duckdb."
        )
    return (
        SparkSession.builder.master(url)
        .appName("fairness-explorer")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


@contextmanager
def spark_runner(
    source: DataSource, *, master: str | None = None, session: Any = None
) -> Iterator[SparkRunner]:
    yield SparkRunner(source, session if session is not None else spark_session(master))
