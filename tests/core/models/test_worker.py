"""Uploaded models load and score in a worker process, within a time and a memory limit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fairness_core.errors import InvalidInputError, UntrustedModelError
from fairness_core.models import (
    MEMORY_LIMIT_ENV,
    TIME_LIMIT_ENV,
    ModelLimitError,
    ModelLimits,
    ModelPolicy,
    load_model,
    load_model_limits,
    load_model_policy,
)

DEMO = Path(__file__).resolve().parents[3] / "demo_data" / "credit"
LIMITED = ModelPolicy(limits=ModelLimits())


@pytest.fixture(scope="module")
def test_rows() -> pd.DataFrame:
    return pd.read_csv(DEMO / "test.csv")


@pytest.mark.parametrize("file", ["model.skops", "model.onnx"])
def test_worker_scores_are_bit_identical_to_in_process(file: str, test_rows: pd.DataFrame) -> None:
    """The demo models give exactly the same probabilities in the worker as in this process."""
    data = (DEMO / file).read_bytes()
    local = load_model(data, filename=file)
    worker = load_model(data, filename=file, policy=LIMITED)
    assert (worker.classes, worker.feature_names) == (local.classes, local.feature_names)
    expected = local.predict_proba(test_rows)
    got = worker.predict_proba(test_rows)
    assert got.dtype == np.float64
    assert np.array_equal(got, expected)  # bit for bit, not approximately
    assert np.array_equal(worker.predict_proba(test_rows.head(3)), expected[:3])
    assert (worker.estimator is None) == (local.estimator is None)


def test_time_limit_stops_the_worker_and_says_how_to_raise_it() -> None:
    """A worker that cannot load within the time limit is killed; the message names the limit."""
    data = (DEMO / "model.skops").read_bytes()
    policy = ModelPolicy(limits=ModelLimits(time_seconds=0.05))
    with pytest.raises(ModelLimitError) as info:
        load_model(data, filename="slow.skops", policy=policy)
    message = str(info.value)
    assert "'slow.skops' took longer than the time limit of 0.05 seconds while loading" in message
    assert "--model-time-limit SECONDS" in message
    assert f"{TIME_LIMIT_ENV}=SECONDS" in message


def test_memory_limit_stops_the_worker_and_says_how_to_raise_it() -> None:
    """A worker that needs more memory than allowed stops; this process carries on."""
    data = (DEMO / "model.onnx").read_bytes()
    policy = ModelPolicy(limits=ModelLimits(memory_mb=64))
    with pytest.raises(ModelLimitError) as info:
        load_model(data, filename="big.onnx", policy=policy)
    message = str(info.value)
    assert "'big.onnx' needed more memory than the limit of 64 MB while loading" in message
    assert "--model-memory-limit MB" in message
    assert f"{MEMORY_LIMIT_ENV}=MB" in message
    # The same file within the default limits still loads: only the worker was stopped.
    assert load_model(data, filename="big.onnx", policy=LIMITED).kind == "onnx"


def test_refusals_come_back_from_the_worker_unchanged(tmp_path: Path) -> None:
    """A pickle refused in the worker gives the same error type and words as in process."""
    data = b"\x80\x04K\x01."
    with pytest.raises(UntrustedModelError) as local:
        load_model(data, filename="m.pkl")
    with pytest.raises(UntrustedModelError) as worker:
        load_model(data, filename="m.pkl", policy=LIMITED)
    assert str(worker.value) == str(local.value)


def test_limits_are_read_from_the_environment() -> None:
    """The operator sets both limits with environment variables; bad values are explained."""
    limits = load_model_limits({TIME_LIMIT_ENV: "7.5", MEMORY_LIMIT_ENV: "900"})
    assert limits == ModelLimits(time_seconds=7.5, memory_mb=900)
    assert load_model_policy({}).limits == ModelLimits()
    with pytest.raises(InvalidInputError, match=r"whole number of megabytes.*Got '2GB'"):
        load_model_limits({MEMORY_LIMIT_ENV: "2GB"})
    with pytest.raises(InvalidInputError, match=r"number of seconds.*Got -1.0"):
        load_model_limits({TIME_LIMIT_ENV: "-1"})
