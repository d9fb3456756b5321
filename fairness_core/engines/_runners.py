"""Where the SQL runs: an embedded DuckDB, or a Spark session (local, cluster or Spark Connect).

Each runner exposes the data as one table (``audit_rows``) and answers SQL with a small
pandas frame. DuckDB and pyspark are imported here, when a runner is made, never when
the package is imported (the command line's ``--help`` must stay fast).
"""

from __future__ import annotations

import os
import shutil
import socket
import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

import pandas as pd

from fairness_core.engines._source import DataSource, check_file_columns
from fairness_core.engines._sql import DUCKDB, SPARK, Dialect
from fairness_core.errors import InvalidInputError

__all__ = ["JAVA_ADVICE", "Runner", "duckdb_runner", "java_available", "spark_runner"]

TABLE = "audit_rows"
#: What to do when Spark cannot start because Java is missing.
JAVA_ADVICE = "install Java 17: apt-get install openjdk-17-jre-headless"
#: How to give a Spark Connect server, in messages.
CONNECT_FORM = "sc://host:port, e.g. sc://spark-connect.example.org:15002"
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
    """A Spark session: ``local[2]``, a cluster master URL, or a Spark Connect ``sc://`` URL.

    Only DataFrame reads, a temporary view and SQL, all of which Spark Connect has too (no
    RDDs, no SparkContext). The files are read by Spark itself, so every Spark worker (or
    the Spark Connect server) must be able to read them at the same path.
    """

    dialect = SPARK

    def __init__(self, source: DataSource, session: Any) -> None:
        from pyspark.errors import PySparkException

        self.session = session
        reader = session.read
        if source.root is not None:
            reader = reader.option("basePath", str(source.root))
        paths = [str(f) for f in source.files]
        try:
            if source.format == "parquet":
                frame = reader.parquet(*paths)
            else:
                frame = reader.option("header", "true").option("inferSchema", "true").csv(paths)
            frame.createOrReplaceTempView(TABLE)
            fields = frame.schema.fields
        except PySparkException as exc:
            raise InvalidInputError(
                f"Spark could not read '{source.text}': {_first_line(exc)}. "
                "Expected CSV or Parquet files with the same columns that Spark can read at "
                "this path (on a cluster or a Spark Connect server, every machine of it must "
                "see the files at the same path). Check the files and the path."
            ) from exc
        self._columns = [
            (field.name, field.dataType.simpleString() == "string") for field in fields
        ]

    def columns(self) -> list[tuple[str, bool]]:
        return list(self._columns)

    def query(self, sql: str) -> pd.DataFrame:
        # toArrow, not toPandas: pyspark warns that it does not support pandas 3 yet.
        return self.session.sql(sql).toArrow().to_pandas()


def _first_line(exc: BaseException) -> str:
    """The first line of an error's text (Spark's run to many lines), at most 300 characters,
    without Spark's error class in brackets ("[FAILED_READ_FILE…] ") or a closing full stop."""
    line = (str(exc).strip() or type(exc).__name__).splitlines()[0]
    if line.startswith("[") and "] " in line:
        line = line.split("] ", 1)[1]
    return line[:300].rstrip(".")


def sql_runner(
    source: DataSource,
    engine: str,
    *,
    spark_master: str | None = None,
    spark_session: Any = None,
    task: str = "audit",
) -> AbstractContextManager[Runner]:
    """The runner of the SQL engine ``engine`` ("duckdb" or "spark") on ``source``
    (``task``, "audit" or "monitor", words the message of files with other columns)."""
    if engine == "duckdb":
        return duckdb_runner(source, task=task)
    return spark_runner(source, master=spark_master, session=spark_session, task=task)


@contextmanager
def duckdb_runner(
    source: DataSource, *, threads: int | None = None, task: str = "audit"
) -> Iterator[DuckDBRunner]:
    # Both engines read files by column name and would fill a column one file lacks
    # with NULL: refuse such files first, as the memory path does.
    check_file_columns(source, task=task)
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
    """The Spark session for ``master`` (default ``local[2]``).

    A master URL (``local[2]``, ``spark://host:7077``, ``yarn``) needs Java here; its
    session is made once per process. A ``sc://`` URL connects to a Spark Connect server
    (no Java here) with a new session each call; whoever asked for it stops it
    (``session.stop()`` ends the session on the server, not the server).
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
        return _connect_session(url)
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


def _connect_session(url: str) -> Any:
    """A new session on the Spark Connect server at ``url``, checked to answer.

    Made with Spark Connect's own builder, not ``SparkSession.builder.remote``: that one
    refuses while a local Spark runs in this process and, once used, switches every later
    session of the process to Spark Connect. Connect's client retries an unreachable
    server for about ten minutes; the server is tried once here first, so a wrong URL or
    a stopped server is said at once.
    """
    with warnings.catch_warnings():
        # pyspark 4.3 warns on import that it does not fully support pandas 3; the
        # engine takes every result as an Arrow table (toArrow), not through pandas.
        warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)
        try:
            from pyspark.errors import PySparkException
            from pyspark.sql.connect.client import DefaultChannelBuilder
            from pyspark.sql.connect.client.retries import DefaultPolicy
            from pyspark.sql.connect.session import SparkSession as ConnectSession
        except ImportError as exc:
            raise InvalidInputError(
                f"Connecting to the Spark Connect server {url} needs Spark Connect's client "
                f"packages, which are not installed ({exc}). Install the project's "
                "dependencies again (python3 dev.py setup), or give a master URL "
                "(spark://host:7077) instead."
            ) from exc
    try:
        endpoint = DefaultChannelBuilder(url).endpoint
    except PySparkException as exc:
        raise InvalidInputError(
            f"'{url}' is not a Spark Connect address. Expected {CONNECT_FORM} (a host name, "
            "then optionally a port and ;name=value settings, nothing else). Correct "
            "--spark-master."
        ) from exc
    host, _, port = endpoint.rpartition(":")
    where = f"the Spark Connect server at {endpoint}"
    fix = (
        "Check that the server is running (Spark's sbin/start-connect-server.sh starts one) "
        f"and that the address is right ({CONNECT_FORM}); or give a master URL instead "
        "(spark://host:7077), or use --engine duckdb."
    )
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=10).close()
    except OSError as exc:
        raise InvalidInputError(f"Could not reach {where}: {exc.strerror or exc}. {fix}") from exc
    session = ConnectSession.builder.remote(url).create()
    retries = session.client.get_retry_policies()
    session.client.set_retry_policies([DefaultPolicy(max_retries=2, max_backoff=1000)])
    try:
        with warnings.catch_warnings():
            # The client warns when it gives up retrying; the error below says it instead.
            warnings.simplefilter("ignore", UserWarning)
            session.conf.set("spark.sql.session.timeZone", "UTC")  # as in a local session
    except PySparkException as exc:
        session.stop()
        raise InvalidInputError(
            f"Something answers at {endpoint}, but it did not open a Spark Connect session: "
            "it is not a Spark Connect server, or it refused this client (then check the "
            f"URL's settings such as ;token=… and ;use_ssl=true). {fix}"
        ) from exc
    finally:
        session.client.set_retry_policies(retries)
    return session


@contextmanager
def spark_runner(
    source: DataSource, *, master: str | None = None, session: Any = None, task: str = "audit"
) -> Iterator[SparkRunner]:
    """A runner on ``session``, or on ``master``'s session; a Spark Connect session made
    here is stopped afterwards (a local or cluster session stays for the next audit)."""
    check_file_columns(source, task=task)
    own = session is None and (master or "").startswith("sc://")
    active = session if session is not None else spark_session(master)
    try:
        yield SparkRunner(source, active)
    finally:
        if own:
            active.stop()
