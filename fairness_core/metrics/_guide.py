"""A guide for choosing a fairness metric, in the words of the situation, not the statistics.

Two forms of the same advice:

- :data:`GUIDE`: situations a reviewer recognises, each paired with the metric (and the
  named summary) that speaks to it, and why;
- the *"Which metric?" decision tree* (:data:`GUIDE_QUESTIONS`, :func:`next_question`,
  :func:`recommend_metric`): a few questions about the decision — are the recorded outcomes
  trustworthy, must a score mean the same thing in every group, is the decision assistive
  or punitive, which mistake harms people more — whose answers lead to one
  :class:`MetricRecommendation` with the reasoning, one sentence per answer. The Learn and
  Subgroups pages ask the questions; a recorded answer reaches the review report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fairness_core.errors import InvalidInputError

__all__ = [
    "GUIDE",
    "GUIDE_QUESTIONS",
    "RECOMMENDATIONS",
    "GuideEntry",
    "GuideQuestion",
    "MetricRecommendation",
    "check_answers",
    "next_question",
    "recommend_metric",
]


@dataclass(frozen=True)
class GuideEntry:
    """When ``situation`` holds, look at ``metric`` (summarised by ``summary``) because ``why``."""

    situation: str
    metric: str
    summary: str
    why: str


GUIDE: tuple[GuideEntry, ...] = (
    GuideEntry(
        "Everyone should have the same chance of the positive decision, whatever their "
        "group (for example, an advertising or outreach campaign).",
        "selection_rate",
        "demographic_parity_ratio",
        "It compares how often each group gets the positive decision. The four-fifths rule "
        "of US employment practice flags a group selected at under 0.8× the rate of the "
        "reference group.",
    ),
    GuideEntry(
        "Missing a deserving person is the costly mistake (a qualified candidate not "
        "interviewed, a creditworthy applicant refused).",
        "true_positive_rate",
        "equal_opportunity_difference",
        "It compares, among the people who deserved the positive outcome, how many each "
        "group actually got. This is equal opportunity.",
    ),
    GuideEntry(
        "Wrongly giving the positive decision is the costly mistake (a loan to someone who "
        "cannot repay, a benefit paid in error).",
        "false_positive_rate",
        "equalized_odds_difference",
        "It compares, among people who did not deserve the positive outcome, how often each "
        "group still got it.",
    ),
    GuideEntry(
        "Both kinds of mistake matter and should be shared equally between groups.",
        "true_positive_rate",
        "equalized_odds_difference",
        "Equalized odds asks for equal true positive and equal false positive rates; its "
        "difference is the larger of the two gaps.",
    ),
    GuideEntry(
        "A positive decision should mean the same thing for everyone (a high score should be "
        "equally trustworthy in every group).",
        "precision",
        "predictive_parity_difference",
        "It compares, among people who got the positive decision, how many truly deserved it.",
    ),
    GuideEntry(
        "A score must mean the same thing for everyone (staff read it as a risk level).",
        "precision",
        "predictive_parity_difference",
        "Calibration within groups compares, in each score band, the share of each group "
        "that truly had the positive outcome; predictive parity does the same for the "
        "positive decision.",
    ),
    GuideEntry(
        "You want to know whether the model is simply worse for some groups.",
        "accuracy",
        "accuracy_difference",
        "It compares the share of correct decisions; look at balanced accuracy when one "
        "outcome is rare.",
    ),
)


# --------------------------------------------------------------------------------------
# The "Which metric?" decision tree
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuideQuestion:
    """One question of the tree: its key, its text, and its answers (key → words)."""

    key: str
    text: str
    options: tuple[tuple[str, str], ...]
    help: str = ""

    def label(self, answer: str) -> str:
        """The words of ``answer`` as the reviewer saw them."""
        return dict(self.options)[answer]


@dataclass(frozen=True)
class MetricRecommendation:
    """What to look at, and why, for one path through the tree.

    ``key`` names the recommendation; ``title`` is the fairness criterion in words;
    ``metrics`` are registry names (:data:`METRICS`) and ``summaries`` named summaries
    (:data:`SUMMARIES`) to look at on the Subgroups page; ``calibration`` is True when
    calibration within groups is part of the answer (the Subgroups page's calibration
    section). ``answers`` are the (question, answer) pairs in words and ``reasoning`` one
    sentence per answer plus the advice, so the report can say why.
    """

    key: str
    title: str
    metrics: tuple[str, ...]
    summaries: tuple[str, ...]
    calibration: bool
    advice: str
    answers: tuple[tuple[str, str], ...] = ()
    reasoning: tuple[str, ...] = ()


_LABELS = GuideQuestion(
    "labels",
    "Do the recorded true outcomes fairly measure what the decision should predict, for "
    "every group?",
    (
        ("yes", "Yes: the outcomes are measured the same way for everyone"),
        ("no", "No, or not sure: past decisions or unequal measurement shaped them"),
    ),
    "Outcomes are shaped by past decisions when, for example, repayment is only known for "
    "people who got a loan, or arrests stand in for offences.",
)
_MEANING = GuideQuestion(
    "meaning",
    "Will people act on the score itself, so it must mean the same thing in every group?",
    (
        ("yes", "Yes: staff read the score as a risk or a chance (e.g. '70% likely to repay')"),
        ("no", "No: only the yes/no decision is used"),
    ),
)
_KIND = GuideQuestion(
    "kind",
    "Is the positive decision something people want, or something done to them?",
    (
        ("assistive", "Something people want (a loan, an interview, a benefit)"),
        ("punitive", "Something done to them (an investigation, a fraud flag, detention)"),
    ),
    "In this app the favourable decision is always the positive one; for a punitive "
    "decision that is 'not flagged'.",
)
_HARM = GuideQuestion(
    "harm",
    "Which mistake harms people more?",
    (
        ("refused", "Refusing someone who deserved the favourable decision (a qualified "
         "applicant refused; an innocent person flagged)"),
        ("granted", "Granting the favourable decision to someone who should not have had "
         "it (a loan that cannot be repaid; a case that should have been investigated)"),
        ("both", "Both mistakes matter about as much"),
    ),
)  # fmt: skip

#: Every question of the tree, in the order they can be asked.
GUIDE_QUESTIONS: tuple[GuideQuestion, ...] = (_LABELS, _MEANING, _KIND, _HARM)
_BY_KEY = {q.key: q for q in GUIDE_QUESTIONS}

#: Every answer the tree can give, by key.
RECOMMENDATIONS: Mapping[str, MetricRecommendation] = {
    r.key: r
    for r in (
        MetricRecommendation(
            "selection_rate",
            "Demographic parity (selection rates)",
            ("selection_rate",),
            ("disparate_impact_ratio", "demographic_parity_difference"),
            False,
            "Compare how often each group gets the positive decision; the four-fifths rule "
            "asks for an impact ratio of at least 0.8. Error rates and precision are "
            "measured against the recorded outcomes, so they would inherit any bias in them.",
        ),
        MetricRecommendation(
            "calibration",
            "Calibration within groups and predictive parity",
            ("precision",),
            ("predictive_parity_difference",),
            True,
            "Check that a score means the same chance in every group (calibration by group "
            "on the Subgroups page) and that a positive decision is equally reliable "
            "(precision). When base rates differ, a calibrated score gives unequal error "
            "rates: look at them too and say which you put first.",
        ),
        MetricRecommendation(
            "equal_opportunity",
            "Equal opportunity (true positive rates)",
            ("true_positive_rate", "false_negative_rate"),
            ("equal_opportunity_difference", "equal_opportunity_ratio"),
            False,
            "Compare, among the people who deserved the favourable decision, the share of "
            "each group who got it; the rest were wrongly refused.",
        ),
        MetricRecommendation(
            "false_positive_rate",
            "Equal false positive rates",
            ("false_positive_rate",),
            ("false_positive_rate_difference",),
            False,
            "Compare, among the people who should not have had the favourable decision, "
            "how often each group still got it.",
        ),
        MetricRecommendation(
            "equalized_odds",
            "Equalized odds (both error rates)",
            ("true_positive_rate", "false_positive_rate"),
            ("equalized_odds_difference",),
            False,
            "Compare both true positive and false positive rates; the equalized odds "
            "difference is the larger of the two gaps.",
        ),
    )
}

_WHY = {
    ("labels", "no"): "The recorded outcomes may be biased, so measures that need them "
    "would inherit the bias; selection rates need only the decisions.",
    ("labels", "yes"): "The recorded outcomes can be trusted, so error rates and precision "
    "are meaningful.",
    ("meaning", "yes"): "People act on the score itself, so a given score must mean the "
    "same chance in every group.",
    ("meaning", "no"): "Only the decision is used, so what matters is who it gets wrong.",
    ("kind", "assistive"): "The decision helps the people who get it, so a wrong refusal "
    "withholds a benefit.",
    ("kind", "punitive"): "The decision is done to people, so wrongly flagging someone "
    "(refusing them the favourable 'not flagged') harms them directly.",
    ("harm", "refused"): "Refusing a deserving person is the costly mistake: compare true "
    "positive rates.",
    ("harm", "granted"): "Granting the favourable decision wrongly is the costly mistake: "
    "compare false positive rates.",
    ("harm", "both"): "Both mistakes matter: compare both error rates.",
}  # fmt: skip


def next_question(answers: Mapping[str, str]) -> GuideQuestion | None:
    """The next question to ask given the answers so far (None when the tree has answered)."""
    check_answers(answers, complete=False)
    for question in _path(answers):
        if question.key not in answers:
            return question
    return None


def check_answers(answers: Mapping[str, str], *, complete: bool = True) -> dict[str, str]:
    """Return the answers on the tree's path, checked; raise when one is unknown or missing."""
    problems = []
    for key, answer in answers.items():
        question = _BY_KEY.get(key)
        if question is None:
            problems.append(f"'{key}' is not a question of the guide")
        elif answer not in dict(question.options):
            known = ", ".join(k for k, _ in question.options)
            problems.append(f"'{answer}' is not an answer to '{key}' (expected {known})")
    missing = [q.key for q in _path(answers) if q.key not in answers]
    if complete and missing and not problems:
        problems.append(f"the question '{missing[0]}' is not answered")
    if problems:
        raise InvalidInputError(
            "The 'Which metric?' answers cannot be used: "
            + "; ".join(problems)
            + ". Answer the guide's questions again."
        )
    return {q.key: answers[q.key] for q in _path(answers) if q.key in answers}


def recommend_metric(answers: Mapping[str, str]) -> MetricRecommendation:
    """The recommendation for a complete set of answers, with the reasoning in words.

    Answers off the tree's path (e.g. ``harm`` after ``labels="no"``) are ignored.
    """
    used = check_answers(answers)
    if used["labels"] == "no":
        key = "selection_rate"
    elif used["meaning"] == "yes":
        key = "calibration"
    else:
        key = {"refused": "equal_opportunity", "granted": "false_positive_rate"}.get(
            used["harm"], "equalized_odds"
        )
    base = RECOMMENDATIONS[key]
    return MetricRecommendation(
        base.key,
        base.title,
        base.metrics,
        base.summaries,
        base.calibration,
        base.advice,
        answers=tuple((_BY_KEY[k].text, _BY_KEY[k].label(a)) for k, a in used.items()),
        reasoning=(*(_WHY[(k, a)] for k, a in used.items()), base.advice),
    )


def _path(answers: Mapping[str, str]) -> list[GuideQuestion]:
    """The questions on the path the answers so far take."""
    path = [_LABELS]
    if answers.get("labels") != "yes":
        return path
    path.append(_MEANING)
    if answers.get("meaning") != "no":
        return path
    return [*path, _KIND, _HARM]
