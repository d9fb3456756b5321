"""Showing problems to a reviewer: core errors and validation findings, never tracebacks."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from fairness_core.errors import FairnessCoreError, Problem, ValidationFailedError
from fairness_core.escaping import escape_markdown


def render_error(exc: FairnessCoreError) -> None:
    """Show a core error as a red box with its remedy (problems listed one per box)."""
    if isinstance(exc, ValidationFailedError):
        render_problems(exc.problems)
        return
    st.error(escape_markdown(str(exc)), icon=":material/warning:")


def render_problems(problems: Iterable[Problem]) -> None:
    """Errors first, then warnings, each as what / expected / found / how to fix."""
    ordered = sorted(problems, key=lambda p: p.severity != "error")
    for problem in ordered:
        body = (
            f"**{escape_markdown(problem.what)}**  \n"
            f"Expected: {escape_markdown(problem.expected)}  \n"
            f"Found: {escape_markdown(problem.found)}  \n"
            f"How to fix: {escape_markdown(problem.fix)}"
        )
        if problem.severity == "error":
            st.error(body, icon=":material/error:")
        else:
            st.warning(body, icon=":material/warning:")
