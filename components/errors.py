"""Showing problems to a reviewer: core errors and validation findings, never tracebacks.

:func:`run_page` is the last line of defence: app.py runs each page through it, so an error
no page expected (a bug) is shown as a plain sentence with a short *error reference*, and
the traceback goes to the server log under that reference for whoever runs the app.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable, Iterable

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


_LOG = logging.getLogger(__name__)

UNEXPECTED_ERROR = (
    "Something went wrong on this page. Your review is kept: the data, the model, the roles "
    "and your findings are still loaded. Reload the page, or go to another page and back. "
    "If it happens again, tell the person who runs the app and give them this error "
    "reference: {reference}."
)


def run_page(page: Callable[[], object]) -> None:
    """Run one page (``navigation.run``); an unexpected error becomes a plain message.

    Streamlit's own stop and rerun signals are not errors and pass through. Under pytest
    the error is raised instead (``PYTEST_CURRENT_TEST`` is set, also in the servers the
    browser tests start), so AppTest's ``exception`` and the browser tests' exception check
    still catch every bug.
    """
    try:
        page()
    except Exception as exc:
        if os.environ.get("PYTEST_CURRENT_TEST") and not os.environ.get(_HANDLE_IN_TESTS):
            raise
        reference = secrets.token_hex(4).upper()
        _LOG.error("Unexpected error on a page, reference %s", reference, exc_info=exc)
        st.error(UNEXPECTED_ERROR.format(reference=reference), icon=":material/error:")


#: Set by the test of :func:`run_page` itself, to see the message a reviewer sees.
_HANDLE_IN_TESTS = "FAIRNESS_EXPLORER_TEST_PAGE_ERRORS"
