"""Report: findings, the review report and every export built from it.

- *finding*: a chart or table the reviewer pinned, with their note and severity
  (:class:`Finding`); *operating point record*: a named option (a rule per group, or a
  retrained model) with its rationale; several are compared side by side
  (:func:`compare_operating_points`) and one may be marked as recommended;
- *review report*: everything the reviewer decided, assembled once
  (:func:`build_review` → :class:`ReviewReport`): the *analyses* they added to the report
  (:class:`ReviewAnalysis`, titled by :func:`analysis_title`), in their order; the HTML
  and PDF reports, the CSV, Excel and JSON metrics, the model card and the audit bundle
  are all built from it;
- *audit*: the headless subgroup audit behind ``fairness-explorer audit``
  (:func:`run_audit`); *replay*: an audit bundle re-run on its original files.
"""

from __future__ import annotations

from fairness_core.report._audit import (
    AuditRequest,
    render_audit,
    run_audit,
)
from fairness_core.report._bundle import (
    MAX_BUNDLE_BYTES,
    AuditBundle,
    ReplayRefusedError,
    ReplayResult,
    build_bundle,
    read_bundle,
    replay,
)
from fairness_core.report._datasheet import build_datasheet, group_composition
from fairness_core.report._exports import (
    build_metrics_csv,
    build_metrics_excel,
    build_metrics_json,
    build_model_card,
)
from fairness_core.report._findings import (
    MAX_NOTE_CHARS,
    SEVERITIES,
    SEVERITY_TITLES,
    Finding,
    OperatingPointRecord,
    finding_from_dict,
    finding_to_dict,
    make_finding,
    new_operating_point_id,
    operating_point_from_dict,
    operating_point_to_dict,
)
from fairness_core.report._frameworks import build_ll144_csv, ll144_frames
from fairness_core.report._html import (
    build_html_report,
)
from fairness_core.report._pdf import (
    build_pdf_report,
)
from fairness_core.report._points import (
    OperatingPointComparison,
    compare_operating_points,
    lead_operating_point,
    record_retrained_model,
    same_operating_point,
    split_by_data,
    strategy_title,
)
from fairness_core.report._review import (
    FileIdentity,
    GroupTable,
    ReviewAnalysis,
    ReviewReport,
    analysis_title,
    build_review,
    calibration_section,
    identify_data,
    identify_model,
    package_versions,
    suppress_small_groups,
)

__all__ = [
    "MAX_BUNDLE_BYTES",
    "MAX_NOTE_CHARS",
    "SEVERITIES",
    "SEVERITY_TITLES",
    "AuditBundle",
    "AuditRequest",
    "FileIdentity",
    "Finding",
    "GroupTable",
    "OperatingPointComparison",
    "OperatingPointRecord",
    "ReplayRefusedError",
    "ReplayResult",
    "ReviewAnalysis",
    "ReviewReport",
    "analysis_title",
    "build_bundle",
    "build_datasheet",
    "build_html_report",
    "build_ll144_csv",
    "build_metrics_csv",
    "build_metrics_excel",
    "build_metrics_json",
    "build_model_card",
    "build_pdf_report",
    "build_review",
    "calibration_section",
    "compare_operating_points",
    "finding_from_dict",
    "finding_to_dict",
    "group_composition",
    "identify_data",
    "identify_model",
    "lead_operating_point",
    "ll144_frames",
    "make_finding",
    "new_operating_point_id",
    "operating_point_from_dict",
    "operating_point_to_dict",
    "package_versions",
    "read_bundle",
    "record_retrained_model",
    "render_audit",
    "replay",
    "run_audit",
    "same_operating_point",
    "split_by_data",
    "strategy_title",
    "suppress_small_groups",
]
