"""The report's list of a log's files from an engine: per file its name, SHA-256, rows and
the periods its rows fall in, as the memory path lists them (one query grouped by file and
period; DuckDB names each row's file with ``read_parquet(filename = …)``, Spark with
``input_file_name()``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

import numpy as np
import pandas as pd

from fairness_core.engines._runners import TABLE, Runner
from fairness_core.engines._source import DataSource
from fairness_core.engines._sql import DUCKDB

if TYPE_CHECKING:
    from fairness_core.monitoring import LogFile

__all__ = ["log_files"]

_FILE_COLUMN = "fe_source_file"
_CHUNK = 1 << 20


def log_files(
    runner: Runner,
    source: DataSource,
    period_sql: str,
    label_of: Callable[[pd.Series], np.ndarray] | None,
    periods: tuple[str, ...],
) -> tuple[LogFile, ...]:
    """One entry per file of ``source``, in its order (``period_sql`` and ``label_of`` as
    for the score table: each row's period position, or a value ``label_of`` labels)."""
    from fairness_core.monitoring import LogFile, log_file_names, sort_periods

    if runner.dialect is DUCKDB:
        files = "[" + ", ".join(DUCKDB.text(str(f)) for f in source.files) + "]"
        hive = "true" if source.root is not None else "false"
        options = f"hive_partitioning = {hive}, union_by_name = true, filename = '{_FILE_COLUMN}'"
        reader = (
            f"read_parquet({files}, {options})"
            if source.format == "parquet"
            else f"read_csv({files}, header = true, {options})"
        )
        file_sql = _FILE_COLUMN
    else:
        reader, file_sql = TABLE, "input_file_name()"
    table = runner.query(
        f"SELECT {file_sql} AS f, {period_sql} AS kt, COUNT(*) AS n FROM {reader} "  # noqa: S608 - paths quoted by Dialect.text
        "GROUP BY 1, 2"
    )
    if label_of is None:
        labels = np.asarray(periods, dtype=object)[table["kt"].to_numpy(dtype=np.int64)]
    else:
        labels = label_of(table["kt"])
    table = table.assign(label=labels, path=[str(_path(f)) for f in table["f"]])
    out = []
    for path, name in zip(source.files, log_file_names(source.files, source.root), strict=True):
        rows = table[table["path"] == str(path.resolve())]
        out.append(
            LogFile(name, _sha256(path), int(rows["n"].sum()), sort_periods(rows["label"].tolist()))
        )
    return tuple(out)


def _path(text: object) -> Path:
    """A file as DuckDB (a path) or Spark (a file:// URI) names it, resolved."""
    spelled = str(text)
    if spelled.startswith("file:"):
        spelled = unquote(urlparse(spelled).path)
    return Path(spelled).resolve()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
