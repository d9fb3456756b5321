"""Monitoring: is any group treated worse than before? A decision log, period by period."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components import monitoring_cache as mc
from components import server_cache, state
from components.errors import render_error
from components.monitoring_sections import (
    render_alerts,
    render_changes,
    render_downloads,
    render_drift,
    render_trends,
)
from components.router import ensure_routed
from fairness_core.data import ColumnRoles
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.metrics import METRICS
from fairness_core.monitoring import (
    DECISION_METRICS,
    DEFAULT_MONITOR_METRICS,
    PERIODS,
    MonitorSettings,
)

ensure_routed()

SOURCES = {
    "demo": mc.DEMO_TITLE,
    "upload": "My decision-log files",
    "server": "A log on the server",
}
TIME_KINDS = {"time": "A date or time column", "period": "A column that names the period"}
PERIOD_TITLES = {"day": "Day", "week": "Week", "month": "Month", "quarter": "Quarter"}
BASELINES = {
    "first": "The first period",
    "previous": "The period before it",
    "named": "A period I choose",
}
DECISION_SOURCES = {"score": "A score and a threshold", "prediction": "A decision column"}
NO_OUTCOME = ""
#: Rate metrics with a direction that harms a group: the ones a change can be judged on.
MONITORABLE = tuple(n for n, s in METRICS.items() if s.kind == "rate" and s.harmful)


def keep_valid(key: str, options: Sequence[object]) -> None:
    """Drop a kept choice that the current log does not offer (a column of another log)."""
    value = st.session_state.get(key)
    if isinstance(value, list):
        st.session_state[key] = [v for v in value if v in options]
    elif value is not None and value not in options:
        del st.session_state[key]


st.title("Monitoring")
st.caption(
    "Is any group treated worse than before? Give a log of decisions over time; each period "
    "(month, week …) gets the Subgroups page's report, and each group's gap to a reference "
    "group is compared with a baseline period. An alert means a gap moved the harmful way by "
    "more than chance explains, with the false-alarm rate kept under control for the whole run."
)

# --- The decision log -----------------------------------------------------------------
# A log on the server is offered only when the operator allowed folders (--server-data).
offered = [k for k in SOURCES if k != "server" or server_cache.server_roots()]
keep_valid(state.MONITORING_SOURCE, offered)
source = st.radio(
    "Decision log",
    offered,
    format_func=SOURCES.__getitem__,
    key=state.MONITORING_SOURCE,
    persist_state="session",
    horizontal=True,
)
files: mc.LogFiles = ()
server_path: str | None = None
if source == "server":
    entries = server_cache.server_listing(server_cache.server_roots())
    places = {str(e.path): e.label for e in entries}
    if not places:
        st.info(
            "The folders this app may read hold no CSV or Parquet files. Ask the operator "
            "to put the decision log there, or upload the files instead."
        )
        st.stop()
    keep_valid(state.MONITORING_SERVER_PATH, list(places))
    server_path = st.selectbox(
        "Decision log on the server",
        list(places),
        index=None,
        format_func=lambda p: places.get(p, p),
        placeholder="Choose a file or folder",
        key=state.MONITORING_SERVER_PATH,
        persist_state="session",
        help="Files and folders the operator allows this app to read. A folder is read "
        "whole, with its sub-folders (such as month=2025-03/) as columns. Every row is "
        "counted on the server; the log is never loaded into the app.",
    )
    if server_path is None:
        st.info("Choose the decision log: a file or a folder of CSV or Parquet files.")
        st.stop()
    try:
        log_data = (places[server_path], server_cache.server_sha256(server_path))
    except FairnessCoreError as exc:
        render_error(exc)
        st.stop()
elif source == "upload":
    uploads = st.file_uploader(
        "Decision-log files (CSV or Parquet)",
        type=["csv", "parquet", "pq"],
        accept_multiple_files=True,
        key=state.MONITORING_UPLOAD,
        help="Several files at once (one per month, say) with the same columns, or one file "
        "with a date column. Each row is one decision: its date, the decision or score, the "
        "protected attributes and, when it is known, the true outcome (may be empty).",
    )
    if uploads:
        state.set_monitoring_files([(u.name, u.getvalue()) for u in uploads])
    files = state.get_monitoring_files()
    if not files:
        st.info(
            "Upload the decision log: one or more CSV or Parquet files with the same columns. "
            f"Or choose “{mc.DEMO_TITLE}” above to see how monitoring works."
        )
        st.stop()
    if not uploads:
        st.caption(f"Using the {len(files)} file(s) uploaded earlier in this session.")
else:
    files = mc.demo_files()
if server_path is None:
    log_data = mc.log_identity(files, title=mc.DEMO_TITLE if source == "demo" else None)

try:
    if server_path is not None:
        preview = mc.server_log_preview(server_path, log_data[1])
    else:
        preview = mc.preview_log(files)
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()

if source == "demo":
    suggested = dict(mc.DEMO_CHOICES)
    suggested["time_kind"] = "time"
else:
    has_time = preview.time_column is not None or preview.period_column is None
    suggested = {
        "time_kind": "time" if has_time else "period",
        "time_column": preview.time_column if has_time else preview.period_column,
        "period": "month",
        "protected": list(preview.protected[:1]),
        "decision_source": "score" if preview.score and not preview.prediction else "prediction",
        "score": preview.score,
        "prediction": preview.prediction,
        "threshold": 0.5,
        "target": preview.target or NO_OUTCOME,
        "positive": preview.positive_label,
    }
suggested["baseline"] = "first"
suggested["metrics"] = list(DEFAULT_MONITOR_METRICS if suggested["target"] else DECISION_METRICS)
state.seed_monitoring_choices(
    log_data[1],
    {
        state.MONITORING_TIME_KIND: suggested["time_kind"],
        state.MONITORING_TIME_COLUMN: suggested["time_column"],
        state.MONITORING_PERIOD: suggested["period"],
        state.MONITORING_BASELINE: suggested["baseline"],
        state.MONITORING_PROTECTED: suggested["protected"],
        state.MONITORING_DECISION_SOURCE: suggested["decision_source"],
        state.MONITORING_SCORE: suggested["score"],
        state.MONITORING_PREDICTION: suggested["prediction"],
        state.MONITORING_THRESHOLD: suggested["threshold"],
        state.MONITORING_TARGET: suggested["target"],
        state.MONITORING_POSITIVE: suggested["positive"],
        state.MONITORING_METRICS: suggested["metrics"],
    },
)

columns = list(preview.columns)
settings_box = st.expander(
    "Settings: columns, periods and rules"
    + (" (filled in for the demo)" if source == "demo" else ""),
    expanded=source != "demo",
    icon=":material/tune:",
)
with settings_box:
    st.markdown("**Time**")
    left, middle, right = st.columns(3)
    time_kind = left.radio(
        "Each decision's time is given by",
        list(TIME_KINDS),
        format_func=TIME_KINDS.__getitem__,
        key=state.MONITORING_TIME_KIND,
        persist_state="session",
    )
    keep_valid(state.MONITORING_TIME_COLUMN, columns)
    time_column = middle.selectbox(
        "Date column" if time_kind == "time" else "Period column",
        columns,
        key=state.MONITORING_TIME_COLUMN,
        persist_state="session",
        help="The date (and time) of each decision, e.g. 2025-03-14 or 2025-03-14T09:30."
        if time_kind == "time"
        else "A column whose values are the periods, written so that they sort (2025-03).",
    )
    period = right.selectbox(
        "Period",
        list(PERIODS),
        format_func=PERIOD_TITLES.__getitem__,
        key=state.MONITORING_PERIOD,
        persist_state="session",
        disabled=time_kind != "time",
        help="How long each period is; every period is compared with the baseline period.",
    )

log_time = time_column if time_kind == "time" else None
log_period = time_column if time_kind == "period" else None
log = None
try:
    if server_path is not None:
        overview = mc.server_log_overview(server_path, log_data[1], log_time, log_period, period)
        n_rows, periods = overview.rows, overview.periods
    else:
        log = mc.decision_log(files, time_column=log_time, period_column=log_period, period=period)
        n_rows, periods = log.n_rows, log.periods
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()

st.caption(
    escape_markdown(
        f"{n_rows:,} decisions ({log_data[0]}), {len(periods)} periods from "
        f"{periods[0]} to {periods[-1]}."
        + (" Every row is counted on the server." if server_path is not None else "")
    )
)

others = [c for c in columns if c != time_column]
with settings_box:
    st.markdown("**Who, what was decided, and what happened**")
    left, right = st.columns(2)
    keep_valid(state.MONITORING_PROTECTED, others)
    protected = left.multiselect(
        "Protected attributes",
        others,
        key=state.MONITORING_PROTECTED,
        persist_state="session",
        help="Two or more are combined into intersections (gender × race).",
    )
    decision_source = left.radio(
        "The decision comes from",
        list(DECISION_SOURCES),
        format_func=DECISION_SOURCES.__getitem__,
        key=state.MONITORING_DECISION_SOURCE,
        persist_state="session",
        horizontal=True,
    )
    score = prediction = None
    threshold = 0.5
    if decision_source == "score":
        keep_valid(state.MONITORING_SCORE, others)
        score = left.selectbox(
            "Score column", others, key=state.MONITORING_SCORE, persist_state="session"
        )
        threshold = left.number_input(
            "Threshold (a score at or above it is a favourable decision)",
            step=0.01,
            format="%.3f",
            key=state.MONITORING_THRESHOLD,
            persist_state="session",
        )
    else:
        keep_valid(state.MONITORING_PREDICTION, others)
        prediction = left.selectbox(
            "Decision column",
            others,
            key=state.MONITORING_PREDICTION,
            persist_state="session",
            help="1 (or the favourable value) when the decision was favourable.",
        )
    keep_valid(state.MONITORING_TARGET, [NO_OUTCOME, *others])
    target = right.selectbox(
        "True outcome (optional)",
        [NO_OUTCOME, *others],
        format_func=lambda c: c or "No outcome column: monitor decisions only",
        key=state.MONITORING_TARGET,
        persist_state="session",
        help="What really happened (repaid, performed well). Cells may be empty where the "
        "outcome is not known yet: error rates then use the rows whose outcome is known.",
    )
    positive = None
    if target:
        try:
            if log is not None:
                values = mc.column_values(log, target)
            elif server_path is not None:
                values = mc.server_column_values(server_path, log_data[1], target)
        except FairnessCoreError as exc:
            render_error(exc)
            st.stop()
        keep_valid(state.MONITORING_POSITIVE, values)
        positive = right.selectbox(
            "Favourable outcome",
            values,
            key=state.MONITORING_POSITIVE,
            persist_state="session",
        )

    st.markdown("**What to compare, and how strictly**")
    left, right = st.columns(2)
    usable = [m for m in MONITORABLE if target or m in DECISION_METRICS]
    keep_valid(state.MONITORING_METRICS, usable)
    metrics = left.multiselect(
        "Metrics",
        usable,
        format_func=lambda m: METRICS[m].title,
        key=state.MONITORING_METRICS,
        persist_state="session",
        help="Watching fewer metrics finds smaller changes: the false-alarm control covers "
        "every metric, group and period together.",
    )
    baseline_kind = left.radio(
        "Compare each period with",
        list(BASELINES),
        format_func=BASELINES.__getitem__,
        key=state.MONITORING_BASELINE,
        persist_state="session",
        horizontal=True,
    )
    baseline = baseline_kind
    if baseline_kind == "named":
        keep_valid(state.MONITORING_BASELINE_PERIOD, periods)
        baseline = left.selectbox(
            "Baseline period",
            list(periods),
            key=state.MONITORING_BASELINE_PERIOD,
            persist_state="session",
        )
    min_n = right.number_input(
        "Minimum people to judge a change",
        min_value=1,
        max_value=100_000,
        value=30,
        step=1,
        key=state.MONITORING_MIN_N,
        persist_state="session",
        help="A change is judged only when the group and the reference each have at least "
        "this many people measured in both periods.",
    )
    alpha = right.number_input(
        "Chance of any false alarm in the whole run",
        min_value=0.001,
        max_value=0.2,
        value=0.05,
        step=0.005,
        format="%.3f",
        key=state.MONITORING_ALPHA,
        persist_state="session",
        help="Holm's correction over every period, group and metric keeps the chance of "
        "raising any alert when nothing changed at or below this level.",
    )

if not protected or not metrics:
    st.info("Choose at least one protected attribute and one metric (in the settings above).")
    st.stop()

roles = ColumnRoles(
    target=target or "",
    positive_label=positive,
    protected=tuple(protected),
    source="score" if decision_source == "score" else "prediction",
    prediction=prediction,
    score=score,
    threshold=float(threshold),
)
settings = MonitorSettings(
    attributes=tuple(protected),
    metrics=tuple(metrics),
    baseline=baseline,
    min_n=int(min_n),
    alpha=float(alpha),
)
try:
    if log is not None:
        report = mc.monitoring_report(log, roles, settings)
    elif server_path is not None:
        report = mc.server_monitoring_report(
            server_path, log_data[1], roles, settings, log_time, log_period, period
        )
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()

finding_settings: dict[str, object] = {
    "decision log": log_data[0],
    "period": PERIOD_TITLES[period].lower() if time_kind == "time" else f"column {time_column}",
    "compared with": BASELINES[baseline_kind] if baseline_kind != "named" else baseline,
    "protected attributes": list(protected),
    "metrics": [METRICS[m].title for m in metrics],
    "minimum people": int(min_n),
    "false-alarm rate": float(alpha),
}

# --- Results --------------------------------------------------------------------------
render_alerts(report, data=log_data, settings=finding_settings)
chart_kind = st.radio(
    "Charts show",
    ["gap", "rate"],
    format_func={"gap": "Each group's gap to the reference", "rate": "Each group's rate"}.get,
    key=state.MONITORING_CHART_KIND,
    persist_state="session",
    horizontal=True,
)
render_trends(report, "rate" if chart_kind == "rate" else "gap", data=log_data,
              settings=finding_settings)  # fmt: skip
render_changes(report, data=log_data, settings=finding_settings)
render_drift(report, data=log_data, settings=finding_settings)
if report.notes:
    with st.expander("Notes on the data"):
        for note in report.notes:
            st.markdown(f"- {escape_markdown(note)}")
render_downloads(report)
