"""The "Which metric?" decision tree: every path, its reasoning, and bad answers."""

from __future__ import annotations

import itertools

import pytest

from fairness_core.errors import InvalidInputError
from fairness_core.metrics import (
    GUIDE_QUESTIONS,
    METRICS,
    RECOMMENDATIONS,
    check_answers,
    next_question,
    recommend_metric,
    summary_spec,
)


def walk(choose) -> tuple[dict[str, str], list[str]]:
    """Answer questions as ``choose`` says until the tree stops; return answers and keys asked."""
    answers: dict[str, str] = {}
    asked = []
    while (question := next_question(answers)) is not None:
        asked.append(question.key)
        answers[question.key] = choose(question)
    return answers, asked


@pytest.mark.parametrize(
    ("answers", "expected", "asked"),
    [
        ({"labels": "no"}, "selection_rate", ["labels"]),
        ({"labels": "yes", "meaning": "yes"}, "calibration", ["labels", "meaning"]),
        (
            {"labels": "yes", "meaning": "no", "kind": "assistive", "harm": "refused"},
            "equal_opportunity",
            ["labels", "meaning", "kind", "harm"],
        ),
        (
            {"labels": "yes", "meaning": "no", "kind": "punitive", "harm": "refused"},
            "equal_opportunity",
            ["labels", "meaning", "kind", "harm"],
        ),
        (
            {"labels": "yes", "meaning": "no", "kind": "assistive", "harm": "granted"},
            "false_positive_rate",
            ["labels", "meaning", "kind", "harm"],
        ),
        (
            {"labels": "yes", "meaning": "no", "kind": "punitive", "harm": "both"},
            "equalized_odds",
            ["labels", "meaning", "kind", "harm"],
        ),
    ],
)
def test_each_path_asks_its_questions_and_reaches_its_answer(answers, expected, asked) -> None:
    """Walking the tree with these answers asks exactly these questions and recommends this."""
    walked, keys = walk(lambda q: answers[q.key])
    assert keys == asked
    assert walked == answers
    result = recommend_metric(answers)
    assert result.key == expected
    assert len(result.reasoning) == len(answers) + 1  # one sentence per answer, then advice
    assert [q for q, _ in result.answers] == [
        next(g.text for g in GUIDE_QUESTIONS if g.key == k) for k in asked
    ]


def test_every_complete_path_gives_a_recommendation_and_calibration_is_reachable() -> None:
    """All answer combinations end in a known recommendation; every one of them is reachable."""
    reached = set()
    options = [[k for k, _ in q.options] for q in GUIDE_QUESTIONS]
    for combo in itertools.product(*options):
        answers = dict(zip((q.key for q in GUIDE_QUESTIONS), combo, strict=True))
        reached.add(recommend_metric(answers).key)
    assert reached == set(RECOMMENDATIONS)
    assert RECOMMENDATIONS["calibration"].calibration


@pytest.mark.parametrize("recommendation", list(RECOMMENDATIONS.values()), ids=lambda r: r.key)
def test_recommended_measures_exist_in_the_registry(recommendation) -> None:
    """Each recommended metric and summary is one the Subgroups page can show."""
    assert all(m in METRICS for m in recommendation.metrics)
    for name in recommendation.summaries:
        assert summary_spec(name).title


def test_answers_off_the_path_are_ignored() -> None:
    """Once untrusted labels decide, later answers do not change or enter the reasoning."""
    result = recommend_metric({"labels": "no", "meaning": "yes", "harm": "granted"})
    assert result.key == "selection_rate"
    assert len(result.answers) == 1


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({}, "'labels' is not answered"),
        ({"labels": "yes"}, "'meaning' is not answered"),
        ({"labels": "maybe"}, "'maybe' is not an answer to 'labels'"),
        ({"colour": "red"}, "'colour' is not a question"),
    ],
)
def test_incomplete_or_unknown_answers_are_refused_with_the_remedy(answers, message) -> None:
    """The core's input error names the problem and says to answer again."""
    with pytest.raises(InvalidInputError, match=message) as info:
        recommend_metric(answers)
    assert "Answer the guide's questions again" in str(info.value)


def test_partial_answers_are_fine_for_the_next_question() -> None:
    """next_question accepts a path in progress; check_answers(complete=False) too."""
    assert check_answers({"labels": "yes"}, complete=False) == {"labels": "yes"}
    assert next_question({"labels": "yes"}).key == "meaning"
