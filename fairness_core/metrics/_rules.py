"""Pipeline rules: conditions on the named fairness summaries that fail an audit.

A *rule* reads like the failure it describes: ``disparate_impact_ratio<0.8`` fails the
audit when the disparate impact ratio is below 0.8 (the four-fifths rule), and
``equalized_odds_difference>0.1`` fails it when the equalized-odds gap exceeds 0.1.
A summary that could not be computed (no positives in a group, say) fails its rule too:
a pipeline must not pass because a number is missing.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from fairness_core.errors import InvalidInputError
from fairness_core.metrics._verdicts import LINE_TOLERANCE

__all__ = ["Rule", "RuleResult", "evaluate_rules", "parse_rule"]

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
_RULE = re.compile(r"^\s*([a-z_]+)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Rule:
    """Fail when ``summary op threshold`` holds, e.g. disparate_impact_ratio < 0.8."""

    summary: str
    op: str
    threshold: float

    def __str__(self) -> str:
        return f"{self.summary}{self.op}{self.threshold:g}"


@dataclass(frozen=True)
class RuleResult:
    """A rule, the value it was checked against, and whether the audit fails on it."""

    rule: Rule
    value: float | None
    failed: bool
    reason: str = ""

    def describe(self) -> str:
        """One line for a pipeline log."""
        shown = "not computable" if self.value is None else f"{self.value:.4g}"
        verdict = "FAIL" if self.failed else "pass"
        limit = f"{self.rule.op} {self.rule.threshold:g}"
        why = f"; {self.reason}" if self.reason else ""
        return f"{verdict}: {self.rule.summary} = {shown} (fails when {limit}{why})"


def parse_rule(text: str, *, known: Sequence[str]) -> Rule:
    """Parse ``NAME<VALUE`` (also <=, >, >=); NAME must be one of ``known`` summaries."""
    match = _RULE.match(text)
    if match is None:
        raise InvalidInputError(
            f"The rule '{text}' cannot be read. Expected NAME<NUMBER, NAME>NUMBER, NAME<=NUMBER "
            "or NAME>=NUMBER, e.g. disparate_impact_ratio<0.8."
        )
    name, op, number = match.groups()
    if name not in known:
        raise InvalidInputError(
            f"The rule '{text}' names '{name}', which is not a fairness summary. Expected one "
            f"of: {', '.join(sorted(known))}."
        )
    return Rule(name, op, float(number))


def evaluate_rules(
    summary: Mapping[str, float | None],
    rules: Sequence[Rule],
    *,
    reasons: Mapping[str, str] | None = None,
) -> list[RuleResult]:
    """Check each rule against the summaries; a missing or NaN value fails its rule.

    ``reasons`` says why a summary is undefined (from the report's summary details); a
    failed rule on an undefined summary carries it.
    """
    results = []
    for rule in rules:
        value = summary.get(rule.summary)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            why = (reasons or {}).get(rule.summary) or "the summary could not be computed"
            results.append(RuleResult(rule, None, True, f"not computable: {why}"))
            continue
        # Exact at the line, as the verdicts (docs/statistics.md): a value within one part in
        # a billion of the threshold is on it (0.08 / 0.1 is 0.7999999999999999, not < 0.8).
        slack = LINE_TOLERANCE * max(1.0, abs(rule.threshold))
        judged = rule.threshold if abs(value - rule.threshold) <= slack else float(value)
        results.append(RuleResult(rule, float(value), _OPERATORS[rule.op](judged, rule.threshold)))
    return results
