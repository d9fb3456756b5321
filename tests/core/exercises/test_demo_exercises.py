"""Every demo has exercises, and every answer is true for the demo data.

Each check kind is recomputed here from the demo's test data with the core's public
functions (the same ones the pages call, with the pages' default settings), and each
``expect`` value is compared with the computed one *as the answer shows it*: a number
written ``{value:.1%}`` must give the same text from the data, so the sentence a trainer
reads cannot drift from the data.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import pytest

from fairness_core.data import AuditData, check_audit_data, get_demo, list_demos
from fairness_core.dataset_check import ALL_FEATURES, find_proxies
from fairness_core.exercises import CHECK_KINDS, Exercise, list_exercise_sets, load_exercises
from fairness_core.metrics import compute_subgroup_report
from fairness_core.tradeoffs import find_strategy, summarize_points, sweep_audit
from fairness_core.whatif import ModelScorer, compute_flip_test

DEMOS = [d.name for d in list_demos()]


@cache
def _audit(demo: str) -> AuditData:
    scenario = get_demo(demo)
    return check_audit_data(scenario.load_test().frame, scenario.roles)


def _lowest_group(demo: str, given: Mapping[str, Any]) -> dict[str, Any]:
    metric = given["metric"]
    reference = given.get("reference", "best")
    report = compute_subgroup_report(
        _audit(demo),
        attributes=[given["attribute"]],
        metrics=[metric],
        reference=[reference] if reference != "best" else "best",
    )
    groups = report.groups[(report.groups["metric"] == metric) & report.groups["judged"]]
    low = groups.loc[groups["value"].idxmin()]
    rows = report.disparities[
        (report.disparities["metric"] == metric) & (report.disparities["group"] == low["group"])
    ].set_index("kind")
    ref = report.groups[
        (report.groups["metric"] == metric)
        & (report.groups["group"] == rows.loc["ratio", "reference"])
    ].iloc[0]
    p_value = rows.loc["difference", "p_value_adjusted"]
    return {
        "group": low["group"],
        "value": low["value"],
        "n": int(low["n"]),
        "reference": rows.loc["ratio", "reference"],
        "reference_value": ref["value"],
        "ratio": rows.loc["ratio", "value"],
        "difference": rows.loc["difference", "value"],
        "ratio_verdict": rows.loc["ratio", "verdict"],
        "difference_verdict": rows.loc["difference", "verdict"],
        "significant": bool(p_value < report.settings.alpha),
    }


def _group_interval(demo: str, given: Mapping[str, Any]) -> dict[str, Any]:
    report = compute_subgroup_report(
        _audit(demo), attributes=[given["attribute"]], metrics=[given["metric"]]
    )
    row = report.groups[report.groups["group"] == given["group"]].iloc[0]
    return {
        "value": row["value"],
        "ci_low": row["ci_low"],
        "ci_high": row["ci_high"],
        "n": int(row["n"]),
        "judged": bool(row["judged"]),
    }


def _top_proxy(demo: str, given: Mapping[str, Any]) -> dict[str, Any]:
    report = find_proxies(_audit(demo), attributes=[given["attribute"]])
    top = report.top(given["attribute"])
    assert top["feature"] != ALL_FEATURES
    words = [w for w in ("strongly", "moderately", "weakly") if f" {w} " in top["sentence"]]
    return {
        "feature": top["feature"],
        "strength": words[0] if words else "little or nothing",
        "score": top["score"],
        "score_name": top["score_name"],
    }


def _flip_test(demo: str, given: Mapping[str, Any]) -> dict[str, Any]:
    audit = _audit(demo)
    scorer = ModelScorer.from_audit(get_demo(demo).load_model(), audit)
    result = compute_flip_test(
        scorer, audit, given["attribute"], proxies=tuple(given.get("proxies", ()))
    )
    table = result.by_group
    row = table[(table["group"] == given["group"]) & (table["to"] == given["to"])].iloc[0]
    return {
        "used_by_model": result.used_by_model,
        "rows": int(row["rows"]),
        "changed": int(row["changed"]),
        "changed_share": row["changed_share"],
        "to_positive": int(row["to_positive"]),
        "to_negative": int(row["to_negative"]),
        "mean_score_change": row["mean_score_change"],
    }


def _strategy_accuracy(demo: str, given: Mapping[str, Any]) -> dict[str, Any]:
    audit = _audit(demo)
    sweep = sweep_audit(audit, [given["attribute"]])
    point = find_strategy(sweep, given["strategy"], tolerance=float(given["tolerance"]))
    row = summarize_points(sweep, [point]).iloc[0]
    criterion = f"{given['strategy']}_difference"
    today = compute_subgroup_report(
        audit, attributes=[given["attribute"]], metrics=["accuracy"], n_bootstrap=0
    )
    return {
        "accuracy": row["accuracy"],
        "today_accuracy": today.overall["accuracy"],
        "change": row["accuracy"] - today.overall["accuracy"],
        "disparity": row[criterion],
        "today_disparity": today.summary[criterion],
    }


CHECKS: dict[str, Callable[[str, Mapping[str, Any]], dict[str, Any]]] = {
    "lowest_group": _lowest_group,
    "group_interval": _group_interval,
    "top_proxy": _top_proxy,
    "flip_test": _flip_test,
    "strategy_accuracy": _strategy_accuracy,
}

EXERCISES = [(demo, ex) for demo in DEMOS for ex in load_exercises(demo).exercises]


def test_every_check_kind_is_recomputed_here() -> None:
    """A new check kind needs its oracle in this file, or its answers go unchecked."""
    assert set(CHECKS) == set(CHECK_KINDS)


def test_every_demo_has_a_handful_of_exercises() -> None:
    assert set(list_exercise_sets()) == set(DEMOS)
    for demo in DEMOS:
        exercises = load_exercises(demo).exercises
        assert 4 <= len(exercises) <= 8, demo


def _specs(template: str) -> dict[str, set[str]]:
    """Each placeholder of an answer with the format specs it is shown with."""
    used: dict[str, set[str]] = {}
    for _, name, spec, _ in string.Formatter().parse(template):
        if name is not None:
            used.setdefault(name, set()).add(spec or "")
    return used


@pytest.mark.parametrize(("demo", "exercise"), EXERCISES, ids=[e.id for _, e in EXERCISES])
def test_every_answer_is_true_for_the_demo_data(demo: str, exercise: Exercise) -> None:
    """Recompute the check; each expected value must read the same as the computed one."""
    computed = CHECKS[exercise.check](demo, exercise.given)
    specs = _specs(exercise.answer_template)
    for name, expected in exercise.expect.items():
        actual = computed[name]
        if isinstance(expected, (bool, str)):
            assert actual == expected, f"{exercise.id}: {name} is {actual!r}, not {expected!r}"
            continue
        for spec in specs.get(name) or {".2f"}:
            shown = format(float(actual), spec or ".2f")
            assert shown == format(float(expected), spec or ".2f"), (
                f"{exercise.id}: {name} shows as {shown} from the data, "
                f"not {format(float(expected), spec or '.2f')}"
            )


@pytest.mark.parametrize(("demo", "exercise"), EXERCISES, ids=[e.id for _, e in EXERCISES])
def test_every_checked_value_is_in_the_answer(demo: str, exercise: Exercise) -> None:
    """An expected value the answer never mentions is a claim nobody reads: say it or drop it."""
    assert set(_specs(exercise.answer_template)) == set(exercise.expect), exercise.id


@pytest.mark.parametrize(("demo", "exercise"), EXERCISES, ids=[e.id for _, e in EXERCISES])
def test_questions_and_hints_do_not_give_the_answer_away(demo: str, exercise: Exercise) -> None:
    """The group or feature the trainee should find is named only in the answer."""
    found = [v for k, v in exercise.expect.items() if k in ("group", "feature")]
    words = [exercise.question, *exercise.hints]
    for value in found:
        for text in words:
            for form in {str(value).lower(), str(value).lower().replace("_", " ")}:
                assert form not in text.lower(), f"{exercise.id} gives away {value!r}"


#: Words of each demo's findings (demo_data/README.md) that its description must not use.
GIVEAWAYS = {
    "loan": ("zip", "black", "women", "less often", "proxy"),
    "resume": ("gap", "women", "punish", "less often", "proxy"),
    "credit": ("under 25", "young", "non-eu", "mistakes", "too few"),
}


@pytest.mark.parametrize("demo", DEMOS)
def test_the_demo_description_describes_the_situation_not_the_findings(demo: str) -> None:
    """The demo picker's description names no group or feature an exercise asks for."""
    description = get_demo(demo).description.lower()
    assert not [word for word in GIVEAWAYS[demo] if word in description]
    for exercise in load_exercises(demo).exercises:
        if exercise.check in ("lowest_group", "top_proxy"):
            for key in ("group", "feature"):
                value = exercise.expect.get(key)
                if isinstance(value, str):
                    for form in {value.lower(), value.lower().replace("_", " ")}:
                        assert form not in description, f"{demo} description names {form!r}"
