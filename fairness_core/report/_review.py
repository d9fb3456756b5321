"""The review report: what one audit found, in the order a stakeholder reads it.

A :class:`ReviewReport` is the *content* of every export — the HTML and PDF reports, the
metrics files, the model card and the audit bundle all render the same object, so they
can never disagree with each other or with the Subgroups page. It holds, in reading order:

1. an *executive summary*: a few plain sentences (who was audited, which groups fail which
   rule, what the reviewer pinned, which operating point is recommended);
2. the reviewer's *findings* (:class:`~fairness_core.findings.Finding`) and the recorded
   *operating points* side by side, the recommended one marked, each with its rationale
   (options recorded on other data are kept apart and never enter the summary);
3. *per-group tables*: each metric's value per group with its interval, and its difference
   and ratio against the reference group with the verdict;
4. *method notes* (how intervals, tests and verdicts are made) and *limitations*;
5. the *identity* of the data and model (file name, SHA-256, rows), every *setting*
   (column roles and report settings) and the *package versions* that produced it.

*Suppression*: when the subgroup report was computed with ``suppress_below=k``, every
number measured on fewer than ``k`` people is hidden in every export — in the group
tables (by the core), in the findings' tables and operating-point tables (by
:func:`suppress_small_groups`), and a finding's chart is left out when its table shows such
a group (a chart cannot be redacted reliably).
"""

from __future__ import annotations

import json
import platform
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

from fairness_core.data import AuditData, Binning, ColumnRoles, Dataset
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import (
    CORRECTION_TITLES,
    METRIC_TABLE_COLUMNS,
    METRICS,
    SUMMARIES,
    VERDICTS,
    SubgroupReport,
    calibration_to_dict,
    compute_calibration_by_group,
    compute_inequality,
    inequality_to_dict,
    metric_table,
    report_to_dict,
)
from fairness_core.models import LoadedModel
from fairness_core.report._findings import Finding, OperatingPointRecord
from fairness_core.report._points import lead_operating_point, split_by_data
from fairness_core.report._summary import executive_summary

__all__ = [
    "REPORT_PACKAGES",
    "FileIdentity",
    "GroupTable",
    "ReviewReport",
    "build_review",
    "identify_data",
    "identify_model",
    "identity_rows",
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
class ReviewReport:
    """Everything the exports render, in reading order (see the module docstring)."""

    title: str
    created: str
    data: FileIdentity
    model: FileIdentity | None
    roles: ColumnRoles
    subgroup: SubgroupReport = field(repr=False, compare=False)
    findings: tuple[Finding, ...]
    #: Every recorded operating point, in the reviewer's order (see :attr:`points_on_data`).
    operating_points: tuple[OperatingPointRecord, ...]
    #: The id of the recommended operating point (None: none marked).
    recommended_point: str | None
    executive_summary: tuple[str, ...]
    group_tables: tuple[GroupTable, ...] = field(repr=False, compare=False)
    settings: tuple[tuple[str, str], ...]
    method_notes: tuple[str, ...]
    limitations: tuple[str, ...]
    versions: tuple[tuple[str, str], ...]
    #: Findings whose chart is left out because it may show a suppressed group.
    hidden_figures: frozenset[str] = frozenset()
    #: Calibration by group as JSON text (None without scores), for the metrics exports.
    calibration_json: str | None = None

    @property
    def suppress_below(self) -> int | None:
        """The smallest number of people a shown number may be measured on (None: all)."""
        return self.subgroup.settings.suppress_below

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
    }


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
    report: SubgroupReport,
    *,
    data: FileIdentity,
    model: FileIdentity | None,
    calibration: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The metrics in the ``fairness-explorer audit`` JSON schema (README, "JSON output").

    The same keys as the audit command: ``overall``, ``groups``, ``disparities``,
    ``summary``, ``settings``, ``data`` (file, sha256, audited rows), ``model`` and
    ``rules`` (empty: rules belong to the command line).
    """
    document = report_to_dict(report)
    rows = data.audited_rows if data.audited_rows is not None else data.rows
    document["data"] = {"file": data.name, "sha256": data.sha256, "rows": rows}
    document["model"] = (
        {"file": model.name, "sha256": model.sha256, "kind": model.kind} if model else None
    )
    document["rules"] = []
    document["inequality"] = inequality_section([report])
    document["calibration"] = None if calibration is None else dict(calibration)
    return document


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
        named = report.settings.reference
        if isinstance(named, (tuple, list)):
            result = compute_inequality(report.counts, reference=tuple(named))
        else:
            result = compute_inequality(report.counts, reference="largest")
        section[" × ".join(report.settings.attributes)] = inequality_to_dict(result)
    return section


def build_review(
    report: SubgroupReport,
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
) -> ReviewReport:
    """Assemble the report content from a subgroup report and the session's review.

    ``calibration`` is :func:`calibration_section`'s result when the audit has scores; the
    JSON export carries it as the command line does. ``operating_points`` are the recorded
    options in the reviewer's order and ``recommended`` the id of the recommended one (an
    id that names none of them is ignored).
    """
    if not title.strip():
        raise InvalidInputError("The report needs a title. Type a few words, e.g. 'Loan review'.")
    k = report.settings.suppress_below
    hidden = frozenset(f.id for f in findings if f.figure and _has_small_group(f.table, k))
    kept = tuple(
        replace(f, table=suppress_small_groups(f.table, k) if f.table is not None else None)
        for f in findings
    )
    points = tuple(
        replace(p, per_group=suppress_small_groups(p.per_group, k)) if k is not None else p
        for p in operating_points
    )
    if recommended is not None and not any(p.id == recommended for p in points):
        recommended = None
    this, other = split_by_data(points, data.sha256)
    lead = lead_operating_point(points, recommended, data.sha256)
    summary = executive_summary(
        report, roles, data, model, kept, lead,
        recommended=lead is not None and lead.id == recommended,
        points=this, other_points=other,
    )  # fmt: skip
    tables = tuple(_group_table(report, metric) for metric in report.settings.metrics)
    return ReviewReport(
        title=title.strip(),
        created=created or datetime.now(UTC).isoformat(timespec="seconds"),
        data=data,
        model=model,
        roles=roles,
        subgroup=report,
        findings=kept,
        operating_points=points,
        recommended_point=recommended,
        executive_summary=tuple(summary),
        group_tables=tables,
        settings=tuple(_settings_rows(report, roles)),
        method_notes=tuple(_method_notes(report)),
        limitations=tuple(_limitations(report, kept, data)),
        versions=tuple(versions) if versions is not None else package_versions(),
        hidden_figures=hidden,
        calibration_json=None if calibration is None else json.dumps(calibration),
    )


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
    if isinstance(reference, (list, tuple)):
        return " × ".join(str(v) for v in reference)
    return str(reference)


def _settings_rows(report: SubgroupReport, roles: ColumnRoles) -> list[tuple[str, str]]:
    s = report.settings
    decision = {
        "prediction": f"the column '{roles.prediction}'",
        "score": f"the column '{roles.score}', positive at or above {roles.threshold:g}",
        "model": f"the model's scores, positive at or above {roles.threshold:g}",
    }[roles.source]
    bands = "; ".join(
        f"{b.column}: cut at {', '.join(f'{e:g}' for e in b.edges)}"
        if b.edges
        else f"{b.column}: {b.quantiles} bands of about equal size"
        for b in roles.bins
    )
    rows = [
        ("Outcome (target) column", roles.target),
        ("Favourable outcome", str(roles.positive_label)),
        ("Decisions come from", decision),
        ("Protected attributes in the data", ", ".join(roles.protected)),
        ("Groups compared by", " × ".join(s.attributes)),
        ("Numeric attributes cut into bands", bands or "none"),
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
        ("Sample weights", roles.weight or "none (each row counts once)"),
    ]
    return rows


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
    return "Each group is compared with the group the reviewer chose."


def _limitations(
    report: SubgroupReport, findings: Sequence[Finding], data: FileIdentity
) -> list[str]:
    s = report.settings
    small = report.groups[
        (report.groups["metric"] == s.metrics[0]) & (report.groups["n"] < s.min_n)
    ]["group"].tolist()
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
    if small:
        items.append(
            f"{len(small)} groups have fewer than {s.min_n} people ("
            + ", ".join(str(g) for g in small[:10])
            + (" …" if len(small) > 10 else "")
            + "): their numbers are uncertain and cannot be judged."
        )
    if s.weighted:
        items.append("Rows were weighted by the sample weight column; intervals assume it.")
    return items
