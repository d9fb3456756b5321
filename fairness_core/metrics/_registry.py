"""Metrics per group, and disparities between groups, computed from group counts.

Words used here:

- A *disaggregated metric* is one metric computed separately for each group (as fairlearn's
  ``MetricFrame.by_group``). Names are fairlearn's and scikit-learn's, without the
  ``_score`` suffix: ``selection_rate``, ``true_positive_rate``, ``precision``, ``roc_auc``...
  :data:`METRICS` holds, for each, a plain title, a one-sentence explanation for a
  non-statistician, what is counted above and below the line, whether higher is better and
  whether it is a *proportion* (some rows out of other rows, so a Wilson interval applies).
- A metric's *denominator n* is the number of rows its value is computed from: for the
  true positive rate the people whose true outcome is positive, for precision the people
  who got the positive decision. A group of 5,000 rows may have a true positive rate
  measured on 9 people; small-n warnings and verdicts use this count, not the group size.
- A *disparity* compares a group with a *reference group*: the *difference* (group −
  reference; 0 at parity) and the *ratio* (group ÷ reference; 1 at parity). The reference
  is the ``"largest"`` group by rows, the ``"best"`` group on that metric, or a group the
  user names by its labels.
- A metric's *harmful direction* (:attr:`MetricSpec.harmful`) says which way hurts a group,
  with the favourable decision as the positive one: lower for selection rate, true positive
  rate, precision, accuracy…; higher for false negative, false positive and error rates.
  Verdicts (:mod:`fairness_core.metrics._verdicts`) flag only that direction.
- A *between-groups* summary compares the extremes, as fairlearn's ``MetricFrame``
  ``difference()`` / ``ratio()`` with ``method="between_groups"``: largest minus smallest
  value, and smallest divided by largest, over the groups that can be judged; the named
  summaries and their definitions live in :mod:`fairness_core.metrics._summaries`.

Values are NaN, never an exception, when their denominator is 0 (a group with no actual
positives has no true positive rate). fairlearn's rate functions return 0 there instead; a
group with an undefined value is left out of between-groups summaries. With sample weights,
values use weighted counts and the denominator n stays a count of rows; the *effective n*
(Kish, :func:`effective_denominators`) is what minimum-n checks and intervals use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

from fairness_core.errors import InvalidInputError
from fairness_core.metrics._counts import CELLS, GroupCounts

__all__ = [
    "DEFAULT_METRICS",
    "METRICS",
    "MetricSpec",
    "Reference",
    "between_groups",
    "check_metrics",
    "compute_disparities",
    "compute_group_metrics",
    "divide",
    "effective_denominators",
    "find_reference",
    "metric_denominators",
    "metric_values",
    "values_from_cells",
]

MetricKind = Literal["descriptive", "rate", "composite", "score"]
#: Which group every other group is compared with.
#: ``"overall"`` compares each group with everyone (:mod:`fairness_core.metrics._everyone`).
Reference = Literal["largest", "best", "overall"] | tuple[str, ...]


@dataclass(frozen=True)
class MetricSpec:
    """What a metric means, how it is counted, and which way is better.

    ``kind``: ``"descriptive"`` (who is in the data; no disparities), ``"rate"`` (a
    proportion of confusion cells: ``numerator_cells`` out of ``denominator_cells``),
    ``"composite"`` (built from several rates) or ``"score"`` (needs the model's scores).
    ``higher_is_better`` is None when neither direction is better (base rate, mean score).
    The positive decision is taken to be the favourable one (a loan, an interview).
    """

    name: str
    title: str
    explanation: str
    numerator: str
    denominator: str
    higher_is_better: bool | None
    is_proportion: bool
    kind: MetricKind
    numerator_cells: tuple[str, ...] = ()
    denominator_cells: tuple[str, ...] = ()
    judged: bool = True

    @property
    def needs_scores(self) -> bool:
        """True when the metric needs the model's scores, not only its decisions."""
        return self.kind == "score"

    @property
    def harmful(self) -> Literal["lower", "higher"] | None:
        """Which direction harms a group: "lower" (selection rate…), "higher" (error rates).

        None for metrics that are not judged (who is in the data, base rate, mean score).
        """
        if not self.judged or self.higher_is_better is None:
            return None
        return "lower" if self.higher_is_better else "higher"

    @property
    def harm_sentence(self) -> str:
        """ "A lower selection rate harms a group." (empty when nothing is judged)."""
        if self.harmful is None:
            return ""
        title = self.title if self.title.split()[0].isupper() else self.title.lower()
        return f"A {self.harmful} {title} harms a group."


_ALL = CELLS
_POS, _NEG = ("tp", "fn"), ("fp", "tn")
_SELECTED, _REJECTED = ("tp", "fp"), ("fn", "tn")


def _spec(name: str, title: str, explanation: str, *, num: str, den: str, **kw) -> MetricSpec:
    kw.setdefault("is_proportion", False)
    return MetricSpec(name, title, explanation, num, den, **kw)


def _rate(name: str, title: str, explanation: str, num: tuple, den: tuple, **kw) -> MetricSpec:
    words = {
        _ALL: "rows in the group",
        _POS: "actual positives (tp + fn)",
        _NEG: "actual negatives (fp + tn)",
        _SELECTED: "positive decisions (tp + fp)",
        _REJECTED: "negative decisions (fn + tn)",
    }
    return MetricSpec(
        name, title, explanation, words.get(num) or " + ".join(num), words[den], kind="rate",
        is_proportion=True, numerator_cells=num, denominator_cells=den, **kw,
    )  # fmt: skip


# fmt: off
_SPECS = [
    _spec("count", "Rows", "How many people (rows) are in the group.",
          num="rows in the group", den="none (a count)",
          higher_is_better=None, kind="descriptive", judged=False),
    _spec("share", "Share of the data", "The group's share of all the people in the data.",
          num="rows in the group", den="all rows",
          higher_is_better=None, kind="descriptive", judged=False),
    _rate("base_rate", "Base rate",
          "Of the people in the group, the share whose true outcome was positive.",
          _POS, _ALL, higher_is_better=None, judged=False),
    _rate("selection_rate", "Selection rate",
          "Of the people in the group, the share who got the positive decision.",
          _SELECTED, _ALL, higher_is_better=True),
    _rate("accuracy", "Accuracy",
          "Of the people in the group, the share whose decision matched their true outcome.",
          ("tp", "tn"), _ALL, higher_is_better=True),
    _spec("balanced_accuracy", "Balanced accuracy",
          "The average of the true positive rate and the true negative rate, so people with "
          "a rare outcome count as much as people with a common one.",
          num="true positive rate + true negative rate, halved",
          den="the smaller of actual positives and actual negatives",
          higher_is_better=True, kind="composite"),
    _rate("precision", "Precision",
          "Of the people who got the positive decision, the share who truly deserved it.",
          ("tp",), _SELECTED, higher_is_better=True),
    _rate("negative_predictive_value", "Negative predictive value",
          "Of the people who got the negative decision, the share whose true outcome was "
          "indeed negative.", ("tn",), _REJECTED, higher_is_better=True),
    _rate("true_positive_rate", "True positive rate",
          "Of the people who truly deserved a positive outcome, the share who got it.",
          ("tp",), _POS, higher_is_better=True),
    _rate("false_positive_rate", "False positive rate",
          "Of the people whose true outcome was negative, the share who still got the "
          "positive decision.", ("fp",), _NEG, higher_is_better=False),
    _rate("false_negative_rate", "False negative rate",
          "Of the people who truly deserved a positive outcome, the share who were denied it.",
          ("fn",), _POS, higher_is_better=False),
    _rate("true_negative_rate", "True negative rate",
          "Of the people whose true outcome was negative, the share who got the negative "
          "decision.", ("tn",), _NEG, higher_is_better=True),
    _rate("false_discovery_rate", "False discovery rate",
          "Of the people who got the positive decision, the share whose true outcome was "
          "negative.", ("fp",), _SELECTED, higher_is_better=False),
    _rate("false_omission_rate", "False omission rate",
          "Of the people who got the negative decision, the share who truly deserved a "
          "positive outcome.", ("fn",), _REJECTED, higher_is_better=False),
    _spec("f1", "F1 score",
          "One number between 0 and 1 that balances precision and true positive rate; it is "
          "low when either of them is low.",
          num="2 × tp", den="2 × tp + fp + fn (denominator n: the tp + fp + fn rows)",
          higher_is_better=True, kind="composite"),
    _spec("roc_auc", "ROC AUC",
          "The chance that the model scores a random person with a positive outcome above a "
          "random person with a negative outcome (0.5 is a coin toss, 1 is perfect ranking).",
          num="correctly ordered (positive, negative) pairs, ties counted half",
          den="all (positive, negative) pairs (denominator n: the smaller of actual "
          "positives and actual negatives)", higher_is_better=True, kind="score"),
    _spec("brier_score", "Brier score",
          "The average squared gap between the model's score and the true outcome "
          "(0 is perfect).", num="sum of (outcome − score)²", den="rows in the group",
          higher_is_better=False, kind="score", judged=False),
    _spec("log_loss", "Log loss",
          "How surprised the model is by the true outcomes on average; confident wrong "
          "scores count heavily (0 is perfect).",
          num="sum of −log(score given to the true outcome)", den="rows in the group",
          higher_is_better=False, kind="score", judged=False),
    _spec("mean_score", "Mean score", "The average score the model gives the group.",
          num="sum of scores", den="rows in the group",
          higher_is_better=None, kind="score", judged=False),
]
# fmt: on

#: Every metric the subgroup report can show, by name.
METRICS: Mapping[str, MetricSpec] = MappingProxyType({s.name: s for s in _SPECS})
#: The metrics shown when none are chosen.
DEFAULT_METRICS: tuple[str, ...] = (
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "precision",
    "accuracy",
)
_INDEX = {cell: i for i, cell in enumerate(CELLS)}


def check_metrics(metrics: Sequence[str], *, has_scores: bool) -> tuple[str, ...]:
    """Return the metric names, checked against :data:`METRICS` and the available inputs."""
    names = (metrics,) if isinstance(metrics, str) else tuple(metrics)
    unknown = [m for m in names if m not in METRICS]
    if unknown or not names:
        what = f"Unknown metric {unknown[0]!r}." if unknown else "No metric was chosen."
        raise InvalidInputError(
            f"{what} Expected one or more of: {', '.join(METRICS)}. Got {list(names)}. "
            "Use the names exactly as listed."
        )
    scored = [m for m in names if METRICS[m].needs_scores]
    if scored and not has_scores:
        raise InvalidInputError(
            f"The metric {scored[0]!r} needs the model's scores, and this audit has only "
            "decisions. Expected a score column or a model. Got decisions only. Choose a "
            "score column (or upload the model), or leave out "
            f"{', '.join(repr(m) for m in scored)}."
        )
    return tuple(dict.fromkeys(names))


def values_from_cells(name: str, cells: np.ndarray) -> np.ndarray:
    """Values of a cell-based metric from a (…, groups, 4) table of (weighted) cells."""
    spec = METRICS[name]
    total = cells.sum(axis=-1)
    if name == "count":
        return total.astype(np.float64)
    if name == "share":
        return divide(total, total.sum(axis=-1, keepdims=True))
    if spec.kind == "rate":
        num = cells[..., [_INDEX[c] for c in spec.numerator_cells]].sum(axis=-1)
        return divide(num, cells[..., [_INDEX[c] for c in spec.denominator_cells]].sum(axis=-1))
    tp, fp, fn, tn = (cells[..., i] for i in range(4))
    if name == "balanced_accuracy":
        return (divide(tp, tp + fn) + divide(tn, tn + fp)) / 2
    if name == "f1":
        return divide(2 * tp, 2 * tp + fp + fn)
    raise InvalidInputError(f"The metric {name!r} needs the model's scores, not only counts.")


def metric_values(counts: GroupCounts, name: str) -> np.ndarray:
    """One value per group (weighted when the counts are)."""
    spec = METRICS[name]
    if name == "count":
        return counts.n.astype(np.float64)
    if not spec.needs_scores:
        return values_from_cells(name, counts.weighted_cells)
    if counts.scores is None:
        check_metrics([name], has_scores=False)
    assert counts.scores is not None  # noqa: S101 - check_metrics raised otherwise
    s, w = counts.scores, counts.weighted_cells
    if name == "roc_auc":
        return divide(s.ranked_pairs, (w[:, 0] + w[:, 2]) * (w[:, 1] + w[:, 3]))
    field = {"brier_score": s.squared_error, "log_loss": s.log_loss, "mean_score": s.score}
    return divide(field[name], w.sum(axis=-1))


def metric_denominators(counts: GroupCounts, name: str) -> np.ndarray:
    """Per group, the number of rows the metric's value is computed from."""
    spec = METRICS[name]
    c = counts.cells
    if spec.kind == "rate":
        return c[:, [_INDEX[x] for x in spec.denominator_cells]].sum(axis=-1)
    if name in ("balanced_accuracy", "roc_auc"):
        return np.minimum(c[:, 0] + c[:, 2], c[:, 1] + c[:, 3])
    if name == "f1":
        return c[:, 0] + c[:, 1] + c[:, 2]
    if name == "share":
        return np.full(counts.n_groups, int(c.sum()))
    return c.sum(axis=-1)


def effective_denominators(counts: GroupCounts, name: str) -> np.ndarray:
    """Per group, the effective number of people the metric is measured on.

    Kish's (Σw)² / Σw² over the denominator's rows; without weights exactly the row count
    of :func:`metric_denominators`. Minimum-n checks, intervals and tests use this number,
    so weight piled on a few rows never makes a group look large.
    """
    spec = METRICS[name]
    w, w2 = counts.weighted_cells, counts.squared_weight_cells
    if not counts.weighted or spec.kind == "descriptive":
        return metric_denominators(counts, name).astype(np.float64)

    def kish(cells: list[int]) -> np.ndarray:
        total, squared = w[:, cells].sum(axis=-1), w2[:, cells].sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(squared > 0, total**2 / squared, 0.0)

    if spec.kind == "rate":
        return kish([_INDEX[x] for x in spec.denominator_cells])
    if name in ("balanced_accuracy", "roc_auc"):
        return np.minimum(kish([0, 2]), kish([1, 3]))
    if name == "f1":
        return kish([0, 1, 2])
    return kish([0, 1, 2, 3])


def compute_group_metrics(
    counts: GroupCounts, *, metrics: Sequence[str] = DEFAULT_METRICS
) -> pd.DataFrame:
    """A long table: one row per group and metric.

    Columns: ``group_index`` (position in ``counts.labels``), ``group`` (display name),
    ``labels`` (tuple, one per attribute), ``n`` (rows in the group), ``metric``, ``value``
    and ``denominator`` (rows the value is computed from). Long rather than wide so every
    metric carries its own denominator and later its own interval.
    """
    names = check_metrics(metrics, has_scores=counts.scores is not None)
    frames = [
        pd.DataFrame(
            {
                "group_index": np.arange(counts.n_groups),
                "group": list(counts.names),
                "labels": list(counts.labels),
                "n": counts.n,
                "metric": name,
                "value": metric_values(counts, name),
                "denominator": metric_denominators(counts, name),
            }
        )
        for name in names
    ]
    return pd.concat(frames, ignore_index=True)


def find_reference(
    counts: GroupCounts, metric: str, reference: Reference, *, min_n: int = 0
) -> int:
    """Position of the reference group for ``metric``.

    ``"largest"``: most rows (the first on a tie). ``"best"``: the best value among groups
    whose effective n is at least ``min_n`` (all groups if none is), the largest group
    for metrics with no better direction. A tuple: the group with those labels.
    """
    if isinstance(reference, (tuple, list)):
        return counts.index_of(reference)
    largest = int(np.argmax(counts.n))
    if reference == "largest":
        return largest
    if reference != "best":
        raise InvalidInputError(
            "The reference group must be 'largest', 'best' or the labels of a group as a "
            f"tuple, one per attribute. Got {reference!r}. To name a group, write e.g. "
            f"({reference!r},)."
        )
    spec = METRICS[metric]
    values = metric_values(counts, metric)
    usable = np.isfinite(values)
    big = usable & (effective_denominators(counts, metric) >= min_n)
    candidates = big if big.any() else usable
    if spec.higher_is_better is None or not candidates.any():
        return largest
    masked = np.where(candidates, values, -np.inf if spec.higher_is_better else np.inf)
    return int(np.argmax(masked) if spec.higher_is_better else np.argmin(masked))


def compute_disparities(
    counts: GroupCounts,
    *,
    metrics: Sequence[str] = DEFAULT_METRICS,
    reference: Reference = "largest",
    min_n: int = 30,
) -> pd.DataFrame:
    """Difference and ratio of each group against the reference, per metric (long table).

    Columns: ``metric``, ``kind`` (``"difference"`` | ``"ratio"``), ``group_index``,
    ``group``, ``reference_index``, ``reference``, ``value``, ``group_denominator``,
    ``reference_denominator``. The reference group has no rows of its own; descriptive
    metrics (count, share) have none. A ratio is NaN when the reference value is 0.
    """
    names = check_metrics(metrics, has_scores=counts.scores is not None)
    frames = []
    for name in (m for m in names if METRICS[m].kind != "descriptive"):
        ref = find_reference(counts, name, reference, min_n=min_n)
        values, den = metric_values(counts, name), metric_denominators(counts, name)
        n_eff = effective_denominators(counts, name)
        others = np.array([g for g in range(counts.n_groups) if g != ref], dtype=np.int64)
        for kind, value in (
            ("difference", values[others] - values[ref]),
            ("ratio", divide(values[others], np.full(len(others), values[ref]))),
        ):
            frames.append(
                pd.DataFrame(
                    {
                        "metric": name,
                        "kind": kind,
                        "group_index": others,
                        "group": [counts.names[g] for g in others],
                        "reference_index": ref,
                        "reference": counts.names[ref],
                        "value": value,
                        "group_denominator": den[others],
                        "reference_denominator": den[ref],
                        "group_effective_n": n_eff[others],
                        "reference_effective_n": n_eff[ref],
                    }
                )
            )
    columns = ["metric", "kind", "group_index", "group", "reference_index", "reference"]
    columns += ["value", "group_denominator", "reference_denominator"]
    columns += ["group_effective_n", "reference_effective_n"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def between_groups(values: np.ndarray) -> tuple[float, float]:
    """(largest − smallest, smallest ÷ largest) over the defined values, as fairlearn.

    NaN with fewer than two defined values: one group alone is not parity.
    """
    defined = values[np.isfinite(values)]
    if len(defined) < 2:
        return float("nan"), float("nan")
    low, high = float(defined.min()), float(defined.max())
    return high - low, (low / high if high != 0 else float("nan"))


def divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, NaN where den is 0 (an undefined rate is not an error)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.true_divide(num, den)
    return np.where(den != 0, out, np.nan)
