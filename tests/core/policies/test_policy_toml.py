"""A policy written as TOML reads back equal, so bundles can carry any policy."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fairness_core.policies import builtin_policies, parse_policy, policy_to_toml


@pytest.mark.parametrize("name", sorted(builtin_policies()))
def test_every_built_in_policy_round_trips(name: str) -> None:
    policy = builtin_policies()[name]
    again = parse_policy(policy_to_toml(policy), origin=policy.origin)
    assert again == policy


def test_edited_lines_are_written_as_the_original_and_reapplied() -> None:
    policy = builtin_policies()["four-fifths"]
    first = policy.requirements[0]
    edited = policy.with_lines({first.id: 0.9})
    read = parse_policy(policy_to_toml(edited), origin="bundle")
    assert read.requirements[0].line == first.line  # the file's line, not the edit
    again = read.with_lines({e.requirement: e.edited for e in edited.edits})
    assert again.requirements == edited.requirements
    assert again.edits == edited.edits


def test_text_with_quotes_backslashes_and_newlines_survives() -> None:
    policy = builtin_policies()["strict-internal"]
    odd = replace(policy, summary='Say "no" \\ to C:\\path\nnew line — Zoë [x] = 1\t#')
    assert parse_policy(policy_to_toml(odd), origin="x").summary == odd.summary


def test_an_edited_line_renames_its_requirement_and_the_file_keeps_the_original() -> None:
    """A title names its line: editing 0.8 to 0.9 says 0.9; the bundle's TOML says 0.8."""
    policy = builtin_policies()["four-fifths"]
    edited = policy.with_lines({"impact_ratio": 0.9})
    assert "at least 0.9" in edited.requirements[0].title
    assert "0.8" not in edited.requirements[0].title
    read = parse_policy(policy_to_toml(edited), origin=policy.origin)
    assert read.requirements[0] == policy.requirements[0]  # title and line as in the file
    assert policy.with_lines({"impact_ratio": 0.9}).with_lines({"impact_ratio": 0.8}) == policy


def test_a_difference_is_shown_with_the_sign_of_its_harmful_side() -> None:
    lending = {r.id: r for r in builtin_policies()["fair-lending"].requirements}
    assert lending["adverse_impact_ratio"].bound == 0.8
    assert lending["approval_rate_difference"].bound == -0.05
    assert lending["score_smd"].bound == -0.3
