"""Reading policies from TOML text, files and the package's built-in policies."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fairness_core.policies._model import Policy

__all__ = ["builtin_policies", "load_policy", "parse_policy"]


def builtin_policies() -> Mapping[str, Policy]:
    """Every built-in policy, id → policy, read from the TOML files in the package."""
    raise NotImplementedError


def parse_policy(text: str, *, origin: str) -> Policy:
    """Read a policy from TOML text; :class:`PolicyError` names the key and line when wrong."""
    raise NotImplementedError


def load_policy(name_or_path: str | Path) -> Policy:
    """A built-in policy by id, or a policy read from a ``.toml`` file."""
    raise NotImplementedError
