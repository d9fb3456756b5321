"""Errors raised by fairness_core.

Every error a caller needs to handle derives from :class:`FairnessCoreError`, so the app
and the command line catch one type and show its message. Each specific error also
subclasses the matching builtin, so generic code (``except ValueError``) keeps working.
Lower-library errors (pandas, skops, onnxruntime, ...) are translated into these with
``raise ... from exc``; their messages are written for a product reviewer, not a programmer:
what is wrong, what was expected, what was found, and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DataFormatError",
    "DataLimitError",
    "FairnessCoreError",
    "InvalidInputError",
    "ModelLoadError",
    "Problem",
    "UntrustedModelError",
    "ValidationFailedError",
]


class FairnessCoreError(Exception):
    """Base class for every error fairness_core raises on purpose."""


class InvalidInputError(FairnessCoreError, ValueError):
    """An argument or a setting has a value the computation cannot use."""


class DataFormatError(FairnessCoreError, ValueError):
    """A data file cannot be read as a table (wrong format, encoding, layout, or empty)."""


class DataLimitError(DataFormatError):
    """The data has more rows or cells than the operator's limit allows in memory."""


class ModelLoadError(FairnessCoreError, ValueError):
    """A model file cannot be loaded or cannot score the data."""


class UntrustedModelError(FairnessCoreError, PermissionError):
    """A model file would run code or use types the operator has not allowed."""


@dataclass(frozen=True)
class Problem:
    """One finding of data validation, phrased for a reviewer.

    ``what`` says what is wrong, ``expected`` what the audit needs, ``found`` what the
    file holds, and ``fix`` how to put it right. ``severity`` is ``"error"`` when the
    audit cannot run and ``"warning"`` when it can but the reviewer should know.
    """

    code: str
    what: str
    expected: str
    found: str
    fix: str
    column: str | None = None
    severity: Literal["error", "warning"] = "error"

    def message(self) -> str:
        """The problem as one paragraph: what, expected, found, fix."""
        return f"{self.what} Expected: {self.expected} Found: {self.found} How to fix: {self.fix}"


class ValidationFailedError(InvalidInputError):
    """The data cannot be audited as specified; ``problems`` lists every reason at once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [f"- {p.message()}" for p in errors]
        count = len(errors)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"The data cannot be audited yet ({count} {noun}):\n" + "\n".join(lines))
