"""Sentences about a subgroup report: one disparity in words, and who is most disadvantaged.

The words of a verdict come from :mod:`fairness_core.metrics._verdicts`; a number shown next
to a verdict never rounds across its line (:func:`fairness_core.formatting.format_against_line`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from fairness_core.errors import InvalidInputError
from fairness_core.formatting import format_against_line, format_number
from fairness_core.metrics._registry import METRICS, MetricSpec, metric_values
from fairness_core.metrics._subgroups import SubgroupReport
from fairness_core.metrics._verdicts import beyond, find_verdict_rule

__all__ = ["RankedGroup", "describe_disparity", "rank_disadvantaged"]


@dataclass(frozen=True)
class RankedGroup:
    """One group's place in a ranking on one metric."""

    group: str
    labels: tuple[str, ...]
    value: float
    ci_low: float
    ci_high: float
    denominator: int


def describe_disparity(
    report: SubgroupReport,
    metric: str,
    group: str | Sequence[str],
    *,
    kind: Literal["difference", "ratio"] = "ratio",
) -> str:
    """One plain sentence with the numbers and the verdict, e.g. "Group female is selected …"."""
    spec = _shown_spec(report, metric)
    index = report.counts.index_of((group,) if isinstance(group, str) else group)
    if kind not in ("difference", "ratio"):
        raise InvalidInputError(
            f"kind must be 'difference' or 'ratio'. Got {kind!r}. Choose one of the two."
        )
    name, title = report.counts.names[index], _in_sentence(spec.title)
    if spec.kind == "descriptive":
        return f"The {title} describes who is in the data; it is not compared between groups."
    table = report.disparities
    chosen = table[(table["metric"] == metric) & (table["kind"] == kind)]
    records = chosen[chosen["group_index"] == index].to_dict("records")
    if not records:
        return f"Group {name} is the reference group for the {title}."
    row = records[0]
    ref, value = row["reference"], row["value"]
    if row["suppressed"] or not math.isfinite(value):
        why = "too few people to show it" if row["suppressed"] else "it is undefined for one"
        return f"The {title} of group {name} cannot be compared with group {ref}: {why}."
    values = metric_values(report.counts, metric)
    group_value = values[index]
    if row["reference_index"] < 0:  # everyone (reference "overall")
        reference_value = report.overall.get(metric, float("nan"))
    else:
        reference_value = values[row["reference_index"]]
    numbers = f"{format_number(group_value, 3)} vs {format_number(reference_value, 3)}"
    rule = find_verdict_rule(
        kind,
        spec.harmful,
        tolerance=report.settings.tolerance,
        ratio_threshold=report.settings.ratio_threshold,
        impact_ratio=report.impact_ratio and metric == "selection_rate",
    )
    shown = _shown_value(value, rule, row["verdict"], signed=kind == "difference")
    note = row.get("verdict_note") or ""
    if math.isfinite(row["ci_low"]) and not math.isnan(row["ci_high"]) and "interval" not in note:
        level = f"{report.settings.confidence:.0%}"
        signed = kind == "difference"
        low = _shown_value(row["ci_low"], rule, row["verdict"], signed=signed)
        high = (
            "no upper limit"
            if math.isinf(row["ci_high"])
            else _shown_value(row["ci_high"], rule, row["verdict"], signed=signed)
        )
        numbers += f"; {level} interval {low} to {high}"
    whom = "everyone" if row["reference_index"] < 0 else f"group {ref}"
    if kind == "ratio" and metric == "selection_rate":
        text = f"Group {name} is selected at {shown}× the rate of {whom} ({numbers})"
    elif kind == "ratio":
        text = f"The {title} of group {name} is {shown}× that of {whom} ({numbers})"
    elif value == 0:
        text = f"The {title} of group {name} is the same as that of {whom} ({numbers})"
    else:
        direction = "higher" if value > 0 else "lower"
        text = (
            f"The {title} of group {name} is {shown.lstrip('+−')} {direction} than that of "
            f"{whom} ({numbers})"
        )
    return text + _verdict_clause(row, rule) + "."


def rank_disadvantaged(report: SubgroupReport, metric: str) -> list[RankedGroup]:
    """Groups that can be judged, from most to least disadvantaged on ``metric``.

    Groups with fewer than the minimum n (effective n with weights) people measured, hidden
    values and undefined values are left out: a group of three people must not head the
    list.
    """
    spec = _shown_spec(report, metric)
    if spec.harmful is None:
        raise InvalidInputError(
            f"The {_in_sentence(spec.title)} has no better or worse direction, so groups cannot be "
            f"ranked by disadvantage on it. Got {metric!r}. Choose a metric such as "
            "selection_rate or true_positive_rate."
        )
    rows = report.groups[(report.groups["metric"] == metric) & report.groups["judged"]]
    rows = rows.sort_values(["value", "group_index"], ascending=[spec.harmful == "lower", True])
    return [
        RankedGroup(
            r["group"], tuple(r["labels"]), r["value"], r["ci_low"], r["ci_high"], r["denominator"]
        )
        for r in rows.to_dict("records")
    ]


# -- building blocks --------------------------------------------------------------------


def _shown_spec(report: SubgroupReport, metric: str) -> MetricSpec:
    if metric not in report.settings.metrics:
        raise InvalidInputError(
            f"The metric {metric!r} is not in this report. Expected one of "
            f"{', '.join(report.settings.metrics)}. Compute the report with it, or choose "
            "one of those."
        )
    return METRICS[metric]


def _in_sentence(title: str) -> str:
    """A title inside a sentence: "Selection rate" → "selection rate"; "ROC AUC" stays."""
    return title if title.split()[0].isupper() else title[0].lower() + title[1:]


def _shown_value(value: float, rule: Any, verdict: str | None, *, signed: bool) -> str:
    """The value as shown in a sentence: never rounded across the line it is judged by."""
    if rule is None or not math.isfinite(value):
        return format_number(value, signed=signed)
    past = beyond(value, rule.line, rule.harmful)
    return format_against_line(value, rule.line, past=past, harmful=rule.harmful, signed=signed)


def _verdict_clause(row: Mapping[Any, Any], rule: Any) -> str:
    verdict = row["verdict"]
    if verdict is None or rule is None:
        return ""
    note = row.get("verdict_note") or ""
    p = row.get("p_value_adjusted")
    p_text = f"adjusted p = {p:.2g}" if isinstance(p, float) and math.isfinite(p) else ""
    side = "below" if rule.harmful == "lower" else "above"
    if verdict == "adverse impact":
        words = f"adverse impact: {side} the line ({rule.text}) and statistically significant"
        words += f" ({p_text})" if p_text else ""
    elif verdict.endswith("not statistically significant"):
        words = f"{side} the line ({rule.text}), not statistically significant"
        words += f" ({p_text})" if p_text else ""
    elif verdict == "within the line":
        words = f"within the line ({rule.text})"
    elif verdict == "favoured":
        words = "favoured: treated better than the reference by more than the line allows"
    else:
        words = verdict
    return f", {words}" + (f"; {note}" if note else "")
