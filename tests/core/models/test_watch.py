"""watch_model: a running model request reports its progress and can be cancelled."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from fairness_core.models import ModelLimits, ModelPolicy, load_model, watch_model
from fairness_core.models._worker import POLL_SECONDS, ModelWorker

DEMO = Path(__file__).resolve().parents[3] / "demo_data" / "credit"


class Cancelled(BaseException):
    """Stands in for Streamlit's end-of-run signal, which is not an Exception either."""


def _gone(pid: int) -> bool:
    """True when ``pid`` no longer exists: killed *and* reaped (a zombie keeps its /proc)."""
    return not Path(f"/proc/{pid}").exists()


def _worker() -> ModelWorker:
    return ModelWorker(
        (DEMO / "model.skops").read_bytes(),
        name="model.skops",
        policy=(False, ()),
        limits=ModelLimits(time_seconds=60),
    )


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads /proc")
def test_a_raising_watcher_cancels_loading_and_kills_the_worker() -> None:
    """The first on_wait that raises stops the load: the worker process is killed and reaped."""
    worker = _worker()
    waits: list[float] = []
    done: list[bool] = []
    pids: list[int] = []

    def on_wait(seconds: float) -> None:
        waits.append(seconds)
        assert worker._process is not None
        pids.append(worker._process.pid)
        if len(waits) == 2:
            raise Cancelled

    started = time.monotonic()
    with pytest.raises(Cancelled), watch_model(on_wait, lambda: done.append(True)):
        worker.load()
    assert time.monotonic() - started < 5  # well before loading could finish on a busy host
    assert waits[0] == pytest.approx(POLL_SECONDS, abs=0.2)
    assert waits[1] > waits[0]
    assert done == [True]
    assert worker._process is None
    assert _gone(pids[0])


def test_a_cancelled_model_scores_again_in_a_fresh_worker() -> None:
    """Cancelling a scoring request leaves the loaded model usable: the next request restarts."""
    model = load_model(
        (DEMO / "model.skops").read_bytes(),
        filename="model.skops",
        policy=ModelPolicy(limits=ModelLimits(time_seconds=60)),
    )
    rows = pd.read_csv(DEMO / "test.csv")
    expected = model.predict_proba(rows)

    def cancel(seconds: float) -> None:
        raise Cancelled

    runner = model._runner
    worker = runner.worker  # type: ignore[union-attr]
    worker.close()  # the next request must start (and wait for) a new process
    with pytest.raises(Cancelled), watch_model(cancel):
        model.predict_proba(rows)
    assert worker._process is None
    assert (model.predict_proba(rows) == expected).all()
