"""Journeys a reviewer takes, in a real browser against the real server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import (
    Server,
    go_to,
    open_app,
    screenshot,
    shown_exceptions,
    wait_idle,
    watch_console,
)

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
    expect(page.get_by_text("Disparate impact ratio (four-fifths rule)").first).to_be_visible()
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
    sidebar = page.locator('[data-testid="stSidebar"]')
    uploads.nth(0).set_input_files(str(DEMO / "test.csv"))
    # The demo already says "Ready to audit": wait for the sidebar to name the upload, which
    # it does only once the page has finished handling it.
    expect(sidebar).to_contain_text("Upload: test.csv")
    wait_idle(page)
    uploads.nth(1).set_input_files(str(DEMO / "model.skops"))
    expect(sidebar).to_contain_text("Model: model.skops")
    wait_idle(page)
    page.get_by_text("The model scores the rows").click()
    wait_idle(page)
    expect(page.get_by_text("Ready to audit 4,000 rows").first).to_be_visible()
    screenshot(page, "upload-data-page")
    go_to(page, "Subgroups")
    expect(page.get_by_text("Disparate impact ratio (four-fifths rule)").first).to_be_visible()
    assert shown_exceptions(page) == []
    assert errors == []


def _pin(page: Page, index: int = 0) -> None:
    """Pin the index-th view of the page as a finding with the default title."""
    page.get_by_role("button", name="Add to findings").nth(index).click()
    page.get_by_role("button", name="Add", exact=True).click()
    wait_idle(page)


def test_review_journey_from_subgroups_to_a_replayed_report(
    watched_page: tuple[Page, list[str]], server: Server, tmp_path: Path
) -> None:
    """Subgroups → pin → Trade-offs, record a point → What-if, edit and flip, pin → Report:
    download the HTML report and open it offline; replay the audit bundle on the files."""
    page, errors = watched_page
    open_app(page, server)
    go_to(page, "Subgroups")
    _pin(page)
    expect(page.get_by_text("Findings pinned: 1")).to_be_visible()

    go_to(page, "Trade-offs")
    page.get_by_role("combobox", name="Strategy").click()
    page.get_by_role("option", name="Equal opportunity", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("Per 10,000 decisions").first).to_be_visible()
    page.get_by_label("Why this operating point? (rationale)").fill(
        "Qualified applicants get the same chance in every group."
    )
    page.get_by_role("button", name="Record this operating point").click()
    wait_idle(page)
    expect(page.get_by_text("Option A: Equal opportunity").first).to_be_visible()
    screenshot(page, "journey-tradeoffs")

    go_to(page, "What-if")
    before = page.locator('[data-testid="stMetricValue"]').nth(1).inner_text()
    income = page.get_by_role("spinbutton", name="income", exact=True)
    income.fill("5000")
    page.get_by_role("button", name="Re-score").click()
    wait_idle(page)
    after = page.locator('[data-testid="stMetricValue"]').nth(1).inner_text()
    assert after != before  # the edited applicant was re-scored
    expect(page.get_by_text("This person").first).to_be_visible()
    _pin(page)
    expect(page.get_by_text("Findings pinned: 2")).to_be_visible()
    screenshot(page, "journey-whatif")

    go_to(page, "Report")
    expect(page.get_by_text("Qualified applicants get the same chance").first).to_be_visible()
    expect(
        page.get_by_text("Chosen operating point: Option A: Equal opportunity").first
    ).to_be_visible()
    screenshot(page, "journey-report")
    html = _download(page, "HTML report", tmp_path)
    bundle = _download(page, "Audit bundle", tmp_path)
    assert shown_exceptions(page) == []
    assert errors == []

    # The downloaded report opens offline: no request leaves the file, no console error.
    report = page.context.new_page()
    outside: list[str] = []
    report.route("**/*", lambda route: _only_local(route, outside))
    report_errors = watch_console(report)
    report.goto(html.as_uri())
    expect(report.locator(".js-plotly-plot").first).to_be_visible()
    expect(report.get_by_text("Qualified applicants get the same chance").first).to_be_visible()
    screenshot(report, "journey-report-html")
    assert outside == []
    assert report_errors == []

    # An auditor replays the bundle on the original files and gets identical numbers.
    replay = subprocess.run(  # noqa: S603 - fixed command line, files made by this test
        [
            sys.executable,
            "-m",
            "fairness_core.cli",
            "replay",
            str(bundle),
            "--data",
            str(DEMO / "test.csv"),
            "--model",
            str(DEMO / "model.skops"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert replay.returncode == 0, replay.stdout + replay.stderr


def _download(page: Page, label: str, folder: Path) -> Path:
    """Click a download button and keep the file."""
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def _only_local(route: Route, outside: list[str]) -> None:
    """Let file: and data: URLs through; record and block anything else."""
    url = route.request.url
    if url.startswith(("file:", "data:", "blob:")):
        route.continue_()
    else:
        outside.append(url)
        route.abort()
