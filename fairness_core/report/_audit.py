"""The headless audit: a file (and optionally a model) in, a subgroup report and rule results out.

This is what ``fairness-explorer audit`` runs. The document it produces is
:func:`~fairness_core.subgroups.report_to_dict`'s schema with these additions:

- ``summary_by_attribute``: when several protected attributes are audited one by one
  (without ``--intersect``), each attribute's named summaries; ``summary`` then holds the
  worst value over the attributes (lowest ratio, largest difference), so a pipeline rule
  fails when any attribute breaks it;
- ``data`` and ``model``: file name, SHA-256 and row count, so an auditor can check that
  the numbers belong to the files they hold;
- ``analyses``: with several protected attributes audited one by one, each one's
  document in order (title, settings, groups, disparities, summaries), as in the Report
  page's JSON export with several analyses;
- ``rules``: each ``--fail-on`` rule with the value it was checked against and whether it
  failed;
- ``policies`` (with ``--policy``): :func:`~fairness_core.policies.policy_results_to_dict`,
  one result per policy, requirement and attribute.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fairness_core.data import (
    NUMERIC_LEVELS_WITHOUT_BINS,
    AuditData,
    Binning,
    ColumnRoles,
    DecisionSource,
    check_audit_data,
    default_binning,
    load_dataset,
    numeric_columns,
)
from fairness_core.errors import InvalidInputError
from fairness_core.escaping import escape_markdown, neutralise_formula
from fairness_core.metrics import (
    METRICS,
    RuleResult,
    SubgroupReport,
    calibration_to_dict,
    compute_subgroup_report,
    evaluate_rules,
    metric_table,
    parse_rule,
)
from fairness_core.models import ModelPolicy, load_model
from fairness_core.policies import (
    POLICY_CSV_COLUMNS,
    Policy,
    PolicyResult,
    ReviewEvidence,
    evaluate_policies,
    policy_results_to_csv_rows,
    policy_results_to_dict,
    policy_results_to_markdown,
)
from fairness_core.report._review import (
    FileIdentity,
    calibration_section,
    identify_data,
    identify_model,
    metrics_document,
)

__all__ = ["AuditOutcome", "AuditRequest", "render_audit", "run_audit"]

OutputFormat = Literal["json", "csv", "md"]


@dataclass(frozen=True)
class AuditRequest:
    """Everything one headless audit needs, as given on the command line."""

    data: Path
    target: str
    positive_label: str
    protected: tuple[str, ...]
    prediction: str | None = None
    score: str | None = None
    threshold: float = 0.5
    model: Path | None = None
    intersect: bool = False
    references: tuple[tuple[str, str], ...] = ()
    min_n: int = 30
    alpha: float = 0.05
    fail_on: tuple[str, ...] = ()
    policy: ModelPolicy = field(default_factory=ModelPolicy)
    #: The score column's own range (--score-range MIN MAX); None: scores from 0 to 1.
    score_range: tuple[float, float] | None = None
    #: False with --higher-score-unfavourable (e.g. a risk score).
    higher_score_favourable: bool = True
    #: Policies to check (--policy); not ``policy``, which is the model loading policy.
    policies: tuple[Policy, ...] = ()
    #: Policy attribute → protected column (--policy-column ATTRIBUTE=COLUMN).
    policy_columns: tuple[tuple[str, str], ...] = ()
    #: Where the counts are made (--engine): "memory", "duckdb", "spark" or "auto"
    #: (DuckDB for folders, patterns and large files; see fairness_core.engines).
    engine: str = "memory"
    #: --spark-master: a master URL (local[2], spark://host:7077) or a Spark Connect sc:// URL.
    spark_master: str | None = None


@dataclass(frozen=True)
class AuditOutcome:
    """The reports (one per grouping), the JSON document, and the rule results."""

    reports: tuple[SubgroupReport, ...]
    document: dict[str, Any]
    rules: tuple[RuleResult, ...]
    policy_results: tuple[PolicyResult, ...] = ()

    @property
    def failed(self) -> bool:
        """True when any --fail-on rule failed or any policy was not met."""
        return any(result.failed for result in self.rules) or any(
            result.failed for result in self.policy_results
        )


def run_audit(request: AuditRequest) -> AuditOutcome:
    """Load, validate, compute the subgroup report(s) and check the rules."""
    if request.prediction and request.score:
        raise InvalidInputError(
            "Both --prediction and --score were given. Expected one decision source. "
            "Keep --prediction for a column of decisions, or --score with --threshold."
        )
    if (request.score_range is not None or not request.higher_score_favourable) and (
        not request.score
    ):
        raise InvalidInputError(
            "--score-range and --higher-score-unfavourable describe a --score column, and no "
            "--score was given. Expected --score COLUMN with them. Add --score, or drop them."
        )
    unknown = [column for column, _ in request.references if column not in request.protected]
    if unknown:
        raise InvalidInputError(
            f"--reference names {', '.join(unknown)}, which is not a --protected column. "
            "Expected COLUMN=VALUE for one of the protected attributes."
        )
    if _uses_engine(request):
        return _finish(request, *_count_with_engine(request))
    dataset = load_dataset(request.data)
    model = load_model(request.model, policy=request.policy) if request.model else None
    numeric = set(numeric_columns(dataset.frame))
    bins = tuple(
        default_binning(column)
        for column in request.protected
        if column in numeric
        and dataset.frame[column].nunique(dropna=True) > NUMERIC_LEVELS_WITHOUT_BINS
    )
    roles = _roles_of(request, bins)
    audit = check_audit_data(dataset.frame, roles, model=model)
    groupings = [request.protected] if request.intersect else [(a,) for a in request.protected]
    reports = tuple(
        compute_subgroup_report(
            audit,
            attributes=grouping,
            reference=_reference_for(grouping, request.references),
            min_n=request.min_n,
            alpha=request.alpha,
        )
        for grouping in groupings
    )
    calibration = calibration_section(audit, groupings) if audit.y_score is not None else None
    return _finish(
        request, reports, identify_data(dataset, audit), identify_model(model), calibration, roles,
        audit,
    )  # fmt: skip


def _finish(
    request: AuditRequest,
    reports: tuple[SubgroupReport, ...],
    data: FileIdentity,
    model: FileIdentity | None,
    calibration: dict[str, Any] | None,
    roles: ColumnRoles,
    audit: AuditData | None,
) -> AuditOutcome:
    # One document per invocation, built as the Report page's JSON export is: the same
    # function, so the same data and settings give the same document.
    document = metrics_document(
        reports, data=data, model=model, calibration=calibration, roles=roles
    )
    rules = [parse_rule(text, known=list(document["summary"])) for text in request.fail_on]
    reasons = {
        name: detail["undefined_because"] or ""
        for name, detail in document["summary_details"].items()
    }
    results = tuple(evaluate_rules(document["summary"], rules, reasons=reasons))
    document["rules"] = [
        {"rule": str(r.rule), "value": r.value, "failed": r.failed, "reason": r.reason or None}
        for r in results
    ]
    checked = _check_policies(request, audit, len(reports))
    if checked:
        document["policies"] = policy_results_to_dict(checked)
    return AuditOutcome(reports, document, results, checked)


def _check_policies(
    request: AuditRequest, audit: AuditData | None, analyses: int
) -> tuple[PolicyResult, ...]:
    """Each --policy evaluated on the audit data (--policy-column maps its attributes)."""
    if not request.policies:
        return ()
    if audit is None:
        # Policies are judged on the rows (the LL144 tables, the standardized mean
        # difference); the DuckDB and Spark engines hand back count tables only.
        raise InvalidInputError(
            f"--policy needs the rows in memory, but the {request.engine} engine counts them "
            "where they are. Run the policy check with --engine memory (on the file, or on a "
            "sample of the log), and the large audit without --policy."
        )
    known = {name for policy in request.policies for name in policy.attributes}
    for attribute, column in request.policy_columns:
        if attribute not in known:
            raise InvalidInputError(
                f"--policy-column names the attribute {attribute!r}, which none of the chosen "
                f"policies uses. Expected one of {', '.join(sorted(known)) or 'none'}. "
                "Check the spelling."
            )
        if column not in request.protected:
            raise InvalidInputError(
                f"--policy-column maps {attribute!r} to {column!r}, which is not a --protected "
                "column. Expected ATTRIBUTE=COLUMN with one of the protected columns. Add "
                f"--protected {column}, or map another column."
            )
    return evaluate_policies(
        request.policies,
        audit,
        columns=dict(request.policy_columns),
        evidence=ReviewEvidence(analyses=analyses),
    )


def _roles_of(request: AuditRequest, bins: tuple[Binning, ...] = ()) -> ColumnRoles:
    """The column roles the command line's flags name (one place for both paths)."""
    source: DecisionSource = (
        "prediction" if request.prediction else "score" if request.score else "model"
    )
    return ColumnRoles(
        target=request.target,
        positive_label=request.positive_label,
        protected=request.protected,
        source=source,
        prediction=request.prediction,
        score=request.score,
        threshold=request.threshold,
        bins=bins,
        score_range=request.score_range,
        higher_score_favourable=request.higher_score_favourable,
    )


def _uses_engine(request: AuditRequest) -> bool:
    """True when the counts come from fairness_core.engines rather than one file in memory.

    One file is read in memory (any format the app reads) unless DuckDB or Spark is named,
    or "auto" meets a CSV or Parquet file over AUTO_DUCKDB_BYTES; a folder or a pattern
    always goes through the engines (whose memory engine reads folders too).
    """
    from fairness_core.engines import AUTO_DUCKDB_BYTES

    path = Path(request.data)
    if not path.is_file():
        return True
    if request.engine == "auto":
        tabular = path.suffix.lower() in (".csv", ".parquet", ".pq")
        return tabular and path.stat().st_size > AUTO_DUCKDB_BYTES
    return request.engine != "memory"


def _count_with_engine(
    request: AuditRequest,
) -> tuple[
    tuple[SubgroupReport, ...],
    FileIdentity,
    FileIdentity | None,
    dict[str, Any] | None,
    ColumnRoles,
    AuditData | None,
]:
    """The reports from an engine's count tables (DuckDB, Spark, or memory over a folder)."""
    from fairness_core.engines import count_audit

    model = load_model(request.model, policy=request.policy) if request.model else None
    roles = _roles_of(request)  # the engine adds the default bands (default_bins=True)
    groupings = [request.protected] if request.intersect else [(a,) for a in request.protected]
    counted = count_audit(
        str(request.data),
        roles,
        groupings,
        engine=request.engine,  # type: ignore[arg-type]
        spark_master=request.spark_master,
        model=model,
        default_bins=True,
        score_sums=False,  # the audit's metrics read the cells; calibration has its own table
    )
    reports = tuple(
        compute_subgroup_report(
            counts,
            reference=_reference_for(grouping, request.references),
            min_n=request.min_n,
            alpha=request.alpha,
        )
        for counts, grouping in zip(counted.counts, groupings, strict=True)
    )
    data = FileIdentity(
        name=counted.source.name,
        sha256=counted.source.sha256(),
        rows=counted.rows,
        audited_rows=counted.audited_rows,
        kind=counted.source.format,
    )
    calibration = None
    if any(c is not None for c in counted.calibration):
        calibration = {
            " × ".join(grouping): calibration_to_dict(result)
            for grouping, result in zip(groupings, counted.calibration, strict=True)
            if result is not None
        }
    return reports, data, identify_model(model), calibration, counted.roles, counted.audit


def render_audit(outcome: AuditOutcome, fmt: OutputFormat) -> str:
    """The outcome as JSON, CSV (one row per group and metric) or Markdown."""
    if fmt == "json":
        return json.dumps(outcome.document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "csv":
        return _csv(outcome)
    return _markdown(outcome)


def _reference_for(
    grouping: Sequence[str], references: Sequence[tuple[str, str]]
) -> Literal["best"] | tuple[str, ...]:
    """The reference group for one grouping: named by --reference, else the best-treated.

    The best-treated group that can be judged makes the selection-rate ratio the
    four-fifths rule's impact ratio.
    """
    chosen = dict(references)
    named = [column for column in grouping if column in chosen]
    if not named:
        return "best"
    missing = [column for column in grouping if column not in chosen]
    if missing:
        raise InvalidInputError(
            f"--reference names a value for {', '.join(named)} but not for "
            f"{', '.join(missing)}. With --intersect the reference group needs a value for "
            "every protected attribute, e.g. "
            + " ".join(f"--reference {c}=VALUE" for c in grouping)
            + "."
        )
    return tuple(chosen[column] for column in grouping)


CSV_COLUMNS = (
    "attributes",
    "group",
    "n",
    "metric",
    "measured_on",
    "value",
    "ci_low",
    "ci_high",
    "difference",
    "difference_verdict",
    "ratio",
    "ratio_verdict",
    "p_value_adjusted",
)


def _csv(outcome: AuditOutcome) -> str:
    buffer = io.StringIO()
    # RFC 4180 line ends: the writer then quotes a cell holding a CR or LF, so it stays one cell.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for report in outcome.reports:
        attributes = " × ".join(report.settings.attributes)
        for metric in report.settings.metrics:
            for row in metric_table(report, metric).to_dict("records"):
                values = [
                    attributes,
                    row["group"],
                    row["n"],
                    metric,
                    row["denominator"],
                    row["value"],
                    row["ci_low"],
                    row["ci_high"],
                    row["difference"],
                    row["difference_verdict"],
                    row["ratio"],
                    row["ratio_verdict"],
                    row["difference_p_adjusted"],
                ]
                writer.writerow([_cell(v) for v in values])
    if outcome.policy_results:  # a second table after an empty row
        writer.writerow([])
        writer.writerow(POLICY_CSV_COLUMNS)
        writer.writerows(policy_results_to_csv_rows(outcome.policy_results))
    return buffer.getvalue()


def _cell(value: object) -> object:
    """A CSV cell: numbers as written, missing as empty, text made formula-safe."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return neutralise_formula(value)
    return value


def _markdown(outcome: AuditOutcome) -> str:
    doc = outcome.document
    data = doc["data"]
    lines = [
        "# Fairness audit",
        "",
        f"Data: {escape_markdown(data['file'])} ({data['rows']:,} rows), "
        f"SHA-256 `{data['sha256']}`.",
    ]
    if doc["model"]:
        lines.append(
            f"Model: {escape_markdown(doc['model']['file'])}, SHA-256 `{doc['model']['sha256']}`."
        )
    lines += ["", "## Summary", "", "| summary | value |", "|---|---|"]
    lines += [f"| {name} | {_number(value)} |" for name, value in doc["summary"].items()]
    if outcome.rules:
        lines += ["", "## Rules", ""]
        lines += [f"- {escape_markdown(result.describe())}" for result in outcome.rules]
    if outcome.policy_results:
        lines += ["", policy_results_to_markdown(outcome.policy_results).rstrip("\n")]
    for report in outcome.reports:
        title = " × ".join(escape_markdown(a) for a in report.settings.attributes)
        lines += ["", f"## Groups by {title}", ""]
        for metric in report.settings.metrics:
            spec = METRICS[metric]
            lines += [
                f"### {spec.title}",
                "",
                escape_markdown(spec.explanation),
                "",
                "| group | measured on | value | 95% interval | ratio vs reference | verdict |",
                "|---|---|---|---|---|---|",
            ]
            for row in metric_table(report, metric).to_dict("records"):
                lines.append(
                    f"| {escape_markdown(row['group'])} | {row['denominator']:,} | "
                    f"{_number(row['value'])} | {_number(row['ci_low'])}–{_number(row['ci_high'])} "
                    f"| {_number(row['ratio'])} | {_text(row['ratio_verdict'])} |"
                )
            lines.append("")
    return "\n".join(lines) + "\n"


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return escape_markdown(value)


def _number(value: object) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{float(value):.3f}"  # type: ignore[arg-type]
