"""--max-rows and --max-cells hold for folders and patterns read in memory, as for one file."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fairness_core.cli import _main as cli
from fairness_core.data import MAX_CELLS_ENV, MAX_ROWS_ENV, MAX_UNPACKED_MB_ENV
from fairness_core.engines import open_source, read_rows
from fairness_core.errors import DataFormatError


@pytest.fixture(autouse=True)
def _no_operator_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    for env in (MAX_ROWS_ENV, MAX_CELLS_ENV, MAX_UNPACKED_MB_ENV):
        monkeypatch.delenv(env, raising=False)


def _rows(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "sex": rng.choice(["female", "male"], n),
            "outcome": rng.integers(0, 2, n),
            "score": rng.random(n).round(3),
        }
    )


@pytest.fixture
def csv_folder(tmp_path: Path) -> Path:
    """Two CSV files of 4 and 3 rows: 7 rows, 21 cells in all (each file is under 5 rows)."""
    folder = tmp_path / "logs"
    folder.mkdir()
    _rows(4, 1).to_csv(folder / "a.csv", index=False)
    _rows(3, 2).to_csv(folder / "b.csv", index=False)
    return folder


@pytest.fixture
def parquet_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "parts"
    for k, n in enumerate((4, 3)):
        part = folder / f"month={k + 1}"
        part.mkdir(parents=True)
        _rows(n, 10 + k).to_parquet(part / "part-0.parquet", index=False)
    return folder


@pytest.mark.parametrize("kind", ["csv", "parquet", "pattern"])
def test_max_rows_counts_every_file_together(
    kind: str, csv_folder: Path, parquet_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = {
        "csv": str(csv_folder),
        "parquet": str(parquet_folder),
        "pattern": str(csv_folder / "*.csv"),
    }[kind]
    source = open_source(text)
    monkeypatch.setenv(MAX_ROWS_ENV, "6")
    with pytest.raises(DataFormatError) as refused:
        read_rows(source)
    assert f"'{source.name}' has 7 rows, more than the limit of 6 rows" in str(refused.value)
    assert "(--max-rows when starting fairness-explorer, or FAIRNESS_EXPLORER_MAX_ROWS)" in str(
        refused.value
    )
    monkeypatch.setenv(MAX_ROWS_ENV, "7")
    assert len(read_rows(source)) == 7


def test_max_cells_counts_every_file_together(
    parquet_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """3 columns and the partition column (month): 7 rows × 4 columns = 28 cells."""
    source = open_source(parquet_folder)
    monkeypatch.setenv(MAX_CELLS_ENV, "27")
    with pytest.raises(DataFormatError, match=r"has 28 cells \(7 rows × 4 columns\)"):
        read_rows(source)
    monkeypatch.setenv(MAX_CELLS_ENV, "28")
    assert read_rows(source).shape == (7, 4)


def test_audit_max_rows_refuses_a_folder_in_memory(
    csv_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`audit --engine memory --max-rows` on a folder: exit 2, the single file's message."""
    args = [
        "audit", "--data", str(csv_folder), "--engine", "memory", "--target", "outcome",
        "--positive-label", "1", "--score", "score", "--protected", "sex",
    ]  # fmt: skip
    code = cli.main([*args, "--max-rows", "6"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"'{csv_folder}' has 7 rows, more than the limit of 6 rows" in err
    assert MAX_ROWS_ENV not in os.environ
    assert cli.main([*args, "--max-rows", "7"]) == 0, capsys.readouterr().err
