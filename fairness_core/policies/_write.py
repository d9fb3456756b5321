"""A policy written back as TOML, so it can travel in an audit bundle and be read again.

:func:`policy_to_toml` writes the policy as its file had it (the lines *before* the
reviewer's edits; the edits travel beside it), and :func:`parse_policy` reads the result
back to an equal policy — so a bundle's policy goes through the same checks as a file
typed by hand, and a user's own policy needs no file of its own to be replayed.

The standard library reads TOML (``tomllib``) but does not write it; the policy schema is
small (strings, numbers, booleans, lists and one level of tables), so a short writer here
is simpler than a new dependency.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import fields

from fairness_core.policies._model import ChecklistItem, MetricRequirement, Policy, retitled

__all__ = ["policy_to_toml"]

_TOP = ("id", "name", "version", "source", "summary", "not_covered")


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"A policy cannot hold {value!r}.")
        return repr(value)
    if isinstance(value, str):
        # A JSON string is a valid TOML basic string (same escapes for quotes, backslashes
        # and control characters; non-ASCII written as \\uXXXX, which TOML reads too).
        return json.dumps(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"A policy cannot hold a {type(value).__name__}.")


def _table(entries: Mapping[str, object]) -> list[str]:
    return [f"{json.dumps(key)} = {_value(value)}" for key, value in entries.items()]


def policy_to_toml(policy: Policy) -> str:
    """The policy as TOML text, with its requirements' original (unedited) lines."""
    original = {edit.requirement: edit.original for edit in policy.edits}
    lines = _table({key: getattr(policy, key) for key in _TOP})
    if policy.unknown_values:
        lines += _table({"unknown_values": policy.unknown_values})
    if policy.tables:
        lines += _table({"tables": policy.tables})
    if policy.attributes:
        lines += ["", "[attributes]", *_table(dict(policy.attributes))]
    for requirement in policy.requirements:
        entries = {
            f.name: getattr(requirement, f.name)
            for f in fields(MetricRequirement)
            if getattr(requirement, f.name) is not None
        }
        if requirement.id in original:  # the file's line, and the title that names it
            entries["line"] = original[requirement.id]
            entries["title"] = retitled(requirement.title, requirement.line, entries["line"])
        lines += ["", "[[requirements]]", *_table(entries)]
    for item in policy.checklist:
        entries = {f.name: getattr(item, f.name) for f in fields(ChecklistItem)}
        lines += ["", "[[checklist]]", *_table(entries)]
    return "\n".join(lines) + "\n"
