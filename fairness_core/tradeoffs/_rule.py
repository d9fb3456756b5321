"""A group's decision rule, kept exactly and said in a sentence that can be applied.

Words used here (see also :mod:`fairness_core.tradeoffs`):

- A group's *rule* is a mixture of thresholds: threshold ``thresholds[i]`` is used with
  probability ``probabilities[i]`` (the *mixing probabilities*); what is left of 1 goes to
  "nobody gets the positive decision". A deterministic rule has one threshold used with
  probability 1.
- Applied to one person with score ``s`` the rule says yes with probability
  ``yes_shares[i]`` for the last ``i`` with ``thresholds[i] <= s`` (the sum of the mixing
  probabilities of the thresholds at or below ``s``), and no below ``thresholds[0]``.
- The *sentence* states exactly that, with each threshold written as the shortest decimal
  that makes the same decisions on the audited rows and each random share to a millionth of
  a percent, so applying the sentence to the rows reproduces the reported rates (to 1e-6).

Group-specific rules use the protected attribute at decision time: the sentence every
output carries about that is :data:`DISPARATE_TREATMENT_NOTE`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from fairness_core.data import ScoreScale

__all__ = ["DISPARATE_TREATMENT_NOTE", "GroupRule", "rule_sentence"]

#: Said wherever group-specific thresholds or randomized rules are offered, recorded or reported.
DISPARATE_TREATMENT_NOTE = (
    "Group-specific thresholds and randomized group rules use the protected attribute at "
    "decision time: which rule a person gets depends on their group. In US lending and "
    "hiring that is unlawful disparate treatment in most uses. The alternatives are one "
    "threshold for everyone, or a model retrained to treat groups more equally (compare one "
    "under “Compare with a retrained model”)."
)
_TINY = 1e-9


@dataclass(frozen=True)
class GroupRule:
    """One group's rule: exact thresholds (ascending), their mixing probabilities, a sentence.

    ``everyone_from_first``: ``thresholds[0]`` is at or below every audited score, so the
    sentence says "everyone" or "under …" instead of naming it.
    """

    group: str
    thresholds: tuple[float, ...]
    probabilities: tuple[float, ...]
    sentence: str
    everyone_from_first: bool = False

    @property
    def yes_shares(self) -> tuple[float, ...]:
        """Chance of a yes for scores from ``thresholds[i]`` up to the next threshold."""
        return tuple(float(v) for v in np.minimum(np.cumsum(self.probabilities), 1.0))

    @property
    def randomized(self) -> bool:
        """True when some scores are decided by a random draw."""
        return any(_TINY < share < 1 - _TINY for share in self.yes_shares)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values; floats are kept exactly (JSON writes their shortest form)."""
        return {
            "group": self.group,
            "thresholds": list(self.thresholds),
            "probabilities": list(self.probabilities),
            "sentence": self.sentence,
            "everyone_from_first": self.everyone_from_first,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GroupRule:
        """The rule :meth:`to_dict` wrote."""
        return cls(
            group=str(data["group"]),
            thresholds=tuple(float(v) for v in data["thresholds"]),
            probabilities=tuple(float(v) for v in data["probabilities"]),
            sentence=str(data["sentence"]),
            everyone_from_first=bool(data.get("everyone_from_first", False)),
        )


def rule_sentence(
    thresholds: np.ndarray,
    probabilities: np.ndarray,
    *,
    grid: np.ndarray,
    positions: np.ndarray,
    exact: bool,
    scale: ScoreScale | None = None,
) -> str:
    """The rule in words, precise enough to apply.

    ``scale``: the score column's own scale; the thresholds are then written on it (a
    risk score's rule reads "scores of 5 or less: yes; higher: no").

    ``thresholds``/``probabilities``: the finite thresholds used (ascending) and their mixing
    probabilities; ``positions``: their places on the sweep's ``grid`` (ascending, ending with
    ``+inf``). With an ``exact`` grid no audited score lies strictly between two neighbouring
    grid values, so any decimal in ``(previous grid value, threshold]`` decides the same; the
    shortest one is written. Otherwise the threshold is written in full.
    """
    if len(thresholds) == 0:
        return "nobody gets the positive decision"
    if scale is not None and not scale.is_unit:
        return _scaled_sentence(probabilities, grid, positions, exact, scale)
    shown = [_threshold_text(grid, int(k), exact=exact) for k in positions]
    shares = np.minimum(np.cumsum(probabilities), 1.0)
    if len(thresholds) == 1 and shares[0] >= 1 - _TINY:
        if positions[0] == 0:
            return "everyone gets the positive decision"
        return f"scores of {shown[0]} or more: yes; lower: no"
    parts = []
    for i in range(len(thresholds) - 1, -1, -1):
        upper = shown[i + 1] if i + 1 < len(thresholds) else None
        if positions[i] == 0:  # the lowest grid value: at or below every score
            band = "everyone" if upper is None else f"under {upper}"
        elif upper is None:
            band = f"{shown[i]} or more"
        else:
            band = f"{shown[i]} to under {upper}"
        parts.append(f"{band}: {_yes_text(float(shares[i]))}")
    if positions[0] != 0:
        parts.append(f"below {shown[0]}: no")
    sentence = "; ".join(parts)
    return sentence if sentence.startswith("everyone") else "scores " + sentence


def _scaled_sentence(
    probabilities: np.ndarray,
    grid: np.ndarray,
    positions: np.ndarray,
    exact: bool,
    scale: ScoreScale,
) -> str:
    """:func:`rule_sentence` on the score's own scale (turned round when higher is worse)."""
    shown = [_scaled_text(grid, int(k), exact=exact, scale=scale) for k in positions]
    shares = np.minimum(np.cumsum(probabilities), 1.0)
    more, less = ("or more", "lower") if scale.higher_favourable else ("or less", "higher")
    if len(positions) == 1 and shares[0] >= 1 - _TINY:
        if positions[0] == 0:
            return "everyone gets the positive decision"
        return f"scores of {shown[0]} {more}: yes; {less}: no"
    parts = []
    for i in range(len(positions) - 1, -1, -1):
        bound = shown[i + 1] if i + 1 < len(positions) else None
        if scale.higher_favourable:
            outside, between = f"under {bound}", f"{shown[i]} to under {bound}"
        else:
            outside, between = f"over {bound}", f"over {bound} up to {shown[i]}"
        if positions[i] == 0:
            band = "everyone" if bound is None else outside
        elif bound is None:
            band = f"{shown[i]} {more}"
        else:
            band = between
        parts.append(f"{band}: {_yes_text(float(shares[i]))}")
    if positions[0] != 0:
        parts.append(f"{'below' if scale.higher_favourable else 'over'} {shown[0]}: no")
    sentence = "; ".join(parts)
    return sentence if sentence.startswith("everyone") else "scores " + sentence


def _scaled_text(grid: np.ndarray, k: int, *, exact: bool, scale: ScoreScale) -> str:
    """The cut on the score's own scale deciding every row as audit score ``grid[k]`` does.

    ``cut``: the own-scale number where the audit score crosses ``grid[k]`` (found to the
    last bit, so rounding in the rescaling cannot move a row across it). With an ``exact``
    grid the shortest decimal between ``cut`` and the next audited score is written.
    """

    def audit(value: float) -> float:
        return float(scale.to_audit(np.asarray([value]))[0])

    g = float(grid[k])
    unit = g if scale.higher_favourable else 1.0 - g
    cut = scale.low + unit * (scale.high - scale.low)
    inward, outward = (-np.inf, np.inf) if scale.higher_favourable else (np.inf, -np.inf)
    while audit(cut) < g:  # "yes" side: at or above the cut (or at or below, turned round)
        cut = float(np.nextafter(cut, outward))
    while audit(float(np.nextafter(cut, inward))) >= g:
        cut = float(np.nextafter(cut, inward))
    if not exact or k == 0:
        return repr(cut)
    previous = float(grid[k - 1])
    for digits in range(1, 18):
        value = float(f"{cut:.{digits}g}")
        text = np.format_float_positional(value, trim="-")  # 50, not 5e+01
        on_side = value <= cut if scale.higher_favourable else value >= cut
        if on_side and audit(value) > previous:
            return text
    return repr(cut)


def _yes_text(share: float) -> str:
    if share >= 1 - _TINY:
        return "yes"
    if share <= _TINY:
        return "no"
    percent = f"{share * 100:.6f}".rstrip("0").rstrip(".")
    return f"yes for {percent}% of them, drawn at random"


def _threshold_text(grid: np.ndarray, k: int, *, exact: bool) -> str:
    value = float(grid[k])
    if not exact or k == 0:
        return repr(value)
    previous = float(grid[k - 1])
    for digits in range(3, 18):
        text = f"{value:.{digits}g}"
        if previous < float(text) <= value:
            return text
    return repr(value)
