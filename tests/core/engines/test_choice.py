"""Which engine 'auto' picks, and what Spark says when Java is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairness_core.engines import (
    JAVA_ADVICE,
    _counting,
    _result,
    _runners,
    choose_engine,
    open_source,
)
from fairness_core.errors import InvalidInputError
from tests.core.engines.conftest import make_rows, write_hive


def test_auto_picks_duckdb_for_folders_patterns_and_large_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small file stays in memory; a folder, a pattern or a file over the size go to DuckDB."""
    path = tmp_path / "small.parquet"
    make_rows(1, n=50).to_parquet(path, index=False)
    root = write_hive(make_rows(2, n=50), tmp_path / "logs", parts=1)
    assert choose_engine(open_source(path)) == "memory"
    assert choose_engine(open_source(root)) == "duckdb"
    assert choose_engine(open_source(f"{root}/**/*.parquet")) == "duckdb"
    assert choose_engine(open_source(path), "spark") == "spark"
    monkeypatch.setattr(_result, "AUTO_DUCKDB_BYTES", path.stat().st_size - 1)
    assert choose_engine(open_source(path)) == "duckdb"


def test_sources_that_cannot_be_read_are_named(tmp_path: Path) -> None:
    """A path that is nothing, files of another kind, or an unknown engine are named."""
    path = tmp_path / "rows.parquet"
    make_rows(4, n=20).to_parquet(path, index=False)
    with pytest.raises(InvalidInputError, match="is not a file, a folder or a pattern"):
        open_source(tmp_path / "nowhere")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InvalidInputError, match="Expected CSV or Parquet files"):
        open_source(f"{tmp_path}/*.txt")
    with pytest.raises(InvalidInputError, match="engine must be one of auto, memory"):
        choose_engine(open_source(path), "polars")  # type: ignore[arg-type]


def test_spark_without_java_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No Java: the Spark engine stops with the apt-get advice, before starting anything."""
    path = tmp_path / "rows.parquet"
    make_rows(3, n=50).to_parquet(path, index=False)
    monkeypatch.setattr(_runners, "java_available", lambda: False)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(InvalidInputError) as caught:
        _counting.count_audit(
            path,
            _roles(),
            [("race",)],
            engine="spark",
            spark_master="local[2]",
        )
    assert JAVA_ADVICE in str(caught.value)
    assert "--engine duckdb" in str(caught.value)


def _roles():  # type: ignore[no-untyped-def]
    from fairness_core.data import ColumnRoles

    return ColumnRoles(
        target="outcome", positive_label=1, protected=("race",), source="prediction",
        prediction="decision",
    )  # fmt: skip
