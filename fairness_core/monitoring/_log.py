"""Reading a decision log: one file, a folder or a glob of CSV / Parquet files, split into periods.

A *decision log* is a table with one row per decision (an application, a case) and a time
column (or a column that already names the period). Every file is read with
:func:`fairness_core.data.load_dataset`, within the operator's limits, and identified by its
SHA-256; the files must share their columns. Each row is given a *period* label:

- ``day``: ``2026-03-14``; ``week`` (ISO week): ``2026-W11``; ``month``: ``2026-03``;
  ``quarter``: ``2026-Q1``. These labels sort in time order as text.
- Times with a time-zone offset are converted to UTC first; times without one are taken as
  written.
- With a *period column* the labels are its values as text, ordered as numbers when they
  all are numbers (``5`` before ``10``), else as text (so write them so that they sort,
  e.g. ``2026-03``).
- With two files (:func:`load_baseline_and_current`) the periods are ``baseline`` and
  ``current``.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pandas as pd

from fairness_core.data import DataLimits, check_data_size, load_data_limits, load_dataset
from fairness_core.errors import InvalidInputError
from fairness_core.monitoring._periods import PERIODS, Period, sort_periods

__all__ = [
    "LOG_SUFFIXES",
    "PERIODS",
    "DecisionLog",
    "LogFile",
    "Period",
    "check_log_columns",
    "check_same_columns",
    "load_baseline_and_current",
    "load_decision_log",
    "log_file_names",
    "period_column_labels",
    "period_labels",
]

#: File kinds a folder or a glob picks up.
LOG_SUFFIXES = (".csv", ".parquet", ".pq")
#: Most files one log may be made of.
MAX_FILES = 2_000
_EXAMPLES = 3
PERIOD_COLUMN = "(period)"


@dataclass(frozen=True)
class LogFile:
    """One file of the log: its path below the log's folder (:func:`log_file_names`),
    SHA-256, rows and the periods its rows fall in."""

    name: str
    sha256: str
    n_rows: int
    periods: tuple[str, ...]


@dataclass(frozen=True)
class DecisionLog:
    """The log's rows (``frame``), each row's period, and the files they came from.

    ``period_of_row`` holds one label per row of ``frame``; ``periods`` lists the labels in
    time order. ``period`` is the period length, or None when the labels came from a period
    column or from a baseline file and a current file.
    """

    frame: pd.DataFrame = field(repr=False, compare=False)
    period_of_row: np.ndarray = field(repr=False, compare=False)
    periods: tuple[str, ...]
    files: tuple[LogFile, ...]
    time_column: str | None = None
    period_column: str | None = None
    period: Period | None = None

    @property
    def n_rows(self) -> int:
        """Rows in the log."""
        return len(self.frame)


def load_decision_log(
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    time_column: str | None = None,
    period_column: str | None = None,
    period: Period = "month",
    limits: DataLimits | None = None,
    root: str | os.PathLike[str] | None = None,
) -> DecisionLog:
    """Read a log from a file, a folder, a glob pattern (``'decisions/*.parquet'``) or a list.

    Give either ``time_column`` (cut into ``period``\\ s) or ``period_column`` (its values
    are the periods). Files are named by their path below ``root`` (default: the folder or
    the pattern's fixed folder named, else the files' common folder).
    """
    check_log_columns(time_column, period_column, period)
    limits = limits if limits is not None else load_data_limits(os.environ)
    found = log_files_and_roots(source)
    name = _source_name(source, found)
    # The operator's limits hold for the whole log, as for an audit of a folder: the rows
    # are counted (Parquet footers, CSV lines) before any file is read.
    check_data_size(name, sum(_rows_without_reading(p) for p, _ in found), 0, limits)
    names = log_file_names(
        [p for p, _ in found], root if root is not None else _source_root(source)
    )
    frames, files = [], []
    total = 0
    for (path, partition_root), file_name in zip(found, names, strict=True):
        dataset = load_dataset(path, limits=limits)
        frame = _with_partitions(dataset.frame, path, partition_root)
        total += len(frame)
        check_data_size(name, total, frame.shape[1], limits)  # and the cells, once read
        frames.append(frame)
        files.append((file_name, dataset.sha256, dataset.n_rows))
    _type_partitions(frames, found)
    check_same_columns([list(f.columns) for f in frames], [n for n, _, _ in files])
    column = time_column if time_column is not None else period_column
    assert column is not None  # noqa: S101 - checked above
    labels_per_file = []
    for frame, (name, _, _) in zip(frames, files, strict=True):
        check_log_columns(
            time_column, period_column, period, columns=list(frame.columns), source_name=name
        )
        if time_column is not None:
            labels_per_file.append(period_labels(frame[column], period, source_name=name))
        else:
            labels_per_file.append(period_column_labels(frame[column], name))
    return _assemble(frames, files, labels_per_file, time_column, period_column,
                     period if time_column is not None else None)  # fmt: skip


def check_log_columns(
    time_column: str | None,
    period_column: str | None,
    period: Period,
    *,
    columns: Sequence[object] | None = None,
    source_name: str = "the log",
) -> None:
    """Raise the plain message when the log's time settings cannot work: not exactly one of
    a time column and a period column, an unknown period, or (given the log's ``columns``)
    a column the log does not have. Every engine checks with this."""
    if (time_column is None) == (period_column is None):
        raise InvalidInputError(
            "A decision log needs either a time column or a period column. Expected exactly "
            f"one. Got {'both' if time_column else 'neither'}. Name the column with the date "
            "of each decision (--time-column), or the column that already says its period "
            "(--period-column)."
        )
    if period not in PERIODS:
        raise InvalidInputError(
            f"The period must be one of {', '.join(PERIODS)}. Got {period!r}. Choose one of those."
        )
    column = time_column if time_column is not None else period_column
    if columns is not None and column not in columns:
        shown = ", ".join(repr(str(c)) for c in list(columns)[:12])
        raise InvalidInputError(
            f"The {'time' if time_column else 'period'} column '{column}' is not in "
            f"{source_name}. Expected a column called '{column}'. Got columns {shown}. Check "
            "the spelling (capitals, spaces) or choose another column."
        )


def load_baseline_and_current(
    baseline: str | os.PathLike[str],
    current: str | os.PathLike[str],
    *,
    limits: DataLimits | None = None,
) -> DecisionLog:
    """Read two files (or folders or globs) as two periods: ``baseline`` and ``current``."""
    frames, files, labels = [], [], []
    for label, source in (("baseline", baseline), ("current", current)):
        paths = find_log_files(source)
        for path, name in zip(paths, log_file_names(paths, _source_root(source)), strict=True):
            dataset = load_dataset(path, limits=limits)
            frames.append(dataset.frame)
            files.append((name, dataset.sha256, dataset.n_rows))
            labels.append(np.full(dataset.n_rows, label, dtype=object))
    check_same_columns([list(f.columns) for f in frames], [name for name, _, _ in files])
    return _assemble(frames, files, labels, None, None, None, order=("baseline", "current"))


def find_log_files(source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The files a source names: a file, a folder (its CSV/Parquet files, sub-folders
    included), a glob, or a list."""
    return [path for path, _ in log_files_and_roots(source)]


def log_files_and_roots(
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
) -> list[tuple[Path, Path | None]]:
    """Each file a source names, with the folder its hive partitions (``month=2026-03/``)
    are read below: the folder named, or the fixed folder a pattern starts with; None for
    a file named directly. The same files, in the same order, as
    :func:`fairness_core.engines.open_source` lists."""
    if isinstance(source, (list, tuple)):
        found = [pair for item in source for pair in log_files_and_roots(item)]
        return list(dict.fromkeys(found))
    text = os.fspath(source)  # type: ignore[arg-type]
    path = Path(text)
    if any(ch in text for ch in "*?[") and not path.exists():
        paths = [Path(p) for p in sorted(glob.glob(text, recursive=True))]
        paths = [p for p in paths if p.is_file()]
        fixed = Path(re.split(r"[*?\[]", text, maxsplit=1)[0])
        root = fixed if text.endswith(("/", os.sep)) or fixed.is_dir() else fixed.parent
        what = f"the pattern '{text}'"
    elif path.is_dir():
        paths = sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in LOG_SUFFIXES
        )
        root = path
        what = f"the folder '{text}' (sub-folders included)"
    elif path.is_file():
        return [(path, None)]
    else:
        raise InvalidInputError(
            f"'{text}' is not a file, a folder or a pattern that matches files. Expected a "
            "CSV or Parquet file, a folder of them, or a pattern such as "
            "'decisions/*.parquet' (in quotes, so the shell does not expand it). Check the "
            "path."
        )
    if not paths:
        raise InvalidInputError(
            f"No CSV or Parquet file was found in {what}. Expected at least one file ending "
            f"in {', '.join(LOG_SUFFIXES)}. Check the path and the pattern."
        )
    if len(paths) > MAX_FILES:
        raise InvalidInputError(
            f"{what.capitalize()} holds {len(paths):,} files; a log may have at most "
            f"{MAX_FILES:,}. Combine the files, or monitor a narrower pattern."
        )
    return [(p, root) for p in paths]


def _partition_values(path: Path, root: Path | None) -> dict[str, str]:
    """The hive partition values of ``path`` below ``root`` (``month=2026-03/`` → month)."""
    if root is None:
        return {}
    try:
        folders = path.parent.relative_to(root).parts
    except ValueError:
        return {}
    pairs = (unquote(part).split("=", 1) for part in folders if "=" in part)
    return {key: value for key, value in pairs if key}


def _with_partitions(frame: pd.DataFrame, path: Path, root: Path | None) -> pd.DataFrame:
    """``frame`` with a column per hive partition of its folder (as text for now), as
    DuckDB and the audit's memory engine read them; a column the file has itself wins."""
    values = {k: v for k, v in _partition_values(path, root).items() if k not in frame.columns}
    return frame.assign(**{k: pd.Series(v, index=frame.index, dtype=object)
                           for k, v in values.items()}) if values else frame  # fmt: skip


def _type_partitions(frames: list[pd.DataFrame], found: list[tuple[Path, Path | None]]) -> None:
    """Partition columns whose values are all whole numbers become numbers (``month=3`` → 3),
    as DuckDB and pyarrow's hive partitioning type them; the others stay text."""
    keys = {k for path, root in found for k in _partition_values(path, root)}
    for key in keys:
        values = {str(v) for f in frames if key in f.columns for v in pd.unique(f[key])}
        if values and all(re.fullmatch(r"-?\d{1,18}", v) for v in values):
            for i, frame in enumerate(frames):
                if key in frame.columns and frame[key].dtype == object:
                    frames[i] = frame.assign(**{key: frame[key].astype("int64")})


def _rows_without_reading(path: Path) -> int:
    """A file's rows from its Parquet footer, or its CSV lines after the header (at least
    the rows; a quoted line break counts one more); 0 when unreadable (the loader says why)."""
    try:
        if path.suffix.lower() != ".csv":
            import pyarrow.parquet as pq

            return int(pq.read_metadata(path).num_rows)
        with path.open("rb") as handle:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        return max(lines - 1, 0)
    except Exception:  # any failure: load_dataset gives the plain message for a bad file
        return 0


def _source_name(
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    found: list[tuple[Path, Path | None]],
) -> str:
    """The log's name in a limit message: the file, the folder or pattern, or 'the log'."""
    if isinstance(source, (list, tuple)):
        return os.fspath(source[0]) if len(source) == 1 else "the log"
    return found[0][0].name if found[0][1] is None else str(source)


def period_labels(
    values: pd.Series,
    period: Period,
    *,
    source_name: str = "the log",
    row_counts: np.ndarray | None = None,
) -> np.ndarray:
    """One period label per value of a time column (see the module docstring).

    ``row_counts``: the rows each value stands for (an engine's grouped table), so the
    messages count rows as they do on the rows themselves.
    """
    name = str(values.name)
    rows = np.ones(len(values), dtype=np.int64) if row_counts is None else np.asarray(row_counts)
    if pd.api.types.is_datetime64_any_dtype(values):
        times = values
        if isinstance(times.dtype, pd.DatetimeTZDtype):
            times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    else:
        text = values.astype("string")
        times = pd.to_datetime(text, errors="coerce", format="mixed", utc=True)
        times = times.dt.tz_localize(None)
        bad = times.isna() & values.notna()
        if bad.any():
            examples = ", ".join(repr(str(v)) for v in pd.unique(values[bad])[:_EXAMPLES])
            count = int(rows[bad.to_numpy()].sum())
            raise InvalidInputError(
                f"{count:,} values of the time column '{name}' in {source_name} are "
                f"not dates or times, e.g. {examples}. Expected dates such as 2026-03-14 or "
                "2026-03-14T09:30:00. Fix those cells, or choose the right time column."
            )
    missing = int(rows[times.isna().to_numpy()].sum())
    if missing:
        raise InvalidInputError(
            f"{missing:,} rows of {source_name} have no value in the time column '{name}'. "
            "Expected a date for every decision. Fill them in, or remove those rows."
        )
    index = pd.DatetimeIndex(times)
    if period == "day":
        labels = index.strftime("%Y-%m-%d")
    elif period == "week":
        iso = index.isocalendar()
        labels = pd.Index(
            [f"{y:04d}-W{w:02d}" for y, w in zip(iso["year"], iso["week"], strict=True)]
        )
    elif period == "month":
        labels = index.strftime("%Y-%m")
    else:
        labels = pd.Index([f"{y:04d}-Q{q}" for y, q in zip(index.year, index.quarter, strict=True)])
    return np.asarray(labels, dtype=object)


def period_column_labels(
    values: pd.Series, source_name: str, *, row_counts: np.ndarray | None = None
) -> np.ndarray:
    """A period column's values as the labels (``row_counts`` as for :func:`period_labels`)."""
    rows = np.ones(len(values), dtype=np.int64) if row_counts is None else np.asarray(row_counts)
    missing = int(rows[values.isna().to_numpy()].sum())
    if missing:
        raise InvalidInputError(
            f"{missing:,} rows of {source_name} have no value in the period column "
            f"'{values.name}'. Expected a period for every decision. Fill them in, or use "
            "the time column instead."
        )
    return np.asarray(values.astype(str), dtype=object)


def log_file_names(paths: Sequence[Path], root: str | os.PathLike[str] | None) -> list[str]:
    """Each file's name in a report: its path below ``root`` (``month=5/part.parquet``), or
    below the files' common folder when ``root`` is None or does not hold them all (one
    file: its name). Every engine names the files with this."""
    if not paths:
        return []
    base = Path(root) if root is not None else None
    if base is None or not all(p.is_relative_to(base) for p in paths):
        base = Path(os.path.commonpath([str(p.parent) for p in paths]))
    return [p.relative_to(base).as_posix() for p in paths]


def _source_root(
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
) -> Path | None:
    """The folder a source's files are named below: the folder named, or a pattern's fixed
    folder (as :func:`fairness_core.engines.open_source` finds it); None otherwise."""
    if isinstance(source, (list, tuple)):
        return _source_root(source[0]) if len(source) == 1 else None
    text = os.fspath(source)  # type: ignore[arg-type]
    path = Path(text)
    if path.is_dir():
        return path
    if any(ch in text for ch in "*?[") and not path.exists():
        fixed = Path(re.split(r"[*?\[]", text, maxsplit=1)[0])
        return fixed if text.endswith(("/", os.sep)) or fixed.is_dir() else fixed.parent
    return None


def check_same_columns(
    columns: Sequence[Sequence[object]], names: Sequence[str], *, task: str = "monitor"
) -> None:
    """Refuse files that do not share their columns (one list of columns per file, in the
    order of ``names``), naming the file and the columns. ``task``: "monitor" (a log) or
    "audit" (data). Every engine refuses with this before it counts."""
    what = "the log" if task == "monitor" else "the data"
    if not columns:
        raise InvalidInputError(
            f"{what.capitalize()} has no files. Expected at least one CSV or Parquet file."
        )
    first = [str(c) for c in columns[0]]
    problems = []
    for found, name in zip(columns[1:], names[1:], strict=True):
        columns_here = [str(c) for c in found]
        if set(columns_here) != set(first):
            missing = [c for c in first if c not in columns_here][:_EXAMPLES]
            extra = [c for c in columns_here if c not in first][:_EXAMPLES]
            parts = []
            if missing:
                parts.append(f"lacks {', '.join(repr(c) for c in missing)}")
            if extra:
                parts.append(f"adds {', '.join(repr(c) for c in extra)}")
            problems.append(f"{name} {' and '.join(parts)}")
    if problems:
        raise InvalidInputError(
            f"The files of {what} do not share their columns (compared with {names[0]}): "
            + "; ".join(problems)
            + ". Expected the same columns in every file. Export the files the same way, "
            f"or {task} them separately."
        )


def _assemble(
    frames: list[pd.DataFrame],
    files: list[tuple[str, str, int]],
    labels: list[np.ndarray],
    time_column: str | None,
    period_column: str | None,
    period: Period | None,
    *,
    order: tuple[str, ...] | None = None,
) -> DecisionLog:
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    period_of_row = np.concatenate(labels) if labels else np.array([], dtype=object)
    present = set(period_of_row.tolist())
    periods = tuple(p for p in order if p in present) if order else sort_periods(present)
    log_files = tuple(
        LogFile(name, sha, rows, sort_periods(lab.tolist()))
        for (name, sha, rows), lab in zip(files, labels, strict=True)
    )
    return DecisionLog(frame.reset_index(drop=True), period_of_row, periods, log_files,
                       time_column, period_column, period)  # fmt: skip
