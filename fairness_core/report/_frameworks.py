"""The report's compliance sections: chosen policies, Local Law 144 tables, NIST AI RMF.

- **Policies and compliance**: for each policy the reviewer chose, its status and one row
  per requirement (status, the reason in words, where the evidence is), the lines the
  reviewer edited for this review, what the policy does not cover; a checklist policy (the
  EU AI Act items) lists what this review gives evidence for and what it does not.
- **NYC Local Law 144 tables**: per category the people, the selection or scoring rate and
  the impact ratio, by sex, by race/ethnicity and by their intersection; the people in an
  unknown category and the categories left out of the impact ratios (under 2 % of the data)
  reported separately, as 6 RCNY § 5-301 asks.
- **NIST AI RMF**: what this review did, mapped to the Govern, Map, Measure and Manage
  functions of the NIST AI Risk Management Framework 1.0 (NIST AI 100-1, January 2023),
  subcategory by subcategory, and what is left for the organisation. The framework is
  voluntary; the mapping says what evidence the review holds, not that a function is done.

Every section is built once as plain blocks (:mod:`._sections`) and rendered by the HTML,
PDF and Markdown exports alike.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd

from fairness_core.escaping import neutralise_formula
from fairness_core.policies import (
    STATUSES,
    LL144Tables,
    PolicyResult,
    ReviewEvidence,
)
from fairness_core.report._sections import (
    Section,
    bullets,
    caption,
    heading,
    table,
    text,
)

__all__ = [
    "build_ll144_csv",
    "compliance_section",
    "compliance_sentence",
    "ll144_frames",
    "nist_section",
]


def compliance_sentence(results: Sequence[PolicyResult]) -> str:
    """One executive-summary sentence: each chosen policy and its status."""
    parts = []
    for result in results:
        counts = [r.status for r in result.requirements]
        not_met = counts.count("not met")
        detail = f" ({not_met} of {len(counts)} requirements not met)" if not_met else ""
        parts.append(f"{result.policy.name}: {result.status}{detail}")
    return "Policies checked: " + "; ".join(parts) + "."


def compliance_section(results: Sequence[PolicyResult]) -> Section:
    """The "Policies and compliance" section for the chosen policies' results."""
    blocks = [
        caption(
            "Each policy chosen for this review, checked on this report's data. A status is "
            + "; ".join(f"“{word}”: {meaning}" for word, meaning in STATUSES.items())
        )
    ]
    for result in results:
        policy = result.policy
        blocks.append(heading(f"{policy.name} (version {policy.version}): {result.status}"))
        blocks.append(text(policy.summary))
        blocks.append(caption(f"Source: {policy.source}. Read from: {policy.origin}."))
        if policy.edits:
            blocks.append(
                bullets(
                    "Line changed by the reviewer for this review: "
                    f"{_title_of(result, e.requirement)} — {e.original:g} in the policy, "
                    f"{e.edited:g} here."
                    for e in policy.edits
                )
            )
        checklist = {item.id: item for item in policy.checklist}
        metric_rows = [r for r in result.requirements if r.requirement not in checklist]
        if metric_rows:
            blocks.append(
                table(
                    pd.DataFrame(
                        {
                            "Requirement": [r.title for r in metric_rows],
                            "Judged by": [r.attribute or "—" for r in metric_rows],
                            "Status": [r.status for r in metric_rows],
                            "Why": [r.reason for r in metric_rows],
                            "Evidence": [r.evidence or "—" for r in metric_rows],
                        }
                    )
                )
            )
        items = [r for r in result.requirements if r.requirement in checklist]
        if items:
            blocks.append(
                table(
                    pd.DataFrame(
                        {
                            "Item": [r.title for r in items],
                            "Status": [r.status for r in items],
                            "What this review provides": [
                                checklist[r.requirement].provides for r in items
                            ],
                            "What it does not": [checklist[r.requirement].does_not for r in items],
                            "Why": [r.reason for r in items],
                        }
                    )
                )
            )
        if policy.not_covered:
            blocks.append(caption(f"What this policy does not cover: {policy.not_covered}"))
        if result.ll144 is not None:
            blocks.extend(_ll144_blocks(result.ll144))
    return Section("compliance", "Policies and compliance", tuple(blocks))


def _title_of(result: PolicyResult, requirement: str) -> str:
    for spec in result.policy.requirements:
        if spec.id == requirement:
            return spec.title
    return requirement


#: Plain column titles of the Local Law 144 tables.
_LL144_TITLES = {
    "category": "Category",
    "sex": "Sex",
    "race": "Race/ethnicity",
    "people": "People",
    "selected": "Selected",
    "above_median": "Scored above the median",
    "rate": "Rate",
    "impact_ratio": "Impact ratio",
    "excluded": "Left out of the impact ratios",
}


def ll144_frames(tables: LL144Tables) -> dict[str, pd.DataFrame]:
    """The three Local Law 144 tables with plain column titles ("Selection rate" …)."""
    rate = tables.rate_name[:1].upper() + tables.rate_name[1:]
    titles = dict(_LL144_TITLES, rate=rate)
    if tables.median_score is not None:
        titles["selected"] = "Scored above the median"
    named = {
        "By sex": tables.by_sex,
        "By race/ethnicity": tables.by_race,
        "By sex and race/ethnicity": tables.intersectional,
    }
    return {
        name: frame.rename(columns={c: titles.get(str(c), str(c)) for c in frame.columns})
        for name, frame in named.items()
    }


#: How each count of unknown categories is named in a sentence.
_UNKNOWN_WORDS = {
    "sex": "sex",
    "race": "race/ethnicity",
    "intersectional": "sex or race/ethnicity (the intersectional table)",
}


def _ll144_blocks(tables: LL144Tables) -> list:
    blocks = [heading("NYC Local Law 144 bias audit tables")]
    if tables.median_score is not None:
        explained = (
            f"The scoring rate is the share of a category scoring above the median score of "
            f"everyone in the data ({tables.median_score:.4g})."
        )
    else:
        explained = "The selection rate is the share of a category selected."
    blocks.append(
        caption(
            explained + " The impact ratio is a category's rate divided by the highest rate of "
            "any category not left out (6 RCNY § 5-301). Categories under "
            f"{(tables.exclude_below_share or 0):.0%} of all the people audited (unknown ones "
            "included) may be left out of the ratios."
        )
    )
    for name, frame in ll144_frames(tables).items():
        if len(frame):
            blocks += [heading(name), table(frame)]
    notes = [
        f"{count:,} people have an unknown {_UNKNOWN_WORDS.get(key, key)}; they are counted "
        "here and left out of the rates and impact ratios."
        for key, count in tables.unknown.items()
        if count
    ]
    if tables.excluded:
        share = tables.exclude_below_share or 0.0
        notes.append(
            f"Left out of the impact ratios because each is under {share:.0%} of the data "
            "(reported separately, as the rules allow): " + ", ".join(tables.excluded) + "."
        )
    if notes:
        blocks.append(bullets(notes))
    return blocks


def nist_section(
    *,
    evidence: ReviewEvidence,
    policies: Sequence[PolicyResult],
    analyses: int,
    findings: int,
    operating_points: int,
    metric_choice: str = "",
) -> Section:
    """What this review did, mapped to the NIST AI RMF 1.0 functions (see module docstring)."""
    done, missing = "Evidence in this review", "Not in this review"
    rows: list[tuple[str, str, str, str]] = []

    def row(function: str, sub: str, holds: bool, yes: str, no: str) -> None:
        rows.append((function, sub, done if holds else missing, yes if holds else no))

    chosen = ", ".join(p.policy.name for p in policies)
    row(
        "Govern",
        "GOVERN 1.1 (legal and regulatory requirements documented)",
        bool(policies),
        f"Checked against: {chosen}.",
        "No policy was chosen; choose the rules that apply on the Compliance page.",
    )
    row(
        "Map",
        "MAP 1.1 (intended purpose and setting documented)",
        bool(evidence.intended_use.strip()),
        f"Intended use, as typed by the reviewer: {evidence.intended_use.strip()}",
        "The intended use was not written down; type it on the Compliance page.",
    )
    row(
        "Map",
        "MAP 5.1 (impacts on individuals and groups identified)",
        analyses > 0,
        f"{analyses} analysis(es) compare the groups the reviewer chose.",
        "No groups were compared.",
    )
    row(
        "Measure",
        "MEASURE 1.1 (approaches and metrics selected)",
        bool(metric_choice),
        f"Metric chosen and why: {metric_choice}",
        "The reason for the metrics used was not recorded (see “Which metric?” on Learn).",
    )
    row(
        "Measure",
        "MEASURE 2.11 (fairness and bias evaluated, results documented)",
        analyses > 0,
        "Per-group metrics with intervals, tests and verdicts are in this report"
        + (f"; {findings} finding(s) recorded." if findings else "."),
        "No subgroup analysis is in this report.",
    )
    row(
        "Measure",
        "MEASURE 2.1 (test sets, metrics and tools documented)",
        True,
        "The data's SHA-256, the settings and the package versions are in this report; the "
        "audit bundle replays it.",
        "",
    )
    row(
        "Map",
        "MAP 2.3 (data collection and representativeness examined)",
        evidence.dataset_checked,
        "The Dataset check (representation, base rates, proxies, worst-treated slices) was run.",
        "The data itself was not examined on the Dataset check page.",
    )
    row(
        "Manage",
        "MANAGE 1.3 (responses to high-priority risks planned and documented)",
        operating_points > 0,
        f"{operating_points} operating point(s) recorded as options, with the reviewer's "
        "rationale.",
        "No operating point or mitigation was recorded.",
    )
    row(
        "Manage",
        "MANAGE 4.1 (post-deployment monitoring)",
        evidence.monitoring,
        "Fairness over time was checked on the Monitoring page.",
        "Monitoring over time was not part of this review.",
    )
    row(
        "Govern",
        "GOVERN 3.2 (roles for human oversight defined)",
        bool(evidence.human_oversight.strip()),
        f"Human oversight, as typed by the reviewer: {evidence.human_oversight.strip()}",
        "Who oversees the decisions was not written down.",
    )
    titles = ["Function", "Subcategory", "Status", "What the review holds"]
    frame = pd.DataFrame(rows, columns=titles)
    return Section(
        "nist",
        "NIST AI Risk Management Framework",
        (
            caption(
                "What this review did, mapped to the functions of the NIST AI Risk Management "
                "Framework 1.0 (NIST AI 100-1, January 2023). The framework is voluntary and "
                "wider than a fairness review: this table shows the evidence this review holds, "
                "not that a function is complete. Govern (policies, roles, accountability) is "
                "mostly the organisation's own work."
            ),
            table(frame),
        ),
    )


def build_ll144_csv(tables: LL144Tables) -> bytes:
    """The Local Law 144 tables as one CSV: a "table" column names each row's table.

    Category names come from the data, so a cell that a spreadsheet would run as a formula
    is written with a leading apostrophe (:func:`~fairness_core.escaping.neutralise_formula`).
    """
    frames = []
    for name, frame in ll144_frames(tables).items():
        if len(frame):
            frames.append(frame.assign(**{"Table": name}))
    combined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    columns = ["Table"] + [c for c in combined.columns if c != "Table"]
    combined = combined.reindex(columns=columns)
    # Every column: pandas 3 stores text as its own string dtype, not object.
    for column in combined.columns:
        combined[column] = combined[column].map(
            lambda v: neutralise_formula(v) if isinstance(v, str) else v
        )
    buffer = io.StringIO()
    combined.to_csv(buffer, index=False)
    unknown = [f"{attribute}: {count}" for attribute, count in tables.unknown.items()]
    if unknown:
        buffer.write("# People in an unknown category (not in the rates): " + "; ".join(unknown))
        buffer.write("\n")
    return buffer.getvalue().encode("utf-8")
