"""Exercise files: read and checked with every problem listed; sheets with and without answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairness_core.data import get_demo
from fairness_core.errors import InvalidInputError
from fairness_core.escaping import escape_html
from fairness_core.exercises import build_exercise_sheet, list_exercise_sets, load_exercises

GOOD = """
demo = "toy"
title = "Toy"
intro = "A toy set."

[[exercise]]
id = "one"
page = "Subgroups"
question = "Which group is selected least often?"
hints = ["Look at the selection rate."]
answer = "{group}: {value:.1%} (significant: {significant})."
check = "lowest_group"
given = { attribute = "race", metric = "selection_rate" }
expect = { group = "Blue <b>", value = 0.4651, significant = true }
"""


def _write(tmp_path: Path, text: str, name: str = "toy") -> Path:
    (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_good_file_reads_and_fills_the_answer_from_the_checked_values(tmp_path: Path) -> None:
    exercises = load_exercises("toy", directory=_write(tmp_path, GOOD))
    (exercise,) = exercises.exercises
    assert exercise.answer == "Blue <b>: 46.5% (significant: yes)."
    assert exercise.hints == ("Look at the selection rate.",)
    assert list_exercise_sets(tmp_path) == ("toy",)


def test_an_unknown_demo_names_the_demos_that_have_exercises(tmp_path: Path) -> None:
    _write(tmp_path, GOOD)
    with pytest.raises(InvalidInputError, match=r"no exercises for the demo 'nope'.*toy"):
        load_exercises("nope", directory=tmp_path)


def test_broken_toml_says_which_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"toy\.toml cannot be read"):
        load_exercises("toy", directory=_write(tmp_path, "title = ["))


def test_every_problem_of_a_file_is_listed_at_once(tmp_path: Path) -> None:
    bad = (
        GOOD.replace('check = "lowest_group"', 'check = "guess"')
        .replace("Which group", "Which {group}")
        .replace('page = "Subgroups"', 'page = "Nowhere"')
    )
    with pytest.raises(InvalidInputError) as caught:
        load_exercises("toy", directory=_write(tmp_path, bad))
    message = str(caught.value)
    assert "3 problems" in message
    assert "'check' must be one of" in message
    assert "cannot hold {placeholders}" in message
    assert "'page' must be one of" in message


@pytest.mark.parametrize(
    ("placeholder", "why"),
    [("{group.__class__}", "must name one of"), ("{secret}", "must name one of"),
     ("{group!r}", "must name one of"), ("{value:zz}", "cannot be filled in")],
)  # fmt: skip
def test_an_answer_can_only_show_checked_values(tmp_path: Path, placeholder: str, why: str) -> None:
    bad = GOOD.replace("{group}:", f"{placeholder}:")
    with pytest.raises(InvalidInputError, match=why):
        load_exercises("toy", directory=_write(tmp_path, bad))


def test_expect_keys_must_belong_to_the_check(tmp_path: Path) -> None:
    bad = GOOD.replace("significant = true", "feature = 'x'")
    with pytest.raises(InvalidInputError, match="'expect' must hold one or more of"):
        load_exercises("toy", directory=_write(tmp_path, bad))


def test_sheets_escape_the_texts(tmp_path: Path) -> None:
    exercises = load_exercises("toy", directory=_write(tmp_path, GOOD))
    sheet = build_exercise_sheet(exercises, demo_title="<i>Toy</i>", with_answers=True)
    assert "<b>" not in sheet
    assert "Blue &lt;b&gt;" in sheet
    assert "<i>Toy</i>" not in sheet


@pytest.mark.parametrize("demo", list_exercise_sets())
def test_the_trainee_sheet_has_no_answer_and_the_trainer_sheet_has_them_all(demo: str) -> None:
    exercises = load_exercises(demo)
    title = get_demo(demo).title
    trainee = build_exercise_sheet(exercises, demo_title=title, with_answers=False)
    trainer = build_exercise_sheet(exercises, demo_title=title, with_answers=True)
    for exercise in exercises.exercises:
        assert escape_html(exercise.question) in trainee
        assert all(escape_html(h) in trainee for h in exercise.hints)
        assert escape_html(exercise.answer) not in trainee
        assert escape_html(exercise.answer) in trainer
        for key in ("group", "feature"):
            if key in exercise.expect:
                assert escape_html(str(exercise.expect[key])) not in trainee
    assert "Answer:" not in trainee
    assert trainer.count("Answer:") == len(exercises.exercises)
