"""Limits on what a data file may cost to read, and the Parquet reader that checks them.

A *limit* bounds rows, cells (rows × columns) or megabytes after decompression. Parquet
files are checked from their footer (row count, uncompressed page sizes) before any page is
decompressed; .xlsx files from their zip directory. The operator sets the limits with
environment variables (:func:`load_data_limits`); the README's Security section lists them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fairness_core.errors import DataFormatError, DataLimitError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LIMIT_OPTIONS",
    "MAX_CELLS_ENV",
    "MAX_ROWS_ENV",
    "MAX_UNPACKED_MB_ENV",
    "DataLimits",
    "check_data_size",
    "check_unpacked_zip",
    "limit_message",
    "load_data_limits",
    "nested_parquet_columns",
    "read_parquet",
]

MAX_ROWS_ENV = "FAIRNESS_EXPLORER_MAX_ROWS"
MAX_CELLS_ENV = "FAIRNESS_EXPLORER_MAX_CELLS"
MAX_UNPACKED_MB_ENV = "FAIRNESS_EXPLORER_MAX_UNPACKED_MB"


@dataclass(frozen=True)
class DataLimits:
    """The most a data file may hold once read: rows, cells, and megabytes unpacked."""

    max_rows: int = 10_000_000
    max_cells: int = 200_000_000
    max_unpacked_mb: int = 2_000

    def __post_init__(self) -> None:
        for key, env in (
            ("max_rows", MAX_ROWS_ENV),
            ("max_cells", MAX_CELLS_ENV),
            ("max_unpacked_mb", MAX_UNPACKED_MB_ENV),
        ):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise DataFormatError(
                    f"The data limit {key} must be a whole number greater than 0. Got "
                    f"{value!r} instead. Fix {LIMIT_OPTIONS[env]} or {env} and restart the app."
                )


def load_data_limits(environ: Mapping[str, str]) -> DataLimits:
    """The operator's data limits from ``FAIRNESS_EXPLORER_MAX_ROWS``, ``…_MAX_CELLS`` and
    ``…_MAX_UNPACKED_MB``; unset or empty means the default."""
    values: dict[str, object] = {}
    for key, env in (
        ("max_rows", MAX_ROWS_ENV),
        ("max_cells", MAX_CELLS_ENV),
        ("max_unpacked_mb", MAX_UNPACKED_MB_ENV),
    ):
        raw = environ.get(env, "").strip().replace("_", "")
        if raw:
            values[key] = int(raw) if raw.isdigit() else raw
    return DataLimits(**values)  # type: ignore[arg-type]


#: The command-line option that sets each limit (``fairness-explorer app|audit|replay``).
LIMIT_OPTIONS = {
    MAX_ROWS_ENV: "--max-rows",
    MAX_CELLS_ENV: "--max-cells",
    MAX_UNPACKED_MB_ENV: "--max-unpacked-mb",
}


def limit_message(name: str, what: str, limit: str, env: str) -> str:
    return (
        f"'{name}' {what}, more than the limit of {limit}, so it was not read. A small file "
        "that unpacks to this much may have been made to exhaust the server. Upload a "
        "smaller extract (fewer rows or only the columns the audit needs), or ask the "
        f"operator to raise the limit ({LIMIT_OPTIONS[env]} when starting "
        f"fairness-explorer, or {env})."
    )


def check_data_size(name: str, rows: int, columns: int, limits: DataLimits) -> None:
    """Refuse data of more rows or cells than ``limits`` allow (the operator's limits)."""
    if rows > limits.max_rows:
        raise DataLimitError(
            limit_message(name, f"has {rows:,} rows", f"{limits.max_rows:,} rows", MAX_ROWS_ENV)
        )
    if rows * columns > limits.max_cells:
        raise DataLimitError(
            limit_message(
                name,
                f"has {rows * columns:,} cells ({rows:,} rows × {columns:,} columns)",
                f"{limits.max_cells:,} cells",
                MAX_CELLS_ENV,
            )
        )


def arrow_reason(exc: Exception) -> str:
    """The first line of a lower library's error, without a final full stop."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.rstrip(".")


def read_parquet(data: bytes, name: str, limits: DataLimits) -> pd.DataFrame:
    # pyarrow is imported here, not at the top: the limits themselves are read by
    # `fairness-explorer --help`, which should not wait for it.
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
        metadata = parquet.metadata
        top_names = list(parquet.schema_arrow.names)
        unpacked = sum(
            metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups)
        )
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataFormatError(
            f"'{name}' looks like Parquet but could not be read: {arrow_reason(exc)}. "
            "Export it again, or upload a CSV."
        ) from exc
    repeated = sorted({n for n in top_names if top_names.count(n) > 1})
    if repeated:
        shown = ", ".join(f"'{n}'" for n in repeated[:10])
        raise DataFormatError(
            f"'{name}' has more than one column named {shown}. Each column needs its own "
            "name. Rename or remove the repeated columns and export the file again."
        )
    # Checked from the file's footer, before any page is decompressed.
    if metadata.num_rows > limits.max_rows:
        raise DataLimitError(
            limit_message(
                name, f"has {metadata.num_rows:,} rows", f"{limits.max_rows:,} rows", MAX_ROWS_ENV
            )
        )
    if metadata.num_rows * max(len(top_names), 1) > limits.max_cells:
        raise DataLimitError(
            limit_message(
                name,
                f"has {metadata.num_rows * len(top_names):,} cells",
                f"{limits.max_cells:,} cells",
                MAX_CELLS_ENV,
            )
        )
    if unpacked > limits.max_unpacked_mb * 1_000_000:
        raise DataFormatError(
            limit_message(
                name,
                f"unpacks to {unpacked / 1e6:,.0f} MB",
                f"{limits.max_unpacked_mb:,} MB",
                MAX_UNPACKED_MB_ENV,
            )
        )
    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataFormatError(
            f"'{name}' looks like Parquet but could not be read: {arrow_reason(exc)}. "
            "Export it again, or upload a CSV."
        ) from exc
    try:
        return table.to_pandas()
    except (pa.ArrowException, ValueError) as exc:
        raise DataFormatError(
            f"'{name}' looks like Parquet but could not be read: {arrow_reason(exc)}. "
            "Export it again, or upload a CSV."
        ) from exc


def check_unpacked_zip(data: bytes, name: str, limits: DataLimits) -> None:
    """An .xlsx is a zip of XML: refuse one whose entries unpack past the limit.

    The sizes come from the archive's directory; zipfile never unpacks an entry past its
    recorded size, so a directory that lies only makes the read fail.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataFormatError(
            f"'{name}' could not be read as an Excel workbook: {arrow_reason(exc)}. Save "
            "it again from Excel as .xlsx, or export the sheet as CSV."
        ) from exc
    if unpacked > limits.max_unpacked_mb * 1_000_000:
        raise DataFormatError(
            limit_message(
                name,
                f"unpacks to {unpacked / 1e6:,.0f} MB",
                f"{limits.max_unpacked_mb:,} MB",
                MAX_UNPACKED_MB_ENV,
            )
        )


def nested_parquet_columns(data: bytes) -> tuple[str, ...]:
    """The list, struct and map columns of a Parquet file, read from its schema only."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.ParquetFile(io.BytesIO(data)).schema_arrow
    except (pa.ArrowException, OSError, ValueError):
        return ()  # not readable: load_dataset says why
    return tuple(f.name for f in schema if pa.types.is_nested(f.type))
