"""Calibration by group: do the model's scores mean the same thing for every group?

Words used here:

- *Score bins*: ``n_bins`` bins of equal width over 0–1, as scikit-learn's
  ``calibration_curve``: ``[0, 0.1], (0.1, 0.2], …, (0.9, 1]`` for 10 bins.
- Per group and bin: the *mean score* (what the model promised) and the *observed rate*
  (the share whose true outcome was positive), with a Wilson 95% interval for the observed
  rate. With sample weights both are weighted and the interval uses Kish's effective
  sample size of the bin.
- *Expected calibration error* (ECE): ``Σ_b (n_b / n) · |mean score_b − observed rate_b|``
  over the non-empty bins — the average distance, in outcome share, between what the
  scores say and what happened. 0 is perfect; computed per group and over all rows.
- *Calibration gap* of a group: its mean score minus its observed rate over all its rows
  (above 0: the scores overstate how often the positive outcome happens for this group).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fairness_core.data import AuditData
from fairness_core.errors import InvalidInputError
from fairness_core.formatting import to_json_value
from fairness_core.metrics._counts import combine_group_codes, decode_group_labels
from fairness_core.metrics._stats import effective_sample_size, wilson_interval

__all__ = [
    "CalibrationByGroup",
    "bin_sums",
    "calibration_from_bin_sums",
    "calibration_to_dict",
    "compute_calibration_by_group",
]


@dataclass(frozen=True)
class CalibrationByGroup:
    """Reliability table per group and score bin, and the expected calibration errors.

    ``bins``: one row per non-empty (group, bin): ``group``, ``group_index``, ``bin``,
    ``bin_low``, ``bin_high``, ``n``, ``weight``, ``mean_score``, ``observed_rate``,
    ``ci_low``, ``ci_high``. ``groups``: one row per group: ``group``, ``n``,
    ``mean_score``, ``observed_rate``, ``calibration_gap``, ``ece``.
    """

    attributes: tuple[str, ...]
    names: tuple[str, ...]
    n_bins: int
    confidence: float
    overall_ece: float
    weighted: bool
    bins: pd.DataFrame = field(repr=False, compare=False)
    groups: pd.DataFrame = field(repr=False, compare=False)


def compute_calibration_by_group(
    data: AuditData,
    attributes: Sequence[str],
    *,
    n_bins: int = 10,
    confidence: float = 0.95,
) -> CalibrationByGroup:
    """Mean score against observed positive rate per group and score bin, with ECE."""
    if data.y_score is None:
        raise InvalidInputError(
            "Calibration needs the model's scores, and this audit has decisions only. "
            "Expected a score column (a probability between 0 and 1) or a model. Got none. "
            "Choose the score column on the Data & model page, or load the model."
        )
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise InvalidInputError(
            f"The number of score bins must be a whole number of at least 1. Got {n_bins!r}. "
            "Use 10 (the usual choice)."
        )
    if not 0 < confidence < 1:
        raise InvalidInputError(
            f"The confidence level must be between 0 and 1. Got {confidence!r}. Use 0.95."
        )
    known = {g.name: g for g in data.groups}
    unknown = [a for a in attributes if a not in known]
    if not attributes or unknown:
        raise InvalidInputError(
            "Calibration by group needs one or more protected attributes of this audit "
            f"({', '.join(sorted(known))}). Got {list(attributes)}. Choose among those."
        )
    columns = [known[a] for a in attributes]
    code, present, radices = combine_group_codes(columns)
    size = len(present) if present is not None else int(np.prod(radices))
    score = np.asarray(data.y_score, dtype=np.float64)
    truth = np.asarray(data.y_true, dtype=np.float64)
    weight = None if data.sample_weight is None else np.asarray(data.sample_weight, float)
    keep = np.flatnonzero(np.bincount(code, minlength=size) > 0)
    position = np.full(size, -1, dtype=np.int64)
    position[keep] = np.arange(len(keep))
    group = position[code]
    combined = keep if present is None else present[keep]
    names = tuple(" · ".join(labels) for labels in decode_group_labels(combined, columns, radices))

    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # As sklearn.calibration.calibration_curve: bins (a, b], the first one [0, b].
    bin_of = np.searchsorted(edges[1:-1], score)
    sums = bin_sums(group * n_bins + bin_of, len(names) * n_bins, truth, score, weight)
    shaped = {key: value.reshape(len(names), n_bins) for key, value in sums.items()}
    return calibration_from_bin_sums(
        shaped,
        attributes=tuple(attributes),
        names=names,
        weighted=weight is not None,
        confidence=confidence,
    )


def bin_sums(
    code: np.ndarray,
    size: int,
    truth: np.ndarray,
    score: np.ndarray,
    weight: np.ndarray | None,
) -> dict[str, np.ndarray]:
    """Per code: rows, weight, squared weight, weighted score and weighted positives."""
    w = np.ones(len(code)) if weight is None else weight
    return {
        "n": np.bincount(code, minlength=size).astype(np.float64),
        "weight": np.bincount(code, weights=w, minlength=size),
        "squared": np.bincount(code, weights=w * w, minlength=size),
        "score": np.bincount(code, weights=w * score, minlength=size),
        "positive": np.bincount(code, weights=w * truth, minlength=size),
    }


def calibration_from_bin_sums(
    sums: dict[str, np.ndarray],
    *,
    attributes: tuple[str, ...],
    names: tuple[str, ...],
    weighted: bool,
    confidence: float = 0.95,
) -> CalibrationByGroup:
    """The calibration result from per (group, bin) sums (arrays shaped groups × bins).

    ``sums`` holds ``n``, ``weight``, ``squared``, ``score`` and ``positive`` as
    :func:`bin_sums` makes them; a count engine (:mod:`fairness_core.engines`) fills the
    same table with a ``GROUP BY``.
    """
    n_groups, n_bins = sums["n"].shape
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    table = _bin_stats({key: value.ravel() for key, value in sums.items()}, weighted)
    low, high = wilson_interval(
        table["observed_rate"] * table["n_eff"], table["n_eff"], confidence=confidence
    )
    bins = pd.DataFrame(
        {
            "group": np.repeat(np.asarray(names, dtype=object), n_bins),
            "group_index": np.repeat(np.arange(n_groups), n_bins),
            "bin": np.tile(np.arange(n_bins), n_groups),
            "bin_low": np.tile(edges[:-1], n_groups),
            "bin_high": np.tile(edges[1:], n_groups),
            "n": table["n"].astype(np.int64),
            "weight": table["weight"],
            "mean_score": table["mean_score"],
            "observed_rate": table["observed_rate"],
            "ci_low": low,
            "ci_high": high,
        }
    )
    bins = bins[bins["n"] > 0].reset_index(drop=True)
    everyone = _bin_stats({key: value.sum(axis=0) for key, value in sums.items()}, weighted)
    return CalibrationByGroup(
        attributes=tuple(attributes),
        names=names,
        n_bins=int(n_bins),
        confidence=float(confidence),
        overall_ece=_ece(everyone["weight"], everyone["mean_score"], everyone["observed_rate"]),
        weighted=weighted,
        bins=bins,
        groups=_group_table(bins, names),
    )


def calibration_to_dict(result: CalibrationByGroup) -> dict[str, Any]:
    """The result as JSON-ready data (NaN → None)."""
    return to_json_value(
        {
            "attributes": list(result.attributes),
            "n_bins": result.n_bins,
            "confidence": result.confidence,
            "weighted": result.weighted,
            "expected_calibration_error": result.overall_ece,
            "groups": result.groups.to_dict("records"),
            "bins": result.bins.drop(columns="group_index").to_dict("records"),
        }
    )


def _bin_stats(sums: dict[str, np.ndarray], weighted: bool) -> dict[str, np.ndarray]:
    """Rows, weight, effective n, mean score and observed rate per bin, from its sums."""
    total = sums["weight"]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_score = sums["score"] / total
        observed = sums["positive"] / total
    n_eff = effective_sample_size(total, sums["squared"]) if weighted else sums["n"]
    return {
        "n": sums["n"],
        "weight": total,
        "n_eff": n_eff,
        "mean_score": mean_score,
        "observed_rate": observed,
    }


def _ece(weight: np.ndarray, mean_score: np.ndarray, observed: np.ndarray) -> float:
    """Σ_b (n_b / n) |mean score_b − observed rate_b| over the bins with weight."""
    used = weight > 0
    if not used.any():
        return float("nan")
    gaps = np.abs(mean_score[used] - observed[used])
    return float(np.sum(weight[used] * gaps) / np.sum(weight[used]))


def _group_table(bins: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    rows = []
    for g, name in enumerate(names):
        part = bins[bins["group_index"] == g]
        w = part["weight"].to_numpy()
        total = w.sum()
        mean_score = float(np.dot(w, part["mean_score"]) / total) if total > 0 else np.nan
        observed = float(np.dot(w, part["observed_rate"]) / total) if total > 0 else np.nan
        rows.append(
            {
                "group": name,
                "n": int(part["n"].sum()),
                "mean_score": mean_score,
                "observed_rate": observed,
                "calibration_gap": mean_score - observed,
                "ece": _ece(w, part["mean_score"].to_numpy(), part["observed_rate"].to_numpy()),
            }
        )
    return pd.DataFrame(rows)
