"""Verdicts: one rule per metric, judged in the direction that harms people.

Words used here (the glossary: the page, the report and the command line's JSON show these
exact words):

- A metric's *harmful direction* is in the registry (:attr:`MetricSpec.harmful`): with the
  favourable decision as the positive one (a loan, an interview), a *lower* selection rate,
  true positive rate, precision or accuracy harms a group, and a *higher* false negative,
  false positive or error rate does.
- The *line*: a ratio is judged against ``ratio_threshold`` (0.8, the four-fifths rule of
  the US Uniform Guidelines on Employee Selection Procedures, 29 CFR 1607.4(D)) when lower
  is harmful, and against its inverse (1.25) when higher is harmful; a difference against
  ``−tolerance`` or ``+tolerance`` the same way. The *impact ratio* of the four-fifths rule
  (NYC Local Law 144 uses the same name) is a group's selection rate divided by the highest
  selection rate of any group that can be judged; the Subgroups page shows it when the
  reference is the best-treated group, which is the default.
- *Practical significance*: the value is beyond the line in the harmful direction.
  *Statistical significance*: the adjusted p-value of "the two groups' rates are equal" is
  below the significance level ``alpha`` (default 0.05).
- Verdicts (``VERDICTS``):

  - ``"adverse impact"``: beyond the line in the harmful direction and statistically
    significant;
  - ``"below the line, not statistically significant"`` / ``"above the line, not
    statistically significant"``: beyond the line in the harmful direction, but chance
    could explain the gap;
  - ``"within the line"``: on the acceptable side of the line;
  - ``"favoured"``: beyond the mirrored line in the direction that helps the group, e.g. a
    ratio above 1.25 for a selection rate; not a failure of the rule;
  - ``"too few people to judge"``: the group's or the reference's effective n for this
    metric is below the minimum n;
  - ``"cannot be computed"``: the value is undefined (e.g. a ratio against a rate of 0).

- *Exact at the line*: a value exactly on the line is not beyond it. Rates are quotients of
  floating-point numbers (0.08 / 0.1 is 0.7999999999999999), so "beyond the line" means
  beyond it by more than ``LINE_TOLERANCE`` (one part in a billion) of the line's size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from fairness_core.formatting import format_against_line, format_number

__all__ = [
    "FLAGGED_VERDICTS",
    "LINE_TOLERANCE",
    "VERDICTS",
    "VerdictRule",
    "beyond",
    "find_verdict_rule",
    "interval_note",
    "judge_verdict",
]

Harm = Literal["lower", "higher"]
#: Relative tolerance for "beyond the line" (see the module docstring).
LINE_TOLERANCE = 1e-9

#: Every verdict word, with its plain definition (the glossary).
VERDICTS: Mapping[str, str] = {
    "adverse impact": "The group is on the harmful side of the line and the gap is "
    "statistically significant (its adjusted p-value is below the significance level).",
    "below the line, not statistically significant": "The group is below the line, but a gap "
    "this size could arise by chance with this many people; collect more data or look closer.",
    "above the line, not statistically significant": "The group is above the line, but a gap "
    "this size could arise by chance with this many people; collect more data or look closer.",
    "within the line": "The group's value is on the acceptable side of the line.",
    "favoured": "The group is treated better than the reference by more than the line allows "
    "in the other direction; this does not harm the group.",
    "too few people to judge": "Fewer people than the minimum are measured in the group or "
    "in the reference group, so no verdict is given.",
    "cannot be computed": "The number is not defined, e.g. a ratio against a rate of 0.",
}
#: The verdicts a reviewer must act on.
FLAGGED_VERDICTS = frozenset({"adverse impact"})


@dataclass(frozen=True)
class VerdictRule:
    """A disparity's line, the direction that harms, and the rule's name in words."""

    kind: Literal["difference", "ratio"]
    line: float
    harmful: Harm
    text: str

    @property
    def mirror(self) -> float:
        """The line on the favourable side (1.25 for a 0.8 ratio line; +0.1 for −0.1)."""
        return 1 / self.line if self.kind == "ratio" else -self.line


def find_verdict_rule(
    kind: Literal["difference", "ratio"],
    harmful: Harm | None,
    *,
    tolerance: float,
    ratio_threshold: float,
    impact_ratio: bool = False,
) -> VerdictRule | None:
    """The rule for a disparity, or None when the metric has no harmful direction."""
    if harmful is None:
        return None
    if kind == "ratio":
        if harmful == "lower":
            name = "four-fifths rule: impact ratio" if impact_ratio else "ratio"
            return VerdictRule(kind, ratio_threshold, harmful, f"{name} ≥ {ratio_threshold:g}")
        high = 1 / ratio_threshold
        return VerdictRule(kind, high, harmful, f"ratio ≤ {high:.4g}")
    if harmful == "lower":
        return VerdictRule(kind, -tolerance, harmful, f"difference ≥ −{tolerance:g}")
    return VerdictRule(kind, tolerance, harmful, f"difference ≤ {tolerance:g}")


def beyond(value: float, line: float, harmful: Harm) -> bool:
    """True when ``value`` is past ``line`` in the ``harmful`` direction (exactly on: False)."""
    slack = LINE_TOLERANCE * max(1.0, abs(line))
    return value < line - slack if harmful == "lower" else value > line + slack


def judge_verdict(
    rule: VerdictRule,
    *,
    value: float,
    p_adjusted: float,
    group_n: float,
    reference_n: float,
    min_n: float,
    alpha: float,
) -> str:
    """The verdict word of one disparity (see the module docstring)."""
    if group_n < min_n or reference_n < min_n:
        return "too few people to judge"
    if not math.isfinite(value):
        return "cannot be computed"
    if beyond(value, rule.line, rule.harmful):
        if math.isfinite(p_adjusted) and p_adjusted < alpha:
            return "adverse impact"
        side = "below" if rule.harmful == "lower" else "above"
        return f"{side} the line, not statistically significant"
    favourable: Harm = "higher" if rule.harmful == "lower" else "lower"
    if beyond(value, rule.mirror, favourable):
        return "favoured"
    return "within the line"


def interval_note(rule: VerdictRule, low: float, high: float, *, confidence: float) -> str:
    """What an interval that includes the line means for the verdict, or "" when it does not.

    Significance tests "equal rates", not "past the line", so a gap can be significant while
    the interval still reaches the line: the note says which side is uncertain.
    """
    if math.isnan(low) or math.isnan(high) or not low <= rule.line <= high:
        return ""
    shown_low = format_against_line(low, rule.line, past=beyond(low, rule.line, rule.harmful),
                                    harmful=rule.harmful)  # fmt: skip
    shown_high = (
        "no upper limit"
        if math.isinf(high)
        else format_against_line(
            high, rule.line, past=beyond(high, rule.line, rule.harmful), harmful=rule.harmful
        )
    )
    return (
        f"the {confidence:.0%} interval {shown_low} to {shown_high} includes the line "
        f"{format_number(rule.line)}, so the value could lie on either side of it"
    )
