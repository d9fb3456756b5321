"""`fairness-explorer audit --engine …`: the same JSON from every engine, on files and folders."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from fairness_core.cli import _main as cli
from tests.core.engines.conftest import make_rows, write_hive


def audit_args(data: Path | str, engine: str, *extra: str) -> list[str]:
    return [
        "audit", "--data", str(data), "--engine", engine, "--target", "outcome",
        "--positive-label", "1", "--score", "score", "--protected", "sex", "--protected",
        "race", "--protected", "age", *extra,
    ]  # fmt: skip


def run_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = cli.main(args)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    document: dict[str, Any] = json.loads(captured.out)
    return document


def assert_same_json(want: object, got: object, where: str = "$") -> None:
    """Equal documents; numbers equal to 1e-12 (engines sum in another order)."""
    if isinstance(want, dict):
        assert isinstance(got, dict), where
        assert set(got) == set(want), where
        for key in want:
            assert_same_json(want[key], got[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list), where
        assert len(got) == len(want), where
        for i, (a, b) in enumerate(zip(want, got, strict=True)):
            assert_same_json(a, b, f"{where}[{i}]")
    elif isinstance(want, float) and not isinstance(want, bool):
        assert isinstance(got, (int, float)), where
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12), (where, want, got)
    else:
        assert got == want, (where, want, got)


def test_duckdb_json_equals_memory_json_on_one_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One Parquet file: the memory audit and the DuckDB audit print the same document."""
    path = tmp_path / "log.parquet"
    make_rows(31).to_parquet(path, index=False)
    memory = run_json(audit_args(path, "memory"), capsys)
    duck = run_json(audit_args(path, "duckdb"), capsys)
    assert memory["data"]["file"] == "log.parquet"
    assert memory["calibration"]
    assert_same_json(memory, duck)


def test_a_hive_folder_audits_alike_in_memory_and_duckdb(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hive-partitioned folder: 'auto' picks DuckDB and prints what memory prints."""
    frame = make_rows(32)
    root = write_hive(frame, tmp_path / "logs")
    extra = ["--protected", "region", "--intersect", "--fail-on", "disparate_impact_ratio<0.01"]
    memory = run_json(audit_args(root, "memory", *extra), capsys)
    auto = run_json(audit_args(root, "auto", *extra), capsys)
    assert memory["data"]["rows"] == len(frame)
    assert len(memory["data"]["sha256"]) == 64
    assert {g["attributes"]["region"] for g in memory["groups"]} == {"north", "south"}
    assert_same_json(memory, auto)
    pattern = run_json(audit_args(f"{root}/**/*.parquet", "duckdb", *extra), capsys)
    assert pattern["groups"] == auto["groups"]


def test_bad_data_gets_the_same_message_from_duckdb(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Validation problems come out word for word, with exit code 2, from either engine."""
    path = tmp_path / "log.parquet"
    frame = make_rows(33)
    frame.loc[frame.index[::10], "score"] = None
    frame.to_parquet(path, index=False)
    errors = []
    for engine in ("memory", "duckdb"):
        assert cli.main(audit_args(path, engine)) == 2
        errors.append(capsys.readouterr().err)
    assert "no value in the score column 'score'" in errors[0]
    assert errors[0] == errors[1]


@pytest.mark.slow
def test_spark_json_equals_memory_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spark: Any
) -> None:
    """--engine spark (the shared local session) prints the memory engine's document."""
    root = write_hive(make_rows(34, n=1200), tmp_path / "logs", parts=1)
    memory = run_json(audit_args(root, "memory"), capsys)
    on_spark = run_json(audit_args(root, "spark", "--spark-master", "local[2]"), capsys)
    assert_same_json(memory, on_spark)
