"""What a settings form needs of a large decision log before the report: its rows, its
periods and a column's values, counted by DuckDB without reading the rows into memory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fairness_core.engines._days import day_expression
from fairness_core.engines._periods import _labels
from fairness_core.engines._runners import TABLE, duckdb_runner
from fairness_core.engines._source import DataSource, open_source
from fairness_core.engines._sql import _flag
from fairness_core.errors import InvalidInputError

if TYPE_CHECKING:
    from fairness_core.monitoring import Period

__all__ = ["LogOverview", "distinct_values", "log_overview"]


@dataclass(frozen=True)
class LogOverview:
    """A decision log's rows and its periods (labels in time order)."""

    rows: int
    periods: tuple[str, ...]


def log_overview(
    data: str | os.PathLike[str] | DataSource,
    *,
    time_column: str | None = None,
    period_column: str | None = None,
    period: Period = "month",
) -> LogOverview:
    """The log's rows and periods, as :func:`~fairness_core.monitoring.load_decision_log`
    would cut it (the same labels and messages), counted by DuckDB."""
    from fairness_core.monitoring import check_log_columns, sort_periods

    source = data if isinstance(data, DataSource) else open_source(data)
    with duckdb_runner(source, task="monitor") as runner:
        text = dict(runner.columns())
        check_log_columns(
            time_column, period_column, period, columns=list(text), source_name=source.name
        )
        key = time_column or period_column or ""
        q = runner.dialect.ident
        day = day_expression(runner, key, text[key]) if time_column else None
        raw = f"SELECT {q(key)} AS kt, COUNT(*) AS n FROM {TABLE} GROUP BY {q(key)}"  # noqa: S608 - quoted
        if day is not None:
            table = runner.query(
                f"SELECT {day} AS kt, {_flag(f'{q(key)} IS NULL')} AS kn, COUNT(*) AS n "  # noqa: S608 - quoted
                f"FROM {TABLE} GROUP BY 1, 2"
            )
            unreadable = table["kt"].isna() & (table["kn"] == 0)
            if bool(unreadable.any()):
                day, table = None, runner.query(raw)
        else:
            table = runner.query(raw)
    n = table["n"].to_numpy()
    labels = _labels(table, key, day, period_column, period, source.name, n)
    return LogOverview(int(n.sum()), sort_periods(labels.tolist()))


def distinct_values(
    data: str | os.PathLike[str] | DataSource, column: str, *, most: int = 50
) -> tuple[str, ...]:
    """Up to ``most`` distinct non-empty values of ``column`` as text, sorted (DuckDB);
    whole numbers stored as floats are written without ".0"."""
    source = data if isinstance(data, DataSource) else open_source(data)
    with duckdb_runner(source, task="monitor") as runner:
        if column not in dict(runner.columns()):
            raise InvalidInputError(
                f"The log has no column {column!r}. Expected one of its columns. Choose "
                "another column."
            )
        c = runner.dialect.ident(column)
        found = runner.query(
            f"SELECT DISTINCT {c} AS v FROM {TABLE} "  # noqa: S608 - quoted
            f"WHERE {c} IS NOT NULL ORDER BY v LIMIT {int(most)}"
        )
    return tuple(sorted(_as_label(v) for v in found["v"]))


def _as_label(value: object) -> str:
    """A value as a positive label validation matches: a whole float without its ".0" (an
    outcome column with empty cells is read as floats: 1.0 is the label 1)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
