"""Change detection: has a group's gap to the reference changed since the baseline period?

Words used here:

- The *gap* of a group on a metric in a period is the disparity the Subgroups page shows
  as a difference: the group's rate minus the reference group's rate (0 at parity), with
  Newcombe's interval. The *reference group* is held fixed over the whole log (otherwise a
  gap could change only because another group became the reference): by default the
  best-treated group that can be judged on the whole log, as the subgroup report chooses it.
- The *change* is the gap in a period minus the gap in its *baseline* period (the first
  period, the previous one, or a named one). Its interval combines the two gaps' Newcombe
  intervals by the MOVER method (Zou & Donner 2008), which is how Newcombe's interval itself
  combines two Wilson intervals.
- The *test* of "no change" is a z test with each group's rate pooled over the two periods
  (the null hypothesis is that neither the group's rate nor the reference's moved); with
  sample weights every count is an effective count (Kish).
- The *family* is every change that can be judged — each period × group × metric, all
  four measured rates with at least *min n* (effective) people — and its p-values are
  adjusted together (Holm by default), so the chance of any false alarm in one run is at
  most the significance level, however many periods, groups and metrics are watched.
- The *verdict* (:data:`CHANGE_VERDICTS`): ``worse`` when the adjusted p-value is below the
  level and the gap moved in the direction that harms the group, ``better`` in the other
  direction, ``no detectable change`` otherwise, ``too few to judge`` below min n.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

import numpy as np
import pandas as pd

from fairness_core.metrics import (
    METRICS,
    Correction,
    GroupCounts,
    adjust_p_values,
    effective_denominators,
    metric_values,
    newcombe_difference_interval,
)

__all__ = ["CHANGE_COLUMNS", "CHANGE_VERDICTS", "GAP_COLUMNS", "baseline_of", "compute_changes"]

#: Every verdict word of a change, with its meaning.
CHANGE_VERDICTS: Mapping[str, str] = MappingProxyType(
    {
        "worse": "The group's gap to the reference moved in the direction that harms the "
        "group, by more than chance explains (adjusted p-value below the significance "
        "level). This is an alert.",
        "better": "The gap moved in the direction that helps the group, by more than chance "
        "explains.",
        "no detectable change": "The gap moved by no more than chance can explain; this does "
        "not prove it stayed the same (look at the interval).",
        "too few to judge": "Fewer than min n people were measured for the group or the "
        "reference in this period or in its baseline.",
    }
)

#: Columns of the changes table, in order.
CHANGE_COLUMNS = (
    "metric", "group", "reference", "period", "baseline",
    "value", "reference_value", "gap", "gap_ci_low", "gap_ci_high",
    "baseline_gap", "change", "ci_low", "ci_high", "p_value", "p_value_adjusted",
    "verdict", "group_effective_n", "reference_effective_n",
    "baseline_group_effective_n", "baseline_reference_effective_n",
)  # fmt: skip


#: Columns of the gaps table (every period, the baseline periods included).
GAP_COLUMNS = ("metric", "group", "reference", "period", "gap", "ci_low", "ci_high")


def baseline_of(periods: Sequence[str], baseline: str) -> list[int | None]:
    """For each period, the position of its baseline period (None for the baseline itself)."""
    if baseline == "previous":
        return [None, *range(len(periods) - 1)]
    anchor = 0 if baseline == "first" else list(periods).index(baseline)
    return [None if i == anchor else anchor for i in range(len(periods))]


def compute_changes(
    counts: Mapping[str, Sequence[GroupCounts]],
    names: Sequence[str],
    references: Mapping[str, int],
    periods: Sequence[str],
    baseline: str,
    *,
    min_n: int,
    alpha: float,
    correction: Correction,
    confidence: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The changes table: one row per metric × non-reference group × non-baseline period.

    ``counts`` maps each metric to its per-period counts over every group of ``names``
    (empty groups kept, so positions line up): all rows for selection rates, rows with a
    known outcome for error rates. ``references`` gives each metric's fixed reference
    group (a position in ``names``). Returns (changes, gaps): the gaps table holds every
    period's gap with its interval.
    """
    from scipy.stats import norm  # lazily: ~0.5 s to import

    anchors = baseline_of(periods, baseline)
    rows: list[dict[str, object]] = []
    gap_rows: list[dict[str, object]] = []
    for metric, per_period in counts.items():
        ref = references[metric]
        rate = np.array([metric_values(c, metric) for c in per_period])  # (P, G)
        n_eff = np.array([effective_denominators(c, metric) for c in per_period])
        s = np.nan_to_num(rate) * n_eff
        others = [g for g in range(len(names)) if g != ref]
        n_p = len(periods)
        sg, ng = s[:, others], n_eff[:, others]
        sr, nr = np.repeat(s[:, [ref]], len(others), 1), np.repeat(n_eff[:, [ref]], len(others), 1)
        low, high = newcombe_difference_interval(sg, ng, sr, nr, confidence=confidence)
        gap = rate[:, others] - rate[:, [ref]]
        for t in range(n_p):
            for k, g in enumerate(others):
                gap_rows.append(
                    {"metric": metric, "group": names[g], "reference": names[ref],
                     "period": periods[t], "gap": gap[t, k], "ci_low": low[t, k],
                     "ci_high": high[t, k]}
                )  # fmt: skip
        for t in range(n_p):
            b = anchors[t]
            if b is None:
                continue
            change = gap[t] - gap[b]
            # MOVER: the change's interval from the two gaps' intervals.
            lower = change - np.sqrt((gap[t] - low[t]) ** 2 + (high[b] - gap[b]) ** 2)
            upper = change + np.sqrt((high[t] - gap[t]) ** 2 + (gap[b] - low[b]) ** 2)
            with np.errstate(divide="ignore", invalid="ignore"):
                pg = (sg[t] + sg[b]) / (ng[t] + ng[b])
                pr = (sr[t] + sr[b]) / (nr[t] + nr[b])
                var = pg * (1 - pg) * (1 / ng[t] + 1 / ng[b]) + pr * (1 - pr) * (
                    1 / nr[t] + 1 / nr[b]
                )
                z = np.abs(change) / np.sqrt(var)
            p = np.where(var > 0, 2 * norm.sf(z), np.where(change == 0, 1.0, 0.0))
            judged = (
                np.minimum.reduce([ng[t], ng[b], nr[t], nr[b]]) >= max(min_n, 1)
            ) & np.isfinite(change)
            for k, g in enumerate(others):
                rows.append(
                    {
                        "metric": metric, "group": names[g], "reference": names[ref],
                        "period": periods[t], "baseline": periods[b],
                        "value": rate[t, g], "reference_value": rate[t, ref],
                        "gap": gap[t, k], "gap_ci_low": low[t, k], "gap_ci_high": high[t, k],
                        "baseline_gap": gap[b, k], "change": change[k],
                        "ci_low": lower[k], "ci_high": upper[k],
                        "p_value": float(p[k]) if judged[k] else np.nan,
                        "group_effective_n": ng[t, k], "reference_effective_n": nr[t, k],
                        "baseline_group_effective_n": ng[b, k],
                        "baseline_reference_effective_n": nr[b, k],
                    }
                )  # fmt: skip
    table = pd.DataFrame(
        rows, columns=[c for c in CHANGE_COLUMNS if c not in ("p_value_adjusted", "verdict")]
    )
    adjusted = adjust_p_values(table["p_value"].to_numpy(dtype=np.float64), method=correction)
    table["p_value_adjusted"] = adjusted
    harmful = table["metric"].map(lambda m: METRICS[m].harmful)
    hurts = np.where(harmful == "lower", table["change"] < 0, table["change"] > 0)
    significant = adjusted < alpha
    table["verdict"] = np.select(
        [~np.isfinite(adjusted), significant & hurts, significant & ~hurts],
        ["too few to judge", "worse", "better"],
        "no detectable change",
    )
    return table[list(CHANGE_COLUMNS)], pd.DataFrame(gap_rows, columns=list(GAP_COLUMNS))
