"""Scores of any scale: the one place a score column becomes a 0-1 score.

Vocabulary:

- *score scale*: the range a score column is written on (``score_range`` of
  :class:`~fairness_core.data.ColumnRoles`, e.g. 1 to 10 for a decile score); None means the
  scores are already probabilities from 0 to 1;
- *direction*: whether a higher score means the favourable decision
  (``higher_score_favourable``, e.g. a probability of repaying) or the unfavourable one (e.g.
  a risk score, where 10 is the highest risk);
- *audit score*: the score rescaled to 0-1 and turned round when higher is unfavourable,
  so that 1 is always the most favourable. Every analysis (metrics, calibration, the
  trade-offs, the report) works on audit scores, and a threshold ``t`` on them gives the
  favourable decision to audit scores at or above ``t``;
- *score's own scale*: the column as written. The threshold ``t`` is the cut
  :meth:`ScoreScale.to_original` ``(t)`` there: scores at or above it get the favourable
  decision when higher is favourable, scores at or below it when higher is unfavourable.

:func:`score_scale` reads the scale from the roles; :meth:`ScoreScale.to_audit` converts a
column, :meth:`ScoreScale.to_original` / :meth:`ScoreScale.from_original` convert a threshold
and :func:`describe_threshold` words it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairness_core.data._roles import ColumnRoles

__all__ = ["ScoreScale", "describe_threshold", "observed_score_range", "score_scale"]


@dataclass(frozen=True)
class ScoreScale:
    """A score's own range and direction (see the module docstring)."""

    low: float = 0.0
    high: float = 1.0
    higher_favourable: bool = True

    @property
    def is_unit(self) -> bool:
        """True when the scores are already audit scores (0 to 1, higher favourable)."""
        return self.low == 0.0 and self.high == 1.0 and self.higher_favourable

    def to_audit(self, values: np.ndarray) -> np.ndarray:
        """Scores on their own scale → audit scores (0-1, 1 the most favourable)."""
        scores = np.asarray(values, dtype=np.float64)
        if self.is_unit:
            return scores
        unit = (scores - self.low) / (self.high - self.low)
        return 1.0 - unit if not self.higher_favourable else unit

    def to_original(self, threshold: float) -> float:
        """A threshold on audit scores → the same cut on the score's own scale."""
        unit = threshold if self.higher_favourable else 1.0 - threshold
        value = self.low + unit * (self.high - self.low)
        # 12 significant digits undo the rounding of the round trip (5.999999999999 → 6).
        return float(f"{value:.12g}")

    def from_original(self, value: float) -> float:
        """A cut on the score's own scale → the threshold on audit scores."""
        unit = (float(value) - self.low) / (self.high - self.low)
        return unit if self.higher_favourable else 1.0 - unit

    def favourable_side(self) -> str:
        """``"or more"`` / ``"or less"``: which side of the cut gets the favourable decision."""
        return "or more" if self.higher_favourable else "or less"

    def describe(self) -> str:
        """The scale in words, e.g. 'from 1 to 10, higher is unfavourable'."""
        direction = "favourable" if self.higher_favourable else "unfavourable"
        return f"from {self.low:g} to {self.high:g}, a higher score is {direction}"


def score_scale(roles: ColumnRoles) -> ScoreScale:
    """The scale of the roles' score column (0 to 1, higher favourable, unless set)."""
    low, high = roles.score_range if roles.score_range is not None else (0.0, 1.0)
    return ScoreScale(float(low), float(high), bool(roles.higher_score_favourable))


def observed_score_range(frame: pd.DataFrame, column: str) -> tuple[float, float] | None:
    """The lowest and highest number in ``column`` (None when it holds no numbers).

    The scale a reviewer is offered when a score column is not written from 0 to 1.
    """
    if column not in frame.columns:
        return None
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy("float64", na_value=np.nan)
    values = values[np.isfinite(values)]
    if not len(values):
        return None
    return float(values.min()), float(values.max())


def describe_threshold(roles: ColumnRoles, threshold: float | None = None) -> str:
    """How a score becomes a decision, on the score's own scale, for captions and reports.

    E.g. "a decile_score of 5.5 or less gets the favourable decision, above 5.5 the
    unfavourable one (scores from 1 to 10, a higher score is unfavourable)". The same words
    on the Data & model page, in the report's settings and in the summary.
    """
    t = float(roles.threshold if threshold is None else threshold)
    column = f"'{roles.score}'" if roles.source == "score" and roles.score else "score"
    if roles.source != "score" or (roles.score_range is None and roles.higher_score_favourable):
        return (
            f"a {column} of {t:g} or more gets the favourable decision, "
            f"below {t:g} the unfavourable one"
        )
    scale = score_scale(roles)
    cut = scale.to_original(t)
    other = "below" if scale.higher_favourable else "above"
    return (
        f"a {column} of {cut:g} {scale.favourable_side()} gets the favourable decision, "
        f"{other} {cut:g} the unfavourable one (scores {scale.describe()})"
    )
