"""The subgroup report: how the model performs for each group, with uncertainty and verdicts.

:func:`compute_subgroup_report` is the one entry point of the subgroup page and the CLI.
It counts once (:mod:`fairness_core.counts`), then derives per-group metrics
(:mod:`fairness_core.metrics`), intervals, tests and verdicts (:mod:`fairness_core.stats`)
from the counts. The words *group*, *reference group*, *disparity*, *denominator n*,
*verdict* and *suppression* are defined in those modules; in short, a group is one value
(or one intersection of values) of the chosen protected attributes, each group is compared
with a reference group, and a verdict is only "pass" when the evidence is strong enough.

*Suppression* (``suppress_below=k``): a metric whose denominator n is below ``k`` is not
shown (value and interval null, ``suppressed`` true), nor is any disparity that uses it, and
such values are left out of the summaries. Counts of rows are still shown.

JSON schema of :func:`report_to_dict` (what the CLI prints; NaN becomes ``null``)::

    {
      "overall": {"<metric>": number | null, ...},
      "groups": [
        {"attributes": {"<attribute>": "<label>", ...},
         "n": integer,
         "metrics": {"<metric>": {"value": number | null,
                                  "ci_low": number | null, "ci_high": number | null}, ...}},
        ...],
      "disparities": [
        {"metric": "<metric>", "kind": "difference" | "ratio",
         "group": {"<attribute>": "<label>", ...},
         "reference": {"<attribute>": "<label>", ...},
         "value": number | null, "ci_low": number | null, "ci_high": number | null,
         "p_value": number | null, "p_value_adjusted": number | null,
         "verdict": "pass" | "fail" | "insufficient evidence" | null},
        ...],
      "summary": {"demographic_parity_difference": number | null, ...,
                  "<metric>_difference": number | null, "<metric>_ratio": number | null},
      "settings": {"attributes": [...], "metrics": [...],
                   "reference": "largest" | "best" | ["<label>", ...],
                   "min_n": integer, "correction": "holm" | "benjamini-hochberg" | "none",
                   "n_bootstrap": integer, "seed": integer, "confidence": number,
                   "suppress_below": integer | null, "tolerance": number,
                   "ratio_threshold": number, "weighted": boolean}
    }

A ``verdict`` is null for metrics no rule applies to (base rate, Brier score, log loss,
mean score). The reference group has no disparity entries of its own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from fairness_core.data import AuditData
from fairness_core.errors import InvalidInputError
from fairness_core.metrics._counts import GroupCounts, compute_group_counts
from fairness_core.metrics._registry import (
    DEFAULT_METRICS,
    METRICS,
    MetricSpec,
    Reference,
    between_groups,
    check_metrics,
    compute_disparities,
    compute_group_metrics,
    compute_named_summaries,
    metric_values,
)
from fairness_core.metrics._stats import (
    Correction,
    adjust_disparity_p_values,
    bootstrap_cells,
    disparity_tests,
    group_intervals,
    judge_disparities,
)

__all__ = [
    "RankedGroup",
    "ReportSettings",
    "SubgroupReport",
    "compute_subgroup_report",
    "describe_disparity",
    "rank_disadvantaged",
    "report_to_dict",
]


@dataclass(frozen=True)
class ReportSettings:
    """The choices a subgroup report was computed with."""

    attributes: tuple[str, ...]
    metrics: tuple[str, ...]
    reference: Reference
    min_n: int
    correction: Correction
    n_bootstrap: int
    seed: int
    confidence: float
    suppress_below: int | None
    tolerance: float
    ratio_threshold: float
    weighted: bool


@dataclass(frozen=True)
class SubgroupReport:
    """Everything the subgroup page, the report and the CLI show.

    ``groups`` (long, one row per group × metric): group_index, group, labels, n, metric,
    value, ci_low, ci_high, denominator, suppressed. ``disparities`` (long, one row per
    metric × kind × non-reference group): metric, kind, group_index, group,
    reference_index, reference, value, ci_low, ci_high, p_value, p_value_adjusted, test,
    rule, verdict, group_denominator, reference_denominator, suppressed.
    """

    settings: ReportSettings
    overall: Mapping[str, float]
    groups: pd.DataFrame = field(repr=False, compare=False)
    disparities: pd.DataFrame = field(repr=False, compare=False)
    summary: Mapping[str, float]
    counts: GroupCounts = field(repr=False, compare=False)


@dataclass(frozen=True)
class RankedGroup:
    """One group's place in a ranking on one metric."""

    group: str
    labels: tuple[str, ...]
    value: float
    ci_low: float
    ci_high: float
    denominator: int


def compute_subgroup_report(
    data: AuditData | GroupCounts,
    *,
    attributes: Sequence[str] | None = None,
    metrics: Sequence[str] = DEFAULT_METRICS,
    reference: Reference = "largest",
    min_n: int = 30,
    correction: Correction = "holm",
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    suppress_below: int | None = None,
    tolerance: float = 0.1,
    ratio_threshold: float = 0.8,
) -> SubgroupReport:
    """Per-group metrics, disparities against the reference, tests, verdicts and summaries.

    ``data`` is validated audit data (then ``attributes`` names the protected attributes
    to intersect) or counts already computed by :func:`compute_group_counts`.
    """
    reference = tuple(reference) if isinstance(reference, list) else reference
    settings = ReportSettings(
        (), (), reference, min_n, correction, n_bootstrap, seed, confidence, suppress_below,
        tolerance, ratio_threshold, weighted=False,
    )  # fmt: skip
    _check_settings(settings)
    counts = _counts_of(data, attributes)
    names = check_metrics(metrics, has_scores=counts.scores is not None)
    settings = replace(settings, attributes=counts.attributes, metrics=names,
                       weighted=counts.weighted)  # fmt: skip
    replicates = None
    if n_bootstrap:
        replicates = bootstrap_cells(counts, n_bootstrap=n_bootstrap, seed=seed)
    groups = _group_table(counts, names, replicates, settings)
    hidden = {
        name: groups.loc[groups["metric"] == name, "suppressed"].to_numpy(dtype=bool)
        for name in names
    }
    disparities = _disparity_table(counts, names, replicates, hidden, settings)
    summary = compute_named_summaries(counts, reference=reference, min_n=min_n, hidden=hidden)
    for name in (m for m in names if METRICS[m].kind != "descriptive"):
        values = np.where(hidden[name], np.nan, metric_values(counts, name))
        summary[f"{name}_difference"], summary[f"{name}_ratio"] = between_groups(values)
    assert counts.overall is not None  # noqa: S101 - compute_group_counts always sets it
    overall = {name: float(metric_values(counts.overall, name)[0]) for name in names}
    return SubgroupReport(settings, overall, groups, disparities, summary, counts)


def report_to_dict(report: SubgroupReport) -> dict[str, Any]:
    """The report as plain JSON-ready data (schema in the module docstring; NaN → None)."""

    def labels_of(index: int) -> dict[str, str]:
        return dict(zip(report.settings.attributes, report.counts.labels[index], strict=True))

    groups: dict[int, dict[str, Any]] = {}
    for row in report.groups.to_dict("records"):
        entry = groups.setdefault(
            row["group_index"],
            {"attributes": labels_of(row["group_index"]), "n": row["n"], "metrics": {}},
        )
        entry["metrics"][row["metric"]] = {k: row[k] for k in ("value", "ci_low", "ci_high")}
    disparities = [
        {
            "metric": row["metric"],
            "kind": row["kind"],
            "group": labels_of(row["group_index"]),
            "reference": labels_of(row["reference_index"]),
            **{k: row[k] for k in ("value", "ci_low", "ci_high", "p_value", "p_value_adjusted")},
            "verdict": row["verdict"],
        }
        for row in report.disparities.to_dict("records")
    ]
    return _plain(
        {
            "overall": dict(report.overall),
            "groups": [groups[i] for i in sorted(groups)],
            "disparities": disparities,
            "summary": dict(report.summary),
            "settings": asdict(report.settings),
        }
    )


def describe_disparity(
    report: SubgroupReport,
    metric: str,
    group: str | Sequence[str],
    *,
    kind: Literal["difference", "ratio"] = "ratio",
) -> str:
    """One plain sentence with the numbers, e.g. "Group female is selected at 0.71× …"."""
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
    numbers = f"{values[index]:.2f} vs {values[row['reference_index']]:.2f}"
    if math.isfinite(row["ci_low"]) and math.isfinite(row["ci_high"]):
        level = f"{report.settings.confidence:.0%}"
        numbers += f"; {level} CI {row['ci_low']:.2f} to {row['ci_high']:.2f}"
    if kind == "ratio" and metric == "selection_rate":
        text = f"Group {name} is selected at {value:.2f}× the rate of group {ref} ({numbers})"
    elif kind == "ratio":
        text = f"The {title} of group {name} is {value:.2f}× that of group {ref} ({numbers})"
    elif value == 0:
        text = f"The {title} of group {name} is the same as that of group {ref} ({numbers})"
    else:
        direction = "higher" if value > 0 else "lower"
        text = (
            f"The {title} of group {name} is {abs(value):.2f} {direction} than that of "
            f"group {ref} ({numbers})"
        )
    return text + _verdict_clause(row, report.settings) + "."


def rank_disadvantaged(report: SubgroupReport, metric: str) -> list[RankedGroup]:
    """Groups from most to least disadvantaged on ``metric`` (undefined values left out)."""
    spec = _shown_spec(report, metric)
    if spec.higher_is_better is None:
        raise InvalidInputError(
            f"The {_in_sentence(spec.title)} has no better or worse direction, so groups cannot be "
            f"ranked by disadvantage on it. Got {metric!r}. Choose a metric such as "
            "selection_rate or true_positive_rate."
        )
    rows = report.groups[(report.groups["metric"] == metric) & ~report.groups["suppressed"]]
    rows = rows[np.isfinite(rows["value"].to_numpy(dtype=np.float64))]
    rows = rows.sort_values(["value", "group_index"], ascending=[spec.higher_is_better, True])
    return [
        RankedGroup(
            r["group"], tuple(r["labels"]), r["value"], r["ci_low"], r["ci_high"], r["denominator"]
        )
        for r in rows.to_dict("records")
    ]


# -- building blocks --------------------------------------------------------------------


def _counts_of(data: AuditData | GroupCounts, attributes: Sequence[str] | None) -> GroupCounts:
    if isinstance(data, GroupCounts):
        if attributes is not None and tuple(attributes) != data.attributes:
            raise InvalidInputError(
                f"The counts were made for {list(data.attributes)}, not {list(attributes)}. "
                "Count again with the attributes you want, or leave attributes out."
            )
        return data
    attributes = [attributes] if isinstance(attributes, str) else attributes
    if not attributes:
        known = ", ".join(repr(g.name) for g in data.groups)
        raise InvalidInputError(
            "The subgroup report needs at least one protected attribute. Expected one or "
            f"more of {known}. Got none. Choose at least one."
        )
    columns = []
    for name in attributes:
        try:
            columns.append(data.group(name))
        except KeyError as exc:
            raise InvalidInputError(f"{exc.args[0]} Choose one of those.") from exc
    return compute_group_counts(
        columns, data.y_true, data.y_pred, sample_weight=data.sample_weight, y_score=data.y_score
    )


def _group_table(
    counts: GroupCounts,
    names: tuple[str, ...],
    replicates: np.ndarray | None,
    settings: ReportSettings,
) -> pd.DataFrame:
    table = compute_group_metrics(counts, metrics=names)
    bounds = [
        group_intervals(counts, name, confidence=settings.confidence, replicates=replicates)
        for name in names
    ]
    table["ci_low"] = np.concatenate([low for low, _ in bounds])
    table["ci_high"] = np.concatenate([high for _, high in bounds])
    k = settings.suppress_below
    descriptive = table["metric"].isin(["count", "share"]).to_numpy()
    table["suppressed"] = ~descriptive & (False if k is None else table["denominator"] < k)
    table.loc[table["suppressed"], ["value", "ci_low", "ci_high"]] = np.nan
    columns = ["group_index", "group", "labels", "n", "metric", "value", "ci_low", "ci_high"]
    return table[[*columns, "denominator", "suppressed"]]


def _disparity_table(
    counts: GroupCounts,
    names: tuple[str, ...],
    replicates: np.ndarray | None,
    hidden: Mapping[str, np.ndarray],
    settings: ReportSettings,
) -> pd.DataFrame:
    table = compute_disparities(
        counts, metrics=names, reference=settings.reference, min_n=settings.min_n
    )
    low, high, p, test = disparity_tests(
        counts, table, replicates=replicates, confidence=settings.confidence
    )
    table["ci_low"], table["ci_high"], table["p_value"], table["test"] = low, high, p, test
    table["suppressed"] = [
        bool(hidden[m][g] or hidden[m][r])
        for m, g, r in zip(
            table["metric"], table["group_index"], table["reference_index"], strict=True
        )
    ]
    table.loc[table["suppressed"], ["value", "ci_low", "ci_high", "p_value"]] = np.nan
    table["p_value_adjusted"] = adjust_disparity_p_values(table, method=settings.correction)
    table["rule"], table["verdict"] = judge_disparities(
        table,
        min_n=settings.min_n,
        tolerance=settings.tolerance,
        ratio_threshold=settings.ratio_threshold,
        use_interval=settings.n_bootstrap > 0,
    )
    head = ["metric", "kind", "group_index", "group", "reference_index", "reference", "value"]
    tail = ["ci_low", "ci_high", "p_value", "p_value_adjusted", "test", "rule", "verdict"]
    return table[[*head, *tail, "group_denominator", "reference_denominator", "suppressed"]]


def _check_settings(settings: ReportSettings) -> None:
    """Raise one error listing every unusable setting."""
    s = settings
    checks = [
        (_whole(s.min_n, 0), "min_n must be a whole number of 0 or more, e.g. 30"),
        (s.correction in ("holm", "benjamini-hochberg", "none"),
         "correction must be 'holm', 'benjamini-hochberg' or 'none'"),
        (_whole(s.n_bootstrap, 0), "n_bootstrap must be a whole number of 0 or more, e.g. 1000"),
        (_whole(s.seed, 0), "seed must be a whole number of 0 or more"),
        (_number(s.confidence, 0, 1), "confidence must be between 0 and 1, e.g. 0.95"),
        (s.suppress_below is None or _whole(s.suppress_below, 1),
         "suppress_below must be a whole number of 1 or more, or None"),
        (_number(s.tolerance, 0, math.inf), "tolerance must be a positive number, e.g. 0.1"),
        (_number(s.ratio_threshold, 0, 1), "ratio_threshold must be between 0 and 1, e.g. 0.8"),
    ]  # fmt: skip
    values = [s.min_n, s.correction, s.n_bootstrap, s.seed, s.confidence, s.suppress_below,
              s.tolerance, s.ratio_threshold]  # fmt: skip
    problems = [
        f"{text}. Got {v!r}." for (ok, text), v in zip(checks, values, strict=True) if not ok
    ]
    if problems:
        noun = "setting is" if len(problems) == 1 else "settings are"
        raise InvalidInputError(
            f"{len(problems)} {noun} not usable for the subgroup report. Change them and run "
            "it again:\n- " + "\n- ".join(problems)
        )


def _whole(value: object, low: int) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        return False
    return int(value) >= low


def _number(value: object, low: float, high: float) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return False
    return low < float(value) < high


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


def _verdict_clause(row: Mapping[Any, Any], settings: ReportSettings) -> str:
    verdict = row["verdict"]
    if verdict is None:
        return ""
    small = min(row["group_denominator"], row["reference_denominator"])
    if verdict == "insufficient evidence" and small < settings.min_n:
        return f", too few people to judge (n = {small:,}; at least {settings.min_n} needed)"
    if row["metric"] == "selection_rate" and row["kind"] == "ratio":
        line = "the four-fifths line"
        outcome = {"pass": f"above {line}", "fail": f"below {line}"}
    elif row["kind"] == "ratio":
        low = settings.ratio_threshold
        line = f"the allowed band of {low:g} to {1 / low:.3g}"
        outcome = {"pass": f"within {line}", "fail": f"outside {line}"}
    else:
        line = f"the allowed gap of {settings.tolerance:g}"
        outcome = {"pass": f"within {line}", "fail": f"more than {line}"}
    return ", " + outcome.get(verdict, f"too uncertain to judge against {line}")


def _plain(value: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python, tuples to lists, NaN and infinity to None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value
