"""Warnings about an operating point: degenerate, or fitted on too few people.

- A point is *degenerate* when it gives some group the positive decision (or refuses it)
  more than 95% of the time, or when its balanced accuracy is within 0.02 of 0.5 (what a
  coin toss reaches): it barely uses the scores, and a flat "equal" rate reached that way
  is no fair model.
- A group's own threshold is a *small fit* when it was fitted on fewer people than the
  minimum n (effective people with weights), or, for the error-rate criteria (equal
  opportunity, equalized odds, equal accuracy), on fewer than 30 people with a positive or
  with a negative outcome: on new people it may behave quite differently.

The words are here, in the core, so the page, the report and the record say the same.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fairness_core.tradeoffs._sweep import ThresholdSweep

__all__ = [
    "DEGENERATE_BALANCED_ACCURACY",
    "DEGENERATE_SHARE",
    "MIN_OUTCOME_N",
    "degenerate_warnings",
    "is_degenerate",
    "small_fit_warning",
    "small_fits",
]

#: A point that gives a group the positive decision (or refuses it) more often than this
#: share is degenerate: it hardly uses the scores for that group.
DEGENERATE_SHARE = 0.95
#: A point whose balanced accuracy is this close to 0.5 (a coin toss) is degenerate.
DEGENERATE_BALANCED_ACCURACY = 0.02
#: Fewest people with each true outcome a threshold fitted on an error-rate criterion needs.
MIN_OUTCOME_N = 30
_ERROR_RATE_CRITERIA = ("equal_opportunity", "equalized_odds", "equal_accuracy")


def is_degenerate(selection_rates: np.ndarray, balanced: float) -> bool:
    """True when a group's selection rate is above 95% or below 5%, or balanced accuracy is
    within 0.02 of 0.5."""
    rates = np.nan_to_num(np.asarray(selection_rates, dtype=np.float64), nan=0.5)
    extreme = bool(((rates > DEGENERATE_SHARE) | (1 - rates > DEGENERATE_SHARE)).any())
    return extreme or _coin_toss(balanced)


def _coin_toss(balanced: float) -> bool:
    return bool(np.isfinite(balanced) and abs(balanced - 0.5) <= DEGENERATE_BALANCED_ACCURACY)


def degenerate_warnings(
    names: Sequence[str], selection_rates: np.ndarray, balanced: float
) -> list[str]:
    """Sentences saying why a point is degenerate (none when it is not)."""
    words = []
    rate = np.asarray(selection_rates, dtype=np.float64)
    for high, what in ((True, "gives the positive decision to"), (False, "refuses it to")):
        share = rate if high else 1 - rate
        hit = np.flatnonzero(np.nan_to_num(share) > DEGENERATE_SHARE)
        if len(hit):
            listed = ", ".join(f"{names[g]} ({share[g]:.1%})" for g in hit[:6].tolist())
            more = f" and {len(hit) - 6} more groups" if len(hit) > 6 else ""
            words.append(
                f"Degenerate operating point: it {what} more than {DEGENERATE_SHARE:.0%} of "
                f"{listed}{more}, so for them the decision hardly depends on the score. Do "
                "not present it as a fair solution; compare one threshold for everyone or a "
                "retrained model."
            )
    if _coin_toss(balanced):
        words.append(
            f"Degenerate operating point: its balanced accuracy is {balanced:.3f}, within "
            f"{DEGENERATE_BALANCED_ACCURACY} of 0.5, which a coin toss reaches. The decisions "
            "barely use what the model knows."
        )
    return words


def small_fits(
    sweep: ThresholdSweep, criterion: str | None, *, min_n: int
) -> list[tuple[str, str]]:
    """(group, why) for each group whose threshold was fitted on too few people."""
    rows = sweep.selected_rows[:, 0]  # (negatives, positives) in rows
    # With weights the smaller of rows and effective people (Kish: (Σw)² / Σw²) counts.
    people = np.minimum(
        rows.sum(axis=1),
        _effective(sweep.selected[:, 0].sum(axis=1), sweep.selected_squared[:, 0].sum(axis=1)),
    )
    outcome = np.minimum(rows, _effective(sweep.selected[:, 0], sweep.selected_squared[:, 0]))
    by_outcome = criterion in _ERROR_RATE_CRITERIA
    found = []
    for g, name in enumerate(sweep.names):
        if people[g] < min_n:
            found.append((name, f"{name} ({people[g]:,.0f} people)"))
        elif by_outcome and outcome[g].min() < MIN_OUTCOME_N:
            found.append(
                (
                    name,
                    f"{name} ({outcome[g, 1]:,.0f} with a positive outcome, "
                    f"{outcome[g, 0]:,.0f} with a negative one)",
                )
            )
    return found


def _effective(total: np.ndarray, squared: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(squared > 0, total * total / squared, 0.0)


def small_fit_warning(small: list[tuple[str, str]], criterion: str | None, *, min_n: int) -> str:
    """The warning naming the groups :func:`small_fits` found."""
    listed = "; ".join(why for _, why in small[:6])
    more = f"; and {len(small) - 6} more groups" if len(small) > 6 else ""
    need = f"at least {min_n:,} people"
    if criterion in _ERROR_RATE_CRITERIA:
        need += f", and {MIN_OUTCOME_N} with each true outcome for this criterion"
    return (
        f"Group thresholds fitted on too few people: {listed}{more}. A threshold needs {need} "
        "to be trusted; on new people it may behave quite differently. Merge small groups, "
        "collect more data, or use one threshold for everyone."
    )
