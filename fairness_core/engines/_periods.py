"""Monitoring's count tables (period × group × cell, and rows per distinct score) from an
engine's GROUP BY.

:class:`fairness_core.monitoring.PeriodCounts` was designed to be filled by
``GROUP BY period, group, outcome known, outcome, decision``; this is that query. A time
column is grouped by its day (:mod:`._days`), and the days get their period labels in pandas;
a period column (or a time column the engine cannot read as times) is grouped by its values.
With scores a second query counts the rows per period, group and distinct score
(:mod:`._score_table`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fairness_core.data import ColumnRoles, check_audit_data
from fairness_core.engines._days import day_expression, period_case
from fairness_core.engines._result import Engine, choose_engine
from fairness_core.engines._runners import TABLE, Runner, sql_runner
from fairness_core.engines._score_table import score_counts
from fairness_core.engines._source import DataSource, open_source
from fairness_core.engines._sql import _flag, count_query, score_stats_query
from fairness_core.errors import InvalidInputError, Problem
from fairness_core.metrics import combine_group_codes, decode_group_labels

if TYPE_CHECKING:
    from fairness_core.monitoring import MonitoringData, Period, PeriodCounts, ScoreCounts

__all__ = ["LogTables", "count_log", "count_periods", "period_positions", "read_log"]


@dataclass(frozen=True)
class LogTables:
    """What an engine counted of a decision log: the count tables, the score count table
    (None without scores), rows with a known outcome, all rows, validation's warnings, and
    how to name each row's period in SQL."""

    counts: PeriodCounts
    scores: ScoreCounts | None
    n_known: int
    n_rows: int
    problems: tuple[Problem, ...]
    #: SQL of each row's period: its position, or a value ``label_of`` turns into a label.
    period_sql: str
    label_of: Callable[[pd.Series], np.ndarray] | None


def count_periods(
    data: str | os.PathLike[str] | DataSource,
    roles: ColumnRoles,
    attributes: tuple[str, ...],
    *,
    time_column: str | None = None,
    period_column: str | None = None,
    period: Period = "month",
    engine: Engine = "auto",
    spark_master: str | None = None,
    spark_session: Any = None,
) -> PeriodCounts:
    """Period × group count tables of a decision log, from one engine.

    As :func:`fairness_core.monitoring.compute_period_counts` on the log that
    :func:`~fairness_core.monitoring.load_decision_log` reads (rows whose outcome is not
    known yet are counted by their decision); ``roles.target`` may be empty (decisions
    only).
    """
    from fairness_core.monitoring import compute_period_counts

    source = data if isinstance(data, DataSource) else open_source(data)
    chosen = choose_engine(source, engine)
    if chosen == "memory":
        checked = read_log(source, roles, time_column, period_column, period)
        return compute_period_counts(checked, attributes=attributes)
    runner = sql_runner(
        source, chosen, spark_master=spark_master, spark_session=spark_session, task="monitor"
    )
    with runner as open_runner:
        return count_log(
            open_runner, roles, attributes, time_column=time_column,
            period_column=period_column, period=period, source_name=source.name, scores=False,
        ).counts  # fmt: skip


def read_log(
    source: DataSource,
    roles: ColumnRoles,
    time_column: str | None,
    period_column: str | None,
    period: Period,
) -> MonitoringData:
    """The memory engine's log: every file read and validated (the memory path's messages)."""
    # monitoring draws its charts with plotly: imported when a log is read, not before.
    from fairness_core.monitoring import check_monitoring_data, load_decision_log

    # A folder or pattern by its text: the loader lists the same files as open_source and
    # adds their hive partitions as columns; files listed one by one have none.
    log = load_decision_log(
        source.text if source.root is not None else [str(f) for f in source.files],
        time_column=time_column,
        period_column=period_column,
        period=period,
        root=source.root,
    )
    return check_monitoring_data(log, roles)


def count_log(
    runner: Runner,
    roles: ColumnRoles,
    attributes: tuple[str, ...],
    *,
    time_column: str | None,
    period_column: str | None,
    period: Period,
    source_name: str,
    scores: bool = True,
) -> LogTables:
    """Validate and count a decision log on an open runner (see the module docstring)."""
    from fairness_core.monitoring import check_log_columns, sort_periods

    text = dict(runner.columns())
    check_log_columns(
        time_column, period_column, period, columns=list(text), source_name=source_name
    )
    time_key = time_column or period_column or ""
    keys = [(f"k{i}", c) for i, c in enumerate(_key_roles(roles)) if c]
    missing = [c for _, c in keys if c not in text]
    if missing:
        raise InvalidInputError(
            f"The log has no column {missing[0]!r}. Expected the columns named for the "
            f"monitoring. Got columns {', '.join(repr(c) for c in list(text)[:12])}."
        )
    day = day_expression(runner, time_key, text[time_key]) if time_column else None
    table = _count_query(runner, roles, keys, time_key, day)
    if day is not None:
        days = pd.to_datetime(table["kt"])
        if bool((days.isna() & (table["kn"] == 0)).any()):
            # Text the engine cannot read as a time: group on the values, as pandas reads them.
            day = None
            table = _count_query(runner, roles, keys, time_key, None)
    n = table["n"].to_numpy(dtype=np.int64)
    labels = _labels(table, time_key, day, period_column, period, source_name, n)
    periods = sort_periods(labels.tolist())
    period_code = period_positions(periods, labels)
    counts, group, problems, known = _tables(table, roles, keys, attributes, periods, period_code)
    period_sql = period_case(day, table["kt"], labels) if day else None

    def label_of(kt: pd.Series) -> np.ndarray:
        frame = pd.DataFrame({"kt": kt})
        return _labels(frame, time_key, None, period_column, period, source_name, None)

    position = (period_sql, None) if period_sql else (runner.dialect.ident(time_key), label_of)
    score_table = None
    if scores and roles.source == "score" and roles.score:
        protected = tuple((alias, c) for alias, c in keys if c in roles.protected)
        groups = table[[alias for alias, _ in protected]].assign(group=group)
        groups = groups.drop_duplicates([alias for alias, _ in protected])
        score_table = score_counts(
            runner, roles, protected, groups, period_sql=position[0], label_of=position[1],
            periods=periods, rows=int(n.sum()),
        )  # fmt: skip
    return LogTables(counts, score_table, int(n[known].sum()), int(n.sum()), problems, *position)


def period_positions(periods: tuple[str, ...], labels: np.ndarray) -> np.ndarray:
    """Each label's position in ``periods`` (which are not always in text order)."""
    position = {label: i for i, label in enumerate(periods)}
    return np.fromiter((position[label] for label in labels), dtype=np.int64, count=len(labels))


def _count_query(
    runner: Runner,
    roles: ColumnRoles,
    keys: list[tuple[str, str]],
    time_key: str,
    day: str | None,
) -> pd.DataFrame:
    score = roles.score if roles.source == "score" else None
    raw = [("kt", time_key)] if day is None else []
    expressions = []
    if day is not None:
        null = _flag(f"{runner.dialect.ident(time_key)} IS NULL")
        expressions = [("kt", day), ("kn", null)]
    return runner.query(
        count_query(
            raw + keys,
            roles,
            TABLE,
            runner.dialect,
            score=score,
            weight=roles.weight or None,
            bins=False,
            expressions=expressions,
            score_stats=_score_stats(runner, roles, score),
        )
    )


def _labels(
    table: pd.DataFrame,
    time_key: str,
    day: str | None,
    period_column: str | None,
    period: Period,
    source_name: str,
    n: np.ndarray | None,
) -> np.ndarray:
    """Each grouped row's period label, with the memory path's own functions and messages."""
    from fairness_core.monitoring import period_column_labels, period_labels

    values = table["kt"].rename(time_key)
    if period_column:
        return period_column_labels(values, source_name, row_counts=n)
    if day is not None:
        values = pd.to_datetime(values).rename(time_key)
    return period_labels(values, period, source_name=source_name, row_counts=n)


def _tables(
    table: pd.DataFrame,
    roles: ColumnRoles,
    keys: list[tuple[str, str]],
    attributes: tuple[str, ...],
    periods: tuple[str, ...],
    period_code: np.ndarray,
) -> tuple[PeriodCounts, np.ndarray, tuple[Problem, ...], np.ndarray]:
    """Validate the grouped table and fill the PeriodCounts; also each row's group and
    whether its outcome is known."""
    from fairness_core.monitoring import PeriodCounts

    score = roles.score if roles.source == "score" else None
    weight = roles.weight or None
    frame = pd.DataFrame({column: table[alias] for alias, column in keys})
    if score:
        frame[score] = table["score_check"]
    if weight:
        frame[weight] = table["weight_check"]
    n = table["n"].to_numpy(dtype=np.int64)
    has_outcome = bool(roles.target)
    known = frame[roles.target].notna().to_numpy() if has_outcome else np.zeros(len(frame), bool)
    checked_roles = roles
    if has_outcome:
        if not known.any():
            raise InvalidInputError(
                f"No row has an outcome in the target column '{roles.target}' yet. Expected "
                "the true outcome for at least some rows. Leave out the target (--target) to "
                "monitor decisions only, or add the outcomes that are known."
            )
        first = frame[roles.target][known].iloc[0]
        frame[roles.target] = frame[roles.target].where(known, first)
    else:
        frame["(decision)"] = table["d"] if score else frame[roles.prediction]
        checked_roles = ColumnRoles(**{**roles.__dict__, "target": "(decision)"})
        if score:
            checked_roles = ColumnRoles(**{**checked_roles.__dict__, "positive_label": 1})
    audit = check_audit_data(frame, checked_roles, row_counts=n)
    decision = table["d"].to_numpy(dtype=np.int64) if score else audit.y_pred.astype(np.int64)
    truth = np.where(known, audit.y_true, 0).astype(np.int64)
    columns = [audit.group(a) for a in attributes]
    code, present, radices = combine_group_codes(columns)
    found, group = np.unique(code, return_inverse=True)
    combined = found if present is None else present[found]
    group_labels = tuple(decode_group_labels(combined, columns, radices))
    n_periods, n_groups = len(periods), len(group_labels)
    base = period_code * n_groups + group
    known_index = (base * 4 + 3 - 2 * decision - truth)[known]
    pending_index = (base * 2 + 1 - decision)[~known]

    def tally(index: np.ndarray, width: int, weights: np.ndarray) -> np.ndarray:
        counted = np.bincount(index, weights=weights, minlength=n_periods * n_groups * width)
        return counted.reshape(n_periods, n_groups, width)

    sw = table["sw"].to_numpy(dtype=np.float64)
    sw2 = table["sw2"].to_numpy(dtype=np.float64)
    known_cells = np.rint(tally(known_index, 4, n[known].astype(float))).astype(np.int64)
    pending_cells = np.rint(tally(pending_index, 2, n[~known].astype(float))).astype(np.int64)
    weighted = weight is not None
    counts = PeriodCounts(
        periods=periods,
        attributes=tuple(attributes),
        labels=group_labels,
        known_cells=known_cells,
        known_weighted=tally(known_index, 4, sw[known])
        if weighted
        else known_cells.astype(np.float64),
        known_squared=tally(known_index, 4, sw2[known])
        if weighted
        else known_cells.astype(np.float64),
        pending_cells=pending_cells,
        pending_weighted=tally(pending_index, 2, sw[~known])
        if weighted
        else pending_cells.astype(np.float64),
        pending_squared=tally(pending_index, 2, sw2[~known])
        if weighted
        else pending_cells.astype(np.float64),
        weighted=weighted,
    )
    return counts, group.astype(np.int64), tuple(audit.warnings), known


def _score_stats(
    runner: Runner, roles: ColumnRoles, score: str | None
) -> tuple[float | None, float | None, float | None]:
    if not score:
        return (None, None, None)
    found = runner.query(score_stats_query(roles, TABLE, runner.dialect, score))
    lo, hi, lo_in = (None if pd.isna(found[c].iloc[0]) else float(found[c].iloc[0])
                     for c in ("lo", "hi", "lo_in"))  # fmt: skip
    return lo, hi, lo_in


def _key_roles(roles: ColumnRoles) -> list[str]:
    columns = [roles.target] if roles.target else []
    if roles.source == "prediction" and roles.prediction:
        columns.append(roles.prediction)
    columns += list(roles.protected)
    return list(dict.fromkeys(columns))
