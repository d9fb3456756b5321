"""Several policies on one review, references, column mapping, checklists and the JSON."""

from __future__ import annotations

import json

import pytest

from fairness_core.policies import (
    STATUSES,
    PolicyResult,
    ReviewEvidence,
    builtin_policies,
    evaluate_policies,
    evaluate_policy,
    parse_policy,
    policy_results_to_dict,
    policy_results_to_markdown,
    suggest_policy_columns,
)
from tests.core.policies.hiring import audit, rows
from tests.core.policies.test_parse import GOOD

GROUPS = {
    ("Men", "White"): (60, 120), ("Men", "Black"): (30, 80), ("Women", "White"): (40, 120),
    ("Women", "Black"): (20, 80),
}  # fmt: skip


@pytest.fixture(scope="module")
def data():
    return audit(rows(GROUPS, ("gender", "race")), ("gender", "race"), score=True)


@pytest.fixture(scope="module")
def results(data) -> tuple[PolicyResult, ...]:
    return evaluate_policies(list(builtin_policies().values()), data,
                             evidence=ReviewEvidence(dataset_checked=True, analyses=2))  # fmt: skip


def test_several_policies_agree_on_the_same_number(results) -> None:
    """The impact ratio is the same number in every policy that judges it."""
    by_policy = {r.policy.id: r for r in results}
    assert set(by_policy) == set(builtin_policies())

    def value(policy: str, requirement: str, attribute: str) -> float | None:
        found = [r for r in by_policy[policy].requirements
                 if r.requirement == requirement and r.attribute == attribute]  # fmt: skip
        assert len(found) == 1
        return found[0].value

    four_fifths = value("four-fifths", "impact_ratio", "gender")
    assert four_fifths == pytest.approx((60 / 200) / (90 / 200))
    assert value("fair-lending", "adverse_impact_ratio", "gender") == four_fifths
    assert value("strict-internal", "selection_ratio", "gender") == four_fifths
    # The decisions come from scores: Local Law 144 judges scoring rates, as its tables do.
    ll144 = {r.requirement for r in by_policy["nyc-ll144"].requirements}
    assert ll144 == {"scoring_impact_ratio"}
    assert by_policy["nyc-ll144"].ll144.rate_name == "scoring rate"
    # 0.67: not met under every policy with a 0.8 or 0.9 line (significant with 400 people)
    assert by_policy["four-fifths"].failed
    assert by_policy["strict-internal"].failed


def test_the_checklist_is_never_met(results) -> None:
    """EU AI Act items are "not assessed", saying what evidence the review holds."""
    eu = next(r for r in results if r.policy.id == "eu-ai-act")
    assert {r.status for r in eu.requirements} == {"not assessed"}
    assert eu.status == "not assessed"
    assert not eu.failed
    art10 = eu.requirements[0]
    assert "the dataset check was run" in art10.reason
    assert "2 analyses" in art10.reason
    assert art10.provides
    assert art10.does_not
    art14 = next(r for r in eu.requirements if r.requirement == "art14_human_oversight")
    assert "no evidence" in art14.reason
    assert "describe the human oversight" in art14.reason


def test_policy_status_is_the_worst() -> None:
    """not met > too few people to judge > not assessed > met."""
    assert list(STATUSES) == ["met", "not met", "not assessed", "too few people to judge"]


def test_columns_are_suggested_from_names() -> None:
    """'gender' maps to sex and 'Race/Ethnicity' to race_ethnicity; nothing is used twice."""
    policy = builtin_policies()["nyc-ll144"]
    assert suggest_policy_columns(policy, ["Race/Ethnicity", "gender", "age"]) == {
        "sex": "gender", "race_ethnicity": "Race/Ethnicity",
    }  # fmt: skip
    assert suggest_policy_columns(policy, ["age"]) == {}


def test_an_unmapped_attribute_is_not_assessed_naming_it(data) -> None:
    """A policy attribute with no column gives "not assessed" with its name."""
    policy = parse_policy(GOOD.replace('sex = ["gender"]', 'sex = ["sexe"]'), origin="a.toml")
    first = evaluate_policy(policy, data).requirements[0]
    assert first.status == "not assessed"
    assert "'sex'" in first.reason
    mapped = evaluate_policy(policy, data, columns={"sex": "gender"}).requirements[0]
    assert mapped.status != "not assessed"
    assert mapped.attribute == "gender"


def test_overall_and_named_group_references(data) -> None:
    """reference "overall" compares with everyone; "group:Men" with the men."""
    policy = parse_policy(GOOD, origin="a.toml")
    result = evaluate_policy(policy, data)
    gap = [r for r in result.requirements if r.requirement == "gap"]
    assert {r.attribute for r in gap} == {"gender", "race"}  # every protected attribute
    assert set(gap[0].groups["reference"]) == {"everyone"}
    named = parse_policy(GOOD.replace('reference = "overall"', 'reference = "group:Women"'),
                         origin="a.toml")  # fmt: skip
    gender = next(r for r in evaluate_policy(named, data).requirements
                  if r.requirement == "gap" and r.attribute == "gender")  # fmt: skip
    rows_ = gender.groups.set_index("group")
    assert rows_.loc["Women", "verdict"] == "reference"
    race = next(r for r in evaluate_policy(named, data).requirements
                if r.requirement == "gap" and r.attribute == "race")  # fmt: skip
    assert race.status == "not assessed"
    assert "There is no group 'Women'" in race.reason


def test_json_has_one_entry_per_policy_and_requirement(results) -> None:
    """policy_results_to_dict is strict JSON with status, reason, value, line and groups."""
    doc = policy_results_to_dict(results)
    text = json.dumps(doc, allow_nan=False)
    assert set(json.loads(text)) == {"statuses", "policies"}
    four = next(p for p in doc["policies"] if p["id"] == "four-fifths")
    assert four["status"] == "not met"
    assert four["failed"] is True
    entry = four["requirements"][0]
    assert {"id", "title", "attribute", "status", "reason", "value", "line", "groups"} <= set(entry)
    assert entry["line"] == 0.8
    assert {"group", "n", "value", "p_value", "verdict", "excluded"} <= set(entry["groups"][0])
    ll144 = next(p for p in doc["policies"] if p["id"] == "nyc-ll144")["ll144"]
    assert ll144["rate_name"] == "scoring rate"
    assert ll144["by_sex"]


def test_markdown_lists_each_policy(results) -> None:
    """The Markdown table has a heading per policy with its status."""
    text = policy_results_to_markdown(results)
    assert text.count("### ") == len(results)
    assert "four\\-fifths rule" in text
    assert "| not met |" in text
