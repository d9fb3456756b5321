"""Uncertainty, tests and verdicts for subgroup metrics, computed from group counts.

Words used here:

- Intervals of rates, and of differences and ratios of rates, are analytic score intervals
  computed from (effective) counts: Wilson, Newcombe and Miettinen–Nurminen
  (:mod:`fairness_core.metrics._intervals` defines them). They hold at zero events.
- The *bootstrap* here resamples the count tables, never the rows: per group one
  multinomial draw of its four confusion cells with the group's row count and the group's
  cell shares (with sample weights: the shares of weighted counts, so the draws centre on
  the weighted rates; the row count is kept, which understates the spread when weights vary
  a lot). Each cell's share gets half a person added before drawing, so a cell seen zero
  times can still be drawn and an interval never collapses to a point because a group has no
  events. Group sizes stay fixed (a stratified bootstrap), so its cost does not depend on
  the number of rows. *Percentile intervals* are the middle ``confidence`` share of the
  replicates; when more than 5% of replicates are undefined (a draw with no positives has
  no true positive rate) the interval is left undefined. The bootstrap is used only for
  composite metrics (balanced accuracy, F1), never for rates.
- *Significance* of a group against the reference: for proportions Fisher's exact test (with
  weights: the two-proportion z test on effective counts, or Fisher's on rounded effective
  counts when an expected cell is below 5); for composite metrics (balanced accuracy, F1)
  the bootstrap's two-sided percentile p-value; for ROC AUC the Hanley–McNeil standard
  error. Brier score, log loss and mean score get no interval or test.
- *Multiple comparisons*: with many groups × metrics some differences look significant by
  chance. p-values are adjusted over exactly the comparisons that are judged (a metric with a
  harmful direction, enough people on both sides, a defined p-value, not hidden): ``"holm"``
  controls the chance of any false alarm, ``"benjamini-hochberg"`` the expected share of
  false alarms. The difference and the ratio of a group test the same hypothesis (equal
  values), so each (metric, group) counts once.
- *Verdicts* are defined in :mod:`fairness_core.metrics._verdicts`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from fairness_core.errors import InvalidInputError
from fairness_core.metrics._counts import CELLS, GroupCounts
from fairness_core.metrics._intervals import (
    critical_value,
    effective_sample_size,
    jeffreys_interval,
    newcombe_difference_interval,
    score_ratio_interval,
    wilson_interval,
)
from fairness_core.metrics._registry import METRICS, metric_values, values_from_cells
from fairness_core.metrics._verdicts import find_verdict_rule, interval_note, judge_verdict

__all__ = [
    "Correction",
    "Verdict",
    "adjust_disparity_p_values",
    "adjust_p_values",
    "bootstrap_cells",
    "bootstrap_p_values",
    "disparity_tests",
    "effective_sample_size",
    "group_intervals",
    "judge_disparities",
    "percentile_interval",
    "two_proportion_p_values",
    "wilson_interval",
]

Correction = Literal["holm", "benjamini-hochberg", "none"]
#: A verdict word from :data:`fairness_core.metrics._verdicts.VERDICTS`.
Verdict = str
#: Largest share of undefined bootstrap replicates for which an interval is still given.
MAX_UNDEFINED = 0.05
_INDEX = {cell: i for i, cell in enumerate(CELLS)}


def group_intervals(
    counts: GroupCounts,
    name: str,
    *,
    confidence: float = 0.95,
    replicates: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-group interval of one metric: Jeffreys for proportions, bootstrap for composites.

    ROC AUC gets value ± z·SE (Hanley–McNeil); descriptive metrics and the other score
    metrics get NaN, as do composites when no bootstrap ``replicates`` are given.
    """
    spec = METRICS[name]
    nan = np.full(counts.n_groups, np.nan)
    if spec.kind == "rate":
        successes, n_eff = _effective_counts(counts, name)
        return jeffreys_interval(successes, n_eff, confidence=confidence)
    if spec.kind == "composite" and replicates is not None:
        return percentile_interval(values_from_cells(name, replicates), confidence=confidence)
    if name == "roc_auc":
        auc, se = metric_values(counts, name), _auc_standard_error(counts)
        z = critical_value(confidence)
        return np.clip(auc - z * se, 0, 1), np.clip(auc + z * se, 0, 1)
    return nan, nan.copy()


def bootstrap_cells(counts: GroupCounts, *, n_bootstrap: int = 1000, seed: int = 0) -> np.ndarray:
    """Replicates of the cell table, shape (n_bootstrap, groups, 4), one multinomial per group."""
    weighted = counts.weighted_cells
    total = weighted.sum(axis=1, keepdims=True)
    empty = total[:, 0] <= 0  # every weight zero: no defined value, no draws
    # Half a person added to each cell's share: an empty cell can still be drawn, so a
    # group with no events never gets a zero-width interval (see the module docstring).
    n = counts.n.astype(np.float64)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = weighted / total
        pvals = np.where(empty[:, None], 0.25, (shares * n + 0.5) / (n + 2.0))
    pvals = pvals / pvals.sum(axis=1, keepdims=True)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(counts.n, pvals, size=(n_bootstrap, counts.n_groups))
    return np.where(empty[None, :, None], 0.0, draws.astype(np.float64))


def percentile_interval(
    samples: np.ndarray, *, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over axis 0, ignoring undefined replicates (NaN if too many)."""
    values = np.where(np.isfinite(samples), samples, np.nan)
    ordered = np.sort(values, axis=0)  # undefined (NaN) replicates sort last
    defined = np.isfinite(values).sum(axis=0)
    ok = (defined > 0) & (defined >= (1 - MAX_UNDEFINED) * len(samples))

    def quantile(q: float) -> np.ndarray:
        pos = q * np.maximum(defined - 1, 0)
        below = np.floor(pos).astype(np.int64)
        above = np.minimum(below + 1, np.maximum(defined - 1, 0))
        low_v = np.take_along_axis(ordered, below[None, ...], axis=0)[0]
        high_v = np.take_along_axis(ordered, above[None, ...], axis=0)[0]
        with np.errstate(invalid="ignore"):
            return np.where(ok, low_v + (pos - below) * (high_v - low_v), np.nan)

    alpha = (1 - confidence) / 2
    return quantile(alpha), quantile(1 - alpha)


def bootstrap_p_values(differences: np.ndarray) -> np.ndarray:
    """Two-sided percentile p-value that the difference is 0, from replicates (axis 0)."""
    defined = np.isfinite(differences)
    k = defined.sum(axis=0)
    below = (defined & (differences <= 0)).sum(axis=0)
    above = (defined & (differences >= 0)).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.minimum(1.0, 2 * (np.minimum(below, above) + 1) / (k + 1))
    return np.where((k > 0) & (k >= (1 - MAX_UNDEFINED) * len(differences)), p, np.nan)


def two_proportion_p_values(
    s1: np.ndarray, n1: np.ndarray, s2: np.ndarray, n2: np.ndarray, *, exact: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided p-values for p1 = p2 and the test used ("z" or "fisher"), elementwise.

    Fisher's exact test (on counts rounded to whole people) replaces the z test wherever
    an expected cell of the 2×2 table is below 5, where the normal approximation fails.
    With ``exact=True`` (verdicts) Fisher's test is used for every table of whole counts:
    the pooled z test rejects equal rates slightly more often than its level (5.15% at
    5% with 20 expected events per group), Fisher's never does, so a verdict of adverse
    impact is a false alarm at most ``alpha`` of the time (docs/statistics.md). Effective
    counts from weights are not whole and keep the z test.
    """
    from scipy import stats as sps  # lazily: ~0.5 s to import

    s1, n1, s2, n2 = np.broadcast_arrays(
        *(np.asarray(a, dtype=np.float64) for a in (s1, n1, s2, n2))
    )
    total, hits = n1 + n2, s1 + s2
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = hits / total
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = (s1 / n1 - s2 / n2) / se
        expected = np.stack([n * h / total for n in (n1, n2) for h in (hits, total - hits)])
    p = 2 * sps.norm.sf(np.abs(z))
    usable = (n1 >= 1) & (n2 >= 1)
    small = (expected < 5).any(axis=0) | ~np.isfinite(z)
    if exact:
        whole = np.all([np.abs(a - np.round(a)) < 1e-9 for a in (s1, n1, s2, n2)], axis=0)
        small = small | whole
    exact = usable & small
    for i in np.flatnonzero(exact):
        a, b = round(float(s1[i])), round(float(n1[i]))
        c, d = round(float(s2[i])), round(float(n2[i]))
        p[i] = sps.fisher_exact([[a, b - a], [c, d - c]]).pvalue
    test = np.full(len(p), None, dtype=object)
    test[usable] = "z"
    test[exact] = "fisher"
    return np.where(usable, p, np.nan), test


def adjust_p_values(p_values: np.ndarray, *, method: Correction = "holm") -> np.ndarray:
    """p-values adjusted for multiple comparisons; NaN entries are left out of the family."""
    p = np.asarray(p_values, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    defined = np.isfinite(p)
    family = p[defined]
    if method == "none" or len(family) == 0:
        out[defined] = family
    elif method == "benjamini-hochberg":
        from scipy import stats as sps  # lazily: ~0.5 s to import

        out[defined] = sps.false_discovery_control(family, method="bh")
    elif method == "holm":
        # Holm by hand: scipy has no Holm step-down, and statsmodels is not a dependency
        # for one loop. Sort ascending, multiply the i-th smallest by (m − i), keep the
        # sequence non-decreasing (a later p never gets a smaller adjusted p), cap at 1.
        order = np.argsort(family, kind="stable")
        m = len(family)
        stepped = np.maximum.accumulate(family[order] * (m - np.arange(m)))
        adjusted = np.empty(m)
        adjusted[order] = np.minimum(stepped, 1.0)
        out[defined] = adjusted
    else:
        raise InvalidInputError(
            "The multiple-comparison correction must be 'holm', 'benjamini-hochberg' or "
            f"'none'. Got {method!r}. Use 'holm' unless you have a reason to choose otherwise."
        )
    return out


def adjust_disparity_p_values(
    table: pd.DataFrame, *, method: Correction, judged: np.ndarray | None = None
) -> np.ndarray:
    """Adjusted p-values for a disparity table: one test per judged (metric, group).

    The difference and the ratio of a group test the same hypothesis (equal values), so
    the family holds each (metric, group) once and both rows get its adjusted p-value.
    ``judged`` marks the rows whose comparison is judged; the others are left out of the
    family and get NaN (see the module docstring).
    """
    is_diff = (table["kind"] == "difference").to_numpy()
    if judged is not None:
        is_diff = is_diff & judged
    keys = list(zip(table["metric"].tolist(), table["group_index"].tolist(), strict=True))
    raw = table["p_value"].to_numpy(dtype=np.float64)
    family = [k for k, d in zip(keys, is_diff, strict=True) if d]
    adjusted = dict(zip(family, adjust_p_values(raw[is_diff], method=method), strict=True))
    return np.array([adjusted.get(k, np.nan) for k in keys], dtype=np.float64)


def judge_disparities(
    table: pd.DataFrame,
    *,
    min_n: float,
    tolerance: float,
    ratio_threshold: float,
    alpha: float,
    confidence: float,
    impact_ratio: bool,
) -> tuple[list[str | None], list[str | None], list[str]]:
    """The rule text, verdict word and interval note of each row of a disparity table.

    ``impact_ratio``: the reference is the group with the highest selection rate, so the
    selection-rate ratio is the four-fifths rule's impact ratio and is named so. Rows of
    metrics with no harmful direction get None for rule and verdict.
    """
    rules: list[str | None] = []
    verdicts: list[str | None] = []
    notes: list[str] = []
    for row in table.to_dict("records"):
        metric = row["metric"]
        rule = find_verdict_rule(
            row["kind"],
            METRICS[metric].harmful,
            tolerance=tolerance,
            ratio_threshold=ratio_threshold,
            impact_ratio=impact_ratio and metric == "selection_rate",
        )
        if rule is None or row.get("suppressed"):
            rules.append(None if rule is None else rule.text)
            verdicts.append(None)
            notes.append("")
            continue
        verdict = judge_verdict(
            rule,
            value=row["value"],
            p_adjusted=row["p_value_adjusted"],
            group_n=row["group_effective_n"],
            reference_n=row["reference_effective_n"],
            min_n=min_n,
            alpha=alpha,
        )
        note = ""
        if verdict == "too few people to judge":
            small = min(row["group_effective_n"], row["reference_effective_n"])
            note = f"measured on {_people(small)}; at least {min_n:g} needed"
        elif verdict != "cannot be computed":
            note = interval_note(rule, row["ci_low"], row["ci_high"], confidence=confidence)
        rules.append(rule.text)
        verdicts.append(verdict)
        notes.append(note)
    return rules, verdicts, notes


def judged_rows(table: pd.DataFrame, *, min_n: float) -> np.ndarray:
    """Rows whose comparison is judged: a harmful direction, enough people, a defined p."""
    harmful = np.array([METRICS[m].harmful is not None for m in table["metric"]], dtype=bool)
    enough = (table["group_effective_n"].to_numpy(dtype=np.float64) >= min_n) & (
        table["reference_effective_n"].to_numpy(dtype=np.float64) >= min_n
    )
    defined = np.isfinite(table["p_value"].to_numpy(dtype=np.float64))
    shown = ~table["suppressed"].to_numpy(dtype=bool)
    return harmful & enough & defined & shown


def _people(n: float) -> str:
    """ "12 people", or "about 3.4 people" for an effective n that is not whole."""
    if float(n).is_integer():
        return f"{int(n):,} {'person' if n == 1 else 'people'}"
    return f"about {n:,.1f} people (effective n)"


def disparity_tests(
    counts: GroupCounts,
    table: pd.DataFrame,
    *,
    replicates: np.ndarray | None,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For rows of a disparity table: ci_low, ci_high, p_value, test (aligned with rows)."""
    n_rows = len(table)
    low, high, p = np.full(n_rows, np.nan), np.full(n_rows, np.nan), np.full(n_rows, np.nan)
    test = np.full(n_rows, None, dtype=object)
    metrics, kinds = table["metric"].to_numpy(), table["kind"].to_numpy()
    # A rate's difference and ratio test the same 2×2 tables: each is tested once (Fisher's
    # exact test on large counts takes milliseconds per table).
    tested: dict[tuple[str, bytes, int], tuple[np.ndarray, np.ndarray]] = {}
    for name, kind in dict.fromkeys(zip(metrics.tolist(), kinds.tolist(), strict=True)):
        at = np.flatnonzero((metrics == name) & (kinds == kind))
        g = table["group_index"].to_numpy()[at]
        ref = int(table["reference_index"].to_numpy()[at][0])
        spec = METRICS[name]
        if replicates is not None and spec.kind == "composite":
            rep = values_from_cells(name, replicates)
            diff = rep[:, g] - rep[:, [ref]]
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = rep[:, g] / rep[:, [ref]]  # inf / NaN when the reference is 0
            samples = diff if kind == "difference" else ratio
            low[at], high[at] = percentile_interval(samples, confidence=confidence)
            if spec.kind == "composite":
                p[at], test[at] = bootstrap_p_values(diff), "bootstrap"
        if spec.kind == "rate":
            s, n = _effective_counts(counts, name)
            key = (name, np.asarray(g, dtype=np.int64).tobytes(), ref)
            if key not in tested:
                tested[key] = two_proportion_p_values(s[g], n[g], s[ref], n[ref], exact=True)
            p[at], test[at] = tested[key]
            interval = (
                newcombe_difference_interval if kind == "difference" else score_ratio_interval
            )
            args = (s[g], n[g], np.full(len(g), s[ref]), np.full(len(g), n[ref]))
            low[at], high[at] = interval(*args, confidence=confidence)
        elif name == "roc_auc":
            low[at], high[at], p[at] = _auc_comparison(counts, g, ref, kind, confidence)
            test[at] = "hanley-mcneil"
    return low, high, p, test


def _effective_counts(counts: GroupCounts, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Per group (successes, n) for a proportion metric, weighted via the effective n."""
    spec = METRICS[name]
    den = [_INDEX[c] for c in spec.denominator_cells]
    weight = counts.weighted_cells[:, den].sum(axis=1)
    n_eff = effective_sample_size(weight, counts.squared_weight_cells[:, den].sum(axis=1))
    return metric_values(counts, name) * n_eff, n_eff


def _auc_standard_error(counts: GroupCounts) -> np.ndarray:
    """Hanley & McNeil (1982) standard error of each group's ROC AUC (effective counts)."""
    auc = metric_values(counts, "roc_auc")
    w, w2 = counts.weighted_cells, counts.squared_weight_cells
    n_pos = effective_sample_size(w[:, 0] + w[:, 2], w2[:, 0] + w2[:, 2])
    n_neg = effective_sample_size(w[:, 1] + w[:, 3], w2[:, 1] + w2[:, 3])
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = (auc * (1 - auc) + (n_pos - 1) * (q1 - auc**2) + (n_neg - 1) * (q2 - auc**2)) / (
            n_pos * n_neg
        )
    return np.sqrt(np.maximum(var, 0))


def _auc_comparison(
    counts: GroupCounts, g: np.ndarray, ref: int, kind: str, confidence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Normal-approximation interval and p-value for independent groups' AUCs."""
    from scipy import stats as sps  # lazily: ~0.5 s to import

    auc, se = metric_values(counts, "roc_auc"), _auc_standard_error(counts)
    z = critical_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        se_diff = np.sqrt(se[g] ** 2 + se[ref] ** 2)
        diff = auc[g] - auc[ref]
        p = 2 * sps.norm.sf(np.abs(diff / se_diff))
        certain = se_diff == 0  # both AUCs exactly 0 or 1: no spread to test against
        p = np.where(certain, np.where(diff == 0, 1.0, 0.0), p)
        if kind == "difference":
            return diff - z * se_diff, diff + z * se_diff, p
        log_se = np.sqrt((se[g] / auc[g]) ** 2 + (se[ref] / auc[ref]) ** 2)
        ratio = auc[g] / auc[ref]
        return ratio * np.exp(-z * log_se), ratio * np.exp(z * log_se), p
