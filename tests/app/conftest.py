"""AppTest fixtures: the app always starts from app.py, as a reviewer's browser does."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def app() -> AppTest:
    """The app after its first run (the loan demo is loaded)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


class _RoutedPagesManager(PagesManager):
    """AppTest's pages manager, routed through app.py as a real server is.

    AppTest resets Streamlit's "legacy pages/ folder" flag before every run, and because
    this project keeps its pages in ``pages/``, it would then run a page file directly,
    skipping app.py (no autosave, no sidebar, no review opening). A real server switches
    the flag off for good at the first ``st.navigation`` call, so every run after the
    first goes through app.py; this does the same from the start.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def _route_through_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_test_module, "PagesManager", _RoutedPagesManager)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A reviews database of this test's own (the app reads its path from the environment)."""
    from fairness_core.reviews import STORE_PATH_ENV

    path = tmp_path / "reviews.sqlite3"
    monkeypatch.setenv(STORE_PATH_ENV, str(path))
    return path


def open_browser(owner: str, review: str | None = None) -> AppTest:
    """A browser session whose owner secret is ``owner``, opening ``review`` if given."""
    from components.identity import OWNER

    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[OWNER] = owner
    if review is not None:
        at.query_params["review"] = review
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def go(at: AppTest, page: str) -> None:
    """Switch ``at`` to ``page`` (a path under pages/) and check nothing failed."""
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]


def open_loan_bundle(at: AppTest, bundle: bytes) -> None:
    """Open an audit bundle made on the loan demo's test file, as a reviewer does."""
    from components import bundle_open, state
    from fairness_core.data import get_demo

    at.radio(key=state.DATA_ORIGIN).set_value("An audit bundle").run()
    uploads = at.get("file_uploader")
    uploads[0].set_value(("audit.zip", bundle, "application/zip"))
    uploads[1].set_value(("test.csv", get_demo("loan").test_path.read_bytes(), "text/csv"))
    at.run()
    at.button(key=bundle_open.OPEN_BUNDLE).click().run()
    assert not at.exception, [e.value for e in at.exception]
