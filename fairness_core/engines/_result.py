"""What an engine counted, and which engine counts: the names shared by every engine."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import pandas as pd

from fairness_core.data import (
    NUMERIC_LEVELS_WITHOUT_BINS,
    AuditData,
    ColumnRoles,
    default_binning,
    numeric_columns,
)
from fairness_core.engines._source import DataSource
from fairness_core.engines._tables import ScoreHistogram
from fairness_core.errors import InvalidInputError, Problem
from fairness_core.metrics import CalibrationByGroup, GroupCounts

__all__ = [
    "AUTO_DUCKDB_BYTES",
    "ENGINES",
    "Engine",
    "EngineCounts",
    "choose_engine",
    "with_default_bins",
]

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
