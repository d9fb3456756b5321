"""Machine-readable exports of a review: metrics as CSV, Excel and JSON, and a model card.

Every builder takes the :class:`~fairness_core.report.ReviewReport` the HTML and PDF reports
render, so the files hold the same numbers.

- :func:`build_metrics_csv` / :func:`build_metrics_excel`: one row per analysis, group and
  metric, analyses in the report's order. The CSV is for programs: its header is the
  machine names of ``fairness-explorer audit --format csv`` (``ci_low``,
  ``difference_verdict``, …) plus ``suppressed`` and ``analysis`` (the analysis's number
  and title), so a script reads both files alike. The Excel workbook is for people: every
  header is a plain title ("95% interval, low", "Verdict on the difference") and each
  metric is named by its title ("Selection rate"), as in the PDF and HTML reports. It adds
  the named summaries of each analysis, the analyses' settings, the findings (those from
  other data on their own sheet), each finding's table in full on its own sheet ("Finding
  3": the PDF summarises a long one, e.g. a trade-off frontier), the operating points side
  by side and an "About" sheet (data and model identity, shared settings, package
  versions).
- :func:`build_metrics_json`: the ``fairness-explorer audit`` JSON schema (README, "JSON
  output") plus the review's ``operating_points`` (every recorded option, as
  :func:`~fairness_core.report.operating_point_to_dict` writes it, with ``on_this_data``)
  and ``recommended_operating_point`` (its id, or null); for the same data and settings the
  rest equals the command's document. With several analyses, ``analyses`` lists each one
  in order.
- :func:`build_model_card`: a model-card section in Markdown (intended use, evaluation
  data, metrics by group, limitations, ethical considerations) with placeholders for the
  reviewer to complete.

*Spreadsheet safety*: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is written with a leading apostrophe
(:func:`~fairness_core.escaping.neutralise_formula`), so no spreadsheet runs it as a
formula. Numbers are written as numbers (a negative difference stays a number). Control
characters that Excel cannot store are removed from text.

openpyxl is imported inside :func:`build_metrics_excel`, so ``import fairness_core`` does
not pay for it.

*Suppression*: numbers measured on fewer people than the report's ``suppress_below`` are
already hidden in the report (empty cells, ``suppressed`` true); the exports keep them hidden.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fairness_core.escaping import escape_markdown, neutralise_formula
from fairness_core.metrics import METRICS, SUMMARIES, plain_column_title, summary_spec
from fairness_core.policies import policy_results_to_dict
from fairness_core.report._audit import CSV_COLUMNS
from fairness_core.report._findings import (
    SEVERITY_TITLES,
    Finding,
    operating_point_to_dict,
    operating_point_warnings,
)
from fairness_core.report._points import compare_operating_points
from fairness_core.report._review import (
    ReviewAnalysis,
    ReviewReport,
    identity_rows,
    metrics_document,
)
from fairness_core.report._sections import markdown_section

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "METRIC_COLUMNS",
    "build_metrics_csv",
    "build_metrics_excel",
    "build_metrics_json",
    "build_model_card",
    "metric_rows",
]

#: Columns of the CSV and of the Excel "Metrics" sheet (the audit command's CSV, then
#: suppressed and the analysis, "1: By race — …", that the row belongs to).
METRIC_COLUMNS = (*CSV_COLUMNS, "suppressed", "analysis")
#: Titles of the Excel "Metrics" sheet where the shared column titles do not say enough.
_EXCEL_TITLES = {"p_value_adjusted": "Difference, p-value (adjusted)"}
# Characters an .xlsx file cannot hold (XML 1.0 forbids them).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PLACEHOLDER = "_[Reviewer: {}]_"


def _analysis_label(number: int, title: str) -> str:
    return f"{number}: {title}"


def metric_rows(review: ReviewReport) -> list[dict[str, Any]]:
    """One dict per analysis, group and metric with :data:`METRIC_COLUMNS` (numbers stay
    numbers), analyses in the report's order."""
    rows = []
    for number, analysis in enumerate(review.analyses, start=1):
        attributes = " × ".join(analysis.subgroup.settings.attributes)
        label = _analysis_label(number, analysis.title)
        for table in analysis.group_tables:
            for record in table.table.to_dict("records"):
                rows.append(
                    {
                        "attributes": attributes,
                        "group": record["group"],
                        "n": record["n"],
                        "metric": table.metric,
                        "measured_on": record["denominator"],
                        "value": record["value"],
                        "ci_low": record["ci_low"],
                        "ci_high": record["ci_high"],
                        "difference": record["difference"],
                        "difference_verdict": record["difference_verdict"],
                        "ratio": record["ratio"],
                        "ratio_verdict": record["ratio_verdict"],
                        "p_value_adjusted": record["difference_p_adjusted"],
                        "suppressed": bool(record["suppressed"]),
                        "analysis": label,
                    }
                )
    return rows


def _plain(value: object) -> object:
    """A cell value: numbers as Python numbers, missing as None, text formula-safe."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    text = _ILLEGAL_XML.sub("", str(value))
    return neutralise_formula(text)


def build_metrics_csv(review: ReviewReport) -> bytes:
    """Metrics as CSV (UTF-8 with a byte-order mark, so Excel shows "25–34" correctly)."""
    buffer = io.StringIO()
    # RFC 4180 line ends: the writer then quotes any cell holding a CR or LF, so a value
    # such as "\rCR" stays one cell instead of breaking the row.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(METRIC_COLUMNS)
    for row in metric_rows(review):
        values = [_plain(row[c]) for c in METRIC_COLUMNS]
        writer.writerow(["" if v is None else v for v in values])
    return buffer.getvalue().encode("utf-8-sig")


def build_metrics_json(review: ReviewReport) -> str:
    """Metrics in the ``fairness-explorer audit`` JSON schema (NaN as null)."""
    calibration = None if review.calibration_json is None else json.loads(review.calibration_json)
    document = metrics_document(
        review.subgroups,
        data=review.data,
        model=review.model,
        calibration=calibration,
        roles=review.roles,
    )
    document["operating_points"] = [
        {**operating_point_to_dict(p), "on_this_data": any(p is q for q in review.points_on_data)}
        for p in review.operating_points
    ]
    document["recommended_operating_point"] = review.recommended_point
    if review.policies:
        document["policies"] = policy_results_to_dict(review.policies)
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def build_metrics_excel(review: ReviewReport) -> bytes:
    """Metrics as an .xlsx workbook: Metrics, Summary, Findings and About sheets."""
    from openpyxl import Workbook  # imported here: only this export needs it

    book = Workbook()
    metrics = book.active
    assert metrics is not None  # noqa: S101 - a new workbook always has a sheet
    metrics.title = "Metrics"
    _write(
        metrics,
        excel_metric_titles(review),
        (
            [_metric_title(row[c]) if c == "metric" else row[c] for c in METRIC_COLUMNS]
            for row in metric_rows(review)
        ),
    )
    summary = book.create_sheet("Summary")
    _write(
        summary,
        ("Summary", "Value", "Definition", "Undefined because", "Groups left out", "Analysis"),
        (
            (
                summary_spec(name).title,
                detail.value,
                summary_spec(name).definition,
                detail.reason,
                ", ".join(detail.groups_left_out),
                _analysis_label(number, analysis.title),
            )
            for number, analysis in enumerate(review.analyses, start=1)
            for name, detail in analysis.subgroup.summary_details.items()
        ),
    )
    analyses = book.create_sheet("Analyses")
    _write(
        analyses,
        ("Analysis", "Title", "Setting", "Value"),
        (
            (number, analysis.title, setting, value)
            for number, analysis in enumerate(review.analyses, start=1)
            for setting, value in analysis.settings
        ),
    )
    finding_columns = ("Number", "Title", "Severity", "Page", "Note", "Summary", "Data",
                       "Data SHA-256", "Created")  # fmt: skip
    findings = book.create_sheet("Findings")
    _write(findings, finding_columns, _finding_rows(review.findings))
    if review.other_findings:
        other = book.create_sheet("Findings from other data")
        first = len(review.findings) + 1
        _write(other, finding_columns, _finding_rows(review.other_findings, first))
    confidence = review.subgroup.settings.confidence
    every = (*review.findings, *review.other_findings)
    for number, finding in enumerate(every, start=1):
        if finding.table is None:
            continue
        sheet = book.create_sheet(f"Finding {number}")
        sheet.append([f"Finding {number}: {_plain(finding.title)}"])
        _write(
            sheet,
            [plain_column_title(c, confidence) for c in finding.table.columns],
            finding.table.itertuples(index=False, name=None),
            header_row=2,
        )
    if review.operating_points:
        points = book.create_sheet("Operating points")
        this, other = review.points_on_data, review.points_from_other_data
        for part, recommended, note in (
            (this, review.recommended_point, None),
            (other, None, "From other data: these numbers do not describe this data."),
        ):
            if not part:
                continue
            if note:
                points.append([])
                points.append([note])
            text = compare_operating_points(part, recommended=recommended).text()
            _write(points, list(text.columns), text.itertuples(index=False, name=None))
    about = book.create_sheet("About")
    rows: list[tuple[str, str]] = [("Report", review.title), ("Created", review.created)]
    rows += identity_rows(review.data, review.model)
    rows += list(review.settings)
    rows += [(f"Version of {name}", version) for name, version in review.versions]
    _write(about, ("What", "Value"), rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def excel_metric_titles(review: ReviewReport) -> list[str]:
    """The plain titles of the Excel "Metrics" sheet, one per :data:`METRIC_COLUMNS`.

    The interval's level is named when every analysis uses the same one ("95% interval,
    low"); otherwise each analysis's level is in the "Analyses" sheet.
    """
    levels = {a.subgroup.settings.confidence for a in review.analyses}
    titles = []
    for column in METRIC_COLUMNS:
        if column in _EXCEL_TITLES:
            titles.append(_EXCEL_TITLES[column])
        elif len(levels) == 1:
            titles.append(plain_column_title(column, next(iter(levels))))
        else:
            titles.append(plain_column_title(column).replace("95% interval", "Interval"))
    return titles


def _metric_title(name: object) -> object:
    return METRICS[name].title if isinstance(name, str) and name in METRICS else name


def _finding_rows(findings: Iterable[Finding], first: int = 1) -> Iterable[Sequence[object]]:
    return (
        (i, f.title, SEVERITY_TITLES.get(f.severity, f.severity), f.page, f.note, f.summary,
         f.data_name, f.data_sha256, f.created)
        for i, f in enumerate(findings, start=first)
    )  # fmt: skip


def _write(
    sheet: Worksheet,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    header_row: int = 1,
) -> None:
    from openpyxl.utils import get_column_letter

    sheet.append(list(header))
    for row in rows:
        sheet.append([_plain(v) for v in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
    sheet.freeze_panes = f"A{header_row + 1}"
    for index, title in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(title) + 4))


def _number(value: object) -> str:
    if value is None or not isinstance(value, (int, float, np.number)) or isinstance(value, bool):
        return "n/a"
    number = float(value)
    return f"{number:.3f}" if math.isfinite(number) else "n/a"


def build_model_card(review: ReviewReport) -> str:
    """A model-card fairness section in Markdown, with placeholders for the reviewer."""
    e = escape_markdown
    data, model, roles = review.data, review.model, review.roles
    groupings = "; ".join(" × ".join(a.subgroup.settings.attributes) for a in review.analyses)
    lines = [
        f"## Fairness: {e(review.title)}",
        "",
        "Drafted by Fairness Explorer on " + e(review.created) + ". Text in "
        + _PLACEHOLDER.format("…") + " is for the reviewer to complete; "
        "everything else comes from the audit.",
        "",
        "### Intended use",
        "",
    ]  # fmt: skip
    if model is not None:
        lines.append(f"- Model: {e(model.name)} ({e(model.kind)}), SHA-256 `{model.sha256}`.")
    else:
        source = roles.prediction if roles.source == "prediction" else roles.score
        lines.append(f"- Decisions audited: the column {e(source)} of the evaluation data.")
    intended = review.evidence.intended_use.strip()
    lines += [
        "- "
        + (e(intended) if intended
           else _PLACEHOLDER.format("what the model decides, for whom, and who acts on it")),
        "- " + _PLACEHOLDER.format("uses that are out of scope"),
        "",
        "### Evaluation data",
        "",
        f"- File: {e(data.name)}, SHA-256 `{data.sha256}`, "
        f"{data.audited_rows if data.audited_rows is not None else data.rows or 0:,} rows audited.",
        f"- Outcome: {e(roles.target)} (favourable: {e(roles.positive_label)}).",
        f"- Groups compared by: {e(groupings)}; protected attributes in the "
        f"data: {e(', '.join(roles.protected))}.",
        "- " + _PLACEHOLDER.format("where the data comes from, which period, and how it "
                                   "differs from the people the model will decide about"),
        "",
        "### Metrics by group",
        "",
    ]  # fmt: skip
    for number, analysis in enumerate(review.analyses, start=1):
        lines += _card_analysis(number, analysis)
    lines += ["### Limitations", ""]
    lines += [f"- {e(item)}" for item in review.limitations]
    known = review.evidence.known_limitations.strip()
    lines += [
        "- "
        + (
            e(known)
            if known
            else _PLACEHOLDER.format("limitations you know of that the audit cannot see")
        ),
        "",
        "### Ethical considerations",
        "",
    ]
    for finding in review.findings:
        if finding.severity in ("critical", "concern"):
            note = f" {e(finding.note)}" if finding.note else ""
            lines.append(
                f"- {e(SEVERITY_TITLES[finding.severity].split(' — ')[0])}: "
                f"{e(finding.title)}.{note}"
            )
    for point in review.points_on_data:
        word = "Recommended" if point.id == review.recommended_point else "Considered"
        if len(review.points_on_data) == 1 and word == "Considered":
            word = "Chosen"
        lines.append(f"- {word} operating point: {e(point.title)}. Why: {e(point.rationale)}")
        lines.extend(f"  - Warning: {e(w)}" for w in operating_point_warnings(point))
    lines += [
        "- " + _PLACEHOLDER.format("who could be harmed by the model's mistakes, and how"),
        "- " + _PLACEHOLDER.format("what was done about the findings above, and who signed off"),
        "",
    ]
    for section in review.sections_before_findings:
        lines += markdown_section(section, level=3)
    if review.other_findings:
        lines += [
            "### Findings from other data",
            "",
            "Pinned on other data than this card describes ("
            + "; ".join(e(name) for name in review.other_data_names())
            + "); their numbers do not come from the evaluation data above.",
            "",
        ]
        for finding in review.other_findings:
            note = f" {e(finding.note)}" if finding.note else ""
            severity = SEVERITY_TITLES.get(finding.severity, finding.severity).split(" — ")[0]
            lines.append(
                f"- {e(severity)}: {e(finding.title)} (data {e(finding.data_name)}).{note}"
            )
        lines.append("")
    return "\n".join(lines)


def _card_analysis(number: int, analysis: ReviewAnalysis) -> list[str]:
    """One analysis in the model card: heading, settings, tables and named summaries."""
    e = escape_markdown
    level = f"{analysis.subgroup.settings.confidence:.0%}"
    lines = [f"#### Analysis {number}: {e(analysis.title)}", ""]
    lines += [f"- {e(setting)}: {e(value)}" for setting, value in analysis.settings]
    lines.append("")
    for table in analysis.group_tables:
        lines += [
            f"**{e(table.title)}**: {e(table.explanation)}",
            "",
            f"| Group | People | Value | {level} interval | Ratio vs reference | Verdict |",
            "|---|---|---|---|---|---|",
        ]
        for row in table.table.to_dict("records"):
            verdict = row["ratio_verdict"]
            verdict_text = "" if not isinstance(verdict, str) else e(verdict)
            lines.append(
                f"| {e(row['group'])} | {int(row['n']):,} | {_number(row['value'])} | "
                f"{_number(row['ci_low'])}–{_number(row['ci_high'])} | "
                f"{_number(row['ratio'])} | {verdict_text} |"
            )
        lines.append("")
    details = analysis.subgroup.summary_details
    named = [d for k, d in details.items() if k in SUMMARIES]
    if named:
        lines += ["| Summary | Value | Definition |", "|---|---|---|"]
        for detail in named:
            shown = _number(detail.value) if not detail.reason else f"n/a ({detail.reason})"
            spec = SUMMARIES[detail.name]
            lines.append(f"| {e(spec.title)} | {e(shown)} | {e(spec.definition)} |")
        lines.append("")
    return lines
