"""The Monitoring page's cached calls: the decision log, the monitoring report, its exports.

A log is a tuple of ``(file name, bytes)`` pairs — the monitoring demo's twelve monthly
files or the reviewer's uploads — so every call is keyed by the files' content (their
SHA-256, by :func:`components.keyed_cache.cached`) and the settings, never by who asked.
Results are frozen core objects shared read-only between sessions.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePath

import pandas as pd
import streamlit as st

from components import server_cache
from components.keyed_cache import cached
from fairness_core.data import ColumnRoles, Dataset, load_dataset, suggest_roles
from fairness_core.engines import (
    DataSource,
    LogOverview,
    distinct_values,
    log_overview,
    monitor_source,
    open_server_source,
)
from fairness_core.monitoring import (
    DecisionLog,
    MonitoringReport,
    MonitorSettings,
    Period,
    build_monitoring_html,
    check_monitoring_data,
    compute_monitoring,
    load_decision_log,
    render_monitoring,
)

#: A decision log as the page holds it: (file name, bytes) per file.
LogFiles = tuple[tuple[str, bytes], ...]

#: The monitoring demo's files (demo_data/README.md, "Monitoring demo").
DEMO_DIR = Path(__file__).resolve().parents[1] / "demo_data" / "monitoring" / "decisions"
DEMO_TITLE = "A year of loan decisions (demo)"
#: The demo's documented columns (as `fairness-explorer monitor` is run on it).
DEMO_CHOICES: dict[str, object] = {
    "time_column": "decided_at",
    "period": "month",
    "protected": ["race"],
    "decision_source": "score",
    "score": "score",
    "prediction": "approved",
    "threshold": 0.5,
    "target": "repaid",
    "positive": "1",
}

_TIME_NAME = re.compile(r"(date|time|_at$|^at_|when|timestamp|decided|created)", re.IGNORECASE)
_PERIOD_NAME = re.compile(r"(period|month|quarter|week)", re.IGNORECASE)
#: Names of decision columns a role guess may take for an outcome ("approved").
_DECISION_NAME = re.compile(r"(approv|decision|accept|grant|select|hired|pred)", re.IGNORECASE)


@dataclass(frozen=True)
class LogPreview:
    """What the settings need before the log is cut into periods: its columns and guesses."""

    columns: tuple[str, ...]
    time_column: str | None
    period_column: str | None
    target: str | None
    positive_label: str | None
    prediction: str | None
    score: str | None
    protected: tuple[str, ...]


@st.cache_data(show_spinner=False, max_entries=2)
def demo_files() -> LogFiles:
    """The monitoring demo's files, in month order."""
    return tuple((path.name, path.read_bytes()) for path in sorted(DEMO_DIR.glob("*.csv")))


def log_identity(files: LogFiles, *, title: str | None = None) -> tuple[str, str]:
    """A name for the log (``title``, or its files) and one SHA-256 over its files'
    (name, SHA-256), recorded with the findings pinned on it."""
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(f"{name}\0{hashlib.sha256(data).hexdigest()}\n".encode())
    if title is not None:
        name = f"{title}, {len(files)} files"
    elif len(files) == 1:
        name = files[0][0]
    else:
        shown = ", ".join(n for n, _ in files[:3])
        name = f"{len(files)} files: {shown}" + (" …" if len(files) > 3 else "")
    return name, digest.hexdigest()


@cached(spinner="Reading the first file…", max_entries=8, kind="resource")
def preview_log(files: LogFiles) -> LogPreview:
    """The first file's columns and the suggested roles (a time column by name or type)."""
    name, data = files[0]
    first: Dataset = load_dataset(data, filename=_safe_name(name))
    return _preview_of(first.frame)


def _preview_of(frame: pd.DataFrame) -> LogPreview:
    columns = tuple(str(c) for c in frame.columns)
    dated = [c for c in columns if str(frame[c].dtype).startswith("datetime")]
    named = [c for c in columns if _TIME_NAME.search(c)]
    periodic = [c for c in columns if _PERIOD_NAME.search(c)]
    roles = suggest_roles(frame)
    positive = None if roles.positive_label is None else str(roles.positive_label)
    target, prediction = roles.target, roles.prediction
    if target and not prediction and not roles.score and _DECISION_NAME.search(target):
        target, prediction, positive = None, target, None  # a log of decisions only
    return LogPreview(
        columns=columns,
        time_column=next(iter(dated or named), None),
        period_column=next(iter(periodic), None),
        target=target,
        positive_label=positive,
        prediction=prediction,
        score=roles.score,
        protected=tuple(roles.protected),
    )


@cached(spinner="Reading the decision log…", max_entries=8, kind="resource")
def decision_log(
    files: LogFiles, *, time_column: str | None, period_column: str | None, period: Period
) -> DecisionLog:
    """The log cut into periods (the core's loader, on the files written to a private
    folder: each file keeps its own name, so messages and the report name it)."""
    with tempfile.TemporaryDirectory(prefix="fe-monitor-") as folder:
        paths = []
        for index, (name, data) in enumerate(files):
            place = Path(folder) / f"{index:04d}"
            place.mkdir()
            path = place / _safe_name(name)
            path.write_bytes(data)
            paths.append(path)
        return load_decision_log(
            paths, time_column=time_column, period_column=period_column, period=period
        )


@cached(spinner=False, max_entries=32, kind="resource")
def column_values(log: DecisionLog, column: str) -> tuple[str, ...]:
    """The distinct non-empty values of ``column`` as text, sorted (for the favourable one)."""
    values = log.frame[column].dropna().astype(str).unique().tolist()
    return tuple(sorted(values)[:50])


@cached(spinner="Computing the monitoring report…", max_entries=16, kind="resource")
def monitoring_report(
    log: DecisionLog, roles: ColumnRoles, settings: MonitorSettings
) -> MonitoringReport:
    """The monitoring report of ``log`` under ``roles`` and ``settings``."""
    return compute_monitoring(check_monitoring_data(log, roles), settings)


# -- a log on the server (the operator's allowed folders), counted by DuckDB ------------
# Keyed by the resolved path and the files' SHA-256 (components.server_cache), so a changed
# log is counted again and one reviewer's log is never another's.


def _server_source(path: str) -> DataSource:
    return open_server_source(server_cache.server_roots(), path)


@cached(spinner="Reading the first rows…", max_entries=8, kind="resource")
def server_log_preview(path: str, sha256: str) -> LogPreview:
    """The server log's columns and the suggested roles, from its first rows."""
    return _preview_of(server_cache.server_preview(path, sha256))


@cached(spinner="Counting the log's periods…", max_entries=16, kind="resource")
def server_log_overview(
    path: str, sha256: str, time_column: str | None, period_column: str | None, period: Period
) -> LogOverview:
    """The server log's rows and periods."""
    return log_overview(
        _server_source(path), time_column=time_column, period_column=period_column, period=period
    )


@cached(spinner=False, max_entries=32, kind="resource")
def server_column_values(path: str, sha256: str, column: str) -> tuple[str, ...]:
    """The distinct non-empty values of ``column`` in the server log (for the favourable one)."""
    return distinct_values(_server_source(path), column)


@cached(spinner="Computing the monitoring report from every row…", max_entries=16,
        kind="resource")  # fmt: skip
def server_monitoring_report(
    path: str,
    sha256: str,
    roles: ColumnRoles,
    settings: MonitorSettings,
    time_column: str | None,
    period_column: str | None,
    period: Period,
) -> MonitoringReport:
    """The monitoring report of every row of the server log (DuckDB)."""
    return monitor_source(
        _server_source(path), roles, settings, time_column=time_column,
        period_column=period_column, period=period, engine="duckdb",
    )  # fmt: skip


@cached(spinner="Building the HTML monitoring report…", max_entries=4)
def monitoring_html(report: MonitoringReport) -> bytes:
    """The self-contained HTML monitoring report (what `monitor --format html` writes)."""
    return build_monitoring_html(report).encode("utf-8")


@cached(spinner=False, max_entries=8)
def monitoring_json(report: MonitoringReport) -> bytes:
    """The monitoring report as JSON (what `monitor --format json` writes)."""
    return render_monitoring(report, "json").encode("utf-8")


def _safe_name(name: str) -> str:
    """An uploaded file's name without folders (a browser may send 'a/b.csv')."""
    base = PurePath(name.replace("\\", "/")).name.strip()
    return base if base and base not in (".", "..") else "uploaded file.csv"
