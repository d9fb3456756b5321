"""The review report: what one audit found, in the order a stakeholder reads it.

A :class:`ReviewReport` is the *content* of every export — the HTML and PDF reports, the
metrics files, the model card and the audit bundle all render the same object, so they
can never disagree with each other or with the Subgroups page. It holds, in reading order:

1. an *executive summary*: a few plain sentences (who was audited, which groups fail which
   rule, what the reviewer pinned, which operating point is recommended);
2. the reviewer's *findings* (:class:`~fairness_core.findings.Finding`) and the recorded
   *operating points* side by side, the recommended one marked, each with its rationale
   (options recorded on other data are kept apart and never enter the summary);
3. the *analyses* the reviewer added to the report (:class:`ReviewAnalysis`), in their
   order, each with its heading, settings and *per-group tables*: each metric's value per
   group with its interval, and its difference and ratio against the reference group with
   the verdict (the first analysis drives the executive summary);
4. *method notes* (how intervals, tests and verdicts are made) and *limitations*;
5. the *identity* of the data and model (file name, SHA-256, rows), every *setting*
   (column roles and report settings) and the *package versions* that produced it.

*Findings from other data*: a finding whose ``data_sha256`` differs from the report's data
(carried over when other data was loaded) is kept apart, in :attr:`ReviewReport.other_findings`;
every export lists them in their own section, naming that data, and they never enter the
executive summary.

*Suppression*: when the subgroup report was computed with ``suppress_below=k``, every
number measured on fewer than ``k`` people is hidden in every export — in the group
tables (by the core), in the findings' tables and operating-point tables (by
:func:`suppress_small_groups`), and a finding's chart is left out when its table shows such
a group (a chart cannot be redacted reliably).
"""

from __future__ import annotations

import json
import math
import platform
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

from fairness_core.data import AuditData, Binning, ColumnRoles, Dataset, describe_threshold
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import (
    CORRECTION_TITLES,
    METRIC_TABLE_COLUMNS,
    METRICS,
    SUMMARIES,
    VERDICTS,
    ReportSettings,
    SubgroupReport,
    SubgroupSettings,
    calibration_to_dict,
    compute_calibration_by_group,
    compute_inequality,
    inequality_to_dict,
    metric_table,
    report_to_dict,
)
from fairness_core.models import LoadedModel
from fairness_core.policies import PolicyResult, ReviewEvidence
from fairness_core.report._findings import Finding, OperatingPointRecord
from fairness_core.report._frameworks import compliance_section, compliance_sentence, nist_section
from fairness_core.report._points import lead_operating_point, split_by_data
from fairness_core.report._sections import Section
from fairness_core.report._summary import executive_summary

__all__ = [
    "REPORT_PACKAGES",
    "FileIdentity",
    "GroupTable",
    "ReviewAnalysis",
    "ReviewReport",
    "analysis_title",
    "build_review",
    "identify_data",
    "identify_model",
    "identity_rows",
    "merge_documents",
    "metrics_document",
    "package_versions",
    "readable_time",
    "roles_from_dict",
    "roles_to_dict",
    "suppress_small_groups",
]

#: Packages whose versions the report lists (those that change numbers or files).
REPORT_PACKAGES = (
    "fairness-explorer",
    "numpy",
    "pandas",
    "scipy",
    "scikit-learn",
    "fairlearn",
    "plotly",
    "reportlab",
    "matplotlib",
    "openpyxl",
    "skops",
    "onnxruntime",
    "streamlit",
)
#: Column names that hold how many people a row of a table is measured on.
SIZE_COLUMNS = (
    "n",
    "denominator",
    "rows",
    "count",
    "people",
    "group_denominator",
    "reference_denominator",
    "support",
)


#: Plain titles for the column names of the core's tables (a finding's table shows them).
#: ``{level}`` is the interval's confidence level, e.g. "95%".
@dataclass(frozen=True)
class FileIdentity:
    """Which file a number came from: name, SHA-256, and its row counts.

    ``rows`` are the rows in the file; ``audited_rows`` those that entered the audit (rows
    without an outcome are left out). ``kind`` is the model format (skops, onnx) or the data
    format (csv, parquet, excel).
    """

    name: str
    sha256: str
    rows: int | None = None
    audited_rows: int | None = None
    kind: str = ""


@dataclass(frozen=True)
class GroupTable:
    """One metric's per-group table with the words needed to read it."""

    metric: str
    title: str
    explanation: str
    denominator: str
    table: pd.DataFrame = field(repr=False, compare=False)


@dataclass(frozen=True)
class ReviewAnalysis:
    """One analysis the reviewer added to the report: its heading, settings and tables."""

    title: str
    subgroup: SubgroupReport = field(repr=False, compare=False)
    group_tables: tuple[GroupTable, ...] = field(repr=False, compare=False)
    #: The settings of this analysis as (label, value) rows (grouping, reference, metrics, …).
    settings: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ReviewReport:
    """Everything the exports render, in reading order (see the module docstring)."""

    title: str
    created: str
    data: FileIdentity
    model: FileIdentity | None
    roles: ColumnRoles
    #: The analyses in the reviewer's order; the first drives the executive summary.
    analyses: tuple[ReviewAnalysis, ...] = field(repr=False)
    #: Findings pinned on this report's data (or on data not recorded).
    findings: tuple[Finding, ...]
    #: Every recorded operating point, in the reviewer's order (see :attr:`points_on_data`).
    operating_points: tuple[OperatingPointRecord, ...]
    #: The id of the recommended operating point (None: none marked).
    recommended_point: str | None
    executive_summary: tuple[str, ...]
    #: Settings shared by every analysis (column roles, decisions, bands, weights).
    settings: tuple[tuple[str, str], ...]
    method_notes: tuple[str, ...]
    limitations: tuple[str, ...]
    versions: tuple[tuple[str, str], ...]
    #: Findings whose chart is left out because it may show a suppressed group.
    hidden_figures: frozenset[str] = frozenset()
    #: Calibration by group as JSON text (None without scores), for the metrics exports.
    calibration_json: str | None = None
    #: Findings carried over from other data (their ``data_sha256`` differs from ``data``).
    other_findings: tuple[Finding, ...] = ()
    #: The chosen policies' results, in the reviewer's order (issue 17).
    policies: tuple[PolicyResult, ...] = ()
    #: What the review did and the reviewer's own words (intended use, oversight).
    evidence: ReviewEvidence = field(default_factory=ReviewEvidence)
    #: The data column each policy attribute was judged on ("sex" → "gender").
    policy_columns: Mapping[str, str] = field(default_factory=dict)
    #: Sections every format renders alike: compliance (when policies were chosen), NIST.
    sections: tuple[Section, ...] = ()

    @property
    def sections_before_findings(self) -> tuple[Section, ...]:
        """Sections shown right after the executive summary (the policies' compliance)."""
        return tuple(x for x in self.sections if x.id == "compliance")

    @property
    def sections_after_limitations(self) -> tuple[Section, ...]:
        """Sections shown after the limitations (the NIST AI RMF mapping)."""
        return tuple(x for x in self.sections if x.id != "compliance")

    @property
    def subgroup(self) -> SubgroupReport:
        """The first analysis's subgroup report (the one the executive summary describes)."""
        return self.analyses[0].subgroup

    @property
    def group_tables(self) -> tuple[GroupTable, ...]:
        """The first analysis's per-group tables."""
        return self.analyses[0].group_tables

    @property
    def subgroups(self) -> tuple[SubgroupReport, ...]:
        """Every analysis's subgroup report, in the report's order."""
        return tuple(a.subgroup for a in self.analyses)

    @property
    def suppress_below(self) -> int | None:
        """The smallest number of people a shown number may be measured on (None: all).

        With several analyses, the strictest of their settings (findings follow it).
        """
        limits = [a.subgroup.settings.suppress_below for a in self.analyses]
        shown = [k for k in limits if k is not None]
        return max(shown) if shown else None

    def other_data_names(self) -> list[str]:
        """The data the findings from other data were pinned on: "name (SHA-256 …)"."""
        named = {f"{f.data_name} (SHA-256 {f.data_sha256})": None for f in self.other_findings}
        return list(named)

    @property
    def points_on_data(self) -> tuple[OperatingPointRecord, ...]:
        """The operating points recorded on the data this report describes."""
        return split_by_data(self.operating_points, self.data.sha256)[0]

    @property
    def points_from_other_data(self) -> tuple[OperatingPointRecord, ...]:
        """The operating points recorded on other data (or with no data recorded)."""
        return split_by_data(self.operating_points, self.data.sha256)[1]

    @property
    def lead_point(self) -> OperatingPointRecord | None:
        """The point the executive summary states: the recommended one, else the only one."""
        return lead_operating_point(self.operating_points, self.recommended_point, self.data.sha256)


def readable_time(stamp: str) -> str:
    """An ISO time stamp as "22 November 2026, 08:22 UTC" (unchanged when not ISO)."""
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
        return f"{moment.day} {moment:%B %Y, %H:%M} UTC"
    return f"{moment.day} {moment:%B %Y, %H:%M}"


# --------------------------------------------------------------------------------------
# Identity, roles and versions
# --------------------------------------------------------------------------------------


def identify_data(dataset: Dataset, audit: AuditData | None = None) -> FileIdentity:
    """The identity of a loaded data file (and how many of its rows were audited)."""
    return FileIdentity(
        name=dataset.name,
        sha256=dataset.sha256,
        rows=dataset.n_rows,
        audited_rows=audit.n_rows if audit is not None else None,
        kind=str(dataset.format),
    )


def identify_model(model: LoadedModel | None) -> FileIdentity | None:
    """The identity of a loaded model file (None when there is none)."""
    if model is None:
        return None
    return FileIdentity(name=model.name, sha256=model.sha256, kind=str(model.kind))


def identity_rows(data: FileIdentity, model: FileIdentity | None) -> list[tuple[str, str]]:
    """The identity of the data and model as (label, value) rows for a report."""
    rows = [
        ("Data file", data.name),
        ("Data SHA-256", data.sha256),
        ("Data format", data.kind or "unknown"),
        ("Rows in the file", "unknown" if data.rows is None else f"{data.rows:,}"),
        ("Rows audited", "unknown" if data.audited_rows is None else f"{data.audited_rows:,}"),
    ]
    if model is None:
        rows.append(("Model", "none loaded (decisions or scores come from the data)"))
    else:
        rows += [("Model file", model.name), ("Model SHA-256", model.sha256),
                 ("Model format", model.kind)]  # fmt: skip
    return rows


def package_versions(packages: Sequence[str] = REPORT_PACKAGES) -> tuple[tuple[str, str], ...]:
    """(name, version) of Python and each installed package; "not installed" otherwise."""
    rows = [("python", platform.python_version())]
    for name in packages:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    return tuple(rows)


def _plain_label(value: Hashable | None) -> str | int | float | bool | None:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, np.generic):
        item = value.item()
        if isinstance(item, (str, bool, int, float)):
            return item
    return str(value)


def roles_to_dict(roles: ColumnRoles) -> dict[str, Any]:
    """Column roles as JSON-ready data (the positive label keeps its JSON type)."""
    return {
        "target": roles.target,
        "positive_label": _plain_label(roles.positive_label),
        "source": roles.source,
        "prediction": roles.prediction,
        "score": roles.score,
        "threshold": float(roles.threshold),
        "protected": list(roles.protected),
        "features": list(roles.features),
        "weight": roles.weight,
        "bins": [
            {"column": b.column, "edges": [float(e) for e in b.edges], "quantiles": b.quantiles}
            for b in roles.bins
        ],
        "score_range": (
            None if roles.score_range is None else [float(v) for v in roles.score_range]
        ),
        "higher_score_favourable": bool(roles.higher_score_favourable),
        # A file without a header row, named by the reviewer; census code labels: both
        # change the group names, so a replay needs them to give the same numbers.
        "column_names": list(roles.column_names),
        "group_labels": [list(triple) for triple in roles.group_labels],
    }


def decisions_section(roles: ColumnRoles) -> dict[str, Any]:
    """Where the decisions came from, with the score's scale and the rule in words."""
    section: dict[str, Any] = {
        "source": roles.source,
        "column": roles.prediction if roles.source == "prediction" else roles.score,
    }
    if roles.source != "prediction":
        section.update(
            threshold=float(roles.threshold),
            score_range=None if roles.score_range is None else list(roles.score_range),
            higher_score_favourable=bool(roles.higher_score_favourable),
            rule=describe_threshold(roles),
        )
    return section


def roles_from_dict(data: Mapping[str, Any]) -> ColumnRoles:
    """The roles :func:`roles_to_dict` wrote; raises InvalidInputError when unreadable."""
    try:
        source = data["source"]
        if source not in ("prediction", "score", "model"):
            raise ValueError(f"unknown decision source {source!r}")
        label = data.get("positive_label")
        if label is not None and not isinstance(label, (str, bool, int, float)):
            raise ValueError("the positive label must be text or a number")
        bins = tuple(
            Binning(
                str(b["column"]),
                edges=tuple(float(e) for e in b.get("edges", [])),
                quantiles=int(b.get("quantiles", 4)),
            )
            for b in data.get("bins", [])
        )
        span = data.get("score_range")  # absent in bundles written before scales existed
        if span is not None and len(span) != 2:
            raise ValueError("the score range must be two numbers")
        higher = data.get("higher_score_favourable", True)
        if not isinstance(higher, bool):
            raise ValueError("higher_score_favourable must be true or false")
        return ColumnRoles(
            target=str(data["target"]),
            protected=tuple(str(c) for c in data["protected"]),
            positive_label=label,
            source=source,
            prediction=_optional_text(data.get("prediction")),
            score=_optional_text(data.get("score")),
            threshold=float(data.get("threshold", 0.5)),
            features=tuple(str(c) for c in data.get("features", [])),
            weight=_optional_text(data.get("weight")),
            bins=bins,
            score_range=None if span is None else (float(span[0]), float(span[1])),
            higher_score_favourable=higher,
            column_names=tuple(str(c) for c in data.get("column_names", [])),
            group_labels=tuple(
                (str(column), str(value), str(label))
                for column, value, label in data.get("group_labels", [])
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInputError(
            f"The column roles in the bundle could not be read ({exc}). The bundle was "
            "changed or comes from another program; export it again from the app."
        ) from None


def _optional_text(value: object) -> str | None:
    return None if value is None else str(value)


# --------------------------------------------------------------------------------------
# Suppression
# --------------------------------------------------------------------------------------


def suppress_small_groups(table: pd.DataFrame, k: int | None) -> pd.DataFrame:
    """``table`` with every number of a row measured on fewer than ``k`` people hidden.

    A row's size is the smallest of its size columns (:data:`SIZE_COLUMNS`); its other
    numeric cells become missing and a ``suppressed`` column says which rows were hidden.
    Tables without a size column are returned unchanged (nothing says who is small).
    """
    sizes = [c for c in table.columns if str(c) in SIZE_COLUMNS]
    if k is None or not sizes or table.empty:
        return table
    size = table[sizes].apply(pd.to_numeric, errors="coerce").min(axis=1)
    small = (size < k).to_numpy(dtype=bool)
    if not small.any():
        return table
    out = table.copy()
    numeric = [
        c
        for c in out.columns
        if c not in sizes
        and pd.api.types.is_numeric_dtype(out[c])
        and not pd.api.types.is_bool_dtype(out[c])
    ]
    for column in numeric:
        out[column] = out[column].astype("float64")
        out.loc[small, column] = np.nan
    out["suppressed"] = small | (out["suppressed"].astype(bool) if "suppressed" in out else False)
    return out


def _has_small_group(table: pd.DataFrame | None, k: int | None) -> bool:
    if table is None or k is None:
        return False
    sizes = [c for c in table.columns if str(c) in SIZE_COLUMNS]
    if not sizes:
        return False
    size = table[sizes].apply(pd.to_numeric, errors="coerce").min(axis=1)
    return bool((size < k).any())


# --------------------------------------------------------------------------------------
# Building the report
# --------------------------------------------------------------------------------------


def metrics_document(
    reports: SubgroupReport | Sequence[SubgroupReport],
    *,
    data: FileIdentity,
    model: FileIdentity | None,
    calibration: Mapping[str, Any] | None = None,
    roles: ColumnRoles | None = None,
) -> dict[str, Any]:
    """The metrics in the ``fairness-explorer audit`` JSON schema (README, "JSON output").

    With ``roles``, ``decisions`` says where the decisions came from (the score's scale and
    the threshold in words included).

    The same keys as the audit command: ``overall``, ``groups``, ``disparities``,
    ``summary``, ``settings``, ``data`` (file, sha256, audited rows), ``model`` and
    ``rules`` (empty: rules belong to the command line). Several analyses are merged as
    the command merges several protected attributes (:func:`merge_documents`), and
    ``analyses`` then lists each one in order with its title, settings and numbers.
    """
    reports = _as_reports(reports)
    document = merge_documents(reports)
    rows = data.audited_rows if data.audited_rows is not None else data.rows
    document["data"] = {"file": data.name, "sha256": data.sha256, "rows": rows}
    document["model"] = (
        {"file": model.name, "sha256": model.sha256, "kind": model.kind} if model else None
    )
    document["rules"] = []
    document["inequality"] = inequality_section(reports)
    document["calibration"] = None if calibration is None else dict(calibration)
    if roles is not None:
        document["decisions"] = decisions_section(roles)
    if len(reports) > 1:
        document["analyses"] = [
            {
                "title": analysis_title(report.settings),
                **report_to_dict(report),
                "inequality": inequality_section([report])[_grouping_key(report)],
                "calibration": (
                    None if calibration is None else calibration.get(_grouping_key(report))
                ),
            }
            for report in reports
        ]
    return document


def _grouping_key(report: SubgroupReport) -> str:
    return " × ".join(report.settings.attributes)


def _as_reports(reports: SubgroupReport | Sequence[SubgroupReport]) -> tuple[SubgroupReport, ...]:
    if isinstance(reports, SubgroupReport):
        return (reports,)
    reports = tuple(reports)
    if not reports:
        raise InvalidInputError(
            "The report needs at least one analysis. Add one on the Subgroups page "
            "('Add this analysis to the report')."
        )
    return reports


def merge_documents(reports: Sequence[SubgroupReport]) -> dict[str, Any]:
    """Several subgroup reports as one audit document (one report: its own document).

    Groups and disparities are listed one analysis after the other; ``summary`` holds the
    worst value over the analyses (lowest ratio, largest difference; undefined when any is
    undefined) and ``summary_by_attribute`` each analysis's summaries.
    """
    documents = [report_to_dict(report) for report in reports]
    if len(documents) == 1:
        return documents[0]
    merged = {
        "overall": documents[0]["overall"],
        "groups": [g for d in documents for g in d["groups"]],
        "disparities": [x for d in documents for x in d["disparities"]],
        "summary": {},
        "summary_details": {},
        "comparisons_judged": sum(d["comparisons_judged"] for d in documents),
        "comparisons_judged_by_attribute": {
            "×".join(r.settings.attributes): d["comparisons_judged"]
            for r, d in zip(reports, documents, strict=True)
        },
        "empty_groups": {
            "count": sum(d["empty_groups"]["count"] for d in documents),
            "examples": [e for d in documents for e in d["empty_groups"]["examples"]][:20],
        },
        "verdict_glossary": documents[0]["verdict_glossary"],
        "summary_by_attribute": {
            "×".join(r.settings.attributes): d["summary"]
            for r, d in zip(reports, documents, strict=True)
        },
        "settings": {**documents[0]["settings"], "attributes": [
            a for d in documents for a in d["settings"]["attributes"]
        ]},
    }  # fmt: skip
    # A summary exists only for the metrics an analysis chose: each is merged over the
    # analyses that have it (the command's attributes all have the same metrics).
    names = list(dict.fromkeys(name for d in documents for name in d["summary"]))
    for name in names:
        holders = [(r, d) for r, d in zip(reports, documents, strict=True) if name in d["summary"]]
        values = [d["summary"][name] for _, d in holders]
        defined = [v for v in values if v is not None and not math.isnan(v)]
        worst = min if name.endswith("_ratio") else max
        # Undefined for one attribute means the worst over them is unknown: undefined too,
        # so a rule on it fails (saying why) instead of passing on the other attributes.
        complete = len(defined) == len(values)
        merged["summary"][name] = worst(defined) if defined and complete else None
        picked = [
            d["summary_details"][name]
            for _, d in holders
            if d["summary"][name] == merged["summary"][name]
        ]
        reasons = [
            f"{'×'.join(r.settings.attributes)}: {d['summary_details'][name]['undefined_because']}"
            for r, d in holders
            if d["summary_details"][name]["undefined_because"]
        ]
        merged["summary_details"][name] = (
            picked[0]
            if picked and merged["summary"][name] is not None
            else {**holders[0][1]["summary_details"][name], "undefined_because": "; ".join(
                r for r in reasons if r
            ) or None}
        )  # fmt: skip
    return merged


def calibration_section(data: AuditData, groupings: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Per grouping, mean score against observed rate by score bin, with the ECE."""
    return {
        " × ".join(grouping): calibration_to_dict(compute_calibration_by_group(data, grouping))
        for grouping in groupings
    }


def inequality_section(reports: Sequence[SubgroupReport]) -> dict[str, Any]:
    """Per grouping, the average odds difference and entropy indices, from the counts.

    The reference is the report's named group, else the largest group (the average odds
    difference mixes two rates, so "best" has no meaning for it).
    """
    section = {}
    for report in reports:
        if _grouping_key(report) in section:
            continue  # one grouping analysed twice: the first here, each in ``analyses``
        named = report.settings.reference
        if isinstance(named, (tuple, list)):
            result = compute_inequality(report.counts, reference=tuple(named))
        else:
            result = compute_inequality(report.counts, reference="largest")
        section[_grouping_key(report)] = inequality_to_dict(result)
    return section


def build_review(
    reports: SubgroupReport | Sequence[SubgroupReport],
    *,
    roles: ColumnRoles,
    data: FileIdentity,
    model: FileIdentity | None = None,
    findings: Sequence[Finding] = (),
    operating_points: Sequence[OperatingPointRecord] = (),
    recommended: str | None = None,
    title: str = "Fairness review",
    created: str | None = None,
    versions: Sequence[tuple[str, str]] | None = None,
    calibration: Mapping[str, Any] | None = None,
    policies: Sequence[PolicyResult] = (),
    policy_columns: Mapping[str, str] | None = None,
    evidence: ReviewEvidence | None = None,
    metric_choice: str = "",
) -> ReviewReport:
    """Assemble the report content from the analyses' subgroup reports and the review.

    ``reports`` holds one subgroup report per analysis the reviewer added, each computed
    with its own settings, in the report's order (a single report is one analysis); the
    first drives the executive summary. Findings pinned on other data than ``data`` go to
    :attr:`ReviewReport.other_findings`. ``calibration`` is :func:`calibration_section`'s
    result when the audit has scores; the JSON export carries it as the command line does.
    ``operating_points`` are the recorded options in the reviewer's order and
    ``recommended`` the id of the recommended one (an id that names none of them is
    ignored). ``policies`` are the chosen policies' results (the report's compliance
    section and its NYC Local Law 144 tables) and ``policy_columns`` the data column each
    policy attribute was judged on (the bundle replays them); ``evidence`` is what the
    review did and the reviewer's intended use and oversight text (the NIST AI RMF section
    and the model card), ``metric_choice`` the recorded answer of "Which metric?".
    """
    if not title.strip():
        raise InvalidInputError("The report needs a title. Type a few words, e.g. 'Loan review'.")
    reports = _as_reports(reports)
    limits = [r.settings.suppress_below for r in reports if r.settings.suppress_below is not None]
    k = max(limits) if limits else None
    hidden = frozenset(f.id for f in findings if f.figure and _has_small_group(f.table, k))
    kept = tuple(
        replace(f, table=suppress_small_groups(f.table, k) if f.table is not None else None)
        for f in findings
    )
    same = tuple(f for f in kept if not f.data_sha256 or f.data_sha256 == data.sha256)
    other = tuple(f for f in kept if f.data_sha256 and f.data_sha256 != data.sha256)
    points = tuple(
        replace(p, per_group=suppress_small_groups(p.per_group, k)) if k is not None else p
        for p in operating_points
    )
    if recommended is not None and not any(p.id == recommended for p in points):
        recommended = None
    this, other_points = split_by_data(points, data.sha256)
    lead = lead_operating_point(points, recommended, data.sha256)
    analyses = tuple(
        ReviewAnalysis(
            title=analysis_title(report.settings),
            subgroup=report,
            group_tables=tuple(_group_table(report, m) for m in report.settings.metrics),
            settings=tuple(_analysis_settings_rows(report)),
        )
        for report in reports
    )
    summary = executive_summary(
        reports[0], roles, data, model, same, lead,
        recommended=lead is not None and lead.id == recommended,
        points=this, other_points=other_points,
    )  # fmt: skip
    if len(analyses) > 1:
        summary.insert(1, _analyses_sentence(analyses))
    policies = tuple(policies)
    if policies:
        summary.insert(1, compliance_sentence(policies))
    evidence = evidence or ReviewEvidence()
    nist = nist_section(
        evidence=evidence, policies=policies, analyses=len(analyses), findings=len(same),
        operating_points=len(this), metric_choice=metric_choice,
    )  # fmt: skip
    sections = ((compliance_section(policies),) if policies else ()) + (nist,)
    return ReviewReport(
        title=title.strip(),
        created=created or datetime.now(UTC).isoformat(timespec="seconds"),
        data=data,
        model=model,
        roles=roles,
        analyses=analyses,
        findings=same,
        operating_points=points,
        recommended_point=recommended,
        executive_summary=tuple(summary),
        settings=tuple(_settings_rows(roles)),
        method_notes=tuple(_method_notes_of(analyses)),
        limitations=tuple(_limitations(reports)),
        versions=tuple(versions) if versions is not None else package_versions(),
        hidden_figures=hidden,
        calibration_json=None if calibration is None else json.dumps(calibration),
        other_findings=other,
        policies=policies,
        policy_columns=dict(policy_columns or {}),
        evidence=evidence,
        sections=sections,
    )


def _analyses_sentence(analyses: Sequence[ReviewAnalysis]) -> str:
    listed = "; ".join(f"{i}. {a.title}" for i, a in enumerate(analyses, start=1))
    return (
        f"The report holds {len(analyses)} analyses, each with its own tables below: "
        f"{listed}. This summary describes the first."
    )


def _metric_phrase(metric: str) -> str:
    title = METRICS[metric].title if metric in METRICS else metric
    # "Selection rate" → "selection rate"; "ROC AUC" keeps its capitals.
    return title[:1].lower() + title[1:] if title[1:2].islower() else title


def analysis_title(settings: SubgroupSettings | ReportSettings) -> str:
    """An analysis in words: its grouping, its metrics and whom every group is compared with.

    For example "By gender × race — selection rate, true positive rate; compared with the
    best-treated group". The Report page lists the analyses by it and every export heads
    each analysis with it.
    """
    reference = settings.reference
    if reference == "best":
        compared = "the best-treated group"
    elif reference == "largest":
        compared = "the largest group"
    elif reference == "overall":
        compared = "everyone"
    else:
        compared = _reference_text(reference)
    metrics = ", ".join(_metric_phrase(m) for m in settings.metrics)
    return f"By {' × '.join(settings.attributes)} — {metrics}; compared with {compared}"


def _group_table(report: SubgroupReport, metric: str) -> GroupTable:
    spec = METRICS[metric]
    table = metric_table(report, metric)
    return GroupTable(
        metric=metric,
        title=spec.title,
        explanation=spec.explanation,
        denominator=spec.denominator,
        table=table[[*METRIC_TABLE_COLUMNS, "difference_shown", "ratio_shown"]].reset_index(
            drop=True
        ),
    )


def _reference_text(reference: object) -> str:
    if reference == "largest":
        return "the largest group"
    if reference == "best":
        return "the best-treated group that can be judged on each metric (impact ratio)"
    if reference == "overall":
        return "everyone"
    if isinstance(reference, (list, tuple)):
        return " × ".join(str(v) for v in reference)
    return str(reference)


def _settings_rows(roles: ColumnRoles) -> list[tuple[str, str]]:
    """The settings every analysis shares: the column roles and how decisions are made."""
    decision = {
        "prediction": f"the column '{roles.prediction}'",
        "score": f"the column '{roles.score}': {describe_threshold(roles)}",
        "model": f"the model's scores, positive at or above {roles.threshold:g}",
    }[roles.source]
    bands = "; ".join(
        f"{b.column}: cut at {', '.join(f'{e:g}' for e in b.edges)}"
        if b.edges
        else f"{b.column}: {b.quantiles} bands of about equal size"
        for b in roles.bins
    )
    return [
        ("Outcome (target) column", roles.target),
        ("Favourable outcome", str(roles.positive_label)),
        ("Decisions come from", decision),
        ("Protected attributes in the data", ", ".join(roles.protected)),
        ("Numeric attributes cut into bands", bands or "none"),
        ("Sample weights", roles.weight or "none (each row counts once)"),
    ]


def _analysis_settings_rows(report: SubgroupReport) -> list[tuple[str, str]]:
    """The settings of one analysis (its grouping, reference, metrics, lines, tests)."""
    s = report.settings
    return [
        ("Groups compared by", " × ".join(s.attributes)),
        ("Reference group", _reference_text(s.reference)),
        ("Metrics", ", ".join(METRICS[m].title for m in s.metrics)),
        ("Minimum people to judge a group", str(s.min_n)),
        ("Correction for many comparisons", CORRECTION_TITLES.get(s.correction, s.correction)),
        ("Line for differences", f"{s.tolerance:g} in the direction that harms a group"),
        (
            "Line for ratios",
            f"{s.ratio_threshold:g} where lower harms (the four-fifths rule), "
            f"{1 / s.ratio_threshold:.4g} where higher harms",
        ),
        ("Significance level for adverse impact", f"{s.alpha:g}"),
        ("Confidence of intervals", f"{s.confidence:.0%}"),
        ("Bootstrap replicates (seed)", f"{s.n_bootstrap:,} (seed {s.seed})"),
        (
            "Numbers hidden for groups smaller than",
            "nothing hidden" if s.suppress_below is None else f"{s.suppress_below:,} people",
        ),
    ]


def _method_notes_of(analyses: Sequence[ReviewAnalysis]) -> list[str]:
    """The first analysis's method notes, then each other analysis's notes that differ."""
    notes = _method_notes(analyses[0].subgroup)
    for analysis in analyses[1:]:
        notes += [
            f"In the analysis “{analysis.title}”: {note}"
            for note in _method_notes(analysis.subgroup)
            if note not in notes
        ]
    return notes


def _method_notes(report: SubgroupReport) -> list[str]:
    s = report.settings
    level = f"{s.confidence:.0%}"
    notes = [
        "All numbers are computed from counts of people per group, outcome and decision; "
        "the same engine produces the Subgroups page and the fairness-explorer command.",
        f"Rates (selection rate, true and false positive rates, precision, accuracy, …) carry "
        f"{level} Jeffreys intervals, which stay sensible for small groups and for groups "
        "with no events. With sample weights every interval, test and minimum uses the "
        "effective number of people (Kish).",
        f"Differences of rates carry Newcombe's {level} hybrid score interval and ratios the "
        f"Miettinen–Nurminen {level} score interval; composite metrics (F1, balanced accuracy) "
        f"{s.n_bootstrap:,} bootstrap resamples of the counts (seed {s.seed}).",
        "Each group's rate is tested against the reference's with Fisher's exact test (with "
        "sample weights: the z test on effective counts; F1 and balanced accuracy: the "
        "bootstrap; ROC AUC: the Hanley–McNeil standard error); "
        f"p-values are adjusted with {CORRECTION_TITLES.get(s.correction, s.correction)} "
        f"over the {report.comparisons_judged} comparisons that are judged.",
        _reference_note(s.reference),
        "Verdicts judge only the direction that harms a group (a lower selection rate, a "
        "higher false negative rate, …). 'Adverse impact' means past the rule's line (ratio "
        f"{s.ratio_threshold:g}, or {1 / s.ratio_threshold:.4g} where higher harms; difference "
        f"{s.tolerance:g}) and statistically significant (adjusted p below {s.alpha:g}). "
        "A value exactly on the line is not past it. Groups with fewer than "
        f"{s.min_n} people measured are 'too few people to judge'.",
        *(f"Verdict '{word}': {meaning}" for word, meaning in VERDICTS.items()),
        *(f"{spec.title}: {spec.definition}" for spec in SUMMARIES.values()),
        "Missing protected values are never dropped: they form a group called (missing). "
        "Numeric protected attributes are cut into bands.",
    ]
    if s.suppress_below is not None:
        notes.append(
            f"For privacy, numbers measured on fewer than {s.suppress_below:,} people are "
            "hidden everywhere in this report and its files; counts of people are still shown."
        )
    return notes


def _reference_note(reference: object) -> str:
    if reference == "best":
        return (
            "Each group is compared with the best-treated group that can be judged on each "
            "metric; for selection rates the ratio is then the four-fifths rule's impact ratio."
        )
    if reference == "largest":
        return "Each group is compared with the largest group."
    if reference == "overall":
        return "Each group is compared with everyone in the data (tested against the rest)."
    return "Each group is compared with the group the reviewer chose."


def _limitations(reports: Sequence[SubgroupReport]) -> list[str]:
    items = [
        "The numbers describe this data set only. A different sample, period or population "
        "can give different results.",
        "Differences between groups show association, not cause: they do not say why a "
        "group is treated differently.",
        "Groups are defined by the attributes recorded in the data; people the data "
        "describes wrongly, or groups it does not record, are not seen.",
        "Fairness metrics can conflict: when base rates differ between groups, equal "
        "selection rates and equal error rates cannot usually hold together. Which matters "
        "is a decision for the people accountable for the system.",
        "A pass on these rules is not a legal opinion.",
    ]
    for report in reports:
        s = report.settings
        small = report.groups[
            (report.groups["metric"] == s.metrics[0]) & (report.groups["n"] < s.min_n)
        ]["group"].tolist()
        if small:
            where = f"By {' × '.join(s.attributes)}, " if len(reports) > 1 else ""
            sentence = (
                f"{len(small)} groups have fewer than {s.min_n} people ("
                + ", ".join(str(g) for g in small[:10])
                + (" …" if len(small) > 10 else "")
                + "): their numbers are uncertain and cannot be judged."
            )
            item = where + sentence
            if item not in items:
                items.append(item)
    if any(r.settings.weighted for r in reports):
        items.append("Rows were weighted by the sample weight column; intervals assume it.")
    return items
