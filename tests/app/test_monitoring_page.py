"""The Monitoring page, reached from app.py: the monitoring demo, its alerts, uploads, findings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import state
from fairness_core.data import ColumnRoles
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import METRICS
from fairness_core.monitoring import (
    MonitoringReport,
    MonitorSettings,
    check_monitoring_data,
    compute_monitoring,
    load_decision_log,
    period_labels,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo_data" / "monitoring" / "decisions"
#: The demo as demo_data/README.md runs it (`monitor ... --score score --protected race`).
DEMO_ROLES = ColumnRoles(
    target="repaid", positive_label="1", protected=("race",), source="score", score="score"
)
#: Months from the documented change on (demo_data/README.md: "from August 2025 on").
CHANGED = {f"2025-{m:02d}" for m in range(8, 13)}


@pytest.fixture(scope="module")
def direct() -> MonitoringReport:
    """The demo's report from the core directly, read from the files on disk."""
    log = load_decision_log(DEMO, time_column="decided_at", period="month")
    return compute_monitoring(
        check_monitoring_data(log, DEMO_ROLES), MonitorSettings(attributes=("race",))
    )


@pytest.fixture
def page(app: AppTest) -> AppTest:
    """The Monitoring page on the demo (its suggestions filled in)."""
    app.switch_page("pages/monitoring.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _plain(text: str) -> str:
    """A markdown-escaped text as the reviewer reads it."""
    return text.replace("\\", "")


def _alerts(at: AppTest) -> list[str]:
    return [_plain(e.value) for e in at.error]


def _table(at: AppTest, column: str) -> pd.DataFrame:
    found = [t.value for t in at.dataframe if column in t.value.columns]
    assert found, f"no table with the column {column!r}"
    return found[0]


def test_the_demo_alerts_exactly_for_black_applicants_from_august(page: AppTest) -> None:
    """demo_data/README.md: alerts for Black applicants from 2025-08 on, nowhere else."""
    alerts = _alerts(page)
    assert alerts
    assert not page.success
    selection, other = set(), set()
    for sentence in alerts:
        assert " of Black (reference White) got worse in 2025-" in sentence, sentence
        period = sentence.split(" got worse in ")[1][:7]
        assert period in CHANGED, sentence
        if sentence.startswith("Selection rate of Black"):
            selection.add(period)
        else:
            assert sentence.startswith("True positive rate of Black"), sentence
            other.add(period)
    assert selection == CHANGED
    assert other <= {"2025-08", "2025-09", "2025-10", "2025-11"}  # months with outcomes
    changes = _table(page, "Verdict")
    worse = changes[changes["Verdict"] == "worse"]
    assert set(worse["Group"]) == {"Black"}
    assert set(worse["Period"]) <= CHANGED
    assert (changes.loc[~changes["Period"].isin(CHANGED), "Verdict"] != "worse").all()


def test_numbers_on_the_page_equal_the_core_run_directly(
    page: AppTest, direct: MonitoringReport
) -> None:
    """Alerts, changes, gaps and drift on the page are the core's, to the last digit."""
    assert _alerts(page) == [a.describe() for a in direct.alerts]
    shown = _table(page, "Verdict")
    expected = direct.changes.assign(metric=direct.changes["metric"].map(
        lambda m: METRICS[m].title))  # fmt: skip
    assert len(shown) == len(expected)
    keys = ["Metric", "Group", "Period"]
    merged = shown.merge(
        expected, left_on=keys, right_on=["metric", "group", "period"], validate="one_to_one"
    )
    assert len(merged) == len(expected)
    for title, column in (("Change in the gap", "change"), ("Change: 95% low", "ci_low"),
                          ("Change: 95% high", "ci_high"), ("Gap", "gap"),
                          ("Adjusted p-value", "p_value_adjusted")):  # fmt: skip
        pd.testing.assert_series_equal(
            merged[title], merged[column], check_names=False, check_exact=False, rtol=1e-12
        )
    assert (merged["Verdict"] == merged["verdict"]).all()
    composition = _table(page, "Chi-square")
    assert composition["PSI"].tolist() == pytest.approx(direct.composition["psi"].tolist())
    drift = _table(page, "Kolmogorov–Smirnov distance")
    assert drift["Kolmogorov–Smirnov distance"].dropna().tolist() == pytest.approx(
        direct.score_drift["ks_statistic"].dropna().tolist()
    )
    gap = _table(page, "Gap")  # the first trend chart's table: the selection rate's gaps
    selection = direct.gaps[direct.gaps["metric"] == "selection_rate"]
    assert gap["Gap"].tolist() == pytest.approx(selection["gap"].tolist())


def test_comparing_with_the_previous_month_changes_the_result(page: AppTest) -> None:
    """With 'the period before it', only the step into August alerts (demo_data/README.md)."""
    before = _table(page, "Verdict")
    assert set(before["Baseline period"]) == {"2025-01"}
    page.radio(key=state.MONITORING_BASELINE).set_value("previous").run()
    assert not page.exception, [e.value for e in page.exception]
    after = _table(page, "Verdict")
    september = after[after["Period"] == "2025-09"]
    assert set(september["Baseline period"]) == {"2025-08"}
    alerts = _alerts(page)
    assert alerts
    assert {a.split(" got worse in ")[1][:7] for a in alerts} == {"2025-08"}
    assert not after["Change in the gap"].equals(before["Change in the gap"])


def test_pinning_an_alert_adds_a_finding_that_reaches_the_report(page: AppTest) -> None:
    """ "Add to findings" under the first alert records it, with the log's name and hash."""
    first = _alerts(page)[0]
    before = len(page.session_state[state.FINDINGS]) if state.FINDINGS in page.session_state else 0
    page.text_area(key="monitoring.alert_0.finding_note").set_value("Escalate to the model owner")
    page.button(key="monitoring.alert_0.finding_add").click().run()
    assert not page.exception, [e.value for e in page.exception]
    findings = page.session_state[state.FINDINGS]
    assert len(findings) == before + 1
    finding = findings[-1]
    assert finding.page == "Monitoring"
    assert finding.summary == first
    assert finding.title == "Alert: Selection rate of Black got worse in 2025-08"
    assert finding.data_name.startswith("A year of loan decisions (demo), 12 files")
    assert finding.data_sha256 != page.session_state[state.DATASET].sha256
    assert finding.table is not None
    assert finding.table["Verdict"].tolist() == ["worse"]
    page.switch_page("pages/report.py").run()
    assert not page.exception, [e.value for e in page.exception]
    titles = [_plain(m.value) for m in page.markdown]
    assert f"**{before + 1}. {finding.title}**" in titles


def test_an_uploaded_log_with_a_bad_time_column_shows_the_core_message(page: AppTest) -> None:
    """A date column with words in it: the loader's own sentence, never a traceback."""
    frame = pd.DataFrame(
        {
            "decided_at": ["2025-01-03", "soon", "2025-02-11", "yesterday"],
            "race": ["A", "B", "A", "B"],
            "approved": [1, 0, 1, 1],
        }
    )
    page.radio(key=state.MONITORING_SOURCE).set_value("upload").run()
    assert page.info  # asks for the files
    page.get("file_uploader")[0].set_value(
        [("bad.csv", frame.to_csv(index=False).encode(), "text/csv")]
    ).run()
    assert not page.exception, [e.value for e in page.exception]
    with pytest.raises(InvalidInputError) as expected:
        period_labels(frame["decided_at"], "month", source_name="bad.csv")
    assert [_plain(e.value) for e in page.error] == [str(expected.value)]


def test_a_log_with_one_group_says_so_instead_of_all_clear(page: AppTest) -> None:
    """One group has nothing to compare with: the core's sentence, and no green "all fine"."""
    months = [f"2025-0{1 + i % 3}-05" for i in range(300)]
    frame = pd.DataFrame({"decided_at": months, "race": "A", "approved": [i % 2 for i in
                                                                         range(300)]})  # fmt: skip
    page.radio(key=state.MONITORING_SOURCE).set_value("upload").run()
    page.get("file_uploader")[0].set_value(
        [("one.csv", frame.to_csv(index=False).encode(), "text/csv")]
    ).run()
    assert not page.exception, [e.value for e in page.exception]
    assert not page.success
    warnings = [_plain(w.value) for w in page.warning]
    assert warnings[0].startswith("No change could be judged")
    assert any("race has only one group in this data ('A')" in w for w in warnings)
