"""Exercises: guided questions for workshops, one set per demo scenario.

- An *exercise* is a question a trainee answers by using one of the app's pages, with
  hints and an answer (:class:`Exercise`);
- an *exercise set* is a demo's exercises with a short introduction (:class:`ExerciseSet`,
  read by :func:`load_exercises` from ``demo_data/exercises/<demo>.toml``);
- a *check* is what an answer claims about the demo data, as data: a kind from
  :data:`CHECK_KINDS`, what it is computed on (``given``) and the values it must give
  (``expect``); the answer text shows only those values, and the tests recompute them
  from the demo data with the core, so an answer cannot drift from the data;
- a *sheet* is a printable page of a set, for trainees (no answers) or for the trainer
  (:func:`build_exercise_sheet`).
"""

from __future__ import annotations

from fairness_core.exercises._exercises import (
    CHECK_KINDS,
    EXERCISE_DIR,
    EXERCISE_PAGES,
    CheckKind,
    Exercise,
    ExerciseSet,
    list_exercise_sets,
    load_exercises,
)
from fairness_core.exercises._sheets import build_exercise_sheet

__all__ = [
    "CHECK_KINDS",
    "EXERCISE_DIR",
    "EXERCISE_PAGES",
    "CheckKind",
    "Exercise",
    "ExerciseSet",
    "build_exercise_sheet",
    "list_exercise_sets",
    "load_exercises",
]
