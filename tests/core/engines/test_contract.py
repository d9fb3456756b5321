"""Every engine fills the count tables as the memory engine does (docs/ARCHITECTURE.md).

The data are random (seeded) and hold what trips engines up: missing protected values (the
"(missing)" group), sample weights, a numeric attribute cut into age bands, float32 scores
(cast to double before binning) and scores sitting exactly on the 1/1000 thresholds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from engine_contract import assert_same_counts

from fairness_core.data import ColumnRoles
from fairness_core.engines import count_audit
from fairness_core.errors import ValidationFailedError
from fairness_core.metrics import compute_calibration_by_group
from tests.core.engines.conftest import make_rows, write_hive

GROUPINGS = [("sex", "race", "age"), ("sex",), ("age",)]


def score_roles(*, weight: str | None = "weight", **extra: Any) -> ColumnRoles:
    return ColumnRoles(
        target="outcome",
        positive_label=1,
        protected=("sex", "race", "age"),
        source="score",
        score="score",
        threshold=0.5,
        weight=weight,
        **extra,
    )


def prediction_roles() -> ColumnRoles:
    return ColumnRoles(
        target="outcome",
        positive_label=1,
        protected=("sex", "race", "age"),
        source="prediction",
        prediction="decision",
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("weighted", [True, False])
def test_duckdb_counts_as_memory_does(tmp_path: Path, seed: int, weighted: bool) -> None:
    """DuckDB's group counts, score sums, AUC pairs, histograms and calibration equal memory's."""
    frame = make_rows(seed, weights=weighted)
    frame.loc[frame.index[::97], "outcome"] = None  # rows without an outcome are left out
    path = tmp_path / "rows.parquet"
    frame.to_parquet(path, index=False)
    roles = score_roles(weight="weight" if weighted else None)
    memory = count_audit(path, roles, GROUPINGS, engine="memory", default_bins=True)
    duck = count_audit(path, roles, GROUPINGS, engine="duckdb", default_bins=True)
    assert memory.engine == "memory"
    assert duck.engine == "duckdb"
    assert any(label[0] == "(missing)" for label in memory.counts[1].labels)
    assert memory.counts[2].labels[0][0] == "under 25"  # age bands, not 70 ages
    assert_same_counts(memory, duck)


def test_duckdb_counts_predictions_and_a_score_scale(tmp_path: Path) -> None:
    """Decisions from a prediction column, and scores on their own turned-round scale."""
    frame = make_rows(5)
    frame["risk"] = (1 + 9 * frame["score"].astype("float64")).round(3)
    path = tmp_path / "rows.parquet"
    frame.to_parquet(path, index=False)
    for roles in (
        prediction_roles(),
        ColumnRoles(
            target="outcome",
            positive_label=1,
            protected=("race", "age"),
            source="score",
            score="risk",
            threshold=0.4,
            score_range=(1.0, 10.0),
            higher_score_favourable=False,
        ),
    ):
        groupings = [("race", "age")]
        memory = count_audit(path, roles, groupings, engine="memory", default_bins=True)
        duck = count_audit(path, roles, groupings, engine="duckdb", default_bins=True)
        assert_same_counts(memory, duck)


def test_equal_size_bands_are_cut_where_memory_cuts_them(tmp_path: Path) -> None:
    """Quartile bands of a numeric attribute come from the rows' quantiles in every engine."""
    frame = make_rows(7, weights=False)
    frame["income"] = np.random.default_rng(7).integers(10, 200, len(frame)) * 1000
    path = tmp_path / "rows.parquet"
    frame.to_parquet(path, index=False)
    roles = ColumnRoles(
        target="outcome", positive_label=1, protected=("income",), source="prediction",
        prediction="decision",
    )  # fmt: skip
    memory = count_audit(path, roles, [("income",)], engine="memory", default_bins=True)
    duck = count_audit(path, roles, [("income",)], engine="duckdb", default_bins=True)
    assert len(memory.counts[0].labels) == 4
    assert_same_counts(memory, duck)


def test_a_hive_partitioned_folder_reads_the_same_rows(tmp_path: Path) -> None:
    """A folder of Parquet files with region=… folders: its partition column is audited too."""
    frame = make_rows(3)
    root = write_hive(frame, tmp_path / "log")
    roles = ColumnRoles(
        target="outcome", positive_label=1, protected=("region", "sex"), source="score",
        score="score", weight="weight",
    )  # fmt: skip
    groupings = [("region", "sex")]
    memory = count_audit(root, roles, groupings, engine="memory")
    duck = count_audit(root, roles, groupings, engine="duckdb")
    assert memory.rows == len(frame)
    assert {labels[0] for labels in memory.counts[0].labels} == {"north", "south"}
    assert_same_counts(memory, duck)
    pattern = count_audit(f"{root}/**/*.parquet", roles, groupings, engine="duckdb")
    assert pattern.rows == len(frame)


def test_memory_histogram_against_brute_force(tmp_path: Path) -> None:
    """The histogram's reverse sums are, per group and threshold, the rows scored at or above it;
    its calibration is compute_calibration_by_group's."""
    frame = make_rows(11)
    path = tmp_path / "rows.parquet"
    frame.to_parquet(path, index=False)
    roles = score_roles()
    counted = count_audit(path, roles, [("race",)], engine="memory", default_bins=True)
    histogram = counted.histograms[0]
    assert histogram is not None
    assert counted.audit is not None
    score = frame["score"].to_numpy(dtype=np.float64)
    weight = frame["weight"].to_numpy()
    at_or_above = histogram.sweep_weight[:, ::-1].cumsum(axis=1)[:, ::-1]
    for g, (race,) in enumerate(histogram.labels):
        for k in (0, 1, 250, 500, 501, 999, 1000):
            mask = (frame["race"] == race).to_numpy() & (score >= histogram.thresholds[k])
            for y in (0, 1):
                rows = mask & (frame["outcome"] == y).to_numpy()
                np.testing.assert_allclose(at_or_above[g, k, y], weight[rows].sum(), rtol=1e-12)
    direct = compute_calibration_by_group(counted.audit, ["race"])
    assert counted.calibration[0] is not None
    np.testing.assert_allclose(
        histogram.calibration["n"][histogram.calibration["n"] > 0], direct.bins["n"], rtol=0
    )


BAD_CASES = {
    "missing column": lambda f: f.drop(columns=["race"]),
    "one outcome only": lambda f: f.assign(outcome=1),
    "empty scores": lambda f: f.assign(score=f["score"].where(f.index % 40 > 0, np.nan)),
    "scores outside 0-1": lambda f: f.assign(score=f["score"] * 3 - 1),
    "negative weights": lambda f: f.assign(weight=f["weight"] - 1),
    "too many races": lambda f: f.assign(race=[f"r{i % 70}" for i in range(len(f))]),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_duckdb_validation_says_what_memory_says(tmp_path: Path, case: str) -> None:
    """Bad data stops every engine with the same problems, word for word."""
    frame = BAD_CASES[case](make_rows(4))
    path = tmp_path / "rows.parquet"
    frame.to_parquet(path, index=False)
    roles = score_roles()
    messages = {}
    for engine in ("memory", "duckdb"):
        with pytest.raises(ValidationFailedError) as caught:
            count_audit(path, roles, GROUPINGS, engine=engine, default_bins=True)
        messages[engine] = [p.message() for p in caught.value.problems]
        assert str(caught.value).startswith("The data cannot be audited yet")
    assert messages["duckdb"] == messages["memory"]
    assert messages["memory"]


@pytest.mark.slow
def test_spark_counts_and_validates_as_memory_does(tmp_path: Path, spark: Any) -> None:
    """Spark (local[2]) fills the same tables as memory on a hive folder, and says the same
    about bad data."""
    frame = make_rows(21, n=1500)
    root = write_hive(frame, tmp_path / "log", parts=2)
    roles = score_roles()
    groupings = [("sex", "race", "age")]
    memory = count_audit(root, roles, groupings, engine="memory", default_bins=True)
    on_spark = count_audit(
        root, roles, groupings, engine="spark", spark_session=spark, default_bins=True
    )
    assert on_spark.engine == "spark"
    assert_same_counts(memory, on_spark)

    bad = BAD_CASES["empty scores"](frame)
    bad_path = tmp_path / "bad.parquet"
    bad.to_parquet(bad_path, index=False)
    messages = {}
    for engine in ("memory", "spark"):
        with pytest.raises(ValidationFailedError) as caught:
            count_audit(bad_path, roles, groupings, engine=engine, spark_session=spark)
        messages[engine] = [p.message() for p in caught.value.problems]
    assert messages["spark"] == messages["memory"]
