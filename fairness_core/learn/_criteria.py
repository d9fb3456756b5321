"""Which fairness criteria hold on the practice population, each with its numbers and line.

Every number comes from the core's own measures, so the Learn page and the Subgroups page
cannot disagree: rates and their gaps from :func:`fairness_core.metrics.compute_subgroup_report`
(the named summaries, e.g. the equal opportunity difference), calibration within groups from
:func:`fairness_core.metrics.compute_calibration_by_group` (each group's expected
calibration error), and the balance conditions of Kleinberg, Mullainathan and Raghavan
(2016) from :func:`fairness_core.metrics.compute_group_counts` over group × true outcome
(the mean score of each).

A criterion *holds* when its gap is within the line (a difference of rates at most
``tolerance``; every group's expected calibration error at most ``calibration_line``).
The lines are teaching choices, not legal tests; with sampled people, two groups drawn
alike still differ by a little, which is why a line is needed at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fairness_core.data import GroupColumn
from fairness_core.errors import InvalidInputError
from fairness_core.learn._population import SyntheticPopulation
from fairness_core.metrics import (
    SUMMARIES,
    TERMS,
    compute_calibration_by_group,
    compute_group_counts,
    compute_subgroup_report,
    metric_values,
    summary_spec,
)

__all__ = [
    "CRITERIA",
    "MATCHABLE",
    "CriteriaReport",
    "Criterion",
    "ErrorRateIdentity",
    "check_criteria",
    "find_matching_threshold",
]

#: The rates shown for each group, as registry names.
RATES = (
    "base_rate",
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "false_negative_rate",
    "precision",
)
#: (key, title, the summary or measure it reads), in the order the page lists them.
CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("demographic parity", "Demographic parity", "demographic_parity_difference"),
    ("equal opportunity", "Equal opportunity", "equal_opportunity_difference"),
    ("equalized odds", "Equalized odds", "equalized_odds_difference"),
    ("predictive parity", "Predictive parity", "predictive_parity_difference"),
    ("calibration within groups", "Calibration within groups", "expected calibration error"),
    ("balance for the positive class", "Balance for the positive class", "mean score"),
    ("balance for the negative class", "Balance for the negative class", "mean score"),
)


@dataclass(frozen=True)
class Criterion:
    """One criterion: does it hold, the numbers per group, the measured gap and the line."""

    key: str
    title: str
    definition: str
    holds: bool
    measure: str
    values: tuple[float, ...]
    gap: float
    line: str


@dataclass(frozen=True)
class ErrorRateIdentity:
    """Chouldechova's (2017) identity for one group: FPR = p/(1−p) · (1−PPV)/PPV · (1−FNR).

    ``base_rate`` p, ``precision`` PPV, ``false_negative_rate`` FNR; ``implied_fpr`` is the
    right-hand side and ``false_positive_rate`` the measured one (equal up to rounding).
    """

    group: str
    base_rate: float
    precision: float
    false_negative_rate: float
    false_positive_rate: float
    implied_fpr: float


@dataclass(frozen=True)
class CriteriaReport:
    """The criteria on one population at one pair of thresholds."""

    groups: tuple[str, ...]
    thresholds: tuple[float, float]
    tolerance: float
    calibration_line: float
    rates: dict[str, tuple[float, ...]]
    criteria: tuple[Criterion, ...]
    identities: tuple[ErrorRateIdentity, ...]

    def holding(self) -> tuple[str, ...]:
        """The keys of the criteria that hold."""
        return tuple(c.key for c in self.criteria if c.holds)

    def criterion(self, key: str) -> Criterion:
        """The criterion called ``key``."""
        return next(c for c in self.criteria if c.key == key)


def check_criteria(
    population: SyntheticPopulation,
    thresholds: tuple[float, float],
    *,
    tolerance: float = 0.05,
    calibration_line: float = 0.05,
    n_bins: int = 10,
) -> CriteriaReport:
    """Measure every criterion on ``population`` decided at ``thresholds`` (one per group)."""
    if not 0 < tolerance < 1 or not 0 < calibration_line < 1:
        raise InvalidInputError(
            f"The lines must be between 0 and 1. Got {tolerance} and {calibration_line}. "
            "Use 0.05, for example."
        )
    audit = population.audit_data(thresholds)
    report = compute_subgroup_report(
        audit,
        attributes=("group",),
        metrics=RATES[1:],
        reference="best",
        min_n=1,
        n_bootstrap=0,
        tolerance=tolerance,
    )
    names = report.counts.names
    rates = {m: tuple(float(v) for v in metric_values(report.counts, m)) for m in RATES}
    line = f"difference ≤ {tolerance:g}"
    criteria = []
    for key, title, summary in CRITERIA[:4]:
        gap = float(report.summary_details[summary].value)
        values = tuple(
            v for m in SUMMARIES[summary].metrics for v in rates[m]
        )  # equalized odds: true positive rates, then false positive rates
        criteria.append(
            Criterion(
                key,
                title,
                TERMS[key],
                bool(np.isfinite(gap) and gap <= tolerance),
                summary_spec(summary).title,
                values,
                gap,
                line,
            )
        )
    calibration = compute_calibration_by_group(audit, ("group",), n_bins=n_bins)
    ece = tuple(float(v) for v in calibration.groups["ece"])
    worst = float(np.nanmax(ece))
    criteria.append(
        Criterion(
            "calibration within groups",
            "Calibration within groups",
            TERMS["calibration within groups"],
            all(e <= calibration_line for e in ece),
            "Expected calibration error in each group",
            ece,
            worst,
            f"every group's error ≤ {calibration_line:g}",
        )
    )
    means = _mean_score_by_outcome(population, thresholds)
    balance = ((1, "balance for the positive class"), (0, "balance for the negative class"))
    for outcome, key in balance:
        values = tuple(means.get((g, outcome), float("nan")) for g in range(2))
        gap = abs(values[0] - values[1]) if all(np.isfinite(values)) else float("nan")
        criteria.append(
            Criterion(
                key,
                key.capitalize(),
                TERMS[key],
                bool(np.isfinite(gap) and gap <= tolerance),
                "Mean score of people whose true outcome was "
                + ("positive" if outcome else "negative"),
                values,
                gap,
                line,
            )
        )
    identities = tuple(
        ErrorRateIdentity(
            names[g],
            rates["base_rate"][g],
            rates["precision"][g],
            rates["false_negative_rate"][g],
            rates["false_positive_rate"][g],
            _implied_fpr(
                rates["base_rate"][g], rates["precision"][g], rates["false_negative_rate"][g]
            ),
        )
        for g in range(len(names))
    )
    return CriteriaReport(
        tuple(names), (float(thresholds[0]), float(thresholds[1])), float(tolerance),
        float(calibration_line), rates, tuple(criteria), identities,
    )  # fmt: skip


def _implied_fpr(base_rate: float, precision: float, fnr: float) -> float:
    """p/(1−p) · (1−PPV)/PPV · (1−FNR); NaN when precision is 0 or undefined."""
    if not np.isfinite(precision) or precision == 0 or base_rate >= 1:
        return float("nan")
    return base_rate / (1 - base_rate) * (1 - precision) / precision * (1 - fnr)


def _mean_score_by_outcome(
    population: SyntheticPopulation, thresholds: tuple[float, float]
) -> dict[tuple[int, int], float]:
    """The mean decision score per (group, true outcome), from the core's count tables."""
    scores = population.decision_scores(thresholds)
    group = GroupColumn("group", ("0", "1"), population.group.astype(np.int64))
    outcome = GroupColumn("outcome", ("0", "1"), population.y_true.astype(np.int64))
    counts = compute_group_counts(
        [group, outcome], population.y_true, population.decisions(thresholds), y_score=scores
    )
    values = metric_values(counts, "mean_score")
    return {
        (int(labels[0]), int(labels[1])): float(v)
        for labels, v in zip(counts.labels, values, strict=True)
    }


#: The rates a second threshold can match, by registry name.
MATCHABLE = ("selection_rate", "true_positive_rate", "false_positive_rate", "precision")


def find_matching_threshold(
    population: SyntheticPopulation, threshold: float, metric: str
) -> float:
    """Group B's threshold (0.05–0.95, steps of 0.01) whose ``metric`` is closest to Group A's.

    Group A keeps ``threshold``. Rates come from the core's count tables, as everywhere on
    the Learn page; ties go to the threshold closest to Group A's.
    """
    if metric not in MATCHABLE:
        raise InvalidInputError(
            f"Only these rates can be matched: {', '.join(MATCHABLE)}. Got {metric!r}. "
            "Choose one of them."
        )
    group = GroupColumn("group", ("A", "B"), population.group.astype(np.int64))
    candidates = np.round(np.arange(0.05, 0.951, 0.01), 2)
    best, best_gap = float(threshold), float("inf")
    for candidate in sorted(candidates, key=lambda c: abs(c - threshold)):
        decisions = population.decisions((threshold, float(candidate)))
        counts = compute_group_counts([group], population.y_true, decisions)
        values = metric_values(counts, metric)
        gap = abs(float(values[0]) - float(values[1]))
        if np.isfinite(gap) and gap < best_gap:
            best, best_gap = float(candidate), gap
    return best
