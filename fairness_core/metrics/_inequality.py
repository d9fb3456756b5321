"""Average odds difference and inequality indices (AIF360's definitions), from count tables.

Words used here:

- *Average odds difference* of a group against the reference group: the mean of its false
  positive rate gap and its true positive rate gap,
  ``½[(FPR_g − FPR_ref) + (TPR_g − TPR_ref)]`` (as AIF360's ``average_odds_difference``).
  0 at parity; below 0 the group gets the favourable decision less often, whatever their
  true outcome. Undefined (NaN) when a group has no actual positives or no actual negatives.
- *Benefit* of one person (Speicher et al. 2018): ``b = ŷ − y + 1``, so 1 for a right
  decision (true positive or true negative), 2 for a false positive (a favourable decision
  not deserved by the outcome) and 0 for a false negative. It depends only on the person's
  confusion cell, so every index below is a function of the count tables.
- *Generalized entropy index* ``GE(α) = 1 / (n·α·(α − 1)) · Σᵢ [(bᵢ / μ)^α − 1]`` with μ the
  mean benefit: 0 when everyone gets the same benefit, larger when benefits are spread
  unequally. ``α = 2`` (the default, half the squared coefficient of variation) weighs large
  benefits more; the *Theil index* is ``GE(1) = (1/n) Σᵢ (bᵢ/μ) ln(bᵢ/μ)`` (``0·ln 0 = 0``).
  ``α`` must be above 0: at ``α = 0`` one false negative makes the index infinite.
- *Between groups*: the index when every person's benefit is replaced by their group's mean
  benefit (the inequality the groups' averages alone explain). *Within groups*:
  ``Σ_g w_g · GE_g`` with ``w_g = (n_g/n) · (μ_g/μ)^α`` — the group's population share
  ``n_g/n`` to the power ``1 − α`` times its share of all benefit ``(n_g μ_g)/(n μ)`` to the
  power ``α`` (Shorrocks 1980) — so that ``overall = within + between`` exactly.
- With sample weights every ``n`` is a sum of weights and every mean a weighted mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from fairness_core.data import AuditData
from fairness_core.errors import InvalidInputError
from fairness_core.formatting import to_json_value
from fairness_core.metrics._counts import CELLS, GroupCounts, compute_group_counts
from fairness_core.metrics._registry import find_reference

__all__ = [
    "BENEFITS",
    "EntropyIndex",
    "InequalityReport",
    "build_inequality_json",
    "compute_inequality",
    "generalized_entropy",
    "inequality_to_dict",
]

#: Benefit ``ŷ − y + 1`` of each confusion cell, in :data:`CELLS` order (tp, fp, fn, tn).
BENEFITS = np.array([1.0, 2.0, 0.0, 1.0])
_INDEX = {cell: i for i, cell in enumerate(CELLS)}


@dataclass(frozen=True)
class EntropyIndex:
    """One generalized entropy index over everyone, split into between and within groups.

    ``by_group`` is each group's own index ``GE_g`` (NaN for a group whose mean benefit is
    0) and ``weights`` its ``w_g`` in the within-group sum.
    """

    alpha: float
    overall: float
    between_groups: float
    within_groups: float
    by_group: np.ndarray = field(repr=False, compare=False)
    weights: np.ndarray = field(repr=False, compare=False)


@dataclass(frozen=True)
class InequalityReport:
    """Average odds difference per group, and the GE(α) and Theil indices with their split.

    ``odds`` has one row per group: ``group``, ``n``, ``false_positive_rate``,
    ``true_positive_rate``, their gaps to the reference and ``average_odds_difference``.
    ``groups`` has one row per group: ``group``, ``n``, ``mean_benefit``,
    ``generalized_entropy`` and ``theil_index`` within the group.
    """

    attributes: tuple[str, ...]
    reference: str
    weighted: bool
    generalized_entropy: EntropyIndex
    theil: EntropyIndex
    odds: pd.DataFrame = field(repr=False, compare=False)
    groups: pd.DataFrame = field(repr=False, compare=False)


def generalized_entropy(counts: GroupCounts, *, alpha: float = 2.0) -> EntropyIndex:
    """GE(α) of the benefits of everyone in ``counts``, split between and within groups."""
    alpha = _check_alpha(alpha)
    weight = counts.weighted_cells  # (groups, 4): people per cell, or their weight
    n_g = weight.sum(axis=1)
    n = n_g.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        mu_g = weight @ BENEFITS / n_g
        mu = float(weight.sum(axis=0) @ BENEFITS / n)
        overall = _index(weight.sum(axis=0, keepdims=True), mu, alpha)[0]
        between = _index(n_g[None, :], mu, alpha, values=mu_g[None, :])[0]
        by_group = np.array([_index(weight[g : g + 1], mu_g[g], alpha)[0] for g in range(len(n_g))])
        weights = (n_g / n) * (mu_g / mu) ** alpha
    # A group whose mean benefit is 0 has weight 0 (α > 0): it adds nothing within groups.
    within = float(np.sum(np.where(weights > 0, weights * np.nan_to_num(by_group), 0.0)))
    if not np.isfinite(mu) or mu == 0:
        overall = between = within = float("nan")
    return EntropyIndex(alpha, float(overall), float(between), within, by_group, weights)


def compute_inequality(
    data: AuditData | GroupCounts,
    attributes: Sequence[str] | None = None,
    *,
    alpha: float = 2.0,
    reference: Literal["largest"] | tuple[str, ...] = "largest",
) -> InequalityReport:
    """Average odds difference per group and the GE(α) / Theil indices with their split.

    ``data`` is audit data (then ``attributes`` names the protected attributes to combine)
    or ready count tables. ``reference``: the group with most rows, or a group's labels.
    """
    counts = _counts_of(data, attributes)
    if isinstance(reference, str) and reference != "largest":
        raise InvalidInputError(
            "The reference group for the average odds difference must be 'largest' or the "
            f"labels of a group, one per attribute. Got {reference!r}. Use 'largest', or "
            "name a group."
        )
    ref = find_reference(counts, "true_positive_rate", reference)
    cells = counts.weighted_cells
    with np.errstate(divide="ignore", invalid="ignore"):
        fpr = cells[:, _INDEX["fp"]] / (cells[:, _INDEX["fp"]] + cells[:, _INDEX["tn"]])
        tpr = cells[:, _INDEX["tp"]] / (cells[:, _INDEX["tp"]] + cells[:, _INDEX["fn"]])
    names = list(counts.names)
    odds = pd.DataFrame(
        {
            "group": names,
            "n": counts.n,
            "false_positive_rate": fpr,
            "true_positive_rate": tpr,
            "false_positive_rate_difference": fpr - fpr[ref],
            "true_positive_rate_difference": tpr - tpr[ref],
        }
    )
    odds["average_odds_difference"] = 0.5 * (
        odds["false_positive_rate_difference"] + odds["true_positive_rate_difference"]
    )
    odds["is_reference"] = np.arange(len(names)) == ref
    ge = generalized_entropy(counts, alpha=alpha)
    theil = generalized_entropy(counts, alpha=1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_benefit = cells @ BENEFITS / cells.sum(axis=1)
    groups = pd.DataFrame(
        {
            "group": names,
            "n": counts.n,
            "mean_benefit": mean_benefit,
            "generalized_entropy": ge.by_group,
            "theil_index": theil.by_group,
        }
    )
    return InequalityReport(counts.attributes, names[ref], counts.weighted, ge, theil, odds, groups)


def inequality_to_dict(report: InequalityReport) -> dict[str, Any]:
    """The report as JSON-ready data (NaN → None)."""

    def index(entry: EntropyIndex) -> dict[str, Any]:
        return {
            "alpha": entry.alpha,
            "overall": entry.overall,
            "between_groups": entry.between_groups,
            "within_groups": entry.within_groups,
        }

    return to_json_value(
        {
            "attributes": list(report.attributes),
            "reference": report.reference,
            "weighted": report.weighted,
            "average_odds_difference": report.odds.drop(columns="is_reference").to_dict("records"),
            "generalized_entropy_index": index(report.generalized_entropy),
            "theil_index": index(report.theil),
            "groups": report.groups.to_dict("records"),
        }
    )


def build_inequality_json(
    data: AuditData,
    attributes: Sequence[str],
    *,
    alpha: float = 2.0,
    reference: Literal["largest"] | tuple[str, ...] = "largest",
    n_bins: int = 10,
) -> dict[str, Any]:
    """For exports and the command line: the inequality report, and calibration by group
    when the data has scores (``"calibration": None`` otherwise)."""
    from fairness_core.metrics._calibration import (
        calibration_to_dict,
        compute_calibration_by_group,
    )

    result: dict[str, Any] = inequality_to_dict(
        compute_inequality(data, attributes, alpha=alpha, reference=reference)
    )
    result["calibration"] = (
        calibration_to_dict(compute_calibration_by_group(data, attributes, n_bins=n_bins))
        if data.y_score is not None
        else None
    )
    return result


def _index(
    weight: np.ndarray, mu: float, alpha: float, *, values: np.ndarray | None = None
) -> np.ndarray:
    """GE(α) per row of ``weight`` (people per value), the values being the benefits."""
    b = np.broadcast_to(BENEFITS if values is None else values, weight.shape)
    share = weight / weight.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = b / mu
        if alpha == 1.0:
            terms = np.where(ratio > 0, ratio * np.log(ratio), 0.0)
            return np.nansum(share * terms, axis=1) if mu > 0 else np.full(len(share), np.nan)
        terms = ratio**alpha - 1.0
        value = np.nansum(np.where(share > 0, share * terms, 0.0), axis=1)
    return value / (alpha * (alpha - 1.0)) if mu > 0 else np.full(len(share), np.nan)


def _check_alpha(alpha: float) -> float:
    value = float(alpha)
    if not np.isfinite(value) or value <= 0:
        raise InvalidInputError(
            "The generalized entropy index needs alpha above 0. Got "
            f"{alpha!r}. At 0 one wrongly refused person makes the index infinite; use 2 "
            "(the usual choice) or 1 (the Theil index)."
        )
    return value


def _counts_of(data: AuditData | GroupCounts, attributes: Sequence[str] | None) -> GroupCounts:
    if isinstance(data, GroupCounts):
        return data
    if not attributes:
        raise InvalidInputError(
            "No protected attribute was given. Expected the names of one or more protected "
            f"attributes of this audit ({', '.join(g.name for g in data.groups)}). Got none. "
            "Choose at least one."
        )
    known = {g.name for g in data.groups}
    unknown = [a for a in attributes if a not in known]
    if unknown:
        raise InvalidInputError(
            f"{unknown[0]!r} is not a protected attribute of this audit. Expected one of "
            f"{', '.join(sorted(known))}. Choose among those."
        )
    return compute_group_counts(
        [data.group(a) for a in attributes],
        data.y_true,
        data.y_pred,
        sample_weight=data.sample_weight,
    )
