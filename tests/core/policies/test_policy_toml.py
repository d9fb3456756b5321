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
