"""An operating point spelled out: each group's rule, metrics with intervals, the change.

:func:`evaluate_operating_point` turns an :class:`~fairness_core.frontier.OperatingPoint`
(found on the frontier or by a strategy) into what a reviewer reads and the report records:
the rule per group as a sentence, per-group rates with Wilson intervals, today against the
chosen point, and the change per 10,000 decisions in words. Words as in
:mod:`fairness_core.frontier`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairness_core.data import ScoreScale
from fairness_core.metrics import wilson_interval
from fairness_core.tradeoffs._frontier import OperatingPoint, _cells, _summary, _summary_from_cells
from fairness_core.tradeoffs._rule import DISPARATE_TREATMENT_NOTE, GroupRule, rule_sentence
from fairness_core.tradeoffs._sweep import (
    DISPARITIES,
    RATES,
    Criterion,
    ThresholdSweep,
    check_cost_ratio,
    check_criterion,
    confusion_cells,
    group_rates,
    registry_parts,
)
from fairness_core.tradeoffs._warnings import degenerate_warnings, small_fit_warning, small_fits

__all__ = ["PointEvaluation", "evaluate_operating_point"]


@dataclass(frozen=True)
class PointEvaluation:
    """An operating point spelled out: rules, per-group metrics, change from today.

    ``thresholds``: group, threshold, randomized, note (the rule as a sentence).
    ``per_group``: group, n, and for selection rate, TPR, FPR, precision and accuracy the
    value with its Wilson interval (``<rate>_low``, ``<rate>_high``), today's selection
    rate and the change in positive decisions per 10,000 decisions. ``overall``: measure,
    today, chosen, change.

    ``rules``: each group's exact thresholds and mixing probabilities with the sentence.
    ``group_specific``: the groups do not all get the same rule, so the protected attribute
    is used at decision time. ``degenerate``: some group gets (or is refused) the positive
    decision more than 95% of the time, or the balanced accuracy is within 0.02 of 0.5.
    ``small_fit``: groups whose own threshold was fitted on too few people. ``warnings``:
    every one of these in plain sentences (empty when there is nothing to warn about).
    """

    point: OperatingPoint
    thresholds: pd.DataFrame = field(repr=False, compare=False)
    per_group: pd.DataFrame = field(repr=False, compare=False)
    overall: pd.DataFrame = field(repr=False, compare=False)
    change_summary: str
    rules: tuple[GroupRule, ...] = field(default=(), repr=False, compare=False)
    group_specific: bool = False
    degenerate: bool = False
    small_fit: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def evaluate_operating_point(
    sweep: ThresholdSweep,
    point: OperatingPoint,
    *,
    cost_ratio: float = 1.0,
    criterion: Criterion | None = None,
    verb: str = "positive decisions",
    confidence: float = 0.95,
    min_n: int = 30,
) -> PointEvaluation:
    """Spell out ``point``: its rules, per-group metrics with intervals, change from today.

    Wilson intervals use the effective sample size of each rate's denominator; for
    randomized rules the counts are expected counts. The change is stated per 10,000
    decisions: ``"+312 approvals for women, −95 for men; accuracy −1.2 points"`` with
    ``verb="approvals"``. A group-specific threshold fitted on fewer than ``min_n`` people
    (effective people with weights), or for an error-rate criterion on fewer than 30
    people with a positive or with a negative outcome, is named in the warnings.
    """
    c = check_cost_ratio(cost_ratio)
    shown = check_criterion(criterion or point.criterion or "demographic_parity")
    verb = verb.strip() or "positive decisions"
    w_neg, w_pos = _cells(sweep.selected, point)
    r_neg, r_pos = _cells(sweep.selected_rows, point)
    s_neg, s_pos = _cells(sweep.selected_squared, point)
    p, n = sweep.positives, sweep.negatives
    rates = group_rates(w_pos, w_neg, p, n)
    totals_sq = sweep.selected_squared[:, 0]
    # The registry's cells, in weights and in squared weights (for effective sample sizes).
    cells = confusion_cells(w_pos, w_neg, p, n)
    squared = confusion_cells(s_pos, s_neg, totals_sq[:, 1], totals_sq[:, 0])
    parts = {}  # (successes, denominator, squared-weight denominator) per rate
    for name in RATES:
        successes, den = registry_parts(name, cells)
        parts[name] = (successes, den, registry_parts(name, squared)[1])
    per_group = pd.DataFrame(
        {
            "group": list(sweep.names),
            "group_index": np.arange(sweep.n_groups),
            "n": sweep.selected_rows[:, 0].sum(axis=1).astype(np.int64),
        }
    )
    for name, (successes, den, den_sq) in parts.items():
        per_group[name] = rates[name]
        low, high = _interval(successes, den, den_sq, confidence)
        per_group[f"{name}_low"], per_group[f"{name}_high"] = low, high
    today_selected = sweep.today[:, 0] + sweep.today[:, 1]
    per_group["today_selection_rate"] = today_selected / (p + n)
    per_group["expected_positive_rows"] = r_pos + r_neg
    change = (w_pos + w_neg - today_selected) / sweep.total * 10_000
    per_group["change_per_10000"] = change

    today = _summary_from_cells(sweep, sweep.today[:, 0], sweep.today[:, 1], c)
    chosen = _summary(sweep, point, c)
    order = ["accuracy", "balanced_accuracy", "expected_cost", "selection_rate", *DISPARITIES]
    overall = pd.DataFrame(
        {
            "measure": order,
            "today": [today[m] for m in order],
            "chosen": [chosen[m] for m in order],
        }
    )
    overall["change"] = overall["chosen"] - overall["today"]
    summary = _change_sentence(
        list(sweep.names), change, verb, chosen, today, shown.disparity, point.randomized
    )
    rules = _group_rules(sweep, point)
    group_specific = len({(r.thresholds, r.probabilities) for r in rules}) > 1
    degenerate_words = degenerate_warnings(
        per_group["group"].astype(str).tolist(),
        per_group["selection_rate"].to_numpy(),
        chosen["balanced_accuracy"],
    )
    small = small_fits(sweep, point.criterion, min_n=min_n) if group_specific else []
    warnings = list(degenerate_words)
    if small:
        warnings.append(small_fit_warning(small, point.criterion, min_n=min_n))
    if group_specific or point.randomized:
        warnings.append(DISPARATE_TREATMENT_NOTE)
    return PointEvaluation(
        point,
        _rules_table(rules, sweep.scale),
        per_group,
        overall,
        summary,
        rules=rules,
        group_specific=group_specific,
        degenerate=bool(degenerate_words),
        small_fit=tuple(name for name, _ in small),
        warnings=tuple(warnings),
    )


def _interval(successes, den, den_sq, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    den = np.asarray(den, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(den > 0, successes / den, np.nan)
        n_eff = np.where(den_sq > 0, den * den / den_sq, 0.0)
    return wilson_interval(np.nan_to_num(share) * n_eff, n_eff, confidence=confidence)


def _group_rules(sweep: ThresholdSweep, point: OperatingPoint) -> tuple[GroupRule, ...]:
    """Each group's mixture of finite thresholds, exact, with its sentence."""
    rules = []
    for g, name in enumerate(sweep.names):
        weight_by_index: dict[int, float] = {}
        for k, w in zip(point.indices[g].tolist(), point.weights[g].tolist(), strict=True):
            if w > 1e-12 and np.isfinite(sweep.thresholds[k]):
                weight_by_index[k] = weight_by_index.get(k, 0.0) + w
        positions = np.asarray(sorted(weight_by_index), dtype=np.int64)
        values = sweep.thresholds[positions]
        probabilities = np.asarray([weight_by_index[k] for k in positions.tolist()])
        sentence = rule_sentence(
            values,
            probabilities,
            grid=sweep.thresholds,
            positions=positions,
            exact=sweep.exact,
            scale=sweep.scale,
        )
        rules.append(
            GroupRule(
                group=name,
                thresholds=tuple(float(v) for v in values),
                probabilities=tuple(float(v) for v in probabilities),
                sentence=sentence,
                everyone_from_first=bool(len(positions) and positions[0] == 0),
            )
        )
    return tuple(rules)


def _rules_table(rules: tuple[GroupRule, ...], scale: ScoreScale | None = None) -> pd.DataFrame:
    """One row per group; ``threshold`` on the score's own scale when it has one."""
    rows = []
    for rule in rules:
        shares = np.asarray(rule.yes_shares)
        # Main threshold: the lowest score from which the positive decision is more likely.
        at = int(np.searchsorted(shares, 0.5 - 1e-9))
        main = rule.thresholds[at] if at < len(rule.thresholds) else np.nan
        if scale is not None and np.isfinite(main):
            main = scale.to_original(main)
        rows.append(
            {
                "group": rule.group,
                "threshold": main,
                "randomized": rule.randomized,
                "note": rule.sentence,
            }
        )
    return pd.DataFrame(rows, columns=["group", "threshold", "randomized", "note"])


def _plain(value: float) -> str:
    return f"{value:.3f}" if np.isfinite(value) else "not defined"


def _round_half_away(value: float, digits: int = 0) -> float:
    """Round half away from zero (Python's round() sends 0.5 and 2.5 to the even number)."""
    scale = 10.0**digits
    return float(np.sign(value) * np.floor(abs(value) * scale + 0.5) / scale)


def _signed(value: float, digits: int = 0) -> str:
    """``+312`` / ``−95`` (a true minus sign); a value that rounds to zero is ``0``."""
    rounded = _round_half_away(value, digits)
    if rounded == 0:
        return f"{0:.{digits}f}"
    return f"{rounded:+,.{digits}f}".replace("-", "−")


def _change_sentence(
    names: list[str],
    change: np.ndarray,
    verb: str,
    chosen: dict[str, float],
    today: dict[str, float],
    disparity: str,
    randomized: bool,
) -> str:
    order = np.argsort(-np.abs(change), kind="stable")
    shown = order[:6]
    parts = []
    for g in shown.tolist():
        rounded = _round_half_away(float(change[g]))
        if rounded == 0:
            parts.append(f"no change for {names[g]}")
        elif not parts or all(p.startswith("no change") for p in parts):
            parts.append(f"{_signed(rounded)} {verb} for {names[g]}")
        else:
            parts.append(f"{_signed(rounded)} for {names[g]}")
    if len(order) > len(shown):
        parts.append(f"smaller changes for {len(order) - len(shown)} more groups")
    points = (chosen["accuracy"] - today["accuracy"]) * 100
    sentence = (
        "Per 10,000 decisions: " + ", ".join(parts) + f"; accuracy {_signed(points, 1)} points"
    )
    title = DISPARITIES[disparity].lower()
    sentence += f"; {title} {_plain(today[disparity])} → {_plain(chosen[disparity])}."
    if randomized:
        sentence += " Some decisions near the thresholds are drawn at random."
    return sentence[0].upper() + sentence[1:]
