"""Stopping an uploaded model in a real browser: the Stop button ends the load at once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import skops.io as sio
from playwright.sync_api import Page, expect
from sklearn.linear_model import LogisticRegression

from tests.e2e.conftest import Server, open_app, screenshot, shown_exceptions, wait_idle


def _fresh_model(seed: int) -> bytes:
    """A small skops model never uploaded before (so its load is not a cache hit)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"income": rng.normal(size=40), "age": rng.normal(size=40)})
    return sio.dumps(LogisticRegression().fit(frame, (frame["income"] > 0).astype(int)))


def test_stop_ends_a_model_load_and_says_nothing_changed(
    watched_page: tuple[Page, list[str]], server: Server
) -> None:
    """While a model loads in its worker, Stop ends it; the page says what happened."""
    page, errors = watched_page
    open_app(page, server)
    page.get_by_text("My own files").click()
    wait_idle(page)
    uploader = page.locator('input[type="file"]').nth(1)
    uploader.set_input_files(
        {"name": "slow.skops", "mimeType": "application/octet-stream", "buffer": _fresh_model(7)}
    )
    # Starting the worker process alone takes seconds: the caption and button show meanwhile.
    expect(page.get_by_text("Loading the model…").first).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Stop the model").click()
    notice = page.get_by_text("You stopped the model 'slow.skops' while it was loading.")
    expect(notice).to_be_visible(timeout=30_000)
    wait_idle(page)
    expect(page.get_by_role("button", name="Stop the model")).to_have_count(0)
    expect(page.get_by_text("Loaded the model slow.skops")).to_have_count(0)
    screenshot(page, "model_stopped")
    assert shown_exceptions(page) == []
    assert errors == []
