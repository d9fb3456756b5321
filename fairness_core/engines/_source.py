"""Data sources: one file, a folder (hive-partitioned or not) or a glob of CSV / Parquet files."""

from __future__ import annotations

import csv
import functools
import glob
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fairness_core.errors import InvalidInputError

__all__ = ["DataSource", "check_file_columns", "open_source"]

SourceFormat = Literal["csv", "parquet"]
_SUFFIXES: dict[str, SourceFormat] = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
_CHUNK = 1 << 20


@dataclass(frozen=True)
class DataSource:
    """The files one audit reads, in a fixed order, and how to name them in a report.

    ``root`` is the folder hive partitions (``year=2024/``) are read below: the folder named,
    or the fixed folder a pattern starts with; None for a single file.
    """

    text: str
    files: tuple[Path, ...]
    format: SourceFormat
    root: Path | None = None

    @property
    def is_single_file(self) -> bool:
        """True for one file named directly (no folder, no pattern)."""
        return self.root is None and len(self.files) == 1

    @property
    def size(self) -> int:
        """Bytes of all files together."""
        return sum(f.stat().st_size for f in self.files)

    @property
    def name(self) -> str:
        """The file's name, or the folder or pattern as given."""
        return self.files[0].name if self.is_single_file else self.text

    def sha256(self) -> str:
        """The file's SHA-256; for several files, the SHA-256 of their names and hashes.

        Each line is ``<sha256 of the file>  <path relative to the folder>``, in path order
        (the ``sha256sum`` format), so an auditor can check the files one by one.
        """
        if self.is_single_file:
            return _file_sha256(self.files[0])
        base = self.root or Path(os.path.commonpath([str(f.parent) for f in self.files]))
        lines = [f"{_file_sha256(f)}  {f.relative_to(base).as_posix()}\n" for f in self.files]
        return hashlib.sha256("".join(lines).encode()).hexdigest()


def open_source(text: str | os.PathLike[str]) -> DataSource:
    """The files ``text`` names: a file, a folder (read recursively) or a glob pattern."""
    spelled = os.fspath(text)
    path = Path(spelled)
    root: Path | None = None
    if path.is_file():
        files = [path]
    elif path.is_dir():
        root = path
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _SUFFIXES)
    elif any(ch in spelled for ch in "*?["):
        files = sorted(Path(p) for p in glob.glob(spelled, recursive=True) if Path(p).is_file())
        # Hive partitions (region=north/) are read below the pattern's fixed folder.
        fixed = Path(re.split(r"[*?\[]", spelled, maxsplit=1)[0])
        root = fixed if spelled.endswith(("/", os.sep)) or fixed.is_dir() else fixed.parent
    else:
        raise InvalidInputError(
            f"'{spelled}' is not a file, a folder or a pattern that matches files. Expected a "
            "CSV or Parquet file, a folder of them, or a pattern such as 'logs/**/*.parquet' "
            "(in quotes, so the shell does not expand it). Check the path."
        )
    kinds = {_SUFFIXES.get(f.suffix.lower()) for f in files}
    if not files or None in kinds:
        odd = [f.name for f in files if f.suffix.lower() not in _SUFFIXES][:3]
        found = f"files such as {', '.join(odd)}" if odd else "no files"
        raise InvalidInputError(
            f"'{spelled}' holds {found}. Expected CSV or Parquet files (.csv, .parquet). "
            "Point at the data files, or narrow the pattern to them."
        )
    if len(kinds) > 1:
        raise InvalidInputError(
            f"'{spelled}' mixes CSV and Parquet files. Expected files of one format. "
            "Point at one format, e.g. 'logs/**/*.parquet'."
        )
    fmt = kinds.pop()
    assert fmt is not None  # noqa: S101 - None was refused above
    return DataSource(text=spelled, files=tuple(files), format=fmt, root=root)


def check_file_columns(source: DataSource, *, task: str = "audit") -> None:
    """Refuse files that do not share their columns, hive partition columns aside, with the
    memory path's message (:func:`fairness_core.monitoring.check_same_columns`).

    DuckDB and Spark read such files by column name and fill the missing column with NULL,
    so a month whose ``race`` was renamed would silently become "(missing)". Only each
    file's schema (Parquet footer) or header line (CSV) is read, cached by path, size and
    modification time, so thousands of files cost little.
    """
    if len(source.files) < 2:
        return
    from fairness_core.monitoring import check_same_columns, log_file_names

    columns = []
    for path in source.files:
        stat = path.stat()
        found = _file_columns(str(path), source.format, stat.st_size, stat.st_mtime_ns)
        if found is None:
            return  # unreadable: the engine's reader says so in its own words
        keys = _partition_keys(path, source.root)
        columns.append([c for c in found if c not in keys])
    check_same_columns(columns, log_file_names(source.files, source.root), task=task)


def _partition_keys(path: Path, root: Path | None) -> set[str]:
    """The hive partition columns of ``path``'s folders below ``root`` (``month=5/``)."""
    if root is None or not path.is_relative_to(root):
        return set()
    return {part.split("=", 1)[0] for part in path.parent.relative_to(root).parts if "=" in part}


@functools.lru_cache(maxsize=65_536)
def _file_columns(path: str, fmt: SourceFormat, size: int, mtime_ns: int) -> tuple[str, ...] | None:
    """A file's column names from its metadata: the Parquet schema, or the CSV header line
    (``size`` and ``mtime_ns`` only key the cache). None when it cannot be read."""
    del size, mtime_ns
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return tuple(pq.read_schema(path).names)
        with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
            line = handle.readline()
        if not line.strip():
            return None
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(line, ",;\t|")
        except csv.Error:  # one column: nothing to sniff
            dialect = csv.excel
        return tuple(c.strip() for c in next(csv.reader([line], dialect)))
    except Exception:  # any unreadable file: the engine's reader then says what is wrong
        return None


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
