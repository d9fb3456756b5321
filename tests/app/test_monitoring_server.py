"""The Monitoring page's third source: a log on the server, counted whole by DuckDB.

Offered only when the operator allowed folders; the reviewer picks a listed folder (never a
typed path); the alerts are the core's on every row of the log, as the command line gives.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import state
from fairness_core.data import ColumnRoles
from fairness_core.engines import SERVER_DATA_ENV
from fairness_core.monitoring import (
    MonitorSettings,
    check_monitoring_data,
    compute_monitoring,
    load_decision_log,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo_data" / "monitoring" / "decisions"
APP = str(ROOT / "app.py")


def _monitoring_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/monitoring.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def allowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An allowed folder holding the demo year as hive partitions (month=…/part.parquet)."""
    root = tmp_path / "allowed"
    for path in sorted(DEMO.glob("*.csv")):
        folder = root / "decisions" / f"month={path.stem}"
        folder.mkdir(parents=True)
        pd.read_csv(path).to_parquet(folder / "part-0.parquet", index=False)
    monkeypatch.setenv(SERVER_DATA_ENV, str(root))
    return root


def test_not_offered_unless_the_operator_allows_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SERVER_DATA_ENV, raising=False)
    at = _monitoring_page()
    assert at.radio(key=state.MONITORING_SOURCE).options == [
        "A year of loan decisions (demo)",
        "My decision-log files",
    ]


def test_a_server_log_gives_the_alerts_of_every_row(allowed: Path) -> None:
    """The demo year on the server: the same alerts as the core on the files, kept choice."""
    at = _monitoring_page()
    at.radio(key=state.MONITORING_SOURCE).set_value("server").run()
    picker = at.selectbox(key=state.MONITORING_SERVER_PATH)
    assert picker.options == ["allowed/decisions/"]
    picker.set_value(picker.options[0]).run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key=state.MONITORING_TIME_COLUMN).set_value("decided_at").run()
    at.multiselect(key=state.MONITORING_PROTECTED).set_value(["race"]).run()
    at.radio(key=state.MONITORING_DECISION_SOURCE).set_value("score").run()
    at.selectbox(key=state.MONITORING_SCORE).set_value("score").run()
    at.selectbox(key=state.MONITORING_TARGET).set_value("repaid").run()
    at.selectbox(key=state.MONITORING_POSITIVE).set_value("1").run()
    at.multiselect(key=state.MONITORING_METRICS).set_value(
        ["selection_rate", "true_positive_rate", "false_positive_rate"]
    ).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Every row is counted on the server" in c.value for c in at.caption)

    roles = ColumnRoles(
        target="repaid", positive_label="1", protected=("race",), source="score", score="score"
    )
    log = load_decision_log(DEMO, time_column="decided_at", period="month")
    direct = compute_monitoring(
        check_monitoring_data(log, roles), MonitorSettings(attributes=("race",))
    )
    shown = [e.value.replace("\\", "") for e in at.error]
    assert direct.alerts
    assert shown == [a.describe() for a in direct.alerts]

    # The choice is kept across pages, as every source is.
    at.switch_page("pages/subgroups.py").run()
    at.switch_page("pages/monitoring.py").run()
    assert at.radio(key=state.MONITORING_SOURCE).value == "server"
    assert at.selectbox(key=state.MONITORING_SERVER_PATH).value == str(allowed / "decisions")
