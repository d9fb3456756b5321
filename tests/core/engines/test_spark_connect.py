"""The Spark engine on a Spark Connect server (an ``sc://`` URL), as the memory engine counts.

One real server (conftest ``spark_connect_url``: local[2] in its own JVM) serves every test
here; the audit reaches it only through ``--spark-master``'s URL, as in production.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from engine_contract import assert_same_counts

from fairness_core.cli import _main as cli
from fairness_core.data import ColumnRoles
from fairness_core.engines import count_audit, count_periods, open_source, spark_session
from fairness_core.engines._runners import spark_runner
from fairness_core.errors import InvalidInputError, ValidationFailedError
from tests.core.engines.conftest import free_port, make_rows, write_hive

SCORES = ColumnRoles(
    target="outcome", positive_label=1, protected=("sex", "race", "age"), source="score",
    score="score", threshold=0.5, weight="weight",
)  # fmt: skip
DECISIONS = ColumnRoles(
    target="outcome", positive_label=1, protected=("region", "race"), source="prediction",
    prediction="decision",
)  # fmt: skip


@pytest.mark.slow
def test_spark_connect_counts_and_validates_as_memory_does(
    tmp_path: Path, spark_connect_url: str
) -> None:
    """Scores with weights on a hive folder, decisions on a CSV file: the same tables as
    memory to 1e-12; bad data: the same problems, word for word."""
    frame = make_rows(23, n=1500)
    root = str(write_hive(frame, tmp_path / "log", parts=2))
    groupings = [("sex", "race", "age"), ("age",)]
    memory = count_audit(root, SCORES, groupings, engine="memory", default_bins=True)
    connect = count_audit(
        root, SCORES, groupings, engine="spark", spark_master=spark_connect_url, default_bins=True
    )
    assert connect.engine == "spark"
    assert connect.rows == len(frame)
    assert_same_counts(memory, connect)

    csv = str(tmp_path / "decisions.csv")
    frame.assign(region=["north", "south", "east"] * 500).to_csv(csv, index=False)
    memory = count_audit(csv, DECISIONS, [("region", "race")], engine="memory")
    connect = count_audit(
        csv, DECISIONS, [("region", "race")], engine="spark", spark_master=spark_connect_url
    )
    assert_same_counts(memory, connect)

    bad = str(tmp_path / "bad.parquet")
    frame.assign(weight=frame["weight"] - 1).to_parquet(bad, index=False)
    messages = []
    for master in (None, spark_connect_url):
        with pytest.raises(ValidationFailedError) as caught:
            count_audit(
                bad, SCORES, groupings, engine="spark" if master else "memory", spark_master=master
            )
        messages.append([p.message() for p in caught.value.problems])
    assert messages[0]
    assert messages[1] == messages[0]


@pytest.mark.slow
def test_spark_connect_counts_periods_as_memory_does(
    tmp_path: Path, spark_connect_url: str
) -> None:
    """Monitoring's weekly counts (dates as text, bucketed in the session's UTC) on Connect."""
    frame = make_rows(26, n=1200)
    rng = np.random.default_rng(26)
    days = pd.Timestamp("2026-03-01") + pd.to_timedelta(rng.integers(0, 70, len(frame)), "D")
    frame["decided_on"] = days.strftime("%Y-%m-%d")
    path = str(tmp_path / "log.parquet")
    frame.to_parquet(path, index=False)
    roles = ColumnRoles(
        target="outcome", positive_label=1, protected=("sex",), source="prediction",
        prediction="decision", weight="weight",
    )  # fmt: skip
    options: dict[str, Any] = {"time_column": "decided_on", "period": "week"}
    memory = count_periods(path, roles, ("sex",), engine="memory", **options)
    connect = count_periods(
        path, roles, ("sex",), engine="spark", spark_master=spark_connect_url, **options
    )
    assert len(memory.periods) >= 10
    assert connect.periods == memory.periods
    assert connect.labels == memory.labels
    np.testing.assert_array_equal(connect.known_cells, memory.known_cells)
    np.testing.assert_allclose(connect.known_weighted, memory.known_weighted, rtol=1e-12)
    np.testing.assert_allclose(connect.known_squared, memory.known_squared, rtol=1e-12)


@pytest.mark.slow
def test_spark_connect_and_local_spark_share_one_process(
    tmp_path: Path, spark: Any, spark_connect_url: str
) -> None:
    """A Spark Connect runner leaves the local session working (pyspark's own builder would
    switch the process to Spark Connect), and ends its session on the server."""
    path = tmp_path / "rows.parquet"
    make_rows(24, n=400).to_parquet(path, index=False)
    with spark_runner(open_source(str(path)), master=spark_connect_url) as runner:
        assert runner.query("SELECT COUNT(*) AS n FROM audit_rows")["n"].iloc[0] == 400
        remote = runner.session
    assert remote.is_stopped
    assert "SPARK_CONNECT_MODE_ENABLED" not in os.environ
    assert spark_session("local[2]") is spark
    with spark_runner(open_source(str(path)), session=spark) as runner:
        assert runner.query("SELECT COUNT(*) AS n FROM audit_rows")["n"].iloc[0] == 400


@pytest.mark.slow
def test_files_spark_cannot_read_are_a_plain_message(
    tmp_path: Path, spark_connect_url: str
) -> None:
    """A file that is not Parquet inside: the server's error becomes one line and a fix."""
    path = tmp_path / "broken.parquet"
    path.write_text("outcome,score\n1,0.5\n")
    with pytest.raises(InvalidInputError) as caught:
        count_audit(str(path), SCORES, [("race",)], engine="spark", spark_master=spark_connect_url)
    message = str(caught.value)
    assert message.startswith(f"Spark could not read '{path}': ")
    assert "\n" not in message
    assert len(message) < 700
    assert "[" not in message  # no Spark error class
    assert ".." not in message
    assert message.endswith("Check the files and the path."), message


def test_a_closed_port_is_said_at_once() -> None:
    """No server at the address: a plain message within seconds, not ten minutes of retries."""
    port = free_port()
    started = time.monotonic()
    with pytest.raises(InvalidInputError) as caught:
        spark_session(f"sc://localhost:{port}")
    assert time.monotonic() - started < 15
    message = str(caught.value)
    assert message.startswith(f"Could not reach the Spark Connect server at localhost:{port}")
    assert "start-connect-server.sh" in message
    assert "--engine duckdb" in message


@pytest.fixture
def not_spark() -> Iterator[int]:
    """A port where something listens but does not speak Spark Connect (it hangs up)."""
    listener = socket.create_server(("localhost", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def hang_up() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            conn.close()

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join()
    listener.close()


def test_something_else_at_the_address_is_said_at_once(not_spark: int) -> None:
    started = time.monotonic()
    with pytest.raises(InvalidInputError) as caught:
        spark_session(f"sc://localhost:{not_spark}")
    assert time.monotonic() - started < 30
    assert str(caught.value).startswith(
        f"Something answers at localhost:{not_spark}, but it did not open a Spark Connect session"
    )


@pytest.mark.parametrize("url", ["sc://", "sc://host:15002/a/path"])
def test_a_malformed_address_says_the_expected_form(url: str) -> None:
    with pytest.raises(InvalidInputError, match="is not a Spark Connect address") as caught:
        spark_session(url)
    assert "sc://host:port" in str(caught.value)


def test_the_command_says_it_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`audit --engine spark --spark-master sc://…` with no server: exit 2 and the message."""
    path = tmp_path / "rows.parquet"
    make_rows(25, n=200).to_parquet(path, index=False)
    port = free_port()
    code = cli.main(
        [
            "audit", "--data", str(path), "--engine", "spark", "--spark-master",
            f"sc://localhost:{port}", "--target", "outcome", "--positive-label", "1",
            "--score", "score", "--protected", "race",
        ]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert f"Could not reach the Spark Connect server at localhost:{port}" in captured.err
    assert "Traceback" not in captured.err
