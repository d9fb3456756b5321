"""Counting an audit with an engine: validate, then fill the count tables per grouping.

DuckDB and Spark run the SQL of :mod:`fairness_core.engines._sql` here; the memory engine
is :mod:`fairness_core.engines._memory`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fairness_core.data import (
    MISSING_GROUP,
    AuditData,
    ColumnRoles,
    GroupColumn,
    band_edges,
    check_audit_data,
)
from fairness_core.engines._memory import count_in_memory
from fairness_core.engines._result import Engine, EngineCounts, choose_engine, with_default_bins
from fairness_core.engines._runners import TABLE, Runner, sql_runner
from fairness_core.engines._source import DataSource, open_source
from fairness_core.engines._sql import (
    band_expression,
    count_query,
    pairs_query,
    score_stats_query,
)
from fairness_core.engines._tables import ScoreHistogram, TableRows, counts_from_table
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import (
    CalibrationByGroup,
    GroupCounts,
    calibration_from_bin_sums,
)

__all__ = ["count_audit"]


def count_audit(
    data: str | DataSource,
    roles: ColumnRoles,
    groupings: Sequence[Sequence[str]],
    *,
    engine: Engine = "auto",
    spark_master: str | None = None,
    spark_session: Any = None,
    model: Any = None,
    default_bins: bool = False,
    score_sums: bool = True,
) -> EngineCounts:
    """Validate the data under ``roles`` and count it per grouping with one engine.

    ``data`` is a file, a folder (hive partitions included) or a glob pattern. Validation
    raises the same :class:`~fairness_core.errors.ValidationFailedError` with the same
    problems on every engine. ``default_bins``: numeric protected attributes with many
    values get default bands (:func:`with_default_bins`). A ``model`` can score rows only
    in memory. ``score_sums=False`` leaves out the per-group score sums and AUC pairs
    (``GroupCounts.scores``), which only the score-based metrics read; the histograms and
    calibration are counted either way.
    """
    source = data if isinstance(data, DataSource) else open_source(data)
    chosen = choose_engine(source, engine)
    grouped = tuple(tuple(g) for g in groupings)
    if chosen == "memory":
        return count_in_memory(
            source, roles, grouped, model=model, default_bins=default_bins, score_sums=score_sums
        )
    if model is not None or roles.source == "model":
        raise InvalidInputError(
            f"The {chosen} engine counts decisions and scores already in the data; it cannot "
            "run a model over the rows. Expected a prediction or score column. Score the "
            "rows first and audit the scores, or use --engine memory with --model."
        )
    runner = sql_runner(source, chosen, spark_master=spark_master, spark_session=spark_session)
    with runner as open_runner:
        return _count_with_sql(
            open_runner, source, chosen, roles, grouped, default_bins, score_sums
        )


# -- SQL engines --------------------------------------------------------------------------


def _count_with_sql(
    runner: Runner,
    source: DataSource,
    engine: Engine,
    roles: ColumnRoles,
    groupings: tuple[tuple[str, ...], ...],
    default_bins: bool,
    score_sums: bool,
) -> EngineCounts:
    schema = runner.columns()
    names = [name for name, _ in schema]
    text = dict(schema)
    key_roles = [roles.target]
    if roles.source == "prediction" and roles.prediction:
        key_roles.append(roles.prediction)
    key_roles += list(roles.protected)
    key_columns = [c for c in dict.fromkeys(key_roles) if c and c in text]
    aliases = {column: f"k{i}" for i, column in enumerate(key_columns)}
    score = roles.score if roles.source == "score" and roles.score in text else None
    weight = roles.weight if roles.weight and roles.weight in text else None
    if score in aliases or weight in aliases or (score and score == weight):
        score = weight = None  # a role conflict: validation reports it
    stats: tuple[float | None, float | None, float | None] = (None, None, None)
    if score:
        extremes = runner.query(score_stats_query(roles, TABLE, runner.dialect, score))
        stats = tuple(  # type: ignore[assignment]
            None if pd.isna(extremes[c].iloc[0]) else float(extremes[c].iloc[0])
            for c in ("lo", "hi", "lo_in")
        )
    # Phase 1: the role columns' distinct values (no score bins): validation, and every
    # count when the decisions are a prediction column.
    table = runner.query(
        count_query(
            [(alias, column) for column, alias in aliases.items()],
            roles,
            TABLE,
            runner.dialect,
            score=score,
            weight=weight,
            score_is_text=bool(score and text[score]),
            weight_is_text=bool(weight and text[weight]),
            bins=False,
            score_stats=stats,
        )
    )
    # Validation sees the data's columns: each role column as the GROUP BY returned it
    # (a score and a weight by their stand-ins), every other column empty.
    stand_ins = {column: table[alias] for column, alias in aliases.items()}
    if score:
        stand_ins[score] = table["score_check"]
    if weight:
        stand_ins[weight] = table["weight_check"]
    frame = pd.DataFrame(
        {name: stand_ins.get(name, pd.Series([None] * len(table), dtype=object)) for name in names}
    )
    if default_bins:
        roles = with_default_bins(frame, roles)
    row_counts = table["n"].to_numpy(dtype=np.int64)
    audit = check_audit_data(frame, roles, row_counts=row_counts)
    keep = frame[roles.target].notna().to_numpy() if len(frame) else np.zeros(0, dtype=bool)
    kept = table.loc[keep].reset_index(drop=True)
    partitions = {
        name: _partition(runner, roles, audit, frame, row_counts, name) for name in roles.protected
    }
    if score:
        # Phase 2: per group (bands cut in SQL), outcome, decision and score bin.
        binned = runner.query(
            count_query(
                [("k0", roles.target)],
                roles,
                TABLE,
                runner.dialect,
                score=score,
                weight=weight,
                checks=False,
                score_sums=score_sums,
                expressions=[(f"g{i}", partitions[a][0]) for i, a in enumerate(roles.protected)],
                not_null=roles.target,
            )
        )
        truth_of = {
            _key(v): int(y)
            for v, y in zip(kept["k0"].to_numpy(dtype=object), audit.y_true, strict=True)
        }
        rows = TableRows(
            groups={
                a: _decoded(audit.group(a), binned[f"g{i}"], partitions[a][1])
                for i, a in enumerate(roles.protected)
            },
            truth=np.array(
                [truth_of[_key(v)] for v in binned["k0"].to_numpy(dtype=object)], dtype=np.int8
            ),
            decision=binned["d"].to_numpy(dtype=np.int8),
            sums=binned,
            weighted=weight is not None,
        )
    else:
        rows = TableRows(
            groups={g.name: g for g in audit.groups},
            truth=audit.y_true,
            decision=audit.y_pred,
            sums=kept,
            weighted=weight is not None,
        )
    counts: list[GroupCounts] = []
    histograms: list[ScoreHistogram | None] = []
    calibration: list[CalibrationByGroup | None] = []
    all_pairs = _all_pairs(runner, roles, audit, kept) if score and score_sums else None
    for grouping in groupings:
        pairs = None
        if score and all_pairs is not None:
            found = _grouping_pairs(runner, roles, audit, kept, grouping, partitions)
            pairs = (found[0], found[1], all_pairs)
        group_counts, histogram = counts_from_table(rows, grouping, pairs=pairs)
        counts.append(group_counts)
        histograms.append(histogram)
        calibration.append(
            None
            if histogram is None
            else calibration_from_bin_sums(
                histogram.calibration,
                attributes=grouping,
                names=histogram.names,
                weighted=histogram.weighted,
            )
        )
    return EngineCounts(
        engine=engine,
        source=source,
        roles=roles,
        rows=int(row_counts.sum()),
        audited_rows=int(kept["n"].sum()),
        groupings=groupings,
        counts=tuple(counts),
        histograms=tuple(histograms),
        calibration=tuple(calibration),
        warnings=audit.warnings,
    )


def _positives(roles: ColumnRoles, audit: AuditData, kept: pd.DataFrame) -> list[object]:
    """The raw target values that count as the positive outcome."""
    alias = "k0"  # the target is always the first key
    raw = kept[alias].to_numpy(dtype=object)
    return sorted({_plain(v) for v in raw[audit.y_true.astype(bool)]}, key=repr)


def _all_pairs(runner: Runner, roles: ColumnRoles, audit: AuditData, kept: pd.DataFrame) -> float:
    sql = pairs_query(
        roles, TABLE, runner.dialect, partitions=[], positives=_positives(roles, audit, kept)
    )
    result = runner.query(sql)
    return float(result["pairs"].iloc[0]) if len(result) else 0.0


Decoder = Callable[[object], int]


def _partition(
    runner: Runner,
    roles: ColumnRoles,
    audit: AuditData,
    frame: pd.DataFrame,
    row_counts: np.ndarray,
    name: str,
) -> tuple[str, Decoder]:
    """The SQL naming a row's group of one attribute, and how to read it back as a code.

    A categorical attribute is its raw value (looked up among validation's values); a
    banded one the band index, cut in SQL at the edges validation found.
    """
    column = audit.group(name)
    missing = len(column.labels) - 1 if column.labels[-1] == MISSING_GROUP else -1
    binning = roles.binning_for(name)
    if binning is not None:
        values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype="float64")
        edges = band_edges(values, binning, row_counts=row_counts)

        def band(value: object) -> int:
            return missing if _is_missing(value) else int(value)  # type: ignore[call-overload]

        return band_expression(name, edges, runner.dialect), band
    raw = frame.loc[frame[roles.target].notna(), name].to_numpy(dtype=object)
    lookup = {_key(v): int(c) for v, c in zip(raw, column.codes, strict=True)}

    def value_code(value: object) -> int:
        return lookup[_key(value)]

    return runner.dialect.ident(name), value_code


def _decoded(column: GroupColumn, values: pd.Series, decode: Decoder) -> GroupColumn:
    codes = np.array([decode(v) for v in values.to_numpy(dtype=object)], dtype=np.int64)
    return GroupColumn(column.name, column.labels, codes, column.binned)


def _grouping_pairs(
    runner: Runner,
    roles: ColumnRoles,
    audit: AuditData,
    kept: pd.DataFrame,
    grouping: tuple[str, ...],
    partitions: dict[str, tuple[str, Decoder]],
) -> tuple[list[GroupColumn], np.ndarray]:
    """The AUC pairs per group, and each result row's group as codes per attribute."""
    result = runner.query(
        pairs_query(
            roles,
            TABLE,
            runner.dialect,
            partitions=[partitions[a][0] for a in grouping],
            positives=_positives(roles, audit, kept),
        )
    )
    pair_columns = [
        _decoded(audit.group(a), result[f"g{i}"], partitions[a][1]) for i, a in enumerate(grouping)
    ]
    return pair_columns, result["pairs"].to_numpy(dtype=np.float64)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _key(value: object) -> object:
    return ("(missing)",) if _is_missing(value) else _plain(value)


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value
