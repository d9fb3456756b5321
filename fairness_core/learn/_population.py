"""A small synthetic population of two groups, to teach what each fairness criterion asks.

Each person belongs to one of two groups and gets a score; their true outcome is drawn
from that score, so the score is *calibrated within each group* by construction: among
people scored about 0.7, about 70% have the positive outcome, in either group. Scores in a
group follow a beta distribution with mean the group's *base rate* and concentration set by
the *separation*:

- separation 1: perfect scores (0 for every negative, 1 for every positive);
- separation 0: everyone gets their group's base rate (the score tells nothing more);
- in between: beta(p·k, (1−p)·k) with k = 2·(1 − separation) / separation, so scores
  spread towards 0 and 1 as separation grows (k = 2 at 0.5: uniform when p = 0.5).

A threshold per group turns scores into decisions (score ≥ threshold). A different
threshold for one group is the same as moving that group's scores by the difference and
keeping one threshold; :meth:`SyntheticPopulation.decision_scores` gives those moved scores,
which is what the decisions are calibrated (or not) against.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairness_core.data import AuditData, ColumnRoles, GroupColumn
from fairness_core.errors import InvalidInputError

__all__ = ["PopulationSettings", "SyntheticPopulation", "make_population"]

GROUP, OUTCOME, SCORE, DECISION = "group", "true outcome", "score", "decision"


@dataclass(frozen=True)
class PopulationSettings:
    """What the trainer can change: base rate per group, separation, size and seed."""

    base_rates: tuple[float, float] = (0.3, 0.5)
    separation: float = 0.5
    n_per_group: int = 5_000
    seed: int = 0
    group_names: tuple[str, str] = ("Group A", "Group B")


@dataclass(frozen=True)
class SyntheticPopulation:
    """The people: group code (0 or 1), true outcome (0/1) and score, row by row."""

    settings: PopulationSettings
    group: np.ndarray = field(repr=False, compare=False)
    y_true: np.ndarray = field(repr=False, compare=False)
    score: np.ndarray = field(repr=False, compare=False)

    def decisions(self, thresholds: tuple[float, float]) -> np.ndarray:
        """1 where the score is at or above the person's group's threshold."""
        limits = np.asarray(_check_thresholds(thresholds))[self.group]
        return (self.score >= limits).astype(np.int64)

    def decision_scores(self, thresholds: tuple[float, float]) -> np.ndarray:
        """The scores moved so group A's threshold decides for everyone (clipped to 0–1).

        With one threshold for both groups these are the scores themselves.
        """
        first, second = _check_thresholds(thresholds)
        shift = np.where(self.group == 1, first - second, 0.0)
        return np.clip(self.score + shift, 0.0, 1.0)

    def audit_data(self, thresholds: tuple[float, float]) -> AuditData:
        """The population as audit data, so the core's metrics measure it like any upload."""
        decisions = self.decisions(thresholds)
        scores = self.decision_scores(thresholds)
        names = self.settings.group_names
        frame = pd.DataFrame(
            {
                GROUP: np.asarray(names, dtype=object)[self.group],
                OUTCOME: self.y_true,
                SCORE: scores,
                DECISION: decisions,
            }
        )
        roles = ColumnRoles(
            target=OUTCOME,
            protected=(GROUP,),
            positive_label=1,
            source="prediction",
            prediction=DECISION,
        )
        column = GroupColumn(GROUP, tuple(names), self.group.astype(np.int64))
        return AuditData(
            frame=frame,
            roles=roles,
            positive_label=1,
            y_true=self.y_true,
            y_pred=decisions,
            y_score=scores,
            sample_weight=None,
            groups=(column,),
        )


def make_population(settings: PopulationSettings | None = None) -> SyntheticPopulation:
    """Draw the population (the same people for the same settings: seeded)."""
    settings = settings or PopulationSettings()
    _check_settings(settings)
    rng = np.random.default_rng(settings.seed)
    n = settings.n_per_group
    groups, truths, scores = [], [], []
    for code, rate in enumerate(settings.base_rates):
        score = _draw_scores(rng, rate, settings.separation, n)
        if settings.separation >= 1:
            truth = score.astype(np.int64)
        else:
            truth = (rng.random(n) < score).astype(np.int64)
        groups.append(np.full(n, code, dtype=np.int64))
        truths.append(truth)
        scores.append(score)
    return SyntheticPopulation(
        settings, np.concatenate(groups), np.concatenate(truths), np.concatenate(scores)
    )


def _draw_scores(rng: np.random.Generator, rate: float, separation: float, n: int) -> np.ndarray:
    if separation >= 1:
        return (rng.random(n) < rate).astype(np.float64)
    if separation <= 0:
        return np.full(n, float(rate))
    k = 2.0 * (1.0 - separation) / separation
    return rng.beta(rate * k, (1.0 - rate) * k, size=n)


def _check_settings(settings: PopulationSettings) -> None:
    problems = []
    if not all(0.01 <= r <= 0.99 for r in settings.base_rates) or len(settings.base_rates) != 2:
        problems.append(
            f"each group's base rate must be between 0.01 and 0.99; got {settings.base_rates}"
        )
    if not 0 <= settings.separation <= 1:
        problems.append(f"the separation must be between 0 and 1; got {settings.separation}")
    if not 50 <= settings.n_per_group <= 1_000_000:
        problems.append(f"each group needs 50 to 1,000,000 people; got {settings.n_per_group:,}")
    if len(set(settings.group_names)) != 2:
        problems.append(f"the two groups need two different names; got {settings.group_names}")
    if problems:
        raise InvalidInputError(
            "The practice population cannot be drawn: " + "; ".join(problems) + ". "
            "Choose values in those ranges."
        )


def _check_thresholds(thresholds: tuple[float, float]) -> tuple[float, float]:
    if len(thresholds) != 2 or not all(0 <= t <= 1 for t in thresholds):
        raise InvalidInputError(
            f"A threshold per group, each between 0 and 1, is needed. Got {thresholds}. "
            "Choose values between 0 and 1."
        )
    return float(thresholds[0]), float(thresholds[1])
