"""The report's executive summary: the audit in a few plain sentences, for a meeting.

What was audited and how decisions were made, whom every group is compared with, which
groups fall outside each rule's allowed range (named), which groups or rates rest on too
few people to judge, the disparate impact ratio, the recommended (or only) operating point
and what it changes, how many options were compared, whether some came from other data,
and how many findings the reviewer pinned. Used by :func:`fairness_core.report.build_review`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fairness_core.data import ColumnRoles, describe_threshold
from fairness_core.formatting import format_against_line
from fairness_core.metrics import METRICS, SubgroupReport, beyond, describe_disparity
from fairness_core.report._findings import (
    SEVERITIES,
    Finding,
    OperatingPointRecord,
    operating_point_warnings,
)

if TYPE_CHECKING:
    from fairness_core.report._review import FileIdentity

__all__ = ["executive_summary"]


def _names(groups: Sequence[object], limit: int = 5) -> str:
    """Group names in a sentence: "A, B and C" (the rest counted: "… and 3 more")."""
    names = [str(g) for g in groups]
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def executive_summary(
    report: SubgroupReport,
    roles: ColumnRoles,
    data: FileIdentity,
    model: FileIdentity | None,
    findings: Sequence[Finding],
    point: OperatingPointRecord | None,
    *,
    recommended: bool = False,
    points: Sequence[OperatingPointRecord] = (),
    other_points: Sequence[OperatingPointRecord] = (),
) -> list[str]:
    """The summary's sentences; ``point`` is the option it states (recommended or only one).

    ``points`` are every option recorded on this data, ``other_points`` those recorded on
    other data: they are only counted, never described.
    """
    s = report.settings
    counts = report.counts
    rows = data.audited_rows if data.audited_rows is not None else data.rows
    cut = f"a score of {roles.threshold:g} or more counts as the favourable decision"
    if model is not None and roles.source == "model":
        who = f"the model '{model.name}' ({cut})"
    elif roles.source == "score":
        who = f"the scores in the column '{roles.score}' ({describe_threshold(roles)})"
    else:
        who = f"the decisions recorded in the column '{roles.prediction}'"
    lines = [
        f"This review looked at how {who} treated {rows or 0:,} people in '{data.name}'. "
        f"People were grouped by {' × '.join(s.attributes)} into {counts.n_groups} groups."
    ]
    disparities = report.disparities
    if len(disparities):
        reference = str(disparities["reference"].iloc[0])
        if s.reference == "largest":
            lines.append(f"Each group is compared with the largest group, {reference}.")
        elif s.reference == "best":
            lines.append(
                "Each group is compared with the best-treated group that can be judged on each "
                "metric, so a selection-rate ratio is the four-fifths rule's impact ratio."
            )
        else:
            lines.append(f"Each group is compared with the group {reference}.")
    failing_metrics = []
    for metric in s.metrics:
        spec = METRICS[metric]
        rows_m = disparities[(disparities["metric"] == metric) & disparities["verdict"].notna()]
        if spec.kind == "descriptive" or rows_m.empty:
            continue
        failed = rows_m[rows_m["verdict"] == "adverse impact"]
        unsure = rows_m[rows_m["verdict"].str.endswith("not statistically significant")]
        failed_groups = list(dict.fromkeys(failed["group"]))
        unsure_groups = [g for g in dict.fromkeys(unsure["group"]) if g not in failed_groups]
        compared = rows_m["group"].nunique()
        if not failed_groups and not unsure_groups:
            continue
        parts = []
        if failed_groups:
            failing_metrics.append(spec.title)
            parts.append(
                f"adverse impact for {len(failed_groups)} of {compared} "
                f"{'group' if compared == 1 else 'groups'} ({_names(failed_groups)}): past the "
                "rule's line in the direction that harms them, and statistically significant"
            )
        if unsure_groups:
            parts.append(
                f"{len(unsure_groups)} past the line but not statistically significant "
                f"({_names(unsure_groups)}): chance could explain the gap"
            )
        sentence = f"{spec.title}: " + "; ".join(parts) + "."
        if failed_groups:
            worst = failed.iloc[int(np.argmax(_distance_from_parity(failed).to_numpy()))]
            labels = tuple(counts.labels[int(worst["group_index"])])
            if worst["kind"] == "ratio":
                sentence += " " + describe_disparity(report, metric, labels, kind="ratio")
            else:
                sentence += " " + describe_disparity(report, metric, labels, kind="difference")
        lines.append(sentence)
    if not failing_metrics and len(disparities):
        lines.append("No group shows adverse impact on the metrics chosen.")
    lines.append(_small_groups_sentence(report))
    impact = report.summary_details.get("disparate_impact_ratio")
    if impact is not None and math.isfinite(impact.value):
        past = beyond(impact.value, s.ratio_threshold, "lower")
        shown = format_against_line(
            impact.value, s.ratio_threshold, past=past, harmful="lower", decimals=2
        )
        side = "below" if past else "at or above"
        lines.append(
            f"The disparate impact ratio (the lowest impact ratio: each group's selection rate "
            f"divided by the highest, among the groups that can be judged) is {shown}, {side} "
            f"the four-fifths line of {s.ratio_threshold:g}."
        )
    elif impact is not None and impact.reason:
        lines.append(f"The disparate impact ratio is not defined: {impact.reason}.")
    if len(points) > 1:
        lines.append(
            f"{len(points)} operating points were recorded and are compared side by side: "
            + _names([p.title for p in points], limit=10)
            + "."
            + ("" if point is not None else " None of them is marked as recommended.")
        )
    if point is not None:
        word = "Recommended" if recommended else "Chosen"
        lines.append(f"{word} operating point: {point.title}. Why: {point.rationale}")
        if point.change_summary:
            lines.append(point.change_summary)
        lines.extend(f"Warning: {w}" for w in operating_point_warnings(point))
    elif not points:
        lines.append(
            "No operating point (a decision threshold per group) was chosen on the Trade-offs "
            "page: the decisions are reviewed as they are."
        )
    if findings:
        by = {sev: sum(f.severity == sev for f in findings) for sev in SEVERITIES}
        tally = ", ".join(f"{by[sev]} {sev}" for sev in reversed(SEVERITIES) if by[sev])
        noun = "finding" if len(findings) == 1 else "findings"
        lines.append(f"The reviewer pinned {len(findings)} {noun} ({tally}).")
        critical = [f.title for f in findings if f.severity == "critical"]
        if critical:
            lines.append("Critical: " + "; ".join(critical) + ".")
    else:
        lines.append("No findings were pinned during the review.")
    if other_points:
        noun = "operating point was" if len(other_points) == 1 else "operating points were"
        lines.append(
            f"{len(other_points)} {noun} recorded on other data ("
            + _names([p.data_name or "data not recorded" for p in other_points])
            + "); they are listed apart under “From other data” and are not part of this "
            "summary."
        )
    return lines


def _small_groups_sentence(report: SubgroupReport) -> str:
    """Which groups, or which of their rates, rest on too few people to judge."""
    s = report.settings
    groups = report.groups
    judged = [m for m in s.metrics if METRICS[m].kind != "descriptive"] or list(s.metrics)
    first = groups[groups["metric"] == s.metrics[0]]
    tiny = list(dict.fromkeys(first.loc[first["n"] < s.min_n, "group"]))
    thin = groups[
        groups["metric"].isin(judged)
        & (groups["effective_n"] < s.min_n)
        & ~groups["group"].isin(tiny)
    ]
    parts = []
    if tiny:
        noun = "group has" if len(tiny) == 1 else "groups have"
        parts.append(
            f"{len(tiny)} {noun} fewer than {s.min_n} people and cannot be judged: "
            f"{_names(tiny, limit=10)}."
        )
    if len(thin):
        by_group: dict[str, list[str]] = {}
        for row in thin.itertuples(index=False):
            title = METRICS[str(row.metric)].title.lower()
            by_group.setdefault(str(row.group), []).append(title)
        listed = [f"{g} ({', '.join(m)})" for g, m in list(by_group.items())[:10]]
        parts.append(
            f"Some rates rest on fewer than {s.min_n} people and are not judged: "
            + "; ".join(listed)
            + ("; …" if len(by_group) > 10 else "")
            + "."
        )
    if not parts:
        return f"Every group has at least {s.min_n} people behind each rate, enough to judge."
    return " ".join(parts)


def _distance_from_parity(rows: pd.DataFrame) -> pd.Series:
    """How far each disparity is from parity: |log ratio| for ratios, |difference| otherwise."""
    values = rows["value"].to_numpy(dtype=np.float64)
    is_ratio = (rows["kind"] == "ratio").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        distance = np.where(is_ratio, np.abs(np.log(values)), np.abs(values))
    return pd.Series(np.nan_to_num(distance, nan=-1.0, posinf=1e9), index=rows.index)
