"""Counting an audit with an engine: validate, then fill the count tables per grouping."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from fairness_core.data import (
    MISSING_GROUP,
    NUMERIC_LEVELS_WITHOUT_BINS,
    AuditData,
    ColumnRoles,
    GroupColumn,
    band_edges,
    check_audit_data,
    default_binning,
    load_dataset,
    numeric_columns,
)
from fairness_core.engines._runners import TABLE, Runner, duckdb_runner, spark_runner
from fairness_core.engines._source import DataSource, open_source
from fairness_core.engines._sql import (
    CALIBRATION_BINS,
    DISTRIBUTION_BINS,
    GRID_STEPS,
    band_expression,
    count_query,
    pairs_query,
    score_stats_query,
)
from fairness_core.engines._tables import ScoreHistogram, TableRows, counts_from_table
from fairness_core.errors import InvalidInputError, Problem
from fairness_core.metrics import (
    CalibrationByGroup,
    GroupCounts,
    calibration_from_bin_sums,
    compute_calibration_by_group,
    compute_group_counts,
)

__all__ = ["AUTO_DUCKDB_BYTES", "ENGINES", "Engine", "EngineCounts", "choose_engine", "count_audit"]

Engine = Literal["auto", "memory", "duckdb", "spark"]
#: The engines a reviewer can name ("auto" picks one of the others).
ENGINES: tuple[Engine, ...] = ("auto", "memory", "duckdb", "spark")
#: "auto" reads one file in memory up to this size, and with DuckDB above it.
AUTO_DUCKDB_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class EngineCounts:
    """What an engine counted: per grouping its group counts, and with scores its histogram
    and calibration; the rows read and audited, and validation's warnings."""

    engine: Engine
    source: DataSource
    roles: ColumnRoles
    rows: int
    audited_rows: int
    groupings: tuple[tuple[str, ...], ...]
    counts: tuple[GroupCounts, ...] = field(repr=False)
    histograms: tuple[ScoreHistogram | None, ...] = field(repr=False)
    calibration: tuple[CalibrationByGroup | None, ...] = field(repr=False)
    warnings: tuple[Problem, ...] = ()
    #: The memory engine's validated rows (None for DuckDB and Spark).
    audit: AuditData | None = field(default=None, repr=False, compare=False)


def choose_engine(source: DataSource, engine: Engine = "auto") -> Engine:
    """``engine`` itself, or for "auto": DuckDB for folders, patterns and large files."""
    if engine not in ENGINES:
        raise InvalidInputError(
            f"The engine must be one of {', '.join(ENGINES)}. Got {engine!r}. Use 'auto' to "
            "let the audit choose (DuckDB for folders, patterns and large files)."
        )
    if engine != "auto":
        return engine
    if not source.is_single_file or source.size > AUTO_DUCKDB_BYTES:
        return "duckdb"
    return "memory"


def with_default_bins(frame: pd.DataFrame, roles: ColumnRoles) -> ColumnRoles:
    """``roles`` with default bands for numeric protected columns with many values.

    A numeric attribute with more than NUMERIC_LEVELS_WITHOUT_BINS distinct values gets
    age bands (when named like age) or four bands of equal size, as the command line does.
    """
    numeric = set(numeric_columns(frame))
    chosen = {b.column for b in roles.bins}
    bins = tuple(
        default_binning(column)
        for column in roles.protected
        if column in numeric
        and column not in chosen
        and frame[column].nunique(dropna=True) > NUMERIC_LEVELS_WITHOUT_BINS
    )
    return replace(roles, bins=roles.bins + bins) if bins else roles


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
        return _count_in_memory(
            source, roles, grouped, model=model, default_bins=default_bins, score_sums=score_sums
        )
    if model is not None or roles.source == "model":
        raise InvalidInputError(
            f"The {chosen} engine counts decisions and scores already in the data; it cannot "
            "run a model over the rows. Expected a prediction or score column. Score the "
            "rows first and audit the scores, or use --engine memory with --model."
        )
    runner: AbstractContextManager[Runner] = (
        duckdb_runner(source)
        if chosen == "duckdb"
        else spark_runner(source, master=spark_master, session=spark_session)
    )
    with runner as open_runner:
        return _count_with_sql(
            open_runner, source, chosen, roles, grouped, default_bins, score_sums
        )


# -- memory -----------------------------------------------------------------------------


def read_rows(source: DataSource) -> pd.DataFrame:
    """Every row of the source in memory (one file as the app reads it; else by pyarrow)."""
    if source.is_single_file:
        return load_dataset(source.files[0]).frame
    import pyarrow.dataset as ds

    fmt = "parquet" if source.format == "parquet" else ds.CsvFileFormat()
    partitioning = ds.HivePartitioning.discover() if source.root is not None else None
    dataset = ds.dataset(
        [str(f) for f in source.files],
        format=fmt,
        partitioning=partitioning,
        partition_base_dir=None if source.root is None else str(source.root),
    )
    table = dataset.to_table()
    return table.to_pandas()


def _count_in_memory(
    source: DataSource,
    roles: ColumnRoles,
    groupings: tuple[tuple[str, ...], ...],
    *,
    model: Any,
    default_bins: bool,
    score_sums: bool,
) -> EngineCounts:
    frame = read_rows(source)
    if default_bins:
        roles = with_default_bins(frame, roles)
    audit = check_audit_data(frame, roles, model=model)
    counts: list[GroupCounts] = []
    histograms: list[ScoreHistogram | None] = []
    calibration: list[CalibrationByGroup | None] = []
    for grouping in groupings:
        columns = [audit.group(name) for name in grouping]
        group_counts = compute_group_counts(
            columns,
            audit.y_true,
            audit.y_pred,
            sample_weight=audit.sample_weight,
            y_score=audit.y_score if score_sums else None,
        )
        counts.append(group_counts)
        if audit.y_score is None:
            histograms.append(None)
            calibration.append(None)
        else:
            histograms.append(score_histogram(columns, audit, group_counts.labels))
            calibration.append(compute_calibration_by_group(audit, grouping))
    return EngineCounts(
        engine="memory",
        source=source,
        roles=roles,
        rows=len(frame),
        audited_rows=audit.n_rows,
        groupings=groupings,
        counts=tuple(counts),
        histograms=tuple(histograms),
        calibration=tuple(calibration),
        warnings=audit.warnings,
        audit=audit,
    )


def score_histogram(
    columns: list[GroupColumn], audit: AuditData, labels: tuple[tuple[str, ...], ...]
) -> ScoreHistogram:
    """The memory engine's histogram: numpy over the rows (the engines' SQL, in numpy)."""
    assert audit.y_score is not None  # noqa: S101 - callers check
    score = np.asarray(audit.y_score, dtype=np.float64)
    truth = audit.y_true.astype(np.int64)
    weight = audit.sample_weight
    w = np.ones(len(score)) if weight is None else weight
    position = {group_labels: i for i, group_labels in enumerate(labels)}
    row_labels = zip(*(np.asarray(c.labels, dtype=object)[c.codes] for c in columns), strict=True)
    group = np.fromiter((position[tuple(v)] for v in row_labels), dtype=np.int64, count=len(score))
    n_groups = len(labels)
    grid = np.arange(GRID_STEPS + 1) / GRID_STEPS
    sweep_bin = np.searchsorted(grid, score, side="right") - 1
    cal_edges = np.linspace(0.0, 1.0, CALIBRATION_BINS + 1)
    cal_bin = np.searchsorted(cal_edges[1:-1], score)
    dist_edges = np.linspace(0.0, 1.0, DISTRIBUTION_BINS + 1)
    dist_bin = np.minimum(
        np.searchsorted(dist_edges, score, side="right") - 1, DISTRIBUTION_BINS - 1
    )

    def count(code: np.ndarray, shape: tuple[int, ...], weights: np.ndarray | None) -> np.ndarray:
        size = int(np.prod(shape))
        return np.bincount(code, weights=weights, minlength=size).astype(np.float64).reshape(shape)

    n_sweep = GRID_STEPS + 1
    sweep_code = (group * n_sweep + sweep_bin) * 2 + truth
    sweep_shape = (n_groups, n_sweep, 2)
    cal_code = group * CALIBRATION_BINS + cal_bin
    cal_shape = (n_groups, CALIBRATION_BINS)
    dist_code = (group * 2 + truth) * DISTRIBUTION_BINS + dist_bin
    dist_shape = (n_groups, 2, DISTRIBUTION_BINS)
    return ScoreHistogram(
        attributes=tuple(c.name for c in columns),
        labels=labels,
        thresholds=grid,
        sweep_rows=count(sweep_code, sweep_shape, None),
        sweep_weight=count(sweep_code, sweep_shape, w),
        sweep_squared=count(sweep_code, sweep_shape, w * w),
        calibration={
            "n": count(cal_code, cal_shape, None),
            "weight": count(cal_code, cal_shape, w),
            "squared": count(cal_code, cal_shape, w * w),
            "score": count(cal_code, cal_shape, w * score),
            "positive": count(cal_code, cal_shape, w * truth),
        },
        distribution_rows=count(dist_code, dist_shape, None),
        distribution_weight=count(dist_code, dist_shape, w),
        weighted=weight is not None,
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
