"""Report: findings, the review report and every export built from it.

- *finding*: a chart or table the reviewer pinned, with their note and severity
  (:class:`Finding`); *operating point record*: a chosen rule with its rationale;
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
    operating_point_from_dict,
    operating_point_to_dict,
)
from fairness_core.report._html import (
    build_html_report,
)
from fairness_core.report._pdf import (
    build_pdf_report,
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
    "OperatingPointRecord",
    "ReplayRefusedError",
    "ReplayResult",
    "ReviewAnalysis",
    "ReviewReport",
    "analysis_title",
    "build_bundle",
    "build_html_report",
    "build_metrics_csv",
    "build_metrics_excel",
    "build_metrics_json",
    "build_model_card",
    "build_pdf_report",
    "build_review",
    "calibration_section",
    "finding_from_dict",
    "finding_to_dict",
    "identify_data",
    "identify_model",
    "make_finding",
    "operating_point_from_dict",
    "operating_point_to_dict",
    "package_versions",
    "read_bundle",
    "render_audit",
    "replay",
    "run_audit",
    "suppress_small_groups",
]
