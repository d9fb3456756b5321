"""The command line's policy options: ``audit --policy`` / ``--policy-column`` and ``policies``.

The policy package is imported inside the functions that need it, so ``--help`` and the
other commands do not pay for it; the built-in ids for the help text are the names of the
package's TOML files (each file's ``id`` equals its name; a test checks this).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from fairness_core.errors import InvalidInputError

if TYPE_CHECKING:
    from fairness_core.policies import Policy, PolicyResult

__all__ = [
    "add_policies_command",
    "add_policy_options",
    "builtin_policy_ids",
    "load_policies",
    "policy_columns",
    "policy_lines",
    "run_policies",
]

BUILTIN_FOLDER = Path(__file__).resolve().parents[1] / "policies" / "builtin"


def builtin_policy_ids() -> tuple[str, ...]:
    """The built-in policies' ids, from the file names (no import of the policy package)."""
    return tuple(sorted(path.stem for path in BUILTIN_FOLDER.glob("*.toml")))


def add_policy_options(audit: argparse.ArgumentParser) -> None:
    """``--policy`` and ``--policy-column`` on the audit command."""
    audit.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="NAME|FILE",
        help="check the audit against a policy: a built-in one ("
        + ", ".join(builtin_policy_ids())
        + ") or a .toml policy file; repeatable. Exit code 1 when any policy is not met. "
        "List them with 'fairness-explorer policies'.",
    )
    audit.add_argument(
        "--policy-column",
        action="append",
        default=[],
        metavar="ATTRIBUTE=COLUMN",
        help="which protected column a policy's attribute is, e.g. sex=gender (repeatable; "
        "default: suggested from the column names)",
    )


def add_policies_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``fairness-explorer policies``: list the built-in policies."""
    sub.add_parser(
        "policies",
        help="list the built-in policies",
        description="List the built-in policies 'audit --policy' accepts, with their sources.",
    )


def load_policies(args: argparse.Namespace) -> tuple[Policy, ...]:
    """The policies named by ``--policy`` (PolicyError naming key and line for a bad file)."""
    if not args.policy:
        return ()
    from fairness_core.policies import load_policy

    return tuple(load_policy(name) for name in args.policy)


def policy_columns(args: argparse.Namespace) -> tuple[tuple[str, str], ...]:
    """``--policy-column ATTRIBUTE=COLUMN`` pairs."""
    pairs = []
    for text in args.policy_column:
        attribute, sep, column = text.partition("=")
        if not sep or not attribute.strip() or not column.strip():
            raise InvalidInputError(
                f"--policy-column expects ATTRIBUTE=COLUMN, e.g. sex=gender. Got {text!r}. "
                "Write the policy's attribute, an equals sign, and the protected column."
            )
        pairs.append((attribute.strip(), column.strip()))
    return tuple(pairs)


def policy_lines(results: tuple[PolicyResult, ...]) -> list[str]:
    """One line per policy for the terminal: its status and, when not met, why."""
    lines = []
    for result in results:
        line = f"Policy {result.policy.name}: {result.status}"
        failed = [r for r in result.requirements if r.status == "not met"]
        if failed:
            line += f" ({failed[0].attribute}: {failed[0].reason})"
        lines.append(line)
    return lines


def run_policies(_args: argparse.Namespace) -> int:
    """Print each built-in policy: id, name, version and source."""
    from fairness_core.escaping import reveal_invisible
    from fairness_core.policies import builtin_policies

    for policy in builtin_policies().values():
        sys.stdout.write(
            reveal_invisible(
                f"{policy.id}\n  {policy.name} ({policy.version})\n  {policy.summary}\n"
                f"  Source: {policy.source}\n\n",
                keep_line_breaks=True,
            )
        )
    return 0
