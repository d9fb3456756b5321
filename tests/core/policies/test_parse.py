"""Reading policies: the built-ins, a user's file, and messages naming the key and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairness_core.errors import InvalidInputError
from fairness_core.policies import (
    Policy,
    PolicyError,
    builtin_policies,
    load_policy,
    parse_policy,
)

BUILTIN = Path(__file__).resolve().parents[3] / "fairness_core" / "policies" / "builtin"

GOOD = """\
id = "acme"
name = "Acme hiring policy"
version = "2"
source = "Acme HR handbook, section 4"
summary = "Our own lines."
not_covered = "Anything else."

[attributes]
sex = ["gender"]

[[requirements]]
id = "ratio"
title = "Selection-rate ratio at least 0.9"
metric = "selection_rate"
kind = "ratio"
line = 0.9
harmful = "lower"
attributes = ["sex"]

[[requirements]]
id = "gap"
title = "True positive rate at most 0.05 lower"
metric = "true_positive_rate"
kind = "difference"
line = 0.05
harmful = "lower"
reference = "overall"
min_n = 20
"""

TPR_LOWER = 'metric = "true_positive_rate"\nkind = "difference"\nline = 0.05\nharmful = "lower"'


def _error(text: str) -> str:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, origin="acme.toml")
    return str(caught.value)


def _line_of(text: str, start: str, nth: int = 0) -> int:
    return [i for i, line in enumerate(text.splitlines(), 1) if line.startswith(start)][nth]


def test_builtin_policies_are_the_five_files_and_ids_match_file_names() -> None:
    """Every TOML file in the package is a built-in policy whose id is its file name."""
    policies = builtin_policies()
    assert set(policies) == {p.stem for p in BUILTIN.glob("*.toml")}
    assert set(policies) == {"four-fifths", "nyc-ll144", "fair-lending", "strict-internal",
                             "eu-ai-act"}  # fmt: skip
    for policy in policies.values():
        assert policy.origin == "built-in"
        assert policy.source
        assert policy.not_covered
        assert policy.version


def test_a_user_policy_is_read_with_its_defaults() -> None:
    """Fields left out take the documented defaults; numbers are floats."""
    policy = parse_policy(GOOD, origin="acme.toml")
    assert policy.id == "acme"
    assert policy.origin == "acme.toml"
    ratio, gap = policy.requirements
    assert (ratio.line, ratio.reference, ratio.min_n, ratio.alpha) == (0.9, "best", 30, 0.05)
    assert ratio.require_significance
    assert ratio.correction == "holm"
    assert ratio.attributes == ("sex",)
    assert (gap.reference, gap.min_n, gap.attributes) == ("overall", 20, ())
    assert policy.attributes == {"sex": ("gender",)}


def test_load_policy_reads_a_file_and_a_name(tmp_path: Path) -> None:
    """load_policy takes a built-in id or a .toml path; anything else names the built-ins."""
    path = tmp_path / "acme.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_policy(path).id == "acme"
    assert load_policy(str(path)).origin == "acme.toml"
    assert load_policy("four-fifths").id == "four-fifths"
    with pytest.raises(PolicyError, match=r"Did you mean 'four-fifths'\?.*nyc-ll144"):
        load_policy("four-fifth")
    assert issubclass(PolicyError, InvalidInputError)
    big = tmp_path / "big.toml"
    big.write_text("# x\n" * 300_000, encoding="utf-8")
    with pytest.raises(PolicyError, match="a policy is a short text file"):
        load_policy(big)


def test_wrong_type_names_key_and_line() -> None:
    """A text where a number belongs: the key, its line, what was expected and found."""
    text = GOOD.replace("line = 0.05", 'line = "small"')
    message = _error(text)
    line = _line_of(text, "line = ", 1)
    assert f"line {line}, key requirements[2].line: must be a number. Got 'small'." in message
    assert "acme.toml" in message
    assert "Correct the file" in message


def test_unknown_key_suggests_the_near_one() -> None:
    """A misspelt key is named with its line and the key it probably meant."""
    text = GOOD.replace("min_n = 20", "minimum_n = 20")
    message = _error(text)
    line = _line_of(text, "minimum_n")
    assert f"line {line}, key requirements[2].minimum_n: unknown key 'minimum_n'." in message
    assert "Did you mean 'min_n'?" in message


def test_unknown_metric_lists_the_known_ones() -> None:
    """An unknown metric is named with its line and the metrics a policy may judge."""
    text = GOOD.replace('metric = "selection_rate"', 'metric = "selection_rat"')
    message = _error(text)
    line = _line_of(text, "metric = ")
    assert f"line {line}, key requirements[1].metric: unknown metric 'selection_rat'" in message
    assert "Did you mean 'selection_rate'?" in message
    assert "scoring_rate" in message
    assert "standardized_mean_difference" in message


def test_syntax_error_is_reworded_with_line_and_column() -> None:
    """tomllib's syntax error becomes a plain sentence with the line and column."""
    text = GOOD.replace('version = "2"', "version = 2 three")
    message = _error(text)
    assert "is not valid TOML at line 3, column" in message
    assert "text in double quotes" in message


def test_every_problem_is_listed_at_once() -> None:
    """An unknown key, a missing one, a wrong direction and its line are reported together."""
    text = GOOD.replace('harmful = "lower"\nattributes', 'harmful = "higher"\nattributes')
    text = text.replace('summary = "Our own lines."\n', 'sumary = "x"\n')
    message = _error(text)
    assert "has 4 problems" in message
    assert f"line {_line_of(text, 'sumary')}, key sumary: unknown key" in message
    assert "key summary: the key 'summary' is missing" in message
    assert "harmful must be 'lower'" in message
    assert "a ratio line where higher harms must be above 1" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("line = 0.9", "line = 1.2"), "a ratio line where lower harms must be between 0 and 1"),
        (('reference = "overall"', 'reference = "biggest"'), 'must be "best"'),
        (('kind = "ratio"', 'kind = "share"'), 'must be "ratio" or "difference"'),
        (('attributes = ["sex"]', 'attributes = ["race"]'), "not in the policy's [attributes]"),
        (("min_n = 20", "min_n = true"), "must be a whole number. Got True."),
        (
            (
                TPR_LOWER,
                TPR_LOWER.replace("true_positive_rate", "scoring_rate").replace("lower", "higher"),
            ),
            "for 'scoring_rate' a lower value harms a group",
        ),
        (('kind = "difference"', 'kind = "difference"\ncolour = "red"'), "unknown key 'colour'"),
        (
            ('harmful = "lower"\nattributes', 'harmful = "lower"\nrate_name = " "\nattributes'),
            'the rate\'s name in reasons, e.g. "approval rate"',
        ),
    ],
)
def test_schema_problems(change: tuple[str, str], expected: str) -> None:
    """Each schema check has its own plain message."""
    assert expected in _error(GOOD.replace(*change))


def test_with_lines_records_the_edit_and_undoes_it() -> None:
    """Editing a line records original and edited; setting it back removes the record."""
    policy = load_policy("four-fifths")
    edited = policy.with_lines({"impact_ratio": 0.75})
    assert edited.requirements[0].line == 0.75
    assert [(e.requirement, e.original, e.edited) for e in edited.edits] == [
        ("impact_ratio", 0.8, 0.75)
    ]
    again = edited.with_lines({"impact_ratio": 0.7})
    assert [(e.original, e.edited) for e in again.edits] == [(0.8, 0.7)]
    assert again.with_lines({"impact_ratio": 0.8}).edits == ()
    with pytest.raises(KeyError, match="impact_ratio"):
        policy.with_lines({"nope": 0.5})


def test_subgroup_options_follow_the_policy() -> None:
    """The Subgroups page's lines come from the policy's first ratio and difference rules."""
    strict = load_policy("strict-internal").subgroup_options()
    assert strict["ratio_threshold"] == 0.9
    assert strict["tolerance"] == 0.05
    assert strict["reference"] == "best"
    assert strict["min_n"] == 30
    named = parse_policy(GOOD.replace('kind = "ratio"\nline = 0.9\nharmful = "lower"\n',
                                      'kind = "ratio"\nline = 0.9\nharmful = "lower"\n'
                                      'reference = "group:Men"\n'), origin="x.toml")  # fmt: skip
    assert named.subgroup_options()["reference"] == ("Men",)
    assert isinstance(named, Policy)


def test_the_documented_example_policy_is_valid() -> None:
    """The full example in docs/policies.md parses, with every key it shows."""
    docs = (BUILTIN.parents[2] / "docs" / "policies.md").read_text(encoding="utf-8")
    block = docs.split("```toml\n", 1)[1].split("```", 1)[0]
    policy = parse_policy(block, origin="acme.toml")
    first = policy.requirements[0]
    assert first.intersections == (("sex", "race_ethnicity"),)
    assert first.exclude_below_share == 0.02
    assert policy.checklist[0].evidence == ("human_oversight",)
    assert policy.unknown_values == ("unknown", "prefer not to say")
