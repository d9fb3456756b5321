"""The review's report, built in one place for the Report page and Present mode.

Both show the same review: the analyses added on Subgroups (else the one chosen there),
judged with the first chosen policy's lines, the findings, the operating points, the
"Which metric?" answer, and the policies' results with the reviewer's intended use and
oversight text. Building it twice let Present mode drift from the report (it once left the
policies out of the executive summary), so both call :func:`current_review`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from components import cache, compliance, extras_cache, state
from components.metric_guide import recorded_recommendation
from fairness_core.data import AuditData
from fairness_core.metrics import DEFAULT_METRICS, METRICS, SubgroupSettings, calibration_to_dict
from fairness_core.report import ReviewReport, build_review, identify_data, identify_model

__all__ = ["ReportAnalyses", "current_review", "default_title", "report_analyses"]


@dataclass(frozen=True)
class ReportAnalyses:
    """The analyses the report holds: (position among those added, settings) in order.

    ``from_subgroups``: none of the added analyses fits this data (or none was added), so
    the report holds the analysis chosen on Subgroups (position -1). ``skipped``: added
    analyses left out because the data lacks their attributes.
    """

    chosen: tuple[tuple[int, SubgroupSettings], ...]
    from_subgroups: bool
    skipped: int


def report_analyses(audit: AuditData) -> ReportAnalyses:
    """Which analyses the report holds for this (cohort-extended) audit."""
    protected = [g.name for g in audit.groups]
    has_scores = audit.y_score is not None
    available = [m for m, spec in METRICS.items() if has_scores or not spec.needs_scores]

    def usable(settings: SubgroupSettings) -> SubgroupSettings | None:
        if not settings.attributes or not set(settings.attributes) <= set(protected):
            return None
        metrics = tuple(m for m in settings.metrics if m in available) or tuple(
            m for m in DEFAULT_METRICS if m in available
        )
        return replace(settings, metrics=metrics)

    added = state.get_report_analyses()
    chosen = [(i, u) for i, s in enumerate(added) if (u := usable(s)) is not None]
    if chosen:
        return ReportAnalyses(tuple(chosen), False, len(added) - len(chosen))
    current = state.get_subgroup_settings()
    fallback = usable(current) if current is not None else None
    if fallback is None:  # no Subgroups visit on this data yet: that page's own defaults
        fallback = SubgroupSettings(
            attributes=tuple(protected[:1]),
            metrics=tuple(m for m in DEFAULT_METRICS if m in available),
        )
    return ReportAnalyses(((-1, fallback),), True, len(added))


def default_title(inputs: cache.AuditInputs) -> str:
    """The report's title until the reviewer types one."""
    return f"Fairness review of {inputs.dataset.name}"


def current_review(
    inputs: cache.AuditInputs,
    audit: AuditData,
    *,
    title: str | None = None,
    suppress: int | None = None,
) -> ReviewReport:
    """The review as the Report page shows it now (raises FairnessCoreError as it does).

    ``audit`` is the audit before cohorts (the policies are judged on it, as the
    Compliance page does); ``title`` and ``suppress`` default to the Report page's
    choices kept in the session.
    """
    checked = compliance.review_compliance(inputs, audit)
    audit = cache.with_cohorts(inputs, audit, state.get_cohorts())  # as the Subgroups page
    analyses = report_analyses(audit)
    if suppress is None:
        first = analyses.chosen[0][1].suppress_below or 0
        suppress = int(st.session_state.get(state.REPORT_SUPPRESS, first) or 0)
    lines = compliance.subgroup_lines()  # the chosen policy's lines, as on Subgroups
    settings = [
        replace(
            s,
            suppress_below=int(suppress) or None,
            ratio_threshold=lines.ratio_threshold,
            tolerance=lines.tolerance,
        )
        for _, s in analyses.chosen
    ]
    reports = [cache.subgroup_report(inputs, audit, **s.options()) for s in settings]
    calibration = None
    if audit.y_score is not None:  # the JSON export carries it, as `audit` does
        calibration = {
            " × ".join(s.attributes): calibration_to_dict(
                extras_cache.calibration(inputs, audit, tuple(s.attributes))
            )
            for s in settings
        }
    if title is None:
        title = str(st.session_state.get(state.REPORT_TITLE) or "").strip()
    return build_review(
        reports,
        calibration=calibration,
        roles=inputs.roles,
        data=identify_data(inputs.dataset, audit),
        model=identify_model(inputs.model),
        findings=state.get_findings(),
        operating_points=state.get_operating_points(),
        recommended=state.get_recommended_point(),
        title=title or default_title(inputs),
        metric_choice=recorded_recommendation(),  # "Which metric?" (Learn / Subgroups)
        policies=checked.results,
        evidence=checked.evidence,
        policy_columns=checked.columns,
    )
