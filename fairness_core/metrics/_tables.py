"""Metric tables: one row per group with its value, interval and verdicts, and their titles.

The Subgroups page, the report, every export and the command line show these tables with
these column titles; they live here, next to the report they read, so that building a
table never needs a plotting library.
"""

from __future__ import annotations

import math

import pandas as pd

from fairness_core.formatting import format_against_line, format_number
from fairness_core.metrics._registry import METRICS
from fairness_core.metrics._stats import Correction
from fairness_core.metrics._subgroups import SubgroupReport
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
}
CORRECTION_TITLES: dict[Correction, str] = {
    "holm": "Holm (strict: few false alarms)",
    "benjamini-hochberg": "Benjamini–Hochberg (finds more, allows some false alarms)",
    "none": "none (each test alone)",
}


def plain_column_title(column: object, confidence: float = 0.95) -> str:
    """A table column's title in words ("ci_low" → "95% interval, low"); others unchanged."""
    title = COLUMN_TITLES.get(str(column))
    return str(column) if title is None else title.format(level=f"{confidence:.0%}")


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
    reference = disparities["reference"].iloc[0] if len(disparities) else None
    table["is_reference"] = table["group"] == reference
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
