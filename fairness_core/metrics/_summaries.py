"""Named summaries: one number per disparity, each defined once, in words, here.

A *summary* condenses a metric across groups into one number: a *difference* (highest minus
lowest value; 0 at parity) or a *ratio* (lowest divided by highest; 1 at parity), as
fairlearn's ``MetricFrame.difference()`` / ``ratio()`` with ``method="between_groups"``.

Every summary is taken over the groups that *can be judged* on its metric: at least
``min_n`` people (effective n with weights) in the metric's denominator, a defined value,
and not hidden for privacy. Groups left out are listed. With fewer than two such groups a
summary is *undefined* (NaN, with the reason): one group alone is not "perfect parity", and
a rule on an undefined summary fails.

``SUMMARIES`` holds each named summary's title and definition; the Subgroups page, the
report, the README and the command line's JSON (``summary_details``) all use these words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from fairness_core.metrics._counts import GroupCounts
from fairness_core.metrics._registry import METRICS, effective_denominators, metric_values

__all__ = [
    "SUMMARIES",
    "SummaryDetail",
    "SummarySpec",
    "compute_summaries",
    "judged_groups",
    "summary_spec",
]


@dataclass(frozen=True)
class SummarySpec:
    """What a named summary is: its title, its formula in words, the metrics it reads."""

    name: str
    title: str
    definition: str
    metrics: tuple[str, ...]
    kind: Literal["difference", "ratio"]


@dataclass(frozen=True)
class SummaryDetail:
    """A summary's value with the groups it was taken over and, when undefined, why."""

    name: str
    value: float
    groups_judged: tuple[str, ...]
    groups_left_out: tuple[str, ...]
    reason: str


_AMONG = "among the groups that can be judged"
_SPECS = (
    SummarySpec(
        "disparate_impact_ratio",
        "Disparate impact ratio (four-fifths rule)",
        "The lowest impact ratio: each group's selection rate divided by the highest "
        f"selection rate {_AMONG}, and the lowest of these. The four-fifths rule asks for at "
        "least 0.8. By definition the same number as the demographic parity ratio.",
        ("selection_rate",),
        "ratio",
    ),
    SummarySpec(
        "demographic_parity_difference",
        "Demographic parity difference",
        f"The highest selection rate minus the lowest, {_AMONG}.",
        ("selection_rate",),
        "difference",
    ),
    SummarySpec(
        "demographic_parity_ratio",
        "Demographic parity ratio",
        f"The lowest selection rate divided by the highest, {_AMONG}.",
        ("selection_rate",),
        "ratio",
    ),
    SummarySpec(
        "equal_opportunity_difference",
        "Equal opportunity difference",
        f"The highest true positive rate minus the lowest, {_AMONG} (people whose true "
        "outcome was positive).",
        ("true_positive_rate",),
        "difference",
    ),
    SummarySpec(
        "equal_opportunity_ratio",
        "Equal opportunity ratio",
        f"The lowest true positive rate divided by the highest, {_AMONG}.",
        ("true_positive_rate",),
        "ratio",
    ),
    SummarySpec(
        "equalized_odds_difference",
        "Equalized odds difference",
        "The larger of two gaps: the highest minus the lowest true positive rate, and the "
        f"highest minus the lowest false positive rate, each {_AMONG} on that rate.",
        ("true_positive_rate", "false_positive_rate"),
        "difference",
    ),
    SummarySpec(
        "equalized_odds_ratio",
        "Equalized odds ratio",
        "The smaller of two ratios: the lowest divided by the highest true positive rate, "
        f"and the same for the false positive rate, each {_AMONG} on that rate.",
        ("true_positive_rate", "false_positive_rate"),
        "ratio",
    ),
    SummarySpec(
        "predictive_parity_difference",
        "Predictive parity difference",
        f"The highest precision minus the lowest, {_AMONG} (people who got the positive decision).",
        ("precision",),
        "difference",
    ),
    SummarySpec(
        "predictive_parity_ratio",
        "Predictive parity ratio",
        f"The lowest precision divided by the highest, {_AMONG}.",
        ("precision",),
        "ratio",
    ),
)
#: The named summaries, by name.
SUMMARIES: Mapping[str, SummarySpec] = {s.name: s for s in _SPECS}


def summary_spec(name: str) -> SummarySpec:
    """The spec of a named summary or of ``<metric>_difference`` / ``<metric>_ratio``."""
    if name in SUMMARIES:
        return SUMMARIES[name]
    metric, _, kind = name.rpartition("_")
    if metric not in METRICS or kind not in ("difference", "ratio"):
        raise KeyError(name)
    title = METRICS[metric].title
    lower = title if title.split()[0].isupper() else title.lower()
    if kind == "difference":
        words = f"The highest {lower} minus the lowest, {_AMONG}."
    else:
        words = f"The lowest {lower} divided by the highest, {_AMONG}."
    return SummarySpec(name, f"{title} {kind}", words, (metric,), kind)  # type: ignore[arg-type]


def judged_groups(
    counts: GroupCounts, metric: str, *, min_n: float, hidden: np.ndarray | None = None
) -> np.ndarray:
    """Mask of the groups that can be judged on ``metric`` (see the module docstring)."""
    values = metric_values(counts, metric)
    ok = np.isfinite(values) & (effective_denominators(counts, metric) >= min_n)
    return ok if hidden is None else ok & ~hidden


def compute_summaries(
    counts: GroupCounts,
    names: Sequence[str],
    *,
    min_n: float,
    hidden: Mapping[str, np.ndarray] | None = None,
) -> dict[str, SummaryDetail]:
    """Each summary in ``names`` over the judged groups, with who was left out and why."""
    hidden = hidden or {}
    out: dict[str, SummaryDetail] = {}
    for name in names:
        spec = summary_spec(name)
        parts = [
            _extreme(counts, metric, spec.kind, min_n=min_n, hidden=hidden.get(metric))
            for metric in spec.metrics
        ]
        # A group left out of any of the summary's rates is listed as left out (equalized
        # odds: a group with no actual positives is judged on one rate only).
        left = sorted({g for _, _, out_, _ in parts for g in out_})
        judged = sorted({g for _, used, _, _ in parts for g in used} - set(left))
        reasons = [why for value, _, _, why in parts if not np.isfinite(value)]
        values = [value for value, _, _, _ in parts]
        if reasons:
            value = float("nan")
        elif spec.kind == "difference":
            value = max(values)
        else:
            value = min(values)
        out[name] = SummaryDetail(name, value, tuple(judged), tuple(left), "; ".join(reasons))
    return out


def _extreme(
    counts: GroupCounts,
    metric: str,
    kind: str,
    *,
    min_n: float,
    hidden: np.ndarray | None,
) -> tuple[float, list[str], list[str], str]:
    """(value, judged group names, left-out group names, reason when undefined)."""
    ok = judged_groups(counts, metric, min_n=min_n, hidden=hidden)
    names = counts.names
    used = [names[g] for g in np.flatnonzero(ok)]
    left = [names[g] for g in np.flatnonzero(~ok)]
    title = METRICS[metric].title
    lower = title if title.split()[0].isupper() else title.lower()
    if ok.sum() < 2:
        shown = "no group" if ok.sum() == 0 else "only one group"
        need = f"at least {min_n:g} people measured" if min_n > 0 else "a defined value"
        return float("nan"), used, left, f"{shown} can be judged on the {lower} ({need})"
    values = metric_values(counts, metric)[ok]
    low, high = float(values.min()), float(values.max())
    if kind == "difference":
        return high - low, used, left, ""
    if high == 0:
        return float("nan"), used, left, f"every judged group's {lower} is 0"
    return low / high, used, left, ""
