"""A decision log's time column in SQL: grouped by the day, so a log with one time per second
does not return one row per second.

:func:`day_expression` names each row's day in UTC as a ``DATE`` when the engine holds the
time column as a date or a timestamp, or as text that the engine can cast. The days the
engine returns get their period labels from :func:`fairness_core.monitoring.period_labels`
(the memory path's own function: a day, ISO week, month and quarter are all determined by
the day), and :func:`period_case` maps a day to its period's position in SQL: periods are
contiguous ranges of days, so one ``CASE`` over the first day of each period does.

Time zones, as the memory path: times with a time zone (or an offset in the text) are
converted to UTC first; times without one are taken as written. DuckDB's session is set to
UTC for that; Spark's session is made with ``spark.sql.session.timeZone`` UTC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairness_core.engines._runners import TABLE, Runner

__all__ = ["day_expression", "period_case"]

_DATE_TYPES = ("DATE",)
_TIME_TYPES = ("TIMESTAMP",)


def day_expression(runner: Runner, column: str, is_text: bool) -> str | None:
    """SQL for the row's day (UTC) of ``column``, or None to group on the raw values
    (numbers, or an engine type we do not know)."""
    dialect = runner.dialect
    c = dialect.ident(column)
    found = runner.query(f"SELECT typeof({c}) AS t FROM {TABLE} LIMIT 1")  # noqa: S608 - quoted identifier
    if found.empty:
        return None
    kind = str(found["t"].iloc[0]).upper()
    duckdb = dialect.name == "duckdb"
    if duckdb:
        # Text without an offset is then read as UTC wall time, as pandas reads it.
        connection = getattr(runner, "con", None)
        if connection is not None:
            connection.execute("SET TimeZone = 'UTC'")
    if kind.startswith(_DATE_TYPES):
        return f"CAST({c} AS DATE)"
    if kind.startswith(_TIME_TYPES):
        if duckdb and "WITH TIME ZONE" in kind:
            return f"CAST(timezone('UTC', {c}) AS DATE)"
        return f"CAST({c} AS DATE)"
    if is_text:
        if duckdb:
            return f"CAST(timezone('UTC', TRY_CAST({c} AS TIMESTAMPTZ)) AS DATE)"
        return f"CAST(TRY_CAST({c} AS TIMESTAMP) AS DATE)"
    return None


def period_case(day: str, days: pd.Series, labels: np.ndarray) -> str:
    """SQL of each row's period position from its ``day`` expression.

    ``days`` are the distinct days of the log and ``labels`` their period labels (which sort
    in time order); each period begins at its earliest day. ``DATE 'yyyy-mm-dd'`` literals
    read alike in DuckDB and Spark.
    """
    frame = pd.DataFrame({"day": pd.to_datetime(days), "label": labels})
    starts = frame.groupby("label", sort=True)["day"].min().sort_values()
    cases = " ".join(
        f"WHEN {day} < DATE '{start:%Y-%m-%d}' THEN {i}" for i, start in enumerate(starts.iloc[1:])
    )
    last = len(starts) - 1
    return f"(CASE {cases} ELSE {last} END)" if cases else "0"
