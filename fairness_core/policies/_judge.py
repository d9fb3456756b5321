"""Judging one requirement on one attribute (or intersection): a status and its reason.

Every registry metric goes through :func:`fairness_core.metrics.compute_subgroup_report`
with the requirement's line, reference, minimum n, significance level and correction, so
its verdicts are the Subgroups page's. The scoring rate is the selection rate of "scored
above the median" (:mod:`._ll144`); the standardized mean difference is :mod:`._smd`'s.

Status from the verdicts of the groups judged (the contract's mapping):

- any "adverse impact" → "not met";
- any "below/above the line, not statistically significant" → "not met" when the
  requirement does not require significance, else "met" (the reason says chance could
  explain the gap);
- no group with a verdict on the line (every one "too few people to judge") → "too few
  people to judge"; only "cannot be computed" → "not assessed";
- otherwise ("within the line", "favoured") → "met".

Groups left out of the comparison (an unknown category, or under the policy's share of the
data) are listed in the result's ``groups`` with ``excluded`` true.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fairness_core.data import GroupColumn
from fairness_core.errors import InvalidInputError
from fairness_core.formatting import format_number
from fairness_core.metrics import METRICS, compute_group_counts, compute_subgroup_report
from fairness_core.policies._ll144 import favourable_above_median, unknown_mask
from fairness_core.policies._model import (
    MetricRequirement,
    RequirementResult,
    Status,
    reference_option,
)
from fairness_core.policies._parse import POLICY_METRICS
from fairness_core.policies._smd import compute_smd_table

if TYPE_CHECKING:
    from fairness_core.data import AuditData

__all__ = ["judge_requirement"]

_NOT_SIGNIFICANT = (
    "below the line, not statistically significant",
    "above the line, not statistically significant",
)
_ON_THE_LINE = ("adverse impact", "within the line", "favoured", *_NOT_SIGNIFICANT)
_GROUP_COLUMNS = ["group", "n", "value", "p_value", "verdict", "reference", "excluded"]
_JOIN = " · "


def judge_requirement(
    policy_id: str,
    requirement: MetricRequirement,
    data: AuditData,
    columns: Sequence[str],
    *,
    label: str,
    unknown_values: Sequence[str] = (),
) -> RequirementResult:
    """The status of ``requirement`` on the protected attributes ``columns`` (intersected)."""
    base = RequirementResult(
        policy=policy_id,
        requirement=requirement.id,
        title=requirement.title,
        status="not assessed",
        reason="",
        attribute=label,
        line=requirement.bound,
        evidence=f"Subgroups: {label}, {_metric_title(requirement.metric)}",
    )
    try:
        keep, left_out = _kept_rows(data, columns, requirement, unknown_values)
        if requirement.metric == "standardized_mean_difference":
            groups = _smd_groups(data, columns, keep, requirement)
        else:
            groups = _report_groups(data, columns, keep, requirement)
    except InvalidInputError as exc:
        return _replace(base, status="not assessed", reason=_first_sentence(str(exc)))
    groups = pd.concat([groups, left_out], ignore_index=True) if len(left_out) else groups
    status, reason, value = _status(requirement, groups)
    return _replace(base, status=status, reason=reason, value=value, groups=groups)


# -- rows and groups --------------------------------------------------------------------


def _labels(data: AuditData, columns: Sequence[str]) -> tuple[list[GroupColumn], pd.Series]:
    groups = []
    for name in columns:
        try:
            groups.append(data.group(name))
        except KeyError as exc:
            raise InvalidInputError(f"{exc.args[0]} Map the policy's attribute to one.") from exc
    parts = [pd.Series(np.asarray(g.labels, dtype=object)[g.codes]) for g in groups]
    combined = parts[0].astype(str)
    for part in parts[1:]:
        combined = combined + _JOIN + part.astype(str)
    return groups, combined


def _kept_rows(
    data: AuditData,
    columns: Sequence[str],
    requirement: MetricRequirement,
    unknown_values: Sequence[str],
) -> tuple[np.ndarray, pd.DataFrame]:
    """Rows compared, and a table of the groups left out (unknown or under the share)."""
    groups, combined = _labels(data, columns)
    keep = np.ones(data.n_rows, dtype=bool)
    reasons: dict[str, str] = {}
    if unknown_values:
        for g in groups:
            labels = pd.Series(np.asarray(g.labels, dtype=object)[g.codes])
            unknown = unknown_mask(labels, unknown_values)
            keep &= ~unknown
        for name in combined[~keep].unique():
            reasons[name] = "unknown category (counted, not compared)"
    share = requirement.exclude_below_share
    if share:
        sizes = combined[keep].value_counts()
        small = sizes[sizes / data.n_rows < share].index
        keep &= ~combined.isin(small).to_numpy()
        for name in small:
            reasons[name] = f"under {share:.0%} of the data (left out of the ratios)"
    sizes = combined.value_counts()
    left_out = pd.DataFrame(
        [
            {
                "group": name,
                "n": int(sizes[name]),
                "value": float("nan"),
                "p_value": float("nan"),
                "verdict": why,
                "reference": "",
                "excluded": True,
            }
            for name, why in reasons.items()
        ],
        columns=_GROUP_COLUMNS,
    )
    return keep, left_out


def _report_groups(
    data: AuditData, columns: Sequence[str], keep: np.ndarray, requirement: MetricRequirement
) -> pd.DataFrame:
    metric = requirement.metric
    decision = np.asarray(data.y_pred)
    if metric == "scoring_rate":
        above, _ = favourable_above_median(data)  # the whole sample's median
        decision, metric = above.astype(np.int8), "selection_rate"
    groups, _ = _labels(data, columns)
    # Policies count people, never sample weights: the four-fifths rule compares applicants
    # (29 CFR 1607.4(D)) and Local Law 144 counts individuals, so a requirement and the
    # tables beside it always agree (the Subgroups page weights rows when asked to).
    weight = None
    score = None if data.y_score is None else data.y_score[keep]
    counts = compute_group_counts(
        [GroupColumn(g.name, g.labels, g.codes[keep], g.binned) for g in groups],
        np.asarray(data.y_true)[keep],
        decision[keep],
        sample_weight=weight,
        y_score=score,
    )
    line = requirement.line
    ratio = requirement.kind == "ratio"
    report = compute_subgroup_report(
        counts,
        metrics=[metric],
        reference=reference_option(requirement.reference),  # type: ignore[arg-type]
        min_n=requirement.min_n,
        alpha=requirement.alpha,
        correction=requirement.correction,  # type: ignore[arg-type]
        n_bootstrap=1000 if METRICS[metric].kind == "composite" else 0,
        ratio_threshold=(line if requirement.harmful == "lower" else 1 / line) if ratio else 0.8,
        tolerance=0.1 if ratio else abs(line),
    )
    table = report.disparities
    rows = table[(table["metric"] == metric) & (table["kind"] == requirement.kind)]
    out = pd.DataFrame(
        {
            "group": rows["group"].to_numpy(),
            "n": rows["group_denominator"].to_numpy(),
            "value": rows["value"].to_numpy(dtype=np.float64),
            "p_value": rows["p_value_adjusted"].to_numpy(dtype=np.float64),
            "verdict": rows["verdict"].to_numpy(),
            "reference": rows["reference"].to_numpy(),
            "excluded": False,
        }
    )
    reference = rows["reference"].iloc[0] if len(rows) else ""
    ref_index = int(rows["reference_index"].iloc[0]) if len(rows) else -1
    if ref_index >= 0:
        n_ref = int(rows["reference_denominator"].iloc[0])
        neutral = 1.0 if requirement.kind == "ratio" else 0.0
        ref_row = {
            "group": reference,
            "n": n_ref,
            "value": neutral,
            "p_value": float("nan"),
            "verdict": "reference",
            "reference": reference,
            "excluded": False,
        }
        out = pd.concat([pd.DataFrame([ref_row]), out], ignore_index=True)
    return out


def _smd_groups(
    data: AuditData, columns: Sequence[str], keep: np.ndarray, requirement: MetricRequirement
) -> pd.DataFrame:
    if data.y_score is None:
        raise InvalidInputError(
            "The standardized mean difference needs the model's scores, and this review has "
            "decisions only. Choose a score column (or upload the model)."
        )
    _, combined = _labels(data, columns)
    table = compute_smd_table(
        np.asarray(data.y_score)[keep],
        combined[keep].to_numpy(),
        reference=requirement.reference,
        line=requirement.line,
        min_n=requirement.min_n,
        alpha=requirement.alpha,
        correction=requirement.correction,  # type: ignore[arg-type]
    )
    if table.empty:
        raise InvalidInputError("Only one group is left to compare; there is nothing to judge.")
    out = table.rename(columns={"p_value": "p_raw", "p_value_adjusted": "p_value"})
    out["excluded"] = False
    return out[_GROUP_COLUMNS]


# -- status and reason ------------------------------------------------------------------


def _status(
    requirement: MetricRequirement, groups: pd.DataFrame
) -> tuple[Status, str, float | None]:
    judged = groups[~groups["excluded"] & (groups["verdict"] != "reference")]
    verdicts = judged["verdict"].tolist()
    on_line = judged[judged["verdict"].isin(_ON_THE_LINE)]
    worst = _worst(requirement, on_line)
    value = None if worst is None else float(worst["value"])
    line = f"{requirement.bound:g}".replace("-", "−")  # the same minus sign as the value
    if not len(on_line):
        if verdicts and all(v == "too few people to judge" for v in verdicts):
            return (
                "too few people to judge",
                f"Every group compared (or the reference group) has fewer than "
                f"{requirement.min_n} people measured, so no verdict is given.",
                None,
            )
        why = "the number cannot be computed for any group (e.g. the reference rate is 0)"
        if not verdicts:
            why = "there is no other group to compare with"
        return "not assessed", f"It could not be judged: {why}.", None
    flagged = on_line[on_line["verdict"] == "adverse impact"]
    chance = on_line[on_line["verdict"].isin(_NOT_SIGNIFICANT)]
    side = "below" if requirement.harmful == "lower" else "above"
    assert worst is not None  # noqa: S101 - on_line is not empty
    if len(flagged):
        row = _worst(requirement, flagged)
        assert row is not None  # noqa: S101
        more = _others(len(flagged) - 1)
        return (
            "not met",
            f"{_named(requirement, row)} is {side} the line {line} and "
            f"statistically significant ({_p(row)}){more}.",
            value,
        )
    if len(chance):
        row = _worst(requirement, chance)
        assert row is not None  # noqa: S101
        more = _others(len(chance) - 1)
        if not requirement.require_significance:
            return (
                "not met",
                f"{_named(requirement, row)} is {side} the line {line}{more} "
                "(this policy does not require statistical significance).",
                value,
            )
        return (
            "met",
            f"{_named(requirement, row)} is {side} the line {line}{more}, but chance "
            f"could explain the gap ({_p(row)}); this policy requires statistical "
            "significance.",
            value,
        )
    few = int((judged["verdict"] == "too few people to judge").sum())
    tail = f" {few} group{'s' if few != 1 else ''} had too few people to judge." if few else ""
    tail += _significant_within(requirement, on_line)
    return (
        "met",
        f"Every group judged is within the line {line}; the worst is "
        f"{_named(requirement, worst)}.{tail}",
        value,
    )


def _significant_within(requirement: MetricRequirement, rows: pd.DataFrame) -> str:
    """A note when a gap inside the line is statistically significant (UGESP 1607.4(D))."""
    values = rows["value"].to_numpy(dtype=np.float64)
    parity = 1.0 if requirement.kind == "ratio" else 0.0
    harmful = values < parity if requirement.harmful == "lower" else values > parity
    p = rows["p_value"].to_numpy(dtype=np.float64)
    significant = rows[(rows["verdict"] == "within the line") & harmful & (p < requirement.alpha)]
    if not len(significant):
        return ""
    row = _worst(requirement, significant)
    assert row is not None  # noqa: S101
    return (
        f" {row['group']}'s gap is inside the line but statistically significant ({_p(row)}); "
        "a smaller difference can still matter in practice, so a person should judge it."
    )


def _worst(requirement: MetricRequirement, rows: pd.DataFrame) -> pd.Series | None:
    defined = rows[np.isfinite(rows["value"].to_numpy(dtype=np.float64))]
    if not len(defined):
        return None if not len(rows) else rows.iloc[0]
    position = (
        defined["value"].argmin() if requirement.harmful == "lower" else defined["value"].argmax()
    )
    return defined.iloc[int(position)]


def _named(requirement: MetricRequirement, row: pd.Series) -> str:
    what = _value_name(requirement)
    value = row["value"]
    shown = format_number(value, 3, signed=requirement.kind == "difference")
    if not math.isfinite(value):
        shown = "undefined"
    return f"{row['group']}'s {what} {shown} (against {row['reference'] or 'the reference'})"


def _value_name(requirement: MetricRequirement) -> str:
    if requirement.metric == "standardized_mean_difference":
        return "standardized mean difference of scores"
    title = requirement.rate_name or _metric_title(requirement.metric).lower()
    if (
        requirement.kind == "ratio"
        and requirement.reference == "best"
        and requirement.metric in ("selection_rate", "scoring_rate")
    ):
        return f"impact ratio of {title}s"
    return f"{title} {requirement.kind}"


def _metric_title(metric: str) -> str:
    if metric in METRICS:
        return METRICS[metric].title
    return POLICY_METRICS.get(metric, metric).split(" (")[0].split(":")[0]


def _p(row: pd.Series) -> str:
    p = row["p_value"]
    if not math.isfinite(p):
        return "no p-value"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _others(count: int) -> str:
    if not count:
        return ""
    return ", as is 1 other group" if count == 1 else f", as are {count} other groups"


def _first_sentence(text: str) -> str:
    first = text.split("\n")[0]
    return first if len(first) < 400 else first[:397] + "…"


def _replace(base: RequirementResult, **changes: object) -> RequirementResult:
    from dataclasses import replace

    return replace(base, **changes)  # type: ignore[arg-type]
