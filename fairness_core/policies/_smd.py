"""The standardized mean difference of scores between groups (Cohen's d).

*Standardized mean difference* (SMD) of a group against a reference group: the group's
mean score minus the reference's, divided by the *pooled standard deviation*
``sqrt(((n₁ − 1)·s₁² + (n₂ − 1)·s₂²) / (n₁ + n₂ − 2))`` (Cohen 1988, *Statistical Power
Analysis for the Behavioral Sciences*, 2nd ed., § 2.2). Scores are the audit's, oriented so
that 1 is the most favourable, so a negative SMD means the group scores lower (worse). The
reference "best" is the group with the highest mean score among groups of at least the
minimum n. The p-value is Student's two-sample t-test with the same pooled variance
(``scipy.stats.ttest_ind``), adjusted across the groups of one attribute like the subgroup
report's. Rows are people; sample weights are not used.

With the reference "overall", each group is compared with *everyone else* (the rest of the
population): Cohen's d and the t-test are defined for two independent samples, and a group
compared with a population that contains it would be compared partly with itself.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from fairness_core.metrics import Correction, adjust_p_values, find_verdict_rule, judge_verdict

__all__ = ["compute_smd_table"]


def compute_smd_table(
    score: np.ndarray,
    labels: np.ndarray,
    *,
    reference: str,
    line: float,
    min_n: int,
    alpha: float,
    correction: Correction,
) -> pd.DataFrame:
    """Per group: group, n, mean, sd, value (SMD), p_value, p_value_adjusted, verdict.

    ``labels``: each row's group name. ``reference``: "best", "largest", "overall" or
    "group:<name>".
    The reference group is listed with value 0 and verdict "reference".
    """
    from scipy import stats as sps  # lazily: ~0.5 s to import

    frame = pd.DataFrame({"group": labels, "score": np.asarray(score, dtype=np.float64)})
    stats = frame.groupby("group", sort=True)["score"].agg(["size", "mean", "var"])
    stats = stats.rename(columns={"size": "n"})
    ref = _reference(stats, reference, min_n)
    rule = find_verdict_rule("difference", "lower", tolerance=abs(line), ratio_threshold=0.8)
    assert rule is not None  # noqa: S101 - a harmful direction was given
    rows, reference_sizes = [], []
    for group, row in stats.iterrows():
        if group == ref:
            continue
        mine = frame.loc[frame["group"] == group, "score"].to_numpy()
        if reference == "overall":  # everyone else: two independent samples (module doc)
            ref_scores = frame.loc[frame["group"] != group, "score"].to_numpy()
        else:
            ref_scores = frame.loc[frame["group"] == ref, "score"].to_numpy()
        reference_sizes.append(len(ref_scores))
        n1, n2 = len(mine), len(ref_scores)
        value, p = float("nan"), float("nan")
        if n1 >= 2 and n2 >= 2:
            pooled = math.sqrt(
                ((n1 - 1) * mine.var(ddof=1) + (n2 - 1) * ref_scores.var(ddof=1)) / (n1 + n2 - 2)
            )
            if pooled > 0:
                value = (mine.mean() - ref_scores.mean()) / pooled
                p = float(sps.ttest_ind(mine, ref_scores, equal_var=True).pvalue)
        rows.append(
            {
                "group": group,
                "n": int(row["n"]),
                "mean": float(row["mean"]),
                "value": value,
                "p_value": p,
            }
        )
    table = pd.DataFrame(rows, columns=["group", "n", "mean", "value", "p_value"])
    ref_n = np.asarray(reference_sizes, dtype=np.int64)
    judged = (table["n"] >= min_n) & (ref_n >= min_n) & table["p_value"].notna()
    adjusted = np.full(len(table), np.nan)
    if judged.any():
        adjusted[judged.to_numpy()] = adjust_p_values(
            table.loc[judged, "p_value"].to_numpy(), method=correction
        )
    table["p_value_adjusted"] = adjusted
    table["reference"] = ref
    table["verdict"] = [
        judge_verdict(
            rule,
            value=v,
            p_adjusted=p,
            group_n=n,
            reference_n=int(m),
            min_n=min_n,
            alpha=alpha,
        )
        for v, p, n, m in zip(
            table["value"], table["p_value_adjusted"], table["n"], ref_n, strict=True
        )
    ]
    return table


def _reference(stats: pd.DataFrame, reference: str, min_n: int) -> str:
    if reference == "overall":
        return "everyone else"
    if reference.startswith("group:"):
        return reference[len("group:") :].strip()
    if reference == "largest":
        return str(stats["n"].idxmax())
    big = stats[stats["n"] >= min_n]
    return str((big if len(big) else stats)["mean"].idxmax())
