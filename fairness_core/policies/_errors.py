"""The error a malformed policy raises."""

from __future__ import annotations

from fairness_core.errors import InvalidInputError

__all__ = ["PolicyError"]


class PolicyError(InvalidInputError):
    """A policy file or name cannot be used; the message names the key, the line and the fix."""
