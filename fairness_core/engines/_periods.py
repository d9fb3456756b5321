"""Monitoring's count tables (period × group × cell) from an engine's GROUP BY.

:class:`fairness_core.monitoring.PeriodCounts` was designed to be filled by
``GROUP BY period, group, outcome known, outcome, decision``; this is that query, with the
period cut from the time column in pandas on the distinct times the engine returns.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fairness_core.data import ColumnRoles, check_audit_data
from fairness_core.engines._counting import Engine, choose_engine
from fairness_core.engines._runners import TABLE, Runner, duckdb_runner, spark_runner
from fairness_core.engines._source import DataSource, open_source
from fairness_core.engines._sql import count_query, score_stats_query
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import combine_group_codes, decode_group_labels

if TYPE_CHECKING:
    from fairness_core.monitoring import Period, PeriodCounts

__all__ = ["count_periods"]


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
    # monitoring draws its charts with plotly: imported when a log is counted, not before.
    from fairness_core.monitoring import (
        check_monitoring_data,
        compute_period_counts,
        load_decision_log,
    )

    source = data if isinstance(data, DataSource) else open_source(data)
    chosen = choose_engine(source, engine)
    if chosen == "memory":
        log = load_decision_log(
            [str(f) for f in source.files],
            time_column=time_column,
            period_column=period_column,
            period=period,
        )
        checked = check_monitoring_data(log, roles)
        return compute_period_counts(checked, attributes=attributes)
    runner: AbstractContextManager[Runner] = (
        duckdb_runner(source)
        if chosen == "duckdb"
        else spark_runner(source, master=spark_master, session=spark_session)
    )
    with runner as open_runner:
        return _count(
            open_runner, roles, attributes, time_column or period_column, period_column, period
        )


def _count(
    runner: Runner,
    roles: ColumnRoles,
    attributes: tuple[str, ...],
    time_key: str | None,
    period_column: str | None,
    period: Period,
) -> PeriodCounts:
    from fairness_core.monitoring import PeriodCounts, period_labels

    if not time_key:
        raise InvalidInputError(
            "A decision log needs either a time column or a period column. Expected exactly "
            "one. Give the column with the date of each decision, or the column that "
            "already says its period."
        )
    text = dict(runner.columns())
    keys = [("kt", time_key)] + [(f"k{i}", c) for i, c in enumerate(_key_roles(roles)) if c]
    missing = [c for _, c in keys if c not in text]
    if missing:
        raise InvalidInputError(
            f"The log has no column {missing[0]!r}. Expected the columns named for the "
            f"monitoring. Got columns {', '.join(repr(c) for c in list(text)[:12])}."
        )
    score = roles.score if roles.source == "score" else None
    weight = roles.weight or None
    table = runner.query(
        count_query(
            keys,
            roles,
            TABLE,
            runner.dialect,
            score=score,
            weight=weight,
            bins=False,
            score_stats=_score_stats(runner, roles, score),
        )
    )
    aliases = dict((column, alias) for alias, column in keys)
    frame = pd.DataFrame({column: table[alias] for column, alias in aliases.items()})
    if score:
        frame[score] = table["score_check"]
    if weight:
        frame[weight] = table["weight_check"]
    n = table["n"].to_numpy(dtype=np.int64)
    has_outcome = bool(roles.target)
    known = frame[roles.target].notna().to_numpy() if has_outcome else np.zeros(len(frame), bool)
    checked_roles = roles
    if has_outcome:
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
    if period_column:
        labels = np.asarray(frame[period_column].astype(str), dtype=object)
    else:
        labels = period_labels(frame[time_key], period)
    periods = tuple(sorted(set(labels.tolist())))
    period_code = np.searchsorted(np.asarray(periods, dtype=object), labels)
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
    return PeriodCounts(
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
