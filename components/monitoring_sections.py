"""The Monitoring page's result sections: alerts, trend charts, the changes, drift, downloads.

Each section draws the core's :class:`~fairness_core.monitoring.MonitoringReport` as it is
(the numbers are the report's, only renamed to plain column titles) and carries an "Add to
findings" control that records the decision log's name and SHA-256 with the finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import monitoring_cache as mc
from components.charts import render_chart
from components.findings import render_add_to_findings
from fairness_core.escaping import escape_markdown
from fairness_core.metrics import METRICS
from fairness_core.monitoring import CHANGE_VERDICTS, Alert, MonitoringReport, plot_monitoring_trend

PAGE = "Monitoring"
#: The changes table's columns, in order, with their plain titles.
CHANGE_TITLES: Mapping[str, str] = {
    "metric": "Metric",
    "group": "Group",
    "reference": "Compared with",
    "period": "Period",
    "baseline": "Baseline period",
    "value": "Group's rate",
    "reference_value": "Reference's rate",
    "gap": "Gap",
    "baseline_gap": "Gap in the baseline period",
    "change": "Change in the gap",
    "ci_low": "Change: 95% low",
    "ci_high": "Change: 95% high",
    "p_value_adjusted": "Adjusted p-value",
    "verdict": "Verdict",
    "group_effective_n": "People in the group",
    "reference_effective_n": "People in the reference",
}
COMPOSITION_TITLES: Mapping[str, str] = {
    "period": "Period",
    "baseline": "Baseline period",
    "chi2": "Chi-square",
    "p_value": "p-value",
    "psi": "PSI",
}
SCORE_TITLES: Mapping[str, str] = {
    "period": "Period",
    "group": "Group",
    "n": "Rows",
    "mean": "Mean score",
    "median": "Median score",
    "baseline": "Baseline period",
    "psi": "PSI",
    "ks_statistic": "Kolmogorov–Smirnov distance",
    "ks_p_value": "Kolmogorov–Smirnov p-value",
}
BASE_RATE_TITLES: Mapping[str, str] = {
    "period": "Period",
    "group": "Group",
    "n_known": "Known outcomes",
    "base_rate": "Base rate",
    "baseline": "Baseline period",
    "change": "Change since the baseline",
    "ci_low": "Change: 95% low",
    "ci_high": "Change: 95% high",
}
TREND_TITLES: Mapping[str, str] = {
    "period": "Period",
    "group": "Group",
    "reference": "Compared with",
    "gap": "Gap",
    "value": "Rate",
    "n": "People",
    "ci_low": "95% low",
    "ci_high": "95% high",
}


def plain(table: pd.DataFrame, titles: Mapping[str, str]) -> pd.DataFrame:
    """``table``'s columns named in ``titles``, in that order, under their plain titles."""
    kept = [c for c in titles if c in table.columns]
    shown = table[kept].rename(columns=dict(titles))
    if "Metric" in shown.columns:
        shown["Metric"] = shown["Metric"].map(lambda m: METRICS[m].title if m in METRICS else m)
    return shown.reset_index(drop=True)


def _number_formats(table: pd.DataFrame, decimals: int = 3) -> dict[str, Any]:
    """Number columns shown with ``decimals`` decimals (p-values with 4)."""
    formats: dict[str, Any] = {}
    for column in table.columns:
        if pd.api.types.is_float_dtype(table[column]):
            places = 4 if "p-value" in column or column == "PSI" else decimals
            formats[column] = st.column_config.NumberColumn(column, format=f"%.{places}f")
    return formats


def render_table_view(
    key: str,
    *,
    title: str,
    sentence: str,
    table: pd.DataFrame,
    data: tuple[str, str],
    settings: Mapping[str, object],
    figure: go.Figure | None = None,
) -> None:
    """Chart (if any), caption, table with plain titles, then "Add to findings"."""
    if figure is not None:
        render_chart(figure, key=f"{key}_chart")
    st.caption(escape_markdown(sentence))
    st.dataframe(table, hide_index=True, key=f"{key}_table", column_config=_number_formats(table))
    render_add_to_findings(
        key,
        title=title,
        page=PAGE,
        summary=sentence,
        figure=figure,
        table=table,
        settings=settings,
        data=data,
    )


def alert_title(alert: Alert) -> str:
    """A finding's suggested title for an alert."""
    return f"Alert: {METRICS[alert.metric].title} of {alert.group} got worse in {alert.period}"


def render_alerts(
    report: MonitoringReport, *, data: tuple[str, str], settings: Mapping[str, object]
) -> None:
    """The alerts as plain sentences, each pinnable; or what was checked and found fine."""
    st.subheader("Alerts")
    alerts = report.alerts
    s = report.settings
    checked = (
        f"{report.comparisons_judged} comparisons were judged: "
        f"{len(s.metrics or ())} metrics × the groups × {len(report.periods) - 1} periods, each "
        f"against {_baseline_words(s.baseline)}, with a {s.alpha:g} chance of any false alarm "
        "in the whole run."
    )
    if report.comparisons_judged == 0:
        st.warning(
            "No change could be judged, so this run says nothing either way: no group and "
            f"reference had at least {s.min_n} people measured in two periods. The reasons "
            "the data gave are below; fix them, lower the minimum, or choose longer periods.",
            icon=":material/warning:",
        )
        for reason in dict.fromkeys(_reason(n) for n in report.notes[:6]):
            st.warning(escape_markdown(reason), icon=":material/info:")
        return
    if not alerts:
        st.success(f"No group got detectably worse. {checked}", icon=":material/check_circle:")
        return
    st.markdown(
        f"**{len(alerts)} alert{'s' if len(alerts) != 1 else ''}**: a group's gap to the "
        f"reference moved the harmful way by more than chance explains. {checked}"
    )
    changes = report.changes
    for index, alert in enumerate(alerts):
        st.error(escape_markdown(alert.describe()), icon=":material/trending_down:")
        row = changes[
            (changes["metric"] == alert.metric)
            & (changes["group"] == alert.group)
            & (changes["period"] == alert.period)
        ]
        render_add_to_findings(
            f"monitoring.alert_{index}",
            title=alert_title(alert),
            page=PAGE,
            summary=alert.describe(),
            table=plain(row, CHANGE_TITLES),
            settings=settings,
            data=data,
        )


def _reason(note: str) -> str:
    """A note without its period prefix ("2025-01: no subgroup report. …" → "…")."""
    head, _, rest = note.partition(": no subgroup report. ")
    return rest if rest and " " not in head else note


def _baseline_words(baseline: str) -> str:
    if baseline == "first":
        return "the first period"
    if baseline == "previous":
        return "the period before it"
    return f"{baseline}"


def render_trends(
    report: MonitoringReport,
    kind: Literal["gap", "rate"],
    *,
    data: tuple[str, str],
    settings: Mapping[str, object],
) -> None:
    """One trend chart per monitored metric: groups as lines, intervals as bands."""
    st.subheader("Trends")
    for metric in report.settings.metrics or ():
        spec = METRICS[metric]
        reference = report.references.get(metric, "the reference group")
        figure = plot_monitoring_trend(report, metric, kind=kind)
        if kind == "gap":
            rows = report.gaps[report.gaps["metric"] == metric]
            sentence = (
                f"{spec.title}: each group's gap to {reference} (its rate minus theirs) per "
                "period, with 95% bands; the dashed line is the rule's line (a difference of "
                "0.1 on the side that harms the group), crosses mark alerts."
            )
        else:
            rows = report.trends[report.trends["metric"] == metric]
            sentence = f"{spec.title} of each group per period, with 95% bands."
        if rows.empty:
            st.caption(f"{spec.title}: nothing to draw; no group could be measured.")
            continue
        render_table_view(
            f"monitoring.trend_{metric}",
            title=f"{spec.title} over time",
            sentence=sentence,
            table=plain(rows, TREND_TITLES),
            figure=figure,
            data=data,
            settings=settings,
        )


def render_changes(
    report: MonitoringReport, *, data: tuple[str, str], settings: Mapping[str, object]
) -> None:
    """Every change in the gap with its interval and verdict."""
    st.subheader("Changes in the gap")
    render_table_view(
        "monitoring.changes",
        title="Changes in the gap since the baseline",
        sentence=(
            "Each group's gap to the reference in a period minus its gap in the baseline "
            "period, with a 95% interval. The verdict uses p-values adjusted over every "
            "period, group and metric together."
        ),
        table=plain(report.changes, CHANGE_TITLES),
        data=data,
        settings=settings,
    )
    with st.expander("What the verdicts mean"):
        for word, meaning in CHANGE_VERDICTS.items():
            st.markdown(f"- **{word}**: {meaning}")


def render_drift(
    report: MonitoringReport, *, data: tuple[str, str], settings: Mapping[str, object]
) -> None:
    """Group composition, base rates and score distributions per period (never alerting)."""
    st.subheader("Who is being decided on: population drift")
    st.caption(
        "Shown beside the gaps; drift never raises an alert by itself. PSI (population "
        "stability index) below 0.1 is usually read as little shift, 0.1–0.25 moderate, "
        "above 0.25 large."
    )
    render_table_view(
        "monitoring.composition",
        title="Group composition over time",
        sentence="How the mix of groups in each period compares with its baseline period "
        "(chi-square test and PSI).",
        table=plain(report.composition, COMPOSITION_TITLES),
        data=data,
        settings=settings,
    )
    if report.base_rates is not None:
        render_table_view(
            "monitoring.base_rates",
            title="Base rate per group over time",
            sentence="The share of favourable true outcomes per group and period (rows whose "
            "outcome is known), and its change since the baseline period.",
            table=plain(report.base_rates, BASE_RATE_TITLES),
            data=data,
            settings=settings,
        )
    if report.score_summary is not None and report.score_drift is not None:
        merged = report.score_summary.merge(report.score_drift, on=["period", "group"], how="left")
        render_table_view(
            "monitoring.score_drift",
            title="Score distribution per group over time",
            sentence="Each group's scores per period and how far their distribution moved "
            "from the baseline period (PSI and the Kolmogorov–Smirnov distance).",
            table=plain(merged, SCORE_TITLES),
            data=data,
            settings=settings,
        )


def render_downloads(report: MonitoringReport) -> None:
    """The HTML monitoring report (built when clicked) and the JSON."""
    st.subheader("Download")
    left, right = st.columns(2)
    left.download_button(
        "HTML monitoring report",
        data=lambda: mc.monitoring_html(report),
        file_name="fairness-monitoring.html",
        mime="text/html",
        key="monitoring.download_html",
        on_click="ignore",
        icon=":material/download:",
        help="Trend charts, alerts, the changes, drift and every file with its SHA-256; "
        "opens offline in any browser (the same file as `fairness-explorer monitor "
        "--format html`).",
    )
    right.download_button(
        "Monitoring JSON",
        data=lambda: mc.monitoring_json(report),
        file_name="fairness-monitoring.json",
        mime="application/json",
        key="monitoring.download_json",
        on_click="ignore",
        icon=":material/download:",
        help="Every number of the report (the same as `fairness-explorer monitor --format json`).",
    )
