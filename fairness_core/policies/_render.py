"""Policy results as a short Markdown table and as CSV rows (the audit command's outputs).

Every text that came from a file (policy names from a user's policy file, group labels
and column names from the data) is escaped: Markdown-escaped, or made formula-safe in CSV.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from fairness_core.escaping import escape_markdown, neutralise_formula
from fairness_core.policies._model import PolicyResult

__all__ = ["POLICY_CSV_COLUMNS", "policy_results_to_csv_rows", "policy_results_to_markdown"]

POLICY_CSV_COLUMNS = (
    "policy", "requirement", "attribute", "status", "value", "line", "reason",
)  # fmt: skip


def _number(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return ""
    return f"{value:.3f}"


def policy_results_to_markdown(results: Sequence[PolicyResult]) -> str:
    """One section: each policy's status, then a table of requirement × attribute × status."""
    lines = ["## Policies", ""]
    for result in results:
        p = result.policy
        lines += [
            f"### {escape_markdown(p.name)} ({escape_markdown(p.version)}): {result.status}",
            "",
            f"Source: {escape_markdown(p.source)}",
            "",
            "| requirement | attribute | status | value | line | why |",
            "|---|---|---|---|---|---|",
        ]
        for r in result.requirements:
            line = "" if r.line is None else f"{r.line:g}"
            lines.append(
                f"| {escape_markdown(r.title)} | {escape_markdown(r.attribute)} | {r.status} | "
                f"{_number(r.value)} | {line} | {escape_markdown(r.reason)} |"
            )
        lines += ["", f"Not covered: {escape_markdown(p.not_covered)}", ""]
    return "\n".join(lines) + "\n"


def policy_results_to_csv_rows(results: Sequence[PolicyResult]) -> list[list[str]]:
    """Rows under :data:`POLICY_CSV_COLUMNS`, one per requirement and attribute."""
    rows = []
    for result in results:
        for r in result.requirements:
            values = [
                result.policy.id,
                r.requirement,
                r.attribute,
                r.status,
                _number(r.value),
                "" if r.line is None else f"{r.line:g}",
                r.reason,
            ]
            rows.append([neutralise_formula(v) for v in values])
    return rows
