"""Per-group verdicts on the recorded outcomes, with the Subgroups page's definitions.

The dataset audit's summary says whether the *lowest* base rate passes the four-fifths
rule. A reviewer with 24 zip codes needs to know *which* of them fail. This module asks the
subgroup report (:func:`fairness_core.metrics.compute_subgroup_report`) for the selection
rate of the labelled data, whose decisions are the recorded outcomes (see
:func:`~fairness_core.dataset_check.check_labelled_data`), so the selection rate *is* the
base rate and every definition is the Subgroups page's own (docs/statistics.md):

- the *impact ratio* is a group's base rate ÷ the highest base rate of any group that can
  be judged (at least ``min_n`` rows);
- *below the four-fifths line* means the ratio is below 0.8 by more than the line's
  tolerance (exactly 0.8 is on the line, not past it);
- the *verdict* adds Fisher's exact test, adjusted over the groups judged (Holm by
  default): "adverse impact" when the gap is also statistically significant;
- each group's base rate has a Jeffreys 95% interval.

Nothing is computed here that the metrics package does not compute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairness_core.data import AuditData
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import Correction, compute_subgroup_report

__all__ = [
    "BELOW_LINE_VERDICTS",
    "REFERENCE_VERDICT",
    "BaseRateVerdicts",
    "compute_base_rate_verdicts",
    "describe_base_rate_verdicts",
]

#: The ratio verdicts that put a group below the four-fifths line.
BELOW_LINE_VERDICTS = frozenset({"adverse impact", "below the line, not statistically significant"})
#: The verdict word of the group every other is compared with.
REFERENCE_VERDICT = "reference (highest base rate)"
#: Most group names listed in a sentence.
MAX_NAMED = 12


@dataclass(frozen=True)
class BaseRateVerdicts:
    """One verdict per group of one attribute (or of an intersection of attributes).

    ``table``: one row per group, in the data's group order, with ``group``, ``rows``,
    ``base_rate``, ``ci_low`` / ``ci_high`` (Jeffreys), ``impact_ratio`` (÷ the reference's
    base rate), ``ratio_ci_low`` / ``ratio_ci_high``, ``p_value`` (Fisher's exact test),
    ``p_value_adjusted``, ``verdict`` and ``below_line`` (True for the groups below the
    four-fifths line, significant or not). ``reference``: the best-treated group that can be
    judged (None with fewer than two such groups).
    """

    attributes: tuple[str, ...]
    table: pd.DataFrame = field(repr=False, compare=False)
    reference: str | None
    min_n: int
    correction: Correction
    alpha: float
    line: float = 0.8

    @property
    def name(self) -> str:
        """The attribute, or the intersection's name (``race × gender``)."""
        return " × ".join(self.attributes)

    @property
    def below(self) -> tuple[str, ...]:
        """The groups below the four-fifths line, in the data's order."""
        return tuple(str(g) for g in self.table.loc[self.table["below_line"], "group"])

    @property
    def adverse(self) -> tuple[str, ...]:
        """The groups below the line whose gap is statistically significant."""
        flagged = self.table["verdict"] == "adverse impact"
        return tuple(str(g) for g in self.table.loc[flagged, "group"])

    @property
    def too_small(self) -> tuple[str, ...]:
        """The groups with too few rows to judge."""
        small = self.table["verdict"] == "too few people to judge"
        return tuple(str(g) for g in self.table.loc[small, "group"])


def compute_base_rate_verdicts(
    data: AuditData,
    attributes: Sequence[str],
    *,
    min_n: int = 30,
    correction: Correction = "holm",
    alpha: float = 0.05,
) -> BaseRateVerdicts:
    """Each group's base rate against the highest, judged as the Subgroups page judges.

    ``data`` is labelled data (:func:`check_labelled_data`: the recorded outcomes play the
    decision); ``attributes`` one protected attribute, or two or more to intersect.
    """
    names = tuple(attributes)
    if not names:
        raise InvalidInputError(
            "Choose a protected attribute to judge. Got none. Pick one (or two to intersect)."
        )
    report = compute_subgroup_report(
        data,
        attributes=names,
        metrics=("selection_rate",),
        min_n=min_n,
        correction=correction,
        alpha=alpha,
        n_bootstrap=0,
    )
    groups = report.groups[report.groups["metric"] == "selection_rate"]
    ratios = report.disparities[
        (report.disparities["metric"] == "selection_rate") & (report.disparities["kind"] == "ratio")
    ].set_index("group_index")
    table = pd.DataFrame(
        {
            "group": groups["group"].astype(str).to_numpy(),
            "rows": groups["n"].to_numpy(dtype=np.int64),
            "base_rate": groups["value"].to_numpy(dtype=np.float64),
            "ci_low": groups["ci_low"].to_numpy(dtype=np.float64),
            "ci_high": groups["ci_high"].to_numpy(dtype=np.float64),
        }
    )
    index = groups["group_index"].to_numpy()
    reference = None
    if len(ratios):
        reference = str(ratios["reference"].iloc[0])
    table["impact_ratio"] = [_at(ratios, i, "value", 1.0 if g == reference else np.nan)
                             for i, g in zip(index, table["group"], strict=True)]  # fmt: skip
    table["ratio_ci_low"] = [_at(ratios, i, "ci_low", np.nan) for i in index]
    table["ratio_ci_high"] = [_at(ratios, i, "ci_high", np.nan) for i in index]
    table["p_value"] = [_at(ratios, i, "p_value", np.nan) for i in index]
    table["p_value_adjusted"] = [_at(ratios, i, "p_value_adjusted", np.nan) for i in index]
    verdicts = []
    for i, group in zip(index, table["group"], strict=True):
        if group == reference:
            verdicts.append(REFERENCE_VERDICT)
        elif i in ratios.index:
            verdicts.append(str(ratios.loc[i, "verdict"]))
        else:
            verdicts.append("too few people to judge")
    table["verdict"] = verdicts
    table["below_line"] = table["verdict"].isin(BELOW_LINE_VERDICTS)
    return BaseRateVerdicts(
        attributes=names,
        table=table,
        reference=reference,
        min_n=int(min_n),
        correction=correction,
        alpha=float(alpha),
        line=float(report.settings.ratio_threshold),
    )


def _at(frame: pd.DataFrame, index: int, column: str, default: float) -> float:
    if index in frame.index:
        value = pd.to_numeric(frame[column], errors="coerce").get(index)
        return float(value) if value is not None and np.isfinite(value) else np.nan
    return default


def describe_base_rate_verdicts(verdicts: BaseRateVerdicts) -> str:
    """The sentence "10 of 24 groups of zip_code are below the four-fifths line: 02134, …"."""
    table = verdicts.table
    total = len(table)
    name = verdicts.name
    judged = table["verdict"].isin(
        [REFERENCE_VERDICT, "too few people to judge", "cannot be computed"]
    )
    if verdicts.reference is None or judged.all():
        return (
            f"Fewer than two groups of {name} have at least {verdicts.min_n} rows, so no group "
            "can be judged against the four-fifths line. Lower the minimum rows, or choose "
            "an attribute with larger groups."
        )
    reference = table[table["group"] == verdicts.reference].iloc[0]
    below = verdicts.below
    sentence = (
        f"{len(below)} of {total} groups of {name} "
        f"{'is' if len(below) == 1 else 'are'} below the four-fifths line"
    )
    if below:
        sentence += f": {_listed(below)}."
    else:
        sentence += "."
    sentence += (
        f" Each is compared with {verdicts.reference}, the highest base rate of the groups "
        f"large enough to judge ({reference['base_rate']:.1%})."
    )
    if below:
        adverse = verdicts.adverse
        if adverse:
            sentence += (
                f" For {len(adverse)} of them the gap is statistically significant "
                f"(adverse impact): {_listed(adverse)}."
            )
        else:
            sentence += (
                " None of these gaps is statistically significant: chance could explain them."
            )
    small = verdicts.too_small
    if small:
        sentence += (
            f" {len(small)} {'group has' if len(small) == 1 else 'groups have'} fewer than "
            f"{verdicts.min_n} rows and {'is' if len(small) == 1 else 'are'} not judged: "
            f"{_listed(small)}."
        )
    return sentence


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(names[:MAX_NAMED])
    more = len(names) - MAX_NAMED
    return shown + (f" and {more} more" if more > 0 else "")
