"""A datasheet for the evaluation data, drafted from the review.

The sections follow "Datasheets for Datasets" (Gebru et al., Communications of the ACM 64(12),
2021): motivation, composition, collection, preprocessing, uses, distribution and
maintenance. What the review knows is filled in — the file and its SHA-256, its rows, the
outcome and its favourable value, the protected attributes and, for every analysis, each
group's people, share and rate of the favourable outcome in the data — and what only the
data's owner knows is left as a marked placeholder, never guessed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairness_core.escaping import escape_markdown
from fairness_core.metrics import metric_values
from fairness_core.report._review import ReviewReport
from fairness_core.report._sections import markdown_table

__all__ = ["build_datasheet", "group_composition"]

_TODO = "_[to complete: {}]_"


def group_composition(review: ReviewReport) -> list[tuple[str, pd.DataFrame]]:
    """Per analysis: each group's people, share of the rows and favourable-outcome rate.

    Counted from the analysis's count table, so the numbers are the rows the audit used
    (the rate is weighted when the audit is).
    """
    out = []
    for analysis in review.analyses:
        counts = analysis.subgroup.counts
        people = counts.n.astype(float)
        total = people.sum()
        rate = metric_values(counts, "base_rate")
        frame = pd.DataFrame(
            {
                "Group": list(counts.names),
                "People": people.astype(int),
                "Share of rows": people / total if total else np.nan,
                "Favourable outcome in the data": rate,
            }
        )
        out.append((analysis.title, frame))
    return out


def build_datasheet(review: ReviewReport) -> str:
    """The datasheet as Markdown (text from files and reviewers escaped)."""
    e = escape_markdown
    data, roles, evidence = review.data, review.roles, review.evidence
    rows = data.audited_rows if data.audited_rows is not None else data.rows
    lines = [
        f"# Datasheet: {e(data.name)}",
        "",
        f"Drafted by Fairness Explorer on {e(review.created)} from the review "
        f"“{e(review.title)}”. Text marked {_TODO.format('…')} is for the data's owner.",
        "",
        "## Motivation",
        "",
        "- Why the data was collected: " + _TODO.format("purpose and who funded it"),
        "- Used in this review to evaluate: "
        + (e(evidence.intended_use.strip()) or _TODO.format("the decision the model makes")),
        "",
        "## Composition",
        "",
        f"- File: {e(data.name)} ({e(data.kind or 'table')}), SHA-256 `{data.sha256}`.",
        f"- Rows: {data.rows or 0:,} in the file; {rows or 0:,} entered the audit.",
        f"- Outcome column: {e(roles.target)} (favourable value: {e(roles.positive_label)}).",
        f"- Protected attributes: {e(', '.join(roles.protected)) or 'none chosen'}.",
        "- Does it hold personal data, and on whom: " + _TODO.format("describe"),
        "",
    ]
    for title, frame in group_composition(review):
        lines += [f"### Groups: {e(title)}", "", *markdown_table(frame), ""]
    lines += [
        "## Collection process",
        "",
        "- How and when the data was collected: " + _TODO.format("source, period, sampling"),
        "- Consent and notice: " + _TODO.format("describe"),
        "",
        "## Preprocessing, cleaning and labelling",
        "",
        "- How the outcome was recorded, and by whom: "
        + _TODO.format("labels may carry past decisions' bias"),
        "",
        "## Uses",
        "",
        "- Known limitations: "
        + (e(evidence.known_limitations.strip()) or _TODO.format("what the data cannot show")),
        "- Uses to avoid: " + _TODO.format("describe"),
        "",
        "## Distribution and maintenance",
        "",
        "- Who holds the data and who may use it: " + _TODO.format("describe"),
        "- Who maintains it and how errors are reported: " + _TODO.format("describe"),
        "",
    ]
    return "\n".join(lines)
