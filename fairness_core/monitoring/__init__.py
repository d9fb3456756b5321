"""Monitoring: fairness over time — the subgroup report per period, changes, drift and alerts.

- *decision log*: one row per decision with a time (or period) column, the decision or
  score, the protected attributes and, once it is known, the true outcome; one file, a
  folder or a glob of CSV / Parquet files (:func:`load_decision_log`), or a baseline file
  and a current file (:func:`load_baseline_and_current`);
- *period*: a day, ISO week, month or quarter (labels ``2026-03-14``, ``2026-W11``,
  ``2026-03``, ``2026-Q1``);
- *late outcome*: a row whose outcome has not arrived (an empty target cell). Selection
  rates use every row; error rates use the rows with a known outcome, and the report says
  how many (:func:`check_monitoring_data`);
- *count tables*: per period × group × cell, the only thing computed from the rows
  (:func:`compute_period_counts` → :class:`PeriodCounts`, and the rows per distinct score,
  :class:`ScoreCounts`); an engine for logs larger than memory fills the same arrays with a
  ``GROUP BY`` and calls :func:`compute_monitoring_from_counts`, as the memory path does;
- *per-period report*: :func:`fairness_core.metrics.compute_subgroup_report` on that
  period's counts — the Subgroups page's definitions, intervals and verdicts;
- *gap*: a group's rate minus the reference group's (held fixed over the log);
  *change*: a period's gap minus its baseline period's (the first, the previous, or a
  named period), with a MOVER interval and a verdict from :data:`CHANGE_VERDICTS`; p-values
  are adjusted over every period × group × metric (Holm), so the chance of any false alarm
  in a run is at most the significance level;
- *drift*: group composition (chi-square, PSI), base rate per group, score distribution per
  group (PSI, Kolmogorov–Smirnov), shown beside the changes and never alerting;
- *alert* (:class:`Alert`): a change with the verdict ``worse``.

Typical use::

    log = load_decision_log("decisions/*.parquet", time_column="decided_at", period="month")
    data = check_monitoring_data(log, ColumnRoles(target="repaid", positive_label="yes",
                                                  protected=("race",), prediction="approved"))
    report = compute_monitoring(data, MonitorSettings(attributes=("race",)))
    report.alerts, render_monitoring(report, "md"), plot_monitoring_trend(report, "selection_rate")

docs/monitoring.md states the statistics and the measured false-alarm rate and power.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fairness_core import lazy_exports

if TYPE_CHECKING:  # imported on first use: see fairness_core.lazy_exports
    from fairness_core.monitoring._changes import (
        CHANGE_COLUMNS,
        CHANGE_VERDICTS,
        GAP_COLUMNS,
    )
    from fairness_core.monitoring._counts import (
        MonitoringData,
        PeriodCounts,
        check_monitoring_data,
        compute_period_counts,
        data_notes,
    )
    from fairness_core.monitoring._drift import PSI_FLOOR, SCORE_BINS, psi
    from fairness_core.monitoring._log import (
        LOG_SUFFIXES,
        DecisionLog,
        LogFile,
        check_log_columns,
        check_same_columns,
        load_baseline_and_current,
        load_decision_log,
        log_file_names,
        period_column_labels,
        period_labels,
    )
    from fairness_core.monitoring._monitor import (
        ROUNDED_SCORES_NOTE,
        Alert,
        MonitoringReport,
        PeriodReport,
        compute_monitoring,
        compute_monitoring_from_counts,
        detect_changes,
        monitoring_to_dict,
    )
    from fairness_core.monitoring._periods import PERIODS, Period, sort_periods
    from fairness_core.monitoring._render import (
        MonitorFormat,
        build_monitoring_html,
        plot_monitoring_trend,
        render_monitoring,
    )
    from fairness_core.monitoring._scores import KS_EXACT_N, ScoreCounts, score_drift_from_counts
    from fairness_core.monitoring._settings import (
        DECISION_METRICS,
        DEFAULT_MONITOR_METRICS,
        MonitorSettings,
    )

__all__ = [
    "CHANGE_COLUMNS",
    "CHANGE_VERDICTS",
    "DECISION_METRICS",
    "DEFAULT_MONITOR_METRICS",
    "GAP_COLUMNS",
    "KS_EXACT_N",
    "LOG_SUFFIXES",
    "PERIODS",
    "PSI_FLOOR",
    "ROUNDED_SCORES_NOTE",
    "SCORE_BINS",
    "Alert",
    "DecisionLog",
    "LogFile",
    "MonitorFormat",
    "MonitorSettings",
    "MonitoringData",
    "MonitoringReport",
    "Period",
    "PeriodCounts",
    "PeriodReport",
    "ScoreCounts",
    "build_monitoring_html",
    "check_log_columns",
    "check_monitoring_data",
    "check_same_columns",
    "compute_monitoring",
    "compute_monitoring_from_counts",
    "compute_period_counts",
    "data_notes",
    "detect_changes",
    "load_baseline_and_current",
    "load_decision_log",
    "log_file_names",
    "monitoring_to_dict",
    "period_column_labels",
    "period_labels",
    "plot_monitoring_trend",
    "psi",
    "render_monitoring",
    "score_drift_from_counts",
    "sort_periods",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, __file__)
