"""Why the What-if filters match nobody: the named filters and their counts, by hand."""

from __future__ import annotations

import pandas as pd

from fairness_core.whatif import explain_no_match

TITLES = {
    "groups": "'Groups'",
    "decision": "'Model decision' = Favourable",
    "outcome_type": "'Right or wrong' = false negative",
    "score_range": "'Score between' 0.90 and 1.00",
}


OUTCOMES = [
    "true positive",
    "false positive",
    "false negative",
    "true negative",
    "true positive",
    "true positive",
    "false positive",
    "false negative",
    "false negative",
    "true negative",
]


def _rows() -> pd.DataFrame:
    """Ten people: decisions, outcome types and scores chosen so counts are easy by hand."""
    return pd.DataFrame(
        {
            "row": range(10),
            "gender": ["female"] * 4 + ["male"] * 6,
            "decision": [1, 1, 0, 0, 1, 1, 1, 0, 0, 0],
            "outcome_type": OUTCOMES,
            "score": [0.95, 0.7, 0.3, 0.2, 0.8, 0.92, 0.6, 0.4, 0.1, 0.05],
        }
    )


def test_some_row_matches_gives_no_sentence() -> None:
    """Filters that keep a row need no explanation."""
    assert explain_no_match(_rows(), titles=TITLES, decision=1) == ""


def test_each_filter_that_empties_the_list_is_named_with_its_count() -> None:
    """Favourable decisions that are false negatives: dropping either filter gives rows."""
    rows = _rows()
    sentence = explain_no_match(rows, titles=TITLES, decision=1, outcome_type="false negative")
    # By hand: 5 favourable decisions; 3 false negatives.
    assert sentence == (
        "No row matches all the filters: without 'Right or wrong' = false negative, 5 rows "
        "would; without 'Model decision' = Favourable, 3 rows would. Widen that filter (set "
        "it back to 'Any', or choose more groups or a wider range)."
    )


def test_only_the_filters_whose_widening_helps_are_named() -> None:
    """Women with a score of at least 0.9 who were turned down: only the score range and
    the decision are named when dropping either gives rows, never a filter that does not."""
    rows = _rows()
    sentence = explain_no_match(
        rows,
        titles=TITLES,
        groups={"gender": ["female"]},
        decision=0,
        score_range=(0.9, 1.0),
    )
    # Without the score range: women turned down = rows 2 and 3. Without the decision:
    # women scoring 0.9 or more = row 0. Without the group: men turned down at 0.9+ = none.
    assert "without 'Score between' 0.90 and 1.00, 2 rows would" in sentence
    assert "without 'Model decision' = Favourable, 1 row would" in sentence
    assert "'Groups'" not in sentence


def test_no_group_chosen_is_said_first() -> None:
    """An empty group choice is the reason, whatever else is set."""
    sentence = explain_no_match(_rows(), titles=TITLES, groups={"gender": []}, decision=1)
    assert (
        sentence == "No row matches: no group is chosen under 'Groups'. Choose at least one group."
    )


def test_when_no_single_filter_is_enough_the_sentence_says_to_reset() -> None:
    """Four filters where dropping any one still leaves nobody: reset them all.

    Women turned down with a false positive (impossible) scoring 0.9 or more: without the
    group, no turned-down false positive; without the decision, no woman's false positive
    scores 0.9; without the outcome, no woman turned down scores 0.9; without the score,
    still a turned-down false positive.
    """
    rows = _rows()
    sentence = explain_no_match(
        rows,
        titles=TITLES,
        groups={"gender": ["female"]},
        decision=0,
        outcome_type="false positive",
        score_range=(0.9, 1.0),
    )
    assert sentence.startswith(
        "No row matches these filters together, and widening any one of them alone is not "
        "enough. Reset the filters to 'Any' (all 10 rows)"
    )
