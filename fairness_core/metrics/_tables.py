"""Metric tables: one row per group with its value, interval and verdicts, and their titles.

The Subgroups page, the report, every export and the command line show these tables with
these column titles; they live here, next to the report they read, so that building a
table never needs a plotting library.
"""

from __future__ import annotations

import ast
import math
import re

import pandas as pd

from fairness_core.formatting import format_against_line, format_number
from fairness_core.metrics._registry import METRICS
from fairness_core.metrics._stats import Correction
from fairness_core.metrics._subgroups import SubgroupReport
from fairness_core.metrics._summaries import SUMMARIES
from fairness_core.metrics._verdicts import VerdictRule, beyond, find_verdict_rule

__all__ = [
    "COLUMN_TITLES",
    "CORRECTION_TITLES",
    "METRIC_TABLE_COLUMNS",
    "metric_table",
    "plain_column_title",
]

#: The columns of a metric table a reviewer sees, in reading order (the app's table, the
#: report's group tables and the exports all use this order).
METRIC_TABLE_COLUMNS = (
    "group",
    "n",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "difference",
    "difference_verdict",
    "ratio",
    "ratio_verdict",
    "difference_p_adjusted",
    "suppressed",
)
#: Plain titles of table columns, shared by the app and every export ("{level}" is the
#: confidence level, e.g. "95%").
COLUMN_TITLES = {
    "group": "Group",
    "n": "People",
    "denominator": "Measured on",
    "group_denominator": "Measured on (group)",
    "reference_denominator": "Measured on (reference)",
    "value": "Value",
    "ci_low": "{level} interval, low",
    "ci_high": "{level} interval, high",
    "suppressed": "Hidden (too few people)",
    "difference": "Difference vs reference",
    "difference_ci_low": "Difference, {level} low",
    "difference_ci_high": "Difference, {level} high",
    "difference_p_adjusted": "Difference, p-value (adjusted)",
    "difference_verdict": "Verdict on the difference",
    "ratio": "Ratio vs reference",
    "ratio_ci_low": "Ratio, {level} low",
    "ratio_ci_high": "Ratio, {level} high",
    "ratio_p_adjusted": "Ratio, p-value (adjusted)",
    "ratio_verdict": "Verdict on the ratio",
    "is_reference": "Reference group",
    "reference": "Reference group",
    "metric": "Metric",
    "threshold": "Threshold",
    "verdict": "Verdict",
    "p_value": "p-value",
    "p_value_adjusted": "p-value (adjusted)",
    # The core's other tables (group numbers, operating points, the frontier, the audit CSV).
    "group_index": "Group number",
    "attributes": "Groups compared by",
    "measured_on": "Measured on",
    "analysis": "Analysis",
    "label": "Operating point",
    "difference_shown": "Difference vs reference (as shown)",
    "ratio_shown": "Ratio vs reference (as shown)",
    "kind": "Kind",
    "note": "Note",
    "tolerance": "Tolerance",
    "disparity": "Difference between groups",
    "objective": "Objective",
    "expected_cost": "Expected cost per decision",
    "randomized": "Randomized",
    "degenerate": "Degenerate (hardly uses the scores)",
    "today_selection_rate": "Selection rate today",
    "expected_positive_rows": "Positive decisions expected",
    "change_per_10000": "Change in positive decisions per 10,000",
}
CORRECTION_TITLES: dict[Correction, str] = {
    "holm": "Holm (strict: few false alarms)",
    "benjamini-hochberg": "Benjamini–Hochberg (finds more, allows some false alarms)",
    "none": "none (each test alone)",
}


#: A tuple written as text, as pandas names a column grouped by several keys: "('gender',)".
_TUPLE_TEXT = re.compile(r"^\(.*,.*\)$", re.DOTALL)


def plain_column_title(column: object, confidence: float = 0.95) -> str:
    """A table column's title in words, the same in the app and every export.

    "ci_low" → "95% interval, low"; a metric's name → its title ("selection_rate" →
    "Selection rate") and its interval ends ("selection_rate_low" → "Selection rate, 95%
    low"); a named summary → its title; a tuple of attributes, or its text
    ("('gender', 'race')"), → "gender × race". Any other name (a column of the reviewer's
    data) is left as it is.
    """
    level = f"{confidence:.0%}"
    if isinstance(column, tuple):
        return " × ".join(str(part) for part in column)
    name = str(column)
    if name in COLUMN_TITLES:
        return COLUMN_TITLES[name].format(level=level)
    if name in METRICS:
        return METRICS[name].title
    if name in SUMMARIES:
        return SUMMARIES[name].title
    for end in ("low", "high", "difference", "ratio"):
        stem = name.removesuffix(f"_{end}")
        if stem != name and stem in METRICS:
            return (
                f"{METRICS[stem].title}, {level} {end}"
                if end in ("low", "high")
                else (f"{METRICS[stem].title} {end}")
            )
    if _TUPLE_TEXT.match(name):
        try:
            parts = ast.literal_eval(name)
        except (ValueError, SyntaxError):
            return name
        if isinstance(parts, tuple):
            return " × ".join(str(part) for part in parts)
    return name


def metric_table(report: SubgroupReport, metric: str) -> pd.DataFrame:
    """One row per group for ``metric``: n, value, interval, and difference/ratio vs reference.

    The table the Subgroups page shows and the figures draw: it joins the per-group values
    with both disparity kinds, so each row reads across from the group to its verdict.
    """
    groups = report.groups[report.groups["metric"] == metric]
    table = groups[
        ["group_index", "group", "n", "denominator", "value", "ci_low", "ci_high", "suppressed"]
    ].copy()
    disparities = report.disparities[report.disparities["metric"] == metric]
    for kind in ("difference", "ratio"):
        part = disparities[disparities["kind"] == kind].set_index("group_index")
        table[kind] = table["group_index"].map(part["value"])
        table[f"{kind}_ci_low"] = table["group_index"].map(part["ci_low"])
        table[f"{kind}_ci_high"] = table["group_index"].map(part["ci_high"])
        table[f"{kind}_p_adjusted"] = table["group_index"].map(part["p_value_adjusted"])
        table[f"{kind}_verdict"] = table["group_index"].map(part["verdict"])
    # by position: compared with everyone (reference "overall"), no group is the reference
    reference = disparities["reference_index"].iloc[0] if len(disparities) else None
    table["is_reference"] = table["group_index"] == reference
    for kind in ("difference", "ratio"):
        table.loc[table["is_reference"], f"{kind}_verdict"] = "reference group"
    settings, harmful = report.settings, METRICS[metric].harmful
    for kind, decimals in (("difference", 3), ("ratio", 2)):
        rule = find_verdict_rule(
            kind,  # type: ignore[arg-type]
            harmful,
            tolerance=settings.tolerance,
            ratio_threshold=settings.ratio_threshold,
        )
        table[f"{kind}_shown"] = [
            _shown(value, rule, decimals=decimals, signed=kind == "difference")
            for value in table[kind].to_numpy(dtype=float)
        ]
    return table.reset_index(drop=True)


def _shown(value: float, rule: VerdictRule | None, *, decimals: int, signed: bool) -> str:
    """A difference or ratio as text that never rounds across the line it is judged by."""
    if math.isnan(value):
        return ""
    if rule is None or math.isinf(value):
        return format_number(value, decimals, signed=signed)
    past = beyond(value, rule.line, rule.harmful)
    return format_against_line(
        value, rule.line, past=past, harmful=rule.harmful, decimals=decimals, signed=signed
    )
