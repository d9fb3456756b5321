"""Monitoring: per-period numbers are the subgroup report's, changes, alerts, inputs."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from monitoring_simulation import alert_rate

from fairness_core.data import ColumnRoles
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import compute_subgroup_report, newcombe_difference_interval
from fairness_core.monitoring import (
    CHANGE_VERDICTS,
    MonitorSettings,
    check_monitoring_data,
    compute_monitoring,
    compute_period_counts,
    load_baseline_and_current,
    load_decision_log,
    monitoring_to_dict,
    period_labels,
    render_monitoring,
)

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "demo_data" / "monitoring" / "decisions"
DEMO_ROLES = ColumnRoles(
    target="repaid", positive_label="1", protected=("race",), source="score", score="score"
)


def make_log(seed: int, *, months: int = 4, rows: int = 600, late: float = 0.0) -> pd.DataFrame:
    """A small log with two protected attributes, weights and (some) late outcomes."""
    rng = np.random.default_rng(seed)
    n = months * rows
    month = np.repeat(np.arange(1, months + 1), rows)
    frame = pd.DataFrame(
        {
            "decided_at": [
                f"2026-{m:02d}-{d:02d}" for m, d in zip(month, rng.integers(1, 28, n), strict=True)
            ],
            "race": rng.choice(["White", "Black", "Asian"], n, p=[0.6, 0.3, 0.1]),
            "gender": rng.choice(["f", "m"], n),
            "approved": rng.choice(["yes", "no"], n),
            "repaid": rng.choice(["yes", "no"], n).astype(object),
            "weight": rng.uniform(0.5, 2.0, n).round(3),
        }
    )
    unknown = (rng.random(n) < late) & (month >= months - 1)
    frame.loc[unknown, "repaid"] = None
    return frame


def roles(**kw: object) -> ColumnRoles:
    base = {"target": "repaid", "positive_label": "yes", "protected": ("race", "gender"),
            "prediction": "approved"}  # fmt: skip
    return ColumnRoles(**{**base, **kw})  # type: ignore[arg-type]


def write_months(frame: pd.DataFrame, folder: Path, suffix: str = ".csv") -> list[Path]:
    paths = []
    for month, part in frame.groupby(frame["decided_at"].str[:7]):
        path = folder / f"{month}{suffix}"
        if suffix == ".csv":
            part.to_csv(path, index=False)
        else:
            part.to_parquet(path, index=False)
        paths.append(path)
    return paths


@pytest.mark.parametrize("weighted", [False, True])
def test_per_period_reports_equal_the_subgroup_report_on_that_periods_rows(
    tmp_path: Path, weighted: bool
) -> None:
    """Each period's decisions and outcomes reports are compute_subgroup_report on its rows."""
    frame = make_log(1)
    write_months(frame, tmp_path)
    log = load_decision_log(tmp_path, time_column="decided_at", period="month")
    data = check_monitoring_data(log, roles(weight="weight" if weighted else None))
    attributes = ("race", "gender")
    report = compute_monitoring(data, MonitorSettings(attributes=attributes))
    metrics = report.settings.metrics
    assert metrics is not None
    for period, pr in zip(report.periods, report.period_reports, strict=True):
        mask = log.period_of_row == period
        audit = data.audit_data(mask)
        for mine, names in ((pr.decisions, ("count", "share", "selection_rate")),
                            (pr.outcomes, ("base_rate", *metrics[1:]))):  # fmt: skip
            assert mine is not None
            oracle = compute_subgroup_report(audit, attributes=attributes, metrics=names)
            pd.testing.assert_frame_equal(mine.groups, oracle.groups)
            pd.testing.assert_frame_equal(mine.disparities, oracle.disparities)
            assert mine.summary == pytest.approx(oracle.summary, nan_ok=True, abs=0, rel=0)


def test_late_outcomes_count_for_decisions_only(tmp_path: Path) -> None:
    """Rows without an outcome count for selection rates, not for error rates, and are said."""
    frame = make_log(2, late=0.7)
    path = tmp_path / "log.csv"
    frame.to_csv(path, index=False)
    log = load_decision_log(path, time_column="decided_at")
    data = check_monitoring_data(log, roles(protected=("race",)))
    report = compute_monitoring(data, MonitorSettings(attributes=("race",)))
    last = report.period_reports[-1]
    rows = frame[frame["decided_at"].str.startswith("2026-04")]
    assert last.n_rows == len(rows)
    assert last.n_known == int(rows["repaid"].notna().sum()) < len(rows)
    assert any("known for" in note and f"{last.n_known:,}" in note for note in report.notes)
    # Selection rate per group over every row of the period, outcome known or not.
    assert last.decisions is not None
    assert last.outcomes is not None
    got = last.decisions.groups.query("metric == 'selection_rate'").set_index("group")["value"]
    expected = rows.groupby("race")["approved"].apply(lambda s: (s == "yes").mean())
    assert got.sort_index().to_numpy() == pytest.approx(expected.sort_index().to_numpy())
    # True positive rate over the rows with an outcome only.
    known = rows[rows["repaid"].notna()]
    tpr = (
        known[known["repaid"] == "yes"]
        .groupby("race")["approved"]
        .apply(lambda s: (s == "yes").mean())
    )
    got_tpr = last.outcomes.groups.query("metric == 'true_positive_rate'").set_index("group")
    assert got_tpr["value"].sort_index().to_numpy() == pytest.approx(tpr.sort_index().to_numpy())
    assert int(got_tpr["denominator"].sum()) == int((known["repaid"] == "yes").sum())


def test_a_log_without_outcomes_monitors_selection_rates(tmp_path: Path) -> None:
    """No target: the selection rate alone is monitored; an error rate is refused plainly."""
    path = tmp_path / "log.csv"
    make_log(3).drop(columns=["repaid"]).to_csv(path, index=False)
    log = load_decision_log(path, time_column="decided_at")
    data = check_monitoring_data(log, roles(target="", protected=("race",)))
    report = compute_monitoring(data, MonitorSettings(attributes=("race",)))
    assert report.settings.metrics == ("selection_rate",)
    assert report.period_reports[0].outcomes is None
    with pytest.raises(InvalidInputError, match="need the true outcome"):
        compute_monitoring(
            data, MonitorSettings(attributes=("race",), metrics=("true_positive_rate",))
        )


def test_glob_folder_and_list_read_the_same_files_with_their_hashes(tmp_path: Path) -> None:
    """A glob, a folder and a list give the same rows; each file keeps its SHA-256."""
    paths = write_months(make_log(4), tmp_path, ".parquet")
    by_glob = load_decision_log(str(tmp_path / "*.parquet"), time_column="decided_at")
    by_folder = load_decision_log(tmp_path, time_column="decided_at")
    by_list = load_decision_log(paths, time_column="decided_at")
    for log in (by_folder, by_list):
        pd.testing.assert_frame_equal(log.frame, by_glob.frame)
        assert log.files == by_glob.files
    assert by_glob.periods == ("2026-01", "2026-02", "2026-03", "2026-04")
    for file, path in zip(by_glob.files, paths, strict=True):
        assert file.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert file.periods == (path.stem,)


def test_two_files_are_baseline_and_current(tmp_path: Path) -> None:
    """--baseline-data and --data: two periods named baseline and current."""
    paths = write_months(make_log(5, months=2), tmp_path)
    log = load_baseline_and_current(paths[0], paths[1])
    assert log.periods == ("baseline", "current")
    data = check_monitoring_data(log, roles(protected=("race",)))
    report = compute_monitoring(data, MonitorSettings(attributes=("race",)))
    assert set(report.changes["period"]) == {"current"}


@pytest.mark.parametrize(
    ("period", "expected"),
    [("day", "2026-01-05"), ("week", "2026-W02"), ("month", "2026-01"), ("quarter", "2026-Q1")],
)
def test_period_labels(period: str, expected: str) -> None:
    """Times become day, ISO week, month and quarter labels; offsets are taken to UTC
    (23:30 at −02:00 on Sunday 4 January is Monday 5 January, ISO week 2, in UTC)."""
    values = pd.Series(["2026-01-04T23:30:00-02:00"], name="t")
    assert period_labels(values, period)[0] == expected  # type: ignore[arg-type]


def test_bad_time_values_are_named() -> None:
    """A time column with text that is not a date says how many and which."""
    with pytest.raises(InvalidInputError, match=r"1 values .* 'soon'"):
        period_labels(pd.Series(["2026-01-01", "soon"], name="t"), "month")


def test_change_interval_and_test_are_computed_as_documented(tmp_path: Path) -> None:
    """A change's value, MOVER interval and p-value, recomputed from the counts by hand."""
    path = tmp_path / "log.csv"
    make_log(6).to_csv(path, index=False)
    data = check_monitoring_data(
        load_decision_log(path, time_column="decided_at"), roles(protected=("race",))
    )
    report = compute_monitoring(
        data,
        MonitorSettings(attributes=("race",), metrics=("selection_rate",)),
        period_reports=False,
    )
    frame = make_log(6)
    frame["p"] = frame["decided_at"].str[:7]
    chosen = frame["approved"] == "yes"
    s = frame[chosen].groupby(["p", "race"]).size().unstack(fill_value=0)
    n = frame.groupby(["p", "race"]).size().unstack(fill_value=0)
    row = report.changes.query("group == 'Black' and period == '2026-03'").iloc[0]
    assert row["reference"] == "White"  # the largest group
    args = [np.array([s.loc[p, g]]) for p in ("2026-03", "2026-01") for g in ("Black", "White")]
    sizes = [np.array([n.loc[p, g]]) for p in ("2026-03", "2026-01") for g in ("Black", "White")]
    rate = [a / b for a, b in zip(args, sizes, strict=True)]
    gap_t, gap_b = rate[0] - rate[1], rate[2] - rate[3]
    lt, ht = newcombe_difference_interval(args[0], sizes[0], args[1], sizes[1])
    lb, hb = newcombe_difference_interval(args[2], sizes[2], args[3], sizes[3])
    change = gap_t - gap_b
    assert row["change"] == pytest.approx(change[0])
    assert row["ci_low"] == pytest.approx((change - np.hypot(gap_t - lt, hb - gap_b))[0])
    assert row["ci_high"] == pytest.approx((change + np.hypot(ht - gap_t, gap_b - lb))[0])
    pg = (args[0] + args[2]) / (sizes[0] + sizes[2])
    pr = (args[1] + args[3]) / (sizes[1] + sizes[3])
    var = pg * (1 - pg) * (1 / sizes[0] + 1 / sizes[2]) + pr * (1 - pr) * (
        1 / sizes[1] + 1 / sizes[3]
    )
    z = abs(change[0]) / math.sqrt(var[0])
    assert row["p_value"] == pytest.approx(math.erfc(z / math.sqrt(2)))
    # Holm over the whole family: the smallest p times the family size (capped at 1).
    family = report.changes["p_value"].dropna()
    assert report.comparisons_judged == len(family)
    smallest = report.changes.loc[family.idxmin()]
    assert smallest["p_value_adjusted"] == pytest.approx(min(1.0, family.min() * len(family)))
    assert set(report.changes["verdict"]) <= set(CHANGE_VERDICTS)


def test_below_min_n_is_too_few_to_judge(tmp_path: Path) -> None:
    """A group with fewer than min n people in a period is never judged."""
    path = tmp_path / "log.csv"
    make_log(7).to_csv(path, index=False)
    data = check_monitoring_data(
        load_decision_log(path, time_column="decided_at"), roles(protected=("race",))
    )
    report = compute_monitoring(
        data, MonitorSettings(attributes=("race",), min_n=100), period_reports=False
    )
    asian = report.changes[report.changes["group"] == "Asian"]  # about 60 a month
    assert (asian["verdict"] == "too few to judge").all()
    assert asian["p_value_adjusted"].isna().all()


def test_no_change_gives_no_alert_in_at_least_95_percent_of_runs() -> None:
    """200 seeded logs with nothing changed: at most 5% have any alert (Holm over the family)."""
    any_alert, _ = alert_rate(range(200))
    assert any_alert <= 0.05


def test_an_injected_drop_is_detected() -> None:
    """A selection-rate drop of 0.15 in a group of 24% from month 8: found in most runs."""
    _, power = alert_rate(range(100), drop_group=1, drop=0.15)
    assert power >= 0.8


@pytest.mark.slow
def test_no_change_false_alarm_rate_over_1000_runs() -> None:
    """The heavier version: 1,000 seeded logs, any alert in at most 5%."""
    any_alert, _ = alert_rate(range(1000))
    assert any_alert <= 0.05


def test_the_demo_alerts_exactly_where_the_change_is() -> None:
    """The monitoring demo: alerts for Black applicants from 2025-08 on, nowhere else."""
    log = load_decision_log(DEMO, time_column="decided_at", period="month")
    assert len(log.files) == 12
    assert sum(f.n_rows for f in log.files) == 18_000
    report = compute_monitoring(
        check_monitoring_data(log, DEMO_ROLES), MonitorSettings(attributes=("race",))
    )
    alerts = report.alerts
    assert alerts
    assert {a.group for a in alerts} == {"Black"}
    assert min(a.period for a in alerts) == "2025-08"
    selection = {a.period for a in alerts if a.metric == "selection_rate"}
    assert selection == {f"2025-{m:02d}" for m in range(8, 13)}
    assert all(a.change < 0 and a.ci_high < 0 for a in alerts)
    document = monitoring_to_dict(report)
    assert document["has_alert"] is True
    assert len(document["alerts"]) == len(alerts)
    html = render_monitoring(report, "html")
    assert "Content-Security-Policy" in html
    assert html.count('data-figure="figure-') == 6
    for file in log.files:
        assert file.sha256 in html
    assert "2025\\-08" in render_monitoring(report, "md")  # Markdown escapes the dash


def test_count_tables_add_up_to_the_rows(tmp_path: Path) -> None:
    """The period × group tables hold every row once (known outcomes and pending ones)."""
    path = tmp_path / "log.csv"
    frame = make_log(8, late=0.5)
    frame.to_csv(path, index=False)
    data = check_monitoring_data(
        load_decision_log(path, time_column="decided_at"), roles(protected=("race",))
    )
    counts = compute_period_counts(data, attributes=("race",))
    assert int(counts.n_rows().sum()) == len(frame)
    assert int(counts.n_known().sum()) == int(frame["repaid"].notna().sum())
    by_cell = frame.assign(p=frame["decided_at"].str[:7]).groupby(["p", "race"]).size()
    assert counts.n_rows().ravel().tolist() == by_cell.unstack().to_numpy().ravel().tolist()
