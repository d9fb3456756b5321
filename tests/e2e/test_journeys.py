"""Journeys a reviewer takes, in a real browser against the real server."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, go_to, open_app, screenshot, shown_exceptions, wait_idle

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo_data" / "loan"


def test_demo_opens_and_subgroups_show_verdicts(
    watched_page: tuple[Page, list[str]], server: Server
) -> None:
    """Open the app: the loan demo is loaded; the Subgroups page shows summaries and a chart."""
    page, errors = watched_page
    open_app(page, server)
    expect(page.get_by_text("Ready to audit 4,000 rows")).to_be_visible()
    screenshot(page, "demo-data-page")
    go_to(page, "Subgroups")
    expect(page.get_by_text("Demographic parity ratio").first).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible()
    screenshot(page, "demo-subgroups")
    assert shown_exceptions(page) == []
    assert errors == []


def test_upload_csv_and_skops_model_then_audit(
    watched_page: tuple[Page, list[str]], server: Server
) -> None:
    """Upload the loan test CSV and its skops model, map the columns, see the audit."""
    page, errors = watched_page
    open_app(page, server)
    page.get_by_text("My own files").click()
    wait_idle(page)
    uploads = page.locator('input[type="file"]')
    uploads.nth(0).set_input_files(str(DEMO / "test.csv"))
    expect(page.get_by_text("Ready to audit").first).to_be_visible()
    uploads.nth(1).set_input_files(str(DEMO / "model.skops"))
    expect(page.get_by_text("Loaded the model model.skops")).to_be_visible()
    wait_idle(page)
    expect(page.get_by_text("Model: model.skops", exact=False).first).to_be_visible()
    screenshot(page, "upload-data-page")
    go_to(page, "Subgroups")
    expect(page.get_by_text("Demographic parity ratio").first).to_be_visible()
    assert shown_exceptions(page) == []
    assert errors == []
