"""The monitoring report: the subgroup report per period, changes in the gaps, drift, alerts.

:func:`compute_monitoring` takes validated log data (:func:`check_monitoring_data`) and
:class:`MonitorSettings`, counts once per period × group (:func:`compute_period_counts`),
and derives:

- per period, the subgroup report of :func:`fairness_core.metrics.compute_subgroup_report`
  on that period's counts, twice: ``decisions`` on every row (count, share, selection
  rate) and ``outcomes`` on the rows whose outcome is known (base rate and the monitored
  error-rate metrics) — the same definitions, intervals and verdicts as the Subgroups page;
- the trends (each group's value per period with its Jeffreys interval), the gaps to a
  fixed reference per period, and each period's change in the gap against its baseline
  with a verdict (:mod:`._changes`);
- drift beside it: group composition, base rate and scores per group (:mod:`._drift`);
- *alerts*: every change with the verdict ``worse``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fairness_core.errors import FairnessCoreError
from fairness_core.formatting import format_number, to_json_value
from fairness_core.metrics import (
    METRICS,
    GroupCounts,
    SubgroupReport,
    compute_subgroup_report,
    report_to_dict,
)
from fairness_core.monitoring._changes import CHANGE_VERDICTS, baseline_of, compute_changes
from fairness_core.monitoring._counts import (
    MonitoringData,
    PeriodCounts,
    compute_period_counts,
    group_codes,
)
from fairness_core.monitoring._drift import base_rate_drift, composition_drift
from fairness_core.monitoring._log import LogFile
from fairness_core.monitoring._scores import ScoreCounts, score_drift_from_counts
from fairness_core.monitoring._settings import (
    DECISION_METRICS,
    DEFAULT_MONITOR_METRICS,
    MonitorSettings,
    check_settings,
)

__all__ = [
    "ROUNDED_SCORES_NOTE",
    "Alert",
    "MonitoringReport",
    "PeriodReport",
    "compute_monitoring",
    "compute_monitoring_from_counts",
    "detect_changes",
    "monitoring_to_dict",
]

_DESCRIPTIVE_DECISIONS = ("count", "share")
#: The report's note when an engine rounded the scores (too many distinct scores to fetch).
ROUNDED_SCORES_NOTE = (
    "The score summary and the score drift (mean, percentiles, PSI and the "
    "Kolmogorov-Smirnov test) used the scores rounded down to 3 decimals (0.7346 counted as "
    "0.734), because the log holds too many different scores to compare them exactly; these "
    "numbers can differ slightly from an exact run. The decisions, gaps, changes and alerts "
    "are exact: they use the scores themselves."
)


@dataclass(frozen=True)
class PeriodReport:
    """One period: its rows, and the subgroup report on them (None with the reason why)."""

    period: str
    n_rows: int
    n_known: int
    decisions: SubgroupReport | None = field(repr=False, compare=False)
    outcomes: SubgroupReport | None = field(repr=False, compare=False)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alert:
    """A change that harms a group: the gap moved the harmful way by more than chance."""

    metric: str
    group: str
    reference: str
    period: str
    baseline: str
    gap: float
    baseline_gap: float
    change: float
    ci_low: float
    ci_high: float
    p_value_adjusted: float
    confidence: float = 0.95

    def describe(self) -> str:
        """The alert as one sentence."""
        title = METRICS[self.metric].title
        level = f"{self.confidence:.0%}"
        return (
            f"{title} of {self.group} (reference {self.reference}) got worse in {self.period}: "
            f"the gap was {format_number(self.gap, 3, signed=True)} against "
            f"{format_number(self.baseline_gap, 3, signed=True)} in {self.baseline}, a change "
            f"of {format_number(self.change, 3, signed=True)} ({level} interval "
            f"{format_number(self.ci_low, 3, signed=True)} to "
            f"{format_number(self.ci_high, 3, signed=True)}; adjusted p-value "
            f"{_p(self.p_value_adjusted)})."
        )


@dataclass(frozen=True)
class MonitoringReport:
    """Everything ``monitor`` prints and the Monitoring page shows.

    Tables (long, one row per …):

    - ``trends``: period × metric × group — period, metric, group, n, value, ci_low,
      ci_high, denominator, effective_n, judged (from each period's subgroup report;
      metrics count, share, selection_rate, base_rate and the monitored ones);
    - ``gaps``: period × metric × non-reference group — the gap to the fixed reference
      with Newcombe's interval;
    - ``changes``: non-baseline period × metric × non-reference group (columns
      :data:`~fairness_core.monitoring.CHANGE_COLUMNS`);
    - ``composition``: non-baseline period — chi2, dof, p_value, psi;
    - ``base_rates``: period × group; ``score_summary`` and ``score_drift``: period × group
      (None without scores).
    """

    settings: MonitorSettings
    periods: tuple[str, ...]
    files: tuple[LogFile, ...]
    period_reports: tuple[PeriodReport, ...]
    references: Mapping[str, str]
    trends: pd.DataFrame = field(repr=False, compare=False)
    gaps: pd.DataFrame = field(repr=False, compare=False)
    changes: pd.DataFrame = field(repr=False, compare=False)
    composition: pd.DataFrame = field(repr=False, compare=False)
    base_rates: pd.DataFrame | None = field(repr=False, compare=False)
    score_summary: pd.DataFrame | None = field(repr=False, compare=False)
    score_drift: pd.DataFrame | None = field(repr=False, compare=False)
    counts: PeriodCounts = field(repr=False, compare=False)
    comparisons_judged: int = 0
    notes: tuple[str, ...] = ()

    @property
    def alerts(self) -> tuple[Alert, ...]:
        """Every change with the verdict ``worse``, in period, metric and group order."""
        worse = self.changes[self.changes["verdict"] == "worse"]
        return tuple(
            Alert(
                r["metric"], r["group"], r["reference"], r["period"], r["baseline"],
                float(r["gap"]), float(r["baseline_gap"]), float(r["change"]),
                float(r["ci_low"]), float(r["ci_high"]), float(r["p_value_adjusted"]),
                self.settings.confidence,
            )
            for r in worse.sort_values(["period", "metric", "group"], kind="stable").to_dict(
                "records"
            )
        )  # fmt: skip

    @property
    def has_alert(self) -> bool:
        """True when any change is ``worse``."""
        return bool((self.changes["verdict"] == "worse").any())


def compute_monitoring(
    data: MonitoringData, settings: MonitorSettings, *, period_reports: bool = True
) -> MonitoringReport:
    """The monitoring report of ``data`` under ``settings`` (see the module docstring).

    Counts the rows (:func:`compute_period_counts`, and with scores :class:`ScoreCounts`)
    and hands over to :func:`compute_monitoring_from_counts`. ``period_reports=False``
    skips the per-period subgroup reports (and so the trends), for runs that need only the
    changes and alerts.
    """
    check_settings(data.periods, data.has_outcome, settings)
    counts = compute_period_counts(data, attributes=tuple(settings.attributes))
    scores = None
    if data.y_score is not None:
        rows_group, _ = group_codes(data, tuple(settings.attributes))
        scores = ScoreCounts.from_rows(data.y_score, data.period_codes, rows_group)
    return compute_monitoring_from_counts(
        counts,
        settings,
        has_outcome=data.has_outcome,
        scores=scores,
        files=data.files,
        warnings=data.warnings,
        period_reports=period_reports,
    )


def compute_monitoring_from_counts(
    counts: PeriodCounts,
    settings: MonitorSettings,
    *,
    has_outcome: bool,
    scores: ScoreCounts | None = None,
    files: tuple[LogFile, ...] = (),
    warnings: tuple[str, ...] = (),
    period_reports: bool = True,
) -> MonitoringReport:
    """The monitoring report from count tables alone: what every engine runs after counting.

    ``counts`` as :func:`compute_period_counts` fills them; ``has_outcome`` False for a log
    without an outcome column; ``scores`` the score count table (None without scores);
    ``files`` and ``warnings`` (notes on the log and its validation) go into the report as
    they are. The same settings checks and messages as :func:`compute_monitoring`.
    """
    metrics = check_settings(counts.periods, has_outcome, settings)
    resolved = MonitorSettings(**{**asdict(settings), "metrics": metrics})
    names = counts.names
    outcome_metrics = tuple(m for m in metrics if m not in DECISION_METRICS)
    reports = tuple(
        _period_report(counts, t, has_outcome, outcome_metrics, _report_options(resolved))
        if period_reports
        else PeriodReport(counts.periods[t], int(counts.n_rows()[t].sum()),
                          int(counts.n_known()[t].sum()), None, None)
        for t in range(len(counts.periods))
    )  # fmt: skip
    changes, gaps, references = _detect(counts, resolved)
    anchors = baseline_of(counts.periods, settings.baseline)
    composition = composition_drift(counts.n_rows(), counts.periods, anchors)
    base_rates = None
    if has_outcome:
        periods = range(len(counts.periods))
        known = np.array([_kish(counts.outcomes(t, keep_empty=True)) for t in periods])
        positives = _effective_positives(counts)
        base_rates = base_rate_drift(positives, known, names, counts.periods, anchors,
                                     confidence=settings.confidence)  # fmt: skip
    summary, drift = None, None
    notes = list(warnings)
    if scores is not None:
        summary, drift = score_drift_from_counts(scores, names, counts.periods, anchors)
        if scores.rounded:
            notes.append(ROUNDED_SCORES_NOTE)
    notes += [n for r in reports for n in r.notes]
    return MonitoringReport(
        settings=resolved,
        periods=counts.periods,
        files=files,
        period_reports=reports,
        references={m: names[i] for m, i in references.items()},
        trends=_trends(reports),
        gaps=gaps,
        changes=changes,
        composition=composition,
        base_rates=base_rates,
        score_summary=summary,
        score_drift=drift,
        counts=counts,
        comparisons_judged=int(changes["p_value"].notna().sum()),
        notes=tuple(notes),
    )


def detect_changes(counts: PeriodCounts, settings: MonitorSettings) -> pd.DataFrame:
    """The changes table from count tables alone (columns :data:`CHANGE_COLUMNS`).

    What :func:`compute_monitoring` runs once the log is counted; an engine that fills a
    :class:`PeriodCounts` calls it directly. ``settings.metrics`` must be set (None means
    :data:`DEFAULT_MONITOR_METRICS`).
    """
    metrics = settings.metrics or DEFAULT_MONITOR_METRICS
    return _detect(counts, MonitorSettings(**{**asdict(settings), "metrics": metrics}))[0]


def _detect(
    counts: PeriodCounts, settings: MonitorSettings
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    metrics = settings.metrics or DEFAULT_MONITOR_METRICS
    references = _fixed_references(counts, metrics, settings)
    per_metric = {
        m: [
            counts.decisions(t, keep_empty=True)
            if m in DECISION_METRICS
            else counts.outcomes(t, keep_empty=True)
            for t in range(len(counts.periods))
        ]
        for m in metrics
    }
    changes, gaps = compute_changes(
        per_metric, counts.names, references, counts.periods, settings.baseline,
        min_n=settings.min_n, alpha=settings.alpha, correction=settings.correction,
        confidence=settings.confidence,
    )  # fmt: skip
    return changes, gaps, references


def _report_options(settings: MonitorSettings) -> dict[str, Any]:
    """The per-period subgroup report's options: the Subgroups page's reference rule
    (the best-treated group) unless a group is named."""
    reference = settings.reference if isinstance(settings.reference, tuple) else "best"
    return {
        "reference": reference, "min_n": settings.min_n, "correction": settings.correction,
        "alpha": settings.alpha, "confidence": settings.confidence,
    }  # fmt: skip


def monitoring_to_dict(report: MonitoringReport) -> dict[str, Any]:
    """The report as JSON-ready data (NaN and infinity become None).

    Schema::

        {"kind": "fairness monitoring",
         "has_alert": bool,
         "alerts": [{"metric", "group", "reference", "period", "baseline", "gap",
                     "baseline_gap", "change", "ci_low", "ci_high", "p_value_adjusted",
                     "message"}, ...],
         "settings": {...MonitorSettings...},
         "files": [{"name", "sha256", "rows", "periods": [...]}, ...],
         "periods": [{"period", "rows", "rows_with_outcome",
                      "decisions": <report_to_dict> | null,
                      "outcomes": <report_to_dict> | null, "notes": [...]}, ...],
         "references": {"<metric>": "<group>"},
         "trends": [...], "gaps": [...], "changes": [...],
         "comparisons_judged": int,
         "drift": {"composition": [...], "base_rates": [...] | null,
                   "score_summary": [...] | null, "scores": [...] | null},
         "verdict_glossary": {"<verdict>": "<meaning>"},
         "notes": [...]}
    """

    def records(frame: pd.DataFrame | None) -> list[dict[Any, Any]] | None:
        return None if frame is None else frame.to_dict("records")

    trends = report.trends.drop(columns=["labels"], errors="ignore")
    return to_json_value(
        {
            "kind": "fairness monitoring",
            "has_alert": report.has_alert,
            "alerts": [{**asdict(a), "message": a.describe()} for a in report.alerts],
            "settings": asdict(report.settings),
            "files": [
                {"name": f.name, "sha256": f.sha256, "rows": f.n_rows, "periods": list(f.periods)}
                for f in report.files
            ],
            "periods": [
                {
                    "period": r.period,
                    "rows": r.n_rows,
                    "rows_with_outcome": r.n_known,
                    "decisions": None if r.decisions is None else report_to_dict(r.decisions),
                    "outcomes": None if r.outcomes is None else report_to_dict(r.outcomes),
                    "notes": list(r.notes),
                }
                for r in report.period_reports
            ],
            "references": dict(report.references),
            "trends": records(trends),
            "gaps": records(report.gaps),
            "changes": records(report.changes),
            "comparisons_judged": report.comparisons_judged,
            "drift": {
                "composition": records(report.composition),
                "base_rates": records(report.base_rates),
                "score_summary": records(report.score_summary),
                "scores": records(report.score_drift),
            },
            "verdict_glossary": dict(CHANGE_VERDICTS),
            "notes": list(report.notes),
        }
    )


# -- building blocks --------------------------------------------------------------------


def _period_report(
    counts: PeriodCounts,
    t: int,
    has_outcome: bool,
    outcome_metrics: tuple[str, ...],
    options: dict[str, Any],
) -> PeriodReport:
    period = counts.periods[t]
    n_rows = int(counts.n_rows()[t].sum())
    n_known = int(counts.n_known()[t].sum())
    notes: list[str] = []
    decisions = _report_or_note(
        counts.decisions(t), (*_DESCRIPTIVE_DECISIONS, *DECISION_METRICS), options, period, notes
    )
    outcomes = None
    if has_outcome and n_known == 0:
        notes.append(f"{period}: no outcome is known yet, so error rates are not shown.")
    elif has_outcome:
        outcomes = _report_or_note(
            counts.outcomes(t), ("base_rate", *outcome_metrics), options, period, notes
        )
        if n_known < n_rows:
            notes.append(
                f"{period}: the outcome is known for {n_known:,} of {n_rows:,} rows; error "
                "rates use those rows."
            )
    return PeriodReport(period, n_rows, n_known, decisions, outcomes, tuple(notes))


def _report_or_note(
    counts: GroupCounts,
    metrics: tuple[str, ...],
    options: dict[str, Any],
    period: str,
    notes: list[str],
) -> SubgroupReport | None:
    try:
        return compute_subgroup_report(counts, metrics=metrics, **options)
    except FairnessCoreError as exc:
        notes.append(f"{period}: no subgroup report. {exc}")
        return None


def _fixed_references(
    counts: PeriodCounts, metrics: tuple[str, ...], settings: MonitorSettings
) -> dict[str, int]:
    """Each metric's reference group over the whole log: the largest group (by rows in
    the metric's rows), the best-treated one that can be judged, or the named one."""
    references = {}
    for metric in metrics:
        pooled = counts.decisions() if metric in DECISION_METRICS else counts.outcomes()
        if settings.reference == "largest":
            index = int(np.argmax(pooled.n))
        else:
            whole = compute_subgroup_report(
                pooled, metrics=(metric,), reference=settings.reference, min_n=settings.min_n
            )
            rows = whole.disparities[whole.disparities["metric"] == metric]
            index = int(rows["reference_index"].iloc[0])
        references[metric] = counts.labels.index(pooled.labels[index])
    return references


def _trends(period_reports: tuple[PeriodReport, ...]) -> pd.DataFrame:
    frames = []
    for r in period_reports:
        for report in (r.decisions, r.outcomes):
            if report is not None:
                frames.append(report.groups.assign(period=r.period))
    columns = ["period", "metric", "group", "labels", "n", "value", "ci_low", "ci_high"]
    columns += ["denominator", "effective_n", "judged"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _kish(counts: GroupCounts) -> np.ndarray:
    """Effective known outcomes per group (Kish over all cells)."""
    w, w2 = counts.weighted_cells.sum(axis=-1), counts.squared_weight_cells.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(w2 > 0, w * w / w2, 0.0)


def _effective_positives(counts: PeriodCounts) -> np.ndarray:
    """Effective positive outcomes per period × group: base rate × effective known n."""
    out = []
    for t in range(len(counts.periods)):
        c = counts.outcomes(t, keep_empty=True)
        w = c.weighted_cells
        total = w.sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(total > 0, (w[:, 0] + w[:, 2]) / total, 0.0)
        out.append(rate * _kish(c))
    return np.array(out)


def _p(value: float) -> str:
    return "below 0.0001" if value < 1e-4 else f"{value:.4f}"
