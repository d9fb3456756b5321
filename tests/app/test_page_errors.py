"""An error no page expected is a plain message with a reference, never Streamlit's crash box."""

from __future__ import annotations

import logging
import re

import pytest
from streamlit.testing.v1 import AppTest


def _failing_app() -> None:
    import streamlit as st

    from components.errors import run_page

    def page() -> None:
        st.title("Subgroups")
        raise KeyError("alice_confidential_salaries.csv")

    run_page(page)
    st.caption("drawn after the page")


def _stopping_app() -> None:
    import streamlit as st

    from components.errors import run_page

    def page() -> None:
        st.write("before the stop")
        st.stop()

    run_page(page)


def test_unexpected_error_is_a_plain_message_and_logged_with_its_reference(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The reviewer reads a sentence with a reference; the log has the traceback under it."""
    monkeypatch.setenv("FAIRNESS_EXPLORER_TEST_PAGE_ERRORS", "1")
    with caplog.at_level(logging.ERROR, logger="components.errors"):
        app = AppTest.from_function(_failing_app, default_timeout=30).run()
    assert not app.exception
    [error] = [e.value for e in app.error]
    found = re.fullmatch(
        r"Something went wrong on this page\. Your review is kept: the data, the model, the "
        r"roles and your findings are still loaded\. Reload the page, or go to another page and "
        r"back\. If it happens again, tell the person who runs the app and give them this error "
        r"reference: ([0-9A-F]{8})\.",
        error,
    )
    assert found, error
    assert "alice" not in error
    assert app.caption[0].value == "drawn after the page"  # the app carries on around it
    [record] = [r for r in caplog.records if found.group(1) in r.getMessage()]
    assert record.exc_info is not None
    assert record.exc_info[0] is KeyError


def test_stop_and_rerun_are_not_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """st.stop() inside a page passes through: no message."""
    monkeypatch.setenv("FAIRNESS_EXPLORER_TEST_PAGE_ERRORS", "1")
    app = AppTest.from_function(_stopping_app, default_timeout=30).run()
    assert not app.exception
    assert not app.error
    assert app.markdown[0].value == "before the stop"


def test_under_pytest_the_error_still_surfaces() -> None:
    """Without the test switch the bug is raised, so every other app test still sees it."""
    app = AppTest.from_function(_failing_app, default_timeout=30).run()
    assert len(app.exception) == 1  # Streamlit's box (redacted by client.showErrorDetails)
    assert not app.error
