"""The memory engine: every row in pandas, counted by the code the app has always used."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from fairness_core.data import (
    AuditData,
    ColumnRoles,
    GroupColumn,
    check_audit_data,
    check_data_size,
    load_data_limits,
    load_dataset,
)
from fairness_core.engines._result import EngineCounts, with_default_bins
from fairness_core.engines._source import DataSource, check_file_columns
from fairness_core.engines._sql import CALIBRATION_BINS, DISTRIBUTION_BINS, GRID_STEPS
from fairness_core.engines._tables import ScoreHistogram
from fairness_core.metrics import (
    CalibrationByGroup,
    GroupCounts,
    compute_calibration_by_group,
    compute_group_counts,
)

__all__ = ["count_in_memory", "read_rows", "score_histogram"]


def read_rows(source: DataSource) -> pd.DataFrame:
    """Every row of the source in memory (one file as the app reads it; else by pyarrow).

    The operator's row and cell limits (``--max-rows``, ``--max-cells``, or the environment:
    :func:`load_data_limits`) hold for a folder or pattern as for one file: all its files
    together are counted before any row is read into memory.
    """
    if source.is_single_file:
        return load_dataset(source.files[0]).frame
    import pyarrow.dataset as ds

    # pyarrow takes the first file's schema and fills what another file lacks with nulls.
    check_file_columns(source, task="audit")
    fmt = "parquet" if source.format == "parquet" else ds.CsvFileFormat()
    partitioning = ds.HivePartitioning.discover() if source.root is not None else None
    dataset = ds.dataset(
        [str(f) for f in source.files],
        format=fmt,
        partitioning=partitioning,
        partition_base_dir=None if source.root is None else str(source.root),
    )
    limits = load_data_limits(os.environ)
    check_data_size(source.name, dataset.count_rows(), len(dataset.schema.names), limits)
    table = dataset.to_table()
    return table.to_pandas()


def count_in_memory(
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
