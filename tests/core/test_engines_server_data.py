"""Data on the server: only inside the operator's folders, and a sample stratified by group."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fairness_core.engines import (
    SERVER_DATA_ENV,
    allocate_sample,
    list_server_data,
    open_server_source,
    open_source,
    preview_rows,
    sample_rows,
    server_roots_from_env,
)
from fairness_core.errors import InvalidInputError


def _write_log(folder: Path, rows: int = 4000, seed: int = 0) -> pd.DataFrame:
    """A hive-partitioned Parquet log with a rare group and missing values."""
    rng = np.random.default_rng(seed)
    frames = []
    for year in (2023, 2024):
        part = folder / f"year={year}"
        part.mkdir(parents=True)
        group = rng.choice(["a", "b", "c", None], size=rows, p=[0.7, 0.25, 0.045, 0.005])
        frame = pd.DataFrame({"group": group, "outcome": rng.integers(0, 2, rows)})
        frame.to_parquet(part / "part-0.parquet")
        frames.append(frame.assign(year=year))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """An allowed folder (a log, a CSV, symlinks out) and a folder outside it."""
    allowed, outside = tmp_path / "allowed", tmp_path / "outside"
    _write_log(allowed / "log")
    (allowed / "small.csv").write_text("group,outcome\na,1\nb,0\n")
    (allowed / "notes.txt").write_text("not data")
    outside.mkdir()
    (outside / "secret.csv").write_text("group,outcome\na,1\n")
    (allowed / "escape.csv").symlink_to(outside / "secret.csv")
    (allowed / "escape_dir").symlink_to(outside, target_is_directory=True)
    (allowed / "mixed").mkdir()
    (allowed / "mixed" / "ok.csv").write_text("group,outcome\na,1\n")
    (allowed / "mixed" / "bad.csv").symlink_to(outside / "secret.csv")
    return allowed, outside


def test_roots_come_from_the_environment_and_missing_folders_are_left_out(tmp_path: Path) -> None:
    """The variable is os.pathsep-separated; folders that do not exist are dropped."""
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    env = {SERVER_DATA_ENV: os.pathsep.join([str(one), str(tmp_path / "nope"), str(two), ""])}
    assert server_roots_from_env(env) == (one.resolve(), two.resolve())
    assert server_roots_from_env({}) == ()


def test_the_listing_never_includes_a_path_outside_the_roots(tree: tuple[Path, Path]) -> None:
    """Symlinks out of the folder are left out; partitions are part of their folder."""
    allowed, _outside = tree
    entries = list_server_data([allowed])
    labels = {e.label for e in entries}
    assert labels == {"allowed/log/", "allowed/small.csv", "allowed/mixed/", "allowed/mixed/ok.csv"}
    for entry in entries:
        assert entry.path.resolve().is_relative_to(allowed.resolve())


def test_the_listing_is_bounded(tmp_path: Path) -> None:
    """At most max_entries entries, and no deeper than max_depth."""
    for i in range(30):
        (tmp_path / f"f{i:02}.csv").write_text("a\n1\n")
    deep = tmp_path / "d1" / "d2" / "d3"
    deep.mkdir(parents=True)
    (deep / "deep.csv").write_text("a\n1\n")
    assert len(list_server_data([tmp_path], max_entries=10)) == 10
    shallow = {e.relative for e in list_server_data([tmp_path], max_depth=1)}
    assert "d1/d2/d3/deep.csv" not in shallow
    assert "d1/d2/d3/deep.csv" in {e.relative for e in list_server_data([tmp_path])}


def test_opening_refuses_paths_whose_real_location_leaves_the_roots(
    tree: tuple[Path, Path],
) -> None:
    """A symlinked file or folder, a file outside, '..' and a folder hiding one bad file."""
    allowed, outside = tree
    for path in (
        allowed / "escape.csv",
        allowed / "escape_dir" / "secret.csv",
        outside / "secret.csv",
        allowed / ".." / "outside" / "secret.csv",
        allowed / "mixed",
        Path("small.csv"),
    ):
        with pytest.raises(InvalidInputError, match="not in a folder this app may read"):
            open_server_source([allowed], path)
    with pytest.raises(InvalidInputError):
        open_server_source([], allowed / "small.csv")
    source = open_server_source([allowed], allowed / "log")
    assert len(source.files) == 2


def test_allocation_is_proportional_with_a_minimum_per_group() -> None:
    """floor(n * share), raised to the minimum, capped at the group's size."""
    sizes = [700_000, 250_000, 45_000, 4_990, 10]
    quota = allocate_sample(sizes, 10_000, 100)
    assert quota.tolist() == [7000, 2500, 450, 100, 10]
    assert allocate_sample([3, 4], 10, 5).tolist() == [3, 4]


def test_the_stratified_sample_holds_every_group_in_proportion(tmp_path: Path) -> None:
    """Every stratum (missing values too) is present; sizes follow the groups' shares."""
    rows = _write_log(tmp_path / "log", rows=20_000)
    source = open_source(tmp_path / "log")
    sample = sample_rows(source, ["group", "year"], 2000, seed=3, min_per_group=40)
    assert sample.total_rows == len(rows)
    full = rows.fillna({"group": "(missing)"}).groupby(["group", "year"]).size()
    drawn = sample.frame.fillna({"group": "(missing)"}).groupby(["group", "year"]).size()
    drawn.index = drawn.index.set_levels(drawn.index.levels[1].astype("int64"), level=1)
    assert set(drawn.index) == set(full.index)
    for key, size in full.items():
        expected = min(size, max(40, 2000 * size // len(rows)))
        assert drawn[key] == expected
    again = sample_rows(source, ["group", "year"], 2000, seed=3, min_per_group=40)
    pd.testing.assert_frame_equal(sample.frame, again.frame)
    other = sample_rows(source, ["group", "year"], 2000, seed=4, min_per_group=40)
    assert not sample.frame.equals(other.frame)


def test_the_sample_rows_are_rows_of_the_source(tmp_path: Path) -> None:
    """Each sampled row occurs in the data, and a small source is returned whole."""
    rows = _write_log(tmp_path / "log", rows=300)
    source = open_source(tmp_path / "log")
    sample = sample_rows(source, ["group"], 10_000)
    assert sample.is_whole
    key = ["group", "outcome", "year"]
    full = rows.astype({"year": "int64"}).groupby(key, dropna=False).size().sort_index()
    drawn = sample.frame.astype({"year": "int64"}).groupby(key, dropna=False).size().sort_index()
    pd.testing.assert_series_equal(full, drawn, check_names=False)
    assert len(preview_rows(source, 50)) == 50


def test_sampling_by_an_unknown_column_says_which(tmp_path: Path) -> None:
    """A stratum that is not a column is named in the message."""
    _write_log(tmp_path / "log", rows=10)
    with pytest.raises(InvalidInputError, match="no column 'race'"):
        sample_rows(open_source(tmp_path / "log"), ["race"], 5)
