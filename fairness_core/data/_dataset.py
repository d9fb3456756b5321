"""Reading data files into tables, from a path or from uploaded bytes.

A *dataset* here is one table of rows (people, applications, cases) with columns for the
outcome, the model's decision or score, the protected attributes and the features. Files
come from reviewers' machines, so nothing is assumed: the format is taken from the file
name and checked against the content, a CSV's encoding and delimiter are detected, and
rows with the wrong number of values are reported rather than padded or dropped.

Missing-value tokens are one explicit list (:data:`MISSING_TOKENS`) for every format,
because pandas, pyarrow and Excel disagree on which words mean "missing".

*Limits* (:class:`DataLimits`) stop a small file from costing the server a lot: bytes after
decompression (Parquet pages, the XML inside an .xlsx), rows, and cells (rows × columns).
They are checked from the file's own metadata before the table is built where the format
allows it. The operator sets them with environment variables (:func:`load_data_limits`).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from fairness_core.data._limits import (
    MAX_CELLS_ENV,
    MAX_ROWS_ENV,
    MAX_UNPACKED_MB_ENV,
    DataLimits,
    arrow_reason,
    check_data_size,
    check_unpacked_zip,
    limit_message,
    load_data_limits,
    read_parquet,
)
from fairness_core.errors import DataFormatError, DataLimitError, InvalidInputError

__all__ = [
    "MAX_CELLS_ENV",
    "MAX_ROWS_ENV",
    "MAX_UNPACKED_MB_ENV",
    "MISSING_TOKENS",
    "SUPPORTED_DATA_SUFFIXES",
    "DataLimits",
    "Dataset",
    "load_data_limits",
    "load_dataset",
    "name_columns",
]

FileFormat = Literal["csv", "parquet", "excel"]

#: Text tables come as .csv, .tsv, .txt, .data or .dat (UCI files are often .data), all read
#: as delimited text; the delimiter (or plain whitespace) is detected from the content.
SUPPORTED_DATA_SUFFIXES = (
    ".csv",
    ".tsv",
    ".txt",
    ".data",
    ".dat",
    ".parquet",
    ".pq",
    ".xlsx",
)

#: Cell contents read as missing in every format. Deliberately excludes "-" and "?":
#: both are real category values in some public datasets.
MISSING_TOKENS = ("", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "#N/A")

_DELIMITERS = (",", ";", "\t", "|")
#: Runs of spaces or tabs between values (UCI's german.data): stored as this delimiter.
WHITESPACE = " "
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe", " ": "whitespace"}
#: Names given to the columns of a file without a header row: column_1, column_2, ...
GENERATED_COLUMN_PREFIX = "column_"
_NUMBER = re.compile(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?%?")
_SNIFF_BYTES = 256 * 1024
#: More columns than this is not a table an audit can use (and slows every page).
MAX_COLUMNS = 2_000
_MAX_BAD_ROWS_SHOWN = 5
_PARQUET_MAGIC = b"PAR1"
_DECIMAL_COMMA = r"-?\d+,\d+"
_CODE_COLUMN = re.compile(r"(^|_)(zip|zipcode|zip_code|postcode|postal_code|plz|fips)($|_)", re.I)
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Dataset:
    """A table read from one file, with what is needed to identify and re-read it."""

    frame: pd.DataFrame = field(repr=False, compare=False)
    name: str
    sha256: str
    format: FileFormat
    delimiter: str | None = None
    encoding: str | None = None
    #: False when the file had no header row and its columns were named column_1, ...
    header: bool = True

    @property
    def n_rows(self) -> int:
        """Number of data rows (the header is not counted)."""
        return len(self.frame)

    def describe(self) -> str:
        """One sentence saying what was read, for the reviewer."""
        rows = f"{self.n_rows:,} rows and {self.frame.shape[1]:,} columns"
        if self.format == "csv" and self.delimiter is not None:
            sep = _DELIMITER_NAMES[self.delimiter]
            note = (
                ""
                if self.header
                else "; no header row, so the columns are named column_1, column_2, … — "
                "rename them below"
            )
            return f"Read {self.name}: {rows} ({sep}-separated, {self.encoding}{note})."
        return f"Read {self.name}: {rows} ({self.format})."


def load_dataset(
    source: bytes | str | os.PathLike[str],
    *,
    filename: str | None = None,
    limits: DataLimits | None = None,
) -> Dataset:
    """Read a CSV, Parquet or Excel (.xlsx) file into a :class:`Dataset`.

    ``source`` is a path or the file's bytes (an upload); ``filename`` names bytes so the
    format can be told and the reviewer sees which file a message is about. ``limits``
    default to the operator's (:func:`load_data_limits` of the environment).
    """
    limits = limits if limits is not None else load_data_limits(os.environ)
    if isinstance(source, bytes):
        data = source
        name = filename or "uploaded file"
    else:
        path = Path(source)
        name = filename or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DataFormatError(
                f"Cannot open '{name}': {exc.strerror or exc}. Check the path and try again."
            ) from exc
    if not data.strip():
        raise DataFormatError(
            f"'{name}' is empty. Expected a table with a header row and at least one data "
            "row. Export the data again and check the file is not 0 bytes."
        )
    fmt = _detect_format(data, name)
    digest = hashlib.sha256(data).hexdigest()
    if fmt == "parquet":
        frame = _check_size(read_parquet(data, name, limits), name, limits)
        return Dataset(frame=frame, name=name, sha256=digest, format="parquet")
    if fmt == "excel":
        frame = _check_size(_read_excel(data, name, limits), name, limits)
        return Dataset(frame=frame, name=name, sha256=digest, format="excel")
    text, encoding = decode_group_labels(data, name)
    lines = text.count("\n")
    if lines > limits.max_rows + 1:
        raise DataLimitError(
            limit_message(name, f"has {lines:,} lines", f"{limits.max_rows:,} rows", MAX_ROWS_ENV)
        )
    delimiter = _detect_delimiter(text, name)
    if delimiter == WHITESPACE:
        text = _collapse_whitespace(text)
    has_header = _has_header(text, delimiter)
    frame = _check_size(_read_csv_text(text, delimiter, name, header=has_header), name, limits)
    return Dataset(
        frame=frame,
        name=name,
        sha256=digest,
        format="csv",
        delimiter=delimiter,
        encoding=encoding,
        header=has_header,
    )


def name_columns(dataset: Dataset, names: Sequence[str]) -> Dataset:
    """The same dataset with its columns renamed, in order, to ``names``.

    For a file without a header row, whose columns were read as column_1, column_2, ...:
    the reviewer names them, and the names are kept with the roles
    (:attr:`~fairness_core.data.ColumnRoles.column_names`) so the same file reopens with
    the same names. Raises :class:`InvalidInputError` when the names do not fit.
    """
    names = [str(n).strip() for n in names]
    problems = []
    if len(names) != dataset.frame.shape[1]:
        problems.append(f"{len(names):,} names were given for {dataset.frame.shape[1]:,} columns")
    empty = [i + 1 for i, n in enumerate(names) if not n]
    if empty:
        problems.append(f"column {', '.join(str(i) for i in empty[:5])} has no name")
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        problems.append(f"{', '.join(repr(n) for n in repeated[:5])} is used twice")
    if problems:
        raise InvalidInputError(
            f"The column names cannot be used: {'; '.join(problems)}. Give every column "
            "its own, non-empty name."
        )
    if list(names) == [str(c) for c in dataset.frame.columns]:
        return dataset
    frame = dataset.frame.copy()
    frame.columns = names
    return replace(dataset, frame=frame)


def _collapse_whitespace(text: str) -> str:
    """One space between values, none around a line (leading spaces of .dat files)."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def _has_header(text: str, delimiter: str) -> bool:
    """False when every value of the first row looks like data rather than a name.

    A value looks like data when it is a number or occurs again in its column in the
    rows below (german.data's first row, ``A11 6 A34 ...``); column names are neither.
    """
    lines = [line for line in text[:_SNIFF_BYTES].splitlines() if line.strip()][:201]
    rows = list(csv.reader(lines, delimiter=delimiter))
    if len(rows) < 2:
        return True
    first, rest = rows[0], rows[1:]
    judged = 0
    for j, cell in enumerate(first):
        cell = cell.strip()
        if not cell:
            continue
        judged += 1
        below = {row[j].strip() for row in rest if j < len(row)}
        if not (_NUMBER.fullmatch(cell) or cell in below):
            return True
    return judged == 0


def _check_size(frame: pd.DataFrame, name: str, limits: DataLimits) -> pd.DataFrame:
    check_data_size(name, *frame.shape, limits)
    if frame.shape[1] > MAX_COLUMNS:
        raise DataFormatError(
            f"'{name}' has {frame.shape[1]:,} columns. Expected at most {MAX_COLUMNS:,}: an "
            "audit needs the outcome, the decision, the protected attributes and the model's "
            "inputs. Keep only those columns (or transpose the file if rows and columns are "
            "swapped) and upload again."
        )
    return frame


def _detect_format(data: bytes, name: str) -> FileFormat:
    """Tell the format from the content first, then check it agrees with the file name."""
    suffix = Path(name).suffix.lower()
    if data[:4] == _PARQUET_MAGIC:
        return "parquet"
    if data[:4] == _ZIP_MAGIC:
        if suffix in (".xlsx", ""):
            return "excel"
        raise DataFormatError(
            f"'{name}' is a zip archive, not a {suffix or 'data'} file. Expected CSV, Parquet "
            "or Excel (.xlsx). If it is an Excel workbook, rename it to .xlsx; if it is a "
            "zipped CSV, unzip it first."
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DataFormatError(
            f"'{name}' is an old Excel (.xls) or other Office file. Expected CSV, Parquet or "
            ".xlsx. Open it in Excel or LibreOffice and save it as .xlsx or CSV."
        )
    if suffix in (".parquet", ".pq", ".xlsx"):
        expected = "a Parquet" if suffix != ".xlsx" else "an Excel"
        raise DataFormatError(
            f"'{name}' is named like {expected} file but its content is not. "
            "Export the file again, or rename it to match its real format."
        )
    sample = data[:_SNIFF_BYTES]
    if _wide_encoding(sample) is None and b"\x00" in sample:
        raise DataFormatError(
            f"'{name}' is not a text table: it contains binary data. Expected CSV, Parquet or "
            "Excel (.xlsx). Check you chose the right file (a model or an archive renamed to "
            ".csv is refused)."
        )
    return "csv"


def _wide_encoding(sample: bytes) -> str | None:
    """UTF-32 or UTF-16 (``"utf-32-le"``, ``"utf-16-be"``…) from a BOM or the NUL pattern.

    Without a BOM, text that is mostly ASCII has a NUL in every other byte (UTF-16) or in
    three bytes of every four (UTF-32); the side the NULs are on gives the byte order.
    """
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if sample.startswith(bom):
            return codec
    head = sample[: 4096 - 4096 % 4]
    if len(head) < 8:
        return None
    quarters = [head[i::4].count(0) / (len(head) // 4) for i in range(4)]
    if quarters[1] > 0.9 and quarters[2] > 0.9 and quarters[3] > 0.9:
        return "utf-32-le"
    if quarters[0] > 0.9 and quarters[1] > 0.9 and quarters[2] > 0.9:
        return "utf-32-be"
    halves = [head[i::2].count(0) / (len(head) // 2) for i in range(2)]
    if halves[1] > 0.7 and halves[0] < 0.1:
        return "utf-16-le"
    if halves[0] > 0.7 and halves[1] < 0.1:
        return "utf-16-be"
    return None


def decode_group_labels(data: bytes, name: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-32/UTF-16 (BOM or NUL pattern), UTF-8, else Windows-1252."""
    wide = _wide_encoding(data[:_SNIFF_BYTES])
    if wide is not None:
        shown = wide.upper().replace("-LE", " (little-endian)").replace("-BE", " (big-endian)")
        try:
            return data.decode(wide), shown
        except UnicodeDecodeError as exc:
            raise DataFormatError(
                f"'{name}' looks like a {shown} text file but cannot be decoded as one (it "
                f"breaks at byte {exc.start:,}). Save it again as UTF-8 CSV."
            ) from exc
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise DataFormatError(
            f"'{name}' has a NUL (zero) byte on line {line:,}, which a text table never "
            "holds: the file may be damaged, cut, or two files joined together. Export the "
            "data again as CSV and check it opens in a spreadsheet."
        )
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "UTF-8 with BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # cp1252 is the Latin-1 superset Excel writes on Windows; bytes it leaves undefined
    # (0x81, 0x8d, ...) only exist in true ISO-8859-1, which decodes every byte.
    try:
        return data.decode("cp1252"), "Windows-1252 (Latin-1)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _detect_delimiter(text: str, name: str) -> str:
    """Pick the delimiter that splits the first lines into the same number (> 1) of fields.

    pandas' default reads a semicolon file as one wide column without complaint, so we
    never assume a comma: each candidate is scored on how consistently it splits a sample.
    """
    lines = text[:_SNIFF_BYTES].splitlines()
    if len(text) > _SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last sampled line may be cut in half
    lines = [line for line in lines if line.strip()][:200]
    best: tuple[float, int, str] | None = None
    for delim in _DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delim)]
        if not counts or counts[0] < 2:
            continue
        consistency = sum(c == counts[0] for c in counts) / len(counts)
        score = (consistency, counts[0], delim)
        if best is None or score[:2] > best[:2]:
            best = score
    if best is None or best[0] < 1.0:
        # No standard separator splits every line alike: try runs of spaces (UCI files).
        counts = [len(line.split()) for line in lines]
        if counts and counts[0] >= 2 and all(c == counts[0] for c in counts):
            return WHITESPACE
    if best is None:
        raise DataFormatError(
            f"'{name}' has only one column: no comma, semicolon, tab or pipe separates its "
            "values. Expected a table with at least an outcome column and a protected "
            "attribute column. Export it again as CSV with a standard separator."
        )
    return best[2]


def _read_csv_text(text: str, delimiter: str, name: str, *, header: bool = True) -> pd.DataFrame:
    """Parse CSV text with pyarrow; rows with too many or too few values are an error.

    pyarrow rather than pandas: it reports short rows (pandas pads them with missing
    values silently) and parses on both cores.
    """
    bad_rows: list[tuple[int | None, int, int]] = []
    unbalanced_quotes = False

    def on_bad_row(row: pacsv.InvalidRow) -> str:
        nonlocal unbalanced_quotes
        bad_rows.append((row.number, row.expected_columns, row.actual_columns))
        unbalanced_quotes = unbalanced_quotes or row.text.count('"') % 2 == 1
        return "skip"

    payload = text.encode("utf-8")
    parse = pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=on_bad_row)
    first = next(csv.reader(text[:_SNIFF_BYTES].splitlines()[:1], delimiter=delimiter), [])
    header_names = first if header else []
    convert = pacsv.ConvertOptions(
        # Postal codes are labels, not quantities: read as numbers they lose their
        # leading zeros ("02139" → 2139) and stop matching what a model was trained on.
        column_types={c: pa.string() for c in header_names if _CODE_COLUMN.search(c)},
        null_values=list(MISSING_TOKENS),
        strings_can_be_null=True,
        # Only spelled-out booleans become booleans: "T"/"F" (sex, grades) and "1"/"0"
        # stay as written.
        true_values=["true", "True", "TRUE"],
        false_values=["false", "False", "FALSE"],
    )
    names = None if header else [f"{GENERATED_COLUMN_PREFIX}{i + 1}" for i in range(len(first))]
    read = pacsv.ReadOptions(use_threads=True, block_size=8 << 20, column_names=names)
    try:
        table = pacsv.read_csv(
            io.BytesIO(payload), read_options=read, parse_options=parse, convert_options=convert
        )
    except pa.ArrowInvalid as exc:
        raise DataFormatError(
            f"'{name}' could not be read as a table: {arrow_reason(exc)}. Check that the file "
            "is a CSV export with one header row; quoted values must close their quotes."
        ) from exc
    if bad_rows:
        if any(number is None for number, _, _ in bad_rows):
            # Row numbers are only tracked single-threaded: re-read to name them.
            bad_rows.clear()
            pacsv.read_csv(
                io.BytesIO(payload),
                read_options=pacsv.ReadOptions(
                    use_threads=False, block_size=8 << 20, column_names=names
                ),
                parse_options=parse,
                convert_options=convert,
            )
        raise DataFormatError(_ragged_message(name, bad_rows, unbalanced_quotes))
    frame = table.to_pandas()
    if delimiter == ";":
        frame = _decimal_commas_to_numbers(frame)
    return frame


def _decimal_commas_to_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Semicolon files usually come from locales that write 0,75 for 0.75: convert those.

    Only a text column whose every value is a decimal-comma number is converted, so
    ordinary text (including "1,2,3" lists) is left alone.
    """
    for column in frame.columns:
        values = frame[column]
        if not isinstance(values, pd.Series) or pd.api.types.is_numeric_dtype(values):
            continue
        present = values.dropna()
        if len(present) == 0 or not present.astype(str).str.fullmatch(_DECIMAL_COMMA).all():
            continue
        frame[column] = pd.to_numeric(values.str.replace(",", ".", regex=False))
    return frame


def _ragged_message(
    name: str, bad_rows: list[tuple[int | None, int, int]], unbalanced_quotes: bool
) -> str:
    expected = bad_rows[0][1]
    shown = ", ".join(
        f"line {number} has {actual}" if number is not None else f"a row has {actual}"
        for number, _, actual in bad_rows[:_MAX_BAD_ROWS_SHOWN]
    )
    more = len(bad_rows) - _MAX_BAD_ROWS_SHOWN
    tail = f" and {more:,} more rows" if more > 0 else ""
    noun = "row has" if len(bad_rows) == 1 else "rows have"
    cause = (
        'a quote (") that opens a value but never closes, which swallows the separators after it'
        if unbalanced_quotes
        else "an unquoted separator inside a value, or a missing trailing value"
    )
    return (
        f"'{name}': {len(bad_rows):,} {noun} the wrong number of values. Expected {expected} "
        f"values per row (one per header column); {shown}{tail}. Fix those rows (the usual "
        f"cause is {cause}) and upload again."
    )


def _read_excel(data: bytes, name: str, limits: DataLimits) -> pd.DataFrame:
    check_unpacked_zip(data, name, limits)
    try:
        sheets = pd.read_excel(
            io.BytesIO(data),
            sheet_name=0,
            nrows=limits.max_rows + 1,  # one more, so that going past the limit is seen
            engine="openpyxl",
            na_values=list(MISSING_TOKENS),
            keep_default_na=False,
        )
    except Exception as exc:  # openpyxl raises many unrelated types for corrupt files
        raise DataFormatError(
            f"'{name}' could not be read as an Excel workbook: {arrow_reason(exc)}. Save "
            "it again from Excel as .xlsx, or export the sheet as CSV."
        ) from exc
    frame = sheets
    frame.columns = [str(c) for c in frame.columns]
    if frame.shape[1] == 0:
        raise DataFormatError(
            f"'{name}': the first sheet is empty. Expected the data table on the first sheet "
            "with a header row. Move the table to the first sheet."
        )
    return frame
