"""Guided exercises: reading and checking the question files of ``demo_data/exercises/``.

One TOML file per demo scenario (``<demo>.toml``) holds a short introduction and a list of
exercises. Each exercise names the app page it is answered on, asks a question, gives
hints, and states its answer *as data*: a ``check`` (what to compute on the demo data, in
``given``) and the values that computation must give (``expect``). The answer text only
refers to those values (``{group}``, ``{value:.1%}``), so the words a trainer reads are the
checked values, and the tests recompute every ``expect`` from the demo data with the core:
an exercise cannot drift from the data without a test failing.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from fairness_core.errors import InvalidInputError

__all__ = [
    "CHECK_KINDS",
    "EXERCISE_DIR",
    "EXERCISE_PAGES",
    "CheckKind",
    "Exercise",
    "ExerciseSet",
    "list_exercise_sets",
    "load_exercises",
]

#: Where the shipped exercise files live (one ``<demo>.toml`` per demo scenario).
EXERCISE_DIR = Path(__file__).resolve().parents[2] / "demo_data" / "exercises"

#: The app pages an exercise can be answered on, by the title the navigation shows.
EXERCISE_PAGES: tuple[str, ...] = (
    "Data & model",
    "Subgroups",
    "Dataset check",
    "Trade-offs",
    "What-if",
    "Report",
)

Value = str | int | float | bool


@dataclass(frozen=True)
class CheckKind:
    """One kind of answer check: what it needs (``given``) and what it yields (``expect``)."""

    explanation: str
    given: tuple[str, ...]
    optional: tuple[str, ...]
    expect: tuple[str, ...]


CHECK_KINDS: Mapping[str, CheckKind] = MappingProxyType(
    {
        "lowest_group": CheckKind(
            "The group with the lowest value of a metric among the groups the Subgroups "
            "page judges, compared with the reference group (the best-treated group unless "
            "``reference`` names one).",
            given=("attribute", "metric"),
            optional=("reference",),
            expect=(
                "group",
                "value",
                "n",
                "reference",
                "reference_value",
                "ratio",
                "difference",
                "ratio_verdict",
                "difference_verdict",
                "significant",
            ),
        ),
        "group_interval": CheckKind(
            "One group's value of a metric with its 95% interval.",
            given=("attribute", "metric", "group"),
            optional=(),
            expect=("value", "ci_low", "ci_high", "n", "judged"),
        ),
        "top_proxy": CheckKind(
            "The feature that, on its own, best reveals a protected attribute (the Dataset "
            "check's proxy table).",
            given=("attribute",),
            optional=(),
            expect=("feature", "strength", "score", "score_name"),
        ),
        "flip_test": CheckKind(
            "Moving every person of ``group`` to group ``to`` (and, with ``proxies``, to a "
            "value of each proxy drawn from that group's own rows) and re-scoring them.",
            given=("attribute", "group", "to"),
            optional=("proxies",),
            expect=(
                "used_by_model",
                "rows",
                "changed",
                "changed_share",
                "to_positive",
                "to_negative",
                "mean_score_change",
            ),
        ),
        "strategy_accuracy": CheckKind(
            "A Trade-offs strategy's operating point (one threshold per group) against "
            "today's decisions.",
            given=("attribute", "strategy", "tolerance"),
            optional=(),
            expect=("accuracy", "today_accuracy", "change", "disparity", "today_disparity"),
        ),
    }
)

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
_FIELD = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class Exercise:
    """One question of a demo's exercises.

    ``answer`` is the answer with the checked values filled in; ``answer_template`` the text
    as written, with its ``{placeholders}``. ``check``, ``given`` and ``expect`` say what
    the answer claims about the data (see :data:`CHECK_KINDS`).
    """

    id: str
    page: str
    question: str
    hints: tuple[str, ...]
    answer: str
    answer_template: str
    check: str
    given: Mapping[str, Any] = field(repr=False)
    expect: Mapping[str, Value] = field(repr=False)


@dataclass(frozen=True)
class ExerciseSet:
    """A demo's exercises: a title, an introduction for the trainee, and the questions."""

    demo: str
    title: str
    intro: str
    exercises: tuple[Exercise, ...]


def list_exercise_sets(directory: Path = EXERCISE_DIR) -> tuple[str, ...]:
    """The demos that have exercises (the names of the ``.toml`` files), sorted."""
    return tuple(sorted(p.stem for p in directory.glob("*.toml")))


def load_exercises(demo: str, *, directory: Path = EXERCISE_DIR) -> ExerciseSet:
    """The exercises of demo ``demo``, checked; every problem is reported at once."""
    path = directory / f"{demo}.toml"
    if not _ID.match(demo) or not path.is_file():
        known = ", ".join(list_exercise_sets(directory)) or "none"
        raise InvalidInputError(
            f"There are no exercises for the demo '{demo}'. Demos with exercises: {known}. "
            f"Add a file {demo}.toml to {directory}."
        )
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInputError(
            f"The exercise file {path.name} cannot be read ({exc}). Fix the TOML syntax."
        ) from exc
    problems: list[str] = []
    if document.get("demo") != demo:
        problems.append(f"'demo' must be '{demo}' (the file's name). Got {document.get('demo')!r}.")
    title = _text(document, "title", "the file", problems)
    intro = _text(document, "intro", "the file", problems)
    entries = document.get("exercise")
    if not isinstance(entries, list) or not entries:
        problems.append("The file needs at least one [[exercise]] table.")
        entries = []
    exercises = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        exercise = _exercise(entry, number, problems)
        if exercise is None:
            continue
        if exercise.id in seen:
            problems.append(f"Exercise {number}: the id '{exercise.id}' is used twice.")
        seen.add(exercise.id)
        exercises.append(exercise)
    if problems:
        raise InvalidInputError(
            f"The exercise file {path.name} has {len(problems)} problem"
            f"{'' if len(problems) == 1 else 's'}:\n- " + "\n- ".join(problems)
        )
    return ExerciseSet(demo=demo, title=title, intro=intro, exercises=tuple(exercises))


def _text(table: Mapping[str, Any], key: str, where: str, problems: list[str]) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"In {where}, '{key}' must be a non-empty text. Got {value!r}.")
        return ""
    return value.strip()


def _exercise(entry: object, number: int, problems: list[str]) -> Exercise | None:
    where = f"exercise {number}"
    if not isinstance(entry, dict):
        problems.append(f"Exercise {number} must be a table.")
        return None
    before = len(problems)
    exercise_id = _text(entry, "id", where, problems)
    if exercise_id and not _ID.match(exercise_id):
        problems.append(
            f"In {where}, 'id' must be lowercase letters, digits and hyphens. Got {exercise_id!r}."
        )
    page = _text(entry, "page", where, problems)
    if page and page not in EXERCISE_PAGES:
        problems.append(
            f"In {where}, 'page' must be one of: {', '.join(EXERCISE_PAGES)}. Got {page!r}."
        )
    question = _text(entry, "question", where, problems)
    hints = entry.get("hints")
    if (
        not isinstance(hints, list)
        or not hints
        or not all(isinstance(h, str) and h.strip() for h in hints)
    ):
        problems.append(f"In {where}, 'hints' must be a list of one or more texts.")
        hints = []
    for text in [question, *[h for h in hints if isinstance(h, str)]]:
        if "{" in text or "}" in text:
            problems.append(
                f"In {where}, questions and hints cannot hold {{placeholders}}: only the "
                "answer refers to the checked values."
            )
            break
    template = _text(entry, "answer", where, problems)
    kind_name = entry.get("check")
    kind = CHECK_KINDS.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        problems.append(
            f"In {where}, 'check' must be one of: {', '.join(CHECK_KINDS)}. Got {kind_name!r}."
        )
    given = entry.get("given", {})
    expect = entry.get("expect", {})
    if not isinstance(given, dict) or not isinstance(expect, dict):
        problems.append(f"In {where}, 'given' and 'expect' must be tables.")
        given, expect = {}, {}
    if kind is not None:
        missing = [k for k in kind.given if k not in given]
        unknown = [k for k in given if k not in kind.given + kind.optional]
        if missing or unknown:
            problems.append(
                f"In {where}, the '{kind_name}' check needs given {', '.join(kind.given)}"
                + (f" (optional: {', '.join(kind.optional)})" if kind.optional else "")
                + f". Got {', '.join(given) or 'nothing'}."
            )
        bad = [k for k in expect if k not in kind.expect]
        if bad or not expect:
            problems.append(
                f"In {where}, 'expect' must hold one or more of: {', '.join(kind.expect)}. "
                f"Got {', '.join(expect) or 'nothing'}."
            )
    if any(not isinstance(v, (str, int, float, bool)) for v in expect.values()):
        problems.append(f"In {where}, every 'expect' value must be a text, number or true/false.")
    answer = _render(template, expect, where, problems) if template else ""
    if len(problems) > before:
        return None
    return Exercise(
        id=exercise_id,
        page=page,
        question=question,
        hints=tuple(h.strip() for h in hints),
        answer=answer,
        answer_template=template,
        check=str(kind_name),
        given=MappingProxyType(dict(given)),
        expect=MappingProxyType(dict(expect)),
    )


def _render(template: str, values: Mapping[str, Any], where: str, problems: list[str]) -> str:
    """Fill ``{name}`` / ``{name:spec}`` from ``values``; nothing else is allowed.

    Written out instead of ``str.format_map`` so that a placeholder can only name a checked
    value (no attribute or index look-ups, no conversions). True and false read "yes" and
    "no".
    """
    out: list[str] = []
    try:
        for literal, name, spec, conversion in string.Formatter().parse(template):
            out.append(literal)
            if name is None:
                continue
            if conversion is not None or not _FIELD.match(name) or name not in values:
                problems.append(
                    f"In {where}, the answer's placeholder {{{name}}} must name one of the "
                    f"'expect' values ({', '.join(values) or 'none'})."
                )
                continue
            value = values[name]
            if isinstance(value, bool):  # true/false read as words in a sentence
                value = "yes" if value else "no"
            out.append(format(value, spec or ""))
    except ValueError as exc:
        problems.append(f"In {where}, the answer cannot be filled in ({exc}).")
    return "".join(out)
