"""The subgroup report: how the model performs for each group, with uncertainty and verdicts.

:func:`compute_subgroup_report` is the one entry point of the Subgroups page, the report and
the command line. It counts once (``_counts``), then derives per-group metrics
(``_registry``), intervals and tests (``_intervals``, ``_stats``), verdicts (``_verdicts``)
and summaries (``_summaries``) from the counts; those modules define the words *group*,
*reference group*, *disparity*, *effective n*, *harmful direction*, *verdict* and
*summary*. In short: a group is one value (or one intersection of values) of the chosen
protected attributes; each group is compared with a reference group (by default the
best-treated group that can be judged, so the selection-rate ratio is the four-fifths
rule's impact ratio); a group is flagged only in the direction that harms it, and
"adverse impact" needs both the rule's line and statistical significance.

*Suppression* (``suppress_below=k``): a metric whose denominator n is below ``k`` is not
shown (value and interval null, ``suppressed`` true), nor is any disparity that uses it, and
such values are left out of the summaries and of the multiple-comparison family.

JSON schema of :func:`report_to_dict` (what the CLI prints; NaN and infinity become ``null``)::

    {
      "overall": {"<metric>": number | null, ...},
      "groups": [
        {"attributes": {"<attribute>": "<label>", ...},
         "n": integer,
         "metrics": {"<metric>": {"value": number | null,
                                  "ci_low": number | null, "ci_high": number | null,
                                  "effective_n": number}, ...}},
        ...],
      "disparities": [
        {"metric": "<metric>", "kind": "difference" | "ratio",
         "group": {"<attribute>": "<label>", ...},
         "reference": {"<attribute>": "<label>", ...},
         "value": number | null, "ci_low": number | null, "ci_high": number | null,
         "p_value": number | null, "p_value_adjusted": number | null,
         "harmful_direction": "lower" | "higher" | null, "rule": "<rule in words>" | null,
         "verdict": "<a word of the glossary>" | null, "verdict_note": "<why>" },
        ...],
      "summary": {"disparate_impact_ratio": number | null, ...,
                  "<metric>_difference": number | null, "<metric>_ratio": number | null},
      "summary_details": {"<summary>": {"value": number | null, "definition": "<words>",
                                        "groups_judged": ["<group>", ...],
                                        "groups_left_out": ["<group>", ...],
                                        "undefined_because": "<reason>" | null}, ...},
      "comparisons_judged": integer,
      "empty_groups": {"count": integer, "examples": ["<group>", ...]},
      "verdict_glossary": {"<verdict>": "<definition>", ...},
      "settings": {"attributes": [...], "metrics": [...],
                   "reference": "largest" | "best" | ["<label>", ...],
                   "min_n": integer, "correction": "holm" | "benjamini-hochberg" | "none",
                   "alpha": number, "n_bootstrap": integer, "seed": integer,
                   "confidence": number, "suppress_below": integer | null,
                   "tolerance": number, "ratio_threshold": number, "weighted": boolean}
    }

A ``verdict`` is null for metrics with no harmful direction (base rate, Brier score, log
loss, mean score) and for hidden values. The reference group has no disparity entries.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from fairness_core.data import AuditData
from fairness_core.errors import InvalidInputError
from fairness_core.formatting import to_json_value
from fairness_core.metrics._counts import GroupCounts, compute_group_counts
from fairness_core.metrics._everyone import (
    EVERYONE,
    EVERYONE_INDEX,
    everyone_disparities,
    everyone_tests,
)
from fairness_core.metrics._registry import (
    DEFAULT_METRICS,
    METRICS,
    Reference,
    check_metrics,
    compute_disparities,
    compute_group_metrics,
    effective_denominators,
    metric_values,
)
from fairness_core.metrics._stats import (
    Correction,
    adjust_disparity_p_values,
    bootstrap_cells,
    disparity_tests,
    group_intervals,
    judge_disparities,
    judged_rows,
)
from fairness_core.metrics._summaries import (
    SUMMARIES,
    SummaryDetail,
    compute_summaries,
    judged_groups,
)
from fairness_core.metrics._verdicts import VERDICTS

__all__ = [
    "ReportSettings",
    "SubgroupReport",
    "SubgroupSettings",
    "compute_subgroup_report",
    "report_to_dict",
]

#: Empty intersections listed by name (the count is always given).
MAX_EMPTY_SHOWN = 20


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
    alpha: float = 0.05


@dataclass(frozen=True)
class SubgroupSettings:
    """What a reviewer chooses for a subgroup report, built once and used everywhere.

    The Subgroups page builds it from its widgets, the Report page and every export reuse
    it, and ``fairness-explorer audit`` builds it from its flags; :meth:`options` gives the
    keyword arguments of :func:`compute_subgroup_report`. The defaults are the page's.
    """

    attributes: tuple[str, ...]
    metrics: tuple[str, ...] = DEFAULT_METRICS
    reference: Reference = "best"
    min_n: int = 30
    correction: Correction = "holm"
    alpha: float = 0.05
    suppress_below: int | None = None
    #: The lines of the verdicts (a policy's, when the review follows one): the ratio below
    #: which a group is judged harmed (0.8: the four-fifths rule) and the difference past
    #: which it is. The defaults are :func:`compute_subgroup_report`'s.
    ratio_threshold: float = 0.8
    tolerance: float = 0.1

    def options(self) -> dict[str, Any]:
        """Keyword arguments for :func:`compute_subgroup_report`."""
        return {
            "attributes": self.attributes,
            "metrics": self.metrics,
            "reference": self.reference,
            "min_n": self.min_n,
            "correction": self.correction,
            "alpha": self.alpha,
            "suppress_below": self.suppress_below,
            "ratio_threshold": self.ratio_threshold,
            "tolerance": self.tolerance,
        }


@dataclass(frozen=True)
class SubgroupReport:
    """Everything the subgroup page, the report and the CLI show.

    ``groups`` (long, one row per group × metric): group_index, group, labels, n, metric,
    value, ci_low, ci_high, denominator, effective_n, judged, suppressed. ``disparities``
    (long, one row per metric × kind × non-reference group): metric, kind, group_index,
    group, reference_index, reference, value, ci_low, ci_high, p_value, p_value_adjusted,
    test, rule, verdict, verdict_note, group_denominator, reference_denominator,
    group_effective_n, reference_effective_n, suppressed. ``summary``: summary name →
    value; ``summary_details``: the same with the groups judged and left out and why a
    value is undefined. ``comparisons_judged``: the size of the multiple-comparison family.
    ``empty_groups``: the first intersections with nobody in them, of ``n_empty_groups``.
    """

    settings: ReportSettings
    overall: Mapping[str, float]
    groups: pd.DataFrame = field(repr=False, compare=False)
    disparities: pd.DataFrame = field(repr=False, compare=False)
    summary: Mapping[str, float]
    counts: GroupCounts = field(repr=False, compare=False)
    summary_details: Mapping[str, SummaryDetail] = field(default_factory=dict, repr=False)
    comparisons_judged: int = 0
    empty_groups: tuple[str, ...] = ()
    n_empty_groups: int = 0

    @property
    def impact_ratio(self) -> bool:
        """True when the reference is the best-treated group (so ratios are impact ratios)."""
        return self.settings.reference == "best"


def compute_subgroup_report(
    data: AuditData | GroupCounts,
    *,
    attributes: Sequence[str] | None = None,
    metrics: Sequence[str] = DEFAULT_METRICS,
    reference: Reference = "best",
    min_n: int = 30,
    correction: Correction = "holm",
    alpha: float = 0.05,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    suppress_below: int | None = None,
    tolerance: float = 0.1,
    ratio_threshold: float = 0.8,
) -> SubgroupReport:
    """Per-group metrics, disparities against the reference, tests, verdicts and summaries.

    ``data`` is validated audit data (then ``attributes`` names the protected attributes
    to intersect) or counts already computed by :func:`compute_group_counts`. The default
    reference, ``"best"``, is the best-treated group that can be judged on each metric, so
    the selection-rate ratio is the four-fifths rule's impact ratio.
    """
    reference = tuple(reference) if isinstance(reference, list) else reference
    settings = ReportSettings(
        (), (), reference, min_n, correction, n_bootstrap, seed, confidence, suppress_below,
        tolerance, ratio_threshold, weighted=False, alpha=alpha,
    )  # fmt: skip
    _check_settings(settings)
    counts = _counts_of(data, attributes)
    if counts.n_groups < 2:
        _refuse_one_group(counts)
    names = check_metrics(metrics, has_scores=counts.scores is not None)
    settings = replace(settings, attributes=counts.attributes, metrics=names,
                       weighted=counts.weighted)  # fmt: skip
    replicates = None
    if n_bootstrap and any(METRICS[m].kind == "composite" for m in names):
        replicates = bootstrap_cells(counts, n_bootstrap=n_bootstrap, seed=seed)
    groups = _group_table(counts, names, replicates, settings)
    hidden = {
        name: groups.loc[groups["metric"] == name, "suppressed"].to_numpy(dtype=bool)
        for name in names
    }
    disparities = _disparity_table(counts, names, replicates, hidden, settings)
    judged_metrics = [m for m in names if METRICS[m].kind != "descriptive"]
    summary_names = [*SUMMARIES]
    summary_names += [f"{m}_{kind}" for m in judged_metrics for kind in ("difference", "ratio")]
    details = compute_summaries(counts, summary_names, min_n=min_n, hidden=hidden)
    summary = {name: detail.value for name, detail in details.items()}
    assert counts.overall is not None  # noqa: S101 - compute_group_counts always sets it
    overall = {name: float(metric_values(counts.overall, name)[0]) for name in names}
    empty, n_empty = _empty_intersections(counts)
    family = int(
        ((disparities["kind"] == "difference") & disparities["p_value_adjusted"].notna()).sum()
    )
    return SubgroupReport(
        settings, overall, groups, disparities, summary, counts, details, family, empty, n_empty
    )


def report_to_dict(report: SubgroupReport) -> dict[str, Any]:
    """The report as plain JSON-ready data (schema in the module docstring; NaN → None)."""

    def labels_of(index: int) -> dict[str, str]:
        if index == EVERYONE_INDEX:
            return dict.fromkeys(report.settings.attributes, EVERYONE)
        return dict(zip(report.settings.attributes, report.counts.labels[index], strict=True))

    groups: dict[int, dict[str, Any]] = {}
    for row in report.groups.to_dict("records"):
        entry = groups.setdefault(
            row["group_index"],
            {"attributes": labels_of(row["group_index"]), "n": row["n"], "metrics": {}},
        )
        entry["metrics"][row["metric"]] = {
            k: row[k] for k in ("value", "ci_low", "ci_high", "effective_n")
        }
    disparities = [
        {
            "metric": row["metric"],
            "kind": row["kind"],
            "group": labels_of(row["group_index"]),
            "reference": labels_of(row["reference_index"]),
            **{k: row[k] for k in ("value", "ci_low", "ci_high", "p_value", "p_value_adjusted")},
            "harmful_direction": METRICS[row["metric"]].harmful,
            "rule": row["rule"],
            "verdict": row["verdict"],
            "verdict_note": row["verdict_note"],
        }
        for row in report.disparities.to_dict("records")
    ]
    details = {
        name: {
            "value": detail.value,
            "definition": _summary_definition(name),
            "groups_judged": list(detail.groups_judged),
            "groups_left_out": list(detail.groups_left_out),
            "undefined_because": detail.reason or None,
        }
        for name, detail in report.summary_details.items()
    }
    return to_json_value(
        {
            "overall": dict(report.overall),
            "groups": [groups[i] for i in sorted(groups)],
            "disparities": disparities,
            "summary": dict(report.summary),
            "summary_details": details,
            "comparisons_judged": report.comparisons_judged,
            "empty_groups": {"count": report.n_empty_groups, "examples": report.empty_groups},
            "verdict_glossary": dict(VERDICTS),
            "settings": asdict(report.settings),
        }
    )


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


def _refuse_one_group(counts: GroupCounts) -> None:
    """Groups are compared with each other: one group alone cannot be."""
    what = " × ".join(counts.attributes)
    only = counts.names[0] if counts.n_groups else "nothing"
    raise InvalidInputError(
        f"The protected attribute {what} has only one group in this data ({only!r}), so there "
        "is nothing to compare it with. Expected at least two groups. Choose another "
        "attribute, or check that the column holds the values you expect (a column that is "
        "entirely missing forms the single group '(missing)')."
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
    table["effective_n"] = np.concatenate([effective_denominators(counts, n) for n in names])
    k = settings.suppress_below
    descriptive = table["metric"].isin(["count", "share"]).to_numpy()
    table["suppressed"] = ~descriptive & (False if k is None else table["denominator"] < k)
    table.loc[table["suppressed"], ["value", "ci_low", "ci_high"]] = np.nan
    table["judged"] = np.concatenate(
        [judged_groups(counts, name, min_n=settings.min_n) for name in names]
    ) & ~table["suppressed"].to_numpy(dtype=bool)
    columns = ["group_index", "group", "labels", "n", "metric", "value", "ci_low", "ci_high"]
    return table[[*columns, "denominator", "effective_n", "judged", "suppressed"]]


def _disparity_table(
    counts: GroupCounts,
    names: tuple[str, ...],
    replicates: np.ndarray | None,
    hidden: Mapping[str, np.ndarray],
    settings: ReportSettings,
) -> pd.DataFrame:
    if settings.reference == "overall":
        table, tested = everyone_disparities(counts, metrics=names, min_n=settings.min_n)
        if replicates is not None:  # the bootstrap draws every row again for "everyone"
            replicates = np.concatenate([replicates, replicates.sum(axis=1, keepdims=True)], 1)
    else:
        table = compute_disparities(
            counts, metrics=names, reference=settings.reference, min_n=settings.min_n
        )
        tested = counts
    low, high, p, test = disparity_tests(
        tested, table, replicates=replicates, confidence=settings.confidence
    )
    if settings.reference == "overall":
        p = everyone_tests(counts, table, p)
        table["reference_index"] = EVERYONE_INDEX
    table["ci_low"], table["ci_high"], table["p_value"], table["test"] = low, high, p, test
    table["suppressed"] = [
        bool(hidden[m][g] or hidden[m][r])
        for m, g, r in zip(
            table["metric"], table["group_index"], table["reference_index"], strict=True
        )
    ]
    table.loc[table["suppressed"], ["value", "ci_low", "ci_high", "p_value"]] = np.nan
    judged = judged_rows(table, min_n=settings.min_n)
    table["p_value_adjusted"] = adjust_disparity_p_values(
        table, method=settings.correction, judged=judged
    )
    table["rule"], table["verdict"], table["verdict_note"] = judge_disparities(
        table,
        min_n=settings.min_n,
        tolerance=settings.tolerance,
        ratio_threshold=settings.ratio_threshold,
        alpha=settings.alpha,
        confidence=settings.confidence,
        impact_ratio=settings.reference == "best",
    )
    head = ["metric", "kind", "group_index", "group", "reference_index", "reference", "value"]
    tail = ["ci_low", "ci_high", "p_value", "p_value_adjusted", "test", "rule", "verdict"]
    sizes = ["group_denominator", "reference_denominator", "group_effective_n"]
    sizes += ["reference_effective_n"]
    return table[[*head, *tail, "verdict_note", *sizes, "suppressed"]]


def _empty_intersections(counts: GroupCounts) -> tuple[tuple[str, ...], int]:
    """The first intersections of the attributes' values with nobody in them, and how many."""
    if len(counts.attributes) < 2:
        return (), 0
    width = len(counts.attributes)
    levels = [sorted({labels[i] for labels in counts.labels}) for i in range(width)]
    total = math.prod(len(level) for level in levels)
    present = set(counts.labels)
    n_empty = total - len(present)
    if n_empty == 0:
        return (), 0
    shown: list[str] = []
    for combo in itertools.product(*levels):
        if combo not in present:
            shown.append(" · ".join(combo))
            if len(shown) == MAX_EMPTY_SHOWN:
                break
    return tuple(shown), n_empty


def _check_settings(settings: ReportSettings) -> None:
    """Raise one error listing every unusable setting."""
    s = settings
    checks = [
        (_whole(s.min_n, 0), "min_n must be a whole number of 0 or more, e.g. 30"),
        (s.correction in ("holm", "benjamini-hochberg", "none"),
         "correction must be 'holm', 'benjamini-hochberg' or 'none'"),
        (_within(s.alpha, 0, 1), "alpha (the significance level) must be between 0 and 1, "
         "e.g. 0.05"),
        (_whole(s.n_bootstrap, 0), "n_bootstrap must be a whole number of 0 or more, e.g. 1000"),
        (_whole(s.seed, 0), "seed must be a whole number of 0 or more"),
        (_within(s.confidence, 0, 1), "confidence must be between 0 and 1, e.g. 0.95"),
        (s.suppress_below is None or _whole(s.suppress_below, 1),
         "suppress_below must be a whole number of 1 or more, or None"),
        (_within(s.tolerance, 0, math.inf), "tolerance must be a positive number, e.g. 0.1"),
        (_within(s.ratio_threshold, 0, 1), "ratio_threshold must be between 0 and 1, e.g. 0.8"),
    ]  # fmt: skip
    values = [s.min_n, s.correction, s.alpha, s.n_bootstrap, s.seed, s.confidence,
              s.suppress_below, s.tolerance, s.ratio_threshold]  # fmt: skip
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


def _within(value: object, low: float, high: float) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return False
    return low < float(value) < high


def _summary_definition(name: str) -> str:
    from fairness_core.metrics._summaries import summary_spec

    return summary_spec(name).definition
