"""load_dataset reads every supported format from a path or bytes into the same table."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from fairness_core.data import load_dataset
from fairness_core.data._dataset import MAX_COLUMNS
from fairness_core.errors import DataFormatError

FRAME = pd.DataFrame(
    {
        "id": [1, 2, 3, 4],
        "sex": ["F", "M", "F", "M"],
        "score": [0.1, 0.9, 0.45, 0.5],
        "label": [0, 1, 0, 1],
    }
)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters_are_detected(delimiter: str) -> None:
    """Comma, semicolon, tab and pipe files all read as the same four columns."""
    text = FRAME.to_csv(index=False, sep=delimiter)
    dataset = load_dataset(text.encode(), filename="data.csv")
    assert dataset.delimiter == delimiter
    pd.testing.assert_frame_equal(dataset.frame, FRAME, check_dtype=False)


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("cp1252", "Windows-1252 (Latin-1)")],
)
def test_encodings_are_detected(encoding: str, label: str) -> None:
    """UTF-8, UTF-8 with BOM and Latin-1 files keep their accented text."""
    frame = pd.DataFrame({"nom": ["Zoë", "Ōtake" if encoding != "cp1252" else "Noël"], "y": [0, 1]})
    dataset = load_dataset(frame.to_csv(index=False).encode(encoding), filename="a.csv")
    assert dataset.encoding == label
    assert dataset.frame["nom"].tolist() == frame["nom"].tolist()


def test_sex_codes_f_and_t_stay_text() -> None:
    """Single letters such as F and T are values, not booleans."""
    dataset = load_dataset(b"sex,y\nF,1\nT,0\nF,0\n", filename="a.csv")
    assert dataset.frame["sex"].tolist() == ["F", "T", "F"]


def test_missing_tokens_are_missing_and_others_are_not() -> None:
    """'NA' and empty cells are missing; '-' and '?' are real values."""
    dataset = load_dataset(b"a,b\nNA,-\n,?\nx,y\n", filename="a.csv")
    assert dataset.frame["a"].isna().tolist() == [True, True, False]
    assert dataset.frame["b"].tolist() == ["-", "?", "y"]


def test_parquet_and_excel_read_like_csv(tmp_path: Path) -> None:
    """Parquet and .xlsx files, from a path or from bytes, give the same table."""
    parquet = tmp_path / "d.parquet"
    FRAME.to_parquet(parquet)
    excel = io.BytesIO()
    FRAME.to_excel(excel, index=False)
    from_path = load_dataset(parquet)
    from_bytes = load_dataset(excel.getvalue(), filename="d.xlsx")
    assert from_path.format == "parquet"
    assert from_bytes.format == "excel"
    pd.testing.assert_frame_equal(from_path.frame, FRAME, check_dtype=False)
    pd.testing.assert_frame_equal(from_bytes.frame, FRAME, check_dtype=False)


def test_same_bytes_give_same_hash_and_description() -> None:
    """The SHA-256 identifies the file's bytes, whatever it is called."""
    payload = FRAME.to_csv(index=False).encode()
    first = load_dataset(payload, filename="a.csv")
    second = load_dataset(payload, filename="b.csv")
    assert first.sha256 == second.sha256
    assert len(first.sha256) == 64
    assert first.describe() == "Read a.csv: 4 rows and 4 columns (comma-separated, UTF-8)."


def test_too_many_columns_are_refused() -> None:
    """A file wider than MAX_COLUMNS is refused with advice, not loaded."""
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS + 1))
    with pytest.raises(DataFormatError, match="Keep only those columns"):
        load_dataset((header + "\n" + header + "\n").encode(), filename="wide.csv")


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    """A path that does not exist is reported by name."""
    with pytest.raises(DataFormatError, match=r"Cannot open 'nope\.csv'"):
        load_dataset(tmp_path / "nope.csv")


def test_zip_codes_keep_their_leading_zeros() -> None:
    """A zip-code column is read as text, so 02139 stays 02139."""
    dataset = load_dataset(b"zip_code,y\n02139,1\n10001,0\n", filename="a.csv")
    assert dataset.frame["zip_code"].tolist() == ["02139", "10001"]
