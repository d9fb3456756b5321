"""The Learn page's lessons: what each one shows, what to try and where it starts.

Definitions are not repeated here: a lesson names the measures it is about and the page
shows their definitions from the metric registry and :data:`~fairness_core.metrics.TERMS`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LESSONS", "Lesson"]


@dataclass(frozen=True)
class Lesson:
    """One lesson: its words and the population settings it starts from."""

    key: str
    title: str
    text: str
    try_this: str
    notice: str
    #: Registry metric names and glossary terms whose definitions the lesson shows.
    metrics: tuple[str, ...]
    terms: tuple[str, ...]
    base_rates: tuple[float, float]
    separation: float
    thresholds: tuple[float, float]


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "rates",
        "1. Who gets the positive decision",
        "Two groups of 5,000 people each. Every person has a score; people at or above the "
        "threshold get the positive decision. Some truly deserved it, some did not.",
        "Move the threshold up and down, then change one group's base rate.",
        "The selection rate follows the threshold; the base rate does not — it is a fact "
        "about the people, not about the model.",
        ("base_rate", "selection_rate"),
        ("threshold", "score"),
        (0.4, 0.4),
        0.5,
        (0.5, 0.5),
    ),
    Lesson(
        "errors",
        "2. The four kinds of decision",
        "Each decision is right or wrong in one of two ways. The rates below count them "
        "within each group.",
        "Raise the threshold: watch the false positive rate fall and the false negative "
        "rate rise. Then raise 'how well scores separate'.",
        "A threshold trades one mistake for the other; only better scores reduce both.",
        ("true_positive_rate", "false_positive_rate", "false_negative_rate"),
        (),
        (0.4, 0.4),
        0.5,
        (0.5, 0.5),
    ),
    Lesson(
        "precision",
        "3. What a positive decision and a score mean",
        "Precision asks how often a positive decision was right; calibration asks whether a "
        "score of 0.7 means a 70% chance.",
        "Give the groups different base rates and keep one threshold: compare precision "
        "and calibration in the table.",
        "The scores here are calibrated in both groups, yet precision differs when base "
        "rates differ.",
        ("precision",),
        ("calibration", "calibration within groups"),
        (0.3, 0.6),
        0.5,
        (0.5, 0.5),
    ),
    Lesson(
        "parity",
        "4. Demographic parity against equal opportunity",
        "Demographic parity asks for equal selection rates; equal opportunity asks for equal "
        "true positive rates.",
        "With different base rates, match Group B to Group A on the selection rate ('Move "
        "Group B's threshold'), or switch on a different threshold for Group B and move it "
        "yourself.",
        "When the selection rates match, the true positive rates no longer do: with "
        "different base rates you cannot have both.",
        ("selection_rate", "true_positive_rate"),
        ("demographic parity", "equal opportunity"),
        (0.3, 0.6),
        0.5,
        (0.5, 0.5),
    ),
    Lesson(
        "odds",
        "5. Equalized odds and predictive parity",
        "Equalized odds asks for equal true and false positive rates; predictive parity for "
        "equal precision.",
        "With different base rates, match Group B to Group A on the true positive rate, then "
        "look at the false positive rates and precision.",
        "One threshold per group can match one rate, not every rate at once.",
        ("true_positive_rate", "false_positive_rate", "precision"),
        ("equalized odds", "predictive parity"),
        (0.3, 0.6),
        0.5,
        (0.5, 0.5),
    ),
    Lesson(
        "impossibility",
        "6. Why not all at once (the impossibility result)",
        "When base rates differ, a score that is calibrated within groups gives the groups "
        "unequal error rates; equalising the error rates breaks calibration and predictive "
        "parity. Only equal base rates or perfect scores let them all hold.",
        "Start with different base rates and one threshold: calibration holds, equalized "
        "odds does not. Match Group B on the true positive rate and watch "
        "calibration and predictive parity fail. Then set equal base rates, or set 'how "
        "well scores separate' to 1.",
        "The identity in 'Why not all at once' holds in every group whatever you do: with equal "
        "precision and equal false negative rates, the group with the higher base rate "
        "must have the higher false positive rate.",
        ("false_positive_rate", "false_negative_rate", "precision"),
        ("impossibility result", "calibration within groups", "balance for the positive class"),
        (0.3, 0.6),
        0.5,
        (0.5, 0.5),
    ),
)
